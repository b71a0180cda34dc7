"""sgov disburse: what each project gets now, what it has used, what comes back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from selfgov_cli.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    AsOfOpt,
    FolderArg,
    NoCacheOpt,
    OutputOpt,
    ProgramOpt,
    QuietOpt,
    WorkersOpt,
    check_choice,
    check_output_or_fail,
    console,
    fail,
    outcome_or_fail,
    output_dir,
    parse_as_of,
    print_json,
    write_or_fail,
)
from selfgov_cli.cli.tables import Col, print_table

FORMATS = ("table", "json", "xlsx", "csv")
JSON_NAME = "disburse.json"
XLSX_NAME = "拨付核算.xlsx"


def disburse(
    folder: FolderArg = Path("."),
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="输出格式：table、json、xlsx 或 csv（xlsx、csv 写入输出文件夹；json 给了 -o 时也写入）",
        ),
    ] = "table",
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """拨付核算：每个项目的分期拨付（已拨付 / 暂缓 / 待定）、支出、使用率与可收回资金，并按居民区汇总。"""
    check_choice("--format", fmt, FORMATS)
    if output is not None and fmt == "table":
        fail("-o 只用于 --format json、xlsx 或 csv")
    when = parse_as_of(as_of)
    check_output_or_fail(folder, output)
    validation = outcome_or_fail(
        folder, program, when, no_cache=no_cache, workers=workers, quiet=quiet
    )
    payload = validation.disbursement.to_dict()
    if fmt in ("xlsx", "csv") or (fmt == "json" and output is not None):
        target = output_dir(folder, output)
        for path in _write_files(payload, fmt, target, when, validation.data, folder):
            console(quiet).print(f"已写入 {path}", markup=False, highlight=False)
    elif fmt == "json":
        print_json(payload)
    else:
        render_disbursement(console(quiet), payload, validation.errors)
    raise typer.Exit(EXIT_FINDINGS if validation.errors else EXIT_OK)


def _write_files(payload, fmt: str, target: Path, when, data, folder: Path) -> list[Path]:
    """Write the disbursement as json, xlsx or csv into the output folder; never over an input."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report import csv_tables

    names = {
        "json": [JSON_NAME],
        "xlsx": [XLSX_NAME],
        "csv": [csv_tables.DISBURSE_CSV, csv_tables.TRANCHES_CSV],
    }[fmt]
    inputs = {(folder / item.path).resolve() for item in data.files}
    for name in names:
        if (target / name).resolve() in inputs:
            fail(f"{target / name} 是文件夹中的输入文件，不能覆盖：请用 -o 另选输出文件夹")
    if fmt == "csv":
        return write_or_fail(lambda: csv_tables.write_disbursement(payload, target), target)
    path = target / names[0]
    if fmt == "xlsx":
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.disburse_xlsx import write_disbursement

        write_or_fail(lambda: write_disbursement(payload, path, when), path)
    else:
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.safe import atomic_write, json_chunks

        # written as built: a million ledger rows are never one string (privacy.Lazy rows)
        write_or_fail(lambda: atomic_write(path, json_chunks(payload)), path)
    return [path]


def _money(text: str | None) -> str:
    from decimal import Decimal

    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.money import fmt_yuan

    return "—" if text is None else fmt_yuan(Decimal(text))


def _rate(text: str | None) -> str:
    from decimal import Decimal

    return "—" if text is None else f"{Decimal(text) * 100:.2f}%"


def _listed(project: dict[str, Any]) -> str:
    """核定金额 as 拨付核算.xlsx lists it: the amount of a project in the approved set, 未立项 for
    one left out (its tranches still show what it would have been), so the column adds up to
    the 合计, which counts the approved set."""
    return _money(project["approved"]) if project.get("is_approved", True) else "未立项"


