/* render_labels.c - labels placed without overlap: candidates sorted by
 * priority (largest territories or values first), each tried at a few
 * positions around its anchor, kept only inside its map frame and clear of
 * the labels already placed and of the legend, title, insets, scale bar
 * and north arrow. Greedy, as most cartographic engines do. */
#include "render_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct cand {
    const rfeat_t *f;
    double priority;
} cand_t;

typedef struct placed {
    rbox_t *boxes;
    size_t n, cap;
} placed_t;

int box_overlaps(rbox_t a, rbox_t b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static int box_inside(rbox_t in, rbox_t frame)
{
    return in.x0 >= frame.x0 && in.x1 <= frame.x1 && in.y0 >= frame.y0 &&
           in.y1 <= frame.y1;
}

/* Area of the polygon rings (outer minus holes), in view units. */
static int area_run(void *user, const geom_run_t *run)
{
    double *area = user, sum = 0;
    if (run->kind != GEOM_RING_OUTER && run->kind != GEOM_RING_INNER)
        return 0;
    for (uint32_t i = 0, j = run->n - 1; run->n > 0 && i < run->n; j = i++) {
        const unsigned char *a = run->pts + i * run->stride;
        const unsigned char *b = run->pts + j * run->stride;
        sum +=
            geom_read_double(b, run->swap) *
                geom_read_double(a + 8, run->swap) -
            geom_read_double(a, run->swap) * geom_read_double(b + 8, run->swap);
    }
    *area += (run->kind == GEOM_RING_OUTER ? 1 : -1) * fabs(sum) / 2;
    return 0;
}

static void label_text(const render_t *r, const rfeat_t *f, char *buf,
                       size_t size)
{
    const tob_style_t *style = r->style;
    buf[0] = '\0';
    if (style->kind == STYLE_POINTS) {
        snprintf(buf, size, "%s", f->label ? f->label : "");
    } else if (style->label_field == STYLE_LABEL_CODE) {
        snprintf(buf, size, "%s", f->code);
    } else if (style->label_field == STYLE_LABEL_NAME) {
        snprintf(buf, size, "%s", f->name);
    } else if (f->category != NULL) {
        snprintf(buf, size, "%s", f->category);
    } else if (!isnan(f->value)) {
        int d = style->decimals >= 0 ? style->decimals
                                     : (r->decimals >= 0 ? r->decimals : 0);
        tob_fmt_number_fr(f->value, d, buf, size);
    }
}

static int by_priority(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    return (x->priority < y->priority) - (x->priority > y->priority);
}

/* Features that may carry a label, by priority. *out is malloc'd. */
static size_t collect(render_t *r, const rset_t *set, cand_t **out)
{
    const tob_style_t *style = r->style;
    cand_t *c = malloc((set->n + 1) * sizeof *c);
    size_t n = 0;
    for (size_t i = 0; c != NULL && i < set->n; i++) {
        const rfeat_t *f = &set->items[i];
        const rview_t *v = &r->views[f->view];
        double width_mm = (f->mbr[2] - f->mbr[0]) * v->t.s / r->u;
        if (style->kind != STYLE_POINTS && width_mm < style->label_min_size)
            continue;
        double priority = -HUGE_VAL;
        if (style->label_priority == STYLE_PRIORITY_AREA) {
            priority = 0;
            geom_walk(f->geom, f->geom_len, area_run, &priority);
        } else if (style->label_priority == STYLE_PRIORITY_VALUE &&
                   !isnan(f->value)) {
            priority = f->value;
        } else if (!isnan(f->priority)) {
            priority = f->priority;
        }
        c[n++] = (cand_t){f, priority};
    }
    if (c != NULL)
        qsort(c, n, sizeof *c, by_priority);
    *out = c;
    return c == NULL ? (size_t)-1 : n;
}

/* Whether box b meets the circle (cx, cy, radius). */
static int box_meets_circle(rbox_t b, double cx, double cy, double radius)
{
    double x = fmax(b.x0, fmin(cx, b.x1)), y = fmax(b.y0, fmin(cy, b.y1));
    return (x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius;
}

/* A label does not cover another territory's circle. */
static int clear_of_circles(const render_t *r, rbox_t b, const rfeat_t *self)
{
    if (!style_has_circles(r->style->kind))
        return 1;
    const rview_t *v = &r->views[self->view];
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (f == self || f->view != self->view || f->radius <= 0 ||
            isnan(f->ax))
            continue;
        if (box_meets_circle(b, v->t.x0 + f->ax * v->t.s + f->off_x * r->u,
                             v->t.y0 - f->ay * v->t.s + f->off_y * r->u,
                             f->radius * r->u))
            return 0;
    }
    return 1;
}

static int clear_of(const render_t *r, const placed_t *p, rbox_t b,
                    const rfeat_t *self)
{
    int view = self->view;
    if (!box_inside(b, r->views[view].frame))
        return 0;
    for (size_t i = 0; view == 0 && i < r->n_reserved; i++)
        if (box_overlaps(b, r->reserved[i]))
            return 0;
    /* Main-map labels keep off the insets' boxes too. */
    for (size_t i = 0; view == 0 && i < r->style->n_insets; i++)
        if (box_overlaps(b, r->inset_boxes[i]))
            return 0;
    if (!clear_of_circles(r, b, self))
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (box_overlaps(b, p->boxes[i]))
            return 0;
    return 1;
}

/* What a label belongs to, in page units: its territory's anchor and
 * circle (radius 0 for a polygon or a point). */
typedef struct owner {
    const rfeat_t *f;
    double x, y, radius;
    int territory; /* a territory of the map, not a point */
} owner_t;

/* Where a label goes: its box and, when it had to move away from its
 * circle, the leader line that joins them. */
typedef struct spot {
    rbox_t box;
    int leader;
    double line[4];
} spot_t;

#define LEADER_STEP 2.5 /* mm between the rings of leader positions */
#define LEADER_STEPS 4  /* so a leader is at most 10 mm + the gap long */

/* A label sits on its own ground: its centre is on its own circle, or on
 * its own polygon, or on no territory at all (the sea, a neighbouring
 * country), never on another territory's polygon. */
static int on_own_ground(const render_t *r, const owner_t *o, double cx,
                         double cy)
{
    if (!o->territory)
        return 1;
    double dx = cx - o->x, dy = cy - o->y;
    if (o->radius > 0 && dx * dx + dy * dy <= o->radius * o->radius)
        return 1;
    const rview_t *v = &r->views[o->f->view];
    double X = (cx - v->t.x0) / v->t.s, Y = (v->t.y0 - cy) / v->t.s;
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *g = &r->feats.items[i];
        if (g != o->f && g->view == o->f->view &&
            render_feature_contains(g, X, Y))
            return 0;
    }
    return 1;
}

