/* layout_pdf.c - writes a document's recorded pages as one PDF, with the
 * running header and the "Page n / N" footer now that N is known. The file
 * is made in memory, then written beside its destination and renamed into
 * place, unless its bytes are those of the carnet already there. */
#include "layout_internal.h"

#include "base/afile.h"
#include "base/hash.h"

#include <cairo-pdf.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The PDF grows in memory: its digest is known before anything is
 * written, and an unchanged carnet is left as it is. */
typedef struct pdf_bytes {
    unsigned char *data;
    size_t len, cap;
} pdf_bytes_t;

static cairo_status_t write_stream(void *closure, const unsigned char *data,
                                   unsigned int length)
{
    pdf_bytes_t *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (p == NULL)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static void draw_running(tob_doc_t *doc, cairo_t *cr, size_t page,
                         size_t n_pages)
{
    const double x0 = TOB_PAGE_MARGIN_X;
    const double w = TOB_FRAME_WIDTH;
    const char *font = TOB_FONT_FAMILY " 7.5";
    if (doc->header_left != NULL)
        tob_doc_draw_text(doc, cr, x0, 34, w * 0.62, TOB_FONT_FAMILY " Bold 8",
                          TOB_RGB_ACCENT, TOB_ALIGN_LEFT, doc->header_left);
    if (doc->header_right != NULL)
        tob_doc_draw_text(doc, cr, x0 + w * 0.62, 34, w * 0.38, font,
                          TOB_RGB_GREY, TOB_ALIGN_RIGHT, doc->header_right);
    set_rgb(cr, TOB_RGB_RULE);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x0, 50);
    cairo_line_to(cr, x0 + w, 50);
    cairo_move_to(cr, x0, 796);
    cairo_line_to(cr, x0 + w, 796);
    cairo_stroke(cr);
    if (doc->footer_left != NULL)
        tob_doc_draw_text(doc, cr, x0, 802, w * 0.75, font, TOB_RGB_GREY,
                          TOB_ALIGN_LEFT, doc->footer_left);
    char number[64];
    snprintf(number, sizeof number, "Page %zu / %zu", page + 1, n_pages);
    tob_doc_draw_text(doc, cr, x0 + w * 0.75, 802, w * 0.25, font, TOB_RGB_GREY,
                      TOB_ALIGN_RIGHT, number);
}

static void set_metadata(tob_doc_t *doc, cairo_surface_t *pdf)
{
    if (doc->title != NULL)
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
                                       doc->title);
    if (doc->subject != NULL)
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT,
                                       doc->subject);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR,
                                   doc->author ? doc->author : "terrobs");
    if (doc->keywords != NULL)
        cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_KEYWORDS,
                                       doc->keywords);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "terrobs");
}

/* One bookmark per heading, at its place; lower headings under the last
 * H1. Cairo resolves the pages when the surface is finished. */
