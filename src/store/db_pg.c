/* db_pg.c - statements on PostgreSQL through libpq. A statement is
 * prepared once on the server under its own name; a step executes it with
 * the bound parameters (text, blobs binary) and keeps the whole result, so
 * that statements interleave on one connection as they do on SQLite.
 * A query whose columns are all of types read here (integers, floats,
 * booleans, text, bytea, geometry) gets its results in binary: a
 * geometry's EWKB comes as bytes, not twice as many hex digits, and
 * numbers need no parsing. Any other type (numeric, dates) keeps the
 * statement in text. Geometries are decoded on demand into SpatiaLite's
 * BLOB-Geometry. */
#include "db.h"
#include "db_pg_internal.h"

#include <libpq-fe.h>

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    OID_BOOL = 16,
    OID_BYTEA = 17,
    OID_NAME = 19,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_TEXT = 25,
    OID_OID = 26,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_BPCHAR = 1042,
    OID_VARCHAR = 1043,
    OID_NUMERIC = 1700
};

/* Result formats: not decided yet (before the first step), text, binary. */
enum {
    FMT_UNKNOWN,
    FMT_TEXT,
    FMT_BINARY
};

struct pg_stmt {
    tob_store_t *st;
    char name[24];
    int readonly;
    dialect_params_t params;
    const char **vals;
    char **owned; /* owned[i]: vals[i]'s copy, or NULL when borrowed */
    int *lens, *fmts;
    PGresult *res;
    int executed, row, nrows;
    PGresult *desc;        /* the description, before a step */
    int format;            /* FMT_*: of the results */
    unsigned char **blobs; /* decoded columns of the current row */
    size_t *blob_len;
    char (*texts)[32]; /* binary numbers of the current row as text */
    char **hexes;      /* binary bytes of the current row as hex text */
};

static PGconn *conn(tob_store_t *st)
{
    return (PGconn *)st->pg;
}

void pg_scrub(char *s, const char *secret)
{
    size_t k = secret != NULL ? strlen(secret) : 0, m = k < 3 ? k : 3;
    char *at;
    while (k > 0 && (at = strstr(s, secret)) != NULL) {
        memset(at, '*', m);
        memmove(at + m, at + k, strlen(at + k) + 1);
    }
}

void pg_set_error(tob_store_t *st, const char *msg)
{
    snprintf(st->pg_error, sizeof st->pg_error, "%s", msg ? msg : "");
    /* libpq may quote the connection string it could not parse: never the
     * password. */
    pg_scrub(st->pg_error, st->secret);
    size_t n = strlen(st->pg_error);
    while (n > 0 && isspace((unsigned char)st->pg_error[n - 1]))
        st->pg_error[--n] = '\0';
}

const char *pg_errmsg(tob_store_t *st)
{
    if (st->pg_error[0] == '\0')
        pg_set_error(st, PQerrorMessage(conn(st)));
    return st->pg_error;
}

/* The server's own sentence ("syntax error at or near \")\""), one line as
 * SQLite's: not libpq's full report ("ERROR:  ...\nLINE 2: )\n ^"). */
static void result_error(tob_store_t *st, PGresult *r)
{
    const char *m =
        r != NULL ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (m == NULL || *m == '\0')
        m = r != NULL ? PQresultErrorMessage(r) : NULL;
    pg_set_error(st, m != NULL && *m ? m : PQerrorMessage(conn(st)));
}

int pg_exec(tob_store_t *st, const char *sql)
{
    PGresult *r = PQexec(conn(st), sql);
    ExecStatusType t = PQresultStatus(r);
    int ok = t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
    if (!ok)
        result_error(st, r);
    else
        st->changes = atoll(PQcmdTuples(r));
    PQclear(r);
    return ok ? 0 : -1;
}

int pg_in_transaction(tob_store_t *st)
{
    PGTransactionStatusType t = PQtransactionStatus(conn(st));
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int has_word(const char *sql, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = sql; *p != '\0'; p++)
        if (strncasecmp(p, word, n) == 0)
            return 1;
    return 0;
}

