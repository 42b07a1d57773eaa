/* relations_internal.h - what relations.c and its siblings share: one
 * relate run (maps of both levels, the prepared insert, examples). */
#ifndef TERROBS_RELATIONS_INTERNAL_H
#define TERROBS_RELATIONS_INTERNAL_H

#include "base/examples.h"
#include "store/db.h"
#include "terrobs/aggregate.h"
#include "terrobs/relations.h"
#include "terrobs/territory.h"

typedef struct relate_run {
    tob_store_t *st;
    const tob_relate_options_t *opts;
    tob_relate_report_t *rep;
    tob_territory_map_t *children, *parents;
    db_stmt_t *insert;
    tob_id_t source_id;
    tob_examples_t orphans, several, unknown_child, unknown_parent, mismatches;
    tob_examples_t incomplete;
} relate_run_t;

/* Removes the relations of kind ('member', 'overlap') from the
 * territories of (child_level, child_vintage) to those of (parent_level,
 * parent_vintage): what relating the two levels again replaces. */
TOB_NODISCARD tob_status_t relations_clear(tob_store_t *st, const char *kind,
                                           const char *child_level,
                                           int child_vintage,
                                           const char *parent_level,
                                           int parent_vintage,
                                           tob_error_t *err);

/* Relates child code to parent code (both trimmed): unknown codes are
 * counted, a known pair is written once. */
TOB_NODISCARD tob_status_t relate_pair(relate_run_t *r, const char *child,
                                       const char *parent, tob_error_t *err);

/* Reads opts->members and relates each row's pair (relations_members.c). */
TOB_NODISCARD tob_status_t relate_from_members(relate_run_t *r,
                                               tob_error_t *err);

/* Calls found() with the code of each territory of level/vintage whose
 * polygon holds point (x, y), found through the R*Tree; stops at found()'s
 * first error. */
typedef tob_status_t (*tob_found_fn)(void *user, const char *code,
                                     tob_error_t *err);
TOB_NODISCARD tob_status_t relate_parents_at(tob_store_t *st, const char *level,
                                             int vintage, double x, double y,
                                             tob_found_fn found, void *user,
                                             tob_error_t *err);

/* aggregate.c: one aggregation inside the caller's transaction, recorded
 * in aggregate_run (replacing a run with the same options and its
 * values); aggregate_forget() removes such a run and its values. */
TOB_NODISCARD tob_status_t
aggregate_in_transaction(tob_store_t *st, const tob_aggregate_options_t *opts,
                         tob_aggregate_report_t *rep, tob_error_t *err);
TOB_NODISCARD tob_status_t aggregate_forget(tob_store_t *st,
                                            const tob_aggregate_options_t *opts,
                                            tob_error_t *err);

#endif
