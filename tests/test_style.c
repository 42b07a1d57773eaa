/* test_style.c - style files: keys, defaults, overrides, and errors that
 * name file, line and key. */
#include "map/style_model.h"
#include "testutil.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static const char full_style[] = "# Nord: population density\n"
                                 "[map]\n"
                                 "title = Densité de population\n"
                                 "subtitle = Communes du Nord\n"
                                 "source = Insee 2021\n"
                                 "width = 210mm\n"
                                 "height = 1600px\n"
                                 "dpi = 200\n"
                                 "crs = EPSG:2154\n"
                                 "date = 2026-11-23\n"
                                 "[data]\n"
                                 "kind = choropleth\n"
                                 "level = commune\n"
                                 "filter = code LIKE '59%'\n"
                                 "expression = population_2021 / area_km2\n"
                                 "year = 2021\n"
                                 "[classes]\n"
                                 "method = fisher\n"
                                 "k = 6\n"
                                 "palette = YlOrRd\n"
                                 "reverse = yes\n"
                                 "[labels]\n"
                                 "font_size = 8\n"
                                 "[layer.epci]\n"
                                 "level = epci\n"
                                 "stroke = #333\n"
                                 "stroke_width = 0.5\n"
                                 "[inset.mq]\n"
                                 "filter = code LIKE '972%'\n"
                                 "crs = 5490\n"
                                 "position = top-left\n"
                                 "title = Martinique\n";

static tob_style_t *parse_ok(const char *text, const char *const *sets,
                             size_t n_sets)
{
    tob_error_t err;
    tob_error_clear(&err);
    tob_style_t *style = NULL;
    tob_status_t s = tob_style_parse_text(text, strlen(text), "x.style", sets,
                                          n_sets, &style, &err);
    if (s != TOB_OK)
        fprintf(stderr, "unexpected error: %s\n", err.message);
    assert_int_equal(s, TOB_OK);
    return style;
}

/* Parses text (which must fail) and returns the formatted error. */
static const char *parse_error(const char *text, const char *const *sets,
                               size_t n_sets, char *buf, size_t size)
{
    tob_error_t err;
    tob_error_clear(&err);
    tob_style_t *style = NULL;
    tob_status_t s = tob_style_parse_text(text, strlen(text), "x.style", sets,
                                          n_sets, &style, &err);
    assert_int_not_equal(s, TOB_OK);
    assert_null(style);
    assert_int_equal(err.code, TOB_ERR_INPUT);
    return tob_error_format(&err, buf, size);
}

static void test_full_style(void **state)
{
    (void)state;
    tob_style_t *st = parse_ok(full_style, NULL, 0);
    assert_string_equal(tob_style_title(st), "Densité de population");
    double w, h;
    tob_style_page_mm(st, &w, &h);
    assert_true(w == 210.0);
    assert_true(h > 203.19 && h < 203.21); /* 1600 px at 200 dpi */
    assert_int_equal(st->srid, 2154);
    assert_string_equal(st->date, "23/11/2026");
    assert_int_equal(st->method, TOB_CLASSIFY_FISHER);
    assert_int_equal(st->k, 6);
    assert_true(st->reverse);
    assert_true(st->labels); /* a [labels] section turns labels on */
    assert_int_equal(st->n_layers, 1);
    assert_string_equal(st->layers[0].level, "epci");
    assert_int_equal(st->layers[0].stroke.r, 0x33);
    assert_true(st->layers[0].stroke_width == 0.5);
    assert_int_equal(st->n_insets, 1);
    assert_int_equal(st->insets[0].srid, 5490);
    assert_int_equal(st->insets[0].position, STYLE_POS_TOP_LEFT);
    tob_style_destroy(st);
}

static void test_defaults(void **state)
{
    (void)state;
    tob_style_t *st =
        parse_ok("[data]\nlevel = commune\nvariable = pop\n", NULL, 0);
    assert_int_equal(st->kind, STYLE_CHOROPLETH);
    assert_int_equal(st->method, TOB_CLASSIFY_QUANTILE);
    assert_int_equal(st->k, 5);
    assert_null(st->date); /* the day of rendering */
    assert_int_equal(st->legend, STYLE_POS_RIGHT);
    assert_false(st->labels);
    assert_true(st->counts);
    tob_style_destroy(st);
    tob_style_destroy(NULL);
}

static void test_overrides(void **state)
{
    (void)state;
    const char *sets[] = {"map.title=Autre titre", "classes.k=4",
                          "inset.mq.position=bottom-right",
                          "layer.dep.level=departement", "map.date=none"};
    tob_style_t *st = parse_ok(full_style, sets, 5);
    assert_string_equal(tob_style_title(st), "Autre titre");
    assert_int_equal(st->k, 4);
    assert_int_equal(st->insets[0].position, STYLE_POS_BOTTOM_RIGHT);
    assert_int_equal(st->n_layers, 2);
    assert_string_equal(st->date, "");
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_style_set(st, "classes.k=3", &err), TOB_OK);
    assert_int_equal(st->k, 3);
    assert_int_equal(tob_style_set(st, "classes.k=30", &err), TOB_ERR_INPUT);
    char buf[2048];
    assert_string_equal(tob_error_format(&err, buf, sizeof buf),
                        "--set: classes.k: 30 is out of range (2 to 12)");
    tob_style_destroy(st);
}

