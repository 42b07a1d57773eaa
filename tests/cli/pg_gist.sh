# pg_gist.sh - on PostGIS, `relate --spatial` and `relate --overlap` find
# their candidates through the GiST index on territory.geom: the plans the
# server makes for the very statements terrobs sends (auto_explain, logged
# to the test cluster's server.log) probe territory_geom once per point or
# per child (an inner Index Scan), with no SubPlan; and the relations are
# the ones SpatiaLite finds. Runs as cli_pg_gist_pg only.
#
# The plans are the planner's own, no setting changed: at the test's size
# (647 points, about 1,500 territories) its costs already put the probes
# at a hundredth of reading the table per point, and the old SQL (a box
# computed with ST_XMin() per geometry, an IN subquery naming the outer
# row) gives it no index to use at any size. enable_seqscan = off would
# mislead here: the temporary table of points has no index, so every plan
# then costs 1e10 and PostgreSQL 15, comparing costs within 1 %, picks by
# sort order, a plan that reads territory by its primary key instead.
# What the planner does at the size of France: bench/bench_relate_pg.sh.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_gist_pg"
OBS=$(new_store obs)
LITE="$TOB_TMP/obs.sqlite"
pgdir=$(printf '%s\n' "$TOB_TEST_PG" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
LOG="$pgdir/server.log"
[ -r "$LOG" ] || fail "no server log at $LOG (tools/pg-test-cluster.sh)"

for S in "$LITE" "$OBS"; do
    $T -q init "$S"
    $T -q load "$S" "$LAYERS/epci.layer"
    $T -q load "$S" "$LAYERS/communes-nord.layer"
    $T -q load "$S" --level qpv --src "$DATA/qp.geojson" --code code_qp \
        --name nom_qp --vintage 2015 2>/dev/null
    $T -q load "$S" --level commune --vintage 2018 --code code --name nom \
        --src "$DATA/communes-occitanie-qp-2018.geojson"
done

# explained NAME CMD...: runs CMD with every plan of its sessions logged
# (the test cluster's user is its superuser: it may load auto_explain and
# set its options at connection);
# NAME.log is what the server logged meanwhile.
explained() {
    name=$1
    shift
    from=$(($(wc -c <"$LOG") + 1))
    PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0" \
        "$@"
    tail -c "+$from" "$LOG" >"$name.log"
}

# plan_of LOG TEXT: the logged plans whose query text holds TEXT (a plan is
# its "duration: ... plan:" line and the tab-indented lines after it).
plan_of() {
    awk -v text="$2" '
        /LOG: +duration: .* plan:/ { keep(); buf = $0; next }
        /^\t/ && buf != "" { buf = buf "\n" $0; next }
        { keep(); buf = "" }
        END { keep() }
        function keep() { if (buf != "" && index(buf, text)) print buf }' "$1"
}

# --spatial: the candidates' join probes the index once per point.
$T -q relate "$LITE" --child commune --parent epci --spatial
explained spatial $T -q relate "$OBS" --child commune --parent epci --spatial
plan_of spatial.log "CREATE TEMP TABLE relate_candidates" >spatial-plan.txt
[ -s spatial-plan.txt ] || {
    tail -n 20 spatial.log >&2
    fail "no plan logged for relate --spatial's candidates"
}
assert_contains spatial-plan.txt "(Index Scan using|Bitmap Index Scan on) territory_geom"
assert_contains spatial-plan.txt "Index Cond: \(.*geom && "

# --overlap: the parents of each child through the index, on p itself.
$T -q relate "$LITE" --overlap --child qpv --parent commune --parent-vintage 2018
explained overlap $T -q relate "$OBS" --overlap --child qpv --parent commune \
    --parent-vintage 2018
plan_of overlap.log "ST_Intersection(c.geom, p.geom)" >overlap-plan.txt
[ -s overlap-plan.txt ] || {
    tail -n 20 overlap.log >&2
    fail "no plan logged for relate --overlap's candidates"
}
assert_contains overlap-plan.txt "(Index Scan using territory_geom on territory p|Bitmap Index Scan on territory_geom)"
assert_contains overlap-plan.txt "Index Cond: \(.*geom && c\.geom\)"
if grep -q "SubPlan" overlap-plan.txt; then
    sed -n 1,40p overlap-plan.txt >&2
    fail "relate --overlap runs a subquery per parent"
fi

# The same relations as SpatiaLite's.
relations() {
    sql "$1" "SELECT c.code || ' ' || p.code || ' ' || m.kind || ' '
        || CAST(round(m.area_share * 10000) AS integer) FROM membership m
        JOIN territory c ON c.id = m.child JOIN territory p ON p.id = m.parent
        ORDER BY 1"
}
relations "$LITE" >lite.txt
relations "$OBS" >pg.txt
cmp -s lite.txt pg.txt || {
    diff lite.txt pg.txt | sed -n 1,10p >&2
    fail "the relations differ between the engines"
}
assert_eq "$(grep -c ' member ' pg.txt)" "$(sql "$OBS" "SELECT count(*)
    FROM territory WHERE level = 'commune' AND vintage = 2026")" \
    "every commune of the Nord in one EPCI"
assert_eq "$(grep -c ' overlap ' pg.txt)" 106 "QPV overlaps"
echo "pg_gist.sh: ok"
