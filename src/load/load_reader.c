/* load_reader.c - the reading thread of a load and its bounded queue. */
#include "load_reader.h"

#include "terrobs/cells.h"

#include <cpl_error.h>
#include <cpl_string.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_CAP 256
/* Items a waiting consumer is woken for (or the end): one wake-up a
 * feature costs two context switches a feature when the consumer is the
 * faster side; on a busy machine each is a wait for a core. */
#define QUEUE_BATCH 16

/* A CRS's area of use as PROJ gives it (degrees; west > east when it
 * crosses the antimeridian), with its name. */
typedef struct area {
    int known;
    double west, south, east, north;
    char crs[96], name[96];
} area_t;

/* Degrees of slack around an area of use: the EPSG boxes are tight, and
 * a coastal commune's centre may fall just outside. */
#define AREA_MARGIN_DEG 1.0

static void area_of_use(OGRSpatialReferenceH srs, area_t *a)
{
    const char *name = NULL;
    memset(a, 0, sizeof *a);
    a->known = OSRGetAreaOfUse(srs, &a->west, &a->south, &a->east, &a->north,
                               &name) != 0 &&
               a->west > -1000; /* PROJ gives -1000 for "unknown" */
    const char *crs = OSRGetName(srs);
    snprintf(a->crs, sizeof a->crs, "%s", crs != NULL ? crs : "?");
    snprintf(a->name, sizeof a->name, "%s", name != NULL ? name : "");
    /* "France - onshore and offshore, mainland and Corsica (France
     * métropolitaine including Corsica)." is enough without its gloss */
    char *gloss = strstr(a->name, " (");
    if (gloss != NULL)
        *gloss = '\0';
}

static int in_area(const area_t *a, double lon, double lat)
{
    const double m = AREA_MARGIN_DEG;
    if (!(lat >= a->south - m && lat <= a->north + m))
        return 0;
    if (a->west <= a->east)
        return lon >= a->west - m && lon <= a->east + m;
    return lon >= a->west - m || lon <= a->east + m; /* across 180 */
}

struct tob_reader {
    OGRLayerH layer;
    int i_code, i_name, i_parent;
    OGRSpatialReferenceH from;
    int geographic; /* from is longitude/latitude: coordinates are checked */
    int to_srid;
    area_t from_area, to_area; /* areas of use, in degrees */
    /* The caller's own transformations (made on its thread), for the
     * features the reader leaves it; NULL when they could not be made. */
    OGRCoordinateTransformationH own_ct, own_to_geo;
    OGRSpatialReferenceH own_to, own_geo;
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    tob_feature_item_t *queue[QUEUE_CAP];
    size_t head, count;
    int done;          /* the reader has pushed its last item */
    int cancelled;     /* the consumer wants no more */
    tob_error_t error; /* the reader's failure, if any */
};

void feature_item_free(tob_feature_item_t *item)
{
    if (item == NULL)
        return;
    free(item->code);
    free(item->name);
    free(item->parent);
    if (item->geom != NULL)
        OGR_G_DestroyGeometry(item->geom);
    free(item);
}

/* Bytes that Windows-1252 leaves undefined: such text is ISO-8859-1. */
static int has_cp1252_holes(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D)
            return 1;
    }
    return 0;
}

/* A copy of the field without surrounding blanks, in UTF-8: text that is
 * not (a Latin-1 .dbf without .cpg, a GeoJSON saved by an old editor) is
 * read as Windows-1252, as the table importer does, and *recoded set. */
static char *trimmed_field(OGRFeatureH f, int i, int *recoded)
{
    const char *s = "";
    if (i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i))
        s = OGR_F_GetFieldAsString(f, i);
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    if (tob_text_is_utf8(copy, n))
        return copy;
    const char *from = has_cp1252_holes(copy) ? CPL_ENC_ISO8859_1 : "CP1252";
    char *utf8 = CPLRecode(copy, from, CPL_ENC_UTF8);
    free(copy);
    copy = utf8 != NULL ? strdup(utf8) : NULL;
    CPLFree(utf8);
    *recoded = 1;
    return copy;
}

/* Longitudes and latitudes off the Earth: a wrong CRS (metres read as
 * degrees) or a broken file; PROJ would wrap longitude 500 silently. */
