/* render_output.c - maps as files: PNG through libpng (iTXt chunks Title,
 * Description, Source, CRS, Software; pHYs from the dpi) with a world file
 * and the CRS as .prj so that QGIS places it; SVG with real <text>; PDF
 * through Cairo. Each file is written beside its target as .tmp, synced,
 * then renamed, so a reader never sees half a map. */
#include "render_internal.h"

#include "base/afile.h"
#include "terrobs/version.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

typedef enum format {
    FORMAT_PNG,
    FORMAT_SVG,
    FORMAT_PDF
} format_t;

/* ---- atomic files (base/afile.h) ---------------------------------- */

/* path with its extension replaced by ext (NULL: path itself). */
static tob_status_t outfile_init(afile_t *o, const char *path, const char *ext,
                                 tob_error_t *err)
{
    char target[AFILE_PATH_MAX];
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    if (ext != NULL && dot != NULL && strchr(dot, '/') == NULL)
        n = (size_t)(dot - path);
    if (n + (ext ? strlen(ext) : 0) >= sizeof target) {
        memset(o, 0, sizeof *o);
        return tob_error_set(err, TOB_ERR_ARG, "output path too long");
    }
    snprintf(target, sizeof target, "%.*s%s", (int)n, path, ext ? ext : "");
    return afile_begin(o, target, err);
}

static tob_status_t write_text_file(afile_t *o, const char *text,
                                    tob_error_t *err)
{
    tob_status_t s = afile_fopen(o, err);
    if (s == TOB_OK)
        fputs(text, o->fp); /* the commit sees stream errors */
    return s;
}

/* ---- PNG ----------------------------------------------------------- */

typedef struct png_failure {
    char message[256];
} png_failure_t;

static void png_fail_fn(png_structp png, png_const_charp msg)
{
    png_failure_t *f = png_get_error_ptr(png);
    snprintf(f->message, sizeof f->message, "%s", msg);
    png_longjmp(png, 1);
}

static void png_warn_fn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg; /* warnings are not errors; the library never prints */
}

static void text_chunk(png_text *t, const char *key, const char *value)
{
    memset(t, 0, sizeof *t);
    t->compression = PNG_ITXT_COMPRESSION_NONE; /* UTF-8: "Densité" */
    t->key = (png_charp)key;
    t->text = (png_charp)(value ? value : "");
    t->itxt_length = strlen(t->text);
}

typedef struct png_meta {
    const tob_style_t *style;
    char crs[32];
    char software[64];
} png_meta_t;

/* Level 3, unfiltered rows: maps are flat colours, where libpng's
 * adaptive filters make larger files in three times the time. */
#define PNG_LEVEL 3

static int png_body(png_structp png, png_infop info, cairo_surface_t *surf,
                    const png_meta_t *meta, const unsigned char *idat,
                    size_t idat_len)
{
    int w = cairo_image_surface_get_width(surf);
    int h = cairo_image_surface_get_height(surf);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                 PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)lround(meta->style->dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_text t[5];
    text_chunk(&t[0], "Title", meta->style->title);
    text_chunk(&t[1], "Description", meta->style->subtitle);
    text_chunk(&t[2], "Source", meta->style->source);
    text_chunk(&t[3], "CRS", meta->crs);
    text_chunk(&t[4], "Software", meta->software);
    png_set_text(png, info, t, 5);
    png_write_info(png, info);
    /* The image data deflated beforehand on several threads
     * (render_png.c), then the end, as png_write_end() would write it
     * after rows of its own. */
    png_write_chunk(png, (png_const_bytep) "IDAT", idat, idat_len);
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    return 0;
}

