/* store_pg.c - an observatory store on PostgreSQL/PostGIS: one schema per
 * observatory (default "terrobs") holding the tables of store_schema.h
 * (respelled by dialect_ddl), geometry(MultiPolygon, srid) with a GiST
 * index, and the schema version and application id in meta, since there
 * is no PRAGMA. The store is named as GDAL names a PostgreSQL source,
 * PG:"dbname=obs host=... active_schema=NAME" (GDAL's keyword, or
 * schema=NAME), or by a postgresql:// URI (?schema=NAME). */
#include "db.h"
#include "db_pg_internal.h"
#include "store_schema.h"

#include <libpq-fe.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char default_schema[64] = "terrobs";

static int valid_schema(const char *schema)
{
    size_t n = schema != NULL ? strlen(schema) : 0;
    int ok = n > 0 && n < sizeof default_schema &&
             (islower((unsigned char)schema[0]) || schema[0] == '_');
    for (size_t i = 0; ok && i < n; i++)
        ok = islower((unsigned char)schema[i]) ||
             isdigit((unsigned char)schema[i]) || schema[i] == '_';
    return ok;
}

tob_status_t tob_store_set_schema(const char *schema, tob_error_t *err)
{
    size_t n = schema != NULL ? strlen(schema) : 0;
    if (!valid_schema(schema))
        return tob_error_set(err, TOB_ERR_ARG,
                             "schema '%s' is not a name of [a-z0-9_] starting"
                             " with a letter (at most 63)",
                             schema ? schema : "");
    memcpy(default_schema, schema, n + 1);
    return TOB_OK;
}

int pg_is_name(const char *name)
{
    return strncmp(name, "PG:", 3) == 0 ||
           strncmp(name, "postgresql://", 13) == 0 ||
           strncmp(name, "postgres://", 11) == 0;
}

/* Splits a store name into libpq's connection string and the schema:
 * "schema=x" is taken out of a keyword list or a URI's query. */
