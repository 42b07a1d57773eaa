# carnet.sh - `terrobs carnet`: a PDF for a territory, its text read back
# with pdftotext; usage and input errors with their exit codes.
. "$TOB_SRC/tests/cli/lib.sh"

$T init mq.sqlite --srid 5490 >/dev/null 2>&1
$T load mq.sqlite --level commune --src "$DATA/load/martinique-4.geojson" \
    --code code --name nom --vintage 2026 >/dev/null 2>&1

$T carnet mq.sqlite --level commune --code 97209 -o fdf.pdf --date 23/11/2026 \
    2>err.txt || fail "carnet failed: $(cat err.txt)"
[ -s fdf.pdf ] || fail "no PDF"
[ ! -e fdf.pdf.tmp ] || fail "temporary file left behind"
pdftotext -layout fdf.pdf fdf.txt
assert_contains fdf.txt "Fort-de-France"
assert_contains fdf.txt "Commune · code 97209"
assert_contains fdf.txt "Édition du 23/11/2026"
# areas are French: decimal comma, U+00A0 before km²
assert_contains fdf.txt "Superficie +[0-9]+,[0-9]+ km²"

# usage errors: exit 1
run_fails 1 "required" $T carnet mq.sqlite --level commune -o x.pdf
run_fails 1 "vintage" $T carnet mq.sqlite --level commune --code 97209 \
    --vintage 26 -o x.pdf
# unknown territory or level: exit 2, named
run_fails 2 "no commune with code '97299'" $T carnet mq.sqlite \
    --level commune --code 97299 -o x.pdf
run_fails 2 "no epci with code '1' \(no such level" $T carnet mq.sqlite \
    --level epci --code 1 -o x.pdf
# a bad template names its line and key
printf '[carnet]\nsections = cover\n[cover]\ncolour = red\n' >bad.ini
run_fails 2 "bad.ini:4: cover.colour: unknown key" $T carnet mq.sqlite \
    --level commune --code 97209 --template bad.ini -o x.pdf
[ ! -e x.pdf ] || fail "a failed carnet wrote its PDF"
# cannot write: exit 3, nothing left
run_fails 3 "nodir/x.pdf" $T carnet mq.sqlite --level commune --code 97209 \
    -o nodir/x.pdf
[ ! -e nodir ] || fail "created a directory"
echo "ok"
