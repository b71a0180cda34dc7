"""Amounts in Chinese numerals (大写 and 小写): read exactly, or refused (SG003) when vague."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# ---- every amount written the formal way reads back exactly ----------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")


def _section(x: int) -> str:
    out, zero = "", False
    for i in range(3, -1, -1):
        d = x // 10**i % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += "零"
        zero = False
        out += _DIGITS[d] + _UNITS[i]
    return out


def daxie(fen: int) -> str:
    """A formal 大写 amount, as a bank or a form writes it."""
    yuan, rest = divmod(fen, 100)
    jiao, fen_ = divmod(rest, 10)
    hi, lo = divmod(yuan, 10000)
    text = ""
    if hi:
        text += _section(hi) + "万"
        if lo and lo < 1000:
            text += "零"
    if lo or not hi:
        text += _section(lo) if lo else ("" if hi else "零")
    text += "元"
    if not rest:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen_:
        text += "零"
    if fen_:
        text += _DIGITS[fen_] + "分"
    return text


@given(st.integers(min_value=1, max_value=99_999_999_99))
def test_every_formal_daxie_amount_reads_back_exactly(fen):
    text = daxie(fen)
    assert parse_chinese_amount(text) == Decimal(fen) / 100, text


@given(st.text(alphabet="零一二两三五十百千万亿壹贰叁伍拾佰仟元角分整多余约人民币", max_size=14))
def test_the_chinese_reader_never_raises(text):
    parse_amount(text)
