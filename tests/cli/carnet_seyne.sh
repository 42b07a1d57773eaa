# carnet_seyne.sh - La Seyne-sur-Mer's bundled case (issue #13), as
# tools/demo.sh makes it: its four territories (fictitious polygons inside
# the commune, level quartier, related by overlap), their fictitious values,
# the QPV of the Métropole as one zone, the NPNRU convention and the GUP;
# then the carnet of styles/carnet-la-seyne.ini, whose "territories"
# section lists the four with their values, then the city, its Métropole
# and the Métropole's QPV. Errors of the section name the template's line.
. "$TOB_SRC/tests/cli/lib.sh"

D="$LAYERS/data"
EX="$LAYERS/examples"
O=$(new_store obs)
TPL="$TOB_SRC/styles/carnet-la-seyne.ini"
{
    $T init "$O"
    $T load "$O" "$LAYERS/departements.layer"
    $T load "$O" "$LAYERS/epci.layer"
    $T load "$O" "$LAYERS/communes-var.layer"
    $T relate "$O" --child commune --parent epci
    $T relate "$O" --child commune --parent departement --spatial
    $T import "$O" territories "$D/qpv2024-communes.csv" --level qpv \
        --code code_qp --name lib_qp --vintage 2024 \
        --parent-level commune --parent-key insee_com
    $T import "$O" variables "$LAYERS/variables.csv"
    $T import "$O" indicators "$D/indicateurs-communes.csv" --level commune \
        --key insee_com --cog-from 2018 --passage "$D/passage-2018-2026.csv" \
        --partial-merges
    $T aggregate "$O" --from commune --to epci
    $T import "$O" contracts "$EX/fictif-la-seyne-contrat.csv"
    $T import "$O" projects "$EX/fictif-la-seyne-projets.csv"
    $T import "$O" gup-sites "$EX/fictif-la-seyne-gup-sites.csv"
    $T import "$O" gup-actions "$EX/fictif-la-seyne-gup-actions.csv"
    $T import "$O" gup-reports "$EX/fictif-la-seyne-gup-signalements.csv"
} >log.txt 2>&1 || { cat log.txt >&2; fail "building the store"; }

# The four territories: inside the commune (each 100 % of its area in
# 83126), their values, the Métropole's 15 QPV as one zone.
$T load "$O" "$LAYERS/quartiers-la-seyne.layer" >load.txt 2>&1 ||
    { cat load.txt >&2; fail "load quartiers"; }
assert_contains load.txt "loaded 4 quartier \\(vintage 2026\\)"
$T relate "$O" --overlap --child quartier --parent commune >rel.txt 2>&1
assert_contains rel.txt "overlaps of 4 quartier \\(2026\\) with commune \\(2026\\): 4 written, 0 straddling"
$T info "$O" --level quartier --code SD-MDO >info.txt
assert_contains info.txt "83126 +La Seyne-sur-Mer +\\(overlap, 100\\.0 % of the quartier's area\\)"
$T import "$O" indicators "$EX/fictif-la-seyne-quartiers-indicateurs.csv" \
    --level quartier --key code --year 2021 >imp.txt 2>&1 ||
    { cat imp.txt >&2; fail "quartier indicators"; }
assert_contains imp.txt "join: 4 matched, 0 keys with no quartier, 0 quartier with no row"
$T import "$O" indicators "$EX/fictif-tpm-qpv-indicateurs.csv" \
    --level qpv --key code_qp --year 2021 >imp.txt 2>&1 ||
    { cat imp.txt >&2; fail "QPV indicators"; }
assert_contains imp.txt "join: 15 matched, 0 keys with no qpv"
$T zone "$O" "$LAYERS/zones-qpv-toulon.csv" >zone.txt 2>&1 ||
    { cat zone.txt >&2; fail "zone of the Métropole's QPV"; }
assert_contains zone.txt "QPV-TPM \\(15 qpv\\)"

$T carnet "$O" --level commune --code 83126 --template "$TPL" \
    --date 23/11/2026 -o seyne.pdf 2>err.txt ||
    { cat err.txt >&2; fail "carnet of La Seyne-sur-Mer"; }
if grep -Ei "warning|left out" err.txt >&2; then
    fail "the carnet warned"
