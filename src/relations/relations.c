/* relations.c - memberships from parent codes, member tables or space,
 * checked with each child's point on surface. */
#include "relations_internal.h"
#include "store/db.h"
#include "terrobs/aggregate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tob_status_t relate_pair(relate_run_t *r, const char *child, const char *parent,
                         tob_error_t *err)
{
    tob_territory_entry_t *c = tob_territory_map_get(r->children, child);
    if (c == NULL) {
        examples_add(&r->unknown_child, "%s", child);
        return TOB_OK;
    }
    tob_territory_entry_t *p = tob_territory_map_get(r->parents, parent);
    if (p == NULL) {
        examples_add(&r->unknown_parent, "%s (of %s)", parent, child);
        return TOB_OK;
    }
    db_bind_int64(r->insert, 1, c->id);
    db_bind_int64(r->insert, 2, p->id);
    int rc = db_step(r->insert);
    db_reset(r->insert);
    if (rc != DB_DONE)
        return db_fail(r->st, "writing a membership", err);
    if (db_changes(r->st) > 0) {
        c->hits++;
        r->rep->n_written++;
    }
    return TOB_OK;
}

tob_status_t relate_parents_at(tob_store_t *st, const char *level, int vintage,
                               double x, double y, tob_found_fn found,
                               void *user, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT p.code FROM territory p WHERE p.level = ?1"
                   " AND p.vintage = ?2 AND p.id IN"
                   " (TOB_BOX_IDS(territory, ?3, ?4, ?3, ?4))"
                   " AND ST_Contains(p.geom, MakePoint(?3, ?4, ?5)) = 1"
                   " ORDER BY p.code",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, level);
    db_bind_int(stmt, 2, vintage);
    db_bind_double(stmt, 3, x);
    db_bind_double(stmt, 4, y);
    db_bind_int(stmt, 5, tob_store_srid(st));
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = found(user, db_column_text(stmt, 0), err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "finding the parent in space", err);
    db_finalize(stmt);
    return s;
}

/* Relating in space: each child's point on surface, the parents whose
 * R*Tree box holds it (CROSS JOIN: the points drive, one R*Tree search
 * each; on PostGIS one GiST Index Scan each), then ST_Contains taken
 * parent by parent, so that SpatiaLite reuses each parent's prepared
 * geometry: 35,357 communes of France in about a second instead of 19 s
 * point by point. */
static const char *const SPACE_SQL[] = {
    "DROP TABLE IF EXISTS temp.relate_points;"
    "DROP TABLE IF EXISTS temp.relate_candidates;",
    "CREATE TEMP TABLE relate_points AS SELECT code, X(pt) AS x, Y(pt) AS y"
    " FROM (SELECT code, ST_PointOnSurface(geom) AS pt FROM main.territory"
    " WHERE level = ?1 AND vintage = ?2 AND geom IS NOT NULL)",
    "CREATE TEMP TABLE relate_candidates AS SELECT r.pkid AS parent, c.code,"
    " c.x, c.y FROM temp.relate_points c CROSS JOIN TOB_BOX_TABLE(territory) r"
    " ON TOB_BOX_HOLDS(r, c.x, c.y) ORDER BY r.pkid",
    "SELECT c.code, p.code FROM temp.relate_candidates c"
    " JOIN main.territory p ON p.id = c.parent WHERE p.level = ?3"
    " AND p.vintage = ?4 AND ST_Contains(p.geom, MakePoint(c.x, c.y, ?5)) = 1"
    " ORDER BY c.rowid",
    "DROP TABLE temp.relate_points; DROP TABLE temp.relate_candidates;"};

static void bind_space(relate_run_t *r, db_stmt_t *stmt)
{
    int n = db_bind_parameter_count(stmt);
    if (n >= 2) {
        db_bind_text_static(stmt, 1, r->opts->child_level);
        db_bind_int(stmt, 2, r->rep->child_vintage);
    }
    if (n >= 5) {
        db_bind_text_static(stmt, 3, r->opts->parent_level);
        db_bind_int(stmt, 4, r->rep->parent_vintage);
        db_bind_int(stmt, 5, tob_store_srid(r->st));
    }
}

/* A point lies in several parents only where parents overlap: each is
 * related, and the child is reported as having several parents. */
