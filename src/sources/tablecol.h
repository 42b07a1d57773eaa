/* tablecol.h - the column of a table named by one of a few aliases, or an
 * error listing the columns there are. Internal. */
#ifndef TERROBS_TABLECOL_H
#define TERROBS_TABLECOL_H

#include "terrobs/table.h"

/* The required columns a file lacks, gathered so that one error names
 * them all ("missing columns 'a' (did you mean 'b'?), 'c'; columns: ..."),
 * not one per run. Zero-initialise it. */
typedef struct table_missing {
    size_t n;
    char first[128]; /* the first missing column: the error's field */
    char text[640];
} table_missing_t;

/* *index = the column named by one of aliases (NULL-terminated, matched
 * folded), or -1; when required, -1 is TOB_ERR_NOTFOUND "missing column
 * 'x' (did you mean 'y'?); columns: a, b, c" at the file. */
TOB_NODISCARD tob_status_t table_column(tob_table_t *t,
                                        const char *const *aliases,
                                        int required, long *index,
                                        tob_error_t *err);

/* The same, but a required column that is absent is noted in missing
 * (then *index = -1 and TOB_OK): call table_missing_fail() once all the
 * columns are looked for. */
TOB_NODISCARD tob_status_t table_column_noted(tob_table_t *t,
                                              const char *const *aliases,
                                              int required, long *index,
                                              table_missing_t *missing,
                                              tob_error_t *err);

/* Notes name as missing, with the present headers closest to it and the
 * other names accepted for it (also, may be NULL or ""). */
void table_missing_add(table_missing_t *missing, const tob_table_t *t,
                       const char *name, const char *also);

/* TOB_OK when nothing is missing, else TOB_ERR_NOTFOUND naming the file,
 * every missing column and the columns there are. */
TOB_NODISCARD tob_status_t table_missing_fail(const tob_table_t *t,
                                              const table_missing_t *missing,
                                              tob_error_t *err);

#endif
