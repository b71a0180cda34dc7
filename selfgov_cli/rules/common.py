"""The common rules SG001–SG016 and SG023–SG025 (shared/spec/rules.md), for every program."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import selfgov_cli.decisions as decisions
from selfgov_cli.io.schema import APPLICATION, EXPENSE_NAMES, ROLES
from selfgov_cli.io.values import did_you_mean, invoice_key
from selfgov_cli.model import ledger_order
from selfgov_cli.money import fmt_yuan
from selfgov_cli.rules.engine import Context, Hit, rule, rules_for

COMMON = "通用规则"
TOLERANCE = Decimal("0.01")
_ORG_EXEMPT = ("居委会", "村委会", "居民委员会", "村民委员会")


def _issues(ctx: Context, rule_id: str) -> Iterator[Hit]:
    for issue in ctx.data.issues:
        if issue.rule == rule_id:
            yield issue.loc, issue.project_id, issue.message


@rule(
    "SG001",
    "error",
    COMMON,
    "文件无法作为工作簿读取（损坏、加密、不是电子表格或超过大小上限）",
    "用 Excel 或 WPS 打开文件，去除密码，另存为 .xlsx 后重新提交",
)
def unreadable(ctx: Context) -> Iterator[Hit]:
    """The file could not be read at all; nothing in it was checked."""
    yield from _issues(ctx, "SG001")


@rule("SG002", "error", COMMON, "缺少必填项或必填列", "在标出的位置补填内容或补上该列")
def missing(ctx: Context) -> Iterator[Hit]:
    """A required field or column is missing or empty."""
    yield from _issues(ctx, "SG002")
    for project in ctx.data.projects:
        for column in APPLICATION:
            if column.key in project.bad or project.values.get(column.key) is not None:
                continue
            if not (column.required or _required(ctx, project, column.key)):
                continue
            where = project.cell(column.key) if column.key in project.present else project.loc
            if column.key in project.present:
                message = f"申报表必填项“{column.label}”为空：请补填"
            else:
                message = f"申报表缺少必填项“{column.label}”（表中没有这一项）：请补填"
            yield where, project.project_id, message


def is_org(applicant_type: str | None) -> bool:
    """An applying organisation (not a residents' or villagers' committee)."""
    return bool(applicant_type) and not any(word in applicant_type for word in _ORG_EXEMPT)


def _required(ctx: Context, project, key: str) -> bool:
    condition = ctx.program.required.get(key)
    if condition is None:
        return False
    category = ctx.program.category(project.get("category"))
    return {
        "always": True,
        "org": is_org(project.get("applicant_type")),
        "class_ab": bool(category) and category[0] in "AB",
        "class_a": category == "A",
        "continuing": project.get("continuing") is True,
    }.get(condition, False)


@rule(
    "SG003",
    "error",
    COMMON,
    "数值无法按类型读取（金额、日期、是/否、整数、比例），或公式没有保存结果",
    "按提示的格式改写该单元格；公式单元格请用 Excel 或 WPS 打开并保存",
)
def unparseable(ctx: Context) -> Iterator[Hit]:
    """A value cannot be read as its type, or a formula has no saved value."""
    yield from _issues(ctx, "SG003")


@rule(
    "SG004",
    "error",
    COMMON,
    "同一项目编号出现在两份申报中",
    "为重复的项目改用新的项目编号，或删除重复的申报",
)
def duplicate_ids(ctx: Context) -> Iterator[Hit]:
    """The same 项目编号 appears in two applications: the first in folder order stands; the later
    one is flagged here, and nothing of it (budget lines, members, form values) is merged into
    the first (Dataset.assemble sets its budget and members aside)."""
    first: dict[str, object] = {}
    for project in ctx.data.projects:
        pid = project.project_id
        if not pid:
            continue
        if pid in first:
            seen = first[pid].loc
            yield (
                project.cell("project_id"),
                pid,
                (
                    f"项目编号 {pid} 与 {seen.file} “{seen.sheet}” {seen.cell or ''} 的申报重复：以先出现的"
                    "申报为准，这份申报（连同它的预算和成员）不计入；请改用新的编号或删除重复申报"
                ),
            )
        else:
            first[pid] = project


@rule(
    "SG005",
    "error",
    COMMON,
    "台账、评分或评估中的项目编号没有对应的申报",
    "核对项目编号，或补交该项目的申报表",
)
def unknown_project(ctx: Context) -> Iterator[Hit]:
    """A ledger, score, evaluation (or budget, member) row names a 项目编号 with no application."""
    known = ctx.projects
    for records, what in (
        (ctx.data.budget, "预算行"),
        (ctx.data.members, "成员行"),
        (ctx.data.ledger, "台账行"),
        (ctx.data.scores, "评分行"),
        (ctx.data.evaluations, "评估行"),
    ):
        for record in records:
            pid = record.project_id
            if pid and pid not in known:
                yield (
                    record.cell("project_id"),
                    pid,
                    f"{what}的项目编号 {pid} 没有对应的申报：请核对编号或补交申报表",
                )


@rule(
    "SG006",
    "error",
    COMMON,
    "预算明细合计与申请金额不一致（允许误差 0.01 元）",
    "调整预算明细或申请金额，使两者一致",
)
def budget_total(ctx: Context) -> Iterator[Hit]:
    """Budget lines do not add up to 申请金额. With the office's decisions (人工认定 预算调整) the
    adjusted budget is checked, and it may instead add up to a 核定金额 the office set the same
    way: a budget change that raises or lowers the total, recorded with its new 核定金额, is
    consistent (README "The office's decisions")."""
    for pid, project in ctx.projects.items():
        lines = ctx.budget_by_project.get(pid)
        requested = project.requested
        if not lines or requested is None or any(line.amount is None for line in lines):
            continue
        total = sum((line.amount for line in lines), Decimal(0))
        decided = ctx.budget_changes.get(pid, {}).get(decisions.APPROVED)
        if decided is not None and abs(total - decided[0]) <= TOLERANCE:
            continue
        if abs(total - requested) > TOLERANCE:
            also = "" if decided is None else f"、人工认定的核定金额 {fmt_yuan(decided[0])} 元都"
            yield (
                project.cell("requested_amount"),
                pid,
                (
                    f"预算明细合计 {fmt_yuan(total)} 元，与申请金额 {fmt_yuan(requested)} 元{also}不一致：请调整预算或申请金额"
                ),
            )


@rule(
    "SG007",
    "error",
    COMMON,
    "项目类别、支出类别、意向或角色不在本计划的列表中",
    "从模板的下拉列表中选择正确的名称",
)
def unknown_names(ctx: Context) -> Iterator[Hit]:
    """A project category, expense category, intent or role is not one the program knows."""
    program = ctx.program
    categories = "、".join(program.categories)
    all_intents = [i for names in program.intents.values() for i in names]
    for project in ctx.data.projects:
        text = project.get("category")
        if text and program.category(text) is None:
            guess = did_you_mean(text, program.categories, cutoff=0.5, quote=True)
            yield (
                project.cell("category"),
                project.project_id,
                f"项目类别“{text}”不是本计划的类别（{categories}）：{guess}请改正",
            )
        for intent in program.intent_list(project.get("intent")) if program.intents else ():
            if program.intent_name(intent) is None:
                guess = did_you_mean(intent, all_intents, cutoff=0.5, quote=True)
                yield (
                    project.cell("intent"),
                    project.project_id,
                    f"意向“{intent}”不是本计划的意向：{guess}请从下拉列表中选择",
                )
    expense_names = "、".join(EXPENSE_NAMES.values())
    for records in (ctx.data.budget, ctx.data.ledger):
        for record in records:
            if record.category is None and record.category_text:
                text = record.category_text
                guess = did_you_mean(text, EXPENSE_NAMES.values(), cutoff=0.5, quote=True)
                yield (
                    record.cell("category"),
                    record.project_id,
                    f"支出类别“{text}”不是规定的类别（{expense_names}）：{guess}请改正",
                )
    for member in ctx.data.members:
        if member.role and member.role not in ROLES:
            yield (
                member.cell("role"),
                member.project_id,
                f"角色“{member.role}”应为 负责人、成员 或 社工联络员：请改正",
            )


@rule(
    "SG008",
    "warning",
    COMMON,
    "工作簿中没有可识别的工作表，已跳过",
    "如该文件应参与校验，请按模板重命名工作表",
)
def skipped(ctx: Context) -> Iterator[Hit]:
    """A workbook has no sheet sgov knows; it was skipped."""
    yield from _issues(ctx, "SG008")


@rule(
    "SG009",
    "error",
    COMMON,
    "预算或台账金额为零或负数",
    "填写正数金额；冲销请删除原记录而不是记负数",
)
def non_positive(ctx: Context) -> Iterator[Hit]:
    """A budget line or ledger amount is zero or negative."""
    for records, what in ((ctx.data.budget, "预算金额"), (ctx.data.ledger, "报销金额")):
        for record in records:
            if record.amount is not None and record.amount <= 0:
                yield (
                    record.cell("amount"),
                    record.project_id,
                    f"{what}为 {fmt_yuan(record.amount)} 元，应大于零：请改正",
                )


@rule(
    "SG010",
    "error",
    COMMON,
    "同一发票号出现在多条台账记录中（可能重复报销）",
    "核对发票，删除重复的报销记录；一张发票由两个项目报销的，在“人工认定”表中记录发票归属",
)
def duplicate_invoices(ctx: Context) -> Iterator[Hit]:
    """The same 发票号 is on more than one ledger row, anywhere in the folder. Within one project
    the first row (by 日期, then folder order) counts and the later ones are flagged. Across
    projects every row is flagged, none counts, until the invoice's owner is known
    (ctx.invoice_owners, from a 发票归属 decision): then the owner's first row counts. Placeholders
    (无, 暂无, 空, /, -, —, N/A) are no invoice number."""
    first: dict[str, object] = {}  # a list only for a number seen twice (most are not)
    groups: dict[str, list] = {}
    for expense in ctx.data.ledger:
        key = invoice_key(expense.invoice_no)
        if key:
            seen = first.setdefault(key, expense)
            if seen is not expense:
                group = groups.get(key)
                if group is None:
                    groups[key] = [seen, expense]
                else:
                    group.append(expense)
    del first
    owners = {invoice_key(no): pid for no, pid in ctx.invoice_owners.items()}
    for key, expenses in groups.items():
        if len(expenses) < 2:
            continue
        expenses.sort(key=ledger_order)
        projects = list(dict.fromkeys(e.project_id or "" for e in expenses))
        if len(projects) == 1 or key in owners:
            yield from _repeated_in_project(expenses, owners.get(key))
        else:
            yield from _shared_by_projects(expenses, projects)


def _where(expense) -> str:
    loc = expense.loc
    return f"{loc.file} “{loc.sheet}” 第 {loc.row} 行"


def _repeated_in_project(expenses: list, owner: str | None) -> Iterator[Hit]:
    """One project (or the owner named by a decision): its first row counts, the rest are flagged."""
    first: dict[str, object] = {}
    for expense in expenses:
        pid = expense.project_id or ""
        if owner is not None and pid != owner:
            yield (
                expense.cell("invoice_no"),
                expense.project_id,
                f"发票号 {expense.invoice_no} 已认定归属项目 {owner}：本项目不能用这张发票报销，"
                "这笔不计入",
            )
            continue
        seen = first.setdefault(pid, expense)
        if seen is expense and owner is not None and len({e.project_id for e in expenses}) > 1:
            # the owner's row: reported so the decision shows on it (the pipeline makes it info)
            yield (
                expense.cell("invoice_no"),
                expense.project_id,
                f"发票号 {expense.invoice_no} 也出现在其他项目的台账中，已认定归属本项目：这笔计入",
            )
        elif seen is not expense:
            yield (
                expense.cell("invoice_no"),
                expense.project_id,
                f"发票号 {expense.invoice_no} 已在 {_where(seen)}报销过：可能重复报销，这笔不计入，请核对",
            )


def _shared_by_projects(expenses: list, projects: list[str]) -> Iterator[Hit]:
    """Several projects: every row is flagged and none counts until the owner is decided."""
    names = "、".join(pid or "（无编号）" for pid in projects)
    for expense in expenses:
        others = [_where(e) for e in expenses if e is not expense]
        shown = "；".join(others[:3]) + (f" 等 {len(others)} 处" if len(others) > 3 else "")
        yield (
            expense.cell("invoice_no"),
            expense.project_id,
            f"发票号 {expense.invoice_no} 出现在多个项目（{names}）的台账中（另见 {shown}）："
            "一张发票只能由一个项目报销，归属认定前这几笔都不计入；请核对，并在“人工认定”表中记录发票归属",
        )


@rule("SG011", "error", COMMON, "支出日期不在项目执行期内", "核对支出日期；执行期外的支出不能报销")
def outside_period(ctx: Context) -> Iterator[Hit]:
    """An expense is dated outside the project's period (开始日期–结束日期)."""
    periods = {  # one dictionary look-up a ledger row
        pid: (project.start, project.end)
        for pid, project in ctx.projects.items()
        if project.start is not None and project.end is not None
    }
    for expense in ctx.data.ledger:
        period = periods.get(expense.project_id or "")
        day = expense.date
        if period is None or day is None:
            continue
        start, end = period
        if day < start or day > end:
            yield (
                expense.cell("date"),
                expense.project_id,
                (
                    f"支出日期 {day.isoformat()} 不在项目执行期 {start.isoformat()} 至 "
                    f"{end.isoformat()} 内：执行期外的支出不能报销"
                ),
            )