/* --spatial needs polygons on both sides, as --overlap does: a level
 * without any (the 2024 QPV list) is refused rather than left orphaned. */
static tob_status_t check_geometry(tob_territory_map_t *map, const char *level,
                                   int vintage, tob_error_t *err)
{
    size_t n = tob_territory_map_size(map);
    for (size_t i = 0; i < n; i++)
        if (tob_territory_map_at(map, i)->has_geom)
            return TOB_OK;
    return tob_error_set(err, TOB_ERR_INPUT,
                         "level %s has no geometry in vintage %d: --spatial "
                         "needs polygons (relate by codes instead: --members "
                         "FILE, or the parent codes loaded with "
                         "--parent-code)",
                         level, vintage);
}

static tob_status_t relate_by_space(relate_run_t *r, tob_error_t *err)
{
    tob_status_t s = check_geometry(r->children, r->opts->child_level,
                                    r->rep->child_vintage, err);
    if (s == TOB_OK)
        s = check_geometry(r->parents, r->opts->parent_level,
                           r->rep->parent_vintage, err);
    if (s != TOB_OK)
        return s;
    s = tob_store_exec(r->st, SPACE_SQL[0], err);
    for (int i = 1; s == TOB_OK && i < 4; i++) {
        db_stmt_t *stmt = NULL;
        if ((s = db_prepare(r->st, SPACE_SQL[i], &stmt, err)) != TOB_OK)
            break;
        bind_space(r, stmt);
        int rc;
        while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
            s = relate_pair(r, db_column_text(stmt, 0), db_column_text(stmt, 1),
                            err);
        if (s == TOB_OK && rc != DB_DONE)
            s = db_fail(r->st, "relating in space", err);
        db_finalize(stmt);
    }
    if (s == TOB_OK)
        s = tob_store_exec(r->st, SPACE_SQL[4], err);
    return s;
}

static tob_status_t relate_by_parent_code(relate_run_t *r, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        r->st,
        "SELECT code, parent_code FROM territory WHERE level = ?"
        " AND vintage = ? AND coalesce(parent_code, '') <> '' ORDER BY code",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, r->opts->child_level);
    db_bind_int(stmt, 2, r->rep->child_vintage);
    int rc;
    size_t n = 0;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        n++;
        s = relate_pair(r, db_column_text(stmt, 0), db_column_text(stmt, 1),
                        err);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(r->st, "reading parent codes", err);
    db_finalize(stmt);
    if (s == TOB_OK && n == 0)
        return tob_error_set(
            err, TOB_ERR_INPUT,
            "no %s of vintage %d has a parent code: load it with "
            "--parent-code FIELD, or relate with --members FILE or --spatial",
            r->opts->child_level, r->rep->child_vintage);
    return s;
}

typedef struct actual_parent {
    char code[64];
    size_t n;
} actual_parent_t;

static tob_status_t note_actual(void *user, const char *code, tob_error_t *err)
{
    (void)err;
    actual_parent_t *a = user;
    if (a->n++ == 0)
        snprintf(a->code, sizeof a->code, "%s", code);
    return TOB_OK;
}

/* Each child's point on surface must lie in its parent's polygon. */
static const char CHECK_SQL[] =
    "SELECT x.code, p.code, ST_Contains(p.geom, x.pt), X(x.pt), Y(x.pt)"
    " FROM (SELECT m.parent, c.code, ST_PointOnSurface(c.geom) AS pt"
    "       FROM membership m JOIN territory c ON c.id = m.child"
    "       WHERE m.source_id = ? AND c.geom IS NOT NULL) x"
    " JOIN territory p ON p.id = x.parent WHERE p.geom IS NOT NULL"
    " ORDER BY p.id, x.code";

static tob_status_t check_row(relate_run_t *r, db_stmt_t *stmt,
                              tob_error_t *err)
{
    r->rep->n_checked++;
    if (db_column_int(stmt, 2) == 1)
        return TOB_OK;
    actual_parent_t actual = {{0}, 0};
    tob_status_t s =
        relate_parents_at(r->st, r->opts->parent_level, r->rep->parent_vintage,
                          db_column_double(stmt, 3), db_column_double(stmt, 4),
                          note_actual, &actual, err);
    if (s == TOB_OK)
        examples_add(
            &r->mismatches, "%s (point in %s, not %s)", db_column_text(stmt, 0),
            actual.n ? actual.code : "no parent", db_column_text(stmt, 1));
    return s;
}

