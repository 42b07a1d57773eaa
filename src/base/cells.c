/* cells.c - numbers, whole numbers and dates read from spreadsheet cells,
 * French or English. See cells.h for the rules; this file only scans.
 * Numbers are rebuilt as "[-]DIGITSe[-]EXP" (no decimal point), so strtod
 * converts them exactly and whatever the process locale is. */
#include "terrobs/cells.h"

#include "utf8.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIGNIFICANT 400 /* more is not a measured value */
#define EXP_CLAMP 100000LL  /* far beyond double range either way */

int tob_cell_is_blank(const char *text)
{
    if (text == NULL)
        return 1;
    for (const char *p = text; *p != '\0';) {
        size_t n = utf8_space_len(p);
        if (n == 0)
            return 0;
        p += n;
    }
    return 1;
}

/* [*begin, *end) becomes text without the white space around it. */
static void trim(const char *text, const char **begin, const char **end)
{
    const char *b = text;
    size_t n;
    while ((n = utf8_space_len(b)) > 0)
        b += n;
    const char *e = b;
    const char *last_non_space = b;
    while (*e != '\0') {
        n = utf8_space_len(e);
        if (n == 0) {
            e++;
            last_non_space = e;
        } else {
            e += n;
        }
    }
    *begin = b;
    *end = last_non_space;
}

/* What a byte sequence of a number's mantissa is. */
enum token {
    TK_DIGIT,
    TK_DOT,
    TK_COMMA,
    TK_SPACE, /* space, U+00A0, U+202F: a thousands separator */
    TK_APOS,  /* ' or U+2019: Swiss thousands separator */
    TK_OTHER
};

static enum token next_token(const char *p, const char *end, size_t *len)
{
    *len = 1;
    unsigned char c = (unsigned char)*p;
    if (c >= '0' && c <= '9')
        return TK_DIGIT;
    if (c == '.')
        return TK_DOT;
    if (c == ',')
        return TK_COMMA;
    if (c == '\'')
        return TK_APOS;
    size_t avail = (size_t)(end - p);
    if (c == ' ' || (avail >= 2 && c == 0xC2 && (unsigned char)p[1] == 0xA0)) {
        *len = c == ' ' ? 1 : 2;
        return TK_SPACE;
    }
    if (avail >= 3 && c == 0xE2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0xAF || (unsigned char)p[2] == 0x99)) {
        *len = 3;
        return (unsigned char)p[2] == 0xAF ? TK_SPACE : TK_APOS;
    }
    return TK_OTHER;
}

/* The scanner's state: which token is the decimal mark, which the
 * thousands separator, and the significant digits met so far. */
typedef struct scan {
    enum token decimal_mark; /* TK_DOT, TK_COMMA or TK_OTHER (none) */
    enum token group_mark;   /* TK_DOT..TK_APOS or TK_OTHER (none) */
    char digits[MAX_SIGNIFICANT + 1];
    size_t n_digits;         /* significant digits kept */
    long long pending_zeros; /* zeros after the last non-zero digit */
    long long exp10;         /* value = digits * 10^exp10 */
    int any_digit;
    int too_many_digits;
} scan_t;

/* Pass 1: decides the decimal mark and thousands separator (cells.h).
 * Returns 0 if the mantissa holds something else or mixes separators. */
