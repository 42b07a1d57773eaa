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

# The store: the 1,255 EPCIs (2026), the 35,357 communes (2018 shapes) each
# related to the EPCI holding its point on surface, départements dissolved
# from the communes, the Insee comparateur's indicators (COG 2024 codes: the
# few communes merged since 2018 get no value, nor do their EPCIs), values
# aggregated to the EPCIs and départements.
build_store() {
    rm -f "$OBS" "$OBS-wal" "$OBS-shm" "$W/ready"
    "$T" -q init "$OBS"
    "$T" -q load "$OBS" --level epci --vintage 2026 \
        --src "$S/communes_france/epci_france_cog2026.geojson" \
        --code siren_epci --name nom_epci
    "$T" -q load "$OBS" --level commune --vintage 2018 --code code --name nom \
        --src "/vsigzip/$S/communes_france/communes_france_2018.geojson.gz"
    ogr2ogr -f GeoJSON "$W/departements.geojson" "$OBS" -dialect sqlite -sql \
        "SELECT substr(code, 1, CASE WHEN code LIKE '97%' THEN 3 ELSE 2 END)
                AS code, ST_Union(geom) AS geom
           FROM commune GROUP BY 1"
    python3 - "$S" "$W/departements.geojson" "$W/departements-named.geojson" <<'EOF'
import json, sys
names = {d["code"]: d["nom"] for d in json.load(open(
    sys.argv[1] + "/decoupage_administratif/json/departements.json"))}
fc = json.load(open(sys.argv[2]))
for f in fc["features"]:
    f["properties"]["nom"] = names.get(f["properties"]["code"],
                                       f["properties"]["code"])
json.dump(fc, open(sys.argv[3], "w"))
EOF
    "$T" -q load "$OBS" --level departement --vintage 2026 --code code \
        --name nom --src "$W/departements-named.geojson"
    "$T" -q relate "$OBS" --child commune --parent epci --spatial
    "$T" -q import "$OBS" variables layers/variables.csv
    "$T" -q import "$OBS" indicators \
        "$S/indicateurs/comparateur_insee_2024_datasfun/communes_unique_com.csv" \
        --level commune --key insee_com --year 2021 \
        --columns superficie_km2,population_2021,population_2015,menages_2021,pop_15_64_chomage_2021,pop_15_64_active_2021
    "$T" -q aggregate "$OBS" --from commune --to epci
    touch "$W/ready"
}
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