/* Whether the segment (x0, y0)-(x1, y1) passes within radius of (cx, cy). */
static int segment_meets_circle(const double *s, double cx, double cy,
                                double radius)
{
    double dx = s[2] - s[0], dy = s[3] - s[1], len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((cx - s[0]) * dx + (cy - s[1]) * dy) / len2 : 0;
    t = fmax(0, fmin(1, t));
    double px = s[0] + t * dx - cx, py = s[1] + t * dy - cy;
    return px * px + py * py < radius * radius;
}

/* A leader crosses no other circle and no label already placed. */
static int leader_clear(const render_t *r, const placed_t *p, const owner_t *o,
                        const double *line)
{
    const rview_t *v = &r->views[o->f->view];
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (f != o->f && f->view == o->f->view && f->radius > 0 &&
            !isnan(f->ax) &&
            segment_meets_circle(
                line, v->t.x0 + f->ax * v->t.s + f->off_x * r->u,
                v->t.y0 - f->ay * v->t.s + f->off_y * r->u, f->radius * r->u))
            return 0;
    }
    for (size_t i = 0; i < p->n; i++)
        for (int k = 1; k < 16; k++) {
            double x = line[0] + (line[2] - line[0]) * k / 16;
            double y = line[1] + (line[3] - line[1]) * k / 16;
            rbox_t b = p->boxes[i];
            if (x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1)
                return 0;
        }
    return 1;
}

