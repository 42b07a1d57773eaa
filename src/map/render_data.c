/* render_data.c - read the features of a map from the store: the level's
 * territories with their value (a variable at a year, or an SQL expression
 * over the territory's columns and the variables named in it), which inset
 * each belongs to, and the points of a points map.
 *
 * The style's filter and expression are SQL by design (the user writes
 * them); they are pasted into a statement whose every data value is bound,
 * and run under the read-only guard of render_sql.c. */
#include "render_internal.h"

#include "store/db.h"
#include "terrobs/values.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_VARIABLES 32

/* A growing string for the statement text. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *fmt, ...) TOB_PRINTF(2, 3);

static void sb_add(sbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->oom || n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = (b->len + (size_t)n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (s == NULL) {
            b->oom = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

typedef struct query_vars {
    char names[MAX_VARIABLES][64];
    int years[MAX_VARIABLES];
    size_t n;
} query_vars_t;

/* Strings and blobs of the features live in large blocks freed at once:
 * a map of 35,000 communes would otherwise make 100,000 allocations. */
struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    max_align_t data[]; /* aligned for any blob read */
};

#define ARENA_BLOCK (4u << 20)

void *render_alloc(render_t *r, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) *
        sizeof(max_align_t);
    arena_block_t *b = r->arena;
    if (b == NULL || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (b == NULL)
            return NULL;
        b->next = r->arena;
        b->used = 0;
        b->cap = cap;
        r->arena = b;
    }
    void *p = (unsigned char *)b->data + b->used;
    b->used += n;
    return p;
}

void render_arena_free(render_t *r)
{
    while (r->arena != NULL) {
        arena_block_t *next = r->arena->next;
        free(r->arena);
        r->arena = next;
    }
}

void rset_free(rset_t *set)
{
    free(set->items); /* what they point to is in the arena */
    memset(set, 0, sizeof *set);
}

rfeat_t *rset_push(rset_t *set)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        rfeat_t *more = realloc(set->items, cap * sizeof *more);
        if (more == NULL)
            return NULL;
        set->items = more;
        set->cap = cap;
    }
    rfeat_t *f = &set->items[set->n++];
    memset(f, 0, sizeof *f);
    f->value = f->value2 = NAN;
    f->ax = f->ay = NAN;
    f->entry2 = NO_CLASS;
    f->priority = NAN;
    f->entry = NO_CLASS;
    return f;
}

static char *dup_column(render_t *r, db_stmt_t *stmt, int col)
{
    const char *t = db_column_text(stmt, col);
    if (t == NULL)
        return NULL;
    size_t n = (size_t)db_column_bytes(stmt, col);
    char *copy = render_alloc(r, n + 1);
    if (copy != NULL)
        memcpy(copy, t, n + 1);
    return copy;
}

/* Copies a blob column into f->geom; 0 when it is a valid geometry. */
int render_take_geom(render_t *r, rfeat_t *f, db_stmt_t *stmt, int col)
{
    const void *b = db_column_blob(stmt, col);
    int n = db_column_bytes(stmt, col);
    if (b == NULL || n <= 0 || (f->geom = render_alloc(r, (size_t)n)) == NULL)
        return -1;
    memcpy(f->geom, b, (size_t)n);
    f->geom_len = (size_t)n;
    return geom_mbr(f->geom, f->geom_len, f->mbr);
}

/* Our own lookups run before the guard is on. */
static tob_status_t query_int(render_t *r, const char *sql, const char *a,
                              const char *b, int *out, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(r->st, sql, &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, a);
    if (b != NULL)
        db_bind_text_static(stmt, 2, b);
    int rc = db_step(stmt);
    *out = rc == DB_ROW && db_column_type(stmt, 0) != DB_NULL
               ? db_column_int(stmt, 0)
               : 0;
    if (rc != DB_ROW && rc != DB_DONE)
        s = db_fail(r->st, "reading the store", err);
    db_finalize(stmt);
    return s;
}

