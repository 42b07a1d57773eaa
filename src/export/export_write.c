/* export_write.c - write a planned export through GDAL: the data layer,
 * the metadata tables (export_meta.c), each file under a temporary name,
 * synced, then renamed into place, the data file last. */
#include "export_internal.h"
#include "store/db.h"

#include "base/afile.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_srs_api.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- cells --------------------------------------------------------- */

void export_cells_init(export_cells_t *cells, tob_export_format_t format,
                       int locale_c)
{
    memset(cells, 0, sizeof *cells);
    cells->defuse = format != TOB_EXPORT_GPKG;
    cells->text_numbers = format == TOB_EXPORT_CSV;
    /* Spreadsheets are read by people: declared decimals; a GeoPackage
     * keeps the computed double for further computation. */
    cells->round = format != TOB_EXPORT_GPKG;
    cells->decimal_comma = format == TOB_EXPORT_CSV && !locale_c;
    cells->text_dates = format == TOB_EXPORT_CSV;
}

/* GeoPackage errors quote GDAL's internal SQL ("...(CREATE TABLE
 * gpkg_spatial_ref_sys ...) failed: database or disk is full"): the reason
 * alone is kept, the caller names the output. */
static const char *gdal_reason(const char *msg)
{
    if (msg == NULL || msg[0] == '\0')
        return "GDAL failed";
    if (strstr(msg, ") failed: ") == NULL)
        return msg;
    const char *reason = msg;
    for (const char *p = strstr(msg, ") failed: "); p != NULL;
         p = strstr(p + 1, ") failed: "))
        reason = p + 10;
    return reason[0] != '\0' ? reason : msg;
}

tob_status_t export_gdal_fail(const char *doing, tob_error_t *err)
{
    return tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s: %s", doing,
                         gdal_reason(CPLGetLastErrorMsg()));
}

tob_status_t export_add_field(OGRLayerH layer, const export_cells_t *cells,
                              const char *name, export_kind_t kind,
                              tob_error_t *err)
{
    OGRFieldType type = OFTString;
    if (kind == EXPORT_REAL && !cells->text_numbers)
        type = OFTReal;
    else if (kind == EXPORT_INT && !cells->text_numbers)
        type = OFTInteger64;
    else if (kind == EXPORT_DATE && !cells->text_dates)
        type = OFTDate;
    OGRFieldDefnH fld = OGR_Fld_Create(name, type);
    OGRErr e = OGR_L_CreateField(layer, fld, TRUE);
    OGR_Fld_Destroy(fld);
    if (e != OGRERR_NONE) {
        export_gdal_fail("creating a column", err);
        tob_error_at(err, NULL, 0, name);
        return TOB_ERR_IO;
    }
    return TOB_OK;
}

void export_put_text(const export_cells_t *cells, OGRFeatureH f, int i,
                     const char *text)
{
    if (text == NULL) {
        OGR_F_SetFieldNull(f, i);
        return;
    }
    if (!cells->defuse || !tob_export_is_formula_like(text)) {
        OGR_F_SetFieldString(f, i, text);
        return;
    }
    size_t size = strlen(text) + 2;
    char *safe = malloc(size);
    if (safe != NULL && tob_export_defuse(text, safe, size) != NULL)
        OGR_F_SetFieldString(f, i, safe);
    else
        OGR_F_SetFieldNull(f, i); /* out of memory: never the raw text */
    free(safe);
}

/* The fewest digits that read back to v, never `1e+06` for a whole
 * number; the decimal mark is ',' when comma. */
