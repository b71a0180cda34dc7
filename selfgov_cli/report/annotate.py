"""Annotated copies of the input workbooks: offending cells filled and commented, plus 问题清单.

For every input workbook with findings, a copy goes to ``OUT/annotated/<same relative path>``.
- a finding on a cell: that cell is filled (red: error, amber: warning, blue: info) and gets a
  comment with the rule id, the message, the fix and the clause (several findings share one comment);
- a finding on a row only: the row's cell in column A;
- a finding on a project only: the project's 项目编号 cell;
- a first sheet ``问题清单`` lists every finding of the file, with a link to its cell.
``.xlsx`` copies keep their name; other formats (``.xlsm``, ``.xls``, ``.ods``, ``.csv``) are copied
as values into ``<name>.xlsx`` (macros are never copied); when that name is taken (``同名.xls`` beside
``同名.xls.xlsx``) or too long for the disk, a distinct one is chosen (``annotated_names``).
The originals are only ever read.

Every original cell keeps its value and type — no masking (the copies go back to their authors) —
and text stays text: a text cell ``=HYPERLINK(…)`` is still a text cell in the copy. A workbook whose
merged ranges cover more than MAX_MERGED_CELLS cells is copied as values without the merges (openpyxl
would expand them cell by cell); one with more than MAX_COPY_CELLS cells is not copied at all (openpyxl
holds about 1 KB a cell: a 100,000-row ledger with 200,000 findings once took 2.3 GB). At most
MAX_NOTES findings of a file are marked and listed; the list then says how many more validate.json has.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from selfgov_cli.io.workbook import is_regular, open_book
from selfgov_cli.model import column_key
from selfgov_cli.report.copy_store import CopyStore
from selfgov_cli.report.env import ReportError
from selfgov_cli.report.safe import (
    atomic_write,
    is_dangerous,
    put,
    safe_cell,
    save_workbook,
    scrub,
    stamp,
)
from selfgov_cli.report.xlsx_patch import patch_annotated, sheet_names

ANNOTATED_DIR = "annotated"
MAX_MERGED_CELLS = 1_000_000  # merged area (all sheets) above which openpyxl is not used
MAX_COPY_CELLS = 300_000  # cells above which no annotated copy is written
MAX_NOTES = 5_000  # findings marked and listed in one copy; the rest are counted in 问题清单
_NAME_BYTES = 250  # a file name longer than this (UTF-8) is shortened (most disks: 255)
LIST_SHEET = "问题清单"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def annotated_name(rel: str) -> str:
    """Relative path of the annotated copy of input file ``rel`` (alone; see annotated_names)."""
    return rel if rel.lower().endswith(".xlsx") else f"{rel}.xlsx"


def annotated_names(rels: Iterable[str]) -> dict[str, str]:
    """Distinct copy paths for input files: ``.xlsx`` keep their name, others get ``.xlsx`` added,
    numbered (``同名.xls(2).xlsx``) when that name is another copy's, shortened when too long.

    Two names are one when they differ only by case or Unicode normalisation (``café`` composed or
    decomposed): Windows and macOS disks, and the zip or share a clerk sends the copies on in, take
    them for the same file, and one copy would replace the other."""
    import hashlib
    import os
    import unicodedata

    def same(path: str) -> str:
        return unicodedata.normalize("NFC", path).casefold()

    rels = sorted(rels, key=lambda rel: (not rel.lower().endswith(".xlsx"), rel))
    taken: set[str] = set()
    out: dict[str, str] = {}
    for rel in rels:
        folder, _, name = rel.rpartition("/")
        base = name if name.lower().endswith(".xlsx") else f"{name}.xlsx"
        stem = base[:-5]
        if len(os.fsencode(base)) > _NAME_BYTES:  # bytes on disk (a GBK name's, too)
            tag = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=4).hexdigest()
            while len(os.fsencode(f"{stem}~{tag}.xlsx")) > _NAME_BYTES:
                stem = stem[:-1]
            stem = f"{stem}~{tag}"
            base = f"{stem}.xlsx"
        n = 2
        while same(f"{folder}/{base}" if folder else base) in taken:
            base = f"{stem}({n}).xlsx"
            n += 1
        target = f"{folder}/{base}" if folder else base
        taken.add(same(target))
        out[rel] = target
    return out


def placed(validation) -> dict[str, list[tuple[Any, str | None, str | None]]]:
    """Findings by file: (finding, sheet, cell) where the note goes (cell None: file level)."""
    out: dict[str, list] = {}
    for file, note in _places(validation):
        out.setdefault(file, []).append(note)
    return out


class Shown(list):
    """The notes one copy marks and lists — the first MAX_NOTES of its file in 问题清单 order,
    kept in their own order — and how many more the file has (`more`, counted in 问题清单)."""

    def __init__(self, notes: Iterable[tuple[Any, str | None, str | None]], more: int = 0):
        super().__init__(notes)
        self.more = more


class _First:
    """The first MAX_NOTES notes in 问题清单 order, gathered one at a time in bounded memory
    (cut back to MAX_NOTES whenever 4 × MAX_NOTES are held); `shown()` gives them in their own
    order with how many more there were."""

    def __init__(self) -> None:
        self.items: list[tuple[tuple, int, tuple]] = []
        self.count = 0

    def add(self, note: tuple[Any, str | None, str | None]) -> None:
        self.items.append((_list_order(note), self.count, note))
        self.count += 1
        if len(self.items) >= 4 * MAX_NOTES:
            self.items = heapq.nsmallest(MAX_NOTES, self.items)

    def shown(self) -> Shown:
        first = sorted(heapq.nsmallest(MAX_NOTES, self.items), key=lambda item: item[1])
        return Shown((note for _, _, note in first), self.count - len(first))


def shown(validation) -> dict[str, Shown]:
    """placed(), each file's notes cut to those its copy shows as they are gathered: 2,000,000
    findings of one ledger are never held as notes (nor hashed, nor sent to a worker)."""
    kept: dict[str, _First] = {}
    for file, note in _places(validation):
        first = kept.get(file)
        if first is None:
            first = kept[file] = _First()
        first.add(note)
    return {file: first.shown() for file, first in kept.items()}


def _places(validation) -> Iterator[tuple[str, tuple[Any, str | None, str | None]]]:
    """(file, (finding, sheet, cell)) of every finding with a file, in the findings' order."""
    projects = validation.data.project_map()
    for finding in validation.findings:
        file, sheet, cell = finding.file, finding.sheet, finding.cell
        if not cell and finding.row and sheet:
            cell = f"A{finding.row}"
        if not cell and finding.project_id in projects:
            where = projects[finding.project_id].cell("project_id")
            if where.file and (file is None or where.file == file) and where.cell:
                file, sheet, cell = where.file, where.sheet, where.cell
        if file:
            yield file, (finding, sheet if cell else None, cell)


