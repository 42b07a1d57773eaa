# own_data.sh - an observatory's own files (Pas-de-Calais communes and
# EPCIs, Insee's own column names, the user's own variable names): series
# of years imported onto one variable, `info` listing each year, a carnet
# made from the store with key figures, evolution, map and table, and a
# template naming variables the store lacks said on stderr once.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)
NAMES=$(new_store names)

D="$DATA/pas-de-calais"
$T init "$OBS" >/dev/null 2>&1
$T load "$OBS" --level epci --src "$D/epci.geojson" --code siren_epci \
    --name nom_epci --vintage 2026 >/dev/null 2>&1
$T load "$OBS" --level commune --src "$D/communes.geojson" --code code \
    --name nom --parent-code siren_epci --vintage 2026 \
    --attribution "IGN, Admin Express COG 2018" >/dev/null 2>&1
$T relate "$OBS" --child commune --parent epci >/dev/null 2>&1
$T import "$OBS" variables "$D/variables.csv" >/dev/null 2>&1

# --series: Insee's P15_POP and P21_POP are the variable population in
# 2015 and 2021; SUPERF renamed; CHOM/ACT onto the user's own names.
SERIES='population=P{yy}_POP,menages=P{yy}_MEN,superficie=SUPERF'
SERIES="$SERIES,chomeurs_2021=P{yy}_CHOM1564,actifs_2021=P{yy}_ACT1564"
$T import "$OBS" indicators "$D/indicateurs-insee.csv" --level commune \
    --key CODGEO --year 2021 --series "$SERIES" 2>log.txt ||
    fail "import: $(cat log.txt)"
assert_contains log.txt "variables \(year\): superficie \(2021\), population \(2015\), population \(2021\), menages \(2021\)"
if grep -q "warning: columns whose name" log.txt; then
    fail "a series' own years are not a conflict with --year"
fi
$T info "$OBS" >info.txt
assert_contains info.txt "^  population +sum +years 2015, 2021, 58 values"
assert_contains info.txt "^  menages +sum +years 2021, 29 values"
pop() { # pop CODE YEAR: the stored population of a commune
    sql "$OBS" "SELECT o.value FROM observation o JOIN territory t ON
        t.id = o.territory WHERE t.code = '$1' AND o.variable = 'population'
        AND o.year = $2" | sed "s/\\.0$//"
}
assert_eq "$(pop 62427 2015)" 26379 "Hénin-Beaumont 2015 (P15_POP)"
assert_eq "$(pop 62427 2021)" 26035 "Hénin-Beaumont 2021 (P21_POP)"

# A bad series is a usage error; a series naming no column is refused,
# and neither changes the store.
store_dump "$OBS" >before.sql
run_fails 1 "pattern has one \{yyyy\} or \{yy\}" $T import "$OBS" \
    indicators "$D/indicateurs-insee.csv" --level commune --key CODGEO \
    --series 'population=P{yy}_POP{yy}'
run_fails 2 "--series logements=P\{yy\}_LOG: no column" $T import "$OBS" \
    indicators "$D/indicateurs-insee.csv" --level commune --key CODGEO \
    --year 2021 --series 'logements=P{yy}_LOG'
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a refused series changed the store"

# The user's own names: population_2015, population_2021 onto one variable.
awk -F';' 'BEGIN { OFS = "," } NR == 1 { print "code", "population_2015",
    "population_2021"; next } { print $1, $4, $5 }' \
    "$D/indicateurs-insee.csv" >noms.csv
$T init "$NAMES" >/dev/null 2>&1
$T load "$NAMES" --level commune --src "$D/communes.geojson" --code code \
    --name nom --vintage 2026 >/dev/null 2>&1
$T import "$NAMES" indicators noms.csv --level commune --key code \
    --series population 2>log.txt || fail "bare series: $(cat log.txt)"
assert_contains log.txt "variables \(year\): population \(2015\), population \(2021\)"
# Without --series each stays a variable named with its year, and a
# --year that contradicts the name is a warning naming both: the name's
# year is kept (population_2015 is never a 2021 figure).
$T import "$NAMES" indicators noms.csv --level commune --key code \
    --year 2021 2>log.txt
assert_contains log.txt "warning: columns whose name says another year than --year .*population_2015 is 2015, not --year 2021"
assert_eq "$(sql "$NAMES" "SELECT DISTINCT year FROM observation
    WHERE variable = 'population_2015'")" 2015 "population_2015's year"

