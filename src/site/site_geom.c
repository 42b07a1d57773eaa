/* site_geom.c - shared arcs of a level's polygons, simplified together by
 * GEOS, reprojected and quantised (see site_geom.h). The arcs are found as
 * TopoJSON does: a vertex is a junction where the rings through it do not
 * all have the same two neighbours there; rings are cut at junctions and
 * identical arcs (either way round) are kept once. */
#include "site_geom.h"

#include <geos_c.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

typedef struct ring {
    size_t start, n; /* closed: ids[start + n - 1] == ids[start] */
    size_t feature, polygon;
    int hole;
    size_t arc_start, arc_n; /* refs in ring_arcs */
} ring_t;

typedef struct arc {
    size_t start, n;   /* original vertex ids in arc_ids */
    size_t qstart, qn; /* quantised points (pairs) in q */
} arc_t;

struct site_topo {
    GEOSContextHandle_t gh;
    int srid;
    double *xy; /* vertex id -> x, y */
    size_t n_v, cap_v;
    uint32_t *vtable; /* open addressing: vertex id + 1, 0 = empty */
    size_t vcap;
    uint32_t *ids; /* ring vertex ids */
    size_t n_ids, cap_ids;
    ring_t *rings;
    size_t n_rings, cap_rings;
    size_t n_features;
    size_t n_polygons_of_last; /* polygons of the feature being added */
    /* arcs */
    uint32_t *arc_ids;
    size_t n_arc_ids, cap_arc_ids;
    arc_t *arcs;
    size_t n_arcs, cap_arcs;
    uint32_t *atable; /* arc index + 1 */
    size_t acap;
    long *ring_arcs; /* arc index, or ~index read backwards */
    size_t n_ring_arcs, cap_ring_arcs;
    /* result */
    int32_t *q; /* absolute quantised x, y pairs */
    size_t n_q, cap_q;
    double step, origin[2];
    double bbox[4];
    double *fbox; /* 4 per feature */
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *n = realloc(*p, c * size);
    if (n == NULL)
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_xy(double x, double y)
{
    uint64_t a, b;
    memcpy(&a, &x, 8);
    memcpy(&b, &y, 8);
    return mix(a ^ mix(b));
}

static int rehash_vertices(site_topo_t *t)
{
    size_t cap = t->vcap ? t->vcap * 2 : 4096;
    uint32_t *tab = calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -1;
    for (size_t v = 0; v < t->n_v; v++) {
        size_t h = hash_xy(t->xy[2 * v], t->xy[2 * v + 1]) & (cap - 1);
        while (tab[h] != 0)
            h = (h + 1) & (cap - 1);
        tab[h] = (uint32_t)v + 1;
    }
    free(t->vtable);
    t->vtable = tab;
    t->vcap = cap;
    return 0;
}

/* The id of vertex (x, y), added if new; NONE when out of memory. */
static uint32_t vertex_id(site_topo_t *t, double x, double y)
{
    if ((t->n_v + 1) * 2 > t->vcap && rehash_vertices(t) != 0)
        return NONE;
    size_t h = hash_xy(x, y) & (t->vcap - 1);
    for (; t->vtable[h] != 0; h = (h + 1) & (t->vcap - 1)) {
        uint32_t v = t->vtable[h] - 1;
        if (t->xy[2 * v] == x && t->xy[2 * v + 1] == y)
            return v;
    }
    if (t->n_v >= NONE - 1 ||
        grow((void **)&t->xy, &t->cap_v, 2 * (t->n_v + 1), sizeof *t->xy))
        return NONE;
    t->xy[2 * t->n_v] = x;
    t->xy[2 * t->n_v + 1] = y;
    t->vtable[h] = (uint32_t)t->n_v + 1;
    return (uint32_t)t->n_v++;
}

tob_status_t site_topo_create(int srid, site_topo_t **out, tob_error_t *err)
{
    *out = NULL;
    site_topo_t *t = calloc(1, sizeof *t);
    if (t == NULL || (t->gh = GEOS_init_r()) == NULL) {
        free(t);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    t->srid = srid;
    for (int i = 0; i < 4; i++)
        t->bbox[i] = NAN;
    *out = t;
    return TOB_OK;
}

void site_topo_destroy(site_topo_t *t)
{
    if (t == NULL)
        return;
    GEOS_finish_r(t->gh);
    free(t->xy);
    free(t->vtable);
    free(t->ids);
    free(t->rings);
    free(t->arc_ids);
    free(t->arcs);
    free(t->atable);
    free(t->ring_arcs);
    free(t->q);
    free(t->fbox);
    free(t);
}

/* Appends a ring of GEOS geometry g to the current feature. */
static int add_ring(site_topo_t *t, const GEOSGeometry *g, size_t polygon,
                    int hole)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(t->gh, g);
    unsigned int n = 0;
    if (cs == NULL || !GEOSCoordSeq_getSize_r(t->gh, cs, &n))
        return -1;
    if (n < 4)
        return 0; /* degenerate: nothing to draw */
    if (grow((void **)&t->ids, &t->cap_ids, t->n_ids + n, sizeof *t->ids) ||
        grow((void **)&t->rings, &t->cap_rings, t->n_rings + 1,
             sizeof *t->rings))
        return -1;
    size_t start = t->n_ids;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(t->gh, cs, i, &x, &y))
            return -1;
        uint32_t v = vertex_id(t, x, y);
        if (v == NONE)
            return -1;
        if (t->n_ids > start && t->ids[t->n_ids - 1] == v)
            continue; /* repeated vertex */
        t->ids[t->n_ids++] = v;
    }
    if (t->n_ids - start < 4 || t->ids[start] != t->ids[t->n_ids - 1]) {
        t->n_ids = start; /* collapsed, or not closed */
        return 0;
    }
    ring_t *r = &t->rings[t->n_rings++];
    memset(r, 0, sizeof *r);
    r->start = start;
    r->n = t->n_ids - start;
    r->feature = t->n_features;
    r->polygon = polygon;
    r->hole = hole;
    return 0;
}

