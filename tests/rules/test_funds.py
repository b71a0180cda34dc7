"""SG014: spending beyond the funds released so far — fires at the exact cell, quiet at the boundary."""

from datetime import date
from decimal import Decimal

import pytest

from selfgov_cli.rules.registry import REGISTRY
from selfgov_cli.validate import validate
from tests.test_disburse import application, evaluations, ledger

AS_OF = date(2023, 12, 31)


def sg014(folder, as_of=AS_OF):
    validation = validate(folder, as_of=as_of)
    return validation, [
        (f.project_id, f.file, f.sheet, f.cell, f.row)
        for f in validation.findings
        if f.rule == "SG014"
    ]


def test_sg014_is_an_error_rule_of_the_money_stage():
    item = REGISTRY["SG014"]
    assert (item.severity.value, item.stage, item.program, item.clause) == (
        "error",
        "money",
        None,
        "通用规则",
    )


def test_fires_on_each_row_past_the_released_amount_at_its_amount_cell(tmp_path):
    application(tmp_path, "PX-1", "50000")  # tranche 1 = 30000 released; tranche 2 pending
    ledger(
        tmp_path,
        [
            ("2023-06-01", "PX-1", "25000"),
            ("2023-04-01", "PX-1", "4000"),
            ("2023-07-01", "PX-1", "2000"),
        ],
    )
    validation, hits = sg014(tmp_path)
    # date order: 4000 (04-01) + 25000 (06-01) = 29000 fits; 2000 (07-01) takes it to 31000
    assert hits == [("PX-1", "台账/台账.xlsx", "经费台账", "E4", 4)]
    finding = next(f for f in validation.findings if f.rule == "SG014")
    assert "超过已拨付的 30,000.00 元，超出的 1,000.00 元暂不能报销" in finding.message
    # only the excess is ineligible: 1000 of the 2000 row still counts
    money = validation.disbursement.project("PX-1")
    assert (money.eligible_spent, money.overdraw) == (Decimal("30000.00"), Decimal("1000.00"))


@pytest.mark.rule("SG014", "quiet")
def test_quiet_when_spending_equals_the_released_amount(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-04-01", "PX-1", "10000"), ("2023-05-01", "PX-1", "20000")])
    _, hits = sg014(tmp_path)
    assert hits == []


def test_rows_with_other_errors_do_not_count_towards_the_total(tmp_path):
    application(tmp_path, "PX-1", "50000")
    # the 2024 row is SG011 (after the end date): not eligible, so it cannot push the rest over
    ledger(tmp_path, [("2024-01-05", "PX-1", "29000"), ("2023-05-01", "PX-1", "20000")])
    validation, hits = sg014(tmp_path, as_of=date(2024, 2, 1))
    assert hits == []
    assert [f.rule for f in validation.findings if f.severity.value == "error"] == ["SG011"]


def test_a_released_second_tranche_raises_the_ceiling(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-05-01", "PX-1", "20000"), ("2023-09-01", "PX-1", "20000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    _, hits = sg014(tmp_path)
    assert hits == []
    # as of July the September row is not spent yet: it is not counted, so nothing is past tranche 1
    _, early = sg014(tmp_path, as_of=date(2023, 7, 1))
    assert early == []
    # as of the mid-term date itself, before the second tranche, 40000 > 30000
    _, due = sg014(tmp_path, as_of=date(2023, 9, 1))
    assert due == []  # tranche 2 released on 2023-07-31 (中期 合格, usage 20000/30000 ≥ 50%)


def test_no_funds_released_is_one_finding_for_the_project_not_one_per_row(tmp_path):
    application(tmp_path, "PX-1", "50000")
    evaluations(tmp_path, [{"项目编号": "PX-1", "立项日期": "2024-01-10"}])
    ledger(tmp_path, [("2023-05-01", "PX-1", "100"), ("2023-06-01", "PX-1", "200")])
    validation, hits = sg014(tmp_path)
    where = validation.ctx.projects["PX-1"].cell("project_id")
    assert hits == [("PX-1", where.file, where.sheet, where.cell, where.row)]
    (finding,) = [f for f in validation.findings if f.rule == "SG014"]
    assert finding.message == (
        "尚未拨付任何资金（立项日期 2024-01-10 尚未到），台账中 2 笔支出共 300.00 元暂不能报销"
    )
    money = validation.disbursement.project("PX-1")
    assert (money.eligible_spent, money.ineligible_spent) == (Decimal(0), Decimal("300.00"))


def test_validate_and_disburse_agree_row_by_row(tmp_path):
    application(tmp_path, "PX-1", "50000")
    application(tmp_path, "PX-2", "10000", 居民区="浦兴二居")
    ledger(
        tmp_path,
        [
            ("2023-04-01", "PX-1", "20000"),
            ("2023-05-01", "PX-1", "15000"),
            ("2023-06-01", "PX-2", "5000"),
            ("2023-06-02", "PX-2", "1500"),
            ("2023-06-03", "PX-1", "11000"),  # 20000 + 11000 > 30000 too
        ],
    )
    validation, hits = sg014(tmp_path)
    result = validation.disbursement.to_dict()
    listed = [
        (p["project_id"], r["file"], r["sheet"], r["cell"], r["row"])
        for p in result["projects"]
        for r in p["ineligible"]
        if any(x["rule"] == "SG014" for x in r["reasons"])
    ]
    assert (
        sorted(listed)
        == sorted(hits)
        == [
            ("PX-1", "台账/台账.xlsx", "经费台账", "E3", 3),
            ("PX-1", "台账/台账.xlsx", "经费台账", "E6", 6),
            ("PX-2", "台账/台账.xlsx", "经费台账", "E5", 5),
        ]
    )


def test_disburse_at_another_date_recomputes_sg014_for_that_date(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-05-01", "PX-1", "20000"), ("2023-09-01", "PX-1", "20000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    assert [f for f in validate(tmp_path, as_of=AS_OF).findings if f.rule == "SG014"] == []
    early = validate(tmp_path, as_of=date(2023, 7, 1)).disbursement.to_dict()["projects"][0]
    assert early["released"] == "30000.00"
    assert early["eligible_spent"] == "20000.00"
    assert (early["ledger_rows"], early["later_rows"], early["ineligible"]) == (1, 1, [])
