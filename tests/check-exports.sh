#!/bin/sh
# check-exports.sh - libterrobs.so exports exactly the functions that
# include/terrobs/ declares: nothing internal leaks out (-fvisibility=hidden
# with TOB_API), and no declared function is missing.
# Usage: tests/check-exports.sh LIBTERROBS.so INCLUDE_DIR
set -eu
lib=$1
inc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
    grep -v -x -e __bss_start -e _edata -e _end -e _init -e _fini |
    sort -u >"$tmp/exported"
# Declared: names followed by '(' in the headers, comments removed.
for h in "$inc"/terrobs/*.h; do
    sed -e 's|/\*.*\*/||g' "$h" | awk '
        /\/\*/ { skip = 1 }
        !skip { print }
        /\*\// { skip = 0 }'
done | grep -oE '\btob_[a-z0-9_]+[[:space:]]*\(' | sed 's/[[:space:]]*($//' | grep -v '_t$' |
    sort -u >"$tmp/declared"
status=0
# Each public header says in its first line what it is.
for h in "$inc"/terrobs/*.h; do
    if ! head -n 1 "$h" | grep -qE '^/\* [a-z_]+\.h \((entry point|building block)\) - '; then
        echo "check-exports: $h: the first line must read '/* NAME.h (entry point|building block) - ...'"
        status=1
    fi
done
if ! [ -s "$tmp/exported" ]; then
    echo "check-exports: $lib exports nothing"
    exit 1
fi
comm -23 "$tmp/exported" "$tmp/declared" | sed 's/^/check-exports: exported but not declared in include\/terrobs: /' >"$tmp/extra"
comm -13 "$tmp/exported" "$tmp/declared" | sed 's/^/check-exports: declared but not exported: /' >"$tmp/missing"
if [ -s "$tmp/extra" ] || [ -s "$tmp/missing" ]; then
    cat "$tmp/extra" "$tmp/missing"
    status=1
fi
echo "check-exports: $(wc -l <"$tmp/exported") symbols exported, $(wc -l <"$tmp/declared") declared"
exit $status
