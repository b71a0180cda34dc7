"""sgov run: the scheduled batch (validate, disburse, rank, every report) into one dated folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from selfgov_cli.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    AsOfOpt,
    FolderArg,
    ProgramOpt,
    fail,
    output_dir,
    parse_as_of,
)
from selfgov_cli.cli.progress import ProgressBar


def run(
    folder: FolderArg = Path("."),
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="输出文件夹（默认 FOLDER/sgov-output）", show_default=False
        ),
    ] = None,
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="成功时不输出；失败时只输出一行")
    ] = False,
) -> None:
    """定时批处理：校验、拨付、排名与全部报表写入 输出文件夹/日期/，附 run.log 与 summary.json。"""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.batch import BatchError, run_batch
    from selfgov_cli.programs.base import ProgramError

    _gbk_safe()
    when = parse_as_of(as_of)
    output_dir(folder, out_dir)  # exit 2 when -o is a file, or the default leads into the inputs
    bar = ProgressBar() if not quiet and sys.stdout.isatty() else None
    try:
        result = run_batch(folder, out_dir, when, program, progress=bar)
    except (ProgramError, BatchError) as exc:
        fail(str(exc))
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        if result.status:
            # start-up: loaded only when this command runs, so `sgov --help` stays light
            from selfgov_cli.report.safe import terminal_text

            print(terminal_text(result.one_line()), flush=True)
        raise typer.Exit(EXIT_FINDINGS if result.status else EXIT_OK)
    _report(result)
    raise typer.Exit(EXIT_FINDINGS if result.status else EXIT_OK)


def _report(result) -> None:
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.batch import SKIPPED, STEP_WORDS
    from selfgov_cli.cli.common import console

    out = console(False)
    s = result.summary
    c = s["counts"]
    out.print(
        f"项目计划：{s['program_name']}（{s['program']}）；计算日期：{s['as_of']}", markup=False
    )
    out.print(
        f"读取 {c['files']} 个文件（跳过 {c['files_skipped']} 个）、{c['projects']} 个项目："
        f"错误 {c['errors']} 个，警告 {c['warnings']} 个，提示 {c['infos']} 个。",
        markup=False,
    )
    for step, state in s["steps"].items():
        if state != "ok":
            reason = state.removeprefix(SKIPPED)
            out.print(f"  {STEP_WORDS.get(step, step)}：跳过（{reason}）", markup=False)
    out.print(f"输出文件夹：{result.out_dir}", markup=False)
    for name in s["outputs"]:
        out.print(f"  {name}", markup=False)
    for note in result.notes:
        out.print(note, markup=False)
    if result.status:
        out.print("有错误：详见 validate.json 与报表；改正后重新运行。", markup=False)


def _gbk_safe() -> None:
    """A character the terminal cannot show becomes '?', never an encoding crash (GBK consoles)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
