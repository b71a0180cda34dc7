"""sgov init: blank, ready-to-fill template workbooks and an sgov.toml for a program."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from selfgov_cli.cli.common import EXIT_OK, QuietOpt, console, fail


def init(
    folder: Annotated[
        Path, typer.Argument(help="要写入模板的文件夹（不存在则新建）", show_default=False)
    ],
    program: Annotated[
        str,
        typer.Option(
            "--program", "-p", help="项目计划：内置 id 或 .toml 计划文件", show_default=False
        ),
    ],
    year: Annotated[
        str | None,
        typer.Option(
            "--year",
            help="计划年度（四位数，如 2027）：申报表标题、sgov.toml 的 year 和日期示例都用这一年；默认为计划 id 中的年份",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖文件夹中已有的同名模板")] = False,
    quiet: QuietOpt = False,
) -> None:
    """写出空白模板（申报表、预算明细、项目成员、经费台账、评审打分、评估结果，带下拉列表）和 sgov.toml。"""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.config import program_title
    from selfgov_cli.programs import get_program
    from selfgov_cli.programs.base import ProgramError
    from selfgov_cli.templates_init import InitError, init_folder

    the_year = _year(year)
    try:
        resolved = get_program(program)
    except ProgramError as exc:
        fail(str(exc))
    ref = program if program == resolved.id else str(Path(program).resolve())
    try:
        written = init_folder(folder, resolved, ref, force=force, year=the_year)
    except InitError as exc:
        fail(str(exc))
    if not quiet:
        out = console(quiet)
        name = program_title(resolved, the_year) if the_year else resolved.name
        out.print(f"已为“{name}”（{resolved.id}）写出模板：", markup=False)
        for path in written:
            out.print(f"  {path}", markup=False)
        out.print(
            "在黄色格子中填写；带 * 的为必填项。填好后运行：sgov validate " + str(folder),
            markup=False,
        )
    raise typer.Exit(EXIT_OK)


def _year(text: str | None) -> int | None:
    """--year: a four-digit year, as sgov.toml's `year` (exit 2 naming it otherwise)."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.config import FIRST_YEAR, LAST_YEAR, is_program_year

    if text is None:
        return None
    value = text.strip()
    if value.isascii() and value.isdigit() and len(value) == 4 and is_program_year(int(value)):
        return int(value)
    fail(
        f"--year 应为四位数的年份（{FIRST_YEAR}–{LAST_YEAR}），如 --year 2027（不写“年”），现为 “{text}”"
    )
