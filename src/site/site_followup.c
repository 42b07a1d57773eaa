/* site_followup.c - the coordinators' pages: suivi.html lists the
 * contracts and GUP sites; a page per contract (phases, projects by
 * status and axis, engaged ratio, late projects, funding)
 * and per GUP site (signalements per volet, open and closed, median delay,
 * overdue actions, per referent), from the followup module's reports at
 * the edition date, linked from suivi.html and from the pages of their
 * territories. Then the downloads: each level's values as CSV and
 * GeoPackage with their metadata, made by the export module. */
#include "site_internal.h"

#include "base/html.h"

#include "site_report.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/export.h"
#include "terrobs/followup.h"

#include <cpl_conv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char SQL_CONTRACTS[] =
    "SELECT c.code, c.name, c.territory_level, c.territory_code,"
    " coalesce((SELECT t.name FROM territory t"
    " WHERE t.level = c.territory_level AND t.code = c.territory_code"
    " ORDER BY t.vintage DESC LIMIT 1), c.territory_code)"
    " FROM contract c ORDER BY c.code";
static const char SQL_SITES[] =
    "SELECT code, name, commune_code FROM gup_site ORDER BY code";

static tob_date_t ref_date(const site_run_t *run)
{
    int y, m, d;
    tob_error_t ignored;
    if (tob_cell_parse_date(run->today, &y, &m, &d, &ignored) == TOB_OK)
        return (tob_date_t){y, m, d};
    return tob_date_today();
}

static tob_status_t report_page(site_run_t *run, const tob_report_t *r,
                                const char *rel, const char *title,
                                tob_error_t *err)
{
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    site_page_head(run, m.fp, title, "../");
    fputs("<p class=\"crumbs\"><a href=\"../suivi.html\">Contrats et GUP</a>"
          "</p>\n<h1>",
          m.fp);
    html_put(m.fp, site_report_title(r));
    fputs("</h1>\n", m.fp); /* the report says its date */
    site_report_html(m.fp, r, 2);
    site_page_foot(run, m.fp, "../");
    fputs("</body>\n</html>\n", m.fp);
    run->rep->n_followup++;
    return site_mem_emit(run, &m, rel, err);
}

void site_contract_page(const char *code, char *buf, size_t size)
{
    char safe[96];
    site_safe_code(code, safe, sizeof safe);
    snprintf(buf, size, "f/contrat-%s.html", safe);
}

/* A page per contract, listed with its territory (a link to its page). */
static tob_status_t contract_pages(site_run_t *run, FILE *index,
                                   tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_CONTRACTS, &s, err);
    if (status != TOB_OK)
        return status;
    int any = 0;
    while (status == TOB_OK && db_step(s) == DB_ROW) {
        const char *level = db_column_str(s, 2), *code = db_column_str(s, 3);
        char rel[256];
        site_contract_page(db_column_str(s, 0), rel, sizeof rel);
        if (!any)
            fputs("<h2>Contrats</h2>\n<ul>\n", index);
        any = 1;
        fprintf(index, "<li><a href=\"%s\">", rel);
        html_put(index, db_column_str(s, 1));
        fputs("</a> (", index);
        const site_level_t *lv = site_level_find(run, level);
        size_t k = lv ? site_terr_index(lv, code) : (size_t)-1;
        if (k != (size_t)-1) {
            fputs("<a href=\"", index);
            html_put(index, lv->terrs[k].page);
            fputs("\">", index);
        }
        html_put(index, db_column_str(s, 4));
        fputs(k != (size_t)-1 ? "</a>)</li>\n" : ")</li>\n", index);
        tob_report_t *r = NULL;
        status = tob_followup_contract(run->st, db_column_str(s, 0),
                                       ref_date(run), &r, err);
        if (status == TOB_OK)
            status = report_page(run, r, rel, db_column_str(s, 1), err);
        tob_report_destroy(r);
    }
    db_finalize(s);
    if (any)
        fputs("</ul>\n", index);
    return status;
}

static tob_status_t gup_pages(site_run_t *run, FILE *index, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(run->st, SQL_SITES, &s, err);
    if (status != TOB_OK)
        return status;
    int any = 0;
    while (status == TOB_OK && db_step(s) == DB_ROW) {
        char safe[96], rel[256];
        site_safe_code(db_column_str(s, 0), safe, sizeof safe);
        snprintf(rel, sizeof rel, "f/gup-%s.html", safe);
        if (!any)
            fputs("<h2>Sites de gestion urbaine de proximité</h2>\n<ul>\n",
                  index);
        any = 1;
        fprintf(index, "<li><a href=\"%s\">", rel);
        html_put(index, db_column_str(s, 1));
        fputs("</a></li>\n", index);
        tob_report_t *r = NULL;
        status = tob_followup_gup(run->st, db_column_str(s, 0), ref_date(run),
                                  &r, err);
        if (status == TOB_OK)
            status = report_page(run, r, rel, db_column_str(s, 1), err);
        tob_report_destroy(r);
    }
    db_finalize(s);
    if (any)
        fputs("</ul>\n", index);
    return status;
}

