"""sgov.toml [settings] and a clerk's own program file (`extends`), through the command line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.programs import get_program
from selfgov_cli.programs.base import ProgramError
from tests.helpers import write_config
from tests.programs.test_puxing import make

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*args])


def validate_json(folder, *extra: str) -> tuple[int, dict]:
    result = run("validate", str(folder), "--format", "json", "--as-of", "2023-12-31", *extra)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def rules_of(payload: dict) -> list[tuple]:
    return [(f["rule"], f["project_id"], f["cell"]) for f in payload["findings"]]


def test_settings_in_sgov_toml_override_the_defaults(tmp_path):
    cells = make(tmp_path, {"征询居民人数": 35})
    write_config(tmp_path, "puxing-2023")
    code, payload = validate_json(tmp_path)
    assert (code, rules_of(payload)) == (1, [("PX003", "PX-01", cells["征询居民人数"])])
    write_config(tmp_path, "puxing-2023", settings={"min_residents_consulted": 30})
    code, payload = validate_json(tmp_path)
    assert (code, rules_of(payload)) == (0, [])


def test_keyword_list_setting_replaces_the_default(tmp_path):
    cells = make(tmp_path, {"项目简介": "楼道刷白施工"})
    write_config(tmp_path, "puxing-2023")
    assert rules_of(validate_json(tmp_path)[1]) == [("PX013", "PX-01", cells["项目简介"])]
    write_config(tmp_path, "puxing-2023", settings={"hardware_keywords": ["装修"]})
    assert rules_of(validate_json(tmp_path)[1]) == []


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"min_residents": 30}, "min_residents"),  # unknown key
        ({"min_residents_consulted": "三十"}, "min_residents_consulted"),  # wrong type
        ({"min_residents_consulted": 30.5}, "min_residents_consulted"),
        ({"midterm_date": "七月底"}, "midterm_date"),
        ({"volunteer_cap_top5": "很多"}, "volunteer_cap_top5"),
        ({"forbidden_patterns": "招待费"}, "forbidden_patterns"),
        ({"forbidden_patterns": ["社工(补贴"]}, "forbidden_patterns"),
        ({"pool_mode": "greedy"}, "pool_mode"),
        ({"trim_extremes": "yes"}, "trim_extremes"),
    ],
)
def test_bad_settings_exit_2_naming_the_key(tmp_path, settings, named):
    make(tmp_path)
    write_config(tmp_path, "puxing-2023", settings=settings)
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert named in result.stderr and "sgov.toml" in result.stderr
    assert "Traceback" not in result.output


def test_setting_of_another_program_is_unknown(tmp_path):
    make(tmp_path)
    write_config(tmp_path, "puxing-2023", settings={"micro_cap": 8000})  # a 共和新路 setting
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2 and "micro_cap" in result.stderr


MY_STREET = """\
extends = "puxing-2023"
name = "2024年某某街道自治金项目"
document = "某街〔2024〕1号"
categories = ["怡家", "悦家", "和家", "安家", "靓家", "乐家", "其他"]
disabled_rules = ["PX012"]

[expense_caps]
volunteer = 0.30            # 志愿者补贴上限改为 30%，其余上限不变

[[tranches]]
share = 0.5
gate = "approval"
clause = "某街 四.1"

[[tranches]]
share = 0.5
gate = "midterm"
clause = "某街 四.1"

