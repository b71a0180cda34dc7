"""The workbook contract (shared/spec/workbooks.md) as data: sheet names, labels, columns, types."""

from __future__ import annotations

from dataclasses import dataclass

from selfgov_cli.io.values import normalize_label


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    alias: str
    kind: str = "text"  # a parser name in values.PARSERS
    required: bool = False  # required by the contract for every program


# 申报表 labels, in contract order. Program-specific requirements live in the programs.
APPLICATION = (
    Column("project_id", "项目编号", "project_id", "id", required=True),
    Column("name", "项目名称", "name", required=True),
    Column("category", "项目类别", "category", required=True),
    Column("neighborhood", "居民区", "neighborhood", required=True),
    Column("district", "所属区县", "district"),
    Column("applicant", "申报主体", "applicant", required=True),
    Column("applicant_type", "申报主体类型", "applicant_type"),
    Column("legal_rep", "法定代表人", "legal_rep"),
    Column("partner_org", "合作社会组织", "partner_org"),
    Column("leader", "项目负责人", "leader", required=True),
    Column("leader_is_resident", "负责人是否本居民区居民", "leader_is_resident", "bool"),
    Column("phone", "联系电话", "phone"),
    Column("requested_amount", "申请金额", "requested_amount", "amount", required=True),
    Column("matching_funds", "自筹金额", "matching_funds", "amount"),
    Column("start_date", "开始日期", "start_date", "date", required=True),
    Column("end_date", "结束日期", "end_date", "date", required=True),
    Column("submitted_on", "申报日期", "submitted_on", "date"),
    Column("continuing", "是否延续项目", "continuing", "bool"),
    Column("prior_usage_rate", "上年执行率", "prior_usage_rate", "rate"),
    Column("prior_top10_rank", "上年十佳排名", "prior_top10_rank", "place"),
    Column("new_team", "是否培育新团队", "new_team", "bool"),
    Column("residents_consulted", "征询居民人数", "residents_consulted", "int"),
    Column("hearing_date", "听证会日期", "hearing_date", "date"),
    Column("beneficiaries", "受益人数", "beneficiaries", "int"),
    Column("summary", "项目简介", "summary"),
    Column("fulltime_staff", "专职人员数", "fulltime_staff", "int"),
    Column("inspections", "前两年年检结果", "inspections"),
    Column("founded_on", "成立日期", "founded_on", "date"),
    Column("rating", "规范化评估等级", "rating"),
    Column("party_org", "是否建立党组织", "party_org", "bool"),
    Column("bank_account", "是否有独立银行账户", "bank_account", "bool"),
    Column("cluster_size", "片区村社区数", "cluster_size", "int"),
    Column("cluster_covered", "覆盖村社区数", "cluster_covered", "int"),
    Column("intent", "意向", "intent"),
    Column("level", "申报层级", "level"),
)

BUDGET = (
    Column("project_id", "项目编号", "project_id", "id"),
    Column("category", "支出类别", "category", required=True),
    Column("item", "明细", "item", required=True),
    Column("unit_price", "单价", "unit_price", "amount"),
    Column("quantity", "数量", "quantity", "number"),
    Column("amount", "金额", "amount", "amount", required=True),
    Column("note", "备注", "note"),
)

MEMBERS = (
    Column("name", "姓名", "name", required=True),
    Column("role", "角色", "role", required=True),
    Column("is_resident", "是否居民", "is_resident", "bool", required=True),
    Column("is_social_worker", "是否社工", "is_social_worker", "bool", required=True),
    Column("project_id", "项目编号", "project_id", "id"),
)

LEDGER = (
    Column("date", "日期", "date", "date", required=True),
    Column("project_id", "项目编号", "project_id", "id", required=True),
    Column("category", "支出类别", "category", required=True),
    Column("description", "摘要", "description", required=True),
    Column("amount", "金额", "amount", "amount", required=True),
    Column("invoice_no", "发票号", "invoice_no"),
    Column("payee", "收款方", "payee", required=True),
    Column("payee_role", "收款方身份", "payee_role"),
    Column("leader_signed", "负责人签字", "leader_signed", "bool"),
    Column("remark", "备注", "remark"),
)

SCORES = (
    Column("project_id", "项目编号", "project_id", "id", required=True),
    Column("reviewer", "评审人", "reviewer", required=True),
    Column("total", "总分", "total", "number"),
    Column("group", "评审组", "group"),
    Column("round", "轮次", "round"),
    Column("note", "备注", "note"),
)

