/* atlas_html.c - the atlas index: one self-contained HTML page (inline CSS
 * and a few lines of JavaScript, no external asset, works offline) with a
 * sortable, filterable table of the territories linking their carnets. */
#include "atlas_internal.h"

#include "base/html.h"

#include "base/afile.h"
#include "base/plural_fr.h"
#include "terrobs/cells.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char CSS[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:2em auto;"
    "max-width:72em;padding:0 1em;color:#222}"
    "h1{color:#1F4E79;font-size:1.6em;margin-bottom:.2em}"
    "p.meta{color:#5F6B73;margin-top:0}"
    "input{font:inherit;padding:.3em .5em;width:20em;max-width:100%}"
    "table{border-collapse:collapse;width:100%;margin-top:1em}"
    "th,td{padding:.35em .6em;border-bottom:1px solid #D5DCE2;"
    "text-align:left;vertical-align:middle}"
    "th{background:#E8EFF6;color:#1F4E79}"
    "th button{font:inherit;font-weight:bold;color:inherit;background:none;"
    "border:0;padding:0;cursor:pointer}"
    "th[aria-sort=ascending] button::after{content:' \\25B2'}"
    "th[aria-sort=descending] button::after{content:' \\25BC'}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tbody tr:nth-child(even){background:#F3F5F7}"
    "td.fail{color:#B03A2E}"
    "td.map{width:64px;padding:.2em .4em}td.map img{display:block}"
    "a{color:#1F4E79}"
    "footer{margin-top:1.5em;color:#5F6B73;font-size:.85em}";

/* Sorting by a header's button (numbers by their data-v value, text the
 * French way), and filtering rows by name or code. The table gets
 * data-ready="yes" once the script has run through (tests look for it). */
static const char JS[] =
    "(function(){'use strict';"
    "var table=document.getElementById('atlas');"
    "var body=table.tBodies[0];"
    "var heads=table.tHead.rows[0].cells;"
    "function key(row,i,num){var c=row.cells[i];"
    "if(num){var v=parseFloat(c.getAttribute('data-v'));"
    "return isNaN(v)?-Infinity:v;}return c.textContent.trim();}"
    "function sortBy(i){var th=heads[i];"
    "var num=th.getAttribute('data-type')==='num';"
    "var asc=th.getAttribute('aria-sort')!=='ascending';"
    "var rows=Array.prototype.slice.call(body.rows);"
    "rows.sort(function(a,b){var x=key(a,i,num),y=key(b,i,num);"
    "var d=num?(x-y):x.localeCompare(y,'fr');return asc?d:-d;});"
    "rows.forEach(function(r){body.appendChild(r);});"
    "for(var k=0;k<heads.length;k++)heads[k].removeAttribute('aria-sort');"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');}"
    "Array.prototype.forEach.call(heads,function(th,i){"
    "var b=th.querySelector('button');"
    "if(b)b.addEventListener('click',function(){sortBy(i);});});"
    "var filter=document.getElementById('filtre');"
    "filter.addEventListener('input',function(){"
    "var q=filter.value.trim().toLowerCase();"
    "Array.prototype.forEach.call(body.rows,function(r){"
    "r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});});"
    "table.setAttribute('data-ready','yes');"
    "})();";

static size_t count_listed(const atlas_run_t *run)
{
    size_t n = 0;
    const tob_carnet_report_t *summary;
    for (size_t i = 0; i < run->n_entries; i++)
        n += (size_t)atlas_is_listed(run, &run->entries[i], &summary);
    return n;
}

static void put_head(const atlas_run_t *run, FILE *fp)
{
    fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<title>Atlas \xE2\x80\x93 ",
          fp);
    html_put(fp, run->level_label);
    fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n", CSS);
    fputs("<header>\n<h1>Atlas des territoires \xE2\x80\x93 ", fp);
    html_put(fp, run->level_label);
    char count[96];
    fr_count((long long)count_listed(run),
             "aucun carnet de territoire|carnet de territoire|carnets de "
             "territoire",
             count, sizeof count);
    fprintf(fp, "</h1>\n<p class=\"meta\">%s · géographie %d</p>\n</header>\n",
            count, run->vintage);
    fputs("<p><input type=\"search\" id=\"filtre\" placeholder=\"Filtrer "
          "par nom ou code\" aria-label=\"Filtrer par nom ou code\"></p>\n",
          fp);
}

/* The labels of the index figures: those of the first carnet that has
 * them (every carnet of a run has the same template). */
static const tob_carnet_report_t *figure_labels(const atlas_run_t *run)
{
    const tob_carnet_report_t *r;
    for (size_t i = 0; i < run->n_entries; i++) {
        const atlas_entry_t *e = &run->entries[i];
        if (atlas_is_listed(run, e, &r) &&
            (!e->selected || e->status == TOB_OK) && r->n_figures > 0)
            return r;
    }
    return NULL;
}

