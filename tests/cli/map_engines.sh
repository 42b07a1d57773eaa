# map_engines.sh - kind = grid and kind = potential give the same values
# from the store new_store makes (PostGIS in cli_map_engines_pg) as from a
# SpatiaLite one: each cell's value, the bands and their breaks (the SVG's
# titles, with 6 decimals), the grid keeping the communes' total, and the
# PNGs' colours at some communes' inner points.
. "$TOB_SRC/tests/cli/lib.sh"
OBS=$(new_store obs)
REF="$TOB_TMP/ref.sqlite"
rm -f "$REF"

for store in "$OBS" "$REF"; do
    $T -q init "$store"
    $T -q load "$store" "$LAYERS/departements.layer"
    $T -q load "$store" "$LAYERS/epci.layer"
    $T -q load "$store" "$LAYERS/communes-nord.layer"
    $T -q import "$store" variables "$LAYERS/variables.csv"
    $T -q import "$store" indicators "$LAYERS/data/indicateurs-communes.csv" \
        --level commune --key insee_com --year 2021 --cog-from 2018 \
        --passage "$LAYERS/data/passage-2018-2026.csv" --partial-merges \
        2>/dev/null
done

# A count on squares of 5 km, not cut: the cells share out every commune.
cat >pop-carreaux.style <<'STYLE'
[map]
title = Population sur des carreaux de 5 km
[data]
kind = grid
level = commune
filter = code LIKE '59%'
variable = population_2021
year = 2021
[grid]
cell = square
cell_size = 5000
clip = no
[legend]
decimals = 6
STYLE

# "<path id="t-CODE" ...><title>Name (CODE) : 12 345,6 unit</title>" as
# "CODE 12345.6".
values_of() {
    sed -n 's/.*<path id="t-\([^"]*\)"[^>]*><title>[^<]*) : \([^<]*\)<\/title>.*/\1 \2/p' \
        "$1" | awk '{ code = $1; $1 = ""; v = $0; gsub(/[^0-9,-]/, "", v);
                      sub(/,/, ".", v); print code, v }'
}

small="--set map.width=700px --set map.height=600px --set map.dpi=96"
for style in pop-carreaux.style "$TOB_SRC/styles/nord-chomage-carreaux.style" \
    "$TOB_SRC/styles/nord-population-potentiel.style"; do
    name=$(basename "$style" .style)
    for e in obs ref; do
        [ $e = obs ] && store=$OBS || store=$REF
        # shellcheck disable=SC2086
        $T -q map "$store" "$style" -o "$name-$e.svg" \
            --set legend.decimals=6 --date 23/11/2026 ||
            fail "$name did not draw from $e"
        # shellcheck disable=SC2086
        $T -q map "$store" "$style" -o "$name-$e.png" $small \
            --date 23/11/2026 || fail "$name did not draw from $e"
        values_of "$name-$e.svg" >"$name-$e.values"
        [ "$(wc -l <"$name-$e.values")" -ge 5 ] ||
            fail "$name from $e: only $(wc -l <"$name-$e.values") features"
    done
    # Each cell, each band: the same value to 1e-6 relative.
    paste -d ' ' "$name-obs.values" "$name-ref.values" | awk -v n="$name" '
        $1 != $3 { print n ": feature " NR " is " $1 " and " $3; bad = 1 }
        { d = $2 - $4; if (d < 0) d = -d; m = $4 < 0 ? -$4 : $4;
          if (d > 1e-6 * m + 1e-9) { print n ": " $1 " = " $2 " and " $4;
                                     bad = 1 } }
        END { exit bad }' || fail "$name: the engines' values differ"
    [ "$(wc -l <"$name-obs.values")" = "$(wc -l <"$name-ref.values")" ] ||
        fail "$name: not as many features from each engine"
    # The legend's breaks (SVG text) are the same.
    grep -o '<text [^>]*>[^<]*[0-9][^<]*</text>' "$name-obs.svg" >obs.txt
    grep -o '<text [^>]*>[^<]*[0-9][^<]*</text>' "$name-ref.svg" >ref.txt
    cmp -s obs.txt ref.txt || {
        diff obs.txt ref.txt >&2
        fail "$name: the legends differ"
    }
done

# The grid keeps the total: the cells' sum is the communes' (1e-6).
cells=$(awk '{ s += $2 } END { printf "%.6f", s }' pop-carreaux-obs.values)
communes=$(sql "$OBS" "SELECT sum(o.value) FROM observation o JOIN territory t
    ON t.id = o.territory WHERE t.level = 'commune' AND t.code LIKE '59%'
    AND o.variable = 'population_2021' AND o.year = 2021")
awk -v a="$cells" -v b="$communes" 'BEGIN { d = a - b; if (d < 0) d = -d;
    exit !(b > 0 && d <= 1e-6 * b) }' ||
    fail "the cells sum to $cells, the communes to $communes"

# The PNGs: the same colour at the inner point of some communes (Lille,
# Dunkerque, Valenciennes, Maubeuge, Cambrai, Armentières, Avesnes).
sql "$REF" "SELECT code, ST_X(ST_PointOnSurface(geom)),
    ST_Y(ST_PointOnSurface(geom)) FROM territory WHERE level = 'commune'
    AND code IN ('59350', '59183', '59606', '59392', '59122', '59017',
    '59036') ORDER BY code" | tr '|' ' ' >points.txt
[ "$(wc -l <points.txt)" -eq 7 ] || fail "not 7 communes: $(cat points.txt)"
for name in pop-carreaux nord-chomage-carreaux nord-population-potentiel; do
    if cmp -s "$name-obs.png" "$name-ref.png"; then
        echo "$name: the same PNG from both engines"
        continue
    fi
    while read -r code x y; do
        a=$(gdallocationinfo -valonly -geoloc "$name-obs.png" "$x" "$y" | tr '\n' ' ')
        b=$(gdallocationinfo -valonly -geoloc "$name-ref.png" "$x" "$y" | tr '\n' ' ')
        [ -n "$a" ] || fail "$name: commune $code is off the map"
        assert_eq "$a" "$b" "$name: colour at commune $code"
    done <points.txt
done
echo "map_engines: ok"
