/* chart.c - horizontal bar charts and line charts for printed carnets. */
#include "terrobs/chart.h"

#include "base/pango_text.h"
#include "terrobs/cells.h"

#include <pango/pangocairo.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#define AXIS_FONT TOB_FONT_FAMILY " 7.5"
#define LABEL_FONT TOB_FONT_FAMILY " 8"
#define TITLE_FONT TOB_FONT_FAMILY " Bold 9"
#define RGB_TEXT 0x222222u
#define RGB_GREY 0x5F6B73u
#define RGB_GRID 0xD5DCE2u
#define RGB_BAR 0x7FA7C9u
#define RGB_ACCENT 0x1F4E79u

/* Colours and dashes per series: dark, then clearly different hues; the
 * dash pattern tells them apart in grey. */
static const unsigned series_rgb[TOB_CHART_MAX_SERIES] = {
    0x1F4E79u, 0xD9822Bu, 0x4D8B57u, 0x8E5EA2u, 0x9A9A9Au, 0xC0392Bu};
static const double series_dash[TOB_CHART_MAX_SERIES][2] = {
    {0, 0}, {5, 2.5}, {1.5, 2}, {6, 2}, {3, 3}, {1, 1}};

static void set_rgb(cairo_t *cr, unsigned rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0,
                         ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

static PangoLayout *text_layout(PangoContext *pango, const char *font,
                                const char *text)
{
    PangoLayout *l = pango_layout_new(pango);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_text_set(l, text, 0);
    return l;
}

static void text_size(PangoLayout *l, double *w, double *h)
{
    int iw, ih;
    pango_layout_get_size(l, &iw, &ih);
    *w = (double)iw / PANGO_SCALE;
    *h = (double)ih / PANGO_SCALE;
}

/* Draws text with (x, y) at the anchor given by ax (0 left, .5 centre, 1
 * right) and ay (0 top, .5 middle, 1 bottom). Returns its width. */
static double put_text(cairo_t *cr, PangoContext *pango, const char *font,
                       unsigned rgb, double x, double y, double ax, double ay,
                       const char *text)
{
    PangoLayout *l = text_layout(pango, font, text);
    double w, h;
    text_size(l, &w, &h);
    set_rgb(cr, rgb);
    cairo_move_to(cr, x - ax * w, y - ay * h);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return w;
}

static double text_width(PangoContext *pango, const char *font,
                         const char *text)
{
    PangoLayout *l = text_layout(pango, font, text);
    double w, h;
    text_size(l, &w, &h);
    g_object_unref(l);
    return w;
}

/* A label cut with an ellipsis to fit width. */
static void put_label(cairo_t *cr, PangoContext *pango, double x, double y,
                      double width, const char *text)
{
    PangoLayout *l = text_layout(pango, LABEL_FONT, text);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
    double w, h;
    text_size(l, &w, &h);
    set_rgb(cr, RGB_TEXT);
    cairo_move_to(cr, x, y - h / 2);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
}

size_t tob_chart_ticks(double lo, double hi, size_t max_ticks, double *ticks)
{
    if (!isfinite(lo) || !isfinite(hi) || max_ticks < 2)
        return 0;
    if (hi < lo) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        double pad = lo != 0 ? fabs(lo) * 0.1 : 1;
        lo -= pad;
        hi += pad;
    }
    static const double mult[] = {1, 2, 2.5, 5};
    double e = floor(log10((hi - lo) / (double)max_ticks)) - 1;
    for (int k = 0; k < 40; k++) {
        double step = mult[k % 4] * pow(10, e + k / 4);
        double first = floor(lo / step) * step;
        double last = ceil(hi / step) * step;
        size_t n = (size_t)llround((last - first) / step) + 1;
        if (n <= max_ticks) {
            for (size_t i = 0; i < n; i++)
                ticks[i] = first + (double)i * step;
            return n;
        }
    }
    return 0;
}

/* Decimals an axis needs so that its ticks read apart. */
static int axis_decimals(const double *ticks, size_t n)
{
    if (n < 2)
        return 0;
    double step = ticks[1] - ticks[0];
    int d = 0;
    while (d < 6 && fabs(step * pow(10, d) - llround(step * pow(10, d))) >
                        1e-6 * pow(10, d))
        d++;
    return d;
}

