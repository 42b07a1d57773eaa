/* sql_guard.h - the SQLite authorizer under which SQL that users bring
 * (a style's filter, expression and sql) runs: reads only. It refuses
 * writes, schema changes, ATTACH/DETACH, transactions, PRAGMAs other than
 * a few reports, load_extension and SpatiaLite's functions that reach
 * files or run stored SQL. Keep it installed while the statement steps:
 * SpatiaLite functions prepare statements of their own, checked too.
 * Used by map rendering and the QGIS project writer. Internal. */
#ifndef TERROBS_SQL_GUARD_H
#define TERROBS_SQL_GUARD_H

#include "terrobs/error.h"

#include <sqlite3.h>

/* What the guard refused first, for the message. */
typedef struct tob_sql_guard {
    char denied[200];
} tob_sql_guard_t;

/* Installs the guard on db (replacing any authorizer) and clears
 * g->denied; g must live until tob_sql_guard_off(db). */
void tob_sql_guard_on(sqlite3 *db, tob_sql_guard_t *g);
void tob_sql_guard_off(sqlite3 *db);

/* The error after a prepare or step failed under the guard: "the style's
 * SQL may only read the store: DELETE from observation is not allowed",
 * or SQLite's own message. Returns TOB_ERR_INPUT. */
tob_status_t tob_sql_guard_error(sqlite3 *db, const tob_sql_guard_t *g,
                                 tob_error_t *err);

#endif
