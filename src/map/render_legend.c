/* render_legend.c - the legend: a title, then one row per class or
 * category (swatch, bounds in French number format, count of features),
 * nested reference circles for proportional symbols, and the "Données non
 * disponibles" row when values are missing. Measured and drawn by the same
 * walk, so the box always fits what is drawn. */
#include "render_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define TAU 6.283185307179586
#define TITLE_PT 8.5
#define ENTRY_PT 7.5
#define SWATCH_W 6.0 /* mm */
#define SWATCH_H 4.0
#define GAP 1.6
#define TITLE_WRAP 52.0 /* mm: longer titles wrap */

typedef struct walk {
    render_t *r;
    int draw;
    double x, y;    /* top-left of the content */
    double w, h;    /* content size so far */
    double label_w; /* widest entry label */
} walk_t;

static rfont_t font(double pt, int bold, tob_rgb_t color)
{
    rfont_t f = {pt, bold, 0, color, {0, 0, 0, 0}, 0};
    return f;
}

static const tob_rgb_t INK = {0x22, 0x22, 0x22, 255};
static const tob_rgb_t GREY = {0x66, 0x66, 0x66, 255};

/* "Densité de population 2021 (hab./km²)": the style's title or the
 * variable's label, and the style's unit or the variable's. */
static const char *legend_title(render_t *r)
{
    const tob_style_t *style = r->style;
    const char *title = style->legend_title;
    if (title == NULL)
        title = r->var_label[0] != '\0'       ? r->var_label
                : style->kind == STYLE_POINTS ? "Localisation"
                                              : "Valeur";
    const char *unit = style->unit != NULL ? style->unit : r->var_unit;
    if (style->kind == STYLE_DISCONTINUITY && style->legend_title == NULL) {
        int absolute = style->disc_type != NULL &&
                       strcmp(style->disc_type, "absolute") == 0;
        snprintf(r->legend_title, sizeof r->legend_title,
                 absolute ? "%s : écart entre voisins%s%s%s"
                          : "%s : rapport entre voisins (le plus fort sur le "
                            "plus faible)%.0s%.0s%.0s",
                 title, unit[0] && absolute ? " (" : "", unit,
                 unit[0] && absolute ? ")" : "");
        return r->legend_title;
    }
    if (unit[0] != '\0' && style->legend_title == NULL)
        snprintf(r->legend_title, sizeof r->legend_title, "%s (%s)", title,
                 unit);
    else if (unit[0] != '\0' && style->unit != NULL)
        snprintf(r->legend_title, sizeof r->legend_title, "%s (%s)", title,
                 unit);
    else
        snprintf(r->legend_title, sizeof r->legend_title, "%s", title);
    return r->legend_title;
}

/* The second legend's title: the style's, else the colour variable's
 * label and unit, else a plain word. */
static const char *color_title(render_t *r, char *buf, size_t size)
{
    const tob_style_t *style = r->style;
    if (style->color_title != NULL)
        return style->color_title;
    const char *label = r->var2_label[0] != '\0'         ? r->var2_label
                        : style->kind == STYLE_PROP_TYPO ? "Catégorie"
                                                         : "Classe";
    if (r->var2_unit[0] != '\0')
        snprintf(buf, size, "%s (%s)", label, r->var2_unit);
    else
        snprintf(buf, size, "%s", label);
    return buf;
}

static void walk_text(walk_t *wk, const char *text, double pt, int bold,
                      double wrap)
{
    render_t *r = wk->r;
    rfont_t f = font(pt, bold, INK);
    f.wrap = wrap * r->u;
    double tw, th;
    text_measure(r, text, &f, &tw, &th);
    if (wk->draw)
        text_draw(r, text, &f, wk->x, wk->y + wk->h);
    wk->w = fmax(wk->w, tw);
    wk->h += th + GAP * r->u;
}

static void walk_title(walk_t *wk)
{
    walk_text(wk, legend_title(wk->r), TITLE_PT, 1, TITLE_WRAP);
}

static void count_text(const render_t *r, size_t count, char *buf, size_t size)
{
    char n[TOB_FMT_MAX];
    tob_fmt_number_fr((double)count, 0, n, sizeof n);
    snprintf(buf, size, "%s", r->style->counts ? n : "");
}

