/* qgis_style.c - one map style as QGIS layers: a SpatiaLite query layer
 * built as `terrobs map` reads the data (the level's territories with one
 * column per variable named, the style's filter and expression pasted in),
 * its values read through that very query (read-only), classified with the
 * classify module and coloured with the palette module. */
#include "map/classes.h"
#include "map/style_model.h"
#include "qgis_internal.h"
#include "store/sql_guard.h"

#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/classify.h"
#include "terrobs/values.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QGIS_MAX_VARS 32
#define NODATA_LABEL "Données non disponibles"
#define OTHERS_LABEL "Autres"

typedef struct style_query {
    char names[QGIS_MAX_VARS][64];
    int years[QGIS_MAX_VARS];
    tob_variable_t ratio[QGIS_MAX_VARS]; /* .aggregate TOB_AGG_RATIO when
                                            computed from its parts */
    size_t n_vars;
    char column[96]; /* the value column: densite_2021, or valeur */
    int decimals;    /* of the variable, -1 if unknown */
    GString *table;  /* "(SELECT ...)" */
    double *values;  /* numbers (NaN = missing) */
    char **texts;    /* typology: the values as text, NULL = missing */
    size_t n, n_missing;
} style_query_t;

static void sql_literal(GString *b, const char *text)
{
    g_string_append_c(b, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\'')
            g_string_append_c(b, '\'');
        g_string_append_c(b, *p);
    }
    g_string_append_c(b, '\'');
}

static int int_query(tob_store_t *st, const char *sql, const char *arg)
{
    db_stmt_t *stmt = NULL;
    int v = 0;
    if (db_try_prepare(st, sql, &stmt)) {
        db_bind_text_static(stmt, 1, arg);
        if (db_step(stmt) == DB_ROW)
            v = db_column_type(stmt, 0) == DB_NULL ? -1
                                                   : db_column_int(stmt, 0);
    }
    db_finalize(stmt);
    return v;
}

/* Adds a variable of the store (at the style's year, else its latest, as
 * `terrobs map` does); 0 when name is not a variable. */
static int add_var(tob_store_t *st, const tob_style_t *style, style_query_t *q,
                   const char *name)
{
    for (size_t i = 0; i < q->n_vars; i++)
        if (strcmp(q->names[i], name) == 0)
            return 1;
    tob_variable_t *var = &q->ratio[q->n_vars];
    tob_error_t ignored;
    tob_error_clear(&ignored);
    if (q->n_vars == QGIS_MAX_VARS || strlen(name) >= 64 ||
        tob_variable_get(st, name, var, &ignored) != TOB_OK)
        return 0;
    /* A ratio not stored is computed from its parts, as the values
     * module does (values.h), in the year of its numerator. */
    int is_ratio = var->aggregate == TOB_AGG_RATIO && var->numerator[0] &&
                   var->denominator[0];
    if (!is_ratio)
        var->aggregate = TOB_AGG_NONE;
    int year = style->year;
    if (year == 0)
        year = int_query(st,
                         "SELECT max(year) FROM observation"
                         " WHERE variable = ?",
                         name);
    if (year <= 0 && is_ratio)
        year = int_query(st,
                         "SELECT max(year) FROM observation"
                         " WHERE variable = ?",
                         var->numerator);
    snprintf(q->names[q->n_vars], 64, "%s", name);
    q->years[q->n_vars++] = year > 0 ? year : 0;
    return 1;
}

/* The identifiers of SQL text that name variables of the store; words
 * inside '...' are text. */