@rule(
    "SG012",
    "error",
    "浦兴 四.4(3)",
    "支出类别在项目预算中没有对应的预算行（未经批准的调整不予报销）",
    "先按程序申请调整预算，批准后再报销",
)
def unbudgeted(ctx: Context) -> Iterator[Hit]:
    """An expense's category has no line in the project's budget (a line added by an approved
    budget change counts from the change's date: an earlier expense is still unbudgeted)."""
    for pid, expenses in ctx.ledger_by_project.items():
        lines = ctx.budget_by_project.get(pid)
        if not lines:
            continue
        categories = {line.category for line in lines}
        added_on = ctx.budget_added_on.get(pid) or {}
        for expense in expenses:
            category = expense.category
            if category is None:
                continue
            added = added_on.get(category) if added_on else None
            if category in categories and added is None:
                continue  # budgeted from the start: most rows
            yield from _unbudgeted_hit(expense, category not in categories, added)


def _unbudgeted_hit(expense, missing: bool, added) -> Iterator[Hit]:
    name = EXPENSE_NAMES.get(expense.category or "", expense.category_text)
    if missing:
        yield (
            expense.cell("category"),
            expense.project_id,
            (f"预算中没有“{name}”类支出，这笔支出未经批准：请先申请调整预算"),
        )
    elif added is not None and expense.date is not None and expense.date < added:
        yield (
            expense.cell("category"),
            expense.project_id,
            (
                f"“{name}”类预算自 {added.isoformat()} 起才经批准增列，这笔 "
                f"{expense.date.isoformat()} 的支出在批准之前：不予报销"
            ),
        )


