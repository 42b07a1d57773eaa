/* values_cache.c - the rows a values reader keeps (values_cache.h). */
#include "values_cache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- id -> index ---------------------------------------------------- */

static size_t slot_of(const idtab_t *t, tob_id_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h ^ (h >> 31)) & (t->cap - 1);
    while (t->keys[i] != 0 && t->keys[i] != id)
        i = (i + 1) & (t->cap - 1);
    return i;
}

static int idtab_grow(idtab_t *t)
{
    size_t cap = t->cap ? 2 * t->cap : 256;
    tob_id_t *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (keys == NULL || vals == NULL) {
        free(keys);
        free(vals);
        return -1;
    }
    idtab_t bigger = {.keys = keys, .vals = vals, .cap = cap};
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i] != 0) {
            size_t at = slot_of(&bigger, t->keys[i]);
            bigger.keys[at] = t->keys[i];
            bigger.vals[at] = t->vals[i];
            bigger.n++;
        }
    free(t->keys);
    free(t->vals);
    t->keys = bigger.keys;
    t->vals = bigger.vals;
    t->n = bigger.n;
    t->cap = bigger.cap;
    return 0;
}

/* Whether id goes to the array: below four times the entries so far
 * (plus a start), so that the array costs at most a few words an entry. */
static int dense_ok(const idtab_t *t, tob_id_t id)
{
    return (uint64_t)id < 4 * (uint64_t)(t->n + t->n_dense) + 4096 &&
           id < UINT32_MAX;
}

