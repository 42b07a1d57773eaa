/* store_internal.h - what a store holds, for src/store/ alone: the engine
 * and its connection (SQLite with SpatiaLite, or libpq), the storage SRID
 * and the name the store was opened by. */
#ifndef TERROBS_STORE_INTERNAL_H
#define TERROBS_STORE_INTERNAL_H

#include "dialect.h"
#include "terrobs/store.h"

#include <pthread.h>
#include <sqlite3.h>

struct pg_conn;

struct tob_store {
    dialect_engine_t engine;
    sqlite3 *db;            /* SQLite */
    void *spatialite_cache; /* SQLite */
    struct pg_conn *pg;     /* PostgreSQL (PGconn) */
    char *schema;           /* PostgreSQL: the observatory's schema */
    char *name;             /* PostgreSQL: "database, schema s" */
    int srid;
    char *path;   /* the file, or the connection string without password */
    char *secret; /* PostgreSQL: the password given, kept out of messages */
    long long changes;     /* PostgreSQL: rows of the last statement */
    unsigned stmt_serial;  /* PostgreSQL: names of prepared statements */
    unsigned geometry_oid; /* PostgreSQL: PostGIS's geometry type */
    int read_only;         /* opened for reading */
    int version;           /* schema version as opened */
    char pg_error[512];    /* PostgreSQL: the last error */
    int guard_txn;         /* PostgreSQL: the guard opened a transaction */
    unsigned pg_analyzed;  /* PostgreSQL: store_vacuumed tables a bulk write
                              of this transaction analyzed (bit i) */
    char pg_dealloc[1024]; /* PostgreSQL: "DEALLOCATE a; ..." not sent yet */
    pthread_t owner;       /* the thread that opened it, its only user */
};

/* Makes level name's view (QGIS's and ogrinfo's layer), registered for
 * SpatiaLite; the level row exists. Inside the caller's transaction. */
TOB_NODISCARD tob_status_t store_level_view(tob_store_t *st, const char *name,
                                            tob_error_t *err);
/* The crash and concurrency tests' stops (test_hook.c; off unless the
 * test environment sets TOB_TEST_KILL, TOB_TEST_PAUSE or TOB_TEST_COUNT):
 * before each write statement, and before (done 0) and after (done 1)
 * each COMMIT. */
void test_hook_write(void);
void test_hook_commit(int done);
/* A bulk write analyzed table in this transaction (db_copy_end): the
 * VACUUM after its commit need not analyze it again. */
void store_note_analyzed(tob_store_t *st, const char *table);
/* Removes path's -wal, -shm and -journal files. */
void store_remove_sidecars(const char *path);

#endif
