"""The one personal-data detector: the hostile forms named in issue 17, and what it must leave alone."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.privacy import MASK, find, scrub, scrub_data, scrub_value

MASKED = [
    ("13812345678", MASK),
    ("１３８１２３４５６７２", MASK),
    ("138－1234－5673", MASK),
    ("138.1234.5674", MASK),
    ("138 1234 5670", MASK),
    ("138-1234-5671", MASK),
    ("Tel13812345675", f"Tel{MASK}"),
    ("手机13812345675号", f"手机{MASK}号"),
    ("+86 138 1234 5678", MASK),
    ("(021)5888-1238", MASK),
    ("（021）5888-1238", MASK),
    ("021 5888 1237", MASK),
    ("021-58881234", MASK),
    ("021-58881234-802", MASK),
    ("02158881234", MASK),
    ("0571-8765432", MASK),
    ("310101199001011250", MASK),
    ("31010119900101125X", MASK),
    ("31010119900101125x", MASK),
    ("310101 19900101 1250", MASK),
    ("３１０１０１１９９００１０１１２５０", MASK),
    ("310101900101125", MASK),  # the old 15-digit number
    ("zhang.san@example.com", MASK),
    ("联系 li_si+x@mail.sh.gov.cn 谢谢", f"联系 {MASK} 谢谢"),
    ("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", MASK),
    ("6222021234567890", MASK),
    ("6222021234567890123", MASK),
    ("6222 0212 3456 7890", MASK),
    ("6222-0212-3456-7890-123", MASK),
    (
        '=HYPERLINK("http://x/?"&B7,"核对 13812345678")',
        f'=HYPERLINK("http://x/?"&B7,"核对 {MASK}")',
    ),
    ("负责人张三 13812345678、李四 13912345678", f"负责人张三 {MASK}、李四 {MASK}"),
    # helper-b's attack (seventh session): forms that went out unmasked
    ("008613812345678", MASK),
    ("0086 13812345678", MASK),
    ("+86 21 5888 1234", MASK),
    ("摘要 +86-21-5888-1234", f"摘要 {MASK}"),
    ("0086 571 8765 4321", MASK),
    ("138 - 1234 - 5678", MASK),
    ("138/1234/5678", MASK),
    ("138·1234·5678", MASK),
    ("138\u200b1234\u200b5678", MASK),  # zero-width spaces, as pasted from a web page
    ("1381\u200b2345678", MASK),
    ("+银山议事会\u202e138\u200b1234\u200b5678", f"+银山议事会{MASK}"),
    # invisible characters go, even where there is no number: a bidi override reorders a line
    ("银山\u202e议事会", "银山议事会"),
    ("\u202e张三", "张三"),
    ("PX-2023-007\u202e\u2066000,02", "PX-2023-007000,02"),
    ("德州\x9b2J读书会\x9d8;;http:e\x9c链\x7f", "德州2J读书会8;;http:e链"),  # C1 controls, DEL
]

KEPT = [
    "22000",
    "22000.00",
    "1,234,567.89",
    "2023-10-12",
    "2023.10.12",
    "2023年10月12日",
    "20231012",
    "PX-2023-004",
    "GH-2023-0012",
    "03100190",  # an invoice number
    "12345678",
    "031001900104",  # a 发票代码 (12 digits)
    "3100190104",  # a 发票代码 (10 digits)
    "23312000000012345678",  # a 20-digit 全电发票 number
    "138123456789",  # twelve digits is not a mobile number
    "项目预算 3000 元，第1期 50%",
    "310101 19901301 1250",  # month 13: not a birth date
    "第 1 至 4 季度",
    "v1.2.3",
    "@张三",
    "2023/10/12",
    "2023-10-12 - 2023-11-01",
    "22000/3",
    "86-21-58881234",  # no + or 00: not taken for a country code
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masked(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_kept(text):
    assert find(text) == []
    assert scrub(text) == text


def test_numbers_in_cells():
    assert scrub_value(13812345678) == MASK
    assert scrub_value(13812345678.0) == MASK
    assert scrub_value(22000) == 22000
    assert scrub_value(True) is True
    assert scrub_value(None) is None


def test_json_tree():
    data = {"name": "活动 13812345678", "rows": [{"invoice_no": "03100190"}, 5, None]}
    assert scrub_data(data) == {
        "name": f"活动 {MASK}",
        "rows": [{"invoice_no": "03100190"}, 5, None],
    }


def test_numbers_under_eleven_digits_are_never_searched_because_none_can_match():
    """scrub_value skips find() for whole numbers under 10**10: every number find() knows has at
    least 11 digits. The premise, on the prefixes of each kind, and the skip's edges."""
    kinds = ["13812345678", "02158881234", "310101199001011250", "6222021234567890123"]
    for text in kinds:
        for k in range(1, 11):
            assert find(text[:k]) == [] and find("-" + text[:k]) == []
            assert scrub_value(int(text[:k])) == int(text[:k])
        assert find(text) != [] and scrub_value(text) == MASK  # as a number, a landline's 0 goes
    assert scrub_value(9_999_999_999) == 9_999_999_999
    assert scrub_value(13812345678) == MASK and scrub_value(6222021234567890123) == MASK
    assert scrub_value(-13812345678) == MASK and scrub_value(-13812345678.0) == MASK


def test_file_names_in_gbk_become_readable_text():
    """Linux hands a GBK file name to Python as lone surrogates, which no UTF-8 output can hold."""
    import os

    from selfgov_cli.privacy import readable

    gbk = os.fsdecode("申报/".encode() + "德州读书会13812345678".encode("gbk") + b".xlsx")
    assert gbk != "申报/德州读书会13812345678.xlsx"  # some of its bytes even pass for UTF-8
    assert readable(gbk) == "申报/德州读书会13812345678.xlsx"
    assert scrub(gbk) == f"申报/德州读书会{MASK}.xlsx"
    assert readable(os.fsdecode(b"\xff\xfe.xlsx")) == "\ufffd\ufffd.xlsx"  # not GB18030 either
    assert readable("x\ud800y") == "x\ufffdy"
    assert readable("申报/德州.xlsx") == "申报/德州.xlsx"


# pieces of numbers (area codes, groups, country codes, birth dates), every separator a number may
# hold (with their full-width and invisible forms), letters, X, @ and text around them
_PIECES = [
    *"0123456789",
    *("021", "(021)", "（０２１）", "5888", "1234", "138", "１３８", "+86", "0086", "86"),
    *("310101", "19900101", "125", "6222", "X", "x"),
    *" .-/()+－．／（）＋·\u3000\u200b\u202e@＠a,元，号",
]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_the_quick_ten_digit_check_never_skips_a_number_the_pattern_finds(text):
    """Issue 18: find() skips the whole pattern when the folded text has no @ and no run of ten
    digits with only separators between them; it must find exactly what the pattern alone does."""
    from selfgov_cli.privacy import _PATTERN, fold

    expected = [m.span() for m in _PATTERN.finditer(fold(text))] if text else []
    assert find(text) == expected
