/* layout_table.c - tables in the flow: cells wrapped in their column, rows
 * split across pages with the caption and header row repeated, never a
 * header alone at the foot of a page nor a single row alone on the last. */
#include "layout_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_PAD_X 4.0
#define CELL_PAD_Y 2.6
#define CELL_FONT TOB_FONT_FAMILY " 8.5"
#define HEAD_FONT TOB_FONT_FAMILY " Bold 8"
#define CAPTION_FONT TOB_FONT_FAMILY " Bold 9.5"
#define ZEBRA_RGB 0xF3F5F7u
/* Cairo 1.16 writes each structure element as an object of its own, some
 * 130 bytes with its references: the rows and cells of a longer table are
 * not tagged one by one, its texts are read in order, row by row, in a
 * TBody of its Table a page. */
#define TAG_CELL_ROWS 4

size_t tob_layout_split_rows(const double *heights, size_t n, double header_h,
                             double first_avail, double page_avail,
                             size_t *starts, size_t max_chunks, int *new_page)
{
    *new_page = 0;
    if (n == 0)
        return 0;
    double lead = header_h + heights[0] + (n > 1 ? heights[1] : 0);
    double whole = header_h;
    for (size_t i = 0; i < n; i++)
        whole += heights[i];
    double avail = first_avail;
    /* A short table is not split: it moves whole to the next page. */
    int keep_together = whole <= page_avail / 3 && whole > first_avail;
    if (lead > first_avail || keep_together) {
        *new_page = 1;
        avail = page_avail;
    }
    size_t n_chunks = 0, i = 0;
    while (i < n) {
        if (n_chunks < max_chunks)
            starts[n_chunks] = i;
        n_chunks++;
        double used = header_h + heights[i++]; /* a chunk holds >= 1 row */
        while (i < n && used + heights[i] <= avail)
            used += heights[i++];
        avail = page_avail;
    }
    /* A last row alone: take one more from the chunk before when that one
     * keeps two rows and the pair fits under a header. */
    if (n_chunks >= 2 && n_chunks <= max_chunks) {
        size_t last = starts[n_chunks - 1];
        size_t prev = starts[n_chunks - 2];
        if (n - last == 1 && last - prev >= 3 &&
            header_h + heights[last - 1] + heights[last] <= page_avail)
            starts[n_chunks - 1] = last - 1;
    }
    return n_chunks;
}

typedef struct table_lay {
    const tob_table_t *t;
    double *x;           /* left of each column, n_columns + 1 entries */
    PangoLayout **cells; /* n_rows * n_columns */
    PangoLayout **head;  /* n_columns */
    double *row_h;       /* n_rows */
    double head_h, caption_h;
} table_lay_t;

static PangoLayout *cell_layout(tob_doc_t *doc, const char *font,
                                const char *text, tob_align_t a)
{
    PangoLayout *l = doc_layout(doc, font, -1, text != NULL ? text : "", 0);
    pango_layout_set_alignment(l, a == TOB_ALIGN_RIGHT    ? PANGO_ALIGN_RIGHT
                                  : a == TOB_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                          : PANGO_ALIGN_LEFT);
    return l;
}

/* The width a cell needs on one line; one point more, so that rounding
 * to Pango units never wraps "13/04/2022" into "13/04/202 2". */
static double natural_width(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE + 2 * CELL_PAD_X + 1;
}

static double piece_width(tob_doc_t *doc, const char *font, const char *s,
                          size_t len)
{
    char word[256];
    snprintf(word, sizeof word, "%.*s", (int)len, s);
    PangoLayout *w = doc_layout(doc, font, -1, word, 0);
    double width = natural_width(w);
    g_object_unref(w);
    return width;
}

/* Width of the widest unbreakable piece of a cell: words split at spaces
 * and after hyphens ("Saint-Quentin-la-Motte" may break as Pango breaks
 * it); the whole cell when it has neither ("1 234 567 €" holds only
 * no-break spaces, "13/04/2022" none). Pieces are measured when their
 * byte length is near the longest's: "population" is wider than
 * "(hab./km²)" though shorter in bytes. */
static double min_width(tob_doc_t *doc, PangoLayout *l, const char *font)
{
    const char *text = pango_layout_get_text(l);
    if (strpbrk(text, " -") == NULL)
        return natural_width(l);
    size_t longest = 0;
    for (size_t i = 0; text[i] != '\0';) {
        size_t len = strcspn(text + i, " -");
        len += text[i + len] == '-'; /* the hyphen ends its line */
        longest = len > longest ? len : longest;
        i += len + (text[i + len] == ' ');
    }
    double widest = 0;
    for (size_t i = 0; text[i] != '\0';) {
        size_t len = strcspn(text + i, " -");
        len += text[i + len] == '-';
        if (len + 4 >= longest)
            widest = fmax(widest, piece_width(doc, font, text + i, len));
        i += len + (text[i + len] == ' ');
    }
    return widest;
}

