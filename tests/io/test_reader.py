"""The workbook reader: forms, tables, merged cells, formulas, recognition by sheet name."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.io.loader import discover, load_folder


def _book(
    path: Path, sheets: dict[str, list[tuple]], merges: dict[str, list[str]] | None = None
) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _issues(data):
    return [(i.rule, i.loc.file, i.loc.sheet, i.loc.cell, i.project_id) for i in data.issues]


def test_form_labels_anywhere_two_pairs_a_row(tmp_path):
    _book(
        tmp_path / "sub" / "一居.xlsx",
        {
            "申报表": [
                ("", "自治金项目申报书"),
                ("", "*项目编号：", "PX-001", "项目名称:", "楼道微更新"),
                ("", "项目类别", "悦家", "居民区", "浦兴一居"),
                ("", "申请金额", "5万元", "开始日期", "2023年3月1日"),
                ("", "结束日期", "2023.12.31", "负责人是否本居民区居民", "是"),
                ("", "征询居民人数", "45人", "上年执行率", "85%"),
            ]
        },
    )
    data = load_folder(tmp_path)
    assert len(data.projects) == 1
    project = data.projects[0]
    assert project.project_id == "PX-001"
    assert project.name == "楼道微更新"
    assert project.requested == Decimal("50000.00")
    assert project.start == date(2023, 3, 1)
    assert project.end == date(2023, 12, 31)
    assert project.get("leader_is_resident") is True
    assert project.get("residents_consulted") == 45
    assert project.get("prior_usage_rate") == Decimal("0.85")
    assert project.cell("requested_amount").cell == "C4"
    assert project.cell("name").cell == "E2"
    assert project.loc.file == "sub/一居.xlsx"
    assert project.loc.sheet == "申报表"
    assert data.issues == []


def test_form_value_below_and_merged_cells(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {
            "申报表": [
                ("项目编号", "", "", "PX-9"),
                ("项目简介",),
                ("楼道里装扶手",),
                ("项目名称", "扶手"),
            ]
        },
        merges={"申报表": ["A1:C1", "B4:D4"]},
    )
    project = load_folder(tmp_path).projects[0]
    assert project.project_id == "PX-9"  # skips the label's own merged range
    assert project.cell("project_id").cell == "D1"
    assert project.get("summary") == "楼道里装扶手"  # nothing to the right: the cell below
    assert project.cell("summary").cell == "A3"
    assert project.name == "扶手"
    assert project.cell("name").cell == "B4"


def test_a_label_is_never_taken_as_a_value(tmp_path):
    _book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "PX-1"), ("项目名称", "项目类别", "悦家")]})
    project = load_folder(tmp_path).projects[0]
    assert project.get("name") is None
    assert project.get("category") == "悦家"
    assert "name" in project.present


def test_bad_values_are_located_sg003(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {"申报表": [("项目编号", "PX-1"), ("申请金额", "五万多"), ("开始日期", "2023-02-30")]},
    )
    data = load_folder(tmp_path)
    assert _issues(data) == [
        ("SG003", "a.xlsx", "申报表", "B2", "PX-1"),
        ("SG003", "a.xlsx", "申报表", "B3", "PX-1"),
    ]
    assert data.projects[0].bad == {"requested_amount", "start_date"}


def test_formula_with_cached_value_and_without(tmp_path):
    path = _book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "PX-1"), ("申请金额", "=1+1")]})
    data = load_folder(tmp_path)  # openpyxl saves no cached value
    assert _issues(data) == [("SG003", "a.xlsx", "申报表", "B2", "PX-1")]
    assert "公式" in data.issues[0].message
    # a cached value (as Excel saves it) is read
    import zipfile

    raw = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            raw[name] = z.read(name)
    sheet = raw["xl/worksheets/sheet1.xml"]
    assert b"<f>1+1</f><v />" in sheet
    raw["xl/worksheets/sheet1.xml"] = sheet.replace(b"<f>1+1</f><v />", b"<f>1+1</f><v>20000</v>")
    with zipfile.ZipFile(path, "w") as z:
        for name, content in raw.items():
            z.writestr(name, content)
    data = load_folder(tmp_path)
    assert data.issues == []
    assert data.projects[0].requested == Decimal("20000.00")


def test_tables_budget_members_ledger(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {
            "申报表": [("项目编号", "PX-1")],
            "预算明细": [
                ("预算明细表",),
                ("*支出类别", "明细", "金额"),
                ("工作经费（办公、宣传）", "海报", "1,000"),
                ("管理费", "杂项", 200),
                ("合计", "", 1200),
                (),
                ("备注：以上为预算",),
            ],
            "Members": [("姓名", "角色", "是否居民", "是否社工"), ("张三", "负责人", "是", "否")],
        },
    )
    _book(
        tmp_path / "台账.xlsx",
        {
            "经费台账": [
                ("日期", "项目编号", "支出类别", "摘要", "金额", "发票号", "收款方"),
                ("2023-04-01", "PX-1", "work", "海报", "¥300", "F001", "印刷店"),
                (),
                ("2023/4/2", "PX-1", "志愿者补贴", "慰问", "abc", "", "王五"),
            ]
        },
    )
    data = load_folder(tmp_path)
    assert [(b.project_id, b.category, b.amount, b.loc.row) for b in data.budget] == [
        ("PX-1", "work", Decimal("1000.00"), 3),
        ("PX-1", "management", Decimal("200.00"), 4),
    ]
    assert [(m.project_id, m.name, m.role, m.is_resident) for m in data.members] == [
        ("PX-1", "张三", "负责人", True)
    ]
    assert [(e.loc.file, e.loc.row, e.category, e.amount) for e in data.ledger] == [
        ("台账.xlsx", 2, "work", Decimal("300.00")),
        ("台账.xlsx", 4, "volunteer", None),
    ]
    assert _issues(data) == [("SG003", "台账.xlsx", "经费台账", "E4", "PX-1")]


def test_multi_project_budget_needs_project_id_column(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {
            "项目汇总": [
                ("项目编号", "项目名称", "申请金额"),
                ("P1", "甲", "1万"),
                ("P2", "乙", 20000),
            ],
            "预算明细": [("支出类别", "明细", "金额"), ("管理费", "x", 100)],
        },
    )
    data = load_folder(tmp_path)
    assert [(p.project_id, p.requested, p.loc.row, p.loc.cell) for p in data.projects] == [
        ("P1", Decimal("10000.00"), 2, "A2"),
        ("P2", Decimal("20000.00"), 3, "A3"),
    ]
    assert _issues(data) == [("SG002", "a.xlsx", "预算明细", None, None)]
    assert "项目编号" in data.issues[0].message


def test_missing_required_column_and_cell(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {
            "经费台账": [
                ("日期", "项目编号", "支出类别", "摘要", "收款方"),
                ("2023-04-01", "", "管理费", "x", "y"),
            ]
        },
    )
    data = load_folder(tmp_path)
    assert _issues(data) == [
        ("SG002", "a.xlsx", "经费台账", None, None),  # no 金额 column at all
        ("SG002", "a.xlsx", "经费台账", "B2", None),  # empty 项目编号
    ]
    assert data.issues[0].loc.row == 1


def test_recognition_by_sheet_name_and_skips(tmp_path):
    _book(
        tmp_path / "随便叫什么.xlsx",
        {"Sheet1": [("x",)], " 评估结果 ": [("项目编号", "中期评估"), ("P1", "合格")]},
    )
    _book(tmp_path / "无关.xlsx", {"通讯录": [("姓名", "电话")]})
    _book(tmp_path / "~$锁.xlsx", {"申报表": [("项目编号", "X")]})
    _book(tmp_path / ".hidden" / "a.xlsx", {"申报表": [("项目编号", "X")]})
    (tmp_path / "说明.docx").write_bytes(b"not a sheet")
    assert discover(tmp_path) == ["无关.xlsx", "随便叫什么.xlsx"]
    data = load_folder(tmp_path)
    assert [(e.project_id, e.midterm) for e in data.evaluations] == [("P1", "合格")]
    assert _issues(data) == [("SG008", "无关.xlsx", None, None, None)]


def test_csv_table_by_file_stem(tmp_path):
    (tmp_path / "经费台账.csv").write_bytes(
        '日期,项目编号,支出类别,摘要,金额,收款方\n2023-05-01,P1,管理费,杂项,"1,200",某店\n'.encode(
            "gb18030"
        )
    )
    (tmp_path / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    data = load_folder(tmp_path)
    assert [(e.project_id, e.amount, e.loc.sheet, e.loc.row) for e in data.ledger] == [
        ("P1", Decimal("1200.00"), "经费台账", 2)
    ]
    assert _issues(data) == [("SG008", "other.csv", None, None, None)]


@pytest.mark.rule("SG001", "fires")
def test_unreadable_files_are_sg001_and_the_run_goes_on(tmp_path):
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04broken")
    (tmp_path / "空.xlsx").write_bytes(b"")
    (tmp_path / "网页.xls").write_text(
        "<html><table><tr><td>1</td></tr></table></html>", encoding="utf-8"
    )
    _book(tmp_path / "好.xlsx", {"申报表": [("项目编号", "P1")]})
    data = load_folder(tmp_path)
    assert [p.project_id for p in data.projects] == ["P1"]
    assert sorted((i.rule, i.loc.file) for i in data.issues) == [
        ("SG001", "坏.xlsx"),
        ("SG001", "空.xlsx"),
        ("SG001", "网页.xls"),
    ]


def test_budget_problems_in_a_form_workbook_name_its_project(tmp_path):
    _book(
        tmp_path / "a.xlsx",
        {
            "申报表": [("项目编号", "PX-7")],
            "预算明细": [("支出类别", "明细", "金额"), ("管理费", "杂项", "一百多")],
        },
    )
    assert _issues(load_folder(tmp_path)) == [("SG003", "a.xlsx", "预算明细", "C2", "PX-7")]


def test_a_blank_score_sheet_with_criteria_headers_is_not_a_problem(tmp_path):
    _book(tmp_path / "a.xlsx", {"评审打分": [("项目编号", "评审人", "必要性", "可行性")]})
    data = load_folder(tmp_path)
    assert data.issues == [] and data.scores == []
    _book(tmp_path / "a.xlsx", {"评审打分": [("项目编号", "评审人", "评语"), ("P1", "甲", "好")]})
    assert _issues(load_folder(tmp_path)) == [("SG002", "a.xlsx", "评审打分", None, None)]
