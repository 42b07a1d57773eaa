/* test_carnet.c - carnet templates (every error names its line and key;
 * the built-in copy is styles/carnet.ini) and a carnet composed from a
 * small real store: four Martinique communes in a zone. */
#include "testutil.h"

#include "terrobs/carnet.h"
#include "terrobs/layout.h"
#include "terrobs/load.h"
#include "terrobs/store.h"

#include <gdal.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = calloc((size_t)n + 1, 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    return buf;
}

static void test_builtin_is_styles_carnet_ini(void **state)
{
    (void)state;
    char path[4096];
    char *text = read_all(tob_test_src(path, sizeof path, "styles/carnet.ini"));
    /* Regenerate with tools/embed-carnet-template.sh when this fails. */
    assert_string_equal(tob_carnet_template_default_text(), text);
    free(text);
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_template_read(path, &tpl, &err), TOB_OK);
    tob_carnet_template_destroy(tpl);
    assert_int_equal(tob_carnet_template_default(&tpl, &err), TOB_OK);
    tob_carnet_template_destroy(tpl);
}

/* Parses text and expects status, line and field. */
static void expect_error(const char *text, tob_status_t status, long line,
                         const char *field, const char *words)
{
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_template_parse(text, strlen(text), "t.ini",
                                               NULL, &tpl, &err),
                     status);
    assert_null(tpl);
    assert_string_equal(err.source, "t.ini");
    assert_int_equal(err.row, line);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, words));
}

static void test_template_errors_name_line_and_key(void **state)
{
    (void)state;
    expect_error("[carnet]\nsections = cover\n[communes-table]\ntitel = x\n",
                 TOB_ERR_INPUT, 4, "communes-table.titel", "unknown key");
    expect_error("[carnet]\nsections = cover, charts\n", TOB_ERR_INPUT, 2,
                 "carnet.sections", "unknown section 'charts'");
    expect_error("[carnet]\nsections = cover cover\n", TOB_ERR_INPUT, 2,
                 "carnet.sections", "listed twice");
    expect_error("[carnet]\ntitle = x\n", TOB_ERR_INPUT, 0, "carnet.sections",
                 "missing");
    expect_error("title = x\n[carnet]\nsections = cover\n", TOB_ERR_INPUT, 1,
                 "title", "outside a section");
    expect_error("[carnet]\nsections = cover\n[maps]\ntitle = x\n",
                 TOB_ERR_INPUT, 4, "title", "unknown section [maps]");
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_template_read("/nonexistent.ini", &tpl, &err),
                     TOB_ERR_NOTFOUND);
}

/* The "territories" section (a city's quartiers and its references):
 * its keys are checked, and the bundled La Seyne template reads. */
static void test_territories_section_keys(void **state)
{
    (void)state;
    expect_error("[carnet]\nsections = territories:q\n[territories:q]\n"
                 "level = quartier\nreference = self\n",
                 TOB_ERR_INPUT, 5, "territories:q.reference", "unknown key");
    char path[4096];
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        tob_carnet_template_read(
            tob_test_src(path, sizeof path, "styles/carnet-la-seyne.ini"), &tpl,
            &err),
        TOB_OK);
    tob_carnet_template_destroy(tpl);
}

