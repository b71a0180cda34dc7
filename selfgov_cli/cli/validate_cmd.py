"""sgov validate: every problem in the folder, located to the cell, with what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    console,
    outcome_or_fail,
    parse_as_of,
    print_json,
)


def validate(
    folder: FolderArg = Path("."),
    program: ProgramOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table 或 json")] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束")] = False,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """校验文件夹中的全部工作簿：每个问题都指明文件、工作表、单元格、项目编号、规则与改正方法。"""
    check_choice("--format", fmt, ("table", "json"))
    when = parse_as_of(as_of)
    result = outcome_or_fail(folder, program, when, no_cache=no_cache, workers=workers)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        from selfgov_cli.cli.render import render_findings

        render_findings(console(quiet), result)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)
