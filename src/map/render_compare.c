/* render_compare.c - maps that compare: one scale (class breaks, value of
 * the largest circle) over the values of several years of a style, so
 * that each map of the series reads with the same legend. */
#include "render_internal.h"

#include <math.h>

/* Appends the values (first, or second for prop_choro's colours) of the
 * style drawn at year to g, raises g->top to the largest first value and
 * keeps the variable's label, unit and sources. */
tob_status_t render_gather(const tob_style_t *style, tob_store_t *st, int year,
                           render_gather_t *g, tob_error_t *err)
{
    render_t *r = calloc(1, sizeof *r);
    tob_map_report_t *rep = calloc(1, sizeof *rep);
    if (r == NULL || rep == NULL) {
        free(r);
        free(rep);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    tob_render_options_t opts = {.year = year};
    render_use_style(r, style, &opts);
    r->st = st;
    r->report = rep;
    r->u = 72.0 / 25.4;
    r->tol = 0.5 * 25.4 / style->dpi * r->u;
    r->store_srid = tob_store_srid(st);
    r->decimals = r->decimals2 = -1;
    tob_status_t s = render_fetch(r, err);
    int second = style->kind == STYLE_PROP_CHORO;
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (f->value > g->top)
            g->top = f->value;
        if (g->n == g->cap) {
            size_t c = g->cap ? 2 * g->cap : 1024;
            double *p = realloc(g->vals, c * sizeof *p);
            if (p == NULL) {
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            g->vals = p;
            g->cap = c;
        }
        g->vals[g->n++] = second ? f->value2 : f->value;
    }
    snprintf(g->label, sizeof g->label, "%s", r->var_label);
    snprintf(g->unit, sizeof g->unit, "%s", r->var_unit);
    snprintf(g->source, sizeof g->source, "%s", r->auto_source);
    render_release(r);
    free(r);
    free(rep);
    return s;
}

tob_status_t render_scale_of(const tob_style_t *style, const render_gather_t *g,
                             tob_render_scale_t *out, tob_error_t *err)
{
    memset(out, 0, sizeof *out);
    tob_status_t s = TOB_OK;
    int classes =
        style->kind == STYLE_CHOROPLETH || style->kind == STYLE_PROP_CHORO;
    if (classes && style->method != TOB_CLASSIFY_MANUAL) {
        tob_breaks_t *b = NULL;
        s = tob_classify(g->vals, g->n, (size_t)style->k, style->method, &b,
                         err);
        if (s == TOB_OK) {
            /* Ties in the lowest class (b0 == b1) are one break here:
             * manual breaks increase. */
            const double *v = tob_breaks_values(b);
            for (size_t i = 0; i <= tob_breaks_count(b); i++)
                if (out->n_breaks == 0 || v[i] > out->breaks[out->n_breaks - 1])
                    out->breaks[out->n_breaks++] = v[i];
            if (out->n_breaks < 2)
                out->n_breaks = 0; /* one value: each map's own */
        } else {
            tob_error_at(err, style->name,
                         style_line_of(style, "classes", "method"),
                         "classes.method");
        }
        tob_breaks_destroy(b);
    }
    if (s == TOB_OK && style_has_circles(style->kind))
        out->max_value = style->max_value > 0 ? style->max_value : g->top;
    return s;
}

tob_status_t tob_render_shared_scale(const tob_style_t *style, tob_store_t *st,
                                     const int *years, size_t n_years,
                                     tob_render_scale_t *out, tob_error_t *err)
{
    if (style == NULL || st == NULL || out == NULL ||
        (n_years > 0 && years == NULL))
        return tob_error_set(err, TOB_ERR_ARG,
                             "a style, a store and the years are needed");
    render_gather_t g = {0};
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < n_years; i++)
        s = render_gather(style, st, years[i], &g, err);
    if (s == TOB_OK)
        s = render_scale_of(style, &g, out, err);
    else
        memset(out, 0, sizeof *out);
    free(g.vals);
    return s;
}
