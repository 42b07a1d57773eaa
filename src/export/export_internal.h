/* export_internal.h - what export.c (planning: territories, columns,
 * values, provenance read from the store) hands export_write.c (GDAL
 * datasets) and export_meta.c (metadata tables) (internal). */
#ifndef TERROBS_EXPORT_INTERNAL_H
#define TERROBS_EXPORT_INTERNAL_H

#include "terrobs/export.h"
#include "terrobs/values.h"

#include <gdal.h>
#include <ogr_api.h>

#define EXPORT_COLUMN_MAX 96 /* "population_2021" and longer names */

/* A variable's definition, as the variable table holds it. */
typedef struct export_variable {
    char *name, *label, *unit, *source, *aggregate;
    char *weight, *numerator, *denominator;
    int decimals;       /* -1 when not set */
    int asked;          /* named by the caller: it must have a value */
    char years[256];    /* years with data anywhere, "2019, 2021" */
    size_t n_origin[4]; /* cells by tob_value_origin_t */
    /* cells of territories the store holds part of (membres_presents <
     * membres_attendus): left empty (a sum), computed from the members
     * present (a ratio) */
    size_t n_not_computed, n_partial;
} export_variable_t;

/* One indicator column: a variable in a year. */
typedef struct export_column {
    size_t var; /* index into plan->vars */
    int year;
    int integer; /* every value whole and the variable has 0 decimals */
    char name[EXPORT_COLUMN_MAX];
} export_column_t;

/* Everything read from the store before a file is touched. */
typedef struct export_plan {
    const tob_export_options_t *opts;
    tob_export_format_t format;
    int vintage, srid;
    char *level_label, *crs_name, *store_name;
    export_variable_t *vars;
    size_t n_vars;       /* exported */
    size_t n_vars_owned; /* read, dropped ones after the exported */
    export_column_t *cols;
    size_t n_cols;
    tob_id_t *ids; /* territory ids, sorted (for bsearch) */
    size_t n_rows;
    double *values; /* values[row * n_cols + col]; NaN = missing */
    /* members[row]: present and expected, when the membership source of
     * some territory of the level is known (has_members); n_incomplete
     * rows have fewer present, the first of them in incomplete */
    tob_members_t *members;
    int has_members;
    size_t n_incomplete;
    char incomplete[512];
    tob_id_t *sources; /* provenance ids, sorted, distinct */
    size_t n_sources;
    int date_y, date_m, date_d; /* the export date */
} export_plan_t;

/* Row of territory id in plan->ids, or (size_t)-1. */
size_t export_plan_row(const export_plan_t *plan, tob_id_t id);

/* How cells are written for one format. */
typedef struct export_cells {
    int defuse;       /* CSV, ODS, XLSX: formula-like text gets a ' */
    int text_numbers; /* CSV: numbers formatted by us, as text fields */
    int decimal_comma;
    int text_dates; /* CSV: dates as text, French or ISO */
    int round;      /* CSV, ODS, XLSX: values with their declared decimals */
} export_cells_t;

typedef enum export_kind {
    EXPORT_TEXT,
    EXPORT_REAL,
    EXPORT_INT,
    EXPORT_DATE
} export_kind_t;

void export_cells_init(export_cells_t *cells, tob_export_format_t format,
                       int locale_c);
TOB_NODISCARD tob_status_t export_add_field(OGRLayerH layer,
                                            const export_cells_t *cells,
                                            const char *name,
                                            export_kind_t kind,
                                            tob_error_t *err);
void export_put_text(const export_cells_t *cells, OGRFeatureH f, int i,
                     const char *text);
/* A variable's value: rounded to its declared decimals (-1: none) where
 * cells->round, then as export_put_real(). */
void export_put_value(const export_cells_t *cells, OGRFeatureH f, int i,
                      double v, int decimals);
void export_put_real(const export_cells_t *cells, OGRFeatureH f, int i,
                     double v);
void export_put_date(const export_cells_t *cells, OGRFeatureH f, int i, int y,
                     int m, int d);

/* Sets err from GDAL's last error ("doing: message"), as TOB_ERR_IO. */
tob_status_t export_gdal_fail(const char *doing, tob_error_t *err);

/* Creates a non-spatial layer of ds; NULL on failure (err set). */
OGRLayerH export_table_layer(GDALDatasetH ds, const char *name,
                             tob_export_format_t format, int locale_c,
                             tob_error_t *err);

/* Candidate columns: the variables asked for (or every variable) in
 * each year they have data (or opts->year). export_vars.c. */
TOB_NODISCARD tob_status_t export_plan_columns(tob_store_t *st,
                                               export_plan_t *plan,
                                               tob_error_t *err);

/* 1 if row of plan has fewer members present than expected. */
int export_row_incomplete(const export_plan_t *plan, size_t row);

/* Fills plan->members and plan->values through the values module, drops
 * the columns (and variables) without any value, fails for a variable
 * asked for that has none, and adds the provenance of the values.
 * export_values.c. */
TOB_NODISCARD tob_status_t export_read_values(tob_store_t *st,
                                              export_plan_t *plan,
                                              tob_error_t *err);

/* Adds a provenance id to the plan's sorted set. */
TOB_NODISCARD tob_status_t export_add_source(export_plan_t *plan, tob_id_t id,
                                             tob_error_t *err);

/* Adds `metadonnees`, `variables` and `sources` tables to ds (CSV: to
 * the three sidecar datasets, metas[0..3)). */
TOB_NODISCARD tob_status_t export_write_meta(tob_store_t *st,
                                             const export_plan_t *plan,
                                             GDALDatasetH const *metas,
                                             tob_error_t *err);

/* Writes the whole export of plan to path (files aside, then renamed). */
TOB_NODISCARD tob_status_t export_write(tob_store_t *st,
                                        const export_plan_t *plan,
                                        const char *path,
                                        tob_export_summary_t *summary,
                                        tob_error_t *err);

#endif