# Every .xlsx is annotated by patching its zip (report/xlsx_patch.py): only that keeps each original
# cell exactly, formulas with their saved values included (openpyxl drops the saved values). What
# the patcher declines, and .xlsm/.xls/.ods/.csv (copied as values to .xlsx), go through openpyxl.
PATCH_MIN_BYTES = 0
PARALLEL_MIN_BYTES = (
    1024 * 1024
)  # sources (on disk) from which copies are written in worker processes


def render_annotated(
    validation, out_dir: Path | str, as_of: date | None = None, workers: int | None = None
) -> list[Path]:
    """Write an annotated copy of every workbook with findings; returns the written paths.

    workers: processes to write the copies with (None: as many as the machine has cores, when
    there is enough to gain from it; 1: in this process)."""
    as_of = as_of or validation.as_of
    root = Path(validation.config.folder).resolve()
    target_root = Path(out_dir) / ANNOTATED_DIR
    unreadable = {i.loc.file for i in validation.data.issues if i.rule == "SG001"}
    workbooks = {item.path for item in validation.data.files}
    names = annotated_names(workbooks)
    jobs = []
    for rel, notes in sorted(shown(validation).items()):
        if rel in unreadable or rel not in workbooks:
            # nothing could be read, so nothing can be copied; or no workbook at all (sgov.toml's
            # findings: tried and failed on every run, importing openpyxl for nothing)
            continue
        source = root / rel
        target = target_root / names.get(rel, annotated_name(rel))
        if target.resolve() == source.resolve():
            raise ReportError(f"批注副本会覆盖原文件 {rel}：请用 -o 指定别的输出文件夹")
        jobs.append((str(source), str(target), notes, as_of, PATCH_MIN_BYTES))
    return _with_store(root, jobs, workers)