static tob_status_t check_in_space(relate_run_t *r, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(r->st, CHECK_SQL, &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_int64(stmt, 1, r->source_id);
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = check_row(r, stmt, err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(r->st, "checking memberships in space", err);
    db_finalize(stmt);
    return s;
}

static void count_children(relate_run_t *r)
{
    size_t n = tob_territory_map_size(r->children);
    for (size_t i = 0; i < n; i++) {
        const tob_territory_entry_t *c = tob_territory_map_at(r->children, i);
        if (c->hits == 0)
            examples_add(&r->orphans, "%s", c->code);
        else if (c->hits > 1)
            examples_add(&r->several, "%s (%zu)", c->code, c->hits);
    }
}

static void fill_report(relate_run_t *r)
{
    tob_relate_report_t *rep = r->rep;
    rep->n_children = tob_territory_map_size(r->children);
    rep->n_parents = tob_territory_map_size(r->parents);
    rep->n_orphans = r->orphans.count;
    rep->n_several = r->several.count;
    rep->n_unknown_child = r->unknown_child.count;
    rep->n_unknown_parent = r->unknown_parent.count;
    rep->n_mismatches = r->mismatches.count;
    examples_describe(&r->orphans, rep->orphans, sizeof rep->orphans);
    examples_describe(&r->several, rep->several, sizeof rep->several);
    examples_describe(&r->unknown_child, rep->unknown_child,
                      sizeof rep->unknown_child);
    examples_describe(&r->unknown_parent, rep->unknown_parent,
                      sizeof rep->unknown_parent);
    examples_describe(&r->mismatches, rep->mismatches, sizeof rep->mismatches);
    rep->n_incomplete = r->incomplete.count;
    examples_describe(&r->incomplete, rep->incomplete, sizeof rep->incomplete);
}

static const char *by_name(tob_relate_by_t by)
{
    return by == TOB_RELATE_MEMBERS ? "member table"
           : by == TOB_RELATE_SPACE ? "points on surface"
                                    : "parent codes";
}

void tob_relate_describe(const tob_relate_report_t *rep,
                         const tob_relate_options_t *opts, char *buf,
                         size_t size)
{
    snprintf(buf, size,
             "%s %d -> %s %d from %s: %zu memberships for %zu children; "
             "orphans %s; several parents %s; unknown %s codes %s; "
             "unknown %s codes %s; spatial check %zu, mismatches %s",
             opts->child_level, rep->child_vintage, opts->parent_level,
             rep->parent_vintage, by_name(opts->by), rep->n_written,
             rep->n_children, rep->orphans, rep->several, opts->child_level,
             rep->unknown_child, opts->parent_level, rep->unknown_parent,
             rep->n_checked, rep->mismatches);
}

/* '+parent' keeps SQLite from probing every (parent, child) pair of the
 * two lists through membership_parent (44 M probes for France): it walks
 * the children by primary key instead. */
tob_status_t relations_clear(tob_store_t *st, const char *kind,
                             const char *child_level, int child_vintage,
                             const char *parent_level, int parent_vintage,
                             tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "DELETE FROM membership WHERE kind = ?5 AND child IN"
        " (SELECT id FROM territory WHERE level = ?1 AND vintage = ?2)"
        " AND +parent IN"
        " (SELECT id FROM territory WHERE level = ?3 AND vintage = ?4)",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, child_level);
    db_bind_int(stmt, 2, child_vintage);
    db_bind_text_static(stmt, 3, parent_level);
    db_bind_int(stmt, 4, parent_vintage);
    db_bind_text_static(stmt, 5, kind);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(st, "removing old relations", err);
    db_finalize(stmt);
    return s;
}

/* Replaces the member relations between the two (level, vintage) pairs. */
static tob_status_t start_run(relate_run_t *r, tob_error_t *err)
{
    tob_status_t s = relations_clear(
        r->st, "member", r->opts->child_level, r->rep->child_vintage,
        r->opts->parent_level, r->rep->parent_vintage, err);
    const char *path = r->opts->by == TOB_RELATE_MEMBERS ? r->opts->members
                       : r->opts->by == TOB_RELATE_SPACE ? "(points on surface)"
                                                         : "(parent codes)";
    tob_source_record_t rec = {
        "relations",           path, r->opts->sheet, r->opts->child_level,
        r->rep->child_vintage, 0,    NULL,           NULL};
    if (s == TOB_OK)
        s = tob_store_add_source(r->st, &rec, &r->source_id, err);
    if (s == TOB_OK)
        s = db_prepare(r->st,
                       "INSERT OR IGNORE INTO membership (child,"
                       " parent, kind, area_share, source_id)"
                       " VALUES (?, ?, 'member', 1.0, ?)",
                       &r->insert, err);
    if (s == TOB_OK)
        db_bind_int64(r->insert, 3, r->source_id);
    return s;
}

/* With --strict every problem is listed in one error. */
static tob_status_t strict_check(const relate_run_t *r, tob_error_t *err)
{
    const tob_relate_report_t *rep = r->rep;
    const tob_relate_options_t *o = r->opts;
    char msg[TOB_ERROR_MESSAGE_MAX] = "";
    size_t used = 0;
#define PROBLEM(n, fmt, ...)                                                   \
    if ((n) > 0 && used < sizeof msg) {                                        \
        snprintf(msg + used, sizeof msg - used, "%s" fmt, used ? "; " : "",    \
                 __VA_ARGS__);                                                 \
        used = strlen(msg);                                                    \
    }
    PROBLEM(rep->n_unknown_parent, "unknown %s codes %s", o->parent_level,
            rep->unknown_parent);
    PROBLEM(rep->n_unknown_child, "unknown %s codes %s", o->child_level,
            rep->unknown_child);
    PROBLEM(rep->n_orphans, "%s without %s %s", o->child_level, o->parent_level,
            rep->orphans);
    PROBLEM(rep->n_mismatches, "points on surface outside their %s %s",
            o->parent_level, rep->mismatches);
#undef PROBLEM
    if (used == 0)
        return TOB_OK;
    return tob_error_set(err, TOB_ERR_INPUT, "--strict: %s", msg);
}

/* After a member table: how many members each parent has there, kept so
 * that values know a sum over part of them is no sum (values.c). */
static tob_status_t record_expected(relate_run_t *r, tob_error_t *err)
{
    db_stmt_t *del = NULL, *ins = NULL;
    tob_status_t s = db_prepare(
        r->st,
        "DELETE FROM expected_members WHERE child_level = ?1 AND parent IN"
        " (SELECT id FROM territory WHERE level = ?2 AND vintage = ?3)",
        &del, err);
    if (s == TOB_OK) {
        db_bind_text_static(del, 1, r->opts->child_level);
        db_bind_text_static(del, 2, r->opts->parent_level);
        db_bind_int(del, 3, r->rep->parent_vintage);
        if (db_step(del) != DB_DONE)
            s = db_fail(r->st, "replacing expected members", err);
    }
    if (s == TOB_OK)
        s = db_prepare(r->st,
                       "INSERT INTO expected_members (parent, child_level, n,"
                       " source_id) VALUES (?, ?, ?, ?)",
                       &ins, err);
    size_t n = tob_territory_map_size(r->parents);
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        const tob_territory_entry_t *p = tob_territory_map_at(r->parents, i);
        if (p->hits == 0)
            continue;
        db_bind_int64(ins, 1, p->id);
        db_bind_text_static(ins, 2, r->opts->child_level);
        db_bind_int64(ins, 3, (long long)p->hits);
        db_bind_int64(ins, 4, r->source_id);
        if (db_step(ins) != DB_DONE)
            s = db_fail(r->st, "recording expected members", err);
        db_reset(ins);
    }
    db_finalize(del);
    db_finalize(ins);
    return s;
}

