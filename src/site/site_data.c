/* site_data.c - what the site shows, read once: the levels written, their
 * territories and polygons (shared arcs, site_geom.c), the variables and
 * every value through values.h; written as data/ .js files that pages
 * load with <script> (no fetch: file:// works). Classes are computed here
 * by the map module, never in the browser. */
#include "site_internal.h"

#include "carnet/carnet_fmt.h"
#include "followup/followup_places.h"
#include "map/classes.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/territory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_LEVELS[] =
    "SELECT t.level FROM territory t JOIN level l ON l.name = t.level"
    " GROUP BY t.level HAVING count(t.geom) > 0"
    " ORDER BY count(*) DESC, t.level";
static const char SQL_LABEL[] = "SELECT label FROM level WHERE name = ?1";
static const char SQL_TERRITORIES[] =
    "SELECT id, code, name, area_m2, AsBinary(geom) FROM territory"
    " WHERE level = ?1 AND vintage = ?2 ORDER BY code";
static const char SQL_VARIABLES[] =
    "SELECT name FROM variable WHERE aggregate <> 'none' ORDER BY rowid";
static const char SQL_YEARS[] =
    "SELECT DISTINCT year FROM observation WHERE variable = ?1 ORDER BY year";

const site_level_t *site_level_find(const site_run_t *run, const char *name)
{
    for (size_t i = 0; i < run->n_levels; i++)
        if (strcmp(run->levels[i].name, name) == 0)
            return &run->levels[i];
    return NULL;
}

size_t site_terr_index(const site_level_t *lv, const char *code)
{
    size_t lo = 0, hi = lv->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(lv->terrs[mid].code, code);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

void site_safe_code(const char *code, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = code; *p && n + 1 < size; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                 (*p >= '0' && *p <= '9') || *p == '_' || (*p == '-' && n);
        buf[n++] = ok ? *p : '_';
    }
    if (size > 0)
        buf[n] = '\0';
}

