#!/bin/sh
# explain.sh - imports and commands that explain themselves, on real data:
# the Insee comparateur imports with no --columns (its code columns,
# insee_dep with 2A, insee_reg, lat, lng, are left out and named); -q
# after the command is the global option; French aggregate words are
# accepted; relate --spatial on a level without geometry is refused; the
# join report of a national file puts the store's own keys first.
. "$(dirname "$0")/lib.sh"

D="$DATA/ternois"
S=$(new_store obs)
$T init "$S" -q 2>init.txt
[ -s init.txt ] && fail "-q after the command still printed: $(cat init.txt)"
$T load "$S" "$LAYERS/epci.layer" --quiet 2>load.txt
[ -s load.txt ] && fail "--quiet after the command still printed: $(cat load.txt)"
$T -q load "$S" --level commune --src "$D/communes-ternois.geojson" --code code \
    --name nom --parent-code siren_epci --vintage 2026

# The comparateur as a user gets it (Corse-du-Sud rows: insee_dep 2A).
$T import "$S" indicators "$D/comparateur-ternois-2a.csv" --level commune \
    --key insee_com --year 2021 2>import.txt || {
    cat import.txt >&2
    fail "the comparateur does not import without --columns"
}
assert_contains import.txt 'columns left out \(text, or codes and coordinates\): 8: insee_reg \(codes\), insee_dep \(codes\)'
for col in insee_reg insee_dep insee_parente lat lng; do
    n=$(sql "$S" "SELECT count(*) FROM variable WHERE name = '$col'")
    assert_eq "$n" 0 "variable $col"
done
assert_eq "$(sql "$S" "SELECT count(*) FROM variable WHERE name = 'population_2021'")" 1 \
    "population_2021 imported"

# French aggregate words.
cat >vars.csv <<'CSV'
nom,libellé,unité,agrégation,numérateur,dénominateur,décimales
population_2021,Population municipale 2021,habitants,Somme,,,0
superficie_km2,Superficie,km²,somme,,,2
densite,Densité,hab./km²,ratio,population_2021,superficie_km2,1
naissances_2022,Naissances,naissances,Moyenne,,,0
deces_2022,Décès,décès,aucune,,,0
CSV
$T -q import "$S" variables vars.csv
assert_eq "$(sql "$S" "SELECT group_concat(name || ':' || aggregate, ' ') FROM
    (SELECT * FROM variable WHERE name IN ('population_2021', 'superficie_km2',
     'densite', 'naissances_2022', 'deces_2022') ORDER BY name)")" \
    "deces_2022:none densite:ratio naissances_2022:mean population_2021:sum superficie_km2:sum" \
    "aggregates read from French words"
printf 'nom,libellé,agrégation\nx,X,médiane\n' >bad-vars.csv
run_fails 2 "bad-vars.csv:2: .*'médiane' is not one of sum, mean, weighted_mean, ratio, none \(or somme, moyenne" \
    $T import "$S" variables bad-vars.csv

# A level without geometry (the 2024 QPV list) cannot be related in space.
$T -q import "$S" territories "$LAYERS/data/qpv2024-communes.csv" --level qpv \
    --code code_qp --name lib_qp --vintage 2024 --parent-level commune \
    --parent-key insee_com 2>/dev/null
run_fails 2 "level qpv has no geometry in vintage 2024: --spatial needs polygons" \
    $T relate "$S" --child qpv --parent epci --spatial
# A carnet before `relate`: made, with a warning naming the command.
$T -q carnet "$S" --level epci --code 200069672 -o ternois.pdf 2>carnet.txt
assert_contains carnet.txt "warning: epci 200069672 has no member commune in the store.*terrobs relate .* --child commune --parent epci"
# carnet and map keep an existing output unless --force, as export does.
before=$(cksum <ternois.pdf)
run_fails 2 "ternois.pdf: file exists; use --force to replace it" \
    $T carnet "$S" --level epci --code 200069672 -o ternois.pdf
assert_eq "$(cksum <ternois.pdf)" "$before" "the kept carnet"
$T -q carnet "$S" --level epci --code 200069672 -o ternois.pdf --force 2>/dev/null
cat >epci.style <<'STYLE'
[map]
title = EPCI
width = 400px
height = 300px
[data]
kind = choropleth
level = commune
variable = population_2021
STYLE
$T -q map "$S" epci.style -o m.png
run_fails 2 "m.png: file exists; use --force to replace it" $T map "$S" epci.style -o m.png
$T -q map "$S" epci.style -o m.png --force
# The join report of a national file: the 3 old codes of the store's own
# département (Hesdin-la-Forêt's, merged in 2025) come first, with the
# option that maps them, above the thousands of other départements' keys.
N="$DATA/national"
$T init pdc.sqlite -q
$T -q import pdc.sqlite territories "$N/communes-62-cog2026.csv" --level commune \
    --label Commune --code code --name nom --vintage 2026
$T import pdc.sqlite indicators "$N/comparateur-extrait.csv" --level commune \
    --key insee_com --year 2021 2>national.txt
sed -n 2p national.txt >first.txt
assert_contains first.txt "warning: keys of the store's own area \(62\) with no commune: 3: 62461, 62549, 62743; old codes of merged communes\? map them with --cog-from YEAR --passage TABLE"
assert_contains national.txt "warning: other keys with no commune \(outside 62\): 5883: 01001"
# With the passage table: Bonnières (62154) has Canteleux's old code 62210
# in the table but only its own in this COG 2024 file: --partial-merges.
$T import pdc.sqlite indicators "$N/comparateur-extrait.csv" --level commune \
    --key insee_com --year 2021 --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" 2>national.txt
sed -n 2p national.txt >first.txt
assert_contains first.txt "62154 \(1 of its 2 old codes in the file\).*1 merged commune lacks old codes in the file.*add --partial-merges"
run_fails 2 "keys with no commune in the store's own area \(62\): 3: 62461, 62549, 62743; others: 5883" \
    $T import pdc.sqlite indicators "$N/comparateur-extrait.csv" --level commune \
    --key insee_com --year 2021 --strict
echo "explain: ok"