static void scan_vars(tob_store_t *st, const tob_style_t *style,
                      style_query_t *q, const char *sql)
{
    for (const char *p = sql; p != NULL && *p != '\0';) {
        if (*p == '\'') {
            p = strchr(p + 1, '\'');
            p = p != NULL ? p + 1 : NULL;
            continue;
        }
        int quoted = *p == '"';
        const char *start = p + quoted;
        size_t n = quoted ? strcspn(start, "\"")
                   : isalpha((unsigned char)*p) || *p == '_'
                       ? strspn(p, "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
                       : 0;
        if (n > 0 && n < 64) {
            char name[64];
            memcpy(name, start, n);
            name[n] = '\0';
            add_var(st, style, q, name);
        }
        p = start + n + (quoted && start[n] != '\0');
        if (n == 0 && !quoted)
            p++;
    }
}

/* The stored value of variable in year for the territory of the row. */
static void observed(GString *b, const char *variable, int year)
{
    g_string_append(b, "(SELECT o.value FROM observation o WHERE"
                       " o.territory = territory.id AND o.variable = ");
    sql_literal(b, variable);
    g_string_append_printf(b, " AND o.year = %d)", year);
}

/* The layer's query, as `terrobs map` reads the data: a derived table t
 * of the level's territories with one column per variable, then the
 * style's value and filter over it. */
static void build_table(const tob_style_t *style, int vintage, style_query_t *q)
{
    GString *b = g_string_new("(SELECT t.id AS id, t.code AS code,"
                              " t.name AS name, ");
    if (style->variable != NULL)
        g_string_append_printf(b, "t.\"%s\"", q->names[0]);
    else
        g_string_append_printf(b, "(%s)", style->expression);
    g_string_append_printf(b,
                           " AS %s, t.geom AS geom FROM (SELECT id, code,"
                           " name, parent_code, vintage, level, area_m2,"
                           " area_m2 / 1e6 AS area_km2, geom",
                           q->column);
    for (size_t i = 0; i < q->n_vars; i++) {
        int ratio = q->ratio[i].aggregate == TOB_AGG_RATIO;
        g_string_append(b, ratio ? ", coalesce(" : ", (");
        observed(b, q->names[i], q->years[i]);
        if (ratio) {
            char scale[40];
            g_string_append_printf(b, ", %s * ",
                                   g_ascii_formatd(scale, sizeof scale, "%.17g",
                                                   q->ratio[i].scale));
            observed(b, q->ratio[i].numerator, q->years[i]);
            g_string_append(b, " / nullif(");
            observed(b, q->ratio[i].denominator, q->years[i]);
            g_string_append(b, ", 0)");
        }
        g_string_append_printf(b, ") AS \"%s\"", q->names[i]);
    }
    g_string_append(b, " FROM territory WHERE level = ");
    sql_literal(b, style->level);
    g_string_append_printf(b,
                           " AND vintage = %d) AS t WHERE t.geom IS NOT NULL"
                           " AND (%s))",
                           vintage, style->filter ? style->filter : "1 = 1");
    q->table = b;
}

static tob_status_t take_value(style_query_t *q, db_stmt_t *stmt, int typology,
                               tob_error_t *err)
{
    double *values = realloc(q->values, (q->n + 1) * sizeof *values);
    char **texts = realloc(q->texts, (q->n + 1) * sizeof *texts);
    if (values != NULL)
        q->values = values;
    if (texts != NULL)
        q->texts = texts;
    if (values == NULL || texts == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int type = db_column_type(stmt, 0);
    values[q->n] = type == DB_NULL ? NAN : db_column_double(stmt, 0);
    texts[q->n] = NULL;
    if (type == DB_TEXT && !typology)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the value of a choropleth or proportional map "
                             "must be a number, not '%s'",
                             db_column_text(stmt, 0));
    if (typology && type != DB_NULL) {
        char num[64];
        const char *text = db_column_text(stmt, 0);
        /* 1.0 -> "1": the text QGIS compares categories with. */
        if (type != DB_TEXT) {
            g_ascii_formatd(num, sizeof num, "%.15g", values[q->n]);
            text = num;
        }
        if ((texts[q->n] = strdup(text)) == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    q->n_missing += type == DB_NULL;
    q->n++;
    return TOB_OK;
}

/* Runs the layer's own query, so that the classes fit what QGIS shows. */
static tob_status_t read_values(tob_store_t *st, const tob_style_t *style,
                                style_query_t *q, tob_error_t *err)
{
    GString *sql = g_string_new(NULL);
    g_string_printf(sql, "SELECT %s FROM %s", q->column, q->table->str);
    db_stmt_t *stmt = NULL;
    /* User SQL (filter, expression) may only read, as `terrobs map`'s:
     * the guard stays on while stepping, when SpatiaLite functions
     * prepare statements of their own (the store is open read-only, but
     * functions such as BlobToFile write files). */
    sql_guard_t guard = {0};
    guard.budget_s = style->timeout;
    guard.budget_key = "data.timeout";
    sql_guard_on(st, &guard);
    tob_status_t s = sql_guard_prepare(st, &guard, sql->str, &stmt, NULL, err);
    g_string_free(sql, TRUE);
    if (s != TOB_OK) {
        sql_guard_off(st);
        tob_error_at(err, style->name, 0,
                     style->expression ? "data.expression" : "data.filter");
        return s;
    }
    int typology = style->kind == STYLE_TYPOLOGY || style->kind == STYLE_POINTS;
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = take_value(q, stmt, typology, err);
    if (s == TOB_OK && rc != DB_DONE) {
        s = sql_guard_error(st, &guard, err);
        tob_error_at(err, style->name, 0, "data");
    }
    db_finalize(stmt);
    sql_guard_off(st);
    return s;
}

static tob_status_t class_colors(const tob_style_t *style, size_t k,
                                 const char *fallback, tob_rgb_t *out,
                                 tob_error_t *err)
{
    const char *name = style->palette ? style->palette : fallback;
    if (style->n_colors == 0 && strcmp(name, "auto") == 0)
        name = tob_palette_auto(k, strcmp(fallback, "Set2") != 0);
    if (style->n_colors == 0)
        return tob_palette_get(name, k, style->reverse, out, err);
    if (style->n_colors < k)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "classes.colors gives %zu colours for %zu "
                             "classes",
                             style->n_colors, k);
    for (size_t i = 0; i < k; i++)
        out[i] = style->colors[style->reverse ? k - 1 - i : i];
    return TOB_OK;
}

static tob_status_t graduated(const tob_style_t *style, const style_query_t *q,
                              qgis_renderer_t *r, tob_error_t *err)
{
    tob_classify_options_t opts = {0};
    opts.manual = style->breaks;
    opts.n_manual = style->n_breaks;
    tob_breaks_t *breaks = NULL;
    tob_status_t s = tob_classify_ex(q->values, q->n, (size_t)style->k,
                                     style->method, &opts, &breaks, err);
    if (s != TOB_OK) {
        tob_error_at(err, style->name, 0, "classes.method");
        return s;
    }
    size_t k = tob_breaks_count(breaks);
    const double *b = tob_breaks_values(breaks);
    tob_rgb_t colors[TOB_CLASSIFY_MAX];
    s = class_colors(style, k, "YlOrRd", colors, err);
    /* the bounds' decimals as `terrobs map` prints them */
    int d =
        map_classes_decimals(&(map_classes_spec_t){.decimals = style->decimals,
                                                   .var_decimals = q->decimals},
                             b, k + 1);
    for (size_t i = 0; s == TOB_OK && i < k; i++) {
        char lo[TOB_FMT_MAX], hi[TOB_FMT_MAX];
        qgis_class_t *c = &r->classes[i];
        c->lower = b[i];
        c->upper = b[i + 1];
        c->color = colors[i];
        snprintf(c->label, sizeof c->label, "%s – %s",
                 tob_fmt_number_fr(b[i], d, lo, sizeof lo),
                 tob_fmt_number_fr(b[i + 1], d, hi, sizeof hi));
    }
    r->n_classes = k;
    r->kind = QGIS_GRADUATED;
    tob_breaks_destroy(breaks);
    return s;
}

static int listed(const qgis_renderer_t *r, const char *value)
{
    for (size_t i = 0; i < r->n_classes; i++)
        if (strcmp(r->classes[i].value, value) == 0)
            return 1;
    return 0;
}

/* Categories met in the data, most frequent first (ties by value);
 * (size_t)-1 when there are more than max. */
static size_t data_categories(const style_query_t *q, qgis_class_t *cats,
                              size_t *counts, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t j = 0;
        while (q->texts[i] != NULL && j < n &&
               strcmp(cats[j].value, q->texts[i]) != 0)
            j++;
        if (q->texts[i] == NULL)
            continue;
        if (j == n && n == max)
            return (size_t)-1;
        if (j == n) {
            snprintf(cats[n].value, sizeof cats[n].value, "%s", q->texts[i]);
            counts[n++] = 0;
        }
        counts[j]++;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: few categories */
        for (size_t j = i;
             j > 0 && (counts[j] > counts[j - 1] ||
                       (counts[j] == counts[j - 1] &&
                        strcmp(cats[j].value, cats[j - 1].value) < 0));
             j--) {
            qgis_class_t c = cats[j];
            size_t t = counts[j];
            cats[j] = cats[j - 1], counts[j] = counts[j - 1];
            cats[j - 1] = c, counts[j - 1] = t;
        }
    return n;
}

static tob_status_t categorized(const tob_style_t *style,
                                const style_query_t *q, qgis_renderer_t *r,
                                tob_error_t *err)
{
    size_t n = style->n_categories, counts[QGIS_MAX_CLASSES];
    tob_rgb_t colors[QGIS_MAX_CLASSES];
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < n; i++) {
        qgis_class_t *c = &r->classes[i];
        snprintf(c->value, sizeof c->value, "%s", style->categories[i].value);
        snprintf(c->label, sizeof c->label, "%s",
                 style->categories[i].label ? style->categories[i].label
                                            : c->value);
        c->color = style->categories[i].color;
    }
    if (n == 0) {
        n = data_categories(q, r->classes, counts, QGIS_MAX_CLASSES - 1);
        if (n == (size_t)-1)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "more than %d categories: list the ones to "
                                 "show in [categories]",
                                 QGIS_MAX_CLASSES - 1);
        if (n > 0)
            s = class_colors(style, n, "Set2", colors, err);
        for (size_t i = 0; s == TOB_OK && i < n; i++) {
            r->classes[i].color = colors[i];
            g_strlcpy(r->classes[i].label, r->classes[i].value,
                      sizeof r->classes[i].label);
        }
    }
    r->n_classes = n;
    /* Values the style does not list: shown as "Autres", never hidden. */
    for (size_t i = 0; s == TOB_OK && i < q->n; i++)
        if (q->texts[i] != NULL && !listed(r, q->texts[i]) &&
            r->n_classes < QGIS_MAX_CLASSES) {
            qgis_class_t *c = &r->classes[r->n_classes++];
            memset(c, 0, sizeof *c);
            snprintf(c->label, sizeof c->label, "%s", OTHERS_LABEL);
            c->color = (tob_rgb_t){0xb0, 0xb0, 0xb0, 255};
            break;
        }
    r->kind = QGIS_CATEGORIZED;
    return s;
}

