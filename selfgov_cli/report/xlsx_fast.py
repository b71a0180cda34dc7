"""Plain tables written straight as xlsx XML, without openpyxl's object model.

For big outputs (拨付核算.xlsx: about 110,000 cells) building openpyxl cells, laying them out and
saving cost about 4 s; writing the XML text directly costs a fraction. The file reads back as the
openpyxl one did (values, types, number formats, bold, wrapping, quote prefix, column widths, frozen
header, A4 print set-up with the header row repeated and page numbers: ``xlsx_layout``'s rules,
applied here to the values before they are written). Tested against the openpyxl writer
(``tests/report/test_xlsx_fast.py``).

A sheet is ``Sheet(title, rows)``; a row is a list of ``Cell`` or ``None`` (no cell). Row 1 is the
header, frozen and repeated on every printed page. Values must already be safe (``safe.safe_cell``):
``str`` (or a ``CellRichText`` of one run), ``bool``, ``int``, ``float``, ``Decimal``, ``date``.

Streamed (``save_xlsx``): ``rows`` is read once. Each sheet's cells are made into XML as they come
and deflated (level 1) into a temporary spool while what precedes them in the worksheet is found
(column widths, the used range, whether every value is known); the sheet's zip entry is then that
head, the spool inflated back a piece at a time, and the tail. So ``rows`` may be an iterable that
builds each row when reached (built once: the rows of a big 拨付核算 cost more than their XML), and
a sheet of a million rows never exists as cells or as text. The worksheets precede
``xl/styles.xml`` in the zip (cell styles are numbered as the cells are made).
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from selfgov_cli.report.safe import (
    atomic_file,
    is_dangerous,
    safe_cell,
    safe_value,
    save_workbook,
    stamp,
)
from selfgov_cli.report.xlsx_layout import (
    MAX_WIDTH,
    MIN_WIDTH,
    PADDING,
    PORTRAIT_WIDTH,
    _str_width,
    lay_out,
    text_width,
)

# The workbook theme every xlsx of openpyxl carries (openpyxl.writer.theme.theme_xml), kept as a
# file: importing openpyxl for it took 0.3–0.4 s (with numpy) from runs that need nothing else of
# it. A test holds it equal to openpyxl's.
THEME = Path(__file__).resolve().parent.parent / "data" / "theme1.xml"

# number format -> numFmtId (builtin ids where Excel has one, else custom from 164)
_BUILTIN_FORMATS = {None: 0, "General": 0, "#,##0.00": 4, "0.00%": 10}
_EPOCH = date(1899, 12, 30)
_NUMBERS = (int, float, Decimal)
_SHORT = frozenset({type(None), bool, int, float, Decimal, date})  # 75 bytes a cell covers them
_LEVEL = 6  # deflate level of every entry
_FLUSH = 4096  # XML pieces gathered before they are deflated into the spool
_CHUNK = 1 << 16  # bytes of spool read back at a time (about 1 MB of XML once inflated)


class Cell(NamedTuple):
    value: Any
    number_format: str | None = None
    bold: bool = False
    quote: bool = False  # the quote prefix: text that looks like a formula stays text when edited


@dataclass
class Sheet:
    title: str
    rows: Iterable[list[Cell | None]]  # read once: a list, or an iterable building rows


def cell_of(value: Any, number_format: str | None = None, bold: bool = False) -> Cell:
    """A cell as `safe.put` writes one: masked, never a formula, the quote prefix on text that
    looks like one. The text stays a plain str (this writer writes every text as text; the
    openpyxl reference makes it a CellRichText), so writing it never needs openpyxl."""
    shown = safe_value(value)
    return Cell(shown, number_format, bold, isinstance(shown, str) and is_dangerous(shown))


def reference_workbook(sheets: list[Sheet]):
    """The same sheets as an openpyxl workbook laid out by `xlsx_layout` (bold header frozen on
    row 1): what `save_xlsx` is tested against, and the fallback for a value it does not know.
    Each sheet's rows are read once more."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for r, line in enumerate(sheet.rows, 1):
            for c, cell in enumerate(line, 1):
                if cell is None:
                    continue
                target = ws.cell(row=r, column=c)
                target.value = safe_cell(cell.value, mask=False)  # text never a formula
                if cell.quote:
                    target.quotePrefix = True
                if cell.number_format:
                    target.number_format = cell.number_format
                if cell.bold:
                    target.font = bold
        ws.freeze_panes = "A2"
    return lay_out(wb)


