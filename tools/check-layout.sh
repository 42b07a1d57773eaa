#!/bin/sh
# check-layout.sh - the layout rules of src/ (README "Code map"):
#  1. a folder's *_internal.h is included only by files of that folder;
#  2. a file includes another folder's header only if that folder comes
#     earlier in the pipeline (dependencies run one way), by "folder/x.h";
#  3. a header named without a folder is one of its own folder;
#  4. only src/store/ speaks to the database engine (sqlite3 API, headers);
#  5. the command line (src/cli/) asks the library through its public
#     headers (include/terrobs/), never a stage's header or the database.
# Usage: tools/check-layout.sh [SRC_DIR]   (exit 1 and one line a violation)
set -eu
src=${1:-"$(dirname "$0")/../src"}
# The pipeline, earliest first; cli comes last and may use everything.
order="base sources store load relations import map followup carnet atlas export site cli"
rank() {
    i=0
    for s in $order; do
        [ "$s" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}
bad=0
for dir in "$src"/*/; do
    folder=$(basename "$dir")
    here=$(rank "$folder")
    if [ "$here" -lt 0 ]; then
        echo "check-layout: src/$folder/ is not a stage of the pipeline ($order)"
        bad=1
        continue
    fi
    for file in "$dir"*.c "$dir"*.h; do
        [ -e "$file" ] || continue
        name="src/$folder/$(basename "$file")"
        # Quoted includes other than the public terrobs/ headers.
        for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" | grep -v '^terrobs/' || true); do
            case "$inc" in
            */*)
                other=${inc%%/*}
                if [ "$folder" = cli ]; then
                    echo "check-layout: $name includes \"$inc\": the command line uses the public API (terrobs/*.h) only"
                    bad=1
                    continue
                fi
                there=$(rank "$other")
                if [ "$there" -lt 0 ] || [ ! -e "$src/$inc" ]; then
                    echo "check-layout: $name includes \"$inc\", which is not a header of src/"
                    bad=1
                elif [ "$other" = "$folder" ]; then
                    echo "check-layout: $name names its own folder in \"$inc\" (write \"${inc#*/}\")"
                    bad=1
                elif [ "$there" -ge "$here" ]; then
                    echo "check-layout: $name includes \"$inc\": $other/ does not come before $folder/ (dependencies run one way: $order)"
                    bad=1
                fi
                case "$inc" in
                *_internal.h)
                    echo "check-layout: $name includes \"$inc\", internal to src/$other/"
                    bad=1
                    ;;
                esac
                ;;
            *)
                if [ ! -e "$dir$inc" ]; then
                    echo "check-layout: $name includes \"$inc\", not a header of src/$folder/ (name another stage's header with its folder)"
                    bad=1
                fi
                ;;
            esac
        done
        if [ "$folder" != store ] &&
            grep -nE '\bsqlite3_[a-z_0-9]+|\bsqlite3\b[[:space:]]*\*|<sqlite3\.h>|<spatialite' "$file" >/dev/null; then
            grep -nE '\bsqlite3_[a-z_0-9]+|\bsqlite3\b[[:space:]]*\*|<sqlite3\.h>|<spatialite' "$file" |
                head -3 | sed "s|^|check-layout: $name:|; s|\$| (only src/store/ speaks to the database)|"
            bad=1
        fi
    done
done
exit $bad
