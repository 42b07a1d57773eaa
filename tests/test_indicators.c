/* test_indicators.c - variables files, indicator imports (join
 * diagnostics, French cells, COG passage), the value of a variable for a
 * territory (observed, ratio, on the fly) and aggregation, on real data:
 * the Nord's communes and EPCIs, Insee comparateur figures, Martinique's
 * 2015 median income (a weighted mean), Occitanie QPV populations. */
#include "testutil.h"

#include "relations/values_cache.h"
#include "store/db.h"
#include "terrobs/aggregate.h"
#include "terrobs/indicators.h"
#include "terrobs/load.h"
#include "terrobs/relations.h"
#include "terrobs/store.h"
#include "terrobs/territory.h"
#include "terrobs/values.h"

#include <gdal.h>
#include <ogr_api.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static double number(tob_store_t *st, const char *sql)
{
    db_stmt_t *stmt = NULL;
    assert_int_equal(db_prepare(st, sql, &stmt, NULL), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    double v =
        db_column_type(stmt, 0) == DB_NULL ? NAN : db_column_double(stmt, 0);
    db_finalize(stmt);
    return v;
}

static const char *src(const char *rel)
{
    static char buf[8][4096];
    static int next;
    next = (next + 1) % 8;
    return tob_test_src(buf[next], sizeof buf[next], rel);
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

static void load_layer(tob_store_t *st, const char *layerfile, int append)
{
    tob_layerdef_t *def = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_layerdef_read(src(layerfile), &def, &err), TOB_OK);
    tob_load_options_t *o = tob_layerdef_options(def);
    o->append = append;
    assert_int_equal(tob_load(st, o, NULL, &err), TOB_OK);
    tob_layerdef_destroy(def);
}

static tob_store_t *store_with(const char *name, int srid, const char *communes)
{
    char path[4096];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(tob_test_path(path, sizeof path, name),
                                      srid, 0, &st, &err),
                     TOB_OK);
    load_layer(st, "layers/epci.layer", 0);
    load_layer(st, communes, 0);
    tob_relate_options_t r = {.child_level = "commune", .parent_level = "epci"};
    assert_int_equal(tob_relate(st, &r, NULL, &err), TOB_OK);
    assert_int_equal(
        tob_variables_import(st, src("layers/variables.csv"), NULL, NULL, &err),
        TOB_OK);
    return st;
}

static tob_status_t import(tob_store_t *st, tob_indicators_options_t *o,
                           tob_indicators_report_t *rep, tob_error_t *err)
{
    tob_error_clear(err);
    if (o->level == NULL)
        o->level = "commune";
    if (o->key == NULL)
        o->key = "insee_com";
    return tob_indicators_import(st, o, rep, err);
}

static void test_variables_file(void **state)
{
    (void)state;
    tob_store_t *st =
        store_with("ind-vars.sqlite", 2154, "layers/communes-nord.layer");
    tob_variable_t v;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_variable_get(st, "taux_chomage", &v, &err), TOB_OK);
    assert_int_equal(v.aggregate, TOB_AGG_RATIO);
    assert_string_equal(v.numerator, "pop_15_64_chomage_2021");
    assert_string_equal(v.denominator, "pop_15_64_active_2021");
    assert_string_equal(v.unit, "%");
    assert_true(v.scale == 100 && v.decimals == 1);
    assert_int_equal(tob_variable_get(st, "densite", &v, &err), TOB_OK);
    assert_true(v.scale == 1);
    assert_int_equal(tob_variable_get(st, "nope", &v, &err), TOB_ERR_NOTFOUND);
    static const struct {
        const char *text, *field, *message;
        long long row;
    } bad[] = {
        {"name,label,aggregate,numerator\nt,Taux,ratio,population_2021\n",
         "denominator", "a ratio needs its numerator and denominator", 2},
        {"nom;libellé;agrégation\na;A;sum\nb;B;médiane\n", "aggregate",
         "'médiane' is not one of sum", 3},
        {"name,label,aggregate,weight\nm,M,weighted_mean,poids\n", "weight",
         "'poids' is neither declared in this file nor in the store", 2},
        {"name,label\na,A\na,A bis\n", "name",
         "variable a is already declared at row 2", 3},
        {"name,label\nTaux,T\n", "name", "'Taux' is not a variable name", 2},
    };
    double n = number(st, "SELECT count(*) FROM variable");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_error_clear(&err);
        const char *path = write_file("vars-bad.csv", bad[i].text);
        assert_int_equal(tob_variables_import(st, path, NULL, NULL, &err),
                         TOB_ERR_INPUT);
        assert_int_equal(err.row, bad[i].row);
        assert_string_equal(err.field, bad[i].field);
        assert_non_null(strstr(err.message, bad[i].message));
    }
    assert_true(number(st, "SELECT count(*) FROM variable") == n);
    tob_store_close(st);
}