def _with_store(root: Path, jobs: list[tuple], workers: int | None) -> list[Path]:
    """Copies of the jobs: those stored by an earlier run with the same source, notes, date and
    code are copied from the store (report/copy_store.py); the others are written, then stored."""

    store = CopyStore(root)
    written: dict[int, str | None] = {}
    missing: list[tuple[int, str | None]] = []
    for i, (source, target, notes, as_of, patch_min) in enumerate(jobs):
        key = store.key(Path(source), notes, as_of) if store.usable else None
        key = key and f"{key}-{patch_min:x}"
        data = store.get(key) if key else None
        if data is not None:
            written[i] = str(atomic_write(target, data))
        else:
            missing.append((i, key))
    results = _run_jobs([jobs[i] for i, _ in missing], workers)
    for (i, key), path in zip(missing, results, strict=True):
        written[i] = path
        if key and path is not None:
            store.put(key, Path(path))
    store.prune()
    return [Path(written[i]) for i in range(len(jobs)) if written[i] is not None]


def _run_jobs(jobs: list[tuple], workers: int | None) -> list[str | None]:
    """write_copy over the jobs, in worker processes when it pays; results in the jobs' order."""
    count = _worker_count(jobs, workers)
    if count > 1:
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor

        # a fresh fork server, not a fork of this process: it holds the whole folder's data
        method = "forkserver" if sys.platform.startswith("linux") else None
        try:
            context = multiprocessing.get_context(method)
            order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i][0]))  # biggest first
            with ProcessPoolExecutor(count, mp_context=context) as pool:
                done = dict(zip(order, pool.map(_write_job, [jobs[i] for i in order]), strict=True))
            return [done[i] for i in range(len(jobs))]
        except (OSError, ImportError, RuntimeError):
            pass  # no worker processes here: write them one by one
    return [_write_job(job) for job in jobs]


def _worker_count(jobs: list[tuple], workers: int | None) -> int:
    if workers is not None:
        return max(1, min(workers, len(jobs)))
    if len(jobs) < 2:
        return 1
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if cores < 2 or sum(_size(job[0]) for job in jobs) < PARALLEL_MIN_BYTES:
        return 1
    return min(cores, len(jobs))


def _size(path: str) -> int:
    import os

    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _write_job(job: tuple) -> str | None:
    source, target, notes, as_of, patch_min = job
    written = write_copy(Path(source), Path(target), notes, as_of, patch_min)
    return None if written is None else str(written)


def write_copy(
    source: Path, target: Path, notes: list, as_of: date, patch_min: int | None = None
) -> Path | None:
    """The annotated copy of one workbook (None when it cannot be opened): a big .xlsx by patching
    its zip (report/xlsx_patch.py), anything else, or what the patcher declines, with openpyxl."""

    patch_min = PATCH_MIN_BYTES if patch_min is None else patch_min
    if source.suffix.lower() == ".xlsx" and _sheet_bytes(source) >= patch_min:
        data = patched_copy(source, notes, as_of)
        if data is not None:
            return atomic_write(target, data)
    if _cells(source) > MAX_COPY_CELLS:
        return None  # too big for openpyxl within the memory bound: validate.json has it all
    wb = _copy(source)
    if wb is None:
        return None
    annotate_workbook(wb, notes)
    return save_workbook(wb, target, as_of)


def _sheet_bytes(source: Path) -> int:
    """Uncompressed size of an xlsx's worksheets (0 when it is not a readable zip)."""
    import zipfile

    if not is_regular(source):
        return 0
    try:
        with zipfile.ZipFile(source) as archive:
            return sum(
                i.file_size for i in archive.infolist() if i.filename.startswith("xl/worksheets/")
            )
    except Exception:
        return 0


def patched_copy(source: Path, notes: list, as_of: date) -> bytes | None:
    """The annotated copy as bytes by patching the original zip; None when the patcher declines."""

    names = sheet_names(source)
    if names is None:
        return None
    notes, more = _first_notes(notes)
    by_cell: dict[tuple[str, str], list] = {}
    for finding, sheet, cell in notes:
        if sheet and cell and sheet in names:
            by_cell.setdefault((sheet, cell), []).append(finding)
    marks: dict[str, dict[str, tuple[int, str, int]]] = {}
    for (sheet, cell), found in by_cell.items():
        found.sort(key=lambda f: (_SEVERITY_ORDER[f.severity.value], f.rule))
        marks.setdefault(sheet, {})[cell] = (
            _SEVERITY_ORDER[found[0].severity.value],
            _comment_text(found),
            min(80 + 60 * len(found), 400),
        )
    title = LIST_SHEET if LIST_SHEET not in names else _sheet_title(LIST_SHEET, names)
    rows, kinds, links = _list_rows(notes, names)
    if more:  # what annotate_workbook writes below the list
        rows.append([None] * 6 + [_more_text(more)] + [None] * 2)
        kinds.append([""] * len(_LIST_HEADER))
    return patch_annotated(
        source, marks, title, rows, kinds, links, _LIST_WIDTHS, FILLS, stamp(as_of)
    )


