#!/bin/sh
# bench_growth.sh - how the cost grows with the size of the input: load
# (terrobs and ogr2ogr), map (terrobs, 2000 x 2000 PNG of every feature)
# and atlas (a carnet per territory, 1 then 2 jobs) on 1x, 2x and 4x the
# features, made by duplicating the source and offsetting each copy by
# 1,200 km east (new codes "CODE-k"). Prints one table; by hand, never in
# ctest:
#   sh bench/bench_growth.sh [build/terrobs]
# TOB_GROWTH_FACTORS="1 2 4" (default), TOB_GROWTH_SAMPLE=N keeps the
# first N communes only (a quick run: 3500 is a tenth),
# TOB_GROWTH_TERRITORIES=N the first N EPCIs, and TOB_GROWTH_ATLAS=no
# skips the atlas. Reads ../shared/data.
set -eu
cd "$(dirname "$0")/.."
T=$(realpath "${1:-build/terrobs}")
S=${TOB_SHARED:-../shared/data}
FACTORS=${TOB_GROWTH_FACTORS:-1 2 4}
SAMPLE=${TOB_GROWTH_SAMPLE:-0}
TERRITORIES=${TOB_GROWTH_TERRITORIES:-0}
ATLAS=${TOB_GROWTH_ATLAS:-yes}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# The sources in Lambert-93, so that copies are offset in metres.
ogr2ogr -f GeoJSON -t_srs EPSG:2154 -lco RFC7946=NO "$W/communes.geojson" \
    "/vsigzip/$S/communes_france/communes_france_2018.geojson.gz"
ogr2ogr -f GeoJSON -t_srs EPSG:2154 -lco RFC7946=NO "$W/epci.geojson" \
    "$S/communes_france/epci_france_cog2026.geojson"

# copies IN OUT K CODE_FIELD SAMPLE: K offset copies of IN's features (its
# first SAMPLE ones; 0: all).
copies() {
    python3 - "$1" "$2" "$3" "$4" "$5" <<'PY'
import copy, json, sys
src, out, k, field, sample = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5])
fc = json.load(open(src))
feats = fc["features"][:sample] if sample else fc["features"]
def shift(c, dx):
    if isinstance(c[0], (int, float)):
        return [c[0] + dx] + c[1:]
    return [shift(x, dx) for x in c]
res = []
for i in range(k):
    for f in feats:
        g = copy.deepcopy(f) if i else f
        if i:
            g["geometry"]["coordinates"] = shift(g["geometry"]["coordinates"],
                                                 1.2e6 * i)
            g["properties"][field] = "%s-%d" % (f["properties"][field], i)
        res.append(g)
fc["features"] = res
json.dump(fc, open(out, "w"))
PY
}

seconds() { # seconds CMD...: wall seconds of CMD, its output discarded
    /usr/bin/time -f "%e" -o "$W/t.txt" "$@" >/dev/null 2>"$W/err.txt" ||
        { tail -5 "$W/err.txt" >&2; exit 1; }
    cat "$W/t.txt"
}

printf '| size | features | load terrobs | load ogr2ogr | map terrobs | territories | atlas 1 job | atlas 2 jobs | speed-up |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for k in $FACTORS; do
    copies "$W/communes.geojson" "$W/c$k.geojson" "$k" code "$SAMPLE"
    copies "$W/epci.geojson" "$W/e$k.geojson" "$k" siren_epci "$TERRITORIES"
    n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$W/c$k.geojson")
    rm -f "$W/o.sqlite"* "$W/ogr.sqlite"
    "$T" -q init "$W/o.sqlite"
    t_load=$(seconds "$T" -q load "$W/o.sqlite" --allow-outside --level unite --code code \
        --name nom --src "$W/c$k.geojson")
    t_ogr=$(seconds ogr2ogr -f SQLite -dsco SPATIALITE=YES -nlt \
        PROMOTE_TO_MULTI -t_srs EPSG:2154 -makevalid -gt 65536 \
        "$W/ogr.sqlite" "$W/c$k.geojson")
    # Every feature, its area as the value, 7 quantile classes.
    sqlite3 "$W/o.sqlite" \
        "INSERT INTO variable (name, label, unit, decimals)
           VALUES ('surface', 'Superficie', 'km²', 1);
         INSERT INTO observation (territory, variable, year, value)
           SELECT id, 'surface', 2018, area_m2 / 1e6 FROM territory;"
    cat >"$W/m.style" <<STYLE
[map]
width = 2000px
height = 2000px
dpi = 96
margin = 0
date = none
scalebar = none
north = none
frame = no
footer = no
[data]
level = unite
variable = surface
year = 2018
[classes]
method = quantile
k = 7
palette = YlOrRd
[polygons]
stroke = white
stroke_width = 0.1
[legend]
position = none
STYLE
    "$T" -q map "$W/o.sqlite" "$W/m.style" -o "$W/warm$k.png"
    t_map=$(seconds "$T" -q map "$W/o.sqlite" "$W/m.style" -o "$W/m$k.png")
    a1=- a2=- up=- ne=-
    if [ "$ATLAS" = yes ]; then
        "$T" -q load "$W/o.sqlite" --allow-outside --level groupement --code siren_epci \
            --name nom_epci --src "$W/e$k.geojson"
        ne=$(sqlite3 "$W/o.sqlite" "SELECT count(*) FROM territory
                                      WHERE level = 'groupement'")
        a1=$(seconds "$T" atlas "$W/o.sqlite" --level groupement \
            -o "$W/a1" --jobs 1 --date 23/11/2026)
        a2=$(seconds "$T" atlas "$W/o.sqlite" --level groupement \
            -o "$W/a2" --jobs 2 --date 23/11/2026)
        up=$(awk -v a="$a1" -v b="$a2" 'BEGIN { printf "%.2f", a / b }')
        rm -rf "$W/a1" "$W/a2"
    fi
    printf '| %sx | %s | %s s | %s s | %s s | %s | %s s | %s s | %s |\n' \
        "$k" "$n" "$t_load" "$t_ogr" "$t_map" "$ne" "$a1" "$a2" "$up"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); CPUs: $(nproc)"