def write_sheets(sheets: list[Sheet], path: Path | str, as_of: date) -> Path:
    """Write the sheets directly (save_xlsx), or through openpyxl when a value is one save_xlsx
    does not know (none today); atomic, the same bytes for the same sheets and date."""
    written = save_xlsx(sheets, path, as_of)
    if written is not None:
        return written
    return save_workbook(reference_workbook(sheets), path, as_of)


def supported(value: Any) -> bool:
    """A value this writer knows how to write (anything else: use openpyxl)."""
    if value is None or isinstance(value, (str, bool, *_NUMBERS)):
        return True
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    from openpyxl.cell.rich_text import CellRichText

    return isinstance(value, CellRichText) and all(isinstance(p, str) for p in value)


def _column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;") if "\r" in text else text


class _Survey:
    """One pass over a sheet's rows: the XML of its cells, deflated (level 1) into a temporary
    file as it is made, and what precedes the cells in the worksheet and is known only once every
    row was seen (the column widths, the used range); ``supported`` is False at the first value
    this writer does not know (the pass stops there)."""

    __slots__ = ("widths", "rows", "cols", "size", "supported", "_spool", "_deflate")

    def __init__(self, rows: Iterable[list[Cell | None]], styles: _Styles) -> None:
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by chunks() or close()
        self._deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        self.size = 0  # bytes of cell XML (decides Zip64 with the head and tail)
        try:
            self.supported = self._cells(rows, styles)
            self._put("", final=True)
        except BaseException:  # a full disk, an interrupt: the spool goes at once
            self._spool.close()
            raise

    def _cells(self, rows: Iterable[list[Cell | None]], styles: _Styles) -> bool:
        widest: dict[int, int] = {}
        count = cols = 0
        out: list[str] = []
        append = out.append
        index = styles.index
        # a row repeats the Cell objects of its column (one per text, date or amount,
        # disburse_xlsx): the XML after each cell's reference is made (and its width measured)
        # once per Cell and column; the Cell is kept with it, so its id stays its own
        tails: dict[int, dict[int, tuple[Cell, str]]] = {}
        letters: list[str] = []
        try:
            for r, row in enumerate(rows, 1):
                count = r
                if len(row) > cols:
                    cols = len(row)
                    letters.extend(_column_letter(c) for c in range(len(letters) + 1, cols + 1))
                if len(out) > _FLUSH:
                    self._put("".join(out))
                    out.clear()
                append(f'<row r="{r}">')
                for c, cell in enumerate(row):
                    if cell is None:
                        continue
                    memo = tails.get(c)
                    if memo is None:
                        memo = tails[c] = {}
                    hit = memo.get(id(cell))
                    if hit is None:
                        value = cell.value
                        if type(value) is not str and not supported(value):
                            return False
                        if value is not None:
                            width = text_width(value)
                            if width > widest.get(c + 1, -1):
                                widest[c + 1] = width
                        if len(memo) >= _FLUSH:
                            memo.clear()
                        hit = memo[id(cell)] = (cell, _cell_tail(cell, index))
                    append(f'<c r="{letters[c]}{r}"{hit[1]}')
                append("</row>")
            self._put("".join(out))
            return True
        finally:
            # xlsx_layout.fit_columns on values: the widest cell of each column, padded and capped
            self.widths = {
                col: float(min(MAX_WIDTH, max(MIN_WIDTH, width + PADDING)))
                for col, width in widest.items()
            }
            self.rows, self.cols = count, cols

    def _put(self, text: str, final: bool = False) -> None:
        data = text.encode("utf-8")
        self.size += len(data)
        self._spool.write(self._deflate.compress(data))
        if final:
            self._spool.write(self._deflate.flush())
            self._spool.seek(0)

    def chunks(self) -> Iterator[bytes]:
        """The cells' XML back, a piece of the spool at a time; the spool is then closed."""
        inflate = zlib.decompressobj(-15)
        try:
            while block := self._spool.read(_CHUNK):
                yield inflate.decompress(block)
            yield inflate.flush()
        finally:
            self._spool.close()

    def close(self) -> None:
        self._spool.close()


