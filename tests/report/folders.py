"""Program folders built for the report tests (real workbooks in tmp_path)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.helpers import EVALUATIONS_HEADER, LEDGER_HEADER, write_config, write_form, write_table

AS_OF = date(2023, 12, 4)  # a Monday
INJECT_NAME = '=HYPERLINK("http://evil.example","点我")'
SCRIPT_NAME = "<script>alert(1)</script>老年助餐"
PHONE = "13812345678"
ID_NUMBER = "310101199001011234"
BUDGET = [
    ("工作经费", "物资", 6700),
    ("志愿者补贴", "慰问", 2000),
    ("管理费", "杂项", 500),
    ("表彰奖励", "奖状", 300),
    ("社会组织服务", "培训", 500),
]


def form(pid: str, name: str, hood: str, leader: str, amount: str = "10000", **extra) -> dict:
    fields = {
        "项目编号": pid,
        "项目名称": name,
        "项目类别": "悦家",
        "居民区": hood,
        "申报主体": f"{hood}居委会",
        "项目负责人": leader,
        "负责人是否本居民区居民": "是",
        "联系电话": PHONE,
        "申请金额": amount,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
        "项目简介": f"负责人身份证 {ID_NUMBER}",
    }
    fields.update(extra)
    return fields


def puxing_folder(root: Path, ledger: bool = True) -> Path:
    """Four applications: two clean, one named like a formula and one with a script tag, one with errors."""
    write_config(
        root, "puxing-2023", year=2023, office="浦兴路街道办事处", office_phone="021-58881234"
    )
    write_form(
        root / "applications" / "一居.xlsx",
        form("PX-2023-001", "楼道微更新", "浦兴一居", "张三丰"),
        BUDGET,
    )
    write_form(
        root / "applications" / "二居.xlsx",
        form("PX-2023-002", INJECT_NAME, "浦兴二居", "欧阳娜娜"),
        BUDGET,
    )
    write_form(
        root / "applications" / "三居.xlsx",
        form("PX-2023-010", SCRIPT_NAME, "浦兴三居", "李四"),
        BUDGET,
    )
    write_form(
        root / "applications" / "四居.xlsx",
        form("PX-2023-004", "睦邻点", "浦兴四居", "王五", 征询居民人数=12),
        BUDGET,
    )
    if ledger:
        rows = [
            (
                "2023-04-01",
                "PX-2023-001",
                "工作经费",
                "物资",
                3000,
                "F001",
                "文具店",
                "居民",
                "是",
                "自治金项目 楼道微更新",
            ),
            (
                "2023-05-01",
                "PX-2023-002",
                "管理费",
                "杂项",
                500,
                "",
                "张三",
                "居民",
                "是",
                "自治金项目",
            ),
            (
                "2023-06-01",
                "PX-2023-004",
                "工作经费",
                "物资",
                800,
                "F002",
                "文具店",
                "居民",
                "",
                "自治金项目 睦邻点",
            ),
        ]
        write_table(root / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
        write_table(
            root / "评估.xlsx",
            "评估结果",
            EVALUATIONS_HEADER,
            [
                ("PX-2023-001", "合格", "2023-07-31", "", 9000),
                ("PX-2023-002", "合格", "2023-07-31", "", None),
            ],
        )
    return root


def add_scores(root: Path) -> Path:
    """Three reviewers: PX-2023-002 first, PX-2023-001 second, PX-2023-010 below the line (60)."""
    from tests.helpers import SCORES_HEADER

    rows = []
    for pid, totals in (
        ("PX-2023-001", (80, 82, 84)),
        ("PX-2023-002", (90, 91, 92)),
        ("PX-2023-010", (50, 55, 52)),
    ):
        rows += [(pid, f"评委{i}", total) for i, total in enumerate(totals, start=1)]
    return write_table(root / "评审打分.xlsx", "评审打分", SCORES_HEADER, rows)
