/* load.c - OGR source -> reprojection -> repair -> checked bulk insert. */
#include "terrobs/load.h"

#include "base/codeset.h"
#include "load_parents.h"
#include "load_reader.h"
#include "sources/srs_input.h"
#include "store/db.h"
#include "terrobs/codes.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest name in bytes: French commune names stop at 45 characters,
 * EPCI names near 120; a longer one is a broken source. */
#define TOB_LOAD_NAME_MAX 1000
/* Smallest area of a territory, in square metres of the store CRS. */
#define TOB_LOAD_MIN_AREA_M2 1.0

/* Everything one load holds; released by load_end(). */
typedef struct load {
    tob_store_t *st;
    const tob_load_options_t *opts;
    tob_load_report_t *rep;
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRSpatialReferenceH from; /* the source CRS, from the file or --s-srs */
    int i_code, i_name, i_parent;
    db_copy_t *insert; /* the territories' bulk write */
    tob_id_t source_id;
    tob_codeset_t *seen; /* code -> first feature number, for duplicates */
    unsigned char *wkb;
    size_t wkb_cap;
    db_bulk_t *bulk;      /* the spatial index's bulk mode */
    tob_codeset_t *there; /* with append: the codes already there */
    size_t n_conflicts;   /* with append: codes already in the store */
    char conflicts[256];  /* the first of them, for the message */
    char open_error[256]; /* a GDAL error while opening or reading the CRS */
    size_t n_outside;     /* features outside the CRS's area of use */
    char outside[900];    /* the first of them, for the message */
} load_t;

/* Remembers a feature outside its CRS's area (the first one's reason and
 * the first few features), to list them all at the end. */
static void note_outside(load_t *ld, const tob_feature_item_t *item)
{
    size_t used = strlen(ld->outside);
    if (ld->n_outside == 0)
        snprintf(ld->outside, sizeof ld->outside, "%s; feature %lld (code %s)",
                 item->outside, item->n, item->code);
    else if (ld->n_outside < 5 && used < sizeof ld->outside)
        snprintf(ld->outside + used, sizeof ld->outside - used,
                 ", %lld (code %s)", item->n, item->code);
    ld->n_outside++;
}

static tob_status_t gdal_fail(const char *src, const char *what,
                              tob_error_t *err)
{
    const char *msg = CPLGetLastErrorMsg();
    tob_error_lib(err, TOB_ERR_GDAL, CPLGetLastErrorNo(), "%s%s%s", what,
                  msg[0] ? ": " : "", msg);
    tob_error_at(err, src, 0, NULL);
    return TOB_ERR_GDAL;
}

static int is_polygonal(OGRwkbGeometryType t)
{
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbUnknown ||
           t == wkbGeometryCollection || t == wkbCurvePolygon ||
           t == wkbMultiSurface;
}

/* The named layer, or the only layer, or the only polygon layer. */
static tob_status_t pick_layer(load_t *ld, tob_error_t *err)
{
    const char *src = ld->opts->src;
    if (ld->opts->layer != NULL) {
        ld->layer = GDALDatasetGetLayerByName(ld->ds, ld->opts->layer);
        if (ld->layer == NULL) {
            tob_error_set(err, TOB_ERR_NOTFOUND, "no layer '%s' in source",
                          ld->opts->layer);
            tob_error_at(err, src, 0, NULL);
            return TOB_ERR_NOTFOUND;
        }
        return TOB_OK;
    }
    int n = GDALDatasetGetLayerCount(ld->ds), n_poly = 0;
    char names[512] = "";
    for (int i = 0; i < n; i++) {
        OGRLayerH l = GDALDatasetGetLayer(ld->ds, i);
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                 OGR_L_GetName(l));
        if (n == 1 || is_polygonal(OGR_L_GetGeomType(l))) {
            ld->layer = l;
            n_poly++;
        }
    }
    if (n_poly == 1)
        return TOB_OK;
    tob_error_set(err, n == 0 ? TOB_ERR_INPUT : TOB_ERR_ARG,
                  n == 0 ? "source has no layer"
                         : "source has several layers (%s): choose one "
                           "with --layer",
                  names);
    tob_error_at(err, src, 0, NULL);
    ld->layer = NULL;
    return n == 0 ? TOB_ERR_INPUT : TOB_ERR_ARG;
}

