/* style_values.c - the keys a style may hold and how each value is read.
 * One table per section maps a key to its type and place in the struct,
 * so that a new key is one line here and one in styles/README.md. */
#include "style_model.h"

#include "base/near.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum vtype {
    V_TEXT,
    V_COLOR,
    V_BOOL,
    V_INT,
    V_NUM,
    V_POS,
    V_LENGTH,
    V_SRID,
    V_KIND,
    V_METHOD,
    V_PALETTE,
    V_NUMLIST,
    V_COLORLIST,
    V_EXTENT,
    V_DATE,
    V_LABEL_FIELD,
    V_PRIORITY
} vtype_t;

/* lo/hi bound numbers (and give a list's capacity in hi); aux is the
 * allowed positions (a bit per style_pos_t) or a list's count offset. */
typedef struct key_def {
    const char *key;
    vtype_t type;
    size_t offset;
    double lo, hi;
    size_t aux;
} key_def_t;

#define CORNERS                                                                \
    ((1u << STYLE_POS_TOP_LEFT) | (1u << STYLE_POS_TOP_RIGHT) |                \
     (1u << STYLE_POS_BOTTOM_LEFT) | (1u << STYLE_POS_BOTTOM_RIGHT) |          \
     (1u << STYLE_POS_NONE))
#define SIDES ((1u << STYLE_POS_LEFT) | (1u << STYLE_POS_RIGHT))
#define S(field) offsetof(struct tob_style, field)
#define L(field) offsetof(style_layer_t, field)
#define I(field) offsetof(style_inset_t, field)