static void add_outline(tob_doc_t *doc, cairo_surface_t *pdf)
{
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (size_t i = 0; i < doc->n_headings; i++) {
        const doc_heading_t *h = &doc->headings[i];
        char dest[96];
        snprintf(dest, sizeof dest, "page=%zu pos=[%.1f %.1f]",
                 doc_toc_page_of(doc, h->page) + 1, TOB_PAGE_MARGIN_X, h->y);
        int top = h->style == TOB_TEXT_H1;
        int id = cairo_pdf_surface_add_outline(
            pdf, top ? CAIRO_PDF_OUTLINE_ROOT : parent, h->text, dest,
            top ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
        if (top)
            parent = id;
    }
}

static tob_status_t cairo_fail(tob_error_t *err, cairo_status_t cs,
                               const char *doing)
{
    return tob_error_lib(err, TOB_ERR_CAIRO, (int)cs, "%s: %s", doing,
                         cairo_status_to_string(cs));
}

static int blank(const tob_page_t *p)
{
    double x, y, w, h;
    cairo_recording_surface_ink_extents(p->surface, &x, &y, &w, &h);
    return !p->running && w <= 0 && h <= 0;
}

/* Replays every page onto the PDF surface; cairo errors are sticky, so the
 * status is checked after each page to name the first failure. */
static tob_status_t emit_pages(tob_doc_t *doc, cairo_surface_t *pdf,
                               tob_error_t *err)
{
    cairo_t *cr = cairo_create(pdf);
    tob_status_t s = TOB_OK;
    size_t toc = doc_toc_at(doc);
    size_t n_out = doc->n_pages + (toc != DOC_NO_TOC);
    int tags = !doc->untagged, open = 0;
    for (size_t i = 0; i < doc->n_pages && s == TOB_OK; i++) {
        /* Cairo 1.16 does not replay a blank page, nor the tags drawn on
         * it: the Document opens on the first page with something on it. */
        if (tags && !open && (i == toc || !blank(&doc->pages[i]))) {
            cairo_tag_begin(cr, "Document", NULL);
            open = 1;
        }
        if (i == toc) {
            doc_toc_draw(doc, cr); /* its entries Link elements */
            draw_running(doc, cr, i, n_out);
            cairo_show_page(cr);
        }
        doc_emit_page(doc, cr, i);
        doc_toc_dests(doc, cr, i);
        if (doc->pages[i].running)
            draw_running(doc, cr, doc_toc_page_of(doc, i), n_out);
        /* Closed on the last page: after it, a tag would open a blank one. */
        if (open && i + 1 == doc->n_pages)
            cairo_tag_end(cr, "Document");
        cairo_show_page(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
            s = cairo_fail(err, cairo_status(cr), "writing a page");
    }
    cairo_destroy(cr);
    return s;
}

static tob_status_t render_to(tob_doc_t *doc, pdf_bytes_t *out,
                              tob_error_t *err)
{
    cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(
        write_stream, out, TOB_PAGE_WIDTH, TOB_PAGE_HEIGHT);
    cairo_status_t cs = cairo_surface_status(pdf);
    if (cs != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(pdf);
        return cairo_fail(err, cs, "creating the PDF");
    }
    set_metadata(doc, pdf);
    tob_status_t s = emit_pages(doc, pdf, err);
    if (s == TOB_OK)
        add_outline(doc, pdf);
    /* finish() is where the fonts and the trailer are written. */
    cairo_surface_finish(pdf);
    cs = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (s == TOB_OK && cs != CAIRO_STATUS_SUCCESS)
        s = cairo_fail(err, cs, "finishing the PDF");
    return s;
}

/* FNV-1a of the bytes, skipping the value of /CreationDate: cairo stamps
 * the time of writing, which is no part of what the carnet prints. */
static void digest_of(const pdf_bytes_t *b, char digest[TOB_DOC_DIGEST_MAX])
{
    static const char key[] = "/CreationDate (";
    const size_t n_key = sizeof key - 1;
    uint64_t h = HASH_FNV_SEED;
    size_t i = 0;
    const unsigned char *p = b->data;
    for (size_t k = 0; k + n_key <= b->len; k++) {
        if (p[k] != '/' || memcmp(p + k, key, n_key) != 0)
            continue;
        h = hash_fnv_bytes(h, p + i, k + n_key - i);
        i = k + n_key;
        while (i < b->len && p[i] != ')')
            i++;
        break;
    }
    h = hash_fnv_bytes(h, p + i, b->len - i);
    snprintf(digest, TOB_DOC_DIGEST_MAX, "%016llx", (unsigned long long)h);
}

/* Written whole or not at all (base/afile.h). */
static tob_status_t save(const pdf_bytes_t *b, const char *path,
                         tob_error_t *err)
{
    afile_t f;
    tob_status_t s = afile_begin(&f, path, err);
    if (s == TOB_OK)
        s = afile_fopen(&f, err);
    if (s == TOB_OK && fwrite(b->data, 1, b->len, f.fp) != b->len)
        s = afile_fail(&f, "cannot write", err);
    return afile_end(&f, s, err);
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

tob_status_t tob_doc_write_pdf_changed(tob_doc_t *doc, const char *path,
                                       const char *old_digest,
                                       char digest[TOB_DOC_DIGEST_MAX],
                                       int *written, tob_error_t *err)
{
    *written = 0;
    /* A heading left last is still printed, on a page of its own if
     * need be; then the recordings are complete. */
    tob_status_t s = TOB_OK;
    if (doc->pending != NULL && (s = doc_reserve(doc, 0, err)) != TOB_OK)
        return s;
    if (doc->cr != NULL) {
        cairo_destroy(doc->cr);
        doc->cr = NULL;
    }
    if (doc->flow_open)
        doc->pages[doc->n_pages - 1].end = doc->y;
    doc->flow_open = 0;
    doc_fold_last_page(doc);
    pdf_bytes_t b = {NULL, 0, 0};
    s = render_to(doc, &b, err);
    if (s == TOB_OK)
        digest_of(&b, digest);
    if (s == TOB_OK &&
        (old_digest == NULL || strcmp(old_digest, digest) || !is_file(path))) {
        s = save(&b, path, err);
        *written = s == TOB_OK;
    }
    if (s != TOB_OK && err != NULL && err->source[0] == '\0')
        tob_error_at(err, path, 0, NULL);
    free(b.data);
    return s;
}

tob_status_t tob_doc_write_pdf(tob_doc_t *doc, const char *path,
                               tob_error_t *err)
{
    char digest[TOB_DOC_DIGEST_MAX];
    int written;
    return tob_doc_write_pdf_changed(doc, path, NULL, digest, &written, err);
}
