# map.sh - terrobs map through the real binary: every bundled style on a
# store of the bundled sample, the three formats, overrides and errors.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

STYLES="$TOB_SRC/styles"
$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/departements.layer"
$T -q load "$OBS" "$LAYERS/epci.layer"
$T -q load "$OBS" "$LAYERS/communes-nord.layer"
$T -q load "$OBS" "$LAYERS/communes-somme.layer" --append
$T -q load "$OBS" "$LAYERS/communes-martinique.layer" --append
# La Seyne-sur-Mer's four territories (fictitious contours) for
# la-seyne-quartiers.style.
$T -q load "$OBS" "$LAYERS/quartiers-la-seyne.layer"
$T -q import "$OBS" contracts \
    "$LAYERS/examples/fictif-somme-pacte-contrats.csv"
$T -q import "$OBS" projects \
    "$LAYERS/examples/fictif-somme-pacte-projets.csv"

# Indicators as the demo imports them; CHOM and ACT of mapsf's Martinique
# sample (2015) for martinique-chomage.style; EPCI values from their
# member communes.
$T -q import "$OBS" variables "$LAYERS/variables.csv"
$T -q import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges 2>/dev/null
$T -q import "$OBS" indicators "$DATA/mtq.gpkg" --level commune \
    --key INSEE_COM --columns CHOM,ACT --year 2015 2>/dev/null
$T -q relate "$OBS" --child commune --parent epci

# Every bundled style draws, small so that the test stays fast.
small="--set map.width=700px --set map.height=600px --set map.dpi=96"
n=0
for style in "$STYLES"/*.style; do
    name=$(basename "$style" .style)
    # shellcheck disable=SC2086
    $T map "$OBS" "$style" -o "$name.png" $small --date 23/11/2026 \
        2>"$name.log" || { cat "$name.log" >&2; fail "$name did not draw"; }
    assert_contains "$name.log" "map written to $name.png: [0-9]+ features"
    for f in "$name.png" "$name.pgw" "$name.prj" "$name.png.aux.xml"; do
        [ -s "$f" ] || fail "$name: no $f"
    done
    n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n bundled styles"

# The PNG carries its CRS and place for GDAL (hence QGIS), and its title.
gdalinfo nord-densite.png >info.txt
assert_contains info.txt 'ID\["EPSG",2154\]'
assert_contains info.txt "Pixel Size = \("
assert_contains info.txt "Title=Densité de population des communes du Nord"
assert_contains info.txt "CRS=EPSG:2154"
# Martinique is drawn in its own CRS.
gdalinfo martinique-chomage.png >info.txt
assert_contains info.txt 'ID\["EPSG",5490\]'

# SVG: well-formed, with real text; PDF: text that can be searched.
$T -q map "$OBS" "$STYLES/nord-densite.style" -o map.svg \
    --set "map.title=Densité en 2021" --date 23/11/2026
if command -v xmllint >/dev/null; then
    xmllint --noout map.svg || fail "map.svg is not well-formed XML"
else
    python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
        map.svg || fail "map.svg is not well-formed XML"
fi
assert_contains map.svg '<text [^>]*>Densité en 2021</text>'
assert_contains map.svg '>Lille</text>'
assert_contains map.svg 'Réalisation.{1,2}: terrobs, 23/11/2026</text>'
$T -q map "$OBS" "$STYLES/nord-densite.style" -o map.pdf
head -c 5 map.pdf | grep -q '%PDF-' || fail "map.pdf is not a PDF"
if command -v pdftotext >/dev/null; then
    pdftotext map.pdf map.txt
    assert_contains map.txt "Densité de population des communes du Nord"
fi
# Tagged: the map with its title, legend and source one Figure (Cairo 1.16
# writes no /Alt: its texts are what a screen reader finds in it).
pdfinfo map.pdf | grep -Eq '^Tagged: +yes' || fail "map.pdf is not tagged"
pdfinfo -struct-text map.pdf >map-struct.txt
[ "$(head -2 map-struct.txt | tr '\n' ' ')" = "Document   Figure " ] ||
    fail "map.pdf structure: $(head -3 map-struct.txt)"
assert_contains map-struct.txt "Densité de population 2021" # its legend

# Bad styles and options: clear errors, exit codes, nothing written.
printf '[map]\ntitle = x\n[data]\nkind = choro\n' >bad.style
run_fails 2 "bad.style:4: data.kind: 'choro' is not one of choropleth" \
    $T map "$OBS" bad.style -o bad.png
printf '[data]\nlevel = commune\nvariable = densite\ncolour = red\n' >bad.style
run_fails 2 "bad.style:4: data.colour: unknown key \(expected kind, level" \
    $T map "$OBS" bad.style -o bad.png
run_fails 2 "set: classes.k: 30 is out of range \(2 to 12\)" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o bad.png \
    --set classes.k=30
run_fails 2 "variable 'revenu' is not in the store" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o bad.png \
    --set data.variable=revenu
run_fails 1 "OUT.png.\.svg.\.pdf is required" $T map "$OBS" "$STYLES/nord-densite.style"
run_fails 1 "must end in .png, .svg or .pdf" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o map.gif
run_fails 3 "nodir/map.png" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o nodir/map.png
[ ! -e bad.png ] || fail "a failed map left a file"

# The style's SQL only reads: a second statement is refused, the store is
# unchanged.
store_dump "$OBS" >before.sql
run_fails 2 "one read-only expression" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o evil.png \
    --set "data.filter=1); DELETE FROM observation; SELECT (1"
run_fails 2 "may only read the store" \
    $T map "$OBS" "$STYLES/nord-densite.style" -o evil.png \
    --set "data.variable=" --set "data.expression=DropTable(NULL, 'observation')"
run_fails 2 "may only read the store: function blobtofile" \
    env SPATIALITE_SECURITY=relaxed $T map "$OBS" \
    "$STYLES/nord-densite.style" -o evil.png --set "data.variable=" \
    --set "data.expression=BlobToFile(x'00', 'written-by-style')"
[ ! -e written-by-style ] || fail "a style's SQL wrote a file"
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a refused map changed the store"
[ ! -e evil.png ] || fail "a refused map left a file"
echo "map: ok"
