/* test_relations.c - memberships from parent codes, member tables and
 * space, with their spatial check; QPV overlaps with area shares; the QPV
 * 2024 list without geometry; zones dissolved from their members. Real
 * data from layers/ and tests/data/. */
#include "testutil.h"

#include "store/db.h"
#include "terrobs/load.h"
#include "terrobs/relations.h"
#include "terrobs/store.h"
#include "terrobs/zone.h"

#include <gdal.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static long long count(tob_store_t *st, const char *sql)
{
    db_stmt_t *stmt = NULL;
    assert_int_equal(db_prepare(st, sql, &stmt, NULL), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    long long n = db_column_int64(stmt, 0);
    db_finalize(stmt);
    return n;
}

static void load(tob_store_t *st, const char *level, const char *rel,
                 const char *code, const char *name, const char *parent,
                 int vintage)
{
    char src[4096];
    tob_load_options_t o = {.level = level,
                            .src = tob_test_src(src, sizeof src, rel),
                            .code_field = code,
                            .name_field = name,
                            .parent_field = parent,
                            .vintage = vintage};
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_load(st, &o, NULL, &err), TOB_OK);
}

/* The Nord's 647 communes of 2026 with their EPCI code, and the EPCIs. */
static tob_store_t *nord_store(const char *name)
{
    char path[4096];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(tob_test_path(path, sizeof path, name),
                                      2154, 0, &st, &err),
                     TOB_OK);
    load(st, "epci", "layers/data/epci-2026.geojson", "siren_epci", "nom_epci",
         NULL, 2026);
    load(st, "commune", "layers/data/communes-59-nord.geojson", "code", "nom",
         "siren_epci", 2026);
    return st;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[4096];
    tob_test_path(path, sizeof path, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_parent_codes_checked_in_space(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-codes.sqlite");
    tob_relate_options_t o = {.child_level = "commune", .parent_level = "epci"};
    tob_relate_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    for (int run = 0; run < 2; run++) { /* a rerun replaces */
        assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_OK);
        assert_int_equal(rep.n_children, 647);
        assert_int_equal(rep.n_parents, 39);
        assert_int_equal(rep.n_written, 647);
        assert_int_equal(rep.n_orphans, 0);
        assert_int_equal(rep.n_several, 0);
        assert_int_equal(rep.n_checked, 647);
        assert_int_equal(rep.n_mismatches, 0);
        assert_int_equal(rep.child_vintage, 2026);
        assert_int_equal(rep.parent_vintage, 2026);
    }
    assert_int_equal(count(st, "SELECT count(*) FROM membership"), 647);
    /* Every commune in exactly one EPCI, the one of its code. */
    assert_int_equal(count(st, "SELECT count(*) FROM territory c"
                               " JOIN membership m ON m.child = c.id"
                               " JOIN territory p ON p.id = m.parent"
                               " WHERE c.parent_code = p.code"),
                     647);
    /* No parent code at all: a clear error, nothing written. */
    o.parent_level = "commune";
    o.child_level = "epci";
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "no epci of vintage 2026 has a "
                                        "parent code"));
    assert_int_equal(count(st, "SELECT count(*) FROM membership"), 647);
    tob_store_close(st);
}

/* A member table relating Lille to the wrong EPCI: the relation is
 * written and the mismatch reported; --strict refuses it all. */
static void test_member_table_mismatch_and_strict(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-members.sqlite");
    const char *csv = write_file("members.csv", "siren_epci;code_insee\n"
                                                "245900428;59350\n"
                                                "200093201;59009\n"
                                                "200093201;99999\n"
                                                "200000000;59178\n"
                                                ";59183\n");
    tob_relate_options_t o = {.child_level = "commune",
                              .parent_level = "epci",
                              .by = TOB_RELATE_MEMBERS,
                              .members = csv,
                              .child_key = "code_insee",
                              .parent_key = "siren_epci"};
    tob_relate_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_rows, 5);
    assert_int_equal(rep.n_written, 2);
    assert_int_equal(rep.n_unknown_child, 1);
    assert_string_equal(rep.unknown_child, "1: 99999");
    assert_int_equal(rep.n_unknown_parent, 1);
    assert_string_equal(rep.unknown_parent, "1: 200000000 (of 59178)");
    assert_int_equal(rep.n_orphans, 645);
    assert_int_equal(rep.n_checked, 2);
    assert_int_equal(rep.n_mismatches, 1);
    assert_string_equal(rep.mismatches,
                        "1: 59350 (point in 200093201, not 245900428)");
    long long sources = count(st, "SELECT count(*) FROM source");
    o.strict = 1;
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "59350 (point in 200093201"));
    assert_int_equal(count(st, "SELECT count(*) FROM source"), sources);
    assert_int_equal(count(st, "SELECT count(*) FROM membership"), 2);
    /* A missing column names the file and the columns there are. */
    o.strict = 0;
    o.child_key = "insee";
    tob_error_clear(&err);
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "columns: siren_epci, code_insee"));
    tob_store_close(st);
}

