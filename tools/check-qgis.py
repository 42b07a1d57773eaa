"""check-qgis.py - open a terrobs QGIS project in real QGIS, headless.

Usage: python3 tools/check-qgis.py PROJECT.qgs [PNG]

Reads the project with QgsProject, checks that every layer is valid, has
features and a renderer, prints one JSON object (project CRS, groups, and
for each layer its name, group, feature count, renderer type and classes)
on stdout, and renders the layers shown when the project opens to PNG
(1600 px wide) when a path is given. Exits 1 when a layer is invalid,
empty or has no renderer, 2 when the project cannot be read.
Run with the system Python that has PyQGIS (Debian: python3-qgis) and
QT_QPA_PLATFORM=offscreen (tools/check-qgis.sh does both).
"""
import json
import os
import sys

from qgis.core import (QgsApplication, QgsMapRendererParallelJob,
                       QgsMapSettings, QgsProject)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def color(c):
    return "#%02x%02x%02x" % (c.red(), c.green(), c.blue())


def renderer_info(layer):
    r = layer.renderer()
    info = {"type": r.type() if r is not None else None}
    if r is None:
        return info
    if r.type() == "graduatedSymbol":
        info["attr"] = r.classAttribute()
        info["ranges"] = [[rg.lowerValue(), rg.upperValue(), rg.label(),
                           color(rg.symbol().color())] for rg in r.ranges()]
    elif r.type() == "categorizedSymbol":
        info["attr"] = r.classAttribute()
        info["categories"] = [[str(c.value()), c.label(),
                               color(c.symbol().color())]
                              for c in r.categories()]
    else:
        sym = r.symbol()
        info["symbol_layers"] = [sym.symbolLayer(i).layerType()
                                 for i in range(sym.symbolLayerCount())]
        info["color"] = color(sym.color())
    return info


def main():
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(sys.argv[1]):
        print(json.dumps({"error": project.error()}))
        os._exit(2)
    root = project.layerTreeRoot()
    out = {"crs": project.crs().authid(), "title": project.title(),
           "groups": [g.name() for g in root.children()], "layers": []}
    bad = 0 if out["crs"] else 1  # the project CRS was not read
    for node in root.findLayers():
        layer = node.layer()
        entry = {"name": node.name(), "group": node.parent().name(),
                 "visible": node.isVisible()}
        if layer is None or not layer.isValid():
            entry["valid"] = False
            bad += 1
        else:
            entry.update(valid=True, features=layer.featureCount(),
                         crs=layer.crs().authid(),
                         renderer=renderer_info(layer))
            if entry["features"] <= 0 or entry["renderer"]["type"] is None:
                bad += 1
        out["layers"].append(entry)
    if len(sys.argv) > 2:
        out["png"] = render(project, root, sys.argv[2])
    print(json.dumps(out, ensure_ascii=False, indent=1))
    sys.stdout.flush()
    # QGIS may crash tearing down its providers: leave without exitQgis.
    os._exit(1 if bad else 0)


def render(project, root, path):
    layers = [n.layer() for n in root.findLayers()
              if n.isVisible() and n.layer() is not None]
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(project.crs())
    extent = project.viewSettings().defaultViewExtent()
    if extent.isEmpty():
        extent = settings.fullExtent()
    extent.scale(1.05)
    ratio = extent.height() / extent.width()
    settings.setOutputSize(QSize(1600, int(1600 * ratio)))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(path, "png")
    return {"path": path, "width": image.width(), "height": image.height(),
            "layers": [l.name() for l in layers]}


if __name__ == "__main__":
    main()
