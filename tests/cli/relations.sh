# relations.sh - relate, zone and territory lists through the real binary
# on the bundled real data: memberships checked in space, SCoT/zone
# dissolves, QPV overlaps with area shares, the QPV 2024 list.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/departements.layer"
$T -q load "$OBS" "$LAYERS/epci.layer"
$T -q load "$OBS" "$LAYERS/communes-nord.layer"
$T -q load "$OBS" "$LAYERS/communes-somme.layer" --append

# Communes -> EPCI from the siren_epci kept at load, checked in space.
$T relate "$OBS" --child commune --parent epci 2>log.txt
assert_contains log.txt "related 1418 commune \(2026\) to 39 epci \(2026\) from parent codes: 1418 memberships"
assert_contains log.txt "1418 checked, 0 mismatches"
# Every Nord commune belongs to exactly one EPCI.
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory c
    WHERE c.level = 'commune' AND c.code LIKE '59%'
    AND (SELECT count(*) FROM membership m JOIN territory p ON p.id = m.parent
         WHERE m.child = c.id AND p.level = 'epci' AND m.kind = 'member') = 1")" \
    647 "Nord communes in exactly one EPCI"
# Rerunning replaces, it does not add.
$T -q relate "$OBS" --child commune --parent epci
assert_eq "$(sql "$OBS" "SELECT count(*) FROM membership WHERE kind = 'member'")" \
    1418 "memberships after a rerun"

# The same from the DGCL member table; one wrong row is caught in space.
$T relate "$OBS" --child commune --parent epci \
    --members "$DATA/epci-membres-59.csv" --child-key code_insee \
    --parent-key siren_epci 2>log.txt
assert_contains log.txt "647 rows read"
assert_contains log.txt "647 checked, 0 mismatches"
assert_contains log.txt "commune without epci: 771: 80001"
awk -F, 'NR == 1 || $2 != "59350"' "$DATA/epci-membres-59.csv" >wrong.csv
echo "245900428,59350,Lille,215903501,236710,236234" >>wrong.csv
$T relate "$OBS" --child commune --parent epci --members wrong.csv \
    --child-key code_insee --parent-key siren_epci 2>log.txt
assert_contains log.txt "points on surface outside their epci: 1: 59350 \(point in 200093201, not 245900428\)"
# --strict turns it into an error that changes nothing.
store_dump "$OBS" >before.sql
run_fails 2 "points on surface outside their epci 1: 59350" \
    $T relate "$OBS" --child commune --parent epci --members wrong.csv \
    --child-key code_insee --parent-key siren_epci --strict
run_fails 2 "wrong.csv: insee: missing column 'insee'; columns: siren_epci, code_insee" \
    $T relate "$OBS" --child commune --parent epci --members wrong.csv \
    --child-key insee --parent-key siren_epci
run_fails 2 "no level 'scot' in the store" \
    $T relate "$OBS" --child epci --parent scot
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a failed relate changed the store"
$T -q relate "$OBS" --child commune --parent epci

# Communes -> département in space (the 2018 shapes carry no parent code).
$T relate "$OBS" --child commune --parent departement --spatial 2>log.txt
assert_contains log.txt "1418 memberships"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM membership m
    JOIN territory c ON c.id = m.child JOIN territory d ON d.id = m.parent
    WHERE d.level = 'departement' AND substr(c.code, 1, 2) <> d.code")" 0 \
    "communes in the département of their code"

# Zones from member lists: a SCoT's area is its EPCIs' within 0.1 %.
$T zone "$OBS" "$LAYERS/scot-nord.csv" 2>log.txt
assert_contains log.txt "7 zones from .*scot-nord.csv \(vintage 2026\): 7 created"
$T zone "$OBS" "$LAYERS/zones-somme-pacte.csv" 2>log.txt
assert_contains log.txt "Z80-PM \(5 epci\), Z80-GA \(7 epci\), Z80-SHS \(4 epci\)"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM (SELECT s.area_m2 AS a,
    sum(e.area_m2) AS b FROM territory s JOIN membership m ON m.parent = s.id
    JOIN territory e ON e.id = m.child WHERE s.level IN ('scot', 'zone')
    GROUP BY s.id) AS z WHERE abs(a / b - 1) < 0.001")" 10 "zone areas"
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory
    WHERE level = 'scot' AND CASE WHEN ST_IsValid(geom) THEN 1 ELSE 0 END = 1
    AND GeometryType(geom) = 'MULTIPOLYGON'")" \
    7 "valid SCoT polygons"
ogrinfo -ro -q "$OBS" >layers.txt
assert_contains layers.txt "scot \(Multi Polygon\)"
# Rebuilt on rerun, same ids.
before=$(sql "$OBS" "SELECT id FROM territory WHERE level = 'scot' ORDER BY id")
$T zone "$OBS" "$LAYERS/scot-nord.csv" 2>log.txt
assert_contains log.txt "0 created, 7 rebuilt"
assert_eq "$(sql "$OBS" "SELECT id FROM territory WHERE level = 'scot' ORDER BY id")" \
    "$before" "zone ids kept"
# An unknown member code names file:row: member_code; nothing is written.
sed 's/^scot,S59-CA,SCoT du Cambrésis,epci,245901038$/scot,S59-CA,SCoT du Cambrésis,epci,245901039/' \
    "$LAYERS/scot-nord.csv" >bad-zone.csv
