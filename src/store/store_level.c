/* store_level.c - levels with their spatial views, and provenance records. */
#include "terrobs/store.h"

#include "db.h"
#include "store_internal.h"
#include "terrobs/version.h"

#include <cpl_vsi.h>
#include <glib.h>

#include <stdio.h>
#include <string.h>

/* Names the store itself uses: a level may not shadow them. */
static const char *const reserved_names[] = {"meta",
                                             "source",
                                             "level",
                                             "territory",
                                             "membership",
                                             "variable",
                                             "observation",
                                             "contract",
                                             "project",
                                             "funding",
                                             "phase",
                                             "partner",
                                             "contract_phase",
                                             "contract_partner",
                                             "project_funding",
                                             "gup_site",
                                             "gup_site_member",
                                             "gup_action",
                                             "gup_report",
                                             "gup_referent",
                                             "spatial_ref_sys",
                                             "geometry_columns",
                                             "views_geometry_columns",
                                             "virts_geometry_columns",
                                             "sql_statements_log",
                                             "spatialite_history",
                                             "data_licenses",
                                             "sqlite_sequence",
                                             NULL};

tob_status_t tob_store_check_level_name(const char *name, tob_error_t *err)
{
    size_t len = name != NULL ? strlen(name) : 0;
    if (len == 0 || len > TOB_LEVEL_NAME_MAX)
        return tob_error_set(err, TOB_ERR_ARG,
                             "level name must have 1 to %d characters",
                             TOB_LEVEL_NAME_MAX);
    if (!(name[0] >= 'a' && name[0] <= 'z'))
        return tob_error_set(err, TOB_ERR_ARG,
                             "level name '%s' must start with a lowercase "
                             "letter",
                             name);
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return tob_error_set(err, TOB_ERR_ARG,
                                 "level name '%s' may only hold a-z, 0-9 "
                                 "and _",
                                 name);
    }
    for (size_t i = 0; reserved_names[i] != NULL; i++)
        if (strcmp(name, reserved_names[i]) == 0 ||
            strncmp(name, "idx_", 4) == 0 || strncmp(name, "gup_", 4) == 0)
            return tob_error_set(err, TOB_ERR_ARG,
                                 "level name '%s' is reserved by the store",
                                 name);
    return TOB_OK;
}

/* French labels for the levels users load most. */
static const char *default_label(const char *name)
{
    static const char *const known[][2] = {
        {"commune", "Commune"},
        {"epci", "EPCI"},
        {"departement", "Département"},
        {"region", "Région"},
        {"qpv", "Quartier prioritaire"},
        {"scot", "SCoT"},
        {"zone", "Zone"},
        {"iris", "IRIS"},
        {"canton", "Canton"},
        {"arrondissement", "Arrondissement"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i][0], name) == 0)
            return known[i][1];
    return name;
}

int tob_store_has_level(tob_store_t *st, const char *name)
{
    db_stmt_t *stmt = NULL;
    int found = 0;
    if (db_try_prepare(st, "SELECT 1 FROM level WHERE name = ?", &stmt)) {
        db_bind_text_static(stmt, 1, name);
        found = db_step(stmt) == DB_ROW;
    }
    db_finalize(stmt);
    return found;
}

/* The view is what QGIS and ogrinfo list as the level's layer. The name was
 * checked against [a-z0-9_], so quoting it is safe. */
tob_status_t store_level_view(tob_store_t *st, const char *name,
                              tob_error_t *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE VIEW \"%s\" AS SELECT id, code, name, vintage,"
             " parent_code, area_m2, geom FROM territory"
             " WHERE level = '%s';",
             name, name);
    tob_status_t s = tob_store_exec(st, sql, err);
    /* PostGIS lists a view's geometry column by itself. */
    if (s != TOB_OK || st->engine == DIALECT_PG)
        return s;
    db_stmt_t *stmt = NULL;
    s = db_prepare(st,
                   "INSERT INTO views_geometry_columns (view_name,"
                   " view_geometry, view_rowid, f_table_name,"
                   " f_geometry_column, read_only)"
                   " VALUES (?, 'geom', 'id', 'territory', 'geom', 1)",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, name);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(st, "registering the level's view", err);
    db_finalize(stmt);
    return s;
}

static int name_taken(tob_store_t *st, const char *name)
{
    db_stmt_t *stmt = NULL;
    int taken = 1;
    if (db_try_prepare(st,
                       st->engine == DIALECT_PG
                           ? "SELECT 1 FROM pg_class WHERE relnamespace ="
                             " current_schema()::regnamespace"
                             " AND lower(relname) = lower(?)"
                           : "SELECT 1 FROM sqlite_master WHERE name = ?"
                             " COLLATE NOCASE",
                       &stmt)) {
        db_bind_text_static(stmt, 1, name);
        taken = db_step(stmt) == DB_ROW;
    }
    db_finalize(stmt);
    return taken;
}

