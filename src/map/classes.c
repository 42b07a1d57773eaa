/* classes.c - a choropleth's classes: breaks, colours, French labels. */
#include "classes.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Decimals of the class bounds: the style's, the variable's, else the
 * fewest (0..4) that keep every bound distinct, at least 1 below 10. */
int map_classes_decimals(const map_classes_spec_t *spec, const double *b,
                         size_t n)
{
    if (spec->decimals >= 0)
        return spec->decimals;
    if (spec->var_decimals >= 0)
        return spec->var_decimals;
    double top = fmax(fabs(b[0]), fabs(b[n - 1]));
    int d = top >= 100 ? 0 : top >= 10 ? 1 : 2;
    for (; d < 4; d++) {
        int distinct = 1;
        double scale = pow(10, d);
        for (size_t i = 1; i < n && distinct; i++)
            distinct = round(b[i] * scale) != round(b[i - 1] * scale);
        if (distinct)
            break;
    }
    return d;
}

static tob_status_t class_colors(const map_classes_spec_t *spec, size_t k,
                                 tob_rgb_t *out, tob_error_t *err)
{
    if (spec->n_colors > 0) {
        if (spec->n_colors < k)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "classes.colors gives %zu colours for %zu "
                                 "classes",
                                 spec->n_colors, k);
        for (size_t i = 0; i < k; i++)
            out[i] = spec->colors[spec->reverse ? k - 1 - i : i];
        return TOB_OK;
    }
    const char *name = spec->palette ? spec->palette : "YlOrRd";
    if (strcmp(name, "auto") == 0) /* safe for colour-blind readers */
        name = tob_palette_auto(k, 1);
    return tob_palette_get(name, k, spec->reverse, out, err);
}

tob_status_t map_classes_compute(const double *values, size_t n,
                                 const map_classes_spec_t *spec,
                                 map_classes_t *out, tob_error_t *err)
{
    memset(out, 0, sizeof *out);
    tob_classify_options_t opts = {0};
    opts.manual = spec->manual;
    opts.n_manual = spec->n_manual;
    tob_status_t s = tob_classify_ex(values, n, (size_t)spec->k, spec->method,
                                     &opts, &out->breaks, err);
    if (s != TOB_OK)
        return s;
    size_t k = tob_breaks_count(out->breaks);
    const double *b = tob_breaks_values(out->breaks);
    const size_t *counts = tob_breaks_counts(out->breaks);
    tob_rgb_t colors[TOB_CLASSIFY_MAX];
    s = class_colors(spec, k, colors, err);
    if (s != TOB_OK)
        return s;
    out->k = k;
    out->decimals = map_classes_decimals(spec, b, k + 1);
    for (size_t i = 0; i < k; i++) {
        map_class_t *c = &out->classes[i];
        char lo[128], hi[128]; /* "" when a bound needs more */
        tob_fmt_number_fr(b[i], out->decimals, lo, sizeof lo);
        tob_fmt_number_fr(b[i + 1], out->decimals, hi, sizeof hi);
        snprintf(c->label, sizeof c->label, "%s – %s", lo, hi);
        c->lower = b[i];
        c->upper = b[i + 1];
        c->color = colors[i];
        c->count = counts[i];
    }
    out->n_missing = tob_breaks_n_missing(out->breaks);
    return TOB_OK;
}

void map_classes_free(map_classes_t *c)
{
    if (c == NULL)
        return;
    tob_breaks_destroy(c->breaks);
    c->breaks = NULL;
}
