# gup.sh - GUP sites, actions and signalements through the real binary:
# imports of the Calais examples, validation errors (exit 2, FILE:ROW:
# COLUMN, store unchanged), the dashboard's figures against python3 reading
# the CSV, formula neutralisation in CSV reports; then the other example
# stores (Somme PACTe, La Seyne NPNRU + GUP, CACEM in EPSG:5490).
. "$TOB_SRC/tests/cli/lib.sh"
CAL=$(new_store cal)
MQ=$(new_store mq)
SEYNE=$(new_store seyne)
SOMME=$(new_store somme)

E="$LAYERS/examples"
D="$DATA/contracts"

# qpv_layer COMMUNES.geojson INSEE...: the QPV 2024 of these communes (real
# codes and names) with their commune's polygon as a stand-in geometry.
qpv_layer() {
    communes=$1
    shift
    python3 "$TOB_SRC/tools/qpv-standin.py" \
        "$LAYERS/data/qpv2024-communes.csv" "$communes" -- "$@" >qpv.geojson
}

$T -q init "$CAL"
$T -q load "$CAL" "$LAYERS/communes-calais.layer"
qpv_layer "$LAYERS/data/communes-62-calais.geojson" 62193
$T -q load "$CAL" --level qpv --vintage 2024 --src qpv.geojson \
    --code code --name nom

$T import "$CAL" gup-sites "$E/fictif-calais-gup-sites.csv" 2>log.txt
assert_contains log.txt "imported 3 gup-sites .*: 17 perimeter members and referents"
$T -q import "$CAL" gup-actions "$E/fictif-calais-gup-actions.csv"
$T -q import "$CAL" gup-reports "$E/fictif-calais-gup-signalements.csv"
n=$(($(wc -l <"$E/fictif-calais-gup-signalements.csv") - 1))
assert_eq "$(sql "$CAL" "SELECT count(*) FROM gup_report")" "$n" \
    "signalements"
assert_eq "$(sql "$CAL" "SELECT m.level || ' ' || m.code FROM gup_site_member m JOIN gup_site s ON s.id = m.site WHERE s.code = 'CAL-BEAU-MARAIS'")" \
    "qpv QN06254M" "perimeter"

# ---- The dashboard against python3 -----------------------------------------
python3 - "$E" CAL-BEAU-MARAIS 2025-12-31 >expected.txt <<'EOF'
import csv, datetime as dt, statistics, sys
folder, site, ref = sys.argv[1:4]
def rows(name):
    with open(folder + "/fictif-calais-" + name, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter=";")
                if r["Code site"] == site]
def day(d):
    return dt.date(int(d[6:]), int(d[3:5]), int(d[:2])) if d else None
ref = dt.date.fromisoformat(ref)
reports = [r for r in rows("gup-signalements.csv") if day(r["Date"]) <= ref]
actions = rows("gup-actions.csv")
labels = {"renouvellement urbain": "Renouvellement urbain",
          "cadre de vie et espaces publics": "Cadre de vie et espaces publics",
          "habitat": "Habitat", "vie de quartier": "Vie de quartier",
          "fragilités sociales": "Fragilités sociales",
          "tranquillité publique": "Tranquillité publique"}
def fr(x):
    return ("%d" % x) if x == int(x) else ("%.1f" % x).replace(".", ",")
for volet, label in labels.items():
    rs = [r for r in reports if r["Volet"] == volet]
    closed = [r for r in rs if r["Date clôture"] and day(r["Date clôture"]) <= ref]
    delays = [(day(r["Date clôture"]) - day(r["Date"])).days for r in closed]
    acts = [a for a in actions if a["Volet"] == volet]
    late = [a for a in acts if a["Statut"] in ("prévu", "engagé")
            and a["Échéance"] and day(a["Échéance"]) < ref]
    done = [a for a in acts if a["Statut"] == "réalisé"]
    print("%s;%d;%d;%d;%s;%d;%d;%d" % (
        label, len(rs), len(rs) - len(closed), len(closed),
        fr(statistics.median(delays)) if delays else "", len(acts),
        len(done), len(late)))
EOF
$T report "$CAL" gup --site CAL-BEAU-MARAIS --date 31/12/2025 \
    --format csv >gup.csv
while IFS= read -r want; do
    grep -qxF -- "$want" gup.csv || {
        cat gup.csv >&2
        fail "gup.csv lacks '$want'"
    }
done <expected.txt
$T report "$CAL" gup --site CAL-BEAU-MARAIS --date 31/12/2025 >gup.txt
assert_contains gup.txt "^Gestion urbaine de proximité - Beau Marais \(CAL-BEAU-MARAIS\)$"
assert_contains gup.txt "^Commune : Calais \(62193\) - périmètre : qpv QN06254M"
assert_contains gup.txt "^Actions en retard au 31/12/2025$"
# A later date sees more signalements and more overdue actions.
$T report "$CAL" gup --site CAL-BEAU-MARAIS --date 30/06/2025 >early.txt
[ "$(grep -c . early.txt)" -gt 5 ] || fail "no report at 30/06/2025"
cmp -s early.txt gup.txt && fail "--date changes nothing"
run_fails 2 "no GUP site 'CAL-NOPE' \(sites: CAL-BEAU-MARAIS, CAL-CENTRE-VILLE, CAL-FORT-NIEULAY\)" \
    $T report "$CAL" gup --site CAL-NOPE
run_fails 1 "--date: '31/02/2025' is not a valid date" \
    $T report "$CAL" gup --site CAL-BEAU-MARAIS --date 31/02/2025
