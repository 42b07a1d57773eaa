#!/bin/sh
# make-files.sh - rebuilds tests/bad/files/, the bad-input corpus, from
# nothing but this script, ogr2ogr and python3 (so that every fixture's
# defect is written down here, not hidden in a binary). The outputs are
# committed: the test does not need to run this. Geometries are
# FICTITIOUS squares near Lille; codes are real INSEE/SIREN codes.
# Usage: sh tests/bad/make-files.sh          (rebuilds tests/bad/files/)
#        sh tests/bad/make-files.sh --runtime DIR   (only the files of 60 to
#        130 kB, into DIR: run.sh makes them at test time, not to commit them)
set -eu
cd "$(dirname "$0")"

# square CODE NAME X0 Y0 X1 Y1: one GeoJSON polygon feature.
square() {
    printf '{"type":"Feature","properties":{"code":"%s","nom":"%s"},' "$1" "$2"
    printf '"geometry":{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],' \
        "$3" "$4" "$5" "$4"
    printf '[%s,%s],[%s,%s],[%s,%s]]]}}' "$5" "$6" "$3" "$6" "$3" "$4"
}
# collection FEATURE...: a FeatureCollection of the given feature texts.
collection() {
    printf '{"type":"FeatureCollection","features":['
    sep=""
    for f in "$@"; do
        printf '%s%s' "$sep" "$f"
        sep=","
    done
    printf ']}\n'
}
LILLE=$(square 59350 Lille 3.00 50.60 3.05 50.65)
VDA=$(square 59009 "Villeneuve-d'Ascq" 3.10 50.60 3.15 50.65)
ROUBAIX=$(square 59512 Roubaix 3.15 50.68 3.20 50.72)

# long N: N times 'A'.
long() {
    awk -v n="$1" 'BEGIN { s = "A"; while (length(s) < n) s = s s; print substr(s, 1, n) }'
}
if [ "${1:-}" = "--runtime" ]; then
    R=$2
    mkdir -p "$R"
    base="$(pwd)/files/base-communes.geojson"
    a100k=$(long 100000)
    collection "$LILLE" "$(square 59009 "$a100k" 3.1 50.6 3.15 50.65)" >"$R/name-100k.geojson"
    collection "$LILLE" "$(square "$a100k" Longue 3.1 50.6 3.15 50.65)" >"$R/code-100k.geojson"
    # A line over the 64 KiB limit of the ini syntax, and one just under.
    printf 'level = commune\nsrc = %s\ncode = code\nname = nom\nlabel = %s\n' \
        "$base" "$(long 70000)" >"$R/line-70k.layer"
    printf 'level = commune\nsrc = %s\ncode = code\nname = nom\nvintage = 2019\nlabel = %s\n' \
        "$base" "$(long 60000)" >"$R/line-60k.layer"
    printf 'Code contrat;Type;Intitulé;Niveau;Code territoire\nCT-1;contrat de territoire;%s;commune;59009\n' \
        "$a100k" >"$R/contracts-title-100k.csv"
    printf 'code_insee;population_2021\n59350;1\n59009;%s\n59512;3\n59001;4\n' \
        "$a100k" >"$R/indicators-cell-100k.csv"
    printf 'zone_level;zone_code;zone_name;member_level;member_code\nzone;Z1;%s;commune;59350\n' \
        "$a100k" >"$R/zone-name-100k.csv"
    # A header longer than the sample the separator is chosen on.
    printf 'code_insee;%s\n59350;1\n' "$(long 70000)" >"$R/header-70k.csv"
    # A folder of styles for `terrobs qgis`, one of them never ending.
    mkdir -p "$R/endless"
    cp files/style/endless-filter.style "$R/endless/"
    # GeoPackages weigh 100 kB even nearly empty: made here, not committed.
    ogr2ogr -q -f GPKG "$R/ok.gpkg" "$base" -nln communes
    cp "$R/ok.gpkg" "$R/two-layers.gpkg"
    ogr2ogr -q -update -f GPKG "$R/two-layers.gpkg" files/geojson/ok-3.geojson -nln autres
    head -c 40000 "$R/ok.gpkg" >"$R/truncated.gpkg"
    printf 'SQLite format 3\000garbage that is not a database' >"$R/fake-header.gpkg"
    # Every page after the second zeroed: the header reads, nothing else.
    python3 - "$R" <<'PY'
