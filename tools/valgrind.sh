#!/bin/sh
# valgrind.sh - runs the unit tests and typical terrobs commands under
# valgrind (memcheck): any invalid read or write, use of uninitialised
# memory, or memory *definitely* lost fails the run. GDAL, PROJ, GEOS,
# fontconfig and Pango keep caches for the life of the process: those are
# "still reachable" (not errors); the few third-party definite leaks we
# cannot free are suppressed, each with its reason, in tools/valgrind.supp.
# Usage: tools/valgrind.sh [TEST_NAME_REGEX]   (builds build-valgrind/)
# Takes several minutes: it is run by hand, not by ctest.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
filter=${1:-.}
jobs=$(nproc 2>/dev/null || echo 2)
command -v valgrind >/dev/null || {
    echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
}
cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-valgrind -j"$jobs" >/dev/null
B="$ROOT/build-valgrind"
OUT="$B/valgrind"
rm -rf "$OUT"
mkdir -p "$OUT/tmp"
VG="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite
    --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=30
    --suppressions=$ROOT/tools/valgrind.supp --gen-suppressions=all"

n_runs=0
n_bad=0
bad=""
# vg NAME CMD...: CMD under valgrind, its report in $OUT/NAME.log.
vg() {
    name=$1
    shift
    printf '%s' "$name" | grep -Eq -- "$filter" || return 0
    n_runs=$((n_runs + 1))
    set +e
    # shellcheck disable=SC2086
    TOB_TMP="$OUT/tmp/$name" $VG --log-file="$OUT/$name.log" "$@" \
        >"$OUT/$name.out" 2>&1
    rc=$?
    set -e
    lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' \
        "$OUT/$name.log" | tail -1)
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' \
        "$OUT/$name.log" | tail -1)
    printf '%-28s exit %3d  errors %3s  definitely lost %s bytes\n' \
        "$name" "$rc" "${errors:-?}" "${lost:-0}"
    if [ "$rc" -eq 99 ] || [ "${errors:-1}" -ne 0 ]; then
        n_bad=$((n_bad + 1))
        bad="$bad $name"
    fi
}

echo "== unit tests"
for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    vg "$(basename "$t")" "$t"
done

echo "== command line"
T="$B/terrobs"
S="$OUT/obs.sqlite"
L="$ROOT/layers"
BADF="$ROOT/tests/bad/files"
vg init "$T" -q init "$S"
vg load-nord "$T" -q load "$S" "$L/communes-nord-2018.layer"
vg load-epci "$T" -q load "$S" "$L/epci.layer"
vg load-refused "$T" -q load "$S" --level commune --vintage 2019 \
    --code code --name nom --src "$BADF/geojson/duplicate-codes.geojson"
vg load-latin1 "$T" -q load "$S" --level commune --vintage 2020 --code code \
    --name nom --src "$BADF/shp/latin1/communes.shp"
vg layer-refused "$T" -q load "$S" "$BADF/layer/unclosed-quote.layer"
vg info "$T" info "$S"
vg info-territory "$T" info "$S" --level commune --code 59350 --vintage 2018
printf '%s\n' 1 2 3 4 5 6 7 8 9 10 50 100 NA 12,5 >"$OUT/values.txt"
vg breaks "$T" breaks --method fisher -k 5 "$OUT/values.txt"
vg carnet "$T" -q carnet "$S" --level commune --code 59350 --vintage 2018 \
    -o "$OUT/carnet.pdf"
vg export-csv "$T" -q export "$S" --level commune --vintage 2018 \
    -o "$OUT/export.csv"
vg export-ods "$T" -q export "$S" --level commune --vintage 2018 \
    -o "$OUT/export.ods"

echo "valgrind.sh: $n_runs runs, $n_bad with errors or definite leaks${bad:+:$bad}"
echo "reports in $OUT/*.log"
[ "$n_bad" -eq 0 ]
