"""A year of money as a clerk lives it (found by the second clerk audit): a program moved to
another year, tranches across the calendar, what record.json keeps and what 拨付核算.xlsx adds up.

Every test builds a real folder with openpyxl and asserts exact amounts, statuses and texts.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from tests.helpers import LEDGER_HEADER, write_config, write_table
from tests.test_disburse import application, chengdu_application, evaluations

runner = CliRunner()
TITLE_2027 = "2027年浦兴路街道“自治金”项目"


def puxing_2027(folder: Path, pid: str, amount: str, hood: str = "浦兴一居", **extra) -> None:
    """A clean 浦兴 application of a folder whose sgov.toml says year = 2027."""
    write_config(folder, "puxing-2023", year=2027)
    dates = {"开始日期": "2027-03-01", "结束日期": "2027-12-31", "听证会日期": "2027-02-15"}
    application(folder, pid, amount, hood, **(dates | extra))


def ledger(folder: Path, rows: list[tuple[str, str, str]]) -> None:
    """(date as typed, 项目编号, amount) rows, every one signed, with its own invoice."""
    body = [
        (day, pid, "工作经费", "活动物资", amount, f"F{i:03d}", "超市", "商户", "是", "自治金项目")
        for i, (day, pid, amount) in enumerate(rows, 1)
    ]
    write_table(folder / "台账" / "经费台账.xlsx", "经费台账", LEDGER_HEADER, body)


def invoke(*args) -> object:
    return runner.invoke(app, [str(a) for a in args])


# ---- the program year in every header ---------------------------------------------------------


def test_every_header_and_json_name_the_year_of_sgov_toml(tmp_path):
    """year = 2027: validate, disburse, rank and run named the program 2023年… (the built-in name)
    while the summary report and the notice read 2027年…."""
    folder = tmp_path / "2027"
    puxing_2027(folder, "PX-2027-001", "10000")
    write_table(
        folder / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("PX-2027-001", "甲", 80)],
    )
    as_of = "2027-05-01"
    for command in ("validate", "disburse", "rank"):
        result = invoke(command, folder, "--as-of", as_of)
        first = result.output.splitlines()[0]
        assert first.startswith(f"项目计划：{TITLE_2027}（puxing-2023）"), (command, first)
    payload = json.loads(invoke("disburse", folder, "--as-of", as_of, "--format", "json").output)
    assert payload["program_name"] == TITLE_2027
    out = tmp_path / "out"
    result = invoke("run", folder, "--as-of", as_of, "-o", out)
    assert (
        result.output.splitlines()[0] == f"项目计划：{TITLE_2027}（puxing-2023）；计算日期：{as_of}"
    )
    day = out / as_of
    assert json.loads((day / "summary.json").read_text("utf-8"))["program_name"] == TITLE_2027
    assert json.loads((day / "disburse.json").read_text("utf-8"))["program_name"] == TITLE_2027
    assert f"项目计划：{TITLE_2027}（puxing-2023，来自 sgov.toml）" in (day / "run.log").read_text(
        "utf-8"
    )
    method = load_workbook(day / "评审排名.xlsx")
    texts = [c for ws in method for row in ws.iter_rows(values_only=True) for c in row if c]
    assert f"{TITLE_2027}（puxing-2023）" in texts
    assert not any("2023年浦兴" in str(t) for t in texts)


# ---- 拨付核算.xlsx: the 不合规支出 sheet adds up to the 不合规支出 of the projects ----------------


def test_ineligible_sheet_shows_the_excluded_part_of_a_partly_counted_row(tmp_path):
    """A row counted in part (SG014: 2,000.00 of which 1,000.00 is past the released 6,000.00) was
    listed at its whole amount: the sheet's 合计 read 2,000.00 beside 不合规支出 1,000.00."""
    folder = tmp_path / "2027"
    puxing_2027(folder, "PX-2027-001", "10000")
    ledger(folder, [("2027-04-01", "PX-2027-001", "5000"), ("2027年5月1日", "PX-2027-001", "2000")])
    out = tmp_path / "out"
    invoke("disburse", folder, "--as-of", "2027-06-01", "--format", "xlsx", "-o", out)
    book = load_workbook(out / "拨付核算.xlsx")
    projects = list(book["项目拨付"].iter_rows(values_only=True))
    header = projects[0]
    assert projects[1][header.index("不合规支出")] == 1000
    rows = list(book["不合规支出"].iter_rows(values_only=True))
    header = rows[0]
    assert header[7:10] == ("金额", "计入", "不计入")
    assert rows[1][7:10] == (2000, 1000, 1000)
    assert rows[-1][0] == "合计" and rows[-1][7:10] == (2000, 1000, 1000)


# ---- 成都 50/30/20: the final tranche waits for the project's end --------------------------------


def chengdu_2027(folder: Path) -> None:
    """A clean 成都 class A project running July 2027 to June 2028, 100,000.01 yuan, with a
    mid-term on 2027-12-31 and every verdict already typed in (合格, 合格)."""
    write_config(folder, "chengdu-2023", year=2027)
    chengdu_application(
        folder,
        "CD-1",
        "100000.01",
        开始日期="2027-07-01",
        结束日期="2028-06-30",
        申报日期="2027-06-01",
    )
    ledger(
        folder,
        [
            ("2027-08-01", "CD-1", "30000"),
            ("2027-11-01", "CD-1", "20000.01"),
            ("2028-02-01", "CD-1", "25000"),
            ("2028-05-01", "CD-1", "24000"),
        ],
    )
    evaluations(
        folder,
        [
            {
                "项目编号": "CD-1",
                "立项日期": "2027年7月1日",
                "中期评估": "合格",
                "中期评估日期": "2027-12-31",
                "末期评估": "合格",
            }
        ],
    )


