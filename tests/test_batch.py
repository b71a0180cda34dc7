"""The scheduled batch: dated folder swapped in atomically, lock, stale locks, log, summary."""

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from selfgov_cli import batch
from selfgov_cli.batch import BatchError, LockHeld, RunLock, pid_alive, recover, run_batch
from selfgov_cli.config import ConfigError
from selfgov_cli.version import __version__
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table

AS_OF = date(2023, 12, 31)
DAY = "2023-12-31"
REPO = Path(__file__).resolve().parents[1]


def make_folder(root: Path, errors: bool = False) -> Path:
    """One clean 浦兴 project with a ledger row; errors=True makes its 申请金额 unreadable (SG003)."""
    write_config(root, "puxing-2023")
    write_form(
        root / "申报" / "一居.xlsx",
        {
            "项目编号": "PX-1",
            "项目名称": "楼道微更新",
            "项目类别": "悦家",
            "居民区": "浦兴一居",
            "申报主体": "浦兴一居委",
            "项目负责人": "张三丰",
            "负责人是否本居民区居民": "是",
            "联系电话": "13812345678",
            "申请金额": "一万多元" if errors else "10000",
            "开始日期": "2023-03-01",
            "结束日期": "2023-12-31",
            "征询居民人数": 45,
            "听证会日期": "2023-02-15",
        },
        budget=[("工作经费", "宣传", 6000), ("社会组织服务", "指导", 4000)],
        members=[("张三丰", "负责人", "是", "否"), ("李四", "社工联络员", "否", "是")],
    )
    write_table(
        root / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            (
                date(2023, 4, 1),
                "PX-1",
                "工作经费",
                "自治金项目 楼道微更新 宣传品",
                "1000",
                "F-1",
                "印刷店",
                "商户",
                "是",
                "自治金项目 楼道微更新",
            )
        ],
    )
    (root / "说明.xlsx").write_bytes(b"not a workbook")  # skipped with SG001
    return root