fi
pdftotext -layout seyne.pdf seyne.txt
tr -s ' ' <seyne.txt >flat.txt
assert_contains flat.txt "^Les quartiers suivis par la ville$"
assert_contains flat.txt "^4 quartiers, puis 3 références$"
# Each territory with its code, population, ménages and unemployment rate
# (the fictitious chômeurs / actifs of the file, as a ratio of sums).
assert_contains flat.txt "^ Berthe \\(QPV\\) QN08308M 13 840 5 150 32,9$"
assert_contains flat.txt "^ Centre-Ville \\(QPV\\) QN08309M 6 920 3 610 26,2$"
assert_contains flat.txt "^ La Présentation \\(veille active\\) TVA-PRES 3 110 1 300 21,0$"
assert_contains flat.txt "^ Mont des Oiseaux \\(sans dispositif\\) SD-MDO 2 420 1 050 9,3$"
# The references: the city (Insee), the Métropole (its 12 communes) and the
# 15 QPV of the Métropole summed (82 170 inhabitants, 11 370 / 34 130).
assert_contains flat.txt "^ La Seyne-sur-Mer 83126 62 763 29 832 15,0$"
assert_contains flat.txt "^ Métropole Toulon-Provence-Méditerranée 248300543 447 804 219 610 13,2$"
assert_contains flat.txt "^ QPV de la Métropole Toulon-Provence-Méditerranée QPV-TPM 82 170 36 540 33,3$"
# The members before the references, Berthe (largest) first.
first=$(grep -n "Berthe (QPV)" flat.txt | head -1 | cut -d: -f1)
city=$(grep -n "^ La Seyne-sur-Mer 83126" flat.txt | head -1 | cut -d: -f1)
[ "$first" -lt "$city" ] || fail "references before the members"
# The NPNRU and the GUP with its tranquillité publique follow-up.
assert_contains flat.txt "^Convention NPNRU et projets$"
assert_contains flat.txt "Convention NPNRU de La Seyne-sur-Mer"
assert_contains flat.txt "tranquillité publique"
assert_contains flat.txt "Leurs contours et leurs valeurs sont fictifs"
if sed 's/« n\.d\. »//g' flat.txt | grep -q 'n\.d\.'; then
    grep -n 'n\.d\.' flat.txt >&2
    fail "a value n.d."
fi

# Sorted by a column, largest first (the fictitious polygons' areas: the
# Mont des Oiseaux first); the references stay after the members. A sort
# that is not a column is an error naming its line.
sed -e 's/^columns = .*/columns = superficie_km2, population_2021/' \
    -e 's/^references = .*/references = self, epci/' \
    -e 's/^level = quartier$/level = quartier\nsort = superficie_km2/' \
    "$TPL" >sort.ini
$T carnet "$O" --level commune --code 83126 --template sort.ini \
    --date 23/11/2026 -o sort.pdf 2>err.txt ||
    { cat err.txt >&2; fail "sorted carnet"; }
pdftotext -layout sort.pdf - | tr -s ' ' |
    sed -n '/^4 quartiers, puis 2 références$/,/^Les quartiers et leurs/p' |
    grep -E "^ (Berthe|Centre-Ville|La Présentation|Mont des|La Seyne|Métropole Toulon)" |
    cut -d' ' -f2-3 >order.txt
assert_eq "$(tr '\n' '/' <order.txt)" \
    "Mont des/Berthe (QPV)/Centre-Ville (QPV)/La Présentation/La Seyne-sur-Mer/Métropole Toulon-Provence-Méditerranée/" \
    "rows sorted by superficie_km2"
sed 's/^sort = superficie_km2$/sort = densite/' sort.ini >badsort.ini
line=$(grep -n "^sort = densite" badsort.ini | cut -d: -f1)
run_fails 2 "badsort.ini:$line: territories:quartiers.sort: 'densite' is not a column" \
    $T carnet "$O" --level commune --code 83126 --template badsort.ini \
    -o bad.pdf

# The Métropole's carnet finds the four through its member commune; it has
# no EPCI above it, so that reference is left out.
$T carnet "$O" --level epci --code 248300543 --template "$TPL" \
    --date 23/11/2026 -o tpm.pdf 2>err.txt ||
    { cat err.txt >&2; fail "carnet of the Métropole"; }
pdftotext -layout tpm.pdf - | tr -s ' ' >tpm.txt
assert_contains tpm.txt "^4 quartiers, puis 2 références$"
assert_contains tpm.txt "^ Mont des Oiseaux \\(sans dispositif\\) SD-MDO 2 420 1 050 9,3$"
assert_contains tpm.txt "^ Métropole Toulon-Provence-Méditerranée 248300543 447 804 219 610 13,2$"

# Another commune has no quartier: the section says so in one line, or
# is left out when optional.
$T carnet "$O" --level commune --code 83137 --template "$TPL" \
    --date 23/11/2026 -o toulon.pdf 2>err.txt ||
    { cat err.txt >&2; fail "carnet of Toulon"; }
pdftotext -layout toulon.pdf toulon.txt
assert_contains toulon.txt "Aucun territoire du niveau « quartier » n'est rattaché"
sed 's/^level = quartier$/level = quartier\noptional = yes/' "$TPL" >opt.ini
$T carnet "$O" --level commune --code 83137 --template opt.ini \
    --date 23/11/2026 -o toulon-opt.pdf 2>err.txt
pdftotext -layout toulon-opt.pdf toulon-opt.txt
if grep -q "Les quartiers suivis par la ville" toulon-opt.txt; then
    fail "an optional territories section without members is shown"
fi

# Errors name the template's line: an unknown reference, no level.
sed 's/QPV-TPM/QPV-XXX/' "$TPL" >bad.ini
line=$(grep -n "^references = self" bad.ini | cut -d: -f1)
run_fails 2 "bad.ini:$line: territories:quartiers.references: no qpv_epci with code 'QPV-XXX'" \
    $T carnet "$O" --level commune --code 83126 --template bad.ini \
    -o bad.pdf
[ ! -e bad.pdf ] || fail "a carnet written despite the error"
grep -v "^level = quartier" "$TPL" >nolevel.ini
run_fails 2 "territories:quartiers.level: a territories section needs a level" \
    $T carnet "$O" --level commune --code 83126 --template nolevel.ini \
    -o bad.pdf
