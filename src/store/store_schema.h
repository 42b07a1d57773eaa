/* store_schema.h - the SQL that builds a version-3 store (internal).
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
    "  decimals INTEGER,"
    /* The year the variable describes when its name does not say it; a
     * ratio's factor (NULL: 100 for unit '%', 1000 for per mille, else 1). */
    "  year INTEGER,"
    "  scale REAL);"
    "CREATE TABLE observation ("
    "  territory INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,"
    "  variable TEXT NOT NULL REFERENCES variable(name),"
    "  year INTEGER NOT NULL,"
    "  value REAL,"
    "  source_id INTEGER REFERENCES source(id),"
    "  PRIMARY KEY (territory, variable, year)) WITHOUT ROWID;"
    "CREATE INDEX observation_variable ON observation(variable, year);";

/* Version 2: what each stored aggregate was computed from (the options of
 * the `aggregate` run whose provenance record is source_id), so that a
 * change of its inputs recomputes it; stale = inputs changed and not
 * recomputed yet (readers then compute the value on the fly). */
static const char TOB_SCHEMA_AGGREGATE_SQL[] =
    "CREATE TABLE IF NOT EXISTS aggregate_run ("
    "  source_id INTEGER PRIMARY KEY REFERENCES source(id),"
    "  from_level TEXT NOT NULL,"
    "  to_level TEXT NOT NULL,"
    "  to_vintage INTEGER NOT NULL DEFAULT 0,"
    "  variables TEXT,"
    "  year INTEGER NOT NULL DEFAULT 0,"
    "  overlap INTEGER NOT NULL DEFAULT 0,"
    "  min_coverage REAL NOT NULL DEFAULT 0,"
    "  stale INTEGER NOT NULL DEFAULT 0);";

/* Version 3: how many members of a level each territory has in its
 * membership source (a national member table lists the 103 communes of
 * the CC du Ternois, one of them in the Somme), so that a sum over the 102
 * in the store is not taken for the whole. */
static const char TOB_SCHEMA_EXPECTED_SQL[] =
    "CREATE TABLE IF NOT EXISTS expected_members ("
    "  parent INTEGER NOT NULL REFERENCES territory(id) ON DELETE CASCADE,"
    "  child_level TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  source_id INTEGER REFERENCES source(id),"
    "  PRIMARY KEY (parent, child_level)) WITHOUT ROWID;";

/* An older store read without upgrading it: the tables it lacks, empty. */
static const char TOB_SCHEMA_EXPECTED_TEMP_SQL[] =
    "CREATE TEMP TABLE IF NOT EXISTS expected_members (parent INTEGER,"
    "  child_level TEXT, n INTEGER, source_id INTEGER);";

/* A version-1 store read without upgrading it: no aggregate is known. */
static const char TOB_SCHEMA_AGGREGATE_TEMP_SQL[] =
    "CREATE TEMP TABLE IF NOT EXISTS aggregate_run ("
    "  source_id INTEGER PRIMARY KEY, from_level TEXT, to_level TEXT,"
    "  to_vintage INTEGER, variables TEXT, year INTEGER, overlap INTEGER,"
    "  min_coverage REAL, stale INTEGER NOT NULL DEFAULT 0);";

/* From version 1: the aggregates already stored are recorded from their
 * provenance path "(commune -> epci)" or "(qpv -> commune, overlaps)",
 * stale since their inputs are unknown. */
static const char TOB_SCHEMA_UPGRADE_2_SQL[] =
    "INSERT INTO aggregate_run (source_id, from_level, to_level, overlap,"
    "  stale)"
    " SELECT s.id, substr(s.path, 2, instr(s.path, ' -> ') - 2),"
    "  rtrim(substr(s.path, instr(s.path, ' -> ') + 4,"
    "   length(s.path) - instr(s.path, ' -> ') - 4"
    "   - CASE WHEN s.path LIKE '%, overlaps)' THEN 10 ELSE 0 END)),"
    "  s.path LIKE '%, overlaps)', 1"
    " FROM source s WHERE s.kind = 'aggregate' AND instr(s.path, ' -> ') > 0"
    " AND EXISTS (SELECT 1 FROM observation o WHERE o.source_id = s.id);";

/* Contracts (contrat de territoire, PACTe, contrat de ville, NPNRU
 * convention...). The territory is kept as (level, code), not as an id: a
 * contract outlives a boundary reload, and a code that a reload removes is
 * reported by the follow-up instead of cascading away. Dates are ISO text
 * (YYYY-MM-DD) so SQLite's date functions apply. */
