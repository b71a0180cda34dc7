"""The rule engine: one registry of rules, findings with places, running rules over a folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from selfgov_cli.model import Dataset, Location, Project, ledger_order

if TYPE_CHECKING:
    from selfgov_cli.programs.base import Program


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


Hit = tuple[Location, "str | None", str]  # where, 项目编号, message
Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    clause: str  # e.g. "浦兴 四.4(1)"
    title: str  # what the rule checks, in Chinese
    fix: str  # what a clerk does about it, in Chinese
    program: str | None  # None: every program; else the built-in program id (family)
    check: Check
    doc: str = ""
    late: bool = False  # runs after the others and may read ctx.prior (their findings)


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,  # noqa: A002 - the catalog's own word
    severity: str,
    clause: str,
    title: str,
    fix: str,
    program: str | None = None,
    late: bool = False,
) -> Callable[[Check], Check]:
    """Register a check under a stable id. A duplicate id is a programming error."""

    def register(check: Check) -> Check:
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        doc = (check.__doc__ or "").strip()
        REGISTRY[id] = Rule(id, Severity(severity), clause, title, fix, program, check, doc, late)
        return check

    return register


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    project_id: str | None
    file: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    message: str
    clause: str
    fix: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "project_id": self.project_id,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "message": self.message,
            "clause": self.clause,
            "fix": self.fix,
        }

    @property
    def loc(self) -> Location:
        return Location(self.file, self.sheet, self.cell, self.row)

    def sort_key(self) -> tuple:
        return (
            self.file is None,
            self.file or "",
            self.sheet or "",
            self.row or 0,
            _col_key(self.cell),
            self.rule,
            self.project_id or "",
            self.message,
        )


def _col_key(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = cell.rstrip("0123456789")
    return (len(letters), letters)


@dataclass
class Context:
    """What a check sees: the folder, the program, its settings and the date of the run."""

    data: Dataset
    program: Program
    as_of: date
    settings: dict[str, Any] = field(default_factory=dict)
    neighborhoods: tuple[str, ...] = ()
    prior: list[Finding] = field(default_factory=list)  # findings of the non-late rules
    invoice_owners: dict[str, str] = field(default_factory=dict)  # 发票号 -> owner (发票归属)

    def setting(self, name: str) -> Any:
        if name in self.settings:
            return self.settings[name]
        return self.program.setting_default(name)

    @cached_property
    def projects(self) -> dict[str, Project]:
        return self.data.project_map()

    @cached_property
    def budget_by_project(self) -> dict[str, list]:
        return _group(self.data.budget)

    @cached_property
    def members_by_project(self) -> dict[str, list]:
        return _group(self.data.members)

    @cached_property
    def ledger_by_project(self) -> dict[str, list]:
        return _group(self.data.ledger)

    @cached_property
    def ledger_in_order(self) -> dict[str, list]:
        """Each project's ledger rows by date, then place: what running totals walk (sorted once)."""
        return {pid: sorted(rows, key=ledger_order) for pid, rows in self.ledger_by_project.items()}

    @cached_property
    def evaluation_by_project(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for evaluation in self.data.evaluations:
            if evaluation.project_id and evaluation.project_id not in out:
                out[evaluation.project_id] = evaluation
        return out


def _group(records: Iterable[Any]) -> dict[str, list]:
    out: dict[str, list] = {}
    for record in records:
        if record.project_id:
            out.setdefault(record.project_id, []).append(record)
    return out


def rules_for(program: Program) -> list[Rule]:
    """Common rules and the rules of the program's family, in id order."""
    _load_builtin_rules()
    return [
        r
        for r in sorted(REGISTRY.values(), key=lambda r: r.id)
        if r.program in (None, program.family)
    ]


def _load_builtin_rules() -> None:
    from selfgov_cli.programs import load_rule_modules

    load_rule_modules()


def run_rules(
    ctx: Context, only: Iterable[str] | None = None, skip: Iterable[str] = ()
) -> list[Finding]:
    """Every finding of every applicable rule, sorted by place. A rule never stops the others."""
    wanted = set(only) if only is not None else None
    skipped = set(skip) | set(ctx.program.disabled_rules)
    found: list[Finding] = []
    active = [
        r
        for r in rules_for(ctx.program)
        if r.id not in skipped and (wanted is None or r.id in wanted)
    ]
    for item in (r for r in active if not r.late):
        found.extend(_findings(item, item.check(ctx)))
    ctx.prior = list(found)
    for item in (r for r in active if r.late):
        found.extend(_findings(item, item.check(ctx)))
    return sorted(set(found), key=Finding.sort_key)


def _findings(item: Rule, hits: Iterable[Hit]) -> Iterator[Finding]:
    for loc, project_id, message in hits:
        yield Finding(
            item.id,
            item.severity,
            project_id,
            loc.file,
            loc.sheet,
            loc.cell,
            loc.row,
            message,
            item.clause,
            item.fix,
        )


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {"errors": 0, "warnings": 0, "infos": 0}
    for finding in findings:
        counts[
            {"error": "errors", "warning": "warnings", "info": "infos"}[finding.severity.value]
        ] += 1
    return counts
