"""Ranking: from reviewer score sheets to a total, checkable order with the program's lines.

Order of work (shared/spec/rules.md "Ranking"):
1. usable score rows: a total can be known and no error finding sits on the row;
2. per project: mean of reviewer totals, dropping the single highest and lowest with 5 or more
   reviewers; with `group_weights`, each group is averaged (and trimmed) first, then weighted;
3. adjustments (浦兴 三.3) added after averaging;
4. order: adjusted, unadjusted (both as shown, to 4 decimals), 项目编号; ranks 1..n;
5. flags: top10/top5 (浦兴 final stage), below_line, over_quota (成都, review stage),
   funded/unfunded (pool).
Every entry carries `why`: the sentences that explain its place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from selfgov_cli.model import Project, Score, natural_key
from selfgov_cli.money import fmt_amount, fmt_yuan
from selfgov_cli.programs.base import ProgramError
from selfgov_cli.rules.engine import Context, Finding
from selfgov_cli.rules.faults import Faults, sort_faults
from selfgov_cli.rules.scores import fmt_points, green_channel, reviewer_key, row_key, row_total

STAGES = ("review", "final")
ROUNDS = {"review": "立项评审", "final": "年终评审"}
POOL_MODES = ("cutoff", "skip")
POOL_MODE_WORDS = {"cutoff": "放不下即止", "skip": "跳过放不下的项目"}
SCORE_PLACES = Decimal("0.0001")
HIGHEST, LOWEST = "最高分", "最低分"
FLAG_NAMES = {
    "top10": "十佳",
    "top5": "前五",
    "below_line": "未入围",
    "over_quota": "超出名额",
    "funded": "资助",
    "unfunded": "未资助",
    "needs_fix": "待改正",
    "green_channel": "免审（上年十佳）",
    "cancelled": "异议成立",
}
# Flags that keep a ranked project off the approved list (cli.md "What the publicity list holds").
NOT_APPROVED_FLAGS = ("needs_fix", "below_line", "over_quota", "unfunded", "cancelled")


class RankError(ProgramError):
    """A ranking request that cannot run (bad stage or pool mode); the message says why (exit 2)."""


def q4(value: Decimal) -> Decimal:
    """A score as shown and compared: four decimals, half-up."""
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def fmt_score(value: Decimal | None) -> str | None:
    return None if value is None else f"{q4(value):.4f}"


@dataclass
class ReviewerTotal:
    reviewer: str
    group: str
    total: Decimal
    score: Score
    dropped: str = ""  # "", "最高分" or "最低分"

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviewer": self.reviewer,
            "group": self.group or None,
            "total": fmt_score(self.total),
            "dropped": bool(self.dropped),
            "file": self.score.loc.file,
            "sheet": self.score.loc.sheet,
            "row": self.score.loc.row,
        }


def fmt_adjustment(points: Decimal | str, reason: str = "") -> str:
    """An adjustment as every report writes it: the signed points, then the reason (+3 培育新团队…)."""
    value = Decimal(points)
    sign = "+" if value > 0 else ""
    return f"{sign}{fmt_points(value)} {reason}".strip()


@dataclass
class Adjustment:
    points: Decimal
    reason: str
    clause: str

    def to_dict(self) -> dict[str, Any]:
        return {"points": fmt_points(self.points), "reason": self.reason, "clause": self.clause}


@dataclass
class Entry:
    project: Project
    totals: list[ReviewerTotal]
    score: Decimal
    adjustments: list[Adjustment]
    amount: Decimal | None
    excluded: list[dict[str, Any]]
    errors: int  # error findings on its application (待改正)
    why: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    rank: int = 0
    all_errors: int = 0  # every unresolved error of the project (application or ledger)
    category: str = ""  # the program's name for its 项目类别 (Program.category_name)
    top10_place: int | None = (
        None  # 浦兴 year-end: its 十佳 place (1–10), counted among the eligible
    )

    @property
    def project_id(self) -> str:
        return self.project.project_id or ""

    @property
    def adjusted(self) -> Decimal:
        return self.score + sum((a.points for a in self.adjustments), Decimal(0))

    def sort_key(self) -> tuple:
        return (-q4(self.adjusted), -q4(self.score), natural_key(self.project_id))

    def to_dict(self) -> dict[str, Any]:
        project = self.project
        return {
            "rank": self.rank,
            "project_id": self.project_id,
            "reviewers": len(self.totals),
            "score": fmt_score(self.score),
            "adjusted_score": fmt_score(self.adjusted),
            "adjustments": [a.to_dict() for a in self.adjustments],
            "flags": list(self.flags),
            "name": project.name,
            "neighborhood": project.get("neighborhood"),
            "category": self.category,
            "district": project.get("district"),
            "amount": fmt_amount(self.amount),
            "reviewer_totals": [t.to_dict() for t in self.totals],
            "dropped": [
                {"reviewer": t.reviewer, "total": fmt_score(t.total), "reason": t.dropped}
                for t in dropped(self.totals)
            ],
            "excluded_rows": self.excluded,
            "errors": self.errors,
            "why": list(self.why),
        }


@dataclass
class Ranking:
    program: str
    stage: str
    as_of: str
    entries: list[Entry] = field(default_factory=list)
    unscored: list[dict[str, Any]] = field(default_factory=list)
    method: dict[str, Any] = field(default_factory=dict)
    pool: dict[str, Any] | None = None
    has_scores: bool = False

    def entry(self, pid: str) -> Entry | None:
        return next((e for e in self.entries if e.project_id == pid), None)

    def to_dict(self) -> dict[str, Any]:
        flags = [flag for entry in self.entries for flag in entry.flags]
        return {
            "program": self.program,
            "stage": self.stage,
            "as_of": self.as_of,
            "ranking": [entry.to_dict() for entry in self.entries],
            "unscored": self.unscored,
            "method": self.method,
            "pool": self.pool,
            "summary": {
                "ranked": len(self.entries),
                "unscored": len(self.unscored),
                **{
                    name: flags.count(name)
                    for name in (
                        "top10",
                        "top5",
                        "below_line",
                        "over_quota",
                        "funded",
                        "unfunded",
                        "needs_fix",
                    )
                },
            },
        }


def score_round(score: Score) -> str:
    """The stage a score row belongs to: its 轮次, else 年终 in its file or sheet name (workbooks.md)."""
    return "final" if score.round == "final" else "review"


def round_has_scores(scores: Iterable[Score], stage: str) -> bool:
    return any(score_round(s) == stage for s in scores)


def check_settings(ctx: Context, stage: str) -> None:
    """RankError (exit 2) for a stage or a ranking setting that cannot be used."""
    if stage not in STAGES:
        raise RankError(f"--stage 只能是 review（评审）或 final（年终）（现为 {stage!r}）")
    mode = ctx.setting("pool_mode")
    if mode not in POOL_MODES:
        raise RankError(f"设置 pool_mode 只能是 cutoff 或 skip（现为 {mode!r}）")
    weights = ctx.setting("group_weights") or {}
    if any(Decimal(v) <= 0 for v in weights.values()):
        raise RankError(
            "设置 group_weights 中每个评审组的权重都应为正整数（百分比），如 {专家 = 70, 居民 = 30}"
        )


def rank(
    ctx: Context,
    findings: Iterable[Finding],
    stage: str = "review",
    pool: Decimal | None = None,
    faults: Faults | None = None,
    not_approved: dict[str, str] | None = None,
    cancelled: dict[str, str] | None = None,
) -> Ranking:
    """The ranking of the projects scored in one round (`stage`), given the rule findings.

    A project with errors on its application is ranked for information but flagged `needs_fix`: it
    takes no quota place, no pool money and no 十佳 (rules.md Ranking). Green-channel projects are
    not ranked (免审). Empty when the round has no score rows. `not_approved` (the year-end 评选
    only): projects this year's decision did not approve, with why: ranked, but never 十佳.
    `cancelled`: projects an upheld objection (异议成立) cancelled, with the decision's note: ranked
    for information and, like 待改正, taking no quota place and no pool money (rules.md Ranking).
    """
    check_settings(ctx, stage)
    program = ctx.program
    policy = program.policy
    mode = ctx.setting("pool_mode")
    pool_total = pool if pool is not None else ctx.setting("pool")
    weights = {str(k).strip(): Decimal(v) for k, v in (ctx.setting("group_weights") or {}).items()}
    result = Ranking(program.id, stage, ctx.as_of.isoformat())
    result.method = {
        "round": ROUNDS[stage],
        "trim_extremes": bool(ctx.setting("trim_extremes")),
        "trim_min_reviewers": ctx.setting("trim_min_reviewers"),
        "min_score": fmt_points(Decimal(ctx.setting("min_score"))),
        "group_weights": {k: fmt_points(v) for k, v in weights.items()},
        "order": "调整后得分降序，其次未调整得分降序，再次项目编号升序（均按显示的 4 位小数比较）",
    }
    scores = [s for s in ctx.data.scores if score_round(s) == stage]
    result.has_scores = bool(scores)
    if not result.has_scores:
        return result
    findings = list(findings)
    faults = faults if faults is not None else sort_faults(ctx, findings)
    usable, excluded = _usable_rows(scores, faults, weights, program.criteria)
    # what a 待改正 project is denied: only what this program decides (no 十佳 in 新泾, no quota…)
    losses = "、".join(
        ["不予立项"]
        + (["不占名额"] if policy.quota_clause else [])
        + (["不划资金池资金"] if pool_total is not None else [])
        + (["不评十佳"] if policy.top_clause else [])
    )
    for pid, project in ctx.projects.items():
        totals = usable.get(pid, [])
        if not totals:
            result.unscored.append(_unscored(ctx, project, excluded.get(pid, [])))
            continue
        approval = ctx.approvals.get(pid)
        entry = Entry(
            project,
            totals,
            Decimal(0),
            [],
            approval.amount if approval else None,
            excluded.get(pid, []),
            len(faults.application.get(pid, [])),
        )
        entry.all_errors = faults.any_error.get(pid, 0)
        entry.category = ctx.program.category_name(project.get("category"))
        entry.score = _score(entry, ctx, weights)
        if stage == "review":
            entry.adjustments = [
                Adjustment(points, reason, policy.adjust_clause)
                for points, reason in policy.adjustments(project, ctx.setting, ctx.history)
            ]
        for adjustment in entry.adjustments:
            entry.why.append(f"{adjustment.reason}（{adjustment.clause}）")
        green = policy.green_channel(project, ctx.history) if stage == "review" else ""
        if green:  # approved without review, and scored anyway: said so
            entry.flags.append("green_channel")
            entry.why.append(f"{green}：免审立项，评分仅供参考")
        if entry.errors:
            entry.flags.append("needs_fix")
            entry.why.append(
                f"申报材料有 {entry.errors} 个错误（见 sgov validate）：待改正，"
                f"仅列示排名，{losses}"
            )
        if cancelled and pid in cancelled:
            entry.flags.append("cancelled")
            entry.why.append(f"公示期间异议成立，取消立项（{cancelled[pid]}）")
        result.entries.append(entry)
    result.entries.sort(key=Entry.sort_key)
    for number, entry in enumerate(result.entries, 1):
        entry.rank = number
    _explain_ties(result.entries)
    _flag_line(ctx, result.entries)
    _flag_top(ctx, result.entries, stage, not_approved or {})
    if stage == "review":  # 成都 四.(二)1: places to pass the *initial* review
        _flag_quota(ctx, result.entries)
    approved = _approved(ctx, result.entries, faults, stage, not_approved or {}, cancelled or {})
    result.pool = _flag_pool(ctx, result.entries, pool_total, mode, approved)
    return result


def pool_summary(pool: dict[str, Any]) -> str:
    """The pool in one line, after the word 资金池 (sgov rank, the summary report): 共和新路's 一居一品
    top-ups named apart, and a pool they overrun said as the shortfall (not a negative remainder)."""
    head = f"{fmt_yuan(Decimal(pool['total']))} 元（{POOL_MODE_WORDS[pool['mode']]}）："
    remaining = Decimal(pool["remaining"])
    rest = f"剩余 {fmt_yuan(remaining)} 元" if remaining >= 0 else f"缺 {fmt_yuan(-remaining)} 元"
    topups = pool.get("topups") or []
    if not topups:
        return f"{head}已分配 {fmt_yuan(Decimal(pool['allocated']))} 元，{rest}"
    what = "、".join(pool.get("categories") or ()) or "项目"
    return (
        f"{head}一居一品补充 {len(topups)} 个项目 {fmt_yuan(Decimal(pool['topped_up']))} 元，"
        f"资助{what} {fmt_yuan(Decimal(pool['funded']))} 元，{rest}"
    )


def _approved(
    ctx: Context,
    entries: list[Entry],
    faults: Faults,
    stage: str,
    not_approved: dict[str, str],
    cancelled: dict[str, str],
) -> dict[str, Project]:
    """The projects approved as the lines now stand (cli.md "What the publicity list holds"): at the
    review, ranked ones not below the line, over the quota, 待改正 or cancelled, and green-channel
    ones; at the year-end, those this year's decision approved. Only these have an approved amount
    for the pool to top up (共和新路 七)."""
    if stage == "final":
        return {
            pid: project
            for pid, project in ctx.projects.items()
            if not faults.needs_fix(pid) and pid not in not_approved
        }
    ranked = {entry.project_id: entry for entry in entries}
    out = {}
    for pid, project in ctx.projects.items():
        if faults.needs_fix(pid) or pid in cancelled:
            continue
        entry = ranked.get(pid)
        passed = entry is not None and not set(NOT_APPROVED_FLAGS) & set(entry.flags)
        if passed or ctx.program.policy.green_channel(project, ctx.history):
            out[pid] = project
    return out


def _usable_rows(
    scores: list[Score],
    faults: Faults,
    weights: dict[str, Decimal],
    named: tuple[str, ...] = (),
) -> tuple[dict[str, list[ReviewerTotal]], dict[str, list[dict[str, Any]]]]:
    """Reviewer totals per project from rows with a total and no error finding (and, with group
    weights, a weighted 评审组); the rest, with why."""
    usable: dict[str, list[ReviewerTotal]] = {}
    excluded: dict[str, list[dict[str, Any]]] = {}
    for score in scores:
        pid = score.project_id
        if not pid:
            continue
        total, _ = row_total(score, named)
        rules = sorted({f.rule for f in faults.scores.get(row_key(score.loc), [])})
        ungrouped = bool(weights) and score.group.strip() not in weights
        if rules or total is None or ungrouped or not reviewer_key(score.reviewer):
            excluded.setdefault(pid, []).append(
                {
                    "reviewer": score.reviewer or None,
                    "file": score.loc.file,
                    "sheet": score.loc.sheet,
                    "row": score.loc.row,
                    "rules": rules,
                    "total": None if total is None else f"{total:.4f}",
                    "reason": _left_out(rules, total, ungrouped),
                }
            )
            continue
        usable.setdefault(pid, []).append(
            ReviewerTotal(score.reviewer.strip(), score.group.strip(), total, score)
        )
    return usable, excluded


def _left_out(rules: list[str], total: Decimal | None, ungrouped: bool) -> str:
    if rules:
        return f"有错误（{'、'.join(rules)}），未计入"
    if total is None:
        return "没有可用的总分，未计入"
    if ungrouped:
        return "评审组不在 group_weights 中，未计入"
    return "没有评审人，未计入"


def _unscored(ctx: Context, project: Project, excluded: list[dict[str, Any]]) -> dict[str, Any]:
    if excluded:
        reason = f"{len(excluded)} 行评分都不能计入排名（原因见各行）：请改正后重新排名"
    elif green_channel(ctx, project):
        reason = ctx.program.policy.green_channel(project, ctx.history)
    else:
        reason = "评审打分表中没有该项目的评分"
    return {
        "project_id": project.project_id,
        "name": project.name,
        "neighborhood": project.get("neighborhood"),
        "reason": reason,
        "excluded_rows": excluded,
    }


def _trim(ctx: Context, totals: list[ReviewerTotal]) -> list[ReviewerTotal]:
    """Mark the single highest and lowest as dropped when there are enough reviewers; the kept ones."""
    if not ctx.setting("trim_extremes") or len(totals) < max(3, ctx.setting("trim_min_reviewers")):
        return list(totals)
    high = max(totals, key=lambda t: t.total)  # first of equal highest
    low = min((t for t in totals if t is not high), key=lambda t: t.total)
    high.dropped, low.dropped = HIGHEST, LOWEST
    return [t for t in totals if not t.dropped]


def dropped(totals: list[ReviewerTotal]) -> list[ReviewerTotal]:
    """The dropped totals, highest first."""
    return sorted((t for t in totals if t.dropped), key=lambda t: t.dropped != HIGHEST)


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _describe(
    ctx: Context, totals: list[ReviewerTotal], kept: list[ReviewerTotal], mean: Decimal
) -> str:
    gone = dropped(totals)
    if gone:
        parts = "与".join(f"{t.dropped} {fmt_points(t.total)}（{t.reviewer}）" for t in gone)
        return f"评审 {len(totals)} 人，去掉{parts}，其余 {len(kept)} 人平均 {fmt_score(mean)}"
    minimum = ctx.setting("trim_min_reviewers")
    reason = "" if not ctx.setting("trim_extremes") else f"（不足 {minimum} 人，不去掉最高最低分）"
    return f"评审 {len(totals)} 人，平均 {fmt_score(mean)}{reason}"


def _score(entry: Entry, ctx: Context, weights: dict[str, Decimal]) -> Decimal:
    """Mean of reviewer totals (trimmed); with weights, a weighted mean of per-group means."""
    if not weights:
        kept = _trim(ctx, entry.totals)
        mean = _mean([t.total for t in kept])
        entry.why.append(_describe(ctx, entry.totals, kept, mean))
        return mean
    weighted = Decimal(0)
    present = Decimal(0)
    parts = []
    for group, weight in weights.items():
        members = [t for t in entry.totals if t.group == group]
        if not members:
            parts.append(f"“{group}”组无人评分")
            continue
        kept = _trim(ctx, members)
        mean = _mean([t.total for t in kept])
        weighted += weight * mean
        present += weight
        parts.append(
            f"“{group}”组（权重 {fmt_points(weight)}%）{_describe(ctx, members, kept, mean)}"
        )
    score = weighted / present
    missing = [g for g in weights if not any(t.group == g for t in entry.totals)]
    note = f"；缺少“{'、'.join(missing)}”组，按其余组的权重折算" if missing else ""
    entry.why.append("；".join(parts) + f"；加权得分 {fmt_score(score)}{note}")
    return score


def _explain_ties(entries: list[Entry]) -> None:
    for above, below in zip(entries, entries[1:], strict=False):
        if q4(above.adjusted) != q4(below.adjusted):
            continue
        shown = fmt_score(below.adjusted)
        if q4(above.score) != q4(below.score):
            why = f"调整后得分 {shown} 与第 {above.rank} 名 {above.project_id} 相同，未调整得分较低，排在其后"
        else:
            why = f"调整后与未调整得分都与第 {above.rank} 名 {above.project_id} 相同，按项目编号排在其后"
        below.why.append(why)


def _flag_top(ctx: Context, entries: list[Entry], stage: str, not_approved: dict[str, str]) -> None:
    """浦兴 三.6: at the year-end 评选 places 1–10 are 十佳 and 1–5 get the 35% cap, counting only
    projects at or above the line with no unresolved error at all (fewer eligible, fewer 十佳)."""
    clause = ctx.program.policy.top_clause
    if stage != "final" or not clause:
        return
    place = 0
    for entry in entries:
        if "below_line" in entry.flags:
            continue
        if entry.all_errors:
            entry.why.append(f"有 {entry.all_errors} 个未改正的错误，不参加十佳评选（{clause}）")
            continue
        if entry.project_id in not_approved:
            entry.why.append(f"本年度未立项（{not_approved[entry.project_id]}），不参加十佳评选")
            continue
        place += 1
        if place > 10:
            break
        entry.flags.append("top10")
        entry.top10_place = place
        if place <= 5:
            entry.flags.append("top5")
            entry.why.append(f"年终十佳第 {place} 名：明年绿色通道，志愿者补贴上限 35%（{clause}）")
        else:
            entry.why.append(f"年终十佳第 {place} 名：明年绿色通道（{clause}）")


def _flag_line(ctx: Context, entries: list[Entry]) -> None:
    line = Decimal(ctx.setting("min_score"))
    for entry in entries:
        if q4(entry.adjusted) < line:
            entry.flags.append("below_line")
            entry.why.append(
                f"调整后得分 {fmt_score(entry.adjusted)} 低于入围分 {fmt_points(line)}，未入围"
            )


def _flag_quota(ctx: Context, entries: list[Entry]) -> None:
    """成都 四.(二)1、3: per district, 2 pass plus one per excellent case. Projects below the line or
    待改正 or cancelled (异议成立) take no place; C and 市本级 B projects never use a district's places
    (四.(二)2)."""
    policy = ctx.program.policy
    clause = policy.quota_clause
    if not clause:
        return
    base = ctx.setting("quota_per_district")
    extra = {policy.district(k): v for k, v in (ctx.setting("excellent_cases") or {}).items()}
    used: dict[str, int] = {}
    for entry in entries:
        if {"below_line", "needs_fix", "cancelled"} & set(entry.flags):
            continue
        if not policy.uses_quota(entry.project, ctx.program):
            entry.why.append(policy.quota_words(entry.project, ctx.program))
            continue
        district = policy.district(entry.project.get("district"))
        if not district:
            entry.why.append("缺少所属区县，无法计算初审名额：请补填后重新排名")
            continue
        quota = base + extra.get(district, 0)
        used[district] = used.get(district, 0) + 1
        place = used[district]
        basis = f"名额 {quota}（基础 {base}" + (
            f" + 优秀案例 {extra[district]}）" if extra.get(district) else "）"
        )
        if place > quota:
            entry.flags.append("over_quota")
            entry.why.append(f"{district}{basis}，本项目为区内第 {place} 名，超出名额（{clause}）")
        else:
            entry.why.append(f"{district}{basis}，本项目为区内第 {place} 名，在名额内")


def _flag_pool(
    ctx: Context,
    entries: list[Entry],
    total: Decimal | None,
    mode: str,
    approved: dict[str, Project],
) -> dict[str, Any] | None:
    """Fund in rank order until the pool cannot cover the next project (cutoff: it and all after are
    unfunded; skip: later ones are still tried). below_line, over_quota, 待改正 and cancelled
    (异议成立) projects take no money. The pool first tops up the 一居一品 overruns of `approved`
    projects (see _approved)."""
    if total is None:
        return None
    policy = ctx.program.policy
    categories = (
        tuple(ctx.setting("pool_categories") or ())
        if ctx.program.setting_spec("pool_categories")
        else policy.pool_categories
    )
    clause = policy.pool_clause
    topups = []
    topped = Decimal(0)  # what the top-ups take from the pool before any ranked project
    for pid, amount, reason in policy.pool_topups(approved, ctx.approvals, ctx.setting):
        topped += amount
        topups.append({"project_id": pid, "amount": fmt_amount(amount), "reason": reason})
    remaining = Decimal(total) - topped
    stopped: Entry | None = None
    for entry in entries:
        if {"below_line", "over_quota", "needs_fix", "cancelled"} & set(entry.flags):
            continue
        if categories and ctx.program.category(entry.project.get("category")) not in categories:
            topup = next((t["reason"] for t in topups if t["project_id"] == entry.project_id), "")
            entry.why.append(
                topup
                or policy.pool_note(entry.project, ctx.setting)
                or f"不属于资金池资助的类别（{'、'.join(categories)}），不划资金线（{clause}）"
            )
            continue
        amount = entry.amount
        if amount is None:
            entry.flags.append("unfunded")
            entry.why.append(
                "核定金额和申请金额都没有可用的数值，无法从资金池拨款：请补填金额后重新排名"
            )
        elif stopped is not None:
            entry.flags.append("unfunded")
            entry.why.append(
                f"资金线止于第 {stopped.rank} 名 {stopped.project_id}，其后项目不再资助（{clause}）"
            )
        elif amount <= remaining:
            remaining -= amount
            entry.flags.append("funded")
            entry.why.append(
                f"资金池拨付 {fmt_yuan(amount)} 元，剩余 {fmt_yuan(remaining)} 元（{clause}）"
            )
        else:
            entry.flags.append("unfunded")
            if remaining < 0:  # the top-ups alone took more than the pool
                entry.why.append(
                    f"资金池 {fmt_yuan(Decimal(total))} 元已不足以补充一居一品项目（需 {fmt_yuan(topped)} 元，"
                    f"缺 {fmt_yuan(-remaining)} 元），无法资助本项目 {fmt_yuan(amount)} 元（{clause}）"
                )
            else:
                entry.why.append(
                    f"资金池剩余 {fmt_yuan(remaining)} 元，不足以资助本项目 {fmt_yuan(amount)} 元（{clause}）"
                )
            if mode == "cutoff":
                stopped = entry
    return {
        "total": fmt_amount(Decimal(total)),
        "mode": mode,
        "categories": list(categories) if categories else None,
        "topups": topups,
        "topped_up": fmt_amount(topped),
        "funded": fmt_amount(Decimal(total) - remaining - topped),
        "allocated": fmt_amount(Decimal(total) - remaining),
        "remaining": fmt_amount(remaining),
    }
