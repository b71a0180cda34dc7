"""The rule engine: one registry of rules, findings with places, running rules over a folder."""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from itertools import compress, count, islice, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from selfgov_cli.model import (
    BudgetLine,
    Dataset,
    Evaluation,
    Location,
    Project,
    column_key,
    folder_key,
    in_ledger_order,
    ledger_placed,
    slot_maker,
)

if TYPE_CHECKING:  # cycle: selfgov_cli.programs' __init__ loads the program modules, which
    # register their rules here; the Program type is for type checkers only
    from selfgov_cli.programs.base import Program


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


# where, 项目编号, message; a hit may add a fourth item, the excess amount of a ledger row (Finding.excess),
# or a Severity for a hit less severe than its rule (SG026 on an incomplete record)
Hit = tuple[Location, "str | None", str]
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
    stage: str = "rules"  # "rules": run by the engine; "money": emitted by the money step (SG014)


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,  # noqa: A002 - the catalog's own word
    severity: str,
    clause: str,
    title: str,
    fix: str,
    program: str | None = None,
    stage: str = "rules",
) -> Callable[[Check], Check]:
    """Register a check under a stable id. A duplicate id, or a registration after the registry was
    frozen (rules/registry.py), is a programming error."""

    def register(check: Check) -> Check:
        if _frozen:
            raise RuntimeError(f"rule {id} registered after the registry was frozen")
        if id in REGISTRY:
            raise ValueError(f"rule {id} registered twice")
        doc = (check.__doc__ or "").strip()
        REGISTRY[id] = Rule(id, Severity(severity), clause, title, fix, program, check, doc, stage)
        return check

    return register


_frozen = False


def freeze() -> None:
    """No more rules: called once by rules/registry.py after it imported every rule pack."""
    global _frozen
    _frozen = True


@dataclass(frozen=True, slots=True)
class Kind:
    """What every finding of one rule at one severity shares: one object, not four fields a
    finding (a million-row ledger has millions of findings)."""

    rule: str
    severity: Severity
    clause: str
    fix: str


_KINDS: dict[tuple[str, Severity, str, str], Kind] = {}
# a Finding's fields, in the order of its constructor
_NAMES = ("rule", "severity", "project_id", "file", "sheet", "cell", "row", "message", "clause")
_NAMES += ("fix", "excess")


def kind_of(rule: str, severity: Severity, clause: str, fix: str) -> Kind:
    key = (rule, severity, clause, fix)
    kind = _KINDS.get(key)
    if kind is None:
        kind = _KINDS[key] = Kind(rule, severity, clause, fix)
    return kind


