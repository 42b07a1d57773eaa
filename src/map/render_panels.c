/* render_panels.c - small multiples: the maps of a style for several years
 * or several variables on one page, with one scale (class breaks of all
 * the panels' values together, one largest circle), one legend, one title
 * and one source line; each panel titled by its year or its variable. */
#include "render_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PANEL_TITLE_PT 10.0
#define GAP_MM 4.0 /* between panels */

static const tob_rgb_t INK = {0x22, 0x22, 0x22, 255};

typedef struct panel {
    tob_style_t style; /* the page's, drawing one map without decorations */
    int year;          /* 0 = the style's */
    char variable[128];
    char label[256]; /* its title */
    char unit[64];
} panel_t;

static void panel_style(panel_t *p, const tob_style_t *style, size_t i)
{
    p->style = *style; /* shallow: the strings stay the page's */
    p->style.panels_by = NULL;
    p->style.title = p->style.subtitle = NULL;
    p->style.legend = STYLE_POS_NONE;
    p->style.footer = 0;
    p->style.margin = 0;
    if (i > 0) /* the panels share a scale: one bar and one arrow say it */
        p->style.scalebar = p->style.north = STYLE_POS_NONE;
}

static tob_status_t make_panels(const tob_style_t *style, panel_t *p, size_t *n,
                                tob_error_t *err)
{
    if (strcmp(style->panels_by, "years") == 0) {
        *n = style->n_panel_years;
        for (size_t i = 0; i < *n; i++) {
            panel_style(&p[i], style, i);
            p[i].year = (int)style->panel_years[i];
            snprintf(p[i].label, sizeof p[i].label, "%d", p[i].year);
        }
        return TOB_OK;
    }
    char names[STYLE_MAX_PANELS][128];
    int k = style_panel_names(style->panel_variables, names, STYLE_MAX_PANELS);
    if (k < 2) /* style_check_panels() said so already */
        return tob_error_set(err, TOB_ERR_ARG, "panels.variables: no list");
    *n = (size_t)k;
    for (size_t i = 0; i < *n; i++) {
        panel_style(&p[i], style, i);
        snprintf(p[i].variable, sizeof p[i].variable, "%s", names[i]);
        p[i].style.variable = p[i].variable;
    }
    return TOB_OK;
}

/* "Sources" of every panel, each once, joined by " ; ". */
static void add_source(char *all, size_t size, const char *one)
{
    if (one[0] == '\0' || strstr(all, one) != NULL)
        return;
    size_t len = strlen(all), more = strlen(one) + (len ? 3 : 0);
    if (len + more >= size)
        return; /* too many to say: the first ones are kept */
    if (len > 0)
        memcpy(all + len, " ; ", 3);
    memcpy(all + len + more - strlen(one), one, strlen(one) + 1);
}

/* Pools the values of every panel; variables must share their unit. */
static tob_status_t pool(const tob_style_t *style, tob_store_t *st, panel_t *p,
                         size_t n, tob_render_scale_t *scale, char *sources,
                         size_t size, tob_error_t *err)
{
    render_gather_t g = {0};
    tob_status_t s = TOB_OK;
    int by_variable = p[0].variable[0] != '\0';
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        s = render_gather(&p[i].style, st, p[i].year, &g, err);
        if (s != TOB_OK)
            break;
        snprintf(p[i].unit, sizeof p[i].unit, "%s", g.unit);
        add_source(sources, size, g.source);
        if (by_variable)
            snprintf(p[i].label, sizeof p[i].label, "%s",
                     g.label[0] ? g.label : p[i].variable);
        if (by_variable && strcmp(p[i].unit, p[0].unit) != 0) {
            s = tob_error_set(
                err, TOB_ERR_INPUT,
                "%s is in %s but %s in %s: panels share one scale, so their "
                "variables need the same unit",
                p[0].variable, p[0].unit[0] ? p[0].unit : "no unit",
                p[i].variable, p[i].unit[0] ? p[i].unit : "no unit");
            tob_error_at(err, style->name,
                         style_line_of(style, "panels", "variables"),
                         "panels.variables");
        }
    }
    if (s == TOB_OK)
        s = render_scale_of(style, &g, scale, err);
    free(g.vals);
    return s;
}

/* Columns and rows that give each panel the largest map scale. */
static void grid(size_t n, int want_cols, rbox_t area, double title_h,
                 double gap, double ew, double eh, size_t *cols, size_t *rows)
{
    double best = -1;
    size_t lo = want_cols > 0 ? (size_t)want_cols : 1;
    size_t hi = want_cols > 0 ? (size_t)want_cols : n;
    for (size_t c = lo; c <= hi; c++) {
        size_t r = (n + c - 1) / c;
        double cw = (area.x1 - area.x0 - (double)(c - 1) * gap) / (double)c;
        double ch =
            (area.y1 - area.y0 - (double)(r - 1) * gap) / (double)r - title_h;
        double sc = fmin(cw / ew, ch / eh);
        if (sc > best) {
            best = sc;
            *cols = c;
            *rows = r;
        }
    }
}

