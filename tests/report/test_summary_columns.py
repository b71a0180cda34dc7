"""The summary report shows the same tables with the same columns in md, html and xlsx."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from selfgov_cli.report.summary import render_summary, summary_data
from selfgov_cli.validate import validate
from tests.report.folders import AS_OF, add_scores, puxing_folder

CATEGORY = ["项目类别", "申报", "通过", "申请金额", "核定金额", "已拨付", "已支出", "合规支出"]
CATEGORY += ["使用率", "执行率", "可收回"]
RANKING = ["名次", "项目编号", "项目名称", "居民区", "评审人数", "平均分", "调整后得分"]
RANKING += ["加减分", "标记"]


@pytest.fixture
def written(tmp_path):
    folder = puxing_folder(tmp_path / "puxing")
    add_scores(folder)
    outcome = validate(folder, as_of=AS_OF)
    data = summary_data(outcome)
    return {
        fmt: render_summary(outcome, tmp_path / "out", fmt, data=data)[0]
        for fmt in ("md", "html", "xlsx")
    }


def _md_header(text: str, title: str) -> list[str]:
    table = text.split(f"## {title}\n", 1)[1].lstrip("\n").splitlines()
    return [cell.strip() for cell in table[0].strip("|").split("|")]


def _html_header(text: str, title: str) -> list[str]:
    head = text.split(f"、{title}</h2>", 1)[1].split("</thead>", 1)[0]
    return re.findall(r"<th[^>]*>([^<]*)</th>", head)


@pytest.mark.parametrize(
    ("title", "sheet", "header"),
    [("各类别情况", "按类别", CATEGORY), ("评审排名", "评审排名", RANKING)],
)
def test_md_html_and_xlsx_tables_have_the_same_columns(written, title, sheet, header):
    md = written["md"].read_text(encoding="utf-8")
    html = written["html"].read_text(encoding="utf-8")
    xlsx = [c.value for c in load_workbook(written["xlsx"])[sheet][1]]
    assert (_md_header(md, title), _html_header(html, title), xlsx) == (header, header, header)


def test_md_rows_carry_the_same_figures(written):
    md = written["md"].read_text(encoding="utf-8")
    assert (
        "| 悦家 | 4 | 2 | 40,000.00 | 19,000.00 | 15,000.00 | 4,300.00 | 3,500.00 | 23.33% | 18.42% | 0.00 |"
        in md
    )
    assert "| 2 | PX-2023-001 | 楼道微更新 | 浦兴一居 | 3 | 82.00 | 82.00 |  |  |" in md