static tob_status_t find_field(load_t *ld, const char *name, int *index,
                               const char *option, tob_error_t *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ld->layer);
    *index = name != NULL ? OGR_FD_GetFieldIndex(defn, name) : -1;
    if (name == NULL || *index >= 0)
        return TOB_OK;
    char fields[512] = "";
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
        size_t used = strlen(fields);
        snprintf(fields + used, sizeof fields - used, "%s%s", i ? ", " : "",
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    }
    tob_error_set(err, TOB_ERR_NOTFOUND,
                  "no field '%s' (given by %s) in layer %s; fields: %s", name,
                  option, OGR_L_GetName(ld->layer), fields);
    tob_error_at(err, ld->opts->src, 0, name);
    return TOB_ERR_NOTFOUND;
}

/* CPLErrorHandler: records the first error logged while opening. */
static void CPL_STDCALL keep_first_failure(CPLErr level, CPLErrorNum num,
                                           const char *msg)
{
    (void)num;
    load_t *ld = CPLGetErrorHandlerUserData();
    if (level >= CE_Failure && ld->open_error[0] == '\0')
        snprintf(ld->open_error, sizeof ld->open_error, "%s", msg);
}

static tob_status_t open_source(load_t *ld, tob_error_t *err)
{
    const char *src = ld->opts->src;
    /* Drivers may log an error and still open (and reset the error
     * state before returning): catch it as it is logged, for
     * make_transform(). */
    CPLPushErrorHandlerEx(keep_first_failure, ld);
    ld->ds =
        GDALOpenEx(src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (ld->ds == NULL)
        return gdal_fail(src, "cannot open as a vector source", err);
    tob_status_t s = pick_layer(ld, err);
    if (s == TOB_OK && ld->opts->where != NULL &&
        OGR_L_SetAttributeFilter(ld->layer, ld->opts->where) != OGRERR_NONE)
        s = gdal_fail(src, "bad --where filter", err);
    if (s == TOB_OK)
        s = find_field(ld, ld->opts->code_field, &ld->i_code, "--code", err);
    if (s == TOB_OK)
        s = find_field(ld, ld->opts->name_field, &ld->i_name, "--name", err);
    if (s == TOB_OK)
        s = find_field(ld, ld->opts->parent_field, &ld->i_parent,
                       "--parent-code", err);
    if (s == TOB_OK)
        snprintf(ld->rep->layer, sizeof ld->rep->layer, "%s",
                 OGR_L_GetName(ld->layer));
    return s;
}

/* Source CRS from the file, or --s-srs when the file has none; checks
 * that a transformation to the store CRS exists. */
static tob_status_t make_transform(load_t *ld, tob_error_t *err)
{
    const char *src = ld->opts->src;
    OGRSpatialReferenceH file_srs = OGR_L_GetSpatialRef(ld->layer);
    if (ld->open_error[0] == '\0' && CPLGetLastErrorType() >= CE_Failure)
        snprintf(ld->open_error, sizeof ld->open_error, "%s",
                 CPLGetLastErrorMsg());
    tob_status_t s = TOB_OK;
    if (ld->opts->s_srs != NULL) {
        tob_error_t why;
        tob_error_clear(&why);
        if (srs_from_user_input(ld->opts->s_srs, &ld->from, &why) != TOB_OK)
            return tob_error_set(err, TOB_ERR_ARG, "--s-srs %s", why.message);
    } else if (ld->open_error[0] != '\0') {
        /* GDAL falls back to WGS 84 when a GeoJSON names an unknown CRS,
         * and to none when a .prj is garbage: never guess. */
        tob_error_set(err, TOB_ERR_INPUT,
                      "cannot read the source's CRS (%s): give it with "
                      "--s-srs",
                      ld->open_error);
        tob_error_at(err, src, 0, NULL);
        return TOB_ERR_INPUT;
    } else if (file_srs != NULL) {
        ld->from = OSRClone(file_srs);
    } else {
        tob_error_set(err, TOB_ERR_INPUT,
                      "layer %s has no CRS: give it with --s-srs "
                      "(e.g. EPSG:4326 for longitude/latitude)",
                      OGR_L_GetName(ld->layer));
        tob_error_at(err, src, 0, NULL);
        return TOB_ERR_INPUT;
    }
    /* Files hold x = longitude/easting whatever the CRS's axis order. */
    OSRSetAxisMappingStrategy(ld->from, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(to, tob_store_srid(ld->st));
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct =
        OCTNewCoordinateTransformation(ld->from, to);
    if (ct == NULL)
        s = gdal_fail(src, "no transformation to the store CRS", err);
    else
        OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(to);
    return s;
}

/* Adds the polygons of g (any type) to multi. */
static void collect_polygons(OGRGeometryH g, OGRGeometryH multi)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) {
        OGR_G_AddGeometry(multi, g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            collect_polygons(OGR_G_GetGeometryRef(g, i), multi);
    } else if (t == wkbCurvePolygon || t == wkbMultiSurface) {
        OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
        if (lin != NULL) {
            collect_polygons(lin, multi);
            OGR_G_DestroyGeometry(lin);
        }
    }
}

/* Describes feature n for messages: "feature 17 (code 59350)". */
static tob_status_t feature_error(load_t *ld, long long n, const char *code,
                                  const char *field, tob_status_t status,
                                  const char *what, tob_error_t *err)
{
    if (code != NULL && code[0] != '\0')
        tob_error_set(err, status, "feature %lld (code %s): %s", n, code, what);
    else
        tob_error_set(err, status, "feature %lld: %s", n, what);
    tob_error_at(err, ld->opts->src, 0, field);
    return status;
}

/* Repairs and promotes the reprojected geometry of item to a valid
 * MULTIPOLYGON, and gives its area. *out is owned by the caller: item's
 * own geometry (taken: item->geom is then NULL) or a new one. */
static tob_status_t prepare_geometry(load_t *ld, tob_feature_item_t *item,
                                     OGRGeometryH *out, double *area,
                                     tob_error_t *err)
{
    *out = NULL;
    OGRGeometryH work = item->geom;
    const char *code = item->code;
    if (work == NULL || OGR_G_IsEmpty(work))
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT,
                             "empty or missing geometry", err);
    if (!is_polygonal(OGR_G_GetGeometryType(work)))
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT,
                             "geometry is not a polygon", err);
    if (!item->projected && item->problem[0] != '\0') {
        char what[320];
        snprintf(what, sizeof what,
                 "%s: wrong CRS? (give the right one with "
                 "--s-srs)",
                 item->problem);
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT, what, err);
    }
    if (!item->projected)
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT,
                             "coordinates cannot be projected to the store "
                             "CRS (absurd or wrong CRS?)",
                             err);
    OGRGeometryH fixed = NULL;
    if (!feature_is_valid(item)) {
        fixed = work = OGR_G_MakeValid(work);
        ld->rep->n_repaired++;
    }
    OGRwkbGeometryType type = wkbFlatten(OGR_G_GetGeometryType(work));
    OGRGeometryH multi = NULL;
    if (fixed == NULL && (type == wkbPolygon || type == wkbMultiPolygon)) {
        /* Most features: their own polygons, not a copy of them. */
        multi = OGR_G_ForceToMultiPolygon(item->geom);
        item->geom = NULL;
    } else {
        multi = OGR_G_CreateGeometry(wkbMultiPolygon);
        if (work != NULL)
            collect_polygons(work, multi);
    }
    if (fixed != NULL)
        OGR_G_DestroyGeometry(fixed);
    if (OGR_G_IsEmpty(multi) || (fixed != NULL && !OGR_G_IsValid(multi))) {
        int empty = OGR_G_IsEmpty(multi);
        OGR_G_DestroyGeometry(multi);
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT,
                             empty ? "geometry is empty after repair"
                                   : "geometry is still invalid after repair",
                             err);
    }
    /* Points on a line stay "valid" once reprojection has moved them off
     * it by a nanometre; area shares would then divide by nothing. */
    *area = OGR_G_Area(multi);
    if (*area < TOB_LOAD_MIN_AREA_M2) {
        OGR_G_DestroyGeometry(multi);
        return feature_error(ld, item->n, code, NULL, TOB_ERR_INPUT,
                             "geometry has no area (under 1 m2): a line or "
                             "a point drawn as a polygon?",
                             err);
    }
    *out = multi;
    return TOB_OK;
}

