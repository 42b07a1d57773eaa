#!/bin/sh
# bench_pg.sh - the same work on both engines in one run (issue 15): the
# France store (bench/france_store.sh) on SpatiaLite and copied to PostGIS
# (a throwaway cluster, bench/pg_cluster.inc), then on each: aggregate 20
# variables x 5 years of the 35,357 communes to the 1,255 EPCIs, the
# national choropleth, one EPCI carnet and the atlas of the 1,255 EPCIs;
# each time, its PostGIS / SpatiaLite ratio (target <= 1.5). Then, on
# PostGIS, a store of 35,357 communes x 50 variables x 10 years (17.7 M
# observations) aggregated to the EPCIs (target < 60 s). Run by hand
# (never in ctest):
#   sh bench/bench_pg.sh [build/terrobs] [jobs, default 2]
# TOB_BENCH_ATLAS=no skips the atlases, TOB_BENCH_BIG=no the 17.7 M store.
# The synthetic values (v01..v20, w01..w50) are made in SQL, the same on
# both engines; reads ../shared/data to build the France store once, under
# $TOB_BENCH_DIR (default /tmp/terrobs-bench-atlas, shared with
# bench_atlas.sh).
set -eu
cd "$(dirname "$0")/.."
. bench/france_store.sh
france_store "${1:-build/terrobs}"
J=${2:-2}
. bench/pg_cluster.inc
pg_cluster_start
P=$PG_CLUSTER_TMP
SL="$P/france.sqlite"
PG="PG:$PG_CONNINFO active_schema=france"

seconds() { # seconds CMD...: "wall cpu" of CMD (its output discarded)
    /usr/bin/time -f "%e %U %S" -o "$P/time.txt" "$@" >"$P/out.txt" \
        2>"$P/err.txt" || { tail -5 "$P/err.txt" >&2; exit 1; }
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$P/time.txt"
}
psql_q() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$PG_CONNINFO" -c "$1"; }
names() { # names PREFIX N: PREFIX01,...,PREFIXN
    awk -v p="$1" -v n="$2" 'BEGIN { for (i = 1; i <= n; i++)
        printf "%s%s%02d", (i > 1 ? "," : ""), p, i }'
}
# synth PREFIX N FIRST_YEAR LAST_YEAR: SQL declaring N variables (sums)
# with a value per commune and year, the same on both engines: a
# deterministic function of the ids, so both stores hold the same values.
synth_vars() {
    i=1
    while [ "$i" -le "$2" ]; do
        printf "INSERT INTO variable (name, label, unit, aggregate, decimals)"
        printf " VALUES ('%s%02d', 'Synthétique %s%02d', 'u', 'sum', 0);\n" \
            "$1" "$i" "$1" "$i"
        i=$((i + 1))
    done
}
synth_obs_sqlite() {
    cat <<EOF
WITH RECURSIVE v(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM v WHERE i < $2),
y(year) AS (SELECT $3 UNION ALL SELECT year + 1 FROM y WHERE year < $4)
INSERT INTO observation (territory, variable, year, value)
SELECT t.id, printf('$1%02d', v.i), y.year,
       (t.id * 7919 + v.i * 104729 + y.year * 31) % 10007
  FROM territory t, v, y WHERE t.level = 'commune';
EOF
}
synth_obs_pg() {
    cat <<EOF
INSERT INTO observation (territory, variable, year, value)
SELECT t.id, format('$1%s', lpad(v::text, 2, '0')), y,
       (t.id * 7919 + v * 104729 + y * 31) % 10007
  FROM territory t, generate_series(1, $2) v, generate_series($3, $4) y
 WHERE t.level = 'commune';
EOF
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The SpatiaLite store: a copy of the France store plus 20 x 5 values.
"$T" -q copy "$OBS" "$SL"
{
    synth_vars v 20
    synth_obs_sqlite v 20 2017 2021
} | sqlite3 "$SL"
set -- $(seconds "$T" -q copy "$SL" "$PG")
echo "terrobs copy SpatiaLite -> PostGIS: $1 s wall ($2 s client CPU)"
psql_q "ANALYZE" >/dev/null

cat >"$P/france.style" <<'EOF'
[map]
width = 2000px
height = 2000px
extent = 99101 6046555 1242436 7110430
date = none
[data]
level = commune
variable = population_2021
year = 2021
[classes]
method = quantile
k = 7
palette = auto
[polygons]
stroke = white
stroke_width = 0.1
[legend]
position = none
EOF

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf '\n| work | SpatiaLite wall (CPU) | PostGIS wall (client CPU) | PostGIS / SpatiaLite |\n'
printf '|---|---|---|---|\n'
both() { # both LABEL COMMAND ARGS...: terrobs COMMAND STORE ARGS on each
    label=$1 cmd=$2
    shift 2
    sl=$(seconds "$T" -q "$cmd" "$SL" "$@")
    pg=$(seconds "$T" -q "$cmd" "$PG" "$@")
    printf '| %s | %s s (%s s) | %s s (%s s) | %s |\n' "$label" \
        "${sl% *}" "${sl#* }" "${pg% *}" "${pg#* }" \
        "$(ratio "${sl% *}" "${pg% *}")"
}
V20=$(names v 20)
both "aggregate 20 variables x 5 years to the 1,255 EPCIs" aggregate \
    --from commune --to epci --variables "$V20"
both "national choropleth, 35,357 communes, 2000 x 2000 PNG" map \
    "$P/france.style" -o "$P/map.png" --force
both "carnet of one EPCI (CA de Cambrai)" carnet --level epci \
    --code 200068500 -o "$P/carnet.pdf" --force --date 06/12/2026
if [ "${TOB_BENCH_ATLAS:-yes}" = yes ]; then
    both "atlas of the 1,255 EPCIs, $J jobs" atlas --level epci \
        -o "$P/atlas" --jobs "$J" --force --date 06/12/2026
fi

if [ "${TOB_BENCH_BIG:-yes}" = yes ]; then
    echo
    echo "making 35,357 communes x 50 variables x 10 years on PostGIS..."
    {
        echo "SET search_path = france, public;"
        synth_vars w 50
        synth_obs_pg w 50 2012 2021
        # what terrobs does after its own large writes (store.c): the
        # visibility map set, for index-only reads of the values
        echo "VACUUM (ANALYZE) observation;"
    } | psql -X -q -v ON_ERROR_STOP=1 "$PG_CONNINFO" >/dev/null
    n=$(psql_q "SELECT count(*) FROM france.observation o
        JOIN france.territory t ON t.id = o.territory
        WHERE t.level = 'commune' AND o.variable LIKE 'w%'")
    echo "observations of w01..w50: $n"
    set -- $(seconds "$T" -q aggregate "$PG" --from commune --to epci \
        --variables "$(names w 50)")
    echo "aggregate 50 variables x 10 years to the EPCIs on PostGIS: $1 s" \
        "wall, $2 s client CPU (target < 60 s)"
    m=$(psql_q "SELECT count(*) FROM france.observation o
        JOIN france.territory t ON t.id = o.territory
        WHERE t.level = 'epci' AND o.variable LIKE 'w%'")
    echo "EPCI values written: $m"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores)"
