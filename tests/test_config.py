"""sgov.toml as clerks save it: UTF-8, BOM or GBK; full-width signs named by line; init's lines."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.config import ConfigError, load_config
from selfgov_cli.programs import builtin, get_program
from selfgov_cli.templates_init import init_folder
from tests.helpers import write_book

runner = CliRunner()
TEXT = 'program = "xinjing-2021"\nneighborhoods = ["浦兴一居", "浦兴二居"]\noffice = "街道自治办"\n'


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),  # Windows Notepad "ANSI"
    ],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_sgov_toml_in_utf8_bom_or_gbk(tmp_path, encoded):
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_bytes(encoded)
    config = load_config(tmp_path)
    assert config.program.id == "xinjing-2021"
    assert config.neighborhoods == ("浦兴一居", "浦兴二居")
    assert config.office == "街道自治办"


@pytest.mark.parametrize(
    ("line", "sign"),
    [
        ("program = “puxing-2023”", "“"),
        ('program ＝ "puxing-2023"', "＝"),
        ('neighborhoods = ［"一居"］', "［"),
    ],
)
def test_full_width_signs_are_a_chinese_error_naming_the_line(tmp_path, line, sign):
    (tmp_path / "sgov.toml").write_text(f"# 配置\nyear = 2023\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    message = str(caught.value)
    assert message.startswith("sgov.toml 第 3 行有全角（中文）符号")
    assert f"“{sign}”改为" in message
    assert "Invalid" not in message and "line 3" not in message


def test_full_width_quotes_inside_a_string_are_fine(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_text('office = "“自治金”办公室"\n', encoding="utf-8")
    assert load_config(tmp_path).office == "“自治金”办公室"


def test_other_toml_mistakes_name_the_line_in_chinese(tmp_path):
    (tmp_path / "sgov.toml").write_text("year = 2023\nprogram = puxing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^sgov.toml 第 2 行格式有误：program = puxing"):
        load_config(tmp_path)


def test_cli_exit_2_with_the_line_on_stderr(tmp_path):
    (tmp_path / "sgov.toml").write_text("program = “puxing-2023”\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "sgov.toml 第 1 行有全角（中文）符号" in result.output


@pytest.mark.parametrize("program_id", sorted(builtin()))
def test_every_commented_line_of_sgov_init_is_valid_when_uncommented(tmp_path, program_id):
    init_folder(tmp_path, get_program(program_id))
    path: Path = tmp_path / "sgov.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    commented = [i for i, line in enumerate(lines) if line.startswith("# ")]
    assert len(commented) >= 10
    names = set()
    for i in commented:  # one at a time, exactly as a clerk does: delete the "# "
        edited = [*lines]
        edited[i] = lines[i][2:]
        path.write_text("\n".join(edited) + "\n", encoding="utf-8")
        config = load_config(tmp_path)  # valid TOML, and a valid value for its key
        names.add(lines[i][2:].split("=")[0].strip())
        assert config.program.id == program_id
    assert {"group_weights", "pool", "year", "neighborhoods"} <= names
    path.write_text(  # and all at once
        "\n".join(line[2:] if line.startswith("# ") else line for line in lines) + "\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.settings["group_weights"] == {"专家": 70, "居民": 30}


# ---- the wrong folder, and the program assumed ---------------------------------------------


def test_a_folder_with_no_spreadsheet_exits_2_saying_it_is_probably_the_wrong_folder(tmp_path):
    (tmp_path / "说明.docx").write_bytes(b"not a spreadsheet")
    (tmp_path / "sub").mkdir()
    for command in ("validate", "disburse", "rank", "run"):
        result = runner.invoke(app, [command, str(tmp_path)])
        assert result.exit_code == 2, (command, result.output)
        assert "中没有任何电子表格" in result.output and "给错了文件夹" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "sgov-output").exists()  # nothing written for a wrong folder


def test_one_spreadsheet_deep_in_a_subfolder_is_enough(tmp_path):
    write_book(tmp_path / "a" / "b" / "台账.xlsx", {"经费台账": [("日期", "项目编号")]})
    assert load_config(tmp_path).program.id == "puxing-2023"


def test_a_bad_sgov_toml_is_named_before_the_missing_spreadsheets(tmp_path):
    (tmp_path / "sgov.toml").write_text("program = “puxing-2023”\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="第 1 行有全角"):
        load_config(tmp_path)


def test_without_sgov_toml_the_default_program_is_said_once_on_stderr(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    result = runner.invoke(app, ["validate", str(tmp_path), "-f", "json"])
    assert result.stdout.lstrip().startswith("{")  # JSON on stdout stays pure
    assert "没有 sgov.toml" not in result.stdout
    assert result.stderr.count("没有 sgov.toml，按默认项目计划") == 1
    assert "puxing-2023" in result.stderr and "sgov init" in result.stderr
    with_program = runner.invoke(app, ["validate", str(tmp_path), "-p", "xinjing-2021"])
    assert "没有 sgov.toml" not in with_program.stderr
    (tmp_path / "sgov.toml").write_text('program = "puxing-2023"\n', encoding="utf-8")
    assert "没有 sgov.toml" not in runner.invoke(app, ["validate", str(tmp_path)]).stderr


# Mistakes in a hand-written sgov.toml that TOML itself accepts: each names its line (clerk audit 3).
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("yera = 2023", "sgov.toml 第 3 行：未知的键 yera（是不是 year？"),
        (
            'year = "2027年"',
            "sgov.toml 第 3 行：year 应为四位数的年份，如 year = 2027（不加引号、不写“年”），现为 '2027年'",
        ),
        (
            "year = 27",
            "sgov.toml 第 3 行：year 应为四位数的年份，如 year = 2027（不加引号、不写“年”），现为 27",
        ),
        (
            'program = "puxin-2023"',
            "sgov.toml 第 3 行：未知的项目计划 'puxin-2023'（是不是 puxing-2023？",
        ),
        (
            "neighborhoods = 3",
            'sgov.toml 第 3 行：neighborhoods 应为居民区名称列表，如 neighborhoods = ["金桥湾居民区", "长岛居民区"]',
        ),
        ("office = 1", "sgov.toml 第 3 行：office 应为文本"),
        (
            "[settings]\nmidterm_dat = 2023-07-31",
            "sgov.toml 第 4 行：未知的设置 midterm_dat（是不是 midterm_date？",
        ),
        (
            '[settings]\nmidterm_usage_gate = "五成"',
            "sgov.toml 第 4 行：设置 midterm_usage_gate 应为比例",
        ),
    ],
    ids=[
        "key",
        "year-text",
        "year-short",
        "program",
        "neighborhoods",
        "office",
        "setting",
        "setting-type",
    ],
)
def test_a_mistake_toml_accepts_names_its_line_and_the_close_name(tmp_path, line, expected):
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_text(f"# 配置\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(expected)
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert expected in result.output


def test_neighborhoods_with_stray_spaces_are_the_plain_names(tmp_path):
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_text(
        'neighborhoods = [" 一居 ", "二居\u3000", ""]\n', encoding="utf-8"
    )
    assert load_config(tmp_path).neighborhoods == ("一居", "二居")


def test_neighborhoods_typed_as_one_text_are_the_names_it_lists(tmp_path):
    """A clerk types the list as one text, separated as Chinese text is (，、 or spaces)."""
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_text(
        'neighborhoods = "一居，二居、三居, 四居  五居；"\n', encoding="utf-8"
    )
    assert load_config(tmp_path).neighborhoods == ("一居", "二居", "三居", "四居", "五居")


def test_a_toml_cut_short_names_its_last_line_in_chinese(tmp_path):
    """tomllib's 'Invalid value (at end of document)' named no line and showed English."""
    (tmp_path / "sgov.toml").write_text('year = 2023\nprogram = "puxing-2023', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value) == (
        'sgov.toml 第 2 行格式有误：program = "puxing-2023\n'
        '请按“名称 = 值”书写：文字加半角双引号（如 program = "puxing-2023"），数字和日期不加引号'
    )


def test_an_unreadable_sgov_toml_is_said_in_chinese(tmp_path, monkeypatch):
    """A sgov.toml another program holds locked (or without permission): the clerk's words, never
    the system's English ("Permission denied")."""
    write_book(tmp_path / "a.xlsx", {"申报表": [("项目编号", "P1")]})
    (tmp_path / "sgov.toml").write_text(TEXT, encoding="utf-8")
    real = Path.read_bytes

    def locked(self):
        if self.name == "sgov.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"sgov：无法读取 sgov.toml：没有读取权限（文件可能正被其他程序打开）（{tmp_path / 'sgov.toml'}）\n"
    )
