/* test_export.c - exports reopened with GDAL and compared with the store:
 * counts, values, types, CRS, metadata; formula neutralisation; atomic
 * writes that refuse to overwrite. Four real Martinique communes. */
#include "testutil.h"

#include "store/db.h"
#include "terrobs/export.h"
#include "terrobs/load.h"
#include "terrobs/store.h"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static tob_store_t *store;

/* cmocka 1.1 has no assert_double_equal. */
#define assert_near(got, want, tol)                                            \
    do {                                                                       \
        double got_ = (got), want_ = (want);                                   \
        if (!(fabs(got_ - want_) <= (tol)))                                    \
            fail_msg("%.17g != %.17g", got_, want_);                           \
    } while (0)

/* Values the tests check against: some formula-like names, a negative
 * value, missing years. */
static const char fixture_sql[] =
    "INSERT INTO source (kind, path, n_items, checksum, loaded_at,"
    " terrobs_version) VALUES ('indicators', '/home/obs/indicateurs.csv',"
    " 10, 'feedbeef', '2026-11-20T09:30:00Z', '0.1.0');"
    "INSERT INTO variable (name, label, unit, source, aggregate, decimals)"
    " VALUES ('population', 'Population municipale', 'habitants',"
    " 'Insee RP', 'sum', 0), ('solde', '@Solde migratoire', 'personnes',"
    " 'Insee', 'sum', 0), ('taux_chomage', 'Taux de chômage', '%',"
    " '=Insee', 'ratio', 1);"
    "UPDATE variable SET numerator = 'chomeurs', denominator = 'actifs'"
    " WHERE name = 'taux_chomage';"
    "INSERT INTO observation (territory, variable, year, value, source_id)"
    " SELECT id, 'population', 2021, 10000 + id, 2 FROM territory;"
    "INSERT INTO observation (territory, variable, year, value, source_id)"
    " SELECT id, 'population', 2015, 9000 + id, 2 FROM territory"
    " WHERE code IN ('97209', '97213');"
    "INSERT INTO observation (territory, variable, year, value, source_id)"
    " SELECT id, 'taux_chomage', 2021, 12.25 + id / 8.0, 2 FROM territory;"
    "INSERT INTO observation (territory, variable, year, value, source_id)"
    " SELECT id, 'solde', 2021, -150 * id, 2 FROM territory;"
    "UPDATE territory SET name = '=HYPERLINK(\"http://x\")'"
    " WHERE code = '97213';"
    "UPDATE territory SET name = 'of:=1+1' WHERE code = '97224';";

static int setup(void **state)
{
    (void)state;
    char path[4096], src[4096];
    tob_test_path(path, sizeof path, "export.sqlite");
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    tob_error_t err;
    tob_error_clear(&err);
    GDALAllRegister();
    if (tob_store_create(path, 5490, 1, &store, &err) != TOB_OK)
        return -1;
    tob_load_options_t o = {.level = "commune",
                            .src = src,
                            .code_field = "code",
                            .name_field = "nom",
                            .vintage = 2026};
    tob_load_report_t rep;
    if (tob_load(store, &o, &rep, &err) != TOB_OK ||
        tob_store_exec(store, fixture_sql, &err) != TOB_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tob_store_close(store);
    return 0;
}

static tob_status_t export_to(const char *name, tob_export_options_t *o,
                              tob_export_summary_t *sum, tob_error_t *err,
                              char *path, size_t size)
{
    tob_test_path(path, size, name);
    static const char *const sidecars[] = {"metadonnees", "variables",
                                           "sources"};
    for (size_t i = 0; i < 3 && strstr(name, ".csv") != NULL; i++) {
        char side[4200];
        snprintf(side, sizeof side, "%.*s-%s.csv", (int)(strlen(path) - 4),
                 path, sidecars[i]);
        unlink(side);
    }
    o->level = o->level != NULL ? o->level : "commune";
    o->date = "2026-11-22";
    tob_error_clear(err);
    return tob_export(store, path, o, sum, err);
}

static double store_value(const char *code, const char *variable, int year)
{
    db_stmt_t *stmt = NULL;
    assert_int_equal(
        db_prepare(store,
                   "SELECT o.value FROM observation o JOIN territory"
                   " t ON t.id = o.territory WHERE t.code = ? AND"
                   " o.variable = ? AND o.year = ?",
                   &stmt, NULL),
        TOB_OK);
    db_bind_text_static(stmt, 1, code);
    db_bind_text_static(stmt, 2, variable);
    db_bind_int(stmt, 3, year);
    double v = db_step(stmt) == DB_ROW ? db_column_double(stmt, 0) : NAN;
    db_finalize(stmt);
    return v;
}

static GDALDatasetH open_vector(const char *path)
{
    /* CSV: an empty cell is a missing value, as we wrote it. */
    static const char *const oo[] = {"EMPTY_STRING_AS_NULL=YES", NULL};
    const char *ext = strrchr(path, '.');
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
                                 strcmp(ext, ".csv") == 0 ? oo : NULL, NULL);
    assert_non_null(ds);
    return ds;
}