static void page_name(const char *level, const char *code, char *buf,
                      size_t size)
{
    char safe[80];
    site_safe_code(code, safe, sizeof safe);
    snprintf(buf, size, "t/%s/%s.html", level, safe);
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Simplification for the screen: about 1 % of a typical territory's width
 * (the square root of the median area), and the zoom where it is a pixel. */
static void screen_tolerance(site_level_t *lv)
{
    double *areas = malloc((lv->n ? lv->n : 1) * sizeof *areas);
    size_t n = 0;
    for (size_t i = 0; areas != NULL && i < lv->n; i++)
        if (lv->terrs[i].area_m2 > 0)
            areas[n++] = lv->terrs[i].area_m2;
    double median = 1e7;
    if (n > 0) {
        qsort(areas, n, sizeof *areas, by_double);
        median = areas[n / 2];
    }
    free(areas);
    lv->tol = sqrt(median) / 100;
    int z = (int)lround(log2(108000.0 / lv->tol));
    lv->max_zoom = z < 8 ? 8 : z > 16 ? 16 : z;
}

static tob_status_t load_territories(site_run_t *run, site_level_t *lv,
                                     tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_TERRITORIES, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text(s, 1, lv->name);
    db_bind_int(s, 2, lv->vintage);
    status = site_topo_create(tob_store_srid(run->st), &lv->topo, err);
    size_t cap = 0;
    int rc;
    while (status == TOB_OK && (rc = db_step(s)) == DB_ROW) {
        if (lv->n == cap) {
            cap = cap ? 2 * cap : 256;
            site_terr_t *n = realloc(lv->terrs, cap * sizeof *n);
            if (n == NULL) {
                status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            lv->terrs = n;
        }
        site_terr_t *t = &lv->terrs[lv->n];
        memset(t, 0, sizeof *t);
        t->id = db_column_int64(s, 0);
        t->code = strdup(db_column_str(s, 1));
        t->name = strdup(db_column_str(s, 2));
        t->area_m2 =
            db_column_type(s, 3) == DB_NULL ? NAN : db_column_double(s, 3);
        lv->n++;
        if (t->code == NULL || t->name == NULL) {
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        page_name(lv->name, t->code, t->page, sizeof t->page);
        status = site_topo_add(lv->topo, db_column_blob(s, 4),
                               (size_t)db_column_bytes(s, 4), err);
        if (status != TOB_OK)
            tob_error_at(err, lv->name, 0, t->code);
    }
    if (status == TOB_OK && rc != DB_DONE)
        status = db_fail(run->st, "reading territories", err);
    db_finalize(s);
    if (status == TOB_OK) {
        screen_tolerance(lv);
        status = site_topo_finish(lv->topo, lv->tol, err);
    }
    return status;
}

static tob_status_t level_label(site_run_t *run, site_level_t *lv,
                                tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_LABEL, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text(s, 1, lv->name);
    snprintf(lv->label, sizeof lv->label, "%s", lv->name);
    if (db_step(s) == DB_ROW)
        snprintf(lv->label, sizeof lv->label, "%s", db_column_str(s, 0));
    db_finalize(s);
    return TOB_OK;
}

static tob_status_t list_levels(site_run_t *run, tob_error_t *err)
{
    const tob_site_options_t *o = run->opts;
    char **names = NULL;
    size_t n = 0;
    tob_status_t status = TOB_OK;
    if (o->n_levels == 0) {
        db_stmt_t *s = NULL;
        status = db_prepare(run->st, SQL_LEVELS, &s, err);
        names = calloc(TOB_SITE_MAX_LEVELS, sizeof *names);
        while (status == TOB_OK && names && n < TOB_SITE_MAX_LEVELS &&
               db_step(s) == DB_ROW)
            names[n++] = strdup(db_column_str(s, 0));
        db_finalize(s);
    }
    size_t count = o->n_levels ? o->n_levels : n;
    run->levels = calloc(count ? count : 1, sizeof *run->levels);
    if (run->levels == NULL && status == TOB_OK)
        status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; status == TOB_OK && i < count; i++) {
        const char *name = o->n_levels ? o->levels[i] : names[i];
        if (name == NULL) {
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        site_level_t *lv = &run->levels[run->n_levels++];
        snprintf(lv->name, sizeof lv->name, "%s", name);
        status = tob_territory_vintage(run->st, name, 0, &lv->vintage, err);
        if (status == TOB_OK)
            status = level_label(run, lv, err);
        if (status == TOB_OK)
            status = followup_contract_codes(run->st, name, &lv->contract_codes,
                                             err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (status == TOB_OK && run->n_levels == 0)
        status = tob_error_set(err, TOB_ERR_NOTFOUND,
                               "the store has no territory with a geometry");
    return status;
}

static tob_status_t list_variables(site_run_t *run, tob_error_t *err)
{
    const tob_site_options_t *o = run->opts;
    size_t cap = o->n_variables ? o->n_variables : TOB_SITE_MAX_VARIABLES;
    run->vars = calloc(cap, sizeof *run->vars);
    if (run->vars == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (o->n_variables > 0) {
        for (size_t i = 0; i < o->n_variables; i++) {
            run->vars[i] = tob_values_variable(run->vals, o->variables[i], err);
            if (run->vars[i] == NULL)
                return TOB_ERR_NOTFOUND;
        }
        run->n_vars = o->n_variables;
        return TOB_OK;
    }
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_VARIABLES, &s, err);
    while (status == TOB_OK && run->n_vars < cap && db_step(s) == DB_ROW) {
        const tob_variable_t *v =
            tob_values_variable(run->vals, db_column_str(s, 0), err);
        if (v == NULL)
            status = TOB_ERR_NOTFOUND;
        else
            run->vars[run->n_vars++] = v;
    }
    db_finalize(s);
    return status;
}

/* The years with observations of v (of its numerator for a ratio). */
static tob_status_t var_years(site_run_t *run, const tob_variable_t *v,
                              int *years, size_t max, size_t *n,
                              tob_error_t *err)
{
    *n = 0;
    const char *name = v->aggregate == TOB_AGG_RATIO && v->numerator[0]
                           ? v->numerator
                           : v->name;
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_YEARS, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text(s, 1, name);
    while (*n < max && db_step(s) == DB_ROW)
        years[(*n)++] = db_column_int(s, 0);
    db_finalize(s);
    return TOB_OK;
}

static tob_status_t level_series(site_run_t *run, site_level_t *lv,
                                 tob_error_t *err)
{
    lv->series = calloc(run->n_vars * 16 + 1, sizeof *lv->series);
    if (lv->series == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t status = TOB_OK;
    for (size_t v = 0; status == TOB_OK && v < run->n_vars; v++) {
        int years[16];
        size_t n_years;
        status = var_years(run, run->vars[v], years, 16, &n_years, err);
        for (size_t y = 0; status == TOB_OK && y < n_years; y++) {
            site_series_t *se = &lv->series[lv->n_series];
            se->var = v;
            se->year = years[y];
            se->values = malloc((lv->n ? lv->n : 1) * sizeof *se->values);
            if (se->values == NULL)
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            size_t known = 0;
            for (size_t i = 0; status == TOB_OK && i < lv->n; i++) {
                tob_value_t val;
                status = tob_values_get(run->vals, run->vars[v]->name,
                                        lv->terrs[i].id, years[y], &val, err);
                se->values[i] = status == TOB_OK ? val.value : NAN;
                known += isfinite(se->values[i]) != 0;
            }
            if (known > 0)
                lv->n_series++;
            else
                free(se->values);
        }
    }
    return status;
}

static const site_series_t *find_series(const site_run_t *run,
                                        const site_level_t *lv,
                                        const char *name, int year)
{
    for (size_t s = 0; s < lv->n_series; s++)
        if (lv->series[s].year == year &&
            strcmp(run->vars[lv->series[s].var]->name, name) == 0)
            return &lv->series[s];
    return NULL;
}

double site_level_total(const site_run_t *run, const site_level_t *lv,
                        const site_series_t *se, const unsigned char *mask,
                        size_t *n_known)
{
    const tob_variable_t *v = run->vars[se->var];
    const site_series_t *num = se, *den = NULL;
    *n_known = 0;
    if (v->aggregate == TOB_AGG_RATIO) {
        num = find_series(run, lv, v->numerator, se->year);
        den = find_series(run, lv, v->denominator, se->year);
        if (num == NULL || den == NULL)
            return NAN;
    } else if (v->aggregate == TOB_AGG_WEIGHTED_MEAN) {
        den = find_series(run, lv, v->weight, se->year);
        if (den == NULL)
            return NAN;
    } else if (v->aggregate != TOB_AGG_SUM) {
        return NAN;
    }
    double sum = 0, sum_den = 0;
    size_t n = 0;
    for (size_t i = 0; i < lv->n; i++) {
        double x = num->values[i], w = den ? den->values[i] : 1;
        if (!isfinite(x) || !isfinite(w) || !isfinite(se->values[i]) ||
            (mask != NULL && !mask[i]))
            continue;
        n++;
        sum += v->aggregate == TOB_AGG_WEIGHTED_MEAN ? x * w : x;
        sum_den += w;
    }
    *n_known = n;
    if (n == 0)
        return NAN;
    if (v->aggregate == TOB_AGG_SUM)
        return sum;
    if (v->aggregate == TOB_AGG_RATIO)
        return sum_den != 0 ? v->scale * sum / sum_den : NAN;
    return sum_den != 0 ? sum / sum_den : NAN;
}

/* Each value's rank, 1 for the highest, ties sharing the better rank
 * (one more than the values above it), 0 when missing: sorted once. */
typedef struct ranked {
    double v;
    size_t i;
} ranked_t;

static int by_value_down(const void *a, const void *b)
{
    double x = ((const ranked_t *)a)->v, y = ((const ranked_t *)b)->v;
    return x > y ? -1 : x < y;
}

static int series_ranks(site_series_t *se, size_t n)
{
    ranked_t *order = malloc((n ? n : 1) * sizeof *order);
    se->rank = calloc(n ? n : 1, sizeof *se->rank);
    if (order == NULL || se->rank == NULL) {
        free(order);
        return -1;
    }
    size_t known = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(se->values[i]))
            order[known++] = (ranked_t){se->values[i], i};
    qsort(order, known, sizeof *order, by_value_down);
    for (size_t k = 0; k < known; k++)
        se->rank[order[k].i] = k && order[k - 1].v == order[k].v
                                   ? se->rank[order[k - 1].i]
                                   : k + 1;
    se->n_ranked = known;
    free(order);
    return 0;
}

/* Ranks and the level's combined value of every series of lv. */
static tob_status_t level_stats(const site_run_t *run, site_level_t *lv,
                                tob_error_t *err)
{
    for (size_t s = 0; s < lv->n_series; s++) {
        site_series_t *se = &lv->series[s];
        if (series_ranks(se, lv->n) != 0)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        se->total = site_level_total(run, lv, se, NULL, &se->total_known);
    }
    return TOB_OK;
}

tob_status_t site_data_load(site_run_t *run, tob_error_t *err)
{
    tob_status_t status = list_levels(run, err);
    if (status == TOB_OK)
        status = list_variables(run, err);
    for (size_t i = 0; status == TOB_OK && i < run->n_levels; i++) {
        status = load_territories(run, &run->levels[i], err);
        if (status == TOB_OK)
            status = level_series(run, &run->levels[i], err);
        if (status == TOB_OK)
            status = level_stats(run, &run->levels[i], err);
    }
    return status;
}

void site_data_free(site_run_t *run)
{
    for (size_t i = 0; i < run->n_levels; i++) {
        site_level_t *lv = &run->levels[i];
        for (size_t t = 0; t < lv->n; t++) {
            free(lv->terrs[t].code);
            free(lv->terrs[t].name);
        }
        free(lv->terrs);
        for (size_t s = 0; s < lv->n_series; s++) {
            free(lv->series[s].values);
            free(lv->series[s].rank);
        }
        free(lv->series);
        site_topo_destroy(lv->topo);
        codeset_destroy(lv->contract_codes);
    }
    free(run->levels);
    free(run->vars);
}
