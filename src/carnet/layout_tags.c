/* layout_tags.c - the tagged structure of a document's PDF. Cairo 1.16
 * writes structure tags (cairo_tag_begin with "H1", "P", "Table"...) as a
 * /StructTreeRoot with /MarkInfo << /Marked true >>, but the marked
 * content of a recording painted on the PDF lands in a form XObject that
 * its structure elements cannot reach (no /Stm), and tags drawn into a
 * page recording would be replayed again by every band of a folded page.
 * So the flow's text is kept here as ops with its layouts, moved by the
 * fold with the blocks, and drawn on the PDF in the final pass inside its
 * tags; a drawing's band of the page recording is painted inside a Figure
 * (its marked content is then that XObject, the map's own texts). */
#include "layout_internal.h"

#include <stdlib.h>
#include <string.h>

static doc_op_t *new_op(tob_doc_t *doc, doc_op_kind_t kind, double y)
{
    if (doc->n_pages == 0 || doc->untagged)
        return NULL;
    if (doc->n_ops == doc->cap_ops) {
        size_t cap = doc->cap_ops ? 2 * doc->cap_ops : 64;
        doc_op_t *more = realloc(doc->ops, cap * sizeof *more);
        if (more == NULL) {
            doc->untagged = 1;
            return NULL;
        }
        doc->ops = more;
        doc->cap_ops = cap;
    }
    doc_op_t *op = &doc->ops[doc->n_ops++];
    *op = (doc_op_t){kind, NULL, doc->n_pages - 1, 0, y, y, NULL, 0, 0, 0};
    return op;
}

void doc_tag_begin(tob_doc_t *doc, const char *tag, double y)
{
    doc_op_t *op = new_op(doc, DOC_OP_BEGIN, y);
    if (op != NULL)
        op->tag = tag;
}

void doc_tag_end(tob_doc_t *doc, const char *tag, double y)
{
    doc_op_t *op = new_op(doc, DOC_OP_END, y);
    if (op != NULL)
        op->tag = tag;
}

static void text_op(tob_doc_t *doc, doc_op_kind_t kind, PangoLayout *layout,
                    double x, double y, int first, int last, unsigned rgb)
{
    doc_op_t *op = new_op(doc, kind, y);
    if (op == NULL) { /* untagged from now on: drawn where it is */
        if (kind == DOC_OP_TEXT)
            draw_layout(doc->cr, layout, x, y, rgb);
        else
            doc_draw_lines(doc->cr, layout, x, y, first, last, rgb);
        return;
    }
    op->layout = g_object_ref(layout);
    op->x = x;
    op->first = first;
    op->last = last;
    op->rgb = rgb;
}

void doc_text(tob_doc_t *doc, PangoLayout *layout, double x, double y,
              unsigned rgb)
{
    text_op(doc, DOC_OP_TEXT, layout, x, y, 0, 0, rgb);
}

void doc_lines(tob_doc_t *doc, PangoLayout *layout, double x, double y,
               int first, int last, unsigned rgb)
{
    text_op(doc, DOC_OP_LINES, layout, x, y, first, last, rgb);
}

void doc_tagged_text(tob_doc_t *doc, const char *tag, PangoLayout *layout,
                     double x, double y, unsigned rgb)
{
    doc_tag_begin(doc, tag, y);
    doc_text(doc, layout, x, y, rgb);
    doc_tag_end(doc, tag, y);
}

void doc_figure(tob_doc_t *doc, double y0, double y1)
{
    doc_op_t *op = new_op(doc, DOC_OP_FIGURE, y0);
    if (op != NULL)
        op->y1 = y1;
}

void doc_move_ops(tob_doc_t *doc, size_t page, double y0, double y1, double dy,
                  size_t to)
{
    for (size_t i = 0; i < doc->n_ops; i++) {
        doc_op_t *op = &doc->ops[i];
        if (op->page == page && op->y >= y0 && op->y < y1) {
            op->page = to;
            op->y += dy;
            op->y1 += dy;
        }
    }
}

static void paint_band(cairo_t *cr, cairo_surface_t *s, double y0, double y1)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, y0, TOB_PAGE_WIDTH, y1 - y0);
    cairo_clip(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

/* The page recording but its figures' bands: those are painted inside
 * their Figure. Always clipped: Cairo 1.16 refuses ("invalid tag name,
 * attributes, or nesting") an unbounded paint of a recording inside a
 * structure tag. */
static void paint_base(tob_doc_t *doc, cairo_t *cr, size_t page,
                       const doc_op_t *ops, size_t n)
{
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, TOB_PAGE_WIDTH, TOB_PAGE_HEIGHT);
    for (size_t i = 0; i < n; i++)
        if (ops[i].kind == DOC_OP_FIGURE)
            cairo_rectangle(cr, 0, ops[i].y, TOB_PAGE_WIDTH,
                            ops[i].y1 - ops[i].y);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_clip(cr);
    cairo_set_source_surface(cr, doc->pages[page].surface, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
}

static void run_op(tob_doc_t *doc, cairo_t *cr, size_t page, const doc_op_t *op)
{
    int tags = !doc->untagged;
    switch (op->kind) {
    case DOC_OP_BEGIN:
        if (tags)
            cairo_tag_begin(cr, op->tag, NULL);
        break;
    case DOC_OP_END:
        if (tags)
            cairo_tag_end(cr, op->tag);
        break;
    case DOC_OP_TEXT:
        draw_layout(cr, op->layout, op->x, op->y, op->rgb);
        break;
    case DOC_OP_LINES:
        doc_draw_lines(cr, op->layout, op->x, op->y, op->first, op->last,
                       op->rgb);
        break;
    case DOC_OP_FIGURE:
        if (tags)
            cairo_tag_begin(cr, "Figure", NULL);
        paint_band(cr, doc->pages[page].surface, op->y, op->y1);
        if (tags)
            cairo_tag_end(cr, "Figure");
        break;
    }
}

void doc_emit_page(tob_doc_t *doc, cairo_t *cr, size_t page)
{
    /* Ops are in page order: find this page's run. */
    size_t a = 0;
    while (a < doc->n_ops && doc->ops[a].page < page)
        a++;
    size_t b = a;
    while (b < doc->n_ops && doc->ops[b].page == page)
        b++;
    /* A cover's texts, the running header and footer are the Document's
     * own content (Cairo 1.16 has no artifacts); no element of their own,
     * for the bytes (see layout_table.c). */
    paint_base(doc, cr, page, doc->ops + a, b - a);
    for (size_t i = a; i < b; i++)
        run_op(doc, cr, page, &doc->ops[i]);
}

void doc_free_ops(tob_doc_t *doc)
{
    for (size_t i = 0; i < doc->n_ops; i++)
        if (doc->ops[i].layout != NULL)
            g_object_unref(doc->ops[i].layout);
    free(doc->ops);
    doc->ops = NULL;
    doc->n_ops = doc->cap_ops = 0;
}
