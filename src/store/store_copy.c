/* store_copy.c - a whole store copied to another, either engine to either:
 * the tables of the schema (store_schema.h) in their order, so that the
 * rows a row refers to are there before it; in each, the columns both
 * catalogs list, geometries as WKB in the same SRID; then the level views
 * and, on PostgreSQL, the identity sequences. The source is read in one
 * snapshot; the destination written in one transaction (a file built
 * aside and renamed into place, or a schema made inside the transaction). */
#include "terrobs/store.h"

#include "base/afile.h"
#include "db.h"
#include "db_pg_internal.h"
#include "store_internal.h"
#include "store_schema.h"

#include <glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COPY_MAX_COLUMNS 32
#define COPY_NAME_MAX 64

typedef struct columns {
    char names[COPY_MAX_COLUMNS][COPY_NAME_MAX];
    int geom[COPY_MAX_COLUMNS];
    size_t n;
} columns_t;

/* Rows of a table that need more than SELECT/INSERT: levels parents
 * first (a level refers to its parent), else in their order (info lists
 * them so); meta without the PostgreSQL
 * engine's own markers, over the keys a new store has (srid, created). */
typedef struct table_rule {
    const char *table;
    const char *prefix; /* before SELECT */
    const char *tail;   /* after FROM table */
    const char *upsert; /* after the rows (db_copy_begin) */
} table_rule_t;

static const table_rule_t RULES[] = {
    {"level",
     "WITH RECURSIVE tob_depth(name, depth) AS (SELECT name, 0 FROM level"
     " WHERE parent IS NULL UNION ALL SELECT l.name, d.depth + 1 FROM level"
     " l JOIN tob_depth d ON l.parent = d.name WHERE d.depth < 64) ",
     " ORDER BY (SELECT max(d.depth) FROM tob_depth d"
     " WHERE d.name = level.name), level.rowid",
     NULL},
    {"meta", NULL, " WHERE key NOT IN ('application_id', 'schema_version')",
     "ON CONFLICT (key) DO UPDATE SET value = excluded.value"},
};

static const table_rule_t *rule_of(const char *table)
{
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (strcmp(RULES[i].table, table) == 0)
            return &RULES[i];
    return NULL;
}

static int is_geometry_type(const char *type)
{
    static const char *const types[] = {"geometry", "multipolygon", "point",
                                        "polygon", "multipoint"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0)
            return 1;
    return 0;
}

/* The tables of the schema, in the order store_schema.h creates them:
 * names[i], at most max. */
static size_t schema_tables(char names[][COPY_NAME_MAX], size_t max)
{
    size_t n = 0;
    for (size_t part = 0; part < TOB_SCHEMA_N_PARTS; part++) {
        const char *p = TOB_SCHEMA_PARTS[part];
        while ((p = strstr(p, "CREATE TABLE ")) != NULL && n < max) {
            p += strlen("CREATE TABLE ");
            if (strncmp(p, "IF NOT EXISTS ", 14) == 0)
                p += 14;
            size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
            if (len > 0 && len < COPY_NAME_MAX) {
                memcpy(names[n], p, len);
                names[n++][len] = '\0';
            }
        }
    }
    return n;
}

static tob_status_t read_columns(tob_store_t *st, const char *table,
                                 columns_t *cols, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    cols->n = 0;
    tob_status_t s = db_prepare(st, "TOB_COLUMNS(?)", &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, table);
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        const char *name = db_column_str(stmt, 0);
        if (cols->n == COPY_MAX_COLUMNS || strlen(name) >= COPY_NAME_MAX)
            s = tob_error_set(err, TOB_ERR_STORE,
                              "table %s: too many or too long columns", table);
        else {
            snprintf(cols->names[cols->n], COPY_NAME_MAX, "%s", name);
            cols->geom[cols->n++] = is_geometry_type(db_column_str(stmt, 1));
        }
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading the store's columns", err);
    db_finalize(stmt);
    return s;
}

