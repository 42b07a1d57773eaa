/* projects_territory.c - projects placed in the territories of a level
 * and summed there (see projects.h for the rules), and the projets_*
 * observations that maps and carnets read. */
#include "terrobs/projects.h"

#include "projects_place.h"
#include "store/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One project as the placing needs it. */
typedef struct placed {
    int engaged, abandoned, done;
    double cost;
    tob_id_t anchor; /* its commune, or its contract's territory */
    char anchor_level[64];
    int anchor_is_commune;
    int has_point;
    double x, y;
} placed_t;

typedef struct placer {
    tob_store_t *st;
    db_stmt_t *parents, *by_point, *surface;
    placed_t *items;
    size_t n, cap;
    int commune_vintage; /* latest vintage of level commune, 0 if none */
} placer_t;

static const char projects_sql[] =
    "WITH latest(level, vintage) AS (SELECT level, max(vintage)"
    "  FROM territory GROUP BY level)"
    " SELECT p.status, p.total_cost, X(p.geom), Y(p.geom),"
    "  (SELECT t.id FROM territory t JOIN latest l ON l.level = t.level"
    "   AND l.vintage = t.vintage WHERE t.level = 'commune'"
    "   AND t.code = p.commune_code),"
    "  (SELECT t.id FROM territory t JOIN latest l ON l.level = t.level"
    "   AND l.vintage = t.vintage WHERE t.level = c.territory_level"
    "   AND t.code = c.territory_code),"
    "  c.territory_level"
    " FROM project p JOIN contract c ON c.id = p.contract"
    " WHERE CAST(?1 AS TEXT) IS NULL OR c.code = ?1 ORDER BY p.id";

/* A territory's parents one step up: the territory its parent code names
 * and those it is a member of; up() walks on from them. Two index probes a
 * step, on either engine: the one recursive query it replaces joined the
 * two with an OR, which PostgreSQL planned as a scan of every territory a
 * step (3 ms a call on 1,900 territories, once per contract and page of a
 * site). */
static const char parents_sql[] =
    "SELECT p.id, p.level, p.vintage FROM territory t JOIN territory p"
    " ON p.code = t.parent_code AND p.level <> t.level WHERE t.id = ?1"
    " UNION ALL SELECT p.id, p.level, p.vintage FROM membership m"
    " JOIN territory p ON p.id = m.parent WHERE m.child = ?1"
    " AND m.kind = 'member'";

#define UP_MAX 256 /* ancestors walked, far more than any store nests */

static const char by_point_sql[] =
    "SELECT t.id FROM territory t WHERE t.level = ?1 AND t.vintage = ?2"
    " AND (CAST(?6 AS REAL) IS NULL OR t.area_m2 > ?6)"
    " AND t.id IN (TOB_BOX_IDS(territory, ?3, ?4, ?3, ?4))"
    " AND ST_Within(MakePoint(?3, ?4, ?5), t.geom) = 1"
    " ORDER BY t.id LIMIT 1";

static const char surface_sql[] =
    "SELECT X(p), Y(p), area_m2 FROM (SELECT PointOnSurface(geom) AS p,"
    " area_m2 FROM territory WHERE id = ? AND geom IS NOT NULL)";

static tob_id_t single_id(db_stmt_t *stmt)
{
    tob_id_t id = 0;
    if (db_step(stmt) == DB_ROW)
        id = db_column_int64(stmt, 0);
    db_reset(stmt);
    return id;
}

static tob_id_t at_point(placer_t *pl, const char *level, int vintage, double x,
                         double y, double min_area)
{
    db_stmt_t *q = pl->by_point;
    db_bind_text(q, 1, level);
    db_bind_int(q, 2, vintage);
    db_bind_double(q, 3, x);
    db_bind_double(q, 4, y);
    db_bind_int(q, 5, tob_store_srid(pl->st));
    if (isnan(min_area))
        db_bind_null(q, 6);
    else
        db_bind_double(q, 6, min_area);
    return single_id(q);
}

/* A commune's point on surface, in a territory larger than it. */
static tob_id_t commune_in(placer_t *pl, tob_id_t commune, const char *level,
                           int vintage)
{
    tob_id_t id = 0;
    db_bind_int64(pl->surface, 1, commune);
    if (db_step(pl->surface) == DB_ROW &&
        db_column_type(pl->surface, 0) != DB_NULL) {
        double x = db_column_double(pl->surface, 0);
        double y = db_column_double(pl->surface, 1);
        double area = db_column_double(pl->surface, 2);
        db_reset(pl->surface);
        return at_point(pl, level, vintage, x, y, area);
    }
    db_reset(pl->surface);
    return id;
}

