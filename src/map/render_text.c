/* render_text.c - text with Pango: measured and drawn in page units, with
 * an optional halo. On SVG pages texts are recorded instead and written as
 * <text> elements after Cairo's drawing, so the SVG holds real text that
 * editors and search can use (Cairo's SVG surface writes glyph outlines). */
#include "render_internal.h"

#include "base/pango_text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_FONT "DejaVu Sans"
#define PT_TO_MM (25.4 / 72.0)

static PangoLayout *make_layout(render_t *r, const char *text, const rfont_t *f)
{
    PangoLayout *layout = pango_cairo_create_layout(r->cr);
    /* Unhinted metrics: the same layout on PNG, PDF and SVG pages. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(layout), fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(layout);
    PangoFontDescription *desc = pango_font_description_from_string(
        r->style->font ? r->style->font : DEFAULT_FONT);
    pango_font_description_set_absolute_size(desc, f->size_pt * PT_TO_MM *
                                                       r->u * PANGO_SCALE);
    if (f->bold)
        pango_font_description_set_weight(desc, PANGO_WEIGHT_BOLD);
    if (f->italic)
        pango_font_description_set_style(desc, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    if (f->wrap > 0) {
        pango_layout_set_width(layout, (int)(f->wrap * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    }
    pango_text_set(layout, text, 0);
    return layout;
}

void text_measure(render_t *r, const char *text, const rfont_t *f, double *w,
                  double *h)
{
    PangoLayout *layout = make_layout(r, text, f);
    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    g_object_unref(layout);
}

static double halo_width(const render_t *r, const rfont_t *f)
{
    return fmax(0.6, f->size_pt * 0.22) * PT_TO_MM * r->u;
}

static rtext_t *new_text(render_t *r, const char *text, size_t len)
{
    if (r->n_texts == r->cap_texts) {
        size_t cap = r->cap_texts ? r->cap_texts * 2 : 64;
        rtext_t *more = realloc(r->texts, cap * sizeof *more);
        if (more == NULL)
            return NULL;
        r->texts = more;
        r->cap_texts = cap;
    }
    rtext_t *t = &r->texts[r->n_texts];
    if ((t->text = malloc(len + 1)) == NULL)
        return NULL;
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    r->n_texts++;
    return t;
}

/* Records each line of a layout for the SVG writer; one that cannot be
 * recorded (out of memory) is reported by text_lost. */
static void record(render_t *r, PangoLayout *layout, const char *text,
                   const rfont_t *f, double x, double y)
{
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        /* The layout's text: its no-break spaces are spaces. */
        rtext_t *t =
            new_text(r, text + line->start_index, (size_t)line->length);
        if (t == NULL) {
            r->text_lost = 1;
            break;
        }
        /* Cairo's SVG user unit is the page unit: positions carry over. */
        t->x = x + (double)logical.x / PANGO_SCALE;
        t->y = y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        t->size = f->size_pt * PT_TO_MM * r->u;
        t->bold = f->bold;
        t->italic = f->italic;
        t->color = f->color;
        t->halo = f->halo;
        t->halo_width = halo_width(r, f) * 2;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* A halo on a PDF page: the text in the halo's colour drawn once, as a
 * group, then placed 16 times around the label (8 directions at the
 * halo's width, 8 between them at half of it): the union is the stroked
 * outline to within a tenth of the width, and the page holds the text
 * once and 16 references to it instead of every glyph's outline drawn
 * as curves (a fifth of a carnet's bytes). */
static void vector_halo(cairo_t *cr, PangoLayout *layout, tob_rgb_t halo,
                        double w, double x, double y)
{
    cairo_push_group(cr);
    cairo_move_to(cr, x, y);
    set_color(cr, (tob_rgb_t){halo.r, halo.g, halo.b, 255});
    pango_cairo_show_layout(cr, layout);
    cairo_pattern_t *text = cairo_pop_group(cr);
    int translucent = halo.a < 255; /* copies overlap: one alpha for all */
    if (translucent)
        cairo_push_group(cr);
    for (int i = 0; i < 24; i++) {
        double a = i < 16 ? i * (M_PI / 8) : (i - 16) * (M_PI / 4) + M_PI / 8;
        double d = i < 16 ? w : w / 2;
        cairo_save(cr);
        cairo_translate(cr, d * cos(a), d * sin(a));
        cairo_set_source(cr, text);
        cairo_paint(cr);
        cairo_restore(cr);
    }
    cairo_pattern_destroy(text);
    if (translucent) {
        cairo_pop_group_to_source(cr);
        cairo_paint_with_alpha(cr, halo.a / 255.0);
    }
    cairo_move_to(cr, x, y);
}

void text_draw(render_t *r, const char *text, const rfont_t *f, double x,
               double y)
{
    PangoLayout *layout = make_layout(r, text, f);
    cairo_t *cr = r->cr;
    if (r->text_as_svg) {
        record(r, layout, pango_layout_get_text(layout), f, x, y);
        g_object_unref(layout);
        return;
    }
    cairo_save(cr);
    cairo_move_to(cr, x, y);
    if (f->halo.a > 0 && cairo_surface_get_type(cairo_get_target(cr)) !=
                             CAIRO_SURFACE_TYPE_IMAGE) {
        vector_halo(cr, layout, f->halo, halo_width(r, f), x, y);
    } else if (f->halo.a > 0) {
        pango_cairo_layout_path(cr, layout);
        set_color(cr, f->halo);
        cairo_set_line_width(cr, halo_width(r, f) * 2);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_move_to(cr, x, y);
    }
    set_color(cr, f->color);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
    g_object_unref(layout);
}

void text_sink_free(render_t *r)
{
    for (size_t i = 0; i < r->n_texts; i++)
        free(r->texts[i].text);
    free(r->texts);
    free(r->svg_territories);
    r->svg_territories = NULL;
    r->texts = NULL;
    r->n_texts = r->cap_texts = 0;
}

static void put_rgb(FILE *out, const char *attr, tob_rgb_t c)
{
    fprintf(out, " %s=\"#%02x%02x%02x\"", attr, c.r, c.g, c.b);
    if (c.a < 255)
        fprintf(out, " %s-opacity=\"%.3f\"", attr, c.a / 255.0);
}

void render_write_svg_texts(const render_t *r, FILE *out)
{
    const char *family = r->style->font ? r->style->font : DEFAULT_FONT;
    if (r->svg_territories != NULL)
        fputs(r->svg_territories, out);
    fputs("<g id=\"terrobs-text\">\n", out);
    for (size_t i = 0; i < r->n_texts; i++) {
        const rtext_t *t = &r->texts[i];
        fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"", t->x, t->y);
        svg_put_escaped(out, family);
        fprintf(out, "\" font-size=\"%.2f\"%s%s", t->size,
                t->bold ? " font-weight=\"bold\"" : "",
                t->italic ? " font-style=\"italic\"" : "");
        put_rgb(out, "fill", t->color);
        if (t->halo.a > 0) {
            put_rgb(out, "stroke", t->halo);
            fprintf(out,
                    " stroke-width=\"%.2f\" stroke-linejoin=\"round\""
                    " paint-order=\"stroke\"",
                    t->halo_width);
        }
        fputs(" xml:space=\"preserve\">", out);
        svg_put_escaped(out, t->text);
        fputs("</text>\n", out);
    }
    fputs("</g>\n", out);
}
