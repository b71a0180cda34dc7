"""SG017–SG021 (and SG005 for score rows): each fires at its exact cell, and stays quiet at its boundary."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.rules.scores import criterion_max, fmt_points
from selfgov_cli.validate import validate
from tests.test_rank import AS_OF, app, config, ranked, scores

SHEET = "评审打分"
FILE = "评审打分.xlsx"
SCORE_RULES = {"SG005", "SG017", "SG018", "SG019", "SG020", "SG021", "SG002", "SG003"}


def found(folder: Path, rules=SCORE_RULES) -> list[tuple]:
    return [
        (f.rule, f.severity.value, f.project_id, f.file, f.sheet, f.cell)
        for f in validate(folder, as_of=AS_OF).findings
        if f.rule in rules
    ]


def messages(folder: Path, rule_id: str) -> list[str]:
    return [f.message for f in validate(folder, as_of=AS_OF).findings if f.rule == rule_id]


@pytest.fixture
def two(tmp_path) -> Path:
    """A puxing folder with two applications, P1 and P2."""
    config(tmp_path)
    app(tmp_path, "P1")
    app(tmp_path, "P2")
    return tmp_path


@pytest.mark.rule("SG017", "quiet")
@pytest.mark.rule("SG018", "quiet")
@pytest.mark.rule("SG019", "quiet")
@pytest.mark.rule("SG020", "quiet")
@pytest.mark.rule("SG021", "quiet")
def test_clean_score_sheet_has_no_findings(two):
    header = ("序号", "项目编号", "评审人", "必要性（20分）", "可行性", "总分")
    scores(
        two,
        [
            (1, "P1", "A", 20, 80, 100),
            (2, "P1", "B", 0, 0, 0),
            (3, "P2", "A", 10, 50, 60),
            (4, "P2", "B", 15, 60, 75),
        ],
        header=header,
    )
    assert found(two) == []


# --- SG017 ------------------------------------------------------------------------------------


def test_sg017_criterion_over_its_stated_full_marks_and_negative(two):
    header = ("项目编号", "评审人", "必要性（20分）", "可行性(30)", "实效性")
    scores(
        two,
        [
            ("P1", "A", 21, 30, 40),
            ("P2", "A", 20, -1, 40),
            ("P1", "B", 10, 10, 10),
            ("P2", "B", 10, 10, 10),
        ],
        header=header,
    )
    assert found(two) == [
        ("SG017", "error", "P1", FILE, SHEET, "C2"),
        ("SG017", "error", "P2", FILE, SHEET, "D3"),
    ]
    assert (
        messages(two, "SG017")[0]
        == "评审人 A 的“必要性（20分）”为 21 分，应在 0 至 20 分之间：请核对原始评分表并改正"
    )


@pytest.mark.rule("SG017", "fires")
def test_sg017_total_outside_0_to_100(two):
    scores(two, [("P1", "A", 100.5), ("P2", "A", -3), ("P1", "B", 100), ("P2", "B", 0)])
    assert found(two) == [
        ("SG017", "error", "P1", FILE, SHEET, "C2"),
        ("SG017", "error", "P2", FILE, SHEET, "C3"),
    ]


def test_sg017_sum_of_criteria_over_100_points_at_the_row(two):
    header = ("项目编号", "评审人", "必要性", "可行性")
    scores(
        two,
        [("P1", "A", 60, 41), ("P1", "B", 60, 40), ("P2", "A", 1, 1), ("P2", "B", 1, 1)],
        header=header,
    )
    findings = [f for f in validate(two, as_of=AS_OF).findings if f.rule == "SG017"]
    assert [(f.project_id, f.sheet, f.cell, f.row) for f in findings] == [("P1", SHEET, None, 2)]
    assert (
        findings[0].message
        == "评审人 A 的各评分项合计为 101 分，应在 0 至 100 分之间：请核对原始评分表并改正"
    )


@pytest.mark.parametrize(
    ("header", "full"),
    [
        ("必要性（20分）", "20"),
        ("可行性(15)", "15"),
        ("参与性 10分", "10"),
        ("创新性（满分25分）", "25"),
        ("实效性", "100"),
    ],
)
def test_criterion_full_marks_from_the_header(header, full):
    assert criterion_max(header) == Decimal(full)


# --- SG018 ------------------------------------------------------------------------------------


@pytest.mark.rule("SG018", "fires")
def test_sg018_same_reviewer_twice_even_spaced_and_across_files(two):
    scores(two, [("P1", "王芳", 80), ("P2", "王芳", 70), ("P1", "王 芳", 81)])
    scores(two, [("P2", "王芳", 70)], name="评审打分_补录.xlsx")
    assert found(two) == [
        ("SG018", "error", "P1", FILE, SHEET, "B4"),
        ("SG018", "error", "P2", "评审打分_补录.xlsx", SHEET, "B2"),
    ]
    assert messages(two, "SG018")[0] == (
        f"评审人 王 芳 已在 {FILE} “{SHEET}” 第 2 行为项目 P1 打过分：请删除重复的一行（排名只计第一行）"
    )


# --- SG019 ------------------------------------------------------------------------------------


@pytest.mark.rule("SG019", "fires")
def test_sg019_application_with_no_scores(two):
    scores(two, [("P1", "A", 80)])
    assert found(two) == [("SG019", "error", "P2", "申报/P2.xlsx", "申报表", "B1")]


def test_sg019_quiet_without_score_sheets_and_for_the_green_channel(two):
    assert found(two) == []
    app(two, "P3", 上年十佳排名=10)
    app(two, "P4", 上年十佳排名=11)  # not a 十佳 rank: must be scored
    scores(two, [("P1", "A", 80), ("P2", "A", 80)])
    assert found(two, {"SG019"}) == [("SG019", "error", "P4", "申报/P4.xlsx", "申报表", "B1")]


def test_sg019_quiet_on_an_empty_score_sheet_and_on_year_end_scores_only(two):
    # SG019 is checked only when the folder has 立项评审 score rows: an empty sheet has none
    scores(two, [])
    assert found(two, {"SG019"}) == []
    scores(two, [("P1", "A", 80)], name="年终评审打分.xlsx")
    assert found(two, {"SG019"}) == []
    scores(two, [("P1", "A", 80)])
    assert [f[2] for f in found(two, {"SG019"})] == ["P2"]


# --- SG020 ------------------------------------------------------------------------------------


@pytest.mark.rule("SG020", "fires")
def test_sg020_reviewer_missing_from_a_project(two):
    app(two, "P3")
    scores(
        two, [("P1", "A", 80), ("P1", "B", 80), ("P2", "A", 70), ("P3", "B", 70), ("P3", "A", 75)]
    )
    assert found(two) == [("SG020", "warning", "P2", FILE, SHEET, "A4")]
    assert messages(two, "SG020") == [
        "评审人 B 没有给项目 P2 打分（共 2 位评审人，本项目 1 位）：请核对是否漏录"
    ]


# --- SG021 ------------------------------------------------------------------------------------


@pytest.mark.rule("SG021", "fires")
def test_sg021_no_total_and_incomplete_criteria(two):
    header = ("项目编号", "评审人", "必要性", "可行性", "总分")
    rows = [
        ("P1", "A", 40, None, None),  # criteria incomplete, no 总分
        ("P1", "B", None, None, None),  # nothing at all
        ("P2", "A", 40, 40, None),  # fine: 80
        ("P2", "B", 40, 40, 85),  # 总分 disagrees with the criteria
    ]
    scores(two, rows, header=header)
    assert found(two) == [
        ("SG021", "error", "P1", FILE, SHEET, "E2"),
        ("SG021", "error", "P1", FILE, SHEET, "E3"),
        ("SG021", "error", "P2", FILE, SHEET, "E5"),
    ]
    assert messages(two, "SG021") == [
        "评审人 A 的评分没有总分，评分项“可行性”为空或无法读取，无法合计：请补全或改正该行",
        "评审人 B 的评分总分和各评分项都为空：请补全或改正该行",
        "评审人 B 的评分总分 85 与各评分项之和 80 不一致：请补全或改正该行",
    ]


def test_sg021_empty_total_only_column(two):
    scores(two, [("P1", "A", None), ("P2", "A", 80)])
    assert found(two) == [("SG021", "error", "P1", FILE, SHEET, "C2")]


def test_sg021_unreadable_criterion_is_sg003_only(two):
    header = ("项目编号", "评审人", "必要性", "可行性")
    scores(
        two,
        [("P1", "A", 40, "四十"), ("P1", "B", 40, 40), ("P2", "A", 40, 40), ("P2", "B", 40, 40)],
        header=header,
    )
    assert found(two) == [("SG003", "error", "P1", FILE, SHEET, "D2")]


def test_sg021_group_not_in_the_weights(tmp_path):
    config(tmp_path, settings={"group_weights": {"专家": 70, "居民": 30}})
    app(tmp_path, "P1")
    header = ("项目编号", "评审人", "评审组", "总分")
    scores(
        tmp_path,
        [("P1", "A", "专家", 80), ("P1", "B", "群众", 80), ("P1", "C", None, 80)],
        header=header,
    )
    assert found(tmp_path) == [
        ("SG021", "error", "P1", FILE, SHEET, "C3"),
        ("SG021", "error", "P1", FILE, SHEET, "C4"),
    ]
    assert messages(tmp_path, "SG021") == [
        "评审人 B 的评审组“群众”不是权重设置中的组（专家、居民）：请填写正确的评审组",
        "评审人 C 的评审组为空，应为权重设置中的组（专家、居民）：请填写正确的评审组",
    ]


def test_sg021_groups_ignored_without_weights(two):
    header = ("项目编号", "评审人", "评审组", "总分")
    scores(two, [("P1", "A", "群众", 80), ("P2", "A", None, 80)], header=header)
    assert found(two) == []


# --- SG005 and the reader's own problems on score sheets -----------------------------------------


def test_scored_project_without_application_and_missing_reviewer(two):
    scores(two, [("P1", "A", 80), ("P2", "A", 80), ("P9", "A", 80), ("P2", None, 70)])
    assert found(two) == [
        ("SG005", "error", "P9", FILE, SHEET, "A4"),
        ("SG002", "error", "P2", FILE, SHEET, "B5"),
    ]


def test_fmt_points():
    assert [fmt_points(Decimal(x)) for x in ("85.50", "-5", "3.0", "100", "0.0")] == [
        "85.5",
        "-5",
        "3",
        "100",
        "0",
    ]


def test_sg021_without_a_total_column_points_at_the_empty_criterion(two):
    header = ("项目编号", "评审人", "必要性", "可行性", "创新性")
    rows = [
        ("P1", "A", 30, 30, None),
        ("P2", "A", 30, None, None),
        ("P1", "B", 30, 30, 30),
        ("P2", "B", 1, 1, 1),
    ]
    scores(two, rows, header=header)
    assert found(two) == [
        ("SG021", "error", "P1", FILE, SHEET, "E2"),
        ("SG021", "error", "P2", FILE, SHEET, "D3"),
    ]


@pytest.mark.rule("SG021", "fires")
def test_sg021_chengdu_sheet_missing_one_of_the_six_criteria(tmp_path):
    """成都's total is exactly its six criteria (workbooks.md): a reviewer's sheet without 实效性 and
    without 总分 cannot give a total; it was summed over five and ranked as complete."""
    config(tmp_path, "chengdu-2023")
    app(tmp_path, "G1", "chengdu-2023")
    five = ("项目编号", "评审人", "必要性（20分）", "可行性（20分）", "科学性", "创新性", "参与性")
    scores(tmp_path, [("G1", "甲", 18, 18, 18, 18, 9)], header=five, name="甲.xlsx")
    six = (*five, "实效性")
    scores(tmp_path, [("G1", "乙", 18, 18, 18, 18, 9, 9)], header=six, name="乙.xlsx")
    assert [f[:6] for f in found(tmp_path, {"SG021"})] == [
        ("SG021", "error", "G1", "甲.xlsx", SHEET, None)
    ]
    assert messages(tmp_path, "SG021") == [
        "评审人 甲 的评分没有总分，评分表缺少评分项“实效性”（或该列全未填），无法合计：请补全或改正该行"
    ]
    entry = ranked(tmp_path)["ranking"][0]
    assert (entry["score"], [t["reviewer"] for t in entry["reviewer_totals"]]) == (
        "90.0000",
        ["乙"],
    )
    # with a 总分 the five columns are simply not compared: the total stands
    scores(tmp_path, [("G1", "甲", 18, 18, 18, 18, 9, 81)], header=(*five, "总分"), name="甲.xlsx")
    assert found(tmp_path, {"SG021"}) == []
    assert ranked(tmp_path)["ranking"][0]["score"] == "85.5000"


@pytest.mark.parametrize(
    "total", ["总分（100分）", "总分(100)", "总分（满分100分）", "总 分 100分"]
)
def test_a_total_header_stating_its_full_marks_is_the_total(two, total):
    """A secretary writes the full marks on 总分 as on the criteria (必要性（20分）): the column is
    the total, not one more criterion summed into it (every row was SG017 and nothing ranked)."""
    header = ("项目编号", "评审人", "必要性（20分）", "可行性（80分）", total)
    scores(two, [("P1", "A", 20, 70, 90), ("P2", "A", 10, 50, 60)], header=header)
    assert found(two, {"SG017", "SG021"}) == []
    result = ranked(two)
    assert [(e["project_id"], e["score"]) for e in result["ranking"]] == [
        ("P1", "90.0000"),
        ("P2", "60.0000"),
    ]


def test_scores_typed_with_their_unit_are_numbers(two):
    """A reviewer's sheet typed as spoken: 18分, ８５分 (full-width), 72.5 分 are the numbers, not SG003."""
    header = ("项目编号", "评审人", "必要性（20分）", "可行性（80分）", "总分")
    rows = [("P1", "A", "18分", "67分", "８５分"), ("P2", "A", "15 分", "57.5 分", "72.5 分")]
    scores(two, rows, header=header)
    assert found(two, {"SG003", "SG017", "SG021"}) == []
    result = ranked(two)
    assert [(e["project_id"], e["score"]) for e in result["ranking"]] == [
        ("P1", "85.0000"),
        ("P2", "72.5000"),
    ]
