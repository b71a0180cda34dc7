"""Table sheets: a header row, then one record a row. Every value keeps its cell."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, getcontext
from itertools import repeat
from math import isfinite
from operator import itemgetter
from typing import Any

from selfgov_cli.io.grid import Grid, Reader, letters
from selfgov_cli.io.records import EXPENSE_FIELDS, make_expense, make_location
from selfgov_cli.io.schema import TOTAL_ROW_WORDS, Column, SheetKind, label_index
from selfgov_cli.io.values import (
    FULL_MARKS_IN_HEADER,
    MAX_CELL_AMOUNT,
    PARSERS,
    clean_text,
    is_empty,
    normalize_label,
    parse_cell_amount,
    parse_decimal,
    parse_text,
)
from selfgov_cli.model import Expense, Issue
from selfgov_cli.money import FEN

_HEADER_SCAN = 30  # the header must be within the first rows


@dataclass(slots=True)
class Row:
    index: int  # 0-based sheet row
    values: dict[str, Any]
    cells: Mapping[str, str]  # key -> "C12" (a RowCells, or a dict on sheets with merged cells)
    bad: frozenset[str]
    extra: dict[str, Any]  # columns the contract does not name: header -> raw value
    extra_cells: Mapping[str, str]


@dataclass(slots=True)
class Table:
    kind: SheetKind
    grid: Grid
    header_row: int
    columns: dict[str, int]  # key -> col
    extra: dict[str, int]  # unknown header text -> col
    issues: list[Issue]


_INDEXES: dict[int, tuple[tuple, dict]] = {}  # id of a kind's columns -> (them, their index)


def _label_index(kind: SheetKind) -> dict[str, Column]:
    """schema.label_index of the kind's columns, built once per process (read only)."""
    found = _INDEXES.get(id(kind.columns))
    if found is None or found[0] is not kind.columns:
        found = _INDEXES[id(kind.columns)] = (kind.columns, label_index(kind.columns))
    return found[1]


def _total_with_marks(raw: Any, index: dict[str, Column]) -> Column | None:
    """总分 written with its full marks, as the criteria may be (必要性（20分）): still the total."""
    if not isinstance(raw, str):
        return None
    column = index.get(FULL_MARKS_IN_HEADER.sub("", normalize_label(raw)))
    return column if column is not None and column.key == "total" else None


def find_header(grid: Grid, kind: SheetKind) -> tuple[int, dict[str, int], dict[str, int]] | None:
    """The header row: for budgets the first row with 支出类别, else the first with two known labels."""
    index = _label_index(kind)
    for r, line in enumerate(grid.rows[:_HEADER_SCAN]):
        cols: dict[str, int] = {}
        extra: dict[str, int] = {}
        for c, raw in enumerate(line):
            if is_empty(raw):
                continue
            column = index.get(normalize_label(raw))
            if column is None and kind.kind == "scores":
                column = _total_with_marks(raw, index)
            if column and column.key not in cols:
                cols[column.key] = c
            elif not column:
                extra[clean_text(raw)] = c
        key_ok = "category" in cols if kind.kind == "budget" else len(cols) >= 2
        if key_ok:
            return r, cols, extra
    return None


# What a header row must hold for a sheet with an unknown name to be read as that kind (SG024):
# the contract's required columns (the 经费台账 example of workbooks.md: 日期/项目编号/支出类别/
# 摘要/金额); a 评估结果 needs one of its own columns besides 项目编号.
_SIGNATURES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "projects": (
        frozenset(
            ("project_id", "name", "category", "neighborhood", "applicant", "leader")
            + ("requested_amount", "start_date", "end_date")
        ),
        frozenset(),
    ),
    "budget": (frozenset(("category", "item", "amount")), frozenset()),
    "members": (frozenset(("name", "role", "is_resident", "is_social_worker")), frozenset()),
    "ledger": (frozenset(("date", "project_id", "category", "description", "amount")), frozenset()),
    "scores": (frozenset(("project_id", "reviewer")), frozenset()),
    "evaluations": (
        frozenset(("project_id",)),
        frozenset(("midterm", "final", "approved_amount", "approved_on", "midterm_date")),
    ),
    "decisions": (frozenset(("project_id", "kind", "reason", "by", "on")), frozenset()),
}


