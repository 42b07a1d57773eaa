/* style_model.h - the body of tob_style_t, shared by style*.c, the renderer
 * and the QGIS writer of export/ (library-internal). Lengths are millimetres,
 * font sizes points, colours sRGB; NULL strings mean "not set". */
#ifndef TERROBS_MAP_STYLE_MODEL_H
#define TERROBS_MAP_STYLE_MODEL_H

#include "terrobs/classify.h"
#include "terrobs/palette.h"
#include "terrobs/style.h"

#define STYLE_MAX_LAYERS 8
#define STYLE_MAX_INSETS 4
#define STYLE_MAX_CATEGORIES 24
#define STYLE_MAX_LEGEND_VALUES 4
#define STYLE_NAME_MAX 48 /* of a layer or inset: [layer.NAME] */
#define STYLE_MAX_PANELS 12 /* small multiples on one page */

typedef enum style_kind {
    STYLE_CHOROPLETH,
    STYLE_PROPORTIONAL,
    STYLE_TYPOLOGY,
    STYLE_POINTS,
    STYLE_PROP_CHORO,   /* circles sized by variable, coloured by classes */
    STYLE_PROP_TYPO,    /* circles sized by variable, coloured by category */
    STYLE_BIVARIATE,    /* 3 x 3 classes of two variables */
    STYLE_DISCONTINUITY, /* borders between neighbours, by their difference */
    STYLE_POTENTIAL,     /* Stewart's potential, as equipotential bands */
    STYLE_GRID           /* values re-aggregated onto squares or hexagons */
} style_kind_t;

/* Kinds that draw proportional circles. */
static inline int style_has_circles(style_kind_t kind)
{
    return kind == STYLE_PROPORTIONAL || kind == STYLE_PROP_CHORO ||
           kind == STYLE_PROP_TYPO;
}

/* Kinds that read a second value per territory (color_variable or
 * color_expression). */
static inline int style_has_second(style_kind_t kind)
{
    return kind == STYLE_PROP_CHORO || kind == STYLE_PROP_TYPO ||
           kind == STYLE_BIVARIATE;
}

/* Kinds whose polygons are filled by their legend entry. */
static inline int style_fills_by_entry(style_kind_t kind)
{
    return kind == STYLE_CHOROPLETH || kind == STYLE_TYPOLOGY ||
           kind == STYLE_BIVARIATE || kind == STYLE_POTENTIAL ||
           kind == STYLE_GRID;
}

/* Kinds whose features are computed from the territories' values (bands
 * of a potential, cells of a grid): render_smooth.c, render_grid.c. */
static inline int style_is_derived(style_kind_t kind)
{
    return kind == STYLE_POTENTIAL || kind == STYLE_GRID;
}

/* Where a map element goes: corners are inside the map frame, left and
 * right are a column of the page beside it. */
typedef enum style_pos {
    STYLE_POS_NONE,
    STYLE_POS_TOP_LEFT,
    STYLE_POS_TOP_RIGHT,
    STYLE_POS_BOTTOM_LEFT,
    STYLE_POS_BOTTOM_RIGHT,
    STYLE_POS_LEFT,
    STYLE_POS_RIGHT
} style_pos_t;

typedef enum style_label_field {
    STYLE_LABEL_NAME,
    STYLE_LABEL_CODE,
    STYLE_LABEL_VALUE
} style_label_field_t;

typedef enum style_label_priority {
    STYLE_PRIORITY_AREA,    /* largest territories first */
    STYLE_PRIORITY_VALUE,   /* largest values first */
    STYLE_PRIORITY_VARIABLE /* largest values of another variable first */
} style_label_priority_t;

/* A page length as written: "2000px" or "210mm". */
typedef struct style_length {
    double value;
    int in_px;
} style_length_t;

typedef struct style_category {
    char *value; /* the category as the data gives it */
    char *label; /* legend text, defaults to value */
    tob_rgb_t color;
} style_category_t;

/* [layer.NAME]: the outlines (or fills) of another level. */
typedef struct style_layer {
    char name[STYLE_NAME_MAX];
    long line; /* of the first key, for messages */
    char *level;
    int vintage; /* 0 = the level's latest */
    char *filter;
    tob_rgb_t stroke;
    double stroke_width;
    tob_rgb_t fill;
    int below; /* drawn under the thematic features */
} style_layer_t;

/* [inset.NAME]: features taken out of the main map and drawn in their own
 * CRS in a framed box. */
typedef struct style_inset {
    char name[STYLE_NAME_MAX];
    long line;
    char *filter;
    int srid; /* 0 = the map's CRS */
    style_pos_t position;
    double width, height;
    char *title;
} style_inset_t;

typedef struct style_seen {
    char key[STYLE_NAME_MAX + 32]; /* "section.key" */
    long line;
} style_seen_t;