_STATUS = {"released": "已拨付", "withheld": "暂缓", "pending": "待定"}
PROJECT_COLUMNS = [
    Col("项目编号"),
    Col("居民区", text=True, min_width=8),
    Col("核定金额", "right"),
    Col("分期"),
    Col("已拨付", "right"),
    Col("合规支出", "right"),
    Col("不合规", "right"),
    Col("中期使用率", "right"),
    Col("使用率", "right"),
    Col("可收回", "right"),
]
HOOD_COLUMNS = [
    Col("居民区", text=True, min_width=8),
    *(
        Col(name, "right")
        for name in ("项目数", "核定金额", "已拨付", "暂缓", "待定", "合规支出", "可收回", "使用率")
    ),
]
ROW_COLUMNS = [
    Col("项目编号"),
    Col("位置", text=True, min_width=12),
    Col("日期"),
    Col("金额", "right"),
    Col("原因", text=True, min_width=16),
]


def render_disbursement(out, payload: dict[str, Any], errors: int = 0) -> None:
    """The disbursement on the terminal: per project, the reasons, problem rows, totals."""
    from rich.markup import escape

    out.print(
        escape(
            f"项目计划：{payload.get('program_name') or payload['program']}（{payload['program']}）  核算日期：{payload['as_of']}"
        )
    )
    projects = payload["projects"]
    if not projects:
        out.print("文件夹中没有申报项目，无可核算的拨付。")
    else:
        rows = [
            [
                escape(p["project_id"]),
                escape(p["neighborhood"] or ""),
                _listed(p),
                "\n".join(
                    f"{t['n']} {_STATUS[t['status']]} {_money(t['amount'])}" for t in p["tranches"]
                ),
                _money(p["released"]),
                _money(p["eligible_spent"]),
                _money(p["ineligible_spent"]),
                _rate(p["midterm_usage"]),
                _rate(p["usage_rate"]),
                _money(p["recoverable"]),
            ]
            for p in projects
        ]
        print_table(out, "分期拨付与使用", PROJECT_COLUMNS, rows)
    notes = [
        f"{p['project_id']} 第{t['n']}笔{_STATUS[t['status']]}：{t['reason']}（{t['clause']}）"
        for p in projects
        for t in p["tranches"]
        if t.get("reason")  # a released tranche has one only when a 人工认定 released it
    ]
    notes += [
        f"{p['project_id']} 超支 {_money(p['overdraw'])} 元"
        for p in projects
        if p["overdraw"] != "0.00"
    ]
    notes += [f"{p['project_id']} 没有台账记录" for p in projects if not p["ledger_rows"]]
    if notes:
        out.print("说明：")
        for line in notes:
            out.print(escape(f"  {line}"))
    rows = [r for p in projects for r in p["ineligible"]]
    _rows_table(out, "不计入合规支出的台账行", rows)
    _rows_table(out, "项目编号没有对应申报的台账行（未计入任何项目）", payload.get("unmatched", []))
    hoods = [
        [
            escape(h["neighborhood"]),
            str(h["projects"]),
            _money(h["approved"]),
            _money(h["released"]),
            _money(h["withheld"]),
            _money(h["pending"]),
            _money(h["eligible_spent"]),
            _money(h["recoverable"]),
            _rate(h["usage_rate"]),
        ]
        for h in [*payload["by_neighborhood"], {"neighborhood": "合计", **payload["totals"]}]
    ]
    if projects:
        print_table(out, "按居民区汇总", HOOD_COLUMNS, hoods)
    if errors:
        out.print(
            f"文件夹中有 {errors} 个错误：运行 sgov validate 查看并改正（有错误的台账行不计入合规支出）。"
        )


def _rows_table(out, title: str, rows: list[dict[str, Any]]) -> None:
    from rich.markup import escape

    if not rows:
        return
    table = []
    for r in rows:
        place = f"{r['file']} {r['sheet']} {r['cell'] or ('第' + str(r['row']) + '行')}"
        reasons = "；".join(
            f"{x['rule'] + ' ' if x['rule'] else ''}{x['message']}" for x in r["reasons"]
        )
        table.append(
            [
                escape(r["project_id"] or ""),
                escape(place),
                r["date"] or "—",
                _money(r["amount"]),
                escape(reasons),
            ]
        )
    print_table(out, title, ROW_COLUMNS, table)
