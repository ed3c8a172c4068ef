#!/usr/bin/env python3
"""Writes minimal Office Open XML files (.xlsx, .docx) with the standard library only.

Used by the tests and by tools/make_container_examples.py; the output is
deterministic (fixed timestamps) and laid out the way Excel writes it: the
worksheets come before xl/sharedStrings.xml in the zip.

  ooxml_fixture.py xlsx OUT.xlsx < spec.json
      {"sheets": [{"name": "客户", "rows": [["姓名", "手机"], ["张三", {"inline": "138…"}]]}]}
      a plain string is a shared string, {"inline": s} an inline string,
      {"str": s} a formula's cached string, a number a number, null an empty cell.
  ooxml_fixture.py docx OUT.docx < text     one paragraph per line
"""
import json, sys, zipfile
from xml.sax.saxutils import escape, quoteattr

STAMP = (2024, 1, 1, 0, 0, 0)


def _put(z, name, data):
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data.encode('utf-8') if isinstance(data, str) else data)


def _col(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def write_xlsx(path, spec):
    shared, index = [], {}
    sheets_xml = []
    for sheet in spec['sheets']:
        rows = []
        for r, row in enumerate(sheet['rows'], 1):
            cells = []
            for c, v in enumerate(row):
                ref = f'{_col(c)}{r}'
                if v is None:
                    continue
                if isinstance(v, bool) or isinstance(v, (int, float)):
                    cells.append(f'<c r="{ref}"><v>{v}</v></c>')
                elif isinstance(v, dict) and 'inline' in v:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v["inline"])}</t></is></c>')
                elif isinstance(v, dict) and 'str' in v:
                    cells.append(f'<c r="{ref}" t="str"><f>CONCAT("x")</f><v>{escape(v["str"])}</v></c>')
                elif isinstance(v, dict) and 'rich' in v:
                    runs = ''.join(f'<r><rPr><b/></rPr><t xml:space="preserve">{escape(t)}</t></r>' for t in v['rich'])
                    key = ('rich',) + tuple(v['rich'])
                    if key not in index:
                        index[key] = len(shared)
                        shared.append(f'<si>{runs}<rPh sb="0" eb="1"><t>ピン</t></rPh></si>')
                    cells.append(f'<c r="{ref}" t="s"><v>{index[key]}</v></c>')
                else:
                    if v not in index:
                        index[v] = len(shared)
                        shared.append(f'<si><t>{escape(v)}</t></si>')
                    cells.append(f'<c r="{ref}" t="s"><v>{index[v]}</v></c>')
            rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        sheets_xml.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                          f'<sheetData>{"".join(rows)}</sheetData></worksheet>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    wb = ''.join(f'<sheet name={quoteattr(s["name"])} sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                 for i, s in enumerate(spec['sheets']))
    rels = ''.join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                   for i in range(len(spec['sheets'])))
    with zipfile.ZipFile(path, 'w') as z:
        _put(z, '[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
             'openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        _put(z, 'xl/workbook.xml', f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns}><sheets>{wb}</sheets></workbook>')
        _put(z, 'xl/_rels/workbook.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
             f'schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, x in enumerate(sheets_xml):
            _put(z, f'xl/worksheets/sheet{i + 1}.xml', x)
        _put(z, 'xl/sharedStrings.xml', '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">'
             f'{"".join(shared)}</sst>')


def write_docx(path, paragraphs):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = ''.join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    with zipfile.ZipFile(path, 'w') as z:
        _put(z, '[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
             'openxmlformats.org/package/2006/content-types"/>')
        _put(z, 'word/document.xml', f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>{body}'
             '</w:body></w:document>')


if __name__ == '__main__':
    kind, out = sys.argv[1], sys.argv[2]
    if kind == 'xlsx':
        write_xlsx(out, json.load(sys.stdin))
    elif kind == 'docx':
        write_docx(out, sys.stdin.read().splitlines())
    else:
        sys.exit('usage: ooxml_fixture.py xlsx|docx OUT')
