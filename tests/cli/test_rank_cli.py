"""sgov rank: exit codes, JSON on stdout only, plain text when piped, xlsx that is safe and repeatable."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from tests.test_rank import app as application
from tests.test_rank import config, grid, scores

runner = CliRunner()
AS_OF = "2023-12-31"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path) -> Path:
    f = tmp_path / "浦兴"
    config(f)
    application(f, "P1", 项目名称='=HYPERLINK("http://x")')
    application(f, "P2", 是否培育新团队="是")
    application(f, "P3")
    scores(f, TABLE)  # the 立项评审 round
    return f


TABLE = grid({"P1": [90, 80, 85, 70, 95], "P2": [80, 81, 79], "P3": [50, 55, 59]})


def year_end(folder: Path) -> None:
    """The 年终评审 round's sheet, with the same totals as the review."""
    scores(folder, TABLE, name="年终评审打分.xlsx")


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_json_on_stdout_exit_0(folder):
    year_end(folder)
    before = digest(folder)
    result = run("rank", folder, "--format", "json", "--as-of", AS_OF, "--stage", "final")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [
        (e["rank"], e["project_id"], e["reviewers"], e["score"], e["adjusted_score"], e["flags"])
        for e in payload["ranking"]
    ] == [
        (1, "P1", 5, "85.0000", "85.0000", ["top10", "top5"]),
        # no 三.3 adjustment at the year-end 评选 (P2 grows a new team: +3 at the review only)
        (2, "P2", 3, "80.0000", "80.0000", ["top10", "top5"]),
        # below the line: no 十佳
        (3, "P3", 3, "54.6667", "54.6667", ["below_line"]),
    ]
    assert (payload["program"], payload["stage"], payload["as_of"]) == (
        "puxing-2023",
        "final",
        AS_OF,
    )
    assert digest(folder) == before  # inputs are never written to


def test_error_findings_exit_1(folder):
    scores(folder, grid({"P1": [90, 80, 85, 70, 101], "P2": [80, 81, 79], "P3": [50, 55, 59]}))
    result = run("rank", folder, "-f", "json", "--as-of", AS_OF)
    assert result.exit_code == 1
    p1 = next(e for e in json.loads(result.stdout)["ranking"] if e["project_id"] == "P1")
    assert (p1["reviewers"], p1["score"]) == (4, "81.2500")


def test_plain_text_when_piped(folder):
    result = run("rank", folder, "--as-of", AS_OF, "--pool", "1.5万")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "项目计划：2023年浦兴路街道“自治金”项目（puxing-2023）  评审排名  计算日期 2023-12-31",
        '1. P1 =HYPERLINK("http://x")（浦兴一居）  得分 85.0000  调整后 85.0000  标记 资助',
        "   各评审总分：A 90、B 80、C 85、D 70（去掉）、E 95（去掉）",
        "   评审 5 人，去掉最高分 95（E）与最低分 70（D），其余 3 人平均 85.0000",
        "   资金池拨付 10,000.00 元，剩余 5,000.00 元（资金池设置）",
        "2. P2 项目P2（浦兴一居）  得分 80.0000  调整后 83.0000  标记 未资助",
        "   各评审总分：A 80、B 81、C 79",
        "   评审 3 人，平均 80.0000（不足 5 人，不去掉最高最低分）",
        "   培育新团队（1+N+X），加 3 分（浦兴 三.3）",
        "   资金池剩余 5,000.00 元，不足以资助本项目 10,000.00 元（资金池设置）",
        "3. P3 项目P3（浦兴一居）  得分 54.6667  调整后 54.6667  标记 未入围",
        "   各评审总分：A 50、B 55、C 59",
        "   评审 3 人，平均 54.6667（不足 5 人，不去掉最高最低分）",
        "   调整后得分 54.6667 低于入围分 60，未入围",
        "资金池 15,000.00 元（放不下即止）：已分配 10,000.00 元，剩余 5,000.00 元",
        "警告 SG020 评审打分.xlsx 评审打分 A7：评审人 D、E 没有给项目 P2 打分（共 5 位评审人，本项目 3 位）：请核对是否漏录",
        "警告 SG020 评审打分.xlsx 评审打分 A10：评审人 D、E 没有给项目 P3 打分（共 5 位评审人，本项目 3 位）：请核对是否漏录",
        "共排名 3 个项目，未排名 0 个；文件夹校验：错误 0 个，警告 2 个（完整清单见 sgov validate）。",
    ]


def test_score_findings_are_listed_under_the_table(folder):
    application(folder, "P4")
    result = run("rank", folder, "--as-of", AS_OF, "-q")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "未排名：P4 项目P4：评审打分表中没有该项目的评分" in lines
    assert (
        "错误 SG019 申报/P4.xlsx 申报表 B1：项目 P4 在评审打分表中没有任何评分，无法排名："
        "请补录评审分数，或确认该项目不参加本轮评审"
    ) in lines


