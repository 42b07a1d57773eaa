# load_bulk.sh - the bulk write of `load` (COPY on PostgreSQL, a prepared
# insert on SpatiaLite): a bad feature in the middle of the Nord, after
# hundreds of rows have gone to the server, stops the load with a message
# naming the file, the feature and the field, and leaves the store as it
# was, for a new level (COPY into the table) and for --replace (COPY into a
# temporary table, then one upsert).
. "$(dirname "$0")/lib.sh"

OBS=$(new_store obs)
NORD="$LAYERS/data/communes-59-nord.geojson"
$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/communes-somme.layer"

# Feature 500 of 647 (Lille is 350) gets an empty name.
awk 'NR == 501 { sub(/"nom":"[^"]*"/, "\"nom\":\"\"") } { print }' "$NORD" \
    >nord-bad.geojson
grep -c '"nom":""' nord-bad.geojson | grep -qx 1 || fail "no bad feature made"
code=$(sed -n 501p nord-bad.geojson | sed 's/.*"code":"\([0-9AB]*\)".*/\1/')

# bad_load STORE OPTION...: loading nord-bad.geojson fails naming its file,
# field and feature, and leaves STORE as it was.
bad_load() {
    store=$1
    shift
    store_dump "$store" >before.sql
    run_fails 2 "nord-bad.geojson: nom: feature 500 \(code $code\): empty name" \
        $T load "$store" --level commune --vintage 2026 --code code \
        --name nom --src nord-bad.geojson "$@"
    store_dump "$store" >after.sql
    cmp -s before.sql after.sql || fail "a failed bulk load changed $store $*"
}

# Into an empty table (the GiST index dropped for the rows, made again
# after them): a failure restores it with the rest.
OBS2=$(new_store obs2)
$T -q init "$OBS2"
bad_load "$OBS2"

# The spatial index is whole after a bulk load into an empty table.
case $OBS in
PG:*) index_sql="SELECT count(*) FROM pg_indexes WHERE schemaname ="
    index_sql="$index_sql current_schema() AND indexname = 'territory_geom'"
    want=1 ;;
*) index_sql="SELECT count(*) FROM idx_territory_geom" want=$(sql "$OBS" \
    "SELECT count(*) FROM territory") ;;
esac
assert_eq "$(sql "$OBS" "$index_sql")" "$want" "the spatial index after the bulk load"

bad_load "$OBS" --append

# The same file whole loads; the bad one with --replace then fails too and
# the 647 Nord communes stay as they were.
sed 's/"nom":""/"nom":"Nom rétabli"/' nord-bad.geojson >nord-good.geojson
$T -q load "$OBS" --level commune --vintage 2026 --code code --name nom \
    --src nord-good.geojson --append
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE code LIKE '59%'")" \
    647 "Nord communes after the bulk load"
assert_eq "$(sql "$OBS" "SELECT name FROM territory WHERE code = '$code'")" \
    "Nom rétabli" "the name of feature 500"
bad_load "$OBS" --replace

# --replace with good rows goes through the upsert: names updated, the
# Somme (other codes of the level) removed, as on SpatiaLite.
sed 's/"nom":"Lille"/"nom":"Lille (Nord)"/' nord-good.geojson >nord-lille.geojson
$T -q load "$OBS" --level commune --vintage 2026 --code code --name nom \
    --src nord-lille.geojson --replace
assert_eq "$(sql "$OBS" "SELECT name FROM territory WHERE code = '59350'")" \
    "Lille (Nord)" "Lille renamed by --replace"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'commune'")" \
    647 "communes after --replace"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'commune' AND ST_IsValid(geom) AND ST_SRID(geom) = 2154")" \
    647 "valid geometries in the store SRID"
echo "load_bulk.sh: ok"