/* The parents related to fewer children than they expect (a member table,
 * or the parent codes of a whole file loaded with --where). */
static tob_status_t note_incomplete(relate_run_t *r, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        r->st,
        "SELECT e.n, (SELECT count(*) FROM membership m WHERE"
        " m.parent = e.parent AND m.kind = 'member' AND m.source_id = ?3)"
        " FROM expected_members e WHERE e.parent = ?1 AND e.child_level = ?2",
        &stmt, err);
    size_t n = tob_territory_map_size(r->parents);
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        const tob_territory_entry_t *p = tob_territory_map_at(r->parents, i);
        db_bind_int64(stmt, 1, p->id);
        db_bind_text_static(stmt, 2, r->opts->child_level);
        db_bind_int64(stmt, 3, r->source_id);
        int rc = db_step(stmt);
        if (rc == DB_ROW && db_column_int64(stmt, 1) < db_column_int64(stmt, 0))
            examples_add(&r->incomplete, "%s (%lld of %lld)", p->code,
                         db_column_int64(stmt, 1), db_column_int64(stmt, 0));
        else if (rc != DB_ROW && rc != DB_DONE)
            s = db_fail(r->st, "reading expected members", err);
        db_reset(stmt);
    }
    db_finalize(stmt);
    return s;
}

