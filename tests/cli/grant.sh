# grant.sh - `terrobs grant OBS --reader ROLE`: on PostgreSQL the role reads
# the observatory's tables and level views (those made later too), cannot
# write, cannot read another observatory's schema; on SpatiaLite the command
# says it is for PostgreSQL stores and changes nothing.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)
OTHER=$(new_store other)
$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/departements.layer"
$T -q init "$OTHER"
$T -q load "$OTHER" "$LAYERS/departements.layer"

run_fails 1 "missing|required" $T grant "$OBS"
if [ "${TOB_TEST_ENGINE:-sqlite}" != pg ]; then
    store_dump "$OBS" >before.sql
    run_fails 1 "grant is for PostgreSQL stores" \
        $T grant "$OBS" --reader partner
    store_dump "$OBS" | cmp -s before.sql - || fail "the store changed"
    echo "grant.sh: ok (SpatiaLite)"
    exit 0
fi

role="reader_$(basename "$TOB_TMP" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9_\n' '_')"
admin() { psql -X -q -v ON_ERROR_STOP=1 "$(pg_conninfo "$OBS")" -c "$1"; }
admin "DO \$\$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '$role')
    THEN EXECUTE 'DROP OWNED BY $role'; EXECUTE 'DROP ROLE $role'; END IF;
    END\$\$" >/dev/null
run_fails 1 "role .* does not exist" $T grant "$OBS" --reader "$role"
admin "CREATE ROLE $role LOGIN" >/dev/null
s=$(pg_schema "$OBS")
o=$(pg_schema "$OTHER")
# as_reader SQL: psql as the role; prints the rows, exit status of psql.
as_reader() {
    psql -X -At -v ON_ERROR_STOP=1 "$(pg_conninfo "$OBS") user=$role" -c "$1"
}
set +e
as_reader "SELECT count(*) FROM \"$s\".territory" >/dev/null 2>err.txt
got=$?
set -e
[ "$got" -ne 0 ] || fail "the role read the store before grant"

$T grant "$OBS" --reader "$role" 2>err.txt || fail "grant: $(cat err.txt)"
assert_contains err.txt "$role may now read"
assert_eq "$(as_reader "SELECT count(*) FROM \"$s\".territory")" \
    "$(sql "$OBS" "SELECT count(*) FROM territory")" "territories as the reader"
assert_eq "$(as_reader "SELECT count(*) FROM \"$s\".departement")" \
    "$(sql "$OBS" "SELECT count(*) FROM territory WHERE level = 'departement'")" \
    "the level view as the reader"
# A level loaded later: its view is readable too (default privileges).
$T -q load "$OBS" "$LAYERS/epci.layer"
n=$(as_reader "SELECT count(*) FROM \"$s\".epci") ||
    fail "a view made after grant is not readable"
[ "$n" -gt 30 ] || fail "epci as the reader: $n"
# No writing, no DDL, no other schema.
for q in "DELETE FROM \"$s\".territory" \
    "UPDATE \"$s\".territory SET name = 'x'" \
    "INSERT INTO \"$s\".meta SELECT * FROM \"$s\".meta" \
    "CREATE TABLE \"$s\".evil (a int)" \
    "SELECT count(*) FROM \"$o\".territory"; do
    set +e
    as_reader "$q" >/dev/null 2>err.txt
    got=$?
    set -e
    [ "$got" -ne 0 ] || fail "the reader could: $q"
    assert_contains err.txt "permission denied"
done
assert_eq "$(sql "$OBS" "SELECT count(*) FROM territory WHERE name = 'x'")" 0 \
    "nothing written"
# The store's change counter too, which a site or atlas made by the
# reader reads to know whether its files are still true; the reader
# cannot advance it.
assert_eq "$(as_reader "SELECT count(*) FROM \"$s\".tob_data_version")" 1 \
    "the change counter as the reader"
set +e
as_reader "SELECT nextval('\"$s\".tob_data_version')" >/dev/null 2>err.txt
got=$?
set -e
[ "$got" -ne 0 ] || fail "the reader could advance the change counter"
echo "grant.sh: ok"