static int add_polygon(site_topo_t *t, const GEOSGeometry *p, size_t polygon)
{
    size_t before = t->n_rings;
    if (add_ring(t, GEOSGetExteriorRing_r(t->gh, p), polygon, 0))
        return -1;
    if (t->n_rings == before)
        return 0; /* no outer ring: its holes are nothing */
    int n = GEOSGetNumInteriorRings_r(t->gh, p);
    for (int i = 0; i < n; i++)
        if (add_ring(t, GEOSGetInteriorRingN_r(t->gh, p, i), polygon, 1))
            return -1;
    return 0;
}

tob_status_t site_topo_add(site_topo_t *t, const unsigned char *wkb, size_t len,
                           tob_error_t *err)
{
    if (wkb == NULL || len == 0) {
        t->n_features++;
        return TOB_OK;
    }
    GEOSWKBReader *rd = GEOSWKBReader_create_r(t->gh);
    GEOSGeometry *g = rd ? GEOSWKBReader_read_r(t->gh, rd, wkb, len) : NULL;
    if (rd)
        GEOSWKBReader_destroy_r(t->gh, rd);
    int type = g ? GEOSGeomTypeId_r(t->gh, g) : -1;
    tob_status_t status = TOB_OK;
    if (type == GEOS_POLYGON) {
        if (add_polygon(t, g, 0))
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else if (type == GEOS_MULTIPOLYGON) {
        int n = GEOSGetNumGeometries_r(t->gh, g);
        for (int i = 0; i < n && status == TOB_OK; i++)
            if (add_polygon(t, GEOSGetGeometryN_r(t->gh, g, i), (size_t)i))
                status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else {
        status = tob_error_set(err, TOB_ERR_INPUT, "feature %zu: not a polygon",
                               t->n_features);
    }
    if (g)
        GEOSGeom_destroy_r(t->gh, g);
    t->n_features++;
    return status;
}

/* ---- arcs ------------------------------------------------------------ */

/* Marks the junctions: vertices where two ring passages differ in their
 * unordered pair of neighbours. */
static unsigned char *find_junctions(const site_topo_t *t)
{
    uint32_t *na = malloc((t->n_v ? t->n_v : 1) * sizeof *na);
    uint32_t *nb = malloc((t->n_v ? t->n_v : 1) * sizeof *nb);
    unsigned char *junction = calloc(t->n_v ? t->n_v : 1, 1);
    if (na == NULL || nb == NULL || junction == NULL) {
        free(na);
        free(nb);
        free(junction);
        return NULL;
    }
    for (size_t v = 0; v < t->n_v; v++)
        na[v] = nb[v] = NONE;
    for (size_t r = 0; r < t->n_rings; r++) {
        const uint32_t *ids = t->ids + t->rings[r].start;
        size_t m = t->rings[r].n - 1; /* distinct positions */
        for (size_t k = 0; k < m; k++) {
            uint32_t v = ids[k], p = ids[(k + m - 1) % m], n = ids[(k + 1) % m];
            uint32_t lo = p < n ? p : n, hi = p < n ? n : p;
            if (na[v] == NONE) {
                na[v] = lo;
                nb[v] = hi;
            } else if (na[v] != lo || nb[v] != hi) {
                junction[v] = 1;
            }
        }
    }
    free(na);
    free(nb);
    return junction;
}

static int same_arc(const uint32_t *a, const uint32_t *b, size_t n, int back)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[back ? n - 1 - i : i])
            return 0;
    return 1;
}

