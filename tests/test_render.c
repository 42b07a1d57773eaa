/* test_render.c - maps rendered from a real store (Nord communes and EPCI,
 * Martinique communes) and read back: a commune's interior pixel has its
 * class colour, the world file places a point within a pixel, legend
 * counts add up, outputs are atomic, and the style's SQL cannot write. */
#include "map/render_internal.h"
#include "store/db.h"
#include "terrobs/load.h"
#include "terrobs/render.h"
#include "terrobs/style.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "testmap.h"
#include "testpng.h"

/* Nord communes and EPCI, Martinique communes (in Lambert-93 here, drawn
 * in their own CRS by the inset test); 'surface' = area in km2, missing
 * for three communes. */
static int setup(void **state)
{
    fixture_t *fx = fixture_create("render.sqlite");
    fixture_load(fx->st, "epci", "layers/data/epci-2026.geojson", "siren_epci",
                 "nom_epci", NULL, 0);
    fixture_load(fx->st, "commune", "layers/data/communes-59-nord.geojson",
                 "code", "nom", "siren_epci", 0);
    fixture_load(fx->st, "commune",
                 "layers/data/communes-972-martinique.geojson", "code", "nom",
                 "siren_epci", 1);
    fixture_exec(fx->st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('surface', 'Superficie', 'km²', 1)");
    fixture_exec(fx->st,
                 "INSERT INTO observation (territory, variable, year, value)"
                 " SELECT id, 'surface', 2021, area_m2 / 1e6 FROM territory"
                 " WHERE level = 'commune' AND code NOT IN"
                 " ('59001', '59002', '59003')");
    fixture_exec(fx->st,
                 "INSERT INTO observation (territory, variable, year, value)"
                 " SELECT e.id, 'surface', 2021, sum(c.area_m2) / 1e6"
                 " FROM territory e JOIN territory c ON c.parent_code ="
                 " e.code AND c.level = 'commune' WHERE e.level = 'epci'"
                 " GROUP BY e.id");
    *state = fx;
    return 0;
}

static tob_status_t render(fixture_t *fx, const char *style_text,
                           const char *out, tob_map_report_t *rep,
                           tob_error_t *err)
{
    tob_style_t *style = fixture_style(style_text);
    tob_render_options_t opts = {.today = "23/11/2026"};
    tob_error_clear(err);
    tob_status_t s = tob_render_file(out, style, fx->st, &opts, rep, err);
    tob_style_destroy(style);
    return s;
}

static void read_world(const char *png, double wf[6])
{
    char path[4200];
    snprintf(path, sizeof path, "%.*s.pgw", (int)(strlen(png) - 4), png);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    for (int i = 0; i < 6; i++)
        assert_int_equal(fscanf(fp, "%lf", &wf[i]), 1);
    fclose(fp);
}

/* The pixel holding map point (x, y), by the world file alone. */
static void world_to_pixel(const double wf[6], double x, double y, double *col,
                           double *row)
{
    *col = (x - wf[4]) / wf[0];
    *row = (y - wf[5]) / wf[3];
}

static void point_on_surface(fixture_t *fx, const char *code, double *x,
                             double *y, double *value)
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        db_prepare(fx->st,
                   "SELECT ST_X(p), ST_Y(p), o.value FROM (SELECT id,"
                   " ST_PointOnSurface(geom) AS p FROM territory"
                   " WHERE level = 'commune' AND code = ?1) t"
                   " LEFT JOIN observation o ON o.territory = t.id",
                   &stmt, &err),
        TOB_OK);
    db_bind_text_static(stmt, 1, code);
    assert_int_equal(db_step(stmt), DB_ROW);
    *x = db_column_double(stmt, 0);
    *y = db_column_double(stmt, 1);
    *value = db_column_double(stmt, 2);
    db_finalize(stmt);
}

