/* render_smooth.c - kind = potential: Stewart's potential of the
 * territories' counts (each at its centroid, or point on surface), or the
 * ratio of the potentials of two counts, computed at the points of a
 * regular grid over the map (smooth.c), classified like a choropleth, and
 * drawn as equipotential bands: GDAL's contour generator polygonises the
 * grid at the class breaks, GEOS (in C, on either engine's geometries:
 * geos_work.h) clips the bands to the union of the territories. */
#include "render_internal.h"

#include "geos_work.h"
#include "smooth.h"

#include "terrobs/cells.h"

#include <gdal.h>
#include <gdal_alg.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRID_POINTS 4000000 /* 32 MB a grid; beyond, a coarser one */
#define AUTO_POINTS 200         /* along the longer side, by default */

void render_ratio_unit(render_t *r)
{
    /* A ratio is not in the numerator's unit (the style's, or none), nor
     * with its decimals; the values of bands and cells are written with
     * the legend's decimals (SVG titles). */
    if (r->style->denominator != NULL) {
        snprintf(r->var_unit, sizeof r->var_unit, "%s",
                 r->style->unit != NULL ? r->style->unit : "");
        r->decimals = 1;
    }
    if (r->style->decimals >= 0)
        r->decimals = r->style->decimals;
}

double render_ratio(const render_t *r, double num, double den)
{
    if (r->style->denominator == NULL)
        return num;
    if (isnan(num) || !(den > 0))
        return NAN;
    return num / den * r->style->ratio_factor;
}

static void feats_box(const render_t *r, double box[4])
{
    box[0] = box[1] = HUGE_VAL;
    box[2] = box[3] = -HUGE_VAL;
    for (size_t i = 0; i < r->feats.n; i++) {
        const double *m = r->feats.items[i].mbr;
        box[0] = fmin(box[0], m[0]), box[1] = fmin(box[1], m[1]);
        box[2] = fmax(box[2], m[2]), box[3] = fmax(box[3], m[3]);
    }
}

static tob_status_t make_grid(const render_t *r, smooth_grid_t *g,
                              tob_error_t *err)
{
    double box[4];
    feats_box(r, box);
    const tob_style_t *style = r->style;
    double step = style->smooth_resolution;
    if (!(step > 0))
        step = fmax(box[2] - box[0], box[3] - box[1]) / AUTO_POINTS;
    /* A point beyond each side: the bands cover the whole area. */
    g->step = step;
    g->x0 = (floor(box[0] / step) - 1) * step;
    g->y0 = (ceil(box[3] / step) + 1) * step;
    double nx = floor((box[2] - g->x0) / step) + 2;
    double ny = floor((g->y0 - box[1]) / step) + 2;
    if (!(nx * ny <= MAX_GRID_POINTS)) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "a resolution of %g m makes %.0f grid points over the "
                      "map (at most %d): choose a coarser one",
                      step, nx * ny, MAX_GRID_POINTS);
        tob_error_at(err, style->name,
                     style_line_of(style, "smoothing", "resolution"),
                     "smoothing.resolution");
        return TOB_ERR_INPUT;
    }
    g->nx = (size_t)nx;
    g->ny = (size_t)ny;
    return TOB_OK;
}

