#!/bin/sh
# bench_load.sh - load the 35,357 communes of France into a fresh store, and
# the same job with ogr2ogr in the same run; print both times, the ratio and
# peak RSS, for the GeoJSON file and for GeoPackage and FlatGeobuf copies of
# it (made with ogr2ogr first, not timed: formats where GDAL has no open-time
# scan of the whole file). Run by hand (never in ctest):
#   sh bench/bench_load.sh [build/terrobs]
# TOB_BENCH_SRC=FILE loads another source; TOB_BENCH_FORMATS="geojson gpkg
# fgb" picks the formats; BENCH_RUNS=N runs each tool N times (default 3,
# alternately; medians). Reads ../shared/data (benchmarks may; the project
# never does at run time).
set -eu
cd "$(dirname "$0")/.."
T=${1:-build/terrobs}
SRC=${TOB_BENCH_SRC:-../shared/data/communes_france/communes_france_2018.geojson.gz}
FORMATS=${TOB_BENCH_FORMATS:-geojson gpkg fgb}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
[ -f "$SRC" ] || { echo "no $SRC" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

measure() { # measure NAME CMD...: prints "seconds max_rss_kb"
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time.txt" "$@" >/dev/null 2>"$W/$name.err" ||
        { cat "$W/$name.err" >&2; exit 1; }
    cat "$W/time.txt"
}

case "$SRC" in
*.gz) GDAL_SRC="/vsigzip/$SRC" ;;
*) GDAL_SRC=$SRC ;;
esac
# The copies, the same features and fields (not timed).
for f in $FORMATS; do
    case $f in
    geojson) ;;
    gpkg) ogr2ogr -f GPKG "$W/src.gpkg" "$GDAL_SRC" -nln communes ;;
    fgb) ogr2ogr -f FlatGeobuf "$W/src.fgb" "$GDAL_SRC" -nln communes ;;
    *) echo "unknown format $f (geojson, gpkg, fgb)" >&2; exit 1 ;;
    esac
done

median() { printf '%s\n' "$@" | sort -n | sed -n "$(($# / 2 + 1))p"; }

# compare FORMAT SOURCE: both tools on one source, a warm page cache,
# alternately RUNS times (BENCH_RUNS, default 3); medians.
compare() {
    cat "$2" >/dev/null 2>&1 || gzip -dc "$SRC" >/dev/null
    ours="" ogr="" rss_ours=0 rss_ogr=0
    i=0
    while [ "$i" -lt "${BENCH_RUNS:-3}" ]; do
        i=$((i + 1))
        rm -f "$W/obs.sqlite" "$W/obs.sqlite-wal" "$W/obs.sqlite-shm" \
            "$W/ogr.sqlite"
        "$T" -q init "$W/obs.sqlite"
        set -- "$1" "$2" $(measure terrobs "$T" -q load "$W/obs.sqlite" \
            --level commune --src "$2" --code code --name nom --vintage 2018)
        ours="$ours $3" rss_ours=$4
        set -- "$1" "$2" $(measure ogr2ogr ogr2ogr -f SQLite \
            -dsco SPATIALITE=YES -nlt PROMOTE_TO_MULTI -t_srs EPSG:2154 \
            -makevalid -gt 65536 "$W/ogr.sqlite" "$2")
        ogr="$ogr $3" rss_ogr=$4
    done
    t_ours=$(median $ours) t_ogr=$(median $ogr)
    n=$(sqlite3 "$W/obs.sqlite" "SELECT count(*) FROM territory")
    repaired=$(sqlite3 "$W/obs.sqlite" "SELECT details FROM source")
    echo "== $1: $n communes loaded ($repaired)"
    echo "terrobs load:        ${t_ours} s (runs:$ours), peak RSS $((rss_ours / 1024)) MB"
    echo "ogr2ogr (reference): ${t_ogr} s (runs:$ogr), peak RSS $((rss_ogr / 1024)) MB"
    awk -v a="$t_ours" -v b="$t_ogr" -v f="$1" 'BEGIN {
        printf "ratio terrobs/ogr2ogr (%s): %.2f (target <= 0.70)\n", f, a / b }'
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

for f in $FORMATS; do
    case $f in
    geojson) compare GeoJSON "$GDAL_SRC" ;;
    gpkg) compare GeoPackage "$W/src.gpkg" ;;
    fgb) compare FlatGeobuf "$W/src.fgb" ;;
    esac
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work skews both tools)"
