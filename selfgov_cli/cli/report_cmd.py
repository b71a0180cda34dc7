"""sgov report: the publicity list, the summary report or annotated copies of the workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selfgov_cli.cli.common import (
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
    outcome_or_fail,
    output_dir,
    parse_as_of,
    warn,
)


def report(
    folder: FolderArg = Path("."),
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="报告种类：publicity（公示名单）、summary（汇总报告）、annotated（批注副本）",
        ),
    ] = "publicity",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="格式：html、xlsx 或 md（批注副本总是 xlsx）")
    ] = "html",
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "--out",
            "-o",
            help="输出文件夹（不存在则新建；默认 FOLDER/sgov-output）",
            show_default=False,
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates", help="自己的模板文件夹（同名模板优先使用）", show_default=False
        ),
    ] = None,
    stage: Annotated[
        str, typer.Option("--stage", help="排名阶段：review（评审）或 final（年终）")
    ] = "review",
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """生成公示名单、汇总报告或带批注的工作簿副本。有问题记录也照常生成（退出码 0）；无法生成时退出码 2。"""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report import FORMATS, KINDS, ReportError, render

    check_choice("--kind", kind, KINDS)
    check_choice("--format", fmt, FORMATS)
    if templates is not None and templates.exists() and not templates.is_dir():
        fail(f"--templates 指定的 {templates} 是文件，不是文件夹：请指定存放模板的文件夹")
    if templates is not None and not templates.is_dir():
        fail(f"--templates 指定的文件夹不存在：{templates}")
    when = parse_as_of(as_of)
    check_output_or_fail(folder, out)
    result = outcome_or_fail(
        folder, program, when, no_cache=no_cache, workers=workers, stage=stage, quiet=quiet
    )
    out_dir = output_dir(folder, out)
    try:
        written = render(kind, result, out_dir, fmt, templates, stage)
    except ReportError as exc:
        fail(str(exc))
    except OSError as exc:
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.os_errors import os_error_text

        fail(f"无法写入输出文件夹 {out_dir}：{os_error_text(exc)}")
    screen = console(quiet)
    if not written:
        screen.print(
            "没有需要批注的工作簿（未发现可定位到文件的问题）。", markup=False, highlight=False
        )
    for path in written:
        screen.print(f"已生成：{path}", markup=False, highlight=False)
    if kind == "publicity":
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.publicity import period_warning

        if warning := period_warning(result):
            warn(f"注意：{warning}")
    if _inside_inputs(folder, out_dir):
        screen.print(
            "提示：输出文件夹在项目文件夹内且不在 sgov-output 下，下次校验时这些文件会被当作输入读取；建议用默认位置。",
            markup=False,
            highlight=False,
        )
    raise typer.Exit(EXIT_OK)


def _inside_inputs(folder: Path, out_dir: Path) -> bool:
    try:
        rel = out_dir.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return not rel.parts or rel.parts[0] != "sgov-output"
