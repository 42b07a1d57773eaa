# copy.sh - terrobs copy through the real binary: a demo-like SpatiaLite
# store (boundaries of the Nord, the Somme and Calais, relations with the
# expected members, zones, the QPV list and QPV 2015 overlaps with area
# shares, indicators of two years, aggregates one of them stale,
# attributions, contracts, projects, GUP) copied to the store new_store
# gives (a PostGIS schema in cli_copy_pg, a file in cli_copy) and back to a
# file: every table of the schema, every row and column (reals to the last
# bit, geometries as their bytes) as before, the schema version, the level
# views. Then the refusals: a store with data without --force, what is not
# a terrobs store, an unreachable server, the same store, a copy that fails
# half-way; each leaves the destination as it was.
. "$TOB_SRC/tests/cli/lib.sh"

D="$LAYERS/data"
EX="$LAYERS/examples"
O=obs.sqlite
{
    $T init $O
    $T load $O "$LAYERS/departements.layer"
    $T load $O "$LAYERS/epci.layer"
    $T load $O "$LAYERS/communes-nord.layer"
    $T load $O "$LAYERS/communes-somme.layer" --append
    $T load $O "$LAYERS/communes-calais.layer" --append
    $T relate $O --child commune --parent epci
    $T relate $O --child commune --parent epci \
        --members "$DATA/epci-membres-59.csv" --child-key code_insee \
        --parent-key siren_epci
    $T relate $O --child commune --parent departement --spatial
    $T zone $O "$LAYERS/scot-nord.csv"
    $T zone $O "$LAYERS/zones-somme-pacte.csv"
    $T import $O territories "$D/qpv2024-communes.csv" --level qpv \
        --code code_qp --name lib_qp --vintage 2024 \
        --parent-level commune --parent-key insee_com
    $T load $O --level qpv --vintage 2015 --src "$DATA/qp.geojson" \
        --code code_qp --name nom_qp --append
    $T load $O --level commune --vintage 2018 --code code --name nom \
        --src "$DATA/communes-occitanie-qp-2018.geojson" --append
    $T relate $O --overlap --child qpv --parent commune
    $T import $O variables "$LAYERS/variables.csv"
    $T import $O indicators "$D/indicateurs-communes.csv" --level commune \
        --key insee_com --cog-from 2018 --passage "$D/passage-2018-2026.csv" \
        --partial-merges
    for to in epci scot zone departement; do
        $T aggregate $O --from commune --to $to
    done
    for place in cambresis:contrat somme-pacte:contrats; do
        $T import $O contracts "$EX/fictif-${place%%:*}-${place#*:}.csv"
    done
    for place in cambresis somme-pacte; do
        $T import $O projects "$EX/fictif-$place-projets.csv"
    done
    $T import $O gup-sites "$EX/fictif-calais-gup-sites.csv"
    $T import $O gup-actions "$EX/fictif-calais-gup-actions.csv"
    $T import $O gup-reports "$EX/fictif-calais-gup-signalements.csv"
    # A boundary reload after aggregation (recomputes its aggregates).
    $T load $O "$LAYERS/departements.layer" --replace
} >log.txt 2>&1 || { cat log.txt >&2; fail "building the store"; }
# An aggregate whose recomputation failed: stale, as aggregate_stale.sh.
sqlite3 $O "UPDATE aggregate_run SET stale = 1 WHERE to_level = 'zone'"

# The store's own tables: all but SpatiaLite's (those of an empty
# SpatiaLite database) and the R*Tree's.
sqlite3 spatialite.sqlite ".load mod_spatialite" \
    "SELECT InitSpatialMetadata(1, 'NONE'), InsertEpsgSrid(2154)" >/dev/null
sqlite3 spatialite.sqlite "SELECT name FROM sqlite_master WHERE type = 'table'" |
    sort >spatialite.txt
sqlite3 $O "SELECT name FROM sqlite_master WHERE type = 'table'
    AND name NOT LIKE 'idx_%' AND name NOT LIKE 'sqlite_%'" | sort |
    comm -23 - spatialite.txt >tables.txt
assert_eq "$(wc -l <tables.txt)" 19 "tables of the schema"
# Every table holds rows, so that one left out would show.
while read -r t; do
    [ "$(sqlite3 $O "SELECT count(*) FROM \"$t\"")" -gt 0 ] ||
        fail "table $t of the test store is empty"
done <tables.txt
[ "$(sqlite3 $O "SELECT count(*) FROM aggregate_run WHERE stale = 1")" -gt 0 ] ||
    fail "no stale aggregate in the test store"
[ "$(sqlite3 $O "SELECT count(*) FROM meta WHERE key LIKE 'attribution:%'")" -gt 0 ] ||
    fail "no attribution in the test store"
[ "$(sqlite3 $O "SELECT count(DISTINCT year) FROM observation")" -gt 1 ] ||
    fail "the test store has one year"

