/* test_load.c - boundaries from real files: reprojection, areas, repair,
 * codes, duplicates, and the all-or-nothing rule. */
#include "testutil.h"

#include "store/db.h"
#include "terrobs/load.h"
#include "terrobs/store.h"

#include <gdal.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static double query_double(tob_store_t *st, const char *sql)
{
    db_stmt_t *stmt = NULL;
    assert_int_equal(db_prepare(st, sql, &stmt, NULL), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    double v = db_column_double(stmt, 0);
    db_finalize(stmt);
    return v;
}

static tob_store_t *new_store(const char *name, int srid)
{
    char path[4096];
    tob_test_path(path, sizeof path, name);
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, srid, 0, &st, &err), TOB_OK);
    return st;
}

static tob_status_t load(tob_store_t *st, const char *level, const char *rel,
                         int vintage, tob_load_report_t *rep, tob_error_t *err)
{
    char src[4096];
    tob_test_src(src, sizeof src, rel);
    tob_load_options_t o = {.level = level,
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = vintage};
    tob_error_clear(err);
    return tob_load(st, &o, rep, err);
}

/* The 648 Nord communes in Lambert-93 cover the département polygon: their
 * summed area matches it within 0.5 % (both simplified the same way). */
static void test_nord_areas_match_departement(void **state)
{
    (void)state;
    tob_store_t *st = new_store("nord.sqlite", 2154);
    tob_error_t err;
    tob_load_report_t rep;
    assert_int_equal(load(st, "commune",
                          "layers/data/communes-59-nord-2018.geojson", 2018,
                          &rep, &err),
                     TOB_OK);
    assert_int_equal(rep.n_loaded, 648);
    assert_string_equal(rep.layer, "communes-59-nord-2018");
    assert_int_equal(strlen(rep.checksum), 64);
    assert_int_equal(load(st, "departement", "layers/data/departements.geojson",
                          2018, &rep, &err),
                     TOB_OK);
    double communes = query_double(
        st, "SELECT sum(area_m2) FROM territory WHERE level = 'commune'");
    double dep = query_double(st, "SELECT area_m2 FROM territory WHERE"
                                  " level = 'departement' AND code = '59'");
    /* Area is the planar area in the store CRS, as SpatiaLite computes. */
    double spatialite =
        query_double(st, "SELECT ST_Area(geom) FROM territory WHERE code = '59'"
                         " AND level = 'departement'");
    assert_true(fabs(dep - spatialite) < 1.0);
    assert_true(dep > 5.6e9 && dep < 5.9e9);
    assert_true(fabs(communes - dep) / dep < 0.005);
    /* Lille lies where Lambert-93 puts it. */
    assert_true(query_double(st, "SELECT ST_X(ST_Centroid(geom)) FROM"
                                 " territory WHERE code = '59350'") > 700000);
    tob_store_close(st);
}

static void test_martinique_in_rgaf09(void **state)
{
    (void)state;
    tob_store_t *st = new_store("mtq.sqlite", 5490);
    tob_error_t err;
    tob_load_report_t rep;
    assert_int_equal(load(st, "commune",
                          "layers/data/communes-972-martinique-2018.geojson",
                          2018, &rep, &err),
                     TOB_OK);
    assert_int_equal(rep.n_loaded, 34);
    /* RGAF09 / UTM 20N: Fort-de-France near x 708 km, y 1 624 km. */
    double x = query_double(st, "SELECT ST_X(ST_Centroid(geom)) FROM"
                                " territory WHERE code = '97209'");
    double y = query_double(st, "SELECT ST_Y(ST_Centroid(geom)) FROM"
                                " territory WHERE code = '97209'");
    assert_true(x > 700000 && x < 716000);
    assert_true(y > 1615000 && y < 1635000);
    /* Martinique is about 1 128 km2. */
    double total = query_double(st, "SELECT sum(area_m2) FROM territory");
    assert_true(total > 1.08e9 && total < 1.18e9);
    tob_store_close(st);
}

