/* carnet_communes.c - the table of member communes: name, Insee code, and
 * either their area (from the store's own boundaries) or the indicators
 * the template lists, with a last row for the whole territory computed
 * the way every value is (values.h), not a sum of the rounded cells. */
#include "carnet_internal.h"

#include "base/plural_fr.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 96

typedef struct grid {
    size_t n_rows, n_cols; /* rows: communes, then the total */
    size_t n_vars;         /* indicator columns (0: the area) */
    const tob_variable_t *meta[CARNET_MAX_VARS];
    carnet_var_t vars[CARNET_MAX_VARS];
    double *values;         /* n_rows * n_vars (or * 1 for the area) */
    size_t *order;          /* communes in display order */
    char (*text)[CELL_MAX]; /* n_rows * n_cols */
    const char **cells;     /* n_rows * n_cols, into text or names */
} grid_t;

static void grid_free(grid_t *g)
{
    free(g->values);
    free(g->order);
    free(g->text);
    free(g->cells);
}

/* The indicator columns the template lists (optional ones it lacks are
 * left out). */
static tob_status_t grid_columns(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                 grid_t *g, tob_error_t *err)
{
    return carnet_section_columns(ctx, sec, g->vars, g->meta, &g->n_vars, err);
}

static tob_status_t grid_values(carnet_ctx_t *ctx, grid_t *g, tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    size_t w = g->n_vars ? g->n_vars : 1;
    for (size_t r = 0; r < g->n_rows; r++) {
        const carnet_unit_t *u = r < t->n_communes ? &t->communes[r] : &t->self;
        for (size_t v = 0; v < g->n_vars; v++) {
            tob_value_t got;
            tob_status_t s = tob_values_get(ctx->vals, g->vars[v].name, u->id,
                                            g->vars[v].year, &got, err);
            if (s != TOB_OK)
                return s;
            g->values[r * w + v] = got.value;
        }
        if (g->n_vars == 0)
            g->values[r] = u->area_m2 / 1e6;
    }
    return TOB_OK;
}

typedef struct keyed {
    double value;
    size_t index;
} keyed_t;

