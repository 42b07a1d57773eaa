#!/bin/sh
# bench_map.sh - a choropleth of the 35,357 communes of France (COG 2018),
# 2000 x 2000 PNG, drawn by terrobs and by MapServer's map2img from the
# same store in the same run, with the same classes and colours; prints
# both times (median of 3 runs after a warm-up) and the ratio. By hand,
# never in ctest:
#   sh bench/bench_map.sh [build/terrobs]
# Installs mapserver-bin (tools/install-deps.sh --bench). Reads
# ../shared/data (benchmarks may; the project never does at run time).
# BENCH_KEEP=DIR keeps the store and both images in DIR.
set -eu
cd "$(dirname "$0")/.."
T=${1:-build/terrobs}
SRC=${TOB_BENCH_SRC:-../shared/data/communes_france/communes_france_2018.geojson.gz}
[ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
[ -f "$SRC" ] || { echo "no $SRC" >&2; exit 1; }
sh tools/install-deps.sh --bench
T=$(cd "$(dirname "$T")" && pwd)/$(basename "$T")
SRC=$(cd "$(dirname "$SRC")" && pwd)/$(basename "$SRC")
if [ -n "${BENCH_KEEP:-}" ]; then
    W=$BENCH_KEEP
    mkdir -p "$W"
    rm -f "$W/obs.sqlite" "$W/obs.sqlite-wal" "$W/obs.sqlite-shm"
else
    W=$(mktemp -d)
    trap 'rm -rf "$W"' EXIT
fi
cd "$W"

echo "loading the communes of France into a store..." >&2
"$T" -q init obs.sqlite
"$T" -q load obs.sqlite --level commune --src "/vsigzip/$SRC" \
    --code code --name nom --vintage 2018
# The value mapped: each commune's area, as an observation, so that both
# tools join territory and observation as any real indicator map does.
sqlite3 obs.sqlite \
    "INSERT INTO variable (name, label, unit, decimals)
       VALUES ('surface', 'Superficie', 'km²', 1);
     INSERT INTO observation (territory, variable, year, value)
       SELECT id, 'surface', 2018, area_m2 / 1e6 FROM territory;"

# Seven quantile classes (terrobs computes them itself while drawing;
# MapServer gets them written out) and YlOrRd's seven colours.
set -- $(sqlite3 obs.sqlite "SELECT value FROM observation" |
    "$T" -q breaks -m quantile -k 7)
b0=$1 b1=$2 b2=$3 b3=$4 b4=$5 b5=$6 b6=$7 b7=$8
COLORS="255 255 178,254 217 118,254 178 76,253 141 60,252 78 42,227 26 28,177 0 38"
# Metropolitan France (Lambert-93); the DROM lie outside and are culled.
EXTENT="99101 6046555 1242436 7110430"

cat >bench.style <<EOF
[map]
width = 2000px
height = 2000px
dpi = 96
margin = 0
date = none
extent = $EXTENT
scalebar = none
north = none
frame = no
footer = no
[data]
level = commune
variable = surface
year = 2018
[classes]
method = quantile
k = 7
colors = #ffffb2, #fed976, #feb24c, #fd8d3c, #fc4e2a, #e31a1c, #b10026
[polygons]
stroke = white
stroke_width = 0.1
[legend]
position = none
EOF

ms_class() { # ms_class LOW HIGH "R G B"
    cat <<EOF
    CLASS
      EXPRESSION ([value] >= $1 AND [value] <= $2)
      STYLE COLOR $3 OUTLINECOLOR 255 255 255 WIDTH 0.38 END
    END
EOF
}
{
    cat <<EOF
MAP
  SIZE 2000 2000
  EXTENT $EXTENT
  UNITS METERS
  IMAGECOLOR 255 255 255
  PROJECTION "init=epsg:2154" END
  OUTPUTFORMAT
    NAME "png24" DRIVER AGG/PNG MIMETYPE "image/png" IMAGEMODE RGB
    EXTENSION "png" FORMATOPTION "COMPRESSION=3"
  END
  LAYER
    NAME "communes" TYPE POLYGON STATUS DEFAULT
    CONNECTIONTYPE OGR CONNECTION "$W/obs.sqlite"
    DATA "SELECT t.geom AS geom, o.value AS value FROM territory t JOIN observation o ON o.territory = t.id WHERE o.variable = 'surface' AND o.year = 2018"
    PROJECTION "init=epsg:2154" END
    CLASSITEM "value"
EOF
    i=0
    highs="$b1 $b2 $b3 $b4 $b5 $b6 $b7"
    for low in $b0 $b1 $b2 $b3 $b4 $b5 $b6; do
        i=$((i + 1))
        high=$(echo "$highs" | cut -d' ' -f$i)
        color=$(echo "$COLORS" | cut -d, -f$i)
        ms_class "$low" "$high" "$color"
    done
    echo "  END"
    echo "END"
} >bench.map

seconds() { # seconds NAME CMD...: "wall cpu" seconds of CMD
    name=$1
    shift
    /usr/bin/time -f "%e %U %S" -o time.txt "$@" >/dev/null 2>"$name.err" ||
        { cat "$name.err" >&2; exit 1; }
    awk '{ printf "%s %.2f", $1, $2 + $3 }' time.txt
}
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

run_terrobs() { seconds terrobs "$T" -q map obs.sqlite bench.style -o terrobs.png --force; }
run_mapserver() { seconds map2img map2img -m bench.map -o map2img.png; }
run_terrobs >/dev/null
run_mapserver >/dev/null
# Alternate the two tools so that both meet the same machine load.
for i in 1 2 3; do
    set -- $(run_terrobs)
    [ $# -eq 2 ] || exit 1
    eval "tw$i=$1 tc$i=$2"
    set -- $(run_mapserver)
    [ $# -eq 2 ] || exit 1
    eval "mw$i=$1 mc$i=$2"
done
tw=$(median "$tw1" "$tw2" "$tw3") tc=$(median "$tc1" "$tc2" "$tc3")
mw=$(median "$mw1" "$mw2" "$mw3") mc=$(median "$mc1" "$mc2" "$mc3")

n=$(sqlite3 obs.sqlite "SELECT count(*) FROM territory")
echo "communes in the store:  $n (35,357 expected)"
echo "terrobs map:            ${tw} s wall, ${tc} s CPU  (wall: $tw1 $tw2 $tw3)"
echo "map2img (MapServer):    ${mw} s wall, ${mc} s CPU  (wall: $mw1 $mw2 $mw3)"
awk -v a="$tw" -v b="$mw" -v c="$tc" -v d="$mc" 'BEGIN {
    printf "ratio terrobs/map2img: %.2f wall (target <= 0.40), %.2f CPU\n",
        a / b, c / d }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work skews both tools)"
