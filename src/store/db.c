/* db.c - the database layer over SQLite: a db_stmt_t wraps a
 * sqlite3_stmt; the statement's SQL goes through the dialect first. */
#include "db.h"

#include "db_sqlite_internal.h"
#include "dialect.h"
#include "store_internal.h"

#include <sqlite3.h>
#include <stdlib.h>

struct db_stmt {
    sqlite3_stmt *lite;
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

tob_status_t db_prepare(tob_store_t *st, const char *sql, db_stmt_t **stmt,
                        tob_error_t *err)
{
    int rc = prepare_lite(st, sql, stmt);
    if (rc == SQLITE_NOMEM)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (rc != SQLITE_OK)
        return db_fail(st, "preparing a statement", err);
    return TOB_OK;
}

int db_try_prepare(tob_store_t *st, const char *sql, db_stmt_t **stmt)
{
    return prepare_lite(st, sql, stmt) == SQLITE_OK;
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

tob_status_t db_fail(tob_store_t *st, const char *doing, tob_error_t *err)
{
    sqlite3 *db = db_sqlite(st);
    return tob_error_lib(err, TOB_ERR_SQLITE, sqlite3_extended_errcode(db),
                         "%s: %s", doing, sqlite3_errmsg(db));
}

const char *db_errmsg(tob_store_t *st)
{
    return sqlite3_errmsg(db_sqlite(st));
}

int db_step(db_stmt_t *s)
{
    return sqlite3_step(lite(s));
}

int db_reset(db_stmt_t *s)
{
    return sqlite3_reset(lite(s));
}

int db_clear_bindings(db_stmt_t *s)
{
    return sqlite3_clear_bindings(lite(s));
}

void db_finalize(db_stmt_t *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(lite(s));
    free(s);
}

int db_stmt_readonly(db_stmt_t *s)
{
    return sqlite3_stmt_readonly(lite(s));
}

int db_bind_text(db_stmt_t *s, int i, const char *text)
{
    return sqlite3_bind_text(lite(s), i, text, -1, SQLITE_TRANSIENT);
}

int db_bind_text_static(db_stmt_t *s, int i, const char *text)
{
    return sqlite3_bind_text(lite(s), i, text, -1, SQLITE_STATIC);
}

int db_bind_textn(db_stmt_t *s, int i, const char *text, int n)
{
    return sqlite3_bind_text(lite(s), i, text, n, SQLITE_TRANSIENT);
}

int db_bind_blob(db_stmt_t *s, int i, const void *data, int n)
{
    return sqlite3_bind_blob(lite(s), i, data, n, SQLITE_TRANSIENT);
}

int db_bind_blob_static(db_stmt_t *s, int i, const void *data, int n)
{
    return sqlite3_bind_blob(lite(s), i, data, n, SQLITE_STATIC);
}

int db_bind_int(db_stmt_t *s, int i, int value)
{
    return sqlite3_bind_int(lite(s), i, value);
}

int db_bind_int64(db_stmt_t *s, int i, long long value)
{
    return sqlite3_bind_int64(lite(s), i, value);
}

int db_bind_double(db_stmt_t *s, int i, double value)
{
    return sqlite3_bind_double(lite(s), i, value);
}

int db_bind_null(db_stmt_t *s, int i)
{
    return sqlite3_bind_null(lite(s), i);
}

int db_bind_parameter_count(db_stmt_t *s)
{
    return sqlite3_bind_parameter_count(lite(s));
}

int db_bind_parameter_index(db_stmt_t *s, const char *name)
{
    return sqlite3_bind_parameter_index(lite(s), name);
}

const char *db_column_text(db_stmt_t *s, int i)
{
    return (const char *)sqlite3_column_text(lite(s), i);
}

const char *db_column_str(db_stmt_t *s, int i)
{
    const char *t = db_column_text(s, i);
    return t != NULL ? t : "";
}

const void *db_column_blob(db_stmt_t *s, int i)
{
    return sqlite3_column_blob(lite(s), i);
}

int db_column_bytes(db_stmt_t *s, int i)
{
    return sqlite3_column_bytes(lite(s), i);
}

int db_column_int(db_stmt_t *s, int i)
{
    return sqlite3_column_int(lite(s), i);
}

long long db_column_int64(db_stmt_t *s, int i)
{
    return sqlite3_column_int64(lite(s), i);
}

double db_column_double(db_stmt_t *s, int i)
{
    return sqlite3_column_double(lite(s), i);
}

int db_column_type(db_stmt_t *s, int i)
{
    return sqlite3_column_type(lite(s), i);
}

int db_column_count(db_stmt_t *s)
{
    return sqlite3_column_count(lite(s));
}

const char *db_column_name(db_stmt_t *s, int i)
{
    return sqlite3_column_name(lite(s), i);
}

long long db_changes(tob_store_t *st)
{
    return sqlite3_changes(db_sqlite(st));
}

tob_id_t db_last_insert_id(tob_store_t *st)
{
    return sqlite3_last_insert_rowid(db_sqlite(st));
}

int db_in_transaction(tob_store_t *st)
{
    return !sqlite3_get_autocommit(db_sqlite(st));
}