static int dense_put(idtab_t *t, tob_id_t id, uint32_t val)
{
    if ((size_t)id >= t->cap_dense) {
        size_t cap = t->cap_dense ? t->cap_dense : 4096;
        while (cap <= (size_t)id)
            cap *= 2;
        uint32_t *grown = realloc(t->dense, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        memset(grown + t->cap_dense, 0, (cap - t->cap_dense) * sizeof *grown);
        t->dense = grown;
        t->cap_dense = cap;
    }
    if (t->dense[id] == 0)
        t->n_dense++;
    t->dense[id] = val + 1;
    return 0;
}

int idtab_put(idtab_t *t, tob_id_t id, uint32_t val)
{
    if (id <= 0 || val == UINT32_MAX)
        return -1;
    /* An id hashed earlier stays there (it is looked up there too). */
    int hashed = t->cap > 0 && t->keys[slot_of(t, id)] == id;
    if (!hashed && dense_ok(t, id))
        return dense_put(t, id, val);
    if (2 * (t->n + 1) > t->cap && idtab_grow(t) != 0)
        return -1;
    size_t at = slot_of(t, id);
    if (t->keys[at] == 0)
        t->n++;
    t->keys[at] = id;
    t->vals[at] = val;
    return 0;
}

long long idtab_get(const idtab_t *t, tob_id_t id)
{
    if (id > 0 && (size_t)id < t->cap_dense && t->dense[id] != 0)
        return (long long)t->dense[id] - 1;
    if (t->cap == 0 || id <= 0)
        return -1;
    size_t at = slot_of(t, id);
    return t->keys[at] == id ? (long long)t->vals[at] : -1;
}

void idtab_free(idtab_t *t)
{
    free(t->keys);
    free(t->vals);
    free(t->dense);
    memset(t, 0, sizeof *t);
}

/* ---- territories ---------------------------------------------------- */

int values_cache_territory(const values_cache_t *c, tob_id_t id,
                           const char **level, double *area)
{
    long long row = idtab_get(&c->terr, id);
    if (row < 0)
        return 0;
    *level = c->levels[c->terr_level[row]];
    *area = c->terr_area[row];
    return 1;
}

int values_cache_territory_miss(values_cache_t *c)
{
    return !c->terr_loaded && ++c->terr_misses == VALUES_BULK_AFTER;
}

/* The level's index in c->levels, added if new; -1 if it cannot be. */
static int level_index(values_cache_t *c, const char *level)
{
    for (size_t i = 0; i < c->n_levels; i++)
        if (strcmp(c->levels[i], level) == 0)
            return (int)i;
    if (c->n_levels == 255 || strlen(level) > TOB_LEVEL_NAME_MAX)
        return -1;
    void *bigger = realloc(c->levels, (c->n_levels + 1) * sizeof *c->levels);
    if (bigger == NULL)
        return -1;
    c->levels = bigger;
    size_t *counts =
        realloc(c->level_n, (c->n_levels + 1) * sizeof *c->level_n);
    if (counts == NULL)
        return -1;
    c->level_n = counts;
    c->level_n[c->n_levels] = 0;
    snprintf(c->levels[c->n_levels], sizeof c->levels[0], "%s", level);
    return (int)c->n_levels++;
}

int values_cache_territory_add(values_cache_t *c, tob_id_t id,
                               const char *level, double area)
{
    int li = level_index(c, level);
    if (li < 0)
        return -1;
    if (c->n_terr == c->cap_terr) {
        size_t cap = c->cap_terr ? 2 * c->cap_terr : 1024;
        unsigned char *lv = realloc(c->terr_level, cap);
        if (lv == NULL)
            return -1;
        c->terr_level = lv;
        double *ar = realloc(c->terr_area, cap * sizeof *ar);
        if (ar == NULL)
            return -1;
        c->terr_area = ar;
        c->cap_terr = cap;
    }
    if (idtab_put(&c->terr, id, (uint32_t)c->n_terr) != 0)
        return -1;
    c->terr_level[c->n_terr] = (unsigned char)li;
    c->terr_area[c->n_terr++] = area;
    c->level_n[li]++;
    return 0;
}

void values_cache_territory_done(values_cache_t *c)
{
    c->terr_loaded = 1;
}

size_t values_cache_level_size(const values_cache_t *c, const char *level)
{
    if (!c->terr_loaded)
        return 0;
    for (size_t i = 0; i < c->n_levels; i++)
        if (strcmp(c->levels[i], level) == 0)
            return c->level_n[i];
    return 0;
}

/* ---- observations --------------------------------------------------- */

/* Which slot goes first: never used 0, counting 1, read 2. */
static int reuse_rank(const obs_slot_t *s)
{
    return s->var[0] == '\0' ? 0 : s->loaded ? 2 : 1;
}

obs_slot_t *values_cache_obs_slot(values_cache_t *c, const char *var, int year,
                                  const char *level)
{
    if (strlen(var) >= sizeof c->obs[0].var ||
        strlen(level) >= sizeof c->obs[0].level)
        return NULL;
    /* The slot to reuse: one never used, else the least recently used
     * of those still counting (cheap to lose), else of those read. */
    obs_slot_t *oldest = NULL;
    for (size_t i = 0; i < VALUES_OBS_SLOTS; i++) {
        obs_slot_t *s = &c->obs[i];
        if (s->var[0] != '\0' && s->year == year && strcmp(s->var, var) == 0 &&
            strcmp(s->level, level) == 0) {
            s->used = ++c->tick;
            return s;
        }
        if (oldest == NULL || reuse_rank(s) < reuse_rank(oldest) ||
            (reuse_rank(s) == reuse_rank(oldest) && s->used < oldest->used))
            oldest = s;
    }
    obs_slot_clear(oldest);
    snprintf(oldest->var, sizeof oldest->var, "%s", var);
    snprintf(oldest->level, sizeof oldest->level, "%s", level);
    oldest->year = year;
    oldest->used = ++c->tick;
    return oldest;
}

int obs_slot_find(const obs_slot_t *s, tob_id_t id, double *value, int *stored)
{
    long long row = idtab_get(&s->index, id);
    if (row < 0)
        return 0;
    *value = s->value[row];
    *stored = s->stored[row];
    return 1;
}

int obs_slot_add(obs_slot_t *s, tob_id_t id, double value, int stored)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *v = realloc(s->value, cap * sizeof *v);
        if (v == NULL)
            return -1;
        s->value = v;
        unsigned char *st = realloc(s->stored, cap);
        if (st == NULL)
            return -1;
        s->stored = st;
        s->cap = cap;
    }
    if (idtab_put(&s->index, id, (uint32_t)s->n) != 0)
        return -1;
    s->value[s->n] = value;
    s->stored[s->n++] = (unsigned char)(stored != 0);
    return 0;
}

void obs_slot_clear(obs_slot_t *s)
{
    idtab_free(&s->index);
    free(s->value);
    free(s->stored);
    memset(s, 0, sizeof *s);
}

