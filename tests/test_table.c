/* test_table.c - table.h on real files: CSV (';' with French decimals,
 * BOM, Windows-1252, tab, quoted line breaks, 100,000-character cells),
 * XLSX and ODS made by tests/data/tables/make_fixtures.py, a GeoJSON
 * layer, and the header and row errors. */
#include "terrobs/cells.h"
#include "terrobs/table.h"

#include <cpl_error.h>
#include <gdal.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#define NBSP "\xC2\xA0"
#define DATA TOB_TEST_DATA "/tables/"

static tob_table_t *open_ok(const char *path, const char *layer)
{
    tob_table_options_t opts = {layer};
    tob_table_t *t = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_table_open(path, &opts, &t, &err) != TOB_OK) {
        char msg[2048];
        fail_msg("%s", tob_error_format(&err, msg, sizeof msg));
    }
    return t;
}

/* Reads the next row, which must exist and be at row number `row`. */
static void next_row(tob_table_t *t, long long row)
{
    int has_row = 0;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_table_next(t, &has_row, &err) != TOB_OK)
        fail_msg("row %lld: %s", row, err.message);
    assert_int_equal(has_row, 1);
    assert_int_equal(tob_table_row_number(t), row);
}

static void no_more_rows(tob_table_t *t)
{
    int has_row = 1;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_table_next(t, &has_row, &err), TOB_OK);
    assert_int_equal(has_row, 0);
}

static double number(const char *text)
{
    double v;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_cell_parse_number(text, &v, &err) != TOB_OK)
        fail_msg("%s", err.message);
    return v;
}

/* Writes text to $TOB_TMP/name; returns the path (static buffer). */
static const char *write_tmp(const char *name, const char *text, size_t n)
{
    static char path[1024];
    const char *tmp = getenv("TOB_TMP");
    if (tmp == NULL)
        tmp = "/tmp";
    mkdir(tmp, 0777);
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
    return path;
}

/* Opens path and expects code with a message containing want. */
static void open_fails(const char *path, const char *layer, tob_status_t code,
                       const char *want, long long row)
{
    tob_table_options_t opts = {layer};
    tob_table_t *t = (tob_table_t *)&opts; /* must become NULL */
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_table_open(path, &opts, &t, &err), code);
    assert_null(t);
    if (strstr(err.message, want) == NULL)
        fail_msg("%s: '%s' lacks '%s'", path, err.message, want);
    assert_non_null(strstr(err.source, path));
    assert_int_equal(err.row, row);
}

static void test_csv_semicolon_french(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "fr_semicolon.csv", NULL);
    assert_int_equal(tob_table_n_columns(t), 4);
    /* the ',' in the last name did not make GDAL's ',' guess */
    assert_string_equal(tob_table_column_name(t, 3), "taux (15-64 ans, %)");
    assert_null(tob_table_column_name(t, 4));
    assert_string_equal(tob_table_encoding(t), "UTF-8");
    assert_string_equal(tob_table_source(t), DATA "fr_semicolon.csv");
    assert_int_equal(tob_table_row_number(t), 0);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 0), "59350");
    assert_true(number(tob_table_cell(t, 2)) == 236234.0);
    assert_true(number(tob_table_cell(t, 3)) == 12.5);
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 0), "2A004");
    assert_string_equal(tob_table_cell(t, 2), "1" NBSP "234,5");
    assert_true(number(tob_table_cell(t, 2)) == 1234.5);
    assert_string_equal(tob_table_cell(t, 3), "");
    assert_true(isnan(number(tob_table_cell(t, 3)))); /* missing, not 0 */
    next_row(t, 5); /* row 4 is blank: skipped, still counted */
    assert_string_equal(tob_table_cell(t, 0), "01004");
    assert_string_equal(tob_table_cell(t, 1), "Ambérieu;\n\"en\" Bugey");
    assert_true(number(tob_table_cell(t, 2)) == -0.25);
    next_row(t, 6); /* a quoted line break is one spreadsheet row */
    assert_string_equal(tob_table_cell(t, 1), "Fort-de-France");
    assert_true(number(tob_table_cell(t, 3)) == 1234.5);
    assert_string_equal(tob_table_cell(t, 99), "");
    no_more_rows(t);
    no_more_rows(t);
    tob_table_close(t);
}

static void test_csv_bom_and_aliases(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "utf8_bom.csv", NULL);
    assert_string_equal(tob_table_column_name(t, 0), "code"); /* no BOM */
    const char *const code[] = {"Code INSEE", "CODE", NULL};
    assert_int_equal(tob_table_find_column(t, code), 0);
    const char *const nom[] = {"libellé", "Nom", NULL};
    assert_int_equal(tob_table_find_column(t, nom), 1);
    const char *const none[] = {"siren", NULL};
    assert_int_equal(tob_table_find_column(t, none), -1);
    const char *const empty[] = {NULL};
    assert_int_equal(tob_table_find_column(t, empty), -1);
    int n_rows = 0;
    int has_row = 1;
    tob_error_t err;
    tob_error_clear(&err);
    while (tob_table_next(t, &has_row, &err) == TOB_OK && has_row)
        n_rows++;
    assert_int_equal(n_rows, 3);
    tob_table_close(t);
}

