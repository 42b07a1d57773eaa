/* test_chart.c - axis ticks, argument checks, and charts drawn into a
 * document (written to $TOB_TMP/charts.pdf for a look). */
#include "terrobs/chart.h"

#include "testutil.h"

#include <pango/pangocairo.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_ticks_round(void **state)
{
    (void)state;
    double t[8];
    size_t n = tob_chart_ticks(12.3, 87.9, 6, t);
    assert_true(n >= 2 && n <= 6);
    assert_true(t[0] <= 12.3 && t[n - 1] >= 87.9);
    assert_true(fabs(t[1] - t[0] - 20) < 1e-9); /* 0, 20, ..., 100 */
    n = tob_chart_ticks(96.2, 103.7, 6, t);
    assert_true(t[0] <= 96.2 && t[n - 1] >= 103.7 && n <= 6);
    n = tob_chart_ticks(5, 5, 6, t); /* flat series still gets an axis */
    assert_true(n >= 2 && t[0] < 5 && t[n - 1] > 5);
    assert_int_equal(tob_chart_ticks(NAN, 1, 6, t), 0);
}

typedef struct charts {
    int which;
} charts_t;

static tob_status_t draw(void *user, cairo_t *cr, PangoContext *pango,
                         const tob_rect_t *r, tob_error_t *err)
{
    charts_t *c = user;
    static const char *const labels[] = {"Lille", "Roubaix", "Tourcoing",
                                         "Villeneuve-d'Ascq", "Wattrelos"};
    static const double values[] = {238246, 98089, 98656, 62681, NAN};
    static const int years[] = {2010, 2015, 2021};
    static const double a[] = {100, 103.1, 105.4}, b[] = {100, 101.2, NAN};
    if (c->which == 0) {
        tob_bar_chart_t bars = {
            "Communes les plus peuplées", labels, values, 5, 0, "hab.", 0};
        return tob_chart_bars(cr, pango, r, &bars, err);
    }
    tob_line_series_t series[] = {{"Métropole européenne de Lille", a},
                                  {"Nord", b}};
    tob_line_chart_t lines = {
        "Population (base 100 en 2010)", years, 3, series, 2, 1, NULL};
    return tob_chart_lines(cr, pango, r, &lines, err);
}

static void test_charts_in_document(void **state)
{
    (void)state;
    tob_doc_t *doc = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_doc_create(NULL, &doc, &err), TOB_OK);
    charts_t bars = {0}, lines = {1};
    assert_int_equal(tob_doc_drawing(doc, 130, draw, &bars, &err), TOB_OK);
    assert_int_equal(tob_doc_drawing(doc, 200, draw, &lines, &err), TOB_OK);
    char path[4096];
    tob_test_path(path, sizeof path, "charts.pdf");
    assert_int_equal(tob_doc_write_pdf(doc, path, &err), TOB_OK);
    tob_doc_destroy(doc);
}

static void test_bad_charts(void **state)
{
    (void)state;
    cairo_surface_t *s =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(s);
    PangoContext *pango = pango_cairo_create_context(cr);
    tob_rect_t r = {0, 0, 300, 200};
    tob_error_t err;
    tob_error_clear(&err);
    tob_bar_chart_t none = {0};
    assert_int_equal(tob_chart_bars(cr, pango, &r, &none, &err), TOB_ERR_ARG);
    int years[] = {2021, 2015};
    double v[] = {1, 2};
    tob_line_series_t series = {"x", v};
    tob_line_chart_t back = {NULL, years, 2, &series, 1, 0, NULL};
    tob_error_clear(&err);
    assert_int_equal(tob_chart_lines(cr, pango, &r, &back, &err), TOB_ERR_ARG);
    assert_non_null(strstr(err.message, "increase"));
    g_object_unref(pango);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_round),
        cmocka_unit_test(test_charts_in_document),
        cmocka_unit_test(test_bad_charts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