static tob_status_t bind_geometry(load_t *ld, OGRGeometryH g, double area,
                                  tob_error_t *err)
{
    size_t size = (size_t)OGR_G_WkbSize(g);
    if (size > ld->wkb_cap) {
        unsigned char *bigger = realloc(ld->wkb, size);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        ld->wkb = bigger;
        ld->wkb_cap = size;
    }
    OGR_G_ExportToWkb(g, wkbNDR, ld->wkb);
    db_copy_double(ld->insert, area);
    db_copy_int64(ld->insert, ld->source_id);
    db_copy_geom(ld->insert, ld->wkb, size);
    return TOB_OK;
}

/* With append: a code already in (level, vintage) is noted, not written. */
static int already_there(load_t *ld, const tob_feature_item_t *item)
{
    if (ld->there == NULL)
        return 0;
    int found = codeset_find(ld->there, item->code) != 0;
    if (found && ld->n_conflicts++ < 5) {
        size_t used = strlen(ld->conflicts);
        snprintf(ld->conflicts + used, sizeof ld->conflicts - used,
                 "%s%s (feature %lld)", used ? ", " : "", item->code, item->n);
    }
    return found;
}

/* Names go on maps, into carnets and CSV exports: a line break or a
 * 100,000-character name from a broken source must stop here. Returns 0
 * if text is fine, else writes why into buf. */
