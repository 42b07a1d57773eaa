/* site_data_js.c - the data files pages load with <script>: the site's
 * levels and variables (data/site.js), each level's polygons
 * (data/<level>-geo.js) and values with their classes, French texts and
 * circle references (data/<level>-values.js), and the search index
 * (data/search.js). Each calls a function of assets/site.js. */
#include "site_internal.h"

#include "carnet/carnet_fmt.h"
#include "map/classes.h"
#include "terrobs/cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The number as the carnet writes it, without the unit. */
static void number_text(double v, const tob_variable_t *meta, char *buf,
                        size_t size)
{
    tob_variable_t bare = *meta;
    bare.unit[0] = '\0';
    carnet_fmt_value(v, &bare, buf, size);
}

static double nice_below(double v)
{
    if (!(v > 0))
        return 0;
    double p = pow(10, floor(log10(v)));
    double m = v / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

static tob_status_t class_spec(const site_run_t *run, map_classes_spec_t *spec,
                               tob_error_t *err)
{
    memset(spec, 0, sizeof *spec);
    spec->method = TOB_CLASSIFY_QUANTILE;
    spec->k = run->opts->k > 0 ? run->opts->k : 5;
    spec->palette = run->opts->palette;
    spec->decimals = -1;
    spec->var_decimals = -1;
    if (run->opts->method != NULL)
        return tob_classify_method_from_name(run->opts->method, &spec->method,
                                             err);
    return TOB_OK;
}

static void write_classes(FILE *fp, const map_classes_t *c,
                          const double *values, size_t n)
{
    char color[16];
    fputs(",\"classes\":{\"labels\":[", fp);
    for (size_t i = 0; i < c->k; i++) {
        fputs(i ? "," : "", fp);
        site_json(fp, c->classes[i].label);
    }
    fputs("],\"colors\":[", fp);
    for (size_t i = 0; i < c->k; i++) {
        fputs(i ? "," : "", fp);
        site_json(fp,
                  tob_color_format(c->classes[i].color, color, sizeof color));
    }
    fputs("],\"counts\":[", fp);
    for (size_t i = 0; i < c->k; i++)
        fprintf(fp, i ? ",%zu" : "%zu", c->classes[i].count);
    fprintf(fp, "],\"missing\":%zu,\"cls\":[", c->n_missing);
    for (size_t i = 0; i < n; i++) {
        size_t k = tob_breaks_class_of(c->breaks, values[i]);
        fprintf(fp, i ? ",%d" : "%d", k == TOB_CLASS_NONE ? -1 : (int)k);
    }
    fputs("]}", fp);
}

static void write_circles(FILE *fp, const site_series_t *se, size_t n,
                          const tob_variable_t *meta)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(se->values[i]) && se->values[i] > max)
            max = se->values[i];
    if (!(max > 0))
        return;
    double refs[3] = {nice_below(max), nice_below(max / 4),
                      nice_below(max / 16)};
    fputs(",\"circles\":{\"max\":", fp);
    site_json_number(fp, max);
    fputs(",\"refs\":[", fp);
    char text[TOB_FMT_MAX];
    for (size_t i = 0; i < 3; i++) {
        fputs(i ? ",[" : "[", fp);
        site_json_number(fp, refs[i]);
        number_text(refs[i], meta, text, sizeof text);
        fputc(',', fp);
        site_json(fp, text);
        fputc(']', fp);
    }
    fputs("]}", fp);
}

static tob_status_t write_series(const site_run_t *run, const site_level_t *lv,
                                 const site_series_t *se,
                                 const map_classes_spec_t *spec, FILE *fp,
                                 tob_error_t *err)
{
    const tob_variable_t *meta = run->vars[se->var];
    fputs("{\"v\":", fp);
    site_json(fp, meta->name);
    fprintf(fp, ",\"y\":%d,\"values\":[", se->year);
    for (size_t i = 0; i < lv->n; i++) {
        fputs(i ? "," : "", fp);
        site_json_number(fp, se->values[i]);
    }
    fputs("],\"text\":[", fp);
    char text[TOB_FMT_MAX];
    for (size_t i = 0; i < lv->n; i++) {
        number_text(se->values[i], meta, text, sizeof text);
        fputs(i ? "," : "", fp);
        site_json(fp, text);
    }
    fputc(']', fp);
    map_classes_spec_t s = *spec;
    s.var_decimals = meta->decimals;
    map_classes_t classes;
    tob_error_t ignored;
    tob_error_clear(&ignored);
    tob_status_t status =
        map_classes_compute(se->values, lv->n, &s, &classes, &ignored);
    if (status == TOB_OK)
        write_classes(fp, &classes, se->values, lv->n);
    else if (status == TOB_ERR_ARG) /* the options, not the data */
        *err = ignored;
    map_classes_free(&classes);
    if (meta->aggregate == TOB_AGG_SUM)
        write_circles(fp, se, lv->n, meta);
    fputc('}', fp);
    return status == TOB_ERR_ARG ? status : TOB_OK;
}

