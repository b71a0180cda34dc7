"""sgov programs [ID]: the built-in programs, or one in full."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from selfgov_cli.cli.common import EXIT_OK, QuietOpt, console, fail, print_json


def describe(program) -> dict[str, Any]:
    """A program as data: categories, caps, tranches, settings with defaults and sources."""
    from selfgov_cli.io.schema import EXPENSE_NAMES
    from selfgov_cli.money import fmt_rate

    def show(value: Any) -> Any:
        if isinstance(value, tuple):
            return list(value)
        if value is None or isinstance(value, (bool, int, str, list, dict)):
            return value
        return str(value)

    return {
        "id": program.id,
        "name": program.name,
        "short": program.short,
        "document": program.document,
        "issued": program.issued,
        "extends": program.family if program.family != program.id else None,
        "categories": list(program.categories),
        "intents": {k: list(v) for k, v in program.intents.items()},
        "expense_caps": {EXPENSE_NAMES[k]: fmt_rate(v) for k, v in program.expense_caps.items()},
        "tranches": [{"n": i, "share": f"{t.share:.2f}", "gate": t.gate, "clause": t.clause} for i, t in enumerate(program.tranches, 1)],
        "settings": [
            {"name": s.name, "type": s.type, "default": show(s.default), "doc": s.doc, "source": s.source}
            for s in program.all_settings()
        ],
    }


_GATES = {"approval": "立项时", "midterm": "中期评估通过后", "final": "末期评估通过后"}


def programs(
    program_id: Annotated[str | None, typer.Argument(help="计划 id，如 puxing-2023，或 .toml 计划文件", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table 或 json")] = "table",
    quiet: QuietOpt = False,
) -> None:
    """列出内置项目计划，或显示一个计划的类别、比例上限、拨付批次与设置。"""
    from rich.markup import escape
    from rich.table import Table

    from selfgov_cli.programs import builtin, get_program
    from selfgov_cli.programs.base import ProgramError

    out = console(quiet)
    if program_id is None:
        items = [describe(p) for p in builtin().values()]
        if fmt == "json":
            print_json({"programs": items})
            raise typer.Exit(EXIT_OK)
        table = Table(title="内置项目计划", title_justify="left")
        for name in ("id", "名称", "政策文件"):
            table.add_column(name, overflow="fold")
        for item in items:
            table.add_row(item["id"], escape(item["name"]), escape(item["document"]))
        out.print(table)
        raise typer.Exit(EXIT_OK)
    try:
        program = get_program(program_id)
    except ProgramError as exc:
        fail(str(exc))
    info = describe(program)
    if fmt == "json":
        print_json(info)
        raise typer.Exit(EXIT_OK)
    out.print(escape(f"{info['name']}（{info['id']}）"))
    out.print(escape(f"政策文件：{info['document']}  {info['issued']}"))
    out.print(escape(f"项目类别：{'、'.join(info['categories'])}"))
    for category, intents in info["intents"].items():
        out.print(escape(f"  {category} 意向：{'、'.join(intents)}"))
    if info["expense_caps"]:
        caps = "；".join(f"{k} ≤ {float(v) * 100:g}%" for k, v in info["expense_caps"].items())
        out.print(escape(f"支出比例上限（占预算总额）：{caps}"))
    tranches = "；".join(f"第{t['n']}笔 {float(t['share']) * 100:g}% {_GATES[t['gate']]}" for t in info["tranches"])
    out.print(escape(f"拨付：{tranches}"))
    table = Table(title=escape("设置（可在 sgov.toml 的 [settings] 中覆盖）"), title_justify="left")
    for name in ("设置", "类型", "默认值", "说明", "来源"):
        table.add_column(name, overflow="fold")
    for s in info["settings"]:
        table.add_row(s["name"], s["type"], escape(str(s["default"])), escape(s["doc"]), escape(s["source"]))
    out.print(table)
    raise typer.Exit(EXIT_OK)