/* The grid's values: the potential, or the ratio of two potentials. */
static tob_status_t potential_values(render_t *r, const smooth_grid_t *g,
                                     double *values, tob_error_t *err)
{
    const tob_style_t *style = r->style;
    size_t n = r->feats.n, n_points = g->nx * g->ny, n_masses = 0;
    smooth_mass_t *m = malloc((n ? n : 1) * sizeof *m);
    double *den = style->denominator ? malloc(n_points * sizeof *den) : NULL;
    if (m == NULL || (style->denominator != NULL && den == NULL)) {
        free(m);
        free(den);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const rfeat_t *f = &r->feats.items[i];
        if (isnan(f->ax) || isnan(f->value))
            continue;
        m[n_masses++] = (smooth_mass_t){f->ax, f->ay, f->value, f->value2};
    }
    smooth_params_t p = {SMOOTH_EXPONENTIAL, style->smooth_span,
                         style->smooth_beta};
    if (style->smooth_function != NULL &&
        strcmp(style->smooth_function, "pareto") == 0)
        p.function = SMOOTH_PARETO;
    else if (style->smooth_function != NULL &&
             strcmp(style->smooth_function, "gaussian") == 0)
        p.beta = 2;
    smooth_potential(m, n_masses, &p, g, values, den);
    for (size_t i = 0; den != NULL && i < n_points; i++)
        values[i] = render_ratio(r, values[i], den[i]);
    free(m);
    free(den);
    if (n_masses == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "no territory of the map has a value of %s",
                             style->variable);
    return TOB_OK;
}

/* Class breaks of the values at the grid points inside the territories
 * (those beyond the coast or the border are no one's), set as the
 * style's manual breaks: the legend and the bands share them. */
static tob_status_t classify_inside(render_t *r, const smooth_grid_t *g,
                                    const double *values, tob_error_t *err)
{
    size_t n = 0;
    double *inside = malloc(g->nx * g->ny * sizeof *inside);
    if (inside == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < g->ny; j++)
        for (size_t i = 0; i < g->nx; i++) {
            double x = g->x0 + (double)i * g->step;
            double y = g->y0 - (double)j * g->step;
            for (size_t k = 0; k < r->feats.n; k++)
                if (render_feature_contains(&r->feats.items[k], x, y)) {
                    inside[n++] = values[j * g->nx + i];
                    break;
                }
        }
    tob_style_t *own = &r->own_style;
    tob_classify_options_t opts = {0};
    opts.manual = own->breaks;
    opts.n_manual = own->n_breaks;
    tob_breaks_t *breaks = NULL;
    tob_status_t s = tob_classify_ex(inside, n, (size_t)own->k, own->method,
                                     &opts, &breaks, err);
    free(inside);
    if (s != TOB_OK) {
        tob_error_at(err, own->name, style_line_of(own, "classes", "method"),
                     "classes.method");
        return s;
    }
    /* Equal breaks (a class of one value) make no band: dropped. */
    const double *b = tob_breaks_values(breaks);
    size_t nb = 0;
    for (size_t i = 0; i <= tob_breaks_count(breaks); i++)
        if (nb == 0 || b[i] > own->breaks[nb - 1])
            own->breaks[nb++] = b[i];
    tob_breaks_destroy(breaks);
    if (nb < 3)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the potential is the same all over the map: "
                             "no bands to draw (a longer span?)");
    own->n_breaks = nb;
    own->k = (int)nb - 1;
    own->method = TOB_CLASSIFY_MANUAL;
    own->counts = 0; /* bands are no territories to count */
    return TOB_OK;
}

/* The grid as a raster in memory whose pixel centres are the points. */
static GDALDatasetH grid_raster(const smooth_grid_t *g, double *values)
{
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH ds =
        mem ? GDALCreate(mem, "", (int)g->nx, (int)g->ny, 1, GDT_Float64, NULL)
            : NULL;
    if (ds == NULL)
        return NULL;
    double gt[6] = {g->x0 - g->step / 2, g->step, 0,
                    g->y0 + g->step / 2, 0,       -g->step};
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (GDALSetGeoTransform(ds, gt) != CE_None ||
        GDALRasterIO(band, GF_Write, 0, 0, (int)g->nx, (int)g->ny, values,
                     (int)g->nx, (int)g->ny, GDT_Float64, 0, 0) != CE_None) {
        GDALClose(ds);
        return NULL;
    }
    return ds;
}

/* The bands between the breaks, polygonised by GDAL into layer, each
 * with its lower and upper levels in fields 0 and 1 (GDAL takes field
 * indices; the outer bands get 0 and 2^32 - 1, clamped later). */
