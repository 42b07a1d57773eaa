# setup-import.sh - sourced by run.sh for the import group: an EPCI (so
# that SIREN checks apply), the contract and the GUP site that the
# project, action and report cases refer to.
$T -q load "$STORE" --level epci --vintage 2018 --code code --name nom \
    --src "$FILES/geojson/epci-ok.geojson"
$T -q import "$STORE" contracts "$FILES/base-contract.csv"
$T -q import "$STORE" gup-sites "$FILES/base-gup-site.csv"
