"""新泾 xinjing-2021: 长新府〔2021〕15号《新泾镇"美好社区公益创投"项目实施细则（试行）》 and XJ001–XJ009."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from selfgov_cli.money import fmt_yuan
from selfgov_cli.programs.base import Program, Setting, Tranche
from selfgov_cli.programs.checks import (
    SOCIAL_ORGS,
    applicant_kind,
    field_hit,
    inspection_results,
    inspections_passed,
    over_limit,
    quoted,
    text_key,
    unique_projects,
    where,
)
from selfgov_cli.rules.engine import Context, Hit, rule

ID = "xinjing-2021"


PROGRAM = Program(
    id=ID,
    family=ID,
    form_fields=("applicant_type", "fulltime_staff", "inspections"),
    name="新泾镇“美好社区公益创投”项目",
    short="新泾",
    document="长新府〔2021〕15号《新泾镇“美好社区公益创投”项目实施细则（试行）》",
    issued="2021-07-16",
    authority="镇社建办",  # 新泾 四.(一): the 镇社建办 sorts the applications
    # the document leaves budget changes to the contract: SG012 is the common rule, not 浦兴 四.4(3)
    rule_clauses={"SG012": "通用规则"},
    categories=("Xin营造", "Xin融合", "Xin治理", "Xin服务", "Xin引领"),
    # 三: each category's other name, as the table writes it (Xin营造（社区更新类）)
    category_aliases={
        "社区更新": "Xin营造",
        "文化建设": "Xin融合",
        "环境整治": "Xin治理",
        "民生保障": "Xin服务",
        "团队培育": "Xin引领",
    },
    tranches=(Tranche(Decimal("1"), "approval", "本地默认（按合同约定，文件未规定）"),),
    # 前两年年检结果 is XJ007's (young organisations are exempt), so it is not required here.
    required={
        "applicant_type": "always",
        "fulltime_staff": "org",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting(
            "max_amount",
            "amount",
            Decimal("100000.00"),
            "单个项目申请金额上限（原则上不超过 10 万元）",
            "新泾 二",
        ),
        Setting(
            "usual_amount",
            "amount",
            Decimal("50000.00"),
            "一般项目规模（5 万元左右），超过时提示",
            "新泾 二",
        ),
        Setting(
            "max_per_neighborhood",
            "int",
            1,
            "每个居民区当年度一般申报的项目数，超过时提示",
            "新泾 四.(一)",
        ),
        Setting("min_fulltime_staff", "int", 2, "申报机构最少专职工作人员数", "新泾 五.4"),
        Setting("inspection_years", "int", 2, "成立不满此年数的机构免查前两年年检", "新泾 五.6"),
        Setting(
            "garbage_keywords",
            "list",
            ("垃圾分类",),
            "Xin治理类不含垃圾分类项目：名称或简介含这些词即为错误",
            "新泾 三",
        ),
        Setting(
            "overlap_keywords",
            "list",
            ("物业", "改造工程", "基建"),
            "与物业职责、在建拟建政府投资项目重复的筛查用词（二 未列用词）",
        ),
        Setting(
            "priority_rating",
            "int",
            3,
            "规范化评估等级达到 nA 及以上时提示优先考虑",
            "新泾 五 (另外)",
        ),
    ),
)

_SOCIAL = ("社会服务机构", "社会团体")
_RATING = re.compile(r"^(\d)a")


def _rating_level(raw) -> int | None:
    """规范化评估等级 as a number of A's: 3A, AAA, 4A级, ５Ａ -> 3, 3, 4, 5."""
    key = text_key(raw)
    match = _RATING.match(key)
    if match:
        return int(match[1])
    letters = len(key) - len(key.lstrip("a"))
    return letters or None


@rule("XJ001", "error", "新泾 二", "申请金额超过 10 万元", "把申请金额压到 10 万元以内", program=ID)
def over_max(ctx: Context) -> Iterator[Hit]:
    """申请金额超过设置 max_amount（默认 100,000 元）；恰好 10 万元通过。"""
    most = ctx.setting("max_amount")
    for project in ctx.data.projects:
        if project.requested is not None and project.requested > most:
            yield (
                project.cell("requested_amount"),
                project.project_id,
                (
                    f"申请金额 {fmt_yuan(project.requested)} 元，超过单项 {fmt_yuan(most)} 元的上限：请压缩预算"
                ),
            )


@rule(
    "XJ002",
    "info",
    "新泾 二",
    "申请金额超过 5 万元（一般以 5 万元左右为主）",
    "评审时留意项目规模是否必要",
    program=ID,
)
def above_usual(ctx: Context) -> Iterator[Hit]:
    """申请金额超过一般规模 usual_amount（默认 50,000 元）。超过 10 万元的同时还有 XJ001。"""
    usual = ctx.setting("usual_amount")
    for project in ctx.data.projects:
        amount = project.requested
        if amount is not None and amount > usual:
            yield (
                project.cell("requested_amount"),
                project.project_id,
                (
                    f"申请金额 {fmt_yuan(amount)} 元，高于一般规模 {fmt_yuan(usual)} 元左右：请评审时留意规模是否必要"
                ),
            )


@rule(
    "XJ003",
    "warning",
    "新泾 四.(一)",
    "同一居民区申报了不止一个项目（一般为 1 个）",
    "与居民区确认保留哪个项目",
    program=ID,
)
def several_per_neighborhood(ctx: Context) -> Iterator[Hit]:
    """同一居民区的申报超过 max_per_neighborhood（默认 1 个）：第一个保留，之后的逐个提示。"""
    limit = ctx.setting("max_per_neighborhood")
    for project, earlier in over_limit(
        unique_projects(ctx), lambda p: text_key(p.get("neighborhood")), limit
    ):
        ids = "、".join(p.project_id or "" for p in earlier)
        yield (
            where(project, "neighborhood"),
            project.project_id,
            (
                f"居民区“{project.get('neighborhood')}”已申报 {ids}：每个居民区当年度一般只申报 {limit} 个项目，请确认"
            ),
        )


