#!/bin/sh
# bench_relate_pg.sh - relate in space on PostGIS at the size of France:
# the 35,357 communes (2018) and 1,255 EPCIs (2026) of ../shared/data in a
# throwaway cluster (bench/pg_cluster.inc). Times `relate --spatial` (the
# planner's own choices, no setting changed), then, in psql on the same
# points on surface, the candidates' join as terrobs sends it (the GiST
# index probed per point) beside the join it sent before (a box computed
# from each geometry with ST_XMin..., which no index serves), and the
# candidates of `relate --overlap` for the EPCIs over the communes (p.geom
# && c.geom per child, beside the IN subquery naming the child); prints
# the top of each plan. By hand, never in ctest:
#   sh bench/bench_relate_pg.sh [build/terrobs]
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
T=${1:-build/terrobs}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
T=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")
S=${TOB_SHARED:-$ROOT/../shared/data}
. bench/pg_cluster.inc
pg_cluster_start
PG="PG:$PG_CONNINFO active_schema=france"

echo "loading France's EPCIs and communes into PostGIS..." >&2
"$T" -q init "$PG"
"$T" -q load "$PG" --level epci --vintage 2026 \
    --src "$S/communes_france/epci_france_cog2026.geojson" \
    --code siren_epci --name nom_epci
"$T" -q load "$PG" --level commune --vintage 2018 --code code --name nom \
    --src "/vsigzip/$S/communes_france/communes_france_2018.geojson.gz"
psql -X -q "$PG_CONNINFO" -c "VACUUM ANALYZE france.territory"

a=$(date +%s.%N)
"$T" relate "$PG" --child commune --parent epci --spatial --vintage 2018 \
    --parent-vintage 2026 2>&1 | tail -n 1
b=$(date +%s.%N)
printf 'relate --spatial, 35,357 communes -> 1,255 EPCIs: %.2f s\n' \
    "$(echo "$b - $a" | bc)"

psql -X -q "$PG_CONNINFO" <<'SQL'
SET search_path = france, public;
CREATE TEMP TABLE relate_points AS SELECT code, ST_X(pt) AS x, ST_Y(pt) AS y
  FROM (SELECT code, ST_PointOnSurface(geom) AS pt FROM territory
        WHERE level = 'commune' AND vintage = 2018) AS q;
\timing on
\echo '-- --spatial candidates, as sent now (GiST probed per point)'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
SELECT r.pkid AS parent, c.code, c.x, c.y FROM pg_temp.relate_points c
  JOIN (SELECT id AS pkid, geom, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax,
        ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax FROM territory
        WHERE geom IS NOT NULL) r
  ON r.geom && ST_SetSRID(ST_MakePoint(c.x, c.y), 2154) ORDER BY r.pkid;
\echo '-- --spatial candidates, as sent before (a box computed per geometry)'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON)
SELECT r.pkid AS parent, c.code, c.x, c.y FROM pg_temp.relate_points c
  JOIN (SELECT id AS pkid, ST_XMin(geom) AS xmin, ST_XMax(geom) AS xmax,
        ST_YMin(geom) AS ymin, ST_YMax(geom) AS ymax FROM territory
        WHERE geom IS NOT NULL) r
  ON r.xmin <= c.x AND r.xmax >= c.x AND r.ymin <= c.y AND r.ymax >= c.y
  ORDER BY r.pkid;
\echo '-- --overlap candidates of 50 EPCIs among the communes, one query a child as terrobs runs it'
DO $$
DECLARE
  t0 timestamptz;
  n bigint;
  total bigint;
  cid bigint;
BEGIN
  total := 0;
  t0 := clock_timestamp();
  FOR cid IN SELECT id FROM territory WHERE level = 'epci' ORDER BY code LIMIT 50 LOOP
    SELECT count(*) INTO n FROM territory c, territory p WHERE c.id = cid
      AND p.level = 'commune' AND p.vintage = 2018 AND p.geom IS NOT NULL
      AND p.geom && c.geom;
    total := total + n;
  END LOOP;
  RAISE NOTICE 'now (p.geom && c.geom): % candidates in %', total, clock_timestamp() - t0;
  total := 0;
  t0 := clock_timestamp();
  FOR cid IN SELECT id FROM territory WHERE level = 'epci' ORDER BY code LIMIT 50 LOOP
    SELECT count(*) INTO n FROM territory c, territory p WHERE c.id = cid
      AND p.level = 'commune' AND p.vintage = 2018 AND p.geom IS NOT NULL
      AND p.id IN (SELECT id FROM territory WHERE geom && c.geom);
    total := total + n;
  END LOOP;
  RAISE NOTICE 'before (IN subquery): % candidates in %', total, clock_timestamp() - t0;
END $$;
SQL