static void circles(const tob_style_t *style, const style_query_t *q,
                    qgis_renderer_t *r)
{
    double max = style->max_value;
    for (size_t i = 0; max <= 0 && i < q->n; i++)
        if (!isnan(q->values[i]) && fabs(q->values[i]) > r->max_value)
            r->max_value = fabs(q->values[i]);
    if (max > 0)
        r->max_value = max;
    r->max_radius = style->max_radius;
    r->min_radius = style->min_radius;
    r->symbol_fill = style->symbol_fill;
    r->symbol_stroke = style->symbol_stroke;
    r->stroke_width = style->symbol_stroke_width;
    r->kind = QGIS_CIRCLES;
}

/* The layer's name: the style's title, else its file name. */
static void layer_name(const tob_style_t *style, const char *path, char *buf,
                       size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (style->title != NULL && style->title[0] != '\0')
        snprintf(buf, size, "%s", style->title);
    else
        snprintf(buf, size, "%.*s",
                 (int)(dot ? dot - base : (long)strlen(base)), base);
}

static void add_layers(qgis_project_t *p, const tob_style_t *style,
                       const char *path, const style_query_t *q,
                       const qgis_renderer_t *r, int checked)
{
    char name[QGIS_LABEL_MAX], nodata_name[QGIS_LABEL_MAX + 64];
    char data_subset[128], nodata_subset[128];
    layer_name(style, path, name, sizeof name);
    snprintf(data_subset, sizeof data_subset, "\"%s\" IS NOT NULL", q->column);
    snprintf(nodata_subset, sizeof nodata_subset, "\"%s\" IS NULL", q->column);
    qgis_layer_t data = {name, q->table->str, data_subset, checked, r, 0};
    qgis_add_layer(p, &data);
    p->n_thematic++;
    if (q->n_missing == 0)
        return;
    qgis_renderer_t nodata = {.kind = QGIS_FILL,
                              .fill = style->nodata_color,
                              .stroke = style->stroke,
                              .stroke_width = style->stroke_width};
    snprintf(nodata_name, sizeof nodata_name, "%s — %s", name,
             style->nodata_label ? style->nodata_label : NODATA_LABEL);
    qgis_layer_t missing = {nodata_name, q->table->str, nodata_subset,
                            checked,     &nodata,       0};
    qgis_add_layer(p, &missing);
}

