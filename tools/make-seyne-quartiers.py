#!/usr/bin/env python3
"""make-seyne-quartiers.py - the four territories La Seyne-sur-Mer follows
(issue #13), as FICTITIOUS examples: no open QPV contours exist for the
Var, and the other two have no official perimeter at all.

Writes, from layers/data (the commune 83126's polygon, the QPV 2024 list):
  layers/examples/fictif-la-seyne-quartiers.geojson
      four polygons drawn by hand at roughly their real places inside the
      commune's polygon (checked here: every vertex inside, no edge crossing
      the commune's boundary or another territory): the QPV Berthe (north-
      west of the centre) and Centre-Ville (by the port) with their real
      codes and names, the territoire de veille active La Présentation and
      the Mont des Oiseaux (south-west hills, no dispositif), fields code,
      nom, dispositif, libelle (name and dispositif), fictif;
  layers/examples/fictif-la-seyne-quartiers-indicateurs.csv
      fictitious 2021 counts of the four (population, ménages, chômeurs and
      actifs de 15 à 64 ans) and the area of each fictitious polygon;
  layers/examples/fictif-tpm-qpv-indicateurs.csv
      fictitious counts of the 15 QPV 2024 of the Métropole Toulon-
      Provence-Méditerranée (real codes and names), Berthe and Centre-Ville
      the same as above, so that the QPV of the agglomeration can be
      compared as a whole;
  layers/zones-qpv-toulon.csv
      that whole as a zone (level qpv_epci) of its QPV: real list, no value.

Reproducible: the same files every run (no randomness, sorted output).
Usage: python3 tools/make-seyne-quartiers.py  (from the repository root)
"""
import csv
import json
import math
import os
import sys

LAYERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                      "layers")
COMMUNE = "83126"
EPCI = "248300543"
NOTE = "Données fictives (exemple terrobs)"

# Each territory: code, name, dispositif, centre (lon, lat) and its outline
# as offsets in metres (east, north) from the centre, counter-clockwise.
# The figures are fictitious 2021 counts: population, ménages, chômeurs
# and actifs de 15 à 64 ans.
QUARTIERS = [
    ("QN08308M", "Berthe", "QPV", (5.8655, 43.1090),
     [(-650, -380), (-200, -520), (380, -470), (640, -120), (560, 330),
      (120, 560), (-420, 470), (-700, 90)],
     (13840, 5150, 1720, 5230)),
    ("QN08309M", "Centre-Ville", "QPV", (5.8765, 43.1010),
     [(-420, -330), (60, -380), (420, -230), (470, 170), (190, 400),
      (-250, 380), (-480, 60)],
     (6920, 3610, 760, 2900)),
    ("TVA-PRES", "La Présentation", "territoire de veille active",
     (5.8640, 43.0975),
     [(-380, -260), (120, -330), (400, -90), (330, 250), (-60, 330),
      (-400, 130)],
     (3110, 1300, 290, 1380)),
    ("SD-MDO", "Mont des Oiseaux", "sans dispositif",
     (5.8690, 43.0800),
     [(-720, -430), (-90, -560), (560, -420), (760, 40), (470, 480),
      (-120, 560), (-640, 300), (-800, -60)],
     (2420, 1050, 95, 1020)),
]

# Fictitious counts of the other QPV 2024 of the Métropole (code: counts).
OTHER_QPV = {
    "QN08305M": (3650, 1480, 520, 1610),
    "QN08306I": (5210, 2860, 640, 2270),
    "QN08307M": (2980, 1170, 410, 1240),
    "QN08310M": (4120, 1690, 690, 1710),
    "QN08311M": (3370, 1330, 560, 1400),
    "QN08312M": (3010, 1240, 470, 1290),
    "QN08313M": (7440, 3510, 1010, 3120),
    "QN08314I": (6180, 2660, 930, 2550),
    "QN08315M": (2760, 1090, 380, 1160),
    "QN08316I": (9870, 5620, 1290, 4380),
    "QN08317I": (8230, 3290, 1380, 3310),
    "QN08322N": (2140, 860, 280, 920),
    "QN08323N": (2450, 980, 330, 1040),
}

# The name and dispositif together, as the level's name field: terrobs keeps
# a territory's code and name only, and a reader of a carnet's table must
# see which territory is a QPV.
SHORT = {"QPV": "QPV", "territoire de veille active": "veille active",
         "sans dispositif": "sans dispositif"}

COUNTS = ["population_2021", "menages_2021", "pop_15_64_chomage_2021",
          "pop_15_64_active_2021"]
M_PER_DEG_LAT = 110_574.0


def to_lonlat(centre, offsets):
    lon0, lat0 = centre
    m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat0))
    ring = [(round(lon0 + e / m_per_deg_lon, 5),
             round(lat0 + n / M_PER_DEG_LAT, 5)) for e, n in offsets]
    return ring + [ring[0]]