struct tob_style {
    char *name; /* the file, for messages */
    /* [map] */
    char *title, *subtitle, *source, *author;
    char *date; /* NULL = the day of rendering, "" = no date */
    style_length_t width, height;
    double dpi, margin;
    tob_rgb_t background;
    int srid; /* 0 = the store's */
    int has_extent;
    double extent[4]; /* xmin ymin xmax ymax in the map CRS */
    char *font;
    style_pos_t scalebar, north;
    int frame;
    int footer; /* the source line under the map */
    /* [data] */
    style_kind_t kind;
    char *level;
    int vintage; /* 0 = the level's latest */
    char *filter, *variable, *expression, *sql;
    char *color_variable, *color_expression; /* the second value */
    int year;                                /* 0 = the variable's latest */
    double timeout; /* seconds the style's SQL may run; 0 = the default */
    /* [classes] */
    tob_classify_method_t method;
    int k;
    double breaks[TOB_CLASSIFY_MAX + 1];
    size_t n_breaks;
    char *palette;
    int reverse;
    tob_rgb_t colors[STYLE_MAX_CATEGORIES];
    size_t n_colors;
    tob_rgb_t nodata_color;
    /* [polygons]: the thematic level's own fill and outline */
    tob_rgb_t fill, stroke;
    double stroke_width;
    /* [symbols]: circles of proportional and points maps */
    tob_rgb_t symbol_fill, symbol_stroke;
    double symbol_stroke_width, max_value, max_radius, min_radius;
    double point_size;
    int overlap; /* circles stay at their place, overlapping (default) */
    double legend_values[STYLE_MAX_LEGEND_VALUES];
    size_t n_legend_values;
    /* [discontinuity]: borders of neighbours */
    char *disc_type; /* "relative" (max / min, the default) or "absolute" */
    double disc_threshold, disc_min_width, disc_max_width;
    tob_rgb_t disc_color;
    /* [panels]: small multiples, one map per year or per variable on one
     * page with one scale (render_panels.c) */
    char *panels_by; /* "years" or "variables"; NULL = one map */
    double panel_years[STYLE_MAX_PANELS];
    size_t n_panel_years;
    char *panel_variables; /* "a,b,c": each panel's data.variable */
    int panel_columns;     /* 0 = what fits the page best */
    /* potential and grid: a count, or the ratio variable / denominator
     * (times ratio_factor) */
    char *denominator;
    double ratio_factor;
    /* [smoothing]: Stewart's potential */
    char *smooth_function; /* exponential (default), gaussian, pareto */
    double smooth_span, smooth_beta, smooth_resolution; /* metres; 0 = auto */
    /* [grid] */
    char *grid_cell;       /* square (default) or hexagon */
    double grid_cell_size; /* metres */
    int grid_clip;         /* cells cut along the territories' outline */
    /* [labels] */
    int labels;
    style_label_field_t label_field;
    style_label_priority_t label_priority;
    char *label_priority_var; /* STYLE_PRIORITY_VARIABLE: its name */
    double label_min_size, label_size;
    tob_rgb_t label_color, label_halo;
    int label_max;
    /* [legend] */
    style_pos_t legend;
    char *legend_title, *unit, *nodata_label;
    char *color_title; /* the second legend's (colours of circles) */
    int counts;
    int decimals; /* -1 = from the variable, else automatic */
    /* [categories], [layer.*], [inset.*] */
    style_category_t categories[STYLE_MAX_CATEGORIES];
    size_t n_categories;
    style_layer_t layers[STYLE_MAX_LAYERS];
    size_t n_layers;
    style_inset_t insets[STYLE_MAX_INSETS];
    size_t n_insets;
    /* Where each key was set, for checks that involve several keys. */
    style_seen_t *seen;
    size_t n_seen, cap_seen;
};

/* style_values.c: one key = value onto the style. source/line are where
 * it comes from; err gets the file, line and "section.key". */
tob_status_t style_apply(tob_style_t *style, const char *section,
                         const char *key, const char *value, long line,
                         tob_error_t *err);

/* style_check.c: the checks across keys, after every key is read. */
tob_status_t style_check(tob_style_t *style, tob_error_t *err);

/* style_panels.c: the checks of [panels] (small multiples). */
tob_status_t style_check_panels(const tob_style_t *style, tob_error_t *err);
/* The names of panels.variables into names; their count, -1 when one is
 * empty or longer than 127 bytes, or more than cap. */
int style_panel_names(const char *list, char names[][128], size_t cap);
/* style_check.c: an error about section.key at the line it was set. */
tob_status_t style_fail_at(const tob_style_t *style, const char *section,
                           const char *key, tob_error_t *err,
                           const char *message);

/* style_smooth.c: the keys of potential and grid maps. */
tob_status_t style_check_smooth(tob_style_t *style, tob_error_t *err);

/* Line where "section.key" was set, 0 if never. */
long style_line_of(const tob_style_t *style, const char *section,
                   const char *key);

/* Fills the defaults of a new style. */
void style_defaults(tob_style_t *style);

/* Page size in mm, from the lengths and the dpi. */
double style_length_mm(const tob_style_t *style, style_length_t len);

#endif
