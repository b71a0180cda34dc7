"""Tables on a terminal of 80 or 120 columns: every id, amount, rate and date whole, text wrapped."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.cli.disburse_cmd import render_disbursement
from selfgov_cli.cli.rank_cmd import render_ranking
from selfgov_cli.cli.render import render_findings
from selfgov_cli.cli.tables import Col, grid_text, parts, print_table
from selfgov_cli.money import fmt_yuan
from selfgov_cli.rules.catalog import rule_list
from selfgov_cli.validate import validate

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
AS_OF = date(2023, 12, 31)
WIDTHS = (80, 120)


@pytest.fixture(scope="module")
def puxing():
    return validate(SAMPLES / "puxing-2023", as_of=AS_OF)


def screen(width: int) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    out = Console(
        file=buf, width=width, force_terminal=True, color_system=None, highlight=False, emoji=False
    )
    return out, buf


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def assert_fits(text: str, width: int) -> None:
    assert max(cell_len(line) for line in lines_of(text)) <= width


def whole(token: str, text: str) -> bool:
    """token shown whole: not preceded or followed by more of an id/amount on its line."""
    return re.search(rf"(?<![\w.,-]){re.escape(token)}(?![\w.,%-])", text) is not None


@pytest.mark.parametrize("width", WIDTHS)
def test_disburse_table_keeps_every_id_and_amount_whole(puxing, width):
    payload = puxing.disbursement.to_dict()
    out, buf = screen(width)
    render_disbursement(out, payload, puxing.errors)
    text = buf.getvalue()
    assert_fits(text, width)
    assert len(payload["projects"]) == 30
    for p in payload["projects"]:
        assert whole(p["project_id"], text), p["project_id"]
        listed = ("approved",) if p["is_approved"] else ()
        for key in (*listed, "released", "eligible_spent", "ineligible_spent", "recoverable"):
            assert whole(fmt_yuan(Decimal(p[key])), text), (p["project_id"], key)
        if not p["is_approved"]:  # as 拨付核算.xlsx: the 核定金额 column adds up to the 合计
            row = next(line for line in lines_of(text) if p["project_id"] in line)
            assert "未立项" in row, row
        for t in p["tranches"]:
            assert whole(fmt_yuan(Decimal(t["amount"])), text)
        for key in ("midterm_usage", "usage_rate"):
            if p[key] is not None:
                assert f"{Decimal(p[key]) * 100:.2f}%" in text
    # a row reads across: the id, the (wrapped) 居民区 and the approved amount on one line
    first = next(line for line in lines_of(text) if "PX-2023-001" in line)
    assert "金桥湾居民" in first and "30,000.00" in first
    for row in payload["unmatched"]:
        assert whole(fmt_yuan(Decimal(row["amount"])), text)
    for row in (r for p in payload["projects"] for r in p["ineligible"]):
        assert row["date"] is None or row["date"] in text


@pytest.mark.parametrize("width", WIDTHS)
def test_rank_table_keeps_ids_and_scores_whole_and_shows_excluded_rows(puxing, width):
    ranking = puxing.ranking("review")
    data = ranking.to_dict()
    out, buf = screen(width)
    render_ranking(out, puxing, ranking, data)
    text = buf.getvalue()
    assert_fits(text, width)
    for item in data["ranking"]:
        assert whole(item["project_id"], text)
        assert whole(item["score"], text) and whole(item["adjusted_score"], text)
    excluded = [line for line in lines_of(text) if "PX-2023-006" in line and "王评委" in line]
    assert len(excluded) == 1 and "120分" in excluded[0]
    assert any("PX-2023-013" in line and "61分" in line for line in lines_of(text))
    assert "未计入排名的评分行" in text


def test_rank_piped_lists_excluded_rows_as_lines(puxing):
    ranking = puxing.ranking("review")
    buf = io.StringIO()
    out = Console(file=buf, width=200, no_color=True, highlight=False)
    render_ranking(out, puxing, ranking, ranking.to_dict())
    lines = buf.getvalue().splitlines()
    assert (
        "未计入的评分行：PX-2023-006 王评委 120分 评审/立项评审打分.xlsx 评审打分 第24行："
        "有错误（SG017），未计入"
    ) in lines


@pytest.mark.parametrize("width", WIDTHS)
def test_validate_table_keeps_ids_and_rules_whole(puxing, width):
    out, buf = screen(width)
    render_findings(out, puxing)
    text = buf.getvalue()
    assert_fits(text, width)
    for finding in puxing.findings:
        if finding.project_id:
            assert whole(finding.project_id, text)
        assert whole(finding.rule, text)


def test_a_table_too_wide_is_split_repeating_the_key_column():
    cols = [Col("项目编号"), *(Col(f"金额{i}", "right") for i in range(8))]
    rows = [["PX-2024-0001", *(f"{i}45,000.00" for i in range(8))]]
    assert parts(cols, rows, 200) == [list(range(9))]
    groups = parts(cols, rows, 80)
    assert len(groups) == 2 and all(g[0] == 0 for g in groups)
    assert sorted({i for g in groups for i in g}) == list(range(9))
    out, buf = screen(80)
    print_table(out, "测试", cols, rows)
    text = buf.getvalue()
    assert_fits(text, 80)
    assert text.count("PX-2024-0001") == 2
    for i in range(8):
        assert whole(f"{i}45,000.00", text)


def test_grid_text_draws_the_table_and_folds_the_widest_column_to_fit():
    rows = [["SG001", "错误", "工作簿无法读取"], ["PX012", "警告", "短"]]
    wide = grid_text("目录", ["规则", "级别", "检查内容"], rows, 80)
    assert wide.split("\n") == [
        "目录",
        "┏━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━┓",
        "┃ 规则  ┃ 级别 ┃ 检查内容       ┃",
        "┡━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━┩",
        "│ SG001 │ 错误 │ 工作簿无法读取 │",
        "│ PX012 │ 警告 │ 短             │",
        "└───────┴──────┴────────────────┘",
    ]
    narrow = grid_text("目录", ["规则", "级别", "检查内容"], rows, 30)
    assert narrow.split("\n")[4:6] == [
        "│ SG001 │ 错误 │ 工作簿无法  │",
        "│       │      │ 读取        │",
    ]
    assert {cell_len(line) for line in narrow.split("\n")[1:]} == {30}


def test_sgov_rules_lists_every_rule_in_the_table():
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0
    ids = [
        line.split("│")[1].strip() for line in result.output.splitlines() if line.startswith("│ ")
    ]
    assert [i for i in ids if i] == [item["id"] for item in rule_list()]
