/* table_ogr.c - XLSX, ODS (and XLS) sheets and any other OGR layer.
 * Sheets are opened with every cell as text and no header guessing
 * (thread-local OGR_<DRIVER>_FIELD_TYPES=STRING, _HEADERS=DISABLE): the
 * header row is read here, so an empty header cell is seen as such, and
 * GDAL 3.6's ODS formula evaluator keeps true row references (with
 * HEADERS=FORCE it reads [.A2] one row too low). */
#include "table_internal.h"

#include "terrobs/cells.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sheet_options[][2] = {
    {"OGR_XLSX_FIELD_TYPES", "STRING"}, {"OGR_XLSX_HEADERS", "DISABLE"},
    {"OGR_ODS_FIELD_TYPES", "STRING"},  {"OGR_ODS_HEADERS", "DISABLE"},
    {"OGR_XLS_FIELD_TYPES", "STRING"},  {"OGR_XLS_HEADERS", "DISABLE"},
};
#define N_SHEET_OPTIONS (sizeof sheet_options / sizeof sheet_options[0])

/* The caller's thread-local values, put back after the sheet is read. */
typedef struct saved_options {
    char *value[N_SHEET_OPTIONS];
    int set[N_SHEET_OPTIONS];
} saved_options_t;

static void set_sheet_options(saved_options_t *saved)
{
    for (size_t i = 0; i < N_SHEET_OPTIONS; i++) {
        const char *old =
            CPLGetThreadLocalConfigOption(sheet_options[i][0], NULL);
        saved->set[i] = old != NULL;
        saved->value[i] = old != NULL ? strdup(old) : NULL;
        CPLSetThreadLocalConfigOption(sheet_options[i][0], sheet_options[i][1]);
    }
}

static void restore_sheet_options(saved_options_t *saved)
{
    for (size_t i = 0; i < N_SHEET_OPTIONS; i++) {
        CPLSetThreadLocalConfigOption(sheet_options[i][0],
                                      saved->set[i] ? saved->value[i] : NULL);
        free(saved->value[i]);
    }
}

/* "a, b, c": the layers of the dataset, for a "no such sheet" message. */
static void list_layers(GDALDatasetH ds, char *buf, size_t size)
{
    buf[0] = '\0';
    size_t used = 0;
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n && used + 1 < size; i++) {
        const char *name = OGR_L_GetName(GDALDatasetGetLayer(ds, i));
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name);
        used += w > 0 ? (size_t)w : 0;
    }
}

static tob_status_t pick_layer(tob_table_t *t, const char *name,
                               tob_error_t *err)
{
    if (name != NULL && name[0] != '\0') {
        t->layer = GDALDatasetGetLayerByName(t->ds, name);
        if (t->layer != NULL)
            return TOB_OK;
        char names[400];
        list_layers(t->ds, names, sizeof names);
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no sheet or layer '%s' (there is: %s)", name,
                             names);
    }
    if (GDALDatasetGetLayerCount(t->ds) == 0)
        return tob_error_set(err, TOB_ERR_INPUT, "no sheet or layer");
    t->layer = GDALDatasetGetLayer(t->ds, 0);
    return TOB_OK;
}

/* Names the source "path [sheet]" when there are several sheets. */
static tob_status_t name_source(tob_table_t *t, tob_error_t *err)
{
    if (GDALDatasetGetLayerCount(t->ds) < 2)
        return TOB_OK;
    const char *layer = OGR_L_GetName(t->layer);
    size_t size = strlen(t->source) + strlen(layer) + 4;
    char *source = malloc(size);
    if (source == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    snprintf(source, size, "%s [%s]", t->source, layer);
    free(t->source);
    t->source = source;
    return TOB_OK;
}

/* Copies the fields of f into r (UTF-8; NULL for unset or null). */
static tob_status_t feature_to_row(tob_table_t *t, OGRFeatureH f, raw_row_t *r,
                                   tob_error_t *err)
{
    size_t n = (size_t)OGR_F_GetFieldCount(f);
    r->n = 0;
    r->values = calloc(n + 1, sizeof *r->values);
    if (r->values == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r->n = i + 1;
        if (!OGR_F_IsFieldSetAndNotNull(f, (int)i))
            continue;
        const char *value = OGR_F_GetFieldAsString(f, (int)i);
        if (!tob_text_is_utf8(value, strlen(value)))
            t->utf8 = 0;
        r->values[i] = table_to_utf8(value);
        if (r->values[i] == NULL) {
            table_raw_row_free(r);
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        }
    }
    return TOB_OK;
}

/* Reads the next feature into r (r->values NULL at the end) and sets
 * t->row: the sheet row (GDAL's FID) or the feature number. */
static tob_status_t read_feature(tob_table_t *t, raw_row_t *r, tob_error_t *err)
{
    r->values = NULL;
    r->n = 0;
    CPLErrorReset();
    OGRFeatureH f = OGR_L_GetNextFeature(t->layer);
    if (f == NULL) {
        if (CPLGetLastErrorType() == CE_Failure)
            return table_gdal_error(t->source, "cannot read a row", err);
        return TOB_OK;
    }
    t->n_features++;
    GIntBig fid = OGR_F_GetFID(f);
    t->row = t->kind == TABLE_SHEET && fid > 0 ? (long long)fid : t->n_features;
    tob_status_t status = feature_to_row(t, f, r, err);
    OGR_F_Destroy(f);
    return status;
}

static tob_status_t read_non_blank(tob_table_t *t, raw_row_t *r,
                                   tob_error_t *err)
{
    for (;;) {
        tob_status_t status = read_feature(t, r, err);
        if (status != TOB_OK || r->values == NULL)
            return status;
        if (!table_raw_row_is_blank(r))
            return TOB_OK;
        table_raw_row_free(r);
    }
}

/* A layer's header is its field names. */
static tob_status_t layer_header(tob_table_t *t, tob_error_t *err)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(t->layer);
    size_t n = (size_t)OGR_FD_GetFieldCount(defn);
    raw_row_t r = {calloc(n + 1, sizeof(char *)), n};
    if (r.values == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *name =
            OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, (int)i));
        r.values[i] = table_to_utf8(name);
        if (r.values[i] == NULL) {
            table_raw_row_free(&r);
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        }
    }
    if (n == 0) {
        free(r.values);
        return tob_error_set(err, TOB_ERR_INPUT, "the layer has no fields");
    }
    return table_set_header(t, &r, err);
}

