/* territory_describe.c - one territory as `terrobs info --level L --code C`
 * shows it: name, vintage, area, parents, children and overlaps with area
 * shares, each variable's latest value (observed, ratio or aggregated on the
 * fly) and, with a share variable, how it splits among members and parents. */
#include "terrobs/territory.h"

#include "store/db.h"
#include "terrobs/cells.h"
#include "terrobs/values.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

static int print_value(tob_values_t *vals, FILE *out, db_stmt_t *vars,
                       tob_id_t id, int *shown, tob_error_t *err)
{
    const char *name = db_column_text(vars, 0);
    int year = db_column_int(vars, 1);
    const tob_variable_t *var = tob_values_variable(vals, name, err);
    tob_value_t v;
    if (var == NULL || tob_values_get(vals, name, id, year, &v, err) != TOB_OK)
        return -1;
    if (v.origin == TOB_VALUE_MISSING)
        return 0;
    char num[TOB_FMT_MAX], origin[160];
    if ((*shown)++ == 0)
        fprintf(out, "values:\n");
    /* A stored aggregate says so, and a stale one (not read) why. */
    const char *from = db_column_text(vars, 2);
    if (from != NULL && db_column_int(vars, 3))
        snprintf(origin, sizeof origin,
                 "%s (the stored value is stale: its inputs changed; "
                 "terrobs aggregate --from %s)",
                 origin_name(v.origin), from);
    else if (from != NULL && v.origin == TOB_VALUE_OBSERVED)
        snprintf(origin, sizeof origin, "aggregated from %s, stored", from);
    else
        snprintf(origin, sizeof origin, "%s", origin_name(v.origin));
    fprintf(out, "  %-28s %d  %14s %-10s %s\n", name, year,
            fmt(var, v.value, num, sizeof num), var->unit, origin);
    return 0;
}

/* Each variable at its latest year: the latest observed anywhere (or of a
 * ratio's numerator), so levels that only derive values show them too. */
static int describe_values(tob_store_t *st, FILE *out, tob_id_t id,
                           tob_error_t *err)
{
    tob_values_t *vals = NULL;
    db_stmt_t *vars = NULL;
    if (tob_values_open(st, &vals, err) != TOB_OK ||
        db_prepare(st,
                   "SELECT vy.name, vy.y, r.from_level, r.stale FROM"
                   " (SELECT v.name AS name, (SELECT max(year) FROM observation"
                   " WHERE variable = CASE WHEN v.aggregate = 'ratio'"
                   " THEN v.numerator ELSE v.name END) AS y"
                   " FROM variable v) AS vy LEFT JOIN observation o"
                   " ON o.territory = ?1 AND o.variable = vy.name"
                   " AND o.year = vy.y LEFT JOIN aggregate_run r"
                   " ON r.source_id = o.source_id"
                   " WHERE vy.y IS NOT NULL ORDER BY vy.name",
                   &vars, err) != TOB_OK) {
        tob_values_close(vals);
        return -1;
    }
    int rc = 0, shown = 0, step;
    db_bind_int64(vars, 1, id);
    while (rc == 0 && (step = db_step(vars)) == DB_ROW)
        rc = print_value(vals, out, vars, id, &shown, err);
    if (rc == 0 && step != DB_DONE)
        rc = db_fail(st, "reading variables", err) == TOB_OK ? 0 : -1;
    if (rc == 0 && shown == 0)
        fprintf(out, "values: none\n");
    db_finalize(vars);
    tob_values_close(vals);
    return rc;
}

static int print_shares(tob_values_t *vals, FILE *out, const char *sql,
                        tob_id_t id, const char *var, int year, double own,
                        int members, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(tob_values_store(vals), sql, &stmt, err) != TOB_OK)
        return -1;
    db_bind_int64(stmt, 1, id);
    int rc = 0, step;
    const tob_variable_t *meta = tob_values_variable(vals, var, err);
    while (rc == 0 && meta && (step = db_step(stmt)) == DB_ROW) {
        tob_value_t v;
        char num[TOB_FMT_MAX], pct[TOB_FMT_MAX] = "";
        rc = tob_values_get(vals, var, db_column_int64(stmt, 0), year, &v,
                            err) == TOB_OK
                 ? 0
                 : -1;
        if (rc != 0)
            break;
        double share = members ? v.value / own : own / v.value;
        if (isfinite(share))
            tob_fmt_percent_fr(100 * share, 1, pct, sizeof pct);
        fprintf(out, "  %-12s %-12s %-28s %14s  %s\n", db_column_text(stmt, 1),
                db_column_text(stmt, 2), db_column_text(stmt, 3),
                fmt(meta, v.value, num, sizeof num), pct);
    }
    db_finalize(stmt);
    return meta == NULL ? -1 : rc;
}

static int describe_shares(tob_store_t *st, FILE *out, tob_id_t id,
                           const char *var, tob_error_t *err)
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
    fprintf(out, "%s %d: %s\nmembers (their share of it):\n", var, own.year,
            fmt(meta, own.value, num, sizeof num));
    int rc =
        print_shares(vals, out,
                     "SELECT c.id, c.level, c.code, c.name FROM membership m"
                     " JOIN territory c ON c.id = m.child WHERE m.parent = ?"
                     " AND m.kind = 'member' ORDER BY c.level, c.code",
                     id, var, own.year, own.value, 1, err);
    if (rc == 0) {
        fprintf(out, "member of (its share there):\n");
        rc = print_shares(
            vals, out,
            "SELECT p.id, p.level, p.code, p.name FROM membership m"
            " JOIN territory p ON p.id = m.parent WHERE m.child = ?"
            " AND m.kind = 'member' ORDER BY p.level, p.code",
            id, var, own.year, own.value, 0, err);
    }
    tob_values_close(vals);
    return rc;
}

