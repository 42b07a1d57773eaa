/* test_qgis.c - the QGIS project's file-level promises: the store path
 * relative to the project wherever both are, the project CRS, atomic
 * writes that refuse to overwrite, and styles that cannot apply. */
#include "testutil.h"

#include "terrobs/load.h"
#include "terrobs/qgis.h"
#include "terrobs/render.h"
#include "terrobs/store.h"
#include "terrobs/style.h"

#include <cairo.h>
#include <gdal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static tob_store_t *store;
static char dir[4096];

static int setup(void **state)
{
    (void)state;
    char path[4200], src[4096];
    tob_test_path(dir, sizeof dir, "qgis");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/obs.sqlite", dir);
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    tob_error_t err;
    tob_error_clear(&err);
    GDALAllRegister();
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2026};
    tob_load_report_t rep;
    if (tob_store_create(path, 5490, 1, &store, &err) != TOB_OK ||
        tob_load(store, &o, &rep, &err) != TOB_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tob_store_close(store);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *text = calloc(1, 1 << 20);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 20) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    return text;
}

static void write_ok(const char *path, const tob_qgis_options_t *o,
                     tob_qgis_summary_t *sum)
{
    tob_error_t err;
    tob_error_clear(&err);
    unlink(path);
    assert_int_equal(tob_qgis_write(store, path, o, sum, &err), TOB_OK);
}

/* Beside the store, in a subfolder, in a parent folder. */
static void test_store_path_is_relative(void **state)
{
    (void)state;
    char path[4300], sub[4300];
    tob_qgis_summary_t sum;
    snprintf(path, sizeof path, "%s/obs.qgs", dir);
    write_ok(path, NULL, &sum);
    assert_int_equal(sum.n_groups, 1);
    assert_int_equal(sum.n_layers, 1);
    char *xml = slurp(path);
    assert_non_null(strstr(xml, "<datasource>dbname=&apos;./obs.sqlite&apos;"));
    assert_non_null(strstr(xml, "<authid>EPSG:5490</authid>"));
    assert_non_null(strstr(xml, "<title>Observatoire (obs.sqlite)</title>"));
    free(xml);
    snprintf(sub, sizeof sub, "%s/projets", dir);
    mkdir(sub, 0777);
    snprintf(path, sizeof path, "%s/projets/obs.qgs", dir);
    tob_qgis_options_t o = {.title = "Observatoire <Martinique> & co"};
    write_ok(path, &o, NULL);
    xml = slurp(path);
    assert_non_null(strstr(xml, "dbname=&apos;../obs.sqlite&apos;"));
    assert_non_null(strstr(xml, "<title>Observatoire &lt;Martinique&gt; "
                                "&amp; co</title>"));
    free(xml);
    snprintf(path, sizeof path, "%s/../up.qgs", dir);
    write_ok(path, NULL, NULL);
    xml = slurp(path);
    assert_non_null(strstr(xml, "dbname=&apos;./qgis/obs.sqlite&apos;"));
    free(xml);
}

static void test_refuses_overwrite(void **state)
{
    (void)state;
    char path[4300];
    snprintf(path, sizeof path, "%s/kept.qgs", dir);
    FILE *fp = fopen(path, "w");
    fputs("mine", fp);
    fclose(fp);
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_qgis_write(store, path, NULL, NULL, &err),
                     TOB_ERR_EXISTS);
    char *text = slurp(path);
    assert_string_equal(text, "mine");
    free(text);
    tob_qgis_options_t o = {.force = 1};
    tob_error_clear(&err);
    assert_int_equal(tob_qgis_write(store, path, &o, NULL, &err), TOB_OK);
    snprintf(path, sizeof path, "%s/kept.tmp.qgs", dir);
    assert_int_equal(access(path, F_OK), -1);
    tob_error_clear(&err);
    assert_int_equal(tob_qgis_write(store, "x.qgz", NULL, NULL, &err),
                     TOB_ERR_ARG);
}

static int n_notes;

static void count_note(void *user, const char *style, const char *why)
{
    (void)user;
    (void)style;
    assert_non_null(strstr(why, "no level 'epci'"));
    n_notes++;
}

/* A style of a level the store lacks is left out with a note; a style
 * file that does not exist is an error. */
