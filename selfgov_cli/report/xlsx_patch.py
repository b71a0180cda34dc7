"""Annotated copies of big ``.xlsx`` workbooks without openpyxl: the original zip, patched.

openpyxl loads every cell of a workbook into objects and writes every one back (about 1.7 s for a
5,000-row ledger). A copy only needs a few changes, so for a big workbook the original's parts are
copied as they are and only these are added or patched:

- ``xl/styles.xml``: three fills (error, warning, info), two fonts (bold, link) and, per original
  cell style of a marked cell, a copy of that style with the fill (``cellXfs`` appended, never
  reordered: every existing ``s=`` index keeps its meaning);
- the worksheets with marked cells: the ``s`` attribute of each marked cell (an empty marked cell
  is added as an empty ``<c>``), a ``<legacyDrawing>`` and two relationships (comments, VML);
- a comments part and a VML drawing per marked worksheet (what Excel needs to show the notes);
- a new first worksheet 问题清单 (inline strings, so ``sharedStrings.xml`` is untouched), and
  ``workbook.xml`` (the sheet listed first and active, ``localSheetId`` of defined names shifted),
  ``workbook.xml.rels`` and ``[Content_Types].xml``;
- ``tabSelected`` is cleared in the other worksheets.

Every cell's value and type is byte for byte the original's: the ``<v>``/``<is>`` of a cell, the
shared strings, number formats and formulas are never touched. Anything this module does not
recognise (strict OOXML, a prefixed worksheet, a sheet that already has comments or a legacy drawing,
a cell without its ``r`` address …) returns None, and the caller uses openpyxl instead.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_T_WORKSHEET = REL_NS + "/worksheet"
_T_COMMENTS = REL_NS + "/comments"
_T_VML = REL_NS + "/vmlDrawing"
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_CELL_TAG = re.compile(rb"<c(?=[\s/>])[^>]*?(/?)>")
_ROW_TAG = re.compile(rb"<row(?=[\s/>])[^>]*?(/?)>")
_REF = re.compile(r"^([A-Z]{1,3})([1-9]\d{0,6})$")


Piece = bytes | bytearray | memoryview  # a piece of a part: new bytes, or a view of the original
Part = bytes | bytearray | list[Piece]  # a part as read, or patched in pieces (never copied)


class Unsupported(Exception):
    """Something this patcher does not handle: the caller falls back to openpyxl."""


def _attrs(tag: str) -> dict[str, str]:
    return {k: unescape(v) for k, v in _ATTR.findall(tag)}


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _split_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref)
    if not m:
        raise Unsupported(f"cell reference {ref!r}")
    return int(m.group(2)), _col_number(m.group(1))


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _resolve(base_part: str, target: str) -> str:
    """A relationship target as a part name (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _read_rels(parts: dict[str, bytes], part: str) -> list[dict[str, str]]:
    data = parts.get(_rels_name(part))
    if data is None:
        return []
    text = data.decode("utf-8")
    return [_attrs(m) for m in re.findall(r"<Relationship\b[^>]*>", text)]


def _add_rels(parts: dict[str, bytes], part: str, new: list[tuple[str, str, str]]) -> None:
    """Append (id, type, target) relationships to a part's rels (created when missing)."""
    name = _rels_name(part)
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{_esc(target)}"/>'
        for rid, kind, target in new
    )
    data = parts.get(name)
    if data is None:
        parts[name] = (
            f'{_XML_HEAD}<Relationships xmlns="{PKG_REL_NS}">{items}</Relationships>'
        ).encode()
        return
    text = data.decode("utf-8")
    end = text.rfind("</Relationships>")
    if end < 0:
        if re.search(r"<Relationships\b[^>]*/>", text):
            text = re.sub(
                r"<Relationships\b([^>]*)/>", rf"<Relationships\1>{items}</Relationships>", text
            )
            parts[name] = text.encode("utf-8")
            return
        raise Unsupported("relationships part")
    parts[name] = (text[:end] + items + text[end:]).encode("utf-8")


