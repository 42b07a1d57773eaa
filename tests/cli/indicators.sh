# indicators.sh - variables, indicator imports with join diagnostics and
# COG passage, aggregation to EPCI, SCoT, zone and département, through
# the real binary on the bundled real data. Expected sums are computed
# here from the CSV files with python3, not through terrobs.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

$T -q init "$OBS"
for layer in departements epci communes-nord; do
    $T -q load "$OBS" "$LAYERS/$layer.layer"
done
$T -q load "$OBS" "$LAYERS/communes-somme.layer" --append
$T -q relate "$OBS" --child commune --parent epci
$T -q relate "$OBS" --child commune --parent departement --spatial
$T -q zone "$OBS" "$LAYERS/scot-nord.csv"
$T -q zone "$OBS" "$LAYERS/zones-somme-pacte.csv"

$T import "$OBS" variables "$LAYERS/variables.csv" 2>log.txt
assert_contains log.txt "declared 8 variables .*: 8 created, 0 updated"
printf 'insee_com,surface\n59350,34.8\n' >noyear.csv
run_fails 2 "surface: no year for variable surface: give --year" \
    $T import "$OBS" indicators noyear.csv --level commune --key insee_com

# The comparateur (COG 2024) as is: two merged communes' keys are reported.
$T import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 2>log.txt
assert_contains log.txt "1636 rows, 6 variables, 8508 values \(0 empty\) for 1418 commune"
assert_contains log.txt "columns left out \(text, or codes and coordinates\): 1: commune"
assert_contains log.txt "join: 1418 matched, 218 keys with no commune, 0 commune with no row"
assert_contains log.txt "^terrobs: warning: keys of the store's own area \(59, 80\) with no commune: 2: 59070, 80830; old codes of merged communes"
assert_contains log.txt "^terrobs: warning: other keys with no commune \(outside 59, 80\): 216: 02604, 62036, 62043, 62047, 62058 and 211 more"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM source WHERE kind = 'indicators'
    AND details LIKE '%1418 territories matched%'
    AND details LIKE '%keys with no territory 218: 02604, 59070%'")" 1 \
    "join diagnostics kept in provenance"

# Population and unemployment rate of each EPCI, computed independently.
python3 - "$LAYERS/data" >expected.txt <<'PY'
import csv, json, sys
d = sys.argv[1]
epci = {}
for dep in ("59-nord", "80-somme"):
    for f in json.load(open(f"{d}/communes-{dep}.geojson"))["features"]:
        epci[f["properties"]["code"]] = f["properties"]["siren_epci"]
pop, cho, act = {}, {}, {}
for r in csv.DictReader(open(f"{d}/indicateurs-communes.csv", encoding="utf-8")):
    e = epci.get(r["insee_com"])
    if e:
        pop[e] = pop.get(e, 0) + int(r["population_2021"])
        cho[e] = cho.get(e, 0) + int(r["pop_15_64_chomage_2021"])
        act[e] = act.get(e, 0) + int(r["pop_15_64_active_2021"])
for e in sorted(pop):
    print(f"{e}|{pop[e]}|{round(1e9 * (100 * cho[e] / act[e]))}")
PY
$T aggregate "$OBS" --from commune --to epci 2>log.txt
assert_contains log.txt "aggregated commune -> epci \(2026\): 240 values of 8 variables for 39 territories"
assert_contains log.txt "epci whose members do not cover them, no value: 4: 200069672 \(1 %\), 200069722 \(19 %\), 245900758 \(51 %\), 247600588 \(39 %\)"
sql "$OBS" "SELECT t.code, CAST(p.value AS INTEGER),
    CAST(round(1e9 * r.value) AS INTEGER)
    FROM territory t JOIN observation p ON p.territory = t.id
    AND p.variable = 'population_2021' JOIN observation r ON r.territory = t.id
    AND r.variable = 'taux_chomage' WHERE t.level = 'epci' ORDER BY t.code" >got.txt
assert_eq "$(wc -l <got.txt)" 30 "EPCI with values"
grep -F -f got.txt expected.txt >same.txt || true
assert_eq "$(wc -l <same.txt)" 30 "EPCI population and rate = sums of communes"
for partial in 200069672 200069722 245900758 247600588; do
    assert_eq "$(sql "$OBS" "SELECT count(*) FROM observation o JOIN territory t
        ON t.id = o.territory WHERE t.code = '$partial'")" 0 "no value for $partial"
done

