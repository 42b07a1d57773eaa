/* site_territory.c - a page per territory of the levels written: its key
 * figures (value, rank among its level, its département and the level
 * together), a reference territory the reader picks (site.js), the member
 * communes as a map (inline SVG of the site's own polygons) and a table,
 * the follow-up of its contracts (the followup module's report), its GUP
 * sites, and a link to its PDF carnet when an atlas folder is given. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "site_internal.h"

#include "base/html.h"
#include "base/plural_fr.h"

#include "carnet/carnet_fmt.h"
#include "site_report.h"
#include "store/db.h"
#include "terrobs/atlas.h"
#include "terrobs/cells.h"
#include "terrobs/followup.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Parents up the memberships, nearest first. */
static const char SQL_PARENTS[] =
    "WITH RECURSIVE up(id, depth) AS (SELECT CAST(?1 AS INTEGER), 0 UNION"
    " SELECT m.parent, up.depth + 1 FROM membership m JOIN up"
    " ON m.child = up.id WHERE m.kind = 'member' AND up.depth < 8)"
    " SELECT t.level, t.code, t.name FROM up JOIN territory t ON t.id = up.id"
    " WHERE up.depth > 0 GROUP BY t.id ORDER BY min(up.depth), t.level";
/* Communes below a territory, down the memberships. */
static const char SQL_COMMUNES[] =
    "WITH RECURSIVE down(id, depth) AS (SELECT CAST(?1 AS INTEGER), 0 UNION"
    " SELECT m.child, down.depth + 1 FROM membership m JOIN down"
    " ON m.parent = down.id WHERE m.kind = 'member' AND down.depth < 8)"
    " SELECT DISTINCT t.code FROM down JOIN territory t ON t.id = down.id"
    " WHERE t.level = 'commune' AND down.depth > 0 ORDER BY t.code";
static const char SQL_CONTRACT_NAMES[] =
    "SELECT code, name FROM contract ORDER BY code";
/* The communes down the memberships, the territory itself if it is one,
 * in SQL: no list of codes bound as JSON (PostgreSQL's json_each is not
 * SQLite's). */
static const char SQL_GUP_SITES[] =
    "WITH RECURSIVE down(id, depth) AS (SELECT CAST(?1 AS INTEGER), 0 UNION"
    " SELECT m.child, down.depth + 1 FROM membership m JOIN down"
    " ON m.parent = down.id WHERE m.kind = 'member' AND down.depth < 8)"
    " SELECT s.code, s.name FROM gup_site s WHERE s.commune_code IN"
    " (SELECT t.code FROM down JOIN territory t ON t.id = down.id"
    " WHERE t.level = 'commune') ORDER BY s.code";

typedef struct page_ctx {
    site_run_t *run;
    tob_store_t *st; /* the worker's connection */
    tob_values_t *vals;
    const site_level_t *lv;
    size_t i;                     /* the territory */
    const site_level_t *communes; /* the commune level, if written */
    size_t *members;              /* indices in communes */
    size_t n_members;
    tob_members_t expected; /* its membership source's count, if any */
    char dep_level[TOB_LEVEL_NAME_MAX + 1], dep_code[64], dep_name[256];
    /* the département's values, kept while pages of its communes follow
     * one another (computed from its members, they are not cheap) */
    char cached_dep[64];
    const site_level_t *cached_level;
    double *dep_values;       /* one per series of cached_level */
    struct evo_group *groups; /* the level's evolutions */
    size_t n_groups;
} page_ctx_t;

static void put_value_cell(FILE *fp, double v, const tob_variable_t *meta)
{
    char text[TOB_FMT_MAX + 80];
    carnet_fmt_value(v, meta, text, sizeof text);
    fputs("<td class=\"n\">", fp);
    html_put(fp, text);
    fputs("</td>", fp);
}

static void total_label(const site_level_t *lv, size_t known, char *buf,
                        size_t size)
{
    carnet_level_total_text(lv->label, known, lv->n, buf, size);
}