/* Every failure leaves the store with exactly what it had. */
static void test_failures_change_nothing(void **state)
{
    (void)state;
    tob_store_t *st = new_store("fail.sqlite", 5490);
    tob_error_t err;
    tob_load_report_t rep;
    const char *bad[] = {"tests/data/load/duplicate-code.geojson",
                         "tests/data/load/bad-code.geojson",
                         "tests/data/load/truncated.geojson",
                         "tests/data/load/no-crs/martinique-4.shp",
                         "tests/data/load/points.geojson"};
    const tob_status_t want[] = {TOB_ERR_INPUT, TOB_ERR_INPUT, TOB_ERR_GDAL,
                                 TOB_ERR_INPUT, TOB_ERR_INPUT};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load(st, "commune", bad[i], 2018, &rep, &err),
                         want[i]);
        assert_true(err.source[0] != '\0');
        assert_int_equal(query_double(st, "SELECT count(*) FROM territory"), 0);
        assert_int_equal(query_double(st, "SELECT count(*) FROM source"), 0);
        /* The level is not left behind by a failed first load. */
        assert_int_equal(query_double(st, "SELECT count(*) FROM level"), 0);
    }
    assert_int_equal(load(st, "commune",
                          "tests/data/load/duplicate-code.geojson", 2018, &rep,
                          &err),
                     TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "97209 (features 1 and 3)"));
    assert_non_null(strstr(err.message, "97213 (features 2 and 4)"));
    tob_store_close(st);
}

static void test_replace_keeps_ids_and_removes_stale(void **state)
{
    (void)state;
    tob_store_t *st = new_store("replace.sqlite", 5490);
    tob_error_t err;
    tob_load_report_t rep;
    assert_int_equal(load(st, "commune",
                          "layers/data/communes-972-martinique-2018.geojson",
                          2018, &rep, &err),
                     TOB_OK);
    double id = query_double(st, "SELECT id FROM territory"
                                 " WHERE code = '97209'");
    assert_int_equal(load(st, "commune", "tests/data/load/martinique-4.geojson",
                          2018, &rep, &err),
                     TOB_ERR_EXISTS);
    char src[4096];
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2018,
                            .replace = 1};
    tob_error_clear(&err);
    assert_int_equal(tob_load(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_loaded, 4);
    assert_int_equal(rep.n_removed, 30);
    assert_true(query_double(st, "SELECT id FROM territory"
                                 " WHERE code = '97209'") == id);
    assert_int_equal(query_double(st, "SELECT count(*) FROM territory"), 4);
    /* the spatial index, written row by row: one entry a territory (the
     * updated ones' old entries gone), each holding its geometry's box */
    assert_int_equal(
        query_double(st, "SELECT count(*) FROM idx_territory_geom"), 4);
    assert_int_equal(query_double(st,
                                  "SELECT count(*) FROM territory t"
                                  " JOIN idx_territory_geom i ON i.pkid = t.id"
                                  " WHERE i.xmin <= MbrMinX(t.geom)"
                                  " AND i.xmax >= MbrMaxX(t.geom)"
                                  " AND i.ymin <= MbrMinY(t.geom)"
                                  " AND i.ymax >= MbrMaxY(t.geom)"
                                  " AND MbrMinX(t.geom) - i.xmin < 1"
                                  " AND i.ymax - MbrMaxY(t.geom) < 1"),
                     4);
    tob_store_close(st);
}

static void test_repair_and_where(void **state)
{
    (void)state;
    tob_store_t *st = new_store("repair.sqlite", 5490);
    tob_error_t err;
    tob_load_report_t rep;
    assert_int_equal(
        load(st, "commune", "tests/data/load/bowtie.geojson", 2020, &rep, &err),
        TOB_OK);
    assert_int_equal(rep.n_repaired, 1);
    assert_int_equal(query_double(st, "SELECT ST_IsValid(geom) FROM territory"),
                     1);
    assert_int_equal(query_double(st, "SELECT ST_NumGeometries(geom) FROM"
                                      " territory"),
                     2);
    char src[4096];
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2021,
                            .where = "code LIKE '9722%'"};
    tob_error_clear(&err);
    assert_int_equal(tob_load(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_loaded, 2);
    o.where = "no_such_field = 1";
    o.vintage = 2022;
    tob_error_clear(&err);
    assert_int_equal(tob_load(st, &o, &rep, &err), TOB_ERR_GDAL);
    assert_non_null(strstr(err.message, "--where"));
    tob_store_close(st);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nord_areas_match_departement),
        cmocka_unit_test(test_martinique_in_rgaf09),
        cmocka_unit_test(test_failures_change_nothing),
        cmocka_unit_test(test_replace_keeps_ids_and_removes_stale),
        cmocka_unit_test(test_repair_and_where),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return rc;
}
