/* territory.h (building block) - finding territories in a store: the vintage of
 * a level, one territory by code, and every territory of a (level, vintage) in
 * a map by code. Read-only helpers shared by relations, zones, indicator
 * imports, aggregation and whoever renders a territory. */
#ifndef TERROBS_TERRITORY_H
#define TERROBS_TERRITORY_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>
#include <stdio.h>

/* Resolves the vintage of level to use: `asked` when non-zero (it must hold
 * territories), else the latest vintage of the level. Errors:
 * TOB_ERR_NOTFOUND "no level 'x' in the store (levels: ...)" or "level
 * commune has no territory of vintage 2019 (vintages: 2018, 2026)". */
TOB_API TOB_NODISCARD tob_status_t tob_territory_vintage(tob_store_t *st,
                                                         const char *level,
                                                         int asked,
                                                         int *vintage,
                                                         tob_error_t *err);

/* The id of territory (level, code, vintage); vintage 0 = the latest one
 * holding that code. Errors: TOB_ERR_NOTFOUND "no commune with code
 * '59999'". */
TOB_API TOB_NODISCARD tob_status_t tob_territory_find(tob_store_t *st,
                                                      const char *level,
                                                      const char *code,
                                                      int vintage, tob_id_t *id,
                                                      tob_error_t *err);

/* One territory of a map. `hits` is the caller's counter (zero at load),
 * e.g. how many rows of a file matched it. */
typedef struct tob_territory_entry {
    const char *code; /* owned by the map */
    tob_id_t id;
    int has_geom;   /* 1 if it has a geometry */
    double area_m2; /* 0 if none */
    size_t hits;
} tob_territory_entry_t;

typedef struct tob_territory_map tob_territory_map_t;

/* Loads every territory of (level, vintage), vintage as resolved by
 * tob_territory_vintage(). Caller frees *out with
 * tob_territory_map_destroy(). */
TOB_API TOB_NODISCARD tob_status_t
tob_territory_map_load(tob_store_t *st, const char *level, int vintage,
                       tob_territory_map_t **out, tob_error_t *err);
TOB_API void
tob_territory_map_destroy(tob_territory_map_t *map); /* NULL: no-op */

/* The entry of code, NULL if absent; borrowed for the map's life. */
TOB_API tob_territory_entry_t *tob_territory_map_get(tob_territory_map_t *map,
                                                     const char *code);
/* Entries by index 0..size-1, in code order. */
TOB_API size_t tob_territory_map_size(const tob_territory_map_t *map);
TOB_API tob_territory_entry_t *tob_territory_map_at(tob_territory_map_t *map,
                                                    size_t i);
TOB_API const char *tob_territory_map_level(const tob_territory_map_t *map);
TOB_API int tob_territory_map_vintage(const tob_territory_map_t *map);

/* Writes territory (level, code, vintage; 0 = the latest) to out, as
 * `terrobs info --level L --code C` shows it: name, vintage, area, parents,
 * children and overlaps with area shares, and each variable's latest value
 * with how it was got; with share (a variable name, may be NULL), how that
 * variable splits among its members and the territories it belongs to.
 * Errors: TOB_ERR_NOTFOUND (no such territory or variable). */
TOB_API TOB_NODISCARD tob_status_t tob_territory_describe(
    tob_store_t *st, const char *level, const char *code, long vintage,
    const char *share, FILE *out, tob_error_t *err);

#endif
