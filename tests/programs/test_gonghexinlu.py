"""共和新路 gonghexinlu-2023: GH001–GH004 each fire at their place, and stay quiet at their boundary."""

from __future__ import annotations

import pytest

from tests.helpers import write_form
from tests.programs.util import hits, messages

P = "gonghexinlu-2023"
BRAND = {
    "项目编号": "GH-01",
    "项目名称": "楼组议事厅",
    "项目类别": "一居一品",
    "居民区": "共和一居",
    "申报主体": "共和一居委",
    "项目负责人": "马丽",
    "申请金额": 30000,
    "开始日期": "2023-04-01",
    "结束日期": "2024-12-31",
    "意向": "搭建一个社区自治载体",
}
MICRO = {
    **BRAND,
    "项目编号": "GH-11",
    "项目名称": "楼道小花园",
    "项目类别": "七彩微创投",
    "申请金额": 5000,
    "结束日期": "2024-03-31",
    "意向": "公共空间打造",
}


def make(folder, base, name="a.xlsx", **changes):
    return write_form(folder / name, {**base, **changes})


def gh(folder, rule_id=None):
    return [h for h in hits(folder, P, "GH") if rule_id is None or h[0] == rule_id]


@pytest.mark.rule("GH001", "quiet")
@pytest.mark.rule("GH002", "quiet")
@pytest.mark.rule("GH003", "quiet")
@pytest.mark.rule("GH004", "quiet")
def test_clean_applications_have_no_findings(tmp_path):
    make(tmp_path, BRAND, "a.xlsx")
    make(tmp_path, MICRO, "b.xlsx")
    make(tmp_path, MICRO, "c.xlsx", 项目编号="GH-12", 意向="社区关爱服务")
    # nothing but SG022 (a warning): the 结束日期 are in 2024, past the program year 2023
    assert hits(tmp_path, P) == [
        ("SG022", "GH-01", "a.xlsx", "申报表", "B9"),
        ("SG022", "GH-11", "b.xlsx", "申报表", "B9"),
        ("SG022", "GH-12", "c.xlsx", "申报表", "B9"),
    ]


@pytest.mark.parametrize(("amount", "fires"), [(5000, False), (5000.01, True)])
@pytest.mark.rule("GH001", "fires")
def test_gh001_micro_cap(tmp_path, amount, fires):
    cells = make(tmp_path, MICRO, 申请金额=amount)
    expected = [("GH001", "GH-11", "a.xlsx", "申报表", cells["申请金额"])] if fires else []
    assert gh(tmp_path, "GH001") == expected


@pytest.mark.rule("GH002", "fires")
def test_gh002_intent_of_the_other_category(tmp_path):
    cells = make(tmp_path, MICRO, "a.xlsx", 意向="挖掘一批社区自治骨干")
    make(tmp_path, BRAND, "b.xlsx", 意向="睦邻友好建设", 居民区="共和二居")
    make(tmp_path, MICRO, "c.xlsx", 项目编号="GH-13", 意向="随便做做")  # no category's: SG007 only
    assert gh(tmp_path) == [
        ("GH002", "GH-11", "a.xlsx", "申报表", cells["意向"]),
        ("GH002", "GH-01", "b.xlsx", "申报表", cells["意向"]),
    ]
    assert hits(tmp_path, P, "SG007") == [("SG007", "GH-13", "c.xlsx", "申报表", cells["意向"])]


@pytest.mark.parametrize(
    ("start", "end", "fires"),
    [
        ("2023-04-01", "2024-03-31", False),
        ("2023-04-01", "2024-04-01", True),
        ("2024-02-29", "2025-02-28", False),
        ("2024-02-29", "2025-03-01", True),
    ],
)
@pytest.mark.rule("GH003", "fires")
def test_gh003_micro_runs_at_most_one_year(tmp_path, start, end, fires):
    cells = make(tmp_path, MICRO, 开始日期=start, 结束日期=end)
    expected = [("GH003", "GH-11", "a.xlsx", "申报表", cells["结束日期"])] if fires else []
    assert gh(tmp_path, "GH003") == expected