static const char choropleth[] =
    "[map]\ntitle = Superficie des communes du Nord\nwidth = 900px\n"
    "height = 800px\ndpi = 150\nsource = IGN\n"
    "[data]\nlevel = commune\nfilter = code LIKE '59%'\n"
    "variable = surface\n"
    "[classes]\nmethod = quantile\nk = 5\npalette = Blues\n"
    "[layer.epci]\nlevel = epci\nfilter = code IN (SELECT parent_code FROM"
    " territory WHERE code LIKE '59%')\n";

static void test_pixel_has_class_colour(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "choro.png");
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, choropleth, out, &rep, &err), TOB_OK);
    double x, y, value, wf[6], col, row;
    point_on_surface(fx, "59350", &x, &y, &value); /* Lille */
    read_world(out, wf);
    world_to_pixel(wf, x, y, &col, &row);
    const tob_legend_entry_t *e = NULL;
    for (size_t i = 0; i < rep.n_entries && e == NULL; i++)
        if (!rep.entries[i].is_missing && value >= rep.entries[i].lower &&
            value <= rep.entries[i].upper)
            e = &rep.entries[i];
    assert_non_null(e);
    image_t img = read_png(out);
    assert_int_equal(img.w, 900);
    const unsigned char *px =
        img.rgb + ((size_t)lround(row) * img.w + (size_t)lround(col)) * 3;
    assert_int_equal(px[0], e->color.r);
    assert_int_equal(px[1], e->color.g);
    assert_int_equal(px[2], e->color.b);
    free(img.rgb);
}

/* Bands drawn by worker threads give the very pixels of one band. */
static void test_bands_draw_the_same_pixels(void **state)
{
    fixture_t *fx = *state;
    tob_style_t *style = fixture_style(choropleth);
    char one[4096], many[4096];
    tob_test_path(one, sizeof one, "one.png");
    tob_test_path(many, sizeof many, "many.png");
    tob_render_options_t o1 = {.today = "23/11/2026", .threads = 1},
                         o5 = {.today = "23/11/2026", .threads = 5};
    tob_map_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_render_file(one, style, fx->st, &o1, &rep, &err),
                     TOB_OK);
    assert_int_equal(tob_render_file(many, style, fx->st, &o5, &rep, &err),
                     TOB_OK);
    tob_style_destroy(style);
    image_t a = read_png(one), b = read_png(many);
    assert_int_equal(a.w, b.w);
    assert_memory_equal(a.rgb, b.rgb, (size_t)a.w * a.h * 3);
    free(a.rgb);
    free(b.rgb);
}

static void test_legend_counts_add_up(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "counts.png");
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, choropleth, out, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_features, 647);
    assert_int_equal(rep.n_missing, 3);
    size_t sum = 0;
    for (size_t i = 0; i < rep.n_entries; i++)
        sum += rep.entries[i].count;
    assert_int_equal(sum, rep.n_features);
    const tob_legend_entry_t *last = &rep.entries[rep.n_entries - 1];
    assert_true(last->is_missing);
    assert_int_equal(last->count, 3);
    assert_string_equal(last->label, "Données non disponibles");
    assert_int_equal(rep.n_entries, 6); /* 5 classes + no data */
    /* French bounds, one decimal from the variable: "0,9 – 3,5" */
    assert_non_null(strchr(rep.entries[0].label, ','));
    assert_non_null(strstr(rep.entries[0].label, " – "));
    for (size_t i = 1; i < 5; i++)
        assert_true(rep.entries[i].lower == rep.entries[i - 1].upper);
}

/* One magenta point at a known place: the centre of its pixels must be
 * where the world file says, within a pixel; GDAL must read the same
 * georeferencing and the CRS. */
