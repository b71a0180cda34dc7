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
    [
        ("各类别情况", "按类别", CATEGORY),
        ("评审排名（立项评审）", "评审排名（立项评审）", RANKING),
    ],
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


def test_the_gonghe_summary_states_the_pool(tmp_path):
    """Clerk audit (共和新路): the summary report — the street's account of the year — never said how
    the 资金池 (七: 年度一般不超过20万元) was spent: not the 一居一品 top-ups, not what the 七彩微创投
    took, not what was left. It now says it in 总体情况, as `sgov rank` does, in md, html and xlsx."""
    from tests.helpers import write_config, write_form, write_table

    write_config(tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": 20000})
    base = {
        "项目类别": "七彩微创投",
        "意向": "睦邻友好建设",
        "申报主体": "共和一居委",
        "项目负责人": "王五",
        "申请金额": 3000,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
    }
    brand = {"项目类别": "一居一品", "意向": "搭建一个社区自治载体", "申请金额": 26000}
    for pid, extra in (("GH-1", brand), ("GH-2", {}), ("GH-3", {})):
        form = {**base, "项目编号": pid, "项目名称": f"项目{pid}", "居民区": f"居{pid}", **extra}
        write_form(tmp_path / f"{pid}.xlsx", form, budget=[("工作经费", "物资", form["申请金额"])])
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("GH-1", "甲", 90), ("GH-2", "甲", 80), ("GH-3", "甲", 70)],
    )
    outcome = validate(tmp_path, as_of=AS_OF)
    text = "10,000.00 元（放不下即止）：一居一品补充 1 个项目 6,000.00 元，资助七彩微创投 3,000.00 元，剩余 1,000.00 元"
    data = summary_data(outcome)
    assert [(h["label"], h["text"]) for h in data["headline"] if h["label"] == "资金池"] == [
        ("资金池", text)
    ]
    md, html, xlsx = (
        render_summary(outcome, tmp_path / "out", f, data=data)[0] for f in ("md", "html", "xlsx")
    )
    assert f"- 资金池：{text}\n" in md.read_text(encoding="utf-8")
    assert text in html.read_text(encoding="utf-8")
    rows = {r[0]: r[1] for r in load_workbook(xlsx)["概况"].iter_rows(values_only=True)}
    assert rows["资金池"] == text
