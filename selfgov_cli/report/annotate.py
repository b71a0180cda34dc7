"""Annotated copies of the input workbooks: offending cells filled and commented, plus 问题清单.

For every input workbook with findings, a copy goes to ``OUT/annotated/<same relative path>``.
- a finding on a cell: that cell is filled (red: error, amber: warning, blue: info) and gets a
  comment with the rule id, the message, the fix and the clause (several findings share one comment);
- a finding on a row only: the row's cell in column A;
- a finding on a project only: the project's 项目编号 cell;
- a first sheet ``问题清单`` lists every finding of the file, with a link to its cell.
``.xlsx`` copies keep their name; other formats (``.xlsm``, ``.xls``, ``.ods``, ``.csv``) are copied
as values into ``<name>.xlsx`` (macros are never copied). The originals are only ever read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from selfgov_cli.report.env import ReportError
from selfgov_cli.report.safe import put, save_workbook, scrub, scrub_workbook

ANNOTATED_DIR = "annotated"
LIST_SHEET = "问题清单"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def annotated_name(rel: str) -> str:
    """Relative path of the annotated copy of input file ``rel``."""
    return rel if rel.lower().endswith(".xlsx") else f"{rel}.xlsx"


def placed(validation) -> dict[str, list[tuple[Any, str | None, str | None]]]:
    """Findings by file: (finding, sheet, cell) where the note goes (cell None: file level)."""
    projects = validation.data.project_map()
    out: dict[str, list] = {}
    for finding in validation.findings:
        file, sheet, cell = finding.file, finding.sheet, finding.cell
        if not cell and finding.row and sheet:
            cell = f"A{finding.row}"
        if not cell and finding.project_id in projects:
            where = projects[finding.project_id].cell("project_id")
            if where.file and (file is None or where.file == file) and where.cell:
                file, sheet, cell = where.file, where.sheet, where.cell
        if file:
            out.setdefault(file, []).append((finding, sheet if cell else None, cell))
    return out


def render_annotated(validation, out_dir: Path | str, as_of: date | None = None) -> list[Path]:
    """Write an annotated copy of every workbook with findings; returns the written paths."""
    as_of = as_of or validation.as_of
    root = Path(validation.config.folder).resolve()
    target_root = Path(out_dir) / ANNOTATED_DIR
    unreadable = {i.loc.file for i in validation.data.issues if i.rule == "SG001"}
    written = []
    for rel, notes in sorted(placed(validation).items()):
        if rel in unreadable:
            continue  # nothing could be read, so nothing can be copied
        source = root / rel
        target = target_root / annotated_name(rel)
        if target.resolve() == source.resolve():
            raise ReportError(f"批注副本会覆盖原文件 {rel}：请用 -o 指定别的输出文件夹")
        wb = _copy(source)
        if wb is None:
            continue
        scrub_workbook(wb)
        annotate_workbook(wb, notes)
        written.append(save_workbook(wb, target, as_of))
    return written


def _copy(source: Path):
    """An openpyxl workbook holding the source's content, or None when it cannot be opened."""
    from openpyxl import Workbook, load_workbook

    suffix = source.suffix.lower()
    if suffix == ".xlsx":
        try:
            return load_workbook(source, rich_text=True)
        except Exception:  # a file openpyxl cannot load: fall back to its values
            pass
    from selfgov_cli.io.workbook import open_book

    try:
        book = open_book(source)
    except Exception:
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
                    )
    return wb


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
    letters = cell.rstrip("0123456789")
    return (
        0,
        sheet or "",
        int(cell[len(letters) :] or 0),
        len(letters),
        letters,
        finding.rule,
        finding.message,
    )


def annotate_workbook(wb, notes: list[tuple[Any, str | None, str | None]]) -> None:
    """Fill and comment the noted cells, and put the 问题清单 sheet first."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    by_cell: dict[tuple[str, str], list] = {}
    for finding, sheet, cell in notes:
        if sheet and cell and sheet in wb.sheetnames:
            by_cell.setdefault((sheet, cell), []).append(finding)
    for (sheet, cell), found in by_cell.items():
        found.sort(key=lambda f: (_SEVERITY_ORDER[f.severity.value], f.rule))
        target = wb[sheet][cell]
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
    header = ["序号", "级别", "规则", "项目编号", "工作表", "单元格", "问题", "改正方法", "依据"]
    widths = [6, 8, 8, 16, 14, 10, 60, 40, 20]
    for col, name in enumerate(header, start=1):
        put(ws, 1, col, name).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    ordered = sorted(notes, key=_list_order)
    for r, (finding, sheet, cell) in enumerate(ordered, start=2):
        values = [
            r - 1,
            finding.severity.label,
            finding.rule,
            finding.project_id,
            sheet,
            cell,
            scrub(finding.message),
            finding.fix,
            finding.clause,
        ]
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
