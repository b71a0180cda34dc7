"""What clerks really type: amounts in words (SG023), sheets under other names (SG024, SG008)."""

from datetime import date

import pytest

from selfgov_cli.io.loader import load_folder
from selfgov_cli.rules.catalog import rule_info
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_book

AS_OF = date(2023, 12, 31)
FORM = [
    ("项目编号", "PX-1"),
    ("项目名称", "楼道微更新"),
    ("项目类别", "悦家"),
    ("居民区", "浦兴一居"),
    ("申报主体", "浦兴一居委"),
    ("项目负责人", "张三丰"),
    ("负责人是否本居民区居民", "是"),
    ("申请金额", "50000"),
    ("开始日期", "2023-03-01"),
    ("结束日期", "2023-12-31"),
    ("征询居民人数", 45),
    ("听证会日期", "2023-02-15"),
]
BUDGET = [("支出类别", "明细", "金额"), ("工作经费", "物资", 50000)]


def _findings(folder, rules):
    found = validate(folder, program="puxing-2023", as_of=AS_OF).findings
    return [
        (f.rule, f.severity.value, f.file, f.sheet, f.cell, f.row) for f in found if f.rule in rules
    ]


def _form(**changes):
    return [(label, changes.get(label, value)) for label, value in FORM]


# ---- amounts in words ----------------------------------------------------------------------