static void free_query(style_query_t *q)
{
    for (size_t i = 0; q->texts != NULL && i < q->n; i++)
        free(q->texts[i]);
    free(q->texts);
    free(q->values);
    if (q->table != NULL)
        g_string_free(q->table, TRUE);
}

/* The value column and the variables the query needs; 0 (and a note) when
 * the style's variable is not in the store. */
static int plan_query(qgis_project_t *p, const tob_style_t *style,
                      const char *path, style_query_t *q)
{
    q->decimals = -1;
    snprintf(q->column, sizeof q->column, "valeur");
    /* Circles keep their sizes (one colour); bivariate and discontinuity
     * maps have no QGIS renderer of ours yet: said, not drawn wrong. */
    if (style->kind == STYLE_BIVARIATE || style->kind == STYLE_DISCONTINUITY ||
        style_is_derived(style->kind)) {
        qgis_note(p, path, "kind %s is drawn by terrobs map only",
                  style->kind == STYLE_BIVARIATE       ? "bivariate"
                  : style->kind == STYLE_DISCONTINUITY ? "discontinuity"
                  : style->kind == STYLE_POTENTIAL     ? "potential"
                                                       : "grid");
        return 0;
    }
    if (style->panels_by != NULL) { /* one QGIS layer is one map */
        qgis_note(p, path,
                  "small multiples ([panels]) are drawn by terrobs "
                  "map only");
        return 0;
    }
    if (style->variable != NULL) {
        if (!add_var(p->st, style, q, style->variable)) {
            qgis_note(p, path, "variable '%s' is not in the store",
                      style->variable);
            return 0;
        }
        /* population in 2021: population_2021; population_2021 (named
         * with its year, as Insee does) keeps its name. */
        char suffix[16];
        int k = snprintf(suffix, sizeof suffix, "_%d", q->years[0]);
        size_t len = strlen(q->names[0]);
        if (len > (size_t)k && strcmp(q->names[0] + len - k, suffix) == 0)
            snprintf(q->column, sizeof q->column, "%s", q->names[0]);
        else
            snprintf(q->column, sizeof q->column, "%s_%d", q->names[0],
                     q->years[0]);
        q->decimals = int_query(p->st,
                                "SELECT decimals FROM variable"
                                " WHERE name = ?",
                                style->variable);
    }
    scan_vars(p->st, style, q, style->expression);
    scan_vars(p->st, style, q, style->filter);
    return 1;
}

