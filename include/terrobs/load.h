/* load.h (entry point) - territory boundaries from any OGR source into the
 * store: reprojected to the store CRS through OGR/PROJ, repaired (make-valid,
 * promoted to MULTIPOLYGON), codes checked, all in one transaction. */
#ifndef TERROBS_LOAD_H
#define TERROBS_LOAD_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

/* What to load. Strings are borrowed for the call. */
typedef struct tob_load_options {
    const char *level;        /* level name: commune, epci, qpv, scot... */
    const char *label;        /* human label of the level, NULL = default */
    const char *src;          /* any GDAL vector path, /vsizip/... too */
    const char *layer;        /* OGR layer, NULL = the only polygon layer */
    const char *code_field;   /* field holding the code */
    const char *name_field;   /* field holding the name */
    const char *parent_field; /* field holding the parent's code, or NULL */
    int vintage;              /* year of the geography, 0 = current year */
    const char *where;        /* OGR SQL attribute filter, or NULL */
    const char *s_srs;        /* source CRS when the file has none: EPSG:N */
    /* Who made the boundaries, for the source lines of maps and carnets
     * ("IGN, Admin Express COG 2018"); kept per level; NULL = unchanged. */
    const char *attribution;
    int replace; /* swap the whole (level, vintage) for this source */
    int append;  /* add to an existing (level, vintage); a code already
                  * there is an error (a store with Nord and Somme) */
    /* Features whose centre lies outside the source CRS's area of use
     * (PROJ's), or that read as longitude/latitude lie outside the store
     * CRS's area while the swapped pair lies in it, are an error listing
     * them (swapped coordinates, a wrong CRS); 1 loads them anyway. */
    int allow_outside;
    /* Called about every second with features done and the total (0 if
     * unknown); may be NULL. */
    void (*progress)(void *user, size_t done, size_t total);
    void *progress_user;
} tob_load_options_t;

/* What a load did. */
typedef struct tob_load_report {
    size_t n_loaded;   /* features written */
    size_t n_repaired; /* invalid geometries made valid */
    size_t n_removed;  /* with replace: territories no longer in the source */
    size_t n_recoded;  /* features whose text was not UTF-8, read as
                          Windows-1252 (a Latin-1 .dbf without .cpg) */
    int vintage;       /* the vintage used */
    char layer[256];   /* the OGR layer read */
    char checksum[65]; /* SHA-256 of the source file */
    /* With where and parent_field: the parents (territories of another
     * level with those codes) whose member count in the whole file, rows
     * left out by where too, is kept as their expected members (as
     * `relate --members` keeps a member table's); of them, those with
     * members outside where, with the first few: "1: 200069672 (102 of
     * 103)". */
    char parent_level[TOB_LEVEL_NAME_MAX + 1];
    size_t n_parents_kept;
    size_t n_parents_outside;
    char parents_outside[512];
} tob_load_report_t;

/* Loads opts->src into st. On any error nothing is written: the store is
 * as it was. Errors name the source, the feature number and code, and the
 * field: TOB_ERR_NOTFOUND (file, layer, field), TOB_ERR_INPUT (code,
 * geometry, duplicates, no CRS), TOB_ERR_EXISTS (level and vintage
 * already loaded, without replace), TOB_ERR_GDAL, TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t tob_load(tob_store_t *st,
                                            const tob_load_options_t *opts,
                                            tob_load_report_t *report,
                                            tob_error_t *err);

/* A layer-definition file (layers/NAME.layer): the same keys as the load
 * options, `key = value`, with src relative to the file's folder. */
typedef struct tob_layerdef tob_layerdef_t;

/* Reads path. Unknown keys and bad values are errors naming file, line and
 * key. Caller frees *out with tob_layerdef_destroy(). */
TOB_API TOB_NODISCARD tob_status_t tob_layerdef_read(const char *path,
                                                     tob_layerdef_t **out,
                                                     tob_error_t *err);

/* The options the file sets; borrowed until tob_layerdef_destroy(). */
TOB_API tob_load_options_t *tob_layerdef_options(tob_layerdef_t *def);

TOB_API void tob_layerdef_destroy(tob_layerdef_t *def);

#endif
