/* cells.h (building block) - spreadsheet cells read as partners write them, and
 * values written as partners read them (French formats). Pure computation on
 * NUL-terminated UTF-8 strings: no I/O, no allocation, no locale dependence, no
 * global state; any thread. Every input length is safe (buffers are bounded,
 * long input is rejected, never overflowed). */
#ifndef TERROBS_CELLS_H
#define TERROBS_CELLS_H

#include "terrobs/error.h"

#include <limits.h>
#include <stddef.h>

/* ---- Reading cells --------------------------------------------------- */

/* Returns 1 if text is NULL, empty or only white space (ASCII space, tab,
 * CR, LF, U+00A0, U+202F): a missing value, never a zero. Else 0. */
TOB_API int tob_cell_is_blank(const char *text);

/* Parses a number written the French or the English way.
 * - Spaces (ASCII, U+00A0, U+202F) around the number are ignored.
 * - Optional sign '+', '-' or U+2212; optional exponent `e5`, `E-3`.
 * - Thousands separators: space, U+00A0, U+202F, apostrophe (' or U+2019),
 *   '.' or ','; groups after the first must have exactly 3 digits, and one
 *   number uses one kind of thousands separator.
 * - Decimal mark, the rule for ambiguous cases:
 *   . both ',' and '.' present: the last one is the decimal mark
 *     (`1.234,5` = `1,234.5` = 1234.5);
 *   . one of them present once: it is the decimal mark, whatever follows
 *     (`1234,5` = `1234.5` = 1234.5, and `1,234` = `1.234` = 1.234: a French
 *     file means 1,234 as one point two three four);
 *   . one of them present twice or more: thousands separator
 *     (`1.234.567` = `1,234,567` = 1234567).
 * Blank text (tob_cell_is_blank) is a missing value: *out = NAN, TOB_OK.
 * Anything else is TOB_ERR_INPUT "'12abc' is not a number": words, `n/a`,
 * formulas, `inf`/`nan`, hexadecimal, a '%' suffix (a percentage must be
 * given as its number), overflow (`1e400`). Underflow gives 0 or a
 * subnormal. More than 400 significant digits is an error. *out is NAN on
 * failure. The error message quotes at most ~60 bytes of text. */
TOB_API TOB_NODISCARD tob_status_t tob_cell_parse_number(const char *text,
                                                         double *out,
                                                         tob_error_t *err);

/* *out on blank text: a missing integer. */
#define TOB_CELL_INT_MISSING LLONG_MIN

/* Parses a whole number with the same rules as tob_cell_parse_number
 * (so `1 234` and `1.234.567` are whole numbers; `2026,0` is 2026), that
 * must be integral and within +-2^53. Blank text: *out =
 * TOB_CELL_INT_MISSING, TOB_OK. Errors (TOB_ERR_INPUT): not a number, "'12,5'
 * is not a whole number", out of range. *out is TOB_CELL_INT_MISSING on
 * failure. */
TOB_API TOB_NODISCARD tob_status_t tob_cell_parse_int(const char *text,
                                                      long long *out,
                                                      tob_error_t *err);

/* Parses a calendar date, and checks it exists (leap years included):
 * - `22/11/2026`, `2/1/2026`, also with '-' or '.' between the parts:
 *   day first, French order (never month first); the year has 4 digits:
 *   `22/11/26` is an error (the century cannot be told);
 * - `2026-11-22` and `2026/11/22` (ISO order, also what GDAL gives for
 *   spreadsheet date cells);
 * - either followed by a time: `T` or a space, then digits, ':', '.', 'Z',
 *   '+', '-' only (`2026-11-22T10:30:00+01:00`, `22/11/2026 00:00:00`);
 *   the time is ignored.
 * Years are 1000..9999. Blank text: *y = *m = *d = 0, TOB_OK (missing).
 * Errors (TOB_ERR_INPUT): "'31/02/2025' is not a valid date", "'22/11/26'
 * is not a date (day/month/year with a 4-digit year, or year-month-day)".
 * Out-params are 0 on failure. */