/* The feature of code in layer, owned by the caller. */
static OGRFeatureH by_code(OGRLayerH layer, const char *code)
{
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        if (strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "code")),
                   code) == 0)
            return f;
        OGR_F_Destroy(f);
    }
    fail_msg("no feature with code %s", code);
    return NULL;
}

/* The value of key in a metadonnees table. */
static const char *meta_value(GDALDatasetH ds, const char *key, char *buf,
                              size_t size)
{
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "metadonnees");
    assert_non_null(layer);
    OGRFeatureH f;
    buf[0] = '\0';
    OGR_L_ResetReading(layer);
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        if (strcmp(OGR_F_GetFieldAsString(f, 0), key) == 0)
            snprintf(buf, size, "%s", OGR_F_GetFieldAsString(f, 1));
        OGR_F_Destroy(f);
    }
    return buf;
}

static const char *const codes[] = {"97209", "97213", "97224", "97229"};

/* Every indicator cell of layer equals the store's value (or is NULL
 * where the store has none); rounded: at the variable's declared decimals
 * (spreadsheets and CSV; taux_chomage has 1, the counts 0). */
static void assert_values_match(OGRLayerH layer, int rounded)
{
    static const struct {
        const char *column, *variable;
        int year;
    } cols[] = {{"population_2015", "population", 2015},
                {"population_2021", "population", 2021},
                {"solde_2021", "solde", 2021},
                {"taux_chomage_2021", "taux_chomage", 2021}};
    for (size_t i = 0; i < 4; i++) {
        OGRFeatureH f = by_code(layer, codes[i]);
        for (size_t c = 0; c < 4; c++) {
            int field = OGR_F_GetFieldIndex(f, cols[c].column);
            assert_true(field >= 0);
            double want = store_value(codes[i], cols[c].variable, cols[c].year);
            if (rounded && strcmp(cols[c].variable, "taux_chomage") == 0)
                want = round(want * 10) / 10;
            if (isnan(want)) {
                assert_false(OGR_F_IsFieldSetAndNotNull(f, field));
            } else {
                assert_true(OGR_F_IsFieldSetAndNotNull(f, field));
                assert_near(OGR_F_GetFieldAsDouble(f, field), want, 1e-9);
            }
        }
        OGR_F_Destroy(f);
    }
}