static void fmt_value(double v, int decimals, const char *unit, char *buf,
                      size_t size)
{
    char num[TOB_FMT_MAX];
    tob_fmt_number_fr(v, decimals, num, sizeof num);
    if (unit != NULL && unit[0] != '\0' && isfinite(v))
        snprintf(buf, size, "%s\xC2\xA0%s", num, unit);
    else
        snprintf(buf, size, "%s", num);
}

static double draw_title(cairo_t *cr, PangoContext *pango, const tob_rect_t *r,
                         const char *title)
{
    if (title == NULL || title[0] == '\0')
        return 0;
    PangoLayout *l = text_layout(pango, TITLE_FONT, title);
    pango_layout_set_width(l, (int)(r->width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    double w, h;
    text_size(l, &w, &h);
    set_rgb(cr, RGB_TEXT);
    cairo_move_to(cr, r->x, r->y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return h + 6;
}

/* ---- bars ------------------------------------------------------------ */

typedef struct bar_geom {
    double label_w, bar_x, bar_w, x0, scale, top, row;
} bar_geom_t;

static void bar_domain(const tob_bar_chart_t *c, double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t i = 0; i < c->n; i++) {
        double v = c->values[i];
        if (!isfinite(v))
            continue;
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
    if (*hi == *lo)
        *hi = *lo + 1;
}

static void bar_geometry(PangoContext *pango, const tob_rect_t *r,
                         const tob_bar_chart_t *c, double top, bar_geom_t *g)
{
    double label_w = 0, value_w = 0;
    for (size_t i = 0; i < c->n; i++) {
        char buf[TOB_FMT_MAX + 64];
        double w = text_width(pango, LABEL_FONT,
                              c->labels[i] != NULL ? c->labels[i] : "");
        label_w = w > label_w ? w : label_w;
        fmt_value(c->values[i], c->decimals, c->unit, buf, sizeof buf);
        w = text_width(pango, AXIS_FONT, buf);
        value_w = w > value_w ? w : value_w;
    }
    g->label_w = label_w < r->width * 0.36 ? label_w : r->width * 0.36;
    g->bar_x = r->x + g->label_w + 6;
    g->bar_w = r->x + r->width - value_w - 6 - g->bar_x;
    double lo, hi;
    bar_domain(c, &lo, &hi);
    g->scale = g->bar_w / (hi - lo);
    g->x0 = g->bar_x - lo * g->scale;
    g->top = top;
    g->row = (r->y + r->height - top) / (double)c->n;
    if (g->row > 20)
        g->row = 20;
}

static void draw_bar(cairo_t *cr, PangoContext *pango, const tob_bar_chart_t *c,
                     const bar_geom_t *g, size_t i)
{
    double yc = g->top + g->row * ((double)i + 0.5);
    put_label(cr, pango, g->bar_x - 6 - g->label_w, yc, g->label_w,
              c->labels[i] != NULL ? c->labels[i] : "");
    char buf[TOB_FMT_MAX + 64];
    double v = c->values[i];
    fmt_value(v, c->decimals, c->unit, buf, sizeof buf);
    if (!isfinite(v)) {
        put_text(cr, pango, AXIS_FONT, RGB_GREY, g->x0 + 3, yc, 0, 0.5, buf);
        return;
    }
    double xv = g->x0 + v * g->scale;
    double h = g->row * 0.64;
    set_rgb(cr, i == c->highlight ? RGB_ACCENT : RGB_BAR);
    cairo_rectangle(cr, v < 0 ? xv : g->x0, yc - h / 2, fabs(xv - g->x0), h);
    cairo_fill(cr);
    if (v >= 0)
        put_text(cr, pango, AXIS_FONT, RGB_TEXT, xv + 3, yc, 0, 0.5, buf);
    else
        put_text(cr, pango, AXIS_FONT, RGB_TEXT, xv - 3, yc, 1, 0.5, buf);
}

tob_status_t tob_chart_bars(cairo_t *cr, PangoContext *pango,
                            const tob_rect_t *r, const tob_bar_chart_t *c,
                            tob_error_t *err)
{
    if (c->n == 0)
        return tob_error_set(err, TOB_ERR_ARG, "a bar chart needs a bar");
    double top = r->y + draw_title(cr, pango, r, c->title);
    bar_geom_t g;
    bar_geometry(pango, r, c, top, &g);
    for (size_t i = 0; i < c->n; i++)
        draw_bar(cr, pango, c, &g, i);
    set_rgb(cr, RGB_GREY);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, g.x0, top);
    cairo_line_to(cr, g.x0, top + g.row * (double)c->n);
    cairo_stroke(cr);
    return TOB_OK;
}

/* ---- lines ------------------------------------------------------------ */

typedef struct plot {
    double left, right, top, bottom;
    double inset;         /* first and last years stand clear of the edges */
    double lo, hi;        /* y domain: first and last tick */
    int year_lo, year_hi; /* x domain */
} plot_t;

static double plot_x(const plot_t *p, int year)
{
    double l = p->left + p->inset, r = p->right - p->inset;
    if (p->year_hi == p->year_lo)
        return (l + r) / 2;
    return l +
           (r - l) * (year - p->year_lo) / (double)(p->year_hi - p->year_lo);
}

static double plot_y(const plot_t *p, double v)
{
    return p->bottom - (p->bottom - p->top) * (v - p->lo) / (p->hi - p->lo);
}

static tob_status_t check_lines(const tob_line_chart_t *c, tob_error_t *err)
{
    if (c->n_x == 0 || c->n_series == 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a line chart needs a year and a series");
    if (c->n_series > TOB_CHART_MAX_SERIES)
        return tob_error_set(err, TOB_ERR_ARG,
                             "a line chart has at most %d series",
                             TOB_CHART_MAX_SERIES);
    for (size_t i = 1; i < c->n_x; i++)
        if (c->years[i] <= c->years[i - 1])
            return tob_error_set(err, TOB_ERR_ARG,
                                 "years of a line chart must increase");
    return TOB_OK;
}

static void set_series_style(cairo_t *cr, size_t s)
{
    set_rgb(cr, series_rgb[s]);
    cairo_set_line_width(cr, 1.8);
    cairo_set_dash(cr, series_dash[s], series_dash[s][0] > 0 ? 2 : 0, 0);
}

/* Swatch and label of each series, on as many rows as needed (as many as
 * legend_rows_height counts). */
static void draw_legend(cairo_t *cr, PangoContext *pango, const tob_rect_t *r,
                        double y, const tob_line_chart_t *c)
{
    double x = r->x, row_h = 12;
    for (size_t s = 0; s < c->n_series; s++) {
        const char *label = c->series[s].label ? c->series[s].label : "";
        double w = 24 + text_width(pango, LABEL_FONT, label) + 12;
        if (x > r->x && x + w > r->x + r->width) {
            x = r->x;
            y += row_h;
        }
        set_series_style(cr, s);
        cairo_move_to(cr, x, y + row_h / 2);
        cairo_line_to(cr, x + 20, y + row_h / 2);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        put_text(cr, pango, LABEL_FONT, RGB_TEXT, x + 24, y + row_h / 2, 0, 0.5,
                 label);
        x += w;
    }
}

static double legend_rows_height(PangoContext *pango, const tob_rect_t *r,
                                 const tob_line_chart_t *c)
{
    double x = r->x, rows = 1;
    for (size_t s = 0; s < c->n_series; s++) {
        const char *label = c->series[s].label ? c->series[s].label : "";
        double w = 24 + text_width(pango, LABEL_FONT, label) + 12;
        if (x > r->x && x + w > r->x + r->width) {
            x = r->x;
            rows++;
        }
        x += w;
    }
    return rows * 12 + 6;
}

static int y_domain(const tob_line_chart_t *c, double *lo, double *hi)
{
    int any = 0;
    for (size_t s = 0; s < c->n_series; s++)
        for (size_t i = 0; i < c->n_x; i++) {
            double v = c->series[s].values[i];
            if (!isfinite(v))
                continue;
            if (!any || v < *lo)
                *lo = v;
            if (!any || v > *hi)
                *hi = v;
            any = 1;
        }
    return any;
}

static void draw_y_axis(cairo_t *cr, PangoContext *pango, const plot_t *p,
                        const double *ticks, size_t n, int decimals)
{
    cairo_set_line_width(cr, 0.5);
    for (size_t i = 0; i < n; i++) {
        double y = plot_y(p, ticks[i]);
        set_rgb(cr, RGB_GRID);
        cairo_move_to(cr, p->left, y);
        cairo_line_to(cr, p->right, y);
        cairo_stroke(cr);
        char buf[TOB_FMT_MAX];
        tob_fmt_number_fr(ticks[i], decimals, buf, sizeof buf);
        put_text(cr, pango, AXIS_FONT, RGB_GREY, p->left - 4, y, 1, 0.5, buf);
    }
}

/* Year labels, every k-th one when they would touch. */
static void draw_x_axis(cairo_t *cr, PangoContext *pango, const plot_t *p,
                        const tob_line_chart_t *c)
{
    double label_w = text_width(pango, AXIS_FONT, "2026") + 6;
    double width = p->right - p->left - 2 * p->inset;
    double span = c->n_x > 1 ? width / (double)(c->n_x - 1) : label_w;
    size_t every = 1;
    while (span * (double)every < label_w && every < c->n_x)
        every++;
    for (size_t i = 0; i < c->n_x; i++) {
        if (i % every != 0 && i + 1 != c->n_x)
            continue;
        char buf[16];
        snprintf(buf, sizeof buf, "%d", c->years[i]);
        put_text(cr, pango, AXIS_FONT, RGB_GREY, plot_x(p, c->years[i]),
                 p->bottom + 4, 0.5, 0, buf);
    }
}

static void draw_series(cairo_t *cr, const plot_t *p, const tob_line_chart_t *c,
                        size_t s)
{
    const double *v = c->series[s].values;
    set_series_style(cr, s);
    int pen = 0;
    for (size_t i = 0; i < c->n_x; i++) {
        if (!isfinite(v[i])) {
            pen = 0;
            continue;
        }
        double x = plot_x(p, c->years[i]), y = plot_y(p, v[i]);
        if (pen)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        pen = 1;
    }
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t i = 0; i < c->n_x; i++) {
        if (!isfinite(v[i]))
            continue;
        cairo_arc(cr, plot_x(p, c->years[i]), plot_y(p, v[i]), 2.4, 0,
                  2 * G_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        set_rgb(cr, series_rgb[s]);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    }
}

/* Lays out the plot frame: title, legend and unit above, tick labels on
 * the left, years below. */
static void plot_frame(PangoContext *pango, const tob_rect_t *r, double top,
                       const tob_line_chart_t *c, const double *ticks,
                       size_t n_ticks, int decimals, plot_t *p)
{
    double axis_w = 0;
    for (size_t i = 0; i < n_ticks; i++) {
        char buf[TOB_FMT_MAX];
        tob_fmt_number_fr(ticks[i], decimals, buf, sizeof buf);
        double w = text_width(pango, AXIS_FONT, buf);
        axis_w = w > axis_w ? w : axis_w;
    }
    double half_year = text_width(pango, AXIS_FONT, "2026") / 2;
    p->left = r->x + axis_w + 6;
    p->right = r->x + r->width;
    p->inset = half_year + 4;
    p->top = top + legend_rows_height(pango, r, c) + (c->unit != NULL ? 12 : 4);
    p->bottom = r->y + r->height - 16;
    p->lo = ticks[0];
    p->hi = ticks[n_ticks - 1];
    p->year_lo = c->years[0];
    p->year_hi = c->years[c->n_x - 1];
}

tob_status_t tob_chart_lines(cairo_t *cr, PangoContext *pango,
                             const tob_rect_t *r, const tob_line_chart_t *c,
                             tob_error_t *err)
{
    tob_status_t st = check_lines(c, err);
    if (st != TOB_OK)
        return st;
    double top = r->y + draw_title(cr, pango, r, c->title);
    double lo = 0, hi = 0, ticks[8];
    if (!y_domain(c, &lo, &hi)) {
        put_text(cr, pango, LABEL_FONT, RGB_GREY, r->x, top, 0, 0,
                 "Aucune donnée");
        return TOB_OK;
    }
    size_t n_ticks = tob_chart_ticks(lo, hi, 6, ticks);
    if (n_ticks < 2)
        return tob_error_set(err, TOB_ERR_ARG, "values cannot be plotted");
    int decimals = axis_decimals(ticks, n_ticks);
    plot_t p;
    plot_frame(pango, r, top, c, ticks, n_ticks, decimals, &p);
    draw_legend(cr, pango, r, top, c);
    if (c->unit != NULL)
        put_text(cr, pango, AXIS_FONT, RGB_GREY, r->x, p.top - 12, 0, 0,
                 c->unit);
    draw_y_axis(cr, pango, &p, ticks, n_ticks, decimals);
    draw_x_axis(cr, pango, &p, c);
    for (size_t s = c->n_series; s-- > 0;) /* first series on top */
        draw_series(cr, &p, c, s);
    return TOB_OK;
}
