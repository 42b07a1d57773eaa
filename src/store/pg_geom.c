/* pg_geom.c - PostGIS's EWKB as SpatiaLite's BLOB-Geometry, the one
 * geometry format the modules read (render_geom.c walks it in place):
 * 0x00, endian, SRID, MBR, 0x7C, class, body (collection members as 0x69,
 * class, body), 0xFE. Written little-endian. And back to WKB, for the
 * modules' own GEOS work (db.h: db_geom_wkb, db_geom_blob). */
#include "db.h"
#include "db_pg_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct rd {
    const unsigned char *p;
    size_t n, pos;
    int swap;
} rd_t;

typedef struct wr {
    unsigned char *b;
    size_t n, cap;
    int oom;
    double mbr[4]; /* min x, min y, max x, max y */
    int any;
    uint32_t srid; /* the EWKB's, 0 when it has none */
} wr_t;

static void w_put(wr_t *w, const void *p, size_t n)
{
    if (w->oom)
        return;
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        while (cap < w->n + n)
            cap *= 2;
        unsigned char *b = realloc(w->b, cap);
        if (b == NULL) {
            w->oom = 1;
            return;
        }
        w->b = b;
        w->cap = cap;
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void w_u32(wr_t *w, uint32_t v)
{
    unsigned char t[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};
    w_put(w, t, 4);
}

static void w_double(wr_t *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    unsigned char t[8];
    for (int i = 0; i < 8; i++)
        t[i] = (unsigned char)(v >> (8 * i));
    w_put(w, t, 8);
}

static int r_u32(rd_t *r, uint32_t *v)
{
    if (r->n - r->pos < 4)
        return -1;
    const unsigned char *p = r->p + r->pos;
    *v = r->swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
                       (uint32_t)p[2] << 8 | p[3]
                 : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                       (uint32_t)p[1] << 8 | p[0];
    r->pos += 4;
    return 0;
}

static int r_double(rd_t *r, double *d)
{
    if (r->n - r->pos < 8)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned char c = r->p[r->pos + (r->swap ? i : 7 - i)];
        v = v << 8 | c;
    }
    memcpy(d, &v, 8);
    r->pos += 8;
    return 0;
}

static int points(rd_t *r, wr_t *w, uint32_t n, int dims)
{
    if (n > (r->n - r->pos) / ((size_t)dims * 8))
        return -1;
    for (uint32_t i = 0; i < n; i++)
        for (int k = 0; k < dims; k++) {
            double d;
            if (r_double(r, &d) != 0)
                return -1;
            w_double(w, d);
            if (k < 2) {
                if (!w->any || d < w->mbr[k])
                    w->mbr[k] = d;
                if (!w->any || d > w->mbr[k + 2])
                    w->mbr[k + 2] = d;
                if (k == 1)
                    w->any = 1;
            }
        }
    return 0;
}

/* One geometry at r (its endian byte and type first); top: the outer one,
 * whose class goes in the header instead of after 0x69. */
static int geometry(rd_t *r, wr_t *w, int depth)
{
    uint32_t type, n;
    if (depth > 16 || r->pos >= r->n)
        return -1;
    r->swap = r->p[r->pos++] == 0;
    if (r_u32(r, &type) != 0)
        return -1;
    int z = (type & 0x80000000u) != 0, m = (type & 0x40000000u) != 0;
    if (type & 0x20000000u) {
        uint32_t srid;
        if (r_u32(r, &srid) != 0)
            return -1;
        if (depth == 0)
            w->srid = srid;
    }
    type &= 0x0FFFFFFFu;
    /* ISO WKB codes 1001.. carry the dimensions in the type itself. */
    if (type > 1000) {
        z = z || (type / 1000) % 2 == 1;
        m = m || type / 1000 >= 2;
        type %= 1000;
    }
    int dims = 2 + z + m;
    uint32_t cls = type + (z && m ? 3000 : z ? 1000 : m ? 2000 : 0);
    if (depth > 0) {
        unsigned char e = 0x69;
        w_put(w, &e, 1);
    }
    w_u32(w, cls);
    switch (type) {
    case 1:
        return points(r, w, 1, dims);
    case 2:
        return r_u32(r, &n) != 0 ? -1 : (w_u32(w, n), points(r, w, n, dims));
    case 3:
        if (r_u32(r, &n) != 0)
            return -1;
        w_u32(w, n);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k;
            if (r_u32(r, &k) != 0)
                return -1;
            w_u32(w, k);
            if (points(r, w, k, dims) != 0)
                return -1;
        }
        return 0;
    case 4:
    case 5:
    case 6:
    case 7:
        if (r_u32(r, &n) != 0)
            return -1;
        w_u32(w, n);
        for (uint32_t i = 0; i < n; i++)
            if (geometry(r, w, depth + 1) != 0)
                return -1;
        return 0;
    default:
        return -1;
    }
}