/* ---- latest years --------------------------------------------------- */

typedef struct latest_year {
    char name[TOB_VARIABLE_NAME_MAX];
    int year;
} latest_year_t;

int values_cache_latest(const values_cache_t *c, const char *name, int *year)
{
    for (size_t i = 0; i < c->n_latest; i++)
        if (strcmp(c->latest[i].name, name) == 0) {
            *year = c->latest[i].year;
            return 1;
        }
    return 0;
}

void values_cache_keep_latest(values_cache_t *c, const char *name, int year)
{
    if (strlen(name) >= sizeof c->latest[0].name)
        return;
    latest_year_t *bigger =
        realloc(c->latest, (c->n_latest + 1) * sizeof *bigger);
    if (bigger == NULL)
        return; /* read again next time */
    c->latest = bigger;
    snprintf(c->latest[c->n_latest].name, sizeof c->latest[0].name, "%s", name);
    c->latest[c->n_latest++].year = year;
}

/* ---- members -------------------------------------------------------- */

const kid_list_t *values_cache_kids(const values_cache_t *c, int kind,
                                    tob_id_t parent)
{
    long long at = idtab_get(&c->kids[kind != 0], parent);
    return at >= 0 ? &c->kid_lists[at] : NULL;
}

int values_cache_keep_kids(values_cache_t *c, int kind, tob_id_t parent,
                           child_t *list, size_t n)
{
    if (c->n_kid_lists == c->cap_kid_lists) {
        size_t cap = c->cap_kid_lists ? 2 * c->cap_kid_lists : 256;
        kid_list_t *bigger = realloc(c->kid_lists, cap * sizeof *bigger);
        if (bigger == NULL)
            return -1;
        c->kid_lists = bigger;
        c->cap_kid_lists = cap;
    }
    if (idtab_put(&c->kids[kind != 0], parent, (uint32_t)c->n_kid_lists) != 0)
        return -1;
    c->kid_lists[c->n_kid_lists++] = (kid_list_t){list, n};
    return 0;
}

const tob_members_t *values_cache_members(const values_cache_t *c,
                                          tob_id_t parent)
{
    long long at = idtab_get(&c->expected, parent);
    return at >= 0 ? &c->members[at] : NULL;
}

void values_cache_keep_members(values_cache_t *c, tob_id_t parent,
                               const tob_members_t *m)
{
    if (c->n_members == c->cap_members) {
        size_t cap = c->cap_members ? 2 * c->cap_members : 256;
        tob_members_t *bigger = realloc(c->members, cap * sizeof *bigger);
        if (bigger == NULL)
            return; /* read again next time */
        c->members = bigger;
        c->cap_members = cap;
    }
    if (idtab_put(&c->expected, parent, (uint32_t)c->n_members) == 0)
        c->members[c->n_members++] = *m;
}

void values_cache_free(values_cache_t *c)
{
    idtab_free(&c->terr);
    free(c->levels);
    free(c->level_n);
    free(c->terr_level);
    free(c->terr_area);
    for (size_t i = 0; i < VALUES_OBS_SLOTS; i++)
        obs_slot_clear(&c->obs[i]);
    for (int k = 0; k < 2; k++)
        idtab_free(&c->kids[k]);
    for (size_t i = 0; i < c->n_kid_lists; i++)
        free(c->kid_lists[i].list);
    free(c->kid_lists);
    idtab_free(&c->expected);
    for (int k = 0; k < 3; k++)
        idtab_free(&c->parents[k]);
    free(c->members);
    free(c->latest);
    memset(c, 0, sizeof *c);
}

/* ---- parents ---------------------------------------------------------- */

int values_cache_not_parent(const values_cache_t *c, int set, tob_id_t id)
{
    return c->parents_loaded && set >= 0 && set < 3 &&
           idtab_get(&c->parents[set], id) < 0;
}

int values_cache_parent_miss(values_cache_t *c)
{
    return !c->parents_loaded && ++c->parent_misses == VALUES_BULK_AFTER;
}

int values_cache_parent_add(values_cache_t *c, int set, tob_id_t id)
{
    return set >= 0 && set < 3 ? idtab_put(&c->parents[set], id, 1) : -1;
}

void values_cache_parents_done(values_cache_t *c)
{
    c->parents_loaded = 1;
}
