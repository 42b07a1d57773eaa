# carnet_nord.sh - the carnets of a Nord EPCI (CA de Cambrai) and of a Nord
# SCoT (Cambrésis) on the bundled sample: the PDF's text holds the name,
# the population in French format and the rank, both computed here from
# the CSV and GeoJSON with python3 (not through terrobs), and the engaged
# ratio of the Cambrésis contract counted from the projects file.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

D="$LAYERS/data"
$T init "$OBS" >/dev/null 2>&1
for l in departements epci communes-nord; do
    $T load "$OBS" "$LAYERS/$l.layer" >/dev/null 2>&1
done
$T relate "$OBS" --child commune --parent epci >/dev/null 2>&1
$T zone "$OBS" "$LAYERS/scot-nord.csv" >/dev/null 2>&1
# A region above the Nord, for the carnets' references.
$T relate "$OBS" --child commune --parent departement --spatial \
    >/dev/null 2>&1
printf '%s\n' zone_level,zone_code,zone_name,member_level,member_code \
    region,32,Hauts-de-France,departement,59 >region.csv
$T zone "$OBS" region.csv >/dev/null 2>&1
$T import "$OBS" variables "$LAYERS/variables.csv" >/dev/null 2>&1
$T import "$OBS" indicators "$D/indicateurs-communes.csv" --level commune \
    --key insee_com --year 2021 --cog-from 2018 \
    --passage "$D/passage-2018-2026.csv" --partial-merges >/dev/null 2>&1
EX="$LAYERS/examples"
$T import "$OBS" contracts "$EX/fictif-cambresis-contrat.csv" >/dev/null 2>&1
$T import "$OBS" projects "$EX/fictif-cambresis-projets.csv" >/dev/null 2>&1

# Population 2021 of every EPCI wholly in the Nord and of every SCoT made of
# them (others are partly outside the store: no value, no rank), from the
# indicator CSV (codes mapped to 2026 with the passage table) and the
# communes' EPCI in the GeoJSON. Prints "CODE POPULATION RANK N" lines.
python3 - "$D" "$LAYERS/scot-nord.csv" >expected.txt <<'EOF'
import csv, json, sys
d, scot_csv = sys.argv[1], sys.argv[2]
communes = {f["properties"]["code"]: f["properties"]["siren_epci"]
            for f in json.load(open(d + "/communes-59-nord.geojson"))["features"]}
passage = {r["code_2018"]: r["code_2026"]
           for r in csv.DictReader(open(d + "/passage-2018-2026.csv"))}
epci_pop = {}
for r in csv.DictReader(open(d + "/indicateurs-communes.csv", encoding="utf-8")):
    code = r["insee_com"] if r["insee_com"] in communes else passage.get(r["insee_com"])
    if code in communes and r["population_2021"]:
        siren = communes[code]
        epci_pop[siren] = epci_pop.get(siren, 0) + int(r["population_2021"])
whole = {f["properties"]["siren_epci"]
         for f in json.load(open(d + "/epci-2026.geojson"))["features"]
         if f["properties"]["departements"] == "59"}
epci = {k: v for k, v in epci_pop.items() if k in whole}
members = {}
for r in csv.DictReader(open(scot_csv, encoding="utf-8")):
    members.setdefault(r["zone_code"], []).append(r["member_code"])
scot = {z: sum(epci[m] for m in ms) for z, ms in members.items()
        if all(m in epci for m in ms)}
for table in (epci, scot):
    ranked = sorted(table.values(), reverse=True)
    for code, pop in table.items():
        print(code, pop, ranked.index(pop) + 1, len(ranked))
print("region", sum(epci_pop.values()))
n_epci = len(json.load(open(d + "/epci-2026.geojson"))["features"])
print("level", sum(epci.values()), len(epci), n_epci)
EOF

# ENGAGED TOTAL of the Cambrésis contract, from the projects file.
python3 - "$EX/fictif-cambresis-projets.csv" >ratio.txt <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter=";"))
engaged = [r for r in rows if r["Statut"].strip().lower() in ("engagé", "réalisé")]
print(len(engaged), len(rows))
EOF
read -r engaged total <ratio.txt
assert_eq "$engaged $total" "91 280" "the example contract"

french() { # 158753 -> "158 753" (pdftotext gives U+00A0 as a space)
    echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\| \)/\1 \2\3/' -e 'ta'
}

# With the population alone in the key figures, its rank is the only one.
printf '%s\n' '[carnet]' 'sections = cover, figures' '[figures]' \
    'indicators = population_2021' 'references = departement, region, store' \
    >rank.ini

check() { # LEVEL CODE NAME PLURAL
    set -- "$1" "$2" "$3" "$4" $(grep "^$2 " expected.txt)
    [ -n "${6:-}" ] || fail "$2 has no expected population"
    $T carnet "$OBS" --level "$1" --code "$2" -o "$2.pdf" \
        --date 23/11/2026 2>err.txt || fail "carnet $2: $(cat err.txt)"
    pdftotext "$2.pdf" - | sed 's/\xc2\xa0/ /g' >"$2.txt"
    assert_contains "$2.txt" "$3"
    assert_contains "$2.txt" "^$(french "$6") habitants"
    $T carnet "$OBS" --level "$1" --code "$2" -o "$2-rank.pdf" \
        --template rank.ini 2>err.txt || fail "carnet $2: $(cat err.txt)"
    pdftotext "$2-rank.pdf" - | sed 's/\xc2\xa0/ /g' >"$2-rank.txt"
    assert_contains "$2-rank.txt" "^$(french "$6") habitants"
    assert_eq "$(grep -c '^Rang' "$2-rank.txt")" 1 "rank lines"
    assert_contains "$2-rank.txt" "^Rang : $7(er|e) sur $8 $4\$"
}
check epci 200068500 "CA de Cambrai" EPCI
# The Nord, and the region above it (the département's parent): the sum of
# all the Nord's communes; and the EPCIs with a value, said to be fewer than
# all those of the store. Lines may wrap.
set -- $(grep "^region " expected.txt)
tr '\n' ' ' <200068500-rank.txt | sed 's/  */ /g' >one-line.txt
assert_contains one-line.txt "Hauts-de-France : $(french "$2") habitants"
assert_contains one-line.txt "Nord : $(french "$2") habitants"
set -- $(grep "^level " expected.txt)
assert_contains one-line.txt \
    "Ensemble des $3 EPCI renseignés \(sur $4\) : $(french "$2") habitants"
check scot S59-CA "SCoT du Cambrésis" SCoT
assert_contains S59-CA.txt "$engaged projets engagés sur $total "
# The EPCI's own carnet: projects placed in its communes, any contract.
assert_contains 200068500.txt "Projets engagés"
# The atlas of the SCoTs: its index shows each one's key figures, the
# population of the Cambrésis as computed above, sortable on its raw value.
$T atlas "$OBS" --level scot -o atlas --date 23/11/2026 2>err.txt ||
    fail "atlas: $(cat err.txt)"
set -- $(grep "^S59-CA " expected.txt)
grep 'S59-CA-scot-du-cambresis.pdf' atlas/index.html | sed 's/\xc2\xa0/ /g' \
    >row.txt
assert_contains atlas/index.html 'Population municipale 2021 \(habitants\)'
assert_contains row.txt "data-v=\"$2\">$(french "$2")</td>"
echo "ok"
