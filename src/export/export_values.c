/* export_values.c - the values of an export's columns, each got through
 * the values module as maps and carnets get it (observed, a ratio of its
 * parts, or aggregated from member territories on the fly), so that an
 * EPCI export shows the EPCI's figures even when only communes were
 * imported. Columns without any value are dropped; a variable asked for
 * by name must keep one. */
#include "export_internal.h"

#include "store/db.h"
#include "terrobs/values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int export_row_incomplete(const export_plan_t *plan, size_t row)
{
    return plan->has_members &&
           plan->members[row].present < plan->members[row].expected;
}

/* Each territory's members present and expected (CC du Ternois: 102
 * communes of 103): the columns membres_presents and membres_attendus,
 * written when any territory of the level has a membership source. */
static tob_status_t read_members(tob_values_t *reader, tob_store_t *st,
                                 export_plan_t *plan, tob_error_t *err)
{
    plan->members = calloc(plan->n_rows + 1, sizeof *plan->members);
    if (plan->members == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    db_stmt_t *name = NULL;
    tob_status_t s = db_prepare(st,
                                "SELECT code, name FROM territory"
                                " WHERE id = ?",
                                &name, err);
    for (size_t row = 0; s == TOB_OK && row < plan->n_rows; row++) {
        const tob_members_t *m = &plan->members[row];
        s = tob_values_members(reader, plan->ids[row], &plan->members[row],
                               err);
        plan->has_members |= m->expected > 0;
        if (s != TOB_OK || m->present >= m->expected ||
            plan->n_incomplete++ > 0)
            continue;
        db_reset(name);
        db_bind_int64(name, 1, plan->ids[row]);
        if (db_step(name) == DB_ROW)
            snprintf(plan->incomplete, sizeof plan->incomplete, "%s (%s)",
                     db_column_str(name, 1), db_column_str(name, 0));
    }
    db_finalize(name);
    return s;
}

static tob_status_t read_column(tob_values_t *reader, export_plan_t *plan,
                                size_t col, size_t *n_values, tob_error_t *err)
{
    export_column_t *c = &plan->cols[col];
    export_variable_t *v = &plan->vars[c->var];
    c->integer = v->decimals == 0;
    *n_values = 0;
    for (size_t row = 0; row < plan->n_rows; row++) {
        tob_value_t value;
        tob_status_t s = tob_values_get(reader, v->name, plan->ids[row],
                                        c->year, &value, err);
        if (s != TOB_OK)
            return s;
        if ((unsigned)value.origin < 4)
            v->n_origin[value.origin]++;
        /* a sum needs every member; a ratio is computed from those
         * present (the coverage rule) */
        v->n_not_computed +=
            isnan(value.value) && value.n_expected > value.n_parts;
        v->n_partial += !isnan(value.value) &&
                        (value.origin != TOB_VALUE_OBSERVED || value.stored) &&
                        export_row_incomplete(plan, row);
        if (isnan(value.value))
            continue;
        plan->values[row * plan->n_cols + col] = value.value;
        (*n_values)++;
        if (value.value != floor(value.value) ||
            fabs(value.value) > 9007199254740992.0)
            c->integer = 0;
    }
    return TOB_OK;
}

/* Keeps the columns with a value (keep[col] != 0), in order. */
static void keep_columns(export_plan_t *plan, const size_t *n_values)
{
    size_t kept = 0;
    for (size_t col = 0; col < plan->n_cols; col++)
        if (n_values[col] > 0)
            plan->cols[kept++] = plan->cols[col];
    size_t w = 0;
    for (size_t row = 0; row < plan->n_rows; row++)
        for (size_t col = 0; col < plan->n_cols; col++)
            if (n_values[col] > 0)
                plan->values[w++] = plan->values[row * plan->n_cols + col];
    plan->n_cols = kept;
}

static tob_status_t no_value(const export_plan_t *plan,
                             const export_variable_t *v, tob_error_t *err)
{
    const tob_export_options_t *o = plan->opts;
    if (o->year != 0)
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "variable '%s' has no value in %d for level %s "
                             "(vintage %d); years with data: %s",
                             v->name, o->year, o->level, plan->vintage,
                             v->years[0] ? v->years : "none");
    return tob_error_set(err, TOB_ERR_NOTFOUND,
                         "variable '%s' has no value for level %s "
                         "(vintage %d)",
                         v->name, o->level, plan->vintage);
}

