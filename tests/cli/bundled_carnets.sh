# bundled_carnets.sh - every bundled case gives a whole carnet: the demo's
# store (tools/demo.sh steps 1-5: layers, relations, zones, QPV list,
# indicators, aggregates, contracts, projects, GUP; Martinique in its own
# store) and the carnets of the Somme's three PACTe zones (Picardie
# Maritime's EPCIs reach into the Seine-Maritime), the Cambrésis and
# Flandre intérieure SCoT, Nord EPCIs (CA de Cambrai, CC Flandre Lys with
# its Pas-de-Calais communes), the Calais agglomeration, La Seyne-sur-Mer
# and the CACEM. No section may lack values: no "sans valeur", no
# "Non disponible", no "n.d." cell, and the key figures show a population.
. "$TOB_SRC/tests/cli/lib.sh"

D="$LAYERS/data"
EX="$LAYERS/examples"
O=obs.sqlite
M=mq.sqlite
{
    $T init $O
    $T load $O "$LAYERS/departements.layer"
    $T load $O "$LAYERS/epci.layer"
    $T load $O "$LAYERS/communes-nord.layer"
    for l in communes-somme communes-calais communes-var \
        communes-epci-hors-sample communes-martinique; do
        $T load $O "$LAYERS/$l.layer" --append
    done
    $T relate $O --child commune --parent epci
    $T relate $O --child commune --parent departement --spatial
    $T zone $O "$LAYERS/scot-nord.csv"
    $T zone $O "$LAYERS/zones-somme-pacte.csv"
    $T import $O territories "$D/qpv2024-communes.csv" --level qpv \
        --code code_qp --name lib_qp --vintage 2024 \
        --parent-level commune --parent-key insee_com
    $T import $O variables "$LAYERS/variables.csv"
    $T import $O indicators "$D/indicateurs-communes.csv" --level commune \
        --key insee_com --cog-from 2018 --passage "$D/passage-2018-2026.csv" \
        --partial-merges
} >log.txt 2>&1 || { cat log.txt >&2; fail "building the demo's store"; }
for to in epci scot zone departement; do
    $T aggregate $O --from commune --to $to 2>agg-$to.txt
done
# Every EPCI, SCoT and zone has all its members (the départements 76 and 02
# are not in the sample: only 62 and 83, partly covered, may miss some).
assert_contains agg-epci.txt ": 312 values of 8 variables for 39 territories"
assert_contains agg-scot.txt ": 56 values of 8 variables for 7 territories"
assert_contains agg-zone.txt ": 24 values of 8 variables for 3 territories"
for to in epci scot zone; do
    if grep -E "warning|no value|not computed" agg-$to.txt >&2; then
        fail "aggregate to $to: some territory left without values"
    fi
done
{
    for p in cambresis:contrat somme-pacte:contrats la-seyne:contrat; do
        $T import $O contracts "$EX/fictif-${p%%:*}-${p#*:}.csv"
    done
    for p in cambresis somme-pacte la-seyne; do
        $T import $O projects "$EX/fictif-$p-projets.csv"
    done
    for p in calais la-seyne; do
        $T import $O gup-sites "$EX/fictif-$p-gup-sites.csv"
        $T import $O gup-actions "$EX/fictif-$p-gup-actions.csv"
        $T import $O gup-reports "$EX/fictif-$p-gup-signalements.csv"
    done
    $T init --srid 5490 $M
    $T load $M "$LAYERS/communes-martinique.layer"
    $T load $M "$LAYERS/epci.layer" --where "departements = '972'"
    $T load $M "$LAYERS/departements.layer" --where "code = '972'"
    $T relate $M --child commune --parent epci
    $T relate $M --child commune --parent departement --spatial
    $T import $M variables "$LAYERS/variables.csv"
    $T import $M indicators "$D/indicateurs-communes.csv" --level commune \
        --key insee_com
    $T aggregate $M --from commune --to epci
    $T import $M contracts "$EX/fictif-cacem-contrat.csv"
    $T import $M projects "$EX/fictif-cacem-projets.csv"
} >log.txt 2>&1 || { cat log.txt >&2; fail "follow-up and Martinique store"; }