/* Largest first, missing last; ties keep the name order. */
static int by_key(const void *a, const void *b)
{
    const keyed_t *x = a, *y = b;
    int fx = isfinite(x->value), fy = isfinite(y->value);
    if (fx != fy)
        return fy - fx;
    if (fx && x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Display order: by name (as loaded), or by the sort column's value. */
static tob_status_t grid_order(carnet_ctx_t *ctx, const tpl_section_t *sec,
                               grid_t *g, tob_error_t *err)
{
    size_t n = ctx->terr->n_communes, w = g->n_vars ? g->n_vars : 1;
    for (size_t i = 0; i < n; i++)
        g->order[i] = i;
    const char *sort = tpl_get(ctx->tpl, sec->id, "sort", NULL);
    if (sort == NULL || strcmp(sort, "name") == 0)
        return TOB_OK;
    size_t col = w;
    for (size_t v = 0; v < g->n_vars; v++)
        if (strcmp(g->vars[v].name, sort) == 0)
            col = v;
    if (g->n_vars == 0 && strcmp(sort, "area") == 0)
        col = 0;
    carnet_var_t listed[CARNET_MAX_VARS];
    size_t n_listed =
        carnet_section_vars(ctx->tpl, sec, listed, CARNET_MAX_VARS);
    for (size_t v = 0; col == w && v < n_listed; v++)
        if (strcmp(listed[v].name, sort) == 0)
            return TOB_OK; /* an optional column the store lacks: by name */
    if (col == w) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "'%s' is not a column of the table (name, or one of "
                      "columns)",
                      sort);
        return tpl_error_at(ctx->tpl, sec->id, "sort", err);
    }
    keyed_t *k = calloc(n + 1, sizeof *k);
    if (k == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        k[i] = (keyed_t){g->values[i * w + col], i};
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        g->order[i] = k[i].index;
    free(k);
    return TOB_OK;
}

/* Cells: name, code, then each column's value in French. */
static void grid_cells(carnet_ctx_t *ctx, grid_t *g)
{
    const carnet_territory_t *t = ctx->terr;
    size_t w = g->n_vars ? g->n_vars : 1;
    for (size_t r = 0; r < g->n_rows; r++) {
        size_t src = r < t->n_communes ? g->order[r] : r;
        const char **row = g->cells + r * g->n_cols;
        row[0] = r < t->n_communes ? t->communes[src].name : "Ensemble";
        row[1] = r < t->n_communes ? t->communes[src].code : "";
        for (size_t c = 0; c < w; c++) {
            char *cell = g->text[r * g->n_cols + 2 + c];
            int decimals = g->n_vars == 0              ? 1
                           : g->meta[c]->decimals >= 0 ? g->meta[c]->decimals
                                                       : 1;
            tob_fmt_number_fr(g->values[src * w + c], decimals, cell, CELL_MAX);
            row[2 + c] = cell;
        }
    }
}

static void column_header(const grid_t *g, size_t c, char *buf, size_t size)
{
    if (g->n_vars == 0) {
        snprintf(buf, size, "Superficie (km\xC2\xB2)");
        return;
    }
    const tob_variable_t *m = g->meta[c];
    snprintf(buf, size, "%.100s%s%.30s%s", m->label[0] ? m->label : m->name,
             m->unit[0] ? " (" : "", m->unit, m->unit[0] ? ")" : "");
}

static tob_status_t grid_table(carnet_ctx_t *ctx, grid_t *g, tob_error_t *err)
{
    tob_table_column_t cols[CARNET_MAX_VARS + 2];
    char heads[CARNET_MAX_VARS + 1][160];
    cols[0] = (tob_table_column_t){"Commune", 0, TOB_ALIGN_LEFT};
    cols[1] = (tob_table_column_t){"Code Insee", 0, TOB_ALIGN_LEFT};
    for (size_t c = 2; c < g->n_cols; c++) {
        column_header(g, c - 2, heads[c - 2], sizeof heads[c - 2]);
        cols[c] = (tob_table_column_t){heads[c - 2], 0, TOB_ALIGN_RIGHT};
    }
    char caption[128];
    fr_count((long long)ctx->terr->n_communes,
             "Aucune commune|commune|communes", caption, sizeof caption);
    tob_table_t table = {caption, cols, g->n_cols, g->cells, g->n_rows, 1};
    return tob_doc_table(ctx->doc, &table, err);
}

tob_status_t carnet_communes_table(carnet_ctx_t *ctx, const tpl_section_t *sec,
                                   tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    if (strcmp(t->self.level, "commune") == 0)
        return TOB_OK; /* a commune has no member list */
    grid_t g;
    memset(&g, 0, sizeof g);
    tob_status_t s = grid_columns(ctx, sec, &g, err);
    if (s == TOB_OK)
        s = tob_doc_heading(ctx->doc, TOB_TEXT_H1,
                            tpl_get_or(ctx->tpl, sec->id, "title",
                                       "Les communes du territoire"),
                            err);
    if (s == TOB_OK && t->n_communes == 0)
        return tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE,
                                 "Aucune commune membre n'est enregistrée "
                                 "pour ce territoire dans l'observatoire.",
                                 err);
    g.n_rows = t->n_communes + 1;
    g.n_cols = 2 + (g.n_vars ? g.n_vars : 1);
    g.values = calloc(g.n_rows * (g.n_cols - 2), sizeof *g.values);
    g.order = calloc(g.n_rows, sizeof *g.order);
    g.text = calloc(g.n_rows * g.n_cols, sizeof *g.text);
    g.cells = calloc(g.n_rows * g.n_cols, sizeof *g.cells);
    if (s == TOB_OK && !(g.values && g.order && g.text && g.cells))
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK)
        s = grid_values(ctx, &g, err);
    if (s == TOB_OK)
        s = grid_order(ctx, sec, &g, err);
    if (s == TOB_OK) {
        grid_cells(ctx, &g);
        s = grid_table(ctx, &g, err);
    }
    grid_free(&g);
    return s;
}
