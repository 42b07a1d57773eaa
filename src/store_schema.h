/* store_schema.h - the SQL that builds a version-1 store (internal).
 * The geometry column and its index are added by store.c with the SRID
 * chosen at creation; per-level views are made by tob_store_ensure_level. */
#ifndef TERROBS_STORE_SCHEMA_H
#define TERROBS_STORE_SCHEMA_H

static const char TOB_SCHEMA_SQL[] =
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL);"
    /* Provenance: every load and import, kept forever. */
    "CREATE TABLE source ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  layer TEXT,"
    "  level TEXT,"
    "  vintage INTEGER,"
    "  n_items INTEGER NOT NULL DEFAULT 0,"
    "  checksum TEXT,"
    "  loaded_at TEXT NOT NULL,"
    "  terrobs_version TEXT NOT NULL,"
    "  details TEXT);"
    "CREATE TABLE level ("
    "  name TEXT PRIMARY KEY,"
    "  label TEXT NOT NULL,"
    "  parent TEXT REFERENCES level(name),"
    "  spatial INTEGER NOT NULL DEFAULT 1);"
    /* INSEE codes are text: 2A004, and leading zeros matter: 01004. */
    "CREATE TABLE territory ("
    "  id INTEGER PRIMARY KEY,"
    "  level TEXT NOT NULL REFERENCES level(name),"
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  vintage INTEGER NOT NULL,"
    "  parent_code TEXT,"
    "  area_m2 REAL,"
    "  source_id INTEGER REFERENCES source(id),"
    "  UNIQUE (level, code, vintage));"
    "CREATE INDEX territory_level ON territory(level, vintage);"
    /* kind: 'member' (whole child in parent) or 'overlap' (partial, with
     * shares of the child's area and population in the parent). */
    "CREATE TABLE membership ("
    "  child INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,"
    "  parent INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL DEFAULT 'member'"
    "    CHECK (kind IN ('member', 'overlap')),"
    "  area_share REAL,"
    "  pop_share REAL,"
    "  source_id INTEGER REFERENCES source(id),"
    "  PRIMARY KEY (child, parent, kind)) WITHOUT ROWID;"
    "CREATE INDEX membership_parent ON membership(parent, kind);"
    "CREATE TABLE variable ("
    "  name TEXT PRIMARY KEY,"
    "  label TEXT NOT NULL,"
    "  unit TEXT,"
    "  source TEXT,"
    "  aggregate TEXT NOT NULL DEFAULT 'sum'"
    "    CHECK (aggregate IN ('sum', 'mean', 'weighted_mean', 'ratio',"
    "                         'none')),"
    "  weight TEXT,"
    "  numerator TEXT,"
    "  denominator TEXT,"
    "  decimals INTEGER);"
    "CREATE TABLE observation ("
    "  territory INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,"
    "  variable TEXT NOT NULL REFERENCES variable(name),"
    "  year INTEGER NOT NULL,"
    "  value REAL,"
    "  source_id INTEGER REFERENCES source(id),"
    "  PRIMARY KEY (territory, variable, year)) WITHOUT ROWID;"
    "CREATE INDEX observation_variable ON observation(variable, year);";

#endif
