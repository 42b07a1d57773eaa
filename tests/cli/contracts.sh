# contracts.sh - contracts and projects through the real binary: imports of
# the example data (CSV and ODS), every validation error on small bad files
# (exit 2, FILE:ROW: COLUMN, store unchanged), re-import, templates, and the
# follow-up figures checked against python3 reading the example CSV (a path
# that shares nothing with terrobs' SQL).
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

E="$LAYERS/examples"
D="$DATA/contracts"

$T -q init "$OBS"
for layer in departements epci communes-nord; do
    $T -q load "$OBS" "$LAYERS/$layer.layer"
done
# The SCoT du Cambrésis: the dissolve of its EPCIs (layers/scot-nord.csv).
members=$(awk -F, '$2 == "S59-CA" { printf "%s'\''%s'\''", s, $5; s = "," }' \
    "$LAYERS/scot-nord.csv")
ogr2ogr -f GeoJSON scot.geojson "$OBS" -dialect sqlite -sql \
    "SELECT 'S59-CA' AS code, 'SCoT du Cambrésis' AS nom,
            ST_Union(geom) AS geom FROM epci WHERE code IN ($members)"
$T -q load "$OBS" --level scot --vintage 2026 --src scot.geojson \
    --code code --name nom

# ---- Imports of the example data ------------------------------------------
$T import "$OBS" contracts "$E/fictif-cambresis-contrat.csv" 2>log.txt
assert_contains log.txt "imported 1 contracts from .*: 9 phases and partners"
$T import "$OBS" projects "$E/fictif-cambresis-projets.csv" --year 2026 \
    2>log.txt
assert_contains log.txt "imported 280 projects .*: 214 located by commune code, 60 by point, 6 at their contract's territory"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM project")" 280 "projects"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM project WHERE geom IS NOT NULL AND ST_SRID(geom) = 2154")" \
    60 "points reprojected to Lambert-93"
assert_eq "$(sql "$OBS" "SELECT kind || ' ' || n_items FROM source WHERE kind = 'projects'")" \
    "projects 280" "provenance"

# ---- Independent figures: python3 over the CSV ------------------------------
python3 - "$E/fictif-cambresis-projets.csv" "$LAYERS/data/communes-59-nord.geojson" \
    >expected.txt <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter=";"))
num = lambda s: float(s.replace(",", ".")) if s else 0.0
iso = lambda d: d[6:] + d[3:5] + d[:2] if d else ""
def money(v):
    s = "{:,.0f}".format(round(v)).replace(",", "\u00a0")
    return s + "\u00a0€"
engaged = [r for r in rows if r["Statut"] in ("engagé", "réalisé")]
kept = [r for r in rows if r["Statut"] != "abandonné"]
late = [r for r in rows if r["Statut"] in ("prévu", "engagé")
        and r["Date fin"] and iso(r["Date fin"]) < "20151231"]
print("ratio %d projets engagés sur %d" % (len(engaged), len(rows)))
print("cost Coût des projets engagés : %s sur un coût total de %s" % (
    money(sum(num(r["Coût total"]) for r in engaged)),
    money(sum(num(r["Coût total"]) for r in kept))))
print("late Projets en retard au 31/12/2015 : %d" % len(late))
n_eng = sum(r["Statut"] == "engagé" for r in rows)
print("status Engagé;%d;%d" % (n_eng, round(sum(num(r["Coût total"]) for r in rows
                                              if r["Statut"] == "engagé"))))
