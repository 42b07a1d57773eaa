#!/usr/bin/env python3
"""pdf_split.py - how the bytes of PDF files split: fonts, page content
(vector drawing and text), images, the rest (objects, xref, metadata).

    python3 bench/pdf_split.py FILE.pdf... (or a folder of PDFs)

Reads cairo's PDFs (plain objects, no object streams) with the standard
library only; prints the mean size per file and each part's share."""
import os
import re
import sys

OBJ = re.compile(rb"(\d+) 0 obj\b(.*?)endobj", re.S)
REF = rb"/%s\s+(\d+) 0 R"


def split(data):
    objs = {int(m.group(1)): m.group(2) for m in OBJ.finditer(data)}
    fonts, images, contents = set(), set(), set()
    for body in objs.values():
        for key in (b"FontFile2", b"FontFile3", b"FontFile"):
            fonts.update(int(x) for x in re.findall(REF % key, body))
        if re.search(rb"/Type\s*/Page\b", body):
            contents.update(int(x) for x in re.findall(REF % b"Contents", body))
    for num, body in objs.items():
        if re.search(rb"/Subtype\s*/Image", body):
            images.add(num)
        elif re.search(rb"/Subtype\s*/Form", body):
            contents.add(num)  # cairo puts drawing in form XObjects too
    parts = {"fonts": 0, "page content": 0, "images": 0, "other": 0}
    for num, body in objs.items():
        size = len(body)
        if num in fonts:
            parts["fonts"] += size
        elif num in images:
            parts["images"] += size
        elif num in contents:
            parts["page content"] += size
        else:
            parts["other"] += size
    parts["other"] += len(data) - sum(len(b) for b in objs.values())
    return parts


def main(args):
    files = []
    for a in args:
        if os.path.isdir(a):
            files += [os.path.join(a, f) for f in sorted(os.listdir(a))
                      if f.endswith(".pdf")]
        else:
            files.append(a)
    if not files:
        sys.exit("usage: pdf_split.py FILE.pdf... | DIR")
    total = {}
    size = 0
    for f in files:
        with open(f, "rb") as fp:
            data = fp.read()
        size += len(data)
        for k, v in split(data).items():
            total[k] = total.get(k, 0) + v
    n = len(files)
    print("%d PDF files, mean %.1f kB, total %.1f MB" %
          (n, size / n / 1000, size / 1e6))
    for k, v in total.items():
        print("  %-13s %7.1f kB a file  %5.1f %%" %
              (k, v / n / 1000, 100 * v / size if size else 0))


main(sys.argv[1:])