# STORE LEVEL CODE NAME: the carnet, its text, and the checks.
check() {
    $T carnet "$1" --level "$2" --code "$3" --date 23/11/2026 -o "$3.pdf" \
        2>"$3.err" || { cat "$3.err" >&2; fail "carnet $2 $3"; }
    pdftotext -layout "$3.pdf" "$3.txt"
    assert_contains "$3.txt" "$4"
    assert_contains "$3.txt" "^Chiffres clés"
    assert_contains "$3.txt" "[0-9] habitants"
    for bad in "sans valeur" "Non disponible" "membres +[0-9 ]+ sur [0-9]"; do
        if grep -Eq -- "$bad" "$3.txt"; then
            grep -E -- "$bad" "$3.txt" >&2
            fail "carnet $2 $3 ($4): /$bad/"
        fi
    done
    if sed 's/« n\.d\. »//g' "$3.txt" | grep -q 'n\.d\.'; then
        grep -n 'n\.d\.' "$3.txt" >&2
        fail "carnet $2 $3 ($4): a value n.d."
    fi
    if grep -Ei "warning|left out" "$3.err" >&2; then
        fail "carnet $2 $3 ($4): warned"
    fi
}
check $O zone Z80-PM "Picardie Maritime"
check $O zone Z80-GA "Grand Amiénois"
check $O zone Z80-SHS "Santerre-Haute Somme"
check $O scot S59-CA "SCoT du Cambrésis"
check $O scot S59-FI "SCoT de Flandre intérieure"
check $O epci 200068500 "CA de Cambrai"
check $O epci 245900758 "CC Flandre Lys"
check $O epci 200069672 "CC du Ternois"
check $O epci 200090751 "CA Grand Calais Terres et Mers"
check $O commune 62193 "Calais"
check $O commune 83126 "La Seyne-sur-Mer"
check $M epci 249720061 "CA du Centre de la Martinique"

# Picardie Maritime: 210 communes, the population of the comparateur rows
# of its five EPCIs' members (computed here, not through terrobs).
python3 - "$D" "$LAYERS/zones-somme-pacte.csv" >pm.txt <<'PY'
import csv, json, sys
d, zones = sys.argv[1:]
epci = {r["member_code"] for r in csv.DictReader(open(zones, encoding="utf-8"))
        if r["zone_code"] == "Z80-PM"}
com = set()
for f in ("communes-80-somme", "communes-epci-hors-sample"):
    for ft in json.load(open("%s/%s.geojson" % (d, f)))["features"]:
        if ft["properties"]["siren_epci"] in epci:
            com.add(ft["properties"]["code"])
to26 = {r["code_2018"]: r["code_2026"]
        for r in csv.DictReader(open(d + "/passage-2018-2026.csv", encoding="utf-8-sig"))}
pop = sum(int(r["population_2021"])
          for r in csv.DictReader(open(d + "/indicateurs-communes.csv", encoding="utf-8"))
          if to26.get(r["insee_com"], r["insee_com"]) in com)
n = "{:,}".format(pop).replace(",", " ")
print(len(com), n)
PY
read -r n pop <pm.txt
assert_eq "$n" 210 "communes of Picardie Maritime"
tr -s ' ' <Z80-PM.txt >pm-flat.txt
assert_contains pm-flat.txt "Communes membres $n$"
assert_contains pm-flat.txt "km² $pop habitants"
# A series named by year (population_2015, population_2021) is titled
# without any of its years, not with the first variable's label.
assert_contains pm-flat.txt "Population municipale \\(base 100 en 2015\\)"
if grep -q "Population municipale 2015 (" pm-flat.txt; then
    fail "Z80-PM: the evolution is titled with its first year's label"
fi