static void column_edges(const tob_table_t *t, const double *weights, double *x)
{
    double total = 0;
    for (size_t c = 0; c < t->n_columns; c++)
        total += weights[c];
    x[0] = TOB_PAGE_MARGIN_X;
    for (size_t c = 0; c < t->n_columns; c++)
        x[c + 1] = x[c] + TOB_FRAME_WIDTH * weights[c] / total;
}

/* Content widths: each column gets its minimum, then the room left is
 * shared in proportion to what each still lacks to show its cells on one
 * line. When the minimums do not fit, columns that cannot break (numbers,
 * codes, dates) keep theirs and the text columns share what is left. */
static void share_room(size_t nc, const double *lo, const double *hi,
                       double *weights)
{
    double lo_sum = 0, gap_sum = 0, fixed = 0, flexible = 0;
    for (size_t c = 0; c < nc; c++) {
        lo_sum += lo[c];
        gap_sum += hi[c] - lo[c];
        if (hi[c] - lo[c] < 0.5)
            fixed += lo[c];
        else
            flexible += lo[c];
    }
    double room = TOB_FRAME_WIDTH - lo_sum;
    double squeeze = room >= 0 || flexible <= 0
                         ? 1
                         : fmax(0.2, (TOB_FRAME_WIDTH - fixed) / flexible);
    for (size_t c = 0; c < nc; c++) {
        if (room < 0)
            weights[c] = hi[c] - lo[c] < 0.5 ? lo[c] : lo[c] * squeeze;
        else
            weights[c] = gap_sum > 0 ? lo[c] + room * (hi[c] - lo[c]) / gap_sum
                                     : lo[c] + room / (double)nc;
    }
}

static void auto_weights(tob_doc_t *doc, const table_lay_t *lay,
                         double *weights)
{
    size_t nc = lay->t->n_columns;
    double lo[64], hi[64];
    for (size_t c = 0; c < nc && c < 64; c++) {
        /* A header may wrap to its longest word: the cells, not the
         * header, say how wide a column wants to be. */
        lo[c] = min_width(doc, lay->head[c], HEAD_FONT);
        hi[c] = lo[c];
        for (size_t r = 0; r < lay->t->n_rows; r++) {
            PangoLayout *l = lay->cells[r * nc + c];
            double n = natural_width(l);
            hi[c] = n > hi[c] ? n : hi[c];
            if (n > lo[c])
                lo[c] = fmax(lo[c], min_width(doc, l, CELL_FONT));
        }
    }
    share_room(nc < 64 ? nc : 64, lo, hi, weights);
}

static void set_widths(PangoLayout **row, size_t n, const double *x)
{
    for (size_t c = 0; c < n; c++) {
        pango_layout_set_width(
            row[c], (int)((x[c + 1] - x[c] - 2 * CELL_PAD_X) * PANGO_SCALE));
        pango_layout_set_wrap(row[c], PANGO_WRAP_WORD_CHAR);
    }
}

static double row_height(PangoLayout **row, size_t n)
{
    double h = 0;
    for (size_t c = 0; c < n; c++) {
        double hc = layout_height(row[c]);
        h = hc > h ? hc : h;
    }
    return h + 2 * CELL_PAD_Y;
}

static void place_columns(tob_doc_t *doc, table_lay_t *lay)
{
    const tob_table_t *t = lay->t;
    size_t nc = t->n_columns;
    double weights[64];
    int fixed = nc <= 64;
    for (size_t c = 0; c < nc && fixed; c++)
        fixed = t->columns[c].weight > 0;
    if (fixed)
        for (size_t c = 0; c < nc; c++)
            weights[c] = t->columns[c].weight;
    else
        auto_weights(doc, lay, weights);
    column_edges(t, weights, lay->x);
    set_widths(lay->head, nc, lay->x);
    lay->head_h = row_height(lay->head, nc) + 2;
    for (size_t r = 0; r < t->n_rows; r++) {
        set_widths(lay->cells + r * nc, nc, lay->x);
        lay->row_h[r] = row_height(lay->cells + r * nc, nc);
    }
}