static int check_text(const char *text, char *buf, size_t size)
{
    size_t n = strlen(text);
    if (n > TOB_LOAD_NAME_MAX) {
        snprintf(buf, size, "%zu bytes long: at most %d", n, TOB_LOAD_NAME_MAX);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7F) {
            snprintf(buf, size,
                     "holds a control character (byte 0x%02X at byte %zu)", c,
                     i + 1);
            return -1;
        }
    }
    return 0;
}

static tob_status_t insert_feature(load_t *ld, tob_feature_item_t *item,
                                   tob_error_t *err)
{
    long long n = item->n;
    tob_error_t why;
    tob_error_clear(&why);
    if (tob_code_check(ld->opts->level, item->code, &why) != TOB_OK)
        return feature_error(ld, n, NULL, ld->opts->code_field, TOB_ERR_INPUT,
                             why.message, err);
    if (item->name[0] == '\0')
        return feature_error(ld, n, item->code, ld->opts->name_field,
                             TOB_ERR_INPUT, "empty name", err);
    if (check_text(item->name, why.message, sizeof why.message) != 0)
        return feature_error(ld, n, item->code, ld->opts->name_field,
                             TOB_ERR_INPUT, why.message, err);
    if (check_text(item->parent, why.message, sizeof why.message) != 0)
        return feature_error(ld, n, item->code, ld->opts->parent_field,
                             TOB_ERR_INPUT, why.message, err);
    if (item->recoded)
        ld->rep->n_recoded++;
    long long first = 0;
    tob_status_t s = codeset_add(ld->seen, item->code, n, &first, err);
    if (s != TOB_OK || first != 0 || already_there(ld, item))
        return s; /* duplicates and conflicts are listed at the end */
    if (item->outside[0] != '\0' && !ld->opts->allow_outside &&
        item->projected) {
        note_outside(ld, item); /* listed at the end too */
        return TOB_OK;
    }
    OGRGeometryH g = NULL;
    double area = 0;
    s = prepare_geometry(ld, item, &g, &area, err);
    if (s == TOB_OK) {
        db_copy_text(ld->insert, ld->opts->level);
        db_copy_text(ld->insert, item->code);
        db_copy_text(ld->insert, item->name);
        db_copy_int64(ld->insert, ld->rep->vintage);
        db_copy_text(ld->insert, item->parent[0] != '\0' ? item->parent : NULL);
        s = bind_geometry(ld, g, area, err);
    }
    if (s == TOB_OK) {
        s = db_copy_row(ld->insert, n, err);
        ld->rep->n_loaded++;
    }
    OGR_G_DestroyGeometry(g);
    return s;
}

static const char *const INSERT_COLUMNS[] = {
    "level",       "code",    "name",      "vintage",
    "parent_code", "area_m2", "source_id", "geom"};
/* Every column's kind: a binary COPY on PostgreSQL. Names and areas are
 * read, never filtered on: no planner statistics for them (a third of
 * the ANALYZE after France's communes). */
static const int INSERT_KINDS[] = {
    DB_COPY_TEXT,  DB_COPY_TEXT, DB_COPY_TEXT | DB_COPY_NO_STATS,
    DB_COPY_INT64, DB_COPY_TEXT, DB_COPY_DOUBLE | DB_COPY_NO_STATS,
    DB_COPY_INT64, DB_COPY_GEOM};
