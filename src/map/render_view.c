/* render_view.c - map views (the main map and each inset): their CRS,
 * reprojection of the features they show, extents, the fit of an extent
 * in a frame, and drawing polygons, outlines and symbols in a view. */
#include "render_internal.h"

#include <cpl_error.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TAU 6.283185307179586
#define M_PI_OF(n) (TAU / 2 / (double)(n)) /* pi / n */

static OGRSpatialReferenceH srs_of(int srid)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs == NULL)
        return NULL;
    if (OSRImportFromEPSG(srs, srid) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

/* A transformation from EPSG:from to EPSG:to; NULL with err set. */
OGRCoordinateTransformationH render_transform(int from, int to,
                                              tob_error_t *err)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    OGRSpatialReferenceH a = srs_of(from), b = srs_of(to);
    OGRCoordinateTransformationH ct =
        a != NULL && b != NULL ? OCTNewCoordinateTransformation(a, b) : NULL;
    if (ct == NULL)
        tob_error_lib(err, TOB_ERR_PROJ, CPLGetLastErrorNo(),
                      "no transformation from EPSG:%d to EPSG:%d%s%s", from, to,
                      CPLGetLastErrorMsg()[0] ? ": " : "",
                      CPLGetLastErrorMsg());
    OSRDestroySpatialReference(a);
    OSRDestroySpatialReference(b);
    CPLPopErrorHandler();
    return ct;
}

static int blob_srid(const rfeat_t *f)
{
    int32_t srid;
    memcpy(&srid, f->geom + 2, 4); /* our blobs are little-endian */
    return f->geom[1] == 1 ? srid : 0;
}

/* Moves f into EPSG:to, its anchor too. */
static tob_status_t reproject_feat(rfeat_t *f, int to,
                                   OGRCoordinateTransformationH ct,
                                   tob_error_t *err)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int bad = geom_reproject(f->geom, f->geom_len, to, ct) != 0 ||
              geom_mbr(f->geom, f->geom_len, f->mbr) != 0;
    if (!bad && !isnan(f->ax))
        bad = !OCTTransform(ct, 1, &f->ax, &f->ay, NULL);
    CPLPopErrorHandler();
    if (bad)
        return tob_error_set(err, TOB_ERR_PROJ, "cannot move %s %s to EPSG:%d",
                             f->code ? f->code : "a point",
                             f->name ? f->name : "", to);
    return TOB_OK;
}

/* Reprojects the features of set drawn in view v (v < 0: all). */
static tob_status_t reproject_set(rset_t *set, int v, int to, tob_error_t *err)
{
    OGRCoordinateTransformationH ct = NULL;
    int ct_from = 0;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < set->n; i++) {
        rfeat_t *f = &set->items[i];
        int from = blob_srid(f);
        if ((v >= 0 && f->view != v) || from == to)
            continue;
        if (ct == NULL || ct_from != from) {
            if (ct != NULL)
                OCTDestroyCoordinateTransformation(ct);
            if ((ct = render_transform(from, to, err)) == NULL)
                return TOB_ERR_PROJ;
            ct_from = from;
        }
        s = reproject_feat(f, to, ct, err);
    }
    if (ct != NULL)
        OCTDestroyCoordinateTransformation(ct);
    return s;
}

static void grow(double ext[4], const double mbr[4])
{
    ext[0] = fmin(ext[0], mbr[0]);
    ext[1] = fmin(ext[1], mbr[1]);
    ext[2] = fmax(ext[2], mbr[2]);
    ext[3] = fmax(ext[3], mbr[3]);
}

static void view_extent(render_t *r, int v)
{
    rview_t *view = &r->views[v];
    double ext[4] = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (size_t i = 0; i < r->feats.n; i++)
        if (r->feats.items[i].view == v)
            grow(ext, r->feats.items[i].mbr);
    for (size_t i = 0; v == 0 && i < r->points.n; i++)
        grow(ext, r->points.items[i].mbr);
    view->has_data = ext[0] <= ext[2];
    if (!view->has_data)
        return;
    /* A margin of 2 %, and at least 1 km around a single point. */
    double dx = fmax((ext[2] - ext[0]) * 0.02, ext[0] == ext[2] ? 1000 : 0);
    double dy = fmax((ext[3] - ext[1]) * 0.02, ext[1] == ext[3] ? 1000 : 0);
    double padded[4] = {ext[0] - dx, ext[1] - dy, ext[2] + dx, ext[3] + dy};
    memcpy(view->ext, padded, sizeof padded);
}

/* Maps are drawn in metres: a scale bar, circles and labels need it. */
static tob_status_t check_projected(int srid, tob_error_t *err)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRSpatialReferenceH srs = srs_of(srid);
    CPLPopErrorHandler();
    int projected = srs != NULL && OSRIsProjected(srs);
    OSRDestroySpatialReference(srs);
    if (srs == NULL)
        return tob_error_set(err, TOB_ERR_PROJ,
                             "EPSG:%d is not a CRS "
                             "PROJ knows",
                             srid);
    if (!projected)
        return tob_error_set(err, TOB_ERR_PROJ,
                             "EPSG:%d is not a projected CRS: maps are "
                             "drawn in metres (e.g. EPSG:2154)",
                             srid);
    return TOB_OK;
}