static const char TOB_SCHEMA_CONTRACTS_SQL[] =
    "CREATE TABLE contract ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('contrat_territoire', 'pacte',"
    "    'contrat_ville', 'npnru', 'autre')),"
    "  name TEXT NOT NULL,"
    "  territory_level TEXT NOT NULL,"
    "  territory_code TEXT NOT NULL,"
    "  start_date TEXT,"
    "  end_date TEXT,"
    "  budget REAL CHECK (budget >= 0),"
    "  note TEXT,"
    "  source_id INTEGER REFERENCES source(id));"
    "CREATE INDEX contract_territory ON contract(territory_level,"
    "  territory_code);"
    /* Parent codes are followed by code alone (projects per territory). */
    "CREATE INDEX territory_code ON territory(code);"
    "CREATE TABLE contract_phase ("
    "  contract INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,"
    "  phase TEXT NOT NULL CHECK (phase IN ('diagnostic', 'cadre_strategique',"
    "    'plan_actions', 'revoyure')),"
    "  start_date TEXT NOT NULL,"
    "  PRIMARY KEY (contract, phase)) WITHOUT ROWID;"
    "CREATE TABLE contract_partner ("
    "  contract INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  partner TEXT NOT NULL,"
    "  PRIMARY KEY (contract, position)) WITHOUT ROWID;"
    /* Projects: a commune code, a point (geom, added by store.c in the
     * store CRS), both, or neither (a project of the whole contract). */
    "CREATE TABLE project ("
    "  id INTEGER PRIMARY KEY,"
    "  contract INTEGER NOT NULL REFERENCES contract(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  axis TEXT,"
    "  owner TEXT,"
    "  commune_code TEXT,"
    "  total_cost REAL CHECK (total_cost >= 0),"
    "  status TEXT NOT NULL CHECK (status IN ('prevu', 'engage', 'realise',"
    "    'abandonne')),"
    "  start_date TEXT,"
    "  end_date TEXT,"
    "  status_date TEXT,"
    "  note TEXT,"
    "  source_id INTEGER REFERENCES source(id),"
    "  UNIQUE (contract, code));"
    "CREATE INDEX project_commune ON project(commune_code);"
    "CREATE TABLE project_funding ("
    "  project INTEGER NOT NULL REFERENCES project(id) ON DELETE CASCADE,"
    "  financer TEXT NOT NULL,"
    "  amount REAL NOT NULL CHECK (amount >= 0),"
    "  PRIMARY KEY (project, financer)) WITHOUT ROWID;";

/* GUP (gestion urbaine de proximite): a site, its perimeter as territories
 * of any level, its referents per partner, its actions and its signalements
 * (gup_report). Volets are the six of the PGT. */
static const char TOB_SCHEMA_GUP_SQL[] =
    "CREATE TABLE gup_site ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  commune_code TEXT NOT NULL,"
    "  coordinator TEXT,"
    "  note TEXT,"
    "  source_id INTEGER REFERENCES source(id));"
    "CREATE TABLE gup_site_member ("
    "  site INTEGER NOT NULL REFERENCES gup_site(id) ON DELETE CASCADE,"
    "  level TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  PRIMARY KEY (site, level, code)) WITHOUT ROWID;"
    "CREATE TABLE gup_referent ("
    "  site INTEGER NOT NULL REFERENCES gup_site(id) ON DELETE CASCADE,"
    "  partner TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY (site, partner)) WITHOUT ROWID;"
    "CREATE TABLE gup_action ("
    "  id INTEGER PRIMARY KEY,"
    "  site INTEGER NOT NULL REFERENCES gup_site(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  volet TEXT NOT NULL CHECK (volet IN ('renouvellement_urbain',"
    "    'cadre_de_vie', 'habitat', 'vie_de_quartier',"
    "    'fragilites_sociales', 'tranquillite_publique')),"
    "  referent TEXT,"
    "  due_date TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('prevu', 'engage', 'realise',"
    "    'abandonne')),"
    "  done_date TEXT,"
    "  source_id INTEGER REFERENCES source(id),"
    "  UNIQUE (site, code));"
    "CREATE TABLE gup_report ("
    "  id INTEGER PRIMARY KEY,"
    "  site INTEGER NOT NULL REFERENCES gup_site(id) ON DELETE CASCADE,"
    "  code TEXT NOT NULL,"
    "  report_date TEXT NOT NULL,"
    "  volet TEXT NOT NULL CHECK (volet IN ('renouvellement_urbain',"
    "    'cadre_de_vie', 'habitat', 'vie_de_quartier',"
    "    'fragilites_sociales', 'tranquillite_publique')),"
    "  place TEXT,"
    "  subject TEXT,"
    "  referent TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('ouvert', 'clos')),"
    "  closed_date TEXT,"
    "  source_id INTEGER REFERENCES source(id),"
    "  CHECK (status = 'ouvert' OR closed_date >= report_date),"
    "  UNIQUE (site, code));";

/* PostGIS only, after the parts: a level's values of a variable and year
 * (ranks among the 35,357 communes, whole-level reads of the values
 * reader) join observation_variable's index-only scan (store_pg.c) to the
 * territories of the level; with id in territory_level that side is an
 * index-only scan too, not a scan of the territory heap and its
 * geometries (6,000 pages for France: 25 ms of a 35 ms read). With
 * area_m2 as well, the values reader's list of every territory's level
 * and area is one too (62 ms -> 12 ms for France). Same name and leading
 * columns as on SpatiaLite. */
static const char TOB_SCHEMA_PG_COVERING_SQL[] =
    "DROP INDEX territory_level;"
    "CREATE INDEX territory_level ON territory (level, vintage)"
    " INCLUDE (id, area_m2);";

/* Every part of a new store's schema, in order. Both engines create these
 * (store.c as is, store_pg.c through dialect_ddl()): one change here
 * updates both. */
static const char *const TOB_SCHEMA_PARTS[] = {
    TOB_SCHEMA_SQL, TOB_SCHEMA_CONTRACTS_SQL, TOB_SCHEMA_GUP_SQL,
    TOB_SCHEMA_AGGREGATE_SQL, TOB_SCHEMA_EXPECTED_SQL};
#define TOB_SCHEMA_N_PARTS                                                     \
    (sizeof TOB_SCHEMA_PARTS / sizeof TOB_SCHEMA_PARTS[0])

#endif
