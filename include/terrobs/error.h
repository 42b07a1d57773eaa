/* error.h (building block) - status codes and the error record every fallible
 * call fills. The record lives in fixed buffers so that failing never
 * allocates; the first error set wins, later calls only add where (source, row,
 * field). */
#ifndef TERROBS_ERROR_H
#define TERROBS_ERROR_H

#include <stddef.h>

/* TOB_API marks what libterrobs exports: the library is built with
 * -fvisibility=hidden, so everything else stays inside it (as PROJ_DLL and
 * cairo_public do). */
#if defined(__GNUC__) || defined(__clang__)
#define TOB_API __attribute__((visibility("default")))
#define TOB_NODISCARD __attribute__((warn_unused_result))
#define TOB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TOB_API
#define TOB_NODISCARD
#define TOB_PRINTF(f, a)
#endif

typedef enum tob_status {
    TOB_OK = 0,
    TOB_ERR_ARG,      /* a caller's argument or a command-line option */
    TOB_ERR_INPUT,    /* a user file: bad value, code, geometry, syntax */
    TOB_ERR_NOTFOUND, /* a territory, level, field or file that is absent */
    TOB_ERR_EXISTS,   /* something already there: file, (level, vintage) */
    TOB_ERR_STORE,    /* not a terrobs store, or a newer schema */
    TOB_ERR_IO,       /* reading or writing a file */
    TOB_ERR_NOMEM,
    TOB_ERR_SQLITE, /* lib_code is the extended SQLite code */
    TOB_ERR_GDAL,   /* lib_code is the CPLErrorNum */
    TOB_ERR_PROJ,   /* lib_code is the PROJ errno */
    TOB_ERR_CAIRO,  /* lib_code is the cairo_status_t */
    TOB_ERR_INTERNAL
} tob_status_t;

#define TOB_ERROR_SOURCE_MAX 512
#define TOB_ERROR_FIELD_MAX 128
#define TOB_ERROR_MESSAGE_MAX 1024

typedef struct tob_error {
    tob_status_t code;                 /* TOB_OK while nothing went wrong */
    int lib_code;                      /* the library's own code, 0 if none */
    char source[TOB_ERROR_SOURCE_MAX]; /* file or layer, "" if none */
    long long row; /* 1-based row or feature number, 0 if none */
    char field[TOB_ERROR_FIELD_MAX]; /* column, key or field, "" if none */
    char message[TOB_ERROR_MESSAGE_MAX];
} tob_error_t;

/* Resets err to "no error". NULL is a no-op. */
TOB_API void tob_error_clear(tob_error_t *err);

/* Records code and a printf-style message, unless err already holds an
 * error (the first one wins). Returns code, so callers can write
 * `return tob_error_set(err, TOB_ERR_ARG, "...")`. err may be NULL. */
TOB_API tob_status_t tob_error_set(tob_error_t *err, tob_status_t code,
                                   const char *fmt, ...) TOB_PRINTF(3, 4);

/* Same, with the underlying library's code. */
TOB_API tob_status_t tob_error_lib(tob_error_t *err, tob_status_t code,
                                   int lib_code, const char *fmt, ...)
    TOB_PRINTF(4, 5);

/* Records code and message and where, in one call: the same as
 * tob_error_set() then tob_error_at(). Returns code, so callers can write
 * `return tob_error_set_at(err, TOB_ERR_IO, path, 0, NULL, "...")`. */
TOB_API tob_status_t tob_error_set_at(tob_error_t *err, tob_status_t code,
                                      const char *source, long long row,
                                      const char *field, const char *fmt, ...)
    TOB_PRINTF(6, 7);

/* Adds where the error happened; each of source (NULL), row (0) and field
 * (NULL) is written only when given and not already set, so the innermost
 * caller, which knows best, wins. */
TOB_API void tob_error_at(tob_error_t *err, const char *source, long long row,
                          const char *field);

/* Short English name of a status: "bad input", "out of memory"... */
TOB_API const char *tob_status_string(tob_status_t status);

/* Writes "source:row: field: message" (parts that are unset left out)
 * into buf, truncating to size. Returns buf. */
TOB_API char *tob_error_format(const tob_error_t *err, char *buf, size_t size);

#endif
