"""Annotated copies go back to their authors: every original cell keeps its value and its type
(a text phone, a text date, `00012345`, a formula with its cached value). Every .xlsx goes through
the zip patcher, which keeps them all; openpyxl (the fallback) keeps every value and type but
cannot keep a formula's saved value."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.pipeline import run
from selfgov_cli.report.annotate import placed, write_copy
from tests.helpers import write_config, write_form

AS_OF = date(2023, 12, 31)
FORM = {
    "项目编号": "PX-1",
    "项目名称": "楼道微更新",
    "项目类别": "悦家",
    "居民区": "浦兴一居",
    "申报主体": "浦兴一居委",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "否",  # PX001: the copy has a note on this workbook
    "联系电话": "13812345678",  # text, never masked in the copy
    "申请金额": 10000,
    "开始日期": "2023-03-01",  # a date typed as text stays text
    "结束日期": "2023-12-31",
    "征询居民人数": 45,
    "听证会日期": "2023-02-15",
    "项目简介": "联系人 13812345678，编号 00012345",
    "备案编号": "00012345",  # leading zeros: text, not the number 12345
    "合计": "FORMULA",  # replaced below by <f>SUM(1,1)</f> with the cached value 2
}


def _with_cached_formula(path: Path, cell: str) -> None:
    """Put a formula with a saved value into `cell` (what Excel writes; openpyxl cannot)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = parts[name].decode("utf-8")
    start = xml.index(f'<c r="{cell}"')
    end = xml.index("</c>", start) + len("</c>")
    parts[name] = (xml[:start] + f'<c r="{cell}"><f>SUM(1,1)</f><v>2</v></c>' + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def _cells(path: Path, data_only: bool) -> dict[tuple[str, str], tuple]:
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return {
        (ws.title, c.coordinate): (c.value, c.data_type)
        for ws in wb.worksheets
        if ws.title != "问题清单"
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


@pytest.mark.parametrize("patch_min", [None, 10**12], ids=["default", "openpyxl-fallback"])
def test_every_original_value_and_type_is_kept(tmp_path, patch_min):
    write_config(tmp_path, "puxing-2023")
    cells = write_form(tmp_path / "申报.xlsx", FORM, budget=[("工作经费", "物资", 10000)])
    _with_cached_formula(tmp_path / "申报.xlsx", cells["合计"])
    outcome = run(tmp_path, as_of=AS_OF)
    notes = placed(outcome)["申报.xlsx"]
    assert [f.rule for f, _, _ in notes if f.rule == "PX001"] == ["PX001"]
    copy = write_copy(tmp_path / "申报.xlsx", tmp_path / "out.xlsx", notes, AS_OF, patch_min)
    assert copy is not None
    formula = cells["合计"]
    assert _cells(copy, False) == _cells(tmp_path / "申报.xlsx", False)
    assert _cells(copy, False)[("申报表", formula)] == ("=SUM(1,1)", "f")
    saved = _cells(copy, True)
    if patch_min is None:  # the default writer keeps the formula's saved value too
        assert saved == _cells(tmp_path / "申报.xlsx", True)
        assert saved[("申报表", formula)] == (2, "n")
    else:  # openpyxl keeps everything but the saved value of a formula
        assert ("申报表", formula) not in saved
    for label in ("联系电话", "开始日期", "备案编号"):
        value, kind = _cells(copy, False)[("申报表", cells[label])]
        assert (value, kind) == (FORM[label], "s")
    assert "问题清单" in openpyxl.load_workbook(copy).sheetnames
