# help.sh - every command of `terrobs --help` answers --help and -h with
# its usage, documents every long option it accepts, refuses an unknown
# option with exit 1, and has its section in man/terrobs.1, which must be
# what tools/make-man.sh writes from the binary today.
. "$TOB_SRC/tests/cli/lib.sh"

$T --help >help.txt || fail "terrobs --help failed"
assert_contains help.txt "^usage: terrobs \[--quiet\] \[--schema NAME\] COMMAND"
assert_contains help.txt "^Exit status:"
commands=$(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' help.txt)
[ "$(echo "$commands" | wc -l)" -ge 12 ] || fail "too few commands: $commands"
assert_eq "$($T --version | sed 's/ [0-9.]*$//')" "terrobs" "--version"
run_fails 1 "unknown command 'frobnicate'" $T frobnicate
run_fails 1 "unknown option '--frobnicate'" $T --frobnicate
run_fails 1 "^usage: terrobs" $T

for c in $commands; do
    for h in --help -h; do
        $T "$c" $h >out.txt 2>err.txt || fail "terrobs $c $h exits $?"
        assert_eq "$(sed -n 1p out.txt | cut -d' ' -f1-3)" "usage: terrobs $c" \
            "first line of terrobs $c $h"
        [ ! -s err.txt ] || fail "terrobs $c $h wrote on stderr"
    done
    # Every long option the command parses is in its --help.
    src="$TOB_SRC/src/cli/cmd_$c.c"
    [ -f "$src" ] || fail "no $src for command $c"
    for o in $(grep -o '{"[a-z][a-z0-9-]*", *[a-z]*_argument' "$src" |
        sed 's/{"\([^"]*\)".*/\1/'); do
        grep -q -- "--$o" out.txt || fail "terrobs $c --help does not document --$o"
    done
    run_fails 1 "terrobs $c: unknown option '--no-such-option'|^usage: terrobs $c" \
        $T "$c" --no-such-option
done
# Import kinds have their own usage.
kinds=$($T import --help | awk '/^Kinds:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }')
for k in $kinds; do
    $T import "$k" --help >out.txt || fail "terrobs import $k --help exits $?"
    assert_contains out.txt "^usage: terrobs import OBS.sqlite $k FILE"
done

# The manual: a section per command and import kind, well-formed roff,
# and in step with the binary.
MAN="$TOB_SRC/man/terrobs.1"
for c in $commands; do
    grep -q "^\.SS $c\$" "$MAN" || fail "man/terrobs.1 has no section for $c"
done
for k in $kinds; do
    grep -q "^\.SS \"import $k\"\$" "$MAN" || fail "man/terrobs.1 lacks import $k"
done
if command -v groff >/dev/null; then
    groff -k -man -ww -z "$MAN" 2>groff.txt
    [ ! -s groff.txt ] || { cat groff.txt >&2; fail "groff warns on man/terrobs.1"; }
fi
sh "$TOB_SRC/tools/make-man.sh" "$T" >fresh.1
cmp -s fresh.1 "$MAN" || {
    diff "$MAN" fresh.1 | sed -n 1,20p >&2
    fail "man/terrobs.1 is out of date: sh tools/make-man.sh build/terrobs >man/terrobs.1"
}
echo "help.sh: ok"
