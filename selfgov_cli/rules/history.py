"""SG026: a claim about last year contradicts last year's record (sgov.toml `history`).

The claims are the application's 上年十佳排名, 上年执行率 and 是否延续项目; the record is the one
`history` lists for the year before (selfgov_cli/history.py links it to this year's projects).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from selfgov_cli.money import fmt_pct, fmt_yuan
from selfgov_cli.rules.engine import Context, Hit, Severity, rule

# 上年执行率 claimed and recorded agree within half a percentage point (a form rounds to whole %).
RATE_TOLERANCE = Decimal("0.005")


@rule(
    "SG026",
    "error",
    "通用规则",
    "申报表中关于上年的填写（上年十佳排名、上年执行率、是否延续项目）与上年记录不符",
    "按上年记录改正申报表；上年记录有误的，请更正上年的 record.json 或 sgov.toml 的 history",
)
def contradicts_record(ctx: Context) -> Iterator[Hit]:
    """仅当 sgov.toml 列出 history（上年的 record.json 或上年的项目文件夹）时检查。项目按项目编号、其次按居民区和项目名称（去掉空格、标点和开头的年份）与上年记录对应。上年十佳排名与记录中的年终排名（1–10 名且为十佳）不符、上年执行率与记录相差超过 0.5 个百分点、是否延续项目填“是”但上年没有该项目、或填了上年十佳排名/上年执行率而上年没有该项目，为错误，标在申报表的该单元格并引用记录；记录没有年终排名或没有执行率、无法核对的，为警告。"""
    history = ctx.history
    if history is None:
        return
    for pid, project in ctx.projects.items():
        prior = history.prior(project)
        missing = f"{history.label} 中没有该项目（项目编号、居民区和项目名称都对应不上）"
        claimed_rank = project.get("prior_top10_rank")
        if isinstance(claimed_rank, int):
            yield from _rank_claim(project, pid, claimed_rank, prior, missing, history.year)
        claimed_rate = project.get("prior_usage_rate")
        continuing = project.get("continuing") is True
        if claimed_rate is not None and (prior is not None or not continuing):
            yield from _rate_claim(project, pid, claimed_rate, prior, missing, history.year)
        if continuing and prior is None:
            yield (
                project.cell("continuing"),
                pid,
                f"是否延续项目填“是”，但{missing}：请核对是否为上年项目的延续（项目名称或居民区是否改过）",
            )


def _rank_claim(project, pid: str, claimed: int, prior, missing: str, year: int) -> Iterator[Hit]:
    where = project.cell("prior_top10_rank")
    said = f"上年十佳排名填第 {claimed} 名"
    if prior is None:
        yield where, pid, f"{said}，但{missing}：不能享受上年十佳的绿色通道"
        return
    record = prior.record
    if not prior.ranked:
        yield (
            where,
            pid,
            f"{said}，但 {year} 年记录没有年终排名（{prior.where()}），无法核对：暂按申报表，请补充上年的年终评选结果",
            Severity.WARNING,
        )
        return
    if record.top10 and record.place == claimed:
        return
    if record.final_rank is None:
        actual = "没有年终排名（未参加年终评选）"
    elif record.top10 and record.place != record.final_rank:
        actual = f"为十佳第 {record.place} 名（年终排名第 {record.final_rank} 名）"
    elif record.top10:
        actual = f"年终排名第 {record.final_rank} 名"
    else:
        actual = f"年终排名第 {record.final_rank} 名，不是十佳"
    yield where, pid, f"{said}，但记录（{prior.where()}）中该项目{actual}：请按记录改正"


def _rate_claim(
    project, pid: str, claimed: Decimal, prior, missing: str, year: int
) -> Iterator[Hit]:
    where = project.cell("prior_usage_rate")
    said = f"上年执行率填 {fmt_pct(claimed)}"
    if prior is None:
        yield where, pid, f"{said}，但{missing}"
        return
    record = prior.record
    if record.execution_rate is None:
        yield (
            where,
            pid,
            f"{said}，但 {year} 年记录中该项目没有执行率（{prior.where()}），无法核对：暂按申报表",
            Severity.WARNING,
        )
        return
    if abs(claimed - record.execution_rate) <= RATE_TOLERANCE:
        return
    parts = (
        f"合规支出 {fmt_yuan(record.eligible_spent)} 元 ÷ 核定金额 {fmt_yuan(record.approved)} 元"
    )
    yield (
        where,
        pid,
        f"{said}，但记录（{prior.where()}）中执行率为 {fmt_pct(record.execution_rate)}"
        f"（{parts}）：请按记录改正",
    )
