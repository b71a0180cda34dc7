"""成都 chengdu-2023: CD001–CD010 each fire at their place, and stay quiet at their boundary."""

from __future__ import annotations

import pytest

from tests.helpers import write_form
from tests.programs.util import hits, messages

P = "chengdu-2023"
A_FORM = {
    "项目编号": "CD-01",
    "项目名称": "坝坝会议事能力提升",
    "项目类别": "A",
    "居民区": "芙蓉社区",
    "所属区县": "大邑县",
    "申报主体": "芙蓉社区居委会",
    "申报主体类型": "居委会",
    "合作社会组织": "益帮社工中心",
    "项目负责人": "刘芳",
    "申请金额": 200000,
    "自筹金额": 20000,
    "开始日期": "2023-07-01",
    "结束日期": "2024-06-30",
    "申报日期": "2023-06-12",
    "片区村社区数": 7,
    "覆盖村社区数": 4,
}
B_FORM = {
    "项目编号": "CD-11",
    "项目名称": "议事会案例总结",
    "项目类别": "B1类",
    "居民区": "草堂路社区",
    "所属区县": "青羊区",
    "申报主体": "成都市光华社工中心",
    "申报主体类型": "社会服务机构（民办非企业）",
    "法定代表人": "周明",
    "项目负责人": "吴静",
    "申请金额": 250000,
    "自筹金额": 25000,
    "开始日期": "2023-07-01",
    "结束日期": "2024-06-30",
    "申报日期": "2023-06-01",
    "前两年年检结果": "合格,合格",
    "是否有独立银行账户": "是",
    "是否建立党组织": "是",
}
C_FORM = {
    "项目编号": "CD-21",
    "项目名称": "镇街民主协商制度研究",
    "项目类别": "C",
    "居民区": "全市",
    "所属区县": "市本级",
    "申报主体": "某某大学",
    "申报主体类型": "高等院校",
    "法定代表人": "孙校长",
    "项目负责人": "郑教授",
    "申请金额": 150000,
    "开始日期": "2023-07-01",
    "结束日期": "2024-06-30",
    "申报日期": "2023-06-10",
}


def make(folder, base, name="a.xlsx", **changes):
    return write_form(folder / name, {**base, **changes})


def cd(folder, rule_id=None):
    return [h for h in hits(folder, P, "CD") if rule_id is None or h[0] == rule_id]


@pytest.mark.rule("CD001", "quiet")
@pytest.mark.rule("CD002", "quiet")
@pytest.mark.rule("CD003", "quiet")
@pytest.mark.rule("CD004", "quiet")
@pytest.mark.rule("CD005", "quiet")
@pytest.mark.rule("CD006", "quiet")
@pytest.mark.rule("CD007", "quiet")
@pytest.mark.rule("CD008", "quiet")
@pytest.mark.rule("CD009", "quiet")
@pytest.mark.rule("CD010", "quiet")
def test_clean_applications_of_each_class_have_no_findings(tmp_path):
    make(tmp_path, A_FORM, "a.xlsx")
    make(tmp_path, B_FORM, "b.xlsx")
    make(tmp_path, C_FORM, "c.xlsx")
    make(
        tmp_path,
        B_FORM,
        "d.xlsx",
        项目编号="CD-12",
        项目类别="B2",
        项目名称="三级协商试点",
        申请金额=300000,
        自筹金额=30000,
        前两年年检结果="合格,基本合格",
    )
    # nothing but SG022 (a warning): every 结束日期 is 2024-06-30, past the program year 2023
    assert hits(tmp_path, P) == [
        ("SG022", "CD-01", "a.xlsx", "申报表", "B13"),
        ("SG022", "CD-11", "b.xlsx", "申报表", "B13"),
        ("SG022", "CD-21", "c.xlsx", "申报表", "B12"),
        ("SG022", "CD-12", "d.xlsx", "申报表", "B13"),
    ]


