"""Opening one spreadsheet file safely with python-calamine: raw grids, merged ranges, formulas.

Every limit is checked before the file is expanded: a zip's entries are decompressed here in
bounded chunks (whatever their headers claim) before calamine sees them, and a sheet's extent
is checked before it becomes Python objects. Problems raise Unreadable (SG001) with a message
for the clerk. Nothing here ever writes to the file.
"""

from __future__ import annotations

import csv
import errno
import io
import logging
import os
import re
import stat
import struct
import sys
import tempfile
import threading
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_UNZIPPED = 200 * 1024 * 1024  # SG001: a zip that expands past 200 MB (all entries together)
MAX_FILE = 200 * 1024 * 1024  # SG001: an .xls, .ods or .csv file over 200 MB on disk
MAX_ROWS = 1_000_000  # SG001: a sheet over 1,000,000 rows
MAX_CELLS = 20_000_000  # SG001: a sheet whose used range (rows x columns) is over 20 million cells
MAX_COLUMNS = 16_384  # SG001: a row with cells past Excel's last column XFD (cells per row)
MAX_CELL_CHARS = 32_767  # SG001: one cell's text over Excel's own limit (bytes per cell)
_MAX_CELL_BYTES = MAX_CELL_CHARS * 4  # the same in UTF-8 XML, markup included (an upper bound)
MAX_TEXT = 50_000_000  # SG001: text a sheet expands to (shared strings x uses, ODS repeats), chars
_BIG_STRING = 4096  # shared strings at least this long (bytes of XML) are counted per use
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
# Spreadsheets of other formats a clerk may keep in the folder (WPS's own, Excel's binary and
# templates, Numbers): not read (workbooks.md lists the formats), but each one is an SG001
# finding saying how to convert it, never skipped in silence (a ledger saved as .et would
# otherwise simply be missing from the money).
OTHER_SPREADSHEETS = {
    ".et": "WPS 表格文件（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
    ".xlt": "Excel 模板（.xlt）",
    ".xltx": "Excel 模板（.xltx）",
    ".xltm": "Excel 模板（.xltm）",
    ".numbers": "Numbers 表格（.numbers）",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CHUNK = 1 << 20
_ERROR_MARK = re.compile(rb"""t=(?:"e"|'e')""")  # an error cell (#DIV/0!): one pass
_DEFLATE_MAX_RATIO = 1100  # deflate cannot expand more than ~1032:1

ENCRYPTED = "文件已加密，请去除密码后重新提交"
ZIP_BOMB = "文件解压后超过 200 MB（可能是压缩炸弹），已拒绝读取；请检查文件来源"
CORRUPT = "文件已损坏或不是有效的电子表格；请用 Excel 或 WPS 打开后重新保存"
GONE = "文件在读取时已不存在（可能被移动或删除）；请确认文件还在后重新运行"
DENIED = "没有权限读取该文件；请检查文件权限，或关闭占用它的程序后重新运行"

# calamine panics turning such a number into a date (chrono: "TimeDelta::… out of bounds").
BAD_DATE_NUMBER = (
    "工作表“{sheet}”中有设为日期格式的单元格，数值超出日期范围（可能是金额或号码被设成了日期格式），"
    "整张表无法读取；请把这些单元格改为“常规”格式或改正数值后重新保存"
)

_log = logging.getLogger("sgov.io")


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
    has_formulas: bool = True  # False when the zip scan saw no formula in any sheet

    def blank_formulas(self, sheet: str) -> frozenset[tuple[int, int]]:
        """Cells of a sheet holding a formula with no saved value (xlsx/xlsm only; lazy)."""
        if not self.has_formulas:
            return frozenset()  # no need to open the zip again
        if sheet not in self.formula_cache:
            self.formula_cache[sheet] = _blank_formulas(self.path, sheet)
        return self.formula_cache[sheet]


NOT_REGULAR = "不是普通文件（可能是文件夹、管道、设备或套接字），已跳过"


def is_regular(path: Path) -> bool:
    """A regular file (after symlinks): the only kind sgov ever opens (a FIFO would block)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: Path):
    """Open a file for reading without ever blocking: a FIFO, device or socket raises Unreadable.

    O_NONBLOCK makes opening a FIFO return at once; fstat then checks what was opened (no race
    between a check and the open)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable(NOT_REGULAR)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def sniff(path: Path) -> str:
    """What the file really is, by its first bytes: zip, ole, html, xml, text, binary or empty."""
    with open_regular(path) as handle:
        head = handle.read(512)
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body")):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "html" if b"<html" in lowered else "xml"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text (Excel's "Unicode text" export)
    if b"\x00" in head:
        return "binary"
    return "text"


def _os_message(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return DENIED
    if isinstance(exc, FileNotFoundError):
        return GONE
    if exc.errno == errno.ELOOP:
        return "文件是循环的快捷方式（符号链接指向自己），无法读取；请换成真正的文件"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    return f"无法读取该文件（系统错误 {exc.errno}）；请确认文件完好、未被占用后重新运行"


def open_book(path: Path) -> RawBook:
    """Read every sheet of a spreadsheet file. Raises Unreadable with a clerk's message."""
    suffix = path.suffix.lower()
    if suffix in OTHER_SPREADSHEETS:
        raise Unreadable(
            f"这是{OTHER_SPREADSHEETS[suffix]}，sgov 只能读取 .xlsx、.xlsm、.xls、.ods 和 .csv："
            "请用 WPS 或 Excel 打开后另存为 .xlsx，并把原文件移出项目文件夹"
        )
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(NOT_REGULAR)
        kind = sniff(path)
    except OSError as exc:
        raise Unreadable(_os_message(exc)) from exc
    if kind == "empty" or info.st_size == 0:
        raise Unreadable("文件是空的（0 字节）；请重新保存后提交")
    if suffix == ".csv":
        return _open_csv(path, info.st_size)
    if kind == "html":
        raise Unreadable(
            "文件其实是网页（HTML）导出，不是 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx"
        )
    if kind == "xml":
        raise Unreadable(
            "文件其实是 XML 表格（Excel 2003 XML 导出），不是 .xlsx；请用 Excel 或 WPS 打开后另存为 .xlsx"
        )
    if kind == "text":
        raise Unreadable(
            "文件其实是文本（可能是 CSV 导出），不是 Excel 文件；请另存为 .xlsx 或改名为 .csv"
        )
    if kind == "binary":
        raise Unreadable("文件不是电子表格，无法读取；请确认提交的是 Excel 或 WPS 表格文件")
    errors: set[str] = set()
    formulas = True
    if kind == "zip":
        errors, formulas = _check_zip(path)
    else:  # ole: an old .xls, or an encrypted .xlsx/.xls
        if info.st_size > MAX_FILE:
            raise Unreadable("文件超过 200 MB，已拒绝读取；请拆分后重新提交")
        _check_ole(path)
    return _open_calamine(path, errors, formulas)


# -- zip containers (.xlsx, .xlsm, .ods) ----------------------------------------------------


def _check_zip(path: Path) -> tuple[set[str], bool]:
    """Refuse bombs, encryption and oversized sheets; return the sheet entries with error cells,
    and whether any sheet holds a formula (if none does, no formula can lack its value)."""
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as raw:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            declared = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise Unreadable(ENCRYPTED)
                declared += info.file_size
            if declared > MAX_UNZIPPED:
                for info in infos:  # a genuine huge workbook says so: name its sheet and rows
                    if _is_sheet_entry(info.filename) and info.file_size > MAX_ROWS * 10:
                        _check_dimension(archive, info)
                if all(_ratio(info) <= _GENUINE_RATIO for info in infos):
                    raise Unreadable(_too_big_message(declared))
                raise Unreadable(ZIP_BOMB)
            budget = [MAX_UNZIPPED]
            worst = sum(_worst_size(i) for i in infos)
            with_errors: set[str] = set()
            formulas = False
            big: dict[int, int] = {}  # shared string index -> bytes, for the long ones
            infos.sort(key=lambda i: i.filename != _SHARED)  # its sizes are needed by the sheets
            for info in infos:
                is_sheet = _is_sheet_entry(info.filename)
                if info.filename == _SHARED:
                    big = _scan_shared(_chunks(archive, raw, info, budget))
                    continue
                if not is_sheet and worst <= MAX_UNZIPPED:
                    continue  # cannot expand past the limit whatever its header says
                if is_sheet and info.file_size > MAX_ROWS * 10:
                    _check_dimension(archive, info)
                scan = _scan_entry(archive, raw, info, budget, is_sheet, big)
                has_errors, rows, cols, has_formula = scan[:4]
                formulas = formulas or has_formula
                problem = _extent_problem(rows, cols, *scan[4:])
                if problem:
                    raise Unreadable(problem(_entry_sheet_name(archive, info.filename)))
                if has_errors:
                    with_errors.add(info.filename)
            return with_errors, formulas
    except zipfile.BadZipFile as exc:
        raise Unreadable(CORRUPT) from exc
    except (EOFError, zlib.error, struct.error, NotImplementedError, ValueError) as exc:
        raise Unreadable(CORRUPT) from exc
    except OSError as exc:
        raise Unreadable(_os_message(exc)) from exc


# Sheet XML that Excel or WPS writes deflates about 5-15 to 1; a bomb's, hundreds to 1.
_GENUINE_RATIO = 50


def _ratio(info: zipfile.ZipInfo) -> float:
    return info.file_size / max(info.compress_size, 1)


def _too_big_message(declared: int) -> str:
    """A workbook over the limit whose parts compress like real sheets: too big, not a bomb."""
    return (
        f"文件解压后约 {declared / 1024 / 1024:,.0f} MB，超过 {MAX_UNZIPPED / 1024 / 1024:,.0f} MB 的上限，"
        "已拒绝读取；请把数据拆分到几个文件后重新提交"
    )


def _is_sheet_entry(name: str) -> bool:
    return (name.startswith("xl/worksheets/") and name.endswith(".xml")) or name == "content.xml"


def _worst_size(info: zipfile.ZipInfo) -> int:
    if info.compress_type == zipfile.ZIP_STORED:
        return max(info.compress_size, info.file_size)
    return max(info.compress_size * _DEFLATE_MAX_RATIO, info.file_size)


def _chunks(archive: zipfile.ZipFile, raw, info: zipfile.ZipInfo, budget: list[int]):
    """The entry's real bytes in bounded chunks, whatever its header claims; charges the budget."""
    if info.compress_type == zipfile.ZIP_DEFLATED:
        raw.seek(info.header_offset)
        header = raw.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local header")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        raw.seek(info.header_offset + 30 + name_len + extra_len)
        inflater = zlib.decompressobj(-15)
        left = info.compress_size
        pending = b""
        while left > 0 or pending:
            if not pending:
                pending = raw.read(min(_CHUNK, left))
                if not pending:
                    break
                left -= len(pending)
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            budget[0] -= len(out)
            if budget[0] < 0:
                raise Unreadable(ZIP_BOMB)
            if out:
                yield out
            if inflater.eof:
                break
        return
    with archive.open(info) as handle:  # stored, or a method calamine would refuse anyway
        while chunk := handle.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Unreadable(ZIP_BOMB)
            yield chunk


_WIDE_HINT = re.compile(rb'r="[A-Z]{2}')  # a cell past column Z (one pass, no copy)
_WIDE_REF = re.compile(rb'\br="([A-Z]{2,3})\d')
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_SHARED = "xl/sharedStrings.xml"
_SHARED_USE = re.compile(rb'<c\b[^>]*\bt="s"[^>]*>\s*<v>(\d+)</v>')


def _scan_shared(chunks) -> dict[int, int]:
    """Stream the shared strings: refuse one over Excel's 32,767 characters; return the long
    ones (index -> bytes) so that their uses can be counted in the sheets.

    A string is read once but becomes one Python string per cell using it: a 1 MB string used
    400 times once cost 700 MB. Bytes of XML between two </si> bound the characters from above.
    """
    big: dict[int, int] = {}
    carry = b""
    index = 0
    for chunk in chunks:
        pieces = (carry + chunk).split(b"</si>")
        carry = pieces.pop()
        if len(carry) > _MAX_CELL_BYTES:
            raise Unreadable(_CELL_TOO_LONG)
        if pieces and max(map(len, pieces)) >= _BIG_STRING:
            for i, piece in enumerate(pieces):
                if len(piece) > _MAX_CELL_BYTES:
                    raise Unreadable(_CELL_TOO_LONG)
                if len(piece) >= _BIG_STRING:
                    big[index + i] = len(piece)
        index += len(pieces)
    return big


_CELL_TOO_LONG = (
    f"有单元格的文字超过 {MAX_CELL_CHARS:,} 个字符（Excel 单元格的上限），已拒绝读取；"
    "请检查文件来源，或删去过长的内容后重新保存"
)


def _scan_entry(
    archive,
    raw,
    info,
    budget: list[int],
    is_sheet: bool,
    big: dict[int, int] | None = None,
    count_cells: bool = False,
) -> tuple[bool, int, int, bool, int, int]:
    """Expand one entry chunk by chunk: (has error cells, last row, widest column or 0 if <= Z,
    may hold a formula, cells, characters of long shared strings as used).

    Rows and columns are read from the cell references, so a sheet whose used range would be
    enormous (one cell at XFD1048576) is refused before calamine builds that range in memory.
    Cells are counted by their tags (a cell need not say where it is), but only in an entry of
    more than 3 x MAX_CELLS bytes: each tag takes 3 bytes or more, so a smaller one cannot hold
    more than MAX_CELLS and its count changes nothing (cells is then 0). Past that size the
    entry is read again from its start, counting.
    """
    tail = b""
    ods = info.filename == "content.xml"
    found, rows, cols, formula, cells, text = False, 0, 0, ods, 0, 0
    counter = _OdsScan() if ods and is_sheet else None
    carry = b""  # long shared strings: the part of the XML after the last whole cell
    budget_before, seen = budget[0], 0
    for chunk in _chunks(archive, raw, info, budget):
        if not is_sheet:
            continue
        if counter is not None:
            counter.feed(chunk)
            continue
        window = tail + chunk
        tail = chunk[-32:]
        if not found:
            found = _ERROR_MARK.search(window) is not None
        if not formula:
            formula = b"<f" in window
        if count_cells:
            cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/>")
        else:
            seen += len(chunk)
            if seen > 3 * MAX_CELLS:
                budget[0] = budget_before
                return _scan_entry(archive, raw, info, budget, is_sheet, big, True)
        at = window.rfind(b"<row r=")
        if at >= 0:
            match = _ROW_NUMBER.match(window, at)
            if match:
                rows = max(rows, int(match.group(1)))
        if _WIDE_HINT.search(window):
            cols = max([cols] + [_col_index(m.group(1)) + 1 for m in _WIDE_REF.finditer(window)])
        if big:
            data = carry + chunk
            end = data.rfind(b"</c>") + 4
            for match in _SHARED_USE.finditer(data, 0, max(end, 0)):
                text += big.get(int(match.group(1)), 0)
            carry = data[end:] if end >= 4 else data
            if text > MAX_TEXT:
                break
        if cells > MAX_CELLS or text > MAX_TEXT or cols > MAX_COLUMNS:
            break  # refused by the caller: no need to read on
    if counter is not None:
        counter.close()
        return found, counter.rows, counter.width, formula, counter.cells, counter.text
    return found, rows, cols, formula, cells, text


def _extent_problem(rows: int, cols: int, cells: int, text: int):
    """A function of the sheet name giving the clerk's message, or None when within limits."""
    if rows > MAX_ROWS:
        return lambda name: _rows_message(name, rows)
    if cols > MAX_COLUMNS:
        return lambda name: (
            f"{_where(name)}有一行超过 {MAX_COLUMNS:,} 列（Excel 的上限），已拒绝读取；"
            "请检查文件来源，或删除多余的列后重新保存"
        )
    if cells > MAX_CELLS or (cols and rows * cols > MAX_CELLS):
        return lambda name: _cells_message(name, rows, max(cols, 1), cells)
    if text > MAX_TEXT:
        return lambda name: (
            f"{_where(name)}展开后的文字超过 {MAX_TEXT:,} 个字符（同一段长文字被大量重复引用），"
            "已拒绝读取；请检查文件来源，或删去重复的长文字后重新保存"
        )
    return None


_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_NS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODS_TABLE = f"{_NS_TABLE}|table"
_ODS_ROW = f"{_NS_TABLE}|table-row"
_ODS_CELLS = (f"{_NS_TABLE}|table-cell", f"{_NS_TABLE}|covered-table-cell")
_ODS_ROWS_REPEATED = f"{_NS_TABLE}|number-rows-repeated"
_ODS_COLS_REPEATED = f"{_NS_TABLE}|number-columns-repeated"
_ODS_VALUE_TYPE = f"{_NS_OFFICE}|value-type"
_ODS_SPACES = f"{_NS_TEXT}|s"
_ODS_SPACE_COUNT = f"{_NS_TEXT}|c"


class _OdsScan:
    """What calamine would expand an ODS content.xml to, counted while it streams by.

    ODS writes a repeated row or cell once with a count (table:number-rows-repeated,
    table:number-columns-repeated); calamine expands each repeat. An 898-byte file repeating
    one 4 KB row a million times once asked for 7 GB. Per table: the last row with content
    (counting repeats), the widest row with content, the cells and the characters of the
    expanded content. Empty repeats (LibreOffice ends a sheet with a million empty rows) cost
    nothing. Raises Unreadable as soon as a table passes a limit.
    """

    def __init__(self) -> None:
        import xml.parsers.expat

        self.parser = xml.parsers.expat.ParserCreate(namespace_separator="|")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._chars
        self.rows = self.width = self.cells = self.text = 0  # the largest table's
        self._table()
        self.name = ""

    def _table(self) -> None:
        self.t_pos = self.t_last = self.t_width = self.t_cells = self.t_text = 0
        self.r_repeat = 1
        self.r_pos = self.r_last = self.r_text = 0
        self.c_repeat = self.c_text = 0
        self.c_value = self.in_cell = False

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except Unreadable:
            raise
        except Exception as exc:  # expat.ExpatError, a bad count
            raise Unreadable(CORRUPT) from exc

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except Exception as exc:
            raise Unreadable(CORRUPT) from exc

    @staticmethod
    def _count(value: str | None) -> int:
        if not value:
            return 1
        count = int(value)
        return count if count > 0 else 1

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name in _ODS_CELLS:
            self.in_cell = True
            self.c_repeat = self._count(attrs.get(_ODS_COLS_REPEATED))
            self.c_value = _ODS_VALUE_TYPE in attrs
            self.c_text = 0
        elif name == _ODS_ROW:
            self.r_repeat = self._count(attrs.get(_ODS_ROWS_REPEATED))
            self.r_pos = self.r_last = self.r_text = 0
        elif name == _ODS_SPACES and self.in_cell:
            self.c_text += self._count(attrs.get(_ODS_SPACE_COUNT))
        elif name == _ODS_TABLE:
            self._table()
            self.name = attrs.get(f"{_NS_TABLE}|name", "")

    def _chars(self, data: str) -> None:
        if self.in_cell:
            self.c_text += len(data)

    def _end(self, name: str) -> None:
        if name in _ODS_CELLS:
            self.in_cell = False
            if self.c_value or self.c_text:
                self.r_last = self.r_pos + self.c_repeat
                self.r_text += self.c_repeat * self.c_text
            self.r_pos += self.c_repeat
        elif name == _ODS_ROW:
            if self.r_last:
                repeat = self.r_repeat
                self.t_last = self.t_pos + repeat
                self.t_width = max(self.t_width, self.r_last)
                self.t_cells += repeat * self.r_last
                self.t_text += repeat * self.r_text
                self.rows, self.width = max(self.rows, self.t_last), max(self.width, self.t_width)
                self.cells = max(self.cells, self.t_cells)
                self.text = max(self.text, self.t_text)
                problem = _extent_problem(self.t_last, self.t_width, self.t_cells, self.t_text)
                if problem:
                    raise Unreadable(problem(self.name))
            self.t_pos += self.r_repeat


def _entry_sheet_name(archive: zipfile.ZipFile, entry: str) -> str | None:
    for name in _sheet_names(archive):
        if _sheet_xml(archive, name) == entry:
            return name
    return None


def _sheet_names(archive: zipfile.ZipFile) -> list[str]:
    from xml.etree import ElementTree as ET

    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError):
        return []
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    return [node.get("name", "") for node in workbook.iter(f"{ns_main}sheet")]


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def _check_dimension(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A big sheet that declares more than MAX_ROWS rows is refused before it is expanded."""
    with archive.open(info) as handle:
        rows = _dimension_rows(handle.read(4096))
    if rows and rows > MAX_ROWS:
        raise Unreadable(_rows_message(_entry_sheet_name(archive, info.filename), rows))


def _dimension_rows(head: bytes) -> int | None:
    match = _DIMENSION.search(head)
    if match and match.group(1):
        return int(match.group(1))
    return None


def _where(sheet: str | None) -> str:
    return f"工作表“{sheet}”" if sheet else "工作表"


def _rows_message(sheet: str | None, rows: int) -> str:
    return (
        f"{_where(sheet)}有 {rows:,} 行，超过 {MAX_ROWS:,} 行的上限，已拒绝读取；请拆分后重新提交"
    )


def _cells_message(sheet: str | None, rows: int, cols: int, cells: int = 0) -> str:
    if cells > MAX_CELLS and rows * cols <= MAX_CELLS:
        return (
            f"{_where(sheet)}有 {cells:,} 个单元格，超过 {MAX_CELLS:,} 个单元格的上限，"
            "已拒绝读取；请拆分后重新提交"
        )
    return (
        f"{_where(sheet)}的使用区域有 {rows:,} 行 × {cols:,} 列，超过 {MAX_CELLS:,} 个单元格的上限，"
        "已拒绝读取；请删除远处的多余内容后重新保存"
    )


def _check_ole(path: Path) -> None:
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    if _ENCRYPTED_MARK in data:
        raise Unreadable(ENCRYPTED)


# -- reading with calamine -------------------------------------------------------------------


def _open_calamine(path: Path, error_entries: set[str], formulas: bool = True) -> RawBook:
    with native_stderr_to_log(path):
        raw = _read_calamine(path, formulas)
    if error_entries:
        _put_error_values(raw, error_entries)
    return raw


def _read_calamine(path: Path, formulas: bool) -> RawBook:
    import python_calamine as pc

    try:
        book = _calamine_book(pc, path)
    except pc.PasswordError as exc:
        raise Unreadable(ENCRYPTED) from exc
    except BaseException as exc:  # calamine raises many kinds (even panics) for broken files
        _reraise_interrupt(exc)
        if not path.exists():
            raise Unreadable(GONE) from exc
        raise Unreadable(
            _os_message(exc) if isinstance(exc, OSError) and exc.errno else CORRUPT
        ) from exc
    sheets: list[RawSheet] = []
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            sheets.append(_read_sheet(book, meta.name, "Visible" not in str(meta.visible)))
    finally:
        try:
            book.close()
        except BaseException:  # pragma: no cover - closing never matters to the clerk
            pass
    return RawBook(sheets, path, has_formulas=formulas)


def _calamine_book(pc, path: Path):
    """calamine's workbook of a file. Calamine takes a path only as UTF-8: a name that is not (a zip
    made on a Chinese Windows, unpacked on Linux, names its files in GBK) was "not found", and a
    sound workbook was refused as SG001 "已损坏". Such a file is opened here and calamine reads it
    through /proc/self/fd (Linux, where such names exist), else from the open file."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with open_regular(path) as handle:
            proc = f"/proc/self/fd/{handle.fileno()}"
            if os.path.exists(proc):
                return pc.CalamineWorkbook.from_path(proc)
            return pc.CalamineWorkbook.from_filelike(handle)
    return pc.CalamineWorkbook.from_path(name)


# Rust code in calamine prints a panic's message (and with RUST_BACKTRACE a backtrace) straight to
# file descriptor 2 before the panic reaches Python as an exception, which becomes SG001. While
# calamine reads, fd 2 points at a temporary file (one per process, emptied after each use); what
# was printed goes to the debug log. On Windows the C runtime's dup2 also resets the process's
# standard error handle, which Rust writes to.
_SINKS: dict[int, Any] = {}  # process id -> its temporary file (a forked worker opens its own)
_SINK_LOCK = threading.Lock()


@contextmanager
def native_stderr_to_log(path: Path):
    """Run the body with file descriptor 2 pointing at a temporary file; log what was printed."""
    with _SINK_LOCK:
        try:
            sink = _SINKS.get(os.getpid())
            if sink is None:
                sink = _SINKS[os.getpid()] = tempfile.TemporaryFile()
            sys.stderr.flush()  # what Python buffered goes out before, where it belongs
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):  # no fd 2, no temporary folder: read as is
            yield
            return
        try:
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            _drain(sink, path)


