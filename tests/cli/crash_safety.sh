# crash_safety.sh - SIGKILL terrobs at random moments of writing commands
# (load of a new zoning, load --replace, import of 3,000 projects, import
# of 9,000 indicator values)
# and check after each kill that the store opens (terrobs info), that
# PRAGMA integrity_check is ok, and that it holds exactly the state before
# or the state after the command (canonical dump compare). Then check that
# readers work, and see no half-written state, while a load runs (WAL).
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
grid 60 50 Z >zones-a.geojson
grid 60 50 Y >zones-b.geojson
grid 100 60 X >zones-c.geojson
# 3,000 FICTITIOUS projects placed by their point in the zones of A.
printf 'Code contrat;Type;Intitulé;Niveau;Code territoire;Date début;Date fin;Budget\nCT-Z;contrat de territoire;Contrat des carreaux (fictif);commune;59350;01/01/2024;31/12/2029;1000000\n' \
    >contract.csv
awk 'BEGIN {
    print "Code contrat;Code projet;Intitulé;Axe;Longitude;Latitude;Coût total;Statut;financement:État"
    for (i = 0; i < 3000; i++)
        printf "CT-Z;P%04d;Projet %d;Axe %d;%.5f;%.5f;%d;%s;%d\n", i, i, i % 7,
            2.505 + (i % 60) * 0.01, 50.205 + int(i / 60) * 0.01, 1000 + i,
            (i % 3 ? "prévu" : "engagé"), 500
}' >projects.csv
# Three indicators for each of the 3,000 zones of A.
awk 'BEGIN {
    print "code;population_2021;menages_2021;taux_2021"
    for (i = 0; i < 60; i++) for (j = 0; j < 50; j++)
        printf "Z%03d%03d;%d;%d;%d,%d\n", i, j, 100 + i * j, 40 + i + j, i % 30, j % 10
}' >indicators.csv

# canonical STORE: the dump with times masked (provenance and SpatiaLite
# stamp each write with the clock).
canonical() {
    store_dump "$1" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g'
}

# The state every run starts from: communes and a first zoning.
$T -q init start.sqlite
$T -q load start.sqlite --level commune --vintage 2018 --code code \
    --name nom --src "$TOB_SRC/tests/bad/files/base-communes.geojson"
$T -q load start.sqlite --level zone --vintage 2024 --code code --name nom \
    --src zones-a.geojson
$T -q import start.sqlite contracts contract.csv
canonical start.sqlite >before.dump

# The operations killed, each with its reference "after" state and how
# long it takes when left alone. op_args N: the arguments of operation N.
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
    cp start.sqlite ref.sqlite
    # shellcheck disable=SC2046
    set -- $(op_args "$op" | sed 's/STORE/ref.sqlite/')
    t0=$(date +%s%N)
    $T -q "$@"
    t1=$(date +%s%N)
    canonical ref.sqlite >"after-$op.dump"
    cmp -s before.dump "after-$op.dump" && fail "operation $op changed nothing"
    echo $(((t1 - t0) / 1000000)) >"duration-$op"
    echo "operation $op takes $(cat "duration-$op") ms: $(op_args "$op")"
    op=$((op + 1))
done

# Kill delays, uniform over the whole command (start-up, reading,
# inserting, commit), from the seed.
awk -v seed="$SEED" -v n="$RUNS" -v ops="$N_OPS" 'BEGIN {
    srand(seed); for (i = 0; i < n; i++) printf "%d %.4f\n", i % ops, rand() }' \
    >delays.txt

n_before=0
n_after=0
run=0
while read -r op fraction <&3; do
    run=$((run + 1))
    rm -f work.sqlite work.sqlite-wal work.sqlite-shm
    cp start.sqlite work.sqlite
    delay=$(awk -v f="$fraction" -v d="$(cat "duration-$op")" \
        'BEGIN { printf "%.3f", f * d * 1.1 / 1000 }')
    # shellcheck disable=SC2046
    set -- $(op_args "$op" | sed 's/STORE/work.sqlite/')
    $T -q "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # The tool itself must open the store as the crash left it.
    $T info work.sqlite >info.txt 2>&1 ||
        fail "run $run (op $op, kill at ${delay}s): info fails: $(cat info.txt)"
    ok=$(sqlite3 work.sqlite "PRAGMA integrity_check")
    [ "$ok" = "ok" ] ||
        fail "run $run (op $op, kill at ${delay}s): integrity_check: $ok"
    canonical work.sqlite >now.dump
    if cmp -s now.dump before.dump; then
        n_before=$((n_before + 1))
    elif cmp -s now.dump "after-$op.dump"; then
        n_after=$((n_after + 1))
    else
        diff before.dump now.dump | sed -n 1,20p | cut -c 1-200 >&2
        fail "run $run (op $op, kill at ${delay}s): neither before nor after"
    fi
done 3<delays.txt
echo "crash_safety: $run kills: $n_before left the state before," \
    "$n_after the state after; none other"

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
cp start.sqlite live.sqlite
$T -q load live.sqlite --level zone --vintage 2026 --code code --name nom \
    --src zones-c.geojson &
pid=$!
n_reads=0
n_during=0
while kill -0 "$pid" 2>/dev/null; do
    $T info live.sqlite >info.txt 2>&1 ||
        fail "info failed during a load: $(cat info.txt)"
    n=$(sqlite3 -cmd ".timeout 10000" live.sqlite \
        "SELECT count(*) FROM territory WHERE level = 'zone' AND vintage = 2026")
    case "$n" in
    0 | 6000) ;;
    *) fail "a reader saw $n zones of 6000 during the load" ;;
    esac
    if [ $((n_reads % 2)) -eq 0 ]; then
        $T -q carnet live.sqlite --level commune --code 59350 -o live.pdf --force \
            >carnet.txt 2>&1 || fail "carnet failed during a load: $(cat carnet.txt)"
    else
        $T -q map live.sqlite live.style -o live.png --force >map.txt 2>&1 ||
            fail "map failed during a load: $(cat map.txt)"
    fi
    n_reads=$((n_reads + 1))
    # This read finished while the writer still ran: readers do not wait.
    kill -0 "$pid" 2>/dev/null && n_during=$((n_during + 1))
done
wait "$pid" || fail "the load read during failed"
[ "$n_during" -gt 0 ] || fail "no read finished while the load ran"
assert_eq "$(sql live.sqlite "SELECT count(*) FROM territory WHERE vintage = 2026")" \
    6000 "zones after the load"
echo "crash_safety: $n_reads reads (info, map or carnet, SQL) during a load," \
    "$n_during finished before it; all consistent"

# The same while projects are imported: all of them or none. (The SQL
# readers wait, as terrobs does, when the writer's last close checkpoints
# and removes the WAL: that takes a lock for a moment.)
$T -q import live.sqlite projects projects.csv --year 2025 &
pid=$!
n_reads=0
while kill -0 "$pid" 2>/dev/null; do
    $T info live.sqlite >info.txt 2>&1 ||
        fail "info failed during an import: $(cat info.txt)"
    n=$(sqlite3 -cmd ".timeout 10000" live.sqlite "SELECT count(*) FROM project")
    case "$n" in
    0 | 3000) ;;
    *) fail "a reader saw $n projects of 3000 during the import" ;;
    esac
    n_reads=$((n_reads + 1))
done
wait "$pid" || fail "the import read during failed"
echo "crash_safety: $n_reads reads during an import; all consistent"
