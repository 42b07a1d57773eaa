/* qgis.c - a QGIS project over a store: the project CRS and extent, one
 * group per level (larger units on top), the styles' layers and one
 * outline layer per vintage in each, written atomically. */
#include "base/afile.h"
#include "map/style_model.h"
#include "qgis_internal.h"
#include "store/db.h"

#include <cpl_conv.h>
#include <ogr_srs_api.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void qgis_note(qgis_project_t *p, const char *style_path, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    p->n_left++;
    if (p->opts->note != NULL)
        p->opts->note(p->opts->note_user, style_path, why);
}

/* The store as seen from the project's folder: "./obs.sqlite",
 * "../data/obs.sqlite"; QGIS resolves it against the project file. */
static char *relative_store(const char *store, const char *project)
{
    char *dir = CPLStrdup(CPLGetPath(project));
    /* Made absolute against the working folder, symbolic links kept. */
    gchar *abs_store = g_canonicalize_filename(store, NULL);
    gchar *abs_dir = g_canonicalize_filename(dir[0] ? dir : ".", NULL);
    CPLFree(dir);
    /* "/a/b" and "/a/c/x.sqlite" -> "", "a", "b" and "", "a", "c", ... */
    gchar **d = g_strsplit(abs_dir, "/", -1);
    gchar **f = g_strsplit(abs_store, "/", -1);
    size_t n_d = g_strv_length(d), n_f = g_strv_length(f), common = 0;
    while (common < n_d && common + 1 < n_f &&
           strcmp(d[common], f[common]) == 0)
        common++;
    GString *rel = g_string_new(NULL);
    for (size_t i = common; i < n_d; i++)
        if (d[i][0] != '\0')
            g_string_append(rel, "../");
    if (rel->len == 0)
        g_string_append(rel, "./");
    for (size_t i = common; i < n_f; i++)
        g_string_append_printf(rel, "%s%s", f[i], i + 1 < n_f ? "/" : "");
    g_strfreev(d);
    g_strfreev(f);
    g_free(abs_store);
    g_free(abs_dir);
    return g_string_free(rel, FALSE);
}

static tob_status_t crs_xml(qgis_project_t *p, int srid, tob_error_t *err)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    char *wkt = NULL, *proj4 = NULL;
    const char *const wkt_opts[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", NULL};
    tob_status_t s = TOB_OK;
    if (srs == NULL || OSRImportFromEPSG(srs, srid) != OGRERR_NONE ||
        OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE ||
        OSRExportToProj4(srs, &proj4) != OGRERR_NONE) {
        s = tob_error_set(err, TOB_ERR_PROJ, "EPSG:%d: unknown CRS", srid);
    } else {
        GString *b = g_string_new("<spatialrefsys>\n<wkt>");
        qgis_xml_text(b, wkt);
        g_string_append(b, "</wkt>\n<proj4>");
        qgis_xml_text(b, proj4);
        g_string_append_printf(b,
                               "</proj4>\n<srid>%d</srid>\n"
                               "<authid>EPSG:%d</authid>\n<description>",
                               srid, srid);
        qgis_xml_text(b, OSRGetName(srs));
        g_string_append(b, "</description>\n<geographicflag>false"
                           "</geographicflag>\n</spatialrefsys>");
        p->crs = g_string_free(b, FALSE);
    }
    CPLFree(wkt);
    CPLFree(proj4);
    OSRDestroySpatialReference(srs);
    return s;
}

/* The project opens on the most detailed level (the one with the most
 * territories): a département loaded whole elsewhere, or an overseas one
 * in the same store, does not shrink the map to a dot. */