/* With --replace over territories already there. Not with --append: its
 * codes were checked against the store's, and one that another session
 * (QGIS, psql: writers that do not take the store's lock) writes
 * meanwhile must stop the load as a duplicate, not be overwritten. */
static const char INSERT_UPSERT[] =
    "ON CONFLICT (level, code, vintage) DO UPDATE SET"
    " name = excluded.name, parent_code = excluded.parent_code,"
    " area_m2 = excluded.area_m2, source_id = excluded.source_id,"
    " geom = excluded.geom";

static tob_status_t count_existing(load_t *ld, long long *count,
                                   tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(ld->st,
                                "SELECT count(*) FROM territory"
                                " WHERE level = ? AND vintage = ?",
                                &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, ld->opts->level);
    db_bind_int(stmt, 2, ld->rep->vintage);
    if (db_step(stmt) == DB_ROW)
        *count = db_column_int64(stmt, 0);
    else
        s = db_fail(ld->st, "counting territories", err);
    db_finalize(stmt);
    return s;
}

static tob_status_t read_codes_there(load_t *ld, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = codeset_create(&ld->there, err);
    if (s == TOB_OK)
        s = db_prepare(ld->st,
                       "SELECT code FROM territory WHERE level = ?1"
                       " AND vintage = ?2",
                       &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, ld->opts->level);
    db_bind_int(stmt, 2, ld->rep->vintage);
    long long first = 0, k = 0;
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = codeset_add(ld->there, db_column_str(stmt, 0), ++k, &first, err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(ld->st, "reading the level's codes", err);
    db_finalize(stmt);
    return s;
}

/* Inside the transaction: level, refusal of a second load, provenance row
 * (its id tags every territory written), the prepared insert. */
static tob_status_t begin_load(load_t *ld, tob_error_t *err)
{
    long long existing = 0;
    tob_status_t s = tob_store_ensure_level(ld->st, ld->opts->level,
                                            ld->opts->label, 1, err);
    if (s == TOB_OK)
        s = count_existing(ld, &existing, err);
    if (s == TOB_OK && existing > 0 && !ld->opts->replace && !ld->opts->append)
        return tob_error_set(err, TOB_ERR_EXISTS,
                             "level %s, vintage %d already holds %lld "
                             "territories: use --replace to swap them, or "
                             "--append to add other codes",
                             ld->opts->level, ld->rep->vintage, existing);
    /* Read before the bulk write: no statement runs during a COPY. */
    if (s == TOB_OK && ld->opts->append)
        s = read_codes_there(ld, err);
    tob_source_record_t rec = {"boundaries",
                               ld->opts->src,
                               ld->rep->layer,
                               ld->opts->level,
                               ld->rep->vintage,
                               0,
                               ld->rep->checksum[0] ? ld->rep->checksum : NULL,
                               NULL};
    if (s == TOB_OK)
        s = tob_store_add_source(ld->st, &rec, &ld->source_id, err);
    if (s == TOB_OK)
        s = db_bulk_begin(ld->st, &ld->bulk, err);
    if (s == TOB_OK)
        s = db_copy_begin(ld->st, "territory", INSERT_COLUMNS, INSERT_KINDS,
                          sizeof INSERT_COLUMNS / sizeof INSERT_COLUMNS[0],
                          existing > 0 && ld->opts->replace ? INSERT_UPSERT
                                                            : NULL,
                          &ld->insert, err);
    return s;
}

static tob_status_t read_features(load_t *ld, tob_error_t *err)
{
    GIntBig total = OGR_L_GetFeatureCount(ld->layer, FALSE);
    time_t last = time(NULL);
    tob_reader_t *reader = NULL;
    tob_status_t s =
        reader_start(ld->layer, ld->i_code, ld->i_name, ld->i_parent, ld->from,
                     tob_store_srid(ld->st), &reader, err);
    tob_feature_item_t *item = NULL;
    long long n = 0;
    while (s == TOB_OK && (s = reader_next(reader, &item, err)) == TOB_OK &&
           item != NULL) {
        s = insert_feature(ld, item, err);
        n = item->n;
        feature_item_free(item);
        if (ld->opts->progress != NULL && (n & 255) == 0 &&
            time(NULL) != last) {
            last = time(NULL);
            ld->opts->progress(ld->opts->progress_user, (size_t)n,
                               total > 0 ? (size_t)total : 0);
        }
    }
    reader_stop(reader);
    if (s != TOB_OK) {
        /* A full disk is the store's problem, not the source's. */
        tob_error_at(
            err, s == TOB_ERR_SQLITE ? tob_store_path(ld->st) : ld->opts->src,
            0, NULL);
        return s;
    }
    if (n == 0) {
        tob_error_set(err, TOB_ERR_INPUT, "no feature to load%s",
                      ld->opts->where ? " (check --where)" : "");
        tob_error_at(err, ld->opts->src, 0, NULL);
        return TOB_ERR_INPUT;
    }
    if (ld->n_conflicts > 0) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "%zu codes are already in level %s, vintage %d: %s%s",
                      ld->n_conflicts, ld->opts->level, ld->rep->vintage,
                      ld->conflicts, ld->n_conflicts > 5 ? "..." : "");
        tob_error_at(err, ld->opts->src, 0, ld->opts->code_field);
        return TOB_ERR_INPUT;
    }
    if (ld->n_outside > 0) {
        tob_error_set(err, TOB_ERR_INPUT,
                      "%zu features outside the area of their CRS: %s%s: "
                      "are longitude and latitude (x and y) swapped, or the "
                      "CRS wrong? (--allow-outside loads them if they are "
                      "right)",
                      ld->n_outside, ld->outside,
                      ld->n_outside > 5 ? "..." : "");
        tob_error_at(err, ld->opts->src, 0, NULL);
        return TOB_ERR_INPUT;
    }
    if (codeset_n_duplicates(ld->seen) > 0) {
        char list[600];
        codeset_describe_duplicates(ld->seen, "features", list, sizeof list);
        tob_error_set(err, TOB_ERR_INPUT, "%zu duplicate codes: %s",
                      codeset_n_duplicates(ld->seen), list);
        tob_error_at(err, ld->opts->src, 0, ld->opts->code_field);
        return TOB_ERR_INPUT;
    }
    return TOB_OK;
}