# dump STORE: every table's rows (.dump's SQL: reals in full, blobs in hex,
# NULL apart from ''), sorted; the schema version and the level views.
dump() {
    while read -r t; do
        echo "== $t $(sqlite3 "$1" "SELECT group_concat(name) FROM pragma_table_info('$t')")"
        sqlite3 "$1" ".dump $t" | grep '^INSERT' | sort
    done <tables.txt
    sqlite3 "$1" "PRAGMA user_version; PRAGMA application_id"
    sqlite3 "$1" "SELECT name, sql FROM sqlite_master WHERE type = 'view'
        ORDER BY name"
    sqlite3 "$1" "SELECT * FROM views_geometry_columns ORDER BY 1"
    sqlite3 "$1" "SELECT * FROM geometry_columns ORDER BY 1"
}
dump $O >before.txt

DST=$(new_store copy)
$T copy $O "$DST" 2>log.txt || { cat log.txt >&2; fail "copy to $DST"; }
assert_contains log.txt "copied obs.sqlite to .*: 19 tables, [0-9]+ rows \(1[0-9]{3} territories, [0-9]+ observations\), EPSG:2154"
$T copy "$DST" back.sqlite 2>log.txt || { cat log.txt >&2; fail "copy back"; }
dump back.sqlite >after.txt
cmp before.txt after.txt || {
    diff before.txt after.txt | head -20 >&2
    fail "the round trip changed the store"
}

# On the way, the same rows and geometries in the destination's engine.
# (meta: less PostgreSQL's own application_id and schema_version.)
for t in $(cat tables.txt); do
    where=
    [ "$t" = meta ] && where="WHERE key NOT IN ('application_id', 'schema_version')"
    assert_eq "$(sql "$DST" "SELECT count(*) FROM $t $where")" \
        "$(sqlite3 $O "SELECT count(*) FROM $t")" "rows of $t in $DST"
done
wkb="lower(hex(AsBinary(geom)))"
case $DST in PG:*) wkb="encode(ST_AsBinary(geom), 'hex')" ;; esac
sql "$DST" "SELECT id, $wkb FROM territory ORDER BY id" >geom-dst.txt
sql $O "SELECT id, lower(hex(AsBinary(geom))) FROM territory ORDER BY id" \
    >geom-src.txt
cmp geom-src.txt geom-dst.txt || fail "geometries differ in $DST"
case $DST in
PG:*)
    assert_eq "$(sql "$DST" "SELECT DISTINCT ST_SRID(geom) FROM territory
        WHERE geom IS NOT NULL")" \
        2154 "SRID of the PostGIS geometries"
    # QGIS lists one layer per level; new rows get new ids.
    assert_eq "$(sql "$DST" "SELECT count(*) FROM geometry_columns
        WHERE f_table_schema = current_schema() AND f_table_name IN
        (SELECT name FROM level)")" \
        "$(sqlite3 $O "SELECT count(*) FROM level")" "level views in PostGIS"
    # A level's values of a variable and year are read from indexes
    # alone: they cover them, and the copy leaves the heap all-visible
    # (vacuumed: unless another session's older snapshot still runs, as in
    # a parallel test run).
    assert_eq "$(sql "$DST" "SELECT count(*) FROM pg_indexes WHERE schemaname
        = current_schema() AND ((indexname = 'observation_variable' AND
        indexdef LIKE '%(variable, year) INCLUDE (territory, value, %') OR
        (indexname = 'territory_level' AND
        indexdef LIKE '%(level, vintage) INCLUDE (id, area_m2)'))")" \
        2 "the covering indexes of observations and territories"
    assert_eq "$(sql "$DST" "SELECT count(*) FROM pg_stat_user_tables WHERE
        relid = 'observation'::regclass AND last_vacuum IS NOT NULL")" 1 \
        "observation vacuumed by the copy"
    ;;
esac
$T info "$DST" | sed -e 1,3d -e '/^extent/d' >info-dst.txt
$T info $O | sed -e 1,3d -e '/^extent/d' >info-src.txt
cmp info-src.txt info-dst.txt || fail "info differs on the copy"
# The copy is a store to work on: imports add rows with new ids.
sed 's/^CT59-CAMBRESIS;/CT59-CAMBRESIS-2;/' "$EX/fictif-cambresis-contrat.csv" \
    >contrat-2.csv
$T -q import "$DST" contracts contrat-2.csv
assert_eq "$(sql "$DST" "SELECT count(*) FROM contract")" \
    "$(($(sqlite3 $O "SELECT count(*) FROM contract") + 1))" "contracts after an import"

# A fresh store is empty: copied into without --force.
E=$(new_store empty)
$T -q init "$E" --srid 5490
$T -q copy $O "$E"
assert_eq "$(sql "$E" "SELECT value FROM meta WHERE key = 'srid'")" 2154 \
    "the copy's CRS is the source's"