def recognise(grid: Grid, kinds: tuple[SheetKind, ...]) -> tuple[SheetKind, int] | None:
    """(kind, 0-based header row) of a sheet whose header row holds the required columns of a
    table kind; the kind matching most columns wins. None when no row does."""
    best: tuple[int, int, SheetKind, int] | None = None  # (-matched, order, kind, row)
    indexes = [(k, _label_index(k)) for k in kinds if k.kind in _SIGNATURES]
    for r, line in enumerate(grid.rows[:_HEADER_SCAN]):
        labels = {normalize_label(raw) for raw in line if isinstance(raw, str) and raw.strip()}
        if len(labels) < 2:
            continue
        for order, (kind, index) in enumerate(indexes):
            keys = {index[label].key for label in labels if label in index}
            needed, one_of = _SIGNATURES[kind.kind]
            if not needed <= keys or (one_of and not one_of & keys):
                continue
            candidate = (-len(keys), order, kind, r)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is not None:
            return best[2], best[3]
    return None


def open_table(grid: Grid, kind: SheetKind, project_keyed: bool) -> Table | None:
    """Locate the header; SG002 for a missing table header or a missing required column."""
    issues: list[Issue] = []
    found = find_header(grid, kind)
    if found is None:
        needed = "、".join(c.label for c in kind.columns if c.required)
        issues.append(
            Issue(
                "SG002",
                f"工作表“{grid.sheet.name}”找不到表头（应有列：{needed}）：请按模板填写表头",
                grid.loc(0),
            )
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


def _first_text(line: list[Any]) -> str | None:
    """The first filled cell of a row, normalised, when it is text (else None)."""
    for raw in line:
        if not is_empty(raw):
            return normalize_label(raw) if isinstance(raw, str) else None
    return None


def _is_total_row(line: list[Any], words: tuple[str, ...] = TOTAL_ROW_WORDS) -> bool:
    """A row whose first filled cell is 合计/总计 (or, with words, 小计 …)."""
    for raw in line:
        if not is_empty(raw):
            if not isinstance(raw, str) or not any(word[0] in raw for word in words):
                return False  # a number, date or unrelated text never reads as a total
            text = normalize_label(raw)
            return any(text.startswith(word) for word in words)
    return False


_NOTE_WORDS = ("编制人", "制表人", "填表人", "审核人", "经办人", "负责人签字", "备注", "说明", "注")


def _is_note_row(line: list[Any], columns: dict[str, int], merged_get) -> bool:
    """A budget row that is not a line: neither 支出类别 nor 金额 (a note such as 编制人：王某),
    or only a note text such as 编制人：王某 where 支出类别 would be, and no 金额."""
    category = merged_get(columns["category"]) if "category" in columns else None
    amount = merged_get(columns["amount"]) if "amount" in columns else None
    if not is_empty(amount):
        return False
    if is_empty(category):
        return True
    if not isinstance(category, str):
        return False
    text = category.replace("\u3000", " ").strip()
    for word in _NOTE_WORDS:
        if text.startswith(word):
            rest = text[len(word) :].lstrip()
            if rest[:1] in ("：", ":") or not rest:
                return True
    return False


class RowCells(Mapping):
    """The cell address of each field of one table row, as a read-only dict (key -> "C12").

    Computed on demand from the header's column letters: one small object a row instead of a
    dict of strings, which matters on ledgers of 100,000 rows (memory, cache size, speed).
    """

    __slots__ = ("letters_by_key", "row")

    def __init__(self, letters_by_key: dict[str, str], row: int):
        self.letters_by_key = letters_by_key  # shared by every row of the table
        self.row = row  # 1-based

    def __getitem__(self, key: str) -> str:
        return f"{self.letters_by_key[key]}{self.row}"

    def get(self, key: str, default: Any = None) -> Any:
        col = self.letters_by_key.get(key)
        return default if col is None else f"{col}{self.row}"

    def __contains__(self, key: object) -> bool:
        return key in self.letters_by_key

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters_by_key)

    def __len__(self) -> int:
        return len(self.letters_by_key)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self):
        return RowCells, (self.letters_by_key, self.row)


NO_BAD: frozenset[str] = frozenset()
_MEMO_LIMIT = 50_000  # distinct raw values remembered per column (the parsers are pure functions)
_EMPTY = object()  # a blank text cell, as memoised