/* Drops the variables left without a column; one asked for by name is
 * an error. */
static tob_status_t keep_variables(export_plan_t *plan, tob_error_t *err)
{
    size_t kept = 0;
    for (size_t i = 0; i < plan->n_vars; i++) {
        size_t n = 0;
        for (size_t col = 0; col < plan->n_cols; col++)
            if (plan->cols[col].var == i) {
                plan->cols[col].var = kept;
                n++;
            }
        if (n == 0 && plan->vars[i].asked)
            return no_value(plan, &plan->vars[i], err);
        if (n == 0)
            continue;
        export_variable_t v = plan->vars[kept];
        plan->vars[kept++] = plan->vars[i];
        plan->vars[i] = v; /* freed with the others by plan_free */
    }
    plan->n_vars = kept; /* the dropped ones sit after, still owned */
    if (kept == 0 && plan->opts->year != 0)
        return tob_error_set(
            err, TOB_ERR_NOTFOUND, "no value in %d for level %s (vintage %d)",
            plan->opts->year, plan->opts->level, plan->vintage);
    return TOB_OK;
}

/* Provenance of the observations behind each column: the variable and,
 * for computed values, its numerator, denominator and weight. */
static tob_status_t column_sources(tob_store_t *st, export_plan_t *plan,
                                   tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "SELECT DISTINCT source_id FROM observation WHERE year = ?1"
        " AND variable IN (?2, ?3, ?4, ?5) AND source_id IS NOT NULL",
        &stmt, err);
    for (size_t col = 0; s == TOB_OK && col < plan->n_cols; col++) {
        const export_variable_t *v = &plan->vars[plan->cols[col].var];
        const char *names[] = {v->name, v->numerator, v->denominator,
                               v->weight};
        db_reset(stmt);
        db_bind_int(stmt, 1, plan->cols[col].year);
        for (int i = 0; i < 4; i++)
            db_bind_text_static(stmt, 2 + i, names[i] ? names[i] : "");
        while (s == TOB_OK && db_step(stmt) == DB_ROW)
            s = export_add_source(plan, db_column_int64(stmt, 0), err);
    }
    db_finalize(stmt);
    return s;
}

tob_status_t export_read_values(tob_store_t *st, export_plan_t *plan,
                                tob_error_t *err)
{
    size_t n = plan->n_rows * plan->n_cols;
    if (plan->n_cols != 0 && n / plan->n_cols != plan->n_rows)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    plan->values = malloc((n ? n : 1) * sizeof *plan->values);
    size_t *n_values = calloc(plan->n_cols + 1, sizeof *n_values);
    tob_values_t *reader = NULL;
    tob_status_t s = TOB_OK;
    if (plan->values == NULL || n_values == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == TOB_OK && i < n; i++)
        plan->values[i] = NAN;
    if (s == TOB_OK)
        s = tob_values_open(st, &reader, err);
    if (s == TOB_OK)
        tob_values_remember(reader, 1); /* an export only reads */
    if (s == TOB_OK)
        s = read_members(reader, st, plan, err);
    for (size_t col = 0; s == TOB_OK && col < plan->n_cols; col++)
        s = read_column(reader, plan, col, &n_values[col], err);
    tob_values_close(reader);
    if (s == TOB_OK) {
        keep_columns(plan, n_values);
        s = keep_variables(plan, err);
    }
    if (s == TOB_OK)
        s = column_sources(st, plan, err);
    free(n_values);
    return s;
}
