/* style.c - read a style file and its --set overrides into a tob_style_t. */
#include "style_model.h"

#include "terrobs/cells.h"
#include "terrobs/ini.h"

#include <stdlib.h>
#include <string.h>

static tob_status_t on_key(void *user, const char *section, const char *key,
                           const char *value, long line, tob_error_t *err)
{
    return style_apply(user, section, key, value, line, err);
}

static tob_style_t *style_new(const char *name, tob_error_t *err)
{
    tob_style_t *style = calloc(1, sizeof *style);
    if (style != NULL && (style->name = strdup(name)) == NULL) {
        free(style);
        style = NULL;
    }
    if (style == NULL)
        tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    else
        style_defaults(style);
    return style;
}

/* "section.key=value": the key is after the last '.' before '=', so that
 * "inset.mq.position=top-left" names section "inset.mq". */
static tob_status_t apply_assignment(tob_style_t *style, const char *assignment,
                                     tob_error_t *err)
{
    /* Style files are checked line by line by the ini parser; a --set
     * (a shell in Latin-1, a script) must be held to the same rule. */
    if (!tob_text_is_utf8(assignment, strlen(assignment))) {
        tob_error_set(err, TOB_ERR_INPUT, "'%.60s' is not valid UTF-8",
                      assignment);
        tob_error_at(err, "--set", 0, NULL);
        return TOB_ERR_INPUT;
    }
    const char *eq = strchr(assignment, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - assignment) : 0;
    const char *dot = NULL;
    for (size_t i = 0; i < name_len; i++)
        if (assignment[i] == '.')
            dot = assignment + i;
    if (eq == NULL || dot == NULL || dot == assignment || dot + 1 == eq ||
        name_len >= 256) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "'%s' is not section.key=value (e.g. map.title=...)",
                      assignment);
        tob_error_at(err, "--set", 0, NULL);
        return TOB_ERR_INPUT;
    }
    char section[256], key[256];
    memcpy(section, assignment, (size_t)(dot - assignment));
    section[dot - assignment] = '\0';
    memcpy(key, dot + 1, (size_t)(eq - dot - 1));
    key[eq - dot - 1] = '\0';
    tob_status_t s = style_apply(style, section, key, eq + 1, 0, err);
    if (s != TOB_OK)
        tob_error_at(err, "--set", 0, NULL);
    return s;
}

static tob_status_t finish(tob_style_t *style, const char *const *sets,
                           size_t n_sets, tob_error_t *err)
{
    for (size_t i = 0; i < n_sets; i++)
        if (apply_assignment(style, sets[i], err) != TOB_OK)
            return TOB_ERR_INPUT;
    return style_check(style, err);
}

tob_status_t tob_style_read(const char *path, const char *const *sets,
                            size_t n_sets, tob_style_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_style_t *style = style_new(path, err);
    if (style == NULL)
        return TOB_ERR_NOMEM;
    tob_status_t s = tob_ini_parse(path, on_key, style, err);
    if (s == TOB_OK)
        s = finish(style, sets, n_sets, err);
    if (s != TOB_OK) {
        tob_style_destroy(style);
        return s;
    }
    *out = style;
    return TOB_OK;
}

tob_status_t tob_style_parse_text(const char *text, size_t len,
                                  const char *name, const char *const *sets,
                                  size_t n_sets, tob_style_t **out,
                                  tob_error_t *err)
{
    *out = NULL;
    tob_style_t *style = style_new(name, err);
    if (style == NULL)
        return TOB_ERR_NOMEM;
    tob_status_t s = tob_ini_parse_text(text, len, name, on_key, style, err);
    if (s == TOB_OK)
        s = finish(style, sets, n_sets, err);
    if (s != TOB_OK) {
        tob_style_destroy(style);
        return s;
    }
    *out = style;
    return TOB_OK;
}

tob_status_t tob_style_set(tob_style_t *style, const char *assignment,
                           tob_error_t *err)
{
    return finish(style, &assignment, 1, err);
}

void tob_style_destroy(tob_style_t *style)
{
    if (style == NULL)
        return;
    char **texts[] = {&style->name,
                      &style->title,
                      &style->subtitle,
                      &style->source,
                      &style->author,
                      &style->date,
                      &style->font,
                      &style->level,
                      &style->filter,
                      &style->variable,
                      &style->expression,
                      &style->sql,
                      &style->color_variable,
                      &style->color_expression,
                      &style->color_title,
                      &style->disc_type,
                      &style->panels_by,
                      &style->panel_variables,
                      &style->denominator,
                      &style->smooth_function,
                      &style->grid_cell,
                      &style->palette,
                      &style->legend_title,
                      &style->unit,
                      &style->nodata_label,
                      &style->label_priority_var};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        free(*texts[i]);
    for (size_t i = 0; i < style->n_categories; i++) {
        free(style->categories[i].value);
        free(style->categories[i].label);
    }
    for (size_t i = 0; i < style->n_layers; i++) {
        free(style->layers[i].level);
        free(style->layers[i].filter);
    }
    for (size_t i = 0; i < style->n_insets; i++) {
        free(style->insets[i].filter);
        free(style->insets[i].title);
    }
    free(style->seen);
    free(style);
}

void tob_style_page_mm(const tob_style_t *style, double *width_mm,
                       double *height_mm)
{
    *width_mm = style_length_mm(style, style->width);
    *height_mm = style_length_mm(style, style->height);
}

double tob_style_dpi(const tob_style_t *style)
{
    return style->dpi;
}

const char *tob_style_title(const tob_style_t *style)
{
    return style->title != NULL ? style->title : "";
}
