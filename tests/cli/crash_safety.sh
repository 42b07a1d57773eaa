# crash_safety.sh - SIGKILL terrobs in the middle of writing commands
# (load of a new zoning, load --replace, import of 3,000 projects, import
# of 9,000 indicator values; a tenth of them on PostgreSQL, whose every
# statement is a round trip) and check after each kill that the store opens
# (terrobs info), that the engine finds it sound, and that it holds exactly
# the state before the command (killed before a write statement or before
# COMMIT) or after it (killed just after COMMIT): canonical dump compare.
# The kill points are the library's test hooks (src/store/test_hook.c:
# TOB_TEST_KILL=write:N, commit, committed), not a sleep: every run must
# end by SIGKILL at its point, so that none can pass without a kill.
# On PostgreSQL (cli_crash_safety_pg) the server must also have aborted the
# killed client's transaction: no lock or open transaction is left to block
# the next import. Then readers work, and see no half-written state, while
# a writer runs and while it holds its transaction open before COMMIT.
#
# TOB_CRASH_RUNS=50 sh ... runs 50 kills (default 12, to keep ctest fast);
# TOB_CRASH_SEED=N replays a run (the seed is printed).
. "$TOB_SRC/tests/cli/lib.sh"

RUNS=${TOB_CRASH_RUNS:-12}
SEED=${TOB_CRASH_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "crash_safety: $RUNS runs, seed $SEED (TOB_CRASH_SEED=$SEED to replay)"

# grid N M CODE_PREFIX: N x M FICTITIOUS squares of 33 vertices each near
# Lille, as a GeoJSON zoning: enough work for the load to last a while.
grid() {
    awk -v nx="$1" -v ny="$2" -v prefix="$3" 'BEGIN {
        printf "{\"type\":\"FeatureCollection\",\"features\":[\n"
        for (i = 0; i < nx; i++) for (j = 0; j < ny; j++) {
            x0 = 2.5 + i * 0.01; y0 = 50.2 + j * 0.01; d = 0.0099
            printf "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s%03d%03d\",", \
                (i + j > 0 ? ",\n" : ""), prefix, i, j
            printf "\"nom\":\"Carreau %d-%d\"},\"geometry\":{\"type\":\"Polygon\",", i, j
            printf "\"coordinates\":[["
            for (k = 0; k <= 32; k++) {
                t = (k % 32) / 32.0
                if (k < 8)       { x = x0 + d * t * 4;       y = y0 }
                else if (k < 16) { x = x0 + d;               y = y0 + d * (t - 0.25) * 4 }
                else if (k < 24) { x = x0 + d * (0.75 - t) * 4; y = y0 + d }
                else             { x = x0;                   y = y0 + d * (1 - t) * 4 }
                if (k == 32) { x = x0; y = y0 }
                printf "%s[%.6f,%.6f]", (k ? "," : ""), x, y
            }
            printf "]]}}"
        }
        printf "\n]}\n"
    }'
}
if [ "${TOB_TEST_ENGINE:-sqlite}" = pg ]; then
    NX=20 NY=15 NX_C=30 NY_C=20
else
    NX=60 NY=50 NX_C=100 NY_C=60
fi
N_ZONES=$((NX * NY))
N_C=$((NX_C * NY_C))
grid $NX $NY Z >zones-a.geojson
grid $NX $NY Y >zones-b.geojson
grid $NX_C $NY_C X >zones-c.geojson
# 3,000 FICTITIOUS projects placed by their point in the zones of A.
printf 'Code contrat;Type;Intitulé;Niveau;Code territoire;Date début;Date fin;Budget\nCT-Z;contrat de territoire;Contrat des carreaux (fictif);commune;59350;01/01/2024;31/12/2029;1000000\n' \
    >contract.csv
awk -v n="$N_ZONES" -v nx="$NX" 'BEGIN {
    print "Code contrat;Code projet;Intitulé;Axe;Longitude;Latitude;Coût total;Statut;financement:État"
    for (i = 0; i < n; i++)
        printf "CT-Z;P%04d;Projet %d;Axe %d;%.5f;%.5f;%d;%s;%d\n", i, i, i % 7,
            2.505 + (i % nx) * 0.01, 50.205 + int(i / nx) * 0.01, 1000 + i,
            (i % 3 ? "prévu" : "engagé"), 500
}' >projects.csv
# Three indicators for each of the 3,000 zones of A.
awk -v nx="$NX" -v ny="$NY" 'BEGIN {
    print "code;population_2021;menages_2021;taux_2021"
    for (i = 0; i < nx; i++) for (j = 0; j < ny; j++)
        printf "Z%03d%03d;%d;%d;%d,%d\n", i, j, 100 + i * j, 40 + i + j, i % 30, j % 10
}' >indicators.csv

START=$(new_store start)
REF=$(new_store ref)
WORK=$(new_store work)
LIVE=$(new_store live)

