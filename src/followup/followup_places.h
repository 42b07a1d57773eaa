/* followup_places.h - where the follow-up of contracts has something to
 * show, asked once for a whole level: the site links a territory's page to
 * its contracts without asking tob_followup_contracts() of every page.
 * Library-internal. */
#ifndef TERROBS_FOLLOWUP_PLACES_H
#define TERROBS_FOLLOWUP_PLACES_H

#include "base/codeset.h"
#include "terrobs/error.h"
#include "terrobs/store.h"

/* The codes of the territories of level (its latest vintage) where
 * tob_followup_contracts() finds a contract: the contracts' own
 * territories of that level and those of the level their territories lie
 * in. Any other code of the level has none. Caller frees *out with
 * codeset_destroy(). */
TOB_NODISCARD tob_status_t followup_contract_codes(tob_store_t *st,
                                                   const char *level,
                                                   tob_codeset_t **out,
                                                   tob_error_t *err);

#endif
