/* test_site.c - the web observatory's geometry on real communes (the 648
 * of the Nord, IGN ADMIN EXPRESS): simplified for the screen with shared
 * borders kept shared, neighbours show no overlap and no gap, where
 * simplifying each commune alone (the control) shows both. */
#include "carnet/carnet_fmt.h"
#include "site/site_geom.h"
#include "site/site_internal.h"
#include "store/db.h"
#include "terrobs/load.h"
#include "testutil.h"

#include <gdal.h>
#include <geos_c.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

typedef struct fixture {
    char path[4096];
    tob_store_t *st;
    GEOSContextHandle_t gh;
} fixture_t;

static int setup(void **state)
{
    GDALAllRegister();
    fixture_t *fx = calloc(1, sizeof *fx);
    tob_test_path(fx->path, sizeof fx->path, "site.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_store_create(fx->path, 2154, 1, &fx->st, &err) != TOB_OK)
        fail_msg("store: %s", err.message);
    char src[4096];
    tob_test_src(src, sizeof src, "layers/data/communes-59-nord.geojson");
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2026};
    tob_load_report_t rep;
    if (tob_load(fx->st, &o, &rep, &err) != TOB_OK)
        fail_msg("load: %s", err.message);
    fx->gh = GEOS_init_r();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    GEOS_finish_r(fx->gh);
    tob_store_close(fx->st);
    free(fx);
    return 0;
}

/* The communes' polygons, as GEOS geometries in the store CRS. */
static size_t read_communes(fixture_t *fx, GEOSGeometry **out, size_t max,
                            site_topo_t *topo)
{
    db_stmt_t *s = NULL;
    tob_error_t err;
    assert_int_equal(db_prepare(fx->st,
                                "SELECT AsBinary(geom) FROM territory WHERE "
                                "level = 'commune' ORDER BY code",
                                &s, &err),
                     TOB_OK);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(fx->gh);
    size_t n = 0;
    while (n < max && db_step(s) == DB_ROW) {
        const unsigned char *b = db_column_blob(s, 0);
        size_t len = (size_t)db_column_bytes(s, 0);
        out[n++] = GEOSWKBReader_read_r(fx->gh, rd, b, len);
        if (topo != NULL)
            assert_int_equal(site_topo_add(topo, b, len, &err), TOB_OK);
    }
    GEOSWKBReader_destroy_r(fx->gh, rd);
    db_finalize(s);
    return n;
}

/* Rebuilds a feature of the topology in metres (a local equirectangular
 * projection: areas compare, they need not be Lambert's). */
typedef struct rebuild {
    GEOSContextHandle_t gh;
    GEOSGeometry *polys[256];
    GEOSGeometry *shell;
    GEOSGeometry *holes[64];
    size_t n_polys, n_holes, polygon;
} rebuild_t;

static void close_polygon(rebuild_t *r)
{
    if (r->shell == NULL)
        return;
    r->polys[r->n_polys++] = GEOSGeom_createPolygon_r(r->gh, r->shell, r->holes,
                                                      (unsigned int)r->n_holes);
    r->shell = NULL;
    r->n_holes = 0;
}

static void on_ring(void *user, size_t polygon, int hole, const double *ll,
                    size_t n)
{
    rebuild_t *r = user;
    if (polygon != r->polygon || !hole)
        close_polygon(r);
    r->polygon = polygon;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(r->gh, (unsigned int)n, 2);
    for (size_t i = 0; i < n; i++)
        GEOSCoordSeq_setXY_r(r->gh, cs, (unsigned int)i,
                             ll[2 * i] * 111320.0 *
                                 cos(50.4 * 3.14159265358979 / 180),
                             ll[2 * i + 1] * 111320.0);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(r->gh, cs);
    if (hole && r->shell != NULL && r->n_holes < 64)
        r->holes[r->n_holes++] = ring;
    else if (!hole && r->n_polys < 255)
        r->shell = ring;
    else
        GEOSGeom_destroy_r(r->gh, ring);
}

static GEOSGeometry *rebuild(GEOSContextHandle_t gh, const site_topo_t *t,
                             size_t i)
{
    rebuild_t r = {.gh = gh, .polygon = (size_t)-1};
    site_topo_rings(t, i, on_ring, &r);
    close_polygon(&r);
    GEOSGeometry *g = GEOSGeom_createCollection_r(
        gh, GEOS_MULTIPOLYGON, r.polys, (unsigned int)r.n_polys);
    GEOSGeometry *valid = GEOSMakeValid_r(gh, g);
    GEOSGeom_destroy_r(gh, g);
    return valid;
}

/* Overlap: the area counted twice (sum of areas minus the union's);
 * gaps: the holes of the union (the Nord's communes leave none), each as
 * a share of the whole area. */