static void test_categories(void **state)
{
    (void)state;
    tob_style_t *st = parse_ok("[data]\nkind = typology\nlevel = epci\n"
                               "expression = substr(name, 1, 2)\n"
                               "[categories]\n"
                               "CA = #1b9e77, Communauté d'agglomération\n"
                               "CC = orange\n",
                               NULL, 0);
    assert_int_equal(st->n_categories, 2);
    assert_string_equal(st->categories[0].value, "CA");
    assert_string_equal(st->categories[0].label, "Communauté d'agglomération");
    assert_int_equal(st->categories[0].color.g, 0x9e);
    assert_string_equal(st->categories[1].label, "CC");
    assert_int_equal(st->categories[1].color.r, 255);
    tob_style_destroy(st);
}

static void test_errors_name_file_line_key(void **state)
{
    (void)state;
    char buf[2048];
    const char *base = "[data]\nlevel = commune\nvariable = pop\n";
    char text[1024];
    static const struct {
        const char *extra;
        const char *want;
    } cases[] = {
        {"[map]\ntitel = x\n", "x.style:5: map.titel: unknown key (did you "
                               "mean 'title'? expected title, subtitle"},
        {"[map]\nwidth = 2000\n", "x.style:5: map.width: '2000' needs a unit"},
        {"[map]\nwidth = 10px\n", "x.style:5: map.width: '10px' is out of"},
        {"[map]\ndpi = abc\n", "x.style:5: map.dpi: 'abc' is not a number"},
        {"[map]\ncrs = lambert\n", "x.style:5: map.crs: 'lambert' is not a "
                                   "CRS"},
        {"[map]\ndate = 31/02/2026\n", "x.style:5: map.date: '31/02/2026' is "
                                       "not a valid date"},
        {"[map]\nnorth = middle\n", "x.style:5: map.north: 'middle' is not "
                                    "a position"},
        {"[data]\nkind = choro\n", "x.style:5: data.kind: 'choro' is not one "
                                   "of choropleth, proportional"},
        {"[classes]\nk = 2.5\n", "x.style:5: classes.k: '2.5' is not a whole"},
        {"[classes]\npalette = YlOrRed\n", "x.style:5: classes.palette: "},
        {"[classes]\nmethod = Fisher\n", "x.style:5: classes.method: "},
        {"[classes]\nreverse = maybe\n", "x.style:5: classes.reverse: 'maybe' "
                                         "is not yes or no"},
        {"[polygons]\nfill = #12345\n", "x.style:5: polygons.fill: "},
        {"[legend]\nposition = center\n", "x.style:5: legend.position: "},
        {"[colours]\na = b\n", "x.style:5: colours.a: unknown section "
                               "[colours]"},
        {"[layer.Epci]\nlevel = epci\n", "x.style:5: layer.Epci.level: "
                                         "section name 'Epci'"},
        {"[layer.epci]\nstroke = #000\n", "x.style:5: layer.epci: missing: "
                                          "the level"},
        {"[data]\nexpression = 1\n", "x.style:5: data.expression: give either"},
        {"[classes]\nmethod = manual\n", "x.style:5: classes.method: method "
                                         "= manual needs breaks"},
        {"[classes]\nmethod = manual\nbreaks = 0, 10, 5\n",
         "x.style:6: classes.breaks: breaks must increase"},
        {"[categories]\nA = red\n", "x.style:5: categories.A: categories "
                                    "are for typology"},
        {"[symbols]\nmax_radius = 5\n", "x.style:5: symbols.max_radius: "
                                        "proportional circles only"},
        {"[inset.mq]\ncrs = 5490\n", "x.style:5: inset.mq: missing filter"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "%s%s", base, cases[i].extra);
        const char *got = parse_error(text, NULL, 0, buf, sizeof buf);
        if (strncmp(got, cases[i].want, strlen(cases[i].want)) != 0)
            fail_msg("case %zu: got '%s', want '%s...'", i, got, cases[i].want);
    }
}

static void test_missing_keys(void **state)
{
    (void)state;
    char buf[2048];
    assert_string_equal(
        parse_error("[map]\ntitle = x\n", NULL, 0, buf, sizeof buf),
        "x.style: data.level: missing: the level to map "
        "(commune, epci...)");
    const char *points = "[data]\nkind = points\n";
    assert_non_null(strstr(parse_error(points, NULL, 0, buf, sizeof buf),
                           "data.sql: missing: kind = points needs"));
    const char *bad_set[] = {"title=x"};
    assert_string_equal(
        parse_error(full_style, bad_set, 1, buf, sizeof buf),
        "--set: 'title=x' is not section.key=value (e.g. map.title=...)");
    const char *bad_value[] = {"map.dpi=-3"};
    assert_string_equal(parse_error(full_style, bad_value, 1, buf, sizeof buf),
                        "--set: map.dpi: -3 is out of range (36 to 1200)");
}

static void test_missing_file(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    tob_style_t *st = NULL;
    assert_int_equal(tob_style_read("/nonexistent/x.style", NULL, 0, &st, &err),
                     TOB_ERR_NOTFOUND);
    assert_null(st);
}

/* Every bundled style must at least read. */
static void test_bundled_styles_read(void **state)
{
    (void)state;
    char dir[4096], path[8192];
    tob_test_src(dir, sizeof dir, "styles");
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".style") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        tob_error_t err;
        tob_error_clear(&err);
        tob_style_t *st = NULL;
        if (tob_style_read(path, NULL, 0, &st, &err) != TOB_OK)
            fail_msg("%s: %s", e->d_name, err.message);
        tob_style_destroy(st);
        n++;
    }
    closedir(d);
    assert_true(n >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_style),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_errors_name_file_line_key),
        cmocka_unit_test(test_missing_keys),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bundled_styles_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
