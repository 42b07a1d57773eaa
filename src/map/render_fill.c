/* render_fill.c - the thematic polygons of a view: fills by legend entry
 * (one even-odd path per colour), then outlines.
 *
 * On an image page (PNG) the work is split in horizontal bands drawn by
 * worker threads, each with its own cairo_t on its rows of the same
 * pixels; fills use Cairo's fast (4x4) anti-aliasing, and outlines thinner
 * than a pixel are drawn as coverage-weighted anti-aliased lines (Xiaolin
 * Wu) straight into the pixels: Cairo 1.16 has no hairline mode, and its
 * general stroker costs three times the rest of a 35,000-commune map.
 * Other pages (PDF, SVG, a carnet's context) get plain Cairo paths. */
#include "render_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BANDS 8
#define MIN_FEATURES_PER_BAND 1500

/* The rings a band filled, kept in page units for its outlines so that
 * each geometry is read and simplified once. */
typedef struct ring_cache {
    float *xy;
    size_t n, cap; /* floats */
    uint32_t *lens;
    size_t n_rings, cap_rings;
    int failed;
} ring_cache_t;

typedef struct band {
    const render_t *r;
    const rview_t *v;
    int view;
    cairo_t *cr;
    geom_scratch_t scratch;
    rbox_t clip; /* page units: the view frame within the band */
    /* raster pages only */
    unsigned char *data;
    int stride;
    double dx, dy;          /* page units -> pixels */
    int px0, py0, px1, py1; /* pixels the band may touch */
    uint8_t rgb[3];
    double alpha, line_px;
    int caching; /* fills keep their rings for the outlines */
    ring_cache_t cache;
    /* vector pages: each class's path filled and stroked at once, so
     * that a PDF holds every ring once, not once more for the outlines */
    int fill_stroke;
} band_t;

static void cache_ring(ring_cache_t *c, const double *xy, size_t n)
{
    if (c->failed)
        return;
    if (c->n + 2 * n > c->cap) {
        size_t cap = (c->n + 2 * n) * 2;
        float *more = realloc(c->xy, cap * sizeof *more);
        if (more == NULL) {
            c->failed = 1;
            return;
        }
        c->xy = more, c->cap = cap;
    }
    if (c->n_rings == c->cap_rings) {
        size_t cap = c->cap_rings ? c->cap_rings * 2 : 4096;
        uint32_t *more = realloc(c->lens, cap * sizeof *more);
        if (more == NULL) {
            c->failed = 1;
            return;
        }
        c->lens = more, c->cap_rings = cap;
    }
    for (size_t i = 0; i < 2 * n; i++)
        c->xy[c->n + i] = (float)xy[i];
    c->n += 2 * n;
    c->lens[c->n_rings++] = (uint32_t)n;
}

/* Appends a ring to the band's path (and cache); a ring smaller than
 * the tolerance still shows, as a dot, so that small communes keep their
 * colour at any scale. */
static int fill_ring(void *user, const double *xy, size_t n,
                     geom_run_kind_t kind)
{
    band_t *b = user;
    if (b->caching)
        cache_ring(&b->cache, xy, n);
    double tol = b->r->tol;
    if (kind != GEOM_LINE && n < 4) {
        if (kind == GEOM_RING_OUTER)
            cairo_rectangle(b->cr, xy[0] - tol / 2, xy[1] - tol / 2, tol, tol);
        return 0;
    }
    cairo_move_to(b->cr, xy[0], xy[1]);
    for (size_t i = 1; i < n; i++)
        cairo_line_to(b->cr, xy[2 * i], xy[2 * i + 1]);
    if (kind != GEOM_LINE)
        cairo_close_path(b->cr);
    return 0;
}

static int visible(const band_t *b, const rfeat_t *f)
{
    const geom_xform_t *t = &b->v->t;
    double margin = 2 + b->r->style->stroke_width * b->r->u;
    return t->x0 + f->mbr[0] * t->s <= b->clip.x1 + margin &&
           t->x0 + f->mbr[2] * t->s >= b->clip.x0 - margin &&
           t->y0 - f->mbr[1] * t->s >= b->clip.y0 - margin &&
           t->y0 - f->mbr[3] * t->s <= b->clip.y1 + margin;
}

/* One path for the features of the view whose entry is `entry` (all of
 * them when any_entry). Returns how many. */
static size_t path_features(band_t *b, size_t entry, int any_entry)
{
    const rset_t *set = &b->r->feats;
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const rfeat_t *f = &set->items[i];
        if (f->view != b->view || (!any_entry && f->entry != entry) ||
            !visible(b, f))
            continue;
        geom_rings_px(f->geom, f->geom_len, &b->v->t, b->r->tol, &b->scratch,
                      fill_ring, b);
        n++;
    }
    return n;
}