static void put_columns(const atlas_run_t *run, FILE *fp)
{
    fputs("<table id=\"atlas\">\n<thead><tr>"
          "<th scope=\"col\">Carte</th>"
          "<th scope=\"col\"><button type=\"button\">Territoire</button></th>"
          "<th scope=\"col\"><button type=\"button\">Code</button></th>"
          "<th scope=\"col\" class=\"n\" data-type=\"num\"><button "
          "type=\"button\">Communes</button></th>"
          "<th scope=\"col\" class=\"n\" data-type=\"num\"><button "
          "type=\"button\">Superficie (km\xC2\xB2)</button></th>",
          fp);
    const tob_carnet_report_t *labels = figure_labels(run);
    for (size_t i = 0; labels != NULL && i < labels->n_figures; i++) {
        fputs("<th scope=\"col\" class=\"n\" data-type=\"num\"><button "
              "type=\"button\">",
              fp);
        html_put(fp, labels->figures[i].label);
        if (labels->figures[i].unit[0] != '\0') {
            fputs(" (", fp);
            html_put(fp, labels->figures[i].unit);
            fputs(")", fp);
        }
        fputs("</button></th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
}

/* A numeric cell: the French text shown, the raw value to sort on. */
static void put_number(FILE *fp, double v, int decimals)
{
    char text[TOB_FMT_MAX];
    tob_fmt_number_fr(v, decimals, text, sizeof text);
    if (isfinite(v))
        fprintf(fp, "<td class=\"n\" data-v=\"%.17g\">%s</td>", v, text);
    else
        fprintf(fp, "<td class=\"n\" data-v=\"\">%s</td>", text);
}

/* The member communes, whole: "102 sur 103" when the store lacks some
 * (sorted on the communes present). */
static void put_communes(FILE *fp, const tob_carnet_report_t *r)
{
    char text[2 * TOB_FMT_MAX + 64];
    fr_members(r->n_communes, r->n_communes_expected, NULL, 0, text,
               sizeof text);
    fprintf(fp, "<td class=\"n\" data-v=\"%zu\"", r->n_communes);
    if (r->n_communes_expected > r->n_communes) {
        char outside[TOB_FMT_MAX + 64];
        fr_count((long long)(r->n_communes_expected - r->n_communes),
                 "|commune hors de l'observatoire|communes hors de "
                 "l'observatoire",
                 outside, sizeof outside);
        fputs(" title=\"", fp);
        html_put(fp, outside);
        fputc('"', fp);
    }
    fputc('>', fp);
    html_put(fp, text);
    fputs("</td>", fp);
}

static void put_figure(FILE *fp, const tob_carnet_figure_t *f)
{
    if (isfinite(f->value))
        fprintf(fp, "<td class=\"n\" data-v=\"%.17g\">", f->value);
    else
        fputs("<td class=\"n\" data-v=\"\">", fp);
    html_put(fp, f->text);
    fputs("</td>", fp);
}

static void put_row(FILE *fp, const atlas_entry_t *e,
                    const tob_carnet_report_t *r, size_t n_figures)
{
    int ok = !e->selected || e->status == TOB_OK;
    fputs("<tr><td class=\"map\">", fp);
    if (ok) {
        char thumb[ATLAS_FILE_MAX + 16];
        atlas_thumb_name(e->file, thumb, sizeof thumb);
        fputs("<img src=\"", fp);
        html_put(fp, thumb);
        fprintf(fp, "\" width=\"%d\" height=\"%d\" alt=\"\">",
                ATLAS_THUMB_PX / 2, ATLAS_THUMB_PX / 2);
    }
    fputs("</td><td>", fp);
    if (ok) {
        fputs("<a href=\"", fp);
        html_put(fp, e->file);
        fputs("\">", fp);
        html_put(fp, e->name);
        fputs("</a></td>", fp);
    } else {
        html_put(fp, e->name);
        fputs(" <span class=\"fail\">(carnet en échec)</span></td>", fp);
    }
    fputs("<td>", fp);
    html_put(fp, e->code);
    fputs("</td>", fp);
    if (ok)
        put_communes(fp, r);
    else
        put_number(fp, NAN, 0);
    put_number(fp, ok ? r->area_km2 : NAN, 1);
    for (size_t i = 0; i < n_figures; i++) {
        if (ok && i < r->n_figures)
            put_figure(fp, &r->figures[i]);
        else
            fputs("<td class=\"n\" data-v=\"\"></td>", fp);
    }
    fputs("</tr>\n", fp);
}

static void write_page(const atlas_run_t *run, FILE *fp)
{
    put_head(run, fp);
    put_columns(run, fp);
    const tob_carnet_report_t *labels = figure_labels(run);
    const tob_carnet_report_t *r;
    for (size_t i = 0; i < run->n_entries; i++)
        if (atlas_is_listed(run, &run->entries[i], &r))
            put_row(fp, &run->entries[i], r, labels ? labels->n_figures : 0);
    fputs("</tbody>\n</table>\n<footer>Carnets produits par terrobs. "
          "Cliquer sur un en-tête de colonne pour trier.</footer>\n",
          fp);
    fprintf(fp, "<script>%s</script>\n</body>\n</html>\n", JS);
}

tob_status_t atlas_write_index(const atlas_run_t *run, tob_error_t *err)
{
    char path[4096];
    if (atlas_path(run->opts->out_dir, "index.html", path, sizeof path))
        return tob_error_set(err, TOB_ERR_ARG, "path too long");
    afile_t f;
    tob_status_t status = afile_begin(&f, path, err);
    if (status == TOB_OK)
        status = afile_fopen(&f, err);
    if (status == TOB_OK)
        write_page(run, f.fp); /* the commit sees stream errors */
    return afile_end(&f, status, err);
}
