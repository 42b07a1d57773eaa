/* dialect.h - the one place where the SQL of the two engines differs.
 * Modules spell one SQL: SQLite/SpatiaLite's, with `?N`, `?` or `:name`
 * parameters and SpatiaLite's function names (MakePoint, GeomFromWKB,
 * AsBinary, CastToMultiPolygon, X, Y, MbrMinX..., Extent, group_concat,
 * julianday, strftime, INSERT OR IGNORE), plus neutral macros for
 * the spatial index, which SpatiaLite keeps in an R*Tree table and PostGIS
 * in a GiST index on the column itself:
 *   TOB_BOX_IDS(table, xmin, ymin, xmax, ymax)
 *       a subquery body: the ids of `table` whose box meets the box;
 *   TOB_BOX_IDS_OF(table, geom)
 *       the same for the box of a geometry expression;
 *   TOB_BOX_TABLE(table)
 *       a table of (pkid, xmin, xmax, ymin, ymax), one row per geometry;
 *   TOB_BOX_HOLDS(alias, x, y)
 *       a condition: the box of the row alias of TOB_BOX_TABLE holds the
 *       point, for a join that probes the index once per point;
 *   TOB_BOX_MEETS(table, alias, geom)
 *       a condition: the box of the row alias of table meets the box of
 *       geom (of another row: a join probing the index per row);
 *   TOB_BOX_MEETS_BOX(table, alias, xmin, ymin, xmax, ymax)
 *       the same for a box given by its corners (bound parameters);
 *   TOB_COLUMNS(table)
 *       a statement: the table's columns (name, lower-case type);
 * and one for the engine's table of CRSs:
 *   TOB_CRS_NAME(srid)
 *       a scalar subquery: the CRS's name ("RGF93 v1 / Lambert-93").
 * dialect_sql() expands the macros for the store's engine and, for
 * PostgreSQL, rewrites the rest (parameters to $n, functions to PostGIS's,
 * main./temp. qualifiers, types of the schema's DDL).
 * Library-internal: included by src/store/ only. */
#ifndef TERROBS_STORE_DIALECT_H
#define TERROBS_STORE_DIALECT_H

#include <stddef.h>

typedef enum dialect_engine {
    DIALECT_SQLITE = 0,
    DIALECT_PG = 1
} dialect_engine_t;

/* Named parameters of a rewritten statement (":xmin" -> $3), in order. */
typedef struct dialect_params {
    char **names; /* names[k] is the name of $k+1, NULL when unnamed */
    char *used;   /* used[k]: $k+1 appears (SQLite allows gaps: ?1, ?3) */
    int n;
} dialect_params_t;

/* The statement sql for engine, malloc'd (caller frees), or NULL when out
 * of memory. srid is the store's, for the macros that build boxes. params
 * (may be NULL) receives the parameter names for PostgreSQL. */
char *dialect_sql(dialect_engine_t engine, int srid, const char *sql,
                  dialect_params_t *params);
/* The same for a client that reads the store itself with no search path
 * (QGIS): on PostgreSQL the store's tables after FROM and JOIN are
 * qualified with schema. malloc'd. */
char *dialect_sql_for_client(dialect_engine_t engine, int srid, const char *sql,
                             const char *schema);
/* Whether sql needs rewriting for engine (SQLite: only for the macros). */
int dialect_needs(dialect_engine_t engine, const char *sql);
void dialect_params_free(dialect_params_t *params);

/* The schema DDL of store_schema.h for engine: SQLite's as is; for
 * PostgreSQL, INTEGER PRIMARY KEY becomes an identity, INTEGER bigint,
 * REAL double precision, WITHOUT ROWID nothing. malloc'd. */
char *dialect_ddl(dialect_engine_t engine, const char *ddl);

#endif
