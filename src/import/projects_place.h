/* projects_place.h - the placing rules of projects.h, for the follow-up of
 * contracts in followup/ (which contracts lie inside a territory).
 * Library-internal. */
#ifndef TERROBS_IMPORT_PROJECTS_PLACE_H
#define TERROBS_IMPORT_PROJECTS_PLACE_H

#include "terrobs/error.h"
#include "terrobs/store.h"

/* The territories of one level (its latest vintage) that others lie in,
 * by the rules of projects.h, asked for many territories with the same
 * statements. */
typedef struct projects_above projects_above_t;

/* Caller frees *out with projects_above_close(). */
TOB_NODISCARD tob_status_t projects_above_open(tob_store_t *st,
                                               const char *level,
                                               projects_above_t **out,
                                               tob_error_t *err);
/* The territory of the level that territory id lies in (itself if it is
 * of that level); 0 if none or on any error. */
tob_id_t projects_above(projects_above_t *a, tob_id_t id);
void projects_above_close(projects_above_t *a); /* NULL is a no-op */

#endif
