/* fuzz_cells.c - what the table importer does with each cell
 * (cells.h): numbers the French and English way, whole numbers, dates;
 * then the French formatting of what was read. Checks: no crash, a
 * failure leaves NaN / the missing markers and an error message; a
 * success gives a finite number, a real date; the French text is valid
 * UTF-8, fits TOB_FMT_MAX and reads back as the same number. */
#include "fuzz.h"

#include "terrobs/cells.h"

#include <math.h>

static void check_number(const char *text)
{
    double v = 0;
    tob_error_t err;
    tob_error_clear(&err);
    tob_status_t s = tob_cell_parse_number(text, &v, &err);
    if (s != TOB_OK) {
        FUZZ_CHECK(s == TOB_ERR_INPUT && isnan(v) && err.message[0]);
        return;
    }
    if (isnan(v)) {
        FUZZ_CHECK(tob_cell_is_blank(text));
        return;
    }
    FUZZ_CHECK(isfinite(v));
    char fr[TOB_FMT_MAX];
    for (int decimals = 0; decimals <= 9; decimals += 3) {
        tob_fmt_number_fr(v, decimals, fr, sizeof fr);
        FUZZ_CHECK(strlen(fr) < sizeof fr);
        FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)fr, strlen(fr)));
        /* What we write for partners we must read back. */
        double back = 0;
        FUZZ_CHECK(tob_cell_parse_number(fr, &back, NULL) == TOB_OK);
        FUZZ_CHECK(fabs(back - v) <=
                   0.5 * pow(10, -decimals) * (1 + 1e-9) + fabs(v) * 1e-14);
    }
    tob_fmt_percent_fr(v, 1, fr, sizeof fr);
    FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)fr, strlen(fr)));
    tob_fmt_money_fr(v, 2, fr, sizeof fr);
    FUZZ_CHECK(fuzz_is_utf8((const unsigned char *)fr, strlen(fr)));
    /* A buffer too small gives "" (never a cut number). */
    char small[4];
    tob_fmt_number_fr(v, 2, small, sizeof small);
    FUZZ_CHECK(strlen(small) < sizeof small);
}

static void check_int(const char *text)
{
    long long v = 0;
    tob_status_t s = tob_cell_parse_int(text, &v, NULL);
    if (s != TOB_OK)
        FUZZ_CHECK(v == TOB_CELL_INT_MISSING);
    else if (v != TOB_CELL_INT_MISSING)
        FUZZ_CHECK(v >= -(1LL << 53) && v <= (1LL << 53));
}

static void check_date(const char *text)
{
    int y = -1, m = -1, d = -1;
    tob_status_t s = tob_cell_parse_date(text, &y, &m, &d, NULL);
    if (s != TOB_OK) {
        FUZZ_CHECK(y == 0 && m == 0 && d == 0);
        return;
    }
    if (y == 0)
        return; /* blank: missing */
    FUZZ_CHECK(tob_date_is_valid(y, m, d));
    char fr[16];
    tob_fmt_date_fr(y, m, d, fr, sizeof fr);
    int y2 = 0, m2 = 0, d2 = 0;
    FUZZ_CHECK(tob_cell_parse_date(fr, &y2, &m2, &d2, NULL) == TOB_OK);
    FUZZ_CHECK(y2 == y && m2 == m && d2 == d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    if (text == NULL)
        return 0;
    check_number(text);
    check_int(text);
    check_date(text);
    free(text);
    return 0;
}
