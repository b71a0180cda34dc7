"""Score-sheet rules SG017–SG021 (评审打分), and the helpers `sgov rank` shares with them.

A reviewer's total is 总分, else the sum of the criterion columns. A score row that any of these
rules (or SG002/SG003/SG005) reports as an error is left out of the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from selfgov_cli.io.values import FULL_MARKS_IN_HEADER
from selfgov_cli.model import Location, Score
from selfgov_cli.money import fmt_points  # noqa: F401 - rank and the rules import it from here
from selfgov_cli.rules.engine import Context, Hit, rule

SCORES = "通用规则"
FULL_MARKS = Decimal(100)
TOLERANCE = Decimal("0.01")
# Numeric columns that are bookkeeping, not criteria (a 序号 column must not add to the total).
NOT_CRITERIA = frozenset({"序号", "编号", "排名", "名次", "平均分", "权重", "年份", "no", "no."})


def criterion_max(name: str) -> Decimal:
    """The full marks a criterion header states (必要性（20分）, 可行性(15)), else 100."""
    match = FULL_MARKS_IN_HEADER.search(name.strip())
    if match:
        value = Decimal(match.group(1) or match.group(2))
        if value > 0:
            return value
    return FULL_MARKS


def criteria(score: Score, named: tuple[str, ...] = ()) -> list[tuple[str, Decimal | None]]:
    """The criterion columns of a score row (headers are already trimmed by the reader).

    `named`: the program's own criteria (成都: exactly 必要性…实效性); then only columns naming one of
    them count, whatever else the sheet has, and a named criterion the sheet lacks is there, empty
    (the total cannot be known without it). Otherwise every numeric column but bookkeeping ones
    (序号, 编号, 排名, 名次, or any header containing 序号/编号)."""
    if named:
        found = [(n, v) for n, v in score.criteria if _criterion_name(n) in named]
        if not found:  # no criterion at all: a 总分-only sheet (or SG002 at the header)
            return found
        present = {_criterion_name(n) for n, _ in found}
        return found + [(n, None) for n in named if n not in present]
    return [
        (name, value)
        for name, value in score.criteria
        if name.lower() not in NOT_CRITERIA and "序号" not in name and "编号" not in name
    ]


def _criterion_name(header: str) -> str:
    """必要性（20分） → 必要性."""
    return re.split(r"[（(]", header, maxsplit=1)[0].strip()


def reviewer_key(text: str) -> str:
    """A reviewer's name as compared: no spaces at all (王 芳 = 王芳)."""
    return "".join((text or "").split())


def row_total(score: Score, named: tuple[str, ...] = ()) -> tuple[Decimal | None, str | None]:
    """(total, problem): 总分, else the sum of the criteria; problem says why a row has no usable total. A 总分 that disagrees with its criteria is a problem too; its value is still returned."""
    if "total" in score.bad:
        return None, None  # unreadable 总分: SG003 already says so
    items = criteria(score, named)
    filled = [value for _, value in items if value is not None]
    if score.total is not None:
        if items and len(filled) == len(items):
            total = sum(filled, Decimal(0))
            if abs(total - score.total) > TOLERANCE:
                return (
                    score.total,
                    f"总分 {fmt_points(score.total)} 与各评分项之和 {fmt_points(total)} 不一致",
                )
        return score.total, None
    if not items:
        return None, "总分为空"
    if not filled:
        return None, "总分和各评分项都为空"
    if len(filled) < len(items):
        empty = [name for name, value in items if value is None]
        if not any(name in score.cells for name in empty):  # 成都: a criterion column is missing
            return None, f"没有总分，评分表缺少评分项“{'、'.join(empty)}”（或该列全未填），无法合计"
        return None, f"没有总分，评分项“{'、'.join(empty)}”为空或无法读取，无法合计"
    return sum(filled, Decimal(0)), None


def _rows_with_issue(ctx: Context, rule_id: str) -> set[tuple]:
    return {row_key(issue.loc) for issue in ctx.data.issues if issue.rule == rule_id}


@rule(
    "SG017",
    "error",
    SCORES,
    "评分超出范围（评分项 0 至满分，总分 0 至 100）",
    "核对评审人的原始评分表，改正该分数",
)
def out_of_range(ctx: Context) -> Iterator[Hit]:
    """评分项低于 0 或高于满分（表头可写明满分，如“必要性（20分）”，未写明时为 100），或评审人的总分（或各评分项合计）不在 0 至 100 之间。该行不计入排名。"""
    for score in ctx.data.scores:
        for name, value in criteria(score, ctx.program.criteria):
            top = criterion_max(name)
            if value is not None and not (0 <= value <= top):
                yield (
                    score.cell(name),
                    score.project_id,
                    (
                        f"评审人 {score.reviewer or '（未填）'} 的“{name}”为 {fmt_points(value)} 分，应在 0 至 {fmt_points(top)} 分之间："
                        "请核对原始评分表并改正"
                    ),
                )
        total, _ = row_total(score, ctx.program.criteria)
        if total is not None and not (0 <= total <= FULL_MARKS):
            where = score.cell("total") if score.total is not None else score.loc
            basis = "总分" if score.total is not None else "各评分项合计"
            yield (
                where,
                score.project_id,
                (
                    f"评审人 {score.reviewer or '（未填）'} 的{basis}为 {fmt_points(total)} 分，应在 0 至 100 分之间："
                    "请核对原始评分表并改正"
                ),
            )


