/* relations_overlap.c - partial overlaps between two spatial levels (QPV
 * over communes) with the share of the child's area in each parent. */
#include "relations_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct overlap_run {
    tob_store_t *st;
    const tob_overlap_options_t *opts;
    tob_overlap_report_t *rep;
    sqlite3_stmt *children, *candidates, *retry, *insert;
    sqlite3_int64 source_id;
    tob_examples_t straddling, outside;
} overlap_run_t;

/* Candidates come from the R*Tree (bounding boxes), then GEOS decides.
 * ST_Intersection returns NULL both for an empty result and for a GEOS
 * failure: ST_Intersects tells them apart (1 = they do intersect). */
static const char CANDIDATES_SQL[] =
    "SELECT p.id, p.code, ST_Intersects(c.geom, p.geom),"
    " ST_Area(ST_Intersection(c.geom, p.geom))"
    " FROM territory c, territory p WHERE c.id = ?1 AND p.level = ?2"
    " AND p.vintage = ?3 AND p.geom IS NOT NULL AND p.id IN"
    " (SELECT pkid FROM idx_territory_geom WHERE xmin <= MbrMaxX(c.geom)"
    "  AND xmax >= MbrMinX(c.geom) AND ymin <= MbrMaxY(c.geom)"
    "  AND ymax >= MbrMinY(c.geom)) ORDER BY p.code";

static const char RETRY_SQL[] =
    "SELECT ST_Area(ST_Intersection(ST_MakeValid(c.geom),"
    " ST_MakeValid(p.geom))) FROM territory c, territory p"
    " WHERE c.id = ? AND p.id = ?";

static const char CHILDREN_SQL[] =
    "SELECT id, code, ST_Area(geom) FROM territory WHERE level = ?"
    " AND vintage = ? AND geom IS NOT NULL ORDER BY code";

/* The area of the intersection of child and the candidate parent of the
 * current row. GEOS failing on the stored geometries (ST_Intersects -1,
 * or no intersection where they do intersect) is retried on ST_MakeValid
 * copies; failing again is an error naming both. */
static tob_status_t row_area(overlap_run_t *o, sqlite3_int64 child_id,
                             const char *child, double *area, tob_error_t *err)
{
    sqlite3_stmt *c = o->candidates;
    int intersects = sqlite3_column_int(c, 2);
    *area = 0;
    if (intersects == 0)
        return TOB_OK;
    if (intersects == 1 && sqlite3_column_type(c, 3) != SQLITE_NULL) {
        *area = sqlite3_column_double(c, 3);
        return TOB_OK;
    }
    sqlite3_bind_int64(o->retry, 1, child_id);
    sqlite3_bind_int64(o->retry, 2, sqlite3_column_int64(c, 0));
    int rc = sqlite3_step(o->retry);
    int got =
        rc == SQLITE_ROW && sqlite3_column_type(o->retry, 0) != SQLITE_NULL;
    if (got)
        *area = sqlite3_column_double(o->retry, 0);
    sqlite3_reset(o->retry);
    if (rc != SQLITE_ROW)
        return tob_store_fail(o->st, "intersecting repaired polygons", err);
    o->rep->n_repaired += got;
    if (!got && intersects == 1)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "cannot intersect %s %s with %s %s, even after "
                             "ST_MakeValid",
                             o->opts->child_level, child, o->opts->parent_level,
                             (const char *)sqlite3_column_text(c, 1));
    return TOB_OK;
}

static tob_status_t write_overlap(overlap_run_t *o, sqlite3_int64 child,
                                  sqlite3_int64 parent, double share,
                                  tob_error_t *err)
{
    sqlite3_bind_int64(o->insert, 1, child);
    sqlite3_bind_int64(o->insert, 2, parent);
    sqlite3_bind_double(o->insert, 3, share);
    int rc = sqlite3_step(o->insert);
    sqlite3_reset(o->insert);
    if (rc != SQLITE_DONE)
        return tob_store_fail(o->st, "writing an overlap", err);
    o->rep->n_overlaps++;
    return TOB_OK;
}

/* Relates one child to the parents it overlaps by min_share or more. */
static tob_status_t overlap_child(overlap_run_t *o, sqlite3_int64 id,
                                  const char *code, double child_area,
                                  tob_error_t *err)
{
    char parts[200] = "";
    size_t n_kept = 0;
    double covered = 0;
    tob_status_t s = TOB_OK;
    sqlite3_bind_int64(o->candidates, 1, id);
    int rc;
    while (s == TOB_OK && (rc = sqlite3_step(o->candidates)) == SQLITE_ROW) {
        double area = 0;
        s = row_area(o, id, code, &area, err);
        double share = child_area > 0 ? area / child_area : 0;
        if (s != TOB_OK || share <= 0)
            continue;
        if (share < o->opts->min_share) {
            o->rep->n_slivers++;
            continue;
        }
        share = share > 1 ? 1 : share;
        s = write_overlap(o, id, sqlite3_column_int64(o->candidates, 0), share,
                          err);
        size_t used = strlen(parts);
        snprintf(parts + used, sizeof parts - used, "%s%s %.1f %%",
                 n_kept ? ", " : "",
                 (const char *)sqlite3_column_text(o->candidates, 1),
                 100 * share);
        n_kept++;
        covered += share;
    }
    if (s == TOB_OK && rc != SQLITE_DONE)
        s = tob_store_fail(o->st, "intersecting polygons", err);
    sqlite3_reset(o->candidates);
    if (n_kept == 0)
        tob_examples_add(&o->outside, "%s", code);
    else if (n_kept > 1)
        tob_examples_add(&o->straddling, "%s (%s)", code, parts);
    if (n_kept > 0 && covered < o->rep->min_covered)
        o->rep->min_covered = covered;
    return s;
}

