/* carnet_territory.c - what a carnet says about its territory: name and
 * level, parents up the membership tree, member communes, the
 * département of reference, and how many territories share its level. */
#include "carnet_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_SELF[] =
    "SELECT t.id, t.level, l.label, t.code, t.name, t.area_m2, t.vintage,"
    "       t.geom IS NOT NULL"
    "  FROM territory t JOIN level l ON l.name = t.level"
    " WHERE t.level = ?1 AND t.code = ?2 AND (?3 = 0 OR t.vintage = ?3)"
    " ORDER BY t.vintage DESC LIMIT 1";

/* Ancestors through whole membership, nearest first. */
static const char SQL_PARENTS[] =
    "WITH RECURSIVE up(id, depth) AS ("
    "  SELECT parent, 1 FROM membership WHERE child = ?1 AND kind = 'member'"
    "  UNION SELECT m.parent, up.depth + 1 FROM membership m"
    "    JOIN up ON m.child = up.id"
    "   WHERE m.kind = 'member' AND up.depth < 8)"
    " SELECT t.id, t.level, l.label, t.code, t.name, t.area_m2"
    "  FROM up JOIN territory t ON t.id = up.id"
    "  JOIN level l ON l.name = t.level"
    " GROUP BY t.id, l.label ORDER BY min(up.depth), t.level, t.name";

/* Member communes: descendants at level commune (the territory itself if
 * it is one). */
static const char SQL_COMMUNES[] =
    "WITH RECURSIVE down(id, depth) AS ("
    "  SELECT CAST(?1 AS INTEGER), 0"
    "  UNION SELECT m.child, down.depth + 1 FROM membership m"
    "    JOIN down ON m.parent = down.id"
    "   WHERE m.kind = 'member' AND down.depth < 8)"
    " SELECT DISTINCT t.id, t.level, l.label, t.code, t.name, t.area_m2"
    "  FROM down JOIN territory t ON t.id = down.id"
    "  JOIN level l ON l.name = t.level"
    " WHERE t.level = 'commune' ORDER BY t.name, t.code";

/* Départements of the member communes, most communes first: through
 * membership when related, else by the INSEE code's prefix (2 characters,
 * 3 overseas: 97209 is in 972). A territory's level and code are looked up
 * by id (correlated, the primary key) rather than joined: PostgreSQL
 * cannot tell how few rows the recursive part gives (it guesses 1,500
 * for an EPCI's 56) and hashed all 35,357 communes and 70,710
 * memberships to join them, 20 ms a carnet against 1 ms. */
static const char SQL_DEPARTEMENTS[] =
    "WITH RECURSIVE down(id, depth) AS ("
    "  SELECT CAST(?1 AS INTEGER), 0"
    "  UNION SELECT m.child, down.depth + 1 FROM membership m"
    "    JOIN down ON m.parent = down.id"
    "   WHERE m.kind = 'member' AND down.depth < 8),"
    " com(id, code) AS (SELECT DISTINCT down.id,"
    "   (SELECT t.code FROM territory t WHERE t.id = down.id) FROM down"
    "   WHERE (SELECT t.level FROM territory t WHERE t.id = down.id)"
    "     = 'commune'),"
    " dep(id) AS ("
    "  SELECT m.parent FROM com JOIN membership m ON m.child = com.id"
    "   WHERE (SELECT d.level FROM territory d WHERE d.id = m.parent)"
    "     = 'departement'"
    "  UNION ALL"
    "  SELECT (SELECT d.id FROM territory d WHERE d.level = 'departement'"
    "     AND d.code = CASE WHEN substr(com.code, 1, 2) = '97'"
    "       THEN substr(com.code, 1, 3) ELSE substr(com.code, 1, 2) END"
    "     ORDER BY d.vintage DESC LIMIT 1)"
    "    FROM com"
    "   WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.child = com.id"
    "     AND (SELECT d.level FROM territory d WHERE d.id = m.parent)"
    "       = 'departement'))"
    " SELECT t.id, t.level, l.label, t.code, t.name, t.area_m2, count(*) n"
    "  FROM dep JOIN territory t ON t.id = dep.id"
    "  JOIN level l ON l.name = t.level"
    " GROUP BY t.id, l.label ORDER BY n DESC, t.code";