def _free_id(rels: Iterable[dict[str, str]], n: int = 1) -> list[str]:
    taken = {r.get("Id") for r in rels}
    out, k = [], 1
    while len(out) < n:
        rid = f"rIdSgov{k}"
        if rid not in taken:
            out.append(rid)
        k += 1
    return out


def _free_part(parts: dict[str, bytes], pattern: str) -> str:
    k = 1
    while (name := pattern.format(k)) in parts:
        k += 1
    return name


class _Styles:
    """Appends fills, fonts and cell formats to styles.xml, keeping every existing index."""

    def __init__(self, data: bytes, fills: dict[str, str]):
        self.text = data.decode("utf-8")
        if "<cellXfs" not in self.text or "<fills" not in self.text or "<fonts" not in self.text:
            raise Unsupported("styles without cellXfs, fills or fonts")
        m = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", self.text, re.S)
        if not m:
            raise Unsupported("empty cellXfs")
        self.xfs = re.findall(r"<xf\b[^>]*/>|<xf\b[^>]*>.*?</xf>", m.group(1), re.S)
        if not self.xfs:
            raise Unsupported("no cell format")
        self.new_xfs: list[str] = []
        self.fill_ids = {
            name: self._append(
                "fills",
                "fill",
                f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/>'
                f'<bgColor rgb="00{rgb}"/></patternFill></fill>',
            )
            for name, rgb in fills.items()
        }
        self.bold_font = self._append("fonts", "font", '<font><b val="1"/><sz val="11"/></font>')
        self.link_font = self._append(
            "fonts",
            "font",
            '<font><color rgb="000563C1"/><sz val="11"/><u val="single"/></font>',
        )
        self.memo: dict[tuple, int] = {}

    def _append(self, group: str, item: str, xml: str) -> int:
        m = re.search(rf"<{group}\b([^>]*?)(/?)>", self.text)
        if not m:
            raise Unsupported(group)
        if m.group(2):  # <fills/>: no item yet
            index = 0
            self.text = (
                self.text[: m.start()]
                + f'<{group} count="1">{xml}</{group}>'
                + self.text[m.end() :]
            )
            return index
        end = self.text.index(f"</{group}>", m.end())
        index = len(re.findall(rf"<{item}\b[^>]*?(?:/>|>)", self.text[m.end() : end]))
        head = re.sub(r'\s*count="\d+"', "", m.group(0)[:-1]) + f' count="{index + 1}">'
        self.text = self.text[: m.start()] + head + self.text[m.end() : end] + xml + self.text[end:]
        return index

    def _xf(self, xml: str) -> int:
        index = len(self.xfs) + len(self.new_xfs)
        self.new_xfs.append(xml)
        return index

    def filled(self, style: int, severity: str) -> int:
        """The index of original cell format ``style`` with the severity's fill."""
        key = ("fill", style, severity)
        if key not in self.memo:
            base = self.xfs[style] if 0 <= style < len(self.xfs) else self.xfs[0]
            tag_end = base.index(">")
            tag, rest = base[:tag_end], base[tag_end:]
            if tag.endswith("/"):
                tag, rest = tag[:-1], "/" + rest
            tag = re.sub(r'\s(fillId|applyFill)="[^"]*"', "", tag)
            tag += f' fillId="{self.fill_ids[severity]}" applyFill="1"'
            self.memo[key] = self._xf(tag + rest)
        return self.memo[key]

    def plain(self, font: int = 0, fill: int = 0, quote: bool = False) -> int:
        key = ("plain", font, fill, quote)
        if key not in self.memo:
            extra = (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "")
            extra += ' quotePrefix="1"' if quote else ""
            self.memo[key] = self._xf(
                f'<xf numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{extra}/>'
            )
        return self.memo[key]

    def data(self) -> bytes:
        m = re.search(r"<cellXfs\b[^>]*>", self.text)
        assert m is not None
        end = self.text.index("</cellXfs>", m.end())
        head = re.sub(r'\s*count="\d+"', "", m.group(0)[:-1])
        head += f' count="{len(self.xfs) + len(self.new_xfs)}">'
        text = (
            self.text[: m.start()]
            + head
            + self.text[m.end() : end]
            + "".join(self.new_xfs)
            + self.text[end:]
        )
        return text.encode("utf-8")


