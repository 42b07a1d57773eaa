# security.sh - what partners' files and names must never do, through the
# real binary: (1) a style's SQL may only read the store; (2) names and
# codes that look like SQL are data, never SQL; (3) file names made from
# territory names stay in the output folder; (4) spreadsheet exports and
# reports neutralise cells that a spreadsheet would run as formulas.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

BADF="$TOB_SRC/tests/bad/files"
INJ="x'); DROP TABLE territory;--"

$T -q init "$OBS"
$T -q load "$OBS" --level commune --vintage 2018 --code code --name nom \
    --src "$BADF/base-communes.geojson"
sql "$OBS" "
INSERT INTO variable (name, label, unit) VALUES ('v', 'Valeur', 'u');
INSERT INTO observation (territory, variable, year, value)
 SELECT id, 'v', 2021, 10 * id FROM territory;" >/dev/null
cat >ok.style <<'EOF'
[map]
title = Essai
width = 400px
height = 300px
dpi = 72
[data]
kind = choropleth
level = commune
variable = v
year = 2021
[classes]
method = quantile
k = 2
EOF
sed 's/^variable = v$/expression = 10.0 * id/' ok.style >expr.style
cat >points.style <<'EOF'
[map]
title = Points
width = 400px
height = 300px
dpi = 72
[data]
kind = points
level = commune
sql = SELECT ST_PointOnSurface(geom) AS geom, 'a' AS category, NULL AS label FROM territory
[categories]
a = #2c7bb6, A
EOF
$T -q map "$OBS" ok.style -o ok.png || fail "the plain style does not draw"
$T -q map "$OBS" expr.style -o ok.png --force || fail "the expression style does not draw"
$T -q map "$OBS" points.style -o ok.png --force || fail "the points style does not draw"
store_dump "$OBS" >before.sql

# unchanged WHAT: the store is exactly as before.
unchanged() {
    store_dump "$OBS" >after.sql
    cmp -s before.sql after.sql || fail "$1 changed the store"
}

# --- (1) a style's SQL only reads ------------------------------------------
# refused KEY SQL: with $style, the map is refused (exit 2, the SQL named as not
# allowed), nothing is written, no file appears.
refused() {
    rm -f evil.png evil.sqlite evil.txt evil.json evil.shp
    run_fails 2 "the style's SQL (may only read the store|must be one read-only|fails)" \
        $T map "$OBS" "$style" -o evil.png --set "data.$1=$2"
    for f in evil.png evil.sqlite evil.txt evil.json evil.shp; do
        [ ! -e "$f" ] || fail "data.$1=$2 wrote $f"
    done
    unchanged "data.$1=$2"
}
style=ok.style
refused filter "code IN (SELECT 1) OR 1; ATTACH 'evil.sqlite' AS e"
refused filter "1 = (SELECT count(*) FROM pragma_database_list) AND load_extension('mod_spatialite')"
style=expr.style
refused expression "(SELECT load_extension('mod_spatialite'))"
refused expression "(SELECT BlobToFile(x'41', 'evil.txt'))"
refused expression "(SELECT ExportGeoJSON2('territory', 'geom', 'evil.json'))"
refused expression "(SELECT ExportSHP('territory', 'geom', 'evil', 'UTF-8'))"
refused expression "(SELECT DropTable(NULL, 'observation'))"
refused expression "(SELECT readfile('/etc/passwd'))"
refused expression "length(BlobFromFile('/etc/passwd'))"
style=ok.style
refused filter "1) ; INSERT INTO variable (name, label) VALUES ('x', 'x'); --"
refused filter "1) ; UPDATE territory SET name = 'x'; --"
refused filter "1) ; DELETE FROM observation; --"
refused filter "1) ; DROP TABLE observation; --"
refused filter "1) ; PRAGMA user_version = 7; --"
refused filter "1) ; PRAGMA journal_mode = DELETE; --"
refused filter "1) ; VACUUM INTO 'evil.sqlite'; --"
style=expr.style
refused expression "(SELECT 1 FROM pragma_user_version WHERE user_version = (SELECT 1 FROM (SELECT InitSpatialMetaData())))"
style=points.style
refused sql "ATTACH 'evil.sqlite' AS e"
refused sql "INSERT INTO variable (name, label) VALUES ('x', 'x') RETURNING name"
refused sql "DELETE FROM observation RETURNING 1"
refused sql "PRAGMA writable_schema = 1"
refused sql "VACUUM INTO 'evil.sqlite'"
# SpatiaLite's file functions exist only with SPATIALITE_SECURITY=relaxed
# in the environment (users of other tools may have it): still refused,
# by `map` and by `qgis`, which turns the same styles into layers.
export SPATIALITE_SECURITY=relaxed
style=expr.style
refused expression "(SELECT BlobToFile(x'41', 'evil.txt'))"
refused expression "(SELECT ExportGeoJSON2('territory', 'geom', 'evil.json'))"
mkdir -p qgis-styles
sed "/^\[data\]/a filter = (SELECT BlobToFile(x'41', 'evil.txt')) IS NOT NULL" \
    expr.style >qgis-styles/evil.style