/* Territories of a level related to the territory or to its members at
 * any depth, by membership or overlap (a city's QPV, an EPCI's quartiers
 * through its communes): each once, by name. */
static const char SQL_RELATED[] =
    "WITH RECURSIVE down(id, depth) AS ("
    "  SELECT CAST(?1 AS INTEGER), 0"
    "  UNION SELECT m.child, down.depth + 1 FROM membership m"
    "    JOIN down ON m.parent = down.id"
    "   WHERE m.kind = 'member' AND down.depth < 8)"
    " SELECT DISTINCT t.id, t.level, l.label, t.code, t.name, t.area_m2"
    "  FROM down JOIN membership m ON m.parent = down.id"
    "  JOIN territory t ON t.id = m.child"
    "  JOIN level l ON l.name = t.level"
    " WHERE t.level = ?2 ORDER BY t.name, t.code";

/* A territory by level and code, its latest vintage. */
static const char SQL_BY_CODE[] =
    "SELECT t.id, t.level, l.label, t.code, t.name, t.area_m2"
    "  FROM territory t JOIN level l ON l.name = t.level"
    " WHERE t.level = ?1 AND t.code = ?2 ORDER BY t.vintage DESC LIMIT 1";

static const char SQL_STORE_DATE[] =
    "SELECT strftime('%d/%m/%Y', max(loaded_at)) FROM source";

static char *col_dup(db_stmt_t *s, int i)
{
    const char *t = db_column_text(s, i);
    return strdup(t != NULL ? (const char *)t : "");
}

static void unit_free(carnet_unit_t *u)
{
    free(u->level);
    free(u->level_label);
    free(u->code);
    free(u->name);
}

/* Reads columns id, level, label, code, name, area_m2. */
static int unit_read(db_stmt_t *s, carnet_unit_t *u)
{
    u->id = db_column_int64(s, 0);
    u->level = col_dup(s, 1);
    u->level_label = col_dup(s, 2);
    u->code = col_dup(s, 3);
    u->name = col_dup(s, 4);
    u->area_m2 = db_column_type(s, 5) == DB_NULL ? NAN : db_column_double(s, 5);
    if (!u->level || !u->level_label || !u->code || !u->name) {
        unit_free(u);
        return -1;
    }
    return 0;
}

/* Runs a prepared statement to the end, appending a unit per row. */
static tob_status_t read_units(tob_store_t *st, db_stmt_t *s,
                               carnet_unit_t **units, size_t *n,
                               tob_error_t *err)
{
    size_t cap = *n;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            carnet_unit_t *u = realloc(*units, cap * sizeof *u);
            if (u == NULL)
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            *units = u;
        }
        if (unit_read(s, &(*units)[*n]) != 0)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        (*n)++;
    }
    if (rc != DB_DONE)
        return db_fail(st, "reading territories", err);
    return TOB_OK;
}

static tob_status_t load_self(tob_store_t *st, const char *level,
                              const char *code, int vintage,
                              carnet_territory_t *t, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_SELF, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, level);
    db_bind_text_static(s, 2, code);
    db_bind_int(s, 3, vintage);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        t->vintage = db_column_int(s, 6);
        t->has_geom = db_column_int(s, 7);
        if (unit_read(s, &t->self) != 0)
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else if (rc == DB_DONE) {
        char hint[NEAR_HINT_MAX];
        near_t near;
        if (tob_store_has_level(st, level))
            status = tob_error_set(
                err, TOB_ERR_NOTFOUND, "no %s with code '%s'%s", level, code,
                db_code_hint(st, level, code, hint, sizeof hint));
        else
            status = tob_error_set(err, TOB_ERR_NOTFOUND,
                                   "no level '%s' in the store%s", level,
                                   db_near_level(st, &near, level));
    } else {
        status = db_fail(st, "reading the territory", err);
    }
    db_finalize(s);
    return status;
}

