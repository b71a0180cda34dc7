"""`sgov export`: the outcome as tidy tables for analysis (cli.md "Year over year").

`tables(outcome)` gives every table as (columns, rows): one row per item (project, budget line,
member, ledger row, score row, evaluation row, 人工认定, finding, project's money, ranked project),
each starting with `year` and `program` so several years or several streets stack. Amounts are
Decimal to the fen, rates and scores Decimal to four places, dates `date`; no float anywhere.
`frames(outcome)` gives the same tables as pandas DataFrames (Decimal kept: object columns);
pandas is imported there only, never on the command-line start-up path.

Nothing personal leaves the office: members' names are masked (张*明), no phone or identity
numbers, no payees (text is scrubbed); reviewers and the office's 认定人 are shown as in the reports.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selfgov_cli.money import RATE_PLACES, fen
from selfgov_cli.outcome import Outcome
from selfgov_cli.privacy import scrub
from selfgov_cli.report.csv_tables import write_csv
from selfgov_cli.report.safe import mask_name, put, save_workbook
from selfgov_cli.report.xlsx_layout import lay_out

if TYPE_CHECKING:
    import pandas

Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]
HEAD = ("year", "program")
TABLES = (
    "projects",
    "budget_lines",
    "members",
    "ledger",
    "scores",
    "evaluations",
    "decisions",
    "findings",
    "disbursement",
    "ranking",
)
# columns that hold amounts, rates or scores (Decimal): kept as Decimal objects in frames()
DECIMAL_COLUMNS = frozenset(
    {
        "requested",
        "approved_amount",
        "prior_usage_rate",
        "unit_price",
        "quantity",
        "amount",
        "eligible",
        "excluded",
        "total",
        "satisfaction",
        "approved",
        "released",
        "withheld",
        "pending",
        "spent",
        "eligible_spent",
        "recoverable",
        "usage_rate",
        "execution_rate",
        "midterm_usage",
        "score",
        "adjusted_score",
        "adjustment",
    }
)


def _amount(value: Decimal | None) -> Decimal | None:
    return None if value is None else fen(value)


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(RATE_PLACES, ROUND_HALF_UP)


def tables(outcome: Outcome) -> dict[str, Table]:
    """Every table of the outcome, in TABLES order."""
    head = (outcome.config.program_year, outcome.config.program.id)
    built = {
        "projects": _projects(outcome),
        "budget_lines": _budget(outcome),
        "members": _members(outcome),
        "ledger": _ledger(outcome),
        "scores": _scores(outcome),
        "evaluations": _evaluations(outcome),
        "decisions": _decisions(outcome),
        "findings": _findings(outcome),
        "disbursement": _disbursement(outcome),
        "ranking": _ranking(outcome),
    }
    return {
        name: (HEAD + columns, [head + tuple(row) for row in rows])
        for name, (columns, rows) in built.items()
    }


def _projects(outcome: Outcome) -> Table:
    columns = (
        "project_id",
        "name",
        "neighborhood",
        "category",
        "requested",
        "is_approved",
        "status",
        "approved_amount",
        "start_date",
        "end_date",
        "continuing",
        "prior_usage_rate",
        "prior_top10_rank",
        "flags",
        "file",
        "prior_year",  # the project last year's record says it continues (history), to join years
        "prior_project_id",
        "prior_matched_by",
    )
    history = outcome.ctx.history
    rows = []
    for item in outcome.by_id():
        p = item.project
        prior = history.prior(p) if history is not None else None
        rows.append(
            (
                item.project_id,
                scrub(p.name),
                scrub(p.get("neighborhood") or ""),
                scrub(item.category),
                _amount(p.requested),
                item.approved,
                item.status,
                _amount(item.amount) if item.approved else None,
                p.start,
                p.end,
                p.get("continuing"),
                _rate(p.get("prior_usage_rate")),
                p.get("prior_top10_rank"),
                ";".join(item.flags),
                p.loc.file,
                prior.year if prior else None,
                prior.record.project_id if prior else None,
                prior.matched_by if prior else None,
            )
        )
    return columns, rows


def _budget(outcome: Outcome) -> Table:
    columns = ("project_id", "category", "category_text", "item", "unit_price", "quantity")
    columns += ("amount", "file", "sheet", "row")
    rows = [
        (
            line.project_id,
            line.category,
            scrub(line.category_text),
            scrub(line.item),
            _amount(line.unit_price),
            line.quantity,
            _amount(line.amount),
            line.loc.file,
            line.loc.sheet,
            line.loc.row,
        )
        for line in outcome.data.budget
    ]
    return columns, rows


def _members(outcome: Outcome) -> Table:
    columns = ("project_id", "name", "role", "is_resident", "is_social_worker", "file", "row")
    rows = [
        (
            m.project_id,
            mask_name(m.name),
            scrub(m.role),
            m.is_resident,
            m.is_social_worker,
            m.loc.file,
            m.loc.row,
        )
        for m in outcome.data.members
    ]
    return columns, rows


def _ledger(outcome: Outcome) -> Table:
    """Every ledger row; `eligible`/`excluded` for the rows counted as of as_of (None: dated later,
    or not a project's row)."""
    counted = {}
    for item in outcome.projects.values():
        for c in item.money.rows:
            counted[id(c.expense)] = c
    columns = ("project_id", "date", "category", "category_text", "description", "amount")
    columns += ("eligible", "excluded", "payee_role", "invoice_no", "file", "sheet", "row")
    rows = []
    for e in outcome.data.ledger:
        c = counted.get(id(e))
        rows.append(
            (
                e.project_id,
                e.date,
                e.category,
                scrub(e.category_text),
                scrub(e.description),
                _amount(e.amount),
                _amount(c.eligible) if c else None,
                _amount(c.amount - c.eligible) if c else None,
                scrub(e.payee_role),
                scrub(e.invoice_no),
                e.loc.file,
                e.loc.sheet,
                e.loc.row,
            )
        )
    return columns, rows


def _scores(outcome: Outcome) -> Table:
    """One row per score row; total is the one the ranking used (成都 sums its six criteria, with no
    总分 column), else the row's own 总分 (a row the ranking left out)."""
    columns = ("project_id", "round", "reviewer", "group", "total", "file", "sheet", "row")
    used = {
        (t.score.loc.file, t.score.loc.sheet, t.score.loc.row): t.total
        for ranking in (outcome.review, outcome.final)
        if ranking is not None
        for entry in ranking.entries
        for t in entry.totals
    }
    rows = [
        (
            s.project_id,
            s.round,
            scrub(s.reviewer),
            scrub(s.group),
            _rate(used.get((s.loc.file, s.loc.sheet, s.loc.row), s.total)),
            s.loc.file,
            s.loc.sheet,
            s.loc.row,
        )
        for s in outcome.data.scores
    ]
    return columns, rows


def _evaluations(outcome: Outcome) -> Table:
    columns = ("project_id", "midterm", "midterm_date", "final", "approved_amount", "approved_on")
    columns += ("satisfaction", "file", "sheet", "row")
    rows = [
        (
            r.project_id,
            r.midterm or None,
            r.midterm_date,
            r.final or None,
            _amount(r.approved_amount),
            r.approved_on,
            r.satisfaction,
            r.loc.file,
            r.loc.sheet,
            r.loc.row,
        )
        for r in outcome.data.evaluations
    ]
    return columns, rows


def _decisions(outcome: Outcome) -> Table:
    columns = ("project_id", "kind", "what", "reason", "by", "on", "document", "in_force")
    columns += ("file", "sheet", "row")
    rows = [
        (
            d.project_id,
            d.kind,
            scrub(d.what()),
            scrub(d.reason),
            scrub(d.by),
            d.on,
            scrub(d.document),
            outcome.decision_in_force(d),
            d.loc.file,
            d.loc.sheet,
            d.loc.row,
        )
        for d in sorted(outcome.decisions, key=lambda d: d.sort_key())
    ]
    return columns, rows


def _findings(outcome: Outcome) -> Table:
    columns = ("rule", "severity", "project_id", "file", "sheet", "cell", "row", "message")
    columns += ("clause",)
    rows = [
        (
            f.rule,
            f.severity.value,
            f.project_id,
            f.file,
            f.sheet,
            f.cell,
            f.row,
            scrub(f.message),
            f.clause,
        )
        for f in outcome.findings
    ]
    return columns, rows


def _disbursement(outcome: Outcome) -> Table:
    """One row per project: its money as of as_of."""
    columns = ("as_of", "project_id", "approved", "is_approved", "released", "withheld")
    columns += ("pending", "spent", "eligible_spent", "recoverable", "midterm_usage", "usage_rate")
    columns += ("execution_rate",)
    rows = []
    for item in outcome.by_id():
        m = item.money
        rows.append(
            (
                outcome.as_of,
                item.project_id,
                _amount(m.approved),
                m.listed,
                _amount(m.released),
                _amount(m.withheld),
                _amount(m.pending),
                _amount(m.spent),
                _amount(m.eligible_spent),
                _amount(m.recoverable),
                _rate(m.plan.midterm_usage),
                _rate(m.usage_rate),
                _rate(m.execution_rate),
            )
        )
    return columns, rows


def _ranking(outcome: Outcome) -> Table:
    """One row per ranked project and round (review, then the year-end round when ranked)."""
    columns = ("stage", "rank", "project_id", "reviewers", "score", "adjustment")
    columns += ("adjusted_score", "flags")
    rows = []
    for stage, ranking in (("review", outcome.review), ("final", outcome.final)):
        if ranking is None or not ranking.has_scores:
            continue
        for entry in ranking.entries:
            rows.append(
                (
                    stage,
                    entry.rank,
                    entry.project_id,
                    len(entry.totals),
                    _rate(entry.score),
                    sum((a.points for a in entry.adjustments), Decimal(0)),
                    _rate(entry.adjusted),
                    ";".join(entry.flags),
                )
            )
    return columns, rows


def frames(outcome: Outcome) -> dict[str, pandas.DataFrame]:
    """tables() as pandas DataFrames: amount, rate and score columns hold Decimal objects (object
    dtype, never float); whole-number columns without gaps are int64."""
    import pandas

    out = {}
    for name, (columns, rows) in tables(outcome).items():
        data = {}
        for i, column in enumerate(columns):
            values = [row[i] for row in rows]
            whole = values and all(type(v) is int for v in values)
            if column in DECIMAL_COLUMNS or not whole:
                data[column] = pandas.Series(values, dtype=object)
            else:
                data[column] = pandas.Series(values, dtype="int64")
        out[name] = pandas.DataFrame(data, columns=list(columns))
    return out


XLSX_NAME = "tables.xlsx"
FORMATS = ("csv", "xlsx")


def write_tables(outcome: Outcome, out_dir: Path | str, fmt: str = "csv") -> list[Path]:
    """csv: one `<table>.csv` per table (UTF-8 with BOM); xlsx: one `tables.xlsx`, a sheet per
    table. Returns the written paths."""
    out_dir = Path(out_dir)
    data = tables(outcome)
    if fmt == "csv":
        return [
            write_csv(
                out_dir / f"{name}.csv",
                columns,
                [dict(zip(columns, row, strict=True)) for row in rows],
            )
            for name, (columns, rows) in data.items()
        ]
    return [_write_xlsx(data, out_dir / XLSX_NAME, outcome)]


def _write_xlsx(data: dict[str, Table], path: Path, outcome: Outcome) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, (columns, rows) in data.items():
        ws = wb.create_sheet(name)
        for col, column in enumerate(columns, start=1):
            put(ws, 1, col, column).font = Font(bold=True)
        for r, row in enumerate(rows, start=2):
            for col, value in enumerate(row, start=1):
                shown = value.isoformat() if hasattr(value, "isoformat") else value
                put(ws, r, col, shown, _number_format(value))
        ws.freeze_panes = "A2"
    return save_workbook(lay_out(wb), path, outcome.as_of)


def _number_format(value: Any) -> str | None:
    if not isinstance(value, Decimal):
        return None
    places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
    return "0" if places <= 0 else "0." + "0" * places


__all__ = ["DECIMAL_COLUMNS", "FORMATS", "TABLES", "XLSX_NAME", "frames", "tables", "write_tables"]