# A carnet without --template is made from the store: key figures of the
# declared variables, the evolution of the series, the densité map, the
# communes table. Figures recomputed here from the CSV.
set -- $(python3 -c '
import csv, json, sys
codes = {f["properties"]["code"] for f in json.load(open(sys.argv[2]))["features"]
         if f["properties"]["siren_epci"] == "246200299"}
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"),
                                  delimiter=";") if r["CODGEO"] in codes]
fr = lambda n: "{:,}".format(n).replace(",", ".{1,2}")
p15 = sum(int(r["P15_POP"]) for r in rows)
p21 = sum(int(r["P21_POP"]) for r in rows)
area = sum(float(r["SUPERF"].replace(",", ".")) for r in rows)
print(fr(p15), fr(p21), len(rows), "{:.1f}".format(area).replace(".", ","))
' "$D/indicateurs-insee.csv" "$D/communes.geojson")
$T carnet "$OBS" --level epci --code 246200299 --date 01/12/2026 \
    -o henin.pdf 2>err.txt || fail "carnet: $(cat err.txt)"
if grep -q warning err.txt; then fail "a carnet fitted to the store warned: $(cat err.txt)"; fi
pdftotext -layout henin.pdf henin.txt
assert_contains henin.txt "Chiffres clés"
assert_contains henin.txt "$2 habitants"
assert_contains henin.txt "Population municipale"
assert_contains henin.txt "Taux de chômage des 15-64"
assert_contains henin.txt "Densité de population"
assert_contains henin.txt "Évolution : Population municipale"
assert_contains henin.txt "CA d'Hénin-Carvin +$1 +$2 "
assert_contains henin.txt "Densité de population par commune"
assert_contains henin.txt "Les communes du territoire"
assert_contains henin.txt "Hénin-Beaumont +26 035"
[ "$3" -eq 14 ] || fail "Hénin-Carvin has 14 communes in the sample"
# One area: the cover's is the declared superficie (the figures' and the
# densities'), not the polygon's, and the method says which.
assert_contains henin.txt "^Superficie +$4.km²"
assert_contains henin.txt "$4.km²$"
assert_contains henin.txt "sont celles de la variable « Superficie »"
# The source line comes from the variables' sources and the producer of
# the boundaries, never from a fixed text naming Insee for everything.
assert_contains henin.txt "^Sources : Insee, RP ; IGN, Admin Express ; Insee, RP 2021 ; IGN, Admin Express COG 2018\.$"
assert_contains henin.txt "Sources : Insee, RP 2021 ; .*IGN, Admin Express COG 2018 — Réalisation"
if grep -q "recensement de la population 2015" henin.txt; then
    fail "the carnet cites the bundled sample's fixed sources"
fi

# With a template naming other variables, each left out is said once on
# stderr with the store's closest names; --strict refuses.
$T carnet "$OBS" --level epci --code 246200299 -o tpl.pdf \
    --template "$TOB_SRC/styles/carnet.ini" 2>err.txt
assert_contains err.txt "warning: .*carnet.ini: \[map:densite\]: no variable 'densite' in the store, left out \(closest: densite_2021"
assert_contains err.txt "warning: .*\[figures\]: no variable 'population_2021' in the store, left out \(closest: population"
assert_contains err.txt "warning: .*\[figures\]: no variable 'taux_chomage' in the store, left out \(closest: taux_chomage_2021"
run_fails 2 "variables of the template are not in the store \(--strict\)" \
    $T carnet "$OBS" --level epci --code 246200299 -o strict.pdf \
    --template "$TOB_SRC/styles/carnet.ini" --strict
[ ! -e strict.pdf ] || fail "--strict wrote a carnet"
# The atlas says it once, not per carnet.
$T atlas "$OBS" --level epci -o atlas --template "$TOB_SRC/styles/carnet.ini" \
    --date 01/12/2026 2>err.txt
assert_eq "$(grep -c "\[map:densite\]: no variable 'densite'" err.txt)" 1 \
    "the atlas's warnings"
$T atlas "$OBS" --level epci -o atlas2 --date 01/12/2026 2>err.txt
pdftotext -layout atlas2/246200844-*.pdf audruicq.txt
assert_contains audruicq.txt "Évolution : Population municipale"
echo "own_data.sh: ok"
