"""成都 chengdu-2023: 《2023年成都市城乡社区居民自治组织民生微项目实施方案》 and CD001–CD010."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from selfgov_cli.money import FEN, fmt_pct, fmt_yuan
from selfgov_cli.programs.base import Policy, Program, Setting, Tranche
from selfgov_cli.programs.checks import (
    SOCIAL_ORGS,
    applicant_kind,
    inspection_results,
    inspections_passed,
    over_limit,
    text_key,
    unique_projects,
    where,
)
from selfgov_cli.rules.engine import Context, Hit, rule

ID = "chengdu-2023"


class ChengduPolicy(Policy):
    """成都 四.(二): district quotas for A and B projects; C and 市本级 B go to the 项目办 (四.(二)2)."""

    quota_clause = "成都 四.(二)1、3"

    def district(self, text: Any) -> str:
        """成都's 区(市)县 however a form writes it: 锦江, 成都市锦江区, 锦 江 区 and 锦江区 are one
        district with one quota; a former name (郫县) is today's district. Other text stays as typed."""
        name = _SPACES.sub("", unicodedata.normalize("NFKC", str(text or "")))
        for candidate in (
            name,
            *(name.removeprefix(p) for p in ("四川省成都市", "成都市", "成都")),
        ):
            if candidate in _FORMER_DISTRICTS:
                return _FORMER_DISTRICTS[candidate]
            if candidate in _DISTRICTS:
                return candidate
            if candidate in _BARE_DISTRICTS:
                return _BARE_DISTRICTS[candidate]
        return name

    def uses_quota(self, project: Any, program: Program) -> bool:
        kind = _class_of(program, project)
        if kind is None or kind.startswith("C"):
            return False
        return not (kind.startswith("B") and _city_level(project))

    def quota_words(self, project: Any, program: Program) -> str:
        kind = _class_of(program, project) or "未识别"
        return f"{kind} 类{'市本级' if _city_level(project) else ''}项目由项目办评审，不占区县初审名额（成都 四.(二)2）"


# 成都's 区(市)县 and functional zones (the districts of 附件1-1 among them)
_DISTRICTS = (
    "锦江区",
    "青羊区",
    "金牛区",
    "武侯区",
    "成华区",
    "龙泉驿区",
    "青白江区",
    "新都区",
    "温江区",
    "双流区",
    "郫都区",
    "新津区",
    "简阳市",
    "都江堰市",
    "彭州市",
    "邛崃市",
    "崇州市",
    "金堂县",
    "大邑县",
    "蒲江县",
    "高新区",
    "天府新区",
    "东部新区",
)
_BARE_DISTRICTS = {name[:-1]: name for name in _DISTRICTS}
_FORMER_DISTRICTS = {"郫县": "郫都区", "双流县": "双流区", "新津县": "新津区"}
_SPACES = re.compile(r"\s+")


def _city_level(project: Any) -> bool:
    """申报层级 says 市本级 (also 市本级项目, spaced out or padded); with 申报层级 left empty, 所属区县
    written 市本级 says it (no district of that name has places of its own)."""
    level = text_key(project.get("level"))
    return "市本级" in (level or text_key(project.get("district")))


def _class_of(program: Program, project: Any) -> str | None:
    return program.category(project.get("category"))