@rule("SG013", "warning", COMMON, "某类支出超过该类预算", "核对该类支出，必要时申请调整预算")
def over_budget_line(ctx: Context) -> Iterator[Hit]:
    """Spending in a category exceeds its budget line(s); flagged on the row that crosses it. Rows
    an error excludes whole (ctx.barred) fill no budget line."""
    for pid, expenses in ctx.ledger_in_order.items():
        lines = ctx.budget_by_project.get(pid)
        if not lines or (ctx.recount is not None and pid not in ctx.recount):
            continue
        budget = _over_budget(lines, ctx.spent_by_category.get(pid, {}))
        if not budget:
            continue  # every category's whole spending stays within its budget: no row crosses it
        spent: dict[str, Decimal] = {}
        for expense in expenses:
            code = expense.category
            if code not in budget or expense.amount is None or expense.amount <= 0:
                continue
            if ctx.barred and id(expense) in ctx.barred:  # a row that counts nothing
                continue
            before = spent.get(code, Decimal(0))
            spent[code] = before + expense.amount
            if before <= budget[code] < spent[code]:
                yield (
                    expense.cell("amount"),
                    pid,
                    (
                        f"“{EXPENSE_NAMES[code]}”累计支出 {fmt_yuan(spent[code])} 元，超过该类预算 "
                        f"{fmt_yuan(budget[code])} 元：请核对或申请调整预算"
                    ),
                )


