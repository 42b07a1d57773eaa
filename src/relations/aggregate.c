/* aggregate.c - store the values of a level computed from another's. */
#include "terrobs/aggregate.h"

#include "relations_internal.h"

#include "base/examples.h"
#include "store/db.h"
#include "terrobs/territory.h"
#include "terrobs/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values written per statement: one round trip for 128 on PostGIS. */
#define AGG_BATCH 128

typedef struct pending {
    tob_territory_entry_t *parent;
    double value;
} pending_t;

typedef struct agg {
    tob_store_t *st;
    const tob_aggregate_options_t *opts;
    tob_aggregate_report_t *rep;
    tob_values_t *values;
    tob_territory_map_t *parents;
    char **vars;
    size_t n_vars, cap_vars;
    db_stmt_t *upsert, *remove, *years, *year_at_level;
    /* values computed, not written yet: of one variable and year */
    pending_t batch[AGG_BATCH];
    size_t n_batch;
    tob_id_t source_id;
    tob_examples_t incomplete, partial, no_members, kept, skipped, done;
} agg_t;

/* An imported observation of the parent level wins over a computed one;
 * the rows written come back (those kept are not). For n rows. */
static char *upsert_sql(size_t n)
{
    static const char head[] =
        "INSERT INTO observation (territory, variable, year, value, source_id)"
        " VALUES ";
    static const char tail[] =
        " ON CONFLICT (territory, variable, year)"
        " DO UPDATE SET value = excluded.value, source_id = excluded.source_id"
        " WHERE observation.source_id IS NULL OR observation.source_id IN"
        " (SELECT id FROM source WHERE kind = 'aggregate') RETURNING territory";
    size_t size = sizeof head + sizeof tail + n * 48;
    char *sql = malloc(size);
    if (sql == NULL)
        return NULL;
    size_t used = (size_t)snprintf(sql, size, "%s", head);
    for (size_t i = 0; i < n; i++) {
        int k = (int)(4 * i);
        /* the variable and the provenance once: ?1 and ?2 */
        used += (size_t)snprintf(sql + used, size - used,
                                 "%s(?%d, ?1, ?%d, ?%d, ?2)", i ? ", " : "",
                                 k + 3, k + 4, k + 5);
    }
    snprintf(sql + used, size - used, "%s", tail);
    return sql;
}

static const char REMOVE_SQL[] =
    "DELETE FROM observation WHERE territory = ?1 AND variable = ?2"
    " AND year = ?3 AND source_id IN"
    " (SELECT id FROM source WHERE kind = 'aggregate')";

/* The years of ?1, at any level: each next one found by the index on
 * (variable, year), a probe each, rather than reading every observation
 * of the variable (353,570 rows for 10 years of France's communes, 150 ms
 * on PostGIS). */
static const char YEARS_SQL[] =
    "WITH RECURSIVE seen(year) AS ("
    "  SELECT min(year) FROM observation WHERE variable = ?1"
    "  UNION ALL SELECT (SELECT min(o.year) FROM observation o"
    "   WHERE o.variable = ?1 AND o.year > seen.year)"
    "  FROM seen WHERE seen.year IS NOT NULL)"
    " SELECT seen.year FROM seen WHERE seen.year IS NOT NULL ORDER BY 1";

/* Whether ?1 has a row at level ?2 in year ?3, stale or not, when the
 * reader found none it uses (rare: a year only another level has). */
static const char YEAR_AT_LEVEL_SQL[] =
    "SELECT EXISTS (SELECT 1 FROM observation o"
    " JOIN territory t ON t.id = o.territory"
    " WHERE o.variable = ?1 AND t.level = ?2 AND o.year = ?3)";

