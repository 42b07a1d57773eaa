/* test_programme.c - contracts, projects and GUP: vocabulary, imports
 * (errors with row and column, nothing written on failure), projects
 * placed in territories, follow-up reports and their CSV form. Real
 * SpatiaLite store, real Calais communes and EPCI from layers/. */
#include "testutil.h"

#include "store/db.h"
#include "terrobs/followup.h"
#include "terrobs/load.h"
#include "terrobs/programme.h"
#include "terrobs/projects.h"
#include "terrobs/report.h"

#include <gdal.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_vocabulary(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    const char *key = NULL;
    assert_int_equal(tob_vocab_match(TOB_VOCAB_STATUS, "Engagée", &key, &err),
                     TOB_OK);
    assert_string_equal(key, "engage");
    assert_int_equal(tob_vocab_match(TOB_VOCAB_STATUS, " REALISE ", &key, &err),
                     TOB_OK);
    assert_string_equal(key, "realise");
    assert_int_equal(tob_vocab_match(TOB_VOCAB_VOLET,
                                     "Cadre de vie / espaces publics", &key,
                                     &err),
                     TOB_OK);
    assert_string_equal(key, "cadre_de_vie");
    assert_int_equal(tob_vocab_match(TOB_VOCAB_CONTRACT_KIND,
                                     "Convention NPNRU", &key, &err),
                     TOB_OK);
    assert_string_equal(key, "npnru");
    assert_int_equal(tob_vocab_match(TOB_VOCAB_STATUS, "fini", &key, &err),
                     TOB_ERR_INPUT);
    assert_null(key);
    assert_string_equal(err.message, "'fini' is not a status (Prévu, Engagé, "
                                     "Réalisé, Abandonné)");
    assert_string_equal(
        tob_vocab_label(TOB_VOCAB_VOLET, "tranquillite_publique"),
        "Tranquillité publique");
    assert_null(tob_vocab_key(TOB_VOCAB_VOLET, 6));
}

static void test_report_forms(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    tob_report_t *r = NULL;
    assert_int_equal(tob_report_create("Titre", &r, &err), TOB_OK);
    static const char *const headers[] = {"Nom", "Nombre", "Coût", "Date"};
    tob_report_table(r, "Table", 4, headers);
    tob_report_row(r);
    tob_report_text(r, "=1+2");
    tob_report_int(r, 12345);
    tob_report_money(r, 1234567.4);
    tob_report_date(r, "2026-11-22");
    assert_int_equal(tob_report_n_tables(r), 1);
    assert_string_equal(tob_report_cell(r, 0, 0, 1), "12\xc2\xa0"
                                                     "345");
    assert_string_equal(tob_report_cell(r, 0, 0, 2), "1\xc2\xa0"
                                                     "234\xc2\xa0"
                                                     "567\xc2\xa0\xe2\x82\xac");
    assert_string_equal(tob_report_cell(r, 0, 0, 3), "22/11/2026");
    char path[4096];
    tob_test_path(path, sizeof path, "report.csv");
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    assert_int_equal(tob_report_write(r, TOB_REPORT_CSV, f, &err), TOB_OK);
    rewind(f);
    char text[512] = "";
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    /* Formula neutralised, numbers plain, date French. */
    assert_non_null(strstr(text, "'=1+2;12345;1234567;22/11/2026\n"));
    /* A cell after the row's last column is refused. */
    assert_int_equal(tob_report_text(r, "too many"), TOB_ERR_ARG);
    tob_report_destroy(r);
}

