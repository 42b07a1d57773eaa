/* info_values.c - the values part of `terrobs info --level L --code C`:
 * each variable's latest value (observed, ratio or aggregated on the fly)
 * and, with --share VAR, how VAR splits among members and parents. */
#include "cli.h"
#include "info.h"

#include "terrobs/cells.h"
#include "terrobs/values.h"

#include <math.h>
#include <stdio.h>

static const char *origin_name(tob_value_origin_t o)
{
    return o == TOB_VALUE_OBSERVED ? "observed"
           : o == TOB_VALUE_RATIO  ? "ratio of its parts"
                                   : "aggregated from members";
}

/* French format with the variable's decimals (unset: none for whole
 * numbers, 2 otherwise). */
static const char *fmt(const tob_variable_t *var, double v, char *buf,
                       size_t size)
{
    int decimals = var->decimals >= 0 ? var->decimals : v == floor(v) ? 0 : 2;
    return tob_fmt_number_fr(v, decimals, buf, size);
}

static int print_value(tob_values_t *vals, sqlite3_stmt *vars, sqlite3_int64 id,
                       int *shown, tob_error_t *err)
{
    const char *name = (const char *)sqlite3_column_text(vars, 0);
    int year = sqlite3_column_int(vars, 1);
    const tob_variable_t *var = tob_values_variable(vals, name, err);
    tob_value_t v;
    if (var == NULL || tob_values_get(vals, name, id, year, &v, err) != TOB_OK)
        return -1;
    if (v.origin == TOB_VALUE_MISSING)
        return 0;
    char num[TOB_FMT_MAX];
    if ((*shown)++ == 0)
        printf("values:\n");
    printf("  %-28s %d  %14s %-10s %s\n", name, year,
           fmt(var, v.value, num, sizeof num), var->unit,
           origin_name(v.origin));
    return 0;
}

/* Each variable at its latest year: the latest observed anywhere (or of a
 * ratio's numerator), so levels that only derive values show them too. */
int tob_cli_info_values(tob_store_t *st, sqlite3_int64 id, tob_error_t *err)
{
    tob_values_t *vals = NULL;
    sqlite3_stmt *vars = NULL;
    if (tob_values_open(st, &vals, err) != TOB_OK ||
        tob_store_prepare(st,
                          "SELECT v.name, (SELECT max(year) FROM observation"
                          " WHERE variable = CASE WHEN v.aggregate = 'ratio'"
                          " THEN v.numerator ELSE v.name END) AS y"
                          " FROM variable v WHERE y IS NOT NULL"
                          " ORDER BY v.name",
                          &vars, err) != TOB_OK) {
        tob_values_close(vals);
        return -1;
    }
    int rc = 0, shown = 0, step;
    while (rc == 0 && (step = sqlite3_step(vars)) == SQLITE_ROW)
        rc = print_value(vals, vars, id, &shown, err);
    if (rc == 0 && step != SQLITE_DONE)
        rc = tob_store_fail(st, "reading variables", err) == TOB_OK ? 0 : -1;
    if (rc == 0 && shown == 0)
        printf("values: none\n");
    sqlite3_finalize(vars);
    tob_values_close(vals);
    return rc;
}

static int print_shares(tob_values_t *vals, const char *sql, sqlite3_int64 id,
                        const char *var, int year, double own, int members,
                        tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    if (tob_store_prepare(tob_values_store(vals), sql, &stmt, err) != TOB_OK)
        return -1;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = 0, step;
    const tob_variable_t *meta = tob_values_variable(vals, var, err);
    while (rc == 0 && meta && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        tob_value_t v;
        char num[TOB_FMT_MAX], pct[TOB_FMT_MAX] = "";
        rc = tob_values_get(vals, var, sqlite3_column_int64(stmt, 0), year, &v,
                            err) == TOB_OK
                 ? 0
                 : -1;
        if (rc != 0)
            break;
        double share = members ? v.value / own : own / v.value;
        if (isfinite(share))
            tob_fmt_percent_fr(100 * share, 1, pct, sizeof pct);
        printf("  %-12s %-12s %-28s %14s  %s\n", sqlite3_column_text(stmt, 1),
               sqlite3_column_text(stmt, 2), sqlite3_column_text(stmt, 3),
               fmt(meta, v.value, num, sizeof num), pct);
    }
    sqlite3_finalize(stmt);
    return meta == NULL ? -1 : rc;
}

int tob_cli_info_shares(tob_store_t *st, sqlite3_int64 id, const char *var,
                        tob_error_t *err)
{
    tob_values_t *vals = NULL;
    tob_value_t own;
    if (tob_values_open(st, &vals, err) != TOB_OK ||
        tob_values_get(vals, var, id, 0, &own, err) != TOB_OK) {
        tob_values_close(vals);
        return -1;
    }
    char num[TOB_FMT_MAX];
    const tob_variable_t *meta = tob_values_variable(vals, var, err);
    printf("%s %d: %s\nmembers (their share of it):\n", var, own.year,
           fmt(meta, own.value, num, sizeof num));
    int rc =
        print_shares(vals,
                     "SELECT c.id, c.level, c.code, c.name FROM membership m"
                     " JOIN territory c ON c.id = m.child WHERE m.parent = ?"
                     " AND m.kind = 'member' ORDER BY c.level, c.code",
                     id, var, own.year, own.value, 1, err);
    if (rc == 0) {
        printf("member of (its share there):\n");
        rc = print_shares(
            vals,
            "SELECT p.id, p.level, p.code, p.name FROM membership m"
            " JOIN territory p ON p.id = m.parent WHERE m.child = ?"
            " AND m.kind = 'member' ORDER BY p.level, p.code",
            id, var, own.year, own.value, 0, err);
    }
    tob_values_close(vals);
    return rc;
}
