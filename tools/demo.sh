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

echo "== relations, zones, QPV list, indicators, aggregation"
$T relate "$OBS" --child commune --parent epci
$T relate "$OBS" --child commune --parent departement --spatial
# Zones from EPCI lists (rebuilds the Cambrésis loaded above, same id).
$T zone "$OBS" layers/scot-nord.csv
$T zone "$OBS" layers/zones-somme-pacte.csv
# The whole 2024 QPV list, without polygons, related to its communes
# (--replace: the Calais and La Seyne stand-ins above keep their ids).
$T import "$OBS" territories layers/data/qpv2024-communes.csv --level qpv \
    --code code_qp --name lib_qp --vintage 2024 --replace \
    --parent-level commune --parent-key insee_com
$T import "$OBS" variables layers/variables.csv
# Insee comparateur, COG 2024 codes: Bermeries and Yaucourt-Bussus merged
# since; the 2018 -> 2026 passage table sums them into their communes.
$T import "$OBS" indicators layers/data/indicateurs-communes.csv \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage layers/data/passage-2018-2026.csv --partial-merges
for to in epci scot zone departement; do
    $T aggregate "$OBS" --from commune --to "$to"
done
$T info "$OBS" --level scot --code S59-LM --share population_2021 \
    >"$OUT/scot-lille-metropole.txt"
$T import "$MQ" variables layers/variables.csv
$T import "$MQ" indicators layers/data/indicateurs-communes.csv \
    --level commune --key insee_com --year 2021
$T relate "$MQ" --child commune --parent epci
$T aggregate "$MQ" --from commune --to epci
# QPV 2015 contours of Occitanie (32 invalid, repaired) over their
# communes: overlaps with area shares, QPV populations to communes.
OC="$OUT/occitanie-qpv.sqlite"
$T init "$OC"
$T load "$OC" --level qpv --vintage 2015 --src tests/data/qp.geojson \
    --code code_qp --name nom_qp
$T load "$OC" --level commune --vintage 2018 --code code --name nom \
    --src tests/data/communes-occitanie-qp-2018.geojson
$T relate "$OC" --overlap --child qpv --parent commune
printf 'name,label,unit,aggregate\npop_mun,Population municipale 2015,habitants,sum\n' \
    >"$OUT/variables-qp.csv"
$T import "$OC" variables "$OUT/variables-qp.csv"
$T import "$OC" indicators tests/data/qp.csv --level qpv --key code_qp \
    --year 2015 --columns pop_mun
$T aggregate "$OC" --from qpv --to commune --overlap

echo "== thematic maps (styles/)"
M="$OUT/maps"
mkdir -p "$M"
$T map "$OBS" styles/nord-densite.style -o "$M/nord-densite.png"
$T map "$OBS" styles/nord-densite.style -o "$M/nord-densite.pdf"
$T map "$OBS" styles/nord-densite.style -o "$M/nord-densite.svg"
$T map "$OBS" styles/nord-population-epci.style -o "$M/nord-population-epci.png"
$T map "$OBS" styles/nord-population-epci.style \
    -o "$M/nord-population-epci.pdf"
$T map "$OBS" styles/somme-epci-nature.style -o "$M/somme-epci-nature.png"
$T map "$OBS" styles/projets-somme-pacte.style -o "$M/projets-somme-pacte.png"
# The style reads mapsf's 2015 CHOM/ACT; the demo store has the 2021 rate.
$T map "$MQ" styles/martinique-chomage.style -o "$M/martinique-chomage.png" \
    --set data.expression= --set data.variable=taux_chomage \
    --set data.year=2021 --set "map.source=Insee, recensement 2021"
$T map "$MQ" styles/martinique-chomage.style -o "$M/martinique-chomage.svg" \
    --set data.expression= --set data.variable=taux_chomage \
    --set data.year=2021 --set "map.source=Insee, recensement 2021"

echo "== carnets de territoire and the atlas of the EPCIs"
# The edition date is fixed so that two demos give the same carnets.
DATE=23/11/2026
$T carnet "$OBS" --level epci --code 200068500 --date "$DATE" \
    -o "$OUT/carnet-ca-de-cambrai.pdf"
$T carnet "$OBS" --level scot --code S59-CA --date "$DATE" \
    -o "$OUT/carnet-scot-cambresis.pdf"
$T carnet "$OBS" --level zone --code Z80-PM --date "$DATE" \
    -o "$OUT/carnet-picardie-maritime.pdf"
# Martinique's département, for the CACEM's locator map and references.
$T load "$MQ" layers/departements.layer --where "code = '972'"
$T carnet "$MQ" --level epci --code 249720061 --date "$DATE" \
    -o "$OUT/carnet-cacem.pdf"
$T atlas "$OBS" --level epci --date "$DATE" -o "$OUT/atlas"
echo "atlas: open $OUT/atlas/index.html"

echo "== exports for partners and a QGIS project"
mkdir -p "$OUT/export"
$T export "$OBS" --level commune -o "$OUT/export/communes.gpkg"
$T export "$OBS" --level commune -o "$OUT/export/communes.csv"
$T export "$OBS" --level epci -o "$OUT/export/epci.ods"
$T export "$MQ" --level commune -o "$OUT/export/communes-martinique.xlsx"
$T qgis "$OBS" -o "$OUT/observatoire.qgs" --styles styles
$T qgis "$MQ" -o "$OUT/martinique.qgs" --styles styles
echo "demo written to $OUT"
