/* render_internal.h - what the render_*.c files share (internal): the
 * features read from the store, the map views, the page layout and the
 * text sink. Page units are the caller's user units; `u` converts mm. */
#ifndef TERROBS_RENDER_INTERNAL_H
#define TERROBS_RENDER_INTERNAL_H

#include "store/db.h"
#include "store/sql_guard.h"
#include "style_model.h"
#include "terrobs/render.h"

#include <cairo.h>
#include <ogr_srs_api.h>
#include <pango/pangocairo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- geometry blobs (render_geom.c) ---------------------------------- */

typedef enum geom_run_kind {
    GEOM_POINT,
    GEOM_LINE,
    GEOM_RING_OUTER,
    GEOM_RING_INNER
} geom_run_kind_t;

/* n vertices from pts, stride bytes apart, x then y as doubles. */
typedef struct geom_run {
    const unsigned char *pts;
    uint32_t n;
    size_t stride;
    geom_run_kind_t kind;
    int swap;
} geom_run_t;

typedef int (*geom_run_fn)(void *user, const geom_run_t *run);

/* Map coordinates to page: px = x0 + X * s, py = y0 - Y * s. */
typedef struct geom_xform {
    double x0, y0, s;
} geom_xform_t;

/* Calls fn for each run of a SpatiaLite blob (fn may be NULL: validation
 * only); -1 when the blob is malformed, compressed, or fn fails. */
int geom_walk(const unsigned char *b, size_t len, geom_run_fn fn, void *user);
/* The blob's MBR (xmin, ymin, xmax, ymax), after validating it. */
int geom_mbr(const unsigned char *b, size_t len, double mbr[4]);
/* Transforms every vertex in place and updates MBR and SRID. */
int geom_reproject(unsigned char *b, size_t len, int srid,
                   OGRCoordinateTransformationH ct);
/* A reusable buffer of page coordinates; free xy when done. With snap,
 * vertices kept are moved onto a grid of the output (see
 * geom_scratch_snap_to()). */
typedef struct geom_scratch {
    double *xy;
    size_t cap; /* doubles */
    int snap;
    cairo_matrix_t to_dev, from_dev; /* page units <-> output points */
    double eps;                      /* simplification, page units */
    size_t *stack;                   /* Douglas-Peucker's, n_stack long */
    unsigned char *keep;
    size_t n_stack;
} geom_scratch_t;

/* Frees what a scratch holds; the scratch may be reused after. */
void geom_scratch_free(geom_scratch_t *s);

/* On a vector output (PDF, SVG, recording surface), lines drawn on cr are
 * simplified (Douglas-Peucker within 0.2 pt of the output, or half the
 * style's tolerance tol when coarser, in page units) and their vertices
 * snapped to a quarter-point grid, repeats kept once: invisible (a pixel
 * at 150 dpi is 0.48 pt), but far fewer and shorter numbers are written.
 * Raster outputs are left alone (their tolerance is the pixel's). Call
 * it when cr's matrix is the drawing's. */
void geom_scratch_snap_to(geom_scratch_t *s, cairo_t *cr, double tol);

/* Calls fn with each ring or line in page units (x, y pairs), vertices
 * closer than tol to the last one kept dropped while transforming. */
typedef int (*geom_ring_fn)(void *user, const double *xy, size_t n,
                            geom_run_kind_t kind);
int geom_rings_px(const unsigned char *b, size_t len, const geom_xform_t *t,
                  double tol, geom_scratch_t *scratch, geom_ring_fn fn,
                  void *user);
/* Appends the rings to cr's path that way. */
int geom_path(cairo_t *cr, const unsigned char *b, size_t len,
              const geom_xform_t *t, double tol, geom_scratch_t *scratch);
int geom_first_point(const unsigned char *b, size_t len, double *x, double *y);
/* A double of a blob; inline: it runs for every vertex drawn. */
static inline double geom_read_double(const unsigned char *p, int swap)
{
    double v;
    if (!swap) {
        memcpy(&v, p, 8);
        return v;
    }
    unsigned char t[8];
    for (int i = 0; i < 8; i++)
        t[i] = p[7 - i];
    memcpy(&v, t, 8);
    return v;
}

/* ---- PNG image data (render_png.c) ---------------------------------- */

/* The zlib stream of a PNG's IDAT for an ARGB32 image (opaque, or
 * unpremultiplied here), unfiltered RGB rows at zlib `level`, deflated on
 * up to 4 threads; the bytes depend on the image only. *out is malloc'd.
 * 0, or -1 out of memory. */