static void test_csv_latin1(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "latin1.csv", NULL);
    assert_string_equal(tob_table_encoding(t), "Windows-1252");
    assert_int_equal(tob_table_n_columns(t), 3);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 1), "CA Amiens Métropole");
    assert_string_equal(tob_table_cell(t, 2), "Grand Amiénois");
    next_row(t, 3);
    /* œ and ’ are the bytes 0x9C and 0x92 of Windows-1252, not Latin-1 */
    assert_string_equal(tob_table_cell(t, 1), "CA Cœur d’Ostrevent");
    no_more_rows(t);
    tob_table_close(t);
}

static void test_csv_tab(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "tab.tsv", NULL);
    assert_int_equal(tob_table_n_columns(t), 3);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 2), "un; deux, trois");
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 1), "Villeneuve-d'Ascq");
    assert_string_equal(tob_table_cell(t, 2), "");
    no_more_rows(t);
    tob_table_close(t);
}

static void test_csv_comma_with_semicolons_in_data(void **state)
{
    (void)state;
    const char text[] = "code,nom\n59350,\"Lille; Nord\"\n59009,V;d;A\n";
    tob_table_t *t = open_ok(write_tmp("comma.csv", text, strlen(text)), NULL);
    assert_int_equal(tob_table_n_columns(t), 2);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 1), "Lille; Nord");
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 1), "V;d;A");
    tob_table_close(t);
}

static void test_csv_long_field(void **state)
{
    (void)state;
    size_t n_long = 100000;
    size_t size = n_long + 64;
    char *text = malloc(size);
    assert_non_null(text);
    size_t used = (size_t)snprintf(text, size, "code;texte\n1;\"");
    for (size_t i = 0; i < n_long; i++)
        text[used + i] = i % 1000 == 999 ? '\n' : i % 100 == 99 ? ';' : 'x';
    used += n_long;
    used += (size_t)snprintf(text + used, size - used, "\"\n2;fin\n");
    tob_table_t *t = open_ok(write_tmp("long.csv", text, used), NULL);
    next_row(t, 2);
    const char *cell = tob_table_cell(t, 1);
    assert_int_equal(strlen(cell), n_long);
    assert_memory_equal(cell, text + strlen("code;texte\n1;\""), n_long);
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 1), "fin");
    no_more_rows(t);
    tob_table_close(t);
    free(text);
}

static void test_csv_header_forms(void **state)
{
    (void)state;
    /* numbers as names stay the header (GDAL's HEADERS=AUTO would not) */
    const char years[] = "2019;2020\n1;2\n";
    tob_table_t *t =
        open_ok(write_tmp("years.csv", years, strlen(years)), NULL);
    assert_string_equal(tob_table_column_name(t, 0), "2019");
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 1), "2");
    tob_table_close(t);
    /* blank lines first, trailing separators, names trimmed */
    const char loose[] = "\n ; \n code ; nom ;\n1;2;\n3;4;;\n";
    t = open_ok(write_tmp("loose.csv", loose, strlen(loose)), NULL);
    assert_int_equal(tob_table_n_columns(t), 2);
    assert_string_equal(tob_table_column_name(t, 0), "code");
    assert_string_equal(tob_table_column_name(t, 1), "nom");
    next_row(t, 4);
    assert_string_equal(tob_table_cell(t, 0), "1");
    next_row(t, 5); /* empty cells beyond the header are fine */
    no_more_rows(t);
    tob_table_close(t);
}

static void test_csv_header_errors(void **state)
{
    (void)state;
    const char dup[] = "Code INSEE;nom;code_insee\n59350;Lille;59350\n";
    open_fails(write_tmp("dup.csv", dup, strlen(dup)), NULL, TOB_ERR_INPUT,
               "columns A ('Code INSEE') and C ('code_insee') have the "
               "same name",
               1);
    const char hole[] = "\ncode;;nom\n1;2;3\n";
    open_fails(write_tmp("hole.csv", hole, strlen(hole)), NULL, TOB_ERR_INPUT,
               "column B (number 2) has no name", 2);
    open_fails(write_tmp("empty.csv", "", 0), NULL, TOB_ERR_INPUT,
               "no header row", 0);
    open_fails(write_tmp("blank.csv", " \n\n", 3), NULL, TOB_ERR_INPUT,
               "no header row", 0);
    const char utf16[] = "\xFF\xFE"
                         "c\0o\0d\0e\0\n\0";
    open_fails(write_tmp("utf16.csv", utf16, sizeof utf16 - 1), NULL,
               TOB_ERR_INPUT, "UTF-16", 0);
    const char open_quote[] = "a;b\r\n1;2\r\n\r\n3;\"ouvert\r\n4;5\r\n";
    open_fails(write_tmp("quote.csv", open_quote, strlen(open_quote)), NULL,
               TOB_ERR_INPUT, "a quote '\"' opened in this row is never closed",
               4);
    open_fails(DATA "fr_semicolon.csv", "Feuille1", TOB_ERR_ARG,
               "no sheet 'Feuille1'", 0);
}