dep = sum(num(r["financement:Département du Nord"]) for r in kept)
print("funding Département du Nord;%d" % round(dep))
# Per EPCI: by commune code, or the commune polygon holding the point.
feats = json.load(open(sys.argv[2], encoding="utf-8"))["features"]
def inside(x, y, g):
    polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
    def ring(r):
        c, j = False, len(r) - 1
        for i in range(len(r)):
            (xi, yi), (xj, yj) = r[i], r[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                c = not c
            j = i
        return c
    return any(ring(p[0]) and not any(ring(h) for h in p[1:]) for p in polys)
epci_of = {f["properties"]["code"]: f["properties"]["siren_epci"] for f in feats}
count = {}
for r in kept:
    code = r["Commune"]
    if not code and r["Longitude"]:
        x, y = num(r["Longitude"]), num(r["Latitude"])
        code = next(f["properties"]["code"] for f in feats
                    if inside(x, y, f["geometry"]))
    if code:
        count[epci_of[code]] = count.get(epci_of[code], 0) + 1
for e in sorted(count):
    print("epci %s;%d" % (e, count[e]))
EOF
line() { grep "^$1 " expected.txt | cut -d' ' -f2-; }

$T report "$OBS" contracts --level scot --code S59-CA --date 31/12/2015 \
    >report.txt
assert_contains report.txt "^$(line ratio) \(32,5.%\), dont 29 réalisés ; 14 abandonnés"
assert_eq "$(line ratio)" "91 projets engagés sur 280" "engaged ratio"
assert_contains report.txt "^$(line cost) \("
assert_contains report.txt "^$(line late) \("
assert_contains report.txt "^Clause de revoyure +26/06/2015$"
# The same contract reached from the département (the SCoT lies inside).
$T report "$OBS" contracts --level departement --code 59 \
    --date 31/12/2015 >dep.txt
assert_contains dep.txt "Contrat de territoire du Cambrésis 2012-2017"

# CSV: ';', numbers without separators, decimal commas.
$T report "$OBS" contracts --level scot --code S59-CA --date 31/12/2015 \
    --format csv >report.csv
assert_contains report.csv "^$(line status)$"
assert_contains report.csv "^$(line funding);[0-9]+,[0-9];"
# ODS: typed cells, one sheet per table.
$T -q report "$OBS" contracts --level scot --code S59-CA \
    --date 31/12/2015 -o report.ods
ogrinfo -ro -q report.ods >sheets.txt
assert_contains sheets.txt "Projets par statut"
ogrinfo -ro report.ods "2 Projets par statut" >status.txt
assert_contains status.txt "Projets \(Integer\) = $(line status | cut -d';' -f2)$"

# Projects per EPCI against python's point-in-polygon.
$T report "$OBS" projects --level epci --format csv >epci.csv
for e in $(grep '^epci ' expected.txt | cut -d' ' -f2); do
    code=${e%;*}
    assert_contains epci.csv "^$code;[^;]*;${e#*;};"
done
# Observations for maps and carnets: the SCoT holds all 266 kept projects,
# the communes all but the 6 at the contract's territory.
assert_eq "$(sql "$OBS" "SELECT value FROM observation o JOIN territory t ON t.id = o.territory WHERE t.code = 'S59-CA' AND variable = 'projets_engages' AND year = 2026")" \
    91.0 "projets_engages of the SCoT"
assert_eq "$(sql "$OBS" "SELECT sum(value) FROM observation o JOIN territory t ON t.id = o.territory WHERE t.level = 'commune' AND variable = 'projets_nombre' AND year = 2026")" \
    260.0 "projets_nombre over communes"

# ---- Every validation error: exit 2, FILE:ROW: COLUMN, store unchanged ------
store_dump "$OBS" >before.sql
imp() { $T import "$OBS" "$@"; }
run_fails 2 "bad-date.csv:3: Date fin: '31/02/2025' is not a valid date" \
    imp contracts "$D/bad-date.csv"
run_fails 2 "unknown-territory.csv:3: Code territoire: unknown territory: no commune with code '59999'" \
    imp contracts "$D/unknown-territory.csv"
run_fails 2 "unknown-level.csv:2: Code territoire: unknown level 'canton'.*levels: commune, departement, epci, scot" \
    imp contracts "$D/unknown-level.csv"
run_fails 2 "unknown-kind.csv:3: Type: 'contrat de plan' is not a contract type \(Contrat de territoire, PACTe" \
    imp contracts "$D/unknown-kind.csv"
run_fails 2 "negative-budget.csv:2: Budget: '-1000' is negative" \
    imp contracts "$D/negative-budget.csv"
run_fails 2 "missing-column.csv: Code territoire: missing column 'Code territoire'" \
    imp contracts "$D/missing-column.csv"
run_fails 2 "fictif-cambresis-contrat.csv:2: Code contrat: contract 'CT59-CAMBRESIS' is already in the store .*use --replace" \
    imp contracts "$E/fictif-cambresis-contrat.csv"
run_fails 2 "unknown-contract.csv:3: Code contrat: unknown contract 'CT-NOPE'" \
    imp projects "$D/unknown-contract.csv"
run_fails 2 "negative-cost.csv:3: Coût total: '-1500' is negative" \
    imp projects "$D/negative-cost.csv"
run_fails 2 "unknown-status.csv:2: Statut: 'fini' is not a status \(Prévu, Engagé, Réalisé, Abandonné\)" \
    imp projects "$D/unknown-status.csv"
run_fails 2 "bad-project-date.csv:3: Date fin: '30/02/2016' is not a valid date" \
    imp projects "$D/bad-project-date.csv"
run_fails 2 "funding-over-cost.csv:2: Coût total: funding lines sum to 1.100,00.€, more than the total cost 1.000,00.€" \
    imp projects "$D/funding-over-cost.csv"
run_fails 2 "half-point.csv:2: Latitude: is empty: a point needs both" \
    imp projects "$D/half-point.csv"
run_fails 2 "duplicate-project.csv:3: Code projet: duplicate project 'CT59-CAMBRESIS / X1' \(rows 2 and 3\)" \
    imp projects "$D/duplicate-project.csv"
run_fails 2 "unknown-commune.csv:2: Commune: unknown territory: no commune with code '62193'" \
    imp projects "$D/unknown-commune.csv"
run_fails 2 "example-row.csv:2: Note: this is the template's fictitious example row" \
    imp projects "$D/example-row.csv"
run_fails 2 "fictif-cambresis-projets.csv:2: Code projet: project 'CT59-CAMBRESIS / P001' is already in the store" \
    imp projects "$E/fictif-cambresis-projets.csv"
run_fails 2 "no such file|cannot|not" imp projects "$D/absent.csv"
run_fails 1 "unknown kind" $T import "$OBS" contrats "$D/bad-date.csv"
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a failed import changed the store"

# ---- Accepted spellings, re-import with --replace, ODS input -----------------
$T -q import "$OBS" projects "$D/unaccented.csv"
assert_eq "$(sql "$OBS" "SELECT group_concat(status, ' ') FROM (SELECT status FROM project WHERE code LIKE 'X%' ORDER BY code)")" \
    "engage realise abandonne engage" "statuses without accents"
assert_eq "$(sql "$OBS" "SELECT total_cost FROM project WHERE code = 'X1'")" \
    1000.5 "French amount"
$T import "$OBS" projects "$E/fictif-cambresis-projets.csv" --replace \
    2>log.txt
assert_contains log.txt "imported 280 projects .* \(284 replaced\)"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM project")" 280 \
    "--replace keeps only the file's projects"
$T -q import "$OBS" contracts "$E/fictif-cambresis-contrat.csv" --replace
assert_eq "$(sql "$OBS" "SELECT count(*) FROM project")" 280 \
    "a replaced contract keeps its projects"
# The same projects from ODS and XLSX give the same rows.
sql "$OBS" "SELECT code, title, total_cost, status, end_date FROM project ORDER BY code" >csv-rows.txt
for ext in ods xlsx; do
    ogr2ogr -f "$(echo $ext | tr a-z A-Z)" "projets.$ext" \
        "$E/fictif-cambresis-projets.csv"
    $T -q import "$OBS" projects "projets.$ext" --replace
    sql "$OBS" "SELECT code, title, total_cost, status, end_date FROM project ORDER BY code" >rows.txt
    cmp -s csv-rows.txt rows.txt || fail "$ext import differs from the CSV"
done

# ---- Templates -----------------------------------------------------------
for kind in contracts projects gup-sites gup-actions gup-reports; do
    $T template "$kind" >"t-$kind.csv"
    cmp -s "t-$kind.csv" "$LAYERS/templates/$kind.csv" ||
        fail "layers/templates/$kind.csv is not 'terrobs template $kind'"
    $T import "$kind" --help >help.txt
    for h in $(head -1 "t-$kind.csv" | tr ';' '\n' | cut -d: -f1 |
        tr ' ' '_' | sort -u); do
        grep -q "$(echo "$h" | tr '_' ' ')" help.txt ||
            fail "import $kind --help does not document '$h'"
    done
done
$T -q template projects -o t.ods
run_fails 2 "t.ods:2: Note: this is the template's fictitious example row" \
    $T import "$OBS" projects t.ods
run_fails 1 "must end in .csv, .xlsx or .ods" $T template projects -o t.txt
echo "contracts.sh: ok"
