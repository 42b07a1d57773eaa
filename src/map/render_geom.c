/* render_geom.c - SpatiaLite geometry blobs read in place: validated once,
 * reprojected in place through OGR/PROJ when a map is in another CRS, and
 * turned into Cairo paths in page units with vertices closer than the
 * tolerance dropped while transforming (no copy, no GEOS, one pass). */
#include "render_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Offsets of the SpatiaLite BLOB-Geometry format (spatialite docs,
 * "BLOB-Geometry internal format"). */
enum {
    BLOB_START = 0x00,
    BLOB_MBR_END = 0x7C,
    BLOB_ENTITY = 0x69,
    BLOB_END = 0xFE,
    BLOB_HEADER = 43 /* start, endian, srid, 4 doubles, 0x7C, class */
};

typedef struct reader {
    const unsigned char *b;
    size_t len, pos;
    int swap; /* big-endian blob on our little-endian host, or the reverse */
} reader_t;

static int host_is_little(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first == 1;
}

static int rd_u32(reader_t *r, uint32_t *out)
{
    if (r->len - r->pos < 4)
        return -1;
    unsigned char t[4];
    memcpy(t, r->b + r->pos, 4);
    if (r->swap) {
        unsigned char s[4] = {t[3], t[2], t[1], t[0]};
        memcpy(t, s, 4);
    }
    memcpy(out, t, 4);
    r->pos += 4;
    return 0;
}

static void write_double(unsigned char *p, double v, int swap)
{
    unsigned char t[8];
    memcpy(t, &v, 8);
    if (swap)
        for (int i = 0; i < 4; i++) {
            unsigned char c = t[i];
            t[i] = t[7 - i];
            t[7 - i] = c;
        }
    memcpy(p, t, 8);
}

/* Coordinates per vertex of a class type: 1000s add Z, 2000s M, 3000s
 * ZM. 0 for what we cannot read (compressed classes 1000000+). */
static int dims_of(uint32_t type)
{
    if (type >= 1 && type <= 7)
        return 2;
    if (type >= 1001 && type <= 1007)
        return 3;
    if (type >= 2001 && type <= 2007)
        return 3;
    if (type >= 3001 && type <= 3007)
        return 4;
    return 0;
}

static int walk_body(reader_t *r, uint32_t type, geom_run_fn fn, void *user,
                     int depth);

/* One run of n vertices at the reader. */
static int take_run(reader_t *r, uint32_t n, int dims, geom_run_kind_t kind,
                    geom_run_fn fn, void *user)
{
    size_t stride = (size_t)dims * 8;
    if (n > (r->len - r->pos) / stride)
        return -1;
    geom_run_t run = {r->b + r->pos, n, stride, kind, r->swap};
    r->pos += (size_t)n * stride;
    return fn != NULL ? fn(user, &run) : 0;
}

static int walk_polygon(reader_t *r, int dims, geom_run_fn fn, void *user)
{
    uint32_t n_rings, n;
    if (rd_u32(r, &n_rings) != 0)
        return -1;
    for (uint32_t i = 0; i < n_rings; i++)
        if (rd_u32(r, &n) != 0 ||
            take_run(r, n, dims, i == 0 ? GEOM_RING_OUTER : GEOM_RING_INNER, fn,
                     user) != 0)
            return -1;
    return 0;
}

static int walk_collection(reader_t *r, geom_run_fn fn, void *user, int depth)
{
    uint32_t n, type;
    if (rd_u32(r, &n) != 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        if (r->pos >= r->len || r->b[r->pos] != BLOB_ENTITY)
            return -1;
        r->pos++;
        if (rd_u32(r, &type) != 0 ||
            walk_body(r, type, fn, user, depth + 1) != 0)
            return -1;
    }
    return 0;
}

static int walk_body(reader_t *r, uint32_t type, geom_run_fn fn, void *user,
                     int depth)
{
    int dims = dims_of(type);
    if (dims == 0 || depth > 4)
        return -1;
    uint32_t n;
    switch (type % 1000) {
    case 1:
        return take_run(r, 1, dims, GEOM_POINT, fn, user);
    case 2:
        if (rd_u32(r, &n) != 0)
            return -1;
        return take_run(r, n, dims, GEOM_LINE, fn, user);
    case 3:
        return walk_polygon(r, dims, fn, user);
    default: /* 4..7: multi and collections, entities marked 0x69 */
        return walk_collection(r, fn, user, depth);
    }
}

