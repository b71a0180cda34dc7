"""Property tests for every value parser and for money: never raise, a value or a clear reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from selfgov_cli.io.values import (
    EXCEL_ERRORS,
    NO_PLACE,
    PARSERS,
    _none_key,
    parse_amount,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_rate,
)
from selfgov_cli.money import ZERO, fmt_amount, fmt_yuan, split
from selfgov_cli.programs import builtin

# whatever calamine, openpyxl or a CSV can hand us for one cell
CELLS = st.one_of(
    st.none(),
    st.text(),
    st.text(
        alphabet="0123456789０１２３４５６７８９.,，-+%％¥￥元万年月日号/．－ 　eE#!", max_size=20
    ),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(sorted(EXCEL_ERRORS)),
)
AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2)


@settings(max_examples=400, deadline=None)
@given(raw=CELLS)
@example(raw="/")
@example(raw=" n/a ")
def test_every_parser_returns_a_value_or_a_clear_reason_and_never_raises(raw):
    for kind, parse in PARSERS.items():
        value, reason = parse(raw)
        if reason is not None:
            assert value is None, kind
            assert isinstance(reason, str) and reason.strip(), kind
        elif value is None:  # nothing and no reason: only for an empty cell, or a place of none
            none = kind == "place" and isinstance(raw, str) and _none_key(raw) in NO_PLACE
            assert raw is None or (isinstance(raw, str) and not raw.strip()) or none, (kind, raw)


@given(raw=st.sampled_from(sorted(EXCEL_ERRORS)))
def test_error_values_are_named_in_the_reason(raw):
    for parse in PARSERS.values():
        value, reason = parse(raw)
        assert value is None and raw in reason


@given(amount=AMOUNTS)
def test_amounts_round_trip_exactly_through_formatting(amount):
    text = fmt_amount(amount)
    assert parse_amount(text) == (amount, None)
    assert parse_amount(fmt_yuan(amount)) == (amount, None)  # 1,234.50
    assert parse_amount(f"{text}元") == (amount, None)
    if amount >= 0:
        assert parse_amount(f"¥{fmt_yuan(amount)}") == (amount, None)
    full_width = text.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    assert parse_amount(full_width) == (amount, None)


@given(amount=st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2))
def test_a_numeric_cell_reads_as_the_amount_it_shows(amount):
    assert parse_amount(float(amount)) == (amount, None)


@given(wan=st.decimals(min_value=0, max_value=Decimal("1e6"), places=4))
def test_wan_amounts_are_ten_thousands(wan):
    assert parse_amount(f"{wan}万元") == ((wan * 10000).quantize(Decimal("0.01")), None)


@given(
    raw=st.decimals(
        allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=1000
    )
)
def test_amounts_are_always_to_the_fen(raw):
    value, reason = parse_amount(str(raw))
    assert reason is None and value.as_tuple().exponent == -2
    assert abs(value - raw) <= Decimal("0.005")


def _text_forms(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    serial = (day - date(1899, 12, 30)).days
    return [
        day.isoformat(),
        f"{y}/{m}/{d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}.{m}.{d}",
        f"{y}-{m}-{d}",
        f"{y}年{m}月{d}日",
        f"{y}年{m:02d}月{d:02d}日",
        f"{y}年{m}月{d}号",
        f" {y} 年 {m} 月 {d} 日 ",
        f"{y}{m:02d}{d:02d}",
        f"{day.isoformat()} 00:00:00",
        f"{day.isoformat()}T08:30:00",
        f"{y}/{m}/{d} 9:05",
        day.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
        str(serial),
    ]


@given(day=st.dates(min_value=date(1900, 3, 1), max_value=date(2099, 12, 31)))
def test_dates_in_a_dozen_text_forms(day):
    for text in _text_forms(day):
        assert parse_date(text) == (day, None), text
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == (day, None)
    assert parse_date(float(serial)) == (day, None)


@given(
    day=st.dates(min_value=date(1900, 3, 1), max_value=date(2099, 12, 31)), hours=st.integers(1, 23)
)
def test_a_serial_with_a_time_of_day_is_not_a_date(day, hours):
    serial = Decimal((day - date(1899, 12, 30)).days) + Decimal(hours) / 24
    value, reason = parse_date(float(serial))
    assert value is None and reason


@given(word=st.sampled_from(["是", "有", "Y", "yes", "TRUE", "1", "√", " 是 "]))
def test_yes_words(word):
    assert parse_bool(word) == (True, None)


@given(word=st.sampled_from(["否", "无", "N", "no", "False", "0", "×", " 否"]))
def test_no_words(word):
    assert parse_bool(word) == (False, None)


@given(raw=st.one_of(st.integers(), st.floats(allow_nan=True)))
def test_only_one_and_zero_are_yes_and_no_numbers(raw):
    value, reason = parse_bool(raw)
    if raw in (0, 1):
        assert (value, reason) == (bool(raw), None)
    else:
        assert value is None and reason


@given(hundredths=st.integers(min_value=0, max_value=10000))
def test_rates_in_their_three_forms(hundredths):
    rate = Decimal(hundredths) / 10000  # 0.0000 .. 1.0000
    percent = rate * 100
    assert parse_rate(f"{percent}%") == (rate, None)
    assert parse_rate(f"{rate}") == (rate, None)
    if percent > 1:
        assert parse_rate(f"{percent}") == (rate, None)


@given(raw=st.decimals(min_value=Decimal("100.01"), max_value=Decimal("1e6"), places=2))
def test_rates_over_a_hundred_percent_are_refused(raw):
    value, reason = parse_rate(f"{raw}%")
    assert value is None and "0%–100%" in reason


@given(n=st.integers(min_value=-(10**9), max_value=10**9))
def test_integers_and_numbers(n):
    assert parse_int(str(n)) == (n, None)
    assert parse_int(f"{n}人") == (n, None)
    assert parse_decimal(f"{n:,}") == (Decimal(n), None)


@given(n=st.integers(min_value=0, max_value=10**6), frac=st.integers(min_value=1, max_value=99))
def test_fractions_are_not_integers(n, frac):
    value, reason = parse_int(f"{n}.{frac:02d}")
    assert value is None and "整数" in reason


# -- money: tranches ----------------------------------------------------------------------------


@st.composite
def shares(draw):
    """2–5 tranche shares in whole percent, each at least 5%, adding up to 100%."""
    count = draw(st.integers(min_value=2, max_value=5))
    cuts = sorted(
        draw(
            st.sets(st.integers(min_value=1, max_value=99), min_size=count - 1, max_size=count - 1)
        )
    )
    bounds = [0, *cuts, 100]
    parts = [b - a for a, b in zip(bounds, bounds[1:], strict=False)]
    if min(parts) < 5:
        parts = [100 // count] * (count - 1) + [100 - (100 // count) * (count - 1)]
    return [Decimal(p) / 100 for p in parts]


PROGRAM_SHARES = [[t.share for t in p.tranches] for p in builtin().values()]


@given(total=st.decimals(min_value=0, max_value=Decimal("1e10"), places=2), parts=shares())
@example(
    total=Decimal("0.04"),
    parts=[Decimal("0.13"), Decimal("0.63"), Decimal("0.13"), Decimal("0.11")],
)
def test_tranches_add_up_to_the_approved_amount_and_none_is_negative(total, parts):
    tranches = split(total, parts)
    assert sum(tranches, ZERO) == total
    assert all(t >= 0 and t.as_tuple().exponent == -2 for t in tranches)
    assert len(tranches) == len(parts)


@given(
    total=st.decimals(min_value=0, max_value=Decimal("1e10"), places=2), which=st.integers(0, 100)
)
def test_every_program_schedule_adds_up(total, which):
    parts = PROGRAM_SHARES[which % len(PROGRAM_SHARES)]
    tranches = split(total, parts)
    assert sum(tranches, ZERO) == total and all(t >= 0 for t in tranches)
    for tranche, share in zip(tranches[:-1], parts[:-1], strict=True):
        assert abs(tranche - total * share) <= Decimal("0.005")