static int lay_table(tob_doc_t *doc, const tob_table_t *t, table_lay_t *lay)
{
    size_t nc = t->n_columns, n = t->n_rows;
    lay->t = t;
    lay->x = calloc(nc + 1, sizeof *lay->x);
    lay->cells = calloc(n * nc + 1, sizeof *lay->cells);
    lay->head = calloc(nc, sizeof *lay->head);
    lay->row_h = calloc(n + 1, sizeof *lay->row_h);
    if (!lay->x || !lay->cells || !lay->head || !lay->row_h)
        return -1;
    for (size_t c = 0; c < nc; c++)
        lay->head[c] = cell_layout(doc, HEAD_FONT, t->columns[c].header,
                                   t->columns[c].align);
    for (size_t r = 0; r < n; r++) {
        int bold = t->total_row > 0 && r + (size_t)t->total_row >= n;
        for (size_t c = 0; c < nc; c++)
            lay->cells[r * nc + c] =
                cell_layout(doc, bold ? HEAD_FONT : CELL_FONT,
                            t->cells[r * nc + c], t->columns[c].align);
    }
    place_columns(doc, lay);
    return 0;
}

static void free_lay(table_lay_t *lay)
{
    size_t nc = lay->t->n_columns;
    for (size_t i = 0; lay->cells != NULL && i < lay->t->n_rows * nc; i++)
        if (lay->cells[i] != NULL)
            g_object_unref(lay->cells[i]);
    for (size_t c = 0; lay->head != NULL && c < nc; c++)
        if (lay->head[c] != NULL)
            g_object_unref(lay->head[c]);
    free(lay->cells);
    free(lay->head);
    free(lay->x);
    free(lay->row_h);
}

/* A row; its texts in a TR of cells `cell` ("TH", "TD"), "" for texts in
 * the Table without cells, or NULL for a header repeated on a
 * continuation, drawn untagged. */
static void draw_row(tob_doc_t *doc, const table_lay_t *lay, PangoLayout **row,
                     double y, double h, unsigned bg, unsigned fg,
                     const char *cell)
{
    cairo_t *cr = doc->cr;
    double x0 = lay->x[0], x1 = lay->x[lay->t->n_columns];
    if (bg != 0xFFFFFFu) {
        set_rgb(cr, bg);
        cairo_rectangle(cr, x0, y, x1 - x0, h);
        cairo_fill(cr);
    }
    int cells = cell != NULL && cell[0] != '\0';
    if (cells)
        doc_tag_begin(doc, "TR", y);
    for (size_t c = 0; c < lay->t->n_columns; c++) {
        double cx = lay->x[c] + CELL_PAD_X, cy = y + CELL_PAD_Y;
        if (cells)
            doc_tagged_text(doc, cell, row[c], cx, cy, fg);
        else if (cell != NULL)
            doc_text(doc, row[c], cx, cy, fg);
        else
            draw_layout(cr, row[c], cx, cy, fg);
    }
    if (cells)
        doc_tag_end(doc, "TR", y);
}

static void rule(cairo_t *cr, const table_lay_t *lay, double y, double w,
                 unsigned rgb)
{
    set_rgb(cr, rgb);
    cairo_set_line_width(cr, w);
    cairo_move_to(cr, lay->x[0], y);
    cairo_line_to(cr, lay->x[lay->t->n_columns], y);
    cairo_stroke(cr);
}

/* Caption (with "(suite)" after the first page) and header row. */
static void draw_head(tob_doc_t *doc, const table_lay_t *lay, int cont)
{
    const tob_table_t *t = lay->t;
    if (t->caption != NULL && cont) { /* repeated: not read again */
        char text[512];
        snprintf(text, sizeof text, "%s (suite)", t->caption);
        doc->y += tob_doc_draw_text(doc, doc->cr, TOB_PAGE_MARGIN_X, doc->y,
                                    TOB_FRAME_WIDTH, CAPTION_FONT, TOB_RGB_TEXT,
                                    TOB_ALIGN_LEFT, text) +
                  4;
    }
    /* A longer table's caption is the first text of its first TBody (one
     * a page, closed with its chunk); a short one's, its Caption. */
    int cells = t->n_rows <= TAG_CELL_ROWS;
    if (!cont && !cells)
        doc_tag_begin(doc, "TBody", doc->y);
    if (!cont && t->caption != NULL) {
        PangoLayout *l =
            doc_layout(doc, CAPTION_FONT, TOB_FRAME_WIDTH, t->caption, 0);
        if (cells)
            doc_tagged_text(doc, "Caption", l, TOB_PAGE_MARGIN_X, doc->y,
                            TOB_RGB_TEXT);
        else
            doc_text(doc, l, TOB_PAGE_MARGIN_X, doc->y, TOB_RGB_TEXT);
        doc->y += layout_height(l) + 4;
        g_object_unref(l);
    }
    draw_row(doc, lay, lay->head, doc->y, lay->head_h, TOB_RGB_TINT,
             TOB_RGB_ACCENT,
             cont    ? NULL
             : cells ? "TH"
                     : "");
    rule(doc->cr, lay, doc->y + lay->head_h, 0.9, TOB_RGB_ACCENT);
    doc->y += lay->head_h;
}

