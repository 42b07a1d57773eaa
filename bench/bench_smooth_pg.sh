#!/bin/sh
# bench_smooth_pg.sh - kind = potential and kind = grid drawn from a
# SpatiaLite store and from a PostGIS one in the same run: the Nord's 647
# communes (the bundled layers), and with BENCH_FRANCE=1 the communes of
# metropolitan France (../shared/data, as bench_atlas.sh builds them; or
# a copy of BENCH_FRANCE_STORE=obs.sqlite that it built).
# Prints each map's median of 3 runs (after a warm-up; France: one run) on
# each engine, the ratio PostGIS / SpatiaLite, and the load average. By
# hand, never in ctest:
#   sh bench/bench_smooth_pg.sh [build/terrobs]
# Starts a throwaway PostgreSQL cluster (bench/pg_cluster.inc) and stops it
# at the end, even on failure.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T=${1:-build/terrobs}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
T=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")
. bench/pg_cluster.inc
pg_cluster_start
W=$PG_CLUSTER_TMP # removed with the cluster
PG="PG:$PG_CONNINFO"
L=$ROOT/layers

RUNS=3 # France's maps: one run each (minutes under load)
median3() { # median3 CMD...: seconds, the median of $RUNS runs after one
    [ "$RUNS" -eq 1 ] || "$@" >/dev/null 2>&1
    for i in $(seq "$RUNS"); do
        a=$(date +%s.%N)
        "$@" >"$W/map.log" 2>&1 || { cat "$W/map.log" >&2; exit 1; }
        b=$(date +%s.%N)
        echo "$b - $a" | bc
    done | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

row() { # row LABEL STYLE SQLITE PG [--set ...]
    label=$1 style=$2 lite=$3 pg=$4
    shift 4
    a=$(median3 "$T" map "$lite" "$style" -o "$W/m.png" --force "$@")
    b=$(median3 "$T" map "$pg" "$style" -o "$W/m.png" --force "$@")
    printf '| %s | %.2f s | %.2f s | %.2f |\n' "$label" "$a" "$b" \
        "$(echo "$b / $a" | bc -l)"
}

echo "loading the Nord into SpatiaLite and copying it to PostGIS..." >&2
NORD=$W/nord.sqlite
"$T" -q init "$NORD"
"$T" -q load "$NORD" "$L/departements.layer"
"$T" -q load "$NORD" "$L/epci.layer"
"$T" -q load "$NORD" "$L/communes-nord.layer"
"$T" -q import "$NORD" variables "$L/variables.csv"
"$T" -q import "$NORD" indicators "$L/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021 --cog-from 2018 \
    --passage "$L/data/passage-2018-2026.csv" --partial-merges 2>/dev/null
"$T" -q copy "$NORD" "$PG active_schema=nord"

echo "| map (2000 x 1700 px) | SpatiaLite | PostGIS | PostGIS / SpatiaLite |"
echo "|---|---|---|---|"
row "Nord, 647 communes: potential, 1 km grid, gaussian 10 km" \
    styles/nord-population-potentiel.style "$NORD" "$PG active_schema=nord"
row "Nord, 647 communes: grid, hexagons of 8 km, clipped" \
    styles/nord-chomage-carreaux.style "$NORD" "$PG active_schema=nord"
row "Nord, 647 communes: grid, squares of 2 km" \
    styles/nord-chomage-carreaux.style "$NORD" "$PG active_schema=nord" \
    --set grid.cell=square --set grid.cell_size=2000 --set grid.clip=no

if [ "${BENCH_FRANCE:-0}" = 1 ]; then
    S=${TOB_SHARED:-$ROOT/../shared/data}
    OBS=$W/france.sqlite
    if [ -n "${BENCH_FRANCE_STORE:-}" ]; then # one bench_atlas.sh built
        "$T" -q copy "$BENCH_FRANCE_STORE" "$OBS"
    else
        echo "building the France store (several minutes)..." >&2
        . "$ROOT/bench/france_store.sh"
        build_store >/dev/null
    fi
    "$T" -q copy "$OBS" "$PG active_schema=france"
    RUNS=1
    for kind in potential grid; do
        [ $kind = potential ] &&
            own="[smoothing]
span = 20000
resolution = 5000" || own="[grid]
cell_size = 20000"
        cat >"$W/france-$kind.style" <<STYLE
[map]
title = France, $kind
width = 2000px
height = 2000px
extent = 99101 6046555 1242436 7110430
[data]
kind = $kind
level = commune
filter = code NOT LIKE '97%'
variable = population_2021
year = 2021
$own
[classes]
method = quantile
k = 7
STYLE
        row "metropolitan France's communes: $kind" \
            "$W/france-$kind.style" "$OBS" "$PG active_schema=france"
    done
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
