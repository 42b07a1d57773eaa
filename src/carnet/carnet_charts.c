/* carnet_charts.c - charts of a carnet: the largest member communes by an
 * indicator (bars), and an indicator's evolution for the territory, its
 * département and its whole level (lines, base 100, with the values in a
 * table under the chart for those who read figures). */
#include "carnet_internal.h"

#include "terrobs/cells.h"
#include "terrobs/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- largest communes ------------------------------------------------------
 */

typedef struct commune_value {
    const char *name;
    double value;
} commune_value_t;

static int by_value(const void *a, const void *b)
{
    double x = ((const commune_value_t *)a)->value;
    double y = ((const commune_value_t *)b)->value;
    return x < y ? 1 : x > y ? -1 : 0;
}

typedef struct bars_job {
    tob_bar_chart_t chart;
} bars_job_t;

static tob_status_t draw_bars(void *user, cairo_t *cr, PangoContext *pango,
                              const tob_rect_t *r, tob_error_t *err)
{
    bars_job_t *job = user;
    return tob_chart_bars(cr, pango, r, &job->chart, err);
}

/* Values of the member communes, largest first; *n_valid of them. */
static tob_status_t commune_values(carnet_ctx_t *ctx, const carnet_var_t *var,
                                   commune_value_t *cv, size_t *n_valid,
                                   tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    *n_valid = 0;
    for (size_t i = 0; i < t->n_communes; i++) {
        tob_value_t v;
        tob_status_t st = tob_values_get(ctx->vals, var->name,
                                         t->communes[i].id, var->year, &v, err);
        if (st != TOB_OK)
            return st;
        if (isfinite(v.value))
            cv[(*n_valid)++] = (commune_value_t){t->communes[i].name, v.value};
    }
    qsort(cv, *n_valid, sizeof *cv, by_value);
    return TOB_OK;
}

static tob_status_t put_bars(carnet_ctx_t *ctx, const tpl_section_t *sec,
                             const tob_variable_t *meta,
                             const commune_value_t *cv, size_t n,
                             tob_error_t *err)
{
    const char **labels = calloc(n, sizeof *labels);
    double *values = calloc(n, sizeof *values);
    tob_status_t st = labels && values
                          ? TOB_OK
                          : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    char title[512];
    snprintf(title, sizeof title, "%s%s%s%s",
             meta->label[0] ? meta->label : meta->name,
             meta->unit[0] ? " (" : "", meta->unit, meta->unit[0] ? ")" : "");
    for (size_t i = 0; st == TOB_OK && i < n; i++) {
        labels[i] = cv[i].name;
        values[i] = cv[i].value;
    }
    bars_job_t job = {{title, labels, values, n,
                       meta->decimals >= 0 ? meta->decimals : 1, NULL,
                       TOB_CHART_NO_HIGHLIGHT}};
    if (st == TOB_OK)
        st = tob_doc_heading(
            ctx->doc, TOB_TEXT_H1,
            tpl_get_or(ctx->tpl, sec->id, "title", "Les principales communes"),
            err);
    if (st == TOB_OK)
        st = tob_doc_drawing(ctx->doc, 24 + 19.0 * (double)n, draw_bars, &job,
                             err);
    free(labels);
    free(values);
    return st;
}

