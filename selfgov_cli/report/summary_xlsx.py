"""The summary report as a workbook: one sheet per table, native Excel bar charts beside the data."""

from __future__ import annotations

from typing import Any

from selfgov_cli.report.safe import put
from selfgov_cli.report.xlsx_layout import lay_out

AMOUNT = "#,##0.00"
RATE = "0.00%"
SCORE = "0.0000"


def _sheet(
    wb, title: str, header: list[str], rows: list[list[Any]], formats: dict[int, str] | None = None
):
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    formats = formats or {}
    for col, name in enumerate(header, start=1):
        put(ws, 1, col, name).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = max(10, 2 * len(name) + 4)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            put(ws, r, col, value, formats.get(col))
    ws.freeze_panes = "A2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def _bar(ws, title: str, data_cols: list[int], rows: int, anchor: str, y_title: str) -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"  # horizontal: long Chinese labels stay readable
    chart.title = title
    chart.y_axis.title = y_title
    chart.height = max(7.5, 0.9 * rows + 3)
    chart.width = 18
    for col in data_cols:
        chart.add_data(
            Reference(ws, min_col=col, min_row=1, max_row=rows + 1), titles_from_data=True
        )
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=rows + 1))
    ws.add_chart(chart, anchor)


def summary_workbook(data: dict[str, Any]):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    put(ws, 1, 1, data["title"]).font = Font(size=14, bold=True)
    put(ws, 2, 1, f"{data['program']['document']}　统计日期：{data['date_text']}")
    for r, item in enumerate(data["headline"], start=4):
        put(ws, r, 1, item["label"]).font = Font(bold=True)
        if item["value"] is None:
            put(ws, r, 2, item["text"])
        else:
            put(ws, r, 2, item["value"], item["format"])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 48

    money = data["has_money"]
    amount_cols = ["申请金额", "核定金额"] + (
        ["已拨付", "已支出", "合规支出", "使用率", "执行率", "可收回"] if money else []
    )

    def table_rows(rows):
        out = []
        for r in rows:
            line = [r["name"], r["projects"], r["passing"], r["requested"], r["approved"]]
            if money:
                line += [
                    r["released"],
                    r["spent"],
                    r["eligible_spent"],
                    r["usage_rate"],
                    r["execution_rate"],
                    r["recoverable"],
                ]
            out.append(line)
        return out

    formats = {4: AMOUNT, 5: AMOUNT, 6: AMOUNT, 7: AMOUNT, 8: AMOUNT, 9: RATE, 10: RATE, 11: AMOUNT}
    hood_rows = table_rows(data["by_neighborhood"])
    hoods = _sheet(
        wb,
        "按居民区",
        ["居民区", "申报", "通过", *amount_cols],
        hood_rows + table_rows([data["total"]]),
        formats,
    )
    if money and hood_rows:
        _bar(hoods, "各居民区已拨付与已支出（元）", [6, 7], len(hood_rows), "K2", "元")
    _sheet(
        wb,
        "按类别",
        ["项目类别", "申报", "通过", *amount_cols],
        table_rows(data["by_category"]),
        formats,
    )
    if money:
        spending = _sheet(
            wb,
            "支出类别",
            ["支出类别", "已支出"],
            [[r["name"], r["spent"]] for r in data["spending"]],
            {2: AMOUNT},
        )
        if data["spending"]:
            _bar(spending, "按支出类别的支出（元）", [2], len(data["spending"]), "D2", "元")
        usage = _sheet(
            wb,
            "使用率分布",
            ["使用率（合规支出 ÷ 已拨付）", "项目数"],
            [[r["label"], r["count"]] for r in data["usage"]],
        )
        _bar(usage, "使用率分布（项目数）", [2], len(data["usage"]), "D2", "项目数")
    if data["ranked"]:
        _sheet(
            wb,
            f"评审排名（{data['ranking_round']}）",
            [
                "名次",
                "项目编号",
                "项目名称",
                "居民区",
                "评审人数",
                "平均分",
                "调整后得分",
                "加减分",
                "标记",
            ],
            [
                [
                    r["rank"],
                    r["project_id"],
                    r["name"],
                    r["neighborhood"],
                    r["reviewers"],
                    _num(r["score"]),
                    _num(r["adjusted_score"]),
                    r["adjustments"],
                    r["flags"],
                ]
                for r in data["ranking"]
            ],
            {6: "0.00", 7: "0.00"},
        )
    if data.get("years"):
        _years_sheets(wb, data["years"])
    if data["not_approved"]:
        _sheet(
            wb,
            "未通过的项目",
            ["项目编号", "项目名称", "居民区", "结论", "原因"],
            [
                [r["project_id"], r["name"], r["neighborhood"], r["status"], r["reason"]]
                for r in data["not_approved"]
            ],
        )
    _sheet(
        wb,
        "问题统计",
        ["规则", "级别", "检查内容", "依据", "问题数", "涉及项目"],
        [
            [r["rule"], r["severity_label"], r["title"], r["clause"], r["count"], r["projects"]]
            for r in data["findings"]
        ]
        or [["未发现问题。"]],  # as the md and html say, not a table with no row
    )
    if data["decisions"]:
        _sheet(
            wb,
            "人工认定",
            ["项目编号", "认定事项", "理由", "认定人", "认定日期", "依据文件", "状态"],
            [
                [d["project_id"], d["what"], d["reason"], d["by"], d["on_text"], d["document"]]
                + [d["status"]]
                for d in data["decisions"]
            ],
        )
    return lay_out(wb)


def _years_sheets(wb, years: dict[str, Any]) -> None:
    """年度对比: one sheet per 居民区 and per category, last year beside this year, with a chart of
    合规支出 by year."""
    last, this = years["last"], years["this"]
    header = []
    for year in (last, this):
        header += [f"{year}年申报", f"{year}年通过", f"{year}年核定金额", f"{year}年合规支出"]
        header.append(f"{year}年执行率")
    formats = {4: AMOUNT, 5: AMOUNT, 6: RATE, 9: AMOUNT, 10: AMOUNT, 11: RATE}
    for key, title, label in (
        ("by_neighborhood", "年度对比（居民区）", "居民区"),
        ("by_category", "年度对比（类别）", "项目类别"),
    ):
        rows = []
        for r in years[key]:
            line = [r["name"]]
            for side in (r["last"], r["this"]):
                line += [
                    side["projects"],
                    side["passing"],
                    side["approved"],
                    side["eligible_spent"],
                    side["execution_rate"],
                ]
            rows.append(line)
        ws = _sheet(wb, title, [label, *header], rows, formats)
        if rows:
            _bar(ws, f"{label}合规支出：{last}年与{this}年（元）", [5, 10], len(rows), "M2", "元")


def _num(text: str):
    from decimal import Decimal

    return Decimal(text) if text else None
