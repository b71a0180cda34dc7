"""Money: tranche schedules, released and spent amounts, usage rates and funds to recover.

`disburse(ctx, findings, selection)` answers the monthly question of a clerk: how much each project
gets now, how much it has used, and how much comes back (shared/spec/rules.md, Money sections). It
takes the rule findings and the pipeline's one decision of which projects are approved; it never
ranks and never validates. It also emits SG014 (a catalogued rule of the money stage), so the
finding and the money always agree:
1. a ledger row counts as of `--as-of` (later rows are not counted);
2. a row with an error finding is ineligible, wholly, or for the excess alone when every error on
   it only breaks a limit (Finding.excess: a cap of 四.4(1) reached in spending);
3. tranche statuses follow from the approval, the calendar and that eligibility (浦兴's usage gate);
4. SG014: in date order the part of a row past the released funds is ineligible; when nothing is
   released the project gets one finding saying why, not one per row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from itertools import accumulate, compress, count
from operator import attrgetter
from typing import Any

from selfgov_cli.config import program_title
from selfgov_cli.history import place_key
from selfgov_cli.io.schema import EXPENSE_NAMES
from selfgov_cli.model import (
    Evaluation,
    Expense,
    Location,
    Project,
    in_ledger_order,
    natural_key,
    record_maker,
)
from selfgov_cli.money import ZERO, fen, fmt_amount, fmt_pct, fmt_rate, fmt_yuan, split
from selfgov_cli.privacy import Lazy, scrub
from selfgov_cli.rules.engine import REGISTRY, Approval, Context, Finding, findings_of
from selfgov_cli.rules.faults import Faults, sort_faults

RELEASED, WITHHELD, PENDING = "released", "withheld", "pending"
STATUS_LABELS = {RELEASED: "已拨付", WITHHELD: "暂缓拨付", PENDING: "待定"}
NO_NEIGHBORHOOD = "（未填居民区）"
UNKNOWN_CATEGORY = "（未识别类别）"
_PASS, _FAIL = "合格", "不合格"


# --------------------------------------------------------------------------------------------
# Tranche schedule
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrancheState:
    n: int
    share: Decimal
    amount: Decimal
    gate: str  # approval, midterm, final
    status: str  # released, withheld, pending
    reason: str = ""
    clause: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "n": self.n,
            "share": f"{self.share:.2f}",
            "amount": fmt_amount(self.amount),
            "status": self.status,
            "gate": self.gate,
            "clause": self.clause,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


def tranche_amounts(approved: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Each tranche rounded half-up to the fen, the last taking the remainder (money.split).

    Only for a program file whose shares are so small that rounding up would leave the last
    tranche negative, the amounts fall back to rounding the running total instead; they still
    add up to the approved amount exactly and none is negative.
    """
    parts = split(approved, shares)
    if all(part >= 0 for part in parts):
        return parts
    total, running, before, out = fen(approved), Decimal(0), ZERO, []
    for share in shares:
        running += share
        upto = min(fen(total * running), total)
        out.append(upto - before)
        before = upto
    out[-1] += total - before
    return out


@dataclass(frozen=True, slots=True)
class Counted:
    """One ledger row as counted: its amount, the eligible part, and why the rest is not."""

    expense: Expense
    amount: Decimal  # the row's amount as typed (0 when missing; a refund's is negative)
    eligible: Decimal  # the part that counts
    reasons: tuple[tuple[str, str], ...]  # (rule id, message) of what excludes the rest