def _mark_cells(xml: bytes, marks: dict[str, int], styles: _Styles) -> list[Piece]:
    """The worksheet with each marked cell's style index replaced (``marks``: ref → severity's
    filled style, computed from the cell's own style by ``styles``); missing cells are added.
    In pieces, the unchanged ones views of ``xml``: a 230 MB sheet is not copied."""
    start = xml.find(b"<sheetData")
    if start < 0:
        raise Unsupported("no sheetData")
    open_end = xml.index(b">", start) + 1
    if xml[open_end - 2 : open_end] == b"/>":  # <sheetData/>: open it
        xml = xml[: open_end - 2] + b"></sheetData>" + xml[open_end:]
        body_start = body_end = open_end - 1
        view = memoryview(xml)
    else:
        body_start = open_end
        body_end = xml.index(b"</sheetData>", body_start)
        view = memoryview(xml)
    by_row: dict[int, dict[int, str]] = {}
    for ref in marks:
        r, c = _split_ref(ref)
        by_row.setdefault(r, {})[c] = ref
    out: list[Piece] = [view[:body_start]]
    pos = body_start
    pending = sorted(by_row)
    for m in _ROW_TAG.finditer(xml, body_start, body_end):
        row_attrs = _attrs(m.group(0).decode("utf-8"))
        if "r" not in row_attrs:
            raise Unsupported("row without r")
        r = int(row_attrs["r"])
        while pending and pending[0] < r:  # marked rows missing from the sheet, before this one
            out.append(view[pos : m.start()])
            pos = m.start()
            out.append(_new_row(pending.pop(0), by_row, marks, styles))
        if not pending or pending[0] != r:
            continue
        pending.pop(0)
        cols = by_row[r]
        out.append(view[pos : m.start()])
        if m.group(1):  # <row …/>: no cell
            out.append(m.group(0)[:-2] + b">")
            out.append(_new_cells(sorted(cols.items()), marks, styles))
            out.append(b"</row>")
            pos = m.end()
            continue
        row_end = xml.index(b"</row>", m.end())
        out.append(m.group(0))
        pos = m.end()
        left = dict(cols)
        for cm in _CELL_TAG.finditer(xml, m.end(), row_end):
            tag = cm.group(0).decode("utf-8")
            attrs = _attrs(tag)
            if "r" not in attrs:
                raise Unsupported("cell without r")
            _, c = _split_ref(attrs["r"])
            before = sorted(k for k in left if k < c)
            if before:
                out.append(view[pos : cm.start()])
                pos = cm.start()
                out.append(_new_cells([(k, left.pop(k)) for k in before], marks, styles))
            if c in left:
                ref = left.pop(c)
                style = styles.filled(int(attrs.get("s", "0") or 0), _severity(marks[ref]))
                out.append(view[pos : cm.start()])
                new_tag = re.sub(r'\ss="[^"]*"', "", tag)
                new_tag = "<c" + f' s="{style}"' + new_tag[2:]
                out.append(new_tag.encode("utf-8"))
                pos = cm.end()
        if left:
            out.append(view[pos:row_end])
            pos = row_end
            out.append(_new_cells(sorted(left.items()), marks, styles))
    for r in pending:
        out.append(view[pos:body_end])
        pos = body_end
        out.append(_new_row(r, by_row, marks, styles))
    out.append(view[pos:])
    return out


_SEVERITIES = ("error", "warning", "info")


def _severity(code: int) -> str:
    return _SEVERITIES[code]


def _new_cells(items: list[tuple[int, str]], marks: dict[str, int], styles: _Styles) -> bytes:
    return "".join(
        f'<c r="{ref}" s="{styles.filled(0, _severity(marks[ref]))}"/>' for _, ref in items
    ).encode("utf-8")


