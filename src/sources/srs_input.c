/* srs_input.c - user-given CRS, read offline. */
#include "srs_input.h"

#include <cpl_error.h>
#include <cpl_string.h>

#include <string.h>

/* Whether text starts like a URL ("scheme://" or "scheme:/"), other than
 * the OGC definitions GDAL resolves offline. */
static int is_fetchable_url(const char *text)
{
    static const char *const offline[] = {
        "http://www.opengis.net/def/crs/", "https://www.opengis.net/def/crs/",
        "http://opengis.net/def/crs/", "https://opengis.net/def/crs/", NULL};
    for (size_t i = 0; offline[i] != NULL; i++)
        if (STARTS_WITH_CI(text, offline[i]))
            return 0;
    const char *colon = strchr(text, ':');
    if (colon == NULL || colon == text || colon[1] != '/')
        return 0;
    for (const char *p = text; p < colon; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > text && ((*p >= '0' && *p <= '9') || *p == '+' ||
                            *p == '-' || *p == '.'))))
            return 0;
    return 1;
}

tob_status_t srs_from_user_input(const char *text, OGRSpatialReferenceH *out,
                                 tob_error_t *err)
{
    *out = NULL;
    if (text == NULL || text[0] == '\0')
        return tob_error_set(err, TOB_ERR_INPUT, "empty CRS");
    if (is_fetchable_url(text))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%.200s': a CRS is not fetched from the "
                             "network (give EPSG:N or the WKT)",
                             text);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (srs == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    CPLPushErrorHandler(CPLQuietErrorHandler);
    OGRErr rc = OSRSetFromUserInput(srs, text);
    CPLPopErrorHandler();
    if (rc != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return tob_error_set(err, TOB_ERR_INPUT, "'%.200s' is not a CRS", text);
    }
    *out = srs;
    return TOB_OK;
}
