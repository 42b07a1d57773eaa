/* indicators_internal.h - what variables.c and the indicator import share:
 * variable names, and table helpers. Internal. */
#ifndef TERROBS_INDICATORS_INTERNAL_H
#define TERROBS_INDICATORS_INTERNAL_H

#include "sources/tablecol.h"
#include "terrobs/indicators.h"

/* A variable name is 1..63 bytes of [a-z0-9_]: it is a column of exports
 * and a name in styles, so it must survive every tool. */
TOB_NODISCARD tob_status_t variable_check_name(const char *name,
                                               tob_error_t *err);

/* Writes the variable name a column header stands for: folded
 * (tob_text_fold), every other character than [a-z0-9_] made '_', runs of
 * '_' made one, none at either end; "" if nothing is left. */
void variable_name_from_header(const char *header, char *buf, size_t size);

#endif

/* ---- One indicator import (indicators*.c) --------------------------- */

#include "base/codeset.h"
#include "base/examples.h"
#include "terrobs/territory.h"
#include "terrobs/values.h"

typedef struct ind_column {
    long index; /* in the table */
    char header[128];
    char name[TOB_VARIABLE_NAME_MAX];
    int year;
    int declared; /* the variable exists in the store */
    tob_aggregate_kind_t aggregate;
    double scale;
    long part_a, part_b;      /* ratio: numerator, denominator; weighted_mean:
                                 weight in part_a; indexes of columns, or -1 */
    size_t n_numbers, n_text; /* cells seen, to tell numeric columns */
} ind_column_t;

typedef struct ind_row {
    char *key; /* trimmed, as in the file */
    long long row;
    char **cells;                  /* raw text per column, freed once parsed */
    double *values;                /* per column; NAN = blank */
    tob_territory_entry_t *target; /* NULL: not matched */
} ind_row_t;

/* A territory's values, combined from its row(s). */
typedef struct ind_target {
    tob_territory_entry_t *entry;
    double *values; /* per column; NAN = missing */
} ind_target_t;

typedef struct ind_import {
    tob_store_t *st;
    const tob_indicators_options_t *opts;
    tob_indicators_report_t *rep;
    tob_table_t *table;
    long key_col;
    ind_column_t *cols;
    size_t n_cols;
    ind_row_t *rows;
    size_t n_rows, cap_rows;
    tob_territory_map_t *terr;
    tob_codeset_t *keys; /* file keys, for duplicates */
    size_t *expected;    /* cog_from: per territory (map index), how many old
                            codes the passage table maps to it */
    ind_target_t *targets;
    size_t n_targets;
    tob_examples_t skipped, created, unknown, no_row, merged, unmapped,
        unmappable, year_conflicts, unknown_local, unknown_other;
    char own[16][4]; /* département prefixes of the store's own area */
    size_t n_own;
    size_t n_partial;
    tob_id_t source_id;
} ind_import_t;

/* indicators_series.c: the year a trailing _YYYY gives (0 if none); the
 * variable and year the series of spec (the --series text) give a folded
 * column name (*year -1 if none matches, 0 for a renamed column without a
 * year; TOB_ERR_ARG for a bad spec); and
 * TOB_ERR_INPUT when an item of spec matches none of the n names. */
int ind_year_of_name(const char *name);
TOB_NODISCARD tob_status_t ind_series_match(const char *spec, const char *name,
                                            char *var, size_t size, int *year,
                                            tob_error_t *err);
TOB_NODISCARD tob_status_t ind_series_check(const char *spec,
                                            const char *const *names, size_t n,
                                            tob_error_t *err);

/* indicators_map.c: keys to territories, directly or through the passage
 * table (cog_from); the rows of each territory combined into
 * imp->targets; the join diagnostics in imp->rep. */
TOB_NODISCARD tob_status_t ind_match(ind_import_t *imp, tob_error_t *err);

/* indicators_write.c: variables, observations and provenance, inside the
 * caller's transaction. */
TOB_NODISCARD tob_status_t ind_write(ind_import_t *imp, tob_error_t *err);