/* A store with four Martinique communes and a zone made of them. */
static tob_store_t *martinique_store(void)
{
    char path[4096], src[4096];
    tob_test_path(path, sizeof path, "mq.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, 5490, 0, &st, &err), TOB_OK);
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2026};
    tob_load_report_t rep;
    assert_int_equal(tob_load(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(tob_store_begin(st, &err), TOB_OK);
    assert_int_equal(tob_store_ensure_level(st, "zone", "Zone", 0, &err),
                     TOB_OK);
    assert_int_equal(
        tob_store_exec(st,
                       "INSERT INTO territory (level, code, name, vintage)"
                       " VALUES ('zone', 'Z972', 'Centre (test)', 2026);"
                       "INSERT INTO membership (child, parent, kind)"
                       " SELECT c.id, z.id, 'member' FROM territory c,"
                       " territory z WHERE c.level = 'commune'"
                       " AND z.level = 'zone';"
                       "INSERT INTO variable (name, label, unit)"
                       " VALUES ('pop', 'Population', 'hab.');"
                       "INSERT INTO observation (territory, variable, year,"
                       " value) SELECT id, 'pop', 2021, 1000 * id"
                       " FROM territory WHERE level = 'commune'",
                       &err),
        TOB_OK);
    assert_int_equal(tob_store_commit(st, &err), TOB_OK);
    return st;
}

static void test_carnet_of_a_zone(void **state)
{
    (void)state;
    tob_store_t *st = martinique_store();
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_template_default(&tpl, &err), TOB_OK);
    char pdf[4096];
    tob_test_path(pdf, sizeof pdf, "zone.pdf");
    tob_carnet_options_t opts = {"zone", "Z972", 0, "23/11/2026", NULL, NULL};
    tob_carnet_report_t rep;
    assert_int_equal(tob_carnet_write(st, tpl, &opts, pdf, &rep, &err), TOB_OK);
    assert_string_equal(rep.name, "Centre (test)");
    assert_int_equal(rep.n_communes, 4);
    assert_true(rep.n_pages >= 2);
    assert_int_equal(access(pdf, R_OK), 0);
    tob_carnet_options_t missing = {"zone", "Z000", 0, NULL, NULL, NULL};
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_write(st, tpl, &missing, pdf, NULL, &err),
                     TOB_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "Z000"));
    tob_carnet_template_destroy(tpl);
    tob_store_close(st);
}

static tob_status_t carnet_with(tob_store_t *st, const char *text,
                                tob_error_t *err)
{
    tob_carnet_template_t *tpl = NULL;
    tob_error_clear(err);
    tob_status_t status =
        tob_carnet_template_parse(text, strlen(text), "t.ini", NULL, &tpl, err);
    if (status != TOB_OK)
        return status;
    char pdf[4096];
    tob_test_path(pdf, sizeof pdf, "map.pdf");
    tob_carnet_options_t opts = {"zone", "Z972", 0, "23/11/2026", NULL, NULL};
    status = tob_carnet_write(st, tpl, &opts, pdf, NULL, err);
    tob_carnet_template_destroy(tpl);
    return status;
}

/* Map values the template gives are checked, and their errors name the
 * template's line and key, not the style made from them. */
static void test_map_errors_name_the_template(void **state)
{
    (void)state;
    tob_store_t *st = martinique_store();
    tob_error_t err;
    assert_int_equal(carnet_with(st,
                                 "[carnet]\nsections = map\n[map]\n"
                                 "variable = pop\npalette = Blues\n",
                                 &err),
                     TOB_OK);
    assert_int_equal(carnet_with(st,
                                 "[carnet]\nsections = map\n[map]\n"
                                 "variable = nope\n",
                                 &err),
                     TOB_ERR_NOTFOUND);
    assert_int_equal(err.row, 4);
    assert_string_equal(err.field, "map.variable");
    assert_int_equal(carnet_with(st,
                                 "[carnet]\nsections = map\n[map]\n"
                                 "variable = nope\noptional = yes\n",
                                 &err),
                     TOB_OK);
    assert_int_equal(carnet_with(st,
                                 "[carnet]\nsections = map:a\n[map:a]\n"
                                 "variable = pop\npalette = Bleus\n",
                                 &err),
                     TOB_ERR_INPUT);
    assert_string_equal(err.source, "t.ini");
    assert_int_equal(err.row, 5);
    assert_string_equal(err.field, "map:a.palette");
    assert_non_null(strstr(err.message, "Bleus"));
    tob_store_close(st);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_is_styles_carnet_ini),
        cmocka_unit_test(test_template_errors_name_line_and_key),
        cmocka_unit_test(test_territories_section_keys),
        cmocka_unit_test(test_carnet_of_a_zone),
        cmocka_unit_test(test_map_errors_name_the_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
