#!/usr/bin/env python3
"""Writes the fixtures of tests/data/tables: CSV files byte by byte (BOM,
Latin-1, CRLF...) and XLSX / ODS files by hand (zipfile, minimal OOXML /
ODF), so that no office suite or Python package is needed.
Run from anywhere: python3 make_fixtures.py. Output is deterministic.
All content is fictitious or public (INSEE codes and commune names)."""
import os
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2026, 1, 1, 0, 0, 0)

# Each cell: (kind, value[, cached]) with kind in
# s: text, n: number, d: date (Excel serial, ODS ISO), f: formula
# (value = formula text, cached = cached result), e: empty.
SHEET1 = [
    [("s", "code_insee"), ("s", "nom"), ("s", "population"), ("s", "taux"),
     ("s", "date_maj"), ("s", "double"), ("s", "lien")],
    [("s", "59350"), ("s", "Lille"), ("n", "236234"), ("n", "12.5"),
     ("d", "46348", "2026-11-22"), ("f", "C2*2", "472468"),
     ("h", 'HYPERLINK("https://www.insee.fr";"12")', "12")],
    [("s", "2A004"), ("s", "Ajaccio"), ("n", "1234.5"), ("e",),
     ("d", "45351", "2024-02-29"), ("f", "C3*2", "2469"), ("e",)],
    [("s", "01004"), ("s", "Ambérieu-en-Bugey"), ("n", "-0.25"),
     ("n", "0.1"), ("e",), ("e",), ("e",)],
]
SHEET2 = [
    [("s", "note")],
    [("s", "Fichier fictif pour les tests de terrobs")],
]
# A sheet whose header has a hole and a duplicate.
SHEET3 = [
    [("s", "code"), ("e",), ("s", "code")],
    [("s", "1"), ("s", "2"), ("s", "3")],
]


def col(i):
    return chr(ord("A") + i)


def xlsx_cell(ref, cell, strings):
    kind = cell[0]
    if kind == "e":
        return ""
    if kind == "s":
        strings.append(cell[1])
        return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
    if kind == "n":
        return f'<c r="{ref}"><v>{cell[1]}</v></c>'
    if kind == "d":  # style 1 = a date number format
        return f'<c r="{ref}" s="1"><v>{cell[1]}</v></c>'
    if kind == "f":
        return f'<c r="{ref}"><f>{escape(cell[1])}</f><v>{cell[2]}</v></c>'
    if kind == "h":  # a formula whose cached result is text
        return (f'<c r="{ref}" t="str"><f>{escape(cell[1])}</f>'
                f'<v>{escape(cell[2])}</v></c>')
    raise ValueError(kind)


def xlsx_sheet(rows, strings):
    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(xlsx_cell(f"{col(i)}{r}", c, strings)
                        for i, c in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>' + "".join(out) +
            '</sheetData></worksheet>')


def write_xlsx(path, sheets):
    ns = "http://schemas.openxmlformats.org"
    strings = []
    bodies = [xlsx_sheet(rows, strings) for _, rows in sheets]
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          f'<Types xmlns="{ns}/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/'
          'vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
                    'ContentType="application/vnd.openxmlformats-'
                    'officedocument.spreadsheetml.worksheet+xml"/>'
                    for i in range(len(sheets))) +
          '<Override PartName="/xl/sharedStrings.xml" ContentType="'
          'application/vnd.openxmlformats-officedocument.spreadsheetml.'
          'sharedStrings+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>')
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          f'<workbook xmlns="{ns}/spreadsheetml/2006/main" '
          f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>' +
          "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" '
                  f'r:id="rId{i + 1}"/>'
                  for i, (name, _) in enumerate(sheets)) +
          '</sheets></workbook>')
    n = len(sheets)
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<Relationships xmlns="{ns}/package/2006/relationships">' +
              "".join(f'<Relationship Id="rId{i + 1}" Type="{ns}/'
                      'officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i + 1}.xml"/>'
                      for i in range(n)) +
              f'<Relationship Id="rId{n + 1}" Type="{ns}/officeDocument/'
              '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
              f'<Relationship Id="rId{n + 2}" Type="{ns}/officeDocument/'
              '2006/relationships/styles" Target="styles.xml"/>'
              '</Relationships>')
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<sst xmlns="{ns}/spreadsheetml/2006/main" '
           f'count="{len(strings)}" uniqueCount="{len(strings)}">' +
           "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) +
           '</sst>')
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<styleSheet xmlns="{ns}/spreadsheetml/2006/main">'
              '<numFmts count="1"><numFmt numFmtId="164" '
              'formatCode="dd/mm/yyyy"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
              '</styleSheet>')
    parts = [("[Content_Types].xml", ct), ("_rels/.rels", rels),
             ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", wbrels),
             ("xl/sharedStrings.xml", sst), ("xl/styles.xml", styles)]
    parts += [(f"xl/worksheets/sheet{i + 1}.xml", b)
              for i, b in enumerate(bodies)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, STAMP), data)


def ods_cell(cell):
    kind = cell[0]
    if kind == "e":
        return "<table:table-cell/>"
    if kind == "s":
        return ('<table:table-cell office:value-type="string">'
                f"<text:p>{escape(cell[1])}</text:p></table:table-cell>")
    if kind == "n":
        return (f'<table:table-cell office:value-type="float" '
                f'office:value="{cell[1]}"><text:p>{cell[1]}</text:p>'
                '</table:table-cell>')
    if kind == "d":
        y, m, d = cell[2].split("-")
        return ('<table:table-cell office:value-type="date" '
                f'office:date-value="{cell[2]}"><text:p>{d}/{m}/{y}</text:p>'
                '</table:table-cell>')
    if kind == "f":
        ref = cell[1].split("*")[0]
        return (f'<table:table-cell table:formula="of:=[.{ref}]*2" '
                f'office:value-type="float" office:value="{cell[2]}">'
                f"<text:p>{cell[2]}</text:p></table:table-cell>")
    if kind == "h":
        return ('<table:table-cell table:formula="of:=HYPERLINK(&quot;'
                'https://www.insee.fr&quot;;&quot;12&quot;)" '
                'office:value-type="string" office:string-value="12">'
                f"<text:p>{cell[2]}</text:p></table:table-cell>")
    raise ValueError(kind)


