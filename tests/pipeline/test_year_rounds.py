"""Issue 13: the program year, both review rounds, the money calendar, 成都 and 共和新路 rankings.

Each test builds a real folder with openpyxl and asserts exact findings, amounts, orders and flags.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.pipeline import run
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table
from tests.test_rank import BASE

PUXING = BASE["puxing-2023"]
CHENGDU = {**BASE["chengdu-2023"], "结束日期": "2023-12-31"}  # inside the program year: no SG022


def form(folder: Path, pid: str, base: dict, **fields) -> dict[str, str]:
    values = {"项目编号": pid, "项目名称": f"项目{pid}", **base, **fields}
    return write_form(
        folder / "申报" / f"{pid}.xlsx",
        values,
        budget=[("工作经费", "物资", values["申请金额"])],
        members=[(values["项目负责人"], "负责人", "是", "否")],
    )


def ledger(folder: Path, rows: list[tuple]) -> None:
    body = [
        (
            day,
            pid,
            "工作经费",
            "活动物资",
            amount,
            f"F{i:04d}",
            "超市",
            "商户",
            "是",
            f"自治金项目 项目{pid}",
        )
        for i, (day, pid, amount) in enumerate(rows, 1)
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, body)


def rules(outcome, rule_id: str) -> list[tuple]:
    return [(f.project_id, f.file, f.cell) for f in outcome.findings if f.rule == rule_id]


# ---------------------------------------------------------------- the program year


def test_a_2024_folder_moves_the_midterm_date_and_titles_into_2024(tmp_path):
    write_config(tmp_path, "puxing-2023")
    text = (tmp_path / "sgov.toml").read_text(encoding="utf-8")
    (tmp_path / "sgov.toml").write_text(
        text.replace('program = "puxing-2023"', 'program = "puxing-2023"\nyear = 2024'),
        encoding="utf-8",
    )
    form(
        tmp_path,
        "PX-1",
        PUXING,
        开始日期="2024-03-01",
        结束日期="2024-12-31",
        听证会日期="2024-02-15",
    )
    write_table(
        tmp_path / "评估结果.xlsx", "评估结果", None, [{"项目编号": "PX-1", "中期评估": "合格"}]
    )
    ledger(tmp_path, [("2024-04-01", "PX-1", 3000), ("2024-09-01", "PX-1", 1000)])
    outcome = run(tmp_path, as_of=date(2024, 12, 31))
    assert outcome.config.title == "2024年浦兴路街道“自治金”项目"
    plan = outcome.disbursement.project("PX-1").plan
    # the built-in mid-term date (本地默认 06-30) moved into 2024; usage 3000 / 6000 = 50% passes
    assert (plan.midterm_date, plan.midterm_date_from) == (date(2024, 6, 30), "midterm_date 设置")
    assert [t.status for t in plan.tranches] == ["released", "released"]
    assert rules(outcome, "SG022") == []


@pytest.mark.rule("SG022", "fires")
def test_sg022_dates_outside_the_program_year(tmp_path):
    write_config(tmp_path, "puxing-2023")
    cells = form(tmp_path, "PX-1", PUXING, 开始日期="2023-03-01", 结束日期="2024-01-31")
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert rules(outcome, "SG022") == [("PX-1", "申报/PX-1.xlsx", cells["结束日期"])]
    finding = next(f for f in outcome.findings if f.rule == "SG022")
    assert (finding.severity.value, finding.message) == (
        "warning",
        "结束日期 2024-01-31 不在 2023 年度内：请核对年份是否填错",
    )


# ---------------------------------------------------------------- rounds


def test_rounds_by_column_and_by_file_name(tmp_path):
    write_config(tmp_path, "puxing-2023")
    for pid in ("PX-1", "PX-2"):
        form(tmp_path, pid, PUXING)
    # one file with a 轮次 column: the same reviewer scores PX-1 once in each round — no SG018
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分", "轮次"),
        [
            ("PX-1", "甲", 90, "立项评审"),
            ("PX-2", "甲", 70, "立项评审"),
            ("PX-1", "甲", 60, "年终评审"),
        ],
    )
    # a year-end file without 轮次: the name says 年终
    write_table(
        tmp_path / "年终评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("PX-2", "甲", 95)],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31), stage="final")
    assert rules(outcome, "SG018") == []
    assert [(e.project_id, e.score) for e in outcome.review.entries] == [
        ("PX-1", Decimal(90)),
        ("PX-2", Decimal(70)),
    ]
    assert [(e.project_id, e.score) for e in outcome.final.entries] == [
        ("PX-2", Decimal(95)),
        ("PX-1", Decimal(60)),
    ]


def test_scored_twice_within_a_round_is_sg018(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING)
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分", "轮次"),
        [("PX-1", "甲", 90, "年终评审"), ("PX-1", "甲", 80, "年终评审")],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert rules(outcome, "SG018") == [("PX-1", "评审打分.xlsx", "B3")]
    # only year-end scores: the folder has no review round, so the approval is not a ranking's
    assert not outcome.ranked
    assert [p.project_id for p in outcome.approved()] == ["PX-1"]


def test_final_stage_has_no_review_adjustments_and_top10_only_at_or_above_the_line(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING, 是否培育新团队="是")
    form(tmp_path, "PX-2", PUXING)
    form(tmp_path, "PX-3", PUXING, 负责人是否本居民区居民="否")  # PX001: an error, no 十佳
    rows = [("PX-1", "甲", 80, r) for r in ("立项评审", "年终评审")]
    rows += [("PX-2", "甲", 59.99, "年终评审"), ("PX-3", "甲", 99, "年终评审")]
    write_table(
        tmp_path / "评审打分.xlsx", "评审打分", ("项目编号", "评审人", "总分", "轮次"), rows
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31), stage="final")
    review = outcome.review.entry("PX-1")
    assert (review.adjusted, [a.points for a in review.adjustments]) == (Decimal(83), [Decimal(3)])
    final = {e.project_id: e for e in outcome.final.entries}
    assert final["PX-1"].adjustments == [] and final["PX-1"].adjusted == Decimal(80)
    assert [(e.project_id, e.flags) for e in outcome.final.entries] == [
        ("PX-3", ["needs_fix"]),
        ("PX-1", ["top10", "top5"]),
        ("PX-2", ["below_line"]),
    ]


# ---------------------------------------------------------------- the money calendar


def test_no_approval_date_releases_tranche_1_on_the_start_date(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING, 开始日期="2023-05-01")
    before = run(tmp_path, as_of=date(2023, 4, 30)).disbursement.project("PX-1")
    on_the_day = run(tmp_path, as_of=date(2023, 5, 1)).disbursement.project("PX-1")
    assert (before.plan.tranches[0].status, before.released) == ("pending", Decimal(0))
    assert before.plan.tranches[0].reason == (
        "开始日期 2023-05-01 尚未到（没有立项日期，第1笔按开始日期拨付）"
    )
    assert (on_the_day.plan.tranches[0].status, on_the_day.released) == (
        "released",
        Decimal("6000.00"),
    )


def test_a_september_project_takes_the_middle_of_its_period_as_midterm_date(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING, 开始日期="2023-09-01", 结束日期="2023-12-31")
    write_table(
        tmp_path / "评估结果.xlsx", "评估结果", None, [{"项目编号": "PX-1", "中期评估": "合格"}]
    )
    ledger(tmp_path, [("2023-10-01", "PX-1", 3000)])
    plan = run(tmp_path, as_of=date(2023, 12, 31)).disbursement.project("PX-1").plan
    assert (plan.midterm_date, plan.midterm_date_from) == (date(2023, 10, 31), "项目周期的中间一天")
    assert (plan.midterm_spent, plan.midterm_usage) == (Decimal(3000), Decimal("0.5"))
    assert [t.status for t in plan.tranches] == ["released", "released"]


def test_as_of_ignores_later_ledger_rows_including_the_day_after(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING)
    ledger(
        tmp_path,
        [("2023-06-15", "PX-1", 1000), ("2023-06-16", "PX-1", 2000), ("2023-09-20", "PX-1", 500)],
    )
    money = run(tmp_path, as_of=date(2023, 6, 15)).disbursement.project("PX-1")
    assert (money.spent, money.later_rows) == (Decimal(1000), 2)


def test_application_errors_withhold_tranche_1_with_one_finding(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING, 负责人是否本居民区居民="否")
    ledger(tmp_path, [(f"2023-04-{d:02d}", "PX-1", 100) for d in range(1, 25)])
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert len(rules(outcome, "SG014")) == 1
    item = outcome.projects["PX-1"]
    assert (item.approved, item.status, item.money.released) == (False, "needs_fix", Decimal(0))


def test_latest_known_approved_amount_and_its_date(tmp_path):
    write_config(tmp_path, "puxing-2023")
    form(tmp_path, "PX-1", PUXING)
    write_table(
        tmp_path / "评估结果.xlsx",
        "评估结果",
        None,
        [
            {"项目编号": "PX-1", "核定金额": 9000, "立项日期": "2023-03-01"},
            {"项目编号": "PX-1", "核定金额": 8000, "立项日期": "2023-06-01"},
        ],
    )
    early = run(tmp_path, as_of=date(2023, 5, 1)).projects["PX-1"]
    late = run(tmp_path, as_of=date(2023, 12, 31)).projects["PX-1"]
    assert (early.amount, early.approval.approved_on) == (Decimal("9000.00"), date(2023, 3, 1))
    assert (late.amount, late.approval.approved_on) == (Decimal("8000.00"), date(2023, 6, 1))


# ---------------------------------------------------------------- 成都


def test_chengdu_quota_counts_only_a_and_b_projects_not_city_level(tmp_path):
    write_config(tmp_path, "chengdu-2023")
    form(tmp_path, "CD-1", CHENGDU)
    form(tmp_path, "CD-2", CHENGDU)
    form(
        tmp_path,
        "CD-3",
        CHENGDU,
        项目类别="C",
        申报主体="某大学",
        申报主体类型="高等院校",
        自筹金额=None,
    )
    form(
        tmp_path,
        "CD-4",
        CHENGDU,
        项目类别="B1",
        申报主体="某社工机构",
        申报主体类型="社会服务机构",
        法定代表人="赵六",
        前两年年检结果="合格,合格",
        是否建立党组织="是",
        是否有独立银行账户="是",
        申报层级="市本级",
    )
    form(tmp_path, "CD-5", CHENGDU)
    # 锦江区 has 2 + 1 places: CD-3 (C) and CD-4 (市本级 B) are ranked above but use none
    totals = {"CD-3": 99, "CD-4": 98, "CD-1": 90, "CD-2": 85, "CD-5": 80}
    header = (
        "项目编号",
        "评审人",
        "必要性",
        "可行性",
        "科学性",
        "创新性",
        "参与性",
        "实效性",
        "评委序号",
    )
    rows = [(pid, "甲", t - 50, 10, 10, 10, 10, 10, 7) for pid, t in totals.items()]
    write_table(tmp_path / "评审打分.xlsx", "评审打分", header, rows)
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert [(e.project_id, e.score) for e in outcome.review.entries] == [
        (pid, Decimal(t)) for pid, t in totals.items()
    ]  # 评委序号 (7) is never summed
    flags = {e.project_id: e.flags for e in outcome.review.entries}
    assert [pid for pid, f in flags.items() if "over_quota" in f] == []
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        header,
        rows + [("CD-6", "甲", 20, 10, 10, 10, 10, 10, 1)],
    )
    form(tmp_path, "CD-6", CHENGDU)
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    flags = {e.project_id: e.flags for e in outcome.review.entries}
    assert [pid for pid, f in flags.items() if "over_quota" in f] == ["CD-6"]
    assert not outcome.projects["CD-6"].approved


def test_chengdu_cd005_groups_b1_and_b2_as_b(tmp_path):
    write_config(tmp_path, "chengdu-2023")
    org = dict(
        申报主体类型="社会服务机构",
        法定代表人="赵六",
        前两年年检结果="合格,合格",
        是否建立党组织="是",
        是否有独立银行账户="是",
    )
    form(tmp_path, "CD-1", CHENGDU, 项目类别="B1", 申报主体="机构一", **org)
    form(tmp_path, "CD-2", CHENGDU, 项目类别="B2", 申报主体="机构二", **org)
    cells = form(tmp_path, "CD-3", CHENGDU, 项目类别="B1", 申报主体="机构三", **org)
    form(tmp_path, "CD-4", CHENGDU, 项目类别="C", 申报主体="机构四", **{**org, "自筹金额": None})
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert rules(outcome, "CD005") == [("CD-3", "申报/CD-3.xlsx", cells["法定代表人"])]


# ---------------------------------------------------------------- 共和新路


GONGHE = {
    "项目类别": "七彩微创投",
    "意向": "睦邻友好建设、青年社区参与",
    "居民区": "共和一居",
    "申报主体": "共和一居委",
    "项目负责人": "王五",
    "申请金额": 5000,
    "开始日期": "2023-03-01",
    "结束日期": "2023-12-31",
}


def test_gonghe_several_intents_each_checked(tmp_path):
    write_config(tmp_path, "gonghexinlu-2023")
    form(tmp_path, "GH-1", GONGHE)
    cells = form(tmp_path, "GH-2", GONGHE, 意向="睦邻友好建设，搭建一个社区自治载体")
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert rules(outcome, "SG007") == []
    assert rules(outcome, "GH002") == [("GH-2", "申报/GH-2.xlsx", cells["意向"])]


def test_gonghe_pool_tops_up_brand_overruns_first(tmp_path):
    write_config(tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": 20000})
    form(tmp_path, "GH-1", GONGHE, 项目类别="一居一品", 意向="搭建一个社区自治载体", 申请金额=26000)
    for pid in ("GH-2", "GH-3"):
        form(tmp_path, pid, GONGHE, 意向="睦邻友好建设", 居民区=f"共和{pid}")
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("GH-1", "甲", 90), ("GH-2", "甲", 80), ("GH-3", "甲", 70)],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    pool = outcome.review.pool
    assert pool["topups"] == [
        {
            "project_id": "GH-1",
            "amount": "6000.00",
            "reason": "一居一品项目 GH-1 核定 26,000.00 元，超出共和一居居民自治金 20,000.00 元的 6,000.00 元由资金池补充（共和新路 七）",
        }
    ]
    # 10000 − 6000 = 4000 left: GH-2 (5000) does not fit, the line stops there
    flags = {e.project_id: e.flags for e in outcome.review.entries}
    assert (flags["GH-2"], flags["GH-3"]) == (["unfunded"], ["unfunded"])
    assert pool["remaining"] == "4000.00"


def test_gonghe_topups_over_the_pool_are_said_not_a_negative_remainder(tmp_path):
    """Clerk audit 3: `--pool 30000` with 35,000 of 一居一品 top-ups said “资金池剩余 -5,000.00 元，
    不足以资助本项目” and “已分配 35,000.00 元” without a word of the top-ups."""
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from selfgov_cli.cli.app import app

    write_config(tmp_path, "gonghexinlu-2023", {"pool": 5000, "neighborhood_allowance": 20000})
    form(tmp_path, "GH-1", GONGHE, 项目类别="一居一品", 意向="搭建一个社区自治载体", 申请金额=26000)
    form(tmp_path, "GH-2", GONGHE, 意向="睦邻友好建设", 居民区="共和二居")
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("GH-1", "甲", 90), ("GH-2", "甲", 80)],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    gh2 = next(e for e in outcome.review.entries if e.project_id == "GH-2")
    assert gh2.flags == ["unfunded"]
    assert gh2.why[-1] == (
        "资金池 5,000.00 元已不足以补充一居一品项目（需 6,000.00 元，缺 1,000.00 元），"
        "无法资助本项目 5,000.00 元（共和新路 七）"
    )
    assert outcome.review.pool["remaining"] == "-1000.00"  # JSON: the pool is over-committed

    result = CliRunner().invoke(
        app,
        [
            "rank",
            str(tmp_path),
            "--as-of",
            "2023-12-31",
            "-f",
            "xlsx",
            "-o",
            str(tmp_path / "sgov-output"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = CliRunner().invoke(app, ["rank", str(tmp_path), "--as-of", "2023-12-31"])
    assert (
        "资金池 5,000.00 元（放不下即止）：一居一品补充 1 个项目 6,000.00 元，"
        "资助七彩微创投 0.00 元，缺 1,000.00 元" in table.output
    )
    about = load_workbook(tmp_path / "sgov-output" / "评审排名.xlsx")["排名方法"]
    rows = {r[0]: r[1] for r in about.iter_rows(min_row=2, values_only=True)}
    assert rows["一居一品补充"] == 6000
    assert rows["一居一品补充明细"] == (
        "一居一品项目 GH-1 核定 26,000.00 元，超出共和一居居民自治金 20,000.00 元的 6,000.00 元由资金池补充（共和新路 七）"
    )
    assert rows["剩余"] == -1000


def test_gonghe_pool_skips_upheld_objections_and_projects_below_the_line(tmp_path):
    """Clerk audit (共和新路): a 七彩微创投 project cancelled by 异议成立 kept its 5,000 of pool money,
    and 一居一品 projects cancelled or below the line were topped up from the pool: the next
    project in rank order went unfunded (rules.md Ranking: an upheld objection takes no pool money)."""
    write_config(tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": 20000})
    brand = {"项目类别": "一居一品", "意向": "搭建一个社区自治载体"}
    form(tmp_path, "GH-1", GONGHE, **brand, 申请金额=26000)  # cancelled: no top-up
    form(tmp_path, "GH-2", GONGHE, **brand, 居民区="共和二居", 申请金额=23000)  # below the line
    for pid in ("GH-3", "GH-4", "GH-5"):
        form(tmp_path, pid, GONGHE, 意向="睦邻友好建设", 居民区=f"共和{pid}")
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("GH-1", "甲", 95), ("GH-2", "甲", 50), ("GH-3", "甲", 90), ("GH-4", "甲", 85)]
        + [("GH-5", "甲", 80)],
    )
    write_table(
        tmp_path / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "理由", "认定人", "认定日期"),
        [
            ("GH-1", "异议成立", "与区里项目重复", "王主任", "2023-04-20"),
            ("GH-3", "异议成立", "选址为消防通道", "王主任", "2023-04-20"),
        ],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    pool = outcome.review.pool
    assert (pool["topups"], pool["allocated"], pool["remaining"]) == ([], "10000.00", "0.00")
    flags = {e.project_id: e.flags for e in outcome.review.entries}
    assert flags == {
        "GH-1": ["cancelled"],
        "GH-3": ["cancelled"],
        "GH-4": ["funded"],
        "GH-5": ["funded"],
        "GH-2": ["below_line"],
    }
    assert [p.project_id for p in outcome.approved()] == ["GH-4", "GH-5"]
    assert [e.project_id for e in outcome.review.entries] == [
        "GH-1",
        "GH-3",
        "GH-4",
        "GH-5",
        "GH-2",
    ]


def test_chengdu_upheld_objection_frees_its_district_place(tmp_path):
    """The same fix for 成都's quotas: a project cancelled by 异议成立 takes no district place, so
    the next one in its district is inside the quota (rules.md Ranking)."""
    write_config(tmp_path, "chengdu-2023")
    for pid in ("CD-1", "CD-2", "CD-3"):
        form(tmp_path, pid, CHENGDU, 所属区县="武侯区")  # 武侯区: 2 places, no excellent case
    write_table(
        tmp_path / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("CD-1", "甲", 90), ("CD-2", "甲", 85), ("CD-3", "甲", 80)],
    )
    write_table(
        tmp_path / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "理由", "认定人", "认定日期"),
        [("CD-1", "异议成立", "公示期间异议属实", "区民政局", "2023-07-01")],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert {e.project_id: e.flags for e in outcome.review.entries} == {
        "CD-1": ["cancelled"],
        "CD-2": [],
        "CD-3": [],
    }
    assert [p.project_id for p in outcome.approved()] == ["CD-2", "CD-3"]


def _two_brand_projects(folder, second_amount: int):
    """共和新路: 一居一品 GH-1 (共和一居, 26,000, scored 90) and GH-2 (共和二居, scored 80)."""
    brand = {"项目类别": "一居一品", "意向": "搭建一个社区自治载体"}
    form(folder, "GH-1", GONGHE, **brand, 申请金额=26000)
    form(folder, "GH-2", GONGHE, **brand, 居民区="共和二居", 申请金额=second_amount)
    write_table(
        folder / "评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("GH-1", "甲", 90), ("GH-2", "甲", 80)],
    )
    return run(folder, as_of=date(2023, 12, 31))


def test_gonghe_topped_up_brand_project_says_so_in_its_ranking(tmp_path):
    """Clerk audit: `sgov rank` and `sgov explain` told a 一居一品 project that took 6,000 from the pool
    “不属于资金池资助的类别（七彩微创投），不划资金线” and never named its top-up."""
    write_config(tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": 20000})
    outcome = _two_brand_projects(tmp_path, second_amount=15000)
    assert [e.why[-1] for e in outcome.review.entries] == [
        "一居一品项目 GH-1 核定 26,000.00 元，超出共和一居居民自治金 20,000.00 元的 6,000.00 元由资金池补充（共和新路 七）",
        "不属于资金池资助的类别（七彩微创投），不划资金线（共和新路 七）",
    ]


def test_a_ranked_cancelled_project_is_flagged_once(tmp_path):
    """Clerk audit: a scored project with an upheld objection showed “标记：异议成立、异议成立” in
    sgov explain and flags “cancelled;cancelled” in the export's projects table."""
    write_config(tmp_path, "gonghexinlu-2023")
    form(tmp_path, "GH-1", GONGHE, 意向="睦邻友好建设")
    write_table(
        tmp_path / "评审打分.xlsx", "评审打分", ("项目编号", "评审人", "总分"), [("GH-1", "甲", 90)]
    )
    write_table(
        tmp_path / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "理由", "认定人", "认定日期"),
        [("GH-1", "异议成立", "选址为消防通道", "王主任", "2023-04-20")],
    )
    outcome = run(tmp_path, as_of=date(2023, 12, 31))
    assert outcome.projects["GH-1"].flags == ["cancelled"]
    assert outcome.review.entry("GH-1").flags == ["cancelled"]


def test_gonghe_allowance_table_without_the_neighborhood_is_said(tmp_path):
    """Clerk audit: with neighborhood_allowance a table by 居民区, a 一居一品 whose 居民区 the table
    does not name (a typo in sgov.toml) was silently not topped up; its ranking now says why."""
    from tests.test_rank import config

    config(
        tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": {"共和一居": 20000}}
    )
    outcome = _two_brand_projects(tmp_path, second_amount=26000)
    assert [e.why[-1] for e in outcome.review.entries] == [
        "一居一品项目 GH-1 核定 26,000.00 元，超出共和一居居民自治金 20,000.00 元的 6,000.00 元由资金池补充（共和新路 七）",
        "sgov.toml 的 neighborhood_allowance 中没有“共和二居”：不知道该居民区的居民自治金，"
        "一居一品超出部分无法从资金池补充，请补上（共和新路 七）",
    ]