static int try_box(const render_t *r, const placed_t *p, const owner_t *o,
                   double cx, double cy, double w, double h, spot_t *out)
{
    rbox_t b = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    if (!clear_of(r, p, b, o->f) || !on_own_ground(r, o, cx, cy))
        return 0;
    out->box = b;
    out->leader = 0;
    return 1;
}

/* Leader positions: rings farther and farther from the circle, in eight
 * directions; the line runs from the circle's edge to the box's nearest
 * point. */
static int try_leaders(const render_t *r, const placed_t *p, const owner_t *o,
                       double w, double h, spot_t *out)
{
    static const double ux[] = {1, -1, 0, 0, 1, -1, 1, -1};
    static const double uy[] = {0, 0, -1, 1, -1, -1, 1, 1};
    double gap = 0.8 * r->u;
    for (int k = 1; k <= LEADER_STEPS; k++) {
        double d = o->radius + gap + k * LEADER_STEP * r->u;
        for (int i = 0; i < 8; i++) {
            double cx = o->x + ux[i] * (d + w / 2);
            double cy = o->y + uy[i] * (d + h / 2);
            if (!try_box(r, p, o, cx, cy, w, h, out))
                continue;
            rbox_t b = out->box;
            double nx = fmax(b.x0, fmin(o->x, b.x1));
            double ny = fmax(b.y0, fmin(o->y, b.y1));
            double len = hypot(nx - o->x, ny - o->y);
            double line[4] = {o->x + (nx - o->x) * o->radius / len,
                              o->y + (ny - o->y) * o->radius / len, nx, ny};
            if (!leader_clear(r, p, o, line))
                continue;
            out->leader = 1;
            memcpy(out->line, line, sizeof line);
            return 1;
        }
    }
    return 0;
}

/* Tries the positions around the owner's anchor: centred (no symbol, or
 * the text fits in it), right, left, above, below, the four diagonals
 * around a symbol, centred on its own circle, then farther away with a
 * leader line. Returns 1 and the spot when one is clear. */
static int place(const render_t *r, const placed_t *p, const owner_t *o,
                 double w, double h, spot_t *out)
{
    double gap = 0.8 * r->u;
    double d = o->radius + gap;
    const double dx[] = {0,         d + w / 2,  -d - w / 2, 0,         0,
                         d + w / 2, -d - w / 2, d + w / 2,  -d - w / 2};
    const double dy[] = {0,          0,         0,
                         -d - h / 2, d + h / 2, -d - h / 2,
                         -d - h / 2, d + h / 2, d + h / 2};
    int first = o->radius == 0 || w < o->radius * 1.8 ? 0 : 1;
    for (int i = first; i < 9; i++) {
        if (o->radius == 0 && i > 4)
            break; /* a polygon's label stays near its anchor */
        if (try_box(r, p, o, o->x + dx[i], o->y + dy[i], w, h, out))
            return 1;
    }
    if (o->radius == 0)
        return 0;
    /* Over its own circle, wider than it: centred, else shifted away
     * from the circles that overlap it, its centre still on the circle. */
    static const double sx[] = {0, -0.5, 0.5, -0.5, 0.5, 0, 0, -0.6, 0.6};
    static const double sy[] = {0, 0.5, 0.5, -0.5, -0.5, 0.6, -0.6, 0, 0};
    for (int i = 0; i < 9; i++)
        if (try_box(r, p, o, o->x + sx[i] * o->radius, o->y + sy[i] * o->radius,
                    w, h, out))
            return 1;
    return try_leaders(r, p, o, w, h, out);
}

