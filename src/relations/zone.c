/* zone.c - zones from member lists: territories whose geometry is the
 * dissolve of their members', related to them. */
#include "terrobs/zone.h"
#include "terrobs/aggregate.h"

#include "base/codeset.h"
#include "sources/tablecol.h"
#include "store/db.h"
#include "terrobs/codes.h"
#include "terrobs/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    Z_LEVEL,
    Z_CODE,
    Z_NAME,
    M_LEVEL,
    M_CODE,
    N_ZCOLS
};

static const char *const zone_aliases[N_ZCOLS][3] = {
    {"zone_level", "niveau_zone", NULL},
    {"zone_code", "code_zone", NULL},
    {"zone_name", "nom_zone", NULL},
    {"member_level", "niveau_membre", NULL},
    {"member_code", "code_membre", NULL},
};

typedef struct zone_def {
    /* Sized as cells (checked shorter: level 32 bytes, code 64). */
    char level[256], code[256], name[256];
    char member_level[256]; /* of the first member */
    int mixed_levels;       /* members of more than one level */
    long long row;
    int vintage; /* the latest of its members' */
    tob_id_t id, *members;
    size_t n_members, cap_members;
} zone_def_t;

typedef struct zone_run {
    tob_store_t *st;
    const tob_zone_options_t *opts;
    tob_zone_report_t *rep;
    tob_table_t *table;
    long col[N_ZCOLS];
    char cells[N_ZCOLS][256]; /* the current row, trimmed */
    zone_def_t *zones;
    size_t n_zones, cap_zones;
    tob_codeset_t *index; /* "level code" -> zone + 1 */
    tob_codeset_t *pairs; /* "zone member-id", for members listed twice */
    db_stmt_t *find;
    tob_id_t source_id;
} zone_run_t;

/* The latest vintage of the member's level holds the member. */
static const char FIND_SQL[] =
    "SELECT id, vintage, geom IS NOT NULL FROM territory WHERE level = ?1"
    " AND code = ?2 AND vintage ="
    " (SELECT max(vintage) FROM territory WHERE level = ?1)";

static tob_status_t at_cell(zone_run_t *z, int c, tob_status_t s,
                            tob_error_t *err)
{
    tob_error_at(err, tob_table_source(z->table),
                 tob_table_row_number(z->table), zone_aliases[c][0]);
    return s;
}

static tob_status_t read_cells(zone_run_t *z, tob_error_t *err)
{
    for (int c = 0; c < N_ZCOLS; c++) {
        const char *text = tob_table_cell(z->table, (size_t)z->col[c]);
        if (tob_code_normalize(text, z->cells[c], sizeof z->cells[c], NULL) !=
            TOB_OK)
            return at_cell(z, c,
                           tob_error_set(err, TOB_ERR_INPUT,
                                         "longer than %zu bytes",
                                         sizeof z->cells[c] - 1),
                           err);
        if (z->cells[c][0] == '\0')
            return at_cell(
                z, c, tob_error_set(err, TOB_ERR_INPUT, "empty cell"), err);
    }
    /* A bad level name here is bad input (exit 2), not a bad option. */
    tob_error_t why;
    tob_error_clear(&why);
    if (tob_store_check_level_name(z->cells[Z_LEVEL], &why) != TOB_OK)
        return at_cell(z, Z_LEVEL,
                       tob_error_set(err, TOB_ERR_INPUT, "%s", why.message),
                       err);
    if (tob_code_check(z->cells[Z_LEVEL], z->cells[Z_CODE], err) != TOB_OK)
        return at_cell(z, Z_CODE, TOB_ERR_INPUT, err);
    if (strcmp(z->cells[Z_LEVEL], z->cells[M_LEVEL]) == 0)
        return at_cell(z, M_LEVEL,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "a zone cannot be made of its own "
                                     "level (%s)",
                                     z->cells[M_LEVEL]),
                       err);
    near_t near;
    if (!tob_store_has_level(z->st, z->cells[M_LEVEL]))
        return at_cell(
            z, M_LEVEL,
            tob_error_set(err, TOB_ERR_NOTFOUND, "no level '%s' in the store%s",
                          z->cells[M_LEVEL],
                          db_near_level(z->st, &near, z->cells[M_LEVEL])),
            err);
    return TOB_OK;
}

