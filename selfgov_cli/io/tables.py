"""Table sheets: a header row, then one record a row. Every value keeps its cell."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selfgov_cli.io.grid import Grid, Reader
from selfgov_cli.io.schema import TOTAL_ROW_WORDS, SheetKind, label_index
from selfgov_cli.io.values import clean_text, is_empty, normalize_label, parse_decimal
from selfgov_cli.model import Issue

_HEADER_SCAN = 30  # the header must be within the first rows


@dataclass(slots=True)
class Row:
    index: int  # 0-based sheet row
    values: dict[str, Any]
    cells: dict[str, str]
    bad: frozenset[str]
    extra: dict[str, Any]  # columns the contract does not name: header -> raw value
    extra_cells: dict[str, str]


@dataclass(slots=True)
class Table:
    kind: SheetKind
    grid: Grid
    header_row: int
    columns: dict[str, int]  # key -> col
    extra: dict[str, int]  # unknown header text -> col
    issues: list[Issue]


def find_header(grid: Grid, kind: SheetKind) -> tuple[int, dict[str, int], dict[str, int]] | None:
    """The header row: for budgets the first row with 支出类别, else the first with two known labels."""
    index = label_index(kind.columns)
    for r, line in enumerate(grid.rows[:_HEADER_SCAN]):
        cols: dict[str, int] = {}
        extra: dict[str, int] = {}
        for c, raw in enumerate(line):
            if is_empty(raw):
                continue
            column = index.get(normalize_label(raw))
            if column and column.key not in cols:
                cols[column.key] = c
            elif not column:
                extra[clean_text(raw)] = c
        key_ok = "category" in cols if kind.kind == "budget" else len(cols) >= 2
        if key_ok:
            return r, cols, extra
    return None


def open_table(grid: Grid, kind: SheetKind, project_keyed: bool) -> Table | None:
    """Locate the header; SG002 for a missing table header or a missing required column."""
    issues: list[Issue] = []
    found = find_header(grid, kind)
    if found is None:
        needed = "、".join(c.label for c in kind.columns if c.required)
        issues.append(
            Issue("SG002", f"工作表“{grid.sheet.name}”找不到表头（应有列：{needed}）：请按模板填写表头", grid.loc(0))
        )
        return Table(kind, grid, -1, {}, {}, issues)
    header_row, cols, extra = found
    for column in kind.columns:
        if kind.kind == "projects":
            break  # application fields are program-dependent: rule SG002 checks them per project
        needed = column.required or (column.key == "project_id" and project_keyed)
        if needed and column.key not in cols:
            issues.append(
                Issue(
                    "SG002",
                    f"缺少必填列“{column.label}”：请在表头第 {header_row + 1} 行加上该列",
                    grid.loc(header_row),
                )
            )
    return Table(kind, grid, header_row, cols, extra, issues)


def _is_total_row(line: list[Any]) -> bool:
    for raw in line:
        if not is_empty(raw):
            text = normalize_label(raw)
            return any(text.startswith(word) for word in TOTAL_ROW_WORDS)
    return False


def rows(table: Table, stop_at_blank: bool, id_column: str | None = "project_id") -> Iterator[Row]:
    """Data rows below the header; SG002/SG003 issues go into table.issues."""
    if table.header_row < 0:
        return
    grid = table.grid
    reader = Reader(grid, table.issues)
    by_key = {c.key: c for c in table.kind.columns}
    used = sorted(set(table.columns.values()) | set(table.extra.values()))
    for r in range(table.header_row + 1, len(grid.rows)):
        line = grid.rows[r]
        if all(is_empty(grid.get(r, c)) for c in used) if used else True:
            if stop_at_blank:
                return
            continue
        if _is_total_row(line):
            continue
        values: dict[str, Any] = {}
        cells: dict[str, str] = {}
        bad: set[str] = set()
        pid = None
        if id_column and id_column in table.columns:
            pid = clean_text(grid.get(r, table.columns[id_column])) or None
        for key, column in by_key.items():
            col = table.columns.get(key)
            if col is None:
                continue
            cells[key] = grid.loc(r, col).cell
            required = column.required and table.kind.kind != "projects"
            value, is_bad = reader.read(column, r, col, pid, required=required, what=f"第 {r + 1} 行")
            if is_bad:
                bad.add(key)
            elif value is not None:
                values[key] = value
        extra = {name: grid.get(r, c) for name, c in table.extra.items()}
        extra_cells = {name: grid.loc(r, c).cell for name, c in table.extra.items()}
        yield Row(r, values, cells, frozenset(bad), extra, extra_cells)


def read_number(table: Table, row: Row, name: str, project_id: str | None) -> Any:
    """A criterion column's value: a number, or SG003 at its cell."""
    raw = row.extra.get(name)
    if is_empty(raw):
        return None
    value, err = parse_decimal(raw)
    if err:
        table.issues.append(
            Issue("SG003", f"“{name}”应填数字，{err}：请改正", table.grid.loc(row.index, table.extra[name]), project_id)
        )
    return value