static void measure(GEOSContextHandle_t gh, GEOSGeometry **g, size_t n,
                    double *overlap, double *gaps)
{
    double sum = 0, a;
    for (size_t i = 0; i < n; i++) {
        GEOSArea_r(gh, g[i], &a);
        sum += a;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(
        gh, GEOS_GEOMETRYCOLLECTION, g, (unsigned int)n);
    GEOSGeometry *u = GEOSUnaryUnion_r(gh, coll);
    double area_u, holes = 0;
    GEOSArea_r(gh, u, &area_u);
    int parts = GEOSGetNumGeometries_r(gh, u);
    for (int p = 0; p < parts; p++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(gh, u, p);
        int nh = GEOSGetNumInteriorRings_r(gh, poly);
        for (int h = 0; h < nh; h++) {
            GEOSGeometry *ring =
                GEOSGeom_clone_r(gh, GEOSGetInteriorRingN_r(gh, poly, h));
            GEOSGeometry *hp = GEOSGeom_createPolygon_r(gh, ring, NULL, 0);
            GEOSArea_r(gh, hp, &a);
            holes += a;
            GEOSGeom_destroy_r(gh, hp);
        }
    }
    *overlap = (sum - area_u) / area_u;
    *gaps = holes / area_u;
    GEOSGeom_destroy_r(gh, u);
    GEOSGeom_destroy_r(gh, coll); /* destroys g[] too */
}

#define MAX_COMMUNES 700
#define TOLERANCE 150.0 /* metres: coarser than the site's (~25 m) */

static void test_shared_borders_no_gap_no_overlap(void **state)
{
    fixture_t *fx = *state;
    GEOSGeometry **orig = calloc(MAX_COMMUNES, sizeof *orig);
    GEOSGeometry **simple = calloc(MAX_COMMUNES, sizeof *simple);
    site_topo_t *topo = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(site_topo_create(2154, &topo, &err), TOB_OK);
    size_t n = read_communes(fx, orig, MAX_COMMUNES, topo);
    assert_true(n > 600);
    assert_int_equal(site_topo_finish(topo, TOLERANCE, &err), TOB_OK);
    assert_int_equal(site_topo_n_features(topo), n);
    size_t before = 0;
    for (size_t i = 0; i < n; i++)
        before += (size_t)GEOSGetNumCoordinates_r(fx->gh, orig[i]);
    size_t after = site_topo_n_vertices(topo);
    print_message("%zu communes: %zu vertices, %zu after (shared: %zu arcs)\n",
                  n, before, after, site_topo_n_arcs(topo));
    assert_true(after * 3 < before); /* really simplified */

    for (size_t i = 0; i < n; i++)
        simple[i] = rebuild(fx->gh, topo, i);
    double overlap, gaps;
    measure(fx->gh, simple, n, &overlap, &gaps);
    print_message("shared arcs: overlap %.2e, gaps %.2e of the area\n", overlap,
                  gaps);
    assert_true(overlap < 1e-6);
    assert_true(gaps < 1e-6);

    /* The control: each commune simplified alone, as a per-geometry
     * ST_SimplifyPreserveTopology would; borders then split apart. */
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *s =
            GEOSTopologyPreserveSimplify_r(fx->gh, orig[i], TOLERANCE);
        GEOSGeom_destroy_r(fx->gh, orig[i]);
        orig[i] = s;
    }
    double overlap_alone, gaps_alone;
    measure(fx->gh, orig, n, &overlap_alone, &gaps_alone);
    print_message("alone:       overlap %.2e, gaps %.2e of the area\n",
                  overlap_alone, gaps_alone);
    assert_true(overlap_alone > 100 * 1e-6);
    assert_true(gaps_alone > 100 * 1e-6);
    site_topo_destroy(topo);
    free(orig);
    free(simple);
}

/* Every vertex is kept at tolerance 0, apart from quantisation: the area
 * is the store's within a thousandth. */
static void test_no_simplification_keeps_areas(void **state)
{
    fixture_t *fx = *state;
    GEOSGeometry **orig = calloc(MAX_COMMUNES, sizeof *orig);
    site_topo_t *topo = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(site_topo_create(2154, &topo, &err), TOB_OK);
    size_t n = read_communes(fx, orig, MAX_COMMUNES, topo);
    assert_int_equal(site_topo_finish(topo, 0, &err), TOB_OK);
    double a0 = 0, a1 = 0, a;
    for (size_t i = 0; i < n; i++) {
        GEOSArea_r(fx->gh, orig[i], &a);
        a0 += a;
        GEOSGeometry *g = rebuild(fx->gh, topo, i);
        GEOSArea_r(fx->gh, g, &a);
        a1 += a;
        GEOSGeom_destroy_r(fx->gh, g);
        GEOSGeom_destroy_r(fx->gh, orig[i]);
    }
    print_message("areas: store %.0f km2, site %.0f km2\n", a0 / 1e6, a1 / 1e6);
    assert_true(fabs(a1 / a0 - 1) < 0.01); /* the local projection's error */
    site_topo_destroy(topo);
    free(orig);
}