import sys
data = bytearray(open(sys.argv[1] + "/ok.gpkg", "rb").read())
data[2 * 4096:] = bytes(len(data) - 2 * 4096)
open(sys.argv[1] + "/zeroed-pages.gpkg", "wb").write(bytes(data))
PY
    exit 0
fi
rm -rf files
mkdir -p files/geojson files/shp files/layer files/store files/import
G=files/geojson

# The base of every store the corpus runs against, and good sources.
collection "$LILLE" "$VDA" >files/base-communes.geojson
collection "$LILLE" "$VDA" "$ROUBAIX" >$G/ok-3.geojson

# --- GeoJSON that cannot be read -------------------------------------------
collection "$LILLE" "$VDA" "$ROUBAIX" | head -c 500 >$G/truncated.geojson
: >$G/empty-file.geojson
printf 'code;nom\n59350;Lille\n' >$G/not-json.geojson
printf '{"type":"Topology","whatever":[1,2,3]}\n' >$G/not-geojson.geojson
printf '{"type":"FeatureCollection","features":[]}\n' >$G/no-feature.geojson
printf '\0\0\0\0\0\0\0\0binary\0\0' >$G/binary.geojson

# --- Geometries -------------------------------------------------------------
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":null}' \
    >$G/null-geometry.geojson
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"Polygon","coordinates":[]}}' \
    >$G/empty-polygon.geojson
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"Point","coordinates":[3.1,50.6]}}' \
    >$G/point.geojson
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"LineString","coordinates":[[3.1,50.6],[3.2,50.7]]}}' \
    >$G/linestring.geojson
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[3.1,50.6]}]}}' \
    >$G/collection-of-points.geojson
# Latitude 9999 and longitude 500: no place on Earth.
collection "$LILLE" "$(square 59009 Villeneuve 3.10 9999 3.15 50.65)" \
    >$G/latitude-9999.geojson
collection "$LILLE" "$(square 59009 Villeneuve 500 50.60 500.05 50.65)" \
    >$G/longitude-500.geojson
# Lambert-93 metres in a file that says (by default) longitude/latitude.
collection "$(square 59350 Lille 703000 7059000 705000 7061000)" \
    >$G/metres-as-degrees.geojson
collection "$LILLE" "$(square 59009 Villeneuve 3.10 1e400 3.15 50.65)" \
    >$G/coordinate-1e400.geojson
# A bow-tie (self-intersecting): repaired, not refused.
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"Polygon","coordinates":[[[3.10,50.60],[3.15,50.65],[3.15,50.60],[3.10,50.65],[3.10,50.60]]]}}' \
    >$G/bowtie.geojson
# A polygon with no area (all points on a meridian, a straight line in
# Lambert-93 too): nothing left after repair.
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"Polygon","coordinates":[[[3.10,50.60],[3.10,50.62],[3.10,50.64],[3.10,50.60]]]}}' \
    >$G/zero-area.geojson
# A ring of two points.
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":"59009","nom":"Villeneuve-d'"'"'Ascq"},"geometry":{"type":"Polygon","coordinates":[[[3.10,50.60],[3.12,50.62]]]}}' \
    >$G/two-point-ring.geojson
# An unknown CRS named in the file.
printf '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::999999"}},"features":[%s]}\n' \
    "$LILLE" >$G/unknown-crs.geojson

# --- Codes and names --------------------------------------------------------
collection "$LILLE" "$VDA" "$(square 59350 Lille-bis 3.2 50.6 3.25 50.65)" \
    "$(square 59009 Villeneuve-bis 3.3 50.6 3.35 50.65)" >$G/duplicate-codes.geojson
collection "$LILLE" "$(square 5935 Lille-sans-zero 3.1 50.6 3.15 50.65)" \
    >$G/code-4-digits.geojson
collection "$LILLE" "$(square 2C004 Ajaccio-C 3.1 50.6 3.15 50.65)" \
    >$G/code-2C004.geojson
collection "$LILLE" "$(square '' Sans-code 3.1 50.6 3.15 50.65)" \
    >$G/code-empty.geojson
collection "$LILLE" "$(square 59009 '' 3.1 50.6 3.15 50.65)" \
    >$G/name-empty.geojson
collection "$LILLE" "$(square "x'); DROP TABLE territory;--" Injection 3.1 50.6 3.15 50.65)" \
    >$G/code-injection.geojson
