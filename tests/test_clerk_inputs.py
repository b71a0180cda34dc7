"""What a clerk types by hand, read as the clerk means it (real workbooks, every output checked)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from selfgov_cli.explain import lines as explain_lines
from selfgov_cli.export import tables
from selfgov_cli.record import record_of
from selfgov_cli.report.publicity import publicity_data
from selfgov_cli.report.summary import summary_data
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, SCORES_HEADER, write_config, write_form, write_table
from tests.report.folders import BUDGET, form

AS_OF = date(2023, 12, 4)


def test_a_category_written_another_accepted_way_is_one_category_in_every_output(tmp_path):
    # 悦家 typed three ways SG007 accepts: plain, with its description, and with 类
    write_config(tmp_path, "puxing-2023", year=2023)
    spelt = {"PX-1": "悦家", "PX-2": " 悦家（群众文体）", "PX-3": "和家类"}
    for n, (pid, category) in enumerate(spelt.items(), start=1):
        write_form(
            tmp_path / f"{n}居.xlsx",
            form(pid, f"项目{n}", f"浦兴{n}居", "张三丰", 项目类别=category),
            BUDGET,
        )
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        SCORES_HEADER,
        [("PX-1", "评委甲", 90), ("PX-2", "评委甲", 80), ("PX-3", "评委甲", 70)],
    )
    outcome = validate(tmp_path, as_of=AS_OF)
    assert [f.rule for f in outcome.findings] == []
    ranking = outcome.ranking().to_dict()["ranking"]
    assert [(r["project_id"], r["category"]) for r in ranking] == [
        ("PX-1", "悦家"),
        ("PX-2", "悦家"),
        ("PX-3", "和家"),
    ]

    by_cat = summary_data(outcome)["by_category"]
    assert [(r["name"], r["projects"], r["passing"]) for r in by_cat] == [
        ("悦家", 2, 2),
        ("和家", 1, 1),
    ]
    assert [r["category"] for r in publicity_data(outcome)["rows"]] == ["悦家", "悦家", "和家"]
    assert [p["category"] for p in record_of(outcome)["projects"]] == ["悦家", "悦家", "和家"]
    columns, rows = tables(outcome)["projects"]
    at = columns.index("category")
    assert [row[at] for row in rows] == ["悦家", "悦家", "和家"]


def test_explain_names_flags_and_the_category_in_chinese(tmp_path):
    write_config(tmp_path, "puxing-2023", year=2023)
    write_form(
        tmp_path / "一居.xlsx",
        form("PX-1", "楼道微更新", "浦兴一居", "张三丰", 项目类别="悦家类"),
        BUDGET,
    )
    write_table(tmp_path / "评审打分.xlsx", "评审打分", SCORES_HEADER, [("PX-1", "评委甲", 50)])
    outcome = validate(tmp_path, as_of=AS_OF)
    shown = explain_lines(outcome, "PX-1")
    assert shown[0] == "项目 PX-1 楼道微更新（浦兴一居，悦家）"
    assert "标记：未入围" in shown


def test_a_copy_of_an_application_is_the_duplicate_not_the_original(tmp_path):
    """A clerk's copy (Windows' "- 副本", a browser's "(1)") of an application comes after its
    original in folder order: SG004 is on the copy, and the original stands (plain text order
    put the copy first: a space and "(" sort before the dot)."""
    write_config(tmp_path, "puxing-2023", year=2023)
    for name in ("一居 申报表.xlsx", "一居 申报表 - 副本.xlsx", "二居.xlsx", "二居(1).xlsx"):
        pid = "PX-1" if name.startswith("一居") else "PX-2"
        write_form(tmp_path / name, form(pid, f"项目{pid}", "浦兴一居", "张三丰"), BUDGET)
    outcome = validate(tmp_path, as_of=AS_OF)
    assert [(f.rule, f.file, f.project_id) for f in outcome.findings] == [
        ("SG004", "一居 申报表 - 副本.xlsx", "PX-1"),
        ("SG004", "二居(1).xlsx", "PX-2"),
    ]
    projects = outcome.data.project_map()
    assert {pid: p.loc.file for pid, p in projects.items()} == {
        "PX-1": "一居 申报表.xlsx",
        "PX-2": "二居.xlsx",
    }


def test_the_notice_names_the_programs_own_reviewing_office_when_sgov_toml_names_none(tmp_path):
    """新泾 is a town: its applications are sorted by the 镇社建办 (新泾 四.(一)), not a 街道;
    成都's go to the district civil affairs office. Without `office` in sgov.toml the notice
    named a 街道 for every program."""
    expected = {"xinjing-2021": "镇社建办", "chengdu-2023": "区（市）县民政部门"}
    for program, authority in expected.items():
        folder = tmp_path / program
        shutil.copytree(Path(__file__).resolve().parents[1] / "sample_workbooks" / program, folder)
        config = folder / "sgov.toml"
        lines = config.read_text(encoding="utf-8").splitlines()
        config.write_text(
            "\n".join(line for line in lines if not line.startswith("office")), encoding="utf-8"
        )
        notice = publicity_data(validate(folder, as_of=AS_OF))["notice"]
        assert f"{authority}审核" in notice[0] and "街道" not in notice[0]
        assert notice[2].startswith(f"公示期间，如对公示项目有异议，请向{authority}书面或当面反映")


def test_a_project_id_typed_in_full_width_is_the_same_project(tmp_path):
    """项目编号 typed with a Chinese input method (ＰＸ, －, ２) is the id the clerk sees: the ledger
    row belongs to the application (no SG005), and the id is shown plainly everywhere."""
    write_config(tmp_path, "puxing-2023", year=2023)
    write_form(tmp_path / "一居.xlsx", form("PX-1", "项目1", "浦兴一居", "张三丰"), BUDGET)
    write_form(tmp_path / "二居.xlsx", form("ＰＸ－２", "项目2", "浦兴二居", "李四"), BUDGET)
    ledger = [
        (
            date(2023, 4, 1),
            "PX－1",
            "工作经费",
            "物资",
            100,
            "F1",
            "商店",
            "商户",
            "是",
            "自治金项目 项目1",
        ),
        (
            date(2023, 4, 2),
            "ＰＸ-2 ",
            "工作经费",
            "物资",
            100,
            "F2",
            "商店",
            "商户",
            "是",
            "自治金项目 项目2",
        ),
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, ledger)
    outcome = validate(tmp_path, as_of=AS_OF)
    assert [f.rule for f in outcome.findings if f.rule in ("SG004", "SG005")] == []
    assert sorted(outcome.data.project_map()) == ["PX-1", "PX-2"]
    assert [e.project_id for e in outcome.data.ledger] == ["PX-1", "PX-2"]
    assert explain_lines(outcome, "ＰＸ－２")[0] == explain_lines(outcome, "PX-2")[0]


def test_a_rank_or_a_count_typed_with_its_measure_word_is_the_number(tmp_path):
    """Clerk audit (the second year): 上年十佳排名 typed “第2名” (as the 年终排名 says it) and
    征询居民人数 “45名” were SG003 — an application error, so the project was 待改正 — while “85分”
    and “40人” are read (README: numbers typed with their unit)."""
    write_config(tmp_path, "puxing-2023", year=2023)
    write_form(
        tmp_path / "1居.xlsx",
        form("PX-1", "楼道微美化", "浦兴一居", "张三丰", 上年十佳排名="第2名", 征询居民人数="45名"),
        BUDGET,
    )
    write_form(
        tmp_path / "2居.xlsx",
        form(
            "PX-2", "睦邻点", "浦兴二居", "张三丰", 上年十佳排名="第 12 名", 征询居民人数="第一名"
        ),
        BUDGET,
    )
    outcome = validate(tmp_path, as_of=AS_OF)
    one, two = outcome.projects["PX-1"].project, outcome.projects["PX-2"].project
    assert (one.get("prior_top10_rank"), one.get("residents_consulted")) == (2, 45)
    assert two.get("prior_top10_rank") == 12
    assert [(f.rule, f.project_id, f.message) for f in outcome.findings if f.rule == "SG003"] == [
        ("SG003", "PX-2", "“征询居民人数”应填整数，“第一名”不是整数：请改正")
    ]
    assert outcome.projects["PX-1"].status == "green_channel"