static int choose_marks(const char *p, const char *end, scan_t *sc)
{
    long long count[TK_OTHER] = {0};
    enum token last_point = TK_OTHER;
    while (p < end) {
        size_t len;
        enum token tk = next_token(p, end, &len);
        if (tk == TK_OTHER)
            return 0;
        count[tk]++;
        if (tk == TK_DOT || tk == TK_COMMA)
            last_point = tk;
        p += len;
    }
    sc->decimal_mark = TK_OTHER;
    if (count[TK_DOT] > 0 && count[TK_COMMA] > 0)
        sc->decimal_mark = last_point;
    else if (count[TK_DOT] == 1)
        sc->decimal_mark = TK_DOT;
    else if (count[TK_COMMA] == 1)
        sc->decimal_mark = TK_COMMA;
    if (sc->decimal_mark != TK_OTHER && count[sc->decimal_mark] != 1)
        return 0;
    sc->group_mark = TK_OTHER;
    for (int tk = TK_DOT; tk < TK_OTHER; tk++) {
        if (tk == (int)sc->decimal_mark || count[tk] == 0)
            continue;
        if (sc->group_mark != TK_OTHER)
            return 0; /* two kinds of thousands separators */
        sc->group_mark = (enum token)tk;
    }
    return 1;
}

static void add_digit(scan_t *sc, char digit, int in_fraction)
{
    sc->any_digit = 1;
    if (in_fraction)
        sc->exp10--;
    if (digit == '0') {
        if (sc->n_digits > 0)
            sc->pending_zeros++;
        return;
    }
    if (sc->pending_zeros + 1 > (long long)(MAX_SIGNIFICANT - sc->n_digits)) {
        sc->too_many_digits = 1;
        return;
    }
    for (; sc->pending_zeros > 0; sc->pending_zeros--)
        sc->digits[sc->n_digits++] = '0';
    sc->digits[sc->n_digits++] = digit;
}

/* Pass 2: checks thousands groups (first 1..3 digits, then exactly 3, none
 * in the fraction) and collects the significant digits. */
static int collect_digits(const char *p, const char *end, scan_t *sc)
{
    int in_fraction = 0;
    int grouped = 0;
    long long group_len = 0;
    while (p < end) {
        size_t len;
        enum token tk = next_token(p, end, &len);
        if (tk == TK_DIGIT) {
            add_digit(sc, *p, in_fraction);
            group_len++;
        } else if (tk == sc->decimal_mark) {
            if (grouped && group_len != 3)
                return 0;
            in_fraction = 1;
            group_len = 0;
        } else { /* the thousands separator (choose_marks checked) */
            if (in_fraction || group_len == 0 || group_len > 3 ||
                (grouped && group_len != 3))
                return 0;
            grouped = 1;
            group_len = 0;
        }
        p += len;
    }
    if (grouped && !in_fraction && group_len != 3)
        return 0;
    sc->exp10 += sc->pending_zeros; /* trailing zeros: into the exponent */
    sc->pending_zeros = 0;
    return sc->any_digit;
}

/* Reads "e[+-]DIGITS" exactly filling [p, end); clamps huge exponents. */
static int parse_exponent(const char *p, const char *end, long long *exp10)
{
    int negative = 0;
    if (p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    if (p == end)
        return 0;
    long long e = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        if (e < EXP_CLAMP)
            e = e * 10 + (*p - '0');
    }
    *exp10 = negative ? -e : e;
    return 1;
}

/* Where the exponent starts ('e' or 'E'), or end. */
static const char *find_exponent(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p == 'e' || *p == 'E')
            return p;
    return end;
}

static tob_status_t not_a_number(const char *text, const char *why,
                                 tob_error_t *err)
{
    char quoted[TOB_QUOTE_MAX];
    return tob_error_set(err, TOB_ERR_INPUT, "'%s' is not a number%s",
                         cell_quote(text, quoted, sizeof quoted), why);
}

/* Skips a leading '+', '-' or U+2212; returns 1 for a minus. */
static int skip_sign(const char **p, const char *end)
{
    if (*p < end && (**p == '+' || **p == '-'))
        return *(*p)++ == '-';
    if (end - *p >= 3 && memcmp(*p, "\xE2\x88\x92", 3) == 0) {
        *p += 3;
        return 1;
    }
    return 0;
}