/* The département's value of a series, through values.h. */
static double dep_value(page_ctx_t *c, const site_series_t *se)
{
    if (c->dep_code[0] == '\0')
        return NAN;
    size_t k = (size_t)(se - c->lv->series);
    if (c->cached_level != c->lv || strcmp(c->cached_dep, c->dep_code) != 0) {
        for (size_t s = 0; s < c->lv->n_series; s++) {
            tob_value_t v;
            tob_error_t ignored;
            const site_series_t *x = &c->lv->series[s];
            c->dep_values[s] =
                tob_values_get_code(c->vals, c->run->vars[x->var]->name,
                                    c->dep_level, c->dep_code, x->year, &v,
                                    &ignored) == TOB_OK
                    ? v.value
                    : NAN;
        }
        c->cached_level = c->lv;
        snprintf(c->cached_dep, sizeof c->cached_dep, "%s", c->dep_code);
    }
    return c->dep_values[k];
}

/* "|commune|communes" for communes, else "|membre|membres". */
static const char *member_forms(const tob_members_t *m)
{
    return strcmp(m->level, "commune") == 0 ? "|commune|communes"
                                            : "|membre|membres";
}

/* A territory the store holds part of: why its sums are n.d. */
static void put_partial_note(const page_ctx_t *c, FILE *fp)
{
    const tob_members_t *m = &c->expected;
    if (m->present >= m->expected)
        return;
    char count[2 * TOB_FMT_MAX + 128];
    fr_members(m->present, m->expected, member_forms(m), 0, count,
               sizeof count);
    fputs("<p class=\"note\">", fp);
    html_put(fp, count);
    fputs(" dans l'observatoire : sommes, effectifs et moyennes non "
          "calculés (n.d.) ; les taux le sont des membres présents, "
          "s'ils couvrent 99 % de la superficie.</p>\n",
          fp);
}

static void put_figures(page_ctx_t *c, FILE *fp, FILE *refs)
{
    const site_level_t *lv = c->lv;
    if (lv->n_series == 0) {
        fputs("<p>Aucun indicateur pour ce territoire.</p>\n", fp);
        return;
    }
    fputs("<h2 id=\"chiffres\">Chiffres clés</h2>\n"
          "<div class=\"reference\"><label for=\"reference\">Comparer "
          "avec</label><select id=\"reference\"><option value=\"\">— "
          "choisir un territoire de référence —</option>"
          "<optgroup label=\"Références\">",
          fp);
    int has_dep = c->dep_code[0] != '\0';
    if (has_dep) {
        fputs("<option value=\"r0\">", fp);
        html_put(fp, c->dep_name);
        fputs("</option>", fp);
    }
    char all[400];
    total_label(lv, lv->n, all, sizeof all);
    fprintf(fp, "<option value=\"r%d\">", has_dep);
    html_put(fp, all);
    fputs("</option></optgroup></select></div>\n", fp);
    fputs("<table class=\"data figures\"><caption>Chiffres clés : valeur, "
          "rang et références</caption>\n<thead><tr><th scope=\"col\">"
          "Indicateur</th><th scope=\"col\" class=\"n\">Valeur</th>"
          "<th scope=\"col\">Rang</th>",
          fp);
    if (has_dep) {
        fputs("<th scope=\"col\" class=\"n\">", fp);
        html_put(fp, c->dep_name);
        fputs("</th>", fp);
    }
    fputs("<th scope=\"col\" class=\"n\">", fp);
    html_put(fp, all);
    fputs("</th><th scope=\"col\" class=\"n\" id=\"ref-head\">Référence"
          "</th></tr></thead>\n<tbody>\n",
          fp);
    /* refs: [{label, values: {"var/year": text}}] for site.js */
    fputs("[", refs);
    for (int pass = has_dep ? 0 : 1; pass < 2; pass++) {
        char label[400];
        size_t known_all = lv->n;
        if (pass == 0)
            snprintf(label, sizeof label, "%s", c->dep_name);
        fputs(pass == 1 && has_dep ? ",{\"values\":{" : "{\"values\":{", refs);
        for (size_t s = 0; s < lv->n_series; s++) {
            const site_series_t *se = &lv->series[s];
            double v = pass == 0 ? dep_value(c, se) : se->total;
            if (pass == 1 && s == 0)
                known_all = se->total_known;
            char text[TOB_FMT_MAX + 80], key[160];
            carnet_fmt_value(v, c->run->vars[se->var], text, sizeof text);
            snprintf(key, sizeof key, "%s/%d", c->run->vars[se->var]->name,
                     se->year);
            fputs(s ? "," : "", refs);
            site_json(refs, key);
            fputc(':', refs);
            site_json(refs, text);
        }
        if (pass == 1)
            total_label(lv, known_all, label, sizeof label);
        fputs("},\"label\":", refs);
        site_json(refs, label);
        fputc('}', refs);
    }
    fputs("]", refs);
    for (size_t s = 0; s < lv->n_series; s++) {
        const site_series_t *se = &lv->series[s];
        const tob_variable_t *meta = c->run->vars[se->var];
        fputs("<tr data-v=\"", fp);
        html_put(fp, meta->name);
        fprintf(fp, "\" data-y=\"%d\"><th scope=\"row\">", se->year);
        html_put(fp, meta->label[0] ? meta->label : meta->name);
        if (!strstr(meta->label, "20") && !strstr(meta->label, "19"))
            fprintf(fp, " (%d)", se->year);
        fputs("</th>", fp);
        put_value_cell(fp, se->values[c->i], meta);
        size_t of = se->n_ranked, rank = se->rank[c->i];
        if (rank == 0)
            fputs("<td>n.d.</td>", fp);
        else
            fprintf(fp, "<td class=\"rank\">%zu%s sur %zu</td>", rank,
                    rank == 1 ? "er" : "e", of);
        if (has_dep)
            put_value_cell(fp, dep_value(c, se), meta);
        put_value_cell(fp, se->total, meta);
        fputs("<td class=\"n ref\"></td></tr>\n", fp);
    }
    fputs("</tbody></table>\n", fp);
    put_partial_note(c, fp);
}

