/* table_csv.c - CSV files through GDAL's CPL CSV reader (VSI paths work:
 * /vsizip/, /vsigzip/...), with the separator and the encoding chosen
 * here, because GDAL 3.6's CSV driver guesses the separator on the header
 * line alone and falls back to ',' when that line holds two kinds. */
#include "table_internal.h"

#include "base/utf8.h"
#include "terrobs/cells.h"

#include <stdbool.h> /* cpl_csv.h uses bool */

#include <cpl_csv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 65536 /* also the sample that decides the separator */
#define SAMPLE_RECORDS 64
#define MAX_LINE_BYTES (64 * 1024 * 1024)

/* Candidate separators; on a tie, the earlier wins (';' before ',':
 * French files with decimal commas). */
static const char candidates[3] = {'\t', ';', ','};

typedef struct sample {
    size_t n_records;
    long count[SAMPLE_RECORDS][3]; /* separators outside quotes */
} sample_t;

static void end_record(sample_t *s, long current[3], int *non_blank)
{
    if (*non_blank && s->n_records < SAMPLE_RECORDS)
        memcpy(s->count[s->n_records++], current, 3 * sizeof current[0]);
    memset(current, 0, 3 * sizeof current[0]);
    *non_blank = 0;
}

/* Counts separators per record in the first bytes of the file; a record
 * cut by the end of the sample is left out unless the file ends there. */
static void count_separators(const char *buf, size_t n, int at_eof, sample_t *s)
{
    int in_quotes = 0, non_blank = 0;
    long current[3] = {0, 0, 0};
    for (size_t i = 0; i < n && s->n_records < SAMPLE_RECORDS; i++) {
        char c = buf[i];
        if (c == '"')
            in_quotes = !in_quotes;
        if (!in_quotes && (c == '\n' || c == '\r')) {
            end_record(s, current, &non_blank);
            continue;
        }
        for (int k = 0; k < 3 && !in_quotes; k++)
            current[k] += c == candidates[k];
        /* a record of separators only is a blank row, not the header */
        non_blank |= strchr(" \t;,", c) == NULL;
    }
    if (at_eof && !in_quotes)
        end_record(s, current, &non_blank);
}

/* The separator that splits every sampled record like the header (the
 * first record); if none does, the one the header holds most. */
static char choose_separator(const sample_t *s)
{
    if (s->n_records == 0)
        return ',';
    int best = -1;
    for (int k = 0; k < 3; k++) {
        long in_header = s->count[0][k];
        int consistent = in_header > 0;
        for (size_t r = 1; r < s->n_records && consistent; r++)
            consistent = s->count[r][k] == in_header;
        if (consistent && (best < 0 || in_header > s->count[0][best]))
            best = k;
    }
    for (int k = 0; k < 3 && best < 0; k++)
        if (s->count[0][k] > 0)
            best = k;
    return best >= 0 ? candidates[best] : ',';
}

/* Checks buf[0..n) as UTF-8; an incomplete sequence at the end is moved
 * to the start of buf for the next chunk (*carry bytes). */
static int chunk_is_utf8(char *buf, size_t n, int at_eof, size_t *carry)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t i = 0;
    *carry = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(u + i, n - i, &cp);
        if (len == 0) {
            if (at_eof || n - i >= 4)
                return 0;
            *carry = n - i;
            memmove(buf, buf + i, *carry);
            return 1;
        }
        i += len;
    }
    return 1;
}

/* Quote balance over the whole file: GDAL's reader would silently make
 * one cell of everything after a quote that is never closed. */
typedef struct quote_scan {
    int in_quotes;
    char previous;       /* last byte seen, to count "\r\n" once */
    long long n_records; /* records ended so far (blank ones too) */
    long long opened_in; /* 1-based record where the open quote is */
    long seps[3];        /* candidate separators so far in this record */
    /* The first NUL byte: GDAL's reader takes it for the end of the line
     * and would silently drop the rest of the row. */
    long long nul_record; /* 1-based, 0 for none */
    long nul_seps[3];     /* separators before it in its record */
} quote_scan_t;

static void scan_quotes(const char *buf, size_t n, quote_scan_t *q)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '"') {
            q->in_quotes = !q->in_quotes;
            if (q->in_quotes)
                q->opened_in = q->n_records + 1;
        } else if (c == '\0' && q->nul_record == 0) {
            q->nul_record = q->n_records + 1;
            memcpy(q->nul_seps, q->seps, sizeof q->seps);
        } else if (!q->in_quotes &&
                   (c == '\r' || (c == '\n' && q->previous != '\r'))) {
            q->n_records++;
            memset(q->seps, 0, sizeof q->seps);
        }
        for (int k = 0; k < 3 && !q->in_quotes; k++)
            q->seps[k] += c == candidates[k];
        q->previous = c;
    }
}

static int is_utf16(const char *buf, size_t n)
{
    return n >= 2 &&
           (memcmp(buf, "\xFF\xFE", 2) == 0 || memcmp(buf, "\xFE\xFF", 2) == 0);
}

/* The first chunk: UTF-16 is refused, the separator is sampled. */
static tob_status_t first_chunk(tob_table_t *t, const char *buf, size_t n,
                                int at_eof, tob_error_t *err)
{
    if (is_utf16(buf, n))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the file is UTF-16: save it as CSV UTF-8 "
                             "(or Latin-1)");
    sample_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    size_t bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    count_separators(buf + bom, n - bom, at_eof, s);
    t->separator[0] = choose_separator(s);
    size_t n_records = s->n_records;
    free(s);
    /* A header that does not end in the sample cannot choose the
     * separator: read as one column, every cell would be wrong. */
    if (n_records == 0 && !at_eof) {
        t->row = 1;
        return tob_error_set(err, TOB_ERR_INPUT,
                             "the header row is longer than %d KiB: not a "
                             "table's header (or a quote opened in it is "
                             "never closed)",
                             CHUNK_BYTES / 1024);
    }
    return TOB_OK;
}

