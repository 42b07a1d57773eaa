/* db_copy.c - many rows into one table inside the caller's transaction:
 * on PostgreSQL one COPY ... FROM STDIN, in binary format when the caller
 * gives each column's kind (geometries as EWKB with the store SRID), else
 * in text format (geometries as hex EWKB); on SpatiaLite the prepared
 * INSERT run per row. With an upsert clause, PostgreSQL copies into a temporary
 * table first and moves its rows with one INSERT ... SELECT ... ON CONFLICT.
 * The server reports a bad row only when the COPY ends: each row's tag is
 * kept, so the error names the row the caller tagged. A refusal naming
 * no line is traced to its row: by halves from the temporary table (an
 * upsert's move), or for a plain COPY's foreign key from the distinct keys
 * sent (db_copy_fk.c), under a savepoint. */
#include "db.h"
#include "db_copy_fk.h"
#include "db_pg_internal.h"
#include "store_internal.h"

#include <libpq-fe.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes buffered before they go to libpq. */
#define COPY_FLUSH 65536
/* Indexes and foreign keys made again after the rows, at most. */
#define COPY_DEFERRED 12

struct db_copy {
    tob_store_t *st;
    char table[64];
    char into[80]; /* the COPY's table: table or its temporary twin */
    char *columns; /* "a", "b", ... */
    char *plain;   /* the same but the geometries */
    char *upsert;
    size_t n_cols;
    size_t col;   /* next value of the row */
    int *kinds;   /* the caller's, DB_COPY_ANY for none */
    int binary;   /* PostgreSQL's binary COPY format: every kind given */
    int mistyped; /* a value not of its column's kind (binary) */
    /* SQLite */
    db_stmt_t *insert;
    /* PostgreSQL */
    int copying;
    char *buf;
    size_t len, cap;
    long long *tags;
    size_t n_rows, tags_cap;
    long long failed_tag;
    const char *failed_field; /* the column that refused it, or NULL */
    int oom;
    char *remake[COPY_DEFERRED]; /* what was dropped, to make again */
    /* A plain COPY's foreign keys, checked by the server at its end (or
     * when they are made again): the keys sent, a savepoint before the
     * rows, and the constraint that refused one. */
    copy_fks_t *fks;
    int savepoint;
    char refused[64];
};

static int put(db_copy_t *c, const char *p, size_t n)
{
    if (n == 0)
        return 0; /* p may be NULL: a NULL text's bytes */
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : COPY_FLUSH + 4096;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *bigger = realloc(c->buf, cap);
        if (bigger == NULL) {
            c->oom = 1;
            return -1;
        }
        c->buf = bigger;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, p, n);
    c->len += n;
    return 0;
}

/* The separator before a value (a tab but before the first). */
static int sep(db_copy_t *c)
{
    return c->col++ > 0 ? put(c, "\t", 1) : 0;
}

/* Binary format: integers in network byte order. */
static void put_be(db_copy_t *c, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
    put(c, (const char *)b, (size_t)bytes);
}

/* Binary format: the start of the next value (the row's field count
 * before its first), of n bytes (-1 for NULL); 0 when the value is of
 * kind, else the row is spoiled. */
static int field(db_copy_t *c, int kind, long long n)
{
    if (c->col >= c->n_cols || (kind != 0 && c->kinds[c->col] != kind)) {
        c->mistyped = 1;
        return -1;
    }
    if (c->col++ == 0)
        put_be(c, (uint64_t)c->n_cols, 2);
    put_be(c, (uint64_t)(uint32_t)(int32_t)n, 4);
    return 0;
}

static tob_status_t copy_fail(db_copy_t *c, const char *doing, PGresult *r,
                              tob_error_t *err)
{
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *d = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *ctx = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *con = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    char msg[400];
    snprintf(msg, sizeof msg, "%s%s%s", m ? m : pg_errmsg(c->st), d ? ": " : "",
             d ? d : "");
    pg_set_error(c->st, msg);
    /* "COPY territory, line 12, column name: ...": the row's tag. */
    const char *copy = ctx ? strstr(ctx, "COPY ") : NULL;
    const char *line = copy ? strstr(copy, ", line ") : NULL;
    long long row = line ? atoll(line + 7) : 0;
    if (row > 0 && (size_t)row <= c->n_rows && c->tags != NULL)
        c->failed_tag = c->tags[row - 1];
    /* 23503: foreign_key_violation, whatever the server's language. */
    if (state != NULL && strcmp(state, "23503") == 0 && con != NULL)
        snprintf(c->refused, sizeof c->refused, "%s", con);
    return db_fail(c->st, doing, err);
}

