/* test_cartography.c - the methods beyond choropleths and circles, each
 * checked against a value the test computes itself: label placement of
 * proportional symbols on the Pas-de-Calais EPCI populations (circles,
 * polygons and leaders measured with SpatiaLite); circles coloured by a
 * second variable (prop_choro, prop_typo) and the bivariate choropleth on
 * the Nord communes, read back from the PNG's pixels against classes the
 * test computes itself. */
#include "map/style_model.h"
#include "store/db.h"
#include "terrobs/indicators.h"
#include "terrobs/load.h"
#include "terrobs/palette.h"
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
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#include "testmap.h"
#include "testpng.h"

/* population of tests/data/pdc/epci-62-population.csv ("siren",name,"n"):
 * 19 EPCI; CC Flandre Lys has no row (half its communes are in the Nord). */
static void import_population(tob_store_t *st)
{
    char path[4096];
    tob_test_src(path, sizeof path, "tests/data/pdc/epci-62-population.csv");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[512];
    int n = 0;
    fixture_exec(st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('population', 'Population municipale', 'habitants', 0)");
    assert_non_null(fgets(line, sizeof line, fp)); /* header */
    while (fgets(line, sizeof line, fp) != NULL) {
        char code[16];
        const char *last = strrchr(line, ',');
        assert_int_equal(sscanf(line, "\"%9[0-9]\"", code), 1);
        assert_non_null(last);
        long value = strtol(last + 2, NULL, 10);
        char sql[512];
        snprintf(sql, sizeof sql,
                 "INSERT INTO observation (territory, variable, year, value)"
                 " SELECT id, 'population', 2021, %ld FROM territory WHERE"
                 " level = 'epci' AND code = '%s'",
                 value, code);
        fixture_exec(st, sql);
        n++;
    }
    fclose(fp);
    assert_int_equal(n, 19);
}

static int setup(void **state)
{
    fixture_t *fx = fixture_create("cartography.sqlite");
    fixture_load(fx->st, "epci", "tests/data/pdc/epci-62.geojson", "siren_epci",
                 "nom_epci", NULL, 0);
    import_population(fx->st);
    fixture_load(fx->st, "commune", "layers/data/communes-59-nord.geojson",
                 "code", "nom", NULL, 0);
    fixture_indicators(fx->st);
    *state = fx;
    return 0;
}

static tob_status_t render(fixture_t *fx, const char *text, const char *out,
                           tob_render_options_t *opts, tob_map_report_t *rep,
                           tob_error_t *err)
{
    tob_style_t *style = fixture_style(text);
    tob_error_clear(err);
    opts->today = "23/11/2026";
    tob_status_t s = tob_render_file(out, style, fx->st, opts, rep, err);
    tob_style_destroy(style);
    return s;
}

/* ---- labels of proportional symbols ---------------------------------- */

#define MAX_EPCI 32
#define DPI 150.0
#define MAX_RADIUS 14.0 /* mm */

typedef struct circle {
    char code[16];
    double x, y, r; /* pixels; r = 0: no value */
} circle_t;

/* Each EPCI's circle computed here: anchor = centroid if inside, else
 * point on surface (SpatiaLite), radius = max_radius * sqrt(v / max). */
static size_t circles_of(fixture_t *fx, const double gt[6], circle_t *c)
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        db_prepare(fx->st,
                   "SELECT code, CASE WHEN ST_Contains(geom, ST_Centroid(geom))"
                   " THEN ST_X(ST_Centroid(geom)) ELSE"
                   " ST_X(ST_PointOnSurface(geom)) END, CASE WHEN"
                   " ST_Contains(geom, ST_Centroid(geom)) THEN"
                   " ST_Y(ST_Centroid(geom)) ELSE"
                   " ST_Y(ST_PointOnSurface(geom)) END, o.value,"
                   " (SELECT max(value) FROM observation) FROM territory t"
                   " LEFT JOIN observation o ON o.territory = t.id"
                   " WHERE t.level = 'epci'",
                   &stmt, &err),
        TOB_OK);
    size_t n = 0;
    while (db_step(stmt) == DB_ROW && n < MAX_EPCI) {
        circle_t *k = &c[n++];
        snprintf(k->code, sizeof k->code, "%s", db_column_text(stmt, 0));
        k->x = (db_column_double(stmt, 1) - gt[0]) / gt[1];
        k->y = (db_column_double(stmt, 2) - gt[3]) / gt[5];
        k->r = db_column_type(stmt, 3) == DB_NULL
                   ? 0
                   : MAX_RADIUS * DPI / 25.4 *
                         sqrt(db_column_double(stmt, 3) /
                              db_column_double(stmt, 4));
    }
    db_finalize(stmt);
    return n;
}

static double box_distance(const double *b, double x, double y)
{
    double dx = fmax(fmax(b[0] - x, 0), x - b[2]);
    double dy = fmax(fmax(b[1] - y, 0), y - b[3]);
    return hypot(dx, dy);
}

/* Territories other than code whose polygon holds page point (px, py). */
static int others_at(fixture_t *fx, const double gt[6], const char *code,
                     double px, double py)
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st,
                                "SELECT count(*) FROM territory WHERE level ="
                                " 'epci' AND code <> ?1 AND ST_Contains(geom,"
                                " MakePoint(?2, ?3, 2154))",
                                &stmt, &err),
                     TOB_OK);
    db_bind_text_static(stmt, 1, code);
    db_bind_double(stmt, 2, gt[0] + px * gt[1]);
    db_bind_double(stmt, 3, gt[3] + py * gt[5]);
    assert_int_equal(db_step(stmt), DB_ROW);
    int n = db_column_int(stmt, 0);
    db_finalize(stmt);
    return n;
}

static const circle_t *find_circle(const circle_t *c, size_t n,
                                   const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].code, code) == 0)
            return &c[i];
    fail_msg("no circle for %s", code);
    return NULL;
}

/* One label: on its own circle, beside it (within the 0.8 mm gap and the
 * halo) or joined by a leader of at most 11 mm; over no other circle, its
 * centre on no other territory unless on its own circle; off the legend. */