class Finding:
    """One problem at one place: rule, severity, 项目编号, file, sheet, cell, row, message, clause,
    fix, and `excess`: the part of a ledger row's amount a limit excludes (a cap reached, funds
    not yet released); None: the finding excludes the whole row. Not part of the JSON contract.

    Immutable and compared on all its fields like a frozen dataclass; the rule, severity, clause
    and fix are held as one shared Kind (24 bytes less a finding)."""

    __slots__ = ("kind", "project_id", "file", "sheet", "cell", "row", "message", "excess")

    kind: Kind
    project_id: str | None
    file: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    message: str
    excess: Decimal | None

    def __init__(
        self,
        rule: str,
        severity: Severity,
        project_id: str | None,
        file: str | None,
        sheet: str | None,
        cell: str | None,
        row: int | None,
        message: str,
        clause: str,
        fix: str,
        excess: Decimal | None = None,
    ) -> None:
        kind = kind_of(rule, Severity(severity), clause, fix)
        values = (kind, project_id, file, sheet, cell, row, message, excess)
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    # the shared part, read through the Kind (a getter in C: sorting reads these millions of times)
    rule = property(attrgetter("kind.rule"))
    severity = property(attrgetter("kind.severity"))
    clause = property(attrgetter("kind.clause"))
    fix = property(attrgetter("kind.fix"))

    def _fields(self) -> tuple:
        return (
            self.kind.rule,
            self.kind.severity,
            self.project_id,
            self.file,
            self.sheet,
            self.cell,
            self.row,
            self.message,
            self.kind.clause,
            self.kind.fix,
            self.excess,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Finding:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Finding is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Finding is immutable")

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(_NAMES, self._fields(), strict=True))
        return f"Finding({shown})"

    def __reduce__(self) -> tuple:
        """Pickled by its fields (findings go to the workers that write annotated copies); the
        Kind is shared again on the way in."""
        return (Finding, self._fields())

    def replace(self, **changes: Any) -> Finding:
        """A copy with some fields changed (what dataclasses.replace does for a dataclass)."""
        return Finding(**{**dict(zip(_NAMES, self._fields(), strict=True)), **changes})

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind
        return {
            "rule": kind.rule,
            "severity": kind.severity.value,
            "project_id": self.project_id,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "message": self.message,
            "clause": kind.clause,
            "fix": kind.fix,
        }

    @property
    def loc(self) -> Location:
        return Location(self.file, self.sheet, self.cell, self.row)

    def sort_key(self) -> tuple:
        return (
            self.file is None,
            folder_key(self.file or ""),
            self.sheet or "",
            self.row or 0,
            column_key(self.cell),
            self.rule,
            self.project_id or "",
            self.message,
        )


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """The findings by place (`Finding.sort_key`), each once: what
    ``sorted(dict.fromkeys(findings), key=Finding.sort_key)`` gives, without a key tuple or a hash
    per finding (2,000,000 findings of a million-row ledger: 0.45 GB and 15 s that way).

    Each finding's key is one integer, made of the ranks of each sort field's value among the
    distinct ones (file and sheet, row, column, rule, 项目编号, message); copies have equal keys,
    and only those are compared. The rules' findings come as a few stretches already in order (a
    rule walks the records in place order), which are merged with only one key a stretch alive;
    anything else is sorted on a list of keys. Among findings equal in every sort field the first
    one found comes first."""
    items = list(findings)
    n = len(items)
    if n < 2:
        return items
    key = _order_key(items)
    if key is None:  # a row that is not a row number: never from a workbook
        return sorted(dict.fromkeys(items), key=Finding.sort_key)
    try:  # 8 bytes a key (3,666,664 findings: a list of their int keys is 150 MB)
        keys: Sequence[int] = array("Q", map(key, items))
    except OverflowError:  # a key over 64 bits: very many distinct values
        keys = list(map(key, items))
    following = islice(keys, 1, None)
    ends = list(islice(compress(count(1), map(int.__gt__, keys, following)), _MERGED_STRETCHES))
    if not ends and not any(map(int.__eq__, keys, islice(keys, 1, None))):
        return items  # in order already, each once
    if len(ends) < _MERGED_STRETCHES:
        at = keys.__getitem__
        stretches = [
            zip(map(at, range(start, end)), repeat(i), map(items.__getitem__, range(start, end)))
            for i, (start, end) in enumerate(zip([0, *ends], [*ends, n], strict=True))
        ]
        # (key, stretch, finding): equal keys of two stretches are taken in input order
        return _each_once(heapq.merge(*stretches))
    made = iter(keys)  # list.sort computes the keys once, in order: hand it those made above
    items.sort(key=lambda _: next(made))
    keys = sorted(keys)  # equal keys are equal findings' keys, so both lists stay in step
    return _each_once(zip(keys, repeat(0), items))


_MERGED_STRETCHES = 64  # more stretches in order than this: one sort instead of a merge


def _each_once(keyed: Iterable[tuple[int, int, Finding]]) -> list[Finding]:
    """The findings of (key, _, finding) in key order, copies dropped: equal keys are equal in
    every sort field, and among those the first of each equal finding stays."""
    out: list[Finding] = []
    append = out.append
    start, last = 0, -1
    for k, _, finding in keyed:
        if k != last:
            if len(out) - start > 1:
                out[start:] = dict.fromkeys(out[start:])
            start, last = len(out), k
        append(finding)
    if len(out) - start > 1:
        out[start:] = dict.fromkeys(out[start:])
    return out