/* ---- evolutions ---------------------------------------------------------- */

/* An evolution of the level: its series (a variable's years, or
 * variables named by year), and the level's values over the territories
 * with a value every year, as the carnet — computed once per level. */
typedef struct evo_group {
    size_t sel[SITE_EVO_YEARS]; /* indices in lv->series, in year order */
    int years[SITE_EVO_YEARS];
    size_t n, n_known;
    double total[SITE_EVO_YEARS];
} evo_group_t;

/* The series of var in lv: how many, the first max in sel and years. */
static size_t series_of_var(const site_level_t *lv, size_t var, size_t *sel,
                            int *years, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < lv->n_series; k++)
        if (lv->series[k].var == var) {
            if (n < max) {
                sel[n] = k;
                years[n] = lv->series[k].year;
            }
            n++;
        }
    return n;
}

/* A variable named with its year ("population_2015"): the length of the
 * name before "_2015", 0 if it is not so named. */
static size_t year_stem(const tob_variable_t *meta)
{
    size_t n = strlen(meta->name);
    return carnet_var_year(meta, 0) != 0 && n > 5 && meta->name[n - 5] == '_'
               ? n - 5
               : 0;
}

/* The variables named with their years that share v's stem, v first of
 * them, into g (in year order); 0 when v is not the first. */
static size_t named_by_year(const site_run_t *run, const site_level_t *lv,
                            size_t v, evo_group_t *g)
{
    size_t stem = year_stem(run->vars[v]), k;
    int ignored;
    g->n = 0;
    if (stem == 0 || series_of_var(lv, v, &k, &ignored, 1) != 1)
        return 0;
    for (size_t w = 0; w < run->n_vars; w++) {
        const tob_variable_t *o = run->vars[w];
        if (year_stem(o) != stem ||
            strncmp(o->name, run->vars[v]->name, stem) != 0 ||
            series_of_var(lv, w, &k, &ignored, 1) != 1)
            continue;
        if (w < v)
            return g->n = 0; /* the group is its first variable's */
        if (g->n == SITE_EVO_YEARS)
            break;
        int year = carnet_var_year(o, 0);
        size_t at = g->n++;
        while (at > 0 && g->years[at - 1] > year) { /* insertion */
            g->years[at] = g->years[at - 1], g->sel[at] = g->sel[at - 1];
            at--;
        }
        g->years[at] = year, g->sel[at] = k;
    }
    return g->n;
}

