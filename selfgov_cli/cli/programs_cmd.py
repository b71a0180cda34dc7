"""sgov programs [ID]: the built-in programs, or one in full."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from selfgov_cli.cli.common import EXIT_OK, QuietOpt, check_choice, console, fail, print_json
from selfgov_cli.io.values import TYPE_NAMES

_GATES = {"approval": "立项时", "midterm": "中期评估通过后", "final": "末期评估通过后"}
_CONDITIONS = {
    "always": "必填",
    "org": "社会组织等机构申报时必填",
    "class_ab": "A、B 类必填",
    "class_a": "A 类必填",
    "continuing": "延续项目必填",
}


def _show(value: Any) -> Any:
    """A setting value as JSON: lists for tuples, text for Decimal and dates."""
    if isinstance(value, tuple):
        return list(value)
    if value is None or isinstance(value, (bool, int, str, list, dict)):
        return value
    return str(value)


# a setting's type as the settings table names it (the JSON keeps the English type): the value
# types' own names (io.values), and those only settings have
_TYPE_WORDS = {
    **TYPE_NAMES,
    "str": TYPE_NAMES["text"],
    "list": "列表",
    "map": "对照表",
    "patterns": "正则表达式列表",
    "allowance": "居民区金额",
}


def describe(program) -> dict[str, Any]:
    """A program as data: categories, caps, tranches, required fields, rules, settings with sources."""
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.io.schema import APPLICATION, EXPENSE_NAMES
    from selfgov_cli.money import fmt_rate
    from selfgov_cli.rules.engine import rules_for

    labels = {c.key: c.label for c in APPLICATION}
    disabled = set(program.disabled_rules)
    return {
        "id": program.id,
        "name": program.name,
        "short": program.short,
        "document": program.document,
        "issued": program.issued,
        "extends": program.family if program.family != program.id else None,
        "categories": list(program.categories),
        "intents": {k: list(v) for k, v in program.intents.items()},
        "expense_categories": [
            {"code": code, "name": name, "cap": fmt_rate(program.expense_caps.get(code))}
            for code, name in EXPENSE_NAMES.items()
        ],
        "expense_caps": {EXPENSE_NAMES[k]: fmt_rate(v) for k, v in program.expense_caps.items()},
        "tranches": [
            {"n": i, "share": f"{t.share:.2f}", "gate": t.gate, "clause": t.clause}
            for i, t in enumerate(program.tranches, 1)
        ],
        "required": {labels[k]: _CONDITIONS.get(v, v) for k, v in program.required.items()},
        "rules": [
            {
                "id": r.id,
                "severity": r.severity.value,
                "severity_label": r.severity.label,
                "clause": r.clause,
                "title": r.title,
            }
            for r in rules_for(program)
            if r.program is not None and r.id not in disabled
        ],
        "disabled_rules": list(program.disabled_rules),
        "settings": [
            {
                "name": s.name,
                "type": s.type,
                "default": _show(s.default),
                "doc": s.doc,
                "source": s.source,
                **({"choices": list(s.choices)} if s.choices else {}),
            }
            for s in program.all_settings()
        ],
    }


def _pct(rate: str) -> str:
    """ "0.2500" -> "25%"."""
    from decimal import Decimal

    text = f"{Decimal(rate) * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def programs(
    program_id: Annotated[
        str | None,
        typer.Argument(help="计划 id，如 puxing-2023，或 .toml 计划文件", show_default=False),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：table 或 json")] = "table",
    quiet: QuietOpt = False,
) -> None:
    """列出内置项目计划，或显示一个计划的类别、比例上限、拨付批次、规则与设置。"""
    from rich.markup import escape
    from rich.table import Table

    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.programs import builtin, get_program
    from selfgov_cli.programs.base import ProgramError
    from selfgov_cli.rules.registry import check_program

    check_choice("--format", fmt, ("table", "json"))
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
            table.add_row(
                item["id"], escape(item["name"]), escape(f"{item['document']}（{item['issued']}）")
            )
        out.print(table)
        raise typer.Exit(EXIT_OK)
    try:
        program = check_program(get_program(program_id))
    except ProgramError as exc:
        fail(str(exc))
    info = describe(program)
    if fmt == "json":
        print_json(info)
        raise typer.Exit(EXIT_OK)
    _render(out, info, escape, Table)
    raise typer.Exit(EXIT_OK)


def _render(out, info: dict[str, Any], escape, Table) -> None:
    title = f"{info['name']}（{info['id']}）"
    if info["extends"]:
        title += f"，基于内置计划 {info['extends']}"
    out.print(escape(title))
    out.print(escape(f"政策文件：{info['document']}  {info['issued']}"))
    out.print(escape(f"项目类别：{'、'.join(info['categories'])}"))
    for category, intents in info["intents"].items():
        out.print(escape(f"  {category} 意向：{'、'.join(intents)}"))
    caps = "；".join(
        f"{c['name']} ≤ {_pct(c['cap'])}" if c["cap"] else f"{c['name']}（不限）"
        for c in info["expense_categories"]
    )
    out.print(escape(f"支出类别与比例上限（占项目总预算）：{caps}"))
    tranches = "；".join(
        f"第{t['n']}笔 {_pct(t['share'])} {_GATES[t['gate']]}（{t['clause']}）"
        for t in info["tranches"]
    )
    out.print(escape(f"拨付：{tranches}"))
    if info["required"]:
        out.print(
            escape(
                "本计划的必填项：" + "；".join(f"{k}（{v}）" for k, v in info["required"].items())
            )
        )
    rules = Table(title="本计划的规则（另有通用规则 SG，见 sgov rules）", title_justify="left")
    for name in ("规则", "级别", "依据", "检查内容"):
        rules.add_column(name, overflow="fold")
    for r in info["rules"]:
        rules.add_row(r["id"], r["severity_label"], escape(r["clause"]), escape(r["title"]))
    out.print(rules)
    if info["disabled_rules"]:
        out.print(escape(f"已停用的规则：{'、'.join(info['disabled_rules'])}"))
    table = Table(title=escape("设置（可在 sgov.toml 的 [settings] 中覆盖）"), title_justify="left")
    for name in ("设置", "类型", "默认值", "说明", "来源"):
        table.add_column(name, overflow="fold")
    for s in info["settings"]:
        default = s["default"]
        if default is None or default == {}:
            default = "（无）"
        elif isinstance(default, bool):
            default = "是" if default else "否"
        elif isinstance(default, list):
            default = "、".join(default)
        elif isinstance(default, dict):
            default = "，".join(f"{k} {v}" for k, v in default.items())
        table.add_row(
            s["name"],
            _TYPE_WORDS.get(s["type"], s["type"]),
            escape(str(default)),
            escape(s["doc"]),
            escape(s["source"]),
        )
    out.print(table)