tob_status_t tob_store_ensure_level(tob_store_t *st, const char *name,
                                    const char *label, int spatial,
                                    tob_error_t *err)
{
    tob_status_t s = tob_store_check_level_name(name, err);
    if (s != TOB_OK || tob_store_has_level(st, name))
        return s;
    if (name_taken(st, name))
        return tob_error_set(err, TOB_ERR_ARG,
                             "level name '%s' is already a table of the "
                             "store",
                             name);
    db_stmt_t *stmt = NULL;
    s = db_prepare(st,
                   "INSERT INTO level (name, label, spatial)"
                   " VALUES (?, ?, ?)",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, name);
    db_bind_text_static(stmt, 2, label != NULL ? label : default_label(name));
    db_bind_int(stmt, 3, spatial != 0);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(st, "adding the level", err);
    db_finalize(stmt);
    if (s == TOB_OK)
        s = store_level_view(st, name, err);
    return s;
}

static void bind_opt_text(db_stmt_t *stmt, int i, const char *text)
{
    if (text != NULL)
        db_bind_text_static(stmt, i, text);
    else
        db_bind_null(stmt, i);
}

tob_status_t tob_store_add_source(tob_store_t *st,
                                  const tob_source_record_t *rec, tob_id_t *id,
                                  tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "INSERT INTO source (kind, path, layer, level, vintage, n_items,"
        " checksum, loaded_at, terrobs_version, details)"
        " VALUES (?, ?, ?, ?, ?, ?, ?,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?) RETURNING id",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, rec->kind);
    db_bind_text_static(stmt, 2, rec->path);
    bind_opt_text(stmt, 3, rec->layer);
    bind_opt_text(stmt, 4, rec->level);
    if (rec->vintage != 0)
        db_bind_int(stmt, 5, rec->vintage);
    db_bind_int64(stmt, 6, rec->n_items);
    bind_opt_text(stmt, 7, rec->checksum);
    db_bind_text_static(stmt, 8, tob_version());
    bind_opt_text(stmt, 9, rec->details);
    if (db_step(stmt) != DB_ROW)
        s = db_fail(st, "recording provenance", err);
    else if (id != NULL)
        *id = db_column_int64(stmt, 0);
    db_finalize(stmt);
    return s;
}

tob_status_t tob_store_finish_source(tob_store_t *st, tob_id_t id,
                                     long long n_items, const char *details,
                                     tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st, "UPDATE source SET n_items = ?, details = ? WHERE id = ?", &stmt,
        err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(stmt, 1, n_items);
    bind_opt_text(stmt, 2, details);
    db_bind_int64(stmt, 3, id);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(st, "recording provenance", err);
    db_finalize(stmt);
    return s;
}

/* Marks stale the aggregations from or to level, then those built on a
 * stale one, until none is added. */
tob_status_t tob_store_mark_aggregates_stale(tob_store_t *st, const char *level,
                                             tob_error_t *err)
{
    static const char *const sql[] = {
        "UPDATE aggregate_run SET stale = 1 WHERE from_level = ?1"
        " OR to_level = ?1",
        "UPDATE aggregate_run SET stale = 1 WHERE stale = 0 AND from_level"
        " IN (SELECT to_level FROM aggregate_run WHERE stale = 1)"};
    tob_status_t s = TOB_OK;
    for (int pass = 0; s == TOB_OK && pass < 64; pass++) {
        db_stmt_t *stmt = NULL;
        s = db_prepare(st, sql[pass > 0], &stmt, err);
        if (s != TOB_OK)
            break;
        if (pass == 0)
            db_bind_text_static(stmt, 1, level);
        if (db_step(stmt) != DB_DONE)
            s = db_fail(st, "marking stored aggregates stale", err);
        db_finalize(stmt);
        if (s == TOB_OK && pass > 0 && db_changes(st) == 0)
            break;
    }
    return s;
}

tob_status_t tob_file_sha256(const char *path, char hex[65], tob_error_t *err)
{
    hex[0] = '\0';
    /* The file on disk is what the user has: hash x.gz, not its content. */
    if (strncmp(path, "/vsigzip/", 9) == 0)
        path += 9;
    VSILFILE *fp = VSIFOpenL(path, "rb");
    if (fp == NULL) {
        tob_error_set(err, TOB_ERR_IO, "cannot read the file");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_IO;
    }
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    unsigned char buf[65536];
    size_t got;
    while ((got = VSIFReadL(buf, 1, sizeof buf, fp)) > 0)
        g_checksum_update(sum, buf, (gssize)got);
    VSIFCloseL(fp);
    snprintf(hex, 65, "%s", g_checksum_get_string(sum));
    g_checksum_free(sum);
    return TOB_OK;
}