@pytest.mark.parametrize(
    ("base", "cls", "amount", "fires"),
    [
        (A_FORM, "A", 250000, False),
        (A_FORM, "A", 250000.01, True),
        (B_FORM, "B1", 250000.01, True),
        (B_FORM, "B2", 300000, False),
        (B_FORM, "B2", 300000.01, True),
        (C_FORM, "C", 150000.01, True),
    ],
)
@pytest.mark.rule("CD001", "fires")
def test_cd001_class_caps(tmp_path, base, cls, amount, fires):
    cells = make(
        tmp_path, base, 项目类别=cls, 申请金额=amount, 自筹金额=30001 if cls != "C" else None
    )
    expected = [("CD001", base["项目编号"], "a.xlsx", "申报表", cells["申请金额"])] if fires else []
    assert cd(tmp_path, "CD001") == expected


@pytest.mark.rule("CD002", "fires")
def test_cd002_b3_is_not_open(tmp_path):
    cells = make(tmp_path, B_FORM, 项目类别="B3", 申请金额=50000, 自筹金额=5000)
    assert cd(tmp_path) == [("CD002", "CD-11", "a.xlsx", "申报表", cells["项目类别"])]


@pytest.mark.parametrize(("own", "fires"), [(20000, False), (19999.99, True)])
@pytest.mark.rule("CD003", "fires")
def test_cd003_matching_funds_ten_percent(tmp_path, own, fires):
    cells = make(tmp_path, A_FORM, 自筹金额=own)
    expected = [("CD003", "CD-01", "a.xlsx", "申报表", cells["自筹金额"])] if fires else []
    assert cd(tmp_path, "CD003") == expected


def test_cd003_not_for_class_c(tmp_path):
    make(tmp_path, C_FORM, 自筹金额=0)
    assert cd(tmp_path, "CD003") == []


@pytest.mark.parametrize(
    ("base", "kind", "fires"),
    [
        (A_FORM, "社会服务机构", True),
        (A_FORM, "村民委员会", False),
        (B_FORM, "居委会", True),
        (B_FORM, "基金会", False),
        (B_FORM, "高等院校", True),
        (C_FORM, "党校（行政学院）", False),
        (C_FORM, "社会团体", False),
        (C_FORM, "村委会", True),
    ],
)
@pytest.mark.rule("CD004", "fires")
def test_cd004_applicant_type_per_class(tmp_path, base, kind, fires):
    cells = make(tmp_path, base, 申报主体类型=kind)
    expected = (
        [("CD004", base["项目编号"], "a.xlsx", "申报表", cells["申报主体类型"])] if fires else []
    )
    assert cd(tmp_path, "CD004") == expected


@pytest.mark.rule("CD005", "fires")
def test_cd005_same_legal_rep_three_times_in_one_class(tmp_path):
    make(tmp_path, B_FORM, "a.xlsx")
    make(tmp_path, B_FORM, "b.xlsx", 项目编号="CD-12", 项目名称="项目二", 申报主体="另一机构")
    make(
        tmp_path,
        B_FORM,
        "c.xlsx",
        项目编号="CD-13",
        项目名称="项目三",
        项目类别="B2",
        申报主体="第三机构",
    )
    cells = make(
        tmp_path,
        B_FORM,
        "d.xlsx",
        项目编号="CD-14",
        项目名称="项目四",
        申报主体="第四机构",
        法定代表人="周 明",
    )
    # B1 and B2 are both class B: CD-13 (B2) is already the third of 周明's B applications
    assert cd(tmp_path) == [
        ("CD005", "CD-13", "c.xlsx", "申报表", cells["法定代表人"]),
        ("CD005", "CD-14", "d.xlsx", "申报表", cells["法定代表人"]),
    ]
    assert "CD-11、CD-12" in messages(tmp_path, P, "CD005")[0]