static void format_number(double v, int comma, char *buf, size_t size)
{
    if (v == 0)
        v = 0; /* no "-0" */
    if (v == floor(v) && fabs(v) < 1e17) {
        CPLsnprintf(buf, size, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        CPLsnprintf(buf, size, "%.*g", prec, v);
        if (CPLAtof(buf) == v)
            break;
    }
    char *dot = strchr(buf, '.');
    if (comma && dot != NULL)
        *dot = ',';
}

/* v with at most `decimals` decimals (0..9): an aggregated sum of values
 * of two decimals reads 379297,76, not 379297,7599999999. */
static double round_to(double v, int decimals)
{
    static const double powers[] = {1,   1e1, 1e2, 1e3, 1e4,
                                    1e5, 1e6, 1e7, 1e8, 1e9};
    if (decimals < 0 || decimals > 9 || fabs(v) > 1e15)
        return v;
    double r = round(v * powers[decimals]) / powers[decimals];
    return r == 0 ? 0 : r;
}

void export_put_value(const export_cells_t *cells, OGRFeatureH f, int i,
                      double v, int decimals)
{
    if (!cells->round || decimals < 0 || decimals > 9 || !isfinite(v)) {
        export_put_real(cells, f, i, v);
        return;
    }
    v = round_to(v, decimals);
    if (!cells->text_numbers) {
        export_put_real(cells, f, i, v);
        return;
    }
    char buf[64]; /* as the carnet spells it: 20,0 % */
    CPLsnprintf(buf, sizeof buf, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (cells->decimal_comma && dot != NULL)
        *dot = ',';
    OGR_F_SetFieldString(f, i, buf);
}

void export_put_real(const export_cells_t *cells, OGRFeatureH f, int i,
                     double v)
{
    if (isnan(v) || isinf(v)) {
        OGR_F_SetFieldNull(f, i);
        return;
    }
    if (cells->text_numbers) {
        char buf[64];
        format_number(v, cells->decimal_comma, buf, sizeof buf);
        OGR_F_SetFieldString(f, i, buf);
    } else if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) == OFTInteger64) {
        OGR_F_SetFieldInteger64(f, i, (GIntBig)v);
    } else {
        OGR_F_SetFieldDouble(f, i, v);
    }
}

void export_put_date(const export_cells_t *cells, OGRFeatureH f, int i, int y,
                     int m, int d)
{
    if (y == 0) {
        OGR_F_SetFieldNull(f, i);
    } else if (cells->text_dates) {
        char buf[16];
        if (cells->decimal_comma)
            snprintf(buf, sizeof buf, "%02d/%02d/%04d", d, m, y);
        else
            snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        OGR_F_SetFieldString(f, i, buf);
    } else {
        OGR_F_SetFieldDateTime(f, i, y, m, d, 0, 0, 0, 0);
    }
}

/* ---- layers -------------------------------------------------------- */

static char **layer_options(tob_export_format_t format, int locale_c)
{
    char **lco = NULL;
    if (format == TOB_EXPORT_CSV) {
        lco =
            CSLSetNameValue(lco, "SEPARATOR", locale_c ? "COMMA" : "SEMICOLON");
        lco = CSLSetNameValue(lco, "STRING_QUOTING", "IF_NEEDED");
        /* Excel reads UTF-8 without a BOM as ANSI: accents break. */
        if (!locale_c)
            lco = CSLSetNameValue(lco, "WRITE_BOM", "YES");
    }
    return lco;
}

OGRLayerH export_table_layer(GDALDatasetH ds, const char *name,
                             tob_export_format_t format, int locale_c,
                             tob_error_t *err)
{
    char **lco = layer_options(format, locale_c);
    OGRLayerH layer = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (layer == NULL) {
        export_gdal_fail("creating a table", err);
        tob_error_at(err, NULL, 0, name);
    }
    return layer;
}

static OGRLayerH data_layer(GDALDatasetH ds, const export_plan_t *plan,
                            tob_error_t *err)
{
    if (plan->format != TOB_EXPORT_GPKG)
        return export_table_layer(ds, plan->opts->level, plan->format,
                                  plan->opts->locale_c, err);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OGRLayerH layer = NULL;
    if (srs != NULL && OSRImportFromEPSG(srs, plan->srid) == OGRERR_NONE) {
        char ident[256];
        snprintf(ident, sizeof ident, "%s (%d)", plan->level_label,
                 plan->vintage);
        char **lco = CSLSetNameValue(NULL, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "FID", "fid");
        lco = CSLSetNameValue(lco, "IDENTIFIER", ident);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        layer = GDALDatasetCreateLayer(ds, plan->opts->level, srs,
                                       wkbMultiPolygon, lco);
        CSLDestroy(lco);
    }
    OSRDestroySpatialReference(srs);
    if (layer == NULL) {
        export_gdal_fail("creating the layer", err);
        tob_error_at(err, NULL, 0, plan->opts->level);
    }
    return layer;
}

