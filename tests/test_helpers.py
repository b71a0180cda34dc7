"""The shared workbook builders produce what the reader expects, at the cells they promise."""

from datetime import date
from decimal import Decimal

from selfgov_cli.io.loader import load_folder
from tests.helpers import write_config, write_form, write_table


def test_form_budget_members_and_table_round_trip(tmp_path):
    cells = write_form(
        tmp_path / "申报" / "a.xlsx",
        {
            "项目编号": "P-1",
            "项目名称": "楼道微更新",
            "申请金额": "5万",
            "开始日期": date(2023, 3, 1),
        },
        budget=[("工作经费", "宣传海报", 30000), ("社会组织服务", "活动组织", 20000)],
        members=[("张三", "负责人", "是", "否")],
    )
    assert cells == {"项目编号": "B1", "项目名称": "B2", "申请金额": "B3", "开始日期": "B4"}
    write_table(tmp_path / "l.xlsx", "经费台账", None, [{"项目编号": "P-1", "金额": 100}])
    write_config(tmp_path, "puxing-2023", year=2023, neighborhoods=["一居", "二居"])
    data = load_folder(tmp_path)
    (project,) = data.projects
    assert project.values["requested_amount"] == Decimal("50000")
    assert project.cell("requested_amount").cell == "B3"
    assert [(b.category, b.amount) for b in data.budget] == [
        ("work", Decimal("30000")),
        ("org_service", Decimal("20000")),
    ]
    assert [(m.project_id, m.role) for m in data.members] == [("P-1", "负责人")]
    assert [(e.project_id, e.amount) for e in data.ledger] == [("P-1", Decimal("100"))]
    assert (tmp_path / "sgov.toml").read_text(encoding="utf-8").splitlines()[:3] == [
        'program = "puxing-2023"',
        "year = 2023",
        'neighborhoods = ["一居", "二居"]',
    ]


def test_same_call_same_bytes(tmp_path):
    for name in ("x.xlsx", "y.xlsx"):
        write_form(tmp_path / name, {"项目编号": "P-1"}, budget=[("管理费", "a", 1)])
    assert (tmp_path / "x.xlsx").read_bytes() == (tmp_path / "y.xlsx").read_bytes()


def test_text_stays_text_and_formula_is_formula(tmp_path):
    from openpyxl import load_workbook

    from tests.helpers import Formula, write_book

    write_book(tmp_path / "f.xlsx", {"预算明细": [["=HYPERLINK(1)", Formula("=1+1")]]})
    ws = load_workbook(tmp_path / "f.xlsx")["预算明细"]
    assert (ws["A1"].data_type, ws["A1"].value) == ("s", "=HYPERLINK(1)")
    assert (ws["B1"].data_type, ws["B1"].value) == ("f", "=1+1")