/* What depends on the store's data (the style's SQL failing on a column
 * not imported yet, text where numbers are needed, too few values to
 * classify) leaves the style out with a note, as for a missing level:
 * one style must not sink the project. Other errors are errors. */
static tob_status_t data_outcome(qgis_project_t *p, const tob_style_t *style,
                                 const char *path, tob_status_t s,
                                 const tob_error_t *data_err, tob_error_t *err)
{
    if (s == TOB_ERR_INPUT || s == TOB_ERR_ARG) {
        qgis_note(p, path, "%s", data_err->message);
        return TOB_OK;
    }
    if (s != TOB_OK && data_err->code != TOB_OK) {
        tob_error_lib(err, data_err->code, data_err->lib_code, "%s",
                      data_err->message);
        tob_error_at(err, style->name, 0, NULL);
    }
    return s;
}

/* A points map: the rows of the style's own query (geom, category,
 * label), numbered for QGIS's key, coloured by category. */
static tob_status_t add_points(qgis_project_t *p, const tob_style_t *style,
                               const char *path, int checked, tob_error_t *err)
{
    style_query_t q;
    memset(&q, 0, sizeof q);
    snprintf(q.column, sizeof q.column, "category");
    q.table = g_string_new(NULL);
    g_string_printf(q.table,
                    "(SELECT row_number() OVER () AS id, category, label,"
                    " geom FROM (%s) WHERE geom IS NOT NULL)",
                    style->sql);
    tob_error_t data_err;
    tob_error_clear(&data_err);
    qgis_renderer_t *r = calloc(1, sizeof *r);
    tob_status_t s = r != NULL
                         ? read_values(p->st, style, &q, &data_err)
                         : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK && q.n == q.n_missing) {
        qgis_note(p, path, "the points query gives no categorized point");
    } else if (s == TOB_OK) {
        r->attr = q.column;
        r->points = 1;
        r->point_size = style->point_size;
        r->stroke = style->symbol_stroke;
        r->stroke_width = style->symbol_stroke_width;
        if ((s = categorized(style, &q, r, &data_err)) == TOB_OK) {
            char name[QGIS_LABEL_MAX];
            layer_name(style, path, name, sizeof name);
            qgis_layer_t layer = {
                name, q.table->str, "\"category\" IS NOT NULL", checked, r, 1};
            qgis_add_layer(p, &layer);
            p->n_thematic++;
        }
    }
    s = data_outcome(p, style, path, s, &data_err, err);
    free(r);
    free_query(&q);
    return s;
}