# canonical STORE: the dump with times masked (provenance and SpatiaLite
# stamp each write with the clock) and, on PostgreSQL, the schema's name.
canonical() {
    case $1 in
    PG:*) schema=$(pg_schema "$1") ;;
    *) schema=NO_SCHEMA ;;
    esac
    store_dump "$1" | sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' \
        -e "s/(^|[^a-z0-9_])$schema([^a-z0-9_]|\$)/\1SCHEMA\2/g"
}

# count STORE SQL: one count; SQLite readers wait for the moment a
# writer's last close checkpoints the WAL, as terrobs does.
count() {
    case $1 in
    PG:*) sql "$1" "$2" ;;
    *) sqlite3 -cmd ".timeout 10000" "$1" "$2" ;;
    esac
}

# settled STORE: on PostgreSQL, wait until the server has aborted a killed
# client's transaction (it notices the closed socket): no other session of
# the database in a transaction, no advisory lock (the writers' turn) held.
settled() {
    case $1 in PG:*) ;; *) return 0 ;; esac
    i=0
    while [ "$i" -lt 100 ]; do
        n=$(psql -X -At "$(pg_conninfo "$1")" -c "SELECT
            (SELECT count(*) FROM pg_stat_activity WHERE datname =
             current_database() AND pid <> pg_backend_pid()
             AND state <> 'idle') + (SELECT count(*) FROM pg_locks
             WHERE locktype = 'advisory')")
        [ "$n" = 0 ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    psql -X "$(pg_conninfo "$1")" -c "SELECT pid, state, query FROM
        pg_stat_activity WHERE pid <> pg_backend_pid()" >&2
    return 1
}

# The state every run starts from: communes and a first zoning.
$T -q init "$START"
$T -q load "$START" --level commune --vintage 2018 --code code \
    --name nom --src "$TOB_SRC/tests/bad/files/base-communes.geojson"
$T -q load "$START" --level zone --vintage 2024 --code code --name nom \
    --src zones-a.geojson
$T -q import "$START" contracts contract.csv
canonical "$START" >before.dump

# The operations killed, each with its reference "after" state and its
# count of write statements when left alone. op_args N: operation N.
N_OPS=4
op_args() {
    case $1 in
    0) echo "load STORE --level zone --vintage 2025 --code code --name nom --src zones-b.geojson" ;;
    1) echo "load STORE --level zone --vintage 2024 --code code --name nom --src zones-b.geojson --replace" ;;
    2) echo "import STORE projects projects.csv --year 2025" ;;
    3) echo "import STORE indicators indicators.csv --level zone --vintage 2024 --key code" ;;
    esac
}
op=0
while [ "$op" -lt "$N_OPS" ]; do
    store_copy "$START" "$REF"
    rm -f "count-$op"
    # shellcheck disable=SC2046
    set -- $(op_args "$op")
    shift 2 # the command and STORE
    cmd=$(op_args "$op" | cut -d' ' -f1)
    TOB_TEST_COUNT="$TOB_TMP/count-$op" "$T" -q "$cmd" "$REF" "$@" ||
        fail "operation $op failed: $(op_args "$op")"
    canonical "$REF" >"after-$op.dump"
    cmp -s before.dump "after-$op.dump" && fail "operation $op changed nothing"
    [ -s "count-$op" ] || fail "operation $op committed nothing"
    echo "operation $op: $(cat "count-$op") write statements: $(op_args "$op")"
    op=$((op + 1))
done

# Kill points from the seed: before a write statement drawn among the
# operation's own (from the first to the last), just before COMMIT, or
# just after it.
# (Park and Miller's generator: mawk's srand/rand repeat themselves.)
awk -v seed="$SEED" -v n="$RUNS" -v ops="$N_OPS" 'BEGIN {
    x = seed % 2147483646 + 1
    for (i = 0; i < n; i++) {
        x = (16807 * x) % 2147483647; a = x / 2147483647
        x = (16807 * x) % 2147483647; b = x / 2147483647
        printf "%d %.6f %.6f\n", i % ops, a, b
    } }' >points.txt

n_before=0
n_after=0
run=0
while read -r op r1 r2 <&3; do
    run=$((run + 1))
    writes=$(cat "count-$op")
    point=$(awk -v a="$r1" -v b="$r2" -v w="$writes" 'BEGIN {
        if (a < 0.7) printf "write:%d", 1 + int(b * w)
        else if (a < 0.85) print "commit"
        else print "committed" }')
    store_copy "$START" "$WORK"
    # shellcheck disable=SC2046
    set -- $(op_args "$op")
    cmd=$1
    shift 2
    set +e
    TOB_TEST_KILL=$point "$T" -q "$cmd" "$WORK" "$@" >op.txt 2>&1 </dev/null
    got=$?
    set -e
    what="run $run (op $op, killed at $point)"
    [ "$got" -eq 137 ] || fail "$what: exit $got, not killed: $(cat op.txt)"
    settled "$WORK" || fail "$what: the killed client's transaction lingers"
    # The tool itself must open the store as the crash left it.
    $T info "$WORK" >info.txt 2>&1 || fail "$what: info fails: $(cat info.txt)"
    ok=$(store_sound "$WORK")
    [ "$ok" = "ok" ] || fail "$what: integrity_check: $ok"
    canonical "$WORK" >now.dump
    case $point in committed) want="after-$op.dump" ;; *) want=before.dump ;; esac
    if cmp -s now.dump "$want"; then
        case $point in
        committed) n_after=$((n_after + 1)) ;;
        *) n_before=$((n_before + 1)) ;;
        esac
    else
        diff "$want" now.dump | sed -n 1,20p | cut -c 1-200 >&2
        fail "$what: the store is not the state ${want%.dump}"
    fi
