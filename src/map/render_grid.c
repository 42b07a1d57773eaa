/* render_grid.c - kind = grid: a count, or the ratio of two, moved from
 * the territories onto regular squares or hexagons, each territory giving
 * a cell the share of its area the cell covers (GEOS intersections,
 * through SpatiaLite): count = sum(v w), ratio = sum(num w) / sum(den w).
 * Cells that meet no territory are left out; the others are drawn whole,
 * classified like a choropleth. */
#include "render_internal.h"

#include "smooth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 200000

/* The cell as a SpatiaLite polygon (its ring as WKT text, bound). */
static const char CELL_SQL[] = "SELECT GeomFromText(?1, ?2)";
/* The area of a territory the cell covers, by GEOS. */
static const char SHARE_SQL[] = "SELECT ST_Area(ST_Intersection(?1, ?2))";
static const char AREA_SQL[] = "SELECT ST_Area(?1)";
/* grid.clip: the cell's part inside the territories. */
static const char CLIP_SQL[] = "SELECT CastToMultiPolygon(CollectionExtract("
                               "ST_Intersection(?1, ?2), 3))";

typedef struct grid_job {
    render_t *r;
    db_stmt_t *cell, *share;
    double *area; /* of each territory */
    rset_t out;
} grid_job_t;

static tob_status_t cell_geom(grid_job_t *job, const double *xy, size_t n,
                              rfeat_t *f, tob_error_t *err)
{
    char wkt[512] = "POLYGON((";
    size_t at = strlen(wkt);
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(wkt + at, sizeof wkt - at, "%s%.3f %.3f",
                               i ? "," : "", xy[2 * i], xy[2 * i + 1]);
    snprintf(wkt + at, sizeof wkt - at, "))");
    db_reset(job->cell);
    db_bind_text(job->cell, 1, wkt);
    db_bind_int(job->cell, 2, job->r->store_srid);
    if (db_step(job->cell) != DB_ROW)
        return db_fail(job->r->st, "making the cells of the grid", err);
    if (render_take_geom(job->r, f, job->cell, 0) != 0)
        return tob_error_set(err, TOB_ERR_INPUT, "a cell of %s is no polygon",
                             wkt);
    return TOB_OK;
}

/* Share of territory t's area in cell f (0 when they only touch). */
static tob_status_t share_of(grid_job_t *job, const rfeat_t *cell,
                             const rfeat_t *t, double t_area, double *w,
                             tob_error_t *err)
{
    db_reset(job->share);
    db_bind_blob(job->share, 1, cell->geom, (int)cell->geom_len);
    db_bind_blob(job->share, 2, t->geom, (int)t->geom_len);
    if (db_step(job->share) != DB_ROW)
        return db_fail(job->r->st, "intersecting cells and territories", err);
    double a = db_column_type(job->share, 0) == DB_NULL
                   ? 0
                   : db_column_double(job->share, 0);
    *w = t_area > 0 ? a / t_area : 0;
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
    rfeat_t cell = {0};
    double num = 0, den = 0;
    int met = 0, geom_made = 0;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        const rfeat_t *t = &r->feats.items[i];
        if (!boxes_meet(box, t->mbr))
            continue;
        if (!geom_made && (s = cell_geom(job, xy, n_pts, &cell, err)) != TOB_OK)
            break;
        geom_made = 1;
        double w = 0;
        s = share_of(job, &cell, t, job->area[i], &w, err);
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
    if (s != TOB_OK || !met)
        return s;
    rfeat_t *f = rset_push(&job->out);
    if (f == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    f->geom = cell.geom;
    f->geom_len = cell.geom_len;
    memcpy(f->mbr, cell.mbr, sizeof f->mbr);
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
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(r->st, AREA_SQL, &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < r->feats.n; i++) {
        const rfeat_t *t = &r->feats.items[i];
        db_reset(stmt);
        db_bind_blob(stmt, 1, t->geom, (int)t->geom_len);
        if (db_step(stmt) != DB_ROW)
            s = db_fail(r->st, "measuring the territories", err);
        else
            job->area[i] = db_column_double(stmt, 0);
    }
    db_finalize(stmt);
    return s;
}

/* Each cell cut along the outline of the territories (still r->feats):
 * its value stays the whole cell's. */
static tob_status_t clip_cells(render_t *r, rset_t *cells, tob_error_t *err)
{
    rfeat_t area = {0};
    tob_status_t s = render_area_of(r, &area, err);
    db_stmt_t *stmt = NULL;
    if (s == TOB_OK)
        s = db_prepare(r->st, CLIP_SQL, &stmt, err);
    if (s == TOB_OK)
        db_bind_blob(stmt, 2, area.geom, (int)area.geom_len);
    size_t kept = 0;
    for (size_t i = 0; s == TOB_OK && i < cells->n; i++) {
        rfeat_t *f = &cells->items[i];
        db_reset(stmt);
        db_bind_blob(stmt, 1, f->geom, (int)f->geom_len);
        if (db_step(stmt) != DB_ROW)
            s = db_fail(r->st, "cutting the cells along the territories", err);
        else if (db_column_type(stmt, 0) != DB_NULL &&
                 render_take_geom(r, f, stmt, 0) == 0)
            cells->items[kept++] = *f; /* an empty piece is dropped */
    }
    db_finalize(stmt);
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
    grid_job_t job = {r, NULL, NULL, NULL, {NULL, 0, 0}};
    job.area = malloc((r->feats.n + 1) * sizeof *job.area);
    tob_status_t s = job.area != NULL
                         ? TOB_OK
                         : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK)
        s = db_prepare(r->st, CELL_SQL, &job.cell, err);
    if (s == TOB_OK)
        s = db_prepare(r->st, SHARE_SQL, &job.share, err);
    if (s == TOB_OK)
        s = territory_areas(&job, err);
    for (size_t c = 0; s == TOB_OK && c < smooth_cells_count(&cells); c++)
        s = one_cell(&job, &cells, c, err);
    db_finalize(job.cell);
    db_finalize(job.share);
    free(job.area);
    if (s == TOB_OK && style->grid_clip)
        s = clip_cells(r, &job.out, err);
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
