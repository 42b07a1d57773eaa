/* projects_internal.h - the placing rules of projects.h, for the
 * follow-up of contracts (which contracts lie inside a territory).
 * Internal. */
#ifndef TERROBS_PROJECTS_INTERNAL_H
#define TERROBS_PROJECTS_INTERNAL_H

#include "terrobs/store.h"

/* The territory of level (latest vintage) that territory id lies in, by
 * the rules of projects.h (itself if it is of that level); 0 if none or on
 * any error. */
sqlite3_int64 tob_projects_territory_above(tob_store_t *st, sqlite3_int64 id,
                                           const char *level);

#endif
