/* db_copy_fk.c - the foreign keys of a plain COPY: the distinct keys sent
 * (a hash set per constraint, each key with its first line), and, when
 * the server refused one at the end of the bulk write, the first line
 * whose key the referenced table lacks, asked of the server itself once
 * the failure is rolled back to a savepoint. */
#include "db_copy_fk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK_MAX_COLS 4

typedef struct copy_fk {
    char name[64];  /* the constraint's (NAMEDATALEN) */
    char field[64]; /* its first column */
    size_t cols[FK_MAX_COLS], n_cols;
    int usable;    /* every column among the COPY's */
    char *ref;     /* the referenced table, quoted */
    char *on;      /* "r.a = k.b AND ...", quoted */
    char *key;     /* "b, ...": the key's columns, quoted */
    char **keys;   /* open addressing, cap a power of two */
    size_t *lines; /* the first line of keys[i] */
    size_t n, cap;
} copy_fk_t;

/* The current row's value of a watched column, as COPY's text format
 * spells it (escaped; \N for NULL). */
typedef struct copy_value {
    char *text;
    size_t len, cap;
    int set;
} copy_value_t;

struct copy_fks {
    char table[64];
    copy_fk_t *fk;
    size_t n, n_cols;
    copy_value_t *values;   /* [n_cols] */
    unsigned char *watched; /* [n_cols]: part of a key */
};

/* Each constraint's columns in key order, each with the column it refers
 * to; the names quoted by the server. */
static const char FKS_SQL[] =
    "SELECT c.conname, a.attname, c.confrelid::regclass::text,"
    " format('r.%I = k.%I', ra.attname, a.attname), quote_ident(a.attname)"
    " FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey, c.confkey)"
    " WITH ORDINALITY AS u(k, r, ord)"
    " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = u.k"
    " JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = u.r"
    " WHERE c.conrelid = to_regclass(quote_ident($1)) AND c.contype = 'f'"
    " ORDER BY c.conname, u.ord";

/* *s, then sep and more (only more when *s is NULL); -1 when out of
 * memory. */
static int append(char **s, const char *sep, const char *more)
{
    size_t n = (*s ? strlen(*s) + strlen(sep) : 0) + strlen(more) + 1;
    char *t = malloc(n);
    if (t == NULL)
        return -1;
    snprintf(t, n, "%s%s%s", *s ? *s : "", *s ? sep : "", more);
    free(*s);
    *s = t;
    return 0;
}

static void add_column(copy_fk_t *fk, const char *name,
                       const char *const *columns, size_t n_cols)
{
    size_t j = 0;
    while (j < n_cols && strcmp(columns[j], name) != 0)
        j++;
    if (j == n_cols || fk->n_cols == FK_MAX_COLS) {
        fk->usable = 0;
        return;
    }
    if (fk->n_cols == 0)
        snprintf(fk->field, sizeof fk->field, "%s", name);
    fk->cols[fk->n_cols++] = j;
}

copy_fks_t *copy_fks_read(PGconn *pg, const char *table,
                          const char *const *columns, size_t n_cols)
{
    const char *values[1] = {table};
    PGresult *r = PQexecParams(pg, FKS_SQL, 1, NULL, values, NULL, NULL, 0);
    int n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
    copy_fks_t *fks = n > 0 ? calloc(1, sizeof *fks) : NULL;
    int oom = fks == NULL;
    if (fks != NULL) {
        snprintf(fks->table, sizeof fks->table, "%s", table);
        fks->n_cols = n_cols;
        fks->fk = calloc((size_t)n, sizeof *fks->fk);
        fks->values = calloc(n_cols, sizeof *fks->values);
        fks->watched = calloc(n_cols, 1);
        oom = fks->fk == NULL || fks->values == NULL || fks->watched == NULL;
    }
    for (int i = 0; !oom && i < n; i++) {
        const char *name = PQgetvalue(r, i, 0);
        copy_fk_t *fk = fks->n > 0 ? &fks->fk[fks->n - 1] : NULL;
        if (fk == NULL || strcmp(fk->name, name) != 0) {
            fk = &fks->fk[fks->n++];
            snprintf(fk->name, sizeof fk->name, "%s", name);
            fk->usable = 1;
            fk->ref = strdup(PQgetvalue(r, i, 2));
            oom |= fk->ref == NULL;
        }
        add_column(fk, PQgetvalue(r, i, 1), columns, n_cols);
        oom |= append(&fk->on, " AND ", PQgetvalue(r, i, 3)) != 0;
        oom |= append(&fk->key, ", ", PQgetvalue(r, i, 4)) != 0;
    }
    PQclear(r);
    for (size_t i = 0; !oom && i < fks->n; i++)
        for (size_t k = 0; fks->fk[i].usable && k < fks->fk[i].n_cols; k++)
            fks->watched[fks->fk[i].cols[k]] = 1;
    if (oom) {
        copy_fks_free(fks);
        return NULL;
    }
    return fks;
}