static int push_box(placed_t *p, rbox_t b)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        rbox_t *more = realloc(p->boxes, cap * sizeof *more);
        if (more == NULL)
            return -1;
        p->boxes = more;
        p->cap = cap;
    }
    p->boxes[p->n++] = b;
    return 0;
}

static void draw_leader(render_t *r, const spot_t *sp)
{
    cairo_t *cr = r->cr;
    cairo_new_path(cr);
    cairo_move_to(cr, sp->line[0], sp->line[1]);
    cairo_line_to(cr, sp->line[2], sp->line[3]);
    cairo_set_source_rgba(cr, 0.25, 0.25, 0.25, 0.9);
    cairo_set_line_width(cr, 0.15 * r->u);
    cairo_stroke(cr);
}

static void record(render_t *r, const owner_t *o, const spot_t *sp)
{
    size_t i = r->report->n_labels;
    if (r->label_out == NULL || i >= r->label_cap)
        return;
    tob_map_label_t *l = &r->label_out[i];
    memset(l, 0, sizeof *l);
    snprintf(l->code, sizeof l->code, "%s", o->f->code ? o->f->code : "");
    l->box[0] = sp->box.x0, l->box[1] = sp->box.y0;
    l->box[2] = sp->box.x1, l->box[3] = sp->box.y1;
    l->cx = o->x, l->cy = o->y, l->radius = o->radius;
    l->leader = sp->leader;
    memcpy(l->leader_xy, sp->line, sizeof l->leader_xy);
}

static tob_status_t place_all(render_t *r, const cand_t *c, size_t n,
                              tob_error_t *err)
{
    const tob_style_t *style = r->style;
    rfont_t font = {style->label_size, 0, 0, style->label_color,
                    style->label_halo, 0};
    placed_t p = {NULL, 0, 0};
    size_t limit = style->label_max > 0 ? (size_t)style->label_max : n;
    for (size_t i = 0; i < n && r->report->n_labels < limit; i++) {
        const rfeat_t *f = c[i].f;
        char text[512];
        label_text(r, f, text, sizeof text);
        if (text[0] == '\0' || isnan(f->ax))
            continue;
        const rview_t *v = &r->views[f->view];
        owner_t o = {f, v->t.x0 + f->ax * v->t.s + f->off_x * r->u,
                     v->t.y0 - f->ay * v->t.s + f->off_y * r->u,
                     style->kind == STYLE_POINTS ? style->point_size * r->u
                                                 : f->radius * r->u,
                     style->kind != STYLE_POINTS};
        double w, h, pad = style->label_halo.a > 0 ? 0.5 * r->u : 0;
        text_measure(r, text, &font, &w, &h);
        spot_t sp;
        memset(&sp, 0, sizeof sp);
        if (!place(r, &p, &o, w + 2 * pad, h + 2 * pad, &sp)) {
            r->report->n_labels_skipped++;
            continue;
        }
        if (push_box(&p, sp.box) != 0) {
            free(p.boxes);
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        }
        if (sp.leader)
            draw_leader(r, &sp);
        text_draw(r, text, &font, sp.box.x0 + pad, sp.box.y0 + pad);
        record(r, &o, &sp);
        r->report->n_labels++;
    }
    free(p.boxes);
    return TOB_OK;
}

tob_status_t render_labels(render_t *r, tob_error_t *err)
{
    if (!r->style->labels)
        return TOB_OK;
    const rset_t *set = r->style->kind == STYLE_POINTS ? &r->points : &r->feats;
    cand_t *c = NULL;
    size_t n = collect(r, set, &c);
    if (n == (size_t)-1)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = place_all(r, c, n, err);
    free(c);
    return s;
}