def _first_notes(notes: list) -> tuple[list, int]:
    """The notes a copy marks and lists — the first MAX_NOTES in 问题清单 order, kept in their
    own order — and how many more there are (notes already cut by `shown` are those)."""
    if not isinstance(notes, Shown):
        first = _First()
        for note in notes:
            first.add(note)
        notes = first.shown()
    return notes, notes.more


def _more_text(more: int) -> str:
    return f"另有 {more:,} 个问题未在此列出，完整清单见 validate.json"


_LIST_HEADER = ["序号", "级别", "规则", "项目编号", "工作表", "单元格", "问题", "改正方法", "依据"]
_LIST_WIDTHS = [6, 8, 8, 16, 14, 10, 60, 40, 20]


def _list_rows(notes: list, sheetnames: list[str]) -> tuple[list, list, list]:
    """The 问题清单 as plain values (what annotate_workbook writes with openpyxl), their looks and
    links, for the patcher."""

    rows: list[list[Any]] = [list(_LIST_HEADER)]
    kinds: list[list[str]] = [["bold"] * len(_LIST_HEADER)]
    links: list[tuple[str, str, str]] = []
    for r, (finding, sheet, cell) in enumerate(sorted(notes, key=_list_order), start=2):
        values = _list_values(r - 1, finding, sheet, cell)
        row, looks = [], []
        for value in values:
            safe = safe_cell(value)
            text = str(safe) if safe is not None and not isinstance(safe, (str, int)) else safe
            row.append(text)
            looks.append("quote" if isinstance(value, str) and is_dangerous(str(text)) else "")
        looks[1] = finding.severity.value
        if sheet and cell and sheet in sheetnames:
            quoted = sheet.replace("'", "''")
            links.append((f"F{r}", f"'{quoted}'!{cell}", cell))
            looks[5] = "link"
        rows.append(row)
        kinds.append(looks)
    return rows, kinds, links


def _list_values(n: int, finding, sheet, cell) -> list:
    return [
        n,
        finding.severity.label,
        finding.rule,
        finding.project_id,
        sheet,
        cell,
        scrub(finding.message),
        finding.fix,
        finding.clause,
    ]


