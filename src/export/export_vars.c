/* export_vars.c - the candidate columns of an export: the variables asked
 * for (each must exist), or every variable of the store, in every year
 * they have data, or the year asked; one column per variable and year.
 * export_values.c keeps the columns that get a value at the level. */
#include "export_internal.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_text(db_stmt_t *stmt, int i)
{
    const char *t = db_column_text(stmt, i);
    return t != NULL ? strdup((const char *)t) : NULL;
}

static void append(char *list, size_t size, const char *item)
{
    size_t len = strlen(list);
    if (len + strlen(item) + 3 < size)
        snprintf(list + len, size - len, "%s%s", len ? ", " : "", item);
}

static void known_variables(tob_store_t *st, char *list, size_t size)
{
    db_stmt_t *stmt = NULL;
    list[0] = '\0';
    if (!db_try_prepare(st, "SELECT name FROM variable ORDER BY name", &stmt))
        return;
    while (db_step(stmt) == DB_ROW)
        append(list, size, db_column_text(stmt, 0));
    db_finalize(stmt);
}

/* Reads the definition of variable name into v. */
static tob_status_t read_variable(tob_store_t *st, const char *name,
                                  export_variable_t *v, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(
        st,
        "SELECT name, label, unit, source, aggregate, weight, numerator,"
        " denominator, decimals FROM variable WHERE name = ?",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, name);
    if (db_step(stmt) != DB_ROW) {
        char list[512];
        db_finalize(stmt);
        known_variables(st, list, sizeof list);
        near_t near;
        db_near_variable(st, &near, name);
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no variable '%s' in the store (%svariables: %s)",
                             name, near_ask(&near), list[0] ? list : "none");
    }
    v->name = dup_text(stmt, 0);
    v->label = dup_text(stmt, 1);
    v->unit = dup_text(stmt, 2);
    v->source = dup_text(stmt, 3);
    v->aggregate = dup_text(stmt, 4);
    v->weight = dup_text(stmt, 5);
    v->numerator = dup_text(stmt, 6);
    v->denominator = dup_text(stmt, 7);
    v->decimals =
        db_column_type(stmt, 8) == DB_NULL ? -1 : db_column_int(stmt, 8);
    db_finalize(stmt);
    if (v->name == NULL || v->label == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

/* Years with data of a variable anywhere in the store (of its numerator
 * too, for a ratio computed on the fly). */
static const char years_sql[] =
    "SELECT DISTINCT year FROM observation WHERE variable IN (?1, ?2)"
    " AND value IS NOT NULL ORDER BY year";

static tob_status_t add_column(export_plan_t *plan, size_t var, int year,
                               tob_error_t *err)
{
    export_column_t *cols =
        realloc(plan->cols, (plan->n_cols + 1) * sizeof *cols);
    if (cols == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    plan->cols = cols;
    export_column_t *c = &cols[plan->n_cols];
    memset(c, 0, sizeof *c);
    c->var = var;
    c->year = year;
    /* "population" in 2021 is population_2021; a variable named with its
     * year (population_2021, the Insee habit) keeps its name. */
    const char *name = plan->vars[var].name;
    char suffix[16];
    size_t len = strlen(name);
    int k = snprintf(suffix, sizeof suffix, "_%d", year);
    int named = len > (size_t)k && strcmp(name + len - (size_t)k, suffix) == 0;
    int n = named ? snprintf(c->name, sizeof c->name, "%s", name)
                  : snprintf(c->name, sizeof c->name, "%s_%d", name, year);
    if (n < 0 || (size_t)n >= sizeof c->name)
        return tob_error_set(err, TOB_ERR_INPUT,
                             "variable name '%s' is too long for a column",
                             plan->vars[var].name);
    plan->n_cols++;
    return TOB_OK;
}

/* One candidate column per year of variable var with data, or for the
 * year asked; columns that get no value are dropped later. */
static tob_status_t variable_columns(tob_store_t *st, db_stmt_t *stmt,
                                     export_plan_t *plan, size_t var,
                                     tob_error_t *err)
{
    export_variable_t *v = &plan->vars[var];
    db_reset(stmt);
    db_bind_text_static(stmt, 1, v->name);
    if (v->numerator != NULL)
        db_bind_text_static(stmt, 2, v->numerator);
    else
        db_bind_null(stmt, 2);
    tob_status_t s = TOB_OK;
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW) {
        int year = db_column_int(stmt, 0);
        char text[16];
        snprintf(text, sizeof text, "%d", year);
        append(v->years, sizeof v->years, text);
        if (plan->opts->year == 0)
            s = add_column(plan, var, year, err);
    }
    if (s == TOB_OK && rc != DB_DONE)
        return db_fail(st, "reading years", err);
    if (s == TOB_OK && plan->opts->year != 0)
        s = add_column(plan, var, plan->opts->year, err);
    return s;
}

/* Names of the variables asked for, or of every variable, by name. */
static tob_status_t variable_names(tob_store_t *st, export_plan_t *plan,
                                   char ***names, size_t *n, tob_error_t *err)
{
    const tob_export_options_t *o = plan->opts;
    *names = calloc(o->n_variables + 1, sizeof **names);
    if (*names == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    for (*n = 0; *n < o->n_variables; (*n)++)
        for (size_t j = 0; j < *n; j++)
            if (strcmp(o->variables[j], o->variables[*n]) == 0)
                return tob_error_set(err, TOB_ERR_ARG,
                                     "variable '%s' is asked for twice",
                                     o->variables[j]);
    for (size_t i = 0; i < o->n_variables; i++)
        if (((*names)[i] = strdup(o->variables[i])) == NULL)
            return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    if (o->n_variables != 0)
        return TOB_OK;
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st, "SELECT name FROM variable ORDER BY name", &stmt, err);
    while (s == TOB_OK && db_step(stmt) == DB_ROW) {
        char **grown = realloc(*names, (*n + 2) * sizeof *grown);
        if (grown == NULL) {
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            break;
        }
        *names = grown;
        grown[*n + 1] = NULL;
        if ((grown[(*n)++] = dup_text(stmt, 0)) == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    db_finalize(stmt);
    return s;
}

tob_status_t export_plan_columns(tob_store_t *st, export_plan_t *plan,
                                 tob_error_t *err)
{
    char **names = NULL;
    size_t n = 0;
    tob_status_t s = variable_names(st, plan, &names, &n, err);
    if (s == TOB_OK && n != 0 &&
        (plan->vars = calloc(n, sizeof *plan->vars)) == NULL)
        s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    db_stmt_t *stmt = NULL;
    if (s == TOB_OK)
        s = db_prepare(st, years_sql, &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        s = read_variable(st, names[i], &plan->vars[i], err);
        plan->n_vars = plan->n_vars_owned = i + 1; /* plan_free frees */
        plan->vars[i].asked = plan->opts->n_variables != 0;
        if (s == TOB_OK)
            s = variable_columns(st, stmt, plan, i, err);
    }
    db_finalize(stmt);
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    return s;
}