/* The territories sql lists for id (and level, the second parameter,
 * when not NULL). */
static tob_status_t load_list(tob_store_t *st, const char *sql, tob_id_t id,
                              const char *level, carnet_unit_t **units,
                              size_t *n, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, sql, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, id);
    if (level != NULL)
        db_bind_text_static(s, 2, level);
    status = read_units(st, s, units, n, err);
    db_finalize(s);
    return status;
}

/* The communes its membership source gives it (relate --members). */
static tob_status_t count_expected(tob_store_t *st, carnet_territory_t *t,
                                   tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st,
                                     "SELECT n FROM expected_members WHERE"
                                     " parent = ? AND child_level = 'commune'",
                                     &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, t->self.id);
    int rc = db_step(s);
    if (rc == DB_ROW)
        t->n_communes_expected = (size_t)db_column_int64(s, 0);
    else if (rc != DB_DONE)
        status = db_fail(st, "reading expected members", err);
    db_finalize(s);
    return status;
}

/* Appends the départements of the communes to the parents (those not
 * already there); the first one is the département of reference. */
static tob_status_t add_departements(tob_store_t *st, carnet_territory_t *t,
                                     tob_error_t *err)
{
    if (strcmp(t->self.level, "departement") == 0)
        return TOB_OK;
    carnet_unit_t *deps = NULL;
    size_t n = 0;
    tob_status_t status =
        load_list(st, SQL_DEPARTEMENTS, t->self.id, NULL, &deps, &n, err);
    tob_id_t ref_id = n > 0 ? deps[0].id : 0;
    for (size_t i = 0; status == TOB_OK && i < n; i++) {
        int known = 0;
        for (size_t k = 0; k < t->n_parents; k++)
            known |= t->parents[k].id == deps[i].id;
        if (known)
            continue;
        carnet_unit_t *p = realloc(t->parents, (t->n_parents + 1) * sizeof *p);
        if (p == NULL) {
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        t->parents = p;
        t->parents[t->n_parents++] = deps[i];
        memset(&deps[i], 0, sizeof deps[i]); /* moved */
    }
    for (size_t i = 0; i < n; i++)
        unit_free(&deps[i]);
    free(deps);
    /* The reference: where most communes are, else a département above. */
    for (size_t k = 0; k < t->n_parents; k++)
        if (ref_id != 0 ? t->parents[k].id == ref_id
                        : strcmp(t->parents[k].level, "departement") == 0) {
            t->departement = &t->parents[k];
            break;
        }
    return status;
}

/* Names in French order: accents do not count (Béthencourt before
 * Bévillers before Busigny), then the code breaks ties. */
static int by_french_name(const void *a, const void *b)
{
    const carnet_unit_t *x = a, *y = b;
    char kx[TOB_SLUG_MAX + 1], ky[TOB_SLUG_MAX + 1];
    tob_text_slug(x->name, kx, sizeof kx);
    tob_text_slug(y->name, ky, sizeof ky);
    int c = strcmp(kx, ky);
    return c != 0 ? c : strcmp(x->code, y->code);
}

/* A zone without a polygon of its own measures what its communes do. */
static double communes_area(const carnet_territory_t *t)
{
    double sum = 0;
    for (size_t i = 0; i < t->n_communes; i++) {
        if (!isfinite(t->communes[i].area_m2))
            return NAN;
        sum += t->communes[i].area_m2;
    }
    return t->n_communes > 0 ? sum : NAN;
}

tob_status_t carnet_territory_load(tob_store_t *st, const char *level,
                                   const char *code, int vintage,
                                   carnet_territory_t *t, tob_error_t *err)
{
    memset(t, 0, sizeof *t);
    tob_status_t status = load_self(st, level, code, vintage, t, err);
    if (status == TOB_OK)
        status = load_list(st, SQL_PARENTS, t->self.id, NULL, &t->parents,
                           &t->n_parents, err);
    if (status == TOB_OK)
        status = load_list(st, SQL_COMMUNES, t->self.id, NULL, &t->communes,
                           &t->n_communes, err);
    if (status == TOB_OK)
        status = add_departements(st, t, err);
    if (status == TOB_OK && t->n_communes > 1)
        qsort(t->communes, t->n_communes, sizeof *t->communes, by_french_name);
    if (status == TOB_OK && !isfinite(t->self.area_m2))
        t->self.area_m2 = communes_area(t);
    if (status == TOB_OK)
        status = count_expected(st, t, err);
    if (status != TOB_OK)
        carnet_territory_free(t);
    return status;
}

void carnet_territory_free(carnet_territory_t *t)
{
    unit_free(&t->self);
    for (size_t i = 0; i < t->n_parents; i++)
        unit_free(&t->parents[i]);
    for (size_t i = 0; i < t->n_communes; i++)
        unit_free(&t->communes[i]);
    free(t->parents);
    free(t->communes);
    memset(t, 0, sizeof *t);
}

void carnet_unit_clear(carnet_unit_t *u)
{
    unit_free(u);
    memset(u, 0, sizeof *u);
}

void carnet_units_free(carnet_unit_t *units, size_t n)
{
    for (size_t i = 0; i < n; i++)
        unit_free(&units[i]);
    free(units);
}

tob_status_t carnet_related_units(tob_store_t *st, tob_id_t id,
                                  const char *level, carnet_unit_t **units,
                                  size_t *n, tob_error_t *err)
{
    *units = NULL;
    *n = 0;
    tob_status_t status = load_list(st, SQL_RELATED, id, level, units, n, err);
    if (status != TOB_OK) {
        carnet_units_free(*units, *n);
        *units = NULL;
        *n = 0;
    }
    return status;
}

tob_status_t carnet_unit_by_code(tob_store_t *st, const char *level,
                                 const char *code, carnet_unit_t *out,
                                 int *found, tob_error_t *err)
{
    memset(out, 0, sizeof *out);
    *found = 0;
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_BY_CODE, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_text_static(s, 1, level);
    db_bind_text_static(s, 2, code);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        if (unit_read(s, out) != 0)
            status = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        else
            *found = 1;
    } else if (rc != DB_DONE) {
        status = db_fail(st, "reading a territory", err);
    }
    db_finalize(s);
    return status;
}

