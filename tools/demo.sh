#!/bin/sh
# demo.sh - install, build, and run the whole pipeline on the bundled sample:
# a store with the Nord, the Somme and Martinique, then maps, carnets and an
# atlas in demo-out/.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
T="$PWD/build/terrobs"
OUT="$PWD/demo-out"
rm -rf "$OUT"
mkdir -p "$OUT"
OBS="$OUT/observatoire.sqlite"

echo "== store and boundaries"
$T init "$OBS"
$T load "$OBS" layers/departements.layer
$T load "$OBS" layers/epci.layer
$T load "$OBS" layers/communes-nord.layer
for layer in communes-somme communes-calais communes-var; do
    $T load "$OBS" "layers/$layer.layer" --append
done
$T info "$OBS"
echo "demo written to $OUT"