static tob_status_t write_png(afile_t *o, cairo_surface_t *surf,
                              const png_meta_t *meta, tob_error_t *err)
{
    cairo_surface_flush(surf);
    unsigned char *idat = NULL;
    size_t idat_len = 0;
    if (png_deflate_rows(cairo_image_surface_get_data(surf),
                         cairo_image_surface_get_stride(surf),
                         cairo_image_surface_get_width(surf),
                         cairo_image_surface_get_height(surf), PNG_LEVEL, &idat,
                         &idat_len) != 0)
        return tob_error_set(err, TOB_ERR_NOMEM,
                             "out of memory compressing the PNG");
    tob_status_t s = afile_fopen(o, err);
    if (s != TOB_OK) {
        free(idat);
        return s;
    }
    FILE *fp = o->fp;
    png_failure_t failure = {""};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure,
                                              png_fail_fn, png_warn_fn);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    int failed = png == NULL || info == NULL;
    if (!failed && setjmp(png_jmpbuf(png)) == 0) {
        png_init_io(png, fp);
        png_body(png, info, surf, meta, idat, idat_len);
    } else {
        failed = 1;
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(idat);
    if (failed)
        return tob_error_set_at(
            err, TOB_ERR_IO, o->path, 0, NULL, "writing the PNG: %s",
            failure.message[0] ? failure.message : "libpng failed");
    return TOB_OK; /* the commit syncs and closes */
}

/* World file: pixel size, rotations, then the centre of the top-left
 * pixel (the convention GDAL and QGIS read). */
static tob_status_t write_world(afile_t *o, const double gt[6],
                                tob_error_t *err)
{
    char text[512];
    snprintf(text, sizeof text, "%.10f\n%.10f\n%.10f\n%.10f\n%.10f\n%.10f\n",
             gt[1], gt[4], gt[2], gt[5], gt[0] + gt[1] / 2 + gt[2] / 2,
             gt[3] + gt[4] / 2 + gt[5] / 2);
    return write_text_file(o, text, err);
}

static char *wkt_of(int srid)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char *wkt = NULL;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (srs == NULL || OSRImportFromEPSG(srs, srid) != OGRERR_NONE ||
        OSRExportToWkt(srs, &wkt) != OGRERR_NONE) {
        CPLFree(wkt);
        wkt = NULL;
    }
    CPLPopErrorHandler();
    OSRDestroySpatialReference(srs);
    return wkt;
}

/* The CRS twice: OUT.prj, which ArcGIS-style tools read beside a world
 * file, and OUT.png.aux.xml, where GDAL (hence QGIS) looks for it. */