/* The comparateur for the Nord: every commune matched; the other
 * départements' keys and Bermeries (merged in 2025) reported. */
static void test_import_join_diagnostics(void **state)
{
    (void)state;
    tob_store_t *st =
        store_with("ind-join.sqlite", 2154, "layers/communes-nord.layer");
    tob_indicators_options_t o = {
        .path = src("layers/data/indicateurs-communes.csv"), .year = 2021};
    tob_indicators_report_t rep;
    tob_error_t err;
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_rows, 1636);
    assert_int_equal(rep.n_columns, 6);
    assert_int_equal(rep.n_matched, 647);
    assert_int_equal(rep.n_values, 647 * 6);
    assert_int_equal(rep.n_unknown, 1636 - 647);
    assert_non_null(strstr(rep.unknown, "989: 02604, 59070"));
    /* The Nord's own old code (59070, merged into 59006) apart from the
     * other départements' keys. */
    assert_string_equal(rep.local_area, "59");
    assert_int_equal(rep.n_unknown_local, 1);
    assert_string_equal(rep.unknown_local, "1: 59070");
    assert_non_null(strstr(rep.unknown_other, "988: 02604"));
    assert_int_equal(rep.n_no_row, 0);
    assert_int_equal(rep.n_created, 0);
    assert_string_equal(rep.skipped, "1: commune");
    assert_string_equal(rep.encoding, "UTF-8");
    assert_true(number(st, "SELECT value FROM observation o JOIN territory t"
                           " ON t.id = o.territory WHERE t.code = '59350'"
                           " AND o.variable = 'population_2021'"
                           " AND o.year = 2021") == 236710);
    assert_true(number(st, "SELECT count(*) FROM source"
                           " WHERE kind = 'indicators' AND details LIKE"
                           " '%keys with no territory 989: 02604%'") == 1);
    /* --strict refuses the unknown keys, and writes nothing. */
    double n = number(st, "SELECT count(*) FROM source");
    o.strict = 1;
    assert_int_equal(import(st, &o, &rep, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message,
                           "keys with no commune in the store's own "
                           "area (59): 1: 59070; others: 988: "
                           "02604"));
    assert_true(number(st, "SELECT count(*) FROM source") == n);
    tob_store_close(st);
}

/* Bad files change nothing and say where; French cells read right. */
static void test_cells_and_errors(void **state)
{
    (void)state;
    tob_store_t *st =
        store_with("ind-cells.sqlite", 2154, "layers/communes-nord.layer");
    static const struct {
        const char *text, *field, *message;
        long long row;
    } bad[] = {
        {"insee_com,pop\n59350,1\n59009,2\n59350,3\n", "insee_com",
         "1 duplicate keys: 59350 (rows 2 and 4)", 0},
        {"insee_com,pop\n59350,1\n59009,n/a\n59178,3\n", "pop",
         "'n/a' is not a number", 3},
        {"insee_com,pop\n59350,1\n,2\n", "insee_com", "empty key", 3},
        {"insee_com,pop\n59350,1\n2A004,2\n", NULL, NULL, 0},
    };
    tob_indicators_options_t o = {.year = 2022};
    tob_indicators_report_t rep;
    tob_error_t err;
    double n = number(st, "SELECT count(*) FROM observation");
    for (size_t i = 0; i < 3; i++) {
        o.path = write_file("bad.csv", bad[i].text);
        assert_int_equal(import(st, &o, &rep, &err), TOB_ERR_INPUT);
        assert_int_equal(err.row, bad[i].row);
        assert_string_equal(err.field, bad[i].field);
        assert_non_null(strstr(err.message, bad[i].message));
    }
    assert_true(number(st, "SELECT count(*) FROM observation") == n);
    /* A well-formed key of another département is only unmatched. */
    o.path = write_file("corse.csv", bad[3].text);
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_string_equal(rep.unknown, "1: 2A004");
    /* Latin-1, ';', French numbers, an empty cell (missing, not 0). */
    o.path = write_file("latin1.csv", "code;M\xe9nages;Taux\n"
                                      "59350;126\xa0"
                                      "020;12,5\n"
                                      "59009;;-0,25\n");
    o.key = "code";
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_string_equal(rep.encoding, "Windows-1252");
    assert_int_equal(rep.n_values, 3);
    assert_int_equal(rep.n_blank, 1);
    assert_int_equal(rep.n_created, 2);
    assert_true(number(st, "SELECT sum(value) FROM observation"
                           " WHERE variable = 'menages'") == 126020);
    assert_true(number(st, "SELECT count(*) FROM observation WHERE"
                           " variable = 'menages' AND value IS NULL") == 1);
    assert_true(number(st, "SELECT sum(value) FROM observation"
                           " WHERE variable = 'taux'") == 12.25);
    tob_variable_t v;
    assert_int_equal(tob_variable_get(st, "menages", &v, &err), TOB_OK);
    assert_string_equal(v.label, "menages");
    assert_int_equal(v.aggregate, TOB_AGG_NONE);
    tob_store_close(st);
}

