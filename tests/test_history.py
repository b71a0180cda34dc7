"""Year over year: record.json from `sgov run`, `history` in sgov.toml, SG026, and 浦兴's 三.3, green
channel and 35% cap on the recorded values (cli.md "Year over year")."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.config import ConfigError
from selfgov_cli.explain import explain, lines
from selfgov_cli.history import name_key
from selfgov_cli.io import loader
from selfgov_cli.pipeline import run
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table

AS_OF = date(2023, 12, 31)
runner = CliRunner()
BUDGET = [
    ("社会组织服务", "专业指导", 5000),
    ("志愿者补贴", "志愿者慰问", 2500),
    ("管理费", "总结会", 500),
    ("表彰奖励", "奖状", 500),
    ("工作经费", "活动物资", 1500),
]
MEMBERS = [("张三丰", "负责人", "是", "否"), ("王社工", "社工联络员", "否", "是")]
# label order on the form: 上年十佳排名 B13, 是否延续项目 B14, 上年执行率 B15
LABELS = ("项目编号", "项目名称", "项目类别", "居民区", "申报主体", "项目负责人", "联系电话")


def form(pid: str, name: str, hood: str = "浦兴一居", **claims) -> dict:
    return {
        "项目编号": pid,
        "项目名称": name,
        "项目类别": claims.pop("category", "靓家"),
        "居民区": hood,
        "申报主体": f"{hood}居委",
        "项目负责人": "张三丰",
        "联系电话": "13812345678",
        "负责人是否本居民区居民": "是",
        "申请金额": 10000,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 40,
        "上年十佳排名": claims.get("rank"),
        "是否延续项目": claims.get("continuing", "否"),
        "上年执行率": claims.get("rate"),
        "听证会日期": "2023-02-15",
        "项目简介": "居民一起做",
    }


def this_year(folder: Path, forms: list[dict], history=None, budget=None) -> Path:
    for item in forms:
        write_form(folder / f"{item['项目编号']}.xlsx", item, budget or BUDGET, MEMBERS)
    keys = {"year": 2023}
    if history is not None:
        keys["history"] = history
    write_config(folder, "puxing-2023", **keys)
    return folder


def rec(pid, name, hood="浦兴一居", rank=None, flags=(), rate="0.9000", approved="10000.00"):
    spent = None if rate is None else f"{Decimal(approved or 0) * Decimal(rate):.2f}"
    return {
        "project_id": pid,
        "name": name,
        "neighborhood": hood,
        "category": "靓家",
        "approved": approved,
        "released": approved,
        "eligible_spent": spent,
        "usage_rate": rate,
        "execution_rate": rate,
        "final_rank": rank,
        "flags": list(flags),
        "midterm": "合格",
        "final": "合格",
    }


def write_record(path: Path, projects: list[dict], year: int = 2022) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"schema": 1, "program": "puxing-2023", "year": year, "as_of": f"{year}-12-31"}
    record["projects"] = projects
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return path


def sg026(folder: Path) -> list[tuple]:
    found = run(folder, as_of=AS_OF).findings
    return [(f.severity.value, f.project_id, f.cell, f.message) for f in found if f.rule == "SG026"]


WHERE = "2022 年记录 record-2022.json 的 {}，按{}对应"
MISSING = "2022 年记录 record-2022.json 中没有该项目（项目编号、居民区和项目名称都对应不上）"


# ---------------------------------------------------------------- record.json from sgov run


def test_sgov_run_writes_the_record_without_personal_data(tmp_path):
    folder = this_year(
        tmp_path / "y", [form("PX-1", "楼道微美化"), form("PX-2", "睦邻点", hood="浦兴二居")]
    )
    (folder / "PX-2.xlsx").unlink()
    write_form(folder / "PX-2.xlsx", {**form("PX-2", "睦邻点", "浦兴二居"), "听证会日期": None})
    write_table(
        folder / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [("2023-04-01", "PX-1", "工作经费", "活动物资", 3600, "F1", "某店", "商户", "是",
          "自治金项目 楼道微美化")],
    )  # fmt: skip
    write_table(
        folder / "评估结果.xlsx",
        "评估结果",
        ("项目编号", "中期评估", "中期评估日期", "末期评估"),
        [("PX-1", "合格", "2023-07-31", "良好")],
    )
    write_table(
        folder / "年终评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("PX-1", "甲", 88)],
    )
    result = runner.invoke(app, ["run", str(folder), "--as-of", "2023-12-31", "-q"])
    assert result.exit_code == 1, result.output  # PX-2 has no hearing (PX004)
    text = (folder / "sgov-output" / "2023-12-31" / "record.json").read_text(encoding="utf-8")
    assert json.loads(text) == {
        "schema": 1,
        "program": "puxing-2023",
        "year": 2023,
        "as_of": "2023-12-31",
        "projects": [
            {
                "project_id": "PX-1",
                "name": "楼道微美化",
                "neighborhood": "浦兴一居",
                "category": "靓家",
                "approved": "10000.00",
                "released": "10000.00",
                "eligible_spent": "3600.00",
                "usage_rate": "0.3600",
                "execution_rate": "0.3600",
                "final_rank": 1,
                "top10_place": 1,
                "flags": ["top10", "top5"],
                "midterm": "合格",
                "final": "合格",  # 良好 is read as 合格
            },
            {
                "project_id": "PX-2",
                "name": "睦邻点",
                "neighborhood": "浦兴二居",
                "category": "靓家",
                "approved": None,
                "released": "0.00",
                "eligible_spent": "0.00",
                "usage_rate": "0.0000",
                "execution_rate": "0.0000",
                "final_rank": None,
                "top10_place": None,
                "flags": ["needs_fix"],
                "midterm": None,
                "final": None,
            },
        ],
    }
    assert "张三丰" not in text and "张" not in text and "13812345678" not in text
    summary = json.loads(
        (folder / "sgov-output" / "2023-12-31" / "summary.json").read_text("utf-8")
    )
    assert "record.json" in summary["outputs"]


# ---------------------------------------------------------------- SG026, claim by claim


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ([rec("R-1", "楼道微美化", rank=3, flags=("top10", "top5"))], []),
        (
            [rec("R-1", "楼道微美化", rank=12)],
            [
                (
                    "error",
                    "PX-1",
                    "B13",
                    "上年十佳排名填第 3 名，但记录（"
                    + WHERE.format("R-1", "居民区和项目名称")
                    + "）中该项目年终排名第 12 名，不是十佳：请按记录改正",
                )
            ],
        ),
        (
            [rec("R-1", "楼道微美化", rank=4, flags=("top10", "top5"))],
            [
                (
                    "error",
                    "PX-1",
                    "B13",
                    "上年十佳排名填第 3 名，但记录（"
                    + WHERE.format("R-1", "居民区和项目名称")
                    + "）中该项目年终排名第 4 名：请按记录改正",
                )
            ],
        ),
        (
            [rec("R-9", "别的项目", rank=3, flags=("top10", "top5"))],
            [
                (
                    "error",
                    "PX-1",
                    "B13",
                    f"上年十佳排名填第 3 名，但{MISSING}：不能享受上年十佳的绿色通道",
                )
            ],
        ),
        (
            [rec("R-1", "楼道微美化")],  # the record has no year-end ranking at all
            [
                (
                    "warning",
                    "PX-1",
                    "B13",
                    "上年十佳排名填第 3 名，但 2022 年记录没有年终排名（"
                    + WHERE.format("R-1", "居民区和项目名称")
                    + "），无法核对：暂按申报表，请补充上年的年终评选结果",
                )
            ],
        ),
    ],
    ids=["matches", "not-top10", "other-place", "no-record", "record-incomplete"],
)
def test_top10_claim(tmp_path, record, expected):
    write_record(tmp_path / "y" / "record-2022.json", record)
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化", rank=3)], ["record-2022.json"])
    assert sg026(folder) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("0.7040", []),  # 70% claimed, 70.40% recorded: within half a point
        ("0.6950", []),
        (
            "0.6500",
            [
                (
                    "error",
                    "PX-1",
                    "B15",
                    "上年执行率填 70.00%，但记录（"
                    + WHERE.format("PX-1", "项目编号")
                    + "）中执行率为 65.00%（合规支出 6,500.00 元 ÷ 核定金额 10,000.00 元）：请按记录改正",
                )
            ],
        ),
        (
            None,
            [
                (
                    "warning",
                    "PX-1",
                    "B15",
                    "上年执行率填 70.00%，但 2022 年记录中该项目没有执行率（"
                    + WHERE.format("PX-1", "项目编号")
                    + "），无法核对：暂按申报表",
                )
            ],
        ),
    ],
    ids=["matches", "matches-below", "contradicts", "record-incomplete"],
)
def test_rate_claim(tmp_path, rate, expected):
    write_record(tmp_path / "y" / "record-2022.json", [rec("PX-1", "旧名字", rate=rate)])
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化", continuing="是", rate="70%")],
        ["record-2022.json"],
    )
    assert sg026(folder) == expected


@pytest.mark.rule("SG026", "fires")
def test_rate_claim_without_record(tmp_path):
    write_record(tmp_path / "y" / "record-2022.json", [rec("R-9", "别的项目")])
    folder = this_year(
        tmp_path / "y",
        [
            form("PX-1", "楼道微美化", rate="70%"),
            form("PX-2", "睦邻点", continuing="是", rate="90%"),
        ],
        ["record-2022.json"],
    )
    assert sg026(folder) == [
        ("error", "PX-1", "B15", f"上年执行率填 70.00%，但{MISSING}"),
        (
            "error",
            "PX-2",
            "B14",
            f"是否延续项目填“是”，但{MISSING}：请核对是否为上年项目的延续（项目名称或居民区是否改过）",
        ),
    ]


@pytest.mark.rule("SG026", "quiet")
def test_continuing_claim_with_a_record_is_quiet_and_no_history_checks_nothing(tmp_path):
    write_record(tmp_path / "a" / "record-2022.json", [rec("R-1", "楼道微美化")])
    folder = this_year(
        tmp_path / "a",
        [form("PX-1", "楼道微美化", continuing="是", rate="90%")],
        ["record-2022.json"],
    )
    assert sg026(folder) == []
    bare = this_year(tmp_path / "b", [form("PX-1", "楼道微美化", continuing="是", rank=3)])
    assert sg026(bare) == []


# ---------------------------------------------------------------- continuation


def test_name_key_drops_spaces_punctuation_and_a_leading_year():
    assert name_key("2022年 楼道“微美化”！") == name_key("楼道微美化") == "楼道微美化"
    assert name_key("2023年度楼道微美化") == "楼道微美化"
    assert name_key("楼道微美化2023年") == "楼道微美化2023年"


def test_continuation_by_id_then_by_place_and_name(tmp_path):
    write_record(
        tmp_path / "y" / "record-2022.json",
        [
            rec("PX-1", "完全不同的名字", rate="0.5000"),  # same id: continues whatever its name
            rec("R-2", "2022年 睦邻“点”", rate="0.6000"),  # same 居民区, same name once normalised
            rec("R-3", "读书会", hood="浦兴九居", rate="0.7000"),  # same name, other 居民区: no
        ],
    )
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化"), form("PX-2", "睦邻点"), form("PX-3", "读书会")],
        ["record-2022.json"],
    )
    outcome = run(folder, as_of=AS_OF)
    history = outcome.ctx.history
    found = {
        pid: (p.record.project_id, p.matched_by) if (p := history.prior(o.project)) else None
        for pid, o in outcome.projects.items()
    }
    assert found == {
        "PX-1": ("PX-1", "项目编号"),
        "PX-2": ("R-2", "居民区和项目名称"),
        "PX-3": None,
    }


# ---------------------------------------------------------------- history entries


def _last_year_folder(folder: Path) -> Path:
    """浦兴 2022: PX-A 十佳 第 1 名 at the year-end 评选 with 4,000 of 10,000 spent (40%)."""
    write_form(folder / "PX-A.xlsx", {**form("PX-A", "楼道微美化"), "开始日期": "2022-03-01",
                                     "结束日期": "2022-12-31", "听证会日期": "2022-02-15"}, BUDGET, MEMBERS)  # fmt: skip
    write_table(
        folder / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [("2022-05-01", "PX-A", "工作经费", "活动物资", 4000, "F1", "某店", "商户", "是",
          "自治金项目 楼道微美化")],
    )  # fmt: skip
    write_table(
        folder / "年终评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [("PX-A", "甲", 90)],
    )
    write_config(folder, "puxing-2023", year=2022)
    return folder


def test_a_history_folder_is_computed_as_of_its_year_end(tmp_path):
    _last_year_folder(tmp_path / "2022")
    folder = this_year(
        tmp_path / "2023",
        [form("PX-1", "楼道微美化", rank=2, continuing="是", rate="90%")],
        ["../2022"],
    )
    where = "2022 年记录 ../2022 的 PX-A，按居民区和项目名称对应"
    assert sg026(folder) == [
        (
            "error",
            "PX-1",
            "B13",
            f"上年十佳排名填第 2 名，但记录（{where}）中该项目年终排名第 1 名：请按记录改正",
        ),
        (
            "error",
            "PX-1",
            "B15",
            f"上年执行率填 90.00%，但记录（{where}）中执行率为 40.00%"
            "（合规支出 4,000.00 元 ÷ 核定金额 10,000.00 元）：请按记录改正",
        ),
    ]


def test_a_history_record_file_and_a_folder_give_the_same_record(tmp_path):
    _last_year_folder(tmp_path / "2022")
    result = runner.invoke(app, ["run", str(tmp_path / "2022"), "--as-of", "2022-12-31", "-q"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "2022" / "sgov-output" / "2022-12-31" / "record.json"
    a = this_year(tmp_path / "a", [form("PX-1", "楼道微美化")], [str(written)])
    b = this_year(tmp_path / "b", [form("PX-1", "楼道微美化")], ["../2022"])
    prior_a = run(a, as_of=AS_OF).ctx.history.priors["PX-1"]
    prior_b = run(b, as_of=AS_OF).ctx.history.priors["PX-1"]
    assert prior_a.record == prior_b.record
    assert (prior_a.record.final_rank, prior_a.record.execution_rate) == (1, Decimal("0.4000"))


@pytest.mark.parametrize(
    ("entry", "content", "message"),
    [
        (
            "nowhere/record.json",
            None,
            "sgov.toml 中的 history 路径 nowhere/record.json 不存在",
        ),
        (
            "record.json",
            "{not json",
            "sgov.toml 中的 history 路径 record.json 不是有效的 JSON（第 1 行）",
        ),
        (
            "record.json",
            json.dumps({"schema": 2, "year": 2022}),
            "sgov.toml 中的 history 路径 record.json 无法使用：schema 应为 1，现为 2",
        ),
        (
            "record.json",
            json.dumps({"schema": 1, "year": 2023, "as_of": "2023-12-31", "projects": []}),
            "sgov.toml 中的 history 没有早于 2023 年的记录（现有：2023 年）",
        ),
    ],
    ids=["missing", "not-json", "wrong-schema", "same-year"],
)
def test_a_broken_history_entry_is_exit_2_naming_it(tmp_path, entry, content, message):
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")], [entry])
    if content is not None:
        (folder / entry).write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        run(folder, as_of=AS_OF)
    for command in ("validate", "run"):
        result = runner.invoke(app, [command, str(folder), "--as-of", "2023-12-31"])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith(f"sgov：{message}"), result.stderr


def test_a_history_folder_that_cannot_be_read_is_exit_2_naming_it(tmp_path):
    (tmp_path / "2022").mkdir()
    (tmp_path / "2022" / "sgov.toml").write_text('program = "nosuch"\n', encoding="utf-8")
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")], ["../2022"])
    result = runner.invoke(app, ["validate", str(folder), "--as-of", "2023-12-31"])
    assert result.exit_code == 2
    assert result.stderr.startswith("sgov：sgov.toml 中的 history 路径 ../2022 无法使用："), (
        result.stderr
    )


def test_a_history_folder_without_applications_is_exit_2_naming_it(tmp_path):
    (tmp_path / "2022").mkdir()
    write_table(tmp_path / "2022" / "台账.xlsx", "经费台账", LEDGER_HEADER, [])  # a ledger, no form
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")], ["../2022"])
    result = runner.invoke(app, ["validate", str(folder), "--as-of", "2023-12-31"])
    assert result.exit_code == 2
    assert result.stderr == (
        "sgov：sgov.toml 中的 history 路径 ../2022 无法使用："
        "这个文件夹中没有读到任何申报（应为上年的项目文件夹）\n"
    )


def test_history_must_be_a_list_of_paths(tmp_path):
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")])
    (folder / "sgov.toml").write_text('program = "puxing-2023"\nhistory = "a.json"\n', "utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    assert "history 应为路径列表" in result.stderr


# ---------------------------------------------------------------- 浦兴 on the recorded values


def _scores(folder: Path, pids: list[str]) -> None:
    write_table(
        folder / "立项评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [(pid, "甲", 85) for pid in pids],
    )


def test_green_channel_follows_the_record_not_the_claim(tmp_path):
    write_record(
        tmp_path / "y" / "record-2022.json",
        [
            rec("R-1", "楼道微美化", rank=12),
            rec("R-2", "睦邻点", rank=2, flags=("top10", "top5")),
        ],
    )
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化", rank=3), form("PX-2", "睦邻点")],
        ["record-2022.json"],
    )
    _scores(folder, ["PX-1"])
    outcome = run(folder, as_of=AS_OF)
    one, two = outcome.projects["PX-1"], outcome.projects["PX-2"]
    assert (one.status, one.approved) == ("needs_fix", False)  # SG026 on its claim
    assert "green_channel" not in one.flags
    assert (two.status, two.approved) == ("green_channel", True)
    assert two.reason == (
        "上年十佳第 2 名（据 "
        + WHERE.format("R-2", "居民区和项目名称")
        + "），绿色通道免审（浦兴 三.6）"
    )
    infos = [(f.project_id, f.message) for f in outcome.findings if f.rule == "PX015"]
    assert infos == [
        (
            "PX-2",
            "上年“十佳优秀项目”第 2 名（据 " + WHERE.format("R-2", "居民区和项目名称") + "）："
            "项目内容基本不变的，享有立项免审的绿色通道，并且志愿者补贴上限为 35%",
        )
    ]


# 志愿者补贴 3,000 of 10,000: over 25%, within the 35% of last year's top five
VOLUNTEER_30 = [
    ("社会组织服务", "专业指导", 4500),
    ("志愿者补贴", "志愿者慰问", 3000),
    ("管理费", "总结会", 500),
    ("工作经费", "活动物资", 2000),
]


@pytest.mark.parametrize(
    ("rank", "flags", "capped"),
    [(3, ("top10", "top5"), False), (7, ("top10",), True)],
    ids=["top5", "top10-only"],
)
def test_volunteer_cap_follows_the_recorded_rank(tmp_path, rank, flags, capped):
    write_record(
        tmp_path / "y" / "record-2022.json", [rec("PX-1", "楼道微美化", rank=rank, flags=flags)]
    )
    folder = this_year(
        tmp_path / "y", [form("PX-1", "楼道微美化")], ["record-2022.json"], VOLUNTEER_30
    )
    px006 = [f.cell for f in run(folder, as_of=AS_OF).findings if f.rule == "PX006"]
    assert px006 == (["C3"] if capped else [])
    # without history the (empty) claim decides: 25%
    bare = this_year(tmp_path / "bare", [form("PX-1", "楼道微美化")], budget=VOLUNTEER_30)
    assert [f.cell for f in run(bare, as_of=AS_OF).findings if f.rule == "PX006"] == ["C3"]


def test_the_deduction_uses_the_recorded_rate_and_explain_says_so(tmp_path):
    write_record(tmp_path / "y" / "record-2022.json", [rec("R-1", "楼道微美化", rate="0.7000")])
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化", continuing="是", rate="70%")],  # a truthful claim
        ["record-2022.json"],
    )
    _scores(folder, ["PX-1"])
    outcome = run(folder, as_of=AS_OF)
    entry = outcome.projects["PX-1"].entry
    where = WHERE.format("R-1", "居民区和项目名称")
    assert [(a.points, a.reason) for a in entry.adjustments] == [
        (Decimal(-5), f"延续项目上年执行率 70.00% 低于 80.00%，扣 5 分（据 {where}）")
    ]
    shown = lines(outcome, "PX-1")
    start = shown.index("【上年（2022 年记录 record-2022.json）】")
    assert shown[start + 1 : start + 5] == [
        "  延续 R-1 楼道微美化（按居民区和项目名称对应）：年终排名 无，执行率 70.00% = 合规支出 7,000.00 ÷ 核定金额 10,000.00",
        "  上年十佳排名：非十佳（取自申报表（2022 年记录没有年终排名））",
        f"  是否延续项目：是（取自{where}）",
        f"  上年执行率：70.00%（取自{where}）",  # as the line above and SG026 show it
    ]
    data = explain(outcome, "PX-1")["last_year"]
    assert data["record"]["project_id"] == "R-1"
    assert data["used"][2] == {"what": "上年执行率", "value": "70.00%", "from": where}


def test_without_history_explain_has_no_last_year_and_the_claim_stands(tmp_path):
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化", continuing="是", rate="70%")])
    _scores(folder, ["PX-1"])
    outcome = run(folder, as_of=AS_OF)
    assert explain(outcome, "PX-1")["last_year"] is None
    assert [a.reason for a in outcome.projects["PX-1"].entry.adjustments] == [
        "延续项目上年执行率 70.00% 低于 80.00%，扣 5 分"
    ]


# ---------------------------------------------------------------- the summary compares the years


def _two_years(tmp_path: Path) -> Path:
    write_record(
        tmp_path / "y" / "record-2022.json",
        [
            rec("R-1", "楼道微美化", rate="0.9000"),
            {**rec("R-3", "读书会", hood="浦兴三居", rate=None, approved=None), "category": "悦家"},
        ],
    )
    return this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化"), form("PX-2", "睦邻点", hood="浦兴二居", category="和家")],
        ["record-2022.json"],
    )


def test_summary_compares_the_years_per_neighborhood_and_category(tmp_path):
    folder = _two_years(tmp_path)
    result = runner.invoke(
        app,
        ["report", str(folder), "--kind", "summary", "-f", "md", "-o", str(tmp_path / "o"),
         "--as-of", "2023-12-31"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (tmp_path / "o" / "汇总报告.md").read_text(encoding="utf-8").splitlines()
    start = text.index("## 与上年对比（2022 年 → 2023 年）")
    head = "2022 年申报/通过 | 2022 年核定金额 | 2022 年合规支出 | 2022 年执行率 | "
    head += "2023 年申报/通过 | 2023 年核定金额 | 2023 年合规支出 | 2023 年执行率 |"
    expected = [
        "",
        "上年数据取自 record-2022.json。执行率 = 合规支出 ÷ 核定金额。",
        "",
        f"| 居民区 | {head}",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        "| 浦兴一居 | 1/1 | 10,000.00 | 9,000.00 | 90.00% | 1/1 | 10,000.00 | 0.00 | 0.00% |",
        "| 浦兴二居 | 0/0 | 0.00 | 0.00 | — | 1/1 | 10,000.00 | 0.00 | 0.00% |",
        "| 浦兴三居 | 1/0 | 0.00 | 0.00 | — | 0/0 | 0.00 | 0.00 | — |",
        "",
        f"| 项目类别 | {head}",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        "| 和家 | 0/0 | 0.00 | 0.00 | — | 1/1 | 10,000.00 | 0.00 | 0.00% |",
        "| 靓家 | 1/1 | 10,000.00 | 9,000.00 | 90.00% | 1/1 | 10,000.00 | 0.00 | 0.00% |",
        "| 悦家 | 1/0 | 0.00 | 0.00 | — | 0/0 | 0.00 | 0.00 | — |",
        "",
        "## 问题统计（按规则）",
    ]
    assert text[start + 1 : start + 1 + len(expected)] == expected


def test_summary_compares_a_neighborhood_typed_another_way_on_one_row(tmp_path):
    """Clerk audit (the second year): last year's record says 浦兴一居, this year's form
    “浦兴 一居” (a space) or full-width; the project is linked to its record (居民区 matched as
    history does), but 与上年对比 split the 居民区 into two rows, each with one year empty."""
    write_record(
        tmp_path / "y" / "record-2022.json",
        [
            rec("R-1", "楼道微美化", hood="浦兴一居", rate="0.9000"),
            rec("R-2", "睦邻点", hood="浦兴二居"),
        ],
    )
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化", hood="浦兴 一居"), form("PX-2", "睦邻点", hood="浦兴二居")],
        ["record-2022.json"],
    )
    outcome = run(folder, as_of=AS_OF)
    assert outcome.ctx.history.prior(outcome.projects["PX-1"].project).record.project_id == "R-1"
    from selfgov_cli.report.summary import summary_data

    rows = summary_data(outcome)["years"]["by_neighborhood"]
    assert [
        (r["name"], r["last"]["projects"], r["last"]["approved_text"], r["this"]["projects"])
        for r in rows
    ] == [("浦兴 一居", 1, "10,000.00", 1), ("浦兴二居", 1, "10,000.00", 1)]


def test_summary_charts_the_years_in_html_and_xlsx(tmp_path):
    from selfgov_cli.report.summary import render_summary

    outcome = run(_two_years(tmp_path), as_of=AS_OF)
    html = render_summary(outcome, tmp_path / "o", "html")[0].read_text(encoding="utf-8")
    # released/spent and usage of the year (nothing spent: no spending chart), two comparing years
    assert html.count("<svg") == 4
    assert "<title>各居民区合规支出：2022 年与 2023 年（元）</title>" in html
    assert "<title>各类别合规支出：2022 年与 2023 年（元）</title>" in html
    wb = load_workbook(render_summary(outcome, tmp_path / "o", "xlsx")[0])
    ws = wb["年度对比（居民区）"]
    assert [c.value for c in ws[1]][:6] == [
        "居民区", "2022年申报", "2022年通过", "2022年核定金额", "2022年合规支出", "2022年执行率"
    ]  # fmt: skip
    assert [c.value for c in ws[2]] == ["浦兴一居", 1, 1, 10000, 9000, 0.9, 1, 1, 10000, 0, 0]
    assert len(ws._charts) == 1 and len(wb["年度对比（类别）"]._charts) == 1


def test_no_history_no_comparison(tmp_path):
    from selfgov_cli.report.summary import summary_data

    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")])
    assert summary_data(run(folder, as_of=AS_OF))["years"] is None


def test_a_history_folder_is_read_through_the_cache_unless_no_cache(tmp_path, monkeypatch):
    """A year-two folder names last year's folder: each command must not read all of last year's
    workbooks again (the cache serves them, as it serves this year's); --no-cache reads both."""
    monkeypatch.setenv("SGOV_CACHE_DIR", str(tmp_path / "cache"))
    _last_year_folder(tmp_path / "2022")
    folder = this_year(tmp_path / "2023", [form("PX-1", "楼道微美化")], ["../2022"])
    parsed: list[str] = []
    real = loader.parse_file

    def spy(root, rel):
        parsed.append(f"{Path(root).name}/{rel}")
        return real(root, rel)

    monkeypatch.setattr(loader, "parse_file", spy)
    args = ["validate", str(folder), "--as-of", "2023-12-31", "--workers", "1"]
    first = runner.invoke(app, args)
    read_first = sorted(parsed)
    parsed.clear()
    second = runner.invoke(app, args)
    assert (first.exit_code, second.exit_code) == (0, 0), first.output
    assert second.stdout == first.stdout
    assert any(p.startswith("2022/") for p in read_first) and any(
        p.startswith("2023/") for p in read_first
    )
    assert parsed == []  # neither year read again
    runner.invoke(app, [*args, "--no-cache"])
    assert sorted(parsed) == read_first


def test_an_unreadable_history_record_is_said_in_chinese(tmp_path, monkeypatch):
    folder = this_year(tmp_path / "y", [form("PX-1", "楼道微美化")], ["record.json"])
    (folder / "record.json").write_text("{}", encoding="utf-8")
    real = Path.read_text

    def locked(self, *args, **kwargs):
        if self.name == "record.json":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", locked)
    result = runner.invoke(app, ["validate", str(folder), "--as-of", "2023-12-31"])
    assert result.exit_code == 2
    assert result.stderr == (
        "sgov：sgov.toml 中的 history 路径 record.json 无法读取："
        f"没有读取权限（文件可能正被其他程序打开）（{folder / 'record.json'}）\n"
    )


# ---------------------------------------------------------------- 十佳 place against the year-end place


def _year_with_ineligible_leaders(folder: Path) -> Path:
    """浦兴 2022's year-end 评选: PX-A … PX-E score highest but have no hearing (PX004, 待改正), so
    PX-F, sixth in the year-end ranking, is 十佳 第 1 名 (rules.md: only projects without errors count)."""
    pids = ["PX-A", "PX-B", "PX-C", "PX-D", "PX-E", "PX-F"]
    for pid in pids:
        fields = {**form(pid, f"项目{pid}" if pid != "PX-F" else "楼道微美化"),
                  "开始日期": "2022-03-01", "结束日期": "2022-12-31",
                  "听证会日期": "2022-02-15" if pid == "PX-F" else None}  # fmt: skip
        write_form(folder / f"{pid}.xlsx", fields, BUDGET, MEMBERS)
    write_table(
        folder / "年终评审打分.xlsx",
        "评审打分",
        ("项目编号", "评审人", "总分"),
        [(pid, "甲", 95 - n) for n, pid in enumerate(pids)],
    )
    write_config(folder, "puxing-2023", year=2022)
    return folder


def test_the_top10_place_is_recorded_and_used_next_year_not_the_year_end_place(tmp_path):
    last = _year_with_ineligible_leaders(tmp_path / "2022")
    result = runner.invoke(app, ["run", str(last), "--as-of", "2022-12-31", "-q"])
    assert result.exit_code == 1, result.output  # PX004 on PX-A … PX-E
    out = last / "sgov-output" / "2022-12-31"
    xlsx = load_workbook(out / "年终排名.xlsx")["评审排名"]
    sixth = [c.value for c in xlsx[7]]
    assert sixth[:2] == [6, "PX-F"]
    assert "年终十佳第 1 名：明年绿色通道，志愿者补贴上限 35%（浦兴 三.6）" in sixth[-1].split("\n")
    record = json.loads((out / "record.json").read_text(encoding="utf-8"))
    places = {
        p["project_id"]: (p["final_rank"], p["top10_place"], p["flags"]) for p in record["projects"]
    }
    assert places["PX-F"] == (6, 1, ["top10", "top5"])
    assert places["PX-A"] == (1, None, ["needs_fix"])
    # 2023: the 居委会 writes the place the 年终排名 told it; the record agrees, the 35% cap applies
    for entry in ("../2022/sgov-output/2022-12-31/record.json", "../2022"):
        folder = this_year(
            tmp_path / "2023", [form("PX-1", "楼道微美化", rank=1)], [entry], VOLUNTEER_30
        )
        outcome = run(folder, as_of=AS_OF)
        rules = [(f.rule, f.project_id) for f in outcome.findings if f.rule in ("SG026", "PX006")]
        assert rules == [], entry
        where = f"2022 年记录 {entry} 的 PX-F，按居民区和项目名称对应"
        assert outcome.projects["PX-1"].reason == (
            f"上年十佳第 1 名（据 {where}），绿色通道免审（浦兴 三.6）"
        )
    # the year-end place is not the 十佳 place: claiming it is contradicted, naming both
    folder = this_year(
        tmp_path / "2023b", [form("PX-1", "楼道微美化", rank=6)], ["../2022"], VOLUNTEER_30
    )
    where = "2022 年记录 ../2022 的 PX-F，按居民区和项目名称对应"
    assert sg026(folder) == [
        (
            "error",
            "PX-1",
            "B13",
            f"上年十佳排名填第 6 名，但记录（{where}）中该项目为十佳第 1 名（年终排名第 6 名）：请按记录改正",
        )
    ]


def test_export_of_two_years_stacks_and_joins_on_the_continued_project(tmp_path):
    """Clerk audit (sgov export across both years): the 2023 projects table said 是否延续 (the
    claim) but not which 2022 project sgov linked it to, so the stacked tables could not be joined
    (PX-1 楼道微美化 continues PX-A; names and 项目编号 differ from year to year)."""
    _last_year_folder(tmp_path / "2022")
    folder = this_year(
        tmp_path / "2023", [form("PX-1", "2023年 楼道微美化"), form("PX-2", "新")], ["../2022"]
    )
    for year, path in (("2022", tmp_path / "2022"), ("2023", folder)):
        result = runner.invoke(
            app,
            [
                "export",
                str(path),
                "-o",
                str(tmp_path / "t" / year),
                "--as-of",
                f"{year}-12-31",
                "-q",
            ],
        )
        assert result.exit_code == 0, result.output
    rows = []
    for year in ("2022", "2023"):
        lines = (
            (tmp_path / "t" / year / "projects.csv").read_text(encoding="utf-8-sig").splitlines()
        )
        head = lines[0].split(",")
        rows += [dict(zip(head, line.split(","), strict=True)) for line in lines[1:]]
    assert head[-3:] == ["prior_year", "prior_project_id", "prior_matched_by"]
    assert [
        (
            r["year"],
            r["project_id"],
            r["name"],
            r["prior_year"],
            r["prior_project_id"],
            r["prior_matched_by"],
        )
        for r in rows
    ] == [
        ("2022", "PX-A", "楼道微美化", "", "", ""),
        ("2023", "PX-1", "2023年 楼道微美化", "2022", "PX-A", "居民区和项目名称"),
        ("2023", "PX-2", "新", "", "", ""),  # no record of it last year
    ]


@pytest.mark.rule("SG026", "fires")
def test_a_record_computed_before_its_year_end_says_so_wherever_it_is_cited(tmp_path):
    # a record.json from a mid-year run (sgov-output/2022-06-30/record.json): its 执行率 is that
    # day's; a truthful claim about the whole year then contradicts it, and the clerk must see why
    path = write_record(tmp_path / "y" / "record-2022.json", [rec("PX-1", "旧名字", rate="0.4000")])
    record = json.loads(path.read_text(encoding="utf-8"))
    record["as_of"] = "2022-06-30"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    folder = this_year(
        tmp_path / "y",
        [form("PX-1", "楼道微美化", continuing="是", rate="70%")],
        ["record-2022.json"],
    )
    label = "2022 年记录 record-2022.json（计算日期 2022-06-30，不是年终的记录）"
    assert sg026(folder) == [
        (
            "error",
            "PX-1",
            "B15",
            f"上年执行率填 70.00%，但记录（{label} 的 PX-1，按项目编号对应）中执行率为 40.00%"
            "（合规支出 4,000.00 元 ÷ 核定金额 10,000.00 元）：请按记录改正",
        )
    ]
    assert f"【上年（{label}）】" in lines(run(folder, as_of=AS_OF), "PX-1")
