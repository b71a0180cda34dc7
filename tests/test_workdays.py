"""The publicity period in real working days: holidays off, 调休 weekends worked."""

from __future__ import annotations

from datetime import date

import pytest

from selfgov_cli.report.common import working_days as report_working_days
from selfgov_cli.workdays import (
    calendar_covers,
    calendar_warning,
    calendar_years,
    is_working_day,
    uncovered_years,
    working_days,
)


@pytest.mark.parametrize(
    ("start", "days", "first", "last"),
    [
        # 中秋/国庆 2023: 9/29–10/6 off, Sat 10/7 and Sun 10/8 worked
        (date(2023, 9, 28), 5, date(2023, 9, 28), date(2023, 10, 10)),
        (date(2023, 9, 29), 5, date(2023, 10, 7), date(2023, 10, 11)),
        (date(2023, 10, 6), 2, date(2023, 10, 7), date(2023, 10, 8)),
        # 春节 2024: 2/10–2/17 off, Sun 2/4 and Sun 2/18 worked
        (date(2024, 2, 3), 5, date(2024, 2, 4), date(2024, 2, 8)),
        (date(2024, 2, 7), 5, date(2024, 2, 7), date(2024, 2, 19)),
        (date(2024, 2, 9), 5, date(2024, 2, 9), date(2024, 2, 21)),
        (date(2024, 2, 10), 1, date(2024, 2, 18), date(2024, 2, 18)),
        # an ordinary week, and the old behaviour on plain weekends
        (date(2023, 12, 7), 5, date(2023, 12, 7), date(2023, 12, 13)),
        (date(2023, 12, 9), 5, date(2023, 12, 11), date(2023, 12, 15)),
        # 元旦 2024: 12/30–1/1 off
        (date(2023, 12, 29), 3, date(2023, 12, 29), date(2024, 1, 3)),
    ],
)
def test_working_days_follow_the_holiday_calendar(start, days, first, last):
    assert working_days(start, days) == (first, last)
    assert report_working_days(start, days) == (first, last)  # the signature the reports use


def test_the_days_of_the_two_holidays():
    off = [date(2023, 9, 29), date(2023, 10, 2), date(2023, 10, 6), date(2024, 2, 16)]
    worked = [date(2023, 10, 7), date(2023, 10, 8), date(2024, 2, 4), date(2024, 2, 18)]
    assert [is_working_day(d) for d in off] == [False] * 4
    assert [is_working_day(d) for d in worked] == [True] * 4


def test_outside_the_calendar_weekdays_and_a_warning():
    first_year, last_year = calendar_years()
    assert first_year <= 2023 < 2024 <= last_year
    assert calendar_covers(2023) and calendar_covers(2024)
    assert not calendar_covers(last_year + 1) and not calendar_covers(first_year - 1)
    later = last_year + 1
    start = date(later, 1, 5)
    expected_first = start
    while expected_first.weekday() >= 5:
        expected_first = date(later, 1, expected_first.day + 1)
    first, last = working_days(start, 5)
    assert first == expected_first and all(
        is_working_day(date.fromordinal(n)) == (date.fromordinal(n).weekday() < 5)
        for n in range(first.toordinal(), last.toordinal() + 1)
    )
    assert (last - first).days == (4 if first.weekday() == 0 else 6)
    assert uncovered_years(date(last_year, 12, 28), date(later, 1, 8)) == [later]
    assert calendar_warning(date(last_year, 12, 28), date(later, 1, 8)) == (
        f"sgov 的节假日日历不含{later}年的法定节假日和调休安排，公示期按周一至周五"
        "（除去元旦、劳动节、国庆的法定假日）计算："
        "请对照当年国务院办公厅的放假通知核对公示起止日期"
    )
    assert calendar_warning(date(2023, 9, 28), date(2023, 10, 10)) is None


@pytest.mark.parametrize(
    ("start", "first", "last"),
    [
        # 元旦 2027 is a Friday: five days from Monday 2026-12-28 end on Monday 2027-01-04
        (date(2026, 12, 28), date(2026, 12, 28), date(2027, 1, 4)),
        # 劳动节 2027: 5/1 Saturday, 5/2 Sunday; 国庆: 10/1 Friday
        (date(2027, 9, 27), date(2027, 9, 27), date(2027, 10, 4)),
        (date(2027, 4, 30), date(2027, 4, 30), date(2027, 5, 6)),
        # 劳动节 2028: 5/1 Monday, 5/2 Tuesday (two days from 2025)
        (date(2028, 5, 1), date(2028, 5, 3), date(2028, 5, 9)),
    ],
)
def test_outside_the_calendar_the_fixed_date_holidays_are_still_off(start, first, last):
    """A year the calendar does not know counted 元旦 2027 as a working day: a period from
    2026-12-28 ended on 2027-01-01. The holidays on fixed dates are known without the State
    Council's notice; the lunar ones and the 调休 are not (hence the warning)."""
    if calendar_covers(last.year):
        pytest.skip("the installed calendar knows that year")
    assert working_days(start, 5) == (first, last)