/* Reads the whole file once: separator, UTF-8 or not, quote balance. */
static tob_status_t sniff(tob_table_t *t, tob_error_t *err)
{
    char *buf = malloc(CHUNK_BYTES + 4);
    if (buf == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    quote_scan_t q;
    memset(&q, 0, sizeof q);
    size_t carry = 0;
    tob_status_t status = TOB_OK;
    for (int first = 1; status == TOB_OK; first = 0) {
        size_t got = VSIFReadL(buf + carry, 1, CHUNK_BYTES - carry, t->fp);
        size_t n = got + carry;
        int at_eof = got < CHUNK_BYTES - carry;
        scan_quotes(buf + carry, got, &q);
        if (first)
            status = first_chunk(t, buf, n, at_eof, err);
        if (t->utf8 && !chunk_is_utf8(buf, n, at_eof, &carry))
            t->utf8 = 0;
        if (!t->utf8)
            carry = 0;
        if (at_eof)
            break;
    }
    free(buf);
    if (q.nul_record > 0) {
        t->nul_row = q.nul_record;
        for (int k = 0; k < 3; k++)
            if (candidates[k] == t->separator[0])
                t->nul_column = (size_t)q.nul_seps[k];
    }
    if (status == TOB_OK && q.in_quotes) {
        t->row = q.opened_in;
        status = tob_error_set(err, TOB_ERR_INPUT,
                               "a quote '\"' opened in this row is never "
                               "closed");
    }
    return status;
}

/* The row that holds a NUL byte, at its column (named once the header is
 * read). */
static tob_status_t nul_error(const tob_table_t *t, tob_error_t *err)
{
    char letters[16];
    table_column_letters(t->nul_column, letters, sizeof letters);
    tob_error_set(err, TOB_ERR_INPUT,
                  "column %s holds a NUL byte: a damaged file, or not a "
                  "text table?",
                  letters);
    if (t->nul_column < t->n_columns)
        tob_error_at(err, NULL, 0, t->names[t->nul_column]);
    return TOB_ERR_INPUT;
}

/* Reads the next record into r (r->values NULL at the end). */
static tob_status_t read_record(tob_table_t *t, raw_row_t *r, tob_error_t *err)
{
    r->values = NULL;
    r->n = 0;
    CPLErrorReset();
    char **tokens = CSVReadParseLine3L(t->fp, MAX_LINE_BYTES, t->separator,
                                       true, false, false, true);
    if (tokens == NULL) {
        if (CPLGetLastErrorType() != CE_Failure)
            return TOB_OK; /* end of file */
        t->row++;
        return table_gdal_error(t->source, "cannot read the row", err);
    }
    t->row++;
    if (t->row == t->nul_row) {
        CSLDestroy(tokens);
        return nul_error(t, err);
    }
    size_t n = (size_t)CSLCount(tokens);
    r->values = calloc(n + 1, sizeof *r->values);
    tob_status_t status = r->values ? TOB_OK : TOB_ERR_NOMEM;
    for (size_t i = 0; i < n && status == TOB_OK; i++) {
        r->values[i] = t->utf8 ? strdup(tokens[i]) : table_to_utf8(tokens[i]);
        r->n = i + 1;
        if (r->values[i] == NULL)
            status = TOB_ERR_NOMEM;
    }
    CSLDestroy(tokens);
    if (status != TOB_OK) {
        table_raw_row_free(r);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    return TOB_OK;
}

/* Reads records up to the next non-blank one; r->values NULL at the end. */
static tob_status_t read_non_blank(tob_table_t *t, raw_row_t *r,
                                   tob_error_t *err)
{
    for (;;) {
        tob_status_t status = read_record(t, r, err);
        if (status != TOB_OK || r->values == NULL)
            return status;
        if (!table_raw_row_is_blank(r))
            return TOB_OK;
        table_raw_row_free(r);
    }
}

tob_status_t table_csv_open(tob_table_t *t, const char *path, tob_error_t *err)
{
    t->fp = VSIFOpenL(path, "rb");
    if (t->fp == NULL)
        return tob_error_set(err, TOB_ERR_IO, "cannot open the file");
    tob_status_t status = sniff(t, err);
    if (status != TOB_OK)
        return status;
    if (VSIFSeekL(t->fp, 0, SEEK_SET) != 0)
        return tob_error_set(err, TOB_ERR_IO, "cannot read the file");
    raw_row_t header;
    status = read_non_blank(t, &header, err);
    if (status != TOB_OK)
        return status;
    if (header.values == NULL) {
        t->row = 0; /* the file has no row to point at */
        return tob_error_set(err, TOB_ERR_INPUT, "empty file: no header row");
    }
    return table_set_header(t, &header, err);
}

tob_status_t table_csv_next(tob_table_t *t, int *has_row, tob_error_t *err)
{
    raw_row_t r;
    tob_status_t status = read_non_blank(t, &r, err);
    if (status != TOB_OK || r.values == NULL)
        return status;
    status = table_set_row(t, &r, err);
    *has_row = status == TOB_OK;
    return status;
}

void table_csv_close(tob_table_t *t)
{
    if (t->fp != NULL)
        VSIFCloseL(t->fp);
    t->fp = NULL;
}
