/* layout.h (building block) - paged A4 documents written as PDF with Cairo and
 * Pango: a flow of headings, paragraphs, key-figure boxes, tables that split
 * across pages with their header repeated, and drawings (charts, maps) placed
 * in the flow. Pages are recorded first and written at the end, so that running
 * footers can say "Page 2 / 8". One document per thread; units are PostScript
 * points (1/72 inch), y grows downwards. */
#ifndef TERROBS_LAYOUT_H
#define TERROBS_LAYOUT_H

#include "terrobs/error.h"

#include <cairo.h>
#include <pango/pango.h>
#include <stddef.h>

/* A4 portrait, and the content frame inside the margins. */
#define TOB_PAGE_WIDTH 595.2756
#define TOB_PAGE_HEIGHT 841.8898
#define TOB_PAGE_MARGIN_X 51.0
#define TOB_PAGE_TOP 72.0     /* content starts below the running header */
#define TOB_PAGE_BOTTOM 782.0 /* content ends above the running footer */

/* The type family every style uses (fonts-dejavu-core on Debian). */
#define TOB_FONT_FAMILY "DejaVu Sans"

typedef struct tob_doc tob_doc_t;

typedef enum tob_align {
    TOB_ALIGN_LEFT,
    TOB_ALIGN_CENTER,
    TOB_ALIGN_RIGHT
} tob_align_t;

/* Text styles of the flow. */
typedef enum tob_text_style {
    TOB_TEXT_BODY,  /* 9.5 pt paragraph */
    TOB_TEXT_NOTE,  /* 8.5 pt grey italic: "no contract for this territory" */
    TOB_TEXT_SMALL, /* 8 pt: sources under a chart */
    TOB_TEXT_H1,    /* section title, 15 pt bold, accent colour */
    TOB_TEXT_H2     /* sub-section title, 11 pt bold */
} tob_text_style_t;

/* Running texts and PDF metadata; strings are copied at creation, any may
 * be NULL. Headers and footers appear on every page but the cover. */
typedef struct tob_doc_info {
    const char *title;        /* PDF title */
    const char *subject;      /* PDF subject */
    const char *header_left;  /* e.g. the territory's name */
    const char *header_right; /* e.g. "Carnet de territoire" */
    const char *footer_left;  /* e.g. "terrobs, 23/11/2026" */
    const char *author;       /* PDF author; NULL = "terrobs" */
    const char *keywords;     /* PDF keywords, comma-separated */
} tob_doc_info_t;

/* A rectangle on the page. */
typedef struct tob_rect {
    double x, y, width, height;
} tob_rect_t;

/* Draws into r on cr (page coordinates); the clip is r. pango is the
 * document's Pango context (borrowed, for layouts with
 * pango_layout_new()). Returns TOB_OK or a status set in err. */
typedef tob_status_t (*tob_draw_fn_t)(void *user, cairo_t *cr,
                                      PangoContext *pango, const tob_rect_t *r,
                                      tob_error_t *err);

/* A key-figure box: a large value followed by its unit in smaller type, a
 * label under it, and detail lines (rank, references) in small text. unit
 * and detail may be NULL; '\n' splits detail lines. */
typedef struct tob_figure {
    const char *value;
    const char *unit;
    const char *label;
    const char *detail;
} tob_figure_t;

/* A table column: header text, share of the width, and alignment (numbers
 * right-aligned). Weights are relative; when any column's weight is 0 the
 * widths come from the content instead: each column at least as wide as
 * its longest word or unbreakable cell (numbers, codes, "1 234 €"), the
 * rest shared by how much each would need to hold its cells unwrapped. */
typedef struct tob_table_column {
    const char *header;
    double weight;
    tob_align_t align;
} tob_table_column_t;

/* A table: cells are row-major, n_rows * n_columns strings (NULL = empty),
 * borrowed for the call. caption is repeated with "(suite)" on each page
 * the table continues on; the last total_row rows are totals or
 * references: bold, ruled above the first of them (1: a total row). */
typedef struct tob_table {
    const char *caption;
    const tob_table_column_t *columns;
    size_t n_columns;
    const char *const *cells;
    size_t n_rows;
    int total_row;
} tob_table_t;

/* Creates an empty document. Caller frees with tob_doc_destroy().
 * Errors: TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_create(const tob_doc_info_t *info,
                                                  tob_doc_t **out,
                                                  tob_error_t *err);
TOB_API void tob_doc_destroy(tob_doc_t *doc); /* NULL is a no-op */

