/* utf8.h - UTF-8 helpers of the base module (cells, codes), shared with the
 * table readers of sources/. Library-internal: not installed. */
#ifndef TERROBS_BASE_UTF8_H
#define TERROBS_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one well-formed UTF-8 sequence at s (at most `avail` bytes):
 * returns its length 1..4 and sets *cp, or 0 if s does not start a
 * well-formed sequence (overlong, surrogate, > U+10FFFF, truncated). */
size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

/* Length of the white space at s (ASCII space, tab, CR, LF, U+00A0,
 * U+202F), 0 if s does not start with one. s is NUL-terminated. */
size_t utf8_space_len(const char *s);

/* Copies text, trimmed of white space and cut to about 60 bytes (on a
 * character boundary, "..." appended), with control characters shown as
 * '?', into buf: for quoting a cell in an error message. Returns buf. */
char *cell_quote(const char *text, char *buf, size_t size);
#define TOB_QUOTE_MAX 72

#endif
