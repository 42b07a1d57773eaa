/* projects_publish.c - projects per territory written as observations
 * (projets_nombre, projets_engages, projets_cout_total,
 * projets_cout_engage) for every level, so that maps and carnets read
 * them like any indicator. */
#include "terrobs/projects.h"

#include <stdlib.h>

static const char *const var_names[] = {
    TOB_VAR_PROJECTS, TOB_VAR_PROJECTS_ENGAGED, TOB_VAR_PROJECTS_COST,
    TOB_VAR_PROJECTS_ENGAGED_COST};
static const char *const var_labels[] = {
    "Projets inscrits (hors abandonnés)", "Projets engagés ou réalisés",
    "Coût total des projets", "Coût des projets engagés"};
static const char *const var_units[] = {"projets", "projets", "€", "€"};
#define N_VARS 4

static tob_status_t declare_variables(tob_store_t *st, int year,
                                      tob_error_t *err)
{
    sqlite3_stmt *q = NULL, *del = NULL;
    tob_status_t s = tob_store_prepare(
        st,
        "INSERT INTO variable (name, label, unit, source, aggregate,"
        " decimals) VALUES (?, ?, ?, 'terrobs : contrats et projets"
        " importés', 'sum', 0) ON CONFLICT (name) DO UPDATE SET"
        " label = excluded.label, unit = excluded.unit,"
        " source = excluded.source, aggregate = 'sum', decimals = 0",
        &q, err);
    if (s == TOB_OK)
        s = tob_store_prepare(st,
                              "DELETE FROM observation WHERE variable = ?"
                              " AND year = ?",
                              &del, err);
    for (size_t i = 0; i < N_VARS && s == TOB_OK; i++) {
        sqlite3_bind_text(q, 1, var_names[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, var_labels[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, var_units[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(del, 1, var_names[i], -1, SQLITE_STATIC);
        sqlite3_bind_int(del, 2, year);
        if (sqlite3_step(q) != SQLITE_DONE || sqlite3_step(del) != SQLITE_DONE)
            s = tob_store_fail(st, "declaring the projets_* variables", err);
        sqlite3_reset(q);
        sqlite3_reset(del);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(del);
    return s;
}

static tob_status_t write_level(tob_store_t *st, sqlite3_stmt *ins,
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
            sqlite3_bind_int64(ins, 1, rows[i].territory);
            sqlite3_bind_text(ins, 2, var_names[v], -1, SQLITE_STATIC);
            sqlite3_bind_double(ins, 4, values[v]);
            if (sqlite3_step(ins) != SQLITE_DONE)
                s = tob_store_fail(st, "writing projets_* observations", err);
            sqlite3_reset(ins);
        }
    }
    free(rows);
    return s;
}

tob_status_t tob_projects_publish(tob_store_t *st, int year,
                                  sqlite3_int64 source_id, tob_error_t *err)
{
    sqlite3_stmt *levels = NULL, *ins = NULL;
    tob_status_t s = declare_variables(st, year, err);
    if (s == TOB_OK)
        s = tob_store_prepare(st,
                              "SELECT DISTINCT level FROM territory"
                              " ORDER BY level",
                              &levels, err);
    if (s == TOB_OK)
        s = tob_store_prepare(st,
                              "INSERT INTO observation (territory, variable,"
                              " year, value, source_id) VALUES (?, ?, ?, ?,"
                              " ?)",
                              &ins, err);
    if (s == TOB_OK) {
        sqlite3_bind_int(ins, 3, year);
        if (source_id != 0)
            sqlite3_bind_int64(ins, 5, source_id);
    }
    while (s == TOB_OK && sqlite3_step(levels) == SQLITE_ROW) {
        const char *level = (const char *)sqlite3_column_text(levels, 0);
        s = write_level(st, ins, level, err);
    }
    sqlite3_finalize(levels);
    sqlite3_finalize(ins);
    return s;
}
