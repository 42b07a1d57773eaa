/* test_codes.c - codes.h: code forms per level, SIREN keys, trimming. */
#include "terrobs/codes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void code_ok(const char *level, const char *code)
{
    tob_error_t err;
    tob_error_clear(&err);
    if (tob_code_check(level, code, &err) != TOB_OK)
        fail_msg("%s '%s': %s", level, code, err.message);
}

static void code_fails(const char *level, const char *code, const char *message)
{
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_code_check(level, code, &err), TOB_ERR_INPUT);
    if (strstr(err.message, message) == NULL)
        fail_msg("%s '%s': message '%s' lacks '%s'", level, code, err.message,
                 message);
}

static void test_commune(void **state)
{
    (void)state;
    code_ok("commune", "59350");
    code_ok("commune", "2A004");
    code_ok("commune", "2B033");
    code_ok("commune", "97209");
    code_ok("commune", "01004");
    code_fails("commune", "5935",
               "'5935' is not an INSEE commune code (5 characters: "
               "département + 3 digits)");
    code_fails("commune", "2C004", "'2C004' is not an INSEE commune code");
    code_fails("commune", "2a004", "is not an INSEE commune code");
    code_fails("commune", "593500", "is not an INSEE commune code");
    code_fails("commune", "59 35", "is not an INSEE commune code");
    code_fails("commune", " 59350", "is not an INSEE commune code");
    code_fails("commune", "5935A", "is not an INSEE commune code");
    code_fails("commune", "", "empty commune code");
}

static void test_epci_siren(void **state)
{
    (void)state;
    /* Real EPCI SIRENs (Banatic / COG 2026): all have a right Luhn key. */
    code_ok("epci", "200093201"); /* Métropole Européenne de Lille */
    code_ok("epci", "245900410");
    code_ok("epci", "200041960");
    code_ok("epci", "248000531"); /* CA Amiens Métropole */
    code_ok("epci", "200046977"); /* Métropole de Lyon */
    code_fails("epci", "24590041", "'24590041' is not a SIREN (9 digits)");
    code_fails("epci", "2459004100", "is not a SIREN (9 digits)");
    code_fails("epci", "24590041A", "is not a SIREN (9 digits)");
    code_fails("epci", "245900411",
               "'245900411' is not a valid SIREN (its check digit is wrong");
    code_fails("epci", "200093210", "check digit"); /* swapped digits */
}

static void test_departement_region(void **state)
{
    (void)state;
    const char *ok[] = {"01", "59", "95", "2A", "2B", "971", "972", "976"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        code_ok("departement", ok[i]);
    const char *bad[] = {"00", "20", "96", "1", "970", "977", "2C", "059"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        code_fails("departement", bad[i], "is not a département code");
    code_ok("region", "32");
    code_ok("region", "94");
    code_fails("region", "3", "'3' is not a region code (2 digits)");
    code_fails("region", "HDF", "is not a region code");
}

static void test_qpv(void **state)
{
    (void)state;
    code_ok("qpv", "QN05901M");
    code_ok("qpv", "QN97201M");
    code_ok("qpv", "QN02A03N");
    code_ok("qpv", "QP066007");
    code_ok("qpv", "QP059001");
    code_fails("qpv", "QN0590M", "is not a QPV code");
    code_fails("qpv", "QN059011", "is not a QPV code"); /* no letter */
    code_fails("qpv", "QP05901M", "is not a QPV code");
    code_fails("qpv", "qn05901m", "is not a QPV code");
    code_fails("qpv", "QX059001", "is not a QPV code");
    code_fails("qpv", "QN05901MM", "is not a QPV code");
}

static void test_other_levels(void **state)
{
    (void)state;
    code_ok("scot", "SCOT-CAMBRESIS");
    code_ok("zone", "Grand Amiénois");
    char max[TOB_CODE_MAX + 2];
    memset(max, 'z', TOB_CODE_MAX);
    max[TOB_CODE_MAX] = '\0';
    code_ok("zone", max);
    max[TOB_CODE_MAX] = 'z';
    max[TOB_CODE_MAX + 1] = '\0';
    code_fails("zone", max, "is too long for a zone code");
    code_fails("zone", "a\tb", "control characters");
    code_fails("zone", "a\nb", "control characters");
    code_fails("zone", "Ami\xE9nois", "invalid UTF-8");
    code_fails("zone", "a\xC2\x85", "control characters"); /* U+0085 */
    code_fails("zone", "", "empty zone code");
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_code_check(NULL, "59350", &err), TOB_ERR_ARG);
    assert_int_equal(tob_code_check("", "59350", NULL), TOB_ERR_ARG);
    assert_int_equal(tob_code_check("commune", NULL, NULL), TOB_ERR_INPUT);
}

static void test_normalize(void **state)
{
    (void)state;
    char b[16];
    tob_error_t err;
    tob_error_clear(&err);
    assert_int_equal(tob_code_normalize("  2A004\xC2\xA0\t", b, sizeof b, &err),
                     TOB_OK);
    assert_string_equal(b, "2A004");
    /* a code that lost its leading zero is not padded: it stays wrong */
    assert_int_equal(tob_code_normalize("1004", b, sizeof b, &err), TOB_OK);
    assert_string_equal(b, "1004");
    assert_int_equal(tob_code_check("commune", b, NULL), TOB_ERR_INPUT);
    /* case is kept too */
    assert_int_equal(tob_code_normalize(" 2a004 ", b, sizeof b, &err), TOB_OK);
    assert_string_equal(b, "2a004");
    assert_int_equal(tob_code_normalize("a b", b, sizeof b, &err), TOB_OK);
    assert_string_equal(b, "a b");
    assert_int_equal(tob_code_normalize("   ", b, sizeof b, &err), TOB_OK);
    assert_string_equal(b, "");
    char tiny[5];
    assert_int_equal(tob_code_normalize(" 59350 ", tiny, sizeof tiny, &err),
                     TOB_ERR_ARG);
    assert_string_equal(tiny, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commune),
        cmocka_unit_test(test_epci_siren),
        cmocka_unit_test(test_departement_region),
        cmocka_unit_test(test_qpv),
        cmocka_unit_test(test_other_levels),
        cmocka_unit_test(test_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
