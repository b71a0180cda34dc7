"""--format csv on validate, disburse and rank: UTF-8 with BOM, the JSON keys as columns, tidy rows."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.report.csv_tables import (
    FINDING_COLUMNS,
    PROJECT_COLUMNS,
    RANK_COLUMNS,
    TRANCHE_COLUMNS,
    csv_bytes,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "puxing-2023"
AS_OF = "2023-12-31"
runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("csv") / "puxing-2023"
    shutil.copytree(SAMPLE, target)
    return target


def sgov(*args) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def payload(*args) -> dict:
    code, out = sgov(*args, "--format", "json", "--as-of", AS_OF)
    assert code in (0, 1)
    return json.loads(out)


def test_validate_csv_has_one_row_per_finding(folder, tmp_path):
    code, out = sgov("validate", folder, "-f", "csv", "-o", tmp_path / "v", "--as-of", AS_OF)
    assert code == 1
    path = tmp_path / "v" / "校验结果.csv"
    assert out == f"已写入 {path}\n"
    header, rows = read(path)
    assert header == list(FINDING_COLUMNS)
    data = payload("validate", folder)
    assert len(rows) == len(data["findings"]) > 30
    for row, finding in zip(rows, data["findings"], strict=True):
        assert row["program"] == "puxing-2023"
        for key in FINDING_COLUMNS[1:]:
            value = finding.get(key)
            assert row[key] == ("" if value is None else str(value)), key


def test_disburse_csv_projects_and_tranches(folder, tmp_path):
    code, out = sgov("disburse", folder, "-f", "csv", "-o", tmp_path / "d", "--as-of", AS_OF)
    assert code == 1
    assert out.splitlines() == [
        f"已写入 {tmp_path / 'd' / '拨付核算.csv'}",
        f"已写入 {tmp_path / 'd' / '拨付分期.csv'}",
    ]
    header, rows = read(tmp_path / "d" / "拨付核算.csv")
    assert header == list(PROJECT_COLUMNS)
    data = payload("disburse", folder)
    assert [r["project_id"] for r in rows] == [p["project_id"] for p in data["projects"]]
    row = next(r for r in rows if r["project_id"] == "PX-2023-014")
    assert {k: row[k] for k in ("approved", "released", "eligible_spent", "usage_rate")} == {
        "approved": "20000.00",
        "released": "20000.00",
        "eligible_spent": "14950.00",  # the 人工认定 budget change makes its 管理费 row count
        "usage_rate": "0.7475",
    }
    assert (row["as_of"], row["midterm_date"], row["period_ended"]) == (
        AS_OF,
        "2023-07-31",
        "false",
    )
    header, tranches = read(tmp_path / "d" / "拨付分期.csv")
    assert header == list(TRANCHE_COLUMNS)
    assert len(tranches) == sum(len(p["tranches"]) for p in data["projects"])
    assert [(t["n"], t["share"], t["amount"], t["status"]) for t in tranches[:2]] == [
        ("1", "0.60", "18000.00", "released"),
        ("2", "0.40", "12000.00", "released"),
    ]


def test_rank_csv_default_folder_and_columns(folder):
    code, out = sgov("rank", folder, "-f", "csv", "--as-of", AS_OF)
    assert code == 1
    path = folder / "sgov-output" / "评审排名.csv"
    assert out.startswith(f"已写入 {path}")
    header, rows = read(path)
    assert header == list(RANK_COLUMNS)
    data = payload("rank", folder)
    assert [(r["rank"], r["project_id"], r["score"], r["adjusted_score"]) for r in rows] == [
        (str(i["rank"]), i["project_id"], i["score"], i["adjusted_score"]) for i in data["ranking"]
    ]
    first = rows[0]
    assert (first["project_id"], first["adjustments"], first["stage"]) == (
        "PX-2023-003",
        "3（培育新团队（1+N+X），加 3 分）",
        "review",
    )
    below = next(r for r in rows if r["project_id"] == "PX-2023-013")
    assert set(below["flags"].split(";")) == {"needs_fix", "below_line"}, below["flags"]


def test_csv_never_writes_a_formula():
    text = csv_bytes(("a", "b"), [{"a": "=1+1", "b": "@x"}, {"a": None, "b": True}]).decode()
    assert text == "\ufeffa,b\r\n'=1+1,'@x\r\n,true\r\n"


def test_disburse_csv_says_which_projects_are_approved(tmp_path):
    """Clerk audit (成都): 拨付核算.csv listed every project's 核定金额 (a project over its district's
    quota too) with nothing saying it was not approved, so the column summed to far more than the
    summary's 核定金额 (the xlsx leaves those blank and has 立项 / 未立项原因)."""
    folder = tmp_path / "chengdu-2023"
    shutil.copytree(SAMPLE.parent / "chengdu-2023", folder)
    code, _ = sgov("disburse", folder, "-f", "csv", "-o", tmp_path / "d", "--as-of", AS_OF)
    assert code == 1
    header, rows = read(tmp_path / "d" / "拨付核算.csv")
    assert header[5:9] == ["approved", "approved_from", "is_approved", "not_approved_reason"]
    over = next(r for r in rows if r["project_id"] == "CD-2023-002")
    assert (over["is_approved"], over["not_approved_reason"]) == (
        "false",
        "评审排名第 17 名，超出所属区县的初审名额：不予立项拨付",
    )
    totals = payload("disburse", folder)["totals"]
    listed = sum(Decimal(r["approved"]) for r in rows if r["is_approved"] == "true")
    assert (listed, sum(r["is_approved"] == "true" for r in rows)) == (
        Decimal(totals["approved"]),
        totals["approved_projects"],
    )