static void swatch(render_t *r, double x, double y, const tob_legend_entry_t *e)
{
    cairo_t *cr = r->cr;
    double w = SWATCH_W * r->u, h = SWATCH_H * r->u;
    cairo_new_path(cr);
    if (r->style->kind == STYLE_POINTS) {
        cairo_arc(cr, x + w / 2, y + h / 2, r->style->point_size * r->u, 0,
                  TAU);
    } else if (style_has_circles(r->style->kind) && !e->is_missing) {
        cairo_arc(cr, x + w / 2, y + h / 2, h / 2, 0, TAU);
    } else if (r->style->kind == STYLE_DISCONTINUITY && !e->is_missing) {
        size_t i = (size_t)(e - r->report->entries);
        cairo_move_to(cr, x, y + h / 2);
        cairo_line_to(cr, x + w, y + h / 2);
        set_color(cr, e->color);
        cairo_set_line_width(cr, r->entry_width[i] * r->u);
        cairo_stroke(cr);
        return;
    } else {
        cairo_rectangle(cr, x, y, w, h);
    }
    set_color(cr, e->color);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 0.1 * r->u);
    cairo_stroke(cr);
}

/* A row: swatch, label, and the count right-aligned in its column. */
static void walk_row(walk_t *wk, const tob_legend_entry_t *e, double count_col)
{
    render_t *r = wk->r;
    rfont_t f = font(ENTRY_PT, 0, INK);
    double tw, th, cw = 0, ch;
    char count[TOB_FMT_MAX];
    count_text(r, e->count, count, sizeof count);
    text_measure(r, e->label, &f, &tw, &th);
    double row_h = fmax(SWATCH_H * r->u, th);
    double text_x = wk->x + (SWATCH_W + GAP) * r->u;
    rfont_t fc = font(ENTRY_PT, 0, GREY);
    if (count[0] != '\0')
        text_measure(r, count, &fc, &cw, &ch);
    if (wk->draw) {
        swatch(r, wk->x, wk->y + wk->h + (row_h - SWATCH_H * r->u) / 2, e);
        text_draw(r, e->label, &f, text_x, wk->y + wk->h + (row_h - th) / 2);
        if (count[0] != '\0')
            text_draw(r, count, &fc, text_x + count_col - cw,
                      wk->y + wk->h + (row_h - th) / 2);
    }
    wk->label_w = fmax(wk->label_w, tw);
    wk->w = fmax(wk->w, (SWATCH_W + GAP) * r->u + count_col);
    wk->h += row_h + 0.9 * r->u;
}

/* Width of the label column plus the count column. */
static double count_column(render_t *r)
{
    rfont_t f = font(ENTRY_PT, 0, INK);
    double widest = 0, widest_count = 0, w, h;
    char count[TOB_FMT_MAX];
    for (size_t i = 0; i < r->report->n_entries; i++) {
        text_measure(r, r->report->entries[i].label, &f, &w, &h);
        widest = fmax(widest, w);
        count_text(r, r->report->entries[i].count, count, sizeof count);
        if (count[0] != '\0') {
            text_measure(r, count, &f, &w, &h);
            widest_count = fmax(widest_count, w);
        }
    }
    return widest + (widest_count > 0 ? 3 * r->u + widest_count : 0);
}

/* Nested circles sharing their bottom, each value at the end of a line
 * from its top. */
static void walk_circles(walk_t *wk)
{
    render_t *r = wk->r;
    const tob_map_report_t *rep = r->report;
    double big = 0;
    for (size_t i = 0; i < r->n_size_entries; i++)
        if (!rep->entries[i].is_missing)
            big = fmax(big, r->style->max_radius *
                                sqrt(rep->entries[i].upper / r->max_value));
    big *= r->u;
    double cx = wk->x + big, bottom = wk->y + wk->h + 2 * big;
    double line_end = cx + big + 3 * r->u;
    rfont_t f = font(ENTRY_PT, 0, INK);
    double widest = 0, tw, th;
    for (size_t i = 0; i < r->n_size_entries; i++) {
        const tob_legend_entry_t *e = &rep->entries[i];
        if (e->is_missing)
            continue;
        double rad =
            r->style->max_radius * sqrt(e->upper / r->max_value) * r->u;
        text_measure(r, e->label, &f, &tw, &th);
        widest = fmax(widest, tw);
        if (!wk->draw)
            continue;
        cairo_t *cr = r->cr;
        cairo_new_path(cr);
        cairo_arc(cr, cx, bottom - rad, rad, 0, TAU);
        set_color(cr, e->color);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.15 * r->u);
        cairo_stroke(cr);
        cairo_move_to(cr, cx, bottom - 2 * rad);
        cairo_line_to(cr, line_end, bottom - 2 * rad);
        cairo_set_line_width(cr, 0.1 * r->u);
        cairo_stroke(cr);
        text_draw(r, e->label, &f, line_end + 1 * r->u,
                  bottom - 2 * rad - th / 2);
    }
    wk->w = fmax(wk->w, line_end + 1 * r->u + widest - wk->x);
    wk->h += 2 * big + GAP * r->u;
}

#define CELL 8.0 /* mm: a cell of the bivariate square */
#define BOUND_PT 6.0

