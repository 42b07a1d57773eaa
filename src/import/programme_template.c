/* programme_template.c - fill-in templates of the contracts, projects and
 * GUP tables: the documented headers and one fictitious example row, as
 * CSV or through GDAL as XLSX or ODS. */
#include "terrobs/programme.h"

#include "base/afile.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A prefix column stands for several: these are the template's. */
typedef struct expansion {
    const char *name, *example;
} expansion_t;

static const expansion_t funding_examples[] = {{"Département", "100000"},
                                               {"État", "50000"},
                                               {"Maître d'ouvrage", "100000"},
                                               {NULL, NULL}};
static const expansion_t referent_examples[] = {{"Ville", "Mme B. Exemple"},
                                                {"Bailleur", "M. C. Exemple"},
                                                {"CLSPD", "Mme D. Exemple"},
                                                {NULL, NULL}};

/* Calls fn for each template column: header and example. */
static tob_status_t
each_column(tob_programme_kind_t kind,
            tob_status_t (*fn)(void *user, const char *header,
                               const char *example, tob_error_t *err),
            void *user, tob_error_t *err)
{
    size_t n = 0;
    const tob_column_t *cols = tob_programme_columns(kind, &n);
    if (cols == NULL)
        return tob_error_set(err, TOB_ERR_ARG, "unknown kind");
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        size_t len = strlen(cols[i].header);
        if (cols[i].header[len - 1] != ':') {
            s = fn(user, cols[i].header, cols[i].example, err);
            continue;
        }
        const expansion_t *ex =
            kind == TOB_PROG_PROJECTS ? funding_examples : referent_examples;
        for (; ex->name != NULL && s == TOB_OK; ex++) {
            char header[128];
            snprintf(header, sizeof header, "%s%s", cols[i].header, ex->name);
            s = fn(user, header, ex->example, err);
        }
    }
    return s;
}

/* ---- CSV ------------------------------------------------------------ */

typedef struct csv_out {
    FILE *out;
    int row; /* 0 headers, 1 example */
    int first;
} csv_out_t;

static void csv_field(FILE *out, const char *s)
{
    int quote = strpbrk(s, ";\"\n") != NULL;
    if (quote)
        fputc('"', out);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    if (quote)
        fputc('"', out);
}

static tob_status_t csv_column(void *user, const char *header,
                               const char *example, tob_error_t *err)
{
    (void)err;
    csv_out_t *c = user;
    if (!c->first)
        fputc(';', c->out);
    c->first = 0;
    csv_field(c->out, c->row == 0 ? header : example);
    return TOB_OK;
}

tob_status_t tob_programme_template_csv(tob_programme_kind_t kind, FILE *out,
                                        tob_error_t *err)
{
    csv_out_t c = {out, 0, 1};
    tob_status_t s = each_column(kind, csv_column, &c, err);
    fputc('\n', out);
    c.row = 1;
    c.first = 1;
    if (s == TOB_OK)
        s = each_column(kind, csv_column, &c, err);
    fputc('\n', out);
    if (s == TOB_OK && (fflush(out) != 0 || ferror(out)))
        s = tob_error_set(err, TOB_ERR_IO, "cannot write the template: %s",
                          strerror(errno));
    return s;
}

/* ---- XLSX / ODS ------------------------------------------------------ */

typedef struct ogr_out {
    OGRLayerH layer;
    OGRFeatureH feature;
    int field;
} ogr_out_t;

static tob_status_t ogr_field(void *user, const char *header,
                              const char *example, tob_error_t *err)
{
    ogr_out_t *o = user;
    if (o->feature == NULL) {
        /* Text fields: codes keep their leading zeros, dates their form. */
        OGRFieldDefnH fd = OGR_Fld_Create(header, OFTString);
        OGRErr e = OGR_L_CreateField(o->layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                                 CPLGetLastErrorMsg());
    } else if (example[0] != '\0') {
        OGR_F_SetFieldString(o->feature, o->field, example);
    }
    o->field++;
    return TOB_OK;
}

static tob_status_t write_sheet(tob_programme_kind_t kind, const char *driver,
                                const char *path, tob_error_t *err)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    if (drv == NULL)
        return tob_error_set(err, TOB_ERR_IO, "GDAL has no %s driver",
                             driver);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (ds == NULL)
        return tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                             CPLGetLastErrorMsg());
    ogr_out_t o = {0};
    tob_status_t s = TOB_OK;
    o.layer = GDALDatasetCreateLayer(ds, tob_programme_kind_name(kind), NULL,
                                     wkbNone, NULL);
    if (o.layer == NULL)
        s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                          CPLGetLastErrorMsg());
    if (s == TOB_OK)
        s = each_column(kind, ogr_field, &o, err);
    if (s == TOB_OK) {
        o.feature = OGR_F_Create(OGR_L_GetLayerDefn(o.layer));
        o.field = 0;
        s = each_column(kind, ogr_field, &o, err);
        if (s == TOB_OK &&
            OGR_L_CreateFeature(o.layer, o.feature) != OGRERR_NONE)
            s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                              CPLGetLastErrorMsg());
        OGR_F_Destroy(o.feature);
    }
    CPLErrorReset();
    GDALClose(ds); /* the file is written here */
    if (s == TOB_OK && CPLGetLastErrorType() >= CE_Failure)
        s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                          CPLGetLastErrorMsg());
    return s;
}

static const char *driver_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL)
        return NULL;
    if (strcmp(dot, ".csv") == 0)
        return "CSV";
    if (strcmp(dot, ".xlsx") == 0)
        return "XLSX";
    if (strcmp(dot, ".ods") == 0)
        return "ODS";
    return NULL;
}

tob_status_t tob_programme_template_write(tob_programme_kind_t kind,
                                          const char *path, tob_error_t *err)
{
    const char *driver = driver_for(path);
    if (driver == NULL)
        return tob_error_set(err, TOB_ERR_ARG,
                             "'%s': the template's name must end in .csv, "
                             ".xlsx or .ods",
                             path);
    afile_t f;
    tob_status_t s = afile_begin(&f, path, err);
    if (s != TOB_OK)
        return s;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    if (strcmp(driver, "CSV") == 0) {
        s = afile_fopen(&f, err);
        if (s == TOB_OK)
            s = tob_programme_template_csv(kind, f.fp, err);
    } else {
        s = write_sheet(kind, driver, f.tmp, err);
        if (s == TOB_OK) /* GDAL 3.6 ignores write errors in zips */
            s = afile_check_zip(&f, err);
    }
    CPLPopErrorHandler();
    if (s != TOB_OK)
        tob_error_at(err, path, 0, NULL);
    return afile_end(&f, s, err);
}