static tob_status_t read_extent(qgis_project_t *p, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(p->st,
                   "SELECT min(i.xmin), min(i.ymin), max(i.xmax),"
                   " max(i.ymax) FROM TOB_BOX_TABLE(territory) i"
                   " JOIN territory t ON t.id = i.pkid"
                   " WHERE t.level = (SELECT level FROM territory"
                   " GROUP BY level ORDER BY count(*) DESC LIMIT 1)",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    if (db_step(stmt) == DB_ROW && db_column_type(stmt, 0) != DB_NULL)
        for (int i = 0; i < 4; i++)
            p->extent[i] = db_column_double(stmt, i);
    db_finalize(stmt);
    return TOB_OK;
}

/* Outline layers of a level, one per vintage, the latest shown. */
static tob_status_t outline_layers(qgis_project_t *p, const char *level,
                                   const char *label, size_t rank,
                                   tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(p->st,
                                "SELECT DISTINCT vintage FROM"
                                " territory WHERE level = ?"
                                " ORDER BY vintage DESC",
                                &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, level);
    /* The smallest units in thin light grey, larger ones darker. */
    static const double widths[] = {0.5, 0.3, 0.15};
    static const tob_rgb_t strokes[] = {
        {40, 40, 40, 255}, {90, 90, 90, 255}, {150, 150, 150, 255}};
    qgis_renderer_t r = {.kind = QGIS_OUTLINE,
                         .fill = {0, 0, 0, 0},
                         .stroke = strokes[rank < 2 ? rank : 2],
                         .stroke_width = widths[rank < 2 ? rank : 2]};
    for (int first = 1; db_step(stmt) == DB_ROW; first = 0) {
        int vintage = db_column_int(stmt, 0);
        char name[QGIS_LABEL_MAX + 32], subset[32];
        snprintf(name, sizeof name, "%s %d", label, vintage);
        snprintf(subset, sizeof subset, "vintage = %d", vintage);
        qgis_layer_t layer = {name, level, subset, first, &r, 0};
        qgis_add_layer(p, &layer);
    }
    db_finalize(stmt);
    return TOB_OK;
}

typedef struct qgis_styles {
    tob_style_t **items;
    const char *const *paths;
    size_t n;
    unsigned char *used;
} qgis_styles_t;

/* One group: the styles of the level (only the project's first thematic
 * layer is shown), then the outlines. */
static tob_status_t level_group(qgis_project_t *p, qgis_styles_t *styles,
                                db_stmt_t *row, size_t rank, tob_error_t *err)
{
    const char *level = db_column_text(row, 0);
    const char *label = db_column_text(row, 1);
    int latest = db_column_int(row, 2);
    g_string_append(p->tree, "<layer-tree-group checked=\"Qt::Checked\""
                             " expanded=\"1\" name=\"");
    qgis_xml_text(p->tree, label);
    g_string_append(p->tree, "\">\n<customproperties/>\n");
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < styles->n; i++) {
        const tob_style_t *style = styles->items[i];
        if (style->level == NULL || strcmp(style->level, level) != 0)
            continue;
        styles->used[i] = 1;
        int vintage = style->vintage ? style->vintage : latest;
        s = qgis_add_style(p, style, styles->paths[i], vintage,
                           p->n_thematic == 0, err);
    }
    if (s == TOB_OK)
        s = outline_layers(p, level, label, rank, err);
    g_string_append(p->tree, "</layer-tree-group>\n");
    p->n_groups++;
    return s;
}

/* Points maps without a level (projects anywhere): a group of their own,
 * on top. */
static tob_status_t points_group(qgis_project_t *p, qgis_styles_t *styles,
                                 tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    int open = 0;
    for (size_t i = 0; s == TOB_OK && i < styles->n; i++) {
        if (styles->items[i]->level != NULL)
            continue;
        if (!open++)
            g_string_append(p->tree, "<layer-tree-group checked="
                                     "\"Qt::Checked\" expanded=\"1\""
                                     " name=\"Localisations\">\n"
                                     "<customproperties/>\n");
        styles->used[i] = 1;
        s = qgis_add_style(p, styles->items[i], styles->paths[i], 0,
                           p->n_thematic == 0, err);
    }
    if (open) {
        g_string_append(p->tree, "</layer-tree-group>\n");
        p->n_groups++;
    }
    return s;
}