/* A Calais store: its 14 communes and their EPCI. */
static tob_store_t *calais_store(const char *name)
{
    char path[4096], layer[4096];
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    tob_test_path(path, sizeof path, name);
    assert_int_equal(tob_store_create(path, 2154, 1, &st, &err), TOB_OK);
    const char *const layers[] = {"layers/communes-calais.layer",
                                  "layers/epci.layer"};
    for (size_t i = 0; i < 2; i++) {
        tob_layerdef_t *def = NULL;
        tob_test_src(layer, sizeof layer, layers[i]);
        assert_int_equal(tob_layerdef_read(layer, &def, &err), TOB_OK);
        tob_load_options_t *o = tob_layerdef_options(def);
        if (i == 1)
            o->where = "siren_epci = '200090751'";
        tob_load_report_t rep;
        assert_int_equal(tob_load(st, o, &rep, &err), TOB_OK);
        tob_layerdef_destroy(def);
    }
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

static long long count(tob_store_t *st, const char *sql)
{
    db_stmt_t *q = NULL;
    assert_int_equal(db_prepare(st, sql, &q, NULL), TOB_OK);
    assert_int_equal(db_step(q), DB_ROW);
    long long v = db_column_int64(q, 0);
    db_finalize(q);
    return v;
}

static tob_status_t import(tob_store_t *st, tob_programme_kind_t kind,
                           const char *path, tob_error_t *err)
{
    tob_programme_import_options_t o = {.path = path, .year = 2026};
    tob_error_clear(err);
    return tob_programme_import(st, kind, &o, NULL, err);
}

static void import_contract(tob_store_t *st)
{
    tob_error_t err;
    const char *path = write_file(
        "contrat.csv", "code_contrat;type;intitule;niveau;code_territoire\n"
                       "CV-CAL;contrat de ville;Contrat de ville de "
                       "Calais;epci;200090751\n");
    assert_int_equal(import(st, TOB_PROG_CONTRACTS, path, &err), TOB_OK);
}

/* Calais by code, a point in Marck, no location (at the EPCI), and one
 * abandoned. */
static const char projects_csv[] =
    "Code contrat;Code projet;Intitulé;Commune;Longitude;Latitude;"
    "Coût total;Statut;financement:État\n"
    "CV-CAL;P1;Un;62193;;;1000;engagé;400\n"
    "CV-CAL;P2;Deux;;1,9530;50,9490;2000;réalisé;\n"
    "CV-CAL;P3;Trois;;;;500;prévu;\n"
    "CV-CAL;P4;Quatre;62193;;;300;abandonné;\n";

static void test_projects_per_territory(void **state)
{
    (void)state;
    tob_error_t err;
    tob_store_t *st = calais_store("placing.sqlite");
    import_contract(st);
    const char *path = write_file("projets.csv", projects_csv);
    assert_int_equal(import(st, TOB_PROG_PROJECTS, path, &err), TOB_OK);
    tob_project_totals_t t, none;
    assert_int_equal(
        tob_projects_in_territory(st, "commune", "62193", NULL, &t, &err),
        TOB_OK);
    assert_int_equal(t.n_projects, 1);
    assert_int_equal(t.n_abandoned, 1);
    assert_true(fabs(t.total_cost - 1000) < 1e-9);
    assert_int_equal(
        tob_projects_in_territory(st, "commune", "62548", NULL, &t, &err),
        TOB_OK);
    assert_int_equal(t.n_engaged, 1); /* the point in Marck */
    assert_int_equal(t.n_done, 1);
    tob_project_totals_t *rows = NULL;
    size_t n = 0;
    assert_int_equal(tob_projects_by_territory(st, "commune", "CV-CAL", &rows,
                                               &n, &none, &err),
                     TOB_OK);
    assert_int_equal(n, 14);
    assert_int_equal(none.n_projects, 1); /* P3, at the EPCI only */
    free(rows);
    assert_int_equal(
        tob_projects_in_territory(st, "epci", "200090751", NULL, &t, &err),
        TOB_OK);
    assert_int_equal(t.n_projects, 3);
    assert_int_equal(t.n_engaged, 2);
    assert_true(fabs(t.engaged_cost - 3000) < 1e-9);
    assert_int_equal(count(st, "SELECT value FROM observation o JOIN"
                               " territory t ON t.id = o.territory"
                               " WHERE t.code = '200090751' AND"
                               " o.variable = 'projets_nombre'"),
                     3);
    assert_int_equal(
        tob_projects_by_territory(st, "canton", NULL, &rows, &n, NULL, &err),
        TOB_ERR_NOTFOUND);
    assert_null(rows);
    tob_store_close(st);
}

static void test_errors_name_row_and_column(void **state)
{
    (void)state;
    tob_error_t err;
    tob_store_t *st = calais_store("errors.sqlite");
    import_contract(st);
    const char *path =
        write_file("bad.csv", "Code contrat;Code projet;Intitulé;"
                              "Commune;Coût total;Statut\n"
                              "CV-CAL;P1;Un;62193;1000;engagé\n"
                              "CV-CAL;P2;Deux;62193;1 000;fini\n");
    long long before = count(st, "SELECT count(*) FROM source");
    assert_int_equal(import(st, TOB_PROG_PROJECTS, path, &err), TOB_ERR_INPUT);
    assert_int_equal(err.row, 3);
    assert_string_equal(err.field, "Statut");
    assert_int_equal(count(st, "SELECT count(*) FROM project"), 0);
    assert_int_equal(count(st, "SELECT count(*) FROM source"), before);
    path = write_file("late.csv", "Code site;Date;Volet;Statut\n");
    assert_int_equal(import(st, TOB_PROG_GUP_REPORTS, path, &err),
                     TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "no row to import"));
    /* The same contract twice: refused, then updated with replace. */
    path = write_file("again.csv",
                      "code_contrat;type;intitule;niveau;code_territoire\n"
                      "CV-CAL;autre;Nouveau nom;commune;62193\n");
    assert_int_equal(import(st, TOB_PROG_CONTRACTS, path, &err),
                     TOB_ERR_EXISTS);
    tob_programme_import_options_t o = {.path = path, .replace = 1};
    assert_int_equal(
        tob_programme_import(st, TOB_PROG_CONTRACTS, &o, NULL, &err), TOB_OK);
    assert_int_equal(count(st, "SELECT count(*) FROM contract WHERE name ="
                               " 'Nouveau nom' AND kind = 'autre'"),
                     1);
    tob_store_close(st);
}

