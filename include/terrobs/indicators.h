/* indicators.h (entry point) - indicator tables and variable metadata into the
 * store. Tables are read through table.h (CSV with ',' ';' or tab, UTF-8 with
 * or without BOM or Latin-1; XLSX; ODS) and numbers through cells.h (`1 234,5`
 * and `1234.5` alike). An import lands whole or changes nothing, and says
 * how its keys joined the territories: matched, keys with no territory,
 * territories with no row (printed by the CLI and kept in provenance);
 * duplicate keys and non-numbers are errors naming file:row: column. */
#ifndef TERROBS_INDICATORS_H
#define TERROBS_INDICATORS_H

#include "terrobs/aggregate.h"
#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

#define TOB_IMPORT_LINE_MAX 600

/* ---- Variables metadata -------------------------------------------- */

typedef struct tob_variables_report {
    size_t n_rows;    /* variables declared by the file */
    size_t n_created; /* new to the store */
    size_t n_updated; /* already there: metadata replaced */
    char checksum[65];
} tob_variables_report_t;

/* Reads a variables file: one row per variable with columns name, label
 * (required), unit, source, aggregate (sum, mean, weighted_mean, ratio,
 * none; default sum), weight (weighted_mean), numerator and denominator
 * (ratio), decimals, year, scale (optional). Names are [a-z0-9_], at most
 * 63 bytes; a weight, numerator or denominator must name a variable of
 * the file or of the store. Creates or updates the variables, keeping
 * their observations. Errors: TOB_ERR_INPUT naming file:row: column (bad
 * name, unknown aggregate, a ratio without its parts, an unknown part, a
 * duplicate name), TOB_ERR_NOTFOUND (file, sheet, a required column). */
TOB_API TOB_NODISCARD tob_status_t
tob_variables_import(tob_store_t *st, const char *path, const char *sheet,
                     tob_variables_report_t *report, tob_error_t *err);

/* ---- Indicator tables ---------------------------------------------- */

/* Strings are borrowed for the call. */
typedef struct tob_indicators_options {
    const char *path;  /* CSV, XLSX, ODS... */
    const char *sheet; /* sheet or layer, NULL = the first */
    const char *level; /* territories the keys name: commune, epci, qpv... */
    int vintage;       /* the level's vintage, 0 = the latest */
    const char *key;   /* column of territory codes */
    /* Year of the values whose column does not say it; 0 = the variable's
     * declared year. A column's own year wins: a trailing _YYYY of its
     * name (population_2015), or its series' year; a --year that
     * contradicts it is reported (year_conflicts). */
    int year;
    /* Columns to import, NULL-terminated; NULL = every column but the key
     * whose cells are mostly numbers (others are reported as skipped). */
    const char *const *columns;
    /* Keys are codes of this COG year, mapped to the store's vintage with
     * a passage table; 0 = keys are already the level's codes. */
    int cog_from;
    const char *passage;      /* passage table path (with cog_from) */
    const char *passage_from; /* its columns; NULL = code_<cog_from> */
    const char *passage_to;   /*   and code_<vintage> */
    /* The keys are of a later COG than the passage table's old codes (a
     * COG 2024 file with a 2018 -> 2026 table): old codes absent from the
     * file were merged already, so a merged commune is combined from the
     * codes present instead of getting no value. */
    int partial_merges;
    /* Fail on keys with no territory and on values that cannot be mapped,
     * instead of reporting them. */
    int strict;
    /* Series: columns that are years of one variable, comma-separated
     * items "name" (columns name_YYYY: population_2015, population_2021)
     * or "name=PATTERN" with {yyyy} or {yy} where the year is
     * ("population=P{yy}_POP": P15_POP is population of 2015), or none
     * to rename one column ("superficie=SUPERF"). Patterns
     * match folded column names, case aside. NULL = none: each column is
     * a variable of its own name. An item matching no column is
     * TOB_ERR_INPUT. */
    const char *series;
} tob_indicators_options_t;