static void group_totals(const site_run_t *run, const site_level_t *lv,
                         evo_group_t *g, unsigned char *mask)
{
    g->n_known = lv->n;
    memset(mask, 1, lv->n);
    for (size_t y = 0; y < g->n; y++)
        for (size_t i = 0; i < lv->n; i++)
            if (mask[i] && !isfinite(lv->series[g->sel[y]].values[i]))
                mask[i] = 0, g->n_known--;
    for (size_t y = 0; y < g->n; y++) {
        size_t known;
        g->total[y] =
            site_level_total(run, lv, &lv->series[g->sel[y]], mask, &known);
    }
}

/* Every variable of lv with several years, then the variables named with
 * their years put together (population_2015, population_2021). Caller
 * frees *out. */
static size_t evo_groups(const site_run_t *run, const site_level_t *lv,
                         evo_group_t **out)
{
    size_t n = 0;
    *out = calloc(run->n_vars ? 2 * run->n_vars : 1, sizeof **out);
    unsigned char *mask = malloc(lv->n ? lv->n : 1);
    for (size_t v = 0; *out && mask && v < run->n_vars; v++) {
        evo_group_t *g = &(*out)[n];
        g->n = series_of_var(lv, v, g->sel, g->years, SITE_EVO_YEARS);
        if (g->n >= 2 && g->n <= SITE_EVO_YEARS) {
            group_totals(run, lv, g, mask);
            n++;
        }
    }
    for (size_t v = 0; *out && mask && v < run->n_vars; v++) {
        evo_group_t *g = &(*out)[n];
        if (named_by_year(run, lv, v, g) >= 2) {
            group_totals(run, lv, g, mask);
            n++;
        }
    }
    free(mask);
    return *out ? n : 0;
}

/* A group's values for the page's territory, its département, its level. */
static void evo_fill(page_ctx_t *c, const evo_group_t *g, site_evo_t *e)
{
    const site_level_t *lv = c->lv;
    memset(e, 0, sizeof *e);
    e->meta = c->run->vars[lv->series[g->sel[g->n - 1]].var];
    e->n_years = g->n;
    memcpy(e->years, g->years, g->n * sizeof *g->years);
    int dep_any = 0;
    for (size_t y = 0; y < g->n; y++) {
        const site_series_t *se = &lv->series[g->sel[y]];
        e->values[0][y] = se->values[c->i];
        e->values[1][y] = dep_value(c, se);
        e->values[2][y] = g->total[y];
        dep_any |= isfinite(e->values[1][y]);
    }
    snprintf(e->labels[0], sizeof e->labels[0], "%s", lv->terrs[c->i].name);
    snprintf(e->labels[1], sizeof e->labels[1], "%s", c->dep_name);
    total_label(lv, g->n_known, e->labels[2], sizeof e->labels[2]);
    if (!dep_any) { /* no département: the level moves up */
        memcpy(e->values[1], e->values[2], sizeof e->values[1]);
        memcpy(e->labels[1], e->labels[2], sizeof e->labels[1]);
    }
    e->n_series = 2 + (dep_any != 0);
    if (g->n_known < 2) /* the level would be the territory itself */
        e->n_series--;
}

static void put_evolutions(page_ctx_t *c, FILE *fp)
{
    int id = 0;
    for (size_t k = 0; k < c->n_groups; k++) {
        site_evo_t e;
        evo_fill(c, &c->groups[k], &e);
        if (!isfinite(e.values[0][0]) || !isfinite(e.values[0][e.n_years - 1]))
            continue; /* no value for the territory: left out, as the carnet */
        if (id == 0)
            fputs("<h2 id=\"evolutions\">Évolutions</h2>\n", fp);
        site_evolution_html(fp, &e, id++);
    }
}

