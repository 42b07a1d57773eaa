/* render_classes.c - from values to legend entries: class breaks and
 * colours of a choropleth, categories of a typology or points map, circle
 * radii and reference values of proportional symbols. Each feature gets
 * the index of its entry; every entry counts its features. */
#include "render_internal.h"

#include "classes.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NODATA_LABEL "Données non disponibles"
#define OTHERS_LABEL "Autres"

static tob_legend_entry_t *add_entry(render_t *r, const char *label,
                                     tob_rgb_t color, tob_error_t *err)
{
    tob_map_report_t *rep = r->report;
    if (rep->n_entries == TOB_LEGEND_MAX) {
        tob_error_set(err, TOB_ERR_INPUT, "more than %d legend entries",
                      TOB_LEGEND_MAX);
        return NULL;
    }
    tob_legend_entry_t *e = &rep->entries[rep->n_entries++];
    memset(e, 0, sizeof *e);
    snprintf(e->label, sizeof e->label, "%s", label);
    e->lower = e->upper = NAN;
    e->color = color;
    return e;
}

static tob_status_t add_nodata(render_t *r, size_t count, tob_error_t *err)
{
    if (count == 0)
        return TOB_OK;
    const char *label =
        r->style->nodata_label ? r->style->nodata_label : NODATA_LABEL;
    tob_legend_entry_t *e = add_entry(r, label, r->style->nodata_color, err);
    if (e == NULL)
        return TOB_ERR_INPUT;
    e->count = count;
    e->is_missing = 1;
    r->report->n_missing = count;
    return TOB_OK;
}

/* The first or second value of every feature, malloc'd; NULL when out of
 * memory. */
static double *values_of(const render_t *r, int second)
{
    size_t n = r->feats.n;
    double *values = malloc((n ? n : 1) * sizeof *values);
    for (size_t i = 0; values != NULL && i < n; i++)
        values[i] = second ? r->feats.items[i].value2 : r->feats.items[i].value;
    return values;
}

/* Class breaks of the first or second value of every feature. */
static tob_status_t breaks_of(render_t *r, int second, size_t k,
                              tob_breaks_t **out, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    size_t n = r->feats.n;
    double *values = values_of(r, second);
    if (values == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_classify_options_t opts = {0};
    opts.manual = style->breaks;
    opts.n_manual = style->n_breaks;
    tob_status_t s =
        tob_classify_ex(values, n, k, style->method, &opts, out, err);
    free(values);
    if (s != TOB_OK)
        tob_error_at(err, style->name,
                     style_line_of(style, "classes", "method"),
                     "classes.method");
    return s;
}

/* One entry per class of the first value (choropleth) or the second
 * (prop_choro's circles: entry2); the missing ones are counted, not
 * given an entry. The classes are map_classes_compute()'s, which the web
 * observatory writes too. */
static tob_status_t class_entries(render_t *r, int second, size_t *n_missing,
                                  tob_error_t *err)
{
    const tob_style_t *style = r->style;
    size_t n = r->feats.n;
    double *values = values_of(r, second);
    if (values == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    map_classes_spec_t spec = {
        style->method,   style->k,
        style->breaks,   style->n_breaks,
        style->palette,  style->reverse,
        style->colors,   style->n_colors,
        style->decimals, second ? r->decimals2 : r->decimals};
    map_classes_t classes;
    tob_status_t s = map_classes_compute(values, n, &spec, &classes, err);
    free(values);
    if (s != TOB_OK && classes.breaks == NULL)
        tob_error_at(err, style->name,
                     style_line_of(style, "classes", "method"),
                     "classes.method");
    for (size_t i = 0; s == TOB_OK && i < classes.k; i++) {
        const map_class_t *c = &classes.classes[i];
        tob_legend_entry_t *e = add_entry(r, c->label, c->color, err);
        if (e == NULL) {
            s = TOB_ERR_INPUT;
            break;
        }
        e->lower = c->lower;
        e->upper = c->upper;
        e->count = c->count;
    }
    size_t first = r->report->n_entries - classes.k;
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        rfeat_t *f = &r->feats.items[i];
        size_t c =
            tob_breaks_class_of(classes.breaks, second ? f->value2 : f->value);
        *(second ? &f->entry2 : &f->entry) = c == NO_CLASS ? c : first + c;
    }
    *n_missing = classes.n_missing;
    map_classes_free(&classes);
    return s;
}

static tob_status_t choropleth(render_t *r, tob_error_t *err)
{
    size_t n_missing = 0;
    tob_status_t s = class_entries(r, 0, &n_missing, err);
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    return s;
}

/* Categories met in the data, most frequent first, for a typology with no
 * [categories] section. */
typedef struct cat_count {
    const char *value;
    size_t count;
} cat_count_t;

static int by_count(const void *a, const void *b)
{
    const cat_count_t *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->value, y->value);
}