static tob_status_t write_crs(afile_t *prj, afile_t *aux, int srid,
                              tob_error_t *err)
{
    char *wkt = wkt_of(srid);
    if (wkt == NULL)
        return tob_error_set(err, TOB_ERR_PROJ, "no WKT for EPSG:%d", srid);
    tob_status_t s = write_text_file(prj, wkt, err);
    size_t n = strlen(wkt) * 6 + 128; /* worst case: every char escaped */
    char *xml = s == TOB_OK ? malloc(n) : NULL;
    if (s == TOB_OK && xml == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (xml != NULL) {
        size_t len = (size_t)snprintf(xml, n,
                                      "<PAMDataset>\n  <SRS "
                                      "dataAxisToSRSAxisMapping="
                                      "\"1,2\">");
        for (const char *c = wkt; *c != '\0'; c++)
            len += (size_t)snprintf(xml + len, n - len, "%s",
                                    *c == '"'   ? "&quot;"
                                    : *c == '<' ? "&lt;"
                                    : *c == '>' ? "&gt;"
                                    : *c == '&' ? "&amp;"
                                                : (char[2]){*c, '\0'});
        snprintf(xml + len, n - len, "</SRS>\n</PAMDataset>\n");
        s = write_text_file(aux, xml, err);
    }
    free(xml);
    CPLFree(wkt);
    return s;
}

/* ---- the three formats --------------------------------------------- */

static tob_status_t cairo_fail(cairo_status_t status, const char *doing,
                               tob_error_t *err)
{
    return tob_error_lib(err, TOB_ERR_CAIRO, (int)status, "%s: %s", doing,
                         cairo_status_to_string(status));
}

static tob_status_t render_png(afile_t files[4], const tob_style_t *style,
                               tob_store_t *st,
                               const tob_render_options_t *opts,
                               tob_map_report_t *report, tob_error_t *err)
{
    double w_mm, h_mm;
    tob_style_page_mm(style, &w_mm, &h_mm);
    int w = (int)lround(w_mm * style->dpi / 25.4);
    int h = (int)lround(h_mm * style->dpi / 25.4);
    cairo_surface_t *surf =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(surf);
    tob_status_t s =
        cairo_status(cr) != CAIRO_STATUS_SUCCESS
            ? cairo_fail(cairo_status(cr), "creating the image", err)
            : render_map(cr, (rbox_t){0, 0, w, h}, w / w_mm, 0, style, st, opts,
                         report, NULL, err);
    cairo_destroy(cr);
    png_meta_t meta = {style, "", ""};
    snprintf(meta.crs, sizeof meta.crs, "EPSG:%d", report->srid);
    snprintf(meta.software, sizeof meta.software, "terrobs %s", tob_version());
    if (s == TOB_OK)
        s = write_png(&files[0], surf, &meta, err);

    cairo_surface_destroy(surf);
    if (s == TOB_OK)
        s = write_world(&files[1], report->geotransform, err);
    if (s == TOB_OK)
        s = write_crs(&files[2], &files[3], report->srid, err);
    return s;
}

typedef struct membuf {
    unsigned char *data;
    size_t len, cap;
} membuf_t;

static cairo_status_t mem_write(void *closure, const unsigned char *data,
                                unsigned int length)
{
    membuf_t *m = closure;
    if (m->len + length > m->cap) {
        size_t cap = (m->len + length) * 2;
        unsigned char *more = realloc(m->data, cap);
        if (more == NULL)
            return CAIRO_STATUS_NO_MEMORY;
        m->data = more;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, length);
    m->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Cairo's SVG, with our <text> group put before its closing tag. */
static tob_status_t write_svg(afile_t *o, const membuf_t *m,
                              const render_t *texts, tob_error_t *err)
{
    size_t end = m->len;
    while (end >= 6 && memcmp(m->data + end - 6, "</svg>", 6) != 0)
        end--;
    if (end < 6)
        return tob_error_set(err, TOB_ERR_CAIRO, "cairo wrote no </svg>");
    tob_status_t s = afile_fopen(o, err);
    if (s != TOB_OK)
        return s;
    /* The commit sees stream errors. */
    fwrite(m->data, 1, end - 6, o->fp);
    render_write_svg_texts(texts, o->fp);
    fwrite(m->data + end - 6, 1, m->len - (end - 6), o->fp);
    return TOB_OK;
}

/* Title, author, subject (the subtitle, else the mapped variable) and
 * keywords (kind, level, variables). Cairo 1.16 has no document language:
 * the README says so. */
static void pdf_metadata(cairo_surface_t *surf, const tob_style_t *style)
{
    static const char *const kinds[] = {
        "choroplèthe", "cercles proportionnels", "typologie",
        "points",      "cercles et classes",     "cercles et catégories",
        "bivariée",    "discontinuités"};
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
                                   style->title ? style->title : "");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR,
                                   style->author ? style->author : "terrobs");
    const char *subject = style->subtitle     ? style->subtitle
                          : style->variable   ? style->variable
                          : style->expression ? style->expression
                                              : "";
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_SUBJECT, subject);
    char keywords[512];
    snprintf(keywords, sizeof keywords, "carte %s%s%s%s%s%s%s, terrobs",
             (size_t)style->kind < sizeof kinds / sizeof kinds[0]
                 ? kinds[style->kind]
                 : "",
             style->level ? ", " : "", style->level ? style->level : "",
             style->variable ? ", " : "",
             style->variable ? style->variable : "",
             style->color_variable ? ", " : "",
             style->color_variable ? style->color_variable : "");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_KEYWORDS, keywords);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "terrobs");
}

