"""What every command shares: options, loading with exit 2 on bad set-up, output to the terminal."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2

FolderArg = Annotated[Path, typer.Argument(help="项目文件夹（默认当前文件夹）", show_default=False)]
ProgramOpt = Annotated[
    str | None,
    typer.Option("--program", "-p", help="项目计划：内置 id 或 .toml 计划文件（覆盖 sgov.toml）"),
]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="计算日期 YYYY-MM-DD（默认今天）")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="安静模式：无颜色、无进度条")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="不使用缓存：重新读取全部工作簿")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-j",
        min=1,
        help="读取工作簿的进程数（默认：文件多时用全部 CPU 核心）",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="输出文件夹（不存在则新建；默认 FOLDER/sgov-output）",
        show_default=False,
    ),
]


def fail(message: str) -> NoReturn:
    """Could not run: one clear sentence on stderr, exit 2."""
    err = _stderr()
    err.print(f"sgov：{message}", markup=False, highlight=False)
    raise typer.Exit(EXIT_CANNOT_RUN)


def check_output_or_fail(folder: Path, output: Path | None) -> None:
    """Exit 2 when -o would write over an input, the sgov.toml or inside the folder (see
    report.safe.check_output), or is a file; called before anything is read or written, so a
    clerk is not told after a long run over the folder."""
    if output is None:
        return
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report.safe import OutputRefused, check_outputs

    try:
        check_outputs(folder, output, _history_inputs(folder))
    except OutputRefused as exc:
        fail(str(exc))
    output_dir(folder, output)


def _history_inputs(folder: Path) -> list[tuple[str, Path]]:
    """The earlier years' records and folders sgov.toml's `history` names: inputs too. A folder
    whose sgov.toml cannot be read names none here (the command then says why, exit 2)."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.config import load_config
    from selfgov_cli.programs.base import ProgramError

    try:
        return load_config(folder).history_paths()
    except (ProgramError, OSError):
        return []


def check_choice(option: str, value: str, allowed: tuple[str, ...]) -> None:
    """Exit 2 naming the option and its allowed values when value is not one of them."""
    if value not in allowed:
        words = allowed[0] if len(allowed) == 1 else f"{'、'.join(allowed[:-1])} 或 {allowed[-1]}"
        fail(f"{option} 只能是 {words}（现为 {value!r}）")


def parse_as_of(text: str | None) -> date:
    if text is None:  # not given: today; given empty (`--as-of=`) is no date
        return date.today()
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.io.values import parse_date
    from selfgov_cli.report.safe import as_of_problem

    # a bare number other than 20231231 is a year or an Excel serial: no date a clerk types
    serial = text.strip().isdigit() and len(text.strip()) != 8
    value, err = parse_date(text) if text.strip() and not serial else (None, "not a date")
    if err or value is None:
        fail(f"--as-of 应为日期，如 2023-12-31（现为 {text!r}）")
    if problem := as_of_problem(value):
        fail(problem)
    return value


def load_or_fail(
    folder: Path,
    program: str | None,
    no_cache: bool = True,
    workers: int | None = None,
    quiet: bool = True,
):
    """(config, dataset), or exit 2 with the reason for a missing folder, program or bad sgov.toml.

    Commands that take NoCacheOpt/WorkersOpt pass them on (the cache is used unless --no-cache);
    quiet False: a progress bar on stderr while a big folder is read (only on a terminal)."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.gc_pause import kept_for_the_command
    from selfgov_cli.pipeline import load
    from selfgov_cli.programs.base import ProgramError

    # A command is one short process: what is read stays till the end, so it is moved out of
    # the cycle collector's way (else rules over 100,000 ledger rows rescan it again and again,
    # and re-enabling the collector right after loading would scan it all once more).
    bar = _reading_bar() if not quiet and _stderr_is_terminal() else None
    try:
        with kept_for_the_command():
            loaded = load(folder, program, cache=not no_cache, workers=workers, progress=bar)
        note_default_program(loaded[0])
        return loaded
    except ProgramError as exc:
        fail(str(exc))
    finally:
        if bar is not None:
            bar.close()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _reading_bar():
    """The progress bar over the workbooks, drawn on stderr (stdout may be JSON or a table)."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.cli.progress import ProgressBar

    return ProgressBar(_safe_console_class()(stderr=True, highlight=False, emoji=False))


