/* zone.h (entry point) - user zonings from member lists: a SCoT made of EPCIs,
 * a Somme zone made of EPCIs, a GUP site made of QPVs or communes. Each zone is
 * a territory of its own level whose geometry is the dissolve (ST_Union) of its
 * members', related to them by 'member' relations, so values aggregate to it
 * like to any level. All or nothing, with provenance. */
#ifndef TERROBS_ZONE_H
#define TERROBS_ZONE_H

#include "terrobs/error.h"
#include "terrobs/store.h"

#include <stddef.h>

typedef struct tob_zone_options {
    const char *path;  /* CSV, XLSX, ODS */
    const char *sheet; /* NULL = the first */
    int vintage;       /* of the zones; 0 = the latest vintage of their
                          members' levels */
} tob_zone_options_t;

typedef struct tob_zone_report {
    size_t n_rows;             /* member rows read */
    size_t n_zones;            /* zones written */
    size_t n_created;          /* new zones */
    size_t n_replaced;         /* zones already there: members and geometry
                                  rebuilt, id (and values) kept */
    size_t n_members;          /* memberships written */
    size_t n_without_geometry; /* members with no polygon (a QPV list):
                                  their zone's geometry leaves them out */
    int vintage;
    char zones[600]; /* "S59-LM (2 epci), S59-FD (2 epci), ..." */
} tob_zone_report_t;

/* Reads zone definitions: one row per (zone, member) with columns
 * zone_level, zone_code, zone_name, member_level, member_code (French
 * aliases niveau_zone, code_zone, nom_zone, niveau_membre, code_membre).
 * Zones already in the store (same level, code, vintage) are rebuilt.
 * Errors (nothing written): TOB_ERR_INPUT naming file:row: column (a
 * member code that is no territory of its level, a bad level name or
 * code, a zone named two ways, a member listed twice, a zone of its own
 * level), TOB_ERR_NOTFOUND (file, column, member level),
 * TOB_ERR_SQLITE. */
TOB_API TOB_NODISCARD tob_status_t
tob_zones_import(tob_store_t *st, const tob_zone_options_t *opts,
                 tob_zone_report_t *report, tob_error_t *err);

#endif