static void check_label(fixture_t *fx, const tob_map_report_t *rep,
                        const tob_map_label_t *l, const circle_t *c, size_t n)
{
    const double mm = DPI / 25.4;
    const circle_t *own = find_circle(c, n, l->code);
    assert_true(fabs(l->cx - own->x) < 1 && fabs(l->cy - own->y) < 1);
    assert_true(fabs(l->radius - own->r) < 1);
    double d = box_distance(l->box, own->x, own->y);
    if (l->leader) {
        double len = hypot(l->leader_xy[2] - l->leader_xy[0],
                           l->leader_xy[3] - l->leader_xy[1]);
        assert_true(len <= 11 * mm);
        assert_true(
            fabs(hypot(l->leader_xy[0] - own->x, l->leader_xy[1] - own->y) -
                 own->r) < 1);
        assert_true(box_distance(l->box, l->leader_xy[2], l->leader_xy[3]) < 1);
    } else if (d > own->r + 1.0 * mm) {
        fail_msg("label of %s is %.1f mm from its circle, with no leader",
                 l->code, (d - own->r) / mm);
    }
    for (size_t i = 0; i < n; i++)
        if (&c[i] != own && c[i].r > 0 &&
            box_distance(l->box, c[i].x, c[i].y) < c[i].r - 0.5)
            fail_msg("label of %s covers the circle of %s", l->code, c[i].code);
    double mx = (l->box[0] + l->box[2]) / 2, my = (l->box[1] + l->box[3]) / 2;
    if (hypot(mx - own->x, my - own->y) > own->r &&
        others_at(fx, rep->geotransform, l->code, mx, my) > 0)
        fail_msg("label of %s sits on another territory", l->code);
    const double *lb = rep->legend_box;
    assert_false(l->box[0] < lb[2] && lb[0] < l->box[2] && l->box[1] < lb[3] &&
                 lb[1] < l->box[3]);
}

static const char pdc_population[] =
    "[map]\ntitle = Population des intercommunalités du Pas-de-Calais\n"
    "width = 1600px\nheight = 1200px\ndpi = 150\nnorth = none\n"
    "[data]\nkind = proportional\nlevel = epci\nvariable = population\n"
    "[symbols]\nmax_radius = 14\n"
    "[polygons]\nstroke = #888888\n"
    "[legend]\nposition = top-right\n"
    "[labels]\npriority = value\nmin_size = 0\nfont_size = 6.5\n";

static void test_labels_belong_to_their_circles(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "pdc-labels.png");
    tob_map_label_t labels[MAX_EPCI];
    tob_render_options_t opts = {.labels = labels, .labels_cap = MAX_EPCI};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, pdc_population, out, &opts, &rep, &err),
                     TOB_OK);
    assert_int_equal(rep.n_features, 20);
    assert_int_equal(rep.n_missing, 1); /* CC Flandre Lys */
    circle_t c[MAX_EPCI];
    size_t n = circles_of(fx, rep.geotransform, c);
    assert_int_equal(n, 20);
    /* Every EPCI keeps its label, the two of the issue among them. */
    assert_int_equal(rep.n_labels, 20);
    int bethune = 0, lens = 0;
    for (size_t i = 0; i < rep.n_labels; i++) {
        check_label(fx, &rep, &labels[i], c, n);
        bethune |= strcmp(labels[i].code, "200072460") == 0;
        lens |= strcmp(labels[i].code, "246200364") == 0;
    }
    assert_true(bethune && lens);
}

/* symbols.overlap = no: no two circles overlap, each stays near its place
 * (within its radius plus the largest one), and those that overlapped in
 * place (CA de Lens - Liévin and CA d'Hénin-Carvin) moved. */
static void test_dorling_circles_do_not_overlap(void **state)
{
    fixture_t *fx = *state;
    char out[4096], text[1024];
    tob_test_path(out, sizeof out, "pdc-dorling.png");
    snprintf(text, sizeof text, "%s[symbols]\noverlap = no\n", pdc_population);
    tob_map_label_t labels[MAX_EPCI];
    tob_render_options_t opts = {.labels = labels, .labels_cap = MAX_EPCI};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, text, out, &opts, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_labels, 20); /* 19 circles and CC Flandre Lys */
    circle_t c[MAX_EPCI];
    size_t n = circles_of(fx, rep.geotransform, c);
    const double big = MAX_RADIUS * DPI / 25.4;
    double moved = 0;
    for (size_t i = 0; i < rep.n_labels; i++) {
        const tob_map_label_t *a = &labels[i];
        const circle_t *own = find_circle(c, n, a->code);
        if (own->r == 0)
            continue; /* no value, no circle */
        assert_true(fabs(a->radius - own->r) < 1);
        double d = hypot(a->cx - own->x, a->cy - own->y);
        assert_true(d <= own->r + big);
        moved = fmax(moved, d);
        for (size_t j = i + 1; j < rep.n_labels; j++) {
            const tob_map_label_t *b = &labels[j];
            if (b->radius == 0)
                continue;
            if (hypot(a->cx - b->cx, a->cy - b->cy) <
                a->radius + b->radius - 0.5)
                fail_msg("circles of %s and %s overlap", a->code, b->code);
        }
    }
    const circle_t *lens = find_circle(c, n, "246200364");
    const circle_t *henin = find_circle(c, n, "246200299");
    assert_true(hypot(lens->x - henin->x, lens->y - henin->y) <
                lens->r + henin->r - 10);
    assert_true(moved > 5);
}

/* ---- colours read back ------------------------------------------------ */

/* The pixel of map point (x, y) is colour c (within 2 per channel). */
static int pixel_is(const image_t *img, const double gt[6], double x, double y,
                    tob_rgb_t c)
{
    long col = lround((x - gt[0]) / gt[1] - 0.5);
    long row = lround((y - gt[3]) / gt[5] - 0.5);
    assert_true(col >= 0 && row >= 0 && col < (long)img->w &&
                row < (long)img->h);
    const unsigned char *p = img->rgb + ((size_t)row * img->w + col) * 3;
    return abs(p[0] - c.r) <= 2 && abs(p[1] - c.g) <= 2 && abs(p[2] - c.b) <= 2;
}

/* A commune's point on surface, area, population and unemployment rate,
 * from the store's observations. */
typedef struct commune {
    char code[8];
    double x, y, area_km2, population, rate;
} commune_t;

static size_t communes_of(fixture_t *fx, const char *where, commune_t *out,
                          size_t cap)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT t.code, ST_X(ST_PointOnSurface(t.geom)),"
             " ST_Y(ST_PointOnSurface(t.geom)), t.area_m2 / 1e6, p.value,"
             " 100.0 * c.value / a.value FROM territory t"
             " JOIN observation p ON p.territory = t.id AND p.variable ="
             " 'population_2021'"
             " JOIN observation c ON c.territory = t.id AND c.variable ="
             " 'pop_15_64_chomage_2021'"
             " JOIN observation a ON a.territory = t.id AND a.variable ="
             " 'pop_15_64_active_2021' WHERE t.level = 'commune' AND %s"
             " ORDER BY t.code",
             where);
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    size_t n = 0;
    while (db_step(stmt) == DB_ROW && n < cap) {
        commune_t *c = &out[n++];
        snprintf(c->code, sizeof c->code, "%s", db_column_text(stmt, 0));
        c->x = db_column_double(stmt, 1);
        c->y = db_column_double(stmt, 2);
        c->area_km2 = db_column_double(stmt, 3);
        c->population = db_column_double(stmt, 4);
        c->rate = db_column_double(stmt, 5);
    }
    db_finalize(stmt);
    return n;
}