void copy_fks_free(copy_fks_t *fks)
{
    if (fks == NULL)
        return;
    for (size_t i = 0; fks->fk != NULL && i < fks->n; i++) {
        copy_fk_t *fk = &fks->fk[i];
        for (size_t k = 0; k < fk->cap; k++)
            free(fk->keys[k]);
        free(fk->keys);
        free(fk->lines);
        free(fk->ref);
        free(fk->on);
        free(fk->key);
    }
    for (size_t i = 0; fks->values != NULL && i < fks->n_cols; i++)
        free(fks->values[i].text);
    free(fks->values);
    free(fks->watched);
    free(fks->fk);
    free(fks);
}

int copy_fks_watches(const copy_fks_t *fks, size_t col)
{
    return fks != NULL && col < fks->n_cols && fks->watched[col];
}

static int put_text(copy_value_t *v, const char *p, size_t n)
{
    if (v->len + n + 1 > v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        while (cap < v->len + n + 1)
            cap *= 2;
        char *t = realloc(v->text, cap);
        if (t == NULL)
            return -1;
        v->text = t;
        v->cap = cap;
    }
    memcpy(v->text + v->len, p, n);
    v->len += n;
    v->text[v->len] = '\0';
    return 0;
}

int copy_fks_value(copy_fks_t *fks, size_t col, const char *text, size_t len)
{
    if (!copy_fks_watches(fks, col))
        return 0;
    copy_value_t *v = &fks->values[col];
    v->len = 0;
    v->set = 1;
    if (text == NULL)
        return put_text(v, "\\N", 2);
    int rc = put_text(v, "", 0);
    for (size_t i = 0; rc == 0 && i < len; i++) {
        const char *e = text[i] == '\\'   ? "\\\\"
                        : text[i] == '\t' ? "\\t"
                        : text[i] == '\n' ? "\\n"
                        : text[i] == '\r' ? "\\r"
                                          : NULL;
        rc = e != NULL ? put_text(v, e, 2) : put_text(v, text + i, 1);
    }
    return rc;
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The slot of key in keys (cap a power of two): its own, or the empty one
 * where it goes. */
static size_t slot_of(char *const *keys, size_t cap, const char *key,
                      size_t len)
{
    size_t i = (size_t)hash(key, len) & (cap - 1);
    while (keys[i] != NULL &&
           (strncmp(keys[i], key, len) != 0 || keys[i][len] != '\0'))
        i = (i + 1) & (cap - 1);
    return i;
}

static int grow(copy_fk_t *fk)
{
    size_t cap = fk->cap ? 2 * fk->cap : 16;
    char **keys = calloc(cap, sizeof *keys);
    size_t *lines = calloc(cap, sizeof *lines);
    if (keys == NULL || lines == NULL) {
        free(keys);
        free(lines);
        return -1;
    }
    for (size_t i = 0; i < fk->cap; i++)
        if (fk->keys[i] != NULL) {
            size_t j = slot_of(keys, cap, fk->keys[i], strlen(fk->keys[i]));
            keys[j] = fk->keys[i];
            lines[j] = fk->lines[i];
        }
    free(fk->keys);
    free(fk->lines);
    fk->keys = keys;
    fk->lines = lines;
    fk->cap = cap;
    return 0;
}

static int keep(copy_fk_t *fk, const char *key, size_t len, size_t line)
{
    if (2 * (fk->n + 1) > fk->cap && grow(fk) != 0)
        return -1;
    size_t i = slot_of(fk->keys, fk->cap, key, len);
    if (fk->keys[i] != NULL)
        return 0; /* sent before: its first line is kept */
    fk->keys[i] = strndup(key, len);
    if (fk->keys[i] == NULL)
        return -1;
    fk->lines[i] = line;
    fk->n++;
    return 0;
}

int copy_fks_row(copy_fks_t *fks, size_t line)
{
    char key[512];
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < fks->n; i++) {
        copy_fk_t *fk = &fks->fk[i];
        size_t used = 0;
        int skip = !fk->usable;
        for (size_t k = 0; !skip && k < fk->n_cols; k++) {
            const copy_value_t *v = &fks->values[fk->cols[k]];
            /* A NULL in the key: MATCH SIMPLE checks nothing. A key this
             * long is no code: not traced. */
            skip = !v->set || (v->len == 2 && memcmp(v->text, "\\N", 2) == 0) ||
                   used + v->len + 2 > sizeof key;
            if (skip)
                break;
            if (k > 0)
                key[used++] = '\t';
            memcpy(key + used, v->text, v->len);
            used += v->len;
        }
        if (!skip)
            rc = keep(fk, key, used, line);
    }
    for (size_t i = 0; i < fks->n_cols; i++)
        fks->values[i].set = 0;
    return rc;
}