def output_dir(folder: Path, out: Path | None) -> Path:
    """Where a command writes its files: ``-o DIR``, else FOLDER/sgov-output/.

    The one place that decides it, for every command that writes files (sgov run puts its dated
    sub-folders under the same default). The folder is created when the first file is written
    (``report.safe.atomic_write``), so a command that stops early leaves nothing behind."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.io.loader import OUTPUT_DIR
    from selfgov_cli.report.safe import OutputRefused, check_output

    target = Path(out) if out is not None else Path(folder) / OUTPUT_DIR
    if target.exists() and not target.is_dir():
        fail(f"-o {target} 是一个文件：请指定一个文件夹")
    if out is None:  # -o was checked before the run; the default too may lead elsewhere
        try:  # FOLDER/sgov-output made a link to 申报/ would write over an input of the same name
            check_output(folder, target)
        except OutputRefused:
            fail(
                f"默认输出文件夹 {target} 指向 {target.resolve()}，在项目文件夹里、{OUTPUT_DIR} 之外："
                "写入会覆盖或混入输入文件；请删除这个链接，或用 -o 另选输出位置"
            )
    return target


def write_or_fail(action, target: Path):
    """Run a writer; a write error (disk full, file open in Excel) is exit 2 naming the file."""
    try:
        return action()
    except OSError as exc:
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.os_errors import os_error_text

        fail(f"无法写入 {target}：{os_error_text(exc)}；原有文件保持不变")


def outcome_or_fail(
    folder: Path,
    program: str | None,
    as_of,
    no_cache: bool = True,
    workers: int | None = None,
    stage: str = "review",
    pool=None,
    quiet: bool = True,
):
    """The one outcome of the folder (pipeline.run), or exit 2 for a set-up problem."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.gc_pause import kept_for_the_command
    from selfgov_cli.pipeline import run
    from selfgov_cli.programs.base import ProgramError

    loaded = load_or_fail(folder, program, no_cache=no_cache, workers=workers, quiet=quiet)
    try:
        with kept_for_the_command():  # the outcome stays till the end too (see load_or_fail)
            return run(
                folder, as_of=as_of, loaded=loaded, stage=stage, pool=pool, cache=not no_cache
            )
    except ProgramError as exc:
        fail(str(exc))


def note_default_program(config) -> None:
    """Once, on stderr (never in JSON on stdout): a folder without sgov.toml runs the default."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.config import CONFIG_NAME

    if config.source == "默认":
        program = config.program
        _stderr().print(
            f"sgov：文件夹中没有 {CONFIG_NAME}，按默认项目计划“{program.name}”（{program.id}）处理；"
            f"如不是这个计划，请用 --program 指定，或运行 sgov init 生成 {CONFIG_NAME}",
            markup=False,
            highlight=False,
        )


def _safe_console_class():
    """A rich Console whose every text segment goes through report.safe.terminal_text.

    Escape sequences and control characters from file names and cells (``ESC[2J``, OSC 8 links)
    never reach the terminal, and personal data is masked; rich's own styling is added after
    this, so colours still work."""
    global _SAFE_CONSOLE
    if _SAFE_CONSOLE is None:
        from rich.console import Console
        from rich.segment import Segment

        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.safe import terminal_text

        class SafeConsole(Console):
            def _render_buffer(self, buffer):
                cleaned = [
                    segment
                    if segment.control
                    else Segment(terminal_text(segment.text), segment.style, segment.control)
                    for segment in buffer
                ]
                return super()._render_buffer(cleaned)

        _SAFE_CONSOLE = SafeConsole
    return _SAFE_CONSOLE


_SAFE_CONSOLE = None


def console(quiet: bool = False):
    """A rich console: plain and uncoloured when not on a terminal or when quiet."""
    Console = _safe_console_class()  # noqa: N806 - a class

    plain = quiet or not sys.stdout.isatty()
    return Console(
        no_color=plain,
        color_system=None if plain else "auto",
        highlight=False,
        emoji=False,
        soft_wrap=plain,
        width=200 if plain else None,
    )


def warn(text: str) -> None:
    """A warning for the clerk on stderr (never in JSON on stdout), one line."""
    _stderr().print(text, markup=False, highlight=False)


def _stderr():
    Console = _safe_console_class()  # noqa: N806 - a class

    return Console(
        stderr=True, no_color=True, color_system=None, highlight=False, emoji=False, soft_wrap=True
    )


def print_json(payload: Any) -> None:
    """Machine output: UTF-8 JSON on stdout and nothing else (personal data masked)."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report.safe import json_chunks

    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        for piece in json_chunks(payload):  # written as built: a million findings stream out
            stream.write(piece.encode("utf-8"))
        stream.flush()
    else:
        for piece in json_chunks(payload):
            sys.stdout.write(piece)
