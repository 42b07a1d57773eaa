/* test_palette.c - palettes and colour parsing.
 * Spot values are ColorBrewer's published hex codes (colorbrewer2.org, the
 * same in R's RColorBrewer and matplotlib) and the first and last anchors
 * of the published colour maps; structural checks run over every scheme. */
#include "terrobs/palette.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static uint32_t hex_of(tob_rgb_t c)
{
    return (uint32_t)c.r << 16 | (uint32_t)c.g << 8 | c.b;
}

static void check_colors(const char *name, size_t n, int reverse,
                         const uint32_t *want)
{
    tob_rgb_t got[256];
    tob_error_t err = {0};
    if (tob_palette_get(name, n, reverse, got, &err) != TOB_OK)
        fail_msg("%s %zu: %s", name, n, err.message);
    for (size_t i = 0; i < n; i++) {
        if (hex_of(got[i]) != want[i] || got[i].a != 255)
            fail_msg("%s %zu colour %zu: got #%06x, want #%06x", name, n, i,
                     (unsigned)hex_of(got[i]), (unsigned)want[i]);
    }
}
#define CHECK(name, n, reverse, ...)                                           \
    check_colors(name, n, reverse, (const uint32_t[]){__VA_ARGS__})

static void test_brewer_published_values(void **state)
{
    (void)state;
    CHECK("Blues", 3, 0, 0xdeebf7, 0x9ecae1, 0x3182bd);
    CHECK("Blues", 5, 0, 0xeff3ff, 0xbdd7e7, 0x6baed6, 0x3182bd, 0x08519c);
    CHECK("YlOrRd", 9, 0, 0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c,
          0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026);
    CHECK("RdBu", 5, 0, 0xca0020, 0xf4a582, 0xf7f7f7, 0x92c5de, 0x0571b0);
    CHECK("RdYlGn", 11, 0, 0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee08b,
          0xffffbf, 0xd9ef8b, 0xa6d96a, 0x66bd63, 0x1a9850, 0x006837);
    CHECK("Set1", 9, 0, 0xe41a1c, 0x377eb8, 0x4daf4a, 0x984ea3, 0xff7f00,
          0xffff33, 0xa65628, 0xf781bf, 0x999999);
    CHECK("Paired", 12, 0, 0xa6cee3, 0x1f78b4, 0xb2df8a, 0x33a02c, 0xfb9a99,
          0xe31a1c, 0xfdbf6f, 0xff7f00, 0xcab2d6, 0x6a3d9a, 0xffff99, 0xb15928);
    CHECK("Set3", 12, 0, 0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3,
          0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9, 0xbc80bd, 0xccebc5, 0xffed6f);
    CHECK("Greys", 4, 1, 0x525252, 0x969696, 0xcccccc, 0xf7f7f7);
}

static void test_small_n(void **state)
{
    (void)state;
    CHECK("Blues", 2, 0, 0xdeebf7, 0x3182bd);
    CHECK("Blues", 1, 0, 0x9ecae1);
    CHECK("Set2", 2, 0, 0x66c2a5, 0xfc8d62);
    CHECK("Set2", 1, 0, 0x66c2a5);
}

static void test_colour_maps(void **state)
{
    (void)state;
    CHECK("viridis", 2, 0, 0x440154, 0xfde725);
    CHECK("magma", 2, 0, 0x000004, 0xfcfdbf);
    CHECK("inferno", 2, 0, 0x000004, 0xfcffa4);
    CHECK("plasma", 2, 0, 0x0d0887, 0xf0f921);
    CHECK("cividis", 2, 1, 0xffea46, 0x00204d);
    /* anchors 0, 64, 128, 191, 255 */
    CHECK("viridis", 5, 0, 0x440154, 0x3b528b, 0x21918c, 0x5cc863, 0xfde725);
    tob_rgb_t all[256], again[256];
    assert_int_equal(tob_palette_get("magma", 256, 0, all, NULL), TOB_OK);
    assert_int_equal(tob_palette_get("magma", 256, 1, again, NULL), TOB_OK);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(hex_of(all[i]), hex_of(again[255 - i]));
}