static int contour_bands(const render_t *r, GDALDatasetH raster,
                         OGRLayerH layer)
{
    const tob_style_t *style = r->style;
    char levels[(TOB_CLASSIFY_MAX + 1) * 32] = "FIXED_LEVELS=";
    size_t at = strlen(levels);
    for (size_t i = 1; i + 1 < style->n_breaks; i++)
        at += (size_t)snprintf(levels + at, sizeof levels - at, "%s%.17g",
                               i > 1 ? "," : "", style->breaks[i]);
    OGRFieldDefnH lo = OGR_Fld_Create("lo", OFTReal);
    OGRFieldDefnH hi = OGR_Fld_Create("hi", OFTReal);
    int bad = OGR_L_CreateField(layer, lo, 1) != OGRERR_NONE ||
              OGR_L_CreateField(layer, hi, 1) != OGRERR_NONE;
    OGR_Fld_Destroy(lo);
    OGR_Fld_Destroy(hi);
    char *options[] = {levels, "POLYGONIZE=YES", "ELEV_FIELD_MIN=0",
                       "ELEV_FIELD_MAX=1", NULL};
    return bad ||
           GDALContourGenerateEx(GDALGetRasterBand(raster, 1), layer,
                                 (CSLConstList)options, NULL, NULL) != CE_None;
}