/* The level's vintage: the style's, else the latest loaded. */
tob_status_t render_level_vintage(render_t *r, const char *level, int wanted,
                                  int *out, tob_error_t *err)
{
    int latest = 0;
    tob_status_t s = query_int(r,
                               "SELECT max(vintage) FROM territory"
                               " WHERE level = ?1",
                               level, NULL, &latest, err);
    if (s != TOB_OK)
        return s;
    near_t near;
    if (latest == 0)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "level '%s' has no territory in the store%s",
                             level, db_near_level(r->st, &near, level));
    *out = wanted ? wanted : latest;
    if (wanted) {
        char year[16];
        snprintf(year, sizeof year, "%d", wanted);
        int n = 0;
        s = query_int(r,
                      "SELECT count(*) FROM territory WHERE level = ?1"
                      " AND vintage = CAST(?2 AS INTEGER)",
                      level, year, &n, err);
        if (s == TOB_OK && n == 0)
            return tob_error_set(err, TOB_ERR_NOTFOUND,
                                 "level '%s' has no vintage %d (latest: %d)",
                                 level, wanted, latest);
    }
    return s;
}

/* Legend title and decimals from the variable table. */
static tob_status_t variable_meta(render_t *r, const char *name, int second,
                                  tob_error_t *err)
{
    char *lab = second ? r->var2_label : r->var_label;
    char *uni = second ? r->var2_unit : r->var_unit;
    size_t lab_size = second ? sizeof r->var2_label : sizeof r->var_label;
    size_t uni_size = second ? sizeof r->var2_unit : sizeof r->var_unit;
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        r->st, "SELECT label, unit, decimals FROM variable WHERE name = ?1",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, name);
    if (db_step(stmt) == DB_ROW) {
        const char *label = db_column_text(stmt, 0);
        const char *unit = db_column_text(stmt, 1);
        snprintf(lab, lab_size, "%s", label ? label : name);
        snprintf(uni, uni_size, "%s", unit ? unit : "");
        if (db_column_type(stmt, 2) != DB_NULL)
            *(second ? &r->decimals2 : &r->decimals) = db_column_int(stmt, 2);
    }
    db_finalize(stmt);
    return TOB_OK;
}

static int is_builtin_column(const char *name)
{
    static const char *const cols[] = {"id",          "code",     "name",
                                       "parent_code", "vintage",  "level",
                                       "area_m2",     "area_km2", "geom"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (strcmp(cols[i], name) == 0)
            return 1;
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether name is a variable of the store: its names read once a map, in
 * one statement, rather than a query a word of an expression (on
 * PostGIS a round trip each). */
static tob_status_t is_variable(render_t *r, const char *name, int *known,
                                tob_error_t *err)
{
    *known = 0;
    if (!r->var_names_read) {
        db_stmt_t *stmt = NULL;
        tob_status_t s = db_prepare(
            r->st, "SELECT count(*) OVER (), name FROM variable", &stmt, err);
        if (s != TOB_OK)
            return s;
        int rc;
        size_t i = 0;
        while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
            if (r->var_names == NULL) {
                size_t n = (size_t)db_column_int64(stmt, 0);
                r->var_names = render_alloc(r, n * sizeof *r->var_names);
                r->n_var_names = r->var_names != NULL ? n : 0;
                if (r->var_names == NULL)
                    s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            }
            const char *v = db_column_text(stmt, 1);
            size_t len = v != NULL ? strlen(v) + 1 : 0;
            char *copy =
                len > 0 && i < r->n_var_names ? render_alloc(r, len) : NULL;
            if (copy != NULL) {
                memcpy(copy, v, len);
                r->var_names[i++] = copy;
            }
        }
        if (s == TOB_OK && rc != DB_DONE)
            s = db_fail(r->st, "reading the variables", err);
        db_finalize(stmt);
        if (s != TOB_OK)
            return s;
        r->n_var_names = i;
        qsort(r->var_names, i, sizeof *r->var_names, cmp_name);
        r->var_names_read = 1;
    }
    *known =
        r->n_var_names > 0 && bsearch(&name, r->var_names, r->n_var_names,
                                      sizeof *r->var_names, cmp_name) != NULL;
    return TOB_OK;
}

/* Adds name (a variable of the store) with its year to vars. */
static tob_status_t add_variable(render_t *r, query_vars_t *vars,
                                 const char *name, int must, tob_error_t *err)
{
    for (size_t i = 0; i < vars->n; i++)
        if (strcmp(vars->names[i], name) == 0)
            return TOB_OK;
    int known = 0, year = 0;
    tob_status_t s = is_variable(r, name, &known, err);
    if (s != TOB_OK || (!known && !must))
        return s;
    near_t near;
    if (!known && db_near_variable(r->st, &near, name)[0] != '\0')
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "variable '%s' is not in the store%s", name,
                             near_hint(&near));
    if (!known)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "variable '%s' is not in the store (import it "
                             "first: terrobs import)",
                             name);
    if (vars->n == MAX_VARIABLES || strlen(name) >= 64)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "more than %d variables in the expression",
                             MAX_VARIABLES);
    year = r->style->year;
    if (year == 0 && (s = query_int(r,
                                    "SELECT max(year) FROM observation"
                                    " WHERE variable = ?1",
                                    name, NULL, &year, err)) != TOB_OK)
        return s;
    snprintf(vars->names[vars->n], 64, "%s", name);
    vars->years[vars->n++] = year;
    return TOB_OK;
}

