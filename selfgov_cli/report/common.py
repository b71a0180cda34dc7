"""What the publicity list and the summary report share: dates, scores, the title."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from selfgov_cli.money import fen

FORMATS = ("html", "xlsx", "md")


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def working_days(start: date, days: int) -> tuple[date, date]:
    """First and last day of a period of ``days`` working days (Mon–Fri) beginning on ``start``.

    ``start`` counts as the first day when it is a working day, else the next Monday does.
    Statutory holidays are not known to sgov.
    """
    first = start
    while first.weekday() >= 5:
        first += timedelta(days=1)
    last, counted = first, 1
    while counted < max(days, 1):
        last += timedelta(days=1)
        if last.weekday() < 5:
            counted += 1
    return first, last


def score_text(value: Decimal | None) -> str:
    """A score as printed in reports: two decimals (the ranking's own value)."""
    return "" if value is None else f"{fen(value):.2f}"


def title_year(config, as_of: date) -> str:
    """The program's title for the year: `{year}年` + its name without a year of its own."""
    return config.title
