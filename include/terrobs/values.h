/* values.h (building block) - the value of a variable for a territory and a
 * year, the one function carnets, maps and exports call. A value is, in this
 * order:
 *   1. observed: a row of table observation (an explicit NULL there means
 *      "missing", and stays missing);
 *   2. a ratio variable: scale x numerator / denominator, each got through
 *      this same function (so a rate of an EPCI is the ratio of its sums);
 *   3. aggregated on the fly from the territory's member children
 *      (membership kind 'member'), recursively: sum, mean, weighted mean
 *      (with the variable's weight) - missing if any child lacks a value,
 *      or if the children cover less than TOB_VALUES_MIN_COVERAGE of the
 *      territory's area (an EPCI half outside the store).
 * tob_aggregate() (aggregate.h) materialises the same computation, so a
 * value is the same whether it was stored or computed. One handle per
 * thread: it keeps prepared statements on the store's connection. */
#ifndef TERROBS_VALUES_H
#define TERROBS_VALUES_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

#define TOB_VARIABLE_NAME_MAX 64
/* Children must cover this share of their parent's area to be summed. */
#define TOB_VALUES_MIN_COVERAGE 0.99

typedef enum tob_aggregate_kind {
    TOB_AGG_SUM,           /* counts: population, households */
    TOB_AGG_MEAN,          /* plain mean of the children's values */
    TOB_AGG_WEIGHTED_MEAN, /* sum(v x weight) / sum(weight) */
    TOB_AGG_RATIO,         /* scale x sum(numerator) / sum(denominator) */
    TOB_AGG_NONE           /* not aggregatable (a class, a code) */
} tob_aggregate_kind_t;

/* A variable's metadata (table variable). Unset texts are "". */
typedef struct tob_variable {
    char name[TOB_VARIABLE_NAME_MAX];
    char label[256];
    char unit[64];
    char source[256];
    tob_aggregate_kind_t aggregate;
    char weight[TOB_VARIABLE_NAME_MAX];      /* weighted_mean */
    char numerator[TOB_VARIABLE_NAME_MAX];   /* ratio */
    char denominator[TOB_VARIABLE_NAME_MAX]; /* ratio */
    int decimals;                            /* -1 if unset */
    int year;                                /* declared year, 0 if none */
    double scale; /* ratio factor: as declared, else 100 for unit "%",
                     1000 for "‰", 1 otherwise */
} tob_variable_t;

/* "sum", "mean", "weighted_mean", "ratio", "none"; parse returns -1 for
 * anything else. */
TOB_API const char *tob_aggregate_name(tob_aggregate_kind_t kind);
TOB_API int tob_aggregate_parse(const char *name);

/* Reads variable `name`. Errors: TOB_ERR_NOTFOUND "no variable 'x'". */
TOB_API TOB_NODISCARD tob_status_t tob_variable_get(tob_store_t *st,
                                                    const char *name,
                                                    tob_variable_t *out,
                                                    tob_error_t *err);

typedef enum tob_value_origin {
    TOB_VALUE_MISSING = 0,
    TOB_VALUE_OBSERVED,  /* a row of observation */
    TOB_VALUE_RATIO,     /* computed from numerator and denominator */
    TOB_VALUE_AGGREGATED /* computed from member children */
} tob_value_origin_t;

typedef struct tob_value {
    double value; /* NAN when missing */
    int year;     /* the year asked, or the latest when asked 0 */
    tob_value_origin_t origin;
    size_t n_parts;    /* aggregated: children used */
    size_t n_missing;  /* aggregated: children without a value */
    double coverage;   /* aggregated: children's area / the territory's
                          (1 when unknown: no geometry) */
    size_t n_expected; /* aggregated: members in the membership source
                          (relate --members), 0 if unknown; a sum, count
                          or mean over fewer (n_parts < n_expected) is
                          missing: "102 communes sur 103" */
    int stored;        /* observed: stored by tob_aggregate() from the
                          members, not imported for the territory */
} tob_value_t;

typedef struct tob_values tob_values_t;

/* Opens a value reader on st (borrowed: close the reader first). Caller
 * frees *out with tob_values_close(). */
TOB_API TOB_NODISCARD tob_status_t tob_values_open(tob_store_t *st,
                                                   tob_values_t **out,
                                                   tob_error_t *err);
TOB_API void tob_values_close(tob_values_t *v); /* NULL is a no-op */

/* on: the reader remembers the values tob_values_get() computes from
 * members (a département's, summed over its communes) and answers them
 * again without reading, until closed or turned off; it also keeps what
 * it reads of the store (territories, members, and a level's observations
 * of a variable and year once asked for many of them, read in one
 * statement: on PostGIS a round trip saved per value). Only for a caller
 * whose store does not change meanwhile, or only at levels it does not
 * read (the atlas: one read transaction a worker; aggregate: writes the
 * level it computes, reads the one below). Off by default; off forgets. */
