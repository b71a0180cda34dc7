"""Reading values out of a raw sheet: merged ranges, typed cells, located issues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selfgov_cli.io.records import make_location
from selfgov_cli.io.schema import Column
from selfgov_cli.io.values import PARSERS, TYPE_NAMES, clean_text, is_empty
from selfgov_cli.io.workbook import RawBook, RawSheet
from selfgov_cli.model import Issue, Location, col_letter

_LETTERS: dict[int, str] = {}


def letters(col: int) -> str:
    """Column letters of a 0-based column, memoised (A, B, … AB)."""
    found = _LETTERS.get(col)
    if found is None:
        found = _LETTERS[col] = col_letter(col)
    return found


# Memory bound on merged ranges: 300 ranges of 99,999 cells once took 6 GB as a dict.
MAX_EXPANDED = 200_000  # cells of merged ranges expanded into the lookup table, all ranges together
MAX_ONE_RANGE = 100_000  # a range bigger than this is looked up, never expanded
MAX_BIG_RANGES = 200  # ranges looked up; more are ignored (only their top-left cell is read)


class Grid:
    """A sheet with merged ranges resolved: any cell of a range reads as its top-left cell."""

    def __init__(self, book: RawBook, sheet: RawSheet, file: str):
        self.book = book
        self.sheet = sheet
        self.file = file
        self.rows = sheet.rows
        self._anchor: dict[tuple[int, int], tuple[int, int]] = {}
        self._big: list[tuple[int, int, int, int]] = []  # ranges looked up, not expanded
        self._blank: frozenset[tuple[int, int]] | None = None
        budget = MAX_EXPANDED
        rows_used = len(sheet.rows)
        for r1, c1, r2, c2 in sheet.merged:
            r2 = min(r2, max(rows_used - 1, r1))  # nothing below the last row is ever read
            area = (r2 - r1 + 1) * (c2 - c1 + 1)
            if area > MAX_ONE_RANGE or area > budget:
                if len(self._big) < MAX_BIG_RANGES:  # past that, only the top-left matters
                    self._big.append((r1, c1, r2, c2))
                continue
            budget -= area
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._anchor[(r, c)] = (r1, c1)

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        found = self._anchor.get((row, col))
        if found is not None:
            return found
        for r1, c1, r2, c2 in self._big:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return r1, c1
        return row, col

    def span(self, row: int, col: int) -> tuple[int, int, int, int]:
        """The merged range holding a cell (or the cell itself)."""
        top = self.anchor(row, col)
        for r1, c1, r2, c2 in self.sheet.merged:
            if (r1, c1) == top:
                return r1, c1, r2, c2
        return row, col, row, col

    def get(self, row: int, col: int) -> Any:
        r, c = self.anchor(row, col)
        return self.sheet.value(r, c)

    @property
    def merged(self) -> bool:
        """True when some cell reads as another (a merged range)."""
        return bool(self._anchor or self._big)

    def loc(self, row: int, col: int | None = None) -> Location:
        if col is None:
            return make_location(self.file, self.sheet.name, None, row + 1)
        r, c = self._anchor.get((row, col), (row, col))
        return make_location(self.file, self.sheet.name, f"{letters(c)}{r + 1}", r + 1)

    def blank_formulas(self) -> frozenset[tuple[int, int]]:
        """Cells holding a formula with no saved value (looked up once per sheet, lazily)."""
        if self._blank is None:
            self._blank = self.book.blank_formulas(self.sheet.name)
        return self._blank

    def blank_formula(self, row: int, col: int) -> bool:
        return self.anchor(row, col) in self.blank_formulas()


@dataclass(slots=True)
class Reader:
    """Typed reads that collect SG002/SG003 issues as they go."""

    grid: Grid
    issues: list[Issue] = field(default_factory=list)

    def read(
        self,
        column: Column,
        row: int,
        col: int | None,
        project_id: str | None = None,
        required: bool = False,
        what: str = "",
    ) -> tuple[Any, bool]:
        """(value, bad). bad is True when a value was there but could not be read."""
        raw = None if col is None else self.grid.get(row, col)
        if is_empty(raw):
            if col is not None and self.grid.blank_formula(row, col):
                self.formula_unsaved(column, row, col, project_id)
                return None, True
            if required:
                self.missing(column, row, col, project_id, what)
            return None, False
        value, err = PARSERS[column.kind](raw)
        if err:
            self.unreadable(column, row, col, project_id, err)
            return None, True
        return value, False

    # The issues a read can raise; tables' fast path raises exactly the same ones.

    def formula_unsaved(self, column: Column, row: int, col: int, project_id: str | None) -> None:
        self.issues.append(
            Issue(
                "SG003",
                f"{column.label}是公式但没有保存计算结果：请用 Excel 或 WPS 打开并保存该文件",
                self.grid.loc(row, col),
                project_id,
            )
        )

    def missing(
        self, column: Column, row: int, col: int | None, project_id: str | None, what: str
    ) -> None:
        where = self.grid.loc(row, col) if col is not None else self.grid.loc(row)
        self.issues.append(
            Issue("SG002", f"{what}缺少必填项“{column.label}”：请补填", where, project_id)
        )

    def unreadable(
        self, column: Column, row: int, col: int, project_id: str | None, err: str
    ) -> None:
        self.issues.append(
            Issue(
                "SG003",
                f"“{column.label}”应填{TYPE_NAMES[column.kind]}，{err}：请改正",
                self.grid.loc(row, col),
                project_id,
            )
        )


def text(raw: Any) -> str:
    return clean_text(raw)
