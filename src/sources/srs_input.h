/* srs_input.h - a CRS given by a user (--s-srs, the s-srs key of a layer
 * definition) read without touching the network: OSRSetFromUserInput()
 * fetches http(s) URLs, so a layer file from elsewhere could make terrobs
 * call any server. Internal to load.c and layerdef.c. */
#ifndef TERROBS_SRS_INPUT_H
#define TERROBS_SRS_INPUT_H

#include "terrobs/error.h"

#include <ogr_srs_api.h>

/* Reads text (EPSG:2154, IGNF:LAMB93, WKT, PROJJSON, a PROJ string, a
 * .prj file, an OGC URN or http://www.opengis.net/def/crs/ URL) into a new
 * spatial reference that the caller destroys with
 * OSRDestroySpatialReference(). Other URLs are refused. Errors:
 * TOB_ERR_INPUT "'X' is not a CRS" / "'X': a CRS is not fetched from the
 * network"; *out is NULL on failure. */
TOB_NODISCARD tob_status_t srs_from_user_input(const char *text,
                                               OGRSpatialReferenceH *out,
                                               tob_error_t *err);

#endif