tob_status_t carnet_communes_chart(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    if (t->n_communes < 2)
        return TOB_OK; /* nothing to compare */
    carnet_var_t var;
    if (carnet_section_vars(ctx->tpl, sec, &var, 1) != 1) {
        tob_error_set(err, TOB_ERR_INPUT, "missing: the variable to chart");
        tob_error_at(err, ctx->tpl->name, 0, NULL);
        return tpl_error_at(ctx->tpl, sec->id, "variable", err);
    }
    const tob_variable_t *meta = NULL;
    tob_status_t st = carnet_need_values(ctx, err);
    if (st == TOB_OK)
        st = carnet_section_meta(ctx, sec, "variable", var.name, &meta, err);
    if (st != TOB_OK || meta == NULL)
        return st;
    commune_value_t *cv = calloc(t->n_communes, sizeof *cv);
    size_t n = 0;
    st = cv != NULL ? commune_values(ctx, &var, cv, &n, err)
                    : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    const char *top = tpl_get(ctx->tpl, sec->id, "top", NULL);
    size_t keep = top != NULL ? (size_t)atoi(top) : 10;
    if (st == TOB_OK && n >= 2)
        st = put_bars(ctx, sec, meta, cv, n < keep ? n : keep, err);
    free(cv);
    return st;
}

/* ---- evolution
 * --------------------------------------------------------------- */

#define EVO_SERIES 3

typedef struct evo {
    size_t n; /* years */
    int years[CARNET_MAX_VARS];
    char names[CARNET_MAX_VARS][TOB_VARIABLE_NAME_MAX];
    int fetch[CARNET_MAX_VARS]; /* the year asked of the store: 0 = latest
                                   (a variable named with its year) */
    const tob_variable_t *meta; /* of the last year: label, unit */
    size_t n_series;
    char labels[EVO_SERIES][TOB_CARNET_NAME_MAX + 64];
    double values[EVO_SERIES][CARNET_MAX_VARS];
} evo_t;

/* Inserts (name, year) in year order; a year already there keeps the
 * first variable. */
static void evo_insert(evo_t *e, const tob_variable_t *meta, int year,
                       int fetch)
{
    for (size_t j = 0; j < e->n; j++)
        if (e->years[j] == year)
            return;
    size_t k = e->n;
    while (k > 0 && e->years[k - 1] > year) { /* insertion sort */
        e->years[k] = e->years[k - 1];
        e->fetch[k] = e->fetch[k - 1];
        memcpy(e->names[k], e->names[k - 1], sizeof e->names[k]);
        k--;
    }
    e->years[k] = year;
    e->fetch[k] = fetch;
    snprintf(e->names[k], sizeof e->names[k], "%s", meta->name);
    e->meta = meta;
    e->n++;
}

/* The section's points in year order, one per year: every year of a
 * series, or variables named with their years. */
static tob_status_t evo_years(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              evo_t *e, tob_error_t *err)
{
    carnet_var_t vars[CARNET_MAX_VARS];
    size_t n = carnet_evolution_points(ctx->st, ctx->vals, ctx->tpl, sec, vars,
                                       CARNET_MAX_VARS);
    for (size_t i = 0; i < n; i++) {
        const tob_variable_t *meta = NULL;
        tob_status_t st = carnet_section_meta(ctx, sec, "variables",
                                              vars[i].name, &meta, err);
        if (st != TOB_OK)
            return st;
        if (meta == NULL)
            continue;
        int year = vars[i].year != 0 ? vars[i].year : carnet_var_year(meta, 0);
        if (year != 0)
            evo_insert(e, meta, year, vars[i].year);
    }
    return TOB_OK;
}

static tob_status_t evo_series(carnet_ctx_t *ctx, evo_t *e, const char *label,
                               tob_id_t id, tob_error_t *err)
{
    size_t s = e->n_series;
    int any = 0;
    snprintf(e->labels[s], sizeof e->labels[s], "%s", label);
    for (size_t i = 0; i < e->n; i++) {
        tob_value_t v;
        tob_status_t st =
            tob_values_get(ctx->vals, e->names[i], id, e->fetch[i], &v, err);
        if (st != TOB_OK)
            return st;
        e->values[s][i] = v.value;
        any |= isfinite(v.value);
    }
    e->n_series += any; /* a series without any value is left out */
    return TOB_OK;
}