/* Communes into départements by their point on surface. */
static void test_relate_in_space(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-space.sqlite");
    load(st, "departement", "layers/data/departements.geojson", "code", "nom",
         NULL, 2026);
    tob_relate_options_t o = {.child_level = "commune",
                              .parent_level = "departement",
                              .by = TOB_RELATE_SPACE};
    tob_relate_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_written, 647);
    assert_int_equal(rep.n_orphans, 0);
    assert_int_equal(count(st, "SELECT count(*) FROM membership m"
                               " JOIN territory d ON d.id = m.parent"
                               " WHERE d.code = '59'"),
                     647);
    /* EPCIs straddling départements: their point decides, one each. */
    o.child_level = "epci";
    assert_int_equal(tob_relate(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_several, 0);
    assert_int_equal(rep.n_written + rep.n_orphans, 39);
    tob_store_close(st);
}

/* QPV 2015 of Occitanie (invalid polygons repaired at load) over their
 * communes: measured shares, one real straddler (Tarbes Est). */
static void test_qpv_overlaps(void **state)
{
    (void)state;
    char path[4096];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(
        tob_store_create(tob_test_path(path, sizeof path, "occ.sqlite"), 2154,
                         0, &st, &err),
        TOB_OK);
    load(st, "qpv", "tests/data/qp.geojson", "code_qp", "nom_qp", NULL, 2015);
    load(st, "commune", "tests/data/communes-occitanie-qp-2018.geojson", "code",
         "nom", NULL, 2018);
    tob_overlap_options_t o = {"qpv", "commune", 0, 0, 0.01};
    tob_overlap_report_t rep;
    assert_int_equal(tob_relate_overlaps(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_children, 105);
    assert_int_equal(rep.n_overlaps, 106);
    assert_int_equal(rep.n_straddling, 1);
    assert_int_equal(rep.n_slivers, 4);
    assert_int_equal(rep.n_outside, 0);
    assert_string_equal(rep.straddling,
                        "1: QP065003 (65417 3.8 %, 65440 96.2 %)");
    assert_true(rep.min_covered > 0.99);
    assert_int_equal(count(st, "SELECT count(*) FROM (SELECT sum(area_share)"
                               " AS s FROM membership GROUP BY child)"
                               " WHERE s > 0.99 AND s <= 1.0000001"),
                     105);
    o.min_share = 0;
    assert_int_equal(tob_relate_overlaps(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_overlaps, 110);
    assert_int_equal(count(st, "SELECT count(*) FROM membership"), 110);
    /* The intersection is the QPV's area where it lies wholly inside. */
    assert_int_equal(count(st, "SELECT count(*) FROM membership m"
                               " JOIN territory q ON q.id = m.child"
                               " JOIN territory c ON c.id = m.parent"
                               " WHERE q.code = 'QP031001'"
                               " AND c.code = '31395'"
                               " AND m.area_share > 0.999"),
                     1);
    tob_store_close(st);
}

/* A bad code names its row and writes nothing; --replace keeps the ids
 * of listed codes and removes the others. */
static void list_errors_and_replace(tob_store_t *st,
                                    tob_territories_options_t *o)
{
    tob_territories_report_t rep;
    tob_error_t err;
    long long before = count(st, "SELECT count(*) FROM territory");
    o->path = write_file("qpv-bad.csv", "code_qp,lib_qp,insee_com\n"
                                        "QN05901M,Auby Centre,59028\n"
                                        "QN0590M,Oups,59028\n");
    o->replace = 1;
    tob_error_clear(&err);
    assert_int_equal(tob_territories_import(st, o, &rep, &err), TOB_ERR_INPUT);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.field, "code_qp");
    assert_int_equal(count(st, "SELECT count(*) FROM territory"), before);
    /* --replace keeps listed codes' ids and removes the others. */
    o->path = write_file("qpv-one.csv", "code_qp,lib_qp,insee_com\n"
                                        "QN05901M,Auby Centre,59028\n");
    long long id =
        count(st, "SELECT id FROM territory WHERE code = 'QN05901M'");
    assert_int_equal(tob_territories_import(st, o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_removed, 199);
    assert_int_equal(count(st, "SELECT id FROM territory"
                               " WHERE code = 'QN05901M'"),
                     id);
}

/* The 2024 QPV list of the Nord: no polygon, related to each commune. */
static void test_qpv_list(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-list.sqlite");
    char src[4096];
    tob_territories_options_t o = {
        .path =
            tob_test_src(src, sizeof src, "layers/data/qpv2024-communes.csv"),
        .level = "qpv",
        .vintage = 2024,
        .code_key = "code_qp",
        .name_key = "lib_qp",
        .parent_level = "commune",
        .parent_key = "insee_com"};
    tob_territories_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_territories_import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_rows, 280);
    assert_int_equal(rep.n_territories, 200);
    assert_true(rep.n_unknown_parent > 0); /* communes outside the Nord */
    assert_int_equal(count(st, "SELECT count(*) FROM territory"
                               " WHERE level = 'qpv' AND geom IS NULL"),
                     200);
    /* QN05902M lies in Auby and Roost-Warendin: two relations, share
     * unknown; QN05901M in Auby only: share 1. */
    assert_int_equal(count(st, "SELECT count(*) FROM membership m"
                               " JOIN territory q ON q.id = m.child"
                               " WHERE q.code = 'QN05902M'"
                               " AND m.kind = 'overlap'"
                               " AND m.area_share IS NULL"),
                     2);
    assert_int_equal(count(st, "SELECT count(*) FROM membership m"
                               " JOIN territory q ON q.id = m.child"
                               " WHERE q.code = 'QN05901M'"
                               " AND m.area_share = 1"),
                     1);
    assert_int_equal(tob_territories_import(st, &o, &rep, &err),
                     TOB_ERR_EXISTS);
    list_errors_and_replace(st, &o);
    tob_store_close(st);
}
/* The Nord SCoTs: dissolved EPCIs, areas equal within 0.1 %. */
static void test_zones(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-zones.sqlite");
    char src[4096];
    tob_zone_options_t o = {
        .path = tob_test_src(src, sizeof src, "layers/scot-nord.csv")};
    tob_zone_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_zones_import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_zones, 7);
    assert_int_equal(rep.n_members, 17);
    assert_int_equal(rep.n_created, 7);
    assert_int_equal(rep.vintage, 2026);
    assert_int_equal(count(st, "SELECT count(*) FROM (SELECT s.area_m2 AS a,"
                               " sum(e.area_m2) AS b FROM territory s"
                               " JOIN membership m ON m.parent = s.id"
                               " JOIN territory e ON e.id = m.child"
                               " WHERE s.level = 'scot' GROUP BY s.id)"
                               " WHERE abs(a / b - 1) < 0.001"),
                     7);
    assert_int_equal(tob_zones_import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_replaced, 7);
    /* An unknown member names file:row: member_code; nothing changes. */
    long long before = count(st, "SELECT count(*) FROM membership");
    o.path = write_file("zone-bad.csv",
                        "zone_level,zone_code,zone_name,member_level,"
                        "member_code\n"
                        "zone,Z1,Zone 1,epci,200093201\n"
                        "zone,Z1,Zone 1,epci,200093202\n");
    assert_int_equal(tob_zones_import(st, &o, &rep, &err), TOB_ERR_INPUT);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.field, "member_code");
    assert_string_equal(err.message, "no epci with code '200093202' (did you "
                                     "mean '200093201'?)");
    assert_int_equal(count(st, "SELECT count(*) FROM membership"), before);
    assert_int_equal(tob_store_has_level(st, "zone"), 0);
    tob_store_close(st);
}

