/* test_smoothing.c - potential and grid maps against values the test
 * computes itself: Stewart's potential at the points of a small grid from
 * the formulas of the R package potential, written out here; the bands of
 * the Nord's population potential cover every commune; the cells of a
 * grid keep the Nord's population whole, and a tiny synthetic case gives
 * the count and the ratio of two cells computed by hand. */
#include "map/smooth.h"
#include "store/db.h"
#include "terrobs/indicators.h"
#include "terrobs/load.h"
#include "terrobs/render.h"
#include "terrobs/style.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testmap.h"
#include "testpng.h"

/* ---- the potential at grid points ----------------------------------- */

/* Direct, as the package writes it: exponential exp(-a d^b) with
 * a = log(2) / span^b; pareto (1 + a d)^-b with a = (2^(1/b) - 1) / span. */
static double expected_potential(const smooth_mass_t *m, size_t n, int pareto,
                                 double span, double beta, double x, double y,
                                 int den)
{
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        double d =
            sqrt((x - m[k].x) * (x - m[k].x) + (y - m[k].y) * (y - m[k].y));
        double w = pareto ? pow(1 + (pow(2, 1 / beta) - 1) / span * d, -beta)
                          : exp(-log(2) / pow(span, beta) * pow(d, beta));
        sum += (den ? m[k].den : m[k].num) * w;
    }
    return sum;
}

static void test_potential_at_grid_points(void **state)
{
    (void)state;
    const smooth_mass_t m[3] = {
        {1000, 2000, 500, 1000}, {4000, 500, 120, 400}, {2500, 2500, 80, 100}};
    smooth_grid_t g = {0, 3000, 1000, 5, 4}; /* 20 points, 1 km apart */
    for (int pareto = 0; pareto <= 1; pareto++) {
        double betas[2] = {2, 3.5};
        for (int b = 0; b < 2; b++) {
            smooth_params_t p = {pareto ? SMOOTH_PARETO : SMOOTH_EXPONENTIAL,
                                 1500, betas[b]};
            assert_true(fabs(smooth_interaction(&p, 1500) - 0.5) < 1e-12);
            assert_true(fabs(smooth_interaction(&p, 0) - 1) < 1e-12);
            double num[20], den[20];
            smooth_potential(m, 3, &p, &g, num, den);
            for (size_t j = 0; j < g.ny; j++)
                for (size_t i = 0; i < g.nx; i++) {
                    double x = 1000.0 * (double)i,
                           y = 3000 - 1000.0 * (double)j;
                    double want_n = expected_potential(m, 3, pareto, 1500,
                                                       betas[b], x, y, 0);
                    double want_d = expected_potential(m, 3, pareto, 1500,
                                                       betas[b], x, y, 1);
                    assert_true(fabs(num[j * 5 + i] - want_n) <= 1e-9 * want_n);
                    assert_true(fabs(den[j * 5 + i] - want_d) <= 1e-9 * want_d);
                }
        }
    }
    /* At the first mass, with a span far shorter than the distances to
     * the others, the potential is its own count. */
    smooth_params_t p = {SMOOTH_EXPONENTIAL, 10, 2};
    smooth_grid_t one = {1000, 2000, 1, 1, 1};
    double v;
    smooth_potential(m, 3, &p, &one, &v, NULL);
    assert_true(fabs(v - 500) < 1e-9);
}

/* ---- maps on real and synthetic stores -------------------------------- */

/* Two rectangles side by side (EPSG:2154 metres): A is 15 x 10 km from
 * x = 700 km, B 5 x 10 km east of it. On cells of 10 km, cell 1 holds
 * two thirds of A, cell 2 the last third of A and the whole of B. */
static const char SYNTHETIC[] =
    "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
    "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},"
    "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"nom\":\"A\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[700000,7000000],"
    "[715000,7000000],[715000,7010000],[700000,7010000],[700000,7000000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"B\",\"nom\":\"B\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[715000,7000000],"
    "[720000,7000000],[720000,7010000],[715000,7010000],[715000,7000000]]]}}"
    "]}";

