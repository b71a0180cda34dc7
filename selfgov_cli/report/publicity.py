"""The publicity list (公示名单): notice, period, the projects that pass, the issuing office.

Public output: leaders' names are masked, phone and identity numbers never appear.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.money import ZERO, fen, fmt_yuan
from selfgov_cli.outcome import CANCELLED, GREEN_CHANNEL, Outcome, ProjectOutcome
from selfgov_cli.privacy import Public
from selfgov_cli.report.common import calendar_warning, cn_date, score_text, working_days
from selfgov_cli.report.copy_store import (
    CopyStore,
    openpyxl_stamp,
    reuse_output,
    writer_digest,
)
from selfgov_cli.report.env import render_template, template_code
from selfgov_cli.report.safe import atomic_write, mask_name, put, save_workbook, scrub
from selfgov_cli.report.xlsx_layout import lay_out, text_width

FILE_STEM = "公示名单"


def project_row(n: int, item: ProjectOutcome, label=str) -> dict[str, Any]:
    """The public facts of one approved project; text from cells is scrubbed, the leader masked;
    label: how the list names a category (Program.category_label)."""
    project = item.project
    entry = item.entry
    score_value = None  # the score as the xlsx writes it: a number, shown as the text is
    if item.status == GREEN_CHANNEL:
        score = "免审（上年十佳）"
    else:
        score = score_text(entry.adjusted) if entry is not None else ""
        if entry is not None and entry.adjusted is not None:
            score_value = fen(entry.adjusted)
    return {
        "n": n,
        "project_id": scrub(item.project_id),
        "name": scrub(project.name),
        "neighborhood": scrub(project.get("neighborhood") or ""),
        "category": scrub(label(item.category)),
        "leader": mask_name(project.get("leader") or ""),
        "amount_value": item.amount if item.approval.amount is not None else None,
        "amount": fmt_yuan(item.amount) if item.approval.amount is not None else "—",
        "approved": item.approval.source == "核定金额",
        "score": score,
        "score_value": score_value,
        "rank": entry.rank if entry is not None else None,
    }


def period_warning(outcome: Outcome) -> str | None:
    """The warning when the publicity period runs into a year the holiday calendar does not know
    (None otherwise). Said on the terminal and in run.log: the md and xlsx lists are published as
    they are and cannot carry it (the html shows it on screen only)."""
    _, first, last = _period(outcome)
    return calendar_warning(first, last)


def _period(outcome: Outcome) -> tuple[int, date, date]:
    """The publicity period: its working days (publicity_days), first and last day."""
    days = int(outcome.ctx.setting("publicity_days") or 5)
    return (days, *working_days(outcome.as_of, days))


def publicity_data(outcome: Outcome) -> dict[str, Any]:
    """Everything the publicity templates and the xlsx writer show, already masked and formatted:
    exactly the outcome's approved projects (cli.md "What the publicity list holds")."""
    config = outcome.config
    program = config.program
    as_of = outcome.as_of
    label = outcome.config.program.category_label
    rows = [project_row(n, item, label) for n, item in enumerate(outcome.approved(), start=1)]
    ranked = outcome.ranked
    office = config.office.strip()
    title = (
        f"{office}关于{config.title}拟立项项目的公示" if office else f"{config.title}拟立项项目公示"
    )
    days, first, last = _period(outcome)
    if all(r["approved"] for r in rows):  # no row at all: no table, the label is never shown
        amount_label = "核定金额（元）"
    elif not any(r["approved"] for r in rows):
        amount_label = "申请金额（元）"
    else:
        amount_label = "金额（元）"
    total = sum((r["amount_value"] or ZERO for r in rows), Decimal(0))
    steps = f"经居民区申报、{program.authority}审核" + ("、评审打分" if ranked else "")
    if rows:
        notice = [
            f"根据{program.document}的有关规定，{steps}，现将拟立项的 {len(rows)} 个项目予以公示。",
            f"公示期为{cn_date(first)}至{cn_date(last)}（{days}个工作日）。",
            _objection(
                office or program.authority,
                config.office_phone.strip(),
                config.office_address.strip(),
            ),
        ]
    else:  # nothing to publicise: no period, no objection channel, no empty table (templates)
        notice = [f"根据{program.document}的有关规定，{steps}，本次没有拟立项的项目。"]
    if amount_label == "金额（元）":
        notice.append("尚未核定金额的项目列示申请金额。")
    withdrawn = [p for p in outcome.by_id() if p.status == CANCELLED]
    if withdrawn:
        names = "、".join(f"{scrub(p.project_id)} {scrub(p.project.name)}" for p in withdrawn)
        notice.append(f"经公示期间异议核实，以下项目取消立项，不再列入：{names}。")
    return {
        "title": title,
        "office": office,
        "office_phone": Public(config.office_phone.strip()),
        "office_address": config.office_address.strip(),
        "program": {"id": program.id, "name": program.name, "document": program.document},
        "year": config.program_year,
        "as_of": as_of.isoformat(),
        "date_text": cn_date(as_of),
        "period": {"days": days, "first": cn_date(first), "last": cn_date(last)},
        "calendar_warning": calendar_warning(first, last),
        "notice": notice,
        "ranked": ranked,
        "amount_label": amount_label,
        "columns": ["序号", "居民区", "项目编号", "项目名称", "类别", "负责人", amount_label]
        + (["得分"] if ranked else []),
        "rows": rows,
        "count": len(rows),
        "total": fmt_yuan(total),
        "total_value": total,
    }