static void test_world_file_places_point(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "point.png");
    const char *style =
        "[map]\nwidth = 700px\nheight = 600px\nscalebar = none\n"
        "north = none\n[legend]\nposition = none\n"
        "[data]\nkind = points\nlevel = commune\nfilter = code LIKE '59%'\n"
        "sql = SELECT MakePoint(704123.0, 7058456.0, 2154) AS geom,"
        " 'p' AS category\n"
        "[polygons]\nfill = white\nstroke = none\n"
        "[symbols]\nsize = 2\nstroke = none\n"
        "[categories]\np = #ff00ff\n";
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &rep, &err), TOB_OK);
    image_t img = read_png(out);
    double sx = 0, sy = 0, n = 0, wf[6], col, row;
    for (png_uint_32 y = 0; y < img.h; y++)
        for (png_uint_32 x = 0; x < img.w; x++) {
            const unsigned char *p = img.rgb + ((size_t)y * img.w + x) * 3;
            if (p[0] == 255 && p[1] == 0 && p[2] == 255)
                sx += x, sy += y, n++;
        }
    free(img.rgb);
    assert_true(n > 20);
    read_world(out, wf);
    world_to_pixel(wf, 704123.0, 7058456.0, &col, &row);
    assert_true(fabs(sx / n - col) <= 1.0);
    assert_true(fabs(sy / n - row) <= 1.0);
    GDALDatasetH ds = GDALOpen(out, GA_ReadOnly);
    assert_non_null(ds);
    double gt[6];
    assert_int_equal(GDALGetGeoTransform(ds, gt), CE_None);
    for (int i = 0; i < 6; i++)
        assert_true(fabs(gt[i] - rep.geotransform[i]) < 1e-6);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(GDALGetProjectionRef(ds));
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "2154");
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

static void test_proportional_circles(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "prop.png");
    const char *style =
        "[map]\nwidth = 800px\nheight = 700px\n"
        "[data]\nkind = proportional\nlevel = epci\n"
        "filter = code IN (SELECT parent_code FROM territory WHERE code LIKE"
        " '59%')\nvariable = surface\n"
        "[symbols]\nfill = #0000ff\nmax_radius = 8\n"
        "[layer.communes]\nlevel = commune\nfilter = code LIKE '59%'\n"
        "stroke = #bbbbbb\nstroke_width = 0.1\nbelow = yes\n"
        "[labels]\npriority = value\n";
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_features, 17); /* the EPCI of the Nord */
    assert_int_equal(rep.n_missing, 0);
    /* reference circles: the largest value, and round values below */
    assert_int_equal(rep.n_entries, 3);
    assert_true(rep.entries[0].upper > rep.entries[1].upper);
    assert_true(rep.entries[1].upper > rep.entries[2].upper);
    double m =
        rep.entries[2].upper / pow(10, floor(log10(rep.entries[2].upper)));
    assert_true(m == 1 || m == 2 || m == 5);
    assert_true(rep.n_labels > 0);
}

static void test_typology_from_expression(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "typo.png");
    const char *style =
        "[map]\nwidth = 700px\nheight = 600px\n"
        "[data]\nkind = typology\nlevel = epci\n"
        "filter = code IN (SELECT parent_code FROM territory WHERE code LIKE"
        " '59%')\n"
        "expression = CASE substr(name, 1, 2) WHEN 'CA' THEN 'CA'"
        " WHEN 'CC' THEN 'CC' ELSE NULL END\n"
        "[categories]\nCA = #1b9e77, Communauté d'agglomération\n"
        "CC = #d95f02, Communauté de communes\n";
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &rep, &err), TOB_OK);
    assert_string_equal(rep.entries[0].label, "Communauté d'agglomération");
    assert_string_equal(rep.entries[1].label, "Communauté de communes");
    /* the MEL (Métropole) and the CU de Dunkerque have no category */
    assert_true(rep.entries[rep.n_entries - 1].is_missing);
    assert_int_equal(rep.n_missing, 2);
    size_t sum = 0;
    for (size_t i = 0; i < rep.n_entries; i++)
        sum += rep.entries[i].count;
    assert_int_equal(sum, 17);
}

/* Martinique in its own CRS (EPSG:5490) in a box on a Nord map. */
static void test_inset_in_own_crs(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "inset.svg");
    const char *style =
        "[map]\nwidth = 800px\nheight = 700px\n"
        "[data]\nlevel = commune\nvariable = surface\n"
        "filter = code LIKE '59%' OR code LIKE '972%'\n"
        "[inset.mq]\nfilter = code LIKE '972%'\ncrs = EPSG:5490\n"
        "title = Martinique\nposition = top-left\n";
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_features, 647 + 34);
    assert_int_equal(rep.srid, 2154);
    /* the main map is not stretched to the Caribbean */
    /* ~470 m per point for the Nord; ~18 km if it held the Caribbean */
    assert_true(rep.geotransform[1] < 1000);
}