/* Variables observed at a level, and ratios of two such variables. */
static const char OBSERVED_SQL[] =
    "SELECT v.name FROM variable v WHERE EXISTS (SELECT 1 FROM observation o"
    "  JOIN territory t ON t.id = o.territory"
    "  WHERE o.variable = v.name AND t.level = ?1)"
    " OR (v.aggregate = 'ratio' AND EXISTS (SELECT 1 FROM observation o"
    "  JOIN territory t ON t.id = o.territory"
    "  WHERE o.variable = v.numerator AND t.level = ?1)"
    " AND EXISTS (SELECT 1 FROM observation o"
    "  JOIN territory t ON t.id = o.territory"
    "  WHERE o.variable = v.denominator AND t.level = ?1))"
    " ORDER BY v.name";

static tob_status_t add_var(agg_t *a, const char *name, tob_error_t *err)
{
    if (a->n_vars == a->cap_vars) {
        size_t cap = a->cap_vars ? 2 * a->cap_vars : 16;
        char **bigger = realloc(a->vars, cap * sizeof *bigger);
        if (bigger == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        a->vars = bigger;
        a->cap_vars = cap;
    }
    if ((a->vars[a->n_vars] = strdup(name)) == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    a->n_vars++;
    examples_add(&a->done, "%s", name);
    return TOB_OK;
}

/* Whether variable var can be computed; asked = named by the user, so
 * refusing it is an error rather than a note. */
static tob_status_t consider(agg_t *a, const char *name, int asked,
                             tob_error_t *err)
{
    const tob_variable_t *var = tob_values_variable(a->values, name, err);
    if (var == NULL)
        return err != NULL && err->code != TOB_OK ? err->code
                                                  : TOB_ERR_NOTFOUND;
    int ok = var->aggregate != TOB_AGG_NONE &&
             (!a->opts->overlap || var->aggregate == TOB_AGG_SUM ||
              var->aggregate == TOB_AGG_RATIO);
    if (ok)
        return add_var(a, name, err);
    if (!asked) {
        examples_add(&a->skipped, "%s (%s)", name,
                     tob_aggregate_name(var->aggregate));
        return TOB_OK;
    }
    if (var->aggregate == TOB_AGG_NONE)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "variable %s does not aggregate (aggregate "
                             "'none'): declare how in a variables file "
                             "(terrobs import OBS variables FILE)",
                             name);
    return tob_error_set(err, TOB_ERR_INPUT,
                         "variable %s is a %s: through overlaps only sums "
                         "and ratios can be apportioned",
                         name, tob_aggregate_name(var->aggregate));
}

static tob_status_t pick_variables(agg_t *a, tob_error_t *err)
{
    tob_status_t s = TOB_OK;
    if (a->opts->variables != NULL) {
        for (size_t i = 0; s == TOB_OK && a->opts->variables[i]; i++)
            s = consider(a, a->opts->variables[i], 1, err);
        return s;
    }
    db_stmt_t *stmt = NULL;
    if ((s = db_prepare(a->st, OBSERVED_SQL, &stmt, err)) != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, a->opts->from_level);
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = consider(a, db_column_text(stmt, 0), 0, err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(a->st, "listing variables", err);
    db_finalize(stmt);
    if (s == TOB_OK && a->n_vars == 0)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no variable that aggregates is observed at "
                             "level %s",
                             a->opts->from_level);
    return s;
}

/* Why a parent got no value, listed once per parent (flags in hits: 1
 * partly covered or memberless, 2 a member without value); the values
 * left out are counted. */
static void note_missing(agg_t *a, tob_territory_entry_t *p,
                         const tob_value_t *v)
{
    double min = a->opts->min_coverage > 0 ? a->opts->min_coverage
                                           : TOB_VALUES_MIN_COVERAGE;
    if (v->n_expected > v->n_parts) {
        if (!(p->hits & 2))
            examples_add(&a->incomplete,
                         "%s (%zu of its %zu members in the "
                         "store)",
                         p->code, v->n_parts, v->n_expected);
        p->hits |= 2;
        a->rep->n_incomplete++;
    } else if (v->n_parts > 0 && v->coverage < min) {
        if (!(p->hits & 1))
            examples_add(&a->partial, "%s (%.0f %%)", p->code,
                         100 * v->coverage);
        p->hits |= 1;
    } else if (v->n_parts == 0 && v->n_missing == 0) {
        if (!(p->hits & 1))
            examples_add(&a->no_members, "%s", p->code);
        p->hits |= 1;
    } else {
        if (!(p->hits & 2))
            examples_add(&a->incomplete, "%s (%zu of %zu members)", p->code,
                         v->n_missing, v->n_parts);
        p->hits |= 2;
        a->rep->n_incomplete++;
    }
}

/* Writes the values pending for (var, year) in one statement, and notes
 * those an imported value kept. */
static tob_status_t flush(agg_t *a, const char *var, int year, tob_error_t *err)
{
    size_t n = a->n_batch;
    if (n == 0)
        return TOB_OK;
    a->n_batch = 0;
    db_stmt_t *stmt = n == AGG_BATCH ? a->upsert : NULL;
    tob_status_t s = TOB_OK;
    if (stmt == NULL) {
        char *sql = upsert_sql(n);
        if (sql == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
        s = db_prepare(a->st, sql, &stmt, err);
        free(sql);
        if (s != TOB_OK)
            return s;
    }
    db_bind_text_static(stmt, 1, var);
    db_bind_int64(stmt, 2, a->source_id);
    for (size_t i = 0; i < n; i++) {
        db_bind_int64(stmt, (int)(4 * i + 3), a->batch[i].parent->id);
        db_bind_int(stmt, (int)(4 * i + 4), year);
        db_bind_double(stmt, (int)(4 * i + 5), a->batch[i].value);
    }
    unsigned char written[AGG_BATCH] = {0};
    int rc;
    while ((rc = db_step(stmt)) == DB_ROW) {
        tob_id_t id = db_column_int64(stmt, 0);
        for (size_t i = 0; i < n; i++)
            if (a->batch[i].parent->id == id)
                written[i] = 1;
    }
    db_reset(stmt);
    if (stmt != a->upsert)
        db_finalize(stmt);
    if (rc != DB_DONE)
        return db_fail(a->st, "writing aggregated values", err);
    for (size_t i = 0; i < n; i++) {
        if (written[i])
            a->rep->n_written++;
        else
            examples_add(&a->kept, "%s %s %d", a->batch[i].parent->code, var,
                         year);
    }
    return s;
}

static tob_status_t store_value(agg_t *a, tob_territory_entry_t *p,
                                const char *var, int year, const tob_value_t *v,
                                tob_error_t *err)
{
    if (v->origin != TOB_VALUE_MISSING) {
        a->batch[a->n_batch++] = (pending_t){p, v->value};
        return a->n_batch == AGG_BATCH ? flush(a, var, year, err) : TOB_OK;
    }
    db_bind_int64(a->remove, 1, p->id);
    db_bind_text_static(a->remove, 2, var);
    db_bind_int(a->remove, 3, year);
    int rc = db_step(a->remove);
    db_reset(a->remove);
    if (rc != DB_DONE)
        return db_fail(a->st, "removing an aggregated value", err);
    note_missing(a, p, v);
    return TOB_OK;
}

static tob_status_t aggregate_year(agg_t *a, const char *var, int year,
                                   tob_error_t *err)
{
    tob_derive_options_t d = {a->opts->from_level, a->opts->overlap,
                              a->opts->min_coverage};
    tob_status_t s = TOB_OK;
    size_t n = tob_territory_map_size(a->parents);
    a->rep->n_years++;
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        tob_territory_entry_t *p = tob_territory_map_at(a->parents, i);
        tob_value_t v;
        s = tob_values_derive(a->values, var, p->id, year, &d, &v, err);
        if (s == TOB_OK)
            s = store_value(a, p, var, year, &v, err);
    }
    if (s == TOB_OK)
        s = flush(a, var, year, err);
    a->n_batch = 0;
    return s;
}

/* Whether var has an observation at the --from level in year: the
 * reader reads that (var, year) whole anyway, the store is asked only
 * when it holds none there that is not stale. */
static tob_status_t year_observed(agg_t *a, const char *var, int year, int *any,
                                  tob_error_t *err)
{
    tob_status_t s = tob_values_level_has(a->values, var, year,
                                          a->opts->from_level, any, err);
    if (s != TOB_OK || *any)
        return s;
    db_bind_text_static(a->year_at_level, 1, var);
    db_bind_text_static(a->year_at_level, 2, a->opts->from_level);
    db_bind_int(a->year_at_level, 3, year);
    int rc = db_step(a->year_at_level);
    if (rc == DB_ROW)
        *any = db_column_int(a->year_at_level, 0) != 0;
    db_reset(a->year_at_level);
    return rc == DB_ROW ? TOB_OK : db_fail(a->st, "listing years", err);
}

/* Years observed at the base level: the variable's, or its numerator's. */
static tob_status_t aggregate_variable(agg_t *a, const char *name,
                                       tob_error_t *err)
{
    if (a->opts->year != 0)
        return aggregate_year(a, name, a->opts->year, err);
    const tob_variable_t *var = tob_values_variable(a->values, name, err);
    if (var == NULL)
        return TOB_ERR_NOTFOUND;
    const char *observed =
        var->aggregate == TOB_AGG_RATIO ? var->numerator : name;
    int years[256];
    size_t n = 0;
    db_bind_text_static(a->years, 1, observed);
    int rc;
    while (n < 256 && (rc = db_step(a->years)) == DB_ROW)
        years[n++] = db_column_int(a->years, 0);
    db_reset(a->years);
    if (n < 256 && rc != DB_DONE)
        return db_fail(a->st, "listing years", err);
    tob_status_t s = TOB_OK;
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        int at_level = 0;
        s = year_observed(a, observed, years[i], &at_level, err);
        if (s == TOB_OK && at_level)
            s = aggregate_year(a, name, years[i], err);
    }
    return s;
}