static void stroke_path(band_t *b)
{
    const tob_style_t *style = b->r->style;
    set_color(b->cr, style->stroke);
    cairo_set_line_width(b->cr, style->stroke_width * b->r->u);
    cairo_set_line_join(b->cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(b->cr);
}

/* The features no class filled (and so stroked): their outlines. */
static void path_unclassed(band_t *b)
{
    const rset_t *set = &b->r->feats;
    for (size_t i = 0; i < set->n; i++) {
        const rfeat_t *f = &set->items[i];
        if (f->view == b->view && f->entry >= b->r->report->n_entries &&
            visible(b, f))
            geom_rings_px(f->geom, f->geom_len, &b->v->t, b->r->tol,
                          &b->scratch, fill_ring, b);
    }
}

static void draw_fills(band_t *b)
{
    const render_t *r = b->r;
    const tob_style_t *style = r->style;
    cairo_set_fill_rule(b->cr, CAIRO_FILL_RULE_EVEN_ODD);
    if (style_fills_by_entry(style->kind)) {
        for (size_t e = 0; e < r->report->n_entries; e++) {
            cairo_new_path(b->cr);
            if (path_features(b, e, 0) == 0)
                continue;
            set_color(b->cr, r->report->entries[e].color);
            if (b->fill_stroke) {
                cairo_fill_preserve(b->cr);
                stroke_path(b);
            } else {
                cairo_fill(b->cr);
            }
        }
    } else if (style->fill.a > 0) {
        cairo_new_path(b->cr);
        path_features(b, NO_CLASS, 1);
        set_color(b->cr, style->fill);
        cairo_fill(b->cr);
    }
    size_t last = r->report->n_entries - 1;
    if ((style_has_circles(style->kind) ||
         style->kind == STYLE_DISCONTINUITY) &&
        r->report->n_entries > 0 && r->report->entries[last].is_missing) {
        int caching = b->caching; /* these rings are in the cache already */
        b->caching = 0;
        cairo_new_path(b->cr);
        path_features(b, last, 0);
        set_color(b->cr, r->report->entries[last].color);
        cairo_fill(b->cr);
        b->caching = caching;
    }
    cairo_new_path(b->cr);
}

/* Blends the outline colour at pixel (x, y) with coverage a/256,
 * premultiplied ARGB32 as Cairo stores it. */
static inline void plot(band_t *b, int x, int y, unsigned a)
{
    if (y < b->py0 || y >= b->py1 || a == 0)
        return;
    uint32_t *p = (uint32_t *)(void *)(b->data + (size_t)y * b->stride) + x;
    unsigned inv = 256 - a;
    uint32_t d = *p;
    unsigned r = (b->rgb[0] * a + ((d >> 16) & 255) * inv) >> 8;
    unsigned g = (b->rgb[1] * a + ((d >> 8) & 255) * inv) >> 8;
    unsigned bl = (b->rgb[2] * a + (d & 255) * inv) >> 8;
    unsigned al = (255 * a + (d >> 24) * inv) >> 8;
    *p = (uint32_t)al << 24 | r << 16 | g << 8 | bl;
}

/* Wu's line from (x0, y0) to (x1, y1) in pixels: one sample per column
 * (row when steep) whose centre lies in [start, end), split between the
 * two nearest pixels, scaled by the line's width across that column.
 * Columns are clipped here, rows in plot(). */
static void wu_line(band_t *b, double x0, double y0, double x1, double y1)
{
    int steep = fabs(y1 - y0) > fabs(x1 - x0);
    if (steep) {
        double t = x0;
        x0 = y0, y0 = t, t = x1, x1 = y1, y1 = t;
    }
    if (x0 > x1) {
        double t = x0;
        x0 = x1, x1 = t, t = y0, y0 = y1, y1 = t;
    }
    if (x1 - x0 < 1e-9)
        return;
    double g = (y1 - y0) / (x1 - x0);
    /* coverage of a column, x 256, with the colour's opacity */
    double cover = fmin(1, b->line_px * sqrt(1 + g * g)) * b->alpha * 256;
    int lo = steep ? b->py0 : b->px0, hi = steep ? b->py1 : b->px1;
    int i0 = (int)ceil(x0 - 0.5), i1 = (int)ceil(x1 - 0.5);
    i0 = i0 < lo ? lo : i0;
    i1 = i1 > hi ? hi : i1;
    double yc = y0 + g * (i0 + 0.5 - x0) - 0.5;
    for (int i = i0; i < i1; i++, yc += g) {
        int j = (int)(yc + 65536.0) - 65536; /* floor, for |yc| < 65536 */
        unsigned a1 = (unsigned)((yc - j) * cover + 0.5);
        unsigned a0 = (unsigned)(cover + 0.5) - a1;
        if (steep) {
            if (j >= b->px0 && j < b->px1)
                plot(b, j, i, a0);
            if (j + 1 >= b->px0 && j + 1 < b->px1)
                plot(b, j + 1, i, a1);
        } else {
            plot(b, i, j, a0);
            plot(b, i, j + 1, a1);
        }
    }
}

static int wu_ring(void *user, const double *xy, size_t n, geom_run_kind_t kind)
{
    band_t *b = user;
    (void)kind;
    for (size_t i = 1; i < n; i++) {
        double ya = xy[2 * i - 1] + b->dy, yb = xy[2 * i + 1] + b->dy;
        if ((ya < b->py0 - 1 && yb < b->py0 - 1) ||
            (ya > b->py1 + 1 && yb > b->py1 + 1))
            continue; /* another band's */
        wu_line(b, xy[2 * i - 2] + b->dx, ya, xy[2 * i] + b->dx, yb);
    }
    return 0;
}

/* The outlines of the rings the fills kept: segments outside the band's
 * rows are skipped before any arithmetic. */
static void outline_cache(band_t *b)
{
    const float *xy = b->cache.xy;
    double top = b->py0 - 1 - b->dy, bottom = b->py1 + 1 - b->dy;
    for (size_t k = 0; k < b->cache.n_rings; k++) {
        for (uint32_t i = 1; i < b->cache.lens[k]; i++) {
            const float *s = xy + 2 * (i - 1);
            if ((s[1] < top && s[3] < top) || (s[1] > bottom && s[3] > bottom))
                continue;
            wu_line(b, s[0] + b->dx, s[1] + b->dy, s[2] + b->dx, s[3] + b->dy);
        }
        xy += 2 * b->cache.lens[k];
    }
}

static void draw_outlines(band_t *b)
{
    const render_t *r = b->r;
    const tob_style_t *style = r->style;
    if (style->stroke.a == 0 || style->stroke_width <= 0)
        return;
    double width = style->stroke_width * r->u;
    if (b->data != NULL && width < 1) {
        b->rgb[0] = style->stroke.r, b->rgb[1] = style->stroke.g;
        b->rgb[2] = style->stroke.b;
        b->alpha = style->stroke.a / 255.0;
        b->line_px = width;
        if (b->caching && !b->cache.failed) {
            outline_cache(b);
            return;
        }
        for (size_t i = 0; i < r->feats.n; i++) {
            const rfeat_t *f = &r->feats.items[i];
            if (f->view == b->view && visible(b, f))
                geom_rings_px(f->geom, f->geom_len, &b->v->t, r->tol,
                              &b->scratch, wu_ring, b);
        }
        return;
    }
    cairo_new_path(b->cr);
    if (b->fill_stroke)
        path_unclassed(b);
    else
        path_features(b, NO_CLASS, 1);
    stroke_path(b);
}

/* A band of a raster page: its own surface on the rows it owns. */
static void *band_main(void *arg)
{
    band_t *b = arg;
    cairo_surface_t *target = cairo_get_target(b->r->cr);
    cairo_surface_t *rows = cairo_image_surface_create_for_data(
        b->data + (size_t)b->py0 * b->stride,
        cairo_image_surface_get_format(target),
        cairo_image_surface_get_width(target), b->py1 - b->py0, b->stride);
    b->cr = cairo_create(rows);
    cairo_translate(b->cr, b->dx, b->dy - b->py0);
    cairo_rectangle(b->cr, b->clip.x0, b->clip.y0, b->clip.x1 - b->clip.x0,
                    b->clip.y1 - b->clip.y0);
    cairo_clip(b->cr);
    const tob_style_t *style = b->r->style;
    double width = style->stroke_width * b->r->u;
    int wu = style->stroke.a > 0 && width > 0 && width < 1;
    int fills_all = style_fills_by_entry(style->kind) || style->fill.a > 0;
    b->caching = wu && fills_all;
    /* Where a visible outline covers every edge, fills need no
     * anti-aliasing (pixel-exact, no seams); else Cairo's 4x4 one. */
    cairo_set_antialias(b->cr, wu && width >= 0.25 && style->stroke.a >= 128
                                   ? CAIRO_ANTIALIAS_NONE
                                   : CAIRO_ANTIALIAS_FAST);
    draw_fills(b);
    draw_outlines(b);
    free(b->cache.xy);
    free(b->cache.lens);
    cairo_destroy(b->cr);
    cairo_surface_destroy(rows);
    return NULL;
}

/* Whether cr draws straight into an image's pixels, user units being
 * pixels (possibly shifted by whole pixels). */
static int raster_target(cairo_t *cr, double *dx, double *dy)
{
    cairo_surface_t *t = cairo_get_target(cr);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    double ox, oy;
    if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_get_group_target(cr) != t ||
        (cairo_image_surface_get_format(t) != CAIRO_FORMAT_ARGB32 &&
         cairo_image_surface_get_format(t) != CAIRO_FORMAT_RGB24))
        return 0;
    double sx, sy;
    cairo_surface_get_device_offset(t, &ox, &oy);
    cairo_surface_get_device_scale(t, &sx, &sy);
    *dx = m.x0 + ox, *dy = m.y0 + oy;
    return m.xx == 1 && m.yy == 1 && m.xy == 0 && m.yx == 0 && sx == 1 &&
           sy == 1 && *dx == floor(*dx) && *dy == floor(*dy);
}

