/* test_cells.c - cells.h: French and English numbers, dates, French
 * formatting, UTF-8, slugs and header folding. */
#include "terrobs/cells.h"

#include "base/plural_fr.h"

#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"

static double number_ok(const char *text)
{
    double v = -12345.0;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t status = tob_cell_parse_number(text, &v, &err);
    if (status != TOB_OK)
        fail_msg("'%s': %s", text, err.message);
    return v;
}

/* Parses text, expects TOB_ERR_INPUT and a message containing want. */
static void number_fails(const char *text, const char *want)
{
    double v = 1.0;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_cell_parse_number(text, &v, &err), TOB_ERR_INPUT);
    assert_true(isnan(v));
    assert_int_equal(err.code, TOB_ERR_INPUT);
    if (strstr(err.message, want) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", text, err.message, want);
}

static void test_number_french_and_english(void **state)
{
    (void)state;
    assert_true(number_ok("1234,5") == 1234.5);
    assert_true(number_ok("1234.5") == 1234.5);
    assert_true(number_ok("1 234,5") == 1234.5);
    assert_true(number_ok("1" NBSP "234,5") == 1234.5);
    assert_true(number_ok("1" NNBSP "234" NNBSP "567,25") == 1234567.25);
    assert_true(number_ok("1'234'567.5") == 1234567.5);
    assert_true(number_ok("1\xE2\x80\x99"
                          "234") == 1234.0);
    assert_true(number_ok("1.234,5") == 1234.5);
    assert_true(number_ok("1,234.5") == 1234.5);
    assert_true(number_ok("1.234.567") == 1234567.0);
    assert_true(number_ok("1,234,567") == 1234567.0);
    assert_true(number_ok("1 234 567") == 1234567.0);
    assert_true(number_ok("0,125") == 0.125);
    assert_true(number_ok(",5") == 0.5);
    assert_true(number_ok("12") == 12.0);
    assert_true(number_ok("01004") == 1004.0);
}

static void test_number_ambiguous_single_mark(void **state)
{
    (void)state;
    /* One ',' or '.' is always the decimal mark: French files first. */
    assert_true(number_ok("1,234") == 1.234);
    assert_true(number_ok("1.234") == 1.234);
    assert_true(number_ok("12,345") == 12.345);
}

static void test_number_sign_exponent_spaces(void **state)
{
    (void)state;
    assert_true(number_ok("-12,5") == -12.5);
    assert_true(number_ok("+12,5") == 12.5);
    assert_true(number_ok("\xE2\x88\x92"
                          "3") == -3.0); /* U+2212 */
    assert_true(number_ok("1e5") == 1e5);
    assert_true(number_ok("1,5E-3") == 1.5e-3);
    assert_true(number_ok("2.5e+2") == 250.0);
    assert_true(number_ok("  42 ") == 42.0);
    assert_true(number_ok(NBSP "42" NBSP "\t") == 42.0);
    assert_true(number_ok("0.1") == 0.1); /* correctly rounded */
    assert_true(number_ok("123456789012345678") == 123456789012345678.0);
    double z = number_ok("-0");
    assert_true(z == 0.0 && !signbit(z));
    assert_true(number_ok("0e-400") == 0.0); /* zero is zero at any scale */
    assert_true(number_ok("2.2250738585072014e-308") > 0.0); /* DBL_MIN */
}

static void test_number_blank_is_missing(void **state)
{
    (void)state;
    assert_true(isnan(number_ok("")));
    assert_true(isnan(number_ok("   ")));
    assert_true(isnan(number_ok(NBSP "\t" NNBSP)));
    assert_true(isnan(number_ok(NULL)));
    assert_true(tob_cell_is_blank(" \t" NBSP));
    assert_false(tob_cell_is_blank(" 0 "));
    assert_false(tob_cell_is_blank("\xC2")); /* a lone lead byte */
}