/* An extent reads only what it shows, through the R*Tree. */
static void test_extent_reads_what_it_shows(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "extent.png");
    const char *style = "[map]\nwidth = 600px\nheight = 500px\n"
                        "extent = 695000, 7050000, 715000, 7068000\n"
                        "[data]\nlevel = commune\nvariable = surface\n"
                        "filter = code LIKE '59%'\n";
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &rep, &err), TOB_OK);
    assert_true(rep.n_features > 20 && rep.n_features < 200);
    assert_true(fabs(rep.geotransform[0] - 695000) < 3000);
}

static void test_svg_and_pdf_keep_text(void **state)
{
    fixture_t *fx = *state;
    char svg[4096], pdf[4096];
    tob_test_path(svg, sizeof svg, "map.svg");
    tob_test_path(pdf, sizeof pdf, "map.pdf");
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, choropleth, svg, &rep, &err), TOB_OK);
    assert_int_equal(render(fx, choropleth, pdf, &rep, &err), TOB_OK);
    FILE *fp = fopen(svg, "rb");
    assert_non_null(fp);
    static char text[8 << 20];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    assert_non_null(strstr(text, ">Superficie des communes du Nord</text>"));
    assert_non_null(strstr(text, ">Données non disponibles</text>"));
    assert_non_null(strstr(text, "</svg>"));
    fp = fopen(pdf, "rb");
    assert_non_null(fp);
    n = fread(text, 1, 5, fp);
    fclose(fp);
    assert_memory_equal(text, "%PDF-", 5);
}

/* The carnet's entry point: the map stays in its rectangle. */
static void test_render_to_cairo_rectangle(void **state)
{
    fixture_t *fx = *state;
    tob_style_t *style = fixture_style(choropleth);
    cairo_surface_t *surf =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 500, 400);
    cairo_t *cr = cairo_create(surf);
    tob_render_options_t opts = {.today = "23/11/2026", .units_per_mm = 2.0};
    tob_map_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_render_to_cairo(cr, 50, 60, 400, 300, style, fx->st,
                                         &opts, &rep, &err),
                     TOB_OK);
    cairo_surface_flush(surf);
    const unsigned char *data = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    const uint32_t *outside =
        (const uint32_t *)(const void *)(data + 10 * stride);
    const uint32_t *inside =
        (const uint32_t *)(const void *)(data + 200 * stride);
    assert_int_equal(outside[10] >> 24, 0);   /* untouched: transparent */
    assert_int_equal(inside[250] >> 24, 255); /* the map's white page */
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    /* A scaled context is drawn through Cairo paths, not pixels: the map
     * lands in the scaled rectangle, the rest stays untouched. */
    cairo_surface_t *surf2 =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 500, 400);
    cairo_t *cr2 = cairo_create(surf2);
    cairo_scale(cr2, 0.5, 0.5);
    assert_int_equal(tob_render_to_cairo(cr2, 0, 0, 800, 600, style, fx->st,
                                         &opts, &rep, &err),
                     TOB_OK);
    cairo_surface_flush(surf2);
    data = cairo_image_surface_get_data(surf2);
    stride = cairo_image_surface_get_stride(surf2);
    inside = (const uint32_t *)(const void *)(data + 150 * stride);
    outside = (const uint32_t *)(const void *)(data + 350 * stride);
    assert_int_equal(inside[200] >> 24, 255);
    assert_int_equal(outside[450] >> 24, 0);
    cairo_destroy(cr2);
    cairo_surface_destroy(surf2);
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    tob_style_destroy(style);
}

static long long count_rows(fixture_t *fx, const char *sql)
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    long long n = db_column_int64(stmt, 0);
    db_finalize(stmt);
    return n;
}