static tob_status_t split_name(const char *name, char **conninfo,
                               char schema[64], tob_error_t *err)
{
    const char *ci = strncmp(name, "PG:", 3) == 0 ? name + 3 : name;
    char *out = malloc(strlen(ci) + 1);
    if (out == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(schema, 64, "%s", default_schema);
    /* GDAL's active_schema= (so that ogrinfo and QGIS open the same
     * name), or schema=. */
    const char *key = NULL, *kw = NULL;
    static const char *const keys[] = {"active_schema=", "schema="};
    for (size_t k = 0; key == NULL && k < 2; k++) {
        kw = keys[k];
        key = strstr(ci, kw);
        while (key != NULL && key != ci && key[-1] != ' ' && key[-1] != '?' &&
               key[-1] != '&')
            key = strstr(key + 1, kw);
    }
    if (key == NULL) {
        strcpy(out, ci);
        *conninfo = out;
        return TOB_OK;
    }
    const char *v = key + strlen(kw), *e = v;
    while (*e != '\0' && *e != ' ' && *e != '&')
        e++;
    char given[64];
    snprintf(given, sizeof given, "%.*s", (int)(e - v), v);
    size_t head = (size_t)(key - ci);
    memcpy(out, ci, head);
    const char *rest = *e == '&' || *e == ' ' ? e + 1 : e;
    if (*rest == '\0' && head > 0 &&
        (out[head - 1] == '?' || out[head - 1] == '&' || out[head - 1] == ' '))
        head--;
    strcpy(out + head, rest);
    *conninfo = out;
    if (!valid_schema(given))
        return tob_error_set(err, TOB_ERR_ARG,
                             "schema '%s' is not a name of [a-z0-9_]"
                             " starting with a letter",
                             given);
    snprintf(schema, 64, "%s", given);
    return TOB_OK;
}

/* The end of a connection value starting at v: up to a space, or the
 * closing quote of a quoted one. */
static const char *value_end(const char *v)
{
    if (*v != '\'')
        return v + strcspn(v, " &");
    for (v++; *v != '\0' && *v != '\''; v++)
        if (*v == '\\' && v[1] != '\0')
            v++;
    return *v == '\'' ? v + 1 : v;
}

/* name with its password (password=..., or a URI's user:password@)
 * replaced by ***, malloc'd; *secret the password itself (malloc'd, NULL
 * when there is none). */
static char *shown_name(const char *name, char **secret)
{
    *secret = NULL;
    char *out = malloc(strlen(name) + 4);
    if (out == NULL)
        return NULL;
    const char *from = NULL, *to = NULL;
    const char *uri = strstr(name, "://");
    const char *pw = strstr(name, "password=");
    while (pw != NULL && pw != name && pw[-1] != ' ' && pw[-1] != '?' &&
           pw[-1] != '&' && pw[-1] != ':')
        pw = strstr(pw + 1, "password=");
    if (pw != NULL) {
        from = pw + strlen("password=");
        to = value_end(from);
    } else if (uri != NULL) {
        const char *auth = uri + 3, *end = auth + strcspn(auth, "/?");
        const char *atsign = memchr(auth, '@', (size_t)(end - auth));
        const char *colon =
            atsign ? memchr(auth, ':', (size_t)(atsign - auth)) : NULL;
        if (colon != NULL) {
            from = colon + 1;
            to = atsign;
        }
    }
    if (from == NULL || to == from) {
        strcpy(out, name);
        return out;
    }
    size_t n = (size_t)(to - from);
    if (*from == '\'' && n >= 2)
        *secret = strndup(from + 1, n - 2);
    else
        *secret = strndup(from, n);
    sprintf(out, "%.*s***%s", (int)(from - name), name, to);
    pg_scrub(out, *secret);
    return out;
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static tob_status_t pg_fail(tob_store_t *st, const char *doing,
                            tob_status_t code, tob_error_t *err)
{
    tob_error_set(err, code, "%s: %s", doing, pg_errmsg(st));
    tob_error_at(err, st->path, 0, NULL);
    return code;
}

/* A value of one row and column, malloc'd; NULL when there is none. */
static char *query_value(tob_store_t *st, const char *sql)
{
    PGresult *r = PQexec((PGconn *)st->pg, sql);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
        !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        pg_set_error(st, PQresultErrorMessage(r));
    PQclear(r);
    return v;
}

/* The search path: the observatory's schema, then PostGIS's. */
static tob_status_t set_path(tob_store_t *st, tob_error_t *err)
{
    char *ext = query_value(st, "SELECT extnamespace::regnamespace::text"
                                " FROM pg_extension WHERE extname = 'postgis'");
    char sql[256];
    snprintf(sql, sizeof sql, "SET search_path = \"%s\"%s%s", st->schema,
             ext ? ", " : "", ext ? ext : "");
    free(ext);
    if (pg_exec(st, sql) != 0)
        return pg_fail(st, "setting up the connection", TOB_ERR_IO, err);
    char *oid = query_value(st, "SELECT oid FROM pg_type"
                                " WHERE typname = 'geometry' LIMIT 1");
    st->geometry_oid = oid ? (unsigned)strtoul(oid, NULL, 10) : 0;
    free(oid);
    return TOB_OK;
}

static tob_status_t connect_pg(const char *name, tob_store_t **out,
                               tob_error_t *err)
{
    *out = NULL;
    tob_store_t *st = calloc(1, sizeof *st);
    if (st == NULL || (st->path = shown_name(name, &st->secret)) == NULL) {
        free(st);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    st->engine = DIALECT_PG;
    st->owner = pthread_self();
    char schema[64], *conninfo = NULL;
    tob_status_t s = split_name(name, &conninfo, schema, err);
    if (s == TOB_OK && (st->schema = strdup(schema)) == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s != TOB_OK) {
        free(conninfo);
        tob_error_at(err, st->path, 0, NULL);
        pg_store_close(st);
        return s;
    }
    PGconn *c = PQconnectdb(conninfo);
    free(conninfo);
    st->pg = (struct pg_conn *)c;
    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        s = pg_fail(st, "cannot connect", TOB_ERR_IO, err);
        pg_store_close(st);
        return s;
    }
    PQsetNoticeProcessor(c, quiet_notices, NULL);
    /* No JIT: compiling a query takes 10 to 50 ms, more than our largest
     * reads (a level's geometries) gain from it. */
    if (pg_exec(st, "SET client_min_messages = warning; SET TIME ZONE 'UTC';"
                    " SET extra_float_digits = 1; SET jit = off") != 0) {
        s = pg_fail(st, "setting up the connection", TOB_ERR_IO, err);
        pg_store_close(st);
        return s;
    }
    *out = st;
    return TOB_OK;
}

void pg_store_close(tob_store_t *st)
{
    if (st->pg != NULL)
        PQfinish((PGconn *)st->pg);
    st->pg = NULL;
    free(st->schema);
    free(st->name);
    free(st->path);
    free(st->secret);
    free(st);
}

static int schema_exists(tob_store_t *st)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT 1 FROM pg_namespace WHERE nspname = '%s'",
             st->schema);
    char *v = query_value(st, sql);
    free(v);
    return v != NULL;
}