static int seen_id(const tob_id_t *ids, size_t n, tob_id_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

/* The smallest id among the ancestors of id (parent codes and
 * memberships, at any depth, each walked once) at (level, vintage); 0 if
 * none. */
static tob_id_t up(placer_t *pl, tob_id_t id, const char *level, int vintage)
{
    tob_id_t walk[UP_MAX], found = 0;
    size_t n = 0;
    walk[n++] = id;
    for (size_t next = 0; next < n; next++) {
        db_stmt_t *q = pl->parents;
        db_bind_int64(q, 1, walk[next]);
        while (db_step(q) == DB_ROW) {
            tob_id_t parent = db_column_int64(q, 0);
            if (seen_id(walk, n, parent))
                continue;
            if (n < UP_MAX)
                walk[n++] = parent;
            if (strcmp(db_column_str(q, 1), level) == 0 &&
                db_column_int(q, 2) == vintage &&
                (found == 0 || parent < found))
                found = parent;
        }
        db_reset(q);
    }
    return found;
}

static tob_id_t place(placer_t *pl, const placed_t *p, const char *level,
                      int vintage)
{
    if (p->anchor != 0) {
        if (strcmp(p->anchor_level, level) == 0)
            return p->anchor;
        tob_id_t id = up(pl, p->anchor, level, vintage);
        if (id != 0)
            return id;
    }
    if (p->has_point)
        return at_point(pl, level, vintage, p->x, p->y, NAN);
    if (p->anchor != 0 && p->anchor_is_commune)
        return commune_in(pl, p->anchor, level, vintage);
    return 0;
}

static tob_status_t push(placer_t *pl, const placed_t *p, tob_error_t *err)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? 2 * pl->cap : 256;
        placed_t *items = realloc(pl->items, cap * sizeof *items);
        if (items == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        pl->items = items;
        pl->cap = cap;
    }
    pl->items[pl->n++] = *p;
    return TOB_OK;
}

static void read_project(placer_t *pl, db_stmt_t *q, placed_t *p)
{
    const char *status = db_column_text(q, 0);
    memset(p, 0, sizeof *p);
    p->abandoned = status != NULL && strcmp(status, "abandonne") == 0;
    p->done = status != NULL && strcmp(status, "realise") == 0;
    p->engaged = p->done || (status != NULL && strcmp(status, "engage") == 0);
    p->cost = db_column_double(q, 1); /* NULL reads 0 */
    p->has_point = db_column_type(q, 2) != DB_NULL;
    p->x = db_column_double(q, 2);
    p->y = db_column_double(q, 3);
    tob_id_t commune = db_column_int64(q, 4);
    if (commune == 0 && p->has_point && pl->commune_vintage != 0)
        commune = at_point(pl, "commune", pl->commune_vintage, p->x, p->y, NAN);
    if (commune != 0) {
        p->anchor = commune;
        p->anchor_is_commune = 1;
        snprintf(p->anchor_level, sizeof p->anchor_level, "commune");
    } else if (!p->has_point) {
        /* No location: the project is at its contract's territory. */
        p->anchor = db_column_int64(q, 5);
        const char *level = db_column_text(q, 6);
        snprintf(p->anchor_level, sizeof p->anchor_level, "%s",
                 level != NULL ? (const char *)level : "");
    }
}

static int latest_vintage(tob_store_t *st, const char *level)
{
    db_stmt_t *q = NULL;
    int vintage = 0;
    if (db_try_prepare(st,
                       "SELECT max(vintage) FROM territory"
                       " WHERE level = ?",
                       &q)) {
        db_bind_text_static(q, 1, level);
        if (db_step(q) == DB_ROW)
            vintage = db_column_int(q, 0);
    }
    db_finalize(q);
    return vintage;
}

static void placer_close(placer_t *pl)
{
    db_finalize(pl->parents);
    db_finalize(pl->by_point);
    db_finalize(pl->surface);
    free(pl->items);
    memset(pl, 0, sizeof *pl);
}