def _order_key(items: list[Finding]) -> Callable[[Finding], int] | None:
    """Finding -> one integer ordered as `Finding.sort_key`: the ranks of its place (file and
    sheet), row, column, rule, 项目编号 and message among the distinct values of `items`, each
    in its own bits. None when a row is not a whole number >= 0 (no integer key then)."""
    digits = "0123456789"
    rows = set(map(_ROW, items))
    rows.discard(None)
    if not all(type(r) is int and r >= 0 for r in rows):
        return None
    row_bits = max(rows, default=0).bit_length()
    norm = {
        (f, s): (f is None, folder_key(f or ""), s or "")
        for f, s in set(zip(map(_FILE, items), map(_SHEET, items), strict=True))
    }
    rank = {n: i for i, n in enumerate(sorted(set(norm.values())))}  # equal in sort_key: one rank
    places: dict[str | None, dict[str | None, int]] = {}
    for (file, sheet), n in norm.items():
        places.setdefault(file, {})[sheet] = rank[n] << row_bits
    letters = {cell.rstrip(digits) for cell in map(_CELL, items) if cell}
    letters.add("")  # no cell, or no letters: first, as column_key
    cols = {t: i for i, t in enumerate(sorted(letters, key=column_key))}
    kinds = set(map(_KIND, items))
    ranked = {t: i for i, t in enumerate(sorted({kind.rule for kind in kinds}))}
    rules = {kind: ranked[kind.rule] for kind in kinds}
    given = set(map(_PROJECT, items))
    ordered = {t: i for i, t in enumerate(sorted({t or "" for t in given}))}
    pids = {t: ordered[t or ""] for t in given}
    messages = {t: i for i, t in enumerate(sorted(set(map(_MESSAGE, items))))}
    col_bits, rule_bits = len(cols).bit_length(), len(ranked).bit_length()
    pid_bits, message_bits = len(ordered).bit_length(), len(messages).bit_length()

    def key(f: Finding) -> int:
        cell = f.cell
        k = (places[f.file][f.sheet] | (f.row or 0)) << col_bits
        k = (k | (cols[cell.rstrip(digits)] if cell else 0)) << rule_bits
        k = ((k | rules[f.kind]) << pid_bits) | pids[f.project_id]
        return (k << message_bits) | messages[f.message]

    return key


_FILE = attrgetter("file")
_SHEET = attrgetter("sheet")
_CELL = attrgetter("cell")
_ROW = attrgetter("row")
_KIND = attrgetter("kind")
_PROJECT = attrgetter("project_id")
_MESSAGE = attrgetter("message")


