"""浦兴 puxing-2023: PX001–PX015 each fire at their place, and stay quiet at their boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table
from tests.programs.util import AS_OF, hits, messages

P = "puxing-2023"
FORM = {
    "项目编号": "PX-01",
    "项目名称": "楼道微美化",
    "项目类别": "靓家",
    "居民区": "浦兴一居",
    "申报主体": "浦兴一居委",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "是",
    "申请金额": 10000,
    "开始日期": "2023-03-01",
    "结束日期": "2023-12-31",
    "征询居民人数": 40,
    "听证会日期": "2023-02-15",
    "上年十佳排名": None,
    "项目简介": "居民一起美化楼道",
}
# Every capped category exactly at its cap of 10,000: 50%, 25%, 5% + 5% = 10%.
BUDGET = [
    ("社会组织服务", "专业指导", 5000),  # C2
    ("志愿者补贴", "志愿者慰问", 2500),  # C3
    ("管理费", "总结会", 500),  # C4
    ("表彰奖励", "奖状", 500),  # C5
    ("工作经费", "活动物资", 1500),  # C6
]
MEMBERS = [
    ("张三丰", "负责人", "是", "否"),
    ("李四", "成员", "是", "否"),
    ("王社工", "社工联络员", "否", "是"),
]


def row(
    cat="工作经费",
    amount=100,
    day="2023-04-01",
    desc="活动物资",
    invoice="F1",
    role="居民",
    signed="是",
    remark="自治金项目 楼道微美化",
    pid="PX-01",
):
    return (day, pid, cat, desc, amount, invoice, "某商店", role, signed, remark)


def make(folder, form=None, budget=None, members=None, ledger=None, name="a.xlsx"):
    cells = write_form(
        folder / name,
        {**FORM, **(form or {})},
        BUDGET if budget is None else budget,
        MEMBERS if members is None else members,
    )
    if ledger is not None:
        write_table(folder / name, "经费台账", LEDGER_HEADER, ledger)
    return cells


def px(folder, rule_id=None):
    found = hits(folder, P, "PX")
    return [h for h in found if rule_id is None or h[0] == rule_id]


@pytest.mark.rule("PX001", "quiet")
@pytest.mark.rule("PX002", "quiet")
@pytest.mark.rule("PX003", "quiet")
@pytest.mark.rule("PX004", "quiet")
@pytest.mark.rule("PX005", "quiet")
@pytest.mark.rule("PX006", "quiet")
@pytest.mark.rule("PX007", "quiet")
@pytest.mark.rule("PX008", "quiet")
@pytest.mark.rule("PX009", "quiet")
@pytest.mark.rule("PX010", "quiet")
@pytest.mark.rule("PX011", "quiet")
@pytest.mark.rule("PX012", "quiet")
@pytest.mark.rule("PX013", "quiet")
@pytest.mark.rule("PX014", "quiet")
@pytest.mark.rule("PX015", "quiet")
@pytest.mark.rule("SG001", "quiet")
@pytest.mark.rule("SG002", "quiet")
@pytest.mark.rule("SG003", "quiet")
@pytest.mark.rule("SG004", "quiet")
@pytest.mark.rule("SG005", "quiet")
@pytest.mark.rule("SG006", "quiet")
@pytest.mark.rule("SG007", "quiet")
@pytest.mark.rule("SG008", "quiet")
@pytest.mark.rule("SG009", "quiet")
@pytest.mark.rule("SG010", "quiet")
@pytest.mark.rule("SG011", "quiet")
@pytest.mark.rule("SG012", "quiet")
@pytest.mark.rule("SG013", "quiet")
@pytest.mark.rule("SG014", "quiet")
@pytest.mark.rule("SG015", "quiet")
@pytest.mark.rule("SG016", "quiet")
@pytest.mark.rule("SG017", "quiet")
@pytest.mark.rule("SG018", "quiet")
@pytest.mark.rule("SG019", "quiet")
@pytest.mark.rule("SG020", "quiet")
@pytest.mark.rule("SG021", "quiet")
@pytest.mark.rule("SG022", "quiet")
def test_clean_project_at_every_cap_has_no_program_findings(tmp_path):
    make(
        tmp_path,
        ledger=[row(), row("志愿者补贴", 2500, invoice="F2"), row("表彰奖励", 500, invoice="F3")],
    )
    assert px(tmp_path) == []
    assert hits(tmp_path, P, "SG") == []


@pytest.mark.rule("PX001", "fires")
def test_px001_leader_not_resident_on_form_and_in_members(tmp_path):
    cells = make(
        tmp_path, {"负责人是否本居民区居民": "否"}, members=[("张三丰", "负责人", "否", "否")]
    )
    assert px(tmp_path, "PX001") == [
        ("PX001", "PX-01", "a.xlsx", "申报表", cells["负责人是否本居民区居民"]),
        ("PX001", "PX-01", "a.xlsx", "项目成员", "C2"),
    ]


def test_px001_quiet_for_a_non_resident_ordinary_member(tmp_path):
    make(tmp_path, members=[("张三丰", "负责人", "是", "否"), ("外来志愿者", "成员", "否", "否")])
    assert px(tmp_path, "PX001") == []


@pytest.mark.rule("PX002", "fires")
def test_px002_social_worker_in_team_and_second_liaison(tmp_path):
    members = [*MEMBERS, ("赵社工", "成员", "否", "是"), ("钱社工", "社工联络员", "否", "是")]
    make(tmp_path, members=members)
    assert px(tmp_path, "PX002") == [
        ("PX002", "PX-01", "a.xlsx", "项目成员", "B5"),
        ("PX002", "PX-01", "a.xlsx", "项目成员", "B6"),
    ]


def test_px002_one_liaison_is_allowed(tmp_path):
    make(tmp_path)  # MEMBERS has exactly one 社工联络员
    assert px(tmp_path, "PX002") == []


@pytest.mark.parametrize(("count", "fires"), [(40, False), (39, True)])
@pytest.mark.rule("PX003", "fires")
def test_px003_residents_consulted_boundary(tmp_path, count, fires):
    cells = make(tmp_path, {"征询居民人数": count})
    expected = [("PX003", "PX-01", "a.xlsx", "申报表", cells["征询居民人数"])] if fires else []
    assert px(tmp_path, "PX003") == expected


@pytest.mark.rule("PX004", "fires")
def test_px004_no_hearing_date_and_no_double_report(tmp_path):
    cells = make(tmp_path, {"听证会日期": None})
    assert px(tmp_path, "PX004") == [("PX004", "PX-01", "a.xlsx", "申报表", cells["听证会日期"])]
    assert hits(tmp_path, P, "SG002") == []  # the empty field is PX004's, not SG002's


def test_px004_quiet_when_the_date_is_unreadable(tmp_path):
    make(tmp_path, {"听证会日期": "开过了"})
    assert px(tmp_path, "PX004") == []
    assert [h[0] for h in hits(tmp_path, P, "SG003")] == ["SG003"]


def _shift(budget, index, delta):
    """Move `delta` yuan into line `index` from the 工作经费 line (the total stays 10,000)."""
    out = [list(line) for line in budget]
    out[index][2] += delta
    out[4][2] -= delta
    return [tuple(line) for line in out]


@pytest.mark.parametrize(
    ("rule_id", "index", "cell"),
    [("PX005", 0, "C2"), ("PX006", 1, "C3"), ("PX007", 2, "C4"), ("PX008", 3, "C5")],
)
def test_caps_on_the_budget_fire_one_fen_over(tmp_path, rule_id, index, cell):
    make(tmp_path, budget=_shift(BUDGET, index, 0.01))
    found = px(tmp_path)
    assert (rule_id, "PX-01", "a.xlsx", "预算明细", cell) in found
    assert [h for h in found if h[0] != rule_id and h[0] != "PX007"] == []


@pytest.mark.rule("PX006", "fires")
def test_px006_exactly_25_percent_passes_25_01_fails(tmp_path):
    make(tmp_path, budget=_shift(BUDGET, 1, 1))  # 2,501 of 10,000 = 25.01%
    assert px(tmp_path, "PX006") == [("PX006", "PX-01", "a.xlsx", "预算明细", "C3")]
    assert "25.01%" in messages(tmp_path, P, "PX006")[0]


@pytest.mark.rule("PX007", "fires")
def test_px007_counts_awards_inside_management(tmp_path):
    # 管理费 600 + 表彰奖励 500 = 11%: PX007 on the first of those lines; 表彰奖励 itself is within 5%.
    make(tmp_path, budget=_shift(BUDGET, 2, 100))
    assert px(tmp_path) == [("PX007", "PX-01", "a.xlsx", "预算明细", "C4")]


@pytest.mark.parametrize(("rank", "fires"), [(5, False), (6, True), (None, True)])
def test_px006_top5_of_last_year_gets_35_percent(tmp_path, rank, fires):
    budget = _shift(BUDGET, 1, 1000)  # 志愿者补贴 3,500 = 35%
    budget = [budget[0][:2] + (4000,), *budget[1:4], budget[4][:2] + (1500,)]
    make(tmp_path, {"上年十佳排名": rank}, budget=budget)
    expected = [("PX006", "PX-01", "a.xlsx", "预算明细", "C3")] if fires else []
    assert px(tmp_path, "PX006") == expected


def test_px006_top5_at_35_01_percent_fails(tmp_path):
    budget = [
        ("社会组织服务", "专业指导", 4000),
        ("志愿者补贴", "慰问", 3500.01),
        ("管理费", "总结会", 500),
        ("表彰奖励", "奖状", 500),
        ("工作经费", "物资", 1499.99),
    ]
    make(tmp_path, {"上年十佳排名": 1}, budget=budget)
    assert px(tmp_path, "PX006") == [("PX006", "PX-01", "a.xlsx", "预算明细", "C3")]


@pytest.mark.rule("PX005", "fires")
def test_caps_on_spending_fire_on_the_row_that_crosses_and_every_row_after(tmp_path):
    ledger = [
        row("志愿者补贴", 2000, "2023-04-01", invoice="V1"),  # E2
        row("志愿者补贴", 500, "2023-05-01", invoice="V2"),  # E3: exactly 25% of 10,000 -> fine
        row("社会组织服务", 5000.01, "2023-05-02", invoice="S1"),  # E4: 50.0001% -> PX005
        row("志愿者补贴", 0.01, "2023-06-01", invoice="V3"),  # E5: crosses 25% -> PX006
        row("志愿者补贴", 10, "2023-06-02", invoice="V4"),  # E6: already over: wholly excess
    ]
    make(tmp_path, ledger=ledger)
    assert px(tmp_path) == [
        ("PX005", "PX-01", "a.xlsx", "经费台账", "E4"),
        ("PX006", "PX-01", "a.xlsx", "经费台账", "E5"),
        ("PX006", "PX-01", "a.xlsx", "经费台账", "E6"),
    ]
    found = validate(tmp_path, program=P, as_of=AS_OF).findings
    # only the part past the cap is ineligible: 0.01 of E4 and of E5, all 10 of E6
    assert [(f.cell, f.excess) for f in found if f.rule in ("PX005", "PX006")] == [
        ("E4", Decimal("0.01")),
        ("E5", Decimal("0.01")),
        ("E6", Decimal("10.00")),
    ]
    assert [m for m in messages(tmp_path, P, "PX006")] == [
        "实际支出中“志愿者补贴”累计 2,500.01 元，占项目总预算 10,000.00 元的 25.01%，超过 25.00% 的上限"
        " 2,500.00 元：这笔支出中超出的 0.01 元不能报销，请核减",
        "实际支出中“志愿者补贴”累计 2,510.01 元，占项目总预算 10,000.00 元的 25.11%，超过 25.00% 的上限"
        " 2,500.00 元：这笔支出中超出的 10.00 元不能报销，请核减",
    ]


@pytest.mark.rule("PX008", "fires")
def test_spending_caps_use_the_approved_amount(tmp_path):
    # 核定金额 8,000: 表彰奖励 400.01 is over 5% of it (although within 5% of the 10,000 asked for).
    make(tmp_path, ledger=[row("表彰奖励", 400.01, invoice=None)])
    write_table(tmp_path / "评估.xlsx", "评估结果", ("项目编号", "核定金额"), [("PX-01", 8000)])
    assert px(tmp_path, "PX008") == [("PX008", "PX-01", "a.xlsx", "经费台账", "E2")]


@pytest.mark.rule("PX009", "fires")
def test_px009_forbidden_expenses_in_budget_and_ledger(tmp_path):
    budget = [*BUDGET[:4], ("工作经费", "居委会办公费", 1000)]
    make(
        tmp_path,
        budget=budget,
        ledger=[row(desc="社工 加班费"), row(desc="活动物资", invoice="F2")],
    )
    assert px(tmp_path, "PX009") == [
        ("PX009", "PX-01", "a.xlsx", "经费台账", "D2"),
        ("PX009", "PX-01", "a.xlsx", "预算明细", "B6"),
    ]


@pytest.mark.parametrize(
    ("desc", "fires"),
    [
        ("社工加班补助", True),
        ("社工年终奖金", True),
        ("居委会日常办公费", True),
        ("居委办公费", True),
        ("招待午餐", True),
        ("志愿者加班费", True),
        ("社工联络员交通补贴", True),
        ("社工 奖励", True),
        ("社区活动办公用品", False),  # 办公 without 居委会: fine
        ("志愿者补贴", False),  # 补贴 without 社工: fine
        ("社工站场地布置物资", False),  # 社工 without 补贴/补助/奖金/奖励/加班
        ("居委会组织的活动 茶歇 办公用品", False),  # 办公用品 is no 办公费
    ],
)
def test_px009_patterns_both_sides(tmp_path, desc, fires):
    make(tmp_path, ledger=[row(desc=desc)])
    expected = [("PX009", "PX-01", "a.xlsx", "经费台账", "D2")] if fires else []
    assert px(tmp_path, "PX009") == expected


def test_px009_patterns_are_a_setting(tmp_path):
    make(tmp_path, ledger=[row(desc="聚餐"), row(desc="招待午餐", invoice="F2")])
    write_config(tmp_path, "puxing-2023", settings={"forbidden_patterns": ["聚餐"]})
    assert px(tmp_path, "PX009") == [("PX009", "PX-01", "a.xlsx", "经费台账", "D2")]
    [message] = messages(tmp_path, P, "PX009")
    assert message.startswith("台账摘要含“聚餐”：")


@pytest.mark.rule("PX010", "fires")
def test_px010_award_paid_to_a_social_worker(tmp_path):
    make(
        tmp_path,
        ledger=[
            row("表彰奖励", 100, role="社工"),
            row("表彰奖励", 100, invoice="F2"),
            row("工作经费", 100, invoice="F3", role="社工"),
        ],
    )
    assert px(tmp_path, "PX010") == [("PX010", "PX-01", "a.xlsx", "经费台账", "H2")]


@pytest.mark.rule("PX011", "fires")
def test_px011_unsigned_or_empty_signature(tmp_path):
    make(
        tmp_path,
        ledger=[row(signed="否"), row(signed=None, invoice="F2"), row(signed="是", invoice="F3")],
    )
    assert px(tmp_path, "PX011") == [
        ("PX011", "PX-01", "a.xlsx", "经费台账", "I2"),
        ("PX011", "PX-01", "a.xlsx", "经费台账", "I3"),
    ]


def test_px011_ledger_without_the_signature_column_flags_each_row(tmp_path):
    make(tmp_path)
    header = ("日期", "项目编号", "支出类别", "摘要", "金额", "发票号", "收款方", "备注")
    write_table(
        tmp_path / "台账.xlsx",
        "经费台账",
        header,
        [("2023-04-01", "PX-01", "工作经费", "物资", 100, "F1", "店", "自治金项目 楼道微美化")],
    )
    assert px(tmp_path, "PX011") == [("PX011", "PX-01", "台账.xlsx", "经费台账", None)]


@pytest.mark.rule("PX012", "fires")
def test_px012_remark_needs_both_marks(tmp_path):
    make(
        tmp_path,
        ledger=[
            row(remark="楼道微美化"),  # no 自治金项目
            row(remark="自治金项目", invoice="F2"),  # no project name
            row(
                remark="自治金项目：“楼道 微美化”", invoice="F3"
            ),  # both (spaces and quotes do not matter)
        ],
    )
    assert px(tmp_path, "PX012") == [
        ("PX012", "PX-01", "a.xlsx", "经费台账", "J2"),
        ("PX012", "PX-01", "a.xlsx", "经费台账", "J3"),
    ]


@pytest.mark.rule("PX013", "fires")
def test_px013_negative_list_screens_are_warnings_for_a_person(tmp_path):
    cells = make(tmp_path, {"项目名称": "小区道路改造工程"}, name="a.xlsx")
    make(tmp_path, {"项目编号": "PX-02", "项目简介": "开设收费课程"}, name="b.xlsx")
    make(tmp_path, {"项目编号": "PX-03", "项目简介": "采购健身设备一批"}, name="c.xlsx")
    welfare = [("工作经费", "节日福利发放", 5000.01), ("工作经费", "活动物资", 4999.99)]
    make(tmp_path, {"项目编号": "PX-04"}, budget=welfare, name="d.xlsx")
    make(
        tmp_path, {"项目编号": "PX-05", "项目简介": "采购图书"}, name="e.xlsx"
    )  # 采购 without 设备: quiet
    make(
        tmp_path,
        {"项目编号": "PX-06"},
        budget=[("工作经费", "福利发放", 5000), ("工作经费", "物资", 5000)],
        name="f.xlsx",
    )  # exactly 50%: quiet
    assert px(tmp_path, "PX013") == [
        ("PX013", "PX-01", "a.xlsx", "申报表", cells["项目名称"]),
        ("PX013", "PX-02", "b.xlsx", "申报表", cells["项目简介"]),
        ("PX013", "PX-03", "c.xlsx", "申报表", cells["项目简介"]),
        ("PX013", "PX-04", "d.xlsx", "预算明细", "B2"),
    ]
    found = messages(tmp_path, P, "PX013")
    assert len(found) == 4 and all("人工判断" in m for m in found)


@pytest.mark.rule("PX014", "fires")
def test_px014_neighborhood_without_application(tmp_path):
    make(tmp_path)
    write_config(tmp_path, P, neighborhoods=["浦兴一居", "浦兴 二居"])
    assert hits(tmp_path, None, "PX014") == [("PX014", None, "sgov.toml", None, None)]
    assert "浦兴 二居" in messages(tmp_path, None, "PX014")[0]


def test_px014_quiet_without_a_neighborhood_list(tmp_path):
    make(tmp_path)
    assert px(tmp_path, "PX014") == []


@pytest.mark.parametrize(("rank", "fires"), [(1, True), (10, True), (11, False), (None, False)])
@pytest.mark.rule("PX015", "fires")
def test_px015_green_channel_for_last_years_top10(tmp_path, rank, fires):
    cells = make(tmp_path, {"上年十佳排名": rank})
    expected = [("PX015", "PX-01", "a.xlsx", "申报表", cells["上年十佳排名"])] if fires else []
    assert px(tmp_path, "PX015") == expected