static tob_status_t check_relations(agg_t *a, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(a->st,
                   "SELECT count(*) FROM membership m JOIN territory p"
                   " ON p.id = m.parent WHERE p.level = ? AND p.vintage = ?"
                   " AND m.kind = ?",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, a->opts->to_level);
    db_bind_int(stmt, 2, a->rep->to_vintage);
    db_bind_text_static(stmt, 3, a->opts->overlap ? "overlap" : "member");
    long long n = 0;
    if (db_step(stmt) == DB_ROW)
        n = db_column_int64(stmt, 0);
    else
        s = db_fail(a->st, "counting relations", err);
    db_finalize(stmt);
    if (s == TOB_OK && n == 0)
        return tob_error_set(
            err, TOB_ERR_INPUT,
            "no %s of vintage %d has %s: relate the levels first "
            "(terrobs relate%s)",
            a->opts->to_level, a->rep->to_vintage,
            a->opts->overlap ? "overlaps" : "members",
            a->opts->overlap ? " --overlap" : ", terrobs zone");
    return s;
}

static void fill_report(agg_t *a)
{
    tob_aggregate_report_t *rep = a->rep;
    rep->n_parents = tob_territory_map_size(a->parents);
    rep->n_variables = a->n_vars;
    rep->n_partial = a->partial.count;
    rep->n_no_members = a->no_members.count;
    rep->n_kept = a->kept.count;
    snprintf(rep->variables, sizeof rep->variables, "%s", a->done.text);
    if (a->done.count > a->done.n_listed) {
        size_t used = strlen(rep->variables);
        snprintf(rep->variables + used, sizeof rep->variables - used,
                 " and %zu more", a->done.count - a->done.n_listed);
    }
    examples_describe(&a->skipped, rep->skipped, sizeof rep->skipped);
    examples_describe(&a->incomplete, rep->incomplete, sizeof rep->incomplete);
    examples_describe(&a->partial, rep->partial, sizeof rep->partial);
    examples_describe(&a->no_members, rep->no_members, sizeof rep->no_members);
    examples_describe(&a->kept, rep->kept, sizeof rep->kept);
}

