/* store.h (entry point) - the observatory store: one SpatiaLite file, or one
 * schema of a PostgreSQL/PostGIS database, holding levels, territories,
 * memberships, indicators, contracts, GUP and provenance. A store is named
 * by a file path, or as GDAL names a PostgreSQL source: PG:"dbname=obs
 * host=... active_schema=obs59" (GDAL's keyword; schema= too), or a URI
 * postgresql://host/obs?schema=obs59 (schema: default "terrobs", or
 * tob_store_set_schema()'s). A tob_store_t owns one
 * database connection (SQLite with SpatiaLite loaded, or libpq); use one
 * per thread. All SQL of the library goes through a store,
 * by the library-internal database layer (src/store/db.h). */
#ifndef TERROBS_STORE_H
#define TERROBS_STORE_H

#include "terrobs/error.h"

#include <stddef.h>
#include <stdio.h>

/* Schema version kept in PRAGMA user_version; a store written by a newer
 * terrobs (higher version) is refused rather than misread. */
#define TOB_STORE_SCHEMA_VERSION 3
/* PRAGMA application_id: "TOBS", tells our files from other SQLite files. */
#define TOB_STORE_APPLICATION_ID 0x544F4253
#define TOB_STORE_DEFAULT_SRID 2154
#define TOB_LEVEL_NAME_MAX 32

typedef struct tob_store tob_store_t;

/* A row id of the store (territory, provenance record...). */
typedef long long tob_id_t;

typedef enum tob_store_mode {
    TOB_STORE_READ = 0,
    TOB_STORE_WRITE = 1
} tob_store_mode_t;

/* Creates a new store at path with storage CRS EPSG:srid (a projected CRS:
 * areas are computed in it). The file is built under "<path>.tmp" and
 * renamed into place, so a crash never leaves a half-made store. An
 * existing path is an error (TOB_ERR_EXISTS) unless force. Caller closes
 * *out with tob_store_close(). */
TOB_API TOB_NODISCARD tob_status_t tob_store_create(const char *path, int srid,
                                                    int force,
                                                    tob_store_t **out,
                                                    tob_error_t *err);

/* Opens an existing store. Errors: TOB_ERR_NOTFOUND (no file),
 * TOB_ERR_STORE (not a terrobs store, newer schema). */
TOB_API TOB_NODISCARD tob_status_t tob_store_open(const char *path,
                                                  tob_store_mode_t mode,
                                                  tob_store_t **out,
                                                  tob_error_t *err);

/* The schema of PostgreSQL stores whose name does not say one ("terrobs"
 * until set): [a-z_][a-z0-9_]*, at most 63. Process-wide: set it before
 * opening stores (the CLI's --schema). */
TOB_API TOB_NODISCARD tob_status_t tob_store_set_schema(const char *schema,
                                                        tob_error_t *err);

/* Closes the store; NULL is a no-op. */
TOB_API void tob_store_close(tob_store_t *st);

TOB_API int tob_store_srid(const tob_store_t *st);
TOB_API const char *tob_store_path(const tob_store_t *st);
/* The store as people name it: the file's name ("obs.sqlite"), or
 * "DATABASE, schema SCHEMA" on PostgreSQL. */
TOB_API const char *tob_store_name(const tob_store_t *st);
/* Whether the store is on PostgreSQL/PostGIS (1) or SpatiaLite (0). */
TOB_API int tob_store_is_pg(const tob_store_t *st);

/* PostgreSQL: lets role read the observatory and nothing else: USAGE on
 * its schema, SELECT on its tables and views, and SELECT on the tables
 * and views made there later by this user (default privileges). All or
 * nothing. TOB_ERR_ARG on a SpatiaLite store or a bad or unknown role. */
TOB_API TOB_NODISCARD tob_status_t tob_store_grant_reader(tob_store_t *st,
                                                          const char *role,
                                                          tob_error_t *err);

/* What tob_store_copy() copied. */
typedef struct tob_copy_summary {
    size_t n_tables;          /* tables of the schema copied */
    long long n_rows;         /* rows, all tables */
    long long n_territories;  /* of which territories */
    long long n_observations; /* and observations */
    int srid;                 /* the storage CRS, kept */
} tob_copy_summary_t;

