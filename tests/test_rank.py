"""rank(): trimming, groups, adjustments, the total order, and every line (top, min score, quota, pool)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.pipeline import run
from selfgov_cli.rank import RankError
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table

AS_OF = date(2023, 12, 31)

BASE = {
    "puxing-2023": {
        "项目类别": "悦家",
        "居民区": "浦兴一居",
        "申报主体": "浦兴一居委",
        "项目负责人": "张三丰",
        "负责人是否本居民区居民": "是",
        "申请金额": 10000,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
    },
    "chengdu-2023": {
        "项目类别": "A",
        "居民区": "某社区",
        "所属区县": "锦江区",
        "申报主体": "某社区居委会",
        "申报主体类型": "居委会",
        "项目负责人": "李四",
        "申请金额": 100000,
        "自筹金额": 20000,
        "片区村社区数": 5,
        "覆盖村社区数": 3,
        "开始日期": "2023-07-01",
        "结束日期": "2024-06-30",
        "申报日期": "2023-06-01",
    },
    "gonghexinlu-2023": {
        "项目类别": "七彩微创投",
        "意向": "睦邻友好建设",
        "居民区": "共和一居",
        "申报主体": "共和一居委",
        "项目负责人": "王五",
        "申请金额": 5000,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
    },
}


def app(folder: Path, pid: str, program: str = "puxing-2023", **fields) -> dict[str, str]:
    """One application form in folder/申报/<pid>.xlsx; returns label -> value cell."""
    form = {"项目编号": pid, "项目名称": f"项目{pid}", **BASE[program], **fields}
    amount = form["申请金额"]
    return write_form(folder / "申报" / f"{pid}.xlsx", form, budget=[("工作经费", "物资", amount)])


def scores(folder: Path, rows, header=("项目编号", "评审人", "总分"), name="评审打分.xlsx") -> Path:
    return write_table(folder / name, "评审打分", header, rows)


def grid(table: dict[str, list]) -> list[tuple]:
    """{pid: [total by reviewer A, B, ...]} -> score rows, project by project."""
    return [
        (pid, chr(65 + i), total) for pid, totals in table.items() for i, total in enumerate(totals)
    ]


def config(path: Path, program: str = "puxing-2023", settings: dict | None = None) -> Path:
    """sgov.toml; map settings (group_weights, excellent_cases) become inline tables."""
    plain = {k: v for k, v in (settings or {}).items() if not isinstance(v, dict)}
    write_config(path, program, plain)
    tables = {k: v for k, v in (settings or {}).items() if isinstance(v, dict)}
    if tables:
        text = (path / "sgov.toml").read_text(encoding="utf-8")
        if "[settings]" not in text:
            text += "\n[settings]\n"
        for key, value in tables.items():
            inline = ", ".join(f'"{name}" = {number}' for name, number in value.items())
            text += f"{key} = {{{inline}}}\n"
        (path / "sgov.toml").write_text(text, encoding="utf-8")
    return path


def folder(tmp_path: Path, program: str = "puxing-2023", settings: dict | None = None) -> Path:
    return config(tmp_path, program, settings)


def ranked(folder_path: Path, stage: str = "review", pool: Decimal | None = None) -> dict:
    return run(folder_path, as_of=AS_OF, stage=stage, pool=pool).ranking(stage).to_dict()


def order(result: dict) -> list[tuple]:
    return [
        (e["rank"], e["project_id"], e["score"], e["adjusted_score"], e["flags"])
        for e in result["ranking"]
    ]


# --- the score: mean, trimming, groups ------------------------------------------------------


def test_trimming_changes_the_order(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    scores(f, grid({"P1": [100, 70, 70, 70, 70], "P2": [75, 75, 75, 75, 75]}))
    result = ranked(f)
    assert order(result) == [
        (1, "P2", "75.0000", "75.0000", []),
        (2, "P1", "70.0000", "70.0000", []),
    ]
    p1 = result["ranking"][1]
    assert p1["reviewers"] == 5
    assert p1["dropped"] == [
        {"reviewer": "A", "total": "100.0000", "reason": "最高分"},
        {"reviewer": "B", "total": "70.0000", "reason": "最低分"},
    ]
    assert [(t["reviewer"], t["dropped"], t["row"]) for t in p1["reviewer_totals"]] == [
        ("A", True, 2),
        ("B", True, 3),
        ("C", False, 4),
        ("D", False, 5),
        ("E", False, 6),
    ]
    assert p1["why"][0] == "评审 5 人，去掉最高分 100（A）与最低分 70（B），其余 3 人平均 70.0000"

    config(f, "puxing-2023", {"trim_extremes": False})
    assert order(ranked(f)) == [
        (1, "P1", "76.0000", "76.0000", []),
        (2, "P2", "75.0000", "75.0000", []),
    ]


def test_four_reviewers_are_not_trimmed_unless_the_setting_says_so(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    scores(f, grid({"P1": [100, 70, 70, 60]}))
    entry = ranked(f)["ranking"][0]
    assert (entry["score"], entry["dropped"]) == ("75.0000", [])
    assert entry["why"][0] == "评审 4 人，平均 75.0000（不足 5 人，不去掉最高最低分）"
    config(f, "puxing-2023", {"trim_min_reviewers": 4})
    entry = ranked(f)["ranking"][0]
    assert (entry["score"], [d["reviewer"] for d in entry["dropped"]]) == ("70.0000", ["A", "D"])


def test_equal_extremes_drop_only_one_each(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    scores(f, grid({"P1": [90, 90, 80, 60, 60]}))
    entry = ranked(f)["ranking"][0]
    assert entry["score"] == "76.6667"  # (90 + 80 + 60) / 3
    assert entry["dropped"] == [
        {"reviewer": "A", "total": "90.0000", "reason": "最高分"},
        {"reviewer": "D", "total": "60.0000", "reason": "最低分"},
    ]


def test_criteria_are_summed_when_there_is_no_total(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    header = ("序号", "项目编号", "评审人", "必要性", "可行性", "实效性")
    scores(f, [(1, "P1", "A", 30, 30.5, 20), (2, "P1", "B", 25, 25, 20)], header=header)
    entry = ranked(f)["ranking"][0]
    assert [t["total"] for t in entry["reviewer_totals"]] == [
        "80.5000",
        "70.0000",
    ]  # 序号 is not a criterion
    assert entry["score"] == "75.2500"


def test_weighted_groups_average_each_group_first(tmp_path):
    f = folder(tmp_path, settings={"group_weights": {"专家": 70, "居民": 30}})
    for pid in ("P1", "P2", "P3"):
        app(f, pid)
    header = ("项目编号", "评审人", "评审组", "总分")
    rows = [
        ("P1", "甲", "专家", 90),
        ("P1", "乙", "专家", 80),
        ("P1", "丙", "居民", 60),
        ("P1", "丁", "居民", 70),
        ("P1", "戊", "居民", 80),
        ("P2", "甲", "专家", 80),
        ("P2", "丙", "居民", 90),
        ("P3", "甲", "专家", 82),
    ]
    scores(f, rows, header=header)
    result = ranked(f)
    # P1 = 0.7 * 85 + 0.3 * 70 = 80.5 (unweighted it would be 76); P2 = 0.7 * 80 + 0.3 * 90 = 83;
    # P3 has experts only: their mean, 82.
    assert order(result) == [
        (1, "P2", "83.0000", "83.0000", []),
        (2, "P3", "82.0000", "82.0000", []),
        (3, "P1", "80.5000", "80.5000", []),
    ]
    assert result["ranking"][1]["why"][0] == (
        "“专家”组（权重 70%）评审 1 人，平均 82.0000（不足 5 人，不去掉最高最低分）；“居民”组无人评分；"
        "加权得分 82.0000；缺少“居民”组，按其余组的权重折算"
    )
    assert result["method"]["group_weights"] == {"专家": "70", "居民": "30"}


def test_groups_are_trimmed_inside_each_group(tmp_path):
    f = folder(tmp_path, settings={"group_weights": {"专家": 50, "居民": 50}})
    app(f, "P1")
    header = ("项目编号", "评审人", "评审组", "总分")
    rows = [("P1", f"专家{i}", "专家", t) for i, t in enumerate([100, 80, 80, 80, 40])]
    rows += [("P1", f"居民{i}", "居民", t) for i, t in enumerate([90, 60])]
    scores(f, rows, header=header)
    entry = ranked(f)["ranking"][0]
    assert entry["score"] == "77.5000"  # experts 80 (trimmed), residents 75 (not trimmed)
    assert [d["reviewer"] for d in entry["dropped"]] == ["专家0", "专家4"]


# --- adjustments and the total order --------------------------------------------------------


def test_puxing_adjustments_with_reason_and_clause(tmp_path):
    f = folder(tmp_path)
    app(f, "P1", 是否延续项目="是", 上年执行率="79.456%")  # shown as 79.46% (cli.md)
    app(f, "P2", 是否延续项目="是", 上年执行率="80%")  # at the threshold: no penalty
    app(f, "P3", 是否延续项目="否", 上年执行率="50%")  # not continuing: no penalty
    app(f, "P4", 是否培育新团队="是")
    scores(f, grid({"P1": [80], "P2": [80], "P3": [80], "P4": [80]}))
    result = ranked(f)
    assert order(result) == [
        (1, "P4", "80.0000", "83.0000", []),
        (2, "P2", "80.0000", "80.0000", []),
        (3, "P3", "80.0000", "80.0000", []),
        (4, "P1", "80.0000", "75.0000", []),
    ]
    assert result["ranking"][0]["adjustments"] == [
        {"points": "3", "reason": "培育新团队（1+N+X），加 3 分", "clause": "浦兴 三.3"}
    ]
    assert result["ranking"][3]["adjustments"] == [
        {
            "points": "-5",
            "reason": "延续项目上年执行率 79.46% 低于 80.00%，扣 5 分",
            "clause": "浦兴 三.3",
        }
    ]


def test_adjustment_settings_are_used(tmp_path):
    f = folder(
        tmp_path, settings={"usage_threshold": 0.9, "usage_penalty": -2.5, "new_team_bonus": 1}
    )
    app(f, "P1", 是否延续项目="是", 上年执行率="85%", 是否培育新团队="是")
    scores(f, grid({"P1": [80]}))
    entry = ranked(f)["ranking"][0]
    assert [a["points"] for a in entry["adjustments"]] == ["-2.5", "1"]
    assert entry["adjusted_score"] == "78.5000"


def test_other_programs_have_no_adjustments(tmp_path):
    f = folder(tmp_path, "gonghexinlu-2023")
    app(f, "G1", "gonghexinlu-2023", 是否培育新团队="是")
    scores(f, grid({"G1": [80]}))
    assert ranked(f)["ranking"][0]["adjustments"] == []


def test_ties_adjusted_then_unadjusted_then_project_id(tmp_path):
    f = folder(tmp_path)
    app(f, "P-C", 是否培育新团队="是")  # 80 + 3 = 83
    app(f, "P-B")  # 83
    app(f, "P-A")  # 83
    app(f, "P-D")  # 83.5: first
    scores(f, grid({"P-C": [80], "P-B": [83], "P-A": [83], "P-D": [83.5]}))
    result = ranked(f)
    assert [e["project_id"] for e in result["ranking"]] == ["P-D", "P-A", "P-B", "P-C"]
    assert [e["rank"] for e in result["ranking"]] == [1, 2, 3, 4]
    assert (
        result["ranking"][2]["why"][-1]
        == "调整后与未调整得分都与第 2 名 P-A 相同，按项目编号排在其后"
    )
    assert (
        result["ranking"][3]["why"][-1]
        == "调整后得分 83.0000 与第 3 名 P-B 相同，未调整得分较低，排在其后"
    )


def test_a_tie_orders_project_ids_as_numbers(tmp_path):
    """Equal scores: 项目编号 decides, its numbers read as numbers (PX-9 before PX-10), as the
    publicity list orders them; text order put PX-10 first."""
    f = folder(tmp_path)
    for pid in ("PX-10", "PX-9", "PX-100"):
        app(f, pid)
    scores(f, grid({"PX-10": [80], "PX-9": [80], "PX-100": [80]}))
    result = ranked(f)
    assert [e["project_id"] for e in result["ranking"]] == ["PX-9", "PX-10", "PX-100"]
    assert result["ranking"][1]["why"][-1] == (
        "调整后与未调整得分都与第 1 名 PX-9 相同，按项目编号排在其后"
    )


def test_scores_compare_as_shown_to_four_decimals(tmp_path):
    f = folder(tmp_path, settings={"trim_extremes": False})
    app(f, "P1")
    app(f, "P2")
    # P2 = 250/3 = 83.33333…; P1 = 83.3333 exactly: equal as shown, so 项目编号 decides.
    scores(f, grid({"P2": [83, 83, 84], "P1": [83.3333]}))
    assert [(e["project_id"], e["score"]) for e in ranked(f)["ranking"]] == [
        ("P1", "83.3333"),
        ("P2", "83.3333"),
    ]


# --- lines ------------------------------------------------------------------------------------


def test_below_line_at_the_minimum_score(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    app(f, "P3", 是否培育新团队="是")
    scores(f, grid({"P1": [60], "P2": [59.99], "P3": [57]}))
    result = ranked(f)
    assert order(result) == [
        (1, "P1", "60.0000", "60.0000", []),
        (2, "P3", "57.0000", "60.0000", []),  # the bonus lifts it to the line
        (3, "P2", "59.9900", "59.9900", ["below_line"]),
    ]
    assert result["ranking"][2]["why"][-1] == "调整后得分 59.9900 低于入围分 60，未入围"
    config(f, "puxing-2023", {"min_score": 59.99})
    assert [e["flags"] for e in ranked(f)["ranking"]] == [[], [], []]


def test_top10_and_top5_only_at_the_final_puxing_stage(tmp_path):
    f = folder(tmp_path)
    table = {f"P{n:02d}": [90 - n] for n in range(1, 13)}
    for pid in table:
        app(f, pid)
    scores(f, grid(table))  # the 立项评审 round
    scores(f, grid(table), name="年终评审打分.xlsx")  # the 年终评审 round, same totals
    final = ranked(f, stage="final")
    assert [e["flags"] for e in final["ranking"]] == [["top10", "top5"]] * 5 + [["top10"]] * 5 + [
        [],
        [],
    ]
    assert (
        final["ranking"][4]["why"][-1]
        == "年终十佳第 5 名：明年绿色通道，志愿者补贴上限 35%（浦兴 三.6）"
    )
    assert final["ranking"][5]["why"][-1] == "年终十佳第 6 名：明年绿色通道（浦兴 三.6）"
    assert (final["summary"]["top10"], final["summary"]["top5"]) == (10, 5)
    review = ranked(f, stage="review")
    assert len(review["ranking"]) == 12
    assert all(e["flags"] == [] for e in review["ranking"])


def test_each_stage_ranks_only_its_round(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    scores(f, grid({"P1": [80], "P2": [70]}))  # 立项评审
    scores(f, grid({"P2": [90]}), name="年终评审打分.xlsx")  # 年终: P2 only
    assert [(e["project_id"], e["score"]) for e in ranked(f)["ranking"]] == [
        ("P1", "80.0000"),
        ("P2", "70.0000"),
    ]
    final = ranked(f, stage="final")
    assert [(e["project_id"], e["flags"]) for e in final["ranking"]] == [("P2", ["top10", "top5"])]
    assert final["method"]["round"] == "年终评审"
    # a 轮次 column decides the round whatever the file is called
    scores(
        f,
        [("P1", "A", "年终", 70), ("P2", "A", "立项", 60)],
        header=("项目编号", "评审人", "轮次", "总分"),
        name="打分.xlsx",
    )
    assert {e["project_id"]: e["score"] for e in ranked(f)["ranking"]} == {
        "P1": "80.0000",
        "P2": "60.0000",
    }
    assert {e["project_id"]: e["score"] for e in ranked(f, stage="final")["ranking"]} == {
        "P1": "70.0000",
        "P2": "90.0000",
    }


def test_no_top_flags_outside_puxing(tmp_path):
    f = folder(tmp_path, "gonghexinlu-2023")
    app(f, "G1", "gonghexinlu-2023")
    scores(f, grid({"G1": [80]}), name="年终评审打分.xlsx")
    assert ranked(f, stage="final")["ranking"][0]["flags"] == [
        "funded"
    ]  # the default pool, no 十佳


def test_chengdu_quota_per_district_at_its_boundary(tmp_path):
    f = folder(tmp_path, "chengdu-2023")
    # 锦江区: 2 + 1 excellent case = 3 places; 高新区 (no excellent case): 2; 金牛区: 2 + 4 = 6.
    plan = {
        "J1": ("锦江区", 90),
        "J2": ("锦江区", 89),
        "J3": ("锦江区", 88),
        "J4": ("锦江区", 87),
        "G1": ("高新区", 86),
        "G2": ("高新区", 50),
        "G3": ("高新区", 85),
        "G4": ("高新区", 84),
        "K1": ("金牛区", 83),
    }
    for pid, (district, _) in plan.items():
        app(f, pid, "chengdu-2023", 所属区县=district)
    scores(f, grid({pid: [total] for pid, (_, total) in plan.items()}))
    result = ranked(f)
    flags = {e["project_id"]: e["flags"] for e in result["ranking"]}
    assert flags == {
        "J1": [],
        "J2": [],
        "J3": [],
        "J4": ["over_quota"],
        "G1": [],
        "G3": [],
        "G4": ["over_quota"],  # G2 is below the line: it takes no place
        "G2": ["below_line"],
        "K1": [],
    }
    j4 = next(e for e in result["ranking"] if e["project_id"] == "J4")
    assert (
        j4["why"][-1]
        == "锦江区名额 3（基础 2 + 优秀案例 1），本项目为区内第 4 名，超出名额（成都 四.(二)1、3）"
    )
    g3 = next(e for e in result["ranking"] if e["project_id"] == "G3")
    assert g3["why"][-1] == "高新区名额 2（基础 2），本项目为区内第 2 名，在名额内"


def test_chengdu_quota_settings(tmp_path):
    f = folder(
        tmp_path,
        "chengdu-2023",
        settings={"quota_per_district": 1, "excellent_cases": {"锦江区": 0}},
    )
    for pid in ("J1", "J2"):
        app(f, pid, "chengdu-2023")
    scores(f, grid({"J1": [90], "J2": [80]}))
    assert [e["flags"] for e in ranked(f)["ranking"]] == [[], ["over_quota"]]


def _pool_folder(tmp_path, mode="cutoff", pool=None):
    settings = {"pool_mode": mode}
    if pool is not None:
        settings["pool"] = pool
    f = folder(tmp_path, "gonghexinlu-2023", settings)
    plan = [
        ("G1", 5000, 95),
        ("G2", 4000, 90),
        ("G3", 3000, 85),
        ("G4", 1000, 80),
        ("G5", 1000, 50),
    ]
    for pid, amount, _ in plan:
        app(f, pid, "gonghexinlu-2023", 申请金额=amount)
    app(
        f,
        "Y1",
        "gonghexinlu-2023",
        项目类别="一居一品",
        意向="办理一件社区民生实事",
        申请金额=50000,
    )
    scores(f, grid({**{pid: [total] for pid, _, total in plan}, "Y1": [99]}))
    return f


def test_pool_cutoff_at_the_exact_boundary(tmp_path):
    f = _pool_folder(tmp_path, pool=9000)
    result = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in result["ranking"]] == [
        ("Y1", []),  # 一居一品 is not paid from the 七彩微创投 pool
        ("G1", ["funded"]),
        ("G2", ["funded"]),  # 5000 + 4000 = 9000 exactly: fits
        ("G3", ["unfunded"]),
        ("G4", ["unfunded"]),  # after the line
        ("G5", ["below_line"]),  # below the line: takes no pool money
    ]
    assert (
        result["ranking"][0]["why"][-1]
        == "不属于资金池资助的类别（七彩微创投），不划资金线（共和新路 七）"
    )
    assert result["pool"] == {
        "total": "9000.00",
        "mode": "cutoff",
        "categories": ["七彩微创投"],
        "allocated": "9000.00",
        "remaining": "0.00",
        "topups": [],
        "topped_up": "0.00",
        "funded": "9000.00",
    }
    assert (
        result["ranking"][3]["why"][-1]
        == "资金池剩余 0.00 元，不足以资助本项目 3,000.00 元（共和新路 七）"
    )
    assert (
        result["ranking"][4]["why"][-1] == "资金线止于第 4 名 G3，其后项目不再资助（共和新路 七）"
    )


def test_pool_cutoff_does_not_pull_up_a_smaller_project_but_skip_does(tmp_path):
    f = _pool_folder(tmp_path, pool=10500)
    assert [e["flags"] for e in ranked(f)["ranking"]][1:5] == [
        ["funded"],
        ["funded"],
        ["unfunded"],
        ["unfunded"],
    ]
    f = _pool_folder(tmp_path, mode="skip", pool=10500)
    result = ranked(f)
    assert [e["flags"] for e in result["ranking"]][1:5] == [
        ["funded"],
        ["funded"],
        ["unfunded"],
        ["funded"],
    ]
    assert (result["pool"]["allocated"], result["pool"]["remaining"]) == ("10000.00", "500.00")


def test_pool_option_overrides_the_setting_and_default(tmp_path):
    f = _pool_folder(tmp_path)  # default pool 200,000: everything above the line fits
    assert ranked(f)["pool"]["total"] == "200000.00"
    assert [e["flags"] for e in ranked(f)["ranking"]][1:5] == [["funded"]] * 4
    result = ranked(f, pool=Decimal("4999.99"))
    assert [e["flags"] for e in result["ranking"]][1:5] == [["unfunded"]] * 4


def test_pool_uses_the_approved_amount(tmp_path):
    f = _pool_folder(tmp_path, pool=9000)
    write_table(f / "评估.xlsx", "评估结果", ("项目编号", "核定金额"), [("G1", 4000), ("G2", 3000)])
    result = ranked(f)
    assert [(e["project_id"], e["amount"], e["flags"]) for e in result["ranking"]][1:5] == [
        ("G1", "4000.00", ["funded"]),
        ("G2", "3000.00", ["funded"]),
        ("G3", "3000.00", ["unfunded"]),
        ("G4", "1000.00", ["unfunded"]),
    ]


def test_no_pool_for_puxing_unless_asked(tmp_path):
    f = folder(tmp_path)
    app(f, "P1", 申请金额=30000)
    app(f, "P2", 申请金额=30000)
    scores(f, grid({"P1": [90], "P2": [80]}))
    assert ranked(f)["pool"] is None
    result = ranked(f, pool=Decimal("50000"))
    assert [e["flags"] for e in result["ranking"]] == [["funded"], ["unfunded"]]
    assert (
        result["ranking"][0]["why"][-1]
        == "资金池拨付 30,000.00 元，剩余 20,000.00 元（资金池设置）"
    )


# --- rows left out, projects not ranked, the shape ---------------------------------------------


def test_rows_with_errors_are_left_out_and_listed(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    app(f, "P3")
    rows = [
        ("P1", "A", 80),
        ("P1", "B", 120),
        ("P1", "A", 10),
        ("P2", "A", None),
        ("P2", "B", "八十"),
    ]
    scores(f, rows)
    result = ranked(f)
    p1 = result["ranking"][0]
    assert (p1["project_id"], p1["reviewers"], p1["score"]) == ("P1", 1, "80.0000")
    assert p1["excluded_rows"] == [
        {
            "reviewer": "B",
            "file": "评审打分.xlsx",
            "sheet": "评审打分",
            "row": 3,
            "rules": ["SG017"],
            "total": "120.0000",
            "reason": "有错误（SG017），未计入",
        },
        {
            "reviewer": "A",
            "file": "评审打分.xlsx",
            "sheet": "评审打分",
            "row": 4,
            "rules": ["SG018"],
            "total": "10.0000",
            "reason": "有错误（SG018），未计入",
        },
    ]
    assert result["unscored"] == [
        {
            "project_id": "P2",
            "name": "项目P2",
            "neighborhood": "浦兴一居",
            "reason": "2 行评分都不能计入排名（原因见各行）：请改正后重新排名",
            "excluded_rows": [
                {
                    "reviewer": "A",
                    "file": "评审打分.xlsx",
                    "sheet": "评审打分",
                    "row": 5,
                    "rules": ["SG021"],
                    "total": None,
                    "reason": "有错误（SG021），未计入",
                },
                {
                    "reviewer": "B",
                    "file": "评审打分.xlsx",
                    "sheet": "评审打分",
                    "row": 6,
                    "rules": ["SG003"],
                    "total": None,
                    "reason": "有错误（SG003），未计入",
                },
            ],
        },
        {
            "project_id": "P3",
            "name": "项目P3",
            "neighborhood": "浦兴一居",
            "reason": "评审打分表中没有该项目的评分",
            "excluded_rows": [],
        },
    ]
    # errors on score rows only leave those rows out: the application itself is fine (not 待改正)
    assert (p1["errors"], p1["flags"]) == (0, [])
    assert not any("错误" in why for why in p1["why"])


def test_application_errors_rank_for_information_as_needs_fix(tmp_path):
    # 锦江区: 1 + 1 excellent case = 2 places
    f = folder(tmp_path, "chengdu-2023", {"quota_per_district": 1})
    app(f, "C1", "chengdu-2023", 自筹金额=0)  # CD003: too little 自筹 → an error on the application
    app(f, "C2", "chengdu-2023")
    app(f, "C3", "chengdu-2023")
    scores(f, grid({"C1": [95], "C2": [80], "C3": [70]}))
    result = ranked(f)
    c1, c2, c3 = result["ranking"]
    assert (c1["project_id"], c1["rank"], c1["errors"]) == ("C1", 1, 1)
    assert c1["flags"] == ["needs_fix"]
    assert c1["why"][-1] == (
        "申报材料有 1 个错误（见 sgov validate）：待改正，仅列示排名，不予立项、不占名额"
    )
    # C1 takes no quota place: C2 and C3 are the district's two places
    assert [(e["project_id"], e["flags"], e["errors"]) for e in (c2, c3)] == [
        ("C2", [], 0),
        ("C3", [], 0),
    ]
    assert c3["why"][-1] == "锦江区名额 2（基础 1 + 优秀案例 1），本项目为区内第 2 名，在名额内"
    assert result["summary"]["needs_fix"] == 1
    outcome = run(f, as_of=AS_OF)
    assert [p.project_id for p in outcome.approved()] == ["C2", "C3"]
    assert (outcome.projects["C1"].approved, outcome.projects["C1"].status) == (False, "needs_fix")
    # corrected, C1 takes the first place and C3 is over the quota
    app(f, "C1", "chengdu-2023")
    assert [e["flags"] for e in ranked(f)["ranking"]] == [[], [], ["over_quota"]]


def test_green_channel_project_is_unscored_with_its_reason(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2", 上年十佳排名=3)
    scores(f, grid({"P1": [80]}))
    result = ranked(f)
    assert [e["project_id"] for e in result["ranking"]] == ["P1"]
    assert result["unscored"][0]["reason"] == "上年十佳第 3 名，绿色通道免审（浦兴 三.6）"


def test_a_green_channel_project_scored_anyway_is_flagged_green_channel(tmp_path):
    """Last year's 十佳 is approved without review (rules.md); when reviewers score it anyway, its
    ranking entry says so (flag green_channel, 免审) instead of looking like any other project."""
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2", 上年十佳排名=3)
    scores(f, grid({"P1": [80], "P2": [70]}))
    result = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in result["ranking"]] == [
        ("P1", []),
        ("P2", ["green_channel"]),
    ]
    outcome = run(f, as_of=AS_OF)
    assert outcome.review.entry("P2").why[-1] == (
        "上年十佳第 3 名，绿色通道免审（浦兴 三.6）：免审立项，评分仅供参考，不划入围线、名额与资金池"
    )
    assert outcome.projects["P2"].status == "green_channel"


def test_a_green_channel_project_scored_anyway_moves_no_one_off_the_line_or_the_pool(tmp_path):
    """Scored for reference only, last year's 十佳 takes no pool money and is never below the line:
    scored first it took the pool, so P1 went unfunded and was not approved; scored low it read
    below_line and unfunded beside 免审. Scoring it changes nothing for the others."""
    f = folder(tmp_path, settings={"pool": 10000})
    app(f, "P1")
    app(f, "P2", 上年十佳排名=3)
    app(f, "P3", 上年十佳排名=5)
    scores(f, grid({"P1": [80], "P2": [95], "P3": [40]}))
    result = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in result["ranking"]] == [
        ("P2", ["green_channel"]),
        ("P1", ["funded"]),
        ("P3", ["green_channel"]),
    ]
    outcome = run(f, as_of=AS_OF)
    assert outcome.review.entry("P2").why[-1] == "免审立项，不占资金池（资金池设置）"
    assert sorted((p.project_id, p.status) for p in outcome.approved()) == [
        ("P1", "approved"),
        ("P2", "green_channel"),
        ("P3", "green_channel"),
    ]


def test_no_score_sheets_gives_an_empty_ranking(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    result = ranked(f)
    assert (result["ranking"], result["unscored"], result["summary"]["ranked"]) == ([], [], 0)
    assert (result["program"], result["stage"]) == ("puxing-2023", "review")


def test_json_shape_has_the_contract_keys(tmp_path):
    f = folder(tmp_path)
    app(f, "P1", 是否培育新团队="是")
    scores(f, grid({"P1": [88, 90, 87]}))
    scores(f, grid({"P1": [88, 90, 87]}), name="年终评审打分.xlsx")
    review = ranked(f)
    assert list(review)[:3] == ["program", "stage", "as_of"]
    entry = review["ranking"][0]
    required = {
        "rank": 1,
        "project_id": "P1",
        "reviewers": 3,
        "score": "88.3333",
        "adjusted_score": "91.3333",  # + 3 for a new team (浦兴 三.3), at the review only
        "flags": [],
    }
    assert {k: entry[k] for k in required} == required
    assert entry["adjustments"][0]["points"] == "3"
    assert (entry["name"], entry["neighborhood"], entry["category"], entry["amount"]) == (
        "项目P1",
        "浦兴一居",
        "悦家",
        "10000.00",
    )
    final = ranked(f, stage="final")
    assert list(final)[:3] == ["program", "stage", "as_of"]
    entry = final["ranking"][0]
    # the year-end 评选 applies no 三.3 adjustments
    assert {k: entry[k] for k in required} == {
        **required,
        "adjusted_score": "88.3333",
        "flags": ["top10", "top5"],
    }
    assert entry["adjustments"] == []


def test_bad_stage_is_a_rank_error(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    with pytest.raises(RankError, match="--stage 只能是 review"):
        run(f, as_of=AS_OF, stage="midterm")


def test_group_weights_must_be_positive(tmp_path):
    f = folder(tmp_path, settings={"group_weights": {"专家": 100, "居民": 0}})
    app(f, "P1")
    with pytest.raises(RankError, match="group_weights"):
        run(f, as_of=AS_OF)


def test_unweighted_group_is_left_out_even_when_sg021_is_disabled(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'extends = "puxing-2023"\nid = "mine"\ndisabled_rules = ["SG021"]\n\n[settings]\n'
        'group_weights = {"专家" = 70, "居民" = 30}\n',
        encoding="utf-8",
    )
    config(tmp_path, "mine.toml")
    app(tmp_path, "P1")
    app(tmp_path, "P2")
    header = ("项目编号", "评审人", "评审组", "总分")
    scores(
        tmp_path,
        [("P1", "A", "专家", 80), ("P1", "B", "群众", 10), ("P2", "B", "群众", 90)],
        header=header,
    )
    result = ranked(tmp_path)
    assert [(e["project_id"], e["score"]) for e in result["ranking"]] == [("P1", "80.0000")]
    assert [x["project_id"] for x in result["unscored"]] == ["P2"]
    left_out = result["ranking"][0]["excluded_rows"][0]
    assert (left_out["row"], left_out["rules"], left_out["reason"]) == (
        3,
        [],
        "评审组不在 group_weights 中，未计入",
    )


@pytest.mark.parametrize(
    ("program", "fields", "what"),
    [
        ("puxing-2023", {"征询居民人数": 10}, "不予立项、不评十佳"),
        ("xinjing-2021", {"申报主体类型": "居委会"}, "不予立项"),
        ("gonghexinlu-2023", {"申请金额": 6000}, "不予立项、不划资金池资金"),
    ],
)
def test_needs_fix_names_only_what_the_program_has(tmp_path, program, fields, what):
    """Clerk audit (新泾): a 待改正 project was told “不占名额、不划资金、不评十佳”, but 新泾 has no
    district quota, no pool and no 十佳: the sentence names only what the program decides."""
    base = {
        "xinjing-2021": {
            "项目类别": "Xin融合",
            "居民区": "新泾一村",
            "申报主体": "某社工师事务所",
            "申报主体类型": "社会服务机构",
            "项目负责人": "陈红",
            "申请金额": 50000,
            "开始日期": "2023-03-01",
            "结束日期": "2023-12-31",
            "专职人员数": 3,
            "前两年年检结果": "合格,合格",
        }
    }.get(program, BASE.get(program, {}))
    f = folder(tmp_path, program)
    form = {"项目编号": "A1", "项目名称": "项目A1", **base, **fields}
    write_form(f / "申报" / "A1.xlsx", form, budget=[("工作经费", "物资", form["申请金额"])])
    scores(f, grid({"A1": [90]}))
    (entry,) = ranked(f)["ranking"]
    assert entry["flags"] == ["needs_fix"]
    assert (
        entry["why"][-1] == f"申报材料有 1 个错误（见 sgov validate）：待改正，仅列示排名，{what}"
    )


# --- upheld objections (异议成立) -------------------------------------------------------------


def _objection(folder_path: Path, pid: str) -> None:
    """An upheld objection (异议成立) on `pid`, recorded in 人工认定.xlsx."""
    header = ("项目编号", "认定事项", "理由", "认定人", "认定日期")
    write_table(
        folder_path / "人工认定.xlsx",
        "人工认定",
        header,
        [(pid, "异议成立", "与已立项活动重复", "王主任", date(2023, 7, 5))],
    )


def test_a_ranked_project_cancelled_by_an_objection_is_flagged_cancelled_once(tmp_path):
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    scores(f, grid({"P1": [90], "P2": [80]}))
    _objection(f, "P1")
    outcome = run(f, as_of=AS_OF)
    assert outcome.review.entry("P1").flags == ["cancelled"]
    assert (outcome.projects["P1"].status, outcome.projects["P1"].flags) == (
        "cancelled",
        ["cancelled"],
    )
    assert [p.project_id for p in outcome.approved()] == ["P2"]


def test_a_cancelled_project_takes_no_district_place(tmp_path):
    """rules.md Ranking: an upheld objection removes a project the same way as 待改正 — no quota place."""
    f = folder(tmp_path, "chengdu-2023")
    for pid in ("G1", "G2", "G3"):
        app(f, pid, "chengdu-2023", 所属区县="高新区")  # 2 places, no excellent case
    scores(f, grid({"G1": [90], "G2": [85], "G3": [80]}))
    _objection(f, "G1")
    result = ranked(f)
    assert order(result) == [
        (1, "G1", "90.0000", "90.0000", ["cancelled"]),
        (2, "G2", "85.0000", "85.0000", []),
        (3, "G3", "80.0000", "80.0000", []),
    ]
    assert result["ranking"][0]["why"][1:] == [
        "公示期间异议成立，取消立项（人工认定：异议成立；理由：与已立项活动重复（认定人 王主任，2023-07-05））"
    ]
    assert (
        result["ranking"][2]["why"][-1] == "高新区名额 2（基础 2），本项目为区内第 2 名，在名额内"
    )
    outcome = run(f, as_of=AS_OF)
    assert [p.project_id for p in outcome.approved()] == ["G2", "G3"]
    assert outcome.projects["G1"].status == "cancelled"


def test_a_cancelled_project_takes_no_pool_money(tmp_path):
    f = folder(tmp_path, "gonghexinlu-2023", {"pool": 9000})
    for pid, amount in (("M1", 5000), ("M2", 4000), ("M3", 4000)):
        app(f, pid, "gonghexinlu-2023", 申请金额=amount)
    scores(f, grid({"M1": [90], "M2": [85], "M3": [80]}))
    _objection(f, "M1")
    result = ranked(f)
    assert order(result) == [
        (1, "M1", "90.0000", "90.0000", ["cancelled"]),
        (2, "M2", "85.0000", "85.0000", ["funded"]),
        (3, "M3", "80.0000", "80.0000", ["funded"]),
    ]
    assert (result["pool"]["allocated"], result["pool"]["remaining"]) == ("8000.00", "1000.00")
    outcome = run(f, as_of=AS_OF)
    assert [p.project_id for p in outcome.approved()] == ["M2", "M3"]
    assert outcome.projects["M1"].flags == ["cancelled"]


def test_the_pool_tops_up_only_approved_brand_projects(tmp_path):
    """共和新路 七 tops up the *approved* amount of a 一居一品 project over its allowance: one below
    the line, not reviewed or cancelled is not approved and takes nothing from the pool."""
    f = folder(tmp_path, "gonghexinlu-2023", {"pool": 10000, "neighborhood_allowance": 20000})
    brand = {"项目类别": "一居一品", "意向": "办理一件社区民生实事"}
    app(f, "Y1", "gonghexinlu-2023", **brand, 申请金额=26000, 居民区="共和一居")  # below the line
    app(f, "Y2", "gonghexinlu-2023", **brand, 申请金额=23000, 居民区="共和二居")  # approved: 3,000
    app(f, "Y3", "gonghexinlu-2023", **brand, 申请金额=21000, 居民区="共和三居")  # not reviewed
    app(f, "Y4", "gonghexinlu-2023", **brand, 申请金额=22000, 居民区="共和四居")  # cancelled
    app(f, "M1", "gonghexinlu-2023", 申请金额=5000)
    app(f, "M2", "gonghexinlu-2023", 申请金额=4000)
    scores(f, grid({"Y1": [50], "Y2": [90], "Y4": [88], "M1": [85], "M2": [80]}))
    _objection(f, "Y4")
    result = ranked(f)
    assert [t["project_id"] for t in result["pool"]["topups"]] == ["Y2"]
    # 10,000 − 3,000 = 7,000: M1 (5,000) fits, M2 (4,000) does not
    assert order(result) == [
        (1, "Y2", "90.0000", "90.0000", []),
        (2, "Y4", "88.0000", "88.0000", ["cancelled"]),
        (3, "M1", "85.0000", "85.0000", ["funded"]),
        (4, "M2", "80.0000", "80.0000", ["unfunded"]),
        (5, "Y1", "50.0000", "50.0000", ["below_line"]),
    ]
    assert (result["pool"]["topped_up"], result["pool"]["remaining"]) == ("3000.00", "2000.00")
    assert [p.project_id for p in run(f, as_of=AS_OF).approved()] == ["Y2", "M1"]


def test_district_quotas_are_for_the_initial_review_only(tmp_path):
    """成都 四.(二)1: at most 2 projects per district *pass the initial review*; the year-end round
    ranks the approved projects again and marks no quota."""
    f = folder(tmp_path, "chengdu-2023")
    for pid in ("G1", "G2", "G3"):
        app(f, pid, "chengdu-2023", 所属区县="高新区")
    scores(f, grid({"G1": [90], "G2": [85], "G3": [80]}))
    scores(f, grid({"G1": [70], "G2": [85], "G3": [95]}), name="年终评审.xlsx")
    review = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in review["ranking"]] == [
        ("G1", []),
        ("G2", []),
        ("G3", ["over_quota"]),
    ]
    final = ranked(f, stage="final")
    assert order(final) == [
        (1, "G3", "95.0000", "95.0000", []),
        (2, "G2", "85.0000", "85.0000", []),
        (3, "G1", "70.0000", "70.0000", []),
    ]
    assert [e["why"] for e in final["ranking"]][2] == [
        "评审 1 人，平均 70.0000（不足 5 人，不去掉最高最低分）"
    ]
    assert final["summary"]["over_quota"] == 0


def test_score_sheet_errors_do_not_cost_a_project_its_top10(tmp_path):
    """十佳 needs no unresolved error on the project (application or ledger, rules.md 浦兴): a
    reviewer's duplicate row (SG018, the score sheet's) or a later duplicate application (SG004, the
    duplicate's) is not the project's error."""
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    write_form(
        f / "申报" / "P1-copy.xlsx", {"项目编号": "P1", "项目名称": "项目P1", **BASE["puxing-2023"]}
    )
    rows = [("P1", "A", 90), ("P1", "B", 90), ("P1", "A", 91), ("P2", "A", 80), ("P2", "B", 80)]
    scores(f, rows, name="年终评审.xlsx")
    outcome = run(f, as_of=AS_OF, stage="final")
    assert sorted({x.rule for x in outcome.findings if x.severity.value == "error"}) == [
        "SG004",
        "SG018",
    ]
    assert order(outcome.final.to_dict()) == [
        (1, "P1", "90.0000", "90.0000", ["top10", "top5"]),
        (2, "P2", "80.0000", "80.0000", ["top10", "top5"]),
    ]
    assert outcome.final.entry("P1").why[-1] == (
        "年终十佳第 1 名：明年绿色通道，志愿者补贴上限 35%（浦兴 三.6）"
    )


def test_spending_beyond_released_funds_costs_the_top10(tmp_path):
    """十佳 needs no unresolved error on the ledger either (rules.md 浦兴): SG014, which the money
    step finds, counts at the year-end 评选 as any ledger error does."""
    f = folder(tmp_path)
    app(f, "P1")
    app(f, "P2")
    ledger = [date(2023, 4, 1), "P1", "工作经费", "物资", 9000, "F1", "商店", "商户", "是"]
    write_table(f / "台账.xlsx", "经费台账", LEDGER_HEADER, [(*ledger, "自治金项目 项目P1")])
    scores(f, grid({"P1": [90], "P2": [80]}), name="年终评审.xlsx")
    outcome = run(f, as_of=AS_OF, stage="final")
    assert [(x.rule, x.project_id) for x in outcome.findings if x.severity.value == "error"] == [
        ("SG014", "P1")
    ]
    assert order(outcome.final.to_dict()) == [
        (1, "P1", "90.0000", "90.0000", []),
        (2, "P2", "80.0000", "80.0000", ["top10", "top5"]),
    ]
    assert outcome.final.entry("P1").why[-1] == "有 1 个未改正的错误，不参加十佳评选（浦兴 三.6）"


def test_chengdu_quota_counts_one_district_however_the_clerk_writes_it(tmp_path):
    # 锦江区 has 2 + 1 excellent case = 3 places, whether a form says 锦江区, 锦江, 成都市锦江区 or
    # spaces it out: four projects of it leave the fourth over the quota, not four districts in quota.
    f = folder(tmp_path, "chengdu-2023")
    plan = {
        "J1": ("锦江区", 90),
        "J2": ("锦江", 89),
        "J3": ("成都市锦江区", 88),
        "J4": ("锦\u3000江 区", 87),
        "G1": ("高新", 86),
        "G2": ("成都高新区", 85),
        "G3": ("高新区", 84),
    }
    for pid, (district, _) in plan.items():
        app(f, pid, "chengdu-2023", 所属区县=district)
    scores(f, grid({pid: [total] for pid, (_, total) in plan.items()}))
    result = ranked(f)
    assert {e["project_id"]: e["flags"] for e in result["ranking"]} == {
        "J1": [],
        "J2": [],
        "J3": [],
        "J4": ["over_quota"],
        "G1": [],
        "G2": [],
        "G3": ["over_quota"],
    }
    why = {e["project_id"]: e["why"][-1] for e in result["ranking"]}
    assert why["J2"] == "锦江区名额 3（基础 2 + 优秀案例 1），本项目为区内第 2 名，在名额内"
    assert (
        why["J4"]
        == "锦江区名额 3（基础 2 + 优秀案例 1），本项目为区内第 4 名，超出名额（成都 四.(二)1、3）"
    )
    assert why["G3"] == "高新区名额 2（基础 2），本项目为区内第 3 名，超出名额（成都 四.(二)1、3）"


def test_chengdu_city_level_written_in_the_district_field_takes_no_district_place(tmp_path):
    """申报层级 left empty and 所属区县 written 市本级: the project was counted in a district named
    “市本级” with 2 places of its own (found by the 成都 audit)."""
    f = folder(tmp_path, "chengdu-2023", settings={"quota_per_district": 1})
    org = {
        "申报主体类型": "社会服务机构",
        "前两年年检结果": "合格,合格",
        "是否建立党组织": "是",
        "是否有独立银行账户": "是",
    }
    for pid in ("B1", "B2"):
        app(f, pid, "chengdu-2023", 项目类别="B1", 所属区县="市本级", 法定代表人=f"赵{pid}", **org)
    scores(f, grid({"B1": [85], "B2": [80]}))
    result = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in result["ranking"]] == [("B1", []), ("B2", [])]
    assert result["ranking"][1]["why"][-1] == (
        "B1 类市本级项目由项目办评审，不占区县初审名额（成都 四.(二)2）"
    )


def test_chengdu_city_level_written_with_words_around_it_takes_no_district_place(tmp_path):
    f = folder(
        tmp_path,
        "chengdu-2023",
        settings={"quota_per_district": 1, "excellent_cases": {"锦江区": 0}},
    )
    org = {
        "申报主体类型": "社会服务机构",
        "前两年年检结果": "合格,合格",
        "是否建立党组织": "是",
        "是否有独立银行账户": "是",
    }
    app(f, "A1", "chengdu-2023")
    app(f, "B1", "chengdu-2023", 项目类别="B1", 申报层级="市本级项目", 法定代表人="赵六", **org)
    app(f, "B2", "chengdu-2023", 项目类别="B2", 申报层级=" 市 本 级 ", 法定代表人="钱七", **org)
    app(f, "B3", "chengdu-2023", 项目类别="B1", 申报层级="区（市）县", 法定代表人="孙八", **org)
    scores(f, grid({"A1": [90], "B1": [85], "B2": [80], "B3": [75]}))
    result = ranked(f)
    assert [(e["project_id"], e["flags"]) for e in result["ranking"]] == [
        ("A1", []),
        ("B1", []),
        ("B2", []),
        ("B3", ["over_quota"]),
    ]
    why = {e["project_id"]: e["why"][-1] for e in result["ranking"]}
    assert why["B1"] == "B1 类市本级项目由项目办评审，不占区县初审名额（成都 四.(二)2）"
    assert why["B2"] == "B2 类市本级项目由项目办评审，不占区县初审名额（成都 四.(二)2）"
