/* style_check.c - style defaults, and the checks that involve several keys
 * (run once every key is read, overrides included). */
#include "style_model.h"

#include <stdio.h>
#include <string.h>

static const tob_rgb_t WHITE = {255, 255, 255, 255};

void style_defaults(tob_style_t *style)
{
    style->width = (style_length_t){1600, 1};
    style->height = (style_length_t){1200, 1};
    style->dpi = 150;
    style->margin = 5;
    style->background = WHITE;
    style->scalebar = STYLE_POS_BOTTOM_LEFT;
    style->north = STYLE_POS_TOP_RIGHT;
    style->frame = 1;
    style->footer = 1;
    style->kind = STYLE_CHOROPLETH;
    style->method = TOB_CLASSIFY_QUANTILE;
    style->k = 5;
    style->nodata_color = (tob_rgb_t){0xd0, 0xd0, 0xd0, 255};
    style->fill = (tob_rgb_t){0xf2, 0xf2, 0xf0, 255};
    style->stroke = WHITE;
    style->stroke_width = 0.1;
    style->symbol_fill = (tob_rgb_t){0xe6, 0x55, 0x0d, 0xd9};
    style->symbol_stroke = WHITE;
    style->symbol_stroke_width = 0.2;
    style->max_radius = 10;
    style->point_size = 1.2;
    style->overlap = 1;
    style->label_field = STYLE_LABEL_NAME;
    style->label_priority = STYLE_PRIORITY_AREA;
    style->label_min_size = 8;
    style->label_size = 7;
    style->label_color = (tob_rgb_t){0x22, 0x22, 0x22, 255};
    style->label_halo = WHITE;
    style->legend = STYLE_POS_RIGHT;
    style->disc_min_width = 0.3;
    style->disc_max_width = 2.5;
    style->disc_color = (tob_rgb_t){0x99, 0x00, 0x0d, 255};
    style->ratio_factor = 1;
    style->smooth_beta = 2;
    style->counts = 1;
    style->decimals = -1;
}

double style_length_mm(const tob_style_t *style, style_length_t len)
{
    return len.in_px ? len.value * 25.4 / style->dpi : len.value;
}

/* An error about section.key, at the line where it was set. */
static tob_status_t fail_at(const tob_style_t *style, const char *section,
                            const char *key, tob_error_t *err,
                            const char *message)
{
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s.%s", section, key);
    tob_error_set(err, TOB_ERR_INPUT, "%s", message);
    tob_error_at(err, style->name, style_line_of(style, section, key), field);
    return TOB_ERR_INPUT;
}

tob_status_t style_fail_at(const tob_style_t *style, const char *section,
                           const char *key, tob_error_t *err,
                           const char *message)
{
    return fail_at(style, section, key, err, message);
}

static int seen(const tob_style_t *style, const char *section, const char *key)
{
    return style_line_of(style, section, key) > 0;
}

static int seen_section(const tob_style_t *style, const char *section)
{
    size_t n = strlen(section);
    for (size_t i = 0; i < style->n_seen; i++)
        if (strncmp(style->seen[i].key, section, n) == 0 &&
            style->seen[i].key[n] == '.')
            return 1;
    return 0;
}

