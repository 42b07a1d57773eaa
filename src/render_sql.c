/* render_sql.c - the SQL a style brings (filter, expression, sql) runs
 * read-only: one statement, under an SQLite authorizer that allows reads
 * and refuses everything else (writes, ATTACH, PRAGMA with a value or that
 * may write, load_extension and the functions that read or write files).
 * The authorizer stays on while the statement steps, so statements that
 * SpatiaLite functions prepare inside it are checked too. */
#include "render_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Functions that reach files or the extension loader, or run stored SQL;
 * matched case-insensitively anywhere in the name (SpatiaLite has
 * ImportSHP, ExportGeoJSON2, BlobFromFile, StoredProc_Execute...). */
static const char *const denied_function_parts[] = {
    "load_extension", "import", "export", "file", "dump",
    "storedproc",     "storedvar", "sqlproc", "xb_store", "xb_load",
    "writefile",      "readfile", "edit", "fts3_tokenizer"};

/* PRAGMAs that only report, allowed without a value. */
static const char *const read_pragmas[] = {
    "table_info", "table_xinfo", "index_list", "index_info",
    "foreign_key_list", "user_version", "application_id", "encoding",
    "page_count", "page_size", "schema_version", "function_list",
    "collation_list", "compile_options", "database_list"};

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p != '\0'; p++) {
        size_t i = 0;
        while (i < n && p[i] != '\0' &&
               tolower((unsigned char)p[i]) == needle[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static int function_allowed(const char *name)
{
    if (name == NULL)
        return 0;
    for (size_t i = 0; i < sizeof denied_function_parts /
                               sizeof denied_function_parts[0];
         i++)
        if (contains_nocase(name, denied_function_parts[i]))
            return 0;
    return 1;
}

static int pragma_allowed(const char *name, const char *value)
{
    if (name == NULL || value != NULL)
        return 0;
    for (size_t i = 0; i < sizeof read_pragmas / sizeof read_pragmas[0]; i++)
        if (strcmp(name, read_pragmas[i]) == 0)
            return 1;
    return 0;
}

static const char *action_name(int action)
{
    switch (action) {
    case SQLITE_INSERT:
        return "INSERT into";
    case SQLITE_UPDATE:
        return "UPDATE of";
    case SQLITE_DELETE:
        return "DELETE from";
    case SQLITE_ATTACH:
        return "ATTACH of";
    case SQLITE_DETACH:
        return "DETACH of";
    case SQLITE_PRAGMA:
        return "PRAGMA";
    case SQLITE_FUNCTION:
        return "function";
    case SQLITE_TRANSACTION:
        return "transaction";
    default:
        return "statement changing the schema:";
    }
}

static int authorize(void *user, int action, const char *a1, const char *a2,
                     const char *db, const char *trigger)
{
    (void)db;
    (void)trigger;
    guard_t *g = user;
    int ok = 0;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        ok = 1;
        break;
    case SQLITE_FUNCTION:
        ok = function_allowed(a2);
        break;
    case SQLITE_PRAGMA:
        ok = pragma_allowed(a1, a2);
        break;
    default:
        ok = 0;
    }
    if (!ok && g->denied[0] == '\0') {
        const char *what = action == SQLITE_FUNCTION ? a2 : a1;
        snprintf(g->denied, sizeof g->denied, "%s %s%s%s",
                 action_name(action), what ? what : "",
                 action == SQLITE_PRAGMA && a2 ? " = " : "",
                 action == SQLITE_PRAGMA && a2 ? a2 : "");
    }
    return ok ? SQLITE_OK : SQLITE_DENY;
}

static tob_status_t refuse(sqlite3 *db, const guard_t *g, tob_error_t *err)
{
    if (g->denied[0] != '\0')
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the style's SQL may only read the store: %s "
                             "is not allowed",
                             g->denied);
    return tob_error_lib(err, TOB_ERR_INPUT, sqlite3_extended_errcode(db),
                         "the style's SQL fails: %s", sqlite3_errmsg(db));
}

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
        sqlite3_set_authorizer(db, authorize, &r->guard);
    else
        sqlite3_set_authorizer(db, NULL, NULL);
}

tob_status_t render_prepare_user(render_t *r, const char *sql,
                                 sqlite3_stmt **stmt, tob_error_t *err)
{
    sqlite3 *db = tob_store_db(r->st);
    *stmt = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, stmt, &tail) != SQLITE_OK)
        return refuse(db, &r->guard, err);
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
    return refuse(tob_store_db(r->st), &r->guard, err);
}