PROGRAM = Program(
    id=ID,
    family=ID,
    policy=ChengduPolicy(),
    form_fields=(
        "district",
        "applicant_type",
        "legal_rep",
        "matching_funds",
        "inspections",
        "party_org",
        "bank_account",
        "cluster_size",
        "cluster_covered",
        "level",
    ),
    criteria=("必要性", "可行性", "科学性", "创新性", "参与性", "实效性"),
    name="2023年成都市城乡社区居民自治组织民生微项目",
    short="成都",
    document="《2023年成都市城乡社区居民自治组织民生微项目实施方案》",
    issued="2023",
    authority="区（市）县民政部门",  # 成都 三.(五): agreements with the district office
    # SG012 (spending outside the budget) is the common rule here, not 浦兴 四.4(3)
    rule_clauses={"SG012": "通用规则"},
    categories=("A", "B1", "B2", "B3", "C"),
    # 一: the classes by what the document calls them (rules.md: A 参与能力提升 …), for residents
    category_labels={
        "A": "A（参与能力提升）",
        "B1": "B1（基层民主政治建设）",
        "B2": "B2（三级民主协商机制）",
        "B3": "B3（试点奖补）",
        "C": "C（提升推广）",
    },
    tranches=(
        Tranche(Decimal("0.50"), "approval", "成都 四.(六)"),
        Tranche(Decimal("0.30"), "midterm", "成都 四.(六)"),
        Tranche(Decimal("0.20"), "final", "成都 四.(六)"),
    ),
    # 年检、银行账户、党组织 are CD009's (social organisations only), so they are not required here.
    required={
        "district": "always",
        "applicant_type": "always",
        "legal_rep": "org",
        "matching_funds": "class_ab",
        "cluster_size": "class_a",
        "cluster_covered": "class_a",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting(
            "class_caps",
            "map",
            {"A": 250000, "B1": 250000, "B2": 300000, "C": 150000},
            "各类项目资金上限（元）",
            "成都 一",
        ),
        Setting(
            "closed_categories",
            "list",
            ("B3",),
            "本次不接受申报的类别（B3 试点奖补）",
            "成都 一.(二)3",
        ),
        Setting(
            "matching_ratio",
            "rate",
            Decimal("0.10"),
            "A、B 类项目自筹资金占申请金额的最低比例",
            "成都 三.(四)",
        ),
        Setting(
            "max_per_legal_rep",
            "int",
            2,
            "同一类别中法定代表人为同一人的机构最多申报项目数",
            "成都 三.(六)",
        ),
        Setting(
            "max_per_partner",
            "int",
            2,
            "一个村（社区）与同一社会组织联合申报的最多项目数",
            "成都 三.(一)",
        ),
        Setting(
            "deadline", "date", date(2023, 6, 12), "申报截止日期（当天申报有效）", "成都 四.(一)"
        ),
        Setting("quota_per_district", "int", 2, "每个区(市)县初审通过的基础名额", "成都 四.(二)1"),
        Setting(
            "excellent_cases",
            "map",
            {
                "大邑县": 1,
                "成华区": 1,
                "金牛区": 4,
                "青羊区": 2,
                "郫都区": 2,
                "都江堰市": 2,
                "锦江区": 1,
                "龙泉驿区": 1,
                "青白江区": 1,
                "温江区": 1,
                "双流区": 1,
                "新津区": 1,
                "蒲江县": 1,
            },
            "前两个年度的优秀案例数：每个案例为所属区(市)县增加一个初审名额",
            "成都 附件1-1",
        ),
    ),
)

_ALLOWED = {
    "A": ("居委会", "村委会"),
    "B": SOCIAL_ORGS,
    "C": ("高等院校", "党校", "科研院所", *SOCIAL_ORGS),
}
_ALLOWED_WORDS = {
    "A": "村委会、居委会",
    "B": "社会组织（社会服务机构、社会团体、基金会）",
    "C": "高等院校、党校（行政学院）、科研院所或社会组织",
}
# 片区村社区数 -> least covered share (三.(一)); larger clusters have no rule.
_COVERAGE = ((7, Decimal("0.5")), (10, Decimal("0.4")), (15, Decimal("0.3")))


def _family(ctx: Context, project) -> str | None:
    """The 申报类别 of 三.(六): A, B or C (B1, B2, B3 are all B)."""
    kind = _class(ctx, project)
    return kind[0] if kind else None


def _class(ctx: Context, project) -> str | None:
    return ctx.program.category(project.get("category"))


@rule(
    "CD001",
    "error",
    "成都 一",
    "申请金额超过该类项目的资金上限（A 25 万，B1 25 万，B2 30 万，C 15 万）",
    "把申请金额压到该类上限以内",
    program=ID,
)
def over_class_cap(ctx: Context) -> Iterator[Hit]:
    """申请金额超过该类上限（设置 class_caps：A 25 万，B1 25 万，B2 30 万，C 15 万）；恰好等于上限通过。"""
    caps = ctx.setting("class_caps")
    for project in ctx.data.projects:
        cls, amount = _class(ctx, project), project.requested
        if cls in caps and amount is not None and amount > caps[cls]:
            yield (
                project.cell("requested_amount"),
                project.project_id,
                (
                    f"{cls} 类项目申请金额 {fmt_yuan(amount)} 元，超过该类 {fmt_yuan(Decimal(caps[cls]))} 元的上限：请压缩预算"
                ),
            )