/* The whole level's values, over the peers that have every year. */
static void evo_level(carnet_ctx_t *ctx, evo_t *e)
{
    const tob_carnet_peers_t *p = ctx->peers;
    unsigned char *mask = malloc(p->n_ids + 1);
    if (mask == NULL)
        return;
    memset(mask, 1, p->n_ids + 1);
    size_t n = p->n_ids;
    for (size_t i = 0; i < e->n; i++) {
        const peer_var_t *pv = carnet_peer_var(p, e->names[i], e->fetch[i]);
        n = pv != NULL ? carnet_peers_known(p, pv, mask) : 0;
        if (pv == NULL)
            memset(mask, 0, p->n_ids + 1);
    }
    size_t s = e->n_series;
    for (size_t i = 0; n >= 2 && i < e->n; i++)
        e->values[s][i] = carnet_peers_total(
            p, carnet_peer_var(p, e->names[i], e->fetch[i]), mask);
    if (n >= 2) {
        carnet_level_total_label(ctx, n, e->labels[s], sizeof e->labels[s]);
        e->n_series++;
    }
    free(mask);
}

typedef struct lines_job {
    tob_line_chart_t chart;
    tob_line_series_t series[EVO_SERIES];
    double indexed[EVO_SERIES][CARNET_MAX_VARS];
} lines_job_t;

static tob_status_t draw_lines(void *user, cairo_t *cr, PangoContext *pango,
                               const tob_rect_t *r, tob_error_t *err)
{
    lines_job_t *job = user;
    return tob_chart_lines(cr, pango, r, &job->chart, err);
}

void carnet_series_label(const tob_variable_t *meta, const int *years,
                         size_t n_years, char *buf, size_t size)
{
    const char *label = meta->label[0] ? meta->label : meta->name;
    size_t n = strlen(label);
    /* The label of a series named by year (population_2015, ...) is the
     * first variable's: any year of the series ends it, not only the last. */
    for (size_t i = 0; i < n_years; i++) {
        char year[16];
        snprintf(year, sizeof year, " %d", years[i]);
        size_t y = strlen(year);
        if (n > y && strcmp(label + n - y, year) == 0) {
            n -= y;
            break;
        }
    }
    snprintf(buf, size, "%.*s", (int)n, label);
}

void carnet_fmt_evolution(double v, const tob_variable_t *meta, char *buf,
                          size_t size)
{
    tob_fmt_number_fr(v, meta->decimals >= 0 ? meta->decimals : 1, buf, size);
}

void carnet_fmt_change(double first, double last, const tob_variable_t *meta,
                       char *buf, size_t size)
{
    int points = strcmp(meta->unit, "%") == 0;
    double change = points       ? last - first
                    : first != 0 ? 100 * (last - first) / first
                                 : NAN;
    char num[TOB_FMT_MAX];
    tob_fmt_number_fr(change, 1, num, sizeof num);
    snprintf(buf, size, "%s%s%s", isfinite(change) && change > 0 ? "+" : "",
             num,
             !isfinite(change) ? ""
             : points          ? "\xC2\xA0pt"
                               : "\xC2\xA0%");
}

/* "Population municipale" from "Population municipale 2021". */
static void label_without_year(const evo_t *e, char *buf, size_t size)
{
    carnet_series_label(e->meta, e->years, e->n, buf, size);
}

/* Each series over its first year's value, times 100. */
static void index_series(const evo_t *e, lines_job_t *job, int base100)
{
    for (size_t s = 0; s < e->n_series; s++) {
        double base = e->values[s][0];
        for (size_t i = 0; i < e->n; i++)
            job->indexed[s][i] = !base100 ? e->values[s][i]
                                 : isfinite(base) && base != 0
                                     ? 100 * e->values[s][i] / base
                                     : NAN;
        job->series[s] = (tob_line_series_t){e->labels[s], job->indexed[s]};
    }
}

