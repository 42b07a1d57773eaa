/* layout.c - document pages and flow: recording surfaces per page, the
 * cursor that blocks advance, and the PDF written at the end with running
 * headers and "Page n / N" footers. */
#include "layout_internal.h"

#include <cairo-pdf.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

static int copy_info(tob_doc_t *doc, const tob_doc_info_t *info)
{
    if (info == NULL)
        return 0;
    const char *src[] = {
        info->title,       info->subject, info->header_left, info->header_right,
        info->footer_left, info->author,  info->keywords};
    char **dst[] = {&doc->title,        &doc->subject,     &doc->header_left,
                    &doc->header_right, &doc->footer_left, &doc->author,
                    &doc->keywords};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
        *dst[i] = dup_or_null(src[i]);
        if (src[i] != NULL && *dst[i] == NULL)
            return -1;
    }
    return 0;
}

/* A context for PDF output: points as units (72 dpi), no hinting of
 * metrics so that text measured here is the text printed. The font map is
 * Pango's per-thread default, so atlas workers never share one. */
static PangoContext *pdf_pango_context(void)
{
    PangoContext *ctx =
        pango_font_map_create_context(pango_cairo_font_map_get_default());
    if (ctx == NULL)
        return NULL;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_context_set_language(ctx, pango_language_from_string("fr-fr"));
    return ctx;
}