static tob_status_t data_categories(rset_t *set, cat_count_t *cats,
                                    size_t *n_cats, tob_error_t *err)
{
    *n_cats = 0;
    for (size_t i = 0; i < set->n; i++) {
        const char *v = set->items[i].category;
        if (v == NULL)
            continue;
        size_t j = 0;
        while (j < *n_cats && strcmp(cats[j].value, v) != 0)
            j++;
        if (j == *n_cats) {
            if (*n_cats == TOB_LEGEND_MAX - 2)
                return tob_error_set(err, TOB_ERR_INPUT,
                                     "more than %d categories: list the "
                                     "ones to show in [categories]",
                                     TOB_LEGEND_MAX - 2);
            cats[(*n_cats)++] = (cat_count_t){v, 0};
        }
        cats[j].count++;
    }
    qsort(cats, *n_cats, sizeof *cats, by_count);
    return TOB_OK;
}

static tob_status_t category_entries(render_t *r, rset_t *set, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    if (style->n_categories > 0) {
        for (size_t i = 0; i < style->n_categories; i++)
            if (add_entry(r, style->categories[i].label,
                          style->categories[i].color, err) == NULL)
                return TOB_ERR_INPUT;
        return TOB_OK;
    }
    cat_count_t cats[TOB_LEGEND_MAX];
    size_t n = 0;
    tob_status_t s = data_categories(set, cats, &n, err);
    tob_rgb_t colors[TOB_LEGEND_MAX];
    if (s == TOB_OK && n > 0 && style->n_colors > 0) {
        if (style->n_colors < n)
            return tob_error_set(err, TOB_ERR_INPUT,
                                 "classes.colors gives %zu colours for %zu "
                                 "categories",
                                 style->n_colors, n);
        memcpy(colors, style->colors, n * sizeof colors[0]);
    } else if (s == TOB_OK && n > 0) {
        const char *name = style->palette ? style->palette : "Set2";
        if (strcmp(name, "auto") == 0)
            name = tob_palette_auto(n, 0);
        s = tob_palette_get(name, n, style->reverse, colors, err);
    }
    for (size_t i = 0; s == TOB_OK && i < n; i++)
        if (add_entry(r, cats[i].value, colors[i], err) == NULL)
            s = TOB_ERR_INPUT;
    return s;
}

/* Typology and points: each feature to its category's entry; values the
 * [categories] section does not list go to "Autres", shown, not hidden. */
static tob_status_t category_links(render_t *r, rset_t *set, size_t first,
                                   int second, size_t *n_missing,
                                   tob_error_t *err);

static tob_status_t categorical(render_t *r, rset_t *set, tob_error_t *err)
{
    size_t n_missing = 0;
    tob_status_t s = category_links(r, set, 0, 0, &n_missing, err);
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    for (size_t i = 0; s == TOB_OK && i < set->n; i++)
        if (set->items[i].category == NULL)
            set->items[i].entry = r->report->n_entries - 1;
    return s;
}

/* Entries of the categories from entry `first` on, and each feature's
 * link to its entry (entry, or entry2 for prop_typo circles); features
 * without a category are counted in *n_missing. */
static tob_status_t category_links(render_t *r, rset_t *set, size_t first,
                                   int second, size_t *n_missing,
                                   tob_error_t *err)
{
    tob_status_t s = category_entries(r, set, err);
    size_t n_listed = r->report->n_entries, others = NO_CLASS;
    *n_missing = 0;
    for (size_t i = 0; s == TOB_OK && i < set->n; i++) {
        rfeat_t *f = &set->items[i];
        if (f->category == NULL) {
            (*n_missing)++;
            continue;
        }
        const char *v = f->category;
        size_t j = first;
        while (j < n_listed &&
               strcmp(r->style->n_categories
                          ? r->style->categories[j - first].value
                          : r->report->entries[j].label,
                      v) != 0)
            j++;
        if (j == n_listed) {
            if (others == NO_CLASS) {
                tob_legend_entry_t *e =
                    add_entry(r, OTHERS_LABEL, r->other_color, err);
                if (e == NULL)
                    return TOB_ERR_INPUT;
                others = r->report->n_entries - 1;
            }
            j = others;
        }
        *(second ? &f->entry2 : &f->entry) = j;
        r->report->entries[j].count++;
    }
    return s;
}

