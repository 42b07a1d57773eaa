/* db_sqlite_internal.h - the SQLite connection under a store, for the store module
 * itself (schema, authorizer, SpatiaLite set-up) and for tests that read a
 * store as any SQLite client would. No other module includes it. */
#ifndef TERROBS_STORE_DB_SQLITE_INTERNAL_H
#define TERROBS_STORE_DB_SQLITE_INTERNAL_H

#include "terrobs/store.h"

#include <sqlite3.h>

/* The connection, borrowed for the store's life. */
sqlite3 *db_sqlite(tob_store_t *st);
/* A db statement owning s (finalized on failure); NULL when out of memory. */
typedef struct db_stmt db_stmt_t;
db_stmt_t *db_wrap_sqlite(sqlite3_stmt *s);

#endif
