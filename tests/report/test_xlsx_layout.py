"""Every xlsx output: widths from content (CJK double, capped), long text wrapped, A4 print set-up."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.report.disburse_xlsx import write_disbursement
from selfgov_cli.report.rank_xlsx import write_ranking
from selfgov_cli.report.xlsx_layout import MAX_WIDTH, lay_out, text_width
from selfgov_cli.validate import validate

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "puxing-2023"
AS_OF = date(2023, 12, 31)


@pytest.fixture(scope="module")
def result():
    return validate(SAMPLE, as_of=AS_OF)


def test_text_width_counts_cjk_double_and_takes_the_widest_line():
    assert text_width("PX-2023-001") == 11
    assert text_width("居民区") == 6
    assert text_width("第一行\nlonger line here") == 16
    assert text_width("（全角）") == 8
    assert text_width(None) == 0
    assert text_width(30000) == text_width(30000.0) == len("30,000.00")


def assert_printable(wb) -> None:
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        if ws.freeze_panes:
            row = int(ws.freeze_panes[1:]) - 1
            assert ws.print_title_rows == f"${row}:${row}", ws.title


def assert_fitted(ws) -> None:
    """Every column as wide as its widest unmerged cell (+2), capped; overflowing text wraps."""
    merged = {c for r in ws.merged_cells.ranges for c in r.cells}
    for col in ws.iter_cols():
        cells = [c for c in col if c.value is not None and (c.row, c.column) not in merged]
        if not cells:
            continue
        widest = max(text_width(c.value) for c in cells)
        width = ws.column_dimensions[cells[0].column_letter].width
        assert width == min(MAX_WIDTH, max(6, widest + 2)), (ws.title, cells[0].column_letter)
        for c in cells:
            if isinstance(c.value, str) and ("\n" in c.value or text_width(c.value) > width - 2):
                assert c.alignment.wrap_text, (ws.title, c.coordinate)


def test_disbursement_workbook_is_fitted_wrapped_and_printable(result, tmp_path):
    path = write_disbursement(result.disbursement.to_dict(), tmp_path / "拨付核算.xlsx", AS_OF)
    wb = openpyxl.load_workbook(path)
    assert_printable(wb)
    for ws in wb.worksheets:
        assert_fitted(ws)
    ws = wb["项目拨付"]
    assert ws.column_dimensions["A"].width == 13  # PX-2023-001 + 2
    assert ws.page_setup.orientation == "landscape"


def test_ranking_workbook_long_text_sheets_are_wide_and_wrapped(result, tmp_path):
    data = result.review.to_dict()
    path = write_ranking(data, tmp_path / "评审排名.xlsx", AS_OF, "浦兴")
    wb = openpyxl.load_workbook(path)
    assert_printable(wb)
    for name in ("评审排名", "评审明细", "未排名", "排名方法"):
        assert_fitted(wb[name])
    why = wb["评审排名"]
    multi = [
        c for row in why.iter_rows() for c in row if isinstance(c.value, str) and "\n" in c.value
    ]
    assert multi and all(c.alignment.wrap_text for c in multi)
    assert max(why.column_dimensions[c].width for c in why.column_dimensions) == MAX_WIDTH


def test_lay_out_keeps_a_writer_s_own_print_choices():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = "标题", "很长的说明文字" * 20
    ws.page_setup.orientation = "portrait"
    ws.print_title_rows = "1:1"
    lay_out(wb)
    assert ws.page_setup.orientation == "portrait" and ws.print_title_rows == "$1:$1"
    assert ws.column_dimensions["A"].width == MAX_WIDTH
    assert ws["A2"].alignment.wrap_text and not ws["A1"].alignment.wrap_text


def test_the_builtin_templates_are_the_top_level_folder_one_copy():
    from selfgov_cli.report.env import BUILTIN_TEMPLATES

    root = Path(__file__).resolve().parents[2]
    assert BUILTIN_TEMPLATES == root / "templates"
    assert sorted(p.name for p in BUILTIN_TEMPLATES.glob("*.j2")) == [
        "_base.html.j2",
        "publicity.html.j2",
        "publicity.md.j2",
        "summary.html.j2",
        "summary.md.j2",
    ]
    assert not list((root / "selfgov_cli").rglob("*.j2"))