@rule(
    "SG018",
    "error",
    SCORES,
    "同一评审人对同一项目打了两次分",
    "删除重复的评分行，或改正评审人姓名；排名只计第一行",
)
def scored_twice(ctx: Context) -> Iterator[Hit]:
    """同一轮次（立项评审或年终评审）中同一评审人对同一项目有两行评分（整个文件夹内，评审人姓名去掉空格后比较）。按文件顺序第一行计入排名，其后各行报告此问题且不计入；两个轮次各评一次不是重复。"""
    first: dict[tuple[str, str, str], Score] = {}
    for score in ctx.data.scores:
        key = (score.project_id or "", reviewer_key(score.reviewer), score.round)
        if not all(key):
            continue
        if key in first:
            seen = first[key].loc
            yield (
                score.cell("reviewer"),
                score.project_id,
                (
                    f"评审人 {score.reviewer} 已在 {seen.file} “{seen.sheet}” 第 {seen.row} 行为项目 {score.project_id} 打过分："
                    "请删除重复的一行（排名只计第一行）"
                ),
            )
        else:
            first[key] = score


def green_channel(ctx: Context, project) -> bool:
    """A project the program approves without review (浦兴 三.6: last year's 十佳)."""
    return bool(ctx.program.policy.green_channel(project, ctx.history))


@rule(
    "SG019",
    "error",
    SCORES,
    "有申报但评审打分表中没有该项目的评分",
    "补录该项目的评审分数；如该项目不参加本轮评审，请说明原因",
)
def not_scored(ctx: Context) -> Iterator[Hit]:
    """仅当文件夹中有立项评审的评分时检查：有申报但在立项评审中没有任何评分行的项目（标在申报表的项目编号单元格）。浦兴上年十佳（上年十佳排名 1–10）走绿色通道免审，不报告。只有年终评审评分的文件夹视为没有立项评审。"""
    review = [s for s in ctx.data.scores if s.round == "review"]
    if not review:
        return
    scored = {score.project_id for score in review if score.project_id}
    for pid, project in ctx.projects.items():
        if pid not in scored and not green_channel(ctx, project):
            yield (
                project.cell("project_id"),
                pid,
                (
                    f"项目 {pid} 在评审打分表中没有任何评分，无法排名：请补录评审分数，或确认该项目不参加本轮评审"
                ),
            )


@rule(
    "SG020",
    "warning",
    SCORES,
    "某评审人没有给部分项目打分",
    "核对该评审人的评分表是否漏录；分组评审时请确认各组评审范围",
)
def reviewer_missing(ctx: Context) -> Iterator[Hit]:
    """同一轮次中，某评审人给部分项目打了分，却没有给本项目打分（每个项目每轮一条，标在该项目第一行评分的项目编号单元格）。本项目得分按实际打分的评审人计算。"""
    for stage in ("review", "final"):
        yield from _missing_in_round(ctx, [s for s in ctx.data.scores if s.round == stage])


def _missing_in_round(ctx: Context, scores: list[Score]) -> Iterator[Hit]:
    reviewers: dict[str, str] = {}
    by_project: dict[str, tuple[Score, set[str]]] = {}
    for score in scores:
        key = reviewer_key(score.reviewer)
        pid = score.project_id
        if not key or not pid or pid not in ctx.projects:
            continue
        reviewers.setdefault(key, score.reviewer.strip())
        by_project.setdefault(pid, (score, set()))[1].add(key)
    for pid, (first, seen) in by_project.items():
        missing = [name for key, name in reviewers.items() if key not in seen]
        if missing:
            yield (
                first.cell("project_id"),
                pid,
                (
                    f"评审人 {'、'.join(missing)} 没有给项目 {pid} 打分（共 {len(reviewers)} 位评审人，本项目 {len(seen)} 位）："
                    "请核对是否漏录"
                ),
            )


@rule(
    "SG021",
    "error",
    SCORES,
    "评分行无法使用：没有总分且评分项不全、总分与评分项之和不一致，或评审组不在权重设置中",
    "补全或改正该行的总分与评分项；分组评审时评审组须为 group_weights 中的组名",
)
def unusable_row(ctx: Context) -> Iterator[Hit]:
    """评分行无法使用：没有总分且评分项有空（无法合计）；总分与各评分项之和相差超过 0.01；或设置了 group_weights 时评审组为空或不是其中的组。该行不计入排名。"""
    weights = ctx.setting("group_weights") or {}
    groups = "、".join(weights)
    unreadable = _rows_with_issue(ctx, "SG003")
    for score in ctx.data.scores:
        if not score.project_id:
            continue
        _, problem = row_total(score, ctx.program.criteria)
        # No 总分 column and no criteria: SG002 at the header already says so.
        header_only = "total" not in score.cells and not criteria(score, ctx.program.criteria)
        if problem and not header_only and row_key(score.loc) not in unreadable:
            yield (
                _problem_cell(score, ctx.program.criteria),
                score.project_id,
                f"评审人 {score.reviewer or '（未填）'} 的评分{problem}：请补全或改正该行",
            )
        if weights:
            group = score.group.strip()
            if group not in weights:
                where = score.cell("group") if "group" in score.cells else score.loc
                what = f"评审组“{group}”不是" if group else "评审组为空，应为"
                yield (
                    where,
                    score.project_id,
                    (
                        f"评审人 {score.reviewer or '（未填）'} 的{what}权重设置中的组（{groups}）：请填写正确的评审组"
                    ),
                )


def _problem_cell(score: Score, named: tuple[str, ...] = ()) -> Location:
    """总分's cell when the sheet has the column, else the first empty criterion, else the row."""
    if "total" in score.cells:
        return score.cell("total")
    empty = [name for name, value in criteria(score, named) if value is None]
    return score.cell(empty[0]) if empty else score.loc


def row_key(loc: Location) -> tuple[str | None, str | None, int | None]:
    """A score row's identity, to match findings to rows."""
    return (loc.file, loc.sheet, loc.row)
