#!/bin/sh
# bench_load_pg.sh - `terrobs load` of the 35,357 communes of France into
# PostGIS (its bulk write goes through COPY) beside `ogr2ogr -f PostgreSQL`
# (COPY too, by default) of the same file into another schema of the same
# throwaway cluster (bench/pg_cluster.inc), with the same work (EPSG:2154,
# MULTIPOLYGON, made valid); prints both times, the ratio (target <= 1.0)
# and the load average. Run by hand (never in ctest):
#   sh bench/bench_load_pg.sh [build/terrobs]
# TOB_BENCH_SRC=FILE loads another source; TOB_BENCH_RUNS=N runs each N
# times (default 1), terrobs first on odd runs and ogr2ogr first on even
# ones, and prints every time. Reads ../shared/data.
set -eu
cd "$(dirname "$0")/.."
T=${1:-build/terrobs}
SRC=${TOB_BENCH_SRC:-../shared/data/communes_france/communes_france_2018.geojson.gz}
RUNS=${TOB_BENCH_RUNS:-1}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
[ -f "$SRC" ] || { echo "no $SRC" >&2; exit 1; }
case "$SRC" in
*.gz) GDAL_SRC="/vsigzip/$(realpath "$SRC")" ;;
*) GDAL_SRC=$(realpath "$SRC") ;;
esac
. bench/pg_cluster.inc
pg_cluster_start
W=$PG_CLUSTER_TMP

seconds() { # seconds CMD...: "wall user system" seconds of CMD
    /usr/bin/time -f "%e %U %S" -o "$W/time.txt" "$@" >"$W/out.txt" 2>"$W/err.txt" ||
        { cat "$W/err.txt" >&2; exit 1; }
    cat "$W/time.txt"
}
psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$PG_CONNINFO" -c "$1"; }

gzip -dc "$SRC" >/dev/null # a warm page cache for both
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run=1
while [ "$run" -le "$RUNS" ]; do
    psql_q "DROP SCHEMA IF EXISTS ogr CASCADE; CREATE SCHEMA ogr" 2>/dev/null
    OBS="PG:$PG_CONNINFO active_schema=obs"
    "$T" -q init --force "$OBS"
    ours() {
        seconds "$T" -q load "$OBS" --level commune --src "$GDAL_SRC" \
            --code code --name nom --vintage 2018
    }
    ogr() {
        seconds ogr2ogr -f PostgreSQL "PG:$PG_CONNINFO" "$GDAL_SRC" \
            -lco SCHEMA=ogr -nln communes -nlt PROMOTE_TO_MULTI \
            -t_srs EPSG:2154 -makevalid -gt 65536
    }
    # Alternate which tool goes first: the server's background work
    # (autovacuum of the previous rows, checkpoints) falls on either.
    if [ $((run % 2)) -eq 1 ]; then
        t_ours=$(ours)
        t_ogr=$(ogr)
    else
        t_ogr=$(ogr)
        t_ours=$(ours)
    fi
    n=$(psql_q "SELECT count(*) FROM obs.territory")
    n_ogr=$(psql_q "SELECT count(*) FROM ogr.communes")
    echo "== run $run: $n communes (terrobs), $n_ogr (ogr2ogr)"
    set -- $t_ours $t_ogr
    echo "terrobs load -> PostGIS:           $1 s (client CPU: user $2 s, system $3 s)"
    echo "ogr2ogr -f PostgreSQL (reference): $4 s (client CPU: user $5 s, system $6 s)"
    awk -v a="$1" -v b="$4" 'BEGIN {
        printf "ratio terrobs/ogr2ogr: %.2f (target <= 1.0)\n", a / b }'
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared)"
    run=$((run + 1))
done
