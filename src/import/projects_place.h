/* projects_place.h - the placing rules of projects.h, for the follow-up of
 * contracts in followup/ (which contracts lie inside a territory).
 * Library-internal. */
#ifndef TERROBS_IMPORT_PROJECTS_PLACE_H
#define TERROBS_IMPORT_PROJECTS_PLACE_H

#include "terrobs/store.h"

/* The territory of level (latest vintage) that territory id lies in, by
 * the rules of projects.h (itself if it is of that level); 0 if none or on
 * any error. */
tob_id_t projects_territory_above(tob_store_t *st, tob_id_t id,
                                  const char *level);

#endif
