"""Which error findings count against what: a project's application, a ledger row, a score row.

One classification for every step that reads findings (rank, disburse, the decision of each
project), so they cannot disagree about what "has an error on its application" means.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import islice
from operator import attrgetter, itemgetter

from selfgov_cli.model import Expense, Location
from selfgov_cli.rules.engine import REGISTRY, Context, Finding

RowKey = tuple[str | None, str | None, int | None]
# SG004 belongs to the duplicate application, not to the standing project it repeats; SG019 (no
# review score) is the review's business: such a project is 未经评审, not 待改正.
NOT_AGAINST_APPLICATION = frozenset({"SG004", "SG019"})


def row_key(loc: Location | Finding) -> RowKey:
    return (loc.file, loc.sheet, loc.row)


class SheetErrors:
    """The error findings of one sheet by row: the rows with errors ascending, and for each the
    run of its findings in one list. A million-row ledger with an error on every row costs a
    pointer and an 8-byte start a row, not a dict entry and a list (130 MB less)."""

    __slots__ = ("rows", "starts", "found", "unplaced")

    def __init__(self, found: list[Finding]) -> None:
        placed = [f for f in found if f.row is not None]
        self.unplaced = [f for f in found if f.row is None]  # the sheet's, not a row's
        if any(map(_later, placed, islice(placed, 1, None))):
            placed.sort(key=_ROW)  # stable: a row's findings keep their order
        rows: list[int] = []
        starts = array("q")
        last = None
        for i, f in enumerate(placed):
            if f.row != last:
                last = f.row
                rows.append(last)
                starts.append(i)
        starts.append(len(placed))
        self.rows, self.starts, self.found = rows, starts, placed

    def at(self, row: int | None) -> list[Finding] | None:
        """The errors of a row, in the order found; None when it has none."""
        if row is None:
            return self.unplaced or None
        rows = self.rows
        i = bisect_left(rows, row)
        if i < len(rows) and rows[i] == row:
            return self.found[self.starts[i] : self.starts[i + 1]]
        return None

    def __contains__(self, row: int | None) -> bool:
        return self.at(row) is not None


def _later(a: Finding, b: Finding) -> bool:
    return a.row > b.row


_ROW = attrgetter("row")

# file -> sheet -> its errors by row (nested: no key tuple a ledger row)
Places = dict[str | None, dict[str | None, SheetErrors]]


@dataclass
class Faults:
    application: dict[str, list[Finding]] = field(default_factory=dict)  # 待改正: per project
    scores: dict[RowKey, list[Finding]] = field(default_factory=dict)  # per score row
    # every error on a project's application or ledger (十佳 check, rules.md 浦兴): not a score row's
    # (the review panel's sheet), not a duplicate application's (SG004)
    any_error: dict[str, int] = field(default_factory=dict)
    # every error by place: a ledger row's errors are those at its place (ledger_errors)
    ledger: Places = field(default_factory=dict)
    # the 项目编号 of the ledger rows with errors (None: not known, any row may have some): the
    # money step looks up no row of another project (most projects)
    ledger_projects: set[str | None] | None = None

    def needs_fix(self, pid: str) -> bool:
        return bool(self.application.get(pid))

    def with_money_errors(self, found: Iterable[Finding]) -> Faults:
        """These faults plus the money step's error findings (SG014 on ledger rows) in `any_error`,
        for the year-end 十佳 check, which runs after the money step. A 待改正 project's one SG014
        (nothing released: its application errors) restates errors already counted."""
        extra = [
            f.project_id
            for f in found
            if f.severity.value == "error" and f.project_id and not self.needs_fix(f.project_id)
        ]
        if not extra:
            return self
        counts = dict(self.any_error)
        for pid in extra:
            counts[pid] = counts.get(pid, 0) + 1
        return replace(self, any_error=counts)

    def ledger_clean(self, pid: str | None) -> bool:
        """Is no ledger row of this 项目编号 known to have an error?"""
        return self.ledger_projects is not None and pid not in self.ledger_projects

    def ledger_errors(self, expense: Expense) -> list[Finding] | None:
        """The error findings of a ledger row (None when it has none), for the money step's walk
        over every row."""
        return _errors_at(self.ledger, expense.loc)


def _errors_at(at: Places, loc: Location) -> list[Finding] | None:
    sheets = at.get(loc.file)
    errors = sheets.get(loc.sheet) if sheets is not None else None
    return errors.at(loc.row) if errors is not None else None


def sort_faults(ctx: Context, findings: Iterable[Finding]) -> Faults:
    """Error findings by what they count against. A finding on a duplicate application's own file
    (SG004's) never counts against the standing project.

    A ledger of 1,000,000 rows with an error on each has 1,000,000 places: they are kept by
    sheet (SheetErrors), never as a key tuple, a set entry or a list a row."""
    errors = [f for f in findings if f.severity.value == "error"]
    by_sheet: dict[str | None, dict[str | None, list[Finding]]] = {}
    for f in errors:
        by_sheet.setdefault(f.file, {}).setdefault(f.sheet, []).append(f)
    at: Places = {
        file: {sheet: SheetErrors(found) for sheet, found in sheets.items()}
        for file, sheets in by_sheet.items()
    }
    del by_sheet
    # a ledger record's place with errors: its errors; the projects of such records
    out = Faults(ledger=at, ledger_projects=set())
    records, unplaced = _ledger_places(ctx.data.ledger)
    out.ledger_projects.update(unplaced)  # a record with no row reads its sheet's unplaced errors
    score_rows = _rows_among(ctx.data.scores, at)
    evaluation_rows = _rows_among(ctx.data.evaluations, at)
    decision_rows = _rows_among(getattr(ctx.data, "decisions", ()), at)
    duplicate_places = _duplicate_places(ctx)
    for finding in errors:
        pid = finding.project_id
        place = records.get((finding.file, finding.sheet))
        if place is not None and finding.row is not None:
            rows, owners = place
            i = bisect_left(rows, finding.row)
            if i < len(rows) and rows[i] == finding.row:
                while i < len(rows) and rows[i] == finding.row:  # the row's records (one)
                    out.ledger_projects.add(owners[i])
                    i += 1
                if pid:
                    out.any_error[pid] = out.any_error.get(pid, 0) + 1
                continue  # a ledger row's: in out.ledger, with the others of its row
        key = row_key(finding)
        if key in score_rows:
            out.scores.setdefault(key, []).append(finding)
        elif (
            pid in ctx.projects
            and key not in evaluation_rows
            and key not in decision_rows
            and finding.rule not in NOT_AGAINST_APPLICATION
            and _stage(finding.rule) == "rules"
            and (finding.file, finding.sheet) not in duplicate_places.get(pid, ())
        ):
            out.application.setdefault(pid, []).append(finding)
            out.any_error[pid] = out.any_error.get(pid, 0) + 1
    return out


def _ledger_places(
    ledger: Iterable[Expense],
) -> tuple[dict[tuple, tuple[list[int], list[str | None]]], set[str | None]]:
    """(file, sheet) → the rows of its ledger records, ascending, and the 项目编号 of each; and the
    项目编号 of the records without a row."""
    out: dict[tuple, tuple[list[int], list[str | None]]] = {}
    unplaced: set[str | None] = set()
    file = sheet = rows = owners = None  # the place of the record before (a sheet's come together)
    for record in ledger:
        loc = record.loc
        if loc.row is None:
            unplaced.add(record.project_id)
            continue
        if rows is None or loc.file != file or loc.sheet != sheet:
            file, sheet = loc.file, loc.sheet
            rows, owners = out.setdefault((file, sheet), ([], []))
        rows.append(loc.row)
        owners.append(record.project_id)
    for key, (rows, owners) in out.items():
        if any(map(int.__gt__, rows, islice(rows, 1, None))):
            pairs = sorted(zip(rows, owners, strict=True), key=_FIRST)  # stable: a row's order
            out[key] = ([row for row, _ in pairs], [owner for _, owner in pairs])
    return out, unplaced


_FIRST = itemgetter(0)


def _rows_among(records: Iterable, at: Places) -> set[RowKey]:
    """The places of `records` (score, evaluation or decision rows) that have error findings."""
    out: set[RowKey] = set()
    for record in records:
        loc = record.loc
        if _errors_at(at, loc) is not None:
            out.add((loc.file, loc.sheet, loc.row))
    return out


def _stage(rule_id: str) -> str:
    item = REGISTRY.get(rule_id)
    return item.stage if item else "rules"


def _duplicate_places(ctx: Context) -> dict[str, set[tuple[str | None, str | None]]]:
    """(file, sheet) of each later application that repeats a 项目编号, unless the standing one is
    there too (a 项目汇总 sheet with two rows)."""
    out: dict[str, set[tuple[str | None, str | None]]] = {}
    for project in (*ctx.data.projects, *getattr(ctx.data, "duplicates", ())):
        pid = project.project_id
        standing = ctx.projects.get(pid or "")
        if standing is None or standing is project:
            continue
        place = (project.loc.file, project.loc.sheet)
        if place != (standing.loc.file, standing.loc.sheet):
            out.setdefault(pid, set()).add(place)
    return out


__all__ = ["Faults", "RowKey", "SheetErrors", "row_key", "sort_faults"]