int geom_walk(const unsigned char *b, size_t len, geom_run_fn fn, void *user)
{
    if (b == NULL || len < BLOB_HEADER + 1 || b[0] != BLOB_START ||
        (b[1] != 0 && b[1] != 1) || b[38] != BLOB_MBR_END ||
        b[len - 1] != BLOB_END)
        return -1;
    reader_t r = {b, len - 1, 39, (b[1] == 1) != host_is_little()};
    uint32_t type;
    if (rd_u32(&r, &type) != 0 || walk_body(&r, type, fn, user, 0) != 0)
        return -1;
    return r.pos == r.len ? 0 : -1;
}

int geom_mbr(const unsigned char *b, size_t len, double mbr[4])
{
    if (geom_walk(b, len, NULL, NULL) != 0)
        return -1;
    int swap = (b[1] == 1) != host_is_little();
    for (int i = 0; i < 4; i++)
        mbr[i] = geom_read_double(b + 6 + 8 * i, swap);
    return 0;
}

typedef struct reproject {
    OGRCoordinateTransformationH ct;
    double *x, *y;
    size_t cap;
    double mbr[4];
    int failed;
} reproject_t;

static int reproject_run(void *user, const geom_run_t *run)
{
    reproject_t *rp = user;
    if (run->n > rp->cap) {
        size_t cap = run->n * 2;
        double *x = realloc(rp->x, cap * sizeof *x);
        if (x != NULL)
            rp->x = x;
        double *y = realloc(rp->y, cap * sizeof *y);
        if (y != NULL)
            rp->y = y;
        if (x == NULL || y == NULL)
            return -1;
        rp->cap = cap;
    }
    unsigned char *p = (unsigned char *)run->pts; /* our own copy */
    for (uint32_t i = 0; i < run->n; i++) {
        rp->x[i] = geom_read_double(p + i * run->stride, run->swap);
        rp->y[i] = geom_read_double(p + i * run->stride + 8, run->swap);
    }
    if (run->n > 0 && !OCTTransform(rp->ct, (int)run->n, rp->x, rp->y, NULL)) {
        rp->failed = 1;
        return -1;
    }
    for (uint32_t i = 0; i < run->n; i++) {
        write_double(p + i * run->stride, rp->x[i], run->swap);
        write_double(p + i * run->stride + 8, rp->y[i], run->swap);
        rp->mbr[0] = fmin(rp->mbr[0], rp->x[i]);
        rp->mbr[1] = fmin(rp->mbr[1], rp->y[i]);
        rp->mbr[2] = fmax(rp->mbr[2], rp->x[i]);
        rp->mbr[3] = fmax(rp->mbr[3], rp->y[i]);
    }
    return 0;
}

int geom_reproject(unsigned char *b, size_t len, int srid,
                   OGRCoordinateTransformationH ct)
{
    reproject_t rp = {
        ct, NULL, NULL, 0, {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL}, 0};
    int rc = geom_walk(b, len, reproject_run, &rp);
    free(rp.x);
    free(rp.y);
    if (rc != 0)
        return -1;
    int swap = (b[1] == 1) != host_is_little();
    for (int i = 0; i < 4; i++)
        write_double(b + 6 + 8 * i, rp.mbr[i], swap);
    uint32_t s = (uint32_t)srid;
    unsigned char t[4];
    memcpy(t, &s, 4);
    if (swap) {
        unsigned char u[4] = {t[3], t[2], t[1], t[0]};
        memcpy(t, u, 4);
    }
    memcpy(b + 2, t, 4);
    return 0;
}

typedef struct simplifier {
    const geom_xform_t *t;
    double tol;
    geom_scratch_t *scratch;
    geom_ring_fn fn;
    void *user;
} simplifier_t;