def _over_budget(lines, sums: dict[str, Decimal]) -> dict[str, Decimal]:
    """The budget of each category whose whole (positive) spending exceeds it: only there can a
    row cross its budget line."""
    budget: dict[str, Decimal] = {}
    for line in lines:
        if line.category and line.amount is not None:
            budget[line.category] = budget.get(line.category, Decimal(0)) + line.amount
    return {code: amount for code, amount in budget.items() if sums.get(code, 0) > amount}


@rule("SG015", "error", COMMON, "开始日期晚于结束日期", "改正项目的开始日期或结束日期")
def reversed_period(ctx: Context) -> Iterator[Hit]:
    """开始日期 is after 结束日期."""
    for project in ctx.data.projects:
        if project.start and project.end and project.start > project.end:
            yield (
                project.cell("start_date"),
                project.project_id,
                (
                    f"开始日期 {project.start.isoformat()} 晚于结束日期 {project.end.isoformat()}：请改正"
                ),
            )


@rule(
    "SG016",
    "warning",
    COMMON,
    "工作经费或社会组织服务支出没有发票号",
    "补填发票号，或附上无法取得发票的说明",
)
def missing_invoice(ctx: Context) -> Iterator[Hit]:
    """A work or org_service expense has no 发票号."""
    for expense in ctx.data.ledger:
        if expense.category in ("work", "org_service") and not invoice_key(expense.invoice_no):
            where = expense.cell("invoice_no") if "invoice_no" in expense.cells else expense.loc
            yield (
                where,
                expense.project_id,
                f"“{EXPENSE_NAMES[expense.category]}”支出没有发票号"
                + (
                    f"（填的是“{expense.invoice_no.strip()}”）"
                    if expense.invoice_no.strip()
                    else ""
                )
                + "：请补填发票号",
            )


