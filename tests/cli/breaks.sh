# breaks.sh - `terrobs breaks` end to end: methods on the Martinique median
# income vector (expected values from R classInt 0.4-9, see
# tests/ref/classify_mtq.R), input formats, missing values, errors.
. "$TOB_SRC/tests/cli/lib.sh"

# MED of mtq.gpkg (mapsf), the 34 communes of Martinique.
printf '%s\n' 13633 14558 14456 18847 21005 19704 19341 15151 16927 15951 \
    13274 14786 18034 13487 13474 14205 15158 15134 11929 15274 16504 15989 \
    16417 17817 12973 15420 18397 13701 21761 16860 19638 14461 18041 16375 \
    >med.txt

# breaks METHOD K: the breaks line for med.txt.
breaks() {
    "$T" --quiet breaks --method "$1" -k "$2" med.txt
}

assert_eq "$(breaks fisher 7)" \
    "11929 12451 13953 15685.5 17372 18622 20354.5 21761" "fisher 7"
assert_eq "$(breaks jenks 5)" "11929 13701 15420 16927 19704 21761" "jenks 5"
assert_eq "$(breaks quantile 4)" "11929 14457.25 15685.5 17979.75 21761" \
    "quantile 4"
# Shortest round-trip digits: R prints 15152.400000000001 (%.17g), the
# same double.
assert_eq "$(breaks quantile 5)" \
    "11929 14003.4 15152.400000000001 16408.6 18183.4 21761" "quantile 5"
assert_eq "$(breaks equal 2)" "11929 16845 21761" "equal 2"
assert_eq "$("$T" -q breaks -m q6 med.txt)" \
    "11929 13168.65 14468.275 15685.5 17750.25 20159.34999999999 21761" "q6"
assert_eq "$("$T" -q breaks -m Q6 med.txt)" \
    "11929 13168.65 14457.25 15685.5 17979.75 20159.34999999999 21761" "Q6"
assert_eq "$("$T" -q breaks -m msd med.txt)" \
    "11929 13744.957689689365 16137.70588235294 18530.454075016518 20923.20226768009 21761" \
    "msd"

# The note on stderr, counts on a second line, stdin by default.
"$T" breaks -m jenks -k 7 --counts <med.txt >out.txt 2>err.txt
assert_contains err.txt '^34 values, 0 missing$'
assert_eq "$(sed -n 2p out.txt)" "1 6 10 7 4 4 2" "jenks 7 counts"
assert_eq "$(sed -n 1p out.txt)" \
    "11929 11929 13701 15420 16927 18397 19704 21761" "jenks 7"
"$T" breaks --quiet -m equal -k 3 med.txt >out.txt 2>err.txt
[ ! -s err.txt ] || fail "--quiet printed on stderr"

# French decimals, a header, blank lines, NA and NaN are missing, CRLF.
printf 'taux\r\n1,5\r\n\r\nNA\r\n 2.5 \r\nNaN\r\n3,25\r\n4\r\n' >fr.txt
"$T" breaks --header -m equal -k 2 --counts fr.txt >out.txt 2>err.txt
assert_eq "$(sed -n 1p out.txt)" "1.5 2.75 4" "french decimals"
assert_eq "$(sed -n 2p out.txt)" "2 2" "french decimals counts"
assert_contains err.txt '^4 values, 3 missing$'

# Manual breaks, with ';' between numbers that use decimal commas.
assert_eq "$("$T" -q breaks --manual '10000;15000,5;25000' med.txt)" \
    "10000 15000.5 25000" "manual"
run_fails 2 "med.txt: 1 value\(s\) outside the manual breaks 12000\.\.30000" \
    "$T" breaks --manual 12000,15000,30000 med.txt
run_fails 1 "break 3 \(5\) is not above break 2 \(5\)" \
    "$T" breaks --manual 0,5,5,30000 med.txt

# Fewer distinct values than classes.
printf '5\n5\n6\n' | "$T" breaks -m fisher -k 5 >out.txt 2>err.txt
assert_eq "$(cat out.txt)" "5 5.5 6" "two distinct values"
assert_contains err.txt 'note: 2 classes, not 5'

# Errors: a bad number names the file and line; usage errors exit 1.
printf '1\n2\n\n3\nabc\n' >bad.txt
run_fails 2 "^terrobs: error: bad\.txt:5: 'abc' is not a number$" \
    "$T" breaks -m equal -k 2 bad.txt
run_fails 2 "<stdin>:5: 'abc' is not a number" \
    sh -c '"$1" breaks -m equal -k 2 <"$2"' sh "$T" bad.txt
printf -- '-1\n2\n3\n' >neg.txt
run_fails 2 "geom needs values > 0, but the smallest is -1" \
    "$T" breaks -m geom -k 2 neg.txt
run_fails 1 "did you mean 'fisher'" "$T" breaks -m Fisher -k 3 med.txt
run_fails 1 "fisher needs -k" "$T" breaks -m fisher med.txt
run_fails 1 "2\.\.12, not 13" "$T" breaks -m fisher -k 13 med.txt
run_fails 1 "2\.\.12, not 1" "$T" breaks -m quantile -k 1 med.txt
run_fails 1 "power of 2" "$T" breaks -m em -k 6 med.txt
run_fails 1 "-k does not apply to msd" "$T" breaks -m msd -k 3 med.txt
run_fails 1 "--method is required" "$T" breaks -k 3 med.txt
run_fails 2 "missing\.txt: cannot open" "$T" breaks -m equal -k 2 missing.txt
printf 'NA\n\n' >empty.txt
run_fails 2 "no value to classify \(2 missing of 2\)" \
    "$T" breaks -m equal -k 2 empty.txt
"$T" breaks --help | grep -q "usage: terrobs breaks" || fail "--help"
echo "breaks: ok"