static tob_status_t exec_ddl(tob_store_t *st, const char *ddl, tob_error_t *err)
{
    char *sql = dialect_ddl(DIALECT_PG, ddl);
    if (sql == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    int rc = pg_exec(st, sql);
    free(sql);
    return rc == 0 ? TOB_OK
                   : pg_fail(st, "creating tables", TOB_ERR_STORE, err);
}

/* The schema's change counter (db_data_version()): every statement that
 * writes a table of the schema, whoever sends it (terrobs, QGIS, psql),
 * advances tob_data_version, so a site or an atlas knows whether what it
 * made from the store is still true. A sequence, not a row: never locked,
 * so concurrent writers do not wait for each other, and advanced by
 * rolled-back statements too (a rerun then recomputes, never misses a
 * change). The function runs as the store's owner, so editors need no
 * right on the sequence. */
static const char TOB_PG_CHANGES_SQL[] =
    "CREATE SEQUENCE tob_data_version;"
    "CREATE FUNCTION tob_data_changed() RETURNS trigger LANGUAGE plpgsql"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS"
    " $$BEGIN PERFORM nextval(format('%I.tob_data_version',"
    " TG_TABLE_SCHEMA)); RETURN NULL; END$$;"
    "DO $$DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables"
    " WHERE schemaname = current_schema() LOOP EXECUTE format('CREATE"
    " TRIGGER tob_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I"
    " FOR EACH STATEMENT EXECUTE FUNCTION tob_data_changed()', t); END LOOP;"
    " END$$";

/* The schema's objects, inside the caller's transaction. */
static tob_status_t schema_body(tob_store_t *st, int srid, int replace,
                                tob_error_t *err)
{
    char sql[2048];
    if (replace)
        snprintf(sql, sizeof sql,
                 "DROP SCHEMA \"%s\" CASCADE; CREATE SCHEMA \"%s\"", st->schema,
                 st->schema);
    else
        snprintf(sql, sizeof sql, "CREATE SCHEMA \"%s\"", st->schema);
    tob_status_t s = pg_exec(st, sql) == 0 ? TOB_OK
                                           : pg_fail(st, "creating the schema",
                                                     TOB_ERR_STORE, err);
    if (s == TOB_OK)
        s = set_path(st, err);
    for (size_t i = 0; s == TOB_OK && i < TOB_SCHEMA_N_PARTS; i++)
        s = exec_ddl(st, TOB_SCHEMA_PARTS[i], err);
    if (s == TOB_OK && pg_exec(st, TOB_SCHEMA_PG_COVERING_SQL) != 0)
        s = pg_fail(st, "creating indexes", TOB_ERR_STORE, err);
    /* SQLite's booleans are numbers: tob_num() makes them so for the
     * dialect's total(). */
    if (s == TOB_OK &&
        pg_exec(st, "CREATE FUNCTION tob_num(boolean) RETURNS double precision"
                    " AS 'SELECT CASE WHEN $1 THEN 1.0 ELSE 0.0 END'"
                    " LANGUAGE sql IMMUTABLE;"
                    " CREATE FUNCTION tob_num(double precision)"
                    " RETURNS double precision AS 'SELECT $1'"
                    " LANGUAGE sql IMMUTABLE") != 0)
        s = pg_fail(st, "creating functions", TOB_ERR_STORE, err);
    snprintf(sql, sizeof sql,
             "ALTER TABLE territory ADD COLUMN geom"
             " geometry(MultiPolygon, %d);"
             "CREATE INDEX territory_geom ON territory USING gist (geom);"
             "ALTER TABLE project ADD COLUMN geom geometry(Point, %d);"
             "CREATE INDEX project_geom ON project USING gist (geom);"
             /* The values of a (variable, year) come from the index alone
              * (an index-only scan): a level's 35,357 values are read in
              * milliseconds, not by visiting as many heap pages. SQLite's
              * table is its primary key (WITHOUT ROWID) and needs none. */
             "DROP INDEX observation_variable;"
             "CREATE INDEX observation_variable ON observation"
             " (variable, year) INCLUDE (territory, value, source_id);"
             "INSERT INTO meta VALUES ('srid', '%d'),"
             " ('application_id', '%d'), ('schema_version', '%d'),"
             " ('created', to_char(now() AT TIME ZONE 'UTC',"
             " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
             srid, srid, srid, TOB_STORE_APPLICATION_ID,
             TOB_STORE_SCHEMA_VERSION);
    if (s == TOB_OK && pg_exec(st, sql) != 0)
        s = pg_fail(st, "creating the geometry column", TOB_ERR_STORE, err);
    if (s == TOB_OK && pg_exec(st, TOB_PG_CHANGES_SQL) != 0)
        s = pg_fail(st, "creating the change counter", TOB_ERR_STORE, err);
    return s;
}

static tob_status_t write_schema(tob_store_t *st, int srid, int replace,
                                 tob_error_t *err)
{
    if (pg_exec(st, "BEGIN") != 0)
        return pg_fail(st, "setting up", TOB_ERR_STORE, err);
    tob_status_t s = schema_body(st, srid, replace, err);
    if (s == TOB_OK && pg_exec(st, "COMMIT") != 0)
        s = pg_fail(st, "committing", TOB_ERR_STORE, err);
    if (s != TOB_OK)
        pg_exec(st, "ROLLBACK");
    return s;
}

/* PostGIS in the database: made when missing (the owner may). */
static tob_status_t ensure_postgis(tob_store_t *st, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    char *have = query_value(st, "SELECT 1 FROM pg_extension"
                                 " WHERE extname = 'postgis'");
    if (have == NULL && pg_exec(st, "CREATE EXTENSION postgis") != 0)
        s = pg_fail(st,
                    "PostGIS is not installed in this database (as its owner:"
                    " CREATE EXTENSION postgis)",
                    TOB_ERR_STORE, err);
    free(have);
    return s;
}

/* A connection for a new store (*st NULL on failure to connect), PostGIS
 * in its database, and whether the schema exists. */
static tob_status_t connect_new(const char *name, tob_store_t **st, int *exists,
                                tob_error_t *err)
{
    *st = NULL;
    *exists = 0;
    tob_status_t s = connect_pg(name, st, err);
    if (s == TOB_OK)
        s = ensure_postgis(*st, err);
    *exists = s == TOB_OK && schema_exists(*st);
    return s;
}

/* The store made or opened when s is TOB_OK, else closed (a transaction
 * rolled back) with err at name. */
static tob_status_t hand_over(tob_store_t *st, tob_status_t s, const char *name,
                              tob_store_t **out, tob_error_t *err)
{
    if (s == TOB_OK) {
        *out = st;
        return TOB_OK;
    }
    if (pg_in_transaction(st))
        pg_exec(st, "ROLLBACK");
    tob_error_at(err, name, 0, NULL);
    pg_store_close(st);
    return s;
}

tob_status_t pg_store_create(const char *name, int srid, int force,
                             tob_error_t *err)
{
    tob_store_t *st = NULL;
    int exists = 0;
    tob_status_t s = connect_new(name, &st, &exists, err);
    if (st == NULL)
        return s;
    if (s == TOB_OK && exists && !force) {
        s = tob_error_set(err, TOB_ERR_EXISTS,
                          "schema '%s' exists; use --force to replace it",
                          st->schema);
        tob_error_at(err, st->path, 0, NULL);
    }
    if (s == TOB_OK)
        s = write_schema(st, srid, exists, err);
    pg_store_close(st);
    return s;
}

/* "DATABASE, schema SCHEMA", as people name the store. */
static void set_name(tob_store_t *st)
{
    char *db = query_value(st, "SELECT current_database()");
    if (db != NULL) {
        size_t n = strlen(db) + strlen(st->schema) + 16;
        free(st->name);
        if ((st->name = malloc(n)) != NULL)
            snprintf(st->name, n, "%s, schema %s", db, st->schema);
        free(db);
    }
}

tob_status_t pg_store_create_begun(const char *name, int srid,
                                   tob_store_t **out, tob_error_t *err)
{
    tob_store_t *st = NULL;
    int exists = 0;
    *out = NULL;
    tob_status_t s = connect_new(name, &st, &exists, err);
    if (st == NULL)
        return s;
    if (s == TOB_OK && pg_exec(st, "BEGIN") != 0)
        s = pg_fail(st, "setting up", TOB_ERR_STORE, err);
    if (s == TOB_OK)
        s = schema_body(st, srid, exists, err);
    /* Writers of the schema wait for the copy, as for an import. */
    if (s == TOB_OK &&
        pg_exec(st, "SELECT pg_advisory_xact_lock("
                    "hashtext('terrobs.' || current_schema()))") != 0)
        s = pg_fail(st, "locking the store", TOB_ERR_STORE, err);
    if (s == TOB_OK) {
        st->srid = srid;
        st->version = TOB_STORE_SCHEMA_VERSION;
        set_name(st);
    }
    return hand_over(st, s, name, out, err);
}

tob_status_t pg_sync_ids(tob_store_t *st, tob_error_t *err)
{
    /* Identity columns continue after the rows copied with their ids. */
    static const char sql[] =
        "DO $$ DECLARE r record; BEGIN"
        " FOR r IN SELECT table_name, column_name"
        " FROM information_schema.columns WHERE table_schema ="
        " current_schema() AND is_identity = 'YES' LOOP"
        " EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L),"
        " coalesce(max(%I), 0) + 1, false) FROM %I', r.table_name,"
        " r.column_name, r.column_name, r.table_name);"
        " END LOOP; END $$";
    if (pg_exec(st, sql) != 0)
        return pg_fail(st, "setting the next ids", TOB_ERR_STORE, err);
    return TOB_OK;
}

/* Appends key='value' (libpq and QGIS quote alike: ' and \ escaped). */
static void put_param(char *out, size_t size, const char *key,
                      const char *value)
{
    size_t n = strlen(out);
    if (value == NULL || *value == '\0' || n + strlen(key) + 4 >= size)
        return;
    n += (size_t)snprintf(out + n, size - n, "%s%s='", n ? " " : "", key);
    for (const char *p = value; *p != '\0' && n + 3 < size; p++) {
        if (*p == '\'' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    snprintf(out + n, size - n, "'");
}

tob_status_t db_pg_conninfo(tob_store_t *st, char *out, size_t size,
                            tob_error_t *err)
{
    if (size > 0)
        out[0] = '\0';
    if (st->engine != DIALECT_PG)
        return tob_error_set(err, TOB_ERR_ARG, "%s is not a PostgreSQL store",
                             st->path);
    PGconn *c = (PGconn *)st->pg;
    /* What the connection uses, the password left out. */
    put_param(out, size, "dbname", PQdb(c));
    put_param(out, size, "host", PQhost(c));
    put_param(out, size, "port", PQport(c));
    put_param(out, size, "user", PQuser(c));
    PQconninfoOption *opts = PQconninfo(c);
    for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
        if (strcmp(o->keyword, "sslmode") == 0 && o->val != NULL &&
            strcmp(o->val, "prefer") != 0)
            put_param(out, size, "sslmode", o->val);
        else if (strcmp(o->keyword, "service") == 0)
            put_param(out, size, "service", o->val);
    PQconninfoFree(opts);
    return TOB_OK;
}

const char *db_pg_schema(tob_store_t *st)
{
    return st->engine == DIALECT_PG ? st->schema : NULL;
}

/* Refuses schemas that are not ours, or that a newer terrobs wrote. */
static tob_status_t check_store(tob_store_t *st, tob_error_t *err)
{
    if (!schema_exists(st))
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no schema '%s' in this database (create the"
                             " store with 'terrobs init')",
                             st->schema);
    char *app = query_value(st, "SELECT value FROM meta"
                                " WHERE key = 'application_id'");
    char *ver = app ? query_value(st, "SELECT value FROM meta"
                                      " WHERE key = 'schema_version'")
                    : NULL;
    char *srid = ver ? query_value(st, "SELECT value FROM meta"
                                       " WHERE key = 'srid'")
                     : NULL;
    tob_status_t s = TOB_OK;
    if (app == NULL || atoi(app) != TOB_STORE_APPLICATION_ID)
        s = tob_error_set(err, TOB_ERR_STORE,
                          "schema '%s' is not a terrobs store (create one"
                          " with 'terrobs init')",
                          st->schema);
    else if (ver == NULL || atoi(ver) > TOB_STORE_SCHEMA_VERSION)
        s = tob_error_set(err, TOB_ERR_STORE,
                          "store schema version %s is newer than this "
                          "terrobs reads (%d): upgrade terrobs",
                          ver ? ver : "?", TOB_STORE_SCHEMA_VERSION);
    else if (srid == NULL)
        s = tob_error_set(err, TOB_ERR_STORE,
                          "damaged terrobs store: no storage CRS");
    else
        st->srid = atoi(srid);
    free(app);
    free(ver);
    free(srid);
    return s;
}

static int has_changes(tob_store_t *st)
{
    char *have = query_value(st, "SELECT to_regclass('tob_data_version')");
    int known = have != NULL;
    free(have);
    return known;
}

/* A schema made before the change counter gets it at its first opening
 * for writing, as SQLite files get their upgrades (under the writers'
 * lock, looked at again: two first writers at once add it once). A role
 * that may write rows but not create in the schema goes on without it:
 * its sites and atlases are then recomputed at each run, never kept
 * stale. */
static void ensure_changes(tob_store_t *st)
{
    if (has_changes(st))
        return;
    int ok = pg_exec(st, "BEGIN") == 0 &&
             pg_exec(st, "SELECT pg_advisory_xact_lock("
                         "hashtext('terrobs.' || current_schema()))") == 0;
    ok = ok && (has_changes(st) || pg_exec(st, TOB_PG_CHANGES_SQL) == 0);
    if (!ok || pg_exec(st, "COMMIT") != 0)
        pg_exec(st, "ROLLBACK");
    st->pg_error[0] = '\0';
}

tob_status_t pg_store_open(const char *name, tob_store_mode_t mode,
                           tob_store_t **out, tob_error_t *err)
{
    tob_store_t *st = NULL;
    *out = NULL;
    tob_status_t s = connect_pg(name, &st, err);
    if (s != TOB_OK)
        return s;
    s = set_path(st, err);
    if (s == TOB_OK)
        s = check_store(st, err);
    if (s == TOB_OK)
        set_name(st);
    st->read_only = mode != TOB_STORE_WRITE;
    if (s == TOB_OK && st->read_only &&
        pg_exec(st, "SET default_transaction_read_only = on") != 0)
        s = pg_fail(st, "setting up the connection", TOB_ERR_IO, err);
    if (s == TOB_OK && !st->read_only)
        ensure_changes(st);
    return hand_over(st, s, st->path, out, err);
}

/* A role name as a quoted identifier ("" doubled), or -1 when it is empty,
 * too long for PostgreSQL (63 bytes) or holds a control character. */
static int quote_role(const char *role, char out[140])
{
    size_t n = 0, len = strlen(role);
    if (len == 0 || len > 63)
        return -1;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)role[i] < 0x20)
            return -1;
        if (role[i] == '"')
            out[n++] = '"';
        out[n++] = role[i];
    }
    out[n++] = '"';
    out[n] = '\0';
    return 0;
}