/* Six large communes far enough apart that no circle covers another's
 * centre; circles at their point on surface (inside the shape). */
#define SIX_COMMUNES                                                           \
    "code IN ('59350', '59183', '59606', '59122', '59178', '59392')"

static void test_prop_choro_colours_circles_by_class(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "prop-choro.png");
    const char *style =
        "[map]\nwidth = 1200px\nheight = 1000px\ndpi = 150\n"
        "[data]\nkind = prop_choro\nlevel = commune\nfilter = " SIX_COMMUNES
        "\nvariable = population_2021\n"
        "color_expression = 100.0 * pop_15_64_chomage_2021 /"
        " pop_15_64_active_2021\n"
        "[classes]\nmethod = manual\nbreaks = 0, 15, 20, 30\n"
        "palette = Blues\n"
        "[symbols]\nmax_radius = 5\n";
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &opts, &rep, &err), TOB_OK);
    assert_int_equal(rep.n_features, 6);
    /* three reference sizes, then the three classes */
    assert_int_equal(rep.n_entries, 6);
    tob_rgb_t blues[3];
    assert_int_equal(tob_palette_get("Blues", 3, 0, blues, &err), TOB_OK);
    commune_t c[6];
    assert_int_equal(communes_of(fx, SIX_COMMUNES, c, 6), 6);
    image_t img = read_png(out);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < 6; i++) {
        size_t k = c[i].rate <= 15 ? 0 : c[i].rate <= 20 ? 1 : 2;
        counts[k]++;
        if (!pixel_is(&img, rep.geotransform, c[i].x, c[i].y, blues[k]))
            fail_msg("circle of %s (%.1f %%) is not class %zu's colour",
                     c[i].code, c[i].rate, k);
    }
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(rep.entries[3 + k].count, counts[k]);
        assert_memory_equal(&rep.entries[3 + k].color, &blues[k],
                            sizeof blues[k]);
    }
    free(img.rgb);
}

static void test_prop_typo_colours_circles_by_category(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "prop-typo.png");
    /* the category: above or below 100,000 inhabitants, as text */
    const char *style =
        "[map]\nwidth = 1200px\nheight = 1000px\ndpi = 150\n"
        "[data]\nkind = prop_typo\nlevel = commune\nfilter = " SIX_COMMUNES
        "\nvariable = population_2021\n"
        "color_expression = CASE WHEN population_2021 > 100000 THEN 'grande'"
        " ELSE 'moyenne' END\n"
        "[categories]\ngrande = #ff0000\nmoyenne = #0000ff\n"
        "[symbols]\nmax_radius = 5\n";
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &opts, &rep, &err), TOB_OK);
    commune_t c[6];
    assert_int_equal(communes_of(fx, SIX_COMMUNES, c, 6), 6);
    image_t img = read_png(out);
    size_t n_big = 0;
    for (size_t i = 0; i < 6; i++) {
        int big = c[i].population > 100000;
        n_big += (size_t)big;
        tob_rgb_t want =
            big ? (tob_rgb_t){255, 0, 0, 255} : (tob_rgb_t){0, 0, 255, 255};
        if (!pixel_is(&img, rep.geotransform, c[i].x, c[i].y, want))
            fail_msg("circle of %s is not its category's colour", c[i].code);
    }
    assert_int_equal(n_big, 1); /* Lille alone, as the census says */
    assert_int_equal(rep.entries[3].count, n_big);
    assert_int_equal(rep.entries[4].count, 6 - n_big);
    free(img.rgb);
}

/* ---- bivariate -------------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Terciles as R's quantile(type = 7), computed here. */
static void terciles(const double *v, size_t n, double out[2])
{
    double *s = malloc(n * sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, by_double);
    for (int i = 0; i < 2; i++) {
        double h = (double)(n - 1) * (i + 1) / 3.0;
        size_t lo = (size_t)floor(h);
        out[i] = s[lo] + (h - floor(h)) * (s[lo + 1 < n ? lo + 1 : lo] - s[lo]);
    }
    free(s);
}

static int third(const double t[2], double v)
{
    return v <= t[0] ? 0 : v <= t[1] ? 1 : 2;
}

static void test_bivariate_classes_and_colours(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "bivariate.png");
    const char *style = "[map]\nwidth = 1600px\nheight = 1400px\ndpi = 150\n"
                        "[data]\nkind = bivariate\nlevel = commune\n"
                        "filter = code LIKE '59%'\nvariable = population_2021\n"
                        "color_expression = 100.0 * pop_15_64_chomage_2021 /"
                        " pop_15_64_active_2021\n"
                        "[polygons]\nstroke = none\n";
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &opts, &rep, &err), TOB_OK);
    static commune_t c[700];
    size_t n = communes_of(fx, "t.code LIKE '59%'", c, 700);
    assert_true(n > 600);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = c[i].population, y[i] = c[i].rate;
    double tx[2], ty[2];
    terciles(x, n, tx);
    terciles(y, n, ty);
    /* Joshua Stevens's scheme, as published (rows: low to high y). */
    static const tob_rgb_t stevens[9] = {
        {0xe8, 0xe8, 0xe8, 255}, {0xac, 0xe4, 0xe4, 255},
        {0x5a, 0xc8, 0xc8, 255}, {0xdf, 0xb0, 0xd6, 255},
        {0xa5, 0xad, 0xd3, 255}, {0x56, 0x98, 0xb9, 255},
        {0xbe, 0x64, 0xac, 255}, {0x8c, 0x62, 0xaa, 255},
        {0x3b, 0x49, 0x94, 255}};
    size_t counts[9] = {0}, checked = 0;
    image_t img = read_png(out);
    for (size_t i = 0; i < n; i++) {
        size_t cell = 3 * (size_t)third(ty, y[i]) + (size_t)third(tx, x[i]);
        counts[cell]++;
        if (c[i].area_km2 < 5)
            continue; /* a few pixels wide: edges blend */
        checked++;
        if (!pixel_is(&img, rep.geotransform, c[i].x, c[i].y, stevens[cell]))
            fail_msg("commune %s (%.0f hab., %.1f %%) is not cell %zu",
                     c[i].code, x[i], y[i], cell);
    }
    assert_true(checked > 250);
    for (size_t k = 0; k < 9; k++)
        assert_int_equal(rep.entries[k].count, counts[k]);
    free(img.rgb);
    free(x);
    free(y);
}

/* ---- discontinuities ------------------------------------------------- */

/* Neighbours of the Pas-de-Calais EPCI, as the test finds them: pairs
 * whose boundaries share a line (DE-9IM F***1****), both with a value,
 * whose populations differ by at least `threshold`. One point on the
 * shared line of the pair that differs most and of one that differs
 * least goes to most[] and least[]. */
