/* cmd_info.c - `terrobs info`: what a store holds, or one territory. */
#include "cli.h"
#include "info.h"

#include "terrobs/store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: terrobs info OBS.sqlite [--level L --code C [--share VAR]]\n"
    "\n"
    "Without --code: the storage CRS, schema version, levels with their\n"
    "territory counts per vintage and area, the extent, variables, and every\n"
    "load and import recorded in provenance (path, layer, count, SHA-256,\n"
    "date).\n"
    "With --level and --code: the territory's name, vintage and area, its\n"
    "parents, its children and its overlaps with area shares (the share\n"
    "of the smaller territory's area, 'unknown' for a list without\n"
    "polygons), then each variable's latest value: observed, the ratio of\n"
    "its parts, or aggregated on the fly from its members.\n"
    "\n"
    "  --level L     level of the territory\n"
    "  --code C      its code\n"
    "  --vintage Y   its vintage (default: the latest)\n"
    "  --share VAR   VAR for the territory, each member with its share of\n"
    "                it, and each territory it belongs to with its share\n"
    "                there (e.g. --share population_2021)\n";

static const char *text(sqlite3_stmt *stmt, int i)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    return t != NULL ? (const char *)t : "";
}

/* Runs sql (no parameters) and prints each row through fmt_row. */
static int each_row(tob_store_t *st, const char *sql,
                    void (*fmt_row)(sqlite3_stmt *), tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    if (tob_store_prepare(st, sql, &stmt, err) != TOB_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        fmt_row(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        tob_store_fail(st, "reading the store", err);
        return -1;
    }
    return 0;
}

static void print_header(sqlite3_stmt *s)
{
    printf("store:    %s\n", text(s, 0));
    printf("crs:      EPSG:%d (%s)\n", sqlite3_column_int(s, 1), text(s, 2));
    printf("schema:   version %d, created %s\n", sqlite3_column_int(s, 3),
           text(s, 4));
}

static void print_level(sqlite3_stmt *s)
{
    if (sqlite3_column_type(s, 2) == SQLITE_NULL)
        printf("  %-12s %-24s (empty)\n", text(s, 0), text(s, 1));
    else
        printf("  %-12s %-24s vintage %d: %6lld territories, %.1f km2\n",
               text(s, 0), text(s, 1), sqlite3_column_int(s, 2),
               sqlite3_column_int64(s, 3), sqlite3_column_double(s, 4) / 1e6);
}

static void print_extent(sqlite3_stmt *s)
{
    if (sqlite3_column_type(s, 0) != SQLITE_NULL)
        printf("extent:   %.1f %.1f - %.1f %.1f\n", sqlite3_column_double(s, 0),
               sqlite3_column_double(s, 1), sqlite3_column_double(s, 2),
               sqlite3_column_double(s, 3));
}

static void print_variable(sqlite3_stmt *s)
{
    printf("  %-28s %-8s years %s, %lld values  %s\n", text(s, 0), text(s, 1),
           text(s, 2), sqlite3_column_int64(s, 3), text(s, 4));
}

static void print_source(sqlite3_stmt *s)
{
    printf("  #%lld %s %s %s", sqlite3_column_int64(s, 0), text(s, 1),
           text(s, 2), text(s, 3));
    if (text(s, 4)[0])
        printf(" (layer %s)", text(s, 4));
    if (text(s, 5)[0])
        printf(" -> %s %s", text(s, 5), text(s, 6));
    printf(": %lld items", sqlite3_column_int64(s, 7));
    if (text(s, 9)[0])
        printf("; %s", text(s, 9));
    printf("\n");
    if (text(s, 8)[0])
        printf("      sha256 %s\n", text(s, 8));
}

static int print_store(tob_store_t *st, tob_error_t *err)
{
    int rc = each_row(
        st,
        "SELECT main.file, s.srid, s.ref_sys_name, v.user_version, m.value"
        " FROM (SELECT file FROM pragma_database_list WHERE name = 'main')"
        " AS main, (SELECT user_version FROM pragma_user_version) AS v,"
        " meta m JOIN spatial_ref_sys s"
        " ON s.srid = (SELECT CAST(value AS INTEGER) FROM meta"
        "              WHERE key = 'srid')"
        " WHERE m.key = 'created'",
        print_header, err);
    if (rc == 0) {
        printf("levels:\n");
        rc = each_row(st,
                      "SELECT l.name, l.label, t.vintage, count(t.id),"
                      " sum(t.area_m2) FROM level l LEFT JOIN territory t"
                      " ON t.level = l.name GROUP BY l.name, t.vintage"
                      " ORDER BY l.rowid, t.vintage",
                      print_level, err);
    }
    if (rc == 0)
        rc = each_row(st,
                      "SELECT min(xmin), min(ymin), max(xmax), max(ymax)"
                      " FROM idx_territory_geom",
                      print_extent, err);
    if (rc == 0) {
        printf("variables:\n");
        rc = each_row(st,
                      "SELECT v.name, v.aggregate,"
                      " coalesce(min(o.year) || '-' || max(o.year), '-'),"
                      " count(o.value), v.label FROM variable v"
                      " LEFT JOIN observation o ON o.variable = v.name"
                      " GROUP BY v.name ORDER BY v.name",
                      print_variable, err);
    }
    if (rc == 0) {
        printf("provenance:\n");
        rc = each_row(st,
                      "SELECT id, loaded_at, kind, path, layer, level,"
                      " vintage, n_items, checksum, details FROM source"
                      " ORDER BY id",
                      print_source, err);
    }
    return rc;
}

static void print_relative(sqlite3_stmt *s)
{
    printf("  %-12s %-12s %s", text(s, 0), text(s, 1), text(s, 2));
    if (strcmp(text(s, 3), "overlap") == 0 &&
        sqlite3_column_type(s, 4) != SQLITE_NULL)
        printf("  (overlap, %.1f %% of the %s's area)",
               100.0 * sqlite3_column_double(s, 4), text(s, 5));
    else if (strcmp(text(s, 3), "overlap") == 0)
        printf("  (overlap, share unknown)");
    printf("\n");
}

/* ?1 is the territory's id, ?2 (if used) its level. */
static int print_relatives(tob_store_t *st, sqlite3_int64 id, const char *level,
                           const char *title, const char *sql, tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    if (tob_store_prepare(st, sql, &stmt, err) != TOB_OK)
        return -1;
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_bind_parameter_count(stmt) >= 2)
        sqlite3_bind_text(stmt, 2, level, -1, SQLITE_STATIC);
    int rc, n = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n++ == 0)
            printf("%s:\n", title);
        print_relative(stmt);
    }
    sqlite3_finalize(stmt);
    if (n == 0)
        printf("%s: none\n", title);
    if (rc != SQLITE_DONE) {
        tob_store_fail(st, "reading relations", err);
        return -1;
    }
    return 0;
}

