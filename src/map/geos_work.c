/* geos_work.c - GEOS in C for kind = grid and kind = potential (see
 * geos_work.h): blobs read through WKB, results written back as
 * MultiPolygon blobs, the union of the territories in one cascaded union.
 */
#include "geos_work.h"

#include <stdlib.h>
#include <string.h>

tob_status_t geos_work_open(geos_work_t *g, tob_error_t *err)
{
    memset(g, 0, sizeof *g);
    g->h = GEOS_init_r();
    if (g->h != NULL) {
        g->reader = GEOSWKBReader_create_r(g->h);
        g->writer = GEOSWKBWriter_create_r(g->h);
    }
    if (g->reader == NULL || g->writer == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    GEOSWKBWriter_setByteOrder_r(g->h, g->writer, GEOS_WKB_NDR);
    GEOSWKBWriter_setOutputDimension_r(g->h, g->writer, 2);
    return TOB_OK;
}

void geos_work_close(geos_work_t *g)
{
    if (g->h == NULL)
        return;
    if (g->reader != NULL)
        GEOSWKBReader_destroy_r(g->h, g->reader);
    if (g->writer != NULL)
        GEOSWKBWriter_destroy_r(g->h, g->writer);
    GEOS_finish_r(g->h);
    memset(g, 0, sizeof *g);
}

GEOSGeometry *geos_work_read_wkb(geos_work_t *g, const unsigned char *wkb,
                                 size_t len)
{
    return GEOSWKBReader_read_r(g->h, g->reader, wkb, len);
}

GEOSGeometry *geos_work_read(geos_work_t *g, const unsigned char *blob,
                             size_t len)
{
    size_t n = 0;
    unsigned char *wkb = db_geom_wkb(blob, len, &n);
    GEOSGeometry *geom = wkb != NULL ? geos_work_read_wkb(g, wkb, n) : NULL;
    free(wkb);
    return geom;
}

GEOSGeometry *geos_work_polygon(geos_work_t *g, const double *xy, size_t n)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(g->h, (unsigned)n, 2);
    for (size_t i = 0; cs != NULL && i < n; i++)
        GEOSCoordSeq_setXY_r(g->h, cs, (unsigned)i, xy[2 * i], xy[2 * i + 1]);
    GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(g->h, cs) : NULL;
    return ring ? GEOSGeom_createPolygon_r(g->h, ring, NULL, 0) : NULL;
}

typedef struct parts {
    GEOSGeometry **items;
    size_t n, cap;
    int oom;
} parts_t;

/* Copies of the non-empty polygons of geom, at any depth, into p. */
static void add_polygons(geos_work_t *g, const GEOSGeometry *geom, parts_t *p)
{
    int type = GEOSGeomTypeId_r(g->h, geom);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(g->h, geom);
        for (int i = 0; i < n && !p->oom; i++)
            add_polygons(g, GEOSGetGeometryN_r(g->h, geom, i), p);
        return;
    }
    if (type != GEOS_POLYGON || GEOSisEmpty_r(g->h, geom) != 0)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        GEOSGeometry **more = realloc(p->items, cap * sizeof *more);
        if (more == NULL) {
            p->oom = 1;
            return;
        }
        p->items = more;
        p->cap = cap;
    }
    if ((p->items[p->n] = GEOSGeom_clone_r(g->h, geom)) == NULL)
        p->oom = 1;
    else
        p->n++;
}

int geos_work_take(render_t *r, geos_work_t *g, const GEOSGeometry *geom,
                   rfeat_t *f)
{
    parts_t p = {NULL, 0, 0, 0};
    add_polygons(g, geom, &p);
    GEOSGeometry *multi =
        p.n > 0 && !p.oom ? GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOLYGON,
                                                        p.items, (unsigned)p.n)
                          : NULL;
    if (multi == NULL) /* the collection owns its parts once made */
        for (size_t i = 0; i < p.n; i++)
            GEOSGeom_destroy_r(g->h, p.items[i]);
    int empty = p.n == 0 && !p.oom;
    free(p.items);
    if (multi == NULL)
        return empty ? 1 : -1;
    size_t n_wkb = 0, n_blob = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(g->h, g->writer, multi, &n_wkb);
    GEOSGeom_destroy_r(g->h, multi);
    unsigned char *blob =
        wkb != NULL ? db_geom_blob(wkb, n_wkb, r->store_srid, &n_blob) : NULL;
    if (wkb != NULL)
        GEOSFree_r(g->h, wkb);
    unsigned char *own = blob != NULL ? render_alloc(r, n_blob) : NULL;
    if (own != NULL) {
        memcpy(own, blob, n_blob);
        f->geom = own;
        f->geom_len = n_blob;
    }
    free(blob);
    return own != NULL && geom_mbr(f->geom, f->geom_len, f->mbr) == 0 ? 0 : -1;
}

tob_status_t geos_work_feats(render_t *r, geos_work_t *g, GEOSGeometry ***out,
                             tob_error_t *err)
{
    size_t n = r->feats.n;
    *out = calloc(n ? n : 1, sizeof **out);
    if (*out == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (((*out)[i] = geos_work_read(g, f->geom, f->geom_len)) == NULL)
            return tob_error_set(
                err, TOB_ERR_INPUT, "GEOS cannot read the geometry of %s %s",
                f->code ? f->code : "", f->name ? f->name : "");
    }
    return TOB_OK;
}

void geos_work_free_all(geos_work_t *g, GEOSGeometry **all, size_t n)
{
    for (size_t i = 0; all != NULL && i < n; i++)
        if (all[i] != NULL)
            GEOSGeom_destroy_r(g->h, all[i]);
    free(all);
}

tob_status_t geos_work_union(geos_work_t *g, GEOSGeometry *const *all, size_t n,
                             GEOSGeometry **out, tob_error_t *err)
{
    *out = NULL;
    GEOSGeometry **copies = malloc((n ? n : 1) * sizeof *copies);
    size_t made = 0;
    while (copies != NULL && made < n &&
           (copies[made] = GEOSGeom_clone_r(g->h, all[made])) != NULL)
        made++;
    GEOSGeometry *bag =
        copies != NULL && made == n
            ? GEOSGeom_createCollection_r(g->h, GEOS_GEOMETRYCOLLECTION, copies,
                                          (unsigned)n)
            : NULL;
    if (bag == NULL)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(g->h, copies[i]);
    free(copies);
    if (bag == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    *out = GEOSUnaryUnion_r(g->h, bag);
    GEOSGeom_destroy_r(g->h, bag);
    if (*out != NULL && GEOSisEmpty_r(g->h, *out) != 0) {
        GEOSGeom_destroy_r(g->h, *out);
        *out = NULL;
    }
    if (*out == NULL)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "GEOS could not merge the territories of the map");
    return TOB_OK;
}
