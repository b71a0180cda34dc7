"""Output safety shared by every writer: masking, scrubbing, formula-proof cells, atomic files.

Every writer goes through this module, one function per medium:

- personal data (``selfgov_cli.privacy``: phones, identity numbers, e-mail, bank cards) is masked
  in everything but the annotated copies (``mask=False`` there), and with it go the invisible
  characters (zero-width spaces, bidi overrides such as U+202E) that could hide a number or make a
  line read backwards;
- ``mask_name("张三丰") == "张*丰"``, ``"李四" -> "李*"``, ``"欧阳娜娜" -> "欧阳*娜"``.
- xlsx: ``put(ws, row, col, value)`` writes a value that is never a formula or an error code and
  never an illegal XML character. Text starting with ``= + - @`` (or equal to an error code such as
  ``#N/A``) is written as a one-run ``CellRichText`` (an inline string openpyxl never binds as a
  formula) with the quote prefix set, so it stays text when a clerk edits the cell in Excel or WPS.
  ``safe_cell(value)`` is the value alone.
- csv: ``csv_text(value)``: text starting with ``= + - @``, a tab or a CR gets a leading ``'``.
- json: ``json_text(payload)``: every string masked; control characters are escaped by JSON itself.
- terminal: ``terminal_text(text)``: escape sequences (CSI, OSC incl. OSC 8 links) and C0/C1
  control characters removed (newline and tab kept), personal data masked.
- logs: ``log_text(text)``: the same on one line — a newline in a file name cannot forge a line.
- html: autoescaped by Jinja (report/env.py); md: escaped by ``env.md_escape``.
- ``atomic_write(path, data)``: temporary file in the same folder, fsync, ``os.replace``; the
  temporary name is short whatever the file's name (an 80-character Chinese name is 240 bytes).
  ``atomic_file(path)``: the same as a ``with`` block handing out the open file (streamed writers).
- ``check_output(folder, output)``: ``-o`` never names an input, the sgov.toml, or a place inside
  the program folder outside ``sgov-output/``.
- ``workbook_bytes(wb, as_of)`` / ``save_workbook(wb, path, as_of)``: byte-identical xlsx for the same
  content and date (fixed document properties and zip entry times derived from ``as_of``).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from selfgov_cli.privacy import (  # noqa: F401 - re-exported
    MASK,
    readable,
    scrub,
    scrub_data,
    scrub_value,
)
from selfgov_cli.report.json_fast import json_pieces

# Two-character (compound) surnames: 复姓. A name starting with one keeps both characters.
COMPOUND_SURNAMES = frozenset(
    """
    欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳
    公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西
    颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生
    公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 西门 公祖 第五 公乘 贯丘 公皙 南荣
    东里 东宫 仲长 子书 子桑 即墨 达奚 褚师 淳于 单于 呼衍
    """.split()
)

_NAME_SEPARATORS = re.compile(r"([、，,;；/／\s]+)")
_BRACKETED = re.compile(r"[（(【\[［][^（()）【】\[\]［］]*[）)】\]］]")
_CJK_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff·]+$")
FORMULA_START = ("=", "+", "-", "@")
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
# XML 1.0 forbids these control characters; openpyxl raises on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def mask_one(name: str) -> str:
    """One person's name: surname plus ``*``, plus the last character when the given name has two or more."""
    name = name.strip()
    if not name:
        return ""
    surname_len = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    surname, given = name[:surname_len], name[surname_len:]
    if len(given) >= 2:
        return f"{surname}*{given[-1]}"
    return f"{surname}*"


def mask_name(name: Any) -> str:
    """Mask every name in a field (``张三丰、李四`` -> ``张*丰、李*``); scrubs numbers first.

    A note in brackets is dropped (``张三丰（退休教师）`` -> ``张*丰``, never ``张*）``), and a name
    spaced out to line up in a form is one name (``王　芳`` -> ``王*``, ``欧阳 娜娜`` -> ``欧阳*娜``)."""
    if name is None:
        return ""
    text = _BRACKETED.sub("", scrub(str(name))).strip()
    parts = _join_spaced(_NAME_SEPARATORS.split(text))
    return "".join(
        part if i % 2 else (MASK if part == MASK else mask_one(part))
        for i, part in enumerate(parts)
    )


