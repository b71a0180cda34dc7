"""Output safety: masking, scrubbing, formula-proof cells, atomic and deterministic files."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date

import openpyxl
import pytest

from selfgov_cli.report.safe import (
    atomic_write,
    csv_text,
    mask_name,
    put,
    safe_cell,
    save_workbook,
    scrub,
    workbook_bytes,
)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张*丰"),
        ("李四", "李*"),
        ("欧阳娜娜", "欧阳*娜"),
        ("欧阳娜", "欧阳*"),
        ("司马相如", "司马*如"),
        ("欧阳", "欧*"),  # two characters: a one-character surname
        ("王", "王*"),
        ("  张三丰 ", "张*丰"),
        ("张三、李四", "张*、李*"),
        ("张三丰,诸葛亮亮", "张*丰,诸葛*亮"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_name_drops_a_phone_number_in_the_field():
    assert mask_name("张三丰 13812345678") == "张*丰 ***"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("电话13812345678", "电话***"),
        ("电话 138-1234-5678。", "电话 ***。"),
        ("+86 13812345678", "***"),
        ("座机021-58881234转", "座机***转"),
        ("（021）58881234", "***"),
        ("身份证310101199001011234", "身份证***"),
        ("身份证31010119900101123X号", "身份证***号"),
        ("老证310101900101123", "老证***"),
        # not phones: amounts, dates, project ids, 8-digit invoice numbers
        (
            "金额 50000.00 元，2023-03-31，PX-2023-001，发票号 12345678",
            "金额 50000.00 元，2023-03-31，PX-2023-001，发票号 12345678",
        ),
        ("123138123456789", "123138123456789"),  # 15 digits but no birth date: not an ID
    ],
)
def test_scrub(text, clean):
    assert scrub(text) == clean


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "#N/A", "=1"]
)
def test_dangerous_text_stays_text_in_xlsx(tmp_path, text):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.cell(row=1, column=1, value=safe_cell(text))
    put(ws, 2, 1, text)
    path = tmp_path / "x.xlsx"
    save_workbook(wb, path, date(2023, 12, 31))
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and 't="e"' not in sheet
    back = openpyxl.load_workbook(path)
    for row in (1, 2):
        cell = back.active.cell(row=row, column=1)
        assert (cell.value, cell.data_type) == (text, "s")
    assert back.active["A2"].quotePrefix is True


def test_safe_cell_removes_control_characters_and_keeps_other_values():
    assert safe_cell("a\x00b\x1fc") == "abc"
    assert safe_cell(12) == 12
    assert safe_cell(None) is None
    assert safe_cell("普通文本") == "普通文本"


def test_csv_text():
    assert csv_text("=1+1") == "'=1+1"
    assert csv_text("-3") == "'-3"
    assert csv_text("正常") == "正常"
    assert csv_text(None) == ""


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sub" / "a.html"
    atomic_write(target, "第一版")
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.html"]


def test_atomic_write_failure_leaves_old_file(tmp_path):
    target = tmp_path / "a.txt"
    atomic_write(target, "old")
    with pytest.raises(TypeError):
        atomic_write(target, 123)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def _book():
    wb = openpyxl.Workbook()
    wb.active.append(["项目", 1.5])
    wb.active["A3"].comment = openpyxl.comments.Comment("说明", "sgov")
    return wb


def test_workbook_bytes_are_identical_for_the_same_date(tmp_path):
    first = workbook_bytes(_book(), date(2023, 12, 31))
    second = workbook_bytes(_book(), date(2023, 12, 31))
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    assert workbook_bytes(_book(), date(2024, 1, 1)) != first
    path = tmp_path / "b.xlsx"
    path.write_bytes(first)
    props = openpyxl.load_workbook(path).properties
    assert (props.created.date(), props.modified.date()) == (date(2023, 12, 31), date(2023, 12, 31))
