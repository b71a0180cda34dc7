"""sgov disburse, the library: tranche gates, rounding, usage, eligibility, recovery, totals.

Every test builds a real program folder with openpyxl and asserts exact amounts and statuses.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfgov_cli.disburse import tranche_amounts
from selfgov_cli.programs import builtin
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table

AS_OF = date(2023, 12, 31)


def application(folder: Path, pid: str, amount: str, hood: str = "浦兴一居", **extra) -> None:
    """A clean 浦兴 application whose whole budget is 工作经费."""
    fields = {
        "项目编号": pid,
        "项目名称": f"{pid} 邻里节",
        "项目类别": "悦家",
        "居民区": hood,
        "申报主体": f"{hood}居委会",
        "项目负责人": "张三丰",
        "负责人是否本居民区居民": "是",
        "申请金额": amount,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
    }
    fields.update(extra)
    write_form(
        folder / "申报" / f"{pid}.xlsx",
        fields,
        budget=[("工作经费", "活动物资", amount)],
        members=[("张三丰", "负责人", "是", "否")],
    )


def chengdu_application(folder: Path, pid: str, amount: str, **extra) -> None:
    """A clean 成都 class A application by a residents' committee (`extra` replaces fields)."""
    write_form(
        folder / "申报" / f"{pid}.xlsx",
        {
            "项目编号": pid,
            "项目名称": "院落议事会",
            "项目类别": "A",
            "居民区": "玉林社区",
            "所属区县": "锦江区",
            "申报主体": "玉林社区居委会",
            "申报主体类型": "居委会",
            "项目负责人": "王小明",
            "申请金额": amount,
            "自筹金额": "20000",
            "开始日期": "2023-07-01",
            "结束日期": "2024-06-30",
            "申报日期": "2023-06-01",
            "片区村社区数": 5,
            "覆盖村社区数": 3,
        }
        | extra,
        budget=[("工作经费", "议事会物资", amount)],
    )


def ledger(folder: Path, rows: list[tuple], name: str = "台账.xlsx") -> None:
    """Ledger rows given as (date, project, amount[, category]); invoices are unique."""
    body = []
    for i, row in enumerate(rows, 1):
        day, pid, amount, *rest = row
        category = rest[0] if rest else "工作经费"
        body.append(
            (
                day,
                pid,
                category,
                "活动物资",
                amount,
                f"{Path(name).stem}-{i:04d}",
                "超市",
                "商户",
                "是",
                f"自治金项目 {pid} 邻里节",
            )
        )
    write_table(folder / "台账" / name, "经费台账", LEDGER_HEADER, body)


def evaluations(folder: Path, rows: list[dict]) -> None:
    write_table(folder / "评估结果.xlsx", "评估结果", None, rows)


def run(folder: Path, as_of: date = AS_OF, program: str | None = None):
    validation = validate(folder, program=program, as_of=as_of)
    return validation, validation.disbursement


def project(result, pid: str) -> dict:
    return next(p for p in result.to_dict()["projects"] if p["project_id"] == pid)


def statuses(entry: dict) -> list[tuple[str, str]]:
    return [(t["amount"], t["status"]) for t in entry["tranches"]]


# ---- 浦兴 mid-term usage gate -----------------------------------------------------------------


def _puxing_midterm(tmp_path: Path, spent_before: str, verdict: str = "合格") -> dict:
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-05-10", "PX-1", spent_before), ("2023-08-15", "PX-1", "5000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": verdict, "中期评估日期": "2023-07-31"}])
    validation, result = run(tmp_path)
    assert validation.errors == 0, [f.to_dict() for f in validation.findings]
    return project(result, "PX-1")


def test_usage_exactly_half_of_tranche_1_passes_the_midterm(tmp_path):
    entry = _puxing_midterm(tmp_path, "15000")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "released")]
    assert entry["midterm_spent"] == "15000.00"
    assert entry["midterm_usage"] == "0.5000"
    assert entry["released"] == "50000.00"
    assert entry["eligible_spent"] == "20000.00"
    assert entry["usage_rate"] == "0.4000"


def test_usage_just_under_half_withholds_tranche_2_whatever_the_evaluation_says(tmp_path):
    entry = _puxing_midterm(tmp_path, "14997")  # 14997 / 30000 = 49.99%
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "withheld")]
    second = entry["tranches"][1]
    assert second["clause"] == "浦兴 四.1"  # the usage gate is in 四.1 of the document
    assert "49.99%" in second["reason"] and "50.00%" in second["reason"]
    assert entry["midterm_usage"] == "0.4999"
    assert entry["released"] == "30000.00"
    assert entry["withheld"] == "20000.00"


def test_midterm_fail_withholds_tranche_2_even_with_enough_usage(tmp_path):
    entry = _puxing_midterm(tmp_path, "24000", verdict="不合格")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "withheld")]
    assert entry["tranches"][1]["reason"] == "中期评估不合格"
    assert entry["midterm_usage"] == "0.8000"


