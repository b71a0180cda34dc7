"""Nothing lost, nothing leaked: inputs are never changed, no phone or ID number ever reaches an
output, and an output file is complete or absent whatever happens mid-write.

Every command runs over a copy of every sample folder (plus one planted workbook full of
private numbers), through the real command line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from tests.helpers import LEDGER_HEADER, write_form, write_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = (
    sorted(p for p in (ROOT / "sample_workbooks").iterdir() if p.is_dir())
    if (ROOT / "sample_workbooks").is_dir()
    else []
)
AS_OF = "2023-12-31"
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PLANTED_PHONES = ("13912345678", "18600001111")
PLANTED_IDS = ("31011519800101123X", "110101199003071234")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _cell_texts(path: Path) -> list[str]:
    """Every cell of an input as text (read with calamine, never opened for writing)."""
    from selfgov_cli.io.workbook import Unreadable, open_book

    try:
        book = open_book(path)
    except Unreadable:
        return []
    return [
        str(v) for sheet in book.sheets for row in sheet.rows for v in row if v not in (None, "")
    ]


def _private_numbers(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".csv"):
            for text in _cell_texts(path):
                found.update(PHONE.findall(text))
                found.update(m.upper() for m in ID_NUMBER.findall(text))
    return found


def _plant(folder: Path, program: str) -> None:
    """A workbook that puts phone and ID numbers everywhere a clerk might type them."""
    write_form(
        folder / "zz-隐私测试.xlsx",
        {
            "项目编号": "ZZ-1",
            "项目名称": "隐私测试项目",
            "项目类别": "悦家",
            "居民区": "浦兴一居",
            "申报主体": "浦兴一居委",
            "项目负责人": "王小明",
            "联系电话": PLANTED_PHONES[0],
            "申请金额": "1000",
            "开始日期": "2023-03-01",
            "结束日期": "2023-12-31",
            "项目简介": f"负责人电话 {PLANTED_PHONES[1]}，身份证 {PLANTED_IDS[0]}",
        },
        budget=[("工作经费", f"联系 {PLANTED_PHONES[1]}", 1000)],
        members=[(f"李四 {PLANTED_IDS[1]}", "成员", "是", "否")],
    )
    write_table(
        folder / "zz-隐私测试.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            (
                "2023-05-01",
                "ZZ-1",
                "工作经费",
                f"收据 {PLANTED_IDS[0]}",
                100,
                "F-ZZ",
                f"张三 {PLANTED_PHONES[0]}",
                "",
                "是",
                "",
            )
        ],
    )


COMMANDS = [
    ["validate", "--format", "json"],
    ["disburse", "--format", "json"],
    ["rank", "--format", "json"],
    ["report", "--kind", "publicity", "--format", "html", "-o", "{out}/publicity-html"],
    ["report", "--kind", "publicity", "--format", "xlsx", "-o", "{out}/publicity-xlsx"],
    ["report", "--kind", "publicity", "--format", "md", "-o", "{out}/publicity-md"],
    ["report", "--kind", "summary", "--format", "html", "-o", "{out}/summary-html"],
    ["report", "--kind", "summary", "--format", "xlsx", "-o", "{out}/summary-xlsx"],
    ["report", "--kind", "annotated", "-o", "{out}/annotated"],
    ["run", "-o", "{out}/run"],
]


def _output_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8", "replace")


@pytest.fixture(scope="module", params=[p.name for p in SAMPLES] or ["none"])
def sample_run(request, tmp_path_factory):
    """A copy of one sample folder with a planted workbook, and every command run over it once."""
    if request.param == "none":
        pytest.fail("no sample_workbooks/: run `make samples`")
    base = tmp_path_factory.mktemp(request.param)
    folder = base / request.param
    shutil.copytree(ROOT / "sample_workbooks" / request.param, folder)
    _plant(folder, request.param)
    before = _hashes(folder)
    out = base / "out"
    results = []
    runner = CliRunner()
    for command in COMMANDS:
        args = [
            command[0],
            str(folder),
            *(a.format(out=out) for a in command[1:]),
            "--as-of",
            AS_OF,
        ]
        results.append((command, runner.invoke(app, args)))
    return folder, before, out, results


def test_every_command_leaves_every_input_byte_for_byte(sample_run):
    folder, before, _, results = sample_run
    for command, result in results:
        assert result.exit_code in (0, 1), (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.exception,
        )
        assert "Traceback" not in result.output
    after = _hashes(folder)
    assert {k: after.get(k) for k in before} == before
    assert set(after) == set(before), "a command wrote into the program folder"


def _leaks(sample_run) -> list[tuple[str, str]]:
    folder, _, out, results = sample_run
    private = _private_numbers(folder)
    assert (
        set(PLANTED_PHONES) | set(PLANTED_IDS) <= private
    )  # the scan itself finds what was planted
    outputs = [(f"stdout of {' '.join(c[:3])}", r.stdout) for c, r in results]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert files, "the commands wrote no files"
    outputs += [(p.relative_to(out).as_posix(), _output_text(p)) for p in files]
    return [
        (where, number)
        for where, text in outputs
        for number in sorted(private)
        if number in text.upper()
    ]


def _annotated(where: str) -> bool:
    return "annotated/" in where


def test_no_output_anywhere_holds_a_phone_or_id_number_from_the_inputs(sample_run):
    """Every output but the annotated copies, incl. disburse JSON (issue 17)."""
    assert [leak for leak in _leaks(sample_run) if not _annotated(leak[0])] == []


def test_annotated_copies_keep_the_original_values(sample_run):
    """The contract changed (cli.md): copies go back to their authors unmasked."""
    found = {number for where, number in _leaks(sample_run) if _annotated(where)}
    assert found >= {n for n in set(PLANTED_PHONES) | set(PLANTED_IDS) if n.isdigit()}


# -- complete or absent ----------------------------------------------------------------------------


def test_a_report_that_fails_mid_write_leaves_no_file(tmp_path, monkeypatch):
    from selfgov_cli.report import safe

    folder = ROOT / "sample_workbooks" / "puxing-2023"
    out = tmp_path / "out"
    args = [
        "report",
        str(folder),
        "--kind",
        "summary",
        "--format",
        "xlsx",
        "-o",
        str(out),
        "--as-of",
        AS_OF,
    ]
    assert CliRunner().invoke(app, args).exit_code in (0, 1)
    good = _hashes(out)
    assert good

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe.os, "fsync", disk_full)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 or isinstance(result.exception, OSError), result.output
    assert "Traceback" not in result.output
    assert _hashes(out) == good  # the earlier complete file stays; no temporary file is left
    shutil.rmtree(out)
    CliRunner().invoke(app, args)
    assert not out.exists() or _hashes(out) == {}


def _sgov(*args: str) -> list[str]:
    return [sys.executable, "-m", "selfgov_cli.cli.app", *args]


def _run_and_annotate(folder: Path, out: Path) -> list[list[str]]:
    return [
        _sgov("run", str(folder), "-o", str(out), "--as-of", AS_OF, "-q"),
        _sgov(
            "report",
            str(folder),
            "--kind",
            "annotated",
            "-o",
            str(out / "annotated"),
            "--as-of",
            AS_OF,
        ),
    ]


def test_a_run_killed_at_any_moment_leaves_complete_or_absent_outputs(tmp_path):
    """SIGKILL `sgov run` and `sgov report` at spread-out moments: every output there is whole."""
    folder = tmp_path / "puxing-2023"
    shutil.copytree(ROOT / "sample_workbooks" / "puxing-2023", folder)
    reference = tmp_path / "reference"
    started = time.perf_counter()
    for command in _run_and_annotate(folder, reference):
        subprocess.run(command, cwd=ROOT, check=False)
    took = (time.perf_counter() - started) / 2
    expected = _hashes(reference)
    assert expected
    inputs = _hashes(folder)
    for step in range(8):
        out = tmp_path / f"killed-{step}"
        delay = took * (step + 1) / 9
        for command in _run_and_annotate(folder, out):
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(delay)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
        visible = {
            k: v
            for k, v in _hashes(out).items()
            if not any(part.startswith(".") for part in Path(k).parts)
            and not k.endswith((".lock", "run.log", "summary.json"))
        }
        for name, digest in visible.items():
            assert expected.get(name) == digest, (
                f"killed after {delay:.2f}s: {name} is incomplete or unexpected"
            )
    assert _hashes(folder) == inputs


def test_a_full_disk_while_spooling_the_finance_workbook_is_exit_2_in_chinese(
    tmp_path, monkeypatch
):
    """拨付核算.xlsx spools its cells' XML into a temporary file (xlsx_fast): a full temporary disk
    is the same clear exit 2 as a full output disk, for disburse and for run, and nothing is left."""
    import io

    from selfgov_cli.report import xlsx_fast

    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_fast.tempfile, "TemporaryFile", Full)
    monkeypatch.setenv("SGOV_CACHE_DIR", str(tmp_path / "cache"))  # no workbook to reuse
    folder = str(SAMPLES[0])
    out = tmp_path / "o"
    result = CliRunner().invoke(
        app, ["disburse", folder, "--format", "xlsx", "-o", str(out), "--as-of", AS_OF]
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"sgov：无法写入 {out / '拨付核算.xlsx'}：磁盘空间已满；原有文件保持不变\n",
    )
    assert not out.exists() or list(out.iterdir()) == []
    result = CliRunner().invoke(app, ["run", folder, "-o", str(tmp_path / "r"), "--as-of", AS_OF])
    assert (result.exit_code, result.stderr) == (
        2,
        "sgov：写入输出时出错：磁盘空间已满；上次的输出保持不变\n",
    )