static void test_gpkg_matches_store(void **state)
{
    (void)state;
    char path[4096], buf[256];
    tob_export_options_t o = {0};
    tob_export_summary_t sum;
    tob_error_t err;
    assert_int_equal(
        export_to("communes.gpkg", &o, &sum, &err, path, sizeof path), TOB_OK);
    assert_int_equal(sum.n_territories, 4);
    assert_int_equal(sum.n_columns, 4);
    assert_int_equal(sum.n_missing, 2); /* population_2015 of two */
    GDALDatasetH ds = open_vector(path);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "commune");
    assert_non_null(layer);
    assert_int_equal(OGR_L_GetFeatureCount(layer, TRUE), 4);
    assert_int_equal(wkbFlatten(OGR_L_GetGeomType(layer)), wkbMultiPolygon);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "5490");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int pop = OGR_FD_GetFieldIndex(defn, "population_2021");
    int rate = OGR_FD_GetFieldIndex(defn, "taux_chomage_2021");
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, pop)),
                     OFTInteger64);
    assert_int_equal(OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, rate)), OFTReal);
    assert_values_match(layer, 0);
    /* Geometry: the store's, to the millimetre of area. */
    OGRFeatureH f = by_code(layer, "97209");
    double area = OGR_G_Area(OGR_F_GetGeometryRef(f));
    assert_string_equal(OGR_F_GetFieldAsString(f, 1), "Fort-de-France");
    OGR_F_Destroy(f);
    db_stmt_t *stmt = NULL;
    assert_int_equal(db_prepare(store,
                                "SELECT ST_Area(geom) FROM territory"
                                " WHERE code = '97209'",
                                &stmt, NULL),
                     TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    assert_near(area, db_column_double(stmt, 0), 1e-3);
    db_finalize(stmt);
    /* GeoPackage text is data, not a spreadsheet: kept as is. */
    f = by_code(layer, "97213");
    assert_string_equal(OGR_F_GetFieldAsString(f, 1),
                        "=HYPERLINK(\"http://x\")");
    OGR_F_Destroy(f);
    assert_string_equal(meta_value(ds, "licence", buf, sizeof buf),
                        "Licence Ouverte / Etalab 2.0");
    assert_string_equal(meta_value(ds, "date_export", buf, sizeof buf),
                        "22/11/2026");
    assert_non_null(
        strstr(meta_value(ds, "systeme_de_coordonnees", buf, sizeof buf),
               "EPSG:5490"));
    GDALClose(ds);
}

/* variables and sources tables: definitions and provenance with SHA-256. */
static void test_metadata_tables(void **state)
{
    (void)state;
    char path[4096];
    tob_export_options_t o = {0};
    tob_export_summary_t sum;
    tob_error_t err;
    assert_int_equal(export_to("meta.gpkg", &o, &sum, &err, path, sizeof path),
                     TOB_OK);
    assert_int_equal(sum.n_sources, 2);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH vars = GDALDatasetGetLayerByName(ds, "variables");
    assert_non_null(vars);
    assert_int_equal(OGR_L_GetFeatureCount(vars, TRUE), 3);
    OGRFeatureH f = OGR_L_GetNextFeature(vars);
    assert_string_equal(OGR_F_GetFieldAsString(f, 0), "population");
    assert_string_equal(OGR_F_GetFieldAsString(f, 1), "Population municipale");
    assert_string_equal(OGR_F_GetFieldAsString(f, 2), "habitants");
    assert_string_equal(OGR_F_GetFieldAsString(f, 4), "somme");
    /* 4 values in 2021, 2 in 2015; the other cells are missing. */
    assert_string_equal(OGR_F_GetFieldAsString(f, 5), "observée (6)");
    assert_string_equal(OGR_F_GetFieldAsString(f, 7),
                        "population_2015, population_2021");
    OGR_F_Destroy(f);
    OGR_F_Destroy(OGR_L_GetNextFeature(vars));
    f = OGR_L_GetNextFeature(vars);
    assert_string_equal(OGR_F_GetFieldAsString(f, 4),
                        "ratio chomeurs / actifs");
    OGR_F_Destroy(f);
    OGRLayerH sources = GDALDatasetGetLayerByName(ds, "sources");
    assert_non_null(sources);
    assert_int_equal(OGR_L_GetFeatureCount(sources, TRUE), 2);
    f = OGR_L_GetNextFeature(sources); /* the boundaries */
    assert_string_equal(OGR_F_GetFieldAsString(f, 2), "martinique-4.geojson");
    char sha[65];
    char src[4096];
    tob_test_src(src, sizeof src, "tests/data/load/martinique-4.geojson");
    assert_int_equal(tob_file_sha256(src, sha, &err), TOB_OK);
    assert_string_equal(OGR_F_GetFieldAsString(f, 7), sha);
    OGR_F_Destroy(f);
    f = OGR_L_GetNextFeature(sources); /* the indicators */
    assert_string_equal(OGR_F_GetFieldAsString(f, 2), "indicateurs.csv");
    int y, m, d, h, mi, tz;
    float s;
    assert_true(OGR_F_GetFieldAsDateTimeEx(f, 8, &y, &m, &d, &h, &mi, &s, &tz));
    assert_int_equal(y * 10000 + m * 100 + d, 20261120);
    OGR_F_Destroy(f);
    GDALClose(ds);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *text = calloc(1, 1 << 16);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 16) - 1, fp);
    fclose(fp);
    text[n] = '\0';
    return text;
}

