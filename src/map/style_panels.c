/* style_panels.c - the checks of [panels] (small multiples): what the
 * panels differ by (years or variables), and the kinds whose maps can
 * share one scale (classes, categories or the largest circle). */
#include "style_model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static tob_status_t fail(const tob_style_t *style, const char *section,
                         const char *key, tob_error_t *err, const char *message)
{
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", section, key);
    tob_error_set(err, TOB_ERR_INPUT, "%s", message);
    tob_error_at(err, style->name, style_line_of(style, section, key), field);
    return TOB_ERR_INPUT;
}

/* Names of a comma-separated list, blanks around them trimmed; -1 when
 * one is empty or there are more than cap. */
int style_panel_names(const char *list, char names[][128], size_t cap)
{
    size_t n = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0 || len >= 128 || n == cap)
            return -1;
        memcpy(names[n], p, len);
        names[n++][len] = '\0';
        if (end == NULL)
            return (int)n;
        p = end + 1;
    }
}

static int shares_a_scale(style_kind_t kind)
{
    return kind == STYLE_CHOROPLETH || kind == STYLE_TYPOLOGY ||
           style_has_circles(kind);
}

static tob_status_t check_years(const tob_style_t *style, tob_error_t *err)
{
    if (style->n_panel_years < 2)
        return fail(style, "panels", "by", err,
                    "by = years needs years = 2010, 2015, 2021 (2 to 12)");
    for (size_t i = 0; i < style->n_panel_years; i++) {
        double y = style->panel_years[i];
        if (y != floor(y) || y < 1800 || y > 2200)
            return fail(style, "panels", "years", err,
                        "years are whole years from 1800 to 2200");
    }
    if (style->panel_variables != NULL)
        return fail(style, "panels", "variables", err,
                    "variables is for by = variables");
    return TOB_OK;
}

static tob_status_t check_variables(const tob_style_t *style, tob_error_t *err)
{
    char names[STYLE_MAX_PANELS][128];
    if (style->panel_variables == NULL)
        return fail(style, "panels", "by", err,
                    "by = variables needs variables = a, b, c (2 to 12 "
                    "variables of one unit)");
    int n = style_panel_names(style->panel_variables, names, STYLE_MAX_PANELS);
    if (n < 2)
        return fail(style, "panels", "variables", err,
                    "expected 2 to 12 variable names separated by commas");
    if (style->expression != NULL || style->sql != NULL)
        return fail(style, "data", style->expression ? "expression" : "sql",
                    err,
                    "by = variables draws each variable in place of "
                    "data.variable: leave out expression and sql");
    if (style->n_panel_years > 0)
        return fail(style, "panels", "years", err, "years is for by = years");
    return TOB_OK;
}

tob_status_t style_check_panels(const tob_style_t *style, tob_error_t *err)
{
    if (style->panels_by == NULL) {
        for (size_t i = 0; i < style->n_seen; i++)
            if (strncmp(style->seen[i].key, "panels.", 7) == 0)
                return fail(style, "panels", style->seen[i].key + 7, err,
                            "[panels] needs by = years or by = variables");
        return TOB_OK;
    }
    int years = strcmp(style->panels_by, "years") == 0;
    if (!years && strcmp(style->panels_by, "variables") != 0)
        return fail(style, "panels", "by", err,
                    "by is years (one map per year) or variables (one map "
                    "per variable)");
    if (!shares_a_scale(style->kind))
        return fail(style, "data", "kind", err,
                    "small multiples share one scale: kind = choropleth, "
                    "typology, proportional, prop_choro or prop_typo");
    return years ? check_years(style, err) : check_variables(style, err);
}