def area_km2(ring):
    """Planar area of a lon/lat ring at its latitude (good to 0.1 % here)."""
    lat0 = ring[0][1]
    kx = 111_320.0 * math.cos(math.radians(lat0))
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += (x1 * kx) * (y2 * M_PER_DEG_LAT) - (x2 * kx) * (y1 * M_PER_DEG_LAT)
    return abs(s) / 2 / 1e6


def inside(pt, ring):
    x, y = pt
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def crosses(a, b, c, d):
    def orient(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (orient(a, b, c) * orient(a, b, d) < 0 and
            orient(c, d, a) * orient(c, d, b) < 0)


def edges(ring):
    return list(zip(ring, ring[1:]))


def check_inside(name, ring, commune_rings):
    outer = commune_rings[0]
    for pt in ring:
        if not inside(pt, outer) or any(inside(pt, h) for h in
                                        commune_rings[1:]):
            sys.exit("%s: vertex %s outside the commune" % (name, pt))
    for a, b in edges(ring):
        for r in commune_rings:
            for c, d in edges(r):
                if crosses(a, b, c, d):
                    sys.exit("%s: edge crosses the commune's boundary" % name)


def commune_polygon():
    path = os.path.join(LAYERS, "data",
                        "communes-83-toulon-provence-mediterranee.geojson")
    with open(path, encoding="utf-8") as f:
        for feat in json.load(f)["features"]:
            if feat["properties"]["code"] == COMMUNE:
                polys = feat["geometry"]["coordinates"]
                if len(polys) != 1:
                    sys.exit("83126: expected one polygon")
                return [[tuple(c) for c in r] for r in polys[0]]
    sys.exit("83126 not in the Var layer")


def tpm_qpv():
    communes = os.path.join(LAYERS, "data",
                            "communes-83-toulon-provence-mediterranee.geojson")
    with open(communes, encoding="utf-8") as f:
        members = {ft["properties"]["code"] for ft in json.load(f)["features"]
                   if ft["properties"]["siren_epci"] == EPCI}
    qpv = {}
    with open(os.path.join(LAYERS, "data", "qpv2024-communes.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["insee_com"] in members:
                qpv[r["code_qp"]] = r["lib_qp"]
    return qpv


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    commune = commune_polygon()
    rings = {}
    for code, name, _, centre, offsets, _ in QUARTIERS:
        rings[code] = to_lonlat(centre, offsets)
        check_inside(name, rings[code], commune)
    codes = list(rings)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if any(inside(p, rings[b]) for p in rings[a]) or \
               any(inside(p, rings[a]) for p in rings[b]) or \
               any(crosses(p, q, r, s) for p, q in edges(rings[a])
                   for r, s in edges(rings[b])):
                sys.exit("%s and %s overlap" % (a, b))

    feats = [{"type": "Feature",
              "properties": {"code": code, "nom": name,
                             "dispositif": dispositif,
                             "libelle": "%s (%s)" % (name, SHORT[dispositif]), "commune": COMMUNE,
                             "fictif": "oui",
                             "note": "Contour fictif (exemple terrobs)"},
              "geometry": {"type": "MultiPolygon",
                           "coordinates": [[[list(p) for p in rings[code]]]]}}
             for code, name, dispositif, _, _, _ in QUARTIERS]
    ex = os.path.join(LAYERS, "examples")
    with open(os.path.join(ex, "fictif-la-seyne-quartiers.geojson"), "w",
              encoding="utf-8") as f:
        # One feature a line: a diff shows which territory moved.
        f.write('{"type": "FeatureCollection", '
                '"name": "fictif-la-seyne-quartiers", "features": [\n')
        f.write(",\n".join(json.dumps(ft, ensure_ascii=False)
                           for ft in feats))
        f.write("\n]}\n")

    write_csv(os.path.join(ex, "fictif-la-seyne-quartiers-indicateurs.csv"),
              ["code", "nom", "dispositif", "superficie_km2"] + COUNTS +
              ["note"],
              [[code, name, dispositif, "%.2f" % area_km2(rings[code])] +
               list(counts) + [NOTE]
               for code, name, dispositif, _, _, counts in QUARTIERS])

    qpv = tpm_qpv()
    counts = dict(OTHER_QPV)
    counts.update({q[0]: q[5] for q in QUARTIERS if q[2] == "QPV"})
    if set(counts) != set(qpv):
        sys.exit("QPV of the Métropole changed: %s" %
                 sorted(set(counts) ^ set(qpv)))
    write_csv(os.path.join(ex, "fictif-tpm-qpv-indicateurs.csv"),
              ["code_qp", "lib_qp"] + COUNTS + ["note"],
              [[c, qpv[c]] + list(counts[c]) + [NOTE] for c in sorted(qpv)])
    write_csv(os.path.join(LAYERS, "zones-qpv-toulon.csv"),
              ["zone_level", "zone_code", "zone_name", "member_level",
               "member_code"],
              [["qpv_epci", "QPV-TPM",
                "QPV de la Métropole Toulon-Provence-Méditerranée", "qpv", c]
               for c in sorted(qpv)])


if __name__ == "__main__":
    main()
