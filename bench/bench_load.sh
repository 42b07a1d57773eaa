#!/bin/sh
# bench_load.sh - load the 35,357 communes of France into a fresh store, and
# the same job with ogr2ogr in the same run; print both times, the ratio and
# peak RSS. Run by hand (never in ctest):
#   sh bench/bench_load.sh [build/terrobs]
# Reads ../shared/data (benchmarks may; the project never does at run time).
set -eu
cd "$(dirname "$0")/.."
T=${1:-build/terrobs}
SRC=${TOB_BENCH_SRC:-../shared/data/communes_france/communes_france_2018.geojson.gz}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
[ -f "$SRC" ] || { echo "no $SRC" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# A warm-up read so neither tool pays for a cold page cache.
gzip -dc "$SRC" >/dev/null

measure() { # measure NAME CMD...: prints "seconds max_rss_kb"
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time.txt" "$@" >/dev/null 2>"$W/$name.err" ||
        { cat "$W/$name.err" >&2; exit 1; }
    cat "$W/time.txt"
}

"$T" -q init "$W/obs.sqlite"
set -- $(measure terrobs "$T" -q load "$W/obs.sqlite" --level commune \
    --src "/vsigzip/$SRC" --code code --name nom --vintage 2018)
t_ours=$1 rss_ours=$2
set -- $(measure ogr2ogr ogr2ogr -f SQLite -dsco SPATIALITE=YES \
    -nlt PROMOTE_TO_MULTI -t_srs EPSG:2154 -makevalid -gt 65536 \
    "$W/ogr.sqlite" "/vsigzip/$SRC")
t_ogr=$1 rss_ogr=$2

n=$(sqlite3 "$W/obs.sqlite" "SELECT count(*) FROM territory")
repaired=$(sqlite3 "$W/obs.sqlite" "SELECT details FROM source")
echo "communes loaded:     $n ($repaired)"
echo "terrobs load:        ${t_ours} s, peak RSS $((rss_ours / 1024)) MB"
echo "ogr2ogr (reference): ${t_ogr} s, peak RSS $((rss_ogr / 1024)) MB"
awk -v a="$t_ours" -v b="$t_ogr" \
    'BEGIN { printf "ratio terrobs/ogr2ogr: %.2f (target <= 0.70)\n", a / b }'