def _money(folder: Path, as_of: str) -> dict:
    result = invoke("disburse", folder, "--as-of", as_of, "--format", "json")
    return json.loads(result.output)["projects"][0]


def test_chengdu_final_tranche_is_pending_until_the_project_has_ended(tmp_path):
    """末期评估 has no date of its own: typed in June 2028, it released the 20% tranche in a run
    as of January 2028, half a year before the project ended and could be evaluated."""
    folder = tmp_path / "成都"
    chengdu_2027(folder)
    january = _money(folder, "2028-01-15")
    assert [(t["amount"], t["status"]) for t in january["tranches"]] == [
        ("50000.01", "released"),
        ("30000.00", "released"),
        ("20000.00", "pending"),
    ]
    assert january["tranches"][2]["reason"] == (
        "项目结束日期 2028-06-30 尚未到：末期评估在项目结束后进行"
    )
    assert (january["released"], january["pending"], january["eligible_spent"]) == (
        "80000.01",
        "20000.00",
        "50000.01",
    )
    assert january["usage_rate"] == "0.6250"  # 50,000.01 / 80,000.01
    assert january["recoverable"] == "0.00"
    # on the end date the evaluation may be held; the money is recovered only once it has passed
    last_day = _money(folder, "2028-06-30")
    assert [t["status"] for t in last_day["tranches"]] == ["released"] * 3
    assert (last_day["released"], last_day["recoverable"]) == ("100000.01", "0.00")
    july = _money(folder, "2028-07-15")
    assert (july["released"], july["eligible_spent"], july["recoverable"]) == (
        "100000.01",
        "99000.01",
        "1000.00",
    )
    assert july["usage_rate"] == "0.9900" and july["execution_rate"] == "0.9900"


# ---- record.json: the mid-term as decided ----------------------------------------------------


def test_record_keeps_a_midterm_failed_on_usage_as_failed(tmp_path):
    """评估结果 says 合格 but only 3,000.00 of the 12,000.00 first tranche was used by the mid-term
    (25.00% < 50%): the mid-term failed and tranche 2 was withheld, yet record.json kept 合格 for
    next year."""
    folder = tmp_path / "2027"
    puxing_2027(folder, "PX-2027-002", "20000", "浦兴二居", 结束日期="2027-10-31")
    puxing_2027(folder, "PX-2027-005", "10000", "浦兴五居")
    ledger(
        folder,
        [
            ("2027-05-01", "PX-2027-002", "3000"),
            ("2027/9/1", "PX-2027-002", "4000"),
            ("2027-05-01", "PX-2027-005", "3000"),
        ],
    )
    evaluations(
        folder,
        [
            {
                "项目编号": pid,
                "立项日期": "2027-04-01",
                "中期评估": "合格",
                "中期评估日期": "2027-07-31",
            }
            for pid in ("PX-2027-002", "PX-2027-005")
        ],
    )
    out = tmp_path / "out"
    invoke("run", folder, "--as-of", "2028-01-05", "-o", out, "--quiet")
    record = json.loads((out / "2028-01-05" / "record.json").read_text("utf-8"))
    failed, passed = record["projects"]
    assert failed["project_id"] == "PX-2027-002"
    assert (failed["approved"], failed["released"], failed["eligible_spent"]) == (
        "20000.00",
        "12000.00",
        "7000.00",
    )
    assert (failed["usage_rate"], failed["execution_rate"]) == ("0.5833", "0.3500")
    assert failed["midterm"] == "不合格"
    assert passed["midterm"] == "合格"  # 3,000.00 of 6,000.00: exactly 50% passes
    disburse = json.loads((out / "2028-01-05" / "disburse.json").read_text("utf-8"))
    tranche = disburse["projects"][0]["tranches"][1]
    assert (tranche["status"], disburse["projects"][0]["recoverable"]) == ("withheld", "5000.00")


def test_run_with_only_year_end_scores_does_not_say_there_are_none(tmp_path):
    """A year-end folder whose only scores are 年终评审: run said 排名：跳过（没有评审打分记录）."""
    folder = tmp_path / "2027"
    puxing_2027(folder, "PX-2027-001", "10000")
    write_table(
        folder / "年终评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分", "轮次"),
        [("PX-2027-001", "甲", 90, "年终评审")],
    )
    out = tmp_path / "out"
    result = invoke("run", folder, "--as-of", "2027-12-31", "-o", out)
    assert "没有评审打分记录" not in result.output
    assert (
        "  排名：跳过（没有立项评审的打分，rank.json 只写立项评审排名；年终评审的名次在 record.json 的"
        " final_rank，完整的年终排名用 sgov rank --stage final 查看）"
    ) in result.output.splitlines()
    record = json.loads((out / "2027-12-31" / "record.json").read_text("utf-8"))
    assert record["projects"][0]["final_rank"] == 1