static void test_csv_french(void **state)
{
    (void)state;
    char path[4096], side[4200];
    tob_export_options_t o = {0};
    tob_export_summary_t sum;
    tob_error_t err;
    assert_int_equal(
        export_to("communes.csv", &o, &sum, &err, path, sizeof path), TOB_OK);
    assert_int_equal(sum.n_files, 4);
    char *text = slurp(path);
    /* A BOM for Excel, ';' between columns, decimal commas, no '.' in
     * numbers; negative numbers are not touched, formulas are. */
    assert_memory_equal(text,
                        "\xEF\xBB\xBF"
                        "code;nom;millesime;",
                        21);
    assert_non_null(strstr(text, "97209;Fort-de-France;2026;;"));
    assert_non_null(strstr(text, ";-150;"));
    /* 12.375 % at its declared decimal: 12,4 */
    assert_non_null(strstr(text, "\"12,4\""));
    assert_null(strstr(text, "12,375"));
    assert_null(strstr(text, "12.4"));
    assert_non_null(strstr(text, ";\"'=HYPERLINK(\"\"http://x\"\")\";"));
    assert_non_null(strstr(text, ";'of:=1+1;"));
    free(text);
    snprintf(side, sizeof side, "%.*s-variables.csv", (int)(strlen(path) - 4),
             path);
    text = slurp(side);
    /* A label starting with '@' and a source starting with '=' are
     * neutralised in metadata too. */
    assert_non_null(strstr(text, ";'@Solde migratoire;"));
    assert_non_null(strstr(text, ";'=Insee;"));
    free(text);
    snprintf(side, sizeof side, "%.*s-metadonnees.csv", (int)(strlen(path) - 4),
             path);
    text = slurp(side);
    assert_non_null(strstr(text, "date_export;22/11/2026\n"));
    assert_non_null(strstr(text, "licence;Licence Ouverte / Etalab 2.0\n"));
    free(text);
    /* GDAL reads it back: 4 rows, the same values. */
    GDALDatasetH ds = open_vector(path);
    OGRLayerH layer = GDALDatasetGetLayer(ds, 0);
    assert_int_equal(OGR_L_GetFeatureCount(layer, TRUE), 4);
    OGRFeatureH f = by_code(layer, "97229");
    assert_string_equal(
        OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "population_2021")),
        "10004");
    OGR_F_Destroy(f);
    GDALClose(ds);
}

static void test_csv_locale_c(void **state)
{
    (void)state;
    char path[4096];
    tob_export_options_t o = {.locale_c = 1};
    tob_export_summary_t sum;
    tob_error_t err;
    assert_int_equal(
        export_to("communes-c.csv", &o, &sum, &err, path, sizeof path), TOB_OK);
    char *text = slurp(path);
    assert_memory_equal(text, "code,nom,millesime,", 19); /* no BOM */
    assert_non_null(strstr(text, ",12.4\n"));
    assert_non_null(strstr(text, ",-150,"));
    free(text);
    GDALDatasetH ds = open_vector(path);
    assert_values_match(GDALDatasetGetLayer(ds, 0), 1);
    GDALClose(ds);
}

/* Text of a member of a zip (ODS, XLSX), through /vsizip/. */
static char *zip_member(const char *path, const char *member)
{
    char name[4400];
    snprintf(name, sizeof name, "/vsizip/%s/%s", path, member);
    VSILFILE *fp = VSIFOpenL(name, "rb");
    assert_non_null(fp);
    char *text = calloc(1, 1 << 20);
    assert_non_null(text);
    size_t n = VSIFReadL(text, 1, (1 << 20) - 1, fp);
    VSIFCloseL(fp);
    text[n] = '\0';
    return text;
}

