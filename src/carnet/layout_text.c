/* layout_text.c - text blocks of the flow: headings kept with what
 * follows, paragraphs split between lines without widows or orphans, and
 * key-figure boxes. */
#include "layout_internal.h"

#include "base/pango_text.h"

#include <stdlib.h>
#include <string.h>

#define HEADING_GAP 14.0 /* above a heading, unless at the top of a page */
#define BLOCK_GAP 7.0    /* below a paragraph */
#define FIGURE_GAP 8.0   /* between key-figure boxes */
#define FIGURE_PAD 7.0
#define LEAD_LINES 2 /* a paragraph this short after a heading leads on */

const char *style_font(tob_text_style_t style)
{
    switch (style) {
    case TOB_TEXT_H1:
        return TOB_FONT_FAMILY " Bold 15";
    case TOB_TEXT_H2:
        return TOB_FONT_FAMILY " Bold 11";
    case TOB_TEXT_NOTE:
        return TOB_FONT_FAMILY " Oblique 8.5";
    case TOB_TEXT_SMALL:
        return TOB_FONT_FAMILY " 7.5";
    case TOB_TEXT_BODY:
        break;
    }
    return TOB_FONT_FAMILY " 9.5";
}

unsigned style_rgb(tob_text_style_t style)
{
    switch (style) {
    case TOB_TEXT_H1:
    case TOB_TEXT_H2:
        return TOB_RGB_ACCENT;
    case TOB_TEXT_NOTE:
    case TOB_TEXT_SMALL:
        return TOB_RGB_GREY;
    case TOB_TEXT_BODY:
        break;
    }
    return TOB_RGB_TEXT;
}