static int has_column(const columns_t *cols, const char *name)
{
    for (size_t i = 0; i < cols->n; i++)
        if (strcmp(cols->names[i], name) == 0)
            return 1;
    return 0;
}

/* The columns to copy: the destination's that the source has (an older
 * store lacks some). A source column the destination lacks would be lost:
 * an error. */
static tob_status_t shared_columns(tob_store_t *from, tob_store_t *to,
                                   const char *table, columns_t *out,
                                   tob_error_t *err)
{
    columns_t have, want;
    tob_status_t s = read_columns(from, table, &have, err);
    if (s == TOB_OK)
        s = read_columns(to, table, &want, err);
    out->n = 0;
    for (size_t i = 0; s == TOB_OK && i < have.n; i++)
        if (!has_column(&want, have.names[i]))
            return tob_error_set(err, TOB_ERR_STORE,
                                 "column %s.%s of %s is not in this terrobs's"
                                 " schema: it would be lost",
                                 table, have.names[i], tob_store_name(from));
    for (size_t i = 0; s == TOB_OK && i < want.n; i++)
        if (has_column(&have, want.names[i])) {
            memcpy(out->names[out->n], want.names[i], COPY_NAME_MAX);
            out->geom[out->n++] = want.geom[i];
        }
    return s;
}

/* SELECT ... FROM table, geometries as WKB. */
static void build_select(const char *table, const columns_t *cols, GString *sel)
{
    const table_rule_t *rule = rule_of(table);
    if (rule != NULL && rule->prefix != NULL)
        g_string_append(sel, rule->prefix);
    g_string_append(sel, "SELECT ");
    for (size_t i = 0; i < cols->n; i++)
        g_string_append_printf(
            sel, cols->geom[i] ? "%sAsBinary(\"%s\")" : "%s\"%s\"",
            i > 0 ? ", " : "", cols->names[i]);
    g_string_append_printf(sel, " FROM \"%s\"%s", table,
                           rule != NULL && rule->tail ? rule->tail : "");
}

/* Column i of the source's row as the next value of the bulk write, as it
 * is typed there; borrowed until the source steps again. */
static void put_value(db_stmt_t *row, int i, int geom, db_copy_t *to)
{
    switch (db_column_type(row, i)) {
    case DB_INTEGER:
        db_copy_int64(to, db_column_int64(row, i));
        break;
    case DB_FLOAT:
        db_copy_double(to, db_column_double(row, i));
        break;
    case DB_BLOB: {
        const void *blob = db_column_blob(row, i);
        size_t n = (size_t)db_column_bytes(row, i);
        if (geom)
            db_copy_geom(to, blob, n);
        else
            db_copy_blob(to, blob, n);
        break;
    }
    case DB_NULL:
        db_copy_null(to);
        break;
    default:
        db_copy_text(to, db_column_text(row, i));
    }
}

/* The rows of table, in one bulk write (COPY on PostgreSQL, a prepared
 * insert on SpatiaLite). */
static tob_status_t copy_rows(tob_store_t *from, tob_store_t *to,
                              const char *table, const columns_t *cols,
                              db_stmt_t *sel, long long *n_rows,
                              tob_error_t *err)
{
    const char *names[COPY_MAX_COLUMNS];
    for (size_t i = 0; i < cols->n; i++)
        names[i] = cols->names[i];
    const table_rule_t *rule = rule_of(table);
    db_copy_t *copy = NULL;
    tob_status_t s =
        db_copy_begin(to, table, names, cols->geom, cols->n,
                      rule != NULL ? rule->upsert : NULL, &copy, err);
    int rc = DB_DONE;
    *n_rows = 0;
    while (s == TOB_OK && (rc = db_step(sel)) == DB_ROW) {
        for (size_t i = 0; i < cols->n; i++)
            put_value(sel, (int)i, cols->geom[i], copy);
        s = db_copy_row(copy, 0, err);
        (*n_rows)++;
    }
    if (s == TOB_OK && rc != DB_DONE) {
        char doing[128];
        snprintf(doing, sizeof doing, "reading table %s", table);
        s = db_fail(from, doing, err);
    }
    if (s == TOB_OK)
        s = db_copy_end(copy, err);
    db_copy_free(copy);
    return s;
}

