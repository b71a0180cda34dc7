"""Builders of the amplifying inputs of issue 17, written as raw XML/bytes (fast, exact, small).

Used by tests/test_bounded_reading.py and scripts/fuzz.py. Each writes one file and returns it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

LEDGER = (
    "日期",
    "项目编号",
    "支出类别",
    "摘要",
    "金额",
    "发票号",
    "收款方",
    "收款方身份",
    "负责人签字",
    "备注",
)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (  # cell style 1 is a date (numFmtId 14), as Excel writes it
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def col_letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def raw_xlsx(
    path: Path, sheet: str, rows: Iterable[str], shared: list[str], dimension: str | None = None
) -> Path:
    """An xlsx of one sheet whose <row> elements are given as XML text (streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _RELS)
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" '
                f'count="{len(shared)}" uniqueCount="{len(shared)}">'.encode()
            )
            for text in shared:
                out.write(f"<si><t>{escape(text)}</t></si>".encode())
            out.write(b"</sst>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'.encode()
            )
            if dimension:
                out.write(f'<dimension ref="{dimension}"/>'.encode())
            out.write(b"<sheetData>")
            batch: list[str] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 5000:
                    out.write("".join(batch).encode())
                    batch.clear()
            out.write("".join(batch).encode())
            out.write(b"</sheetData></worksheet>")
    return path


def _row(r: int, cells: list[str]) -> str:
    return f'<row r="{r}">{"".join(cells)}</row>'


def _s(r: int, c: int, index: int) -> str:
    return f'<c r="{col_letters(c)}{r}" t="s"><v>{index}</v></c>'


def _n(r: int, c: int, value, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f'<c r="{col_letters(c)}{r}"{s}><v>{value}</v></c>'


def shared_string_bomb(path: Path, size: int = 1_000_000, uses: int = 400) -> Path:
    """A ledger whose 摘要 is one shared string of `size` characters, used in `uses` rows."""
    shared = [*LEDGER, "PX-2023-001", "工作经费", "x" * size]

    def rows() -> Iterator[str]:
        yield _row(1, [_s(1, c, c) for c in range(len(LEDGER))])
        for r in range(2, uses + 2):
            yield _row(
                r, [_n(r, 0, 45047, 1), _s(r, 1, 10), _s(r, 2, 11), _s(r, 3, 12), _n(r, 4, 10)]
            )

    return raw_xlsx(path, "经费台账", rows(), shared)


def million_row_ledger(
    path: Path, rows: int = 1_000_000, projects: int = 100, columns: int = 9
) -> Path:
    """A genuine Excel-like ledger of `rows` rows: shared strings, date serials with a date style,
    numbers, a distinct 发票号 a row (about 230 MB of sheet XML at 1,000,000 rows). columns: how
    many of the first nine (日期 … 负责人签字) it has; 5 (日期 … 金额) at 999,999 rows is the
    largest ledger the limits let through (1,000,000 sheet rows, about 190 MB of XML)."""
    shared = list(LEDGER) + [f"PX-2023-{p:03d}" for p in range(projects)]
    base = len(shared)
    shared += ["工作经费", "社会组织服务", "志愿者补贴", "购买物资", "某商店", "商户", "是"]

    def lines() -> Iterator[str]:
        yield _row(1, [_s(1, c, c) for c in range(columns)])
        for i in range(rows):
            r = i + 2
            cells = (
                f'<c r="A{r}" s="1"><v>{45017 + i % 270}</v></c>',
                f'<c r="B{r}" t="s"><v>{len(LEDGER) + i % projects}</v></c>',
                f'<c r="C{r}" t="s"><v>{base + i % 3}</v></c>',
                f'<c r="D{r}" t="s"><v>{base + 3}</v></c>',
                f'<c r="E{r}"><v>{10 + i % 7}</v></c>',
                f'<c r="F{r}"><v>{10_000_000 + i}</v></c>',
                f'<c r="G{r}" t="s"><v>{base + 4}</v></c>',
                f'<c r="H{r}" t="s"><v>{base + 5}</v></c>',
                f'<c r="I{r}" t="s"><v>{base + 6}</v></c>',
            )
            yield f'<row r="{r}">{"".join(cells[:columns])}</row>'

    last = "ABCDEFGHIJ"[columns]
    return raw_xlsx(path, "经费台账", lines(), shared, dimension=f"A1:{last}{rows + 1}")


def wide_row(path: Path, cells: int = 20_000) -> Path:
    """One row with more cells than Excel's 16,384 columns (inline numbers)."""

    def rows() -> Iterator[str]:
        yield _row(1, [_n(1, c, 1) for c in range(cells)])

    return raw_xlsx(path, "Sheet1", rows(), [])


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods(path: Path, body: str) -> Path:
    """An .ods whose one table holds `body` (table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="经费台账">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        book.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>{escape(text)}</text:p></table:table-cell>'


def ods_repeated_row(path: Path, repeat: int = 1_000_000, text_bytes: int = 4096) -> Path:
    """The issue's 898-byte .ods: a header, then one 4 KB row repeated a million times."""
    header = "<table:table-row>" + "".join(ods_cell(h) for h in LEDGER) + "</table:table-row>"
    row = (
        f'<table:table-row table:number-rows-repeated="{repeat}">'
        + ods_cell("2023-05-02")
        + ods_cell("PX-2023-001")
        + ods_cell("工作经费")
        + ods_cell("x" * text_bytes)
        + "</table:table-row>"
    )
    return ods(path, header + row)


def csv_of_commas(path: Path, size: int = 30_000_000) -> Path:
    """A CSV that is one line of `size` commas."""
    with path.open("wb") as out:
        out.write("日期,项目编号,金额\n".encode())
        chunk = b"," * (1 << 20)
        left = size
        while left > 0:
            out.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)
        out.write(b"\n")
    return path
