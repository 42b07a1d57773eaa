#!/bin/sh
# coverage.sh - sums and counts need every member: a store of the
# Pas-de-Calais communes holds 102 of the 103 communes of the CC du Ternois
# (Vitz-sur-Authie is in the Somme), 99.26 % of its area. With the national
# member table, the EPCI knows it has 103: its population is not a sum of
# 102 (short by 135), and relate, aggregate, info and the carnet say
# "102 ... sur 103", as do the export (membres_presents, membres_attendus),
# the atlas index and the web site; ratios (density, unemployment) keep the
# coverage rule.
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

# The export: each row its members present and expected, the metadata what
# an incomplete territory's figures are (no sum; ratios from the members
# present), the variables table which cells.
$T -q export "$S" --level epci --variables taux_chomage -o epci.csv
assert_contains epci.csv \
    "^.?.?.?code;nom;millesime;code_parent;superficie_km2;membres_presents;membres_attendus;taux_chomage_2021$"
assert_contains epci.csv "^$EPCI;CC du Ternois;2026;;[^;]*;102;103;\"13,0\"$"
assert_contains epci.csv "^200068500;[^;]*;2026;;[^;]*;;;$"
assert_contains epci-metadonnees.csv "^membres;\"?membres_presents : communes membres dans"
assert_contains epci-metadonnees.csv \
    "^territoires_incomplets;\"?1 territoire sur 39 .*\(CC du Ternois \($EPCI\) : 102 communes sur 103\) : leurs sommes.*ne sont pas calculés"
assert_contains epci-variables.csv \
    "^taux_chomage;.*;\"?observée \(1\), calculée sur des membres incomplets \(1\)\"?;"
$T -q export "$S" --level epci --variables taux_chomage -o epci.gpkg
ogrinfo -ro -q epci.gpkg epci -where "code = '$EPCI'" >gpkg.txt
assert_contains gpkg.txt "membres_presents \(Integer64\) = 102"
assert_contains gpkg.txt "membres_attendus \(Integer64\) = 103"
ogrinfo -ro -q epci.gpkg metadonnees >meta.txt
assert_contains meta.txt "102 communes sur 103"

# The atlas index and the web site say it too.
echo $EPCI >ternois-codes.txt
$T -q atlas "$S" --level epci --codes ternois-codes.txt -o atlas 2>/dev/null
assert_contains atlas/index.html \
    "data-v=\"102\" title=\"1 commune hors de l&#39;observatoire\">102 sur 103</td>"
$T -q site "$S" -o site --levels epci,commune 2>/dev/null
page=site/t/epci/$EPCI.html
assert_contains "$page" \
    "102 communes membres sur 103 \(1 hors de l&#39;observatoire\) ; le tableau"
assert_contains "$page" \
    "<p class=\"note\">102 communes sur 103 dans l('|&#39;)observatoire : sommes"
assert_contains site/dl/epci.csv "^$EPCI;CC du Ternois;2026;;[^;]*;102;103;"

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
$T -q export "$S" --level epci --variables taux_chomage -o whole.csv
assert_contains whole.csv "^$EPCI;CC du Ternois;2026;;[^;]*;103;103;"
grep -q '^territoires_incomplets' whole-metadonnees.csv &&
    fail "a whole EPCI said incomplete"

# Without a member table: the parent codes of the whole file. The same
# Pas-de-Calais load keeps the 103 communes the file gives the EPCI, the
# Somme's row included, and a relate by parent codes knows it.
P=$(new_store parents)
$T -q init "$P"
$T -q load "$P" "$LAYERS/epci.layer"
$T load "$P" --level commune --src "$D/communes-ternois.geojson" --code code \
    --name nom --parent-code siren_epci --where "dep = '62'" --vintage 2026 2>load.txt
assert_contains load.txt "member counts of the whole file kept for 1 epci"
assert_contains load.txt "epci with commune outside --where .*: 1: $EPCI \(102 of 103\)"
$T relate "$P" --child commune --parent epci 2>relate2.txt
assert_contains relate2.txt "epci with commune outside the store.*: 1: $EPCI \(102 of 103\)"
$T -q import "$P" variables "$LAYERS/variables.csv"
$T -q import "$P" indicators "$D/indicateurs-ternois.csv" --level commune \
    --key insee_com --year 2021 2>/dev/null
$T info "$P" --level epci --code $EPCI >info2.txt
assert_contains info2.txt "^members: +102 commune of 103 in .*communes-ternois.geojson \(sums"
grep -q '^  population_2021 ' info2.txt && fail "a population summed over 102 of 103 communes (parent codes)"
$T -q export "$P" --level epci --variables taux_chomage -o parents.csv
assert_contains parents.csv "^$EPCI;CC du Ternois;2026;;[^;]*;102;103;"
# The Somme's commune appended: whole again.
$T -q load "$P" --level commune --src "$D/communes-ternois.geojson" --code code \
    --name nom --parent-code siren_epci --where "dep = '80'" --vintage 2026 --append
$T -q relate "$P" --child commune --parent epci
$T -q import "$P" indicators "$D/indicateurs-ternois.csv" --level commune \
    --key insee_com --year 2021 2>/dev/null
$T info "$P" --level epci --code $EPCI >info3.txt
assert_contains info3.txt "^members: +103 commune of 103 in "
assert_contains info3.txt "^  population_2021 "
echo "coverage: ok"
