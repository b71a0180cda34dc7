"""sgov disburse on the command line: exit codes, JSON, the finance workbook, set-up errors, safety."""

import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.validate import validate
from tests.test_disburse import application, evaluations, ledger

runner = CliRunner()
AS_OF = "2023-12-31"


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _folder(tmp_path: Path, with_error: bool = False) -> Path:
    folder = tmp_path / "项目"
    application(folder, "PX-1", "50000")
    application(
        folder, "PX-2", "33333.33", 居民区="浦兴二居", 项目名称='=HYPERLINK("http://x","点我")'
    )
    rows = [("2023-04-01", "PX-1", "16000"), ("2023-05-01", "PX-2", "12000")]
    if with_error:
        rows.append(("2023-02-01", "PX-1", "500"))  # SG011: before the project's start
    ledger(folder, rows)
    evaluations(folder, [{"项目编号": "PX-1", "中期评估": "合格", "中期评估日期": "2023-07-31"}])
    return folder


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_json_is_the_library_payload_and_exit_0_on_a_clean_folder(tmp_path):
    folder = _folder(tmp_path)
    result = _run("disburse", folder, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    expected = validate(folder, as_of=date(2023, 12, 31)).disbursement.to_dict()
    assert payload == expected
    assert [(p["project_id"], p["released"], p["usage_rate"]) for p in payload["projects"]] == [
        ("PX-1", "50000.00", "0.3200"),
        ("PX-2", "20000.00", "0.6000"),
    ]


def test_error_findings_exit_1(tmp_path):
    folder = _folder(tmp_path, with_error=True)
    result = _run("disburse", folder, "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1
    entry = json.loads(result.stdout)["projects"][0]
    assert (entry["spent"], entry["eligible_spent"], entry["ineligible_spent"]) == (
        "16500.00",
        "16000.00",
        "500.00",
    )


def test_set_up_errors_exit_2_with_one_sentence(tmp_path):
    folder = _folder(tmp_path)
    a_file = tmp_path / "x.xlsx"
    a_file.write_bytes(b"")
    cases = [
        (("disburse", folder, "-o", tmp_path / "out"), "-o 只用于 --format json、xlsx 或 csv"),
        (("disburse", folder, "-f", "pdf"), "--format"),
        (("disburse", folder, "--as-of", "明天"), "--as-of"),
        (("disburse", tmp_path / "nowhere"), "文件夹不存在"),
        (("disburse", folder, "-f", "xlsx", "-o", a_file), "是一个文件：请指定一个文件夹"),
    ]
    for args, words in cases:
        result = _run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output
        assert "Traceback" not in result.output


def test_never_writes_over_an_input_workbook(tmp_path):
    folder = _folder(tmp_path)
    shutil.copy(folder / "台账" / "台账.xlsx", folder / "台账" / "拨付核算.xlsx")
    before = _hashes(folder)
    result = _run("disburse", folder, "--as-of", AS_OF, "-f", "xlsx", "-o", folder / "台账")
    assert result.exit_code == 2
    assert "在项目文件夹里、sgov-output 之外" in result.output
    assert _hashes(folder) == before


def test_xlsx_has_one_sheet_per_view_numbers_frozen_header_and_totals(tmp_path):
    folder = _folder(tmp_path)
    before = _hashes(folder)
    out = tmp_path / "新建" / "输出"  # created, with its parents
    result = _run("disburse", folder, "--as-of", AS_OF, "-f", "xlsx", "-o", out)
    assert result.exit_code == 0, result.output
    assert _hashes(folder) == before
    assert sorted(p.name for p in out.iterdir()) == ["拨付核算.xlsx"]
    wb = openpyxl.load_workbook(out / "拨付核算.xlsx")
    assert wb.sheetnames == [
        "项目拨付",
        "拨付批次",
        "支出类别",
        "不合规支出",
        "未匹配台账",
        "居民区汇总",
    ]
    assert all(ws.freeze_panes == "A2" for ws in wb)
    ws = wb["项目拨付"]
    header = [c.value for c in ws[1]]
    assert header[:8] == [
        "项目编号",
        "项目名称",
        "居民区",
        "立项",
        "未立项原因",
        "核定金额",
        "已拨付",
        "暂缓拨付",
    ]
    released = header.index("已拨付") + 1
    assert [ws.cell(r, released).value for r in range(2, 5)] == [50000, 20000, 70000]
    assert ws.cell(4, 1).value == "合计"
    assert ws.cell(2, released).number_format == "#,##0.00"
    assert [ws.cell(r, 4).value for r in (2, 3)] == ["通过", "通过"]
    assert ws.cell(3, 6).value == 33333.33
    name = ws.cell(3, 2)
    assert name.value == '=HYPERLINK("http://x","点我")' and name.data_type == "s"
    tranches = wb["拨付批次"]
    assert [(r[2], r[4], r[6]) for r in tranches.iter_rows(min_row=2, values_only=True)] == [
        (1, 30000, "已拨付"),
        (2, 20000, "已拨付"),
        (1, 20000, "已拨付"),
        (2, 13333.33, "待定"),
        (None, 83333.33, None),
    ]
    hoods = wb["居民区汇总"]
    assert [r[:5] for r in hoods.iter_rows(min_row=2, values_only=True)] == [
        ("浦兴一居", 1, 1, 50000, 50000),
        ("浦兴二居", 1, 1, 33333.33, 20000),
        ("合计", 2, 2, 83333.33, 70000),
    ]


def test_xlsx_is_byte_identical_for_the_same_inputs_and_date(tmp_path):
    folder = _folder(tmp_path)
    one, two = tmp_path / "a", tmp_path / "b"
    assert _run("disburse", folder, "--as-of", AS_OF, "-f", "xlsx", "-o", one).exit_code == 0
    assert _run("disburse", folder, "--as-of", AS_OF, "-f", "xlsx", "-o", two).exit_code == 0
    assert (one / "拨付核算.xlsx").read_bytes() == (two / "拨付核算.xlsx").read_bytes()


def test_xlsx_goes_to_sgov_output_by_default(tmp_path):
    folder = _folder(tmp_path)
    before = _hashes(folder)
    result = _run("disburse", folder, "--as-of", AS_OF, "-f", "xlsx")
    assert result.exit_code == 0, result.output
    target = folder / "sgov-output" / "拨付核算.xlsx"
    assert result.stdout.strip() == f"已写入 {target}"
    after = {k: v for k, v in _hashes(folder).items() if "sgov-output" not in k}
    assert after == before and target.is_file()


def test_json_to_a_file_is_what_stdout_would_show(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    result = _run("disburse", folder, "--as-of", AS_OF, "-f", "json", "-o", out)
    assert result.exit_code == 0
    assert result.stdout == f"已写入 {out / 'disburse.json'}\n"
    shown = _run("disburse", folder, "--as-of", AS_OF, "-f", "json").stdout
    assert json.loads((out / "disburse.json").read_text(encoding="utf-8")) == json.loads(shown)


def test_table_shows_each_project_the_reasons_and_the_totals(tmp_path):
    folder = _folder(tmp_path)
    application(folder, "PX-3", "10000")
    ledger(folder, [("2023-04-02", "PX-9", "700")], name="其他台账.xlsx")
    result = _run("disburse", folder, "--as-of", AS_OF, "--quiet")
    assert result.exit_code == 1  # SG005 for PX-9
    lines = [line.strip() for line in result.output.splitlines()]
    assert "项目计划：2023年浦兴路街道“自治金”项目（puxing-2023）  核算日期：2023-12-31" in lines
    row = next(line for line in lines if line.startswith("│ PX-2"))
    cells = [c.strip() for c in row.strip("│").split("│")]
    assert cells == [
        "PX-2",
        "浦兴二居",
        "33,333.33",
        "1 已拨付 20,000.00",
        "20,000.00",
        "12,000.00",
        "0.00",
        "60.00%",
        "60.00%",
        "0.00",
    ]
    assert any(
        line.startswith("PX-2 第2笔待定：中期评估日期 2023-06-30 已过，尚无中期评估结果")
        for line in lines
    )
    assert "PX-3 没有台账记录" in lines
    assert any("PX-9" in line and "700.00" in line and "SG005" in line for line in lines)
    total = next(line for line in lines if line.startswith("│ 合计"))
    assert [c.strip() for c in total.strip("│").split("│")] == [
        "合计",
        "3",
        "93,333.33",
        "76,000.00",
        "4,000.00",
        "13,333.33",
        "28,000.00",
        "0.00",
        "36.84%",
    ]


def test_as_of_a_bare_number_is_not_read_as_an_excel_serial(tmp_path):
    """On the command line `--as-of 2023` is a year a clerk typed, not day 2023 of Excel's
    calendar (1905-07-15); a serial number such as 45291 is no date to type either."""
    folder = _folder(tmp_path)
    for text in ("2023", "45291", "２０２３"):
        result = _run("disburse", folder, "--as-of", text)
        assert result.exit_code == 2, (text, result.output)
        assert result.output == f"sgov：--as-of 应为日期，如 2023-12-31（现为 {text!r}）\n"
    assert _run("disburse", folder, "--as-of", "20231231", "-f", "json").exit_code == 0


def test_an_empty_as_of_is_no_date(tmp_path):
    """`--as-of=` (a script's unset variable) silently meant today; it is exit 2 as any non-date."""
    folder = _folder(tmp_path)
    for text in ("", "  "):
        result = _run("disburse", folder, f"--as-of={text}")
        assert result.exit_code == 2, (text, result.output)
        assert result.output == f"sgov：--as-of 应为日期，如 2023-12-31（现为 {text!r}）\n"