static tob_status_t overlap_all(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    int rc;
    while (s == TOB_OK && (rc = sqlite3_step(o->children)) == SQLITE_ROW) {
        o->rep->n_children++;
        s = overlap_child(o, sqlite3_column_int64(o->children, 0),
                          (const char *)sqlite3_column_text(o->children, 1),
                          sqlite3_column_double(o->children, 2), err);
    }
    if (s == TOB_OK && rc != SQLITE_DONE)
        s = tob_store_fail(o->st, "reading children", err);
    if (s == TOB_OK && o->rep->n_children == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "level %s has no geometry in vintage %d: "
                             "overlaps need polygons",
                             o->opts->child_level, o->rep->child_vintage);
    o->rep->n_straddling = o->straddling.count;
    o->rep->n_outside = o->outside.count;
    tob_examples_describe(&o->straddling, o->rep->straddling,
                          sizeof o->rep->straddling);
    tob_examples_describe(&o->outside, o->rep->outside, sizeof o->rep->outside);
    if (o->rep->n_children == o->rep->n_outside)
        o->rep->min_covered = 0;
    return s;
}

static tob_status_t prepare_all(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = tob_store_prepare(o->st, CHILDREN_SQL, &o->children, err);
    if (s == TOB_OK)
        s = tob_store_prepare(o->st, CANDIDATES_SQL, &o->candidates, err);
    if (s == TOB_OK)
        s = tob_store_prepare(o->st, RETRY_SQL, &o->retry, err);
    if (s == TOB_OK)
        s = tob_store_prepare(o->st,
                              "INSERT INTO membership (child, parent, kind,"
                              " area_share, source_id)"
                              " VALUES (?, ?, 'overlap', ?, ?)",
                              &o->insert, err);
    if (s != TOB_OK)
        return s;
    sqlite3_bind_text(o->children, 1, o->opts->child_level, -1, SQLITE_STATIC);
    sqlite3_bind_int(o->children, 2, o->rep->child_vintage);
    sqlite3_bind_text(o->candidates, 2, o->opts->parent_level, -1,
                      SQLITE_STATIC);
    sqlite3_bind_int(o->candidates, 3, o->rep->parent_vintage);
    sqlite3_bind_int64(o->insert, 4, o->source_id);
    return TOB_OK;
}

static tob_status_t start_overlaps(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = tob_relations_clear(
        o->st, "overlap", o->opts->child_level, o->rep->child_vintage,
        o->opts->parent_level, o->rep->parent_vintage, err);
    tob_source_record_t rec = {"overlaps",
                               "(polygon intersections)",
                               NULL,
                               o->opts->child_level,
                               o->rep->child_vintage,
                               0,
                               NULL,
                               NULL};
    if (s == TOB_OK)
        s = tob_store_add_source(o->st, &rec, &o->source_id, err);
    return s == TOB_OK ? prepare_all(o, err) : s;
}

static tob_status_t run_overlaps(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = start_overlaps(o, err);
    if (s == TOB_OK)
        s = overlap_all(o, err);
    if (s != TOB_OK)
        return s;
    const tob_overlap_report_t *rep = o->rep;
    char details[1600];
    snprintf(details, sizeof details,
             "%s %d x %s %d: %zu overlaps for %zu children (min share "
             "%g); straddling %s; outside %s; %zu slivers dropped; %zu "
             "repaired",
             o->opts->child_level, rep->child_vintage, o->opts->parent_level,
             rep->parent_vintage, rep->n_overlaps, rep->n_children,
             o->opts->min_share, rep->straddling, rep->outside, rep->n_slivers,
             rep->n_repaired);
    return tob_store_finish_source(o->st, o->source_id,
                                   (long long)rep->n_overlaps, details, err);
}

tob_status_t tob_relate_overlaps(tob_store_t *st,
                                 const tob_overlap_options_t *opts,
                                 tob_overlap_report_t *report, tob_error_t *err)
{
    tob_overlap_report_t local;
    tob_overlap_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    rep->min_covered = 1;
    if (opts->child_level == NULL || opts->parent_level == NULL ||
        opts->min_share < 0 || opts->min_share >= 1)
        return tob_error_set(err, TOB_ERR_ARG,
                             "child and parent levels are required, and "
                             "the minimum share is in [0, 1)");
    overlap_run_t o = {.st = st, .opts = opts, .rep = rep};
    tob_status_t s = tob_territory_vintage(
        st, opts->child_level, opts->child_vintage, &rep->child_vintage, err);
    if (s == TOB_OK)
        s = tob_territory_vintage(st, opts->parent_level, opts->parent_vintage,
                                  &rep->parent_vintage, err);
    if (s == TOB_OK && (s = tob_store_begin(st, err)) == TOB_OK) {
        s = run_overlaps(&o, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    sqlite3_finalize(o.children);
    sqlite3_finalize(o.candidates);
    sqlite3_finalize(o.retry);
    sqlite3_finalize(o.insert);
    return s;
}
