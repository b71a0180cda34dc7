"""``--format csv``: the JSON outputs of validate, disburse and rank as tidy CSV tables.

One row per item (finding, project, tranche, ranked project); the header row is the JSON key of
each column, so a CSV column means exactly what the JSON field means (README, "CSV 输出").
Values are written as in the JSON: amounts with two decimals, rates with four, ISO dates; lists
are joined with "；" (flags with ";"). Files are UTF-8 with a BOM so Excel opens the Chinese
correctly, and a text that starts like a formula is written with a leading ' (never run).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.report.safe import atomic_write, csv_text

VALIDATE_CSV = "校验结果.csv"
DISBURSE_CSV = "拨付核算.csv"
TRANCHES_CSV = "拨付分期.csv"
RANK_CSV = "评审排名.csv"

FINDING_COLUMNS = (
    "program",
    "rule",
    "severity",
    "project_id",
    "file",
    "sheet",
    "cell",
    "row",
    "message",
    "fix",
    "clause",
)
PROJECT_COLUMNS = (
    "program",
    "as_of",
    "project_id",
    "name",
    "neighborhood",
    "approved",
    "approved_from",
    "is_approved",  # the one decision: only these count in the summary's 核定金额
    "not_approved_reason",
    "released",
    "withheld",
    "pending",
    "spent",
    "eligible_spent",
    "ineligible_spent",
    "overdraw",
    "midterm_date",
    "midterm_spent",
    "midterm_usage",
    "usage_rate",
    "end_date",
    "period_ended",
    "recoverable",
)
TRANCHE_COLUMNS = (
    "program",
    "as_of",
    "project_id",
    "n",
    "share",
    "amount",
    "status",
    "gate",
    "reason",
    "clause",
)
RANK_COLUMNS = (
    "program",
    "stage",
    "as_of",
    "rank",
    "project_id",
    "name",
    "neighborhood",
    "category",
    "reviewers",
    "score",
    "adjusted_score",
    "adjustments",
    "flags",
    "why",
)


def _field(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):  # a number is never a formula: -150.00 stays a number
        return str(value)
    return csv_text(value)


def csv_bytes(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """A CSV file's bytes: BOM, a header of keys, one line per row (CRLF, as Excel writes)."""
    columns = tuple(columns)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_field(row.get(c)) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> Path:
    return atomic_write(path, csv_bytes(columns, rows))


def finding_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"program": data["program"], **f} for f in data["findings"]]


def project_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    head = {"program": data["program"], "as_of": data["as_of"]}
    return [{**head, **p} for p in data["projects"]]


def tranche_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    head = {"program": data["program"], "as_of": data["as_of"]}
    return [
        {**head, "project_id": p["project_id"], **t}
        for p in data["projects"]
        for t in p["tranches"]
    ]


def ranking_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    head = {"program": data["program"], "stage": data["stage"], "as_of": data.get("as_of")}
    rows = []
    for item in data["ranking"]:
        adjustments = "；".join(
            f"{a['points']}（{a['reason']}）" if a.get("reason") else a["points"]
            for a in item["adjustments"]
        )
        rows.append(
            {
                **head,
                **item,
                "adjustments": adjustments,
                "flags": ";".join(item["flags"]),
                "why": "；".join(item.get("why", [])),
            }
        )
    return rows


def write_validation(data: dict[str, Any], folder: Path) -> list[Path]:
    return [write_csv(folder / VALIDATE_CSV, FINDING_COLUMNS, finding_rows(data))]


def write_disbursement(data: dict[str, Any], folder: Path) -> list[Path]:
    return [
        write_csv(folder / DISBURSE_CSV, PROJECT_COLUMNS, project_rows(data)),
        write_csv(folder / TRANCHES_CSV, TRANCHE_COLUMNS, tranche_rows(data)),
    ]


def write_ranking(data: dict[str, Any], folder: Path) -> list[Path]:
    return [write_csv(folder / RANK_CSV, RANK_COLUMNS, ranking_rows(data))]