EVALUATIONS = (
    Column("project_id", "项目编号", "project_id", "id", required=True),
    Column("midterm", "中期评估", "midterm"),
    Column("midterm_date", "中期评估日期", "midterm_date", "date"),
    Column("final", "末期评估", "final"),
    Column("approved_amount", "核定金额", "approved_amount", "amount"),
    Column("approved_on", "立项日期", "approved_on", "date"),
    Column("satisfaction", "居民满意度", "satisfaction", "rate"),
)

# 人工认定: every cell is checked by selfgov_cli/decisions.py (SG025), so the reader only needs
# the required *columns*; an empty cell in a required column is a malformed decision, not SG002.
DECISIONS = (
    Column("project_id", "项目编号", "project_id", "id", required=True),
    Column("kind", "认定事项", "kind", required=True),
    Column("rule", "规则", "rule"),
    Column("where", "位置", "where"),
    Column("value", "内容", "value"),
    Column("reason", "理由", "reason", required=True),
    Column("by", "认定人", "by", required=True),
    Column("on", "认定日期", "on", "date", required=True),
    Column("document", "依据文件", "document"),
)


@dataclass(frozen=True, slots=True)
class SheetKind:
    kind: str  # application, projects, budget, members, ledger, scores, evaluations, decisions
    name: str
    alias: str
    columns: tuple[Column, ...]


SHEET_KINDS = (
    SheetKind("application", "申报表", "application", APPLICATION),
    SheetKind("projects", "项目汇总", "projects", APPLICATION),
    SheetKind("budget", "预算明细", "budget", BUDGET),
    SheetKind("members", "项目成员", "members", MEMBERS),
    SheetKind("ledger", "经费台账", "ledger", LEDGER),
    SheetKind("scores", "评审打分", "scores", SCORES),
    SheetKind("evaluations", "评估结果", "evaluations", EVALUATIONS),
    SheetKind("decisions", "人工认定", "decisions", DECISIONS),
)

_KIND_BY_NAME = {}
for _sk in SHEET_KINDS:
    _KIND_BY_NAME[normalize_label(_sk.name)] = _sk
    _KIND_BY_NAME[normalize_label(_sk.alias)] = _sk


def sheet_kind(sheet_name: str) -> SheetKind | None:
    """The kind a sheet name stands for, matched on the trimmed name or its English alias."""
    return _KIND_BY_NAME.get(normalize_label(sheet_name))


def label_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Normalised label and alias -> column."""
    out: dict[str, Column] = {}
    for column in columns:
        out[normalize_label(column.label)] = column
        out[normalize_label(column.alias)] = column
    return out


APPLICATION_LABELS = label_index(APPLICATION)

# Expense categories: canonical code, Chinese name, extra names a clerk writes.
EXPENSE_CATEGORIES = {
    "work": (
        "工作经费",
        (
            "办公",
            "宣传",
            "活动物资",
            "会务",
            "师资",
            "办公费",
            "宣传费",
            "活动物资费",
            "会务费",
            "师资费",
        ),
    ),
    "org_service": ("社会组织服务", ("社会组织服务费",)),
    "volunteer": ("志愿者补贴", ("志愿者慰问", "志愿者补贴（慰问）", "志愿者补贴(慰问)")),
    "management": ("管理费", ()),
    "award": ("表彰奖励", ("表彰奖励费",)),
}
EXPENSE_NAMES = {code: name for code, (name, _) in EXPENSE_CATEGORIES.items()}
_EXPENSE_LOOKUP: dict[str, str] = {}
for _code, (_name, _extra) in EXPENSE_CATEGORIES.items():
    for _text in (_code, _name, *_extra):
        _EXPENSE_LOOKUP[normalize_label(_text)] = _code


def expense_code(text: str | None) -> str | None:
    """Canonical code for an expense category text, or None when it is not one we know."""
    if not text:
        return None
    key = normalize_label(text)
    if key in _EXPENSE_LOOKUP:
        return _EXPENSE_LOOKUP[key]
    # 工作经费（办公、宣传…） and similar: the part before a bracket
    head = key.split("(")[0]
    return _EXPENSE_LOOKUP.get(head)


TOTAL_ROW_WORDS = ("合计", "总计")
ROLES = ("负责人", "成员", "社工联络员")
