/* report.h (building block) - a report document for partners: a title,
 * headings, paragraphs and tables of typed cells (text, whole numbers,
 * decimals, euros, dates, percentages), written as aligned text, CSV (';',
 * French decimals, formula-like cells neutralised) or ODS (one sheet per table,
 * typed cells, through GDAL). Built by followup.h; no store access here. */
#ifndef TERROBS_REPORT_H
#define TERROBS_REPORT_H

#include "terrobs/error.h"

#include <stddef.h>
#include <stdio.h>

typedef struct tob_report tob_report_t;

typedef enum tob_report_format {
    TOB_REPORT_TEXT = 0,
    TOB_REPORT_CSV,
    TOB_REPORT_ODS
} tob_report_format_t;

/* Parses "text", "csv" or "ods". Errors: TOB_ERR_ARG. */
TOB_API TOB_NODISCARD tob_status_t tob_report_format_parse(
    const char *name, tob_report_format_t *out, tob_error_t *err);

/* Creates an empty report titled title. Caller frees *out with
 * tob_report_destroy(). */
TOB_API TOB_NODISCARD tob_status_t tob_report_create(const char *title,
                                                     tob_report_t **out,
                                                     tob_error_t *err);
TOB_API void tob_report_destroy(tob_report_t *r); /* NULL is a no-op */

/* Building. Every call copies its strings. The first failure (out of
 * memory) is kept and returned by later calls and by the writers, so a
 * builder may check once at the end. */
TOB_API tob_status_t tob_report_heading(tob_report_t *r, const char *text);
TOB_API tob_status_t tob_report_paragraph(tob_report_t *r, const char *fmt, ...)
    TOB_PRINTF(2, 3);

/* Starts a table with n_columns headers; rows follow with the cell
 * calls, each row opened by tob_report_row(). */
TOB_API tob_status_t tob_report_table(tob_report_t *r, const char *title,
                                      size_t n_columns,
                                      const char *const *headers);
TOB_API tob_status_t tob_report_row(tob_report_t *r);
TOB_API tob_status_t tob_report_text(tob_report_t *r, const char *text);
TOB_API tob_status_t tob_report_int(tob_report_t *r, long long v);
TOB_API tob_status_t tob_report_number(tob_report_t *r, double v, int decimals);
TOB_API tob_status_t tob_report_money(tob_report_t *r,
                                      double v); /* whole euros */
TOB_API tob_status_t tob_report_percent(tob_report_t *r,
                                        double v); /* 12.5 = 12,5 % */
/* An ISO date "2025-12-31", or "" (no date). */
TOB_API tob_status_t tob_report_date(tob_report_t *r, const char *iso);

/* Reading back (tests, other renderers): tables in order, cells as the
 * text writer shows them ("1 234 567 €", "22/11/2026"). NULL when out of
 * range. Borrowed until tob_report_destroy(). */
TOB_API size_t tob_report_n_tables(const tob_report_t *r);
TOB_API const char *tob_report_table_title(const tob_report_t *r, size_t table);
TOB_API size_t tob_report_n_rows(const tob_report_t *r, size_t table);
TOB_API const char *tob_report_cell(const tob_report_t *r, size_t table,
                                    size_t row, size_t column);
/* Paragraph i of the whole report, NULL past the end. */
TOB_API const char *tob_report_paragraph_at(const tob_report_t *r, size_t i);

/* Writes text or CSV to out. Errors: the builder's, TOB_ERR_IO. */
TOB_API TOB_NODISCARD tob_status_t tob_report_write(const tob_report_t *r,
                                                    tob_report_format_t format,
                                                    FILE *out,
                                                    tob_error_t *err);

/* Writes to path in any format (ODS needs a path): aside, then renamed
 * into place. Errors: TOB_ERR_IO (writing, GDAL's message). */
TOB_API TOB_NODISCARD tob_status_t tob_report_save(const tob_report_t *r,
                                                   tob_report_format_t format,
                                                   const char *path,
                                                   tob_error_t *err);

#endif