static void test_number_rejects_text(void **state)
{
    (void)state;
    number_fails("12abc", "'12abc' is not a number");
    number_fails("n/a", "'n/a' is not a number");
    number_fails("abc", "is not a number");
    number_fails("=HYPERLINK(\"http://x\";\"12\")", "is not a number");
    number_fails("inf", "is not a number");
    number_fails("-Infinity", "is not a number");
    number_fails("nan", "is not a number");
    number_fails("0x1A", "is not a number");
    number_fails("12 %", "without '%'");
    number_fails("12%", "without '%'");
    number_fails("1e400", "out of range");
    number_fails("-1e400", "out of range");
    /* underflow: a value that reads as 0 is as wrong as one read as inf */
    number_fails("1e-400", "out of range: too small");
    number_fails("-2,5e-330", "out of range: too small");
    number_fails("1e", "is not a number");
    number_fails("e5", "is not a number");
    number_fails("-", "is not a number");
    number_fails(".", "is not a number");
    number_fails("+-5", "is not a number");
    number_fails("- 5", "is not a number");
    number_fails("1 2", "is not a number");
}

static void test_number_rejects_bad_grouping(void **state)
{
    (void)state;
    number_fails("12 34", "is not a number");
    number_fails("1234 567", "is not a number");
    number_fails("1  234", "is not a number");
    number_fails("1,2,3", "is not a number");
    number_fails("1.234,5.6", "is not a number");
    number_fails("1,234.5,6", "is not a number");
    number_fails("1 234.567,5", "is not a number"); /* two separators */
    number_fails("1,234 567", "is not a number");
    number_fails("3,141 592", "is not a number"); /* no groups in fraction */
}

static void test_number_long_input(void **state)
{
    (void)state;
    size_t n = 100000;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, '7', n);
    text[n] = '\0';
    number_fails(text, "too many digits");
    tob_error_t err;
    tob_error_clear(&err);
    double v;
    assert_int_equal(tob_cell_parse_number(text, &v, &err), TOB_ERR_INPUT);
    assert_true(strlen(err.message) < 120); /* the quote is cut */
    assert_non_null(strstr(err.message, "..."));
    /* 0.000...0001 and 1000...000 are few significant digits */
    memset(text, '0', n);
    text[1] = ',';
    text[n - 1] = '1';
    number_fails(text, "too small"); /* 1e-99998 underflows */
    memset(text, '0', n);
    text[0] = '1';
    number_fails(text, "out of range");
    memset(text, 'x', n);
    number_fails(text, "is not a number");
    free(text);
}

static void test_number_locale_independent(void **state)
{
    (void)state;
    /* A French locale makes libc print and read ',' (strtod("1.5") is 1
     * there): we must not care. Build the locale if it is not installed. */
    if (setlocale(LC_ALL, "fr_FR.UTF-8") == NULL) {
        const char *tmp = getenv("TOB_TMP");
        char cmd[1024];
        if (tmp == NULL)
            skip();
        snprintf(cmd, sizeof cmd,
                 "mkdir -p '%s/locale' && localedef -i fr_FR -f UTF-8 "
                 "'%s/locale/fr_FR.UTF-8' >/dev/null 2>&1",
                 tmp, tmp);
        if (system(cmd) != 0)
            skip();
        snprintf(cmd, sizeof cmd, "%s/locale", tmp);
        setenv("LOCPATH", cmd, 1);
        if (setlocale(LC_ALL, "fr_FR.UTF-8") == NULL)
            skip();
    }
    assert_true(strtod("1.5", NULL) == 1.0); /* the hazard is there */
    double v = number_ok("1234.5");
    char buf[TOB_FMT_MAX];
    tob_fmt_number_fr(1234.5, 1, buf, sizeof buf);
    setlocale(LC_ALL, "C");
    assert_true(v == 1234.5);
    assert_string_equal(buf, "1" NBSP "234,5");
}

