/* render_sql.c - the SQL a style brings (filter, expression, sql) runs
 * read-only: one statement, under the authorizer of sql_guard.h that
 * allows reads and refuses everything else (writes, ATTACH, PRAGMA with a
 * value or that may write, load_extension and the functions that read or
 * write files). The authorizer stays on while the statement steps, so
 * statements that SpatiaLite functions prepare inside it are checked too. */
#include "render_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void render_guard(render_t *r, int on)
{
    sqlite3 *db = tob_store_db(r->st);
    r->guard.denied[0] = '\0';
    /* The first use of an R*Tree on a connection runs its own setup,
     * which the guard would refuse: connect it before. */
    if (on && !r->rtree_ready) {
        sqlite3_exec(db, "SELECT pkid FROM idx_territory_geom LIMIT 0", NULL,
                     NULL, NULL);
        r->rtree_ready = 1;
    }
    if (on)
        tob_sql_guard_on(db, &r->guard);
    else
        tob_sql_guard_off(db);
}

tob_status_t render_prepare_user(render_t *r, const char *sql,
                                 sqlite3_stmt **stmt, tob_error_t *err)
{
    sqlite3 *db = tob_store_db(r->st);
    *stmt = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, stmt, &tail) != SQLITE_OK)
        return tob_sql_guard_error(db, &r->guard, err);
    while (tail != NULL && isspace((unsigned char)*tail))
        tail++;
    if ((tail != NULL && *tail != '\0') || *stmt == NULL ||
        !sqlite3_stmt_readonly(*stmt)) {
        sqlite3_finalize(*stmt);
        *stmt = NULL;
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the style's SQL must be one read-only "
                             "expression or SELECT (no ';' or second "
                             "statement)");
    }
    return TOB_OK;
}

tob_status_t render_step_user(render_t *r, sqlite3_stmt *stmt, int *rc,
                              tob_error_t *err)
{
    *rc = sqlite3_step(stmt);
    if (*rc == SQLITE_ROW || *rc == SQLITE_DONE)
        return TOB_OK;
    return tob_sql_guard_error(tob_store_db(r->st), &r->guard, err);
}