/* 1, 2, 5 x 10^n at or below v. */
static double nice_below(double v)
{
    double p = pow(10, floor(log10(v)));
    double m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/* Reference circles: the largest value (two significant digits), then
 * round values near a quarter and a sixteenth of it. */
static size_t legend_values(const render_t *r, double *out)
{
    const tob_style_t *style = r->style;
    if (style->n_legend_values > 0) {
        memcpy(out, style->legend_values, style->n_legend_values * sizeof *out);
        return style->n_legend_values;
    }
    double top = r->max_value;
    double p = pow(10, floor(log10(top)) - 1);
    out[0] = floor(top / p) * p;
    out[1] = nice_below(top / 4);
    out[2] = nice_below(top / 16);
    return out[2] < out[1] && out[1] < out[0] ? 3 : 1;
}

/* Radii of the circles and the legend's reference sizes; features with
 * no size are counted in *n_missing. */
static tob_status_t size_entries(render_t *r, size_t *n_missing,
                                 tob_error_t *err)
{
    const tob_style_t *style = r->style;
    double top = 0;
    *n_missing = 0;
    for (size_t i = 0; i < r->feats.n; i++) {
        double v = r->feats.items[i].value;
        if (isnan(v))
            (*n_missing)++;
        else if (v > top)
            top = v;
    }
    r->max_value = style->max_value > 0 ? style->max_value : top;
    if (!(r->max_value > 0))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "no positive value to draw as a circle");
    for (size_t i = 0; i < r->feats.n; i++) {
        rfeat_t *f = &r->feats.items[i];
        if (f->value > 0)
            f->radius = fmax(style->min_radius,
                             style->max_radius * sqrt(f->value / r->max_value));
    }
    double refs[STYLE_MAX_LEGEND_VALUES];
    size_t n = legend_values(r, refs);
    int d = style->decimals >= 0 ? style->decimals
                                 : (r->decimals >= 0 ? r->decimals : 0);
    /* Circles coloured by a second value show their sizes uncoloured. */
    tob_rgb_t ref_color = style->kind == STYLE_PROPORTIONAL
                              ? style->symbol_fill
                              : (tob_rgb_t){0xf4, 0xf4, 0xf4, 0xff};
    for (size_t i = 0; i < n; i++) {
        char text[TOB_FMT_MAX];
        tob_fmt_number_fr(refs[i], d, text, sizeof text);
        tob_legend_entry_t *e = add_entry(r, text, ref_color, err);
        if (e == NULL)
            return TOB_ERR_INPUT;
        e->lower = e->upper = refs[i];
    }
    r->n_size_entries = r->report->n_entries;
    return TOB_OK;
}

static tob_status_t proportional(render_t *r, tob_error_t *err)
{
    size_t n_missing = 0;
    tob_status_t s = size_entries(r, &n_missing, err);
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    /* Territories without a value are filled with the no-data colour, as
     * the legend shows them. */
    for (size_t i = 0; s == TOB_OK && n_missing > 0 && i < r->feats.n; i++)
        if (isnan(r->feats.items[i].value))
            r->feats.items[i].entry = r->report->n_entries - 1;
    return s;
}

/* prop_choro, prop_typo: sizes, then the circles' colours (classes of
 * the second value, or its categories), then one "no data" entry for the
 * territories that lack either: a polygon without a size is filled with
 * it, a circle without a colour too. */
static tob_status_t coloured_circles(render_t *r, tob_error_t *err)
{
    size_t no_size = 0, no_color = 0;
    tob_status_t s = size_entries(r, &no_size, err);
    if (s == TOB_OK && r->style->kind == STYLE_PROP_CHORO)
        s = class_entries(r, 1, &no_color, err);
    else if (s == TOB_OK)
        s = category_links(r, &r->feats, r->n_size_entries, 1, &no_color, err);
    size_t n_missing = 0;
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        n_missing += isnan(f->value) || f->entry2 == NO_CLASS;
    }
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    size_t last = r->report->n_entries - 1;
    for (size_t i = 0; s == TOB_OK && n_missing > 0 && i < r->feats.n; i++) {
        rfeat_t *f = &r->feats.items[i];
        if (isnan(f->value))
            f->entry = last;
        if (f->entry2 == NO_CLASS)
            f->entry2 = last;
    }
    return s;
}

