"""The disbursement as a workbook a finance office can file: one sheet per view.

Amounts are numbers (exact decimals) formatted `#,##0.00`, rates are percentages, the header row
is frozen and every sheet ends with a 合计 row. Text from input cells goes through `safe.put`, so a
project named `=HYPERLINK(…)` stays text. Same payload and date: the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.report.copy_store import writer_digest
from selfgov_cli.report.safe import scrub
from selfgov_cli.report.xlsx_fast import Cell, Sheet, cell_of, reference_workbook, write_sheets

AMOUNT = "#,##0.00"
RATE = "0.00%"
DATE = "yyyy-mm-dd"
TOTAL = "合计"
EXCEL_ROWS = 1_048_576  # the rows of one Excel worksheet: a view with more is cut there
STATUS = {"released": "已拨付", "withheld": "暂缓拨付", "pending": "待定"}
GATE = {"approval": "立项", "midterm": "中期评估", "final": "末期评估"}

# A column: (header, kind, getter). kind: text, amount, rate, date, int.
Column = tuple[str, str, Callable[[dict[str, Any]], Any]]


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row.get(name)


_MONEY_COLUMNS: list[Column] = [
    ("核定金额", "amount", _key("approved")),
    ("已拨付", "amount", _key("released")),
    ("暂缓拨付", "amount", _key("withheld")),
    ("待定", "amount", _key("pending")),
    ("已支出", "amount", _key("spent")),
    ("合规支出", "amount", _key("eligible_spent")),
    ("不合规支出", "amount", _key("ineligible_spent")),
    ("超支", "amount", _key("overdraw")),
    ("可收回", "amount", _key("recoverable")),
    ("使用率", "rate", _key("usage_rate")),
]


def _listed_amount(row: dict[str, Any]) -> Any:
    """核定金额 of a project in the approved set; none for one left out (its amount is in 拨付批次
    and disburse.json): the 合计 is then the summary's 核定金额 (通过项目)."""
    return row.get("approved") if row.get("is_approved", True) else None


PROJECTS: list[Column] = [
    ("项目编号", "text", _key("project_id")),
    ("项目名称", "text", _key("name")),
    ("居民区", "text", _key("neighborhood")),
    ("立项", "text", lambda r: "通过" if r.get("is_approved", True) else "未立项"),
    ("未立项原因", "text", _key("not_approved_reason")),
    ("核定金额", "amount", _listed_amount),
    *_MONEY_COLUMNS[1:-1],
    ("中期使用率", "rate", _key("midterm_usage")),
    ("使用率", "rate", _key("usage_rate")),
    ("结束日期", "date", _key("end_date")),
    ("台账笔数", "int", _key("ledger_rows")),
]

TRANCHES: list[Column] = [
    ("项目编号", "text", _key("project_id")),
    ("项目名称", "text", _key("name")),
    ("批次", "int", _key("n")),
    ("比例", "rate", _key("share")),
    ("金额", "amount", _key("amount")),
    ("拨付条件", "text", lambda r: GATE.get(r.get("gate"), r.get("gate"))),
    ("状态", "text", lambda r: STATUS.get(r.get("status"), r.get("status"))),
    ("原因", "text", _key("reason")),
    ("依据", "text", _key("clause")),
]

CATEGORIES: list[Column] = [
    ("项目编号", "text", _key("project_id")),
    ("支出类别", "text", _key("name")),
    ("预算", "amount", _key("budget")),
    ("已支出", "amount", _key("spent")),
    ("合规支出", "amount", _key("eligible_spent")),
    ("超出预算", "amount", _key("over_budget")),
]

ROWS: list[Column] = [
    ("项目编号", "text", _key("project_id")),
    ("文件", "text", _key("file")),
    ("工作表", "text", _key("sheet")),
    ("行", "int", _key("row")),
    ("日期", "date", _key("date")),
    ("支出类别", "text", _key("category")),
    ("摘要", "text", lambda r: scrub(r.get("description") or "")),
    ("金额", "amount", _key("amount")),
    ("计入", "amount", _key("eligible")),  # a row over a cap or the released funds counts in part
    ("不计入", "amount", _key("excluded")),
    ("规则", "text", lambda r: "、".join(x["rule"] for x in r.get("reasons", []) if x.get("rule"))),
    ("原因", "text", lambda r: "；".join(x["message"] for x in r.get("reasons", []))),
]

NEIGHBORHOODS: list[Column] = [
    ("居民区", "text", _key("neighborhood")),
    ("项目数", "int", _key("projects")),
    ("通过项目数", "int", _key("approved_projects")),  # whose 核定金额 the total counts
    *_MONEY_COLUMNS,
]