/* Runs sql under the guard as render does; returns the message. */
static tob_status_t guarded(fixture_t *fx, const char *sql, char *msg,
                            size_t size)
{
    render_t r;
    memset(&r, 0, sizeof r);
    r.st = fx->st;
    tob_error_t err;
    tob_error_clear(&err);
    db_stmt_t *stmt = NULL;
    render_guard(&r, 1);
    tob_status_t s = render_prepare_user(&r, sql, &stmt, &err);
    int rc = DB_ROW;
    while (s == TOB_OK &&
           (s = render_step_user(&r, stmt, &rc, &err)) == TOB_OK &&
           rc == DB_ROW)
        ;
    db_finalize(stmt);
    render_guard(&r, 0);
    snprintf(msg, size, "%s", err.message);
    return s;
}

/* A query that never ends stops at its budget, naming the key that
 * raises it; the same guard then runs a sound query. */
static void test_sql_guard_budget(void **state)
{
    fixture_t *fx = *state;
    sql_guard_t g;
    memset(&g, 0, sizeof g);
    g.budget_s = 0.2;
    g.budget_key = "data.timeout";
    const char *endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL"
                          " SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0";
    for (int run = 0; run < 2; run++) {
        tob_error_t err;
        tob_error_clear(&err);
        db_stmt_t *stmt = NULL;
        sql_guard_on(fx->st, &g);
        assert_int_equal(sql_guard_prepare(fx->st, &g,
                                           run ? "SELECT count(*) FROM"
                                                 " territory"
                                               : endless,
                                           &stmt, NULL, &err),
                         TOB_OK);
        int rc = db_step(stmt);
        if (run == 0) {
            assert_int_not_equal(rc, DB_ROW);
            assert_int_equal(sql_guard_error(fx->st, &g, &err), TOB_ERR_INPUT);
            assert_non_null(strstr(err.message, "ran longer than its "
                                                "budget of 0.2 s"));
            assert_string_equal(err.field, "data.timeout");
        } else {
            assert_int_equal(rc, DB_ROW);
            assert_int_equal(g.over_budget, 0);
        }
        db_finalize(stmt);
        sql_guard_off(fx->st);
    }
}

/* Each kind of write is refused, by name, and the store is unchanged. */
static void test_sql_guard_refuses_writes(void **state)
{
    fixture_t *fx = *state;
    char attached[4096], msg[1024];
    tob_test_path(attached, sizeof attached, "other.sqlite");
    static const struct {
        const char *sql, *want;
    } cases[] = {
        {"ATTACH DATABASE 'other.sqlite' AS other", "ATTACH"},
        {"DELETE FROM observation", "DELETE from observation"},
        {"INSERT INTO variable (name, label) VALUES ('x', 'x')",
         "INSERT into variable"},
        {"UPDATE territory SET name = 'x'", "UPDATE of territory"},
        {"CREATE TABLE x (a)", "not allowed"},
        {"DROP TABLE observation", "not allowed"},
        {"PRAGMA user_version = 7", "PRAGMA user_version = 7"},
        {"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE"},
        {"SELECT load_extension('mod_spatialite')", "load_extension"},
        {"SELECT BlobToFile(x'00', '/tmp/terrobs-guard')", "BlobToFile"},
        {"SELECT ExportGeoJSON2('territory', 'geom', '/tmp/x.json')",
         "ExportGeoJSON2"},
        /* SpatiaLite functions that write are caught on the statements
         * they prepare inside */
        {"SELECT DropTable(NULL, 'observation')", "not allowed"},
        /* may report failure as a 0 rather than an error: it must still
         * change nothing (checked below) */
        {"SELECT DisableSpatialIndex('territory', 'geom')", NULL},
        {"SELECT CreateSpatialIndex('territory', 'geom')", NULL},
    };
    long long before = count_rows(fx, "SELECT count(*) FROM observation") +
                       count_rows(fx, "SELECT count(*) FROM sqlite_master");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tob_status_t s = guarded(fx, cases[i].sql, msg, sizeof msg);
        if (cases[i].want != NULL &&
            (s == TOB_OK || strstr(msg, cases[i].want) == NULL))
            fail_msg("%s: status %d, message '%s'", cases[i].sql, s, msg);
    }
    assert_int_equal(count_rows(fx, "SELECT spatial_index_enabled FROM"
                                    " geometry_columns WHERE f_table_name ="
                                    " 'territory'"),
                     1);
    long long after = count_rows(fx, "SELECT count(*) FROM observation") +
                      count_rows(fx, "SELECT count(*) FROM sqlite_master");
    assert_int_equal(before, after);
    assert_int_equal(count_rows(fx, "PRAGMA user_version"),
                     TOB_STORE_SCHEMA_VERSION);
    /* reads pass: subqueries, CTEs, read-only PRAGMAs */
    assert_int_equal(guarded(fx,
                             "WITH c AS (SELECT code FROM territory)"
                             " SELECT count(*) FROM c",
                             msg, sizeof msg),
                     TOB_OK);
    assert_int_equal(guarded(fx, "PRAGMA user_version", msg, sizeof msg),
                     TOB_OK);
}