/* ---- member communes: map and table ------------------------------------ */

typedef struct svg_ctx {
    FILE *fp;
    double x0, y1, s, k; /* lon0, lat1, scale, cos(lat) */
    int open;
} svg_ctx_t;

static void svg_ring(void *user, size_t polygon, int hole, const double *ll,
                     size_t n)
{
    (void)polygon;
    (void)hole;
    svg_ctx_t *c = user;
    for (size_t i = 0; i < n; i++)
        fprintf(c->fp, "%c%.1f %.1f", i ? 'L' : 'M',
                (ll[2 * i] - c->x0) * c->k * c->s,
                (c->y1 - ll[2 * i + 1]) * c->s);
    fputc('Z', c->fp);
}

static void put_members_map(page_ctx_t *c, FILE *fp)
{
    const site_level_t *cl = c->communes;
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t m = 0; m < c->n_members; m++) {
        double b[4];
        site_topo_bbox(cl->topo, c->members[m], b);
        if (isnan(b[0]))
            continue;
        box[0] = fmin(box[0], b[0]), box[1] = fmin(box[1], b[1]);
        box[2] = fmax(box[2], b[2]), box[3] = fmax(box[3], b[3]);
    }
    if (!isfinite(box[0]))
        return;
    svg_ctx_t s = {fp,
                   box[0],
                   box[3],
                   0,
                   cos((box[1] + box[3]) / 2 * 3.14159265358979323846 / 180),
                   0};
    double w = (box[2] - box[0]) * s.k, h = box[3] - box[1];
    s.s = 480 / fmax(w, h);
    fprintf(fp,
            "<figure><svg class=\"members\" role=\"img\" "
            "aria-labelledby=\"members-cap\" viewBox=\"0 0 %.0f %.0f\" "
            "width=\"%.0f\" height=\"%.0f\">\n",
            w * s.s, h * s.s, w * s.s, h * s.s);
    for (size_t m = 0; m < c->n_members; m++) {
        const site_terr_t *t = &cl->terrs[c->members[m]];
        fputs("<a href=\"../../", fp);
        html_put(fp, t->page);
        fputs("\"><path d=\"", fp);
        site_topo_rings(cl->topo, c->members[m], svg_ring, &s);
        fputs("\"><title>", fp);
        html_put(fp, t->name);
        fputs("</title></path></a>\n", fp);
    }
    /* The real count: "102 communes membres sur 103 (1 hors de
     * l'observatoire)" when the store lacks some. */
    const tob_members_t *e = &c->expected;
    size_t expected = strcmp(e->level, "commune") == 0 ? e->expected : 0;
    char count[2 * TOB_FMT_MAX + 128];
    fr_members(c->n_members, expected, "|commune membre|communes membres", 1,
               count, sizeof count);
    const char *article = expected > c->n_members ? ""
                          : c->n_members == 1     ? "La "
                                                  : "Les ";
    fprintf(fp, "</svg><figcaption id=\"members-cap\">%s", article);
    html_put(fp, c->n_members == 1 && expected <= 1 ? "commune membre" : count);
    fprintf(fp, "%sle tableau ci-dessous %s%s</figcaption></figure>\n",
            *article ? " (" : " ; ",
            c->n_members == 1 ? "la nomme" : "les liste", *article ? ")" : "");
}