@dataclass(slots=True)
class Columns:
    """A table's data rows read column by column: what `rows` yields, without a dict a row.

    Values are parsed in one pass per column, each distinct raw value once. Reading issues are
    kept per data row, in column order, so `rows` can emit them exactly where a row-by-row
    reader would.
    """

    table: Table
    index: list[int]  # 0-based sheet row of each data row, in order
    values: dict[str, list[Any]]  # key -> parsed value per data row (None when empty or bad)
    bad: dict[int, set[str]]  # data row position -> keys whose value could not be read
    issues: dict[int, list[Issue]]  # data row position -> its reading issues, in column order
    raw_extra: dict[str, list[Any]]  # unknown header -> raw value per data row
    letters: dict[str, str]  # key -> column letters (cells of a sheet without merged ranges)

    def column(self, key: str) -> list[Any]:
        found = self.values.get(key)
        return found if found is not None else [None] * len(self.index)

    def bad_at(self, i: int) -> frozenset[str]:
        keys = self.bad.get(i)
        return frozenset(keys) if keys else NO_BAD

    def cells(self, i: int) -> Mapping[str, str]:
        """The cell of each field of data row i."""
        table, r = self.table, self.index[i]
        if table.grid.merged:
            return {key: table.grid.loc(r, col).cell for key, col in _keyed_columns(table)}
        return RowCells(self.letters, r + 1)

    def extra_cells(self, i: int) -> Mapping[str, str]:
        table, r = self.table, self.index[i]
        if table.grid.merged:
            return {name: table.grid.loc(r, c).cell for name, c in table.extra.items()}
        return RowCells({name: letters(c) for name, c in table.extra.items()}, r + 1)

    def all_issues(self) -> list[Issue]:
        return [issue for i in sorted(self.issues) for issue in self.issues[i]]


def _keyed_columns(table: Table) -> list[tuple[str, int]]:
    """(key, col) of the table's known columns, in the contract's column order."""
    by_key = {c.key: c for c in table.kind.columns}
    return [(key, table.columns[key]) for key in by_key if key in table.columns]


def _data_rows(table: Table, used: list[int], budget_lines: bool) -> list[int]:
    """Rows below the header that hold a record: not empty in every used column, not a total.

    budget_lines (预算明细): read past blank rows up to the first 合计/总计 row (nothing after it
    is a line; in a multi-project budget with a 项目编号 column each project may have its own
    合计, so totals are only skipped there); 小计 rows and note rows are not lines.
    """
    grid = table.grid
    sheet_rows = grid.rows
    merged = grid.merged
    keyed = "project_id" in table.columns
    found: list[int] = []
    for r in range(table.header_row + 1, len(sheet_rows)):
        line = sheet_rows[r]
        n = len(line)
        for c in used:
            v = grid.get(r, c) if merged else (line[c] if c < n else None)
            if v is not None and not (isinstance(v, str) and not v.strip()):
                break
        else:  # every used column is empty
            continue
        head = line[0] if n else None
        maybe_total = head is None or isinstance(head, str)  # not when a number or date is first
        if maybe_total and _is_total_row(line):
            if budget_lines and not keyed:
                break
            continue
        if budget_lines:
            if maybe_total and _is_total_row(line, ("小计",)):
                continue

            def get(c: int, r: int = r, line: list[Any] = line, n: int = n) -> Any:
                return grid.get(r, c) if merged else (line[c] if c < n else None)

            if _is_note_row(line, table.columns, get):
                continue
        found.append(r)
    return found


def _raw_column(
    grid: Grid, index: list[int], lines: list[list[Any]], col: int, wide: bool
) -> list[Any]:
    if grid.merged:
        return [grid.get(r, col) for r in index]
    if wide:
        return list(map(itemgetter(col), lines))
    return [line[col] if col < len(line) else None for line in lines]


_UNIFORM = (str, float, int, bool, date, datetime)


def _parse_column(raws: list[Any], parse: Callable[[Any], tuple[Any, str | None]]):
    """(values, positions of empty cells, (position, reason) of unreadable cells) of a column."""
    kinds = set(map(type, raws))
    kinds.discard(type(None))
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind in _UNIFORM:
            return _parse_uniform(raws, parse, kind)
    return _parse_mixed(raws, parse)


def _parse_uniform(raws: list[Any], parse, kind: type):
    """One type of value in the column (the usual case): each distinct value is parsed once and
    the column is mapped through the results in C; only odd cells are looked at one by one."""
    distinct = dict.fromkeys(raws)
    had_none = None in distinct
    distinct.pop(None, None)
    if kind is float and 0.0 in distinct:  # 0.0 and -0.0 are one key: read every cell apart
        return _parse_mixed(raws, parse)
    bulk = _BULK.get((parse, kind))
    found = bulk(list(distinct), parse) if bulk is not None else None
    if found is not None:
        memo, odd = found
    else:
        memo, odd = {}, {}  # odd: distinct value -> _EMPTY or the reason it cannot be read
        _read_each(distinct, parse, kind is str, memo, odd)
    out = list(map(memo.get, raws))
    empty: list[int] = []
    failed: list[tuple[int, str]] = []
    if had_none or odd:
        for i, raw in enumerate(raws):
            if raw is None:
                empty.append(i)
            elif raw in odd:
                reason = odd[raw]
                if reason is _EMPTY:
                    empty.append(i)
                else:
                    failed.append((i, reason))
    return out, empty, failed


