/* table.h (building block) - any tabular file read through GDAL as rows of
 * UTF-8 text: CSV (';', ',' or tab; UTF-8 with or without BOM, or
 * Windows-1252/Latin-1), XLSX, ODS, and the attributes of any OGR layer
 * (GeoPackage, Shapefile...). Every cell comes back as the text the user typed
 * or the spreadsheet stored (no type guessing: `2A004` and `01004` keep their
 * form); parse it with cells.h. One handle per thread; GDALAllRegister() must
 * have run.
 *
 * How cells read (checked by tests/test_table.c):
 * - CSV: the separator is chosen on the first lines (the one among tab, ';'
 *   and ',' that splits every sampled line into the header's number of
 *   columns), so `code;taux (15-64 ans, %)` is two columns. A file that is
 *   all valid UTF-8 is UTF-8 (a BOM is skipped); otherwise it is read as
 *   Windows-1252 (Latin-1 plus œ, ’, €...) and recoded. UTF-16 is refused.
 *   Quoted cells may hold separators, quotes ("") and line breaks.
 * - XLSX/ODS: numbers come back as GDAL writes them (`1234.5`, `-0.25`,
 *   the stored value: a cell shown as `12,5 %` reads `0.125`); dates as
 *   `2026/11/22` (XLSX) or `2026-11-22` (ODS); both parse with
 *   tob_cell_parse_number / tob_cell_parse_date. Formula cells give their
 *   saved result (what the spreadsheet showed). A formula saved without a
 *   result: ODS ones GDAL can compute are computed, others are an error;
 *   XLSX ones read as empty (Excel and LibreOffice always save results).
 * - Header: the first row that is not blank. Every column needs a name,
 *   and no two names may fold (tob_text_fold) to the same text: both are
 *   errors at open that name the column. Names are trimmed.
 * - Rows whose cells are all blank are skipped (but counted in row
 *   numbers); a row with more non-empty cells than the header has names,
 *   or with fewer cells, is an error. A NUL byte anywhere in a CSV is an
 *   error at its row and column (GDAL would end the row there), and so is
 *   a header row too long (64 KiB) to choose the separator on. */
#ifndef TERROBS_TABLE_H
#define TERROBS_TABLE_H

#include "terrobs/error.h"

#include <stddef.h>

typedef struct tob_table tob_table_t;

typedef struct tob_table_options {
    /* Sheet (XLSX/ODS) or layer name; NULL or "" for the first one. */
    const char *layer;
} tob_table_options_t;

/* Opens path and reads its header row. opts may be NULL. Caller closes
 * *out with tob_table_close(); *out is NULL on failure. Errors name the
 * file: TOB_ERR_NOTFOUND (no such file, sheet or layer), TOB_ERR_GDAL (GDAL
 * cannot read it), TOB_ERR_INPUT (no header, a column with no name or a
 * duplicate name, UTF-16), TOB_ERR_IO, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t
tob_table_open(const char *path, const tob_table_options_t *opts,
               tob_table_t **out, tob_error_t *err);

/* Closes the file and frees everything; NULL is a no-op. */
TOB_API void tob_table_close(tob_table_t *t);

/* Number of columns of the header. */
TOB_API size_t tob_table_n_columns(const tob_table_t *t);

/* Name of column i (trimmed, UTF-8), NULL if i is out of range. Borrowed
 * until tob_table_close(). */
TOB_API const char *tob_table_column_name(const tob_table_t *t, size_t i);

/* Index of the column whose folded name (tob_text_fold) equals the folded
 * form of an alias; aliases is NULL-terminated and tried in order, so put
 * the preferred name first ({"code_insee", "codgeo", "insee", NULL}).
 * Returns -1 if none matches. */
TOB_API long tob_table_find_column(const tob_table_t *t,
                                   const char *const *aliases);

/* Reads the next non-blank row: *has_row = 1 and TOB_OK, or *has_row = 0
 * and TOB_OK at the end. Errors (TOB_ERR_INPUT, TOB_ERR_GDAL, TOB_ERR_IO)
 * carry the source and the row number; after an error, stop reading. */
TOB_API TOB_NODISCARD tob_status_t tob_table_next(tob_table_t *t, int *has_row,
                                                  tob_error_t *err);

/* Cell i of the current row, UTF-8; "" for an empty cell, a NULL or an
 * index out of range. Borrowed until the next tob_table_next() or
 * tob_table_close(). */
TOB_API const char *tob_table_cell(const tob_table_t *t, size_t i);

/* Row number of the current row as the user sees it: in CSV, XLSX and ODS
 * the spreadsheet row (the header is usually row 1, the first data row 2;
 * a quoted line break does not start a new row); in other layers the
 * 1-based feature number. 0 before the first row. */
TOB_API long long tob_table_row_number(const tob_table_t *t);

/* Name of the source for messages: the path as given, followed by
 * " [sheet]" when the file has several sheets or layers. Borrowed until
 * tob_table_close(). */
TOB_API const char *tob_table_source(const tob_table_t *t);

/* "UTF-8" or "Windows-1252": how the text of the file was read (for the
 * import report: a Latin-1 file is worth saying). Static string. */
TOB_API const char *tob_table_encoding(const tob_table_t *t);

#endif