static tob_status_t run_aggregate(agg_t *a, tob_error_t *err)
{
    char path[128];
    snprintf(path, sizeof path, "(%s -> %s%s)", a->opts->from_level,
             a->opts->to_level, a->opts->overlap ? ", overlaps" : "");
    tob_source_record_t rec = {
        "aggregate",        path, NULL, a->opts->to_level,
        a->rep->to_vintage, 0,    NULL, NULL};
    tob_status_t s = tob_store_add_source(a->st, &rec, &a->source_id, err);
    char *sql = s == TOB_OK ? upsert_sql(AGG_BATCH) : NULL;
    if (s == TOB_OK && sql == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (s == TOB_OK)
        s = db_prepare(a->st, sql, &a->upsert, err);
    free(sql);
    if (s == TOB_OK)
        s = db_prepare(a->st, REMOVE_SQL, &a->remove, err);
    if (s == TOB_OK)
        s = db_prepare(a->st, YEARS_SQL, &a->years, err);
    if (s == TOB_OK)
        s = db_prepare(a->st, YEAR_AT_LEVEL_SQL, &a->year_at_level, err);
    for (size_t i = 0; s == TOB_OK && i < a->n_vars; i++)
        s = aggregate_variable(a, a->vars[i], err);
    if (s != TOB_OK)
        return s;
    fill_report(a);
    const tob_aggregate_report_t *rep = a->rep;
    char details[4096];
    snprintf(details, sizeof details,
             "%s -> %s %d: %zu values of %zu variables (%s) for %zu "
             "territories; not computed: members without value %s, "
             "partly covered %s, without members %s; imported kept %s; "
             "not aggregatable %s",
             a->opts->from_level, a->opts->to_level, rep->to_vintage,
             rep->n_written, rep->n_variables, rep->variables, rep->n_parents,
             rep->incomplete, rep->partial, rep->no_members, rep->kept,
             rep->skipped);
    return tob_store_finish_source(a->st, a->source_id,
                                   (long long)rep->n_written, details, err);
}

static void agg_end(agg_t *a)
{
    db_finalize(a->upsert);
    db_finalize(a->remove);
    db_finalize(a->years);
    db_finalize(a->year_at_level);
    tob_values_close(a->values);
    tob_territory_map_destroy(a->parents);
    for (size_t i = 0; i < a->n_vars; i++)
        free(a->vars[i]);
    free(a->vars);
}

/* The run's record: what its values were computed from. An earlier run
 * with the same options is replaced, its values removed first so that
 * none outlives its inputs (a year no longer observed, a parent gone). */
#define SAME_RUN                                                               \
    " WHERE from_level = ?1 AND to_level = ?2 AND to_vintage = ?3"             \
    " AND coalesce(variables, '') = coalesce(?4, '') AND year = ?5"            \
    " AND overlap = ?6"

static const char *const FORGET_SQL[] = {
    "DELETE FROM observation WHERE source_id IN"
    " (SELECT source_id FROM aggregate_run" SAME_RUN ")",
    "DELETE FROM aggregate_run" SAME_RUN};

static const char RECORD_SQL[] =
    "INSERT INTO aggregate_run (source_id, from_level, to_level, to_vintage,"
    " variables, year, overlap, min_coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* "a,b,c" from a NULL-terminated list, or NULL for every variable. */
static char *join_names(const char *const *names)
{
    if (names == NULL)
        return NULL;
    size_t len = 1;
    for (size_t i = 0; names[i] != NULL; i++)
        len += strlen(names[i]) + 1;
    char *text = calloc(1, len);
    for (size_t i = 0; text != NULL && names[i] != NULL; i++) {
        if (i > 0)
            strcat(text, ",");
        strcat(text, names[i]);
    }
    return text;
}

static void bind_run(db_stmt_t *stmt, int first,
                     const tob_aggregate_options_t *o, const char *vars)
{
    db_bind_text_static(stmt, first, o->from_level);
    db_bind_text_static(stmt, first + 1, o->to_level);
    db_bind_int(stmt, first + 2, o->to_vintage);
    if (vars != NULL)
        db_bind_text_static(stmt, first + 3, vars);
    else
        db_bind_null(stmt, first + 3);
    db_bind_int(stmt, first + 4, o->year);
    db_bind_int(stmt, first + 5, o->overlap != 0);
}

static tob_status_t step_once(tob_store_t *st, db_stmt_t *stmt,
                              const char *doing, tob_error_t *err)
{
    int rc = db_step(stmt);
    db_finalize(stmt);
    return rc == DB_DONE ? TOB_OK : db_fail(st, doing, err);
}

tob_status_t aggregate_forget(tob_store_t *st,
                              const tob_aggregate_options_t *opts,
                              tob_error_t *err)
{
    char *vars = join_names(opts->variables);
    if (opts->variables != NULL && vars == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    tob_status_t s = TOB_OK;
    for (int i = 0; i < 2 && s == TOB_OK; i++) {
        db_stmt_t *stmt = NULL;
        s = db_prepare(st, FORGET_SQL[i], &stmt, err);
        if (s == TOB_OK) {
            bind_run(stmt, 1, opts, vars);
            s = step_once(st, stmt, "replacing an aggregation", err);
        }
    }
    free(vars);
    return s;
}

static tob_status_t record_run(agg_t *a, tob_error_t *err)
{
    char *vars = join_names(a->opts->variables);
    if (a->opts->variables != NULL && vars == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(a->st, RECORD_SQL, &stmt, err);
    if (s == TOB_OK) {
        db_bind_int64(stmt, 1, a->source_id);
        bind_run(stmt, 2, a->opts, vars);
        db_bind_double(stmt, 8, a->opts->min_coverage);
        s = step_once(a->st, stmt, "recording an aggregation", err);
    }
    free(vars);
    return s;
}

tob_status_t aggregate_in_transaction(tob_store_t *st,
                                      const tob_aggregate_options_t *opts,
                                      tob_aggregate_report_t *rep,
                                      tob_error_t *err)
{
    memset(rep, 0, sizeof *rep);
    if (opts->from_level == NULL || opts->to_level == NULL ||
        strcmp(opts->from_level, opts->to_level) == 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "aggregation needs two different levels");
    agg_t a = {.st = st, .opts = opts, .rep = rep};
    int from_vintage = 0;
    tob_status_t s =
        tob_territory_vintage(st, opts->from_level, 0, &from_vintage, err);
    if (s == TOB_OK)
        s = tob_territory_map_load(st, opts->to_level, opts->to_vintage,
                                   &a.parents, err);
    if (s == TOB_OK) {
        rep->to_vintage = tob_territory_map_vintage(a.parents);
        s = tob_values_open(st, &a.values, err);
    }
    /* Territories and members do not change while it runs, and the
     * observations it reads are of the --from level, never those it
     * writes; it reads them all, so each (variable, year) whole at once. */
    if (s == TOB_OK) {
        tob_values_remember(a.values, 1);
        tob_values_read_whole(a.values, 1);
    }
    if (s == TOB_OK)
        s = check_relations(&a, err);
    if (s == TOB_OK)
        s = pick_variables(&a, err);
    if (s == TOB_OK)
        s = aggregate_forget(st, opts, err);
    if (s == TOB_OK)
        s = run_aggregate(&a, err);
    if (s == TOB_OK)
        s = record_run(&a, err);
    agg_end(&a);
    return s;
}

tob_status_t tob_aggregate(tob_store_t *st, const tob_aggregate_options_t *opts,
                           tob_aggregate_report_t *report, tob_error_t *err)
{
    tob_aggregate_report_t local;
    tob_aggregate_report_t *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    tob_status_t s = tob_store_begin(st, err);
    if (s != TOB_OK)
        return s;
    s = aggregate_in_transaction(st, opts, rep, err);
    if (s == TOB_OK)
        s = tob_store_commit(st, err);
    if (s != TOB_OK)
        tob_store_rollback(st);
    return s;
}
