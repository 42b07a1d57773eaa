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

# store_dump STORE: a canonical text dump of the whole store (schema and
# every row), to prove a failed command changed nothing.
store_dump() {
    sqlite3 "$1" .dump
}

# sql STORE QUERY: one query's output, with SpatiaLite loaded.
sql() {
    printf '%s\n' ".load mod_spatialite" "$2" | sqlite3 -batch -noheader "$1"
}