/* Joshua Stevens's 3 x 3 scheme, row by row from the low values of the
 * second variable (y, pink), columns from the low values of the first
 * (x, teal): grey where both are low, dark blue where both are high. */
static const tob_rgb_t BIVARIATE_COLORS[9] = {
    {0xe8, 0xe8, 0xe8, 255}, {0xac, 0xe4, 0xe4, 255}, {0x5a, 0xc8, 0xc8, 255},
    {0xdf, 0xb0, 0xd6, 255}, {0xa5, 0xad, 0xd3, 255}, {0x56, 0x98, 0xb9, 255},
    {0xbe, 0x64, 0xac, 255}, {0x8c, 0x62, 0xaa, 255}, {0x3b, 0x49, 0x94, 255}};

static const char *const THIRDS[3] = {"faible", "moyen", "fort"};

/* Both values in thirds; entry = 3 * class of y + class of x, then the
 * "no data" entry for the territories that lack either value. */
static tob_status_t bivariate(render_t *r, tob_error_t *err)
{
    tob_breaks_t *bx = NULL, *by = NULL;
    tob_status_t s = breaks_of(r, 0, 3, &bx, err);
    if (s == TOB_OK)
        s = breaks_of(r, 1, 3, &by, err);
    if (s == TOB_OK && (tob_breaks_count(bx) != 3 || tob_breaks_count(by) != 3))
        s = tob_error_set(err, TOB_ERR_INPUT,
                          "a bivariate map needs at least 3 distinct "
                          "values of each variable");
    for (size_t i = 0; s == TOB_OK && i < 4; i++) {
        r->bi_x[i] = tob_breaks_values(bx)[i];
        r->bi_y[i] = tob_breaks_values(by)[i];
    }
    for (size_t i = 0; s == TOB_OK && i < 9; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s / %s", THIRDS[i % 3], THIRDS[i / 3]);
        tob_rgb_t c =
            r->style->n_colors == 9 ? r->style->colors[i] : BIVARIATE_COLORS[i];
        if (add_entry(r, label, c, err) == NULL)
            s = TOB_ERR_INPUT;
    }
    size_t n_missing = 0;
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        rfeat_t *f = &r->feats.items[i];
        size_t cx = tob_breaks_class_of(bx, f->value);
        size_t cy = tob_breaks_class_of(by, f->value2);
        if (cx == NO_CLASS || cy == NO_CLASS) {
            n_missing++;
            continue;
        }
        f->entry = 3 * cy + cx;
        r->report->entries[f->entry].count++;
    }
    tob_breaks_destroy(bx);
    tob_breaks_destroy(by);
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++)
        if (r->feats.items[i].entry == NO_CLASS)
            r->feats.items[i].entry = r->report->n_entries - 1;
    return s;
}

/* Classes of the borders' differences, a line width for each from
 * min_width to max_width; territories without a value are "no data". */
