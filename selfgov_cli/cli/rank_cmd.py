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
    OutputOpt,
    ProgramOpt,
    QuietOpt,
    WorkersOpt,
    check_choice,
    check_output_or_fail,
    console,
    fail,
    outcome_or_fail,
    output_dir,
    parse_as_of,
    print_json,
    write_or_fail,
)
from selfgov_cli.cli.tables import Col, print_table

FORMATS = ("table", "json", "xlsx", "csv")
DEFAULT_XLSX = "评审排名.xlsx"
JSON_NAME = "rank.json"
SCORE_RULES = ("SG017", "SG018", "SG019", "SG020", "SG021")
RANK_COLUMNS = [
    Col("名次", "right"),
    Col("项目编号"),
    Col("项目名称", text=True, min_width=10),
    Col("居民区", text=True, min_width=8),
    Col("各评审总分", text=True, min_width=12),
    Col("得分", "right"),
    Col("加减分", "right"),
    Col("调整后", "right"),
    Col("标记", text=True, min_width=6),
    Col("排在此处的原因", text=True, min_width=24),
]
EXCLUDED_COLUMNS = [
    Col("项目编号"),
    Col("评审人", text=True, min_width=6),
    Col("总分", "right"),
    Col("位置", text=True, min_width=14),
    Col("原因", text=True, min_width=14),
]


def rank(
    folder: FolderArg = Path("."),
    stage: Annotated[
        str, typer.Option("--stage", help="review（评审排名）或 final（年终排名，浦兴十佳）")
    ] = "review",
    pool: Annotated[
        str | None, typer.Option("--pool", help="资金池总额（元），覆盖设置 pool")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="输出格式：table、json、xlsx 或 csv（xlsx、csv 写入输出文件夹；json 给了 -o 时也写入）",
        ),
    ] = "table",
    output: OutputOpt = None,
    program: ProgramOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    no_cache: NoCacheOpt = False,
    workers: WorkersOpt = None,
) -> None:
    """按评审打分表排名：去掉最高最低分、加减分、入围线、区县名额、资金线，每个项目都说明排在此处的原因。"""
    check_choice("--format", fmt, FORMATS)
    if output is not None and fmt == "table":
        fail("-o 只用于 --format json、xlsx 或 csv")
    amount = _pool(pool)
    when = parse_as_of(as_of)
    check_output_or_fail(folder, output)
    result = outcome_or_fail(
        folder,
        program,
        when,
        no_cache=no_cache,
        workers=workers,
        stage=stage,
        pool=amount,
        quiet=quiet,
    )
    ranking = result.ranking(stage)
    data = ranking.to_dict()
    if fmt in ("xlsx", "csv") or (fmt == "json" and output is not None):
        target = output_dir(folder, output)
        for path in _write_files(data, fmt, target, when, result.config.title):
            console(quiet).print(
                f"已写入 {path}（{len(data['ranking'])} 个项目）", markup=False, highlight=False
            )
    elif fmt == "json":
        print_json(data)
    else:
        render_ranking(console(quiet), result, ranking, data)
    raise typer.Exit(EXIT_FINDINGS if result.errors else EXIT_OK)


def _pool(text: str | None):
    if text is None:
        return None
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.io.values import parse_amount

    value, err = parse_amount(text)
    if err or value is None or value < 0:
        fail(f"--pool 应为金额，如 200000 或 20万（现为 {text!r}）")
    return value


def _write_files(data: dict[str, Any], fmt: str, target: Path, when, name: str) -> list[Path]:
    """The ranking as json, xlsx or csv in the output folder."""
    if fmt == "csv":
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.csv_tables import write_ranking as write_csv

        return write_or_fail(lambda: write_csv(data, target), target)
    if fmt == "xlsx":
        # start-up: loaded only when this command runs, so `sgov --help` stays light
        from selfgov_cli.report.rank_xlsx import write_ranking

        path = target / DEFAULT_XLSX
        write_or_fail(lambda: write_ranking(data, path, when, name), path)
        return [path]
    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.report.safe import atomic_write, json_text

    path = target / JSON_NAME
    text = json_text(data)
    write_or_fail(lambda: atomic_write(path, text), path)
    return [path]


