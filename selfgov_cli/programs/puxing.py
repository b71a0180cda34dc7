"""浦兴 puxing-2023: 浦浦办〔2023〕4号《2023年浦兴路街道"自治金"项目实施方案》 and its rules PX001–PX015."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from selfgov_cli.model import Location, Project
from selfgov_cli.money import fmt_pct, fmt_points, fmt_yuan
from selfgov_cli.programs.base import Policy, Program, Setting, Tranche
from selfgov_cli.programs.checks import (
    budget_share_hits,
    field_hit,
    found_words,
    quoted,
    spending_share_hits,
    text_key,
    where,
)
from selfgov_cli.rules.engine import Context, Hit, rule

ID = "puxing-2023"
# 四.4(4) 不得在经费中列支居委会办公费、招待费以及社工补贴、奖金、加班等费用. Matched on the text
# without spaces or punctuation; a gap of up to 8 characters (居委会日常办公费, 社工年终奖金).
FORBIDDEN_PATTERNS = (
    "居委会?.{0,8}办公费",
    "招待",
    "社工.{0,8}(补贴|补助|奖金|奖励|加班)",
    "加班费",
)


class PuxingPolicy(Policy):
    """浦兴 三.3 (review-stage points), 三.6 (十佳 at the year-end 评选; last year's 十佳 skip review).

    Without history the application's claims (上年十佳排名, 是否延续项目, 上年执行率) are taken as
    written; with history (sgov.toml `history`) the recorded final rank and 执行率 are used instead
    (SG026 reports a claim that contradicts them)."""

    adjust_clause = "浦兴 三.3"
    top_clause = "浦兴 三.6"
    green_channel_clause = "浦兴 三.6"

    def green_channel(self, project: Any, history: Any = None) -> str:
        rank, source = prior_rank(project, history)
        if rank is not None and 1 <= rank <= 10:
            return f"上年十佳第 {rank} 名{source}，绿色通道免审（{self.green_channel_clause}）"
        return ""

    def adjustments(
        self, project: Any, setting: Any, history: Any = None
    ) -> list[tuple[Decimal, str]]:
        out = []
        continuing, rate, source = prior_rate(project, history)
        threshold = setting("usage_threshold")
        if continuing and rate is not None and rate < threshold:
            points = -abs(Decimal(setting("usage_penalty")))
            out.append(
                (
                    points,
                    f"延续项目上年执行率 {fmt_pct(rate)} 低于 {fmt_pct(threshold)}，"
                    f"扣 {fmt_points(-points)} 分{source}",
                )
            )
        if project.get("new_team") is True:
            points = abs(Decimal(setting("new_team_bonus")))
            out.append((points, f"培育新团队（1+N+X），加 {fmt_points(points)} 分"))
        return out

    def prior_facts(self, project: Any, history: Any = None) -> list[tuple[str, str, str]]:
        rank, rank_source = prior_rank(project, history)
        continuing, rate, rate_source = prior_rate(project, history)
        return [
            ("上年十佳排名", f"第 {rank} 名" if rank is not None else "非十佳", _from(rank_source)),
            (
                "是否延续项目",
                "是" if continuing else "否",
                _from(_continuing_source(project, history)),
            ),
            ("上年执行率", fmt_pct(rate) if rate is not None else "—", _from(rate_source)),
        ]


def prior_rank(project: Any, history: Any) -> tuple[int | None, str]:
    """Last year's 十佳 place (None: not 十佳) and, with history, where it came from ('' for the
    application's claim). With history the record decides; a record without a year-end ranking
    cannot, and the claim stands (SG026 warns)."""
    claimed = project.get("prior_top10_rank")
    claimed = claimed if isinstance(claimed, int) and 1 <= claimed <= 10 else None
    if history is None:
        return claimed, ""
    prior = history.prior(project)
    if prior is None:
        return None, f"（据 {history.label}：上年没有该项目）"
    if not prior.ranked:
        return claimed, f"（{history.year} 年记录没有年终排名，按申报表）"
    rank = prior.record.place if prior.record.top10 else None
    return rank, f"（据 {prior.where()}）"


def prior_rate(project: Any, history: Any) -> tuple[bool, Decimal | None, str]:
    """(continuing, last year's 执行率, where it came from — '' for the application's claim)."""
    claimed = project.get("prior_usage_rate")
    if history is None:
        return project.get("continuing") is True, claimed, ""
    prior = history.prior(project)
    if prior is None:
        return False, None, f"（据 {history.label}：上年没有该项目）"
    if prior.record.execution_rate is None:
        return True, claimed, f"（{history.year} 年记录没有执行率，按申报表）"
    return True, prior.record.execution_rate, f"（据 {prior.where()}）"


def _continuing_source(project: Any, history: Any) -> str:
    if history is None:
        return ""
    prior = history.prior(project)
    if prior is None:
        return f"（据 {history.label}：上年没有该项目）"
    return f"（据 {prior.where()}）"


def _from(source: str) -> str:
    """Where a value came from, for explain: the record, or the application (and why)."""
    inner = source.strip("（）")
    if not inner:
        return "申报表"
    if inner.endswith("，按申报表"):
        return f"申报表（{inner.removesuffix('，按申报表')}）"
    return inner.removeprefix("据 ")


PROGRAM = Program(
    id=ID,
    family=ID,
    policy=PuxingPolicy(),
    form_fields=("leader_is_resident", "residents_consulted", "hearing_date"),
    rule_required=("hearing_date",),
    ledger_fields=("leader_signed",),
    name="2023年浦兴路街道“自治金”项目",
    short="浦兴",
    document="浦浦办〔2023〕4号《2023年浦兴路街道“自治金”项目实施方案》",
    issued="2023-03-31",
    categories=("怡家", "悦家", "和家", "安家", "靓家", "其他"),
    expense_caps={
        "org_service": Decimal("0.50"),
        "volunteer": Decimal("0.25"),
        "management": Decimal("0.10"),
        "award": Decimal("0.05"),
    },
    tranches=(
        Tranche(Decimal("0.60"), "approval", "浦兴 四.1"),
        Tranche(Decimal("0.40"), "midterm", "浦兴 四.1"),
    ),
    # 听证会日期 is PX004's: an empty one is reported there, not as SG002.
    required={
        "leader_is_resident": "always",
        "residents_consulted": "always",
        "prior_usage_rate": "continuing",
    },
    settings=(
        Setting(
            "midterm_usage_gate",
            "rate",
            Decimal("0.50"),
            "中期时第一笔拨款使用率低于此值即为中期评估不合格，第二笔不予拨付",
            "浦兴 四.1",
        ),
        Setting(
            "midterm_date",
            "date",
            date(2023, 6, 30),
            "中期评估日（评估结果表未填中期评估日期时用它计算中期使用率；三.6 规定半年一次中期评估，日期未定）",
        ),
        Setting(
            "volunteer_cap_top5",
            "rate",
            Decimal("0.35"),
            "上年“十佳优秀项目”前五名的志愿者补贴（慰问）上限",
            "浦兴 四.4(1)",
        ),
        Setting(
            "min_residents_consulted", "int", 40, "立项前征询建议的最少居民人数", "浦兴 附件1 一.2"
        ),
        Setting(
            "usage_threshold",
            "rate",
            Decimal("0.80"),
            "延续项目上年执行率低于此值在评审中扣分（三.3 未给数值）",
        ),
        Setting(
            "usage_penalty", "number", Decimal("-5"), "延续项目执行率低的扣分（三.3 未给数值）"
        ),
        Setting(
            "new_team_bonus",
            "number",
            Decimal("3"),
            "培育新团队（1+N+X）的创新项目加分（三.3 未给数值）",
        ),
        Setting(
            "forbidden_patterns",
            "patterns",
            FORBIDDEN_PATTERNS,
            "不得列支的费用（正则表达式）：预算明细或台账摘要与其中一条相符即为错误",
            "浦兴 四.4(4)",
        ),
        Setting(
            "hardware_keywords",
            "list",
            ("工程", "施工", "改造", "装修", "硬件"),
            "负面清单筛查（三.2）：小区硬件建设工程类用词",
        ),
        Setting(
            "welfare_keywords",
            "list",
            ("发放", "福利", "慰问品"),
            "负面清单筛查（三.2）：福利性发放类用词（看预算明细）",
        ),
        Setting(
            "welfare_share",
            "rate",
            Decimal("0.50"),
            "负面清单筛查：福利性发放类预算占预算总额超过此比例时提示",
        ),
        Setting(
            "profit_keywords", "list", ("盈利", "收费"), "负面清单筛查（三.2）：以盈利为目的类用词"
        ),
        Setting(
            "asset_keywords",
            "list",
            ("采购", "设备"),
            "负面清单筛查（三.2）：资产采购类用词（全部同时出现才提示）",
        ),
    ),
)

_CAP_FIX = "压减该类预算（或申请调整预算），超出上限的支出不予报销"


def _volunteer_cap(ctx: Context, project: Project) -> Decimal | None:
    """25%; 35% for last year's 十佳 前五 (the recorded final rank when there is history)."""
    cap = ctx.program.expense_caps.get("volunteer")
    rank, _ = prior_rank(project, ctx.history)
    if cap is not None and rank is not None and 1 <= rank <= 5:
        return max(cap, ctx.setting("volunteer_cap_top5"))
    return cap


def _cap_rule(ctx: Context, codes: tuple[str, ...], cap_code: str) -> Iterator[Hit]:
    cap = ctx.program.expense_caps.get(cap_code)
    yield from budget_share_hits(ctx, codes, cap)
    yield from spending_share_hits(ctx, codes, cap)


@rule(
    "PX001",
    "error",
    "浦兴 三.1",
    "项目负责人不是本居民区居民",
    "改由本居民区居民担任项目负责人",
    program=ID,
)
def leader_not_resident(ctx: Context) -> Iterator[Hit]:
    """申报表中“负责人是否本居民区居民”为否，或项目成员表中负责人一行“是否居民”为否。"""
    for project in ctx.data.projects:
        if project.get("leader_is_resident") is False:
            yield (
                project.cell("leader_is_resident"),
                project.project_id,
                ("项目负责人不是本居民区居民：负责人必须由居民担任，请更换负责人"),
            )
    for member in ctx.data.members:
        if member.role == "负责人" and member.is_resident is False:
            yield (
                member.cell("is_resident"),
                member.project_id,
                (f"项目成员中的负责人“{member.name}”不是居民：负责人必须由居民担任，请更换负责人"),
            )


@rule(
    "PX002",
    "error",
    "浦兴 三.1",
    "社工进入项目小组（只能有一名社工联络员）",
    "把社工移出项目小组，或改为唯一的社工联络员",
    program=ID,
)
def social_worker_in_team(ctx: Context) -> Iterator[Hit]:
    """项目成员中的社工担任了社工联络员以外的角色，或一个项目有第二名社工联络员（标在该成员的角色单元格）。"""
    for pid, members in ctx.members_by_project.items():
        liaisons = 0
        for member in members:
            if member.role == "社工联络员":
                liaisons += 1
                if liaisons > 1:
                    yield (
                        member.cell("role"),
                        pid,
                        (
                            f"“{member.name}”是本项目的第 {liaisons} 名社工联络员：每个项目只能有一名社工联络员"
                        ),
                    )
            elif member.is_social_worker:
                yield (
                    member.cell("role"),
                    pid,
                    (
                        f"社工“{member.name}”以“{member.role or '成员'}”身份进入项目小组：项目小组不得有居民区社工，"
                        "社工只能担任唯一的社工联络员"
                    ),
                )


@rule(
    "PX003",
    "error",
    "浦兴 附件1 一.2",
    "征询建议的居民少于 40 位",
    "继续开展问卷或座谈，征询不少于 40 位居民后再申报",
    program=ID,
)
def too_few_consulted(ctx: Context) -> Iterator[Hit]:
    """征询居民人数少于设置 min_residents_consulted（默认 40）；恰好 40 人通过。未填写时由 SG002 报告。"""
    least = ctx.setting("min_residents_consulted")
    for project in ctx.data.projects:
        count = project.get("residents_consulted")
        if count is not None and count < least:
            yield (
                project.cell("residents_consulted"),
                project.project_id,
                (f"征询居民人数为 {count} 人，少于 {least} 人：请继续征询居民建议后再申报"),
            )


@rule(
    "PX004",
    "error",
    "浦兴 三.1; 附件1 一.3",
    "未召开听证会（听证会日期为空）",
    "召开居民区听证会并公示，填写听证会日期",
    program=ID,
)
def no_hearing(ctx: Context) -> Iterator[Hit]:
    """听证会日期为空（未填写由本规则报告，不另报 SG002）；日期写错由 SG003 报告。"""
    for project in ctx.data.projects:
        if project.get("hearing_date") is None and "hearing_date" not in project.bad:
            yield (
                where(project, "hearing_date"),
                project.project_id,
                ("没有听证会日期：立项提议须经居民区听证会确定，请召开听证会并填写日期"),
            )


@rule(
    "PX005",
    "error",
    "浦兴 四.4(1)",
    "社会组织服务超过项目总预算的 50%（预算与实际支出）",
    _CAP_FIX,
    program=ID,
)
def org_service_cap(ctx: Context) -> Iterator[Hit]:
    """社会组织服务超过项目总预算的 50%：预算中（标在该类第一行预算的金额单元格，以预算合计为总额），实际支出中（按日期累计，标在越过上限的那笔台账金额，以核定金额或申请金额为总额）。恰好 50% 通过。"""
    yield from _cap_rule(ctx, ("org_service",), "org_service")


@rule(
    "PX006",
    "error",
    "浦兴 四.4(1)",
    "志愿者补贴（慰问）超过项目总预算的 25%（上年十佳前五名 35%）（预算与实际支出）",
    _CAP_FIX,
    program=ID,
)
def volunteer_cap(ctx: Context) -> Iterator[Hit]:
    """志愿者补贴超过项目总预算的 25%；上年十佳排名 1–5 的项目上限为 35%（设置 volunteer_cap_top5）。预算与实际支出的检查方法同 PX005；恰好 25% 通过，25.01% 不通过。"""
    yield from budget_share_hits(ctx, ("volunteer",), None, lambda p: _volunteer_cap(ctx, p))
    yield from spending_share_hits(ctx, ("volunteer",), None, lambda p: _volunteer_cap(ctx, p))


@rule(
    "PX007",
    "error",
    "浦兴 四.4(1)",
    "管理费与表彰奖励合计超过项目总预算的 10%（预算与实际支出）",
    _CAP_FIX,
    program=ID,
)
def management_cap(ctx: Context) -> Iterator[Hit]:
    """管理费与表彰奖励合计（表彰奖励属于管理费）超过项目总预算的 10%；预算与实际支出的检查方法同 PX005。"""
    yield from _cap_rule(ctx, ("management", "award"), "management")


@rule(
    "PX008",
    "error",
    "浦兴 四.4(1)",
    "表彰奖励超过项目总预算的 5%（预算与实际支出）",
    _CAP_FIX,
    program=ID,
)
def award_cap(ctx: Context) -> Iterator[Hit]:
    """表彰奖励超过项目总预算的 5%；预算与实际支出的检查方法同 PX005。"""
    yield from _cap_rule(ctx, ("award",), "award")


@rule(
    "PX009",
    "error",
    "浦兴 四.4(4)",
    "列支了不得列支的费用（居委会办公费、招待费、社工补贴、奖金、加班费）",
    "删除该预算行或台账记录，这类费用不得在自治金中列支",
    program=ID,
)
def forbidden_expense(ctx: Context) -> Iterator[Hit]:
    """预算明细或台账摘要是不得列支的费用（设置 forbidden_patterns，正则表达式：居委会…办公费、招待、
    社工…补贴/补助/奖金/奖励/加班、加班费），比较时不计空格和标点。"""
    patterns = compiled(tuple(ctx.setting("forbidden_patterns")))
    for records, key, what in (
        (ctx.data.budget, "item", "预算明细"),
        (ctx.data.ledger, "description", "台账摘要"),
    ):
        seen: dict[str, str | None] = {}  # a ledger repeats its 摘要: each text searched once
        for record in records:
            text = getattr(record, key)
            hit = seen.get(text, "")
            if hit == "":
                hit = seen[text] = forbidden_hit(text, patterns)
            if hit:
                yield (
                    record.cell(key),
                    record.project_id,
                    (
                        f"{what}含“{hit}”：自治金不得列支居委会办公费、招待费以及社工补贴、奖金、加班等费用，请删除"
                    ),
                )


@functools.lru_cache(maxsize=32)
def compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def forbidden_hit(text: str, patterns: tuple[re.Pattern, ...]) -> str | None:
    """The first forbidden phrase in text (spaces and punctuation aside), or None."""
    key = text_key(text)
    if not key:
        return None
    for pattern in patterns:
        found = pattern.search(key)
        if found:
            return found.group(0)
    return None


@rule(
    "PX010",
    "error",
    "浦兴 四.4(1)",
    "表彰奖励发给了社工（表彰奖励不适用于居委社工）",
    "收回该笔表彰奖励，改为表彰居民",
    program=ID,
)
def award_to_social_worker(ctx: Context) -> Iterator[Hit]:
    """支出类别为表彰奖励、收款方身份为社工的台账记录。"""
    for expense in ctx.data.ledger:
        if expense.category == "award" and "社工" in text_key(expense.payee_role):
            yield (
                expense.cell("payee_role"),
                expense.project_id,
                (f"表彰奖励发给了社工“{expense.payee}”：表彰奖励不适用于居委社工，不能报销"),
            )


@rule(
    "PX011",
    "error",
    "浦兴 四.3(2)",
    "报销凭证没有项目小组负责人签字",
    "请项目小组负责人在凭证上签字后再报销",
    program=ID,
)
def not_signed(ctx: Context) -> Iterator[Hit]:
    """负责人签字为“否”或为空的台账记录；台账没有“负责人签字”列时每一行都报告（标在该行）。"""
    for expense in ctx.data.ledger:
        if expense.leader_signed is True or "leader_signed" in expense.bad:
            continue
        if "leader_signed" in expense.columns:
            loc, why = (
                expense.cell("leader_signed"),
                ("为“否”" if expense.leader_signed is False else "为空"),
            )
        else:
            loc, why = expense.loc, "（台账没有“负责人签字”列）"
        yield loc, expense.project_id, f"负责人签字{why}：凭证必须由项目小组负责人签字才能报销"


@rule(
    "PX012",
    "warning",
    "浦兴 四.3(1)",
    "报销单备注没有注明“自治金项目”及项目名称",
    "在备注中写明“自治金项目”和具体项目名称",
    program=ID,
)
def remark_incomplete(ctx: Context) -> Iterator[Hit]:
    """台账备注没有写“自治金项目”，或没有写本项目的名称（比较时忽略空格、引号和标点）。"""
    verdicts: dict[tuple[str, str], str | None] = {}  # (备注, 项目编号) -> what is missing
    for expense in ctx.data.ledger:
        key = (expense.remark, expense.project_id or "")
        if key in verdicts:
            verdict = verdicts[key]
        else:
            verdict = verdicts[key] = _remark_gap(ctx, *key)
        if verdict:
            loc = expense.cell("remark") if "remark" in expense.columns else expense.loc
            yield loc, expense.project_id, verdict


def _remark_gap(ctx: Context, remark_text: str, pid: str) -> str | None:
    """The message for a remark lacking 自治金项目 or the project's name, else None."""
    project = ctx.projects.get(pid)
    remark = text_key(remark_text)
    missing = [] if "自治金项目" in remark else ["“自治金项目”"]
    name = text_key(project.name) if project is not None else ""
    if name and name not in remark:
        missing.append(f"项目名称“{project.name}”")
    if not missing:
        return None
    return f"备注没有写明{'和'.join(missing)}：报销单上应注明“自治金项目”及具体项目名称"


def _welfare_hit(ctx: Context, project: Project, words, share: Decimal) -> Hit | None:
    """`words`, `share`: the settings welfare_keywords and welfare_share."""
    lines = ctx.budget_by_project.get(project.project_id or "", [])
    counted = [line for line in lines if line.amount is not None and line.amount > 0]
    total = sum((line.amount for line in counted), Decimal(0))
    welfare = [line for line in counted if found_words(line.item, words)]
    part = sum((line.amount for line in welfare), Decimal(0))
    if not welfare or not total or part <= share * total:
        return None
    return (
        welfare[0].cell("item"),
        project.project_id,
        (
            f"预算中含{quoted(found_words(' '.join(line.item for line in welfare), words))}的支出 {fmt_yuan(part)} 元，"
            f"占预算总额的 {fmt_pct(part / total, up=True)}，可能“以福利性发放为主要资金安排”（负面清单）：请人工判断是否支持"
        ),
    )


@rule(
    "PX013",
    "warning",
    "浦兴 三.2",
    "负面清单筛查：硬件工程、福利发放为主、以盈利为目的或资产采购（需人工判断）",
    "由评审小组人工判断是否属于负面清单；属于的不予支持",
    program=ID,
)
def negative_list(ctx: Context) -> Iterator[Hit]:
    """负面清单筛查：项目名称或简介含硬件工程类、盈利类用词，或同时含“采购”“设备”；预算明细中福利发放类支出超过预算总额的 50%。只提示，由人工判断。"""
    screens = [  # each setting read once, not once a project
        (ctx.setting(setting), meaning, need_all)
        for setting, meaning, need_all in (
            ("hardware_keywords", "涉及小区硬件建设的工程项目", False),
            ("profit_keywords", "以盈利为目的的项目", False),
            ("asset_keywords", "政府采购目录涉及资产的项目", True),
        )
    ]
    welfare_words, welfare_share = ctx.setting("welfare_keywords"), ctx.setting("welfare_share")
    for project in ctx.projects.values():
        for words, meaning, need_all in screens:
            hit = field_hit(project, words)
            if hit is None:
                continue
            key, matched = hit
            if need_all:
                text = f"{project.get('name') or ''} {project.get('summary') or ''}"
                if len(found_words(text, words)) < len(words):
                    continue
                matched = found_words(text, words)
            label = "项目名称" if key == "name" else "项目简介"
            yield (
                project.cell(key),
                project.project_id,
                (
                    f"{label}含{quoted(matched)}，可能属于负面清单中的“{meaning}”：请人工判断是否支持"
                ),
            )
        welfare = _welfare_hit(ctx, project, welfare_words, welfare_share)
        if welfare is not None:
            yield welfare


@rule(
    "PX014",
    "warning",
    "浦兴 五.1",
    "有居民区没有申报自治金项目（每个居委至少申报一个）",
    "联系该居民区，督促其至少申报一个自治金项目",
    program=ID,
)
def neighborhood_without_application(ctx: Context) -> Iterator[Hit]:
    """sgov.toml 的 neighborhoods 中列出的居民区没有任何申报（提示指向 sgov.toml 的 neighborhoods）。"""
    applied = {text_key(p.get("neighborhood")) for p in ctx.data.projects}
    for name in ctx.neighborhoods:
        if text_key(name) not in applied:
            yield (
                Location("sgov.toml"),
                None,
                f"sgov.toml 的 neighborhoods 列出的居民区“{name}”没有申报自治金项目：每个居委至少申报一个，请督促申报",
            )


@rule(
    "PX015",
    "info",
    "浦兴 三.6",
    "上年“十佳优秀项目”：享受绿色通道（立项免审）",
    "内容基本不变的，可按绿色通道免审立项；前五名志愿者补贴上限为 35%",
    program=ID,
)
def green_channel(ctx: Context) -> Iterator[Hit]:
    """上年十佳排名为 1–10 的项目享有绿色通道（立项免审）；1–5 名另享志愿者补贴 35% 上限。sgov.toml 列出 history 时按上年记录的年终排名（而不是申报表所填）。"""
    for project in ctx.data.projects:
        rank, source = prior_rank(project, ctx.history)
        if rank is not None and 1 <= rank <= 10:
            extra = "，并且志愿者补贴上限为 35%" if rank <= 5 else ""
            yield (
                where(project, "prior_top10_rank"),
                project.project_id,
                (
                    f"上年“十佳优秀项目”第 {rank} 名{source}：项目内容基本不变的，享有立项免审的绿色通道{extra}"
                ),
            )