static tob_status_t write_values(site_run_t *run, const site_level_t *lv,
                                 tob_error_t *err)
{
    map_classes_spec_t spec;
    tob_status_t status = class_spec(run, &spec, err);
    site_mem_t m;
    if (status == TOB_OK)
        status = site_mem_open(&m, err);
    if (status != TOB_OK)
        return status;
    fputs("TOB.addValues(", m.fp);
    site_json(m.fp, lv->name);
    fputs(",{\"codes\":[", m.fp);
    for (size_t i = 0; i < lv->n; i++) {
        fputs(i ? "," : "", m.fp);
        site_json(m.fp, lv->terrs[i].code);
    }
    fputs("],\n\"names\":[", m.fp);
    for (size_t i = 0; i < lv->n; i++) {
        fputs(i ? "," : "", m.fp);
        site_json(m.fp, lv->terrs[i].name);
    }
    fputs("],\n\"series\":[", m.fp);
    for (size_t i = 0; status == TOB_OK && i < lv->n_series; i++) {
        fputs(i ? ",\n" : "\n", m.fp);
        status = write_series(run, lv, &lv->series[i], &spec, m.fp, err);
    }
    fputs("]});\n", m.fp);
    if (status != TOB_OK) {
        site_mem_discard(&m);
        return status;
    }
    char rel[128];
    snprintf(rel, sizeof rel, "data/%s-values.js", lv->name);
    unsigned long long before = run->rep->bytes;
    status = site_mem_emit(run, &m, rel, err);
    run->rep->map_bytes += run->rep->bytes - before;
    return status;
}

static tob_status_t write_geo(site_run_t *run, const site_level_t *lv,
                              tob_error_t *err)
{
    site_mem_t m;
    tob_status_t status = site_mem_open(&m, err);
    if (status != TOB_OK)
        return status;
    fputs("TOB.addGeo(", m.fp);
    site_json(m.fp, lv->name);
    fputc(',', m.fp);
    site_topo_write_json(lv->topo, m.fp);
    fputs(");\n", m.fp);
    char rel[128];
    snprintf(rel, sizeof rel, "data/%s-geo.js", lv->name);
    unsigned long long before = run->rep->bytes;
    status = site_mem_emit(run, &m, rel, err);
    run->rep->map_bytes += run->rep->bytes - before;
    return status;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The view the map opens on: the territories whose centre lies within 12
 * degrees of the median centre, so that an overseas département in the
 * same store does not shrink the map to a dot (the reader pans to it). */
static void opening_view(const site_level_t *lv, double view[4])
{
    double *c = malloc((lv->n ? lv->n : 1) * 4 * sizeof *c);
    size_t n = 0;
    for (size_t i = 0; c && i < lv->n; i++) {
        double b[4];
        site_topo_bbox(lv->topo, i, b);
        if (isnan(b[0]))
            continue;
        memcpy(c + 4 * n++, b, sizeof b);
    }
    site_topo_bbox(lv->topo, (size_t)-1, view);
    double *x = c ? malloc((n ? n : 1) * 2 * sizeof *x) : NULL;
    if (x != NULL && n > 0) {
        double *y = x + n;
        for (size_t i = 0; i < n; i++) {
            x[i] = (c[4 * i] + c[4 * i + 2]) / 2;
            y[i] = (c[4 * i + 1] + c[4 * i + 3]) / 2;
        }
        qsort(x, n, sizeof *x, by_double);
        qsort(y, n, sizeof *y, by_double);
        double mx = x[n / 2], my = y[n / 2];
        view[0] = view[1] = INFINITY;
        view[2] = view[3] = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            const double *b = c + 4 * i;
            if (fabs((b[0] + b[2]) / 2 - mx) > 12 ||
                fabs((b[1] + b[3]) / 2 - my) > 12)
                continue;
            view[0] = fmin(view[0], b[0]), view[1] = fmin(view[1], b[1]);
            view[2] = fmax(view[2], b[2]), view[3] = fmax(view[3], b[3]);
        }
    }
    free(x);
    free(c);
}

