/* qgis.h (entry point) - a QGIS project (.qgs) over a store: one group per
 * level, with the level's registered SpatiaLite view (one layer per vintage)
 * and one layer per map style of that level, whose classes and colours become a
 * graduated (choropleth), categorized (typology) or proportional-circle
 * renderer; project CRS = store CRS. The store path is written relative
 * to the project, so the folder can be moved as a whole. On a PostGIS
 * store the layers are PostGIS sources (the connection without its
 * password, the schema's views and queries). */
#ifndef TERROBS_QGIS_H
#define TERROBS_QGIS_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

typedef struct tob_qgis_options {
    /* styles/NAME.style files, in the order of the layer tree; borrowed. */
    const char *const *styles;
    size_t n_styles;
    const char *title; /* NULL = "Observatoire (STORE)" */
    int force;         /* replace an existing project */
    /* Told about each style left out (its level is not in the store, its
     * kind has no QGIS renderer here, its variable has no value), with
     * the reason; may be NULL. */
    void (*note)(void *user, const char *style, const char *why);
    void *note_user;
} tob_qgis_options_t;

typedef struct tob_qgis_summary {
    size_t n_groups;      /* levels */
    size_t n_layers;      /* every layer of the project */
    size_t n_thematic;    /* layers with a style's renderer */
    size_t n_styles_left; /* styles not used (see note) */
} tob_qgis_summary_t;

/* Writes the project of st to path (.qgs). Styles are read with
 * tob_style_read(); their breaks are computed on the store's values with
 * the classify module and their colours taken from the palette module,
 * as `terrobs map` does. The file is written aside and renamed into
 * place; an existing file is TOB_ERR_EXISTS unless opts->force.
 * summary may be NULL. Errors: TOB_ERR_ARG (path not .qgs), TOB_ERR_INPUT
 * or TOB_ERR_NOTFOUND (a style that cannot be read), TOB_ERR_EXISTS,
 * TOB_ERR_IO, TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_qgis_write(
    tob_store_t *st, const char *path, const tob_qgis_options_t *opts,
    tob_qgis_summary_t *summary, tob_error_t *err);

#endif
