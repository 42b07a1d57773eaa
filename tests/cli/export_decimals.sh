#!/bin/sh
# export_decimals.sh - CSV and ODS exports write each value with its
# variable's declared decimals (layers/variables.csv: densite 1, taux de
# chômage 1, superficie 2), never the raw double of a sum or a ratio
# (1222,13913375727; 366,40999999999997); a GeoPackage keeps the double.
# Real data: the 12 communes of the Métropole Toulon-Provence-Méditerranée.
. "$(dirname "$0")/lib.sh"

EPCI=248300543
S=$(new_store obs)
$T -q init "$S"
$T -q load "$S" "$LAYERS/epci.layer"
$T -q load "$S" "$LAYERS/communes-var.layer"
$T -q relate "$S" --child commune --parent epci 2>/dev/null
$T -q import "$S" variables "$LAYERS/variables.csv"
{ head -1 "$LAYERS/data/indicateurs-communes.csv"
  grep '^83' "$LAYERS/data/indicateurs-communes.csv"; } >var.csv
$T -q import "$S" indicators var.csv --level commune --key insee_com --year 2021 2>/dev/null

$T -q export "$S" --level epci -o epci.csv
line=$(grep "^$EPCI;" epci.csv)
# density 1 222,139... hab./km², unemployment 13,1997... %, area 366,41 km²
case $line in
*'"1222,1"'*'"366,41";"13,2"'*) ;;
*) fail "CSV values not at their declared decimals: $line" ;;
esac
grep -Eq '[0-9],[0-9]{4,}' epci.csv && fail "a value with more decimals than declared: $(grep -E '[0-9],[0-9]{4,}' epci.csv | head -1)"

# ODS: numeric cells hold the rounded value (GDAL spells the double at 16
# decimals; read back, 1222.0999999999999091 is 1222.1).
$T -q export "$S" --level epci -o epci.ods
ogrinfo -ro -q epci.ods epci -where "code = '$EPCI'" >ods.txt
python3 - ods.txt <<'PY' || fail "ODS values not at their declared decimals"
import re, sys
want = {"densite": 1, "taux_chomage": 1, "superficie_km2_": 2}
seen = 0
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"\s+(\w+) \(\w+\) = ([0-9.]+)$", line)
    if not m:
        continue
    for prefix, d in want.items():
        if m.group(1).startswith(prefix):
            v = float(m.group(2))
            if v != round(v, d):
                sys.exit("%s = %r has more than %d decimals" % (m.group(1), v, d))
            seen += 1
if seen != 3:
    sys.exit("expected 3 checked columns, saw %d" % seen)
PY

# A GeoPackage is for further computation: the ratio keeps its double.
$T -q export "$S" --level epci -o epci.gpkg
ogrinfo -ro -q epci.gpkg epci -where "code = '$EPCI'" >gpkg.txt
assert_contains gpkg.txt 'densite[_0-9]* \(Real\) = 1222\.139'
echo "export_decimals: ok"