static size_t neighbours(fixture_t *fx, double threshold, double most[2],
                         double least[2])
{
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        db_prepare(fx->st,
                   "SELECT abs(oa.value - ob.value) AS d,"
                   " ST_X(ST_PointOnSurface(ST_Intersection(a.geom, b.geom))),"
                   " ST_Y(ST_PointOnSurface(ST_Intersection(a.geom, b.geom)))"
                   " FROM territory a JOIN territory b ON b.level = 'epci'"
                   " AND b.id > a.id JOIN observation oa ON oa.territory ="
                   " a.id JOIN observation ob ON ob.territory = b.id"
                   " WHERE a.level = 'epci' AND"
                   " ST_Relate(a.geom, b.geom, 'F***1****') ORDER BY d DESC",
                   &stmt, &err),
        TOB_OK);
    size_t n = 0, pairs = 0;
    while (db_step(stmt) == DB_ROW) {
        double d = db_column_double(stmt, 0);
        double x = db_column_double(stmt, 1), y = db_column_double(stmt, 2);
        if (pairs++ == 0)
            most[0] = x, most[1] = y;
        least[0] = x, least[1] = y;
        n += d >= threshold;
    }
    db_finalize(stmt);
    assert_true(pairs > 30);
    return n;
}

static void test_discontinuity_borders_and_widths(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "discontinuity.png");
    const char *style = "[map]\nwidth = 1400px\nheight = 1100px\ndpi = 150\n"
                        "[data]\nkind = discontinuity\nlevel = epci\n"
                        "variable = population\n"
                        "[discontinuity]\ntype = absolute\nthreshold = 20000\n"
                        "color = #ff00ff\nmax_width = 2\n"
                        "[classes]\nmethod = quantile\nk = 3\n";
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, style, out, &opts, &rep, &err), TOB_OK);
    double most[2] = {0, 0}, least[2] = {0, 0};
    size_t want = neighbours(fx, 20000, most, least);
    size_t drawn = 0;
    for (size_t i = 0; i < rep.n_entries; i++)
        if (!rep.entries[i].is_missing)
            drawn += rep.entries[i].count;
    assert_int_equal(drawn, want);
    assert_true(want > 10);
    assert_int_equal(rep.n_missing, 1); /* CC Flandre Lys */
    image_t img = read_png(out);
    tob_rgb_t magenta = {255, 0, 255, 255};
    assert_true(pixel_is(&img, rep.geotransform, most[0], most[1], magenta));
    assert_false(pixel_is(&img, rep.geotransform, least[0], least[1], magenta));
    free(img.rgb);
}

/* An SVG map: each territory a <path id="t-CODE"> with its name and value
 * as <title>, the texts as <text>. */
static void test_svg_territories_with_titles(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "pdc.svg");
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, pdc_population, out, &opts, &rep, &err),
                     TOB_OK);
    FILE *fp = fopen(out, "rb");
    assert_non_null(fp);
    static char b[4 << 20];
    size_t n = fread(b, 1, sizeof b - 1, fp);
    fclose(fp);
    b[n] = '\0';
    circle_t c[MAX_EPCI];
    double gt[6] = {0, 1, 0, 0, 0, -1};
    size_t k = circles_of(fx, gt, c);
    assert_int_equal(k, 20);
    for (size_t i = 0; i < k; i++) {
        char id[32];
        snprintf(id, sizeof id, "<path id=\"t-%s\"", c[i].code);
        const char *at = strstr(b, id);
        if (at == NULL || strstr(at + 1, id) != NULL)
            fail_msg("%s is not in the SVG once", id);
    }
    /* the populations of tests/data/pdc/epci-62-population.csv */
    assert_non_null(strstr(b, "<title>CA de Béthune-Bruay, Artois-Lys Romane"
                              " (200072460) : 275\xC2\xA0"
                              "736 habitants</title>"));
    assert_non_null(strstr(b, "<title>CC Flandre Lys (245900758) : donnée"
                              " non disponible</title>"));
    assert_non_null(strstr(b, ">CU d&apos;Arras</text>") != NULL
                        ? strstr(b, ">CU d&apos;Arras</text>")
                        : strstr(b, ">CU d'Arras</text>"));
}

/* A map PDF names its title, author, subject and keywords. */
static void test_map_pdf_metadata(void **state)
{
    fixture_t *fx = *state;
    char out[4096];
    tob_test_path(out, sizeof out, "pdc.pdf");
    char text[1024];
    snprintf(text, sizeof text,
             "%s[map]\nauthor = Observatoire\nsubtitle = EPCI 2026\n",
             pdc_population);
    tob_render_options_t opts = {0};
    tob_map_report_t rep;
    tob_error_t err;
    assert_int_equal(render(fx, text, out, &opts, &rep, &err), TOB_OK);
    FILE *fp = fopen(out, "rb");
    assert_non_null(fp);
    static char b[1 << 20];
    size_t n = fread(b, 1, sizeof b - 1, fp);
    fclose(fp);
    static const char *const want[] = {
        "/Author (Observatoire)", "/Subject (EPCI 2026)",
        "/Keywords (carte cercles proportionnels, epci, population, terrobs)"};
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(want[k]), i = 0;
        while (i + len <= n && memcmp(b + i, want[k], len) != 0)
            i++;
        if (i + len > n)
            fail_msg("no %s in the PDF", want[k]);
    }
}

/* ---- colour-vision deficiencies --------------------------------------- */

/* ---- maps that compare ------------------------------------------------ */

#define assert_same(a, b)                                                      \
    do {                                                                       \
        double a_ = (a), b_ = (b);                                             \
        if (a_ != b_)                                                          \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                \
    } while (0)

/* Density of the Nord communes in year, from the store's observations:
 * population_YEAR / superficie_km2. */
static size_t densities(fixture_t *fx, int year, double *out, size_t cap)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT p.value / s.value FROM territory t JOIN observation p"
             " ON p.territory = t.id AND p.variable = 'population_%d'"
             " JOIN observation s ON s.territory = t.id AND s.variable ="
             " 'superficie_km2' WHERE t.level = 'commune' AND t.code LIKE"
             " '59%%'",
             year);
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    size_t n = 0;
    while (db_step(stmt) == DB_ROW && n < cap)
        out[n++] = db_column_double(stmt, 0);
    db_finalize(stmt);
    return n;
}

/* One commune's density in year, by the same SQL. */
static double density_of(fixture_t *fx, int year, const char *code)
{
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT p.value / s.value FROM territory t JOIN"
             " observation p ON p.territory = t.id AND p.variable ="
             " 'population_%d' JOIN observation s ON s.territory ="
             " t.id AND s.variable = 'superficie_km2' WHERE t.code ="
             " '%s'",
             year, code);
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    double d = db_column_double(stmt, 0);
    db_finalize(stmt);
    return d;
}

