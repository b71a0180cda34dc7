"""Amounts in Chinese numerals (大写 and 小写): read exactly, or refused (SG003) when vague."""

from decimal import Decimal

import pytest

from selfgov_cli.io.numerals import parse_chinese_amount
from selfgov_cli.io.values import parse_amount


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("伍万元整", "50000.00"),
        ("人民币壹万贰仟叁佰元伍角", "12300.50"),
        ("壹拾万元整", "100000.00"),
        ("五万元", "50000.00"),
        ("五万", "50000.00"),
        ("一万二千元", "12000.00"),
        ("十万元", "100000.00"),
        ("拾万元整", "100000.00"),
        ("叁佰元零伍分", "300.05"),
        ("壹仟零伍元叁角贰分", "1005.32"),
        ("伍角", "0.50"),
        ("贰万零伍拾元", "20050.00"),
        ("一万零五十元", "10050.00"),
        ("两千元", "2000.00"),
        ("十五元", "15.00"),
        ("伍仟元正", "5000.00"),
        ("人民币（大写）：伍万元整", "50000.00"),
        ("大写：壹万元整", "10000.00"),
        (" 伍万 元整 ", "50000.00"),
        ("壹亿零伍佰万元", "105000000.00"),
        ("50000元整", "50000.00"),
        ("人民币50000元", "50000.00"),
    ],
)
def test_chinese_amounts_read_exactly(raw, expected):
    value, err = parse_amount(raw)
    assert err is None
    assert str(value) == expected
    assert isinstance(value, Decimal)


@pytest.mark.parametrize(
    "raw",
    [
        "伍万多元",  # vague: more than 50,000
        "约五万元",
        "五万余元",
        "一万二",  # colloquial 12,000: the lower place is not written
        "一百五",
        "二〇二三",  # digits one by one: a year, not an amount
        "一二三",
        "伍万元伍",
        "十百元",
        "伍角零分",
        "元",
        "万元",
        "零零元",
        "伍万万元",
        "几千元",
    ],
)
def test_vague_or_malformed_chinese_amounts_are_refused(raw):
    value, err = parse_amount(raw)
    assert value is None
    assert raw.strip()[:10] in err
    assert "伍万元整" in err  # the message shows how to write it


def test_the_chinese_reader_alone():
    assert parse_chinese_amount("零") == Decimal(0)
    assert parse_chinese_amount("伍万多元") is None
    assert parse_chinese_amount("") is None
