"""sgov run: exit codes 0/1/2, --quiet, the refused second run, GBK terminals, no progress in pipes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.batch import STEP_WORDS
from selfgov_cli.cli.app import app
from selfgov_cli.cli.progress import PROGRESS_AFTER, ProgressBar
from tests.test_batch import DAY, hashes, make_folder, write_lock

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


def _run(*args):
    return runner.invoke(app, ["run", *[str(a) for a in args]])


def _clean(folder: Path) -> Path:
    make_folder(folder)
    (folder / "说明.xlsx").unlink()
    return folder


def _expected_lines(out_dir: Path) -> list[str]:
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    c = summary["counts"]
    lines = [
        f"项目计划：2023年浦兴路街道“自治金”项目（puxing-2023）；计算日期：{DAY}",
        f"读取 {c['files']} 个文件（跳过 {c['files_skipped']} 个）、{c['projects']} 个项目："
        f"错误 {c['errors']} 个，警告 {c['warnings']} 个，提示 {c['infos']} 个。",
    ]
    lines += [
        f"  {STEP_WORDS[step]}：跳过（{state.removeprefix('skipped: ')}）"
        for step, state in summary["steps"].items()
        if state != "ok"
    ]
    lines.append(f"输出文件夹：{out_dir}")
    lines += [f"  {name}" for name in summary["outputs"]]
    return lines


def test_clean_folder_exits_0_and_lists_what_it_wrote(tmp_path):
    folder = _clean(tmp_path / "prog")
    result = _run(folder, "--as-of", DAY)
    assert result.exit_code == 0, result.output
    out_dir = folder / "sgov-output" / DAY
    assert result.output.splitlines() == _expected_lines(out_dir)
    assert "  排名：跳过（没有评审打分记录）" in result.output.splitlines()


def test_quiet_prints_nothing_on_success(tmp_path):
    folder = _clean(tmp_path / "prog")
    result = _run(folder, "--as-of", DAY, "--quiet")
    assert (result.exit_code, result.output) == (0, "")
    assert (folder / "sgov-output" / DAY / "summary.json").is_file()


def test_error_findings_exit_1_and_quiet_prints_one_line(tmp_path):
    folder = make_folder(tmp_path / "prog", errors=True)
    out = tmp_path / "out"
    loud = _run(folder, "-o", out, "--as-of", DAY)
    assert loud.exit_code == 1
    assert loud.output.splitlines() == [
        *_expected_lines(out / DAY),
        "有错误：详见 validate.json 与报表；改正后重新运行。",
    ]
    quiet = _run(folder, "-o", out, "--as-of", DAY, "-q")
    assert quiet.exit_code == 1
    assert (
        quiet.output
        == f"sgov run 有错误：3 个文件、1 个项目，错误 3 个、警告 0 个；输出在 {out / DAY}\n"
    )


def test_a_second_run_while_one_holds_the_lock_exits_2_and_says_so(tmp_path):
    folder = _clean(tmp_path / "prog")
    out = tmp_path / "out"
    write_lock(out, os.getpid())
    result = _run(folder, "-o", out, "--as-of", DAY, "--quiet")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"sgov：另一个 sgov run 正在写入 {out}（进程 {os.getpid()}，")
    assert lines[0].endswith("）：请等它结束后再运行")
    assert sorted(p.name for p in out.iterdir()) == [".sgov.lock"]  # nothing written, the lock kept


def test_cannot_run_exits_2_with_one_sentence(tmp_path):
    missing = _run(tmp_path / "nope", "--quiet")
    assert missing.exit_code == 2
    assert missing.output == f"sgov：文件夹不存在：{tmp_path / 'nope'}\n"
    assert not (tmp_path / "nope").exists()
    bad_date = _run(_clean(tmp_path / "prog"), "--as-of", "明天")
    assert (bad_date.exit_code, bad_date.output) == (
        2,
        "sgov：--as-of 应为日期，如 2023-12-31（现为 '明天'）\n",
    )
    bad_program = _run(tmp_path / "prog", "--program", "nope")
    assert bad_program.exit_code == 2
    assert bad_program.output.startswith("sgov：未知的项目计划 'nope'")
    assert not (tmp_path / "prog" / "sgov-output").exists()


def test_gbk_terminal_gets_no_encoding_crash(tmp_path):
    folder = _clean(tmp_path / "居委会😀")  # the path holds a character GBK cannot show
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "selfgov_cli.cli.app", "run", str(folder), "--as-of", DAY],
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode("gbk", "replace")
    text = proc.stdout.decode("gbk")  # every byte is valid GBK
    shown = str(folder / "sgov-output" / DAY).replace("😀", "?")
    assert f"输出文件夹：{shown}" in text.splitlines()
    assert proc.stderr == b""


def test_no_progress_bar_in_a_pipe(tmp_path):
    folder = _clean(tmp_path / "prog")
    proc = subprocess.run(
        [sys.executable, "-m", "selfgov_cli.cli.app", "run", str(folder), "--as-of", DAY],
        capture_output=True,
        cwd=REPO,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0
    text = proc.stdout.decode("utf-8")
    assert text.splitlines() == _expected_lines(folder / "sgov-output" / DAY)
    assert "\x1b" not in text and "读取工作簿" not in text and proc.stderr == b""
    assert "读取工作簿：完成" in (folder / "sgov-output" / DAY / "run.log").read_text(
        encoding="utf-8"
    )


def test_progress_bar_waits_a_moment_before_showing(monkeypatch):
    bar = ProgressBar()
    bar(1, 10, "a.xlsx")
    assert bar.bar is None  # a quick run shows nothing
    bar.started -= PROGRESS_AFTER + 1
    bar(10, 10, "j.xlsx")
    assert bar.bar is None  # already done: nothing to show
    bar(2, 10, "b.xlsx")
    assert bar.bar is not None
    assert bar.bar.tasks[0].completed == 2 and bar.bar.tasks[0].total == 10
    bar.close()
    assert bar.bar is None


SAMPLES = sorted(
    p for p in (REPO / "sample_workbooks").iterdir() if p.is_dir() and (p / "sgov.toml").is_file()
)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_every_sample_folder_runs(tmp_path, sample):
    before = hashes(sample)
    out = tmp_path / "out"
    result = _run(sample, "-o", out, "--as-of", "2023-12-31", "--quiet")
    summary = json.loads((out / DAY / "summary.json").read_text(encoding="utf-8"))
    assert result.exit_code == summary["status"] == (1 if summary["counts"]["errors"] else 0)
    assert all(state == "ok" for step, state in summary["steps"].items() if step != "rank")
    assert summary["steps"]["rank"] == "ok"  # every sample has score sheets
    assert all((out / DAY / name).is_file() for name in summary["outputs"])
    assert hashes(sample) == before  # input files are never written to
    if sample.name == "puxing-2023":  # the whole batch is byte-identical on a re-run (but run.log)
        first = hashes(out / DAY, skip=("run.log",))
        assert (
            _run(sample, "-o", out, "--as-of", "2023-12-31", "--quiet").exit_code
            == result.exit_code
        )
        assert hashes(out / DAY, skip=("run.log",)) == first


def test_output_that_is_a_file_is_exit_2_in_chinese(tmp_path):
    """`sgov run -o FILE` said the system's English 'File exists'; it says what every command says."""
    from tests.test_decisions import folder as decisions_folder

    root = decisions_folder(tmp_path / "项目", [])
    a_file = tmp_path / "输出.txt"
    a_file.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(root), "-o", str(a_file), "--as-of", "2023-12-31"])
    assert result.exit_code == 2
    assert result.output == f"sgov：-o {a_file} 是一个文件：请指定一个文件夹\n"