@rule(
    "CD002",
    "error",
    "成都 一.(二)3",
    "B3 类（试点奖补）不作为本次申报项目",
    "改报其他类别，B3 奖补另行验收发放",
    program=ID,
)
def closed_class(ctx: Context) -> Iterator[Hit]:
    """项目类别是本次不接受申报的类别（设置 closed_categories，默认 B3）。"""
    closed = {text_key(c) for c in ctx.setting("closed_categories")}
    for project in ctx.data.projects:
        cls = _class(ctx, project)
        if cls and text_key(cls) in closed:
            yield (
                project.cell("category"),
                project.project_id,
                f"{cls} 类项目不作为本次申报项目：请改报其他类别",
            )


@rule(
    "CD003",
    "error",
    "成都 三.(四)",
    "A、B 类项目自筹资金少于申请金额的 10%",
    "把自筹配套资金提高到申请金额的 10% 以上",
    program=ID,
)
def too_little_matching(ctx: Context) -> Iterator[Hit]:
    """A、B 类项目自筹金额少于申请金额的 10%（设置 matching_ratio）；恰好 10% 通过。"""
    ratio = ctx.setting("matching_ratio")
    for project in ctx.data.projects:
        cls, amount, own = _class(ctx, project), project.requested, project.get("matching_funds")
        if not cls or cls[0] not in "AB" or amount is None or own is None:
            continue
        least = (ratio * amount).quantize(FEN, ROUND_CEILING)  # the least amount in fen that passes
        if own < least:
            yield (
                project.cell("matching_funds"),
                project.project_id,
                (
                    f"自筹金额 {fmt_yuan(own)} 元，少于申请金额 {fmt_yuan(amount)} 元的 {fmt_pct(ratio)}"
                    f"（{fmt_yuan(least)} 元）：请补足配套资金"
                ),
            )


@rule(
    "CD004",
    "error",
    "成都 二.(一), 三.(一)–(三)",
    "申报主体类型不符合该类项目的要求",
    "A 类由村（居）委会牵头，B 类由社会组织，C 类由高等院校、党校、科研院所或社会组织申报",
    program=ID,
)
def wrong_applicant(ctx: Context) -> Iterator[Hit]:
    """申报主体类型与类别不符：A 类为村委会、居委会；B 类为社会组织；C 类为高等院校、党校、科研院所或社会组织。"""
    for project in ctx.data.projects:
        cls, text = _class(ctx, project), project.get("applicant_type")
        if not cls or not text or "applicant_type" in project.bad:
            continue
        group = cls[0]
        if applicant_kind(text) not in _ALLOWED[group]:
            yield (
                project.cell("applicant_type"),
                project.project_id,
                (f"{cls} 类项目的申报主体类型为“{text}”：该类应由{_ALLOWED_WORDS[group]}申报"),
            )


@rule(
    "CD005",
    "error",
    "成都 三.(六)",
    "同一类别中法定代表人为同一人的机构申报超过 2 个项目",
    "与申报机构确认保留哪 2 个项目，其余撤回",
    program=ID,
)
def same_legal_rep(ctx: Context) -> Iterator[Hit]:
    """同一申报类别（A、B、C；B1 与 B2 同属 B 类）中法定代表人相同的申报超过 2 个：前两个保留，之后的逐个报告（标在法定代表人单元格）。"""
    limit = ctx.setting("max_per_legal_rep")

    def group(project):
        rep = text_key(project.get("legal_rep"))
        kind = _family(ctx, project)
        return (kind, rep) if rep and kind else None

    for project, earlier in over_limit(unique_projects(ctx), group, limit):
        ids = "、".join(p.project_id or "" for p in earlier)
        yield (
            project.cell("legal_rep"),
            project.project_id,
            (
                f"法定代表人“{project.get('legal_rep')}”的机构在 {_family(ctx, project)} 类已申报 {ids}：同一申报类别中最多 {limit} 个，"
                "请撤回多出的项目"
            ),
        )


@rule(
    "CD006",
    "error",
    "成都 三.(一)",
    "一个村（社区）与同一社会组织联合申报超过 2 个项目",
    "与村（社区）确认保留哪 2 个项目",
    program=ID,
)
def same_partner(ctx: Context) -> Iterator[Hit]:
    """同一居民区（村、社区）与同一合作社会组织联合申报超过 2 个：前两个保留，之后的逐个报告。"""
    limit = ctx.setting("max_per_partner")

    def group(project):
        partner = text_key(project.get("partner_org"))
        return (text_key(project.get("neighborhood")), partner) if partner else None

    for project, earlier in over_limit(unique_projects(ctx), group, limit):
        ids = "、".join(p.project_id or "" for p in earlier)
        yield (
            project.cell("partner_org"),
            project.project_id,
            (
                f"“{project.get('neighborhood')}”已与“{project.get('partner_org')}”联合申报 {ids}："
                f"与同一社会组织联合申报不超过 {limit} 个，请撤回多出的项目"
            ),
        )