tob_status_t tob_store_grant_reader(tob_store_t *st, const char *role,
                                    tob_error_t *err)
{
    char q[140];
    if (st->engine != DIALECT_PG)
        return tob_error_set(err, TOB_ERR_ARG,
                             "%s: grant is for PostgreSQL stores; a "
                             "SpatiaLite file is shared by its file "
                             "permissions",
                             st->path);
    if (role == NULL || quote_role(role, q) != 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "role '%s' is not a PostgreSQL role name",
                             role ? role : "");
    char sql[1024];
    /* Only the schema and what it holds, now and later: USAGE on it,
     * SELECT on its tables and views, and the same on the tables this
     * user creates there later (a new level's view); SELECT on its
     * sequences, for the change counter a reader's site or atlas reads. */
    snprintf(sql, sizeof sql,
             "BEGIN;"
             "GRANT USAGE ON SCHEMA \"%s\" TO %s;"
             "GRANT SELECT ON ALL TABLES IN SCHEMA \"%s\" TO %s;"
             "GRANT SELECT ON ALL SEQUENCES IN SCHEMA \"%s\" TO %s;"
             "ALTER DEFAULT PRIVILEGES IN SCHEMA \"%s\" GRANT SELECT ON "
             "TABLES TO %s;"
             "COMMIT",
             st->schema, q, st->schema, q, st->schema, q, st->schema, q);
    if (pg_exec(st, sql) != 0) {
        tob_status_t s = pg_fail(st, "granting read access", TOB_ERR_ARG, err);
        pg_exec(st, "ROLLBACK");
        return s;
    }
    return TOB_OK;
}