static const key_def_t map_keys[] = {
    {"title", V_TEXT, S(title), 0, 0, 0},
    {"subtitle", V_TEXT, S(subtitle), 0, 0, 0},
    {"source", V_TEXT, S(source), 0, 0, 0},
    {"author", V_TEXT, S(author), 0, 0, 0},
    {"date", V_DATE, S(date), 0, 0, 0},
    {"width", V_LENGTH, S(width), 0, 0, 0},
    {"height", V_LENGTH, S(height), 0, 0, 0},
    {"dpi", V_NUM, S(dpi), 36, 1200, 0},
    {"margin", V_NUM, S(margin), 0, 50, 0},
    {"background", V_COLOR, S(background), 0, 0, 0},
    {"crs", V_SRID, S(srid), 0, 0, 0},
    {"extent", V_EXTENT, S(extent), 0, 0, 0},
    {"font", V_TEXT, S(font), 0, 0, 0},
    {"scalebar", V_POS, S(scalebar), 0, 0, CORNERS},
    {"north", V_POS, S(north), 0, 0, CORNERS},
    {"frame", V_BOOL, S(frame), 0, 0, 0},
    {"footer", V_BOOL, S(footer), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t data_keys[] = {
    {"kind", V_KIND, S(kind), 0, 0, 0},
    {"level", V_TEXT, S(level), 0, 0, 0},
    {"vintage", V_INT, S(vintage), 1800, 2200, 0},
    {"filter", V_TEXT, S(filter), 0, 0, 0},
    {"variable", V_TEXT, S(variable), 0, 0, 0},
    {"year", V_INT, S(year), 1800, 2200, 0},
    {"expression", V_TEXT, S(expression), 0, 0, 0},
    {"sql", V_TEXT, S(sql), 0, 0, 0},
    {"timeout", V_NUM, S(timeout), 0.01, 86400, 0},
    {"color_variable", V_TEXT, S(color_variable), 0, 0, 0},
    {"color_expression", V_TEXT, S(color_expression), 0, 0, 0},
    {"denominator", V_TEXT, S(denominator), 0, 0, 0},
    {"factor", V_NUM, S(ratio_factor), 1e-300, 1e300, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t classes_keys[] = {
    {"method", V_METHOD, S(method), 0, 0, 0},
    {"k", V_INT, S(k), 2, TOB_CLASSIFY_MAX, 0},
    {"breaks", V_NUMLIST, S(breaks), 3, TOB_CLASSIFY_MAX + 1, S(n_breaks)},
    {"palette", V_PALETTE, S(palette), 0, 0, 0},
    {"reverse", V_BOOL, S(reverse), 0, 0, 0},
    {"colors", V_COLORLIST, S(colors), 1, STYLE_MAX_CATEGORIES, S(n_colors)},
    {"nodata_color", V_COLOR, S(nodata_color), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t polygons_keys[] = {
    {"fill", V_COLOR, S(fill), 0, 0, 0},
    {"stroke", V_COLOR, S(stroke), 0, 0, 0},
    {"stroke_width", V_NUM, S(stroke_width), 0, 5, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t symbols_keys[] = {
    {"fill", V_COLOR, S(symbol_fill), 0, 0, 0},
    {"stroke", V_COLOR, S(symbol_stroke), 0, 0, 0},
    {"stroke_width", V_NUM, S(symbol_stroke_width), 0, 5, 0},
    {"max_value", V_NUM, S(max_value), 1e-300, 1e300, 0},
    {"max_radius", V_NUM, S(max_radius), 0.5, 100, 0},
    {"min_radius", V_NUM, S(min_radius), 0, 10, 0},
    {"size", V_NUM, S(point_size), 0.2, 20, 0},
    {"overlap", V_BOOL, S(overlap), 0, 0, 0},
    {"legend_values", V_NUMLIST, S(legend_values), 1, STYLE_MAX_LEGEND_VALUES,
     S(n_legend_values)},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t discontinuity_keys[] = {
    {"type", V_TEXT, S(disc_type), 0, 0, 0},
    {"threshold", V_NUM, S(disc_threshold), 0, 1e300, 0},
    {"min_width", V_NUM, S(disc_min_width), 0, 10, 0},
    {"max_width", V_NUM, S(disc_max_width), 0.05, 20, 0},
    {"color", V_COLOR, S(disc_color), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t smoothing_keys[] = {
    {"function", V_TEXT, S(smooth_function), 0, 0, 0},
    {"span", V_NUM, S(smooth_span), 1, 1e7, 0},
    {"beta", V_NUM, S(smooth_beta), 0.1, 10, 0},
    {"resolution", V_NUM, S(smooth_resolution), 1, 1e6, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t grid_keys[] = {
    {"cell", V_TEXT, S(grid_cell), 0, 0, 0},
    {"cell_size", V_NUM, S(grid_cell_size), 1, 1e6, 0},
    {"clip", V_BOOL, S(grid_clip), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t labels_keys[] = {
    {"show", V_BOOL, S(labels), 0, 0, 0},
    {"field", V_LABEL_FIELD, S(label_field), 0, 0, 0},
    {"priority", V_PRIORITY, S(label_priority), 0, 0, 0},
    {"min_size", V_NUM, S(label_min_size), 0, 500, 0},
    {"font_size", V_NUM, S(label_size), 4, 48, 0},
    {"color", V_COLOR, S(label_color), 0, 0, 0},
    {"halo", V_COLOR, S(label_halo), 0, 0, 0},
    {"max", V_INT, S(label_max), 0, 100000, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t legend_keys[] = {
    {"position", V_POS, S(legend), 0, 0, CORNERS | SIDES},
    {"title", V_TEXT, S(legend_title), 0, 0, 0},
    {"unit", V_TEXT, S(unit), 0, 0, 0},
    {"counts", V_BOOL, S(counts), 0, 0, 0},
    {"decimals", V_INT, S(decimals), 0, 6, 0},
    {"nodata_label", V_TEXT, S(nodata_label), 0, 0, 0},
    {"color_title", V_TEXT, S(color_title), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t panels_keys[] = {
    {"by", V_TEXT, S(panels_by), 0, 0, 0},
    {"years", V_NUMLIST, S(panel_years), 2, STYLE_MAX_PANELS, S(n_panel_years)},
    {"variables", V_TEXT, S(panel_variables), 0, 0, 0},
    {"columns", V_INT, S(panel_columns), 1, STYLE_MAX_PANELS, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t layer_keys[] = {
    {"level", V_TEXT, L(level), 0, 0, 0},
    {"vintage", V_INT, L(vintage), 1800, 2200, 0},
    {"filter", V_TEXT, L(filter), 0, 0, 0},
    {"stroke", V_COLOR, L(stroke), 0, 0, 0},
    {"stroke_width", V_NUM, L(stroke_width), 0, 5, 0},
    {"fill", V_COLOR, L(fill), 0, 0, 0},
    {"below", V_BOOL, L(below), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const key_def_t inset_keys[] = {
    {"filter", V_TEXT, I(filter), 0, 0, 0},
    {"crs", V_SRID, I(srid), 0, 0, 0},
    {"position", V_POS, I(position), 0, 0, CORNERS & ~(1u << STYLE_POS_NONE)},
    {"width", V_NUM, I(width), 10, 500, 0},
    {"height", V_NUM, I(height), 10, 500, 0},
    {"title", V_TEXT, I(title), 0, 0, 0},
    {NULL, V_TEXT, 0, 0, 0, 0}};

static const struct {
    const char *name;
    const key_def_t *keys;
} sections[] = {
    {"map", map_keys},         {"data", data_keys},
    {"classes", classes_keys}, {"polygons", polygons_keys},
    {"symbols", symbols_keys}, {"labels", labels_keys},
    {"legend", legend_keys},   {"discontinuity", discontinuity_keys},
    {"panels", panels_keys},   {"smoothing", smoothing_keys},
    {"grid", grid_keys}};
#define N_SECTIONS (sizeof sections / sizeof sections[0])

static const char *const pos_names[] = {
    "none",         "top-left", "top-right", "bottom-left",
    "bottom-right", "left",     "right"};
static const char *const kind_names[] = {
    "choropleth", "proportional", "typology",      "points",    "prop_choro",
    "prop_typo",  "bivariate",    "discontinuity", "potential", "grid"};
#define N_KINDS (sizeof kind_names / sizeof kind_names[0])
static const char *const field_names[] = {"name", "code", "value"};
static const char *const priority_names[] = {"area", "value"};

static tob_status_t bad(tob_error_t *err, const char *fmt, ...)
    TOB_PRINTF(2, 3);

static tob_status_t bad(tob_error_t *err, const char *fmt, ...)
{
    char message[TOB_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return tob_error_set(err, TOB_ERR_INPUT, "%s", message);
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Picks a name from names[0..n); -1 if none matches. */
static int pick(const char *value, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, names[i]) == 0)
            return (int)i;
    return -1;
}

static tob_status_t set_text(char **slot, const char *value, tob_error_t *err)
{
    char *copy = NULL;
    if (value[0] != '\0' && (copy = strdup(value)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    free(*slot);
    *slot = copy; /* an empty value unsets the key */
    return TOB_OK;
}

static tob_status_t set_color(tob_rgb_t *slot, const char *value,
                              tob_error_t *err)
{
    if (strcmp(value, "none") == 0) {
        *slot = (tob_rgb_t){0, 0, 0, 0};
        return TOB_OK;
    }
    return tob_color_parse(value, slot, err) == TOB_OK ? TOB_OK : TOB_ERR_INPUT;
}

static tob_status_t set_bool(int *slot, const char *value, tob_error_t *err)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    if (pick(value, yes, 4) >= 0)
        *slot = 1;
    else if (pick(value, no, 4) >= 0)
        *slot = 0;
    else
        return bad(err, "'%s' is not yes or no", value);
    return TOB_OK;
}

static tob_status_t set_number(const key_def_t *def, void *slot,
                               const char *value, tob_error_t *err)
{
    double v;
    if (parse_double(value, &v) != 0)
        return bad(err, "'%s' is not a number", value);
    if (def->type == V_INT && v != floor(v))
        return bad(err, "'%s' is not a whole number", value);
    if (v < def->lo || v > def->hi)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "%s is out of range (%g to %g)", value, def->lo,
                             def->hi);
    if (def->type == V_INT)
        *(int *)slot = (int)v;
    else
        *(double *)slot = v;
    return TOB_OK;
}

static tob_status_t set_pos(const key_def_t *def, style_pos_t *slot,
                            const char *value, tob_error_t *err)
{
    int p = pick(value, pos_names, sizeof pos_names / sizeof pos_names[0]);
    if (p < 0 || !(def->aux & (1u << p))) {
        char allowed[160] = "";
        for (size_t i = 0; i < sizeof pos_names / sizeof pos_names[0]; i++)
            if (def->aux & (1u << i))
                snprintf(allowed + strlen(allowed),
                         sizeof allowed - strlen(allowed), "%s%s",
                         allowed[0] ? ", " : "", pos_names[i]);
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a position (expected %s)", value,
                             allowed);
    }
    *slot = (style_pos_t)p;
    return TOB_OK;
}

static tob_status_t set_length(style_length_t *slot, const char *value,
                               tob_error_t *err)
{
    char number[64];
    size_t n = strlen(value);
    if (n < 3 || n >= sizeof number)
        return bad(err, "'%s' is not a page length: write 2000px or 210mm",
                   value);
    int px = strcmp(value + n - 2, "px") == 0;
    if (!px && strcmp(value + n - 2, "mm") != 0)
        return bad(err, "'%s' needs a unit: px or mm", value);
    memcpy(number, value, n - 2);
    number[n - 2] = '\0';
    double v;
    if (parse_double(number, &v) != 0 || v <= 0)
        return bad(err, "'%s' is not a page length: write 2000px or 210mm",
                   value);
    if ((px && (v < 64 || v > 20000)) || (!px && (v < 20 || v > 2000)))
        return bad(err,
                   "'%s' is out of range (64px to 20000px, 20mm to "
                   "2000mm)",
                   value);
    *slot = (style_length_t){v, px};
    return TOB_OK;
}

static tob_status_t set_srid(int *slot, const char *value, tob_error_t *err)
{
    const char *digits = value;
    if (strncmp(value, "EPSG:", 5) == 0 || strncmp(value, "epsg:", 5) == 0)
        digits = value + 5;
    double v;
    if (parse_double(digits, &v) != 0 || v != floor(v) || v < 1024 ||
        v > 999999)
        return bad(err, "'%s' is not a CRS: write EPSG:2154", value);
    *slot = (int)v;
    return TOB_OK;
}

/* Splits a list on commas and blanks into at most cap tokens of 63
 * bytes; returns the count or -1. */
static int split_list(const char *value, char tokens[][64], size_t cap)
{
    size_t n = 0;
    const char *p = value;
    while (*p != '\0') {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        size_t len = strcspn(p, ", \t");
        if (n == cap || len >= 64)
            return -1;
        memcpy(tokens[n], p, len);
        tokens[n++][len] = '\0';
        p += len;
    }
    return (int)n;
}

static tob_status_t set_list(const key_def_t *def, tob_style_t *style,
                             const char *value, tob_error_t *err)
{
    char tokens[STYLE_MAX_CATEGORIES + 1][64];
    size_t cap = (size_t)def->hi;
    int n = split_list(value, tokens, cap);
    if (n < 0 || (size_t)n < (size_t)def->lo)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "expected %g to %g values separated by commas",
                             def->lo, def->hi);
    char *base = (char *)style + def->offset;
    for (int i = 0; i < n; i++) {
        if (def->type == V_NUMLIST) {
            if (parse_double(tokens[i], (double *)base + i) != 0)
                return bad(err, "'%s' is not a number", tokens[i]);
        } else if (set_color((tob_rgb_t *)base + i, tokens[i], err) != TOB_OK) {
            return TOB_ERR_INPUT;
        }
    }
    *(size_t *)((char *)style + def->aux) = (size_t)n;
    return TOB_OK;
}

static tob_status_t set_extent(double *slot, const char *value,
                               tob_error_t *err)
{
    char tokens[5][64];
    double v[4];
    if (split_list(value, tokens, 5) != 4)
        return bad(err, "'%s' is not an extent: write xmin, ymin, xmax, ymax",
                   value);
    for (int i = 0; i < 4; i++)
        if (parse_double(tokens[i], &v[i]) != 0)
            return bad(err, "'%s' is not a number", tokens[i]);
    if (v[0] >= v[2] || v[1] >= v[3])
        return bad(err, "'%s' is empty: xmin < xmax and ymin < ymax", value);
    memcpy(slot, v, sizeof v);
    return TOB_OK;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* "today" (NULL), "none" (""), 23/11/2026 or 2026-11-23 (kept French). */
static tob_status_t set_date(char **slot, const char *value, tob_error_t *err)
{
    if (strcmp(value, "today") == 0)
        return set_text(slot, "", err);
    char *copy = strdup("");
    if (copy == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int d = 0, m = 0, y = 0, used = 0;
    if (strcmp(value, "none") != 0) {
        if (!(sscanf(value, "%2d/%2d/%4d%n", &d, &m, &y, &used) == 3 &&
              used == (int)strlen(value)) &&
            !(sscanf(value, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 &&
              used == (int)strlen(value))) {
            free(copy);
            return bad(err,
                       "'%s' is not a date: write today, none, "
                       "23/11/2026 or 2026-11-23",
                       value);
        }
        if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
            free(copy);
            return bad(err, "'%s' is not a valid date", value);
        }
        free(copy);
        copy = malloc(40);
        if (copy == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        snprintf(copy, 40, "%02d/%02d/%04d", d, m, y);
    }
    free(*slot);
    *slot = copy;
    return TOB_OK;
}

static tob_status_t set_choice(int *slot, const char *value,
                               const char *const *names, size_t n,
                               tob_error_t *err)
{
    int i = pick(value, names, n);
    if (i >= 0) {
        *slot = i;
        return TOB_OK;
    }
    char allowed[160] = "";
    for (size_t k = 0; k < n; k++)
        snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed),
                 "%s%s", k ? ", " : "", names[k]);
    return tob_error_set(err, TOB_ERR_INPUT, "'%s' is not one of %s", value,
                         allowed);
}

/* area, value, or the name of a variable (population_2021): labels of
 * the most populated communes first. */
static tob_status_t set_priority(tob_style_t *style, const char *value,
                                 tob_error_t *err)
{
    int i = pick(value, priority_names, 2);
    size_t n = strlen(value);
    if (i < 0 && (n == 0 || n >= 64 ||
                  strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_") != n))
        return bad(err, "'%s' is not area, value or a variable name", value);
    tob_status_t s =
        set_text(&style->label_priority_var, i < 0 ? value : "", err);
    if (s == TOB_OK)
        style->label_priority =
            i < 0 ? STYLE_PRIORITY_VARIABLE : (style_label_priority_t)i;
    return s;
}

/* The classify and palette modules word the message (they propose the
 * names meant); a bad style value is bad input whatever their code. */
static tob_status_t as_input(tob_error_t *err, const tob_error_t *inner)
{
    return tob_error_set(err, TOB_ERR_INPUT, "%s", inner->message);
}

static tob_status_t set_method(tob_classify_method_t *slot, const char *value,
                               tob_error_t *err)
{
    tob_error_t inner;
    tob_error_clear(&inner);
    if (tob_classify_method_from_name(value, slot, &inner) != TOB_OK)
        return as_input(err, &inner);
    return TOB_OK;
}

static tob_status_t set_palette(char **slot, const char *value,
                                tob_error_t *err)
{
    if (strcmp(value, "auto") != 0 && tob_palette_find(value) == NULL) {
        tob_error_t inner;
        tob_rgb_t color;
        tob_error_clear(&inner);
        if (tob_palette_get(value, 1, 0, &color, &inner) == TOB_OK)
            return tob_error_set(err, TOB_ERR_INTERNAL, "palette lookup");
        return as_input(err, &inner);
    }
    return set_text(slot, value, err);
}

static tob_status_t set_value(const key_def_t *def, void *base,
                              tob_style_t *style, const char *value,
                              tob_error_t *err)
{
    void *slot = (char *)base + def->offset;
    switch (def->type) {
    case V_TEXT:
        return set_text(slot, value, err);
    case V_COLOR:
        return set_color(slot, value, err);
    case V_BOOL:
        return set_bool(slot, value, err);
    case V_INT:
    case V_NUM:
        return set_number(def, slot, value, err);
    case V_POS:
        return set_pos(def, slot, value, err);
    case V_LENGTH:
        return set_length(slot, value, err);
    case V_SRID:
        return set_srid(slot, value, err);
    case V_KIND:
        return set_choice(slot, value, kind_names, N_KINDS, err);
    case V_METHOD:
        return set_method(slot, value, err);
    case V_PALETTE:
        return set_palette(slot, value, err);
    case V_NUMLIST:
    case V_COLORLIST:
        return set_list(def, style, value, err);
    case V_EXTENT:
        style->has_extent = 0;
        if (set_extent(slot, value, err) != TOB_OK)
            return TOB_ERR_INPUT;
        style->has_extent = 1;
        return TOB_OK;
    case V_DATE:
        return set_date(slot, value, err);
    case V_LABEL_FIELD:
        return set_choice(slot, value, field_names, 3, err);
    case V_PRIORITY:
        return set_priority(style, value, err);
    }
    return tob_error_set(err, TOB_ERR_INTERNAL, "unknown value type");
}

static tob_status_t unknown_key(const key_def_t *keys, const char *key,
                                tob_error_t *err)
{
    char known[512] = "";
    near_t near;
    near_start(&near, key);
    for (const key_def_t *d = keys; d->key != NULL; d++) {
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                 known[0] ? ", " : "", d->key);
        near_offer(&near, d->key);
    }
    return tob_error_set(err, TOB_ERR_INPUT, "unknown key (%sexpected %s)",
                         near_ask(&near), known);
}

static tob_status_t apply_table(const key_def_t *keys, void *base,
                                tob_style_t *style, const char *key,
                                const char *value, tob_error_t *err)
{
    for (const key_def_t *d = keys; d->key != NULL; d++)
        if (strcmp(d->key, key) == 0)
            return set_value(d, base, style, value, err) == TOB_OK
                       ? TOB_OK
                       : TOB_ERR_INPUT;
    return unknown_key(keys, key, err);
}

/* "#1b9e77" or "#1b9e77, Communauté d'agglomération". */
static tob_status_t apply_category(tob_style_t *style, const char *key,
                                   const char *value, tob_error_t *err)
{
    for (size_t i = 0; i < style->n_categories; i++)
        if (strcmp(style->categories[i].value, key) == 0)
            return tob_error_set(err, TOB_ERR_INPUT, "category set twice");
    if (style->n_categories == STYLE_MAX_CATEGORIES)
        return tob_error_set(err, TOB_ERR_INPUT, "more than %d categories",
                             STYLE_MAX_CATEGORIES);
    char color[64];
    size_t n = strcspn(value, ",");
    if (n >= sizeof color)
        return bad(err, "'%s' is not a colour", value);
    memcpy(color, value, n);
    while (n > 0 && isspace((unsigned char)color[n - 1]))
        n--;
    color[n] = '\0';
    style_category_t *c = &style->categories[style->n_categories];
    if (set_color(&c->color, color, err) != TOB_OK)
        return TOB_ERR_INPUT;
    const char *label =
        value[strcspn(value, ",")] ? strchr(value, ',') + 1 : key;
    while (isspace((unsigned char)*label))
        label++;
    c->value = strdup(key);
    c->label = strdup(*label ? label : key);
    style->n_categories++;
    if (c->value == NULL || c->label == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

/* [layer.NAME] / [inset.NAME]: finds or adds the named entry. */
static void *named_entry(tob_style_t *style, const char *section, long line,
                         tob_error_t *err)
{
    int is_layer = strncmp(section, "layer.", 6) == 0;
    const char *name = section + (is_layer ? 6 : 6);
    size_t len = strlen(name);
    if (len == 0 || len >= STYLE_NAME_MAX ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "section name '%s' must be 1 to %d of a-z 0-9 _ -", name,
                      STYLE_NAME_MAX - 1);
        return NULL;
    }
    size_t n = is_layer ? style->n_layers : style->n_insets;
    size_t cap = is_layer ? STYLE_MAX_LAYERS : STYLE_MAX_INSETS;
    size_t size = is_layer ? sizeof(style_layer_t) : sizeof(style_inset_t);
    char *array = is_layer ? (char *)style->layers : (char *)style->insets;
    for (size_t i = 0; i < n; i++)
        if (strcmp(array + i * size, name) == 0) /* name comes first */
            return array + i * size;
    if (n == cap) {
        tob_error_set(err, TOB_ERR_INPUT, "more than %zu [%s.*] sections", cap,
                      is_layer ? "layer" : "inset");
        return NULL;
    }
    char *entry = array + n * size;
    memcpy(entry, name, len + 1);
    if (is_layer) {
        style_layer_t *l = (style_layer_t *)entry;
        l->line = line;
        l->stroke = (tob_rgb_t){0x40, 0x40, 0x40, 255};
        l->stroke_width = 0.35;
        style->n_layers++;
    } else {
        style_inset_t *in = (style_inset_t *)entry;
        in->line = line;
        in->position = STYLE_POS_BOTTOM_LEFT;
        in->width = 45;
        in->height = 45;
        style->n_insets++;
    }
    return entry;
}

static tob_status_t remember(tob_style_t *style, const char *section,
                             const char *key, long line, tob_error_t *err)
{
    if (style->n_seen == style->cap_seen) {
        size_t cap = style->cap_seen ? style->cap_seen * 2 : 32;
        style_seen_t *more = realloc(style->seen, cap * sizeof *more);
        if (more == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        style->seen = more;
        style->cap_seen = cap;
    }
    style_seen_t *s = &style->seen[style->n_seen++];
    snprintf(s->key, sizeof s->key, "%s.%s", section, key);
    s->line = line;
    return TOB_OK;
}

long style_line_of(const tob_style_t *style, const char *section,
                   const char *key)
{
    char full[STYLE_NAME_MAX + 32];
    snprintf(full, sizeof full, "%s.%s", section, key);
    for (size_t i = style->n_seen; i > 0; i--)
        if (strcmp(style->seen[i - 1].key, full) == 0)
            return style->seen[i - 1].line;
    return 0;
}

static tob_status_t dispatch(tob_style_t *style, const char *section,
                             const char *key, const char *value, long line,
                             tob_error_t *err)
{
    if (strcmp(section, "categories") == 0)
        return apply_category(style, key, value, err);
    int is_layer = strncmp(section, "layer.", 6) == 0;
    if (is_layer || strncmp(section, "inset.", 6) == 0) {
        void *entry = named_entry(style, section, line, err);
        if (entry == NULL)
            return TOB_ERR_INPUT;
        return apply_table(is_layer ? layer_keys : inset_keys, entry, style,
                           key, value, err);
    }
    for (size_t i = 0; i < N_SECTIONS; i++)
        if (strcmp(section, sections[i].name) == 0)
            return apply_table(sections[i].keys, style, style, key, value, err);
    if (section[0] == '\0')
        return tob_error_set(err, TOB_ERR_INPUT,
                             "key outside a section: start with [map] or "
                             "[data]");
    near_t near;
    near_start(&near, section);
    for (size_t i = 0; i < N_SECTIONS; i++)
        near_offer(&near, sections[i].name);
    if (near.n > 0)
        return tob_error_set(err, TOB_ERR_INPUT, "unknown section [%s]%s",
                             section, near_hint(&near));
    return tob_error_set(err, TOB_ERR_INPUT,
                         "unknown section [%s] (expected map, data, classes, "
                         "polygons, symbols, labels, legend, discontinuity, "
                         "panels, categories, layer.NAME, inset.NAME)",
                         section);
}

tob_status_t style_apply(tob_style_t *style, const char *section,
                         const char *key, const char *value, long line,
                         tob_error_t *err)
{
    char field[TOB_ERROR_FIELD_MAX];
    snprintf(field, sizeof field, "%s%s%s", section, section[0] ? "." : "",
             key);
    /* A key given twice in the file is a mistake one of them hides, as in
     * layer files; --set (line 0) overrides the file on purpose. */
    long first = line > 0 ? style_line_of(style, section, key) : 0;
    tob_status_t s =
        first > 0 ? tob_error_set(err, TOB_ERR_INPUT,
                                  "key set twice (first on line %ld)", first)
                  : dispatch(style, section, key, value, line, err);
    if (s == TOB_OK)
        s = remember(style, section, key, line, err);
    if (s != TOB_OK)
        tob_error_at(err, NULL, 0, field);
    return s;
}
