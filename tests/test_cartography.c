/* test_cartography.c - the methods beyond choropleths and circles, each
 * checked against a value the test computes itself: label placement of
 * proportional symbols on the Pas-de-Calais EPCI populations (circles,
 * polygons and leaders measured with SpatiaLite), ... */
#include "store/db.h"
#include "terrobs/load.h"
#include "terrobs/render.h"
#include "terrobs/style.h"
#include "testutil.h"

#include <gdal.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

typedef struct fixture {
    char path[4096];
    tob_store_t *st;
} fixture_t;

static void exec(tob_store_t *st, const char *sql)
{
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_store_exec(st, sql, &err) != TOB_OK)
        fail_msg("%s: %s", sql, err.message);
}

static void load(tob_store_t *st, const char *level, const char *file,
                 const char *code, const char *name)
{
    char src[4096];
    tob_test_src(src, sizeof src, file);
    tob_load_options_t o = {.level = level,
                            .src = src,
                            .code_field = code,
                            .name_field = name,
                            .vintage = 2026};
    tob_load_report_t rep;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_load(st, &o, &rep, &err) != TOB_OK)
        fail_msg("loading %s: %s", file, err.message);
}

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
    exec(st, "INSERT INTO variable (name, label, unit, decimals) VALUES"
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
        exec(st, sql);
        n++;
    }
    fclose(fp);
    assert_int_equal(n, 19);
}

static int setup(void **state)
{
    GDALAllRegister();
    fixture_t *fx = calloc(1, sizeof *fx);
    tob_test_path(fx->path, sizeof fx->path, "cartography.sqlite");
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_store_create(fx->path, 2154, 1, &fx->st, &err) != TOB_OK)
        fail_msg("%s", err.message);
    load(fx->st, "epci", "tests/data/pdc/epci-62.geojson", "siren_epci",
         "nom_epci");
    import_population(fx->st);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    tob_store_close(fx->st);
    free(fx);
    GDALDestroyDriverManager();
    return 0;
}

static tob_status_t render(fixture_t *fx, const char *text, const char *out,
                           tob_render_options_t *opts, tob_map_report_t *rep,
                           tob_error_t *err)
{
    tob_style_t *style = NULL;
    tob_error_clear(err);
    if (tob_style_parse_text(text, strlen(text), "t.style", NULL, 0, &style,
                             err) != TOB_OK)
        fail_msg("style: %s", err->message);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_belong_to_their_circles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
