"""Cell value parsers. Each returns (value, None) or (None, a Chinese reason); none ever raises."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from selfgov_cli.io.numerals import looks_chinese, parse_chinese_amount
from selfgov_cli.money import fen

Parsed = tuple[Any, str | None]

_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．，－＋％：／（）　",
    "0123456789.,-+%:/() ",
)
_SPACES = re.compile(r"\s+")
_AMOUNT = re.compile(r"^(?P<sign>[-+]?)(?P<num>\d+(?:\.\d+)?)(?P<wan>万)?$")
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?万?$")  # thousands separators only
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_AMOUNT = Decimal(10) ** 15
# A local default (the spec sets no bound): no amount in a workbook of these programs (an
# application, a budget line, a ledger row, 自筹/核定金额) comes near 1亿元; a larger one is a slip,
# most often a mobile number (11 digits, 13–19…) typed into the amount cell. SG003, never money.
MAX_CELL_AMOUNT = Decimal(100_000_000)
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "✘", "x", "没有"}
_ERRORS = "#DIV/0! #REF! #N/A #VALUE! #NAME? #NUM! #NULL! #SPILL! #CALC! #GETTING_DATA"
EXCEL_ERRORS = frozenset(_ERRORS.split())


def _refuse_error_values(parser):
    """A cell showing an Excel error (#DIV/0!, #REF! …) is a clear parse failure, whatever its type."""

    @functools.wraps(parser)
    def parse(raw: Any) -> Parsed:
        if isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS:
            shown = raw.strip().upper()
            return None, f"单元格显示错误值 {shown}（公式出错或引用失效），请修正公式或改填数值"
        return parser(raw)

    return parse


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def clean_text(raw: Any) -> str:
    """Text of a cell, trimmed; numbers without a spurious .0."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if not raw.time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).replace("\u3000", " ").strip()


# The full marks a score header may state after its name (必要性（20分）, 可行性(15), 总分（满分100分）,
# 总分100分): rules/scores reads the number, the table reader strips it to find 总分 by its label.
FULL_MARKS_IN_HEADER = re.compile(
    r"[（(]\s*(?:满分)?\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$|(\d+(?:\.\d+)?)\s*分\s*$"
)

_LABELS: dict[str, str] = {}  # short text -> its label form: the same labels come back in
# every workbook of a folder (a plain dict: an lru_cache's wrapper cost more than the lookup)


def normalize_label(raw: Any) -> str:
    """A label or header as matched: no spaces, no trailing colon, no leading *; lower case."""
    if type(raw) is str:
        found = _LABELS.get(raw)
        if found is not None:
            return found
        if len(raw) <= 64:
            if len(_LABELS) >= 8192:
                _LABELS.clear()
            found = _LABELS[raw] = _normalize(raw)
            return found
    return _normalize(raw)


def _normalize(raw: Any) -> str:
    text = clean_text(raw).translate(_FULLWIDTH)
    text = _SPACES.sub("", text)
    text = text.lstrip("*＊").rstrip(":：")
    return text.lower()


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    return None


@_refuse_error_values
def parse_amount(raw: Any) -> Parsed:
    """Yuan to the fen: 50000, 50,000.00, ５００００, 5万, 5万元, 50000元, ¥50,000, a number, or
    Chinese numerals, 大写 or 小写 (伍万元整, 人民币壹万贰仟叁佰元伍角, 一万二千元)."""
    if is_empty(raw):
        return None, None
    num = _number(raw)
    if num is not None:
        return _to_fen(num, raw)
    if not isinstance(raw, str):
        return None, f"“{clean_text(raw)}”不是金额"
    text = _SPACES.sub("", raw.translate(_FULLWIDTH)).removeprefix("人民币")
    text = text.lstrip("¥￥").removesuffix("整").removesuffix("元")
    if text.startswith(("-¥", "-￥")):
        text = "-" + text[2:]
    if "," in text:
        if not _GROUPED.match(text):  # 12,00 or 1.200,00 is no amount: never read as 1200 or 1.20
            return None, (
                f"“{raw.strip()[:40]}”不是金额（逗号只作千位分隔，每三位一个，如 12,000.00；"
                "小数点用“.”）"
            )
        text = text.replace(",", "")
    match = _AMOUNT.match(text)
    if not match:
        if looks_chinese(text):
            words = parse_chinese_amount(raw.translate(_FULLWIDTH))
            if words is not None:
                return _to_fen(words, raw)
            return None, (
                f"“{raw.strip()[:40]}”不是金额（大写应写确切数目，如 伍万元整、壹万贰仟叁佰元伍角；"
                "或改填数字 50000）"
            )
        return None, f"“{raw.strip()[:40]}”不是金额（应写成 50000、50,000.00、5万元 或 伍万元整）"
    try:
        value = Decimal(match["num"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None, f"“{raw.strip()[:40]}”不是金额"
    if match["wan"]:
        value *= 10000
    if match["sign"] == "-":
        value = -value
    return _to_fen(value, raw)


def parse_cell_amount(raw: Any) -> Parsed:
    """An amount typed in a workbook cell: parse_amount, and over MAX_CELL_AMOUNT (1亿元) it is no
    amount: a mobile number (13900063352) is named as one. Settings and 人工认定 amounts use
    parse_amount."""
    value, err = parse_amount(raw)
    if err or value is None or abs(value) <= MAX_CELL_AMOUNT:
        return value, err
    if value == value.to_integral_value() and _MOBILE.match(str(abs(int(value)))):
        return None, "填的像是手机号码（11 位数字），不是金额"  # the number itself is masked anyway
    return None, f"“{clean_text(raw)[:40]}”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）"


def _to_fen(value: Decimal, raw: Any) -> Parsed:
    if abs(value) >= _MAX_AMOUNT:  # beyond any budget, and beyond exact rounding to the fen
        return None, f"“{clean_text(raw)[:40]}”金额过大，不是有效金额"
    return fen(value), None


@_refuse_error_values
def parse_decimal(raw: Any) -> Parsed:
    """A plain number (scores, quantities); a score typed with its unit (85分) is accepted."""
    if is_empty(raw):
        return None, None
    num = _number(raw)
    if num is not None:
        return num, None
    if isinstance(raw, str):
        text = _SPACES.sub("", raw.translate(_FULLWIDTH)).replace(",", "").removesuffix("分")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is not None and value.is_finite():
            return value, None
    return None, f"“{clean_text(raw)[:40]}”不是数字"


_PLACE = re.compile(r"第\s*([0-9０-９]+)\s*名")  # 第2名: a place in a ranking, typed as said


@_refuse_error_values
def parse_int(raw: Any) -> Parsed:
    """A whole number (people, staff, a place); 40人, 3名 and a place typed 第2名 are accepted."""
    number = raw
    if isinstance(raw, str):
        number = raw.strip()
        place = _PLACE.fullmatch(number)
        number = place.group(1) if place else number.removesuffix("人").removesuffix("个")
        number = number.removesuffix("名")
    value, err = parse_decimal(number)
    if err or value is None:
        return None, (f"“{clean_text(raw)[:40]}”不是整数" if err else None)
    if value != value.to_integral_value():
        return None, f"“{clean_text(raw)}”不是整数"
    return int(value), None


@_refuse_error_values
def parse_place(raw: Any) -> Parsed:
    """A place in a ranking (上年十佳排名): a whole number, 第2名, or 无 / “/” for none."""
    if isinstance(raw, str) and _none_key(raw) in NO_PLACE:
        return None, None
    return parse_int(raw)


def _serial(num: Decimal) -> date | None:
    if 1 <= num < 2958466 and num == num.to_integral_value():
        return _EXCEL_EPOCH + timedelta(days=int(num))
    return None


@_refuse_error_values
def parse_date(raw: Any) -> Parsed:
    """A date cell, an Excel serial, 2023-03-31, 2023/3/31, 2023.3.31, 2023年3月31日."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    num = _number(raw)
    if num is not None:
        day = _serial(num) if 1 <= num < 2958466 else None
        if day:
            return day, None
        return None, f"“{clean_text(raw)}”不是日期"
    if not isinstance(raw, str):
        return None, f"“{clean_text(raw)}”不是日期"
    text = (
        _SPACES.sub("", raw.translate(_FULLWIDTH))
        if "年" in raw
        else raw.translate(_FULLWIDTH).strip()
    )
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3])), None
            except ValueError:
                break
    if text.isascii() and text.isdigit() and len(text) <= 6:
        day = _serial(Decimal(text))
        if day:
            return day, None
    return None, f"“{raw.strip()[:40]}”不是日期（应写成 2023-03-31 或 2023年3月31日）"


