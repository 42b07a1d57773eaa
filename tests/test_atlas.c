/* test_atlas.c - carnet file names are safe whatever the name or code, and
 * an atlas run on a small real store (four Martinique communes) makes one
 * carnet each, keeps them on a rerun, and says so in its report. */
#include "testutil.h"

#include "terrobs/atlas.h"
#include "terrobs/load.h"
#include "terrobs/store.h"

#include <gdal.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void assert_safe(const char *file)
{
    assert_null(strchr(file, '/'));
    assert_null(strchr(file, ':'));
    assert_null(strstr(file, ".."));
    assert_true(file[0] != '.' && file[0] != '-');
    for (const char *p = file; *p != '\0'; p++)
        assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                    *p == '.');
}

static void test_file_names_are_safe(void **state)
{
    (void)state;
    char buf[256];
    assert_string_equal(tob_atlas_file_name("200030633",
                                            "CA du Caudrésis et du Catésis",
                                            buf, sizeof buf),
                        "200030633-ca-du-caudresis-et-du-catesis.pdf");
    assert_string_equal(
        tob_atlas_file_name("S59-CA", "SCoT du Cambrésis", buf, sizeof buf),
        "S59-CA-scot-du-cambresis.pdf");
    assert_string_equal(
        tob_atlas_file_name("42", "Cœur d'Ostrevent", buf, sizeof buf),
        "42-coeur-d-ostrevent.pdf");
    static const char *const nasty[][2] = {
        {"../../etc", "../../passwd"}, {"a/b", "x/y:z"},
        {"C:", "C:\\Windows"},         {"1", "..."},
        {".hidden", ".profile"},       {"2A004", "Ajaccio\n\t\x01"},
        {"x", "\xFF\xFE invalid"},     {"97209", "/"}};
    for (size_t i = 0; i < sizeof nasty / sizeof nasty[0]; i++) {
        tob_atlas_file_name(nasty[i][0], nasty[i][1], buf, sizeof buf);
        assert_safe(buf);
        assert_non_null(strstr(buf, ".pdf"));
    }
    tob_atlas_file_name("1", "...", buf, sizeof buf);
    assert_string_equal(buf, "1-sans-nom.pdf");
}

static tob_store_t *store_at(const char *path)
{
    char src[4096];
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
    return st;
}

static size_t count_pdfs(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        n += len > 4 && strcmp(e->d_name + len - 4, ".pdf") == 0;
    }
    closedir(d);
    return n;
}

/* Empties and removes dir, left by an earlier run of the test. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096 + 512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void test_run_and_rerun(void **state)
{
    (void)state;
    char path[4096], dir[4096];
    tob_test_path(path, sizeof path, "mq.sqlite");
    tob_store_close(store_at(path));
    tob_test_path(dir, sizeof dir, "atlas");
    remove_dir(dir);
    tob_carnet_template_t *tpl = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_carnet_template_default(&tpl, &err), TOB_OK);
    /* more jobs than territories: only as many threads as work */
    tob_atlas_options_t o = {.store_path = path,
                             .level = "commune",
                             .out_dir = dir,
                             .jobs = 8,
                             .tpl = tpl,
                             .today = "23/11/2026"};
    tob_atlas_report_t r;
    assert_int_equal(tob_atlas_run(&o, &r, &err), TOB_OK);
    assert_int_equal(r.n_territories, 4);
    assert_int_equal(r.n_written, 4);
    assert_int_equal(r.n_failed, 0);
    assert_int_equal(r.jobs, 4);
    assert_int_equal(count_pdfs(dir), 4);
    tob_atlas_report_free(&r);
    assert_int_equal(tob_atlas_run(&o, &r, &err), TOB_OK);
    assert_int_equal(r.n_kept, 4);
    assert_int_equal(r.n_written, 0);
    tob_atlas_report_free(&r);
    o.level = "epci";
    assert_int_equal(tob_atlas_run(&o, &r, &err), TOB_ERR_NOTFOUND);
    tob_atlas_report_free(&r);
    tob_carnet_template_destroy(tpl);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_names_are_safe),
        cmocka_unit_test(test_run_and_rerun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
