/* chart.h (building block) - bar and line charts drawn with Cairo and Pango
 * into a rectangle, for print: values and axes in French number format, text no
 * smaller than 7 pt, series told apart by dash pattern as well as colour so
 * that a grey photocopy still reads. No I/O; any thread with its own cr. */
#ifndef TERROBS_CHART_H
#define TERROBS_CHART_H

#include "terrobs/error.h"
#include "terrobs/layout.h"

#include <cairo.h>
#include <pango/pango.h>
#include <stddef.h>

#define TOB_CHART_NO_HIGHLIGHT ((size_t)-1)
#define TOB_CHART_MAX_SERIES 6

/* Horizontal bars, one per label, in the given order. Strings and arrays
 * are borrowed for the call. */
typedef struct tob_bar_chart {
    const char *title;         /* may be NULL */
    const char *const *labels; /* n labels */
    const double *values;      /* n values; NaN = no data, shown "n.d." */
    size_t n;
    int decimals;     /* of the value labels */
    const char *unit; /* appended to the value labels, may be NULL */
    size_t highlight; /* bar drawn in the accent colour, or NO_HIGHLIGHT */
} tob_bar_chart_t;

/* One line of a line chart: n_x values, NaN = a gap. */
typedef struct tob_line_series {
    const char *label;
    const double *values;
} tob_line_series_t;

/* Lines over years. */
typedef struct tob_line_chart {
    const char *title; /* may be NULL */
    const int *years;  /* n_x years, increasing */
    size_t n_x;
    const tob_line_series_t *series; /* 1..TOB_CHART_MAX_SERIES */
    size_t n_series;
    int decimals;     /* of the y axis labels */
    const char *unit; /* y axis unit, shown above the axis, may be NULL */
} tob_line_chart_t;

/* Draws a bar chart into r. pango is a context for r's surface (see
 * tob_draw_fn_t). Errors: TOB_ERR_ARG (no bar). */
TOB_API TOB_NODISCARD tob_status_t tob_chart_bars(cairo_t *cr,
                                                  PangoContext *pango,
                                                  const tob_rect_t *r,
                                                  const tob_bar_chart_t *chart,
                                                  tob_error_t *err);

/* Draws a line chart into r. Errors: TOB_ERR_ARG (no year, no series, too
 * many series, years not increasing). */
TOB_API TOB_NODISCARD tob_status_t
tob_chart_lines(cairo_t *cr, PangoContext *pango, const tob_rect_t *r,
                const tob_line_chart_t *chart, tob_error_t *err);

/* Round axis ticks covering [lo, hi]: writes at most max_ticks values
 * (multiples of 1, 2, 2.5 or 5 times a power of ten) into ticks and
 * returns their count (0 if lo, hi are not finite). The first tick is <=
 * lo and the last >= hi. */
TOB_API size_t tob_chart_ticks(double lo, double hi, size_t max_ticks,
                               double *ticks);

#endif
