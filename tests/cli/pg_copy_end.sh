# pg_copy_end.sh - a refusal the server makes only when a bulk write ends
# (src/store/db_copy.c, db_copy_end) names the file and the feature, and
# leaves the store as it was. On a shared observatory a writer that does
# not take the store's lock (a QGIS user editing the territory table, a
# psql session) may add a commune while `load --append` runs: the load
# checked its codes against the store's before that commune was there, so
# only the server, when it receives the rows, finds the duplicate (it waits
# for the other transaction, then refuses the row). The load must stop
# naming the Somme file and the feature, never overwrite the other
# session's commune, and leave everything else as it was; the same load
# runs once the duplicate is gone. The same for a foreign key, which the
# server checks only at the COPY's end and names no line (below). Runs as
# cli_pg_copy_end_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_copy_end_pg"
OBS=$(new_store obs)
SCHEMA=$(pg_schema "$OBS")
CONN=$(pg_conninfo "$OBS")
$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/communes-nord.layer"
store_dump "$OBS" >before.sql
SOMME="$LAYERS/data/communes-80-somme.geojson"

# sessions STATE APP: how many sessions of application APP are in STATE
# ("idle in transaction", or "Lock" for those waiting on a lock).
sessions() {
    psql -X -At "$CONN" -c "SELECT count(*) FROM pg_stat_activity
        WHERE application_name = '$2'
        AND (state = '$1' OR wait_event_type = '$1')"
}
wait_for() { # wait_for STATE APP WHAT
    i=0
    while [ "$(sessions "$1" "$2")" != 1 ]; do
        i=$((i + 1))
        [ "$i" -lt 300 ] || fail "$3"
        sleep 0.1
    done
}

# refused_after_editor WHAT LABEL: once the load ($load) waits for the
# editor's lock (WHAT), the editor ($editor, on fd 3) commits; the load
# must then fail with exit 3.
refused_after_editor() {
    wait_for Lock tob_test_load "the load does not wait for $1"
    printf 'COMMIT;\n' >&3
    exec 3>&-
    wait "$editor" || { cat editor.txt >&2; fail "the editor's session failed"; }
    set +e
    wait "$load"
    got=$?
    set -e
    [ "$got" -eq 3 ] || { cat load.txt >&2; fail "$2: exit $got, expected 3"; }
}

# The other session adds Billancourt (80105, the Somme file's feature
# 100) and holds its transaction open, as an editor before saving.
mkfifo editor.fifo
PGAPPNAME=tob_test_editor psql -X -q -v ON_ERROR_STOP=1 "$CONN" \
    <editor.fifo >editor.txt 2>&1 &
editor=$!
exec 3>editor.fifo
printf '%s\n' "BEGIN;" "INSERT INTO \"$SCHEMA\".territory (level, code, name,
    vintage) VALUES ('commune', '80105', 'Billancourt (saisie QGIS)', 2026);" >&3
wait_for "idle in transaction" tob_test_editor "the editor's insert did not run"

PGAPPNAME=tob_test_load $T -q load "$OBS" "$LAYERS/communes-somme.layer" \
    --append >load.txt 2>&1 &
load=$!
refused_after_editor "the editor's commune" "load --append"
assert_contains load.txt "communes-80-somme.geojson: feature 100: .*duplicate key.*\(commune, 80105, 2026\) already exists"

# The editor's commune is its own, nothing of the Somme is there; once it
# is gone the store is as it was, its GiST index with it.
assert_eq "$(sql "$OBS" "SELECT name || ' ' || coalesce(source_id, 0) FROM
    territory WHERE code = '80105'")" "Billancourt (saisie QGIS) 0" \
    "the other session's commune"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE code LIKE '80%'")" 1 \
    "Somme communes after the refused load"
psql -X -q -v ON_ERROR_STOP=1 "$CONN" \
    -c "DELETE FROM \"$SCHEMA\".territory WHERE code = '80105'"
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "the refused load changed the store"
}
assert_contains after.sql "CREATE INDEX territory_geom ON .*territory USING gist \(geom\)"

# The same load, the duplicate gone: all 771 communes.
$T -q load "$OBS" "$LAYERS/communes-somme.layer" --append
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE code LIKE '80%'")" 771 \
    "Somme communes"

# A refusal of the observatory's own rules (a CHECK its administrator
# added: no negative population), which the server meets only when the
# bulk write's rows move from their temporary table into observation (the
# upsert of `import indicators`), naming no line: the import names the
# commune, the variable and the year, and changes nothing.
psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "ALTER TABLE \"$SCHEMA\".observation
    ADD CONSTRAINT population_not_negative
    CHECK (variable NOT LIKE 'population%' OR value >= 0)"
sed 's/^59350,Lille,34.83,236710,/59350,Lille,34.83,-236710,/' \
    "$LAYERS/data/indicateurs-communes.csv" >indicateurs.csv
grep -q '^59350,Lille,34.83,-236710,' indicateurs.csv || fail "no Lille row to spoil"
store_dump "$OBS" >before.sql
run_fails 3 "indicateurs.csv: commune 59350, population_2021 2021: .*violates check constraint \"population_not_negative\"" \
    $T import "$OBS" indicators indicateurs.csv --level commune --key insee_com \
    --year 2021
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "the refused import changed the store"
}
# Without the bad value the same import lands.
$T -q import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 2>/dev/null
assert_eq "$(sql "$OBS" "SELECT CAST(value AS integer) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '59350'
    AND o.variable = 'population_2021'")" 236710 "Lille's population"