/* style drawn at year with scale into PREFIX-YEAR.png (its path in out). */
static void draw_year(fixture_t *fx, const tob_style_t *style,
                      const char *prefix, int year,
                      const tob_render_scale_t *scale, char out[4096],
                      tob_map_report_t *rep)
{
    char name[64];
    snprintf(name, sizeof name, "%s-%d.png", prefix, year);
    tob_test_path(out, 4096, name);
    tob_render_options_t opts = {
        .today = "23/11/2026", .year = year, .scale = scale};
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_render_file(out, style, fx->st, &opts, rep, &err) != TOB_OK)
        fail_msg("%s: %s", name, err.message);
}

static void test_shared_classes_over_years(void **state)
{
    fixture_t *fx = *state;
    static const int years[2] = {2015, 2021};
    /* The reference: quantiles of both years' densities together. */
    double *all = malloc(2 * 1000 * sizeof *all);
    size_t n15 = densities(fx, 2015, all, 1000);
    size_t n = n15 + densities(fx, 2021, all + n15, 1000);
    assert_true(n15 > 600 && n == 2 * n15);
    tob_breaks_t *ref = NULL, *own15 = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_classify(all, n, 5, TOB_CLASSIFY_QUANTILE, &ref, &err),
                     TOB_OK);
    assert_int_equal(
        tob_classify(all, n15, 5, TOB_CLASSIFY_QUANTILE, &own15, &err), TOB_OK);
    const double *b = tob_breaks_values(ref);
    /* 2015 alone would give other classes: sharing is seen. */
    assert_true(memcmp(b, tob_breaks_values(own15), 6 * sizeof *b) != 0);
    tob_style_t *style = fixture_style(
        "[map]\ntitle = Densité {year}\nwidth = 900px\nheight = 800px\n"
        "dpi = 96\n[data]\nkind = choropleth\nlevel = commune\n"
        "filter = code LIKE '59%'\n"
        "expression = population_{year} / superficie_km2\n"
        "[classes]\nmethod = quantile\nk = 5\npalette = YlOrBr\n");
    tob_render_scale_t scale;
    assert_int_equal(
        tob_render_shared_scale(style, fx->st, years, 2, &scale, &err), TOB_OK);
    assert_int_equal(scale.n_breaks, 6);
    for (size_t i = 0; i < 6; i++)
        assert_same(scale.breaks[i], b[i]);
    tob_rgb_t pal[5];
    assert_int_equal(tob_palette_get("YlOrBr", 5, 0, pal, &err), TOB_OK);
    commune_t c[6];
    assert_int_equal(communes_of(fx, SIX_COMMUNES, c, 6), 6);
    for (size_t y = 0; y < 2; y++) {
        char out[4096];
        tob_map_report_t rep;
        draw_year(fx, style, "dens", years[y], &scale, out, &rep);
        assert_int_equal(rep.n_entries, 5);
        for (size_t k = 0; k < 5; k++) {
            assert_same(rep.entries[k].lower, b[k]);
            assert_same(rep.entries[k].upper, b[k + 1]);
        }
        image_t img = read_png(out);
        for (size_t i = 0; i < 6; i++) {
            double d[1] = {density_of(fx, years[y], c[i].code)};
            size_t k = tob_breaks_class_of(ref, d[0]);
            assert_true(k < 5);
            if (!pixel_is(&img, rep.geotransform, c[i].x, c[i].y, pal[k]))
                fail_msg("%d: %s (%.1f hab./km²) is not class %zu's colour",
                         years[y], c[i].code, d[0], k);
        }
        free(img.rgb);
    }
    tob_style_destroy(style);
    tob_breaks_destroy(ref);
    tob_breaks_destroy(own15);
    free(all);
}

/* The centroid of the territory at code (where its circle is). */
static void centroid_of(fixture_t *fx, const char *code, double *x, double *y)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT ST_X(ST_Centroid(geom)), ST_Y(ST_Centroid(geom))"
             " FROM territory WHERE code = '%s'",
             code);
    db_stmt_t *stmt = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(db_prepare(fx->st, sql, &stmt, &err), TOB_OK);
    assert_int_equal(db_step(stmt), DB_ROW);
    *x = db_column_double(stmt, 0);
    *y = db_column_double(stmt, 1);
    db_finalize(stmt);
}

/* The radius in pixels of the circle centred at (cx, cy) pixels: the
 * first pixel to the right that is not its fill. */
static double radius_px(const image_t *img, double cx, double cy,
                        tob_rgb_t fill)
{
    long row = lround(cy - 0.5);
    for (long col = lround(cx - 0.5); col < (long)img->w; col++) {
        const unsigned char *p = img->rgb + ((size_t)row * img->w + col) * 3;
        if (abs(p[0] - fill.r) > 8 || abs(p[1] - fill.g) > 8 ||
            abs(p[2] - fill.b) > 8)
            return col - cx;
    }
    return -1;
}

