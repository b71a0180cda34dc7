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
    OutputOpt,
    ProgramOpt,
    QuietOpt,
    WorkersOpt,
    check_choice,
    check_output_or_fail,
    console,
    fail,
    note_default_program,
    outcome_or_fail,
    output_dir,
    parse_as_of,
    print_json,
    write_or_fail,
)

FORMATS = ("table", "json", "csv")


def validate(
    folder: FolderArg = Path("."),
    program: ProgramOpt = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="输出格式：table、json 或 csv（csv 写入 -o 文件夹的 校验结果.csv）",
        ),
    ] = "table",
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以退出码 1 结束")] = False,
    as_of: AsOfOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """校验文件夹中的全部工作簿：每个问题都指明文件、工作表、单元格、项目编号、规则与改正方法。"""
    check_choice("--format", fmt, FORMATS)
    if output is not None and fmt == "table":
        fail("-o 只用于 --format json 或 csv")
    when = parse_as_of(as_of)
    check_output_or_fail(folder, output)
    result = _validation(folder, program, when, no_cache, workers, quiet)
    if fmt == "csv" or (fmt == "json" and output is not None):
        written = _write(result.to_dict(lazy=True), fmt, output_dir(folder, output))
        console(quiet).print(f"已写入 {written}", markup=False, highlight=False)
    elif fmt == "json":
        print_json(result.to_dict(lazy=True))
    else:
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.cli.render import render_findings

        render_findings(console(quiet), result)
    failed = result.errors > 0 or (strict and result.warnings > 0)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _validation(folder: Path, program: str | None, when, no_cache: bool, workers, quiet: bool):
    """The folder's validation: the stored one when nothing it depends on changed
    (validation_memo: no workbook is read), else the one pipeline's, then stored."""
    if no_cache:
        return outcome_or_fail(folder, program, when, workers=workers, quiet=quiet).validation()
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.config import load_config
    from selfgov_cli.programs.base import ProgramError
    from selfgov_cli.validation_memo import ValidationMemo

    try:
        config = load_config(folder, program)
    except ProgramError as exc:
        fail(str(exc))
    memo = ValidationMemo(folder)
    inputs = memo.inputs(config, program, when)
    stored = memo.get(inputs, config) if inputs is not None else None
    if stored is not None:
        note_default_program(config)
        return stored
    view = outcome_or_fail(
        folder, program, when, no_cache=False, workers=workers, quiet=quiet
    ).validation()
    if inputs is not None:
        memo.put(inputs, view)
    return view


def _write(data, fmt: str, folder: Path) -> Path:
    if fmt == "json":
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.safe import atomic_write, json_chunks

        target = folder / "validate.json"
        return write_or_fail(lambda: atomic_write(target, json_chunks(data)), target)
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report.csv_tables import VALIDATE_CSV, write_validation

    return write_or_fail(lambda: write_validation(data, folder)[0], folder / VALIDATE_CSV)