static void put_members_table(page_ctx_t *c, FILE *fp)
{
    const site_level_t *cl = c->communes;
    size_t n_cols = cl->n_series < 4 ? cl->n_series : 4;
    /* wider than the page with its columns: scrolls, by keyboard too */
    fputs("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
          "aria-label=\"Communes membres (tableau défilant)\">"
          "<table class=\"data\"><caption>Communes membres</caption>\n"
          "<thead><tr><th scope=\"col\">Commune</th><th scope=\"col\">Code "
          "Insee</th>",
          fp);
    for (size_t k = 0; k < n_cols; k++) {
        const tob_variable_t *meta = c->run->vars[cl->series[k].var];
        fputs("<th scope=\"col\" class=\"n\">", fp);
        html_put(fp, meta->label[0] ? meta->label : meta->name);
        if (meta->unit[0]) {
            fputs(" (", fp);
            html_put(fp, meta->unit);
            fputc(')', fp);
        }
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t m = 0; m < c->n_members; m++) {
        const site_terr_t *t = &cl->terrs[c->members[m]];
        fputs("<tr><td><a href=\"../../", fp);
        html_put(fp, t->page);
        fputs("\">", fp);
        html_put(fp, t->name);
        fputs("</a></td><td>", fp);
        html_put(fp, t->code);
        fputs("</td>", fp);
        for (size_t k = 0; k < n_cols; k++) {
            tob_variable_t bare = *c->run->vars[cl->series[k].var];
            bare.unit[0] = '\0';
            put_value_cell(fp, cl->series[k].values[c->members[m]], &bare);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody></table></div>\n", fp);
}

/* ---- the store's links: parents, members, GUP sites --------------------- */

static tob_status_t put_parents(page_ctx_t *c, FILE *fp, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(c->st, SQL_PARENTS, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, c->lv->terrs[c->i].id);
    int any = 0;
    while (db_step(s) == DB_ROW) {
        const char *level = db_column_str(s, 0), *code = db_column_str(s, 1);
        const char *name = db_column_str(s, 2);
        if (strcmp(level, "departement") == 0 && c->dep_code[0] == '\0') {
            snprintf(c->dep_level, sizeof c->dep_level, "%s", level);
            snprintf(c->dep_code, sizeof c->dep_code, "%s", code);
            snprintf(c->dep_name, sizeof c->dep_name, "%s", name);
        }
        fputs(any ? " · " : "<p class=\"parents\">Appartient à : ", fp);
        any = 1;
        const site_level_t *pl = site_level_find(c->run, level);
        size_t k = pl ? site_terr_index(pl, code) : (size_t)-1;
        if (k != (size_t)-1) {
            fputs("<a href=\"../../", fp);
            html_put(fp, pl->terrs[k].page);
            fputs("\">", fp);
        }
        html_put(fp, name);
        if (k != (size_t)-1)
            fputs("</a>", fp);
    }
    if (any)
        fputs("</p>\n", fp);
    db_finalize(s);
    return TOB_OK;
}

static tob_status_t find_members(page_ctx_t *c, tob_error_t *err)
{
    c->n_members = 0;
    if (c->communes == NULL || c->communes == c->lv)
        return TOB_OK;
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(c->st, SQL_COMMUNES, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, c->lv->terrs[c->i].id);
    while (db_step(s) == DB_ROW) {
        size_t k = site_terr_index(c->communes, db_column_str(s, 0));
        if (k != (size_t)-1 && c->n_members < c->communes->n)
            c->members[c->n_members++] = k;
    }
    db_finalize(s);
    return TOB_OK;
}

/* GUP sites in the territory (its own commune, or a member commune). */
static tob_status_t put_gup_sites(page_ctx_t *c, FILE *fp, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(c->st, SQL_GUP_SITES, &s, err);
    if (status != TOB_OK)
        return status;
    db_bind_int64(s, 1, c->lv->terrs[c->i].id);
    int any = 0;
    while (db_step(s) == DB_ROW) {
        char safe[80];
        site_safe_code(db_column_str(s, 0), safe, sizeof safe);
        fputs(any ? "" : "<h2>Gestion urbaine de proximité</h2>\n<ul>", fp);
        any = 1;
        fprintf(fp, "<li><a href=\"../../f/gup-%s.html\">", safe);
        html_put(fp, db_column_str(s, 1));
        fputs("</a> : tableau de bord du site</li>", fp);
    }
    if (any)
        fputs("</ul>\n", fp);
    db_finalize(s);
    return TOB_OK;
}

/* Links to the follow-up page of each contract the report shows (its
 * section's heading is "name (code)"). */
static tob_status_t put_contract_links(page_ctx_t *c, FILE *fp,
                                       const tob_report_t *r, tob_error_t *err)
{
    db_stmt_t *s = NULL;
    tob_status_t status = db_prepare(c->st, SQL_CONTRACT_NAMES, &s, err);
    if (status != TOB_OK)
        return status;
    int any = 0;
    while (db_step(s) == DB_ROW) {
        char heading[1024], rel[256];
        snprintf(heading, sizeof heading, "%s (%s)", db_column_str(s, 1),
                 db_column_str(s, 0));
        if (!site_report_has_heading(r, heading))
            continue;
        site_contract_page(db_column_str(s, 0), rel, sizeof rel);
        fputs(any ? "" : "<ul class=\"followup\">", fp);
        any = 1;
        fprintf(fp, "<li><a href=\"../../%s\">Suivi du contrat : ", rel);
        html_put(fp, db_column_str(s, 1));
        fputs("</a></li>", fp);
    }
    if (any)
        fputs("</ul>\n", fp);
    db_finalize(s);
    return TOB_OK;
}

static tob_status_t put_contracts(page_ctx_t *c, FILE *fp, tob_error_t *err)
{
    /* Most pages have none, said without asking (followup_places.h). */
    if (c->lv->contract_codes == NULL ||
        codeset_find(c->lv->contract_codes, c->lv->terrs[c->i].code) == 0)
        return TOB_OK;
    int y, m, d;
    tob_error_t ignored;
    tob_date_t ref = {0, 0, 0};
    if (tob_cell_parse_date(c->run->today, &y, &m, &d, &ignored) == TOB_OK)
        ref = (tob_date_t){y, m, d};
    tob_report_t *r = NULL;
    tob_status_t s = tob_followup_contracts(
        c->st, c->lv->name, c->lv->terrs[c->i].code, ref, &r, err);
    if (s == TOB_ERR_NOTFOUND) {
        tob_error_clear(err);
        return TOB_OK;
    }
    if (s != TOB_OK)
        return s;
    fputs("<section class=\"contracts\"><h2>Contrats et projets</h2>\n", fp);
    s = put_contract_links(c, fp, r, err);
    site_report_html(fp, r, 3);
    fputs("</section>\n", fp);
    tob_report_destroy(r);
    return s;
}

/* A link to the PDF carnet of the atlas folder, relative to the page. */
static void put_carnet_link(page_ctx_t *c, FILE *fp)
{
    const char *dir = c->run->opts->carnets;
    if (dir == NULL)
        return;
    const site_terr_t *t = &c->lv->terrs[c->i];
    char file[256], path[4096], abs_dir[PATH_MAX], abs_out[PATH_MAX];
    tob_atlas_file_name(t->code, t->name, file, sizeof file);
    snprintf(path, sizeof path, "%s/%s", dir, file);
    struct stat sb;
    if (stat(path, &sb) != 0 || realpath(dir, abs_dir) == NULL ||
        realpath(c->run->opts->out_dir, abs_out) == NULL)
        return;
    /* from out_dir to dir: up to their common folder, then down */
    size_t n_out = strlen(abs_out), n_dir = strlen(abs_dir), common = 0;
    for (size_t k = 0; k <= n_out && k <= n_dir; k++) {
        int end_out = k == n_out || abs_out[k] == '/';
        int end_dir = k == n_dir || abs_dir[k] == '/';
        if (end_out && end_dir)
            common = k;
        if (k == n_out || k == n_dir || abs_out[k] != abs_dir[k])
            break;
    }
    fputs("<p class=\"carnet\"><a href=\"../../", fp);
    for (size_t k = common; k < n_out; k++)
        if (abs_out[k] == '/')
            fputs("../", fp);
    if (common < n_dir) {
        html_put(fp, abs_dir + common + 1);
        fputc('/', fp);
    }
    html_put(fp, file);
    fputs("\">Carnet de territoire (PDF)</a></p>\n", fp);
}

static tob_status_t write_page(page_ctx_t *c, tob_error_t *err)
{
    const site_level_t *lv = c->lv;
    const site_terr_t *t = &lv->terrs[c->i];
    site_mem_t m, refs;
    tob_status_t s = site_mem_open(&m, err);
    if (s != TOB_OK)
        return s;
    if ((s = site_mem_open(&refs, err)) != TOB_OK) {
        site_mem_discard(&m);
        return s;
    }
    FILE *fp = m.fp;
    c->dep_code[0] = c->dep_name[0] = '\0';
    site_page_head(c->run, fp, t->name, "../../");
    fputs("<p class=\"crumbs\"><a href=\"../../index.html#", fp);
    html_put(fp, lv->name);
    fputs("\">Carte</a> › ", fp);
    html_put(fp, lv->label);
    fputs("</p>\n<h1>", fp);
    html_put(fp, t->name);
    fputs("</h1>\n<p class=\"what\">", fp);
    html_put(fp, lv->label);
    fputs(" · code ", fp);
    html_put(fp, t->code);
    if (isfinite(t->area_m2) && t->area_m2 > 0) {
        char area[TOB_FMT_MAX];
        tob_fmt_number_fr(t->area_m2 / 1e6, 1, area, sizeof area);
        fprintf(fp, " · %s km²", area);
    }
    fputs("</p>\n", fp);
    s = put_parents(c, fp, err);
    if (s == TOB_OK)
        s = find_members(c, err);
    if (s == TOB_OK)
        s = tob_values_members(c->vals, t->id, &c->expected, err);
    if (s == TOB_OK) {
        put_carnet_link(c, fp);
        put_figures(c, fp, refs.fp);
        put_evolutions(c, fp);
        if (c->n_members > 0) {
            fputs("<h2>Communes membres</h2>\n", fp);
            put_members_map(c, fp);
            put_members_table(c, fp);
        }
        s = put_contracts(c, fp, err);
    }
    if (s == TOB_OK)
        s = put_gup_sites(c, fp, err);
    site_page_foot(c->run, fp, "../../");
    fflush(refs.fp);
    fputs("<script src=\"../../assets/site.js\"></script>\n"
          "<script src=\"../../data/site.js\"></script>\n<script>"
          "TOB.territoryPage(\"../../\",",
          fp);
    site_json(fp, lv->name);
    fputc(',', fp);
    site_json(fp, t->code);
    fprintf(fp, ",%s);</script>\n</body>\n</html>\n",
            refs.buf && refs.buf[0] ? refs.buf : "[]");
    site_mem_discard(&refs);
    if (s != TOB_OK) {
        site_mem_discard(&m);
        return s;
    }
    return site_mem_emit(c->run, &m, t->page, err);
}

tob_status_t site_write_territories(site_run_t *run, tob_store_t *st,
                                    tob_values_t *vals, const site_level_t *lv,
                                    size_t first, size_t last, tob_error_t *err)
{
    page_ctx_t c = {0};
    c.run = run;
    c.st = st;
    c.vals = vals;
    c.lv = lv;
    c.communes = site_level_find(run, "commune");
    c.members = malloc((c.communes && c.communes->n ? c.communes->n : 1) *
                       sizeof *c.members);
    c.dep_values =
        malloc((lv->n_series ? lv->n_series : 1) * sizeof *c.dep_values);
    if (c.members == NULL || c.dep_values == NULL) {
        free(c.members);
        free(c.dep_values);
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    tob_status_t status = TOB_OK;
    c.n_groups = evo_groups(run, lv, &c.groups);
    size_t done = 0;
    for (c.i = first; status == TOB_OK && c.i < last; c.i++) {
        status = write_page(&c, err);
        done += status == TOB_OK;
    }
    pthread_mutex_lock(&run->lock);
    run->rep->n_territories += done;
    pthread_mutex_unlock(&run->lock);
    free(c.members);
    free(c.dep_values);
    free(c.groups);
    return status;
}