# The code as a JSON number: 1004 is 01004 without its leading zero.
collection "$LILLE" \
    '{"type":"Feature","properties":{"code":1004,"nom":"Ambérieu-en-Bugey"},"geometry":{"type":"Polygon","coordinates":[[[3.1,50.6],[3.15,50.6],[3.15,50.65],[3.1,50.65],[3.1,50.6]]]}}' \
    >$G/code-lost-zero.geojson
# SIREN of 8 digits, and a SIREN whose Luhn key is wrong, for level epci.
collection "$(square 200093201 'Métropole Européenne de Lille' 3.0 50.6 3.2 50.7)" \
    "$(square 20004132 'CC huit chiffres' 3.2 50.6 3.3 50.7)" >$G/siren-8-digits.geojson
collection "$(square 200093201 'Métropole Européenne de Lille' 3.0 50.6 3.2 50.7)" \
    "$(square 200093202 'Clé fausse' 3.2 50.6 3.3 50.7)" >$G/siren-bad-key.geojson
collection "$(square 200093201 'Métropole Européenne de Lille' 3.0 50.6 3.2 50.7)" \
    >$G/epci-ok.geojson
# Text encodings: Latin-1 (é = E9), a UTF-8 BOM, control characters.
collection "$LILLE" "$(square 59009 "$(printf 'Villeneuve-d\047Ascq \351t\351')" 3.1 50.6 3.15 50.65)" \
    >$G/latin1-name.geojson
{ printf '\357\273\277'; collection "$LILLE" "$VDA"; } >$G/bom.geojson
collection "$LILLE" "$(square 59009 'Ville\nneuve\t' 3.1 50.6 3.15 50.65)" \
    >$G/name-newline.geojson

# --- Shapefile ----------------------------------------------------------------
ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 files/shp/ok.shp files/base-communes.geojson
for part in shp shx dbf prj cpg; do
    mkdir -p files/shp/no-$part
    for p in shp shx dbf prj cpg; do
        [ "$p" = "$part" ] || cp files/shp/ok.$p files/shp/no-$part/communes.$p
    done
done
# A .prj that is not a CRS.
mkdir -p files/shp/bad-prj
for p in shp shx dbf cpg; do cp files/shp/ok.$p files/shp/bad-prj/communes.$p; done
echo 'PROJCS["nonsense",GEOGCS[' >files/shp/bad-prj/communes.prj
# The .shp cut in the middle of the second record.
mkdir -p files/shp/truncated
for p in shx dbf prj cpg; do cp files/shp/ok.$p files/shp/truncated/communes.$p; done
head -c 200 files/shp/ok.shp >files/shp/truncated/communes.shp
# A Latin-1 .dbf with no .cpg (old ArcView/MapInfo exports): é as byte E9.
mkdir -p files/shp/latin1
ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=ISO-8859-1 \
    files/shp/latin1/communes.shp $G/ok-3.geojson \
    -dialect SQLite -sql "SELECT code, CASE code WHEN '59009' THEN 'Villeneuve-d''Ascq été' ELSE nom END AS nom, geometry FROM \"ok-3\""
rm files/shp/latin1/communes.cpg
rm files/shp/ok.*