static size_t arc_key(const uint32_t *s, size_t n, size_t cap)
{
    uint32_t lo = s[0] < s[n - 1] ? s[0] : s[n - 1];
    uint32_t hi = s[0] < s[n - 1] ? s[n - 1] : s[0];
    return (size_t)(mix(((uint64_t)lo << 32 | hi) ^ mix(n)) & (cap - 1));
}

static int rehash_arcs(site_topo_t *t)
{
    size_t cap = t->acap ? t->acap * 2 : 4096;
    uint32_t *tab = calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -1;
    for (size_t a = 0; a < t->n_arcs; a++) {
        size_t h = arc_key(t->arc_ids + t->arcs[a].start, t->arcs[a].n, cap);
        while (tab[h] != 0)
            h = (h + 1) & (cap - 1);
        tab[h] = (uint32_t)a + 1;
    }
    free(t->atable);
    t->atable = tab;
    t->acap = cap;
    return 0;
}

/* The reference of arc s[0..n): an existing arc either way round, or a
 * new one. Returns 0, -1 when out of memory. */
static int arc_ref(site_topo_t *t, const uint32_t *s, size_t n, long *ref)
{
    if ((t->n_arcs + 1) * 2 > t->acap && rehash_arcs(t) != 0)
        return -1;
    size_t h = arc_key(s, n, t->acap);
    for (; t->atable[h] != 0; h = (h + 1) & (t->acap - 1)) {
        const arc_t *a = &t->arcs[t->atable[h] - 1];
        if (a->n != n)
            continue;
        const uint32_t *o = t->arc_ids + a->start;
        if (same_arc(o, s, n, 0)) {
            *ref = (long)(t->atable[h] - 1);
            return 0;
        }
        if (same_arc(o, s, n, 1)) {
            *ref = ~(long)(t->atable[h] - 1);
            return 0;
        }
    }
    if (grow((void **)&t->arc_ids, &t->cap_arc_ids, t->n_arc_ids + n,
             sizeof *t->arc_ids) ||
        grow((void **)&t->arcs, &t->cap_arcs, t->n_arcs + 1, sizeof *t->arcs))
        return -1;
    memcpy(t->arc_ids + t->n_arc_ids, s, n * sizeof *s);
    t->arcs[t->n_arcs] = (arc_t){t->n_arc_ids, n, 0, 0};
    t->n_arc_ids += n;
    t->atable[h] = (uint32_t)t->n_arcs + 1;
    *ref = (long)t->n_arcs++;
    return 0;
}

/* Cuts ring r at its junctions (a ring with none is one closed arc,
 * started at its smallest vertex id so that twins match). */
static int cut_ring(site_topo_t *t, ring_t *r, const unsigned char *junction,
                    uint32_t *scratch)
{
    const uint32_t *ids = t->ids + r->start;
    size_t m = r->n - 1, first = m;
    for (size_t k = 0; k < m && first == m; k++)
        if (junction[ids[k]])
            first = k;
    r->arc_start = t->n_ring_arcs;
    if (first == m) {
        first = 0;
        for (size_t k = 1; k < m; k++)
            if (ids[k] < ids[first])
                first = k;
        for (size_t k = 0; k <= m; k++)
            scratch[k] = ids[(first + k) % m];
        long ref;
        if (arc_ref(t, scratch, m + 1, &ref) ||
            grow((void **)&t->ring_arcs, &t->cap_ring_arcs, t->n_ring_arcs + 1,
                 sizeof *t->ring_arcs))
            return -1;
        t->ring_arcs[t->n_ring_arcs++] = ref;
        r->arc_n = 1;
        return 0;
    }
    size_t len = 0;
    for (size_t k = 0; k <= m; k++) {
        uint32_t v = ids[(first + k) % m];
        scratch[len++] = v;
        if (k > 0 && junction[v]) {
            long ref;
            if (arc_ref(t, scratch, len, &ref) ||
                grow((void **)&t->ring_arcs, &t->cap_ring_arcs,
                     t->n_ring_arcs + 1, sizeof *t->ring_arcs))
                return -1;
            t->ring_arcs[t->n_ring_arcs++] = ref;
            scratch[0] = v;
            len = 1;
        }
    }
    r->arc_n = t->n_ring_arcs - r->arc_start;
    return 0;
}