static tob_status_t run_relate(relate_run_t *r, tob_error_t *err)
{
    tob_status_t s = start_run(r, err);
    if (s == TOB_OK && r->opts->by == TOB_RELATE_MEMBERS)
        s = relate_from_members(r, err);
    if (s == TOB_OK && r->opts->by == TOB_RELATE_MEMBERS)
        s = record_expected(r, err);
    else if (s == TOB_OK && r->opts->by == TOB_RELATE_SPACE)
        s = relate_by_space(r, err);
    else if (s == TOB_OK)
        s = relate_by_parent_code(r, err);
    if (s == TOB_OK)
        s = note_incomplete(r, err);
    if (s == TOB_OK && r->opts->by != TOB_RELATE_SPACE && !r->opts->no_check)
        s = check_in_space(r, err);
    if (s != TOB_OK)
        return s;
    count_children(r);
    fill_report(r);
    if (r->opts->strict && (s = strict_check(r, err)) != TOB_OK)
        return s;
    char details[2048];
    tob_relate_describe(r->rep, r->opts, details, sizeof details);
    return tob_store_finish_source(r->st, r->source_id,
                                   (long long)r->rep->n_written, details, err);
}

/* The parent's vintage: as asked, else the child's if the parent level has
 * it, else the parent level's latest. */
static tob_status_t resolve_vintages(tob_store_t *st,
                                     const tob_relate_options_t *opts,
                                     tob_relate_report_t *rep, tob_error_t *err)
{
    tob_status_t s = tob_territory_vintage(
        st, opts->child_level, opts->child_vintage, &rep->child_vintage, err);
    if (s != TOB_OK || opts->parent_vintage != 0)
        return s != TOB_OK ? s
                           : tob_territory_vintage(st, opts->parent_level,
                                                   opts->parent_vintage,
                                                   &rep->parent_vintage, err);
    tob_error_t quiet;
    tob_error_clear(&quiet);
    if (tob_territory_vintage(st, opts->parent_level, rep->child_vintage,
                              &rep->parent_vintage, &quiet) == TOB_OK)
        return TOB_OK;
    return tob_territory_vintage(st, opts->parent_level, 0,
                                 &rep->parent_vintage, err);
}

tob_status_t tob_relate(tob_store_t *st, const tob_relate_options_t *opts,
                        tob_relate_report_t *report, tob_error_t *err)
{
    tob_relate_report_t local;
    tob_relate_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (opts->child_level == NULL || opts->parent_level == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "child and parent levels are required");
    if (strcmp(opts->child_level, opts->parent_level) == 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a level cannot be its own parent");
    relate_run_t r = {.st = st, .opts = opts, .rep = rep};
    tob_status_t s = resolve_vintages(st, opts, rep, err);
    if (s == TOB_OK)
        s = tob_territory_map_load(st, opts->child_level, rep->child_vintage,
                                   &r.children, err);
    if (s == TOB_OK)
        s = tob_territory_map_load(st, opts->parent_level, rep->parent_vintage,
                                   &r.parents, err);
    if (s == TOB_OK && (s = tob_store_begin(st, err)) == TOB_OK) {
        s = run_relate(&r, err);
        if (s == TOB_OK)
            s = tob_aggregate_refresh(st, opts->child_level, opts->parent_level,
                                      NULL, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    db_finalize(r.insert);
    tob_territory_map_destroy(r.children);
    tob_territory_map_destroy(r.parents);
    return s;
}