def _value(kind: str, raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if kind in ("amount", "rate"):
        return Decimal(str(raw))
    if kind == "date":
        return date.fromisoformat(raw)
    return raw


_PLAIN_KINDS = frozenset({"amount", "rate", "date"})


class _Grid:
    """One view as rows of cells: bold header, data rows, then a 合计 row (sums, or the given
    totals). Each row is built as it is reached, every time the grid is iterated (xlsx_fast reads
    it once; the openpyxl fallback once more): a million ledger rows are never held as cells."""

    def __init__(
        self,
        columns: list[Column],
        rows: Callable[[], Iterable[dict[str, Any]]],
        totals: dict[str, Any] | None,
    ) -> None:
        self.columns, self.rows, self.totals = columns, rows, totals

    def __iter__(self) -> Iterator[list[Cell | None]]:
        columns, totals = self.columns, self.totals
        yield [cell_of(h, None, True) for h, _, _ in columns]
        kinds = [(kind, get, _format(kind)) for _, kind, get in columns]
        # one Cell per text a column repeats (项目编号, dates and amounts as the payload writes
        # them, messages): made once, then looked up
        made = [(get, {}, _maker(kind, fmt)) for kind, get, fmt in kinds]
        amounts = [c for c, (kind, _, _) in enumerate(kinds) if kind == "amount"]
        sums = [Decimal(0) if kind == "amount" else None for _, kind, _ in columns]
        room, unlisted = EXCEL_ROWS - 3, 0  # the header, the note and the 合计 row
        for row in self.rows():
            if room <= 0:  # past Excel's rows: still summed, not listed
                unlisted += 1
                for c in amounts:
                    value = _value("amount", columns[c][2](row))
                    if value is not None:
                        sums[c] += value
                continue
            room -= 1
            line: list[Cell | None] = []
            for get, memo, make in made:
                raw = get(row)
                if type(raw) is str:
                    cell = memo.get(raw)
                    if cell is None:
                        if len(memo) >= _MEMO:
                            memo.clear()
                        cell = memo[raw] = make(raw)
                    line.append(cell)
                else:
                    line.append(make(raw))
            for c in amounts:
                value = line[c].value
                if value is not None:
                    sums[c] += value
            yield line
        if unlisted:
            yield [
                cell_of(
                    f"另有 {unlisted:,} 行未列出：超过 Excel 一张工作表 {EXCEL_ROWS:,} 行的上限，"
                    "全部见 disburse.json（合计含这些行）",
                    None,
                    True,
                )
            ]
        total: list[Cell | None] = [cell_of(TOTAL, None, True)]
        for c, (kind, get, fmt) in enumerate(kinds):
            if c == 0:
                continue
            value = _value(kind, get(totals)) if totals is not None else sums[c]
            if value is not None and kind in ("amount", "rate", "int"):
                total.append(cell_of(value, fmt, True))
            else:
                total.append(None)
        yield total


_MEMO = 50_000  # texts remembered per column (a million distinct 摘要 are not all kept)


def _maker(kind: str, fmt: str | None) -> Callable[[Any], Cell]:
    """The cell of a raw payload value in a column of this kind."""
    if kind in _PLAIN_KINDS:  # a Decimal, a date or None: nothing to mask or to quote
        return lambda raw: Cell(_value(kind, raw), fmt)
    return lambda raw: cell_of(_value(kind, raw), fmt)


def _format(kind: str) -> str | None:
    return {"amount": AMOUNT, "rate": RATE, "date": DATE}.get(kind)


def _sheets(payload: dict[str, Any]) -> list[Sheet]:
    """The six views; the per-row ones (不合规支出, 未匹配台账) read the payload's lists as they go
    (a privacy.Lazy list builds each row's dict when reached)."""
    projects = payload["projects"]
    totals = payload["totals"]

    def tranches() -> Iterator[dict[str, Any]]:
        for p in projects:
            for t in p["tranches"]:
                yield {**t, "project_id": p["project_id"], "name": p["name"]}

    def categories() -> Iterator[dict[str, Any]]:
        for p in projects:
            for c in p["by_category"]:
                yield {**c, "project_id": p["project_id"]}

    def ineligible() -> Iterator[dict[str, Any]]:
        for p in projects:
            yield from p["ineligible"]

    return [
        Sheet("项目拨付", _Grid(PROJECTS, lambda: projects, totals)),
        Sheet("拨付批次", _Grid(TRANCHES, tranches, None)),
        Sheet("支出类别", _Grid(CATEGORIES, categories, None)),
        Sheet("不合规支出", _Grid(ROWS, ineligible, None)),
        Sheet("未匹配台账", _Grid(ROWS, lambda: payload.get("unmatched", []), None)),
        Sheet("居民区汇总", _Grid(NEIGHBORHOODS, lambda: payload["by_neighborhood"], totals)),
    ]


def disbursement_workbook(payload: dict[str, Any]):
    """An openpyxl workbook of `Disbursement.to_dict()` (what `write_disbursement` writes, through
    openpyxl: the reference of the direct writer, and its fallback)."""
    return reference_workbook(_sheets(payload))


def writer_code() -> str:
    """The code that writes 拨付核算.xlsx from its payload (``sgov run`` reuses the workbook when
    disburse.json did not change)."""
    return writer_digest(
        "disburse_xlsx",
        "report/disburse_xlsx.py",
        "report/xlsx_fast.py",
        "report/xlsx_layout.py",
        "report/safe.py",
        "privacy.py",
    )


def write_disbursement(
    payload: dict[str, Any], path: Path | str, as_of: date | None = None
) -> Path:
    """Write the workbook atomically; byte-identical for the same payload and date.

    Written as XML directly and streamed (`xlsx_fast.save_xlsx`: about 10x faster than openpyxl
    on 100,000 cells, and the rows are never all held); a value that writer does not know (none
    today) sends the whole workbook through openpyxl."""
    return write_sheets(_sheets(payload), path, as_of or date.fromisoformat(payload["as_of"]))


__all__ = ["disbursement_workbook", "write_disbursement", "writer_code"]