class _Styles:
    """cellXfs built as they are needed: (numFmtId, bold, wrap, quote) -> index."""

    def __init__(self) -> None:
        self.formats: dict[str, int] = {}
        self.xfs: dict[tuple[int, bool, bool, bool], int] = {(0, False, False, False): 0}

    def index(self, number_format: str | None, bold: bool, wrap: bool, quote: bool) -> int:
        fmt = _BUILTIN_FORMATS.get(number_format)
        if fmt is None:
            fmt = self.formats.setdefault(number_format, 164 + len(self.formats))
        return self.xfs.setdefault((fmt, bold, wrap, quote), len(self.xfs))

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{i}" formatCode="{_escape(code)}"/>'
            for code, i in self.formats.items()
        )
        xfs = []
        for fmt, bold, wrap, quote in self.xfs:
            attrs = f'numFmtId="{fmt}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
            if fmt:
                attrs += ' applyNumberFormat="1"'
            if bold:
                attrs += ' applyFont="1"'
            if quote:
                attrs += ' quotePrefix="1"'
            if wrap:
                xfs.append(
                    f'<xf {attrs} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
                )
            else:
                xfs.append(f"<xf {attrs}/>")
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if formats else "")
            + '<fonts count="2"><font><sz val="11"/><color theme="1"/><name val="Calibri"/>'
            '<family val="2"/><scheme val="minor"/></font>'
            '<font><b val="1"/><sz val="11"/><color theme="1"/><name val="Calibri"/>'
            '<family val="2"/><scheme val="minor"/></font></fonts>'
            '<fills count="2"><fill><patternFill/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"


def _sheet_head(survey: _Survey) -> str:
    """The worksheet XML before its cells: the used range, frozen header, column widths."""
    widths = survey.widths
    last_col = survey.cols or 1
    last_row = max(survey.rows, 1)
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{_column_letter(last_col)}{last_row}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" '
        'sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
    )
    if widths:
        head += (
            "<cols>"
            + "".join(
                f'<col min="{col}" max="{col}" width="{widths[col]:g}" customWidth="1"/>'
                for col in sorted(widths)
            )
            + "</cols>"
        )
    return head + "<sheetData>"


def _sheet_tail(survey: _Survey) -> str:
    """The worksheet XML after its cells: print set-up (landscape when the columns are wide)."""
    orientation = "landscape" if sum(survey.widths.values()) > PORTRAIT_WIDTH else "portrait"
    return (
        '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" '
        f'footer="0.5"/><pageSetup paperSize="9" orientation="{orientation}" fitToWidth="1" '
        'fitToHeight="0"/><headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>'
        "</headerFooter></worksheet>"
    )


