#!/bin/sh
# install-deps.sh - install the Debian 12 packages terrobs builds, tests and
# demos with. Does nothing when they are all there already (no apt-get update).
# Usage: tools/install-deps.sh [--test|--bench]
#   --test adds the test-only tools; --bench the reference tools the
#   benchmarks in bench/ compare with (MapServer's map2img).
set -eu

BUILD="build-essential cmake pkg-config libgdal-dev libproj-dev libspatialite-dev
libsqlite3-dev libgeos-dev libcairo2-dev libpango1.0-dev libpng-dev libcmocka-dev
gdal-bin proj-bin spatialite-bin sqlite3 fonts-dejavu-core libjs-leaflet libpq-dev"
TEST="libsqlite3-mod-spatialite qgis python3-qgis poppler-utils chromium xmlstarlet libxml2-utils python3 clang libclang-rt-14-dev python3-selenium chromium-driver postgresql-15 postgresql-15-postgis-3"

BENCH="mapserver-bin libsqlite3-mod-spatialite"

want="$BUILD"
if [ "${1:-}" = "--test" ]; then
    want="$want $TEST"
elif [ "${1:-}" = "--bench" ]; then
    want="$want $BENCH"
fi

missing=""
for pkg in $want; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
