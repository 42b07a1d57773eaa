/* dialect.c - one SQL for both engines: a small rewriter that walks a
 * statement token by token (string literals, quoted names and comments are
 * copied untouched), expands the spatial-index macros for the engine and,
 * for PostgreSQL, respells SQLite/SpatiaLite's parameters, functions and
 * types. Every difference between the engines' SQL is in the tables
 * below. */
#include "dialect.h"

#include "store_schema.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct sbuf {
    char *s;
    size_t n, cap;
    int oom;
} sbuf_t;

static void put(sbuf_t *b, const char *p, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (s == NULL) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(sbuf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(sbuf_t *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

typedef struct ctx {
    dialect_engine_t engine;
    int srid;
    int ddl;
    int max_param;
    dialect_params_t *params;
    int oom;
    const char *start;   /* of the whole statement */
    int n_alias;         /* subqueries named */
    const char *qualify; /* a client's SQL: the store's tables in it */
} ctx_t;

/* A macro or a respelled function: name(args) -> template, where @1..@9
 * are the rewritten arguments, @* all of them, @S the store's SRID and @T
 * the first argument as a bare name. nargs -1 takes any count. */
typedef struct spelling {
    const char *name;
    int nargs;
    const char *sqlite; /* NULL: left as it is */
    const char *pg;     /* NULL: left as it is */
} spelling_t;

static const spelling_t SPELLINGS[] = {
    /* The spatial index: SpatiaLite's R*Tree table idx_<table>_geom, or
     * PostGIS's GiST index through the && operator. */
    {"TOB_BOX_IDS", 5,
     "SELECT pkid FROM idx_@T_geom WHERE xmin <= @4 AND xmax >= @2"
     " AND ymin <= @5 AND ymax >= @3",
     "SELECT id FROM @T WHERE geom && ST_MakeEnvelope(@2, @3, @4, @5, @S)"},
    {"TOB_BOX_IDS_OF", 2,
     "SELECT pkid FROM idx_@T_geom WHERE xmin <= MbrMaxX(@2)"
     " AND xmax >= MbrMinX(@2) AND ymin <= MbrMaxY(@2)"
     " AND ymax >= MbrMinY(@2)",
     "SELECT id FROM @T WHERE geom && @2"},
    {"TOB_BOX_TABLE", 1, "idx_@T_geom",
     "(SELECT id AS pkid, geom, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax,"
     " ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax FROM @T"
     " WHERE geom IS NOT NULL)"},
    /* Join conditions the index serves: on PostgreSQL the geometry column
     * itself with &&, so that the planner probes the GiST index once per
     * row of the other side (an inner Index Scan); a box computed from the
     * geometry (ST_XMin...) or an IN subquery naming the outer row could
     * only be scanned whole. */
    {"TOB_BOX_HOLDS", 3,
     "(@1.xmin <= @2 AND @1.xmax >= @2 AND @1.ymin <= @3 AND @1.ymax >= @3)",
     "@1.geom && ST_SetSRID(ST_MakePoint(@2, @3), @S)"},
    {"TOB_BOX_MEETS", 3,
     "@2.id IN (SELECT pkid FROM idx_@T_geom WHERE xmin <= MbrMaxX(@3)"
     " AND xmax >= MbrMinX(@3) AND ymin <= MbrMaxY(@3)"
     " AND ymax >= MbrMinY(@3))",
     "@2.geom && @3"},
    {"TOB_BOX_MEETS_BOX", 6,
     "@2.id IN (SELECT pkid FROM idx_@T_geom WHERE xmin <= @5 AND xmax >= @3"
     " AND ymin <= @6 AND ymax >= @4)",
     "@2.geom && ST_MakeEnvelope(@3, @4, @5, @6, @S)"},
    /* The name of a CRS, from the engine's own table of them. */
    {"TOB_CRS_NAME", 1,
     "(SELECT ref_sys_name FROM spatial_ref_sys WHERE srid = @1)",
     "(SELECT split_part(srtext, '\"', 2) FROM spatial_ref_sys"
     " WHERE srid = CAST(@1 AS integer))"},
    /* The columns of a table of the store (name, lower-case type), in
     * order: a statement. */
    {"TOB_COLUMNS", 1,
     "SELECT name, lower(type) FROM pragma_table_info(@1) ORDER BY cid",
     "SELECT column_name, udt_name FROM information_schema.columns"
     " WHERE table_schema = current_schema() AND table_name = @1"
     " ORDER BY ordinal_position"},
    /* SpatiaLite's names for PostGIS. */
    {"MakePoint", 2, NULL, "ST_MakePoint(@1, @2)"},
    {"MakePoint", 3, NULL, "ST_SetSRID(ST_MakePoint(@1, @2), @3)"},
    {"GeomFromWKB", -1, NULL, "ST_GeomFromWKB(@*)"},
    {"AsBinary", 1, NULL, "ST_AsBinary(@1)"},
    {"CastToMultiPolygon", 1, NULL, "ST_Multi(@1)"},
    {"CastToMultiLinestring", 1, NULL, "ST_Multi(@1)"},
    /* SpatiaLite's is NULL when there is nothing of the type, PostGIS's
     * an empty collection. */
    {"CollectionExtract", 2, NULL,
     "(SELECT CASE WHEN ST_IsEmpty(tob_g) THEN NULL ELSE tob_g END FROM"
     " (SELECT ST_CollectionExtract(@1, CAST(@2 AS integer)) AS tob_g)"
     " AS tob_e)"},
    {"Transform", 2, NULL, "ST_Transform(@1, CAST(@2 AS integer))"},
    {"PointOnSurface", 1, NULL, "ST_PointOnSurface(@1)"},
    {"Centroid", 1, NULL, "ST_Centroid(@1)"},
    {"Area", 1, NULL, "ST_Area(@1)"},
    {"X", 1, NULL, "ST_X(@1)"},
    {"Y", 1, NULL, "ST_Y(@1)"},
    {"MbrMinX", 1, NULL, "ST_XMin(@1)"},
    {"MbrMaxX", 1, NULL, "ST_XMax(@1)"},
    {"MbrMinY", 1, NULL, "ST_YMin(@1)"},
    {"MbrMaxY", 1, NULL, "ST_YMax(@1)"},
    {"Extent", 1, NULL, "ST_Extent(@1)"},
    /* SpatiaLite's predicates give 1, 0 or -1 (GEOS failed); PostGIS's a
     * boolean (and raises on failure): as integers they compare alike. */
    {"ST_Contains", 2, NULL, "CAST(ST_Contains(@1, @2) AS integer)"},
    {"ST_Within", 2, NULL, "CAST(ST_Within(@1, @2) AS integer)"},
    {"ST_Intersects", 2, NULL, "CAST(ST_Intersects(@1, @2) AS integer)"},
    {"ST_Covers", 2, NULL, "CAST(ST_Covers(@1, @2) AS integer)"},
    {"ST_Touches", 2, NULL, "CAST(ST_Touches(@1, @2) AS integer)"},
    {"ST_Equals", 2, NULL, "CAST(ST_Equals(@1, @2) AS integer)"},
    {"ST_IsValid", 1, NULL, "CAST(ST_IsValid(@1) AS integer)"},
    {"ST_IsEmpty", 1, NULL, "CAST(ST_IsEmpty(@1) AS integer)"},
    /* SQLite's functions. */
    {"group_concat", 1, NULL, "string_agg(CAST(@1 AS text), ',')"},
    {"group_concat", 2, NULL, "string_agg(CAST(@1 AS text), @2)"},
    {"ifnull", 2, NULL, "coalesce(@1, @2)"},
    {"julianday", 1, NULL,
     "(EXTRACT(EPOCH FROM CAST(CAST(@1 AS text) AS timestamp)) / 86400.0"
     " + 2440587.5)"},
    {"max", -2, NULL, "greatest(@*)"},
    {"min", -2, NULL, "least(@*)"},
    {"round", 2, NULL, "round(CAST(@1 AS numeric), @2)"},
    /* SQLite's booleans are integers: total(status = 'x') counts. */
    {"total", 1, NULL, "coalesce(sum(tob_num(@1)), 0.0)"},
    {"instr", 2, NULL, "strpos(@1, @2)"},
    {"char", 1, NULL, "chr(CAST(@1 AS integer))"},
    {"iif", 3, NULL, "CASE WHEN @1 THEN @2 ELSE @3 END"},
};
#define N_SPELLINGS (sizeof SPELLINGS / sizeof SPELLINGS[0])

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_';
}

static int is_ident(int c)
{
    return isalnum(c) || c == '_' || c == '$';
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p;
}

/* The end of a literal or quoted name starting at p (quote q). */
static const char *skip_quoted(const char *p, const char *end, char q)
{
    for (p++; p < end; p++)
        if (*p == q) {
            if (p + 1 < end && p[1] == q)
                p++;
            else
                return p + 1;
        }
    return end;
}

/* The end of a comment at p, or p if there is none. */
static const char *skip_comment(const char *p, const char *end)
{
    if (p + 1 < end && p[0] == '-' && p[1] == '-') {
        while (p < end && *p != '\n')
            p++;
        return p;
    }
    if (p + 1 < end && p[0] == '/' && p[1] == '*') {
        const char *e = p + 2;
        while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
            e++;
        return e + 1 < end ? e + 2 : end;
    }
    return p;
}

/* Splits the argument list after '(' at open: args[i] = [start, end).
 * Returns the position after ')', or NULL when it does not close. */
#define MAX_ARGS 9
static const char *split_args(const char *open, const char *end,
                              const char *a0[MAX_ARGS],
                              const char *a1[MAX_ARGS], int *n)
{
    int depth = 0;
    const char *p = open + 1, *start = p;
    *n = 0;
    while (p < end) {
        const char *c = skip_comment(p, end);
        if (c != p) {
            p = c;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            p = skip_quoted(p, end, *p);
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        else if ((*p == ')' || *p == ',') && depth == 0) {
            const char *s = skip_space(start, p);
            if (*p == ',' || s < p || *n > 0) {
                if (*n == MAX_ARGS)
                    return NULL;
                a0[*n] = start;
                a1[*n] = p;
                (*n)++;
            }
            if (*p == ')')
                return p + 1;
            start = p + 1;
        }
        p++;
    }
    return NULL;
}

static void rewrite(ctx_t *c, const char *p, const char *end, sbuf_t *out);
static int word_is(const char *w, size_t len, const char *name);
static int next_word(const char *p, const char *end, const char **ws,
                     const char **we);

static void trimmed(const char **s, const char **e)
{
    *s = skip_space(*s, *e);
    while (*e > *s && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

static void expand(ctx_t *c, const char *tpl, const char *a0[],
                   const char *a1[], int n, sbuf_t *out)
{
    for (const char *t = tpl; *t != '\0'; t++) {
        if (*t != '@' || t[1] == '\0') {
            put(out, t, 1);
            continue;
        }
        t++;
        if (*t == 'S')
            putf(out, "%d", c->srid);
        else if (*t == 'T' && n > 0) {
            const char *s = a0[0], *e = a1[0];
            trimmed(&s, &e);
            put(out, s, (size_t)(e - s));
        } else if (*t == '*')
            for (int i = 0; i < n; i++) {
                if (i > 0)
                    puts_(out, ", ");
                const char *s = a0[i], *e = a1[i];
                trimmed(&s, &e);
                rewrite(c, s, e, out);
            }
        else if (*t >= '1' && *t <= '9' && *t - '1' < n) {
            const char *s = a0[*t - '1'], *e = a1[*t - '1'];
            trimmed(&s, &e);
            rewrite(c, s, e, out);
        } else
            put(out, t, 1);
    }
}

static const spelling_t *find_spelling(const ctx_t *c, const char *w,
                                       size_t len, int nargs)
{
    for (size_t i = 0; i < N_SPELLINGS; i++) {
        const spelling_t *sp = &SPELLINGS[i];
        const char *tpl = c->engine == DIALECT_PG ? sp->pg : sp->sqlite;
        if (tpl == NULL || strlen(sp->name) != len ||
            strncasecmp(sp->name, w, len) != 0)
            continue;
        if (sp->nargs == -1 || sp->nargs == nargs ||
            (sp->nargs == -2 && nargs >= 2))
            return sp;
    }
    return NULL;
}

/* strftime(format, time) as to_char(): SQLite's %-codes to PostgreSQL's
 * patterns, other letters quoted. */
static int pg_strftime(ctx_t *c, const char *a0[], const char *a1[], int n,
                       sbuf_t *out)
{
    const char *fs = a0[0], *fe = a1[0];
    if (n != 2)
        return 0;
    trimmed(&fs, &fe);
    if (fe - fs < 2 || *fs != '\'' || fe[-1] != '\'')
        return 0;
    puts_(out, "to_char(");
    const char *ts = a0[1], *te = a1[1];
    trimmed(&ts, &te);
    if (te - ts == 5 && strncasecmp(ts, "'now'", 5) == 0)
        puts_(out, "(now() AT TIME ZONE 'UTC')");
    else {
        puts_(out, "CAST(");
        rewrite(c, ts, te, out);
        puts_(out, " AS timestamp)");
    }
    puts_(out, ", '");
    for (const char *f = fs + 1; f < fe - 1; f++) {
        static const char *const codes[][2] = {
            {"Y", "YYYY"}, {"m", "MM"}, {"d", "DD"},    {"H", "HH24"},
            {"M", "MI"},   {"S", "SS"}, {"f", "SS.MS"}, {"%", "%"}};
        if (*f == '%' && f + 1 < fe - 1) {
            f++;
            for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
                if (*f == codes[i][0][0])
                    puts_(out, codes[i][1]);
        } else if (isalpha((unsigned char)*f)) {
            puts_(out, "\"");
            put(out, f, 1);
            puts_(out, "\"");
        } else
            put(out, f, 1);
    }
    puts_(out, "')");
    return 1;
}

static int word_is(const char *w, size_t len, const char *name)
{
    return strlen(name) == len && strncasecmp(w, name, len) == 0;
}

/* The next word after p, [*ws, *we); returns whether there is one. */
static int next_word(const char *p, const char *end, const char **ws,
                     const char **we)
{
    p = skip_space(p, end);
    if (p >= end || !is_ident_start((unsigned char)*p))
        return 0;
    *ws = p;
    while (p < end && is_ident((unsigned char)*p))
        p++;
    *we = p;
    return 1;
}

static void add_param_name(ctx_t *c, int k, const char *name, size_t len)
{
    dialect_params_t *ps = c->params;
    if (ps == NULL)
        return;
    if (k > ps->n) {
        char **names = realloc(ps->names, (size_t)k * sizeof *names);
        if (names != NULL)
            ps->names = names;
        char *used = realloc(ps->used, (size_t)k);
        if (used != NULL)
            ps->used = used;
        if (names == NULL || used == NULL) {
            c->oom = 1;
            return;
        }
        for (int i = ps->n; i < k; i++) {
            names[i] = NULL;
            used[i] = 0;
        }
        ps->n = k;
    }
    ps->used[k - 1] = 1;
    if (name != NULL && ps->names[k - 1] == NULL) {
        ps->names[k - 1] = strndup(name, len);
        if (ps->names[k - 1] == NULL)
            c->oom = 1;
    }
}

/* ?N, ? and :name as $n. Returns the position after the parameter. */
static const char *pg_param(ctx_t *c, const char *p, const char *end,
                            sbuf_t *out)
{
    int k;
    if (*p == '?') {
        const char *d = p + 1;
        k = 0;
        while (d < end && isdigit((unsigned char)*d))
            k = k * 10 + (*d++ - '0');
        if (d == p + 1)
            k = c->max_param + 1;
        p = d;
        add_param_name(c, k, NULL, 0);
    } else {
        const char *s = p, *e = p + 1;
        while (e < end && is_ident((unsigned char)*e))
            e++;
        k = 0;
        for (int i = 0; c->params != NULL && i < c->params->n; i++)
            if (c->params->names[i] != NULL &&
                strlen(c->params->names[i]) == (size_t)(e - s) &&
                strncmp(c->params->names[i], s, (size_t)(e - s)) == 0)
                k = i + 1;
        if (k == 0)
            k = c->max_param + 1;
        add_param_name(c, k, s, (size_t)(e - s));
        p = e;
    }
    if (k > c->max_param)
        c->max_param = k;
    putf(out, "$%d", k);
    return p;
}

/* Whether the join after p has an ON before the next clause. */
static int join_has_on(const char *p, const char *end)
{
    int depth = 0;
    while (p < end) {
        if (*p == '\'' || *p == '"') {
            p = skip_quoted(p, end, *p);
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth < 0)
            return 0;
        else if (*p == ';' && depth == 0)
            return 0;
        if (depth == 0 && is_ident_start((unsigned char)*p) &&
            !is_ident((unsigned char)p[-1])) {
            const char *w = p;
            while (p < end && is_ident((unsigned char)*p))
                p++;
            size_t n = (size_t)(p - w);
            if (word_is(w, n, "ON"))
                return 1;
            if (word_is(w, n, "JOIN") || word_is(w, n, "WHERE") ||
                word_is(w, n, "GROUP") || word_is(w, n, "ORDER") ||
                word_is(w, n, "USING"))
                return 0;
            continue;
        }
        p++;
    }
    return 0;
}

/* One word of PostgreSQL DDL or SQL that SQLite spells otherwise; returns
 * the position after what it consumed, or NULL when the word stays. */
static const char *pg_word(ctx_t *c, const char *w, const char *we,
                           const char *end, int *ignore, sbuf_t *out)
{
    const char *ns, *ne;
    size_t len = (size_t)(we - w);
    const char *after = skip_space(we, end);
    if ((word_is(w, len, "main") || word_is(w, len, "temp")) && after < end &&
        *after == '.') {
        if (word_is(w, len, "temp"))
            puts_(out, "pg_temp.");
        return after + 1;
    }
    /* SQLite's IS [NOT] between values is SQL's IS [NOT] DISTINCT FROM. */
    if (word_is(w, len, "IS")) {
        const char *v = we;
        int neg = next_word(we, end, &ns, &ne) &&
                  word_is(ns, (size_t)(ne - ns), "NOT");
        if (neg)
            v = ne;
        const char *vs, *ve;
        int keyword = next_word(v, end, &vs, &ve) &&
                      (word_is(vs, (size_t)(ve - vs), "NULL") ||
                       word_is(vs, (size_t)(ve - vs), "TRUE") ||
                       word_is(vs, (size_t)(ve - vs), "FALSE") ||
                       word_is(vs, (size_t)(ve - vs), "DISTINCT"));
        if (!keyword) {
            puts_(out, neg ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
            return v;
        }
    }
    /* SQLite's CROSS JOIN ... ON (a join order forced) is a JOIN. */
    if (word_is(w, len, "CROSS") && next_word(we, end, &ns, &ne) &&
        word_is(ns, (size_t)(ne - ns), "JOIN") && join_has_on(ne, end)) {
        puts_(out, "JOIN");
        return ne;
    }
    if (word_is(w, len, "rowid")) {
        puts_(out, "ctid");
        return we;
    }
    if (word_is(w, len, "INSERT") && next_word(we, end, &ns, &ne) &&
        word_is(ns, (size_t)(ne - ns), "OR")) {
        const char *is, *ie;
        if (next_word(ne, end, &is, &ie) &&
            word_is(is, (size_t)(ie - is), "IGNORE")) {
            *ignore = 1;
            puts_(out, "INSERT");
            return ie;
        }
    }
    if (word_is(w, len, "COLLATE") && next_word(we, end, &ns, &ne) &&
        word_is(ns, (size_t)(ne - ns), "NOCASE"))
        return ne;
    if (word_is(w, len, "REAL")) {
        puts_(out, "double precision");
        return we;
    }
    /* SQLite's integers are 64-bit. */
    if (word_is(w, len, "INTEGER") && !c->ddl) {
        puts_(out, "bigint");
        return we;
    }
    if (!c->ddl)
        return NULL;
    if (word_is(w, len, "WITHOUT") && next_word(we, end, &ns, &ne) &&
        word_is(ns, (size_t)(ne - ns), "ROWID"))
        return ne;
    if (word_is(w, len, "INTEGER")) {
        const char *ks, *ke;
        if (next_word(we, end, &ns, &ne) &&
            word_is(ns, (size_t)(ne - ns), "PRIMARY") &&
            next_word(ne, end, &ks, &ke) &&
            word_is(ks, (size_t)(ke - ks), "KEY")) {
            puts_(out, "bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
            return ke;
        }
        puts_(out, "bigint");
        return we;
    }
    return NULL;
}

/* Words after a subquery that are not its alias. */
static int is_clause_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "WHERE",  "GROUP",   "ORDER", "LIMIT",  "JOIN",      "LEFT",   "INNER",
        "CROSS",  "ON",      "UNION", "EXCEPT", "INTERSECT", "HAVING", "WINDOW",
        "OFFSET", "NATURAL", "RIGHT", "FULL",   "USING"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (word_is(w, n, words[i]))
            return 1;
    return 0;
}

/* PostgreSQL 15 wants an alias on every subquery in FROM: SQLite's
 * FROM (SELECT ...) gets one when it has none. w..we is FROM or JOIN and
 * open its '('; returns the position after the subquery, or NULL when
 * what follows is not one. */
static const char *pg_subquery(ctx_t *c, const char *w, const char *we,
                               const char *open, const char *end, sbuf_t *out)
{
    const char *ks, *ke;
    if (!next_word(open + 1, end, &ks, &ke) ||
        !(word_is(ks, (size_t)(ke - ks), "SELECT") ||
          word_is(ks, (size_t)(ke - ks), "WITH") ||
          word_is(ks, (size_t)(ke - ks), "VALUES")))
        return NULL;
    const char *close = open + 1;
    int depth = 1;
    while (close < end && depth > 0) {
        const char *q = skip_comment(close, end);
        if (q != close) {
            close = q;
            continue;
        }
        if (*close == '\'' || *close == '"') {
            close = skip_quoted(close, end, *close);
            continue;
        }
        depth += *close == '(' ? 1 : *close == ')' ? -1 : 0;
        close++;
    }
    if (depth != 0)
        return NULL;
    put(out, w, (size_t)(we - w));
    put(out, we, (size_t)(open - we));
    puts_(out, "(");
    rewrite(c, open + 1, close - 1, out);
    puts_(out, ")");
    const char *as, *ae;
    if (!next_word(close, end, &as, &ae) ||
        is_clause_word(as, (size_t)(ae - as)))
        putf(out, " AS tob_q%d", ++c->n_alias);
    return close;
}

/* Whether w names a table of the schema (store_schema.h). */
static int is_store_table(const char *w, size_t len)
{
    for (size_t part = 0; part < TOB_SCHEMA_N_PARTS; part++)
        for (const char *p = TOB_SCHEMA_PARTS[part];
             (p = strstr(p, "CREATE TABLE ")) != NULL;) {
            p += strlen("CREATE TABLE ");
            if (strncmp(p, "IF NOT EXISTS ", 14) == 0)
                p += 14;
            if (strncmp(p, w, len) == 0 && p[len] == ' ')
                return 1;
        }
    return 0;
}

/* Whether name (len bytes) is defined by the statement as a common table
 * expression ("WITH name AS (" or ", name AS ("), so not the store's. */
static int is_cte_name(const ctx_t *c, const char *name, size_t len)
{
    const char *end = c->start + strlen(c->start);
    for (const char *p = c->start; p < end;) {
        const char *q = skip_comment(p, end);
        if (q != p || *p == '\'' || *p == '"') {
            p = q != p ? q : skip_quoted(p, end, *p);
            continue;
        }
        const char *ws, *we, *as, *ae;
        if (!is_ident_start((unsigned char)*p) ||
            (p > c->start && is_ident((unsigned char)p[-1]))) {
            p++;
            continue;
        }
        if (!next_word(p, end, &ws, &we))
            break;
        if ((size_t)(we - ws) == len && strncmp(ws, name, len) == 0 &&
            next_word(we, end, &as, &ae) &&
            word_is(as, (size_t)(ae - as), "AS") && *skip_space(ae, end) == '(')
            return 1;
        p = we;
    }
    return 0;
}

/* A client that does not set the search path (QGIS): a table position
 * (after FROM, JOIN or a comma of a FROM list) naming a store table, bare
 * (territory), quoted ("territory") or SQLite's main.territory, becomes
 * "schema".territory. p is just after the keyword or comma. Returns the
 * position after the table, or NULL when the position holds no store
 * table (a subquery, a function, another schema's table, a CTE). */
static const char *qualify_table(ctx_t *c, const char *p, const char *end,
                                 sbuf_t *out)
{
    const char *ns = skip_space(p, end), *ne;
    if (c->qualify == NULL || ns >= end)
        return NULL;
    const char *name = ns;
    if (*ns == '"') {
        ne = skip_quoted(ns, end, '"');
        name = ns + 1;
        if (ne - ns < 2 || ne[-1] != '"' ||
            memchr(name, '"', (size_t)(ne - 1 - name)))
            return NULL;
    } else if (!next_word(ns, end, &ns, &ne)) {
        return NULL;
    } else if (word_is(ns, (size_t)(ne - ns), "main") && ne < end &&
               *ne == '.') {
        /* main.territory: the store's own schema. */
        const char *ts, *te;
        if (!next_word(ne + 1, end, &ts, &te) || ts != ne + 1 ||
            !is_store_table(ts, (size_t)(te - ts)))
            return NULL;
        put(out, p, (size_t)(ns - p));
        putf(out, "\"%s\".", c->qualify);
        put(out, ts, (size_t)(te - ts));
        return te;
    }
    size_t len = (size_t)((*ns == '"' ? ne - 1 : ne) - name);
    const char *after = skip_space(ne, end);
    if (!is_store_table(name, len) || is_cte_name(c, name, len) ||
        (after < end && (*after == '(' || *after == '.')))
        return NULL;
    put(out, p, (size_t)(ns - p));
    putf(out, "\"%s\".", c->qualify);
    put(out, ns, (size_t)(ne - ns));
    return ne;
}

/* Words that end a FROM list (after them a comma is no table's). */
static int ends_from_list(const char *w, size_t n)
{
    static const char *const words[] = {
        "WHERE",  "GROUP",     "ORDER",     "HAVING", "LIMIT", "UNION",
        "EXCEPT", "INTERSECT", "WINDOW",    "ON",     "USING", "SELECT",
        "VALUES", "SET",       "RETURNING", "OFFSET"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (word_is(w, n, words[i]))
            return 1;
    return 0;
}

/* Whether the call w(...) ending at close is a whole condition: after
 * WHERE, ON, AND, OR, NOT or WHEN and before no comparison (SQLite's
 * predicates are integers, PostgreSQL's conditions booleans). */
static int is_condition(const ctx_t *c, const char *w, const char *close,
                        const char *end)
{
    const char *b = w;
    while (b > c->start && isspace((unsigned char)b[-1]))
        b--;
    const char *e = b;
    while (b > c->start && is_ident((unsigned char)b[-1]))
        b--;
    size_t n = (size_t)(e - b);
    if (!(word_is(b, n, "WHERE") || word_is(b, n, "ON") ||
          word_is(b, n, "AND") || word_is(b, n, "OR") || word_is(b, n, "NOT") ||
          word_is(b, n, "WHEN")))
        return 0;
    const char *a = skip_space(close, end);
    if (a < end && strchr("=<>!+-*/|", *a) != NULL)
        return 0;
    const char *ws, *we;
    if (next_word(close, end, &ws, &we) &&
        (word_is(ws, (size_t)(we - ws), "IN") ||
         word_is(ws, (size_t)(we - ws), "IS") ||
         word_is(ws, (size_t)(we - ws), "BETWEEN") ||
         word_is(ws, (size_t)(we - ws), "LIKE")))
        return 0;
    return 1;
}

#define MAX_FROM_DEPTH 64

static void rewrite(ctx_t *c, const char *p, const char *end, sbuf_t *out)
{
    int ignore = 0, depth = 0;
    /* in_from[d]: a FROM list is open at parenthesis depth d (its commas
     * precede tables), for a client's qualified SQL. */
    char in_from[MAX_FROM_DEPTH] = {0};
    while (p < end) {
        const char *q = skip_comment(p, end);
        if (q != p) {
            put(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (*p == '\'' || *p == '"') {
            q = skip_quoted(p, end, *p);
            put(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (c->engine == DIALECT_PG &&
            (*p == '?' ||
             (*p == ':' && p + 1 < end && is_ident_start((unsigned char)p[1]) &&
              (p == c->start || p[-1] != ':')))) {
            p = pg_param(c, p, end, out);
            continue;
        }
        if (*p == ',' && c->qualify != NULL && depth >= 0 &&
            depth < MAX_FROM_DEPTH && in_from[depth]) {
            put(out, p++, 1);
            const char *next = qualify_table(c, p, end, out);
            if (next != NULL)
                p = next;
            continue;
        }
        if (*p == '(' || *p == ')' || *p == ';') {
            if (depth >= 0 && depth < MAX_FROM_DEPTH && *p != '(')
                in_from[depth] = 0;
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
            if (*p == '(' && depth >= 0 && depth < MAX_FROM_DEPTH)
                in_from[depth] = 0;
            if (*p == ';' && depth == 0 && ignore) {
                puts_(out, " ON CONFLICT DO NOTHING");
                ignore = 0;
            }
            put(out, p++, 1);
            continue;
        }
        if (!is_ident_start((unsigned char)*p) ||
            (p > c->start &&
             (is_ident((unsigned char)p[-1]) || p[-1] == '$'))) {
            put(out, p++, 1);
            continue;
        }
        const char *w = p;
        while (p < end && is_ident((unsigned char)*p))
            p++;
        if (c->qualify != NULL && depth >= 0 && depth < MAX_FROM_DEPTH) {
            size_t n = (size_t)(p - w);
            if (word_is(w, n, "FROM") || word_is(w, n, "JOIN"))
                in_from[depth] = 1;
            else if (ends_from_list(w, n))
                in_from[depth] = 0;
        }
        const char *open = skip_space(p, end);
        if (open < end && *open == '(') {
            const char *a0[MAX_ARGS], *a1[MAX_ARGS];
            int n = 0;
            const char *close = split_args(open, end, a0, a1, &n);
            const spelling_t *sp =
                close != NULL ? find_spelling(c, w, (size_t)(p - w), n) : NULL;
            if (sp != NULL && c->engine == DIALECT_PG &&
                strncmp(sp->pg, "CAST(ST_", 8) == 0 &&
                is_condition(c, w, close, end)) {
                /* A predicate standing as a condition stays boolean. */
                put(out, w, (size_t)(p - w));
                expand(c, "(@*)", a0, a1, n, out);
                p = close;
                continue;
            }
            if (sp != NULL) {
                expand(c, c->engine == DIALECT_PG ? sp->pg : sp->sqlite, a0, a1,
                       n, out);
                p = close;
                continue;
            }
            if (close != NULL && c->engine == DIALECT_PG &&
                word_is(w, (size_t)(p - w), "strftime") &&
                pg_strftime(c, a0, a1, n, out)) {
                p = close;
                continue;
            }
        }
        if (c->engine == DIALECT_PG && open < end && *open == '(' &&
            (word_is(w, (size_t)(p - w), "FROM") ||
             word_is(w, (size_t)(p - w), "JOIN"))) {
            const char *next = pg_subquery(c, w, p, open, end, out);
            if (next != NULL) {
                p = next;
                continue;
            }
        }
        if (c->engine == DIALECT_PG) {
            const char *next = NULL;
            if (c->qualify != NULL && (word_is(w, (size_t)(p - w), "FROM") ||
                                       word_is(w, (size_t)(p - w), "JOIN"))) {
                put(out, w, (size_t)(p - w));
                next = qualify_table(c, p, end, out);
                if (next != NULL)
                    p = next;
                continue;
            }
            next = pg_word(c, w, p, end, &ignore, out);
            if (next != NULL) {
                p = next;
                continue;
            }
        }
        put(out, w, (size_t)(p - w));
    }
    if (ignore)
        puts_(out, " ON CONFLICT DO NOTHING");
}

int dialect_needs(dialect_engine_t engine, const char *sql)
{
    return engine == DIALECT_PG || strstr(sql, "TOB_") != NULL;
}

static char *run(dialect_engine_t engine, int srid, int ddl, const char *sql,
                 dialect_params_t *params, const char *qualify)
{
    ctx_t c = {engine, srid, ddl, 0, params, 0, sql, 0, qualify};
    sbuf_t out = {NULL, 0, 0, 0};
    if (params != NULL) {
        params->names = NULL;
        params->used = NULL;
        params->n = 0;
    }
    rewrite(&c, sql, sql + strlen(sql), &out);
    put(&out, "", 0);
    if (out.oom || c.oom) {
        free(out.s);
        dialect_params_free(params);
        return NULL;
    }
    return out.s;
}

char *dialect_sql(dialect_engine_t engine, int srid, const char *sql,
                  dialect_params_t *params)
{
    return run(engine, srid, 0, sql, params, NULL);
}

char *dialect_sql_for_client(dialect_engine_t engine, int srid, const char *sql,
                             const char *schema)
{
    return run(engine, srid, 0, sql, NULL, schema);
}

char *dialect_ddl(dialect_engine_t engine, const char *ddl)
{
    return run(engine, 0, 1, ddl, NULL, NULL);
}

void dialect_params_free(dialect_params_t *params)
{
    if (params == NULL)
        return;
    for (int i = 0; i < params->n; i++)
        free(params->names[i]);
    free(params->names);
    free(params->used);
    params->names = NULL;
    params->used = NULL;
    params->n = 0;
}
