"""Every value form of the contract's "Value parsing" section."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from selfgov_cli.io.values import (
    PARSERS,
    clean_text,
    normalize_label,
    parse_amount,
    parse_bool,
    parse_cell_amount,
    parse_date,
    parse_int,
    parse_rate,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50000", "50000.00"),
        ("50,000.00", "50000.00"),
        ("５００００", "50000.00"),
        ("5万", "50000.00"),
        ("5万元", "50000.00"),
        ("1.25万元", "12500.00"),
        ("50000元", "50000.00"),
        ("¥50,000", "50000.00"),
        ("￥1,234.5", "1234.50"),
        (" 3000 ", "3000.00"),
        (50000.0, "50000.00"),
        (12.3, "12.30"),
        (1234, "1234.00"),
        (33.335, "33.34"),  # numeric cells are rounded half-up to the fen
        ("-200", "-200.00"),
    ],
)
def test_amounts(raw, expected):
    value, err = parse_amount(raw)
    assert err is None
    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    "raw", ["abc", "5千", "12..3", "五万多", "1,2,3x", True, "12,00", "1.200,00", "1,2000"]
)
def test_amount_failures_say_why(raw):
    value, err = parse_amount(raw)
    assert value is None
    assert "不是金额" in err


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (13900063352, "填的像是手机号码（11 位数字），不是金额"),
        (13900063352.0, "填的像是手机号码（11 位数字），不是金额"),
        ("13900063352", "填的像是手机号码（11 位数字），不是金额"),
        ("１８６１２３４５６７８", "填的像是手机号码（11 位数字），不是金额"),
        ("-13900063352", "填的像是手机号码（11 位数字），不是金额"),
        (100000000.01, "“100000000.01”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"),
        (
            "2亿",
            "“2亿”不是金额（大写应写确切数目，如 伍万元整、壹万贰仟叁佰元伍角；或改填数字 50000）",
        ),
        ("12900063352", "“12900063352”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"),
        ("13900063352.5", "“13900063352.5”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"),
        ("1390006335", "“1390006335”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"),
        ("20000万", "“20000万”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"),
    ],
)
def test_a_cell_amount_over_one_yi_is_no_amount(raw, reason):
    """Local default (spec silent): over 100,000,000 yuan, or a mobile number, is SG003."""
    assert parse_cell_amount(raw) == (None, reason)
    assert PARSERS["amount"] is parse_cell_amount  # what every form and table cell goes through


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(100000000, "100000000.00"), ("100,000,000.00", "100000000.00"), ("10000万", "100000000.00")],
)
def test_one_yi_itself_is_still_an_amount(raw, expected):
    value, err = parse_cell_amount(raw)
    assert (str(value), err) == (expected, None)


def test_settings_keep_the_plain_amount_reader():
    """A 资金池 or cap in sgov.toml is not a cell typed by an applicant: no 1亿 bound there."""
    assert parse_amount("13900063352") == (Decimal("13900063352.00"), None)


def test_empty_is_missing_not_an_error():
    assert parse_amount(None) == (None, None)
    assert parse_amount("  ") == (None, None)
    assert parse_date("") == (None, None)


@pytest.mark.parametrize(
    "raw",
    [
        date(2023, 3, 31),
        datetime(2023, 3, 31, 10, 5),
        45016,
        45016.0,
        "45016",
        "2023-03-31",
        "2023/3/31",
        "2023.3.31",
        "2023年3月31日",
        "2023 年 3 月 31 日",
        "２０２３年３月３１日",
        "2023-03-31 00:00:00",
        "20230331",
    ],
)
def test_dates(raw):
    assert parse_date(raw) == (date(2023, 3, 31), None)


@pytest.mark.parametrize("raw", ["2023-13-01", "2023-02-30", "明天", "3/31", 12.5])
def test_bad_dates(raw):
    value, err = parse_date(raw)
    assert value is None and "不是日期" in err


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("Y", True),
        ("n", False),
        ("YES", True),
        ("no", False),
        ("true", True),
        ("False", False),
        ("1", True),
        ("0", False),
        (1.0, True),
        (0, False),
        ("√", True),
        ("×", False),
        (True, True),
    ],
)
def test_yes_no(raw, expected):
    assert parse_bool(raw) == (expected, None)


def test_yes_no_failure():
    value, err = parse_bool("也许")
    assert value is None and "是/否" in err


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("85%", "0.85"),
        ("0.85", "0.85"),
        ("85", "0.85"),
        (0.85, "0.85"),
        (85, "0.85"),
        ("100%", "1"),
        ("１００％", "1"),
    ],
)
def test_rates(raw, expected):
    value, err = parse_rate(raw)
    assert err is None and value == Decimal(expected)


@pytest.mark.parametrize("raw", ["150%", "-5%", "高"])
def test_bad_rates(raw):
    value, err = parse_rate(raw)
    assert value is None and err


def test_integers():
    assert parse_int("45人") == (45, None)
    assert parse_int(40.0) == (40, None)
    assert parse_int("４０") == (40, None)
    assert parse_int("40.5")[0] is None


def test_labels_normalise():
    assert normalize_label(" *项目编号： ") == "项目编号"
    assert normalize_label("项 目 名 称:") == "项目名称"
    assert normalize_label("Project_ID") == "project_id"
    assert normalize_label("\u3000申请金额\u3000") == "申请金额"


def test_clean_text_drops_float_zero():
    assert clean_text(2023001.0) == "2023001"
    assert clean_text(" a ") == "a"
