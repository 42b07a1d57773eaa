# near_miss.sh - a mistyped name gets "did you mean" with the store's (or
# the file's) closest names: levels, variables, style keys and sections,
# option values, codes of a level or of another level, contract and site
# names, in map, carnet, atlas, export, aggregate, site, report and import;
# and an import lists every missing column of its file at once.
. "$(dirname "$0")/lib.sh"

EX="$LAYERS/examples"
S=obs.sqlite
{
    $T init $S
    $T load $S "$LAYERS/epci.layer"
    $T load $S "$LAYERS/communes-var.layer"
    $T relate $S --child commune --parent epci
    $T import $S territories "$LAYERS/data/qpv2024-communes.csv" --level qpv \
        --code code_qp --name lib_qp --vintage 2024 \
        --parent-level commune --parent-key insee_com
    $T import $S variables "$LAYERS/variables.csv"
    $T import $S indicators "$LAYERS/data/indicateurs-communes.csv" \
        --level commune --key insee_com
    $T import $S contracts "$EX/fictif-la-seyne-contrat.csv"
    $T import $S gup-sites "$EX/fictif-la-seyne-gup-sites.csv"
} >log.txt 2>&1 || { cat log.txt >&2; fail "building the store"; }
STYLE="$TOB_SRC/styles/nord-densite.style"

# levels
run_fails 2 "no level 'epic' in the store \(did you mean 'epci'\?" \
    $T carnet $S --level epic --code 200054807 -o x.pdf
run_fails 2 "level 'comune' in the store \(did you mean 'commune'\?" \
    $T atlas $S --level comune -o atlas
run_fails 2 "no level 'comune' in the store \(did you mean 'commune'\? levels: commune, epci" \
    $T export $S --level comune -o x.csv
run_fails 2 "no level 'comune' in the store \(did you mean 'commune'\?" \
    $T aggregate $S --from comune --to epci
run_fails 2 "no level 'epic' in the store \(did you mean 'epci'\?" \
    $T site $S -o site --levels commune,epic
run_fails 2 "level 'comune' has no territory in the store \(did you mean 'commune'\?\)" \
    $T map $S "$STYLE" -o x.png --set data.level=comune
run_fails 2 "no level 'comune' in the store \(did you mean 'commune'\?" \
    $T import $S indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level comune --key insee_com
# variables
run_fails 2 "variable 'densit' is not in the store \(did you mean 'densite'\?\)" \
    $T map $S "$STYLE" -o x.png --set data.variable=densit
run_fails 2 "no variable 'densit' in the store \(did you mean 'densite'\? variables:" \
    $T export $S --level commune --variables densit -o x.csv
run_fails 2 "no variable 'populaton_2021' \(did you mean 'population_2021'\?\)" \
    $T aggregate $S --from commune --to epci --variables populaton_2021
# style keys, sections and option values
run_fails 2 "classes.metod: unknown key \(did you mean 'method'\? expected method," \
    $T map $S "$STYLE" -o x.png --set classes.metod=jenks
run_fails 2 "unknown section \[clases\] \(did you mean 'classes'\?\)" \
    $T map $S "$STYLE" -o x.png --set clases.method=jenks
run_fails 2 "unknown classification method 'jenk' \(did you mean 'jenks'\?\)" \
    $T map $S "$STYLE" -o x.png --set classes.method=jenk
printf '[carnet]\nsections = cover\n[cover]\naera = polygon\n' >bad.ini
run_fails 2 "cover.aera: unknown key \(did you mean 'area'\? known in \[cover\]" \
    $T carnet $S --level commune --code 83126 --template bad.ini -o x.pdf
# codes: of another level, or near one of the level
run_fails 2 "no epci with code '83126' \(83126 is a commune code: La Seyne-sur-Mer; epci codes are 9 characters\)" \
    $T carnet $S --level epci --code 83126 -o x.pdf
run_fails 2 "no commune with code '83162' \(did you mean '83062' or '83126'\?\)" \
    $T carnet $S --level commune --code 83162 -o x.pdf
run_fails 2 "no epci with code '83126' in the store \(83126 is a commune code" \
    $T report $S contracts --level epci --code 83126
# contract and site names
run_fails 2 "no GUP site 'SEY-NRD' \(did you mean 'SEY-NORD'\? sites: SEY-CENTRE-VILLE, SEY-NORD\)" \
    $T report $S gup --site SEY-NRD
sed 's/^NPNRU-83126;/NPNRU-83162;/' "$EX/fictif-la-seyne-projets.csv" >projets.csv
run_fails 2 "projets.csv:2: Code contrat: unknown contract 'NPNRU-83162' \(did you mean 'NPNRU-83126'\?\)" \
    $T import $S projects projets.csv
sed 's/^SEY-NORD;/SEY-NORT;/' "$EX/fictif-la-seyne-gup-actions.csv" >actions.csv
run_fails 2 "actions.csv:2: Code site: unknown site 'SEY-NORT' \(did you mean 'SEY-NORD'\?\)" \
    $T import $S gup-actions actions.csv
[ "$(sql $S "SELECT count(*) FROM project")" = 0 ] || fail "a refused import wrote projects"

# Every missing column at once, each with the closest header present.
run_fails 2 "indicateurs-communes.csv: missing columns 'insee_comm' \(did you mean 'insee_com'\?\), 'densit', 'population_202' \(did you mean 'population_2021'\?\); columns: insee_com," \
    $T import $S indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_comm --columns densit,population_202
printf 'Code contra;Intitulé;Type\nX;Y;Z\n' >contrat.csv
run_fails 2 "contrat.csv: missing columns 'Code contrat' \(did you mean 'Code contra'\? also accepted: code\), 'Niveau' \(also accepted: niveau_territoire\), 'Code territoire'" \
    $T import $S contracts contrat.csv
sed '1s/Code site/Code sit/; 1s/Intitulé/Intitule_action/' \
    "$EX/fictif-la-seyne-gup-actions.csv" >actions2.csv
run_fails 2 "actions2.csv: missing columns 'Code site' \(did you mean 'Code sit'\?" \
    $T import $S gup-actions actions2.csv
printf 'code,nom\n1,a\n' >qpv.csv
run_fails 2 "qpv.csv: missing columns 'code_qp' \(did you mean 'code'\?\), 'nom_qp' \(did you mean 'nom'\?\); columns: code, nom" \
    $T import $S territories qpv.csv --level qpv --code code_qp --name nom_qp
echo "near_miss: ok"
