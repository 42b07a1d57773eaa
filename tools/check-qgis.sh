#!/bin/sh
# check-qgis.sh - open a QGIS project written by `terrobs qgis` in real QGIS,
# headless: every layer valid with features and a renderer, then a PNG.
# Usage: tools/check-qgis.sh PROJECT.qgs [OUT.png]
#        tools/check-qgis.sh --probe   (exit 0 if PyQGIS is there, else 77)
# Needs Debian's qgis and python3-qgis (apt-get install -y qgis python3-qgis);
# exits 77 (ctest's "skipped") when PyQGIS is not installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# PyQGIS lives in the system Python, not a venv's; TOB_QGIS_PYTHON overrides.
py=${TOB_QGIS_PYTHON:-/usr/bin/python3}
if ! [ -x "$py" ] || ! "$py" -c "import qgis.core" 2>/dev/null; then
    echo "check-qgis.sh: PyQGIS not installed (apt-get install qgis python3-qgis)" >&2
    exit 77
fi
[ "${1:-}" = --probe ] && exit 0
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}/qgis-runtime-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec "$py" "$here/check-qgis.py" "$@"