static tob_status_t sheet_header(tob_table_t *t, tob_error_t *err)
{
    raw_row_t r;
    tob_status_t status = read_non_blank(t, &r, err);
    if (status != TOB_OK)
        return status;
    if (r.values == NULL) {
        t->row = 0;
        return tob_error_set(err, TOB_ERR_INPUT, "empty sheet: no header row");
    }
    return table_set_header(t, &r, err);
}

static tob_status_t open_dataset(tob_table_t *t, const char *path,
                                 const char *layer, tob_error_t *err)
{
    /* ODS is parsed inside GDALOpenEx: know it first (collect_failure) */
    GDALDriverH identified =
        GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
    t->is_ods = identified != NULL &&
                strcmp(GDALGetDriverShortName(identified), "ODS") == 0;
    t->ds = GDALOpenEx(
        path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL,
        NULL, NULL);
    if (t->ds == NULL)
        return table_gdal_error(path, "GDAL cannot read it as a table", err);
    tob_status_t status = pick_layer(t, layer, err);
    if (status == TOB_OK)
        status = name_source(t, err);
    if (status != TOB_OK)
        return status;
    const char *driver = GDALGetDriverShortName(GDALGetDatasetDriver(t->ds));
    t->is_ods = strcmp(driver, "ODS") == 0;
    t->kind =
        t->is_ods || strcmp(driver, "XLSX") == 0 || strcmp(driver, "XLS") == 0
            ? TABLE_SHEET
            : TABLE_LAYER;
    return t->kind == TABLE_SHEET ? sheet_header(t, err) : layer_header(t, err);
}

tob_status_t table_ogr_open(tob_table_t *t, const char *path, const char *layer,
                            tob_error_t *err)
{
    /* Sheets are parsed on first access: all of it happens in here. */
    saved_options_t saved;
    set_sheet_options(&saved);
    tob_status_t status = open_dataset(t, path, layer, err);
    restore_sheet_options(&saved);
    return status;
}

/* ODS formulas GDAL could not compute come back as their text. */
static tob_status_t check_formulas(const tob_table_t *t, const raw_row_t *r,
                                   tob_error_t *err)
{
    for (size_t i = 0; i < r->n && i < t->n_columns; i++) {
        if (r->values[i] == NULL || strncmp(r->values[i], "of:=", 4) != 0)
            continue;
        tob_error_set(err, TOB_ERR_INPUT,
                      "formula '%.80s' has no saved result: open the file "
                      "in LibreOffice and save it",
                      r->values[i] + 3);
        tob_error_at(err, NULL, 0, t->names[i]);
        return TOB_ERR_INPUT;
    }
    return TOB_OK;
}

tob_status_t table_ogr_next(tob_table_t *t, int *has_row, tob_error_t *err)
{
    raw_row_t r;
    tob_status_t status = read_non_blank(t, &r, err);
    if (status != TOB_OK || r.values == NULL)
        return status;
    if (t->is_ods && (status = check_formulas(t, &r, err)) != TOB_OK) {
        table_raw_row_free(&r);
        return status;
    }
    status = table_set_row(t, &r, err);
    *has_row = status == TOB_OK;
    return status;
}

void table_ogr_close(tob_table_t *t)
{
    if (t->ds != NULL)
        GDALClose(t->ds);
    t->ds = NULL;
    t->layer = NULL;
}
