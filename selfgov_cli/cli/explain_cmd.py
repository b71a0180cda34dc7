"""sgov explain: every figure sgov computed for one project, and the cells it came from."""

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
    console,
    fail,
    outcome_or_fail,
    parse_as_of,
    print_json,
)


def explain(
    project_id: Annotated[str, typer.Argument(help="项目编号，如 PX-2023-004", show_default=False)],
    folder: FolderArg = Path("."),
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table 或 json")] = "table",
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """说明一个项目的每个数字从何而来：核定金额、各笔拨付及原因、中期使用率、逐笔支出、可收回、评审得分与加减分、标记与问题。"""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.explain import UnknownProject, explain, lines

    check_choice("--format", fmt, ("table", "json"))
    if Path(project_id).is_dir():  # `sgov explain FOLDER` or the two swapped: not an id
        fail(
            f"{project_id} 是文件夹，不是项目编号：请先写项目编号、再写文件夹，"
            f"如 sgov explain PX-2023-004 {project_id}"
        )
    outcome = outcome_or_fail(
        folder, program, parse_as_of(as_of), no_cache=no_cache, workers=workers, quiet=quiet
    )
    try:
        if fmt == "json":
            print_json(explain(outcome, project_id))
        else:
            out = console(quiet)
            for line in lines(outcome, project_id):
                out.print(line, markup=False, highlight=False)
    except UnknownProject as exc:
        fail(str(exc))
    raise typer.Exit(EXIT_OK)
