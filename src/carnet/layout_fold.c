/* layout_fold.c - a short last page folded into the one before: when what
 * it holds fits on that page with the page's gaps tightened (by half at
 * most) and the foot of the frame lowered a little, the blocks of the page
 * before are replayed closer together and the last page's after them, so
 * that the end of a method note does not take a sheet of its own. */
#include "layout_internal.h"

#include <math.h>
#include <stdlib.h>

static double inner_gaps(const tob_page_t *p)
{
    double g = 0;
    for (size_t i = 1; i < p->n_bands; i++)
        g += p->bands[i].top - p->bands[i - 1].bottom;
    return g;
}

static int foldable(const tob_page_t *p, const tob_page_t *last)
{
    return p->running && last->running && !p->broken && !p->lost &&
           !last->lost && p->n_bands > 0 && last->n_bands > 0 &&
           !last->bands[0].table_cont;
}

/* Paints rows [y0, y1) of src onto cr moved down by dy. */
static void paint_rows(cairo_t *cr, cairo_surface_t *src, double y0, double y1,
                       double dy)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, y0 + dy, TOB_PAGE_WIDTH, y1 - y0);
    cairo_clip(cr);
    cairo_set_source_surface(cr, src, 0, dy);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* Bookmarks follow their headings, and the text and tags their blocks. */
static void move_headings(tob_doc_t *doc, size_t page, double y0, double y1,
                          double dy, size_t to)
{
    for (size_t i = 0; i < doc->n_headings; i++) {
        doc_heading_t *h = &doc->headings[i];
        if (h->page == page && h->y >= y0 && h->y < y1) {
            h->page = to;
            h->y += dy;
        }
    }
    doc_move_ops(doc, page, y0, y1, dy, to);
}

/* Replays the bands of page ip, each gap shortened by the fraction cut,
 * onto cr (or, with cr NULL, moves the bookmarks as the bands move).
 * Returns where the last band ends. */
static double replay(tob_doc_t *doc, cairo_t *cr, size_t ip, double cut)
{
    const tob_page_t *p = &doc->pages[ip];
    double dy = 0, from = 0;
    for (size_t i = 0; i < p->n_bands; i++) {
        const doc_band_t *b = &p->bands[i];
        if (i > 0)
            dy -= cut * (b->top - p->bands[i - 1].bottom);
        /* A rule's half width may hang under a band: its cut lies half way
         * down the gap, 1.5 pt at most. */
        double to =
            i + 1 < p->n_bands
                ? b->bottom + fmin(1.5, (p->bands[i + 1].top - b->bottom) / 2)
                : TOB_PAGE_HEIGHT;
        if (cr != NULL)
            paint_rows(cr, p->surface, from, to, dy);
        else
            move_headings(doc, ip, from, to, dy, ip);
        from = to;
    }
    return p->bands[p->n_bands - 1].bottom + dy;
}

void doc_fold_last_page(tob_doc_t *doc)
{
    if (doc->n_pages < 2)
        return;
    size_t ip = doc->n_pages - 2, il = ip + 1;
    tob_page_t *p = &doc->pages[ip], *last = &doc->pages[il];
    if (!foldable(p, last))
        return;
    const doc_band_t *first = &last->bands[0];
    const doc_band_t *end = &p->bands[p->n_bands - 1];
    double height = last->bands[last->n_bands - 1].bottom - first->top;
    /* The space the page break dropped: what the page before left under
     * its last block and what the first block wanted above it. */
    double join = fmax(0, p->end - end->bottom) + first->lead;
    double room = TOB_PAGE_BOTTOM + DOC_FOLD_SQUEEZE - end->bottom;
    double gaps = inner_gaps(p) + join;
    double short_by = join + height - room;
    double cut = short_by > 0 && gaps > 0 ? short_by / gaps : 0;
    if (short_by > 0 && (gaps <= 0 || cut > DOC_FOLD_CUT))
        return;
    cairo_rectangle_t a4 = {0, 0, TOB_PAGE_WIDTH, TOB_PAGE_HEIGHT};
    cairo_surface_t *s =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
    cairo_t *cr = cairo_create(s);
    double at = replay(doc, cr, ip, cut) + join * (1 - cut);
    paint_rows(cr, last->surface, 0, TOB_PAGE_HEIGHT, at - first->top);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s); /* the pages stay as they were */
        return;
    }
    replay(doc, NULL, ip, cut);
    move_headings(doc, il, 0, TOB_PAGE_HEIGHT, at - first->top, ip);
    cairo_surface_destroy(p->surface);
    p->surface = s;
    p->end = at + height;
    p->lost = 1; /* its bands no longer say where the blocks are */
    cairo_surface_destroy(last->surface);
    free(last->bands);
    doc->n_pages--;
}
