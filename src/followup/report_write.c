/* report_write.c - a report as CSV (';', French decimals, cells that a
 * spreadsheet would take for a formula neutralised with a leading ') and
 * as ODS through GDAL (a "Rapport" sheet with the text, then one sheet per
 * table with typed cells); files are written aside and renamed. */
#include "report_doc.h"

#include "base/afile.h"

#include "terrobs/export.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- CSV -------------------------------------------------------------- */

static void csv_field(FILE *out, const char *s)
{
    /* = + - @ (and tab, CR) start a formula in spreadsheets: neutralise. */
    int neutral = tob_export_is_formula_like(s);
    int quote = strpbrk(s, ";\"\n\r") != NULL;
    if (quote)
        fputc('"', out);
    if (neutral)
        fputc('\'', out);
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    if (quote)
        fputc('"', out);
}

/* A number as a French spreadsheet reads it: no thousands separator,
 * decimal comma. */
static void csv_number(FILE *out, double v, int decimals)
{
    char buf[64];
    if (isnan(v))
        return;
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (dot != NULL)
        *dot = ',';
    csv_field(out, buf);
}

static void csv_cell(FILE *out, const report_cell_t *c)
{
    switch (c->kind) {
    case REPORT_CELL_INT:
    case REPORT_CELL_MONEY:
        csv_number(out, c->value, 0);
        break;
    case REPORT_CELL_NUMBER:
    case REPORT_CELL_PERCENT:
        csv_number(out, c->value, c->decimals);
        break;
    default:
        csv_field(out, c->shown != NULL ? c->shown : "");
    }
}

static void csv_table(FILE *out, const report_table_t *t)
{
    fputc('\n', out);
    csv_field(out, t->title);
    fputc('\n', out);
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c > 0)
            fputc(';', out);
        csv_field(out, t->headers[c]);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c > 0)
                fputc(';', out);
            csv_cell(out, &t->cells[r * t->n_cols + c]);
        }
        fputc('\n', out);
    }
}

static void write_csv(const tob_report_t *r, FILE *out)
{
    csv_field(out, r->title);
    fputc('\n', out);
    for (size_t i = 0; i < r->n; i++) {
        const report_block_t *b = &r->blocks[i];
        if (b->kind == REPORT_TABLE) {
            csv_table(out, b->table);
            continue;
        }
        if (b->kind == REPORT_HEADING)
            fputc('\n', out);
        csv_field(out, b->text);
        fputc('\n', out);
    }
}

tob_status_t tob_report_write(const tob_report_t *r, tob_report_format_t format,
                              FILE *out, tob_error_t *err)
{
    if (r->status != TOB_OK)
        return tob_error_set(err, r->status, "building the report failed");
    if (format == TOB_REPORT_ODS)
        return tob_error_set(err, TOB_ERR_ARG,
                             "an ODS report needs a file name (-o FILE.ods)");
    tob_status_t s = TOB_OK;
    if (format == TOB_REPORT_CSV)
        write_csv(r, out);
    else
        s = report_write_text(r, out);
    if (s == TOB_OK && (fflush(out) != 0 || ferror(out)))
        s = tob_error_set(err, TOB_ERR_IO, "cannot write the report: %s",
                          strerror(errno));
    return s;
}

/* ---- ODS -------------------------------------------------------------- */

/* The OGR type of a column: its cells' kind if they all share one. */
static OGRFieldType column_type(const report_table_t *t, size_t c)
{
    int kind = -1;
    for (size_t r = 0; r < t->n_rows; r++) {
        const report_cell_t *cell = &t->cells[r * t->n_cols + c];
        if (cell->shown == NULL || cell->shown[0] == '\0')
            continue;
        if (kind >= 0 && kind != (int)cell->kind)
            return OFTString;
        kind = (int)cell->kind;
    }
    switch (kind) {
    case REPORT_CELL_INT:
        return OFTInteger64;
    case REPORT_CELL_NUMBER:
    case REPORT_CELL_MONEY:
    case REPORT_CELL_PERCENT:
        return OFTReal;
    case REPORT_CELL_DATE:
        return OFTDate;
    default:
        return OFTString;
    }
}

