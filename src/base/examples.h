/* examples.h - a count of problems with the first few examples, for
 * diagnostics: "3 (59001, 59002, 59003)", "12 (59001, ... and 7 more)".
 * Fixed buffers: adding never allocates nor fails. Internal. */
#ifndef TERROBS_EXAMPLES_H
#define TERROBS_EXAMPLES_H

#include "terrobs/error.h"

#include <stddef.h>

#define TOB_EXAMPLES_MAX 5 /* listed; the rest are counted */

typedef struct tob_examples {
    size_t count;
    size_t n_listed;
    char text[480]; /* "a, b, c" */
} tob_examples_t;

/* Counts one more, and lists it (printf-style) while fewer than
 * TOB_EXAMPLES_MAX are listed. */
void examples_add(tob_examples_t *ex, const char *fmt, ...) TOB_PRINTF(2, 3);

/* Writes "N" when empty lists, else "N: a, b, c and 7 more" into buf.
 * Returns buf. */
char *examples_describe(const tob_examples_t *ex, char *buf, size_t size);

#endif