@dataclass
class Context:
    """What a check sees: the folder, the program, its settings and the date of the run."""

    data: Dataset
    program: Program
    as_of: date
    settings: dict[str, Any] = field(default_factory=dict)
    neighborhoods: tuple[str, ...] = ()
    year: int | None = None  # the program year (sgov.toml `year`, else the program id's)
    year_shift: int = 0  # program year − the year the built-in policy was written for
    # The office's recorded decisions (人工认定) in force at as_of that rules must respect:
    # SG025's malformed half as the pipeline read it (None: the rule reads the sheets itself)
    decision_problems: list | None = None
    invoice_owners: dict[str, str] = field(default_factory=dict)  # 发票号 key → owner 项目编号
    # 项目编号 → {expense category code or "approved_amount": (new total, where, note, from date)}
    budget_changes: dict[str, dict[str, tuple[Decimal, Location, str, date]]] = field(
        default_factory=dict
    )
    history: Any = None  # last year's record linked to this year's projects (history.LastYear)
    # ledger rows (id of the Expense) an error finding excludes whole (not merely over a limit):
    # they fill no cap and no budget line (the pipeline's second pass of the running-sum rules)
    barred: frozenset[int] = frozenset()
    # the projects that second pass walks again (None: every project)
    recount: frozenset[str] | None = None

    def setting(self, name: str) -> Any:
        """A setting's value: sgov.toml's, else the program's default — a built-in date setting
        moved into the program year (workbooks.md "The program year")."""
        if name in self.settings:
            return self.settings[name]
        value = self.program.setting_default(name)
        if self.year_shift and isinstance(value, date):
            spec = self.program.setting_spec(name)
            if spec is not None and not spec.source.endswith(".toml"):
                return shift_year(value, self.year_shift)
        return value

    @cached_property
    def projects(self) -> dict[str, Project]:
        return self.data.project_map()

    @cached_property
    def budget_added_on(self) -> dict[str, dict[str, date]]:
        """Categories a budget change (人工认定) added to a project's budget, with the date from
        which they count: an expense of that category dated before it is still unbudgeted."""
        raw = _group(self.data.budget)
        out: dict[str, dict[str, date]] = {}
        for pid, changes in self.budget_changes.items():
            had = {line.category for line in raw.get(pid, [])}
            for code, change in changes.items():
                if code != "approved_amount" and code not in had:
                    out.setdefault(pid, {})[code] = change[3]
        return out

    @cached_property
    def budget_by_project(self) -> dict[str, list]:
        """Each project's budget lines; a category with an approved budget change (人工认定
        预算调整) is one line of its new total, at the decision's cell."""
        out = _group(self.data.budget)
        for pid, changes in self.budget_changes.items():
            lines = out.get(pid, [])
            for code, (amount, loc, note, _on) in changes.items():
                if code == "approved_amount":
                    continue
                lines = [line for line in lines if line.category != code]
                lines.append(
                    BudgetLine(
                        loc,
                        project_id=pid,
                        category=code,
                        category_text=code,
                        item=note,
                        amount=amount,
                    )
                )
            out[pid] = lines
        return out

    @cached_property
    def members_by_project(self) -> dict[str, list]:
        return _group(self.data.members)

    @cached_property
    def ledger_by_project(self) -> dict[str, list]:
        return _group(self.data.ledger)

    @cached_property
    def ledger_placed(self) -> bool:
        """Is the dataset's ledger in (file, sheet, row) order (then only dates need sorting)?"""
        files = self.data.files
        return sum(len(f.ledger) for f in files) == len(self.data.ledger) and ledger_placed(files)

    @cached_property
    def ledger_in_order(self) -> dict[str, list]:
        """Each project's ledger rows by date, then place: what running totals walk (sorted once)."""
        placed = self.ledger_placed
        return {pid: in_ledger_order(rows, placed) for pid, rows in self.ledger_by_project.items()}

    @cached_property
    def spent_by_category(self) -> dict[str, dict[str, Decimal]]:
        """Each project's ledger total per expense category (positive amounts only): lets a
        per-category cap skip, in one look-up, the projects that cannot reach it."""
        out: dict[str, dict[str, Decimal]] = {}
        for pid, rows in self.ledger_by_project.items():
            sums: dict[str, Decimal] = {}
            for expense in rows:
                amount = expense.amount
                if amount is not None and amount > 0:
                    sums[expense.category] = sums.get(expense.category, 0) + amount
            out[pid] = sums
        return out

    @cached_property
    def evaluation_by_project(self) -> dict[str, Evaluation]:
        """Each project's 评估结果 as known at `as_of`: its rows merged in order (by 立项日期, then
        row order), a later non-empty value replacing an earlier one. An approval (核定金额, 立项日期)
        is known from its 立项日期, a mid-term verdict from its 中期评估日期; undated is always known."""
        rows: dict[str, list[tuple[int, Evaluation]]] = {}
        for n, evaluation in enumerate(self.data.evaluations):
            if evaluation.project_id:
                rows.setdefault(evaluation.project_id, []).append((n, evaluation))
        out: dict[str, Evaluation] = {}
        for pid, items in rows.items():
            items.sort(key=lambda item: (item[1].approved_on or date.min, item[0]))
            merged: Evaluation | None = None
            for _, row in items:
                known = _known_part(row, self.as_of)
                if known is None:
                    continue
                merged = known if merged is None else _merge(merged, known)
            if merged is not None:
                out[pid] = merged
        return out

    @cached_property
    def approvals(self) -> dict[str, Approval]:
        """The one approved amount of every project (rules.md Money): the latest known 核定金额
        (by 立项日期, then row order) in 评估结果, else 申请金额; with the cell it came from."""
        out: dict[str, Approval] = {}
        upcoming: dict[str, date] = {}  # the first 立项日期 still to come, per project
        for row in self.data.evaluations:
            day = row.approved_on
            if row.project_id and day is not None and day > self.as_of:
                upcoming[row.project_id] = min(day, upcoming.get(row.project_id, day))
        for pid, project in self.projects.items():
            evaluation = self.evaluation_by_project.get(pid)
            known_on = evaluation.approved_on if evaluation is not None else None
            # released on the known 立项日期; with none known yet, not before the one to come
            on = known_on or upcoming.get(pid)
            changed = self.budget_changes.get(pid, {}).get("approved_amount")
            if changed is not None:  # 人工认定 预算调整 of the 核定金额
                out[pid] = Approval(changed[0], "人工认定", changed[1], "", on)
                continue
            if evaluation is not None and "approved_amount" in evaluation.bad:
                out[pid] = Approval(
                    None, None, evaluation.cell("approved_amount"), "核定金额无法读取"
                )
            elif evaluation is not None and evaluation.approved_amount is not None:
                amount = evaluation.approved_amount
                problem = "核定金额为负数" if amount < 0 else ""
                out[pid] = Approval(
                    None if problem else amount,
                    "核定金额",
                    evaluation.cell("approved_amount"),
                    problem,
                    on,
                )
            elif "requested_amount" in project.bad or project.requested is None:
                out[pid] = Approval(
                    None, None, project.cell("requested_amount"), "申请金额缺失或无法读取"
                )
            elif project.requested < 0:
                out[pid] = Approval(None, None, project.cell("requested_amount"), "申请金额为负数")
            else:
                out[pid] = Approval(
                    project.requested, "申请金额", project.cell("requested_amount"), "", on
                )
        return out