def _join_spaced(parts: list[str]) -> list[str]:
    """[name, separator, name, …] with a lone surname joined to the name after a space: one Chinese
    character, or a 复姓, cannot be a whole name (``张 三`` is 张三, ``张三 李四`` stays two)."""
    out = parts[:1]
    for i in range(1, len(parts) - 1, 2):
        separator, following = parts[i], parts[i + 1]
        head = out[-1]
        if (
            not separator.strip()
            and _CJK_NAME.match(following)
            and _CJK_NAME.match(head)
            and (len(head) == 1 or head in COMPOUND_SURNAMES)
        ):
            out[-1] = head + following
        else:
            out += [separator, following]
    return out


def clean_text(text: str) -> str:
    """Remove characters that cannot be written into XML (xlsx, html); the bytes of a file name
    that is not UTF-8 made readable (``privacy.readable``: also for the annotated copies)."""
    return _ILLEGAL.sub("", readable(text))


def is_dangerous(text: str) -> bool:
    """Text a spreadsheet would take for a formula or an error value."""
    return text.startswith(FORMULA_START) or text.strip() in _ERROR_CODES


def safe_value(value: Any, mask: bool = True) -> Any:
    """A value as every output writes it: personal data masked (``mask``: every output but the
    annotated copies), no character XML cannot hold. Text may still look like a formula."""
    if mask:
        value = scrub_value(value)
    return clean_text(value) if isinstance(value, str) else value


def safe_cell(value: Any, mask: bool = True) -> Any:
    """A value safe to assign to an openpyxl cell: never a formula, never an illegal character.

    ``mask``: personal data masked (every output but the annotated copies)."""
    value = safe_value(value, mask)
    if isinstance(value, str) and is_dangerous(value):
        from openpyxl.cell.rich_text import CellRichText

        return CellRichText([value])
    return value


def put(ws, row: int, col: int, value: Any, number_format: str | None = None, mask: bool = True):
    """Write one value into ``ws`` at (row, col), 1-based, safely; returns the cell."""
    cell = ws.cell(row=row, column=col)
    cell.value = safe_cell(value, mask)
    if isinstance(value, str) and is_dangerous(str(cell.value)):
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    return cell


_CSV_DANGER = (*FORMULA_START, "\t", "\r")


def csv_text(value: Any, mask: bool = True) -> str:
    """A CSV field that a spreadsheet will not run as a formula (and, by default, masked)."""
    if value is None:
        return ""
    text = clean_text(scrub(value) if mask else str(value))
    return "'" + text if text.startswith(_CSV_DANGER) else text


def json_text(payload: Any, indent: int | None = 2) -> str:
    """JSON for a file or stdout, every string with its personal data masked."""
    return "".join(json_chunks(payload, indent))


def json_chunks(payload: Any, indent: int | None = 2) -> Iterator[str]:
    """json_text in pieces of about 64 KB, built as they are written: with a privacy.Lazy list in
    the payload (validate's findings), a million findings never exist as one string or as a
    million dicts. The text is exactly json.dumps(..., ensure_ascii=False, indent=indent)."""
    if indent is not None:
        yield from json_pieces(payload, indent)  # the fast writer (report/json_fast.py)
        return
    import json

    encoder = json.JSONEncoder(ensure_ascii=False, indent=indent)
    batch: list[str] = []
    size = 0
    for piece in encoder.iterencode(scrub_data(payload), _one_shot=False):
        batch.append(piece)
        size += len(piece)
        if size >= 65536:
            yield "".join(batch)
            batch.clear()
            size = 0
    batch.append("\n")
    yield "".join(batch)


# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST, e.g. OSC 8 links), other ESC sequences,
# then any C0 control but newline and tab, DEL and C1 controls (U+0080-U+009F, incl. 8-bit CSI/OSC).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[@-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def terminal_text(text: Any, mask: bool = True) -> str:
    """Text fit for a terminal: no escape sequences or control characters, personal data masked."""
    if text is None:
        return ""
    text = str(text)
    text = _ESCAPES.sub("", text) if _has_control(text) else text
    return scrub(text) if mask else text