/* Classes of the kind of style; circles need none. */
static tob_status_t renderer(const tob_style_t *style, const style_query_t *q,
                             qgis_renderer_t *r, tob_error_t *err)
{
    r->attr = q->column;
    r->stroke = style->stroke;
    r->stroke_width = style->stroke_width;
    if (style->kind == STYLE_CHOROPLETH)
        return graduated(style, q, r, err);
    if (style->kind == STYLE_TYPOLOGY)
        return categorized(style, q, r, err);
    circles(style, q, r);
    return TOB_OK;
}

tob_status_t qgis_add_style(qgis_project_t *p, const tob_style_t *style,
                            const char *path, int vintage, int checked,
                            tob_error_t *err)
{
    if (style->kind == STYLE_POINTS)
        return add_points(p, style, path, checked, err);
    style_query_t q;
    memset(&q, 0, sizeof q);
    if (!plan_query(p, style, path, &q))
        return TOB_OK;
    build_table(style, vintage, &q);
    tob_error_t data_err;
    tob_error_clear(&data_err);
    qgis_renderer_t *r = calloc(1, sizeof *r);
    tob_status_t s = r != NULL
                         ? read_values(p->st, style, &q, &data_err)
                         : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK && q.n == q.n_missing)
        qgis_note(p, path, "no value of %s for level %s (vintage %d)",
                  style->variable ? q.column : "the expression", style->level,
                  vintage);
    else if (s == TOB_OK && (s = renderer(style, &q, r, &data_err)) == TOB_OK)
        add_layers(p, style, path, &q, r, checked);
    s = data_outcome(p, style, path, s, &data_err, err);
    free(r);
    free_query(&q);
    return s;
}
