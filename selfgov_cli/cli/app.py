"""The sgov command line: a thin layer over the library. The only place that prints or exits."""

from __future__ import annotations

import sys

import typer

from selfgov_cli.cli.common import EXIT_CANNOT_RUN
from selfgov_cli.cli.zh import ZhCommand, ZhGroup
from selfgov_cli.version import __version__

app = typer.Typer(
    name="sgov",
    help="sgov：居民区自治金项目的校验、拨付、评审排名、公示与报告工具。",
    cls=ZhGroup,
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# One line per command: (name, module under selfgov_cli.cli, function).
COMMANDS = (
    ("validate", "validate_cmd", "validate"),
    ("rules", "rules_cmd", "rules"),
    ("programs", "programs_cmd", "programs"),
    ("disburse", "disburse_cmd", "disburse"),
    ("init", "init_cmd", "init"),
    ("run", "run_cmd", "run"),
    ("rank", "rank_cmd", "rank"),
    ("report", "report_cmd", "report"),
    ("explain", "explain_cmd", "explain"),
    ("export", "export_cmd", "export"),
)


def _version(value: bool) -> None:
    if value:
        print(f"sgov {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", "-V", help="显示版本号", callback=_version, is_eager=True
    ),
) -> None:
    """sgov：居民区自治金项目的校验、拨付、评审排名、公示与报告工具。"""


def _register() -> None:
    import importlib

    for name, module, func in COMMANDS:
        command = getattr(importlib.import_module(f"selfgov_cli.cli.{module}"), func)
        app.command(name, cls=ZhCommand)(command)


_register()


def main() -> None:
    """Entry point: no traceback ever reaches a clerk."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("sgov：已中断\n")
        sys.exit(130)
    except OSError as exc:  # disk full, file too large, read-only disk …: not a bug, say what
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.os_errors import os_error_text
        from selfgov_cli.report.safe import terminal_text

        sys.stderr.write(
            terminal_text(f"sgov：未能完成：{os_error_text(exc)}。已有的输出保持不变。") + "\n"
        )
        sys.exit(EXIT_CANNOT_RUN)
    except MemoryError:
        sys.stderr.write("sgov：内存不足，未能完成；请拆分过大的文件后重新运行。\n")
        sys.exit(EXIT_CANNOT_RUN)
    except Exception as exc:  # a bug of ours: say so plainly, exit 2
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.safe import terminal_text

        sys.stderr.write(
            terminal_text(
                f"sgov：内部错误，未能完成（{type(exc).__name__}: {exc}）。请把这条信息发给维护人员。"
            )
            + "\n"
        )
        sys.exit(EXIT_CANNOT_RUN)


if __name__ == "__main__":
    main()
