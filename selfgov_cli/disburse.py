"""Money: tranche schedules, released and spent amounts, usage rates and funds to recover.

`disburse(validation, as_of)` answers the monthly question of a clerk: how much each project gets
now, how much it has used, and how much comes back (shared/spec/rules.md, Money sections).

How the pieces fit (and why there is no circularity with SG014):
1. Ledger rows with an *error* finding of any rule other than SG014 (and other than the late rules)
   are not eligible spending.
2. Tranche statuses are decided from that eligibility (the 浦兴 mid-term usage gate reads it).
3. SG014: in date order, a row that would take the eligible spending past the released amount is
   flagged and is not eligible either; flagged rows are left out of the running total, so a later,
   smaller row that still fits stays eligible. The rule `SG014` (rules/funds.py) and this module
   call the same function, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from selfgov_cli.io.schema import EXPENSE_NAMES
from selfgov_cli.model import Evaluation, Expense, Project, ledger_order
from selfgov_cli.money import ZERO, fen, fmt_amount, fmt_rate, fmt_yuan, split
from selfgov_cli.privacy import scrub
from selfgov_cli.rules.engine import REGISTRY, Context, Finding, Hit

if TYPE_CHECKING:
    from selfgov_cli.validate import Validation

RELEASED, WITHHELD, PENDING = "released", "withheld", "pending"
STATUS_LABELS = {RELEASED: "已拨付", WITHHELD: "暂缓拨付", PENDING: "待定"}
GATE_LABELS = {"approval": "立项", "midterm": "中期评估", "final": "末期评估"}
NO_NEIGHBORHOOD = "（未填居民区）"
UNKNOWN_CATEGORY = "（未识别类别）"
_PASS, _FAIL = "合格", "不合格"

RowKey = tuple[str | None, str | None, int | None]


def row_key(loc) -> RowKey:
    return (loc.file, loc.sheet, loc.row)


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
class Plan:
    """Approval and tranche statuses of one project, decided without SG014."""

    project: Project
    evaluation: Evaluation | None
    approved: Decimal  # 0.00 when it cannot be determined (see approved_from)
    approved_from: str | None  # 核定金额, 申请金额, or None when neither can be read
    tranches: tuple[TrancheState, ...]
    midterm_date: date | None
    midterm_spent: Decimal | None
    midterm_usage: Decimal | None

    @property
    def released(self) -> Decimal:
        return sum((t.amount for t in self.tranches if t.status == RELEASED), ZERO)


def _approved(project: Project, evaluation: Evaluation | None) -> tuple[Decimal, str | None, str]:
    """(amount, where it came from, problem). 核定金额 first, else 申请金额; never negative."""
    if evaluation is not None and "approved_amount" in evaluation.bad:
        return ZERO, None, "评估结果表中的核定金额无法读取：请改正后再核算拨付"
    if evaluation is not None and evaluation.approved_amount is not None:
        if evaluation.approved_amount < 0:
            return ZERO, None, "核定金额为负数：请改正后再核算拨付"
        return fen(evaluation.approved_amount), "核定金额", ""
    if "requested_amount" in project.bad or project.requested is None:
        return ZERO, None, "申请金额缺失或无法读取，评估结果表也没有核定金额：请补填后再核算拨付"
    if project.requested < 0:
        return ZERO, None, "申请金额为负数：请改正后再核算拨付"
    return fen(project.requested), "申请金额", ""


def _usage_gate(ctx: Context) -> Decimal | None:
    """The program's mid-term usage gate (浦兴: 50% of tranche 1), or None when it has none."""
    if ctx.program.setting_spec("midterm_usage_gate") is None:
        return None
    value = ctx.setting("midterm_usage_gate")
    return None if value is None else Decimal(value)


def _midterm_date(ctx: Context, evaluation: Evaluation | None) -> date | None:
    if evaluation is not None and evaluation.midterm_date is not None:
        return evaluation.midterm_date
    return ctx.setting("midterm_date")


def _pct(value: Decimal) -> str:
    return f"{value * 100:.2f}%"