int png_deflate_rows(const unsigned char *data, int stride, int w, int h,
                     int level, unsigned char **out, size_t *out_len);

/* ---- features ------------------------------------------------------- */

#define NO_CLASS ((size_t)-1)

typedef struct rfeat {
    tob_id_t id;               /* territory id, 0 for points */
    char *code, *name, *label; /* label: points' sql label column */
    char *category;            /* typology and points; NULL = missing */
    double value;              /* NaN = missing */
    double value2;             /* the second value (colour, y); NaN */
    double priority;           /* labels.priority = a variable; NaN = none */
    unsigned char *geom;       /* own copy, in the CRS of its view */
    size_t geom_len;
    double mbr[4];
    double ax, ay; /* anchor for labels and circles (view CRS); NaN = none */
    int view;      /* 0 = main map, 1 + i = inset i */
    size_t entry;  /* legend entry, NO_CLASS if none */
    size_t entry2; /* prop_choro, prop_typo: the circle's colour entry */
    double radius; /* proportional: mm, 0 = no circle */
    double off_x, off_y; /* points: mm from the place, when several share it */
} rfeat_t;

typedef struct rset {
    rfeat_t *items;
    size_t n, cap;
} rset_t;

/* ---- page ------------------------------------------------------------ */

typedef struct rbox {
    double x0, y0, x1, y1;
} rbox_t;

/* A map frame on the page and the extent it shows. */
typedef struct rview {
    rbox_t frame;
    double ext[4]; /* xmin ymin xmax ymax, view CRS */
    int srid;
    int has_data;
    geom_xform_t t;
} rview_t;

/* A text drawn on an SVG page, written as <text> after Cairo's output. */
typedef struct rtext {
    double x, y; /* baseline start */
    double size;
    int bold, italic;
    tob_rgb_t color, halo;
    double halo_width;
    char *text;
} rtext_t;

#define RENDER_MAX_VIEWS (1 + STYLE_MAX_INSETS)

typedef struct arena_block arena_block_t;
#define RENDER_MAX_RESERVED 24

typedef struct render {
    const tob_style_t *style; /* &own_style */
    tob_style_t own_style;    /* the caller's, with opts' year and scale */
    char own_text[7][512];    /* its texts with {year} replaced */
    tob_store_t *st;
    cairo_t *cr;
    double u;   /* user units per mm */
    double tol; /* simplification tolerance, user units */
    rbox_t page;
    int store_srid;
    char today[16];
    /* data */
    rset_t feats;   /* thematic polygons (base polygons for points) */
    rset_t points;  /* kind = points */
    rset_t borders; /* kind = discontinuity: radius = line width, mm */
    double entry_width[TOB_LEGEND_MAX]; /* discontinuity: mm per entry */
    rset_t layers[RENDER_MAX_VIEWS][STYLE_MAX_LAYERS]; /* per view */
    char auto_source[512]; /* the source line when the style has none */
    char var_label[256], var_unit[64];   /* of [data] variable */
    char var2_label[256], var2_unit[64]; /* of color_variable */
    int decimals2;
    size_t n_size_entries;   /* circles: entries [0, n) are reference sizes */
    double bi_x[4], bi_y[4]; /* bivariate: the bounds of the 3 x 3 classes */
    char legend_title[384];
    int decimals;
    double max_value; /* proportional: value of max_radius */
    tob_rgb_t other_color;
    /* layout */
    rview_t views[RENDER_MAX_VIEWS];
    size_t n_views;
    rbox_t reserved[RENDER_MAX_RESERVED]; /* labels keep off these */
    size_t n_reserved;
    rbox_t legend_box;
    rbox_t inset_boxes[STYLE_MAX_INSETS]; /* frame and title of each */
    double footer_y;
    /* text sink for SVG: when on, texts are recorded, not drawn */
    int text_as_svg;
    int text_lost; /* a text could not be recorded (out of memory) */
    rtext_t *texts;
    size_t n_texts, cap_texts;
    char *svg_territories; /* SVG: the <g> of territories, malloc'd */
    tob_map_report_t *report;
    sql_guard_t guard;      /* sql_guard.h: on while users' SQL runs */
    geom_scratch_t scratch; /* the drawing thread's */
    arena_block_t *arena;   /* feature strings and blobs */
    /* the store's variable names, sorted, read at the first question
     * (an expression's every word is asked about); in the arena */
    char **var_names;
    size_t n_var_names;
    int var_names_read;
    int threads; /* workers for raster pages, 0 = per core */
    int panel;   /* 1 + its index on a page of small multiples, else 0 */
    tob_map_label_t *label_out; /* the caller's record of labels */
    size_t label_cap;
} render_t;

