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
    if (r->style->kind != STYLE_PROPORTIONAL)
        return 1;
    const rview_t *v = &r->views[self->view];
    for (size_t i = 0; i < r->feats.n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (f == self || f->view != self->view || f->radius <= 0 ||
            isnan(f->ax))
            continue;
        if (box_meets_circle(b, v->t.x0 + f->ax * v->t.s,
                             v->t.y0 - f->ay * v->t.s, f->radius * r->u))
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

/* Tries the positions around (x, y); offset is the symbol's radius.
 * Returns 1 and the box when one is clear. */
static int place(const render_t *r, const placed_t *p, const rfeat_t *f,
                 double x, double y, double w, double h, double offset,
                 rbox_t *out)
{
    double gap = 0.8 * r->u;
    double d = offset + gap;
    /* centre (if no symbol or the text fits in it), then right, left,
     * above, below, then the four diagonals */
    const double dx[] = {0,         d + w / 2,  -d - w / 2, 0,         0,
                         d + w / 2, -d - w / 2, d + w / 2,  -d - w / 2};
    const double dy[] = {0,          0,         0,
                         -d - h / 2, d + h / 2, -d - h / 2,
                         -d - h / 2, d + h / 2, d + h / 2};
    int first = offset == 0 || w < offset * 1.8 ? 0 : 1;
    for (int i = first; i < 9; i++) {
        rbox_t b = {x + dx[i] - w / 2, y + dy[i] - h / 2, x + dx[i] + w / 2,
                    y + dy[i] + h / 2};
        if (offset == 0 && i > 4)
            break; /* a polygon's label stays near its anchor */
        if (clear_of(r, p, b, f)) {
            *out = b;
            return 1;
        }
    }
    return 0;
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
        double x = v->t.x0 + f->ax * v->t.s + f->off_x * r->u;
        double y = v->t.y0 - f->ay * v->t.s + f->off_y * r->u;
        double w, h, pad = style->label_halo.a > 0 ? 0.5 * r->u : 0;
        text_measure(r, text, &font, &w, &h);
        double offset = style->kind == STYLE_POINTS ? style->point_size * r->u
                                                    : f->radius * r->u;
        rbox_t b;
        if (!place(r, &p, f, x, y, w + 2 * pad, h + 2 * pad, offset, &b)) {
            r->report->n_labels_skipped++;
            continue;
        }
        if (push_box(&p, b) != 0) {
            free(p.boxes);
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        }
        text_draw(r, text, &font, b.x0 + pad, b.y0 + pad);
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