def plan_project(
    ctx: Context,
    project: Project,
    blocking: list[Finding],
    eligible_rows: list[Expense],
    unselected: str = "",
) -> Plan:
    """Decide every tranche of one project as of ctx.as_of.

    `blocking`: error findings against the application itself (not its ledger or evaluation rows);
    `eligible_rows`: the project's ledger rows with no error finding (SG014 aside);
    `unselected`: why the review ranking left it out, if it did (see `not_selected`).
    """
    evaluation = ctx.evaluation_by_project.get(project.project_id or "")
    approved, source, problem = _approved(project, evaluation)
    tranches = ctx.program.tranches
    amounts = tranche_amounts(approved, [t.share for t in tranches])
    mdate = _midterm_date(ctx, evaluation)
    gates = _Gates(ctx, evaluation, blocking, problem, mdate, _usage_gate(ctx), unselected)
    states: list[TrancheState] = []
    for n, (tranche, amount) in enumerate(zip(tranches, amounts, strict=True), 1):
        before = sum((s.amount for s in states), ZERO)
        if (
            tranche.gate == "midterm"
            and gates.usage_gate is not None
            and gates.mdate
            and before > 0
        ):
            gates.before = before
            gates.midterm_spent = sum(
                (e.amount for e in eligible_rows if e.date <= gates.mdate), ZERO
            )
        status, reason = gates.decide(tranche.gate, states[-1] if states else None)
        states.append(
            TrancheState(n, tranche.share, amount, tranche.gate, status, reason, tranche.clause)
        )
    usage = gates.midterm_spent / gates.before if gates.midterm_spent is not None else None
    return Plan(
        project,
        evaluation,
        approved,
        source,
        tuple(states),
        gates.mdate,
        gates.midterm_spent,
        usage,
    )


@dataclass
class _Gates:
    """What the gates of one project look at; `decide` gives (status, reason) of one tranche."""

    ctx: Context
    evaluation: Evaluation | None
    blocking: list[Finding]
    problem: str  # the approved amount cannot be determined
    mdate: date | None
    usage_gate: Decimal | None
    unselected: str = ""  # why the review left the project out (below_line, over_quota, unfunded)
    midterm_spent: Decimal | None = None
    before: Decimal = ZERO  # the amount of the tranches before the mid-term one

    def decide(self, gate_kind: str, previous: TrancheState | None) -> tuple[str, str]:
        if self.problem:
            return WITHHELD, self.problem
        if previous is not None and previous.status != RELEASED:
            if previous.status == WITHHELD:
                return WITHHELD, f"第{previous.n}笔资金暂缓拨付，本笔随之暂缓"
            return PENDING, f"第{previous.n}笔资金尚未拨付"
        if gate_kind == "approval":
            return self.approval()
        if gate_kind == "midterm":
            return self.midterm()
        return _verdict(self.evaluation.final if self.evaluation else "", "末期评估")

    def approval(self) -> tuple[str, str]:
        if self.blocking:
            first = self.blocking[0]
            where = " ".join(x for x in (first.file, first.sheet, first.cell) if x)
            more = f"等 {len(self.blocking)} 个错误" if len(self.blocking) > 1 else ""
            return WITHHELD, (
                f"申报材料有错误未改正（{first.rule}{('，' + where) if where else ''}{more}），"
                "不能立项拨付：请先按 sgov validate 的提示改正"
            )
        approved_on = self.evaluation.approved_on if self.evaluation else None
        explicit = self.evaluation is not None and (
            approved_on is not None or self.evaluation.approved_amount is not None
        )
        if self.unselected and not explicit:
            return WITHHELD, self.unselected
        if approved_on is not None and approved_on > self.ctx.as_of:
            return PENDING, f"立项日期 {approved_on.isoformat()} 尚未到"
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
            if mdate is not None and spent is not None and spent < gate * self.before:
                return WITHHELD, (
                    f"截至中期评估日期 {mdate.isoformat()}，第一笔资金合规使用 {fmt_yuan(spent)} 元，"
                    f"使用率 {_pct(spent / self.before)}，低于 {_pct(gate)}："
                    "中期评估不合格，第二笔资金不予拨付"
                )
        return _verdict(verdict, "中期评估")


def _verdict(verdict: str, what: str) -> tuple[str, str]:
    if verdict == _PASS:
        return RELEASED, ""
    if verdict == _FAIL:
        return WITHHELD, f"{what}不合格"
    return PENDING, f"尚无{what}结果"


# --------------------------------------------------------------------------------------------
# Eligibility and SG014
# --------------------------------------------------------------------------------------------


def _late(rule_id: str) -> bool:
    item = REGISTRY.get(rule_id)
    return bool(item and item.late)


@dataclass
class Ledgers:
    """The ledger rows of known projects, and which of them carry error findings."""

    by_project: dict[str, list[Expense]]
    errors: dict[RowKey, list[Finding]]  # error findings on ledger rows, per row
    blocking: dict[str, list[Finding]]  # error findings against each application
    late_errors: dict[RowKey, list[Finding]]  # error findings of late rules (SG014 aside), per row


