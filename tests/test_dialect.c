/* test_dialect.c - one SQL for two engines: the spatial-index macros for
 * SpatiaLite, and PostgreSQL's spelling of SQLite/SpatiaLite's SQL. */
#include "store/dialect.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void expect_sql(dialect_engine_t engine, const char *in,
                       const char *want)
{
    char *got = dialect_sql(engine, 2154, in, NULL);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_sqlite_box_macros(void **state)
{
    (void)state;
    expect_sql(DIALECT_SQLITE,
               "SELECT 1 WHERE id IN (TOB_BOX_IDS(territory, ?3, ?5, ?4, ?6))",
               "SELECT 1 WHERE id IN (SELECT pkid FROM idx_territory_geom"
               " WHERE xmin <= ?4 AND xmax >= ?3 AND ymin <= ?6"
               " AND ymax >= ?5)");
    expect_sql(DIALECT_SQLITE, "SELECT * FROM TOB_BOX_TABLE(territory) i",
               "SELECT * FROM idx_territory_geom i");
    /* The join conditions: the R*Tree's columns, as written before. */
    expect_sql(DIALECT_SQLITE,
               "SELECT 1 FROM pts c CROSS JOIN TOB_BOX_TABLE(territory) r"
               " ON TOB_BOX_HOLDS(r, c.x, c.y)",
               "SELECT 1 FROM pts c CROSS JOIN idx_territory_geom r"
               " ON (r.xmin <= c.x AND r.xmax >= c.x AND r.ymin <= c.y"
               " AND r.ymax >= c.y)");
    expect_sql(DIALECT_SQLITE,
               "SELECT 1 FROM territory c, territory p"
               " WHERE TOB_BOX_MEETS(territory, p, c.geom)",
               "SELECT 1 FROM territory c, territory p WHERE p.id IN"
               " (SELECT pkid FROM idx_territory_geom WHERE xmin <="
               " MbrMaxX(c.geom) AND xmax >= MbrMinX(c.geom) AND ymin <="
               " MbrMaxY(c.geom) AND ymax >= MbrMinY(c.geom))");
    expect_sql(DIALECT_SQLITE,
               "SELECT 1 FROM territory a"
               " WHERE TOB_BOX_MEETS_BOX(territory, a, ?3, ?4, ?5, ?6)",
               "SELECT 1 FROM territory a WHERE a.id IN (SELECT pkid FROM"
               " idx_territory_geom WHERE xmin <= ?5 AND xmax >= ?3"
               " AND ymin <= ?6 AND ymax >= ?4)");
    /* Everything else is SpatiaLite's own: left as it is. */
    expect_sql(DIALECT_SQLITE,
               "SELECT MakePoint(?1, ?2, 2154), 'TOB_BOX_IDS(x)'",
               "SELECT MakePoint(?1, ?2, 2154), 'TOB_BOX_IDS(x)'");
    assert_false(dialect_needs(DIALECT_SQLITE, "SELECT 1"));
}

static void test_pg_params(void **state)
{
    (void)state;
    dialect_params_t ps;
    char *got = dialect_sql(DIALECT_PG, 2154,
                            "SELECT ?, ?3, ? WHERE a = :xmin OR b = :xmin"
                            " OR c::text = '?'",
                            &ps);
    assert_non_null(got);
    assert_string_equal(got, "SELECT $1, $3, $4 WHERE a = $5 OR b = $5"
                             " OR c::text = '?'");
    assert_int_equal(ps.n, 5);
    assert_null(ps.names[0]);
    assert_string_equal(ps.names[4], ":xmin");
    dialect_params_free(&ps);
    free(got);
}

static void test_pg_functions(void **state)
{
    (void)state;
    expect_sql(DIALECT_PG,
               "SELECT X(pt), ST_Contains(p.geom, MakePoint(?3, ?4, ?5)) = 1"
               " FROM main.territory p, temp.pts",
               "SELECT ST_X(pt), CAST(ST_Contains(p.geom,"
               " ST_SetSRID(ST_MakePoint($3, $4), $5)) AS integer) = 1"
               " FROM territory p, pg_temp.pts");
    expect_sql(DIALECT_PG,
               "SELECT 1 WHERE a IS NOT ? AND b IS ?2 AND c IS NOT NULL",
               "SELECT 1 WHERE a IS DISTINCT FROM $1 AND b IS NOT DISTINCT"
               " FROM $2 AND c IS NOT NULL");
    expect_sql(DIALECT_PG,
               "SELECT x FROM (SELECT 1 AS x) WHERE x IN (SELECT 1)"
               " UNION SELECT y FROM (SELECT 2 AS y) t",
               "SELECT x FROM (SELECT 1 AS x) AS tob_q1 WHERE x IN (SELECT 1)"
               " UNION SELECT y FROM (SELECT 2 AS y) t");
    expect_sql(DIALECT_PG,
               "SELECT 1 FROM a CROSS JOIN b ON b.x = a.x CROSS JOIN c",
               "SELECT 1 FROM a JOIN b ON b.x = a.x CROSS JOIN c");
    /* A predicate standing as a condition stays a boolean. */
    expect_sql(DIALECT_PG,
               "SELECT ST_Intersects(a, b) FROM t WHERE x = 1 AND"
               " ST_Intersects(a, b) AND ST_Within(a, b) = 1",
               "SELECT CAST(ST_Intersects(a, b) AS integer) FROM t WHERE"
               " x = 1 AND ST_Intersects(a, b) AND CAST(ST_Within(a, b)"
               " AS integer) = 1");
    /* SpatiaLite's CollectionExtract() is NULL when nothing is left. */
    expect_sql(DIALECT_PG,
               "SELECT CastToMultiLinestring(CollectionExtract(g, 2))",
               "SELECT ST_Multi((SELECT CASE WHEN ST_IsEmpty(tob_g) THEN NULL"
               " ELSE tob_g END FROM (SELECT ST_CollectionExtract(g,"
               " CAST(2 AS integer)) AS tob_g) AS tob_e))");
    expect_sql(DIALECT_PG, "SELECT group_concat(name, ', ') FROM level",
               "SELECT string_agg(CAST(name AS text), ', ') FROM level");
    expect_sql(DIALECT_PG, "SELECT strftime('%d/%m/%Y', max(loaded_at))",
               "SELECT to_char(CAST(max(loaded_at) AS timestamp),"
               " 'DD/MM/YYYY')");
    expect_sql(DIALECT_PG, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
               "SELECT to_char((now() AT TIME ZONE 'UTC'),"
               " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    expect_sql(DIALECT_PG, "SELECT max(a, b), max(c), CAST(v AS REAL)",
               "SELECT greatest(a, b), max(c), CAST(v AS double precision)");
    expect_sql(DIALECT_PG, "INSERT OR IGNORE INTO m (a) VALUES (?1); SELECT 1",
               "INSERT INTO m (a) VALUES ($1) ON CONFLICT DO NOTHING;"
               " SELECT 1");
    expect_sql(DIALECT_PG,
               "SELECT id FROM t WHERE id IN"
               " (TOB_BOX_IDS_OF(territory, c.geom))",
               "SELECT id FROM t WHERE id IN (SELECT id FROM territory"
               " WHERE geom && c.geom)");
    /* Joins probe the GiST index with the column itself, not a box
     * computed from it nor a subquery naming the outer row. */
    expect_sql(DIALECT_PG,
               "SELECT r.pkid FROM temp.pts c CROSS JOIN"
               " TOB_BOX_TABLE(territory) r ON TOB_BOX_HOLDS(r, c.x, c.y)",
               "SELECT r.pkid FROM pg_temp.pts c JOIN (SELECT id AS pkid, geom,"
               " ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax, ST_YMin(geom)"
               " AS ymin, ST_YMax(geom) AS ymax FROM territory WHERE geom IS"
               " NOT NULL) r ON r.geom && ST_SetSRID(ST_MakePoint(c.x, c.y),"
               " 2154)");
    expect_sql(DIALECT_PG,
               "SELECT 1 FROM territory c, territory p WHERE c.id = ?1"
               " AND TOB_BOX_MEETS(territory, p, c.geom)",
               "SELECT 1 FROM territory c, territory p WHERE c.id = $1"
               " AND p.geom && c.geom");
    expect_sql(DIALECT_PG,
               "SELECT 1 FROM territory a"
               " WHERE TOB_BOX_MEETS_BOX(territory, a, ?3, ?4, ?5, ?6)",
               "SELECT 1 FROM territory a WHERE a.geom &&"
               " ST_MakeEnvelope($3, $4, $5, $6, 2154)");
}

static void expect_client(const char *in, const char *want)
{
    char *got = dialect_sql_for_client(DIALECT_PG, 2154, in, "obs");
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* QGIS sets no search path: every store table of a client's SQL is
 * qualified with the schema, wherever a table stands, and nothing else. */
static void test_pg_client_qualified(void **state)
{
    (void)state;
    expect_client(
        "SELECT code FROM territory t JOIN observation o"
        " ON o.territory = t.id",
        "SELECT code FROM \"obs\".territory t JOIN \"obs\".observation o"
        " ON o.territory = t.id");
    /* Comma joins, with and without aliases, over several lines. */
    expect_client("SELECT t.code, o.value FROM territory AS t,\n observation o,"
                  "variable WHERE o.variable = variable.name",
                  "SELECT t.code, o.value FROM \"obs\".territory AS t,\n"
                  " \"obs\".observation o,\"obs\".variable"
                  " WHERE o.variable = variable.name");
    /* Commas that are not a FROM list's stay as they are. */
    expect_client("SELECT id, territory FROM observation GROUP BY id, territory"
                  " ORDER BY id, territory",
                  "SELECT id, territory FROM \"obs\".observation GROUP BY id,"
                  " territory ORDER BY id, territory");
    expect_client("SELECT max(a, b) FROM territory WHERE id IN (1, 2)",
                  "SELECT greatest(a, b) FROM \"obs\".territory"
                  " WHERE id IN (1, 2)");
    /* Subqueries, in FROM and in conditions, then a comma after one. */
    expect_client("SELECT * FROM (SELECT id FROM territory) x, observation o"
                  " WHERE o.territory IN (SELECT id FROM territory)",
                  "SELECT * FROM (SELECT id FROM \"obs\".territory) x,"
                  " \"obs\".observation o WHERE o.territory IN"
                  " (SELECT id FROM \"obs\".territory)");
    /* Quoted identifiers and SQLite's main. are the store's tables. */
    expect_client("SELECT 1 FROM \"territory\" t, main.observation",
                  "SELECT 1 FROM \"obs\".\"territory\" t,"
                  " \"obs\".observation");
    /* Not the store's: other schemas, functions, CTEs, quoted text, names
     * quoted in another case, and words in strings or comments. */
    expect_client(
        "WITH variable AS (SELECT 1 AS name) SELECT * FROM variable,"
        " public.territory, generate_series(1, 2) AS g,"
        " \"Territory\" WHERE 'FROM territory' <> '' -- FROM level\n",
        "WITH variable AS (SELECT 1 AS name) SELECT * FROM variable,"
        " public.territory, generate_series(1, 2) AS g,"
        " \"Territory\" WHERE 'FROM territory' <> '' -- FROM level\n");
}

static void test_pg_ddl(void **state)
{
    (void)state;
    char *got =
        dialect_ddl(DIALECT_PG, "CREATE TABLE t (id INTEGER PRIMARY KEY,"
                                " n INTEGER NOT NULL, v REAL,"
                                " PRIMARY KEY (a, b)) WITHOUT ROWID;");
    assert_non_null(got);
    assert_string_equal(got, "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS"
                             " IDENTITY PRIMARY KEY, n bigint NOT NULL,"
                             " v double precision, PRIMARY KEY (a, b)) ;");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite_box_macros),
        cmocka_unit_test(test_pg_params),
        cmocka_unit_test(test_pg_functions),
        cmocka_unit_test(test_pg_client_qualified),
        cmocka_unit_test(test_pg_ddl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