grep -q 245901039 bad-zone.csv || fail "bad-zone.csv not made"
store_dump "$OBS" >before.sql
run_fails 2 "bad-zone.csv:12: member_code: no epci with code '245901039'" \
    $T zone "$OBS" bad-zone.csv
printf 'zone_level,zone_code,zone_name,member_level,member_code\nzone,Z1,A,epci,200093201\nzone,Z1,B,epci,245900428\n' >renamed.csv
run_fails 2 "renamed.csv:3: zone_name: zone Z1 is named 'A' at row 2" \
    $T zone "$OBS" renamed.csv
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a failed zone import changed the store"

# The QPV 2024 list: no geometry, related to every commune it lies in.
$T import "$OBS" territories "$LAYERS/data/qpv2024-communes.csv" \
    --level qpv --code code_qp --name lib_qp --vintage 2024 \
    --parent-level commune --parent-key insee_com 2>log.txt
assert_contains log.txt "imported 200 qpv \(vintage 2024\) from a list without geometry, 280 rows"
$T info "$OBS" --level qpv --code QN05902M >info.txt
assert_contains info.txt "commune +59028 +Auby +\(overlap, share unknown\)"
assert_contains info.txt "commune +59509 +Roost-Warendin +\(overlap, share unknown\)"
run_fails 2 "level qpv, vintage 2024 already holds 200 territories: use --replace" \
    $T import "$OBS" territories "$LAYERS/data/qpv2024-communes.csv" \
    --level qpv --code code_qp --name lib_qp --vintage 2024

# --in-store: only the QPV with a commune in the store (the Nord and the
# Somme here), counted from the file itself.
counts=$(python3 - "$LAYERS/data/qpv2024-communes.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kept = {r["code_qp"] for r in rows if r["insee_com"][:2] in ("59", "80")}
print(len(kept), len({r["code_qp"] for r in rows}))
PY
)
kept=${counts% *} all=${counts#* }
$T import "$OBS" territories "$LAYERS/data/qpv2024-communes.csv" \
    --level qpv --code code_qp --name lib_qp --vintage 2025 --in-store \
    --parent-level commune --parent-key insee_com 2>log.txt
assert_contains log.txt "imported $kept qpv \(vintage 2025\)"
assert_contains log.txt "left out \(--in-store\), no commune in the store: $((all - kept)): "
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'qpv'
    AND vintage = 2025 AND code NOT LIKE 'QN059%' AND code NOT LIKE 'QN080%'")" \
    0 "QPV of other départements kept by --in-store"
# Without it, the warning says how to keep only the store's own.
$T import "$OBS" territories "$LAYERS/data/qpv2024-communes.csv" \
    --level qpv --code code_qp --name lib_qp --vintage 2026 \
    --parent-level commune --parent-key insee_com 2>log.txt
assert_contains log.txt "commune codes not in the store \(--in-store keeps only"
# None left: an error naming the file, and nothing written.
grep -e '^code_qp' -e ',972$' "$LAYERS/data/qpv2024-communes.csv" >mq.csv
store_dump "$OBS" >before.sql
run_fails 2 "mq.csv: no territory has its commune \(insee_com\) in the store" \
    $T import "$OBS" territories mq.csv --level qpv --code code_qp \
    --name lib_qp --vintage 2027 --in-store --parent-level commune \
    --parent-key insee_com
store_dump "$OBS" >after.sql
cmp -s before.sql after.sql || fail "a refused --in-store import changed the store"
run_fails 1 "--in-store needs --parent-level" \
    $T import "$OBS" territories mq.csv --level qpv --code code_qp \
    --name lib_qp --in-store

# QPV 2015 polygons of Occitanie (32 invalid, repaired) over communes.
$T -q init occ.sqlite
$T load occ.sqlite --level qpv --src "$DATA/qp.geojson" --code code_qp \
    --name nom_qp --parent-code code_commune --vintage 2015 2>log.txt
assert_contains log.txt "geometries repaired"
$T -q load occ.sqlite --level commune --vintage 2018 --code code --name nom \
    --src "$DATA/communes-occitanie-qp-2018.geojson"
$T relate occ.sqlite --overlap --child qpv --parent commune 2>log.txt
assert_contains log.txt "overlaps of 105 qpv \(2015\) with commune \(2018\): 106 written, 1 straddling, 4 border slivers under 1 % dropped"
assert_contains log.txt "QP065003 \(65417 3.8 %, 65440 96.2 %\)"
assert_eq "$(sql occ.sqlite "SELECT count(*) FROM (SELECT sum(area_share) AS s
    FROM membership WHERE kind = 'overlap' GROUP BY child)
    WHERE s BETWEEN 0.99 AND 1.0000001")" 105 "QPV area shares add up"
$T relate occ.sqlite --overlap --child qpv --parent commune --min-share 0 2>log.txt
assert_contains log.txt "110 written, 4 straddling"
$T relate occ.sqlite --child qpv --parent commune 2>log.txt
assert_contains log.txt "105 checked, 0 mismatches"
$T info occ.sqlite --level commune --code 65417 >info.txt
assert_contains info.txt "qpv +QP065003 .*\(overlap, 3.8 % of the qpv's area\)"
echo "relations.sh: ok"
