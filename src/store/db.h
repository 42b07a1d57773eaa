/* db.h - the database layer: every statement of the library goes through
 * it (prepare, bind, step, column, changes, last error), so that the
 * modules never speak to an engine's API. A thin wrapper over SQLite today;
 * a second engine plugs in below it. Statements use `?` parameters, numbered
 * from 1, columns from 0, as SQLite does. The SQL that differs between
 * engines (spatial index, geometry functions) is named in dialect.h: the
 * modules use its TOB_BOX_* macros for the spatial index and SpatiaLite's
 * function names, which db_prepare() respells for the engine.
 * Library-internal: every stage from store/ on includes "store/db.h". */
#ifndef TERROBS_STORE_DB_H
#define TERROBS_STORE_DB_H

#include "base/near.h"
#include "terrobs/store.h"

#include <stddef.h>
#include <stdint.h>

/* A prepared statement of one store's connection; borrowed from nothing,
 * finalized by its owner with db_finalize() (NULL is a no-op). */
typedef struct db_stmt db_stmt_t;

/* Results of db_step() and of the binders. Any other value of db_step() is
 * an error: call db_fail() at once. */
enum db_result {
    DB_OK = 0,
    DB_ERROR = 1,
    DB_ROW = 100,
    DB_DONE = 101
};

/* Column types of db_column_type(). */
enum db_type {
    DB_INTEGER = 1,
    DB_FLOAT = 2,
    DB_TEXT = 3,
    DB_BLOB = 4,
    DB_NULL = 5
};

/* Prepares constant SQL; *stmt is NULL on failure (err says why). */
TOB_NODISCARD tob_status_t db_prepare(tob_store_t *st, const char *sql,
                                      db_stmt_t **stmt, tob_error_t *err);
/* Prepares SQL that may fail for a reason the caller handles (a table an
 * older store lacks): 1 and *stmt on success, 0 and NULL otherwise. */
int db_try_prepare(tob_store_t *st, const char *sql, db_stmt_t **stmt);

/* The store's data version: a number that changes whenever its data may
 * have changed, through terrobs or any other writer (QGIS, psql, sqlite3):
 * on SpatiaLite from the file's and its journal's sizes and times and the
 * WAL's header; on PostgreSQL from the schema's change counter (a sequence
 * its tables' statement triggers advance). 1 and *version, or 0 when the
 * store cannot tell (a PostGIS schema made before the counter, a role not
 * granted it): the caller then recomputes what it would have kept. */
int db_data_version(tob_store_t *st, uint64_t *version);

/* One read for a command's threads (an atlas', a site's): the caller's
 * connection begins it, the workers' connections join it while it is
 * open. On PostgreSQL they all see the store as it was at the caller's
 * BEGIN, an import committed meanwhile included in none (REPEATABLE READ,
 * pg_export_snapshot()); SQLite cannot share one (snapshot ""): each BEGIN
 * reads the store as it is at its first read, and db_shared_read_moved()
 * says whether it changed meanwhile. The data version is read before the
 * BEGIN: a change committed in between makes the next run recompute,
 * never keep what this one did not see. */
typedef struct db_shared_read {
    char snapshot[64]; /* PostgreSQL's exported snapshot, "" on SQLite */
    uint64_t version;  /* db_data_version() before the BEGIN */
    int version_known;
} db_shared_read_t;

TOB_NODISCARD tob_status_t db_begin_shared_read(tob_store_t *st,
                                                db_shared_read_t *r,
                                                tob_error_t *err);
TOB_NODISCARD tob_status_t db_join_shared_read(tob_store_t *st,
                                               const db_shared_read_t *r,
                                               tob_error_t *err);
/* Mixes what the read saw into a fingerprint h: its data version, or,
 * when the store cannot tell, the time, so that the fingerprint never
 * matches a later run's (what it made is recomputed, not kept). */
uint64_t db_shared_read_hash(const db_shared_read_t *r, uint64_t h);
/* 1 when another session wrote to the store while workers that could not
 * share the read (SQLite) read it; st is the caller's connection. */
int db_shared_read_moved(tob_store_t *st, const db_shared_read_t *r);
/* The concurrency tests' stop in a reader (TOB_TEST_PAUSE_READ=FILE, see
 * test_hook.c): after its read transaction began, before its workers. */
void db_test_pause_read(void);

/* Fills err from the connection's last error: "<doing>: <engine message>".
 * Call it at once after the failing call. Returns TOB_ERR_SQLITE. */