def test_no_score_sheets_says_so(tmp_path):
    config(tmp_path)
    application(tmp_path, "P1")
    result = run("rank", tmp_path, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "文件夹中没有评审打分表（工作表“评审打分”），无需排名。"


def test_xlsx_is_formula_proof_and_byte_identical(folder, tmp_path):
    year_end(folder)
    out1, out2 = tmp_path / "a" / "评审排名.xlsx", tmp_path / "b" / "评审排名.xlsx"
    for out in (out1, out2):
        result = run(
            "rank",
            folder,
            "--format",
            "xlsx",
            "-o",
            out.parent,
            "--as-of",
            AS_OF,
            "--stage",
            "final",
        )
        assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"已写入 {out2}（3 个项目）"
    assert out1.read_bytes() == out2.read_bytes()
    wb = openpyxl.load_workbook(out1)
    assert wb.sheetnames == ["评审排名", "评审明细", "未排名", "排名方法"]
    ws = wb["评审排名"]
    assert [c.value for c in ws[1]][:8] == [
        "名次",
        "项目编号",
        "项目名称",
        "居民区",
        "类别",
        "金额",  # no 所属区县: no 浦兴 project has one
        "评审人数",
        "各评审总分",
    ]
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == ["P1", "P2", "P3"]
    name = ws["C2"]
    assert (name.data_type, str(name.value)) == ("s", '=HYPERLINK("http://x")')
    # the year-end 评选: no 三.3 adjustment for P2's new team
    assert (ws["J3"].value, ws["L3"].value, ws["M3"].value) == (80, 80, "十佳、前五")
    assert ws["J2"].number_format == "0.0000"
    detail = wb["评审明细"]
    assert [c.value for c in detail[2]] == [
        "P1",
        "A",
        None,
        90,
        "否",
        "年终评审打分.xlsx",  # the final stage reads the 年终 round's sheet
        "评审打分",
        2,
        "计入",
    ]
    assert [c.value for c in detail[5]][:5] == ["P1", "D", None, 70, "是"]
    assert not list(folder.rglob("*排名*"))


def test_xlsx_goes_to_sgov_output_by_default(folder):
    before = digest(folder)
    result = run("rank", folder, "--format", "xlsx", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    target = folder / "sgov-output" / "评审排名.xlsx"
    assert result.stdout.strip() == f"已写入 {target}（3 个项目）"
    assert target.is_file()
    after = digest(folder)
    assert after.pop("评审排名.xlsx") and after == before


def test_json_to_a_file(folder, tmp_path):
    out = tmp_path / "新" / "文件夹"
    result = run("rank", folder, "-f", "json", "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 0
    data = json.loads((out / "rank.json").read_text(encoding="utf-8"))
    assert data["ranking"][0]["project_id"] == "P1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pool", "很多"), "--pool 应为金额，如 200000 或 20万（现为 '很多'）"),
        (("--pool", "-5"), "--pool 应为金额"),
        (("--stage", "midterm"), "--stage 只能是 review（评审）或 final（年终）"),
        (("--format", "pdf"), "--format 只能是 table、json、xlsx 或 csv"),
        (("-o", "x"), "-o 只用于 --format json、xlsx 或 csv"),
        (("--as-of", "昨天"), "--as-of 应为日期"),
        (("--program", "nope-2023"), "未知的项目计划"),
    ],
)
def test_cannot_run_exits_2_with_one_sentence(folder, args, message):
    result = run("rank", folder, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"sgov：{message}")


def test_missing_folder_exits_2(tmp_path):
    result = run("rank", tmp_path / "没有")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "文件夹不存在" in result.stderr


def test_a_stage_without_its_rounds_scores_says_which_round_is_missing(folder, tmp_path):
    # the folder has the 立项评审 round only: the sheet exists, the year-end round does not
    result = run("rank", folder, "--as-of", AS_OF, "--stage", "final")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "文件夹中没有年终评审的打分（评审打分表“轮次”列填“年终评审”，或文件名、工作表名含“年终”），"
        "无需年终排名。"
    )
    empty = tmp_path / "空"
    config(empty)
    application(empty, "P1")
    result = run("rank", empty, "--as-of", AS_OF)
    assert result.stdout.splitlines()[1] == "文件夹中没有评审打分表（工作表“评审打分”），无需排名。"
    only_year_end = tmp_path / "年终"
    config(only_year_end)
    application(only_year_end, "P1")
    year_end(only_year_end)
    result = run("rank", only_year_end, "--as-of", AS_OF)
    assert result.stdout.splitlines()[1] == (
        "文件夹中没有立项评审的打分（评审打分表“轮次”列填“立项评审”，"
        "或不填且文件名、工作表名不含“年终”），无需评审排名。"
    )


def test_xlsx_detail_shows_what_a_left_out_row_said(tmp_path):
    """评审明细 lists a row left out of the ranking with the total its reviewer wrote (the JSON's
    excluded_rows total), so the secretary sees which of two entries was dropped and why."""
    f = tmp_path / "浦兴"
    config(f)
    application(f, "P1")
    scores(f, [("P1", "A", 80), ("P1", "B", 70), ("P1", "A", 90), ("P1", "C", 120)])
    result = run("rank", f, "-f", "xlsx", "-o", tmp_path / "out", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output  # SG017, SG018
    detail = openpyxl.load_workbook(tmp_path / "out" / "评审排名.xlsx")["评审明细"]
    assert [[c.value for c in row] for row in detail.iter_rows(min_row=2)] == [
        ["P1", "A", None, 80, "否", "评审打分.xlsx", "评审打分", 2, "计入"],
        ["P1", "B", None, 70, "否", "评审打分.xlsx", "评审打分", 3, "计入"],
        ["P1", "A", None, 90, None, "评审打分.xlsx", "评审打分", 4, "有错误（SG018），未计入"],
        ["P1", "C", None, 120, None, "评审打分.xlsx", "评审打分", 5, "有错误（SG017），未计入"],
    ]
