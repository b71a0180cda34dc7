"""Opening one spreadsheet file safely with python-calamine: raw grids, merged ranges, formulas."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_UNZIPPED = 200 * 1024 * 1024  # SG001: a zip that expands past 200 MB
MAX_ROWS = 1_000_000  # SG001: a sheet over 1,000,000 rows
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class Unreadable(Exception):
    """The file cannot be read as a workbook; the message is for the clerk (SG001)."""


@dataclass(slots=True)
class RawSheet:
    """One sheet as a grid of raw values; row 0 is the sheet's row 1, column 0 is column A."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    hidden: bool = False
    formulas_without_value: frozenset[tuple[int, int]] | None = None

    def value(self, row: int, col: int) -> Any:
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                return line[col]
        return None


@dataclass(slots=True)
class RawBook:
    sheets: list[RawSheet]
    path: Path
    formula_cache: dict[str, frozenset[tuple[int, int]]] = field(default_factory=dict)

    def blank_formulas(self, sheet: str) -> frozenset[tuple[int, int]]:
        """Cells of a sheet holding a formula with no saved value (xlsx/xlsm only; lazy)."""
        if sheet not in self.formula_cache:
            self.formula_cache[sheet] = _blank_formulas(self.path, sheet)
        return self.formula_cache[sheet]


def sniff(path: Path) -> str:
    """What the file really is, by its first bytes: zip, ole, html, text or empty."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if total > MAX_UNZIPPED:
                    raise Unreadable("文件解压后超过 200 MB（可能是压缩炸弹），已拒绝读取；请检查文件来源")
                if info.flag_bits & 0x1:
                    raise Unreadable("文件已加密，请去除密码后重新提交")
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    with archive.open(info) as handle:
                        rows = _dimension_rows(handle.read(4096))
                    if rows and rows > MAX_ROWS:
                        raise Unreadable(
                            f"工作表有 {rows:,} 行，超过 1,000,000 行的上限，已拒绝读取；请拆分后重新提交"
                        )
    except zipfile.BadZipFile as exc:
        raise Unreadable("文件已损坏，不是有效的 Excel 文件；请用 Excel 或 WPS 打开后重新保存") from exc


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def _dimension_rows(head: bytes) -> int | None:
    match = _DIMENSION.search(head)
    if match and match.group(1):
        return int(match.group(1))
    return None


def _check_ole(path: Path) -> None:
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    if _ENCRYPTED_MARK in data:
        raise Unreadable("文件已加密，请去除密码后重新提交")


def open_book(path: Path) -> RawBook:
    """Read every sheet of a spreadsheet file. Raises Unreadable with a clerk's message."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        kind = sniff(path)
    except PermissionError as exc:
        raise Unreadable("没有权限读取该文件；请检查文件权限或是否被其他程序占用") from exc
    except FileNotFoundError as exc:
        raise Unreadable("文件在读取时已不存在（可能被移动或删除）") from exc
    except OSError as exc:
        raise Unreadable(f"无法读取该文件：{exc.strerror or exc}") from exc
    if kind == "empty" or size == 0:
        raise Unreadable("文件是空的（0 字节）；请重新保存后提交")
    if suffix == ".csv":
        return _open_csv(path)
    if kind == "html":
        raise Unreadable("文件其实是网页（HTML）导出，不是 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx")
    if kind == "text":
        raise Unreadable("文件其实是文本（可能是 CSV 导出），不是 Excel 文件；请另存为 .xlsx 或改名为 .csv")
    if kind == "zip":
        _check_zip(path)
    elif kind == "ole":
        _check_ole(path)
    elif kind == "binary":
        raise Unreadable("文件不是电子表格，无法读取")
    return _open_calamine(path)


def _open_calamine(path: Path) -> RawBook:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise Unreadable("文件已加密，请去除密码后重新提交") from exc
    except Exception as exc:  # calamine raises many kinds for broken files
        raise Unreadable("文件已损坏或不是有效的电子表格；请用 Excel 或 WPS 打开后重新保存") from exc
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                if sheet.height > MAX_ROWS:
                    raise Unreadable(
                        f"工作表“{meta.name}”有 {sheet.height:,} 行，超过 1,000,000 行的上限，已拒绝读取"
                    )
                rows = sheet.to_python(skip_empty_area=False)
                merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
            except Unreadable:
                raise
            except Exception as exc:
                raise Unreadable(f"工作表“{meta.name}”已损坏，无法读取") from exc
            hidden = "Visible" not in str(meta.visible)
            sheets.append(RawSheet(meta.name, rows, merged, hidden))
    finally:
        try:
            book.close()
        except Exception:  # pragma: no cover - closing never matters to the clerk
            pass
    return RawBook(sheets, path)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise Unreadable("无法识别 CSV 文件的编码；请另存为 UTF-8 或 .xlsx") from exc


def _open_csv(path: Path) -> RawBook:
    data = path.read_bytes()
    if len(data) > MAX_UNZIPPED:
        raise Unreadable("CSV 文件超过 200 MB，已拒绝读取；请拆分后重新提交")
    text = decode_text(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows: list[list[Any]] = []
    try:
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(list(line))
            if len(rows) > MAX_ROWS + 1:
                raise Unreadable("CSV 超过 1,000,000 行的上限，已拒绝读取；请拆分后重新提交")
    except csv.Error as exc:
        raise Unreadable(f"CSV 文件格式有误：{exc}") from exc
    return RawBook([RawSheet(path.stem, rows)], path)


# -- formulas with no saved value (calamine shows them as empty) ---------------------------

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _col_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _blank_formulas(path: Path, sheet: str) -> frozenset[tuple[int, int]]:
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return frozenset()
    try:
        with zipfile.ZipFile(path) as archive:
            target = _sheet_xml(archive, sheet)
            if not target:
                return frozenset()
            data = archive.read(target)
    except (OSError, zipfile.BadZipFile, KeyError):
        return frozenset()
    if b"<f" not in data:
        return frozenset()
    found = set()
    for match in _CELL.finditer(data):
        body = match.group(2) or b""
        if b"<f" in body and (b"<v>" not in body or b"<v></v>" in body):
            ref = _REF.search(match.group(1))
            if ref:
                found.add((int(ref.group(2)) - 1, _col_index(ref.group(1))))
    return frozenset(found)


def _sheet_xml(archive: zipfile.ZipFile, sheet: str) -> str | None:
    from xml.etree import ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rel_id = None
    for node in workbook.iter(f"{ns_main}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{ns_rel}id")
    if not rel_id:
        return None
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for node in rels:
        if node.get("Id") == rel_id:
            target = node.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