def _drain(sink, path: Path) -> None:
    try:
        size = os.fstat(sink.fileno()).st_size
        if not size:
            return
        sink.seek(0)
        text = sink.read(min(size, 64 * 1024)).decode("utf-8", "replace")
        sink.seek(0)
        sink.truncate()
    except OSError:  # pragma: no cover - a temporary file that cannot be read back
        return
    _log.debug("calamine printed while reading %s:\n%s", path.name, text.rstrip())


def _reraise_interrupt(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise exc


def _read_sheet(book, name: str, hidden: bool) -> RawSheet:
    try:
        sheet = book.get_sheet_by_name(name)
        end = sheet.end
        if end is not None:
            rows, cols = end[0] + 1, end[1] + 1
            if rows > MAX_ROWS:
                raise Unreadable(_rows_message(name, rows))
            if rows * cols > MAX_CELLS:
                raise Unreadable(_cells_message(name, rows, cols))
        values = sheet.to_python(skip_empty_area=False)
        merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    except Unreadable:
        raise
    except BaseException as exc:
        _reraise_interrupt(exc)
        if type(exc).__name__ == "PanicException" and "out of" in str(exc):
            raise Unreadable(BAD_DATE_NUMBER.format(sheet=name)) from exc
        raise Unreadable(
            f"工作表“{name}”已损坏，无法读取；请用 Excel 或 WPS 打开后重新保存"
        ) from exc
    return RawSheet(name, values, merged, hidden)


# -- error cells (#DIV/0!, #REF! …), which calamine reads as empty ---------------------------

_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb"""\bt=["']e["']""")
_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _put_error_values(book: RawBook, entries: set[str]) -> None:
    """Write each error cell's text (#DIV/0!) into the grid, so it is reported, not taken as empty."""
    try:
        with zipfile.ZipFile(book.path) as archive:
            for sheet in book.sheets:
                target = _sheet_xml(archive, sheet.name)
                if target not in entries:
                    continue
                for (row, col), text in _error_cells(archive.read(target)).items():
                    if row < len(sheet.rows):
                        line = sheet.rows[row]
                        if col >= len(line):
                            line.extend([""] * (col + 1 - len(line)))
                        line[col] = text
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return  # the cells stay empty; the file was readable, so nothing worse than before