# (qgis leaves a style it cannot use out of the project, with a note)
$T qgis "$OBS" -o evil.qgs --styles qgis-styles --force 2>qgis.log
assert_contains qgis.log "evil.style left out: the style's SQL may only read the store: function blobtofile is not allowed"
[ ! -e evil.txt ] || fail "qgis ran BlobToFile"
sed "/^\[data\]/a filter = (SELECT DropTable(NULL, 'observation')) IS NOT NULL" \
    expr.style >qgis-styles/evil.style
$T qgis "$OBS" -o evil.qgs --styles qgis-styles --force 2>qgis.log
assert_contains qgis.log "evil.style left out: the style's SQL may only read the store"
unset SPATIALITE_SECURITY
unchanged "qgis with evil styles"
# Reads are fine: subqueries over other tables.
$T -q map "$OBS" ok.style -o read.png --set "data.filter=code IN (SELECT t.code FROM territory t JOIN observation o ON o.territory = t.id WHERE o.value > 0)" ||
    fail "a reading filter was refused"
unchanged "reading filters"

# --- (2) names and codes that look like SQL are data -------------------------
run_fails 2 "no commune with code .x.\); DROP TABLE territory;--." \
    $T info "$OBS" --level commune --code "$INJ"
run_fails 2 "no territory|not found|unknown|no commune" \
    $T carnet "$OBS" --level commune --code "$INJ" -o c.pdf
run_fails 2 "no x'\\); DROP TABLE territory;-- with code '59350'" \
    $T info "$OBS" --level "$INJ" --code 59350
run_fails 2 "variable|unknown|not found|no " \
    $T export "$OBS" --level commune --variables "$INJ" -o e.csv
run_fails 2 "variable|unknown|not found|no " \
    $T map "$OBS" ok.style -o inj.png --set "data.variable=$INJ"
run_fails 2 "." $T report "$OBS" contracts --level commune --code "$INJ"
run_fails 2 "." $T report "$OBS" gup --site "$INJ"
unchanged "SQL-looking names"
# Stored as text, read back as text.
$T -q load "$OBS" --level zone --vintage 2020 --code code --name nom \
    --src "$BADF/geojson/code-injection.geojson"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE code = '$(printf '%s' "$INJ" | sed "s/'/''/g")'")" \
    1 "injection-looking code stored as text"
$T info "$OBS" --level zone --code "$INJ" --vintage 2020 >info.txt
assert_contains info.txt "Injection"

# --- (3) output names from territory names stay in the folder -----------------
# Names and codes no loader accepts today may sit in older stores: write
# them with SQL.
sql "$OBS" "
INSERT INTO level (name, label) VALUES ('piege', 'Pièges');
INSERT INTO territory (level, code, name, vintage, area_m2, geom)
 SELECT 'piege', c, n, 2020, area_m2, geom FROM territory,
 (SELECT '../../../escape' AS c, '../../../etc/passwd' AS n
  UNION ALL SELECT '/tmp/abs', '/tmp/absolu'
  UNION ALL SELECT 'C:x', 'C:\\Windows\\system32'
  UNION ALL SELECT 'ctl', 'retour' || char(10) || 'ligne' || char(13) || char(27) || '[31m'
  UNION ALL SELECT 'long', '$(printf '%02000d' 0 | tr 0 x)'
  UNION ALL SELECT '..', '..'
  UNION ALL SELECT '.hidden', '.bashrc'
  UNION ALL SELECT 'vide', '!!!') AS piege
 WHERE territory.code = '59350' AND territory.level = 'commune';" >/dev/null
mkdir -p atlas/inside
echo "keep me" >atlas/precious.txt
echo "keep me" >outside.pdf
sleep 1
touch marker
$T -q atlas "$OBS" --level piege -o atlas/inside --jobs 2 \
    --date 23/11/2026 2>atlas.log || true