def _new_row(r: int, by_row, marks, styles) -> bytes:
    return (
        f'<row r="{r}">'.encode() + _new_cells(sorted(by_row[r].items()), marks, styles) + b"</row>"
    )


_AFTER_LEGACY = tuple(
    re.compile(re.escape(marker))
    for marker in (
        b"<legacyDrawingHF",
        b"<drawingHF",
        b"<picture",
        b"<oleObjects",
        b"<controls",
        b"<webPublishItems",
        b"<tableParts",
        b"<extLst",
        b"</worksheet>",
    )
)


def _add_legacy_drawing(pieces: list[Piece], rid: str, xml: bytes | bytearray) -> list[Piece]:
    """The worksheet's pieces (`_mark_cells` of ``xml``) with ``<legacyDrawing>`` before the first
    element that must follow it (``xmlns:r`` declared on the root when it is not): only the
    pieces holding those change."""
    head = bytes(pieces[0])
    root = re.search(rb"<worksheet\b[^>]*>", head)
    if root is None:
        raise Unsupported("worksheet root")
    tag = root.group(0).decode("utf-8")
    declared = re.search(r'xmlns:r="([^"]*)"', tag)
    if declared and declared.group(1) != REL_NS:
        raise Unsupported("r prefix bound elsewhere")
    if not declared:
        tag = tag[:-1] + f' xmlns:r="{REL_NS}">'
        head = head[: root.start()] + tag.encode("utf-8") + head[root.end() :]
    pieces = [head, *pieces[1:]]
    drawing = f'<legacyDrawing r:id="{rid}"/>'.encode()
    last = pieces[-1]
    if isinstance(last, memoryview) and last.obj is xml:  # the rest of xml, after the marks
        start = len(xml) - len(last)
        for marker in _AFTER_LEGACY:
            at = xml.find(marker.pattern)
            if at >= start:  # where it always is: after sheetData, so in the last piece
                return [*pieces[:-1], last[: at - start], drawing, last[at - start :]]
            if at >= 0:
                break
    for marker in _AFTER_LEGACY:  # a marker among the marked rows: look in every piece
        for i, piece in enumerate(pieces):
            found = marker.search(piece)  # re reads a view in place: the part is not copied
            if found:
                at = found.start()
                return [*pieces[:i], piece[:at], drawing, piece[at:], *pieces[i + 1 :]]
    raise Unsupported("no end of worksheet")


def _clear_tab_selected(part: Part) -> Part:
    """The worksheet with ``tabSelected`` cleared in its sheet views (before ``<sheetData``);
    a big part is not copied: the rest of it follows as a view."""
    if isinstance(part, list):  # a patched sheet: its first piece holds the sheet views
        head = _clear_tab_selected(bytes(part[0]))
        return [*(head if isinstance(head, list) else [head]), *part[1:]]
    end = part.find(b"<sheetData")
    end = len(part) if end < 0 else end
    if b"tabSelected" not in part[:end]:
        return part
    return [re.sub(rb'\stabSelected="(1|true)"', b"", part[:end]), memoryview(part)[end:]]


def _comments_xml(comments: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f'<comment ref="{ref}" authorId="0"><text><t xml:space="preserve">{_esc(text)}</t>'
        "</text></comment>"
        for ref, text in comments
    )
    return (
        f'{_XML_HEAD}<comments xmlns="{MAIN_NS}"><authors><author>sgov</author></authors>'
        f"<commentList>{items}</commentList></comments>"
    ).encode()


