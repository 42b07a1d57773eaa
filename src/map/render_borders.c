/* render_borders.c - discontinuity maps: the borders two neighbouring
 * territories share, computed by GEOS through SpatiaLite (the line part of
 * the intersection of their boundaries), each weighted by the difference
 * of the mapped value on its two sides (the larger over the smaller, or
 * their absolute difference), kept above a threshold, classified, and
 * drawn with a width per class over the territories. */
#include "render_internal.h"

#include "store/db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct id_index {
    tob_id_t id;
    size_t i; /* in r->feats */
} id_index_t;

static int by_id(const void *a, const void *b)
{
    const id_index_t *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static const rfeat_t *feat_of(const render_t *r, const id_index_t *ids,
                              size_t n, tob_id_t id)
{
    id_index_t key = {id, 0};
    const id_index_t *hit = bsearch(&key, ids, n, sizeof *ids, by_id);
    return hit != NULL ? &r->feats.items[hit->i] : NULL;
}

/* The difference across a border; NaN when a side has no value (or, for
 * a ratio, a value that is not positive). */
static double difference(const render_t *r, double a, double b)
{
    if (isnan(a) || isnan(b))
        return NAN;
    if (r->style->disc_type != NULL &&
        strcmp(r->style->disc_type, "absolute") == 0)
        return fabs(a - b);
    if (!(a > 0) || !(b > 0))
        return NAN;
    return fmax(a, b) / fmin(a, b);
}

/* Pairs (a, b), a < b, of the level whose boxes meet, a within the box of
 * the features; the shared line is NULL for pairs that only touch at a
 * point or not at all. */
static const char BORDERS_SQL[] =
    "SELECT a.id, b.id, CastToMultiLinestring(CollectionExtract("
    "ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom)), 2))"
    " FROM territory a JOIN territory b ON b.level = a.level AND"
    " b.vintage = a.vintage AND b.id > a.id AND"
    " TOB_BOX_MEETS(territory, b, a.geom)"
    " WHERE a.level = ?1 AND a.vintage = ?2 AND"
    " TOB_BOX_MEETS_BOX(territory, a, ?3, ?4, ?5, ?6) AND a.geom IS NOT NULL "
    "AND"
    " b.geom IS NOT NULL AND ST_Intersects(a.geom, b.geom)";

static tob_status_t take_border(render_t *r, const id_index_t *ids, size_t n,
                                db_stmt_t *stmt, tob_error_t *err)
{
    const rfeat_t *a = feat_of(r, ids, n, db_column_int64(stmt, 0));
    const rfeat_t *b = feat_of(r, ids, n, db_column_int64(stmt, 1));
    if (a == NULL || b == NULL || a->view != b->view ||
        db_column_type(stmt, 2) == DB_NULL)
        return TOB_OK; /* outside the map, or a point of contact */
    double d = difference(r, a->value, b->value);
    if (isnan(d) || d < r->style->disc_threshold)
        return TOB_OK;
    if (r->borders.n == r->borders.cap) {
        size_t cap = r->borders.cap ? 2 * r->borders.cap : 256;
        rfeat_t *more = realloc(r->borders.items, cap * sizeof *more);
        if (more == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        r->borders.items = more;
        r->borders.cap = cap;
    }
    rfeat_t *f = &r->borders.items[r->borders.n];
    memset(f, 0, sizeof *f);
    f->value = f->value2 = d;
    f->ax = f->ay = NAN;
    f->view = a->view;
    f->entry = f->entry2 = NO_CLASS;
    f->code = a->code;
    f->name = b->code;
    const void *blob = db_column_blob(stmt, 2);
    int len = db_column_bytes(stmt, 2);
    if (blob == NULL || len <= 0 ||
        (f->geom = render_alloc(r, (size_t)len)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    memcpy(f->geom, blob, (size_t)len);
    f->geom_len = (size_t)len;
    if (geom_mbr(f->geom, f->geom_len, f->mbr) != 0)
        return TOB_OK; /* an empty line: nothing shared */
    r->borders.n++;
    return TOB_OK;
}

tob_status_t render_fetch_borders(render_t *r, int vintage, tob_error_t *err)
{
    size_t n = r->feats.n;
    id_index_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (ids == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    double box[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        ids[i] = (id_index_t){f->id, i};
        box[0] = fmin(box[0], f->mbr[0]), box[1] = fmin(box[1], f->mbr[1]);
        box[2] = fmax(box[2], f->mbr[2]), box[3] = fmax(box[3], f->mbr[3]);
    }
    qsort(ids, n, sizeof *ids, by_id);
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(r->st, BORDERS_SQL, &stmt, err);
    if (s == TOB_OK) {
        db_bind_text(stmt, 1, r->style->level);
        db_bind_int(stmt, 2, vintage);
        for (int k = 0; k < 4; k++)
            db_bind_double(stmt, 3 + k, box[k]);
        int rc;
        while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
            s = take_border(r, ids, n, stmt, err);
        if (s == TOB_OK && rc != DB_DONE)
            s = db_fail(r->st, "computing the shared borders", err);
    }
    db_finalize(stmt);
    free(ids);
    return s;
}

static int by_width(const void *a, const void *b)
{
    const rfeat_t *x = *(const rfeat_t *const *)a;
    const rfeat_t *y = *(const rfeat_t *const *)b;
    return (x->radius > y->radius) - (x->radius < y->radius);
}

/* Thin borders first, so that the strongest discontinuities stay on top. */
tob_status_t render_draw_borders(render_t *r, const rview_t *v, int view,
                                 tob_error_t *err)
{
    const rfeat_t **order = malloc((r->borders.n + 1) * sizeof *order);
    if (order == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->borders.n; i++)
        if (r->borders.items[i].view == view)
            order[n++] = &r->borders.items[i];
    qsort(order, n, sizeof *order, by_width);
    cairo_t *cr = r->cr;
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    set_color(cr, r->style->disc_color);
    for (size_t i = 0; i < n; i++) {
        cairo_new_path(cr);
        geom_path(cr, order[i]->geom, order[i]->geom_len, &v->t, r->tol,
                  &r->scratch);
        cairo_set_line_width(cr, order[i]->radius * r->u);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
    free(order);
    return TOB_OK;
}