/* render.c: draws the map into page on cr; with out_texts, the SVG texts
 * recorded (text_as_svg) are handed over in out_texts->texts. */
tob_status_t render_map(cairo_t *cr, rbox_t page, double units_per_mm,
                        int text_as_svg, const tob_style_t *style,
                        tob_store_t *st, const tob_render_options_t *opts,
                        tob_map_report_t *report, render_t *out_texts,
                        tob_error_t *err);

/* render.c: r->style = style with opts' year and scale (maps that
 * compare); render_release() frees what a render holds but r itself. */
void render_use_style(render_t *r, const tob_style_t *style,
                      const tob_render_options_t *opts);
void render_release(render_t *r);
/* The drawing's fields of r, whose style is set (render_use_style()). */
void render_setup(render_t *r, cairo_t *cr, rbox_t page, double units_per_mm,
                  int text_as_svg, tob_store_t *st, tob_map_report_t *report);
/* The page's background colour over r->page. */
void render_page_ground(render_t *r);
/* r->today: opts' date, else today's (local time). */
void render_set_today(render_t *r, const tob_render_options_t *opts);

/* render_compare.c: the values of several maps pooled, for one scale. */
typedef struct render_gather {
    double *vals; /* the classified values (free when done) */
    size_t n, cap;
    double top;                /* the largest size value */
    char label[256], unit[64]; /* of the last map's variable */
    char source[512];          /* the last map's automatic sources */
} render_gather_t;
tob_status_t render_gather(const tob_style_t *style, tob_store_t *st, int year,
                           render_gather_t *g, tob_error_t *err);
/* The scale of the pooled values: the style's method and k over g->vals,
 * the circles' largest value g->top (symbols.max_value wins). */
tob_status_t render_scale_of(const tob_style_t *style, const render_gather_t *g,
                             tob_render_scale_t *out, tob_error_t *err);

/* render_panels.c: style->panels_by set: the panels, their shared scale
 * and one legend, title and source line on page (arguments as
 * render_map's). */
tob_status_t render_panels(cairo_t *cr, rbox_t page, double units_per_mm,
                           int text_as_svg, const tob_style_t *style,
                           tob_store_t *st, const tob_render_options_t *opts,
                           tob_map_report_t *report, render_t *out_texts,
                           tob_error_t *err);
/* A map drawn as panel number `panel` (1-based) of a page: SVG ids
 * prefixed "pN-" so that they stay unique. */
tob_status_t render_map_panel(cairo_t *cr, rbox_t page, double units_per_mm,
                              int text_as_svg, const tob_style_t *style,
                              tob_store_t *st, const tob_render_options_t *opts,
                              tob_map_report_t *report, render_t *out_texts,
                              int panel, tob_error_t *err);

/* render_data.c */
tob_status_t render_fetch(render_t *r, tob_error_t *err);
/* The outlines of a background layer whose MBR meets box (store CRS). */
tob_status_t render_fetch_layer(render_t *r, const style_layer_t *layer,
                                const double box[4], rset_t *out,
                                tob_error_t *err);
/* The vintage to draw: wanted if loaded, else the latest. */
tob_status_t render_level_vintage(render_t *r, const char *level, int wanted,
                                  int *out, tob_error_t *err);
void rset_free(rset_t *set);
/* A new feature at the end of set (no values, no class); NULL when out of
 * memory. */
rfeat_t *rset_push(rset_t *set);
/* Copies blob column col into f->geom (the render's memory); 0 when it is
 * a geometry terrobs reads. */
int render_take_geom(render_t *r, rfeat_t *f, db_stmt_t *stmt, int col);
/* Whether (x, y), in the view's CRS, lies inside f's polygons. */
int render_feature_contains(const rfeat_t *f, double x, double y);
/* Memory that lives as long as the render; NULL when out of memory. */
void *render_alloc(render_t *r, size_t n);
void render_arena_free(render_t *r);

/* render_sql.c: user SQL under a read-only authorizer, which
 * render_guard(r, 1) installs on the store's connection until
 * render_guard(r, 0): every statement prepared meanwhile must only read. */