/* The texts and SVG territories a panel recorded, moved to the page's. */
static tob_status_t take_texts(render_t *page, render_t *from, tob_error_t *err)
{
    for (size_t i = 0; i < from->n_texts; i++) {
        if (page->n_texts == page->cap_texts) {
            size_t cap = page->cap_texts ? page->cap_texts * 2 : 256;
            rtext_t *more = realloc(page->texts, cap * sizeof *more);
            if (more == NULL)
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            page->texts = more;
            page->cap_texts = cap;
        }
        page->texts[page->n_texts++] = from->texts[i];
        from->texts[i].text = NULL;
    }
    if (from->svg_territories != NULL) {
        size_t a = page->svg_territories ? strlen(page->svg_territories) : 0;
        size_t b = strlen(from->svg_territories);
        char *more = realloc(page->svg_territories, a + b + 1);
        if (more == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        memcpy(more + a, from->svg_territories, b + 1);
        page->svg_territories = more;
    }
    text_sink_free(from);
    return TOB_OK;
}

/* What the panels drew, summed into the page's report. */
static void add_report(tob_map_report_t *page, const tob_map_report_t *one,
                       size_t i)
{
    page->n_features += one->n_features;
    page->n_missing += one->n_missing;
    page->n_labels += one->n_labels;
    page->n_labels_skipped += one->n_labels_skipped;
    if (one->n_entries == page->n_entries) /* the same classes */
        for (size_t e = 0; e < page->n_entries; e++)
            page->entries[e].count =
                (i == 0 ? 0 : page->entries[e].count) + one->entries[e].count;
    if (i == 0) { /* a world file can place one panel: the first */
        memcpy(page->geotransform, one->geotransform, sizeof one->geotransform);
        page->srid = one->srid;
    }
    memcpy(page->panel_geotransform[i], one->geotransform,
           sizeof one->geotransform);
}

typedef struct page_ctx {
    render_t *fr;  /* the page: legend, title, footer, recorded texts */
    render_t *tmp; /* a panel's recorded texts */
    const tob_render_options_t *opts;
    tob_render_scale_t scale;
    tob_map_report_t *report;
} page_ctx_t;

static tob_status_t draw_panels(page_ctx_t *c, panel_t *p, size_t n, double ew,
                                double eh, tob_error_t *err)
{
    render_t *fr = c->fr;
    rbox_t area = fr->views[0].frame;
    rfont_t f = {PANEL_TITLE_PT, 1, 0, INK, {0, 0, 0, 0}, 0};
    double tw, th;
    text_measure(fr, "2021 Ég", &f, &tw, &th);
    double title_h = th + 1 * fr->u, gap = GAP_MM * fr->u;
    size_t cols = 1, rows = n;
    grid(n, fr->style->panel_columns, area, title_h, gap, ew, eh, &cols, &rows);
    double cw = (area.x1 - area.x0 - (double)(cols - 1) * gap) / (double)cols;
    double ch = (area.y1 - area.y0 - (double)(rows - 1) * gap) / (double)rows;
    if (cw < 90 * fr->u) /* a small map has no room for an arrow */
        p[0].style.north = STYLE_POS_NONE;
    tob_status_t s = TOB_OK;
    size_t used = 0;
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        double x = area.x0 + (double)(i % cols) * (cw + gap);
        double y = area.y0 + (double)(i / cols) * (ch + gap);
        f.wrap = cw;
        text_measure(fr, p[i].label, &f, &tw, &th);
        text_draw(fr, p[i].label, &f, x + fmax(0, (cw - tw) / 2), y);
        tob_render_options_t po = {0};
        if (c->opts != NULL)
            po = *c->opts;
        po.year = p[i].year;
        po.scale = &c->scale;
        po.today = fr->today;
        po.labels = c->opts && c->opts->labels ? c->opts->labels + used : NULL;
        po.labels_cap = po.labels ? c->opts->labels_cap - used : 0;
        tob_map_report_t one;
        rbox_t cell = {x, y + title_h, x + cw, y + ch};
        s = render_map_panel(fr->cr, cell, fr->u, fr->text_as_svg, &p[i].style,
                             fr->st, &po, &one, fr->text_as_svg ? c->tmp : NULL,
                             (int)i + 1, err);
        if (s == TOB_OK && fr->text_as_svg)
            s = take_texts(fr, c->tmp, err);
        if (s != TOB_OK)
            break;
        used += po.labels ? (one.n_labels < po.labels_cap ? one.n_labels
                                                          : po.labels_cap)
                          : 0;
        add_report(c->report, &one, i);
    }
    return s;
}

/* The page's own render: the last panel's classes under the shared
 * scale give the legend; its layout leaves the area of the panels. */