static tob_status_t copy_table(tob_store_t *from, tob_store_t *to,
                               const char *table, long long *n_rows,
                               tob_error_t *err)
{
    columns_t cols;
    *n_rows = 0;
    tob_status_t s = shared_columns(from, to, table, &cols, err);
    if (s != TOB_OK || cols.n == 0) /* a table an older store lacks */
        return s;
    GString *sel = g_string_new(NULL);
    build_select(table, &cols, sel);
    db_stmt_t *read = NULL;
    s = db_prepare(from, sel->str, &read, err);
    if (s == TOB_OK)
        s = copy_rows(from, to, table, &cols, read, n_rows, err);
    db_finalize(read);
    g_string_free(sel, TRUE);
    return s;
}

/* Every level's view, as tob_store_ensure_level() makes it. */
static tob_status_t level_views(tob_store_t *to, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(to, "SELECT name FROM level ORDER BY name", &stmt, err);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = store_level_view(to, db_column_text(stmt, 0), err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(to, "reading the levels", err);
    db_finalize(stmt);
    return s;
}

static tob_status_t copy_tables(tob_store_t *from, tob_store_t *to,
                                tob_copy_summary_t *sum, tob_error_t *err)
{
    char tables[64][COPY_NAME_MAX];
    size_t n = schema_tables(tables, 64);
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        long long rows = 0;
        s = copy_table(from, to, tables[i], &rows, err);
        sum->n_tables++;
        sum->n_rows += rows;
        if (strcmp(tables[i], "territory") == 0)
            sum->n_territories = rows;
        else if (strcmp(tables[i], "observation") == 0)
            sum->n_observations = rows;
    }
    if (s == TOB_OK)
        s = level_views(to, err);
    if (s == TOB_OK && to->engine == DIALECT_PG)
        s = pg_sync_ids(to, err);
    return s;
}

/* One snapshot of the source for the whole copy. */
static tob_status_t begin_reading(tob_store_t *from, tob_error_t *err)
{
    if (from->engine == DIALECT_PG)
        return tob_store_exec(from,
                              "BEGIN ISOLATION LEVEL REPEATABLE READ,"
                              " READ ONLY",
                              err);
    return tob_store_exec(from, "BEGIN", err);
}

static long long count_rows(tob_store_t *st, const char *sql)
{
    db_stmt_t *stmt = NULL;
    long long n = 0;
    if (db_try_prepare(st, sql, &stmt) && db_step(stmt) == DB_ROW)
        n = db_column_int64(stmt, 0);
    db_finalize(stmt);
    return n;
}

/* dst may be absent or an empty terrobs store; a store with content only
 * with force; what is not a terrobs store, never. */
static tob_status_t check_target(const char *dst, int force, tob_error_t *err)
{
    struct stat sb;
    if (!pg_is_name(dst) && stat(dst, &sb) != 0)
        return TOB_OK;
    tob_store_t *st = NULL;
    tob_error_t inner;
    tob_error_clear(&inner);
    tob_status_t s = tob_store_open(dst, TOB_STORE_READ, &st, &inner);
    if (s == TOB_ERR_NOTFOUND && pg_is_name(dst))
        return TOB_OK; /* no such schema yet */
    if (s == TOB_ERR_STORE)
        return tob_error_set_at(err, s, dst, 0, NULL,
                                "%s: copy replaces nothing but a terrobs"
                                " store",
                                inner.message);
    if (s != TOB_OK) {
        if (err != NULL && err->code == TOB_OK)
            *err = inner;
        return s;
    }
    long long n_terr = count_rows(st, "SELECT count(*) FROM territory");
    long long n_var = count_rows(st, "SELECT count(*) FROM variable");
    long long n_src = count_rows(st, "SELECT count(*) FROM source");
    tob_store_close(st);
    if (n_terr + n_var + n_src > 0 && !force)
        return tob_error_set_at(err, TOB_ERR_EXISTS, dst, 0, NULL,
                                "the store is not empty (%lld territories,"
                                " %lld variables, %lld loads and imports);"
                                " use --force to replace it",
                                n_terr, n_var, n_src);
    return TOB_OK;
}

