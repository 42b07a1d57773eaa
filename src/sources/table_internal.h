/* table_internal.h - the table handle shared by table.c (API, header and
 * row checks), table_csv.c (CSV through GDAL's CPL CSV reader) and
 * table_ogr.c (XLSX, ODS and any OGR layer). Not installed. */
#ifndef TERROBS_TABLE_INTERNAL_H
#define TERROBS_TABLE_INTERNAL_H

#include "terrobs/table.h"

#include <gdal.h>
#include <ogr_api.h>

enum table_kind {
    TABLE_CSV,   /* read by table_csv.c */
    TABLE_SHEET, /* XLSX, ODS, XLS: header is the first non-blank row */
    TABLE_LAYER  /* other OGR layers: header is the field names */
};

struct tob_table {
    enum table_kind kind;
    char *source;  /* for messages; malloc'd */
    char **names;  /* n_columns malloc'd names, trimmed */
    char **folded; /* the names through tob_text_fold */
    size_t n_columns;
    char **cells;      /* current row: n_columns malloc'd strings or NULL */
    long long row;     /* row number of the last row read (header too) */
    long long current; /* row number of the current data row, 0 before */
    int utf8;          /* 0: the file is Windows-1252 and is recoded */
    /* CSV */
    VSILFILE *fp;
    char separator[2];
    long long nul_row; /* the first row holding a NUL byte, 0 for none */
    size_t nul_column; /* its column, 0-based */
    /* OGR */
    GDALDatasetH ds;
    OGRLayerH layer;
    int is_ods;
    long long n_features; /* features read so far */
    /* The first failure GDAL reported while we read: drivers may stop
     * early (ODS "Invalid value for number-rows-repeated") and still hand
     * out the rows read so far, so any such report fails the read. */
    int gdal_failure_num;
    char gdal_failure[512];
};

/* A row as read: n values, each malloc'd UTF-8 or NULL. The callee takes
 * ownership of values and of the array (both freed with free()). */
typedef struct raw_row {
    char **values;
    size_t n;
} raw_row_t;

void table_raw_row_free(raw_row_t *r);

/* "A".."Z", "AA"...: the spreadsheet name of column i (0-based). */
void table_column_letters(size_t i, char *buf, size_t size);

/* Returns 1 if every value of r is blank (a row to skip). */
int table_raw_row_is_blank(const raw_row_t *r);

/* Makes the header from r (takes it): trims names, drops trailing empty
 * ones, refuses an empty or a duplicate name. */
tob_status_t table_set_header(tob_table_t *t, raw_row_t *r, tob_error_t *err);

/* Makes r (taken) the current row at t->row; refuses non-empty cells
 * beyond the header's columns. */
tob_status_t table_set_row(tob_table_t *t, raw_row_t *r, tob_error_t *err);

/* malloc'd UTF-8 copy of s: as is if it is valid UTF-8, else recoded from
 * Windows-1252 (ISO-8859-1 if it holds bytes Windows-1252 leaves
 * undefined). NULL when out of memory. */
char *table_to_utf8(const char *s);

/* Records GDAL's last error (or `what` if GDAL said nothing) as
 * TOB_ERR_GDAL at t's source. */
tob_status_t table_gdal_error(const char *source, const char *what,
                              tob_error_t *err);

tob_status_t table_csv_open(tob_table_t *t, const char *path, tob_error_t *err);
tob_status_t table_csv_next(tob_table_t *t, int *has_row, tob_error_t *err);
void table_csv_close(tob_table_t *t);

tob_status_t table_ogr_open(tob_table_t *t, const char *path, const char *layer,
                            tob_error_t *err);
tob_status_t table_ogr_next(tob_table_t *t, int *has_row, tob_error_t *err);
void table_ogr_close(tob_table_t *t);

#endif