static void test_styles_left_out(void **state)
{
    (void)state;
    char path[4300], style[4300];
    snprintf(style, sizeof style, "%s/epci.style", dir);
    FILE *fp = fopen(style, "w");
    fputs("[data]\nkind = choropleth\nlevel = epci\nvariable = x\n", fp);
    fclose(fp);
    const char *styles[] = {style};
    tob_qgis_options_t o = {
        .styles = styles, .n_styles = 1, .note = count_note};
    tob_qgis_summary_t sum;
    snprintf(path, sizeof path, "%s/styled.qgs", dir);
    write_ok(path, &o, &sum);
    assert_int_equal(n_notes, 1);
    assert_int_equal(sum.n_styles_left, 1);
    assert_int_equal(sum.n_thematic, 0);
    const char *missing[] = {"/nonexistent/x.style"};
    tob_qgis_options_t m = {.styles = missing, .n_styles = 1};
    tob_error_t err;
    tob_error_clear(&err);
    unlink(path);
    assert_int_equal(tob_qgis_write(store, path, &m, NULL, &err),
                     TOB_ERR_NOTFOUND);
    assert_int_equal(access(path, F_OK), -1);
}

/* The values both the map and the project classify: a skewed variable,
 * one territory without a value. */
static const char values_sql[] =
    "INSERT INTO variable (name, label, unit, aggregate, decimals)"
    " VALUES ('indice', 'Indice', NULL, 'mean', 2);"
    "INSERT INTO observation (territory, variable, year, value)"
    " SELECT id, 'indice', 2022, id * id * 1.375 FROM territory"
    " WHERE code <> '97229';";

static const char style_text[] = "[data]\nkind = choropleth\n"
                                 "level = commune\nvariable = indice\n"
                                 "[classes]\nmethod = quantile\nk = 3\n"
                                 "palette = Greens\n";

/* Reads the n-th <range> of a project: bounds and label. */
static int read_range(const char *xml, size_t n, double *lo, double *hi,
                      char *label, size_t size)
{
    const char *p = xml;
    for (size_t i = 0; i <= n; i++)
        if ((p = strstr(p, "<range ")) == NULL)
            return 0;
        else
            p++;
    const char *l = strstr(p, "lower=\""), *u = strstr(p, "upper=\"");
    const char *t = strstr(p, "label=\"");
    assert_true(l != NULL && u != NULL && t != NULL);
    *lo = strtod(l + 7, NULL);
    *hi = strtod(u + 7, NULL);
    snprintf(label, size, "%.*s", (int)strcspn(t + 7, "\""), t + 7);
    return 1;
}

/* The project's classes are the map's: same breaks, labels and colours
 * as the legend `terrobs map` draws for the same style and store. */
static void test_ranges_match_map_legend(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_store_exec(store, values_sql, &err), TOB_OK);
    char style_path[4300], path[4300];
    snprintf(style_path, sizeof style_path, "%s/indice.style", dir);
    FILE *fp = fopen(style_path, "w");
    fputs(style_text, fp);
    fclose(fp);
    tob_style_t *style = NULL;
    assert_int_equal(tob_style_read(style_path, NULL, 0, &style, &err), TOB_OK);
    cairo_surface_t *surface =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    cairo_t *cr = cairo_create(surface);
    tob_map_report_t report;
    tob_render_options_t ro = {.today = "22/11/2026"};
    assert_int_equal(tob_render_to_cairo(cr, 0, 0, 400, 300, style, store, &ro,
                                         &report, &err),
                     TOB_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
    tob_style_destroy(style);
    const char *styles[] = {style_path};
    tob_qgis_options_t o = {.styles = styles, .n_styles = 1};
    snprintf(path, sizeof path, "%s/indice.qgs", dir);
    write_ok(path, &o, NULL);
    char *xml = slurp(path);
    size_t n = 0;
    double lo, hi;
    char label[256], color[64];
    for (; read_range(xml, n, &lo, &hi, label, sizeof label); n++) {
        const tob_legend_entry_t *e = &report.entries[n];
        assert_false(e->is_missing);
        assert_true(lo == e->lower && hi == e->upper);
        assert_string_equal(label, e->label);
        snprintf(color, sizeof color, "value=\"%u,%u,%u,255\"", e->color.r,
                 e->color.g, e->color.b);
        assert_non_null(strstr(xml, color));
    }
    assert_int_equal(n, 3);
    assert_true(report.entries[3].is_missing); /* and so is our layer */
    assert_non_null(strstr(xml, "— Données non disponibles</layername>"));
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_path_is_relative),
        cmocka_unit_test(test_refuses_overwrite),
        cmocka_unit_test(test_styles_left_out),
        cmocka_unit_test(test_ranges_match_map_legend),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
