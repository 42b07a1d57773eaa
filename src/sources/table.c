/* table.c - the table API: opening (CSV or OGR), header and row checks,
 * column lookup by folded name, and GDAL's errors kept quiet and turned
 * into tob_error_t. See table.h for what is read how. */
#include "table_internal.h"

#include "terrobs/cells.h"

#include "base/utf8.h"

#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void table_raw_row_free(raw_row_t *r)
{
    if (r == NULL || r->values == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->values[i]);
    free(r->values);
    r->values = NULL;
    r->n = 0;
}

int table_raw_row_is_blank(const raw_row_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!tob_cell_is_blank(r->values[i]))
            return 0;
    return 1;
}

void table_column_letters(size_t i, char *buf, size_t size)
{
    char rev[16];
    size_t n = 0;
    i++;
    while (i > 0 && n < sizeof rev) {
        rev[n++] = (char)('A' + (i - 1) % 26);
        i = (i - 1) / 26;
    }
    size_t k = 0;
    while (n > 0 && k + 1 < size)
        buf[k++] = rev[--n];
    buf[k] = '\0';
}

/* Copies name without the white space around it (U+00A0 included). */
static char *trimmed_copy(const char *name)
{
    const char *p = name ? name : "";
    size_t n;
    while ((n = utf8_space_len(p)) > 0)
        p += n;
    size_t len = 0, kept = 0; /* kept: up to the last non-space */
    while (p[len] != '\0') {
        n = utf8_space_len(p + len);
        len += n ? n : 1;
        if (n == 0)
            kept = len;
    }
    char *copy = malloc(kept + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, p, kept);
    copy[kept] = '\0';
    return copy;
}

typedef struct folded_ref {
    const char *folded;
    size_t index;
} folded_ref_t;

