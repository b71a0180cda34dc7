"""The office's recorded decisions (sheet `人工认定`, shared/spec/workbooks.md), checked and typed.

sgov never takes these decisions itself; it respects them. This module only reads them: it
knows nothing of validation, disbursement or ranking, and none of those is imported here. The
pipeline applies the effects with the functions below.

API (all pure functions; `decisions` is always a list of ParsedDecision):

- ``parse(dataset, rule_ids=None) -> (list[ParsedDecision], list[Problem])``: every row of every
  `人工认定` sheet. A row that is malformed (empty 理由/认定人/认定日期, unknown 认定事项, bad 内容
  or 位置, 豁免 without 规则, of a rule in NOT_WAIVABLE (SG014: record a 拨付 instead) or with a
  rule id not in `rule_ids`) or names an unknown 项目编号 is
  a Problem at its cell (rule SG025) and is left out of the list: it has no effect. A cell the
  reader could not read (an unreadable 认定日期 is SG003) is not reported twice.
- ``known_at(decisions, as_of)``: the decisions dated on or before `as_of` (a decision counts
  from its 认定日期); ``as_of=None`` keeps all.
- ``waives(decision, finding) -> bool``: a 豁免 of the finding's rule, on the finding's project,
  narrowed by 位置 when there is one (see Place). Pass the findings as the rules produced them.
- ``invoice_owners(decisions, as_of) -> {invoice_key: 项目编号}``: the owner of each shared
  invoice (发票归属); keys are `invoice_key(发票号)`, as SG010 compares invoice numbers.
- ``budget_adjustments(decisions, as_of) -> {项目编号: {target: ParsedDecision}}``: target is an
  expense category code (``work``, ``org_service``…: that category's new total is
  ``decision.amount`` from ``decision.on``) or ``APPROVED`` (a new 核定金额).
- ``tranche_overrides(decisions, as_of) -> {项目编号: {N: ParsedDecision}}``: tranche N forced
  released (``decision.release`` True, 拨付) or withheld (False, 暂缓).
- ``cancelled(decisions, as_of) -> {项目编号: ParsedDecision}``: projects whose funding an upheld
  objection (异议成立) cancels (the flag ``cancelled``). An 异议不成立 changes nothing and is
  only shown; it does not undo an upheld objection (delete that row instead).
- ``by_project(decisions) -> {项目编号: [ParsedDecision]}``: what to show on each project.
- ``in_force(decisions, as_of) -> list[ParsedDecision]``: the decisions known on `as_of` that a
  later one on the same thing has not replaced (the same invoice's 发票归属, the same project's
  预算调整 of one category or of 核定金额, the same project's 拨付 of one tranche); 豁免 and
  objections are never replaced.
- ``stale(decisions, findings, dataset, tranche_count=None) -> list[Problem]``: SG025's other
  half, once the rules have run: a 豁免 that waives none of `findings`, a 发票归属 for an invoice
  not on a ledger row of the owner and of another project, a 预算调整 to the total the budget
  already has, a 拨付 for a tranche the program does not have. ``stale_decisions`` gives the
  same, each Problem with its decision.

For every mapping above, when two decisions settle the same thing the later 认定日期 wins
(then the later row, in folder order). ``ParsedDecision.note()`` is the one Chinese line to print
wherever a decision shows (reason, 认定人, date, 依据文件); ``to_dict()`` is its JSON form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from selfgov_cli.io.schema import EXPENSE_NAMES, expense_code
from selfgov_cli.io.values import did_you_mean, invoice_key, parse_amount
from selfgov_cli.model import Dataset, Decision, Location
from selfgov_cli.money import fmt_amount, fmt_yuan

WAIVER = "豁免"
BUDGET = "预算调整"
TRANCHE = "拨付"
INVOICE = "发票归属"
UPHELD = "异议成立"
REJECTED = "异议不成立"
KINDS = (WAIVER, BUDGET, TRANCHE, INVOICE, UPHELD, REJECTED)
APPROVED = "approved_amount"  # budget_adjustments target: the 核定金额
APPROVED_LABEL = "核定金额"
RELEASE, WITHHOLD = "拨付", "暂缓"

_FULLWIDTH = str.maketrans("０１２３４５６７８９！：　，", "0123456789!: ,")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_TRANCHE_PLACE = re.compile(r"^第\s*(\S+?)\s*笔$")
_TRANCHE_VALUE = re.compile(r"^(?:第\s*(\S+?)\s*笔(?:资金)?)?\s*[,:]?\s*(拨付|暂缓)$")
_TRANCHE_ACTION_FIRST = re.compile(r"^(拨付|暂缓)[,:]?第(\S+?)笔(?:资金)?$")  # 拨付第2笔
_BUDGET_VALUE = re.compile(r"^(?P<what>[^\d¥￥\s:,]+?)\s*[:,]?\s*(?P<amount>[\d¥￥].*)$")
_SEPARATORS = " :,\t"  # between the category and the amount (full-width ones translated)
_INVOICE_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]*$")
_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_PLACE_HELP = "应写 工作表!C12、相对路径:工作表!C12、发票号 或 第N笔"
# Rules whose findings a 豁免 cannot reach, and what to record instead: SG014 is the money step's
# own reckoning of what was released, decided by 拨付 (a waiver of it would only ever be stale).
NOT_WAIVABLE = {
    "SG014": "SG014（支出超过已拨付资金）由拨付决定，不能豁免：如同意先行报销，"
    "请用“拨付”认定提前拨付下一笔资金（如 内容 写 第2笔 拨付）",
}


class Problem(NamedTuple):
    """An SG025 hit: where, 项目编号, message (the shape of a rule engine Hit)."""

    loc: Location
    project_id: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Place:
    """A decision's 位置: one cell (file optional), one invoice, or one tranche."""

    text: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None  # upper case, no `$`
    invoice: str | None = None  # invoice_key of the 发票号
    tranche: int | None = None

    @property
    def row(self) -> int | None:
        if not self.cell:
            return None
        match = _CELL.match(self.cell)
        return int(match.group(2)) if match else None