static int reserve(geom_scratch_t *s, size_t n_points)
{
    if (n_points * 2 <= s->cap)
        return 0;
    size_t cap = n_points * 4;
    double *more = realloc(s->xy, cap * sizeof *more);
    if (more == NULL)
        return -1;
    s->xy = more;
    s->cap = cap;
    return 0;
}

#define SNAP_GRID_PT 0.25
#define SIMPLIFY_PT 0.2

void geom_scratch_snap_to(geom_scratch_t *s, cairo_t *cr, double tol)
{
    s->snap = cairo_surface_get_type(cairo_get_target(cr)) !=
              CAIRO_SURFACE_TYPE_IMAGE;
    if (!s->snap)
        return;
    cairo_get_matrix(cr, &s->to_dev);
    s->from_dev = s->to_dev;
    s->snap = cairo_matrix_invert(&s->from_dev) == CAIRO_STATUS_SUCCESS;
    double det =
        fabs(s->to_dev.xx * s->to_dev.yy - s->to_dev.xy * s->to_dev.yx);
    /* Coarser where the style asks for it (a locator at 36 dpi). */
    s->eps = det > 0 ? fmax(SIMPLIFY_PT / sqrt(det), tol / 2) : 0;
}

void geom_scratch_free(geom_scratch_t *s)
{
    free(s->xy);
    free(s->stack);
    free(s->keep);
    memset(s, 0, sizeof *s);
}

/* Squared distance from p to the segment a-b. */
static double seg_dist2(const double *p, const double *a, const double *b)
{
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = a[0] + t * dx - p[0], ey = a[1] + t * dy - p[1];
    return ex * ex + ey * ey;
}

static int reserve_dp(geom_scratch_t *s, size_t n)
{
    if (n <= s->n_stack)
        return 0;
    size_t *stack = realloc(s->stack, 2 * n * sizeof *stack);
    if (stack != NULL)
        s->stack = stack;
    unsigned char *keep = realloc(s->keep, n);
    if (keep != NULL)
        s->keep = keep;
    if (stack == NULL || keep == NULL)
        return -1;
    s->n_stack = n;
    return 0;
}

/* Douglas-Peucker on xy[0..n) in place (first and last stay): every
 * vertex dropped lies within eps of the line drawn. Returns the count
 * left; n when there is no memory (nothing dropped is safe). */
static size_t simplify_dp(geom_scratch_t *s, double *xy, size_t n)
{
    if (n < 3 || s->eps <= 0 || reserve_dp(s, n) != 0)
        return n;
    double eps2 = s->eps * s->eps;
    memset(s->keep, 0, n);
    s->keep[0] = s->keep[n - 1] = 1;
    size_t top = 0;
    s->stack[top++] = 0, s->stack[top++] = n - 1;
    while (top > 0) {
        size_t b = s->stack[--top], a = s->stack[--top];
        double worst = 0;
        size_t at = 0;
        for (size_t i = a + 1; i < b; i++) {
            double d = seg_dist2(xy + 2 * i, xy + 2 * a, xy + 2 * b);
            if (d > worst)
                worst = d, at = i;
        }
        if (worst <= eps2)
            continue;
        s->keep[at] = 1;
        s->stack[top++] = a, s->stack[top++] = at;
        s->stack[top++] = at, s->stack[top++] = b;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (s->keep[i]) {
            xy[2 * kept] = xy[2 * i], xy[2 * kept + 1] = xy[2 * i + 1];
            kept++;
        }
    return kept;
}

/* Snaps xy[0..n) onto the output grid in place, dropping repeats (the
 * last vertex stays, so rings stay closed); returns the count left. */
static size_t snap_run(const geom_scratch_t *s, double *xy, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        cairo_matrix_transform_point(&s->to_dev, &x, &y);
        x = floor(x / SNAP_GRID_PT + 0.5) * SNAP_GRID_PT;
        y = floor(y / SNAP_GRID_PT + 0.5) * SNAP_GRID_PT;
        cairo_matrix_transform_point(&s->from_dev, &x, &y);
        if (kept > 0 && x == xy[2 * kept - 2] && y == xy[2 * kept - 1] &&
            i + 1 < n)
            continue;
        if (kept > 1 && i + 1 == n && x == xy[2 * kept - 2] &&
            y == xy[2 * kept - 1])
            kept--; /* the last one replaces its twin */
        xy[2 * kept] = x, xy[2 * kept + 1] = y;
        kept++;
    }
    return kept;
}

