# carnet_tags.sh - the tagged structure of a real carnet of the bundled
# Somme sample, read back with poppler (pdfinfo -struct-text): Tagged yes
# (/MarkInfo << /Marked true >>), one Document; each heading once, in the
# order of the contents page; key figures a list of their boxes; the
# evolution table its header row of TH and a TR a territory; a Figure per
# chart and map. The store engine plays no part: SQLite only.
. "$TOB_SRC/tests/cli/lib.sh"
S=somme.sqlite
$T init $S >/dev/null 2>&1
for l in departements epci communes-somme; do
    $T load $S "$LAYERS/$l.layer" >/dev/null 2>&1
done
$T relate $S --child commune --parent epci >/dev/null 2>&1
$T import $S variables "$LAYERS/variables.csv" >/dev/null 2>&1
$T import $S indicators "$LAYERS/data/indicateurs-communes.csv" \
    --level commune --key insee_com >/dev/null 2>&1
$T aggregate $S --from commune --to epci >/dev/null 2>&1
$T import $S contracts "$LAYERS/examples/fictif-somme-pacte-contrats.csv" \
    >/dev/null 2>&1
$T import $S projects "$LAYERS/examples/fictif-somme-pacte-projets.csv" \
    >/dev/null 2>&1
$T carnet $S --level epci --code 200070993 -o baie.pdf --date 23/11/2026 \
    2>err.txt || fail "carnet: $(cat err.txt)"

pdfinfo baie.pdf >info.txt
assert_contains info.txt "^Tagged: +yes"
pdfinfo -struct-text baie.pdf >struct.txt 2>struct.err
[ ! -s struct.err ] || fail "poppler warns: $(head -3 struct.err)"
head -1 struct.txt | grep -qx Document || fail "no Document root"
python3 - struct.txt <<'PY' || fail "structure: see above"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
def items(tag):
    """(index, text of the element's first line) of each `tag` element."""
    out = []
    for i, l in enumerate(lines):
        if re.fullmatch(r" *%s( \(\w+\))?" % tag, l):
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith("Object "):
                j += 1  # a link's annotation
            m = re.fullmatch(r' *"(.*)"', lines[j]) if j < len(lines) else None
            out.append((i, m.group(1) if m else None))
    return out
bad = []
# The contents page: a Link a heading, its text and its page number.
toc = [re.sub(r"\d+$", "", t) for _, t in items("Link")]
heads = [t for _, t in sorted(items("H1") + items("H2"))]
# A heading of two lines is read by poppler up to its line break.
if len(heads) != len(toc) or any(not c.startswith(h) for h, c in zip(heads, toc)):
    bad.append("headings %r, contents %r" % (heads, toc))
if len(set(heads)) != len(heads):
    bad.append("a heading tagged twice: %r" % heads)
if heads[:2] != ["Chiffres clés", "Évolution : Population municipale"]:
    bad.append("first headings %r" % heads[:2])
# Key figures: a list of their boxes (value, unit, label), seven of the
# territory's, three of its contract's projects.
lists = items("L")
li = items("LI")
if len(lists) != 2 or len(li) != 10 or lists[1][0] > li[7][0] or \
        not li[1][1].startswith("48 169 habitants") or \
        not li[7][1].startswith("6 sur 10Projets engagés"):
    bad.append("key figures: %d lists, items %r" % (len(lists), li))
# The evolution table: TH cells of its header, then a TR a territory.
ev = [i for i, t in items("Caption") if t == "Population municipale (habitants)"]
if len(ev) != 1:
    bad.append("evolution caption %r" % ev)
else:
    rest = lines[ev[0]:]
    end = next(k for k, l in enumerate(rest[1:], 1) if re.match(r"  \S", l))
    block = "\n".join(rest[:end])
    if block.count("TR\n") != 3 or block.count("TH\n") != 4 or \
            block.count("TD\n") != 8 or '"CA de la Baie de Somme"' not in block:
        bad.append("evolution table:\n" + block)
# A Figure each: the evolution chart and the three maps.
if len(items("Figure")) != 4:
    bad.append("figures: %r" % items("Figure"))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
echo "carnet_tags: ok"
