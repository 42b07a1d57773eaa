/* export.h (entry point) - a level's territories and their indicators, written
 * for partners through GDAL: GeoPackage (geometry in the store CRS and typed
 * columns), CSV (French `;` and `12,5` or C `,` and `12.5`), ODS and XLSX
 * (typed numeric cells), each with metadata (export, variables, sources).
 * Files are written aside and renamed into place. */
#ifndef TERROBS_EXPORT_H
#define TERROBS_EXPORT_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

typedef enum tob_export_format {
    TOB_EXPORT_GPKG,
    TOB_EXPORT_CSV,
    TOB_EXPORT_ODS,
    TOB_EXPORT_XLSX
} tob_export_format_t;

/* The licence every export carries, in its metadata. */
#define TOB_EXPORT_LICENCE "Licence Ouverte / Etalab 2.0"

/* What to export. Strings are borrowed for the call. */
typedef struct tob_export_options {
    const char *level; /* required: commune, epci... */
    int vintage;       /* 0 = the level's latest */
    /* Variables, in column order; NULL (n_variables 0) = every variable
     * with a value at the level, by name. */
    const char *const *variables;
    size_t n_variables;
    int year;     /* 0 = every year with a value */
    int locale_c; /* CSV: `,` and `12.5` instead of `;` and `12,5` */
    int force;    /* replace existing files */
    /* Export date "YYYY-MM-DD"; NULL = today (UTC). */
    const char *date;
} tob_export_options_t;

/* What an export wrote. */
typedef struct tob_export_summary {
    tob_export_format_t format;
    int vintage;          /* the vintage exported */
    size_t n_territories; /* rows (features) of the data table */
    size_t n_variables;
    size_t n_columns; /* indicator columns: variable x year */
    size_t n_values;  /* non-missing indicator cells */
    size_t n_missing; /* empty indicator cells */
    size_t n_sources; /* provenance records in the metadata */
    size_t n_files;   /* files written: 4 for CSV (data + 3 sidecars) */
} tob_export_summary_t;

/* The format of path from its extension (.gpkg, .csv, .ods, .xlsx; any
 * case). Errors: TOB_ERR_ARG naming the extensions known. */
TOB_API TOB_NODISCARD tob_status_t tob_export_format_from_path(
    const char *path, tob_export_format_t *out, tob_error_t *err);

/* Exports (opts->level, vintage) of st to path.
 *
 * The data table (layer or sheet named after the level) has one row per
 * territory, by code: code, nom, millesime, code_parent, superficie_km2,
 * then one column per variable and year, `population_2021`. Values are
 * typed: integers when the variable has 0 decimals and every value is
 * whole, reals otherwise; a missing value is an empty cell (NULL).
 * Metadata tables: `metadonnees` (key, value: level, vintage, CRS, export
 * date, licence TOB_EXPORT_LICENCE, producer), `variables` (label, unit,
 * source, aggregation, columns) and `sources` (provenance of the
 * boundaries and values exported: file, date, SHA-256). GeoPackage, ODS
 * and XLSX hold them as tables/sheets; CSV writes them beside path as
 * STEM-metadonnees.csv, STEM-variables.csv and STEM-sources.csv.
 *
 * CSV, ODS and XLSX text cells starting with = + - @ tab or CR, or with
 * "of:=" (which GDAL's ODS writer turns into a formula) get a leading
 * `'`, so that no spreadsheet runs them (tob_export_defuse); numbers
 * stay numbers. GeoPackage text is written as is.
 *
 * Every file is written under a temporary name in its folder, synced and
 * renamed into place, the data file last; an existing file is an error
 * (TOB_ERR_EXISTS) unless opts->force. summary may be NULL.
 * Errors: TOB_ERR_ARG (options, extension), TOB_ERR_NOTFOUND (level,
 * vintage, variable, or a variable without values), TOB_ERR_EXISTS,
 * TOB_ERR_IO (writing: the message is GDAL's), TOB_ERR_SQLITE,
 * TOB_ERR_NOMEM. On error no target file is created or changed. */
TOB_API TOB_NODISCARD tob_status_t tob_export(tob_store_t *st, const char *path,
                                              const tob_export_options_t *opts,
                                              tob_export_summary_t *summary,
                                              tob_error_t *err);

/* Whether a spreadsheet could read text as a formula: it starts with
 * = + - @ tab or CR, or with "of:=". NULL and "" are safe (0). */
TOB_API int tob_export_is_formula_like(const char *text);

/* Writes text into buf, with a leading `'` when it is formula-like.
 * Returns buf, or NULL when size is too small (buf is then ""). */
TOB_API char *tob_export_defuse(const char *text, char *buf, size_t size);

#endif
