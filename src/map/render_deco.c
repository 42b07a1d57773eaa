/* render_deco.c - the page around the map: title and subtitle on top, the
 * source and date line at the bottom, the legend beside or over the map,
 * inset boxes, a scale bar of round length (1, 2 or 5 x 10^n) and a north
 * arrow turned to true north. Every box drawn over the map is reserved so
 * that labels keep off it. */
#include "render_internal.h"

#include <cpl_error.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TITLE_PT 15.0
#define SUBTITLE_PT 10.0
#define FOOTER_PT 7.0
#define INSET_TITLE_PT 7.0
#define SCALE_PT 7.0
#define PAD 2.0 /* mm between a corner element and the frame */

static const tob_rgb_t INK = {0x22, 0x22, 0x22, 255};
static const tob_rgb_t GREY = {0x55, 0x55, 0x55, 255};
static const tob_rgb_t NONE = {0, 0, 0, 0};

static rfont_t font(double pt, int bold, tob_rgb_t color, double wrap)
{
    rfont_t f = {pt, bold, 0, color, NONE, wrap};
    return f;
}

void render_reserve(render_t *r, rbox_t box)
{
    if (r->n_reserved < RENDER_MAX_RESERVED)
        r->reserved[r->n_reserved++] = box;
}

/* "Source : Insee 2021 — Réalisation : terrobs, 23/11/2026" (French
 * typography: a no-break space before the colon). */
static void footer_text(const render_t *r, char *buf, size_t size)
{
    const tob_style_t *style = r->style;
    const char *date = style->date != NULL ? style->date : r->today;
    char made[256];
    snprintf(made, sizeof made, "Réalisation\u00a0: %s%s%s",
             style->author ? style->author : "terrobs",
             date[0] != '\0' ? ", " : "", date);
    const char *source = style->source != NULL ? style->source
                         : r->auto_source[0]   ? r->auto_source
                                               : NULL;
    if (source != NULL)
        snprintf(buf, size, "Source%s\u00a0: %s — %s",
                 style->source == NULL && strchr(source, ';') ? "s" : "",
                 source, made);
    else
        snprintf(buf, size, "%s", made);
}

/* Corner box of size (w, h) inside frame f at pos, PAD mm in. */
static rbox_t corner(const render_t *r, rbox_t f, style_pos_t pos, double w,
                     double h)
{
    double pad = PAD * r->u;
    int right = pos == STYLE_POS_TOP_RIGHT || pos == STYLE_POS_BOTTOM_RIGHT;
    int bottom = pos == STYLE_POS_BOTTOM_LEFT || pos == STYLE_POS_BOTTOM_RIGHT;
    double x = right ? f.x1 - pad - w : f.x0 + pad;
    double y = bottom ? f.y1 - pad - h : f.y0 + pad;
    return (rbox_t){x, y, x + w, y + h};
}

static double title_block(render_t *r, double y, double width, int draw)
{
    const tob_style_t *style = r->style;
    double w, h, used = 0;
    if (style->title != NULL) {
        rfont_t f = font(TITLE_PT, 1, INK, width);
        text_measure(r, style->title, &f, &w, &h);
        if (draw)
            text_draw(r, style->title, &f, r->page.x0 + style->margin * r->u,
                      y);
        used += h;
    }
    if (style->subtitle != NULL) {
        rfont_t f = font(SUBTITLE_PT, 0, GREY, width);
        text_measure(r, style->subtitle, &f, &w, &h);
        if (draw)
            text_draw(r, style->subtitle, &f, r->page.x0 + style->margin * r->u,
                      y + used);
        used += h;
    }
    return used > 0 ? used + 2.5 * r->u : 0;
}

static void place_insets(render_t *r)
{
    const rbox_t main = r->views[0].frame;
    for (size_t i = 0; i < r->style->n_insets; i++) {
        const style_inset_t *in = &r->style->insets[i];
        rview_t *v = &r->views[1 + i];
        rbox_t box =
            corner(r, main, in->position, in->width * r->u, in->height * r->u);
        double title_h = 0, w;
        if (in->title != NULL) {
            rfont_t f = font(INSET_TITLE_PT, 1, INK, 0);
            text_measure(r, in->title, &f, &w, &title_h);
        }
        double pad = 1.5 * r->u;
        v->frame = (rbox_t){box.x0 + pad, box.y0 + pad + title_h, box.x1 - pad,
                            box.y1 - pad};
        r->inset_boxes[i] = box;
        render_fit_view(v);
    }
}