def _error_cells(data: bytes) -> dict[tuple[int, int], str]:
    found = {}
    for match in _CELL.finditer(data):
        attrs = match.group(1)
        if not _ERROR_TYPE.search(attrs):
            continue
        ref = _REF.search(attrs)
        value = _VALUE.search(match.group(2) or b"")
        if ref:
            text = value.group(1).decode("utf-8", "replace") if value else "#VALUE!"
            found[(int(ref.group(2)) - 1, _col_index(ref.group(1)))] = text or "#VALUE!"
    return found


# -- CSV ---------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Unreadable("CSV 文件标明是 UTF-8 编码，但内容有损坏；请重新导出") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Unreadable("CSV 文件标明是 UTF-16 编码，但内容有损坏；请重新导出") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            "无法识别 CSV 文件的编码（不是 UTF-8 也不是 GBK/GB18030）；请另存为 UTF-8 或 .xlsx"
        ) from exc


def _open_csv(path: Path, size: int) -> RawBook:
    if size > MAX_FILE:
        raise Unreadable("CSV 文件超过 200 MB，已拒绝读取；请拆分后重新提交")
    try:
        with open_regular(path) as handle:
            data = handle.read()
    except OSError as exc:
        raise Unreadable(_os_message(exc)) from exc
    text = decode_text(data)
    del data
    if "\x00" in text:
        text = text.replace("\x00", "")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows: list[list[Any]] = []
    fed = [0, 0]  # delimiters and characters given to the csv reader since its last record
    cells = 0
    if csv.field_size_limit() != MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)
    try:
        lines = _bounded_lines(io.StringIO(text, newline=""), delimiter, fed)
        for line in csv.reader(lines, delimiter=delimiter):
            fed[0] = fed[1] = 0
            rows.append(line)
            cells += len(line)
            if len(rows) > MAX_ROWS:
                raise Unreadable(
                    f"CSV 文件超过 {MAX_ROWS:,} 行的上限，已拒绝读取；请拆分后重新提交"
                )
            if cells > MAX_CELLS:
                raise Unreadable(
                    f"CSV 文件超过 {MAX_CELLS:,} 个单元格的上限，已拒绝读取；请拆分后重新提交"
                )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Unreadable(
                f"CSV 文件有字段超过 {MAX_CELL_CHARS:,} 个字符（Excel 单元格的上限），已拒绝读取；"
                "请检查引号是否配对后重新导出"
            ) from exc
        raise Unreadable(
            "CSV 文件格式有误（引号不配对或字段过长）；请用 Excel 或 WPS 打开后重新导出"
        ) from exc
    return RawBook([RawSheet(path.stem, rows)], path)


