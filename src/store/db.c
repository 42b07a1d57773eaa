/* db.c - the database layer: a db_stmt_t wraps a sqlite3_stmt or a
 * PostgreSQL statement (db_pg.c); the statement's SQL goes through the
 * dialect first (dialect.c). */
#include "db.h"

#include "db_pg_internal.h"
#include "db_sqlite_internal.h"
#include "dialect.h"
#include "store_internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct db_stmt {
    sqlite3_stmt *lite;
    pg_stmt_t *pg;
};

static sqlite3_stmt *lite(db_stmt_t *s)
{
    return s->lite;
}

/* 0 and *out on success, else an SQLite result code (SQLITE_NOMEM...). */
static int prepare_lite(tob_store_t *st, const char *sql, db_stmt_t **out)
{
    char *mine = NULL;
    *out = NULL;
    if (dialect_needs(DIALECT_SQLITE, sql) &&
        (mine = dialect_sql(DIALECT_SQLITE, st->srid, sql, NULL)) == NULL)
        return SQLITE_NOMEM;
    db_stmt_t *s = calloc(1, sizeof *s);
    int rc = s == NULL ? SQLITE_NOMEM
                       : sqlite3_prepare_v2(st->db, mine ? mine : sql, -1,
                                            &s->lite, NULL);
    free(mine);
    if (rc != SQLITE_OK) {
        if (s != NULL)
            sqlite3_finalize(s->lite);
        free(s);
        return rc;
    }
    *out = s;
    return SQLITE_OK;
}

/* The same on PostgreSQL: 0, -1 (refused) or -2 (out of memory). */
static int prepare_pg(tob_store_t *st, const char *sql, int try,
                      db_stmt_t **out)
{
    *out = NULL;
    db_stmt_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return -2;
    int rc = pgs_prepare(st, sql, try, &s->pg);
    if (rc != 0) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* A connection serves the thread that opened it: PostgreSQL's would mix
 * two threads' messages on one socket (a worker once hung so), SQLite's
 * would read outside the worker's snapshot. Each worker opens its own. */
static int foreign_thread(const tob_store_t *st)
{
    return !pthread_equal(st->owner, pthread_self());
}

tob_status_t db_prepare(tob_store_t *st, const char *sql, db_stmt_t **stmt,
                        tob_error_t *err)
{
    if (foreign_thread(st)) {
        *stmt = NULL;
        return tob_error_set(err, TOB_ERR_STORE,
                             "internal error: a store connection used by a"
                             " thread that did not open it");
    }
    int rc = st->engine == DIALECT_PG ? prepare_pg(st, sql, 0, stmt)
                                      : prepare_lite(st, sql, stmt);
    if (rc == SQLITE_NOMEM || rc == -2)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (rc != 0)
        return db_fail(st, "preparing a statement", err);
    return TOB_OK;
}

int db_try_prepare(tob_store_t *st, const char *sql, db_stmt_t **stmt)
{
    if (foreign_thread(st)) { /* no error to say it with: never silent */
        fputs("terrobs: internal error: a store connection used by a thread"
              " that did not open it\n",
              stderr);
        abort();
    }
    if (st->engine == DIALECT_PG)
        return prepare_pg(st, sql, 1, stmt) == 0;
    return prepare_lite(st, sql, stmt) == SQLITE_OK;
}

char *db_respell(tob_store_t *st, const char *sql)
{
    return dialect_sql_for_client(st->engine, st->srid, sql, st->schema);
}

db_stmt_t *db_wrap_sqlite(sqlite3_stmt *s)
{
    db_stmt_t *w = calloc(1, sizeof *w);
    if (w == NULL) {
        sqlite3_finalize(s);
        return NULL;
    }
    w->lite = s;
    return w;
}

db_stmt_t *db_wrap_pg(pg_stmt_t *s)
{
    db_stmt_t *w = calloc(1, sizeof *w);
    if (w == NULL) {
        pgs_finalize(s);
        return NULL;
    }
    w->pg = s;
    return w;
}

tob_status_t db_fail(tob_store_t *st, const char *doing, tob_error_t *err)
{
    if (st->engine == DIALECT_PG)
        return tob_error_lib(err, TOB_ERR_SQLITE, 1, "%s: %s", doing,
                             pg_errmsg(st));
    sqlite3 *db = db_sqlite(st);
    return tob_error_lib(err, TOB_ERR_SQLITE, sqlite3_extended_errcode(db),
                         "%s: %s", doing, sqlite3_errmsg(db));
}

const char *db_errmsg(tob_store_t *st)
{
    if (st->engine == DIALECT_PG)
        return pg_errmsg(st);
    return sqlite3_errmsg(db_sqlite(st));
}

int db_step(db_stmt_t *s)
{
    if (!db_stmt_readonly(s))
        test_hook_write();
    if (s->pg != NULL)
        return pgs_step(s->pg);
    return sqlite3_step(lite(s));
}

int db_reset(db_stmt_t *s)
{
    if (s->pg != NULL) {
        pgs_reset(s->pg);
        return DB_OK;
    }
    return sqlite3_reset(lite(s));
}

int db_clear_bindings(db_stmt_t *s)
{
    if (s->pg != NULL) {
        pgs_clear(s->pg);
        return DB_OK;
    }
    return sqlite3_clear_bindings(lite(s));
}

void db_finalize(db_stmt_t *s)
{
    if (s == NULL)
        return;
    if (s->pg != NULL)
        pgs_finalize(s->pg);
    else
        sqlite3_finalize(lite(s));
    free(s);
}

int db_stmt_readonly(db_stmt_t *s)
{
    if (s->pg != NULL)
        return pgs_readonly(s->pg);
    return sqlite3_stmt_readonly(lite(s));
}

int db_bind_text(db_stmt_t *s, int i, const char *text)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, text, -1, 0, 1);
    return sqlite3_bind_text(lite(s), i, text, -1, SQLITE_TRANSIENT);
}