def log_text(text: Any) -> str:
    """One log line: like terminal_text, and a newline (or CR) shows as ``⏎`` instead of breaking it."""
    return terminal_text(str(text).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎"))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


class OutputRefused(ValueError):
    """An output path that would write over an input; the message is for the clerk (exit 2)."""


def check_output(
    folder: Path | str, output: Path | str, what: str = "-o", place: str = "项目文件夹"
) -> None:
    """Refuse an output path (file or folder) that is an input workbook, the sgov.toml, or any
    place inside the program folder outside ``sgov-output/``. Call before anything is written.
    place: how the messages name the folder (an earlier year's folder `history` names is checked
    too: it is read as an input as well)."""
    # start-up: this module is on every command's start-up path (the safe console); the loader
    # (calamine, the cache, the table readers) is only needed once an output is to be written
    from selfgov_cli.io.loader import OUTPUT_DIR, discover

    root = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(output))
    if target == root / "sgov.toml":
        raise OutputRefused(
            f"{what} {output} 是{place}的设置文件 sgov.toml，不能覆盖：请换一个位置"
        )
    try:
        inputs = {Path(os.path.realpath(root / rel)) for rel in discover(root)}
    except OSError:
        inputs = set()
    if target in inputs:
        raise OutputRefused(f"{what} {output} 是{place}中的输入文件，不能覆盖：请换一个文件名")
    try:
        rel = target.relative_to(root)
    except ValueError:
        return
    if not rel.parts:
        raise OutputRefused(
            f"{what} {output} 是{place}本身，不能写入：请省略 {what}（默认写到 {OUTPUT_DIR}）或另选位置"
        )
    if rel.parts[0] != OUTPUT_DIR:
        raise OutputRefused(
            f"{what} {output} 在{place}里、{OUTPUT_DIR} 之外，可能覆盖文件或下次被当作输入读取："
            f"请写到 {OUTPUT_DIR} 下或{place}之外"
        )


def check_outputs(
    folder: Path | str, output: Path | str, history: list[tuple[str, Path]], what: str = "-o"
) -> None:
    """check_output for the program folder and for every earlier year sgov.toml's `history` names
    (entry as written, path): a year's folder is read as an input too, so nothing may be written
    into it outside its sgov-output, and a record may not be written over."""
    check_output(folder, output, what)
    for entry, path in history:
        kind = "项目文件夹" if path.is_dir() else "记录"
        place = f"上年的{kind} {entry}（sgov.toml 的 history）"
        if path.is_dir():
            check_output(path, output, what, place)
        elif os.path.realpath(path) == os.path.realpath(output):
            raise OutputRefused(f"{what} {output} 是{place}，不能覆盖：请换一个位置")


AS_OF_FIRST, AS_OF_LAST = date(1990, 1, 1), date(2099, 12, 31)


def as_of_problem(day: date) -> str:
    """Why a calculation date cannot be used ('' when it can): outside 1990–2099.

    Dates are written into xlsx files (zip entry times end in 2107) and dated folders; a date far
    out (``9999-12-31``) would overflow date arithmetic before anything useful could be said."""
    if AS_OF_FIRST <= day <= AS_OF_LAST:
        return ""
    return (
        f"计算日期 {day.isoformat()} 超出可用范围（{AS_OF_FIRST.isoformat()} 至 "
        f"{AS_OF_LAST.isoformat()}）；请检查 --as-of"
    )


def atomic_write(path: Path | str, data: bytes | str | Iterable[str]) -> Path:
    """Write the whole file or nothing: a temporary file in the same folder, then ``os.replace``.
    `data` may be pieces of text (json_chunks), written as they come."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_file(path) as handle:
        if isinstance(data, bytes | bytearray):
            handle.write(data)
        else:
            for piece in data:
                handle.write(piece.encode("utf-8"))
    return Path(path)


@contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """A binary file to write into, put at `path` whole when the block ends (fsync, then
    ``os.replace``), or not at all when it raises: what a streamed writer (a zip written entry
    by entry) uses instead of building the bytes first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".sgov-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def stamp(as_of: date) -> datetime:
    """The fixed document time written into files rendered for ``as_of`` (midnight of that day)."""
    return datetime(as_of.year, as_of.month, as_of.day)


def workbook_bytes(wb, as_of: date) -> bytes:
    """The xlsx bytes of an openpyxl workbook; same content and date give the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    when = stamp(as_of)
    wb.properties.created = when
    wb.properties.modified = when
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _fixed_zip(raw.getvalue(), when)


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Re-pack a zip with every entry dated ``when`` (zip times cannot be before 1980)."""
    date_time = max((when.year, when.month, when.day, 0, 0, 0), (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def save_workbook(wb, path: Path | str, as_of: date) -> Path:
    """Write an openpyxl workbook atomically and deterministically."""
    return atomic_write(path, workbook_bytes(wb, as_of))