@rule(
    "CD007",
    "error",
    "成都 三.(一)",
    "A 类项目覆盖片区村（社区）比例不足（≤7 个需 50%，8–10 个需 40%，11–15 个需 30%）",
    "扩大项目覆盖的村（社区）范围",
    program=ID,
)
def low_coverage(ctx: Context) -> Iterator[Hit]:
    """A 类项目覆盖村（社区）比例不足：片区 7 个及以下需 50% 以上，8–10 个需 40% 以上，11–15 个需 30% 以上（“以上”含本数）；15 个以上的片区不检查。"""
    for project in ctx.data.projects:
        size, covered = project.get("cluster_size"), project.get("cluster_covered")
        if _class(ctx, project) != "A" or size is None or covered is None or size <= 0:
            continue
        need = next((share for most, share in _COVERAGE if size <= most), None)
        if need is not None and covered < need * size:
            yield (
                project.cell("cluster_covered"),
                project.project_id,
                (
                    f"片区有 {size} 个村（社区），项目覆盖 {covered} 个，不足 {fmt_pct(need)}：请扩大覆盖范围"
                ),
            )


@rule(
    "CD008",
    "error",
    "成都 三.(七)",
    "同一项目多头申报（项目名称与申报主体相同、项目编号不同）",
    "撤回重复的申报",
    program=ID,
)
def duplicate_submission(ctx: Context) -> Iterator[Hit]:
    """项目名称与申报主体都相同（忽略空格、引号和标点）而项目编号不同：第一个保留，之后的报告。"""

    def group(project):
        name, applicant = text_key(project.get("name")), text_key(project.get("applicant"))
        return (name, applicant) if name and applicant else None

    for project, earlier in over_limit(unique_projects(ctx), group, 1):
        yield (
            project.cell("name"),
            project.project_id,
            (
                f"与 {earlier[0].project_id} 是同一申报主体的同一项目（{earlier[0].loc.file}）：严禁多头申报，请撤回重复的申报"
            ),
        )


@rule(
    "CD009",
    "error",
    "成都 二.(二)2",
    "社会组织申报主体没有合格的年检、独立银行账户或党组织",
    "由年检合格、有独立银行账户并建立党组织的社会组织申报，或补填这些信息",
    program=ID,
)
def org_conditions(ctx: Context) -> Iterator[Hit]:
    """社会组织申报主体年检不合格或未填写（基本合格算通过），没有独立银行账户，或没有建立党组织（为否或未填写）。"""
    for project in ctx.data.projects:
        if applicant_kind(project.get("applicant_type")) not in SOCIAL_ORGS:
            continue
        pid = project.project_id
        text = project.get("inspections")
        if "inspections" not in project.bad and not inspections_passed(text, basic_passes=True):
            what = f"为“{'、'.join(inspection_results(text))}”" if text else "未填写"
            yield (
                where(project, "inspections"),
                pid,
                f"年检结果{what}：社会组织须按时参加年度检查并合格",
            )
        for key, label in (("bank_account", "独立银行账户"), ("party_org", "党组织")):
            value = project.get(key)
            if value is True or key in project.bad:
                continue
            what = "为“否”" if value is False else "未填写"
            yield where(project, key), pid, f"是否有{label}{what}：社会组织须有{label}才能申报"


@rule(
    "CD010",
    "error",
    "成都 四.(一)",
    "申报日期晚于截止日期（逾期不再受理）",
    "逾期申报不予受理",
    program=ID,
)
def late(ctx: Context) -> Iterator[Hit]:
    """申报日期晚于截止日期（设置 deadline，默认 2023-06-12，当天申报有效）。"""
    deadline = ctx.setting("deadline")
    for project in ctx.data.projects:
        day = project.get("submitted_on")
        if day is not None and day > deadline:
            yield (
                project.cell("submitted_on"),
                project.project_id,
                (f"申报日期 {day.isoformat()} 晚于截止日期 {deadline.isoformat()}：逾期不再受理"),
            )