@dataclass(frozen=True, slots=True)
class ParsedDecision:
    """One valid decision, typed. `order` is its position among the folder's decisions."""

    record: Decision
    kind: str
    project_id: str
    on: date
    order: int
    rule: str | None = None  # 豁免: the rule id, upper case
    place: Place | None = None
    target: str | None = None  # 预算调整: expense category code or APPROVED
    amount: Decimal | None = None  # 预算调整: the new total / 核定金额
    tranche: int | None = None  # 拨付: N
    release: bool | None = None  # 拨付: True 拨付, False 暂缓
    invoice: str | None = None  # 发票归属: the 发票号 as written
    invoice_rows: frozenset[tuple[str | None, str | None, int | None]] = frozenset()
    # ^ 位置 given as a 发票号: the (file, sheet, row) of the ledger rows that carry it

    @property
    def reason(self) -> str:
        return self.record.reason

    @property
    def by(self) -> str:
        return self.record.by

    @property
    def document(self) -> str:
        return self.record.document

    @property
    def loc(self) -> Location:
        return self.record.loc

    def sort_key(self) -> tuple[date, int]:
        return (self.on, self.order)

    def what(self) -> str:
        """What was decided, in a few Chinese words: 豁免 SG013（经费台账!E96）."""
        if self.kind == WAIVER:
            text = f"豁免 {self.rule}"
        elif self.kind == BUDGET:
            name = APPROVED_LABEL if self.target == APPROVED else EXPENSE_NAMES[self.target or ""]
            text = f"预算调整：{name}调整为 {fmt_yuan(self.amount)} 元"
        elif self.kind == TRANCHE:
            text = f"第{self.tranche}笔{RELEASE if self.release else WITHHOLD}"
        elif self.kind == INVOICE:
            text = f"发票 {self.invoice} 归属本项目"
        else:
            text = self.kind
        if self.place is not None and self.kind == WAIVER:
            text += f"（{self.place.text}）"
        return text

    def note(self) -> str:
        """The line shown wherever the decision shows: what, why, who, when, on what basis."""
        parts = [f"认定人 {self.by}", self.on.isoformat()]
        if self.document:
            parts.append(f"依据 {self.document}")
        return f"人工认定：{self.what()}；理由：{self.reason}（{'，'.join(parts)}）"

    def to_dict(self) -> dict[str, Any]:
        loc = self.record.loc
        return {
            "project_id": self.project_id,
            "kind": self.kind,
            "rule": self.rule,
            "where": self.record.where or None,
            "value": self.record.value or None,
            "target": self.target,
            "amount": fmt_amount(self.amount),
            "tranche": self.tranche,
            "release": self.release,
            "invoice": self.invoice,
            "reason": self.reason,
            "by": self.by,
            "on": self.on.isoformat(),
            "document": self.document or None,
            "file": loc.file,
            "sheet": loc.sheet,
            "cell": loc.cell,
            "row": loc.row,
        }


