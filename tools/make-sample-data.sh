#!/bin/sh
# make-sample-data.sh - rebuild the bundled sample data (layers/data/, tests/data/)
# from the shared real-data collection. Maintainer script: tests and the demo never
# run it, they read the files it wrote (committed). Values are copied or filtered,
# never changed. Needs python3 and sha256sum; ogrinfo for the final check.
#
#   tools/make-sample-data.sh [SHARED_DATA_DIR]    (default: ../shared/data from the repo)
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$repo/../shared/data}
[ -d "$shared/communes" ] || { echo "make-sample-data: no $shared/communes" >&2; exit 1; }
out="$repo/layers/data"
tdata="$repo/tests/data"
mkdir -p "$out" "$tdata"

# 1. Unchanged copies (ADMIN EXPRESS COG 2018 via gregoiredavid/france-geojson).
cp -f "$shared/communes/communes-59-nord.geojson" "$out/communes-59-nord-2018.geojson"
cp -f "$shared/communes/communes-80-somme.geojson" "$out/communes-80-somme-2018.geojson"
cp -f "$shared/communes/communes-972-martinique.geojson" "$out/communes-972-martinique-2018.geojson"

# 5. Test extracts copied unchanged.
cp -f "$shared/qpv/occitanie_qp2015_hackaviz2021/qp.geojson" "$tdata/qp.geojson"
cp -f "$shared/qpv/occitanie_qp2015_hackaviz2021/qp.csv" "$tdata/qp.csv"
cp -f "$shared/qpv/occitanie_qp2015_hackaviz2021/meta_qp.csv" "$tdata/meta_qp.csv"
cp -f "$shared/indicateurs/martinique_mapsf/mtq.gpkg" "$tdata/mtq.gpkg"
# The shared files are read-only; the copies must stay rewritable for the next run.
chmod 644 "$out"/*-2018.geojson "$tdata/qp.geojson" "$tdata/qp.csv" "$tdata/meta_qp.csv" \
    "$tdata/mtq.gpkg"

# Filtered extracts (python: exact text of every value kept).
python3 - "$shared" "$repo" <<'PY'
import csv, io, json, sys

shared, repo = sys.argv[1], sys.argv[2]
out = repo + "/layers/data"
tdata = repo + "/tests/data"

CALAIS_EPCI = "200090751"   # CA Grand Calais Terres et Mers (EPCI of 62193 Calais)
VAR_EPCI = "248300543"      # Métropole Toulon-Provence-Méditerranée (EPCI of 83126 La Seyne-sur-Mer)
VAR_SLUG = "toulon-provence-mediterranee"
DEPS = ("59", "62", "80", "83", "972")

def dep_of(code):
    return code[:3] if code.startswith("97") else code[:2]

def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))

def has_bom(path):
    with open(path, "rb") as f:
        return f.read(3) == b"\xef\xbb\xbf"

def write_csv(path, header, rows, bom=False):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r[k] for k in header])

def write_geojson(path, name, features):
    # One feature per line, compact: numbers keep their source text (5 decimals).
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","name":%s,"features":[\n' % json.dumps(name))
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":"))
                           for ft in features))
        f.write("\n]}\n")

def feature(props, geom):
    return {"type": "Feature", "properties": props, "geometry": geom}

# Communes 2026 (COG 2026 codes, 2018 shapes dissolved per 2026 code).
src = json.load(open(shared + "/communes/communes_5dep_cog2026.geojson", encoding="utf-8"))
KEEP = ("code", "nom", "dep", "population", "siren_epci", "nom_epci", "nature_epci", "codes_2018")
c26 = [feature({k: f["properties"][k] for k in KEEP}, f["geometry"]) for f in src["features"]]
subsets = {
    "communes-59-nord": lambda p: p["dep"] == "59",
    "communes-80-somme": lambda p: p["dep"] == "80",
    "communes-972-martinique": lambda p: p["dep"] == "972",
    "communes-62-calais": lambda p: p["siren_epci"] == CALAIS_EPCI,
    "communes-83-" + VAR_SLUG: lambda p: p["siren_epci"] == VAR_EPCI,
}
codes_of = {}
for name, keep in subsets.items():
    feats = [f for f in c26 if keep(f["properties"])]
    write_geojson("%s/%s.geojson" % (out, name), name, feats)
    codes_of[name] = {f["properties"]["code"] for f in feats}
calais26 = codes_of["communes-62-calais"]
var26 = codes_of["communes-83-" + VAR_SLUG]
sample26 = set().union(*codes_of.values())

# EPCI 2026: those with a member in 59, 80 or 972, plus the Calais and Var EPCIs.
members = read_csv(shared + "/decoupage_administratif/csv/epci_membres_cog2026.csv")
epci_deps = {}
for r in members:
    epci_deps.setdefault(r["siren_epci"], set()).add(dep_of(r["code_insee"]))
src = json.load(open(shared + "/communes/epci_5dep_cog2026.geojson", encoding="utf-8"))
epcis = [f for f in src["features"]
         if epci_deps[f["properties"]["siren_epci"]] & {"59", "80", "972"}
         or f["properties"]["siren_epci"] in (CALAIS_EPCI, VAR_EPCI)]
write_geojson(out + "/epci-2026.geojson", "epci-2026", epcis)
epci_sirens = {f["properties"]["siren_epci"] for f in epcis}

# The other communes of those EPCIs (Pas-de-Calais, Seine-Maritime, Aisne): every EPCI of
# the sample then has all its members. 62 from the 5-département file above; 76 and 02
# from the national 2018 polygons, re-keyed to 2026 (none of them merged since 2018, which
# the assertion checks), with their 2026 name, population and EPCI.
wanted = {r["code_insee"]: r["siren_epci"] for r in members
          if r["siren_epci"] in epci_sirens and r["code_insee"] not in sample26}
outer = [f for f in c26 if f["properties"]["code"] in wanted]
cog26 = {r["code_insee"]: r for r in
         read_csv(shared + "/decoupage_administratif/csv/communes_cog2026.csv")}
passage = read_csv(shared + "/communes_france/passage_codes_communes_2018_2026.csv")
rest = set(wanted) - {f["properties"]["code"] for f in outer}
by2026 = {}
for r in passage:
    if r["code_2026"] in rest:
        by2026.setdefault(r["code_2026"], []).append(r["code_2018"])
assert set(by2026) == rest and all(v == [k] for k, v in by2026.items()), by2026
import gzip
nat = json.load(gzip.open(shared + "/communes_france/communes_france_2018.geojson.gz", "rt",
                          encoding="utf-8"))
for f in nat["features"]:
    code = f["properties"]["code"]
    if code in rest:
        c = cog26[code]
        outer.append(feature({"code": code, "nom": c["nom"], "dep": c["departement"],
                              "population": int(c["population"]),
                              "siren_epci": c["siren_epci"], "nom_epci": c["nom_epci"],
                              "nature_epci": c["nature_epci"], "codes_2018": code},
                             f["geometry"]))
outer.sort(key=lambda f: f["properties"]["code"])
assert {f["properties"]["code"] for f in outer} == set(wanted), "missing EPCI members"
assert all(wanted[f["properties"]["code"]] == f["properties"]["siren_epci"] for f in outer)
write_geojson(out + "/communes-epci-hors-sample.geojson", "communes-epci-hors-sample", outer)
outer26 = {f["properties"]["code"] for f in outer}

# Départements: the five source files (one Feature each) in one collection.
deps = []
for d in ("59-nord", "62-pas-de-calais", "80-somme", "83-var", "972-martinique"):
    f = json.load(open("%s/communes/departement-%s.geojson" % (shared, d), encoding="utf-8"))
    deps.append(feature({"code": f["properties"]["code"], "nom": f["properties"]["nom"]},
                        f["geometry"]))
write_geojson(out + "/departements.geojson", "departements", deps)

# QPV 2024 list, rows of the five départements.
path = shared + "/qpv/qpv2024_liste_anct/qpv2024_communes.csv"
rows = read_csv(path)
write_csv(out + "/qpv2024-communes.csv", list(rows[0].keys()),
          [r for r in rows if r["insee_dep"] in DEPS], has_bom(path))

# Passage table 2018 -> 2026, rows of the five départements.
path = shared + "/communes_france/passage_codes_communes_2018_2026.csv"
passage = read_csv(path)
write_csv(out + "/passage-2018-2026.csv", list(passage[0].keys()),
          [r for r in passage if dep_of(r["code_2018"]) in DEPS or r["code_2026"] in outer26],
          has_bom(path))
to2026 = {r["code_2018"]: r["code_2026"] for r in passage}

def in_sample(code):
    """Commune (any code vintage 2018..2026) of the bundled sample territories."""
    d = dep_of(code)
    c26 = to2026.get(code, code)
    return (d in ("59", "80", "972") or (d == "62" and c26 in calais26)
            or (d == "83" and c26 in var26) or c26 in outer26)

# Insee comparateur 2024 (COG 2024 codes): chosen columns, sample communes.
path = shared + "/indicateurs/comparateur_insee_2024_datasfun/communes_unique_com.csv"
comp = read_csv(path)
COLS = ["insee_com", "commune", "superficie_km2", "population_2021", "population_2015",
        "menages_2021", "pop_15_64_chomage_2021", "pop_15_64_active_2021"]
kept = [r for r in comp if in_sample(r["insee_com"])]
write_csv(out + "/indicateurs-communes.csv", COLS, kept, has_bom(path))
no_row = (sample26 | outer26) - {to2026.get(r["insee_com"], r["insee_com"]) for r in kept}
assert not no_row, ("communes without an indicator row", sorted(no_row))

# Density grid (ANCT/Insee, COG 2025/2026 codes), same communes.
path = shared + "/indicateurs/typologies_ot_anct/densite.csv"
dens = read_csv(path)
write_csv(out + "/typologie-densite.csv", list(dens[0].keys()),
          [r for r in dens if in_sample(r["insee_com"])], has_bom(path))

# tests/data: Nord EPCI member table (rows of communes in 59).
path = shared + "/decoupage_administratif/csv/epci_membres_cog2026.csv"
write_csv(tdata + "/epci-membres-59.csv", list(members[0].keys()),
          [r for r in members if dep_of(r["code_insee"]) == "59"], has_bom(path))

# tests/data: real comparateur rows (COG 2024 codes, all also valid COG 2018 codes) of
# communes merged in 2025/2026, with the communes they merged into and a few unchanged
# ones: joined through the 2018 -> 2026 passage table, merged values must be summed.
MERGED = ["59006", "59070", "62447", "62461", "62549", "62743", "80155", "80830",
          "80021", "80001", "59350", "62193"]
by_code = {r["insee_com"]: r for r in comp}
write_csv(tdata + "/indicateurs-cog2024-fusions-2025-2026.csv", COLS,
          [by_code[c] for c in sorted(MERGED)], has_bom(path))
for c in MERGED:
    assert c in to2026, c
PY

# tests/data: the 2018 commune polygons (national file) that intersect an Occitanie QPV
# polygon (made valid), for QPV x commune overlap tests. Selection in SpatiaLite, features
# then copied unchanged from the source text.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ogr2ogr -f SQLite -dsco SPATIALITE=YES "$tmp/o.sqlite" \
    "/vsigzip/$shared/communes_france/communes_france_2018.geojson.gz" -nln com \
    -nlt MULTIPOLYGON -where "dep IN ('09','11','12','30','31','32','34','46','48','65','66','81','82')"
ogr2ogr -append -f SQLite "$tmp/o.sqlite" "$tdata/qp.geojson" -nln qp
sqlite3 "$tmp/o.sqlite" 2>/dev/null >"$tmp/codes" <<'SQL'
SELECT load_extension('mod_spatialite');
SELECT DISTINCT c.code FROM com c JOIN qp q ON ST_Intersects(c.geometry, ST_MakeValid(q.geometry))
ORDER BY c.code;
SQL
python3 - "$shared" "$tdata" "$tmp/codes" <<'PY'
import gzip, json, sys
shared, tdata, codes_path = sys.argv[1:]
codes = {l.strip() for l in open(codes_path) if len(l.strip()) == 5}
src = json.load(gzip.open(shared + "/communes_france/communes_france_2018.geojson.gz", "rt",
                          encoding="utf-8"))
feats = [f for f in src["features"] if f["properties"]["code"] in codes]
assert len(feats) == len(codes), (len(feats), len(codes))
with open(tdata + "/communes-occitanie-qp-2018.geojson", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","name":"communes-occitanie-qp-2018","features":[\n')
    f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
    f.write("\n]}\n")
PY

# CC du Ternois (200069672): its 103 communes (102 in the Pas-de-Calais, Vitz-sur-Authie
# in the Somme), their rows of the national member table and of the Insee comparateur
# (values unchanged): a territory whose members the store has all but one of.
mkdir -p "$tdata/ternois"
python3 - "$shared" "$tdata/ternois" <<'PY'
import csv, json, sys
shared, dst = sys.argv[1], sys.argv[2]
EPCI = "200069672"
src = json.load(open(shared + "/communes/communes_5dep_cog2026.geojson", encoding="utf-8"))
feats = [f for f in src["features"] if f["properties"]["siren_epci"] == EPCI]
with open(dst + "/communes-ternois.geojson", "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","name":"communes-ternois","features":[\n')
    f.write(",\n".join(json.dumps(ft, ensure_ascii=False, separators=(",", ":")) for ft in feats))
    f.write("\n]}\n")
def subset(path, out, key, keep):
    with open(path, encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        rows = [row for row in r if keep(row[key])]
        header = r.fieldnames
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow([row[k] for k in header])
    return len(rows)
codes = {ft["properties"]["code"] for ft in feats}
n_members = subset(shared + "/decoupage_administratif/csv/epci_membres_cog2026.csv",
                   dst + "/epci-membres-ternois.csv", "siren_epci", lambda c: c == EPCI)
n_ind = subset(shared + "/indicateurs/comparateur_insee_2024_datasfun/communes_unique_com.csv",
               dst + "/indicateurs-ternois.csv", "insee_com", lambda c: c in codes)
# The comparateur as a user gets it: the same rows and the first five of Corse-du-Sud,
# whose insee_dep is 2A (a code column that column detection must leave out).
corse = []
n_2a = subset(shared + "/indicateurs/comparateur_insee_2024_datasfun/communes_unique_com.csv",
              dst + "/comparateur-ternois-2a.csv", "insee_com",
              lambda c: c in codes or (c.startswith("2A") and corse.append(c) is None
                                       and len(corse) <= 5))
print("ternois: %d communes, %d member rows, %d indicator rows, %d with 2A" %
      (len(feats), n_members, n_ind, n_2a))
PY

# SCoT / zone definitions are hand-composed (layers/README.md); check them here.
python3 - "$repo" <<'PY'
import csv, json, sys
repo = sys.argv[1]
epci = {f["properties"]["siren_epci"]: f["properties"]
        for f in json.load(open(repo + "/layers/data/epci-2026.geojson"))["features"]}
def check(path, wanted):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    seen = {}
    for r in rows:
        assert r["member_level"] == "epci" and r["member_code"] in epci, r
        assert r["member_code"] not in seen, ("twice", r)
        seen[r["member_code"]] = r["zone_code"]
    missing = sorted(s for s in wanted if s not in seen)
    assert not missing, (path, missing)
    print("%s: %d zones, %d EPCI" % (path.rsplit("/", 1)[1],
                                       len({r["zone_code"] for r in rows}), len(rows)))
# A Nord EPCI has most members in 59 (CC Flandre Lys: 4 in 59, 4 in 62, seat in 59).
nord = [s for s, p in epci.items() if p["departements"].split()[0] == "59"]
somme = [s for s, p in epci.items() if "80" in p["departements"].split() and s != "200069672"]
check(repo + "/layers/scot-nord.csv", nord)
check(repo + "/layers/zones-somme-pacte.csv", somme)
PY

(cd "$out" && sha256sum -- *.geojson *.csv > SHA256SUMS)
for f in "$out"/*.geojson "$tdata"/*.geojson; do
    printf '%s: ' "${f##*/}"
    ogrinfo -ro -so -al "$f" | sed -n 's/^Feature Count: //p'
done