/* The band, clipped to the area by GEOS, as a new feature of set. */
static tob_status_t clip_band(render_t *r, geos_work_t *gw,
                              const GEOSGeometry *area, OGRFeatureH band,
                              rset_t *set, tob_error_t *err)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(band);
    size_t n = g != NULL ? (size_t)OGR_G_WkbSize(g) : 0;
    unsigned char *wkb = n > 0 ? malloc(n) : NULL;
    if (n == 0)
        return TOB_OK;
    if (wkb == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    OGR_G_ExportToWkb(g, wkbNDR, wkb);
    GEOSGeometry *whole = geos_work_read_wkb(gw, wkb, n);
    free(wkb);
    GEOSGeometry *piece = whole ? GEOSIntersection_r(gw->h, whole, area) : NULL;
    rfeat_t *f = piece != NULL ? rset_push(set) : NULL;
    int taken = f != NULL ? geos_work_take(r, gw, piece, f) : -1;
    if (piece != NULL)
        GEOSGeom_destroy_r(gw->h, piece);
    if (whole != NULL)
        GEOSGeom_destroy_r(gw->h, whole);
    if (taken == 1) {
        set->n--; /* outside the area, or an empty piece */
        return TOB_OK;
    }
    if (taken != 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "GEOS could not clip the bands to the "
                             "territories");
    /* The band's class: the middle of its interval within the breaks. */
    const tob_style_t *style = r->style;
    double b0 = style->breaks[0], bk = style->breaks[style->n_breaks - 1];
    double lo = fmax(OGR_F_GetFieldAsDouble(band, 0), b0);
    double hi = fmin(OGR_F_GetFieldAsDouble(band, 1), bk);
    f->value = fmin(fmax((lo + hi) / 2, b0), bk);
    char code[32];
    snprintf(code, sizeof code, "bande-%zu", set->n);
    f->code = render_alloc(r, strlen(code) + 1);
    if (f->code == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    memcpy(f->code, code, strlen(code) + 1);
    f->name = (char *)"Potentiel";
    f->id = (tob_id_t)set->n;
    return TOB_OK;
}

/* The union of the territories, by GEOS; the caller destroys *area. */
static tob_status_t territories_union(render_t *r, geos_work_t *gw,
                                      GEOSGeometry **area, tob_error_t *err)
{
    GEOSGeometry **all = NULL;
    tob_status_t s = geos_work_feats(r, gw, &all, err);
    if (s == TOB_OK)
        s = geos_work_union(gw, all, r->feats.n, area, err);
    geos_work_free_all(gw, all, r->feats.n);
    return s;
}

static tob_status_t draw_bands(render_t *r, GDALDatasetH raster, rset_t *set,
                               tob_error_t *err)
{
    geos_work_t gw;
    GEOSGeometry *area = NULL;
    tob_status_t s = geos_work_open(&gw, err);
    if (s == TOB_OK)
        s = territories_union(r, &gw, &area, err);
    GDALDriverH drv = GDALGetDriverByName("Memory");
    GDALDatasetH vec = s == TOB_OK && drv
                           ? GDALCreate(drv, "", 0, 0, 0, GDT_Unknown, NULL)
                           : NULL;
    OGRLayerH layer =
        vec ? GDALDatasetCreateLayer(vec, "bands", NULL, wkbMultiPolygon, NULL)
            : NULL;
    if (s == TOB_OK && (layer == NULL || contour_bands(r, raster, layer) != 0))
        s = tob_error_lib(err, TOB_ERR_GDAL, (int)CPLGetLastErrorNo(),
                          "drawing the equipotential bands: %s",
                          CPLGetLastErrorMsg());
    OGRFeatureH band;
    if (s == TOB_OK)
        OGR_L_ResetReading(layer);
    while (s == TOB_OK && (band = OGR_L_GetNextFeature(layer)) != NULL) {
        s = clip_band(r, &gw, area, band, set, err);
        OGR_F_Destroy(band);
    }
    if (vec != NULL)
        GDALClose(vec);
    if (area != NULL)
        GEOSGeom_destroy_r(gw.h, area);
    geos_work_close(&gw);
    return s;
}

/* "Population (habitants), potentiel gaussien à 10 km" unless the style
 * titles its legend. */
static void potential_title(render_t *r)
{
    tob_style_t *own = &r->own_style;
    if (own->legend_title != NULL)
        return;
    const char *fn = own->smooth_function;
    const char *unit = own->unit != NULL ? own->unit : r->var_unit;
    int gaussian =
        fn == NULL ? own->smooth_beta == 2 : strcmp(fn, "gaussian") == 0;
    char span[32];
    tob_fmt_number_fr(own->smooth_span / 1000, own->smooth_span < 10000 ? 1 : 0,
                      span, sizeof span);
    char *title = render_alloc(r, 512);
    if (title == NULL)
        return;
    snprintf(title, 512, "%.300s%s%.60s%s, potentiel %s (portée %s km)",
             r->var_label[0] ? r->var_label : own->variable,
             unit[0] && !own->denominator ? " (" : "",
             own->denominator ? "" : unit,
             unit[0] && !own->denominator ? ")" : "",
             fn != NULL && strcmp(fn, "pareto") == 0 ? "de Pareto"
             : gaussian                              ? "gaussien"
                                                     : "exponentiel",
             span);
    own->legend_title = title;
}

tob_status_t render_potential(render_t *r, tob_error_t *err)
{
    smooth_grid_t g;
    tob_status_t s = make_grid(r, &g, err);
    double *values = s == TOB_OK ? malloc(g.nx * g.ny * sizeof *values) : NULL;
    if (s == TOB_OK && values == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK)
        s = potential_values(r, &g, values, err);
    if (s == TOB_OK)
        s = classify_inside(r, &g, values, err);
    GDALDatasetH raster = s == TOB_OK ? grid_raster(&g, values) : NULL;
    if (s == TOB_OK && raster == NULL)
        s = tob_error_lib(err, TOB_ERR_GDAL, (int)CPLGetLastErrorNo(),
                          "a grid of %zu x %zu points: %s", g.nx, g.ny,
                          CPLGetLastErrorMsg());
    free(values);
    rset_t bands = {NULL, 0, 0};
    if (s == TOB_OK)
        s = draw_bands(r, raster, &bands, err);
    if (raster != NULL)
        GDALClose(raster);
    if (s != TOB_OK) {
        rset_free(&bands);
        return s;
    }
    rset_free(&r->feats);
    r->feats = bands;
    render_ratio_unit(r);
    potential_title(r);
    return TOB_OK;
}