static tob_status_t page_render(page_ctx_t *c, tob_style_t *fs, panel_t *p,
                                size_t n, const char *sources, double *ew,
                                double *eh, tob_error_t *err)
{
    render_t *fr = c->fr;
    tob_render_options_t fo = {0};
    if (c->opts != NULL)
        fo = *c->opts;
    fo.year = p[n - 1].year;
    fo.scale = &c->scale;
    render_use_style(fr, fs, &fo);
    render_set_today(fr, c->opts);
    tob_status_t s = render_fetch(fr, err);
    if (s == TOB_OK)
        s = render_classify(fr, err);
    if (s == TOB_OK)
        s = render_prepare_views(fr, err);
    if (s != TOB_OK)
        return s;
    snprintf(fr->auto_source, sizeof fr->auto_source, "%s", sources);
    *ew = fr->views[0].ext[2] - fr->views[0].ext[0];
    *eh = fr->views[0].ext[3] - fr->views[0].ext[1];
    render_layout(fr);
    return TOB_OK;
}

/* The page's style: title, legend beside the panels (counts would be of
 * one panel), source line; variables say their shared unit. */
static void page_style(tob_style_t *fs, const tob_style_t *style,
                       const panel_t *last, char *unit)
{
    *fs = last->style;
    fs->title = style->title;
    fs->subtitle = style->subtitle;
    fs->footer = style->footer;
    fs->margin = style->margin;
    fs->legend =
        style->legend == STYLE_POS_LEFT ? STYLE_POS_LEFT : STYLE_POS_RIGHT;
    fs->counts = 0;
    fs->frame = 0;
    fs->labels = 0;
    fs->n_insets = 0;
    if (last->variable[0] != '\0' && style->legend_title == NULL) {
        fs->legend_title = (char *)"Valeur";
        if (style->unit == NULL && unit[0] != '\0')
            fs->unit = unit;
    }
}

static tob_status_t run_page(page_ctx_t *c, const tob_style_t *style,
                             panel_t *p, size_t n, tob_error_t *err)
{
    render_t *fr = c->fr;
    char sources[512] = "";
    tob_status_t s =
        pool(style, fr->st, p, n, &c->scale, sources, sizeof sources, err);
    tob_style_t fs;
    page_style(&fs, style, &p[n - 1], p[n - 1].unit);
    double ew = 1, eh = 1;
    if (s == TOB_OK)
        s = page_render(c, &fs, p, n, sources, &ew, &eh, err);
    if (s != TOB_OK)
        return s;
    tob_map_report_t *rep = c->report;
    render_page_ground(fr);
    s = draw_panels(c, p, n, ew, eh, err);
    if (s != TOB_OK)
        return s;
    render_decorations(fr);
    rep->n_panels = n;
    rep->max_value = c->scale.max_value;
    double *lb = rep->legend_box;
    lb[0] = fr->legend_box.x0, lb[1] = fr->legend_box.y0;
    lb[2] = fr->legend_box.x1, lb[3] = fr->legend_box.y1;
    if (cairo_status(fr->cr) != CAIRO_STATUS_SUCCESS)
        return tob_error_lib(err, TOB_ERR_CAIRO, (int)cairo_status(fr->cr),
                             "drawing the panels: %s",
                             cairo_status_to_string(cairo_status(fr->cr)));
    if (fr->text_lost)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

tob_status_t render_panels(cairo_t *cr, rbox_t page, double units_per_mm,
                           int text_as_svg, const tob_style_t *style,
                           tob_store_t *st, const tob_render_options_t *opts,
                           tob_map_report_t *report, render_t *out_texts,
                           tob_error_t *err)
{
    memset(report, 0, sizeof *report);
    if (opts != NULL && opts->year != 0 &&
        strcmp(style->panels_by, "years") == 0)
        return tob_error_set_at(err, TOB_ERR_ARG, style->name,
                                style_line_of(style, "panels", "years"),
                                "panels.years",
                                "this style draws the years of its [panels] "
                                "on one page: a year to draw does not apply");
    panel_t *p = calloc(STYLE_MAX_PANELS, sizeof *p);
    render_t *fr = calloc(1, sizeof *fr);
    render_t *tmp = text_as_svg ? calloc(1, sizeof *tmp) : NULL;
    tob_status_t s = p == NULL || fr == NULL || (text_as_svg && tmp == NULL)
                         ? tob_error_set(err, TOB_ERR_NOMEM, "out of memory")
                         : TOB_OK;
    size_t n = 0;
    if (s == TOB_OK)
        s = make_panels(style, p, &n, err);
    if (s == TOB_OK) {
        fr->style = style; /* until page_render() sets the page's */
        render_setup(fr, cr, page, units_per_mm, text_as_svg, st, report);
        page_ctx_t c = {fr, tmp, opts, {{0}, 0, 0}, report};
        cairo_save(cr);
        s = run_page(&c, style, p, n, err);
        cairo_restore(cr);
    }
    if (s == TOB_OK && out_texts != NULL) {
        out_texts->texts = fr->texts;
        out_texts->n_texts = fr->n_texts;
        out_texts->svg_territories = fr->svg_territories;
        out_texts->style = style;
        fr->svg_territories = NULL;
        fr->texts = NULL;
        fr->n_texts = 0;
    }
    if (fr != NULL)
        render_release(fr);
    if (tmp != NULL)
        render_release(tmp);
    free(tmp);
    free(fr);
    free(p);
    return s;
}
