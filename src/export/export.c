/* export.c - plan an export: the level's territories, the variables and
 * years asked for, their values and provenance, all read from the store
 * before any file is written (export_write.c writes them). */
#include "export_internal.h"

#include "store/db.h"
#include "terrobs/cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

tob_status_t tob_export_format_from_path(const char *path,
                                         tob_export_format_t *out,
                                         tob_error_t *err)
{
    static const struct {
        const char *ext;
        tob_export_format_t format;
    } known[] = {{".gpkg", TOB_EXPORT_GPKG},
                 {".csv", TOB_EXPORT_CSV},
                 {".ods", TOB_EXPORT_ODS},
                 {".xlsx", TOB_EXPORT_XLSX}};
    const char *dot = path != NULL ? strrchr(path, '.') : NULL;
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    for (size_t i = 0; dot != NULL && dot > slash && i < 4; i++)
        if (strcasecmp(dot, known[i].ext) == 0) {
            *out = known[i].format;
            return TOB_OK;
        }
    return tob_error_set(err, TOB_ERR_ARG,
                         "'%s': the output must end in .gpkg, .csv, .ods "
                         "or .xlsx",
                         path != NULL ? path : "");
}

int tob_export_is_formula_like(const char *text)
{
    if (text == NULL)
        return 0;
    /* GDAL's ODS writer stores "of:=..." as a live formula. */
    if (text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL)
        return 1;
    return strncmp(text, "of:=", 4) == 0;
}

char *tob_export_defuse(const char *text, char *buf, size_t size)
{
    if (size == 0)
        return NULL;
    buf[0] = '\0';
    const char *t = text != NULL ? text : "";
    int quote = tob_export_is_formula_like(t);
    size_t len = strlen(t);
    if (len + (size_t)quote + 1 > size)
        return NULL;
    if (quote)
        buf[0] = '\'';
    memcpy(buf + quote, t, len + 1);
    return buf;
}

static char *dup_column(db_stmt_t *stmt, int i)
{
    const char *t = db_column_text(stmt, i);
    return t != NULL ? strdup((const char *)t) : NULL;
}

static int cmp_id(const void *a, const void *b)
{
    tob_id_t x = *(const tob_id_t *)a;
    tob_id_t y = *(const tob_id_t *)b;
    return (x > y) - (x < y);
}

size_t export_plan_row(const export_plan_t *plan, tob_id_t id)
{
    const tob_id_t *hit =
        bsearch(&id, plan->ids, plan->n_rows, sizeof id, cmp_id);
    return hit != NULL ? (size_t)(hit - plan->ids) : (size_t)-1;
}

/* Appends to a comma-separated list of names, for messages. */
static void list_append(char *list, size_t size, const char *name)
{
    size_t len = strlen(list);
    if (len + strlen(name) + 3 < size)
        snprintf(list + len, size - len, "%s%s", len ? ", " : "", name);
}

/* "levels: a, b" or "vintages: 2018, 2026" for an error message. */
static void list_rows(tob_store_t *st, const char *sql, const char *bind,
                      char *list, size_t size)
{
    db_stmt_t *stmt = NULL;
    list[0] = '\0';
    if (!db_try_prepare(st, sql, &stmt))
        return;
    if (bind != NULL)
        db_bind_text_static(stmt, 1, bind);
    while (db_step(stmt) == DB_ROW)
        list_append(list, size, db_column_text(stmt, 0));
    db_finalize(stmt);
}

/* Label of the level, its vintage (the latest unless asked), the CRS. */
static tob_status_t resolve_level(tob_store_t *st, export_plan_t *plan,
                                  tob_error_t *err)
{
    const char *level = plan->opts->level;
    char list[512];
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT l.label, (SELECT max(vintage) FROM territory"
                   "  WHERE level = l.name AND (?2 = 0 OR vintage = ?2)),"
                   " TOB_CRS_NAME(?3)"
                   " FROM level l WHERE l.name = ?1",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, level);
    db_bind_int(stmt, 2, plan->opts->vintage);
    db_bind_int(stmt, 3, plan->srid);
    if (db_step(stmt) != DB_ROW) {
        list_rows(st, "SELECT name FROM level ORDER BY name", NULL, list,
                  sizeof list);
        near_t near;
        db_near_level(st, &near, level);
        s = tob_error_set(err, TOB_ERR_NOTFOUND,
                          "no level '%s' in the store (%slevels: %s)", level,
                          near_ask(&near), list[0] ? list : "none");
    } else if (db_column_type(stmt, 1) == DB_NULL) {
        list_rows(st,
                  "SELECT DISTINCT vintage FROM territory WHERE level = ?"
                  " ORDER BY vintage",
                  level, list, sizeof list);
        s = tob_error_set(err, TOB_ERR_NOTFOUND,
                          "level %s has no territory%s%.0d (vintages: %s)",
                          level, plan->opts->vintage ? " of vintage " : "",
                          plan->opts->vintage, list[0] ? list : "none");
    } else {
        plan->level_label = dup_column(stmt, 0);
        plan->vintage = db_column_int(stmt, 1);
        plan->crs_name = dup_column(stmt, 2);
        if (plan->level_label == NULL)
            s = tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    }
    db_finalize(stmt);
    return s;
}