/* Whether the statement can only read: its first word. */
static int reads_only(const char *sql)
{
    while (isspace((unsigned char)*sql) || *sql == '(')
        sql++;
    static const char *const words[] = {"SELECT", "WITH", "VALUES"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if (strncasecmp(sql, words[i], n) == 0 &&
            !isalnum((unsigned char)sql[n]) && sql[n] != '_') {
            if (i != 1)
                return 1;
            /* WITH ... INSERT/UPDATE/DELETE writes. */
            return !has_word(sql, "INSERT") && !has_word(sql, "UPDATE") &&
                   !has_word(sql, "DELETE");
        }
    }
    return 0;
}

static int alloc_params(pg_stmt_t *s)
{
    int n = s->params.n;
    if (n == 0)
        return 0;
    s->vals = calloc((size_t)n, sizeof *s->vals);
    s->owned = calloc((size_t)n, sizeof *s->owned);
    s->lens = calloc((size_t)n, sizeof *s->lens);
    s->fmts = calloc((size_t)n, sizeof *s->fmts);
    return s->vals && s->owned && s->lens && s->fmts ? 0 : -1;
}

/* PREPARE, and for a query its description (the result format depends on
 * its columns' types) in the same round trip: libpq's pipeline. Returns
 * PREPARE's result; the description goes to s->desc. */
static PGresult *prepare_on_server(pg_stmt_t *s, const char *text,
                                   const Oid *types)
{
    PGconn *c = conn(s->st);
    if (!s->readonly || PQenterPipelineMode(c) != 1)
        return PQprepare(c, s->name, text, s->params.n, types);
    PGresult *prepared = NULL;
    if (PQsendPrepare(c, s->name, text, s->params.n, types) == 1 &&
        PQsendDescribePrepared(c, s->name) == 1 && PQpipelineSync(c) == 1) {
        /* the PREPARE's result, NULL, the description's (or ABORTED after
         * a failed PREPARE), NULL, then the sync's */
        for (int nulls = 0; nulls < 8;) {
            PGresult *r = PQgetResult(c);
            if (r == NULL) {
                nulls++;
                continue;
            }
            ExecStatusType t = PQresultStatus(r);
            if (t == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (prepared == NULL)
                prepared = r;
            else if (s->desc == NULL && t == PGRES_COMMAND_OK)
                s->desc = r;
            else
                PQclear(r);
        }
    }
    PQexitPipelineMode(c);
    return prepared;
}

int pgs_prepare(tob_store_t *st, const char *sql, int try, pg_stmt_t **out)
{
    *out = NULL;
    pg_stmt_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return -2;
    s->st = st;
    char *text = dialect_sql(DIALECT_PG, st->srid, sql, &s->params);
    if (text == NULL || alloc_params(s) != 0) {
        free(text);
        pgs_finalize(s);
        return -2;
    }
    s->readonly = reads_only(text);
    snprintf(s->name, sizeof s->name, "tob%u", ++st->stmt_serial);
    int saved = try && pg_in_transaction(st);
    if (saved)
        pg_exec(st, "SAVEPOINT tob_try");
    /* A parameter the SQL skips (?1, ?3) is typed text for PostgreSQL. */
    Oid *types =
        s->params.n > 0 ? calloc((size_t)s->params.n, sizeof *types) : NULL;
    for (int i = 0; types != NULL && i < s->params.n; i++)
        types[i] = s->params.used[i] ? 0 : 25;
    PGresult *r = prepare_on_server(s, text, types);
    free(types);
    free(text);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        result_error(st, r);
        s->name[0] = '\0';
    }
    PQclear(r);
    if (saved) {
        char keep[sizeof st->pg_error];
        memcpy(keep, st->pg_error, sizeof keep);
        pg_exec(st, ok ? "RELEASE SAVEPOINT tob_try"
                       : "ROLLBACK TO SAVEPOINT tob_try;"
                         " RELEASE SAVEPOINT tob_try");
        memcpy(st->pg_error, keep, sizeof keep);
    }
    if (!ok) {
        pgs_finalize(s);
        return -1;
    }
    *out = s;
    return 0;
}