/* A zone holding Lille and the Métropole around it would count Lille's
 * population twice: refused at Lille's row, naming the EPCI's, found in
 * space before the levels are related and by memberships after. */
static void test_zone_members_overlap(void **state)
{
    (void)state;
    tob_store_t *st = nord_store("rel-zone-overlap.sqlite");
    tob_zone_options_t o = {
        .path = write_file("zone-overlap.csv",
                           "zone_level,zone_code,zone_name,member_level,"
                           "member_code\n"
                           "zone,Z1,Zone 1,epci,200093201\n"
                           "zone,Z1,Zone 1,commune,59183\n"
                           "zone,Z1,Zone 1,commune,59350\n")};
    tob_zone_report_t rep;
    tob_error_t err;
    for (int related = 0; related < 2; related++) {
        tob_error_clear(&err);
        long long before = count(st, "SELECT count(*) FROM membership");
        assert_int_equal(tob_zones_import(st, &o, &rep, &err), TOB_ERR_INPUT);
        assert_int_equal(err.row, 4);
        assert_string_equal(err.field, "member_code");
        assert_non_null(strstr(err.message, "commune 59350 lies in epci "
                                            "200093201 (row 2, by "));
        assert_non_null(
            strstr(err.message, related ? "by its memberships" : "by space"));
        assert_int_equal(count(st, "SELECT count(*) FROM membership"), before);
        assert_int_equal(tob_store_has_level(st, "zone"), 0);
        tob_relate_options_t ro = {.child_level = "commune",
                                   .parent_level = "epci"};
        tob_relate_report_t rrep;
        if (!related)
            assert_int_equal(tob_relate(st, &ro, &rrep, &err), TOB_OK);
    }
    /* Dunkerque (59183) and Lille's neighbour EPCI are not nested: fine. */
    o.path = write_file("zone-no-overlap.csv",
                        "zone_level,zone_code,zone_name,member_level,"
                        "member_code\n"
                        "zone,Z1,Zone 1,epci,200093201\n"
                        "zone,Z1,Zone 1,commune,59183\n");
    tob_error_clear(&err);
    assert_int_equal(tob_zones_import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_members, 2);
    tob_store_close(st);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parent_codes_checked_in_space),
        cmocka_unit_test(test_member_table_mismatch_and_strict),
        cmocka_unit_test(test_relate_in_space),
        cmocka_unit_test(test_qpv_overlaps),
        cmocka_unit_test(test_qpv_list),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_zone_members_overlap),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return rc;
}