static double convert(const scan_t *sc, int negative)
{
    if (sc->n_digits == 0)
        return 0.0;
    char number[MAX_SIGNIFICANT + 32];
    long long e = sc->exp10;
    e = e > EXP_CLAMP ? EXP_CLAMP : e < -EXP_CLAMP ? -EXP_CLAMP : e;
    size_t n = 0;
    if (negative)
        number[n++] = '-';
    memcpy(number + n, sc->digits, sc->n_digits);
    n += sc->n_digits;
    /* digits, 'e' and a sign are the same in every locale */
    char *q = number + n;
    *q++ = 'e';
    if (e < 0) {
        *q++ = '-';
        e = -e;
    }
    char rev[24];
    int n_rev = 0;
    do {
        rev[n_rev++] = (char)('0' + e % 10);
        e /= 10;
    } while (e > 0);
    while (n_rev > 0)
        *q++ = rev[--n_rev];
    *q = '\0';
    return strtod(number, NULL);
}

tob_status_t tob_cell_parse_number(const char *text, double *out,
                                   tob_error_t *err)
{
    *out = NAN;
    if (tob_cell_is_blank(text))
        return TOB_OK; /* missing, not zero */
    const char *p, *end;
    trim(text, &p, &end);
    if (end[-1] == '%')
        return not_a_number(text, " (give a percentage without '%')", err);
    int negative = skip_sign(&p, end);
    const char *mantissa_end = find_exponent(p, end);
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    if (mantissa_end < end && !parse_exponent(mantissa_end + 1, end, &sc.exp10))
        return not_a_number(text, "", err);
    if (!choose_marks(p, mantissa_end, &sc) ||
        !collect_digits(p, mantissa_end, &sc))
        return not_a_number(text, "", err);
    if (sc.too_many_digits)
        return not_a_number(text, " (too many digits)", err);
    double v = convert(&sc, negative);
    if (isinf(v))
        return not_a_number(text, " (out of range)", err);
    /* 1e-400 reads as 0 (or a subnormal that has lost its digits): as
     * wrong as 1e400 reading as infinity */
    if (sc.n_digits > 0 && fabs(v) < DBL_MIN)
        return not_a_number(text, " (out of range: too small)", err);
    *out = v == 0.0 ? 0.0 : v; /* no -0 */
    return TOB_OK;
}

tob_status_t tob_cell_parse_int(const char *text, long long *out,
                                tob_error_t *err)
{
    *out = TOB_CELL_INT_MISSING;
    double v;
    tob_status_t status = tob_cell_parse_number(text, &v, err);
    if (status != TOB_OK || isnan(v))
        return status;
    char quoted[TOB_QUOTE_MAX];
    if (v != floor(v))
        return tob_error_set(err, TOB_ERR_INPUT, "'%s' is not a whole number",
                             cell_quote(text, quoted, sizeof quoted));
    if (fabs(v) > 9007199254740992.0) /* 2^53: beyond, not exact */
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is out of range for a whole number",
                             cell_quote(text, quoted, sizeof quoted));
    *out = (long long)v;
    return TOB_OK;
}

/* ---- dates ----------------------------------------------------------- */

int tob_date_is_valid(int y, int m, int d)
{
    static const int days_in_month[12] = {31, 28, 31, 30, 31, 30,
                                          31, 31, 30, 31, 30, 31};
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max_day = days_in_month[m - 1] + (m == 2 && leap);
    return d <= max_day;
}

/* Reads 1..4 digits at *p into *value; returns how many (0: none, 5: too
 * many, the rest unread). */
static int read_digits(const char **p, const char *end, int *value)
{
    int n = 0;
    *value = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        if (++n > 4)
            return 5;
        *value = *value * 10 + (**p - '0');
        (*p)++;
    }
    return n;
}

/* Reads exactly two digits at *p; -1 if there are not two. */
static int two_digits(const char **p, const char *end)
{
    const char *q = *p;
    if (end - q < 2 || q[0] < '0' || q[0] > '9' || q[1] < '0' || q[1] > '9')
        return -1;
    *p = q + 2;
    return (q[0] - '0') * 10 + (q[1] - '0');
}