@rule(
    "XJ004",
    "error",
    "新泾 三",
    "Xin治理类项目涉及垃圾分类（该类不含垃圾分类项目）",
    "改选其他类别或调整项目内容",
    program=ID,
)
def garbage_sorting(ctx: Context) -> Iterator[Hit]:
    """Xin治理类项目的名称或简介含“垃圾分类”（设置 garbage_keywords）。"""
    for project in ctx.data.projects:
        if ctx.program.category(project.get("category")) != "Xin治理":
            continue
        hit = field_hit(project, ctx.setting("garbage_keywords"))
        if hit:
            yield (
                project.cell(hit[0]),
                project.project_id,
                (f"Xin治理类项目含{quoted(hit[1])}：Xin治理（环境整治类）不含垃圾分类项目，请调整"),
            )


@rule(
    "XJ005",
    "error",
    "新泾 五.1",
    "申报主体不是社会服务机构（民办非企业）或社会团体",
    "由登记注册的社会服务机构或社会团体承接申报",
    program=ID,
)
def applicant_not_org(ctx: Context) -> Iterator[Hit]:
    """申报主体类型不是社会服务机构（民办非企业）或社会团体。"""
    for project in ctx.data.projects:
        text = project.get("applicant_type")
        if text and applicant_kind(text) not in _SOCIAL:
            yield (
                project.cell("applicant_type"),
                project.project_id,
                (
                    f"申报主体类型为“{text}”：公益创投项目须由社会服务机构（民办非企业）或社会团体承接"
                ),
            )


@rule(
    "XJ006",
    "error",
    "新泾 五.4",
    "申报机构专职工作人员少于 2 名",
    "由有 2 名以上专职人员的机构承接",
    program=ID,
)
def too_few_staff(ctx: Context) -> Iterator[Hit]:
    """专职人员数少于设置 min_fulltime_staff（默认 2 名）。"""
    least = ctx.setting("min_fulltime_staff")
    for project in ctx.data.projects:
        staff = project.get("fulltime_staff")
        if staff is not None and staff < least:
            yield (
                project.cell("fulltime_staff"),
                project.project_id,
                (
                    f"专职人员数为 {staff} 名，少于 {least} 名：申报机构须有 {least} 名以上专职工作人员"
                ),
            )


def _young(project, years: int) -> bool:
    """Founded less than `years` years before 申报日期 (else 开始日期)."""
    founded = project.get("founded_on")
    on = project.get("submitted_on") or project.start
    if founded is None or on is None:
        return False
    try:
        anniversary = founded.replace(year=founded.year + years)
    except ValueError:  # founded on 29 February
        anniversary = date(founded.year + years, 3, 1)
    return on < anniversary


@rule(
    "XJ007",
    "error",
    "新泾 五.6",
    "前两年年检不是都“合格”（基本合格不算；成立不足两年的机构除外）",
    "由前两年年检均合格的机构承接，或补填年检结果、成立日期",
    program=ID,
)
def inspections_failed(ctx: Context) -> Iterator[Hit]:
    """社会组织申报主体的前两年年检结果不是全部“合格”（基本合格不算），或未填写；成立日期距申报日期（未填则开始日期）不足两年的机构免查。"""
    years = ctx.setting("inspection_years")
    for project in ctx.data.projects:
        if (
            "inspections" in project.bad
            or applicant_kind(project.get("applicant_type")) not in SOCIAL_ORGS
        ):
            continue
        if _young(project, years):
            continue
        text = project.get("inspections")
        if inspections_passed(text, basic_passes=False):
            continue
        if text:
            results = "、".join(inspection_results(text))
            message = f"前两年年检结果为“{results}”：须均为合格（不含基本合格），该机构不能承接"
        else:
            message = "前两年年检结果未填写：请补填；成立不足两年的机构请填写成立日期"
        yield where(project, "inspections"), project.project_id, message


@rule(
    "XJ008",
    "warning",
    "新泾 二",
    "重叠筛查：可能属于物业职责或与政府投资项目重复（需人工判断）",
    "由镇社建办人工判断是否与物业职责或政府投资项目重复",
    program=ID,
)
def overlap_screen(ctx: Context) -> Iterator[Hit]:
    """项目名称或简介含“物业”“改造工程”“基建”等用词（设置 overlap_keywords）。只提示，由人工判断。"""
    for project in ctx.data.projects:
        hit = field_hit(project, ctx.setting("overlap_keywords"))
        if hit:
            label = "项目名称" if hit[0] == "name" else "项目简介"
            yield (
                project.cell(hit[0]),
                project.project_id,
                (
                    f"{label}含{quoted(hit[1])}：可能属于小区物业等主体应承担的职责，或与在建、拟建的政府投资项目重复，"
                    "请人工判断是否支持"
                ),
            )


@rule(
    "XJ009",
    "info",
    "新泾 五 (另外)",
    "规范化评估等级 3A 及以上：优先考虑",
    "评审时按优先考虑的资质对待",
    program=ID,
)
def rated(ctx: Context) -> Iterator[Hit]:
    """规范化评估等级达到 3A 及以上（3A、AAA、4A级 都能识别）。"""
    least = ctx.setting("priority_rating")
    for project in ctx.data.projects:
        level = _rating_level(project.get("rating"))
        if level is not None and level >= least:
            yield (
                project.cell("rating"),
                project.project_id,
                (f"规范化评估等级 {level}A：达到 {least}A 及以上，属于优先考虑的资质"),
            )
