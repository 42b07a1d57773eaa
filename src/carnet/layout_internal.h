/* layout_internal.h - the document shared by layout.c (pages, flow, PDF),
 * layout_text.c (headings, paragraphs, figures) and layout_table.c. */
#ifndef TERROBS_LAYOUT_INTERNAL_H
#define TERROBS_LAYOUT_INTERNAL_H

#include "terrobs/layout.h"

#include <cairo.h>
#include <pango/pangocairo.h>

/* Colours shared by every block: dark text that prints well in grey, one
 * accent for titles and rules, a pale tint for boxes and table headers. */
#define TOB_RGB_TEXT 0x222222u
#define TOB_RGB_GREY 0x5F6B73u
#define TOB_RGB_ACCENT 0x1F4E79u
#define TOB_RGB_TINT 0xE8EFF6u
#define TOB_RGB_RULE 0xB8C4CEu

#define TOB_FRAME_WIDTH (TOB_PAGE_WIDTH - 2 * TOB_PAGE_MARGIN_X)

/* Where a block lies on its page, kept so that a short last page can be
 * folded into the one before (layout_fold.c). */
typedef struct doc_band {
    double top, bottom;
    double lead;    /* space the block wants above it, dropped at a page top */
    int table_cont; /* a table's continuation, under its "(suite)" caption */
} doc_band_t;

typedef struct tob_page {
    cairo_surface_t *surface; /* recording surface, A4 */
    int running;              /* 1: header and footer are drawn on it */
    int broken;               /* ended by tob_doc_page_break() */
    int lost;                 /* a band could not be noted */
    double end;               /* the flow cursor when the page was left */
    doc_band_t *bands;        /* flow blocks in order */
    size_t n_bands, cap_bands;
} tob_page_t;

/* What the final pass draws straight onto the PDF, inside structure tags
 * (layout_tags.c): Cairo 1.16 puts a painted recording into a form
 * XObject whose marked content no structure element can reach, so the
 * flow's text is kept as layouts and drawn then, and a drawing is its band
 * of the page recording painted inside a Figure. */
typedef enum doc_op_kind {
    DOC_OP_BEGIN,  /* opens structure tag `tag` */
    DOC_OP_END,    /* closes it */
    DOC_OP_TEXT,   /* layout with its top-left corner at (x, y) */
    DOC_OP_LINES,  /* lines [first, last) of layout, the first's top at y */
    DOC_OP_FIGURE, /* rows [y, y1) of the page recording */
} doc_op_kind_t;

typedef struct doc_op {
    doc_op_kind_t kind;
    const char *tag; /* static: "H1", "P", "Table", "TD"... */
    size_t page;     /* index in pages */
    double x, y, y1; /* y: where the block lies, moved with it by the fold */
    PangoLayout *layout; /* a reference, TEXT and LINES */
    int first, last;
    unsigned rgb;
} doc_op_t;

/* A heading as placed, for the PDF outline (bookmarks). */
typedef struct doc_heading {
    char *text;
    tob_text_style_t style;
    size_t page; /* index in pages */
    double y;    /* points from the page's top */
} doc_heading_t;

struct tob_doc {
    char *title, *subject, *header_left, *header_right, *footer_left;
    char *author, *keywords;
    doc_heading_t *headings;
    size_t n_headings, cap_headings;
    PangoContext *pango;
    tob_page_t *pages;
    size_t n_pages, cap_pages;
    cairo_t *cr;   /* context of the last page, NULL when it is closed */
    int flow_open; /* the last page takes flow blocks */
    double y;      /* top of the free space on the flow page */
    char *pending; /* a heading waiting for the block it introduces */
    tob_text_style_t pending_style;
    char *pending_lead; /* a short paragraph after it, waiting with it */
    tob_text_style_t pending_lead_style;
    doc_op_t *ops; /* in the order of reading, pages ascending */
    size_t n_ops, cap_ops;
    int untagged; /* an op could not be kept: its text was drawn on the
                   * page recording and no structure is written */
};

/* Makes sure a flow page is open with at least `need` points left, else
 * starts one. The pending heading, if any, is placed first and counted. */
tob_status_t doc_reserve(tob_doc_t *doc, double need, tob_error_t *err);

