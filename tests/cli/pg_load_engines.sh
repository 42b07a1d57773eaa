# pg_load_engines.sh - a PostGIS store loaded through COPY in binary format
# (src/store/db_copy.c) holds what a SpatiaLite store loaded from the same
# files holds: the same territories (level, code, name, vintage, parent
# code), the same areas, the same geometries byte for byte (WKB), and the
# same provenance counts, through every path of the bulk write: into an
# empty table (its foreign keys and indexes but the keys' dropped and made
# again after the rows), into a table with rows, --append, and --replace
# (a temporary table, then one upsert). After the loads the territory
# table has the constraints and indexes it had when made, and its foreign
# keys still refuse a bad row. Runs as cli_pg_load_engines_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_load_engines_pg"
OBS=$(new_store obs)
SCHEMA=$(pg_schema "$OBS")
CONN=$(pg_conninfo "$OBS")
REF="$TOB_TMP/ref.sqlite"
rm -f "$REF"
psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$CONN" -c "$1"; }

# keys_and_indexes: the territory table's constraints and indexes.
keys_and_indexes() {
    psql_q "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = '\"$SCHEMA\".territory'::regclass
        UNION ALL SELECT indexdef FROM pg_indexes
        WHERE schemaname = '$SCHEMA' AND tablename = 'territory' ORDER BY 1"
}

$T -q init "$REF"
$T -q init "$OBS"
keys_and_indexes >keys-before.txt
grep -q "FOREIGN KEY (level)" keys-before.txt || fail "no foreign key on territory.level"
grep -q "USING gist" keys-before.txt || fail "no GiST index on territory"

# Nord's 647 communes into the empty table; the EPCIs and départements
# into a table with rows; Nord again, renamed (the upsert of --replace);
# the Somme's 771 with --append.
sed 's/"nom":"Lille"/"nom":"Lille (Nord)"/' "$LAYERS/data/communes-59-nord.geojson" \
    >nord-lille.geojson
for store in "$OBS" "$REF"; do
    $T -q load "$store" "$LAYERS/communes-nord.layer"
    $T -q load "$store" "$LAYERS/epci.layer"
    $T -q load "$store" "$LAYERS/departements.layer"
    $T -q load "$store" --level commune --vintage 2026 --code code --name nom \
        --parent-code siren_epci --src nord-lille.geojson --replace
    $T -q load "$store" --level commune --vintage 2026 --code code --name nom \
        --parent-code siren_epci --src "$LAYERS/data/communes-80-somme.geojson" --append
done
assert_eq "$(sql "$OBS" "SELECT name FROM territory WHERE code = '59350'")" \
    "Lille (Nord)" "Lille renamed by --replace"

# territories STORE: one line a territory, in order, areas as numbers.
territories() {
    sql "$1" "SELECT level, code, name, vintage, parent_code, source_id, area_m2,
        ST_Area(geom) FROM territory ORDER BY level, code, vintage"
}
territories "$OBS" >pg.txt
territories "$REF" >sqlite.txt
n=$(wc -l <pg.txt)
[ "$n" -eq 1462 ] || fail "$n territories on PostGIS, expected 1462"
assert_eq "$n" "$(wc -l <sqlite.txt)" "territories on both engines"
# The text fields equal; area_m2 equal to 1e-9 (relative) between engines,
# and each engine's own area of the stored geometry equal to area_m2 to
# 1e-6: the geometry arrived whole.
paste -d '\n' pg.txt sqlite.txt | awk -F'|' '
    function rel(a, b) { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a
        return d / (m > 1 ? m : 1) }
    NR % 2 == 1 { split($0, p, "|"); next }
    {
        for (i = 1; i <= 6; i++) if (p[i] != $i) {
            print "field " i " differs: " p[i] " / " $i; bad++ }
        if (rel(p[7], $7) > 1e-9) { print p[2] ": area_m2 " p[7] " / " $7; bad++ }
        if (rel(p[8], p[7]) > 1e-6) { print p[2] ": PostGIS area " p[8] " / " p[7]; bad++ }
        if (rel($8, $7) > 1e-6) { print $2 ": SpatiaLite area " $8 " / " $7; bad++ }
    }
    END { exit bad > 0 }' >diff.txt || fail "territories differ: $(head -5 diff.txt)"

# The geometries byte for byte: little-endian WKB, hex in capitals.
psql_q "SELECT level || '|' || code || '|' || vintage || '|'
    || upper(encode(ST_AsBinary(geom, 'NDR'), 'hex'))
    FROM \"$SCHEMA\".territory ORDER BY level, code, vintage" >pg-wkb.txt
printf '%s\n' ".load mod_spatialite" "SELECT level || '|' || code || '|' ||
    vintage || '|' || hex(AsBinary(geom)) FROM territory
    ORDER BY level, code, vintage;" | sqlite3 -batch -noheader "$REF" >sqlite-wkb.txt
assert_eq "$(wc -l <pg-wkb.txt)" "$n" "geometries on PostGIS"
cmp -s pg-wkb.txt sqlite-wkb.txt ||
    fail "geometries differ between engines: $(diff pg-wkb.txt sqlite-wkb.txt | cut -c1-120 | head -3)"

# Provenance: each load's feature count and details.
provenance() {
    sql "$1" "SELECT kind, level, vintage, n_items, details FROM source ORDER BY id"
}
provenance "$OBS" >pg-src.txt
provenance "$REF" >sqlite-src.txt
cmp -s pg-src.txt sqlite-src.txt ||
    fail "provenance differs: $(diff pg-src.txt sqlite-src.txt | head -4)"

# The keys and indexes made again, and at work.
keys_and_indexes >keys-after.txt
cmp -s keys-before.txt keys-after.txt ||
    fail "territory's keys or indexes changed: $(diff keys-before.txt keys-after.txt | head -4)"
if psql_q "INSERT INTO \"$SCHEMA\".territory (level, code, name, vintage)
    VALUES ('nowhere', '00000', 'Nulle part', 2026)" >fk.txt 2>&1; then
    fail "a territory of no level was taken"
fi
assert_contains fk.txt "foreign key"
echo "pg_load_engines: $n territories, the same on both engines"
