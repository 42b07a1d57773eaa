# atlas_part.sh - `terrobs atlas` on a part of a level (--within, --codes)
# with ranks still among the whole level, and content fingerprints: after
# one commune's value changed, only the carnets whose printed content
# changed are rewritten, and the index follows.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

$T init "$OBS" >/dev/null 2>&1
$T load "$OBS" "$LAYERS/departements.layer" >/dev/null 2>&1
$T load "$OBS" "$LAYERS/epci.layer" >/dev/null 2>&1
$T load "$OBS" "$LAYERS/communes-nord.layer" >/dev/null 2>&1
$T relate "$OBS" --child commune --parent epci >/dev/null 2>&1
$T relate "$OBS" --child commune --parent departement --spatial \
    >/dev/null 2>&1
$T import "$OBS" variables "$LAYERS/variables.csv" >/dev/null 2>&1
$T import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges \
    >/dev/null 2>&1

# --within epci: the communes of CA de Cambrai, counted without terrobs.
cambrai=$(sql "$OBS" "SELECT count(*) FROM membership m
    JOIN territory p ON p.id = m.parent JOIN territory c ON c.id = m.child
    WHERE p.code = '200068500' AND c.level = 'commune' AND m.kind = 'member'")
[ "$cambrai" -gt 20 ] || fail "expected CA de Cambrai's communes: $cambrai"
n_communes=$(sql "$OBS" "SELECT count(*) FROM territory
    WHERE level = 'commune'")
with_pop=$(sql "$OBS" "SELECT count(*) FROM observation o
    JOIN territory t ON t.id = o.territory
    WHERE t.level = 'commune' AND o.variable = 'population_2021'
      AND o.value IS NOT NULL")
$T atlas "$OBS" --level commune --within epci:200068500 -o part \
    --date 23/11/2026 2>err.txt || fail "atlas --within: $(cat err.txt)"
assert_contains err.txt "$cambrai territories in part: $cambrai written"
assert_eq "$(ls part | grep -c '\.pdf$')" "$cambrai" "carnets of Cambrai"
assert_eq "$(sed -n '/<tbody>/,/<\/tbody>/p' part/index.html |
    grep -c '^<tr>')" "$cambrai" "index rows"
# Ranks among every commune of the level, not among the part.
pdftotext part/59122-cambrai.pdf cambrai.txt
assert_contains cambrai.txt "Rang : [0-9]+e sur $with_pop communes"
assert_contains cambrai.txt "Ensemble des $with_pop communes"
# A commune's carnet (the template made for level commune): its EPCI and
# its département as references, a map of its EPCI's communes.
epci_pop=$(sql "$OBS" "SELECT CAST(sum(o.value) AS INTEGER) FROM observation o
    JOIN membership m ON m.child = o.territory AND m.kind = 'member'
    JOIN territory p ON p.id = m.parent
    WHERE p.code = '200068500' AND o.variable = 'population_2021'")
line=$(grep "^CA de Cambrai : .* habitants" cambrai.txt | head -1)
assert_eq "$(echo "$line" | tr -dc '0-9')" "$epci_pop" "EPCI reference: $line"
assert_contains cambrai.txt "^Nord : .* habitants"
assert_contains cambrai.txt "commune \(CA de Cambrai\)"
assert_eq "$(pdfinfo part/59122-cambrai.pdf | sed -n 's/^Pages: *//p')" 3 \
    "pages of Cambrai's carnet"

# Carnet weight: maps simplified to what 150 dpi shows (Douglas-Peucker
# within 0.2 pt, vertices on a quarter-point grid): CA de Cambrai's carnet
# was 133.7 kB before, 98.7 kB then; 83.5 kB with one font subset a face
# (no-break spaces drawn as spaces that do not break, no ligatures) and
# label halos as the text placed around the label, not glyph outlines;
# 94.0 kB with its tagged structure (README, Carnet: Cairo 1.16 writes
# some 130 bytes a structure element).
$T carnet "$OBS" --level epci --code 200068500 --date 23/11/2026 \
    -o cambrai-epci.pdf 2>/dev/null
size=$(wc -c <cambrai-epci.pdf)
[ "$size" -lt 96000 ] || fail "CA de Cambrai's carnet weighs $size bytes"
pdffonts cambrai-epci.pdf >fonts.txt
! grep -q CID fonts.txt || fail "a CID font subset: $(cat fonts.txt)"
assert_eq "$(awk 'NR > 2 { sub(/^[A-Z]+\+/, "", $1); print $1 }' fonts.txt |
    sort | uniq -d)" "" "a face embedded twice"

# A commune whose EPCI's communes have no value of the mapped variable:
# said in a line, not a failed carnet (Mayotte's communes in France).
SPARSE=$(new_store sparse)
store_copy "$OBS" "$SPARSE"
printf 'insee_com;essai\n59350;3\n' >essai.csv
$T import "$SPARSE" indicators essai.csv --level commune \
    --key insee_com --year 2021 >/dev/null 2>&1
cat >essai.ini <<'EOF'
[carnet]
sections = cover, map:essai
[map:essai]
title = Essai par commune
variable = essai
EOF
echo 59122 >one.txt
$T atlas "$SPARSE" --level commune --codes one.txt --template essai.ini \
    -o sparse --date 23/11/2026 2>err.txt || fail "sparse map: $(cat err.txt)"
pdftotext sparse/59122-cambrai.pdf sparse.txt
assert_contains sparse.txt "Aucune commune de l'intercommunalité n'a de valeur"

# --codes adds two communes to the same folder: the others are kept and
# still indexed, nothing removed.
printf '# two more\n59350\n\n59178  # Douai\n' >codes.txt
$T atlas "$OBS" --level commune --codes codes.txt -o part \
    --date 23/11/2026 2>err.txt || fail "atlas --codes: $(cat err.txt)"
assert_contains err.txt "2 territories in part: 2 written, 0 up to date kept, 0 failed, 0 removed"
[ -f part/59350-lille.pdf ] && [ -f part/59178-douai.pdf ] ||
    fail "carnets of --codes"
# A commune's carnet is its portrait, and names the commune outlined on
# the map of its EPCI's communes (it may be too small to get a label).
pdftotext part/59178-douai.pdf douai.txt
assert_contains douai.txt "Portrait de la commune"
assert_contains douai.txt "En bleu foncé, le contour de la commune : Douai."
! grep -q "Diagnostic partagé" douai.txt || fail "a commune's subtitle"
assert_eq "$(ls part | grep -c '\.pdf$')" "$((cambrai + 2))" "carnets"
assert_eq "$(sed -n '/<tbody>/,/<\/tbody>/p' part/index.html |
    grep -c '^<tr>')" "$((cambrai + 2))" "index rows after --codes"
assert_contains part/index.html '59122-cambrai.pdf'
assert_contains part/index.html "$((cambrai + 2)) carnets de territoire"
# A rerun of the part keeps it, untouched.
$T atlas "$OBS" --level commune --within epci:200068500 -o part \
    --date 23/11/2026 2>err.txt
assert_contains err.txt "0 written, $cambrai up to date kept"

# Bad parts: nothing made, the place named.
printf '59350\n59122\n99999\n' >bad-codes.txt
run_fails 2 "bad-codes.txt:3: code: '99999' is not a territory of level 'commune'" \
    $T atlas "$OBS" --level commune --codes bad-codes.txt -o none
run_fails 2 "within departement:59: no territory of level 'epci' in it .*relate" \
    $T atlas "$OBS" --level epci --within departement:59 -o none
run_fails 2 "within epci:123456789: no such territory" \
    $T atlas "$OBS" --level commune --within epci:123456789 -o none
run_fails 2 "within 'epci' is not LEVEL:CODE" \
    $T atlas "$OBS" --level commune --within epci -o none
[ ! -e none ] || fail "a refused atlas made its folder"

# --within a level above through two memberships (a SCoT of EPCIs): the
# communes of its EPCIs.
$T zone "$OBS" "$LAYERS/scot-nord.csv" >/dev/null 2>&1
in_scot=$(sql "$OBS" "SELECT count(*) FROM membership m1
    JOIN membership m2 ON m2.child = m1.parent
    JOIN territory s ON s.id = m2.parent
    WHERE s.code = 'S59-CA' AND m1.kind = 'member' AND m2.kind = 'member'")
[ "$in_scot" -gt "$cambrai" ] || fail "SCoT du Cambrésis: $in_scot communes"
$T atlas "$OBS" --level commune --within scot:S59-CA --codes codes.txt \
    -o scot --date 23/11/2026 2>err.txt || fail "within scot: $(cat err.txt)"
assert_contains err.txt "$((in_scot + 2)) territories in scot"

# Content fingerprints, on the EPCIs with a template whose figures show
# the EPCI's population, its rank and its département's population: after
# one commune's value changed, only the carnets that print it are
# rewritten — its EPCI's and those of the Nord's other EPCIs (the Nord's
# population moved), not those of the EPCIs without Nord communes.
cat >tpl.ini <<'EOF'
[carnet]
title = Carnet
sections = figures
[figures]
indicators = population_2021
references = departement
EOF
n=$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'epci'")
$T atlas "$OBS" --level epci --template tpl.ini -o fp --date 23/11/2026 \
    2>err.txt || fail "atlas: $(cat err.txt)"
assert_contains err.txt "$n territories in fp: $n written"
mkdir before
cp -p fp/*.pdf before/
# New provenance, same values: every carnet composed again, none rewritten.
$T import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges \
    --columns population_2021 >/dev/null 2>&1
$T atlas "$OBS" --level epci --template tpl.ini -o fp --date 23/11/2026 \
    2>err.txt
assert_contains err.txt "0 written, 0 up to date kept, 0 failed, 0 removed, $n composed again with the same content"
# Lille gains 1,000 inhabitants: the MEL (first by far) keeps its rank.
lille=$(sql "$OBS" "SELECT CAST(o.value AS INTEGER) FROM observation o
    JOIN territory t ON t.id = o.territory WHERE t.code = '59350'
    AND o.variable = 'population_2021'")
printf 'insee_com;population_2021\n59350;%s\n' "$((lille + 1000))" >lille.csv
$T import "$OBS" indicators lille.csv --level commune --key insee_com \
    --year 2021 >/dev/null 2>&1
nord=$(cd before && for f in *.pdf; do
    if pdftotext "$f" - | grep -q '^Nord : '; then echo "$f"; fi
done)
n_nord=$(echo "$nord" | wc -l)
[ "$n_nord" -gt 5 ] && [ "$n_nord" -lt "$n" ] ||
    fail "expected some carnets showing the Nord: $n_nord"
sleep 1 # a rewritten file would get a later mtime
$T atlas "$OBS" --level epci --template tpl.ini -o fp --date 23/11/2026 \
    2>err.txt
assert_contains err.txt "$n_nord written, 0 up to date kept, 0 failed, 0 removed, $((n - n_nord)) composed again"
changed=$(for f in fp/*.pdf; do
    if [ "$f" -nt "before/${f#fp/}" ]; then echo "${f#fp/}"; fi
done)
assert_eq "$changed" "$nord" "carnets rewritten"
differ=$(for f in fp/*.pdf; do
    cmp -s "$f" "before/${f#fp/}" || echo "${f#fp/}"
done)
assert_eq "$differ" "$nord" "carnets whose bytes changed"
echo "$nord" | grep -qx 200093201-metropole-europeenne-de-lille.pdf ||
    fail "the MEL's carnet was not rewritten"
# The index follows: the MEL's new population, in French.
mel=$(sql "$OBS" "SELECT CAST(sum(o.value) AS INTEGER) FROM observation o
    JOIN membership m ON m.child = o.territory
    JOIN territory p ON p.id = m.parent
    WHERE p.code = '200093201' AND o.variable = 'population_2021'")
mel_fr=$(printf '%s' "$mel" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\| \)/\1 \2\3/; ta')
grep -o "data-v=\"$mel\">[^<]*<" fp/index.html | grep -q "${mel_fr%% *}" ||
    fail "index lacks the MEL's new population $mel ($mel_fr)"
pdftotext fp/200093201-metropole-europeenne-de-lille.pdf mel.txt
tr -d ' \302\240\342\200\257' <mel.txt | grep -q "$mel" ||
    fail "the MEL's carnet lacks $mel"
echo "ok"