def hashes(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def write_lock(
    out: Path, pid: int, host: str | None = None, started: datetime | None = None
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / ".sgov.lock"
    when = (started or datetime.now()).isoformat(timespec="seconds")
    path.write_text(
        json.dumps({"pid": pid, "host": host or socket.gethostname(), "started": when}),
        encoding="utf-8",
    )
    return path


def test_run_writes_the_dated_folder_with_summary_and_log(tmp_path):
    folder = make_folder(tmp_path / "prog")
    result = run_batch(folder, as_of=AS_OF)

    out = folder / "sgov-output"
    assert result.status == 1  # the unreadable 说明.xlsx is an SG001 error
    assert result.out_dir == out / DAY
    assert listing(out) == [DAY]  # no lock, no temporary folder left
    assert listing(out / DAY) == [
        "disburse.json", "record.json", "run.log", "summary.json", "validate.json", "公示名单.html", "公示名单.md", "公示名单.xlsx",
        "拨付核算.xlsx", "汇总报告.html", "汇总报告.md", "汇总报告.xlsx",
    ]  # fmt: skip
    summary = json.loads((out / DAY / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == 1
    assert (summary["program"], summary["as_of"]) == ("puxing-2023", DAY)
    assert summary["counts"] == {
        "files": 3, "files_skipped": 1, "projects": 1, "errors": 1, "warnings": 0, "infos": 0, "ranked": 0,
        "approved": 1,
    }  # fmt: skip
    assert summary["steps"]["rank"] == "skipped: 没有评审打分记录"
    assert summary["outputs"] == listing(out / DAY)
    assert (
        summary["totals"]["released"]
        == json.loads((out / DAY / "disburse.json").read_text("utf-8"))["totals"]["released"]
    )
    log = (out / DAY / "run.log").read_text(encoding="utf-8").splitlines()
    assert "  读取 台账.xlsx：经费台账" in log
    assert "  读取 申报/一居.xlsx：申报表、预算明细、项目成员" in log
    assert any(line.startswith("  跳过 说明.xlsx：SG001 ") for line in log)
    assert "共 3 个文件：读取 2 个，跳过 1 个（隐藏文件、~$ 锁文件与 sgov-output 不计）" in log
    assert any(line.startswith("读取工作簿：完成，用时 ") and line.endswith(" 秒") for line in log)
    # validate, rank and money are one step over the loaded workbooks (pipeline.run)
    assert any(
        line.startswith("校验、排名与拨付核算：完成，用时 ") and line.endswith(" 秒")
        for line in log
    )
    assert log[-1].startswith("结束：退出码 ")
    # a step with nothing to do says so in Chinese, once, without a time it did not take
    assert [line for line in log if line.startswith("排名：")] == ["排名：跳过（没有评审打分记录）"]
    assert not [line for line in log if "skipped" in line]


def test_run_log_names_every_sheet_kind_in_chinese(tmp_path):
    folder = make_folder(tmp_path / "prog")
    write_table(
        folder / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "规则", "理由", "认定人", "认定日期"),
        [("PX-1", "豁免", "PX012", "已补写备注", "周某", "2023-05-01")],
    )
    write_table(folder / "汇总.xlsx", "项目汇总", ("项目编号", "项目名称"), [])
    run_batch(folder, as_of=AS_OF)
    log = (folder / "sgov-output" / DAY / "run.log").read_text(encoding="utf-8").splitlines()
    assert "  读取 人工认定.xlsx：人工认定" in log
    assert "  读取 汇总.xlsx：项目汇总" in log


def test_status_follows_error_findings(tmp_path):
    clean = run_batch(make_folder(tmp_path / "clean"), as_of=AS_OF)
    bad = run_batch(make_folder(tmp_path / "bad", errors=True), as_of=AS_OF)
    clean_summary = clean.summary
    bad_summary = json.loads((bad.out_dir / "summary.json").read_text(encoding="utf-8"))
    # the unreadable 说明.xlsx is an SG001 error in both; 一万多元 adds SG003 and one SG014 for the
    # project (nothing is released without a readable amount), at its 项目编号, not at the ledger row
    assert (clean.status, clean_summary["counts"]["errors"]) == (1, 1)
    assert (clean_summary["counts"]["approved"], bad_summary["counts"]["approved"]) == (1, 0)
    assert (bad.status, bad_summary["status"], bad_summary["counts"]["errors"]) == (1, 1, 3)
    findings = json.loads((bad.out_dir / "validate.json").read_text("utf-8"))["findings"]
    assert [(f["rule"], f["file"], f["cell"]) for f in findings] == [
        ("SG014", "申报/一居.xlsx", "B1"),
        ("SG003", "申报/一居.xlsx", "B9"),
        ("SG001", "说明.xlsx", None),
    ]
    annotated = [name for name in bad_summary["outputs"] if name.startswith("annotated/")]
    assert annotated == ["annotated/申报/一居.xlsx"]
    assert all((bad.out_dir / name).is_file() for name in bad_summary["outputs"])
    (tmp_path / "clean" / "说明.xlsx").unlink()
    again = run_batch(tmp_path / "clean", as_of=AS_OF)
    assert (
        again.status,
        again.summary["counts"]["errors"],
        again.summary["counts"]["files_skipped"],
    ) == (0, 0, 0)


def test_rerun_replaces_the_dated_folder_and_reports_stay_byte_identical(tmp_path):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    first = run_batch(folder, out, AS_OF)
    before = hashes(first.out_dir, skip=("run.log",))
    (first.out_dir / "stray.txt").write_text("left by a clerk", encoding="utf-8")
    time.sleep(1.1)  # a later wall clock must not change any report

    second = run_batch(folder, out, AS_OF)
    assert second.out_dir == first.out_dir == out / DAY
    assert listing(out) == [DAY]
    assert "stray.txt" not in listing(out / DAY)
    assert hashes(out / DAY, skip=("run.log",)) == before

    (folder / "说明.xlsx").unlink()  # the inputs change: the dated folder follows
    third = run_batch(folder, out, AS_OF)
    assert third.summary["counts"]["files"] == 2
    assert (
        json.loads((out / DAY / "summary.json").read_text(encoding="utf-8"))["counts"]["files"] == 2
    )
    assert listing(out) == [DAY]


def test_a_run_that_fails_in_a_report_writer_leaves_the_previous_output(tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "prog")
    out = folder / "sgov-output"
    run_batch(folder, as_of=AS_OF)
    before = hashes(out / DAY)

    import selfgov_cli.batch as batch

    def broken(*args, **kwargs):
        (Path(args[1]) / "公示名单.html").write_text(
            "<half", encoding="utf-8"
        )  # a half-written file
        raise RuntimeError("writer crashed")

    monkeypatch.setattr(batch, "render_publicity", broken)
    with pytest.raises(RuntimeError, match="writer crashed"):
        run_batch(folder, as_of=AS_OF)

    assert listing(out) == [DAY, "run-failed.log"]  # no temporary folder, no lock
    assert hashes(out / DAY) == before
    failed = (out / "run-failed.log").read_text(encoding="utf-8")
    assert "未能完成（RuntimeError: writer crashed）；上次的输出保持不变" in failed
    assert "公示名单：失败" in failed

    monkeypatch.undo()
    run_batch(folder, as_of=AS_OF)  # the next good run clears the failure note
    assert listing(out) == [DAY]


def test_a_first_run_that_fails_leaves_nothing_behind(tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "prog")
    monkeypatch.setattr(batch, "_summary", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_batch(folder, tmp_path / "out", AS_OF)
    assert listing(tmp_path / "out") == ["run-failed.log"]


def test_a_second_concurrent_run_is_refused(tmp_path):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    reading, release = threading.Event(), threading.Event()
    results: list = []

    def slow_progress(done, total, path):
        reading.set()
        release.wait(20)

    worker = threading.Thread(
        target=lambda: results.append(run_batch(folder, out, AS_OF, progress=slow_progress))
    )
    worker.start()
    try:
        assert reading.wait(20)
        with pytest.raises(
            LockHeld,
            match=r"另一个 sgov run 正在写入 .*（进程 \d+，计算机 .*，开始于 .*）：请等它结束后再运行",
        ):
            run_batch(folder, out, AS_OF)
        assert (out / ".sgov.lock").exists()
    finally:
        release.set()
        worker.join(30)
    assert results[0].status == 1
    assert listing(out) == [DAY]


def test_a_lock_of_a_dead_process_is_broken_and_its_leftovers_cleaned(tmp_path):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    run_batch(folder, out, AS_OF)
    before = hashes(out / DAY, skip=("run.log",))
    write_lock(out, dead_pid())
    leftover = out / f".{DAY}.tmp-4242-deadbeef"
    leftover.mkdir()
    (leftover / "公示名单.html").write_text("<half", encoding="utf-8")

    result = run_batch(folder, out, AS_OF)
    assert result.status == 1
    assert listing(out) == [DAY]
    assert hashes(out / DAY, skip=("run.log",)) == before
    log = (out / DAY / "run.log").read_text(encoding="utf-8")
    assert "上次运行未正常结束，已清除它留下的锁（" in log and "该进程已不在运行）" in log
    assert f"已删除上次运行中断时留下的临时文件夹 .{DAY}.tmp-4242-deadbeef" in log


def test_a_lock_older_than_the_limit_is_stale_even_if_its_process_lives(tmp_path):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    write_lock(out, os.getppid(), started=datetime.now() - timedelta(hours=13))
    assert run_batch(folder, out, AS_OF).status == 1
    assert "已超过 12 小时" in (out / DAY / "run.log").read_text(encoding="utf-8")
    write_lock(out, os.getppid(), started=datetime.now() - timedelta(hours=2))
    with pytest.raises(LockHeld):
        run_batch(folder, out, AS_OF)
    assert run_batch(folder, out, AS_OF, stale_hours=1).status == 1


def test_a_lock_from_another_computer_is_only_stale_by_age(tmp_path):
    out = tmp_path / "out"
    write_lock(out, dead_pid(), host="another-pc")
    with pytest.raises(LockHeld, match="计算机 another-pc"):
        RunLock(out / ".sgov.lock").acquire()


@pytest.mark.parametrize("content", ["", '{"pid": ', "\x00\x00garbage"])
def test_an_empty_or_garbled_lock_is_stale_at_once(tmp_path, content):
    """Locks are written whole (temporary file + link), so an empty or corrupt one is stale."""
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    out.mkdir()
    path = out / ".sgov.lock"
    path.write_text(content, encoding="utf-8")
    assert run_batch(folder, out, AS_OF).status == 1
    log = (out / DAY / "run.log").read_text(encoding="utf-8")
    assert (
        "上次运行未正常结束，已清除它留下的锁（内容不明；锁文件已损坏或无法读取，按过期的锁处理）"
        in log
    )
    assert not path.exists()
    assert [p.name for p in out.iterdir() if p.name.startswith(".sgov.lock")] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times from /proc")
def test_a_lock_whose_pid_was_reused_is_stale(tmp_path):
    """The PID in the lock is alive, but it is another program (its start time differs)."""
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    write_lock(out, os.getppid())
    path = out / ".sgov.lock"
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["proc_start"] = "1"  # the process that wrote the lock started at tick 1: not our parent
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert run_batch(folder, out, AS_OF).status == 1
    log = (out / DAY / "run.log").read_text(encoding="utf-8")
    assert f"进程号 {os.getppid()} 已被另一个程序重用" in log
    # the same PID with its true start time is a live run: held
    raw["proc_start"] = __import__("selfgov_cli.batch", fromlist=["x"]).process_start(os.getppid())
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(LockHeld):
        run_batch(folder, out, AS_OF)


@pytest.mark.parametrize(
    "garbage",
    [b"\xff\xfe\x00garbage", b'{"pid": "x"}', b"[1, 2]", b'{"pid": 1, "host": "h", "started": 5}'],
)
def test_a_corrupt_lock_is_treated_as_stale_and_the_log_says_so(tmp_path, garbage):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    out.mkdir()
    path = out / ".sgov.lock"
    path.write_bytes(garbage)
    old = time.time() - 10
    os.utime(path, (old, old))
    run_batch(folder, out, AS_OF)
    log = (out / DAY / "run.log").read_text(encoding="utf-8")
    assert (
        "上次运行未正常结束，已清除它留下的锁（内容不明；锁文件已损坏或无法读取，按过期的锁处理）"
        in log
    )
    assert listing(out) == [DAY]


def test_a_lock_dated_in_the_future_does_not_block_for_ever(tmp_path):
    path = tmp_path / ".sgov.lock"
    path.write_text("not json", encoding="utf-8")
    ahead = time.time() + 3600  # a clock put right, or a copy from a computer ahead in time
    os.utime(path, (ahead, ahead))
    lock = RunLock(path)
    lock.acquire()
    assert "锁文件已损坏或无法读取" in lock.broke
    lock.release()


def test_a_folder_in_place_of_the_lock_is_cleared(tmp_path):
    path = tmp_path / ".sgov.lock"
    (path / "inside").mkdir(parents=True)
    old = time.time() - 10
    os.utime(path, (old, old))
    lock = RunLock(path)
    lock.acquire()
    assert "锁文件已损坏或无法读取" in lock.broke
    assert path.is_file()
    lock.release()
    assert not path.exists() and list(tmp_path.iterdir()) == []


def test_release_leaves_a_lock_that_is_not_ours(tmp_path):
    lock = RunLock(tmp_path / ".sgov.lock")
    lock.acquire()
    write_lock(tmp_path, 12345)  # someone broke ours and took it: do not delete theirs
    lock.release()
    assert json.loads((tmp_path / ".sgov.lock").read_text(encoding="utf-8"))["pid"] == 12345


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_run_killed_mid_way_is_recovered_by_the_next_run(tmp_path):
    folder = make_folder(tmp_path / "prog")
    out = tmp_path / "out"
    run_batch(folder, out, AS_OF)
    before = hashes(out / DAY, skip=("run.log",))
    marker = tmp_path / "reading"
    script = (
        "import sys, time, pathlib\n"
        "from datetime import date\n"
        "from selfgov_cli.batch import run_batch\n"
        "def progress(done, total, path):\n"
        "    if done:\n"
        f"        pathlib.Path({str(marker)!r}).touch()\n"
        "        time.sleep(60)\n"
        f"run_batch({str(folder)!r}, {str(out)!r}, date(2023, 12, 31), progress=progress)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO)
    try:
        deadline = time.time() + 30
        while not marker.exists() and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert marker.exists()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    names = listing(out)
    assert DAY in names and ".sgov.lock" in names
    assert any(n.startswith(f".{DAY}.tmp-{proc.pid}-") for n in names)  # what the killed run left
    assert hashes(out / DAY, skip=("run.log",)) == before  # the previous output is untouched

    assert run_batch(folder, out, AS_OF).status == 1
    assert listing(out) == [DAY]
    assert hashes(out / DAY, skip=("run.log",)) == before


def test_recover_puts_back_a_folder_swapped_out_by_an_interrupted_run(tmp_path):
    aside = tmp_path / f".{DAY}.old-99-abcd1234"
    aside.mkdir()
    (aside / "summary.json").write_text("{}", encoding="utf-8")
    other = tmp_path / ".cache"  # somebody else's hidden folder: untouched
    other.mkdir()
    assert recover(tmp_path) == [f"已恢复上次运行中断时换下的输出文件夹 {DAY}"]
    assert listing(tmp_path) == [".cache", DAY]
    assert (tmp_path / DAY / "summary.json").read_text(encoding="utf-8") == "{}"
    aside.mkdir()
    assert recover(tmp_path) == [f"已删除上次运行中断时留下的临时文件夹 .{DAY}.old-99-abcd1234"]
    assert listing(tmp_path) == [".cache", DAY]


def test_an_output_folder_inside_the_program_folder_must_be_sgov_output(tmp_path):
    folder = make_folder(tmp_path / "prog")
    with pytest.raises(BatchError, match="下次被当作输入读取"):
        run_batch(folder, folder / "输出", AS_OF)
    with pytest.raises(BatchError, match="是项目文件夹本身"):
        run_batch(folder, folder, AS_OF)
    assert (
        run_batch(folder, folder / "sgov-output" / "nightly", AS_OF).out_dir
        == folder / "sgov-output" / "nightly" / DAY
    )
    assert not (folder / "输出").exists()


def test_progress_reports_every_workbook(tmp_path):
    calls = []
    run_batch(
        make_folder(tmp_path / "prog"), tmp_path / "out", AS_OF, progress=lambda *a: calls.append(a)
    )
    assert calls == [(0, 3, ""), (1, 3, "台账.xlsx"), (2, 3, "申报/一居.xlsx"), (3, 3, "说明.xlsx")]


def test_pid_alive():
    assert pid_alive(os.getpid())
    assert pid_alive(os.getppid())
    assert not pid_alive(dead_pid())
    assert not pid_alive(0)


def test_a_loader_with_a_progress_hook_is_used_as_is(tmp_path, monkeypatch):
    import selfgov_cli.batch as batch

    real = batch.load
    seen = []

    def load(folder, program=None, cache=False, workers=None, progress=None):
        seen.append((cache, progress is not None))
        progress(1, 1, "x.xlsx")
        return real(folder, program)

    monkeypatch.setattr(batch, "load", load)
    calls = []
    run_batch(
        make_folder(tmp_path / "prog"), tmp_path / "out", AS_OF, progress=lambda *a: calls.append(a)
    )
    assert (seen, calls) == ([(True, True)], [(1, 1, "x.xlsx")])


def test_a_nightly_run_whose_set_up_fails_says_why_in_run_failed_log(tmp_path):
    """Clerk audit (cron, the second year): last year's folder named in `history` was moved to an
    archive; every night `sgov run . --quiet` exited 2 with one line on stderr that no one reads,
    and sgov-output showed the last good folder with nothing saying the runs had stopped (README:
    run-failed.log says why a run could not finish)."""
    folder = make_folder(tmp_path / "2024")
    last = make_folder(tmp_path / "2023")
    (folder / "sgov.toml").write_text(
        'program = "puxing-2023"\nyear = 2024\nhistory = ["../2023"]\n', encoding="utf-8"
    )
    out = folder / "sgov-output"
    run_batch(folder, as_of=date(2024, 1, 5))
    before = hashes(out)
    last.rename(tmp_path / "归档-2023")
    with pytest.raises(ConfigError) as raised:
        run_batch(folder, as_of=date(2024, 1, 6))
    assert listing(out) == ["2024-01-05", "run-failed.log"]
    assert hashes(out, skip=("run-failed.log",)) == before
    lines = (out / "run-failed.log").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == [
        f"项目文件夹：{folder.resolve()}",
        "计算日期（--as-of）：2024-01-06",
        f"未能完成：{raised.value}；上次的输出保持不变",
    ]
    assert lines[0].startswith(f"sgov {__version__} run：开始于 ")
    assert str(raised.value).startswith("sgov.toml 中的 history 路径 ../2023 不存在")
    # a folder never run and with no sgov.toml (the wrong folder) gets no sgov-output made in it
    bare = tmp_path / "bare"
    bare.mkdir()
    with pytest.raises(ConfigError, match="中没有任何电子表格"):
        run_batch(bare, as_of=AS_OF)
    assert listing(bare) == []


def test_what_the_run_reads_and_decides_is_kept_out_of_the_cycle_collectors_way(
    tmp_path, monkeypatch
):
    """Issue 18: the records read and the outcome stay till the end of the run; built with the
    cycle collector paused and frozen after (gc.freeze), no collection rescans them (~0.4 s CPU
    on 100,000 ledger rows). The collector runs again for the writers."""
    import gc

    calls: list[tuple[str, bool]] = []
    load, run = batch.load, batch.run

    def loading(*args, **kwargs):
        calls.append(("load", gc.isenabled()))
        return load(*args, **kwargs)

    def running(*args, **kwargs):
        calls.append(("run", gc.isenabled()))
        return run(*args, **kwargs)

    def writing(*args, **kwargs):
        calls.append(("write", gc.isenabled()))
        return "skipped: test"

    monkeypatch.setattr(gc, "freeze", lambda: calls.append(("freeze", gc.isenabled())))
    monkeypatch.setattr(batch, "load", loading)
    monkeypatch.setattr(batch, "run", running)
    monkeypatch.setattr(batch, "STEPS", (("annotated", writing),))
    assert gc.isenabled()
    run_batch(make_folder(tmp_path / "prog"), tmp_path / "out", AS_OF)
    assert calls == [("load", False), ("run", False), ("freeze", False), ("write", True)]
    assert gc.isenabled()
