/* programme_internal.h - what the import of contracts, projects and GUP
 * tables shares between the generic driver (programme_import.c) and the
 * per-kind row handlers (contracts_import.c, gup_import.c). Internal. */
#ifndef TERROBS_PROGRAMME_INTERNAL_H
#define TERROBS_PROGRAMME_INTERNAL_H

#include "base/codeset.h"
#include "store/db.h"
#include "terrobs/programme.h"
#include "terrobs/table.h"

#define PROG_MAX_COLUMNS 16  /* documented columns of one kind */
#define PROG_MAX_PREFIXED 32 /* financement:/référent: columns of a file */

typedef struct prog_ctx prog_ctx_t;

/* A kind's row handler: prepare its statements, take one row, finish
 * (counts, derived data), free its state. */
typedef struct prog_kind_ops {
    tob_status_t (*prepare)(prog_ctx_t *c, tob_error_t *err);
    tob_status_t (*row)(prog_ctx_t *c, tob_error_t *err);
    tob_status_t (*finish)(prog_ctx_t *c, tob_error_t *err);
    void (*cleanup)(prog_ctx_t *c);
} prog_kind_ops_t;

struct prog_ctx {
    tob_store_t *st;
    tob_table_t *table;
    tob_programme_kind_t kind;
    const tob_programme_import_options_t *opts;
    tob_programme_import_report_t *rep;
    const tob_column_t *cols; /* the kind's documented columns */
    size_t n_cols;
    long col[PROG_MAX_COLUMNS]; /* file column of each, -1 if absent */
    size_t prefix_spec;         /* index of the prefix column spec */
    size_t n_prefixed;          /* file columns "prefix:NAME" */
    long prefixed_col[PROG_MAX_PREFIXED];
    char prefixed_name[PROG_MAX_PREFIXED][128];
    tob_id_t source_id;
    tob_codeset_t *keys; /* keys seen in this file, for duplicates */
    void *state;         /* the kind's own */
};

extern const prog_kind_ops_t prog_contract_ops;
extern const prog_kind_ops_t prog_project_ops;
extern const prog_kind_ops_t prog_site_ops;
extern const prog_kind_ops_t prog_action_ops;
extern const prog_kind_ops_t prog_report_ops;

/* Index of the documented column whose header is `header` (exact, as in
 * the column table). Aborts nothing: an unknown header is a bug, and
 * returns the last column so that tests catch it. */
size_t prog_spec(const prog_ctx_t *c, const char *header);

/* Cell of documented column spec in the current row, "" if the file has
 * no such column. Borrowed until the next row. */
const char *prog_cell(const prog_ctx_t *c, size_t spec);

/* Adds the current row and the column's header to err. Returns err's
 * code (or s if err is NULL). */
tob_status_t prog_at(const prog_ctx_t *c, size_t spec, tob_status_t s,
                     tob_error_t *err);

/* The cell trimmed into buf; a required blank cell is an error naming the
 * row and column ("is empty"). */
TOB_NODISCARD tob_status_t prog_text(const prog_ctx_t *c, size_t spec,
                                     int required, char *buf, size_t size,
                                     tob_error_t *err);

/* A date cell as ISO text "YYYY-MM-DD" in iso[11] ("" when blank and not
 * required). */
TOB_NODISCARD tob_status_t prog_date(const prog_ctx_t *c, size_t spec,
                                     int required, char iso[11],
                                     tob_error_t *err);

/* An amount in euros, >= 0; NAN when blank. */
TOB_NODISCARD tob_status_t prog_money_cell(const prog_ctx_t *c,
                                           const char *text, size_t spec,
                                           const char *header, double *out,
                                           tob_error_t *err);

/* A vocabulary cell: its key. */
TOB_NODISCARD tob_status_t prog_vocab(const prog_ctx_t *c, size_t spec,
                                      tob_vocab_t vocab, const char **key,
                                      tob_error_t *err);

/* Checks that (level, code) is a territory of the latest vintage of level.
 * Errors name the row and column: unknown level (listing the store's),
 * malformed code, no such territory. */
TOB_NODISCARD tob_status_t prog_territory(const prog_ctx_t *c, size_t spec,
                                          const char *level, const char *code,
                                          tob_error_t *err);

/* Records key (already made unique per parent by the caller) for this
 * row; a key seen on an earlier row is an error naming both rows. */
TOB_NODISCARD tob_status_t prog_unique(prog_ctx_t *c, size_t spec,
                                       const char *key, const char *what,
                                       tob_error_t *err);

/* Steps a prepared statement that returns no row, then resets it. */
TOB_NODISCARD tob_status_t prog_step(prog_ctx_t *c, db_stmt_t *stmt,
                                     const char *doing, tob_error_t *err);
/* The same for an INSERT ... RETURNING id: *id is the new row's (0 if
 * none). */
TOB_NODISCARD tob_status_t prog_step_id(prog_ctx_t *c, db_stmt_t *stmt,
                                        const char *doing, tob_id_t *id,
                                        tob_error_t *err);

/* Binds text, or NULL when text is "" (or NULL). */
void prog_bind_text(db_stmt_t *stmt, int i, const char *text);
/* Binds a number, or NULL when it is NaN. */
void prog_bind_double(db_stmt_t *stmt, int i, double v);

/* Splits a list cell at ';' (and ',' or white space when split_space) into
 * trimmed items; calls fn(user, item) for each non-empty one. */
TOB_NODISCARD tob_status_t prog_split(const char *text, int split_space,
                                      tob_status_t (*fn)(void *user,
                                                         const char *item,
                                                         tob_error_t *err),
                                      void *user, tob_error_t *err);

#endif