static tob_status_t data_fields(OGRLayerH layer, const export_plan_t *plan,
                                const export_cells_t *cells, tob_error_t *err)
{
    static const struct {
        const char *name;
        export_kind_t kind;
    } fixed[] = {{"code", EXPORT_TEXT},
                 {"nom", EXPORT_TEXT},
                 {"millesime", EXPORT_INT},
                 {"code_parent", EXPORT_TEXT},
                 {"superficie_km2", EXPORT_REAL}};
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < 5; i++)
        s = export_add_field(layer, cells, fixed[i].name, fixed[i].kind, err);
    /* A sum is a sum of every member: the count behind each row. */
    if (s == TOB_OK && plan->has_members)
        s = export_add_field(layer, cells, "membres_presents", EXPORT_INT, err);
    if (s == TOB_OK && plan->has_members)
        s = export_add_field(layer, cells, "membres_attendus", EXPORT_INT, err);
    for (size_t i = 0; s == TOB_OK && i < plan->n_cols; i++)
        s = export_add_field(layer, cells, plan->cols[i].name,
                             plan->cols[i].integer ? EXPORT_INT : EXPORT_REAL,
                             err);
    return s;
}

static const char rows_sql[] =
    "SELECT id, code, name, vintage, parent_code, area_m2,"
    " CASE WHEN ?3 THEN AsBinary(geom) END FROM territory"
    " WHERE level = ?1 AND vintage = ?2 ORDER BY code";

/* Fills one feature from a territory row. */
static tob_status_t fill_feature(OGRFeatureH f, db_stmt_t *stmt,
                                 const export_plan_t *plan,
                                 const export_cells_t *cells,
                                 tob_export_summary_t *sum, tob_error_t *err)
{
    export_put_text(cells, f, 0, db_column_text(stmt, 1));
    export_put_text(cells, f, 1, db_column_text(stmt, 2));
    export_put_real(cells, f, 2, db_column_double(stmt, 3));
    export_put_text(cells, f, 3, db_column_text(stmt, 4));
    double km2 = db_column_type(stmt, 5) == DB_NULL
                     ? NAN
                     : round(db_column_double(stmt, 5) / 1e3) / 1e3;
    export_put_real(cells, f, 4, km2);
    size_t row = export_plan_row(plan, db_column_int64(stmt, 0));
    int first = 5;
    if (plan->has_members) {
        const tob_members_t *m = &plan->members[row];
        /* unknown for a territory its membership source does not list */
        export_put_real(cells, f, 5, m->expected ? (double)m->present : NAN);
        export_put_real(cells, f, 6, m->expected ? (double)m->expected : NAN);
        first = 7;
    }
    for (size_t c = 0; c < plan->n_cols; c++) {
        double v = plan->values[row * plan->n_cols + c];
        export_put_value(cells, f, (int)(first + c), v,
                         plan->vars[plan->cols[c].var].decimals);
        if (isnan(v))
            sum->n_missing++;
        else
            sum->n_values++;
    }
    const void *wkb = db_column_blob(stmt, 6);
    if (wkb == NULL)
        return TOB_OK;
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, db_column_bytes(stmt, 6)) !=
            OGRERR_NONE ||
        OGR_F_SetGeometryDirectly(f, g) != OGRERR_NONE)
        return tob_error_set(err, TOB_ERR_INTERNAL,
                             "territory %s: unreadable geometry",
                             db_column_text(stmt, 1));
    return TOB_OK;
}

static tob_status_t write_rows(tob_store_t *st, OGRLayerH layer,
                               const export_plan_t *plan,
                               const export_cells_t *cells,
                               tob_export_summary_t *sum, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(st, rows_sql, &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, plan->opts->level);
    db_bind_int(stmt, 2, plan->vintage);
    db_bind_int(stmt, 3, plan->format == TOB_EXPORT_GPKG);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        OGRFeatureH f = OGR_F_Create(defn);
        s = fill_feature(f, stmt, plan, cells, sum, err);
        if (s == TOB_OK && OGR_L_CreateFeature(layer, f) != OGRERR_NONE)
            s = export_gdal_fail("writing a row", err);
        OGR_F_Destroy(f);
        sum->n_territories += s == TOB_OK;
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading territories", err);
    db_finalize(stmt);
    return s;
}

