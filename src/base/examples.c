/* examples.c - counted problems with a few examples. */
#include "examples.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void examples_add(tob_examples_t *ex, const char *fmt, ...)
{
    ex->count++;
    if (ex->n_listed >= TOB_EXAMPLES_MAX)
        return;
    size_t used = strlen(ex->text);
    if (used > 0 && used + 2 < sizeof ex->text) {
        memcpy(ex->text + used, ", ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ex->text + used, sizeof ex->text - used, fmt, ap);
    va_end(ap);
    ex->n_listed++;
}

char *examples_describe(const tob_examples_t *ex, char *buf, size_t size)
{
    if (ex->count == 0 || ex->n_listed == 0)
        snprintf(buf, size, "%zu", ex->count);
    else if (ex->count > ex->n_listed)
        snprintf(buf, size, "%zu: %s and %zu more", ex->count, ex->text,
                 ex->count - ex->n_listed);
    else
        snprintf(buf, size, "%zu: %s", ex->count, ex->text);
    return buf;
}
