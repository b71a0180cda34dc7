"""`sgov explain ID`: every figure sgov computed for one project and the cells it came from.

A view of the Outcome (nothing recomputed): the decision and why, the approved amount and its source
cell, each tranche and why, the mid-term usage with the rows counted, spending row by row with the
part excluded and why, 使用率/执行率 beside their amounts, recoverable funds, the score with each
reviewer, what was dropped and every adjustment, flags and the findings on the project.
"""

from __future__ import annotations

from typing import Any

from selfgov_cli.io.values import parse_id
from selfgov_cli.model import Location
from selfgov_cli.money import fmt_amount, fmt_pct, fmt_rate, fmt_yuan
from selfgov_cli.outcome import Outcome, ProjectOutcome
from selfgov_cli.privacy import scrub
from selfgov_cli.rank import FLAG_NAMES, Entry, dropped, fmt_score


class UnknownProject(LookupError):
    """No application has this 项目编号 (exit 2, with the nearest ids)."""


def place(loc: Location | None) -> str | None:
    """file 工作表 C12, as a clerk finds it."""
    if loc is None:
        return None
    where = loc.cell or (f"第 {loc.row} 行" if loc.row else None)
    parts = [loc.file, f"“{loc.sheet}”" if loc.sheet else None, where]
    return " ".join(p for p in parts if p) or None


def explain(outcome: Outcome, pid: str) -> dict[str, Any]:
    """The JSON view (`sgov explain --format json`)."""
    item = find(outcome, pid)
    return {
        "project_id": item.project_id,
        "name": scrub(item.project.name),
        "neighborhood": scrub(item.project.get("neighborhood") or ""),
        "category": scrub(item.category),
        "application": place(item.project.cell("project_id")),
        "as_of": outcome.as_of.isoformat(),
        "decision": _decision(item),
        "money": _money(item),
        "ranking": _ranking(item.entry),
        "final_ranking": _ranking(item.final_entry),
        "decisions": [
            {**d.to_dict(), "status": outcome.decision_status(d)} for d in item.decisions
        ],
        "last_year": _last_year(outcome, item),
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "place": place(f.loc),
                "message": scrub(f.message),
            }
            for f in outcome.findings
            if f.project_id == item.project_id
        ],
    }


def _decision(item: ProjectOutcome) -> dict[str, Any]:
    return {
        "approved": item.approved,
        "status": item.status,
        "status_label": item.status_label,
        "reason": scrub(item.reason),
        "flags": list(item.flags),
        "application_errors": item.errors,
    }


def _money(item: ProjectOutcome) -> dict[str, Any]:
    money, plan = item.money, item.money.plan
    return {
        "approved": fmt_amount(money.approved),
        "approved_from": plan.approved_from,
        "approved_cell": place(plan.approval.loc),
        "approved_problem": plan.approval.problem or None,
        "approved_on": plan.approval.approved_on.isoformat() if plan.approval.approved_on else None,
        "tranches": [t.to_dict() for t in plan.tranches],
        "released": fmt_amount(money.released),
        "midterm": {
            "date": plan.midterm_date.isoformat() if plan.midterm_date else None,
            "date_from": plan.midterm_date_from or None,
            "spent": fmt_amount(plan.midterm_spent),
            "usage": fmt_rate(plan.midterm_usage),
            "base": fmt_amount(plan.midterm_base),
            "rows": list(plan.midterm_rows),
        },
        "spent": fmt_amount(money.spent),
        "eligible_spent": fmt_amount(money.eligible_spent),
        "ineligible_spent": fmt_amount(money.ineligible_spent),
        "usage_rate": fmt_rate(money.usage_rate),
        "execution_rate": fmt_rate(money.execution_rate),
        "period_ended": money.period_ended,
        "recoverable": fmt_amount(money.recoverable),
        "later_rows": money.later_rows,
        "rows": [
            {
                "place": place(c.expense.cell("amount")),
                "date": c.expense.date.isoformat() if c.expense.date else None,
                "category": c.expense.category_text or c.expense.category,
                "description": scrub(c.expense.description),
                "amount": fmt_amount(c.amount),
                "eligible": fmt_amount(c.eligible),
                "excluded": fmt_amount(c.amount - c.eligible),
                "reasons": [
                    {"rule": rule or None, "message": scrub(message)} for rule, message in c.reasons
                ],
            }
            for c in money.rows
        ],
    }


def _ranking(entry: Entry | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "rank": entry.rank,
        "score": fmt_score(entry.score),
        "adjusted_score": fmt_score(entry.adjusted),
        "reviewers": [
            {
                "reviewer": t.reviewer,
                "group": t.group or None,
                "total": fmt_score(t.total),
                "dropped": t.dropped or None,
                "place": place(t.score.loc),
            }
            for t in entry.totals
        ],
        "dropped": [t.reviewer for t in dropped(entry.totals)],
        "excluded_rows": entry.excluded,
        "adjustments": [a.to_dict() for a in entry.adjustments],
        "flags": list(entry.flags),
        "why": list(entry.why),
    }


