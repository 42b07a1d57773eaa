/* test_ini.c - the INI-like syntax shared by layers, styles and templates. */
#include "terrobs/ini.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

typedef struct seen {
    char text[1024];
    int n;
} seen_t;

static tob_status_t collect(void *user, const char *section, const char *key,
                            const char *value, long line, tob_error_t *err)
{
    seen_t *seen = user;
    if (strcmp(key, "boom") == 0)
        return tob_error_set(err, TOB_ERR_INPUT, "bad value '%s'", value);
    size_t used = strlen(seen->text);
    snprintf(seen->text + used, sizeof seen->text - used, "%ld:%s.%s=%s;", line,
             section, key, value);
    seen->n++;
    return TOB_OK;
}

static tob_status_t parse(const char *text, seen_t *seen, tob_error_t *err)
{
    memset(seen, 0, sizeof *seen);
    tob_error_clear(err);
    return tob_ini_parse_text(text, strlen(text), "x.style", collect, seen,
                              err);
}

static void test_sections_keys_comments(void **state)
{
    (void)state;
    seen_t seen;
    tob_error_t err;
    const char *text = "\xEF\xBB\xBF# comment\n"
                       "title = Densité de population\r\n"
                       "\n"
                       "[legend]\n"
                       "; another comment\n"
                       "  position=bottom-left  \n"
                       "label = \"  # kept\"\n";
    assert_int_equal(parse(text, &seen, &err), TOB_OK);
    assert_string_equal(seen.text, "2:.title=Densité de population;"
                                   "6:legend.position=bottom-left;"
                                   "7:legend.label=  # kept;");
}

static void test_syntax_errors_name_line(void **state)
{
    (void)state;
    seen_t seen;
    tob_error_t err;
    char buf[2048];
    assert_int_equal(parse("a = 1\nno equals sign\n", &seen, &err),
                     TOB_ERR_INPUT);
    assert_string_equal(tob_error_format(&err, buf, sizeof buf),
                        "x.style:2: expected 'key = value' or '[section]'");
    assert_int_equal(parse("[legend\n", &seen, &err), TOB_ERR_INPUT);
    assert_int_equal(err.row, 1);
    assert_int_equal(parse("a = \"open\n", &seen, &err), TOB_ERR_INPUT);
    assert_int_equal(parse("a = \xC3\x28\n", &seen, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(parse(" = x\n", &seen, &err), TOB_ERR_INPUT);
}

static void test_handler_error_gets_location(void **state)
{
    (void)state;
    seen_t seen;
    tob_error_t err;
    char buf[2048];
    assert_int_equal(parse("a = 1\n\nboom = 7\n", &seen, &err), TOB_ERR_INPUT);
    assert_string_equal(tob_error_format(&err, buf, sizeof buf),
                        "x.style:3: boom: bad value '7'");
}

static void test_nul_and_long_lines(void **state)
{
    (void)state;
    seen_t seen;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_ini_parse_text("a\0b", 3, "x", collect, &seen, &err),
                     TOB_ERR_INPUT);
    static char big[70000];
    memset(big, 'a', sizeof big - 1);
    big[0] = 'k';
    big[1] = '=';
    assert_int_equal(parse(big, &seen, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "64 KiB"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_keys_comments),
        cmocka_unit_test(test_syntax_errors_name_line),
        cmocka_unit_test(test_handler_error_gets_location),
        cmocka_unit_test(test_nul_and_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