static tob_status_t check_data(tob_style_t *style, tob_error_t *err)
{
    int polygons = style->kind != STYLE_POINTS;
    if (polygons && style->level == NULL)
        return fail_at(style, "data", "level", err,
                       "missing: the level to map (commune, epci...)");
    /* [panels] variables = a, b: each panel's variable */
    int named = style->variable != NULL || style->panel_variables != NULL;
    if (polygons && named == (style->expression != NULL))
        return fail_at(style, "data",
                       style->variable ? "expression" : "variable", err,
                       "give either a variable or an SQL expression");
    if (polygons && style->sql != NULL)
        return fail_at(style, "data", "sql", err,
                       "sql is for kind = points; use expression");
    if (!polygons && style->sql == NULL)
        return fail_at(style, "data", "sql", err,
                       "missing: kind = points needs an SQL query "
                       "returning geom and category");
    if (!polygons && (style->variable || style->expression))
        return fail_at(style, "data",
                       style->variable ? "variable" : "expression", err,
                       "kind = points takes its values from sql");
    int second = style_has_second(style->kind);
    if (second &&
        (style->color_variable == NULL) == (style->color_expression == NULL))
        return fail_at(
            style, "data",
            style->color_variable ? "color_expression" : "color_variable", err,
            style->kind == STYLE_PROP_TYPO
                ? "give the categories of the circles: "
                  "color_expression (or color_variable)"
                : "give the second value: color_variable or "
                  "color_expression");
    if (!second && (style->color_variable || style->color_expression))
        return fail_at(
            style, "data",
            style->color_variable ? "color_variable" : "color_expression", err,
            "a second value is for kind = prop_choro, "
            "prop_typo or bivariate");
    if (style->vintage && style->level == NULL)
        return fail_at(style, "data", "vintage", err,
                       "vintage without a level");
    return TOB_OK;
}

static tob_status_t check_classes(tob_style_t *style, tob_error_t *err)
{
    int manual = style->method == TOB_CLASSIFY_MANUAL;
    if (manual && style->n_breaks == 0)
        return fail_at(style, "classes", "method", err,
                       "method = manual needs breaks");
    if (!manual && style->n_breaks > 0)
        return fail_at(style, "classes", "breaks", err,
                       "breaks need method = manual");
    for (size_t i = 1; i < style->n_breaks; i++)
        if (!(style->breaks[i] > style->breaks[i - 1]))
            return fail_at(style, "classes", "breaks", err,
                           "breaks must increase");
    if (style->palette != NULL && style->n_colors > 0)
        return fail_at(style, "classes", "colors", err,
                       "give a palette or colors, not both");
    static const char *const choropleth_only[] = {"method", "k", "breaks"};
    int classified =
        style->kind == STYLE_CHOROPLETH || style->kind == STYLE_PROP_CHORO ||
        style->kind == STYLE_BIVARIATE || style->kind == STYLE_DISCONTINUITY ||
        style_is_derived(style->kind);
    for (size_t i = 0; i < 3 && !classified; i++)
        if (seen(style, "classes", choropleth_only[i]))
            return fail_at(style, "classes", choropleth_only[i], err,
                           "classification is for choropleth, prop_choro, "
                           "bivariate, discontinuity, potential and grid "
                           "maps");
    if (style->kind == STYLE_BIVARIATE && style->k != 3 &&
        seen(style, "classes", "k"))
        return fail_at(style, "classes", "k", err,
                       "a bivariate map has 3 classes per variable");
    if (style->kind == STYLE_BIVARIATE && style->n_breaks > 0)
        return fail_at(style, "classes", "breaks", err,
                       "a bivariate map classifies each variable in "
                       "thirds (quantile, equal...), not manual breaks");
    if (style->kind == STYLE_BIVARIATE && style->n_colors > 0 &&
        style->n_colors != 9)
        return fail_at(style, "classes", "colors", err,
                       "a bivariate map needs 9 colours, row by row from "
                       "the low values of color_variable");
    return TOB_OK;
}

static tob_status_t check_kind_sections(tob_style_t *style, tob_error_t *err)
{
    int categorical = style->kind == STYLE_TYPOLOGY ||
                      style->kind == STYLE_POINTS ||
                      style->kind == STYLE_PROP_TYPO;
    if (!categorical && style->n_categories > 0)
        return fail_at(style, "categories", style->categories[0].value, err,
                       "categories are for typology, prop_typo and "
                       "points maps");
    if (!style_has_circles(style->kind) &&
        (seen(style, "symbols", "max_value") ||
         seen(style, "symbols", "max_radius") ||
         seen(style, "symbols", "overlap") ||
         seen(style, "symbols", "legend_values")))
        return fail_at(style, "symbols",
                       seen(style, "symbols", "max_value")    ? "max_value"
                       : seen(style, "symbols", "max_radius") ? "max_radius"
                       : seen(style, "symbols", "overlap")    ? "overlap"
                                                              : "legend_values",
                       err, "proportional circles only: kind = proportional");
    if (style->min_radius >= style->max_radius)
        return fail_at(style, "symbols", "min_radius", err,
                       "min_radius must be below max_radius");
    if (style->kind == STYLE_BIVARIATE && style->n_colors == 0 &&
        style->palette != NULL)
        return fail_at(style, "classes", "palette", err,
                       "a bivariate map takes 9 colors, not a palette");
    if (style->label_field == STYLE_LABEL_VALUE && style->kind == STYLE_POINTS)
        return fail_at(style, "labels", "field", err,
                       "points maps label with the sql's label column");
    return TOB_OK;
}