def test_gh003_brand_projects_may_run_longer(tmp_path):
    make(tmp_path, BRAND, 结束日期="2025-12-31")
    assert gh(tmp_path) == []


@pytest.mark.rule("GH004", "fires")
def test_gh004_second_brand_project_in_one_neighborhood(tmp_path):
    make(tmp_path, BRAND, "a.xlsx")
    make(tmp_path, MICRO, "b.xlsx")  # a micro project does not count
    cells = make(tmp_path, BRAND, "c.xlsx", 项目编号="GH-02", 项目名称="自治公约")
    make(tmp_path, BRAND, "d.xlsx", 项目编号="GH-03", 居民区="共和二居")
    assert gh(tmp_path) == [("GH004", "GH-02", "c.xlsx", "申报表", cells["居民区"])]


def test_intents_copied_from_the_document_with_quotes_or_spaces_are_read(tmp_path):
    """Clerk audit: 四.(一) writes the intents in quotes (即“搭建一个社区自治载体”、“挖掘一批…”); a clerk
    who pasted them got SG007 (意向““形成一个社区自治公约””不是本计划的意向), and 公共空间 打造 with a
    space missed its alias. GH002 names the intent without the quotes."""
    make(tmp_path, BRAND, "a.xlsx", 意向="“形成一个社区自治公约”、“挖掘一批社区自治骨干”")
    make(tmp_path, MICRO, "b.xlsx", 意向="公共空间 打造")
    cells = make(
        tmp_path, BRAND, "c.xlsx", 项目编号="GH-02", 居民区="共和二居", 意向="“睦邻友好建设”"
    )
    assert [h for h in hits(tmp_path, P) if h[0] != "SG022"] == [
        ("GH002", "GH-02", "c.xlsx", "申报表", cells["意向"])
    ]
    assert messages(tmp_path, P, "GH002") == [
        "意向“睦邻友好建设”属于七彩微创投，不是一居一品的意向：请重新选择意向或改选类别"
    ]


def test_an_unknown_intent_suggests_the_nearest_one(tmp_path):
    """Clerk audit: 开发一件自治工具 and 其它社区议题 (for 其他社区议题) were SG007 with no hint."""
    make(tmp_path, BRAND, "a.xlsx", 意向="开发一件自治工具")
    make(tmp_path, MICRO, "b.xlsx", 意向="其它社区议题")
    make(tmp_path, MICRO, "c.xlsx", 项目编号="GH-12", 意向="随便做做")
    assert messages(tmp_path, P, "SG007") == [
        "意向“开发一件自治工具”不是本计划的意向：是不是“开发一件社区自治工具”？请从下拉列表中选择",
        "意向“其它社区议题”不是本计划的意向：是不是“其他社区议题”？请从下拉列表中选择",
        "意向“随便做做”不是本计划的意向：请从下拉列表中选择",
    ]


def test_categories_written_as_the_document_names_them_are_read(tmp_path):
    """Clerk audit: the document names the categories “一居一品”项目 and “七彩微创投”微自治项目; a
    clerk who wrote 七彩微创投项目 got SG007 and the project was 待改正."""
    make(tmp_path, BRAND, "a.xlsx", 项目类别="“一居一品”项目")
    make(tmp_path, MICRO, "b.xlsx", 项目类别="七彩微创投项目")
    make(tmp_path, MICRO, "c.xlsx", 项目编号="GH-12", 项目类别="“七彩微创投”微自治项目")
    make(tmp_path, MICRO, "d.xlsx", 项目编号="GH-13", 项目类别="七彩微创投", 申请金额=6000)
    make(tmp_path, MICRO, "e.xlsx", 项目编号="GH-14", 项目类别="七彩微创投项目", 申请金额=6000)
    assert [h[:2] for h in hits(tmp_path, P) if h[0] != "SG022"] == [
        ("GH001", "GH-13"),
        ("GH001", "GH-14"),
    ]