# --- Layer-definition files ---------------------------------------------------
L=files/layer
good='level = commune
src = ../base-communes.geojson
code = code
name = nom
vintage = 2019'
printf '%s\n' "$good" >$L/ok.layer
printf '%s\n' "$good" | grep -v '^code' >$L/missing-code.layer
printf '%s\nmaillage = fin\n' "$good" >$L/unknown-key.layer
printf '%s\nlevel = epci\n' "$good" >$L/key-twice.layer
printf '[source]\n%s\n' "$good" >$L/section.layer
printf '%s\n' "$good" | sed 's/2019/19a9/' >$L/bad-vintage.layer
printf '%s\n' "$good" | sed 's/2019/9999999999999999999999/' >$L/vintage-overflow.layer
printf '%s\nthis line has no equals sign\n' "$good" >$L/no-equals.layer
printf '%s\nlabel = "Communes du Nord\n' "$good" >$L/unclosed-quote.layer
printf '[source\n%s\n' "$good" >$L/unclosed-header.layer
printf '%s\n= nothing\n' "$good" >$L/missing-key.layer
{ printf '%s\n' "$good"; printf 'label = a\0b\n'; } >$L/nul-byte.layer
printf '%s\nlabel = Communes \351t\351\n' "$good" >$L/latin1.layer
: >$L/empty.layer
printf '%s\n' "$good" | sed 's#^src = .*#src = ../nowhere.geojson#' >$L/src-missing.layer
printf '%s\n' "$good" | sed 's/^level = .*/level = Commune/' >$L/level-uppercase.layer
printf '%s\n' "$good" | sed "s/^level = .*/level = x'); DROP TABLE territory;--/" >$L/level-injection.layer
printf '%s\n' "$good" | sed 's/^level = .*/level = territory/' >$L/level-reserved.layer
printf '%s\n' "$good" | sed "s/^name = .*/name = nom'); DROP TABLE territory;--/" >$L/field-injection.layer
printf '%s\n' "$good" | sed 's/^code = .*/code = insee/' >$L/field-absent.layer
printf '%s\nwhere = code = = 3\n' "$good" >$L/bad-where.layer
printf '%s\nwhere = code = '"'"'00000'"'"'\n' "$good" >$L/where-nothing.layer
printf '%s\ns-srs = EPSG:999999\n' "$good" | sed 's#base-communes.geojson#shp/no-prj/communes.shp#' >$L/bad-s-srs.layer
printf '%s\ns-srs = http://127.0.0.1:9/crs.wkt\n' "$good" | sed 's#base-communes.geojson#shp/no-prj/communes.shp#' >$L/s-srs-url.layer
{ printf '\357\273\277'; printf '%s\n' "$good"; } >$L/bom.layer
printf '%s\n' "$good" | sed 's/$/\r/' >$L/crlf.layer
printf '%s\n' "$good" | tr '\n' '\r' >$L/old-mac-line-ends.layer

# Coordinates outside their CRS's area of use: longitude and latitude
# swapped (read as lon/lat they are off Somalia, swapped back they are in
# Lille), and Lambert-93 x and y swapped.
collection "$(square 59350 Lille 50.60 3.00 50.65 3.05)" "$(square 59009 "Villeneuve-d'Ascq" 50.60 3.10 50.65 3.15)" \
    >$G/swapped-lon-lat.geojson
collection "$(square 59350 Lille 7059000 704000 7061000 706000)" |
    sed 's/^{/{"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},/' \
        >$G/lambert93-swapped.geojson