def test_midterm_not_yet_held_is_pending_and_a_failed_usage_gate_after_the_date_is_withheld(
    tmp_path,
):
    application(tmp_path, "PX-1", "50000")
    application(tmp_path, "PX-2", "50000", 居民区="浦兴二居")
    ledger(tmp_path, [("2023-05-10", "PX-1", "20000"), ("2023-05-10", "PX-2", "1000")])
    evaluations(
        tmp_path,
        [
            {"项目编号": "PX-1", "中期评估": None, "中期评估日期": "2023-07-31"},
            {"项目编号": "PX-2", "中期评估": None, "中期评估日期": "2023-07-31"},
        ],
    )
    _, result = run(tmp_path)
    assert statuses(project(result, "PX-1")) == [("30000.00", "released"), ("20000.00", "pending")]
    assert statuses(project(result, "PX-2")) == [("30000.00", "released"), ("20000.00", "withheld")]
    # on the mid-term date itself the gate is decided
    _, due = run(tmp_path, as_of=date(2023, 7, 31))
    assert statuses(project(due, "PX-2")) == [("30000.00", "released"), ("20000.00", "withheld")]


def test_before_its_own_midterm_date_tranche_2_is_pending(tmp_path):
    application(tmp_path, "PX-2", "50000", 居民区="浦兴二居")
    ledger(tmp_path, [("2023-05-10", "PX-2", "1000")])
    evaluations(tmp_path, [{"项目编号": "PX-2", "中期评估": None, "中期评估日期": "2023-07-31"}])
    # before the mid-term date nothing is decided yet, even for the low spender
    _, early = run(tmp_path, as_of=date(2023, 7, 30))
    assert statuses(project(early, "PX-2")) == [("30000.00", "released"), ("20000.00", "pending")]
    assert project(early, "PX-2")["tranches"][1]["reason"] == "中期评估日期 2023-07-31 尚未到"


def test_midterm_date_from_settings_when_the_evaluation_sheet_has_none(tmp_path):
    write_config(tmp_path, "puxing-2023", settings={"midterm_date": date(2023, 6, 30)})
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-06-30", "PX-1", "15000"), ("2023-07-01", "PX-1", "9000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格"}])
    _, result = run(tmp_path)
    entry = project(result, "PX-1")
    assert entry["midterm_date"] == "2023-06-30"
    assert entry["midterm_spent"] == "15000.00"  # the row of 07-01 is after the mid-term date
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "released")]


def test_no_midterm_date_setting_uses_the_middle_day_of_the_period(tmp_path):
    """A program file may leave midterm_date unset: the middle day of the project's period."""
    from selfgov_cli.pipeline import load
    from selfgov_cli.pipeline import run as pipeline_run

    application(tmp_path, "PX-1", "50000")  # 2023-03-01 .. 2023-12-31: 305 days, middle 07-31
    ledger(tmp_path, [("2023-07-31", "PX-1", "15000"), ("2023-08-01", "PX-1", "1")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格"}])
    config, data = load(tmp_path)
    program = config.program
    undated = tuple(
        replace(s, default=None) if s.name == "midterm_date" else s for s in program.settings
    )
    config = replace(config, program=program.with_changes(settings=undated))
    outcome = pipeline_run(tmp_path, as_of=AS_OF, loaded=(config, data))
    entry = project(outcome.disbursement, "PX-1")
    assert (entry["midterm_date"], entry["midterm_spent"], entry["midterm_usage"]) == (
        "2023-07-31",
        "15000.00",  # the row of 08-01 is after the mid-term date
        "0.5000",
    )
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "released")]


def test_midterm_date_setting_outside_the_period_uses_the_middle_day(tmp_path):
    write_config(tmp_path, "puxing-2023", settings={"midterm_date": date(2023, 2, 28)})
    application(tmp_path, "PX-1", "50000")  # starts 2023-03-01: 02-28 is outside its period
    ledger(tmp_path, [("2023-07-31", "PX-1", "14999.99")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格"}])
    entry = project(run(tmp_path)[1], "PX-1")
    assert (entry["midterm_date"], entry["midterm_usage"]) == ("2023-07-31", "0.5000")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "withheld")]
    write_config(tmp_path, "puxing-2023", settings={"midterm_date": date(2023, 3, 1)})
    entry = project(run(tmp_path)[1], "PX-1")  # on its first day: inside
    assert (entry["midterm_date"], entry["midterm_spent"]) == ("2023-03-01", "0.00")


def test_default_midterm_date_with_no_spending_withholds_tranche_2(tmp_path):
    application(tmp_path, "PX-1", "50000")
    _, result = run(tmp_path)
    entry = project(result, "PX-1")
    assert entry["midterm_date"] == "2023-06-30"  # puxing's documented local default
    assert (entry["midterm_spent"], entry["midterm_usage"]) == ("0.00", "0.0000")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "withheld")]