static int off_the_earth(const OGREnvelope *e, char *why, size_t size)
{
    const double slack = 1e-6; /* rounding in files written at 180 */
    if (!(e->MinX >= -180 - slack && e->MaxX <= 180 + slack))
        snprintf(why, size, "longitude %.10g is out of -180..180",
                 e->MinX < -180 - slack ? e->MinX : e->MaxX);
    else if (!(e->MinY >= -90 - slack && e->MaxY <= 90 + slack))
        snprintf(why, size, "latitude %.10g is out of -90..90",
                 e->MinY < -90 - slack ? e->MinY : e->MaxY);
    else
        return 0;
    return 1;
}

/* Sets item->outside when the feature's centre (cx, cy in the source
 * CRS) lies outside the source CRS's area of use, or when, read as
 * longitude and latitude, it lies outside the store CRS's area while the
 * swapped pair lies inside (a Nord commune given as 50.6, 3.0). */
static void check_area(tob_reader_t *r, tob_feature_item_t *item, double cx,
                       double cy, OGRCoordinateTransformationH to_geo)
{
    double lon = cx, lat = cy;
    if (!r->geographic &&
        (to_geo == NULL || !OCTTransform(to_geo, 1, &lon, &lat, NULL)))
        lon = lat = NAN;
    if (r->from_area.known && isnan(lon)) {
        snprintf(item->outside, sizeof item->outside,
                 "x %.6g, y %.6g is no place of %s (area %s)", cx, cy,
                 r->from_area.crs, r->from_area.name);
        return;
    }
    if (r->from_area.known && !in_area(&r->from_area, lon, lat)) {
        snprintf(item->outside, sizeof item->outside,
                 "longitude %.6g, latitude %.6g is outside the area of %s "
                 "(%s)",
                 lon, lat, r->from_area.crs, r->from_area.name);
        return;
    }
    if (r->geographic && r->to_area.known && !in_area(&r->to_area, lon, lat) &&
        in_area(&r->to_area, lat, lon))
        snprintf(item->outside, sizeof item->outside,
                 "longitude %.6g, latitude %.6g is outside the area of %s "
                 "(%s), but latitude %.6g, longitude %.6g is in it",
                 lon, lat, r->to_area.crs, r->to_area.name, lon, lat);
}