# On the fly and materialised agree: a SCoT before and after aggregation.
$T info "$OBS" --level scot --code S59-LM >before.txt
# (French numbers: U+00A0 between thousands, one or two bytes to grep.)
assert_contains before.txt "population_2021 +2021 +1.{1,2}285.{1,2}757 habitants +aggregated from members"
assert_contains before.txt "taux_chomage +2021 +14,1 % +ratio of its parts"
$T aggregate "$OBS" --from commune --to scot 2>log.txt
assert_contains log.txt "8 values not computed, members without value: 1: S59-FI \(1 of 2 members\)"
$T info "$OBS" --level scot --code S59-LM >after.txt
assert_contains after.txt "population_2021 +2021 +1.{1,2}285.{1,2}757 habitants +aggregated from commune, stored"
assert_contains after.txt "taux_chomage +2021 +14,1 % +aggregated from commune, stored"
assert_eq "$(sql "$OBS" "SELECT max(s.value) - sum(e.value) FROM territory t
    JOIN observation s ON s.territory = t.id AND s.variable = 'population_2021'
    JOIN membership m ON m.parent = t.id JOIN territory c ON c.id = m.child
    JOIN observation e ON e.territory = c.id AND e.variable = 'population_2021'
    WHERE t.code = 'S59-LM'")" 0.0 "SCoT = sum of its EPCIs"
$T aggregate "$OBS" --from commune --to zone 2>log.txt
assert_contains log.txt "Z80-PM \(2 of 5 members\)"
$T aggregate "$OBS" --from commune --to departement --variables population_2021,taux_chomage 2>log.txt
assert_contains log.txt "4 values of 2 variables for 5 territories"
nord=$(python3 -c "import csv,sys; print(sum(int(r['population_2021']) for r in csv.DictReader(open(sys.argv[1])) if r['insee_com'].startswith('59') and r['insee_com'] != '59070'))" "$LAYERS/data/indicateurs-communes.csv")
assert_eq "$(sql "$OBS" "SELECT CAST(o.value AS INTEGER) FROM observation o
    JOIN territory t ON t.id = o.territory WHERE t.level = 'departement'
    AND t.code = '59' AND o.variable = 'population_2021'")" "$nord" "Nord population"
run_fails 2 "variable commune_x does not|no variable 'nosuch'" \
    $T aggregate "$OBS" --from commune --to epci --variables nosuch

# A file on older codes joins the 2026 communes through the passage table:
# merged communes are summed (real Insee values, COG 2024 = 2018 codes).
passage="$LAYERS/data/passage-2018-2026.csv"
$T import "$OBS" indicators "$DATA/indicateurs-cog2024-fusions-2025-2026.csv" \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage "$passage" 2>log.txt
assert_contains log.txt "COG 2018 -> 2026: 5 keys recoded, merged 2: 59006 \(59006 \+ 59070\), 80155 \(80155 \+ 80830\)"
assert_contains log.txt "keys with no commune \(outside 59, 80\): 5: 62193, 62447, 62461 \(62447\)"
pop() {
    sql "$OBS" "SELECT CAST(o.value AS INTEGER) FROM observation o
        JOIN territory t ON t.id = o.territory WHERE t.level = 'commune'
        AND t.code = '$1' AND o.variable = '$2' AND o.year = ${3:-2021}"
}
assert_eq "$(pop 59006 population_2021)" 601 "59006 = 223 + 378"
assert_eq "$(pop 80155 population_2021)" 549 "80155 = 302 + 247"
assert_eq "$(pop 80155 pop_15_64_active_2021)" 266 "80155 actifs = 140 + 126"

# The fictitious COG 2018 Somme file: 2-3 communes merged into one each.
cat >vars-fictif.csv <<'CSV'
name,label,unit,aggregate,numerator,denominator,decimals
population,Population (fictive),habitants,sum,,,0
chomeurs,Chômeurs (fictifs),personnes,sum,,,0
actifs,Actifs (fictifs),personnes,sum,,,0
taux,Taux de chômage (fictif),%,ratio,chomeurs,actifs,1
CSV
$T -q import "$OBS" variables vars-fictif.csv
$T import "$OBS" indicators "$DATA/fictif-indicateurs-somme-cog2018.csv" \
    --level commune --key insee_com --year 2020 --cog-from 2018 \
    --passage "$passage" 2>log.txt
