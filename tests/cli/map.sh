# map.sh - terrobs map through the real binary: every bundled style on a
# store of the bundled sample, the three formats, overrides and errors.
. "$TOB_SRC/tests/cli/lib.sh"

STYLES="$TOB_SRC/styles"
$T -q init obs.sqlite
$T -q load obs.sqlite "$LAYERS/departements.layer"
$T -q load obs.sqlite "$LAYERS/epci.layer"
$T -q load obs.sqlite "$LAYERS/communes-nord.layer"
$T -q load obs.sqlite "$LAYERS/communes-somme.layer" --append
$T -q load obs.sqlite "$LAYERS/communes-martinique.layer" --append
$T -q import obs.sqlite contracts \
    "$LAYERS/examples/fictif-somme-pacte-contrats.csv"
$T -q import obs.sqlite projects \
    "$LAYERS/examples/fictif-somme-pacte-projets.csv"

# Indicators with plain SQL (the columns of the bundled indicator table,
# and CHOM/ACT of the Martinique sample), so that this test needs no
# other command than map.
sqlite3 obs.sqlite <<EOF
.mode csv
.import "$LAYERS/data/indicateurs-communes.csv" ind
INSERT INTO variable (name, label, unit) VALUES
  ('population_2021', 'Population municipale 2021', 'habitants'),
  ('superficie_km2', 'Superficie', 'km²'),
  ('pop_15_64_chomage_2021', 'Chômeurs 15-64 ans', 'personnes'),
  ('pop_15_64_active_2021', 'Actifs 15-64 ans', 'personnes'),
  ('densite', 'Densité de population 2021', 'hab./km²'),
  ('chom', 'Chômeurs 2015', NULL), ('act', 'Actifs 2015', NULL);
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'population_2021', 2021, i.population_2021 FROM ind i
  JOIN territory t ON t.level = 'commune' AND t.code = i.insee_com;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'superficie_km2', 2021, i.superficie_km2 FROM ind i
  JOIN territory t ON t.level = 'commune' AND t.code = i.insee_com;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'pop_15_64_chomage_2021', 2021, i.pop_15_64_chomage_2021
  FROM ind i JOIN territory t ON t.level = 'commune' AND t.code = i.insee_com;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'pop_15_64_active_2021', 2021, i.pop_15_64_active_2021
  FROM ind i JOIN territory t ON t.level = 'commune' AND t.code = i.insee_com;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'densite', 2021, 1.0 * i.population_2021 / i.superficie_km2
  FROM ind i JOIN territory t ON t.level = 'commune' AND t.code = i.insee_com;
DROP TABLE ind;
ATTACH '$DATA/mtq.gpkg' AS m;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'chom', 2015, p.CHOM FROM m.polygons p
  JOIN territory t ON t.level = 'commune' AND t.code = p.INSEE_COM;
INSERT INTO observation (territory, variable, year, value)
  SELECT t.id, 'act', 2015, p.ACT FROM m.polygons p
  JOIN territory t ON t.level = 'commune' AND t.code = p.INSEE_COM;
EOF

# Every bundled style draws, small so that the test stays fast.
small="--set map.width=700px --set map.height=600px --set map.dpi=96"
n=0
for style in "$STYLES"/*.style; do
    name=$(basename "$style" .style)
    # shellcheck disable=SC2086
    $T map obs.sqlite "$style" -o "$name.png" $small --date 23/11/2026 \
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
$T -q map obs.sqlite "$STYLES/nord-densite.style" -o map.svg \
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
$T -q map obs.sqlite "$STYLES/nord-densite.style" -o map.pdf
head -c 5 map.pdf | grep -q '%PDF-' || fail "map.pdf is not a PDF"
if command -v pdftotext >/dev/null; then
    pdftotext map.pdf map.txt
    assert_contains map.txt "Densité de population des communes du Nord"
fi

# Bad styles and options: clear errors, exit codes, nothing written.
printf '[map]\ntitle = x\n[data]\nkind = choro\n' >bad.style
run_fails 2 "bad.style:4: data.kind: 'choro' is not one of choropleth" \
    $T map obs.sqlite bad.style -o bad.png
printf '[data]\nlevel = commune\nvariable = densite\ncolour = red\n' >bad.style
run_fails 2 "bad.style:4: data.colour: unknown key \(expected kind, level" \
    $T map obs.sqlite bad.style -o bad.png
run_fails 2 "set: classes.k: 30 is out of range \(2 to 12\)" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o bad.png \
    --set classes.k=30
run_fails 2 "variable 'revenu' is not in the store" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o bad.png \
    --set data.variable=revenu
run_fails 1 "OUT.png.\.svg.\.pdf is required" $T map obs.sqlite "$STYLES/nord-densite.style"
run_fails 1 "must end in .png, .svg or .pdf" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o map.gif
run_fails 3 "nodir/map.png" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o nodir/map.png
[ ! -e bad.png ] || fail "a failed map left a file"

# The style's SQL only reads: a second statement is refused, the store is
# unchanged.
store_dump obs.sqlite >before.sql
run_fails 2 "one read-only expression" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o evil.png \
    --set "data.filter=1); DELETE FROM observation; SELECT (1"
run_fails 2 "may only read the store" \
    $T map obs.sqlite "$STYLES/nord-densite.style" -o evil.png \
    --set "data.variable=" --set "data.expression=DropTable(NULL, 'observation')"
store_dump obs.sqlite >after.sql
cmp -s before.sql after.sql || fail "a refused map changed the store"
[ ! -e evil.png ] || fail "a refused map left a file"
echo "map: ok"
