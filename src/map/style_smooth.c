/* style_smooth.c - the checks of potential and grid maps: [smoothing] and
 * [grid] belong to their kind, a denominator makes a ratio of two counts,
 * the interaction function and the cell shape are spelled as documented
 * in styles/README.md. */
#include "style_model.h"

#include <string.h>

/* The first key of section the file set, or NULL. */
static const char *first_key_of(const tob_style_t *style, const char *section)
{
    size_t n = strlen(section);
    for (size_t i = 0; i < style->n_seen; i++)
        if (strncmp(style->seen[i].key, section, n) == 0 &&
            style->seen[i].key[n] == '.')
            return style->seen[i].key + n + 1;
    return NULL;
}

static int is_set(const tob_style_t *style, const char *section,
                  const char *key)
{
    return style_line_of(style, section, key) > 0;
}

static tob_status_t check_sections(const tob_style_t *style, tob_error_t *err)
{
    const char *key = first_key_of(style, "smoothing");
    if (key != NULL && style->kind != STYLE_POTENTIAL)
        return style_fail_at(style, "smoothing", key, err,
                             "[smoothing] is for kind = potential");
    key = first_key_of(style, "grid");
    if (key != NULL && style->kind != STYLE_GRID)
        return style_fail_at(style, "grid", key, err,
                             "[grid] is for kind = grid");
    static const char *const ratio_keys[] = {"denominator", "factor"};
    for (size_t i = 0; i < 2 && !style_is_derived(style->kind); i++)
        if (is_set(style, "data", ratio_keys[i]))
            return style_fail_at(style, "data", ratio_keys[i], err,
                                 "a denominator is for kind = potential "
                                 "and grid (a ratio of two counts)");
    return TOB_OK;
}

static tob_status_t check_potential(const tob_style_t *style, tob_error_t *err)
{
    const char *fn = style->smooth_function;
    if (fn != NULL && strcmp(fn, "exponential") != 0 &&
        strcmp(fn, "gaussian") != 0 && strcmp(fn, "pareto") != 0)
        return style_fail_at(style, "smoothing", "function", err,
                             "function is exponential, gaussian (the "
                             "exponential with beta = 2) or pareto");
    if (fn != NULL && strcmp(fn, "gaussian") == 0 &&
        is_set(style, "smoothing", "beta") && style->smooth_beta != 2)
        return style_fail_at(style, "smoothing", "beta", err,
                             "a gaussian function has beta = 2: use "
                             "function = exponential for another beta");
    if (!(style->smooth_span > 0))
        return style_fail_at(style, "smoothing", "span", err,
                             "missing: the span (metres), the distance at "
                             "which the interaction falls to one half");
    return TOB_OK;
}

static tob_status_t check_grid(const tob_style_t *style, tob_error_t *err)
{
    const char *cell = style->grid_cell;
    if (cell != NULL && strcmp(cell, "square") != 0 &&
        strcmp(cell, "hexagon") != 0)
        return style_fail_at(style, "grid", "cell", err,
                             "cell is square or hexagon");
    if (!(style->grid_cell_size > 0))
        return style_fail_at(style, "grid", "cell_size", err,
                             "missing: the size of a cell (metres: the "
                             "side of a square, the width of a hexagon "
                             "from flat side to flat side)");
    return TOB_OK;
}

tob_status_t style_check_smooth(tob_style_t *style, tob_error_t *err)
{
    tob_status_t s = check_sections(style, err);
    if (s != TOB_OK || !style_is_derived(style->kind))
        return s;
    if (style->variable == NULL)
        return style_fail_at(style, "data", "variable", err,
                             "missing: a potential or grid map needs a "
                             "count variable (the numerator of a ratio)");
    if (style->expression != NULL)
        return style_fail_at(style, "data", "expression", err,
                             "a potential or grid map sums counts: give a "
                             "variable (and a denominator for a ratio)");
    if (is_set(style, "data", "factor") && style->denominator == NULL)
        return style_fail_at(style, "data", "factor", err,
                             "factor multiplies a ratio: give its "
                             "denominator");
    if (first_key_of(style, "labels") != NULL)
        return style_fail_at(style, "labels", first_key_of(style, "labels"),
                             err,
                             "bands and cells have no names: a potential or "
                             "grid map takes no [labels]");
    if (style->n_insets > 0)
        return style_fail_at(style, "data", "kind", err,
                             "a potential or grid map takes no insets "
                             "(draw the other area on its own map)");
    return style->kind == STYLE_POTENTIAL ? check_potential(style, err)
                                          : check_grid(style, err);
}
