"""The year through the calendar (found by the clerk audit of 2026-12-02): the same folder run on
different days, each as-of seeing only what was known that day, and saying which day a pending
tranche waits for.

Every test builds a real folder with openpyxl and asserts exact statuses, amounts and texts.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.pipeline import run as pipeline_run
from selfgov_cli.report.summary import summary_data
from tests.helpers import write_config, write_table
from tests.test_disburse import (
    application,
    chengdu_application,
    evaluations,
    ledger,
    project,
    run,
    statuses,
)

runner = CliRunner()


def _chengdu_whole_row(folder: Path) -> None:
    """A 成都 project of 2023-07-01 to 2024-06-30 whose 评估结果 row the clerk filled in one go,
    the 末期评估 next to the mid-term of 2023-12-31 (the sheet has no date for the final)."""
    write_config(folder, "chengdu-2023")
    chengdu_application(folder, "CD-1", "100000")
    ledger(folder, [("2023-08-01", "CD-1", "40000")])
    evaluations(
        folder,
        [
            {
                "项目编号": "CD-1",
                "中期评估": "合格",
                "中期评估日期": "2023-12-31",
                "末期评估": "合格",
                "立项日期": "2023-07-01",
            }
        ],
    )


def test_the_final_tranche_is_not_released_before_the_project_ends(tmp_path):
    """As of 2024-01-05 the 20% of the final evaluation read 已拨付 (the 末期评估 typed in the row
    of the mid-term), half a year before the project ended and the evaluation could be held."""
    _chengdu_whole_row(tmp_path)
    validation, result = run(tmp_path, date(2024, 1, 5))
    assert validation.errors == 0, [f.to_dict() for f in validation.findings]
    entry = project(result, "CD-1")
    assert statuses(entry) == [
        ("50000.00", "released"),
        ("30000.00", "released"),
        ("20000.00", "pending"),
    ]
    assert entry["tranches"][2]["reason"] == (
        "项目结束日期 2024-06-30 尚未到，末期评估在项目结束时进行"
    )
    assert (entry["released"], entry["pending"]) == ("80000.00", "20000.00")
    # on the end day the final evaluation is decided
    _, due = run(tmp_path, date(2024, 6, 30))
    assert statuses(project(due, "CD-1"))[2] == ("20000.00", "released")


def test_run_as_of_before_the_end_says_pending_in_every_output(tmp_path):
    """disburse.json, summary.json and the 汇总报告 of the run give the same released amount."""
    folder = tmp_path / "cd"
    _chengdu_whole_row(folder)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", "2024-01-05", "-o", str(out)])
    assert result.exit_code == 0, result.output
    day = out / "2024-01-05"
    disburse = json.loads((day / "disburse.json").read_text("utf-8"))
    summary = json.loads((day / "summary.json").read_text("utf-8"))
    assert disburse["totals"]["released"] == summary["totals"]["released"] == "80000.00"
    assert disburse["totals"]["pending"] == summary["totals"]["pending"] == "20000.00"
    assert "- 已拨付：80,000.00 元" in (day / "汇总报告.md").read_text("utf-8").splitlines()


def test_a_midterm_with_no_verdict_after_its_date_names_the_date(tmp_path):
    """Months after the mid-term date with no 中期评估 the reason said only 尚无中期评估结果:
    not which date passed, nor what to fill in."""
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-05-10", "PX-1", "20000")])
    evaluations(tmp_path, [{"项目编号": "PX-1", "中期评估": None, "中期评估日期": "2023-07-31"}])
    _, later = run(tmp_path, date(2023, 10, 8))
    entry = project(later, "PX-1")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "pending")]
    assert entry["tranches"][1]["reason"] == (
        "中期评估日期 2023-07-31 已过，尚无中期评估结果：请在评估结果表填写中期评估（合格或不合格）"
    )
    _, on_the_day = run(tmp_path, date(2023, 7, 31))
    assert project(on_the_day, "PX-1")["tranches"][1]["reason"] == (
        "中期评估日期 2023-07-31 已到，尚无中期评估结果：请在评估结果表填写中期评估（合格或不合格）"
    )


def _paid_then_held(folder: Path, on: str) -> None:
    """PX-1 passed its mid-term of 2023-07-31 (tranche 2 paid that day); the office records
    第2笔 暂缓 on `on`."""
    application(folder, "PX-1", "50000")
    ledger(folder, [("2023-05-10", "PX-1", "20000")])
    evaluations(folder, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    decision = {
        "项目编号": "PX-1",
        "认定事项": "拨付",
        "内容": "第2笔 暂缓",
        "理由": "审计发现问题",
        "认定人": "王科长",
        "认定日期": on,
    }
    write_table(folder / "人工认定.xlsx", "人工认定", None, [decision])


def test_a_hold_recorded_after_a_tranche_was_paid_does_not_unpay_it(tmp_path):
    """As of 2023-08-01 tranche 2 read 已拨付 20,000; a 暂缓 recorded on 2023-09-01 made every
    later as-of read 暂缓 and 已拨付 30,000: the 20,000 paid on 07-31 vanished from the books."""
    _paid_then_held(tmp_path, "2023-09-01")
    _, before = run(tmp_path, date(2023, 8, 1))
    assert statuses(project(before, "PX-1")) == [("30000.00", "released"), ("20000.00", "released")]
    _, after = run(tmp_path, date(2023, 9, 2))
    entry = project(after, "PX-1")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "released")]
    assert entry["released"] == "50000.00"
    assert entry["tranches"][1]["reason"] == (
        "本笔已于 2023-07-31 拨付，其后的暂缓认定不能改变已拨付的资金（如需收回，请另行办理）："
        "人工认定：第2笔暂缓；理由：审计发现问题（认定人 王科长，2023-09-01）"
    )
    # the decision took no effect: SG025 at its row, and the summary says so
    outcome = pipeline_run(tmp_path, as_of=date(2023, 9, 2))
    assert [(f.severity.value, f.file, f.cell, f.message) for f in outcome.findings
            if f.rule == "SG025"] == [(
        "warning",
        "人工认定.xlsx",
        "B2",
        "第2笔资金在这条暂缓认定（2023-09-01）之前已经拨付，暂缓不起作用："
        "如需收回已拨付的资金，请另行办理，并删除或改正这条认定",
    )]  # fmt: skip
    assert [d["status"] for d in summary_data(outcome)["decisions"]] == ["未起作用（见 SG025）"]


def test_a_hold_recorded_before_the_payment_day_still_withholds(tmp_path):
    _paid_then_held(tmp_path, "2023-07-31")  # the same day as the mid-term: not yet paid
    _, result = run(tmp_path, date(2023, 9, 2))
    entry = project(result, "PX-1")
    assert statuses(entry) == [("30000.00", "released"), ("20000.00", "withheld")]
    outcome = pipeline_run(tmp_path, as_of=date(2023, 9, 2))
    assert [f for f in outcome.findings if f.rule == "SG025"] == []
    assert [d["status"] for d in summary_data(outcome)["decisions"]] == ["已生效"]
    assert entry["tranches"][1]["reason"] == (
        "人工认定：第2笔暂缓；理由：审计发现问题（认定人 王科长，2023-07-31）（按规则本应已拨付）"
    )


def test_no_midterm_usage_before_the_midterm_date(tmp_path):
    """As of 2023-05-20 the 中期使用率 column read 40.00% (below the 50% gate) for a mid-term of
    2023-07-31 that had not been held: the running figure is 使用率, shown beside it."""
    application(tmp_path, "PX-1", "50000")
    ledger(tmp_path, [("2023-04-10", "PX-1", "12000"), ("2023-06-20", "PX-1", "6000")])
    evaluations(
        tmp_path, [{"项目编号": "PX-1", "中期评估日期": "2023-07-31", "立项日期": "2023-03-01"}]
    )
    _, early = run(tmp_path, date(2023, 5, 20))
    entry = project(early, "PX-1")
    assert (entry["midterm_spent"], entry["midterm_usage"]) == (None, None)
    assert entry["usage_rate"] == "0.4000"
    _, due = run(tmp_path, date(2023, 7, 31))
    entry = project(due, "PX-1")
    assert (entry["midterm_spent"], entry["midterm_usage"]) == ("18000.00", "0.6000")


def test_explain_names_the_midterm_date_setting_with_a_space(tmp_path):
    """explain read “（来自midterm_date 设置）”, the setting's name run into the Chinese."""
    write_config(tmp_path, "puxing-2023", settings={"midterm_date": date(2023, 7, 31)})
    application(tmp_path, "PX-1", "50000")
    result = runner.invoke(app, ["explain", "PX-1", str(tmp_path), "--as-of", "2023-05-20"])
    assert "  中期评估日期：2023-07-31（来自 midterm_date 设置）" in result.output.splitlines()


def test_explain_says_tranche_1_follows_the_start_date_when_there_is_no_approval_date(tmp_path):
    """With no 立项日期 explain named no day at all for tranche 1 (it is the 开始日期)."""
    write_config(tmp_path, "chengdu-2023")
    chengdu_application(tmp_path, "CD-1", "100000")
    result = runner.invoke(app, ["explain", "CD-1", str(tmp_path), "--as-of", "2023-06-29"])
    lines = result.output.splitlines()
    at = lines.index("【核定金额】")
    assert lines[at + 2 : at + 6] == [
        "  立项日期：未填写（第1笔按开始日期 2023-07-01 拨付）",
        "",
        "【分期拨付】",
        "  第1笔 50,000.00 元（50.00%，成都 四.(六)）"
        "待定：开始日期 2023-07-01 尚未到（没有立项日期，第1笔按开始日期拨付）",
    ]
