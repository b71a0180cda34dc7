"""sgov report: default output folder, exit codes, set-up errors, inputs untouched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report.folders import INJECT_NAME, puxing_folder

SGOV = [sys.executable, "-c", "from selfgov_cli.cli.app import main; main()"]


def sgov(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SGOV, "report", *args], capture_output=True, text=True, timeout=120)


def _hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(("kind", "fmt", "names"), [
    ("publicity", "html", ["公示名单.html"]),
    ("publicity", "md", ["公示名单.md"]),
    ("publicity", "xlsx", ["公示名单.xlsx"]),
    ("summary", "html", ["汇总报告.html"]),
    ("summary", "md", ["汇总报告.md"]),
    ("summary", "xlsx", ["汇总报告.xlsx"]),
    ("annotated", "html", ["annotated/applications/四居.xlsx", "annotated/台账.xlsx"]),
])  # fmt: skip
def test_every_kind_and_format_exit_0_into_default_folder(tmp_path, kind, fmt, names):
    folder = puxing_folder(tmp_path / "p")
    before = _hashes(folder)
    done = sgov(str(folder), "--kind", kind, "--format", fmt, "--as-of", "2023-12-04", "--quiet")
    assert (done.returncode, done.stderr) == (0, "")  # findings do not fail a report
    out = folder / "sgov-output"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        names
    )
    assert done.stdout.splitlines() == [f"已生成：{out / n}" for n in names]
    after = {k: v for k, v in _hashes(folder).items() if not k.startswith("sgov-output")}
    assert after == before


def test_output_folder_and_rerun_identical(tmp_path):
    folder = puxing_folder(tmp_path / "p")
    for target in ("a", "b"):
        done = sgov(
            str(folder),
            "-k",
            "summary",
            "-f",
            "xlsx",
            "-o",
            str(tmp_path / target),
            "--as-of",
            "2023-12-04",
        )
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "a" / "汇总报告.xlsx").read_bytes() == (
        tmp_path / "b" / "汇总报告.xlsx"
    ).read_bytes()


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "nope"], "--kind 只能是 publicity、summary 或 annotated"),
    (["--format", "pdf"], "--format 只能是 html、xlsx 或 md"),
    (["--templates", "/no/such/dir"], "--templates 指定的文件夹不存在"),
    (["--as-of", "yesterday"], "--as-of 应为日期"),
    (["--stage", "x"], "--stage 只能是 review"),
])  # fmt: skip
def test_set_up_errors_exit_2(tmp_path, args, message):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    done = sgov(str(folder), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (folder / "sgov-output").exists()


def test_missing_folder_exit_2(tmp_path):
    done = sgov(str(tmp_path / "none"))
    assert done.returncode == 2 and "文件夹不存在" in done.stderr


def test_broken_user_template_exit_2(tmp_path):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    (folder / "templates").mkdir()
    (folder / "templates" / "publicity.html.j2").write_text("{{ nope.nothing }}", encoding="utf-8")
    done = sgov(str(folder))
    assert done.returncode == 2 and "模板 publicity.html.j2 无法渲染" in done.stderr


def test_injection_in_md_via_cli(tmp_path):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    assert sgov(str(folder), "-f", "md", "--as-of", "2023-12-04").returncode == 0
    text = (folder / "sgov-output" / "公示名单.md").read_text(encoding="utf-8")
    assert f"| {INJECT_NAME} |" in text and "<script>" not in text


def test_templates_that_is_a_file_is_named_as_such(tmp_path):
    """--templates naming a file said the folder 'does not exist' though the path is there."""
    folder = puxing_folder(tmp_path / "p", ledger=False)
    a_file = tmp_path / "模板.txt"
    a_file.write_text("x", encoding="utf-8")
    done = sgov(str(folder), "--templates", str(a_file))
    assert done.returncode == 2
    assert (
        done.stderr
        == f"sgov：--templates 指定的 {a_file} 是文件，不是文件夹：请指定存放模板的文件夹\n"
    )