/* Transforms a run to page units, keeping a vertex only when it lies at
 * least tol from the last one kept (the last vertex always stays, so
 * rings stay closed). */
static int simplify_run(void *user, const geom_run_t *run)
{
    simplifier_t *sp = user;
    if (run->kind == GEOM_POINT || run->n < 2)
        return 0;
    if (reserve(sp->scratch, run->n) != 0)
        return -1;
    const geom_xform_t *t = sp->t;
    double *xy = sp->scratch->xy, tol = sp->tol;
    const unsigned char *q = run->pts;
    double lx = t->x0 + geom_read_double(q, run->swap) * t->s;
    double ly = t->y0 - geom_read_double(q + 8, run->swap) * t->s;
    size_t kept = 1;
    xy[0] = lx, xy[1] = ly;
    for (uint32_t i = 1; i < run->n; i++) {
        q += run->stride;
        double x = t->x0 + geom_read_double(q, run->swap) * t->s;
        double y = t->y0 - geom_read_double(q + 8, run->swap) * t->s;
        if (fabs(x - lx) < tol && fabs(y - ly) < tol && i + 1 < run->n)
            continue; /* closer than the tolerance: not visible */
        xy[2 * kept] = lx = x;
        xy[2 * kept + 1] = ly = y;
        kept++;
    }
    if (sp->scratch->snap)
        kept = snap_run(sp->scratch, xy, simplify_dp(sp->scratch, xy, kept));
    return sp->fn(sp->user, xy, kept, run->kind);
}

int geom_rings_px(const unsigned char *b, size_t len, const geom_xform_t *t,
                  double tol, geom_scratch_t *scratch, geom_ring_fn fn,
                  void *user)
{
    simplifier_t sp = {t, tol, scratch, fn, user};
    return geom_walk(b, len, simplify_run, &sp);
}

typedef struct pather {
    cairo_t *cr;
    double tol;
} pather_t;

static int path_ring(void *user, const double *xy, size_t n,
                     geom_run_kind_t kind)
{
    pather_t *p = user;
    if (kind != GEOM_LINE && n < 4) {
        /* first, at most one vertex, first again: no area. A ring smaller
         * than the tolerance still shows, as a dot of one tolerance, so
         * that small communes keep their colour at any scale. */
        if (kind == GEOM_RING_OUTER)
            cairo_rectangle(p->cr, xy[0] - p->tol / 2, xy[1] - p->tol / 2,
                            p->tol, p->tol);
        return 0;
    }
    cairo_move_to(p->cr, xy[0], xy[1]);
    for (size_t i = 1; i < n; i++)
        cairo_line_to(p->cr, xy[2 * i], xy[2 * i + 1]);
    if (kind != GEOM_LINE)
        cairo_close_path(p->cr);
    return 0;
}

int geom_path(cairo_t *cr, const unsigned char *b, size_t len,
              const geom_xform_t *t, double tol, geom_scratch_t *scratch)
{
    pather_t p = {cr, tol};
    return geom_rings_px(b, len, t, tol, scratch, path_ring, &p);
}

typedef struct first_point {
    double x, y;
    int found;
} first_point_t;

static int point_run(void *user, const geom_run_t *run)
{
    first_point_t *fp = user;
    if (!fp->found && run->n > 0) {
        fp->x = geom_read_double(run->pts, run->swap);
        fp->y = geom_read_double(run->pts + 8, run->swap);
        fp->found = 1;
    }
    return 0;
}

int geom_first_point(const unsigned char *b, size_t len, double *x, double *y)
{
    first_point_t fp = {0, 0, 0};
    if (geom_walk(b, len, point_run, &fp) != 0 || !fp.found)
        return -1;
    *x = fp.x;
    *y = fp.y;
    return 0;
}
