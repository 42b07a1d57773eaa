# carnet_layout.sh - what an editor checks on a real carnet of the bundled
# Somme sample: no page ends with a heading (read back with pdftotext
# -bbox: the last line of each page is not in a heading's type size), no
# table of empty phase dates, and counts in French ("aucun projet", no
# "0 projet engagé sur 0").
. "$TOB_SRC/tests/cli/lib.sh"
SOMME=$(new_store somme)

$T init "$SOMME" >/dev/null 2>&1
for l in departements epci communes-somme; do
    $T load "$SOMME" "$LAYERS/$l.layer" >/dev/null 2>&1
done
$T relate "$SOMME" --child commune --parent epci >/dev/null 2>&1
$T import "$SOMME" variables "$LAYERS/variables.csv" >/dev/null 2>&1
$T import "$SOMME" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com >/dev/null 2>&1
$T aggregate "$SOMME" --from commune --to epci >/dev/null 2>&1
EX="$LAYERS/examples"
$T import "$SOMME" contracts "$EX/fictif-somme-pacte-contrats.csv" \
    >/dev/null 2>&1
$T import "$SOMME" projects "$EX/fictif-somme-pacte-projets.csv" \
    >/dev/null 2>&1
# A contract with no phase date and no project, for Amiens Métropole.
cat >sans-phases.csv <<'EOF'
Code contrat;Type;Intitulé;Niveau;Code territoire;Date début;Date fin;Diagnostic partagé;Cadre d'action stratégique;Plan d'actions;Clause de revoyure;Partenaires;Budget;Note
TEST80-AM;contrat de territoire;Contrat sans phases - Amiens Métropole;epci;248000531;01/01/2024;31/12/2029;;;;;Département de la Somme;1000000;Données fictives (test)
EOF
$T import "$SOMME" contracts sans-phases.csv >/dev/null 2>err.txt ||
    fail "import failed: $(cat err.txt)"

# The last line of each page, with its height in points (a heading is
# 11 pt or more: its line is over 12.5 pt high; body text is 9.5 pt).
last_lines() {
    pdftotext -bbox-layout "$1" - | python3 -c '
import re, sys
page = 0
for chunk in sys.stdin.read().split("<page ")[1:]:
    page += 1
    lines = []
    for m in re.finditer(r"<line xMin=\"[\d.]+\" yMin=\"([\d.]+)\" "
                         r"xMax=\"[\d.]+\" yMax=\"([\d.]+)\">(.*?)</line>",
                         chunk, re.S):
        y0, y1 = float(m.group(1)), float(m.group(2))
        words = re.findall(r">([^<]*)</word>", m.group(3))
        if 60 < y0 and y1 < 790:  # the flow, not the running header/footer
            lines.append((y1, y1 - y0, " ".join(words)))
    if lines:
        y1, h, text = max(lines)
        print("%d\t%.1f\t%s" % (page, h, text))
'
}

no_heading_at_foot() {
    last_lines "$1" >last.txt
    [ -s last.txt ] || fail "$1: no text read back"
    bad=$(awk -F'\t' '$2 > 12.5 { print "page " $1 ": " $3 }' last.txt)
    [ -z "$bad" ] || fail "$1: a page ends with a heading: $bad"
}

for code in 200070993 248000531 200070944 200069722; do
    $T carnet "$SOMME" --level epci --code $code -o $code.pdf \
        --date 23/11/2026 2>err.txt || fail "carnet $code: $(cat err.txt)"
    no_heading_at_foot $code.pdf
done

# The contract without phase dates: a line says so, no table of empty dates.
pdftotext -layout 248000531.pdf am.txt
assert_contains am.txt "Contrat sans phases - Amiens Métropole"
assert_contains am.txt "Phases : aucune date enregistrée"
# (Amiens Métropole also has the PACTe of its zone, with its phases: read
# only what follows the contract's title; its last occurrence, since the
# "Sommaire" page lists it too.)
at=$(grep -n "Contrat sans phases - Amiens" am.txt | tail -1 | cut -d: -f1)
sed -n "${at},\$p" am.txt >contract.txt
if grep -Eq "^ *Phase +Date *$" contract.txt; then
    fail "an empty phases table is drawn"
fi
# No project: "aucun", never "0 projet engagé sur 0", no tables of zeros.
assert_contains contract.txt "Aucun projet enregistré pour ce contrat"
if grep -Eq "0 projets? engagés? sur 0|Projets par statut" contract.txt; then
    fail "a contract without projects: $(grep -E 'sur 0|par statut' contract.txt)"
fi
# A contract with projects: plurals agree with their counts.
pdftotext 200070993.pdf baie.txt
assert_contains baie.txt "projets engagés sur [0-9]+ "
if grep -Eq "(^|[^0-9 ])1 projets|(^|[^0-9 ])0 réalisés|(^|[^0-9 ])1 abandonnés" \
    baie.txt; then
    fail "a plural after 0 or 1: $(grep -E '1 projets|0 réalisés|1 abandonnés' baie.txt)"
fi
# The lead line of the contracts section stays with its key figures.
for p in $(seq 1 "$(pdfinfo 200070993.pdf | awk '/^Pages:/ { print $2 }')"); do
    pdftotext -f "$p" -l "$p" 200070993.pdf page.txt
    if grep -q "tous contrats confondus" page.txt; then
        assert_contains page.txt "Projets engagés"
        assert_contains page.txt "Contrats et projets"
    fi
done
echo "carnet_layout: ok"