static tob_status_t flush(db_copy_t *c, tob_error_t *err)
{
    if (c->len == 0)
        return TOB_OK;
    if (PQputCopyData((PGconn *)c->st->pg, c->buf, (int)c->len) != 1)
        return copy_fail(c, "sending rows", NULL, err);
    c->len = 0;
    return TOB_OK;
}

static tob_status_t exec_checked(db_copy_t *c, const char *sql,
                                 const char *doing, tob_error_t *err)
{
    PGresult *r = PQexec((PGconn *)c->st->pg, sql);
    ExecStatusType t = PQresultStatus(r);
    tob_status_t s = TOB_OK;
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
        s = copy_fail(c, doing, r, err);
    PQclear(r);
    return s;
}

/* Into an empty table, what the server would keep up row by row is made
 * once after the rows: its indexes but those of its keys (a GiST index is
 * built ten times faster than kept up, a B-tree from sorted rows) and its
 * foreign keys (checked with one join instead of one query a row: a
 * quarter of the server's time on France's communes). Dropped here,
 * inside the transaction, and made again by db_copy_end(); a rollback
 * restores them. A table with rows keeps them all: remaking an index or
 * checking a key costs what the whole table holds. A key added NOT VALID
 * (its old rows exempt) is made again valid: every row the table then
 * holds is the bulk's, which the server checks as it would have one by
 * one; made again NOT VALID it would check none. */
