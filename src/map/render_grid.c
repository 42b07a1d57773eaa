/* render_grid.c - kind = grid: a count, or the ratio of two, moved from
 * the territories onto regular squares or hexagons, each territory giving
 * a cell the share of its area the cell covers (GEOS intersections, in
 * C on either engine's geometries: geos_work.h): count = sum(v w), ratio =
 * sum(num w) / sum(den w). Cells that meet no territory are left out; the
 * others are drawn whole, classified like a choropleth. */
#include "render_internal.h"

#include "geos_work.h"
#include "smooth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 200000

typedef struct grid_job {
    render_t *r;
    geos_work_t g;
    GEOSGeometry **terr; /* each territory of r->feats */
    double *area;        /* of each territory */
    rset_t out;
} grid_job_t;

/* Share of territory i's area in cell (0 when they only touch). */
static tob_status_t share_of(grid_job_t *job, const GEOSGeometry *cell,
                             size_t i, double *w, tob_error_t *err)
{
    GEOSContextHandle_t h = job->g.h;
    GEOSGeometry *part = GEOSIntersection_r(h, cell, job->terr[i]);
    double a = 0;
    int ok = part != NULL && GEOSArea_r(h, part, &a) == 1;
    if (part != NULL)
        GEOSGeom_destroy_r(h, part);
    if (!ok)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "GEOS could not intersect the cells with "
                             "territory %s",
                             job->r->feats.items[i].code);
    *w = job->area[i] > 0 ? a / job->area[i] : 0;
    return TOB_OK;
}

