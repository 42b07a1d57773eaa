/* db_pg_internal.h - the PostgreSQL engine under db.h, for src/store/
 * alone: statements through libpq (prepared, text parameters but for
 * blobs, text results), and PostGIS geometries read as SpatiaLite
 * BLOB-Geometry so that the modules read one format. */
#ifndef TERROBS_STORE_DB_PG_INTERNAL_H
#define TERROBS_STORE_DB_PG_INTERNAL_H

#include "store_internal.h"

#include <stddef.h>

typedef struct pg_stmt pg_stmt_t;

/* 0 and *out on success; -1 when PostgreSQL refused it (pg_errmsg says
 * why), -2 when out of memory. try: inside a transaction, a failure does
 * not abort it (a savepoint around). */
int pgs_prepare(tob_store_t *st, const char *sql, int try, pg_stmt_t **out);
int pgs_step(pg_stmt_t *s);
void pgs_reset(pg_stmt_t *s);
void pgs_clear(pg_stmt_t *s);
void pgs_finalize(pg_stmt_t *s);
int pgs_readonly(const pg_stmt_t *s);
/* Binds a copy (copy=1) or borrows; binary for blobs; NULL binds NULL. */
int pgs_bind(pg_stmt_t *s, int i, const char *v, int n, int binary, int copy);
int pgs_param_count(const pg_stmt_t *s);
int pgs_param_index(const pg_stmt_t *s, const char *name);
const char *pgs_text(pg_stmt_t *s, int i);
const void *pgs_blob(pg_stmt_t *s, int i);
int pgs_bytes(pg_stmt_t *s, int i);
long long pgs_int64(pg_stmt_t *s, int i);
double pgs_double(pg_stmt_t *s, int i);
int pgs_type(pg_stmt_t *s, int i);
int pgs_column_count(pg_stmt_t *s);
const char *pgs_column_name(pg_stmt_t *s, int i);

/* A db statement owning s (finalized on failure); NULL when out of memory. */
typedef struct db_stmt db_stmt_t;
db_stmt_t *db_wrap_pg(pg_stmt_t *s);

/* Runs SQL without parameters (several statements allowed); 0 or -1. */
int pg_exec(tob_store_t *st, const char *sql);
/* The last error of the connection ("" if none). */
const char *pg_errmsg(tob_store_t *st);
/* Replaces each occurrence of secret (a password; NULL: none) in s by ***. */
void pg_scrub(char *s, const char *secret);
void pg_set_error(tob_store_t *st, const char *msg);
int pg_in_transaction(tob_store_t *st);

/* EWKB (PostGIS) -> SpatiaLite BLOB-Geometry; malloc'd, NULL when the
 * EWKB is not one we read. */
unsigned char *pg_ewkb_to_blob(const unsigned char *ewkb, size_t n, int srid,
                               size_t *out_len);

/* Whether a store name is a PostgreSQL connection (PG:... or a
 * postgresql:// URI). */
int pg_is_name(const char *name);
TOB_NODISCARD tob_status_t pg_store_create(const char *name, int srid,
                                           int force, tob_error_t *err);
TOB_NODISCARD tob_status_t pg_store_open(const char *name,
                                         tob_store_mode_t mode,
                                         tob_store_t **out, tob_error_t *err);
void pg_store_close(tob_store_t *st);
/* A new store of schema version TOB_STORE_SCHEMA_VERSION in an open
 * transaction (the copy's): the schema (replaced when it exists) and its
 * tables are made inside it, so a ROLLBACK leaves the database as it was.
 * Commit with tob_store_commit(); close with tob_store_close(). */
TOB_NODISCARD tob_status_t pg_store_create_begun(const char *name, int srid,
                                                 tob_store_t **out,
                                                 tob_error_t *err);
/* Moves every identity column's sequence past the rows copied in. */
TOB_NODISCARD tob_status_t pg_sync_ids(tob_store_t *st, tob_error_t *err);

#endif
