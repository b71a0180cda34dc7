"""新泾 xinjing-2021: XJ001–XJ009 each fire at their place, and stay quiet at their boundary."""

from __future__ import annotations

import pytest

from tests.helpers import write_form
from tests.programs.util import hits, messages

P = "xinjing-2021"
FORM = {
    "项目编号": "XJ-01",
    "项目名称": "邻里花园共建",
    "项目类别": "Xin营造",
    "居民区": "新泾一村",
    "申报主体": "长宁区新泾社工服务社",
    "申报主体类型": "社会服务机构",
    "项目负责人": "陈红",
    "申请金额": 50000,
    "开始日期": "2023-03-01",
    "结束日期": "2023-12-31",
    "申报日期": "2023-02-01",
    "专职人员数": 2,
    "前两年年检结果": "合格,合格",
    "成立日期": "2015-05-01",
    "规范化评估等级": "2A",
    "项目简介": "居民一起打理小区花园",
}


def make(folder, name="a.xlsx", **changes):
    return write_form(folder / name, {**FORM, **changes})


def xj(folder, rule_id=None):
    return [h for h in hits(folder, P, "XJ") if rule_id is None or h[0] == rule_id]


@pytest.mark.rule("SG022", "fires")
@pytest.mark.rule("XJ001", "quiet")
@pytest.mark.rule("XJ002", "quiet")
@pytest.mark.rule("XJ003", "quiet")
@pytest.mark.rule("XJ004", "quiet")
@pytest.mark.rule("XJ005", "quiet")
@pytest.mark.rule("XJ006", "quiet")
@pytest.mark.rule("XJ007", "quiet")
@pytest.mark.rule("XJ008", "quiet")
@pytest.mark.rule("XJ009", "quiet")
def test_clean_application_has_no_findings(tmp_path):
    make(tmp_path, 开始日期="2021-03-01", 结束日期="2021-12-31")
    assert hits(tmp_path, P) == []
    # the fixture's own 2023 period is outside the program year 2021: SG022 (a warning) only
    make(tmp_path)
    assert hits(tmp_path, P) == [
        ("SG022", "XJ-01", "a.xlsx", "申报表", "B9"),
        ("SG022", "XJ-01", "a.xlsx", "申报表", "B10"),
    ]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(50000, []), (50000.01, ["XJ002"]), (100000, ["XJ002"]), (100000.01, ["XJ001", "XJ002"])],
)
@pytest.mark.rule("XJ001", "fires")
@pytest.mark.rule("XJ002", "fires")
def test_xj001_xj002_amount_boundaries(tmp_path, amount, expected):
    cells = make(tmp_path, 申请金额=amount)
    assert xj(tmp_path) == [(r, "XJ-01", "a.xlsx", "申报表", cells["申请金额"]) for r in expected]


@pytest.mark.rule("XJ003", "fires")
def test_xj003_second_application_from_one_neighborhood(tmp_path):
    make(tmp_path)
    cells = make(tmp_path, "b.xlsx", 项目编号="XJ-02", 居民区=" 新泾一村")
    make(tmp_path, "c.xlsx", 项目编号="XJ-03", 居民区="新泾二村")
    assert xj(tmp_path, "XJ003") == [("XJ003", "XJ-02", "b.xlsx", "申报表", cells["居民区"])]
    assert "XJ-01" in messages(tmp_path, P, "XJ003")[0]


@pytest.mark.rule("XJ004", "fires")
def test_xj004_garbage_sorting_only_in_xin_zhili(tmp_path):
    cells = make(tmp_path, 项目类别="Xin治理", 项目简介="推进垃圾分类 定时定点")
    make(
        tmp_path, "b.xlsx", 项目编号="XJ-02", 居民区="新泾二村", 项目简介="推进垃圾分类"
    )  # Xin营造
    assert xj(tmp_path, "XJ004") == [("XJ004", "XJ-01", "a.xlsx", "申报表", cells["项目简介"])]


@pytest.mark.parametrize(
    ("kind", "fires"),
    [
        ("社会服务机构", False),
        ("民办非企业", False),
        ("社会团体", False),
        ("居委会", True),
        ("基金会", True),
    ],
)
@pytest.mark.rule("XJ005", "fires")
def test_xj005_applicant_type(tmp_path, kind, fires):
    cells = make(tmp_path, 申报主体类型=kind)
    expected = [("XJ005", "XJ-01", "a.xlsx", "申报表", cells["申报主体类型"])] if fires else []
    assert xj(tmp_path, "XJ005") == expected