void render_layout(render_t *r)
{
    const tob_style_t *style = r->style;
    double m = style->margin * r->u;
    rbox_t area = {r->page.x0 + m, r->page.y0 + m, r->page.x1 - m,
                   r->page.y1 - m};
    area.y0 += title_block(r, area.y0, area.x1 - area.x0, 0);
    if (style->footer) {
        char footer[1024];
        footer_text(r, footer, sizeof footer);
        double fw, fh;
        rfont_t ff = font(FOOTER_PT, 0, GREY, area.x1 - area.x0);
        text_measure(r, footer, &ff, &fw, &fh);
        r->footer_y = area.y1 - fh;
        area.y1 -= fh + 2 * r->u;
    }
    double lw = 0, lh = 0;
    if (style->legend != STYLE_POS_NONE)
        render_legend_size(r, &lw, &lh);
    if (style->legend == STYLE_POS_RIGHT) {
        r->legend_box = (rbox_t){area.x1 - lw, area.y0, area.x1, area.y0 + lh};
        area.x1 -= lw + 3 * r->u;
    } else if (style->legend == STYLE_POS_LEFT) {
        r->legend_box = (rbox_t){area.x0, area.y0, area.x0 + lw, area.y0 + lh};
        area.x0 += lw + 3 * r->u;
    } else if (style->legend != STYLE_POS_NONE) {
        r->legend_box = corner(r, area, style->legend, lw, lh);
        render_reserve(r, r->legend_box);
    }
    r->views[0].frame = area;
    render_fit_view(&r->views[0]);
    place_insets(r);
}

