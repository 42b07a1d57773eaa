/* render_sql.c - the SQL a style brings (filter, expression, sql) runs
 * read-only: one statement, under the authorizer of sql_guard.h that
 * allows reads and refuses everything else (writes, ATTACH, PRAGMA with a
 * value or that may write, load_extension and the functions that read or
 * write files). The authorizer stays on while the statement steps, so
 * statements that SpatiaLite functions prepare inside it are checked too. */
#include "render_internal.h"
#include "store/db.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void render_guard(render_t *r, int on)
{
    if (on) {
        r->guard.budget_s = r->style != NULL ? r->style->timeout : 0;
        r->guard.budget_key = "data.timeout";
        sql_guard_on(r->st, &r->guard);
    } else
        sql_guard_off(r->st);
}

tob_status_t render_prepare_user(render_t *r, const char *sql, db_stmt_t **stmt,
                                 tob_error_t *err)
{
    int more = 0;
    tob_status_t s = sql_guard_prepare(r->st, &r->guard, sql, stmt, &more, err);
    if (s != TOB_OK)
        return s;
    if (more || *stmt == NULL ||
        !db_stmt_readonly(*stmt)) {
        db_finalize(*stmt);
        *stmt = NULL;
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the style's SQL must be one read-only "
                             "expression or SELECT (no ';' or second "
                             "statement)");
    }
    return TOB_OK;
}

tob_status_t render_step_user(render_t *r, db_stmt_t *stmt, int *rc,
                              tob_error_t *err)
{
    *rc = db_step(stmt);
    if (*rc == DB_ROW || *rc == DB_DONE)
        return TOB_OK;
    return sql_guard_error(r->st, &r->guard, err);
}