static void draw_chunk(tob_doc_t *doc, const table_lay_t *lay, size_t from,
                       size_t to)
{
    size_t nc = lay->t->n_columns;
    int cells = lay->t->n_rows <= TAG_CELL_ROWS;
    const char *cell = cells ? "TD" : "";
    if (from > 0 && !cells) /* a continuation's TBody */
        doc_tag_begin(doc, "TBody", doc->y);
    for (size_t r = from; r < to; r++) {
        size_t n_total = lay->t->total_row > 0 ? (size_t)lay->t->total_row : 0;
        int total = r + n_total >= lay->t->n_rows;
        if (n_total > 0 && r + n_total == lay->t->n_rows)
            rule(doc->cr, lay, doc->y, 0.9, TOB_RGB_ACCENT);
        draw_row(doc, lay, lay->cells + r * nc, doc->y, lay->row_h[r],
                 (r % 2 == 1 && !total) ? ZEBRA_RGB : 0xFFFFFFu, TOB_RGB_TEXT,
                 cell);
        doc->y += lay->row_h[r];
    }
    rule(doc->cr, lay, doc->y, 0.6, TOB_RGB_RULE);
    if (!cells)
        doc_tag_end(doc, "TBody", doc->y);
}

static tob_status_t flow_table(tob_doc_t *doc, const table_lay_t *lay,
                               size_t *starts, tob_error_t *err)
{
    size_t n = lay->t->n_rows;
    double head = lay->head_h + lay->caption_h;
    double lead = head + lay->row_h[0] + (n > 1 ? lay->row_h[1] : 0);
    double whole = head;
    for (size_t i = 0; i < n; i++)
        whole += lay->row_h[i];
    /* Room for what must stay together (the heading before it goes along):
     * a short table whole, else its header and first two rows. */
    double page = TOB_PAGE_BOTTOM - TOB_PAGE_TOP;
    tob_status_t s = doc_reserve(doc, whole <= page / 3 ? whole : lead, err);
    if (s != TOB_OK)
        return s;
    int new_page = 0;
    size_t n_chunks = tob_layout_split_rows(
        lay->row_h, n, head, TOB_PAGE_BOTTOM - doc->y,
        TOB_PAGE_BOTTOM - TOB_PAGE_TOP, starts, n, &new_page);
    for (size_t k = 0; k < n_chunks && s == TOB_OK; k++) {
        if (k > 0 || (new_page && doc->y > TOB_PAGE_TOP))
            s = doc_new_flow_page(doc, err);
        if (s != TOB_OK)
            break;
        double top = doc->y;
        if (k == 0) /* one Table across its pages */
            doc_tag_begin(doc, "Table", top);
        draw_head(doc, lay, k > 0);
        draw_chunk(doc, lay, starts[k], k + 1 < n_chunks ? starts[k + 1] : n);
        if (k + 1 == n_chunks)
            doc_tag_end(doc, "Table", top);
        doc_band(doc, top, doc->y, 0, k > 0);
    }
    doc->y += 10;
    return s;
}

tob_status_t tob_doc_table(tob_doc_t *doc, const tob_table_t *table,
                           tob_error_t *err)
{
    if (table->n_columns == 0 || table->n_columns > 64)
        return tob_error_set(err, TOB_ERR_ARG, "a table has 1 to 64 columns");
    if (table->n_rows == 0)
        return TOB_OK;
    table_lay_t lay = {0};
    size_t *starts = calloc(table->n_rows, sizeof *starts);
    tob_status_t s = TOB_OK;
    if (starts == NULL || lay_table(doc, table, &lay) != 0) {
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    } else {
        if (table->caption != NULL) {
            PangoLayout *c = doc_layout(doc, CAPTION_FONT, TOB_FRAME_WIDTH,
                                        table->caption, 0);
            lay.caption_h = layout_height(c) + 4;
            g_object_unref(c);
        }
        s = flow_table(doc, &lay, starts, err);
    }
    if (lay.t != NULL)
        free_lay(&lay);
    free(starts);
    return s;
}
