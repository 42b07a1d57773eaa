/* site_geom.h - the polygons of a level for the screen, with shared borders
 * kept shared: the rings are cut into arcs at the vertices where neighbours
 * meet (a border common to two territories is one arc), the arcs are
 * simplified together by GEOS (topology-preserving: no arc crosses
 * another) and each polygon is rebuilt from its arcs, so two neighbours
 * keep the very same border, and no gap or overlap appears between them.
 * Vertices are then reprojected to longitude/latitude and quantised. */
#ifndef TERROBS_SITE_GEOM_H
#define TERROBS_SITE_GEOM_H

#include "terrobs/error.h"

#include <stddef.h>
#include <stdio.h>

typedef struct site_topo site_topo_t;

/* Creates an empty topology for polygons in EPSG:srid. Caller frees
 * *out with site_topo_destroy(). */
tob_status_t site_topo_create(int srid, site_topo_t **out, tob_error_t *err);
void site_topo_destroy(site_topo_t *t); /* NULL is a no-op */

/* Adds feature number (the next one, from 0) from a WKB polygon or
 * multipolygon; NULL/0 adds a feature without geometry. Errors:
 * TOB_ERR_INPUT (not a polygon), TOB_ERR_NOMEM. */
tob_status_t site_topo_add(site_topo_t *t, const unsigned char *wkb, size_t len,
                           tob_error_t *err);

/* Cuts the arcs, simplifies them at tol (metres of the store CRS: 0 keeps
 * every vertex), reprojects to EPSG:4326 and quantises to a step of
 * about tol / 2. Errors: TOB_ERR_GDAL (reprojection), TOB_ERR_NOMEM. */
tob_status_t site_topo_finish(site_topo_t *t, double tol, tob_error_t *err);

/* Counts, after finish: features, unique arcs, and their vertices. */
size_t site_topo_n_features(const site_topo_t *t);
size_t site_topo_n_arcs(const site_topo_t *t);
size_t site_topo_n_vertices(const site_topo_t *t);
/* The bounding box lon0, lat0, lon1, lat1 of feature i (all NaN when it
 * has no geometry), and of the whole. */
void site_topo_bbox(const site_topo_t *t, size_t i, double box[4]);

/* Writes the topology as a JSON object: "step" (degrees per unit),
 * "origin", "bbox", "arcs" (each [x, y, dx, dy, ...] in units, delta
 * coded) and "shapes" (per feature, polygons of rings of arc indices, ~i
 * for an arc read backwards), as site.js decodes it. */
void site_topo_write_json(const site_topo_t *t, FILE *fp);

/* The rings of feature i in longitude/latitude, after quantisation, as
 * site.js rebuilds them: calls fn for each ring (polygon index within the
 * feature, 0 for an outer ring / 1 for a hole). For tests and the SVG maps
 * of territory pages. */
typedef void (*site_ring_fn)(void *user, size_t polygon, int hole,
                             const double *lonlat, size_t n);
void site_topo_rings(const site_topo_t *t, size_t i, site_ring_fn fn,
                     void *user);

#endif
