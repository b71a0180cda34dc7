"""Chinese for everything typer and its bundled click print: help headings and usage errors.

Option names stay English (``--program``); every word around them is Chinese. typer translates
its own headings through ``gettext`` (we give it a Chinese ``_``); the bundled click writes
English directly, so its help option, usage line and errors are replaced here: ``ZhGroup`` and
``ZhCommand`` are the classes the app is built with, and ``ZhGroup.main`` shows every usage error
itself (``show_error``), in Chinese, exit 2.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer
import typer.core
from typer.core import TyperCommand, TyperGroup

try:  # typer >= 0.29 bundles its own click
    from typer import _click as click
except ImportError:  # pragma: no cover - older typer on top of click
    import click  # type: ignore[no-redef]

try:  # typer >= 0.29 coerces every value through a pydantic TypeAdapter
    from typer._coercion import RuntimeParam, build_runtime_param
except ImportError:  # pragma: no cover - older typer: click's own types, no pydantic
    RuntimeParam = None
try:  # typer's own path checks, without its pydantic text -> Path step
    from typer._param_types import coerce_cli_path, routes_to_path
except ImportError:  # pragma: no cover - another typer: paths keep typer's adapter
    coerce_cli_path = routes_to_path = None

HELP_TEXT = "显示本帮助并退出。"
USAGE_PREFIX = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."

# typer's own gettext strings (typer/core.py).
TYPER_TEXTS = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}",
}

# English messages that reach us as plain text (click's parser, pydantic's validation of a value).
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$", r"多余的参数：\1"),
        (r"^Option '(.+?)' requires an argument\.$", r"选项 \1 后面需要一个值。"),
        (r"^Option '(.+?)' requires (\d+) arguments\.$", r"选项 \1 后面需要 \2 个值。"),
        (r"^Option '(.+?)' does not take a value\.$", r"选项 \1 不接受值。"),
        (r"^Argument '(.+?)' takes (\d+) values\.$", r"参数 \1 需要 \2 个值。"),
        (r"^No such option: (.+)$", r"没有选项 \1。"),
        (r"^Missing parameter: (.+)$", r"缺少参数 \1。"),
        (r"^(.*?)\.? Did you mean (.+)\?$", r"\1；是不是想用 \2？"),
        (r"^Input should be a valid integer.*$", "应为整数"),
        (r"^Input should be a valid number.*$", "应为数字"),
        (r"^Input should be a valid boolean.*$", "应为 true 或 false"),
        (r"^Input should be a valid date.*$", "应为日期"),
        (r"^Input should be greater than or equal to (\S+)$", r"应不小于 \1"),
        (r"^Input should be greater than (\S+)$", r"应大于 \1"),
        (r"^Input should be less than or equal to (\S+)$", r"应不大于 \1"),
        (r"^Input should be less than (\S+)$", r"应小于 \1"),
        (r"^Input should be (.+)$", r"应为 \1"),
        (r"^Value (.+) is not a valid (.+)\.$", r"\1 不是有效的 \2"),
        (r"^(.+) is not one of (.+)\.$", r"\1 不是以下之一：\2"),
        (r"^Path '(.+)' does not exist\.$", r"路径 '\1' 不存在"),
        (r"^(File|Directory|Path) (.+) is a file\.$", r"\2 是文件"),
        (r"^(File|Directory|Path) (.+) is a directory\.$", r"\2 是文件夹"),
        (r"^(File|Directory|Path) (.+) is not readable\.$", r"\2 无法读取"),
        (r"^(File|Directory|Path) (.+) is not writable\.$", r"\2 无法写入"),
    )
)


def translate(text: str) -> str:
    """An English click/typer/pydantic message in Chinese (unknown ones are returned as they are)."""
    for pattern, replacement in _MESSAGES:
        if pattern.match(text):
            return translate_tail(pattern.sub(replacement, text))
    return text


def translate_tail(text: str) -> str:
    """After a rewrite, a Chinese head may still carry an English part ('…；是不是想用 …？')."""
    head, sep, tail = text.partition("；")
    if sep and head:
        return translate(head) + sep + tail
    return text


def _gettext(message: str) -> str:
    return TYPER_TEXTS.get(message, message)


def _hint(exc) -> str:
    """The parameter an error is about: '--program' / '-p', or 'folder'."""
    if getattr(exc, "param_hint", None) is not None:
        hint = exc.param_hint
        return hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)
    param = getattr(exc, "param", None)
    if param is None:
        return ""
    try:
        return param.get_error_hint()
    except TypeError:  # pragma: no cover - click's signature takes the context
        return param.get_error_hint(exc.ctx)


def error_message(exc) -> str:
    """The Chinese sentence for one usage error."""
    exceptions = click.exceptions
    if isinstance(exc, exceptions.NoSuchOption):
        text = f"没有选项 {exc.option_name}。"
        if exc.possibilities:
            text += f"是不是想用 {'、'.join(sorted(exc.possibilities))}？"
        return text
    if isinstance(exc, exceptions.MissingParameter):
        kind = getattr(exc, "param_type", None) or getattr(exc.param, "param_type_name", "")
        word = {"option": "选项", "argument": "参数"}.get(kind, "参数")
        hint = _hint(exc)
        text = f"缺少{word} {hint}。" if hint else f"缺少{word}。"
        return text + (translate(exc.message) if exc.message else "")
    if isinstance(exc, exceptions.BadParameter):
        hint = _hint(exc)
        what = translate(exc.message)
        return f"{hint} 的值无效：{what}" if hint else f"值无效：{what}"
    return translate(exc.format_message())


def show_error(exc, file=None) -> None:
    """A usage error as a clerk reads it: the usage line, where to find help, what is wrong."""
    stream = file or sys.stderr
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):  # bare `sgov`
        stream.write(exc.format_message() + "\n")  # the help, already Chinese
        stream.flush()
        return
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"运行 '{ctx.command_path} {ctx.help_option_names[0]}' 查看帮助。")
        lines.append("")
    lines.append(f"错误：{error_message(exc)}")
    stream.write("\n".join(lines) + "\n")
    stream.flush()


class ZhFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class _ZhHelp:
    context_class = ZhContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
            _plain_values([option])
        return option


if RuntimeParam is not None:

    class PlainValue(RuntimeParam):
        """A ``str`` given as text, or a ``bool`` flag given as a bool (or not given), is taken as
        it is: what typer's pydantic adapter would return, without importing pydantic (~0.1 s).
        A ``Path`` given as text is made a Path (what pydantic's Path validation does with text)
        and then checked by typer's own path checks. A parameter not given (None) never builds
        anything. Any other value (a number typed for --workers) goes to typer's own coercion,
        built on first use."""

        def _coerce_value(self, value, param, ctx):
            if type(value) is self.annotation:
                return value
            if self.annotation is Path and type(value) is str:
                kind = self.parameter_info.path_type or Path
                return coerce_cli_path(
                    Path(value), self.parameter_info, path_type=kind, param=param, ctx=ctx
                )
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)


def _plain_values(params) -> None:
    """start-up: ``str``, ``bool``, ``Path`` and ``int`` parameters get PlainValue, so a command
    whose values are text, flags and folders (every command but one given --workers N) never
    imports pydantic (~0.15–0.2 s of every command: the import and a TypeAdapter a parameter);
    paths keep typer's own checks, numbers typer's adapter when one is given."""
    if RuntimeParam is None:
        return  # pragma: no cover - older typer
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if (
            descriptor is not None
            and getattr(param, "_runtime_param", False) is None
            and descriptor.annotation in (str, bool, Path, int)
            and descriptor.file_annotation is None
            and descriptor.parameter_info.parser is None
            and (
                descriptor.annotation is not Path
                or (routes_to_path is not None and routes_to_path(Path, descriptor.parameter_info))
            )
        ):
            try:
                param._runtime_param = PlainValue(
                    parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
                )
            except Exception:  # noqa: BLE001 - typer's private API changed: keep typer's own
                return


class ZhCommand(_ZhHelp, TyperCommand):
    """A command whose help and usage line are Chinese."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = OPTIONS_METAVAR
        _plain_values(self.params)


class ZhGroup(_ZhHelp, TyperGroup):
    """The root group: Chinese help, and every usage error shown in Chinese (exit 2)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = OPTIONS_METAVAR
        self.subcommand_metavar = SUBCOMMAND_METAVAR
        _plain_values(self.params)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.ClickException as exc:
            show_error(exc)
            sys.exit(exc.exit_code)
        except typer.Abort:
            sys.stderr.write(TYPER_TEXTS["Aborted!"] + "\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


typer.core._ = _gettext  # typer's headings ("Options", "[default: …]") through our table