static void test_parse_int(void **state)
{
    (void)state;
    tob_error_t err;
    tob_error_clear(&err);
    long long v = 0;
    assert_int_equal(tob_cell_parse_int("2026", &v, &err), TOB_OK);
    assert_int_equal(v, 2026);
    assert_int_equal(tob_cell_parse_int("1 234 567", &v, &err), TOB_OK);
    assert_int_equal(v, 1234567);
    assert_int_equal(tob_cell_parse_int("-12", &v, &err), TOB_OK);
    assert_int_equal(v, -12);
    assert_int_equal(tob_cell_parse_int("2026,0", &v, &err), TOB_OK);
    assert_int_equal(v, 2026);
    assert_int_equal(tob_cell_parse_int(" ", &v, &err), TOB_OK);
    assert_true(v == TOB_CELL_INT_MISSING);
    assert_int_equal(tob_cell_parse_int("12,5", &v, &err), TOB_ERR_INPUT);
    assert_string_equal(err.message, "'12,5' is not a whole number");
    assert_true(v == TOB_CELL_INT_MISSING);
    tob_error_clear(&err);
    assert_int_equal(tob_cell_parse_int("1e20", &v, &err), TOB_ERR_INPUT);
    assert_non_null(strstr(err.message, "out of range"));
    tob_error_clear(&err);
    assert_int_equal(tob_cell_parse_int("douze", &v, &err), TOB_ERR_INPUT);
    assert_string_equal(err.message, "'douze' is not a number");
}

static void date_ok(const char *text, int y, int m, int d)
{
    int yy = -1, mm = -1, dd = -1;
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_cell_parse_date(text, &yy, &mm, &dd, &err) != TOB_OK)
        fail_msg("'%s': %s", text, err.message);
    assert_int_equal(yy, y);
    assert_int_equal(mm, m);
    assert_int_equal(dd, d);
}

static void date_fails(const char *text, const char *message)
{
    int y = -1, m = -1, d = -1;
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_cell_parse_date(text, &y, &m, &d, &err),
                     TOB_ERR_INPUT);
    assert_int_equal(y + m + d, 0);
    if (strstr(err.message, message) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", text, err.message, message);
}

static void test_dates(void **state)
{
    (void)state;
    date_ok("22/11/2026", 2026, 11, 22);
    date_ok("2/1/2026", 2026, 1, 2);
    date_ok("22-11-2026", 2026, 11, 22);
    date_ok("22.11.2026", 2026, 11, 22);
    date_ok("2026-11-22", 2026, 11, 22);
    date_ok("2026/11/22", 2026, 11, 22);
    date_ok("2026-11-22T10:30:00+01:00", 2026, 11, 22);
    date_ok("2026-11-22T10:30:00Z", 2026, 11, 22);
    date_ok("2026/11/22 00:00:00", 2026, 11, 22);
    date_ok("22/11/2026 14:05", 2026, 11, 22);
    date_ok("22/11/2026 23:59:60", 2026, 11, 22); /* a leap second */
    date_ok("2026-11-22T24:00:00", 2026, 11, 22);
    date_ok("2026-11-22T10:30:00.125-0330", 2026, 11, 22);
    date_ok(" 29/02/2024 ", 2024, 2, 29);
    date_ok("29/02/2000", 2000, 2, 29);
    date_ok("", 0, 0, 0);
    date_ok("  ", 0, 0, 0);
}

static void test_dates_invalid(void **state)
{
    (void)state;
    date_fails("31/02/2025", "'31/02/2025' is not a valid date");
    date_fails("29/02/2025", "is not a valid date");
    date_fails("29/02/1900", "is not a valid date");
    date_fails("31/04/2026", "is not a valid date");
    date_fails("11/22/2026", "is not a valid date"); /* no month first */
    date_fails("00/01/2026", "is not a valid date");
    date_fails("22/11/26", "4-digit year");
    date_fails("22/11-2026", "is not a date");
    date_fails("2026-11", "is not a date");
    date_fails("46348", "is not a date");
    date_fails("22/11/2026abc", "is not a date");
    date_fails("2026-11-22Tnoon", "is not a date");
    /* the time after a date is read too */
    date_fails("22/11/2026 25:61", "its time is out of range");
    date_fails("22/11/2026 23:60", "its time is out of range");
    date_fails("2026-11-22T10:30:61", "its time is out of range");
    date_fails("2026-11-22T10:30:00+25:00", "its time is out of range");
    date_fails("22/11/2026 14:5", "is not a date");
    date_fails("22/11/2026 14:05:00:00", "is not a date");
    date_fails("22/11/02026", "is not a date");
    date_fails("demain", "'demain' is not a date");
    assert_true(tob_date_is_valid(2024, 2, 29));
    assert_false(tob_date_is_valid(2023, 2, 29));
    assert_false(tob_date_is_valid(2026, 13, 1));
    assert_false(tob_date_is_valid(999, 1, 1));
}

