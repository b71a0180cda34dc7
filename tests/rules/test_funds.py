"""SG014: spending beyond the funds released so far — fires at the exact cell, quiet at the boundary."""

from datetime import date

from selfgov_cli.disburse import disburse
from selfgov_cli.programs import load_rule_modules
from selfgov_cli.rules.engine import REGISTRY
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


def test_sg014_is_a_late_error_rule():
    load_rule_modules()
    item = REGISTRY["SG014"]
    assert (item.severity.value, item.late, item.program, item.clause) == (
        "error",
        True,
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
    assert "31,000.00" in finding.message and "30,000.00" in finding.message


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
    # before the mid-term only tranche 1 is out: the September row is past it
    _, early = sg014(tmp_path, as_of=date(2023, 7, 1))
    assert early == [("PX-1", "台账/台账.xlsx", "经费台账", "E3", 3)]


def test_no_funds_released_means_every_eligible_row_is_sg014(tmp_path):
    application(tmp_path, "PX-1", "50000")
    evaluations(tmp_path, [{"项目编号": "PX-1", "立项日期": "2024-01-10"}])
    ledger(tmp_path, [("2023-05-01", "PX-1", "100")])
    _, hits = sg014(tmp_path)
    assert hits == [("PX-1", "台账/台账.xlsx", "经费台账", "E2", 2)]


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
    result = disburse(validation, AS_OF).to_dict()
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
    validation = validate(tmp_path, as_of=AS_OF)  # no SG014 at year end
    early = disburse(validation, date(2023, 7, 1)).to_dict()["projects"][0]
    assert early["released"] == "30000.00"
    assert early["eligible_spent"] == "20000.00"
    assert [[x["rule"] for x in r["reasons"]] for r in early["ineligible"]] == [["SG014"]]
