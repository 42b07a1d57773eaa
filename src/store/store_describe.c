/* store_describe.c - what a store holds, as `terrobs info` shows it: the
 * storage CRS and schema, levels with counts and areas, the extent,
 * variables with their years, and every recorded load and import. */
#include "terrobs/store.h"

#include "db.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>

/* Runs sql (no parameters) and prints each row through fmt_row. */
static int each_row(tob_store_t *st, FILE *out, const char *sql,
                    void (*fmt_row)(db_stmt_t *, FILE *), tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(st, sql, &stmt, err) != TOB_OK)
        return -1;
    int rc;
    while ((rc = db_step(stmt)) == DB_ROW)
        fmt_row(stmt, out);
    db_finalize(stmt);
    if (rc != DB_DONE) {
        db_fail(st, "reading the store", err);
        return -1;
    }
    return 0;
}

static void print_header(db_stmt_t *s, FILE *out)
{
    fprintf(out, "store:    %s\n", db_column_str(s, 0));
    fprintf(out, "crs:      EPSG:%d (%s)\n", db_column_int(s, 1),
            db_column_str(s, 2));
    fprintf(out, "schema:   version %d, created %s\n", db_column_int(s, 3),
            db_column_str(s, 4));
}

static void print_level(db_stmt_t *s, FILE *out)
{
    if (db_column_type(s, 2) == DB_NULL)
        fprintf(out, "  %-12s %-24s (empty)\n", db_column_str(s, 0),
                db_column_str(s, 1));
    else
        fprintf(out, "  %-12s %-24s vintage %d: %6lld territories, %.1f km2\n",
                db_column_str(s, 0), db_column_str(s, 1), db_column_int(s, 2),
                db_column_int64(s, 3), db_column_double(s, 4) / 1e6);
}

static void print_extent(db_stmt_t *s, FILE *out)
{
    if (db_column_type(s, 0) != DB_NULL)
        fprintf(out, "extent:   %.1f %.1f - %.1f %.1f\n",
                db_column_double(s, 0), db_column_double(s, 1),
                db_column_double(s, 2), db_column_double(s, 3));
}

/* One line per variable with each of its years: "years 2015, 2021". The
 * years are joined here rather than in SQL, which engines spell
 * differently. */
typedef struct var_line {
    char name[64], aggregate[16], label[256], years[256];
    long long n_values;
} var_line_t;

static void flush_variable(var_line_t *v, FILE *out)
{
    if (v->name[0] != '\0')
        fprintf(out, "  %-28s %-8s years %s, %lld values  %s\n", v->name,
                v->aggregate, v->years[0] ? v->years : "-", v->n_values,
                v->label);
    v->name[0] = '\0';
}

static int print_variables(tob_store_t *st, FILE *out, tob_error_t *err)
{
    db_stmt_t *stmt = NULL;
    if (db_prepare(st,
                   "SELECT v.name, v.aggregate, v.label, o.year,"
                   " count(o.value) FROM variable v LEFT JOIN observation o"
                   " ON o.variable = v.name GROUP BY v.name, o.year"
                   " ORDER BY v.name, o.year",
                   &stmt, err) != TOB_OK)
        return -1;
    var_line_t v = {0};
    int rc;
    while ((rc = db_step(stmt)) == DB_ROW) {
        if (strcmp(v.name, db_column_str(stmt, 0)) != 0) {
            flush_variable(&v, out);
            snprintf(v.name, sizeof v.name, "%s", db_column_str(stmt, 0));
            snprintf(v.aggregate, sizeof v.aggregate, "%s",
                     db_column_str(stmt, 1));
            snprintf(v.label, sizeof v.label, "%s", db_column_str(stmt, 2));
            v.years[0] = '\0';
            v.n_values = 0;
        }
        if (db_column_type(stmt, 3) == DB_NULL)
            continue;
        size_t used = strlen(v.years);
        snprintf(v.years + used, sizeof v.years - used, "%s%d",
                 used ? ", " : "", db_column_int(stmt, 3));
        v.n_values += db_column_int64(stmt, 4);
    }
    flush_variable(&v, out);
    db_finalize(stmt);
    if (rc != DB_DONE) {
        db_fail(st, "reading the store", err);
        return -1;
    }
    return 0;
}

