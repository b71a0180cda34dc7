"""人工认定 respected everywhere: each kind's effect on validate, disburse, rank, publicity and the
summary, from its date; a waiver narrowed to one cell; stale decisions (SG025)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from selfgov_cli.pipeline import run
from selfgov_cli.report.publicity import publicity_data
from selfgov_cli.report.summary import summary_data
from tests.helpers import write_form, write_table
from tests.test_decisions import FORM, folder, ledger_row, row

AS_OF = date(2023, 12, 31)


def found(outcome, rule_id):
    return [(f.severity.value, f.project_id, f.cell) for f in outcome.findings if f.rule == rule_id]


def test_a_waiver_narrowed_to_one_cell_is_info_there_and_leaves_the_rule_elsewhere(tmp_path):
    folder(tmp_path, [row(rule="SG016", where="台账/台账.xlsx:经费台账!F3")])
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG016") == [("info", "PX-1", "F3"), ("warning", "PX-1", "F4")]
    waived = next(f for f in outcome.findings if f.rule == "SG016" and f.cell == "F3")
    assert waived.message.endswith(
        "（已豁免——人工认定：豁免 SG016（台账/台账.xlsx:经费台账!F3）；理由：已核实（认定人 王主任，2023-06-01））"
    )
    assert found(outcome, "SG025") == []


def test_a_decision_dated_after_as_of_has_no_effect_yet(tmp_path):
    folder(tmp_path, [row(rule="SG016", on=date(2024, 1, 5))])
    assert found(run(tmp_path, as_of=AS_OF), "SG016") == [
        ("warning", "PX-1", "F3"),
        ("warning", "PX-1", "F4"),
    ]
    assert found(run(tmp_path, as_of=date(2024, 1, 5)), "SG016") == [
        ("info", "PX-1", "F3"),
        ("info", "PX-1", "F4"),
    ]


def test_a_stale_waiver_is_sg025_at_its_row(tmp_path):
    folder(tmp_path, [row(rule="PX011")])  # every row is signed: nothing to waive
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG025") == [("warning", "PX-1", "B2")]


def test_an_upheld_objection_cancels_funding_in_every_output(tmp_path):
    folder(
        tmp_path,
        [row(pid="PX-2", kind="异议成立", reason="与已立项活动重复", on=date(2023, 3, 28))],
    )
    outcome = run(tmp_path, as_of=AS_OF)
    item = outcome.projects["PX-2"]
    assert (item.approved, item.status, item.flags) == (False, "cancelled", ["cancelled"])
    assert item.money.released == Decimal(0)
    assert [t.status for t in item.money.plan.tranches] == ["withheld", "withheld"]
    assert [p.project_id for p in outcome.approved()] == ["PX-1"]
    notice = publicity_data(outcome)
    assert [r["project_id"] for r in notice["rows"]] == ["PX-1"]
    assert notice["notice"][-1] == "经公示期间异议核实，以下项目取消立项，不再列入：PX-2 睦邻点。"
    summary = summary_data(outcome)
    assert [(r["project_id"], r["status"]) for r in summary["not_approved"]] == [
        ("PX-2", "异议成立")
    ]
    assert [(d["project_id"], d["kind"], d["in_force"]) for d in summary["decisions"]] == [
        ("PX-2", "异议成立", True)
    ]


def test_a_rejected_objection_changes_nothing_but_is_shown(tmp_path):
    folder(tmp_path, [row(pid="PX-2", kind="异议不成立", reason="场地不影响通行")])
    outcome = run(tmp_path, as_of=AS_OF)
    assert outcome.projects["PX-2"].approved
    assert [d.kind for d in outcome.projects["PX-2"].decisions] == ["异议不成立"]


def test_a_tranche_decision_releases_what_the_usage_gate_withheld(tmp_path):
    # PX-1 spent 300 of its 6000 first tranche by the mid-term: the gate withholds tranche 2
    folder(
        tmp_path,
        [row(kind="拨付", value="第2笔 拨付", reason="主任办公会同意", on=date(2023, 8, 1))],
    )
    write_table(
        tmp_path / "评估结果.xlsx", "评估结果", None, [{"项目编号": "PX-1", "中期评估": "合格"}]
    )
    outcome = run(tmp_path, as_of=AS_OF)
    tranche = outcome.projects["PX-1"].money.plan.tranches[1]
    assert tranche.status == "released"
    assert tranche.reason.startswith("人工认定：第2笔拨付；理由：主任办公会同意")
    assert "（按规则本应暂缓拨付：截至中期评估日期 2023-06-30" in tranche.reason
    before = run(tmp_path, as_of=date(2023, 7, 31)).projects["PX-1"].money.plan.tranches[1]
    assert before.status == "withheld"


def test_a_budget_change_adds_a_category_for_sg012_and_changes_the_approved_amount(tmp_path):
    ledger = [ledger_row(date(2023, 9, 6), "PX-1", "工作经费", 100, "F1")]
    folder(
        tmp_path,
        [
            row(kind="预算调整", value="核定金额 8000", reason="压减", on=date(2023, 5, 1)),
            row(kind="预算调整", value="工作经费 7000", reason="调增", on=date(2023, 5, 1)),
        ],
        ledger=ledger,
    )
    outcome = run(tmp_path, as_of=AS_OF)
    item = outcome.projects["PX-1"]
    assert (item.amount, item.approval.source) == (Decimal("8000.00"), "人工认定")
    assert [t.amount for t in item.money.plan.tranches] == [Decimal("4800.00"), Decimal("3200.00")]
    work = [line for line in outcome.ctx.budget_by_project["PX-1"] if line.category == "work"]
    assert [line.amount for line in work] == [Decimal(7000)]


def test_an_invoice_owner_makes_its_row_count_and_leaves_the_other_an_error(tmp_path):
    ledger = [
        ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 100, "F1"),
        ledger_row(date(2023, 4, 4), "PX-2", "工作经费", 100, "F1", "自治金项目 睦邻点"),
    ]
    folder(
        tmp_path, [row(pid="PX-2", kind="发票归属", value="F1", reason="票据原件在睦邻点")], ledger
    )
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG010") == [("error", "PX-1", "F2"), ("info", "PX-2", "F3")]
    assert outcome.projects["PX-2"].money.eligible_spent == Decimal(100)
    assert outcome.projects["PX-1"].money.eligible_spent == Decimal(0)


@pytest.mark.rule("SG012", "fires")
def test_a_category_added_by_a_budget_change_counts_from_the_change_date(tmp_path):
    ledger = [
        ledger_row(date(2023, 8, 31), "PX-1", "工作经费", 100, "F1"),
        ledger_row(date(2023, 9, 1), "PX-1", "工作经费", 100, "F2"),
    ]
    folder(
        tmp_path,
        [row(kind="预算调整", value="工作经费 7000", reason="调增", on=date(2023, 9, 1))],
        ledger,
    )
    # the folder's budget has 工作经费 already: only a category the change ADDS is dated
    assert found(run(tmp_path, as_of=AS_OF), "SG012") == []
    budget = [("志愿者补贴", "慰问", 2000)]  # no 工作经费 line: the change adds it on 09-01
    write_form(
        tmp_path / "申报/PX-1.xlsx", FORM, budget=budget, members=[("张三丰", "负责人", "是", "否")]
    )
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG012") == [("error", "PX-1", "C2")]  # 08-31: before; 09-01 counts
    (finding,) = [f for f in outcome.findings if f.rule == "SG012"]
    assert finding.message == (
        "“工作经费”类预算自 2023-09-01 起才经批准增列，这笔 2023-08-31 的支出在批准之前：不予报销"
    )


def test_an_invoice_owner_replaced_by_a_later_decision_no_longer_makes_its_row_count(tmp_path):
    """Two 发票归属 for one invoice: the later names the owner. The earlier one's project lost the
    invoice, so its row stays an error and does not count (else both projects are reimbursed)."""
    ledger = [
        ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 100, "F1"),
        ledger_row(date(2023, 4, 4), "PX-2", "工作经费", 100, "F1", "自治金项目 睦邻点"),
    ]
    folder(
        tmp_path,
        [
            row(kind="发票归属", value="F1", reason="先认定", on=date(2023, 5, 1)),
            row(pid="PX-2", kind="发票归属", value="F1", reason="复核改定", on=date(2023, 7, 1)),
        ],
        ledger,
    )
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG010") == [("error", "PX-1", "F2"), ("info", "PX-2", "F3")]
    assert outcome.projects["PX-1"].money.eligible_spent == Decimal(0)
    assert outcome.projects["PX-2"].money.eligible_spent == Decimal(100)
    june = run(tmp_path, as_of=date(2023, 6, 30))  # before the second decision: PX-1 owns it
    assert found(june, "SG010") == [("info", "PX-1", "F2"), ("error", "PX-2", "F3")]
    assert june.projects["PX-1"].money.eligible_spent == Decimal(100)
    assert june.projects["PX-2"].money.eligible_spent == Decimal(0)


def test_the_summary_and_export_say_which_decisions_took_effect(tmp_path):
    """A decision a later one replaced, or one that matches nothing (SG025), did not take effect:
    the summary's 人工认定 table and export's in_force say so, not 已生效."""
    from selfgov_cli.export import tables

    folder(
        tmp_path,
        [
            row(kind="拨付", value="第2笔 拨付", reason="照常拨付", on=date(2023, 8, 1)),
            row(kind="拨付", value="第2笔 暂缓", reason="复核暂缓", on=date(2023, 9, 1)),
            row(rule="PX011", reason="已签字", on=date(2023, 6, 1)),  # every row signed: SG025
            row(rule="SG016", where="经费台账!F3", reason="补票", on=date(2023, 6, 1)),
            row(pid="PX-2", kind="异议不成立", reason="不属实", on=date(2024, 1, 5)),
        ],
    )
    outcome = run(tmp_path, as_of=AS_OF)
    shown = [(d["what"], d["in_force"], d["status"]) for d in summary_data(outcome)["decisions"]]
    assert shown == [
        ("豁免 PX011", False, "未起作用（见 SG025）"),
        ("豁免 SG016（经费台账!F3）", True, "已生效"),
        ("第2笔拨付", False, "已被后一条认定取代"),
        ("第2笔暂缓", True, "已生效"),
        ("异议不成立", False, "核算日后生效"),
    ]
    columns, rows = tables(outcome)["decisions"]
    at = columns.index("in_force")
    assert [r[at] for r in rows] == [False, True, False, True, False]


def test_the_summary_workbook_shows_the_projects_left_out_and_the_decisions(tmp_path):
    """The xlsx summary carries what the html/md summary shows: 未通过的项目 with why, and the
    人工认定 table with reason, who, date and status."""
    from selfgov_cli.report.summary_xlsx import summary_workbook

    folder(
        tmp_path,
        [row(pid="PX-2", kind="异议成立", reason="与已立项活动重复", doc="异议记录 1 号")],
    )
    wb = summary_workbook(summary_data(run(tmp_path, as_of=AS_OF)))
    note = "人工认定：异议成立；理由：与已立项活动重复（认定人 王主任，2023-06-01，依据 异议记录 1 号）"
    rows = [list(r) for r in wb["未通过的项目"].iter_rows(values_only=True)]
    assert rows == [
        ["项目编号", "项目名称", "居民区", "结论", "原因"],
        ["PX-2", "睦邻点", "一居", "异议成立", f"公示期间异议成立，取消立项（{note}）"],
    ]
    rows = [list(r) for r in wb["人工认定"].iter_rows(values_only=True)]
    assert rows == [
        ["项目编号", "认定事项", "理由", "认定人", "认定日期", "依据文件", "状态"],
        [
            "PX-2",
            "异议成立",
            "与已立项活动重复",
            "王主任",
            "2023年6月1日",
            "异议记录 1 号",
            "已生效",
        ],
    ]
    assert wb.sheetnames[-3:] == ["未通过的项目", "问题统计", "人工认定"]


def test_a_waiver_of_sg014_is_refused_and_points_at_a_tranche_decision(tmp_path):
    """SG014 (spending past the released funds) comes from the money step: a 豁免 of it was called
    stale ('no SG014 on the project') while SG014 stood. It is malformed instead, naming 拨付."""
    ledger = [ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 6500, "F1")]  # 60% = 6000 released
    folder(tmp_path, [row(rule="SG014", reason="同意先行报销")], ledger)
    outcome = run(tmp_path, as_of=date(2023, 6, 30))
    assert found(outcome, "SG014") == [("error", "PX-1", "E2")]
    assert [(f.project_id, f.cell, f.message) for f in outcome.findings if f.rule == "SG025"] == [
        (
            "PX-1",
            "C2",
            "SG014（支出超过已拨付资金）由拨付决定，不能豁免：如同意先行报销，"
            "请用“拨付”认定提前拨付下一笔资金（如 内容 写 第2笔 拨付）",
        )
    ]
    assert outcome.projects["PX-1"].decisions == []


def test_releasing_tranche_1_of_a_cancelled_project_does_not_release_the_rest_by_itself(tmp_path):
    """An upheld objection took PX-2 off the list; the office still released its first tranche.
    Its second tranche is not then released by the mid-term gate as if it were approved: only
    another 拨付 decision could release it."""
    ledger = [ledger_row(date(2023, 4, 4), "PX-2", "工作经费", 4000, "F1", "自治金项目 睦邻点")]
    folder(
        tmp_path,
        [
            row(pid="PX-2", kind="异议成立", reason="重复立项", on=date(2023, 3, 2)),
            row(pid="PX-2", kind="拨付", value="第1笔 拨付", reason="已开展", on=date(2023, 3, 3)),
        ],
        ledger,
    )
    write_table(
        tmp_path / "评估结果.xlsx", "评估结果", None, [{"项目编号": "PX-2", "中期评估": "合格"}]
    )
    item = run(tmp_path, as_of=AS_OF).projects["PX-2"]
    assert (item.approved, item.status) == (False, "cancelled")
    first, second = item.money.plan.tranches
    assert (first.status, second.status) == ("released", "withheld")
    assert second.reason == item.reason  # 公示期间异议成立，取消立项（人工认定：…）
    assert item.money.released == Decimal("6000.00")


def test_an_invoice_number_typed_full_width_or_spaced_is_the_same_invoice(tmp_path):
    """A 发票号 typed with a Chinese input method (Ｆ１, full-width) or with a space is the same
    invoice: SG010 finds the shared invoice, and a 发票归属 naming it takes effect (it was
    SG025 'not on the ledger' and PX-2's row stayed an error)."""
    ledger = [
        ledger_row(date(2023, 4, 1), "PX-1", "工作经费", 100, "Ｆ１"),
        ledger_row(date(2023, 4, 4), "PX-2", "工作经费", 100, "F 1", "自治金项目 睦邻点"),
    ]
    folder(tmp_path, [], ledger)
    assert found(run(tmp_path, as_of=AS_OF), "SG010") == [
        ("error", "PX-1", "F2"),
        ("error", "PX-2", "F3"),
    ]
    folder(
        tmp_path, [row(pid="PX-2", kind="发票归属", value="ｆ１", reason="原件在睦邻点")], ledger
    )
    outcome = run(tmp_path, as_of=AS_OF)
    assert found(outcome, "SG010") == [("error", "PX-1", "F2"), ("info", "PX-2", "F3")]
    assert found(outcome, "SG025") == []
    assert outcome.projects["PX-2"].money.eligible_spent == Decimal(100)
    assert outcome.projects["PX-1"].money.eligible_spent == Decimal(0)


def test_explain_says_which_of_a_projects_decisions_took_effect(tmp_path):
    from selfgov_cli.explain import explain, lines

    folder(
        tmp_path,
        [
            row(kind="拨付", value="第2笔 拨付", reason="照常拨付", on=date(2023, 8, 1)),
            row(kind="拨付", value="第2笔 暂缓", reason="复核暂缓", on=date(2023, 9, 1)),
        ],
    )
    outcome = run(tmp_path, as_of=AS_OF)
    shown = lines(outcome, "PX-1")
    at = shown.index("【人工认定】")
    assert shown[at + 1 : at + 3] == [
        "  人工认定：第2笔拨付；理由：照常拨付（认定人 王主任，2023-08-01）"
        "（人工认定.xlsx “人工认定” A2）——已被后一条认定取代",
        "  人工认定：第2笔暂缓；理由：复核暂缓（认定人 王主任，2023-09-01）"
        "（人工认定.xlsx “人工认定” A3）——已生效",
    ]
    assert [d["status"] for d in explain(outcome, "PX-1")["decisions"]] == [
        "已被后一条认定取代",
        "已生效",
    ]


def test_explain_names_the_first_tranche_the_midterm_usage_divides_by_when_nothing_was_spent(
    tmp_path,
):
    """explain worked the first tranche back out of spent ÷ usage: with nothing spent it printed
    '÷ 第一笔资金' and no amount. The plan carries the amount the gate divided by."""
    from selfgov_cli.explain import lines

    folder(tmp_path, [], ledger=[])
    item = run(tmp_path, as_of=AS_OF).projects["PX-1"]
    assert item.money.plan.midterm_base == Decimal("6000.00")
    shown = lines(run(tmp_path, as_of=AS_OF), "PX-1")
    assert [line for line in shown if line.startswith("  中期使用率")] == [
        "  中期使用率 0.00% = 中期前合规支出 0.00 元 ÷ 第一笔资金 6,000.00 元（中期前没有合规支出）"
    ]


def test_a_stale_waiver_without_place_reads_with_a_space_after_the_id(tmp_path):
    folder(tmp_path, [row(rule="PX011")])
    (message,) = [f.message for f in run(tmp_path, as_of=AS_OF).findings if f.rule == "SG025"]
    assert message == (
        "豁免 PX011 已没有对应的问题（项目 PX-1 没有 PX011）：问题可能已改正，请删除这条认定或核对规则和位置"
    )


def test_a_decisions_sheet_with_an_unknown_name_is_read_by_its_header(tmp_path):
    """workbooks.md: a sheet with an unknown name whose header row holds a table kind's required
    columns is read as that kind (SG024). A 人工认定 table left as `Sheet1` was skipped (SG008)
    and the upheld objection in it had no effect."""
    from tests.test_decisions import HEADER

    folder(tmp_path, [])
    rows = [("PX-2", "异议成立", None, None, None, "重复立项", "王主任", date(2023, 3, 28), None)]
    write_table(tmp_path / "人工认定.xlsx", "Sheet1", HEADER, rows)
    outcome = run(tmp_path, as_of=AS_OF)
    assert [
        (f.rule, f.file, f.sheet, f.row) for f in outcome.findings if f.rule in ("SG008", "SG024")
    ] == [("SG024", "人工认定.xlsx", "Sheet1", 1)]
    assert outcome.projects["PX-2"].status == "cancelled"
