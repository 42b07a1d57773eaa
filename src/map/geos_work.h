/* geos_work.h - the geometry work of kind = grid and kind = potential
 * (areas, intersections, the union of the territories) done by GEOS in C
 * on the blobs either engine gives (db_geom_wkb, db_geom_blob): the same
 * results on SpatiaLite and on PostGIS, and no geometry SQL to respell.
 * One context per render: any thread. */
#ifndef TERROBS_MAP_GEOS_WORK_H
#define TERROBS_MAP_GEOS_WORK_H

#include "render_internal.h"

#include <geos_c.h>

typedef struct geos_work {
    GEOSContextHandle_t h;
    GEOSWKBReader *reader;
    GEOSWKBWriter *writer;
} geos_work_t;

/* Opens the context; geos_work_close() after (also on failure). */
TOB_NODISCARD tob_status_t geos_work_open(geos_work_t *g, tob_error_t *err);
void geos_work_close(geos_work_t *g);

/* A render blob, or WKB, as a GEOS geometry the caller destroys with
 * GEOSGeom_destroy_r(g->h, ...); NULL when it is none. */
GEOSGeometry *geos_work_read(geos_work_t *g, const unsigned char *blob,
                             size_t len);
GEOSGeometry *geos_work_read_wkb(geos_work_t *g, const unsigned char *wkb,
                                 size_t len);
/* A closed ring of n points xy as a polygon; NULL when out of memory. */
GEOSGeometry *geos_work_polygon(geos_work_t *g, const double *xy, size_t n);

/* The polygons of geom (what SpatiaLite's CastToMultiPolygon(
 * CollectionExtract(geom, 3)) keeps) as a MultiPolygon blob of the store's
 * SRID in the render's memory, into f->geom, geom_len and mbr: 0 done, 1
 * when geom has no polygon (f untouched), -1 out of memory. */
int geos_work_take(render_t *r, geos_work_t *g, const GEOSGeometry *geom,
                   rfeat_t *f);

/* r->feats as GEOS geometries, (*out)[i] of item i; free them with
 * geos_work_free_all(). */
TOB_NODISCARD tob_status_t geos_work_feats(render_t *r, geos_work_t *g,
                                           GEOSGeometry ***out,
                                           tob_error_t *err);
void geos_work_free_all(geos_work_t *g, GEOSGeometry **all, size_t n);

/* The union of the n geometries all (the territories of the map); the
 * caller destroys *out. */
TOB_NODISCARD tob_status_t geos_work_union(geos_work_t *g,
                                           GEOSGeometry *const *all, size_t n,
                                           GEOSGeometry **out,
                                           tob_error_t *err);

#endif