@pytest.mark.rule("CD006", "fires")
def test_cd006_same_partner_more_than_twice(tmp_path):
    make(tmp_path, A_FORM, "a.xlsx")
    make(tmp_path, A_FORM, "b.xlsx", 项目编号="CD-02", 项目名称="项目二")
    make(
        tmp_path, A_FORM, "c.xlsx", 项目编号="CD-03", 项目名称="项目三", 合作社会组织="别的社工中心"
    )
    cells = make(tmp_path, A_FORM, "d.xlsx", 项目编号="CD-04", 项目名称="项目四")
    assert cd(tmp_path) == [("CD006", "CD-04", "d.xlsx", "申报表", cells["合作社会组织"])]


@pytest.mark.parametrize(
    ("size", "covered", "fires"),
    [
        (7, 4, False),
        (7, 3, True),
        (6, 3, False),
        (10, 4, False),
        (10, 3, True),
        (15, 5, False),
        (15, 4, True),
        (20, 1, False),
    ],
)
@pytest.mark.rule("CD007", "fires")
def test_cd007_cluster_coverage(tmp_path, size, covered, fires):
    cells = make(tmp_path, A_FORM, 片区村社区数=size, 覆盖村社区数=covered)
    expected = [("CD007", "CD-01", "a.xlsx", "申报表", cells["覆盖村社区数"])] if fires else []
    assert cd(tmp_path, "CD007") == expected


@pytest.mark.rule("CD008", "fires")
def test_cd008_same_project_submitted_twice(tmp_path):
    make(tmp_path, A_FORM, "a.xlsx")
    cells = make(
        tmp_path,
        A_FORM,
        "b.xlsx",
        项目编号="CD-09",
        项目名称="“坝坝会” 议事能力提升",
        合作社会组织=None,
    )
    make(tmp_path, A_FORM, "c.xlsx", 项目编号="CD-10", 申报主体="别的社区居委会", 合作社会组织=None)
    assert cd(tmp_path) == [("CD008", "CD-09", "b.xlsx", "申报表", cells["项目名称"])]


@pytest.mark.rule("CD009", "fires")
def test_cd009_social_organisation_conditions(tmp_path):
    cells = make(
        tmp_path, B_FORM, 前两年年检结果="不合格", 是否有独立银行账户="否", 是否建立党组织=None
    )
    # sorted: the engine orders findings on one form by message, not by the cell's row
    assert sorted(cd(tmp_path)) == [
        ("CD009", "CD-11", "a.xlsx", "申报表", cells["前两年年检结果"]),
        ("CD009", "CD-11", "a.xlsx", "申报表", cells["是否有独立银行账户"]),
        ("CD009", "CD-11", "a.xlsx", "申报表", cells["是否建立党组织"]),
    ]
    assert hits(tmp_path, P, "SG002") == []


def test_cd009_not_for_universities_or_committees(tmp_path):
    make(tmp_path, C_FORM, "a.xlsx")
    make(tmp_path, A_FORM, "b.xlsx")
    assert cd(tmp_path) == []


@pytest.mark.parametrize(("day", "fires"), [("2023-06-12", False), ("2023年6月13日", True)])
@pytest.mark.rule("CD010", "fires")
def test_cd010_deadline(tmp_path, day, fires):
    cells = make(tmp_path, A_FORM, 申报日期=day)
    expected = [("CD010", "CD-01", "a.xlsx", "申报表", cells["申报日期"])] if fires else []
    assert cd(tmp_path, "CD010") == expected


@pytest.mark.parametrize(("own", "fires"), [("10000", True), ("10000.01", False)])
def test_cd003_names_the_least_amount_in_fen_that_passes(tmp_path, own, fires):
    """Clerk audit: 10% of 100,000.01 is 10,000.001; the finding said 自筹 10,000.00 was less than
    “10%（10,000.00 元）”. The least amount that passes, to the fen, is 10,000.01."""
    make(tmp_path, A_FORM, 申请金额="100,000.01元", 自筹金额=own)
    expected = (
        "自筹金额 10,000.00 元，少于申请金额 100,000.01 元的 10.00%（10,000.01 元）：请补足配套资金"
    )
    assert messages(tmp_path, P, "CD003") == ([expected] if fires else [])
