# lib.sh - helpers for the end-to-end tests: sourced by tests/cli/*.sh.
# Environment (set by ctest): TERROBS the binary, TOB_SRC the source tree,
# TOB_TMP a scratch folder for this test.
set -eu

: "${TERROBS:?TERROBS must name the terrobs binary}"
: "${TOB_SRC:?TOB_SRC must name the source tree}"
: "${TOB_TMP:?TOB_TMP must name a scratch folder}"
rm -rf "$TOB_TMP"
mkdir -p "$TOB_TMP"
cd "$TOB_TMP"
LAYERS="$TOB_SRC/layers"
DATA="$TOB_SRC/tests/data"
T="$TERROBS"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# run_fails EXIT PATTERN CMD...: CMD must exit with EXIT and print PATTERN
# (a grep -E expression) on stderr.
run_fails() {
    want=$1
    pattern=$2
    shift 2
    set +e
    "$@" >"$TOB_TMP/out.txt" 2>"$TOB_TMP/err.txt"
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        cat "$TOB_TMP/err.txt" >&2
        fail "exit $got, expected $want: $*"
    fi
    if ! grep -Eq -- "$pattern" "$TOB_TMP/err.txt"; then
        cat "$TOB_TMP/err.txt" >&2
        fail "stderr lacks /$pattern/: $*"
    fi
}

# assert_contains FILE PATTERN: FILE has a line matching PATTERN (grep -E).
assert_contains() {
    grep -Eq -- "$2" "$1" || {
        sed -n 1,40p "$1" >&2
        fail "$1 lacks /$2/"
    }
}

# assert_eq GOT WANT WHAT
assert_eq() {
    [ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# wait_paused FILE PID: waits until the command PID (run with a
# TOB_TEST_PAUSE* hook naming FILE) has made FILE, i.e. is held at its
# point; fails if it ends first or takes over 30 s.
wait_paused() {
    i=0
    while [ ! -e "$1" ] && kill -0 "$2" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    [ -e "$1" ] || fail "the command did not reach its pause ($1)"
}

# The engine of the stores new_store makes: TOB_TEST_ENGINE=pg (ctest's
# *_pg tests) puts them in schemas of the throwaway PostgreSQL cluster that
# TOB_TEST_PG names (a libpq connection string); else SpatiaLite files.
PGBIN=/usr/lib/postgresql/15/bin

# new_store NAME: a store name for this test, absent yet: TOB_TMP/NAME.sqlite
# or PG:"$TOB_TEST_PG active_schema=<test>_<name>" (the schema dropped
# first; GDAL's keyword, so ogrinfo opens the same name).
new_store() {
    if [ "${TOB_TEST_ENGINE:-sqlite}" != pg ]; then
        echo "$TOB_TMP/$1.sqlite"
        return
    fi
    : "${TOB_TEST_PG:?TOB_TEST_PG must name the test cluster}"
    schema=$(printf '%s_%s' "$(basename "$TOB_TMP")" "$1" |
        tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_')
    PGOPTIONS="-c client_min_messages=warning" \
        psql -X -q -v ON_ERROR_STOP=1 "$TOB_TEST_PG" \
        -c "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null
    echo "PG:$TOB_TEST_PG active_schema=$schema"
}

# The libpq connection and schema of a PG: store name.
pg_conninfo() {
    printf '%s\n' "${1#PG:}" | sed 's/ *\(active_\)\{0,1\}schema=[a-z0-9_]*//'
}
pg_schema() {
    printf '%s\n' "$1" | sed -n 's/.*schema=\([a-z0-9_]*\).*/\1/p'
}

# store_dump STORE: a canonical text dump of the whole store (schema and
# every row), to prove a failed command changed nothing. On PostgreSQL
# sequence positions are left out: a rolled-back insert moves them.
store_dump() {
    case $1 in
    PG:*)
        pg_dump --no-owner -n "$(pg_schema "$1")" "$(pg_conninfo "$1")" |
            grep -v -e 'pg_catalog.setval' -e '^\\restrict' -e '^\\unrestrict'
        ;;
    *) sqlite3 "$1" .dump ;;
    esac
}

# sql STORE QUERY: one query's output (columns joined by |), with
# SpatiaLite loaded; on PostgreSQL through the library's database layer
# (tests/tob_sql.c), which respells the store's SQL as the modules' is.
sql() {
    case $1 in
    PG:*) "${TOB_BUILD:?TOB_BUILD must name the build tree}/tests/tob_sql" "$1" "$2" ;;
    *)
        printf '%s\n' ".load mod_spatialite" "$2" |
            sqlite3 -batch -noheader "$1"
        ;;
    esac
}

# store_copy SRC DST: DST (a name from new_store) becomes a copy of SRC, as
# `cp` does for a file: on PostgreSQL the schema is dumped and restored
# under DST's name.
store_copy() {
    case $1 in
    PG:*)
        from=$(pg_schema "$1")
        to=$(pg_schema "$2")
        PGOPTIONS="-c client_min_messages=warning" \
            psql -X -q -v ON_ERROR_STOP=1 "$(pg_conninfo "$2")" \
            -c "DROP SCHEMA IF EXISTS \"$to\" CASCADE" >/dev/null
        pg_dump --no-owner -n "$from" "$(pg_conninfo "$1")" |
            sed -E "s/(^|[^a-z0-9_])$from([^a-z0-9_]|\$)/\1$to\2/g" |
            PGOPTIONS="-c client_min_messages=warning" \
                psql -X -q -v ON_ERROR_STOP=1 "$(pg_conninfo "$2")" >/dev/null
        ;;
    *)
        rm -f "$2-wal" "$2-shm"
        cp "$1" "$2"
        ;;
    esac
}

# store_sound STORE: "ok" when the engine finds the store's data sound
# (SQLite's integrity_check; on PostgreSQL the server keeps its own
# integrity: every table must still be readable).
store_sound() {
    case $1 in
    PG:*)
        sql "$1" "SELECT count(*) FROM territory, meta LIMIT 1" >/dev/null &&
            echo ok
        ;;
    *) sqlite3 "$1" "PRAGMA integrity_check" ;;
    esac
}

# sqlite_only WHY: this part of the test is about SQLite files; on the
# PostgreSQL run say so and tell the caller to skip it (status 1).
sqlite_only() {
    [ "${TOB_TEST_ENGINE:-sqlite}" != pg ] && return 0
    echo "skipped on PostgreSQL: $*"
    return 1
}