tob_status_t tob_doc_create(const tob_doc_info_t *info, tob_doc_t **out,
                            tob_error_t *err)
{
    *out = NULL;
    tob_doc_t *doc = calloc(1, sizeof *doc);
    if (doc == NULL || copy_info(doc, info) != 0 ||
        (doc->pango = pdf_pango_context()) == NULL) {
        tob_doc_destroy(doc);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    *out = doc;
    return TOB_OK;
}

void tob_doc_destroy(tob_doc_t *doc)
{
    if (doc == NULL)
        return;
    if (doc->cr != NULL)
        cairo_destroy(doc->cr);
    for (size_t i = 0; i < doc->n_pages; i++) {
        cairo_surface_destroy(doc->pages[i].surface);
        free(doc->pages[i].bands);
    }
    free(doc->pages);
    doc_free_ops(doc);
    if (doc->pango != NULL)
        g_object_unref(doc->pango);
    free(doc->title);
    free(doc->subject);
    free(doc->header_left);
    free(doc->header_right);
    free(doc->footer_left);
    free(doc->author);
    free(doc->keywords);
    for (size_t i = 0; i < doc->n_headings; i++)
        free(doc->headings[i].text);
    free(doc->headings);
    free(doc->pending);
    free(doc->pending_lead);
    free(doc);
}

static tob_status_t add_page(tob_doc_t *doc, int running, tob_error_t *err)
{
    if (doc->cr != NULL) {
        cairo_destroy(doc->cr);
        doc->cr = NULL;
    }
    if (doc->n_pages == doc->cap_pages) {
        size_t cap = doc->cap_pages ? 2 * doc->cap_pages : 8;
        tob_page_t *p = realloc(doc->pages, cap * sizeof *p);
        if (p == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        doc->pages = p;
        doc->cap_pages = cap;
    }
    if (doc->n_pages > 0 && doc->pages[doc->n_pages - 1].running)
        doc->pages[doc->n_pages - 1].end = doc->y;
    cairo_rectangle_t a4 = {0, 0, TOB_PAGE_WIDTH, TOB_PAGE_HEIGHT};
    cairo_surface_t *s =
        cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
    cairo_t *cr = cairo_create(s);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        tob_status_t st = tob_error_lib(
            err, TOB_ERR_CAIRO, (int)cairo_status(cr), "starting a page: %s",
            cairo_status_to_string(cairo_status(cr)));
        cairo_destroy(cr);
        cairo_surface_destroy(s);
        return st;
    }
    doc->pages[doc->n_pages] =
        (tob_page_t){s, running, 0, 0, TOB_PAGE_TOP, NULL, 0, 0};
    doc->n_pages++;
    doc->cr = cr;
    doc->y = TOB_PAGE_TOP;
    doc->flow_open = running;
    return TOB_OK;
}

tob_status_t doc_new_flow_page(tob_doc_t *doc, tob_error_t *err)
{
    return add_page(doc, 1, err);
}

tob_status_t tob_doc_cover_page(tob_doc_t *doc, cairo_t **cr, tob_error_t *err)
{
    *cr = NULL;
    tob_status_t st = add_page(doc, 0, err);
    if (st == TOB_OK)
        *cr = doc->cr;
    return st;
}

void tob_doc_page_break(tob_doc_t *doc)
{
    /* A break on a page still empty would leave a blank page. */
    if (doc->flow_open && doc->y <= TOB_PAGE_TOP && doc->pending == NULL)
        return;
    /* A heading with its lead paragraph and nothing after them ends the
     * page they introduce; a heading alone goes on to the next. Placing
     * them fails only for want of memory, and then they follow. */
    if (doc->pending_lead != NULL)
        (void)doc_reserve(doc, 0, NULL);
    if (doc->flow_open && doc->n_pages > 0)
        doc->pages[doc->n_pages - 1].broken = 1;
    doc->flow_open = 0;
}

void doc_band(tob_doc_t *doc, double top, double bottom, double lead,
              int table_cont)
{
    if (doc->n_pages == 0)
        return;
    tob_page_t *p = &doc->pages[doc->n_pages - 1];
    /* Blocks that touch are one band: a heading and its first lines. */
    if (p->n_bands > 0 && top - p->bands[p->n_bands - 1].bottom < 0.5 &&
        !table_cont) {
        p->bands[p->n_bands - 1].bottom = bottom;
        return;
    }
    if (p->n_bands == p->cap_bands) {
        size_t cap = p->cap_bands ? 2 * p->cap_bands : 16;
        doc_band_t *more = realloc(p->bands, cap * sizeof *more);
        if (more == NULL) {
            p->lost = 1; /* an incomplete list must not fold */
            return;
        }
        p->bands = more;
        p->cap_bands = cap;
    }
    p->bands[p->n_bands++] = (doc_band_t){top, bottom, lead, table_cont};
}

void tob_doc_space(tob_doc_t *doc, double points)
{
    if (doc->flow_open && doc->y > TOB_PAGE_TOP)
        doc->y += points;
}

double tob_doc_remaining(const tob_doc_t *doc)
{
    if (!doc->flow_open || doc->y >= TOB_PAGE_BOTTOM)
        return 0;
    return TOB_PAGE_BOTTOM - doc->y;
}

size_t tob_doc_page_count(const tob_doc_t *doc)
{
    return doc->n_pages + (doc_toc_at(doc) != DOC_NO_TOC); /* "Sommaire" */
}

tob_status_t doc_reserve(tob_doc_t *doc, double need, tob_error_t *err)
{
    double head = pending_height(doc);
    int page_empty = doc->flow_open && doc->y <= TOB_PAGE_TOP;
    if (!doc->flow_open ||
        (!page_empty && doc->y + head + need > TOB_PAGE_BOTTOM)) {
        tob_status_t st = doc_new_flow_page(doc, err);
        if (st != TOB_OK)
            return st;
    }
    doc_place_pending(doc);
    return TOB_OK;
}

tob_status_t tob_doc_drawing(tob_doc_t *doc, double height, tob_draw_fn_t draw,
                             void *user, tob_error_t *err)
{
    double head = pending_height(doc);
    double most = TOB_PAGE_BOTTOM - TOB_PAGE_TOP - head;
    if (height > most)
        height = most;
    tob_status_t st = doc_reserve(doc, height, err);
    if (st != TOB_OK)
        return st;
    tob_rect_t r = {TOB_PAGE_MARGIN_X, doc->y, TOB_FRAME_WIDTH, height};
    cairo_save(doc->cr);
    cairo_rectangle(doc->cr, r.x, r.y, r.width, r.height);
    cairo_clip(doc->cr);
    st = draw(user, doc->cr, doc->pango, &r, err);
    cairo_restore(doc->cr);
    if (st == TOB_OK && cairo_status(doc->cr) != CAIRO_STATUS_SUCCESS)
        st = tob_error_lib(err, TOB_ERR_CAIRO, (int)cairo_status(doc->cr),
                           "drawing: %s",
                           cairo_status_to_string(cairo_status(doc->cr)));
    doc_figure(doc, doc->y, doc->y + height);
    doc_band(doc, doc->y, doc->y + height, 0, 0);
    doc->y += height + 10;
    return st;
}
