# qgis.sh - terrobs qgis through the real binary: the project's XML, its
# layers and renderers checked against the store and `terrobs breaks`.
. "$TOB_SRC/tests/cli/lib.sh"
. "$TOB_SRC/tests/cli/qgis_store.inc"
# The store: the file itself, or its copy in PostGIS (the _pg test).
QS=$(new_store qgis)
case $QS in PG:*) $T -q copy obs.sqlite "$QS" ;; *) QS=obs.sqlite ;; esac

$T qgis "$QS" -o observatoire.qgs --styles styles 2>log.txt
assert_contains log.txt "styles/epci-pop.style left out: no value of population_2021 for level epci"
assert_contains log.txt "styles/qpv.style left out: no level 'qpv' in the store"
assert_contains log.txt "wrote observatoire.qgs: 3 groups, 9 layers, 5 with a style's renderer \(7 styles read, 2 left out\)"
Q=observatoire.qgs
python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" $Q ||
    fail "the project is not well-formed XML"
# Project CRS = store CRS; the store is referenced relative to the project.
assert_contains $Q "<projectCrs><spatialrefsys>"
assert_contains $Q "<authid>EPSG:5490</authid>"
assert_contains $Q "<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"
case $QS in
PG:*) # PostGIS sources: the connection (never its password), the view.
    assert_contains $Q "<datasource>dbname=&apos;terrobs_test&apos; host=&apos;[^&]+&apos; port=&apos;[0-9]+&apos; user=&apos;terrobs&apos; key=&apos;id&apos; srid=5490 type=MultiPolygon checkPrimaryKeyUnicity=&apos;0&apos; table=&quot;$(pg_schema "$QS")&quot;.&quot;commune&quot; \(geom\) sql=vintage = 2026</datasource>"
    assert_contains $Q '<provider encoding="UTF-8">postgres</provider>'
    assert_contains $Q 'providerKey="postgres"'
    $T -q qgis "$QS password=s3cret" -o pw.qgs --styles styles
    ! grep -q s3cret pw.qgs || fail "the project holds the password"
    rm pw.qgs
    ;;
*)
    assert_contains $Q "<datasource>dbname=&apos;./obs.sqlite&apos; key=&apos;id&apos; table=&quot;commune&quot; \(geom\) sql=vintage = 2026</datasource>"
    ;;
esac
# Groups: larger units on top; one layer per level's vintage.
[ "$(grep -o '<layer-tree-group checked="Qt::Checked" expanded="1" name="[^"]*"' $Q |
    sed 's/.*name=//' | tr '\n' ' ')" = '"Département" "EPCI" "Commune" ' ] ||
    fail "groups are not Département, EPCI, Commune"
# The choropleth: the breaks terrobs breaks computes on the same values.
sql obs.sqlite "SELECT value FROM observation WHERE variable = 'densite'" >values.txt
want=$($T breaks -m fisher -k 5 values.txt 2>/dev/null)
got=$(sed -n '/attr="densite_2021"/,/<\/ranges>/p' $Q |
    grep -o '<range render="true" symbol="[0-9]*" lower="[^"]*" upper="[^"]*"' |
    sed 's/.*lower="\([^"]*\)" upper="\([^"]*\)"/\1 \2/' |
    awk 'NR == 1 { printf "%s", $1 } { printf " %s", $2 } END { print "" }')
[ -n "$got" ] || fail "no graduated ranges"
python3 - "$got" "$want" <<'PY' || fail "ranges '$got' are not the breaks '$want'"
import sys
got = [float(x) for x in sys.argv[1].split()]
want = [float(x) for x in sys.argv[2].split()]
sys.exit(0 if len(got) == len(want) == 6 and
         all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(got, want)) else 1)
PY
assert_contains $Q 'label="26,4 – 195,0"'
assert_contains $Q '<Option type="QString" name="color" value="255,255,178,255"/>' # YlOrRd 5
# No data: Saint-Pierre in its own layer.
assert_contains $Q "<layername>Densité de population — Données non disponibles</layername>"
assert_contains $Q "sql=&quot;densite_2021&quot; IS NULL"
# Typology: the listed categories, then the others.
assert_contains $Q '<category render="true" symbol="0" value="1" label="Grands centres urbains"/>'
assert_contains $Q '<category render="true" symbol="5" value="" label="Autres"/>'
# Proportional circles: size from the values, largest drawn first.
max=$(sql obs.sqlite "SELECT CAST(max(value) AS INTEGER) FROM observation WHERE variable = 'population' AND year = 2021")
assert_contains $Q "max\(0, 16 \* sqrt\(abs\(&quot;population_2021&quot;\) / $max\)\)"
# Only one thematic layer is shown when the project opens: the first style.
[ "$(grep -c 'checked="Qt::Checked" expanded="1" name="\(Densité\|Grille\|Population\)' $Q)" = 1 ] ||
    fail "expected one thematic layer shown"
assert_contains $Q 'checked="Qt::Checked" expanded="1" name="Densité calculée"' 

# A ratio computed from its parts, as the values module does.
sql obs.sqlite "SELECT p.value / s.value FROM observation p JOIN observation s
  ON s.territory = p.territory AND s.variable = 'superficie'
  WHERE p.variable = 'population' AND p.year = 2021" >ratio.txt
want=$($T breaks -m quantile -k 4 ratio.txt 2>/dev/null | cut -d' ' -f2)
got=$(grep -o 'attr="densite_calc_2021"' $Q | head -1)
[ -n "$got" ] || fail "no graduated layer on densite_calc_2021"
first_upper=$(sed -n '/attr="densite_calc_2021"/,/<\/ranges>/p' $Q |
    grep -o 'upper="[^"]*"' | head -1 | cut -d'"' -f2)
python3 -c "import sys; sys.exit(abs(float('$first_upper') - float('$want')) > 1e-9)" ||
    fail "first break of the computed ratio: $first_upper, breaks says $want"

# A points map: a point layer keyed by row number, markers by category.
assert_contains $Q '<maplayer type="vector" geometry="Point" wkbType="Point"'
assert_contains $Q 'table=&quot;\(SELECT row_number\(\) OVER \(\) AS id, category, label, geom FROM \(SELECT ST_PointOnSurface'
assert_contains $Q '<category render="true" symbol="0" value="grande" label="Plus de 40 km²"/>'

# Refuses to overwrite; errors: usage (1), bad input (2).
cp $Q before.qgs
run_fails 2 "observatoire.qgs: file exists; use --force" \
    $T qgis "$QS" -o $Q --styles styles
cmp -s $Q before.qgs || fail "a refused qgis changed the project"
$T -q qgis "$QS" -o $Q --styles styles --force
run_fails 1 "must end in .qgs" $T qgis "$QS" -o x.qgz
run_fails 1 "--styles 'nowhere' is not a folder" $T qgis "$QS" -o x.qgs --styles nowhere
run_fails 1 "-o PROJECT.qgs is required" $T qgis "$QS"
cp "$DATA/qgis/broken.style.txt" styles/broken.style
run_fails 2 "styles/broken.style:7: classes.k" $T qgis "$QS" -o x.qgs --styles styles
[ ! -e x.qgs ] || fail "a failed qgis left a project"
ls | grep -q '\.tmp' && fail "temporary files left behind"
# A project without styles: the levels alone.
mkdir none
$T -q qgis "$QS" -o bare.qgs --styles none
[ "$(grep -c '<maplayer ' bare.qgs)" = 3 ] || fail "bare project: not 3 layers"
echo "qgis.sh: ok"
