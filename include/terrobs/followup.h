/* followup.h (entry point) - follow-up reports for partners, in French, built
 * from the store as report documents (report.h):
 * - contracts of a territory: phases, projects by status and by axis,
 *   engaged ratio ("91 projets engagés sur 280"), engaged and total cost,
 *   funding per financer, projects late at a reference date;
 * - a GUP site: per volet, signalements open and closed at the reference
 *   date with the median closing delay, actions and those overdue; per
 *   referent the same; the list of overdue actions;
 * - projects per territory of a level (projects.h).
 * Definitions (engaged = engagé or réalisé; totals leave out abandoned
 * projects) are those of projects.h. */
#ifndef TERROBS_FOLLOWUP_H
#define TERROBS_FOLLOWUP_H

#include "terrobs/error.h"
#include "terrobs/report.h"
#include "terrobs/store.h"

/* A reference date: "late" and "overdue" are relative to it. */
typedef struct tob_date {
    int y, m, d;
} tob_date_t;

/* Today, in local time. */
TOB_API tob_date_t tob_date_today(void);

/* The contracts whose territory is (level, code) or lies inside it (the
 * rules of projects.h: memberships, parent codes, else space), one
 * section each. A project is late when it is prévu or engagé and its Date
 * fin is before ref. Caller frees *out with tob_report_destroy(). Errors:
 * TOB_ERR_NOTFOUND (no such level or territory, or no contract there,
 * naming the contracts of the store), TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t
tob_followup_contracts(tob_store_t *st, const char *level, const char *code,
                       tob_date_t ref, tob_report_t **out, tob_error_t *err);

/* The follow-up of one contract, by its code: the section
 * tob_followup_contracts() gives it, under a title naming it. Errors:
 * TOB_ERR_NOTFOUND (no such contract), TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_followup_contract(tob_store_t *st,
                                                         const char *code,
                                                         tob_date_t ref,
                                                         tob_report_t **out,
                                                         tob_error_t *err);

/* The dashboard of GUP site `site` at ref: signalements dated on or before
 * ref; open = not closed on ref; the closing delay is closing date minus
 * date, in days (median of those closed by ref); an action is overdue when
 * it is prévu or engagé and its Échéance is before ref. Errors:
 * TOB_ERR_NOTFOUND (no such site, naming the store's), TOB_ERR_SQLITE,
 * TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_followup_gup(tob_store_t *st,
                                                    const char *site,
                                                    tob_date_t ref,
                                                    tob_report_t **out,
                                                    tob_error_t *err);

/* One row per territory of level with projects (all territories if
 * all_rows), and a row for projects placed in none. contract may be NULL
 * (all contracts). Errors: as tob_projects_by_territory(). */
TOB_API TOB_NODISCARD tob_status_t
tob_followup_projects(tob_store_t *st, const char *level, const char *contract,
                      int all_rows, tob_report_t **out, tob_error_t *err);

#endif
