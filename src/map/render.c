/* render.c - one map from a style and a store into a Cairo context: read
 * the features, classify, lay out the page, draw each view (background
 * layers, polygons, outlines, symbols), then decorations and labels. */
#include "render_internal.h"

#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void render_set_today(render_t *r, const tob_render_options_t *opts)
{
    if (opts != NULL && opts->today != NULL) {
        snprintf(r->today, sizeof r->today, "%s", opts->today);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL)
        r->today[0] = '\0';
    else
        tob_fmt_date_fr(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, r->today,
                        sizeof r->today);
}

static tob_status_t draw_view(render_t *r, size_t i, tob_error_t *err)
{
    const rview_t *v = &r->views[i];
    cairo_t *cr = r->cr;
    if (i > 0)
        render_inset_ground(r, i - 1);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, v->frame.x0, v->frame.y0, v->frame.x1 - v->frame.x0,
                    v->frame.y1 - v->frame.y0);
    cairo_clip(cr);
    render_draw_layers(r, v, (int)i, 1);
    render_draw_features(r, v, (int)i);
    render_draw_layers(r, v, (int)i, 0);
    tob_status_t s = r->style->kind == STYLE_DISCONTINUITY
                         ? render_draw_borders(r, v, (int)i, err)
                         : render_draw_symbols(r, v, (int)i, err);
    cairo_restore(cr);
    if (i > 0)
        render_inset_scale(r, i - 1);
    return s;
}

void render_page_ground(render_t *r)
{
    cairo_t *cr = r->cr;
    cairo_new_path(cr);
    cairo_rectangle(cr, r->page.x0, r->page.y0, r->page.x1 - r->page.x0,
                    r->page.y1 - r->page.y0);
    set_color(cr, r->style->background);
    cairo_fill(cr);
}

static void fill_report(render_t *r)
{
    const rview_t *v = &r->views[0];
    double *gt = r->report->geotransform;
    gt[0] = -v->t.x0 / v->t.s;
    gt[1] = 1 / v->t.s;
    gt[2] = 0;
    gt[3] = v->t.y0 / v->t.s;
    gt[4] = 0;
    gt[5] = -1 / v->t.s;
    r->report->srid = v->srid;
    double *lb = r->report->legend_box;
    lb[0] = r->legend_box.x0, lb[1] = r->legend_box.y0;
    lb[2] = r->legend_box.x1, lb[3] = r->legend_box.y1;
}

static tob_status_t render_run(render_t *r, tob_error_t *err)
{
    tob_status_t s = render_fetch(r, err);
    if (s == TOB_OK && r->style->kind == STYLE_POTENTIAL)
        s = render_potential(r, err);
    else if (s == TOB_OK && r->style->kind == STYLE_GRID)
        s = render_grid(r, err);
    if (s == TOB_OK)
        s = render_classify(r, err);
    if (s == TOB_OK)
        s = render_prepare_views(r, err);
    if (s != TOB_OK)
        return s;
    render_layout(r);
    s = render_load_layers(r, err);
    if (s != TOB_OK)
        return s;
    fill_report(r);
    r->report->max_value = style_has_circles(r->style->kind) ? r->max_value : 0;
    render_page_ground(r);
    for (size_t i = 0; s == TOB_OK && i < r->n_views; i++)
        s = draw_view(r, i, err);
    if (s != TOB_OK)
        return s;
    render_reserve_decorations(r);
    s = render_labels(r, err);
    if (s == TOB_OK)
        render_decorations(r);
    if (s == TOB_OK && cairo_status(r->cr) != CAIRO_STATUS_SUCCESS)
        s = tob_error_lib(err, TOB_ERR_CAIRO, (int)cairo_status(r->cr),
                          "drawing the map: %s",
                          cairo_status_to_string(cairo_status(r->cr)));
    if (s == TOB_OK && r->text_as_svg)
        s = render_svg_territories(r, err);
    if (s == TOB_OK && r->text_lost)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return s;
}

void render_release(render_t *r)
{
    rset_free(&r->feats);
    rset_free(&r->points);
    rset_free(&r->borders);
    for (size_t v = 0; v < RENDER_MAX_VIEWS; v++)
        for (size_t i = 0; i < STYLE_MAX_LAYERS; i++)
            rset_free(&r->layers[v][i]);
    text_sink_free(r);
    geom_scratch_free(&r->scratch);
    render_arena_free(r);
    r->var_names = NULL; /* was in the arena */
    r->n_var_names = 0;
    r->var_names_read = 0;
}

/* "{year}" of text replaced by year, into out. */
static const char *with_year(const char *text, int year, char *out, size_t n)
{
    const char *at = text != NULL ? strstr(text, "{year}") : NULL;
    if (at == NULL || year == 0)
        return text;
    snprintf(out, n, "%.*s%d%s", (int)(at - text), text, year, at + 6);
    return out;
}