/* The 3 x 3 square: the first variable's classes from left to right, the
 * second's from bottom to top, the bounds of each along its side. */
static void walk_bivariate(walk_t *wk)
{
    render_t *r = wk->r;
    const tob_map_report_t *rep = r->report;
    char y_title[384], x_title[384];
    snprintf(y_title, sizeof y_title, "↑ %s",
             color_title(r, x_title, sizeof x_title));
    walk_text(wk, y_title, ENTRY_PT, 1, TITLE_WRAP);
    double cell = CELL * r->u, x0 = wk->x, y0 = wk->y + wk->h;
    rfont_t fb = font(BOUND_PT, 0, GREY);
    double widest = 0, tw, th = 0;
    int d = r->style->decimals >= 0 ? r->style->decimals : r->decimals;
    int d2 = r->style->decimals >= 0 ? r->style->decimals : r->decimals2;
    for (int i = 0; i < 4; i++) {
        char text[TOB_FMT_MAX];
        tob_fmt_number_fr(r->bi_y[i], d2 >= 0 ? d2 : 1, text, sizeof text);
        text_measure(r, text, &fb, &tw, &th);
        widest = fmax(widest, tw);
        if (wk->draw)
            text_draw(r, text, &fb, x0 + 3 * cell + 1 * r->u,
                      y0 + (3 - i) * cell - th / 2);
    }
    for (int i = 0; wk->draw && i < 9; i++) {
        cairo_new_path(r->cr);
        cairo_rectangle(r->cr, x0 + (i % 3) * cell, y0 + (2 - i / 3) * cell,
                        cell, cell);
        set_color(r->cr, rep->entries[i].color);
        cairo_fill(r->cr);
    }
    double bottom = y0 + 3 * cell + 0.8 * r->u, bound_h = th;
    for (int i = 0; i < 4; i++) {
        char text[TOB_FMT_MAX];
        tob_fmt_number_fr(r->bi_x[i], d >= 0 ? d : 1, text, sizeof text);
        text_measure(r, text, &fb, &tw, &th);
        /* alternate rows keep wide numbers apart */
        double y = bottom + (i % 2) * th;
        if (wk->draw)
            text_draw(r, text, &fb, x0 + i * cell - tw / 2, y);
        widest = fmax(widest, i == 3 ? tw / 2 : 0);
    }
    wk->w = fmax(wk->w, 3 * cell + 1 * r->u + widest);
    wk->h += 3 * cell + 0.8 * r->u + 2 * bound_h + GAP * r->u;
    snprintf(x_title, sizeof x_title, "%s%s%s%s →", r->var_label,
             r->var_unit[0] ? " (" : "", r->var_unit,
             r->var_unit[0] ? ")" : "");
    walk_text(wk, x_title, ENTRY_PT, 1, TITLE_WRAP);
}

static void walk(walk_t *wk)
{
    render_t *r = wk->r;
    const tob_style_t *style = r->style;
    int circles = style_has_circles(style->kind);
    int coloured =
        style->kind == STYLE_PROP_CHORO || style->kind == STYLE_PROP_TYPO;
    if (style->kind != STYLE_BIVARIATE || style->legend_title != NULL)
        walk_title(wk);
    if (style->kind == STYLE_BIVARIATE)
        walk_bivariate(wk);
    if (circles)
        walk_circles(wk);
    if (coloured) {
        char buf[384];
        walk_text(wk, color_title(r, buf, sizeof buf), TITLE_PT, 1, TITLE_WRAP);
    }
    double col = count_column(r);
    for (size_t i = 0; i < r->report->n_entries; i++) {
        const tob_legend_entry_t *e = &r->report->entries[i];
        int shown = e->is_missing ||
                    (!circles && style->kind != STYLE_BIVARIATE) ||
                    (coloured && i >= r->n_size_entries);
        if (shown)
            walk_row(wk, e, col);
    }
}

/* Content size in page units, before the box padding. */
void render_legend_size(render_t *r, double *w, double *h)
{
    walk_t wk = {r, 0, 0, 0, 0, 0, 0};
    walk(&wk);
    double pad = 2 * 2.5 * r->u;
    *w = wk.w + pad;
    *h = wk.h + pad;
}

void render_legend_draw(render_t *r, rbox_t box)
{
    cairo_t *cr = r->cr;
    int inside = r->style->legend != STYLE_POS_LEFT &&
                 r->style->legend != STYLE_POS_RIGHT;
    if (inside) { /* over the map: a white ground keeps it readable */
        cairo_new_path(cr);
        cairo_rectangle(cr, box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(cr, 0.15 * r->u);
        cairo_stroke(cr);
    }
    walk_t wk = {r, 1, box.x0 + 2.5 * r->u, box.y0 + 2.5 * r->u, 0, 0, 0};
    walk(&wk);
}
