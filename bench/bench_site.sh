#!/bin/sh
# bench_site.sh - the web observatory of France: 35,357 communes and 1,255
# EPCIs, their map data and pages (terrobs site --levels epci,commune).
# Prints the generation time, the site's size, the commune map data's size
# and the first paint of the commune map in headless Chromium
# (bench/bench_paint.py: from navigation to the frame after the polygons
# are drawn and coloured, as the page notes it). Targets
# (issue 14): under 60 s on 2 cores, commune map data under 15 MB, first
# paint under 2 s. Run by hand (never in ctest):
#   sh bench/bench_site.sh [build/terrobs] [jobs, default 2]
# Reads ../shared/data to build the store once (bench/france_store.sh),
# under $TOB_BENCH_DIR (default /tmp/terrobs-bench-atlas, shared with
# bench_atlas.sh).
set -eu
cd "$(dirname "$0")/.."
. bench/france_store.sh
france_store "${1:-build/terrobs}"
J=${2:-2}

cat /proc/loadavg | awk '{ print "load average before: " $1 }'
rm -rf "$W/site"
/usr/bin/time -f "%e %U %S %M" -o "$W/site-time.txt" \
    "$T" site "$OBS" -o "$W/site" --levels epci,commune --date 23/11/2026 --jobs "$J" \
    2>"$W/site.err" || { tail -20 "$W/site.err" >&2; exit 1; }
read -r wall user sys rss <"$W/site-time.txt"
cat "$W/site.err"
/usr/bin/time -f "%e" -o "$W/site-rerun.txt" \
    "$T" site "$OBS" -o "$W/site" --levels epci,commune --date 23/11/2026 --jobs "$J" \
    2>"$W/site-rerun.err"
awk -v j="$J" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" 'BEGIN {
    printf "site of France:       %.1f s wall, %.1f s CPU, %d jobs (target < 60 s)\n", \
        w, u + s, j
    printf "peak RSS:             %.0f MB\n", m / 1024
}'
awk '{ printf "rerun, nothing changed: %.1f s\n", $1 }' "$W/site-rerun.txt"
du -sh "$W/site" | awk '{ print "site size:            " $1 }'
geo=$(stat -c %s "$W/site/data/commune-geo.js")
val=$(stat -c %s "$W/site/data/commune-values.js")
awk -v g="$geo" -v v="$val" 'BEGIN {
    printf "commune map data:     %.1f MB (geometry %.1f + values %.1f; target < 15 MB)\n", \
        (g + v) / 1e6, g / 1e6, v / 1e6
}'
/usr/bin/python3 bench/bench_paint.py "$W/site" '#commune/population_2021/2021'
cat /proc/loadavg | awk '{ print "load average after:  " $1 }'
