/* values.c - a variable's value for a territory and year: observed, ratio
 * of its parts, or aggregated from member children on the fly. */
#include "terrobs/values.h"

#include "store/db.h"
#include "terrobs/territory.h"
#include "values_cache.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16 /* scot > epci > commune is 3; deeper means a cycle */

struct tob_values {
    tob_store_t *st;
    db_stmt_t *obs, *children, *territory, *variable, *latest, *expected;
    /* whole-level reads, on demand: joined to territory, or not when
     * every territory's level is kept */
    db_stmt_t *obs_level, *obs_var, *territories;
    values_cache_t cache;
    tob_variable_t **vars; /* cache; each its own block, so pointers to
                              them stay valid while the cache grows */
    size_t n_vars, cap_vars;
    /* tob_values_remember(): values computed from members, by key. */
    struct memo *memo;
    size_t n_memo, cap_memo; /* cap_memo: 0 or a power of two */
    int remember;
    int whole; /* tob_values_read_whole() */
    /* Reads that combine() will ask of this one's siblings, this one
     * included (0 outside combine): the members of a département, 600
     * communes, are worth one statement at the first. */
    size_t to_come;
};

/* A value computed from a territory's members; var NULL = empty slot. */
typedef struct memo {
    const tob_variable_t *var;
    tob_id_t id;
    int year, in_ratio;
    tob_value_t value;
} memo_t;

typedef struct derive {
    tob_values_t *v;
    const tob_derive_options_t *opts;
    double min_coverage;
    int depth;
    int in_ratio; /* computing a ratio's parts: coverage rule only */
    int memo;     /* as stored (tob_values_get) and remembering */
} derive_t;

static const char *const aggregate_names[] = {"sum", "mean", "weighted_mean",
                                              "ratio", "none"};

const char *tob_aggregate_name(tob_aggregate_kind_t kind)
{
    return (unsigned)kind <= TOB_AGG_NONE ? aggregate_names[kind] : "?";
}

int tob_aggregate_parse(const char *name)
{
    for (int i = 0; i <= TOB_AGG_NONE; i++)
        if (name != NULL && strcmp(name, aggregate_names[i]) == 0)
            return i;
    return -1;
}

static void copy_text(char *dst, size_t size, db_stmt_t *stmt, int i)
{
    const char *t = db_column_text(stmt, i);
    snprintf(dst, size, "%s", t != NULL ? (const char *)t : "");
}

static const char VARIABLE_SQL[] =
    "SELECT name, label, unit, source, aggregate, weight, numerator,"
    " denominator, coalesce(decimals, -1), coalesce(year, 0), scale"
    " FROM variable WHERE name = ?";

/* A ratio's factor: as declared, else from its unit. */
static double default_scale(const char *unit)
{
    if (strcmp(unit, "%") == 0)
        return 100;
    if (strcmp(unit, "\u2030") == 0)
        return 1000;
    return 1;
}

static void read_variable(db_stmt_t *s, tob_variable_t *out)
{
    memset(out, 0, sizeof *out);
    copy_text(out->name, sizeof out->name, s, 0);
    copy_text(out->label, sizeof out->label, s, 1);
    copy_text(out->unit, sizeof out->unit, s, 2);
    copy_text(out->source, sizeof out->source, s, 3);
    int agg = tob_aggregate_parse(db_column_text(s, 4));
    out->aggregate = agg < 0 ? TOB_AGG_NONE : (tob_aggregate_kind_t)agg;
    copy_text(out->weight, sizeof out->weight, s, 5);
    copy_text(out->numerator, sizeof out->numerator, s, 6);
    copy_text(out->denominator, sizeof out->denominator, s, 7);
    out->decimals = db_column_int(s, 8);
    out->year = db_column_int(s, 9);
    out->scale = db_column_type(s, 10) != DB_NULL ? db_column_double(s, 10)
                                                  : default_scale(out->unit);
}