# ---- 成都 three tranches -----------------------------------------------------------------------


def test_chengdu_awkward_amount_and_final_pending_then_passed(tmp_path):
    write_config(tmp_path, "chengdu-2023")
    chengdu_application(tmp_path, "CD-1", "99999.99")
    evaluations(
        tmp_path,
        [{"项目编号": "CD-1", "中期评估": "合格", "中期评估日期": "2023-12-01", "末期评估": None}],
    )
    after_end = date(2024, 7, 1)  # the project ends 2024-06-30: its final evaluation is due
    validation, result = run(tmp_path, after_end)
    assert validation.errors == 0, [f.to_dict() for f in validation.findings]
    entry = project(result, "CD-1")
    assert statuses(entry) == [
        ("50000.00", "released"),
        ("30000.00", "released"),
        ("19999.99", "pending"),
    ]
    assert [t["share"] for t in entry["tranches"]] == ["0.50", "0.30", "0.20"]
    assert entry["tranches"][2]["reason"] == (
        "项目结束日期 2024-06-30 已过，尚无末期评估结果：请在评估结果表填写末期评估（合格或不合格）"
    )
    assert entry["midterm_usage"] is None  # 成都 has no usage gate
    evaluations(
        tmp_path,
        [
            {
                "项目编号": "CD-1",
                "中期评估": "合格",
                "中期评估日期": "2023-12-01",
                "末期评估": "合格",
            }
        ],
    )
    _, result = run(tmp_path, after_end)
    entry = project(result, "CD-1")
    assert statuses(entry) == [
        ("50000.00", "released"),
        ("30000.00", "released"),
        ("19999.99", "released"),
    ]
    assert entry["released"] == "99999.99"


def test_chengdu_failed_midterm_withholds_tranches_2_and_3(tmp_path):
    write_config(tmp_path, "chengdu-2023")
    chengdu_application(tmp_path, "CD-1", "100000")
    evaluations(tmp_path, [{"项目编号": "CD-1", "中期评估": "不合格", "末期评估": "合格"}])
    _, result = run(tmp_path)
    entry = project(result, "CD-1")
    assert statuses(entry) == [
        ("50000.00", "released"),
        ("30000.00", "withheld"),
        ("20000.00", "withheld"),
    ]
    assert entry["tranches"][1]["reason"] == "中期评估不合格"
    assert entry["tranches"][2]["reason"] == "第2笔资金暂缓拨付，本笔随之暂缓"
    assert entry["withheld"] == "50000.00"


# ---- amounts ------------------------------------------------------------------------------------


def test_awkward_amount_at_60_40_and_approved_amount_overrides_requested(tmp_path):
    application(tmp_path, "PX-1", "33333.33")
    application(tmp_path, "PX-2", "50000", 居民区="浦兴二居")
    evaluations(tmp_path, [{"项目编号": "PX-2", "核定金额": "45000"}])
    _, result = run(tmp_path)
    one, two = project(result, "PX-1"), project(result, "PX-2")
    assert (one["approved"], one["approved_from"]) == ("33333.33", "申请金额")
    assert [t["amount"] for t in one["tranches"]] == ["20000.00", "13333.33"]
    assert (two["approved"], two["approved_from"]) == ("45000.00", "核定金额")
    assert [t["amount"] for t in two["tranches"]] == ["27000.00", "18000.00"]


def test_xinjing_is_one_tranche_released_at_approval(tmp_path):
    write_config(tmp_path, "xinjing-2021")
    write_form(
        tmp_path / "申报.xlsx",
        {
            "项目编号": "XJ-1",
            "项目名称": "楼组睦邻",
            "项目类别": "Xin融合",
            "居民区": "新泾一村",
            "申报主体": "新泾睦邻服务中心",
            "申报主体类型": "社会服务机构",
            "项目负责人": "李四",
            "专职人员数": 3,
            "前两年年检结果": "合格,合格",
            "申请金额": "48000",
            "开始日期": "2023-03-01",
            "结束日期": "2023-12-31",
        },
        budget=[("工作经费", "物资", "48000")],
    )
    ledger(tmp_path, [("2023-04-01", "XJ-1", "12000")])
    _, result = run(tmp_path)
    entry = project(result, "XJ-1")
    assert statuses(entry) == [("48000.00", "released")]
    assert entry["tranches"][0]["share"] == "1.00"
    assert (entry["released"], entry["eligible_spent"], entry["usage_rate"]) == (
        "48000.00",
        "12000.00",
        "0.2500",
    )


# ---- eligibility, overdraw, recovery --------------------------------------------------------------