static void test_csv_row_errors(void **state)
{
    (void)state;
    const char extra[] = "a;b\n1;2\n3;4;5\n";
    tob_table_t *t =
        open_ok(write_tmp("extra.csv", extra, strlen(extra)), NULL);
    next_row(t, 2);
    int has_row = 1;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_table_next(t, &has_row, &err), TOB_ERR_INPUT);
    assert_int_equal(has_row, 0);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.message,
                        "row has 3 cells but the header names only 2 "
                        "columns");
    assert_non_null(strstr(err.source, "extra.csv"));
    assert_string_equal(tob_table_cell(t, 0), ""); /* nothing half-read */
    tob_table_close(t);
}

static void test_xlsx(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "indicateurs.xlsx", NULL);
    assert_string_equal(tob_table_source(t),
                        DATA "indicateurs.xlsx [Indicateurs]");
    assert_int_equal(tob_table_n_columns(t), 7);
    assert_string_equal(tob_table_column_name(t, 4), "date_maj");
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 0), "59350");
    assert_string_equal(tob_table_cell(t, 2), "236234");
    assert_true(number(tob_table_cell(t, 3)) == 12.5);
    assert_string_equal(tob_table_cell(t, 4), "2026/11/22");
    int y, m, d;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        tob_cell_parse_date(tob_table_cell(t, 4), &y, &m, &d, &err), TOB_OK);
    assert_true(y == 2026 && m == 11 && d == 22);
    assert_string_equal(tob_table_cell(t, 5), "472468"); /* saved result */
    assert_string_equal(tob_table_cell(t, 6), "12");     /* HYPERLINK */
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 0), "2A004");
    assert_true(number(tob_table_cell(t, 2)) == 1234.5);
    assert_string_equal(tob_table_cell(t, 3), "");
    assert_string_equal(tob_table_cell(t, 4), "2024/02/29");
    next_row(t, 4);
    assert_string_equal(tob_table_cell(t, 0), "01004"); /* text cell */
    assert_string_equal(tob_table_cell(t, 1), "Ambérieu-en-Bugey");
    assert_true(number(tob_table_cell(t, 2)) == -0.25);
    assert_true(number(tob_table_cell(t, 3)) == 0.1);
    no_more_rows(t);
    tob_table_close(t);
}

static void test_ods(void **state)
{
    (void)state;
    tob_table_t *t = open_ok(DATA "indicateurs.ods", NULL);
    assert_string_equal(tob_table_source(t),
                        DATA "indicateurs.ods [Indicateurs]");
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 0), "59350");
    assert_string_equal(tob_table_cell(t, 3), "12.5");
    assert_string_equal(tob_table_cell(t, 4), "2026-11-22");
    assert_string_equal(tob_table_cell(t, 5), "472468");
    assert_string_equal(tob_table_cell(t, 6), "12");
    next_row(t, 3);
    assert_string_equal(tob_table_cell(t, 0), "2A004");
    assert_string_equal(tob_table_cell(t, 2), "1234.5");
    assert_string_equal(tob_table_cell(t, 3), "");
    next_row(t, 4);
    assert_string_equal(tob_table_cell(t, 0), "01004");
    no_more_rows(t);
    tob_table_close(t);
}

static void test_sheets_by_name(void **state)
{
    (void)state;
    const char *files[] = {DATA "indicateurs.xlsx", DATA "indicateurs.ods"};
    for (size_t i = 0; i < 2; i++) {
        /* an all-text sheet still has its first row as header */
        tob_table_t *t = open_ok(files[i], "Notes");
        assert_int_equal(tob_table_n_columns(t), 1);
        assert_string_equal(tob_table_column_name(t, 0), "note");
        next_row(t, 2);
        no_more_rows(t);
        tob_table_close(t);
        open_fails(files[i], "Trous", TOB_ERR_INPUT,
                   "column B (number 2) has no name", 1);
        open_fails(files[i], "Feuil1", TOB_ERR_NOTFOUND,
                   "no sheet or layer 'Feuil1' (there is: Indicateurs, "
                   "Notes, Trous)",
                   0);
    }
}

