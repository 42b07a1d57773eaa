# atlas.sh - `terrobs atlas` on the bundled EPCIs: one carnet per EPCI with
# a safe file name, an index with one row per territory that headless
# Chromium loads without console errors, reruns that keep what is up to
# date, a failed territory that does not stop the others.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

command -v chromium >/dev/null ||
    fail "chromium is missing: run tools/install-deps.sh --test"

$T init "$OBS" >/dev/null 2>&1
$T load "$OBS" "$LAYERS/epci.layer" >/dev/null 2>&1

# How many EPCIs, and their codes, read from the GeoJSON without terrobs.
python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["features"]:
    print(f["properties"]["siren_epci"])
' "$LAYERS/data/epci-2026.geojson" | sort >codes.txt
n=$(wc -l <codes.txt)
[ "$n" -gt 30 ] || fail "expected the bundled EPCIs, got $n"

$T atlas "$OBS" --level epci -o atlas --jobs 2 --date 23/11/2026 \
    2>err1.txt || fail "atlas failed: $(cat err1.txt)"
assert_contains err1.txt "$n territories in atlas: $n written, 0 up to date"

# One PDF per EPCI, named CODE-slug.pdf with a safe slug.
ls atlas | grep '\.pdf$' >pdfs.txt
assert_eq "$(wc -l <pdfs.txt)" "$n" "carnets"
sed 's/-.*//' pdfs.txt | sort | cmp -s - codes.txt || fail "codes differ"
if grep -Ev '^[0-9]{9}-[a-z0-9]+(-[a-z0-9]+)*\.pdf$' pdfs.txt; then
    fail "unsafe carnet file names"
fi
# accents transliterated readably: CA du Caudrésis et du Catésis
grep -qx '200030633-ca-du-caudresis-et-du-catesis.pdf' pdfs.txt ||
    fail "slug of 'CA du Caudrésis et du Catésis'"
pdftotext atlas/200030633-ca-du-caudresis-et-du-catesis.pdf one.txt
assert_contains one.txt "CA du Caudrésis et du Catésis"

# A thumbnail per territory, a real PNG.
assert_eq "$(ls atlas/thumbs | grep -c '\.png$')" "$n" "thumbnails"
head -c 8 atlas/thumbs/200030633-ca-du-caudresis-et-du-catesis.png | od -c |
    grep -q 'P   N   G' || fail "thumbnail is not a PNG"

# The index: one row per territory, each linking its carnet.
rows=$(sed -n '/<tbody>/,/<\/tbody>/p' atlas/index.html | grep -c '^<tr>')
assert_eq "$rows" "$n" "index rows"
links=$(grep -o 'href="[^"]*\.pdf"' atlas/index.html | sort -u | wc -l)
assert_eq "$links" "$n" "index links"
imgs=$(grep -o '<img src="thumbs/[^"]*\.png"' atlas/index.html | wc -l)
assert_eq "$imgs" "$n" "index thumbnails"
if grep -Eq '(src|href)="(https?:)?//' atlas/index.html; then
    fail "the index needs the network"
fi

# Headless Chromium: the script runs through, no console message at all.
profile=$(mktemp -d)
timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update \
    --no-first-run --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --dump-dom "file://$TOB_TMP/atlas/index.html" >dom.html 2>chrome.txt ||
    fail "chromium failed: $(tail -3 chrome.txt)"
rm -rf "$profile"
assert_contains dom.html 'data-ready="yes"'
if grep ':CONSOLE' chrome.txt; then
    fail "console messages in the index"
fi
domrows=$(grep -o '<tr>' dom.html | wc -l)
assert_eq "$domrows" "$((n + 1))" "rows in the loaded page (with header)"

# A rerun keeps everything; --force remakes everything.
$T atlas "$OBS" --level epci -o atlas 2>err2.txt
assert_contains err2.txt "0 written, $n up to date kept"
$T atlas "$OBS" --level epci -o atlas --force 2>err3.txt
assert_contains err3.txt "$n written, 0 up to date"
# A name edited outside terrobs (QGIS, psql, sqlite3: no provenance
# recorded) is seen: every carnet composed again, the one it names
# rewritten with its new name (the same file name), the others kept as
# they were.
sql "$OBS" "UPDATE territory SET name = 'CA DU CAUDRÉSIS ET DU CATÉSIS'
    WHERE level = 'epci' AND code = '200030633'" >/dev/null