static const char *aggregate_kind(const tob_variable_t *v)
{
    return tob_aggregate_name(v->aggregate);
}

static tob_status_t write_meta(site_run_t *run, tob_error_t *err)
{
    site_mem_t m;
    tob_status_t status = site_mem_open(&m, err);
    if (status != TOB_OK)
        return status;
    fputs("TOB.addSite({\"title\":", m.fp);
    site_json(m.fp, run->title);
    fputs(",\"date\":", m.fp);
    site_json(m.fp, run->today);
    fputs(",\"levels\":[", m.fp);
    for (size_t i = 0; i < run->n_levels; i++) {
        const site_level_t *lv = &run->levels[i];
        double box[4];
        site_topo_bbox(lv->topo, (size_t)-1, box);
        fputs(i ? ",\n{\"name\":" : "\n{\"name\":", m.fp);
        site_json(m.fp, lv->name);
        fputs(",\"label\":", m.fp);
        site_json(m.fp, lv->label);
        fprintf(m.fp, ",\"vintage\":%d,\"n\":%zu,\"maxZoom\":%d,\"bbox\":[",
                lv->vintage, lv->n, lv->max_zoom);
        for (int k = 0; k < 4; k++) {
            fputs(k ? "," : "", m.fp);
            site_json_number(m.fp, box[k]);
        }
        opening_view(lv, box);
        fputs("],\"view\":[", m.fp);
        for (int k = 0; k < 4; k++) {
            fputs(k ? "," : "", m.fp);
            site_json_number(m.fp, box[k]);
        }
        fputs("]}", m.fp);
    }
    fputs("],\n\"variables\":{", m.fp);
    for (size_t i = 0; i < run->n_vars; i++) {
        const tob_variable_t *v = run->vars[i];
        fputs(i ? ",\n" : "\n", m.fp);
        site_json(m.fp, v->name);
        fputs(":{\"label\":", m.fp);
        site_json(m.fp, v->label[0] ? v->label : v->name);
        fputs(",\"unit\":", m.fp);
        site_json(m.fp, v->unit);
        fputs(",\"source\":", m.fp);
        site_json(m.fp, v->source);
        fputs(",\"aggregate\":", m.fp);
        site_json(m.fp, aggregate_kind(v));
        fputc('}', m.fp);
    }
    fputs("}});\n", m.fp);
    return site_mem_emit(run, &m, "data/site.js", err);
}

static tob_status_t write_search(site_run_t *run, tob_error_t *err)
{
    site_mem_t m;
    tob_status_t status = site_mem_open(&m, err);
    if (status != TOB_OK)
        return status;
    fputs("TOB.addSearch([", m.fp);
    int first = 1;
    for (size_t l = 0; l < run->n_levels; l++) {
        const site_level_t *lv = &run->levels[l];
        for (size_t i = 0; i < lv->n; i++) {
            char slug[TOB_SLUG_MAX + 1];
            tob_text_slug(lv->terrs[i].name, slug, sizeof slug);
            fputs(first ? "\n[" : ",\n[", m.fp);
            first = 0;
            fprintf(m.fp, "%zu,", l);
            site_json(m.fp, lv->terrs[i].code);
            fputc(',', m.fp);
            site_json(m.fp, lv->terrs[i].name);
            fputc(',', m.fp);
            site_json(m.fp, slug);
            fputc(']', m.fp);
        }
    }
    fputs("]);\n", m.fp);
    return site_mem_emit(run, &m, "data/search.js", err);
}

tob_status_t site_data_write(site_run_t *run, tob_error_t *err)
{
    tob_status_t status = write_meta(run, err);
    for (size_t i = 0; status == TOB_OK && i < run->n_levels; i++) {
        status = write_geo(run, &run->levels[i], err);
        if (status == TOB_OK)
            status = write_values(run, &run->levels[i], err);
    }
    if (status == TOB_OK)
        status = write_search(run, err);
    return status;
}