static int cut_arcs(site_topo_t *t)
{
    unsigned char *junction = find_junctions(t);
    size_t longest = 0;
    for (size_t r = 0; r < t->n_rings; r++)
        if (t->rings[r].n > longest)
            longest = t->rings[r].n;
    uint32_t *scratch = malloc((longest + 1) * sizeof *scratch);
    int rc = junction && scratch ? 0 : -1;
    for (size_t r = 0; rc == 0 && r < t->n_rings; r++)
        rc = cut_ring(t, &t->rings[r], junction, scratch);
    free(scratch);
    free(junction);
    return rc;
}

/* ---- simplification, reprojection, quantisation ----------------------- */

typedef struct pts {
    double *x, *y;
    size_t *start, *n; /* per arc */
    size_t count, cap;
} pts_t;

static int pts_push(pts_t *p, double x, double y)
{
    size_t cap = p->cap;
    if (grow((void **)&p->x, &cap, p->count + 1, sizeof *p->x))
        return -1;
    cap = p->cap;
    if (grow((void **)&p->y, &cap, p->count + 1, sizeof *p->y))
        return -1;
    p->cap = cap;
    p->x[p->count] = x;
    p->y[p->count++] = y;
    return 0;
}

static GEOSGeometry *arcs_geometry(site_topo_t *t)
{
    GEOSGeometry **lines = calloc(t->n_arcs ? t->n_arcs : 1, sizeof *lines);
    if (lines == NULL)
        return NULL;
    size_t made = 0;
    for (; made < t->n_arcs; made++) {
        const arc_t *a = &t->arcs[made];
        GEOSCoordSequence *cs =
            GEOSCoordSeq_create_r(t->gh, (unsigned int)a->n, 2);
        if (cs == NULL)
            break;
        for (size_t i = 0; i < a->n; i++) {
            uint32_t v = t->arc_ids[a->start + i];
            GEOSCoordSeq_setXY_r(t->gh, cs, (unsigned int)i, t->xy[2 * v],
                                 t->xy[2 * v + 1]);
        }
        if ((lines[made] = GEOSGeom_createLineString_r(t->gh, cs)) == NULL)
            break;
    }
    GEOSGeometry *g = NULL;
    if (made == t->n_arcs)
        g = GEOSGeom_createCollection_r(t->gh, GEOS_MULTILINESTRING, lines,
                                        (unsigned int)made);
    if (g == NULL)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(t->gh, lines[i]);
    free(lines);
    return g;
}

/* The original vertex of arc a farthest from the chord of its ends. */
static uint32_t farthest_vertex(const site_topo_t *t, const arc_t *a)
{
    const uint32_t *s = t->arc_ids + a->start;
    double x0 = t->xy[2 * s[0]], y0 = t->xy[2 * s[0] + 1];
    double x1 = t->xy[2 * s[a->n - 1]], y1 = t->xy[2 * s[a->n - 1] + 1];
    double best = -1;
    uint32_t v = s[a->n / 2];
    for (size_t i = 1; i + 1 < a->n; i++) {
        double x = t->xy[2 * s[i]], y = t->xy[2 * s[i] + 1];
        double d = fabs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0));
        if (d > best) {
            best = d;
            v = s[i];
        }
    }
    return v;
}

typedef struct chord {
    uint32_t lo, hi;
    size_t arc;
} chord_t;

static int by_chord(const void *a, const void *b)
{
    const chord_t *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return x->arc < y->arc ? -1 : x->arc > y->arc;
}

/* Two arcs between the same two junctions both simplified to their chord
 * would close a territory to nothing: all but one keep their farthest
 * vertex. keep[a] = 1 for those. */
