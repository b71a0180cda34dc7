"""What the publicity list and the summary report share: dates, scores, the working-day calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from selfgov_cli.money import fen
from selfgov_cli.workdays import calendar_covers, calendar_warning, working_days

FORMATS = ("html", "xlsx", "md")


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def score_text(value: Decimal | None) -> str:
    """A score as printed in reports: two decimals (the ranking's own value)."""
    return "" if value is None else f"{fen(value):.2f}"


__all__ = [
    "FORMATS",
    "calendar_covers",
    "calendar_warning",
    "cn_date",
    "score_text",
    "working_days",
]
