/* projects.h (entry point) - contract projects counted and summed per territory
 * of any level, for maps, carnets and follow-up reports.
 *
 * Where a project is: its commune (the `Commune` code it was imported
 * with, or the commune whose polygon holds its point: R*Tree, then
 * ST_Within); a project with neither is at its contract's territory. From
 * there it belongs to the territories above: the memberships of the store
 * (kind 'member', any depth) and the parent code each territory was loaded
 * with; where no such link reaches the asked level (a département loaded
 * alone), the polygon of the asked level holding the project's point (or,
 * for a commune, its point on surface, and only in a territory larger than
 * the commune). A project at a contract territory is never pushed down to
 * smaller territories. Only the latest vintage of each level is used.
 *
 * What is counted (the same everywhere: reports, observations, maps):
 *   n_projects   projects not abandoned (abandonné);
 *   n_engaged    projects engagé or réalisé ("91 engagés sur 280" counts
 *                these over all projects of the contract);
 *   total_cost   sum of the total costs of the projects not abandoned;
 *   engaged_cost sum of the total costs of the engaged ones.
 * A blank cost counts as 0 in the sums. */
#ifndef TERROBS_PROJECTS_H
#define TERROBS_PROJECTS_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

typedef struct tob_project_totals {
    tob_id_t territory; /* territory id; 0 for "no territory" */
    char code[64];
    char name[256];
    long long n_projects;  /* not abandoned */
    long long n_engaged;   /* engagé + réalisé */
    long long n_done;      /* réalisé */
    long long n_abandoned; /* abandonné */
    double total_cost;     /* of the projects not abandoned */
    double engaged_cost;   /* of the engaged ones */
} tob_project_totals_t;

/* Totals for every territory of level (latest vintage), in code order,
 * zeros included, in *rows (caller frees with free()); *unplaced gets the
 * projects that reach no territory of level (may be NULL). contract is a
 * contract code to keep only its projects, or NULL for all. Errors:
 * TOB_ERR_NOTFOUND (no such level or contract, naming the known ones),
 * TOB_ERR_SQLITE, TOB_ERR_NOMEM. On failure *rows is NULL. */
TOB_API TOB_NODISCARD tob_status_t tob_projects_by_territory(
    tob_store_t *st, const char *level, const char *contract,
    tob_project_totals_t **rows, size_t *n_rows, tob_project_totals_t *unplaced,
    tob_error_t *err);

/* Totals for one territory (level, code). Errors: as above, and
 * TOB_ERR_NOTFOUND for an unknown code. */
TOB_API TOB_NODISCARD tob_status_t tob_projects_in_territory(
    tob_store_t *st, const char *level, const char *code, const char *contract,
    tob_project_totals_t *out, tob_error_t *err);

/* The variables written by tob_projects_publish(), in observation: */
#define TOB_VAR_PROJECTS "projets_nombre"
#define TOB_VAR_PROJECTS_ENGAGED "projets_engages"
#define TOB_VAR_PROJECTS_COST "projets_cout_total"
#define TOB_VAR_PROJECTS_ENGAGED_COST "projets_cout_engage"

/* Declares the four variables (aggregate 'sum', French labels) and writes
 * their observations for every territory of every level (latest vintage;
 * 0 where no project), replacing every earlier year's: the counts follow
 * the projects as they stand, whatever order contracts and projects are
 * imported in. year 0 = the last year given (kept in meta
 * 'projects_year'), else this year. A store without any project gets no
 * counts. source_id is the provenance record to cite (0 = none). Called
 * by every contracts and projects import, inside its transaction; call it
 * again after reloading boundaries. Errors: TOB_ERR_SQLITE,
 * TOB_ERR_NOMEM. */
TOB_API TOB_NODISCARD tob_status_t tob_projects_publish(tob_store_t *st,
                                                        int year,
                                                        tob_id_t source_id,
                                                        tob_error_t *err);

#endif
