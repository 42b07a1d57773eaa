/* cells_fmt.c - numbers, percentages, money and dates written the French
 * way for partners: `12 345,6` (U+00A0 thousands), `12,3 %`, `22/11/2026`.
 * Rounding is done here on decimal digits, so it is half away from zero on
 * what a spreadsheet shows, and no locale can change the output. */
#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define N_SIGNIFICANT 15 /* what spreadsheets show of a double */
#define NBSP "\xC2\xA0"
#define MAX_DECIMALS 9

/* v's magnitude as N_SIGNIFICANT decimal digits: |v| = 0.d0d1d2... *
 * 10^(exp10 + 1), i.e. digit i has the weight 10^(exp10 - i). */
typedef struct decimal {
    int digit[N_SIGNIFICANT + 1]; /* one more for a carry */
    int n_digits;
    int exp10;
} decimal_t;

static void to_decimal(double magnitude, decimal_t *dec)
{
    char text[64];
    /* "d.dddddddddddddde+XX": only digits and the exponent are read, so
     * whatever decimal point the locale prints is skipped. */
    snprintf(text, sizeof text, "%.*e", N_SIGNIFICANT - 1, magnitude);
    dec->n_digits = 0;
    const char *p = text;
    for (; *p != '\0' && *p != 'e' && *p != 'E'; p++)
        if (*p >= '0' && *p <= '9' && dec->n_digits < N_SIGNIFICANT)
            dec->digit[dec->n_digits++] = *p - '0';
    dec->exp10 = 0;
    if (*p != '\0') {
        int sign = 1;
        p++;
        if (*p == '-' || *p == '+')
            sign = *p++ == '-' ? -1 : 1;
        int e = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            e = e * 10 + (*p - '0');
        dec->exp10 = sign * e;
    }
}

/* Keeps the digits of weight >= 10^-decimals, rounding half away from
 * zero (the magnitude is rounded up on a 5). */
static void round_decimal(decimal_t *dec, int decimals)
{
    int keep = dec->exp10 + decimals + 1; /* digits that stay */
    if (keep >= dec->n_digits)
        return;
    if (keep < 0) {
        dec->n_digits = 0;
        return;
    }
    int round_up = dec->digit[keep] >= 5;
    dec->n_digits = keep;
    for (int i = keep - 1; round_up && i >= 0; i--) {
        round_up = dec->digit[i] == 9;
        dec->digit[i] = round_up ? 0 : dec->digit[i] + 1;
    }
    if (round_up) { /* 9.99 -> 10.0, 0.5 -> 1: one more leading digit */
        memmove(dec->digit + 1, dec->digit,
                (size_t)dec->n_digits * sizeof dec->digit[0]);
        dec->digit[0] = 1;
        dec->n_digits++;
        dec->exp10++;
    }
}

static int digit_at(const decimal_t *dec, int weight)
{
    int i = dec->exp10 - weight;
    return i >= 0 && i < dec->n_digits ? dec->digit[i] : 0;
}

/* Appends s to out[*used..TOB_FMT_MAX); the caller's buffer is sized so
 * that this never fails, the check is a guard. */
static void append(char *out, size_t *used, const char *s, size_t len)
{
    if (*used + len >= TOB_FMT_MAX)
        return;
    memcpy(out + *used, s, len);
    *used += len;
    out[*used] = '\0';
}

static int is_zero(const decimal_t *dec)
{
    for (int i = 0; i < dec->n_digits; i++)
        if (dec->digit[i] != 0)
            return 0;
    return 1;
}

static void write_digits(const decimal_t *dec, int negative, int decimals,
                         char *out)
{
    size_t used = 0;
    out[0] = '\0';
    if (negative && !is_zero(dec))
        append(out, &used, "-", 1); /* never "-0" */
    int top = dec->exp10 > 0 ? dec->exp10 : 0;
    for (int w = top; w >= 0; w--) {
        char c = (char)('0' + digit_at(dec, w));
        append(out, &used, &c, 1);
        if (w > 0 && w % 3 == 0)
            append(out, &used, NBSP, 2);
    }
    if (decimals > 0)
        append(out, &used, ",", 1);
    for (int w = -1; w >= -decimals; w--) {
        char c = (char)('0' + digit_at(dec, w));
        append(out, &used, &c, 1);
    }
}

/* Copies s with suffix into buf if it all fits, else "". */
static char *deliver(const char *s, const char *suffix, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    size_t len = strlen(s), suffix_len = strlen(suffix);
    if (len + suffix_len >= size) {
        buf[0] = '\0';
        return buf;
    }
    memcpy(buf, s, len);
    memcpy(buf + len, suffix, suffix_len + 1);
    return buf;
}

static char *format_fr(double v, int decimals, const char *suffix, char *buf,
                       size_t size)
{
    if (!isfinite(v))
        return deliver(TOB_FMT_MISSING, "", buf, size);
    decimals = decimals < 0              ? 0
               : decimals > MAX_DECIMALS ? MAX_DECIMALS
                                         : decimals;
    decimal_t dec;
    to_decimal(fabs(v), &dec);
    round_decimal(&dec, decimals);
    char text[TOB_FMT_MAX];
    write_digits(&dec, v < 0, decimals, text);
    return deliver(text, suffix, buf, size);
}

char *tob_fmt_number_fr(double v, int decimals, char *buf, size_t size)
{
    return format_fr(v, decimals, "", buf, size);
}

char *tob_fmt_percent_fr(double v, int decimals, char *buf, size_t size)
{
    return format_fr(v, decimals, NBSP "%", buf, size);
}

char *tob_fmt_money_fr(double v, int decimals, char *buf, size_t size)
{
    return format_fr(v, decimals, NBSP "\xE2\x82\xAC", buf, size);
}

char *tob_fmt_date_fr(int y, int m, int d, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    if (!tob_date_is_valid(y, m, d))
        return deliver(TOB_FMT_MISSING, "", buf, size);
    if (size < 11) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, size, "%02d/%02d/%04d", d, m, y);
    return buf;
}
