/* report.c - the report document: building it, reading it back, and the
 * aligned text form. CSV and ODS are in report_write.c. */
#include "report_doc.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tob_status_t tob_report_format_parse(const char *name, tob_report_format_t *out,
                                     tob_error_t *err)
{
    static const char *const names[] = {"text", "csv", "ods"};
    for (size_t i = 0; i < 3; i++)
        if (name != NULL && strcmp(name, names[i]) == 0) {
            *out = (tob_report_format_t)i;
            return TOB_OK;
        }
    return tob_error_set(err, TOB_ERR_ARG,
                         "unknown format '%s' (text, csv, ods)",
                         name != NULL ? name : "");
}

tob_status_t tob_report_create(const char *title, tob_report_t **out,
                               tob_error_t *err)
{
    *out = NULL;
    tob_report_t *r = calloc(1, sizeof *r);
    if (r == NULL || (r->title = strdup(title)) == NULL) {
        free(r);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    *out = r;
    return TOB_OK;
}

static void free_table(report_table_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->headers[i]);
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i].shown);
    free(t->headers);
    free(t->cells);
    free(t->title);
    free(t);
}

void tob_report_destroy(tob_report_t *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->blocks[i].text);
        free_table(r->blocks[i].table);
    }
    free(r->blocks);
    free(r->title);
    free(r);
}

static tob_status_t fail(tob_report_t *r)
{
    r->status = TOB_ERR_NOMEM;
    return r->status;
}

static report_block_t *add_block(tob_report_t *r, report_block_kind_t kind)
{
    if (r->status != TOB_OK)
        return NULL;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        report_block_t *b = realloc(r->blocks, cap * sizeof *b);
        if (b == NULL)
            return NULL;
        r->blocks = b;
        r->cap = cap;
    }
    report_block_t *b = &r->blocks[r->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

tob_status_t tob_report_heading(tob_report_t *r, const char *text)
{
    report_block_t *b = add_block(r, REPORT_HEADING);
    if (b == NULL || (b->text = strdup(text)) == NULL)
        return fail(r);
    r->current = NULL;
    return TOB_OK;
}

tob_status_t tob_report_paragraph(tob_report_t *r, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    report_block_t *b = add_block(r, REPORT_PARAGRAPH);
    if (b == NULL || (b->text = strdup(buf)) == NULL)
        return fail(r);
    return TOB_OK;
}

tob_status_t tob_report_table(tob_report_t *r, const char *title,
                              size_t n_columns, const char *const *headers)
{
    report_block_t *b = add_block(r, REPORT_TABLE);
    if (b == NULL)
        return fail(r);
    report_table_t *t = calloc(1, sizeof *t);
    if ((b->table = t) == NULL || (t->title = strdup(title)) == NULL ||
        (t->headers = calloc(n_columns + 1, sizeof *t->headers)) == NULL)
        return fail(r);
    t->n_cols = n_columns;
    for (size_t i = 0; i < n_columns; i++)
        if ((t->headers[i] = strdup(headers[i])) == NULL)
            return fail(r);
    r->current = t;
    return TOB_OK;
}

tob_status_t tob_report_row(tob_report_t *r)
{
    report_table_t *t = r->current;
    if (r->status != TOB_OK || t == NULL)
        return r->status != TOB_OK ? r->status : (r->status = TOB_ERR_ARG);
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        report_cell_t *c = realloc(t->cells, cap * t->n_cols * sizeof *c);
        if (c == NULL)
            return fail(r);
        t->cells = c;
        t->cap_rows = cap;
    }
    memset(&t->cells[t->n_rows * t->n_cols], 0, t->n_cols * sizeof *t->cells);
    t->n_rows++;
    t->next_col = 0;
    return TOB_OK;
}

/* The next cell of the current row, with its shown text. */
static tob_status_t put(tob_report_t *r, report_cell_kind_t kind, double value,
                        int decimals, const char *shown)
{
    report_table_t *t = r->current;
    if (r->status != TOB_OK)
        return r->status;
    if (t == NULL || t->n_rows == 0 || t->next_col >= t->n_cols)
        return r->status = TOB_ERR_ARG;
    report_cell_t *c = &t->cells[(t->n_rows - 1) * t->n_cols + t->next_col];
    c->kind = kind;
    c->value = value;
    c->decimals = decimals;
    if ((c->shown = strdup(shown)) == NULL)
        return fail(r);
    t->next_col++;
    return TOB_OK;
}

tob_status_t tob_report_text(tob_report_t *r, const char *text)
{
    return put(r, REPORT_CELL_TEXT, NAN, 0, text != NULL ? text : "");
}

tob_status_t tob_report_int(tob_report_t *r, long long v)
{
    char buf[TOB_FMT_MAX];
    return put(r, REPORT_CELL_INT, (double)v, 0,
               tob_fmt_number_fr((double)v, 0, buf, sizeof buf));
}

tob_status_t tob_report_number(tob_report_t *r, double v, int decimals)
{
    char buf[TOB_FMT_MAX];
    return put(r, REPORT_CELL_NUMBER, v, decimals,
               tob_fmt_number_fr(v, decimals, buf, sizeof buf));
}