/* COG 2018 keys to 2026 communes: real merged communes summed, and the
 * fictitious Somme file's three-way merges, rates from their parts. */
static void test_cog_passage(void **state)
{
    (void)state;
    tob_store_t *st =
        store_with("ind-cog.sqlite", 2154, "layers/communes-nord.layer");
    load_layer(st, "layers/communes-somme.layer", 1);
    tob_indicators_options_t o = {
        .path = src("tests/data/indicateurs-cog2024-fusions-2025-2026.csv"),
        .year = 2021,
        .cog_from = 2018,
        .passage = src("layers/data/passage-2018-2026.csv")};
    tob_indicators_report_t rep;
    tob_error_t err;
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_merged, 2);
    assert_string_equal(rep.merged,
                        "2: 59006 (59006 + 59070), 80155 (80155 + 80830)");
    assert_int_equal(rep.n_mapped, 5);
    assert_int_equal(rep.n_unmappable, 0);
    assert_true(number(st, "SELECT value FROM observation o JOIN territory t"
                           " ON t.id = o.territory WHERE t.code = '59006'"
                           " AND o.variable = 'population_2021'") == 601);
    /* Rate of a merged commune: from its summed parts, on the fly. */
    tob_values_t *vals = NULL;
    tob_value_t v;
    assert_int_equal(tob_values_open(st, &vals, &err), TOB_OK);
    assert_int_equal(tob_values_get_code(vals, "taux_chomage", "commune",
                                         "80155", 0, &v, &err),
                     TOB_OK);
    assert_int_equal(v.origin, TOB_VALUE_RATIO);
    assert_int_equal(v.year, 2021);
    assert_true(fabs(v.value - 100.0 * (11 + 14) / (140 + 126)) < 1e-9);
    tob_values_close(vals);
    /* Undeclared variables do not merge: reported, left missing. */
    o.path = src("tests/data/fictif-indicateurs-somme-cog2018.csv");
    o.year = 2020;
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_merged, 4);
    assert_non_null(strstr(rep.unmappable, "80442 population (its "
                                           "aggregate is not sum"));
    o.strict = 1;
    assert_int_equal(import(st, &o, &rep, &err), TOB_ERR_INPUT);
    tob_store_close(st);
}

static tob_value_t value_of(tob_store_t *st, const char *var, const char *level,
                            const char *code, int year)
{
    tob_values_t *vals = NULL;
    tob_value_t v;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_values_open(st, &vals, &err), TOB_OK);
    assert_int_equal(
        tob_values_get_code(vals, var, level, code, year, &v, &err), TOB_OK);
    tob_values_close(vals);
    return v;
}