@_refuse_error_values
def parse_bool(raw: Any) -> Parsed:
    """是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/×."""
    if is_empty(raw):
        return None, None
    if isinstance(raw, bool):
        return raw, None
    num = _number(raw)
    if num is not None:
        if num == 1:
            return True, None
        if num == 0:
            return False, None
    text = normalize_label(raw)
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None, f"“{clean_text(raw)[:40]}”不是是/否（应填 是 或 否）"


@_refuse_error_values
def parse_rate(raw: Any) -> Parsed:
    """85%, 0.85, or 85 (read as percent when > 1)."""
    if is_empty(raw):
        return None, None
    percent = False
    if isinstance(raw, str):
        text = _SPACES.sub("", raw.translate(_FULLWIDTH))
        if text.endswith("%"):
            percent, text = True, text[:-1]
        raw_num: Any = text
    else:
        raw_num = raw
    value, err = parse_decimal(raw_num)
    if err or value is None:
        return None, f"“{clean_text(raw)[:40]}”不是比例（应写成 85% 或 0.85）"
    if percent or value > 1:
        value = value / 100
    if value < 0 or value > 1:
        return None, f"“{clean_text(raw)}”不在 0%–100% 之间"
    return value, None


@_refuse_error_values
def parse_text(raw: Any) -> Parsed:
    if is_empty(raw):
        return None, None
    return clean_text(raw), None