/* Counts in French on the pages: no "Ensemble des 1 départements", no
 * "1 projets"; thousands grouped as everywhere. */
static void test_french_counts(void **state)
{
    (void)state;
    char buf[256];
    carnet_level_total_text("Département", 1, 1, buf, sizeof buf);
    assert_string_equal(buf, "Ensemble (1 département)");
    carnet_level_total_text("Commune", 35357, 35357, buf, sizeof buf);
    assert_string_equal(buf, "Ensemble des 35\xC2\xA0"
                             "357 communes");
    carnet_level_total_text("Commune", 12, 35357, buf, sizeof buf);
    assert_string_equal(buf, "Ensemble des 12 communes renseignées (sur "
                             "35\xC2\xA0"
                             "357)");
    carnet_level_total_text("EPCI", 1, 39, buf, sizeof buf);
    assert_string_equal(buf, "Ensemble (1 EPCI renseigné sur 39)");
    carnet_level_total_text("EPCI", 39, 39, buf, sizeof buf);
    assert_string_equal(buf, "Ensemble des 39 EPCI");
    tob_variable_t v = {.decimals = 0};
    const char *const cases[][3] = {
        {"projets", "1", "1\xC2\xA0projet"},
        {"projets", "0", "0\xC2\xA0projet"},
        {"projets", "2", "2\xC2\xA0projets"},
        {"habitants", "0.5", "0,5\xC2\xA0habitant"},
        {"ménages", "1", "1\xC2\xA0ménage"},
        {"mois", "1", "1\xC2\xA0mois"},
        {"%", "1", "1\xC2\xA0%"},
        {"hab./km²", "1", "1\xC2\xA0hab./km²"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(v.unit, sizeof v.unit, "%s", cases[i][0]);
        v.decimals = strchr(cases[i][1], '.') ? 1 : 0;
        carnet_fmt_value(atof(cases[i][1]), &v, buf, sizeof buf);
        assert_string_equal(buf, cases[i][2]);
    }
}

static size_t count_of(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

/* An evolution chart: inline SVG with its text alternative, a point per
 * year of each series, and the carnet's table (every year, the change). */
static void test_evolution_chart(void **state)
{
    (void)state;
    tob_variable_t meta = {.name = "population", .decimals = 0};
    snprintf(meta.label, sizeof meta.label, "Population municipale 2021");
    snprintf(meta.unit, sizeof meta.unit, "habitants");
    site_evo_t e = {.meta = &meta, .n_years = 4, .n_series = 2};
    const int years[] = {2010, 2015, 2018, 2021};
    const double values[2][4] = {{33004, 32500, 32000, 31425},
                                 {2605238, 2607000, 2610000, 2611293}};
    memcpy(e.years, years, sizeof years);
    for (size_t s = 0; s < 2; s++)
        memcpy(e.values[s], values[s], sizeof values[s]);
    snprintf(e.labels[0], sizeof e.labels[0], "Cambrai");
    snprintf(e.labels[1], sizeof e.labels[1], "Nord");
    char *html = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&html, &len);
    site_evolution_html(fp, &e, 3);
    fclose(fp);
    assert_non_null(strstr(html, "role=\"img\" aria-labelledby=\"evo-3-t "
                                 "evo-3-d\""));
    assert_non_null(strstr(html, "<title id=\"evo-3-t\">Population "
                                 "municipale (base 100 en 2010)</title>"));
    assert_non_null(strstr(html, "Cambrai : 33\xC2\xA0"
                                 "004\xC2\xA0"
                                 "habitants en 2010, 31\xC2\xA0"
                                 "425\xC2\xA0"
                                 "habitants en 2021 (-4,8\xC2\xA0%)"));
    assert_int_equal(count_of(html, "<polyline"), 2);
    assert_int_equal(count_of(html, "<circle"), 8);
    for (size_t y = 0; y < 4; y++) {
        char head[64];
        snprintf(head, sizeof head, "<th scope=\"col\" class=\"n\">%d</th>",
                 years[y]);
        assert_non_null(strstr(html, head));
    }
    assert_non_null(strstr(html, "<caption>Population municipale "
                                 "(habitants)</caption>"));
    assert_non_null(strstr(html, "<th scope=\"row\">Nord</th><td class=\"n\">"
                                 "2\xC2\xA0"
                                 "605\xC2\xA0"
                                 "238</td>"));
    assert_non_null(strstr(html, "<td class=\"n\">+0,2\xC2\xA0%</td>"));
    free(html);
    /* one year is no evolution */
    e.n_years = 1;
    fp = open_memstream(&html, &len);
    site_evolution_html(fp, &e, 4);
    fclose(fp);
    assert_int_equal(len, 0);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_borders_no_gap_no_overlap),
        cmocka_unit_test(test_no_simplification_keeps_areas),
        cmocka_unit_test(test_french_counts),
        cmocka_unit_test(test_evolution_chart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
