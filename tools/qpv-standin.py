#!/usr/bin/env python3
"""qpv-standin.py - a QPV layer for tests and the demo, until terrobs loads
the QPV 2024 list itself: the real codes and names of layers/data/
qpv2024-communes.csv for the given communes, each with its commune's
polygon as a STAND-IN geometry (no open QPV contours exist for these
départements). Writes GeoJSON (fields code, nom) to stdout.

Usage: qpv-standin.py QPV_LIST.csv COMMUNES.geojson [COMMUNES.geojson...]
       -- INSEE [INSEE...]
"""
import csv
import json
import sys


def main(argv):
    if "--" not in argv or len(argv) < 4:
        sys.exit(__doc__)
    cut = argv.index("--")
    qpv_list, layers, keep = argv[0], argv[1:cut], set(argv[cut + 1:])
    communes = {}
    for path in layers:
        with open(path, encoding="utf-8") as f:
            for feat in json.load(f)["features"]:
                communes[feat["properties"]["code"]] = feat["geometry"]
    seen, feats = set(), []
    with open(qpv_list, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["insee_com"] in keep and r["code_qp"] not in seen:
                seen.add(r["code_qp"])
                feats.append({"type": "Feature",
                              "properties": {"code": r["code_qp"],
                                             "nom": r["lib_qp"]},
                              "geometry": communes[r["insee_com"]]})
    json.dump({"type": "FeatureCollection", "features": feats}, sys.stdout,
              ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1:])