@_refuse_error_values
def parse_id(raw: Any) -> Parsed:
    """A 项目编号 as text, full-width letters, digits and signs made plain (NFKC): a clerk cannot
    see that `ＰＸ－２０２７－００１` typed with a Chinese input method is not `PX-2027-001`, so
    the two are one project."""
    if is_empty(raw):
        return None, None
    return unicodedata.normalize("NFKC", clean_text(raw)).strip(), None


# what a cell writes for "none", compared after NFKC (／ is /), without spaces, upper case
NONE_WORDS = frozenset(("无", "/", "-", "—", "——", "--", "N/A", "NA"))
# 发票号 cells that say "no invoice": never a number, never a duplicate (SG016 where it applies)
INVOICE_PLACEHOLDERS = NONE_WORDS | {"暂无", "空", "无发票"}
# a place cell that says "none" (上年十佳排名 of a project that was not 十佳): empty, not SG003
NO_PLACE = NONE_WORDS | {"没有", "否", "不是", "未入选", "未获得", "非十佳", "无排名"}


def _none_key(text: str) -> str:
    """A text as NONE_WORDS are compared: NFKC, no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def invoice_key(text: str) -> str:
    """The 发票号 as compared, by SG010 and by 发票归属 alike: full-width folded (NFKC: ＦＰ００１
    typed with a Chinese input method is FP001), no spaces, upper case; "" for an empty cell or a
    placeholder."""
    if text.isascii():
        if text.isdigit():  # most 发票号: the text is its own key (no copy a ledger row)
            return text
    else:
        text = unicodedata.normalize("NFKC", text)
    # letters and digits only: nothing to take out
    key = text.upper() if text.isalnum() else "".join(text.split()).upper()
    return "" if key in INVOICE_PLACEHOLDERS else key


PARSERS = {
    "text": parse_text,
    "id": parse_id,
    "amount": parse_cell_amount,
    "date": parse_date,
    "bool": parse_bool,
    "rate": parse_rate,
    "int": parse_int,
    "place": parse_place,
    "number": parse_decimal,
}

TYPE_NAMES = {
    "amount": "金额",
    "date": "日期",
    "bool": "是/否",
    "rate": "比例",
    "int": "整数",
    "place": "名次",
    "number": "数字",
    "text": "文本",
    "id": "编号",
}


def did_you_mean(text: str, names: Any, cutoff: float = 0.6, quote: bool = False) -> str:
    """'是不是 year？' (quote: '是不是“悦家”？') for the one of names a typo was close to, else ''.
    Two-character Chinese names differ by half at one wrong character: pass cutoff 0.5."""
    close = _closest(text.strip(), tuple(names), cutoff)
    if close is None:
        return ""
    return f"是不是“{close}”？" if quote else f"是不是 {close}？"


@functools.lru_cache(maxsize=1024)  # a mistyped name repeats on many ledger rows
def _closest(text: str, names: tuple[str, ...], cutoff: float) -> str | None:
    found = difflib.get_close_matches(text, names, n=1, cutoff=cutoff)
    return found[0] if found else None