/* The zone of the current row, created on its first row. */
static tob_status_t zone_of_row(zone_run_t *z, zone_def_t **out,
                                tob_error_t *err)
{
    char key[2 * 256 + 2];
    snprintf(key, sizeof key, "%s %s", z->cells[Z_LEVEL], z->cells[Z_CODE]);
    long long at = codeset_find(z->index, key);
    if (at > 0) {
        *out = &z->zones[at - 1];
        if (strcmp((*out)->name, z->cells[Z_NAME]) == 0)
            return TOB_OK;
        return at_cell(z, Z_NAME,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "zone %s is named '%s' at row %lld",
                                     (*out)->code, (*out)->name, (*out)->row),
                       err);
    }
    if (z->n_zones == z->cap_zones) {
        size_t cap = z->cap_zones ? 2 * z->cap_zones : 16;
        zone_def_t *bigger = realloc(z->zones, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        z->zones = bigger;
        z->cap_zones = cap;
    }
    zone_def_t *d = &z->zones[z->n_zones++];
    memset(d, 0, sizeof *d);
    snprintf(d->level, sizeof d->level, "%s", z->cells[Z_LEVEL]);
    snprintf(d->code, sizeof d->code, "%s", z->cells[Z_CODE]);
    snprintf(d->name, sizeof d->name, "%s", z->cells[Z_NAME]);
    snprintf(d->member_level, sizeof d->member_level, "%s", z->cells[M_LEVEL]);
    d->row = tob_table_row_number(z->table);
    d->vintage = z->opts->vintage;
    *out = d;
    return codeset_add(z->index, key, (long long)z->n_zones, &at, err);
}