# ---------------------------------------------------------------- parsing


def parse(
    dataset: Dataset, rule_ids: Collection[str] | None = None
) -> tuple[list[ParsedDecision], list[Problem]]:
    """Every decision of the folder, typed; the malformed ones as Problems (see the module doc).

    rule_ids: the rule ids of the program; a 豁免 of another id is malformed. None: not checked.
    """
    if not dataset.decisions:  # the usual folder: no pass over the ledger for nothing
        return [], []
    known = dataset.project_map()
    rows_by_invoice: dict[str, set[tuple[str | None, str | None, int | None]]] = {}
    for expense in dataset.ledger:
        key = invoice_key(expense.invoice_no)
        if key:
            rows_by_invoice.setdefault(key, set()).add(
                (expense.loc.file, expense.loc.sheet, expense.loc.row)
            )
    wanted_rules = {r.upper() for r in rule_ids} if rule_ids is not None else None
    parsed: list[ParsedDecision] = []
    problems: list[Problem] = []
    for order, record in enumerate(dataset.decisions):
        found, trouble = _parse_one(record, order, known, wanted_rules, rows_by_invoice)
        problems.extend(trouble)
        if found is not None and not trouble:
            parsed.append(found)
    return parsed, problems


def _parse_one(
    record: Decision,
    order: int,
    known: Collection[str],
    rule_ids: set[str] | None,
    rows_by_invoice: dict[str, set],
) -> tuple[ParsedDecision | None, list[Problem]]:
    pid = record.project_id
    problems: list[Problem] = []

    def problem(key: str, message: str) -> None:
        problems.append(Problem(record.cell(key), pid, message))

    if not pid:
        if "project_id" not in record.bad:
            problem("project_id", "人工认定没有填写项目编号：这条认定不起作用，请补填")
    elif pid not in known:
        problem(
            "project_id",
            f"人工认定的项目编号 {pid} 没有对应的申报：这条认定不起作用，请核对项目编号",
        )
    kind = record.kind.replace(" ", "")
    if not kind:
        if "kind" not in record.bad:
            problem("kind", f"人工认定没有填写认定事项（{'、'.join(KINDS)}）：请补填")
    elif kind not in KINDS:
        problem(
            "kind",
            f"认定事项“{record.kind}”不是规定的事项（{'、'.join(KINDS)}）："
            f"{did_you_mean(kind, KINDS, 0.5, quote=True)}请从下拉列表中选择",
        )
    for key, label in (("reason", "理由"), ("by", "认定人")):
        if not getattr(record, key) and key in record.cells and key not in record.bad:
            problem(key, f"人工认定没有填写{label}：{label}会与认定一起公示和打印，请补填")
    if record.on is None and "on" in record.cells and "on" not in record.bad:
        problem("on", "人工认定没有填写认定日期：认定从这一天起生效，请补填")

    place = None
    if record.where:
        place, message = _parse_place(record.where, rows_by_invoice)
        if message:
            problem("where", message)
    fields: dict[str, Any] = {}
    if kind == WAIVER:
        # ＰＸ０１２ typed with a Chinese input method, or `PX 012`, is PX012
        rule_id = "".join(unicodedata.normalize("NFKC", record.rule).split()).upper()
        if not rule_id:
            problem("rule", "豁免须填写规则编号（如 SG013）：请在“规则”一栏补填")
        elif rule_id in NOT_WAIVABLE:
            problem("rule", NOT_WAIVABLE[rule_id])
        elif rule_ids is not None and rule_id not in rule_ids:
            problem(
                "rule",
                f"规则“{record.rule}”不是本计划的规则编号：请从下拉列表中选择（sgov rules 列出全部规则）",
            )
        fields["rule"] = rule_id
        if place is not None and place.invoice:
            fields["invoice_rows"] = frozenset(rows_by_invoice.get(place.invoice, ()))
    elif kind == BUDGET:
        target, amount, message = _parse_budget(record.value)
        if message:
            problem("value", message)
        fields.update(target=target, amount=amount)
    elif kind == TRANCHE:
        tranche, release, message = _parse_tranche(record.value, place)
        if message:
            problem("value", message)
        fields.update(tranche=tranche, release=release)
    elif kind == INVOICE:
        invoice = record.value.strip()
        if not invoice:
            problem("value", "发票归属须在“内容”一栏填写发票号：请补填")
        fields["invoice"] = invoice
    if problems or not pid or kind not in KINDS or record.on is None:
        return None, problems
    if not record.reason or not record.by or record.bad:
        return None, problems  # a column missing (SG002) or a cell unreadable (SG003)
    return ParsedDecision(record, kind, pid, record.on, order, place=place, **fields), problems