/* Through a style: a second statement, a writing function. */
static void test_style_sql_is_read_only(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "evil.png");
    tob_map_report_t rep;
    tob_error_t err;
    const char *second = "[data]\nlevel = commune\nvariable = surface\n"
                         "filter = 1); DELETE FROM observation; SELECT (1\n";
    long long before = count_rows(fx, "SELECT count(*) FROM observation");
    assert_int_equal(render(fx, second, out, &rep, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "one read-only"));
    assert_string_equal(err.source, "t.style");
    const char *writer = "[data]\nlevel = commune\n"
                         "expression = DropTable(NULL, 'observation')\n";
    assert_int_equal(render(fx, writer, out, &rep, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "may only read"));
    assert_int_equal(count_rows(fx, "SELECT count(*) FROM observation"),
                     before);
    assert_int_equal(access(out, F_OK), -1); /* nothing written */
}

static void test_errors(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "err.png");
    tob_map_report_t rep;
    tob_error_t err;
    static const struct {
        const char *style;
        tob_status_t status;
        const char *want;
    } cases[] = {
        {"[data]\nlevel = canton\nvariable = surface\n", TOB_ERR_NOTFOUND,
         "level 'canton' has no territory"},
        {"[data]\nlevel = commune\nvariable = revenu\n", TOB_ERR_NOTFOUND,
         "variable 'revenu' is not in the store"},
        {"[data]\nlevel = commune\nvintage = 2019\nvariable = surface\n",
         TOB_ERR_NOTFOUND, "no vintage 2019 (latest: 2026)"},
        {"[data]\nlevel = commune\nexpression = name\n", TOB_ERR_INPUT,
         "needs numbers"},
        {"[data]\nlevel = commune\nvariable = surface\nfilter = code = 'x'\n",
         TOB_ERR_INPUT, "matches the filter"},
        {"[data]\nlevel = commune\nexpression = surface +\n", TOB_ERR_INPUT,
         "the style's SQL fails"},
        {"[data]\nlevel = commune\nvariable = surface\n[inset.x]\n"
         "filter = code = 'none'\n",
         TOB_ERR_INPUT, "inset x: no territory"},
        {"[data]\nlevel = commune\nvariable = surface\n[map]\ncrs = 999999\n",
         TOB_ERR_PROJ, "EPSG:999999"},
        {"[data]\nlevel = commune\nvariable = surface\n[map]\ncrs = 4326\n",
         TOB_ERR_PROJ, "EPSG:4326 is not a projected CRS"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tob_status_t s = render(fx, cases[i].style, out, &rep, &err);
        if (s != cases[i].status || strstr(err.message, cases[i].want) == NULL)
            fail_msg("case %zu: status %d, message '%s'", i, s, err.message);
    }
    assert_int_equal(render(fx, choropleth, "/tmp/x.gif", &rep, &err),
                     TOB_ERR_ARG);
}

