"""共和新路 gonghexinlu-2023: 《共和新路街道关于进一步支持居民区开展自治项目化工作的实施方案(试行)》
and GH001–GH004."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from selfgov_cli.money import fmt_yuan
from selfgov_cli.programs.base import Policy, Program, Setting, Tranche
from selfgov_cli.programs.checks import over_limit, text_key, unique_projects, where
from selfgov_cli.rules.engine import Context, Hit, rule

ID = "gonghexinlu-2023"
BRAND, MICRO = "一居一品", "七彩微创投"


class GonghePolicy(Policy):
    """共和新路 七: the pool first tops up 一居一品 projects over their 居民区's 居民自治 allowance
    (“超出部分从…‘资金池’予以补充”), then funds 七彩微创投 in rank order."""

    pool_clause = "共和新路 七"
    pool_categories = (MICRO,)

    def pool_topups(
        self, projects: Any, approved: Any, setting: Any
    ) -> list[tuple[str, Decimal, str]]:
        allowance = setting("neighborhood_allowance")
        if allowance is None:
            return []
        out = []
        for pid in sorted(projects):
            project = projects[pid]
            if PROGRAM.category(project.get("category")) != BRAND:
                continue
            hood = (project.get("neighborhood") or "").strip()
            limit = allowance.get(hood) if isinstance(allowance, dict) else allowance
            amount = approved[pid].amount if pid in approved else None
            if limit is None or amount is None or amount <= limit:
                continue
            over = amount - limit
            out.append(
                (
                    pid,
                    over,
                    f"一居一品项目 {pid} 核定 {fmt_yuan(amount)} 元，超出{hood or '居民区'}居民自治金 "
                    f"{fmt_yuan(limit)} 元的 {fmt_yuan(over)} 元由资金池补充（{self.pool_clause}）",
                )
            )
        return out

    def pool_note(self, project: Any, setting: Any) -> str:
        """A 一居一品 whose 居民区 the allowance table does not name: its overrun cannot be known."""
        allowance = setting("neighborhood_allowance")
        hood = (project.get("neighborhood") or "").strip()
        if (
            not isinstance(allowance, dict)
            or PROGRAM.category(project.get("category")) != BRAND
            or hood in allowance
        ):
            return ""
        return (
            f"sgov.toml 的 neighborhood_allowance 中没有“{hood}”：不知道该居民区的居民自治金，"
            f"一居一品超出部分无法从资金池补充，请补上（{self.pool_clause}）"
        )


PROGRAM = Program(
    id=ID,
    family=ID,
    policy=GonghePolicy(),
    form_fields=("intent",),
    name="共和新路街道居民区自治项目",
    short="共和新路",
    document="《共和新路街道关于进一步支持居民区开展自治项目化工作的实施方案(试行)》",
    issued="2023-03-06",
    # 五.(二)1: each month's claims are checked against the budget (确认是否符合预算)
    rule_clauses={"SG012": "共和新路 五.(二)1"},
    categories=(BRAND, MICRO),
    intents={
        BRAND: (
            "搭建一个社区自治载体",
            "挖掘一批社区自治骨干",
            "办理一件社区民生实事",
            "形成一个社区自治公约",
            "开发一件社区自治工具",
        ),
        MICRO: (
            "公共空间营造",
            "睦邻友好建设",
            "青年社区参与",
            "社区组织培育",
            "社区关爱服务",
            "活力街区营造",
            "其他社区议题",
        ),
    },
    intent_aliases={"公共空间打造": "公共空间营造"},
    tranches=(
        Tranche(Decimal("1"), "approval", "本地默认（五.(二)1 按月审核划拨，文件未规定分期）"),
    ),
    required={"intent": "always", "prior_usage_rate": "continuing"},
    settings=(
        Setting(
            "micro_cap",
            "amount",
            Decimal("5000.00"),
            "七彩微创投单个项目一次申请资金上限",
            "共和新路 七",
        ),
        Setting(
            "pool",
            "amount",
            Decimal("200000.00"),
            "自治项目“资金池”年度总额（七彩微创投按排名从中资助）",
            "共和新路 七",
        ),
        Setting(
            "pool_categories",
            "list",
            (MICRO,),
            "由“资金池”统筹资助、参与资金线的项目类别",
            "共和新路 七",
        ),
        Setting("micro_max_years", "int", 1, "七彩微创投项目周期上限（年）", "共和新路 四.(二)"),
        Setting(
            "neighborhood_allowance",
            "allowance",
            None,
            "各居民区的居民自治金（一个金额，或 居民区 = 金额 的表）：一居一品超出部分先由资金池补充",
            "共和新路 七",
        ),
        Setting(
            "brand_per_neighborhood",
            "int",
            1,
            "每个居民区打造的一居一品项目数，超过时提示",
            "共和新路 四.(一)",
        ),
    ),
)


def _is(ctx: Context, project, category: str) -> bool:
    return ctx.program.category(project.get("category")) == category


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return date(day.year + years, 3, 1)


@rule(
    "GH001",
    "error",
    "共和新路 七",
    "七彩微创投项目申请金额超过 5000 元",
    "把申请金额压到 5000 元以内",
    program=ID,
)
def micro_over_cap(ctx: Context) -> Iterator[Hit]:
    """七彩微创投项目申请金额超过设置 micro_cap（默认 5,000 元）；恰好 5000 元通过。"""
    cap = ctx.setting("micro_cap")
    for project in ctx.data.projects:
        if _is(ctx, project, MICRO) and project.requested is not None and project.requested > cap:
            yield (
                project.cell("requested_amount"),
                project.project_id,
                (
                    f"七彩微创投项目申请金额 {fmt_yuan(project.requested)} 元，超过单个项目 {fmt_yuan(cap)} 元的上限：请压缩预算"
                ),
            )


@rule(
    "GH002",
    "error",
    "共和新路 四",
    "意向不属于该项目类别（一居一品五种意向，七彩微创投七种意向）",
    "按项目类别重新选择意向，或改选类别",
    program=ID,
)
def intent_of_other_category(ctx: Context) -> Iterator[Hit]:
    """意向属于另一个类别（例如七彩微创投项目选了一居一品的意向）；可填多个意向（以、，,；/ 分隔，四.(一)“一个或多个方向”），逐个检查；不属于任何类别的意向由 SG007 报告。"""
    program = ctx.program
    for project in ctx.data.projects:
        category = program.category(project.get("category"))
        if not category:
            continue
        for text in program.intent_list(project.get("intent")):
            intent = program.intent_name(text)
            if intent is None or program.intent(category, intent):
                continue
            owner = next(c for c, names in program.intents.items() if intent in names)
            yield (
                project.cell("intent"),
                project.project_id,
                (f"意向“{intent}”属于{owner}，不是{category}的意向：请重新选择意向或改选类别"),
            )


@rule(
    "GH003",
    "error",
    "共和新路 四.(二)",
    "七彩微创投项目周期超过一年",
    "把项目周期缩短到一年以内（效果好的可来年重复申报）",
    program=ID,
)
def micro_too_long(ctx: Context) -> Iterator[Hit]:
    """七彩微创投项目的结束日期在开始日期满一年之日或之后（例如 2023-04-01 开始，最迟 2024-03-31 结束）。"""
    years = ctx.setting("micro_max_years")
    for project in ctx.data.projects:
        start, end = project.start, project.end
        if not _is(ctx, project, MICRO) or start is None or end is None:
            continue
        last = _years_later(start, years) - timedelta(days=1)
        if end > last:
            yield (
                project.cell("end_date"),
                project.project_id,
                (
                    f"项目周期 {start.isoformat()} 至 {end.isoformat()} 超过 {years} 年（最迟应在 {last.isoformat()} 结束）："
                    "微自治项目周期一般不超过一年"
                ),
            )


@rule(
    "GH004",
    "warning",
    "共和新路 四.(一)",
    "同一居民区有不止一个一居一品项目",
    "与居民区确认保留哪个一居一品项目",
    program=ID,
)
def several_brands(ctx: Context) -> Iterator[Hit]:
    """同一居民区的一居一品项目超过 1 个（设置 brand_per_neighborhood）：第一个保留，之后的提示。"""
    limit = ctx.setting("brand_per_neighborhood")
    brands = [p for p in unique_projects(ctx) if _is(ctx, p, BRAND)]
    for project, earlier in over_limit(brands, lambda p: text_key(p.get("neighborhood")), limit):
        ids = "、".join(p.project_id or "" for p in earlier)
        yield (
            where(project, "neighborhood"),
            project.project_id,
            (
                f"居民区“{project.get('neighborhood')}”已有一居一品项目 {ids}：每个居民区打造 {limit} 个一居一品项目，请确认"
            ),
        )