tob_status_t render_prepare_views(render_t *r, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    r->n_views = 1 + style->n_insets;
    r->views[0].srid = style->srid ? style->srid : r->store_srid;
    for (size_t i = 0; i < style->n_insets; i++)
        r->views[1 + i].srid =
            style->insets[i].srid ? style->insets[i].srid : r->views[0].srid;
    tob_status_t s = TOB_OK;
    for (size_t v = 0; s == TOB_OK && v < r->n_views; v++) {
        s = check_projected(r->views[v].srid, err);
        if (s != TOB_OK) {
            /* Say which key of which file chose the CRS. */
            char key[STYLE_NAME_MAX + 16];
            if (v > 0 && style->insets[v - 1].srid != 0)
                snprintf(key, sizeof key, "inset.%s.crs",
                         style->insets[v - 1].name);
            else
                snprintf(key, sizeof key, "map.crs");
            tob_error_at(err, style->name, 0, key);
        }
    }
    for (size_t v = 0; s == TOB_OK && v < r->n_views; v++)
        s = reproject_set(&r->feats, (int)v, r->views[v].srid, err);
    for (size_t v = 0; s == TOB_OK && v < r->n_views; v++)
        s = reproject_set(&r->borders, (int)v, r->views[v].srid, err);
    if (s == TOB_OK)
        s = reproject_set(&r->points, -1, r->views[0].srid, err);
    for (size_t v = 0; s == TOB_OK && v < r->n_views; v++) {
        view_extent(r, (int)v);
        if (v > 0 && !r->views[v].has_data)
            s = tob_error_set(err, TOB_ERR_INPUT,
                              "inset %s: no territory matches its filter",
                              style->insets[v - 1].name);
    }
    if (s == TOB_OK && style->has_extent) {
        memcpy(r->views[0].ext, style->extent, sizeof style->extent);
        r->views[0].has_data = 1;
    }
    return s;
}

void render_fit_view(rview_t *v)
{
    double fw = v->frame.x1 - v->frame.x0, fh = v->frame.y1 - v->frame.y0;
    double ew = v->ext[2] - v->ext[0], eh = v->ext[3] - v->ext[1];
    double s = fmin(fw / ew, fh / eh);
    double cx = (v->ext[0] + v->ext[2]) / 2, cy = (v->ext[1] + v->ext[3]) / 2;
    v->t.s = s;
    v->t.x0 = (v->frame.x0 + v->frame.x1) / 2 - cx * s;
    v->t.y0 = (v->frame.y0 + v->frame.y1) / 2 + cy * s;
    /* What the frame shows, for the world file and the R*Tree box. */
    v->ext[0] = (v->frame.x0 - v->t.x0) / s;
    v->ext[2] = (v->frame.x1 - v->t.x0) / s;
    v->ext[3] = (v->t.y0 - v->frame.y0) / s;
    v->ext[1] = (v->t.y0 - v->frame.y1) / s;
}

/* The store-CRS box that covers view v, for the R*Tree: the frame's
 * extent, moved back through a 5 x 5 grid when the CRS differ. */
static tob_status_t store_box(render_t *r, const rview_t *v, double box[4],
                              tob_error_t *err)
{
    if (v->srid == r->store_srid) {
        memcpy(box, v->ext, 4 * sizeof *box);
        return TOB_OK;
    }
    OGRCoordinateTransformationH ct =
        render_transform(v->srid, r->store_srid, err);
    if (ct == NULL)
        return TOB_ERR_PROJ;
    double xs[25], ys[25];
    for (int i = 0; i < 25; i++) {
        xs[i] = v->ext[0] + (v->ext[2] - v->ext[0]) * (i % 5) / 4.0;
        ys[i] = v->ext[1] + (v->ext[3] - v->ext[1]) * (i / 5) / 4.0;
    }
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int ok = OCTTransform(ct, 25, xs, ys, NULL);
    CPLPopErrorHandler();
    OCTDestroyCoordinateTransformation(ct);
    if (!ok)
        return tob_error_set(err, TOB_ERR_PROJ,
                             "cannot move the map extent to EPSG:%d",
                             r->store_srid);
    box[0] = box[1] = HUGE_VAL;
    box[2] = box[3] = -HUGE_VAL;
    for (int i = 0; i < 25; i++)
        grow(box, (double[4]){xs[i], ys[i], xs[i], ys[i]});
    return TOB_OK;
}

tob_status_t render_load_layers(render_t *r, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    for (size_t v = 0; s == TOB_OK && v < r->n_views; v++) {
        double box[4];
        s = store_box(r, &r->views[v], box, err);
        for (size_t i = 0; s == TOB_OK && i < r->style->n_layers; i++) {
            rset_t *set = &r->layers[v][i];
            s = render_fetch_layer(r, &r->style->layers[i], box, set, err);
            if (s == TOB_OK)
                s = reproject_set(set, -1, r->views[v].srid, err);
        }
    }
    return s;
}