/* Bands of equal height hold unequal work (a metropolis, the sea): two
 * bands per core even the load out. Small maps are not worth a thread,
 * unless the caller asks for threads. */
static size_t band_count(const render_t *r)
{
    if (r->threads > 0)
        return r->threads < MAX_BANDS ? (size_t)r->threads : MAX_BANDS;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = r->feats.n / MIN_FEATURES_PER_BAND + 1;
    size_t most = cores > 1 ? 2 * (size_t)cores : 1;
    n = n < most ? n : most;
    return n < MAX_BANDS ? n : MAX_BANDS;
}

static void draw_bands(render_t *r, const rview_t *v, int view, double dx,
                       double dy)
{
    cairo_surface_t *target = cairo_get_target(r->cr);
    cairo_surface_flush(target);
    band_t bands[MAX_BANDS];
    pthread_t threads[MAX_BANDS];
    int started[MAX_BANDS] = {0};
    size_t n = band_count(r);
    int top = (int)floor(v->frame.y0 + dy),
        bottom = (int)ceil(v->frame.y1 + dy);
    int height = cairo_image_surface_get_height(target);
    top = top < 0 ? 0 : top;
    bottom = bottom > height ? height : bottom;
    for (size_t i = 0; i < n; i++) {
        band_t *b = &bands[i];
        memset(b, 0, sizeof *b);
        b->r = r, b->v = v, b->view = view, b->dx = dx, b->dy = dy;
        b->data = cairo_image_surface_get_data(target);
        b->stride = cairo_image_surface_get_stride(target);
        b->py0 = top + (int)((bottom - top) * i / n);
        b->py1 = top + (int)((bottom - top) * (i + 1) / n);
        b->px0 = (int)fmax(0, floor(v->frame.x0 + dx));
        b->px1 = (int)fmin(cairo_image_surface_get_width(target),
                           ceil(v->frame.x1 + dx));
        b->clip = (rbox_t){v->frame.x0, fmax(v->frame.y0, b->py0 - dy),
                           v->frame.x1, fmin(v->frame.y1, b->py1 - dy)};
        if (b->py1 <= b->py0)
            continue;
        /* One band, or no thread to be had: draw it here. */
        if (n > 1 && pthread_create(&threads[i], NULL, band_main, b) == 0)
            started[i] = 1;
        else
            band_main(b);
    }
    for (size_t i = 0; i < n; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        geom_scratch_free(&bands[i].scratch);
    }
    cairo_surface_mark_dirty(target);
}

void render_draw_features(render_t *r, const rview_t *v, int view)
{
    double dx, dy;
    if (raster_target(r->cr, &dx, &dy)) {
        draw_bands(r, v, view, dx, dy);
        return;
    }
    band_t b;
    memset(&b, 0, sizeof b);
    b.r = r, b.v = v, b.view = view, b.cr = r->cr, b.clip = v->frame;
    geom_scratch_snap_to(&b.scratch, r->cr, r->tol);
    /* Each class stroked after its fill: a neighbour's fill covers half
     * an outline drawn before it, then its own stroke draws it again, so
     * the page looks the same as with all outlines last. */
    const tob_style_t *style = r->style;
    b.fill_stroke =
        (style->kind == STYLE_CHOROPLETH || style->kind == STYLE_TYPOLOGY) &&
        style->stroke.a == 255 && style->stroke_width > 0;
    draw_fills(&b);
    draw_outlines(&b);
    geom_scratch_free(&b.scratch);
}