def _parse_place(text: str, rows_by_invoice: dict[str, set]) -> tuple[Place | None, str | None]:
    raw = text.strip()
    flat = raw.translate(_FULLWIDTH).strip()
    match = _TRANCHE_PLACE.match(flat.replace(" ", ""))
    if match:
        n = _number(match.group(1))
        if n is None:
            return None, f"位置“{raw}”中的笔数看不懂：应写 第1笔、第2笔……"
        return Place(raw, tranche=n), None
    if "!" in flat:
        left, _, cell = flat.rpartition("!")
        cell_match = _CELL.match(cell.strip())
        if not cell_match:
            return None, f"位置“{raw}”中的单元格“{cell.strip()}”看不懂：{_PLACE_HELP}"
        file, sep, sheet = left.rpartition(":")  # a sheet name never holds a colon
        sheet = sheet.strip().strip("'").strip()
        file_text = file.strip().replace("\\", "/").removeprefix("./") if sep else None
        if not sheet or (sep and not file_text):
            return None, f"位置“{raw}”缺少工作表名或文件路径：{_PLACE_HELP}"
        address = f"{cell_match.group(1).upper()}{cell_match.group(2)}"
        return Place(raw, file=file_text, sheet=sheet, cell=address), None
    if _INVOICE_LIKE.match(flat):
        return Place(raw, invoice=invoice_key(flat)), None
    return None, f"位置“{raw}”看不懂：{_PLACE_HELP}"


def _parse_budget(text: str) -> tuple[str | None, Decimal | None, str | None]:
    flat = text.translate(_FULLWIDTH).strip()
    help_text = "应写“支出类别 金额”（如 管理费 500）或“核定金额 金额”"
    if not flat:
        return None, None, f"预算调整须在“内容”一栏填写调整后的金额：{help_text}"
    head, _, tail = flat.partition(next((c for c in flat if c in _SEPARATORS), "\0"))
    if tail.strip() and (head.strip() == APPROVED_LABEL or expense_code(head.strip())):
        what, amount_text = head.strip(), tail.strip(" :,")  # 管理费：伍佰元整
    elif match := _BUDGET_VALUE.match(flat):  # 管理费500
        what, amount_text = match.group("what").strip(), match.group("amount")
    else:
        return None, None, f"预算调整的内容“{text}”看不懂：{help_text}"
    target = APPROVED if what == APPROVED_LABEL else expense_code(what)
    if target is None:
        names = "、".join((*EXPENSE_NAMES.values(), APPROVED_LABEL))
        return None, None, f"预算调整的“{what}”不是支出类别或核定金额（{names}）：请改正"
    amount, err = parse_amount(amount_text)
    if err or amount is None:
        return None, None, f"预算调整的金额“{amount_text}”看不懂：{help_text}"
    if amount < 0 or (target == APPROVED and amount == 0):
        return None, None, f"预算调整的金额 {fmt_yuan(amount)} 元不对：应大于零"
    return target, amount, None


def _parse_tranche(text: str, place: Place | None) -> tuple[int | None, bool | None, str | None]:
    help_text = "应写“第N笔 拨付”或“第N笔 暂缓”"
    flat = text.translate(_FULLWIDTH).replace(" ", "")
    if first := _TRANCHE_ACTION_FIRST.match(flat):
        flat = f"第{first.group(2)}笔{first.group(1)}"
    match = _TRANCHE_VALUE.match(flat)
    if not match:
        what = f"“{text}”看不懂" if text.strip() else "为空"
        return None, None, f"拨付认定的内容{what}：{help_text}"
    if match.group(1) is None:
        if place is None or place.tranche is None:
            return None, None, f"拨付认定没有写第几笔：{help_text}"
        n: int | None = place.tranche
    else:
        n = _number(match.group(1))
    if n is None or n < 1:
        return None, None, f"拨付认定的笔数“{match.group(1)}”看不懂：{help_text}"
    return n, match.group(2) == RELEASE, None


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if text == "十":
        return 10
    return None


