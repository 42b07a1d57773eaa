/* load_reader.c - the reading thread of a load and its bounded queue. */
#include "load_reader.h"

#include <cpl_error.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_CAP 256

struct tob_reader {
    OGRLayerH layer;
    int i_code, i_name, i_parent;
    OGRSpatialReferenceH from;
    int to_srid;
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

void tob_feature_item_free(tob_feature_item_t *item)
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

/* A copy of the field without surrounding blanks. */
static char *trimmed_field(OGRFeatureH f, int i)
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
    if (copy != NULL) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

static tob_feature_item_t *make_item(tob_reader_t *r, OGRFeatureH f,
                                     long long n,
                                     OGRCoordinateTransformationH ct)
{
    tob_feature_item_t *item = calloc(1, sizeof *item);
    if (item == NULL)
        return NULL;
    item->n = n;
    item->code = trimmed_field(f, r->i_code);
    item->name = trimmed_field(f, r->i_name);
    item->parent = trimmed_field(f, r->i_parent);
    if (!item->code || !item->name || !item->parent) {
        tob_feature_item_free(item);
        return NULL;
    }
    item->geom = OGR_F_StealGeometry(f);
    item->projected = 1;
    if (item->geom != NULL) {
        OGR_G_FlattenTo2D(item->geom);
        item->projected = OGR_G_Transform(item->geom, ct) == OGRERR_NONE;
    }
    return item;
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
    pthread_cond_signal(&r->not_empty);
    pthread_mutex_unlock(&r->lock);
    if (!ok)
        tob_feature_item_free(item);
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

static void *read_all(void *arg)
{
    tob_reader_t *r = arg;
    CPLPushErrorHandler(CPLQuietErrorHandler); /* per thread */
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(to, r->to_srid);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct =
        OCTNewCoordinateTransformation(r->from, to);
    if (ct == NULL)
        fail(r, TOB_ERR_GDAL, "no transformation to the store CRS");
    long long n = 0;
    OGRFeatureH f;
    CPLErrorReset();
    OGR_L_ResetReading(r->layer);
    while (ct != NULL && (f = OGR_L_GetNextFeature(r->layer)) != NULL) {
        tob_feature_item_t *item = make_item(r, f, ++n, ct);
        OGR_F_Destroy(f);
        if (item == NULL) {
            fail(r, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        if (!push(r, item))
            break;
    }
    /* A truncated file ends the loop with an error, not a short load. */
    if (ct != NULL && CPLGetLastErrorType() >= CE_Failure)
        fail(r, TOB_ERR_GDAL, "reading features failed");
    push(r, NULL);
    if (ct != NULL)
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(to);
    CPLPopErrorHandler();
    return NULL;
}

tob_status_t tob_reader_start(OGRLayerH layer, int i_code, int i_name,
                              int i_parent, OGRSpatialReferenceH from,
                              int to_srid, tob_reader_t **out, tob_error_t *err)
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
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->not_empty, NULL);
    pthread_cond_init(&r->not_full, NULL);
    if (pthread_create(&r->thread, NULL, read_all, r) != 0) {
        tob_reader_stop(r);
        return tob_error_set(err, TOB_ERR_INTERNAL,
                             "cannot start the reading thread");
    }
    r->started = 1;
    *out = r;
    return TOB_OK;
}

tob_status_t tob_reader_next(tob_reader_t *r, tob_feature_item_t **item,
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
        r->count--;
        pthread_cond_signal(&r->not_full);
    } else if (r->error.code != TOB_OK) {
        status = r->error.code;
        tob_error_lib(err, status, r->error.lib_code, "%s", r->error.message);
    }
    pthread_mutex_unlock(&r->lock);
    return status;
}

void tob_reader_stop(tob_reader_t *r)
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
        tob_feature_item_free(r->queue[r->head]);
        r->head = (r->head + 1) % QUEUE_CAP;
        r->count--;
    }
    OSRDestroySpatialReference(r->from);
    pthread_cond_destroy(&r->not_full);
    pthread_cond_destroy(&r->not_empty);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