tob_status_t tob_report_money(tob_report_t *r, double v)
{
    char buf[TOB_FMT_MAX];
    return put(r, REPORT_CELL_MONEY, v, 0,
               tob_fmt_money_fr(v, 0, buf, sizeof buf));
}

tob_status_t tob_report_percent(tob_report_t *r, double v)
{
    char buf[TOB_FMT_MAX];
    return put(r, REPORT_CELL_PERCENT, v, 1,
               tob_fmt_percent_fr(v, 1, buf, sizeof buf));
}

tob_status_t tob_report_date(tob_report_t *r, const char *iso)
{
    int y = 0, m = 0, d = 0;
    char buf[16] = "";
    if (iso != NULL && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        tob_fmt_date_fr(y, m, d, buf, sizeof buf);
    tob_status_t s = put(r, REPORT_CELL_DATE, NAN, 0, buf);
    if (s == TOB_OK && buf[0] != '\0') {
        report_table_t *t = r->current;
        report_cell_t *c =
            &t->cells[(t->n_rows - 1) * t->n_cols + t->next_col - 1];
        snprintf(c->iso, sizeof c->iso, "%s", iso);
    }
    return s;
}

/* ---- Reading back ------------------------------------------------------- */

static const report_table_t *table_at(const tob_report_t *r, size_t table)
{
    for (size_t i = 0, k = 0; i < r->n; i++)
        if (r->blocks[i].kind == REPORT_TABLE && k++ == table)
            return r->blocks[i].table;
    return NULL;
}

size_t tob_report_n_tables(const tob_report_t *r)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        k += r->blocks[i].kind == REPORT_TABLE;
    return k;
}

const char *tob_report_table_title(const tob_report_t *r, size_t table)
{
    const report_table_t *t = table_at(r, table);
    return t != NULL ? t->title : NULL;
}

size_t tob_report_n_rows(const tob_report_t *r, size_t table)
{
    const report_table_t *t = table_at(r, table);
    return t != NULL ? t->n_rows : 0;
}

const char *tob_report_cell(const tob_report_t *r, size_t table, size_t row,
                            size_t column)
{
    const report_table_t *t = table_at(r, table);
    if (t == NULL || row >= t->n_rows || column >= t->n_cols)
        return NULL;
    const char *s = t->cells[row * t->n_cols + column].shown;
    return s != NULL ? s : "";
}

const char *tob_report_paragraph_at(const tob_report_t *r, size_t i)
{
    for (size_t b = 0, k = 0; b < r->n; b++)
        if (r->blocks[b].kind == REPORT_PARAGRAPH && k++ == i)
            return r->blocks[b].text;
    return NULL;
}

/* ---- Text --------------------------------------------------------------- */

/* Characters on screen: UTF-8 continuation bytes take no column. */
size_t report_width(const char *s)
{
    size_t w = 0;
    for (; s != NULL && *s != '\0'; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void underline(FILE *out, const char *text, char c)
{
    size_t w = report_width(text);
    for (size_t i = 0; i < w; i++)
        fputc(c, out);
    fputc('\n', out);
}

static void padded(FILE *out, const char *s, size_t width, int right)
{
    size_t w = report_width(s);
    if (right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (size_t i = w; i < width; i++)
            fputc(' ', out);
}

static void text_line(FILE *out, const report_table_t *t, size_t row,
                      const size_t *width)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        const report_cell_t *cell =
            row == (size_t)-1 ? NULL : &t->cells[row * t->n_cols + c];
        const char *s =
            cell == NULL ? t->headers[c] : (cell->shown ? cell->shown : "");
        int right = cell != NULL && cell->kind != REPORT_CELL_TEXT;
        if (c > 0)
            fputs("  ", out);
        /* The last text column needs no padding. */
        padded(out, s, c + 1 == t->n_cols && !right ? 0 : width[c], right);
    }
    fputc('\n', out);
}

static tob_status_t text_table(FILE *out, const report_table_t *t)
{
    size_t *width = calloc(t->n_cols + 1, sizeof *width);
    if (width == NULL)
        return TOB_ERR_NOMEM;
    for (size_t c = 0; c < t->n_cols; c++) {
        width[c] = report_width(t->headers[c]);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t w = report_width(t->cells[r * t->n_cols + c].shown);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    fprintf(out, "\n%s\n", t->title);
    text_line(out, t, (size_t)-1, width);
    for (size_t c = 0; c < t->n_cols; c++) {
        fputs(c > 0 ? "  " : "", out);
        for (size_t i = 0; i < width[c]; i++)
            fputc('-', out);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++)
        text_line(out, t, r, width);
    free(width);
    return TOB_OK;
}

tob_status_t report_write_text(const tob_report_t *r, FILE *out)
{
    fprintf(out, "%s\n", r->title);
    underline(out, r->title, '=');
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < r->n && s == TOB_OK; i++) {
        const report_block_t *b = &r->blocks[i];
        if (b->kind == REPORT_HEADING) {
            fprintf(out, "\n%s\n", b->text);
            underline(out, b->text, '-');
        } else if (b->kind == REPORT_PARAGRAPH) {
            fprintf(out, "%s\n", b->text);
        } else {
            s = text_table(out, b->table);
        }
    }
    return s;
}
