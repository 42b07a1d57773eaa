# pg_engine.sh - the PostgreSQL/PostGIS engine against SpatiaLite on the
# README's tour: the same commands on both stores give the same results
# (info, follow-up report, carnet pages, exported rows and geometries, map);
# a killed import leaves the PostGIS store as it was; two imports at once
# both succeed; style SQL stays read-only. Runs as cli_pg_engine_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_engine_pg"
PGS=$(new_store obs)
LITE="$TOB_TMP/obs.sqlite"

tour() { # tour STORE OUTDIR
    mkdir -p "$2"
    $T -q init "$1"
    $T -q load "$1" "$LAYERS/departements.layer"
    $T -q load "$1" "$LAYERS/epci.layer"
    $T -q load "$1" "$LAYERS/communes-nord.layer"
    $T -q load "$1" "$LAYERS/communes-somme.layer" --append
    $T -q relate "$1" --child commune --parent epci
    $T -q zone "$1" "$LAYERS/scot-nord.csv"
    $T -q import "$1" territories "$LAYERS/data/qpv2024-communes.csv" \
        --level qpv --code code_qp --name lib_qp --vintage 2024 \
        --parent-level commune --parent-key insee_com 2>/dev/null
    $T -q import "$1" variables "$LAYERS/variables.csv"
    $T -q import "$1" indicators "$LAYERS/data/indicateurs-communes.csv" \
        --level commune --key insee_com --year 2021 --cog-from 2018 \
        --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges \
        2>/dev/null
    $T -q aggregate "$1" --from commune --to epci 2>/dev/null
    $T -q import "$1" contracts "$LAYERS/examples/fictif-cambresis-contrat.csv"
    $T -q import "$1" projects "$LAYERS/examples/fictif-cambresis-projets.csv"
    $T -q report "$1" contracts --level scot --code S59-CA >"$2/report.txt"
    (cd "$TOB_SRC" && $T -q map "$1" styles/nord-densite.style -o "$TOB_TMP/$2/densite.png")
    $T -q carnet "$1" --level epci --code 200068500 --date 2026-11-22 \
        -o "$2/cambrai.pdf"
    printf '200068500\n200030633\n200037059\n' >"$2/codes.txt"
    $T atlas "$1" --level epci --codes "$2/codes.txt" --jobs 2 \
        -o "$2/atlas" --date 23/11/2026 2>"$2/atlas.txt" ||
        fail "atlas on $1: $(cat "$2/atlas.txt")"
    SOURCE_DATE_EPOCH=1795392000 $T -q export "$1" --level commune \
        -o "$2/communes.gpkg"
    # Provenance dates and ids differ; the extent is rounded by the R*Tree.
    $T info "$1" | sed -e 1,3d -e '/^extent/d' -e '/^  #/d' \
        -e 's/computed [0-9T:Z-]*/computed/' >"$2/info.txt"
}
tour "$LITE" lite
tour "$PGS" pg

cmp lite/info.txt pg/info.txt || { diff lite/info.txt pg/info.txt >&2; fail "info differs"; }
assert_contains pg/info.txt "commune +Commune +vintage 2026: +1418 territories"
cmp lite/report.txt pg/report.txt || fail "the follow-up report differs"
assert_contains pg/report.txt "engag"
# The atlas: each worker its own connection; the same carnets and index.
assert_contains pg/atlas.txt "3 territories in pg/atlas: 3 written, 0 up to date kept, 0 failed"
cmp lite/atlas/index.html pg/atlas/index.html ||
    { diff lite/atlas/index.html pg/atlas/index.html >&2; fail "atlas index differs"; }
assert_contains pg/atlas/index.html 'Population municipale 2021 \(habitants\)'
assert_contains pg/atlas/index.html '200068500-ca-de-cambrai.pdf'
for f in lite/atlas/*.pdf; do
    pdftotext "$f" lite.txt
    pdftotext "pg/${f#lite/}" pg.txt || fail "no ${f#lite/} on PostGIS"
    cmp lite.txt pg.txt || fail "atlas carnet ${f#lite/} text differs"
done
for l in commune variables sources; do
    ogr2ogr -f CSV lite/$l.csv lite/communes.gpkg $l -lco GEOMETRY=AS_WKT
    ogr2ogr -f CSV pg/$l.csv pg/communes.gpkg $l -lco GEOMETRY=AS_WKT
    cmp lite/$l.csv pg/$l.csv || fail "exported layer $l differs"
done
assert_eq "$(wc -l <pg/commune.csv)" 1419 "exported communes (and the header)"
pdftoppm -png -r 40 lite/cambrai.pdf lite/c
pdftoppm -png -r 40 pg/cambrai.pdf pg/c
for f in lite/c-*.png; do
    cmp "$f" "pg/${f#lite/}" || fail "carnet page ${f#lite/} differs"
done
# The map: the same pixels but for anti-aliasing along a few edges.
python3 - lite/densite.png pg/densite.png <<'PY'
import sys, zlib, struct
def pixels(path):
    d = open(path, 'rb').read()
    w, h = struct.unpack('>II', d[16:24])
    idat, i = b'', 8
    while i < len(d):
        n, t = struct.unpack('>I4s', d[i:i + 8])
        if t == b'IDAT':
            idat += d[i + 8:i + 8 + n]
        i += 12 + n
    return w, h, zlib.decompress(idat)
a, b = pixels(sys.argv[1]), pixels(sys.argv[2])
assert a[:2] == b[:2], 'sizes differ'
diff = sum(1 for x, y in zip(a[2], b[2]) if x != y)
assert diff < len(a[2]) / 1000, '%d bytes of %d differ' % (diff, len(a[2]))
PY

# Style SQL is read-only on PostgreSQL too (read-only transaction + guard).
cat >evil.style <<'ST'
[map]
title = Evil
width = 400px
height = 300px
dpi = 72
[data]
kind = choropleth
level = commune
expression = (SELECT count(*) FROM (SELECT set_config('a.b', 'c', false)) AS x)
[classes]
method = quantile
k = 2
ST
run_fails 2 "may only read the store: function set_config" \
    $T map "$PGS" evil.style -o evil.png
# A function that writes (PostGIS's own) meets the read-only transaction.
sed "s/^expression = .*/expression = length(DropGeometryColumn('territory', 'geom'))/" \
    evil.style >evil2.style