static int run(PGconn *pg, const char *sql, ExecStatusType want)
{
    PGresult *r = PQexec(pg, sql);
    int ok = PQresultStatus(r) == want;
    PQclear(r);
    return ok ? 0 : -1;
}

/* The keys of fk into a temporary table of the key's columns (their
 * types the table's), each with its first line. */
static int send_keys(const copy_fk_t *fk, PGconn *pg, const char *table)
{
    char *quoted = PQescapeIdentifier(pg, table, strlen(table));
    size_t n = 2 * strlen(fk->key) + (quoted ? strlen(quoted) : 0) + 256;
    char *sql = quoted != NULL ? malloc(n) : NULL;
    int rc = sql != NULL ? 0 : -1;
    if (rc == 0) {
        snprintf(sql, n,
                 "CREATE TEMPORARY TABLE tob_copy_keys ON COMMIT DROP AS"
                 " SELECT %s FROM %s WITH NO DATA; ALTER TABLE tob_copy_keys"
                 " ADD COLUMN tob_line bigint",
                 fk->key, quoted);
        rc = run(pg, sql, PGRES_COMMAND_OK);
    }
    if (rc == 0) {
        snprintf(sql, n, "COPY tob_copy_keys (%s, tob_line) FROM STDIN",
                 fk->key);
        rc = run(pg, sql, PGRES_COPY_IN);
        for (size_t i = 0; rc == 0 && i < fk->cap; i++) {
            char line[32];
            if (fk->keys[i] == NULL)
                continue;
            int len = snprintf(line, sizeof line, "\t%zu\n", fk->lines[i]);
            if (PQputCopyData(pg, fk->keys[i], (int)strlen(fk->keys[i])) != 1 ||
                PQputCopyData(pg, line, len) != 1)
                rc = -1;
        }
        if (PQputCopyEnd(pg, rc == 0 ? NULL : "terrobs stopped") != 1)
            rc = -1;
        PGresult *r;
        while ((r = PQgetResult(pg)) != NULL) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                rc = -1;
            PQclear(r);
        }
    }
    PQfreemem(quoted);
    free(sql);
    return rc;
}

size_t copy_fks_first_missing(copy_fks_t *fks, PGconn *pg, const char *conname,
                              const char **field)
{
    const copy_fk_t *fk = NULL;
    for (size_t i = 0; fks != NULL && i < fks->n; i++)
        if (fks->fk[i].usable && strcmp(fks->fk[i].name, conname) == 0)
            fk = &fks->fk[i];
    if (fk == NULL || fk->n == 0 || send_keys(fk, pg, fks->table) != 0)
        return 0;
    size_t n = strlen(fk->ref) + strlen(fk->on) + 160;
    char *sql = malloc(n);
    PGresult *q = NULL;
    size_t line = 0;
    if (sql != NULL) {
        snprintf(sql, n,
                 "SELECT min(k.tob_line) FROM tob_copy_keys k WHERE NOT"
                 " EXISTS (SELECT 1 FROM %s r WHERE %s)",
                 fk->ref, fk->on);
        q = PQexec(pg, sql);
    }
    if (PQresultStatus(q) == PGRES_TUPLES_OK && PQntuples(q) == 1 &&
        !PQgetisnull(q, 0, 0))
        line = (size_t)strtoull(PQgetvalue(q, 0, 0), NULL, 10);
    PQclear(q);
    free(sql);
    if (line > 0)
        *field = fk->field;
    return line;
}
