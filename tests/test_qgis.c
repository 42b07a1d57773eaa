/* test_qgis.c - the QGIS project's file-level promises: the store path
 * relative to the project wherever both are, the project CRS, atomic
 * writes that refuse to overwrite, and styles that cannot apply. */
#include "testutil.h"

#include "terrobs/load.h"
#include "terrobs/qgis.h"
#include "terrobs/store.h"

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
    snprintf(path, sizeof path, "%s/kept.qgs.tmp", dir);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_path_is_relative),
        cmocka_unit_test(test_refuses_overwrite),
        cmocka_unit_test(test_styles_left_out),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