static void test_formulas_without_result(void **state)
{
    (void)state;
    /* ODS: what GDAL computes is right (true row references)... */
    tob_table_t *t = open_ok(DATA "formules_sans_valeur.ods", NULL);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 1), "42");
    /* ...and what it cannot compute is an error, not a text value */
    int has_row = 1;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_table_next(t, &has_row, &err), TOB_ERR_INPUT);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.field, "double");
    assert_non_null(strstr(err.message, "'=HYPERLINK("));
    assert_non_null(strstr(err.message, "has no saved result"));
    tob_table_close(t);
    /* XLSX: GDAL reads a formula without a saved result as empty, be it
     * computable or not (documented in table.h; Excel and LibreOffice
     * always save results) */
    const char *sheets[] = {"Formules", "Lien"};
    for (size_t i = 0; i < 2; i++) {
        t = open_ok(DATA "formules_sans_valeur.xlsx", sheets[i]);
        next_row(t, 2);
        assert_string_equal(tob_table_cell(t, 0), "21");
        assert_string_equal(tob_table_cell(t, 1), "");
        tob_table_close(t);
    }
}

static void test_gdal_stopping_early_is_an_error(void **state)
{
    (void)state;
    /* GDAL gives 0 rows here and says why only through CPLError */
    open_fails(DATA "lignes_repetees.ods", NULL, TOB_ERR_GDAL,
               "GDAL could not read all of the file: Invalid value for "
               "number-rows-repeated = 100000",
               0);
}

static void test_ogr_layer(void **state)
{
    (void)state;
    const char json[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"geometry\":null,\"properties\":"
        "{\"code\":\"2A004\",\"pop\":1234.5,\"nom\":\"Ajaccio\"}},"
        "{\"type\":\"Feature\",\"geometry\":null,\"properties\":"
        "{\"code\":\"01004\",\"pop\":null,\"nom\":\"Ambérieu\"}}]}";
    tob_table_t *t =
        open_ok(write_tmp("layer.geojson", json, strlen(json)), NULL);
    assert_int_equal(tob_table_n_columns(t), 3);
    assert_string_equal(tob_table_column_name(t, 1), "pop");
    next_row(t, 1); /* a layer counts features */
    assert_string_equal(tob_table_cell(t, 0), "2A004");
    assert_true(number(tob_table_cell(t, 1)) == 1234.5);
    next_row(t, 2);
    assert_string_equal(tob_table_cell(t, 0), "01004");
    assert_string_equal(tob_table_cell(t, 1), "");
    no_more_rows(t);
    tob_table_close(t);
}

static int n_gdal_messages;

static void count_messages(CPLErr level, CPLErrorNum num, const char *msg)
{
    (void)level;
    (void)num;
    (void)msg;
    n_gdal_messages++;
}

static void test_errors_quiet_and_named(void **state)
{
    (void)state;
    /* our own handler sees nothing of what GDAL says inside, and is
     * back in place afterwards: every path pops what it pushed */
    CPLPushErrorHandler(count_messages);
    n_gdal_messages = 0;
    open_fails(DATA "absent.csv", NULL, TOB_ERR_NOTFOUND, "no such file", 0);
    open_fails(DATA "absent.ods", NULL, TOB_ERR_NOTFOUND, "no such file", 0);
    const char junk[] = "\x01\x02 not a table \x03";
    open_fails(write_tmp("junk.bin", junk, sizeof junk), NULL, TOB_ERR_GDAL, "",
               0);
    open_fails(DATA "formules_sans_valeur.ods", "x", TOB_ERR_NOTFOUND,
               "no sheet or layer 'x'", 0);
    tob_table_t *t = open_ok(DATA "formules_sans_valeur.ods", NULL);
    tob_table_close(t);
    assert_int_equal(n_gdal_messages, 0);
    CPLError(CE_Warning, CPLE_AppDefined, "still ours");
    assert_int_equal(n_gdal_messages, 1);
    CPLPopErrorHandler();
    tob_table_close(NULL);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_semicolon_french),
        cmocka_unit_test(test_csv_bom_and_aliases),
        cmocka_unit_test(test_csv_latin1),
        cmocka_unit_test(test_csv_tab),
        cmocka_unit_test(test_csv_comma_with_semicolons_in_data),
        cmocka_unit_test(test_csv_long_field),
        cmocka_unit_test(test_csv_header_forms),
        cmocka_unit_test(test_csv_header_errors),
        cmocka_unit_test(test_csv_row_errors),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_ods),
        cmocka_unit_test(test_sheets_by_name),
        cmocka_unit_test(test_formulas_without_result),
        cmocka_unit_test(test_gdal_stopping_early_is_an_error),
        cmocka_unit_test(test_ogr_layer),
        cmocka_unit_test(test_errors_quiet_and_named),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return failed;
}