# ---------------------------------------------------------------- effects


def known_at(decisions: Iterable[ParsedDecision], as_of: date | None) -> list[ParsedDecision]:
    """The decisions that count on `as_of`: dated on or before it (all when as_of is None)."""
    return [d for d in decisions if as_of is None or d.on <= as_of]


def _latest(decisions: Iterable[ParsedDecision], kind: str, as_of: date | None):
    return sorted(
        (d for d in known_at(decisions, as_of) if d.kind == kind), key=ParsedDecision.sort_key
    )


def _settles(decision: ParsedDecision) -> tuple | None:
    """What a decision settles, when a later decision on the same thing replaces it."""
    if decision.kind == INVOICE:
        return (INVOICE, invoice_key(decision.invoice or ""))
    if decision.kind == BUDGET:
        return (BUDGET, decision.project_id, decision.target)
    if decision.kind == TRANCHE:
        return (TRANCHE, decision.project_id, decision.tranche)
    return None


def in_force(decisions: Iterable[ParsedDecision], as_of: date | None) -> list[ParsedDecision]:
    """The decisions that take effect on `as_of`, in their order: known then, and not replaced by
    a later decision (认定日期, then row) on the same thing (see _settles)."""
    known = known_at(decisions, as_of)
    latest: dict[tuple, ParsedDecision] = {}
    for d in sorted(known, key=ParsedDecision.sort_key):
        key = _settles(d)
        if key is not None:
            latest[key] = d
    return [d for d in known if (key := _settles(d)) is None or latest[key] is d]


def waives(decision: ParsedDecision, finding: Any) -> bool:
    """Whether a 豁免 covers a finding (anything with rule, project_id, file, sheet, cell, row,
    message): the same rule, the same project, and inside the 位置 when one is given. A finding
    with no 项目编号 is covered only by a 豁免 whose 位置 names its place."""
    if decision.kind != WAIVER or decision.rule != finding.rule:
        return False
    if finding.project_id != decision.project_id and (
        finding.project_id is not None or decision.place is None
    ):
        return False
    place = decision.place
    if place is None:
        return True
    if place.tranche is not None:
        return re.search(rf"第\s*{place.tranche}\s*笔", finding.message or "") is not None
    if place.invoice is not None:  # the ledger rows that carry the invoice
        return (finding.file, finding.sheet, finding.row) in decision.invoice_rows
    if place.file is not None and _path(place.file) != _path(finding.file or ""):
        return False
    if (place.sheet or "").strip() != (finding.sheet or "").strip():
        return False
    cell = (finding.cell or "").replace("$", "").upper()
    if cell:
        return cell == place.cell
    return finding.row is not None and finding.row == place.row


def _path(text: str) -> str:
    return text.replace("\\", "/").removeprefix("./").strip().casefold()


def invoice_owners(decisions: Iterable[ParsedDecision], as_of: date | None) -> dict[str, str]:
    """invoice_key(发票号) -> the 项目编号 it belongs to (the latest 发票归属 known on as_of)."""
    return {invoice_key(d.invoice or ""): d.project_id for d in _latest(decisions, INVOICE, as_of)}


def budget_adjustments(
    decisions: Iterable[ParsedDecision], as_of: date | None
) -> dict[str, dict[str, ParsedDecision]]:
    """项目编号 -> {expense category code or APPROVED: the 预算调整 in effect on as_of}."""
    out: dict[str, dict[str, ParsedDecision]] = {}
    for d in _latest(decisions, BUDGET, as_of):
        out.setdefault(d.project_id, {})[d.target or ""] = d
    return out


def tranche_overrides(
    decisions: Iterable[ParsedDecision], as_of: date | None
) -> dict[str, dict[int, ParsedDecision]]:
    """项目编号 -> {N: the 拨付 decision in effect on as_of} (decision.release: 拨付 or 暂缓)."""
    out: dict[str, dict[int, ParsedDecision]] = {}
    for d in _latest(decisions, TRANCHE, as_of):
        out.setdefault(d.project_id, {})[d.tranche or 0] = d
    return out


