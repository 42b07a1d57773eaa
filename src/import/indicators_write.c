/* indicators_write.c - an indicator import's variables, observations and
 * provenance, inside the caller's transaction. */
#include "indicators_internal.h"
#include "store/db.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Columns that are no variable yet become one: label = name, and
 * aggregate 'none' until a variables file says how they aggregate. */
static tob_status_t create_variables(ind_import_t *imp, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(imp->st,
                   "INSERT OR IGNORE INTO variable (name, label, aggregate)"
                   " VALUES (?1, ?1, 'none')",
                   &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++) {
        if (imp->cols[i].declared)
            continue;
        db_bind_text_static(stmt, 1, imp->cols[i].name);
        if (db_step(stmt) != DB_DONE)
            s = db_fail(imp->st, "creating a variable", err);
        else if (db_changes(imp->st) > 0)
            examples_add(&imp->created, "%s", imp->cols[i].name);
        db_reset(stmt);
    }
    db_finalize(stmt);
    imp->rep->n_created = imp->created.count;
    examples_describe(&imp->created, imp->rep->created,
                      sizeof imp->rep->created);
    return s;
}

/* A blank cell is written as NULL: the value is known to be missing, and
 * an earlier value for the same year does not survive the new file. */
static tob_status_t write_target(ind_import_t *imp, db_copy_t *copy, size_t k,
                                 tob_error_t *err)
{
    const ind_target_t *t = &imp->targets[k];
    tob_status_t s = TOB_OK;
    for (size_t i = 0; s == TOB_OK && i < imp->n_cols; i++) {
        db_copy_int64(copy, t->entry->id);
        db_copy_text(copy, imp->cols[i].name);
        db_copy_int64(copy, imp->cols[i].year);
        if (isnan(t->values[i])) {
            db_copy_null(copy);
            imp->rep->n_blank++;
        } else {
            db_copy_double(copy, t->values[i]);
            imp->rep->n_values++;
        }
        db_copy_int64(copy, imp->source_id);
        /* Its tag: which value it is, if the server refuses it. */
        s = db_copy_row(copy, (long long)(k * imp->n_cols + i + 1), err);
    }
    return s;
}

/* One bulk write (COPY on PostgreSQL) of every observation. */
static tob_status_t write_observations(ind_import_t *imp, tob_error_t *err)
{
    static const char *const columns[] = {"territory", "variable", "year",
                                          "value", "source_id"};
    db_copy_t *copy = NULL;
    tob_status_t s =
        db_copy_begin(imp->st, "observation", columns, NULL,
                      sizeof columns / sizeof columns[0],
                      "ON CONFLICT (territory, variable, year) DO UPDATE SET"
                      " value = excluded.value, source_id = excluded.source_id",
                      &copy, err);
    for (size_t k = 0; s == TOB_OK && k < imp->n_targets; k++)
        s = write_target(imp, copy, k, err);
    if (s == TOB_OK)
        s = db_copy_end(copy, err);
    long long tag = db_copy_failed_tag(copy);
    db_copy_free(copy);
    if (s != TOB_OK && tag > 0 && imp->n_cols > 0 && err != NULL) {
        /* The server refused one value (a CHECK or a trigger of the
         * observatory's own): which territory, variable and year. */
        size_t k = (size_t)(tag - 1) / imp->n_cols;
        size_t i = (size_t)(tag - 1) % imp->n_cols;
        char what[sizeof err->message];
        snprintf(what, sizeof what, "%s", err->message);
        int lib_code = err->lib_code;
        tob_error_clear(err);
        tob_error_lib(err, s, lib_code, "%s %s, %s %d: %s", imp->opts->level,
                      imp->targets[k].entry->code, imp->cols[i].name,
                      imp->cols[i].year, what);
        tob_error_at(err, imp->opts->path, 0, NULL);
    }
    return s;
}

void tob_indicators_describe(const tob_indicators_report_t *rep, char *buf,
                             size_t size)
{
    int n = snprintf(buf, size,
                     "%zu rows, %s; %zu variables: %s; %zu territories "
                     "matched, %zu values, %zu empty; keys with no "
                     "territory %s; territories with no row %s",
                     rep->n_rows, rep->encoding, rep->n_columns, rep->columns,
                     rep->n_matched, rep->n_values, rep->n_blank, rep->unknown,
                     rep->no_row);
    if (n > 0 && (size_t)n < size && rep->cog_from != 0)
        snprintf(buf + n, size - (size_t)n,
                 "; COG %d: %zu keys recoded, merged %s, not in the "
                 "passage table %s, not mappable %s",
                 rep->cog_from, rep->n_mapped, rep->merged, rep->unmapped,
                 rep->unmappable);
}

tob_status_t ind_write(ind_import_t *imp, tob_error_t *err)
{
    tob_status_t s = create_variables(imp, err);
    tob_source_record_t rec = {"indicators",
                               imp->opts->path,
                               imp->opts->sheet,
                               imp->opts->level,
                               imp->rep->vintage,
                               0,
                               imp->rep->checksum[0] ? imp->rep->checksum
                                                     : NULL,
                               NULL};
    if (s == TOB_OK)
        s = tob_store_add_source(imp->st, &rec, &imp->source_id, err);
    if (s == TOB_OK)
        s = write_observations(imp, err);
    char details[4096];
    tob_indicators_describe(imp->rep, details, sizeof details);
    if (s == TOB_OK)
        s = tob_store_finish_source(imp->st, imp->source_id,
                                    (long long)imp->rep->n_rows, details, err);
    return s;
}