static void test_fmt_number(void **state)
{
    (void)state;
    char b[TOB_FMT_MAX];
    assert_string_equal(tob_fmt_number_fr(12345.6, 1, b, sizeof b),
                        "12" NBSP "345,6");
    assert_string_equal(tob_fmt_number_fr(1234567, 0, b, sizeof b),
                        "1" NBSP "234" NBSP "567");
    assert_string_equal(tob_fmt_number_fr(-1234.5, 2, b, sizeof b),
                        "-1" NBSP "234,50");
    assert_string_equal(tob_fmt_number_fr(999, 0, b, sizeof b), "999");
    assert_string_equal(tob_fmt_number_fr(0.5, 0, b, sizeof b), "1");
    assert_string_equal(tob_fmt_number_fr(-0.5, 0, b, sizeof b), "-1");
    assert_string_equal(tob_fmt_number_fr(2.5, 0, b, sizeof b), "3");
    assert_string_equal(tob_fmt_number_fr(0.125, 2, b, sizeof b), "0,13");
    assert_string_equal(tob_fmt_number_fr(2.675, 2, b, sizeof b), "2,68");
    assert_string_equal(tob_fmt_number_fr(999.96, 1, b, sizeof b),
                        "1" NBSP "000,0");
    assert_string_equal(tob_fmt_number_fr(0.04, 1, b, sizeof b), "0,0");
    assert_string_equal(tob_fmt_number_fr(-0.04, 1, b, sizeof b), "0,0");
    assert_string_equal(tob_fmt_number_fr(-0.0, 0, b, sizeof b), "0");
    assert_string_equal(tob_fmt_number_fr(0.004, 0, b, sizeof b), "0");
    assert_string_equal(tob_fmt_number_fr(1e-300, 2, b, sizeof b), "0,00");
    assert_string_equal(tob_fmt_number_fr(0.1 + 0.2, 20, b, sizeof b),
                        "0,300000000");
    assert_string_equal(tob_fmt_number_fr(NAN, 1, b, sizeof b), "n.d.");
    assert_string_equal(tob_fmt_number_fr(INFINITY, 1, b, sizeof b), "n.d.");
    assert_string_equal(tob_fmt_number_fr(7, -3, b, sizeof b), "7");
}

static void test_fmt_number_extremes(void **state)
{
    (void)state;
    char b[TOB_FMT_MAX];
    tob_fmt_number_fr(-1.7976931348623157e308, 9, b, sizeof b);
    assert_true(strlen(b) > 500 && strlen(b) < TOB_FMT_MAX);
    assert_memory_equal(b, "-179" NBSP "769" NBSP "313" NBSP "486", 19);
    char small[6];
    assert_string_equal(tob_fmt_number_fr(12345.6, 1, small, sizeof small),
                        ""); /* never a cut number */
    char seven[8];
    assert_string_equal(tob_fmt_number_fr(12345, 0, seven, sizeof seven),
                        "12" NBSP "345");
}

