#!/bin/sh
# bench_atlas.sh - the atlas of all 1,255 EPCIs of France: a carnet (with
# the default template: key figures, maps, charts, tables) and a thumbnail
# per EPCI, plus the index. Prints the total time, time per carnet, CPU
# time per carnet and peak RSS, then a rerun with nothing changed, and how
# the carnets' bytes split (fonts, drawing, the rest). Run by hand (never
# in ctest):
#   sh bench/bench_atlas.sh [build/terrobs] [jobs]
# The commune atlas, or a part of it (ranks among all communes):
#   TOB_ATLAS_LEVEL=commune TOB_ATLAS_WITHIN="departement:62 departement:80" \
#       sh bench/bench_atlas.sh build/terrobs
# (TOB_ATLAS_WITHIN="" for all 35,357 communes; the template is then
# bench/commune.ini: references to the EPCI, the département and all
# communes.)
# Reads ../shared/data (benchmarks may; the project never does at run time).
# The store is built once under $TOB_BENCH_DIR (default /tmp/terrobs-bench-
# atlas) and reused; only the atlas is timed.
set -eu
cd "$(dirname "$0")/.."
. bench/france_store.sh
france_store "${1:-build/terrobs}"
JOBS=${2:-$(nproc)}
# Communes in their département too, for --within departement:NN.
if [ ! -f "$W/ready-dep" ]; then
    "$T" -q relate "$OBS" --child commune --parent departement --spatial
    touch "$W/ready-dep"
fi

LEVEL=${TOB_ATLAS_LEVEL:-epci}
set --
if [ "$LEVEL" = commune ]; then
    set -- --template bench/commune.ini
    for w in ${TOB_ATLAS_WITHIN-departement:62 departement:80}; do
        set -- "$@" --within "$w"
    done
fi
OUT="$W/atlas-$LEVEL"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$OUT"
/usr/bin/time -f "%e %U %S %M" -o "$W/time.txt" \
    "$T" atlas "$OBS" --level "$LEVEL" -o "$OUT" --jobs "$JOBS" \
    --date 23/11/2026 "$@" 2>"$W/atlas.err" ||
    { tail -20 "$W/atlas.err" >&2; exit 1; }
read -r wall user sys rss <"$W/time.txt"
grep "territories in" "$W/atlas.err"
n=$(ls "$OUT" | grep -c '\.pdf$')
all=$(sqlite3 "$OBS" "SELECT count(*) FROM territory WHERE level = '$LEVEL'")
echo "level $LEVEL: $all territories, carnets written: $n, jobs: $JOBS, CPUs: $(nproc)"
awk -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v n="$n" \
    -v all="$all" 'BEGIN {
    printf "atlas total:          %.1f s\n", w
    printf "time per carnet:      %.1f ms wall (throughput)\n", 1000 * w / n
    printf "CPU per carnet:       %.1f ms (user %.1f s + sys %.1f s)\n", \
        1000 * (u + s) / n, u, s
    printf "peak RSS:             %.0f MB\n", m / 1024
    if (n < all)
        printf "whole level at this pace: %.0f s (a hint: %d of %d made)\n", \
            w * all / n, n, all
}'
du -sh "$OUT" | awk '{ print "atlas size:           " $1 }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (other work skews wall time)"
/usr/bin/time -f "%e %M" -o "$W/time.txt" \
    "$T" atlas "$OBS" --level "$LEVEL" -o "$OUT" --jobs "$JOBS" \
    --date 23/11/2026 "$@" 2>"$W/rerun.err"
read -r wall rss <"$W/time.txt"
grep "territories in" "$W/rerun.err"
echo "rerun, nothing changed: $wall s, peak RSS $((rss / 1024)) MB (target < 5 s)"
python3 bench/pdf_split.py "$OUT"