static void print_source(db_stmt_t *s, FILE *out)
{
    fprintf(out, "  #%lld %s %s %s", db_column_int64(s, 0), db_column_str(s, 1),
            db_column_str(s, 2), db_column_str(s, 3));
    if (db_column_str(s, 4)[0])
        fprintf(out, " (layer %s)", db_column_str(s, 4));
    if (db_column_str(s, 5)[0])
        fprintf(out, " -> %s %s", db_column_str(s, 5), db_column_str(s, 6));
    fprintf(out, ": %lld items", db_column_int64(s, 7));
    if (db_column_str(s, 9)[0])
        fprintf(out, "; %s", db_column_str(s, 9));
    fprintf(out, "\n");
    if (db_column_str(s, 8)[0])
        fprintf(out, "      sha256 %s\n", db_column_str(s, 8));
}

static int has_aggregates(tob_store_t *st)
{
    db_stmt_t *stmt = NULL;
    int any = 0;
    if (db_prepare(st, "SELECT 1 FROM aggregate_run LIMIT 1", &stmt, NULL) ==
        TOB_OK)
        any = db_step(stmt) == DB_ROW;
    db_finalize(stmt);
    return any;
}

static void print_aggregate(db_stmt_t *s, FILE *out)
{
    fprintf(out, "  %s -> %s%s: %lld values, computed %s%s\n",
            db_column_str(s, 0), db_column_str(s, 1),
            db_column_int(s, 2) ? " (overlaps)" : "", db_column_int64(s, 3),
            db_column_str(s, 4),
            db_column_int(s, 5)
                ? "; STALE: its inputs changed since, values computed on the "
                  "fly until 'terrobs aggregate' runs again"
                : "; up to date with its inputs");
}

tob_status_t tob_store_describe(tob_store_t *st, FILE *out, tob_error_t *err)
{
    /* The header comes from each engine's own catalogue. */
    int rc = each_row(
        st, out,
        st->engine == DIALECT_PG
            ? "SELECT 'PostgreSQL database ' || current_database() ||"
              " ', schema ' || current_schema(), s.srid,"
              " split_part(s.srtext, '\"', 2),"
              " (SELECT value FROM meta WHERE key = 'schema_version'),"
              " m.value FROM meta m JOIN spatial_ref_sys s"
              " ON s.srid = (SELECT CAST(value AS INTEGER) FROM meta"
              "              WHERE key = 'srid')"
              " WHERE m.key = 'created'"
            : "SELECT main.file, s.srid, s.ref_sys_name, v.user_version,"
              " m.value"
              " FROM (SELECT file FROM pragma_database_list"
              " WHERE name = 'main') AS main,"
              " (SELECT user_version FROM pragma_user_version) AS v,"
              " meta m JOIN spatial_ref_sys s"
              " ON s.srid = (SELECT CAST(value AS INTEGER) FROM meta"
              "              WHERE key = 'srid')"
              " WHERE m.key = 'created'",
        print_header, err);
    if (rc == 0) {
        fprintf(out, "levels:\n");
        rc = each_row(st, out,
                      "SELECT l.name, l.label, t.vintage, count(t.id),"
                      " sum(t.area_m2) FROM level l LEFT JOIN territory t"
                      " ON t.level = l.name GROUP BY l.name, t.vintage"
                      " ORDER BY l.rowid, t.vintage",
                      print_level, err);
    }
    if (rc == 0)
        rc = each_row(st, out,
                      "SELECT min(xmin), min(ymin), max(xmax), max(ymax)"
                      " FROM TOB_BOX_TABLE(territory) i",
                      print_extent, err);
    if (rc == 0) {
        fprintf(out, "variables:\n");
        rc = print_variables(st, out, err);
    }
    if (rc == 0) {
        fprintf(out, "stored aggregates:%s\n",
                has_aggregates(st) ? "" : " none");
        rc = each_row(st, out,
                      "SELECT r.from_level, r.to_level, r.overlap,"
                      " (SELECT count(*) FROM observation o"
                      "  WHERE o.source_id = r.source_id), s.loaded_at,"
                      " r.stale FROM aggregate_run r JOIN source s"
                      " ON s.id = r.source_id ORDER BY r.source_id",
                      print_aggregate, err);
    }
    if (rc == 0) {
        fprintf(out, "provenance:\n");
        rc = each_row(st, out,
                      "SELECT id, loaded_at, kind, path, layer, level,"
                      " vintage, n_items, checksum, details FROM source"
                      " ORDER BY id",
                      print_source, err);
    }
    return rc == 0 ? TOB_OK
                   : (err != NULL && err->code != TOB_OK ? err->code
                                                         : TOB_ERR_SQLITE);
}