static tob_status_t load_ids(tob_store_t *st, export_plan_t *plan,
                             tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT id FROM territory WHERE level = ? AND vintage = ?"
                   " ORDER BY id",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, plan->opts->level);
    db_bind_int(stmt, 2, plan->vintage);
    size_t cap = 0;
    int rc;
    while ((rc = db_step(stmt)) == DB_ROW) {
        if (plan->n_rows == cap) {
            cap = cap ? 2 * cap : 1024;
            tob_id_t *ids = realloc(plan->ids, cap * sizeof *ids);
            if (ids == NULL) {
                db_finalize(stmt);
                return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
            }
            plan->ids = ids;
        }
        plan->ids[plan->n_rows++] = db_column_int64(stmt, 0);
    }
    if (rc != DB_DONE)
        s = db_fail(st, "reading territories", err);
    db_finalize(stmt);
    return s;
}

tob_status_t export_add_source(export_plan_t *plan, tob_id_t id,
                               tob_error_t *err)
{
    size_t lo = 0, hi = plan->n_sources;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (plan->sources[mid] == id)
            return TOB_OK;
        if (plan->sources[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    tob_id_t *grown =
        realloc(plan->sources, (plan->n_sources + 1) * sizeof *grown);
    if (grown == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    plan->sources = grown;
    memmove(grown + lo + 1, grown + lo, (plan->n_sources - lo) * sizeof *grown);
    grown[lo] = id;
    plan->n_sources++;
    return TOB_OK;
}

/* The provenance of the boundaries themselves. */
static tob_status_t boundary_sources(tob_store_t *st, export_plan_t *plan,
                                     tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    tob_status_t s =
        db_prepare(st,
                   "SELECT DISTINCT source_id FROM territory WHERE level = ?"
                   " AND vintage = ? AND source_id IS NOT NULL",
                   &stmt, err);
    if (s != TOB_OK)
        return s;
    db_bind_text_static(stmt, 1, plan->opts->level);
    db_bind_int(stmt, 2, plan->vintage);
    int rc;
    while (s == TOB_OK && (rc = db_step(stmt)) == DB_ROW)
        s = export_add_source(plan, db_column_int64(stmt, 0), err);
    if (s == TOB_OK && rc != DB_DONE)
        s = db_fail(st, "reading provenance", err);
    db_finalize(stmt);
    return s;
}

/* Values of one column: the observations of the level's territories.
 * Missing stays NaN. */
static void free_variable(export_variable_t *v)
{
    free(v->name);
    free(v->label);
    free(v->unit);
    free(v->source);
    free(v->aggregate);
    free(v->weight);
    free(v->numerator);
    free(v->denominator);
}

static void plan_free(export_plan_t *plan)
{
    for (size_t i = 0; i < plan->n_vars_owned; i++)
        free_variable(&plan->vars[i]);
    free(plan->vars);
    free(plan->cols);
    free(plan->ids);
    free(plan->values);
    free(plan->members);
    free(plan->sources);
    free(plan->level_label);
    free(plan->crs_name);
    free(plan->store_name);
}

/* Today (UTC), or the date the caller pinned. */
static tob_status_t export_date(export_plan_t *plan, tob_error_t *err)
{
    const char *text = plan->opts->date;
    if (text == NULL) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        plan->date_y = tm.tm_year + 1900;
        plan->date_m = tm.tm_mon + 1;
        plan->date_d = tm.tm_mday;
        return TOB_OK;
    }
    tob_status_t s = tob_cell_parse_date(text, &plan->date_y, &plan->date_m,
                                         &plan->date_d, err);
    if (s == TOB_OK && plan->date_y == 0)
        s = tob_error_set(err, TOB_ERR_ARG, "the export date is empty");
    return s;
}

static tob_status_t store_name(tob_store_t *st, export_plan_t *plan,
                               tob_error_t *err)
{
    plan->store_name = strdup(tob_store_name(st));
    if (plan->store_name == NULL)
        return tob_error_set(err, TOB_ERR_NOMEM, "out of memory");
    return TOB_OK;
}

tob_status_t tob_export(tob_store_t *st, const char *path,
                        const tob_export_options_t *opts,
                        tob_export_summary_t *summary, tob_error_t *err)
{
    if (summary != NULL)
        memset(summary, 0, sizeof *summary);
    if (opts == NULL || opts->level == NULL || path == NULL || path[0] == 0)
        return tob_error_set(err, TOB_ERR_ARG,
                             "export needs a level and a "
                             "path");
    export_plan_t plan;
    memset(&plan, 0, sizeof plan);
    plan.opts = opts;
    plan.srid = tob_store_srid(st);
    tob_status_t s = tob_export_format_from_path(path, &plan.format, err);
    if (s == TOB_OK)
        s = export_date(&plan, err);
    if (s == TOB_OK)
        s = store_name(st, &plan, err);
    if (s == TOB_OK)
        s = resolve_level(st, &plan, err);
    if (s == TOB_OK)
        s = load_ids(st, &plan, err);
    if (s == TOB_OK)
        s = export_plan_columns(st, &plan, err);
    if (s == TOB_OK)
        s = export_read_values(st, &plan, err);
    if (s == TOB_OK)
        s = boundary_sources(st, &plan, err);
    if (s == TOB_OK)
        s = export_write(st, &plan, path, summary, err);
    plan_free(&plan);
    return s;
}
