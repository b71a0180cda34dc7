"""sgov rules [ID]: the rule catalog, or one rule with its clause."""

from __future__ import annotations

from typing import Annotated

import typer

from selfgov_cli.cli.common import (
    EXIT_OK,
    ProgramOpt,
    QuietOpt,
    check_choice,
    console,
    fail,
    print_json,
)
from selfgov_cli.cli.tables import grid_text


def rules(
    rule_id: Annotated[
        str | None, typer.Argument(help="规则编号，如 PX006", show_default=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table 或 json")] = "table",
    program: ProgramOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """列出全部规则（--program 只列某个计划适用的规则），或显示一条规则及其政策条款原文。"""
    from rich.markup import escape
    from rich.text import Text

    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.rules.catalog import rule_info, rule_list

    check_choice("--format", fmt, ("table", "json"))
    if rule_id is None:
        items = rule_list()
        if program:
            family = _family(program)
            items = [item for item in items if item["program"] in (None, family)]
        if fmt == "json":
            print_json({"rules": items})
            raise typer.Exit(EXIT_OK)
        out = console(quiet)
        rows = [
            [item["id"], item["severity_label"], item["program"] or "全部"]
            + [item["clause"], item["title"]]
            for item in items
        ]
        headers = ["规则", "级别", "适用计划", "依据", "检查内容"]
        out.print(Text(grid_text("sgov 规则目录", headers, rows, out.width)))
        raise typer.Exit(EXIT_OK)
    info = rule_info(rule_id.strip().upper())
    if info is None:
        fail(f"没有编号为 {rule_id} 的规则；用 sgov rules 查看全部规则")
    if fmt == "json":
        print_json(info)
        raise typer.Exit(EXIT_OK)
    out = console(quiet)
    out.print(f"{info['id']}（{info['severity_label']}）  适用：{info['program'] or '全部计划'}")
    out.print(escape(f"检查内容：{info['title']}"))
    if _is_chinese(info["doc"]):  # an English developer note is not for clerks
        out.print(escape(f"说明：{info['doc']}"))
    out.print(escape(f"改正方法：{info['fix']}"))
    out.print(escape(f"依据：{info['clause']}"))
    if info.get("clause_text"):
        out.print(escape(f"条款原文：{info['clause_text']}"))
    raise typer.Exit(EXIT_OK)


def _family(ref: str) -> str:
    """The built-in program whose rules apply to a program id or program file; exit 2 if unknown."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.programs import get_program
    from selfgov_cli.programs.base import ProgramError

    try:
        return get_program(ref).family
    except ProgramError as exc:
        fail(str(exc))


def _is_chinese(text: str) -> bool:
    """More Chinese characters than Latin letters."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return cjk > latin