@dataclass(frozen=True, slots=True)
class Approval:
    """A project's approved amount and where it came from (None when it cannot be determined)."""

    amount: Decimal | None
    source: str | None  # 核定金额 or 申请金额
    loc: Location | None
    problem: str = ""
    approved_on: date | None = None


_APPROVAL_FIELDS = ("approved_amount", "approved_on")
_MIDTERM_FIELDS = ("midterm", "midterm_date")


def _known_part(row: Evaluation, as_of: date) -> Evaluation | None:
    """The part of an 评估结果 row known at as_of (None when nothing of it is)."""
    changes: dict[str, Any] = {}
    if row.approved_on is not None and row.approved_on > as_of:
        changes.update(approved_amount=None, approved_on=None)
    if row.midterm_date is not None and row.midterm_date > as_of:
        changes.update(midterm="")  # the date itself is known: the verdict is still to come
    if len(changes) == 3 and not row.final and not row.midterm_date:
        return None
    return replace(row, **changes) if changes else row


def _merge(old: Evaluation, new: Evaluation) -> Evaluation:
    """`old` with every non-empty field of `new`; cells and unreadable marks follow the values."""
    changes: dict[str, Any] = {}
    cells = dict(old.cells)
    bad = set(old.bad)
    for name in (
        "midterm",
        "midterm_date",
        "final",
        "approved_amount",
        "approved_on",
        "satisfaction",
    ):
        value = getattr(new, name)
        if value not in (None, "") or name in new.bad:
            changes[name] = value
            if name in new.cells:
                cells[name] = new.cells[name]
            bad.discard(name)
            if name in new.bad:
                bad.add(name)
    return replace(old, **changes, cells=cells, bad=frozenset(bad))