def sort_ledgers(
    ctx: Context, findings: Iterable[Finding], late: Iterable[Finding] = ()
) -> Ledgers:
    """Group the folder's ledger rows by project and attach the error findings of each row.

    `findings` decide eligibility for the tranche gates and SG014; `late` (findings of other late
    rules) only make rows ineligible in the disbursement.
    """
    known = ctx.projects
    by_project = {pid: rows for pid, rows in ctx.ledger_by_project.items() if pid in known}
    ledger_rows = {row_key(e.loc) for e in ctx.data.ledger}
    other_rows = {row_key(r.loc) for r in (*ctx.data.evaluations, *ctx.data.scores)}
    errors: dict[RowKey, list[Finding]] = {}
    blocking: dict[str, list[Finding]] = {}
    late_errors: dict[RowKey, list[Finding]] = {}
    for finding in findings:
        if finding.severity.value != "error":
            continue
        key = (finding.file, finding.sheet, finding.row)
        if key in ledger_rows:
            errors.setdefault(key, []).append(finding)
        elif finding.project_id in known and key not in other_rows:
            blocking.setdefault(finding.project_id, []).append(finding)
    for finding in late:
        key = (finding.file, finding.sheet, finding.row)
        if finding.severity.value == "error" and key in ledger_rows:
            late_errors.setdefault(key, []).append(finding)
    return Ledgers(by_project, errors, blocking, late_errors)


def eligible(rows: Iterable[Expense], errors: dict[RowKey, list[Finding]]) -> list[Expense]:
    """Rows with a positive amount, a date and no error finding."""
    return [
        e
        for e in rows
        if e.amount is not None
        and e.amount > 0
        and e.date is not None
        and row_key(e.loc) not in errors
    ]


def plans_and_overdraws(
    ctx: Context, findings: Iterable[Finding]
) -> tuple[dict[str, Plan], list[Hit], Ledgers]:
    """Tranche plans of every project and the SG014 hits, from the findings of the other rules."""
    findings = [f for f in findings if f.rule != "SG014"]
    base = [f for f in findings if not _late(f.rule)]
    ledgers = sort_ledgers(ctx, base, [f for f in findings if _late(f.rule)])
    unselected = not_selected(ctx, base)
    plans: dict[str, Plan] = {}
    hits: list[Hit] = []
    for pid in sorted(ctx.projects):
        # ctx.ledger_in_order is sorted by date then place once for all rules; eligible keeps it
        rows = eligible(ctx.ledger_in_order.get(pid, ()), ledgers.errors)
        blocking = ledgers.blocking.get(pid, [])
        plan = plan_project(ctx, ctx.projects[pid], blocking, rows, unselected.get(pid, ""))
        plans[pid] = plan
        hits.extend(_overdraws(pid, plan.released, rows))
    return plans, hits, ledgers


_UNSELECTED = {
    "below_line": "评审得分低于入围分，未入围",
    "over_quota": "超出所属区县的初审名额",
    "unfunded": "在资金池的资金线外，未获资助",
}


def not_selected(ctx: Context, findings: list[Finding]) -> dict[str, str]:
    """Projects the review ranking leaves out (below_line, over_quota, unfunded), with the reason.

    Only when the folder has score sheets; the same ranking as `sgov rank --stage review`.
    An 评估结果 row with 核定金额 or 立项日期 is the office's explicit approval and wins over it.
    """
    if not any("scores" in f.kinds for f in ctx.data.files):
        return {}
    from pathlib import Path

    from selfgov_cli.config import Config
    from selfgov_cli.rank import RankError, rank
    from selfgov_cli.validate import Validation

    config = Config(Path(ctx.data.root), ctx.program, ctx.settings, neighborhoods=ctx.neighborhoods)
    try:
        ranking = rank(Validation(config, ctx.data, list(findings), ctx.as_of), "review")
    except RankError:  # a bad ranking setting: sgov rank reports it; money does not guess
        return {}
    out: dict[str, str] = {}
    for entry in ranking.entries:
        flag = next((f for f in _UNSELECTED if f in entry.flags), None)
        if flag:
            out[entry.project_id] = (
                f"评审排名第 {entry.rank} 名，{_UNSELECTED[flag]}：不予立项拨付（详见 sgov rank）"
            )
    return out