/* Reads the projects (of contract, or all) with their anchors. */
static tob_status_t placer_open(placer_t *pl, tob_store_t *st,
                                const char *contract, tob_error_t *err)
{
    memset(pl, 0, sizeof *pl);
    pl->st = st;
    pl->commune_vintage = latest_vintage(st, "commune");
    db_stmt_t *q = NULL;
    tob_status_t s = db_prepare(st, parents_sql, &pl->parents, err);
    if (s == TOB_OK)
        s = db_prepare(st, by_point_sql, &pl->by_point, err);
    if (s == TOB_OK)
        s = db_prepare(st, surface_sql, &pl->surface, err);
    if (s == TOB_OK)
        s = db_prepare(st, projects_sql, &q, err);
    if (s == TOB_OK && contract != NULL)
        db_bind_text(q, 1, contract);
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(q)) == DB_ROW) {
        placed_t p;
        read_project(pl, q, &p);
        s = push(pl, &p, err);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading projects", err);
    db_finalize(q);
    if (s != TOB_OK)
        placer_close(pl);
    return s;
}

/* ---- Totals per territory ------------------------------------------------ */

typedef struct id_pos {
    tob_id_t id;
    size_t pos;
} id_pos_t;

static int by_id(const void *a, const void *b)
{
    tob_id_t x = ((const id_pos_t *)a)->id, y = ((const id_pos_t *)b)->id;
    return (x > y) - (x < y);
}

static void add_to(tob_project_totals_t *t, const placed_t *p)
{
    if (p->abandoned) {
        t->n_abandoned++;
        return;
    }
    t->n_projects++;
    t->total_cost += p->cost;
    if (p->engaged) {
        t->n_engaged++;
        t->engaged_cost += p->cost;
    }
    t->n_done += p->done;
}