/* Levels with territories, the fewest (largest) first: drawn on top. */
static tob_status_t level_groups(qgis_project_t *p, qgis_styles_t *styles,
                                 tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        p->st,
        "SELECT l.name, l.label, max(t.vintage), count(*) FROM level l"
        " JOIN territory t ON t.level = l.name WHERE l.spatial = 1"
        " GROUP BY l.name ORDER BY count(*), l.name",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    s = points_group(p, styles, err);
    int n_levels = 0;
    while (db_step(stmt) == DB_ROW)
        n_levels++;
    db_reset(stmt);
    for (int i = 0; s == TOB_OK && db_step(stmt) == DB_ROW; i++)
        s = level_group(p, styles, stmt, (size_t)(n_levels - 1 - i), err);
    db_finalize(stmt);
    for (size_t i = 0; s == TOB_OK && i < styles->n; i++)
        if (!styles->used[i])
            qgis_note(p, styles->paths[i], "no level '%s' in the store",
                      styles->items[i]->level);
    return s;
}

static void extent_xml(GString *b, const double *e)
{
    static const char *const names[] = {"xmin", "ymin", "xmax", "ymax"};
    char num[40];
    g_string_append(b, "<extent>\n");
    for (int i = 0; i < 4; i++)
        g_string_append_printf(b, "<%s>%s</%s>\n", names[i],
                               g_ascii_formatd(num, sizeof num, "%.3f", e[i]),
                               names[i]);
    g_string_append(b, "</extent>\n");
}

static GString *document(const qgis_project_t *p, const char *title)
{
    GString *b = g_string_new("<!DOCTYPE qgis PUBLIC "
                              "'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                              "<qgis version=\"3.22.0-Białowieża\" "
                              "projectname=\"");
    qgis_xml_text(b, title);
    g_string_append(b, "\">\n<homePath path=\"\"/>\n<title>");
    qgis_xml_text(b, title);
    g_string_append_printf(b, "</title>\n<projectCrs>%s</projectCrs>\n",
                           p->crs);
    g_string_append_printf(b,
                           "<layer-tree-group>\n<customproperties/>\n%s"
                           "<custom-order enabled=\"0\">\n%s</custom-order>\n"
                           "</layer-tree-group>\n",
                           p->tree->str, p->order->str);
    g_string_append(b, "<mapcanvas name=\"theMapCanvas\""
                       " annotationsVisible=\"1\">\n<units>meters</units>\n");
    extent_xml(b, p->extent);
    g_string_append_printf(b,
                           "<rotation>0</rotation>\n<destinationsrs>%s"
                           "</destinationsrs>\n</mapcanvas>\n",
                           p->crs);
    /* What QGIS and qgis_process open on (QgsProjectViewSettings). */
    char num[4][40];
    for (int i = 0; i < 4; i++)
        g_ascii_formatd(num[i], sizeof num[i], "%.3f", p->extent[i]);
    g_string_append_printf(b,
                           "<ProjectViewSettings UseProjectScales=\"0\">\n"
                           "<Scales/>\n<DefaultViewExtent xmin=\"%s\""
                           " ymin=\"%s\" xmax=\"%s\" ymax=\"%s\">%s"
                           "</DefaultViewExtent>\n</ProjectViewSettings>\n",
                           num[0], num[1], num[2], num[3], p->crs);
    g_string_append_printf(b, "<projectlayers>\n%s</projectlayers>\n",
                           p->layers->str);
    /* Relative paths: the project and its store travel together. */
    g_string_append(b, "<properties>\n<Paths>\n<Absolute type=\"bool\">"
                       "false</Absolute>\n</Paths>\n<SpatialRefSys>\n"
                       "<ProjectionsEnabled type=\"int\">1"
                       "</ProjectionsEnabled>\n</SpatialRefSys>\n"
                       "</properties>\n</qgis>\n");
    return b;
}

