/* sql_guard.h - the SQLite authorizer under which SQL that users bring
 * (a style's filter, expression and sql) runs: reads only. It refuses
 * writes, schema changes, ATTACH/DETACH, transactions, PRAGMAs other than
 * a few reports, load_extension and SpatiaLite's functions that reach
 * files or run stored SQL. Keep it installed while the statement steps:
 * SpatiaLite functions prepare statements of their own, checked too.
 * Used by map rendering and the QGIS project writer (library-internal). */
#ifndef TERROBS_STORE_SQL_GUARD_H
#define TERROBS_STORE_SQL_GUARD_H

#include "terrobs/error.h"

#include "db.h"

/* What the guard refused first, for the message. Zero it before first use. */
typedef struct sql_guard {
    char denied[200];
    int rtree_ready; /* the spatial index's own set-up has run */
} sql_guard_t;

/* Installs the guard on the store's connection (replacing any authorizer)
 * and clears g->denied; g must live until sql_guard_off(st). */
void sql_guard_on(tob_store_t *st, sql_guard_t *g);
void sql_guard_off(tob_store_t *st);

/* Prepares users' SQL under the guard (which must be on). *more, when not
 * NULL, says whether anything but space follows the first statement. On failure the error is
 * sql_guard_error()'s. */
TOB_NODISCARD tob_status_t sql_guard_prepare(tob_store_t *st,
                                             const sql_guard_t *g,
                                             const char *sql, db_stmt_t **stmt,
                                             int *more,
                                             tob_error_t *err);

/* The error after a prepare or step failed under the guard: "the style's
 * SQL may only read the store: DELETE from observation is not allowed",
 * or the engine's own message. Returns TOB_ERR_INPUT. */
tob_status_t sql_guard_error(tob_store_t *st, const sql_guard_t *g,
                             tob_error_t *err);

#endif