/* MEL's population and unemployment rate, summed here in SQL. */
static void mel_expected(tob_store_t *st, double *sum, double *rate)
{
    *sum = number(st, "SELECT sum(o.value) FROM observation o"
                      " JOIN territory t ON t.id = o.territory"
                      " WHERE t.parent_code = '200093201'"
                      " AND o.variable = 'population_2021'");
    *rate = 100 * number(st, "SELECT sum(CASE o.variable WHEN"
                             " 'pop_15_64_chomage_2021' THEN o.value"
                             " END) / sum(CASE o.variable WHEN"
                             " 'pop_15_64_active_2021' THEN o.value"
                             " END) FROM observation o JOIN territory t"
                             " ON t.id = o.territory"
                             " WHERE t.parent_code = '200093201'");
}

/* A store of the Nord's communes with the indicators imported, and MEL's
 * expected population and rate. */
static tob_store_t *mel_store(const char *name, tob_indicators_options_t *o,
                              double *sum, double *rate)
{
    tob_store_t *st = store_with(name, 2154, "layers/communes-nord.layer");
    *o = (tob_indicators_options_t){
        .path = src("layers/data/indicateurs-communes.csv"), .year = 2021};
    tob_indicators_report_t rep;
    tob_error_t err;
    assert_int_equal(import(st, o, &rep, &err), TOB_OK);
    mel_expected(st, sum, rate);
    return st;
}

/* On the fly and materialised agree; partly covered EPCIs get nothing;
 * a member without value removes an earlier aggregate; imported EPCI
 * values are kept. */
static void test_aggregate_and_values(void **state)
{
    (void)state;
    tob_indicators_options_t o;
    tob_indicators_report_t rep;
    tob_error_t err;
    double sum, rate;
    tob_store_t *st = mel_store("ind-agg.sqlite", &o, &sum, &rate);
    tob_value_t v = value_of(st, "population_2021", "epci", "200093201", 0);
    assert_true(v.origin == TOB_VALUE_AGGREGATED && v.value == sum &&
                v.n_parts == 95 && v.year == 2021);
    v = value_of(st, "taux_chomage", "epci", "200093201", 2021);
    assert_int_equal(v.origin, TOB_VALUE_RATIO);
    assert_true(fabs(v.value - rate) < 1e-9);
    tob_aggregate_options_t a = {.from_level = "commune", .to_level = "epci"};
    tob_aggregate_report_t ar;
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    assert_int_equal(ar.n_variables, 8);
    assert_int_equal(ar.n_partial, 1);
    assert_string_equal(ar.partial, "1: 245900758 (51 %)");
    v = value_of(st, "population_2021", "epci", "200093201", 2021);
    assert_int_equal(v.origin, TOB_VALUE_OBSERVED);
    assert_true(v.value == sum);
    v = value_of(st, "taux_chomage", "epci", "200093201", 2021);
    assert_true(v.origin == TOB_VALUE_OBSERVED && fabs(v.value - rate) < 1e-9);
    v = value_of(st, "population_2021", "epci", "245900758", 2021);
    assert_true(v.origin == TOB_VALUE_MISSING && v.coverage > 0.5 &&
                v.coverage < 0.52);
    /* Lille's population becomes missing: MEL's aggregate goes too. */
    o.path = write_file("lille.csv", "insee_com,population_2021\n59350,\n");
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    assert_true(ar.n_incomplete >= 1);
    assert_non_null(strstr(ar.incomplete, "200093201 (1 of 95 members)"));
    v = value_of(st, "population_2021", "epci", "200093201", 2021);
    assert_true(v.origin == TOB_VALUE_MISSING && v.n_missing == 1);
    /* An imported EPCI value is never overwritten by an aggregate. */
    o.path = write_file("mel.csv", "siren,population_2021\n200093201,42\n");
    o.level = "epci";
    o.key = "siren";
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    v = value_of(st, "population_2021", "epci", "200093201", 2021);
    assert_true(v.origin == TOB_VALUE_OBSERVED && v.value == 42);
    const char *names[] = {"nope", NULL};
    a.variables = names; /* an unknown variable asked by name */
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_ERR_NOTFOUND);
    tob_store_close(st);
}

/* The years aggregated are those observed at the --from level: a year
 * only an EPCI has is neither computed nor removed (aggregate.c's
 * YEARS_SQL finds them one index probe each). */