tob_status_t carnet_store_date(tob_store_t *st, char *buf, size_t size,
                               tob_error_t *err)
{
    buf[0] = '\0';
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_STORE_DATE, &s, err);
    if (status != TOB_OK)
        return status;
    if (db_step(s) == DB_ROW) {
        const char *d = db_column_text(s, 0);
        snprintf(buf, size, "%s", d != NULL ? (const char *)d : "");
    } else {
        status = db_fail(st, "reading provenance", err);
    }
    db_finalize(s);
    return status;
}

/* The nearest ancestor of territory id at level, through whole
 * memberships. */
static const char SQL_ANCESTOR[] =
    "WITH RECURSIVE up(id, depth) AS ("
    "  SELECT parent, 1 FROM membership WHERE child = ?1 AND kind = 'member'"
    "  UNION SELECT m.parent, up.depth + 1 FROM membership m"
    "    JOIN up ON m.child = up.id"
    "   WHERE m.kind = 'member' AND up.depth < 8)"
    " SELECT t.id, t.name FROM up JOIN territory t ON t.id = up.id"
    " WHERE t.level = ?2 ORDER BY up.depth LIMIT 1";

tob_status_t carnet_ancestor(tob_store_t *st, tob_id_t id, const char *level,
                             tob_id_t *found, char *name, size_t size,
                             tob_error_t *err)
{
    *found = 0;
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(st, SQL_ANCESTOR, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, id);
    db_bind_text_static(s, 2, level);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        *found = db_column_int64(s, 0);
        snprintf(name, size, "%s", db_column_text(s, 1));
    } else if (rc != DB_DONE) {
        status = db_fail(st, "reading memberships", err);
    }
    db_finalize(s);
    return status;
}