/* Relative luminance proxy, enough to see light-to-dark order. */
static double luma(tob_rgb_t c)
{
    return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

/* Every scheme of every size: sequential ones go light to dark (catches a
 * table shifted by one), diverging ones are lightest in the middle. */
static void test_every_scheme(void **state)
{
    (void)state;
    const char *wanted[] = {
        "Blues",   "Greens",  "Greys",    "Oranges", "Purples", "Reds",
        "BuGn",    "BuPu",    "GnBu",     "OrRd",    "PuBu",    "PuBuGn",
        "PuRd",    "RdPu",    "YlGn",     "YlGnBu",  "YlOrBr",  "YlOrRd",
        "BrBG",    "PiYG",    "PRGn",     "PuOr",    "RdBu",    "RdGy",
        "RdYlBu",  "RdYlGn",  "Spectral", "Set1",    "Set2",    "Set3",
        "Pastel1", "Pastel2", "Dark2",    "Paired",  "Accent",  "viridis",
        "magma",   "plasma",  "inferno",  "cividis"};
    size_t n_wanted = sizeof wanted / sizeof wanted[0];
    assert_int_equal(tob_palette_count(), n_wanted);
    for (size_t p = 0; p < n_wanted; p++) {
        const tob_palette_info_t *info = tob_palette_find(wanted[p]);
        if (info == NULL)
            fail_msg("palette %s missing", wanted[p]);
        assert_ptr_equal(tob_palette_info_at(p), info);
        int brewer = info->max_colors < 256;
        for (size_t n = 3; brewer && n <= info->max_colors; n++) {
            tob_rgb_t c[12];
            assert_int_equal(tob_palette_get(info->name, n, 0, c, NULL),
                             TOB_OK);
            for (size_t i = 1; info->kind == TOB_PALETTE_SEQUENTIAL && i < n;
                 i++)
                if (!(luma(c[i]) < luma(c[i - 1])))
                    fail_msg("%s %zu: colour %zu not darker", info->name, n, i);
            if (info->kind == TOB_PALETTE_DIVERGING) {
                double mid = luma(c[n / 2]);
                assert_true(luma(c[0]) < mid && luma(c[n - 1]) < mid);
            }
        }
    }
    assert_null(tob_palette_info_at(n_wanted));
    assert_int_equal(tob_palette_find("Set3")->max_colors, 12);
    assert_int_equal(tob_palette_find("RdBu")->kind, TOB_PALETTE_DIVERGING);
    assert_string_equal(tob_palette_kind_name(TOB_PALETTE_QUALITATIVE),
                        "qualitative");
}

static void expect_palette_error(const char *name, size_t n, tob_status_t code,
                                 const char *needle)
{
    tob_rgb_t c[300];
    tob_error_t err = {0};
    assert_int_equal(tob_palette_get(name, n, 0, c, &err), code);
    if (strstr(err.message, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

static void test_palette_errors(void **state)
{
    (void)state;
    expect_palette_error("blues", 5, TOB_ERR_NOTFOUND, "did you mean 'Blues'");
    expect_palette_error("Bleus", 5, TOB_ERR_NOTFOUND, "'Blues'");
    expect_palette_error("Viridis", 5, TOB_ERR_NOTFOUND, "'viridis'");
    expect_palette_error("rainbow", 5, TOB_ERR_NOTFOUND,
                         "known: Blues, Greens");
    expect_palette_error("Blues", 10, TOB_ERR_ARG,
                         "palette 'Blues' has 1..9 colours, not 10");
    expect_palette_error("Paired", 0, TOB_ERR_ARG, "not 0");
    expect_palette_error("viridis", 257, TOB_ERR_ARG, "1..256");
    expect_palette_error(NULL, 3, TOB_ERR_NOTFOUND, "unknown palette ''");
}

static void check_parse(const char *text, uint32_t rgb, int alpha)
{
    tob_rgb_t c;
    tob_error_t err = {0};
    if (tob_color_parse(text, &c, &err) != TOB_OK)
        fail_msg("'%s': %s", text, err.message);
    assert_int_equal(hex_of(c), rgb);
    assert_int_equal(c.a, alpha);
}

static void test_color_parse(void **state)
{
    (void)state;
    check_parse("#3182bd", 0x3182bd, 255);
    check_parse("#3182BD", 0x3182bd, 255);
    check_parse("#fA0", 0xffaa00, 255);
    check_parse("#3182bd80", 0x3182bd, 0x80);
    check_parse("white", 0xffffff, 255);
    check_parse("black", 0x000000, 255);
    check_parse("grey", 0x808080, 255);
    check_parse("Gray", 0x808080, 255);
    check_parse("lightgrey", 0xd3d3d3, 255);
    check_parse("steelblue", 0x4682b4, 255);
    check_parse("rebeccapurple", 0x663399, 255);
    check_parse("transparent", 0x000000, 0);
    const char *bad[] = {"#12345", "#ggg", "3182bd", "#", "", "#3182bd8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tob_rgb_t c;
        tob_error_t err = {0};
        assert_int_equal(tob_color_parse(bad[i], &c, &err), TOB_ERR_INPUT);
        assert_non_null(strstr(err.message, "is not a colour"));
    }
    tob_rgb_t c;
    tob_error_t err = {0};
    assert_int_equal(tob_color_parse("gery", &c, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "did you mean 'grey'"));
}

static void test_color_format(void **state)
{
    (void)state;
    char buf[10];
    assert_string_equal(
        tob_color_format((tob_rgb_t){49, 130, 189, 255}, buf, sizeof buf),
        "#3182bd");
    assert_string_equal(
        tob_color_format((tob_rgb_t){0, 0, 0, 0}, buf, sizeof buf),
        "#00000000");
    tob_rgb_t c;
    assert_int_equal(tob_color_parse(buf, &c, NULL), TOB_OK);
    assert_int_equal(c.a, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brewer_published_values),
        cmocka_unit_test(test_small_n),
        cmocka_unit_test(test_colour_maps),
        cmocka_unit_test(test_every_scheme),
        cmocka_unit_test(test_palette_errors),
        cmocka_unit_test(test_color_parse),
        cmocka_unit_test(test_color_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
