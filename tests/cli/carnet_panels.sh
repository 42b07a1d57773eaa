# carnet_panels.sh - small multiples in carnets: a template's map section
# with years = draws one map per year with one classification, each
# titled by its year; the fitted carnet adds such a section for its mapped
# rate when the rate has three years or more (first, middle, last), and
# none for a rate of one year; a bad years list names the template's key.
. "$TOB_SRC/tests/cli/lib.sh"

D="$LAYERS/data"
$T init obs.sqlite >/dev/null 2>&1
for l in departements epci communes-nord; do
    $T load obs.sqlite "$LAYERS/$l.layer" >/dev/null 2>&1
done
$T relate obs.sqlite --child commune --parent epci >/dev/null 2>&1
# A rate of unemployment observed in 2011, 2016 and 2021: the 2021
# counts of the sample, the earlier ones scaled so that the maps differ.
printf '%s\n' 'name,label,unit,source,aggregate,weight,numerator,denominator,decimals,year' \
    'chom,Chômeurs,personnes,Test,sum,,,,0,' \
    'act,Actifs,personnes,Test,sum,,,,0,' \
    'taux,Taux de chômage,%,Test,ratio,,chom,act,1,' >vars.csv
$T import obs.sqlite variables vars.csv >/dev/null 2>&1 ||
    fail "variables"
for y in 2011 2016 2021; do
    awk -F, -v y=$y 'NR == 1 { print "insee_com,chom,act"; next }
        $1 ~ /^59/ { f = (y == 2021) ? 1 : (y == 2016 ? 0.9 : 1.15) * (1 + ($1 % 7) / 20)
                     printf "%s,%d,%d\n", $1, $7 * f, $8 }' \
        "$D/indicateurs-communes.csv" >c$y.csv
    $T import obs.sqlite indicators c$y.csv --level commune --key insee_com \
        --year $y --cog-from 2018 --passage "$D/passage-2018-2026.csv" \
        --partial-merges >/dev/null 2>&1 || fail "indicators $y"
done

# The fitted carnet: the rate's map, then its three years side by side.
$T carnet obs.sqlite --level epci --code 200068500 --date 23/11/2026 \
    -o fit.pdf 2>err.txt || fail "carnet: $(cat err.txt)"
pdftotext -layout fit.pdf fit.txt
assert_contains fit.txt "Taux de chômage : 2011, 2016 et 2021"
# the panel titles, one row above the three maps, on the section's page
# (its last mention: the contents page lists it first)
page=$(awk '/\f/ { p++ } /Taux de chômage : 2011, 2016 et 2021/ { at = p + 1 }
    END { print at }' fit.txt)
pdftotext -layout -f "$page" -l "$page" fit.pdf page.txt
grep -Eq '^ *2011 +2016 +2021 *$' page.txt ||
    fail "no row of panel titles 2011 2016 2021 on page $page"
# one legend for the three maps
[ "$(grep -c 'Données non disponibles\|Taux de chômage (%)' page.txt)" -le 2 ] ||
    fail "more than one legend on the small multiples page"

# A template section with years: two panels, titled.
cat >tpl.ini <<'INI'
[carnet]
title = Carnet
sections = cover, map:taux
[map:taux]
title = Le taux en 2011 et en 2021
variable = taux
years = 2011, 2021
INI
$T carnet obs.sqlite --level epci --code 200068500 --date 23/11/2026 \
    --template tpl.ini -o tpl.pdf 2>err.txt || fail "template: $(cat err.txt)"
pdftotext -layout tpl.pdf tpl.txt
assert_contains tpl.txt "Le taux en 2011 et en 2021"
grep -Eq '^ *2011 +2021 *$' tpl.txt || fail "no panel titles 2011 2021"

# One year is not small multiples: the template's line and key.
sed 's/^years = .*/years = 2011/' tpl.ini >bad.ini
run_fails 2 "bad.ini:7: map:taux.years" $T carnet obs.sqlite --level epci \
    --code 200068500 --template bad.ini -o bad.pdf
[ ! -e bad.pdf ] || fail "a failed carnet wrote its PDF"

# A rate of one year: no small multiples section in the fitted carnet.
$T init one.sqlite >/dev/null 2>&1
for l in departements epci communes-nord; do
    $T load one.sqlite "$LAYERS/$l.layer" >/dev/null 2>&1
done
$T relate one.sqlite --child commune --parent epci >/dev/null 2>&1
$T import one.sqlite variables vars.csv >/dev/null 2>&1
$T import one.sqlite indicators c2021.csv --level commune --key insee_com \
    --year 2021 --cog-from 2018 --passage "$D/passage-2018-2026.csv" \
    --partial-merges >/dev/null 2>&1
$T carnet one.sqlite --level epci --code 200068500 --date 23/11/2026 \
    -o one.pdf 2>err.txt || fail "carnet one: $(cat err.txt)"
pdftotext -layout one.pdf one.txt
if grep -q "Taux de chômage : " one.txt; then
    fail "a small multiples section for a rate of one year"
fi
echo "ok"
