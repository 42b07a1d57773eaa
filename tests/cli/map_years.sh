# map_years.sh - terrobs map --year: one style drawn for several years in
# one call, one file per year, with one legend; the errors of --year.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)

STYLE="$TOB_SRC/styles/nord-densite-annees.style"
$T -q init "$OBS"
$T -q load "$OBS" "$LAYERS/epci.layer"
$T -q load "$OBS" "$LAYERS/communes-nord.layer"
$T -q import "$OBS" variables "$LAYERS/variables.csv"
$T -q import "$OBS" indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --cog-from 2018 \
    --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges 2>/dev/null
small="--set map.width=700px --set map.height=600px --set map.dpi=96"

# shellcheck disable=SC2086
$T map "$OBS" "$STYLE" --year 2015,2021 -o 'dens-{year}.svg' $small \
    --date 23/11/2026 2>log.txt || { cat log.txt >&2; fail "--year"; }
assert_contains log.txt "map written to dens-2015.svg: 647 features"
assert_contains log.txt "map written to dens-2021.svg: 647 features"
# {year} of the title became the year drawn.
assert_contains dens-2015.svg "communes du Nord, 2015"
assert_contains dens-2021.svg "communes du Nord, 2021"
# One legend: the same class bounds on both maps (texts of the SVG).
legend() {
    grep -oE '>[0-9][^<]* – [^<]*<' "$1" | tr -d '<>' >"$2"
}
legend dens-2015.svg l15.txt
legend dens-2021.svg l21.txt
[ "$(wc -l <l15.txt)" -eq 6 ] || { cat l15.txt >&2; fail "6 classes"; }
cmp -s l15.txt l21.txt || fail "the two years have different classes"
# Each year alone classifies its own values: other bounds.
# shellcheck disable=SC2086
$T -q map "$OBS" "$STYLE" -o alone-2015b.svg $small --set data.year=2015 \
    --date 23/11/2026
legend alone-2015b.svg l15b.txt
cmp -s l15.txt l15b.txt && fail "shared classes equal 2015's own"

# Errors: no {year} with several years, bad years; an existing map keeps
# every map of the series unwritten.
run_fails 1 "several years need \{year\}" \
    $T map "$OBS" "$STYLE" --year 2015,2021 -o one.png
run_fails 1 "--year '2015;2021'" \
    $T map "$OBS" "$STYLE" --year '2015;2021' -o 'x-{year}.png'
run_fails 1 "--year '15'" \
    $T map "$OBS" "$STYLE" --year 15 -o 'x-{year}.png'
rm -f dens-2015.svg
set +e
# shellcheck disable=SC2086
$T map "$OBS" "$STYLE" --year 2015,2021 -o 'dens-{year}.svg' $small \
    2>err.txt
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "an existing dens-2021.svg was not kept"
[ ! -e dens-2015.svg ] || fail "dens-2015.svg written though 2021 exists"
echo "map_years: ok"
