"""Working days in mainland China: statutory holidays off, 调休 weekend workdays on.

The calendar is the `chinesecalendar` package (the State Council's yearly holiday notices,
2004 onwards, updated each December for the next year). Outside the years it knows, a working
day is Monday to Friday but for the holidays on fixed dates (元旦, 劳动节, 国庆), and
`calendar_covers` says so, so a notice can warn that the dates
must be checked against that year's holiday notice.

The package is imported on first use only: `sgov --help` never loads it.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta


@functools.cache
def _calendar():
    """(is_workday, first year known, last year known); None when the package is missing."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency; weekdays (with a warning) without it
        return None
    years = [day.year for day in chinese_calendar.holidays]
    return chinese_calendar.is_workday, min(years), max(years)


def calendar_covers(year: int) -> bool:
    """Whether the holiday calendar knows the year (else working days are Mon–Fri only)."""
    known = _calendar()
    return known is not None and known[1] <= year <= known[2]


def calendar_years() -> tuple[int, int] | None:
    """The first and last year the holiday calendar knows."""
    known = _calendar()
    return None if known is None else (known[1], known[2])


# The statutory holidays on fixed solar dates (全国年节及纪念日放假办法): 元旦, 劳动节 (two days
# from 2025, 国务院令第797号), 国庆. In a year the calendar does not know they are still off; the
# lunar ones (春节, 清明, 端午, 中秋) and the 调休 cannot be known, hence the warning.
_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)})
_FIXED_FROM_2025 = _FIXED_HOLIDAYS | {(5, 2)}


def is_working_day(day: date) -> bool:
    """A statutory working day: holidays off, 调休 Saturdays and Sundays on. Outside the calendar:
    Monday to Friday, but for the holidays on fixed dates (元旦, 劳动节, 国庆)."""
    if calendar_covers(day.year):
        return bool(_calendar()[0](day))
    fixed = _FIXED_FROM_2025 if day.year >= 2025 else _FIXED_HOLIDAYS
    return day.weekday() < 5 and (day.month, day.day) not in fixed


def working_days(start: date, days: int) -> tuple[date, date]:
    """First and last day of a period of ``days`` working days beginning on ``start``.

    ``start`` counts as the first day when it is a working day, else the next working day does.
    """
    first = start
    while not is_working_day(first):
        first += timedelta(days=1)
    last, counted = first, 1
    while counted < max(days, 1):
        last += timedelta(days=1)
        if is_working_day(last):
            counted += 1
    return first, last


def uncovered_years(first: date, last: date) -> list[int]:
    """The years from first to last that the holiday calendar does not know."""
    return [year for year in range(first.year, last.year + 1) if not calendar_covers(year)]


def calendar_warning(first: date, last: date) -> str | None:
    """The notice's warning when the period runs into years the calendar does not know."""
    missing = uncovered_years(first, last)
    if not missing:
        return None
    years = "、".join(f"{year}年" for year in missing)
    return (
        f"sgov 的节假日日历不含{years}的法定节假日和调休安排，公示期按周一至周五"
        "（除去元旦、劳动节、国庆的法定假日）计算："
        "请对照当年国务院办公厅的放假通知核对公示起止日期"
    )


__all__ = [
    "calendar_covers",
    "calendar_warning",
    "calendar_years",
    "is_working_day",
    "uncovered_years",
    "working_days",
]
