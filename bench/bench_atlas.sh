#!/bin/sh
# bench_atlas.sh - the atlas of all 1,255 EPCIs of France: a carnet (with
# the default template: key figures, maps, charts, tables) and a thumbnail
# per EPCI, plus the index. Prints the total time, time per carnet, CPU
# time per carnet and peak RSS. Run by hand (never in ctest):
#   sh bench/bench_atlas.sh [build/terrobs] [jobs]
# Reads ../shared/data (benchmarks may; the project never does at run time).
# The store is built once under $TOB_BENCH_DIR (default /tmp/terrobs-bench-
# atlas) and reused; only the atlas is timed.
set -eu
cd "$(dirname "$0")/.."
T=$(realpath "${1:-build/terrobs}")
JOBS=${2:-$(nproc)}
S=${TOB_SHARED:-../shared/data}
W=${TOB_BENCH_DIR:-/tmp/terrobs-bench-atlas}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
[ -d "$S/communes_france" ] || { echo "no $S/communes_france" >&2; exit 1; }
mkdir -p "$W"
OBS="$W/france.sqlite"

. bench/france_store.sh
[ -f "$W/ready" ] || build_store

n=$(sqlite3 "$OBS" "SELECT count(*) FROM territory WHERE level = 'epci'")
rm -rf "$W/atlas"
/usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" \
    "$T" atlas "$OBS" --level epci -o "$W/atlas" --jobs "$JOBS" \
    2>"$W/atlas.err" || { tail -20 "$W/atlas.err" >&2; exit 1; }
read -r wall user sys rss <"$W/time.txt"
grep "territories in" "$W/atlas.err"
pdfs=$(ls "$W/atlas" | grep -c '\.pdf$')
echo "EPCIs: $n, carnets written: $pdfs, jobs: $JOBS, CPUs: $(nproc)"
echo "load average before/after: see /proc/loadavg (other work skews wall time)"
awk -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v n="$n" 'BEGIN {
    printf "atlas total:          %.1f s (target < 60 s)\n", w
    printf "time per carnet:      %.1f ms wall (throughput)\n", 1000 * w / n
    printf "CPU per carnet:       %.1f ms (user %.1f s + sys %.1f s)\n", \
        1000 * (u + s) / n, u, s
    printf "peak RSS:             %.0f MB\n", m / 1024
}'
du -sh "$W/atlas" | awk '{ print "atlas size:           " $1 }'
cat /proc/loadavg