static int setup(void **state)
{
    fixture_t *fx = fixture_create("smoothing.sqlite");
    fixture_load(fx->st, "commune", "layers/data/communes-59-nord.geojson",
                 "code", "nom", NULL, 0);
    fixture_indicators(fx->st);
    char synthetic[4096];
    tob_test_path(synthetic, sizeof synthetic, "synthetic.geojson");
    FILE *fp = fopen(synthetic, "w");
    assert_non_null(fp);
    fputs(SYNTHETIC, fp);
    fclose(fp);
    fixture_load(fx->st, "maille", synthetic, "code", "nom", NULL, 0);
    fixture_exec(fx->st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('n', 'Chômeurs', 'personnes', 0),"
                 " ('d', 'Actifs', 'personnes', 0)");
    fixture_exec(fx->st,
                 "INSERT INTO observation (territory, variable, year, value)"
                 " SELECT id, 'n', 2021, CASE code WHEN 'A' THEN 300 ELSE"
                 " 100 END FROM territory WHERE level = 'maille' UNION ALL"
                 " SELECT id, 'd', 2021, CASE code WHEN 'A' THEN 1000 ELSE"
                 " 200 END FROM territory WHERE level = 'maille'");
    *state = fx;
    return 0;
}

static void draw(fixture_t *fx, const char *text, const char *out,
                 tob_map_report_t *rep)
{
    tob_style_t *style = fixture_style(text);
    tob_error_t err;
    tob_error_clear(&err);
    tob_render_options_t opts = {0};
    opts.today = "23/11/2026";
    if (tob_render_file(out, style, fx->st, &opts, rep, &err) != TOB_OK)
        fail_msg("render: %s", err.message);
    tob_style_destroy(style);
}

static double sql_double(fixture_t *fx, const char *sql)
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    double v = db_column_double(stmt, 0);
    db_finalize(stmt);
    return v;
}

/* The bands cover the area: the pixel at every Nord commune's point on
 * surface has the colour of one of the legend's classes. */
static void test_potential_bands_cover_the_communes(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "potential.png");
    tob_map_report_t rep;
    draw(fx,
         "[map]\nwidth = 1200px\nheight = 1000px\n[data]\nkind = potential\n"
         "level = commune\nvariable = population_2021\n[smoothing]\n"
         "function = gaussian\nspan = 8000\nresolution = 1500\n[classes]\n"
         "k = 6\npalette = Blues\n[polygons]\nstroke = none\n",
         out, &rep);
    assert_int_equal(rep.n_entries, 6);
    image_t img = read_png(out);
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st,
                                "SELECT code, ST_X(ST_PointOnSurface(geom)),"
                                " ST_Y(ST_PointOnSurface(geom)) FROM territory"
                                " WHERE level = 'commune'",
                                &stmt, &err),
                     TOB_OK);
    size_t n = 0, uncovered = 0;
    const double *gt = rep.geotransform;
    while (db_step(stmt) == DB_ROW) {
        long px = lround((db_column_double(stmt, 1) - gt[0]) / gt[1] - 0.5);
        long py = lround((db_column_double(stmt, 2) - gt[3]) / gt[5] - 0.5);
        assert_true(px >= 1 && py >= 1 && px + 1 < (long)img.w &&
                    py + 1 < (long)img.h);
        /* On the line between two bands, a pixel blends their colours:
         * one of its neighbours has a class's. */
        int in_class = 0;
        for (int k = 0; k < 9 && !in_class; k++) {
            long qx = px + k % 3 - 1, qy = py + k / 3 - 1;
            const unsigned char *p =
                img.rgb + ((size_t)qy * img.w + (size_t)qx) * 3;
            for (size_t e = 0; e < rep.n_entries && !in_class; e++) {
                tob_rgb_t c = rep.entries[e].color;
                in_class = abs(p[0] - c.r) <= 2 && abs(p[1] - c.g) <= 2 &&
                           abs(p[2] - c.b) <= 2;
            }
        }
        if (!in_class)
            fprintf(stderr, "commune %s at (%ld, %ld) in no band\n",
                    db_column_text(stmt, 0), px, py);
        uncovered += !in_class;
        n++;
    }
    db_finalize(stmt);
    free(img.rgb);
    assert_true(n > 600);
    assert_int_equal(uncovered, 0);
}

/* The cells' values, read back from the <title>s of the SVG's cells
 * ("Carreau (carreau-12) : 12 345,678900 unit"). */
static size_t cell_values(const char *svg, double *values, size_t cap)
{
    FILE *fp = fopen(svg, "r");
    assert_non_null(fp);
    static char text[1 << 22];
    size_t len = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[len] = '\0';
    size_t n = 0;
    for (const char *at = text; (at = strstr(at, ") : ")) != NULL && n < cap;) {
        at += 4;
        char num[64];
        size_t k = 0;
        for (; *at != '\0' && *at != ' ' && *at != '<' && k + 1 < sizeof num;
             at++)
            if ((*at >= '0' && *at <= '9') || *at == '-')
                num[k++] = *at;
            else if (*at == ',')
                num[k++] = '.';
        num[k] = '\0';
        values[n++] = strtod(num, NULL);
    }
    return n;
}