/* Opens a new flow page (header/footer drawn when writing). */
tob_status_t doc_new_flow_page(tob_doc_t *doc, tob_error_t *err);

/* A layout of text in the given font and width (< 0: no wrapping); caller
 * unrefs it. markup 1 parses Pango markup. */
PangoLayout *doc_layout(tob_doc_t *doc, const char *font, double width,
                        const char *text, int markup);

/* Height of a layout in points. */
double layout_height(PangoLayout *layout);

/* Draws a laid-out text with its top-left corner at (x, y). */
void draw_layout(cairo_t *cr, PangoLayout *layout, double x, double y,
                 unsigned rgb);

void set_rgb(cairo_t *cr, unsigned rgb);

/* Font description of a flow style ("DejaVu Sans Bold 15"). */
const char *style_font(tob_text_style_t style);
unsigned style_rgb(tob_text_style_t style);

/* Places a pending heading and its lead paragraph now (the caller made
 * room for them). */
void doc_place_pending(tob_doc_t *doc);

/* Height the pending heading and lead paragraph take where the cursor is
 * (0 when nothing is pending). */
double pending_height(tob_doc_t *doc);

/* Notes that a block lies in [top, bottom) of the current page; lead is
 * the space it asked above it. Out of memory only loses the note (the
 * page is then not folded). */
void doc_band(tob_doc_t *doc, double top, double bottom, double lead,
              int table_cont);

/* Folds the last page into the one before when its blocks fit there with
 * the gaps of that page tightened by at most half and the foot of the
 * frame lowered by DOC_FOLD_SQUEEZE points: a short last page (the end of
 * a method note) is not printed on a sheet of its own. Not across an
 * explicit page break, nor for a table's continuation. */
void doc_fold_last_page(tob_doc_t *doc);

#define DOC_FOLD_SQUEEZE 8.0
#define DOC_FOLD_CUT 0.5

/* layout_toc.c: a documents of five pages or more has a table of
 * contents; doc_toc_at() is the index it takes among the pages (after a
 * cover), DOC_NO_TOC for none; doc_toc_page_of() the index in the PDF of
 * page `page` of doc->pages. doc_toc_draw() draws its entries as links;
 * doc_toc_dests() marks the destinations of the headings of `page`. */
#define DOC_NO_TOC ((size_t)-1)
size_t doc_toc_at(const tob_doc_t *doc);
size_t doc_toc_page_of(const tob_doc_t *doc, size_t page);
void doc_toc_draw(tob_doc_t *doc, cairo_t *cr);
void doc_toc_dests(tob_doc_t *doc, cairo_t *cr, size_t page);

/* layout_tags.c: the final pass's ops. Out of memory draws the text on
 * the page recording at once (nothing is lost but the tags). */
void doc_tag_begin(tob_doc_t *doc, const char *tag, double y);
void doc_tag_end(tob_doc_t *doc, const char *tag, double y);
void doc_text(tob_doc_t *doc, PangoLayout *layout, double x, double y,
              unsigned rgb);
void doc_lines(tob_doc_t *doc, PangoLayout *layout, double x, double y,
               int first, int last, unsigned rgb);
/* A text block of its own structure tag (a heading, a paragraph). */
void doc_tagged_text(tob_doc_t *doc, const char *tag, PangoLayout *layout,
                     double x, double y, unsigned rgb);
void doc_figure(tob_doc_t *doc, double y0, double y1);
/* Moves the ops of page `page` lying in [y0, y1) by dy onto page `to`. */
void doc_move_ops(tob_doc_t *doc, size_t page, double y0, double y1, double dy,
                  size_t to);
/* Draws page `page` onto the PDF: its recording, then its ops in their
 * tags. */
void doc_emit_page(tob_doc_t *doc, cairo_t *cr, size_t page);
void doc_free_ops(tob_doc_t *doc);

/* Draws lines [first, last) of layout; the first one's top at y. */
void doc_draw_lines(cairo_t *cr, PangoLayout *layout, double x, double y,
                    int first, int last, unsigned rgb);

/* Height a heading of that style takes, spacing included. */
double heading_height(tob_doc_t *doc, tob_text_style_t style, const char *text);

#endif