static tob_status_t add_member(zone_run_t *z, zone_def_t *d, tob_error_t *err)
{
    db_bind_text_static(z->find, 1, z->cells[M_LEVEL]);
    db_bind_text_static(z->find, 2, z->cells[M_CODE]);
    int rc = db_step(z->find);
    tob_id_t id = rc == DB_ROW ? db_column_int64(z->find, 0) : 0;
    int vintage = rc == DB_ROW ? db_column_int(z->find, 1) : 0;
    z->rep->n_without_geometry += rc == DB_ROW && !db_column_int(z->find, 2);
    db_reset(z->find);
    if (rc != DB_ROW && rc != DB_DONE)
        return db_fail(z->st, "finding a member", err);
    char hint[NEAR_HINT_MAX];
    if (id == 0)
        return at_cell(
            z, M_CODE,
            tob_error_set(err, TOB_ERR_INPUT, "no %s with code '%s'%s",
                          z->cells[M_LEVEL], z->cells[M_CODE],
                          db_code_hint(z->st, z->cells[M_LEVEL],
                                       z->cells[M_CODE], hint, sizeof hint)),
            err);
    char pair[TOB_LEVEL_NAME_MAX + TOB_CODE_MAX + 32];
    long long first = 0;
    snprintf(pair, sizeof pair, "%zu %lld", (size_t)(d - z->zones),
             (long long)id);
    tob_status_t s = codeset_add(z->pairs, pair, tob_table_row_number(z->table),
                                 &first, err);
    if (s == TOB_OK && first != 0)
        return at_cell(z, M_CODE,
                       tob_error_set(err, TOB_ERR_INPUT,
                                     "%s %s is already a member of %s at "
                                     "row %lld",
                                     z->cells[M_LEVEL], z->cells[M_CODE],
                                     d->code, first),
                       err);
    if (s == TOB_OK && d->n_members == d->cap_members) {
        size_t cap = d->cap_members ? 2 * d->cap_members : 16;
        tob_id_t *bigger = realloc(d->members, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        d->members = bigger;
        d->cap_members = cap;
    }
    if (s == TOB_OK) {
        d->members[d->n_members++] = id;
        d->mixed_levels |= strcmp(d->member_level, z->cells[M_LEVEL]) != 0;
        if (z->opts->vintage == 0 && vintage > d->vintage)
            d->vintage = vintage;
    }
    return s;
}

/* The territories a member lies in: its parents through memberships (up
 * every level), and the polygons of other levels holding its point on
 * surface (the spatial index probed with the point, then ST_Contains). */
static const char CONTAINERS_SQL[] =
    "WITH RECURSIVE up(id) AS ("
    "  SELECT parent FROM membership WHERE child = ?1 AND kind = 'member'"
    "  UNION SELECT m.parent FROM membership m JOIN up ON m.child = up.id"
    "  WHERE m.kind = 'member'),"
    " p(pt, level, area) AS (SELECT PointOnSurface(geom), level, area_m2"
    "  FROM territory"
    "  WHERE id = ?1 AND geom IS NOT NULL)"
    " SELECT t.id, t.level, t.code, 'its memberships' FROM up"
    "  JOIN territory t ON t.id = up.id"
    " UNION ALL"
    " SELECT b.id, b.level, b.code, 'space' FROM p, territory b"
    "  WHERE b.level <> p.level AND b.geom IS NOT NULL AND b.area_m2 > p.area"
    "  AND TOB_BOX_MEETS(territory, b, p.pt)"
    "  AND ST_Contains(b.geom, p.pt)";

/* A member inside another member of the same zone (a commune and the
 * EPCI around it) would be counted twice in the zone's sums: refused,
 * naming both. Only zones mixing levels can hold such a pair. */
static tob_status_t check_member(zone_run_t *z, db_stmt_t *stmt, size_t zi,
                                 tob_id_t member, tob_error_t *err)
{
    char pair[64];
    db_bind_int64(stmt, 1, member);
    int rc;
    tob_status_t s = TOB_OK;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        snprintf(pair, sizeof pair, "%zu %lld", zi,
                 (long long)db_column_int64(stmt, 0));
        long long outer_row = codeset_find(z->pairs, pair);
        if (outer_row == 0)
            continue;
        snprintf(pair, sizeof pair, "%zu %lld", zi, (long long)member);
        long long row = codeset_find(z->pairs, pair);
        db_stmt_t *q = NULL;
        s = db_prepare(z->st, "SELECT level, code FROM territory WHERE id = ?1",
                       &q, err);
        if (s == TOB_OK) {
            db_bind_int64(q, 1, member);
            int found = db_step(q) == DB_ROW;
            tob_error_set(err, TOB_ERR_INPUT,
                          "%s %s lies in %s %s (row %lld, by %s), another "
                          "member of zone %s: its values would count "
                          "twice",
                          found ? db_column_text(q, 0) : "territory",
                          found ? db_column_text(q, 1) : "?",
                          db_column_text(stmt, 1), db_column_text(stmt, 2),
                          outer_row, db_column_text(stmt, 3),
                          z->zones[zi].code);
            tob_error_at(err, tob_table_source(z->table), row,
                         zone_aliases[M_CODE][0]);
            s = TOB_ERR_INPUT;
        }
        db_finalize(q);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(z->st, "checking a zone's members", err);
    db_reset(stmt);
    return s;
}

static tob_status_t check_overlaps(zone_run_t *z, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = TOB_OK;
    for (size_t zi = 0; s == TOB_OK && zi < z->n_zones; zi++) {
        const zone_def_t *d = &z->zones[zi];
        if (!d->mixed_levels)
            continue;
        if (stmt == NULL &&
            (s = db_prepare(z->st, CONTAINERS_SQL, &stmt, err)) != TOB_OK)
            break;
        for (size_t i = 0; s == TOB_OK && i < d->n_members; i++)
            s = check_member(z, stmt, zi, d->members[i], err);
    }
    db_finalize(stmt);
    return s;
}

static tob_status_t read_zones(zone_run_t *z, tob_error_t *err)
{
    tob_table_options_t topts = {z->opts->sheet};
    tob_status_t s = tob_table_open(z->opts->path, &topts, &z->table, err);
    if (s == TOB_OK)
        s = codeset_create(&z->index, err);
    if (s == TOB_OK)
        s = codeset_create(&z->pairs, err);
    if (s == TOB_OK)
        s = db_prepare(z->st, FIND_SQL, &z->find, err);
    for (int c = 0; s == TOB_OK && c < N_ZCOLS; c++) {
        s = table_column(z->table, zone_aliases[c], 0, &z->col[c], err);
        if (s == TOB_OK && z->col[c] < 0) {
            s = tob_error_set(err, TOB_ERR_NOTFOUND,
                              "no column '%s' (expected columns: zone_level, "
                              "zone_code, zone_name, member_level, "
                              "member_code)",
                              zone_aliases[c][0]);
            tob_error_at(err, tob_table_source(z->table), 0, NULL);
        }
    }
    int has_row = 0;
    while (s == TOB_OK &&
           (s = tob_table_next(z->table, &has_row, err)) == TOB_OK && has_row) {
        zone_def_t *d = NULL;
        z->rep->n_rows++;
        s = read_cells(z, err);
        if (s == TOB_OK)
            s = zone_of_row(z, &d, err);
        if (s == TOB_OK)
            s = add_member(z, d, err);
    }
    if (s == TOB_OK && z->n_zones == 0)
        s = tob_error_set(err, TOB_ERR_INPUT, "no zone defined");
    if (s == TOB_OK)
        s = check_overlaps(z, err);
    return s;
}

/* Runs sql with ?1 = id (and ?2 = the source id if used). */
static tob_status_t exec_id(zone_run_t *z, const char *sql, tob_id_t id,
                            const char *doing, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(z->st, sql, &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(stmt, 1, id);
    if (db_bind_parameter_count(stmt) >= 2)
        db_bind_int64(stmt, 2, z->source_id);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(z->st, doing, err);
    db_finalize(stmt);
    return s;
}

/* The zone's territory: kept (id and values) when it exists, its members
 * then replaced. */
static tob_status_t upsert_zone(zone_run_t *z, zone_def_t *d, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        z->st,
        "INSERT INTO territory (level, code, name, vintage, source_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (level, code, vintage)"
        " DO UPDATE SET name = excluded.name, source_id = excluded.source_id"
        " RETURNING id, (SELECT count(*) FROM membership"
        "  WHERE parent = territory.id)",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, d->level);
    db_bind_text_static(stmt, 2, d->code);
    db_bind_text_static(stmt, 3, d->name);
    db_bind_int(stmt, 4, d->vintage);
    db_bind_int64(stmt, 5, z->source_id);
    if (db_step(stmt) == DB_ROW) {
        d->id = db_column_int64(stmt, 0);
        z->rep->n_replaced += db_column_int64(stmt, 1) > 0;
    } else {
        s = db_fail(z->st, "writing a zone", err);
    }
    db_finalize(stmt);
    if (s == TOB_OK)
        s = exec_id(z,
                    "DELETE FROM membership WHERE parent = ?1"
                    " AND kind = 'member'",
                    d->id, "replacing a zone's members", err);
    return s;
}

/* The dissolve of the members' polygons, repaired if GEOS left it
 * invalid, as a MULTIPOLYGON; NULL when no member has a geometry. */
static const char GEOMETRY_SQL[] =
    "UPDATE territory SET geom = (SELECT CastToMultiPolygon(CASE"
    "  WHEN ST_IsValid(u) = 1 THEN u"
    "  ELSE ST_CollectionExtract(ST_MakeValid(u), 3) END)"
    " FROM (SELECT ST_Union(c.geom) AS u FROM membership m"
    "  JOIN territory c ON c.id = m.child WHERE m.parent = ?1"
    "  AND m.kind = 'member' AND c.geom IS NOT NULL)) WHERE id = ?1;";

static tob_status_t write_zone(zone_run_t *z, zone_def_t *d, tob_error_t *err)
{
    tob_status_t s = tob_store_ensure_level(z->st, d->level, NULL, 1, err);
    if (s == TOB_OK)
        s = upsert_zone(z, d, err);
    db_stmt_t *stmt = NULL;
    if (s == TOB_OK)
        s = db_prepare(z->st,
                       "INSERT INTO membership (child, parent, kind,"
                       " area_share, source_id)"
                       " VALUES (?, ?, 'member', 1.0, ?)",
                       &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < d->n_members; i++) {
        db_bind_int64(stmt, 1, d->members[i]);
        db_bind_int64(stmt, 2, d->id);
        db_bind_int64(stmt, 3, z->source_id);
        if (db_step(stmt) != DB_DONE)
            s = db_fail(z->st, "writing a zone's member", err);
        db_reset(stmt);
        z->rep->n_members++;
    }
    db_finalize(stmt);
    if (s == TOB_OK)
        s = exec_id(z, GEOMETRY_SQL, d->id, "dissolving a zone", err);
    if (s == TOB_OK)
        s = exec_id(z,
                    "UPDATE territory SET area_m2 = ST_Area(geom)"
                    " WHERE id = ?1",
                    d->id, "measuring a zone", err);
    return s;
}

static void describe_zones(zone_run_t *z)
{
    char *buf = z->rep->zones;
    size_t size = sizeof z->rep->zones, used = 0;
    for (size_t i = 0; i < z->n_zones && used + 1 < size; i++) {
        const zone_def_t *d = &z->zones[i];
        snprintf(buf + used, size - used, "%s%s (%zu %s)", i ? ", " : "",
                 d->code, d->n_members, d->member_level);
        used = strlen(buf);
    }
}

static tob_status_t write_zones(zone_run_t *z, tob_error_t *err)
{
    char checksum[65];
    if (tob_file_sha256(z->opts->path, checksum, NULL) != TOB_OK)
        checksum[0] = '\0';
    tob_source_record_t rec = {"zones",
                               z->opts->path,
                               z->opts->sheet,
                               z->zones[0].level,
                               z->zones[0].vintage,
                               0,
                               checksum[0] ? checksum : NULL,
                               NULL};
    tob_status_t s = tob_store_add_source(z->st, &rec, &z->source_id, err);
    for (size_t i = 0; s == TOB_OK && i < z->n_zones; i++)
        s = write_zone(z, &z->zones[i], err);
    if (s != TOB_OK)
        return s;
    z->rep->n_zones = z->n_zones;
    z->rep->n_created = z->n_zones - z->rep->n_replaced;
    z->rep->vintage = z->zones[0].vintage;
    describe_zones(z);
    char details[800];
    snprintf(details, sizeof details,
             "%zu zones (%zu created, %zu rebuilt), %zu members%s: %s",
             z->n_zones, z->rep->n_created, z->rep->n_replaced,
             z->rep->n_members,
             z->rep->n_without_geometry ? " (some without geometry)" : "",
             z->rep->zones);
    return tob_store_finish_source(z->st, z->source_id, (long long)z->n_zones,
                                   details, err);
}

tob_status_t tob_zones_import(tob_store_t *st, const tob_zone_options_t *opts,
                              tob_zone_report_t *report, tob_error_t *err)
{
    tob_zone_report_t local;
    tob_zone_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (opts->path == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "a zone file is needed");
    zone_run_t z = {.st = st, .opts = opts, .rep = rep};
    tob_status_t s = read_zones(&z, err);
    if (s == TOB_OK && (s = tob_store_begin(st, err)) == TOB_OK) {
        s = write_zones(&z, err);
        /* Zones of any level made of any level: every stored aggregate. */
        if (s == TOB_OK)
            s = tob_aggregate_refresh(st, NULL, NULL, NULL, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    db_finalize(z.find);
    tob_table_close(z.table);
    codeset_destroy(z.index);
    codeset_destroy(z.pairs);
    for (size_t i = 0; i < z.n_zones; i++)
        free(z.zones[i].members);
    free(z.zones);
    return s;
}