def _objection(whom: str, phone: str, address: str) -> str:
    parts = [f"公示期间，如对公示项目有异议，请向{whom}书面或当面反映"]
    if phone:
        parts.append(f"联系电话：{phone}")
    if address:
        parts.append(f"地址：{address}")
    return Public("，".join(parts) + "。")  # the office's own number stays readable


def render_publicity(
    outcome: Outcome,
    out_dir: Path | str,
    fmt: str,
    templates: Path | str | None = None,
    store: CopyStore | None = None,
    data: dict[str, Any] | None = None,
) -> list[Path]:
    """Write the publicity list in one format (html, md or xlsx); returns the written paths.

    store: `sgov run`'s store of outputs: the workbook, a function of the list's data, the date
    and its writer, is copied from it when those are unchanged (report/copy_store.py).
    data: publicity_data(outcome) when the caller writes several formats (built once)."""
    as_of = outcome.as_of
    data = data if data is not None else publicity_data(outcome)
    target = Path(out_dir) / f"{FILE_STEM}.{fmt}"
    if fmt == "xlsx":
        code = _writer_code()

        def write() -> Path:
            return save_workbook(publicity_workbook(data), target, as_of)

    else:
        name, folder = f"publicity.{fmt}.j2", outcome.config.folder
        code = template_code(name, templates, folder)

        def write() -> Path:
            return atomic_write(target, render_template(name, data, templates, folder))

    return [reuse_output(store, code, as_of, data, target, write)]


AMOUNT_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"
# 居民区, 项目名称, 类别 wrap beyond these widths, so a 40-character name does not shrink the
# portrait A4 print (fitted to the page width) of the whole list
WRAPPED_WIDTHS = {"B": 20, "D": 30, "E": 14}


def _writer_code() -> str:
    return writer_digest(
        f"publicity {openpyxl_stamp()}",
        "report/publicity.py",
        "report/xlsx_layout.py",
        "report/safe.py",
        "privacy.py",
    )


def publicity_workbook(data: dict[str, Any]):
    """The publicity list as an A4 printable sheet: title, notice, table with repeated header, foot."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "公示名单"
    columns = data["columns"]
    width = len(columns)
    wrap = Alignment(wrap_text=True, vertical="top")
    put(ws, 1, 1, data["title"]).font = Font(size=16, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[1].height = 42
    row = 2
    for paragraph in data["notice"]:
        put(ws, row, 1, paragraph).alignment = wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = 32
        row += 1
    header_row = row + 1
    foot = row - 1  # with no project: no table, no 合计 line, the office right under the notice
    if data["rows"]:
        foot = _table(ws, data, header_row) + 2
        put(ws, foot, 1, f"合计：{data['count']} 个项目，金额 {data['total']} 元。")
        ws.merge_cells(start_row=foot, start_column=1, end_row=foot, end_column=width)
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for offset, text in enumerate((data["office"], data["date_text"]), start=2):
        if text:
            cell = put(ws, foot + offset, 1, text)
            cell.alignment = Alignment(horizontal="right")
            ws.merge_cells(
                start_row=foot + offset, start_column=1, end_row=foot + offset, end_column=width
            )
    widths = [6, 14, 16, 30, 12, 10, 16, 9]
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.print_options.horizontalCentered = True
    lay_out(wb)
    for letter, most in WRAPPED_WIDTHS.items():  # wrapped text: a long name takes lines, not width
        dimension = ws.column_dimensions[letter]
        dimension.width = min(dimension.width or most, most)
    # merged rows never grow with their text in Excel: as many lines as the text takes across the
    # table's width (narrow when the names are short), so no notice is cut off in print
    across = sum(
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, width + 1)
    )
    ws.row_dimensions[1].height = max(42, 21 * _lines(data["title"], across * 11 / 16))
    for r, paragraph in enumerate(data["notice"], start=2):
        ws.row_dimensions[r].height = max(32, 16 * _lines(paragraph, across))
    return wb


def _lines(text: str, across: float) -> int:
    """The lines a wrapped text takes in a merged row `across` characters wide (CJK count two)."""
    return max(1, -(-text_width(text) // max(1, int(across) - 2)))


def _table(ws, data: dict[str, Any], header_row: int) -> int:
    """The header and one row per project from header_row on; returns the last row written."""
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, name in enumerate(data["columns"], start=1):
        cell = put(ws, header_row, col, name)
        cell.font = Font(bold=True)
        cell.border = box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    keys = ["n", "neighborhood", "project_id", "name", "category", "leader", "amount_value"]
    if data["ranked"]:
        keys.append("score")
    r = header_row
    for r, item in enumerate(data["rows"], start=header_row + 1):
        for col, key in enumerate(keys, start=1):
            value = item[key]
            fmt = AMOUNT_FORMAT if key == "amount_value" else None
            if key == "score" and item["score_value"] is not None:
                value, fmt = item["score_value"], SCORE_FORMAT
            cell = put(ws, r, col, value, fmt)
            cell.border = box
            cell.alignment = Alignment(
                vertical="top", wrap_text=key in ("name", "neighborhood", "category")
            )
    return r