# A foreign key the server checks only when a plain COPY ends (it names no
# line): `load` of a new vintage into a level that another session (an
# administrator in psql, without the store's lock) removes meanwhile. The
# load checked the level before it was gone; the server, receiving the
# rows, waits for the removal, then refuses them. The load names the file,
# the field and the feature, and writes nothing.
$T -q load "$OBS" "$LAYERS/epci.layer"
REF=$(new_store ref)
REF_SCHEMA=$(pg_schema "$REF")
store_copy "$OBS" "$REF"
REMOVE_EPCI="DELETE FROM territory WHERE level = 'epci';
    DELETE FROM level WHERE name = 'epci'; DROP VIEW epci;"
PGOPTIONS="-c search_path=$REF_SCHEMA" psql -X -q -v ON_ERROR_STOP=1 "$CONN" \
    -c "$REMOVE_EPCI"
# (rows sorted: the copy's rows lie in another physical order)
store_dump "$REF" | sed "s/$REF_SCHEMA/$SCHEMA/g" | sort >expected.sql
rm -f editor.fifo
mkfifo editor.fifo
PGAPPNAME=tob_test_editor PGOPTIONS="-c search_path=$SCHEMA" \
    psql -X -q -v ON_ERROR_STOP=1 "$CONN" <editor.fifo >editor.txt 2>&1 &
editor=$!
exec 3>editor.fifo
printf '%s\n' "BEGIN;" "$REMOVE_EPCI" >&3
wait_for "idle in transaction" tob_test_editor "the level's removal did not run"
PGAPPNAME=tob_test_load $T -q load "$OBS" --level epci --vintage 2025 \
    --src "$LAYERS/data/epci-2026.geojson" --code siren_epci --name nom_epci \
    >load.txt 2>&1 &
load=$!
refused_after_editor "the level's removal" "load into a removed level"
assert_contains load.txt "epci-2026.geojson: level: feature 1: .*violates foreign key constraint \"territory_level_fkey\""
store_dump "$OBS" | sort >after.sql
cmp -s expected.sql after.sql || {
    diff expected.sql after.sql | sed -n 1,10p >&2
    fail "the refused load changed the store"
}
# Once the level is gone, the same load makes it again and lands.
$T -q load "$OBS" --level epci --vintage 2025 \
    --src "$LAYERS/data/epci-2026.geojson" --code siren_epci --name nom_epci
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'epci'")" \
    "$(ogrinfo -ro -so -al "$LAYERS/data/epci-2026.geojson" |
        sed -n 's/^Feature Count: //p')" "EPCIs of 2025"

# A foreign key of the observatory's own (its administrator requires each
# commune's EPCI to be one of a table of known SIRENs, which lacks the CC
# de l'Est de la Somme): the first commune of that EPCI in the file,
# feature 32, is named with its field, and nothing is written.
psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "SET search_path = \"$SCHEMA\";
    CREATE TABLE epci_connu (siren text PRIMARY KEY);
    INSERT INTO epci_connu SELECT DISTINCT parent_code FROM territory
        WHERE parent_code IS NOT NULL AND parent_code <> '200070985';
    ALTER TABLE territory ADD CONSTRAINT commune_epci_connu
        FOREIGN KEY (parent_code) REFERENCES epci_connu (siren) NOT VALID"
store_dump "$OBS" >before.sql
run_fails 3 "communes-80-somme.geojson: parent_code: feature 32: .*violates foreign key constraint \"commune_epci_connu\"" \
    $T load "$OBS" "$LAYERS/communes-somme.layer" --vintage 2025
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "the load refused by the observatory's foreign key changed the store"
}

# The same key on a new observatory: into an empty table the bulk write
# drops the foreign keys and makes them again after the rows, and the
# server's check of the whole table names no line either.
NEW=$(new_store new)
NEW_SCHEMA=$(pg_schema "$NEW")
$T -q init "$NEW"
psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "SET search_path = \"$NEW_SCHEMA\";
    CREATE TABLE epci_connu (siren text PRIMARY KEY);
    INSERT INTO epci_connu SELECT DISTINCT siren FROM \"$SCHEMA\".epci_connu;
    ALTER TABLE territory ADD CONSTRAINT commune_epci_connu
        FOREIGN KEY (parent_code) REFERENCES epci_connu (siren)"
store_dump "$NEW" >before.sql
run_fails 3 "communes-80-somme.geojson: parent_code: feature 32: .*violates foreign key constraint \"commune_epci_connu\"" \
    $T load "$NEW" "$LAYERS/communes-somme.layer"
store_dump "$NEW" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "the first load refused by the observatory's foreign key changed the store"
}
# Added NOT VALID (rows there before it exempt), the key still holds for
# the rows written after it.
psql -X -q -v ON_ERROR_STOP=1 "$CONN" -c "SET search_path = \"$NEW_SCHEMA\";
    ALTER TABLE territory DROP CONSTRAINT commune_epci_connu;
    ALTER TABLE territory ADD CONSTRAINT commune_epci_connu
        FOREIGN KEY (parent_code) REFERENCES epci_connu (siren) NOT VALID"
store_dump "$NEW" >before.sql
run_fails 3 "communes-80-somme.geojson: parent_code: feature 32: .*violates foreign key constraint \"commune_epci_connu\"" \
    $T load "$NEW" "$LAYERS/communes-somme.layer"
store_dump "$NEW" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "the load refused by the NOT VALID foreign key changed the store"
}
echo "pg_copy_end.sh: ok"