/* 1, 2 or 5 x 10^n at or below v. */
static double round_length(double v)
{
    double p = pow(10, floor(log10(v)));
    double m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

/* A corner box, moved along the frame's edge past the boxes already
 * reserved there (insets, a legend over the map, the scale bar). */
static rbox_t beside_insets(const render_t *r, style_pos_t pos, double w,
                            double h)
{
    rbox_t b = corner(r, r->views[0].frame, pos, w, h);
    int right = pos == STYLE_POS_TOP_RIGHT || pos == STYLE_POS_BOTTOM_RIGHT;
    size_t n = r->n_reserved + r->style->n_insets;
    for (size_t pass = 0; pass < n; pass++)
        for (size_t i = 0; i < n; i++) {
            rbox_t o = i < r->n_reserved ? r->reserved[i]
                                         : r->inset_boxes[i - r->n_reserved];
            if (!box_overlaps(b, o))
                continue;
            double dx =
                right ? (o.x0 - PAD * r->u) - b.x1 : (o.x1 + PAD * r->u) - b.x0;
            b.x0 += dx;
            b.x1 += dx;
        }
    return b;
}

/* A scale bar for view v, about `share` of its frame wide: its size, and
 * its drawing with the top-left at (x0, y0) when draw. */
typedef struct scale {
    double bar, bar_h, tw, th, zw;
    char end[64];
    rfont_t f;
} scale_t;

static void scale_measure(render_t *r, const rview_t *v, double share,
                          double pt, scale_t *sc)
{
    double frame_w = (v->frame.x1 - v->frame.x0) / v->t.s; /* metres */
    double len = round_length(frame_w * share);
    sc->bar = len * v->t.s;
    sc->bar_h = pt / SCALE_PT * 1.2 * r->u;
    if (len >= 1000)
        snprintf(sc->end, sizeof sc->end, "%g\u00a0km", len / 1000);
    else
        snprintf(sc->end, sizeof sc->end, "%g\u00a0m", len);
    sc->f = font(pt, 0, INK, 0);
    sc->f.halo = (tob_rgb_t){255, 255, 255, 255};
    double zh;
    text_measure(r, sc->end, &sc->f, &sc->tw, &sc->th);
    text_measure(r, "0", &sc->f, &sc->zw, &zh);
}

static void scale_draw(render_t *r, const scale_t *sc, double x0, double y0)
{
    double x = x0 + sc->zw / 2, y = y0 + sc->th + 0.5 * r->u;
    cairo_t *cr = r->cr;
    for (int i = 0; i < 2; i++) {
        cairo_rectangle(cr, x + i * sc->bar / 2, y, sc->bar / 2, sc->bar_h);
        cairo_set_source_rgb(cr, i ? 1 : 0.15, i ? 1 : 0.15, i ? 1 : 0.15);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_set_line_width(cr, 0.15 * r->u);
        cairo_stroke(cr);
    }
    text_draw(r, "0", &sc->f, x - sc->zw / 2, y0);
    text_draw(r, sc->end, &sc->f, x + sc->bar - sc->tw / 2, y0);
}

static void scale_bar(render_t *r)
{
    const rview_t *v = &r->views[0];
    if (r->style->scalebar == STYLE_POS_NONE || !(v->t.s > 0))
        return;
    scale_t sc;
    scale_measure(r, v, 0.22, SCALE_PT, &sc);
    double w = sc.bar + sc.tw / 2 + sc.zw / 2;
    double h = sc.th + sc.bar_h + 0.5 * r->u;
    rbox_t b = beside_insets(r, r->style->scalebar, w, h);
    scale_draw(r, &sc, b.x0, b.y0);
    render_reserve(r, b);
}

/* An inset is at its own scale: it gets its own small bar, bottom right. */
void render_inset_scale(render_t *r, size_t i)
{
    const rview_t *v = &r->views[1 + i];
    if (r->style->scalebar == STYLE_POS_NONE || !(v->t.s > 0))
        return;
    scale_t sc;
    scale_measure(r, v, 0.3, SCALE_PT - 1, &sc);
    double w = sc.bar + sc.tw / 2 + sc.zw / 2;
    double h = sc.th + sc.bar_h + 0.5 * r->u;
    rbox_t in = r->inset_boxes[i];
    double pad = 1.2 * r->u;
    scale_draw(r, &sc, in.x1 - pad - w, in.y1 - pad - h);
}

/* Angle from grid north to true north at the map centre, radians. */
static double north_angle(render_t *r)
{
    const rview_t *v = &r->views[0];
    OGRCoordinateTransformationH to = render_transform(v->srid, 4326, NULL);
    OGRCoordinateTransformationH back = render_transform(4326, v->srid, NULL);
    double x = (v->ext[0] + v->ext[2]) / 2, y = (v->ext[1] + v->ext[3]) / 2;
    double x2 = x, y2 = y, angle = 0;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (to != NULL && back != NULL && OCTTransform(to, 1, &x2, &y2, NULL)) {
        y2 += 0.05; /* latitude, degrees */
        if (OCTTransform(back, 1, &x2, &y2, NULL))
            angle = atan2(x2 - x, y2 - y);
    }
    CPLPopErrorHandler();
    if (to != NULL)
        OCTDestroyCoordinateTransformation(to);
    if (back != NULL)
        OCTDestroyCoordinateTransformation(back);
    return angle;
}

static void north_arrow(render_t *r)
{
    if (r->style->north == STYLE_POS_NONE)
        return;
    rfont_t f = font(8, 1, INK, 0);
    double tw, th, w = 5 * r->u, h = 8 * r->u;
    text_measure(r, "N", &f, &tw, &th);
    rbox_t b = beside_insets(r, r->style->north, fmax(w, tw), h + th);
    double cx = (b.x0 + b.x1) / 2, cy = b.y0 + th + h / 2;
    cairo_t *cr = r->cr;
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_rotate(cr, north_angle(r));
    for (int side = -1; side <= 1; side += 2) {
        cairo_move_to(cr, 0, -h / 2);
        cairo_line_to(cr, side * w / 2, h / 2);
        cairo_line_to(cr, 0, h / 4);
        cairo_close_path(cr);
        double g = side < 0 ? 0.15 : 1;
        cairo_set_source_rgb(cr, g, g, g);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_set_line_width(cr, 0.15 * r->u);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    text_draw(r, "N", &f, cx - tw / 2, b.y0);
    render_reserve(r, b);
}

static void frame_box(render_t *r, rbox_t b, double width_mm)
{
    cairo_new_path(r->cr);
    cairo_rectangle(r->cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgb(r->cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(r->cr, width_mm * r->u);
    cairo_stroke(r->cr);
}

/* The white ground and frame of each inset, drawn before its map. */
void render_inset_ground(render_t *r, size_t i)
{
    rbox_t b = r->inset_boxes[i];
    cairo_new_path(r->cr);
    cairo_rectangle(r->cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgb(r->cr, 1, 1, 1);
    cairo_fill(r->cr);
    frame_box(r, b, 0.25);
    const char *title = r->style->insets[i].title;
    if (title != NULL) {
        rfont_t f = font(INSET_TITLE_PT, 1, INK, 0);
        text_draw(r, title, &f, b.x0 + 1.5 * r->u, b.y0 + 1 * r->u);
    }
}

/* Scale bar and north arrow before the labels, which keep off them. */
void render_reserve_decorations(render_t *r)
{
    scale_bar(r);
    north_arrow(r);
}

void render_decorations(render_t *r)
{
    const tob_style_t *style = r->style;
    if (style->frame)
        frame_box(r, r->views[0].frame, 0.25);
    if (style->legend != STYLE_POS_NONE)
        render_legend_draw(r, r->legend_box);
    double m = style->margin * r->u;
    double width = r->page.x1 - r->page.x0 - 2 * m;
    title_block(r, r->page.y0 + m, width, 1);
    if (!style->footer)
        return; /* the document around the map cites its sources */
    char footer[1024];
    footer_text(r, footer, sizeof footer);
    rfont_t ff = font(FOOTER_PT, 0, GREY, width);
    text_draw(r, footer, &ff, r->page.x0 + m, r->footer_y);
}
