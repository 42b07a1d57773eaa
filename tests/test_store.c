/* test_store.c - creating, opening and refusing stores; levels; sources. */
#include "testutil.h"

#include "store/db.h"
#include "terrobs/store.h"

#include <gdal.h>

#include <pthread.h>

#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static long long query_int(tob_store_t *st, const char *sql)
{
    db_stmt_t *stmt = NULL;
    assert_int_equal(db_prepare(st, sql, &stmt, NULL), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    long long v = db_column_int64(stmt, 0);
    db_finalize(stmt);
    return v;
}

static void test_create_and_reopen(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "create.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, 5490, 0, &st, &err), TOB_OK);
    assert_int_equal(tob_store_srid(st), 5490);
    assert_int_equal(query_int(st, "PRAGMA user_version"),
                     TOB_STORE_SCHEMA_VERSION);
    assert_int_equal(query_int(st, "SELECT count(*) FROM geometry_columns"
                                   " WHERE f_table_name = 'territory'"
                                   " AND srid = 5490"),
                     1);
    tob_store_close(st);
    /* No temp file left behind. */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%.*s.tmp.sqlite", (int)strlen(path) - 7, path);
    assert_int_equal(access(tmp, F_OK), -1);
    assert_int_equal(tob_store_open(path, TOB_STORE_READ, &st, &err), TOB_OK);
    assert_int_equal(tob_store_srid(st), 5490);
    tob_store_close(st);
}

static void test_refuses_overwrite_unless_force(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "force.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, 2154, 0, &st, &err), TOB_OK);
    tob_store_close(st);
    assert_int_equal(tob_store_create(path, 2154, 0, &st, &err),
                     TOB_ERR_EXISTS);
    assert_null(st);
    assert_non_null(strstr(err.message, "--force"));
    tob_error_clear(&err);
    assert_int_equal(tob_store_create(path, 2154, 1, &st, &err), TOB_OK);
    tob_store_close(st);
}

static void test_refuses_geographic_crs(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "geo.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, 4326, 0, &st, &err), TOB_ERR_ARG);
    assert_non_null(strstr(err.message, "not a projected CRS"));
    assert_int_equal(access(path, F_OK), -1);
    tob_error_clear(&err);
    assert_int_equal(tob_store_create(path, 999999, 0, &st, &err), TOB_ERR_ARG);
}

static void test_refuses_foreign_and_newer_files(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "foreign.sqlite");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE x(a)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_open(path, TOB_STORE_READ, &st, &err),
                     TOB_ERR_STORE);
    assert_non_null(strstr(err.message, "not a terrobs store"));
    assert_string_equal(err.source, path);

    tob_test_path(path, sizeof path, "newer.sqlite");
    tob_error_clear(&err);
    assert_int_equal(tob_store_create(path, 2154, 0, &st, &err), TOB_OK);
    assert_int_equal(tob_store_exec(st, "PRAGMA user_version = 99", &err),
                     TOB_OK);
    tob_store_close(st);
    tob_error_clear(&err);
    assert_int_equal(tob_store_open(path, TOB_STORE_WRITE, &st, &err),
                     TOB_ERR_STORE);
    assert_non_null(strstr(err.message, "newer than this terrobs reads"));

    tob_error_clear(&err);
    tob_test_path(path, sizeof path, "absent.sqlite");
    assert_int_equal(tob_store_open(path, TOB_STORE_READ, &st, &err),
                     TOB_ERR_NOTFOUND);
}

static void test_level_names(void **state)
{
    (void)state;
    tob_error_t err;
    const char *good[] = {"commune", "epci", "scot", "zone_pacte", "iris2"};
    const char *bad[] = {"",
                         "Commune",
                         "1zone",
                         "a-b",
                         "territory",
                         "idx_x",
                         "gup_site",
                         "x\"; DROP TABLE territory;--",
                         "abcdefghijabcdefghijabcdefghijabc"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        tob_error_clear(&err);
        assert_int_equal(tob_store_check_level_name(good[i], &err), TOB_OK);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_error_clear(&err);
        assert_int_equal(tob_store_check_level_name(bad[i], &err), TOB_ERR_ARG);
    }
}

static void test_level_view_and_source(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "level.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    assert_int_equal(tob_store_create(path, 2154, 0, &st, &err), TOB_OK);
    assert_int_equal(tob_store_begin(st, &err), TOB_OK);
    assert_int_equal(tob_store_ensure_level(st, "epci", NULL, 1, &err), TOB_OK);
    /* A second call is a no-op. */
    assert_int_equal(tob_store_ensure_level(st, "epci", NULL, 1, &err), TOB_OK);
    tob_source_record_t rec = {"boundaries", "x.geojson", "x",  "epci",
                               2026,         3,           NULL, "test"};
    tob_id_t id = 0;
    assert_int_equal(tob_store_add_source(st, &rec, &id, &err), TOB_OK);
    assert_true(id > 0);
    assert_int_equal(tob_store_commit(st, &err), TOB_OK);
    assert_int_equal(tob_store_has_level(st, "epci"), 1);
    assert_int_equal(query_int(st, "SELECT count(*) FROM views_geometry_columns"
                                   " WHERE view_name = 'epci'"),
                     1);
    assert_int_equal(query_int(st, "SELECT count(*) FROM level"
                                   " WHERE name = 'epci' AND label = 'EPCI'"),
                     1);
    tob_store_close(st);
}

static void test_sha256(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "abc.txt");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs("abc", fp);
    fclose(fp);
    char hex[65];
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_file_sha256(path, hex, &err), TOB_OK);
    /* FIPS 180-2 test vector for "abc". */
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
}

typedef struct foreign_use {
    tob_store_t *st;
    tob_status_t status;
    int null_stmt;
    char message[TOB_ERROR_MESSAGE_MAX];
} foreign_use_t;

static void *prepare_elsewhere(void *arg)
{
    foreign_use_t *u = arg;
    tob_error_t err;
    tob_error_clear(&err);
    db_stmt_t *stmt = (db_stmt_t *)&err; /* not NULL before */
    u->status = db_prepare(u->st, "SELECT 1", &stmt, &err);
    u->null_stmt = stmt == NULL;
    snprintf(u->message, sizeof u->message, "%s", err.message);
    return NULL;
}

/* A connection serves the thread that opened it: another thread's
 * statement is refused, not run on it (on PostgreSQL two threads on one
 * socket hung a site's worker), and the owner's work goes on. */
static void test_refuses_foreign_thread(void **state)
{
    (void)state;
    char path[4096];
    tob_test_path(path, sizeof path, "thread.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    foreign_use_t u = {0};
    assert_int_equal(tob_store_create(path, 2154, 1, &u.st, &err), TOB_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, prepare_elsewhere, &u), 0);
    pthread_join(t, NULL);
    assert_int_equal(u.status, TOB_ERR_STORE);
    assert_true(u.null_stmt);
    assert_non_null(strstr(u.message, "a thread that did not open it"));
    assert_int_equal(query_int(u.st, "SELECT 41 + 1"), 42);
    tob_store_close(u.st);
}

int main(void)
{
    GDALAllRegister();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_and_reopen),
        cmocka_unit_test(test_refuses_overwrite_unless_force),
        cmocka_unit_test(test_refuses_geographic_crs),
        cmocka_unit_test(test_refuses_foreign_and_newer_files),
        cmocka_unit_test(test_level_names),
        cmocka_unit_test(test_level_view_and_source),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_refuses_foreign_thread),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    GDALDestroyDriverManager();
    return rc;
}
