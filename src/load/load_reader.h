/* load_reader.h - a thread that reads and reprojects features while the
 * caller repairs and inserts them: GeoJSON parsing on one core, repairs
 * and the store's writes on the other, and PROJ's reprojection and GEOS's
 * validity test on whichever has time for them. Internal to load.c. */
#ifndef TERROBS_LOAD_READER_H
#define TERROBS_LOAD_READER_H

#include "terrobs/error.h"

#include <ogr_api.h>
#include <ogr_srs_api.h>

/* One feature, owned by the caller once returned. */
typedef struct tob_feature_item {
    long long n; /* 1-based feature number in reading order */
    char *code;  /* trimmed field values, "" when null */
    char *name;
    char *parent;
    OGRGeometryH geom; /* reprojected, or NULL when the feature has none */
    int pending;       /* geom not reprojected yet: reader_next does it */
    int projected;     /* 0 when reprojection failed (absurd coordinates) */
    int valid;         /* OGR_G_IsValid() of the projected geometry (a
                          fifth of a load's time), when tested */
    int tested;        /* valid is known: the reader tests while the
                          caller lags behind (the queue at least half
                          full); else the caller tests (feature_is_valid) */
    int recoded;       /* some text was not UTF-8: read as Windows-1252 */
    char problem[160]; /* why the coordinates are absurd, "" if unknown */
    /* Outside the source CRS's area of use (or, read as longitude and
     * latitude, outside the store CRS's area while the swapped pair lies
     * in it): why, e.g. "longitude 50.63, latitude 3.05 is outside ...";
     * "" when inside or unknown. The geometry is still projected. */
    char outside[400];
} tob_feature_item_t;

void feature_item_free(tob_feature_item_t *item); /* NULL is a no-op */
/* Whether item's projected geometry is valid, tested now unless the
 * reader did. */
int feature_is_valid(tob_feature_item_t *item);

typedef struct tob_reader tob_reader_t;

/* Starts reading layer (the caller must not touch the layer or its
 * dataset until reader_stop) on a thread. from is cloned; the
 * transformation to EPSG:to_srid is made on the reader's thread, with its
 * own PROJ context, and another on the caller's, for the features the
 * reader leaves it to reproject. i_parent may be -1. */
TOB_NODISCARD tob_status_t reader_start(OGRLayerH layer, int i_code, int i_name,
                                        int i_parent, OGRSpatialReferenceH from,
                                        int to_srid, tob_reader_t **out,
                                        tob_error_t *err);

/* Waits for the next feature, reprojected: TOB_OK with *item set, TOB_OK
 * with *item NULL at the end, or the reader's error (a GDAL read failure,
 * naming the feature that could not be read). */
TOB_NODISCARD tob_status_t reader_next(tob_reader_t *r,
                                       tob_feature_item_t **item,
                                       tob_error_t *err);

/* Stops the thread (early stop is fine), joins it and frees everything.
 * NULL is a no-op. */
void reader_stop(tob_reader_t *r);

#endif
