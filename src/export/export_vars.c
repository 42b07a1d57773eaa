/* export_vars.c - the candidate columns of an export: the variables asked
 * for (each must exist), or every variable of the store, in every year
 * they have data, or the year asked; one column per variable and year.
 * export_values.c keeps the columns that get a value at the level. */
#include "export_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_text(sqlite3_stmt *stmt, int i)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
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
    sqlite3_stmt *stmt = NULL;
    list[0] = '\0';
    if (sqlite3_prepare_v2(tob_store_db(st),
                           "SELECT name FROM variable ORDER BY name", -1, &stmt,
                           NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(stmt) == SQLITE_ROW)
        append(list, size, (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
}

/* Reads the definition of variable name into v. */
static tob_status_t read_variable(tob_store_t *st, const char *name,
                                  export_variable_t *v, tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    tob_status_t s = tob_store_prepare(
        st,
        "SELECT name, label, unit, source, aggregate, weight, numerator,"
        " denominator, decimals FROM variable WHERE name = ?",
        &stmt, err);
    if (s != TOB_OK)
        return s;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        char list[512];
        sqlite3_finalize(stmt);
        known_variables(st, list, sizeof list);
        return tob_error_set(err, TOB_ERR_NOTFOUND,
                             "no variable '%s' in the store (variables: %s)",
                             name, list[0] ? list : "none");
    }
    v->name = dup_text(stmt, 0);
    v->label = dup_text(stmt, 1);
    v->unit = dup_text(stmt, 2);
    v->source = dup_text(stmt, 3);
    v->aggregate = dup_text(stmt, 4);
    v->weight = dup_text(stmt, 5);
    v->numerator = dup_text(stmt, 6);
    v->denominator = dup_text(stmt, 7);
    v->decimals = sqlite3_column_type(stmt, 8) == SQLITE_NULL
                      ? -1
                      : sqlite3_column_int(stmt, 8);
    sqlite3_finalize(stmt);
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
static tob_status_t variable_columns(tob_store_t *st, sqlite3_stmt *stmt,
                                     export_plan_t *plan, size_t var,
                                     tob_error_t *err)
{
    export_variable_t *v = &plan->vars[var];
    sqlite3_reset(stmt);
    sqlite3_bind_text(stmt, 1, v->name, -1, SQLITE_STATIC);
    if (v->numerator != NULL)
        sqlite3_bind_text(stmt, 2, v->numerator, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, 2);
    tob_status_t s = TOB_OK;
    int rc;
    while (s == TOB_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int year = sqlite3_column_int(stmt, 0);
        char text[16];
        snprintf(text, sizeof text, "%d", year);
        append(v->years, sizeof v->years, text);
        if (plan->opts->year == 0)
            s = add_column(plan, var, year, err);
    }
    if (s == TOB_OK && rc != SQLITE_DONE)
        return tob_store_fail(st, "reading years", err);
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
    sqlite3_stmt *stmt = NULL;
    tob_status_t s = tob_store_prepare(
        st, "SELECT name FROM variable ORDER BY name", &stmt, err);
    while (s == TOB_OK && sqlite3_step(stmt) == SQLITE_ROW) {
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
    sqlite3_finalize(stmt);
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
    sqlite3_stmt *stmt = NULL;
    if (s == TOB_OK)
        s = tob_store_prepare(st, years_sql, &stmt, err);
    for (size_t i = 0; s == TOB_OK && i < n; i++) {
        s = read_variable(st, names[i], &plan->vars[i], err);
        plan->n_vars = plan->n_vars_owned = i + 1; /* plan_free frees */
        plan->vars[i].asked = plan->opts->n_variables != 0;
        if (s == TOB_OK)
            s = variable_columns(st, stmt, plan, i, err);
    }
    sqlite3_finalize(stmt);
    for (size_t i = 0; names != NULL && i < n; i++)
        free(names[i]);
    free(names);
    return s;
}