n=$(find atlas/inside -name '*.pdf' | wc -l)
[ "$n" -eq 8 ] || { cat atlas.log >&2; fail "atlas wrote $n carnets of 8"; }
# Every file is a plain [A-Za-z0-9_-] name in the folder, none hidden.
find "$TOB_TMP" -newer marker -type f -name '*.pdf' >written.txt
while read -r f; do
    case "$f" in
    "$TOB_TMP"/atlas/inside/*) ;;
    *) fail "a carnet left the output folder: $f" ;;
    esac
    b=$(basename "$f")
    printf '%s' "$b" | grep -Eq '^[A-Za-z0-9_][A-Za-z0-9_-]*\.pdf$' ||
        fail "unsafe carnet name: $b"
    [ "${#b}" -le 160 ] || fail "carnet name of ${#b} characters"
done <written.txt
# A forged state file must not make a rerun delete anything else.
printf 'terrobs-atlas-state 1\n0\tprecious.txt\n0\t../outside.pdf\n0\t..\n' \
    >atlas/inside/.atlas-state
cp atlas/precious.txt atlas/inside/precious.txt
$T -q atlas "$OBS" --level piege -o atlas/inside --date 23/11/2026 \
    2>atlas.log || true
[ -f atlas/inside/precious.txt ] || fail "the atlas deleted a file it did not make"
[ -f outside.pdf ] || fail "the atlas deleted a file outside its folder"
[ -f atlas/precious.txt ] || fail "the atlas deleted a file outside its folder"

# --- (4) formulas neutralised in CSV/ODS/XLSX exports and reports ----------------
sql "$OBS" "
UPDATE territory SET name = '=HYPERLINK(\"http://x\";\"clic\")' WHERE code = '59350' AND level = 'commune';
UPDATE territory SET name = '+33 1 23' WHERE code = '59009' AND level = 'commune';" >/dev/null
$T -q export "$OBS" --level commune --vintage 2018 -o e.csv
assert_contains e.csv "'=HYPERLINK"
assert_contains e.csv "'\+33 1 23"
if grep -Eq '(^|;)"?[=+@-][^0-9]' e.csv; then
    grep -E '(^|;)"?[=+@-]' e.csv >&2
    fail "a CSV export cell starts with = + - @"
fi
$T -q export "$OBS" --level commune --vintage 2018 -o e.ods
unzip -p e.ods content.xml >e.xml
grep -q "'=HYPERLINK" e.xml || fail "ODS export: formula not neutralised"
grep -q 'table:formula' e.xml && fail "ODS export holds a formula"
$T -q export "$OBS" --level commune --vintage 2018 -o e.xlsx
unzip -p e.xlsx xl/sharedStrings.xml xl/worksheets/sheet1.xml >x.xml 2>/dev/null || true
grep -q '<f>' x.xml && fail "XLSX export holds a formula"
# Contract follow-up reports: titles, partners and notes from partners.
cat >evil-contract.csv <<'EOF'
Code contrat;Type;Intitulé;Niveau;Code territoire;Date début;Date fin;Partenaires;Budget;Note
@SUM(A1);contrat de territoire;"=HYPERLINK(""http://x"";""clic"")";commune;59009;01/01/2024;31/12/2029;"=1+1; -2+3; +cmd|' /C calc'!A0";1000;@note
EOF
$T -q import "$OBS" contracts evil-contract.csv
cat >evil-projects.csv <<'EOF'
Code contrat;Code projet;Intitulé;Axe;Maître d'ouvrage;Commune;Coût total;Statut
@SUM(A1);=P1;=WEBSERVICE("http://x");+axe;@moa;59009;100;prévu
EOF
$T -q import "$OBS" projects evil-projects.csv
for fmt in csv ods; do
    $T -q report "$OBS" contracts --level commune --code 59009 \
        --date 23/11/2026 -o "r.$fmt"
done
if grep -Eq '(^|;)"?[=+@]|(^|;)"?-[^0-9]' r.csv; then
    grep -E '(^|;)"?[=+@-]' r.csv >&2
    fail "a CSV report cell starts with = + - @"
fi
assert_contains r.csv "'=HYPERLINK"
assert_contains r.csv "^'\+axe;"
$T -q report "$OBS" projects --level commune --all --date 23/11/2026 \
    -o p.csv
assert_contains p.csv "'\+33 1 23"
if grep -Eq '(^|;)"?[=+@]|(^|;)"?-[^0-9]' p.csv; then
    fail "a CSV projects report cell starts with = + - @"
fi
unzip -p r.ods content.xml >r.xml
grep -q 'table:formula' r.xml && fail "ODS report holds a formula"
grep -Eq '<text:p>[=+@]' r.xml && fail "an ODS report cell starts with = + @"
echo "security.sh: ok"
