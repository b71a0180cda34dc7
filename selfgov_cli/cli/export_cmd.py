"""sgov export: the outcome as tidy tables (csv or one xlsx) for analysis across years and streets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selfgov_cli.cli.common import (
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
    outcome_or_fail,
    output_dir,
    parse_as_of,
    write_or_fail,
)


def export(
    folder: FolderArg = Path("."),
    out: OutputOpt = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="格式：csv（每张表一个文件）或 xlsx（一个工作簿）")
    ] = "csv",
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """导出整理好的数据表（项目、预算、成员（姓名打码）、台账、评分、评估、人工认定、问题、拨付、排名），每行一项，带 year 与 program 列，便于多年、多街道合并分析。"""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.export import FORMATS, write_tables

    check_choice("--format", fmt, FORMATS)
    check_output_or_fail(
        folder, out
    )  # never over an input, never inside the folder outside sgov-output
    outcome = outcome_or_fail(
        folder, program, parse_as_of(as_of), no_cache=no_cache, workers=workers, quiet=quiet
    )
    target = output_dir(folder, out)
    written = write_or_fail(lambda: write_tables(outcome, target, fmt), target)
    if not quiet:
        shown = console(quiet)
        shown.print(f"已导出到 {target}：", markup=False)
        for path in written:
            shown.print(f"  {Path(path).name}", markup=False)
    raise typer.Exit(EXIT_OK)
