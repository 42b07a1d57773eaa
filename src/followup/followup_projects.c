/* followup_projects.c - projects per territory of a level as a report
 * table (the figures of projects.h). */
#include "terrobs/followup.h"

#include "terrobs/projects.h"

#include <stdio.h>
#include <stdlib.h>

static void totals_row(tob_report_t *rep, const char *code, const char *name,
                       const tob_project_totals_t *t)
{
    tob_report_row(rep);
    tob_report_text(rep, code);
    tob_report_text(rep, name);
    tob_report_int(rep, t->n_projects);
    tob_report_int(rep, t->n_engaged);
    tob_report_money(rep, t->total_cost);
    tob_report_money(rep, t->engaged_cost);
}

tob_status_t tob_followup_projects(tob_store_t *st, const char *level,
                                   const char *contract, int all_rows,
                                   tob_report_t **out, tob_error_t *err)
{
    static const char *const headers[] = {"Code",       "Territoire",
                                          "Projets",    "Engagés",
                                          "Coût total", "Coût engagé"};
    *out = NULL;
    tob_project_totals_t *rows = NULL, none;
    size_t n = 0;
    tob_status_t s =
        tob_projects_by_territory(st, level, contract, &rows, &n, &none, err);
    char title[512];
    snprintf(title, sizeof title, "Projets par territoire (%s)%s%s", level,
             contract ? " - contrat " : "", contract ? contract : "");
    tob_report_t *rep = NULL;
    if (s == TOB_OK)
        s = tob_report_create(title, &rep, err);
    if (s == TOB_OK) {
        tob_report_paragraph(rep, "Projets hors abandonnés ; engagés = "
                                  "engagés ou réalisés.");
        tob_report_table(rep, "Projets par territoire", 6, headers);
    }
    for (size_t i = 0; i < n && s == TOB_OK; i++)
        if (all_rows || rows[i].n_projects > 0 || rows[i].n_abandoned > 0)
            totals_row(rep, rows[i].code, rows[i].name, &rows[i]);
    if (s == TOB_OK && (none.n_projects > 0 || none.n_abandoned > 0))
        totals_row(rep, "", "(hors territoires de ce niveau)", &none);
    free(rows);
    if (s != TOB_OK) {
        tob_report_destroy(rep);
        return s;
    }
    *out = rep;
    return TOB_OK;
}
