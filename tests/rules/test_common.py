"""SG rules: each fires with its exact place, and stays quiet on a clean folder or at its boundary."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.validate import validate

AS_OF = date(2023, 12, 31)

FORM = {
    "项目编号": "PX-1",
    "项目名称": "楼道微更新",
    "项目类别": "悦家",
    "居民区": "浦兴一居",
    "申报主体": "浦兴一居委",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "是",
    "申请金额": "10000",
    "开始日期": "2023-03-01",
    "结束日期": "2023-12-31",
    "征询居民人数": 45,
    "听证会日期": "2023-02-15",
}
BUDGET = [
    ("工作经费", "物资", 6500),
    ("志愿者补贴", "慰问", 2000),
    ("管理费", "杂项", 500),
    ("表彰奖励", "奖状", 500),
    ("社会组织服务", "培训", 500),
]
LEDGER_HEAD = (
    "日期",
    "项目编号",
    "支出类别",
    "摘要",
    "金额",
    "发票号",
    "收款方",
    "负责人签字",
    "备注",
)


def write(path: Path, form: dict | None = None, budget=None, ledger=None, members=None) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if form is not None:
        ws = wb.create_sheet("申报表")
        for label, value in form.items():
            ws.append([label, value])
    if budget is not None:
        ws = wb.create_sheet("预算明细")
        ws.append(["支出类别", "明细", "金额"])
        for row in budget:
            ws.append(list(row))
    if members is not None:
        ws = wb.create_sheet("项目成员")
        ws.append(["姓名", "角色", "是否居民", "是否社工"])
        for row in members:
            ws.append(list(row))
    if ledger is not None:
        ws = wb.create_sheet("经费台账")
        ws.append(list(LEDGER_HEAD))
        for row in ledger:
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def expense(day="2023-04-01", pid="PX-1", cat="工作经费", amount=100, invoice="F1", payee="商店"):
    return (day, pid, cat, "物资", amount, invoice, payee, "是", "自治金项目 楼道微更新")


def sg(tmp_path, rule_ids=None):
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    return [
        (f.rule, f.project_id, f.file, f.sheet, f.cell)
        for f in found
        if f.rule.startswith("SG") and (rule_ids is None or f.rule in rule_ids)
    ]


def test_clean_project_has_no_common_findings(tmp_path):
    write(tmp_path / "a.xlsx", FORM, BUDGET, [expense(), expense(invoice="F2", cat="管理费")])
    assert sg(tmp_path) == []


@pytest.mark.rule("SG002", "fires")
def test_sg002_required_fields(tmp_path):
    form = dict(FORM)
    form["项目名称"] = ""
    del form["申报主体"]
    write(tmp_path / "a.xlsx", form, BUDGET)
    assert sg(tmp_path, {"SG002"}) == [
        (
            "SG002",
            "PX-1",
            "a.xlsx",
            "申报表",
            "B1",
        ),  # 申报主体 label absent: points at the 项目编号 cell
        ("SG002", "PX-1", "a.xlsx", "申报表", "B2"),
    ]


def test_sg002_continuing_needs_prior_usage_rate(tmp_path):
    write(tmp_path / "a.xlsx", {**FORM, "是否延续项目": "是"}, BUDGET)
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    assert [(f.rule, f.cell) for f in found if f.rule == "SG002"] == [("SG002", "B1")]
    assert "上年执行率" in [f for f in found if f.rule == "SG002"][0].message


@pytest.mark.rule("SG003", "fires")
@pytest.mark.rule("SG009", "fires")
def test_sg003_sg009(tmp_path):
    write(
        tmp_path / "a.xlsx",
        FORM,
        BUDGET,
        [
            expense(amount="一百多"),
            expense(amount=0, invoice="F2"),
            expense(amount=-5, invoice="F3"),
        ],
    )
    assert sg(tmp_path, {"SG003", "SG009"}) == [
        ("SG003", "PX-1", "a.xlsx", "经费台账", "E2"),
        ("SG009", "PX-1", "a.xlsx", "经费台账", "E3"),
        ("SG009", "PX-1", "a.xlsx", "经费台账", "E4"),
    ]


@pytest.mark.rule("SG004", "fires")
def test_sg004_duplicate_ids(tmp_path):
    write(tmp_path / "a.xlsx", FORM, BUDGET)
    write(tmp_path / "b.xlsx", FORM, BUDGET)
    assert sg(tmp_path, {"SG004"}) == [("SG004", "PX-1", "b.xlsx", "申报表", "B1")]


@pytest.mark.rule("SG005", "fires")
def test_sg005_unknown_project(tmp_path):
    write(tmp_path / "a.xlsx", FORM, BUDGET, [expense(pid="PX-404")])
    assert sg(tmp_path, {"SG005"}) == [("SG005", "PX-404", "a.xlsx", "经费台账", "B2")]


@pytest.mark.parametrize(
    ("requested", "fires"), [("10000", False), ("10000.01", False), ("10000.02", True)]
)
@pytest.mark.rule("SG006", "fires")
def test_sg006_budget_total_tolerance(tmp_path, requested, fires):
    write(tmp_path / "a.xlsx", {**FORM, "申请金额": requested}, BUDGET)
    expected = [("SG006", "PX-1", "a.xlsx", "申报表", "B8")] if fires else []
    assert sg(tmp_path, {"SG006"}) == expected


@pytest.mark.rule("SG007", "fires")
def test_sg007_unknown_names(tmp_path):
    write(
        tmp_path / "a.xlsx",
        {**FORM, "项目类别": "乐家"},
        [*BUDGET[:-1], ("交通费", "打车", 500)],
        [expense(cat="餐费")],
        members=[("张三丰", "组长", "是", "否")],
    )
    assert sg(tmp_path, {"SG007"}) == [
        ("SG007", "PX-1", "a.xlsx", "申报表", "B3"),
        ("SG007", "PX-1", "a.xlsx", "经费台账", "C2"),
        ("SG007", "PX-1", "a.xlsx", "项目成员", "B2"),
        ("SG007", "PX-1", "a.xlsx", "预算明细", "A6"),
    ]


def test_sg007_names_the_close_name_a_typo_was_meant_to_be(tmp_path):
    write(
        tmp_path / "a.xlsx",
        {**FORM, "项目类别": "悦佳"},
        [*BUDGET[:-1], ("社会组织服物", "培训", 500)],
        [expense(cat="招待费")],
    )
    outcome = validate(tmp_path, as_of=AS_OF)
    messages = [f.message for f in outcome.findings if f.rule == "SG007"]
    assert [m.split("：", 1)[1] for m in messages] == [
        "是不是“悦家”？请改正",
        "请改正",  # 招待费 is like no category: no guess
        "是不是“社会组织服务”？请改正",
    ]


def test_sg007_category_with_its_description_is_known(tmp_path):
    write(tmp_path / "a.xlsx", {**FORM, "项目类别": "悦家（群众文体）"}, BUDGET)
    assert sg(tmp_path, {"SG007"}) == []


@pytest.mark.rule("SG010", "fires")
def test_sg010_duplicate_invoice_across_files(tmp_path):
    write(tmp_path / "a.xlsx", FORM, BUDGET, [expense(invoice="F7")])
    write(tmp_path / "台账2.xlsx", ledger=[expense(invoice="f7 ", day="2023-05-01")])
    assert sg(tmp_path, {"SG010"}) == [("SG010", "PX-1", "台账2.xlsx", "经费台账", "F2")]


@pytest.mark.rule("SG011", "fires")
def test_sg011_outside_period_boundaries(tmp_path):
    write(
        tmp_path / "a.xlsx",
        FORM,
        BUDGET,
        [
            expense(day="2023-03-01", invoice="A"),
            expense(day="2023-12-31", invoice="B"),
            expense(day="2023-02-28", invoice="C"),
            expense(day="2024-01-01", invoice="D"),
        ],
    )
    assert sg(tmp_path, {"SG011"}) == [
        ("SG011", "PX-1", "a.xlsx", "经费台账", "A4"),
        ("SG011", "PX-1", "a.xlsx", "经费台账", "A5"),
    ]


@pytest.mark.rule("SG012", "fires")
@pytest.mark.rule("SG013", "fires")
def test_sg012_and_sg013(tmp_path):
    budget = [("工作经费", "物资", 9000), ("管理费", "杂项", 1000)]
    write(
        tmp_path / "a.xlsx",
        FORM,
        budget,
        [
            expense(cat="表彰奖励", invoice="A"),
            expense(cat="管理费", amount=600, invoice="B", day="2023-04-02"),
            expense(
                cat="管理费", amount=400, invoice="C", day="2023-04-03"
            ),  # exactly the line: fine
            expense(cat="管理费", amount=1, invoice="D", day="2023-04-04"),  # crosses it
            expense(
                cat="管理费", amount=1, invoice="E", day="2023-04-05"
            ),  # already over: not repeated
        ],
    )
    assert sg(tmp_path, {"SG012", "SG013"}) == [
        ("SG012", "PX-1", "a.xlsx", "经费台账", "C2"),
        ("SG013", "PX-1", "a.xlsx", "经费台账", "E5"),
    ]


def test_sg013_counts_only_positive_rows_so_a_refund_does_not_hide_the_crossing(tmp_path):
    """The crossing is looked for only in a category whose spending (positive rows) exceeds its
    budget (issue 18): a refund typed as a negative row (SG009) lowers the ledger's sum back under
    the 管理费 line, yet the running total never counts it, so the 600 + 500 row still crosses."""
    budget = [("工作经费", "物资", 9000), ("管理费", "杂项", 1000)]
    write(
        tmp_path / "a.xlsx",
        FORM,
        budget,
        [
            expense(cat="管理费", amount=600, invoice="A", day="2023-04-02"),
            expense(cat="管理费", amount=-300, invoice="B", day="2023-04-03"),
            expense(cat="管理费", amount=500, invoice="C", day="2023-04-04"),  # crosses: 1,100
        ],
    )
    assert sg(tmp_path, {"SG009", "SG013"}) == [
        ("SG009", "PX-1", "a.xlsx", "经费台账", "E3"),
        ("SG013", "PX-1", "a.xlsx", "经费台账", "E4"),
    ]


@pytest.mark.rule("SG015", "fires")
def test_sg015_reversed_period(tmp_path):
    write(tmp_path / "a.xlsx", {**FORM, "开始日期": "2023-12-31", "结束日期": "2023-03-01"}, BUDGET)
    assert sg(tmp_path, {"SG015"}) == [("SG015", "PX-1", "a.xlsx", "申报表", "B9")]


@pytest.mark.rule("SG016", "fires")
def test_sg016_missing_invoice_only_for_work_and_org_service(tmp_path):
    write(
        tmp_path / "a.xlsx",
        FORM,
        BUDGET,
        [
            expense(invoice=""),
            expense(cat="志愿者补贴", invoice=""),
            expense(cat="社会组织服务", invoice=None),
        ],
    )
    assert sg(tmp_path, {"SG016"}) == [
        ("SG016", "PX-1", "a.xlsx", "经费台账", "F2"),
        ("SG016", "PX-1", "a.xlsx", "经费台账", "F4"),
    ]


@pytest.mark.rule("SG008", "fires")
def test_sg001_and_sg008_come_through_the_engine(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"\x00\x01garbage")
    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.save(tmp_path / "无关.xlsx")
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    assert [(f.rule, f.severity.value, f.file, f.sheet, f.cell) for f in found] == [
        ("SG001", "error", "坏.xlsx", None, None),
        ("SG008", "warning", "无关.xlsx", None, None),
    ]


@pytest.mark.parametrize(
    ("program", "extra", "clause"),
    [
        ("puxing-2023", {}, "浦兴 四.4(3)"),
        (
            "xinjing-2021",
            {"项目类别": "Xin融合", "申报主体类型": "社会团体", "专职人员数": 3},
            "通用规则",
        ),
        (
            "gonghexinlu-2023",
            {"项目类别": "一居一品", "意向": "搭建一个社区自治载体"},
            "共和新路 五.(二)1",
        ),
        ("chengdu-2023", {"项目类别": "A", "申报主体类型": "居委会"}, "通用规则"),
    ],
)
def test_sg012_cites_the_programs_own_clause(tmp_path, program, extra, clause):
    """Clerk audit (新泾, 共和新路): SG012 on a 新泾 ledger row cited “浦兴 四.4(3)”, a clause of
    another street's document; 共和新路 checks spending against the budget under 五.(二)1, 新泾 and
    成都 by the common rule."""
    write(
        tmp_path / "a.xlsx",
        {**FORM, **extra},
        [("工作经费", "物资", 10000)],
        [expense(cat="管理费")],
    )
    found = validate(tmp_path, program=program, as_of=AS_OF).findings
    assert [(f.rule, f.cell, f.clause) for f in found if f.rule == "SG012"] == [
        ("SG012", "C2", clause)
    ]
