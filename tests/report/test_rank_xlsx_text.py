"""评审排名.xlsx as a clerk reads it: adjustments, dropped scores and columns say what the reports say."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from selfgov_cli.pipeline import run
from selfgov_cli.report.rank_xlsx import write_ranking
from selfgov_cli.report.summary import summary_data
from tests.test_rank import app, config, grid, scores

AS_OF = date(2023, 12, 31)
NEW_TEAM = "+3 培育新团队（1+N+X），加 3 分"
LOW_RATE = "-5 延续项目上年执行率 50.00% 低于 80.00%，扣 5 分"


def _folder(tmp_path):
    folder = config(tmp_path / "浦兴")
    app(folder, "P1")
    app(folder, "P2", 是否培育新团队="是")
    app(folder, "P3", 是否延续项目="是", 上年执行率="50%")
    scores(folder, grid({"P1": [89, 80, 85, 70, 84.5], "P2": [80, 81, 79], "P3": [90, 90, 90]}))
    return folder


def _sheet(outcome, tmp_path):
    path = write_ranking(
        outcome.ranking("review").to_dict(), tmp_path / "评审排名.xlsx", AS_OF, "浦兴"
    )
    ws = load_workbook(path)["评审排名"]
    header = [c.value for c in ws[1]]
    return [
        dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)
    ]


def test_adjustment_reads_the_same_in_the_ranking_workbook_and_the_summary(tmp_path):
    outcome = run(_folder(tmp_path), as_of=AS_OF)
    rows = {r["项目编号"]: r for r in _sheet(outcome, tmp_path)}
    assert rows["P2"]["加减分"] == NEW_TEAM
    assert rows["P3"]["加减分"] == LOW_RATE
    assert rows["P1"]["加减分"] is None
    summary = {r["project_id"]: r for r in summary_data(outcome)["ranking"]}
    assert summary["P2"]["adjustments"] == NEW_TEAM
    assert summary["P3"]["adjustments"] == LOW_RATE
    assert summary["P1"]["adjustments"] == ""


def test_a_dropped_score_reads_the_same_in_its_column_and_in_the_explanation(tmp_path):
    rows = {r["项目编号"]: r for r in _sheet(run(_folder(tmp_path), as_of=AS_OF), tmp_path)}
    p1 = rows["P1"]
    assert p1["去掉的分数"] == "最高分 89（A）；最低分 70（D）"
    assert p1["各评审总分"] == "A 89（去掉）；B 80；C 85；D 70（去掉）；E 84.5"
    assert p1["说明"].splitlines()[0] == (
        "评审 5 人，去掉最高分 89（A）与最低分 70（D），其余 3 人平均 83.1667"
    )
    assert p1["得分"] == 83.1667  # the score itself keeps its four decimals (0.0000)


def test_the_district_column_only_when_a_project_has_a_district(tmp_path):
    rows = _sheet(run(_folder(tmp_path), as_of=AS_OF), tmp_path)
    assert list(rows[0]) == [
        "名次",
        "项目编号",
        "项目名称",
        "居民区",
        "类别",
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
    assert (rows[0]["项目编号"], rows[0]["金额"], rows[0]["得分"]) == ("P3", 10000, 90)
    ws = load_workbook(tmp_path / "评审排名.xlsx")["评审排名"]
    assert (ws["F2"].number_format, ws["J2"].number_format, ws["L2"].number_format) == (
        "#,##0.00",
        "0.0000",
        "0.0000",
    )

    chengdu = config(tmp_path / "成都", "chengdu-2023")
    app(chengdu, "C1", "chengdu-2023")
    app(chengdu, "C2", "chengdu-2023", 所属区县=None)
    scores(chengdu, grid({"C1": [80, 81, 79], "C2": [70, 71, 72]}))
    rows = _sheet(run(chengdu, as_of=AS_OF), tmp_path / "成都")
    assert [(r["项目编号"], r["所属区县"], r["金额"]) for r in rows] == [
        ("C1", "锦江区", 100000),
        ("C2", None, 100000),
    ]
