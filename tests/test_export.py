"""sgov export and frames(): tidy tables that round-trip the outcome's totals exactly (Decimal)."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.export import DECIMAL_COLUMNS, TABLES, XLSX_NAME, frames, tables
from selfgov_cli.pipeline import run

SAMPLE = Path(__file__).resolve().parents[1] / "sample_workbooks" / "puxing-2023"
AS_OF = date(2023, 12, 31)
runner = CliRunner()


@pytest.fixture(scope="module")
def outcome():
    return run(SAMPLE, as_of=AS_OF)


def column(table, name: str) -> list:
    columns, rows = table
    i = columns.index(name)
    return [row[i] for row in rows]


def total(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def expected_totals(outcome) -> dict[str, Decimal]:
    totals = outcome.disbursement.totals().items()
    return {k: Decimal(v) for k, v in totals if k not in ("projects", "approved_projects")}


def test_tables_round_trip_the_outcome_totals(outcome):
    got = tables(outcome)
    assert tuple(got) == TABLES
    totals = expected_totals(outcome)
    money = got["disbursement"]
    for key in ("released", "withheld", "pending", "spent", "eligible_spent"):
        assert total(column(money, key)) == totals[key], key
    # 核定金额 totals count the approved set only: the summary's and the publicity list's figure
    listed = [
        a
        for a, ok in zip(column(money, "approved"), column(money, "is_approved"), strict=True)
        if ok
    ]
    assert total(listed) == totals["approved"] == outcome.approved_total()
    assert total(column(money, "recoverable")) == totals["recoverable"]
    projects = got["projects"]
    assert total(column(projects, "approved_amount")) == outcome.approved_total()
    assert column(projects, "project_id") == [p.project_id for p in outcome.by_id()]
    ledger = got["ledger"]
    assert len(ledger[1]) == len(outcome.data.ledger)
    counted = sum((p.money.eligible_spent for p in outcome.projects.values()), Decimal(0))
    assert total(column(ledger, "eligible")) == counted == totals["eligible_spent"]
    assert len(got["findings"][1]) == len(outcome.findings)
    assert len(got["members"][1]) == len(outcome.data.members)
    final = outcome.final.entries if outcome.final else []
    assert len(got["ranking"][1]) == len(outcome.review.entries) + len(final)  # both rounds
    for name, (columns, rows) in got.items():
        assert columns[:2] == ("year", "program"), name
        assert {row[:2] for row in rows} <= {(2023, "puxing-2023")}, name
        for row in rows:
            assert not any(isinstance(v, float) for v in row), name


def test_members_are_masked_and_no_phone_leaves(outcome):
    names = set(column(tables(outcome)["members"], "name"))
    real = {m.name for m in outcome.data.members}
    assert names and not (names & real)
    assert all("*" in n for n in names)
    text = repr(tables(outcome))
    for project in outcome.data.projects:
        phone = project.get("phone")
        if phone:
            assert str(phone) not in text


def test_frames_keep_decimal_and_round_trip(outcome):
    got = frames(outcome)
    assert list(got) == list(TABLES)
    totals = expected_totals(outcome)
    money = got["disbursement"]
    for key in ("approved", "released", "eligible_spent", "recoverable"):
        assert money[key].dtype == object
        assert all(isinstance(v, Decimal) for v in money[key])
        listed = money[key][money["is_approved"]] if key == "approved" else money[key]
        assert listed.sum() == totals[key]
        assert isinstance(listed.sum(), Decimal)
    projects = got["projects"]
    approved = projects["approved_amount"].dropna()
    assert approved.dtype == object and sum(approved, Decimal(0)) == outcome.approved_total()
    assert str(got["ranking"]["rank"].dtype) == "int64"
    for name, frame in got.items():
        for key in DECIMAL_COLUMNS & set(frame.columns):
            assert frame[key].dtype == object, (name, key)
            assert all(v is None or isinstance(v, Decimal) for v in frame[key]), (name, key)


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_csv_one_file_per_table(tmp_path, outcome):
    result = runner.invoke(
        app, ["export", str(SAMPLE), "-o", str(tmp_path), "--as-of", "2023-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    money = _csv(tmp_path / "disbursement.csv")
    totals = expected_totals(outcome)
    for key in ("approved", "released", "eligible_spent", "recoverable"):
        rows = [r for r in money if key != "approved" or r["is_approved"] == "true"]
        assert sum((Decimal(r[key]) for r in rows), Decimal(0)) == totals[key]
    assert {(r["year"], r["program"]) for r in money} == {("2023", "puxing-2023")}
    assert result.output.splitlines()[0] == f"已导出到 {tmp_path}："


def test_export_xlsx_one_sheet_per_table(tmp_path, outcome):
    result = runner.invoke(
        app,
        ["export", str(SAMPLE), "-o", str(tmp_path), "--as-of", "2023-12-31", "-f", "xlsx", "-q"],
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    wb = load_workbook(tmp_path / XLSX_NAME)
    assert wb.sheetnames == list(TABLES)
    ws = wb["disbursement"]
    header = [c.value for c in ws[1]]
    i = header.index("released")
    released = sum(Decimal(str(r[i])) for r in ws.iter_rows(min_row=2, values_only=True))
    assert released == expected_totals(outcome)["released"]


def test_export_bad_format_is_exit_2(tmp_path):
    result = runner.invoke(app, ["export", str(SAMPLE), "-o", str(tmp_path), "-f", "json"])
    assert result.exit_code == 2
    assert "--format 只能是 csv 或 xlsx" in result.stderr


def test_export_never_writes_inside_the_folder_outside_sgov_output(tmp_path):
    folder = tmp_path / "puxing"
    shutil.copytree(
        Path(__file__).resolve().parents[1] / "sample_workbooks" / "puxing-2023", folder
    )
    result = CliRunner().invoke(app, ["export", str(folder), "-o", str(folder / "申报")])
    assert result.exit_code == 2
    assert "在项目文件夹里、sgov-output 之外" in result.stderr
    assert not list((folder / "申报").glob("*.csv"))


def test_a_negative_figure_is_a_number_in_the_csv_not_text(tmp_path):
    """The formula guard (a leading ') is for text from cells: a negative amount or a −5
    adjustment written '-150.00 is no longer a number for Excel or pandas."""
    from selfgov_cli.report.csv_tables import csv_bytes
    from tests.test_decisions import folder as decisions_folder
    from tests.test_decisions import ledger_row

    ledger = [ledger_row(date(2023, 4, 1), "PX-1", "志愿者补贴", -150, None)]  # SG009
    root = decisions_folder(tmp_path / "项目", [], ledger)
    result = CliRunner().invoke(app, ["export", str(root), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "ledger.csv", encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (row["amount"], row["eligible"], row["excluded"]) == ("-150.00", "0.00", "-150.00")
    assert csv_bytes(("n", "text"), [{"n": Decimal("-5"), "text": "-5"}]) == (
        "\ufeffn,text\r\n-5,'-5\r\n".encode()
    )


def test_chengdu_scores_table_gives_the_total_of_the_six_criteria(tmp_path):
    """Clerk audit (成都): 评审打分 has the six criteria and no 总分 (as sgov init writes it), so the
    scores table's total column was empty for every row, though the ranking summed them."""
    from tests.test_rank import app as application
    from tests.test_rank import folder, scores

    f = folder(tmp_path, "chengdu-2023")
    application(f, "CD-1", "chengdu-2023")
    header = ("项目编号", "评审人", "必要性", "可行性", "科学性", "创新性", "参与性", "实效性")
    scores(
        f,
        [("CD-1", "甲", 18, 17, 13, 12, 14, 13), ("CD-1", "乙", 16, 15, 12, 11, 13, "12.5")],
        header,
    )
    columns, rows = tables(run(f, as_of=AS_OF))["scores"]
    picked = [(r[columns.index("reviewer")], r[columns.index("total")]) for r in rows]
    assert picked == [("甲", Decimal("87.0000")), ("乙", Decimal("79.5000"))]