void render_use_style(render_t *r, const tob_style_t *style,
                      const tob_render_options_t *opts)
{
    tob_style_t *own = &r->own_style;
    *own = *style; /* shallow: the strings stay the caller's */
    r->style = own;
    static const tob_render_options_t none = {0};
    if (opts == NULL)
        opts = &none; /* {year} still becomes data.year */
    /* Variables named by their year (population_{year}) take the year
     * drawn in their names, each the year of its own name; otherwise the
     * year drawn is data.year. */
    char **texts[7] = {&own->variable,       &own->expression,
                       &own->color_variable, &own->color_expression,
                       &own->title,          &own->subtitle,
                       &own->legend_title};
    if (style_is_derived(style->kind)) /* read as the second value */
        own->color_variable = own->denominator;
    int in_names = 0;
    for (size_t i = 0; i < 4; i++)
        in_names |= *texts[i] != NULL && strstr(*texts[i], "{year}") != NULL;
    int year = opts->year != 0 ? opts->year : style->year;
    if (in_names && year != 0)
        own->year = 0; /* population_2015: its one year */
    else if (opts->year != 0)
        own->year = opts->year;
    for (size_t i = 0; i < 7; i++)
        *texts[i] = (char *)with_year(*texts[i], year, r->own_text[i],
                                      sizeof r->own_text[i]);
    const tob_render_scale_t *sc = opts->scale;
    if (sc == NULL)
        return;
    if (sc->n_breaks >= 2 && sc->n_breaks <= TOB_CLASSIFY_MAX + 1 &&
        (style->kind == STYLE_CHOROPLETH || style->kind == STYLE_PROP_CHORO)) {
        own->method = TOB_CLASSIFY_MANUAL;
        memcpy(own->breaks, sc->breaks, sc->n_breaks * sizeof sc->breaks[0]);
        own->n_breaks = sc->n_breaks;
        own->k = (int)sc->n_breaks - 1;
    }
    if (sc->max_value > 0 && style_has_circles(style->kind))
        own->max_value = sc->max_value;
}

void render_setup(render_t *r, cairo_t *cr, rbox_t page, double units_per_mm,
                  int text_as_svg, tob_store_t *st, tob_map_report_t *report)
{
    r->st = st;
    r->cr = cr;
    r->report = report;
    r->page = page;
    r->u = units_per_mm;
    /* Half a pixel at the style's resolution: what no eye sees. */
    r->tol = 0.5 * 25.4 / r->style->dpi * r->u;
    r->store_srid = tob_store_srid(st);
    r->decimals = r->decimals2 = -1;
    r->text_as_svg = text_as_svg;
}

/* Shared by tob_render_to_cairo and the file writers, which set the
 * text sink for SVG. */
tob_status_t render_map(cairo_t *cr, rbox_t page, double units_per_mm,
                        int text_as_svg, const tob_style_t *style,
                        tob_store_t *st, const tob_render_options_t *opts,
                        tob_map_report_t *report, render_t *out_texts,
                        tob_error_t *err)
{
    if (style->panels_by != NULL)
        return render_panels(cr, page, units_per_mm, text_as_svg, style, st,
                             opts, report, out_texts, err);
    return render_map_panel(cr, page, units_per_mm, text_as_svg, style, st,
                            opts, report, out_texts, 0, err);
}

tob_status_t render_map_panel(cairo_t *cr, rbox_t page, double units_per_mm,
                              int text_as_svg, const tob_style_t *style,
                              tob_store_t *st, const tob_render_options_t *opts,
                              tob_map_report_t *report, render_t *out_texts,
                              int panel, tob_error_t *err)
{
    render_t *r = calloc(1, sizeof *r); /* large: views and layer sets */
    if (r == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    memset(report, 0, sizeof *report);
    render_use_style(r, style, opts);
    render_setup(r, cr, page, units_per_mm, text_as_svg, st, report);
    r->panel = panel;
    r->threads = opts != NULL ? opts->threads : 0;
    if (opts != NULL && opts->labels != NULL) {
        r->label_out = opts->labels;
        r->label_cap = opts->labels_cap;
    }
    render_set_today(r, opts);
    cairo_save(cr);
    tob_status_t s = render_run(r, err);
    cairo_restore(cr);
    if (out_texts != NULL && s == TOB_OK) {
        out_texts->texts = r->texts; /* the caller writes them */
        out_texts->n_texts = r->n_texts;
        out_texts->svg_territories = r->svg_territories;
        r->svg_territories = NULL;
        out_texts->style = style;
        r->texts = NULL;
        r->n_texts = 0;
    }
    render_release(r);
    free(r);
    return s;
}

tob_status_t tob_render_to_cairo(cairo_t *cr, double x, double y, double w,
                                 double h, const tob_style_t *style,
                                 tob_store_t *st,
                                 const tob_render_options_t *opts,
                                 tob_map_report_t *report, tob_error_t *err)
{
    tob_map_report_t local;
    if (report == NULL)
        report = &local;
    if (cr == NULL || style == NULL || st == NULL || !(w > 0) || !(h > 0))
        return tob_error_set(err, TOB_ERR_ARG,
                             "a context, a style, a store and a non-empty "
                             "rectangle are needed");
    double u = opts != NULL && opts->units_per_mm > 0 ? opts->units_per_mm
                                                      : 72.0 / 25.4;
    rbox_t page = {x, y, x + w, y + h};
    return render_map(cr, page, u, 0, style, st, opts, report, NULL, err);
}
