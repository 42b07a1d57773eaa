/* projects_publish.c - projects per territory written as observations
 * (projets_nombre, projets_engages, projets_cout_total,
 * projets_cout_engage) for every level, so that maps and carnets read
 * them like any indicator. */
#include "store/db.h"
#include "terrobs/projects.h"

#include <stdlib.h>
#include <time.h>

static const char *const var_names[] = {
    TOB_VAR_PROJECTS, TOB_VAR_PROJECTS_ENGAGED, TOB_VAR_PROJECTS_COST,
    TOB_VAR_PROJECTS_ENGAGED_COST};
static const char *const var_labels[] = {
    "Projets inscrits (hors abandonnés)", "Projets engagés ou réalisés",
    "Coût total des projets", "Coût des projets engagés"};
static const char *const var_units[] = {"projets", "projets", "€", "€"};
#define N_VARS 4

static tob_status_t declare_variables(tob_store_t *st, tob_error_t *err)
{
    db_stmt_t *q = NULL, *del = NULL;
    tob_status_t s =
        db_prepare(st,
                   "INSERT INTO variable (name, label, unit, source, aggregate,"
                   " decimals) VALUES (?, ?, ?, 'terrobs : contrats et projets"
                   " importés', 'sum', 0) ON CONFLICT (name) DO UPDATE SET"
                   " label = excluded.label, unit = excluded.unit,"
                   " source = excluded.source, aggregate = 'sum', decimals = 0",
                   &q, err);
    /* The counts describe the projects as they stand: one year only, so
     * that no earlier count is read as the latest. */
    if (s == TOB_OK)
        s = db_prepare(st, "DELETE FROM observation WHERE variable = ?", &del,
                       err);
    for (size_t i = 0; i < N_VARS && s == TOB_OK; i++) {
        db_bind_text_static(q, 1, var_names[i]);
        db_bind_text_static(q, 2, var_labels[i]);
        db_bind_text_static(q, 3, var_units[i]);
        db_bind_text_static(del, 1, var_names[i]);
        if (db_step(q) != DB_DONE || db_step(del) != DB_DONE)
            s = db_fail(st, "declaring the projets_* variables", err);
        db_reset(q);
        db_reset(del);
    }
    db_finalize(q);
    db_finalize(del);
    return s;
}

static tob_status_t write_level(tob_store_t *st, db_stmt_t *ins,
                                const char *level, tob_error_t *err)
{
    tob_project_totals_t *rows = NULL;
    size_t n = 0;
    tob_status_t s =
        tob_projects_by_territory(st, level, NULL, &rows, &n, NULL, err);
    for (size_t i = 0; i < n && s == TOB_OK; i++) {
        const double values[N_VARS] = {
            (double)rows[i].n_projects, (double)rows[i].n_engaged,
            rows[i].total_cost, rows[i].engaged_cost};
        for (size_t v = 0; v < N_VARS && s == TOB_OK; v++) {
            db_bind_int64(ins, 1, rows[i].territory);
            db_bind_text_static(ins, 2, var_names[v]);
            db_bind_double(ins, 4, values[v]);
            if (db_step(ins) != DB_DONE)
                s = db_fail(st, "writing projets_* observations", err);
            db_reset(ins);
        }
    }
    free(rows);
    return s;
}

static int this_year(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL)
        return 2026;
    return tm.tm_year + 1900;
}

/* The year of the counts: as asked (and kept for the next imports), else
 * the one asked last, else this year. A contracts import without --year
 * after projects imported with --year 2017 keeps 2017. */
static tob_status_t counts_year(tob_store_t *st, int *year, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = TOB_OK;
    if (*year != 0) {
        s = db_prepare(st,
                       "INSERT INTO meta (key, value) VALUES"
                       " ('projects_year', ?) ON CONFLICT (key) DO UPDATE"
                       " SET value = excluded.value",
                       &stmt, err);
        if (s == TOB_OK) {
            db_bind_int(stmt, 1, *year);
            if (db_step(stmt) != DB_DONE)
                s = db_fail(st, "recording the projects' year", err);
        }
        db_finalize(stmt);
        return s;
    }
    s = db_prepare(st,
                   "SELECT CAST(value AS INTEGER) FROM meta"
                   " WHERE key = 'projects_year'",
                   &stmt, err);
    if (s == TOB_OK) {
        int rc = db_step(stmt);
        if (rc == DB_ROW)
            *year = db_column_int(stmt, 0);
        else if (rc != DB_DONE)
            s = db_fail(st, "reading the projects' year", err);
    }
    db_finalize(stmt);
    if (*year <= 0)
        *year = this_year();
    return s;
}

static tob_status_t count_projects(tob_store_t *st, long long *n,
                                   tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s = db_prepare(st, "SELECT count(*) FROM project", &stmt, err);
    if (s == TOB_OK && db_step(stmt) == DB_ROW)
        *n = db_column_int64(stmt, 0);
    else if (s == TOB_OK)
        s = db_fail(st, "counting projects", err);
    db_finalize(stmt);
    return s;
}

tob_status_t tob_projects_publish(tob_store_t *st, int year, tob_id_t source_id,
                                  tob_error_t *err)
{
    db_stmt_t *levels = NULL, *ins = NULL;
    long long n_projects = 0;
    tob_status_t s = counts_year(st, &year, err);
    if (s == TOB_OK)
        s = declare_variables(st, err);
    if (s == TOB_OK)
        s = count_projects(st, &n_projects, err);
    /* Contracts without projects yet: no count rather than zeros. */
    if (s != TOB_OK || n_projects == 0)
        return s;
    if (s == TOB_OK)
        s = db_prepare(st,
                       "SELECT DISTINCT level FROM territory"
                       " ORDER BY level",
                       &levels, err);
    if (s == TOB_OK)
        s = db_prepare(st,
                       "INSERT INTO observation (territory, variable,"
                       " year, value, source_id) VALUES (?, ?, ?, ?,"
                       " ?)",
                       &ins, err);
    if (s == TOB_OK) {
        db_bind_int(ins, 3, year);
        if (source_id != 0)
            db_bind_int64(ins, 5, source_id);
    }
    while (s == TOB_OK && db_step(levels) == DB_ROW) {
        const char *level = db_column_text(levels, 0);
        s = write_level(st, ins, level, err);
    }
    db_finalize(levels);
    db_finalize(ins);
    return s;
}