unsigned char *pg_ewkb_to_blob(const unsigned char *ewkb, size_t n, int srid,
                               size_t *out_len)
{
    rd_t r = {ewkb, n, 0, 0};
    wr_t body = {NULL, 0, 0, 0, {0, 0, 0, 0}, 0, 0};
    if (geometry(&r, &body, 0) != 0 || body.oom) {
        free(body.b);
        return NULL;
    }
    wr_t w = {NULL, 0, 0, 0, {0, 0, 0, 0}, 0, 0};
    unsigned char start[2] = {0x00, 0x01};
    w_put(&w, start, 2);
    w_u32(&w, body.srid != 0 ? body.srid : (uint32_t)srid);
    for (int i = 0; i < 4; i++)
        w_double(&w, body.mbr[i]);
    unsigned char mbr_end = 0x7C, end = 0xFE;
    w_put(&w, &mbr_end, 1);
    w_put(&w, body.b, body.n);
    w_put(&w, &end, 1);
    free(body.b);
    if (w.oom) {
        free(w.b);
        return NULL;
    }
    *out_len = w.n;
    return w.b;
}

unsigned char *db_geom_blob(const unsigned char *wkb, size_t n, int srid,
                            size_t *len)
{
    return pg_ewkb_to_blob(wkb, n, srid, len);
}

/* One member of a blob at r (its class read already) into w as WKB. */
static int blob_body(rd_t *r, wr_t *w, uint32_t cls, int depth)
{
    uint32_t type = cls % 1000, n;
    int dims = cls >= 3000 ? 4 : cls >= 1000 ? 3 : 2;
    unsigned char little = 1;
    if (depth > 16 || cls >= 4000 || type < 1 || type > 7)
        return -1; /* SpatiaLite's compressed classes are never stored */
    w_put(w, &little, 1);
    w_u32(w, cls); /* SpatiaLite's classes are ISO WKB's codes */
    if (type == 1)
        return points(r, w, 1, dims);
    if (r_u32(r, &n) != 0)
        return -1;
    w_u32(w, n);
    if (type == 2)
        return points(r, w, n, dims);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k;
        if (type == 3) {
            if (r_u32(r, &k) != 0)
                return -1;
            w_u32(w, k);
            if (points(r, w, k, dims) != 0)
                return -1;
            continue;
        }
        if (r->pos >= r->n || r->p[r->pos++] != 0x69 || r_u32(r, &k) != 0 ||
            blob_body(r, w, k, depth + 1) != 0)
            return -1;
    }
    return 0;
}

unsigned char *db_geom_wkb(const unsigned char *blob, size_t n, size_t *len)
{
    enum {
        HEADER = 39
    }; /* 0x00, endian, SRID, MBR, 0x7C */
    if (blob == NULL || n < HEADER + 5 || blob[0] != 0x00 ||
        blob[HEADER - 1] != 0x7C || blob[n - 1] != 0xFE)
        return NULL;
    rd_t r = {blob, n - 1, HEADER, blob[1] == 0};
    wr_t w = {NULL, 0, 0, 0, {0, 0, 0, 0}, 0, 0};
    uint32_t cls;
    if (r_u32(&r, &cls) != 0 || blob_body(&r, &w, cls, 0) != 0 || w.oom ||
        r.pos != r.n) {
        free(w.b);
        return NULL;
    }
    *len = w.n;
    return w.b;
}