/* A failed write leaves no file; a good one replaces the old map. */
static void test_atomic_output(void **state)
{
    fixture_t *fx = *state;
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(
        render(fx, choropleth, "/nonexistent/dir/m.png", &rep, &err),
        TOB_ERR_IO);
    char out[4096], tmp[4200];
    tob_test_path(out, sizeof out, "atomic.pdf");
    FILE *fp = fopen(out, "w");
    fputs("old", fp);
    fclose(fp);
    assert_int_equal(render(fx, choropleth, out, &rep, &err), TOB_OK);
    snprintf(tmp, sizeof tmp, "%.*s.tmp.pdf", (int)strlen(out) - 4, out);
    assert_int_equal(access(tmp, F_OK), -1);
    fp = fopen(out, "rb");
    char head[5];
    assert_int_equal(fread(head, 1, 5, fp), 5);
    fclose(fp);
    assert_memory_equal(head, "%PDF-", 5);
}

/* The image data deflated on several threads is one zlib stream (header,
 * pieces, Adler-32 checked by uncompress()) holding every row, filter
 * byte 0 then RGB, translucent pixels unpremultiplied. */
static void test_png_pieces_make_one_stream(void **state)
{
    (void)state;
    enum {
        W = 257,
        H = 301
    }; /* 4 pieces of rows */
    static uint32_t px[W * H];
    static unsigned char want[H * (1 + 3 * W)], got[H * (1 + 3 * W)];
    uint32_t seed = 12345;
    for (int i = 0; i < W * H; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned v = (seed >> 8) & 0xffffff;
        /* runs of one colour as on a map, some pixels at alpha 128 */
        px[i] = (i % 7 == 0 ? 0x80000000u | (v & 0x7f7f7f) : 0xff000000u | v);
        if (i % 5 != 0 && i > 0)
            px[i] = px[i - 1];
    }
    for (int y = 0; y < H; y++) {
        unsigned char *row = want + (size_t)y * (1 + 3 * W);
        row[0] = 0;
        for (int x = 0; x < W; x++) {
            uint32_t p = px[y * W + x];
            unsigned a = p >> 24,
                     c[3] = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
            for (int k = 0; k < 3; k++)
                row[1 + 3 * x + k] =
                    (unsigned char)(a == 255 ? c[k] : c[k] * 255 / a);
        }
    }
    unsigned char *z = NULL;
    size_t z_len = 0;
    assert_int_equal(
        png_deflate_rows((const unsigned char *)px, 4 * W, W, H, 3, &z, &z_len),
        0);
    uLongf n = sizeof got;
    assert_int_equal(uncompress(got, &n, z, (uLong)z_len), Z_OK);
    assert_int_equal(n, sizeof want);
    assert_memory_equal(got, want, sizeof want);
    /* the same bytes on another run (and on any machine) */
    unsigned char *again = NULL;
    size_t again_len = 0;
    assert_int_equal(png_deflate_rows((const unsigned char *)px, 4 * W, W, H, 3,
                                      &again, &again_len),
                     0);
    assert_int_equal(again_len, z_len);
    assert_memory_equal(again, z, z_len);
    free(z);
    free(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pixel_has_class_colour),
        cmocka_unit_test(test_bands_draw_the_same_pixels),
        cmocka_unit_test(test_legend_counts_add_up),
        cmocka_unit_test(test_world_file_places_point),
        cmocka_unit_test(test_proportional_circles),
        cmocka_unit_test(test_typology_from_expression),
        cmocka_unit_test(test_inset_in_own_crs),
        cmocka_unit_test(test_extent_reads_what_it_shows),
        cmocka_unit_test(test_svg_and_pdf_keep_text),
        cmocka_unit_test(test_render_to_cairo_rectangle),
        cmocka_unit_test(test_sql_guard_refuses_writes),
        cmocka_unit_test(test_sql_guard_budget),
        cmocka_unit_test(test_style_sql_is_read_only),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_atomic_output),
        cmocka_unit_test(test_png_pieces_make_one_stream),
    };
    return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
