/* error.c - the error record: first error wins, location added by callers. */
#include "terrobs/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void tob_error_clear(tob_error_t *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof *err);
}

/* The format attribute lets clang's -Wformat-nonliteral see that fmt is
 * the callers' checked printf format. */
static tob_status_t set_va(tob_error_t *err, tob_status_t code, int lib_code,
                           const char *fmt, va_list ap) TOB_PRINTF(4, 0);

static tob_status_t set_va(tob_error_t *err, tob_status_t code, int lib_code,
                           const char *fmt, va_list ap)
{
    if (err == NULL || err->code != TOB_OK)
        return code;
    err->code = code;
    err->lib_code = lib_code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

tob_status_t tob_error_set(tob_error_t *err, tob_status_t code, const char *fmt,
                           ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(err, code, 0, fmt, ap);
    va_end(ap);
    return code;
}

tob_status_t tob_error_lib(tob_error_t *err, tob_status_t code, int lib_code,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(err, code, lib_code, fmt, ap);
    va_end(ap);
    return code;
}

tob_status_t tob_error_set_at(tob_error_t *err, tob_status_t code,
                              const char *source, long long row,
                              const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_va(err, code, 0, fmt, ap);
    va_end(ap);
    tob_error_at(err, source, row, field);
    return code;
}

void tob_error_at(tob_error_t *err, const char *source, long long row,
                  const char *field)
{
    if (err == NULL)
        return;
    if (source != NULL && err->source[0] == '\0')
        snprintf(err->source, sizeof err->source, "%s", source);
    if (row > 0 && err->row == 0)
        err->row = row;
    if (field != NULL && field[0] != '\0' && err->field[0] == '\0')
        snprintf(err->field, sizeof err->field, "%s", field);
}

const char *tob_status_string(tob_status_t status)
{
    switch (status) {
    case TOB_OK:
        return "ok";
    case TOB_ERR_ARG:
        return "bad argument";
    case TOB_ERR_INPUT:
        return "bad input";
    case TOB_ERR_NOTFOUND:
        return "not found";
    case TOB_ERR_EXISTS:
        return "already exists";
    case TOB_ERR_STORE:
        return "not a usable store";
    case TOB_ERR_IO:
        return "i/o error";
    case TOB_ERR_NOMEM:
        return "out of memory";
    case TOB_ERR_SQLITE:
        return "sqlite error";
    case TOB_ERR_GDAL:
        return "gdal error";
    case TOB_ERR_PROJ:
        return "proj error";
    case TOB_ERR_CAIRO:
        return "cairo error";
    case TOB_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown status";
}

char *tob_error_format(const tob_error_t *err, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return buf;
    buf[0] = '\0';
    if (err == NULL)
        return buf;
    size_t used = 0;
    int n = 0;
    if (err->source[0] != '\0') {
        if (err->row > 0)
            n = snprintf(buf, size, "%s:%lld: ", err->source, err->row);
        else
            n = snprintf(buf, size, "%s: ", err->source);
    } else if (err->row > 0) {
        n = snprintf(buf, size, "row %lld: ", err->row);
    }
    used = n > 0 ? (size_t)n : 0;
    if (used < size && err->field[0] != '\0') {
        n = snprintf(buf + used, size - used, "%s: ", err->field);
        used += n > 0 ? (size_t)n : 0;
    }
    if (used < size)
        snprintf(buf + used, size - used, "%s",
                 err->message[0] ? err->message : tob_status_string(err->code));
    return buf;
}