tob_status_t db_fail(tob_store_t *st, const char *doing, tob_error_t *err);
/* The connection's last error message, borrowed until its next call. */
const char *db_errmsg(tob_store_t *st);

int db_step(db_stmt_t *s);
int db_reset(db_stmt_t *s);
int db_clear_bindings(db_stmt_t *s);
void db_finalize(db_stmt_t *s);
/* Whether the statement only reads (1) or may write (0). */
int db_stmt_readonly(db_stmt_t *s);

/* Binders: text is copied (NULL binds NULL); the _static forms borrow text
 * until the next step or reset, for loops that bind many rows. */
int db_bind_text(db_stmt_t *s, int i, const char *text);
int db_bind_text_static(db_stmt_t *s, int i, const char *text);
int db_bind_textn(db_stmt_t *s, int i, const char *text, int n);
int db_bind_blob(db_stmt_t *s, int i, const void *data, int n);
int db_bind_blob_static(db_stmt_t *s, int i, const void *data, int n);
int db_bind_int(db_stmt_t *s, int i, int value);
int db_bind_int64(db_stmt_t *s, int i, long long value);
int db_bind_double(db_stmt_t *s, int i, double value);
int db_bind_null(db_stmt_t *s, int i);
int db_bind_parameter_count(db_stmt_t *s);
/* Index of parameter `name` (":code"), 0 if there is none. */
int db_bind_parameter_index(db_stmt_t *s, const char *name);

/* Columns of the current row; text is UTF-8, NULL for SQL NULL, borrowed
 * until the next step, reset or finalize. */
const char *db_column_text(db_stmt_t *s, int i);
/* The same, "" for SQL NULL. */
const char *db_column_str(db_stmt_t *s, int i);
const void *db_column_blob(db_stmt_t *s, int i);
int db_column_bytes(db_stmt_t *s, int i);
int db_column_int(db_stmt_t *s, int i);
long long db_column_int64(db_stmt_t *s, int i);
double db_column_double(db_stmt_t *s, int i);
int db_column_type(db_stmt_t *s, int i);
int db_column_count(db_stmt_t *s);
const char *db_column_name(db_stmt_t *s, int i);

/* Rows changed by the last statement. A new row's id comes from its
 * INSERT ... RETURNING id: on PostgreSQL lastval() would give the change
 * counter's (store_pg.c), which the tables' triggers advance after. */
long long db_changes(tob_store_t *st);
/* Whether a transaction is open on the connection. */
int db_in_transaction(tob_store_t *st);

/* The statement sql as the store's engine runs it (dialect.h), for a
 * program that reads the store itself (QGIS), with no search path: on
 * PostgreSQL the store's tables after FROM and JOIN are qualified with
 * its schema. malloc'd, NULL when out of memory. */
char *db_respell(tob_store_t *st, const char *sql);

/* PostgreSQL: the connection's parameters as key='value' pairs (libpq's and
 * QGIS's data source spelling): dbname, host, port, user, and sslmode and
 * service when set; never the password. TOB_ERR_ARG on SpatiaLite. */
TOB_NODISCARD tob_status_t db_pg_conninfo(tob_store_t *st, char *out,
                                          size_t size, tob_error_t *err);
/* PostgreSQL: the observatory's schema; NULL on SpatiaLite. */
const char *db_pg_schema(tob_store_t *st);

/* Bulk writes of territory geometries inside the caller's transaction:
 * db_bulk_begin() suspends SpatiaLite's per-row spatial-index triggers,
 * db_bulk_end() restores them and indexes the rows of source_id (PostGIS
 * keeps its GiST index itself). db_bulk_free() after either (NULL ok). */
typedef struct db_bulk db_bulk_t;
TOB_NODISCARD tob_status_t db_bulk_begin(tob_store_t *st, db_bulk_t **bulk,
                                         tob_error_t *err);
TOB_NODISCARD tob_status_t db_bulk_end(tob_store_t *st, db_bulk_t *bulk,
                                       tob_id_t source_id, tob_error_t *err);
void db_bulk_free(db_bulk_t *bulk);

/* The geometry blobs of db_column_blob() (SpatiaLite's BLOB-Geometry on
 * both engines) as WKB, little-endian, for the modules' own GEOS work, and
 * WKB (or EWKB) back as such a blob of srid (the EWKB's own when it has
 * one). malloc'd, *len their size; NULL when the input is no geometry of
 * these formats or out of memory. */