static void drop_row(pg_stmt_t *s)
{
    if (s->blobs == NULL || s->res == NULL)
        return;
    for (int i = 0; i < PQnfields(s->res); i++) {
        PQfreemem(s->blobs[i]);
        s->blobs[i] = NULL;
        if (s->hexes != NULL) {
            free(s->hexes[i]);
            s->hexes[i] = NULL;
        }
    }
}

static void drop_result(pg_stmt_t *s)
{
    drop_row(s);
    free(s->blobs);
    free(s->blob_len);
    free(s->texts);
    free(s->hexes);
    s->hexes = NULL;
    s->blobs = NULL;
    s->blob_len = NULL;
    s->texts = NULL;
    PQclear(s->res);
    s->res = NULL;
    s->executed = 0;
}

static PGresult *described(pg_stmt_t *s);

/* Whether binary results can be read: a type of the list above, or the
 * store's geometry. */
static int binary_type(const tob_store_t *st, Oid t)
{
    switch (t) {
    case OID_BOOL:
    case OID_BYTEA:
    case OID_NAME:
    case OID_INT8:
    case OID_INT2:
    case OID_INT4:
    case OID_TEXT:
    case OID_OID:
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_BPCHAR:
    case OID_VARCHAR:
        return 1;
    default:
        return t == st->geometry_oid && t != 0;
    }
}

/* A query's results come in binary when every column's type is read here;
 * decided once, from the prepared statement's description. Statements that
 * write stay in text (their RETURNING rows are few). */
static int result_format(pg_stmt_t *s)
{
    if (s->format != FMT_UNKNOWN)
        return s->format;
    s->format = FMT_TEXT;
    PGresult *d = s->readonly ? described(s) : NULL;
    int n = d != NULL ? PQnfields(d) : 0;
    int ok = n > 0;
    for (int i = 0; ok && i < n; i++)
        ok = binary_type(s->st, PQftype(d, i));
    if (ok)
        s->format = FMT_BINARY;
    return s->format;
}

static int execute(pg_stmt_t *s)
{
    tob_store_t *st = s->st;
    int binary = result_format(s) == FMT_BINARY;
    st->pg_error[0] = '\0';
    s->res = PQexecPrepared(conn(st), s->name, s->params.n, s->vals, s->lens,
                            s->fmts, binary);
    s->executed = 1;
    ExecStatusType t = PQresultStatus(s->res);
    if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
        result_error(st, s->res);
        return DB_ERROR;
    }
    st->changes = atoll(PQcmdTuples(s->res));
    s->nrows = t == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
    s->row = -1;
    int nf = PQnfields(s->res);
    if (nf > 0) {
        s->blobs = calloc((size_t)nf, sizeof *s->blobs);
        s->blob_len = calloc((size_t)nf, sizeof *s->blob_len);
        s->texts = binary ? calloc((size_t)nf, sizeof *s->texts) : NULL;
        s->hexes = binary ? calloc((size_t)nf, sizeof *s->hexes) : NULL;
        if (s->blobs == NULL || s->blob_len == NULL ||
            (binary && (s->texts == NULL || s->hexes == NULL))) {
            pg_set_error(st, "out of memory");
            return DB_ERROR;
        }
    }
    return DB_OK;
}

int pgs_step(pg_stmt_t *s)
{
    if (!s->executed) {
        int rc = execute(s);
        if (rc != DB_OK)
            return rc;
    } else if (PQresultStatus(s->res) != PGRES_COMMAND_OK &&
               PQresultStatus(s->res) != PGRES_TUPLES_OK)
        return DB_ERROR;
    drop_row(s);
    if (s->row + 1 < s->nrows) {
        s->row++;
        return DB_ROW;
    }
    s->row = s->nrows;
    return DB_DONE;
}

void pgs_reset(pg_stmt_t *s)
{
    drop_result(s);
}

void pgs_clear(pg_stmt_t *s)
{
    for (int i = 0; i < s->params.n; i++) {
        free(s->owned[i]);
        s->owned[i] = NULL;
        s->vals[i] = NULL;
        s->lens[i] = 0;
        s->fmts[i] = 0;
    }
}