def _last_year(outcome: Outcome, item: ProjectOutcome) -> dict[str, Any] | None:
    """With `history`: the record the project continues and which values came from it (the
    program's prior_facts); None without history."""
    history = outcome.ctx.history
    if history is None:
        return None
    prior = history.prior(item.project)
    record = prior.record if prior is not None else None
    return {
        "year": history.year,
        "source": history.source,
        "record": None
        if record is None
        else {
            "project_id": record.project_id,
            "name": scrub(record.name),
            "neighborhood": scrub(record.neighborhood),
            "matched_by": prior.matched_by,
            "final_rank": record.final_rank,
            "top10_place": record.place if record.top10 else None,
            "flags": list(record.flags),
            "approved": fmt_amount(record.approved),
            "eligible_spent": fmt_amount(record.eligible_spent),
            "execution_rate": fmt_rate(record.execution_rate),
        },
        "used": [
            {"what": what, "value": value, "from": source}
            for what, value, source in outcome.config.program.policy.prior_facts(
                item.project, history
            )
        ],
    }


def find(outcome: Outcome, pid: str) -> ProjectOutcome:
    """The project of a 项目编号 as typed (full-width too, as the workbooks are read: parse_id)."""
    wanted = parse_id(pid)[0] or ""
    item = outcome.projects.get(wanted)
    if item is None:
        known = sorted(outcome.projects)
        near = [k for k in known if wanted.lower() in k.lower()][:5] or known[:5]
        more = " 等" if len(near) < len(known) else ""
        raise UnknownProject(
            f"没有项目编号为 {pid} 的申报" + (f"（已有：{'、'.join(near)}{more}）" if near else "")
        )
    return item


def _last_year_lines(outcome: Outcome, item: ProjectOutcome) -> list[str]:
    history = outcome.ctx.history
    if history is None:
        return []
    out = ["", f"【上年（{history.label}）】"]
    prior = history.prior(item.project)
    if prior is None:
        out.append("  上年记录中没有该项目（项目编号、居民区和项目名称都对应不上）")
    else:
        record = prior.record
        rank = f"第 {record.final_rank} 名" if record.final_rank else "无"
        if record.top10 and record.place != record.final_rank:
            rank += f"（十佳第 {record.place} 名）"
        out.append(
            f"  延续 {record.project_id} {scrub(record.name)}（按{prior.matched_by}对应）："
            f"年终排名 {rank}，执行率 {fmt_pct(record.execution_rate)} = 合规支出 "
            f"{fmt_yuan(record.eligible_spent)} ÷ 核定金额 {fmt_yuan(record.approved)}"
        )
    policy = outcome.config.program.policy
    for what, value, source in policy.prior_facts(item.project, history):
        out.append(f"  {what}：{value}（取自{source}）")
    return out


_STATUS = {"released": "已拨付", "withheld": "暂缓拨付", "pending": "待定"}