def cancelled(decisions: Iterable[ParsedDecision], as_of: date | None) -> dict[str, ParsedDecision]:
    """项目编号 -> the upheld objection (异议成立, the latest) that cancels its funding."""
    return {d.project_id: d for d in _latest(decisions, UPHELD, as_of)}


def by_project(decisions: Iterable[ParsedDecision]) -> dict[str, list[ParsedDecision]]:
    """项目编号 -> its decisions, by date then row."""
    out: dict[str, list[ParsedDecision]] = {}
    for d in sorted(decisions, key=ParsedDecision.sort_key):
        out.setdefault(d.project_id, []).append(d)
    return out


# ---------------------------------------------------------------- stale decisions


def stale(
    decisions: Iterable[ParsedDecision],
    findings: Iterable[Any],
    dataset: Dataset,
    tranche_count: int | None = None,
) -> list[Problem]:
    """Decisions that match nothing (SG025), each at its 认定事项 cell.

    findings: every finding as the rules gave it, before any waiver turned it into info.
    Pass the decisions known on the run's date (known_at) and, to check 拨付, the number of
    tranches of the program.
    """
    return [problem for _, problem in stale_decisions(decisions, findings, dataset, tranche_count)]


def stale_decisions(
    decisions: Iterable[ParsedDecision],
    findings: Iterable[Any],
    dataset: Dataset,
    tranche_count: int | None = None,
) -> list[tuple[ParsedDecision, Problem]]:
    """stale(), each Problem with the decision it is about."""
    decisions = list(decisions)
    if not decisions:  # nothing can be stale: no pass over the ledger
        return []
    findings = list(findings)
    owners_rows: dict[str, set[str]] = {}
    for expense in dataset.ledger:
        key = invoice_key(expense.invoice_no)
        if key and expense.project_id:
            owners_rows.setdefault(key, set()).add(expense.project_id)
    budgets: dict[tuple[str, str], Decimal] = {}
    for line in dataset.budget:
        if line.project_id and line.category in EXPENSE_NAMES and line.amount is not None:
            key = (line.project_id, line.category)
            budgets[key] = budgets.get(key, Decimal(0)) + line.amount
    out: list[Problem] = []
    for d in decisions:
        message = None
        if d.kind == WAIVER and not any(waives(d, f) for f in findings):
            where = f"在“{d.place.text}”" if d.place is not None else ""
            message = (
                f"豁免 {d.rule} 已没有对应的问题（项目 {d.project_id} {where}没有 {d.rule}）："
                "问题可能已改正，请删除这条认定或核对规则和位置"
            )
        elif d.kind == INVOICE:
            holders = owners_rows.get(invoice_key(d.invoice or ""), set())
            if d.project_id not in holders:
                message = (
                    f"发票 {d.invoice} 不在项目 {d.project_id} 的台账中：发票归属不起作用，"
                    "请核对发票号或项目编号"
                )
            elif not holders - {d.project_id}:
                message = (
                    f"发票 {d.invoice} 只出现在项目 {d.project_id} 的台账中，没有与其他项目共用："
                    "这条发票归属已不需要，请删除"
                )
        elif d.kind == BUDGET and d.target != APPROVED:
            current = budgets.get((d.project_id, d.target or ""), Decimal(0))
            if current == d.amount:
                message = (
                    f"预算中“{EXPENSE_NAMES[d.target or '']}”已是 {fmt_yuan(d.amount)} 元，"
                    "这条预算调整已不改变任何金额：请删除或核对金额"
                )
        elif d.kind == TRANCHE and tranche_count is not None and (d.tranche or 0) > tranche_count:
            message = (
                f"本计划只分 {tranche_count} 笔拨付，没有第{d.tranche}笔：这条拨付认定不起作用，"
                "请核对笔数"
            )
        if message:
            out.append((d, Problem(d.record.cell("kind"), d.project_id, message)))
    return out


__all__ = [
    "APPROVED",
    "KINDS",
    "ParsedDecision",
    "Place",
    "Problem",
    "budget_adjustments",
    "by_project",
    "cancelled",
    "invoice_key",
    "invoice_owners",
    "in_force",
    "known_at",
    "parse",
    "stale",
    "stale_decisions",
    "tranche_overrides",
    "waives",
]
