/* store.c - create, open and check a SpatiaLite observatory store. */
#include "terrobs/store.h"

#include "base/afile.h"
#include "db.h"
#include "db_pg_internal.h"
#include "db_sqlite_internal.h"
#include "store_internal.h"
#include "store_schema.h"
#include "terrobs/version.h"

#include <cpl_vsi.h>
#include <glib.h>
#include <ogr_srs_api.h>
#include <spatialite.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static tob_status_t sqlite_fail(sqlite3 *db, const char *doing,
                                tob_error_t *err)
{
    return tob_error_lib(err, TOB_ERR_SQLITE, sqlite3_extended_errcode(db),
                         "%s: %s", doing, sqlite3_errmsg(db));
}

static tob_status_t exec_db(sqlite3 *db, const char *sql, const char *doing,
                            tob_error_t *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return sqlite_fail(db, doing, err);
    return TOB_OK;
}

static tob_status_t exec_pg(tob_store_t *st, const char *sql, const char *doing,
                            tob_error_t *err)
{
    char *text = dialect_sql(DIALECT_PG, st->srid, sql, NULL);
    if (text == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int rc = pg_exec(st, text);
    free(text);
    return rc == 0 ? TOB_OK : db_fail(st, doing, err);
}

tob_status_t tob_store_exec(tob_store_t *st, const char *sql, tob_error_t *err)
{
    if (db_in_transaction(st))
        test_hook_write();
    if (st->engine == DIALECT_PG)
        return exec_pg(st, sql, "running SQL", err);
    if (dialect_needs(DIALECT_SQLITE, sql)) {
        char *text = dialect_sql(DIALECT_SQLITE, st->srid, sql, NULL);
        if (text == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        tob_status_t s = exec_db(st->db, text, "running SQL", err);
        free(text);
        return s;
    }
    return exec_db(st->db, sql, "running SQL", err);
}

/* PostgreSQL: writers of one observatory take turns (a transaction-level
 * advisory lock on the schema's name), as SQLite's BEGIN IMMEDIATE makes
 * them; readers are never held (MVCC). */
static tob_status_t begin_pg(tob_store_t *st, tob_error_t *err)
{
    tob_status_t s = exec_pg(st,
                             "BEGIN; SELECT pg_advisory_xact_lock("
                             "hashtext('terrobs.' || current_schema()))",
                             "locking the store", err);
    if (s != TOB_OK)
        tob_error_at(err, st->path, 0, NULL);
    return s;
}

tob_status_t tob_store_begin(tob_store_t *st, tob_error_t *err)
{
    st->pg_analyzed = 0;
    if (st->engine == DIALECT_PG)
        return begin_pg(st, err);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
        SQLITE_OK) {
        tob_status_t s = sqlite_fail(st->db, "locking the store", err);
        tob_error_at(err, st->path, 0, NULL);
        return s;
    }
    return TOB_OK;
}

/* The tables readers scan most, vacuumed after a large write. */
static const char *const VACUUMED[] = {"observation", "territory",
                                       "membership"};
#define N_VACUUMED (sizeof VACUUMED / sizeof VACUUMED[0])

void store_note_analyzed(tob_store_t *st, const char *table)
{
    for (size_t i = 0; i < N_VACUUMED; i++)
        if (strcmp(table, VACUUMED[i]) == 0)
            st->pg_analyzed |= 1u << i;
}

/* Rows this transaction wrote into each of the VACUUMED tables (n[i]);
 * returns their sum. */
static long long pg_rows_written(tob_store_t *st, long long n[N_VACUUMED])
{
    db_stmt_t *stmt = NULL;
    long long sum = 0;
    memset(n, 0, N_VACUUMED * sizeof n[0]);
    if (db_prepare(st,
                   "SELECT relname::text, n_tup_ins + n_tup_upd + n_tup_del"
                   " FROM pg_stat_xact_user_tables"
                   " WHERE schemaname = current_schema()"
                   " AND relname IN ('observation', 'territory', 'membership')",
                   &stmt, NULL) != TOB_OK)
        return 0;
    while (db_step(stmt) == DB_ROW)
        for (size_t i = 0; i < N_VACUUMED; i++)
            if (strcmp(db_column_str(stmt, 0), VACUUMED[i]) == 0) {
                n[i] = db_column_int64(stmt, 1);
                sum += n[i];
            }
    db_finalize(stmt);
    return sum;
}

/* The VACUUM after a large write, of the tables it wrote, not analyzing
 * again those a bulk write analyzed in the transaction (that ANALYZE left
 * out the geometries, costly to sample, on purpose). */
static void pg_vacuum(tob_store_t *st, const long long n[N_VACUUMED])
{
    char again[128] = "", analyze[128] = "";
    for (size_t i = 0; i < N_VACUUMED; i++) {
        char *list = st->pg_analyzed & (1u << i) ? again : analyze;
        size_t used = strlen(list);
        if (n[i] > 0)
            snprintf(list + used, sizeof again - used, "%s%s",
                     used > 0 ? ", " : "", VACUUMED[i]);
    }
    /* One statement each: VACUUMs in one query string would make one
     * implicit transaction, where VACUUM cannot run. */
    char sql[192];
    if (analyze[0] != '\0') {
        snprintf(sql, sizeof sql, "VACUUM (ANALYZE, SKIP_LOCKED) %s", analyze);
        pg_exec(st, sql);
    }
    if (again[0] != '\0') {
        snprintf(sql, sizeof sql, "VACUUM (SKIP_LOCKED) %s", again);
        pg_exec(st, sql);
    }
}

/* After a large write on PostgreSQL, VACUUM sets the visibility map (an
 * index-only scan then reads a level's values from the index alone) and
 * ANALYZE the planner's counts, now rather than when autovacuum comes by.
 * Outside the transaction, as VACUUM must be; SKIP_LOCKED leaves a table
 * another session vacuums. Its failure changes nothing stored. */
#define PG_VACUUM_ROWS 10000

tob_status_t tob_store_commit(tob_store_t *st, tob_error_t *err)
{
    test_hook_commit(0);
    long long n[N_VACUUMED];
    long long written = st->engine == DIALECT_PG ? pg_rows_written(st, n) : 0;
    tob_status_t s = st->engine == DIALECT_PG
                         ? exec_pg(st, "COMMIT", "committing", err)
                         : exec_db(st->db, "COMMIT", "committing", err);
    if (s == TOB_OK)
        test_hook_commit(1);
    if (s == TOB_OK && written >= PG_VACUUM_ROWS)
        pg_vacuum(st, n);
    st->pg_analyzed = 0;
    return s;
}

void tob_store_rollback(tob_store_t *st)
{
    if (st != NULL && st->engine == DIALECT_PG) {
        if (pg_in_transaction(st))
            pg_exec(st, "ROLLBACK");
        return;
    }
    if (st != NULL && !sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3 *db_sqlite(tob_store_t *st)
{
    return st->db;
}

int tob_store_srid(const tob_store_t *st)
{
    return st->srid;
}

const char *tob_store_path(const tob_store_t *st)
{
    return st->path;
}

const char *tob_store_name(const tob_store_t *st)
{
    if (st->name != NULL)
        return st->name;
    const char *slash = strrchr(st->path, '/');
    return slash != NULL ? slash + 1 : st->path;
}

int tob_store_is_pg(const tob_store_t *st)
{
    return st->engine == DIALECT_PG;
}

void tob_store_close(tob_store_t *st)
{
    if (st == NULL)
        return;
    if (st->engine == DIALECT_PG) {
        pg_store_close(st);
        return;
    }
    sqlite3_close(st->db);
    if (st->spatialite_cache != NULL)
        spatialite_cleanup_ex(st->spatialite_cache);
    free(st->path);
    free(st);
}

/* Opens a connection with SpatiaLite initialised for it alone; uri, when
 * not NULL, is what SQLite opens (path stays the name in messages). */
static tob_status_t connect_as(const char *path, const char *uri, int flags,
                               tob_store_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_store_t *st = calloc(1, sizeof *st);
    if (st == NULL || (st->path = strdup(path)) == NULL) {
        free(st);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    st->owner = pthread_self();
    if (sqlite3_open_v2(uri != NULL ? uri : path, &st->db, flags, NULL) !=
        SQLITE_OK) {
        tob_status_t s = st->db != NULL
                             ? sqlite_fail(st->db, "opening", err)
                             : tob_error_set(err, TOB_ERR_NOMEM, "oom");
        tob_error_at(err, path, 0, NULL);
        tob_store_close(st);
        return s == TOB_ERR_SQLITE ? TOB_ERR_IO : s;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* A writer may hold the lock for a few seconds during a load. */
    sqlite3_busy_timeout(st->db, 10000);
    st->spatialite_cache = spatialite_alloc_connection();
    spatialite_init_ex(st->db, st->spatialite_cache, 0);
    *out = st;
    return TOB_OK;
}

static tob_status_t connect(const char *path, int flags, tob_store_t **out,
                            tob_error_t *err)
{
    return connect_as(path, NULL, flags, out, err);
}

/* ---- read-only places ------------------------------------------------- */

/* Whether the file and its folder can be written: a WAL store needs both
 * (the -wal and -shm files are made beside it). A read-only mount or an
 * immutable file answer no, even to root. */
static int writable_place(const char *path, const char **which)
{
    char *copy = strdup(path);
    const char *slash = copy != NULL ? strrchr(copy, '/') : NULL;
    const char *dir = ".";
    if (slash == copy)
        dir = "/";
    else if (slash != NULL) {
        copy[slash - copy] = '\0';
        dir = copy;
    }
    int file_ok = access(path, W_OK) == 0;
    int dir_ok = access(dir, W_OK) == 0;
    free(copy);
    *which = !file_ok ? "the file cannot be written"
                      : "its folder cannot be written";
    return file_ok && dir_ok;
}

/* "file:PATH?immutable=1", PATH percent-encoded: SQLite then reads the
 * file as it is, with no -wal or -shm, which a read-only place cannot
 * hold. Caller frees with g_free(). */
static char *immutable_uri(const char *path)
{
    GString *uri = g_string_new("file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (g_ascii_isalnum(*p) || strchr("/._-~", *p) != NULL)
            g_string_append_c(uri, (char)*p);
        else
            g_string_append_printf(uri, "%%%02X", *p);
    }
    g_string_append(uri, "?immutable=1");
    return g_string_free(uri, FALSE);
}

/* A -wal file with content holds committed data that immutable=1 would
 * not see: then the store is opened as usual (and may fail clearly). */
static int has_wal_content(const char *path)
{
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", path);
    struct stat sb;
    return stat(side, &sb) == 0 && sb.st_size > 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* Opens for reading: as usual where SQLite can make its -shm, else
 * immutable (a store on a read-only mount, in a read-only folder, or a
 * read-only file). */
static tob_status_t connect_for_reading(const char *path, tob_store_t **out,
                                        tob_error_t *err)
{
    const char *which = NULL;
    if (writable_place(path, &which) || has_wal_content(path))
        return connect(path, SQLITE_OPEN_READONLY, out, err);
    char *uri = immutable_uri(path);
    tob_status_t s =
        connect_as(path, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, out, err);
    g_free(uri);
    return s;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static tob_status_t check_projected(int srid, tob_error_t *err)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    tob_status_t status = TOB_OK;
    if (srid <= 0 || OSRImportFromEPSG(srs, srid) != OGRERR_NONE)
        status =
            tob_error_set(err, TOB_ERR_ARG, "EPSG:%d is not a known CRS", srid);
    else if (!OSRIsProjected(srs))
        status = tob_error_set(
            err, TOB_ERR_ARG,
            "EPSG:%d is not a projected CRS: the store needs metres to "
            "measure areas (e.g. 2154 for metropolitan France, 5490 for "
            "Martinique and Guadeloupe)",
            srid);
    OSRDestroySpatialReference(srs);
    return status;
}

static tob_status_t write_schema(sqlite3 *db, int srid, tob_error_t *err)
{
    char sql[1024];
    tob_status_t s =
        exec_db(db, "PRAGMA journal_mode=DELETE", "setting up", err);
    if (s == TOB_OK)
        s = exec_db(db, "BEGIN", "setting up", err);
    if (s == TOB_OK)
        s = exec_db(db, "SELECT InitSpatialMetadata(0, 'NONE')",
                    "initialising spatial metadata", err);
    snprintf(sql, sizeof sql, "SELECT InsertEpsgSrid(4326), InsertEpsgSrid(%d)",
             srid);
    if (s == TOB_OK)
        s = exec_db(db, sql, "registering the CRS", err);
    for (size_t i = 0; s == TOB_OK && i < TOB_SCHEMA_N_PARTS; i++)
        s = exec_db(db, TOB_SCHEMA_PARTS[i], "creating tables", err);
    snprintf(sql, sizeof sql,
             "SELECT AddGeometryColumn('territory', 'geom', %d,"
             " 'MULTIPOLYGON', 'XY');"
             "SELECT CreateSpatialIndex('territory', 'geom');"
             /* Projects located by a point (lon/lat reprojected). */
             "SELECT AddGeometryColumn('project', 'geom', %d, 'POINT',"
             " 'XY');"
             "SELECT CreateSpatialIndex('project', 'geom');"
             "INSERT INTO meta VALUES ('srid', '%d');"
             "PRAGMA application_id = %d;"
             "PRAGMA user_version = %d;",
             srid, srid, srid, TOB_STORE_APPLICATION_ID,
             TOB_STORE_SCHEMA_VERSION);
    if (s == TOB_OK)
        s = exec_db(db, sql, "creating the geometry column", err);
    if (s == TOB_OK)
        s = exec_db(db,
                    "INSERT INTO meta VALUES ('created',"
                    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    "setting up", err);
    if (s == TOB_OK)
        s = exec_db(db, "COMMIT", "setting up", err);
    return s;
}

void store_remove_sidecars(const char *path)
{
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", path);
    unlink(side);
}

tob_status_t tob_store_create(const char *path, int srid, int force,
                              tob_store_t **out, tob_error_t *err)
{
    *out = NULL;
    if (pg_is_name(path)) {
        tob_status_t s = check_projected(srid, err);
        if (s == TOB_OK)
            s = pg_store_create(path, srid, force, err);
        if (s == TOB_OK)
            s = pg_store_open(path, TOB_STORE_WRITE, out, err);
        return s;
    }
    if (file_exists(path) && !force) {
        tob_error_set(err, TOB_ERR_EXISTS,
                      "file exists; use --force to replace it");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_EXISTS;
    }
    tob_status_t s = check_projected(srid, err);
    if (s != TOB_OK)
        return s;
    /* Built aside and renamed into place (base/afile.h): a failed init
     * leaves no file. SQLite synced the content at COMMIT. */
    afile_t f;
    s = afile_begin(&f, path, err);
    if (s != TOB_OK)
        return s;
    store_remove_sidecars(f.tmp);
    tob_store_t *st = NULL;
    s = connect(f.tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &st, err);
    if (s == TOB_OK)
        s = write_schema(st->db, srid, err);
    tob_store_close(st);
    if (s != TOB_OK)
        tob_error_at(err, path, 0, NULL);
    s = afile_end(&f, s, err);
    if (s == TOB_OK)
        store_remove_sidecars(path);
    else
        store_remove_sidecars(f.tmp);
    if (s == TOB_OK)
        s = tob_store_open(path, TOB_STORE_WRITE, out, err);
    return s;
}

static tob_status_t pragma_int(sqlite3 *db, const char *sql, int *value,
                               tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
        sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return sqlite_fail(db, "reading the header", err);
    }
    *value = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return TOB_OK;
}

/* Brings an older store to this version: in place when opened for
 * writing (one transaction), else with temporary stand-ins so readers
 * work on it unchanged. */
static tob_status_t upgrade(tob_store_t *st, int version, int write,
                            tob_error_t *err)
{
    if (version >= TOB_STORE_SCHEMA_VERSION)
        return TOB_OK;
    tob_status_t s = TOB_OK;
    if (!write) {
        if (version < 2)
            s = exec_db(st->db, TOB_SCHEMA_AGGREGATE_TEMP_SQL,
                        "reading an older store", err);
        if (s == TOB_OK)
            s = exec_db(st->db, TOB_SCHEMA_EXPECTED_TEMP_SQL,
                        "reading an older store", err);
        return s;
    }
    if ((s = tob_store_begin(st, err)) != TOB_OK)
        return s;
    if (version < 2)
        s = exec_db(st->db, TOB_SCHEMA_AGGREGATE_SQL, "upgrading the store",
                    err);
    if (s == TOB_OK && version < 2)
        s = exec_db(st->db, TOB_SCHEMA_UPGRADE_2_SQL, "upgrading the store",
                    err);
    if (s == TOB_OK)
        s = exec_db(st->db, TOB_SCHEMA_EXPECTED_SQL, "upgrading the store",
                    err);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
             TOB_STORE_SCHEMA_VERSION);
    if (s == TOB_OK)
        s = exec_db(st->db, sql, "upgrading the store", err);
    if (s == TOB_OK)
        s = tob_store_commit(st, err);
    if (s != TOB_OK)
        tob_store_rollback(st);
    return s;
}

/* Refuses files that are not ours, or that a newer terrobs wrote. */
static tob_status_t check_store(tob_store_t *st, tob_error_t *err)
{
    int app_id = 0, version = 0;
    tob_error_t inner;
    tob_error_clear(&inner);
    if (pragma_int(st->db, "PRAGMA application_id", &app_id, &inner) !=
            TOB_OK ||
        pragma_int(st->db, "PRAGMA user_version", &version, &inner) != TOB_OK)
        return tob_error_set(err, TOB_ERR_STORE, "not a terrobs store (%s)",
                             inner.message);
    if (app_id != TOB_STORE_APPLICATION_ID)
        return tob_error_set(err, TOB_ERR_STORE,
                             "not a terrobs store (create one with "
                             "'terrobs init')");
    if (version > TOB_STORE_SCHEMA_VERSION)
        return tob_error_set(err, TOB_ERR_STORE,
                             "store schema version %d is newer than this "
                             "terrobs reads (%d): upgrade terrobs",
                             version, TOB_STORE_SCHEMA_VERSION);
    if (pragma_int(st->db,
                   "SELECT CAST(value AS INTEGER) FROM meta"
                   " WHERE key = 'srid'",
                   &st->srid, &inner) != TOB_OK)
        return tob_error_set(err, TOB_ERR_STORE,
                             "damaged terrobs store: no storage CRS");
    st->version = version;
    return TOB_OK;
}

tob_status_t tob_store_open(const char *path, tob_store_mode_t mode,
                            tob_store_t **out, tob_error_t *err)
{
    *out = NULL;
    if (pg_is_name(path))
        return pg_store_open(path, mode, out, err);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        tob_error_set(err, TOB_ERR_NOTFOUND,
                      "no such store (create it with 'terrobs init')");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_NOTFOUND;
    }
    if (!S_ISREG(sb.st_mode)) {
        tob_error_set(err, TOB_ERR_STORE, "not a terrobs store (not a file)");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_STORE;
    }
    const char *which = NULL;
    if (mode == TOB_STORE_WRITE && !writable_place(path, &which)) {
        tob_error_set(err, TOB_ERR_STORE,
                      "%s is read-only (%s): reading commands (info, map, "
                      "carnet, export) can use it, not this one",
                      base_name(path), which);
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_STORE;
    }
    tob_store_t *st = NULL;
    tob_status_t s = mode == TOB_STORE_WRITE
                         ? connect(path, SQLITE_OPEN_READWRITE, &st, err)
                         : connect_for_reading(path, &st, err);
    if (s == TOB_OK)
        s = check_store(st, err);
    if (s == TOB_OK && mode == TOB_STORE_WRITE)
        s = exec_db(st->db,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON",
                    "setting up the connection", err);
    else if (s == TOB_OK)
        s = exec_db(st->db, "PRAGMA foreign_keys=ON",
                    "setting up the connection", err);
    if (s == TOB_OK)
        s = upgrade(st, st->version, mode == TOB_STORE_WRITE, err);
    if (s != TOB_OK) {
        tob_error_at(err, path, 0, NULL);
        tob_store_close(st);
        return s;
    }
    *out = st;
    return TOB_OK;
}