/* The territories of (level, vintage) in code order, zeroed. */
static tob_status_t load_rows(tob_store_t *st, const char *level, int vintage,
                              tob_project_totals_t **rows, size_t *n,
                              tob_error_t *err)
{
    db_stmt_t *q = NULL;
    size_t cap = 0;
    *rows = NULL;
    *n = 0;
    tob_status_t s =
        db_prepare(st,
                   "SELECT id, code, name FROM territory WHERE level = ? AND"
                   " vintage = ? ORDER BY code",
                   &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(q, 1, level);
    db_bind_int(q, 2, vintage);
    while (s == TOB_OK && db_step(q) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            tob_project_totals_t *r = realloc(*rows, cap * sizeof *r);
            if (r == NULL) {
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            *rows = r;
        }
        tob_project_totals_t *t = &(*rows)[(*n)++];
        memset(t, 0, sizeof *t);
        t->territory = db_column_int64(q, 0);
        snprintf(t->code, sizeof t->code, "%s", db_column_text(q, 1));
        snprintf(t->name, sizeof t->name, "%s", db_column_text(q, 2));
    }
    db_finalize(q);
    if (s != TOB_OK) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return s;
}

static tob_status_t sum_placed(placer_t *pl, const char *level, int vintage,
                               tob_project_totals_t *rows, size_t n_rows,
                               tob_project_totals_t *unplaced, tob_error_t *err)
{
    id_pos_t *index = calloc(n_rows + 1, sizeof *index);
    if (index == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n_rows; i++)
        index[i] = (id_pos_t){rows[i].territory, i};
    qsort(index, n_rows, sizeof *index, by_id);
    for (size_t i = 0; i < pl->n; i++) {
        id_pos_t key = {place(pl, &pl->items[i], level, vintage), 0};
        id_pos_t *hit =
            key.id == 0 ? NULL
                        : bsearch(&key, index, n_rows, sizeof *index, by_id);
        add_to(hit != NULL ? &rows[hit->pos] : unplaced, &pl->items[i]);
    }
    free(index);
    return TOB_OK;
}

static tob_status_t check_level(tob_store_t *st, const char *level,
                                int *vintage, tob_error_t *err)
{
    *vintage = level != NULL ? latest_vintage(st, level) : 0;
    near_t near;
    if (*vintage == 0 && (level == NULL || !tob_store_has_level(st, level)))
        return tob_error_set(
            err, TOB_ERR_NOTFOUND, "no level '%s' in the store%s",
            level != NULL ? level : "", db_near_level(st, &near, level));
    return TOB_OK;
}

static tob_status_t check_contract(tob_store_t *st, const char *contract,
                                   tob_error_t *err)
{
    if (contract == NULL)
        return TOB_OK;
    db_stmt_t *q = NULL;
    tob_status_t s =
        db_prepare(st, "SELECT 1 FROM contract WHERE code = ?", &q, err);
    if (s != TOB_OK)
        return s;
    db_bind_text(q, 1, contract);
    if (db_step(q) != DB_ROW)
        s = tob_error_set(err, TOB_ERR_NOTFOUND,
                          "no contract '%s' in the store", contract);
    db_finalize(q);
    return s;
}

tob_status_t tob_projects_by_territory(tob_store_t *st, const char *level,
                                       const char *contract,
                                       tob_project_totals_t **rows,
                                       size_t *n_rows,
                                       tob_project_totals_t *unplaced,
                                       tob_error_t *err)
{
    *rows = NULL;
    *n_rows = 0;
    tob_project_totals_t none;
    memset(&none, 0, sizeof none);
    int vintage = 0;
    tob_status_t s = check_level(st, level, &vintage, err);
    if (s == TOB_OK)
        s = check_contract(st, contract, err);
    placer_t pl;
    if (s == TOB_OK)
        s = placer_open(&pl, st, contract, err);
    if (s != TOB_OK)
        return s;
    s = load_rows(st, level, vintage, rows, n_rows, err);
    if (s == TOB_OK)
        s = sum_placed(&pl, level, vintage, *rows, *n_rows, &none, err);
    placer_close(&pl);
    if (s != TOB_OK) {
        free(*rows);
        *rows = NULL;
        *n_rows = 0;
    }
    if (unplaced != NULL)
        *unplaced = none;
    return s;
}

tob_status_t tob_projects_in_territory(tob_store_t *st, const char *level,
                                       const char *code, const char *contract,
                                       tob_project_totals_t *out,
                                       tob_error_t *err)
{
    tob_project_totals_t *rows = NULL;
    size_t n = 0;
    memset(out, 0, sizeof *out);
    tob_status_t s =
        tob_projects_by_territory(st, level, contract, &rows, &n, NULL, err);
    size_t i = 0;
    while (s == TOB_OK && i < n && strcmp(rows[i].code, code) != 0)
        i++;
    char hint[NEAR_HINT_MAX];
    if (s == TOB_OK && i == n)
        s = tob_error_set(err, TOB_ERR_NOTFOUND, "no %s with code '%s'%s",
                          level, code,
                          db_code_hint(st, level, code, hint, sizeof hint));
    if (s == TOB_OK)
        *out = rows[i];
    free(rows);
    return s;
}

struct projects_above {
    placer_t pl;
    db_stmt_t *level_of;
    char level[64];
    int vintage;
};

tob_status_t projects_above_open(tob_store_t *st, const char *level,
                                 projects_above_t **out, tob_error_t *err)
{
    *out = NULL;
    projects_above_t *a = calloc(1, sizeof *a);
    if (a == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    a->pl.st = st;
    snprintf(a->level, sizeof a->level, "%s", level);
    a->vintage = latest_vintage(st, level);
    tob_status_t s = db_prepare(st, parents_sql, &a->pl.parents, err);
    if (s == TOB_OK)
        s = db_prepare(st, by_point_sql, &a->pl.by_point, err);
    if (s == TOB_OK)
        s = db_prepare(st, surface_sql, &a->pl.surface, err);
    if (s == TOB_OK)
        s = db_prepare(st, "SELECT level FROM territory WHERE id = ?",
                       &a->level_of, err);
    if (s != TOB_OK) {
        projects_above_close(a);
        return s;
    }
    *out = a;
    return TOB_OK;
}

tob_id_t projects_above(projects_above_t *a, tob_id_t id)
{
    placed_t p;
    memset(&p, 0, sizeof p);
    p.anchor = id;
    p.anchor_is_commune = 1; /* smaller territories go up in space */
    db_bind_int64(a->level_of, 1, id);
    if (db_step(a->level_of) == DB_ROW)
        snprintf(p.anchor_level, sizeof p.anchor_level, "%s",
                 db_column_str(a->level_of, 0));
    db_reset(a->level_of);
    return place(&a->pl, &p, a->level, a->vintage);
}

void projects_above_close(projects_above_t *a)
{
    if (a == NULL)
        return;
    db_finalize(a->level_of);
    placer_close(&a->pl);
    free(a);
}
