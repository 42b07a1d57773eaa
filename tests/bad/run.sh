#!/bin/sh
# run.sh - the bad-input corpus: runs each case of tests/bad/cases.txt
# through the real terrobs binary and checks its exit code, its message
# (which must name the file) and that the store is logically unchanged
# (canonical dump compare). Cases meant to succeed run on a copy of the
# store and check what landed with an SQL query.
# Usage (ctest sets TERROBS, TOB_SRC, TOB_TMP): sh run.sh [GROUP...]
# A GROUP is a case-name prefix (load, layer, store...); none = all.
# TOB_TEST_ENGINE=pg (ctest's bad_GROUP_pg) runs the same cases on stores
# in schemas of the PostgreSQL test cluster (lib.sh's new_store); the cases
# about SQLite files themselves are skipped there, each saying why.
. "$TOB_SRC/tests/cli/lib.sh"
# Messages quote bytes that are not UTF-8 (Latin-1 input): match bytes.
export LC_ALL=C

BAD="$TOB_SRC/tests/bad"
FILES="$BAD/files"
GEN="$TOB_TMP/gen"
sh "$BAD/make-files.sh" --runtime "$GEN"
TAB=$(printf '\t')

# The store every failing case runs against: communes of 2018, then
# whatever a group needs (tests/bad/setup-GROUP.sh, sourced, may add more).
BASE=$(new_store base)
PRISTINE=$(new_store pristine)
CASE=$(new_store case)
$T -q init "$BASE"
$T -q load "$BASE" --level commune --vintage 2018 --code code \
    --name nom --src "$FILES/base-communes.geojson"
STORE=$BASE
for setup in "$BAD"/setup-*.sh; do
    group=${setup##*/setup-}
    group=${group%.sh}
    case " ${*:-$group} " in
    *" $group "*) . "$setup" ;;
    esac
done
store_copy "$BASE" "$PRISTINE"
store_dump "$BASE" >base.dump

n_run=0
n_failed=0
n_pending=0
n_skipped=0
failures=""

# sqlite_case NAME: the reason the case is about SQLite files themselves
# (so meaningless on a PostgreSQL store), or nothing.
sqlite_case() {
    case $1 in
    store-*) echo "it opens a file that is not a SpatiaLite store as one" ;;
    esac
}

# want_group NAME: whether the case belongs to a requested group.
want_group() {
    [ -z "$GROUPS_WANTED" ] && return 0
    for g in $GROUPS_WANTED; do
        case "$1" in "$g"-*) return 0 ;; esac
    done
    return 1
}
GROUPS_WANTED="$*"

# The checks set `why` to what is wrong, and leave it empty when all is well.

# check_failure FILE REGEX EXIT: a refused input. Errors in input data must
# name the file; usage errors (exit 1) are about options, not files.
check_failure() {
    if ! grep -Eq -- "$2" err.txt; then
        why="stderr lacks /$2/"
    elif [ "$1" != "-" ] && [ "$3" -ne 1 ] &&
        ! grep -Fq -- "$(basename "$1")" err.txt; then
        why="the message does not name $(basename "$1")"
    fi
}

# check_unchanged: the shared store's canonical dump is what it was (else
# it is restored, so that one bad case does not spoil the next ones).
check_unchanged() {
    store_dump "$BASE" >after.dump
    if ! cmp -s base.dump after.dump; then
        diff base.dump after.dump | cut -c 1-160 | sed -n 1,6p >&2
        store_copy "$PRISTINE" "$BASE"
        why="${why:+$why; }the store changed"
    fi
}

# check_success REGEX CHECK: CHECK is "SQL => expected output" or "-".
check_success() {
    if ! grep -Eq -- "$1" err.txt; then
        why="stderr lacks /$1/"
    elif [ "$2" != "-" ]; then
        query=${2%% => *}
        want=${2#* => }
        got=$(sql "$CASE" "$query" | tr '\n' ' ' | sed 's/ $//')
        [ "$got" = "$want" ] || why="$query gave '$got', expected '$want'"
    fi
}

# The manifest, one case a line: NAME | FILE | COMMAND | EXIT | REGEX [| CHECK [| PENDING]]
# turned into tab-separated fields once.
awk -F ' [|] ' '!/^#/ && NF >= 5 {
        check = NF >= 6 ? $6 : "-"
        pending = NF >= 7 ? $7 : "-"
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", $1, $2, $3, $4, $5, check, pending
    }' "$BAD/cases.txt" >cases.tsv

while IFS="$TAB" read -r name file cmd want_exit regex check pending <&3; do
    want_group "$name" $GROUPS_WANTED || continue
    if [ "${TOB_TEST_ENGINE:-sqlite}" = pg ] && [ -n "$(sqlite_case "$name")" ]; then
        echo "SKIP $name on PostgreSQL: $(sqlite_case "$name")"
        n_skipped=$((n_skipped + 1))
        continue
    fi
    n_run=$((n_run + 1))
    case "$file" in
    gen/*) FILE="$GEN/${file#gen/}" ;;
    -) FILE=/nonexistent ;;
    *) FILE="$FILES/$file" ;;
    esac
    if [ "$want_exit" -eq 0 ]; then
        store_copy "$PRISTINE" "$CASE"
        STORE=$CASE
    else
        STORE=$BASE
    fi
    # The template may quote and use $STORE, $FILE, $FILES and $GEN (the
    # store's name is one word even with the spaces of a PG: connection).
    eval "set -- $(printf '%s' "$cmd" | sed 's/\$STORE/"$STORE"/g')"
    set +e
    "$T" "$@" >out.txt 2>err.txt </dev/null
    got=$?
    set -e
    case "$pending" in pending:*) pending=${pending#pending: } ;; *) pending="" ;; esac
    why=""
    if grep -Eq 'Sanitizer|runtime error:' err.txt; then
        why="sanitizer report"
    elif [ "$got" -ne "$want_exit" ]; then
        why="exit $got, expected $want_exit"
    elif [ "$want_exit" -ne 0 ]; then
        check_failure "$file" "$regex" "$want_exit"
    else
        check_success "$regex" "$check"
    fi
    [ "$want_exit" -eq 0 ] || check_unchanged
    if [ -n "$pending" ] && [ -n "$why" ]; then
        n_pending=$((n_pending + 1))
        echo "PENDING $name ($pending): $why" >&2
    elif [ -n "$pending" ]; then
        echo "NOW PASSES $name: remove its 'pending' mark" >&2
    elif [ -n "$why" ]; then
        n_failed=$((n_failed + 1))
        failures="$failures $name"
        echo "FAIL $name: $why" >&2
        sed -n 1,6p err.txt | sed 's/^/    stderr: /' >&2
    fi
done 3<cases.tsv

# A failed command must also leave a store the engine itself finds sound.
ok=$(store_sound "$BASE")
if [ "$ok" != "ok" ]; then
    n_failed=$((n_failed + 1))
    failures="$failures integrity_check"
fi
echo "bad corpus ${GROUPS_WANTED:-all} on ${TOB_TEST_ENGINE:-sqlite}:" \
    "$n_run cases, $n_failed failed, $n_pending pending, $n_skipped skipped"
# Every case of the group skipped: ctest reports the test as skipped (77).
[ "$n_run" -gt 0 ] || [ "$n_skipped" -eq 0 ] || exit 77
[ "$n_run" -gt 0 ] || fail "no case matched: $GROUPS_WANTED"
[ "$n_failed" -eq 0 ] || fail "failed:$failures"
