#!/usr/bin/env python3
"""make-sheets.py - writes the XLSX and ODS files of the bad-input corpus
(tests/bad/files/import/) by hand with zipfile: minimal OOXML / ODF, so
that each defect (a formula cell, text in a number column, a date typed as
text) is exactly what the file holds. Called by make-files.sh.
Content is FICTITIOUS (codes are real INSEE codes)."""
import os
import sys
import zipfile
from xml.sax.saxutils import escape

OUT = sys.argv[1]
STAMP = (2026, 1, 1, 0, 0, 0)
HEADER = ["Code contrat", "Type", "Intitulé", "Niveau", "Code territoire",
          "Date début", "Date fin", "Budget"]


def row(code, budget, start=("d", 45292, "2024-01-01")):
    """A contract row; budget and start are (kind, value[, extra])."""
    return [("s", code), ("s", "contrat de territoire"),
            ("s", "Contrat " + code), ("s", "commune"), ("s", "59009"),
            start, ("d", 47483, "2029-12-31"), budget]


# kind: s text, n number, d date (Excel serial, ODS ISO date),
# f formula with a cached text result (value = formula, extra = result).
BOOKS = {
    "contracts-ok": [[("s", h) for h in HEADER],
                     row("CT-XLS-1", ("n", "1234567.5"))],
    "contracts-formula": [[("s", h) for h in HEADER],
                          row("CT-XLS-2", ("n", "100")),
                          row("CT-XLS-3", ("f", 'HYPERLINK("http://x";"y")',
                                           "=HYPERLINK(\"http://x\")"))],
    "contracts-text-in-number": [[("s", h) for h in HEADER],
                                 row("CT-XLS-4", ("s", "un million"))],
    "contracts-date-as-text": [[("s", h) for h in HEADER],
                               row("CT-XLS-5", ("n", "100"),
                                   ("s", "31/02/2025"))],
    "contracts-wrong-header": [[("s", h.replace("Code contrat", "Contrat"))
                                for h in HEADER],
                               row("CT-XLS-6", ("n", "100"))],
}


def col(i):
    return chr(ord("A") + i)


def xlsx_cell(ref, cell, strings):
    kind = cell[0]
    if kind == "s":
        strings.append(cell[1])
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
    if kind == "n":
        return f'<c r="{ref}"><v>{cell[1]}</v></c>'
    if kind == "d":
        return f'<c r="{ref}" s="1"><v>{cell[1]}</v></c>'
    if kind == "f":
        return (f'<c r="{ref}" t="str"><f>{escape(cell[1])}</f>'
                f'<v>{escape(cell[2])}</v></c>')
    raise ValueError(kind)


def write_xlsx(path, rows):
    ns = "http://schemas.openxmlformats.org"
    strings = []
    body = "".join(
        f'<row r="{r}">' + "".join(xlsx_cell(f"{col(i)}{r}", c, strings)
                                   for i, c in enumerate(cells)) + "</row>"
        for r, cells in enumerate(rows, start=1))
    files = {
        "[Content_Types].xml":
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>',
        "_rels/.rels":
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>',
        "xl/workbook.xml":
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Contrats" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{ns}/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/>'
            '</Relationships>',
        "xl/styles.xml":
            f'<styleSheet xmlns="{ns}/spreadsheetml/2006/main">'
            '<numFmts count="1"><numFmt numFmtId="164" '
            'formatCode="dd/mm/yyyy"/></numFmts>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" '
            'applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/worksheets/sheet1.xml":
            f'<worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
            + body + '</sheetData></worksheet>',
        "xl/sharedStrings.xml":
            f'<sst xmlns="{ns}/spreadsheetml/2006/main">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(zipfile.ZipInfo(name, STAMP),
                       '<?xml version="1.0" encoding="UTF-8"?>\n' + text)


def attr(text):
    return escape(text, {'"': "&quot;"})


def ods_cell(cell):
    kind = cell[0]
    if kind == "s":
        return ('<table:table-cell office:value-type="string"><text:p>'
                f'{escape(cell[1])}</text:p></table:table-cell>')
    if kind == "n":
        return (f'<table:table-cell office:value-type="float" '
                f'office:value="{cell[1]}"><text:p>{cell[1]}</text:p>'
                '</table:table-cell>')
    if kind == "d":
        return (f'<table:table-cell office:value-type="date" '
                f'office:date-value="{cell[2]}"><text:p>{cell[2]}</text:p>'
                '</table:table-cell>')
    if kind == "f":
        return (f'<table:table-cell table:formula="of:={attr(cell[1])}" '
                'office:value-type="string" '
                f'office:string-value="{attr(cell[2])}"><text:p>'
                f'{escape(cell[2])}</text:p></table:table-cell>')
    raise ValueError(kind)


def write_ods(path, rows):
    o = "urn:oasis:names:tc:opendocument:xmlns"
    body = "".join("<table:table-row>" + "".join(ods_cell(c) for c in r)
                   + "</table:table-row>" for r in rows)
    content = (f'<office:document-content xmlns:office="{o}:office:1.0" '
               f'xmlns:table="{o}:table:1.0" xmlns:text="{o}:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Contrats">' + body +
               '</table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = (f'<manifest:manifest xmlns:manifest="{o}:manifest:1.0" '
                'manifest:version="1.2"><manifest:file-entry '
                'manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type='
                '"text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", STAMP),
                   "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(zipfile.ZipInfo("content.xml", STAMP),
                   '<?xml version="1.0" encoding="UTF-8"?>\n' + content,
                   zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("META-INF/manifest.xml", STAMP),
                   '<?xml version="1.0" encoding="UTF-8"?>\n' + manifest,
                   zipfile.ZIP_DEFLATED)


for name, rows in BOOKS.items():
    write_xlsx(os.path.join(OUT, name + ".xlsx"), rows)
    write_ods(os.path.join(OUT, name + ".ods"), rows)
