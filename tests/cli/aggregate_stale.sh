#!/bin/sh
# aggregate_stale.sh - a stored aggregate follows its inputs: re-importing
# changed commune values, reloading the communes (--replace) or a new
# membership recomputes the EPCI's stored figure in the same command, and
# one whose inputs changed without a recomputation is never shown as
# current (carnet, export, info compute it again and say so). Real data:
# the 14 communes of the CA Grand Calais Terres et Mers (layers/).
. "$(dirname "$0")/lib.sh"

EPCI=200090751
S=$(new_store obs)
$T init "$S" >/dev/null 2>&1
$T -q load "$S" "$LAYERS/epci.layer"
$T -q load "$S" "$LAYERS/communes-calais.layer"
$T -q relate "$S" --child commune --parent epci
$T -q import "$S" variables "$LAYERS/variables.csv"
{ head -1 "$LAYERS/data/indicateurs-communes.csv"
  grep '^62' "$LAYERS/data/indicateurs-communes.csv"; } >calais.csv
$T -q import "$S" indicators calais.csv --level commune --key insee_com --year 2021
$T -q aggregate "$S" --from commune --to epci 2>/dev/null

stored() {
    sql "$S" "SELECT CAST(o.value AS INTEGER) FROM observation o JOIN territory t
            ON t.id = o.territory WHERE t.code = '$EPCI'
            AND o.variable = 'population_2021'"
}
# figures FILE-TAG: the EPCI's population_2021 in info, export and carnet.
figures() {
    $T info "$S" --level epci --code $EPCI >info-$1.txt
    $T export "$S" --level epci -o epci-$1.csv --force 2>/dev/null
    $T carnet "$S" --level epci --code $EPCI -o carnet-$1.pdf 2>/dev/null
    pdftotext -layout carnet-$1.pdf carnet-$1.txt
}
assert_eq "$(stored)" 98828 "stored EPCI population (sum of the 14 communes)"
figures before
assert_contains info-before.txt 'population_2021 +2021 +98.+828 habitants +aggregated from commune, stored'
assert_contains epci-before.csv "^$EPCI;.*;98828;"
assert_contains carnet-before.txt '98.+828 habitants'

# 1. Calais (62193) gains 1,000 inhabitants: the import recomputes the
# EPCI's stored value in its own transaction.
sed 's/^62193,Calais,33.5,67380,/62193,Calais,33.5,68380,/' calais.csv >calais2.csv
cmp -s calais.csv calais2.csv && fail "the changed file is the same"
$T import "$S" indicators calais2.csv --level commune --key insee_com --year 2021 \
    2>import.txt
assert_contains import.txt 'stored aggregates recomputed: commune -> epci'
assert_eq "$(stored)" 99828 "stored EPCI population after the re-import"
figures after
assert_contains info-after.txt 'population_2021 +2021 +99.+828 habitants +aggregated from commune, stored'
assert_contains epci-after.csv "^$EPCI;.*;99828;"
assert_contains carnet-after.txt '99.+828 habitants'
grep -Eq '98.+828' carnet-after.txt && fail "the carnet still shows the old sum"
$T info "$S" >store.txt
assert_contains store.txt 'commune -> epci: [0-9]+ values, computed .*up to date with its inputs'

V1=$(new_store v1)
store_copy "$S" "$V1" # for part 4

# 2. A stored value whose inputs changed without a recomputation (as a
# failed refresh after a load leaves it): never read as current.
sql "$S" "UPDATE aggregate_run SET stale = 1;
        UPDATE observation SET value = 1 WHERE variable = 'population_2021'
        AND territory = (SELECT id FROM territory WHERE code = '$EPCI')"
figures stale
assert_contains info-stale.txt 'population_2021 +2021 +99.+828 habitants +aggregated from members \(the stored value is stale'
assert_contains epci-stale.csv "^$EPCI;.*;99828;"
assert_contains carnet-stale.txt '99.+828 habitants'
$T info "$S" >store-stale.txt
assert_contains store-stale.txt 'commune -> epci: .*STALE'

# 3. load --replace without Sangatte (62774): the EPCI loses a member; the
# load recomputes its stale aggregates (the population is no longer a
# sum of every member: no value rather than a short one).
ogr2ogr -f GeoJSON -where "code <> '62774'" calais-13.geojson \
    "$LAYERS/data/communes-62-calais.geojson"
sed "s|^src *=.*|src = $TOB_TMP/calais-13.geojson|" "$LAYERS/communes-calais.layer" \
    >calais-13.layer
$T load "$S" calais-13.layer --replace 2>load.txt
assert_contains load.txt 'stored aggregates recomputed: commune -> epci'
sql "$S" "SELECT count(*) FROM aggregate_run WHERE stale <> 0" >n_stale.txt
assert_eq "$(cat n_stale.txt)" 0 "stale aggregates after the load"
# 13 of 14 communes do not cover the EPCI: its sum is removed, not short.
assert_eq "$(stored)" "" "stored EPCI population with 13 of its 14 communes"
$T export "$S" --level epci -o epci-13.csv --force 2>/dev/null
grep -q "^$EPCI;.*;9[0-9]\{4\};" epci-13.csv && fail "a short sum exported"

# 4. A store written before aggregates were recorded (schema 1) is read
# as it is, and upgraded when opened for writing: its aggregates, of
# unknown inputs, are stale until recomputed.
if sqlite_only "no PostGIS store was written at schema 1"; then
    sql "$V1" "DROP TABLE aggregate_run; PRAGMA user_version = 1"
    $T info "$V1" >v1-info.txt
    assert_contains v1-info.txt 'schema: +version 1'
    $T -q import "$V1" variables "$LAYERS/variables.csv"
    assert_eq "$(sql "$V1" "PRAGMA user_version")" 3 "upgraded schema version"
    assert_eq "$(sql "$V1" 'SELECT count(*) FROM aggregate_run WHERE stale = 0')" 1 \
        "v1 aggregates recorded and recomputed at the first write"
fi
# 5. A value imported for the EPCI itself wins over the sum, and says so;
# the other values of the run are written (one statement for many). On a
# fresh store like the first.
S=$(new_store own)
$T init "$S" >/dev/null 2>&1
$T -q load "$S" "$LAYERS/epci.layer"
$T -q load "$S" "$LAYERS/communes-calais.layer"
$T -q relate "$S" --child commune --parent epci
$T -q import "$S" variables "$LAYERS/variables.csv"
$T -q import "$S" indicators calais.csv --level commune --key insee_com --year 2021
printf 'siren,population_2021\n%s,12345\n' $EPCI >epci-own.csv
$T -q import "$S" indicators epci-own.csv --level epci --key siren --year 2021
$T aggregate "$S" --from commune --to epci 2>agg-own.txt
assert_eq "$(stored)" 12345 "imported EPCI population after aggregate"
assert_contains agg-own.txt "imported values kept: 1: $EPCI population_2021 2021"
# 8 variables, one year: 7 written (densite and taux_chomage as ratios).
assert_contains agg-own.txt "aggregated commune -> epci \(2026\): 7 values of 8 variables"
assert_eq "$(sql "$S" "SELECT count(*) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '$EPCI'
    AND o.source_id IN (SELECT id FROM source WHERE kind = 'aggregate')")" 7 \
    "the EPCI's aggregated values"
echo "aggregate_stale: ok"