static tob_status_t write_data(tob_store_t *st, GDALDatasetH ds,
                               const export_plan_t *plan,
                               tob_export_summary_t *sum, tob_error_t *err)
{
    export_cells_t cells;
    export_cells_init(&cells, plan->format, plan->opts->locale_c);
    OGRLayerH layer = data_layer(ds, plan, err);
    if (layer == NULL)
        return TOB_ERR_IO;
    tob_status_t s = data_fields(layer, plan, &cells, err);
    int in_tx = s == TOB_OK && plan->format == TOB_EXPORT_GPKG &&
                GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    if (s == TOB_OK)
        s = write_rows(st, layer, plan, &cells, sum, err);
    if (in_tx && s == TOB_OK && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        s = export_gdal_fail("committing the GeoPackage", err);
    else if (in_tx && s != TOB_OK)
        GDALDatasetRollbackTransaction(ds);
    return s;
}

/* ---- files --------------------------------------------------------- */

#define EXPORT_MAX_FILES 4

typedef struct out_files {
    size_t n;
    afile_t f[EXPORT_MAX_FILES]; /* the data file first, then sidecars */
    GDALDatasetH ds[EXPORT_MAX_FILES];
} out_files_t;

/* "dir/communes.csv" + "-sources" -> "dir/communes-sources.csv". */
static char *with_suffix(const char *path, const char *suffix)
{
    const char *dot = strrchr(path, '.');
    size_t stem = (size_t)(dot - path);
    size_t size = strlen(path) + strlen(suffix) + 1;
    char *out = malloc(size);
    if (out != NULL)
        snprintf(out, size, "%.*s%s%s", (int)stem, path, suffix, dot);
    return out;
}

static tob_status_t name_files(out_files_t *files, const char *path,
                               tob_export_format_t format, tob_error_t *err)
{
    static const char *const sidecars[] = {"", "-metadonnees", "-variables",
                                           "-sources"};
    files->n = format == TOB_EXPORT_CSV ? 4 : 1;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < files->n; i++) {
        char *target = with_suffix(path, sidecars[i]);
        s = target != NULL ? afile_begin(&files->f[i], target, err)
                           : tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        free(target);
    }
    return s;
}

static tob_status_t check_targets(const out_files_t *files, int force,
                                  tob_error_t *err)
{
    for (size_t i = 0; !force && i < files->n; i++)
        if (access(files->f[i].path, F_OK) == 0)
            return tob_error_set_at(err, TOB_ERR_EXISTS, files->f[i].path, 0,
                                    NULL, "file exists; use --force");
    return TOB_OK;
}

static const char *driver_name(tob_export_format_t format)
{
    switch (format) {
    case TOB_EXPORT_GPKG:
        return "GPKG";
    case TOB_EXPORT_CSV:
        return "CSV";
    case TOB_EXPORT_ODS:
        return "ODS";
    case TOB_EXPORT_XLSX:
        return "XLSX";
    }
    return "GPKG";
}

/* GDAL's CSV writer ignores write errors (a full disk gives empty files and
 * exit 0): it writes to memory, then the file is written with checked
 * stdio. The address of files keeps names apart between threads. */
static void memory_name(const out_files_t *files, size_t i, char *buf,
                        size_t size)
{
    snprintf(buf, size, "/vsimem/terrobs-export-%p-%zu.csv",
             (const void *)files, i);
}

static tob_status_t copy_from_memory(out_files_t *files, size_t i,
                                     tob_error_t *err)
{
    afile_t *f = &files->f[i];
    char name[96];
    memory_name(files, i, name, sizeof name);
    vsi_l_offset len = 0;
    GByte *data = VSIGetMemFileBuffer(name, &len, FALSE);
    tob_status_t s = data != NULL
                         ? afile_fopen(f, err)
                         : tob_error_set_at(err, TOB_ERR_IO, f->path, 0, NULL,
                                            "cannot write: GDAL wrote nothing");
    if (s == TOB_OK && fwrite(data, 1, (size_t)len, f->fp) != (size_t)len)
        s = afile_fail(f, "cannot write", err);
    VSIUnlink(name);
    return s;
}

