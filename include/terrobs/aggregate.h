/* aggregate.h (entry point) - materialised aggregation: the values of variables
 * observed at one level (commune) computed for every territory of a higher
 * level (epci, scot, zone, departement) through memberships, and stored as
 * observations of that level with provenance. The computation is
 * tob_values_derive() (values.h), so stored and on-the-fly values agree. */
#ifndef TERROBS_AGGREGATE_H
#define TERROBS_AGGREGATE_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

/* Strings are borrowed for the call. */
typedef struct tob_aggregate_options {
    const char *from_level; /* where the data are observed: commune, qpv */
    const char *to_level;   /* the level computed: epci, scot, commune... */
    int to_vintage;         /* 0 = the latest */
    /* Variables to compute, NULL-terminated; NULL = every variable
     * observed at from_level that aggregates, and the ratios of them. */
    const char *const *variables;
    int year;            /* 0 = every year observed at from_level */
    int overlap;         /* through 'overlap' relations weighted by their shares
                            (sums and ratios: e.g. QPV counts to communes) */
    double min_coverage; /* 0 = TOB_VALUES_MIN_COVERAGE */
} tob_aggregate_options_t;

#define TOB_AGGREGATE_LINE_MAX 600

typedef struct tob_aggregate_report {
    int to_vintage;
    size_t n_parents;    /* territories of to_level */
    size_t n_variables;  /* variables computed */
    size_t n_years;      /* (variable, year) pairs computed */
    size_t n_written;    /* observations written */
    size_t n_kept;       /* imported observations left as they were */
    size_t n_incomplete; /* values not computed: a member without value
                            (incomplete lists each territory once) */
    size_t n_partial;    /* parents whose members in the store do not
                            cover them: nothing computed for them */
    size_t n_no_members; /* parents without any member */
    char variables[TOB_AGGREGATE_LINE_MAX]; /* "a, b, c" */
    char skipped[TOB_AGGREGATE_LINE_MAX];   /* variables that do not
                                               aggregate (none) */
    char incomplete[TOB_AGGREGATE_LINE_MAX];
    char partial[TOB_AGGREGATE_LINE_MAX];
    char no_members[TOB_AGGREGATE_LINE_MAX];
    char kept[TOB_AGGREGATE_LINE_MAX];
} tob_aggregate_report_t;

/* Computes and stores the values; one transaction, with provenance (kind
 * "aggregate"). A value that cannot be computed is not stored, and an
 * earlier aggregated value for it is removed (never a stale figure);
 * observations imported for to_level are kept, not overwritten. Errors:
 * TOB_ERR_NOTFOUND (level, variable), TOB_ERR_INPUT (a variable that does
 * not aggregate, asked by name; no membership between the levels: relate
 * them first), TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t
tob_aggregate(tob_store_t *st, const tob_aggregate_options_t *opts,
              tob_aggregate_report_t *report, tob_error_t *err);

/* What tob_aggregate_refresh() did. */
typedef struct tob_aggregate_refresh_report {
    size_t n_runs;    /* stored aggregations recomputed */
    size_t n_dropped; /* aggregations that can no longer be computed (their
                         level, members or variables are gone): values
                         removed */
    char runs[TOB_AGGREGATE_LINE_MAX]; /* "commune -> epci, commune -> scot" */
} tob_aggregate_refresh_report_t;

/* Recomputes, inside the caller's transaction, every stored aggregation
 * (each tob_aggregate() run is recorded with its options) whose inputs
 * may have changed: those from or to level_a or level_b (NULL, NULL =
 * all), those marked stale, and those built on a level recomputed here.
 * Called by every command that changes observations, memberships or
 * territories, so that a stored aggregate never outlives its inputs.
 * report may be NULL. Errors: TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t
tob_aggregate_refresh(tob_store_t *st, const char *level_a, const char *level_b,
                      tob_aggregate_refresh_report_t *report, tob_error_t *err);

#endif