static int boxes_meet(const double *a, const double *b)
{
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/* Cell c's value from the territories it meets; kept when it meets one. */
static tob_status_t one_cell(grid_job_t *job, const smooth_cells_t *cells,
                             size_t c, tob_error_t *err)
{
    render_t *r = job->r;
    double xy[14];
    size_t n_pts;
    smooth_cell_ring(cells, c, xy, &n_pts);
    double box[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < n_pts; i++) {
        box[0] = fmin(box[0], xy[2 * i]), box[1] = fmin(box[1], xy[2 * i + 1]);
        box[2] = fmax(box[2], xy[2 * i]), box[3] = fmax(box[3], xy[2 * i + 1]);
    }
    GEOSGeometry *cell = NULL;
    double num = 0, den = 0;
    int met = 0;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        const rfeat_t *t = &r->feats.items[i];
        if (!boxes_meet(box, t->mbr))
            continue;
        if (cell == NULL &&
            (cell = geos_work_polygon(&job->g, xy, n_pts)) == NULL) {
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        double w = 0;
        s = share_of(job, cell, i, &w, err);
        if (s != TOB_OK || !(w > 0))
            continue;
        met = 1;
        /* A ratio counts a territory only with both its values. */
        int has_den = r->style->denominator == NULL || !isnan(t->value2);
        if (!isnan(t->value) && has_den) {
            num += t->value * w;
            den += r->style->denominator ? t->value2 * w : 0;
        }
    }
    rfeat_t *f = s == TOB_OK && met ? rset_push(&job->out) : NULL;
    if (f != NULL && geos_work_take(r, &job->g, cell, f) != 0)
        f = NULL;
    if (cell != NULL)
        GEOSGeom_destroy_r(job->g.h, cell);
    if (s != TOB_OK || !met)
        return s;
    if (f == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    f->value = render_ratio(r, num, den);
    char code[32];
    snprintf(code, sizeof code, "carreau-%zu", c);
    if ((f->code = render_alloc(r, strlen(code) + 1)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    memcpy(f->code, code, strlen(code) + 1);
    f->name = (char *)(cells->hexagon ? "Hexagone" : "Carreau");
    f->id = (tob_id_t)c + 1;
    return TOB_OK;
}

static tob_status_t territory_areas(grid_job_t *job, tob_error_t *err)
{
    render_t *r = job->r;
    tob_status_t s = geos_work_feats(r, &job->g, &job->terr, err);
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++)
        if (GEOSArea_r(job->g.h, job->terr[i], &job->area[i]) != 1)
            s = tob_error_set(err, TOB_ERR_INPUT,
                              "GEOS could not measure territory %s",
                              r->feats.items[i].code);
    return s;
}

/* Each cell cut along the outline of the territories (job->terr): its
 * value stays the whole cell's; a cell left with no polygon is dropped. */
static tob_status_t clip_cells(grid_job_t *job, tob_error_t *err)
{
    GEOSContextHandle_t h = job->g.h;
    GEOSGeometry *area = NULL;
    tob_status_t s =
        geos_work_union(&job->g, job->terr, job->r->feats.n, &area, err);
    rset_t *cells = &job->out;
    size_t kept = 0;
    for (size_t i = 0; s == TOB_OK && i < cells->n; i++) {
        rfeat_t *f = &cells->items[i];
        GEOSGeometry *cell = geos_work_read(&job->g, f->geom, f->geom_len);
        GEOSGeometry *piece = cell ? GEOSIntersection_r(h, cell, area) : NULL;
        int taken = piece ? geos_work_take(job->r, &job->g, piece, f) : -1;
        if (taken < 0)
            s = tob_error_set(err, TOB_ERR_INPUT,
                              "GEOS could not cut the cells along the "
                              "territories");
        else if (taken == 0)
            cells->items[kept++] = *f;
        if (piece != NULL)
            GEOSGeom_destroy_r(h, piece);
        if (cell != NULL)
            GEOSGeom_destroy_r(h, cell);
    }
    if (area != NULL)
        GEOSGeom_destroy_r(h, area);
    if (s == TOB_OK)
        cells->n = kept;
    return s;
}

/* "Population (habitants) par carreau de 5 km" unless the style titles
 * its legend. */
static void grid_title(render_t *r, int hexagon)
{
    tob_style_t *own = &r->own_style;
    if (own->legend_title != NULL)
        return;
    const char *unit = own->unit != NULL ? own->unit : r->var_unit;
    char *title = render_alloc(r, 384);
    if (title == NULL)
        return;
    double km = own->grid_cell_size / 1000;
    snprintf(title, 384, "%s%s%s%s par %s de %.*f km",
             r->var_label[0] ? r->var_label : own->variable,
             unit[0] ? " (" : "", unit, unit[0] ? ")" : "",
             hexagon ? "hexagone" : "carreau", km < 10 && km != floor(km), km);
    own->legend_title = title;
}

tob_status_t render_grid(render_t *r, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    int hexagon =
        style->grid_cell != NULL && strcmp(style->grid_cell, "hexagon") == 0;
    double box[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < r->feats.n; i++) {
        const double *m = r->feats.items[i].mbr;
        box[0] = fmin(box[0], m[0]), box[1] = fmin(box[1], m[1]);
        box[2] = fmax(box[2], m[2]), box[3] = fmax(box[3], m[3]);
    }
    smooth_cells_t cells;
    smooth_cells_cover(&cells, hexagon, style->grid_cell_size, box);
    if (smooth_cells_count(&cells) > MAX_CELLS) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "cells of %g m make %zu cells over the map (at most "
                      "%d): choose larger ones",
                      style->grid_cell_size, smooth_cells_count(&cells),
                      MAX_CELLS);
        tob_error_at(err, style->name,
                     style_line_of(style, "grid", "cell_size"),
                     "grid.cell_size");
        return TOB_ERR_INPUT;
    }
    grid_job_t job = {r, {NULL, NULL, NULL}, NULL, NULL, {NULL, 0, 0}};
    job.area = malloc((r->feats.n + 1) * sizeof *job.area);
    tob_status_t s = job.area != NULL
                         ? TOB_OK
                         : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK)
        s = geos_work_open(&job.g, err);
    if (s == TOB_OK)
        s = territory_areas(&job, err);
    for (size_t c = 0; s == TOB_OK && c < smooth_cells_count(&cells); c++)
        s = one_cell(&job, &cells, c, err);
    if (s == TOB_OK && style->grid_clip)
        s = clip_cells(&job, err);
    geos_work_free_all(&job.g, job.terr, r->feats.n);
    geos_work_close(&job.g);
    free(job.area);
    if (s != TOB_OK) {
        rset_free(&job.out);
        return s;
    }
    rset_free(&r->feats);
    r->feats = job.out;
    render_ratio_unit(r);
    grid_title(r, hexagon);
    return TOB_OK;
}
