#!/bin/sh
# demo.sh - install, build, and run the whole pipeline on the bundled sample
# (layers/): an observatory of the Nord, the Somme, Calais's and Toulon's
# agglomerations and Martinique; a Martinique store in EPSG:5490 for the
# CACEM; then reports, maps, carnets, an atlas, exports, QGIS projects and
# the web observatory, all in demo-out/.
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
MQ="$OUT/martinique.sqlite"
EX=layers/examples
# The edition date of reports and carnets is fixed so that two demos give
# the same files.
DATE=23/11/2026

echo "== 1. store and boundaries (IGN Admin Express, COG 2026)"
$T init "$OBS"
$T load "$OBS" layers/departements.layer
$T load "$OBS" layers/epci.layer
$T load "$OBS" layers/communes-nord.layer
# communes-epci-hors-sample: the members in the 62, 76 and 02 of the
# sample's EPCIs, so that every EPCI (and the zones made of them) is whole.
for layer in communes-somme communes-calais communes-var \
    communes-epci-hors-sample communes-martinique; do
    $T load "$OBS" "layers/$layer.layer" --append
done

echo "== 2. relations, zones (SCoT, PACTe), the QPV 2024 list"
$T relate "$OBS" --child commune --parent epci
$T relate "$OBS" --child commune --parent departement --spatial
$T zone "$OBS" layers/scot-nord.csv
$T zone "$OBS" layers/zones-somme-pacte.csv
# The QPV 2024 list has no polygons: each QPV relates to its communes.
$T import "$OBS" territories layers/data/qpv2024-communes.csv --level qpv \
    --code code_qp --name lib_qp --vintage 2024 \
    --parent-level commune --parent-key insee_com

echo "== 3. indicators (Insee comparateur 2024) and aggregation"
$T import "$OBS" variables layers/variables.csv
# COG 2024 codes: communes merged since are summed into their 2026 commune
# through the 2018 -> 2026 passage table. Each column's year is in its
# name (population_2015) or declared (superficie_km2: 2021).
$T import "$OBS" indicators layers/data/indicateurs-communes.csv \
    --level commune --key insee_com --cog-from 2018 \
    --passage layers/data/passage-2018-2026.csv --partial-merges
for to in epci scot zone departement; do
    $T aggregate "$OBS" --from commune --to "$to"
done
$T info "$OBS"
$T info "$OBS" --level scot --code S59-LM --share population_2021 \
    >"$OUT/scot-lille-metropole.txt"

echo "== 4. contracts, projects and GUP (fictitious examples, layers/examples)"
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

echo "== 4b. La Seyne-sur-Mer's four territories (FICTITIOUS contours and values)"
# The QPV Berthe and Centre-Ville, the territoire de veille active La
# Présentation and the Mont des Oiseaux (no dispositif), drawn inside the
# commune by tools/make-seyne-quartiers.py; the QPV of the Métropole
# (fictitious values) as one zone, to compare them with.
$T load "$OBS" layers/quartiers-la-seyne.layer
$T relate "$OBS" --overlap --child quartier --parent commune
$T import "$OBS" indicators "$EX/fictif-la-seyne-quartiers-indicateurs.csv" \
    --level quartier --key code --year 2021
$T import "$OBS" indicators "$EX/fictif-tpm-qpv-indicateurs.csv" \
    --level qpv --key code_qp --year 2021
$T zone "$OBS" layers/zones-qpv-toulon.csv
$T report "$OBS" gup --site SEY-NORD --date 31/12/2025 \
    >"$OUT/gup-la-seyne-nord.txt"

echo "== 5. Martinique in its own store (EPSG:5490): the CACEM"
$T init --srid 5490 "$MQ"
$T load "$MQ" layers/communes-martinique.layer
$T load "$MQ" layers/epci.layer --where "departements = '972'"
$T load "$MQ" layers/departements.layer --where "code = '972'"
$T relate "$MQ" --child commune --parent epci
$T relate "$MQ" --child commune --parent departement --spatial
$T import "$MQ" variables layers/variables.csv
$T import "$MQ" indicators layers/data/indicateurs-communes.csv \
    --level commune --key insee_com
$T aggregate "$MQ" --from commune --to epci
$T import "$MQ" contracts "$EX/fictif-cacem-contrat.csv"
$T import "$MQ" projects "$EX/fictif-cacem-projets.csv"
$T report "$MQ" contracts --level epci --code 249720061 --date "$DATE" \
    >"$OUT/suivi-contrat-cacem.txt"

