#!/bin/sh
# coverage.sh - sums and counts need every member: a store of the
# Pas-de-Calais communes holds 102 of the 103 communes of the CC du Ternois
# (Vitz-sur-Authie is in the Somme), 99.26 % of its area. With the national
# member table, the EPCI knows it has 103: its population is not a sum of
# 102 (short by 135), and relate, aggregate, info and the carnet say
# "102 ... sur 103"; ratios (density, unemployment) keep the coverage rule.
# Real data: tests/data/ternois (see SOURCES.md).
. "$(dirname "$0")/lib.sh"

D="$DATA/ternois"
EPCI=200069672
S=$(new_store obs)
$T -q init "$S"
$T -q load "$S" "$LAYERS/epci.layer"
# The user's Pas-de-Calais communes.
$T -q load "$S" --level commune --src "$D/communes-ternois.geojson" --code code \
    --name nom --parent-code siren_epci --where "dep = '62'" --vintage 2026
assert_eq "$(sql "$S" "SELECT count(*) FROM territory WHERE level = 'commune'")" 102 \
    "communes loaded"
$T relate "$S" --child commune --parent epci --members "$D/epci-membres-ternois.csv" \
    --child-key code_insee --parent-key siren_epci 2>relate.txt
assert_contains relate.txt "epci with commune outside the store.*: 1: $EPCI \(102 of 103\)"
$T -q import "$S" variables "$LAYERS/variables.csv"
$T -q import "$S" indicators "$D/indicateurs-ternois.csv" --level commune \
    --key insee_com --year 2021 2>/dev/null

# On the fly: no population, the ratios still computed.
$T info "$S" --level epci --code $EPCI >info.txt
assert_contains info.txt "^members: +102 commune of 103 in .*epci-membres-ternois.csv \(sums"
grep -q '^  population_2021 ' info.txt && fail "a population summed over 102 of 103 communes"
assert_contains info.txt '^  taux_chomage +2021 +13,0 %'
# Stored: the same, and the aggregate says why.
$T aggregate "$S" --from commune --to epci 2>agg.txt
assert_contains agg.txt "$EPCI \(102 of its 103 members in the store\)"
assert_eq "$(sql "$S" "SELECT count(*) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '$EPCI' AND o.variable = 'population_2021'")" 0 \
    "stored population of the EPCI"
# The carnet: the cover's real count, the key figure's reason.
$T carnet "$S" --level epci --code $EPCI -o ternois.pdf 2>/dev/null
pdftotext -layout ternois.pdf ternois.txt
assert_contains ternois.txt 'Communes membres +102 sur 103 \(1 hors de'
tr '\n' ' ' <ternois.txt | tr -s ' ' >flat.txt
assert_contains flat.txt "Non disponible : 102 communes sur 103 dans l'observatoire"

# With Vitz-sur-Authie loaded too, the EPCI is whole: its population is
# the sum of its 103 communes.
$T -q load "$S" --level commune --src "$D/communes-ternois.geojson" --code code \
    --name nom --parent-code siren_epci --where "dep = '80'" --vintage 2026 --append
$T -q relate "$S" --child commune --parent epci --members "$D/epci-membres-ternois.csv" \
    --child-key code_insee --parent-key siren_epci 2>/dev/null
$T -q import "$S" indicators "$D/indicateurs-ternois.csv" --level commune \
    --key insee_com --year 2021 2>/dev/null
want=$(awk -F, 'NR > 1 { s += $11 } END { print s }' "$D/indicateurs-ternois.csv")
assert_eq "$(sql "$S" "SELECT CAST(o.value AS INTEGER) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '$EPCI' AND o.variable = 'population_2021'")" \
    "$want" "population of the whole EPCI (recomputed by the import)"
echo "coverage: ok"
