# load.sh - init, load and info through the real binary on real data.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)
OBS2=$(new_store obs2)

# init: creates, refuses to overwrite, --force replaces.
$T init "$OBS"
run_fails 2 "(obs.sqlite: file|schema .*) exists; use --force" $T init "$OBS"
$T --quiet init --force "$OBS"
run_fails 1 "not a projected CRS" $T init --srid 4326 geo.sqlite
[ ! -e geo.sqlite ] || fail "a refused init left a file"
echo "not a database" >text.sqlite
run_fails 3 "not a terrobs store" $T info text.sqlite

# The Nord's 648 communes (COG 2018) through the bundled layer definition.
$T load "$OBS" "$LAYERS/communes-nord-2018.layer" 2>log.txt
assert_contains log.txt "loaded 648 commune \(vintage 2018\)"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM commune")" 648 "communes"

# The same load again is refused; the store is unchanged.
store_dump "$OBS" >before.sql
run_fails 2 "vintage 2018 already holds 648 territories: use --replace" \
    $T load "$OBS" "$LAYERS/communes-nord-2018.layer"
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "refused load changed the store"

# --replace swaps atomically and keeps the count.
$T load "$OBS" "$LAYERS/communes-nord-2018.layer" --replace 2>log.txt
assert_contains log.txt "0 removed"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM commune")" 648 "after replace"

# Errors leave the store exactly as it was.
store_dump "$OBS" >before.sql
run_fails 2 "no field 'insee'.*fields: code, nom" \
    $T load "$OBS" --level commune --vintage 2019 --code insee --name nom \
    --src "$DATA/load/martinique-4.geojson"
run_fails 2 "2 duplicate codes: 97209 \(features 1 and 3\)" \
    $T load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/duplicate-code.geojson"
run_fails 2 "cannot open as a vector source" \
    $T load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/truncated.geojson"
run_fails 2 "has no CRS: give it with --s-srs" \
    $T load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/no-crs/martinique-4.shp"
run_fails 2 "feature 2.*'9720' is not an INSEE" \
    $T load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/bad-code.geojson"
run_fails 2 "feature 1 \(code 97201\): geometry is not a polygon" \
    $T load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/points.geojson"
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a failed load changed the store"

# With --s-srs the CRS-less shapefile loads, into its own vintage.
$T -q load "$OBS" --level commune --vintage 2019 --code code --name nom \
    --src "$DATA/load/no-crs/martinique-4.shp" --s-srs EPSG:4326
assert_eq "$(sql "$OBS" "SELECT count(*) FROM commune WHERE vintage = 2019")" \
    4 "shapefile load"

# A self-intersecting polygon is repaired and counted.
$T load "$OBS" --level commune --vintage 2020 --code code --name nom \
    --src "$DATA/load/bowtie.geojson" 2>log.txt
assert_contains log.txt "1 geometries repaired"
assert_eq "$(sql "$OBS" "SELECT ST_IsValid(geom) FROM commune WHERE vintage = 2020")" \
    1 "repaired geometry is valid"

# info lists levels and provenance; ogrinfo sees every level as a layer.
$T info "$OBS" >info.txt
assert_contains info.txt "commune +Commune +vintage 2018: +648 territories"
assert_contains info.txt "sha256 [0-9a-f]{64}"
ogrinfo -ro -q "$OBS" >layers.txt
assert_contains layers.txt "commune \(Multi Polygon\)"
# The spatial index answers an extent query on the level's view (Lille).
n=$(ogrinfo -ro -spat 703000 7059000 705000 7061000 "$OBS" commune |
    grep -c "^OGRFeature" || true)
[ "$n" -ge 1 ] && [ "$n" -le 8 ] || fail "spatial filter gave $n features"
echo "load.sh: ok"

# Several départements in one level and vintage: --append adds other codes,
# and refuses codes already there.
$T init "$OBS2"
$T -q load "$OBS2" "$LAYERS/communes-nord.layer"
run_fails 2 "already holds 647 territories: use --replace .* or --append" \
    $T load "$OBS2" "$LAYERS/communes-somme.layer"
$T -q load "$OBS2" "$LAYERS/communes-somme.layer" --append
assert_eq "$(sql "$OBS2" "SELECT count(*) FROM commune")" 1418 "Nord + Somme"
store_dump "$OBS2" >before.sql
run_fails 2 "647 codes are already in level commune, vintage 2026: 59001 \(feature 1\)" \
    $T load "$OBS2" "$LAYERS/communes-nord.layer" --append
run_fails 1 "exclude each other" \
    $T load "$OBS2" "$LAYERS/communes-nord.layer" --append --replace
store_dump "$OBS2" >after.sql
cmp -s before.sql after.sql || fail "a refused append changed the store"
echo "load.sh: append ok"