/* Starts a page without running header and footer (a cover) and returns
 * its context, borrowed until the next call on doc. The flow goes on on a
 * new page after it. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_cover_page(tob_doc_t *doc,
                                                      cairo_t **cr,
                                                      tob_error_t *err);

/* Ends the current page; the next block starts a new one. */
TOB_API void tob_doc_page_break(tob_doc_t *doc);

/* A heading, kept on the same page as the start of the block after it (a
 * paragraph's first two lines, a table's header and first rows, a row of
 * key figures, a drawing); a paragraph of one or two lines right after it
 * leads on and stays with them too ("Projets du territoire :"). */
TOB_API TOB_NODISCARD tob_status_t tob_doc_heading(tob_doc_t *doc,
                                                   tob_text_style_t style,
                                                   const char *text,
                                                   tob_error_t *err);

/* A paragraph of plain UTF-8 text, wrapped to the frame; split between
 * lines across pages, never leaving a single line alone (widow/orphan). */
TOB_API TOB_NODISCARD tob_status_t tob_doc_paragraph(tob_doc_t *doc,
                                                     tob_text_style_t style,
                                                     const char *text,
                                                     tob_error_t *err);

/* Key-figure boxes, three per row, rows of equal height. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_figures(tob_doc_t *doc,
                                                   const tob_figure_t *figures,
                                                   size_t n, tob_error_t *err);

/* A table; see tob_table_t. Errors: TOB_ERR_ARG (no column). */
TOB_API TOB_NODISCARD tob_status_t tob_doc_table(tob_doc_t *doc,
                                                 const tob_table_t *table,
                                                 tob_error_t *err);

/* A drawing of the frame's width and the given height (clamped to a page):
 * moved to the next page if it does not fit in what is left. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_drawing(tob_doc_t *doc,
                                                   double height,
                                                   tob_draw_fn_t draw,
                                                   void *user,
                                                   tob_error_t *err);

/* Vertical space (dropped at the top of a page). */
TOB_API void tob_doc_space(tob_doc_t *doc, double points);

/* Height left on the current page (0 before any flow page exists). */
TOB_API double tob_doc_remaining(const tob_doc_t *doc);
/* Pages so far; final once the PDF is written (a heading and its short
 * lead wait for what follows them; a short last page is folded into the
 * one before when it fits there with the gaps tightened). A document of
 * five pages or more with sections gets a table of contents after its
 * cover ("Sommaire", one link per heading to its page), counted here. */
TOB_API size_t tob_doc_page_count(const tob_doc_t *doc);

/* Draws text in a box of the given width at (x, y), top-aligned, wrapped;
 * font is a Pango description ("DejaVu Sans Bold 12"), rgb 0xRRGGBB.
 * Returns the height drawn. For covers and free drawings. */
TOB_API double tob_doc_draw_text(tob_doc_t *doc, cairo_t *cr, double x,
                                 double y, double width, const char *font,
                                 unsigned rgb, tob_align_t align,
                                 const char *text);

/* Writes the PDF to path atomically (path.tmp, fsync, rename); checks
 * cairo's status after every page and after cairo_surface_finish().
 * Errors: TOB_ERR_IO (cannot write), TOB_ERR_CAIRO. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_write_pdf(tob_doc_t *doc,
                                                     const char *path,
                                                     tob_error_t *err);

/* The content digest of a PDF: 16 hex digits and a NUL. */
#define TOB_DOC_DIGEST_MAX 17

/* As tob_doc_write_pdf(), but the PDF is made in memory first and its
 * digest (FNV-1a of its bytes, less the creation date) put in digest:
 * when it equals old_digest (may be NULL) and path is a file, path is
 * left untouched and *written is 0; else it is written and *written is
 * 1. So a file is rewritten only when what it prints changed. */
TOB_API TOB_NODISCARD tob_status_t tob_doc_write_pdf_changed(
    tob_doc_t *doc, const char *path, const char *old_digest,
    char digest[TOB_DOC_DIGEST_MAX], int *written, tob_error_t *err);

/* Splits table rows over pages (exposed for tests). Rows of heights
 * heights[0..n) go under a header of header_h; the first page has
 * first_avail points, the next ones page_avail. Writes the first row of
 * each page chunk into starts (at most max_chunks) and returns the number
 * of chunks. *new_page is 1 when not even the header and the first rows
 * fit in first_avail, or when a short table (a third of a page at most)
 * does not fit whole, so the table must start on a new page. A chunk never
 * ends with fewer than min(2, n) rows on the first page, and the last
 * chunk never holds a single row when the one before can spare one. */
TOB_API size_t tob_layout_split_rows(const double *heights, size_t n,
                                     double header_h, double first_avail,
                                     double page_avail, size_t *starts,
                                     size_t max_chunks, int *new_page);

#endif
