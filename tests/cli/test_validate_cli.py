"""sgov validate, rules, programs: exit codes, JSON shape, set-up errors, inputs untouched."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from selfgov_cli.cli.app import app

runner = CliRunner()


def _form(path: Path, **override) -> None:
    fields = {
        "项目编号": "PX-1",
        "项目名称": "楼道微更新",
        "项目类别": "悦家",
        "居民区": "浦兴一居",
        "申报主体": "浦兴一居委",
        "项目负责人": "张三丰",
        "负责人是否本居民区居民": "是",
        "联系电话": "13812345678",
        "申请金额": "10000",
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
    }
    fields.update(override)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申报表"
    for label, value in fields.items():
        ws.append([label, value])
    wb.save(path)


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_clean_folder_exits_0_and_json_has_the_spec_shape(tmp_path):
    _form(tmp_path / "a.xlsx")
    result = _run("validate", tmp_path, "--format", "json", "--as-of", "2023-12-31")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload == {
        "program": "puxing-2023",
        "findings": [],
        "summary": {"files": 1, "projects": 1, "errors": 0, "warnings": 0, "infos": 0},
    }


def test_error_findings_exit_1_with_located_json(tmp_path):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    result = _run("validate", tmp_path, "-f", "json", "--as-of", "2023-12-31")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings == [
        {
            "rule": "SG003",
            "severity": "error",
            "project_id": "PX-1",
            "file": "a.xlsx",
            "sheet": "申报表",
            "cell": "B9",
            "row": 9,
            "message": findings[0]["message"],
            "clause": "通用规则",
            "fix": findings[0]["fix"],
        }
    ]
    assert "一万多" in findings[0]["message"]


def test_warnings_exit_0_unless_strict(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "通讯录"
    wb.save(tmp_path / "无关.xlsx")
    assert _run("validate", tmp_path).exit_code == 0
    assert _run("validate", tmp_path, "--strict").exit_code == 1


def test_table_output_names_file_cell_rule_and_fix(tmp_path):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    result = _run("validate", tmp_path, "--as-of", "2023-12-31")
    assert result.exit_code == 1
    for text in ("a.xlsx", "PX-1", "申报表 B9", "SG003", "错误 1 个"):
        assert text in result.stdout
    assert "13812345678" not in result.stdout


def test_setup_problems_exit_2_with_one_sentence(tmp_path):
    missing = _run("validate", tmp_path / "nope")
    assert missing.exit_code == 2 and "文件夹不存在" in missing.output
    unknown = _run("validate", tmp_path, "--program", "mars-2099")
    assert unknown.exit_code == 2 and "mars-2099" in unknown.output
    (tmp_path / "sgov.toml").write_text("program = [", encoding="utf-8")
    broken = _run("validate", tmp_path)
    assert broken.exit_code == 2 and "sgov.toml" in broken.output
    (tmp_path / "sgov.toml").write_text('program = "puxing-2023"\ncolour = 1\n', encoding="utf-8")
    extra = _run("validate", tmp_path)
    assert extra.exit_code == 2 and "colour" in extra.output
    bad_date = _run("validate", tmp_path, "--as-of", "someday")
    assert bad_date.exit_code == 2


def test_sgov_toml_names_the_program(tmp_path):
    _form(tmp_path / "a.xlsx", 项目类别="Xin营造")
    (tmp_path / "sgov.toml").write_text('program = "xinjing-2021"\nyear = 2021\n', encoding="utf-8")
    payload = json.loads(_run("validate", tmp_path, "-f", "json").stdout)
    assert payload["program"] == "xinjing-2021"
    assert "SG007" not in {f["rule"] for f in payload["findings"]}


def test_inputs_are_never_written_and_no_traceback(tmp_path):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04garbage")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    proc = subprocess.run(
        [sys.executable, "-m", "selfgov_cli.cli.app", "validate", str(tmp_path), "-f", "json"],
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr
    json.loads(proc.stdout.decode("utf-8"))
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert after == before


def test_rules_and_programs_commands():
    listing = _run("rules", "-f", "json")
    assert listing.exit_code == 0
    ids = [r["id"] for r in json.loads(listing.stdout)["rules"]]
    assert ids == sorted(ids) and "SG001" in ids and "SG016" in ids
    one = _run("rules", "sg006")
    assert one.exit_code == 0 and "SG006" in one.stdout and "改正方法" in one.stdout
    assert _run("rules", "XX999").exit_code == 2
    programs = json.loads(_run("programs", "-f", "json").stdout)["programs"]
    assert [p["id"] for p in programs] == [
        "puxing-2023",
        "xinjing-2021",
        "chengdu-2023",
        "gonghexinlu-2023",
    ]
    shown = json.loads(_run("programs", "puxing-2023", "-f", "json").stdout)
    assert shown["tranches"][0]["share"] == "0.60"
    assert _run("programs", "nowhere").exit_code == 2


def test_version():
    result = _run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("sgov ")


def test_every_reading_command_takes_the_cache_and_worker_options(tmp_path):
    _form(tmp_path / "a.xlsx")
    for command in (
        ["validate"],
        ["disburse"],
        ["rank"],
        ["report", "--kind", "publicity", "-o", tmp_path / "sgov-output" / "out"],
    ):
        result = _run(
            *command[:1],
            tmp_path,
            *command[1:],
            "--no-cache",
            "--workers",
            "1",
            "--as-of",
            "2023-12-31",
        )
        assert result.exit_code == 0, (command, result.output)


def test_a_files_findings_list_projects_in_number_order(tmp_path):
    """Piped output groups a file's findings by project: PX-9 before PX-10, as every list does."""
    from tests.helpers import LEDGER_HEADER, write_table

    ids = ["PX-10", "PX-9", "PX-10", "PX-9"]
    rows = [
        ("2023-05-01", p, "工作经费", "物资", 100, f"F{i}", "店", "商户", "是", "")
        for i, p in enumerate(ids)
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    result = CliRunner().invoke(app, ["validate", str(tmp_path), "--as-of", "2023-12-31"])
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  PX-")]
    assert listed == ["PX-9"] * 4 + ["PX-10"] * 4