static int twin_chords(const site_topo_t *t, const GEOSGeometry *simple,
                       unsigned char *keep)
{
    chord_t *c = malloc((t->n_arcs ? t->n_arcs : 1) * sizeof *c);
    if (c == NULL)
        return -1;
    size_t n = 0;
    for (size_t a = 0; a < t->n_arcs; a++) {
        const GEOSGeometry *g = GEOSGetGeometryN_r(t->gh, simple, (int)a);
        if (GEOSGeomGetNumPoints_r(t->gh, g) != 2 || t->arcs[a].n < 3)
            continue;
        const uint32_t *s = t->arc_ids + t->arcs[a].start;
        uint32_t e0 = s[0], e1 = s[t->arcs[a].n - 1];
        c[n++] = (chord_t){e0 < e1 ? e0 : e1, e0 < e1 ? e1 : e0, a};
    }
    qsort(c, n, sizeof *c, by_chord);
    for (size_t i = 1; i < n; i++)
        if (c[i].lo == c[i - 1].lo && c[i].hi == c[i - 1].hi)
            keep[c[i].arc] = 1;
    free(c);
    return 0;
}

static int simplified_points(site_topo_t *t, double tol, pts_t *p)
{
    GEOSGeometry *all = arcs_geometry(t);
    GEOSGeometry *simple =
        all ? (tol > 0 ? GEOSTopologyPreserveSimplify_r(t->gh, all, tol)
                       : GEOSGeom_clone_r(t->gh, all))
            : NULL;
    unsigned char *keep = calloc(t->n_arcs ? t->n_arcs : 1, 1);
    p->start = malloc((t->n_arcs ? t->n_arcs : 1) * sizeof *p->start);
    p->n = malloc((t->n_arcs ? t->n_arcs : 1) * sizeof *p->n);
    int rc = simple && keep && p->start && p->n &&
                     GEOSGetNumGeometries_r(t->gh, simple) == (int)t->n_arcs
                 ? twin_chords(t, simple, keep)
                 : -1;
    for (size_t a = 0; rc == 0 && a < t->n_arcs; a++) {
        const GEOSGeometry *g = GEOSGetGeometryN_r(t->gh, simple, (int)a);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(t->gh, g);
        unsigned int n = 0;
        GEOSCoordSeq_getSize_r(t->gh, cs, &n);
        p->start[a] = p->count;
        for (unsigned int i = 0; rc == 0 && i < n; i++) {
            double x, y;
            GEOSCoordSeq_getXY_r(t->gh, cs, i, &x, &y);
            rc = pts_push(p, x, y);
            if (rc == 0 && i == 0 && keep[a]) {
                uint32_t v = farthest_vertex(t, &t->arcs[a]);
                rc = pts_push(p, t->xy[2 * v], t->xy[2 * v + 1]);
            }
        }
        p->n[a] = p->count - p->start[a];
    }
    free(keep);
    if (simple)
        GEOSGeom_destroy_r(t->gh, simple);
    if (all)
        GEOSGeom_destroy_r(t->gh, all);
    return rc;
}

