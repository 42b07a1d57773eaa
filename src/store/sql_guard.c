/* sql_guard.c - the read-only authorizer for users' SQL (sql_guard.h).
 * Moved from render_sql.c so that the QGIS project writer, which runs the
 * same style SQL, is held to the same rules. */
#include "sql_guard.h"

#include "db_sqlite_internal.h"
#include "dialect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Virtual-machine steps between two looks at the clock: a few hundred
 * microseconds of work, so that the check costs nothing measurable. */
#define STEPS_PER_CHECK 10000

/* Functions that reach files or the extension loader, or run stored SQL;
 * matched case-insensitively anywhere in the name (SpatiaLite has
 * ImportSHP, ExportGeoJSON2, BlobFromFile, StoredProc_Execute...). */
static const char *const denied_function_parts[] = {
    "load_extension", "import",    "export",  "file",          "dump",
    "storedproc",     "storedvar", "sqlproc", "xb_store",      "xb_load",
    "writefile",      "readfile",  "edit",    "fts3_tokenizer"};

/* PRAGMAs that only report, allowed without a value. */
static const char *const read_pragmas[] = {
    "table_info",       "table_xinfo",     "index_list",     "index_info",
    "foreign_key_list", "user_version",    "application_id", "encoding",
    "page_count",       "page_size",       "schema_version", "function_list",
    "collation_list",   "compile_options", "database_list"};

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
    for (size_t i = 0;
         i < sizeof denied_function_parts / sizeof denied_function_parts[0];
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
    sql_guard_t *g = user;
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
        snprintf(g->denied, sizeof g->denied, "%s %s%s%s", action_name(action),
                 what ? what : "", action == SQLITE_PRAGMA && a2 ? " = " : "",
                 action == SQLITE_PRAGMA && a2 ? a2 : "");
    }
    return ok ? SQLITE_OK : SQLITE_DENY;
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double budget_of(const sql_guard_t *g)
{
    return g->budget_s > 0 ? g->budget_s : SQL_GUARD_DEFAULT_BUDGET_S;
}

/* Non-zero interrupts the statement (SQLITE_INTERRUPT). */
static int check_budget(void *user)
{
    sql_guard_t *g = user;
    if (monotonic_seconds() <= g->deadline)
        return 0;
    g->over_budget = 1;
    return 1;
}

void sql_guard_on(tob_store_t *st, sql_guard_t *g)
{
    sqlite3 *db = db_sqlite(st);
    g->denied[0] = '\0';
    g->over_budget = 0;
    /* The first use of an R*Tree on a connection runs its own set-up,
     * which the guard would refuse: connect it before. */
    if (!g->rtree_ready) {
        sqlite3_exec(db, "SELECT pkid FROM idx_territory_geom LIMIT 0", NULL,
                     NULL, NULL);
        g->rtree_ready = 1;
    }
    sqlite3_set_authorizer(db, authorize, g);
    g->deadline = monotonic_seconds() + budget_of(g);
    sqlite3_progress_handler(db, STEPS_PER_CHECK, check_budget, g);
}

void sql_guard_off(tob_store_t *st)
{
    sqlite3_progress_handler(db_sqlite(st), 0, NULL, NULL);
    sqlite3_set_authorizer(db_sqlite(st), NULL, NULL);
}

tob_status_t sql_guard_prepare(tob_store_t *st, const sql_guard_t *g,
                               const char *sql, db_stmt_t **stmt, int *more,
                               tob_error_t *err)
{
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    *stmt = NULL;
    char *mine = NULL;
    if (dialect_needs(DIALECT_SQLITE, sql) &&
        (mine = dialect_sql(DIALECT_SQLITE, tob_store_srid(st), sql, NULL)) ==
            NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int rc = sqlite3_prepare_v2(db_sqlite(st), mine ? mine : sql, -1, &s, &tail);
    while (tail != NULL && isspace((unsigned char)*tail))
        tail++;
    if (more != NULL)
        *more = tail != NULL && *tail != '\0';
    free(mine);
    if (rc != SQLITE_OK)
        return sql_guard_error(st, g, err);
    if ((*stmt = db_wrap_sqlite(s)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

tob_status_t sql_guard_error(tob_store_t *st, const sql_guard_t *g,
                             tob_error_t *err)
{
    sqlite3 *db = db_sqlite(st);
    if (g->over_budget) {
        tob_error_set(
            err, TOB_ERR_INPUT,
            "the style's SQL ran longer than its budget of %g s: "
            "a query that never ends (a recursive WITH?)%s%s%s",
            budget_of(g), g->budget_key ? "; if it is only slow, " : "",
            g->budget_key ? "raise " : "", g->budget_key ? g->budget_key : "");
        tob_error_at(err, NULL, 0, g->budget_key);
        return TOB_ERR_INPUT;
    }
    if (g->denied[0] != '\0')
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the style's SQL may only read the store: %s "
                             "is not allowed",
                             g->denied);
    return tob_error_lib(err, TOB_ERR_INPUT, sqlite3_extended_errcode(db),
                         "the style's SQL fails: %s", sqlite3_errmsg(db));
}
