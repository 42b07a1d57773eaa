# export.sh - terrobs export through the real binary: GeoPackage, CSV,
# ODS and XLSX reopened with ogrinfo and compared with the store.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)
MQ=$(new_store mq)

$T -q init "$OBS" --srid 5490
$T -q load "$OBS" --level commune --vintage 2026 --code code --name nom \
    --src "$DATA/load/martinique-4.geojson"
# Indicators (as an import would leave them), one formula-like name.
sql "$OBS" "
INSERT INTO variable (name, label, unit, source, aggregate, decimals)
 VALUES ('population', 'Population municipale', 'habitants', 'Insee', 'sum',
 0), ('taux', 'Taux de pauvreté', '%', 'Insee Filosofi', 'mean', 1);
INSERT INTO observation (territory, variable, year, value)
 SELECT id, 'population', 2021, 1000 * id FROM territory;
INSERT INTO observation (territory, variable, year, value)
 SELECT id, 'taux', 2021, 20.5 + id FROM territory WHERE code <> '97229';
UPDATE territory SET name = '=1+1' WHERE code = '97224';"
export SOURCE_DATE_EPOCH=1795305600 # 2026-11-22

$T export "$OBS" --level commune -o out.gpkg 2>log.txt
assert_contains log.txt "exported 4 commune \(vintage 2026\), 2 variables in 2 columns \(7 values, 1 missing\)"
ogrinfo -ro -so out.gpkg commune >info.txt
assert_contains info.txt "Feature Count: 4"
assert_contains info.txt 'ID\["EPSG",5490\]'
assert_contains info.txt "population_2021: Integer64"
assert_contains info.txt "taux_2021: Real"
got=$(ogrinfo -ro -q out.gpkg -sql "SELECT sum(population_2021), count(taux_2021) FROM commune" |
    grep -E "= " | tr -d ' ' | tr '\n' ' ')
want=$(sql "$OBS" "SELECT CAST(sum(value) AS INTEGER) FROM observation WHERE variable = 'population'")
assert_eq "$got" "sum(population_2021)(Integer)=$want count(taux_2021)(Integer)=3 " "gpkg values"
ogrinfo -ro -q out.gpkg -sql "SELECT valeur FROM metadonnees WHERE cle = 'licence'" >lic.txt
assert_contains lic.txt "Licence Ouverte / Etalab 2.0"

# CSV: French by default, C on demand; formula-like text neutralised.
$T -q export "$OBS" --level commune --variables taux -o out.csv
assert_contains out.csv "^.?.?.?code;nom;millesime;code_parent;superficie_km2;taux_2021$"
assert_contains out.csv "^97213;Lamentin;2026;;\"67,885\";\"22,5\"$"
assert_contains out.csv "^97224;'=1\+1;"
assert_contains out.csv "^97229;Schœlcher;2026;;\"21,071\";$"
assert_contains out-metadonnees.csv "^date_export;22/11/2026$"
assert_contains out-variables.csv "^taux;Taux de pauvreté;%;Insee Filosofi;moyenne;observée \(3\);1;taux_2021$"
assert_contains out-sources.csv "martinique-4.geojson"
$T -q export "$OBS" --level commune --locale C -o c.csv
assert_contains c.csv "^97213,Lamentin,2026,,67.885,2000,22.5$"
assert_contains c-metadonnees.csv "^date_export,2026-11-22$"

# ODS and XLSX: numeric cells, read back as numbers.
for ext in ods xlsx; do
    $T -q export "$OBS" --level commune -o "out.$ext"
    ogrinfo -ro -so "out.$ext" commune >info.txt
    assert_contains info.txt "population_2021: (Integer|Real)"
    assert_contains info.txt "taux_2021: Real"
    ogrinfo -ro -q "out.$ext" commune -where "code = '97224'" >row.txt
    assert_contains row.txt "nom \(String\) = '=1\+1"
done

# Values as maps and carnets see them: the EPCI of Martinique, whose figures
# were imported for communes only, get their sums and ratios on the fly.
$T -q init "$MQ" --srid 5490
$T -q load "$MQ" "$LAYERS/communes-martinique.layer"
$T -q load "$MQ" "$LAYERS/epci.layer" --where "departements = '972'"
$T -q relate "$MQ" --child commune --parent epci
$T -q import "$MQ" variables "$LAYERS/variables.csv"
$T -q import "$MQ" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021
$T -q export "$MQ" --level epci --variables population_2021,taux_chomage \
    --locale C -o epci.csv
want=$(sql "$MQ" "SELECT e.code || ',' || CAST(sum(p.value) AS INTEGER) || ',' ||
  round(100.0 * sum(c.value) / sum(a.value), 1)
  FROM territory e JOIN membership m ON m.parent = e.id
  JOIN observation p ON p.territory = m.child AND p.variable = 'population_2021'
  JOIN observation c ON c.territory = m.child AND c.variable = 'pop_15_64_chomage_2021'
  JOIN observation a ON a.territory = m.child AND a.variable = 'pop_15_64_active_2021'
  WHERE e.level = 'epci' GROUP BY e.code ORDER BY e.code")
got=$(awk -F, 'NR > 1 { printf "%s,%s,%s\n", $1, $6, $7 }' epci.csv)
# (the rate at its declared decimal, as the carnet shows it)
assert_eq "$got" "$want" "EPCI sums and ratios"
assert_contains epci-variables.csv "^population_2021,.*,agrégée des membres \(3\),0,population_2021$"
assert_contains epci-variables.csv "^taux_chomage,.*,ratio calculé \(3\),1,taux_chomage_2021$"

# Refuses to overwrite; --force replaces; nothing is left half-written.
cp out.gpkg before.gpkg
run_fails 2 "out.gpkg: file exists; use --force" \
    $T export "$OBS" --level commune -o out.gpkg
cmp -s out.gpkg before.gpkg || fail "a refused export changed the file"
$T -q export "$OBS" --level commune -o out.gpkg --force
rm out.csv # its sidecars alone are enough to refuse
run_fails 2 "out-metadonnees.csv: file exists" \
    $T export "$OBS" --level commune -o out.csv
# Errors: usage (1), bad input (2), store (3).
run_fails 1 "must end in .gpkg, .csv, .ods or .xlsx" \
    $T export "$OBS" --level commune -o out.shp
run_fails 1 "--level and -o are required" $T export "$OBS" -o x.gpkg
run_fails 1 "--locale 'de'" $T export "$OBS" --level commune --locale de -o x.csv
run_fails 2 "no variable 'emploi' in the store \(variables: population, taux\)" \
    $T export "$OBS" --level commune --variables emploi -o x.gpkg
run_fails 2 "'taux' has no value in 2015" \
    $T export "$OBS" --level commune --variables taux --year 2015 -o x.gpkg
run_fails 2 "no level 'epci'" $T export "$OBS" --level epci -o x.gpkg
run_fails 3 "not a terrobs store" $T export c.csv --level commune -o x.gpkg
mkdir ro
chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
    run_fails 3 "cannot create" $T export "$OBS" --level commune -o ro/x.gpkg
fi
[ ! -e x.gpkg ] || fail "a failed export left x.gpkg"
ls | grep -q '\.tmp' && fail "temporary files left behind"
echo "export.sh: ok"