_MAX_RECORD_CHARS = 4 * 1024 * 1024  # one CSV record (line, or lines inside quotes)


def _bounded_lines(lines, delimiter: str, fed: list[int]):
    """The lines for csv.reader, refusing a record of more than MAX_COLUMNS fields or 4 M
    characters before the reader builds it (30 MB of commas once made a list of 30 million
    fields). `fed` counts since the reader's last record; the caller resets it."""
    for line in lines:
        fed[0] += line.count(delimiter)
        fed[1] += len(line)
        if fed[0] >= MAX_COLUMNS:
            raise Unreadable(
                f"CSV 文件有一行超过 {MAX_COLUMNS:,} 个字段（Excel 的列数上限），已拒绝读取；"
                "请检查文件来源后重新导出"
            )
        if fed[1] > _MAX_RECORD_CHARS:
            raise Unreadable(
                "CSV 文件有一行超过 400 万个字符，已拒绝读取；请检查引号是否配对后重新导出"
            )
        yield line


# -- formulas with no saved value (calamine shows them as empty) ---------------------------


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
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
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
    try:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    rel_id = None
    for node in workbook.iter(f"{ns_main}sheet"):
        if node.get("name") == sheet:
            rel_id = node.get(f"{ns_rel}id")
    if not rel_id:
        return None
    for node in rels:
        if node.get("Id") == rel_id:
            target = node.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None
