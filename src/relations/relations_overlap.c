/* relations_overlap.c - partial overlaps between two spatial levels (QPV
 * over communes) with the share of the child's area in each parent. */
#include "relations_internal.h"
#include "store/db.h"
#include "terrobs/aggregate.h"

#include <stdio.h>
#include <string.h>

typedef struct overlap_run {
    tob_store_t *st;
    const tob_overlap_options_t *opts;
    tob_overlap_report_t *rep;
    db_stmt_t *children, *candidates, *retry, *insert;
    tob_id_t source_id;
    tob_examples_t straddling, outside;
} overlap_run_t;

/* Candidates come from the spatial index (bounding boxes: the R*Tree, or
 * on PostGIS the GiST index probed with c's geometry), then GEOS decides.
 * ST_Intersection returns NULL both for an empty result and for a GEOS
 * failure: ST_Intersects tells them apart (1 = they do intersect). */
static const char CANDIDATES_SQL[] =
    "SELECT p.id, p.code, ST_Intersects(c.geom, p.geom),"
    " ST_Area(ST_Intersection(c.geom, p.geom))"
    " FROM territory c, territory p WHERE c.id = ?1 AND p.level = ?2"
    " AND p.vintage = ?3 AND p.geom IS NOT NULL"
    " AND TOB_BOX_MEETS(territory, p, c.geom) ORDER BY p.code";

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
static tob_status_t row_area(overlap_run_t *o, tob_id_t child_id,
                             const char *child, double *area, tob_error_t *err)
{
    db_stmt_t *c = o->candidates;
    int intersects = db_column_int(c, 2);
    *area = 0;
    if (intersects == 0)
        return TOB_OK;
    if (intersects == 1 && db_column_type(c, 3) != DB_NULL) {
        *area = db_column_double(c, 3);
        return TOB_OK;
    }
    db_bind_int64(o->retry, 1, child_id);
    db_bind_int64(o->retry, 2, db_column_int64(c, 0));
    int rc = db_step(o->retry);
    int got = rc == DB_ROW && db_column_type(o->retry, 0) != DB_NULL;
    if (got)
        *area = db_column_double(o->retry, 0);
    db_reset(o->retry);
    if (rc != DB_ROW)
        return db_fail(o->st, "intersecting repaired polygons", err);
    o->rep->n_repaired += got;
    if (!got && intersects == 1)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "cannot intersect %s %s with %s %s, even after "
                             "ST_MakeValid",
                             o->opts->child_level, child, o->opts->parent_level,
                             db_column_text(c, 1));
    return TOB_OK;
}

static tob_status_t write_overlap(overlap_run_t *o, tob_id_t child,
                                  tob_id_t parent, double share,
                                  tob_error_t *err)
{
    db_bind_int64(o->insert, 1, child);
    db_bind_int64(o->insert, 2, parent);
    db_bind_double(o->insert, 3, share);
    int rc = db_step(o->insert);
    db_reset(o->insert);
    if (rc != DB_DONE)
        return db_fail(o->st, "writing an overlap", err);
    o->rep->n_overlaps++;
    return TOB_OK;
}

/* Relates one child to the parents it overlaps by min_share or more. */
static tob_status_t overlap_child(overlap_run_t *o, tob_id_t id,
                                  const char *code, double child_area,
                                  tob_error_t *err)
{
    char parts[200] = "";
    size_t n_kept = 0;
    double covered = 0;
    tob_status_t s = TOB_OK;
    db_bind_int64(o->candidates, 1, id);
    int rc;
    while (s == TOB_OK && (rc = db_step(o->candidates)) == DB_ROW) {
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
        s = write_overlap(o, id, db_column_int64(o->candidates, 0), share, err);
        size_t used = strlen(parts);
        snprintf(parts + used, sizeof parts - used, "%s%s %.1f %%",
                 n_kept ? ", " : "", db_column_text(o->candidates, 1),
                 100 * share);
        n_kept++;
        covered += share;
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(o->st, "intersecting polygons", err);
    db_reset(o->candidates);
    if (n_kept == 0)
        examples_add(&o->outside, "%s", code);
    else if (n_kept > 1)
        examples_add(&o->straddling, "%s (%s)", code, parts);
    if (n_kept > 0 && covered < o->rep->min_covered)
        o->rep->min_covered = covered;
    return s;
}

static tob_status_t overlap_all(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    int rc;
    while (s == TOB_OK && (rc = db_step(o->children)) == DB_ROW) {
        o->rep->n_children++;
        s = overlap_child(o, db_column_int64(o->children, 0),
                          db_column_text(o->children, 1),
                          db_column_double(o->children, 2), err);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(o->st, "reading children", err);
    if (s == TOB_OK && o->rep->n_children == 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "level %s has no geometry in vintage %d: "
                             "overlaps need polygons",
                             o->opts->child_level, o->rep->child_vintage);
    o->rep->n_straddling = o->straddling.count;
    o->rep->n_outside = o->outside.count;
    examples_describe(&o->straddling, o->rep->straddling,
                      sizeof o->rep->straddling);
    examples_describe(&o->outside, o->rep->outside, sizeof o->rep->outside);
    if (o->rep->n_children == o->rep->n_outside)
        o->rep->min_covered = 0;
    return s;
}

static tob_status_t prepare_all(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = db_prepare(o->st, CHILDREN_SQL, &o->children, err);
    if (s == TOB_OK)
        s = db_prepare(o->st, CANDIDATES_SQL, &o->candidates, err);
    if (s == TOB_OK)
        s = db_prepare(o->st, RETRY_SQL, &o->retry, err);
    if (s == TOB_OK)
        s = db_prepare(o->st,
                       "INSERT INTO membership (child, parent, kind,"
                       " area_share, source_id)"
                       " VALUES (?, ?, 'overlap', ?, ?)",
                       &o->insert, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(o->children, 1, o->opts->child_level);
    db_bind_int(o->children, 2, o->rep->child_vintage);
    db_bind_text_static(o->candidates, 2, o->opts->parent_level);
    db_bind_int(o->candidates, 3, o->rep->parent_vintage);
    db_bind_int64(o->insert, 4, o->source_id);
    return TOB_OK;
}

static tob_status_t start_overlaps(overlap_run_t *o, tob_error_t *err)
{
    tob_status_t s = relations_clear(
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
            s = tob_aggregate_refresh(st, opts->child_level, opts->parent_level,
                                      NULL, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    db_finalize(o.children);
    db_finalize(o.candidates);
    db_finalize(o.retry);
    db_finalize(o.insert);
    return s;
}