assert_contains log.txt "merged 4: 80442 \(80389 \+ 80442\), 80485 \(80485 \+ 80594 \+ 80761\)"
assert_eq "$(pop 80442 population 2020)" 1120 "80442 = 120 + 1000"
assert_eq "$(pop 80625 population 2020)" 1350 "80625 = 150 + 300 + 900"
assert_eq "$(pop 80485 chomeurs 2020)" 80 "80485 = 15 + 25 + 40"
assert_eq "$(pop 80505 actifs 2020)" 160 "80505 = 90 + 70"
$T info "$OBS" --level commune --code 80442 >info.txt
assert_contains info.txt "taux +2020 +16,7 % +ratio of its parts"
# A merged commune missing one of its old codes gets no value, reported.
grep -v '^80389,' "$DATA/fictif-indicateurs-somme-cog2018.csv" >fictif-part.csv
$T import "$OBS" indicators fictif-part.csv --level commune \
    --key insee_com --year 2019 --cog-from 2018 --passage "$passage" 2>log.txt
assert_contains log.txt "values that cannot be mapped: 1: 80442 \(1 of its 2 old codes in the file\)"
assert_eq "$(pop 80442 population 2019)" "" "incomplete merge left missing"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '80442' AND o.year = 2019
    AND o.value IS NULL")" 3 "stored as missing, never 0"

# Failures change nothing and say where.
store_dump "$OBS" >before.sql
printf 'insee_com,population\n59350,236710\n59009,62067\n59350,236710\n' >dup.csv
run_fails 2 "dup.csv: insee_com: 1 duplicate keys: 59350 \(rows 2 and 4\)" \
    $T import "$OBS" indicators dup.csv --level commune --key insee_com --year 2022
printf 'insee_com,population\n59350,236710\n59009,beaucoup\n' >text.csv
run_fails 2 "text.csv:3: population: 'beaucoup' is not a number" \
    $T import "$OBS" indicators text.csv --level commune --key insee_com \
    --year 2022 --columns population
printf 'insee_com,population\n59350,236710\n5935,62067\n' >badkey.csv
run_fails 2 "badkey.csv:3: insee_com: '5935' is not an INSEE commune code" \
    $T import "$OBS" indicators badkey.csv --level commune --key insee_com --year 2022
printf 'insee_com,population\n59350,236710\n59999,12\n' >unknown.csv
run_fails 2 "keys with no commune in the store's own area \(59, 80\): 1: 59999" \
    $T import "$OBS" indicators unknown.csv --level commune \
    --key insee_com --year 2022 --strict
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a failed import changed the store"
# Without --strict an unknown key is reported and the rest imported.
$T import "$OBS" indicators unknown.csv --level commune --key insee_com \
    --year 2022 2>log.txt
assert_contains log.txt "join: 1 matched, 1 keys with no commune, 1417 commune with no row"
assert_eq "$(pop 59350 population 2022)" 236710 "Lille 2022"

# Latin-1 bytes (é = \351, ² = \262, no-break space = \240), ';', French
# numbers with (non-breaking) spaces, an empty cell.
printf 'Code INSEE;M\351nages 2021;Surface (km\262)\n59350;126\240020;34,83\n59009;;44,5\n59178;1 234,5;16,9\n' >latin1.csv
$T import "$OBS" indicators latin1.csv --level commune --key "code insee" \
    --year 2023 2>log.txt
assert_contains log.txt "imported latin1.csv \(Windows-1252\): 3 rows, 2 variables, 5 values \(1 empty\)"
# The name's year wins over a --year that contradicts it, with a warning
# naming both (the demo once stored population_2015 as a 2021 figure).
assert_contains log.txt "variables \(year\): menages_2021 \(2021\), surface_km2 \(2023\)"
assert_contains log.txt "warning: columns whose name says another year than --year.*Ménages 2021 is 2021, not --year 2023"
assert_contains log.txt "new variables \(aggregate 'none' until declared\): 1: surface_km2"
assert_eq "$(pop 59350 menages_2021 2021)" 126020 "non-breaking space thousands"
assert_eq "$(sql "$OBS" "SELECT o.value FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '59178' AND o.variable = 'menages_2021'
    AND o.year = 2021")" 1234.5 "1 234,5"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.code = '59009' AND o.variable = 'menages_2021'
    AND o.year = 2021 AND o.value IS NULL")" 1 "empty cell is missing"
$T import --help >/dev/null
$T import "$OBS" indicators --help >help.txt
assert_contains help.txt "--cog-from YEAR"
echo "indicators.sh: ok"