def _vml(comments: list[tuple[str, str, int]], shape_base: int) -> bytes:
    """VML shapes for the notes (openpyxl's shapes: hidden until the cell is pointed at)."""
    shapes = []
    last = shape_base + len(comments)
    blocks = ",".join(str(b) for b in range(shape_base // 1024, last // 1024 + 1))
    for n, (ref, _, height) in enumerate(comments):
        row, col = _split_ref(ref)
        shapes.append(
            f'<v:shape id="_x0000_s{shape_base + n:04d}" type="#_x0000_t202" '
            f'style="position:absolute; margin-left:59.25pt;margin-top:1.5pt;width:360px;'
            f'height:{height}px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
            '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
            '<div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note">'
            "<x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row - 1}</x:Row><x:Column>{col - 1}</x:Column></x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/>'
        '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
        'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        + "".join(shapes)
        + "</xml>"
    ).encode("utf-8")


def _list_sheet(
    rows: list[list[Any]],
    row_styles: list[list[int]],
    links: list[tuple[str, str, str]],
    widths: list[int],
) -> bytes:
    """The 问题清单 worksheet: inline strings, frozen header, column widths, links to cells."""
    out = [
        f'{_XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/></sheetPr>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/><cols>'
    ]
    out += [
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    ]
    out.append("</cols><sheetData>")
    for r, (values, styles) in enumerate(zip(rows, row_styles, strict=True), start=1):
        out.append(f'<row r="{r}">')
        for c, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            ref = f"{_letters(c)}{r}"
            s = f' s="{style}"' if style else ""
            if value is None or value == "":
                if style:
                    out.append(f'<c r="{ref}"{s}/>')
            elif isinstance(value, int):
                out.append(f'<c r="{ref}"{s} t="n"><v>{value}</v></c>')
            else:
                out.append(
                    f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">'
                    f"{_esc(str(value))}</t></is></c>"
                )
        out.append("</row>")
    out.append("</sheetData>")
    if links:
        out.append("<hyperlinks>")
        out += [
            f'<hyperlink ref="{ref}" location="{_esc(location)}" display="{_esc(display)}"/>'
            for ref, location, display in links
        ]
        out.append("</hyperlinks>")
    out.append(
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        "</worksheet>"
    )
    return "".join(out).encode("utf-8")


def _patch_workbook(text: str, title: str, rid: str, sheet_id: int) -> str:
    m = re.search(r"<sheets>", text)
    if not m:
        raise Unsupported("no sheets")
    text = (
        text[: m.end()]
        + f'<sheet name="{_esc(title)}" sheetId="{sheet_id}" r:id="{rid}"/>'
        + text[m.end() :]
    )

    def view(match: re.Match) -> str:
        tag = re.sub(r'\s(activeTab|firstSheet)="[^"]*"', "", match.group(1))
        return tag + ' activeTab="0"' + match.group(2)

    text = re.sub(r"(<workbookView\b[^>]*?)(/?>)", view, text)
    return re.sub(
        r'(<definedName\b[^>]*\blocalSheetId=")(\d+)"',
        lambda d: f'{d.group(1)}{int(d.group(2)) + 1}"',
        text,
    )


def patch_annotated(
    source: Path,
    marks: dict[str, dict[str, tuple[int, str, int]]],
    list_title: str,
    rows: list[list[Any]],
    row_kinds: list[list[str]],
    links: list[tuple[str, str, str]],
    widths: list[int],
    fills: dict[str, str],
    when: datetime,
) -> bytes | None:
    """The annotated copy of ``source`` as xlsx bytes, or None when the patcher cannot do it.

    marks: sheet name → {cell ref: (severity code 0/1/2, comment text, comment height)};
    rows/row_kinds: the 问题清单 values and, per value, its look ("", "bold", "error", "warning",
    "info", "link", "quote"); links: (ref, location, display) of the list's hyperlinks."""
    try:
        return _patch(source, marks, list_title, rows, row_kinds, links, widths, fills, when)
    except (Unsupported, ValueError, KeyError, IndexError, UnicodeDecodeError, zipfile.BadZipFile):
        return None


def _patch(source, marks, list_title, rows, row_kinds, links, widths, fills, when) -> bytes:
    with zipfile.ZipFile(source) as archive:
        infos = archive.infolist()
        if len({i.filename for i in infos}) != len(infos):
            raise Unsupported("duplicate zip entries")
        parts = {i.filename: _read(archive, i) for i in infos}
    order = [i.filename for i in infos]
    workbook_part = "xl/workbook.xml"
    for rel in _read_rels(parts, ""):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook_part = _resolve("", rel.get("Target", ""))
    if workbook_part not in parts or "[Content_Types].xml" not in parts:
        raise Unsupported("package layout")
    workbook = parts[workbook_part].decode("utf-8")
    if f'xmlns="{MAIN_NS}"' not in workbook or f'xmlns:r="{REL_NS}"' not in workbook:
        raise Unsupported("workbook namespaces")
    wb_rels = _read_rels(parts, workbook_part)
    by_id = {r.get("Id"): r for r in wb_rels}
    sheets: dict[str, str] = {}  # name -> part
    sheet_ids = []
    for tag in re.findall(r"<sheet\b[^>]*>", workbook):
        attrs = _attrs(tag)
        rel = by_id.get(attrs.get("r:id"))
        if rel is None or not rel.get("Type", "").endswith("/worksheet"):
            if rel is not None and attrs.get("name") in marks:
                raise Unsupported("a marked sheet that is not a worksheet")
            sheet_ids.append(int(attrs.get("sheetId", "0")))
            continue
        sheets[attrs["name"]] = _resolve(workbook_part, rel["Target"])
        sheet_ids.append(int(attrs.get("sheetId", "0")))
    if not sheets:
        raise Unsupported("no worksheet")
    style_rel = next((r for r in wb_rels if r.get("Type", "").endswith("/styles")), None)
    if style_rel is None:
        raise Unsupported("no styles part")
    styles_part = _resolve(workbook_part, style_rel["Target"])
    styles = _Styles(parts[styles_part], fills)
    content_types = parts["[Content_Types].xml"].decode("utf-8")
    overrides: list[tuple[str, str]] = []
    shape_base = 1024
    for name, cells in marks.items():
        part = sheets.get(name)
        if part is None or not cells:
            continue
        xml = parts[part]
        if not isinstance(xml, (bytes, bytearray)):
            raise Unsupported("two sheets of one part")
        if not re.search(rb"<worksheet\b", xml) or b"<legacyDrawing " in xml:
            raise Unsupported("prefixed worksheet or one with a legacy drawing")
        rels = _read_rels(parts, part)
        if any(r.get("Type") in (_T_COMMENTS, _T_VML) for r in rels):
            raise Unsupported("sheet already has comments")
        codes = {ref: code for ref, (code, _, _) in cells.items()}
        pieces = _mark_cells(xml, codes, styles)
        rid_comments, rid_vml = _free_id(rels, 2)
        comments_part = _free_part(parts, "xl/comments/sgov{}.xml")
        vml_part = _free_part(parts, "xl/drawings/sgovDrawing{}.vml")
        shape_base = (shape_base // 1024 + 1) * 1024 + 2
        ordered = sorted(cells.items(), key=lambda item: _split_ref(item[0]))
        parts[comments_part] = _comments_xml([(ref, text) for ref, (_, text, _) in ordered])
        parts[vml_part] = _vml([(ref, text, h) for ref, (_, text, h) in ordered], shape_base)
        shape_base += len(ordered)
        order += [comments_part, vml_part]
        _add_rels(
            parts,
            part,
            [
                (
                    rid_comments,
                    _T_COMMENTS,
                    posixpath.relpath(comments_part, posixpath.dirname(part)),
                ),
                (rid_vml, _T_VML, posixpath.relpath(vml_part, posixpath.dirname(part))),
            ],
        )
        if _rels_name(part) not in order:
            order.append(_rels_name(part))
        parts[part] = _add_legacy_drawing(pieces, rid_vml, xml)
        overrides.append((comments_part, _CT_COMMENTS))
    for part in sheets.values():
        parts[part] = _clear_tab_selected(parts[part])
    # the 问题清单 sheet
    looks = {
        "": 0,
        "bold": styles.plain(font=styles.bold_font),
        "link": styles.plain(font=styles.link_font),
        "quote": styles.plain(quote=True),
    }
    for severity in fills:
        looks[severity] = styles.plain(fill=styles.fill_ids[severity])
    list_part = _free_part(parts, "xl/worksheets/sgovIssues{}.xml")
    parts[list_part] = _list_sheet(
        rows, [[looks[k] for k in kinds] for kinds in row_kinds], links, widths
    )
    order.append(list_part)
    overrides.append((list_part, _CT_SHEET))
    (rid_list,) = _free_id(wb_rels)
    _add_rels(
        parts,
        workbook_part,
        [(rid_list, _T_WORKSHEET, posixpath.relpath(list_part, posixpath.dirname(workbook_part)))],
    )
    parts[workbook_part] = _patch_workbook(
        workbook, list_title, rid_list, max(sheet_ids, default=0) + 1
    ).encode("utf-8")
    parts[styles_part] = styles.data()
    if not re.search(r'<Default\b[^>]*Extension="vml"', content_types, re.I):
        vml_default = f'<Default Extension="vml" ContentType="{_CT_VML}"/>'
    else:
        vml_default = ""
    added = vml_default + "".join(
        f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in overrides
    )
    end = content_types.rfind("</Types>")
    if end < 0:
        raise Unsupported("content types")
    parts["[Content_Types].xml"] = (content_types[:end] + added + content_types[end:]).encode(
        "utf-8"
    )
    return _zip(parts, order, when)


_BIG_PART = 1 << 22  # a worksheet this big (uncompressed) is read into a buffer of its size
_MAX_RATIO = 1032  # deflate's bound on inflated / compressed size: a bigger claim is a lie


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | bytearray:
    """A part's bytes. A big worksheet is inflated into a buffer of its size, 1 MB at a time:
    ``ZipFile.read`` holds it about twice while it inflates (a 230 MB ledger: 520 MB)."""
    size = info.file_size
    if (
        size < _BIG_PART
        or size > _MAX_RATIO * info.compress_size + 1024
        or not info.filename.startswith("xl/worksheets/")
    ):
        return archive.read(info)
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    with archive.open(info) as handle:
        while done < size:
            got = handle.readinto(view[done : done + (1 << 20)])
            if not got:
                break
            done += got
        if done != size or handle.read(1):  # reading past the end also checks the CRC
            raise zipfile.BadZipFile(f"{info.filename}: size differs from the directory's")
    return data


def _zip(parts: dict[str, Part], order: list[str], when: datetime) -> bytes:
    date_time = max((when.year, when.month, when.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for name in order:
            if name in seen or name not in parts:
                continue
            seen.add(name)
            entry = zipfile.ZipInfo(name, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            part = parts[name]
            if isinstance(part, list):  # written piece by piece, as writestr writes the whole
                entry.file_size = sum(len(piece) for piece in part)  # writestr's Zip64 choice
                with target.open(entry, "w") as handle:
                    for piece in part:
                        view = memoryview(piece)
                        for at in range(0, len(view), 1 << 20):  # deflated 1 MB at a time
                            handle.write(view[at : at + (1 << 20)])
            else:
                target.writestr(entry, part)
    return out.getvalue()


def sheet_names(source: Path) -> list[str] | None:
    """The sheet names of an xlsx in workbook order (None when its workbook part cannot be read)."""
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            parts = {
                name: archive.read(name)
                for name in ("_rels/.rels", "xl/workbook.xml")
                if name in names
            }
            workbook_part = "xl/workbook.xml"
            for rel in _read_rels(parts, ""):
                if rel.get("Type", "").endswith("/officeDocument"):
                    workbook_part = _resolve("", rel.get("Target", ""))
            if workbook_part not in names:
                return None
            text = archive.read(workbook_part).decode("utf-8")
    except Exception:
        return None
    return [_attrs(tag).get("name", "") for tag in re.findall(r"<sheet\b[^>]*>", text)]