$T atlas "$OBS" --level epci -o atlas 2>err-edit.txt
assert_contains err-edit.txt "1 written, 0 up to date kept, 0 failed, 0 removed, $((n - 1)) composed again with the same content"
pdftotext atlas/200030633-ca-du-caudresis-et-du-catesis.pdf - |
    grep -q "CA DU CAUDRÉSIS ET DU CATÉSIS" ||
    fail "the edited name is not in its carnet"
sql "$OBS" "UPDATE territory SET name = 'CA du Caudrésis et du Catésis'
    WHERE level = 'epci' AND code = '200030633'" >/dev/null
$T atlas "$OBS" --level epci -o atlas 2>err-back.txt
assert_contains err-back.txt "1 written, 0 up to date kept"

# Another session writes while the atlas reads (held at the point where
# its read began, before its workers open theirs: a test hook, not a
# sleep). On PostgreSQL the workers join the caller's snapshot: every
# carnet shows the store as it was, none the renamed EPCIs. SQLite cannot
# share one: the run says the store changed, and the next run makes every
# carnet again.
pause="$TOB_TMP/pause-read"
rm -f "$pause"
TOB_TEST_PAUSE_READ="$pause" $T atlas "$OBS" --level epci -o atlas-snap \
    --jobs 2 2>err-snap.txt &
atlas_pid=$!
wait_paused "$pause" $atlas_pid
sql "$OBS" "UPDATE territory SET name = name || ' (renommée)'
    WHERE level = 'epci'" >/dev/null
rm "$pause"
wait $atlas_pid || fail "atlas during a write: $(cat err-snap.txt)"
renamed=$(for f in atlas-snap/*.pdf; do pdftotext "$f" -; done | grep -c "renommée" || true)
case "$OBS" in
PG:*)
    assert_eq "$renamed" 0 "carnets showing the write made after the atlas began"
    if grep -q "store changed" err-snap.txt; then
        fail "PostgreSQL's atlas said the store changed"
    fi
    ;;
*)
    assert_contains err-snap.txt "warning: the store changed while the atlas was made"
    ;;
esac
sql "$OBS" "UPDATE territory SET name = replace(name, ' (renommée)', '')
    WHERE level = 'epci'" >/dev/null
$T atlas "$OBS" --level epci -o atlas-snap 2>err-snap2.txt
assert_contains err-snap2.txt "0 up to date kept"
if grep -q "store changed" err-snap2.txt; then
    fail "an atlas with no other writer said the store changed"
fi

# New data (a reload without CA de Cambrai): all composed again, its
# carnet gone; the others print nothing of Cambrai (no locator without
# départements), so none is rewritten.
$T load "$OBS" "$LAYERS/epci.layer" --replace \
    --where "siren_epci <> '200068500'" >/dev/null 2>&1
$T atlas "$OBS" --level epci -o atlas 2>err4.txt
assert_contains err4.txt "0 written, 0 up to date kept, 0 failed, 1 removed, $((n - 1)) composed again with the same content"
[ ! -e atlas/200068500-ca-de-cambrai.pdf ] || fail "stale carnet kept"
[ ! -e atlas/thumbs/200068500-ca-de-cambrai.png ] || fail "stale thumbnail kept"

# One territory that cannot be written fails alone, named at the end.
rm atlas/200030633-ca-du-caudresis-et-du-catesis.pdf
mkdir atlas/200030633-ca-du-caudresis-et-du-catesis.pdf
run_fails 2 "200030633 CA du Caudrésis et du Catésis: .*cannot rename" \
    $T atlas "$OBS" --level epci -o atlas --force
assert_contains err.txt "$((n - 2)) written, 0 up to date kept, 1 failed"
assert_contains atlas/index.html "CA du Caudrésis et du Catésis <span class=\"fail\">"

# Usage and store errors.
run_fails 1 "required" $T atlas "$OBS" -o x
run_fails 1 "--jobs '0'" $T atlas "$OBS" --level epci -o x --jobs 0
run_fails 1 "edition date '2026-13-01' is not a date" $T atlas "$OBS" \
    --level epci -o x --date 2026-13-01
[ ! -e x ] || fail "a refused atlas made its folder"
run_fails 2 "no territory of level 'scot'" $T atlas "$OBS" --level scot \
    -o x
echo "ok"