static void test_aggregate_years(void **state)
{
    (void)state;
    tob_indicators_options_t o;
    tob_indicators_report_t rep;
    tob_error_t err;
    double sum, rate;
    tob_store_t *st = mel_store("ind-years.sqlite", &o, &sum, &rate);
    const char *vars =
        write_file("vars-years.csv", "name,label,unit,aggregate\n"
                                     "menages,Ménages,ménages,sum\n");
    assert_int_equal(tob_variables_import(st, vars, NULL, NULL, &err), TOB_OK);
    static const int years[] = {2019, 2017, 2020};
    for (size_t i = 0; i < 3; i++) {
        o.year = years[i];
        o.path = write_file("menages.csv", "insee_com,menages\n59350,10\n");
        assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    }
    o.level = "epci";
    o.key = "siren";
    o.year = 2018;
    o.path = write_file("menages-epci.csv", "siren,menages\n200093201,7\n");
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    const char *names[] = {"menages", NULL};
    tob_aggregate_options_t a = {
        .from_level = "commune", .to_level = "epci", .variables = names};
    tob_aggregate_report_t ar;
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    assert_int_equal(ar.n_years, 3); /* 2017, 2019, 2020; not 2018 */
    tob_value_t v = value_of(st, "menages", "epci", "200093201", 2018);
    assert_true(v.origin == TOB_VALUE_OBSERVED && v.value == 7);
    tob_store_close(st);
}

/* The id table of the value reader's cache (values_cache.c): dense ids
 * in its array, sparse ones hashed, an id hashed first then in the
 * array's range, overwrites, and ids never put; against a plain list. */
static void test_idtab(void **state)
{
    (void)state;
    enum {
        N = 20000
    };
    static tob_id_t ids[N];
    static uint32_t vals[N];
    idtab_t t = {0};
    for (size_t i = 0; i < N; i++) {
        /* high ids first (hashed), then dense ones, then a few huge */
        ids[i] = i < 100      ? (tob_id_t)(300000 + 3 * i)
                 : i < N - 50 ? (tob_id_t)(i * 3 + 1)
                              : (tob_id_t)(1000000007LL * (i + 1));
        vals[i] = (uint32_t)(i * 13 + 5);
        assert_int_equal(idtab_put(&t, ids[i], vals[i]), 0);
    }
    assert_true(t.n_dense > N / 2 && t.n >= 150); /* both paths taken */
    for (size_t i = 0; i < N; i += 7) {           /* overwrites */
        vals[i] += 1;
        assert_int_equal(idtab_put(&t, ids[i], vals[i]), 0);
    }
    for (size_t i = 0; i < N; i++)
        assert_int_equal(idtab_get(&t, ids[i]), (long long)vals[i]);
    static const tob_id_t absent[] = {2, 3, 50001, 60000, 999999999999LL,
                                      0, -5};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        assert_int_equal(idtab_get(&t, absent[i]), -1);
    assert_int_equal(idtab_put(&t, 0, 1), -1);
    idtab_free(&t);
    assert_int_equal(idtab_get(&t, ids[200]), -1);
}

/* A remembering reader answers the values made from members as a fresh
 * reader does, and keeps them (the atlas's workers read one snapshot):
 * a change in the store shows only once it stops remembering. */
static void test_remembered_values(void **state)
{
    (void)state;
    tob_indicators_options_t o;
    tob_indicators_report_t rep;
    tob_error_t err;
    double sum, rate;
    tob_store_t *st = mel_store("ind-memo.sqlite", &o, &sum, &rate);
    tob_values_t *vals = NULL;
    assert_int_equal(tob_values_open(st, &vals, &err), TOB_OK);
    tob_values_remember(vals, 1);
    for (int pass = 0; pass < 2; pass++) { /* computed, then remembered */
        tob_value_t v;
        assert_int_equal(tob_values_get_code(vals, "population_2021", "epci",
                                             "200093201", 2021, &v, &err),
                         TOB_OK);
        assert_true(v.origin == TOB_VALUE_AGGREGATED && v.value == sum &&
                    v.n_parts == 95);
        assert_int_equal(tob_values_get_code(vals, "taux_chomage", "epci",
                                             "200093201", 2021, &v, &err),
                         TOB_OK);
        assert_true(v.origin == TOB_VALUE_RATIO && fabs(v.value - rate) < 1e-9);
    }
    o.path =
        write_file("lille-memo.csv", "insee_com,population_2021\n59350,\n");
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    tob_value_t v = value_of(st, "population_2021", "epci", "200093201", 2021);
    assert_int_equal(v.origin, TOB_VALUE_MISSING); /* a fresh reader */
    assert_int_equal(tob_values_get_code(vals, "population_2021", "epci",
                                         "200093201", 2021, &v, &err),
                     TOB_OK);
    assert_true(v.origin == TOB_VALUE_AGGREGATED && v.value == sum);
    tob_values_remember(vals, 0);
    assert_int_equal(tob_values_get_code(vals, "population_2021", "epci",
                                         "200093201", 2021, &v, &err),
                     TOB_OK);
    assert_true(v.origin == TOB_VALUE_MISSING && v.n_missing == 1);
    tob_values_close(vals);
    tob_store_close(st);
}

