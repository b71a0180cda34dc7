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
    ProgramOpt,
    QuietOpt,
    WorkersOpt,
    check_choice,
    check_output_or_fail,
    console,
    fail,
    load_or_fail,
    parse_as_of,
    print_json,
)

FORMATS = ("table", "json", "xlsx")


def disburse(
    folder: FolderArg = Path("."),
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="输出格式：table、json 或 xlsx（xlsx 须用 -o 指定文件）"
        ),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入的文件（json 或 xlsx）", show_default=False),
    ] = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """拨付核算：每个项目的分期拨付（已拨付 / 暂缓 / 待定）、支出、使用率与应收回资金，并按居民区汇总。"""
    from selfgov_cli.disburse import disburse as compute
    from selfgov_cli.validate import validate as run

    check_choice("--format", fmt, FORMATS)
    if fmt == "xlsx" and output is None:
        fail("--format xlsx 需要用 -o 指定输出文件，如 -o 拨付核算.xlsx")
    when = parse_as_of(as_of)
    check_output_or_fail(folder, output)
    loaded = load_or_fail(folder, program, no_cache=no_cache, workers=workers)
    if output is not None:
        _check_output(folder, output, loaded[1])
    validation = run(folder, as_of=when, loaded=loaded)
    result = compute(validation, when)
    payload = result.to_dict()
    if fmt == "xlsx":
        from selfgov_cli.report.disburse_xlsx import write_disbursement

        _write(lambda: write_disbursement(payload, output, when), output)
        console(quiet).print(f"已写入 {output}", markup=False, highlight=False)
    elif fmt == "json":
        if output is None:
            print_json(payload)
        else:
            from selfgov_cli.report.safe import atomic_write, json_text

            _write(lambda: atomic_write(output, json_text(payload)), output)
    else:
        render_disbursement(console(quiet), payload, validation.errors)
    raise typer.Exit(EXIT_FINDINGS if validation.errors else EXIT_OK)


def _check_output(folder: Path, output: Path, data) -> None:
    """Never write over an input workbook; the output's folder must exist."""
    target = output.resolve()
    if any((folder / item.path).resolve() == target for item in data.files):
        fail(f"-o {output} 是文件夹中的输入文件，不能覆盖：请换一个文件名")
    if not target.parent.is_dir():
        fail(f"-o 的目录不存在：{output.parent}")


def _write(action, output: Path) -> None:
    try:
        action()
    except OSError as exc:
        from selfgov_cli.report.safe import os_error_text

        fail(f"无法写入 {output}：{os_error_text(exc)}；原有文件保持不变")


def _money(text: str | None) -> str:
    from decimal import Decimal

    from selfgov_cli.money import fmt_yuan

    return "—" if text is None else fmt_yuan(Decimal(text))


def _rate(text: str | None) -> str:
    from decimal import Decimal

    return "—" if text is None else f"{Decimal(text) * 100:.2f}%"


_STATUS = {"released": "已拨付", "withheld": "暂缓", "pending": "待定"}


def render_disbursement(out, payload: dict[str, Any], errors: int = 0) -> None:
    """The disbursement on the terminal: per project, the reasons, problem rows, totals."""
    from rich.markup import escape
    from rich.table import Table

    out.print(
        escape(
            f"项目计划：{payload.get('program_name') or payload['program']}（{payload['program']}）  核算日期：{payload['as_of']}"
        )
    )
    projects = payload["projects"]
    if not projects:
        out.print("文件夹中没有申报项目，无可核算的拨付。")
    else:
        table = Table(title="分期拨付与使用", title_justify="left")
        for name, justify in (
            ("项目编号", "left"),
            ("居民区", "left"),
            ("核定金额", "right"),
            ("分期", "left"),
            ("已拨付", "right"),
            ("合规支出", "right"),
            ("不合规", "right"),
            ("中期使用率", "right"),
            ("使用率", "right"),
            ("应收回", "right"),
        ):
            table.add_column(name, justify=justify, overflow="fold", no_wrap=name != "居民区")
        for p in projects:
            tranches = "\n".join(
                f"{t['n']} {_STATUS[t['status']]} {_money(t['amount'])}" for t in p["tranches"]
            )
            table.add_row(
                escape(p["project_id"]),
                escape(p["neighborhood"] or ""),
                _money(p["approved"]),
                tranches,
                _money(p["released"]),
                _money(p["eligible_spent"]),
                _money(p["ineligible_spent"]),
                _rate(p["midterm_usage"]),
                _rate(p["usage_rate"]),
                _money(p["recoverable"]),
            )
        out.print(table)
    notes = [
        f"{p['project_id']} 第{t['n']}笔{_STATUS[t['status']]}：{t['reason']}（{t['clause']}）"
        for p in projects
        for t in p["tranches"]
        if t["status"] != "released" and t.get("reason")
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
    hoods = Table(title="按居民区汇总", title_justify="left")
    for name in (
        "居民区",
        "项目数",
        "核定金额",
        "已拨付",
        "暂缓",
        "待定",
        "合规支出",
        "应收回",
        "使用率",
    ):
        hoods.add_column(name, justify="left" if name == "居民区" else "right")
    for h in [*payload["by_neighborhood"], {"neighborhood": "合计", **payload["totals"]}]:
        hoods.add_row(
            escape(h["neighborhood"]),
            str(h["projects"]),
            _money(h["approved"]),
            _money(h["released"]),
            _money(h["withheld"]),
            _money(h["pending"]),
            _money(h["eligible_spent"]),
            _money(h["recoverable"]),
            _rate(h["usage_rate"]),
        )
    if projects:
        out.print(hoods)
    if errors:
        out.print(
            f"文件夹中有 {errors} 个错误：运行 sgov validate 查看并改正（有错误的台账行不计入合规支出）。"
        )


def _rows_table(out, title: str, rows: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not rows:
        return
    table = Table(title=title, title_justify="left")
    for name in ("项目编号", "位置", "日期", "金额", "原因"):
        table.add_column(name, overflow="fold")
    for r in rows:
        place = f"{r['file']} {r['sheet']} {r['cell'] or ('第' + str(r['row']) + '行')}"
        reasons = "；".join(
            f"{x['rule'] + ' ' if x['rule'] else ''}{x['message']}" for x in r["reasons"]
        )
        table.add_row(
            escape(r["project_id"] or ""),
            escape(place),
            r["date"] or "—",
            _money(r["amount"]),
            escape(reasons),
        )
    out.print(table)