/* Written whole or not at all (base/afile.h). */
static tob_status_t write_file(const char *path, const GString *text,
                               tob_error_t *err)
{
    afile_t f;
    tob_status_t s = afile_begin(&f, path, err);
    if (s == TOB_OK)
        s = afile_fopen(&f, err);
    if (s == TOB_OK && fwrite(text->str, 1, text->len, f.fp) != text->len)
        s = afile_fail(&f, "cannot write the project", err);
    return afile_end(&f, s, err);
}

static tob_status_t check_path(const char *path, int force, tob_error_t *err)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strcasecmp(dot, ".qgs") != 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "'%s': the project must end in .qgs", path);
    if (!force && access(path, F_OK) == 0) {
        tob_error_set(err, TOB_ERR_EXISTS, "file exists; use --force");
        tob_error_at(err, path, 0, NULL);
        return TOB_ERR_EXISTS;
    }
    return TOB_OK;
}

static tob_status_t read_styles(qgis_styles_t *styles,
                                const tob_qgis_options_t *opts,
                                tob_error_t *err)
{
    styles->paths = opts->styles;
    styles->items = calloc(opts->n_styles + 1, sizeof *styles->items);
    styles->used = calloc(opts->n_styles + 1, 1);
    if (styles->items == NULL || styles->used == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    styles->n = opts->n_styles;
    for (size_t i = 0; i < styles->n; i++) {
        tob_status_t s =
            tob_style_read(opts->styles[i], NULL, 0, &styles->items[i], err);
        if (s != TOB_OK)
            return s;
    }
    return TOB_OK;
}

static tob_status_t build(qgis_project_t *p, qgis_styles_t *styles,
                          const char *path, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (tob_store_is_pg(p->st)) {
        /* The connection without its password: QGIS asks for it or
         * reads ~/.pgpass, PGPASSWORD or its authentication database. */
        char conninfo[2048];
        s = db_pg_conninfo(p->st, conninfo, sizeof conninfo, err);
        p->dbname = g_strdup(conninfo);
    } else
        p->dbname = relative_store(tob_store_path(p->st), path);
    if (s == TOB_OK)
        s = crs_xml(p, tob_store_srid(p->st), err);
    if (s == TOB_OK)
        s = read_extent(p, err);
    if (s == TOB_OK)
        s = level_groups(p, styles, err);
    if (s != TOB_OK)
        return s;
    char title[512];
    const char *store = tob_store_name(p->st);
    if (p->opts->title != NULL)
        snprintf(title, sizeof title, "%s", p->opts->title);
    else
        snprintf(title, sizeof title, "Observatoire (%s)", store);
    GString *doc = document(p, title);
    s = write_file(path, doc, err);
    g_string_free(doc, TRUE);
    return s;
}

tob_status_t tob_qgis_write(tob_store_t *st, const char *path,
                            const tob_qgis_options_t *opts,
                            tob_qgis_summary_t *summary, tob_error_t *err)
{
    static const tob_qgis_options_t defaults = {0};
    if (summary != NULL)
        memset(summary, 0, sizeof *summary);
    qgis_project_t p = {.st = st, .opts = opts ? opts : &defaults};
    qgis_styles_t styles = {0};
    tob_status_t s = check_path(path, p.opts->force, err);
    if (s == TOB_OK)
        s = read_styles(&styles, p.opts, err);
    p.tree = g_string_new(NULL);
    p.layers = g_string_new(NULL);
    p.order = g_string_new(NULL);
    if (s == TOB_OK)
        s = build(&p, &styles, path, err);
    if (s == TOB_OK && summary != NULL) {
        summary->n_groups = p.n_groups;
        summary->n_layers = p.n_layers;
        summary->n_thematic = p.n_thematic;
        summary->n_styles_left = p.n_left;
    }
    for (size_t i = 0; i < styles.n; i++)
        tob_style_destroy(styles.items[i]);
    free(styles.items);
    free(styles.used);
    g_string_free(p.tree, TRUE);
    g_string_free(p.layers, TRUE);
    g_string_free(p.order, TRUE);
    g_free(p.dbname);
    g_free(p.crs);
    return s;
}