def _overdraws(pid: str, released: Decimal, rows: list[Expense]) -> Iterator[Hit]:
    """SG014: rows (in date order) that would take eligible spending past the released funds."""
    total = ZERO
    for expense in rows:
        if total + expense.amount > released:
            yield (
                expense.cell("amount"),
                pid,
                (
                    f"这笔支出 {fmt_yuan(expense.amount)} 元（{expense.date.isoformat()}）使累计支出达到 "
                    f"{fmt_yuan(total + expense.amount)} 元，超过已拨付的 {fmt_yuan(released)} 元：不能报销，"
                    "请待下一笔资金拨付后再报销，或退回超支部分"
                ),
            )
        else:
            total += expense.amount


def overdraw_hits(ctx: Context, findings: Iterable[Finding]) -> list[Hit]:
    """What rule SG014 reports, given the findings of the other (non-late) rules."""
    return plans_and_overdraws(ctx, findings)[1]


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


@dataclass
class ProjectMoney:
    plan: Plan
    spent: Decimal
    eligible_spent: Decimal
    ineligible_spent: Decimal
    overdraw: Decimal
    recoverable: Decimal
    period_ended: bool
    ledger_rows: int
    by_category: list[dict[str, Any]]
    ineligible: list[dict[str, Any]]

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
    def released(self) -> Decimal:
        return self.plan.released

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
        return self.eligible_spent / self.released if self.released else Decimal(0)

    def to_dict(self) -> dict[str, Any]:
        plan, project = self.plan, self.plan.project
        return {
            "project_id": self.project_id,
            "name": project.name,
            "neighborhood": project.get("neighborhood"),
            "approved": fmt_amount(self.approved),
            "approved_from": plan.approved_from,
            "tranches": [t.to_dict() for t in plan.tranches],
            "released": fmt_amount(self.released),
            "withheld": fmt_amount(self.withheld),
            "pending": fmt_amount(self.pending),
            "spent": fmt_amount(self.spent),
            "eligible_spent": fmt_amount(self.eligible_spent),
            "ineligible_spent": fmt_amount(self.ineligible_spent),
            "overdraw": fmt_amount(self.overdraw),
            "midterm_date": plan.midterm_date.isoformat() if plan.midterm_date else None,
            "midterm_spent": fmt_amount(plan.midterm_spent),
            "midterm_usage": fmt_rate(plan.midterm_usage),
            "usage_rate": fmt_rate(self.usage_rate),
            "end_date": project.end.isoformat() if project.end else None,
            "period_ended": self.period_ended,
            "recoverable": fmt_amount(self.recoverable),
            "ledger_rows": self.ledger_rows,
            "by_category": self.by_category,
            "ineligible": self.ineligible,
        }


@dataclass
class Disbursement:
    program: str
    program_name: str
    as_of: date
    projects: list[ProjectMoney] = field(default_factory=list)
    unmatched: list[dict[str, Any]] = field(default_factory=list)  # ledger rows of no known project
    unmatched_spent: Decimal = ZERO

    def by_neighborhood(self) -> list[dict[str, Any]]:
        groups: dict[str, list[ProjectMoney]] = {}
        for item in self.projects:
            groups.setdefault(item.neighborhood, []).append(item)
        return [{"neighborhood": name, **_totals(groups[name])} for name in sorted(groups)]

    def totals(self) -> dict[str, Any]:
        return {**_totals(self.projects), "unmatched_spent": fmt_amount(self.unmatched_spent)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "program_name": self.program_name,
            "as_of": self.as_of.isoformat(),
            "projects": [p.to_dict() for p in self.projects],
            "unmatched": self.unmatched,
            "by_neighborhood": self.by_neighborhood(),
            "totals": self.totals(),
        }


def _totals(items: list[ProjectMoney]) -> dict[str, Any]:
    sums = {key: sum((getattr(i, key) for i in items), ZERO) for key in _SUMS}
    out: dict[str, Any] = {"projects": len(items)}
    out.update({key: fmt_amount(value) for key, value in sums.items()})
    usage = sums["eligible_spent"] / sums["released"] if sums["released"] else Decimal(0)
    out["usage_rate"] = fmt_rate(usage)
    return out


