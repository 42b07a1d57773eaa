# pg_password.sh - a password in a PostgreSQL store name never shows: not
# in what init, load, info, map, atlas and export print, nor in their
# errors (a refused load, an unknown schema, a server that refuses or
# cannot be reached, a connection string libpq cannot parse), in the
# keyword form and in a postgresql:// URI. Runs as cli_pg_password_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_password_pg"
PW=Zq7secretPW
OBS=$(new_store obs)
# The test cluster trusts its socket: libpq keeps the password unused.
S="$(pg_conninfo "$OBS") password=$PW active_schema=$(pg_schema "$OBS")"
S="PG:$S"
: >all.txt
# run EXIT CMD...: CMD exits with EXIT (F: any failure); what it prints
# is kept.
run() {
    want=$1
    shift
    set +e
    "$@" >out.txt 2>err.txt
    got=$?
    set -e
    cat out.txt err.txt >>all.txt
    case $want:$got in
    F:0) ;;
    F:*) return 0 ;;
    esac
    [ "$got" = "$want" ] || { cat err.txt >&2; fail "exit $got, expected $want: $*"; }
}
run 0 $T init "$S"
assert_contains err.txt "created PG:.*password=\*\*\* "
run 0 $T load "$S" "$LAYERS/departements.layer"
run 0 $T load "$S" "$LAYERS/epci.layer"
run 0 $T load "$S" "$LAYERS/communes-somme.layer"
run 0 $T relate "$S" --child commune --parent epci
run 2 $T load "$S" "$LAYERS/communes-somme.layer"
run 2 $T init "$S"
assert_contains err.txt "password=\*\*\*.*schema .* exists"
run 0 $T info "$S"
run 0 $T import "$S" variables "$LAYERS/variables.csv"
run 0 $T export "$S" --level epci -o epci.csv
printf '200070944\n' >codes.txt
run 0 $T atlas "$S" --level epci --codes codes.txt -o atlas --date 23/11/2026
run F $T info "PG:$(pg_conninfo "$OBS") password=$PW active_schema=nowhere"
run F $T info "PG:host=$TOB_TMP/no-server dbname=x user=terrobs password=$PW"
run F $T info "PG:$(pg_conninfo "$OBS") user=nobody_here password='$PW x'"
# libpq quotes what it cannot parse: here the password's own words.
run F $T info "PG:$(pg_conninfo "$OBS") password=$PW $PW"
host=$(printf '%s\n' "$TOB_TEST_PG" | sed 's/.*host=\([^ ]*\).*/\1/')
URI="postgresql://terrobs:$PW@/terrobs_test?host=$host&schema=$(pg_schema "$OBS")"
run 0 $T info "$URI"
run F $T info "postgresql://nobody_here:$PW@/terrobs_test?host=$host"
run F $T info "postgresql://terrobs:$PW@/terrobs_test?host=$TOB_TMP/none"
grep -c . all.txt >/dev/null || fail "the commands printed nothing"
if grep -n "$PW" all.txt >&2; then
    fail "the password shows in a message"
fi
echo "pg_password: $(wc -l <all.txt) lines printed, no password"