typedef struct tob_indicators_report {
    int vintage;         /* of the level */
    int cog_from;        /* as asked, 0 if no passage table */
    size_t n_rows;       /* data rows read */
    size_t n_columns;    /* variables imported */
    size_t n_matched;    /* territories that got values */
    size_t n_values;     /* numbers written */
    size_t n_blank;      /* empty cells: missing values, stored as NULL */
    size_t n_unknown;    /* keys with no territory */
    size_t n_no_row;     /* territories of the level with no row */
    size_t n_created;    /* variables created (label = name) */
    size_t n_mapped;     /* cog_from: keys changed by the passage table */
    size_t n_merged;     /* cog_from: territories made of several keys */
    size_t n_unmapped;   /* cog_from: keys absent from the passage table */
    size_t n_unmappable; /* cog_from: values not computable for a merged
                            territory (a part missing, a mean...) */
    size_t n_year_conflicts; /* columns whose name's year is not --year */
    char encoding[16];   /* "UTF-8" or "Windows-1252" */
    char checksum[65];
    char columns[TOB_IMPORT_LINE_MAX]; /* "a (2021), b (2021)" */
    char skipped[TOB_IMPORT_LINE_MAX]; /* columns left out: not numbers */
    char created[TOB_IMPORT_LINE_MAX];
    char unknown[TOB_IMPORT_LINE_MAX];
    char no_row[TOB_IMPORT_LINE_MAX];
    char merged[TOB_IMPORT_LINE_MAX];
    char unmapped[TOB_IMPORT_LINE_MAX];
    char unmappable[TOB_IMPORT_LINE_MAX];
    /* stored aggregates recomputed from the new values, in the import's
     * transaction */
    tob_aggregate_refresh_report_t refreshed;
    char year_conflicts[TOB_IMPORT_LINE_MAX];
    /* The keys with no territory split in two, so that the few that
     * matter are not buried under a national file's thousands: those of
     * the store's own area (commune-like codes whose département holds a
     * tenth or more of the level's territories, "62" or "59, 62"; with
     * cog_from, also a key whose new code is of that area), most likely
     * old codes of merged communes; and the others. */
    size_t n_unknown_local;
    char local_area[64]; /* "62", "59, 62"; "" when codes have no prefix */
    char unknown_local[TOB_IMPORT_LINE_MAX];
    char unknown_other[TOB_IMPORT_LINE_MAX];
    /* cog_from: merged territories left without values because some of
     * their old codes are not in the file (of n_unmappable) */
    size_t n_partial;
} tob_indicators_report_t;

/* Imports an indicator table: one row per territory, one variable per
 * column. Values are stored as observations (territory, variable, year),
 * replacing earlier ones; an empty cell is a missing value (NULL), never
 * a zero. Columns that are not variables yet become variables with label
 * = name and aggregate 'none' (declare them with tob_variables_import to
 * aggregate them). With cog_from, keys are mapped through the passage
 * table: the rows of merged communes are combined per the variable's
 * aggregate (sum: summed; ratio: recomputed from its summed numerator and
 * denominator columns; weighted_mean: with its weight column), a merged
 * territory missing one of its old codes gets no value, and everything
 * that cannot be mapped is reported. Errors: TOB_ERR_INPUT naming
 * file:row: column (a cell that is not a number, a malformed or empty
 * key, duplicate keys listed together, a column with no year), with
 * strict also unknown keys and unmappable values; TOB_ERR_NOTFOUND (file,
 * column, level); TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t
tob_indicators_import(tob_store_t *st, const tob_indicators_options_t *opts,
                      tob_indicators_report_t *report, tob_error_t *err);

/* One line for provenance and logs: the join diagnostics of *rep. */
TOB_API void tob_indicators_describe(const tob_indicators_report_t *rep,
                                     char *buf, size_t size);

#endif
