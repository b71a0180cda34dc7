"""Which error findings count against what: a project's application, a ledger row, a score row.

One classification for every step that reads findings (rank, disburse, the decision of each
project), so they cannot disagree about what "has an error on its application" means.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from selfgov_cli.model import Expense, Location
from selfgov_cli.rules.engine import REGISTRY, Context, Finding

RowKey = tuple[str | None, str | None, int | None]
# SG004 belongs to the duplicate application, not to the standing project it repeats; SG019 (no
# review score) is the review's business: such a project is 未经评审, not 待改正.
NOT_AGAINST_APPLICATION = frozenset({"SG004", "SG019"})


def row_key(loc: Location | Finding) -> RowKey:
    return (loc.file, loc.sheet, loc.row)


@dataclass
class Faults:
    application: dict[str, list[Finding]] = field(default_factory=dict)  # 待改正: per project
    ledger: dict[RowKey, list[Finding]] = field(default_factory=dict)  # per ledger row
    scores: dict[RowKey, list[Finding]] = field(default_factory=dict)  # per score row
    any_error: dict[str, int] = field(default_factory=dict)  # every error per project (十佳 check)
    # id() of each ledger record of the run's dataset with errors -> its findings (sort_faults)
    _by_record: dict[int, list[Finding]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def needs_fix(self, pid: str) -> bool:
        return bool(self.application.get(pid))

    def ledger_errors(self, expense: Expense) -> list[Finding] | None:
        """The error findings of a ledger row (None when it has none), for the money step's walk
        over every row: by the record itself when sort_faults saw it, else by its place."""
        if not self.ledger:
            return None
        if self._by_record is not None:
            return self._by_record.get(id(expense))
        return self.ledger.get(row_key(expense.loc))


def sort_faults(ctx: Context, findings: Iterable[Finding]) -> Faults:
    """Error findings by what they count against. A finding on a duplicate application's own file
    (SG004's) never counts against the standing project."""
    errors = [f for f in findings if f.severity.value == "error"]
    wanted = {row_key(f) for f in errors}
    records: dict[int, RowKey] = {}
    ledger_rows = _rows_among(ctx.data.ledger, wanted, records)
    score_rows = _rows_among(ctx.data.scores, wanted)
    evaluation_rows = _rows_among(ctx.data.evaluations, wanted)
    decision_rows = _rows_among(getattr(ctx.data, "decisions", ()), wanted)
    duplicate_places = _duplicate_places(ctx)
    out = Faults()
    for finding in errors:
        key = row_key(finding)
        pid = finding.project_id
        if pid:
            out.any_error[pid] = out.any_error.get(pid, 0) + 1
        if key in ledger_rows:
            out.ledger.setdefault(key, []).append(finding)
        elif key in score_rows:
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
    out._by_record = {n: out.ledger[key] for n, key in records.items() if key in out.ledger}
    return out


def _rows_among(
    records: Iterable, wanted: set[RowKey], ids: dict[int, RowKey] | None = None
) -> set[RowKey]:
    """Those of `wanted` that are the place of one of the records (looked up without making a key
    a record: a ledger of 1,000,000 rows would otherwise cost a set of 1,000,000 keys). ids, when
    given, gets id(record) -> key of each record found."""
    places: dict[str | None, dict[str | None, set[int | None]]] = {}
    for file, sheet, row in wanted:
        places.setdefault(file, {}).setdefault(sheet, set()).add(row)
    out: set[RowKey] = set()
    if not places:
        return out
    for record in records:
        loc = record.loc
        sheets = places.get(loc.file)
        if sheets is not None:
            rows = sheets.get(loc.sheet)
            if rows is not None and loc.row in rows:
                key = (loc.file, loc.sheet, loc.row)
                out.add(key)
                if ids is not None:
                    ids[id(record)] = key
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


__all__ = ["Faults", "RowKey", "row_key", "sort_faults"]
