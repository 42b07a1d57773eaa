/* territory.c - vintages, lookups by code, and code maps of a level. */
#include "terrobs/territory.h"

#include "base/codeset.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tob_territory_map {
    char level[TOB_LEVEL_NAME_MAX + 1];
    int vintage;
    tob_territory_entry_t *entries;
    size_t size, cap;
    tob_codeset_t *index; /* code -> index + 1 */
};

/* "2018, 2026" or "none": the vintages of a level, for messages. */
static void list_vintages(tob_store_t *st, const char *level, char *buf,
                          size_t size)
{
    db_stmt_t *stmt = NULL;
    snprintf(buf, size, "none");
    if (db_try_prepare(st,
                       "SELECT group_concat(vintage, ', ') FROM"
                       " (SELECT DISTINCT vintage FROM territory"
                       "  WHERE level = ? ORDER BY vintage)",
                       &stmt)) {
        db_bind_text_static(stmt, 1, level);
        if (db_step(stmt) == DB_ROW && db_column_text(stmt, 0) != NULL)
            snprintf(buf, size, "%s", db_column_text(stmt, 0));
    }
    db_finalize(stmt);
}

static tob_status_t no_level(tob_store_t *st, const char *level,
                             tob_error_t *err)
{
    char levels[256] = "none";
    db_stmt_t *stmt = NULL;
    if (db_try_prepare(st, "SELECT group_concat(name, ', ') FROM level",
                       &stmt) &&
        db_step(stmt) == DB_ROW && db_column_text(stmt, 0) != NULL)
        snprintf(levels, sizeof levels, "%s", db_column_text(stmt, 0));
    db_finalize(stmt);
    near_t near;
    db_near_level(st, &near, level);
    return tob_error_set(err, TOB_ERR_NOTFOUND,
                         "no level '%s' in the store (%slevels: %s)", level,
                         near_ask(&near), levels);
}

tob_status_t tob_territory_vintage(tob_store_t *st, const char *level,
                                   int asked, int *vintage, tob_error_t *err)
{
    *vintage = 0;
    if (!tob_store_has_level(st, level))
        return no_level(st, level, err);
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT max(vintage) FROM territory WHERE level = ?1"
                   " AND (?2 = 0 OR vintage = ?2)",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, level);
    db_bind_int(stmt, 2, asked);
    if (db_step(stmt) != DB_ROW)
        s = db_fail(st, "reading vintages", err);
    else if (db_column_type(stmt, 0) != DB_NULL)
        *vintage = db_column_int(stmt, 0);
    db_finalize(stmt);
    if (s == TOB_OK && *vintage == 0) {
        char list[256];
        list_vintages(st, level, list, sizeof list);
        if (asked != 0)
            return tob_error_set(err, TOB_ERR_NOTFOUND,
                                 "level %s has no territory of vintage %d "
                                 "(vintages: %s)",
                                 level, asked, list);
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "level %s holds no territory yet", level);
    }
    return s;
}

tob_status_t tob_territory_find(tob_store_t *st, const char *level,
                                const char *code, int vintage, tob_id_t *id,
                                tob_error_t *err)
{
    *id = 0;
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "SELECT id FROM territory WHERE level = ?1 AND code = ?2"
        " AND (?3 = 0 OR vintage = ?3) ORDER BY vintage DESC LIMIT 1",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, level);
    db_bind_text_static(stmt, 2, code);
    db_bind_int(stmt, 3, vintage);
    int rc = db_step(stmt);
    if (rc == DB_ROW)
        *id = db_column_int64(stmt, 0);
    else if (rc != DB_DONE)
        s = db_fail(st, "finding a territory", err);
    db_finalize(stmt);
    if (s == TOB_OK && *id == 0) {
        char hint[NEAR_HINT_MAX];
        db_code_hint(st, level, code, hint, sizeof hint);
        if (vintage != 0)
            return tob_error_set(err, TOB_ERR_NOTFOUND,
                                 "no %s with code '%s' in vintage %d%s", level,
                                 code, vintage, hint);
        return tob_error_set(err, TOB_ERR_NOTFOUND, "no %s with code '%s'%s",
                             level, code, hint);
    }
    return s;
}

void tob_territory_map_destroy(tob_territory_map_t *map)
{
    if (map == NULL)
        return;
    for (size_t i = 0; i < map->size; i++)
        free((char *)map->entries[i].code);
    free(map->entries);
    codeset_destroy(map->index);
    free(map);
}

static tob_status_t map_add(tob_territory_map_t *map, db_stmt_t *stmt,
                            tob_error_t *err)
{
    if (map->size == map->cap) {
        size_t cap = map->cap ? 2 * map->cap : 256;
        tob_territory_entry_t *bigger =
            realloc(map->entries, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        map->entries = bigger;
        map->cap = cap;
    }
    tob_territory_entry_t *e = &map->entries[map->size];
    memset(e, 0, sizeof *e);
    e->code = strdup(db_column_text(stmt, 0));
    if (e->code == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    e->id = db_column_int64(stmt, 1);
    e->has_geom = db_column_int(stmt, 2);
    e->area_m2 = db_column_double(stmt, 3);
    map->size++;
    long long first = 0;
    return codeset_add(map->index, e->code, (long long)map->size, &first, err);
}

tob_status_t tob_territory_map_load(tob_store_t *st, const char *level,
                                    int vintage, tob_territory_map_t **out,
                                    tob_error_t *err)
{
    *out = NULL;
    tob_territory_map_t *map = calloc(1, sizeof *map);
    if (map == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(map->level, sizeof map->level, "%s", level);
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        tob_territory_vintage(st, level, vintage, &map->vintage, err);
    if (s == TOB_OK)
        s = codeset_create(&map->index, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT code, id, geom IS NOT NULL,"
                       " coalesce(area_m2, 0) FROM territory"
                       " WHERE level = ? AND vintage = ? ORDER BY code",
                       &stmt, err);
    if (s == TOB_OK) {
        db_bind_text_static(stmt, 1, level);
        db_bind_int(stmt, 2, map->vintage);
        int rc;
        while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
            s = map_add(map, stmt, err);
        if (s == TOB_OK && rc != DB_DONE)
            s = db_fail(st, "reading territories", err);
    }
    db_finalize(stmt);
    if (s != TOB_OK) {
        tob_territory_map_destroy(map);
        return s;
    }
    *out = map;
    return TOB_OK;
}

tob_territory_entry_t *tob_territory_map_get(tob_territory_map_t *map,
                                             const char *code)
{
    long long item = codeset_find(map->index, code);
    return item > 0 ? &map->entries[item - 1] : NULL;
}

size_t tob_territory_map_size(const tob_territory_map_t *map)
{
    return map->size;
}

tob_territory_entry_t *tob_territory_map_at(tob_territory_map_t *map, size_t i)
{
    return i < map->size ? &map->entries[i] : NULL;
}

const char *tob_territory_map_level(const tob_territory_map_t *map)
{
    return map->level;
}

int tob_territory_map_vintage(const tob_territory_map_t *map)
{
    return map->vintage;
}
