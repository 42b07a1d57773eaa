/* qgis_internal.h - shared by qgis.c (the project: levels, layer tree,
 * file), qgis_style.c (a style's query and classes) and qgis_xml.c (the
 * XML of layers, symbols and renderers) (internal). */
#ifndef TERROBS_QGIS_INTERNAL_H
#define TERROBS_QGIS_INTERNAL_H

#include "terrobs/palette.h"
#include "terrobs/qgis.h"
#include "terrobs/style.h"

#include <glib.h>

#define QGIS_LABEL_MAX 192

/* One class (choropleth) or category (typology) of a renderer. */
typedef struct qgis_class {
    double lower, upper; /* choropleth bounds */
    char value[64];      /* typology value as QGIS prints it; "" = others */
    char label[QGIS_LABEL_MAX];
    tob_rgb_t color;
} qgis_class_t;

#define QGIS_MAX_CLASSES 32

/* How one layer looks. */
typedef enum qgis_renderer_kind {
    QGIS_OUTLINE,     /* a level's territories: light fill, outline */
    QGIS_FILL,        /* one fill colour (the no-data layer) */
    QGIS_GRADUATED,   /* choropleth */
    QGIS_CATEGORIZED, /* typology */
    QGIS_CIRCLES      /* proportional circles at centroids */
} qgis_renderer_kind_t;

typedef struct qgis_renderer {
    qgis_renderer_kind_t kind;
    const char *attr; /* the value column */
    qgis_class_t classes[QGIS_MAX_CLASSES];
    size_t n_classes;
    tob_rgb_t fill, stroke;
    double stroke_width; /* mm */
    tob_rgb_t symbol_fill, symbol_stroke;
    double max_value, max_radius, min_radius; /* circles, mm */
    int points;        /* categorized points: marker symbols */
    double point_size; /* their radius, mm */
} qgis_renderer_t;

/* One layer of the project. Strings are borrowed for the call. */
typedef struct qgis_layer {
    const char *name;   /* in the layer tree */
    const char *table;  /* a view name or "(SELECT ...)" */
    const char *subset; /* SQL filter, or NULL */
    int checked;        /* visible when the project opens */
    const qgis_renderer_t *renderer;
    int points; /* point geometries (a points map), else polygons */
} qgis_layer_t;

/* The project being built. */
typedef struct qgis_project {
    tob_store_t *st;
    const tob_qgis_options_t *opts;
    char *dbname; /* the store, relative to the project's folder; on
                   * PostgreSQL the connection (key='value'...), no password */
    char *crs;    /* <spatialrefsys>...</spatialrefsys> */
    GString *tree, *layers, *order;
    size_t n_layers, n_thematic, n_groups, n_left;
    double extent[4];
} qgis_project_t;

/* XML-escaped text. */
void qgis_xml_text(GString *b, const char *text);

/* Appends a <maplayer> to p->layers and a <layer-tree-layer> to p->tree. */
void qgis_add_layer(qgis_project_t *p, const qgis_layer_t *layer);

/* The <renderer-v2> element of r. */
void qgis_renderer_xml(GString *b, const qgis_renderer_t *r);

/* Adds the layers of one style of level (vintage) to the project: the
 * thematic layer and, when some values are missing, a no-data layer
 * under it. Returns TOB_OK with nothing added when the style does not
 * apply (p->opts->note is told why). */
TOB_NODISCARD tob_status_t qgis_add_style(qgis_project_t *p,
                                          const tob_style_t *style,
                                          const char *style_path, int vintage,
                                          int checked, tob_error_t *err);

/* Tells the caller's note callback why a style is left out. */
void qgis_note(qgis_project_t *p, const char *style_path, const char *fmt, ...)
    TOB_PRINTF(3, 4);

#endif
