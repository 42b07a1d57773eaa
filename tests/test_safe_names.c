/* test_safe_names.c - file names built from what partners write (territory
 * names and codes) can never leave the output folder, hide, or hold
 * anything a shell, a zip tool or Windows would misread. Adversarial
 * inputs for tob_text_slug() and tob_atlas_file_name(). */
#include "terrobs/atlas.h"
#include "terrobs/cells.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Only [a-z0-9-], no '-' at either end, 1..TOB_SLUG_MAX bytes. */
static void assert_safe_slug(const char *slug)
{
    size_t n = strlen(slug);
    assert_true(n >= 1 && n <= TOB_SLUG_MAX);
    for (size_t i = 0; i < n; i++)
        assert_true((slug[i] >= 'a' && slug[i] <= 'z') ||
                    (slug[i] >= '0' && slug[i] <= '9') || slug[i] == '-');
    assert_true(slug[0] != '-' && slug[n - 1] != '-');
}

/* A plain file name: [A-Za-z0-9_-]+ then ".pdf", not hidden. */
static void assert_safe_file(const char *file)
{
    size_t n = strlen(file);
    assert_true(n > 4 && strcmp(file + n - 4, ".pdf") == 0);
    assert_true(file[0] != '.' && file[0] != '-');
    for (size_t i = 0; i < n - 4; i++)
        assert_true((file[i] >= 'A' && file[i] <= 'Z') ||
                    (file[i] >= 'a' && file[i] <= 'z') ||
                    (file[i] >= '0' && file[i] <= '9') || file[i] == '-' ||
                    file[i] == '_');
    assert_true(n <= 64 + 1 + TOB_SLUG_MAX + 4);
}

static const char *const hostile_names[] = {
    "../../../etc/passwd",
    "/etc/shadow",
    "..",
    ".",
    ".bashrc",
    "~root",
    "C:\\Windows\\System32\\drivers\\etc\\hosts",
    "\\\\server\\share\\x",
    "a:b:c",
    "CON",
    "nul.txt",
    "-rf",
    "--help",
    "$(rm -rf /)",
    "`id`",
    "a;b|c&d>e<f",
    "name\nwith\rnewlines\tand\ttabs",
    "\x1b[31mred\x1b[0m",
    "\xC0\xAE\xC0\xAE/\xC0\xAF",            /* overlong '.', '.', '/' */
    "\xE2\x80\xA4\xE2\x80\xA4\xEF\xBC\x8F", /* one-dot leaders, fullwidth / */
    "\xE2\x80\xAE"
    "fdp.exe", /* right-to-left override */
    "a\xE2\x80\x8D\xE2\x80\x8B"
    "b",                                /* zero-width joiner, space */
    "\xF0\x9F\x98\x80\xF0\x9F\x8F\xB3", /* emoji only */
    "\xFF\xFE\xFD",                     /* not UTF-8 at all */
    "",
    "   ",
    "Saint-Étienne-du-Rouvray",
    "Cœur d'Ostrevent",
};

static void test_slug_of_hostile_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile_names / sizeof hostile_names[0];
         i++) {
        char slug[TOB_SLUG_MAX + 1];
        tob_text_slug(hostile_names[i], slug, sizeof slug);
        assert_safe_slug(slug);
        assert_null(strstr(slug, ".."));
    }
    char slug[TOB_SLUG_MAX + 1];
    assert_string_equal(tob_text_slug("\xC0\xAE\xC0\xAE/", slug, sizeof slug),
                        "sans-nom");
    assert_string_equal(tob_text_slug("$(rm -rf /)", slug, sizeof slug),
                        "rm-rf");
    assert_string_equal(tob_text_slug("\xE2\x80\xAE"
                                      "fdp.exe",
                                      slug, sizeof slug),
                        "fdp-exe");
}

static void test_long_names_are_cut_safely(void **state)
{
    (void)state;
    static char name[100001];
    /* 'é' is 2 bytes: a cut in the middle of one must not show. */
    for (size_t i = 0; i + 2 <= 100000; i += 2)
        memcpy(name + i, "\xC3\xA9", 2);
    name[100000] = '\0';
    char slug[TOB_SLUG_MAX + 1];
    tob_text_slug(name, slug, sizeof slug);
    assert_safe_slug(slug);
    assert_int_equal(strlen(slug), TOB_SLUG_MAX);
    for (size_t size = 1; size <= 12; size++) {
        char small[12];
        memset(small, 'X', sizeof small);
        tob_text_slug("Grand Amiénois", small, size);
        assert_true(strlen(small) < size);
        if (size > 1)
            assert_true(small[strlen(small) - 1] != '-');
    }
}

static void test_atlas_file_names(void **state)
{
    (void)state;
    static const char *const hostile_codes[] = {
        "../x",     "/tmp/y",
        "..",       ".hidden",
        "a b",      "2A004",
        "QN05901M", "x'); DROP TABLE territory;--",
        "\x1b[2J",  "\xC0\xAE\xC0\xAE",
        "",         "-rf"};
    char file[512];
    for (size_t c = 0; c < sizeof hostile_codes / sizeof hostile_codes[0]; c++)
        for (size_t n = 0; n < sizeof hostile_names / sizeof hostile_names[0];
             n++) {
            tob_atlas_file_name(hostile_codes[c], hostile_names[n], file,
                                sizeof file);
            if (hostile_codes[c][0] != '\0')
                assert_safe_file(file);
            assert_null(strchr(file, '/'));
            assert_null(strstr(file, ".."));
        }
    assert_string_equal(
        tob_atlas_file_name("2A004", "Ajaccio", file, sizeof file),
        "2A004-ajaccio.pdf");
    assert_string_equal(
        tob_atlas_file_name("../x", "../../etc/passwd", file, sizeof file),
        "___x-etc-passwd.pdf");
    assert_string_equal(tob_atlas_file_name("-rf", "x", file, sizeof file),
                        "_rf-x.pdf");
    /* A code longer than the name's budget is cut, never overflowing. */
    char code[300];
    memset(code, '9', sizeof code - 1);
    code[sizeof code - 1] = '\0';
    tob_atlas_file_name(code, "Nom", file, sizeof file);
    assert_true(strlen(file) < 64 + 1 + TOB_SLUG_MAX + 4);
    assert_true(strcmp(file + strlen(file) - 8, "-nom.pdf") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slug_of_hostile_names),
        cmocka_unit_test(test_long_names_are_cut_safely),
        cmocka_unit_test(test_atlas_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