def test_requested_amount_in_daxie_alone_is_the_amount(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": _form(申请金额="伍万元整"), "预算明细": BUDGET})
    project = load_folder(tmp_path).projects[0]
    assert str(project.requested) == "50000.00"
    assert _findings(tmp_path, {"SG002", "SG003", "SG006", "SG023"}) == []


@pytest.mark.rule("SG023", "quiet")
def test_figures_and_daxie_that_agree_are_quiet(tmp_path):
    form = [*_form(), ("申请金额（大写）", "人民币伍万元整")]
    write_book(tmp_path / "a.xlsx", {"申报表": form, "预算明细": BUDGET})
    assert _findings(tmp_path, {"SG003", "SG023"}) == []


@pytest.mark.rule("SG023", "fires")
def test_figures_and_daxie_that_disagree_by_one_fen_are_sg023_at_the_daxie_cell(tmp_path):
    form = [*_form(), ("申请金额（大写）", "伍万元零壹分")]
    write_book(tmp_path / "a.xlsx", {"申报表": form, "预算明细": BUDGET})
    assert _findings(tmp_path, {"SG003", "SG023"}) == [
        ("SG023", "error", "a.xlsx", "申报表", "B13", 13)
    ]
    message = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    text = next(f.message for f in message if f.rule == "SG023")
    assert "50,000.01" in text and "50,000.00" in text and "B8" in text
    project = load_folder(tmp_path).projects[0]
    assert str(project.requested) == "50000.00"  # the figures stand; the error asks which is meant


def test_xiaoxie_label_and_daxie_label_side_by_side(tmp_path):
    form = [row for row in _form() if row[0] != "申请金额"]
    form.append(("申请金额（小写）", 50000, "申请金额（大写）", "伍万元整"))
    write_book(tmp_path / "a.xlsx", {"申报表": form, "预算明细": BUDGET})
    project = load_folder(tmp_path).projects[0]
    assert (str(project.requested), project.cell("requested_amount").cell) == ("50000.00", "B12")
    assert _findings(tmp_path, {"SG002", "SG003", "SG023"}) == []


def test_vague_daxie_is_sg003_not_sg023(tmp_path):
    form = [*_form(), ("申请金额（大写）", "伍万多元")]
    write_book(tmp_path / "a.xlsx", {"申报表": form, "预算明细": BUDGET})
    assert _findings(tmp_path, {"SG003", "SG023"}) == [
        ("SG003", "error", "a.xlsx", "申报表", "B13", 13)
    ]


def test_sgov_rules_knows_sg023_and_sg024():
    assert rule_info("SG023")["severity"] == "error"
    assert rule_info("SG024")["severity"] == "info"


# ---- sheets recognised by their header row --------------------------------------------------

LEDGER_ROW = (
    "2023-04-01",
    "PX-1",
    "工作经费",
    "物资",
    100,
    "F1",
    "商店",
    "",
    "是",
    "自治金项目 楼道微更新",
)


@pytest.mark.rule("SG024", "fires")
def test_misspelt_ledger_sheet_is_read_with_sg024(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": _form(), "预算明细": BUDGET})
    write_book(tmp_path / "台账.xlsx", {"经费台帐": [LEDGER_HEADER, LEDGER_ROW]})
    data = load_folder(tmp_path)
    assert [(e.loc.sheet, e.loc.row, str(e.amount)) for e in data.ledger] == [
        ("经费台帐", 2, "100.00")
    ]
    assert _findings(tmp_path, {"SG008", "SG024"}) == [
        ("SG024", "info", "台账.xlsx", "经费台帐", None, 1)
    ]
    message = next(i.message for i in data.issues if i.rule == "SG024")
    assert "经费台帐" in message and "经费台账" in message


def test_sheet1_with_budget_header_below_a_title(tmp_path):
    write_book(
        tmp_path / "a.xlsx",
        {"申报表": _form(), "Sheet1": [("预算表",), *BUDGET, ("合计", None, 50000)]},
    )
    data = load_folder(tmp_path)
    assert [(b.loc.sheet, b.category, str(b.amount)) for b in data.budget] == [
        ("Sheet1", "work", "50000.00")
    ]
    assert [(i.rule, i.loc.sheet, i.loc.row) for i in data.issues] == [("SG024", "Sheet1", 2)]
    assert "预算明细" in data.issues[0].message


def test_a_header_missing_one_required_column_is_not_recognised(tmp_path):
    """The other side: 摘要 missing, so the sheet is no ledger; the workbook is skipped (SG008)."""
    header = [h for h in LEDGER_HEADER if h != "摘要"]
    write_book(tmp_path / "台账.xlsx", {"经费台帐": [header]})
    data = load_folder(tmp_path)
    assert data.ledger == []
    assert [(i.rule, i.loc.file) for i in data.issues] == [("SG008", "台账.xlsx")]
    message = data.issues[0].message
    assert "“经费台帐”" in message and "最接近的表名是“经费台账”" in message


def test_sg008_names_the_sheets_found_and_no_nearest_when_none_is_close(tmp_path):
    write_book(tmp_path / "无关.xlsx", {"通讯录": [("姓名", "电话")], "Sheet2": [()]})
    data = load_folder(tmp_path)
    message = data.issues[0].message
    assert "“通讯录”、“Sheet2”" in message
    assert "最接近" not in message and "经费台账" in message  # lists the names it knows


@pytest.mark.rule("SG024", "quiet")
def test_known_sheet_names_give_no_sg024(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": _form(), "预算明细": BUDGET})
    assert [i.rule for i in load_folder(tmp_path).issues] == []


# ---- SG004: a duplicate application is never merged -------------------------------------------


def test_sg004_duplicate_budget_and_members_are_not_merged_into_the_first(tmp_path):
    members = [("姓名", "角色", "是否居民", "是否社工"), ("张三丰", "负责人", "是", "否")]
    write_book(tmp_path / "a.xlsx", {"申报表": _form(), "预算明细": BUDGET, "项目成员": members})
    copy_budget = [BUDGET[0], ("管理费", "杂项", 5000), ("工作经费", "物资", 45000)]
    copy_members = [members[0], ("李四", "成员", "否", "是")]
    write_book(
        tmp_path / "b 副本.xlsx",
        {"申报表": _form(项目名称="复制的项目"), "预算明细": copy_budget, "项目成员": copy_members},
    )
    data = load_folder(tmp_path)
    assert [(b.loc.file, b.category) for b in data.budget] == [("a.xlsx", "work")]
    assert [(m.loc.file, m.name) for m in data.members] == [("a.xlsx", "张三丰")]
    assert [(r.loc.file, r.loc.row) for r in data.set_aside] == [
        ("b 副本.xlsx", 2),
        ("b 副本.xlsx", 3),
        ("b 副本.xlsx", 2),
    ]
    assert [p.loc.file for p in data.duplicates] == ["b 副本.xlsx"]
    assert data.project_map()["PX-1"].name == "楼道微更新"
    findings = _findings(tmp_path, {"SG004", "SG006", "SG012", "PX002", "PX007"})
    assert findings == [("SG004", "error", "b 副本.xlsx", "申报表", "B1", 1)]


def test_sg004_a_budget_in_another_file_for_a_unique_project_is_kept(tmp_path):
    """The other side: lines for PX-1 in a file without a duplicate application still count."""
    write_book(tmp_path / "a.xlsx", {"申报表": _form()})
    write_book(
        tmp_path / "b.xlsx",
        {"预算明细": [("项目编号", *BUDGET[0]), ("PX-1", "工作经费", "物资", 50000)]},
    )
    data = load_folder(tmp_path)
    assert [(b.loc.file, b.project_id) for b in data.budget] == [("b.xlsx", "PX-1")]
    assert data.duplicates == [] and data.set_aside == []
    assert _findings(tmp_path, {"SG004", "SG006"}) == []


# ---- SG010 by content, not by file name -----------------------------------------------------


def _ledger_row(day, pid, invoice, amount=100, category="工作经费"):
    return (day, pid, category, "物资", amount, invoice, "商店", "", "是", "自治金项目 楼道微更新")


def _two_projects(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": _form(), "预算明细": BUDGET})
    write_book(
        tmp_path / "b.xlsx", {"申报表": _form(项目编号="PX-2", 项目名称="复制"), "预算明细": BUDGET}
    )


def _sg010(tmp_path, owners=None):
    from selfgov_cli.rules.engine import run_rules
    from selfgov_cli.validate import load, make_context

    config, data = load(tmp_path, "puxing-2023")
    ctx = make_context(config, data, AS_OF)
    if owners:
        ctx.invoice_owners = owners
    return [(f.rule, f.project_id, f.file, f.cell) for f in run_rules(ctx, only={"SG010", "SG016"})]


def test_sg010_within_a_project_the_later_row_by_date_is_flagged_whatever_the_file_name(tmp_path):
    _two_projects(tmp_path)
    # "经费台账 2024下半年.xlsx" sorts before "经费台账.xlsx", but its row is the later one
    write_book(
        tmp_path / "经费台账 2024下半年.xlsx",
        {"经费台账": [LEDGER_HEADER, _ledger_row("2023-09-01", "PX-1", "F7")]},
    )
    write_book(
        tmp_path / "经费台账.xlsx",
        {"经费台账": [LEDGER_HEADER, _ledger_row("2023-04-01", "PX-1", "f7 ")]},
    )
    assert _sg010(tmp_path) == [("SG010", "PX-1", "经费台账 2024下半年.xlsx", "F2")]


def test_sg010_same_day_within_a_project_folder_order_decides(tmp_path):
    _two_projects(tmp_path)
    rows = [
        LEDGER_HEADER,
        _ledger_row("2023-04-01", "PX-1", "F7"),
        _ledger_row("2023-04-01", "PX-1", "F7"),
    ]
    write_book(tmp_path / "台账.xlsx", {"经费台账": rows})
    assert _sg010(tmp_path) == [("SG010", "PX-1", "台账.xlsx", "F3")]


def test_sg010_across_projects_every_row_is_flagged(tmp_path):
    _two_projects(tmp_path)
    rows = [
        LEDGER_HEADER,
        _ledger_row("2023-04-01", "PX-1", "F7"),
        _ledger_row("2023-05-01", "PX-2", "F7"),
        _ledger_row("2023-06-01", "PX-2", "F8"),  # a different invoice: quiet
    ]
    write_book(tmp_path / "台账.xlsx", {"经费台账": rows})
    assert _sg010(tmp_path) == [
        ("SG010", "PX-1", "台账.xlsx", "F2"),
        ("SG010", "PX-2", "台账.xlsx", "F3"),
    ]


def test_sg010_across_projects_with_an_owner_the_owners_first_row_counts(tmp_path):
    _two_projects(tmp_path)
    rows = [
        LEDGER_HEADER,
        _ledger_row("2023-04-01", "PX-1", "F7"),
        _ledger_row("2023-05-01", "PX-2", "F7"),
        _ledger_row("2023-06-01", "PX-2", "F7"),
    ]
    write_book(tmp_path / "台账.xlsx", {"经费台账": rows})
    # the owner's first row (F3) is reported too, so the 发票归属 decision shows on it: the pipeline
    # turns that one into info with the decision (tests/pipeline/test_decision_effects.py)
    assert _sg010(tmp_path, {"f7": "PX-2"}) == [
        ("SG010", "PX-1", "台账.xlsx", "F2"),
        ("SG010", "PX-2", "台账.xlsx", "F3"),
        ("SG010", "PX-2", "台账.xlsx", "F4"),
    ]


def test_sg010_placeholders_are_no_invoice_numbers(tmp_path):
    _two_projects(tmp_path)
    placeholders = ["无", "暂无", "空", "/", "-", "—", "N/A"]
    rows = [LEDGER_HEADER]
    for text in placeholders:  # each twice, in two projects, on volunteer rows: no SG010, no SG016
        rows.append(_ledger_row("2023-04-01", "PX-1", text, category="志愿者补贴"))
        rows.append(_ledger_row("2023-04-02", "PX-2", f" {text} ", category="志愿者补贴"))
    rows.append(_ledger_row("2023-04-03", "PX-1", "无"))  # a work row: SG016
    write_book(tmp_path / "台账.xlsx", {"经费台账": rows})
    assert _sg010(tmp_path) == [("SG016", "PX-1", "台账.xlsx", f"F{len(rows)}")]
