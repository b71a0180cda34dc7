"""What the publicity list and the summary report share: which projects pass, amounts, dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from selfgov_cli.money import fen, fmt_yuan
from selfgov_cli.report.safe import scrub
from selfgov_cli.workdays import calendar_covers, calendar_warning, working_days  # noqa: F401

NOT_PASSING_FLAGS = frozenset({"below_line", "over_quota", "unfunded"})
FLAG_LABELS = {
    "top10": "十佳",
    "top5": "前五",
    "below_line": "未达入围分",
    "over_quota": "超出名额",
    "funded": "资金线内",
    "unfunded": "资金线外",
}
FORMATS = ("html", "xlsx", "md")


def natural_key(text: str) -> tuple:
    """PX-2023-9 before PX-2023-10."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)
    )


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def to_decimal(text: Any) -> Decimal | None:
    if text is None or text == "":
        return None
    try:
        return Decimal(str(text))
    except ArithmeticError:
        return None


def score_text(text: Any) -> str:
    value = to_decimal(text)
    return "" if value is None else f"{fen(value):.2f}"


def year_of(validation) -> int:
    return validation.config.year or validation.as_of.year


def approved_amounts(validation) -> dict[str, Decimal]:
    """核定金额 from the evaluation sheet, by 项目编号 (first row wins)."""
    out: dict[str, Decimal] = {}
    for evaluation in validation.data.evaluations:
        pid = evaluation.project_id
        if pid and pid not in out and evaluation.approved_amount is not None:
            out[pid] = evaluation.approved_amount
    return out


def error_projects(validation) -> set[str]:
    return {
        f.project_id for f in validation.findings if f.project_id and f.severity.value == "error"
    }


def passing(validation, ranking: dict | None) -> list[tuple[str, Any, dict | None]]:
    """(项目编号, Project or None, ranking entry or None) of the projects that pass, in list order.

    Ranked: the ranking's order, without below_line / over_quota / unfunded.
    Not ranked: every application without an error finding, by 项目编号.
    """
    projects = validation.data.project_map()
    entries = (ranking or {}).get("ranking") or []
    if entries:
        return [
            (e["project_id"], projects.get(e["project_id"]), e)
            for e in entries
            if not NOT_PASSING_FLAGS & set(e.get("flags") or ())
        ]
    bad = error_projects(validation)
    return [
        (pid, projects[pid], None) for pid in sorted(projects, key=natural_key) if pid not in bad
    ]


def project_row(
    pid: str, project, entry: dict | None, approved: dict[str, Decimal]
) -> dict[str, Any]:
    """The public facts of one project; every text from a cell is scrubbed of phone and ID numbers."""
    entry = entry or {}
    get = (
        project.get if project is not None else (lambda key, default=None: entry.get(key, default))
    )
    amount = approved.get(pid)
    is_approved = amount is not None
    if amount is None:
        amount = get("requested_amount") if project is not None else to_decimal(entry.get("amount"))
    return {
        "project_id": scrub(pid),
        "name": scrub(get("name") or ""),
        "neighborhood": scrub(get("neighborhood") or ""),
        "category": scrub(get("category") or ""),
        "leader": get("leader") or "",
        "amount_value": fen(amount) if amount is not None else None,
        "amount": fmt_yuan(amount) if amount is not None else "—",
        "approved": is_approved,
        "score": score_text(entry.get("adjusted_score", entry.get("score"))) if entry else "",
        "rank": entry.get("rank"),
    }
