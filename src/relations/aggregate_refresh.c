/* aggregate_refresh.c - recompute the stored aggregates whose inputs
 * changed, in the transaction that changed them. */
#include "relations_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    char from[TOB_LEVEL_NAME_MAX + 1], to[TOB_LEVEL_NAME_MAX + 1];
    char *variables; /* "a,b" or NULL */
    int to_vintage, year, overlap, stale;
    double min_coverage;
} run_t;

typedef struct runs {
    run_t *items;
    size_t n;
} runs_t;

static void runs_free(runs_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->items[i].variables);
    free(r->items);
}

static tob_status_t read_runs(tob_store_t *st, runs_t *out, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "SELECT from_level, to_level, coalesce(to_vintage, 0), variables,"
        " coalesce(year, 0), coalesce(overlap, 0), coalesce(min_coverage, 0),"
        " stale FROM aggregate_run ORDER BY source_id",
        &stmt, err);
    size_t cap = 0;
    int rc = DB_DONE;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        if (out->n == cap) {
            cap = cap ? 2 * cap : 8;
            run_t *bigger = realloc(out->items, cap * sizeof *bigger);
            if (bigger == NULL) {
                s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
                break;
            }
            out->items = bigger;
        }
        run_t *r = &out->items[out->n++];
        memset(r, 0, sizeof *r);
        snprintf(r->from, sizeof r->from, "%s", db_column_str(stmt, 0));
        snprintf(r->to, sizeof r->to, "%s", db_column_str(stmt, 1));
        r->to_vintage = db_column_int(stmt, 2);
        if (db_column_type(stmt, 3) != DB_NULL &&
            (r->variables = strdup(db_column_str(stmt, 3))) == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        r->year = db_column_int(stmt, 4);
        r->overlap = db_column_int(stmt, 5);
        r->min_coverage = db_column_double(stmt, 6);
        r->stale = db_column_int(stmt, 7);
    }
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading the stored aggregations", err);
    db_finalize(stmt);
    return s;
}

/* Splits "a,b,c" in place into names[] (NULL-terminated, at most max). */
static void split_names(char *text, const char **names, size_t max)
{
    size_t n = 0;
    for (char *p = text; p != NULL && n + 1 < max; n++) {
        names[n] = p;
        p = strchr(p, ',');
        if (p != NULL)
            *p++ = '\0';
    }
    names[n] = NULL;
}

static int in_set(const char *level, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] != NULL && strcmp(set[i], level) == 0)
            return 1;
    return 0;
}

static void note_run(tob_aggregate_refresh_report_t *rep, const run_t *r)
{
    size_t used = strlen(rep->runs);
    snprintf(rep->runs + used, sizeof rep->runs - used, "%s%s -> %s",
             used ? ", " : "", r->from, r->to);
}

/* Recomputes run r; one that cannot be computed any more (level,
 * members or variables gone) is removed with its values. */
static tob_status_t redo(tob_store_t *st, run_t *r,
                         tob_aggregate_refresh_report_t *rep, tob_error_t *err)
{
    const char *names[256];
    char *copy = r->variables != NULL ? strdup(r->variables) : NULL;
    if (r->variables != NULL && copy == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    split_names(copy, names, sizeof names / sizeof names[0]);
    tob_aggregate_options_t o = {
        r->from, r->to,      r->to_vintage,  copy ? names : NULL,
        r->year, r->overlap, r->min_coverage};
    tob_aggregate_report_t one;
    tob_error_t inner;
    tob_error_clear(&inner);
    tob_status_t s = aggregate_in_transaction(st, &o, &one, &inner);
    if (s == TOB_ERR_NOTFOUND || s == TOB_ERR_INPUT || s == TOB_ERR_ARG) {
        s = aggregate_forget(st, &o, err);
        rep->n_dropped++;
    } else if (s == TOB_OK) {
        rep->n_runs++;
        note_run(rep, r);
    } else if (err != NULL) {
        *err = inner;
    }
    free(copy);
    return s;
}

tob_status_t tob_aggregate_refresh(tob_store_t *st, const char *level_a,
                                   const char *level_b,
                                   tob_aggregate_refresh_report_t *report,
                                   tob_error_t *err)
{
    tob_aggregate_refresh_report_t local;
    tob_aggregate_refresh_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    runs_t runs = {NULL, 0};
    tob_status_t s = read_runs(st, &runs, err);
    int all = level_a == NULL && level_b == NULL;
    /* Levels whose values changed: the two given, then each level
     * recomputed here (a SCoT aggregated from stored EPCI values). */
    const char **changed = calloc(runs.n + 2, sizeof *changed);
    size_t n_changed = 2;
    if (changed == NULL && s == TOB_OK)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (changed != NULL) {
        changed[0] = level_a;
        changed[1] = level_b;
    }
    for (size_t i = 0; s == TOB_OK && i < runs.n; i++) {
        run_t *r = &runs.items[i];
        if (!all && !r->stale && !in_set(r->from, changed, n_changed) &&
            !in_set(r->to, changed, n_changed))
            continue;
        s = redo(st, r, rep, err);
        changed[n_changed++] = r->to;
    }
    free(changed);
    runs_free(&runs);
    return s;
}
