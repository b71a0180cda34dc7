"""The disbursement as a workbook a finance office can file: one sheet per view.

Amounts are numbers (exact decimals) formatted `#,##0.00`, rates are percentages, the header row
is frozen and every sheet ends with a 合计 row. Text from input cells goes through `safe.put`, so a
project named `=HYPERLINK(…)` stays text. Same payload and date: the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.report.safe import put, save_workbook, scrub
from selfgov_cli.report.xlsx_layout import lay_out

AMOUNT = "#,##0.00"
RATE = "0.00%"
DATE = "yyyy-mm-dd"
TOTAL = "合计"
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
    ("应收回", "amount", _key("recoverable")),
    ("使用率", "rate", _key("usage_rate")),
]

PROJECTS: list[Column] = [
    ("项目编号", "text", _key("project_id")),
    ("项目名称", "text", _key("name")),
    ("居民区", "text", _key("neighborhood")),
    *_MONEY_COLUMNS[:-1],
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
    ("规则", "text", lambda r: "、".join(x["rule"] for x in r.get("reasons", []) if x.get("rule"))),
    ("原因", "text", lambda r: "；".join(x["message"] for x in r.get("reasons", []))),
]

NEIGHBORHOODS: list[Column] = [
    ("居民区", "text", _key("neighborhood")),
    ("项目数", "int", _key("projects")),
    *_MONEY_COLUMNS,
]

_WIDTH = {"text": 16, "amount": 14, "rate": 10, "date": 12, "int": 8}
_WIDE = {"项目名称": 28, "原因": 60, "摘要": 24, "文件": 28, "依据": 16}


def _value(kind: str, raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if kind in ("amount", "rate"):
        return Decimal(str(raw))
    if kind == "date":
        return date.fromisoformat(raw)
    return raw


def _sheet(
    wb,
    title: str,
    columns: list[Column],
    rows: Iterable[dict[str, Any]],
    totals: dict[str, Any] | None,
):
    """One view: bold frozen header, data rows, then a 合计 row (sums, or the given totals)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    bold = Font(bold=True)
    for c, (header, kind, _) in enumerate(columns, 1):
        put(ws, 1, c, header).font = bold
        ws.column_dimensions[get_column_letter(c)].width = _WIDE.get(header, _WIDTH[kind])
    ws.freeze_panes = "A2"
    sums = [Decimal(0) if kind == "amount" else None for _, kind, _ in columns]
    r = 1
    for r, row in enumerate(rows, 2):
        for c, (_, kind, get) in enumerate(columns, 1):
            value = _value(kind, get(row))
            put(ws, r, c, value, _format(kind))
            if kind == "amount" and value is not None:
                sums[c - 1] += value
    total_row = r + 1
    put(ws, total_row, 1, TOTAL).font = bold
    for c, (_, kind, get) in enumerate(columns, 1):
        if c == 1:
            continue
        value = _value(kind, get(totals)) if totals is not None else sums[c - 1]
        if value is not None and kind in ("amount", "rate", "int"):
            put(ws, total_row, c, value, _format(kind)).font = bold
    return ws


def _format(kind: str) -> str | None:
    return {"amount": AMOUNT, "rate": RATE, "date": DATE}.get(kind)


def disbursement_workbook(payload: dict[str, Any]):
    """An openpyxl workbook of `Disbursement.to_dict()`."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    projects = payload["projects"]
    totals = payload["totals"]
    _sheet(wb, "项目拨付", PROJECTS, projects, totals)
    tranches = [
        {**t, "project_id": p["project_id"], "name": p["name"]}
        for p in projects
        for t in p["tranches"]
    ]
    _sheet(wb, "拨付批次", TRANCHES, tranches, None)
    categories = [{**c, "project_id": p["project_id"]} for p in projects for c in p["by_category"]]
    _sheet(wb, "支出类别", CATEGORIES, categories, None)
    _sheet(wb, "不合规支出", ROWS, [r for p in projects for r in p["ineligible"]], None)
    _sheet(wb, "未匹配台账", ROWS, payload.get("unmatched", []), None)
    _sheet(wb, "居民区汇总", NEIGHBORHOODS, payload["by_neighborhood"], totals)
    return lay_out(wb)


def write_disbursement(
    payload: dict[str, Any], path: Path | str, as_of: date | None = None
) -> Path:
    """Write the workbook atomically; byte-identical for the same payload and date."""
    when = as_of or date.fromisoformat(payload["as_of"])
    return save_workbook(disbursement_workbook(payload), path, when)


__all__ = ["disbursement_workbook", "write_disbursement"]
