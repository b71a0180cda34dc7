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
from tests.test_disburse import application

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


def test_run_writes_the_year_end_ranking_when_the_folder_has_its_scores(tmp_path):
    """A year-end folder whose only scores are 年终评审: run said 排名：跳过（没有评审打分记录）, and
    no run ever wrote the year-end ranking; it writes rank-final.json and 年终排名.xlsx."""
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
    day = out / "2027-12-31"
    assert not (day / "rank.json").exists() and not (day / "评审排名.xlsx").exists()
    final = json.loads((day / "rank-final.json").read_text("utf-8"))
    assert (final["stage"], [e["project_id"] for e in final["ranking"]]) == (
        "final",
        ["PX-2027-001"],
    )
    sheet = load_workbook(day / "年终排名.xlsx").worksheets[0]
    assert sheet.cell(2, 2).value == "PX-2027-001"
    record = json.loads((day / "record.json").read_text("utf-8"))
    assert record["projects"][0]["final_rank"] == final["ranking"][0]["rank"] == 1
