#!/bin/sh
# make-seeds.sh - rebuilds the seed corpora of tests/fuzz/corpus/ from the
# test fixtures and from values the unit tests use. Outputs are committed;
# the fuzzers add what they find to their build-tree corpus, and inputs
# worth keeping (a crash once fixed) are copied here by hand.
# Usage: sh tests/fuzz/make-seeds.sh      (from anywhere)
set -eu
cd "$(dirname "$0")"
SRC=../..
rm -rf corpus
mkdir -p corpus/ini corpus/layerdef corpus/style corpus/carnet_template \
    corpus/cells corpus/codes corpus/classify corpus/table_csv

# seeds DIR TEXT...: one file per text, named by its position.
seeds() {
    dir=$1
    shift
    i=0
    for text in "$@"; do
        i=$((i + 1))
        printf '%s' "$text" >"corpus/$dir/seed-$(printf %03d $i)"
    done
}

# INI syntax: every small layer file of the bad corpus, the carnet
# template, a full style.
for f in "$SRC"/tests/bad/files/layer/*.layer; do
    [ "$(wc -c <"$f")" -lt 4096 ] || continue
    cp "$f" corpus/ini/
    cp "$f" corpus/layerdef/
done
cp "$SRC"/styles/carnet.ini corpus/ini/
cp "$SRC"/styles/carnet.ini corpus/carnet_template/
sed -n '/^static const char full_style\[\] =/,/;$/p' "$SRC"/tests/test_style.c |
    sed -e '1d' -e 's/^ *"//' -e 's/\\n";*$//' -e 's/\\n"$//' >corpus/style/full.style
cp corpus/style/full.style corpus/ini/
printf '%s\n@map.title=Autre titre' "$(cat corpus/style/full.style)" \
    >corpus/style/full-with-set.style
printf '[map]\ntitle = x\n[data]\nkind = choropleth\nlevel = epci\nvariable = v\n' \
    >corpus/style/small.style
printf '[map]\nwidth = 10px\n' >corpus/style/bad-width.style
printf '[carnet]\ntitle = Carnet\n[section.cover]\nkind = cover\n' \
    >corpus/carnet_template/small.ini

# Cells as partners type them, and what the bad corpus feeds the importers.
seeds cells "12 345,6" "1.234,5" "1,234.5" "1234,5" "1.234.567" "-0,25" \
    "$(printf '\342\210\222 3,5')" "$(printf '12\302\240345,6')" \
    "$(printf '1\342\200\257234')" "1'234.5" "1e5" "2.5E-3" "1e400" \
    "1e-400" "0x1A" "inf" "NaN" "n/a" "12 %" "=HYPERLINK(\"http://x\";\"y\")" \
    "+33 6 12" "" " " "31/02/2025" "29/02/2024" "29/02/2025" "22/11/26" \
    "2026-11-22" "2026/11/22" "2026-11-22T10:30:00+01:00" \
    "22/11/2026 00:00:00" "1/1/1000" "31/12/9999" "$(printf 'caf\351')" \
    "0000000000000000000000000000012345678901234567890,5" "9007199254740993" \
    "-9007199254740992" "2026,0" "1 234 567,891 234" "12abc"
seeds codes "59350" "2A004" "2B033" "2C004" "5935" "97209" "976" \
    "200093201" "20004132" "200093202" "QN05901M" "QP066007" "QN0972" \
    " 59350 " "$(printf '\30259350\302\240')" "Z001" "../../etc/passwd" \
    "/root" "C:\\\\x" "a:b" "..." "$(printf 'x\001y\nz')" \
    "Cœur d'Ostrevent" "Saint-Étienne-du-Rouvray" "ŒUVRE ß Æsop" \
    "x'); DROP TABLE territory;--" "$(printf '\377\376bad')" \
    "Communauté d’agglomération du Boulonnais"
# Classification: method byte, classes byte, then doubles (little endian).
python3 - <<'PY'
import struct, os
seeds = [
    (7, 6, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 1000]),
    (1, 5, [float('nan'), 1, 1, 1, 2, 3]),
    (4, 5, [0.5, 1, 2, 4, 8, 16, 32]),
    (5, 0x40 | 4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    (6, 4, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]),
    (9, 8, [1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89]),
    (10, 3, [0, 10, 20, 30, 5, 15, 25]),
    (8, 3, [5e-324, 1e308, -1e308, 0]),
    (0, 2, [7, 7, 7, 7]),
]
for i, (m, k, vals) in enumerate(seeds):
    with open("corpus/classify/seed-%03d" % (i + 1), "wb") as f:
        f.write(bytes([m, k]) + b"".join(struct.pack("<d", v) for v in vals))
PY
# Tables: CSV as they come from partners.
printf 'code_insee;population;taux\n59350;232 787;12,5\n59009;62 067;9,8\n' \
    >corpus/table_csv/semicolon.csv
printf '\357\273\277code,population\n59350,232787\n' >corpus/table_csv/bom.csv
printf 'code\tvaleur\n59350\t1.5\n' >corpus/table_csv/tab.csv
printf 'code;nom\n59009;Villeneuve-d\047Ascq \351t\351\n' >corpus/table_csv/latin1.csv
printf 'code;note\n59350;"ligne 1\nligne 2; avec ""guillemets"""\n' \
    >corpus/table_csv/quoted.csv
printf 'code;lien\n59350;=HYPERLINK("http://x";"y")\n59009;+33\n' \
    >corpus/table_csv/formula.csv
printf 'code;code\n1;2\n' >corpus/table_csv/duplicate-header.csv
printf ';\n\n\n' >corpus/table_csv/empty-header.csv
printf '\377\376c\000o\000d\000e\000\n\000' >corpus/table_csv/utf16.csv
echo "make-seeds: $(find corpus -type f | wc -l) seeds"