static tob_status_t to_lonlat(const site_topo_t *t, pts_t *p, tob_error_t *err)
{
    if (p->count == 0)
        return TOB_OK;
    OGRSpatialReferenceH from = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct = NULL;
    tob_status_t status = TOB_OK;
    if (OSRImportFromEPSG(from, t->srid) != OGRERR_NONE ||
        OSRImportFromEPSG(to, 4326) != OGRERR_NONE) {
        status =
            tob_error_set(err, TOB_ERR_GDAL, "unknown CRS EPSG:%d", t->srid);
    } else {
        OSRSetAxisMappingStrategy(from, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(from, to);
        if (ct == NULL || !OCTTransform(ct, (int)p->count, p->x, p->y, NULL))
            status =
                tob_error_set(err, TOB_ERR_GDAL,
                              "cannot reproject EPSG:%d to EPSG:4326", t->srid);
    }
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(from);
    OSRDestroySpatialReference(to);
    return status;
}

/* Quantised, consecutive duplicates dropped (the ends kept). */
static int quantise(site_topo_t *t, const pts_t *p, double tol)
{
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < p->count; i++) {
        box[0] = fmin(box[0], p->x[i]);
        box[1] = fmin(box[1], p->y[i]);
        box[2] = fmax(box[2], p->x[i]);
        box[3] = fmax(box[3], p->y[i]);
    }
    if (p->count == 0)
        box[0] = box[1] = box[2] = box[3] = 0;
    t->step = tol > 0 ? fmax(tol / 2 / 111320.0, 1e-7) : 1e-6;
    t->origin[0] = floor(box[0] / t->step) * t->step;
    t->origin[1] = floor(box[1] / t->step) * t->step;
    for (size_t a = 0; a < t->n_arcs; a++) {
        arc_t *arc = &t->arcs[a];
        arc->qstart = t->n_q;
        size_t n = p->n[a];
        if (grow((void **)&t->q, &t->cap_q, 2 * (t->n_q + n), sizeof *t->q))
            return -1;
        for (size_t i = 0; i < n; i++) {
            size_t k = p->start[a] + i;
            int32_t qx = (int32_t)lround((p->x[k] - t->origin[0]) / t->step);
            int32_t qy = (int32_t)lround((p->y[k] - t->origin[1]) / t->step);
            size_t have = t->n_q - arc->qstart;
            if (have > 0 && t->q[2 * t->n_q - 2] == qx &&
                t->q[2 * t->n_q - 1] == qy) {
                if (i + 1 < n || have < 2)
                    continue;
                t->n_q--; /* the end replaces the point it repeats */
            }
            t->q[2 * t->n_q] = qx;
            t->q[2 * t->n_q + 1] = qy;
            t->n_q++;
        }
        if (t->n_q - arc->qstart == 1) { /* collapsed: keep two ends */
            t->q[2 * t->n_q] = t->q[2 * t->n_q - 2];
            t->q[2 * t->n_q + 1] = t->q[2 * t->n_q - 1];
            t->n_q++;
        }
        arc->qn = t->n_q - arc->qstart;
    }
    return 0;
}

/* Calls fn with the points of ring r (decoded, in lon/lat). */
static void ring_points(const site_topo_t *t, const ring_t *r, double **buf,
                        size_t *cap, size_t *n_out)
{
    size_t n = 0;
    for (size_t k = 0; k < r->arc_n; k++) {
        long ref = t->ring_arcs[r->arc_start + k];
        const arc_t *a = &t->arcs[ref < 0 ? ~ref : ref];
        if (grow((void **)buf, cap, 2 * (n + a->qn), sizeof **buf)) {
            *n_out = 0;
            return;
        }
        for (size_t i = k == 0 ? 0 : 1; i < a->qn; i++) {
            size_t j = a->qstart + (ref < 0 ? a->qn - 1 - i : i);
            (*buf)[2 * n] = t->origin[0] + t->q[2 * j] * t->step;
            (*buf)[2 * n + 1] = t->origin[1] + t->q[2 * j + 1] * t->step;
            n++;
        }
    }
    *n_out = n;
}

static int feature_boxes(site_topo_t *t)
{
    t->fbox = malloc((t->n_features ? t->n_features : 1) * 4 * sizeof *t->fbox);
    if (t->fbox == NULL)
        return -1;
    for (size_t i = 0; i < 4 * t->n_features; i++)
        t->fbox[i] = NAN;
    for (size_t r = 0; r < t->n_rings; r++) {
        double *b = t->fbox + 4 * t->rings[r].feature;
        for (size_t k = 0; k < t->rings[r].arc_n; k++) {
            long ref = t->ring_arcs[t->rings[r].arc_start + k];
            const arc_t *a = &t->arcs[ref < 0 ? ~ref : ref];
            for (size_t i = 0; i < a->qn; i++) {
                double x = t->origin[0] + t->q[2 * (a->qstart + i)] * t->step;
                double y =
                    t->origin[1] + t->q[2 * (a->qstart + i) + 1] * t->step;
                b[0] = isnan(b[0]) ? x : fmin(b[0], x);
                b[1] = isnan(b[1]) ? y : fmin(b[1], y);
                b[2] = isnan(b[2]) ? x : fmax(b[2], x);
                b[3] = isnan(b[3]) ? y : fmax(b[3], y);
            }
        }
    }
    for (size_t f = 0; f < t->n_features; f++) {
        const double *b = t->fbox + 4 * f;
        if (isnan(b[0]))
            continue;
        t->bbox[0] = isnan(t->bbox[0]) ? b[0] : fmin(t->bbox[0], b[0]);
        t->bbox[1] = isnan(t->bbox[1]) ? b[1] : fmin(t->bbox[1], b[1]);
        t->bbox[2] = isnan(t->bbox[2]) ? b[2] : fmax(t->bbox[2], b[2]);
        t->bbox[3] = isnan(t->bbox[3]) ? b[3] : fmax(t->bbox[3], b[3]);
    }
    return 0;
}

