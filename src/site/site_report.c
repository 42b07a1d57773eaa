/* site_report.c - a follow-up report (report.h, built by the followup
 * module: the same text as `terrobs report` and the carnet) as HTML:
 * headings, paragraphs, tables with captions and column headers. */
#include "site_internal.h"

#include "base/html.h"

#include "followup/report_doc.h"
#include "site_report.h"

#include <string.h>

static void put_table(FILE *fp, const report_table_t *t)
{
    if (t->n_rows == 0) { /* headers over nothing: a line says so */
        fputs("<p class=\"empty\"><strong>", fp);
        html_put(fp, t->title ? t->title : "");
        fputs("</strong> : néant.</p>\n", fp);
        return;
    }
    fputs("<table class=\"data\">", fp);
    if (t->title != NULL && t->title[0]) {
        fputs("<caption>", fp);
        html_put(fp, t->title);
        fputs("</caption>", fp);
    }
    fputs("\n<thead><tr>", fp);
    for (size_t c = 0; c < t->n_cols; c++) {
        int num = t->n_rows > 0 && t->cells[c].kind != REPORT_CELL_TEXT &&
                  t->cells[c].kind != REPORT_CELL_DATE;
        fputs(num ? "<th scope=\"col\" class=\"n\">" : "<th scope=\"col\">",
              fp);
        html_put(fp, t->headers[c]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs("<tr>", fp);
        for (size_t c = 0; c < t->n_cols; c++) {
            const report_cell_t *cell = &t->cells[r * t->n_cols + c];
            int num = cell->kind != REPORT_CELL_TEXT &&
                      cell->kind != REPORT_CELL_DATE;
            fputs(num ? "<td class=\"n\">" : "<td>", fp);
            html_put(fp, cell->shown ? cell->shown : "");
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
}

void site_report_html(FILE *fp, const tob_report_t *r, int level)
{
    for (size_t i = 0; i < r->n; i++) {
        const report_block_t *b = &r->blocks[i];
        if (b->kind == REPORT_HEADING) {
            fprintf(fp, "<h%d>", level);
            html_put(fp, b->text);
            fprintf(fp, "</h%d>\n", level);
        } else if (b->kind == REPORT_PARAGRAPH) {
            fputs("<p>", fp);
            html_put(fp, b->text);
            fputs("</p>\n", fp);
        } else if (b->table != NULL) {
            put_table(fp, b->table);
        }
    }
}

const char *site_report_title(const tob_report_t *r)
{
    return r->title ? r->title : "";
}

int site_report_has_heading(const tob_report_t *r, const char *text)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->blocks[i].kind == REPORT_HEADING &&
            strcmp(r->blocks[i].text, text) == 0)
            return 1;
    return 0;
}