static int compare_folded(const void *a, const void *b)
{
    const folded_ref_t *x = a, *y = b;
    int c = strcmp(x->folded, y->folded);
    if (c != 0)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Refuses two names that fold alike: "Code INSEE" and "code_insee". */
static tob_status_t check_duplicates(const tob_table_t *t, tob_error_t *err)
{
    folded_ref_t *refs = calloc(t->n_columns + 1, sizeof *refs);
    if (refs == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_columns; i++)
        refs[i] = (folded_ref_t){t->folded[i], i};
    qsort(refs, t->n_columns, sizeof *refs, compare_folded);
    tob_status_t status = TOB_OK;
    for (size_t i = 1; i < t->n_columns && status == TOB_OK; i++) {
        if (strcmp(refs[i - 1].folded, refs[i].folded) != 0)
            continue;
        size_t a = refs[i - 1].index, b = refs[i].index;
        char la[16], lb[16];
        table_column_letters(a, la, sizeof la);
        table_column_letters(b, lb, sizeof lb);
        status = tob_error_set(err, TOB_ERR_INPUT,
                               "columns %s ('%s') and %s ('%s') have the "
                               "same name",
                               la, t->names[a], lb, t->names[b]);
        tob_error_at(err, NULL, 0, t->names[b]);
    }
    free(refs);
    return status;
}

/* Fills t->names and t->folded from r's values (taken). */
static tob_status_t adopt_names(tob_table_t *t, raw_row_t *r, tob_error_t *err)
{
    size_t n = r->n;
    while (n > 0 && tob_cell_is_blank(r->values[n - 1]))
        n--; /* trailing separators or empty header cells */
    t->names = calloc(n + 1, sizeof *t->names);
    t->folded = calloc(n + 1, sizeof *t->folded);
    t->cells = calloc(n + 1, sizeof *t->cells);
    if (t->names == NULL || t->folded == NULL || t->cells == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        t->names[i] = trimmed_copy(r->values[i]);
        size_t size = t->names[i] ? strlen(t->names[i]) + 1 : 0;
        t->folded[i] = t->names[i] ? malloc(size) : NULL;
        if (t->folded[i] == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        tob_text_fold(t->names[i], t->folded[i], size);
        t->n_columns = i + 1;
    }
    return TOB_OK;
}

tob_status_t table_set_header(tob_table_t *t, raw_row_t *r, tob_error_t *err)
{
    tob_status_t status = adopt_names(t, r, err);
    table_raw_row_free(r);
    if (status != TOB_OK)
        return status;
    if (t->n_columns == 0)
        return tob_error_set(err, TOB_ERR_INPUT, "no header row");
    for (size_t i = 0; i < t->n_columns; i++) {
        if (t->folded[i][0] != '\0')
            continue;
        char letters[16];
        table_column_letters(i, letters, sizeof letters);
        return tob_error_set(err, TOB_ERR_INPUT,
                             "column %s (number %zu) has no name in the "
                             "header row",
                             letters, i + 1);
    }
    return check_duplicates(t, err);
}

static void free_cells(tob_table_t *t)
{
    for (size_t i = 0; t->cells != NULL && i < t->n_columns; i++) {
        free(t->cells[i]);
        t->cells[i] = NULL;
    }
}

tob_status_t table_set_row(tob_table_t *t, raw_row_t *r, tob_error_t *err)
{
    free_cells(t);
    size_t n_extra = 0;
    for (size_t i = t->n_columns; i < r->n; i++)
        n_extra += !tob_cell_is_blank(r->values[i]);
    if (n_extra > 0) {
        size_t n_cells = r->n;
        table_raw_row_free(r);
        return tob_error_set(err, TOB_ERR_INPUT,
                             "row has %zu cells but the header names only "
                             "%zu columns",
                             n_cells, t->n_columns);
    }
    /* A missing cell shifts or loses what follows: as wrong as one too
     * many (spreadsheets write every separator). */
    if (r->n < t->n_columns) {
        size_t n_cells = r->n;
        table_raw_row_free(r);
        char letters[16];
        table_column_letters(n_cells, letters, sizeof letters);
        tob_error_set(err, TOB_ERR_INPUT,
                      "row has %zu cells but the header names %zu columns "
                      "(column %s and after are missing)",
                      n_cells, t->n_columns, letters);
        tob_error_at(err, NULL, 0, t->names[n_cells]);
        return TOB_ERR_INPUT;
    }
    for (size_t i = 0; i < t->n_columns && i < r->n; i++) {
        /* Tabs and line breaks are text; other control bytes are a
         * damaged file, and would reach labels, PDFs and CSV exports. */
        const char *c = r->values[i];
        while (c != NULL && *c != '\0' &&
               ((unsigned char)*c >= 0x20 || *c == '\t' || *c == '\n' ||
                *c == '\r') &&
               *c != 0x7F)
            c++;
        if (c != NULL && *c != '\0') {
            unsigned char byte = (unsigned char)*c;
            table_raw_row_free(r);
            tob_error_set(err, TOB_ERR_INPUT,
                          "holds a control character (byte 0x%02X): a "
                          "damaged file?",
                          byte);
            tob_error_at(err, NULL, 0, t->names[i]);
            return TOB_ERR_INPUT;
        }
        t->cells[i] = r->values[i];
        r->values[i] = NULL;
    }
    table_raw_row_free(r);
    return TOB_OK;
}

/* Bytes that Windows-1252 leaves undefined: such text is ISO-8859-1. */
static int has_cp1252_holes(const char *s)
{
    return strpbrk(s, "\x81\x8D\x8F\x90\x9D") != NULL;
}

char *table_to_utf8(const char *s)
{
    if (s == NULL)
        s = "";
    if (tob_text_is_utf8(s, strlen(s)))
        return strdup(s);
    const char *from = has_cp1252_holes(s) ? CPL_ENC_ISO8859_1 : "CP1252";
    char *recoded = CPLRecode(s, from, CPL_ENC_UTF8);
    if (recoded == NULL)
        return NULL;
    char *copy = strdup(recoded); /* ours are freed with free() */
    CPLFree(recoded);
    return copy;
}

tob_status_t table_gdal_error(const char *source, const char *what,
                              tob_error_t *err)
{
    const char *msg = CPLGetLastErrorMsg();
    tob_error_lib(err, TOB_ERR_GDAL, (int)CPLGetLastErrorNo(), "%s",
                  msg != NULL && msg[0] != '\0' ? msg : what);
    tob_error_at(err, source, 0, NULL);
    return TOB_ERR_GDAL;
}

/* ---- the public API --------------------------------------------------- */

/* CSV-like files go to table_csv.c: GDAL 3.6's CSV driver cannot be told
 * the separator (a ';' file whose header holds a ',' splits on ','), and
 * renames empty header cells; its CPL reader has neither problem. */
static int is_csv_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL &&
        (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".tsv") == 0 ||
         strcasecmp(dot, ".txt") == 0))
        return 1;
    GDALDriverH driver = GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
    return driver != NULL && strcmp(GDALGetDriverShortName(driver), "CSV") == 0;
}

static tob_status_t open_quietly(tob_table_t *t, const char *path,
                                 const char *layer, tob_error_t *err)
{
    /* /vsizip/... paths are GDAL's to judge; a plain path is checked
     * first so that a typo reads "no such file", not a driver message. */
    if (strncmp(path, "/vsi", 4) != 0 && access(path, F_OK) != 0)
        return tob_error_set(err, TOB_ERR_NOTFOUND, "no such file");
    if (is_csv_path(path)) {
        if (layer != NULL && layer[0] != '\0')
            return tob_error_set(err, TOB_ERR_ARG,
                                 "a CSV file has no sheet '%s'", layer);
        t->kind = TABLE_CSV;
        return table_csv_open(t, path, err);
    }
    return table_ogr_open(t, path, layer, err);
}