/* With --replace: territories of (level, vintage) not in the new source go;
 * their memberships and observations go with them (foreign keys). */
/* The level's producer, for source lines (values_sources.c reads it). */
static tob_status_t record_attribution(load_t *ld, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(ld->st,
                                "INSERT INTO meta (key, value) VALUES"
                                " ('attribution:' || ?1, ?2) ON CONFLICT (key)"
                                " DO UPDATE SET value = excluded.value",
                                &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, ld->opts->level);
    db_bind_text_static(stmt, 2, ld->opts->attribution);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(ld->st, "recording the attribution", err);
    db_finalize(stmt);
    return s;
}

static tob_status_t finish_load(load_t *ld, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(ld->st,
                   "DELETE FROM territory WHERE level = ? AND vintage = ?"
                   " AND source_id IS NOT ? AND ?",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, ld->opts->level);
    db_bind_int(stmt, 2, ld->rep->vintage);
    db_bind_int64(stmt, 3, ld->source_id);
    db_bind_int(stmt, 4, ld->opts->replace != 0);
    if (db_step(stmt) != DB_DONE)
        s = db_fail(ld->st, "removing replaced territories", err);
    ld->rep->n_removed = (size_t)db_changes(ld->st);
    db_finalize(stmt);
    char details[256];
    int used = snprintf(
        details, sizeof details, "%zu features, %zu repaired, %zu removed",
        ld->rep->n_loaded, ld->rep->n_repaired, ld->rep->n_removed);
    if (ld->rep->n_recoded > 0 && used > 0 && (size_t)used < sizeof details)
        snprintf(details + used, sizeof details - (size_t)used,
                 ", %zu not UTF-8 (read as Windows-1252)", ld->rep->n_recoded);
    if (s == TOB_OK)
        s = tob_store_finish_source(ld->st, ld->source_id,
                                    (long long)ld->rep->n_loaded, details, err);
    if (s == TOB_OK && ld->opts->attribution != NULL)
        s = record_attribution(ld, err);
    return s;
}

/* The rows sent; PostgreSQL names a bad one only now: its feature. */
static tob_status_t end_insert(load_t *ld, tob_error_t *err)
{
    tob_status_t s = db_copy_end(ld->insert, err);
    long long n = db_copy_failed_tag(ld->insert);
    const char *field = db_copy_failed_field(ld->insert);
    if (s == TOB_OK || err == NULL)
        return s;
    char what[sizeof err->message];
    snprintf(what, sizeof what, "%s", err->message);
    if (n > 0) {
        /* The first error wins: the server's, said again with its
         * feature. */
        tob_error_clear(err);
        return feature_error(ld, n, NULL, field, s, what, err);
    }
    tob_error_at(err, ld->opts->src, 0, NULL);
    return s;
}

