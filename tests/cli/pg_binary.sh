# pg_binary.sh - queries whose columns are numbers, text, bytea or geometry
# come from PostgreSQL in binary (src/store/db_pg.c); a module that reads
# such a number or blob as text gets what PostgreSQL's own text output
# says: the fewest digits that read back, its notation (1e+20, 100,
# 0.0001, 1.5e-07), NaN and infinities, -0, float4's own digits, t/f, hex
# bytea and EWKB. Compared with psql on the same query. Runs as
# cli_pg_binary_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_binary_pg"
OBS=$(new_store obs)
$T -q init "$OBS"
$T -q load "$OBS" "$TOB_SRC/layers/epci.layer"
DB=$(pg_conninfo "$OBS")
NUMBERS="SELECT 0.1::float8, 1e20::float8, 123456789.125::float8,
 1e15::float8, 1e16::float8, 123456789012345678::float8, -0.0::float8,
 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, (1.0/3)::float8,
 5e-324::float8, 1.5e-7::float8, 0.0001::float8, 0.00001234::float8,
 123456789012345::float8, -2.5::float8, 100::float8, 0::float8,
 0.1::float4, 1234567::float4, 999999::float4, 3.4e38::float4,
 9007199254740993::int8, (-7)::int2, 2147483647::int4, 16::oid, true, false,
 'é'::text, 'x'::varchar, 'ab'::bpchar(3), '\\x00ff10'::bytea"
GEOMETRY="SELECT id, geom FROM territory ORDER BY id LIMIT 3"
for q in "$NUMBERS" "$GEOMETRY"; do
    TOB_SQL_TEXT=1 "$TOB_BUILD/tests/tob_sql" "$OBS" "$q" >ours.txt
    psql -X -q -At -v ON_ERROR_STOP=1 "$DB" \
        -c "SET search_path = $(pg_schema "$OBS"), public" -c "$q" >theirs.txt
    [ -s theirs.txt ] || fail "psql printed nothing for: $q"
    cmp -s ours.txt theirs.txt || {
        diff ours.txt theirs.txt >&2 || true
        fail "text of binary results differs from PostgreSQL's: $q"
    }
done
grep -q '^1|0106000020' theirs.txt || fail "no EWKB of a MULTIPOLYGON with SRID"
echo "pg_binary: numbers, text, bytea and EWKB read as PostgreSQL writes them"