static void test_fmt_percent_money_date(void **state)
{
    (void)state;
    char b[TOB_FMT_MAX];
    assert_string_equal(tob_fmt_percent_fr(12.34, 1, b, sizeof b),
                        "12,3" NBSP "%");
    assert_string_equal(tob_fmt_percent_fr(NAN, 1, b, sizeof b), "n.d.");
    assert_string_equal(tob_fmt_money_fr(1234567, 0, b, sizeof b),
                        "1" NBSP "234" NBSP "567" NBSP "\xE2\x82\xAC");
    assert_string_equal(tob_fmt_money_fr(-1234.5, 2, b, sizeof b),
                        "-1" NBSP "234,50" NBSP "\xE2\x82\xAC");
    assert_string_equal(tob_fmt_date_fr(2026, 11, 22, b, sizeof b),
                        "22/11/2026");
    assert_string_equal(tob_fmt_date_fr(2026, 1, 2, b, sizeof b), "02/01/2026");
    assert_string_equal(tob_fmt_date_fr(0, 0, 0, b, sizeof b), "n.d.");
    assert_string_equal(tob_fmt_date_fr(2025, 2, 31, b, sizeof b), "n.d.");
    char ten[10];
    assert_string_equal(tob_fmt_date_fr(2026, 11, 22, ten, sizeof ten), "");
}