static int same_store(const char *src, const char *dst)
{
    if (strcmp(src, dst) == 0)
        return 1;
    if (pg_is_name(src) || pg_is_name(dst))
        return 0;
    struct stat a, b;
    return stat(src, &a) == 0 && stat(dst, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* The destination opened in a transaction: a new file under its temporary
 * name, or a PostgreSQL schema made inside the transaction. */
static tob_status_t open_target(const char *dst, int srid, afile_t *f,
                                tob_store_t **to, tob_error_t *err)
{
    if (pg_is_name(dst))
        return pg_store_create_begun(dst, srid, to, err);
    tob_status_t s = afile_begin(f, dst, err);
    if (s == TOB_OK)
        s = tob_store_create(f->tmp, srid, 1, to, err);
    if (s == TOB_OK)
        s = tob_store_begin(*to, err);
    return s;
}

/* ---- a source whose foreign keys were off ------------------------------ */

/* The first row of table whose foreign key fkid (PRAGMA foreign_key_list)
 * finds no row: its columns as "name = value, ..." (blobs left out) in
 * row, the key's columns in cols, the table it refers to in ref. */
static void orphan_row(tob_store_t *from, const char *table, long long fkid,
                       GString *row, GString *cols, char *ref, size_t ref_size)
{
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA foreign_key_list(\"%s\")", table);
    db_stmt_t *list = NULL;
    GString *where = g_string_new(NULL), *match = g_string_new(NULL);
    int n = 0;
    if (db_try_prepare(from, sql, &list))
        while (db_step(list) == DB_ROW)
            if (db_column_int64(list, 0) == fkid && n < COPY_MAX_COLUMNS) {
                const char *col = db_column_str(list, 3);
                snprintf(ref, ref_size, "%s", db_column_str(list, 2));
                g_string_append_printf(where, "t.\"%s\" IS NOT NULL AND ", col);
                g_string_append_printf(match, "%sr.\"%s\" = t.\"%s\"",
                                       n > 0 ? " AND " : "",
                                       db_column_str(list, 4), col);
                g_string_append_printf(cols, "%s%s", n++ > 0 ? ", " : "", col);
            }
    db_finalize(list);
    GString *sel = g_string_new(NULL);
    g_string_printf(sel,
                    "SELECT t.* FROM \"%s\" t WHERE %sNOT EXISTS (SELECT 1"
                    " FROM \"%s\" r WHERE %s) LIMIT 1",
                    table, where->str, ref, match->str);
    db_stmt_t *first = NULL;
    if (n > 0 && db_try_prepare(from, sel->str, &first) &&
        db_step(first) == DB_ROW)
        for (int i = 0; i < db_column_count(first) && row->len < 300; i++) {
            int type = db_column_type(first, i);
            if (type != DB_BLOB)
                g_string_append_printf(
                    row, "%s%s = %s", row->len > 0 ? ", " : "",
                    db_column_name(first, i),
                    type == DB_NULL ? "NULL" : db_column_str(first, i));
        }
    db_finalize(first);
    g_string_free(sel, TRUE);
    g_string_free(where, TRUE);
    g_string_free(match, TRUE);
}

/* A SpatiaLite source edited with its foreign keys off (sqlite3, or an
 * editor that does not turn them on) holds rows whose key finds no row;
 * the destination, which checks its keys, refuses them with no more than
 * the table. Asked after a failed copy only: err is replaced by the
 * first such row, how many there are and what to do, and 1 returned; 0
 * (err untouched) when every key of the source finds its row. */
static int explain_orphans(tob_store_t *from, const char *src, tob_error_t *err)
{
    if (from->engine != DIALECT_SQLITE)
        return 0; /* the server checked every key of the source */
    char tables[64][COPY_NAME_MAX], table[COPY_NAME_MAX] = "";
    size_t n_tables = schema_tables(tables, 64);
    long long fkid = 0, n = 0;
    for (size_t i = 0; i < n_tables; i++) { /* SpatiaLite's are not copied */
        char sql[160];
        snprintf(sql, sizeof sql, "PRAGMA foreign_key_check(\"%s\")",
                 tables[i]);
        db_stmt_t *check = NULL;
        if (db_try_prepare(from, sql, &check))
            while (db_step(check) == DB_ROW)
                if (n++ == 0) {
                    snprintf(table, sizeof table, "%s", tables[i]);
                    fkid = db_column_int64(check, 3);
                }
        db_finalize(check);
    }
    if (n == 0)
        return 0;
    GString *row = g_string_new(NULL), *cols = g_string_new(NULL);
    char ref[COPY_NAME_MAX] = "?";
    orphan_row(from, table, fkid, row, cols, ref, sizeof ref);
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", table, cols->str);
    tob_error_clear(err);
    tob_error_set_at(
        err, TOB_ERR_STORE, src, 0, field,
        "%lld row%s of the store refer%s to rows it lacks (it"
        " was edited with its foreign keys off); the first is"
        " the row of %s (%s) whose %s is in no row of %s. Fix"
        " or delete %s (sqlite3 '%s' 'PRAGMA foreign_key_check'"
        " lists %s), then copy again; the destination is as it was",
        n, n > 1 ? "s" : "", n > 1 ? "" : "s", table, row->str, cols->str, ref,
        n > 1 ? "them" : "it", src, n > 1 ? "them" : "it");
    g_string_free(row, TRUE);
    g_string_free(cols, TRUE);
    return 1;
}

static tob_status_t copy_into(tob_store_t *from, const char *src,
                              const char *dst, tob_copy_summary_t *sum,
                              tob_error_t *err)
{
    afile_t f;
    memset(&f, 0, sizeof f);
    tob_store_t *to = NULL;
    sum->srid = from->srid;
    tob_status_t s = begin_reading(from, err);
    if (s == TOB_OK)
        s = open_target(dst, from->srid, &f, &to, err);
    if (s == TOB_OK)
        s = copy_tables(from, to, sum, err);
    if (s == TOB_OK)
        s = tob_store_commit(to, err);
    if (s != TOB_OK)
        tob_store_rollback(to);
    tob_store_close(to);
    int orphans = s != TOB_OK && explain_orphans(from, src, err);
    tob_store_rollback(from);
    if (pg_is_name(dst))
        return s;
    /* The file: renamed into place whole, or removed. */
    if (s != TOB_OK && !orphans)
        tob_error_at(err, dst, 0, NULL);
    s = afile_end(&f, s, err);
    if (f.tmp[0] != '\0')
        store_remove_sidecars(f.tmp);
    if (s == TOB_OK)
        store_remove_sidecars(dst);
    return s;
}

tob_status_t tob_store_copy(const char *src, const char *dst, int force,
                            tob_copy_summary_t *summary, tob_error_t *err)
{
    tob_copy_summary_t sum;
    memset(&sum, 0, sizeof sum);
    if (summary != NULL)
        *summary = sum;
    if (same_store(src, dst))
        return tob_error_set(err, TOB_ERR_ARG,
                             "'%s' and '%s' are the same store", src, dst);
    tob_store_t *from = NULL;
    tob_status_t s = tob_store_open(src, TOB_STORE_READ, &from, err);
    if (s == TOB_OK)
        s = check_target(dst, force, err);
    if (s == TOB_OK)
        s = copy_into(from, src, dst, &sum, err);
    tob_store_close(from);
    if (s == TOB_OK && summary != NULL)
        *summary = sum;
    return s;
}