static tob_status_t find_variable(tob_store_t *st, db_stmt_t *stmt,
                                  const char *name, tob_variable_t *out,
                                  tob_error_t *err)
{
    db_bind_text_static(stmt, 1, name);
    int rc = db_step(stmt);
    tob_status_t s = TOB_OK;
    if (rc == DB_ROW)
        read_variable(stmt, out);
    else if (rc == DB_DONE) {
        db_reset(stmt);
        near_t near;
        s = tob_error_set(err, TOB_ERR_NOTFOUND, "no variable '%s'%s", name,
                          db_near_variable(st, &near, name));
    } else
        s = db_fail(st, "reading a variable", err);
    db_reset(stmt);
    return s;
}

tob_status_t tob_variable_get(tob_store_t *st, const char *name,
                              tob_variable_t *out, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(st, VARIABLE_SQL, &stmt, err);
    if (s == TOB_OK)
        s = find_variable(st, stmt, name, out, err);
    db_finalize(stmt);
    return s;
}

/* The cached metadata of variable name, read on first use. */
static tob_status_t lookup(tob_values_t *v, const char *name,
                           const tob_variable_t **out, tob_error_t *err)
{
    *out = NULL;
    for (size_t i = 0; i < v->n_vars; i++)
        if (strcmp(v->vars[i]->name, name) == 0) {
            *out = v->vars[i];
            return TOB_OK;
        }
    if (v->n_vars == v->cap_vars) {
        size_t cap = v->cap_vars ? 2 * v->cap_vars : 16;
        tob_variable_t **bigger = realloc(v->vars, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        v->vars = bigger;
        v->cap_vars = cap;
    }
    tob_variable_t *var = malloc(sizeof *var);
    if (var == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = find_variable(v->st, v->variable, name, var, err);
    if (s != TOB_OK) {
        free(var);
        return s;
    }
    v->vars[v->n_vars++] = var;
    *out = var;
    return TOB_OK;
}

const tob_variable_t *tob_values_variable(tob_values_t *v, const char *name,
                                          tob_error_t *err)
{
    const tob_variable_t *var = NULL;
    return lookup(v, name, &var, err) == TOB_OK ? var : NULL;
}

tob_status_t tob_values_open(tob_store_t *st, tob_values_t **out,
                             tob_error_t *err)
{
    *out = NULL;
    tob_values_t *v = calloc(1, sizeof *v);
    if (v == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    v->st = st;
    tob_status_t s = db_prepare(
        st,
        /* A stored aggregate whose inputs changed is not read: the value
         * is computed again from the members (never a stale figure). */
        "SELECT value, (SELECT count(*) FROM aggregate_run r"
        " WHERE r.source_id = o.source_id) FROM observation o"
        " WHERE territory = ? AND variable = ?"
        " AND year = ? AND NOT EXISTS (SELECT 1 FROM aggregate_run r"
        " WHERE r.source_id = o.source_id AND r.stale = 1)",
        &v->obs, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT m.child, coalesce(m.pop_share, m.area_share),"
                       " coalesce(t.area_m2, 0) FROM membership m"
                       " JOIN territory t ON t.id = m.child"
                       " WHERE m.parent = ? AND m.kind = ? ORDER BY m.child",
                       &v->children, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT level, coalesce(area_m2, 0)"
                       " FROM territory WHERE id = ?",
                       &v->territory, err);
    if (s == TOB_OK)
        s = db_prepare(st, VARIABLE_SQL, &v->variable, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT e.n, (SELECT count(*) FROM membership m"
                       " JOIN territory c ON c.id = m.child"
                       " WHERE m.parent = e.parent AND m.kind = 'member'"
                       " AND c.level = e.child_level), e.child_level"
                       " FROM expected_members e WHERE e.parent = ?"
                       " ORDER BY e.child_level LIMIT 1",
                       &v->expected, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT max(year) FROM observation"
                       " WHERE variable = ?",
                       &v->latest, err);
    if (s != TOB_OK) {
        tob_values_close(v);
        return s;
    }
    *out = v;
    return TOB_OK;
}

tob_store_t *tob_values_store(tob_values_t *v)
{
    return v->st;
}

void tob_values_close(tob_values_t *v)
{
    if (v == NULL)
        return;
    db_finalize(v->obs);
    db_finalize(v->children);
    db_finalize(v->territory);
    db_finalize(v->variable);
    db_finalize(v->latest);
    db_finalize(v->expected);
    db_finalize(v->obs_level);
    db_finalize(v->obs_var);
    db_finalize(v->territories);
    values_cache_free(&v->cache);
    for (size_t i = 0; i < v->n_vars; i++)
        free(v->vars[i]);
    free(v->vars);
    free(v->memo);
    free(v);
}

static void set_missing(tob_value_t *out)
{
    memset(out, 0, sizeof *out);
    out->value = NAN;
    out->origin = TOB_VALUE_MISSING;
    out->coverage = 1;
}

/* Whether territory id lies at level, by the territories kept. */
static int kept_at_level(const tob_values_t *v, tob_id_t id, const char *level)
{
    const char *known = NULL;
    double area;
    return values_cache_territory(&v->cache, id, &known, &area) &&
           strcmp(known, level) == 0;
}

/* One statement for the observations of (var, year) at a level, kept in
 * slot; a failure leaves the slot empty (values are then read one by
 * one). With every territory's level kept, the (var, year)'s rows are
 * read without the join to territory and sorted here: on PostGIS an
 * index-only scan of observation_variable, not a pass over the
 * territories' table and its geometries. */
static tob_status_t load_level(tob_values_t *v, obs_slot_t *slot,
                               tob_error_t *err)
{
    static const char head[] =
        "SELECT o.territory, o.value, EXISTS (SELECT 1 FROM aggregate_run"
        " r WHERE r.source_id = o.source_id) FROM observation o";
    static const char tail[] =
        " AND NOT EXISTS (SELECT 1 FROM aggregate_run r"
        " WHERE r.source_id = o.source_id AND r.stale = 1)";
    int levels_kept = values_cache_level_size(&v->cache, slot->level) > 0;
    db_stmt_t **stmt = levels_kept ? &v->obs_var : &v->obs_level;
    char sql[512];
    snprintf(sql, sizeof sql, "%s%s%s", head,
             levels_kept ? " WHERE o.variable = ? AND o.year = ?"
                         : " JOIN territory t ON t.id = o.territory"
                           " WHERE o.variable = ? AND o.year = ?"
                           " AND t.level = ?",
             tail);
    tob_status_t s = TOB_OK;
    if (*stmt == NULL && (s = db_prepare(v->st, sql, stmt, err)) != TOB_OK)
        return s;
    db_bind_text_static(*stmt, 1, slot->var);
    db_bind_int(*stmt, 2, slot->year);
    if (!levels_kept)
        db_bind_text_static(*stmt, 3, slot->level);
    int rc, kept = 1;
    while ((rc = db_step(*stmt)) == DB_ROW) {
        tob_id_t id = db_column_int64(*stmt, 0);
        if (kept && (!levels_kept || kept_at_level(v, id, slot->level)))
            kept = obs_slot_add(slot, id,
                                db_column_type(*stmt, 1) == DB_NULL
                                    ? NAN
                                    : db_column_double(*stmt, 1),
                                db_column_int(*stmt, 2)) == 0;
    }
    db_reset(*stmt);
    if (rc != DB_DONE)
        s = db_fail(v->st, "reading observations", err);
    slot->loaded = s == TOB_OK && kept;
    slot->read_failed = !slot->loaded;
    if (!slot->loaded) { /* one by one again, from zero */
        slot->misses = 0;
        idtab_free(&slot->index);
        slot->n = 0;
    }
    return s;
}

/* Whether (var, year) at level is now worth reading whole: after a
 * level's 1/divisor of one-by-one reads (a round trip each on PostGIS, a
 * few microseconds on SpatiaLite), never for a handful. */
static int level_worth_reading(tob_values_t *v, const obs_slot_t *slot)
{
    size_t n = values_cache_level_size(&v->cache, slot->level);
    if (v->whole)
        return n > 0;
    size_t divisor = tob_store_is_pg(v->st) ? 128 : 8;
    size_t after =
        n / divisor > VALUES_BULK_AFTER ? n / divisor : VALUES_BULK_AFTER;
    /* Those read so far and the siblings to come reach it: now rather
     * than after `after` round trips (once: a read that could not be
     * kept falls back to counting). */
    size_t soon = slot->read_failed ? 0 : v->to_come;
    return n > 0 && slot->misses + (soon > 0 ? soon - 1 : 0) >= after;
}

/* *found = 1 if an observation row exists (its value may be NULL). */
static tob_status_t observed(tob_values_t *v, tob_id_t id, const char *level,
                             const char *var, int year, int *found,
                             tob_value_t *out, tob_error_t *err)
{
    obs_slot_t *slot =
        v->remember ? values_cache_obs_slot(&v->cache, var, year, level) : NULL;
    if (slot != NULL && !slot->loaded) {
        slot->misses++;
        tob_status_t s =
            level_worth_reading(v, slot) ? load_level(v, slot, err) : TOB_OK;
        if (s != TOB_OK)
            return s;
    }
    if (slot != NULL && slot->loaded) {
        double value;
        int stored;
        *found = obs_slot_find(slot, id, &value, &stored);
        if (*found && !isnan(value)) {
            out->value = value;
            out->origin = TOB_VALUE_OBSERVED;
            out->stored = stored;
        }
        return TOB_OK;
    }
    db_bind_int64(v->obs, 1, id);
    db_bind_text_static(v->obs, 2, var);
    db_bind_int(v->obs, 3, year);
    int rc = db_step(v->obs);
    *found = rc == DB_ROW;
    if (*found && db_column_type(v->obs, 0) != DB_NULL) {
        out->value = db_column_double(v->obs, 0);
        out->origin = TOB_VALUE_OBSERVED;
        out->stored = db_column_int(v->obs, 1) != 0;
    }
    db_reset(v->obs);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_fail(v->st, "reading an observation", err);
    return TOB_OK;
}

/* Every territory's level and area in one statement. */
static tob_status_t load_territories(tob_values_t *v, tob_error_t *err)
{
    tob_status_t s = db_prepare(
        v->st, "SELECT id, level, coalesce(area_m2, 0) FROM territory",
        &v->territories, err);
    if (s != TOB_OK)
        return s;
    int rc, kept = 1;
    while ((rc = db_step(v->territories)) == DB_ROW && kept) {
        const char *level = db_column_text(v->territories, 1);
        kept =
            values_cache_territory_add(
                &v->cache, db_column_int64(v->territories, 0),
                level ? level : "", db_column_double(v->territories, 2)) == 0;
    }
    db_finalize(v->territories);
    v->territories = NULL;
    if (rc != DB_DONE && rc != DB_ROW)
        return db_fail(v->st, "reading territories", err);
    values_cache_territory_done(&v->cache);
    return TOB_OK;
}

static tob_status_t territory_info(tob_values_t *v, tob_id_t id, char *level,
                                   size_t size, double *area, tob_error_t *err)
{
    const char *known = NULL;
    int kept = values_cache_territory(&v->cache, id, &known, area);
    if (!kept && v->remember && values_cache_territory_miss(&v->cache)) {
        tob_status_t s = load_territories(v, err);
        if (s != TOB_OK)
            return s;
        kept = values_cache_territory(&v->cache, id, &known, area);
    }
    if (kept) {
        snprintf(level, size, "%s", known);
        return TOB_OK;
    }
    db_bind_int64(v->territory, 1, id);
    int rc = db_step(v->territory);
    if (rc == DB_ROW) {
        copy_text(level, size, v->territory, 0);
        *area = db_column_double(v->territory, 1);
    }
    db_reset(v->territory);
    if (rc == DB_DONE)
        return tob_error_set(err, TOB_ERR_NOTFOUND, "no territory #%lld",
                             (long long)id);
    if (rc != DB_ROW)
        return db_fail(v->st, "reading a territory", err);
    return TOB_OK;
}

/* Which territories have members, overlaps or an expected count, once
 * a remembering reader has asked enough of them one by one. On failure
 * (out of memory) the sets stay unknown and every question is asked. */
static tob_status_t load_parents(tob_values_t *v, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(v->st,
                   "SELECT DISTINCT parent, CASE kind WHEN 'member' THEN 0"
                   " ELSE 1 END FROM membership UNION ALL"
                   " SELECT DISTINCT parent, 2 FROM expected_members",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    int rc, kept = 1;
    while ((rc = db_step(stmt)) == DB_ROW && kept)
        kept = values_cache_parent_add(&v->cache, db_column_int(stmt, 1),
                                       db_column_int64(stmt, 0)) == 0;
    db_finalize(stmt);
    if (rc != DB_DONE && rc != DB_ROW)
        return db_fail(v->st, "reading parents", err);
    if (kept)
        values_cache_parents_done(&v->cache);
    return TOB_OK;
}

/* Whether id has none of set (values_cache_not_parent), reading the sets
 * when it is time. */
static tob_status_t not_parent(tob_values_t *v, int set, tob_id_t id, int *none,
                               tob_error_t *err)
{
    *none = 0;
    if (!v->remember)
        return TOB_OK;
    if (values_cache_parent_miss(&v->cache)) {
        tob_status_t s = load_parents(v, err);
        if (s != TOB_OK)
            return s;
    }
    *none = values_cache_not_parent(&v->cache, set, id);
    return TOB_OK;
}

/* The children are read whole before any recursion: the statement is
 * shared by every depth. The list is the cache's (*owned 0), or the
 * caller's to free (*owned 1) when it could not be kept. */
static tob_status_t load_children(tob_values_t *v, tob_id_t id, int overlap,
                                  child_t **out, size_t *n, int *owned,
                                  tob_error_t *err)
{
    const kid_list_t *kept = values_cache_kids(&v->cache, overlap, id);
    *owned = 0;
    if (kept != NULL) {
        *out = kept->list;
        *n = kept->n;
        return TOB_OK;
    }
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int none = 0;
    tob_status_t s = not_parent(v, overlap ? 1 : 0, id, &none, err);
    if (s != TOB_OK || none)
        return s;
    db_bind_int64(v->children, 1, id);
    db_bind_text_static(v->children, 2, overlap ? "overlap" : "member");
    int rc;
    while (s == TOB_OK && (rc = db_step(v->children)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            child_t *bigger = realloc(*out, cap * sizeof *bigger);
            if (bigger == NULL) {
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            *out = bigger;
        }
        child_t *c = &(*out)[(*n)++];
        c->id = db_column_int64(v->children, 0);
        /* A member is whole; an overlap of unknown share (a QPV listed
         * in two communes, no polygon) cannot be apportioned: NAN. */
        c->share = !overlap ? 1
                   : db_column_type(v->children, 1) == DB_NULL
                       ? NAN
                       : db_column_double(v->children, 1);
        c->area = db_column_double(v->children, 2);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(v->st, "reading members", err);
    db_reset(v->children);
    if (s != TOB_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
        return s;
    }
    *owned = !v->remember ||
             values_cache_keep_kids(&v->cache, overlap, id, *out, *n) != 0;
    return TOB_OK;
}

static tob_status_t value_of(derive_t *d, const char *name, tob_id_t id,
                             int year, int own_obs, tob_value_t *out,
                             tob_error_t *err);

static tob_status_t ratio_of(derive_t *d, const tob_variable_t *var,
                             tob_id_t id, int year, tob_value_t *out,
                             tob_error_t *err)
{
    tob_value_t num, den;
    int was = d->in_ratio;
    d->in_ratio = 1;
    tob_status_t s = value_of(d, var->numerator, id, year, 1, &num, err);
    if (s == TOB_OK)
        s = value_of(d, var->denominator, id, year, 1, &den, err);
    d->in_ratio = was;
    if (s != TOB_OK)
        return s;
    out->n_parts = num.n_parts;
    out->n_missing =
        num.n_missing > den.n_missing ? num.n_missing : den.n_missing;
    out->coverage = fmin(num.coverage, den.coverage);
    if (num.origin != TOB_VALUE_MISSING && den.origin != TOB_VALUE_MISSING &&
        den.value != 0) {
        out->value = var->scale * num.value / den.value;
        out->origin = TOB_VALUE_RATIO;
    }
    return TOB_OK;
}

/* Children cover their parent when their areas add up to it (members of a
 * store that holds only part of an EPCI do not). */
static double coverage_of(const child_t *children, size_t n, double area)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (children[i].area <= 0)
            return 1; /* not spatial: cannot tell */
        sum += children[i].area;
    }
    return area > 0 ? sum / area : 1;
}

static tob_status_t combine(derive_t *d, const tob_variable_t *var,
                            const child_t *children, size_t n, int year,
                            tob_value_t *out, tob_error_t *err)
{
    double acc = 0, weights = 0;
    tob_status_t s = TOB_OK;
    size_t was_to_come = d->v->to_come;
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        tob_value_t cv, w = {.value = 1, .origin = TOB_VALUE_OBSERVED};
        d->v->to_come = n - i;
        s = value_of(d, var->name, children[i].id, year, 1, &cv, err);
        d->v->to_come = n - i;
        if (s == TOB_OK && var->aggregate == TOB_AGG_WEIGHTED_MEAN)
            s = value_of(d, var->weight, children[i].id, year, 1, &w, err);
        d->v->to_come = was_to_come;
        if (s != TOB_OK)
            break;
        if (cv.origin == TOB_VALUE_MISSING || w.origin == TOB_VALUE_MISSING ||
            isnan(children[i].share)) {
            out->n_missing++;
            continue;
        }
        acc += cv.value * w.value * children[i].share;
        weights += w.value;
    }
    out->n_parts = n;
    if (s != TOB_OK || out->n_missing > 0)
        return s;
    if (var->aggregate == TOB_AGG_SUM)
        out->value = acc;
    else if (weights != 0)
        out->value = acc / weights; /* mean: every weight is 1 */
    else
        return TOB_OK;
    out->origin = TOB_VALUE_AGGREGATED;
    return TOB_OK;
}

/* The members a territory has in its membership source, and how many of
 * them the store relates to it (expected 0: unknown). */
tob_status_t tob_values_members(tob_values_t *v, tob_id_t territory,
                                tob_members_t *out, tob_error_t *err)
{
    const tob_members_t *kept = values_cache_members(&v->cache, territory);
    if (kept != NULL) {
        *out = *kept;
        return TOB_OK;
    }
    memset(out, 0, sizeof *out);
    int none = 0;
    tob_status_t s = not_parent(v, 2, territory, &none, err);
    if (s != TOB_OK || none)
        return s;
    db_bind_int64(v->expected, 1, territory);
    int rc = db_step(v->expected);
    if (rc == DB_ROW) {
        out->expected = (size_t)db_column_int64(v->expected, 0);
        out->present = (size_t)db_column_int64(v->expected, 1);
        const char *level = db_column_text(v->expected, 2);
        snprintf(out->level, sizeof out->level, "%s", level ? level : "");
    }
    db_reset(v->expected);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_fail(v->st, "reading expected members", err);
    if (v->remember)
        values_cache_keep_members(&v->cache, territory, out);
    return TOB_OK;
}

/* ---- remembered values (tob_values_remember) ---------------------------- */

static size_t memo_slot(const tob_values_t *v, const tob_variable_t *var,
                        tob_id_t id, int year, int in_ratio)
{
    uint64_t h = (uint64_t)(uintptr_t)var * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t)id * 0xC2B2AE3D27D4EB4Fu + (uint64_t)(unsigned)year * 31u +
         (uint64_t)in_ratio;
    h ^= h >> 29;
    size_t i = (size_t)h & (v->cap_memo - 1);
    while (v->memo[i].var != NULL &&
           !(v->memo[i].var == var && v->memo[i].id == id &&
             v->memo[i].year == year && v->memo[i].in_ratio == in_ratio))
        i = (i + 1) & (v->cap_memo - 1);
    return i;
}

static const tob_value_t *memo_find(const tob_values_t *v,
                                    const tob_variable_t *var, tob_id_t id,
                                    int year, int in_ratio)
{
    if (v->cap_memo == 0)
        return NULL;
    const memo_t *m = &v->memo[memo_slot(v, var, id, year, in_ratio)];
    return m->var != NULL ? &m->value : NULL;
}

/* Remembers a value; out of memory only means computing it again. */
static void memo_put(tob_values_t *v, const tob_variable_t *var, tob_id_t id,
                     int year, int in_ratio, const tob_value_t *value)
{
    if (2 * (v->n_memo + 1) > v->cap_memo) {
        size_t cap = v->cap_memo ? 2 * v->cap_memo : 256;
        memo_t *old = v->memo, *grown = calloc(cap, sizeof *grown);
        if (grown == NULL)
            return;
        size_t old_cap = v->cap_memo;
        v->memo = grown;
        v->cap_memo = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].var != NULL)
                v->memo[memo_slot(v, old[i].var, old[i].id, old[i].year,
                                  old[i].in_ratio)] = old[i];
        free(old);
    }
    memo_t *m = &v->memo[memo_slot(v, var, id, year, in_ratio)];
    if (m->var == NULL)
        v->n_memo++;
    *m = (memo_t){var, id, year, in_ratio, *value};
}

tob_status_t tob_values_level_has(tob_values_t *v, const char *variable,
                                  int year, const char *level, int *any,
                                  tob_error_t *err)
{
    *any = 0;
    obs_slot_t *slot =
        v->remember ? values_cache_obs_slot(&v->cache, variable, year, level)
                    : NULL;
    if (slot == NULL)
        return TOB_OK;
    tob_status_t s = slot->loaded ? TOB_OK : load_level(v, slot, err);
    *any = s == TOB_OK && slot->loaded && slot->n > 0;
    return s;
}

void tob_values_read_whole(tob_values_t *v, int on)
{
    v->whole = on != 0;
}

void tob_values_remember(tob_values_t *v, int on)
{
    v->remember = on != 0;
    if (!on) {
        free(v->memo);
        v->memo = NULL;
        v->n_memo = v->cap_memo = 0;
        values_cache_free(&v->cache);
    }
}

static tob_status_t from_children(derive_t *d, const tob_variable_t *var,
                                  tob_id_t id, double area, int year,
                                  tob_value_t *out, tob_error_t *err);

/* from_children(), through what the reader remembers when it does. */
static tob_status_t from_children_memo(derive_t *d, const tob_variable_t *var,
                                       tob_id_t id, double area, int year,
                                       tob_value_t *out, tob_error_t *err)
{
    if (!d->memo)
        return from_children(d, var, id, area, year, out, err);
    const tob_value_t *known = memo_find(d->v, var, id, year, d->in_ratio);
    if (known != NULL) {
        *out = *known;
        return TOB_OK;
    }
    tob_status_t s = from_children(d, var, id, area, year, out, err);
    if (s == TOB_OK)
        memo_put(d->v, var, id, year, d->in_ratio, out);
    return s;
}

static tob_status_t from_children(derive_t *d, const tob_variable_t *var,
                                  tob_id_t id, double area, int year,
                                  tob_value_t *out, tob_error_t *err)
{
    int overlap = d->opts->overlap;
    if (var->aggregate == TOB_AGG_NONE ||
        (overlap && var->aggregate != TOB_AGG_SUM))
        return TOB_OK;
    /* Sums, counts and means need every member; a ratio of sums is
     * computed under the coverage rule. */
    tob_members_t members = {"", 0, 0};
    tob_status_t s = TOB_OK;
    if (!overlap && (s = tob_values_members(d->v, id, &members, err)) != TOB_OK)
        return s;
    out->n_expected = members.expected;
    if (!d->in_ratio && members.present < members.expected) {
        out->n_parts = members.present;
        return TOB_OK;
    }
    child_t *children = NULL;
    size_t n = 0;
    int owned = 0;
    s = load_children(d->v, id, overlap, &children, &n, &owned, err);
    if (s == TOB_OK && n > 0) {
        out->coverage = overlap ? 1 : coverage_of(children, n, area);
        if (out->coverage >= d->min_coverage)
            s = combine(d, var, children, n, year, out, err);
        else
            out->n_parts = n;
    }
    if (owned)
        free(children);
    return s;
}

static tob_status_t value_of(derive_t *d, const char *name, tob_id_t id,
                             int year, int own_obs, tob_value_t *out,
                             tob_error_t *err)
{
    set_missing(out);
    if (d->depth >= MAX_DEPTH)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "variable %s: members nested more than %d "
                             "deep (a cycle of memberships?)",
                             name, MAX_DEPTH);
    const tob_variable_t *var = NULL;
    char level[TOB_LEVEL_NAME_MAX + 1];
    double area = 0;
    tob_status_t s = lookup(d->v, name, &var, err);
    if (s == TOB_OK)
        s = territory_info(d->v, id, level, sizeof level, &area, err);
    if (s != TOB_OK)
        return s;
    const char *base = d->opts->base_level;
    int at_base = base == NULL || strcmp(level, base) == 0;
    int found = 0;
    d->depth++;
    if (own_obs && at_base)
        s = observed(d->v, id, level, name, year, &found, out, err);
    if (s == TOB_OK && !found && var->aggregate == TOB_AGG_RATIO)
        s = ratio_of(d, var, id, year, out, err);
    else if (s == TOB_OK && !found && (base == NULL || !at_base))
        s = from_children_memo(d, var, id, area, year, out, err);
    d->depth--;
    return s;
}

