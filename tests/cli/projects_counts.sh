#!/bin/sh
# projects_counts.sh - the projets_* counts follow the projects, whatever
# order contracts and projects are imported in: a contracts import does not
# write zeros for this year that then win over the projects' --year, and a
# map of projets_nombre draws. Data: the Somme's communes and EPCIs
# (layers/) and the FICTITIOUS PACTe example (layers/examples/).
. "$(dirname "$0")/lib.sh"

EX="$TOB_SRC/layers/examples"
S=$(new_store obs)
$T -q init "$S"
$T -q load "$S" "$LAYERS/epci.layer"
$T -q load "$S" "$LAYERS/communes-somme.layer"
$T -q relate "$S" --child commune --parent epci 2>/dev/null

years() {
    sql "$S" "SELECT group_concat(y) FROM (SELECT DISTINCT year AS y
            FROM observation WHERE variable = 'projets_nombre' ORDER BY 1)"
}
epci_total() {
    sql "$S" "SELECT CAST(sum(o.value) AS INTEGER) FROM observation o
            JOIN territory t ON t.id = o.territory
            WHERE t.level = 'epci' AND o.variable = 'projets_nombre'"
}

# Contracts first (no --year, no project yet): no count at all.
$T -q import "$S" contracts "$EX/fictif-somme-pacte-contrats.csv"
assert_eq "$(years)" "" "projets_nombre years before any project"
# Then the projects, as of 2024.
$T -q import "$S" projects "$EX/fictif-somme-pacte-projets.csv" --year 2024
assert_eq "$(years)" 2024 "projets_nombre years after the projects"
n_projects=$(sql "$S" "SELECT count(*) FROM project WHERE status <> 'abandonne'")
[ "$n_projects" -gt 0 ] || fail "no project imported"
total=$(epci_total)
[ "$total" -gt 0 ] || fail "no project counted in the EPCIs"
# A later contracts import without --year (a corrected file): the counts
# stay those of the projects, at their year.
$T -q import "$S" contracts "$EX/fictif-somme-pacte-contrats.csv" --replace
assert_eq "$(years)" 2024 "projets_nombre years after re-importing the contracts"
assert_eq "$(epci_total)" "$total" "EPCI project counts after re-importing the contracts"

# The map of projets_nombre draws (its latest year is the projects').
cat >projets.style <<'STYLE'
[map]
title = Projets des PACTe par EPCI
source = exemple fictif terrobs
width = 800px
height = 600px
[data]
kind = proportional
level = epci
filter = code IN (SELECT parent_code FROM territory WHERE level = 'commune' AND code LIKE '80%')
variable = projets_nombre
STYLE
$T -q map "$S" projets.style -o projets.png
[ -s projets.png ] || fail "no map of projets_nombre"
echo "projects_counts: ok"