/* Forgets a prepared statement on the server: the DEALLOCATEs are sent
 * some at a time, with one round trip, not one each. Never in an aborted
 * transaction, where they would fail (they wait for the next chance;
 * names are unique anyway); a DEALLOCATE of a statement that exists
 * cannot fail, so a healthy transaction is never hurt. */
static void deallocate(tob_store_t *st, const char *name)
{
    char *list = st->pg_dealloc;
    size_t used = strlen(list), add = strlen(name) + 13;
    int aborted = PQtransactionStatus(conn(st)) == PQTRANS_INERROR;
    if (used + add >= sizeof st->pg_dealloc && !aborted) {
        PQclear(PQexec(conn(st), list));
        list[0] = '\0';
        used = 0;
    }
    if (used + add < sizeof st->pg_dealloc)
        snprintf(list + used, sizeof st->pg_dealloc - used, "DEALLOCATE %s;",
                 name);
}

void pgs_finalize(pg_stmt_t *s)
{
    if (s == NULL)
        return;
    drop_result(s);
    PQclear(s->desc);
    if (s->vals != NULL && s->owned != NULL)
        pgs_clear(s);
    if (s->name[0] != '\0' && s->st->pg != NULL)
        deallocate(s->st, s->name);
    dialect_params_free(&s->params);
    free(s->vals);
    free(s->owned);
    free(s->lens);
    free(s->fmts);
    free(s);
}

int pgs_readonly(const pg_stmt_t *s)
{
    return s->readonly;
}

int pgs_bind(pg_stmt_t *s, int i, const char *v, int n, int binary, int copy)
{
    if (i < 1 || i > s->params.n)
        return DB_ERROR;
    i--;
    free(s->owned[i]);
    s->owned[i] = NULL;
    s->vals[i] = NULL;
    s->fmts[i] = binary;
    s->lens[i] = 0;
    if (v == NULL)
        return DB_OK;
    size_t len = n >= 0 ? (size_t)n : strlen(v);
    if (copy || (!binary && n >= 0)) {
        char *c = malloc(len + 1);
        if (c == NULL)
            return DB_ERROR;
        memcpy(c, v, len);
        c[len] = '\0';
        s->owned[i] = c;
        v = c;
    }
    s->vals[i] = v;
    s->lens[i] = (int)len;
    return DB_OK;
}

int pgs_param_count(const pg_stmt_t *s)
{
    return s->params.n;
}

int pgs_param_index(const pg_stmt_t *s, const char *name)
{
    for (int i = 0; i < s->params.n; i++)
        if (s->params.names[i] != NULL && strcmp(s->params.names[i], name) == 0)
            return i + 1;
    return 0;
}

static int has_row(const pg_stmt_t *s, int i)
{
    return s->res != NULL && s->row >= 0 && s->row < s->nrows && i >= 0 &&
           i < PQnfields(s->res);
}

static int is_binary(const pg_stmt_t *s, int i)
{
    return PQfformat(s->res, i) == 1;
}

/* A binary number, as its type's size and the network's byte order say. */
static uint64_t be_bits(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v = v << 8 | p[k];
    return v;
}

/* Integer and float values of a binary column; *is_float says which. */
static void binary_number(const pg_stmt_t *s, int i, long long *iv, double *dv,
                          int *is_float)
{
    const unsigned char *p =
        (const unsigned char *)PQgetvalue(s->res, s->row, i);
    int n = PQgetlength(s->res, s->row, i);
    Oid t = PQftype(s->res, i);
    *is_float = 0;
    *iv = 0;
    *dv = 0;
    if (t == OID_FLOAT8 && n == 8) {
        uint64_t b = be_bits(p, 8);
        memcpy(dv, &b, 8);
        *is_float = 1;
    } else if (t == OID_FLOAT4 && n == 4) {
        uint32_t b = (uint32_t)be_bits(p, 4);
        float f;
        memcpy(&f, &b, 4);
        *dv = f;
        *is_float = 1;
    } else if (t == OID_INT8 && n == 8)
        *iv = (long long)be_bits(p, 8);
    else if (t == OID_INT4 && n == 4)
        *iv = (int32_t)be_bits(p, 4);
    else if (t == OID_OID && n == 4)
        *iv = (long long)be_bits(p, 4);
    else if (t == OID_INT2 && n == 2)
        *iv = (int16_t)be_bits(p, 2);
    else if (t == OID_BOOL && n == 1)
        *iv = p[0] != 0;
    if (*is_float)
        *iv = isfinite(*dv) ? (long long)*dv : 0;
    else
        *dv = (double)*iv;
}