TOB_API void tob_values_remember(tob_values_t *v, int on);

/* For a remembering reader whose caller will ask about every territory of
 * the levels it reads (aggregate): a level's observations of a variable
 * and year are read whole at the first question, not after many. */
TOB_API void tob_values_read_whole(tob_values_t *v, int on);

/* *any = 1 when a remembering reader, having read the observations of
 * variable in year at level whole (and kept them), found one not stale;
 * 0 when it found none or does not remember (the caller then asks the
 * store itself). */
TOB_API tob_status_t tob_values_level_has(tob_values_t *v, const char *variable,
                                          int year, const char *level, int *any,
                                          tob_error_t *err);

/* The value of `variable` for territory id `territory` in `year` (see the
 * top of this file). year 0 = the latest year the variable (or, for a
 * ratio, its numerator) has any observation. A missing value is TOB_OK
 * with out->origin TOB_VALUE_MISSING and out->value NAN. Errors:
 * TOB_ERR_NOTFOUND (no such variable), TOB_ERR_INPUT (members nested more
 * than 16 deep: a cycle), TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t tob_values_get(tob_values_t *v,
                                                  const char *variable,
                                                  tob_id_t territory, int year,
                                                  tob_value_t *out,
                                                  tob_error_t *err);

/* Same, for the territory (level, code) of the latest vintage holding
 * code. Errors also: TOB_ERR_NOTFOUND (no such territory). */
TOB_API TOB_NODISCARD tob_status_t tob_values_get_code(
    tob_values_t *v, const char *variable, const char *level, const char *code,
    int year, tob_value_t *out, tob_error_t *err);

/* How tob_values_derive() computes (used by tob_aggregate). */
typedef struct tob_derive_options {
    /* Observations are used only at territories of this level; above it
     * every value is recomputed from the children (so values stored by an
     * earlier aggregation are not reused). NULL: as tob_values_get. */
    const char *base_level;
    /* Derive from 'overlap' children weighted by their share (pop_share
     * when known, else area_share) instead of 'member' children; sums and
     * ratios only. */
    int overlap;
    /* Minimum coverage of a parent by its children (0..1]; 0 means
     * TOB_VALUES_MIN_COVERAGE. */
    double min_coverage;
} tob_derive_options_t;

/* Computes the value of `variable` for `territory` from its children (or
 * parts, for a ratio), ignoring the territory's own observation. */
TOB_API TOB_NODISCARD tob_status_t tob_values_derive(
    tob_values_t *v, const char *variable, tob_id_t territory, int year,
    const tob_derive_options_t *opts, tob_value_t *out, tob_error_t *err);

/* The source line of a document (without "Sources : "): the sources the
 * variables declare (a ratio without one: its parts'), the producers of
 * the boundaries of levels recorded at load (attribution), and, with
 * followup, "suivi de l'observatoire" when the store has contracts or GUP
 * sites; each once, joined by " ; ". "" when nothing is known. Errors:
 * TOB_ERR_SQLITE, TOB_ERR_ARG (size 0). */
TOB_API TOB_NODISCARD tob_status_t tob_values_sources(
    tob_values_t *v, const char *const *variables, size_t n_variables,
    const char *const *levels, size_t n_levels, int followup, char *buf,
    size_t size, tob_error_t *err);

/* A territory's members at the level its membership source gives it
 * (relate --members: the CC du Ternois has 103 communes, one of them in the
 * Somme). */
typedef struct tob_members {
    char level[TOB_LEVEL_NAME_MAX + 1]; /* "commune"; "" when unknown */
    size_t present;  /* of them, how many the store relates to it */
    size_t expected; /* in the membership source; 0 when unknown */
} tob_members_t;

/* Reads the members of territory (the first members' level by name when
 * the source gives several). With present < expected, its sums, counts
 * and means are missing and its ratios are computed from the members
 * present (under the coverage rule): say so wherever its figures are
 * shown. Unknown (no membership source): all zero, TOB_OK. Errors:
 * TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t tob_values_members(tob_values_t *v,
                                                      tob_id_t territory,
                                                      tob_members_t *out,
                                                      tob_error_t *err);

/* The store the reader reads, borrowed. */
TOB_API tob_store_t *tob_values_store(tob_values_t *v);

/* Variable metadata as cached by the reader; NULL with an error if there
 * is no such variable. Borrowed until tob_values_close(). */
TOB_API const tob_variable_t *
tob_values_variable(tob_values_t *v, const char *name, tob_error_t *err);

#endif