void render_draw_layers(render_t *r, const rview_t *v, int view, int below)
{
    cairo_t *cr = r->cr;
    for (size_t i = 0; i < r->style->n_layers; i++) {
        const style_layer_t *l = &r->style->layers[i];
        const rset_t *set = &r->layers[view][i];
        if (l->below != below || set->n == 0)
            continue;
        cairo_new_path(cr);
        geom_scratch_snap_to(&r->scratch, cr, r->tol);
        for (size_t j = 0; j < set->n; j++)
            geom_path(cr, set->items[j].geom, set->items[j].geom_len, &v->t,
                      r->tol, &r->scratch);
        if (l->fill.a > 0) {
            set_color(cr, l->fill);
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
            cairo_fill_preserve(cr);
        }
        if (l->stroke.a > 0 && l->stroke_width > 0) {
            set_color(cr, l->stroke);
            cairo_set_line_width(cr, l->stroke_width * r->u);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke_preserve(cr);
        }
        cairo_new_path(cr);
    }
}

static int by_radius_desc(const void *a, const void *b)
{
    const rfeat_t *x = *(const rfeat_t *const *)a;
    const rfeat_t *y = *(const rfeat_t *const *)b;
    return (x->radius < y->radius) - (x->radius > y->radius);
}

static void circle(render_t *r, const rview_t *v, const rfeat_t *f,
                   double radius_mm, tob_rgb_t fill)
{
    const tob_style_t *style = r->style;
    double x = isnan(f->ax) ? (f->mbr[0] + f->mbr[2]) / 2 : f->ax;
    double y = isnan(f->ay) ? (f->mbr[1] + f->mbr[3]) / 2 : f->ay;
    cairo_new_path(r->cr);
    cairo_arc(r->cr, v->t.x0 + x * v->t.s + f->off_x * r->u,
              v->t.y0 - y * v->t.s + f->off_y * r->u, radius_mm * r->u, 0, TAU);
    set_color(r->cr, fill);
    cairo_fill_preserve(r->cr);
    if (style->symbol_stroke.a > 0 && style->symbol_stroke_width > 0) {
        set_color(r->cr, style->symbol_stroke);
        cairo_set_line_width(r->cr, style->symbol_stroke_width * r->u);
        cairo_stroke_preserve(r->cr);
    }
    cairo_new_path(r->cr);
}

/* Points at one place (projects located at their commune) are spread on
 * a ring around it, just touching, so that each stays visible and
 * countable. O(n^2), for the hundreds of points such maps hold. */
static void spread_points(render_t *r, const rview_t *v)
{
    rset_t *set = &r->points;
    double near = 0.1 * r->u / v->t.s; /* a tenth of a mm, map units */
    for (size_t i = 0; i < set->n; i++) {
        rfeat_t *f = &set->items[i];
        size_t rank = 0, n = 0;
        for (size_t j = 0; j < set->n; j++) {
            const rfeat_t *g = &set->items[j];
            if (fabs(g->ax - f->ax) < near && fabs(g->ay - f->ay) < near) {
                rank += j < i;
                n++;
            }
        }
        if (n < 2)
            continue;
        double ring = r->style->point_size * 1.1 / sin(M_PI_OF(n));
        f->off_x = ring * cos(TAU * (double)rank / (double)n);
        f->off_y = -ring * sin(TAU * (double)rank / (double)n);
    }
}

/* Proportional circles, largest first so that small ones stay visible;
 * points in their category's colour. */
tob_status_t render_draw_symbols(render_t *r, const rview_t *v, int view,
                                 tob_error_t *err)
{
    const tob_style_t *style = r->style;
    if (style->kind == STYLE_POINTS) {
        if (view == 0)
            spread_points(r, v);
        for (size_t i = 0; view == 0 && i < r->points.n; i++) {
            const rfeat_t *f = &r->points.items[i];
            tob_rgb_t c = f->entry != NO_CLASS
                              ? r->report->entries[f->entry].color
                              : style->symbol_fill;
            circle(r, v, f, style->point_size, c);
        }
        return TOB_OK;
    }
    if (!style_has_circles(style->kind))
        return TOB_OK;
    if (!style->overlap)
        render_spread_circles(r, v, view);
    const rfeat_t **order = malloc((r->feats.n + 1) * sizeof *order);
    if (order == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < r->feats.n; i++)
        if (r->feats.items[i].view == view && r->feats.items[i].radius > 0)
            order[n++] = &r->feats.items[i];
    qsort(order, n, sizeof *order, by_radius_desc);
    for (size_t i = 0; i < n; i++) {
        size_t e = order[i]->entry2;
        circle(r, v, order[i], order[i]->radius,
               e != NO_CLASS ? r->report->entries[e].color
                             : style->symbol_fill);
    }
    free(order);
    return TOB_OK;
}
