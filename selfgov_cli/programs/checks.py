"""Small helpers the program rule packs share: text keys, keyword screens, applicant kinds,
inspection results, repeated applications and expense-share caps."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from selfgov_cli.io.schema import EXPENSE_NAMES
from selfgov_cli.io.values import normalize_label
from selfgov_cli.model import Location, Project
from selfgov_cli.money import fen, fmt_pct, fmt_yuan
from selfgov_cli.rules.engine import Context, Hit

_NOT_WORD = re.compile(r"[\W_]+")


def text_key(raw: Any) -> str:
    """Text as compared: no spaces, punctuation or quotes, full-width folded, lower case."""
    if isinstance(raw, str):
        return _text_key(raw) if raw else ""  # memoised: ledgers repeat the same texts
    return (
        _NOT_WORD.sub("", unicodedata.normalize("NFKC", normalize_label(raw))).lower()
        if raw
        else ""
    )


@functools.lru_cache(maxsize=1 << 16)
def _text_key(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", normalize_label(text))).lower()


def found_words(text: Any, words: Iterable[str]) -> list[str]:
    """The keywords that occur in text (compared on text_key), in the order given."""
    key = text_key(text)
    if not key:
        return []
    words = tuple(words)
    try:
        keyed = _keyed_words(words)  # the same setting for every ledger row: keyed once
    except TypeError:  # pragma: no cover - an unhashable word
        keyed = tuple((w, text_key(w)) for w in words)
    return [w for w, k in keyed if k and k in key]


@functools.lru_cache(maxsize=256)
def _keyed_words(words: tuple) -> tuple:
    return tuple((w, text_key(w)) for w in words)


def field_hit(project: Project, words: Iterable[str], keys: tuple[str, ...] = ("name", "summary")):
    """(field key, matched words) of the first of keys whose text holds any keyword, else None."""
    words = tuple(words)
    for key in keys:
        hit = found_words(project.get(key), words)
        if hit:
            return key, hit
    return None


def quoted(words: Iterable[str]) -> str:
    return "、".join(f"“{w}”" for w in words)


# Applicant types (申报主体类型): canonical name -> what clerks write. Longer names first.
_APPLICANT_KINDS = (
    ("社会服务机构", ("社会服务机构", "民办非企业单位", "民办非企业", "民非")),
    ("社会团体", ("社会团体", "社团")),
    ("基金会", ("基金会",)),
    ("居委会", ("居民委员会", "居委会", "社区居委会")),
    ("村委会", ("村民委员会", "村委会")),
    ("党校", ("党校", "行政学院")),
    ("科研院所", ("科研院所", "研究院", "研究所")),
    ("高等院校", ("高等院校", "高校", "大学", "学院")),
    ("社会组织", ("社会组织",)),
)
SOCIAL_ORGS = ("社会服务机构", "社会团体", "基金会", "社会组织")


def applicant_kind(raw: Any) -> str | None:
    """The canonical applicant type a text names (民办非企业 -> 社会服务机构), else None."""
    key = text_key(raw)
    if not key:
        return None
    for kind, names in _APPLICANT_KINDS:
        if any(text_key(name) == key for name in names):
            return kind
    for kind, names in _APPLICANT_KINDS:
        if any(text_key(name) in key for name in names):
            return kind
    return None


_RESULT_SPLIT = re.compile(r"[,，、;；/|\s]+")
_YEAR = re.compile(r"^\d{2,4}(年度?|年)?[:：]?")


def inspection_results(raw: Any) -> list[str]:
    """前两年年检结果 as a list of results: "2021年合格，2022年基本合格" -> [合格, 基本合格]."""
    text = normalize_label(raw) if raw else ""
    out = []
    for part in _RESULT_SPLIT.split(text):
        part = _YEAR.sub("", part.strip())
        if part:
            out.append(part)
    return out


def inspections_passed(raw: Any, basic_passes: bool) -> bool:
    """Every listed result is 合格 (or 基本合格 when basic_passes); an empty text is not a pass."""
    results = inspection_results(raw)
    allowed = {"合格", "基本合格"} if basic_passes else {"合格"}
    return bool(results) and all(r in allowed for r in results)


def unique_projects(ctx: Context) -> list[Project]:
    """The first application of each 项目编号, in folder order (duplicates are SG004's)."""
    return list(ctx.projects.values())


def over_limit(
    projects: Iterable[Project], group: Callable[[Project], Any], limit: int
) -> Iterator[tuple[Project, list[Project]]]:
    """Each application beyond the first `limit` of its group, with those earlier ones."""
    seen: dict[Any, list[Project]] = {}
    for project in projects:
        key = group(project)
        if not key:
            continue
        earlier = seen.setdefault(key, [])
        if len(earlier) >= limit:
            yield project, list(earlier)
        earlier.append(project)


def where(project: Project, key: str) -> Location:
    """The cell of a field when its label is on the form, else the application itself."""
    return project.cell(key) if key in project.present else project.loc


def category_names(codes: Iterable[str]) -> str:
    return "+".join(f"“{EXPENSE_NAMES[c]}”" for c in codes)


def budget_share_hits(
    ctx: Context,
    codes: tuple[str, ...],
    cap: Decimal | None,
    cap_for: Callable[[Project], Decimal] | None = None,
) -> Iterator[Hit]:
    """Budget lines of the categories `codes` over `cap` of the project's budget total.

    The finding is on the amount cell of the project's first budget line of those categories.
    """
    for pid, lines in ctx.budget_by_project.items():
        project = ctx.projects.get(pid)
        if project is None:
            continue
        limit = cap_for(project) if cap_for else cap
        if limit is None:
            continue
        counted = [line for line in lines if line.amount is not None and line.amount > 0]
        total = sum((line.amount for line in counted), Decimal(0))
        mine = [line for line in counted if line.category in codes]
        part = sum((line.amount for line in mine), Decimal(0))
        if not mine or not total or part <= limit * total:
            continue
        yield (
            mine[0].cell("amount"),
            pid,
            (
                f"预算中{category_names(codes)}合计 {fmt_yuan(part)} 元，占预算总额 {fmt_yuan(total)} 元的 "
                f"{fmt_pct(part / total, up=True)}，超过 {fmt_pct(limit)} 的上限：请压减该类预算"
            ),
        )


def approved_total(ctx: Context, project: Project) -> Decimal | None:
    """The project's total budget for spending caps: its one approved amount (ctx.approvals)."""
    approval = ctx.approvals.get(project.project_id or "")
    return approval.amount if approval is not None else None


def spending_share_hits(
    ctx: Context,
    codes: tuple[str, ...],
    cap: Decimal | None,
    cap_for: Callable[[Project], Decimal] | None = None,
) -> Iterator[Hit]:
    """Ledger spending of the categories `codes` over `cap` of the project's total budget.

    In date order, over the rows that count (not ctx.barred); the finding is on the amount cell
    of the row whose spending crosses the cap, and of every later row of those categories; each hit carries the excess (the part of the row
    over the cap), the only part that is not reimbursed (rules.md Money, partial exclusion).
    """
    for pid, expenses in ctx.ledger_in_order.items():
        project = ctx.projects.get(pid)
        if project is None or (ctx.recount is not None and pid not in ctx.recount):
            continue
        limit = cap_for(project) if cap_for else cap
        total = approved_total(ctx, project)
        if limit is None or not total or total <= 0:
            continue
        spent = Decimal(0)
        barred = ctx.barred
        ceiling = fen(limit * total)
        sums = ctx.spent_by_category.get(pid, {})
        if sum((sums.get(code, 0) for code in codes), Decimal(0)) <= ceiling:
            continue  # the whole of these categories stays within the cap: no row crosses it
        for expense in expenses:
            if expense.category not in codes or expense.amount is None or expense.amount <= 0:
                continue
            if barred and id(expense) in barred:  # a row that counts nothing fills no cap
                continue
            before, spent = spent, spent + expense.amount
            if spent <= ceiling:
                continue
            excess = spent - max(before, ceiling)
            yield (
                expense.cell("amount"),
                pid,
                (
                    f"实际支出中{category_names(codes)}累计 {fmt_yuan(spent)} 元，占项目总预算 {fmt_yuan(total)} 元的 "
                    f"{fmt_pct(spent / total, up=True)}，超过 {fmt_pct(limit)} 的上限 {fmt_yuan(ceiling)} 元："
                    f"这笔支出中超出的 {fmt_yuan(excess)} 元不能报销，请核减"
                ),
                excess,
            )