static int text_type(Oid t)
{
    return t == OID_TEXT || t == OID_VARCHAR || t == OID_BPCHAR ||
           t == OID_NAME;
}

/* Bytes as PostgreSQL writes them in text: bytea "\\x..." in lower
 * case, a geometry's EWKB in upper case. Kept in hexes[i] for the row. */
static const char *hex_text(pg_stmt_t *s, int i, int bytea)
{
    if (s->hexes[i] != NULL)
        return s->hexes[i];
    const unsigned char *p =
        (const unsigned char *)PQgetvalue(s->res, s->row, i);
    size_t n = (size_t)PQgetlength(s->res, s->row, i);
    char *h = malloc(2 * n + 3);
    if (h == NULL)
        return NULL;
    const char *digits = bytea ? "0123456789abcdef" : "0123456789ABCDEF";
    size_t k = 0;
    if (bytea) {
        h[k++] = '\\';
        h[k++] = 'x';
    }
    for (size_t j = 0; j < n; j++) {
        h[k++] = digits[p[j] >> 4];
        h[k++] = digits[p[j] & 15];
    }
    h[k] = '\0';
    s->hexes[i] = h;
    return h;
}

/* A float as PostgreSQL writes it: the fewest digits that read back as
 * the same float4 or float8 (a rare path: modules read numbers as
 * numbers). */