# --- Tables for `terrobs import` (contracts, projects, GUP) ---------------
I=files/import
mkdir -p $I
H='Code contrat;Type;Intitulé;Niveau;Code territoire;Date début;Date fin;Budget;Note'
# contract CODE [BUDGET [START [TERRITORY [TYPE [LEVEL [END]]]]]]: one row.
contract() {
    printf '%s;%s;Contrat %s;%s;%s;%s;%s;%s;fictif\n' "$1" \
        "${5:-contrat de territoire}" "$1" "${6:-commune}" "${4:-59009}" \
        "${3:-01/01/2024}" "${7:-31/12/2029}" "${2:-1 000 000}"
}
# The contract and GUP site every import case can refer to.
{ echo "$H"; contract CT-BASE '' '' 59350; } >files/base-contract.csv
printf 'Code site;Nom;Commune;Niveau périmètre;Périmètre;Coordinateur;référent:Ville;référent:Bailleur\nSITE-BASE;Site de Lille;59350;commune;59350;Mme A. Fictive;M. B. Ville;Mme C. Bailleur\n' \
    >files/base-gup-site.csv
{ echo "$H"; contract CT-1 '1 234 567,50'; } >$I/contracts-french-decimal.csv
{ echo "$H"; contract CT-1 '1234567.50'; } >$I/contracts-english-decimal.csv
{ echo "$H"; contract CT-1 '1.234.567,50'; } >$I/contracts-dotted-thousands.csv
{ echo "$H" | tr ';' ','; contract CT-1 1234567 | tr ';' ','; } >$I/contracts-comma.csv
{ echo "$H" | tr ';' '\t'; contract CT-1 1234567 | tr ';' '\t'; } >$I/contracts-tab.tsv
{ printf '\357\273\277'; echo "$H"; contract CT-1; } >$I/contracts-bom.csv
{ echo "$H"; contract CT-1; } | sed 's/$/\r/' >$I/contracts-crlf.csv
{ echo "$H"; contract CT-1; } | iconv -f UTF-8 -t CP1252 >$I/contracts-latin1.csv
{ echo "$H" | sed 's/Code contrat;//'; contract CT-1 | sed 's/^CT-1;//'; } \
    >$I/contracts-no-code-column.csv
{ echo "$H" | sed 's/Code contrat/Code contrta/'; contract CT-1; } >$I/contracts-header-typo.csv
{ echo "$H"; contract CT-1 '' 31/02/2025; } >$I/contracts-date-31-02.csv
{ echo "$H"; contract CT-1 '' 22/11/26; } >$I/contracts-date-2-digit-year.csv
{ echo "$H"; contract CT-1 '' 2025-13-01; } >$I/contracts-date-month-13.csv
{ echo "$H"; contract CT-1 '' 01/01/2030 '' '' '' 31/12/2024; } >$I/contracts-end-before-start.csv
{ echo "$H"; contract CT-1 beaucoup; } >$I/contracts-budget-text.csv
{ echo "$H"; contract CT-1 1e400; } >$I/contracts-budget-1e400.csv
{ echo "$H"; contract CT-1 '"=HYPERLINK(""http://x"";""y"")"'; } >$I/contracts-budget-formula.csv
{ echo "$H"; contract CT-1 '-5'; } >$I/contracts-budget-negative.csv
{ echo "$H"; contract CT-1 '' '' 59999; } >$I/contracts-unknown-territory.csv
{ echo "$H"; contract CT-1 '' '' 5935; } >$I/contracts-commune-4-digits.csv
{ echo "$H"; contract CT-1 '' '' 20004132 '' epci; } >$I/contracts-siren-8-digits.csv
{ echo "$H"; contract CT-1 '' '' 59350 '' canton; } >$I/contracts-unknown-level.csv
{ echo "$H"; contract CT-1 '' '' '' 'contrat bidon'; } >$I/contracts-unknown-type.csv
{ echo "$H"; contract CT-1; contract CT-2; contract CT-1; } >$I/contracts-duplicate.csv
{ echo "$H"; contract CT-BASE; } >$I/contracts-already-there.csv
{ echo "$H"; contract "\"x'); DROP TABLE territory;--\""; } >$I/contracts-code-injection.csv
{ echo "$H"; contract CT-1; printf '\n;;;\n\n'; contract CT-2 '' 30/02/2024; } >$I/contracts-blank-rows.csv
{ echo "$H"; printf 'CT-1;contrat de territoire;"Contrat\nsur deux lignes; avec ""guillemets""";commune;59009;01/01/2024;31/12/2029;1;x\n'; contract CT-2 '' 32/01/2024; } \
    >$I/contracts-quoted-newline.csv
{ echo "$H"; contract CT-1 | sed 's/$/;en trop;encore/'; } >$I/contracts-extra-cells.csv
ctl=$(printf '\001')
{ echo "$H"; contract CT-1 | sed "s/Contrat CT-1/Contrat${ctl}CT-1/"; } >$I/contracts-control-char.csv
: >$I/contracts-empty.csv
echo "$H" >$I/contracts-header-only.csv
{ echo "$H"; contract CT-1; } | iconv -f UTF-8 -t UTF-16 >$I/contracts-utf16.csv
{ echo "$H"; contract CT-1 | sed 's/fictif$/EXEMPLE FICTIF - à remplacer/'; } >$I/contracts-template-example.csv
printf 'a;b\n\000\000\000;\377\376\n' >$I/contracts-binary.csv
# A NUL byte ends a line for GDAL's reader: the rest of the row was lost.
{ echo "$H"; contract CT-1 | sed 's/fictif$/fictif/' | tr -d '\n'; printf '\000 et la suite\n'; } \
    >$I/contracts-nul-in-note.csv
{ echo "$H"; contract CT-1 | sed 's/;fictif$//'; } >$I/contracts-short-row.csv
{ echo "$H"; contract CT-1 '' '01/01/2024 25:61'; } >$I/contracts-time-25-61.csv
python3 make-sheets.py $I
# Projects of CT-BASE.
P='Code contrat;Code projet;Intitulé;Axe;Maître d'"'"'ouvrage;Commune;Longitude;Latitude;Coût total;Statut;Date début;Date fin;financement:État;financement:Ville'
# project CODE [COMMUNE [LON [LAT [COST [STATUS [STATE [CITY [CONTRACT]]]]]]]]
project() {
    printf '%s;%s;Projet %s;Cadre de vie;Ville;%s;%s;%s;%s;%s;01/01/2025;31/12/2026;%s;%s\n' \
        "${9:-CT-BASE}" "$1" "$1" "${2-59350}" "${3:-}" "${4:-}" "${5:-100 000}" \
        "${6:-prévu}" "${7:-50 000}" "${8:-50 000}"
}
{ echo "$P"; project P1; project P2 59009; } >$I/projects-ok.csv
{ echo "$P"; project P1 '' '' '' '' '' '' '' CT-NOWHERE; } >$I/projects-unknown-contract.csv
{ echo "$P"; project P1 59350 '' '' 100000 prévu 80000 30000; } >$I/projects-funding-above-cost.csv
{ echo "$P"; project P1 59350 '' '' '' 'peut-être'; } >$I/projects-bad-status.csv
{ echo "$P"; project P1 '' 3.06 9999; } >$I/projects-latitude-9999.csv
{ echo "$P"; project P1 '' abc 50.6; } >$I/projects-longitude-text.csv
{ echo "$P"; project P1 '' 3.06; } >$I/projects-longitude-only.csv
{ echo "$P"; project P1 59350 '' '' -100; } >$I/projects-cost-negative.csv
{ echo "$P"; project P1 5935; } >$I/projects-commune-4-digits.csv
{ echo "$P"; project P1; project P1; } >$I/projects-duplicate.csv
# Longitude and latitude swapped: a point on Earth, in no territory.
{ echo "$P"; project P1 '' 50.63 3.06; project P2 '' 3.06 50.63; } >$I/projects-point-outside.csv
# GUP actions and reports of SITE-BASE.
A='Code site;Code action;Intitulé;Volet;Référent;Échéance;Statut;Date réalisation'
{ echo "$A"; echo 'SITE-BASE;A01;Nettoyage;cadre de vie et espaces publics;Ville;30/06/2026;prévu;'; } >$I/gup-actions-ok.csv
{ echo "$A"; echo 'SITE-BASE;A01;Nettoyage;jardinage;Ville;30/06/2026;prévu;'; } >$I/gup-actions-bad-volet.csv
{ echo "$A"; echo 'SITE-BASE;A01;Nettoyage;habitat;Préfecture;30/06/2026;prévu;'; } >$I/gup-actions-unknown-referent.csv
{ echo "$A"; echo 'SITE-NOWHERE;A01;Nettoyage;habitat;Ville;30/06/2026;prévu;'; } >$I/gup-actions-unknown-site.csv
R='Code site;Numéro;Date;Volet;Lieu;Objet;Référent;Statut;Date clôture'
{ echo "$R"; echo 'SITE-BASE;S1;31/02/2025;habitat;Hall 2;Fuite;Bailleur;ouvert;'; } >$I/gup-reports-date-31-02.csv
{ echo "$R"; echo 'SITE-BASE;S1;10/02/2025;habitat;Hall 2;Fuite;Bailleur;clos;'; } >$I/gup-reports-closed-no-date.csv
{ echo "$R"; echo 'SITE-BASE;S1;10/02/2025;habitat;Hall 2;Fuite;Bailleur;clos;01/02/2025'; } >$I/gup-reports-closed-before.csv
S='Code site;Nom;Commune;Niveau périmètre;Périmètre;Coordinateur'
{ echo "$S"; echo 'SITE-2;Site;59350;qpv;QN05999Z;Mme X'; } >$I/gup-sites-unknown-perimeter.csv
{ echo "$S"; echo 'SITE-2;Site;5935;commune;59350;Mme X'; } >$I/gup-sites-bad-commune.csv