/* A remembering reader reads a level's observations whole once asked for
 * many (values_cache.c): every commune of the Nord and every EPCI reads
 * the same through it as through a reader asking row by row, a NULL
 * value (a commune emptied) and an EPCI whose sum it spoils included.
 * Twenty communes without any row make it read which territories are
 * parents (a commune is none: it answers without asking) while their
 * EPCIs, parents, still count the members they miss. */
static void test_level_read_whole(void **state)
{
    (void)state;
    tob_indicators_options_t o;
    tob_indicators_report_t rep;
    tob_error_t err;
    double sum, rate;
    tob_store_t *st = mel_store("ind-whole.sqlite", &o, &sum, &rate);
    o.path =
        write_file("lille-whole.csv", "insee_com,population_2021\n59350,\n");
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(
        tob_store_exec(st,
                       "DELETE FROM observation WHERE variable ="
                       " 'population_2021' AND territory IN (SELECT id FROM"
                       " territory WHERE level = 'commune' AND code <> '59350'"
                       " ORDER BY code LIMIT 20)",
                       &err),
        TOB_OK);
    tob_values_t *row = NULL, *whole = NULL;
    assert_int_equal(tob_values_open(st, &row, &err), TOB_OK);
    assert_int_equal(tob_values_open(st, &whole, &err), TOB_OK);
    tob_values_remember(whole, 1);
    const char *levels[] = {"commune", "epci"};
    size_t n_null = 0, n_read = 0;
    for (int l = 0; l < 2; l++) {
        tob_territory_map_t *map = NULL;
        assert_int_equal(tob_territory_map_load(st, levels[l], 0, &map, &err),
                         TOB_OK);
        for (size_t i = 0; i < tob_territory_map_size(map); i++) {
            tob_id_t id = tob_territory_map_at(map, i)->id;
            tob_value_t a, b;
            assert_int_equal(
                tob_values_get(row, "population_2021", id, 2021, &a, &err),
                TOB_OK);
            assert_int_equal(
                tob_values_get(whole, "population_2021", id, 2021, &b, &err),
                TOB_OK);
            assert_int_equal(a.origin, b.origin);
            assert_true(a.origin == TOB_VALUE_MISSING || a.value == b.value);
            assert_int_equal(a.n_missing, b.n_missing);
            assert_int_equal(a.n_parts, b.n_parts);
            assert_int_equal(a.n_expected, b.n_expected);
            n_null += a.origin == TOB_VALUE_MISSING;
            n_read++;
        }
        tob_territory_map_destroy(map);
    }
    /* Lille, the twenty and their EPCIs */
    assert_true(n_read > 647 && n_null >= 23);
    tob_values_close(row);
    tob_values_close(whole);
    tob_store_close(st);
}

/* The early whole reads give what row-by-row reads give: a reader told
 * it will read every commune (tob_values_read_whole) reads each variable
 * whole at its first ask, and one asked for the MEL first reads the
 * communes whole at the first of its 95 members (their number reaches
 * the level's threshold); a commune emptied (Lille, NULL) and one never
 * observed (no row) stay missing, and the MEL's sum is spoilt by Lille. */
