/* codes.c - territory code forms per level (see codes.h). Hand-written
 * matchers rather than regex.h: the forms are tiny and fixed, and this
 * keeps the check allocation-free for the fuzzer. */
#include "terrobs/codes.h"

#include "utf8.h"

#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* "59", "2A", "2B": the département part of a commune code. */
static int is_commune_dept(const char *s)
{
    return (is_digit(s[0]) && is_digit(s[1])) ||
           (s[0] == '2' && (s[1] == 'A' || s[1] == 'B'));
}

static int is_commune(const char *code)
{
    return strlen(code) == 5 && is_commune_dept(code) &&
           all_digits(code + 2, 3);
}

/* Luhn: from the right, double every second digit. */
static int luhn_ok(const char *digits, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int d = digits[n - 1 - i] - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

static int is_departement(const char *code)
{
    size_t n = strlen(code);
    if (n == 2 && (strcmp(code, "2A") == 0 || strcmp(code, "2B") == 0))
        return 1;
    if (n == 2 && all_digits(code, 2)) {
        int v = (code[0] - '0') * 10 + (code[1] - '0');
        return v >= 1 && v <= 95 && v != 20; /* 20 split in 1976 */
    }
    return n == 3 && strncmp(code, "97", 2) == 0 && code[2] >= '1' &&
           code[2] <= '6';
}

/* "059", "972", "02A", "02B": a département on 3 characters (QPV codes). */
static int is_dept3(const char *s)
{
    return all_digits(s, 3) ||
           (s[0] == '0' && s[1] == '2' && (s[2] == 'A' || s[2] == 'B'));
}

static int is_qpv(const char *code)
{
    size_t n = strlen(code);
    if (n != 8)
        return 0;
    if (strncmp(code, "QN", 2) == 0) /* 2024: QN05901M */
        return is_dept3(code + 2) && all_digits(code + 5, 2) &&
               code[7] >= 'A' && code[7] <= 'Z';
    if (strncmp(code, "QP", 2) == 0) /* 2015: QP066007 */
        return is_dept3(code + 2) && all_digits(code + 5, 3);
    return 0;
}

/* Printable UTF-8: well-formed, no C0/C1 control, no DEL. */
static int is_printable_utf8(const char *code, size_t n)
{
    const unsigned char *p = (const unsigned char *)code;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_decode(p + i, n - i, &cp);
        if (len == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return 0;
        i += len;
    }
    return 1;
}

static tob_status_t check_epci(const char *code, const char *quoted,
                               tob_error_t *err)
{
    size_t n = strlen(code);
    if (n != 9 || !all_digits(code, n))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a SIREN (9 digits)", quoted);
    if (!luhn_ok(code, n))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a valid SIREN (its check digit "
                             "is wrong: a typing error?)",
                             quoted);
    return TOB_OK;
}

static tob_status_t check_other(const char *level, const char *code,
                                const char *quoted, tob_error_t *err)
{
    size_t n = strlen(code);
    if (n > TOB_CODE_MAX)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is too long for a %s code (at most %d "
                             "bytes)",
                             quoted, level, TOB_CODE_MAX);
    if (!is_printable_utf8(code, n))
        return tob_error_set(err, TOB_ERR_INPUT,
                             "'%s' is not a valid %s code (control "
                             "characters or invalid UTF-8)",
                             quoted, level);
    return TOB_OK;
}

tob_status_t tob_code_check(const char *level, const char *code,
                            tob_error_t *err)
{
    if (level == NULL || level[0] == '\0')
        return tob_error_set(err, TOB_ERR_ARG, "no level given for a code");
    if (code == NULL || code[0] == '\0')
        return tob_error_set(err, TOB_ERR_INPUT, "empty %s code", level);
    char quoted[TOB_QUOTE_MAX];
    cell_quote(code, quoted, sizeof quoted);
    if (strcmp(level, "commune") == 0)
        return is_commune(code)
                   ? TOB_OK
                   : tob_error_set(err, TOB_ERR_INPUT,
                                   "'%s' is not an INSEE commune code (5 "
                                   "characters: département + 3 digits)",
                                   quoted);
    if (strcmp(level, "epci") == 0)
        return check_epci(code, quoted, err);
    if (strcmp(level, "departement") == 0)
        return is_departement(code)
                   ? TOB_OK
                   : tob_error_set(err, TOB_ERR_INPUT,
                                   "'%s' is not a département code (01 to "
                                   "95, 2A, 2B, 971 to 976)",
                                   quoted);
    if (strcmp(level, "region") == 0)
        return strlen(code) == 2 && all_digits(code, 2)
                   ? TOB_OK
                   : tob_error_set(err, TOB_ERR_INPUT,
                                   "'%s' is not a region code (2 digits)",
                                   quoted);
    if (strcmp(level, "qpv") == 0)
        return is_qpv(code)
                   ? TOB_OK
                   : tob_error_set(err, TOB_ERR_INPUT,
                                   "'%s' is not a QPV code (QN + "
                                   "département + 2 digits + letter, as "
                                   "QN05901M, or QP + 6 characters, as "
                                   "QP066007)",
                                   quoted);
    return check_other(level, code, quoted, err);
}

tob_status_t tob_code_normalize(const char *code, char *buf, size_t size,
                                tob_error_t *err)
{
    if (buf == NULL || size == 0)
        return tob_error_set(err, TOB_ERR_ARG, "no buffer for a code");
    buf[0] = '\0';
    if (code == NULL)
        return TOB_OK;
    size_t space;
    while ((space = utf8_space_len(code)) > 0)
        code += space;
    size_t len = 0, kept = 0; /* kept: up to the last non-space */
    while (code[len] != '\0') {
        space = utf8_space_len(code + len);
        len += space ? space : 1;
        if (space == 0)
            kept = len;
    }
    if (kept >= size)
        return tob_error_set(err, TOB_ERR_ARG, "code longer than %zu bytes",
                             size - 1);
    memcpy(buf, code, kept);
    buf[kept] = '\0';
    return TOB_OK;
}
