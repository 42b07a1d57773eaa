/* sql_guard.c - the read-only authorizer for users' SQL (sql_guard.h).
 * Moved from render_sql.c so that the QGIS project writer, which runs the
 * same style SQL, is held to the same rules. */
#include "sql_guard.h"

#include "db_pg_internal.h"
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

/* PostgreSQL: the functions that reach files, the server or other
 * sessions, refused by name as SQLite's authorizer refuses its own; and
 * SpatiaLite's writers (DropTable...), refused as on SQLite rather than
 * left to fail as unknown. (PostGIS's own writers meet the read-only
 * transaction.) */
static const char *const pg_denied_function_parts[] = {
    "droptable", "spatialindex", "renametable", "renamecolumn",
    "pg_read",   "pg_ls",        "pg_stat_file", "lo_",
    "dblink",    "pg_terminate", "pg_cancel",    "pg_reload",
    "pg_rotate", "set_config",   "pg_sleep",     "pg_advisory",
    "pg_notify", "query_to_xml", "copy",         "nextval",
    "setval",    "pg_logical",   "pg_create",    "pg_drop",
    "pg_switch", "pg_promote",   "pg_backup",    "txid_",
    "pg_current"};

static int pg_function_allowed(const char *name, size_t n)
{
    char low[64];
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = '\0';
    if (!function_allowed(low))
        return 0;
    for (size_t i = 0; i < sizeof pg_denied_function_parts /
                               sizeof pg_denied_function_parts[0];
         i++)
        if (strstr(low, pg_denied_function_parts[i]) != NULL)
            return 0;
    return 1;
}

/* Scans users' SQL for PostgreSQL: every name called as a function must be
 * allowed; *more when a second statement follows. 1 when it may run. */
static int pg_scan(sql_guard_t *g, const char *sql, int *more)
{
    *more = 0;
    for (const char *p = sql; *p != '\0'; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            while (p[1] != '\0' && p[1] != q)
                p++;
            if (p[1] == '\0')
                break;
            p++;
            continue;
        }
        if (*p == ';') {
            const char *t = p + 1;
            while (isspace((unsigned char)*t))
                t++;
            *more = *more || *t != '\0';
            continue;
        }
        if (!(isalpha((unsigned char)*p) || *p == '_') ||
            (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
            continue;
        const char *w = p;
        while (isalnum((unsigned char)p[1]) || p[1] == '_')
            p++;
        const char *after = p + 1;
        while (isspace((unsigned char)*after))
            after++;
        if (*after == '(' && !pg_function_allowed(w, (size_t)(p + 1 - w))) {
            /* Named in lower case, as SQLite's authorizer names it. */
            int n = snprintf(g->denied, sizeof g->denied, "function %.*s",
                             (int)(p + 1 - w), w);
            for (int i = 9; i < n && i < (int)sizeof g->denied; i++)
                g->denied[i] = (char)tolower((unsigned char)g->denied[i]);
            return 0;
        }
    }
    return 1;
}

/* The budget is the server's statement_timeout there. */
static void pg_guard_on(tob_store_t *st, sql_guard_t *g)
{
    g->denied[0] = '\0';
    g->over_budget = 0;
    if (pg_in_transaction(st))
        return;
    char sql[128];
    snprintf(sql, sizeof sql,
             "BEGIN READ ONLY; SET LOCAL statement_timeout = %.0f",
             budget_of(g) * 1000);
    if (pg_exec(st, sql) == 0)
        st->guard_txn = 1;
}

void sql_guard_on(tob_store_t *st, sql_guard_t *g)
{
    if (st->engine == DIALECT_PG) {
        pg_guard_on(st, g);
        return;
    }
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
    if (st->engine == DIALECT_PG) {
        if (st->guard_txn)
            pg_exec(st, "ROLLBACK");
        st->guard_txn = 0;
        return;
    }
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
    if (st->engine == DIALECT_PG) {
        int extra = 0;
        pg_stmt_t *ps = NULL;
        if (!pg_scan((sql_guard_t *)g, sql, &extra))
            return sql_guard_error(st, g, err);
        if (more != NULL)
            *more = extra;
        if (extra)
            return TOB_OK;
        int rc = pgs_prepare(st, sql, 1, &ps);
        if (rc == -2)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        if (rc != 0)
            return sql_guard_error(st, g, err);
        if ((*stmt = db_wrap_pg(ps)) == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        return TOB_OK;
    }
    char *mine = NULL;
    if (dialect_needs(DIALECT_SQLITE, sql) &&
        (mine = dialect_sql(DIALECT_SQLITE, tob_store_srid(st), sql, NULL)) ==
            NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int rc =
        sqlite3_prepare_v2(db_sqlite(st), mine ? mine : sql, -1, &s, &tail);
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
    int over =
        g->over_budget || (st->engine == DIALECT_PG &&
                           strstr(pg_errmsg(st), "statement timeout") != NULL);
    if (over) {
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
    if (st->engine == DIALECT_PG)
        return tob_error_lib(err, TOB_ERR_INPUT, 1, "the style's SQL fails: %s",
                             pg_errmsg(st));
    sqlite3 *db = db_sqlite(st);
    return tob_error_lib(err, TOB_ERR_INPUT, sqlite3_extended_errcode(db),
                         "the style's SQL fails: %s", sqlite3_errmsg(db));
}
