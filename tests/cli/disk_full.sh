# disk_full.sh - every output written on a full file system (issue #18):
# carnet, map (PDF, PNG), export (XLSX, ODS, GeoPackage, CSV), ODS report,
# templates, atlas, QGIS project and a new store must exit 3, name the
# output, and leave no file and no .tmp.
# Needs a tiny tmpfs: mounted in a private mount namespace (unshare -rm),
# or directly when root; else the test is skipped (exit 77), saying why.
. "$TOB_SRC/tests/cli/lib.sh"

FULL="$TOB_TMP/full"
if [ -z "${TOB_DISK_FULL_MOUNTED:-}" ]; then
    if unshare -rm true 2>/dev/null; then
        TOB_DISK_FULL_MOUNTED=ns exec unshare -rm sh "$0"
    fi
    TOB_DISK_FULL_MOUNTED=plain
fi
mkdir -p "$FULL"
if ! mount -t tmpfs -o size=256k tmpfs "$FULL" 2>mount.txt; then
    echo "disk_full.sh: SKIP: cannot mount a tmpfs ($(cat mount.txt));" \
        "run as root or where unshare -rm is allowed"
    exit 77
fi
if [ "$TOB_DISK_FULL_MOUNTED" = plain ]; then
    trap 'umount "$FULL"' EXIT
fi

$T -q init mq.sqlite --srid 5490
$T -q load mq.sqlite --level commune --vintage 2026 --code code --name nom \
    --src "$DATA/load/martinique-4.geojson"
sql mq.sqlite "
INSERT INTO variable (name, label, unit, source, aggregate, decimals)
 VALUES ('population', 'Population municipale', 'habitants', 'Insee', 'sum',
 0);
INSERT INTO observation (territory, variable, year, value)
 SELECT id, 'population', 2021, 1000 * id FROM territory;"
cat >shape.style <<'STYLE'
[map]
title = Communes
[data]
kind = typology
level = commune
expression = 't'
[categories]
t = #1F4E79, Commune
STYLE

# Fill the file system: nothing more fits.
dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null || true
[ "$(df -P "$FULL" | awk 'NR == 2 { print $4 }')" -eq 0 ] ||
    fail "the tmpfs is not full"

# full_fails NAME CMD...: CMD exits 3, names $FULL/NAME on stderr, and
# leaves nothing beside the filler.
full_fails() {
    name=$1
    shift
    run_fails 3 "full/$name" "$@"
    # The output, never the temp file or GDAL's internal tables.
    if grep -Eq '\.tmp|CREATE TABLE|gpkg_[a-z]' err.txt; then
        cat err.txt >&2
        fail "the error names an internal file or table: $*"
    fi
    left=$(find "$FULL" -type f ! -name fill)
    [ -z "$left" ] || fail "left behind after $*: $left"
}

full_fails fdf.pdf $T carnet mq.sqlite --level commune --code 97209 \
    -o "$FULL/fdf.pdf" --date 23/11/2026
full_fails map.pdf $T map mq.sqlite shape.style -o "$FULL/map.pdf"
full_fails map.png $T map mq.sqlite shape.style -o "$FULL/map.png"
for ext in xlsx ods gpkg csv; do
    full_fails "x.$ext" $T export mq.sqlite --level commune -o "$FULL/x.$ext"
done
full_fails r.ods $T report mq.sqlite projects --level commune -o "$FULL/r.ods"
for ext in xlsx ods csv; do
    full_fails "t.$ext" $T template projects -o "$FULL/t.$ext"
done
full_fails p.qgs $T qgis mq.sqlite -o "$FULL/p.qgs"
full_fails n.sqlite $T init "$FULL/n.sqlite"
full_fails "atlas/index.html" $T atlas mq.sqlite --level commune \
    -o "$FULL/atlas" --date 23/11/2026
assert_contains err.txt "97209 Fort-de-France: failed: .*full/atlas/97209-fort-de-france.pdf: cannot write"

# The same commands succeed once there is room: the failures were the disk.
rm "$FULL/fill"
$T -q carnet mq.sqlite --level commune --code 97209 -o "$FULL/fdf.pdf" \
    --date 23/11/2026
for ext in xlsx csv; do
    $T -q export mq.sqlite --level commune -o "$FULL/x.$ext"
done
[ -s "$FULL/fdf.pdf" ] && [ -s "$FULL/x.xlsx" ] && [ -s "$FULL/x.csv" ] ||
    fail "no output with room"
assert_contains "$FULL/x.csv" "97209"
left=$(find "$FULL" -name '*.tmp*')
[ -z "$left" ] || fail "temporary files left: $left"
echo "disk_full.sh: ok"