static void check_spreadsheet(const char *name)
{
    char path[4096], buf[256];
    tob_export_options_t o = {0};
    tob_export_summary_t sum;
    tob_error_t err;
    assert_int_equal(export_to(name, &o, &sum, &err, path, sizeof path),
                     TOB_OK);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "commune");
    assert_non_null(layer);
    assert_int_equal(OGR_L_GetFeatureCount(layer, TRUE), 4);
    /* Numeric cells: GDAL reads the columns back as numbers. */
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    const char *numeric[] = {"population_2021", "solde_2021",
                             "taux_chomage_2021", "superficie_km2"};
    for (size_t i = 0; i < 4; i++) {
        int idx = OGR_FD_GetFieldIndex(defn, numeric[i]);
        assert_true(idx >= 0);
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, idx));
        assert_true(t == OFTInteger || t == OFTInteger64 || t == OFTReal);
    }
    assert_values_match(layer, 1);
    OGRFeatureH f = by_code(layer, "97213");
    assert_string_equal(OGR_F_GetFieldAsString(f, 1),
                        "'=HYPERLINK(\"http://x\")");
    OGR_F_Destroy(f);
    f = by_code(layer, "97224");
    assert_string_equal(OGR_F_GetFieldAsString(f, 1), "'of:=1+1");
    OGR_F_Destroy(f);
    assert_string_equal(meta_value(ds, "licence", buf, sizeof buf),
                        "Licence Ouverte / Etalab 2.0");
    assert_non_null(GDALDatasetGetLayerByName(ds, "variables"));
    assert_non_null(GDALDatasetGetLayerByName(ds, "sources"));
    GDALClose(ds);
}

static void test_ods_typed_and_defused(void **state)
{
    (void)state;
    check_spreadsheet("communes.ods");
    char path[4096];
    snprintf(path, sizeof path, "%s/communes.ods", getenv("TOB_TMP"));
    char *xml = zip_member(path, "content.xml");
    /* GDAL's ODS writer makes "of:=" text a live formula: none is left. */
    assert_null(strstr(xml, "table:formula"));
    assert_non_null(strstr(xml, "office:value-type=\"float\" "
                                "office:value=\"-150\""));
    free(xml);
}

static void test_xlsx_typed_and_defused(void **state)
{
    (void)state;
    check_spreadsheet("communes.xlsx");
    char path[4096];
    snprintf(path, sizeof path, "%s/communes.xlsx", getenv("TOB_TMP"));
    char *xml = zip_member(path, "xl/worksheets/sheet1.xml");
    assert_null(strstr(xml, "<f>"));
    assert_non_null(strstr(xml, "<v>-150</v>"));
    free(xml);
}

static void test_formula_like(void **state)
{
    (void)state;
    const char *risky[] = {
        "=1+1", "+33 1 23 45 67 89", "-2", "@SUM(A1)", "\tx", "\rx", "of:=1+1"};
    const char *safe[] = {"",    "Fort-de-France", "97209", "2A004", "Of:=1",
                          " =1", "l'Île"};
    for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++)
        assert_true(tob_export_is_formula_like(risky[i]));
    for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
        assert_false(tob_export_is_formula_like(safe[i]));
    assert_false(tob_export_is_formula_like(NULL));
    char buf[8];
    assert_string_equal(tob_export_defuse("=1+1", buf, sizeof buf), "'=1+1");
    assert_string_equal(tob_export_defuse("abc", buf, sizeof buf), "abc");
    assert_null(tob_export_defuse("=123456", buf, sizeof buf));
    assert_string_equal(buf, "");
}

static int has_temp_files(void)
{
    DIR *dir = opendir(getenv("TOB_TMP"));
    assert_non_null(dir);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(dir)) != NULL)
        found |= strstr(e->d_name, ".tmp") != NULL;
    closedir(dir);
    return found;
}

