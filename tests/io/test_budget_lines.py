"""预算明细 is read to its 合计 row: past blank rows, without 小计 or note rows, nothing after 合计."""

from datetime import date
from decimal import Decimal

from selfgov_cli.io.loader import load_folder
from selfgov_cli.validate import validate
from tests.helpers import write_book

FORM = [
    ("项目编号", "PX-1"),
    ("项目名称", "楼道微更新"),
    ("项目类别", "悦家"),
    ("居民区", "浦兴一居"),
    ("申报主体", "浦兴一居委"),
    ("项目负责人", "张三丰"),
    ("负责人是否本居民区居民", "是"),
    ("申请金额", "30000"),
    ("开始日期", "2023-03-01"),
    ("结束日期", "2023-12-31"),
    ("征询居民人数", 45),
    ("听证会日期", "2023-02-15"),
]
HEAD = ("支出类别", "明细", "金额")


def _lines(data):
    return [(b.category, b.amount, b.loc.row) for b in data.budget]


def test_blank_row_then_lines_then_total_then_note(tmp_path):
    write_book(
        tmp_path / "a.xlsx",
        {
            "申报表": FORM,
            "预算明细": [
                HEAD,
                ("工作经费", "物资", 15000),
                ("志愿者补贴", "慰问", 6000),
                (),  # a blank row never hides the lines after it
                ("管理费", "总结会", 3000),
                ("社会组织服务", "培训", 6000),
                ("合计", None, 30000),
                ("编制人：王某", None, None),  # after 合计: nothing is a line
                ("工作经费", "后面的草稿", 999),
            ],
        },
    )
    data = load_folder(tmp_path)
    assert _lines(data) == [
        ("work", Decimal("15000.00"), 2),
        ("volunteer", Decimal("6000.00"), 3),
        ("management", Decimal("3000.00"), 5),
        ("org_service", Decimal("6000.00"), 6),
    ]
    assert data.issues == []
    findings = validate(tmp_path, program="puxing-2023", as_of=date(2023, 12, 31)).findings
    assert [f.rule for f in findings if f.rule in ("SG002", "SG006", "SG007", "SG012")] == []


def test_subtotal_and_note_rows_are_not_lines(tmp_path):
    write_book(
        tmp_path / "a.xlsx",
        {
            "申报表": FORM,
            "预算明细": [
                HEAD,
                ("工作经费", "物资", 15000),
                ("小计", None, 15000),
                (None, "（以下为补贴）", None),  # neither 支出类别 nor 金额: a note
                ("志愿者补贴", "慰问", 6000),
                ("编制人：王某", None, None),  # a note where 支出类别 would be, no 金额
                ("管理费", "总结会", 3000),
                ("社会组织服务", "培训", 6000),
                ("总计", None, 30000),
            ],
        },
    )
    data = load_folder(tmp_path)
    assert _lines(data) == [
        ("work", Decimal("15000.00"), 2),
        ("volunteer", Decimal("6000.00"), 5),
        ("management", Decimal("3000.00"), 7),
        ("org_service", Decimal("6000.00"), 8),
    ]
    assert data.issues == []


def test_a_line_without_amount_is_still_a_line(tmp_path):
    """The other side of the note boundary: a 支出类别 without 金额 is a line missing its amount."""
    write_book(
        tmp_path / "a.xlsx",
        {"申报表": FORM, "预算明细": [HEAD, ("工作经费", "物资", None), ("合计", None, 0)]},
    )
    data = load_folder(tmp_path)
    assert _lines(data) == [("work", None, 2)]
    assert [(i.rule, i.loc.cell) for i in data.issues] == [("SG002", "C2")]


def test_without_total_row_lines_run_to_the_end(tmp_path):
    write_book(
        tmp_path / "a.xlsx",
        {
            "申报表": FORM,
            "预算明细": [HEAD, ("工作经费", "物资", 100), (), (), ("管理费", "杂项", 10)],
        },
    )
    assert _lines(load_folder(tmp_path)) == [
        ("work", Decimal("100.00"), 2),
        ("management", Decimal("10.00"), 5),
    ]


def test_multi_project_budget_with_a_total_per_project(tmp_path):
    write_book(
        tmp_path / "汇总.xlsx",
        {
            "预算明细": [
                ("项目编号", *HEAD),
                ("P1", "工作经费", "物资", 100),
                (None, "合计", None, 100),
                ("P2", "管理费", "杂项", 10),
                (None, "合计", None, 10),
            ]
        },
    )
    data = load_folder(tmp_path)
    assert [(b.project_id, b.category, b.loc.row) for b in data.budget] == [
        ("P1", "work", 2),
        ("P2", "management", 4),
    ]