static int print_territory(tob_store_t *st, const char *level, const char *code,
                           long vintage, const char *share, tob_error_t *err)
{
    sqlite3_stmt *stmt = NULL;
    if (tob_store_prepare(st,
                          "SELECT id, name, vintage, area_m2, parent_code"
                          " FROM territory WHERE level = ?1 AND code = ?2"
                          " AND (?3 = 0 OR vintage = ?3)"
                          " ORDER BY vintage DESC LIMIT 1",
                          &stmt, err) != TOB_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, level, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, vintage);
    if (sqlite3_step(stmt) != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        tob_error_set(err, TOB_ERR_NOTFOUND, "no %s with code '%s'%s", level,
                      code, vintage ? " at that vintage" : "");
        return -1;
    }
    sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
    printf("%s %s: %s\nvintage:  %d\n", level, code, text(stmt, 1),
           sqlite3_column_int(stmt, 2));
    if (sqlite3_column_type(stmt, 3) != SQLITE_NULL)
        printf("area:     %.2f km2\n", sqlite3_column_double(stmt, 3) / 1e6);
    else
        printf("area:     - (no geometry)\n");
    sqlite3_finalize(stmt);
    int rc =
        print_relatives(st, id, level, "parents",
                        "SELECT p.level, p.code, p.name, m.kind, m.area_share,"
                        " ?2 FROM membership m"
                        " JOIN territory p ON p.id = m.parent"
                        " WHERE m.child = ?1 ORDER BY m.kind, p.level, p.code",
                        err);
    if (rc == 0)
        rc = print_relatives(
            st, id, level, "children",
            "SELECT c.level, c.code, c.name, m.kind, m.area_share, c.level"
            " FROM membership m JOIN territory c ON c.id = m.child"
            " WHERE m.parent = ? ORDER BY m.kind, c.level, c.code",
            err);
    if (rc == 0)
        rc = tob_cli_info_values(st, id, err);
    if (rc == 0 && share != NULL)
        rc = tob_cli_info_shares(st, id, share, err);
    return rc;
}

static int run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"level", required_argument, NULL, 'l'},
        {"code", required_argument, NULL, 'c'},
        {"vintage", required_argument, NULL, 'v'},
        {"share", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    const char *level = NULL, *code = NULL, *share = NULL;
    long vintage = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c == 'l')
            level = optarg;
        else if (c == 'c')
            code = optarg;
        else if (c == 's')
            share = optarg;
        else if (c == 'v' && tob_cli_parse_int(optarg, &vintage) == 0)
            continue;
        else
            return tob_cli_bad_option("info");
    }
    if (optind != argc - 1)
        return tob_cli_usage_error("info", "expected one store path");
    if ((level == NULL) != (code == NULL))
        return tob_cli_usage_error("info", "--level and --code go together");
    if (share != NULL && code == NULL)
        return tob_cli_usage_error("info", "--share needs --level and --code");
    tob_error_t err;
    tob_error_clear(&err);
    tob_store_t *st = NULL;
    if (tob_store_open(argv[optind], TOB_STORE_READ, &st, &err) != TOB_OK)
        return tob_cli_fail(&err);
    int rc = code != NULL
                 ? print_territory(st, level, code, vintage, share, &err)
                 : print_store(st, &err);
    tob_store_close(st);
    return rc == 0 ? TOB_EXIT_OK : tob_cli_fail(&err);
}

const tob_cli_command_t tob_cmd_info = {
    "info", "describe a store, or one territory and its relations", usage, run};