static void test_refuses_overwrite(void **state)
{
    (void)state;
    char path[4096];
    tob_export_options_t o = {0};
    tob_error_t err;
    tob_test_path(path, sizeof path, "kept.gpkg");
    FILE *fp = fopen(path, "w");
    fputs("partner's own file", fp);
    fclose(fp);
    o.level = "commune";
    tob_error_clear(&err);
    assert_int_equal(tob_export(store, path, &o, NULL, &err), TOB_ERR_EXISTS);
    assert_string_equal(err.source, path);
    char *text = slurp(path);
    assert_string_equal(text, "partner's own file");
    free(text);
    /* CSV: a sidecar in the way is enough to refuse, and nothing is
     * written. */
    char csv[4096], side[4200];
    tob_test_path(csv, sizeof csv, "kept.csv");
    snprintf(side, sizeof side, "%s/kept-sources.csv", getenv("TOB_TMP"));
    fp = fopen(side, "w");
    fclose(fp);
    tob_error_clear(&err);
    assert_int_equal(tob_export(store, csv, &o, NULL, &err), TOB_ERR_EXISTS);
    assert_int_equal(access(csv, F_OK), -1);
    /* --force replaces, atomically: no temporary file is left. */
    o.force = 1;
    tob_error_clear(&err);
    assert_int_equal(tob_export(store, path, &o, NULL, &err), TOB_OK);
    GDALDatasetH ds = open_vector(path);
    GDALClose(ds);
    assert_false(has_temp_files());
}

static void test_errors_write_nothing(void **state)
{
    (void)state;
    char path[4096];
    tob_error_t err;
    tob_export_options_t o = {0};
    const char *unknown[] = {"population", "emplois"};
    o.variables = unknown;
    o.n_variables = 2;
    assert_int_equal(export_to("bad.gpkg", &o, NULL, &err, path, sizeof path),
                     TOB_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "no variable 'emplois'"));
    assert_non_null(strstr(err.message, "population, solde, taux_chomage"));
    const char *solde[] = {"solde"};
    o.variables = solde;
    o.n_variables = 1;
    o.year = 2015;
    assert_int_equal(export_to("bad.gpkg", &o, NULL, &err, path, sizeof path),
                     TOB_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "'solde' has no value in 2015"));
    assert_non_null(strstr(err.message, "years with data: 2021"));
    tob_export_options_t lv = {.level = "epci"};
    assert_int_equal(export_to("bad.gpkg", &lv, NULL, &err, path, sizeof path),
                     TOB_ERR_NOTFOUND);
    assert_non_null(
        strstr(err.message, "no level 'epci' in the store (levels: commune)"));
    tob_export_options_t vt = {.vintage = 2019};
    assert_int_equal(export_to("bad.gpkg", &vt, NULL, &err, path, sizeof path),
                     TOB_ERR_NOTFOUND);
    assert_non_null(strstr(err.message, "(vintages: 2026)"));
    tob_export_options_t ext = {0};
    assert_int_equal(export_to("bad.shp", &ext, NULL, &err, path, sizeof path),
                     TOB_ERR_ARG);
    assert_int_equal(access(path, F_OK), -1);
    tob_test_path(path, sizeof path, "bad.gpkg");
    assert_int_equal(access(path, F_OK), -1);
    assert_false(has_temp_files());
}

/* --variables picks and orders the columns; --year keeps one year. */
static void test_variables_and_year(void **state)
{
    (void)state;
    char path[4096];
    tob_error_t err;
    tob_export_summary_t sum;
    const char *names[] = {"taux_chomage", "population"};
    tob_export_options_t o = {
        .variables = names, .n_variables = 2, .year = 2021};
    assert_int_equal(export_to("pick.gpkg", &o, &sum, &err, path, sizeof path),
                     TOB_OK);
    assert_int_equal(sum.n_columns, 2);
    assert_int_equal(sum.n_missing, 0);
    GDALDatasetH ds = open_vector(path);
    OGRFeatureDefnH defn =
        OGR_L_GetLayerDefn(GDALDatasetGetLayerByName(ds, "commune"));
    assert_int_equal(OGR_FD_GetFieldCount(defn), 7);
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, 5)),
                        "taux_chomage_2021");
    assert_string_equal(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, 6)),
                        "population_2021");
    GDALClose(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gpkg_matches_store),
        cmocka_unit_test(test_metadata_tables),
        cmocka_unit_test(test_csv_french),
        cmocka_unit_test(test_csv_locale_c),
        cmocka_unit_test(test_ods_typed_and_defused),
        cmocka_unit_test(test_xlsx_typed_and_defused),
        cmocka_unit_test(test_formula_like),
        cmocka_unit_test(test_refuses_overwrite),
        cmocka_unit_test(test_errors_write_nothing),
        cmocka_unit_test(test_variables_and_year),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
