/* layout_toc.c - the table of contents of a document longer than four
 * pages: a "Sommaire" page after the cover listing the sections (and
 * their sub-sections when they fit) with their page numbers, each line a
 * PDF link to a named destination at its heading (Cairo 1.16's
 * CAIRO_TAG_LINK and CAIRO_TAG_DEST). Shorter documents have none: their
 * outline and a glance are enough. */
#include "layout_internal.h"

#include <stdio.h>

#define TOC_MIN_PAGES 5 /* "longer than four pages" */
#define TOC_LINE 15.0   /* points per entry */
#define TOC_INDENT 14.0 /* of a sub-section */

size_t doc_toc_at(const tob_doc_t *doc)
{
    size_t n_h1 = 0;
    for (size_t i = 0; i < doc->n_headings; i++)
        n_h1 += doc->headings[i].style == TOB_TEXT_H1;
    if (doc->n_pages < TOC_MIN_PAGES || n_h1 == 0)
        return DOC_NO_TOC;
    /* After a cover (a page without running header), else first. */
    return doc->n_pages > 0 && !doc->pages[0].running ? 1 : 0;
}

size_t doc_toc_page_of(const tob_doc_t *doc, size_t page)
{
    size_t at = doc_toc_at(doc);
    return at != DOC_NO_TOC && page >= at ? page + 1 : page;
}

/* Sub-sections are listed too when every entry fits on the page. */
static int with_subsections(const tob_doc_t *doc, double room)
{
    return (double)doc->n_headings * TOC_LINE <= room;
}

static void entry(tob_doc_t *doc, cairo_t *cr, size_t i, double y)
{
    const doc_heading_t *h = &doc->headings[i];
    int top = h->style == TOB_TEXT_H1;
    double x = TOB_PAGE_MARGIN_X + (top ? 0 : TOC_INDENT);
    double num_w = 40, w = TOB_FRAME_WIDTH - (x - TOB_PAGE_MARGIN_X) - num_w;
    const char *font =
        top ? TOB_FONT_FAMILY " Bold 10" : TOB_FONT_FAMILY " 9.5";
    char attrs[96], number[32];
    snprintf(attrs, sizeof attrs, "dest='h%zu'", i);
    snprintf(number, sizeof number, "%zu", doc_toc_page_of(doc, h->page) + 1);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
    PangoLayout *l = doc_layout(doc, font, w - 8, h->text, 0);
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_height(l, -1); /* one line */
    int tw, th;
    pango_layout_get_size(l, &tw, &th);
    draw_layout(cr, l, x, y, top ? TOB_RGB_ACCENT : TOB_RGB_TEXT);
    g_object_unref(l);
    /* Dotted leaders from the title to its page number. */
    double base = y + th / (double)PANGO_SCALE * 0.78;
    double x0 = x + tw / (double)PANGO_SCALE + 4;
    double x1 = TOB_PAGE_MARGIN_X + TOB_FRAME_WIDTH - num_w + 6;
    if (x1 > x0) {
        static const double dots[2] = {0.6, 2.4};
        cairo_save(cr);
        cairo_set_dash(cr, dots, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_width(cr, 0.8);
        set_rgb(cr, TOB_RGB_RULE);
        cairo_move_to(cr, x0, base);
        cairo_line_to(cr, x1, base);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
    tob_doc_draw_text(doc, cr, TOB_PAGE_MARGIN_X + TOB_FRAME_WIDTH - num_w, y,
                      num_w, font, TOB_RGB_TEXT, TOB_ALIGN_RIGHT, number);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
}

void doc_toc_draw(tob_doc_t *doc, cairo_t *cr)
{
    double y = TOB_PAGE_TOP;
    y += tob_doc_draw_text(doc, cr, TOB_PAGE_MARGIN_X, y, TOB_FRAME_WIDTH,
                           style_font(TOB_TEXT_H1), style_rgb(TOB_TEXT_H1),
                           TOB_ALIGN_LEFT, "Sommaire");
    y += 14;
    int subs = with_subsections(doc, TOB_PAGE_BOTTOM - y);
    for (size_t i = 0; i < doc->n_headings; i++) {
        int top = doc->headings[i].style == TOB_TEXT_H1;
        if (!top && !subs)
            continue;
        if (top && i > 0)
            y += 4; /* a section's block apart from the one before */
        if (y + TOC_LINE > TOB_PAGE_BOTTOM)
            break; /* the outline still lists them all */
        entry(doc, cr, i, y);
        y += TOC_LINE;
    }
}

void doc_toc_dests(tob_doc_t *doc, cairo_t *cr, size_t page)
{
    for (size_t i = 0; i < doc->n_headings; i++) {
        const doc_heading_t *h = &doc->headings[i];
        if (h->page != page)
            continue;
        char attrs[128];
        snprintf(attrs, sizeof attrs, "name='h%zu' x=%.1f y=%.1f", i,
                 TOB_PAGE_MARGIN_X, h->y);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, attrs);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
    }
}
