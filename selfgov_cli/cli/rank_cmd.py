"""sgov rank: reviewer-scored projects in a checkable order, with adjustments, lines, quotas, pool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from selfgov_cli.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    AsOfOpt,
    FolderArg,
    NoCacheOpt,
    ProgramOpt,
    QuietOpt,
    WorkersOpt,
    check_choice,
    check_output_or_fail,
    console,
    fail,
    load_or_fail,
    parse_as_of,
    print_json,
)

FORMATS = ("table", "json", "xlsx")
DEFAULT_XLSX = "评审排名.xlsx"
SCORE_RULES = ("SG017", "SG018", "SG019", "SG020", "SG021")
COLUMNS = (
    "名次",
    "项目编号",
    "项目名称",
    "居民区",
    "各评审总分",
    "得分",
    "加减分",
    "调整后",
    "标记",
    "排在此处的原因",
)


def rank(
    folder: FolderArg = Path("."),
    stage: Annotated[
        str, typer.Option("--stage", help="review（评审排名）或 final（年终排名，浦兴十佳）")
    ] = "review",
    pool: Annotated[
        str | None, typer.Option("--pool", help="资金池总额（元），覆盖设置 pool")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：table、json 或 xlsx")
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=f"输出文件（json 或 xlsx；xlsx 默认 {DEFAULT_XLSX}）"),
    ] = None,
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """按评审打分表排名：去掉最高最低分、加减分、入围线、区县名额、资金线，每个项目都说明排在此处的原因。"""
    from selfgov_cli.rank import RankError
    from selfgov_cli.rank import rank as run_rank
    from selfgov_cli.validate import validate

    check_choice("--format", fmt, FORMATS)
    if output is not None and fmt == "table":
        fail("-o 只用于 --format json 或 xlsx")
    amount = _pool(pool)
    when = parse_as_of(as_of)
    check_output_or_fail(folder, output)
    loaded = load_or_fail(folder, program, no_cache=no_cache, workers=workers)
    result = validate(folder, as_of=when, loaded=loaded)
    try:
        ranking = run_rank(result, stage=stage, pool=amount)
    except RankError as exc:
        fail(str(exc))
    data = ranking.to_dict()
    if fmt == "json":
        if output is None:
            print_json(data)
        else:
            _write_json(data, output)
            console(quiet).print(f"已写出 {output}", markup=False)
    elif fmt == "xlsx":
        from selfgov_cli.report.rank_xlsx import write_ranking

        target = output or Path(DEFAULT_XLSX)
        try:
            write_ranking(data, target, when, result.config.program.name)
        except OSError as exc:
            from selfgov_cli.report.safe import os_error_text

            fail(f"无法写出 {target}：{os_error_text(exc)}；原有文件保持不变")
        console(quiet).print(f"已写出 {target}（{len(data['ranking'])} 个项目）", markup=False)
    else:
        render_ranking(console(quiet), result, ranking, data)
    raise typer.Exit(EXIT_FINDINGS if result.errors else EXIT_OK)


def _pool(text: str | None):
    if text is None:
        return None
    from selfgov_cli.io.values import parse_amount

    value, err = parse_amount(text)
    if err or value is None or value < 0:
        fail(f"--pool 应为金额，如 200000 或 20万（现为 {text!r}）")
    return value


def _write_json(data: dict[str, Any], path: Path) -> None:
    from selfgov_cli.report.safe import atomic_write, json_text

    try:
        atomic_write(path, json_text(data))
    except OSError as exc:
        from selfgov_cli.report.safe import os_error_text

        fail(f"无法写出 {path}：{os_error_text(exc)}；原有文件保持不变")


def render_ranking(out, result, ranking, data: dict[str, Any]) -> None:
    """The ranking on a terminal (a table), or one block of lines per project when piped."""
    from rich.markup import escape
    from rich.table import Table

    from selfgov_cli.rank import FLAG_NAMES

    program = result.config.program
    stage = "年终排名" if data["stage"] == "final" else "评审排名"
    say = _plain(out)
    say(f"项目计划：{program.name}（{program.id}）  {stage}  计算日期 {data['as_of']}")
    if not ranking.has_scores:
        say("文件夹中没有评审打分表（工作表“评审打分”），无需排名。")
    elif out.is_terminal:
        table = Table(title="评审排名", title_justify="left", show_lines=True)
        for name in COLUMNS:
            table.add_column(name, overflow="fold", min_width=36 if name == COLUMNS[-1] else None)
        for item in data["ranking"]:
            table.add_row(
                str(item["rank"]),
                escape(item["project_id"]),
                escape(item["name"]),
                escape(item["neighborhood"] or ""),
                escape(_totals(item)),
                item["score"],
                escape("、".join(a["points"] for a in item["adjustments"])),
                item["adjusted_score"],
                escape("、".join(FLAG_NAMES[f] for f in item["flags"])),
                escape("\n".join(item["why"])),
            )
        out.print(table)
    else:
        for item in data["ranking"]:
            flags = "、".join(FLAG_NAMES[f] for f in item["flags"]) or "-"
            say(
                f"{item['rank']}. {item['project_id']} {item['name']}（{item['neighborhood'] or '-'}）"
                f"  得分 {item['score']}  调整后 {item['adjusted_score']}  标记 {flags}"
            )
            say(f"   各评审总分：{_totals(item)}")
            for line in item["why"]:
                say(f"   {line}")
    for item in data["unscored"]:
        say(f"未排名：{item['project_id']} {item['name']}：{item['reason']}")
    if data["pool"]:
        pool = data["pool"]
        say(
            f"资金池 {pool['total']} 元（{pool['mode']}）：已分配 {pool['allocated']} 元，剩余 {pool['remaining']} 元"
        )
    for finding in result.findings:
        if finding.rule in SCORE_RULES:
            place = " ".join(x for x in (finding.file, finding.sheet, finding.cell) if x)
            say(f"{finding.severity.label} {finding.rule} {place}：{finding.message}")
    say(
        f"共排名 {len(data['ranking'])} 个项目，未排名 {len(data['unscored'])} 个；"
        f"文件夹校验：错误 {result.errors} 个，警告 {result.warnings} 个（完整清单见 sgov validate）。"
    )


def _plain(out):
    """Print text as is: no markup, no highlighting (cell text may hold [brackets])."""

    def say(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    return say


def _totals(item: dict[str, Any]) -> str:
    return "、".join(
        f"{t['reviewer']} {t['total'].rstrip('0').rstrip('.')}"
        + ("（去掉）" if t["dropped"] else "")
        for t in item["reviewer_totals"]
    )