@rule(
    "SG025",
    "warning",
    COMMON,
    "人工认定不起作用：填写不全或有误、项目编号没有对应的申报，或已没有对应的问题（过时）",
    "按提示补全或改正这条认定；过时的认定请删除，或核对规则编号和位置",
)
def bad_decision(ctx: Context) -> Iterator[Hit]:
    """A 人工认定 row that cannot take effect: 理由, 认定人 or 认定日期 empty, 认定事项 unknown,
    内容 or 位置 unreadable, 豁免 without 规则 or with a rule id the program does not have, or
    a 项目编号 with no application; each at its cell. A decision that no longer matches
    anything (stale) is reported once the other rules have run (decisions.stale)."""
    if ctx.decision_problems is not None:  # the pipeline read the sheets once already
        yield from ctx.decision_problems
        return
    rule_ids = {item.id for item in rules_for(ctx.program)}
    _, problems = decisions.parse(ctx.data, rule_ids)
    yield from problems


@rule(
    "SG023",
    "error",
    COMMON,
    "同一张表上小写金额（数字）与大写金额不一致",
    "核对金额，把数字和大写改成同一个数",
)
def words_disagree(ctx: Context) -> Iterator[Hit]:
    """An amount given in figures and in 大写 on the same form disagree (e.g. 申请金额 and
    申请金额（大写））: which one was meant cannot be known, so the form must be corrected."""
    yield from _issues(ctx, "SG023")


@rule(
    "SG024",
    "info",
    COMMON,
    "名称不标准的工作表按表头识别为某种表读取",
    "把工作表改为标准名称（如 经费台账），以免漏读",
)
def read_by_header(ctx: Context) -> Iterator[Hit]:
    """A sheet with an unknown name (Sheet1, a misspelt 经费台帐) was read as a known kind
    because its header row holds that kind's required columns."""
    yield from _issues(ctx, "SG024")