def _read_each(raws, parse, is_text: bool, memo: dict, odd: dict) -> None:
    """Distinct values one by one: into memo (value), or odd (_EMPTY, or the reason)."""
    for raw in raws:
        if is_text and not raw.strip():
            odd[raw] = _EMPTY
            continue
        value, err = parse(raw)
        if err:
            odd[raw] = err
        else:
            memo[raw] = value


def _bulk_text(keys: list[str], parse) -> tuple[dict, dict]:
    """Distinct texts of a text column, cleaned in C (what parse_text gives); only blank ones
    and those that may be an error value (#DIV/0!) are looked at one by one."""
    texts = list(map(str.strip, map(str.replace, keys, repeat("\u3000"), repeat(" "))))
    memo = dict(zip(keys, texts, strict=True))
    odd: dict[Any, Any] = {}
    if all(texts) and not any(map(str.startswith, texts, repeat("#"))):
        return memo, odd
    odd_ones = [
        raw for raw, text in zip(keys, texts, strict=True) if not text or text.startswith("#")
    ]
    for raw in odd_ones:
        del memo[raw]
    _read_each(odd_ones, parse, True, memo, odd)
    return memo, odd


_FLOAT_AMOUNT_BOUND = float(MAX_CELL_AMOUNT)


def _bulk_amount(keys: list[float], parse) -> tuple[dict, dict] | None:
    """Distinct numbers of an amount column, rounded to the fen as parse_cell_amount does,
    when every one is finite and below 1亿元 (below it, a float's decimal text is below it
    too); None (read one by one) otherwise."""
    if not all(map(isfinite, keys)) or max(map(abs, keys)) >= _FLOAT_AMOUNT_BOUND:
        return None
    to_fen = getcontext().copy()  # money.fen's rounding, applied by map in C
    to_fen.rounding = ROUND_HALF_UP
    rounded = list(map(to_fen.quantize, map(Decimal, map(repr, keys)), repeat(FEN)))
    return dict(zip(keys, rounded, strict=True)), {}


_BULK = {(parse_text, str): _bulk_text, (parse_cell_amount, float): _bulk_amount}


def _parse_mixed(raws: list[Any], parse):
    """Cell by cell, remembering each (type, value) read: any mix of types."""
    out: list[Any] = [None] * len(raws)
    empty: list[int] = []
    failed: list[tuple[int, str]] = []
    memo: dict[Any, tuple] = {}
    for i, raw in enumerate(raws):
        if raw is None:
            empty.append(i)
            continue
        cls = raw.__class__
        try:
            hit = memo.get(raw)
        except TypeError:  # pragma: no cover - calamine and csv give hashable values only
            hit = None
        if hit is None or hit[0] is not cls:  # True == 1 == 1.0: the type must match too
            if isinstance(raw, str) and not raw.strip():
                hit = (cls, _EMPTY, None)
            else:
                hit = (cls, *parse(raw))
            if len(memo) < _MEMO_LIMIT and not (cls is float and raw == 0):  # keep -0.0 apart
                try:
                    memo[raw] = hit
                except TypeError:  # pragma: no cover
                    pass
        value = hit[1]
        if value is _EMPTY:
            empty.append(i)
        elif hit[2]:
            failed.append((i, hit[2]))
        else:
            out[i] = value
    return out, empty, failed