static void set_field(OGRFeatureH f, int i, OGRFieldType type,
                      const report_cell_t *c)
{
    if (c->shown == NULL || c->shown[0] == '\0')
        return;
    int y, m, d;
    if (type == OFTInteger64)
        OGR_F_SetFieldInteger64(f, i, (GIntBig)llround(c->value));
    else if (type == OFTReal)
        OGR_F_SetFieldDouble(f, i, c->value);
    else if (type == OFTDate && sscanf(c->iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
        OGR_F_SetFieldDateTime(f, i, y, m, d, 0, 0, 0, 0);
    else {
        /* "of:=..." would become a live formula in GDAL's ODS writer. */
        size_t size = strlen(c->shown) + 2;
        char *safe = malloc(size);
        if (safe != NULL)
            OGR_F_SetFieldString(f, i, tob_export_defuse(c->shown, safe, size));
        free(safe);
    }
}

/* A sheet name: at most 31 characters, none of []:*?/\, unique. */
static void sheet_name(const char *title, size_t index, char *buf, size_t size)
{
    char clean[128];
    size_t n = 0;
    for (const char *p = title; *p != '\0' && n + 1 < sizeof clean; p++)
        clean[n++] = strchr("[]:*?/\\'", *p) != NULL ? '-' : *p;
    clean[n] = '\0';
    size_t cut = 0, chars = 0; /* 26 characters, on a UTF-8 boundary */
    for (; clean[cut] != '\0'; cut++) {
        if (((unsigned char)clean[cut] & 0xC0) != 0x80 && ++chars > 26)
            break;
    }
    /* Cut at a word when there is one. */
    if (clean[cut] != '\0')
        while (cut > 12 && clean[cut] != ' ')
            cut--;
    clean[cut] = '\0';
    snprintf(buf, size, "%zu %s", index, clean);
}

static tob_status_t ods_layer(GDALDatasetH ds, const char *name,
                              const report_table_t *t, tob_error_t *err)
{
    OGRLayerH layer = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, NULL);
    if (layer == NULL)
        return tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                             CPLGetLastErrorMsg());
    OGRFieldType *types = calloc(t->n_cols + 1, sizeof *types);
    if (types == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    for (size_t c = 0; c < t->n_cols && s == TOB_OK; c++) {
        types[c] = column_type(t, c);
        OGRFieldDefnH fd = OGR_Fld_Create(t->headers[c], types[c]);
        if (OGR_L_CreateField(layer, fd, TRUE) != OGRERR_NONE)
            s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                              CPLGetLastErrorMsg());
        OGR_Fld_Destroy(fd);
    }
    for (size_t r = 0; r < t->n_rows && s == TOB_OK; r++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        for (size_t c = 0; c < t->n_cols; c++)
            set_field(f, (int)c, types[c], &t->cells[r * t->n_cols + c]);
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE)
            s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                              CPLGetLastErrorMsg());
        OGR_F_Destroy(f);
    }
    free(types);
    return s;
}

/* The first sheet: the title, headings and paragraphs, one per row. */
static tob_status_t ods_text_sheet(GDALDatasetH ds, const tob_report_t *r,
                                   tob_error_t *err)
{
    report_table_t text = {0};
    char *header = "Rapport";
    text.title = "Rapport";
    text.n_cols = 1;
    text.headers = &header;
    report_cell_t *cells = calloc(r->n + 1, sizeof *cells);
    if (cells == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    cells[text.n_rows++].shown = r->title;
    for (size_t i = 0; i < r->n; i++)
        if (r->blocks[i].kind != REPORT_TABLE)
            cells[text.n_rows++].shown = r->blocks[i].text;
    text.cells = cells;
    tob_status_t s = ods_layer(ds, "Rapport", &text, err);
    free(cells);
    return s;
}

static tob_status_t write_ods(const tob_report_t *r, const char *path,
                              tob_error_t *err)
{
    GDALDriverH drv = GDALGetDriverByName("ODS");
    if (drv == NULL)
        return tob_error_set(err, TOB_ERR_IO, "GDAL has no ODS driver");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (ds == NULL)
        return tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                             CPLGetLastErrorMsg());
    tob_status_t s = ods_text_sheet(ds, r, err);
    for (size_t i = 0, k = 0; i < r->n && s == TOB_OK; i++) {
        if (r->blocks[i].kind != REPORT_TABLE)
            continue;
        char name[160];
        sheet_name(r->blocks[i].table->title, ++k, name, sizeof name);
        s = ods_layer(ds, name, r->blocks[i].table, err);
    }
    CPLErrorReset();
    GDALClose(ds); /* the ODS file is written here */
    if (CPLGetLastErrorType() >= CE_Failure && s == TOB_OK)
        s = tob_error_lib(err, TOB_ERR_IO, CPLGetLastErrorNo(), "%s",
                          CPLGetLastErrorMsg());
    return s;
}

tob_status_t tob_report_save(const tob_report_t *r, tob_report_format_t format,
                             const char *path, tob_error_t *err)
{
    if (r->status != TOB_OK)
        return tob_error_set(err, r->status, "building the report failed");
    afile_t f;
    tob_status_t s = afile_begin(&f, path, err);
    if (s != TOB_OK)
        return s;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    if (format == TOB_REPORT_ODS) {
        s = write_ods(r, f.tmp, err);
        if (s == TOB_OK) /* GDAL 3.6 ignores write errors in zips */
            s = afile_check_zip(&f, err);
    } else {
        s = afile_fopen(&f, err);
        if (s == TOB_OK)
            s = tob_report_write(r, format, f.fp, err);
    }
    CPLPopErrorHandler();
    if (s != TOB_OK)
        tob_error_at(err, path, 0, NULL);
    return afile_end(&f, s, err);
}