static void test_shared_circle_scale_over_years(void **state)
{
    fixture_t *fx = *state;
    /* A year whose Lille is four times larger, whose Roubaix is as in
     * 2015: Roubaix must keep its radius from one map to the other. */
    fixture_exec(fx->st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('population_2030', 'Population 2030', 'habitants', 0)");
    fixture_exec(fx->st,
                 "INSERT INTO observation (territory, variable, year, value)"
                 " SELECT t.id, 'population_2030', 2030, CASE t.code WHEN"
                 " '59350' THEN 4 * p.value ELSE q.value END FROM territory t"
                 " JOIN observation p ON p.territory = t.id AND p.variable ="
                 " 'population_2021' JOIN observation q ON q.territory = t.id"
                 " AND q.variable = 'population_2015' WHERE t.code IN"
                 " ('59350', '59512')");
    static const int years[2] = {2015, 2030};
    tob_style_t *style = fixture_style(
        "[map]\nwidth = 1200px\nheight = 1000px\ndpi = 150\n"
        "[data]\nkind = proportional\nlevel = commune\n"
        "filter = code IN ('59350', '59512')\n"
        "variable = population_{year}\n"
        "[symbols]\nfill = #d7301f\nstroke = none\nmax_radius = 10\n");
    tob_render_scale_t scale;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(
        tob_render_shared_scale(style, fx->st, years, 2, &scale, &err), TOB_OK);
    assert_int_equal(scale.n_breaks, 0);
    assert_same(scale.max_value, 4 * 236710.0);
    tob_rgb_t fill = {0xd7, 0x30, 0x1f, 255};
    commune_t c[2];
    assert_int_equal(communes_of(fx, "t.code IN ('59350', '59512')", c, 2), 2);
    double roubaix[2];
    for (size_t y = 0; y < 2; y++) {
        char out[4096];
        tob_map_report_t rep;
        draw_year(fx, style, "pop", years[y], &scale, out, &rep);
        image_t img = read_png(out);
        double px_mm = 150 / 25.4;
        for (size_t i = 0; i < 2; i++) {
            int lille = strcmp(c[i].code, "59350") == 0;
            double v = lille ? (y == 0 ? 232741.0 : 4 * 236710.0)
                             : 96077.0; /* Roubaix 2015 in both */
            double want = 10 * px_mm * sqrt(v / scale.max_value);
            /* circles at the anchor (centroid when inside) */
            double x, yy;
            centroid_of(fx, c[i].code, &x, &yy);
            const double *gt = rep.geotransform;
            double got = radius_px(&img, (x - gt[0]) / gt[1],
                                   (yy - gt[3]) / gt[5], fill);
            if (fabs(got - want) > 1.5)
                fail_msg("%d: %s radius %.1f px, expected %.1f", years[y],
                         c[i].code, got, want);
            if (!lille)
                roubaix[y] = got;
        }
        free(img.rgb);
    }
    assert_true(fabs(roubaix[0] - roubaix[1]) <= 1);
    tob_style_destroy(style);
}

/* ---- small multiples ([panels]) --------------------------------------- */

/* Two panels (2015, 2021) on one page: the legend's classes are the
 * quantiles of both years' densities together, computed here, and each
 * commune of each panel has its class's colour under that panel's own
 * geotransform. */
static void test_panels_share_one_classification(void **state)
{
    fixture_t *fx = *state;
    double *all = malloc(2 * 1000 * sizeof *all);
    size_t n15 = densities(fx, 2015, all, 1000);
    size_t n = n15 + densities(fx, 2021, all + n15, 1000);
    tob_breaks_t *ref = NULL;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_classify(all, n, 5, TOB_CLASSIFY_QUANTILE, &ref, &err),
                     TOB_OK);
    const double *b = tob_breaks_values(ref);
    tob_style_t *style = fixture_style(
        "[map]\ntitle = Densité\nwidth = 2400px\nheight = 1200px\ndpi = 96\n"
        "[data]\nkind = choropleth\nlevel = commune\n"
        "filter = code LIKE '59%'\n"
        "expression = population_{year} / superficie_km2\n"
        "[panels]\nby = years\nyears = 2015, 2021\n"
        "[classes]\nmethod = quantile\nk = 5\npalette = YlOrBr\n");
    char out[4096];
    tob_test_path(out, sizeof out, "panels-years.png");
    tob_render_options_t opts = {.today = "23/11/2026"};
    tob_map_report_t rep;
    if (tob_render_file(out, style, fx->st, &opts, &rep, &err) != TOB_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rep.n_panels, 2);
    assert_int_equal(rep.n_entries, 5); /* one legend, counts of both */
    size_t counted = 0;
    for (size_t k = 0; k < 5; k++) {
        assert_same(rep.entries[k].lower, b[k]);
        assert_same(rep.entries[k].upper, b[k + 1]);
        counted += rep.entries[k].count;
    }
    assert_int_equal(counted, n);
    tob_rgb_t pal[5];
    assert_int_equal(tob_palette_get("YlOrBr", 5, 0, pal, &err), TOB_OK);
    /* The communes whose class of the pooled values is not the class of
     * their own year's quantiles tell a shared scale from two. */
    tob_breaks_t *own[2] = {NULL, NULL};
    assert_int_equal(
        tob_classify(all, n15, 5, TOB_CLASSIFY_QUANTILE, &own[0], &err),
        TOB_OK);
    assert_int_equal(tob_classify(all + n15, n - n15, 5, TOB_CLASSIFY_QUANTILE,
                                  &own[1], &err),
                     TOB_OK);
    commune_t *c = malloc(700 * sizeof *c);
    size_t nc =
        communes_of(fx, "t.code LIKE '59%' AND t.area_m2 > 3e6", c, 700);
    assert_true(nc > 100);
    image_t img = read_png(out);
    static const int years[2] = {2015, 2021};
    /* The panels side by side: the second is to the right of the first. */
    assert_true(rep.panel_geotransform[1][0] < rep.panel_geotransform[0][0]);
    size_t telling = 0;
    for (size_t y = 0; y < 2; y++)
        for (size_t i = 0; i < nc; i++) {
            double d = density_of(fx, years[y], c[i].code);
            size_t k = tob_breaks_class_of(ref, d);
            if (k == tob_breaks_class_of(own[y], d))
                continue;
            telling++;
            if (!pixel_is(&img, rep.panel_geotransform[y], c[i].x, c[i].y,
                          pal[k]))
                fail_msg("panel %d: %s (%.1f hab./km²) is not class %zu's "
                         "colour",
                         years[y], c[i].code, d, k);
        }
    print_message("panels: %zu communes tell the shared classes\n", telling);
    assert_true(telling >= 5);
    tob_breaks_destroy(own[0]);
    tob_breaks_destroy(own[1]);
    free(c);
    free(img.rgb);
    tob_style_destroy(style);
    tob_breaks_destroy(ref);
    free(all);
}

/* One value of the commune at code under variable, with unit. */
static void put_value(fixture_t *fx, const char *variable, const char *code,
                      double value)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO observation (territory, variable, year, value)"
             " SELECT id, '%s', 2021, %.17g FROM territory WHERE code = '%s'"
             " AND level = 'commune'",
             variable, value, code);
    fixture_exec(fx->st, sql);
}

/* Two variables of one unit on one page, as circles: the largest circle
 * is the largest value of both (here panel b's Lille), so the same value
 * draws the same radius on both panels (Roubaix is 96 077 in each). */
static void test_panels_share_one_circle_scale(void **state)
{
    fixture_t *fx = *state;
    fixture_exec(fx->st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('panel_a', 'Habitants A', 'habitants', 0),"
                 " ('panel_b', 'Habitants B', 'habitants', 0)");
    put_value(fx, "panel_a", "59350", 232741);
    put_value(fx, "panel_a", "59512", 96077);
    put_value(fx, "panel_b", "59350", 4 * 232741.0);
    put_value(fx, "panel_b", "59512", 96077);
    tob_style_t *style = fixture_style(
        "[map]\nwidth = 2000px\nheight = 1000px\ndpi = 150\n"
        "[data]\nkind = proportional\nlevel = commune\n"
        "filter = code IN ('59350', '59512')\nyear = 2021\n"
        "[panels]\nby = variables\nvariables = panel_a, panel_b\n"
        "[symbols]\nfill = #d7301f\nstroke = none\nmax_radius = 10\n");
    char out[4096];
    tob_test_path(out, sizeof out, "panels-variables.png");
    tob_render_options_t opts = {.today = "23/11/2026"};
    tob_map_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_render_file(out, style, fx->st, &opts, &rep, &err) != TOB_OK)
        fail_msg("%s", err.message);
    assert_int_equal(rep.n_panels, 2);
    double top = 4 * 232741.0; /* the largest of both variables */
    assert_same(rep.max_value, top);
    commune_t c[2];
    assert_int_equal(communes_of(fx, "t.code IN ('59350', '59512')", c, 2), 2);
    image_t img = read_png(out);
    tob_rgb_t fill = {0xd7, 0x30, 0x1f, 255};
    double px_mm = 150 / 25.4, roubaix[2];
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; i < 2; i++) {
            int lille = strcmp(c[i].code, "59350") == 0;
            double v = lille ? (p == 0 ? 232741.0 : top) : 96077.0;
            double want = 10 * px_mm * sqrt(v / top);
            double x, y;
            centroid_of(fx, c[i].code, &x, &y);
            const double *gt = rep.panel_geotransform[p];
            double got =
                radius_px(&img, (x - gt[0]) / gt[1], (y - gt[3]) / gt[5], fill);
            if (fabs(got - want) > 1.5)
                fail_msg("panel %zu: %s radius %.1f px, expected %.1f", p + 1,
                         c[i].code, got, want);
            if (!lille)
                roubaix[p] = got;
        }
    assert_true(fabs(roubaix[0] - roubaix[1]) <= 1);
    free(img.rgb);
    tob_style_destroy(style);
}

