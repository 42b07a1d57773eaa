/* values_cache.h - what a values reader keeps of the store between calls,
 * so that a level's worth of values costs a few statements instead of one
 * per value: on PostGIS each statement is a round trip to the server, and
 * aggregating 35,357 communes one row at a time spent 95 % of its time
 * waiting for them. Internal to src/relations (values.c).
 *
 * Kept only while the reader remembers (tob_values_remember(), whose
 * caller promises the store does not change under it at the levels it
 * reads): territories (id -> level, area), a territory's members and
 * expected member count, and the observations of a (variable, year,
 * level) once asked for a good part of that level. aggregate turns it on:
 * it writes the level it computes and reads the one below. */
#ifndef TERROBS_VALUES_CACHE_H
#define TERROBS_VALUES_CACHE_H

#include "terrobs/store.h"
#include "terrobs/values.h"

#include <stddef.h>
#include <stdint.h>

/* An id -> index table (ids > 0). Store ids are mostly dense (1..n): an
 * id below a few times the count is looked up in an array, one memory
 * access; others by open addressing. */
typedef struct idtab {
    tob_id_t *keys; /* 0 = empty */
    uint32_t *vals;
    size_t n, cap;   /* hashed entries; cap: 0 or a power of two */
    uint32_t *dense; /* dense[id]: index + 1, 0 = absent */
    size_t n_dense, cap_dense;
} idtab_t;

/* 0, or -1 when out of memory (the caller then reads without the cache). */
int idtab_put(idtab_t *t, tob_id_t id, uint32_t val);
/* The index of id, -1 if absent. */
long long idtab_get(const idtab_t *t, tob_id_t id);
void idtab_free(idtab_t *t);

/* Calls a (variable, year, level) gets one by one before its whole level
 * is read in one statement; territories likewise. */
#define VALUES_BULK_AFTER 16
#define VALUES_OBS_SLOTS 64

typedef struct obs_slot {
    char var[TOB_VARIABLE_NAME_MAX];
    char level[TOB_LEVEL_NAME_MAX + 1];
    int year;
    unsigned misses; /* one-by-one reads so far */
    int loaded;      /* the level's observations are below */
    int read_failed; /* a whole read could not be kept (no memory) */
    unsigned long long used;
    idtab_t index;         /* territory -> row */
    double *value;         /* NAN for a NULL value */
    unsigned char *stored; /* 1: written by an aggregate run */
    size_t n, cap;
} obs_slot_t;

typedef struct values_cache {
    /* territories */
    char (*levels)[TOB_LEVEL_NAME_MAX + 1];
    size_t *level_n; /* territories of each level kept */
    size_t n_levels;
    idtab_t terr; /* id -> row of terr_level / terr_area */
    unsigned char *terr_level;
    double *terr_area;
    size_t n_terr, cap_terr;
    unsigned terr_misses;
    int terr_loaded;
    /* observations */
    obs_slot_t obs[VALUES_OBS_SLOTS];
    unsigned long long tick;
    /* members, kind member [0] and overlap [1]: parent -> list */
    idtab_t kids[2];
    struct kid_list *kid_lists;
    size_t n_kid_lists, cap_kid_lists;
    /* the latest year of a variable (year 0 asked) */
    struct latest_year *latest;
    size_t n_latest;
    /* expected members: parent -> counts */
    idtab_t expected;
    tob_members_t *members;
    size_t n_members, cap_members;
    /* which territories are parents at all (kind member [0], overlap [1])
     * and which have an expected count [2], read in one statement each
     * after VALUES_BULK_AFTER misses: a leaf's questions then cost none */
    idtab_t parents[3];
    unsigned parent_misses;
    int parents_loaded;
} values_cache_t;

/* A member as values.c reads it. */
typedef struct child {
    tob_id_t id;
    double share; /* overlap weight; 1 for members */
    double area;  /* 0 if none */
} child_t;

typedef struct kid_list {
    child_t *list;
    size_t n;
} kid_list_t;

void values_cache_free(values_cache_t *c);

/* Territories. 1 and *level, *area if known; 0 if the caller must read
 * the row (then values_cache_territory_miss()). */
int values_cache_territory(const values_cache_t *c, tob_id_t id,
                           const char **level, double *area);
/* Counts a one-by-one read; returns 1 when the whole table should now be
 * read (values_cache_territory_add() for each row, then
 * values_cache_territory_done()). */
int values_cache_territory_miss(values_cache_t *c);
int values_cache_territory_add(values_cache_t *c, tob_id_t id,
                               const char *level, double area);
void values_cache_territory_done(values_cache_t *c);
/* Territories of level once the whole table is kept, else 0. */
size_t values_cache_level_size(const values_cache_t *c, const char *level);

/* Observations: the slot of (var, year, level), made if new (the least
 * recently used one is reused); NULL when var or level is too long. */
obs_slot_t *values_cache_obs_slot(values_cache_t *c, const char *var, int year,
                                  const char *level);
/* In a loaded slot: 1 and the value (NAN: NULL) if id has a row. */
int obs_slot_find(const obs_slot_t *s, tob_id_t id, double *value, int *stored);
int obs_slot_add(obs_slot_t *s, tob_id_t id, double value, int stored);
/* Forgets what a slot held (a failed read). */
void obs_slot_clear(obs_slot_t *s);

/* Members of parent (kind 0 member, 1 overlap): the kept list or NULL. */
const kid_list_t *values_cache_kids(const values_cache_t *c, int kind,
                                    tob_id_t parent);
/* Keeps list (taken over: freed with the cache), -1 out of memory (the
 * caller keeps and frees it). */
int values_cache_keep_kids(values_cache_t *c, int kind, tob_id_t parent,
                           child_t *list, size_t n);

/* The latest year kept for variable name: 1 and *year, or 0. */
int values_cache_latest(const values_cache_t *c, const char *name, int *year);
void values_cache_keep_latest(values_cache_t *c, const char *name, int year);

/* Parents. 1 when the sets are kept and id is not in set (0 member, 1
 * overlap, 2 expected count): it has none, no need to ask. */
int values_cache_not_parent(const values_cache_t *c, int set, tob_id_t id);
/* Counts a one-by-one read of members; returns 1 when the sets should now
 * be read (values_cache_parent_add() for each, then ..._parents_done()). */
int values_cache_parent_miss(values_cache_t *c);
int values_cache_parent_add(values_cache_t *c, int set, tob_id_t id);
void values_cache_parents_done(values_cache_t *c);

const tob_members_t *values_cache_members(const values_cache_t *c,
                                          tob_id_t parent);
void values_cache_keep_members(values_cache_t *c, tob_id_t parent,
                               const tob_members_t *m);

#endif
