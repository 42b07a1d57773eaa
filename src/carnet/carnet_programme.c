/* carnet_programme.c - contracts and GUP in a carnet: the projects located
 * in the territory (engaged ratio, costs) as key figures, the follow-up of
 * the contracts signed for it, and the dashboard of each GUP site in it,
 * all from the follow-up module (followup.h, projects.h). */
#include "carnet_internal.h"

#include "base/plural_fr.h"
#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/followup.h"
#include "terrobs/projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_ROWS 25

static size_t max_rows(const carnet_ctx_t *ctx, const tpl_section_t *sec)
{
    const char *v = tpl_get(ctx->tpl, sec->id, "max-rows", NULL);
    return v != NULL ? (size_t)strtoul(v, NULL, 10) : DEFAULT_MAX_ROWS;
}

static tob_date_t reference_date(const carnet_ctx_t *ctx)
{
    tob_date_t d = tob_date_today();
    int y, m, dd;
    if (tob_cell_parse_date(ctx->today, &y, &m, &dd, NULL) == TOB_OK && y)
        d = (tob_date_t){y, m, dd};
    return d;
}

/* "91 sur 280", the projects' costs: what the territory's projects are,
 * whatever contract they belong to. */
static tob_status_t project_figures(carnet_ctx_t *ctx,
                                    const tob_project_totals_t *t,
                                    tob_error_t *err)
{
    long long all = t->n_projects + t->n_abandoned;
    char ratio[64], share[TOB_FMT_MAX], detail[TOB_FMT_MAX + 128];
    char cost[TOB_FMT_MAX], engaged[TOB_FMT_MAX], part[TOB_FMT_MAX];
    char engaged_detail[TOB_FMT_MAX + 32], done[64], dropped[64];
    snprintf(ratio, sizeof ratio, "%lld sur %lld", t->n_engaged, all);
    tob_fmt_percent_fr(all > 0 ? 100.0 * (double)t->n_engaged / (double)all : 0,
                       1, share, sizeof share);
    snprintf(detail, sizeof detail,
             "%s des projets (engagés ou réalisés) ; %s, %s", share,
             fr_count(t->n_done, "aucun réalisé|réalisé|réalisés", done,
                      sizeof done),
             fr_count(t->n_abandoned, "aucun abandonné|abandonné|abandonnés",
                      dropped, sizeof dropped));
    tob_fmt_money_fr(t->total_cost, 0, cost, sizeof cost);
    tob_fmt_money_fr(t->engaged_cost, 0, engaged, sizeof engaged);
    tob_fmt_percent_fr(
        t->total_cost > 0 ? 100.0 * t->engaged_cost / t->total_cost : 0, 1,
        part, sizeof part);
    snprintf(engaged_detail, sizeof engaged_detail, "%s du coût total", part);
    tob_figure_t figs[3] = {
        {ratio, NULL, "Projets engagés", detail},
        {cost, NULL, "Coût total des projets", "hors projets abandonnés"},
        {engaged, NULL, "Coût des projets engagés", engaged_detail},
    };
    return tob_doc_figures(ctx->doc, figs, 3, err);
}

/* The follow-up of the contracts signed for the territory, or NULL when
 * there is none (not an error: most territories have none). */
static tob_status_t contracts_report(carnet_ctx_t *ctx, tob_report_t **rep,
                                     tob_error_t *err)
{
    tob_error_t mine;
    tob_error_clear(&mine);
    const carnet_unit_t *self = &ctx->terr->self;
    tob_status_t st = tob_followup_contracts(ctx->st, self->level, self->code,
                                             reference_date(ctx), rep, &mine);
    if (st == TOB_ERR_NOTFOUND) {
        *rep = NULL;
        return TOB_OK;
    }
    if (st != TOB_OK && err != NULL && err->code == TOB_OK)
        *err = mine;
    return st;
}