/* The latest year of a variable, or of a ratio's numerator. */
static tob_status_t latest_year(tob_values_t *v, const char *name, int *year,
                                tob_error_t *err)
{
    *year = 0;
    const char *asked = name;
    if (v->remember && values_cache_latest(&v->cache, asked, year))
        return TOB_OK;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        const tob_variable_t *var = NULL;
        tob_status_t s = lookup(v, name, &var, err);
        if (s != TOB_OK)
            return s;
        if (var->aggregate != TOB_AGG_RATIO)
            break;
        name = var->numerator;
    }
    db_bind_text_static(v->latest, 1, name);
    int rc = db_step(v->latest);
    if (rc == DB_ROW)
        *year = db_column_int(v->latest, 0);
    db_reset(v->latest);
    if (rc != DB_ROW)
        return db_fail(v->st, "reading years", err);
    if (v->remember)
        values_cache_keep_latest(&v->cache, asked, *year);
    return TOB_OK;
}

static tob_status_t run_derive(tob_values_t *v, const char *variable,
                               tob_id_t territory, int year,
                               const tob_derive_options_t *opts, int own_obs,
                               tob_value_t *out, tob_error_t *err)
{
    set_missing(out);
    derive_t d = {
        v,
        opts,
        opts->min_coverage > 0 ? opts->min_coverage : TOB_VALUES_MIN_COVERAGE,
        0,
        0,
        own_obs && v->remember};
    const tob_variable_t *var = NULL;
    tob_status_t s = lookup(v, variable, &var, err);
    if (s == TOB_OK && year == 0)
        s = latest_year(v, variable, &year, err);
    if (s == TOB_OK && year != 0)
        s = value_of(&d, variable, territory, year, own_obs, out, err);
    out->year = year;
    return s;
}

tob_status_t tob_values_get(tob_values_t *v, const char *variable,
                            tob_id_t territory, int year, tob_value_t *out,
                            tob_error_t *err)
{
    static const tob_derive_options_t as_stored = {NULL, 0, 0};
    return run_derive(v, variable, territory, year, &as_stored, 1, out, err);
}

tob_status_t tob_values_derive(tob_values_t *v, const char *variable,
                               tob_id_t territory, int year,
                               const tob_derive_options_t *opts,
                               tob_value_t *out, tob_error_t *err)
{
    return run_derive(v, variable, territory, year, opts, 0, out, err);
}

tob_status_t tob_values_get_code(tob_values_t *v, const char *variable,
                                 const char *level, const char *code, int year,
                                 tob_value_t *out, tob_error_t *err)
{
    tob_id_t id = 0;
    set_missing(out);
    tob_status_t s = tob_territory_find(v->st, level, code, 0, &id, err);
    if (s == TOB_OK)
        s = tob_values_get(v, variable, id, year, out, err);
    return s;
}