static tob_status_t render_vector(format_t format, afile_t *o,
                                  const tob_style_t *style, tob_store_t *st,
                                  const tob_render_options_t *opts,
                                  tob_map_report_t *report, tob_error_t *err)
{
    double w_mm, h_mm;
    tob_style_page_mm(style, &w_mm, &h_mm);
    double u = 72.0 / 25.4, w = w_mm * u, h = h_mm * u;
    membuf_t m = {NULL, 0, 0};
    cairo_surface_t *surf =
        format == FORMAT_SVG
            ? cairo_svg_surface_create_for_stream(mem_write, &m, w, h)
            : cairo_pdf_surface_create(o->tmp, w, h);
    if (format == FORMAT_PDF)
        pdf_metadata(surf, style);
    cairo_t *cr = cairo_create(surf);
    render_t texts;
    memset(&texts, 0, sizeof texts);
    /* A tagged PDF: the map, title, legend and source in one Figure, read
     * in drawing order (Cairo 1.16 writes no /Alt; README, Carnet). */
    int tag = format == FORMAT_PDF && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
    if (tag) {
        cairo_tag_begin(cr, "Document", NULL);
        cairo_tag_begin(cr, "Figure", NULL);
    }
    tob_status_t s =
        cairo_status(cr) != CAIRO_STATUS_SUCCESS
            ? cairo_fail(cairo_status(cr), "creating the page", err)
            : render_map(cr, (rbox_t){0, 0, w, h}, u, format == FORMAT_SVG,
                         style, st, opts, report, &texts, err);
    if (tag) {
        cairo_tag_end(cr, "Figure");
        cairo_tag_end(cr, "Document");
    }
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (s == TOB_OK && cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        s = cairo_fail(cairo_surface_status(surf), "writing the page", err);
        tob_error_at(err, o->path, 0, NULL); /* a full disk shows here */
    }
    cairo_surface_destroy(surf);
    if (s == TOB_OK && format == FORMAT_SVG)
        s = write_svg(o, &m, &texts, err);
    text_sink_free(&texts);
    free(m.data);
    return s;
}

static tob_status_t format_of(const char *path, format_t *out, tob_error_t *err)
{
    const char *dot = strrchr(path, '.');
    if (dot != NULL && strcasecmp(dot, ".png") == 0)
        *out = FORMAT_PNG;
    else if (dot != NULL && strcasecmp(dot, ".svg") == 0)
        *out = FORMAT_SVG;
    else if (dot != NULL && strcasecmp(dot, ".pdf") == 0)
        *out = FORMAT_PDF;
    else
        return tob_error_set(err, TOB_ERR_ARG,
                             "'%s': the output must end in .png, .svg or "
                             ".pdf",
                             path);
    return TOB_OK;
}

tob_status_t tob_render_file(const char *path, const tob_style_t *style,
                             tob_store_t *st, const tob_render_options_t *opts,
                             tob_map_report_t *report, tob_error_t *err)
{
    tob_map_report_t local;
    if (report == NULL)
        report = &local;
    format_t format = FORMAT_PNG;
    afile_t files[4];
    tob_status_t s = format_of(path, &format, err);
    size_t n = format == FORMAT_PNG ? 4 : 1;
    if (s == TOB_OK)
        s = outfile_init(&files[0], path, NULL, err);
    if (s == TOB_OK && n == 4)
        s = outfile_init(&files[1], path, ".pgw", err);
    if (s == TOB_OK && n == 4)
        s = outfile_init(&files[2], path, ".prj", err);
    if (s == TOB_OK && n == 4) {
        char aux[4200];
        snprintf(aux, sizeof aux, "%s.aux.xml", path);
        s = outfile_init(&files[3], aux, NULL, err);
    }
    if (s != TOB_OK)
        return s;
    if (format == FORMAT_PNG)
        s = render_png(files, style, st, opts, report, err);
    else
        s = render_vector(format, &files[0], style, st, opts, report, err);
    if (s == TOB_OK) /* the map renamed last, after its companions */
        return afile_commit_group(files, n, err);
    for (size_t i = 0; i < n; i++)
        afile_abort(&files[i]);
    return s;
}