int db_bind_text_static(db_stmt_t *s, int i, const char *text)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, text, -1, 0, 0);
    return sqlite3_bind_text(lite(s), i, text, -1, SQLITE_STATIC);
}

int db_bind_textn(db_stmt_t *s, int i, const char *text, int n)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, text, n, 0, 1);
    return sqlite3_bind_text(lite(s), i, text, n, SQLITE_TRANSIENT);
}

int db_bind_blob(db_stmt_t *s, int i, const void *data, int n)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, data, n, 1, 1);
    return sqlite3_bind_blob(lite(s), i, data, n, SQLITE_TRANSIENT);
}

int db_bind_blob_static(db_stmt_t *s, int i, const void *data, int n)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, data, n, 1, 0);
    return sqlite3_bind_blob(lite(s), i, data, n, SQLITE_STATIC);
}

static int bind_pg_number(db_stmt_t *s, int i, const char *fmt, ...)
    TOB_PRINTF(3, 4);

static int bind_pg_number(db_stmt_t *s, int i, const char *fmt, ...)
{
    char buf[40];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return pgs_bind(s->pg, i, buf, -1, 0, 1);
}

int db_bind_int(db_stmt_t *s, int i, int value)
{
    if (s->pg != NULL)
        return bind_pg_number(s, i, "%d", value);
    return sqlite3_bind_int(lite(s), i, value);
}

int db_bind_int64(db_stmt_t *s, int i, long long value)
{
    if (s->pg != NULL)
        return bind_pg_number(s, i, "%lld", value);
    return sqlite3_bind_int64(lite(s), i, value);
}

int db_bind_double(db_stmt_t *s, int i, double value)
{
    if (s->pg == NULL)
        return sqlite3_bind_double(lite(s), i, value);
    if (isnan(value))
        return pgs_bind(s->pg, i, "NaN", -1, 0, 1);
    if (isinf(value))
        return pgs_bind(s->pg, i, value > 0 ? "Infinity" : "-Infinity", -1, 0,
                        1);
    return bind_pg_number(s, i, "%.17g", value);
}

int db_bind_null(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_bind(s->pg, i, NULL, -1, 0, 0);
    return sqlite3_bind_null(lite(s), i);
}

int db_bind_parameter_count(db_stmt_t *s)
{
    if (s->pg != NULL)
        return pgs_param_count(s->pg);
    return sqlite3_bind_parameter_count(lite(s));
}

int db_bind_parameter_index(db_stmt_t *s, const char *name)
{
    if (s->pg != NULL)
        return pgs_param_index(s->pg, name);
    return sqlite3_bind_parameter_index(lite(s), name);
}

const char *db_column_text(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_text(s->pg, i);
    return (const char *)sqlite3_column_text(lite(s), i);
}

const char *db_column_str(db_stmt_t *s, int i)
{
    const char *t = db_column_text(s, i);
    return t != NULL ? t : "";
}

const void *db_column_blob(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_blob(s->pg, i);
    return sqlite3_column_blob(lite(s), i);
}

int db_column_bytes(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_bytes(s->pg, i);
    return sqlite3_column_bytes(lite(s), i);
}

int db_column_int(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return (int)pgs_int64(s->pg, i);
    return sqlite3_column_int(lite(s), i);
}

long long db_column_int64(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_int64(s->pg, i);
    return sqlite3_column_int64(lite(s), i);
}

double db_column_double(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_double(s->pg, i);
    return sqlite3_column_double(lite(s), i);
}

int db_column_type(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_type(s->pg, i);
    return sqlite3_column_type(lite(s), i);
}

int db_column_count(db_stmt_t *s)
{
    if (s->pg != NULL)
        return pgs_column_count(s->pg);
    return sqlite3_column_count(lite(s));
}

const char *db_column_name(db_stmt_t *s, int i)
{
    if (s->pg != NULL)
        return pgs_column_name(s->pg, i);
    return sqlite3_column_name(lite(s), i);
}

long long db_changes(tob_store_t *st)
{
    if (st->engine == DIALECT_PG)
        return st->changes;
    return sqlite3_changes(db_sqlite(st));
}

int db_in_transaction(tob_store_t *st)
{
    if (st->engine == DIALECT_PG)
        return pg_in_transaction(st);
    return !sqlite3_get_autocommit(db_sqlite(st));
}