echo "== 6. QPV 2015 contours of Occitanie over their communes"
# 32 of 105 polygons are invalid (repaired at load); overlaps with area
# shares carry QPV populations to communes.
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

echo "== 7. thematic maps (styles/)"
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
$T map "$OBS" styles/la-seyne-quartiers.style -o "$M/la-seyne-quartiers.png"
# Methods beyond the four kinds (styles/README.md, "Methods").
for style in nord-population-chomage-epci somme-population-nature-epci \
    nord-densite-chomage-bivariate nord-chomage-discontinuites \
    nord-population-dorling nord-population-potentiel nord-chomage-carreaux; do
    $T map "$OBS" "styles/$style.style" -o "$M/$style.png"
done
# Maps that compare: the density of 2015 and of 2021, one legend for both.
$T map "$OBS" styles/nord-densite-annees.style --year 2015,2021 \
    -o "$M/nord-densite-{year}.png"
# Small multiples: the same two years on one page, then two variables of
# one unit (active and unemployed people) with one circle scale.
$T map "$OBS" styles/nord-densite-panneaux.style -o "$M/nord-densite-panneaux.png"
$T map "$OBS" styles/nord-densite-panneaux.style -o "$M/nord-densite-panneaux.pdf"
$T map "$OBS" styles/nord-actifs-chomeurs-panneaux.style \
    -o "$M/nord-actifs-chomeurs-panneaux.png"
# The Nord with Martinique in an inset drawn in EPSG:5490.
$T map "$OBS" styles/nord-martinique-chomage.style \
    -o "$M/nord-martinique-chomage.png"
# The style reads mapsf's 2015 CHOM/ACT; the demo store has the 2021 rate.
$T map "$MQ" styles/martinique-chomage.style -o "$M/martinique-chomage.png" \
    --set data.expression= --set data.variable=taux_chomage \
    --set data.year=2021 --set "map.source=Insee, recensement 2021"
$T map "$MQ" styles/martinique-chomage.style -o "$M/martinique-chomage.svg" \
    --set data.expression= --set data.variable=taux_chomage \
    --set data.year=2021 --set "map.source=Insee, recensement 2021"

echo "== 8. carnets de territoire and the atlas of the EPCIs"
$T carnet "$OBS" --level epci --code 200068500 --date "$DATE" \
    -o "$OUT/carnet-ca-de-cambrai.pdf"
$T carnet "$OBS" --level scot --code S59-CA --date "$DATE" \
    -o "$OUT/carnet-scot-cambresis.pdf"
$T carnet "$OBS" --level zone --code Z80-PM --date "$DATE" \
    -o "$OUT/carnet-picardie-maritime.pdf"
$T carnet "$MQ" --level epci --code 249720061 --date "$DATE" \
    -o "$OUT/carnet-cacem.pdf"
# La Seyne-sur-Mer's four territories beside the city, its Métropole and
# the Métropole's QPV (step 4b; fictitious contours and values).
$T carnet "$OBS" --level commune --code 83126 --date "$DATE" \
    --template styles/carnet-la-seyne.ini -o "$OUT/carnet-la-seyne-sur-mer.pdf"
$T atlas "$OBS" --level epci --date "$DATE" -o "$OUT/atlas"
echo "atlas: open $OUT/atlas/index.html"

echo "== 9. exports for partners and QGIS projects"
mkdir -p "$OUT/export"
$T export "$OBS" --level commune -o "$OUT/export/communes.gpkg"
$T export "$OBS" --level commune -o "$OUT/export/communes.csv"
$T export "$OBS" --level epci -o "$OUT/export/epci.ods"
$T export "$MQ" --level commune -o "$OUT/export/communes-martinique.xlsx"
$T qgis "$OBS" -o "$OUT/observatoire.qgs" --styles styles
$T qgis "$MQ" -o "$OUT/martinique.qgs" --styles styles

echo "== 10. the web observatory (offline: open demo-out/site/index.html)"
# Follow-up as of the end of the Cambrésis contract's clause de revoyure.
$T site "$OBS" -o "$OUT/site" --levels commune,epci,scot,zone,departement \
    --title "Observatoire Nord, Somme, Calais, Toulon, Martinique" \
    --carnets "$OUT/atlas" --date 31/12/2015
echo "demo written to $OUT"