/* Variables of different units cannot share a scale: refused, naming
 * both units and the key, and no file is written; kinds that cannot
 * share a scale and a by without its list are refused when read. */
static void test_panels_refuse_what_cannot_compare(void **state)
{
    fixture_t *fx = *state;
    fixture_exec(fx->st,
                 "INSERT INTO variable (name, label, unit, decimals) VALUES"
                 " ('panel_men', 'Ménages', 'ménages', 0)");
    put_value(fx, "panel_men", "59350", 110000);
    tob_style_t *style = fixture_style(
        "[map]\nwidth = 1000px\nheight = 500px\ndpi = 96\n"
        "[data]\nkind = proportional\nlevel = commune\n"
        "filter = code IN ('59350', '59512')\nyear = 2021\n"
        "[panels]\nby = variables\nvariables = panel_a, panel_men\n");
    char out[4096];
    tob_test_path(out, sizeof out, "panels-units.png");
    remove(out);
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_render_file(out, style, fx->st, NULL, NULL, &err),
                     TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "habitants"));
    assert_non_null(strstr(err.message, "ménages"));
    assert_non_null(strstr(err.message, "same unit"));
    assert_string_equal(err.field, "panels.variables");
    FILE *fp = fopen(out, "rb");
    assert_null(fp);
    tob_style_destroy(style);
    static const char *const bad[] = {
        "[data]\nkind = bivariate\nlevel = commune\nvariable = a\n"
        "color_variable = b\n[panels]\nby = years\nyears = 2015, 2021\n",
        "[data]\nlevel = commune\nvariable = a\n[panels]\nby = years\n",
        "[data]\nlevel = commune\nvariable = a\n[panels]\nby = decades\n",
        "[data]\nlevel = commune\nexpression = a / b\n[panels]\n"
        "by = variables\nvariables = a, b\n",
        "[data]\nlevel = commune\nvariable = a\n[panels]\nyears = 2015, "
        "2021\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_style_t *s = NULL;
        tob_error_clear(&err);
        assert_int_equal(tob_style_parse_text(bad[i], strlen(bad[i]), "t.style",
                                              NULL, 0, &s, &err),
                         TOB_ERR_INPUT);
        assert_null(s);
        assert_true(strncmp(err.field, "panels.", 7) == 0 ||
                    strncmp(err.field, "data.", 5) == 0);
    }
}

/* SVG of two panels: each territory once per panel, ids kept unique by
 * the panel's prefix; texts stay text. */
static void test_panels_svg_ids_unique(void **state)
{
    fixture_t *fx = *state;
    tob_style_t *style =
        fixture_style("[map]\ntitle = Densité\nwidth = 1600px\nheight = 800px\n"
                      "dpi = 96\n[data]\nkind = choropleth\nlevel = commune\n"
                      "filter = code IN ('59350', '59512')\n"
                      "expression = population_{year} / superficie_km2\n"
                      "[panels]\nby = years\nyears = 2015, 2021\n");
    char out[4096];
    tob_test_path(out, sizeof out, "panels.svg");
    tob_error_t err;
    tob_error_clear(&err);
    tob_render_options_t opts = {.today = "23/11/2026"};
    if (tob_render_file(out, style, fx->st, &opts, NULL, &err) != TOB_OK)
        fail_msg("%s", err.message);
    FILE *fp = fopen(out, "rb");
    assert_non_null(fp);
    static char svg[1 << 20];
    size_t len = fread(svg, 1, sizeof svg - 1, fp);
    fclose(fp);
    svg[len] = '\0';
    assert_non_null(strstr(svg, "id=\"p1-t-59350\""));
    assert_non_null(strstr(svg, "id=\"p2-t-59350\""));
    assert_null(strstr(svg, "id=\"t-59350\""));
    assert_non_null(strstr(svg, ">2015</text>"));
    assert_non_null(strstr(svg, ">2021</text>"));
    tob_style_destroy(style);
}

static void assert_rgb_near(tob_rgb_t c, int r, int g, int b)
{
    if (abs(c.r - r) > 1 || abs(c.g - g) > 1 || abs(c.b - b) > 1)
        fail_msg("got %d %d %d, want %d %d %d", c.r, c.g, c.b, r, g, b);
}

/* Machado 2009 by hand: pure red in linear RGB times the matrices' first
 * column, back to sRGB: deuteranopia (0.3673, 0.2801, 0) -> 163 144 0,
 * protanopia (0.1523, 0.1145, 0) -> 109 95 0. */
static void test_cvd_simulation_reference(void **state)
{
    (void)state;
    tob_rgb_t red = {255, 0, 0, 255};
    assert_rgb_near(tob_cvd_simulate(red, TOB_CVD_DEUTERANOPIA), 163, 144, 0);
    assert_rgb_near(tob_cvd_simulate(red, TOB_CVD_PROTANOPIA), 109, 95, 0);
    tob_rgb_t white = {255, 255, 255, 255}, black = {0, 0, 0, 255};
    assert_true(fabs(tob_color_delta_e(white, black) - 100) < 0.01);
    /* greys are seen as they are */
    tob_rgb_t grey = {128, 128, 128, 255};
    assert_rgb_near(tob_cvd_simulate(grey, TOB_CVD_DEUTERANOPIA), 128, 128,
                    128);
}

/* Every bundled palette at 3 to 9 classes: which neighbouring classes (any
 * two colours of a qualitative one) a deuteranope or a protanope cannot
 * tell apart, printed; the red-green RdYlGn is among them, viridis and
 * cividis never are, and palette = auto always gives a safe one. */
