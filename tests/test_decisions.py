"""人工认定: reading the sheets, typing each decision, SG025, and the pure effect functions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli import decisions as dec
from selfgov_cli.io import cache as cache_mod
from selfgov_cli.io.loader import load_folder
from selfgov_cli.outcome import CANCELLED, NEEDS_FIX
from selfgov_cli.pipeline import run
from selfgov_cli.report.publicity import publicity_data
from selfgov_cli.rules.engine import Finding, Severity
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table
from tests.io.test_parallel import dump

AS_OF = date(2023, 12, 31)
HEADER = ("项目编号", "认定事项", "规则", "位置", "内容", "理由", "认定人", "认定日期", "依据文件")
FORM = {
    "项目编号": "PX-1",
    "项目名称": "楼道微更新",
    "项目类别": "悦家",
    "居民区": "一居",
    "申报主体": "一居委",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "是",
    "申请金额": 10000,
    "开始日期": date(2023, 3, 1),
    "结束日期": date(2023, 12, 31),
    "征询居民人数": 45,
    "听证会日期": date(2023, 2, 15),
}
BUDGET = [
    ("工作经费", "物资", 6500),
    ("志愿者补贴", "慰问", 2000),
    ("管理费", "杂项", 500),
    ("表彰奖励", "奖状", 500),
    ("社会组织服务", "培训", 500),
]


def ledger_row(day, pid, cat, amount, invoice, remark="自治金项目 楼道微更新"):
    return (day, pid, cat, "物资", amount, invoice, "商店", "商户", "是", remark)


def folder(tmp_path: Path, rows, ledger=None) -> Path:
    """Two projects PX-1 and PX-2, a ledger, and one 人工认定.xlsx with `rows`."""
    write_config(tmp_path, "puxing-2023")
    for pid, name in (("PX-1", "楼道微更新"), ("PX-2", "睦邻点")):
        write_form(
            tmp_path / f"申报/{pid}.xlsx",
            {**FORM, "项目编号": pid, "项目名称": name},
            budget=BUDGET,
            members=[("张三丰", "负责人", "是", "否")],
        )
    if ledger is None:
        ledger = [
            ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 100, "F1"),
            ledger_row(date(2023, 4, 2), "PX-1", "工作经费", 100, None),  # SG016 at F3
            ledger_row(date(2023, 4, 3), "PX-1", "工作经费", 100, None),  # SG016 at F4
            ledger_row(date(2023, 4, 4), "PX-2", "工作经费", 100, "F1", "自治金项目 睦邻点"),
        ]
    write_table(tmp_path / "台账/台账.xlsx", "经费台账", LEDGER_HEADER, ledger)
    write_table(tmp_path / "人工认定.xlsx", "人工认定", HEADER, rows)
    return tmp_path


def row(pid="PX-1", kind="豁免", rule=None, where=None, value=None, reason="已核实", by="王主任",
        on=date(2023, 6, 1), doc=None):  # fmt: skip
    return (pid, kind, rule, where, value, reason, by, on, doc)


def parsed(tmp_path: Path, rule_ids=None):
    data = load_folder(tmp_path, workers=1)
    return dec.parse(data, rule_ids)


def sg025(tmp_path: Path, as_of=AS_OF) -> list[tuple]:
    found = validate(tmp_path, program="puxing-2023", as_of=as_of).findings
    return [(f.project_id, f.file, f.sheet, f.cell, f.message) for f in found if f.rule == "SG025"]


# ---------------------------------------------------------------- reading


def test_decision_sheets_are_read_with_their_cells_from_any_number_of_files(tmp_path):
    folder(tmp_path, [row(rule="SG016", where="经费台账!F3", doc="会议纪要 3 号")])
    write_table(
        tmp_path / "其他/认定补充.xlsx",
        "decisions",
        ("project_id", "kind", "reason", "by", "on"),
        [("PX-2", "异议不成立", "反映问题不属实", "李科长", "2023年4月2日")],
    )
    data = load_folder(tmp_path, workers=1)
    assert [d.project_id for d in data.decisions] == ["PX-1", "PX-2"]
    first, second = data.decisions
    assert (first.kind, first.rule, first.where, first.reason, first.by, first.on) == (
        "豁免",
        "SG016",
        "经费台账!F3",
        "已核实",
        "王主任",
        date(2023, 6, 1),
    )
    assert first.document == "会议纪要 3 号"
    assert (first.loc.file, first.loc.sheet, first.loc.cell, first.loc.row) == (
        "人工认定.xlsx",
        "人工认定",
        "A2",
        2,
    )
    assert first.cell("on").cell == "H2" and first.cell("where").cell == "D2"
    assert (second.loc.file, second.loc.sheet, second.on) == (
        "其他/认定补充.xlsx",
        "decisions",
        date(2023, 4, 2),
    )
    assert [f.kinds for f in data.files if f.path.endswith("认定补充.xlsx")] == [("decisions",)]


def test_decisions_round_trip_through_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache_mod.CACHE_ENV, str(tmp_path / "cache"))
    root = folder(tmp_path / "f", [row(rule="SG016", where="经费台账!F3")])
    fresh = load_folder(root, workers=1)
    load_folder(root, workers=1, cache=True)
    cached = load_folder(root, workers=1, cache=True)
    assert dump(cached) == dump(fresh)
    assert [dump_decision(d) for d in cached.decisions] == [
        dump_decision(d) for d in fresh.decisions
    ]
    assert cached.decisions[0].on == date(2023, 6, 1)


def dump_decision(d) -> tuple:
    return (d.loc, dict(d.cells), sorted(d.bad), d.project_id, d.kind, d.rule, d.where, d.value,
            d.reason, d.by, d.on, d.document)  # fmt: skip


def test_empty_required_cells_are_not_sg002_but_sg025(tmp_path):
    folder(tmp_path, [row(kind="异议成立", reason=None, by=None, on=None)])
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    assert [(f.rule, f.cell) for f in found if f.file == "人工认定.xlsx"] == [
        ("SG025", "F2"),
        ("SG025", "G2"),
        ("SG025", "H2"),
    ]


def test_a_missing_required_column_is_sg002_at_the_header(tmp_path):
    folder(tmp_path, [])
    write_table(
        tmp_path / "人工认定.xlsx", "人工认定", ("项目编号", "认定事项", "理由", "认定日期"), [
            ("PX-1", "异议不成立", "不属实", date(2023, 4, 1))
        ]
    )  # fmt: skip
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    assert [(f.rule, f.row, f.message) for f in found if f.file == "人工认定.xlsx"] == [
        ("SG002", 1, "缺少必填列“认定人”：请在表头第 1 行加上该列")
    ]
    assert parsed(tmp_path) == ([], [])  # no 认定人: no effect, reported once (SG002)


def test_an_unreadable_date_is_sg003_only(tmp_path):
    folder(tmp_path, [row(kind="异议成立", on="下周一")])
    found = validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings
    assert [(f.rule, f.cell) for f in found if f.file == "人工认定.xlsx"] == [("SG003", "H2")]
    assert parsed(tmp_path) == ([], [])


# ---------------------------------------------------------------- parsing each kind


def test_each_kind_is_typed(tmp_path):
    folder(
        tmp_path,
        [
            row(rule="sg016", where="台账/台账.xlsx:经费台账!$f$3"),
            row(kind="预算调整", value="管理费 800"),
            row(kind="预算调整", value="工作经费：5,500元"),
            row(kind="预算调整", value="核定金额 9000"),
            row(kind="预算调整", value="org_service 0"),
            row(kind="拨付", value="第2笔 拨付"),
            row(kind="拨付", value="第一笔暂缓"),
            row(kind="拨付", where="第2笔", value="暂缓"),
            row(pid="PX-2", kind="发票归属", value=" f1 "),
            row(kind="异议成立"),
            row(pid="PX-2", kind="异议不成立"),
            row(rule="SG010", where="F1"),
            row(rule="PX011", where="第 2 笔"),
        ],
    )
    found, problems = parsed(tmp_path, {"SG010", "PX011", "SG016"})
    assert problems == []
    got = [(d.kind, d.rule, d.target, d.amount, d.tranche, d.release, d.invoice) for d in found]
    assert got == [
        ("豁免", "SG016", None, None, None, None, None),
        ("预算调整", None, "management", Decimal("800.00"), None, None, None),
        ("预算调整", None, "work", Decimal("5500.00"), None, None, None),
        ("预算调整", None, dec.APPROVED, Decimal("9000.00"), None, None, None),
        ("预算调整", None, "org_service", Decimal("0.00"), None, None, None),
        ("拨付", None, None, None, 2, True, None),
        ("拨付", None, None, None, 1, False, None),
        ("拨付", None, None, None, 2, False, None),
        ("发票归属", None, None, None, None, None, "f1"),
        ("异议成立", None, None, None, None, None, None),
        ("异议不成立", None, None, None, None, None, None),
        ("豁免", "SG010", None, None, None, None, None),
        ("豁免", "PX011", None, None, None, None, None),
    ]
    assert found[0].place == dec.Place(
        "台账/台账.xlsx:经费台账!$f$3", file="台账/台账.xlsx", sheet="经费台账", cell="F3"
    )
    assert found[11].place.invoice == "F1"
    assert found[11].invoice_rows == {
        ("台账/台账.xlsx", "经费台账", 2),
        ("台账/台账.xlsx", "经费台账", 5),
    }
    assert found[12].place.tranche == 2
    assert [d.order for d in found] == list(range(13))


def test_note_and_json_carry_reason_by_date_and_document(tmp_path):
    folder(tmp_path, [row(kind="预算调整", value="管理费 800", doc="浦兴办〔2023〕12号")])
    (d,), _ = parsed(tmp_path)
    assert d.note() == (
        "人工认定：预算调整：管理费调整为 800.00 元；理由：已核实"
        "（认定人 王主任，2023-06-01，依据 浦兴办〔2023〕12号）"
    )
    assert d.to_dict() == {
        "project_id": "PX-1",
        "kind": "预算调整",
        "rule": None,
        "where": None,
        "value": "管理费 800",
        "target": "management",
        "amount": "800.00",
        "tranche": None,
        "release": None,
        "invoice": None,
        "reason": "已核实",
        "by": "王主任",
        "on": "2023-06-01",
        "document": "浦兴办〔2023〕12号",
        "file": "人工认定.xlsx",
        "sheet": "人工认定",
        "cell": "A2",
        "row": 2,
    }


@pytest.mark.rule("SG025", "fires")
def test_malformed_decisions_are_sg025_at_their_cells(tmp_path):
    folder(
        tmp_path,
        [
            row(kind="特批"),  # 2: unknown kind
            row(rule=None),  # 3: 豁免 without rule
            row(rule="PX999"),  # 4: unknown rule id
            row(rule="CD001"),  # 5: another program's rule
            row(kind="预算调整", value="买菜 500"),  # 6: unknown category
            row(kind="预算调整", value="管理费"),  # 7: no amount
            row(kind="预算调整", value="核定金额 0"),  # 8
            row(kind="拨付", value="全部拨付"),  # 9
            row(kind="拨付", value=None),  # 10
            row(kind="发票归属", value=None),  # 11
            row(pid="PX-404", kind="异议成立"),  # 12: unknown project
            row(pid=None, kind="异议成立"),  # 13
            row(rule="SG016", where="经费台账C12"),  # 14: not a place
            row(rule="SG016", where="经费台账!12C"),  # 15
            row(kind=None),  # 16
        ],
    )
    got = sg025(tmp_path)
    assert [(pid, cell) for pid, _, _, cell, _ in got] == [
        ("PX-1", "B2"),
        ("PX-1", "C3"),
        ("PX-1", "C4"),
        ("PX-1", "C5"),
        ("PX-1", "E6"),
        ("PX-1", "E7"),
        ("PX-1", "E8"),
        ("PX-1", "E9"),
        ("PX-1", "E10"),
        ("PX-1", "E11"),
        ("PX-404", "A12"),
        (None, "A13"),
        ("PX-1", "D14"),
        ("PX-1", "D15"),
        ("PX-1", "B16"),
    ]
    assert {(file, sheet) for _, file, sheet, _, _ in got} == {("人工认定.xlsx", "人工认定")}
    messages = [m for *_, m in got]
    assert messages[0] == (
        "认定事项“特批”不是规定的事项（豁免、预算调整、拨付、发票归属、异议成立、异议不成立）"
        "：请从下拉列表中选择"
    )
    assert messages[1] == "豁免须填写规则编号（如 SG013）：请在“规则”一栏补填"
    assert messages[3].startswith("规则“CD001”不是本计划的规则编号")
    assert messages[4].startswith("预算调整的“买菜”不是支出类别或核定金额")
    assert (
        messages[10] == "人工认定的项目编号 PX-404 没有对应的申报：这条认定不起作用，请核对项目编号"
    )
    assert messages[12] == (
        "位置“经费台账C12”看不懂：应写 工作表!C12、相对路径:工作表!C12、发票号 或 第N笔"
    )
    assert parsed(tmp_path, {"SG016"})[0] == []  # none of them takes effect


@pytest.mark.rule("SG025", "quiet")
def test_well_formed_decisions_raise_no_sg025(tmp_path):
    folder(tmp_path, [row(rule="SG016", where="经费台账!F3"), row(kind="异议成立")])
    assert sg025(tmp_path) == []


# ---------------------------------------------------------------- effects


def test_known_at_counts_a_decision_from_its_date(tmp_path):
    folder(tmp_path, [row(kind="异议成立", on=date(2023, 4, 10))])
    found, _ = parsed(tmp_path)
    assert dec.known_at(found, date(2023, 4, 9)) == []
    assert dec.known_at(found, date(2023, 4, 10)) == found
    assert dec.known_at(found, None) == found
    assert dec.cancelled(found, date(2023, 4, 9)) == {}
    assert dec.cancelled(found, date(2023, 4, 10)) == {"PX-1": found[0]}


def test_the_later_decision_wins_then_the_later_row(tmp_path):
    folder(
        tmp_path,
        [
            row(kind="预算调整", value="管理费 900", on=date(2023, 9, 1)),
            row(kind="预算调整", value="管理费 800", on=date(2023, 6, 1)),
            row(kind="预算调整", value="核定金额 9000", on=date(2023, 6, 1)),
            row(kind="拨付", value="第2笔 拨付", on=date(2023, 8, 1)),
            row(kind="拨付", value="第2笔 暂缓", on=date(2023, 8, 1)),
            row(kind="发票归属", value="F1", on=date(2023, 5, 1)),
            row(pid="PX-2", kind="发票归属", value="f1", on=date(2023, 7, 1)),
            row(pid="PX-2", kind="异议不成立"),
        ],
    )
    found, _ = parsed(tmp_path)
    budget = dec.budget_adjustments(found, AS_OF)
    assert {k: d.amount for k, d in budget["PX-1"].items()} == {
        "management": Decimal("900.00"),
        dec.APPROVED: Decimal("9000.00"),
    }
    june = dec.budget_adjustments(found, date(2023, 6, 30))
    assert june["PX-1"]["management"].amount == Decimal("800.00")
    assert dec.budget_adjustments(found, date(2023, 5, 31)) == {}
    assert {pid: {n: d.release for n, d in t.items()} for pid, t in
            dec.tranche_overrides(found, AS_OF).items()} == {"PX-1": {2: False}}  # fmt: skip
    assert dec.invoice_owners(found, AS_OF) == {"F1": "PX-2"}
    assert dec.invoice_owners(found, date(2023, 6, 1)) == {"F1": "PX-1"}
    assert dec.cancelled(found, AS_OF) == {}


def test_by_project_orders_by_date(tmp_path):
    folder(
        tmp_path,
        [
            row(pid="PX-2", kind="发票归属", value="F1", on=date(2023, 7, 1)),
            row(pid="PX-2", kind="异议不成立", on=date(2023, 4, 1)),
        ],
    )
    found, _ = parsed(tmp_path)
    assert [d.kind for d in dec.by_project(found)["PX-2"]] == ["异议不成立", "发票归属"]


def _findings(tmp_path: Path) -> list[Finding]:
    return validate(tmp_path, program="puxing-2023", as_of=AS_OF).findings


def test_a_waiver_narrowed_to_one_cell_leaves_the_same_rule_elsewhere(tmp_path):
    folder(tmp_path, [row(rule="SG016", where="经费台账!F3")])
    found, _ = parsed(tmp_path)
    sg016 = [f for f in _findings(tmp_path) if f.rule == "SG016"]
    assert [(f.cell, dec.waives(found[0], f)) for f in sg016] == [("F3", True), ("F4", False)]


def test_a_waiver_without_place_covers_the_rule_on_its_project_only(tmp_path):
    folder(tmp_path, [row(rule="SG010"), row(rule="SG016", where="台账/其他.xlsx:经费台账!F3")])
    found, _ = parsed(tmp_path)
    findings = _findings(tmp_path)
    sg010 = [(f.project_id, f.cell) for f in findings if f.rule == "SG010"]
    waived = [(f.rule, f.project_id, f.cell) for f in findings if dec.waives(found[0], f)]
    assert sg010 and waived == [("SG010", "PX-1", c) for p, c in sg010 if p == "PX-1"]
    assert not any(dec.waives(found[1], f) for f in findings)  # another file


def test_waiver_places_by_file_invoice_and_tranche(tmp_path):
    folder(
        tmp_path,
        [
            row(rule="SG016", where="台账\\台账.xlsx:经费台账!F4"),
            row(pid="PX-2", rule="SG010", where="F1"),
            row(rule="PX011", where="第2笔"),
        ],
    )
    found, _ = parsed(tmp_path, {"SG010", "PX011", "SG016"})
    by_file, by_invoice, by_tranche = found

    def finding(rule, pid, file, sheet, cell, row_no, message=""):
        return Finding(rule, Severity.ERROR, pid, file, sheet, cell, row_no, message, "", "")

    assert dec.waives(by_file, finding("SG016", "PX-1", "台账/台账.xlsx", "经费台账", "F4", 4))
    assert not dec.waives(by_file, finding("SG016", "PX-1", "台账/台账2.xlsx", "经费台账", "F4", 4))
    assert not dec.waives(by_file, finding("SG016", "PX-1", "台账/台账.xlsx", "经费台账", "F5", 5))
    assert dec.waives(by_file, finding("SG016", "PX-1", "台账/台账.xlsx", "经费台账", None, 4))
    assert dec.waives(by_invoice, finding("SG010", "PX-2", "台账/台账.xlsx", "经费台账", "F5", 5))
    assert not dec.waives(
        by_invoice, finding("SG010", "PX-2", "台账/台账.xlsx", "经费台账", "F3", 3)
    )
    assert not dec.waives(  # the number in a message is not the row's invoice (F1 vs F10)
        by_invoice, finding("SG010", "PX-2", "台账/台账.xlsx", "经费台账", "F3", 3, "发票号 F10")
    )
    assert dec.waives(by_tranche, finding("PX011", "PX-1", None, None, None, None, "第2笔资金暂缓"))
    assert not dec.waives(
        by_tranche, finding("PX011", "PX-1", None, None, None, None, "第1笔资金暂缓")
    )
    assert not dec.waives(by_tranche, finding("PX011", "PX-2", None, None, None, None, "第2笔"))
    # no 项目编号 on the finding: only a 位置 that names its place covers it
    assert dec.waives(by_file, finding("SG016", None, "台账/台账.xlsx", "经费台账", "F4", 4))


# ---------------------------------------------------------------- stale


def test_stale_decisions(tmp_path):
    folder(
        tmp_path,
        [
            row(rule="SG016", where="经费台账!F3"),  # 2: live
            row(rule="SG016", where="经费台账!F9"),  # 3: stale (no SG016 there)
            row(rule="SG013"),  # 4: stale (no SG013 on PX-1)
            row(pid="PX-2", kind="发票归属", value="F1"),  # 5: live (shared by PX-1, PX-2)
            row(kind="发票归属", value="F9"),  # 6: stale (no such invoice)
            row(pid="PX-2", kind="发票归属", value="F1", on=date(2023, 6, 2)),  # 7: live
            row(kind="预算调整", value="管理费 500"),  # 8: stale (already 500)
            row(kind="预算调整", value="管理费 800"),  # 9: live
            row(kind="拨付", value="第3笔 拨付"),  # 10: stale (two tranches)
            row(kind="拨付", value="第2笔 拨付"),  # 11: live
            row(kind="异议成立"),  # 12: live
        ],
    )
    found, problems = parsed(tmp_path, {"SG013", "SG016"})
    assert problems == []
    got = dec.stale(found, _findings(tmp_path), load_folder(tmp_path, workers=1), tranche_count=2)
    assert [(p.loc.cell, p.project_id) for p in got] == [
        ("B3", "PX-1"),
        ("B4", "PX-1"),
        ("B6", "PX-1"),
        ("B8", "PX-1"),
        ("B10", "PX-1"),
    ]
    assert got[0].message == (
        "豁免 SG016 已没有对应的问题（项目 PX-1 在“经费台账!F9”没有 SG016）："
        "问题可能已改正，请删除这条认定或核对规则和位置"
    )
    assert got[2].message.startswith("发票 F9 不在项目 PX-1 的台账中")
    assert got[4].message.startswith("本计划只分 2 笔拨付，没有第3笔")


def test_an_invoice_no_longer_shared_is_stale(tmp_path):
    ledger = [ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 100, "F1")]
    folder(tmp_path, [row(kind="发票归属", value="F1")], ledger=ledger)
    found, _ = parsed(tmp_path)
    got = dec.stale(found, [], load_folder(tmp_path, workers=1))
    assert [p.message for p in got] == [
        "发票 F1 只出现在项目 PX-1 的台账中，没有与其他项目共用：这条发票归属已不需要，请删除"
    ]


@pytest.mark.parametrize("kind", ["异议成立", "异议不成立"])
def test_objections_are_never_stale(tmp_path, kind):
    folder(tmp_path, [row(kind=kind)])
    found, _ = parsed(tmp_path)
    assert dec.stale(found, [], load_folder(tmp_path, workers=1)) == []


def test_an_upheld_objection_cancels_only_a_project_that_was_on_the_list(tmp_path):
    """PX-2 is 待改正 (no 听证会日期, PX004): it was never on the publicity list, so an upheld
    objection against it leaves it 待改正 (noted in its reason), and the notice names only PX-1
    as taken off the list."""
    folder(tmp_path, [row(kind="异议成立"), row(pid="PX-2", kind="异议成立")])
    write_form(
        tmp_path / "申报/PX-2.xlsx",
        {**FORM, "项目编号": "PX-2", "项目名称": "睦邻点", "听证会日期": None},
        budget=BUDGET,
        members=[("张三丰", "负责人", "是", "否")],
    )
    outcome = validate(tmp_path, as_of=AS_OF)
    status = {p.project_id: (p.approved, p.status, p.reason) for p in outcome.by_id()}
    note = "人工认定：异议成立；理由：已核实（认定人 王主任，2023-06-01）"
    assert status["PX-1"] == (False, CANCELLED, f"公示期间异议成立，取消立项（{note}）")
    assert status["PX-2"] == (
        False,
        NEEDS_FIX,
        f"申报材料有 1 个错误，待改正后方可立项；公示期间异议成立（{note}）",
    )
    notice = publicity_data(outcome)["notice"]
    assert [line for line in notice if "取消立项" in line] == [
        "经公示期间异议核实，以下项目取消立项，不再列入：PX-1 楼道微更新。"
    ]


@pytest.mark.parametrize(
    ("rows", "sg006", "status", "approved"),
    [
        # the total raised by a budget change alone: the budget no longer matches anything
        (
            [row(kind="预算调整", value="工作经费 6800")],
            "预算明细合计 10,300.00 元，与申请金额 10,000.00 元不一致：请调整预算或申请金额",
            NEEDS_FIX,
            "10000.00",
        ),
        # …recorded with its new 核定金额: consistent, the project is not held as 待改正
        (
            [
                row(kind="预算调整", value="工作经费 6800"),
                row(kind="预算调整", value="核定金额 10300"),
            ],
            None,
            "approved",
            "10300.00",
        ),
        (
            [
                row(kind="预算调整", value="工作经费 6800"),
                row(kind="预算调整", value="核定金额 10200"),
            ],
            "预算明细合计 10,300.00 元，与申请金额 10,000.00 元、人工认定的核定金额 10,200.00 元都"
            "不一致：请调整预算或申请金额",
            NEEDS_FIX,
            "10200.00",
        ),
        # a lower 核定金额 alone leaves the budget matching the application, as before
        ([row(kind="预算调整", value="核定金额 9000")], None, "approved", "9000.00"),
    ],
    ids=["raised", "raised-with-approval", "approval-differs", "approval-only"],
)
def test_a_budget_change_recorded_with_its_approved_amount_is_consistent(
    tmp_path, rows, sg006, status, approved
):
    folder(tmp_path, rows)
    outcome = run(tmp_path, as_of=AS_OF)
    found = [f.message for f in outcome.findings if f.rule == "SG006" and f.project_id == "PX-1"]
    assert found == ([sg006] if sg006 else [])
    project = outcome.projects["PX-1"]
    assert (project.status, project.approval.amount) == (status, Decimal(approved))


def test_a_rule_id_typed_full_width_or_with_a_space_is_the_rule(tmp_path):
    """ＰＸ０１２ (a Chinese input method) or `PX 012` is PX012, as 项目编号 are read."""
    folder(tmp_path, [row(rule="ＰＸ０１２"), row(rule="px 012"), row(rule="ＳＧ０１６")])
    found, problems = parsed(tmp_path, {"PX012", "SG016"})
    assert problems == []
    assert [d.rule for d in found] == ["PX012", "PX012", "SG016"]


def test_a_budget_change_reads_its_amount_as_any_amount_cell_is_read(tmp_path):
    """The amount of a 预算调整 is read as amounts are on every sheet (workbooks.md): 大写 and
    小写 Chinese numerals and 万 too, after the category and a space or colon."""
    folder(
        tmp_path,
        [
            row(kind="预算调整", value="管理费：伍佰元整"),
            row(kind="预算调整", value="核定金额 壹万捌仟元"),
            row(kind="预算调整", value="工作经费 0.65万"),
            row(kind="预算调整", value="志愿者补贴 两千元"),
            row(kind="预算调整", value="管理费5,000"),
        ],
    )
    found, problems = parsed(tmp_path)
    assert problems == []
    assert [(d.target, d.amount) for d in found] == [
        ("management", Decimal("500.00")),
        (dec.APPROVED, Decimal("18000.00")),
        ("work", Decimal("6500.00")),
        ("volunteer", Decimal("2000.00")),
        ("management", Decimal("5000.00")),
    ]


def test_a_tranche_decision_reads_the_ways_a_clerk_writes_it(tmp_path):
    """`拨付第2笔`, `第二笔资金拨付`, `暂缓第2笔资金`: the action before or after the tranche, with
    or without 资金, read as `第2笔 拨付`."""
    folder(
        tmp_path,
        [
            row(kind="拨付", value="拨付第2笔"),
            row(kind="拨付", value="第二笔资金拨付"),
            row(kind="拨付", value="暂缓第2笔资金"),
            row(kind="拨付", value="暂缓 第 1 笔"),
        ],
    )
    found, problems = parsed(tmp_path)
    assert problems == []
    assert [(d.tranche, d.release) for d in found] == [(2, True), (2, True), (2, False), (1, False)]


def test_a_mistyped_kind_names_the_kind_it_is_close_to(tmp_path):
    folder(tmp_path, [row(kind="豁兔"), row(kind="发票归属认定"), row(kind="特批")])
    kinds = "（豁免、预算调整、拨付、发票归属、异议成立、异议不成立）"
    assert [m for *_, m in sg025(tmp_path)] == [
        f"认定事项“豁兔”不是规定的事项{kinds}：是不是“豁免”？请从下拉列表中选择",
        f"认定事项“发票归属认定”不是规定的事项{kinds}：是不是“发票归属”？请从下拉列表中选择",
        f"认定事项“特批”不是规定的事项{kinds}：请从下拉列表中选择",
    ]