void render_guard(render_t *r, int on);
tob_status_t render_prepare_user(render_t *r, const char *sql, db_stmt_t **stmt,
                                 tob_error_t *err);
tob_status_t render_step_user(render_t *r, db_stmt_t *stmt, int *rc,
                              tob_error_t *err);

/* render_borders.c: the borders of neighbours with their difference
 * (kind = discontinuity), and their drawing in a view. */
tob_status_t render_fetch_borders(render_t *r, int vintage, tob_error_t *err);
tob_status_t render_draw_borders(render_t *r, const rview_t *v, int view,
                                 tob_error_t *err);

/* render_smooth.c, render_grid.c: kind = potential, grid: the
 * territories read are replaced by the bands of their potential or the
 * cells of a grid, each with its value (store CRS). */
tob_status_t render_potential(render_t *r, tob_error_t *err);
tob_status_t render_grid(render_t *r, tob_error_t *err);
/* num, or num / den * data.factor when the style has a denominator (NaN
 * when den is not positive); render_ratio_unit() gives a ratio the
 * style's unit instead of its numerator's. */
double render_ratio(const render_t *r, double num, double den);
void render_ratio_unit(render_t *r);

/* render_classes.c: classes, categories, radii -> legend entries. */
tob_status_t render_classify(render_t *r, tob_error_t *err);

/* render_view.c: CRS, extents, reprojection, drawing in a view. */
/* EPSG:from -> EPSG:to in x/y order; NULL with err set (err may be NULL).
 * Caller destroys it with OCTDestroyCoordinateTransformation(). */
OGRCoordinateTransformationH render_transform(int from, int to,
                                              tob_error_t *err);
tob_status_t render_prepare_views(render_t *r, tob_error_t *err);
/* Fits v->ext in v->frame (centred, aspect kept) and widens ext to what
 * the frame shows. */
void render_fit_view(rview_t *v);
/* Background layers of every view, within each view's extent. */
tob_status_t render_load_layers(render_t *r, tob_error_t *err);
void render_draw_layers(render_t *r, const rview_t *v, int view, int below);
/* render_fill.c: the view's polygons, filled by entry, then outlined. */
void render_draw_features(render_t *r, const rview_t *v, int view);
tob_status_t render_draw_symbols(render_t *r, const rview_t *v, int view,
                                 tob_error_t *err);

/* render_dorling.c: symbols.overlap = no: circles moved apart, in
 * f->off_x, off_y (mm). */
void render_spread_circles(render_t *r, const rview_t *v, int view);

/* render_legend.c */
void render_legend_size(render_t *r, double *w, double *h);
void render_legend_draw(render_t *r, rbox_t box);

/* render_labels.c */
tob_status_t render_labels(render_t *r, tob_error_t *err);

/* render_deco.c: title block, footer, scale bar, north arrow, insets. */
/* Places title, footer, legend, map frame and insets; fits the views. */
void render_layout(render_t *r);
void render_inset_ground(render_t *r, size_t i);
void render_inset_scale(render_t *r, size_t i);
/* Reserves the inset boxes and draws and reserves scale bar and north. */
void render_reserve_decorations(render_t *r);
/* Frame, legend, title and footer, on top of everything. */
void render_decorations(render_t *r);
void render_reserve(render_t *r, rbox_t box);
int box_overlaps(rbox_t a, rbox_t b);

/* render_text.c: Pango text, recorded instead when text_as_svg. */
typedef struct rfont {
    double size_pt;
    int bold, italic;
    tob_rgb_t color;
    tob_rgb_t halo; /* alpha 0 = no halo */
    double wrap;    /* user units; 0 = one line */
} rfont_t;

/* Size of text in user units (width, height of its logical box). */
void text_measure(render_t *r, const char *text, const rfont_t *f, double *w,
                  double *h);
/* Draws text with its logical box's top-left at (x, y). */
void text_draw(render_t *r, const char *text, const rfont_t *f, double x,
               double y);
void text_sink_free(render_t *r);
/* render_svg.c: for SVG, each territory as a <path id="t-CODE"> with a
 * <title>, into r->svg_territories. */
tob_status_t render_svg_territories(render_t *r, tob_error_t *err);
void svg_put_escaped(FILE *out, const char *s);

/* The recorded texts as an SVG group, after the territories'. */
void render_write_svg_texts(const render_t *r, FILE *out);

static inline void set_color(cairo_t *cr, tob_rgb_t c)
{
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0,
                          c.a / 255.0);
}

#endif