run_fails 1 "an ODS report needs -o" \
    $T report "$CAL" gup --site CAL-BEAU-MARAIS --format ods

# ---- Validation errors ------------------------------------------------------
store_dump "$CAL" >before.sql
imp() { $T import "$CAL" "$@"; }
run_fails 2 "unknown-volet.csv:3: Volet: 'propreté' is not a volet \(Renouvellement urbain, Cadre de vie et espaces publics" \
    imp gup-actions "$D/unknown-volet.csv"
run_fails 2 "unknown-site.csv:2: Code site: unknown site 'CAL-NOPE'" \
    imp gup-actions "$D/unknown-site.csv"
run_fails 2 "unknown-referent.csv:2: Référent: 'Police' is not a referent of site 'CAL-BEAU-MARAIS' \(referents: Bailleur, CLSPD, Centre social, MOUS, Ville\)" \
    imp gup-actions "$D/unknown-referent.csv"
run_fails 2 "closed-before.csv:3: Date clôture: is before the signalement's date" \
    imp gup-reports "$D/closed-before.csv"
run_fails 2 "closed-no-date.csv:2: Date clôture: is empty" \
    imp gup-reports "$D/closed-no-date.csv"
run_fails 2 "report-bad-volet.csv:2: Volet: 'tranquilite publique' is not a volet" \
    imp gup-reports "$D/report-bad-volet.csv"
run_fails 2 "fictif-calais-gup-sites.csv:2: Code site: site 'CAL-BEAU-MARAIS' is already in the store" \
    imp gup-sites "$E/fictif-calais-gup-sites.csv"
run_fails 2 "fictif-calais-gup-actions.csv:2: Code action: 'CAL-BEAU-MARAIS / A01' is already in the store" \
    imp gup-actions "$E/fictif-calais-gup-actions.csv"
store_dump "$CAL" >after.sql
cmp -s before.sql after.sql || fail "a failed import changed the store"

$T -q import "$CAL" gup-reports "$D/report-forms.csv"
assert_eq "$(sql "$CAL" "SELECT group_concat(volet || ' ' || status, ', ') FROM (SELECT volet, status FROM gup_report WHERE code LIKE 'T%' ORDER BY code)")" \
    "tranquillite_publique ouvert, cadre_de_vie clos" "accepted spellings"
$T import "$CAL" gup-reports "$E/fictif-calais-gup-signalements.csv" \
    --replace 2>log.txt
assert_contains log.txt "\(636 replaced\)"

# Cells that a spreadsheet would run as formulas are neutralised in CSV.
$T -q import "$CAL" gup-sites "$D/formula-site.csv"
$T report "$CAL" gup --site T-SITE --format csv >formula.csv
assert_contains formula.csv "^Ville;'=1\+2;0;"
assert_contains formula.csv "^Bailleur;'@SUM\(A1\);0;"
grep -Eq '(^|;)[=@+-]' formula.csv && fail "a CSV cell starts with = @ + -"
$T -q report "$CAL" gup --site T-SITE -o formula.ods
ogrinfo -ro formula.ods "2 Par référent" >formula-ods.txt
assert_contains formula-ods.txt "Référent \(String\) = '=1\+2$"

# ---- The other examples: Somme PACTe, La Seyne, CACEM -----------------------
$T -q init "$SOMME"
for layer in epci communes-somme; do
    $T -q load "$SOMME" "$LAYERS/$layer.layer"
done
$T -q import "$SOMME" contracts "$E/fictif-somme-pacte-contrats.csv"
$T -q import "$SOMME" projects "$E/fictif-somme-pacte-projets.csv"
assert_eq "$(sql "$SOMME" "SELECT count(*) FROM contract")" 16 "PACTe"
$T report "$SOMME" contracts --level epci --code 200070944 >vimeu.txt
assert_contains vimeu.txt "^PACTe 2021-2026 - CC du Vimeu \(PACTE80-"

$T -q init "$SEYNE"
$T -q load "$SEYNE" "$LAYERS/communes-var.layer"
qpv_layer "$LAYERS/data/communes-83-toulon-provence-mediterranee.geojson" 83126
$T -q load "$SEYNE" --level qpv --vintage 2024 --src qpv.geojson \
    --code code --name nom
for kind in contrat projets gup-sites gup-actions gup-signalements; do
    case $kind in
    contrat) k=contracts ;; projets) k=projects ;;
    gup-signalements) k=gup-reports ;; *) k=$kind ;;
    esac
    $T -q import "$SEYNE" "$k" "$E/fictif-la-seyne-$kind.csv"
done
$T report "$SEYNE" gup --site SEY-NORD --date 31/12/2025 >nord.txt
assert_contains nord.txt "périmètre : qpv QN08308M"
$T report "$SEYNE" contracts --level commune --code 83126 >npnru.txt
assert_contains npnru.txt "^Convention NPNRU - territoire : La Seyne-sur-Mer"

$T -q init --srid 5490 "$MQ"
$T -q load "$MQ" "$LAYERS/communes-martinique.layer"
$T -q load "$MQ" "$LAYERS/epci.layer" --where "siren_epci IN ('249720061', '249720053', '200041788')"
$T -q import "$MQ" contracts "$E/fictif-cacem-contrat.csv"
$T -q import "$MQ" projects "$E/fictif-cacem-projets.csv"
assert_eq "$(sql "$MQ" "SELECT count(*) FROM project WHERE ST_SRID(geom) = 5490")" \
    12 "CACEM points in EPSG:5490"
$T report "$MQ" projects --level commune --contract CV972-CACEM >mq.txt
assert_contains mq.txt "^97209 +Fort-de-France"
echo "gup.sh: ok"
