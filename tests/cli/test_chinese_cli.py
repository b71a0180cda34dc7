"""Help and usage errors are Chinese all the way (option names stay English); python -m works."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import COMMANDS, app
from selfgov_cli.cli.zh import translate

runner = CliRunner()

# What typer, click and pydantic print in English; none of it may reach a clerk.
ENGLISH = re.compile(
    r"Usage|Options|Arguments|Commands|Show this message|Error|Try '|Missing|No such|"
    r"Invalid value|Got unexpected|default:|required|Did you mean|Possible options|"
    r"Input should|requires an? |does not take|Aborted|is not a valid|is not one of|"
    r"OPTIONS|COMMAND|ARGS"
)
NAMES = [name for name, _, _ in COMMANDS]


def english(text: str) -> list[str]:
    return ENGLISH.findall(text)


def test_the_check_can_fail():
    assert english("Usage: sgov [OPTIONS]\n  -h, --help  Show this message and exit.") == [
        "Usage",
        "OPTIONS",
        "Show this message",
    ]


@pytest.mark.parametrize("args", [[], ["--help"], ["-h"], *[[n, "--help"] for n in NAMES]])
def test_every_help_is_chinese(args):
    result = runner.invoke(app, args)
    assert result.exit_code == (2 if not args else 0), result.output  # bare sgov: help, exit 2
    assert result.output.startswith("用法：sgov "), result.output
    assert english(result.output) == [], result.output
    assert "显示本帮助并退出。" in result.output
    assert "选项：" in result.output


def test_help_keeps_option_names_and_translates_defaults_and_required():
    out = runner.invoke(app, ["init", "--help"]).output
    assert "用法：sgov init [选项] {folder}" in out
    assert "-p, --program <str>" in out and "[必填]" in out
    out = runner.invoke(app, ["rank", "--help"]).output
    assert "--stage <str>" in out and "[默认：review]" in out
    top = runner.invoke(app, ["--help"]).output
    assert top.splitlines()[0] == "用法：sgov [选项] 命令 [参数]..."
    assert "\n命令：\n" in top


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--nope"], "错误：没有选项 --nope。是不是想用 --no-cache？"),
        (["validate", "a", "b"], "错误：多余的参数：b"),
        (["init"], "错误：缺少参数 'folder'。"),
        (["init", "x"], "错误：缺少选项 '--program' / '-p'。"),
        (["validate", "--format"], "错误：选项 --format 后面需要一个值。"),
        (["validate", "--workers", "abc"], "错误：'--workers' / '-j' 的值无效：应为整数"),
        (["validate", "--workers", "0"], "错误：'--workers' / '-j' 的值无效：应不小于 1"),
        (["nosuch"], "错误：没有命令 'nosuch'"),
        (["valdate"], "错误：没有命令 'valdate'；是不是想用 'validate'？"),
        (["rank", "--stage"], "错误：选项 --stage 后面需要一个值。"),
    ],
)
def test_usage_errors_are_chinese_exit_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[-1] == message, result.output
    assert english(result.output) == [], result.output
    if len(lines) > 1:  # the usage line and where to find help, then the error
        assert lines[0].startswith("用法：sgov")
        assert lines[1].startswith("运行 'sgov") and lines[1].endswith("查看帮助。")


def test_an_unknown_english_message_is_kept_rather_than_lost():
    assert translate("Something new from click.") == "Something new from click."
    assert translate("Input should be a valid integer, unable to parse") == "应为整数"


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "selfgov_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_python_dash_m_runs_sgov():
    done = run_module("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("用法：")
    assert "validate" in done.stdout and english(done.stdout) == []
    done = run_module("rules", "SG001")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SG001（错误）")
    done = run_module("validate", "--nope")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "错误：没有选项 --nope。是不是想用 --no-cache？"


@pytest.mark.parametrize(
    "program_id", ["puxing-2023", "xinjing-2021", "chengdu-2023", "gonghexinlu-2023"]
)
def test_programs_page_shows_severities_and_setting_types_in_chinese(program_id):
    result = runner.invoke(app, ["programs", program_id])
    assert result.exit_code == 0, result.output
    rows = [line.split("│")[1:-1] for line in result.output.splitlines() if line.startswith("│")]
    rule_rows = [[c.strip() for c in r] for r in rows if len(r) == 4 and r[0].strip()]
    assert rule_rows and {r[1] for r in rule_rows} <= {"错误", "警告", "提示"}
    setting_rows = [[c.strip() for c in r] for r in rows if len(r) == 5 and r[0].strip()]
    assert setting_rows
    assert {r[1] for r in setting_rows} <= {
        "金额", "比例", "日期", "整数", "数字", "是/否", "文本", "列表", "对照表", "正则表达式列表", "居民区金额",
    }  # fmt: skip
    defaults = {r[0]: r[2] for r in setting_rows}
    assert (defaults["trim_extremes"], defaults["group_weights"]) == ("是", "（无）")