static void float_text(double v, int single, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, size, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    int digits = 1;
    for (; digits <= 17; digits++) {
        snprintf(buf, size, "%.*e", digits - 1, v);
        if (single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
            break;
    }
    /* Its exponent says the notation: 1e+20, 1.5e-07, but 100 and 0.0001
     * (beyond 15 digits for a float8, 6 for a float4, or below 1e-4). */
    const char *e = strchr(buf, 'e');
    int exponent = e != NULL ? atoi(e + 1) : 0;
    if (exponent < -4 || exponent >= (single ? 6 : 15))
        return;
    int decimals = digits - 1 - exponent;
    snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
}

const char *pgs_text(pg_stmt_t *s, int i)
{
    if (!has_row(s, i) || PQgetisnull(s->res, s->row, i))
        return NULL;
    Oid t = PQftype(s->res, i);
    if (!is_binary(s, i) || text_type(t))
        return PQgetvalue(s->res, s->row, i);
    if (t == OID_BYTEA || (t == s->st->geometry_oid && t != 0))
        return hex_text(s, i, t == OID_BYTEA);
    long long iv;
    double dv;
    int is_float;
    binary_number(s, i, &iv, &dv, &is_float);
    char *buf = s->texts[i];
    if (is_float)
        float_text(dv, t == OID_FLOAT4, buf, sizeof s->texts[i]);
    else if (t == OID_BOOL)
        snprintf(buf, sizeof s->texts[i], "%s", iv ? "t" : "f");
    else
        snprintf(buf, sizeof s->texts[i], "%lld", iv);
    return buf;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A geometry's text is its EWKB in hex. */
static unsigned char *geometry_blob(tob_store_t *st, const char *hex,
                                    size_t *len)
{
    size_t n = strlen(hex) / 2;
    unsigned char *ewkb = malloc(n > 0 ? n : 1);
    if (ewkb == NULL)
        return NULL;
    for (size_t k = 0; k < n; k++) {
        int a = hexval((unsigned char)hex[2 * k]);
        int b = hexval((unsigned char)hex[2 * k + 1]);
        if (a < 0 || b < 0) {
            free(ewkb);
            return NULL;
        }
        ewkb[k] = (unsigned char)(a * 16 + b);
    }
    unsigned char *blob = pg_ewkb_to_blob(ewkb, n, st->srid, len);
    free(ewkb);
    return blob; /* PQfreemem() is free() on POSIX */
}

const void *pgs_blob(pg_stmt_t *s, int i)
{
    if (!has_row(s, i) || PQgetisnull(s->res, s->row, i))
        return NULL;
    if (s->blobs[i] != NULL)
        return s->blobs[i];
    const char *v = PQgetvalue(s->res, s->row, i);
    Oid t = PQftype(s->res, i);
    int binary = is_binary(s, i);
    if (t == OID_BYTEA && binary)
        return v; /* the bytes themselves */
    if (t == OID_BYTEA)
        s->blobs[i] =
            PQunescapeBytea((const unsigned char *)v, &s->blob_len[i]);
    else if (t == s->st->geometry_oid && t != 0 && binary)
        s->blobs[i] = pg_ewkb_to_blob((const unsigned char *)v,
                                      (size_t)PQgetlength(s->res, s->row, i),
                                      s->st->srid, &s->blob_len[i]);
    else if (t == s->st->geometry_oid && t != 0)
        s->blobs[i] = geometry_blob(s->st, v, &s->blob_len[i]);
    else
        return pgs_text(s, i);
    return s->blobs[i];
}

int pgs_bytes(pg_stmt_t *s, int i)
{
    if (!has_row(s, i) || PQgetisnull(s->res, s->row, i))
        return 0;
    Oid t = PQftype(s->res, i);
    if (t == OID_BYTEA && is_binary(s, i))
        return PQgetlength(s->res, s->row, i);
    if (t == OID_BYTEA || (t == s->st->geometry_oid && t != 0)) {
        pgs_blob(s, i);
        return (int)s->blob_len[i];
    }
    if (is_binary(s, i) && !text_type(t))
        return (int)strlen(pgs_text(s, i));
    return PQgetlength(s->res, s->row, i);
}

/* 1 and the column's number when it came in binary (not as text). */
static int binary_value(pg_stmt_t *s, int i, long long *iv, double *dv)
{
    if (!has_row(s, i) || PQgetisnull(s->res, s->row, i) || !is_binary(s, i) ||
        text_type(PQftype(s->res, i)))
        return 0;
    int is_float;
    binary_number(s, i, iv, dv, &is_float);
    return 1;
}

long long pgs_int64(pg_stmt_t *s, int i)
{
    long long iv;
    double dv;
    if (binary_value(s, i, &iv, &dv))
        return iv;
    const char *v = pgs_text(s, i);
    if (v == NULL)
        return 0;
    if (*v == 't')
        return 1;
    if (strpbrk(v, ".eE") != NULL)
        return (long long)strtod(v, NULL);
    return strtoll(v, NULL, 10);
}

double pgs_double(pg_stmt_t *s, int i)
{
    long long iv;
    double dv;
    if (binary_value(s, i, &iv, &dv))
        return dv;
    const char *v = pgs_text(s, i);
    if (v == NULL)
        return 0;
    if (*v == 't')
        return 1;
    return strtod(v, NULL);
}

int pgs_type(pg_stmt_t *s, int i)
{
    if (!has_row(s, i) || PQgetisnull(s->res, s->row, i))
        return DB_NULL;
    Oid t = PQftype(s->res, i);
    switch (t) {
    case OID_BOOL:
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
        return DB_INTEGER;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return DB_FLOAT;
    case OID_BYTEA:
        return DB_BLOB;
    default:
        return t == s->st->geometry_oid && t != 0 ? DB_BLOB : DB_TEXT;
    }
}

/* Before the first step the prepared statement's description tells. */
static PGresult *described(pg_stmt_t *s)
{
    if (s->res != NULL)
        return s->res;
    if (s->desc == NULL)
        s->desc = PQdescribePrepared(conn(s->st), s->name);
    return PQresultStatus(s->desc) == PGRES_COMMAND_OK ? s->desc : NULL;
}

int pgs_column_count(pg_stmt_t *s)
{
    PGresult *r = described(s);
    return r != NULL ? PQnfields(r) : 0;
}

const char *pgs_column_name(pg_stmt_t *s, int i)
{
    PGresult *r = described(s);
    return r != NULL ? PQfname(r, i) : NULL;
}
