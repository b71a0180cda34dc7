"""The ranking as a workbook (评审排名.xlsx): the order, each reviewer's total, the unranked, the method.

Built from `Ranking.to_dict()`, so it says exactly what `sgov rank --format json` says. Cell text from
the input workbooks goes through `report.safe.put` (never a formula); the file is written atomically
and is byte-identical for the same inputs and --as-of.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.money import fmt_points
from selfgov_cli.rank import FLAG_NAMES, POOL_MODE_WORDS, fmt_adjustment
from selfgov_cli.report.safe import put, save_workbook
from selfgov_cli.report.xlsx_layout import lay_out

SCORE_FORMAT = "0.0000"
AMOUNT_FORMAT = "#,##0.00"
STAGE_NAMES = {"review": "评审", "final": "年终"}


def _num(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _points(text: str) -> str:
    """A reviewer's total as the 说明 text writes it (89, 84.5), not the JSON's 89.0000."""
    return fmt_points(Decimal(text))


def _rows(
    ws, header: list[str], rows: list[list[Any]], formats: dict[int, str] | None = None
) -> None:
    """Header on row 1, then rows; column widths from the header text."""
    from openpyxl.styles import Font

    for col, text in enumerate(header, 1):
        put(ws, 1, col, text).font = Font(bold=True)
        ws.column_dimensions[_letter(col)].width = max(8, len(text) * 2 + 2)
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            put(ws, r, col, value, (formats or {}).get(col))
    ws.freeze_panes = "A2"


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def ranking_workbook(ranking: dict[str, Any], program_name: str = ""):
    """An openpyxl workbook of the ranking dict (cli.md `rank` shape plus the extra keys)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "评审排名"
    header = [
        "名次",
        "项目编号",
        "项目名称",
        "居民区",
        "类别",
        "所属区县",
        "金额",
        "评审人数",
        "各评审总分",
        "去掉的分数",
        "得分",
        "加减分",
        "调整后得分",
        "标记",
        "说明",
    ]
    rows = []
    for item in ranking["ranking"]:
        totals = "；".join(
            f"{t['reviewer']} {_points(t['total'])}" + ("（去掉）" if t["dropped"] else "")
            for t in item["reviewer_totals"]
        )
        gone = "；".join(
            f"{d['reason']} {_points(d['total'])}（{d['reviewer']}）" for d in item["dropped"]
        )
        points = "；".join(fmt_adjustment(a["points"], a["reason"]) for a in item["adjustments"])
        rows.append(
            [
                item["rank"],
                item["project_id"],
                item["name"],
                item["neighborhood"],
                item["category"],
                item["district"],
                _num(item["amount"]),
                item["reviewers"],
                totals,
                gone,
                _num(item["score"]),
                points,
                _num(item["adjusted_score"]),
                "、".join(FLAG_NAMES[f] for f in item["flags"]),
                "\n".join(item["why"]),
            ]
        )
    if not any(item["district"] for item in ranking["ranking"]):  # a program without districts
        district = header.index("所属区县")
        header.pop(district)
        for row in rows:
            row.pop(district)
    formats = {"金额": AMOUNT_FORMAT, "得分": SCORE_FORMAT, "调整后得分": SCORE_FORMAT}
    _rows(ws, header, rows, {header.index(k) + 1: v for k, v in formats.items()})
    for name, width in (("项目名称", 28), ("各评审总分", 40), ("说明", 60)):
        ws.column_dimensions[_letter(header.index(name) + 1)].width = width

    detail = wb.create_sheet("评审明细")
    rows = []
    for item in ranking["ranking"]:
        for t in item["reviewer_totals"]:
            rows.append(
                [
                    item["project_id"],
                    t["reviewer"],
                    t["group"],
                    _num(t["total"]),
                    "是" if t["dropped"] else "否",
                    t["file"],
                    t["sheet"],
                    t["row"],
                    "计入",
                ]
            )
        for x in item["excluded_rows"]:
            rows.append(_excluded(item["project_id"], x))
    for item in ranking["unscored"]:
        rows.extend(_excluded(item["project_id"], x) for x in item["excluded_rows"])
    _rows(
        ws=detail,
        header=[
            "项目编号",
            "评审人",
            "评审组",
            "总分",
            "是否去掉",
            "文件",
            "工作表",
            "行",
            "计入情况",
        ],
        rows=rows,
        formats={4: SCORE_FORMAT},
    )

    unscored = wb.create_sheet("未排名")
    _rows(
        unscored,
        ["项目编号", "项目名称", "居民区", "原因"],
        [[x["project_id"], x["name"], x["neighborhood"], x["reason"]] for x in ranking["unscored"]],
    )

    about = wb.create_sheet("排名方法")
    method = ranking["method"]
    lines = [
        [
            "项目计划",
            f"{program_name}（{ranking['program']}）" if program_name else ranking["program"],
        ],
        ["阶段", STAGE_NAMES.get(ranking["stage"], ranking["stage"])],
        ["计算日期", ranking["as_of"]],
        [
            "去掉最高最低分",
            f"{method['trim_min_reviewers']} 人及以上" if method["trim_extremes"] else "否",
        ],
        ["入围最低分", method["min_score"]],
        [
            "评审组权重",
            "；".join(f"{k} {v}%" for k, v in method["group_weights"].items()) or "不分组",
        ],
        ["排序", method["order"]],
    ]
    pool = ranking.get("pool")
    if pool:
        mode = f"{POOL_MODE_WORDS[pool['mode']]}（{pool['mode']}）"
        lines += [
            ["资金池", _num(pool["total"])],
            ["资金线算法", mode],
            ["已分配", _num(pool["allocated"])],
            ["剩余", _num(pool["remaining"])],
        ]
        if pool.get("topups"):  # 共和新路 七: what the pool gave 一居一品 before any ranked project
            lines += [
                ["一居一品补充", Decimal(pool["topped_up"])],
                ["一居一品补充明细", "\n".join(x["reason"] for x in pool["topups"])],
            ]
    _rows(about, ["项目", "内容"], lines)
    for r in range(2, len(lines) + 2):
        if isinstance(about.cell(r, 2).value, Decimal):
            about.cell(r, 2).number_format = AMOUNT_FORMAT
    about.column_dimensions["B"].width = 70
    return lay_out(wb)


def _excluded(project_id: str, row: dict[str, Any]) -> list[Any]:
    """A score row left out of the ranking: the total its reviewer wrote (if any), and why."""
    why = row["reason"]
    return [
        project_id,
        row["reviewer"],
        None,
        _num(row["total"]),
        None,
        row["file"],
        row["sheet"],
        row["row"],
        why,
    ]


def write_ranking(
    ranking: dict[str, Any], path: Path | str, as_of: date, program_name: str = ""
) -> Path:
    """Write 评审排名.xlsx atomically and deterministically."""
    return save_workbook(ranking_workbook(ranking, program_name), path, as_of)