def disburse(validation: Validation, as_of: date | None = None) -> Disbursement:
    """The money view of a validated folder as of a date (default: the validation's date)."""
    from selfgov_cli.validate import make_context

    when = as_of or validation.as_of
    ctx = make_context(validation.config, validation.data, when)
    plans, hits, ledgers = plans_and_overdraws(ctx, validation.findings)
    # Every error finding counts against its row (late rules too), SG014 as recomputed for `when`.
    errors: dict[RowKey, list[tuple[str, str]]] = {}
    for source in (ledgers.errors, ledgers.late_errors):
        for key, found in source.items():
            errors.setdefault(key, []).extend((f.rule, f.message) for f in found)
    overdrawn: dict[RowKey, str] = {}
    for loc, _pid, message in hits:
        overdrawn[row_key(loc)] = message
        errors.setdefault(row_key(loc), []).append(("SG014", message))
    program = validation.config.program
    result = Disbursement(program.id, program.name, when)
    for pid, plan in plans.items():
        result.projects.append(
            _project_money(ctx, plan, ledgers.by_project.get(pid, []), errors, overdrawn)
        )
    for expense in ctx.data.ledger:
        if expense.project_id in ctx.projects:
            continue
        result.unmatched.append(_row_dict(expense, errors.get(row_key(expense.loc), [])))
        if expense.amount is not None and expense.amount > 0:
            result.unmatched_spent += expense.amount
    return result


def _project_money(
    ctx: Context,
    plan: Plan,
    rows: list[Expense],
    errors: dict[RowKey, list[tuple[str, str]]],
    overdrawn: dict[RowKey, str],
) -> ProjectMoney:
    spent = eligible_spent = over = ZERO
    ineligible: list[dict[str, Any]] = []
    tally: list[tuple[Expense, bool]] = []
    for expense in sorted(rows, key=ledger_order):
        amount = expense.amount if expense.amount is not None and expense.amount > 0 else ZERO
        spent += amount
        key = row_key(expense.loc)
        reasons = errors.get(key, [])
        good = bool(amount) and expense.date is not None and not reasons
        tally.append((expense, good))
        if good:
            eligible_spent += amount
            continue
        if key in overdrawn and len(reasons) == 1:
            over += amount
        ineligible.append(_row_dict(expense, reasons))
    released = plan.released
    overdraw = max(eligible_spent + over - released, ZERO)
    end = plan.project.end
    ended = end is not None and end < ctx.as_of
    recoverable = max(released - eligible_spent, ZERO) if ended else ZERO
    return ProjectMoney(
        plan=plan,
        spent=spent,
        eligible_spent=eligible_spent,
        ineligible_spent=spent - eligible_spent,
        overdraw=overdraw,
        recoverable=recoverable,
        period_ended=ended,
        ledger_rows=len(rows),
        by_category=_by_category(
            ctx.budget_by_project.get(plan.project.project_id or "", []), tally
        ),
        ineligible=ineligible,
    )


def _row_dict(expense: Expense, reasons: list[tuple[str, str]]) -> dict[str, Any]:
    if not reasons:
        if expense.amount is None or expense.amount <= 0:
            reasons = [("", "金额缺失、无法读取或不是正数")]
        elif expense.date is None:
            reasons = [("", "日期缺失或无法读取")]
    return {
        "project_id": expense.project_id,
        "file": expense.loc.file,
        "sheet": expense.loc.sheet,
        "row": expense.loc.row,
        "cell": expense.cell("amount").cell,
        "date": expense.date.isoformat() if expense.date else None,
        "category": EXPENSE_NAMES.get(expense.category or "", expense.category_text or None),
        "description": scrub(expense.description),
        "amount": fmt_amount(expense.amount),
        "reasons": [{"rule": rule_id or None, "message": message} for rule_id, message in reasons],
    }


def _by_category(budget: list, rows: list[tuple[Expense, bool]]) -> list[dict[str, Any]]:
    """Budget against spending per expense category (known categories first, in contract order)."""
    table: dict[str | None, dict[str, Decimal]] = {}

    def slot(code: str | None) -> dict[str, Decimal]:
        return table.setdefault(code, {"budget": ZERO, "spent": ZERO, "eligible_spent": ZERO})

    for line in budget:
        if line.amount is not None and line.amount > 0:
            slot(line.category)["budget"] += line.amount
    for expense, good in rows:
        if expense.amount is None or expense.amount <= 0:
            continue
        item = slot(expense.category)
        item["spent"] += expense.amount
        if good:
            item["eligible_spent"] += expense.amount
    order = [*EXPENSE_NAMES, None]
    out = []
    for code in sorted(table, key=lambda c: order.index(c) if c in order else len(order)):
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
    "Disbursement",
    "Plan",
    "ProjectMoney",
    "TrancheState",
    "disburse",
    "overdraw_hits",
    "plan_project",
    "tranche_amounts",
]