def shift_year(day: date, years: int) -> date:
    """The same day `years` later (29 February into a common year: 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _group(records: Iterable[Any]) -> dict[str, list]:
    out: dict[str, list] = {}
    for record in records:
        if record.project_id:
            out.setdefault(record.project_id, []).append(record)
    return out


def rules_for(program: Program) -> list[Rule]:
    """Common rules and the rules of the program's family, in id order (the registry must have been
    filled: rules/registry.py imports every rule pack)."""
    if not _frozen:
        raise RuntimeError("the rule registry is not loaded: import selfgov_cli.rules.registry")
    return [
        r
        for r in sorted(REGISTRY.values(), key=lambda r: r.id)
        if r.program in (None, program.family)
    ]


def active(program: Program, rule_id: str) -> bool:
    """Does this rule apply to the program (its family's, not disabled)?"""
    item = REGISTRY.get(rule_id)
    return (
        item is not None
        and item.program in (None, program.family)
        and rule_id not in program.disabled_rules
    )


def run_rules(
    ctx: Context, only: Iterable[str] | None = None, skip: Iterable[str] = ()
) -> list[Finding]:
    """Every finding of every applicable rule of the rules stage, sorted by place. A rule never stops
    the others. Money-stage rules (SG014) are emitted by the money step, not here."""
    wanted = set(only) if only is not None else None
    skipped = set(skip) | set(ctx.program.disabled_rules)
    found: list[Finding] = []
    for item in rules_for(ctx.program):
        if (
            item.stage != "rules"
            or item.id in skipped
            or (wanted is not None and item.id not in wanted)
        ):
            continue
        found.extend(findings_of(item, item.check(ctx), ctx.program.rule_clauses.get(item.id)))
    return in_order(found)


# Findings are made for every hit (millions on a big ledger): straight into their slots
_finding = slot_maker(Finding, Finding.__slots__)


def findings_of(item: Rule, hits: Iterable[Hit], clause: str | None = None) -> Iterator[Finding]:
    """The findings of one rule from its hits (loc, 项目编号, message[, excess]), citing `clause`
    (the program's own, Program.rule_clauses) else the rule's. Equal messages are one string (a
    rule's message per project repeats on each of its 100,000s of rows)."""
    messages: dict[str, str] = {}
    clause = clause or item.clause
    usual = kind_of(item.id, item.severity, clause, item.fix)
    for hit in hits:
        loc, project_id, message = hit[0], hit[1], hit[2]
        message = messages.setdefault(message, message)
        if len(messages) > 4096:
            messages.clear()
        extra = hit[3] if len(hit) > 3 else None
        if isinstance(extra, Severity):  # a hit less severe than its rule (rare)
            kind, extra = kind_of(item.id, extra, clause, item.fix), None
        else:
            kind = usual
        yield _finding(kind, project_id, loc.file, loc.sheet, loc.cell, loc.row, message, extra)


_KIND_OF = attrgetter("kind")
_PROJECT_OF = attrgetter("project_id")
_COUNT_NAMES = {"error": "errors", "warning": "warnings", "info": "infos"}


def kind_counts(findings: Sequence[Finding]) -> dict[Kind, int]:
    """How many findings of each Kind (rule, severity, clause, fix), in the order each was first
    met. Findings share their Kind object (kind_of), so they are counted by its identity, in C:
    a million-row ledger's 2,000,000 findings in about 0.5 s (a loop over them took seconds)."""
    counts = Counter(map(id, map(_KIND_OF, findings)))
    kinds = _kinds_by_id(findings, counts)
    return {kinds[key]: n for key, n in counts.items()}


def kind_tally(findings: Sequence[Finding]) -> dict[Kind, tuple[int, set[str]]]:
    """Each Kind's count and the 项目编号 its findings name (findings of no project left out),
    in the order each Kind was first met; one pass in C over (Kind, 项目编号) pairs."""
    pairs = Counter(zip(map(id, map(_KIND_OF, findings)), map(_PROJECT_OF, findings), strict=True))
    kinds = _kinds_by_id(findings, {key for key, _ in pairs})
    out: dict[Kind, tuple[int, set[str]]] = {}
    for (key, project_id), n in pairs.items():
        count, projects = out.get(kinds[key], (0, set()))
        if project_id:
            projects.add(project_id)
        out[kinds[key]] = (count + n, projects)
    return out


def _kinds_by_id(findings: Sequence[Finding], wanted) -> dict[int, Kind]:
    """id → Kind for the ids wanted: every Kind is made by kind_of and kept there; one made some
    other way is looked up in the findings themselves."""
    kinds = {id(kind): kind for kind in _KINDS.values()}
    if any(key not in kinds for key in wanted):
        kinds = dict(zip(map(id, map(_KIND_OF, findings)), map(_KIND_OF, findings), strict=True))
    return kinds


def summarize(findings: Sequence[Finding]) -> dict[str, int]:
    """{"errors": n, "warnings": n, "infos": n}."""
    counts = {"errors": 0, "warnings": 0, "infos": 0}
    for kind, n in kind_counts(findings).items():
        counts[_COUNT_NAMES[kind.severity.value]] += n
    return counts