unsigned char *db_geom_wkb(const unsigned char *blob, size_t n, size_t *len);
unsigned char *db_geom_blob(const unsigned char *wkb, size_t n, int srid,
                            size_t *len);

/* Many rows into one table, inside the caller's transaction: on PostgreSQL
 * one COPY ... FROM STDIN (geometries as EWKB in the store SRID), on
 * SpatiaLite a prepared INSERT run per row. columns[i] names the i-th value
 * of each row; kinds[i] (kinds may be NULL) says what it is: DB_COPY_GEOM
 * for a geometry given as WKB in the store SRID, DB_COPY_ANY for a value
 * of any kind (the COPY is then in text format), or the one kind of value
 * the column's type takes (text, bigint, double precision, bytea): when
 * every column has one, the COPY is in binary format (half the bytes of
 * text with hex geometries, and neither side converts them), and a value
 * of another kind fails the row (TOB_ERR_INTERNAL). A kind with
 * DB_COPY_NO_STATS or'ed in marks a column no query filters or joins on:
 * the statistics refreshed at the end leave it out, as they leave out the
 * geometries (sampling a column costs what the table holds). upsert: NULL, or
 * the clause after VALUES ("ON CONFLICT (...) DO UPDATE SET x = excluded.x"),
 * the rows then going through a temporary table on PostgreSQL. A row is its
 * values in column order (db_copy_text ... db_copy_geom, borrowed until
 * db_copy_row) then db_copy_row(tag): PostgreSQL reports a bad row only
 * at db_copy_end(), and db_copy_failed_tag() then gives the tag of the row
 * it named (0 when it named none; with upsert, a refusal of the rows'
 * move naming none, from a trigger, a CHECK or a foreign key, is traced
 * to its row by halves under a savepoint; without, a foreign key's refusal
 * is traced from the distinct keys sent in tagged rows, and
 * db_copy_failed_field() names its column). db_copy_end() also refreshes
 * the planner's statistics of the table once. db_copy_free() after
 * db_copy_end(), or instead of it to abandon the rows (then roll back). */
typedef struct db_copy db_copy_t;
enum db_copy_kind {
    DB_COPY_ANY = 0,
    DB_COPY_GEOM = 1,
    DB_COPY_TEXT,
    DB_COPY_INT64,
    DB_COPY_DOUBLE,
    DB_COPY_BLOB,
    DB_COPY_NO_STATS = 0x100
};
TOB_NODISCARD tob_status_t db_copy_begin(tob_store_t *st, const char *table,
                                         const char *const *columns,
                                         const int *kinds, size_t n_cols,
                                         const char *upsert, db_copy_t **out,
                                         tob_error_t *err);
void db_copy_text(db_copy_t *c, const char *text);
void db_copy_int64(db_copy_t *c, long long value);
void db_copy_double(db_copy_t *c, double value);
void db_copy_null(db_copy_t *c);
void db_copy_blob(db_copy_t *c, const void *data, size_t n);
void db_copy_geom(db_copy_t *c, const unsigned char *wkb, size_t n);
TOB_NODISCARD tob_status_t db_copy_row(db_copy_t *c, long long tag,
                                       tob_error_t *err);
TOB_NODISCARD tob_status_t db_copy_end(db_copy_t *c, tob_error_t *err);
long long db_copy_failed_tag(const db_copy_t *c);
/* The column of the table whose value refused the failed row, or NULL;
 * borrowed until db_copy_free(). */
const char *db_copy_failed_field(const db_copy_t *c);
void db_copy_free(db_copy_t *c);

/* "Did you mean" hints from the store's names (store_near.c), each
 * " (did you mean 'x'?)" or "" and borrowed from near (or buf) until its
 * next use. db_near_hint offers near the first column of each row of sql,
 * with arg bound to its ?1 when not NULL; db_near_level and
 * db_near_variable start near for the typed name first. */
const char *db_near_hint(tob_store_t *st, near_t *near, const char *sql,
                         const char *arg);
const char *db_near_level(tob_store_t *st, near_t *near, const char *level);
const char *db_near_variable(tob_store_t *st, near_t *near, const char *name);
/* For a code with no territory of level: " (62193 is a commune code:
 * Calais; epci codes are 9 characters)" when another level has it, else
 * the level's codes near it, else "". Written into buf. */
const char *db_code_hint(tob_store_t *st, const char *level, const char *code,
                         char *buf, size_t size);

#endif
