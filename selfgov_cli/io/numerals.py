"""Amounts written in Chinese numerals, 大写 (伍万元整, 人民币壹万贰仟叁佰元伍角) or 小写 (五万元,
一万二千元), read exactly to a Decimal. Anything vague (伍万多元, 约五万, 一万二) is refused.

A small exact reader of our own: no dependency, and every accepted form is listed in the tests.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
YUAN = ("元", "圆", "圓")
PREFIXES = ("人民币", "(大写)", "（大写）", "大写", "金额")
NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)


def looks_chinese(text: str) -> bool:
    """True when text holds a Chinese numeral (so a refusal can say how to write it)."""
    return any(ch in NUMERAL_CHARS for ch in text)


def _section(text: str) -> int | None:
    """A number below 10,000: 一千二百零五, 十五, 伍佰, 零; None when not exact."""
    if not text:
        return None
    total = 0
    digit: int | None = None
    last_unit = 10_000  # units must fall within a section: 千 > 百 > 十
    after_zero = False
    prev_unit: int | None = None
    for i, ch in enumerate(text):
        if ch in DIGITS:
            value = DIGITS[ch]
            if digit is not None:  # two digits running (一二) is not a number
                return None
            if value == 0:
                if after_zero or i == len(text) - 1 and i > 0:
                    return None  # 零零, or a trailing 零
                after_zero = True
                continue
            digit = value
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit:
                return None  # 十百, 百百: out of order
            if digit is None:
                if unit == 10 and i == 0:
                    digit = 1  # 十五 = 15
                else:
                    return None
            total += digit * unit
            digit = None
            last_unit = unit
            prev_unit = unit
            after_zero = False
        else:
            return None
    if digit is not None:
        # a digit after a unit needs a 零 unless the unit is 十 (一百五 is colloquial: refused)
        if prev_unit is not None and prev_unit != 10 and not after_zero:
            return None
        total += digit
    elif after_zero and total == 0 and text not in ("零", "〇", "○"):
        return None
    return total


def _integer(text: str) -> int | None:
    """A whole number of yuan: sections joined by 亿 and 万 (壹拾万, 一亿零五百万, 五万)."""
    if not text:
        return None
    total = 0
    rest = text
    for unit_chars, scale in (("亿億", 10**8), ("万萬", 10**4)):
        for mark in unit_chars:
            if mark in rest:
                head, _, rest = rest.partition(mark)
                if mark in rest or not head:
                    return None
                value = _section(head) if scale == 10**4 else _integer(head)
                if value is None or value == 0:
                    return None
                total += value * scale
                break
    if rest:
        lead_zero = rest[0] in "零〇○" and total > 0
        tail = _section(rest[1:] if lead_zero else rest)
        if tail is None:
            return None
        if total and not lead_zero and tail and tail < 1000 and _starts_low(rest):
            return None  # 一万二 / 一万五十: a lower place after 万 needs 零 (一万零五十)
        total += tail
    return total


def _starts_low(text: str) -> bool:
    """The section starts below the 千 place (so 万 is followed by a gap that needs 零)."""
    return not any(ch in "千仟" for ch in text)


def _fraction(text: str) -> Decimal | None:
    """角 and 分: 伍角, 伍角叁分, 零叁分, 叁分."""
    if text.startswith(("零", "〇")):
        text = text[1:]
    value = Decimal(0)
    if "角" in text:
        head, _, text = text.partition("角")
        if len(head) != 1 or head not in DIGITS:
            return None
        value += Decimal(DIGITS[head]) / 10
        if text.startswith(("零", "〇")):
            return None
    if text:
        if not text.endswith("分") or len(text) != 2 or text[0] not in DIGITS:
            return None
        value += Decimal(DIGITS[text[0]]) / 100
    return value


def parse_chinese_amount(text: str) -> Decimal | None:
    """Yuan in Chinese numerals, exactly, or None: 伍万元整 -> 50000, 人民币壹万贰仟叁佰元伍角 -> 12300.5,
    一万二千元 -> 12000, 叁佰元零伍分 -> 300.05. Spaces and a trailing 整/正 are ignored."""
    text = "".join(text.split())
    before = None
    while before != text:  # 人民币（大写）：伍万元整
        before = text
        for prefix in PREFIXES:
            text = text.removeprefix(prefix).lstrip(":：")
    text = text.removesuffix("整").removesuffix("正")
    if not text:
        return None
    yuan_at = max(text.rfind(mark) for mark in YUAN)
    if yuan_at >= 0:
        whole, fraction = text[:yuan_at], text[yuan_at + 1 :]
        if any(mark in whole for mark in YUAN):
            return None
    elif "角" in text or text.endswith("分"):
        whole, fraction = "", text
    else:
        whole, fraction = text, ""
    value = Decimal(0)
    if whole:
        number = _integer(whole)
        if number is None:
            return None
        value += number
    if fraction:
        part = _fraction(fraction)
        if part is None:
            return None
        value += part
    elif not whole:
        return None
    return value
