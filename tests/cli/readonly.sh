# readonly.sh - a sound store in read-only places: in a read-only folder,
# as a read-only file, and (where a mount is allowed) on a read-only bind
# mount. Reading commands (info, map, carnet, export) work; writing
# commands say "OBS.sqlite is read-only" (exit 3) and change nothing.
# Root ignores permissions: as root the commands run as 'nobody' through
# setpriv (or su); where neither works, the test says SKIP and why.
. "$TOB_SRC/tests/cli/lib.sh"

# The identity the commands run as: ourselves when not root, else nobody.
AS=""
if [ "$(id -u)" -eq 0 ]; then
    if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
        AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
    elif su nobody -s /bin/sh -c true 2>/dev/null; then
        AS="su_nobody"
    else
        echo "SKIP readonly: running as root and cannot drop to 'nobody' (no setpriv, no su)"
        exit 0
    fi
fi
su_nobody() {
    su nobody -s /bin/sh -c '"$0" "$@"' "$@"
}
# The binary, the sources and this folder must be readable by nobody.
if [ -n "$AS" ] && ! $AS test -x "$T" -a -r "$LAYERS/communes-calais.layer"; then
    echo "SKIP readonly: 'nobody' cannot reach $T or $LAYERS (a private folder above them)"
    exit 0
fi
chmod 755 "$TOB_TMP"

# The CA Grand Calais communes with their 2021 indicators (real data).
$T -q init obs.sqlite
$T -q load obs.sqlite "$LAYERS/communes-calais.layer"
$T -q import obs.sqlite indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com --year 2021
cat >pop.style <<'EOF'
[map]
title = Population
width = 400px
height = 300px
dpi = 72
[data]
level = commune
variable = population_2021
[classes]
k = 3
EOF
mkdir out
chmod 777 out
dump_before=$(store_dump obs.sqlite | sha256sum)

# readers STORE: every reading command works on STORE, as the other user.
readers() {
    store=$1
    tag=$(dirname "$store")
    run_as() { $AS "$@" >"$TOB_TMP/out.txt" 2>"$TOB_TMP/err.txt" || {
        cat "$TOB_TMP/err.txt" >&2
        fail "$* failed on a read-only store"
    }; }
    run_as "$T" info "$store"
    assert_contains out.txt "commune"
    run_as "$T" map "$store" pop.style -o "out/$tag-pop.png"
    assert_contains err.txt "map written to .*pop.png: 14 features"
    run_as "$T" carnet "$store" --level commune --code 62193 -o "out/$tag-calais.pdf"
    assert_contains err.txt "wrote .*calais.pdf: Calais"
    run_as "$T" export "$store" --level commune -o "out/$tag-communes.csv"
    assert_contains "out/$tag-communes.csv" "62193"
}

# writers STORE: each writing command is refused, naming the store.
writers() {
    for cmd in "load $1 --level epci --src $LAYERS/data/epci-2026.geojson --code siren_epci --name nom_epci --vintage 2026" \
        "import $1 variables $LAYERS/variables.csv" \
        "relate $1 --child commune --parent departement --spatial" \
        "aggregate $1 --from commune --to epci"; do
        # shellcheck disable=SC2086 # the command is a word list
        run_fails 3 "obs.sqlite is read-only \\(.*\\): reading commands" $AS "$T" $cmd
    done
}

# 1. A read-only folder: SQLite cannot make the -wal and -shm files.
mkdir rodir
cp obs.sqlite rodir/obs.sqlite
chmod 666 rodir/obs.sqlite # only the folder stops a writer
chmod 555 rodir
readers rodir/obs.sqlite
writers rodir/obs.sqlite
run_fails 3 "its folder cannot be written" $AS "$T" zone rodir/obs.sqlite "$LAYERS/scot-nord.csv"
ls rodir | grep -q -- '-wal\|-shm' && fail "a reader left files in the read-only folder"
assert_eq "$(store_dump rodir/obs.sqlite | sha256sum)" "$dump_before" "read-only folder store"

# 2. A read-only file in a folder we may write.
mkdir rwdir
chmod 777 rwdir
cp obs.sqlite rwdir/obs.sqlite
chmod 444 rwdir/obs.sqlite
readers rwdir/obs.sqlite
writers rwdir/obs.sqlite
run_fails 3 "the file cannot be written" $AS "$T" zone rwdir/obs.sqlite "$LAYERS/scot-nord.csv"
assert_eq "$(store_dump rwdir/obs.sqlite | sha256sum)" "$dump_before" "read-only file store"

# 3. A read-only bind mount (even root cannot write there), when allowed.
mkdir mnt
trap 'umount "$TOB_TMP/mnt" 2>/dev/null || true' EXIT
if [ "$(id -u)" -eq 0 ] && mount --bind rwdir mnt 2>/dev/null &&
    mount -o remount,bind,ro mnt 2>/dev/null; then
    chmod 644 rwdir/obs.sqlite
    AS_SAVED=$AS
    AS="" # root itself, which permissions do not stop
    readers mnt/obs.sqlite
    writers mnt/obs.sqlite
    AS=$AS_SAVED
    umount mnt
    echo "readonly: read-only bind mount checked as root"
else
    umount mnt 2>/dev/null || true
    echo "readonly: read-only bind mount not checked (mount not permitted here)"
fi
echo "readonly: reading commands work and writing ones are refused in a read-only folder and on a read-only file${AS:+ (as nobody)}"
