# pg_readme.sh - the README's "Shared observatory on PostgreSQL/PostGIS"
# block runs as written: its shell lines are read from README.md (the sh
# block after that heading), the two lines that say where the database is
# (DB=, libpq's connection string, and SCHEMA=) are changed to name the
# test cluster and a schema there, and everything else runs as printed,
# from a folder where layers/ and styles/ are the repository's, under
# set -e. Then what it made is checked: the map, the carnet, the atlas of
# every EPCI, the export, info's and the follow-up report's key figures,
# the views ogrinfo lists (this schema's only), the partner role reading
# the store and not writing it. Runs as cli_pg_readme_pg only.
. "$TOB_SRC/tests/cli/lib.sh"
[ "${TOB_TEST_ENGINE:-}" = pg ] || fail "run through ctest as cli_pg_readme_pg"
STORE=$(new_store obs59)
SCHEMA=$(pg_schema "$STORE")

awk '/^### Shared observatory on PostgreSQL\/PostGIS/ { s = 1; next }
     s == 1 && /^```sh$/ { s = 2; next }
     s == 2 && /^```$/ { exit }
     s == 2 { print }' "$TOB_SRC/README.md" >block.sh
[ "$(grep -c '^\$T ' block.sh)" -ge 15 ] || {
    cat block.sh >&2
    fail "README.md: no PostgreSQL block after its heading"
}
grep -q "^DB='" block.sh && grep -q "^SCHEMA=" block.sh &&
    grep -q '^PG="PG:$DB active_schema=$SCHEMA"' block.sh ||
    fail "README.md: the block names its store otherwise than DB=, SCHEMA=, PG="
sed -e "s|^DB=.*|DB='$TOB_TEST_PG'|" -e "s|^SCHEMA=.*|SCHEMA=$SCHEMA|" \
    block.sh >run.sh

# The role the block creates is the cluster's: none left by an earlier run.
psql -X -q -v ON_ERROR_STOP=1 "$TOB_TEST_PG" -c "DO \$\$BEGIN IF EXISTS (SELECT FROM
    pg_roles WHERE rolname = 'partner') THEN EXECUTE 'DROP OWNED BY partner';
    EXECUTE 'DROP ROLE partner'; END IF; END\$\$" >/dev/null

ln -s "$TOB_SRC/layers" layers
ln -s "$TOB_SRC/styles" styles
export T
sh -eu run.sh >out.txt 2>err.txt || {
    tail -n 20 err.txt >&2
    fail "the README's PostgreSQL block stopped (see $TOB_TMP/run.sh)"
}

# What it made.
[ -s densite.png ] && [ -s densite.pgw ] || fail "no densite.png and its .pgw"
[ "$(pdfinfo cambrai.pdf | sed -n 's/^Pages: *//p')" -ge 2 ] || fail "carnet pages"
pdftotext cambrai.pdf cambrai.txt
assert_contains cambrai.txt "CA de Cambrai"
n_epci=$(sql "$STORE" "SELECT count(*) FROM territory WHERE level = 'epci'")
assert_eq "$n_epci" 39 "EPCIs"
assert_eq "$(ls atlas/*.pdf | wc -l)" "$n_epci" "atlas carnets"
assert_contains atlas/index.html '200068500-ca-de-cambrai.pdf'
assert_eq "$(ogrinfo -ro -so communes.gpkg commune | sed -n 's/^Feature Count: //p')" \
    647 "exported communes"
# report, info and ogrinfo wrote to stdout, in the block's order.
assert_contains out.txt "91 projets engagés sur 280 \(32,5.{1,2}%\)" # a no-break space before %
assert_contains out.txt "commune +Commune +vintage 2026: +647 territories"
assert_contains out.txt "epci +EPCI +vintage 2026: +39 territories"
assert_contains out.txt "scot +SCoT +vintage 2026: +7 territories"
sed -n '/^INFO: Open of/,$p' out.txt | grep -E '^[0-9]+: ' >layers.txt
assert_eq "$(sed 's/^[0-9]*: //' layers.txt | tr '\n' ' ')" \
    "territory (Multi Polygon) project (Point) departement (Multi Polygon) epci (Multi Polygon) commune (Multi Polygon) scot (Multi Polygon) " \
    "the layers ogrinfo lists"
n=$(psql -X -At "$(pg_conninfo "$STORE") user=partner" \
    -c "SELECT count(*) FROM \"$SCHEMA\".commune") ||
    fail "partner cannot read the store"
assert_eq "$n" 647 "communes partner reads"
if psql -X -At "$(pg_conninfo "$STORE") user=partner" \
    -c "DELETE FROM \"$SCHEMA\".observation" >/dev/null 2>&1; then
    fail "partner could write"
fi
echo "pg_readme.sh: ok"
