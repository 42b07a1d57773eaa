/* store_bulk.c - bulk writes of territory geometries. SpatiaLite's per-row
 * triggers on territory (type check, R*Tree update, last-change time) cost
 * more than the rest of an insert: a load drops them inside its
 * transaction, inserts geometries it built itself as MULTIPOLYGON in the
 * store SRID, then restores them and fills the R*Tree in one statement:
 * all atomic, as the DDL is part of the transaction. PostGIS maintains its
 * GiST index itself: nothing to do. */
#include "db.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const deferred_triggers[] = {
    "ggi_territory_geom", "ggu_territory_geom", "tmi_territory_geom",
    "tmu_territory_geom", "gii_territory_geom", "giu_territory_geom"};
#define N_DEFERRED (sizeof deferred_triggers / sizeof deferred_triggers[0])

struct db_bulk {
    char *trigger_sql[N_DEFERRED]; /* the triggers suspended */
};

tob_status_t db_bulk_begin(tob_store_t *st, db_bulk_t **out, tob_error_t *err)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (st->engine != DIALECT_SQLITE)
        return TOB_OK;
    db_bulk_t *b = *out;
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                   " AND name = ?",
                   &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < N_DEFERRED; i++) {
        db_bind_text_static(stmt, 1, deferred_triggers[i]);
        if (db_step(stmt) == DB_ROW) {
            b->trigger_sql[i] = strdup(db_column_text(stmt, 0));
            if (b->trigger_sql[i] == NULL)
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        }
        db_reset(stmt);
    }
    db_finalize(stmt);
    for (size_t i = 0; s == TOB_OK && i < N_DEFERRED; i++) {
        char sql[128];
        if (b->trigger_sql[i] == NULL)
            continue;
        snprintf(sql, sizeof sql, "DROP TRIGGER \"%s\"", deferred_triggers[i]);
        s = tob_store_exec(st, sql, err);
    }
    return s;
}

static tob_status_t run_with_source(tob_store_t *st, const char *sql,
                                    tob_id_t source_id, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(st, sql, &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(stmt, 1, source_id);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(st, "updating the spatial index", err);
    db_finalize(stmt);
    return s;
}

tob_status_t db_bulk_end(tob_store_t *st, db_bulk_t *b, tob_id_t source_id,
                         tob_error_t *err)
{
    if (st->engine != DIALECT_SQLITE)
        return TOB_OK;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < N_DEFERRED; i++)
        if (b->trigger_sql[i] != NULL)
            s = tob_store_exec(st, b->trigger_sql[i], err);
    if (s == TOB_OK)
        s = run_with_source(st,
                            "DELETE FROM idx_territory_geom WHERE pkid IN"
                            " (SELECT id FROM territory WHERE source_id = ?)",
                            source_id, err);
    if (s == TOB_OK)
        s = run_with_source(st,
                            "INSERT INTO idx_territory_geom"
                            " (pkid, xmin, xmax, ymin, ymax)"
                            " SELECT id, MbrMinX(geom), MbrMaxX(geom),"
                            " MbrMinY(geom), MbrMaxY(geom) FROM territory"
                            " WHERE source_id = ?",
                            source_id, err);
    if (s == TOB_OK)
        s = tob_store_exec(st,
                           "UPDATE geometry_columns_time SET last_insert ="
                           " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                           " WHERE f_table_name = 'territory'",
                           err);
    return s;
}

void db_bulk_free(db_bulk_t *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < N_DEFERRED; i++)
        free(b->trigger_sql[i]);
    free(b);
}