/* Copies the whole store src to dst, either engine to either (a file or a
 * PostgreSQL schema, named as for tob_store_open), losslessly: every table
 * of the schema with its ids, geometries (as WKB, same SRID), provenance,
 * meta (attribution, creation date), with the level views remade. dst is
 * written in one transaction (a file: built aside and renamed into place;
 * PostgreSQL: schema and rows in one transaction), so a failure leaves it
 * absent or as it was. dst may be absent or an empty terrobs store;
 * another store is replaced only with force; what is not a terrobs store
 * (another file, a foreign schema) never. summary may be NULL.
 * Errors: TOB_ERR_ARG (src and dst the same), TOB_ERR_EXISTS (dst not
 * empty), TOB_ERR_STORE (dst foreign or newer, src not a store), TOB_ERR_IO
 * (server unreachable), TOB_ERR_NOTFOUND, TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t tob_store_copy(const char *src,
                                                  const char *dst, int force,
                                                  tob_copy_summary_t *summary,
                                                  tob_error_t *err);

/* Runs constant SQL with no result rows. */
TOB_API TOB_NODISCARD tob_status_t tob_store_exec(tob_store_t *st,
                                                  const char *sql,
                                                  tob_error_t *err);

/* BEGIN IMMEDIATE (the write lock is taken now, so a concurrent writer
 * fails before any work), COMMIT, and ROLLBACK (a no-op outside a
 * transaction: SQLite may have rolled back already on SQLITE_FULL...). */
TOB_API TOB_NODISCARD tob_status_t tob_store_begin(tob_store_t *st,
                                                   tob_error_t *err);
TOB_API TOB_NODISCARD tob_status_t tob_store_commit(tob_store_t *st,
                                                    tob_error_t *err);
TOB_API void tob_store_rollback(tob_store_t *st);

/* Writes what the store holds to out, as `terrobs info` shows it: store
 * path, storage CRS, schema version and creation date, each level with its
 * territory count and area per vintage, the extent, each variable with its
 * years and value count, and every recorded load and import. */
TOB_API TOB_NODISCARD tob_status_t tob_store_describe(tob_store_t *st,
                                                      FILE *out,
                                                      tob_error_t *err);

/* Checks a level name: 1..32 of [a-z0-9_], starting with a letter, and not
 * a name the store uses itself. */
TOB_API TOB_NODISCARD tob_status_t tob_store_check_level_name(const char *name,
                                                              tob_error_t *err);

/* Makes sure level `name` exists, with a spatial view of the same name
 * registered for QGIS/ogrinfo when spatial. label may be NULL (a known
 * default, else the name). Call inside a transaction. */
TOB_API TOB_NODISCARD tob_status_t tob_store_ensure_level(tob_store_t *st,
                                                          const char *name,
                                                          const char *label,
                                                          int spatial,
                                                          tob_error_t *err);

/* Whether a level exists: 1 yes, 0 no. */
TOB_API int tob_store_has_level(tob_store_t *st, const char *name);

/* One provenance record: what was loaded or imported, from where. */
typedef struct tob_source_record {
    const char *kind;  /* "boundaries", "indicators", "zones", "contracts"... */
    const char *path;  /* as the user gave it */
    const char *layer; /* OGR layer or sheet, may be NULL */
    const char *level; /* may be NULL */
    int vintage;       /* 0 if none */
    long long n_items; /* features or rows */
    const char *checksum; /* hex SHA-256 of the file, may be NULL */
    const char *details; /* free text: repairs, join diagnostics, may be NULL */
} tob_source_record_t;

/* Inserts a provenance record (inside the caller's transaction) and
 * returns its id in *id (may be NULL). */
TOB_API TOB_NODISCARD tob_status_t
tob_store_add_source(tob_store_t *st, const tob_source_record_t *rec,
                     tob_id_t *id, tob_error_t *err);

/* Sets the item count and details of provenance record id, once the work
 * it describes is done (inside the same transaction). details may be
 * NULL. */
TOB_API TOB_NODISCARD tob_status_t tob_store_finish_source(tob_store_t *st,
                                                           tob_id_t id,
                                                           long long n_items,
                                                           const char *details,
                                                           tob_error_t *err);

/* Marks stale (inside the caller's transaction) every stored aggregate
 * computed from or to level, and those computed from them: a command of
 * a stage before aggregation (load --replace) says its inputs changed;
 * readers then compute such values on the fly and `info` names them until
 * tob_aggregate_refresh() (aggregate.h) recomputes them. */
TOB_API TOB_NODISCARD tob_status_t tob_store_mark_aggregates_stale(
    tob_store_t *st, const char *level, tob_error_t *err);

/* Hex SHA-256 of a file read through GDAL's virtual file system, so
 * "/vsizip/a.zip/b.shp" hashes the member; "/vsigzip/x.gz" hashes x.gz
 * itself, the file the user holds. hex has 65 bytes. */
TOB_API TOB_NODISCARD tob_status_t tob_file_sha256(const char *path,
                                                   char hex[65],
                                                   tob_error_t *err);

#endif