def lines(outcome: Outcome, pid: str) -> list[str]:
    """The explanation as plain Chinese lines (the terminal view), from the typed outcome."""
    item = find(outcome, pid)
    project, money, plan = item.project, item.money, item.money.plan
    out = [
        f"项目 {item.project_id} {scrub(project.name)}（{scrub(project.get('neighborhood') or '')}，"
        f"{scrub(item.category)}）",
        f"申报表：{place(project.cell('project_id'))}　核算日：{outcome.as_of.isoformat()}",
        "",
        f"结论：{item.status_label}" + (f"——{scrub(item.reason)}" if item.reason else ""),
    ]
    if item.flags:
        out.append(f"标记：{'、'.join(FLAG_NAMES.get(f, f) for f in item.flags)}")
    out += ["", "【核定金额】"]
    approval = plan.approval
    if approval.amount is None:
        out.append(f"  无法确定：{approval.problem}（{place(approval.loc)}）")
    else:
        out.append(
            f"  {fmt_yuan(money.approved)} 元，取自{approval.source}（{place(approval.loc)}）"
        )
    if approval.approved_on:
        out.append(f"  立项日期：{approval.approved_on.isoformat()}")
    elif project.start is not None and approval.amount is not None:
        out.append(f"  立项日期：未填写（第1笔按开始日期 {project.start.isoformat()} 拨付）")
    out += ["", "【分期拨付】"]
    for t in plan.tranches:
        why = f"：{t.reason}" if t.reason else ""
        out.append(
            f"  第{t.n}笔 {fmt_yuan(t.amount)} 元（{fmt_pct(t.share)}，{t.clause or t.gate}）"
            f"{_STATUS[t.status]}{why}"
        )
    if plan.midterm_date:
        source = plan.midterm_date_from
        gap = " " if source[:1].isascii() else ""  # 来自 midterm_date 设置, 来自评估结果
        out.append(f"  中期评估日期：{plan.midterm_date.isoformat()}（来自{gap}{source}）")
    if plan.midterm_usage is not None:
        rows = (
            f"计入 {_rows_by_sheet(plan.midterm_places)}"
            if plan.midterm_places
            else "中期前没有合规支出"
        )
        first = plan.midterm_base
        base = f"第一笔资金 {fmt_yuan(first)} 元" if first is not None else "第一笔资金"
        out.append(
            f"  中期使用率 {fmt_pct(plan.midterm_usage)} = 中期前合规支出 {fmt_yuan(plan.midterm_spent)} 元"
            f" ÷ {base}（{rows}）"
        )
    out += ["", "【支出】"]
    for c in money.rows:
        e = c.expense
        head = f"  {e.date.isoformat() if e.date else '无日期'} {e.category_text or e.category or ''} {fmt_yuan(c.amount)} 元"
        if c.eligible == c.amount and c.amount:
            out.append(f"{head}：合规（{place(e.cell('amount'))}）")
        else:
            reasons = "；".join(f"{r + ' ' if r else ''}{scrub(m)}" for r, m in c.reasons)
            out.append(
                f"{head}：计入 {fmt_yuan(c.eligible)} 元，不计 {fmt_yuan(c.amount - c.eligible)} 元"
                f"（{place(e.cell('amount'))}）——{reasons}"
            )
    if money.later_rows:
        out.append(f"  另有 {money.later_rows} 笔支出日期在核算日之后，尚未计入")
    out += [
        f"  已拨付 {fmt_yuan(money.released)} 元，已支出 {fmt_yuan(money.spent)} 元，"
        f"合规支出 {fmt_yuan(money.eligible_spent)} 元，不合规 {fmt_yuan(money.ineligible_spent)} 元",
        f"  使用率 {fmt_pct(money.usage_rate)} = 合规支出 {fmt_yuan(money.eligible_spent)} ÷ 已拨付 "
        f"{fmt_yuan(money.released)}",
        f"  执行率 {fmt_pct(money.execution_rate)} = 合规支出 {fmt_yuan(money.eligible_spent)} ÷ 核定金额 "
        f"{fmt_yuan(money.approved)}",
        (
            f"  可收回 {fmt_yuan(money.recoverable)} 元（项目已结束：已拨付 − 合规支出）"
            if money.period_ended
            else "  可收回 0.00 元（项目尚未结束）"
        ),
    ]
    for title, entry in (("评审排名", item.entry), ("年终排名", item.final_entry)):
        if entry is None:
            continue
        out += [
            "",
            f"【{title}】",
            f"  第 {entry.rank} 名，得分 {fmt_score(entry.score)}，调整后 {fmt_score(entry.adjusted)}",
        ]
        for t in entry.totals:
            gone = f"（去掉的{t.dropped}）" if t.dropped else ""
            out.append(f"  {t.reviewer}：{fmt_score(t.total)}{gone}（{place(t.score.loc)}）")
        for row in entry.excluded:
            who = row.get("reviewer") or "（无评审人）"
            out.append(f"  未计入：{who} 第 {row['row']} 行——{row['reason']}")
        out += [f"  {why}" for why in entry.why]
    out += _last_year_lines(outcome, item)
    if item.decisions:
        out += ["", "【人工认定】"]
        out += [
            f"  {scrub(d.note())}（{place(d.loc)}）——{outcome.decision_status(d)}"
            for d in item.decisions
        ]
    found = [f for f in outcome.findings if f.project_id == item.project_id]
    out += ["", f"【问题】共 {len(found)} 个"]
    for f in found:
        out.append(f"  {f.rule}（{f.severity.label}）{place(f.loc) or ''}：{scrub(f.message)}")
    return out


def _rows_by_sheet(places: tuple[tuple[str, str, int], ...]) -> str:
    """台账/上半年.xlsx “经费台账” 第 2、3 行；台账/下半年.xlsx “经费台账” 第 2 行: the rows of each
    ledger sheet (in the order first met), so rows numbered alike in two files are told apart."""
    groups: dict[tuple[str, str], list[str]] = {}
    for file, sheet, row in places:
        groups.setdefault((file, sheet), []).append(str(row))
    return "；".join(
        f"{file} “{sheet}” 第 {'、'.join(rows)} 行" for (file, sheet), rows in groups.items()
    )


__all__ = ["UnknownProject", "explain", "find", "lines", "place"]