static tob_status_t drop_deferred(db_copy_t *c, tob_error_t *err)
{
    char sql[1600];
    /* pg_get_indexdef() only in the select list, so only on this table's
     * indexes: the pg_indexes view may run it on any index of the cluster,
     * and one dropped meanwhile by another session fails the whole query
     * ("could not open relation with OID"). Indexes first (made again
     * before the keys are checked), each kind in name order. */
    snprintf(sql, sizeof sql,
             "SELECT d.drop_sql, d.make_sql FROM ("
             "SELECT 1 AS kind, i.relname::text AS name,"
             " format('DROP INDEX %%I', i.relname) AS drop_sql,"
             " pg_get_indexdef(i.oid) AS make_sql FROM pg_index x"
             " JOIN pg_class i ON i.oid = x.indexrelid"
             " WHERE x.indrelid = to_regclass(quote_ident('%s'))"
             " AND NOT x.indisunique AND NOT x.indisprimary"
             " AND NOT x.indisexclusion"
             " UNION ALL SELECT 2, k.conname::text,"
             " format('ALTER TABLE %%I DROP CONSTRAINT %%I', '%s', k.conname),"
             " format('ALTER TABLE %%I ADD CONSTRAINT %%I ', '%s', k.conname)"
             " || regexp_replace(pg_get_constraintdef(k.oid),"
             " ' NOT VALID$', '') FROM pg_constraint k"
             " WHERE k.conrelid = to_regclass(quote_ident('%s'))"
             " AND k.contype = 'f') d"
             " WHERE NOT EXISTS (SELECT 1 FROM \"%s\")"
             " ORDER BY d.kind, d.name",
             c->table, c->table, c->table, c->table, c->table);
    PGresult *r = PQexec((PGconn *)c->st->pg, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        tob_status_t s = copy_fail(c, "preparing a bulk write", r, err);
        PQclear(r);
        return s;
    }
    tob_status_t s = TOB_OK;
    int n = PQntuples(r);
    for (int i = 0; s == TOB_OK && i < n && i < COPY_DEFERRED; i++) {
        c->remake[i] = strdup(PQgetvalue(r, i, 1));
        if (c->remake[i] == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        if (s == TOB_OK)
            s = exec_checked(c, PQgetvalue(r, i, 0), "preparing a bulk write",
                             err);
    }
    PQclear(r);
    return s;
}

/* A plain COPY's foreign keys, read before drop_deferred() drops them,
 * so that a row they refuse at the end can be traced: the keys sent are
 * kept, and a savepoint after the drops lets the failure be rolled back
 * and the lines asked. */
static tob_status_t begin_plain(db_copy_t *c, const char *const *columns,
                                tob_error_t *err)
{
    c->fks = copy_fks_read((PGconn *)c->st->pg, c->table, columns, c->n_cols);
    tob_status_t s = drop_deferred(c, err);
    if (s == TOB_OK && c->fks != NULL) {
        s = exec_checked(c, "SAVEPOINT tob_copy", "preparing a bulk write",
                         err);
        c->savepoint = s == TOB_OK;
    }
    return s;
}

static tob_status_t begin_pg(db_copy_t *c, const char *const *columns,
                             tob_error_t *err)
{
    size_t n = strlen(c->columns) + 256;
    char *sql = malloc(n);
    if (sql == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    snprintf(c->into, sizeof c->into, "\"%s\"", c->table);
    if (c->upsert != NULL) {
        /* Only the column types: no identity, no constraint; and each
         * row's place in the COPY, to find a row the table refuses. */
        snprintf(c->into, sizeof c->into, "tob_copy_%s", c->table);
        snprintf(sql, n,
                 "CREATE TEMPORARY TABLE %s ON COMMIT DROP AS SELECT %s"
                 " FROM \"%s\" WITH NO DATA; ALTER TABLE %s ADD COLUMN"
                 " tob_line bigint GENERATED ALWAYS AS IDENTITY",
                 c->into, c->columns, c->table, c->into);
        s = exec_checked(c, sql, "preparing a bulk write", err);
    } else
        s = begin_plain(c, columns, err);
    snprintf(sql, n, "COPY %s (%s) FROM STDIN%s", c->into, c->columns,
             c->binary ? " (FORMAT binary)" : "");
    PGresult *r = s == TOB_OK ? PQexec((PGconn *)c->st->pg, sql) : NULL;
    if (s == TOB_OK && PQresultStatus(r) != PGRES_COPY_IN)
        s = copy_fail(c, "starting a bulk write", r, err);
    else if (s == TOB_OK)
        c->copying = 1;
    /* The binary format's signature, flags and extension length. */
    if (s == TOB_OK && c->binary)
        put(c, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    PQclear(r);
    free(sql);
    return s;
}

static tob_status_t begin_sqlite(db_copy_t *c, const int *kinds,
                                 tob_error_t *err)
{
    size_t n = strlen(c->columns) + (c->upsert ? strlen(c->upsert) : 0) +
               c->n_cols * 32 + 128;
    char *sql = malloc(n);
    if (sql == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t used = (size_t)snprintf(sql, n, "INSERT INTO \"%s\" (%s) VALUES (",
                                   c->table, c->columns);
    for (size_t i = 0; i < c->n_cols; i++) {
        const char *comma = i > 0 ? ", " : "";
        if (kinds[i] == DB_COPY_GEOM)
            used +=
                (size_t)snprintf(sql + used, n - used, "%sGeomFromWKB(?, %d)",
                                 comma, tob_store_srid(c->st));
        else
            used += (size_t)snprintf(sql + used, n - used, "%s?", comma);
    }
    snprintf(sql + used, n - used, ")%s%s", c->upsert ? " " : "",
             c->upsert ? c->upsert : "");
    tob_status_t s = db_prepare(c->st, sql, &c->insert, err);
    free(sql);
    return s;
}

tob_status_t db_copy_begin(tob_store_t *st, const char *table,
                           const char *const *columns, const int *kinds,
                           size_t n_cols, const char *upsert, db_copy_t **out,
                           tob_error_t *err)
{
    *out = NULL;
    if (strlen(table) > 40 || n_cols == 0)
        return tob_error_set(err, TOB_ERR_ARG, "bulk write into '%s'", table);
    db_copy_t *c = calloc(1, sizeof *c);
    size_t n = 1;
    for (size_t i = 0; i < n_cols; i++)
        n += strlen(columns[i]) + 4;
    if (c != NULL) {
        c->columns = malloc(n);
        c->plain = calloc(1, n);
        c->kinds = calloc(n_cols, sizeof *c->kinds);
    }
    if (c != NULL && upsert != NULL)
        c->upsert = strdup(upsert);
    if (c == NULL || c->columns == NULL || c->plain == NULL ||
        c->kinds == NULL || (upsert != NULL && !c->upsert)) {
        db_copy_free(c);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    c->st = st;
    c->n_cols = n_cols;
    snprintf(c->table, sizeof c->table, "%s", table);
    size_t used = 0, plain = 0;
    c->binary = kinds != NULL;
    for (size_t i = 0; i < n_cols; i++) {
        int stats = kinds == NULL || !(kinds[i] & DB_COPY_NO_STATS);
        c->kinds[i] = kinds != NULL ? kinds[i] & ~DB_COPY_NO_STATS : 0;
        c->binary &= c->kinds[i] != DB_COPY_ANY;
        used += (size_t)snprintf(c->columns + used, n - used, "%s\"%s\"",
                                 i > 0 ? ", " : "", columns[i]);
        if (c->kinds[i] != DB_COPY_GEOM && stats)
            plain += (size_t)snprintf(c->plain + plain, n - plain, "%s\"%s\"",
                                      plain > 0 ? ", " : "", columns[i]);
    }
    tob_status_t s = st->engine == DIALECT_PG ? begin_pg(c, columns, err)
                                              : begin_sqlite(c, c->kinds, err);
    if (s != TOB_OK) {
        db_copy_free(c);
        return s;
    }
    *out = c;
    return TOB_OK;
}

/* Text as COPY's text format spells it: \, tab, newline, CR escaped. */
static void put_escaped(db_copy_t *c, const char *t, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = t[i] == '\\'   ? "\\\\"
                        : t[i] == '\t' ? "\\t"
                        : t[i] == '\n' ? "\\n"
                        : t[i] == '\r' ? "\\r"
                                       : NULL;
        if (e == NULL)
            continue;
        put(c, t + from, i - from);
        put(c, e, 2);
        from = i + 1;
    }
    put(c, t + from, n - from);
}

/* The value of the current column as text (NULL for NULL), kept when it
 * is part of a foreign key (a plain COPY's). */
static void watch(db_copy_t *c, const char *text, size_t n)
{
    if (copy_fks_watches(c->fks, c->col) &&
        copy_fks_value(c->fks, c->col, text, n) != 0)
        c->oom = 1;
}

void db_copy_text(db_copy_t *c, const char *text)
{
    if (c->insert != NULL) {
        db_bind_text_static(c->insert, (int)++c->col, text);
        return;
    }
    watch(c, text, text != NULL ? strlen(text) : 0);
    if (c->binary) {
        size_t n = text != NULL ? strlen(text) : 0;
        if (field(c, text != NULL ? DB_COPY_TEXT : 0,
                  text != NULL ? (long long)n : -1) == 0)
            put(c, text, n);
        return;
    }
    sep(c);
    if (text == NULL)
        put(c, "\\N", 2);
    else
        put_escaped(c, text, strlen(text));
}

void db_copy_int64(db_copy_t *c, long long value)
{
    if (c->insert != NULL) {
        db_bind_int64(c->insert, (int)++c->col, value);
        return;
    }
    if (copy_fks_watches(c->fks, c->col)) {
        char num[32];
        int n = snprintf(num, sizeof num, "%lld", value);
        watch(c, num, (size_t)n);
    }
    if (c->binary) {
        /* A whole number is a double precision value too. */
        if (c->col < c->n_cols && c->kinds[c->col] == DB_COPY_DOUBLE)
            db_copy_double(c, (double)value);
        else if (field(c, DB_COPY_INT64, 8) == 0)
            put_be(c, (uint64_t)value, 8);
        return;
    }
    char num[32];
    int n = snprintf(num, sizeof num, "%lld", value);
    sep(c);
    put(c, num, (size_t)n);
}

void db_copy_double(db_copy_t *c, double value)
{
    if (c->insert != NULL) {
        db_bind_double(c->insert, (int)++c->col, value);
        return;
    }
    if (copy_fks_watches(c->fks, c->col)) {
        char num[40];
        int n = snprintf(num, sizeof num, "%.17g", value);
        watch(c, num, (size_t)n);
    }
    if (c->binary) {
        uint64_t bits;
        memcpy(&bits, &value, sizeof bits); /* IEEE 754, as the server's */
        if (field(c, DB_COPY_DOUBLE, 8) == 0)
            put_be(c, bits, 8);
        return;
    }
    char num[40];
    int n = isnan(value) ? snprintf(num, sizeof num, "NaN")
            : isinf(value)
                ? snprintf(num, sizeof num, "%sInfinity", value < 0 ? "-" : "")
                : snprintf(num, sizeof num, "%.17g", value);
    sep(c);
    put(c, num, (size_t)n);
}

void db_copy_null(db_copy_t *c)
{
    if (c->insert != NULL) {
        db_bind_null(c->insert, (int)++c->col);
        return;
    }
    watch(c, NULL, 0);
    if (c->binary) {
        field(c, 0, -1);
        return;
    }
    sep(c);
    put(c, "\\N", 2);
}

static void put_hex(db_copy_t *c, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char chunk[512];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        chunk[k++] = digits[p[i] >> 4];
        chunk[k++] = digits[p[i] & 15];
        if (k == sizeof chunk) {
            put(c, chunk, k);
            k = 0;
        }
    }
    put(c, chunk, k);
}

void db_copy_blob(db_copy_t *c, const void *data, size_t n)
{
    if (c->insert != NULL) {
        db_bind_blob_static(c->insert, (int)++c->col, data, (int)n);
        return;
    }
    if (c->binary) {
        if (field(c, DB_COPY_BLOB, (long long)n) == 0)
            put(c, data, n);
        return;
    }
    sep(c);
    put(c, "\\\\x", 3); /* bytea's hex form, its \ escaped for COPY */
    put_hex(c, data, n);
}

void db_copy_geom(db_copy_t *c, const unsigned char *wkb, size_t n)
{
    if (c->insert != NULL) {
        db_bind_blob_static(c->insert, (int)++c->col, wkb, (int)n);
        return;
    }
    if (c->binary && n < 5) {
        field(c, DB_COPY_GEOM, -1);
        return;
    }
    if (!c->binary)
        sep(c);
    if (n < 5) {
        put(c, "\\N", 2);
        return;
    }
    /* EWKB: WKB with the SRID flag on its type and the SRID after it. */
    unsigned char head[9];
    uint32_t type, srid = (uint32_t)tob_store_srid(c->st);
    int le = wkb[0] == 1;
    type = le ? (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 |
                    (uint32_t)wkb[3] << 16 | (uint32_t)wkb[4] << 24
              : (uint32_t)wkb[4] | (uint32_t)wkb[3] << 8 |
                    (uint32_t)wkb[2] << 16 | (uint32_t)wkb[1] << 24;
    type |= 0x20000000u;
    head[0] = wkb[0];
    for (int i = 0; i < 4; i++) {
        int shift = le ? 8 * i : 8 * (3 - i);
        head[1 + i] = (unsigned char)(type >> shift);
        head[5 + i] = (unsigned char)(srid >> shift);
    }
    if (c->binary) {
        if (field(c, DB_COPY_GEOM, (long long)(n + 4)) == 0) {
            put(c, (const char *)head, sizeof head);
            put(c, (const char *)wkb + 5, n - 5);
        }
        return;
    }
    put_hex(c, head, sizeof head);
    put_hex(c, wkb + 5, n - 5);
}

tob_status_t db_copy_row(db_copy_t *c, long long tag, tob_error_t *err)
{
    if (c->insert != NULL) {
        c->col = 0;
        int rc = db_step(c->insert);
        db_reset(c->insert);
        db_clear_bindings(c->insert);
        if (rc != DB_DONE) {
            c->failed_tag = tag;
            char doing[96];
            snprintf(doing, sizeof doing, "writing into %s", c->table);
            return db_fail(c->st, doing, err);
        }
        c->n_rows++;
        return TOB_OK;
    }
    /* A row the server would refuse without saying which (binary
     * values carry no type): the caller's mistake, caught here. */
    if (c->binary && (c->mistyped || c->col != c->n_cols)) {
        c->failed_tag = tag;
        return tob_error_set(err, TOB_ERR_INTERNAL,
                             "bulk write into %s: a value of another kind "
                             "than its column's, or too few values",
                             c->table);
    }
    if (c->fks != NULL && tag != 0 && c->col == c->n_cols &&
        copy_fks_row(c->fks, c->n_rows + 1) != 0)
        c->oom = 1;
    c->col = 0;
    if (!c->binary)
        put(c, "\n", 1);
    if (tag != 0 && c->n_rows + 1 > c->tags_cap) {
        size_t cap = c->tags_cap ? c->tags_cap * 2 : 1024;
        long long *bigger = realloc(c->tags, cap * sizeof *bigger);
        if (bigger == NULL)
            c->oom = 1;
        else {
            c->tags = bigger;
            c->tags_cap = cap;
        }
    }
    if (c->tags != NULL && c->n_rows < c->tags_cap)
        c->tags[c->n_rows] = tag;
    c->n_rows++;
    if (c->oom)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return c->len >= COPY_FLUSH ? flush(c, err) : TOB_OK;
}

/* Rows (from, to] of the temporary table into the table; quiet: 0 when
 * the server took them. */
static int move_lines(db_copy_t *c, size_t from, size_t to)
{
    size_t n = 2 * strlen(c->columns) + strlen(c->upsert) + 256;
    char *sql = malloc(n);
    if (sql == NULL)
        return -1;
    snprintf(sql, n,
             "INSERT INTO \"%s\" (%s) SELECT %s FROM %s WHERE tob_line > %zu"
             " AND tob_line <= %zu %s",
             c->table, c->columns, c->columns, c->into, from, to, c->upsert);
    PGresult *r = PQexec((PGconn *)c->st->pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    free(sql);
    return ok ? 0 : -1;
}

static int quiet_exec(db_copy_t *c, const char *sql)
{
    PGresult *r = PQexec((PGconn *)c->st->pg, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

/* The server refused the move of every row (a trigger, a CHECK, a foreign
 * key: it names no line): the first row it refuses, by halves from the
 * savepoint before the move (rows taken stay, under a newer savepoint of
 * the same name), so that the error names the caller's row. The caller
 * rolls the transaction back. */
static void find_refused(db_copy_t *c)
{
    size_t lo = 0, hi = c->n_rows; /* (lo, hi] holds the refused row */
    if (quiet_exec(c, "ROLLBACK TO SAVEPOINT tob_move") != 0)
        return;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (move_lines(c, lo, mid) == 0) {
            if (quiet_exec(c, "SAVEPOINT tob_move") != 0)
                return;
            lo = mid;
        } else if (quiet_exec(c, "ROLLBACK TO SAVEPOINT tob_move") != 0)
            return;
        else
            hi = mid;
    }
    if (hi > lo && move_lines(c, lo, hi) != 0 && c->tags != NULL &&
        hi <= c->tags_cap)
        c->failed_tag = c->tags[hi - 1];
}

/* A plain COPY refused by a foreign key at its end, or when the key was
 * made again (it names no line): back to the savepoint before the rows,
 * the first line whose key the referenced table lacks now, from the keys
 * sent. The caller rolls the transaction back. */
static void find_fk_refused(db_copy_t *c)
{
    const char *field = NULL;
    if (quiet_exec(c, "ROLLBACK TO SAVEPOINT tob_copy") != 0)
        return;
    size_t line =
        copy_fks_first_missing(c->fks, (PGconn *)c->st->pg, c->refused, &field);
    if (line > 0 && line <= c->n_rows && line <= c->tags_cap &&
        c->tags != NULL) {
        c->failed_tag = c->tags[line - 1];
        c->failed_field = field;
    }
}

/* The upsert: the temporary table's rows into the table in one INSERT. */
static tob_status_t move_rows(db_copy_t *c, const char *doing, tob_error_t *err)
{
    size_t n = 2 * strlen(c->columns) + strlen(c->upsert) + 256;
    char *sql = malloc(n);
    if (sql == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(sql, n,
             "SAVEPOINT tob_move; INSERT INTO \"%s\" (%s) SELECT %s FROM %s"
             " %s",
             c->table, c->columns, c->columns, c->into, c->upsert);
    tob_status_t s = exec_checked(c, sql, doing, err);
    if (s != TOB_OK) {
        if (c->tags != NULL)
            find_refused(c);
        free(sql);
        return s;
    }
    snprintf(sql, n, "RELEASE SAVEPOINT tob_move; DROP TABLE %s", c->into);
    s = exec_checked(c, sql, doing, err);
    free(sql);
    return s;
}

tob_status_t db_copy_end(db_copy_t *c, tob_error_t *err)
{
    if (c->insert != NULL)
        return TOB_OK;
    PGconn *pg = (PGconn *)c->st->pg;
    char doing[96];
    snprintf(doing, sizeof doing, "writing into %s", c->table);
    if (c->binary)
        put_be(c, 0xFFFF, 2); /* the trailer: a field count of -1 */
    tob_status_t s = flush(c, err);
    c->copying = 0;
    if (PQputCopyEnd(pg, s == TOB_OK ? NULL : "terrobs stopped") != 1 &&
        s == TOB_OK)
        s = copy_fail(c, doing, NULL, err);
    PGresult *r;
    while ((r = PQgetResult(pg)) != NULL) {
        if (s == TOB_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            s = copy_fail(c, doing, r, err);
        PQclear(r);
    }
    if (s == TOB_OK && c->upsert != NULL)
        s = move_rows(c, doing, err);
    for (size_t i = 0; s == TOB_OK && i < COPY_DEFERRED && c->remake[i]; i++)
        s = exec_checked(c, c->remake[i],
                         strncmp(c->remake[i], "CREATE", 6) == 0
                             ? "indexing the rows"
                             : "checking the rows' references",
                         err);
    if (s != TOB_OK && c->failed_tag == 0 && c->refused[0] != '\0' &&
        c->savepoint)
        find_fk_refused(c);
    if (s == TOB_OK && c->savepoint)
        s = exec_checked(c, "RELEASE SAVEPOINT tob_copy", doing, err);
    /* The planner's statistics once, for the whole bulk, of the columns
     * that join and filter: a geometry's are costly (every sampled one
     * read whole, half a second for France's communes) and left to
     * autovacuum. */
    if (s == TOB_OK && c->plain[0] != '\0') {
        size_t n = strlen(c->plain) + 96;
        char *sql = malloc(n);
        if (sql == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        snprintf(sql, n, "ANALYZE \"%s\" (%s)", c->table, c->plain);
        s = exec_checked(c, sql, doing, err);
        free(sql);
        if (s == TOB_OK)
            store_note_analyzed(c->st, c->table);
    }
    return s;
}

long long db_copy_failed_tag(const db_copy_t *c)
{
    return c != NULL ? c->failed_tag : 0;
}

const char *db_copy_failed_field(const db_copy_t *c)
{
    return c != NULL && c->failed_tag != 0 ? c->failed_field : NULL;
}

void db_copy_free(db_copy_t *c)
{
    if (c == NULL)
        return;
    if (c->copying) {
        /* Abandoned midway: the server drops the rows sent; the caller
         * rolls the transaction back. */
        PGconn *pg = (PGconn *)c->st->pg;
        PQputCopyEnd(pg, "terrobs stopped the bulk write");
        PGresult *r;
        while ((r = PQgetResult(pg)) != NULL)
            PQclear(r);
    }
    db_finalize(c->insert);
    free(c->columns);
    free(c->kinds);
    free(c->plain);
    free(c->upsert);
    free(c->buf);
    free(c->tags);
    copy_fks_free(c->fks);
    for (size_t i = 0; i < COPY_DEFERRED; i++)
        free(c->remake[i]);
    free(c);
}