# Refusals; the destination is as it was.
store_dump "$DST" >dst-before.sql
run_fails 2 "the store is not empty \([0-9]+ territories, [0-9]+ variables, [0-9]+ loads and imports\); use --force" \
    $T copy $O "$DST"
store_dump "$DST" | cmp -s - dst-before.sql || fail "a refused copy changed $DST"
# A copy that fails half-way (a column this terrobs does not know would be
# lost) leaves the destination as it was, and no file behind.
cp $O odd.sqlite
sqlite3 odd.sqlite "ALTER TABLE project ADD COLUMN colour TEXT"
run_fails 3 "column project.colour of odd.sqlite is not in this terrobs's schema" \
    $T copy odd.sqlite "$DST" --force
store_dump "$DST" | cmp -s - dst-before.sql || fail "a failed copy changed $DST"
cp back.sqlite keep.sqlite
run_fails 3 "column project.colour" $T copy odd.sqlite back.sqlite --force
cmp back.sqlite keep.sqlite || fail "a failed copy changed back.sqlite"
# A source edited with its foreign keys off (sqlite3, an editor that
# leaves them off): the copy names the first row whose key finds nothing,
# how many there are and what to do; the destination is as it was.
cp $O orphans.sqlite
epci=$(sqlite3 orphans.sqlite "SELECT id FROM territory WHERE level = 'epci'
    AND code = '200068500'")
n=$(sqlite3 orphans.sqlite "SELECT count(*) FROM membership WHERE parent = $epci")
[ "$n" -gt 1 ] || fail "the CA de Cambrai has no members in the test store"
sqlite3 orphans.sqlite "PRAGMA foreign_keys = OFF;
    DELETE FROM observation WHERE territory = $epci;
    DELETE FROM expected_members WHERE parent = $epci;
    DELETE FROM membership WHERE child = $epci;
    DELETE FROM territory WHERE id = $epci"
run_fails 3 "orphans.sqlite: membership.parent: $n rows of the store refer to rows it lacks .*the first is the row of membership \(child = [0-9]+, parent = $epci, kind = member, .*\) whose parent is in no row of territory\. Fix or delete them \(sqlite3 'orphans.sqlite' 'PRAGMA foreign_key_check' lists them\), then copy again; the destination is as it was" \
    $T copy orphans.sqlite "$DST" --force
store_dump "$DST" | cmp -s - dst-before.sql || fail "a copy of orphans changed $DST"
run_fails 3 "$n rows of the store refer to rows it lacks" \
    $T copy orphans.sqlite back.sqlite --force
cmp back.sqlite keep.sqlite || fail "a copy of orphans changed back.sqlite"
ls | grep -q 'tmp' && fail "temporary files left behind: $(ls | grep tmp)"
# --force replaces a store with data.
$T -q copy back.sqlite "$DST" --force
assert_eq "$(sql "$DST" "SELECT count(*) FROM contract")" \
    "$(sqlite3 $O "SELECT count(*) FROM contract")" "contracts after --force"
# What is not a terrobs store is never replaced, even with --force.
echo "not a store" >notes.txt
run_fails 3 "notes.txt: not a terrobs store.*copy replaces nothing but a terrobs store" \
    $T copy $O notes.txt --force
assert_eq "$(cat notes.txt)" "not a store" "a foreign file"
run_fails 1 "'obs.sqlite' and './obs.sqlite' are the same store" \
    $T copy $O ./obs.sqlite --force
run_fails 2 "nowhere.sqlite: no such store" $T copy nowhere.sqlite x.sqlite
[ ! -e x.sqlite ] || fail "a failed copy made x.sqlite"
run_fails 3 "cannot connect" $T copy $O "PG:host=$TOB_TMP/no-server dbname=obs"
run_fails 1 "expected SRC and DST" $T copy $O
case $DST in
PG:*)
    # A schema that is not a terrobs store.
    F=$(new_store foreign)
    schema=$(pg_schema "$F")
    psql -X -q "$(pg_conninfo "$F")" -c "CREATE SCHEMA $schema;
        CREATE TABLE $schema.t (x integer); INSERT INTO $schema.t VALUES (1)"
    run_fails 3 "schema '$schema' is not a terrobs store.*copy replaces nothing but a terrobs store" \
        $T copy $O "$F" --force
    assert_eq "$(psql -X -A -t -q "$(pg_conninfo "$F")" -c "SELECT x FROM $schema.t")" \
        1 "the foreign schema's rows"
    # --schema names the schema of a name that does not say one.
    $T -q copy --schema "${schema}_2" $O "PG:$(pg_conninfo "$F")"
    assert_eq "$(sql "PG:$(pg_conninfo "$F") active_schema=${schema}_2" \
        "SELECT count(*) FROM territory")" \
        "$(sqlite3 $O "SELECT count(*) FROM territory")" "copy --schema"
    psql -X -q "$(pg_conninfo "$F")" -c "DROP SCHEMA ${schema}_2 CASCADE" \
        >/dev/null 2>&1
    ;;
esac
echo "copy.sh: ok"