static void test_grid_keeps_the_total(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "grid.svg");
    tob_map_report_t rep;
    /* Cut along the outline, the hexagons keep their values and count. */
    static const char *const cells[] = {"square", "hexagon", "hexagon"};
    size_t n_hexagons = 0;
    for (int c = 0; c < 3; c++) {
        char style[1024];
        snprintf(style, sizeof style,
                 "[map]\nwidth = 1200px\nheight = 1000px\n[data]\n"
                 "kind = grid\nlevel = commune\nvariable = population_2021\n"
                 "[grid]\ncell = %s\ncell_size = 7000\nclip = %s\n"
                 "[legend]\ndecimals = 6\n",
                 cells[c], c == 2 ? "yes" : "no");
        tob_test_path(out, sizeof out, "grid.svg");
        draw(fx, style, out, &rep);
        static double values[4096];
        size_t n = cell_values(out, values, 4096);
        assert_int_equal(n, rep.n_features);
        if (c == 1)
            n_hexagons = n;
        if (c == 2)
            assert_int_equal(n, n_hexagons);
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += values[i];
        double want = sql_double(
            fx, "SELECT sum(o.value) FROM observation o JOIN territory t ON"
                " t.id = o.territory WHERE t.level = 'commune' AND"
                " o.variable = 'population_2021'");
        assert_true(want > 2e6);
        if (!(fabs(sum - want) <= 1e-6 * want))
            fail_msg("%s: cells hold %.3f people, communes %.3f", cells[c], sum,
                     want);
    }
}

/* Cell 1: 2/3 of A; cell 2: 1/3 of A and B (see SYNTHETIC). */
static void test_grid_by_hand(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "grid-hand.svg");
    tob_map_report_t rep;
    double values[8];
    draw(fx,
         "[data]\nkind = grid\nlevel = maille\nvariable = n\n[grid]\n"
         "cell_size = 10000\n[classes]\nmethod = equal\nk = 2\n[legend]\n"
         "decimals = 6\n",
         out, &rep);
    assert_int_equal(cell_values(out, values, 8), 2);
    assert_true(fabs(values[0] - 200) < 1e-6); /* 300 x 2/3 */
    assert_true(fabs(values[1] - 200) < 1e-6); /* 300 / 3 + 100 */
    tob_test_path(out, sizeof out, "grid-hand-ratio.svg");
    draw(fx,
         "[data]\nkind = grid\nlevel = maille\nvariable = n\n"
         "denominator = d\nfactor = 100\n[grid]\ncell_size = 10000\n"
         "[classes]\nmethod = equal\nk = 2\n[legend]\ndecimals = 6\n",
         out, &rep);
    assert_int_equal(cell_values(out, values, 8), 2);
    /* 200 / (1000 x 2/3) and (100 + 100) / (1000 / 3 + 200), in %. */
    assert_true(fabs(values[0] - 30) < 1e-6);
    assert_true(fabs(values[1] - 37.5) < 1e-6);
}

/* Styles that cannot be drawn say which key is wrong. */
static void test_bad_styles(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"[data]\nkind = potential\nlevel = commune\nvariable = v\n",
         "smoothing.span"},
        {"[data]\nkind = potential\nlevel = commune\nvariable = v\n"
         "[smoothing]\nspan = 5000\nfunction = cubic\n",
         "smoothing.function"},
        {"[data]\nkind = grid\nlevel = commune\nvariable = v\n[grid]\n"
         "cell_size = 5000\ncell = triangle\n",
         "grid.cell"},
        {"[data]\nkind = choropleth\nlevel = commune\nvariable = v\n"
         "[grid]\ncell_size = 5000\n",
         "grid.cell_size"},
        {"[data]\nkind = choropleth\nlevel = commune\nvariable = v\n"
         "denominator = w\n",
         "data.denominator"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_style_t *style = NULL;
        tob_error_t err;
        tob_error_clear(&err);
        assert_int_not_equal(tob_style_parse_text(bad[i][0], strlen(bad[i][0]),
                                                  "t.style", NULL, 0, &style,
                                                  &err),
                             TOB_OK);
        assert_null(style);
        assert_string_equal(err.field, bad[i][1]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_potential_at_grid_points),
        cmocka_unit_test(test_potential_bands_cover_the_communes),
        cmocka_unit_test(test_grid_keeps_the_total),
        cmocka_unit_test(test_grid_by_hand),
        cmocka_unit_test(test_bad_styles),
    };
    return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
