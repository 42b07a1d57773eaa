/* load_parents.h - the parents' member counts in the whole source file
 * (load_parents.c). Internal to load.c. */
#ifndef TERROBS_LOAD_PARENTS_H
#define TERROBS_LOAD_PARENTS_H

#include "terrobs/load.h"

#include <ogr_api.h>

/* With opts->where and a parent field (i_parent >= 0): reads that field
 * of every feature of layer, the filter off, and records for each parent
 * code naming a territory of another level in st how many features name
 * it, as its expected members at opts->level (the larger count when one
 * is there), with provenance source_id; fills rep's parent fields. Inside
 * the caller's transaction, after the bulk write. Errors: TOB_ERR_GDAL,
 * TOB_ERR_SQLITE, TOB_ERR_NOMEM. */
TOB_NODISCARD tob_status_t load_keep_parents(tob_store_t *st, OGRLayerH layer,
                                             int i_parent,
                                             const tob_load_options_t *opts,
                                             tob_id_t source_id,
                                             tob_load_report_t *rep,
                                             tob_error_t *err);

#endif