@pytest.mark.parametrize(("staff", "fires"), [(2, False), (1, True)])
@pytest.mark.rule("XJ006", "fires")
def test_xj006_fulltime_staff(tmp_path, staff, fires):
    cells = make(tmp_path, 专职人员数=staff)
    expected = [("XJ006", "XJ-01", "a.xlsx", "申报表", cells["专职人员数"])] if fires else []
    assert xj(tmp_path, "XJ006") == expected


@pytest.mark.parametrize(
    ("results", "founded", "fires"),
    [
        ("合格，合格", "2015-05-01", False),
        ("2021年合格、2022年合格", "2015-05-01", False),
        ("合格,基本合格", "2015-05-01", True),  # 基本合格 does not count
        ("不合格", "2015-05-01", True),
        (None, "2015-05-01", True),  # not filled in: XJ007, not SG002
        (
            "合格,基本合格",
            "2021-02-02",
            False,
        ),  # founded less than two years before 申报日期 2023-02-01
        ("合格,基本合格", "2021-02-01", True),  # exactly two years: not exempt
    ],
)
@pytest.mark.rule("XJ007", "fires")
def test_xj007_inspections_and_young_organisations(tmp_path, results, founded, fires):
    cells = make(tmp_path, 前两年年检结果=results, 成立日期=founded)
    expected = [("XJ007", "XJ-01", "a.xlsx", "申报表", cells["前两年年检结果"])] if fires else []
    assert xj(tmp_path, "XJ007") == expected
    assert hits(tmp_path, P, "SG002") == []


def test_xj007_not_checked_for_a_committee(tmp_path):
    make(tmp_path, 申报主体类型="居委会", 前两年年检结果=None)
    assert [h[0] for h in xj(tmp_path)] == ["XJ005"]


@pytest.mark.rule("XJ008", "fires")
def test_xj008_overlap_screen_is_a_warning_for_a_person(tmp_path):
    cells = make(tmp_path, 项目名称="协助物业管理停车")
    make(tmp_path, "b.xlsx", 项目编号="XJ-02", 居民区="新泾二村", 项目简介="配合改造工程做好宣传")
    assert xj(tmp_path, "XJ008") == [
        ("XJ008", "XJ-01", "a.xlsx", "申报表", cells["项目名称"]),
        ("XJ008", "XJ-02", "b.xlsx", "申报表", cells["项目简介"]),
    ]
    assert all("人工判断" in m for m in messages(tmp_path, P, "XJ008"))


@pytest.mark.parametrize(
    ("rating", "fires"),
    [("2A", False), ("3A", True), ("AAAA", True), ("５Ａ级", True), (None, False)],
)
@pytest.mark.rule("XJ009", "fires")
def test_xj009_rating_3a_or_above(tmp_path, rating, fires):
    cells = make(tmp_path, 规范化评估等级=rating)
    expected = [("XJ009", "XJ-01", "a.xlsx", "申报表", cells["规范化评估等级"])] if fires else []
    assert xj(tmp_path, "XJ009") == expected


def test_settings_override_the_amount_cap(tmp_path):
    from tests.helpers import write_config

    cells = make(tmp_path, 申请金额=90000)
    write_config(tmp_path, P, settings={"max_amount": 80000})
    assert [h for h in hits(tmp_path, None, "XJ001")] == [
        ("XJ001", "XJ-01", "a.xlsx", "申报表", cells["申请金额"])
    ]


def test_a_category_typed_in_full_width_letters_is_read(tmp_path):
    """Clerk audit: with the Chinese input method in full-width mode a clerk types Ｘｉｎ治理; it was
    SG007 (项目类别“Ｘｉｎ治理”不是本计划的类别), and XJ004 (垃圾分类 in Xin治理) never looked at it."""
    cells = make(
        tmp_path,
        开始日期="2021-03-01",
        结束日期="2021-12-31",
        项目类别="Ｘｉｎ治理",
        项目名称="垃圾分类宣传",
    )
    assert hits(tmp_path, P) == [("XJ004", "XJ-01", "a.xlsx", "申报表", cells["项目名称"])]


def test_a_category_written_by_its_description_is_read(tmp_path):
    """Clerk audit: 三 names each category twice, Xin营造（社区更新类）; a clerk who wrote only 社区更新类
    or 环境整治 got SG007 and XJ004 (垃圾分类 in Xin治理) never looked at the project."""
    make(tmp_path, 开始日期="2021-03-01", 结束日期="2021-12-31", 项目类别="社区更新类")
    cells = make(
        tmp_path,
        "b.xlsx",
        项目编号="XJ-02",
        居民区="新泾二村",
        开始日期="2021-03-01",
        结束日期="2021-12-31",
        项目类别="环境整治",
        项目名称="垃圾分类宣传",
    )
    assert hits(tmp_path, P) == [("XJ004", "XJ-02", "b.xlsx", "申报表", cells["项目名称"])]