def _copy(source: Path):
    """An openpyxl workbook holding the source's content, or None when it cannot be opened."""
    from openpyxl import Workbook, load_workbook

    suffix = source.suffix.lower()
    if suffix == ".xlsx" and _merged_area(source) <= MAX_MERGED_CELLS:
        try:
            return load_workbook(source, rich_text=True)
        except Exception:  # a file openpyxl cannot load: fall back to its values
            pass

    try:
        book = open_book(source)
    except Exception:
        return None
    if sum(len(line) for sheet in book.sheets for line in sheet.rows) > MAX_COPY_CELLS:
        return None
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(_sheet_title(sheet.name, wb.sheetnames))
        for r, line in enumerate(sheet.rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is not None and value != "":
                    put(
                        ws,
                        r,
                        c,
                        value
                        if isinstance(value, (str, int, float)) or hasattr(value, "year")
                        else str(value),
                        mask=False,
                    )
    return wb


def _cells(source: Path) -> int:
    """Cells of an xlsx/xlsm counted by their tags as the zip streams (no workbook is built);
    for other formats, a bound from the file size (they are small or read as values)."""
    import zipfile

    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        try:
            return source.stat().st_size // 8
        except OSError:
            return 0
    total = 0
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(info) as handle:
                    tail = b""
                    while chunk := handle.read(1 << 20):
                        data = tail + chunk
                        total += data.count(b"<c ") + data.count(b"<c>")
                        tail = data[-3:]
                        total -= tail.count(b"<c ") + tail.count(b"<c>")
                        if total > MAX_COPY_CELLS:
                            return total
    except Exception:  # unreadable here: _copy decides
        return 0
    return total


_MERGE_REF = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def _merged_area(source: Path) -> int:
    """Cells covered by the merged ranges of an xlsx (streamed from the zip; huge if unreadable)."""
    import zipfile

    if not is_regular(source):
        return MAX_MERGED_CELLS + 1
    total = 0
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                tail = b""
                with archive.open(info) as handle:
                    while chunk := handle.read(1 << 20):
                        data = tail + chunk
                        last = data.rfind(b"<")
                        for m in _MERGE_REF.finditer(data, 0, last if last > 0 else len(data)):
                            c1, r1, c2, r2 = m.groups()
                            rows = abs(int(r2) - int(r1)) + 1
                            cols = abs(_col(c2) - _col(c1)) + 1
                            total += rows * cols
                        tail = data[last:] if last > 0 else b""
                        if total > MAX_MERGED_CELLS:
                            return total
    except Exception:
        return MAX_MERGED_CELLS + 1
    return total


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_title(name: str, taken: list[str]) -> str:
    title = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    n = 2
    base = title
    while title in taken:
        title = f"{base[:28]}({n})"
        n += 1
    return title


def _comment_text(findings: Iterable[Any]) -> str:
    blocks = []
    for f in findings:
        blocks.append(
            f"[{f.rule} {f.severity.label}] {scrub(f.message)}\n改正：{f.fix}\n依据：{f.clause}"
        )
    return "\n\n".join(blocks)


def _list_order(note) -> tuple:
    """问题清单 order: by sheet, then by the cell's row and column, then rule; file-level last."""
    finding, sheet, cell = note
    if not cell:
        return (1, "", 0, 0, "", finding.rule, finding.message)
    width, letters = column_key(cell)
    return (0, sheet or "", int(cell[width:] or 0), width, letters, finding.rule, finding.message)


def _writable(ws, cell: str):
    """The cell to mark: a cell inside a merged range (read-only in openpyxl) is marked on the
    range's top-left cell, which Excel shows for the whole range."""
    target = ws[cell]
    if type(target).__name__ == "MergedCell":
        for merged in ws.merged_cells.ranges:
            if cell in merged:
                return ws.cell(row=merged.min_row, column=merged.min_col)
    return target


def annotate_workbook(wb, notes: list[tuple[Any, str | None, str | None]]) -> None:
    """Fill and comment the noted cells, and put the 问题清单 sheet first."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    notes, more = _first_notes(notes)
    ordered = sorted(notes, key=_list_order)
    by_cell: dict[tuple[str, str], list] = {}
    for finding, sheet, cell in ordered:
        if sheet and cell and sheet in wb.sheetnames:
            by_cell.setdefault((sheet, cell), []).append(finding)
    for (sheet, cell), found in by_cell.items():
        found.sort(key=lambda f: (_SEVERITY_ORDER[f.severity.value], f.rule))
        target = _writable(wb[sheet], cell)
        worst = found[0].severity.value
        target.fill = PatternFill(
            fill_type="solid", start_color=FILLS[worst], end_color=FILLS[worst]
        )
        text = _comment_text(found)
        if target.comment is not None and target.comment.text:
            text = f"{target.comment.text}\n\n{text}"
        comment = Comment(text, "sgov")
        comment.width = 360
        comment.height = min(80 + 60 * len(found), 400)
        target.comment = comment

    title = (
        LIST_SHEET if LIST_SHEET not in wb.sheetnames else _sheet_title(LIST_SHEET, wb.sheetnames)
    )
    ws = wb.create_sheet(title, 0)
    for col, name in enumerate(_LIST_HEADER, start=1):
        put(ws, 1, col, name).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = _LIST_WIDTHS[col - 1]
    if more:
        put(ws, len(ordered) + 2, 7, _more_text(more))
    for r, (finding, sheet, cell) in enumerate(ordered, start=2):
        values = _list_values(r - 1, finding, sheet, cell)
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value)
        fill = FILLS[finding.severity.value]
        ws.cell(row=r, column=2).fill = PatternFill(
            fill_type="solid", start_color=fill, end_color=fill
        )
        if sheet and cell and sheet in wb.sheetnames:
            link = ws.cell(row=r, column=6)
            quoted = sheet.replace("'", "''")
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"'{quoted}'!{cell}", display=cell
            )
            link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