static void print_relative(db_stmt_t *s, FILE *out)
{
    fprintf(out, "  %-12s %-12s %s", db_column_str(s, 0), db_column_str(s, 1),
            db_column_str(s, 2));
    if (strcmp(db_column_str(s, 3), "overlap") == 0 &&
        db_column_type(s, 4) != DB_NULL)
        fprintf(out, "  (overlap, %.1f %% of the %s's area)",
                100.0 * db_column_double(s, 4), db_column_str(s, 5));
    else if (strcmp(db_column_str(s, 3), "overlap") == 0)
        fprintf(out, "  (overlap, share unknown)");
    fprintf(out, "\n");
}

/* ?1 is the territory's id, ?2 (if used) its level. */
static int print_relatives(tob_store_t *st, FILE *out, tob_id_t id,
                           const char *level, const char *title,
                           const char *sql, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(st, sql, &stmt, err) != TOB_OK)
        return -1;
    db_bind_int64(stmt, 1, id);
    if (db_bind_parameter_count(stmt) >= 2)
        db_bind_text_static(stmt, 2, level);
    int rc, n = 0;
    while ((rc = db_step(stmt)) == DB_ROW) {
        if (n++ == 0)
            fprintf(out, "%s:\n", title);
        print_relative(stmt, out);
    }
    db_finalize(stmt);
    if (n == 0)
        fprintf(out, "%s: none\n", title);
    if (rc != DB_DONE) {
        db_fail(st, "reading relations", err);
        return -1;
    }
    return 0;
}

/* "members: 102 commune of 103 in the membership source": a territory
 * the store holds part of says so, and why its sums are missing. */
static int describe_expected(tob_store_t *st, FILE *out, tob_id_t id,
                             tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(st,
                   "SELECT e.child_level, e.n, (SELECT count(*) FROM"
                   " membership m JOIN territory c ON c.id = m.child"
                   " WHERE m.parent = e.parent AND m.kind = 'member'"
                   " AND c.level = e.child_level), coalesce(s.path, '')"
                   " FROM expected_members e LEFT JOIN source s"
                   " ON s.id = e.source_id WHERE e.parent = ?"
                   " ORDER BY e.child_level",
                   &stmt, err) != TOB_OK)
        return -1;
    db_bind_int64(stmt, 1, id);
    int rc;
    while ((rc = db_step(stmt)) == DB_ROW) {
        long long n = db_column_int64(stmt, 1), have = db_column_int64(stmt, 2);
        fprintf(out, "members:  %lld %s of %lld in %s%s\n", have,
                db_column_str(stmt, 0), n, db_column_str(stmt, 3),
                have < n ? " (sums, counts and means over them are not "
                           "computed; ratios need 99 % of the area)"
                         : "");
    }
    db_finalize(stmt);
    if (rc != DB_DONE) {
        db_fail(st, "reading expected members", err);
        return -1;
    }
    return 0;
}

tob_status_t tob_territory_describe(tob_store_t *st, const char *level,
                                    const char *code, long vintage,
                                    const char *share, FILE *out,
                                    tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(st,
                   "SELECT id, name, vintage, area_m2, parent_code"
                   " FROM territory WHERE level = ?1 AND code = ?2"
                   " AND (?3 = 0 OR vintage = ?3)"
                   " ORDER BY vintage DESC LIMIT 1",
                   &stmt, err) != TOB_OK)
        return err != NULL ? err->code : TOB_ERR_SQLITE;
    db_bind_text_static(stmt, 1, level);
    db_bind_text_static(stmt, 2, code);
    db_bind_int64(stmt, 3, vintage);
    if (db_step(stmt) != DB_ROW) {
        db_finalize(stmt);
        tob_error_set(err, TOB_ERR_NOTFOUND, "no %s with code '%s'%s", level,
                      code, vintage ? " at that vintage" : "");
        return TOB_ERR_NOTFOUND;
    }
    tob_id_t id = db_column_int64(stmt, 0);
    fprintf(out, "%s %s: %s\nvintage:  %d\n", level, code,
            db_column_str(stmt, 1), db_column_int(stmt, 2));
    if (db_column_type(stmt, 3) != DB_NULL)
        fprintf(out, "area:     %.2f km2\n", db_column_double(stmt, 3) / 1e6);
    else
        fprintf(out, "area:     - (no geometry)\n");
    db_finalize(stmt);
    int rc =
        print_relatives(st, out, id, level, "parents",
                        "SELECT p.level, p.code, p.name, m.kind, m.area_share,"
                        " ?2 FROM membership m"
                        " JOIN territory p ON p.id = m.parent"
                        " WHERE m.child = ?1 ORDER BY m.kind, p.level, p.code",
                        err);
    if (rc == 0)
        rc = print_relatives(
            st, out, id, level, "children",
            "SELECT c.level, c.code, c.name, m.kind, m.area_share, c.level"
            " FROM membership m JOIN territory c ON c.id = m.child"
            " WHERE m.parent = ? ORDER BY m.kind, c.level, c.code",
            err);
    if (rc == 0)
        rc = describe_expected(st, out, id, err);
    if (rc == 0)
        rc = describe_values(st, out, id, err);
    if (rc == 0 && share != NULL)
        rc = describe_shares(st, out, id, share, err);
    return rc == 0 ? TOB_OK
                   : (err != NULL && err->code != TOB_OK ? err->code
                                                         : TOB_ERR_SQLITE);
}
