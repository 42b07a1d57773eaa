/* carnet_report.c - a follow-up report (report.h: headings, paragraphs,
 * tables of typed cells) laid out in a carnet: headings become
 * sub-section titles, numbers are right-aligned, columns get widths from
 * their content, and long tables are cut to the template's max-rows with
 * a line saying how many rows were left out. Another writer of the report
 * document, beside its text, CSV and ODS ones. */
#include "carnet_internal.h"

#include "followup/report_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tob_align_t column_align(const report_table_t *t, size_t c,
                                size_t n_rows)
{
    for (size_t r = 0; r < n_rows; r++) {
        report_cell_kind_t k = t->cells[r * t->n_cols + c].kind;
        if (k == REPORT_CELL_INT || k == REPORT_CELL_NUMBER ||
            k == REPORT_CELL_MONEY || k == REPORT_CELL_PERCENT)
            return TOB_ALIGN_RIGHT;
    }
    return TOB_ALIGN_LEFT;
}

/* A total row closes a table: its first cell says "Total". */
static int ends_with_total(const report_table_t *t, size_t n_rows)
{
    if (n_rows < 2)
        return 0;
    const char *first = t->cells[(n_rows - 1) * t->n_cols].shown;
    return first != NULL && strncmp(first, "Total", 5) == 0;
}

static tob_status_t put_table(tob_doc_t *doc, const report_table_t *t,
                              size_t max_rows, tob_error_t *err)
{
    size_t n_rows = t->n_rows > max_rows ? max_rows : t->n_rows;
    if (t->n_cols == 0 || n_rows == 0)
        return TOB_OK;
    tob_table_column_t *cols = calloc(t->n_cols, sizeof *cols);
    const char **cells = calloc(n_rows * t->n_cols, sizeof *cells);
    tob_status_t s = TOB_OK;
    if (cols == NULL || cells == NULL) {
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else {
        for (size_t c = 0; c < t->n_cols; c++)
            cols[c] = (tob_table_column_t){t->headers[c], 0,
                                           column_align(t, c, n_rows)};
        for (size_t i = 0; i < n_rows * t->n_cols; i++)
            cells[i] = t->cells[i].shown;
        tob_table_t table = {
            t->title,  cols,
            t->n_cols, cells,
            n_rows,    t->n_rows == n_rows && ends_with_total(t, n_rows)};
        s = tob_doc_table(doc, &table, err);
    }
    free(cols);
    free(cells);
    if (s == TOB_OK && n_rows < t->n_rows) {
        char note[256], first[64];
        if (n_rows == 1)
            snprintf(first, sizeof first, "La première ligne");
        else
            snprintf(first, sizeof first, "Les %zu premières lignes", n_rows);
        snprintf(note, sizeof note,
                 "%s sur %zu ; la liste complète est dans le rapport de suivi "
                 "(terrobs report).",
                 first, t->n_rows);
        s = tob_doc_paragraph(doc, TOB_TEXT_NOTE, note, err);
    }
    return s;
}

tob_status_t carnet_put_report(tob_doc_t *doc, const tob_report_t *report,
                               size_t max_rows, int title_heading,
                               tob_error_t *err)
{
    tob_status_t s = report->status;
    if (s != TOB_OK)
        return tob_error_set(err, s, "building a follow-up report failed");
    if (title_heading && report->title != NULL)
        s = tob_doc_heading(doc, TOB_TEXT_H2, report->title, err);
    for (size_t i = 0; s == TOB_OK && i < report->n; i++) {
        const report_block_t *b = &report->blocks[i];
        switch (b->kind) {
        case REPORT_HEADING:
            s = tob_doc_heading(doc, TOB_TEXT_H2, b->text, err);
            break;
        case REPORT_PARAGRAPH:
            s = tob_doc_paragraph(doc, TOB_TEXT_BODY, b->text, err);
            break;
        case REPORT_TABLE:
            s = put_table(doc, b->table, max_rows, err);
            break;
        }
    }
    return s;
}
