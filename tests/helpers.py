"""Building real test workbooks with openpyxl. Shared by every test module and by make_samples.

Layout is fixed so tests can assert exact cells:
- `write_form`: sheet 申报表, the i-th field (0-based) has its label in A{i+1}, its value in B{i+1};
  the returned dict maps each label to its value cell ("B3").
- `write_table`: header on `start_row` (default 1), data rows right below it, column A first.
- Budget rows go to sheet 预算明细 under BUDGET_HEADER, members to 项目成员 under MEMBERS_HEADER,
  unless rows are dicts (then the header is their keys, in first-seen order).
Strings are always written as text (even "=1+1": injection tests need that); wrap a string in
`Formula("=B2*C2")` to write a real formula (openpyxl saves it with no cached value: SG003).
Every workbook is saved with fixed document timestamps, so the same call gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from selfgov_cli.io.schema import DECISIONS

BUDGET_HEADER = ("支出类别", "明细", "金额")
MEMBERS_HEADER = ("姓名", "角色", "是否居民", "是否社工")
LEDGER_HEADER = (
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
SCORES_HEADER = ("项目编号", "评审人", "总分")
EVALUATIONS_HEADER = ("项目编号", "中期评估", "中期评估日期", "末期评估", "核定金额")
DECISIONS_HEADER = tuple(column.label for column in DECISIONS)  # 人工认定, as the reader expects

FIXED_TIME = datetime(2023, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

Rows = Iterable[Sequence[Any] | Mapping[str, Any]]


class Formula(str):
    """A cell formula such as "=B2*C2"; every other string is written as text."""


def put(ws, row: int, column: int, value: Any):
    """Write one cell (1-based): None leaves it empty, str is text, Formula is a formula."""
    if value is None:
        return None
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and not isinstance(value, Formula):
        cell.data_type = "s"
    return cell


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Save with fixed document times and fixed zip entry times (byte-identical reruns)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "sgov"
    wb.properties.lastModifiedBy = "sgov"
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = _MODIFIED.sub(rb"\g<1>2023-01-01T00:00:00Z\g<2>", data)
            dst.writestr(entry, data)
    path.write_bytes(out.getvalue())
    return path


def _open(path: Path) -> Workbook:
    """The existing workbook at path (to add a sheet), or a new one with no sheets."""
    if path.exists():
        return load_workbook(path)
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _header_and_rows(header: Sequence[str] | None, rows: Rows) -> tuple[list[str], list[list[Any]]]:
    rows = list(rows)
    if rows and isinstance(rows[0], Mapping):
        keys: list[str] = list(header or [])
        for row in rows:
            keys.extend(k for k in row if k not in keys)
        return keys, [[row.get(k) for k in keys] for row in rows]
    return list(header or []), [list(row) for row in rows]


def fill_table(ws, header: Sequence[str], rows: Rows, start_row: int = 1) -> None:
    """Write header on start_row and rows below it into an openpyxl worksheet."""
    head, body = _header_and_rows(header, rows)
    for c, text in enumerate(head, start=1):
        put(ws, start_row, c, text)
    for r, row in enumerate(body, start=start_row + 1):
        for c, value in enumerate(row, start=1):
            put(ws, r, c, value)


def write_table(
    path: str | Path, sheet: str, header: Sequence[str] | None, rows: Rows, start_row: int = 1
) -> Path:
    """Add (or replace) one table sheet in the workbook at path, creating the file if needed.

    `rows` are sequences in header order, or dicts keyed by header text (header may then be None).
    """
    path = Path(path)
    wb = _open(path)
    if sheet in wb.sheetnames:
        wb.remove(wb[sheet])
    fill_table(wb.create_sheet(sheet), header or [], rows, start_row)
    return save_workbook(wb, path)


def write_form(
    path: str | Path,
    fields: Mapping[str, Any],
    budget: Rows | None = None,
    members: Rows | None = None,
    sheet: str = "申报表",
) -> dict[str, str]:
    """One project's workbook: a 申报表 form (label in A, value in B), plus optional
    预算明细 and 项目成员 sheets. Returns label -> value cell address."""
    path = Path(path)
    wb = _open(path)
    if sheet in wb.sheetnames:
        wb.remove(wb[sheet])
    ws = wb.create_sheet(sheet)
    cells: dict[str, str] = {}
    for r, (label, value) in enumerate(fields.items(), start=1):
        put(ws, r, 1, label)
        put(ws, r, 2, value)
        cells[label] = f"B{r}"
    for name, header, rows in (
        ("预算明细", BUDGET_HEADER, budget),
        ("项目成员", MEMBERS_HEADER, members),
    ):
        if rows is not None:
            if name in wb.sheetnames:  # rewriting a form replaces its tables, never adds a copy
                wb.remove(wb[name])
            fill_table(wb.create_sheet(name), header, rows)
    save_workbook(wb, path)
    return cells


def write_book(path: str | Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook from raw grids: sheet name -> rows of cell values (None = empty), from A1."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, grid in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                put(ws, r, c, value)
    return save_workbook(wb, path)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def write_config(
    folder: str | Path, program: str, settings: Mapping[str, Any] | None = None, **keys: Any
) -> Path:
    """sgov.toml at the folder root: program, then keys (year, neighborhoods, office…), then [settings]."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"program = {_toml_value(program)}"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in keys.items()]
    if settings:
        lines += ["", "[settings]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
    path = folder / "sgov.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


__all__ = [
    "BUDGET_HEADER",
    "EVALUATIONS_HEADER",
    "Formula",
    "LEDGER_HEADER",
    "MEMBERS_HEADER",
    "SCORES_HEADER",
    "fill_table",
    "put",
    "save_workbook",
    "write_book",
    "write_config",
    "write_form",
    "write_table",
]