# --- Indicators, variables, territories without polygons, zones -------------
N=files/indicators
mkdir -p $N
nbsp=$(printf '\302\240')
printf 'code_insee;population_2021;taux_chomage_2021\n59350;232 787;12,5\n59009;62%s067;9,8\n' "$nbsp" >$N/french.csv
printf 'code_insee,population_2021,taux_chomage_2021\n59350,232787,12.5\n59009,62067,9.8\n' >$N/english.csv
printf 'code_insee\tpopulation_2021\n59350\t232787\n59009\t62067\n' >$N/tab.tsv
{ printf '\357\273\277'; printf 'code_insee;population_2021\n59350;232787\n59009;62067\n'; } >$N/bom.csv
printf 'code_insee;Taux de ch\364mage 2021\n59350;12,5\n59009;9,8\n' >$N/latin1.csv
printf 'code_insee;population_2021;autre\n59350;;1\n59009;5;2\n' >$N/empty-cell.csv
printf 'code_insee;population_2021\n59350;1\n59999;2\n' >$N/unmatched-key.csv
# Bad cells among good ones, so that the column is still taken as numbers.
bad_cell() {
    printf 'code_insee;population_2021\n59350;1\n59009;%s\n59512;3\n59001;4\n59002;5\n' "$1"
}
bad_cell beaucoup >$N/text-in-number.csv
bad_cell 1e400 >$N/huge-1e400.csv
bad_cell '=A1*2' >$N/formula.csv
bad_cell '12,5,3' >$N/two-commas.csv
bad_cell '0x1F' >$N/hexadecimal.csv
bad_cell '1e-400' >$N/tiny-1e-400.csv
bad_cell '12' | sed '3s/$/\x003 456/' >$N/nul-in-cell.csv
printf 'code_insee;population_2021;taux_chomage_2021\n59350;1;2,5\n59009;3\n' >$N/short-row.csv
printf 'code_insee;population_2021\n59350;1\n59350;2\n' >$N/duplicate-keys.csv
printf 'code_insee;population_2021\n59350;1\n5935;2\n' >$N/code-5935.csv
printf 'code_insee;population_2021\n59350;1\n2C004;2\n' >$N/code-2C004.csv
printf 'code_insee;"x'"'"'); DROP TABLE territory;--"\n59350;1\n59009;2\n' >$N/column-injection.csv
printf 'code_insee;population_2021\n' >$N/header-only.csv
printf 'insee;population_2021\n59350;1\n' >$N/wrong-key-column.csv
printf 'name;label;unit;aggregate\npopulation_2021;Population;habitants;sum\n' >$N/variables-ok.csv
printf 'name;label;unit;aggregate\npopulation_2021;Population;habitants;moyenne bizarre\n' >$N/variables-bad-aggregate.csv
printf 'name;label;unit;aggregate;numerator;denominator\ntaux;Taux;%%;ratio;;\n' >$N/variables-ratio-no-parts.csv
printf 'name;label;unit;aggregate;decimals\npopulation_2021;Population;habitants;sum;deux\n' >$N/variables-decimals-text.csv
printf 'name;label\n"x'"'"'); DROP TABLE variable;--";Injection\n' >$N/variables-name-injection.csv
printf 'name;label;nom\npopulation_2021;Population;pop\n' >$N/variables-name-and-nom.csv
printf 'name;label;unit;aggregate;numerator;denominator\ntaux;Taux;%%;ratio;taux;population_2021\n' >$N/variables-ratio-of-itself.csv
printf 'code_qp;lib_qp;insee_com\nQN05901M;Quartier fictif;59350\n' >$N/qpv-ok.csv
printf 'code_qp;lib_qp;insee_com\nQN0590M;Quartier fictif;59350\n' >$N/qpv-bad-code.csv
Z='zone_level;zone_code;zone_name;member_level;member_code'
printf '%s\nzone;Z1;Zone des deux;commune;59350\nzone;Z1;Zone des deux;commune;59009\n' "$Z" >$N/zone-ok.csv
printf '%s\nzone;Z1;Zone;commune;59350\nzone;Z1;Zone;commune;59999\n' "$Z" >$N/zone-unknown-member.csv
printf '%s\nzone;Z1;Zone;commune;59350\nzone;Z1;Zone;commune;5935\n' "$Z" >$N/zone-bad-member-code.csv
printf '%s\nzone;Z1;"x'"'"'); DROP TABLE territory;--";commune;59350\n' "$Z" >$N/zone-name-injection.csv
printf '%s\n"x'"'"'); DROP TABLE territory;--";Z1;Zone;commune;59350\n' "$Z" >$N/zone-level-injection.csv
printf '%s\nterritory;Z1;Zone;commune;59350\n' "$Z" >$N/zone-level-reserved.csv
printf '%s\nzone;;Zone;commune;59350\n' "$Z" >$N/zone-code-empty.csv
printf 'zone_code;zone_name;member_code\nZ1;Zone;59350\n' >$N/zone-wrong-header.csv
printf '%s;nom_zone\nzone;Z1;Zone;commune;59350;Zone\n' "$Z" >$N/zone-name-twice.csv
# A commune and the EPCI around it in one zone (import group: it has the EPCI).
printf '%s\nzone;Z1;Zone;epci;200093201\nzone;Z1;Zone;commune;59350\n' "$Z" >$I/zone-commune-in-epci.csv