static tob_status_t evo_chart(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              const evo_t *e, tob_error_t *err)
{
    int base100 = tpl_yes(ctx->tpl, sec->id, "base100", 1);
    char label[256], title[512];
    label_without_year(e, label, sizeof label);
    if (base100)
        snprintf(title, sizeof title, "%s (base 100 en %d)", label,
                 e->years[0]);
    else
        snprintf(title, sizeof title, "%s", label);
    lines_job_t job;
    memset(&job, 0, sizeof job);
    index_series(e, &job, base100);
    job.chart = (tob_line_chart_t){title,
                                   e->years,
                                   e->n,
                                   job.series,
                                   e->n_series,
                                   1,
                                   base100 ? NULL : e->meta->unit};
    return tob_doc_drawing(ctx->doc, 210, draw_lines, &job, err);
}

#define EVO_CELL 64

/* The values under the chart: a row per series, a column per year, and
 * the change from the first year to the last. */
static tob_status_t evo_table(carnet_ctx_t *ctx, const evo_t *e,
                              tob_error_t *err)
{
    size_t nc = e->n + 2;
    tob_table_column_t cols[CARNET_MAX_VARS + 2];
    char heads[CARNET_MAX_VARS][16],
        cells[EVO_SERIES][CARNET_MAX_VARS + 2][EVO_CELL];
    const char *grid[EVO_SERIES * (CARNET_MAX_VARS + 2)];
    cols[0] = (tob_table_column_t){"Territoire", 0, TOB_ALIGN_LEFT};
    for (size_t i = 0; i < e->n; i++) {
        snprintf(heads[i], sizeof heads[i], "%d", e->years[i]);
        cols[i + 1] = (tob_table_column_t){heads[i], 0, TOB_ALIGN_RIGHT};
    }
    cols[nc - 1] = (tob_table_column_t){"Évolution", 0, TOB_ALIGN_RIGHT};
    for (size_t s = 0; s < e->n_series; s++) {
        grid[s * nc] = e->labels[s];
        for (size_t i = 0; i < e->n; i++) {
            carnet_fmt_evolution(e->values[s][i], e->meta, cells[s][i],
                                 EVO_CELL);
            grid[s * nc + i + 1] = cells[s][i];
        }
        carnet_fmt_change(e->values[s][0], e->values[s][e->n - 1], e->meta,
                          cells[s][e->n], EVO_CELL);
        grid[s * nc + nc - 1] = cells[s][e->n];
    }
    char label[256], caption[512];
    label_without_year(e, label, sizeof label);
    snprintf(caption, sizeof caption, "%s%s%s%s", label,
             e->meta->unit[0] ? " (" : "", e->meta->unit,
             e->meta->unit[0] ? ")" : "");
    tob_table_t t = {caption, cols, nc, grid, e->n_series, 0};
    return tob_doc_table(ctx->doc, &t, err);
}

tob_status_t carnet_evolution(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              tob_error_t *err)
{
    evo_t e;
    memset(&e, 0, sizeof e);
    tob_status_t st = carnet_need_values(ctx, err);
    if (st == TOB_OK)
        st = evo_years(ctx, sec, &e, err);
    if (st != TOB_OK || e.n < 2)
        return st; /* one year is no evolution: left out */
    const carnet_territory_t *t = ctx->terr;
    st = evo_series(ctx, &e, t->self.name, t->self.id, err);
    if (st == TOB_OK && t->departement != NULL)
        st = evo_series(ctx, &e, t->departement->name, t->departement->id, err);
    if (st != TOB_OK || !isfinite(e.values[0][0]) ||
        !isfinite(e.values[0][e.n - 1]))
        return st; /* no value for the territory: left out */
    evo_level(ctx, &e);
    st = tob_doc_heading(ctx->doc, TOB_TEXT_H1,
                         tpl_get_or(ctx->tpl, sec->id, "title", "Évolution"),
                         err);
    if (st == TOB_OK)
        st = evo_chart(ctx, sec, &e, err);
    if (st == TOB_OK)
        st = evo_table(ctx, &e, err);
    return st;
}