/* Reprojects item->geom, or says why its coordinates are absurd. */
static void project(tob_reader_t *r, tob_feature_item_t *item,
                    OGRCoordinateTransformationH ct,
                    OGRCoordinateTransformationH to_geo)
{
    OGREnvelope e;
    OGR_G_FlattenTo2D(item->geom);
    OGR_G_GetEnvelope(item->geom, &e);
    if (r->geographic &&
        off_the_earth(&e, item->problem, sizeof item->problem)) {
        item->projected = 0;
        return;
    }
    if (!OGR_G_IsEmpty(item->geom))
        check_area(r, item, (e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2,
                   to_geo);
    item->projected = OGR_G_Transform(item->geom, ct) == OGRERR_NONE;
    if (!item->projected)
        return;
    /* Beyond 1e9 m (25 times round the Earth) nothing is real. */
    OGR_G_GetEnvelope(item->geom, &e);
    if (!(fabs(e.MinX) < 1e9 && fabs(e.MaxX) < 1e9 && fabs(e.MinY) < 1e9 &&
          fabs(e.MaxY) < 1e9)) {
        snprintf(item->problem, sizeof item->problem,
                 "coordinates out of range once projected (%.6g, %.6g)", e.MinX,
                 e.MinY);
        item->projected = 0;
    }
}

static tob_feature_item_t *make_item(tob_reader_t *r, OGRFeatureH f,
                                     long long n,
                                     OGRCoordinateTransformationH ct,
                                     OGRCoordinateTransformationH to_geo)
{
    tob_feature_item_t *item = calloc(1, sizeof *item);
    if (item == NULL)
        return NULL;
    item->n = n;
    item->code = trimmed_field(f, r->i_code, &item->recoded);
    item->name = trimmed_field(f, r->i_name, &item->recoded);
    item->parent = trimmed_field(f, r->i_parent, &item->recoded);
    if (!item->code || !item->name || !item->parent) {
        feature_item_free(item);
        return NULL;
    }
    item->geom = OGR_F_StealGeometry(f);
    item->projected = 1;
    /* GEOS through OGR makes a context per call: any thread may test, and
     * each thread has its own transformation. The reader reprojects and
     * tests while the caller has work waiting; when the caller waits for
     * features (GDAL's parsing is the slower half, as with GeoJSON), both
     * are left to it and the two cores share the load. */
    pthread_mutex_lock(&r->lock);
    int lagging = r->count >= QUEUE_CAP / 2;
    pthread_mutex_unlock(&r->lock);
    if (item->geom != NULL && !lagging && r->own_ct != NULL)
        item->pending = 1;
    else if (item->geom != NULL)
        project(r, item, ct, to_geo);
    if (lagging)
        feature_is_valid(item);
    return item;
}

int feature_is_valid(tob_feature_item_t *item)
{
    if (!item->tested && !item->pending && item->geom != NULL &&
        item->projected && !OGR_G_IsEmpty(item->geom))
        item->valid = OGR_G_IsValid(item->geom);
    item->tested = 1;
    return item->valid;
}

/* Pushes item (NULL = end); returns 0 when the consumer cancelled. */
static int push(tob_reader_t *r, tob_feature_item_t *item)
{
    pthread_mutex_lock(&r->lock);
    while (r->count == QUEUE_CAP && !r->cancelled)
        pthread_cond_wait(&r->not_full, &r->lock);
    int ok = !r->cancelled;
    if (ok && item != NULL)
        r->queue[(r->head + r->count++) % QUEUE_CAP] = item;
    if (item == NULL)
        r->done = 1;
    /* The consumer waits only on an empty queue: counts climb one by one
     * through QUEUE_BATCH. */
    if (item == NULL || r->count == QUEUE_BATCH)
        pthread_cond_signal(&r->not_empty);
    pthread_mutex_unlock(&r->lock);
    if (!ok)
        feature_item_free(item);
    return ok;
}

static void fail(tob_reader_t *r, tob_status_t code, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    pthread_mutex_lock(&r->lock);
    tob_error_lib(&r->error, code, CPLGetLastErrorNo(), "%s%s%s", what,
                  msg[0] ? ": " : "", msg);
    pthread_mutex_unlock(&r->lock);
}

/* The transformations of the calling thread: to the store CRS (*ct, NULL
 * if none) and, for a projected source, to longitude/latitude of its own
 * datum, to compare with its area of use. */
static void make_transforms(const tob_reader_t *r,
                            OGRCoordinateTransformationH *ct,
                            OGRCoordinateTransformationH *to_geo,
                            OGRSpatialReferenceH *to, OGRSpatialReferenceH *geo)
{
    *to = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(*to, r->to_srid);
    OSRSetAxisMappingStrategy(*to, OAMS_TRADITIONAL_GIS_ORDER);
    *ct = OCTNewCoordinateTransformation(r->from, *to);
    *to_geo = NULL;
    *geo = NULL;
    if (!r->geographic && r->from_area.known) {
        *geo = OSRCloneGeogCS(r->from);
        if (*geo != NULL) {
            OSRSetAxisMappingStrategy(*geo, OAMS_TRADITIONAL_GIS_ORDER);
            *to_geo = OCTNewCoordinateTransformation(r->from, *geo);
        }
    }
}

static void free_transforms(OGRCoordinateTransformationH ct,
                            OGRCoordinateTransformationH to_geo,
                            OGRSpatialReferenceH to, OGRSpatialReferenceH geo)
{
    if (ct != NULL)
        OCTDestroyCoordinateTransformation(ct);
    if (to_geo != NULL)
        OCTDestroyCoordinateTransformation(to_geo);
    OSRDestroySpatialReference(geo);
    OSRDestroySpatialReference(to);
}

static void *read_all(void *arg)
{
    tob_reader_t *r = arg;
    CPLPushErrorHandler(CPLQuietErrorHandler); /* per thread */
    OGRCoordinateTransformationH ct, to_geo;
    OGRSpatialReferenceH to, geo;
    make_transforms(r, &ct, &to_geo, &to, &geo);
    if (ct == NULL)
        fail(r, TOB_ERR_GDAL, "no transformation to the store CRS");
    long long n = 0;
    int at_end = 0;
    OGR_L_ResetReading(r->layer);
    while (ct != NULL) {
        /* Reset per feature: a failed reprojection must not be taken for
         * a read error of the next feature. */
        CPLErrorReset();
        OGRFeatureH f = OGR_L_GetNextFeature(r->layer);
        if (f == NULL) {
            at_end = 1;
            break;
        }
        n++;
        /* A damaged record (a .shp cut short) comes back without its
         * geometry and with an error: say so, not "missing geometry". */
        if (CPLGetLastErrorType() >= CE_Failure) {
            char what[64];
            snprintf(what, sizeof what, "feature %lld cannot be read", n);
            OGR_F_Destroy(f);
            fail(r, TOB_ERR_INPUT, what);
            break;
        }
        tob_feature_item_t *item = make_item(r, f, n, ct, to_geo);
        OGR_F_Destroy(f);
        if (item == NULL) {
            fail(r, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        if (!push(r, item))
            break;
    }
    /* A truncated file ends the loop with an error, not a short load. */
    if (at_end && CPLGetLastErrorType() >= CE_Failure)
        fail(r, TOB_ERR_GDAL, "reading features failed");
    push(r, NULL);
    free_transforms(ct, to_geo, to, geo);
    CPLPopErrorHandler();
    return NULL;
}

tob_status_t reader_start(OGRLayerH layer, int i_code, int i_name, int i_parent,
                          OGRSpatialReferenceH from, int to_srid,
                          tob_reader_t **out, tob_error_t *err)
{
    *out = NULL;
    tob_reader_t *r = calloc(1, sizeof *r);
    if (r == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    r->layer = layer;
    r->i_code = i_code;
    r->i_name = i_name;
    r->i_parent = i_parent;
    r->to_srid = to_srid;
    r->from = OSRClone(from);
    OSRSetAxisMappingStrategy(r->from, OAMS_TRADITIONAL_GIS_ORDER);
    r->geographic = OSRIsGeographic(r->from);
    area_of_use(r->from, &r->from_area);
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(to, to_srid) == OGRERR_NONE)
        area_of_use(to, &r->to_area);
    OSRDestroySpatialReference(to);
    /* Before the thread starts: it reads r->from too. */
    make_transforms(r, &r->own_ct, &r->own_to_geo, &r->own_to, &r->own_geo);
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->not_empty, NULL);
    pthread_cond_init(&r->not_full, NULL);
    if (pthread_create(&r->thread, NULL, read_all, r) != 0) {
        reader_stop(r);
        return tob_error_set(err, TOB_ERR_INTERNAL,
                             "cannot start the reading thread");
    }
    r->started = 1;
    *out = r;
    return TOB_OK;
}

tob_status_t reader_next(tob_reader_t *r, tob_feature_item_t **item,
                         tob_error_t *err)
{
    *item = NULL;
    pthread_mutex_lock(&r->lock);
    while (r->count == 0 && !r->done)
        pthread_cond_wait(&r->not_empty, &r->lock);
    tob_status_t status = TOB_OK;
    if (r->count > 0) {
        *item = r->queue[r->head];
        r->head = (r->head + 1) % QUEUE_CAP;
        /* The reader waits only on a full queue: counts fall one by one
         * through half of it. */
        if (--r->count == QUEUE_CAP / 2)
            pthread_cond_signal(&r->not_full);
    } else if (r->error.code != TOB_OK) {
        status = r->error.code;
        tob_error_lib(err, status, r->error.lib_code, "%s", r->error.message);
    }
    pthread_mutex_unlock(&r->lock);
    if (*item != NULL && (*item)->pending) {
        project(r, *item, r->own_ct, r->own_to_geo);
        (*item)->pending = 0;
        CPLErrorReset(); /* a failed transformation is in the item */
    }
    return status;
}

void reader_stop(tob_reader_t *r)
{
    if (r == NULL)
        return;
    if (r->started) {
        pthread_mutex_lock(&r->lock);
        r->cancelled = 1;
        pthread_cond_broadcast(&r->not_full);
        pthread_mutex_unlock(&r->lock);
        pthread_join(r->thread, NULL);
    }
    while (r->count > 0) {
        feature_item_free(r->queue[r->head]);
        r->head = (r->head + 1) % QUEUE_CAP;
        r->count--;
    }
    free_transforms(r->own_ct, r->own_to_geo, r->own_to, r->own_geo);
    OSRDestroySpatialReference(r->from);
    pthread_cond_destroy(&r->not_full);
    pthread_cond_destroy(&r->not_empty);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