static tob_status_t discontinuity(render_t *r, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    rset_t *set = &r->borders;
    size_t n_missing = 0;
    for (size_t i = 0; i < r->feats.n; i++)
        n_missing += isnan(r->feats.items[i].value);
    tob_status_t s = TOB_OK;
    if (set->n > 0) {
        double *values = malloc(set->n * sizeof *values);
        if (values == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < set->n; i++)
            values[i] = set->items[i].value;
        tob_classify_options_t opts = {0};
        opts.manual = style->breaks;
        opts.n_manual = style->n_breaks;
        tob_breaks_t *breaks = NULL;
        s = tob_classify_ex(values, set->n, (size_t)style->k, style->method,
                            &opts, &breaks, err);
        free(values);
        if (s != TOB_OK)
            return s;
        size_t k = tob_breaks_count(breaks);
        const double *b = tob_breaks_values(breaks);
        const size_t *counts = tob_breaks_counts(breaks);
        int relative = style->disc_type == NULL ||
                       strcmp(style->disc_type, "relative") == 0;
        int d = relative && style->decimals < 0
                    ? 2
                    : map_classes_decimals(
                          &(map_classes_spec_t){.decimals = style->decimals,
                                                .var_decimals = r->decimals},
                          b, k + 1);
        for (size_t i = 0; s == TOB_OK && i < k; i++) {
            char lo[TOB_FMT_MAX], hi[TOB_FMT_MAX], label[2 * TOB_FMT_MAX + 8];
            tob_fmt_number_fr(b[i], d, lo, sizeof lo);
            tob_fmt_number_fr(b[i + 1], d, hi, sizeof hi);
            snprintf(label, sizeof label, "%s – %s", lo, hi);
            tob_legend_entry_t *e = add_entry(r, label, style->disc_color, err);
            if (e == NULL) {
                s = TOB_ERR_INPUT;
                break;
            }
            e->lower = b[i], e->upper = b[i + 1], e->count = counts[i];
            r->entry_width[i] =
                k == 1 ? style->disc_max_width
                       : style->disc_min_width +
                             (style->disc_max_width - style->disc_min_width) *
                                 (double)i / (double)(k - 1);
        }
        for (size_t i = 0; s == TOB_OK && i < set->n; i++) {
            rfeat_t *f = &set->items[i];
            f->entry = tob_breaks_class_of(breaks, f->value);
            f->radius = f->entry == NO_CLASS ? 0 : r->entry_width[f->entry];
        }
        tob_breaks_destroy(breaks);
    }
    if (s == TOB_OK)
        s = add_nodata(r, n_missing, err);
    for (size_t i = 0; s == TOB_OK && n_missing > 0 && i < r->feats.n; i++)
        if (isnan(r->feats.items[i].value))
            r->feats.items[i].entry = r->report->n_entries - 1;
    return s;
}

/* The legend's colours checked for colour-blind readers: neighbouring
 * classes of values, any two categories; the first confusion is said in
 * the report (the CLI warns). Bivariate maps mix two hues by design. */
static void check_cvd(render_t *r)
{
    const tob_style_t *style = r->style;
    const tob_map_report_t *rep = r->report;
    if (style->kind == STYLE_BIVARIATE || style->kind == STYLE_PROPORTIONAL ||
        style->kind == STYLE_DISCONTINUITY)
        return;
    size_t first = style_has_circles(style->kind) ? r->n_size_entries : 0;
    tob_rgb_t colors[TOB_LEGEND_MAX];
    size_t n = 0;
    for (size_t i = first; i < rep->n_entries; i++)
        if (!rep->entries[i].is_missing)
            colors[n++] = rep->entries[i].color;
    int ordered = style->kind == STYLE_CHOROPLETH ||
                  style->kind == STYLE_PROP_CHORO ||
                  style_is_derived(style->kind);
    for (int cvd = TOB_CVD_DEUTERANOPIA; cvd <= TOB_CVD_PROTANOPIA; cvd++) {
        tob_cvd_pair_t p;
        if (!tob_cvd_confused(colors, n, ordered, (tob_cvd_t)cvd,
                              TOB_CVD_MIN_DELTA_E, &p))
            continue;
        snprintf(r->report->cvd_note, sizeof r->report->cvd_note,
                 "« %s » et « %s » se confondent en %s (écart %.1f) : "
                 "classes.palette = auto en choisit une sûre",
                 rep->entries[first + p.i].label,
                 rep->entries[first + p.j].label, tob_cvd_name((tob_cvd_t)cvd),
                 p.delta_e);
        return;
    }
}

static tob_status_t classify_kind(render_t *r, tob_error_t *err);

tob_status_t render_classify(render_t *r, tob_error_t *err)
{
    tob_status_t s = classify_kind(r, err);
    if (s == TOB_OK)
        check_cvd(r);
    return s;
}

static tob_status_t classify_kind(render_t *r, tob_error_t *err)
{
    r->other_color = (tob_rgb_t){0xbd, 0xbd, 0xbd, 255};
    r->report->n_features = r->feats.n;
    switch (r->style->kind) {
    case STYLE_CHOROPLETH:
    case STYLE_POTENTIAL:
    case STYLE_GRID:
        return choropleth(r, err);
    case STYLE_TYPOLOGY:
        return categorical(r, &r->feats, err);
    case STYLE_PROPORTIONAL:
        return proportional(r, err);
    case STYLE_POINTS:
        r->report->n_features = r->points.n;
        return categorical(r, &r->points, err);
    case STYLE_PROP_CHORO:
    case STYLE_PROP_TYPO:
        return coloured_circles(r, err);
    case STYLE_BIVARIATE:
        return bivariate(r, err);
    case STYLE_DISCONTINUITY:
        return discontinuity(r, err);
    }
    return TOB_OK;
}