static void test_level_read_early(void **state)
{
    (void)state;
    tob_indicators_options_t o;
    tob_indicators_report_t rep;
    tob_error_t err;
    double sum, rate;
    tob_store_t *st = mel_store("ind-early.sqlite", &o, &sum, &rate);
    o.path =
        write_file("lille-early.csv", "insee_com,population_2021\n59350,\n");
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    db_stmt_t *del = NULL;
    assert_int_equal(db_prepare(st,
                                "DELETE FROM observation WHERE variable ="
                                " 'menages_2021' AND territory = (SELECT id"
                                " FROM territory WHERE code = '59009' AND"
                                " level = 'commune')",
                                &del, NULL),
                     TOB_OK);
    assert_int_equal(db_step(del), DB_DONE);
    db_finalize(del);
    tob_values_t *row = NULL, *eager = NULL, *kids = NULL;
    assert_int_equal(tob_values_open(st, &row, &err), TOB_OK);
    assert_int_equal(tob_values_open(st, &eager, &err), TOB_OK);
    assert_int_equal(tob_values_open(st, &kids, &err), TOB_OK);
    tob_values_remember(eager, 1);
    tob_values_read_whole(eager, 1);
    tob_values_remember(kids, 1);
    tob_value_t a, b;
    /* The MEL first: its members read whole at the first. */
    assert_int_equal(tob_values_get_code(kids, "population_2021", "epci",
                                         "200093201", 2021, &b, &err),
                     TOB_OK);
    assert_true(b.origin == TOB_VALUE_MISSING && b.n_missing == 1);
    assert_int_equal(tob_values_get_code(kids, "menages_2021", "epci",
                                         "200093201", 2021, &b, &err),
                     TOB_OK);
    assert_true(b.origin == TOB_VALUE_MISSING && b.n_missing == 1);
    const char *vars[] = {"population_2021", "menages_2021"};
    tob_territory_map_t *map = NULL;
    assert_int_equal(tob_territory_map_load(st, "commune", 0, &map, &err),
                     TOB_OK);
    size_t n_missing = 0;
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < tob_territory_map_size(map); i++) {
            tob_id_t id = tob_territory_map_at(map, i)->id;
            tob_value_t c;
            assert_int_equal(tob_values_get(row, vars[k], id, 2021, &a, &err),
                             TOB_OK);
            assert_int_equal(tob_values_get(eager, vars[k], id, 2021, &b, &err),
                             TOB_OK);
            assert_int_equal(tob_values_get(kids, vars[k], id, 2021, &c, &err),
                             TOB_OK);
            assert_int_equal(a.origin, b.origin);
            assert_int_equal(a.origin, c.origin);
            assert_true(a.origin == TOB_VALUE_MISSING ||
                        (a.value == b.value && a.value == c.value));
            n_missing += a.origin == TOB_VALUE_MISSING;
        }
    tob_territory_map_destroy(map);
    assert_true(n_missing >= 2); /* Lille's NULL, 59009's absent row */
    tob_values_close(row);
    tob_values_close(eager);
    tob_values_close(kids);
    tob_store_close(st);
}

/* Martinique 2015: median income (MED) weighted by population (POP),
 * read from a GeoPackage layer, aggregated to the three EPCIs. */
static void test_weighted_mean(void **state)
{
    (void)state;
    tob_store_t *st =
        store_with("ind-mtq.sqlite", 5490, "layers/communes-martinique.layer");
    tob_error_t err;
    tob_error_clear(&err);
    const char *vars =
        write_file("vars-mtq.csv", "name,label,unit,aggregate,weight,year\n"
                                   "pop,Population 2015,habitants,sum,,2015\n"
                                   "med,Revenu médian 2015,€,weighted_mean,"
                                   "pop,2015\n");
    assert_int_equal(tob_variables_import(st, vars, NULL, NULL, &err), TOB_OK);
    const char *columns[] = {"MED", "POP", NULL};
    tob_indicators_options_t o = {.path = src("tests/data/mtq.gpkg"),
                                  .sheet = "points",
                                  .key = "INSEE_COM",
                                  .columns = columns};
    tob_indicators_report_t rep;
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_matched, 34);
    assert_string_equal(rep.columns, "med (2015), pop (2015)");
    tob_aggregate_options_t a = {.from_level = "commune", .to_level = "epci"};
    tob_aggregate_report_t ar;
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    /* Expected straight from the observations, per EPCI. */
    static const char *const epci[] = {"200041788", "249720053", "249720061"};
    for (size_t i = 0; i < 3; i++) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "SELECT sum(m.value * p.value) / sum(p.value)"
                 " FROM territory t JOIN observation m ON m.territory = t.id"
                 " AND m.variable = 'med' JOIN observation p"
                 " ON p.territory = t.id AND p.variable = 'pop'"
                 " WHERE t.parent_code = '%s'",
                 epci[i]);
        double expected = number(st, sql);
        tob_value_t v = value_of(st, "med", "epci", epci[i], 2015);
        assert_int_equal(v.origin, TOB_VALUE_OBSERVED);
        assert_true(fabs(v.value - expected) < 1e-6);
        assert_true(v.value > 10000 && v.value < 25000);
    }
    tob_store_close(st);
}