def _cell_tail(cell: Cell, index) -> str:
    """A cell's XML after its reference (``<c r="A2"`` + this): style, type and value. Text wraps
    when it has a line break or is wider than the widest column (xlsx_layout): a column is as wide
    as its widest cell up to MAX_WIDTH, so only text past the cap is wider than its column."""
    value = cell.value
    if value is None:
        s = index(cell.number_format, cell.bold, False, cell.quote)
        return f' s="{s}"/>' if s else "/>"
    if isinstance(value, bool):
        s = index(cell.number_format, cell.bold, False, cell.quote)
        return f' s="{s}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _NUMBERS):
        s = index(cell.number_format, cell.bold, False, cell.quote)
        return f' s="{s}" t="n"><v>{float(value):.16g}</v></c>'
    if isinstance(value, date):
        s = index(cell.number_format, cell.bold, False, cell.quote)
        return f' s="{s}" t="n"><v>{(value - _EPOCH).days}</v></c>'
    text = str(value)
    wrap = "\n" in text or _str_width(text) > MAX_WIDTH - PADDING
    s = index(cell.number_format, cell.bold, wrap, cell.quote)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f' s="{s}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def save_xlsx(sheets: list[Sheet], path: Path | str, as_of: date) -> Path | None:
    """Write the xlsx of ``sheets`` at path atomically, streamed: each sheet's rows are read once,
    their cells' XML deflated into a temporary spool while the column widths and used range are
    found, then written into the zip after the head those decide; so neither the cells nor the XML
    of a million-row sheet is ever held, and its rows are built once. None (nothing written) when
    a value is one this writer does not know."""
    styles = _Styles()
    surveys = _surveys(sheets, styles)
    if surveys is None:
        return None
    try:
        with atomic_file(path) as handle:
            _write(handle, sheets, surveys, styles, as_of)
    finally:
        for survey in surveys:
            survey.close()
    return Path(path)


def _surveys(sheets: list[Sheet], styles: _Styles) -> list[_Survey] | None:
    surveys: list[_Survey] = []
    try:
        for sheet in sheets:
            survey = _Survey(sheet.rows, styles)
            surveys.append(survey)
            if not survey.supported:
                break
        else:
            return surveys
    except BaseException:
        for made in surveys:
            made.close()
        raise
    for made in surveys:
        made.close()
    return None


def _write(
    handle: BinaryIO, sheets: list[Sheet], surveys: list[_Survey], styles: _Styles, as_of: date
) -> None:
    """The package, entry by entry. The worksheets come before xl/styles.xml: a sheet's cell
    styles are numbered as its XML is written, so the style sheet is known only after them."""
    theme_xml = THEME.read_text(encoding="utf-8")
    n = len(sheets)
    when = stamp(as_of).strftime("%Y-%m-%dT%H:%M:%SZ")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    content_types = (
        head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="{_CT}.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}.theme+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        "</Types>"
    )
    root_rels = (
        head + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )
    core = (
        head
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>sgov</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    app = (
        head + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel Compatible / sgov</Application>'
        "</Properties>"
    )
    workbook = (
        head + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews>'
        '<workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(
            f'<sheet name="{_escape(s.title)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, 1)
        )
        + "</sheets><definedNames>"
        + "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{_escape(_quoted(s.title))}!$1:$1</definedName>"
            for i, s in enumerate(sheets)
        )
        + '</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )
    workbook_rels = (
        head
        + f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_REL}/theme" Target="theme/theme1.xml"/>'
        "</Relationships>"
    )
    date_time = max((as_of.year, as_of.month, as_of.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0))

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", root_rels),
            ("docProps/app.xml", app),
            ("docProps/core.xml", core),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", workbook_rels),
        ):
            archive.writestr(entry(name), text.encode("utf-8"), compresslevel=_LEVEL)
        for i, survey in enumerate(surveys, 1):
            info = entry(f"xl/worksheets/sheet{i}.xml")
            info._compresslevel = _LEVEL  # noqa: SLF001 - what writestr sets for the other entries
            head = _sheet_head(survey).encode("utf-8")
            tail = _sheet_tail(survey).encode("utf-8")
            big = len(head) + survey.size + len(tail) >= zipfile.ZIP64_LIMIT  # only if needed
            with archive.open(info, "w", force_zip64=big) as out:
                out.write(head)
                for piece in survey.chunks():
                    out.write(piece)
                out.write(tail)
        for name, text in (("xl/styles.xml", styles.xml()), ("xl/theme/theme1.xml", theme_xml)):
            archive.writestr(entry(name), text.encode("utf-8"), compresslevel=_LEVEL)