void set_rgb(cairo_t *cr, unsigned rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0,
                         ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

PangoLayout *doc_layout(tob_doc_t *doc, const char *font, double width,
                        const char *text, int markup)
{
    PangoLayout *layout = pango_layout_new(doc->pango);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_text_set(layout, text, markup);
    return layout;
}

double layout_height(PangoLayout *layout)
{
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

void draw_layout(cairo_t *cr, PangoLayout *layout, double x, double y,
                 unsigned rgb)
{
    set_rgb(cr, rgb);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
}

double tob_doc_draw_text(tob_doc_t *doc, cairo_t *cr, double x, double y,
                         double width, const char *font, unsigned rgb,
                         tob_align_t align, const char *text)
{
    PangoLayout *layout = doc_layout(doc, font, width, text, 0);
    PangoAlignment pa = align == TOB_ALIGN_RIGHT    ? PANGO_ALIGN_RIGHT
                        : align == TOB_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                    : PANGO_ALIGN_LEFT;
    pango_layout_set_alignment(layout, pa);
    double h = layout_height(layout);
    draw_layout(cr, layout, x, y, rgb);
    g_object_unref(layout);
    return h;
}

/* ---- headings -------------------------------------------------------- */

double heading_height(tob_doc_t *doc, tob_text_style_t style, const char *text)
{
    PangoLayout *l =
        doc_layout(doc, style_font(style), TOB_FRAME_WIDTH, text, 0);
    double h = layout_height(l);
    g_object_unref(l);
    double gap = doc->flow_open && doc->y > TOB_PAGE_TOP ? HEADING_GAP : 0;
    return gap + h + (style == TOB_TEXT_H1 ? 9.0 : 5.0);
}

/* Keeps the heading for the outline; the text moves there. Out of memory
 * only loses the bookmark. */
static void record_heading(tob_doc_t *doc, tob_text_style_t style)
{
    if (doc->n_headings == doc->cap_headings) {
        size_t cap = doc->cap_headings ? 2 * doc->cap_headings : 16;
        doc_heading_t *more = realloc(doc->headings, cap * sizeof *more);
        if (more == NULL)
            return;
        doc->headings = more;
        doc->cap_headings = cap;
    }
    char *text = strdup(doc->pending);
    if (text == NULL)
        return;
    doc->headings[doc->n_headings++] =
        (doc_heading_t){text, style, doc->n_pages - 1, doc->y};
}

/* The lead paragraph kept with its heading: drawn whole, the caller made
 * room for it. */
static void place_lead(tob_doc_t *doc)
{
    PangoLayout *l = doc_layout(doc, style_font(doc->pending_lead_style),
                                TOB_FRAME_WIDTH, doc->pending_lead, 0);
    double h = layout_height(l);
    doc_tagged_text(doc, "P", l, TOB_PAGE_MARGIN_X, doc->y,
                    style_rgb(doc->pending_lead_style));
    g_object_unref(l);
    doc_band(doc, doc->y, doc->y + h, 0, 0);
    doc->y += h + BLOCK_GAP;
    free(doc->pending_lead);
    doc->pending_lead = NULL;
}

double pending_height(tob_doc_t *doc)
{
    if (doc->pending == NULL)
        return 0;
    double h = heading_height(doc, doc->pending_style, doc->pending);
    if (doc->pending_lead != NULL) {
        PangoLayout *l = doc_layout(doc, style_font(doc->pending_lead_style),
                                    TOB_FRAME_WIDTH, doc->pending_lead, 0);
        h += layout_height(l) + BLOCK_GAP;
        g_object_unref(l);
    }
    return h;
}

void doc_place_pending(tob_doc_t *doc)
{
    if (doc->pending == NULL)
        return;
    tob_text_style_t style = doc->pending_style;
    if (doc->y > TOB_PAGE_TOP)
        doc->y += HEADING_GAP;
    double top = doc->y;
    PangoLayout *l =
        doc_layout(doc, style_font(style), TOB_FRAME_WIDTH, doc->pending, 0);
    double h = layout_height(l);
    record_heading(doc, style);
    doc_tagged_text(doc, style == TOB_TEXT_H1 ? "H1" : "H2", l,
                    TOB_PAGE_MARGIN_X, doc->y, style_rgb(style));
    g_object_unref(l);
    doc->y += h;
    if (style == TOB_TEXT_H1) {
        set_rgb(doc->cr, TOB_RGB_ACCENT);
        cairo_set_line_width(doc->cr, 1.2);
        cairo_move_to(doc->cr, TOB_PAGE_MARGIN_X, doc->y + 3);
        cairo_line_to(doc->cr, TOB_PAGE_MARGIN_X + TOB_FRAME_WIDTH, doc->y + 3);
        cairo_stroke(doc->cr);
        doc->y += 9.0;
    } else {
        doc->y += 5.0;
    }
    doc_band(doc, top, doc->y, HEADING_GAP, 0);
    free(doc->pending);
    doc->pending = NULL;
    if (doc->pending_lead != NULL)
        place_lead(doc);
}

tob_status_t tob_doc_heading(tob_doc_t *doc, tob_text_style_t style,
                             const char *text, tob_error_t *err)
{
    /* A heading with its lead is a whole section: it goes where it fits.
     * Two headings in a row: the first goes with the second. */
    if (doc->pending_lead != NULL) {
        tob_status_t s = doc_reserve(doc, 0, err);
        if (s != TOB_OK)
            return s;
    } else if (doc->pending != NULL) {
        double h = heading_height(doc, style, text);
        tob_status_t s = doc_reserve(doc, h + 40, err);
        if (s != TOB_OK)
            return s;
    }
    doc->pending = strdup(text);
    if (doc->pending == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    doc->pending_style = style;
    return TOB_OK;
}

/* ---- paragraphs ------------------------------------------------------- */

void doc_draw_lines(cairo_t *cr, PangoLayout *layout, double x, double y,
                    int first, int last, unsigned rgb)
{
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    double shift = 0;
    int i = 0;
    set_rgb(cr, rgb);
    do {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        if (i == first)
            shift = (double)y0 / PANGO_SCALE;
        if (i >= first && i < last) {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            double base =
                (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
            cairo_move_to(cr, x + (double)logical.x / PANGO_SCALE,
                          y + base - shift);
            pango_cairo_show_layout_line(
                cr, pango_layout_iter_get_line_readonly(it));
        }
        i++;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* Top and bottom of each line relative to the layout's top; caller frees
 * *tops (bottoms share the block). Returns the line count, -1 if no
 * memory. */
static int line_ranges(PangoLayout *layout, double **tops, double **bottoms)
{
    int n = pango_layout_get_line_count(layout);
    double *t = calloc(2 * (size_t)(n > 0 ? n : 1), sizeof *t);
    if (t == NULL)
        return -1;
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    int i = 0;
    do {
        int y0, y1;
        pango_layout_iter_get_line_yrange(it, &y0, &y1);
        t[i] = (double)y0 / PANGO_SCALE;
        t[n + i] = (double)y1 / PANGO_SCALE;
        i++;
    } while (i < n && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    *tops = t;
    *bottoms = t + n;
    return n;
}

/* How many lines from `first` to put in avail points: all that fit, but
 * never one alone at the foot of a page (orphan) or at the top of the
 * next (widow). 0 means "start on the next page". */
static int lines_that_fit(const double *tops, const double *bottoms, int n,
                          int first, double avail)
{
    int k = 0;
    while (first + k < n && bottoms[first + k] - tops[first] <= avail)
        k++;
    int left = n - first;
    if (k == left)
        return k;
    if (left - k < 2 && k > 2)
        k = left - 2;
    if (k < 2 && left > 1)
        k = 0;
    return k;
}

static tob_status_t flow_lines(tob_doc_t *doc, PangoLayout *l,
                               tob_text_style_t style, const double *tops,
                               const double *bottoms, int n, tob_error_t *err)
{
    int first = 0;
    while (first < n) {
        int k = lines_that_fit(tops, bottoms, n, first, tob_doc_remaining(doc));
        if (k == 0 && doc->y <= TOB_PAGE_TOP)
            k = 1; /* a line taller than a page: place it anyway */
        if (k == 0) {
            tob_status_t s = doc_new_flow_page(doc, err);
            if (s != TOB_OK)
                return s;
            continue;
        }
        /* A P a page: one open across the break would take in the
         * running header and footer drawn meanwhile. */
        doc_tag_begin(doc, "P", doc->y);
        doc_lines(doc, l, TOB_PAGE_MARGIN_X, doc->y, first, first + k,
                  style_rgb(style));
        doc_tag_end(doc, "P", doc->y);
        double h = bottoms[first + k - 1] - tops[first];
        doc_band(doc, doc->y, doc->y + h, 0, 0);
        doc->y += h;
        first += k;
        if (first < n) {
            tob_status_t s = doc_new_flow_page(doc, err);
            if (s != TOB_OK)
                return s;
        }
    }
    return TOB_OK;
}

tob_status_t tob_doc_paragraph(tob_doc_t *doc, tob_text_style_t style,
                               const char *text, tob_error_t *err)
{
    PangoLayout *l =
        doc_layout(doc, style_font(style), TOB_FRAME_WIDTH, text, 0);
    double *tops = NULL, *bottoms = NULL;
    int n = line_ranges(l, &tops, &bottoms);
    tob_status_t s = TOB_OK;
    if (n < 0) {
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else if (n > 0 && n <= LEAD_LINES && doc->pending != NULL &&
               doc->pending_lead == NULL) {
        /* A short lead under a heading ("Projets situés sur le territoire
         * :") waits with it for the block it announces. */
        doc->pending_lead = strdup(text);
        doc->pending_lead_style = style;
        if (doc->pending_lead == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else if (n > 0) {
        /* The heading before it needs the first two lines with it; a
         * paragraph of six lines or fewer is not split at all. */
        s = doc_reserve(doc, bottoms[n <= 6 ? n - 1 : 1], err);
        if (s == TOB_OK)
            s = flow_lines(doc, l, style, tops, bottoms, n, err);
        doc->y += BLOCK_GAP;
    }
    free(tops);
    g_object_unref(l);
    return s;
}

/* ---- key figures ------------------------------------------------------- */

typedef struct figure_layouts {
    PangoLayout *value, *label, *detail;
} figure_layouts_t;

/* "158 753" large and " habitants" small, on one line if it can be: the
 * number shrinks before the line breaks. */
static PangoLayout *value_layout(tob_doc_t *doc, const tob_figure_t *f,
                                 double inner)
{
    static const char *const sizes[] = {"15", "12.5", "10.5"};
    char *num = g_markup_escape_text(f->value != NULL ? f->value : "", -1);
    char *unit = g_markup_escape_text(f->unit != NULL ? f->unit : "", -1);
    PangoLayout *l = NULL;
    for (size_t i = 0; i < 3; i++) {
        char *markup = g_strdup_printf(
            "<span font_desc='" TOB_FONT_FAMILY " Bold %s'>%s</span>"
            "<span font_desc='" TOB_FONT_FAMILY " Bold 8.5'>%s%s</span>",
            sizes[i], num, unit[0] ? "\xC2\xA0" : "", unit);
        if (l != NULL)
            g_object_unref(l);
        l = doc_layout(doc, TOB_FONT_FAMILY " 15", inner, markup, 1);
        g_free(markup);
        if (pango_layout_get_line_count(l) == 1)
            break;
    }
    g_free(num);
    g_free(unit);
    return l;
}

static double lay_figure(tob_doc_t *doc, const tob_figure_t *f, double w,
                         figure_layouts_t *out)
{
    double inner = w - 2 * FIGURE_PAD - 3;
    out->value = value_layout(doc, f, inner);
    out->label = doc_layout(doc, TOB_FONT_FAMILY " Bold 8.5", inner,
                            f->label != NULL ? f->label : "", 0);
    out->detail = f->detail != NULL ? doc_layout(doc, TOB_FONT_FAMILY " 7.5",
                                                 inner, f->detail, 0)
                                    : NULL;
    double h = 2 * FIGURE_PAD + layout_height(out->value) + 2 +
               layout_height(out->label);
    if (out->detail != NULL)
        h += 4 + layout_height(out->detail);
    return h;
}

/* A box; its texts an item of the key figures' list. */
static void draw_figure(tob_doc_t *doc, const figure_layouts_t *f, double x,
                        double y, double w, double h)
{
    cairo_t *cr = doc->cr;
    set_rgb(cr, TOB_RGB_TINT);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
    set_rgb(cr, TOB_RGB_ACCENT);
    cairo_rectangle(cr, x, y, 3, h);
    cairo_fill(cr);
    double tx = x + 3 + FIGURE_PAD, ty = y + FIGURE_PAD;
    doc_tag_begin(doc, "LI", y);
    doc_text(doc, f->value, tx, ty, TOB_RGB_ACCENT);
    ty += layout_height(f->value) + 2;
    doc_text(doc, f->label, tx, ty, TOB_RGB_TEXT);
    ty += layout_height(f->label) + 4;
    if (f->detail != NULL)
        doc_text(doc, f->detail, tx, ty, TOB_RGB_GREY);
    doc_tag_end(doc, "LI", y);
}

static void free_figures(figure_layouts_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].value != NULL)
            g_object_unref(f[i].value);
        if (f[i].label != NULL)
            g_object_unref(f[i].label);
        if (f[i].detail != NULL)
            g_object_unref(f[i].detail);
    }
}

/* One row of up to three boxes, all as tall as the tallest: items of the
 * key figures' list (L), which the first row opens and the last closes.
 * A list rather than a table: Cairo writes an object of some 130 bytes a
 * structure element, and rows would add one a line for nothing read. */
static tob_status_t figure_row(tob_doc_t *doc, const tob_figure_t *figs,
                               size_t n, int first, int last, tob_error_t *err)
{
    const double w = (TOB_FRAME_WIDTH - 2 * FIGURE_GAP) / 3;
    figure_layouts_t lay[3] = {{0}};
    double h = 0;
    for (size_t i = 0; i < n; i++) {
        double hi = lay_figure(doc, &figs[i], w, &lay[i]);
        h = hi > h ? hi : h;
    }
    tob_status_t s = doc_reserve(doc, h, err);
    if (s == TOB_OK) {
        if (first)
            doc_tag_begin(doc, "L", doc->y);
        for (size_t i = 0; i < n; i++)
            draw_figure(doc, &lay[i],
                        TOB_PAGE_MARGIN_X + (double)i * (w + FIGURE_GAP),
                        doc->y, w, h);
        if (last)
            doc_tag_end(doc, "L", doc->y);
        doc_band(doc, doc->y, doc->y + h, 0, 0);
        doc->y += h + FIGURE_GAP;
    }
    free_figures(lay, n);
    return s;
}

tob_status_t tob_doc_figures(tob_doc_t *doc, const tob_figure_t *figures,
                             size_t n, tob_error_t *err)
{
    for (size_t i = 0; i < n; i += 3) {
        tob_status_t s = figure_row(doc, figures + i, n - i < 3 ? n - i : 3,
                                    i == 0, i + 3 >= n, err);
        if (s != TOB_OK)
            return s;
    }
    doc->y += BLOCK_GAP - FIGURE_GAP > 0 ? BLOCK_GAP - FIGURE_GAP : 0;
    return TOB_OK;
}
