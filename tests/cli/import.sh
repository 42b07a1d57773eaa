# import.sh - the `terrobs import` dispatcher: kinds, help, usage errors.
. "$TOB_SRC/tests/cli/lib.sh"

$T import --help >help.txt
assert_contains help.txt "^usage: terrobs import OBS.sqlite KIND FILE"
assert_contains help.txt "^Kinds:"
run_fails 1 "unknown kind 'nosuchkind'" $T import obs.sqlite nosuchkind x.csv
run_fails 1 "usage: terrobs import" $T import
echo "import.sh: ok"