tob_status_t site_write_followup(site_run_t *run, tob_error_t *err)
{
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    site_page_head(run, m.fp, "Contrats et GUP", "");
    fprintf(m.fp,
            "<h1>Suivi des contrats et de la gestion urbaine de "
            "proximité</h1>\n<p class=\"note\">Situation au %s.</p>\n",
            run->today);
    long before = ftell(m.fp);
    s = contract_pages(run, m.fp, err);
    if (s == TOB_OK)
        s = gup_pages(run, m.fp, err);
    if (s == TOB_OK && ftell(m.fp) == before)
        fputs("<p>L'observatoire ne suit encore aucun contrat ni site de "
              "GUP.</p>\n",
              m.fp);
    site_page_foot(run, m.fp, "");
    fputs("</body>\n</html>\n", m.fp);
    if (s != TOB_OK) {
        site_mem_discard(&m);
        return s;
    }
    return site_mem_emit(run, &m, "suivi.html", err);
}

/* ---- downloads ---------------------------------------------------------- */

/* Exports level to tmp_dir/<level>.<ext>, then copies every file made
 * into dl/ and lists it in the page. */
static tob_status_t export_level(site_run_t *run, tob_store_t *st,
                                 const site_level_t *lv, const char *tmp_dir,
                                 const char *ext, FILE *page, tob_error_t *err)
{
    char path[4096], iso[16];
    snprintf(path, sizeof path, "%s/%s.%s", tmp_dir, lv->name, ext);
    tob_date_t d = ref_date(run);
    snprintf(iso, sizeof iso, "%04d-%02d-%02d", d.y, d.m, d.d);
    tob_export_options_t o = {0};
    o.level = lv->name;
    o.vintage = lv->vintage;
    o.force = 1;
    o.date = iso;
    tob_export_summary_t sum;
    /* GeoPackage timestamps from the edition date: the same bytes twice */
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%sT00:00:00Z", iso);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", stamp);
    tob_status_t s = tob_export(st, path, &o, &sum, err);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    if (s == TOB_ERR_NOTFOUND) { /* a level without any value */
        tob_error_clear(err);
        return TOB_OK;
    }
    const char *parts[] = {"", "-metadonnees", "-variables", "-sources"};
    size_t n_parts = strcmp(ext, "csv") == 0 ? 4 : 1;
    for (size_t i = 0; s == TOB_OK && i < n_parts; i++) {
        char from[4200], rel[256];
        snprintf(from, sizeof from, "%s/%s%s.%s", tmp_dir, lv->name, parts[i],
                 ext);
        snprintf(rel, sizeof rel, "dl/%s%s.%s", lv->name, parts[i], ext);
        struct stat sb;
        double kb = stat(from, &sb) == 0 ? (double)sb.st_size / 1024 : 0;
        s = site_copy(run, from, rel, err);
        unlink(from);
        char size[TOB_FMT_MAX];
        tob_fmt_number_fr(kb, kb < 10 ? 1 : 0, size, sizeof size);
        fprintf(page, "<li><a href=\"%s\" download>%s%s.%s</a> (%s ko)</li>\n",
                rel, lv->name, parts[i], ext, size);
    }
    return s;
}

tob_status_t site_write_downloads(site_run_t *run, tob_store_t *st,
                                  tob_error_t *err)
{
    char tmp_dir[4096];
    snprintf(tmp_dir, sizeof tmp_dir, "%s/.export-tmp", run->opts->out_dir);
    if (mkdir(tmp_dir, 0777) != 0 && errno != EEXIST)
        return tob_error_set(err, TOB_ERR_IO, "cannot make %s: %s", tmp_dir,
                             strerror(errno));
    site_mem_t m;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    site_page_head(run, m.fp, "Téléchargements", "");
    fputs("<h1>Téléchargements</h1>\n<p>Les valeurs de chaque niveau, "
          "avec leurs métadonnées (variables, sources, "
          "licence " TOB_EXPORT_LICENCE "). CSV : séparateur « ; » et virgule "
          "décimale, pour LibreOffice et Excel ; GeoPackage : contours et "
          "valeurs, pour QGIS.</p>\n",
          m.fp);
    for (size_t l = 0; s == TOB_OK && l < run->n_levels; l++) {
        const site_level_t *lv = &run->levels[l];
        fputs("<h2>", m.fp);
        html_put(m.fp, lv->label);
        fprintf(m.fp, " (%zu)</h2>\n<ul>\n", lv->n);
        s = export_level(run, st, lv, tmp_dir, "csv", m.fp, err);
        if (s == TOB_OK)
            s = export_level(run, st, lv, tmp_dir, "gpkg", m.fp, err);
        fputs("</ul>\n", m.fp);
    }
    rmdir(tmp_dir);
    site_page_foot(run, m.fp, "");
    fputs("</body>\n</html>\n", m.fp);
    if (s != TOB_OK) {
        site_mem_discard(&m);
        return s;
    }
    return site_mem_emit(run, &m, "telechargements.html", err);
}