/* The identifiers of an expression that name variables of the store
 * become columns; words inside '...' are text, not names. */
static tob_status_t scan_variables(render_t *r, const char *expr,
                                   query_vars_t *vars, tob_error_t *err)
{
    const char *p = expr;
    while (*p != '\0') {
        if (*p == '\'') {
            p = strchr(p + 1, '\'');
            if (p == NULL)
                break;
            p++;
            continue;
        }
        int quoted = *p == '"';
        const char *start = p + quoted;
        size_t n = quoted ? strcspn(start, "\"")
                          : (isalpha((unsigned char)*p) || *p == '_'
                                 ? strspn(p, "abcdefghijklmnopqrstuvwxyz"
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789_")
                                 : 0);
        if (n == 0 || n >= 64) {
            p += n + (quoted ? 2 : 1);
            if (quoted && start[n] == '\0')
                break;
            continue;
        }
        char name[64];
        memcpy(name, start, n);
        name[n] = '\0';
        if (!is_builtin_column(name)) {
            tob_status_t s = add_variable(r, vars, name, 0, err);
            if (s != TOB_OK)
                return s;
        }
        p = start + n + quoted;
    }
    return TOB_OK;
}

/* "SELECT id, code, ... FROM territory WHERE level = ?1 AND vintage = ?2"
 * plus one column per variable, bound at ?3, ?4..., each joined: SQLite
 * finds a value by its primary key as a subquery would, and PostgreSQL
 * reads the (variable, year)'s values whole from its covering index
 * rather than probing once per territory. */
static void territory_source(sbuf_t *b, const query_vars_t *vars)
{
    sb_add(b, "(SELECT territory.id, territory.code, territory.name,"
              " territory.parent_code, territory.vintage, territory.level,"
              " territory.area_m2, territory.area_m2 / 1e6 AS area_km2,"
              " territory.geom");
    for (size_t i = 0; i < vars->n; i++)
        sb_add(b, ", o%zu.value AS \"%s\"", i, vars->names[i]);
    sb_add(b, " FROM territory");
    for (size_t i = 0; i < vars->n; i++)
        sb_add(b,
               " LEFT JOIN observation o%zu ON o%zu.territory = territory.id"
               " AND o%zu.variable = ?%zu AND o%zu.year = ?%zu"
               " AND NOT EXISTS (SELECT 1 FROM aggregate_run r WHERE"
               " r.source_id = o%zu.source_id AND r.stale = 1)",
               i, i, i, 3 + 2 * i, i, 4 + 2 * i, i);
    sb_add(b, " WHERE territory.level = ?1 AND territory.vintage = ?2) AS t");
}

static void bind_source(db_stmt_t *stmt, const char *level, int vintage,
                        const query_vars_t *vars)
{
    db_bind_text(stmt, 1, level);
    db_bind_int(stmt, 2, vintage);
    for (size_t i = 0; i < vars->n; i++) {
        db_bind_text(stmt, (int)(3 + 2 * i), vars->names[i]);
        db_bind_int(stmt, (int)(4 + 2 * i), vars->years[i]);
    }
}

/* A map extent given in the store's CRS can narrow the read. */
static int extent_in_store_crs(const render_t *r)
{
    return r->style->has_extent &&
           (r->style->srid == 0 || r->style->srid == r->store_srid);
}

/* Columns: code, name, value, geom, centroid, point on surface, label
 * priority, id, second value, then one 0/1 per inset. */
static void main_query(const render_t *r, const query_vars_t *vars, sbuf_t *b)
{
    const tob_style_t *style = r->style;
    int anchors = style->labels || style_has_circles(style->kind) ||
                  style->kind == STYLE_POTENTIAL;
    sb_add(b, "SELECT t.code, t.name, ");
    if (style->kind == STYLE_POINTS)
        sb_add(b, "NULL");
    else if (style->variable != NULL)
        sb_add(b, "t.\"%s\"", vars->names[0]);
    else
        sb_add(b, "(%s\n)", style->expression);
    sb_add(b, ", t.geom, %s, %s", anchors ? "ST_Centroid(t.geom)" : "NULL",
           anchors ? "ST_PointOnSurface(t.geom)" : "NULL");
    if (style->labels && style->label_priority == STYLE_PRIORITY_VARIABLE)
        sb_add(b, ", t.\"%s\"", style->label_priority_var);
    else
        sb_add(b, ", NULL");
    sb_add(b, ", t.id");
    if (style->color_variable != NULL)
        sb_add(b, ", t.\"%s\"", style->color_variable);
    else if (style->color_expression != NULL)
        sb_add(b, ", (%s\n)", style->color_expression);
    else
        sb_add(b, ", NULL");
    for (size_t i = 0; i < style->n_insets; i++)
        sb_add(b, ", (%s\n)", style->insets[i].filter);
    sb_add(b, " FROM ");
    territory_source(b, vars);
    sb_add(b, " WHERE t.geom IS NOT NULL AND (%s\n)",
           style->filter ? style->filter : "1 = 1");
    if (!extent_in_store_crs(r))
        return;
    /* Only what the map's extent shows is read, through the R*Tree (on
     * PostGIS the row's own geometry &&, not a second pass over the
     * territories for their ids); the insets' territories lie elsewhere
     * and are read too. */
    sb_add(b, " AND (TOB_BOX_MEETS_BOX(territory, t, :xmin, :ymin, :xmax,"
              " :ymax)");
    for (size_t i = 0; i < style->n_insets; i++)
        sb_add(b, " OR (%s\n)", style->insets[i].filter);
    sb_add(b, ")");
}

static void bind_extent(const render_t *r, db_stmt_t *stmt)
{
    static const char *const names[] = {":xmin", ":ymin", ":xmax", ":ymax"};
    for (int i = 0; i < 4 && extent_in_store_crs(r); i++)
        db_bind_double(stmt, db_bind_parameter_index(stmt, names[i]),
                       r->style->extent[i]);
}

/* Even-odd point-in-polygon over every ring. */
typedef struct pip {
    double x, y;
    int inside;
} pip_t;

static int pip_run(void *user, const geom_run_t *run)
{
    pip_t *p = user;
    if (run->kind != GEOM_RING_OUTER && run->kind != GEOM_RING_INNER)
        return 0;
    for (uint32_t i = 0, j = run->n - 1; run->n > 0 && i < run->n; j = i++) {
        const unsigned char *a = run->pts + i * run->stride;
        const unsigned char *c = run->pts + j * run->stride;
        double ax = geom_read_double(a, run->swap);
        double ay = geom_read_double(a + 8, run->swap);
        double cx = geom_read_double(c, run->swap);
        double cy = geom_read_double(c + 8, run->swap);
        if ((ay > p->y) != (cy > p->y) &&
            p->x < (cx - ax) * (p->y - ay) / (cy - ay) + ax)
            p->inside = !p->inside;
    }
    return 0;
}

int render_feature_contains(const rfeat_t *f, double x, double y)
{
    if (x < f->mbr[0] || x > f->mbr[2] || y < f->mbr[1] || y > f->mbr[3])
        return 0;
    pip_t p = {x, y, 0};
    return geom_walk(f->geom, f->geom_len, pip_run, &p) == 0 && p.inside;
}

/* The centroid when it lies inside, else the point on surface: circles
 * and labels sit where a reader expects, and never outside the shape. */
static void take_anchor(rfeat_t *f, db_stmt_t *stmt)
{
    double x, y;
    for (int col = 4; col <= 5; col++) {
        const void *b = db_column_blob(stmt, col);
        int n = db_column_bytes(stmt, col);
        if (b == NULL || geom_first_point(b, (size_t)n, &x, &y) != 0)
            continue;
        pip_t p = {x, y, 0};
        if (col == 5 ||
            (geom_walk(f->geom, f->geom_len, pip_run, &p) == 0 && p.inside)) {
            f->ax = x;
            f->ay = y;
            return;
        }
    }
}

static tob_status_t bad_value(rfeat_t *f, db_stmt_t *stmt, tob_error_t *err)
{
    return tob_error_set(err, TOB_ERR_INPUT,
                         "the expression gives '%s' for %s %s: a "
                         "choropleth or proportional map needs numbers",
                         db_column_text(stmt, 2), f->code, f->name);
}

/* Column 8: the category of a prop_typo circle, else a number. */
static tob_status_t take_second(render_t *r, rfeat_t *f, db_stmt_t *stmt,
                                tob_error_t *err)
{
    int type = db_column_type(stmt, 8);
    if (type == DB_NULL)
        return TOB_OK;
    if (r->style->kind == STYLE_PROP_TYPO) {
        if ((f->category = dup_column(r, stmt, 8)) == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        return TOB_OK;
    }
    if (type == DB_TEXT || type == DB_BLOB)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the color expression gives '%s' for %s %s: "
                             "this kind of map needs numbers (kind = "
                             "prop_typo takes categories)",
                             db_column_text(stmt, 8), f->code, f->name);
    f->value2 = db_column_double(stmt, 8);
    return TOB_OK;
}

static tob_status_t take_row(render_t *r, db_stmt_t *stmt, tob_error_t *err)
{
    rfeat_t *f = rset_push(&r->feats);
    if (f == NULL || (f->code = dup_column(r, stmt, 0)) == NULL ||
        (f->name = dup_column(r, stmt, 1)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int type = db_column_type(stmt, 2);
    if (r->style->kind == STYLE_TYPOLOGY) {
        if (type != DB_NULL && (f->category = dup_column(r, stmt, 2)) == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else if (type == DB_TEXT || type == DB_BLOB) {
        return bad_value(f, stmt, err);
    } else if (type != DB_NULL) {
        f->value = db_column_double(stmt, 2);
    }
    if (render_take_geom(r, f, stmt, 3) != 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "territory %s has a geometry terrobs cannot "
                             "read",
                             f->code);
    take_anchor(f, stmt);
    f->priority =
        db_column_type(stmt, 6) == DB_NULL ? NAN : db_column_double(stmt, 6);
    f->id = db_column_int64(stmt, 7);
    tob_status_t s = take_second(r, f, stmt, err);
    if (s != TOB_OK)
        return s;
    for (size_t i = 0; i < r->style->n_insets && f->view == 0; i++)
        if (db_column_int(stmt, 9 + (int)i))
            f->view = 1 + (int)i;
    return TOB_OK;
}

static tob_status_t run_main(render_t *r, const char *sql, int vintage,
                             const query_vars_t *vars, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    render_guard(r, 1);
    tob_status_t s = render_prepare_user(r, sql, &stmt, err);
    if (s == TOB_OK) {
        bind_source(stmt, r->style->level, vintage, vars);
        bind_extent(r, stmt);
        int rc = DB_ROW;
        while (s == TOB_OK &&
               (s = render_step_user(r, stmt, &rc, err)) == TOB_OK &&
               rc == DB_ROW)
            s = take_row(r, stmt, err);
    }
    db_finalize(stmt);
    render_guard(r, 0);
    return s;
}

/* A variable's value where no observation holds it comes from the values
 * module, as in carnets and exports: a ratio of its parts, or the sum
 * (mean...) of the territory's members. */
static tob_status_t derived_values(render_t *r, const char *name, int second,
                                   tob_error_t *err)
{
    tob_values_t *values = NULL;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        rfeat_t *f = &r->feats.items[i];
        double *slot = second ? &f->value2 : &f->value;
        if (!isnan(*slot) || (second && r->style->kind == STYLE_PROP_TYPO))
            continue;
        if (values == NULL) {
            if ((s = tob_values_open(r->st, &values, err)) != TOB_OK)
                break;
            tob_values_remember(values, 1); /* drawing only reads */
        }
        tob_value_t v;
        s = tob_values_get(values, name, f->id, r->style->year, &v, err);
        *slot = v.value;
    }
    tob_values_close(values);
    return s;
}

/* The footer's source when the style gives none: the variables' sources
 * and the producer of the level's boundaries (values_sources.c). */
static tob_status_t auto_source(render_t *r, const query_vars_t *vars,
                                tob_error_t *err)
{
    if (r->style->source != NULL)
        return TOB_OK;
    const char *names[MAX_VARIABLES];
    for (size_t i = 0; i < vars->n; i++)
        names[i] = vars->names[i];
    const char *levels[] = {r->style->level};
    tob_values_t *values = NULL;
    tob_status_t s = tob_values_open(r->st, &values, err);
    if (s == TOB_OK)
        s = tob_values_sources(values, names, vars->n, levels, 1, 0,
                               r->auto_source, sizeof r->auto_source, err);
    tob_values_close(values);
    return s;
}

static tob_status_t fetch_territories(render_t *r, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    query_vars_t vars = {.n = 0};
    int vintage = 0;
    tob_status_t s =
        render_level_vintage(r, style->level, style->vintage, &vintage, err);
    if (s == TOB_OK && style->variable != NULL) {
        s = add_variable(r, &vars, style->variable, 1, err);
        if (s == TOB_OK)
            s = variable_meta(r, style->variable, 0, err);
    }
    if (s == TOB_OK && style->color_variable != NULL) {
        s = add_variable(r, &vars, style->color_variable, 1, err);
        if (s == TOB_OK)
            s = variable_meta(r, style->color_variable, 1, err);
    }
    if (s == TOB_OK && style->color_expression != NULL)
        s = scan_variables(r, style->color_expression, &vars, err);
    if (s == TOB_OK && style->labels &&
        style->label_priority == STYLE_PRIORITY_VARIABLE)
        s = add_variable(r, &vars, style->label_priority_var, 1, err);
    if (s == TOB_OK && style->expression != NULL)
        s = scan_variables(r, style->expression, &vars, err);
    if (s == TOB_OK && style->filter != NULL)
        s = scan_variables(r, style->filter, &vars, err);
    if (s == TOB_OK)
        s = auto_source(r, &vars, err);
    if (s != TOB_OK)
        return s;
    sbuf_t sql = {NULL, 0, 0, 0};
    main_query(r, &vars, &sql);
    if (sql.oom)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    else
        s = run_main(r, sql.s, vintage, &vars, err);
    free(sql.s);
    if (s == TOB_OK && style->variable != NULL)
        s = derived_values(r, style->variable, 0, err);
    if (s == TOB_OK && style->color_variable != NULL)
        s = derived_values(r, style->color_variable, 1, err);
    if (s == TOB_OK && style->kind == STYLE_DISCONTINUITY && r->feats.n > 0)
        s = render_fetch_borders(r, vintage, err);
    if (s == TOB_OK && r->feats.n == 0 && style->kind != STYLE_POINTS)
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "no territory of level '%s' (vintage %d) matches "
                          "the filter",
                          style->level, vintage);
    return s;
}

/* The columns of a points query, found by name. */
typedef struct point_cols {
    int geom, category, label, value;
} point_cols_t;

static tob_status_t find_point_cols(db_stmt_t *stmt, point_cols_t *c,
                                    tob_error_t *err)
{
    *c = (point_cols_t){-1, -1, -1, -1};
    for (int i = 0; i < db_column_count(stmt); i++) {
        const char *name = db_column_name(stmt, i);
        if (strcmp(name, "geom") == 0)
            c->geom = i;
        else if (strcmp(name, "category") == 0)
            c->category = i;
        else if (strcmp(name, "label") == 0)
            c->label = i;
    }
    if (c->geom < 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the points query returns no 'geom' column "
                             "(expected geom, category and optionally "
                             "label)");
    return TOB_OK;
}

static tob_status_t take_point(render_t *r, db_stmt_t *stmt,
                               const point_cols_t *c, tob_error_t *err)
{
    if (db_column_type(stmt, c->geom) == DB_NULL)
        return TOB_OK; /* a project without a location is not drawn */
    rfeat_t *f = rset_push(&r->points);
    if (f == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (c->category < 0) /* no category column: one legend entry */
        f->category = (char *)"Localisation";
    if ((c->category >= 0 && db_column_type(stmt, c->category) != DB_NULL &&
         (f->category = dup_column(r, stmt, c->category)) == NULL) ||
        (c->label >= 0 && db_column_type(stmt, c->label) != DB_NULL &&
         (f->label = dup_column(r, stmt, c->label)) == NULL))
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (render_take_geom(r, f, stmt, c->geom) != 0 ||
        geom_first_point(f->geom, f->geom_len, &f->ax, &f->ay) != 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the points query gives a 'geom' that is not "
                             "a SpatiaLite point (row %zu)",
                             r->points.n);
    return TOB_OK;
}

static tob_status_t fetch_points(render_t *r, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    point_cols_t cols = {-1, -1, -1, -1};
    render_guard(r, 1);
    tob_status_t s = render_prepare_user(r, r->style->sql, &stmt, err);
    if (s == TOB_OK)
        s = find_point_cols(stmt, &cols, err);
    int rc = DB_ROW;
    while (s == TOB_OK && (s = render_step_user(r, stmt, &rc, err)) == TOB_OK &&
           rc == DB_ROW)
        s = take_point(r, stmt, &cols, err);
    db_finalize(stmt);
    render_guard(r, 0);
    if (s == TOB_OK && r->points.n == 0)
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "the points query returns no located row");
    return s;
}

tob_status_t render_fetch(render_t *r, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (r->style->level != NULL)
        s = fetch_territories(r, err);
    if (s == TOB_OK && r->style->kind == STYLE_POINTS)
        s = fetch_points(r, err);
    if (s != TOB_OK)
        tob_error_at(err, r->style->name, 0, NULL);
    return s;
}

/* The outlines of a background layer within a store-CRS box, through the
 * R*Tree index. */
tob_status_t render_fetch_layer(render_t *r, const style_layer_t *layer,
                                const double box[4], rset_t *out,
                                tob_error_t *err)
{
    int vintage = 0;
    tob_status_t s =
        render_level_vintage(r, layer->level, layer->vintage, &vintage, err);
    if (s != TOB_OK)
        return s;
    query_vars_t vars = {.n = 0};
    sbuf_t sql = {NULL, 0, 0, 0};
    sb_add(&sql, "SELECT t.code, t.name, t.geom FROM ");
    territory_source(&sql, &vars);
    sb_add(&sql,
           " WHERE t.id IN (TOB_BOX_IDS(territory, ?3, ?5, ?4, ?6))"
           " AND (%s\n)",
           layer->filter ? layer->filter : "1 = 1");
    if (sql.oom) {
        free(sql.s);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    db_stmt_t *stmt = NULL;
    render_guard(r, 1);
    s = render_prepare_user(r, sql.s, &stmt, err);
    free(sql.s);
    if (s == TOB_OK) {
        bind_source(stmt, layer->level, vintage, &vars);
        db_bind_double(stmt, 3, box[0]);
        db_bind_double(stmt, 4, box[2]);
        db_bind_double(stmt, 5, box[1]);
        db_bind_double(stmt, 6, box[3]);
    }
    int rc = DB_ROW;
    while (s == TOB_OK && (s = render_step_user(r, stmt, &rc, err)) == TOB_OK &&
           rc == DB_ROW) {
        rfeat_t *f = rset_push(out);
        if (f == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        else if (render_take_geom(r, f, stmt, 2) != 0)
            s = tob_error_set(err, TOB_ERR_INPUT,
                              "territory %s of level %s has a geometry "
                              "terrobs cannot read",
                              db_column_text(stmt, 0), layer->level);
    }
    db_finalize(stmt);
    render_guard(r, 0);
    return s;
}