run_fails 2 "read-only transaction" $T map "$PGS" evil2.style -o evil2.png
assert_eq "$(sql "$PGS" "SELECT count(*) FROM territory WHERE geom IS NOT NULL
    AND level = 'commune'")" 1418 "geometries kept"

# A killed import leaves the store as it was: the client SIGKILLs itself
# before its 5th write statement (test hook, src/store/test_hook.c; a
# bulk import writes few statements, 128 values or a COPY each), the
# server aborts its transaction (tests/cli/crash_safety.sh does more).
store_dump "$PGS" >before.sql
set +e
TOB_TEST_KILL=write:5 $T -q import "$PGS" indicators \
    "$LAYERS/data/indicateurs-communes.csv" --level commune --key insee_com \
    --year 2022 --cog-from 2018 --passage "$LAYERS/data/passage-2018-2026.csv" \
    --partial-merges >kill.txt 2>&1
got=$?
set -e
assert_eq "$got" 137 "exit of the import killed mid-write"
# The server notices the lost client and rolls back; wait for it.
pg_busy() {
    psql -X -At "$(pg_conninfo "$PGS")" -c "SELECT count(*) FROM
        pg_stat_activity WHERE datname = current_database()
        AND pid <> pg_backend_pid() AND state <> 'idle'"
}
i=0
while [ "$(pg_busy)" != 0 ]; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || fail "the killed import's transaction lingers"
    sleep 0.1
done
store_dump "$PGS" >after.sql
cmp -s before.sql after.sql || {
    diff before.sql after.sql | sed -n 1,10p >&2
    fail "a killed import changed the store"
}

# Two analysts import at once: the first holds its transaction open before
# COMMIT (test hook) while the second starts; the second waits for its turn
# (the store's advisory lock, never a half state), then both succeed and
# the counts are both.
rm -f paused
TOB_TEST_PAUSE="$TOB_TMP/paused" $T -q import "$PGS" indicators \
    "$LAYERS/data/indicateurs-communes.csv" --level commune --key insee_com \
    --year 2023 --cog-from 2018 --passage "$LAYERS/data/passage-2018-2026.csv" \
    --partial-merges 2>a.txt &
a=$!
i=0
while [ ! -e paused ]; do
    kill -0 "$a" 2>/dev/null || { cat a.txt >&2; fail "the first import ended before its COMMIT"; }
    sleep 0.1
done
$T -q import "$PGS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2024 --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges \
    2>b.txt &
b=$!
lock_waits() {
    psql -X -At "$(pg_conninfo "$PGS")" -c "SELECT count(*) FROM
        pg_stat_activity WHERE datname = current_database()
        AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%'"
}
i=0
while [ "$(lock_waits)" != 1 ]; do
    i=$((i + 1))
    [ "$i" -lt 300 ] || fail "the second import does not wait for the first"
    kill -0 "$b" 2>/dev/null || { cat b.txt >&2; fail "the second import ended while the first held the store"; }
    sleep 0.1
done
count_year() {
    sql "$PGS" "SELECT count(*) FROM observation o JOIN territory t
        ON t.id = o.territory WHERE t.level = 'commune' AND year = $1"
}
# A reader sees neither import yet, and is not held.
assert_eq "$(count_year 2023) $(count_year 2024)" "0 0" "values read while both import"
rm paused
wait "$a" || { cat a.txt >&2; fail "the first concurrent import failed"; }
wait "$b" || { cat b.txt >&2; fail "the second concurrent import failed"; }
n23=$(count_year 2023)
[ "$n23" -ge 1418 ] || fail "first concurrent import: $n23 values"
assert_eq "$(count_year 2024)" "$n23" "second concurrent import"
echo "pg_engine.sh: ok"