static void test_contract_followup(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = calais_store("followup.sqlite");
    import_contract(st);
    const char *path = write_file("projets.csv", projects_csv);
    assert_int_equal(import(st, TOB_PROG_PROJECTS, path, &err), TOB_OK);
    tob_report_t *r = NULL;
    tob_date_t ref = {2026, 1, 1};
    /* From the commune of Calais the EPCI's contract is not "inside". */
    assert_int_equal(
        tob_followup_contracts(st, "commune", "62193", ref, &r, &err),
        TOB_ERR_NOTFOUND);
    tob_error_clear(&err);
    assert_int_equal(
        tob_followup_contracts(st, "epci", "200090751", ref, &r, &err), TOB_OK);
    assert_string_equal(tob_report_paragraph_at(r, 2),
                        "2 projets engagés sur 4 (50,0\xc2\xa0%), dont 1 "
                        "réalisé ; 1 abandonné.");
    /* No phase has a date: a line says so, no table of empty dates. */
    assert_string_equal(tob_report_paragraph_at(r, 5),
                        "Phases : aucune date enregistrée.");
    /* Status table first: Engagé row, then the funding table's État line. */
    assert_string_equal(tob_report_table_title(r, 0), "Projets par statut");
    assert_string_equal(tob_report_cell(r, 0, 1, 1), "1");
    assert_string_equal(tob_report_cell(r, 2, 0, 0), "État");
    assert_string_equal(tob_report_cell(r, 2, 0, 1), "400\xc2\xa0\xe2\x82\xac");
    tob_report_destroy(r);
    tob_store_close(st);
}

static void test_template(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    char path[4096];
    tob_test_path(path, sizeof path, "template.csv");
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    assert_int_equal(tob_programme_template_csv(TOB_PROG_PROJECTS, f, &err),
                     TOB_OK);
    rewind(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "Code contrat;Code projet;"));
    assert_non_null(strstr(line, ";financement:État;"));
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, TOB_PROG_EXAMPLE_NOTE));
    fclose(f);
    tob_programme_kind_t kind;
    assert_int_equal(tob_programme_kind_parse("contrats", &kind, &err),
                     TOB_ERR_ARG);
    tob_error_clear(&err);
    assert_int_equal(
        tob_programme_template_write(TOB_PROG_PROJECTS, "x.txt", &err),
        TOB_ERR_ARG);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabulary),
        cmocka_unit_test(test_report_forms),
        cmocka_unit_test(test_projects_per_territory),
        cmocka_unit_test(test_errors_name_row_and_column),
        cmocka_unit_test(test_contract_followup),
        cmocka_unit_test(test_template),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return rc;
}
