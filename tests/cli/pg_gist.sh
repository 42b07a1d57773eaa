# pg_gist.sh - on PostGIS, the statements that look for territories by
# their boxes find them through the GiST index on territory.geom: the
# plans the server makes for the very statements terrobs sends
# (auto_explain, logged to the test cluster's server.log) probe
# territory_geom once per point, child, member, map feature or project
# (an inner Index Scan on the alias the statement searches), with no
# SubPlan: `relate --spatial`, `relate --overlap`, the containers of a
# zone's members (`zone`), the borders of a discontinuity map (`map`) and
# the check of a project's point (`import projects`). What they find is
# what SpatiaLite finds. Runs as cli_pg_gist_pg only.
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

# explained NAME CMD...: runs CMD (a command or a function of this file)
# with every plan of its sessions logged
# (the test cluster's user is its superuser: it may load auto_explain and
# set its options at connection);
# NAME.log is what the server logged meanwhile.
explained() {
    name=$1
    shift
    from=$(($(wc -c <"$LOG") + 1))
    (
        PGOPTIONS="-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0"
        export PGOPTIONS
        "$@"
    )
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

# subplan_reads_territory PLAN: whether a SubPlan of PLAN (the lines
# indented under its "SubPlan" line) reads territory.
subplan_reads_territory() {
    awk '
        { match($0, /^[\t ]*/); depth = RLENGTH }
        under >= 0 && depth <= under { under = -1 }
        under >= 0 && / on territory( |$)/ { found = 1 }
        under < 0 && /SubPlan/ { under = depth }
        BEGIN { under = -1 }
        END { exit !found }' "$1"
}

# gist_probe NAME TEXT ALIAS: the plans of NAME.log for the statement
# holding TEXT probe territory_geom for the rows of ALIAS (an Index Scan,
# or a Bitmap Index Scan under ALIAS's heap scan) and read territory in no
# subquery run per row (the old `ALIAS.id IN (SELECT ... outer row ...)`
# form: a SubPlan).
gist_probe() {
    plan_of "$1.log" "$2" >"$1-plan.txt"
    [ -s "$1-plan.txt" ] || {
        tail -n 20 "$1.log" >&2
        fail "no plan logged for $1"
    }
    grep -Eq "Index Scan using territory_geom on territory $3( |\$)|Bitmap Heap Scan on territory $3( |\$)" \
        "$1-plan.txt" || {
        sed -n 1,40p "$1-plan.txt" >&2
        fail "$1: territory $3 not read through territory_geom"
    }
    if subplan_reads_territory "$1-plan.txt"; then
        sed -n 1,40p "$1-plan.txt" >&2
        fail "$1 reads territory in a subquery per row"
    fi
}

# zone: a zone of the MEL and Lille would count Lille twice: found through
# the containers of each member (before any relate: by space alone), the
# same refusal on both engines.
printf '%s\n' "zone_level,zone_code,zone_name,member_level,member_code" \
    "zone,Z1,Lille et sa métropole,epci,200093201" \
    "zone,Z1,Lille et sa métropole,commune,59350" >zone-lille.csv
run_fails 2 "zone-lille.csv:3: member_code: commune 59350 lies in epci 200093201 \(row 2, by space\)" \
    $T zone "$LITE" zone-lille.csv
explained zone run_fails 2 "zone-lille.csv:3: member_code: commune 59350 lies in epci 200093201 \(row 2, by space\)" \
    $T zone "$OBS" zone-lille.csv
gist_probe zone "'its memberships'" b

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
# map: a discontinuity map's borders, each commune's neighbours through
# the index; the same borders (the legend's bounds and counts) on both.
printf '%s\n' "[map]" "width = 800px" "height = 600px" "[data]" \
    "kind = discontinuity" "level = commune" "variable = population_2021" \
    "[discontinuity]" "type = absolute" "threshold = 5000" \
    "[classes]" "method = quantile" "k = 3" >borders.style
for S in "$LITE" "$OBS"; do
    $T -q import "$S" indicators "$LAYERS/data/indicateurs-communes.csv" \
        --level commune --key insee_com --year 2021 2>/dev/null
done
$T -q map "$LITE" borders.style -o lite.svg --date 07/12/2026
explained borders $T -q map "$OBS" borders.style -o pg.svg --date 07/12/2026
gist_probe borders "ST_Boundary(a.geom)" b
legend() {
    sed -n 's/.*<text [^>]*>\([^<]*\).*/\1/p' "$1"
}
legend lite.svg >lite-legend.txt
legend pg.svg >pg-legend.txt
assert_contains pg-legend.txt "^[1-9][0-9]*$"
cmp -s lite-legend.txt pg-legend.txt || {
    diff lite-legend.txt pg-legend.txt | sed -n 1,10p >&2
    fail "the borders differ between the engines"
}

# import projects: each point checked against the territories holding it
# through the index; a point with longitude and latitude swapped is
# reported on both.
sed '2s/;scot;S59-CA;/;epci;200068500;/' \
    "$LAYERS/examples/fictif-cambresis-contrat.csv" >contrat.csv
{
    awk -F';' 'NR == 1 || $7 != ""' "$LAYERS/examples/fictif-cambresis-projets.csv" |
        sed -n 1,6p
    printf '%s\n' "CT59-CAMBRESIS;P999;Point inversé;Éducation, sport et culture;Commune de Caudry;;50.11814;3.40795;1000;prévu;17/03/2013;04/08/2014;;;;;;1000;Données fictives (exemple terrobs)"
} >projets.csv
for S in "$LITE" "$OBS"; do
    $T -q import "$S" contracts contrat.csv
done
$T import "$LITE" projects projets.csv --year 2026 2>lite-projects.txt
explained projects $T import "$OBS" projects projets.csv --year 2026 \
    2>pg-projects.txt
gist_probe projects "ST_Within(pr.geom, t.geom)" t
assert_contains pg-projects.txt "6 by point"
assert_contains pg-projects.txt "lies in no territory .*: 1: P999 \(row 7\)"
cmp -s lite-projects.txt pg-projects.txt || {
    diff lite-projects.txt pg-projects.txt >&2
    fail "the projects' report differs between the engines"
}
echo "pg_gist.sh: ok"