tob_status_t carnet_contracts(carnet_ctx_t *ctx, const tpl_section_t *sec,
                              tob_error_t *err)
{
    const carnet_unit_t *self = &ctx->terr->self;
    tob_project_totals_t totals;
    tob_report_t *rep = NULL;
    tob_status_t st = tob_projects_in_territory(ctx->st, self->level,
                                                self->code, NULL, &totals, err);
    if (st == TOB_OK)
        st = contracts_report(ctx, &rep, err);
    if (st == TOB_OK)
        st = tob_doc_heading(
            ctx->doc, TOB_TEXT_H1,
            tpl_get_or(ctx->tpl, sec->id, "title", "Contrats et projets"), err);
    int any = totals.n_projects + totals.n_abandoned > 0;
    int commune = strcmp(ctx->terr->self.level, "commune") == 0;
    if (st == TOB_OK && !any && rep == NULL)
        st = tob_doc_paragraph(ctx->doc, TOB_TEXT_NOTE,
                               commune ? "Aucun contrat ni projet n'est "
                                         "enregistré pour cette commune."
                                       : "Aucun contrat ni projet n'est "
                                         "enregistré pour ce territoire.",
                               err);
    if (st == TOB_OK && any) {
        st = tob_doc_paragraph(ctx->doc, TOB_TEXT_BODY,
                               commune ? "Projets situés sur la commune, "
                                         "tous contrats confondus :"
                                       : "Projets situés sur le territoire, "
                                         "tous contrats confondus :",
                               err);
        if (st == TOB_OK)
            st = project_figures(ctx, &totals, err);
    }
    if (st == TOB_OK && rep != NULL)
        st = carnet_put_report(ctx->doc, rep, max_rows(ctx, sec), 0, err);
    tob_report_destroy(rep);
    return st;
}

/* ---- GUP ----------------------------------------------------------------- */

static const char SQL_SITES[] =
    "SELECT code, commune_code FROM gup_site ORDER BY name, code";

static int by_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Codes of the GUP sites whose commune is one of the territory's. */
static tob_status_t sites_inside(carnet_ctx_t *ctx, char ***codes, size_t *n,
                                 tob_error_t *err)
{
    const carnet_territory_t *t = ctx->terr;
    const char **communes = calloc(t->n_communes + 1, sizeof *communes);
    db_stmt_t *s = NULL;
    tob_status_t st = communes != NULL
                          ? db_prepare(ctx->st, SQL_SITES, &s, err)
                          : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < t->n_communes && communes != NULL; i++)
        communes[i] = t->communes[i].code;
    if (communes != NULL)
        qsort(communes, t->n_communes, sizeof *communes, by_code);
    int rc = DB_DONE;
    while (st == TOB_OK && (rc = db_step(s)) == DB_ROW) {
        const char *commune = db_column_text(s, 1);
        if (commune == NULL || !bsearch(&commune, communes, t->n_communes,
                                        sizeof *communes, by_code))
            continue;
        char **grown = realloc(*codes, (*n + 1) * sizeof *grown);
        if (grown == NULL ||
            (grown[*n] = strdup(db_column_text(s, 0))) == NULL) {
            *codes = grown != NULL ? grown : *codes;
            st = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        *codes = grown;
        (*n)++;
    }
    if (st == TOB_OK && rc != DB_DONE)
        st = db_fail(ctx->st, "reading GUP sites", err);
    db_finalize(s);
    free(communes);
    return st;
}

tob_status_t carnet_gup(carnet_ctx_t *ctx, const tpl_section_t *sec,
                        tob_error_t *err)
{
    char **codes = NULL;
    size_t n = 0;
    tob_status_t st = sites_inside(ctx, &codes, &n, err);
    /* No site: the section is left out (most territories have none). */
    if (st == TOB_OK && n > 0)
        st = tob_doc_heading(ctx->doc, TOB_TEXT_H1,
                             tpl_get_or(ctx->tpl, sec->id, "title",
                                        "Gestion urbaine de proximité"),
                             err);
    for (size_t i = 0; st == TOB_OK && i < n; i++) {
        tob_report_t *rep = NULL;
        st =
            tob_followup_gup(ctx->st, codes[i], reference_date(ctx), &rep, err);
        if (st == TOB_OK)
            st = carnet_put_report(ctx->doc, rep, max_rows(ctx, sec), 1, err);
        tob_report_destroy(rep);
    }
    for (size_t i = 0; i < n; i++)
        free(codes[i]);
    free(codes);
    return st;
}
