#!/bin/sh
# demo.sh - install, build, and run the whole pipeline on the bundled sample:
# a store with the Nord, the Somme and Martinique, then maps, carnets and an
# atlas in demo-out/.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
T="$PWD/build/terrobs"
OUT="$PWD/demo-out"
rm -rf "$OUT"
mkdir -p "$OUT"
OBS="$OUT/observatoire.sqlite"

echo "== store and boundaries"
$T init "$OBS"
$T load "$OBS" layers/departements.layer
$T load "$OBS" layers/epci.layer
$T load "$OBS" layers/communes-nord.layer
for layer in communes-somme communes-calais communes-var; do
    $T load "$OBS" "layers/$layer.layer" --append
done
$T info "$OBS"

echo "== contracts, projects and GUP (fictitious examples, layers/examples)"
EX=layers/examples
# The SCoT du Cambrésis as the dissolve of its EPCIs (layers/scot-nord.csv).
members=$(awk -F, '$2 == "S59-CA" { printf "%s'\''%s'\''", s, $5; s = "," }' \
    layers/scot-nord.csv)
ogr2ogr -f GeoJSON "$OUT/scot-cambresis.geojson" "$OBS" -dialect sqlite -sql \
    "SELECT 'S59-CA' AS code, 'SCoT du Cambrésis' AS nom,
            ST_Union(geom) AS geom FROM epci WHERE code IN ($members)"
$T load "$OBS" --level scot --vintage 2026 --src "$OUT/scot-cambresis.geojson" \
    --code code --name nom
# QPV of Calais and La Seyne: real codes, their commune's polygon as a
# stand-in (no open QPV contours exist for these départements).
python3 tools/qpv-standin.py layers/data/qpv2024-communes.csv \
    layers/data/communes-62-calais.geojson \
    layers/data/communes-83-toulon-provence-mediterranee.geojson \
    -- 62193 83126 >"$OUT/qpv-standin.geojson"
$T load "$OBS" --level qpv --vintage 2024 --src "$OUT/qpv-standin.geojson" \
    --code code --name nom
for place in cambresis:contrat somme-pacte:contrats la-seyne:contrat; do
    $T import "$OBS" contracts "$EX/fictif-${place%%:*}-${place#*:}.csv"
done
for place in cambresis somme-pacte la-seyne; do
    $T import "$OBS" projects "$EX/fictif-$place-projets.csv"
done
for place in calais la-seyne; do
    $T import "$OBS" gup-sites "$EX/fictif-$place-gup-sites.csv"
    $T import "$OBS" gup-actions "$EX/fictif-$place-gup-actions.csv"
    $T import "$OBS" gup-reports "$EX/fictif-$place-gup-signalements.csv"
done
$T report "$OBS" contracts --level scot --code S59-CA --date 31/12/2015 \
    | tee "$OUT/suivi-contrat-cambresis.txt" | sed -n 1,14p
$T report "$OBS" contracts --level scot --code S59-CA --date 31/12/2015 \
    -o "$OUT/suivi-contrat-cambresis.ods"
$T report "$OBS" gup --site CAL-BEAU-MARAIS --date 31/12/2025 \
    | tee "$OUT/gup-calais-beau-marais.txt" | sed -n 1,16p
$T report "$OBS" gup --site CAL-BEAU-MARAIS --date 31/12/2025 \
    -o "$OUT/gup-calais-beau-marais.csv"
$T report "$OBS" projects --level epci >"$OUT/projets-par-epci.txt"
$T template projects -o "$OUT/modele-projets.ods"
# Martinique has its own store (EPSG:5490): the CACEM's contrat de ville.
MQ="$OUT/martinique.sqlite"
$T init --srid 5490 "$MQ"
$T load "$MQ" layers/communes-martinique.layer
$T load "$MQ" layers/epci.layer \
    --where "siren_epci IN ('249720061', '249720053', '200041788')"
$T import "$MQ" contracts "$EX/fictif-cacem-contrat.csv"
$T import "$MQ" projects "$EX/fictif-cacem-projets.csv"
$T report "$MQ" contracts --level epci --code 249720061 \
    >"$OUT/suivi-contrat-cacem.txt"
echo "== exports for partners and a QGIS project"
mkdir -p "$OUT/export"
$T export "$OBS" --level commune -o "$OUT/export/communes.gpkg"
$T export "$OBS" --level commune -o "$OUT/export/communes.csv"
$T export "$OBS" --level epci -o "$OUT/export/epci.ods"
$T export "$MQ" --level commune -o "$OUT/export/communes-martinique.xlsx"
$T qgis "$OBS" -o "$OUT/observatoire.qgs" --styles styles
$T qgis "$MQ" -o "$OUT/martinique.qgs" --styles styles
echo "demo written to $OUT"