static tob_status_t create_datasets(out_files_t *files,
                                    tob_export_format_t format,
                                    tob_error_t *err)
{
    GDALDriverH drv = GDALGetDriverByName(driver_name(format));
    if (drv == NULL)
        return tob_error_set(err, TOB_ERR_IO,
                             "GDAL has no %s driver (GDALAllRegister?)",
                             driver_name(format));
    for (size_t i = 0; i < files->n; i++) {
        char name[96];
        memory_name(files, i, name, sizeof name);
        files->ds[i] =
            GDALCreate(drv, format == TOB_EXPORT_CSV ? name : files->f[i].tmp,
                       0, 0, 0, GDT_Unknown, NULL);
        if (files->ds[i] == NULL) {
            export_gdal_fail("cannot create the file", err);
            tob_error_at(err, files->f[i].path, 0, NULL);
            return TOB_ERR_IO;
        }
    }
    return TOB_OK;
}

/* Closes the datasets: ODS and XLSX are written now, so a failure here is
 * a write error; GDAL 3.6 does not report all of them, the zip's end
 * record does. */
static tob_status_t close_datasets(out_files_t *files,
                                   tob_export_format_t format, tob_error_t *err)
{
    int zip = format == TOB_EXPORT_ODS || format == TOB_EXPORT_XLSX;
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < files->n; i++) {
        if (files->ds[i] == NULL)
            continue;
        CPLErrorReset();
        GDALClose(files->ds[i]);
        files->ds[i] = NULL;
        if (CPLGetLastErrorType() >= CE_Failure && s == TOB_OK) {
            s = export_gdal_fail("cannot write the file", err);
            tob_error_at(err, files->f[i].path, 0, NULL);
        }
        if (zip && s == TOB_OK)
            s = afile_check_zip(&files->f[i], err);
        else if (format == TOB_EXPORT_CSV && s == TOB_OK)
            s = copy_from_memory(files, i, err);
    }
    return s;
}

static void free_files(out_files_t *files)
{
    for (size_t i = 0; i < EXPORT_MAX_FILES; i++) {
        if (files->ds[i] != NULL)
            GDALClose(files->ds[i]);
        afile_abort(&files->f[i]); /* a no-op once committed */
        char name[96];
        memory_name(files, i, name, sizeof name);
        VSIUnlink(name); /* left by a failure before its copy */
    }
}

static tob_status_t write_all(tob_store_t *st, const export_plan_t *plan,
                              out_files_t *files, tob_export_summary_t *sum,
                              tob_error_t *err)
{
    tob_status_t s = create_datasets(files, plan->format, err);
    if (s == TOB_OK)
        s = write_data(st, files->ds[0], plan, sum, err);
    if (s == TOB_OK) {
        GDALDatasetH metas[3];
        for (size_t i = 0; i < 3; i++)
            metas[i] = files->ds[files->n == 4 ? i + 1 : 0];
        s = export_write_meta(st, plan, metas, err);
    }
    tob_status_t closed = close_datasets(files, plan->format, err);
    if (s == TOB_OK)
        s = closed;
    /* Sidecars first, the data file last: a reader who sees the data file
     * sees its metadata. */
    if (s == TOB_OK)
        s = afile_commit_group(files->f, files->n, err);
    return s;
}

tob_status_t export_write(tob_store_t *st, const export_plan_t *plan,
                          const char *path, tob_export_summary_t *summary,
                          tob_error_t *err)
{
    tob_export_summary_t sum;
    memset(&sum, 0, sizeof sum);
    out_files_t files;
    memset(&files, 0, sizeof files);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    tob_status_t s = name_files(&files, path, plan->format, err);
    if (s == TOB_OK)
        s = check_targets(&files, plan->opts->force, err);
    if (s == TOB_OK)
        s = write_all(st, plan, &files, &sum, err);
    free_files(&files);
    CPLPopErrorHandler();
    if (s == TOB_OK && summary != NULL) {
        sum.format = plan->format;
        sum.vintage = plan->vintage;
        sum.n_variables = plan->n_vars;
        sum.n_columns = plan->n_cols;
        sum.n_sources = plan->n_sources;
        sum.n_files = files.n;
        *summary = sum;
    }
    return s;
}