def read_columns(
    table: Table, budget_lines: bool = False, id_column: str | None = "project_id"
) -> Columns:
    """Every data row of the table, column by column (see `rows` for the row-by-row view)."""
    if table.header_row < 0:
        return Columns(table, [], {}, {}, {}, {}, {})
    grid = table.grid
    reader = Reader(grid, [])
    used = sorted(set(table.columns.values()) | set(table.extra.values()))
    index = _data_rows(table, used, budget_lines)
    lines = [grid.rows[r] for r in index]
    wide = bool(used) and min(map(len, lines), default=0) > used[-1]
    # application fields: SG002 checks them per project; decisions: SG025 checks every cell
    optional = table.kind.kind in ("projects", "decisions")
    id_col = table.columns.get(id_column) if id_column else None
    id_raw: list[Any] | None = None

    def pid(i: int) -> str | None:
        nonlocal id_raw
        if id_col is None:
            return None
        if id_raw is None:
            id_raw = _raw_column(grid, index, lines, id_col, wide)
        return clean_text(id_raw[i]) or None

    values: dict[str, list[Any]] = {}
    bad: dict[int, set[str]] = {}
    issues: dict[int, list[Issue]] = {}
    by_key = {c.key: c for c in table.kind.columns}
    for key, col in _keyed_columns(table):
        column = by_key[key]
        parse = PARSERS[column.kind]
        required = column.required and not optional
        raws = _raw_column(grid, index, lines, col, wide)
        out, empty, failed = _parse_column(raws, parse)
        events: list[tuple[int, str, str | None]] = [(i, "unreadable", err) for i, err in failed]
        for i in empty:
            if grid.blank_formula(index[i], col):
                events.append((i, "formula", None))
            elif required:
                events.append((i, "missing", None))
        for i, what, err in sorted(events, key=lambda e: e[0]):
            r = index[i]
            reader.issues = issues.setdefault(i, [])
            if what == "missing":
                reader.missing(column, r, col, pid(i), f"第 {r + 1} 行")
                continue
            bad.setdefault(i, set()).add(key)
            if what == "formula":
                reader.formula_unsaved(column, r, col, pid(i))
            else:
                reader.unreadable(column, r, col, pid(i), err or "")
        values[key] = out
    raw_extra = {name: _raw_column(grid, index, lines, c, wide) for name, c in table.extra.items()}
    keyed = _keyed_columns(table)
    return Columns(
        table, index, values, bad, issues, raw_extra, {key: letters(col) for key, col in keyed}
    )


def rows(
    table: Table, budget_lines: bool = False, id_column: str | None = "project_id"
) -> Iterator[Row]:
    """Data rows below the header; SG002/SG003 issues go into table.issues as each row is reached.

    budget_lines: the 预算明细 reading (see _data_rows)."""
    found = read_columns(table, budget_lines, id_column)
    keys = list(found.values)
    columns = [found.values[key] for key in keys]
    extra_names = list(found.raw_extra)
    merged = table.grid.merged
    extra_letters = {name: letters(c) for name, c in table.extra.items()}  # shared by the rows
    for i, r in enumerate(found.index):
        table.issues.extend(found.issues.get(i, ()))
        values = {
            key: column[i]
            for key, column in zip(keys, columns, strict=True)
            if column[i] is not None
        }
        extra = {name: found.raw_extra[name][i] for name in extra_names}
        extra_cells = found.extra_cells(i) if merged else RowCells(extra_letters, r + 1)
        yield Row(r, values, found.cells(i), found.bad_at(i), extra, extra_cells)


def read_number(table: Table, row: Row, name: str, project_id: str | None) -> Any:
    """A criterion column's value: a number, or SG003 at its cell."""
    raw = row.extra.get(name)
    if is_empty(raw):
        return None
    value, err = parse_decimal(raw)
    if err:
        table.issues.append(
            Issue(
                "SG003",
                f"“{name}”应填数字，{err}：请改正",
                table.grid.loc(row.index, table.extra[name]),
                project_id,
            )
        )
    return value


# the fields of a ledger row held as columns, in EXPENSE_FIELDS order (from date on)
LEDGER_COLUMNS = EXPENSE_FIELDS[3:14]


@dataclass(frozen=True, slots=True)
class LedgerColumns:
    """One ledger sheet's rows as the loader reads them, column by column, before each row is
    made an Expense. A worker process sends these packed (io/cache.encode), so that 100,000 rows
    are not made records twice: once in the worker, and again in the process that reads them."""

    file: str
    sheet: str
    rows: list[int]  # 1-based sheet rows
    letters: dict[str, str] | None  # the header's column letters; None: the sheet has merged cells
    cells: list[Any] | None  # each row's cells, when the sheet has merged cells
    bads: list[frozenset[str]] | None  # each row's unreadable fields; None: no row has one
    values: dict[str, list[Any]]  # LEDGER_COLUMNS → one value a row
    columns: frozenset[str]  # the fields the sheet has

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[Expense]:
        """The rows as Expense records, made column by column (no Python loop a row)."""
        n = len(self.rows)
        locs = map(
            make_location, repeat(self.file, n), repeat(self.sheet, n), repeat(None, n), self.rows
        )
        cells = (
            self.cells
            if self.cells is not None
            else map(RowCells, repeat(self.letters, n), self.rows)
        )
        bads = self.bads if self.bads is not None else repeat(NO_BAD, n)
        columns = (self.values[name] for name in LEDGER_COLUMNS)
        return list(map(make_expense, locs, cells, bads, *columns, repeat(self.columns, n)))