/* What may follow the date: nothing, or 'T'/' ' and a time HH:MM[:SS[.f]]
 * with an optional Z or +HH[:MM] offset. Returns 1 when it reads, 0 when
 * it is not a time, -1 when it is one out of range (25:61). */
static int check_time_tail(const char *p, const char *end)
{
    if (p == end)
        return 1;
    if ((*p != 'T' && *p != ' ') || end - p < 2 || p[1] < '0' || p[1] > '9')
        return 0;
    p++;
    int hour = two_digits(&p, end), minute = 0, second = 0;
    if (hour < 0 || p == end || *p++ != ':' ||
        (minute = two_digits(&p, end)) < 0)
        return 0;
    if (p < end && *p == ':') {
        p++;
        if ((second = two_digits(&p, end)) < 0)
            return 0;
        if (p < end && *p == '.')
            for (p++; p < end && *p >= '0' && *p <= '9'; p++)
                ;
    }
    if (p < end && *p == 'Z')
        p++;
    else if (p < end && (*p == '+' || *p == '-')) {
        p++;
        int off_h = two_digits(&p, end), off_m = 0;
        if (off_h < 0)
            return 0;
        if (p < end && *p == ':')
            p++;
        if (p < end && (off_m = two_digits(&p, end)) < 0)
            return 0;
        if (off_h > 14 || off_m > 59)
            return -1;
    }
    if (p != end)
        return 0;
    /* 24:00 ends a day in ISO 8601; 60 seconds is a leap second */
    int in_range = (hour < 24 || (hour == 24 && minute == 0 && second == 0)) &&
                   minute < 60 && second <= 60;
    return in_range ? 1 : -1;
}

typedef struct date_parts {
    int value[3];
    int len[3];
} date_parts_t;

/* Splits "A<sep>B<sep>C[time]" with one separator among / - .; returns
 * check_time_tail()'s answer for what follows, 0 if no date. */
static int split_date(const char *p, const char *end, date_parts_t *dp)
{
    char sep = 0;
    for (int i = 0; i < 3; i++) {
        dp->len[i] = read_digits(&p, end, &dp->value[i]);
        if (dp->len[i] == 0 || dp->len[i] > 4)
            return 0;
        if (i == 2)
            break;
        if (p == end || strchr("/-.", *p) == NULL || (sep && *p != sep))
            return 0;
        sep = *p++;
    }
    return check_time_tail(p, end);
}

tob_status_t tob_cell_parse_date(const char *text, int *y, int *m, int *d,
                                 tob_error_t *err)
{
    *y = *m = *d = 0;
    if (tob_cell_is_blank(text))
        return TOB_OK; /* missing */
    const char *p, *end;
    trim(text, &p, &end);
    date_parts_t dp;
    int year = 0, month = 0, day = 0, known_order = 0;
    char quoted[TOB_QUOTE_MAX];
    cell_quote(text, quoted, sizeof quoted);
    int time_ok = split_date(p, end, &dp);
    if (time_ok != 0 && dp.len[1] <= 2) {
        month = dp.value[1];
        if (dp.len[0] == 4 && dp.len[2] <= 2) { /* 2026-11-22 */
            year = dp.value[0];
            day = dp.value[2];
            known_order = 1;
        } else if (dp.len[0] <= 2 && dp.len[2] == 4) { /* 22/11/2026 */
            year = dp.value[2];
            day = dp.value[0];
            known_order = 1;
        }
    }
    if (!known_order)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a date (day/month/year with a "
                             "4-digit year, or year-month-day)",
                             quoted);
    if (!tob_date_is_valid(year, month, day))
        return tob_error_set(err, TOB_ERR_INPUT, "'%s' is not a valid date",
                             quoted);
    if (time_ok < 0)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a valid date: its time is out of "
                             "range",
                             quoted);
    *y = year;
    *m = month;
    *d = day;
    return TOB_OK;
}
