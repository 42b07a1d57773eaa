/* site_charts.c - an evolution as the carnet draws it (each series over
 * its first year, base 100) but as inline SVG: role="img" with <title> and
 * <desc> saying what the lines show, then the values table the carnet
 * prints under its chart (same numbers, same French formats, from
 * carnet_fmt.h), which is also the chart's text alternative. */
#include "site_internal.h"

#include "base/html.h"

#include "carnet/carnet_fmt.h"
#include "terrobs/cells.h"

#include <math.h>
#include <string.h>

#define CHART_W 640
#define CHART_H 260
#define PAD_L 56 /* room for the tick labels */
#define PAD_R 16
#define PAD_T 16
#define PAD_B 64 /* years, then the legend */

/* Colours dark enough on white for lines (WCAG 3:1 and more), told apart
 * also by their dashes. */
static const char *const LINE_COLOUR[SITE_EVO_SERIES] = {"#08519c", "#a63603",
                                                         "#525252"};
static const char *const LINE_DASH[SITE_EVO_SERIES] = {"", "6 3", "2 3"};

/* A step of 1, 2 or 5 times a power of ten giving 3 to 6 ticks. */
static double tick_step(double range)
{
    if (!(range > 0))
        return 1;
    double raw = range / 4, p = pow(10, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static double indexed(const site_evo_t *e, size_t s, size_t y)
{
    double base = e->values[s][0];
    return isfinite(base) && base != 0 ? 100 * e->values[s][y] / base : NAN;
}

static void put_desc(FILE *fp, const site_evo_t *e, const char *label)
{
    html_put(fp, label);
    fprintf(fp, " de %d à %d, base 100 en %d. ", e->years[0],
            e->years[e->n_years - 1], e->years[0]);
    for (size_t s = 0; s < e->n_series; s++) {
        char a[TOB_FMT_MAX], b[TOB_FMT_MAX], change[TOB_FMT_MAX];
        carnet_fmt_value(e->values[s][0], e->meta, a, sizeof a);
        carnet_fmt_value(e->values[s][e->n_years - 1], e->meta, b, sizeof b);
        carnet_fmt_change(e->values[s][0], e->values[s][e->n_years - 1],
                          e->meta, change, sizeof change);
        html_put(fp, e->labels[s]);
        fprintf(fp, " : %s en %d, %s en %d (", a, e->years[0], b,
                e->years[e->n_years - 1]);
        html_put(fp, change);
        fputs(s + 1 < e->n_series ? ") ; " : ").", fp);
    }
}

static void put_lines(FILE *fp, const site_evo_t *e, double lo, double hi)
{
    double x0 = PAD_L, x1 = CHART_W - PAD_R, y0 = CHART_H - PAD_B, y1 = PAD_T;
    double span = e->years[e->n_years - 1] - e->years[0];
    for (size_t s = 0; s < e->n_series; s++) {
        fprintf(fp,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"",
                LINE_COLOUR[s]);
        if (LINE_DASH[s][0])
            fprintf(fp, " stroke-dasharray=\"%s\"", LINE_DASH[s]);
        fputs(" points=\"", fp);
        int first = 1;
        for (size_t y = 0; y < e->n_years; y++) {
            double v = indexed(e, s, y);
            if (!isfinite(v))
                continue;
            double x = x0 + (e->years[y] - e->years[0]) / span * (x1 - x0);
            fprintf(fp, "%s%.1f,%.1f", first ? "" : " ", x,
                    y0 - (v - lo) / (hi - lo) * (y0 - y1));
            first = 0;
        }
        fputs("\"/>\n", fp);
        for (size_t y = 0; y < e->n_years; y++) {
            double v = indexed(e, s, y);
            if (isfinite(v))
                fprintf(fp,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                        "fill=\"%s\"/>",
                        x0 + (e->years[y] - e->years[0]) / span * (x1 - x0),
                        y0 - (v - lo) / (hi - lo) * (y0 - y1), LINE_COLOUR[s]);
        }
        fputc('\n', fp);
    }
}

static void put_axes(FILE *fp, const site_evo_t *e, double lo, double hi,
                     double step)
{
    double x0 = PAD_L, x1 = CHART_W - PAD_R, y0 = CHART_H - PAD_B, y1 = PAD_T;
    double span = e->years[e->n_years - 1] - e->years[0];
    fputs("<g class=\"axis\" aria-hidden=\"true\">\n", fp);
    for (double t = lo; t <= hi + step / 1e6; t += step) {
        char num[TOB_FMT_MAX];
        double y = y0 - (t - lo) / (hi - lo) * (y0 - y1);
        tob_fmt_number_fr(t, step < 1 ? 1 : 0, num, sizeof num);
        fprintf(fp,
                "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" "
                "class=\"%s\"/><text x=\"%.0f\" y=\"%.1f\" "
                "text-anchor=\"end\">%s</text>\n",
                x0, x1, y, y, fabs(t - 100) < step / 1e6 ? "base" : "grid",
                x0 - 6, y + 4, num);
    }
    for (size_t y = 0; y < e->n_years; y++)
        fprintf(fp,
                "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>",
                x0 + (e->years[y] - e->years[0]) / span * (x1 - x0), y0 + 18,
                e->years[y]);
    fputs("\n", fp);
    double lx = x0;
    for (size_t s = 0; s < e->n_series; s++) {
        fprintf(fp,
                "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%d\" y2=\"%d\" "
                "stroke=\"%s\" stroke-width=\"2.5\"%s%s%s/>"
                "<text x=\"%.0f\" y=\"%d\">",
                lx, lx + 24, CHART_H - 18, CHART_H - 18, LINE_COLOUR[s],
                LINE_DASH[s][0] ? " stroke-dasharray=\"" : "", LINE_DASH[s],
                LINE_DASH[s][0] ? "\"" : "", lx + 30, CHART_H - 14);
        html_put(fp, e->labels[s]);
        fputs("</text>", fp);
        /* about 6.5 px per character of the 12 px legend */
        lx += 30 + 6.5 * (double)strlen(e->labels[s]) + 24;
    }
    fputs("\n</g>\n", fp);
}

/* The carnet's table: a row per series, a column per year, the change. */
static void put_table(FILE *fp, const site_evo_t *e, const char *label)
{
    fputs("<table class=\"data evolution\"><caption>", fp);
    html_put(fp, label);
    if (e->meta->unit[0]) {
        fputs(" (", fp);
        html_put(fp, e->meta->unit);
        fputc(')', fp);
    }
    fputs("</caption>\n<thead><tr><th scope=\"col\">Territoire</th>", fp);
    for (size_t y = 0; y < e->n_years; y++)
        fprintf(fp, "<th scope=\"col\" class=\"n\">%d</th>", e->years[y]);
    fputs("<th scope=\"col\" class=\"n\">Évolution</th></tr></thead>\n"
          "<tbody>\n",
          fp);
    for (size_t s = 0; s < e->n_series; s++) {
        char cell[TOB_FMT_MAX];
        fputs("<tr><th scope=\"row\">", fp);
        html_put(fp, e->labels[s]);
        fputs("</th>", fp);
        for (size_t y = 0; y < e->n_years; y++) {
            carnet_fmt_evolution(e->values[s][y], e->meta, cell, sizeof cell);
            fprintf(fp, "<td class=\"n\">%s</td>", cell);
        }
        carnet_fmt_change(e->values[s][0], e->values[s][e->n_years - 1],
                          e->meta, cell, sizeof cell);
        fprintf(fp, "<td class=\"n\">%s</td></tr>\n", cell);
    }
    fputs("</tbody></table>\n", fp);
}

void site_evolution_html(FILE *fp, const site_evo_t *e, int id)
{
    if (e->n_years < 2 || e->n_series == 0)
        return;
    char label[256];
    carnet_series_label(e->meta, e->years, e->n_years, label, sizeof label);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < e->n_series; s++)
        for (size_t y = 0; y < e->n_years; y++) {
            double v = indexed(e, s, y);
            if (isfinite(v))
                lo = fmin(lo, v), hi = fmax(hi, v);
        }
    if (!isfinite(lo))
        return;
    lo = fmin(lo, 100), hi = fmax(hi, 100);
    double step = tick_step(hi - lo);
    lo = floor(lo / step) * step, hi = ceil(hi / step) * step;
    if (hi <= lo)
        hi = lo + step;
    fprintf(fp, "<figure class=\"evolution\" id=\"evo-%d\"><h3>", id);
    html_put(fp, label);
    fprintf(fp, " (base 100 en %d)</h3>\n", e->years[0]);
    fprintf(fp,
            "<svg class=\"chart\" role=\"img\" aria-labelledby=\"evo-%d-t "
            "evo-%d-d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">\n"
            "<title id=\"evo-%d-t\">",
            id, id, CHART_W, CHART_H, CHART_W, CHART_H, id);
    html_put(fp, label);
    fprintf(fp, " (base 100 en %d)</title>\n<desc id=\"evo-%d-d\">",
            e->years[0], id);
    put_desc(fp, e, label);
    fputs("</desc>\n", fp);
    put_axes(fp, e, lo, hi, step);
    put_lines(fp, e, lo, hi);
    fputs("</svg>\n", fp);
    put_table(fp, e, label);
    fputs("</figure>\n", fp);
}