static int current_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return tm.tm_year + 1900;
}

/* The source's SHA-256, on a thread of its own while GDAL opens the
 * source (the GeoJSON driver reads the whole file once to open it, on
 * one core): the checksum then costs no wall time. */
typedef struct checksum_job {
    const char *path;
    char hex[65];
    pthread_t thread;
    int started;
} checksum_job_t;

static void *checksum_main(void *arg)
{
    checksum_job_t *job = arg;
    /* No checksum for what is not one file (a folder, a database). GDAL's
     * error handlers are a thread's own: this one is quiet too. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (tob_file_sha256(job->path, job->hex, NULL) != TOB_OK)
        job->hex[0] = '\0';
    CPLPopErrorHandler();
    return NULL;
}

static void checksum_start(checksum_job_t *job, const char *path)
{
    memset(job, 0, sizeof *job);
    job->path = path;
    job->started = pthread_create(&job->thread, NULL, checksum_main, job) == 0;
}

static void checksum_finish(checksum_job_t *job, char hex[65])
{
    if (job->started)
        pthread_join(job->thread, NULL);
    else
        checksum_main(job);
    memcpy(hex, job->hex, 65);
}

static void load_end(load_t *ld)
{
    db_copy_free(ld->insert);
    codeset_destroy(ld->there);
    OSRDestroySpatialReference(ld->from);
    if (ld->ds != NULL)
        GDALClose(ld->ds);
    codeset_destroy(ld->seen);
    free(ld->wkb);
    db_bulk_free(ld->bulk);
}

tob_status_t tob_load(tob_store_t *st, const tob_load_options_t *opts,
                      tob_load_report_t *report, tob_error_t *err)
{
    tob_load_report_t local;
    tob_load_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (opts->level == NULL || opts->src == NULL || opts->code_field == NULL ||
        opts->name_field == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "level, source, code and name fields are "
                             "required");
    if (opts->replace && opts->append)
        return tob_error_set(err, TOB_ERR_ARG,
                             "--replace and --append exclude each other");
    rep->vintage = opts->vintage != 0 ? opts->vintage : current_year();
    load_t ld = {.st = st, .opts = opts, .rep = rep};
    CPLPushErrorHandler(CPLQuietErrorHandler);
    tob_status_t s = tob_store_check_level_name(opts->level, err);
    if (s == TOB_OK)
        s = codeset_create(&ld.seen, err);
    checksum_job_t checksum;
    if (s == TOB_OK)
        checksum_start(&checksum, opts->src);
    int summing = s == TOB_OK;
    if (s == TOB_OK)
        s = open_source(&ld, err);
    if (s == TOB_OK)
        s = make_transform(&ld, err);
    if (summing)
        checksum_finish(&checksum, rep->checksum);
    if (s != TOB_OK)
        rep->checksum[0] = '\0';
    if (s == TOB_OK)
        s = tob_store_begin(st, err);
    if (s == TOB_OK) {
        s = begin_load(&ld, err);
        if (s == TOB_OK)
            s = read_features(&ld, err);
        if (s == TOB_OK)
            s = end_insert(&ld, err);
        /* Before any rollback: an abandoned COPY ends first. */
        db_copy_free(ld.insert);
        ld.insert = NULL;
        if (s == TOB_OK)
            s = db_bulk_end(st, ld.bulk, ld.source_id, err);
        if (s == TOB_OK)
            s = finish_load(&ld, err);
        if (s == TOB_OK)
            s = load_keep_parents(st, ld.layer, ld.i_parent, opts, ld.source_id,
                                  rep, err);
        /* Aggregation is a later stage: the caller recomputes them
         * (tob_aggregate_refresh), readers meanwhile compute on the fly. */
        if (s == TOB_OK)
            s = tob_store_mark_aggregates_stale(st, opts->level, err);
        if (s == TOB_OK)
            s = tob_store_commit(st, err);
        if (s != TOB_OK)
            tob_store_rollback(st);
    }
    CPLPopErrorHandler();
    load_end(&ld);
    return s;
}