static tob_status_t check_discontinuity(tob_style_t *style, tob_error_t *err)
{
    if (style->kind != STYLE_DISCONTINUITY) {
        for (size_t i = 0; i < style->n_seen; i++)
            if (strncmp(style->seen[i].key, "discontinuity.", 14) == 0)
                return fail_at(style, "discontinuity", style->seen[i].key + 14,
                               err,
                               "[discontinuity] is for kind = discontinuity");
        return TOB_OK;
    }
    if (style->disc_type != NULL && strcmp(style->disc_type, "relative") != 0 &&
        strcmp(style->disc_type, "absolute") != 0)
        return fail_at(style, "discontinuity", "type", err,
                       "type is relative (the larger value over the "
                       "smaller) or absolute (their difference)");
    if (style->disc_min_width > style->disc_max_width)
        return fail_at(style, "discontinuity", "min_width", err,
                       "min_width must not exceed max_width");
    return TOB_OK;
}

static tob_status_t check_layers(tob_style_t *style, tob_error_t *err)
{
    for (size_t i = 0; i < style->n_layers; i++) {
        const style_layer_t *l = &style->layers[i];
        if (l->level == NULL) {
            char section[STYLE_NAME_MAX + 8];
            snprintf(section, sizeof section, "layer.%s", l->name);
            tob_error_set(err, TOB_ERR_INPUT,
                          "missing: the level whose outlines to draw");
            tob_error_at(err, style->name, l->line, section);
            return TOB_ERR_INPUT;
        }
    }
    for (size_t i = 0; i < style->n_insets; i++) {
        const style_inset_t *in = &style->insets[i];
        if (in->filter == NULL) {
            char section[STYLE_NAME_MAX + 8];
            snprintf(section, sizeof section, "inset.%s", in->name);
            tob_error_set(err, TOB_ERR_INPUT,
                          "missing filter: which features the inset shows");
            tob_error_at(err, style->name, in->line, section);
            return TOB_ERR_INPUT;
        }
    }
    return TOB_OK;
}

/* Defaults that depend on the kind, unless the file set them. */
static void kind_defaults(tob_style_t *style)
{
    if (!style_fills_by_entry(style->kind) &&
        !seen(style, "polygons", "stroke"))
        style->stroke = (tob_rgb_t){0xa0, 0xa0, 0xa0, 255};
    if (seen_section(style, "labels") && !seen(style, "labels", "show"))
        style->labels = 1;
}

tob_status_t style_check(tob_style_t *style, tob_error_t *err)
{
    double w = style_length_mm(style, style->width);
    double h = style_length_mm(style, style->height);
    if (w < 20 || h < 20 || w > 2000 || h > 2000)
        return fail_at(style, "map", style->width.in_px ? "dpi" : "width", err,
                       "the page must be 20 mm to 2 m on each side");
    tob_status_t s = check_data(style, err);
    if (s == TOB_OK)
        s = check_classes(style, err);
    if (s == TOB_OK)
        s = check_kind_sections(style, err);
    if (s == TOB_OK)
        s = check_discontinuity(style, err);
    if (s == TOB_OK)
        s = style_check_smooth(style, err);
    if (s == TOB_OK)
        s = check_layers(style, err);
    if (s == TOB_OK)
        s = style_check_panels(style, err);
    if (s == TOB_OK)
        kind_defaults(style);
    return s;
}