TOB_API TOB_NODISCARD tob_status_t tob_cell_parse_date(const char *text, int *y,
                                                       int *m, int *d,
                                                       tob_error_t *err);

/* Returns 1 if (y, m, d) is a date of the Gregorian calendar with a year in
 * 1000..9999, else 0. */
TOB_API int tob_date_is_valid(int y, int m, int d);

/* ---- Writing values for partners (French) ---------------------------- */

/* A buffer of TOB_FMT_MAX bytes is always big enough for tob_fmt_*()
 * (even DBL_MAX has 309 digits). */
#define TOB_FMT_MAX 640
/* What tob_fmt_*() write for a missing value (NaN, infinity, no date). */
#define TOB_FMT_MISSING "n.d."

/* Writes v with `decimals` decimals (clamped to 0..9) the French way:
 * `-12 345,6` with U+00A0 (UTF-8 C2 A0) between thousands, ',' as decimal
 * mark, '-' for negatives. Rounds half away from zero on the value as a
 * spreadsheet shows it (15 significant digits: 2.675 -> 2,68); never
 * writes `-0`; NaN and infinities give "n.d.". If size is too small, buf
 * gets "" (never a truncated number). Returns buf. */
TOB_API char *tob_fmt_number_fr(double v, int decimals, char *buf, size_t size);

/* v is in percent (12.3 means 12.3 %): `12,3 %` with U+00A0 before '%'.
 * Same rules as tob_fmt_number_fr. Returns buf. */
TOB_API char *tob_fmt_percent_fr(double v, int decimals, char *buf,
                                 size_t size);

/* Money in euros: `1 234 567 €` (U+00A0 before '€'). Returns buf. */
TOB_API char *tob_fmt_money_fr(double v, int decimals, char *buf, size_t size);

/* `22/11/2026`; a date that is not valid (tob_date_is_valid), such as the
 * 0/0/0 of a missing date, gives "n.d.". Returns buf ("" if size < 11). */
TOB_API char *tob_fmt_date_fr(int y, int m, int d, char *buf, size_t size);

/* ---- Text ------------------------------------------------------------ */

/* Returns 1 if s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF; NUL bytes allowed), else 0. */
TOB_API int tob_text_is_utf8(const char *s, size_t n);

/* Largest slug tob_text_slug() writes, in bytes (without the NUL). */
#define TOB_SLUG_MAX 80

/* Writes a file-name-safe slug of a UTF-8 name: French and other Latin
 * letters transliterated to ASCII (é->e, œ->oe, ß->ss), lowercase, every
 * run of other characters (spaces, apostrophes, '/', ':', '.', controls,
 * invalid bytes) one '-', no '-' at either end, cut to TOB_SLUG_MAX bytes
 * (and to size - 1). "Cœur d'Ostrevent" -> "coeur-d-ostrevent". The result
 * holds only [a-z0-9-], so it can never be "..", hidden or absolute; a
 * name with no letter or digit gives "sans-nom". Returns buf ("" if size
 * is 0). */
TOB_API char *tob_text_slug(const char *name, char *buf, size_t size);

/* Folds a column header for matching: lowercase, French and other Latin
 * accents removed (as tob_text_slug), every run of spaces (also U+00A0,
 * U+202F, tab), '_', '-', '.', '/', apostrophes one '_', none at either end.
 * Other characters are kept (lowercased if ASCII). "Code INSEE" ->
 * "code_insee", "N° de l’opération" -> "n°_de_l_operation". The result is
 * never longer than s, so a buffer of strlen(s) + 1 bytes is enough;
 * otherwise it is cut at a character boundary. Returns buf. */
TOB_API char *tob_text_fold(const char *s, char *buf, size_t size);

#endif
