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

/* Users' SQL also runs under a time budget, so that a query that never
 * ends (a recursive WITH in a style's filter) fails instead of hanging a
 * map or a whole atlas. The budget is wall-clock seconds from
 * sql_guard_on() to sql_guard_off(), whatever the engine: SQLite checks it
 * from a progress handler every few thousand virtual-machine steps; an
 * engine with a server-side timeout (PostgreSQL's statement_timeout) sets
 * that instead. */
#define SQL_GUARD_DEFAULT_BUDGET_S 10.0

/* What the guard refused first, for the message. Zero it before first use;
 * set budget_s (0 = the default) and budget_key (the setting that raises
 * it, for the message; NULL = none) before sql_guard_on(). */
typedef struct sql_guard {
    char denied[200];
    int rtree_ready;        /* the spatial index's own set-up has run */
    double budget_s;        /* seconds; 0 = SQL_GUARD_DEFAULT_BUDGET_S */
    const char *budget_key; /* e.g. "data.timeout"; borrowed */
    int over_budget;        /* set when the budget stopped a statement */
    double deadline;        /* monotonic seconds, set by sql_guard_on() */
} sql_guard_t;

/* Installs the guard on the store's connection (replacing any authorizer
 * and progress handler), clears g->denied and g->over_budget and starts
 * the budget; g must live until sql_guard_off(st). */
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
 * "the style's SQL ran longer than its budget of 10 s" (field: the
 * budget_key), or the engine's own message. Returns TOB_ERR_INPUT. */
tob_status_t sql_guard_error(tob_store_t *st, const sql_guard_t *g,
                             tob_error_t *err);

#endif
