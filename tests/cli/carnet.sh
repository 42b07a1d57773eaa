# carnet.sh - `terrobs carnet`: a PDF for a territory, its text read back
# with pdftotext; usage and input errors with their exit codes.
. "$TOB_SRC/tests/cli/lib.sh"
MQ=$(new_store mq)
SOMME=$(new_store somme)

$T init "$MQ" --srid 5490 >/dev/null 2>&1
$T load "$MQ" --level commune --src "$DATA/load/martinique-4.geojson" \
    --code code --name nom --vintage 2026 >/dev/null 2>&1

$T carnet "$MQ" --level commune --code 97209 -o fdf.pdf --date 23/11/2026 \
    2>err.txt || fail "carnet failed: $(cat err.txt)"
[ -s fdf.pdf ] || fail "no PDF"
! ls | grep -q '\.tmp' || fail "temporary file left behind"
pdftotext -layout fdf.pdf fdf.txt
assert_contains fdf.txt "Fort-de-France"
assert_contains fdf.txt "Commune · code 97209"
assert_contains fdf.txt "Édition du 23/11/2026"
# areas are French: decimal comma, U+00A0 before km²
assert_contains fdf.txt "Superficie +[0-9]+,[0-9]+ km²"
# document information for catalogues and screen readers
pdfinfo fdf.pdf >info.txt
assert_contains info.txt "Keywords: +carnet de territoire, Commune, Fort-de-France, 97209"
assert_contains info.txt "Author: +[[:alpha:]]"

# usage errors: exit 1
run_fails 1 "required" $T carnet "$MQ" --level commune -o x.pdf
run_fails 1 "vintage" $T carnet "$MQ" --level commune --code 97209 \
    --vintage 26 -o x.pdf
run_fails 1 "edition date '31/02/2026' is not a date" $T carnet "$MQ" \
    --level commune --code 97209 --date 31/02/2026 -o x.pdf
# unknown territory or level: exit 2, named
run_fails 2 "no commune with code '97299'" $T carnet "$MQ" \
    --level commune --code 97299 -o x.pdf
run_fails 2 "no level 'epci' in the store" $T carnet "$MQ" \
    --level epci --code 1 -o x.pdf
# a bad template names its line and key
printf '[carnet]\nsections = cover\n[cover]\ncolour = red\n' >bad.ini
run_fails 2 "bad.ini:4: cover.colour: unknown key" $T carnet "$MQ" \
    --level commune --code 97209 --template bad.ini -o x.pdf
[ ! -e x.pdf ] || fail "a failed carnet wrote its PDF"
# cannot write: exit 3, nothing left
run_fails 3 "nodir/x.pdf" $T carnet "$MQ" --level commune --code 97209 \
    -o nodir/x.pdf
[ ! -e nodir ] || fail "created a directory"
# A Somme EPCI with its PACTe (fictitious example data): the engaged ratio
# of its contract, counted here from the CSV without terrobs.
$T init "$SOMME" >/dev/null 2>&1
for l in departements epci communes-somme; do
    $T load "$SOMME" "$LAYERS/$l.layer" >/dev/null 2>&1
done
EX="$LAYERS/examples"
$T import "$SOMME" contracts "$EX/fictif-somme-pacte-contrats.csv" \
    >/dev/null 2>&1
$T import "$SOMME" projects "$EX/fictif-somme-pacte-projets.csv" \
    >/dev/null 2>&1
set -- $(python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"),
                                  delimiter=";")
        if r["Code contrat"] == "PACTE80-01"]
engaged = [r for r in rows if r["Statut"].lower() in ("engagé", "réalisé")]
print(len(engaged), len(rows))
' "$EX/fictif-somme-pacte-projets.csv")
[ "$2" -gt 0 ] || fail "no project of PACTE80-01 in the example"
$T carnet "$SOMME" --level epci --code 200070993 -o baie.pdf \
    --date 23/11/2026 2>err.txt || fail "carnet failed: $(cat err.txt)"
pdftotext baie.pdf baie.txt
assert_contains baie.txt "CA de la Baie de Somme"
assert_contains baie.txt "Contrats et projets"
assert_contains baie.txt "$1 projets engagés sur $2 "
assert_contains baie.txt "PACTe 2021-2026 - CA de la Baie de Somme"
# Late projects are late on the carnet's date.
assert_contains baie.txt "Projets en retard au 23/11/2026"
# A territory without contract or project says so in one line.
$T carnet "$SOMME" --level departement --code 59 -o nord.pdf \
    2>err.txt || fail "carnet failed: $(cat err.txt)"
pdftotext nord.pdf nord.txt
assert_contains nord.txt "Aucun contrat ni projet n'est enregistré"
# The locator has no source line of its own (map.footer = no): the cover
# cites the sources once.
pdftotext -f 1 -l 1 baie.pdf cover.txt
if grep -q "Réalisation" cover.txt; then
    fail "the locator repeats a source line on the cover"
fi
echo "ok"