static void test_cvd_every_palette(void **state)
{
    (void)state;
    size_t n_flagged = 0, n_checked = 0;
    int rdylgn = 0;
    for (size_t p = 0; p < tob_palette_count(); p++) {
        const tob_palette_info_t *info = tob_palette_info_at(p);
        int ordered = info->kind != TOB_PALETTE_QUALITATIVE;
        for (size_t k = 3; k <= 9 && k <= info->max_colors; k++) {
            tob_rgb_t c[9];
            tob_error_t err;
            assert_int_equal(tob_palette_get(info->name, k, 0, c, &err),
                             TOB_OK);
            for (int cvd = 0; cvd < 2; cvd++) {
                tob_cvd_pair_t pair;
                n_checked++;
                if (!tob_cvd_confused(c, k, ordered, (tob_cvd_t)cvd,
                                      TOB_CVD_MIN_DELTA_E, &pair))
                    continue;
                n_flagged++;
                rdylgn |= strcmp(info->name, "RdYlGn") == 0;
                assert_true(strcmp(info->name, "viridis") != 0 &&
                            strcmp(info->name, "cividis") != 0);
                print_message("cvd: %s k=%zu %s: classes %zu and %zu "
                              "(delta E %.1f)\n",
                              info->name, k, tob_cvd_name((tob_cvd_t)cvd),
                              pair.i + 1, pair.j + 1, pair.delta_e);
            }
        }
    }
    assert_true(rdylgn);
    assert_true(n_flagged > 0 && n_flagged < n_checked);
    for (size_t k = 3; k <= 9; k++) {
        for (int ordered = 0; ordered < 2; ordered++) {
            if (!ordered && k > 7)
                continue; /* 8 categories: no bundled palette is safe */
            const char *name = tob_palette_auto(k, ordered);
            tob_rgb_t c[9];
            tob_error_t err;
            assert_int_equal(tob_palette_get(name, k, 0, c, &err), TOB_OK);
            for (int cvd = 0; cvd < 2; cvd++)
                assert_false(tob_cvd_confused(c, k, ordered, (tob_cvd_t)cvd,
                                              TOB_CVD_MIN_DELTA_E, NULL));
        }
    }
}

/* The colours every bundled style asks for (its palette at its k, its
 * colours, its categories) pass both simulations. */
static void test_cvd_every_bundled_style(void **state)
{
    (void)state;
    char dir[4096];
    tob_test_src(dir, sizeof dir, "styles");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    size_t n_styles = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".style") != 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        tob_style_t *style = NULL;
        tob_error_t err;
        tob_error_clear(&err);
        if (tob_style_read(path, NULL, 0, &style, &err) != TOB_OK)
            fail_msg("%s: %s", path, err.message);
        n_styles++;
        tob_rgb_t c[STYLE_MAX_CATEGORIES];
        size_t n = 0;
        int ordered =
            style->kind == STYLE_CHOROPLETH || style->kind == STYLE_PROP_CHORO;
        if (style->n_categories > 0) {
            for (size_t i = 0; i < style->n_categories; i++)
                c[n++] = style->categories[i].color;
        } else if (style->n_colors > 0) {
            memcpy(c, style->colors, style->n_colors * sizeof c[0]);
            n = style->n_colors;
        } else if (ordered) {
            const char *name = style->palette ? style->palette : "YlOrRd";
            if (strcmp(name, "auto") == 0)
                name = tob_palette_auto((size_t)style->k, 1);
            n = (size_t)style->k;
            assert_int_equal(tob_palette_get(name, n, 0, c, &err), TOB_OK);
        }
        for (int cvd = 0; cvd < 2 && style->kind != STYLE_BIVARIATE; cvd++) {
            tob_cvd_pair_t pair;
            if (tob_cvd_confused(c, n, ordered, (tob_cvd_t)cvd,
                                 TOB_CVD_MIN_DELTA_E, &pair))
                fail_msg("%s: colours %zu and %zu look alike in %s (%.1f)",
                         e->d_name, pair.i + 1, pair.j + 1,
                         tob_cvd_name((tob_cvd_t)cvd), pair.delta_e);
        }
        tob_style_destroy(style);
    }
    closedir(d);
    assert_true(n_styles >= 10);
}

/* Keys of the new kinds are checked together, naming the key. */
static void test_second_value_keys(void **state)
{
    (void)state;
    static const struct {
        const char *text, *field, *words;
    } bad[] = {
        {"[data]\nkind = prop_choro\nlevel = epci\nvariable = a\n",
         "data.color_variable", "second value"},
        {"[data]\nlevel = epci\nvariable = a\ncolor_variable = b\n",
         "data.color_variable", "prop_choro"},
        {"[data]\nkind = bivariate\nlevel = epci\nvariable = a\n"
         "color_variable = b\n[classes]\nk = 4\n",
         "classes.k", "3 classes"},
        {"[data]\nkind = bivariate\nlevel = epci\nvariable = a\n"
         "color_variable = b\n[classes]\ncolors = red, blue\n",
         "classes.colors", "9 colours"},
        {"[data]\nkind = prop_typo\nlevel = epci\nvariable = a\n"
         "color_expression = 'x'\n[classes]\nk = 4\n",
         "classes.k", "classification"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_style_t *style = NULL;
        tob_error_t err;
        tob_error_clear(&err);
        assert_int_not_equal(
            tob_style_parse_text(bad[i].text, strlen(bad[i].text), "t.style",
                                 NULL, 0, &style, &err),
            TOB_OK);
        assert_null(style);
        assert_string_equal(err.field, bad[i].field);
        if (strstr(err.message, bad[i].words) == NULL)
            fail_msg("'%s' does not say '%s'", err.message, bad[i].words);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_belong_to_their_circles),
        cmocka_unit_test(test_dorling_circles_do_not_overlap),
        cmocka_unit_test(test_prop_choro_colours_circles_by_class),
        cmocka_unit_test(test_prop_typo_colours_circles_by_category),
        cmocka_unit_test(test_bivariate_classes_and_colours),
        cmocka_unit_test(test_discontinuity_borders_and_widths),
        cmocka_unit_test(test_map_pdf_metadata),
        cmocka_unit_test(test_svg_territories_with_titles),
        cmocka_unit_test(test_second_value_keys),
        cmocka_unit_test(test_shared_classes_over_years),
        cmocka_unit_test(test_shared_circle_scale_over_years),
        cmocka_unit_test(test_panels_share_one_classification),
        cmocka_unit_test(test_panels_share_one_circle_scale),
        cmocka_unit_test(test_panels_refuse_what_cannot_compare),
        cmocka_unit_test(test_panels_svg_ids_unique),
        cmocka_unit_test(test_cvd_simulation_reference),
        cmocka_unit_test(test_cvd_every_palette),
        cmocka_unit_test(test_cvd_every_bundled_style),
    };
    return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
