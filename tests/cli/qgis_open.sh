# qgis_open.sh - the project of `terrobs qgis` opened in real QGIS, headless
# (tools/check-qgis.sh): every layer valid, with features and its renderer,
# project CRS = store CRS, and a PNG rendered. Skipped (77) without PyQGIS.
. "$TOB_SRC/tests/cli/lib.sh"
sh "$TOB_SRC/tools/check-qgis.sh" --probe || exit 77
. "$TOB_SRC/tests/cli/qgis_store.inc"
# The store: the file itself, or its copy in PostGIS (the _pg test).
QS=$(new_store qgis)
case $QS in PG:*) $T -q copy obs.sqlite "$QS" ;; *) QS=obs.sqlite ;; esac
$T -q qgis "$QS" -o observatoire.qgs --styles styles
sh "$TOB_SRC/tools/check-qgis.sh" observatoire.qgs map.png >qgis.json ||
    { cat qgis.json >&2; fail "QGIS found an invalid or empty layer"; }
python3 - qgis.json <<'PY' || fail "QGIS's view of the project is wrong"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["crs"] == "EPSG:5490", p["crs"]
assert p["groups"] == ["Département", "EPCI", "Commune"], p["groups"]
layers = {l["name"]: l for l in p["layers"]}
assert all(l["valid"] and l["crs"] == "EPSG:5490" for l in p["layers"])
d = layers["Densité de population"]
r = d["renderer"]
assert r["type"] == "graduatedSymbol" and r["attr"] == "densite_2021", r
assert len(r["ranges"]) == 5 and r["ranges"][0][3] == "#ffffb2", r
assert d["features"] == 33, d
assert layers["Densité de population — Données non disponibles"]["features"] == 1
t = layers["Grille communale de densité"]["renderer"]
assert t["type"] == "categorizedSymbol", t
assert [c[0] for c in t["categories"]] == ["1", "2", "3", "4", "5", ""], t
c = layers["Population municipale 2021"]["renderer"]
assert c["symbol_layers"] == ["SimpleFill", "CentroidFill"], c
assert layers["Commune 2026"]["features"] == 34
pts = layers["Communes grandes et petites"]
assert pts["features"] == 34 and pts["renderer"]["type"] == "categorizedSymbol"
assert [c[0] for c in pts["renderer"]["categories"]] == ["grande", "petite"]
assert p["png"]["width"] == 1600 and "Densité calculée" in p["png"]["layers"]
r = layers["Densité calculée"]["renderer"]
assert r["type"] == "graduatedSymbol" and len(r["ranges"]) == 4, r
assert layers["Densité calculée"]["features"] == 34
PY
[ -s map.png ] || fail "no PNG rendered"
echo "qgis_open.sh: ok"