static void CPL_STDCALL collect_failure(CPLErr level, CPLErrorNum num,
                                        const char *msg)
{
    tob_table_t *t = CPLGetErrorHandlerUserData();
    if (t == NULL || level < CE_Failure || t->gdal_failure[0] != '\0')
        return;
    msg = msg != NULL && msg[0] != '\0' ? msg : "unknown error";
    /* ODS formulas GDAL cannot compute: check_formulas() names the cell */
    if (t->is_ods && strncmp(msg, "Formula Parsing Error", 21) == 0)
        return;
    t->gdal_failure_num = (int)num;
    snprintf(t->gdal_failure, sizeof t->gdal_failure, "%s", msg);
}

static void begin_gdal_calls(tob_table_t *t)
{
    CPLPushErrorHandlerEx(collect_failure, t);
    CPLErrorReset();
}

/* Pops the handler; a failure GDAL reported where the code saw success
 * becomes the error, with no row (it may be anywhere in the file). */
static tob_status_t end_gdal_calls(tob_table_t *t, tob_status_t status,
                                   tob_error_t *err)
{
    CPLPopErrorHandler();
    if (status == TOB_OK && t->gdal_failure[0] != '\0') {
        tob_error_lib(err, TOB_ERR_GDAL, t->gdal_failure_num,
                      "GDAL could not read all of the file: %s",
                      t->gdal_failure);
        tob_error_at(err, t->source, 0, NULL);
        return TOB_ERR_GDAL;
    }
    if (status != TOB_OK)
        tob_error_at(err, t->source, t->row, NULL);
    return status;
}

tob_status_t tob_table_open(const char *path, const tob_table_options_t *opts,
                            tob_table_t **out, tob_error_t *err)
{
    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return tob_error_set(err, TOB_ERR_ARG, "no table file given");
    tob_table_t *t = calloc(1, sizeof *t);
    if (t == NULL || (t->source = strdup(path)) == NULL) {
        free(t);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    t->utf8 = 1;
    begin_gdal_calls(t);
    tob_status_t status =
        open_quietly(t, path, opts != NULL ? opts->layer : NULL, err);
    status = end_gdal_calls(t, status, err);
    if (status != TOB_OK) {
        tob_table_close(t);
        return status;
    }
    *out = t;
    return TOB_OK;
}

void tob_table_close(tob_table_t *t)
{
    if (t == NULL)
        return;
    table_csv_close(t);
    table_ogr_close(t);
    free_cells(t);
    for (size_t i = 0; i < t->n_columns; i++) {
        free(t->names[i]);
        free(t->folded[i]);
    }
    free(t->names);
    free(t->folded);
    free(t->cells);
    free(t->source);
    free(t);
}

tob_status_t tob_table_next(tob_table_t *t, int *has_row, tob_error_t *err)
{
    *has_row = 0;
    begin_gdal_calls(t);
    tob_status_t status = t->kind == TABLE_CSV
                              ? table_csv_next(t, has_row, err)
                              : table_ogr_next(t, has_row, err);
    status = end_gdal_calls(t, status, err);
    t->current = status == TOB_OK && *has_row ? t->row : 0;
    if (status != TOB_OK) {
        *has_row = 0;
        free_cells(t);
    }
    return status;
}

size_t tob_table_n_columns(const tob_table_t *t)
{
    return t->n_columns;
}

const char *tob_table_column_name(const tob_table_t *t, size_t i)
{
    return i < t->n_columns ? t->names[i] : NULL;
}

long tob_table_find_column(const tob_table_t *t, const char *const *aliases)
{
    for (; aliases != NULL && *aliases != NULL; aliases++) {
        size_t size = strlen(*aliases) + 1;
        char *folded = malloc(size);
        if (folded == NULL)
            return -1;
        tob_text_fold(*aliases, folded, size);
        long found = -1;
        for (size_t i = 0; i < t->n_columns && found < 0; i++)
            if (strcmp(t->folded[i], folded) == 0)
                found = (long)i;
        free(folded);
        if (found >= 0)
            return found;
    }
    return -1;
}

const char *tob_table_cell(const tob_table_t *t, size_t i)
{
    if (i >= t->n_columns || t->cells[i] == NULL)
        return "";
    return t->cells[i];
}

long long tob_table_row_number(const tob_table_t *t)
{
    return t->current;
}

const char *tob_table_source(const tob_table_t *t)
{
    return t->source;
}

const char *tob_table_encoding(const tob_table_t *t)
{
    return t->utf8 ? "UTF-8" : "Windows-1252";
}