/* Occitanie QPV populations apportioned to communes by area share. */
/* QPV 2015 polygons over the communes they touch, overlaps related. */
static tob_store_t *occitanie_store(void)
{
    char path[4096];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(
        tob_store_create(tob_test_path(path, sizeof path, "ind-occ.sqlite"),
                         2154, 0, &st, &err),
        TOB_OK);
    tob_load_options_t l = {.level = "qpv",
                            .src = src("tests/data/qp.geojson"),
                            .code_field = "code_qp",
                            .name_field = "nom_qp",
                            .vintage = 2015};
    assert_int_equal(tob_load(st, &l, NULL, &err), TOB_OK);
    l.level = "commune";
    l.src = src("tests/data/communes-occitanie-qp-2018.geojson");
    l.code_field = "code";
    l.name_field = "nom";
    assert_int_equal(tob_load(st, &l, NULL, &err), TOB_OK);
    tob_overlap_options_t ov = {"qpv", "commune", 0, 0, 0.01};
    assert_int_equal(tob_relate_overlaps(st, &ov, NULL, &err), TOB_OK);
    return st;
}

/* Occitanie QPV populations apportioned to communes by area share. */
static void test_overlap_aggregation(void **state)
{
    (void)state;
    tob_store_t *st = occitanie_store();
    tob_error_t err;
    tob_error_clear(&err);
    const char *vars = write_file("vars-qp.csv", "name,label,aggregate\n"
                                                 "pop_mun,Population,sum\n");
    assert_int_equal(tob_variables_import(st, vars, NULL, NULL, &err), TOB_OK);
    const char *columns[] = {"pop_mun", NULL};
    tob_indicators_options_t o = {.path = src("tests/data/qp.csv"),
                                  .level = "qpv",
                                  .key = "code_qp",
                                  .year = 2015,
                                  .columns = columns};
    tob_indicators_report_t rep;
    assert_int_equal(import(st, &o, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_matched, 105);
    tob_aggregate_options_t a = {
        .from_level = "qpv", .to_level = "commune", .overlap = 1};
    tob_aggregate_report_t ar;
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_OK);
    assert_int_equal(ar.n_written, 49); /* communes with a QPV share */
    double expected = number(st, "SELECT sum(o.value * m.area_share)"
                                 " FROM membership m JOIN territory c"
                                 " ON c.id = m.parent JOIN observation o"
                                 " ON o.territory = m.child"
                                 " WHERE c.code = '65417'");
    tob_value_t v = value_of(st, "pop_mun", "commune", "65417", 2015);
    assert_true(v.origin == TOB_VALUE_OBSERVED && v.value == expected);
    assert_true(v.value > 0 && v.value < 400); /* 3.8 % of Tarbes Est */
    /* Means cannot be apportioned: refused by name. */
    const char *mean[] = {"pop_mun", NULL};
    assert_int_equal(
        tob_variables_import(st,
                             write_file("vars-qp2.csv",
                                        "name,label,aggregate\n"
                                        "pop_mun,Population,mean\n"),
                             NULL, NULL, &err),
        TOB_OK);
    a.variables = mean;
    assert_int_equal(tob_aggregate(st, &a, &ar, &err), TOB_ERR_INPUT);
    tob_store_close(st);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variables_file),
        cmocka_unit_test(test_import_join_diagnostics),
        cmocka_unit_test(test_cells_and_errors),
        cmocka_unit_test(test_cog_passage),
        cmocka_unit_test(test_aggregate_and_values),
        cmocka_unit_test(test_remembered_values),
        cmocka_unit_test(test_level_read_early),
        cmocka_unit_test(test_level_read_whole),
        cmocka_unit_test(test_aggregate_years),
        cmocka_unit_test(test_idtab),
        cmocka_unit_test(test_weighted_mean),
        cmocka_unit_test(test_overlap_aggregation),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return rc;
}