static void test_utf8(void **state)
{
    (void)state;
    const char *ok = "Amiénois œ € \xF0\x9F\x97\xBA";
    assert_true(tob_text_is_utf8(ok, strlen(ok)));
    assert_true(tob_text_is_utf8("", 0));
    assert_false(tob_text_is_utf8("Ami\xE9nois", 8));      /* Latin-1 */
    assert_false(tob_text_is_utf8("\xC0\xAF", 2));         /* overlong */
    assert_false(tob_text_is_utf8("\xE0\x80\xAF", 3));     /* overlong */
    assert_false(tob_text_is_utf8("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(tob_text_is_utf8("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(tob_text_is_utf8("\xE2\x82", 2));         /* truncated */
    assert_false(tob_text_is_utf8("\x80", 1));
    assert_true(tob_text_is_utf8("a\0b", 3));
}

static void test_slug(void **state)
{
    (void)state;
    char b[128];
    assert_string_equal(tob_text_slug("Cœur d'Ostrevent", b, sizeof b),
                        "coeur-d-ostrevent");
    assert_string_equal(tob_text_slug("CA du Grand Amiénois", b, sizeof b),
                        "ca-du-grand-amienois");
    assert_string_equal(
        tob_text_slug("Sotteville-lès-Rouen / Île:Ça ÆØß", b, sizeof b),
        "sotteville-les-rouen-ile-ca-aeoss");
    assert_string_equal(tob_text_slug("../../etc/passwd", b, sizeof b),
                        "etc-passwd");
    assert_string_equal(tob_text_slug("a\n\tb\x01"
                                      "c\x7F",
                                      b, sizeof b),
                        "a-b-c");
    assert_string_equal(tob_text_slug("Ami\xE9nois", b, sizeof b),
                        "ami-nois"); /* invalid UTF-8 is a separator */
    assert_string_equal(tob_text_slug("...", b, sizeof b), "sans-nom");
    assert_string_equal(tob_text_slug("", b, sizeof b), "sans-nom");
    assert_string_equal(tob_text_slug("C:\\Łódź", b, sizeof b), "c-lodz");
    char long_name[400];
    for (size_t i = 0; i < 399; i++)
        long_name[i] = i % 10 == 9 ? ' ' : 'a';
    long_name[399] = '\0';
    tob_text_slug(long_name, b, sizeof b);
    assert_true(strlen(b) <= TOB_SLUG_MAX);
    assert_true(strlen(b) >= TOB_SLUG_MAX - 10);
    assert_true(b[strlen(b) - 1] != '-');
    char small[5];
    assert_string_equal(tob_text_slug("Grand Amiénois", small, sizeof small),
                        "gran");
}

static void test_fold(void **state)
{
    (void)state;
    char b[128];
    assert_string_equal(tob_text_fold("Code INSEE", b, sizeof b), "code_insee");
    assert_string_equal(tob_text_fold("  code-insee ", b, sizeof b),
                        "code_insee");
    assert_string_equal(tob_text_fold("CODE__INSEE", b, sizeof b),
                        "code_insee");
    assert_string_equal(tob_text_fold("Maître d’ouvrage", b, sizeof b),
                        "maitre_d_ouvrage");
    assert_string_equal(tob_text_fold("Date de clôture" NBSP, b, sizeof b),
                        "date_de_cloture");
    assert_string_equal(tob_text_fold("ŒUVRE Été", b, sizeof b), "oeuvre_ete");
    assert_string_equal(tob_text_fold("N° de l’opération", b, sizeof b),
                        "n°_de_l_operation");
    assert_string_equal(tob_text_fold("Coût (€)", b, sizeof b), "cout_(€)");
}

static void test_fold_small_buffer(void **state)
{
    (void)state;
    char b[6];
    /* "été" folds to "ete": cut on a character boundary */
    assert_string_equal(tob_text_fold("Été Été", b, sizeof b), "ete_e");
    char c[3];
    assert_string_equal(tob_text_fold("ab°", c, sizeof c), "ab");
}

/* A member count said whole: alone when complete or unknown, "sur M"
 * when the store lacks some, with the noun and the missing ones. */
static void test_fr_members(void **state)
{
    (void)state;
    char b[128];
    assert_string_equal(fr_members(103, 103, NULL, 1, b, sizeof b), "103");
    assert_string_equal(fr_members(12, 0, NULL, 1, b, sizeof b), "12");
    assert_string_equal(fr_members(102, 103, NULL, 0, b, sizeof b),
                        "102 sur 103");
    assert_string_equal(fr_members(102, 103, NULL, 1, b, sizeof b),
                        "102 sur 103 (1 hors de l'observatoire)");
    assert_string_equal(
        fr_members(102, 103, "aucune commune|commune|communes", 0, b, sizeof b),
        "102 communes sur 103");
    assert_string_equal(
        fr_members(0, 2, "aucune commune|commune|communes", 0, b, sizeof b),
        "aucune commune sur 2");
    assert_string_equal(
        fr_members(1, 1, "|commune membre|communes membres", 1, b, sizeof b),
        "1 commune membre");
    char small[8];
    assert_string_equal(fr_members(102, 103, NULL, 0, small, sizeof small),
                        "102 sur");
}

/* French counts: zero form, singular, plural, thousands, no zero form. */
static void test_fr_count(void **state)
{
    (void)state;
    char b[64];
    const char *projets = "aucun projet engagé|projet engagé|projets engagés";
    assert_string_equal(fr_count(0, projets, b, sizeof b),
                        "aucun projet engagé");
    assert_string_equal(fr_count(1, projets, b, sizeof b), "1 projet engagé");
    assert_string_equal(fr_count(2, projets, b, sizeof b), "2 projets engagés");
    fr_count(12345, "|commune|communes", b, sizeof b);
    assert_non_null(strstr(b, "345 communes"));
    assert_memory_equal(b, "12", 2);
    assert_string_equal(fr_count(0, "|commune|communes", b, sizeof b),
                        "0 commune");
    assert_string_equal(
        fr_count(1, "aucune action|action|actions", b, sizeof b), "1 action");
    assert_string_equal(
        fr_count(102, "aucune commune|commune|communes", b, sizeof b),
        "102 communes");
    /* a short buffer is cut, never overrun */
    char small[6];
    assert_string_equal(fr_count(3, "|action|actions", small, sizeof small),
                        "3 act");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_french_and_english),
        cmocka_unit_test(test_number_ambiguous_single_mark),
        cmocka_unit_test(test_number_sign_exponent_spaces),
        cmocka_unit_test(test_number_blank_is_missing),
        cmocka_unit_test(test_number_rejects_text),
        cmocka_unit_test(test_number_rejects_bad_grouping),
        cmocka_unit_test(test_number_long_input),
        cmocka_unit_test(test_number_locale_independent),
        cmocka_unit_test(test_parse_int),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_dates_invalid),
        cmocka_unit_test(test_fmt_number),
        cmocka_unit_test(test_fmt_number_extremes),
        cmocka_unit_test(test_fmt_percent_money_date),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_slug),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_small_buffer),
        cmocka_unit_test(test_fr_count),
        cmocka_unit_test(test_fr_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