[settings]
min_residents_consulted = 30
"""


def test_own_program_file_extends_a_builtin(tmp_path):
    (tmp_path / "my-street.toml").write_text(MY_STREET, encoding="utf-8")
    budget = [("社会组织服务", "指导", 4000), ("志愿者补贴", "慰问", 3000), ("管理费", "总结会", 500),
              ("表彰奖励", "奖状", 500), ("工作经费", "物资", 2000)]  # fmt: skip
    make(tmp_path, {"项目类别": "乐家", "征询居民人数": 30}, budget=budget,
                 ledger=[("2023-04-01", "PX-01", "工作经费", "物资", 100, "F1", "店", "居民", "否", "")])  # fmt: skip
    write_config(tmp_path, "my-street.toml")
    code, payload = validate_json(tmp_path)
    # 乐家 is a category, 30% volunteer cap holds, 30 residents suffice, PX012 is off; PX011 still applies
    assert payload["program"] == "my-street"
    assert rules_of(payload) == [("PX011", "PX-01", "I2")]
    assert code == 1
    # the same file given on the command line, from outside the folder
    code, payload = validate_json(tmp_path, "--program", str(tmp_path / "my-street.toml"))
    assert rules_of(payload) == [("PX011", "PX-01", "I2")]


def test_own_program_file_leaves_the_builtin_unchanged(tmp_path):
    (tmp_path / "my-street.toml").write_text(MY_STREET, encoding="utf-8")
    mine = get_program(str(tmp_path / "my-street.toml"))
    assert (
        mine.family,
        mine.expense_caps["volunteer"],
        mine.setting_default("min_residents_consulted"),
    ) == (
        "puxing-2023",
        Decimal("0.30"),
        30,
    )
    builtin = get_program("puxing-2023")
    assert (
        builtin.expense_caps["volunteer"],
        builtin.setting_default("min_residents_consulted"),
    ) == (
        Decimal("0.25"),
        40,
    )


def test_sgov_programs_shows_an_own_program_file(tmp_path):
    path = tmp_path / "my-street.toml"
    path.write_text(MY_STREET, encoding="utf-8")
    result = run("programs", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert (info["id"], info["extends"], info["name"]) == (
        "my-street",
        "puxing-2023",
        "2024年某某街道自治金项目",
    )
    caps = {c["code"]: c["cap"] for c in info["expense_categories"]}
    assert caps == {"work": None, "org_service": "0.5000", "volunteer": "0.3000", "management": "0.1000",
                    "award": "0.0500"}  # fmt: skip
    assert [(t["share"], t["gate"]) for t in info["tranches"]] == [
        ("0.50", "approval"),
        ("0.50", "midterm"),
    ]
    assert "PX012" not in [r["id"] for r in info["rules"]] and info["disabled_rules"] == ["PX012"]
    setting = next(s for s in info["settings"] if s["name"] == "min_residents_consulted")
    assert (setting["default"], setting["source"]) == (30, "my-street.toml")


def test_rule_titles_quote_the_builtin_document_while_the_caps_are_the_program_files(tmp_path):
    """Documented in README (Programs and settings): a title is the rule's, shared by every program
    extending it; the program's own cap is in 支出上限 and in each finding's message."""
    path = tmp_path / "my-street.toml"
    path.write_text(MY_STREET, encoding="utf-8")
    info = json.loads(run("programs", str(path), "--format", "json").stdout)
    px006 = next(r for r in info["rules"] if r["id"] == "PX006")
    assert px006["title"] == (
        "志愿者补贴（慰问）超过项目总预算的 25%（上年十佳前五名 35%）（预算与实际支出）"
    )
    assert info["expense_caps"]["志愿者补贴"] == "0.3000"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('name = "无基础"\n', "extends"),
        ('extends = "nowhere-2020"\n', "extends"),
        ('extends = "puxing-2023"\ncolour = "红"\n', "colour"),
        ('extends = "puxing-2023"\n[expense_caps]\ntravel = 0.1\n', "travel"),
        ('extends = "puxing-2023"\n[[tranches]]\nshare = 0.6\ngate = "approval"\n', "share"),
        ('extends = "puxing-2023"\n[[tranches]]\nshare = 1\ngate = "someday"\n', "gate"),
        ('extends = "puxing-2023"\ndisabled_rules = ["PX099"]\n', "PX099"),
        (
            'extends = "puxing-2023"\n[settings]\nmin_residents_consulted = "很多"\n',
            "min_residents_consulted",
        ),
        ('extends = "gonghexinlu-2023"\n[intents]\n"不存在" = ["x"]\n', "不存在"),
        ("extends = \n", "格式有误"),
        (
            'extends = "puxing-2023"\n[[tranches]]\nshare = 0.6\ngate = "approval"\n'
            '[[tranches]]\nshare = 0.3\ngate = "midterm"\n',
            "share 之和应为 1（100%），现为 0.9（0.6、0.3）",
        ),
        (
            'extends = "puxing-2023"\n[[tranches]]\nshare = 0.5\ngate = "中期"\n'
            '[[tranches]]\nshare = 0.5\ngate = "立项"\n',
            "第 2 个 tranche（立项）排在中期评估之后：拨付批次应按 立项、中期评估、末期评估 的先后排列",
        ),
        ('extends = "puxing-2023"\n[expense_caps]\n"交通费" = 0.1\n', "交通费 不是支出类别"),
        ('extends = "puxing-2023"\nyear = 2024\n', "year（应写在项目文件夹的 sgov.toml 中"),
        ('extends = "puxing-2023"\ntranche = []\n', "tranche（是不是 tranches？）"),
    ],
)
def test_bad_program_files_exit_2_naming_the_problem(tmp_path, text, named):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    from selfgov_cli.rules.registry import check_program

    # get_program reads the file; the registry rejects unknown rule ids (rules/registry.py)
    with pytest.raises(ProgramError, match=named):
        check_program(get_program(str(tmp_path / "bad.toml")))
    result = run("validate", str(tmp_path), "--program", str(tmp_path / "bad.toml"))
    assert result.exit_code == 2 and named in result.stderr and "Traceback" not in result.output


def test_unknown_program_exits_2(tmp_path):
    result = run("validate", str(tmp_path), "--program", "nowhere-2020")
    assert result.exit_code == 2 and "nowhere-2020" in result.stderr
    assert run("programs", "nowhere-2020").exit_code == 2


def test_sgov_programs_lists_and_shows_every_builtin():
    result = run("programs", "--format", "json")
    assert result.exit_code == 0
    ids = [p["id"] for p in json.loads(result.stdout)["programs"]]
    assert ids == ["puxing-2023", "xinjing-2021", "chengdu-2023", "gonghexinlu-2023"]
    for program_id in ids:
        info = json.loads(run("programs", program_id, "--format", "json").stdout)
        assert info["rules"] and info["tranches"] and info["settings"]
        for setting in info["settings"]:
            assert setting["doc"] and setting["source"] and setting["type"], setting
        shares = sum(Decimal(t["share"]) for t in info["tranches"])
        assert shares == 1
    text = run("programs", "puxing-2023").output
    assert (
        "volunteer_cap_top5" in text
        and "浦兴 四.4(1)" in text
        and "第2笔 40% 中期评估通过后" in text
    )


def test_a_toml_mistake_in_a_program_file_is_named_in_chinese_as_in_sgov_toml(tmp_path):
    """A program file's TOML mistake showed tomllib's English ('Invalid value (at line 1,
    column 11)'); it names the line and the full-width sign, as sgov.toml's do."""
    path = tmp_path / "my-street.toml"
    path.write_text("extends = “puxing-2023”\n", encoding="utf-8")
    with pytest.raises(ProgramError) as caught:
        get_program(str(path))
    assert str(caught.value) == (
        "my-street.toml 第 1 行有全角（中文）符号：extends = “puxing-2023”\n"
        '请切换到英文输入法，把““”改为 "、“””改为 "（等号、引号、括号都要用半角）'
    )
    path.write_text('extends = "puxing-2023"\nname = 浦兴\n', encoding="utf-8")
    with pytest.raises(ProgramError, match="^my-street.toml 第 2 行格式有误：name = 浦兴\n"):
        get_program(str(path))


def test_a_program_file_saved_by_notepad_in_gbk_is_read_as_sgov_toml_is(tmp_path):
    """Windows Notepad's "ANSI" (GBK): sgov.toml was read, a program file was Python's English
    decode error; both are read the same way now."""
    path = tmp_path / "my-street.toml"
    path.write_bytes(MY_STREET.encode("gbk"))
    program = get_program(str(path))
    assert (program.id, program.name, program.document) == (
        "my-street",
        "2024年某某街道自治金项目",
        "某街〔2024〕1号",
    )
    assert "乐家" in program.categories


def test_an_unreadable_program_file_is_said_in_chinese(tmp_path, monkeypatch):
    path = tmp_path / "my-street.toml"
    path.write_text(MY_STREET, encoding="utf-8")
    real = type(path).read_bytes

    def locked(self):
        if self.name == "my-street.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(type(path), "read_bytes", locked)
    with pytest.raises(ProgramError) as caught:
        get_program(str(path))
    assert str(caught.value) == (
        f"无法读取计划文件 {path}：没有读取权限（文件可能正被其他程序打开）（{path}）"
    )


def test_a_program_file_written_in_chinese_gates_and_category_names(tmp_path):
    """A clerk writes gates as the document does (立项、中期、结项) and caps by the category's name;
    a tranche without a clause cites the file's document (explain showed the bare word midterm)."""
    path = tmp_path / "my-street.toml"
    path.write_text(
        'extends = "puxing-2023"\ndocument = "某街〔2024〕1号"\n'
        '[expense_caps]\n"志愿者补贴" = "30%"\n'
        '[[tranches]]\nshare = "50%"\ngate = "立项"\n'
        '[[tranches]]\nshare = "30%"\ngate = "中期"\nclause = "某街 四.2"\n'
        '[[tranches]]\nshare = "20%"\ngate = "结项"\n',
        encoding="utf-8",
    )
    mine = get_program(str(path))
    assert mine.expense_caps["volunteer"] == Decimal("0.30")
    assert [(t.share, t.gate, t.clause) for t in mine.tranches] == [
        (Decimal("0.50"), "approval", "某街〔2024〕1号"),
        (Decimal("0.30"), "midterm", "某街 四.2"),
        (Decimal("0.20"), "final", "某街〔2024〕1号"),
    ]
    (tmp_path / "plain.toml").write_text(
        'extends = "puxing-2023"\n[[tranches]]\nshare = 1\ngate = "末期"\n', encoding="utf-8"
    )
    (only,) = get_program(str(tmp_path / "plain.toml")).tranches
    assert (only.gate, only.clause) == ("final", "计划文件 plain.toml")
