/* report_doc.h - the report document's structure, shared by its builder
 * and text form (report.c), its CSV and ODS writers (report_write.c) and the
 * carnet that lays a report out (library-internal). */
#ifndef TERROBS_REPORT_DOC_H
#define TERROBS_REPORT_DOC_H

#include "terrobs/report.h"

typedef enum report_cell_kind {
    REPORT_CELL_TEXT = 0,
    REPORT_CELL_INT,
    REPORT_CELL_NUMBER,
    REPORT_CELL_MONEY,
    REPORT_CELL_PERCENT,
    REPORT_CELL_DATE
} report_cell_kind_t;

typedef struct report_cell {
    report_cell_kind_t kind;
    double value; /* numbers; NaN for text and dates */
    int decimals;
    char *shown;  /* French text as the text form shows it; NULL = empty */
    char iso[11]; /* dates: YYYY-MM-DD, "" if none */
} report_cell_t;

typedef struct report_table {
    char *title;
    size_t n_cols;
    char **headers;
    report_cell_t *cells; /* n_rows * n_cols, row-major */
    size_t n_rows, cap_rows, next_col;
} report_table_t;

typedef enum report_block_kind {
    REPORT_HEADING,
    REPORT_PARAGRAPH,
    REPORT_TABLE
} report_block_kind_t;

typedef struct report_block {
    report_block_kind_t kind;
    char *text;            /* headings and paragraphs */
    report_table_t *table; /* tables */
} report_block_t;

struct tob_report {
    char *title;
    report_block_t *blocks;
    size_t n, cap;
    report_table_t *current; /* the table rows go to */
    tob_status_t status;     /* first building failure */
};

/* Display width of UTF-8 text (code points). */
size_t report_width(const char *s);

/* The aligned text form. */
tob_status_t report_write_text(const tob_report_t *r, FILE *out);

#endif