def write_ods(path, sheets):
    tables = "".join(
        f'<table:table table:name="{escape(name)}">' +
        "".join("<table:table-row>" + "".join(ods_cell(c) for c in row) +
                "</table:table-row>" for row in rows) + "</table:table>"
        for name, rows in sheets)
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>' +
               tables + '</office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:'
                'media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        # the mimetype entry comes first and is stored, as ODF requires
        z.writestr(zipfile.ZipInfo("mimetype", STAMP),
                   "application/vnd.oasis.opendocument.spreadsheet")
        info = zipfile.ZipInfo("content.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, content)
        info = zipfile.ZipInfo("META-INF/manifest.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, manifest)


def write_uncached_formulas():
    """Formulas saved without their result (as some scripts write them)."""
    rows = [[("s", "valeur"), ("s", "double")],
            [("n", "21"), ("e",)], [("n", "5"), ("e",)]]
    write_xlsx(os.path.join(HERE, "formules_sans_valeur.xlsx"),
               [("Formules", rows), ("Lien", rows)])
    path = os.path.join(HERE, "formules_sans_valeur.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    row2 = b'<row r="2"><c r="A2"><v>21</v></c>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.endswith("sheet1.xml"):  # computable
                data = data.replace(row2, row2 + b'<c r="B2"><f>A2*2</f></c>')
            if info.filename.endswith("sheet2.xml"):  # not computable
                data = data.replace(row2, row2 + b'<c r="B2" t="str"><f>'
                                    b'HYPERLINK("https://www.insee.fr","12")'
                                    b'</f></c>')
            z.writestr(info, data)
    cell = ('<table:table-cell office:value-type="float" office:value="{0}">'
            '<text:p>{0}</text:p></table:table-cell>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Formules"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>valeur'
               '</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>double'
               '</text:p></table:table-cell></table:table-row>'
               '<table:table-row>' + cell.format(21) +
               '<table:table-cell table:formula="of:=[.A2]*2"/>'
               '</table:table-row><table:table-row>' + cell.format(5) +
               '<table:table-cell table:formula="of:=HYPERLINK(&quot;'
               'https://www.insee.fr&quot;;&quot;12&quot;)"/>'
               '</table:table-row></table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    with zipfile.ZipFile(os.path.join(HERE, "formules_sans_valeur.ods"),
                         "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", STAMP),
                   "application/vnd.oasis.opendocument.spreadsheet")
        info = zipfile.ZipInfo("content.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, content)


def write_repeated_rows():
    """A row repeated more than GDAL 3.6 accepts: it reads no row at all
    and says so only through CPLError."""
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Lignes"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>code'
               '</text:p></table:table-cell></table:table-row>'
               '<table:table-row table:number-rows-repeated="100000">'
               '<table:table-cell office:value-type="string"><text:p>59350'
               '</text:p></table:table-cell></table:table-row>'
               '</table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    with zipfile.ZipFile(os.path.join(HERE, "lignes_repetees.ods"),
                         "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", STAMP),
                   "application/vnd.oasis.opendocument.spreadsheet")
        info = zipfile.ZipInfo("content.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, content)


def write_csv():
    def put(name, data):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    nbsp = "\u00a0"
    # ';' with French decimals, a ',' inside a header name, CRLF endings,
    # a blank line, a quoted cell holding ';', '""' and a line break.
    put("fr_semicolon.csv", (
        "code_insee;nom;population;taux (15-64 ans, %)\r\n"
        "59350;Lille;236 234;12,5\r\n"
        f"2A004;Ajaccio;1{nbsp}234,5;\r\n"
        "\r\n"
        '01004;"Ambérieu;\r\n""en"" Bugey";-0,25;3,0\r\n'
        "97209;Fort-de-France;;1.234,5\r\n").encode("utf-8"))
    # UTF-8 with a BOM, ',' separators, accents.
    put("utf8_bom.csv", b"\xef\xbb\xbf" + (
        "code,nom,population\n"
        "80021,Amiens,133625\n"
        "80001,Abbeville,22651\n"
        "59183,Dunkerque,86279\n").encode("utf-8"))
    # Windows-1252 / Latin-1 as Excel saves "CSV (separator: semicolon)".
    put("latin1.csv", (
        "code;nom;zone\r\n"
        "248000531;CA Amiens Métropole;Grand Amiénois\r\n"
        "245901152;CA Cœur d’Ostrevent;Hors zone\r\n").encode("cp1252"))
    # Tab separated, a cell with ';' and ',' that must not split.
    put("tab.tsv", (
        "code\tnom\tnote\n"
        "59350\tLille\tun; deux, trois\n"
        "59009\tVilleneuve-d'Ascq\t\n").encode("utf-8"))


SHEETS = [("Indicateurs", SHEET1), ("Notes", SHEET2), ("Trous", SHEET3)]
write_xlsx(os.path.join(HERE, "indicateurs.xlsx"), SHEETS)
write_ods(os.path.join(HERE, "indicateurs.ods"), SHEETS)
write_uncached_formulas()
write_repeated_rows()
write_csv()