def render_ranking(out, result, ranking, data: dict[str, Any]) -> None:
    """The ranking on a terminal (a table), or one block of lines per project when piped."""
    from rich.markup import escape

    # start-up: loaded only when this command runs, so `sgov --help` stays light
    from selfgov_cli.rank import FLAG_NAMES, fmt_adjustment

    program = result.config.program
    stage = "年终排名" if data["stage"] == "final" else "评审排名"
    say = _plain(out)
    say(f"项目计划：{result.config.title}（{program.id}）  {stage}  计算日期 {data['as_of']}")
    if not ranking.has_scores and result.data.scores:  # score rows of the other round only
        say(
            "文件夹中没有年终评审的打分（评审打分表“轮次”列填“年终评审”，或文件名、工作表名含“年终”），"
            "无需年终排名。"
            if data["stage"] == "final"
            else "文件夹中没有立项评审的打分（评审打分表“轮次”列填“立项评审”，"
            "或不填且文件名、工作表名不含“年终”），无需评审排名。"
        )
    elif not ranking.has_scores:
        say("文件夹中没有评审打分表（工作表“评审打分”），无需排名。")
    elif out.is_terminal:
        rows = [
            [
                str(item["rank"]),
                escape(item["project_id"]),
                escape(item["name"]),
                escape(item["neighborhood"] or ""),
                escape(_totals(item, "\n")),
                item["score"],
                escape("、".join(fmt_adjustment(a["points"]) for a in item["adjustments"])),
                item["adjusted_score"],
                escape("、".join(FLAG_NAMES[f] for f in item["flags"])),
                escape("\n".join(item["why"])),
            ]
            for item in data["ranking"]
        ]
        print_table(out, "评审排名", RANK_COLUMNS, rows, keep=2, show_lines=True)
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
    excluded = [
        (item["project_id"], x)
        for item in (*data["ranking"], *data["unscored"])
        for x in item["excluded_rows"]
    ]
    if excluded and out.is_terminal:
        rows = [
            [
                escape(pid),
                escape(x["reviewer"] or "—"),
                _total(x),
                escape(_where(x)),
                escape(x["reason"]),
            ]
            for pid, x in excluded
        ]
        print_table(out, "未计入排名的评分行", EXCLUDED_COLUMNS, rows)
    else:
        for pid, x in excluded:
            say(
                f"未计入的评分行：{pid} {x['reviewer'] or '—'} {_total(x)} {_where(x)}：{x['reason']}"
            )
    if data["pool"]:
        say(_pool_line(data["pool"]))
    for finding in result.findings:
        if finding.rule in SCORE_RULES:
            place = " ".join(x for x in (finding.file, finding.sheet, finding.cell) if x)
            say(f"{finding.severity.label} {finding.rule} {place}：{finding.message}")
    say(
        f"共排名 {len(data['ranking'])} 个项目，未排名 {len(data['unscored'])} 个；"
        f"文件夹校验：错误 {result.errors} 个，警告 {result.warnings} 个（完整清单见 sgov validate）。"
    )


def _total(row: dict[str, Any]) -> str:
    """An excluded row's total as read ("85分"), or "—" when it has none."""
    total = row.get("total")
    return "—" if total is None else f"{total.rstrip('0').rstrip('.')}分"


def _where(row: dict[str, Any]) -> str:
    return f"{row['file']} {row['sheet']} 第{row['row']}行"


def _plain(out):
    """Print text as is: no markup, no highlighting (cell text may hold [brackets])."""

    def say(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    return say


def _totals(item: dict[str, Any], sep: str = "、") -> str:
    return sep.join(
        f"{t['reviewer']} {t['total'].rstrip('0').rstrip('.')}"
        + ("（去掉）" if t["dropped"] else "")
        for t in item["reviewer_totals"]
    )


def _pool_line(pool: dict[str, Any]) -> str:
    # start-up: selfgov_cli.rank loads the rule engine; only when this command runs
    from selfgov_cli.rank import pool_summary

    return f"资金池 {pool_summary(pool)}"