tob_status_t site_topo_finish(site_topo_t *t, double tol, tob_error_t *err)
{
    pts_t p = {0};
    tob_status_t status = TOB_OK;
    if (cut_arcs(t) != 0 || simplified_points(t, tol, &p) != 0)
        status = tob_error_set(err, TOB_ERR_NOMEM,
                               "out of memory simplifying %zu polygons",
                               t->n_features);
    if (status == TOB_OK)
        status = to_lonlat(t, &p, err);
    if (status == TOB_OK && (quantise(t, &p, tol) || feature_boxes(t)))
        status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    free(p.x);
    free(p.y);
    free(p.start);
    free(p.n);
    /* The source vertices are no longer needed. */
    free(t->vtable);
    t->vtable = NULL;
    free(t->atable);
    t->atable = NULL;
    return status;
}

size_t site_topo_n_features(const site_topo_t *t)
{
    return t->n_features;
}

size_t site_topo_n_arcs(const site_topo_t *t)
{
    return t->n_arcs;
}

size_t site_topo_n_vertices(const site_topo_t *t)
{
    return t->n_q;
}

void site_topo_bbox(const site_topo_t *t, size_t i, double box[4])
{
    const double *b = i < t->n_features ? t->fbox + 4 * i : t->bbox;
    memcpy(box, b, 4 * sizeof *box);
}

void site_topo_rings(const site_topo_t *t, size_t i, site_ring_fn fn,
                     void *user)
{
    double *buf = NULL;
    size_t cap = 0;
    /* rings are added feature after feature: the first of i, halving */
    size_t lo = 0, hi = t->n_rings;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->rings[mid].feature < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t r = lo; r < t->n_rings && t->rings[r].feature == i; r++) {
        size_t n;
        ring_points(t, &t->rings[r], &buf, &cap, &n);
        if (n > 0)
            fn(user, t->rings[r].polygon, t->rings[r].hole, buf, n);
    }
    free(buf);
}

void site_topo_write_json(const site_topo_t *t, FILE *fp)
{
    fprintf(fp, "{\"step\":%.9g,\"origin\":[%.9g,%.9g],", t->step, t->origin[0],
            t->origin[1]);
    fprintf(fp, "\"bbox\":[%.6f,%.6f,%.6f,%.6f],\n\"arcs\":[", t->bbox[0],
            t->bbox[1], t->bbox[2], t->bbox[3]);
    for (size_t a = 0; a < t->n_arcs; a++) {
        const arc_t *arc = &t->arcs[a];
        fputs(a ? ",\n[" : "[", fp);
        int32_t px = 0, py = 0;
        for (size_t i = 0; i < arc->qn; i++) {
            int32_t x = t->q[2 * (arc->qstart + i)];
            int32_t y = t->q[2 * (arc->qstart + i) + 1];
            fprintf(fp, i ? ",%ld,%ld" : "%ld,%ld", (long)(x - px),
                    (long)(y - py));
            px = x;
            py = y;
        }
        fputc(']', fp);
    }
    fputs("],\n\"shapes\":[", fp);
    size_t r = 0;
    for (size_t f = 0; f < t->n_features; f++) {
        fputs(f ? ",\n[" : "[", fp);
        size_t polygon = (size_t)-1;
        int first_ring = 1;
        for (; r < t->n_rings && t->rings[r].feature == f; r++) {
            const ring_t *g = &t->rings[r];
            if (g->polygon != polygon) {
                fputs(polygon == (size_t)-1 ? "[" : "],[", fp);
                polygon = g->polygon;
                first_ring = 1;
            }
            fputs(first_ring ? "[" : ",[", fp);
            first_ring = 0;
            for (size_t k = 0; k < g->arc_n; k++)
                fprintf(fp, k ? ",%ld" : "%ld", t->ring_arcs[g->arc_start + k]);
            fputc(']', fp);
        }
        if (polygon != (size_t)-1)
            fputc(']', fp);
        fputc(']', fp);
    }
    fputs("]}", fp);
}