# --- Map styles and carnet templates ----------------------------------------
Y=files/style
mkdir -p $Y
style='[map]
title = Essai
width = 400px
height = 300px
dpi = 72
[data]
kind = choropleth
level = commune
variable = v
year = 2021
[classes]
method = quantile
k = 2'
printf '%s\n' "$style" >$Y/ok.style
printf '%s\n' "$style" | sed 's/^title = /titel = /' >$Y/unknown-key.style
printf '%s\n[legende]\nposition = right\n' "$style" >$Y/unknown-section.style
printf '%s\n' "$style" | sed 's/^dpi = 72/dpi = 72\nbackground = #12345/' >$Y/bad-colour.style
printf '%s\n' "$style" | sed 's/^dpi = 72/dpi = abc/' >$Y/bad-number.style
printf '%s\n' "$style" | sed 's/^k = 2/k = 30/' >$Y/k-30.style
printf '%s\n' "$style" | sed 's/^width = 400px/width = 2000/' >$Y/width-no-unit.style
printf '%s\npalette = YlOrRed\n' "$style" >$Y/unknown-palette.style
printf '%s\n' "$style" | sed 's/^method = quantile/method = jenkz/' >$Y/unknown-method.style
printf '%s\n' "$style" | sed '/^level = commune/d' >$Y/no-level.style
printf '%s\n' "$style" | sed 's/^variable = v/variable = nope/' >$Y/variable-absent.style
printf '%s\n' "$style" | sed 's/^level = commune/level = commune\nfilter = code LIKE/' >$Y/filter-syntax.style
printf '%s\n' "$style" | sed 's/^variable = v/expression = name/' >$Y/expression-text.style
printf '%s\n' "$style" | sed 's/^dpi = 72/dpi = 72\ndate = 31\/02\/2025/' >$Y/date-31-02.style
printf '%s\n' "$style" | sed 's/^dpi = 72/dpi = 72\nextent = 1, 2, 3/' >$Y/extent-3.style
printf '%s\n' "$style" | sed 's/^dpi = 72/dpi = 72\ncrs = EPSG:4326/' >$Y/crs-geographic.style
printf '%s\n' "$style" | sed 's/^title = Essai/title = "Essai/' >$Y/unclosed-quote.style
{ printf '%s\n' "$style"; printf 'title = a\0b\n'; } >$Y/nul-byte.style
esc=$(printf '\033')
printf '%s\n' "$style" | sed "s/^title = Essai/title = ${esc}[31mEssai${esc}[0m/" >$Y/escape-sequence.style
ete=$(printf '\351t\351')
printf '%s\n' "$style" | sed "s/^title = Essai/title = Essai $ete/" >$Y/latin1.style
printf '%s\n[inset.mq]\nposition = top-left\n' "$style" >$Y/inset-no-filter.style
printf '%s\n[map]\ntitle = Autre\n' "$style" >$Y/key-twice.style
# A filter that never ends: bounded by data.timeout (and by its default).
endless="filter = id IN (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0)"
printf '%s\n' "$style" | sed "s/^level = commune/level = commune\n$endless\ntimeout = 0.5/" >$Y/endless-filter.style
printf '%s\n' "$style" | sed "s/^level = commune/level = commune\n$endless/" >$Y/endless-filter-default.style
printf '%s\n' "$style" | sed "s/^level = commune/level = commune\ntimeout = 0/" >$Y/timeout-zero.style
: >$Y/empty.style
tpl='[carnet]
title = Carnet
sections = cover, communes-table
[cover]
locator = no
[communes-table]
title = Les communes'
printf '%s\n' "$tpl" >$Y/ok.ini
printf '%s\n' "$tpl" | sed 's/^sections = .*/sections = cover, tableau-inconnu/' >$Y/template-unknown-section.ini
printf '%s\nmax-lignes = 3\n' "$tpl" >$Y/template-unknown-key.ini
printf '%s\n' "$tpl" | sed "s/^title = Carnet/title = Carnet $ete/" >$Y/template-latin1.ini
printf '[carnet]\nsections = map:x\n[map:x]\nvariable = v\nk = 99\n' >$Y/template-k-99.ini

# --- Stores that are not stores ---------------------------------------------
printf 'not a database\n' >files/store/text.sqlite
sqlite3 files/store/other.sqlite 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
echo "make-files: $(find files -type f | wc -l) files"
