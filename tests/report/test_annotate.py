"""Annotated copies: fill and comment on the exact cells, 问题清单 first, originals untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.report.annotate import FILLS, placed, render_annotated
from selfgov_cli.rules.engine import Finding, Severity
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_table
from tests.report.folders import AS_OF, INJECT_NAME, puxing_folder


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder(tmp_path):
    return puxing_folder(tmp_path / "puxing")


def test_copies_have_fill_and_comment_on_exact_cells(folder, tmp_path):
    before = _hashes(folder)
    written = render_annotated(validate(folder, as_of=AS_OF), tmp_path / "out", AS_OF)
    out = tmp_path / "out" / "annotated"
    assert [p.relative_to(out).as_posix() for p in written] == [
        "applications/四居.xlsx",
        "台账.xlsx",
    ]
    assert _hashes(folder) == before

    form = openpyxl.load_workbook(out / "applications" / "四居.xlsx")
    assert form.sheetnames == ["问题清单", "申报表", "预算明细"]
    cell = form["申报表"]["B12"]
    assert cell.value == 12
    assert cell.fill.fgColor.rgb == "00" + FILLS["error"]
    assert cell.comment.text.startswith("[PX003 错误] 征询居民人数为 12 人，少于 40 人")
    assert "改正：" in cell.comment.text and "依据：浦兴 附件1 一.2" in cell.comment.text

    ledger = openpyxl.load_workbook(out / "台账.xlsx")
    sheet = ledger["经费台账"]
    assert sheet["I4"].fill.fgColor.rgb == "00" + FILLS["error"]
    assert sheet["I4"].comment.text.startswith("[PX011 错误] 负责人签字为空")
    assert sheet["J3"].fill.fgColor.rgb == "00" + FILLS["warning"]
    assert sheet["J3"].comment.text.startswith("[PX012 警告]")
    assert sheet["A2"].fill.fgColor.rgb == "00000000"  # a cell with no finding is left alone
    assert sheet["A2"].comment is None


def test_issue_list_sheet_with_links(folder, tmp_path):
    render_annotated(validate(folder, as_of=AS_OF), tmp_path / "out", AS_OF)
    book = openpyxl.load_workbook(tmp_path / "out" / "annotated" / "台账.xlsx")
    ws = book["问题清单"]
    rows = [tuple(c.value for c in row[:6]) for row in ws.iter_rows(min_row=1)]
    assert rows == [
        ("序号", "级别", "规则", "项目编号", "工作表", "单元格"),
        (1, "警告", "PX012", "PX-2023-002", "经费台账", "J3"),
        (2, "错误", "PX011", "PX-2023-004", "经费台账", "I4"),
    ]
    assert ws["F2"].hyperlink.location == "'经费台账'!J3"
    assert ws["G2"].value.endswith("报销单上应注明“自治金项目”及具体项目名称")
    assert (
        INJECT_NAME in ws["G2"].value and ws["G2"].data_type == "s"
    )  # message text, never a formula
    assert book.active.title == "问题清单"


def _finding(rule, pid, file=None, sheet=None, cell=None, row=None, severity=Severity.ERROR):
    return Finding(rule, severity, pid, file, sheet, cell, row, "消息", "依据", "改正")


def test_placement_rules(folder):
    result = validate(folder, as_of=AS_OF)
    result.findings = [
        _finding(
            "SG006", "PX-2023-001", "applications/一居.xlsx"
        ),  # project-level: the 项目编号 cell
        _finding("SG009", "PX-2023-001", "台账.xlsx", "经费台账", None, 3),  # row-level: column A
        _finding("SG008", None, "其他.xlsx"),  # file-level: listed, no cell
        _finding("PX014", None),  # folder-level: no file, not in any copy
    ]
    assert {k: [(n[0].rule, n[1], n[2]) for n in v] for k, v in placed(result).items()} == {
        "applications/一居.xlsx": [("SG006", "申报表", "B1")],
        "台账.xlsx": [("SG009", "经费台账", "A3")],
        "其他.xlsx": [("SG008", None, None)],
    }


def test_csv_input_gets_an_xlsx_copy(tmp_path):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    (folder / "经费台账.csv").write_text(
        ",".join(LEDGER_HEADER)
        + "\n2023-04-01,PX-2023-001,工作经费,物资,300,F9,店,居民,否,自治金项目 楼道微更新\n",
        encoding="utf-8",
    )
    before = _hashes(folder)
    written = render_annotated(validate(folder, as_of=AS_OF), tmp_path / "out", AS_OF)
    assert [p.name for p in written] == ["四居.xlsx", "经费台账.csv.xlsx"]  # 四居: PX003
    sheet = openpyxl.load_workbook(written[1])["经费台账"]
    assert sheet["I2"].comment.text.startswith("[PX011 错误]")
    assert _hashes(folder) == before


def test_byte_identical_reruns(folder, tmp_path):
    result = validate(folder, as_of=AS_OF)
    first = [p.read_bytes() for p in render_annotated(result, tmp_path / "a", AS_OF)]
    second = [
        p.read_bytes()
        for p in render_annotated(validate(folder, as_of=AS_OF), tmp_path / "b", AS_OF)
    ]
    assert first == second


def test_existing_comment_is_kept(tmp_path):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    path = write_table(
        folder / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            (
                "2023-04-01",
                "PX-2023-001",
                "工作经费",
                "物资",
                300,
                "F9",
                "店",
                "居民",
                "",
                "自治金项目 楼道微更新",
            )
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb["经费台账"]["I2"].comment = openpyxl.comments.Comment("会计：待补签", "会计")
    wb.save(path)
    copy = render_annotated(validate(folder, as_of=AS_OF), tmp_path / "out", AS_OF)[-1]
    assert copy.name == "台账.xlsx"
    text = openpyxl.load_workbook(copy)["经费台账"]["I2"].comment.text
    assert text.startswith("会计：待补签\n\n[PX011 错误]")
