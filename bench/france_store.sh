# france_store.sh - sourced by bench/bench_*.sh: build_store makes the France
# store $OBS with $T from $S (../shared/data), in $W; france_store TERROBS
# sets those four (W from $TOB_BENCH_DIR, default /tmp/terrobs-bench-atlas;
# S from $TOB_SHARED) and builds the store unless it is ready. Benchmarks
# only; sourced from the repository's root.
# The store: the 1,255 EPCIs (2026), the 35,357 communes (2018 shapes) each
# related to the EPCI holding its point on surface, départements dissolved
# from the communes, the Insee comparateur's indicators (COG 2024 codes: the
# few communes merged since 2018 get no value, nor do their EPCIs), values
# aggregated to the EPCIs and départements.
build_store() {
    rm -f "$OBS" "$OBS-wal" "$OBS-shm" "$W/ready"
    "$T" -q init "$OBS"
    "$T" -q load "$OBS" --level epci --vintage 2026 \
        --src "$S/communes_france/epci_france_cog2026.geojson" \
        --code siren_epci --name nom_epci
    "$T" -q load "$OBS" --level commune --vintage 2018 --code code --name nom \
        --src "/vsigzip/$S/communes_france/communes_france_2018.geojson.gz"
    ogr2ogr -f GeoJSON "$W/departements.geojson" "$OBS" -dialect sqlite -sql \
        "SELECT substr(code, 1, CASE WHEN code LIKE '97%' THEN 3 ELSE 2 END)
                AS code, ST_Union(geom) AS geom
           FROM commune GROUP BY 1"
    python3 - "$S" "$W/departements.geojson" "$W/departements-named.geojson" <<'EOF'
import json, sys
names = {d["code"]: d["nom"] for d in json.load(open(
    sys.argv[1] + "/decoupage_administratif/json/departements.json"))}
fc = json.load(open(sys.argv[2]))
for f in fc["features"]:
    f["properties"]["nom"] = names.get(f["properties"]["code"],
                                       f["properties"]["code"])
json.dump(fc, open(sys.argv[3], "w"))
EOF
    # the DROM's départements lie outside Lambert-93's area, as their
    # communes do
    "$T" -q load "$OBS" --level departement --vintage 2026 --code code \
        --name nom --src "$W/departements-named.geojson" --allow-outside
    "$T" -q relate "$OBS" --child commune --parent epci --spatial
    "$T" -q import "$OBS" variables layers/variables.csv
    "$T" -q import "$OBS" indicators \
        "$S/indicateurs/comparateur_insee_2024_datasfun/communes_unique_com.csv" \
        --level commune --key insee_com --year 2021 \
        --columns superficie_km2,population_2021,population_2015,menages_2021,pop_15_64_chomage_2021,pop_15_64_active_2021
    "$T" -q aggregate "$OBS" --from commune --to epci
    touch "$W/ready"
}

france_store() {
    T=$(realpath "$1")
    S=${TOB_SHARED:-../shared/data}
    W=${TOB_BENCH_DIR:-/tmp/terrobs-bench-atlas}
    [ -x "$T" ] || { echo "build terrobs first (cmake --build build)" >&2; exit 1; }
    [ -d "$S/communes_france" ] || { echo "no $S/communes_france" >&2; exit 1; }
    mkdir -p "$W"
    OBS="$W/france.sqlite"
    [ -f "$W/ready" ] || build_store
}