done 3<points.txt
[ "$n_before" -gt 0 ] || fail "no run killed mid-write (TOB_CRASH_RUNS=$RUNS)"
echo "crash_safety: $run kills: $n_before mid-write left the state before," \
    "$n_after after COMMIT the state after; none other"
# Nothing left behind blocks the next writer: an import into the store of
# the last kill succeeds at once.
timeout 120 $T -q load "$WORK" --level zone --vintage 2030 --code code \
    --name nom --src zones-b.geojson ||
    fail "a load after the kills failed or waited"
assert_eq "$(sql "$WORK" "SELECT count(*) FROM territory WHERE vintage = 2030")" \
    "$N_ZONES" "zones loaded after the kills"

# Readers while a load runs: each `terrobs info`, map, carnet and SQL count
# must succeed at once and see either none or all of the new zoning, never
# part of it.
cat >live.style <<'EOF'
[map]
title = Carreaux
width = 300px
height = 300px
dpi = 72
[data]
kind = choropleth
level = zone
expression = 1.0 * id
[classes]
method = quantile
k = 4
EOF
store_copy "$START" "$LIVE"
# read_round N: info, a carnet or a map (by turns) and an SQL count of the
# new zones, which must be 0 or all of them, never part.
read_round() {
    $T info "$LIVE" >info.txt 2>&1 ||
        fail "info failed during a load: $(cat info.txt)"
    n=$(count "$LIVE" "SELECT count(*) FROM territory WHERE level = 'zone'
        AND vintage = 2026")
    case "$n" in
    0 | "$N_C") ;;
    *) fail "a reader saw $n zones of $N_C during the load" ;;
    esac
    if [ $(($1 % 2)) -eq 0 ]; then
        $T -q carnet "$LIVE" --level commune --code 59350 -o live.pdf --force \
            >carnet.txt 2>&1 || fail "carnet failed during a load: $(cat carnet.txt)"
    else
        $T -q map "$LIVE" live.style -o live.png --force >map.txt 2>&1 ||
            fail "map failed during a load: $(cat map.txt)"
    fi
}
# The writer stops before its COMMIT (test hook) until paused is removed:
# rounds of reads while it writes, then two while it holds its whole
# uncommitted zoning, which must see none of it and not wait.
rm -f paused
TOB_TEST_PAUSE="$TOB_TMP/paused" $T -q load "$LIVE" --level zone \
    --vintage 2026 --code code --name nom --src zones-c.geojson &
pid=$!
n_reads=0
while [ ! -e paused ] && kill -0 "$pid" 2>/dev/null; do
    read_round "$n_reads"
    n_reads=$((n_reads + 1))
done
[ -e paused ] || fail "the load ended without reaching its COMMIT"
for i in 0 1; do
    read_round "$i"
    assert_eq "$n" 0 "zones seen while the load holds its transaction"
    n_reads=$((n_reads + 1))
done
rm paused
wait "$pid" || fail "the load read during failed"
assert_eq "$(sql "$LIVE" "SELECT count(*) FROM territory WHERE vintage = 2026")" \
    "$N_C" "zones after the load"
echo "crash_safety: $n_reads reads (info, map or carnet, SQL) during a load," \
    "2 of them while it held its transaction open; all consistent"

# The same while projects are imported: all of them or none. (The SQL
# readers wait, as terrobs does, when the writer's last close checkpoints
# and removes the WAL: that takes a lock for a moment.)
TOB_TEST_PAUSE="$TOB_TMP/paused" $T -q import "$LIVE" projects projects.csv \
    --year 2025 &
pid=$!
n_reads=0
while [ ! -e paused ] || [ "$n_reads" -lt 2 ]; do
    kill -0 "$pid" 2>/dev/null || fail "the import ended without reaching its COMMIT"
    $T info "$LIVE" >info.txt 2>&1 ||
        fail "info failed during an import: $(cat info.txt)"
    n=$(count "$LIVE" "SELECT count(*) FROM project")
    assert_eq "$n" 0 "projects seen during the import"
    [ -e paused ] && n_reads=$((n_reads + 1))
done
rm paused
wait "$pid" || fail "the import read during failed"
assert_eq "$(count "$LIVE" "SELECT count(*) FROM project")" "$N_ZONES" "projects after"
echo "crash_safety: reads during an import and while it held its" \
    "transaction open; all consistent"
