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

typedef struct tob_page {
    cairo_surface_t *surface; /* recording surface, A4 */
    int running;              /* 1: header and footer are drawn on it */
} tob_page_t;

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

/* Places a pending heading now (the caller made room for it). */
void doc_place_pending(tob_doc_t *doc);

/* Height a heading of that style takes, spacing included. */
double heading_height(tob_doc_t *doc, tob_text_style_t style, const char *text);

#endif