def test_rows_with_error_findings_are_not_eligible_and_are_listed_with_their_reasons(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(
        tmp_path,
        [
            ("2023-04-01", "PX-1", "10000"),
            ("2024-02-01", "PX-1", "3000"),  # SG011: after the project's end
            ("2023-05-01", "PX-1", "0"),  # SG009: not a positive amount
        ],
    )
    # as of year end the February row is not spent yet: not counted, only counted as later
    entry = project(run(tmp_path)[1], "PX-1")
    assert (entry["spent"], entry["ledger_rows"], entry["later_rows"]) == ("10000.00", 2, 1)
    assert [r["row"] for r in entry["ineligible"]] == [4]
    _, result = run(tmp_path, as_of=date(2024, 2, 1))
    entry = project(result, "PX-1")
    assert (entry["ledger_rows"], entry["later_rows"]) == (3, 0)
    assert (entry["spent"], entry["eligible_spent"], entry["ineligible_spent"]) == (
        "13000.00",
        "10000.00",
        "3000.00",
    )
    assert entry["usage_rate"] == "0.3333"
    assert [
        (r["row"], r["amount"], [x["rule"] for x in r["reasons"]]) for r in entry["ineligible"]
    ] == [
        (4, "0.00", ["SG009"]),
        (3, "3000.00", ["SG011"]),
    ]
    assert entry["ineligible"][1]["cell"] == "E3"
    assert entry["ineligible"][1]["file"] == "台账/台账.xlsx"


@pytest.mark.rule("SG014", "fires")
def test_spending_past_released_funds_is_sg014_and_overdraw(tmp_path):
    application(tmp_path, "PX-1", "50000")  # tranche 1 = 30000; mid-term not held
    ledger(
        tmp_path,
        [
            ("2023-04-01", "PX-1", "20000"),
            ("2023-05-01", "PX-1", "15000"),
            ("2023-06-01", "PX-1", "5000"),
        ],
    )
    validation, result = run(tmp_path)
    assert [
        (f.rule, f.cell, f.project_id) for f in validation.findings if f.severity.value == "error"
    ] == [("SG014", "E3", "PX-1"), ("SG014", "E4", "PX-1")]
    assert [f.excess for f in validation.findings] == [Decimal("5000.00"), Decimal("5000.00")]
    entry = project(result, "PX-1")
    assert entry["released"] == "30000.00"
    # in date order 20000 fits; the 15000 row crosses 30000 by 5000: only that part is excluded;
    # the 5000 row after it is wholly past the released funds
    assert (entry["eligible_spent"], entry["ineligible_spent"], entry["overdraw"]) == (
        "30000.00",
        "10000.00",
        "10000.00",
    )
    assert [
        (r["row"], r["amount"], r["eligible"], r["excluded"], [x["rule"] for x in r["reasons"]])
        for r in entry["ineligible"]
    ] == [
        (3, "15000.00", "10000.00", "5000.00", ["SG014"]),
        (4, "5000.00", "0.00", "5000.00", ["SG014"]),
    ]
    assert entry["ineligible"][0]["reasons"][0]["message"] == (
        "这笔支出 15,000.00 元（2023-05-01）使累计合规支出超过已拨付的 30,000.00 元，"
        "超出的 5,000.00 元暂不能报销：请待下一笔资金拨付后再报销，或退回超支部分"
    )


@pytest.mark.rule("SG014", "quiet")
def test_spending_up_to_the_released_funds_exactly_is_not_sg014(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-04-01", "PX-1", "20000"), ("2023-05-01", "PX-1", "10000")])
    validation, result = run(tmp_path)
    assert [f.rule for f in validation.findings if f.rule == "SG014"] == []
    entry = project(result, "PX-1")
    assert (entry["eligible_spent"], entry["overdraw"], entry["ineligible"]) == (
        "30000.00",
        "0.00",
        [],
    )
    ledger(tmp_path, [("2023-04-01", "PX-1", "20000"), ("2023-05-01", "PX-1", "10000.01")])
    validation, result = run(tmp_path)
    assert [(f.rule, f.cell, f.excess) for f in validation.findings] == [
        ("SG014", "E3", Decimal("0.01"))
    ]
    assert project(result, "PX-1")["eligible_spent"] == "30000.00"


def test_recoverable_only_after_the_end_date(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-04-01", "PX-1", "12000")])
    _, on_end = run(tmp_path, as_of=date(2023, 12, 31))
    entry = project(on_end, "PX-1")
    assert (entry["period_ended"], entry["recoverable"]) == (False, "0.00")
    _, after = run(tmp_path, as_of=date(2024, 1, 1))
    entry = project(after, "PX-1")
    assert (entry["period_ended"], entry["recoverable"]) == (True, "18000.00")


def test_recoverable_never_below_zero(tmp_path):
    application(tmp_path, "PX-1", "10000")
    ledger(tmp_path, [("2023-04-01", "PX-1", "6000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    _, result = run(tmp_path, as_of=date(2024, 3, 1))
    entry = project(result, "PX-1")
    assert (entry["released"], entry["eligible_spent"], entry["recoverable"]) == (
        "10000.00",
        "6000.00",
        "4000.00",
    )


# ---- approval ------------------------------------------------------------------------------------


def test_application_errors_withhold_approval_and_future_approval_date_is_pending(tmp_path):
    application(tmp_path, "PX-1", "50000", 开始日期="2024-01-01")  # SG015: start after end
    application(tmp_path, "PX-2", "20000")
    evaluations(tmp_path, [{"项目编号": "PX-2", "立项日期": "2024-01-15"}])
    _, result = run(tmp_path)
    one, two = project(result, "PX-1"), project(result, "PX-2")
    assert statuses(one) == [("30000.00", "withheld"), ("20000.00", "withheld")]
    assert "SG015" in one["tranches"][0]["reason"]
    assert statuses(two) == [("12000.00", "pending"), ("8000.00", "pending")]
    assert two["tranches"][0]["reason"] == "立项日期 2024-01-15 尚未到"
    _, later = run(tmp_path, as_of=date(2024, 1, 15))
    assert statuses(project(later, "PX-2"))[0] == ("12000.00", "released")


def test_unreadable_approved_amount_withholds_everything_instead_of_guessing(tmp_path):
    application(tmp_path, "PX-1", "50000")
    evaluations(tmp_path, [{"项目编号": "PX-1", "核定金额": "五万多"}])
    _, result = run(tmp_path)
    entry = project(result, "PX-1")
    assert (entry["approved"], entry["approved_from"]) == ("0.00", None)
    assert statuses(entry) == [("0.00", "withheld"), ("0.00", "withheld")]
    assert "核定金额" in entry["tranches"][0]["reason"]


# ---- the folder as a whole -----------------------------------------------------------------------


def test_unknown_project_rows_and_projects_without_ledger_are_shown_and_totalled(tmp_path):
    application(tmp_path, "PX-1", "50000", 居民区="浦兴一居")
    application(tmp_path, "PX-2", "20000", 居民区="浦兴二居")
    application(tmp_path, "PX-3", "10000", 居民区="浦兴一居")
    ledger(
        tmp_path,
        [
            ("2023-04-01", "PX-1", "6000"),
            ("2023-04-02", "PX-9", "700"),
            ("2023-04-03", "PX-3", "1000"),
        ],
    )
    validation, result = run(tmp_path)
    payload = result.to_dict()
    assert [p["project_id"] for p in payload["projects"]] == ["PX-1", "PX-2", "PX-3"]
    assert project(result, "PX-2")["ledger_rows"] == 0
    assert project(result, "PX-2")["spent"] == "0.00"
    assert [
        (r["project_id"], r["row"], r["amount"], [x["rule"] for x in r["reasons"]])
        for r in payload["unmatched"]
    ] == [("PX-9", 3, "700.00", ["SG005"])]
    assert payload["by_neighborhood"] == [
        {
            "neighborhood": "浦兴一居",
            "projects": 2,
            "approved_projects": 2,
            "approved": "60000.00",
            "released": "36000.00",
            "withheld": "24000.00",
            "pending": "0.00",
            "spent": "7000.00",
            "eligible_spent": "7000.00",
            "ineligible_spent": "0.00",
            "overdraw": "0.00",
            "recoverable": "0.00",
            "usage_rate": "0.1944",
            "execution_rate": "0.1167",
        },
        {
            "neighborhood": "浦兴二居",
            "projects": 1,
            "approved_projects": 1,
            "approved": "20000.00",
            "released": "12000.00",
            "withheld": "8000.00",
            "pending": "0.00",
            "spent": "0.00",
            "eligible_spent": "0.00",
            "ineligible_spent": "0.00",
            "overdraw": "0.00",
            "recoverable": "0.00",
            "usage_rate": "0.0000",
            "execution_rate": "0.0000",
        },
    ]
    assert payload["totals"] == {
        "projects": 3,
        "approved_projects": 3,
        "approved": "80000.00",
        "released": "48000.00",
        "withheld": "32000.00",
        "pending": "0.00",
        "spent": "7000.00",
        "eligible_spent": "7000.00",
        "ineligible_spent": "0.00",
        "overdraw": "0.00",
        "recoverable": "0.00",
        "usage_rate": "0.1458",
        "execution_rate": "0.0875",
        "unmatched_spent": "700.00",
    }


def test_whole_project_entry_in_the_cli_md_shape(tmp_path):
    application(tmp_path, "PX-1", "50000")
    ledger(
        tmp_path, [("2023-04-01", "PX-1", "12000"), ("2023-09-01", "PX-1", "3000", "志愿者补贴")]
    )
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    _, result = run(tmp_path)
    payload = result.to_dict()
    assert (payload["program"], payload["as_of"]) == ("puxing-2023", "2023-12-31")
    assert payload["projects"][0] == {
        "project_id": "PX-1",
        "name": "PX-1 邻里节",
        "neighborhood": "浦兴一居",
        "approved": "50000.00",
        "is_approved": True,
        "not_approved_reason": None,
        "approved_from": "申请金额",
        "approved_cell": "申报/PX-1.xlsx 申报表 B8",
        "tranches": [
            {
                "n": 1,
                "share": "0.60",
                "amount": "30000.00",
                "status": "released",
                "gate": "approval",
                "clause": "浦兴 四.1",
            },
            {
                "n": 2,
                "share": "0.40",
                "amount": "20000.00",
                "status": "withheld",
                "gate": "midterm",
                "clause": "浦兴 四.1",
                "reason": payload["projects"][0]["tranches"][1]["reason"],
            },
        ],
        "released": "30000.00",
        "withheld": "20000.00",
        "pending": "0.00",
        "spent": "15000.00",
        "eligible_spent": "12000.00",
        "ineligible_spent": "3000.00",
        "overdraw": "0.00",
        "midterm_date": "2023-07-31",
        "midterm_date_from": "评估结果",
        "midterm_spent": "12000.00",
        "midterm_usage": "0.4000",
        "usage_rate": "0.4000",  # eligible spending ÷ released
        "execution_rate": "0.2400",  # eligible spending ÷ approved
        "end_date": "2023-12-31",
        "period_ended": False,
        "recoverable": "0.00",
        "ledger_rows": 2,
        "later_rows": 0,
        "by_category": [
            {
                "category": "work",
                "name": "工作经费",
                "budget": "50000.00",
                "spent": "12000.00",
                "eligible_spent": "12000.00",
                "over_budget": "0.00",
            },
            {
                "category": "volunteer",
                "name": "志愿者补贴",
                "budget": "0.00",
                "spent": "3000.00",
                "eligible_spent": "0.00",
                "over_budget": "0.00",
            },
        ],
        "ineligible": [
            {
                "project_id": "PX-1",
                "file": "台账/台账.xlsx",
                "sheet": "经费台账",
                "row": 3,
                "cell": "E3",
                "date": "2023-09-01",
                "category": "志愿者补贴",
                "description": "活动物资",
                "amount": "3000.00",
                "eligible": "0.00",
                "excluded": "3000.00",
                "reasons": payload["projects"][0]["ineligible"][0]["reasons"],
            }
        ],
        "decisions": [],
    }
    assert [r["rule"] for r in payload["projects"][0]["ineligible"][0]["reasons"]][0] == "SG012"


# ---- properties ---------------------------------------------------------------------------------

_AMOUNTS = st.decimals(
    min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@given(_AMOUNTS, st.sampled_from(sorted(builtin())))
def test_builtin_tranches_sum_to_approved_and_are_never_negative(approved, program_id):
    shares = [t.share for t in builtin()[program_id].tranches]
    parts = tranche_amounts(approved, shares)
    assert sum(parts) == approved
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)


@st.composite
def _shares(draw):
    cents = draw(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=25))
    total = sum(cents)
    if total == 0:
        return [Decimal(1)]
    exact = [Decimal(c) / Decimal(total) for c in cents[:-1]]
    return [*exact, Decimal(1) - sum(exact, Decimal(0))]


@given(_AMOUNTS, _shares())
def test_any_share_list_sums_to_approved_and_is_never_negative(approved, shares):
    parts = tranche_amounts(approved, shares)
    assert len(parts) == len(shares)
    assert sum(parts) == approved
    assert all(p >= 0 for p in parts)


def test_projects_the_review_leaves_out_get_nothing_even_with_an_approved_amount(tmp_path):
    application(tmp_path, "PX-1", "20000")
    application(tmp_path, "PX-2", "20000")
    application(tmp_path, "PX-3", "20000")
    scores = [
        (pid, f"评委{i}", total)
        for pid, total in (("PX-1", 85), ("PX-2", 52), ("PX-3", 55))
        for i in (1, 2, 3)
    ]
    write_table(tmp_path / "评审" / "打分.xlsx", "评审打分", ("项目编号", "评审人", "总分"), scores)
    evaluations(tmp_path, [{"项目编号": "PX-3", "核定金额": "15000"}])
    validation, result = run(tmp_path, as_of=date(2023, 5, 1))
    assert validation.errors == 0, [f.to_dict() for f in validation.findings]
    assert statuses(project(result, "PX-1")) == [("12000.00", "released"), ("8000.00", "pending")]
    assert statuses(project(result, "PX-2")) == [("12000.00", "withheld"), ("8000.00", "withheld")]
    assert project(result, "PX-2")["tranches"][0]["reason"] == (
        "评审排名第 3 名，评审得分低于入围分，未入围：不予立项拨付"
    )
    # below the line too: a 核定金额 in 评估结果 sets the amount, not the decision
    assert statuses(project(result, "PX-3")) == [("9000.00", "withheld"), ("6000.00", "withheld")]
    assert project(result, "PX-3")["tranches"][0]["reason"] == (
        "评审排名第 2 名，评审得分低于入围分，未入围：不予立项拨付"
    )
    assert [p.project_id for p in validation.approved()] == ["PX-1"]


# A whole disbursement from in-memory records (no workbook: hypothesis runs it many times).
_DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 6, 30))
_LEDGER_AMOUNTS = st.decimals(min_value=Decimal("-100"), max_value=Decimal("40000"), places=2)
_CLEAN = {  # what each program needs for an application with no error finding
    "puxing-2023": {
        "category": "悦家",
        "leader_is_resident": True,
        "residents_consulted": 45,
        "hearing_date": date(2023, 2, 1),
    },
    "xinjing-2021": {
        "category": "Xin融合",
        "applicant_type": "社会服务机构",
        "fulltime_staff": 3,
        "inspections": "合格,合格",
    },
    "chengdu-2023": {
        "category": "A",
        "district": "锦江区",
        "applicant_type": "居委会",
        "cluster_size": 5,
        "cluster_covered": 3,
        "submitted_on": date(2023, 6, 1),
    },
    "gonghexinlu-2023": {"category": "一居一品", "intent": "搭建一个社区自治载体"},
}


def _in_memory(program_id, approved, rows, midterm="", final="", midterm_date=None, as_of=AS_OF):
    from selfgov_cli.config import Config
    from selfgov_cli.model import Dataset, Evaluation, Expense, Location, Project

    values = {
        "project_id": "P-1",
        "name": "邻里节",
        "neighborhood": "一居",
        "applicant": "一居居委会",
        "leader": "张三丰",
        "requested_amount": approved,
        "matching_funds": approved,
        "start_date": date(2023, 3, 1),
        "end_date": date(2023, 12, 31),
        **_CLEAN[program_id],
    }
    project = Project(loc=Location("a.xlsx", "申报表", "B1", 1), values=values)
    ledger = [
        Expense(
            loc=Location("b.xlsx", "经费台账", None, i),
            date=day,
            project_id="P-1",
            category="work",
            category_text="工作经费",
            description="活动物资",
            amount=amount,
            invoice_no=f"F{i}",
            payee="超市",
            leader_signed=True,
            remark="自治金项目 邻里节",
        )
        for i, (day, amount) in enumerate(rows, 2)
    ]
    evaluation = Evaluation(
        loc=Location("c.xlsx", "评估结果", None, 2),
        project_id="P-1",
        midterm=midterm,
        midterm_date=midterm_date,
        final=final,
    )
    data = Dataset(root=".", projects=[project], ledger=ledger, evaluations=[evaluation])
    config = Config(folder=Path("."), program=builtin()[program_id])
    validation = validate(".", as_of=as_of, loaded=(config, data))
    return validation, validation.disbursement.to_dict()["projects"][0]


def test_the_in_memory_application_is_clean_so_the_property_below_means_something():
    for program_id in sorted(builtin()):
        validation, entry = _in_memory(
            program_id, Decimal("10000"), [(date(2023, 4, 1), Decimal("100"))]
        )
        assert validation.errors == 0, (program_id, [f.to_dict() for f in validation.findings])
        assert entry["tranches"][0]["status"] == "released"
        assert entry["eligible_spent"] == "100.00"


@given(
    program_id=st.sampled_from(sorted(builtin())),
    approved=st.decimals(min_value=0, max_value=Decimal("200000"), places=2),
    rows=st.lists(st.tuples(_DAYS, _LEDGER_AMOUNTS), max_size=12),
    midterm=st.sampled_from(["", "合格", "不合格"]),
    final=st.sampled_from(["", "合格", "不合格"]),
    midterm_date=st.one_of(st.none(), _DAYS),
    as_of=_DAYS,
)
def test_no_amount_is_ever_negative_and_the_books_balance(
    program_id, approved, rows, midterm, final, midterm_date, as_of
):
    _, entry = _in_memory(program_id, approved, rows, midterm, final, midterm_date, as_of)
    amounts = [Decimal(t["amount"]) for t in entry["tranches"]]
    assert sum(amounts) == Decimal(entry["approved"]) == approved
    keys = (
        "released",
        "withheld",
        "pending",
        "spent",
        "eligible_spent",
        "ineligible_spent",
        "overdraw",
        "recoverable",
    )
    values = {key: Decimal(entry[key]) for key in keys}
    # 已支出 is the ledger's own sum as of as_of: a refund typed as a negative row (SG009, none of
    # it counts) lowers it and 不合规支出 with it; nothing else is ever negative
    assert values["spent"] == sum((a for day, a in rows if day <= as_of), Decimal(0))
    signed = ("spent", "ineligible_spent")
    assert all(a >= 0 for a in amounts)
    assert all(v >= 0 for key, v in values.items() if key not in signed)
    assert values["ineligible_spent"] >= sum((a for day, a in rows if day <= as_of and a < 0), 0)
    assert values["released"] + values["withheld"] + values["pending"] == approved
    assert values["eligible_spent"] + values["ineligible_spent"] == values["spent"]
    assert values["eligible_spent"] <= values["released"]  # SG014 keeps it so
    ended = as_of > date(2023, 12, 31)
    assert values["recoverable"] == (values["released"] - values["eligible_spent"] if ended else 0)
    assert Decimal(entry["usage_rate"]) >= 0


def test_counted_rows_keep_plain_rows_compact_and_read_them_as_counted():
    from datetime import date as _date
    from decimal import Decimal as D

    from selfgov_cli.disburse import Counted, CountedRows
    from selfgov_cli.model import Expense, Location

    plain = Expense(
        loc=Location("l.xlsx", "经费台账", None, 2), date=_date(2023, 5, 1), amount=D("12.50")
    )
    odd = Counted(plain, D("12.50"), D("2.50"), (("PX005", "超出"),))
    rows = CountedRows([plain, odd])
    assert rows.items[0] is plain  # no Counted object held for a plain row
    assert list(rows) == [Counted(plain, D("12.50"), D("12.50"), ()), odd]
    assert rows[0] == Counted(plain, D("12.50"), D("12.50"), ()) and rows[-1] is odd
    assert len(rows) == 2 and rows == [rows[0], odd]


def test_row_sums_take_the_totals_and_the_categories_in_one_walk():
    """Issue 18: 已支出, 合规支出 and the per-category table of a project come from one walk over its
    rows (ProjectMoney.sums); a row without an amount is in no category, a refund in its own."""
    from datetime import date as _date
    from decimal import Decimal as D

    from selfgov_cli.disburse import Counted, CountedRows, row_sums
    from selfgov_cli.model import Expense, Location

    def expense(row, category, amount):
        return Expense(
            loc=Location("l.xlsx", "经费台账", None, row),
            date=_date(2023, 5, 1),
            category=category,
            amount=amount,
        )

    work, award = expense(2, "work", D("100.00")), expense(3, "award", D("50.00"))
    empty = expense(4, "work", None)
    refund = expense(5, "award", D("-20.00"))
    rows = CountedRows(
        [
            work,
            Counted(award, D("50.00"), D("30.00"), (("PX008", "超出"),)),
            Counted(empty, D(0), D(0), (("", "金额缺失"),)),
            Counted(refund, D("-20.00"), D(0), (("SG009", "负数"),)),
        ]
    )
    sums = row_sums(rows)
    assert (sums.spent, sums.eligible) == (D("130.00"), D("130.00"))
    assert sums.by_category == {
        "work": [D("100.00"), D("100.00")],
        "award": [D("30.00"), D("30.00")],
    }
    assert list(sums.by_category) == ["work", "award"]
    assert sums.explained == tuple(rows.explained())  # the walk keeps them: no second walk


@given(
    st.lists(st.integers(-500, 3000).map(lambda n: Decimal(n) / 4), max_size=12),
    st.integers(0, 8000).map(lambda n: Decimal(n) / 2),
)
def test_overdraw_cuts_the_rows_past_the_released_funds_as_a_running_total_does(parts, released):
    """Issue 18: overdraw finds the first row past the released funds with a running total walked
    in C; from there on, and before it, each row's counted part must be what a plain walk gives
    (refunds typed negative and rows counting nothing included)."""
    from datetime import date as _date
    from types import SimpleNamespace

    from selfgov_cli.disburse import Counted, CountedRows, overdraw
    from selfgov_cli.model import Expense, Location, Project

    items = []
    for row, part in enumerate(parts, 2):
        expense = Expense(
            loc=Location("l.xlsx", "经费台账", None, row), date=_date(2023, 5, 1), amount=part
        )
        items.append(expense if part else Counted(expense, part, part, (("", "零"),)))
    project = Project(loc=Location("a.xlsx", "申报表", "B2", 2), values={"project_id": "P-1"})
    plan = SimpleNamespace(released=released, project=project, tranches=())
    counted, hits = overdraw(plan, CountedRows(items))
    expected, total = [], Decimal(0)
    for part in parts:  # the plain walk
        room = part if not part or part <= released - total else max(released - total, Decimal(0))
        total += room
        expected.append(room)
    if released or not any(parts):
        assert [c.eligible for c in counted] == expected
        assert [h[3] for h in hits] == [
            p - e for p, e in zip(parts, expected, strict=True) if p != e
        ]
