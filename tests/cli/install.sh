# install.sh - `cmake --install` into a scratch prefix gives a working
# terrobs: the binary, its man page, the styles, and a library another C
# program compiles, links and runs against through pkg-config.
. "$TOB_SRC/tests/cli/lib.sh"
: "${TOB_BUILD:?TOB_BUILD must name the build tree}"
P="$TOB_TMP/prefix"
cmake --install "$TOB_BUILD" --prefix "$P" >install.log
[ -x "$P/bin/terrobs" ] || fail "no bin/terrobs"
[ -f "$P/include/terrobs/store.h" ] || fail "no headers"
ls "$P"/share/terrobs/styles/*.style >/dev/null || fail "no styles"
[ -f "$P/share/man/man1/terrobs.1" ] || fail "no man page"
pc=$(find "$P" -name terrobs.pc)
[ -n "$pc" ] || fail "no terrobs.pc"
export PKG_CONFIG_PATH="$(dirname "$pc")"
assert_eq "terrobs $(pkg-config --modversion terrobs)" "$($T --version)" "pkg-config version"
lib=$(pkg-config --variable=libdir terrobs)
[ -e "$lib/libterrobs.so" ] || fail "pkg-config libdir $lib has no libterrobs.so"

cat >tiny.c <<'C'
/* A program of someone else's, using libterrobs. */
#include <terrobs/classify.h>
#include <terrobs/export.h>
#include <terrobs/store.h>
#include <terrobs/version.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    const double v[] = {1, 2, 3, 10, 11, 12, 30};
    tob_error_t err;
    tob_error_clear(&err);
    tob_breaks_t *b = NULL;
    if (argc != 2 ||
        tob_classify(v, 7, 3, TOB_CLASSIFY_JENKS, &b, &err) != TOB_OK)
        return 1;
    const double *x = tob_breaks_values(b);
    printf("%g %g %g %g\n", x[0], x[1], x[2], x[3]);
    tob_breaks_destroy(b);
    tob_store_t *st = NULL;
    if (tob_store_create(argv[1], 2154, 0, &st, &err) != TOB_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("EPSG:%d\n", tob_store_srid(st));
    tob_store_close(st);
    char buf[16];
    printf("%s %s\n", tob_export_defuse("=1+1", buf, sizeof buf),
           tob_version());
    return 0;
}
C
# A sanitized build's library needs the sanitizer runtime in the program.
extra=
if nm -D "$lib/libterrobs.so" | grep -q __asan_init; then
    extra="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Wpedantic -Werror $extra tiny.c -o tiny \
    $(pkg-config --cflags --libs terrobs) || fail "tiny.c does not build"
LD_LIBRARY_PATH="$lib" ./tiny made-by-tiny.sqlite >out.txt || fail "tiny failed"
want=$(printf '1\n2\n3\n10\n11\n12\n30\n' | $T breaks -m jenks -k 3 2>/dev/null)
assert_eq "$(sed -n 1p out.txt)" "$want" "breaks through the library"
assert_eq "$(sed -n 2p out.txt)" "EPSG:2154" "store through the library"
assert_eq "$(sed -n 3p out.txt)" "'=1+1 $($T --version | cut -d' ' -f2)" "defuse"
# The installed binary reads the store the program made.
"$P/bin/terrobs" info made-by-tiny.sqlite >info.txt
assert_contains info.txt "EPSG:2154"
echo "install.sh: ok"