class CountedRows(Sequence):
    """A project's counted rows, in ledger order. A row counted whole with nothing to explain (most
    rows) is kept as its Expense alone and read as a Counted: 1,000,000 rows hold ~70 MB less."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Expense | Counted] = ()) -> None:
        self.items = list(items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Counted]:
        return map(_as_counted, self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_as_counted(item) for item in self.items[index]]
        return _as_counted(self.items[index])

    def __eq__(self, other) -> bool:
        if isinstance(other, (CountedRows, list)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CountedRows({list(self)!r})"

    def amount_total(self) -> Decimal:
        """Σ amount, without making a Counted of a plain row (its amount is its Expense's)."""
        return sum((item.amount for item in self.items), ZERO)

    def explained(self) -> list[Counted]:
        """The rows with something to explain (not counted whole): the only ones not plain."""
        return [item for item in self.items if type(item) is Counted]

    def eligible_rows(self, until: date | None = None) -> list[tuple[Expense, Decimal]]:
        """(row, eligible part) of every row with an eligible part (dated on or before `until`)."""
        out = []
        for item in self.items:
            if type(item) is Counted:
                expense, part = item.expense, item.eligible
            else:
                expense, part = item, item.amount
            if part and (until is None or expense.date <= until):
                out.append((expense, part))
        return out


def _as_counted(item: Expense | Counted) -> Counted:
    if type(item) is Counted:
        return item
    return _counted(item, item.amount, item.amount, ())


def _eligible(item: Expense | Counted) -> Decimal:
    return item.eligible if type(item) is Counted else item.amount


@dataclass(frozen=True, slots=True)
class Plan:
    """Approval and tranche statuses of one project."""

    project: Project
    evaluation: Evaluation | None
    approval: Approval
    approved: Decimal  # 0.00 when it cannot be determined (see approval.problem)
    tranches: tuple[TrancheState, ...]
    midterm_date: date | None
    midterm_date_from: str  # 评估结果, midterm_date setting, period middle
    midterm_spent: Decimal | None
    midterm_usage: Decimal | None
    midterm_locs: tuple[Location, ...]  # the ledger rows counted for mid-term usage
    midterm_base: Decimal | None = None  # what the mid-term usage divides by (tranche 1 released)
    late_holds: tuple[int, ...] = ()  # tranches whose 暂缓 decision came after they were paid

    @property
    def midterm_rows(self) -> tuple[int, ...]:
        """The row numbers of the rows counted for mid-term usage (made when asked: explain)."""
        return tuple(loc.row or 0 for loc in self.midterm_locs)

    @property
    def midterm_places(self) -> tuple[tuple[str, str, int], ...]:
        """(file, sheet, row) of each row counted for mid-term usage."""
        return tuple((loc.file or "", loc.sheet or "", loc.row or 0) for loc in self.midterm_locs)

    @property
    def approved_from(self) -> str | None:
        return self.approval.source

    @property
    def released(self) -> Decimal:
        return sum((t.amount for t in self.tranches if t.status == RELEASED), ZERO)


def _usage_gate(ctx: Context) -> Decimal | None:
    """The program's mid-term usage gate (浦兴: 50% of tranche 1), or None when it has none."""
    if ctx.program.setting_spec("midterm_usage_gate") is None:
        return None
    value = ctx.setting("midterm_usage_gate")
    return None if value is None else Decimal(value)


def midterm_date(
    ctx: Context, project: Project, evaluation: Evaluation | None
) -> tuple[date | None, str]:
    """rules.md Money: the project's own 中期评估日期; else the program's midterm_date when it falls
    inside the project's period; else the middle day of its period."""
    if evaluation is not None and evaluation.midterm_date is not None:
        return evaluation.midterm_date, "评估结果"
    setting = ctx.setting("midterm_date")
    start, end = project.start, project.end
    if setting is not None and (start is None or end is None or start <= setting <= end):
        return setting, "midterm_date 设置"
    if start is not None and end is not None and start <= end:
        return start + timedelta(days=(end - start).days // 2), "项目周期的中间一天"
    return setting, "midterm_date 设置" if setting is not None else ""


# --------------------------------------------------------------------------------------------
# Eligibility of ledger rows
# --------------------------------------------------------------------------------------------


# Counted rows are made for every ledger row: straight into their slots (model.record_maker)
_counted = record_maker(Counted, ("expense", "amount", "eligible", "reasons")) or Counted


def count_rows(
    ctx: Context, rows: Iterable[Expense], faults: Faults, clean: bool = False
) -> CountedRows:
    """The rows dated on or before as_of, in ledger order, each with its eligible part. clean:
    none of the rows has an error (Faults.ledger_clean), none is looked up."""
    out = []
    as_of, errors_of = ctx.as_of, faults.ledger_errors
    same: dict[tuple, tuple] = {}  # equal reasons are one tuple (a rule's message repeats by row)
    for expense in rows:
        day, amount = expense.date, expense.amount
        if day is not None and day > as_of:
            continue  # not yet spent as of --as-of
        if amount is None:
            amount = ZERO
        errors = None if clean else errors_of(expense)
        if not errors:  # most rows: counted whole, nothing to explain; a refund whose SG009 the
            # office waived has no error left and counts as typed (negative)
            if amount and day is not None:
                out.append(expense)  # counted whole: CountedRows reads it as such
                continue
            errors = []
        reasons = tuple([(f.rule, f.message) for f in errors])
        reasons = same.setdefault(reasons, reasons)
        if len(same) > 4096:
            same.clear()
        if amount <= 0:  # a refund typed as a negative row (SG009): none of it counts
            reasons = reasons or (("", "金额缺失、无法读取或不是正数"),)
            out.append(Counted(expense, amount, ZERO, reasons))
        elif expense.date is None:
            out.append(Counted(expense, amount, ZERO, reasons or (("", "日期缺失或无法读取"),)))
        elif errors and all(f.excess is not None for f in errors):
            excess = min(max(f.excess for f in errors), amount)
            out.append(Counted(expense, amount, amount - excess, reasons))
        else:
            out.append(Counted(expense, amount, ZERO if errors else amount, reasons))
    return CountedRows(out)


# --------------------------------------------------------------------------------------------
# Gates
# --------------------------------------------------------------------------------------------


@dataclass
class _Gates:
    """What the gates of one project look at; `decide` gives (status, reason) of one tranche."""

    ctx: Context
    project: Project
    evaluation: Evaluation | None
    blocking: list[Finding]
    not_approved: str  # why the pipeline's decision leaves the project out ('' when approved)
    problem: str  # the approved amount cannot be determined
    approved_on: date | None
    mdate: date | None
    usage_gate: Decimal | None
    midterm_spent: Decimal | None = None
    first: Decimal = ZERO  # the amount released before the mid-term tranche
    approved_on_is_start: bool = False  # no 立项日期: tranche 1 waits for the 开始日期

    def decide(self, gate_kind: str, previous: TrancheState | None) -> tuple[str, str]:
        if self.problem:
            return WITHHELD, f"{self.problem}：请改正后再核算拨付"
        if previous is not None and previous.status != RELEASED:
            if previous.status == WITHHELD:
                return WITHHELD, f"第{previous.n}笔资金暂缓拨付，本笔随之暂缓"
            return PENDING, f"第{previous.n}笔资金尚未拨付"
        if gate_kind == "approval" or self.blocking or self.not_approved:
            # not approved: a tranche the office released anyway (人工认定 拨付) opens no later gate
            return self.approval()
        if gate_kind == "midterm":
            return self.midterm()
        return self.final()

    def released_on(self, gate_kind: str, before: date | None) -> date | None:
        """The day a tranche the rules release was released: its gate's date (立项日期, the
        mid-term date, the end date), not before the tranche ahead of it."""
        if gate_kind == "approval" or self.blocking or self.not_approved:
            day = self.approved_on
        else:
            day = self.mdate if gate_kind == "midterm" else self.project.end
        if day is None or before is None:
            return day or before
        return max(day, before)

    def approval(self) -> tuple[str, str]:
        if self.blocking:
            first = self.blocking[0]
            where = " ".join(x for x in (first.file, first.sheet, first.cell) if x)
            more = f"等 {len(self.blocking)} 个错误" if len(self.blocking) > 1 else ""
            return WITHHELD, (
                f"申报材料有错误未改正（{first.rule}{('，' + where) if where else ''}{more}），"
                "待改正，不能立项拨付：请先按 sgov validate 的提示改正"
            )
        if self.not_approved:
            return WITHHELD, self.not_approved
        if self.approved_on is None:
            return PENDING, "没有立项日期，也没有开始日期：请在评估结果表填写立项日期"
        if self.approved_on > self.ctx.as_of:
            if self.approved_on_is_start:
                return PENDING, (
                    f"开始日期 {self.approved_on.isoformat()} 尚未到（没有立项日期，第1笔按开始日期拨付）"
                )
            return PENDING, f"立项日期 {self.approved_on.isoformat()} 尚未到"
        return RELEASED, ""

    def midterm(self) -> tuple[str, str]:
        verdict = self.evaluation.midterm if self.evaluation else ""
        mdate, gate, spent = self.mdate, self.usage_gate, self.midterm_spent
        if mdate is not None and mdate > self.ctx.as_of:
            return PENDING, f"中期评估日期 {mdate.isoformat()} 尚未到"
        if gate is not None:
            if mdate is None and verdict != _FAIL:
                return PENDING, (
                    "没有中期评估日期，无法核算第一笔资金使用率：请在评估结果表填写中期评估日期，"
                    "或在 sgov.toml 的 [settings] 中设置 midterm_date"
                )
            if mdate is not None and spent is not None and self.first and spent < gate * self.first:
                return WITHHELD, (
                    f"截至中期评估日期 {mdate.isoformat()}，第一笔资金 {fmt_yuan(self.first)} 元中"
                    f"合规使用 {fmt_yuan(spent)} 元，使用率 {fmt_pct(spent / self.first)}，"
                    f"低于 {fmt_pct(gate)}：中期评估不合格，第二笔资金不予拨付"
                )
        return _verdict(verdict, "中期评估", self._due("中期评估日期", mdate))

    def final(self) -> tuple[str, str]:
        """The final evaluation is held when the project ends: before its 结束日期 a 末期评估 in the
        sheet (it has no date of its own) is not yet known, as a mid-term verdict waits for its date."""
        end = self.project.end
        if end is not None and end > self.ctx.as_of:
            return PENDING, f"项目结束日期 {end.isoformat()} 尚未到，末期评估在项目结束时进行"
        verdict = self.evaluation.final if self.evaluation else ""
        return _verdict(verdict, "末期评估", self._due("项目结束日期", end))

    def _due(self, label: str, day: date | None) -> str:
        """'中期评估日期 2023-07-31 已过，': the day an evaluation was due, reached as of as_of."""
        if day is None:
            return ""
        return f"{label} {day.isoformat()} {'已过' if day < self.ctx.as_of else '已到'}，"


def _verdict(verdict: str, what: str, due: str = "") -> tuple[str, str]:
    """A held evaluation's verdict; with none yet, pending, saying since when it is due."""
    if verdict == _PASS:
        return RELEASED, ""
    if verdict == _FAIL:
        return WITHHELD, f"{what}不合格"
    if not due:
        return PENDING, f"尚无{what}结果"
    return PENDING, f"{due}尚无{what}结果：请在评估结果表填写{what}（合格或不合格）"


def plan_project(
    ctx: Context,
    project: Project,
    blocking: list[Finding],
    counted: CountedRows,
    not_approved: str = "",
    overrides: dict[int, tuple[bool, str, date | None]] | None = None,
) -> Plan:
    """Decide every tranche of one project as of ctx.as_of.

    `blocking`: error findings against the application itself; `counted`: its ledger rows as of
    as_of with their eligible parts before SG014; `not_approved`: why the pipeline's one decision
    leaves it out (below the line, over the quota, unfunded, not reviewed, objection upheld);
    `overrides`: tranche N → (released or withheld, note, 认定日期): the office's 人工认定 拨付
    decisions. A 暂缓 dated after the day the rules released the tranche cannot take back money
    already paid: the tranche stays released and says so.
    """
    overrides = overrides or {}
    pid = project.project_id or ""
    evaluation = ctx.evaluation_by_project.get(pid)
    approval = ctx.approvals.get(pid) or Approval(None, None, None, "没有申请金额")
    approved = fen(approval.amount) if approval.amount is not None else ZERO
    tranches = ctx.program.tranches
    amounts = tranche_amounts(approved, [t.share for t in tranches])
    mdate, mfrom = midterm_date(ctx, project, evaluation)
    approved_on = approval.approved_on or (evaluation.approved_on if evaluation else None)
    gates = _Gates(
        ctx,
        project,
        evaluation,
        blocking,
        not_approved,
        approval.problem,
        approved_on or project.start,
        mdate,
        _usage_gate(ctx),
        approved_on_is_start=approved_on is None,
    )
    states: list[TrancheState] = []
    paid_on: date | None = None  # the day the tranche before was released
    late_holds: list[int] = []
    midterm_locs: tuple[Location, ...] = ()
    for n, (tranche, amount) in enumerate(zip(tranches, amounts, strict=True), 1):
        before = sum((s.amount for s in states if s.status == RELEASED), ZERO)
        # the mid-term usage exists once the mid-term date has come (before it, 使用率 is the
        # running figure): a 中期使用率 of 0.00% in April read as a failed mid-term
        if (
            tranche.gate == "midterm"
            and gates.usage_gate is not None
            and mdate
            and mdate <= ctx.as_of
            and before > 0
        ):
            gates.first = before
            used = counted.eligible_rows(until=mdate)
            gates.midterm_spent = sum((part for _, part in used), ZERO)
            midterm_locs = tuple(e.loc for e, _ in used)
        status, reason = gates.decide(tranche.gate, states[-1] if states else None)
        day = gates.released_on(tranche.gate, paid_on) if status == RELEASED else None
        if n in overrides and not approval.problem:
            release, note, on = overrides[n]
            if not release and day is not None and on is not None and day < on:
                late_holds.append(n)
                reason = (
                    f"本笔已于 {day.isoformat()} 拨付，其后的暂缓认定不能改变已拨付的资金"
                    f"（如需收回，请另行办理）：{note}"
                )
            else:
                by_rule = STATUS_LABELS[status] + (f"：{reason}" if reason else "")
                if release and status != RELEASED:
                    day = on
                status = RELEASED if release else WITHHELD
                reason = f"{note}（按规则本应{by_rule}）"
        paid_on = day if status == RELEASED else None
        states.append(
            TrancheState(n, tranche.share, amount, tranche.gate, status, reason, tranche.clause)
        )
    usage = gates.midterm_spent / gates.first if gates.midterm_spent is not None else None
    return Plan(
        project,
        evaluation,
        approval,
        approved,
        tuple(states),
        mdate,
        mfrom,
        gates.midterm_spent,
        usage,
        midterm_locs,
        gates.first if gates.midterm_spent is not None else None,
        tuple(late_holds),
    )


# --------------------------------------------------------------------------------------------
# SG014: spending past the released funds
# --------------------------------------------------------------------------------------------


def overdraw(plan: Plan, counted: CountedRows) -> tuple[CountedRows, list[tuple]]:
    """The rows after SG014 and its hits. In date order the part of a row that takes eligible
    spending past the released funds is excluded (only that part). When nothing is released, one
    hit for the project says why, instead of one per row."""
    released = plan.released
    project = plan.project
    pid = project.project_id or ""
    values = list(map(_eligible, counted.items))
    if not any(values):
        return counted, []
    if not released:
        spending = [e for e in values if e]
        total = sum(spending, ZERO)
        first = plan.tranches[0] if plan.tranches else None
        why = first.reason if first is not None and first.reason else "尚未拨付任何资金"
        message = (
            f"尚未拨付任何资金（{why}），台账中 {len(spending)} 笔支出共 {fmt_yuan(total)} 元"
            "暂不能报销"
        )
        out = [
            Counted(c.expense, c.amount, ZERO, (*c.reasons, ("SG014", message)))
            if c.eligible
            else c
            for c in counted
        ]
        return CountedRows(out), [(project.cell("project_id"), pid, message, None)]
    past = _first_past(values, released)
    if past is None:
        return counted, []  # the running total never passes the released funds
    # the rows before it are counted as they were (a plain row stays compact)
    out, hits, total = counted.items[:past], [], sum(values[:past], ZERO)
    for item, eligible in zip(counted.items[past:], values[past:], strict=True):
        if not eligible or (eligible <= released - total):
            total += eligible
            out.append(item)  # counted as it was (a plain row stays compact)
            continue
        c = _as_counted(item)
        room = max(released - total, ZERO)
        excess = c.eligible - room
        total += room
        message = (
            f"这笔支出 {fmt_yuan(c.amount)} 元（{c.expense.date.isoformat()}）使累计合规支出超过"
            f"已拨付的 {fmt_yuan(released)} 元，超出的 {fmt_yuan(excess)} 元暂不能报销："
            "请待下一笔资金拨付后再报销，或退回超支部分"
        )
        hits.append((c.expense.cell("amount"), pid, message, excess))
        out.append(Counted(c.expense, c.amount, room, (*c.reasons, ("SG014", message))))
    return CountedRows(out), hits


def _first_past(values: list[Decimal], limit: Decimal) -> int | None:
    """The index of the first value whose running total (from the first value) exceeds limit, or
    None: a running total walked in C, not a Decimal comparison a row in Python."""
    return next(compress(count(), map(limit.__lt__, accumulate(values))), None)


# --------------------------------------------------------------------------------------------
# The disbursement of a folder
# --------------------------------------------------------------------------------------------

_SUMS = (
    "approved",
    "released",
    "withheld",
    "pending",
    "spent",
    "eligible_spent",
    "ineligible_spent",
    "overdraw",
    "recoverable",
)
_SUMMED = {"approved": "approved_listed"}  # a total's key -> the ProjectMoney figure it sums
_LISTED = attrgetter("listed")


@dataclass(frozen=True, slots=True)
class RowSums:
    """What a project's counted rows add up to, taken in one walk over them (100,000 rows read
    once, not once a figure)."""

    spent: Decimal  # Σ amount
    eligible: Decimal  # Σ eligible part
    # the rows with an amount, per expense category (first met first): [spent, eligible part]
    by_category: dict[str | None, list[Decimal]]
    explained: tuple[Counted, ...]  # the rows not counted whole (CountedRows.explained)


def row_sums(rows: CountedRows) -> RowSums:
    spent = eligible_spent = ZERO
    table: dict[str | None, list[Decimal]] = {}
    explained: list[Counted] = []
    for item in rows.items:  # a plain row is its Expense, counted whole
        if type(item) is Counted:
            explained.append(item)
            expense, amount, eligible = item.expense, item.amount, item.eligible
        else:
            expense, amount, eligible = item, item.amount, item.amount
        spent += amount
        eligible_spent += eligible
        if amount:
            sums = table.get(expense.category)
            if sums is None:
                sums = table[expense.category] = [ZERO, ZERO]
            sums[0] += amount
            sums[1] += eligible
    return RowSums(spent, eligible_spent, table, tuple(explained))


@dataclass
class ProjectMoney:
    plan: Plan
    rows: CountedRows  # the ledger rows counted as of as_of, in ledger order
    overdraw: Decimal  # the part excluded by SG014
    period_ended: bool
    later_rows: int  # ledger rows dated after as_of (not counted yet)
    budget: list = field(default_factory=list)
    decisions: list = field(default_factory=list)  # 人工认定 in force on the project (shown)
    # why the one decision per project leaves it out of the approved set ('' when approved): its
    # 核定金额 then counts in no total (as in the summary and the publicity list)
    not_approved: str = ""

    @property
    def project_id(self) -> str:
        return self.plan.project.project_id or ""

    @property
    def neighborhood(self) -> str:
        return self.plan.project.get("neighborhood") or NO_NEIGHBORHOOD

    @property
    def approved(self) -> Decimal:
        return self.plan.approved

    @property
    def listed(self) -> bool:
        """In the approved set (the publicity list's projects)."""
        return not self.not_approved

    @property
    def approved_listed(self) -> Decimal:
        """The 核定金额 as totals count it: only a project in the approved set."""
        return self.approved if self.listed else ZERO

    @property
    def released(self) -> Decimal:
        return self.plan.released

    # the rows never change once counted: their sums are taken once, in one walk (the summary,
    # the totals and every neighbourhood read them again and again)
    @cached_property
    def sums(self) -> RowSums:
        return row_sums(self.rows)

    @property
    def spent(self) -> Decimal:
        return self.sums.spent

    @property
    def eligible_spent(self) -> Decimal:
        return self.sums.eligible

    @property
    def ineligible_spent(self) -> Decimal:
        return self.spent - self.eligible_spent

    @property
    def recoverable(self) -> Decimal:
        return max(self.released - self.eligible_spent, ZERO) if self.period_ended else ZERO

    def _sum(self, status: str) -> Decimal:
        return sum((t.amount for t in self.plan.tranches if t.status == status), ZERO)

    @property
    def withheld(self) -> Decimal:
        return self._sum(WITHHELD)

    @property
    def pending(self) -> Decimal:
        return self._sum(PENDING)

    @property
    def usage_rate(self) -> Decimal:
        """使用率 = 合规支出 ÷ 已拨付."""
        return self.eligible_spent / self.released if self.released else Decimal(0)

    @property
    def execution_rate(self) -> Decimal:
        """执行率 = 合规支出 ÷ 核定金额."""
        return self.eligible_spent / self.approved if self.approved else Decimal(0)

    @property
    def ineligible(self) -> list[Counted]:
        return [c for c in self.sums.explained if c.eligible != c.amount or not c.amount]

    def by_category(self) -> list[dict[str, Any]]:
        return [dict(item) for item in self._by_category]

    @cached_property
    def _by_category(self) -> list[dict[str, Any]]:
        return _by_category(self.budget, self.sums.by_category)

    def to_dict(self) -> dict[str, Any]:
        plan, project = self.plan, self.plan.project
        return {
            "project_id": self.project_id,
            "name": project.name,
            "neighborhood": project.get("neighborhood"),
            "approved": fmt_amount(self.approved),
            "is_approved": self.listed,
            "not_approved_reason": self.not_approved or None,
            "approved_from": plan.approved_from,
            "approved_cell": _place(plan.approval.loc),
            "tranches": [t.to_dict() for t in plan.tranches],
            "released": fmt_amount(self.released),
            "withheld": fmt_amount(self.withheld),
            "pending": fmt_amount(self.pending),
            "spent": fmt_amount(self.spent),
            "eligible_spent": fmt_amount(self.eligible_spent),
            "ineligible_spent": fmt_amount(self.ineligible_spent),
            "overdraw": fmt_amount(self.overdraw),
            "midterm_date": plan.midterm_date.isoformat() if plan.midterm_date else None,
            "midterm_date_from": plan.midterm_date_from or None,
            "midterm_spent": fmt_amount(plan.midterm_spent),
            "midterm_usage": fmt_rate(plan.midterm_usage),
            "usage_rate": fmt_rate(self.usage_rate),
            "execution_rate": fmt_rate(self.execution_rate),
            "end_date": project.end.isoformat() if project.end else None,
            "period_ended": self.period_ended,
            "recoverable": fmt_amount(self.recoverable),
            "ledger_rows": len(self.rows),
            "later_rows": self.later_rows,
            "by_category": self.by_category(),
            "ineligible": Lazy(self.ineligible, _row_dict),  # each row a dict when written
            "decisions": [d.to_dict() for d in self.decisions],
        }


def _place(loc) -> str | None:
    if loc is None:
        return None
    return " ".join(str(x) for x in (loc.file, loc.sheet, loc.cell) if x) or None


@dataclass(frozen=True, slots=True)
class Totals:
    """The money of some projects added up (a 居民区, a category, the whole program): the one place
    where figures of several projects are summed. disburse's by_neighborhood and totals and the
    summary report's tables and headline are views of these."""

    projects: int
    approved_projects: int  # in the approved set
    requested: Decimal  # 申请金额 of every project
    approved: Decimal  # 核定金额 of the approved set only
    released: Decimal
    withheld: Decimal
    pending: Decimal
    spent: Decimal
    eligible_spent: Decimal
    ineligible_spent: Decimal
    overdraw: Decimal
    recoverable: Decimal

    @classmethod
    def none(cls) -> Totals:
        """No project at all."""
        return cls(0, 0, *(ZERO,) * 10)

    @classmethod
    def of(cls, items: Sequence[ProjectMoney]) -> Totals:
        sums = {key: sum((getattr(i, _SUMMED.get(key, key)) for i in items), ZERO) for key in _SUMS}
        requested = sum((i.plan.project.requested or ZERO for i in items), ZERO)
        return cls(len(items), sum(map(_LISTED, items)), requested, **sums)

    @property
    def usage_rate(self) -> Decimal | None:
        """使用率 = 合规支出 ÷ 已拨付 (None: nothing released)."""
        return self.eligible_spent / self.released if self.released else None

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 = 合规支出 ÷ 核定金额 (None: nothing approved)."""
        return self.eligible_spent / self.approved if self.approved else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (cli.md, disburse): amounts as text, a rate of nothing is 0.0000."""
        out: dict[str, Any] = {
            "projects": self.projects,
            "approved_projects": self.approved_projects,
        }
        out.update({key: fmt_amount(getattr(self, key)) for key in _SUMS})
        out["usage_rate"] = fmt_rate(self.usage_rate or ZERO)
        out["execution_rate"] = fmt_rate(self.execution_rate or ZERO)
        return out


@dataclass
class Disbursement:
    program: str
    program_name: str
    as_of: date
    projects: list[ProjectMoney] = field(default_factory=list)
    unmatched: CountedRows = field(default_factory=CountedRows)  # rows of no known project
    findings: list[Finding] = field(default_factory=list)  # SG014, emitted by this step
    neighborhoods: tuple[str, ...] = ()  # sgov.toml's list: the order of the 居民区 totals

    @property
    def unmatched_spent(self) -> Decimal:
        return self.unmatched.amount_total()

    def project(self, pid: str) -> ProjectMoney | None:
        return next((p for p in self.projects if p.project_id == pid), None)

    # the projects are all there once disburse() returns: each sum is taken once, however many
    # outputs show it (disburse.json, 拨付核算.xlsx, the summary in three formats)
    @cached_property
    def _neighborhood_totals(self) -> list[tuple[str, Totals]]:
        groups: dict[str, list[ProjectMoney]] = {}
        for item in self.projects:
            groups.setdefault(scrub(item.neighborhood), []).append(item)
        names = neighborhood_order(groups, self.neighborhoods)
        return [(name, Totals.of(groups[name])) for name in names]

    @cached_property
    def _total(self) -> Totals:
        return Totals.of(self.projects)

    def neighborhood_totals(self) -> list[tuple[str, Totals]]:
        """Each 居民区's Totals, as every output orders them: sgov.toml's list, then as first met
        by 项目编号 (a name is its text without control or invisible characters)."""
        return list(self._neighborhood_totals)

    def total(self) -> Totals:
        return self._total

    def spending_by_category(self) -> list[tuple[str, Decimal]]:
        """已支出 per expense category name over every project (the summary's chart), in the order
        the projects' category tables first list each (项目编号 order, each in category order)."""
        out: dict[str, Decimal] = {}
        for item in self.projects:
            spending = item.sums.by_category
            for code in _category_order(dict.fromkeys([*_budgeted(item.budget), *spending])):
                name = EXPENSE_NAMES.get(code or "", UNKNOWN_CATEGORY)
                out[name] = out.get(name, ZERO) + (spending[code][0] if code in spending else ZERO)
        return list(out.items())

    def by_neighborhood(self) -> list[dict[str, Any]]:
        return [{"neighborhood": name, **t.to_dict()} for name, t in self.neighborhood_totals()]

    def totals(self) -> dict[str, Any]:
        return {**self.total().to_dict(), "unmatched_spent": fmt_amount(self.unmatched_spent)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "program_name": self.program_name,
            "as_of": self.as_of.isoformat(),
            "projects": [p.to_dict() for p in self.projects],
            "unmatched": Lazy(self.unmatched, _row_dict),  # a million rows: one dict at a time
            "by_neighborhood": self.by_neighborhood(),
            "totals": self.totals(),
        }


def neighborhood_order(names: Iterable[str], listed: Sequence[str]) -> list[str]:
    """居民区 names in sgov.toml's order (`listed`), then the others as met. A name is matched as
    history matches a 居民区 (place_key): `浦兴　一居` in sgov.toml is the cells' `浦兴 一居`."""
    order: dict[str, int] = {}
    for i, name in enumerate(listed):
        order.setdefault(place_key(name), i)
    return sorted(names, key=lambda name: order.get(place_key(name), len(order)))


def disburse(
    ctx: Context,
    findings: Iterable[Finding],
    not_approved: dict[str, str],
    faults: Faults | None = None,
    overrides: dict[str, dict[int, tuple[bool, str, date | None]]] | None = None,
    shown: dict[str, list] | None = None,
) -> Disbursement:
    """The money of every project as of ctx.as_of, given the rule findings and the pipeline's
    decision (`not_approved`: 项目编号 → why it is not approved; absent = approved)."""
    faults = faults if faults is not None else sort_faults(ctx, findings)
    program = ctx.program
    result = Disbursement(program.id, program_title(program, ctx.year), ctx.as_of)
    result.neighborhoods = ctx.neighborhoods
    hits: list[tuple] = []
    for pid in sorted(ctx.projects, key=natural_key):  # PX-9 before PX-10, as every list
        project = ctx.projects[pid]
        rows = ctx.ledger_in_order.get(pid, [])
        counted = count_rows(ctx, rows, faults, faults.ledger_clean(pid))
        plan = plan_project(
            ctx,
            project,
            faults.application.get(pid, []),
            counted,
            not_approved.get(pid, ""),
            (overrides or {}).get(pid),
        )
        counted, found = overdraw(plan, counted)
        hits.extend(found)
        end = project.end
        result.projects.append(
            ProjectMoney(
                plan=plan,
                rows=counted,
                overdraw=sum((h[3] for h in found if h[3] is not None), ZERO),
                period_ended=end is not None and end < ctx.as_of,
                later_rows=len(rows) - len(counted),
                budget=ctx.budget_by_project.get(pid, []),
                decisions=(shown or {}).get(pid, []),
                not_approved=not_approved.get(pid, ""),
            )
        )
    projects = ctx.projects
    unmatched = [e for e in ctx.data.ledger if e.project_id not in projects]
    result.unmatched = count_rows(ctx, in_ledger_order(unmatched, ctx.ledger_placed), faults)
    if "SG014" in REGISTRY and "SG014" not in program.disabled_rules:
        result.findings = list(findings_of(REGISTRY["SG014"], hits))
    return result


def _row_dict(counted: Counted) -> dict[str, Any]:
    expense = counted.expense
    return {
        "project_id": expense.project_id,
        "file": expense.loc.file,
        "sheet": expense.loc.sheet,
        "row": expense.loc.row,
        "cell": expense.cells.get("amount", expense.loc.cell),  # Record.cell without a Location
        "date": expense.date.isoformat() if expense.date else None,
        "category": EXPENSE_NAMES.get(expense.category or "", expense.category_text or None),
        "description": scrub(expense.description),
        "amount": fmt_amount(expense.amount),
        "eligible": fmt_amount(counted.eligible),
        "excluded": fmt_amount(counted.amount - counted.eligible),
        "reasons": _reasons(counted.reasons),
    }


_REASONS: dict[tuple, list[dict[str, Any]]] = {}  # reasons -> their dicts (rows share reasons)


def _reasons(reasons: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The JSON form of a row's reasons; equal reasons give the same list, which no reader
    changes (disburse.json and 拨付核算.xlsx only read it)."""
    made = _REASONS.get(reasons)
    if made is None:
        made = [{"rule": rule_id or None, "message": message} for rule_id, message in reasons]
        if len(_REASONS) >= 4096:
            _REASONS.clear()
        _REASONS[reasons] = made
    return made


def _category_order(codes: Iterable[str | None]) -> list[str | None]:
    """Expense categories as every table lists them: the contract's order, then others as met."""
    order = [*EXPENSE_NAMES, None]
    return sorted(codes, key=lambda c: order.index(c) if c in order else len(order))


def _budgeted(budget: list) -> list[str | None]:
    """The categories of a project's budget lines with an amount, as listed."""
    return [line.category for line in budget if line.amount is not None and line.amount > 0]


def _by_category(budget: list, spending: dict[str | None, list[Decimal]]) -> list[dict[str, Any]]:
    """Budget against spending per expense category (known categories first, in contract order)."""
    table: dict[str | None, dict[str, Decimal]] = {}

    def slot(code: str | None) -> dict[str, Decimal]:
        return table.setdefault(code, {"budget": ZERO, "spent": ZERO, "eligible_spent": ZERO})

    for line in budget:
        if line.amount is not None and line.amount > 0:
            slot(line.category)["budget"] += line.amount
    for code, (spent, eligible) in spending.items():
        item = slot(code)
        item["spent"] += spent
        item["eligible_spent"] += eligible
    out = []
    for code in _category_order(table):
        item = table[code]
        out.append(
            {
                "category": code,
                "name": EXPENSE_NAMES.get(code or "", UNKNOWN_CATEGORY),
                "budget": fmt_amount(item["budget"]),
                "spent": fmt_amount(item["spent"]),
                "eligible_spent": fmt_amount(item["eligible_spent"]),
                "over_budget": fmt_amount(max(item["eligible_spent"] - item["budget"], ZERO)),
            }
        )
    return out


__all__ = [
    "Counted",
    "Disbursement",
    "Plan",
    "ProjectMoney",
    "TrancheState",
    "disburse",
    "plan_project",
    "tranche_amounts",
]
