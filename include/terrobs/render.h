/* render.h (entry point) - thematic maps drawn with Cairo from a style and a
 * store: fills and outlines simplified to the output resolution, proportional
 * circles, points, labels without overlap, legend with counts, title,
 * source line, scale bar, north arrow and insets in their own CRS.
 * Files: PNG (libpng, with world file and .prj), SVG and PDF. */
#ifndef TERROBS_RENDER_H
#define TERROBS_RENDER_H

#include "terrobs/error.h"
#include "terrobs/palette.h"
#include "terrobs/store.h"
#include "terrobs/style.h"

#include "terrobs/classify.h"

#include <cairo.h>
#include <stddef.h>

/* Where a label went, for tests and callers that check placement: boxes
 * and points are in the output's units (PNG pixels, else user units), as
 * the report's geotransform. */
typedef struct tob_map_label {
    char code[32];       /* the territory's code ("" for points) */
    double box[4];       /* x0, y0, x1, y1 of the text with its halo */
    double cx, cy;       /* its circle's centre, or its polygon's anchor */
    double radius;       /* the circle's radius; 0 without a circle */
    int leader;          /* joined to its circle by a leader line */
    double leader_xy[4]; /* the line: x0, y0 (on the circle), x1, y1 */
} tob_map_label_t;

/* One scale shared by several maps of a style (maps that compare): the
 * class breaks of every year's values together, the largest value as the
 * value of the largest circle. See tob_render_shared_scale(). */
typedef struct tob_render_scale {
    double breaks[TOB_CLASSIFY_MAX + 1]; /* classes of the choropleth or of
                                            prop_choro's colours */
    size_t n_breaks;                     /* 0 = each map its own classes */
    double max_value; /* circles: value of max_radius; 0 = each map's own */
} tob_render_scale_t;

typedef struct tob_render_options {
    /* The date of the source line, "23/11/2026"; NULL = today (local
     * time). The style's map.date wins when set. */
    const char *today;
    /* tob_render_to_cairo: user units of cr per millimetre, which sizes
     * fonts and lines; 0 = PostScript points (72 / 25.4), as carnets use. */
    double units_per_mm;
    /* Bands of an image page drawn by worker threads: 0 = automatic
     * (two per core for large maps, at most 8), 1 = no thread (atlas
     * workers already run one map per core), N = N bands. */
    int threads;
    /* Optional: the first labels_cap labels placed are written here
     * (report.n_labels says how many were placed). Borrowed. */
    tob_map_label_t *labels;
    size_t labels_cap;
    /* Maps that compare: the year drawn instead of the style's data.year
     * (0 = the style's); "{year}" in map.title and map.subtitle becomes
     * the year drawn. */
    int year;
    /* Optional: the classes and circle scale to use instead of the ones
     * of this map's values (tob_render_shared_scale()). Borrowed. */
    const tob_render_scale_t *scale;
} tob_render_options_t;

#define TOB_LEGEND_MAX 32
#define TOB_PANELS_MAX 12 /* small multiples of a style's [panels] */
#define TOB_LEGEND_LABEL_MAX 192

/* One legend entry: a class, a category, or "Données non disponibles". */
typedef struct tob_legend_entry {
    char label[TOB_LEGEND_LABEL_MAX]; /* as drawn, UTF-8 */
    double lower, upper;              /* class bounds; NaN for categories */
    tob_rgb_t color;
    size_t count;   /* features in the entry */
    int is_missing; /* the "no data" entry */
} tob_legend_entry_t;

/* What a render drew, for tests, the carnet and `terrobs map`. */
typedef struct tob_map_report {
    size_t n_features; /* thematic features (main map and insets) */
    size_t n_missing;  /* of which without a value */
    size_t n_entries;
    tob_legend_entry_t entries[TOB_LEGEND_MAX];
    size_t n_labels;         /* labels placed */
    size_t n_labels_skipped; /* candidates left out to avoid overlaps */
    int srid;                /* CRS of the main map */
    /* Two classes (categories) of the legend a deuteranope or protanope
     * cannot tell apart, in one French sentence; "" when none. */
    char cvd_note[512];
    double legend_box[4];    /* x0, y0, x1, y1 of the legend, in the units
                                of the geotransform; all 0 without one */
    /* Main map: map coordinates of a point of the page, in the units of
     * the output (PNG pixels, else user units) as GDAL does it:
     * X = gt[0] + col * gt[1], Y = gt[3] + row * gt[5]. */
    double geotransform[6];
    /* Circles: the value drawn at symbols.max_radius (shared by every
     * panel of small multiples); 0 without circles. */
    double max_value;
    /* Small multiples ([panels] of the style): how many maps the page
     * holds, and the geotransform of each (geotransform is the first's;
     * legend entries are the shared classes, counts summed). */
    size_t n_panels;
    double panel_geotransform[TOB_PANELS_MAX][6];
} tob_map_report_t;

/* Draws the map of style from st into the rectangle (x, y, w, h) of cr's
 * user space; cr's state is saved and restored. The style's page size is
 * not used: the map fills the rectangle. opts and report may be NULL.
 * User SQL of the style (filter, expression, sql) runs with an authorizer
 * that allows reads only. Errors: TOB_ERR_NOTFOUND (level, variable),
 * TOB_ERR_INPUT (an SQL expression that fails or writes, no feature),
 * TOB_ERR_PROJ (a CRS), TOB_ERR_SQLITE, TOB_ERR_CAIRO, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_render_to_cairo(
    cairo_t *cr, double x, double y, double w, double h,
    const tob_style_t *style, tob_store_t *st, const tob_render_options_t *opts,
    tob_map_report_t *report, tob_error_t *err);

/* Renders to path, whose extension chooses the format: .png (libpng, at
 * the style's page size and dpi, with text chunks Title, Source and CRS,
 * plus PATH.pgw world file and PATH.prj), .svg or .pdf (Cairo, text kept
 * as text). Every file is written to "<file>.tmp" and renamed into place.
 * Errors as tob_render_to_cairo, plus TOB_ERR_ARG (unknown extension) and
 * TOB_ERR_IO. */
TOB_API TOB_NODISCARD tob_status_t
tob_render_file(const char *path, const tob_style_t *style, tob_store_t *st,
                const tob_render_options_t *opts, tob_map_report_t *report,
                tob_error_t *err);

/* Maps that compare: one scale for the maps of style at years[0..n)
 * (0 = the style's year), so that a colour or a circle means the same on
 * each. Choropleth and prop_choro: the style's method and k applied to the
 * values of all the years together (breaks equal tob_classify() over their
 * union); kinds with circles: max_value = the largest value of all the
 * years (the style's symbols.max_value wins when set). Other kinds get
 * n_breaks = 0. Errors as tob_render_to_cairo. */
TOB_API TOB_NODISCARD tob_status_t tob_render_shared_scale(
    const tob_style_t *style, tob_store_t *st, const int *years, size_t n_years,
    tob_render_scale_t *out, tob_error_t *err);

#endif
