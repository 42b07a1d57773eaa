/* db_copy_fk.h - the foreign keys of a plain COPY into a PostgreSQL table.
 * The server checks them only when the COPY ends, and its refusal names no
 * line: the distinct keys sent, each with the first line that sent it, are
 * kept (a level name, a source id: a few per load), so that the line can
 * be found afterwards from the referenced table as it is then.
 * Library-internal: included by src/store/ only. */
#ifndef TERROBS_STORE_DB_COPY_FK_H
#define TERROBS_STORE_DB_COPY_FK_H

#include <libpq-fe.h>

#include <stddef.h>

typedef struct copy_fks copy_fks_t;

/* The foreign keys of table (found through the search path) whose columns
 * are all among columns[0..n_cols), with what finds a key their
 * referenced table lacks: read before the bulk write drops them. NULL
 * when there is none, or when they cannot be read (then nothing is
 * traced); caller frees with copy_fks_free(). */
copy_fks_t *copy_fks_read(PGconn *pg, const char *table,
                          const char *const *columns, size_t n_cols);
void copy_fks_free(copy_fks_t *fks);

/* Whether column col is part of a key: its values go to copy_fks_value. */
int copy_fks_watches(const copy_fks_t *fks, size_t col);
/* The value of column col in the current row, as text (NULL for NULL). */
int copy_fks_value(copy_fks_t *fks, size_t col, const char *text, size_t len);
/* The current row, numbered line (1 = the COPY's first), is whole: each
 * of its keys not seen yet is kept with line. -1 when out of memory. */
int copy_fks_row(copy_fks_t *fks, size_t line);

/* The first line whose key for the constraint named conname the
 * referenced table lacks now, 0 when none does or it cannot be told;
 * *field is then the key's (first) column, borrowed from fks. Runs
 * statements: call it inside the transaction, once the failure is rolled
 * back to a savepoint taken before the rows. */
size_t copy_fks_first_missing(copy_fks_t *fks, PGconn *pg, const char *conname,
                              const char **field);

#endif
