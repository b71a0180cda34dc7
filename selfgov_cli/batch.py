"""The scheduled batch (`sgov run`): everything, into one dated output folder, safely.

`run_batch(folder, out_dir, as_of)` validates the folder, computes the disbursement, ranks when
there are score sheets, renders every report, and writes `run.log`, `summary.json` and `record.json`
(the year's outcome per project, for next year's `history`) into
`DIR/<as-of>/`. The dated folder is built in a temporary sibling and swapped in, so it is either
the previous complete output or the new complete output, never half-written. A lock file
`DIR/.sgov.lock` (created with O_CREAT|O_EXCL: portable, no fcntl) keeps two runs off the same
output; a lock left by a crashed run (its process is gone, or it is older than STALE_HOURS) is
broken and the leftovers of that run are cleaned up.

Timings and wall-clock times go to run.log only; every other file depends on the inputs and
`as_of` alone, so re-running gives byte-identical reports.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from selfgov_cli.config import CONFIG_NAME, ConfigError, load_config
from selfgov_cli.gc_pause import kept_for_the_command
from selfgov_cli.io.loader import OUTPUT_DIR
from selfgov_cli.io.schema import SHEET_KINDS
from selfgov_cli.io.workbook import Unreadable, open_regular
from selfgov_cli.os_errors import os_error_text
from selfgov_cli.outcome import Outcome
from selfgov_cli.pipeline import load, run
from selfgov_cli.record import RECORD_NAME, record_of
from selfgov_cli.report import render_annotated, render_publicity, render_summary
from selfgov_cli.report.copy_store import CopyStore
from selfgov_cli.report.disburse_xlsx import write_disbursement, writer_code
from selfgov_cli.report.env import ReportError
from selfgov_cli.report.publicity import period_warning, publicity_data
from selfgov_cli.report.rank_xlsx import write_ranking
from selfgov_cli.report.safe import (
    OutputRefused,
    as_of_problem,
    atomic_write,
    check_output,
    check_outputs,
    json_chunks,
    log_text,
)
from selfgov_cli.report.summary import summary_data
from selfgov_cli.validation_memo import ValidationMemo
from selfgov_cli.version import __version__

LOCK_NAME = ".sgov.lock"
LOG_NAME = "run.log"
SUMMARY_NAME = "summary.json"
FAILED_LOG = "run-failed.log"  # in DIR: why the last run could not finish (removed by a good run)
STALE_HOURS = 12  # a lock older than this is stale whoever holds it
LOCK_WRITE_GRACE = 5  # seconds: an unreadable lock younger than this may be a run writing it
_LEFTOVER = re.compile(r"^\.(\d{4}-\d{2}-\d{2})\.(tmp|old)-[0-9a-z-]+$")
RANK_JSON, RANK_XLSX = "rank.json", "评审排名.xlsx"
FINAL_RANK_JSON, FINAL_RANK_XLSX = "rank-final.json", "年终排名.xlsx"  # the year-end round
DISBURSE_XLSX = "拨付核算.xlsx"
REPORT_FORMATS = ("html", "md", "xlsx")
_RENAME_TRIES = 5  # Windows: a virus scanner or indexer may hold a fresh file for a moment

Progress = Callable[[int, int, str], None]  # (files done, files in all, the file just read)


class BatchError(Exception):
    """The batch could not run; the message says why in one sentence (exit 2)."""


class LockHeld(BatchError):
    """Another run holds the output folder's lock."""


@dataclass
class BatchResult:
    status: int  # the exit code: 0 no error findings, 1 error findings
    out_dir: Path  # DIR/<as-of>
    summary: dict[str, Any]
    log: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings for the clerk (also in run.log)

    def one_line(self) -> str:
        """The one-line summary a scheduler mails (GBK-safe characters only)."""
        c = self.summary["counts"]
        head = "有错误" if self.status else "完成"
        return (
            f"sgov run {head}：{c['files']} 个文件、{c['projects']} 个项目，错误 {c['errors']} 个、"
            f"警告 {c['warnings']} 个；输出在 {self.out_dir}"
        )


# ---------------------------------------------------------------- the run


def default_out_dir(folder: Path) -> Path:
    return Path(folder) / OUTPUT_DIR


def run_batch(
    folder: Path | str,
    out_dir: Path | str | None = None,
    as_of: date | None = None,
    program: str | None = None,
    progress: Progress | None = None,
    stale_hours: float = STALE_HOURS,
) -> BatchResult:
    """Run everything into DIR/<as-of>/. ProgramError (bad set-up) or BatchError means exit 2."""
    folder = Path(folder)
    when = as_of or date.today()
    out = Path(out_dir) if out_dir is not None else default_out_dir(folder)
    try:
        config = load_config(folder, program)  # a missing folder or a bad sgov.toml stops here
    except ConfigError as exc:  # the folder's own set-up; a mistyped --program is no such thing
        _set_up_failed(folder, out, when, exc)
        raise
    if problem := as_of_problem(when):
        raise BatchError(problem)
    _check_out_dir(folder, out, config.history_paths())
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"无法建立输出文件夹 {out}：{os_error_text(exc)}") from exc
    log = RunLog()
    with RunLock(out / LOCK_NAME, stale_hours) as lock:
        if lock.broke:
            log.add(f"上次运行未正常结束，已清除它留下的锁（{lock.broke}）")
        for line in recover(out):
            log.add(line)
        final = out / when.isoformat()
        tmp = out / f".{final.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        tmp.mkdir()
        try:
            result = _build(folder, config, program, when, tmp, progress, log)
            _swap(tmp, final)
            result.out_dir = final
            (out / FAILED_LOG).unlink(missing_ok=True)
        except OSError as exc:  # disk full, file too large …: the previous output stays
            shutil.rmtree(tmp, ignore_errors=True)
            problem = BatchError(f"写入输出时出错：{os_error_text(exc)}；上次的输出保持不变")
            _write_failure(out, log, problem)
            raise problem from exc
        except BaseException as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            _write_failure(out, log, exc)
            raise
    return result


def _set_up_failed(folder: Path, out: Path, when: date, exc: ConfigError) -> None:
    """A scheduled run that cannot start (sgov.toml broken, last year's folder in `history` moved)
    leaves DIR/run-failed.log saying why, as a run failing part-way does, so the clerk who finds the
    last good output folder also finds why the nightly runs stopped. Only where a run has written
    before or the folder has an sgov.toml: the wrong folder gets no sgov-output made in it."""
    if not (out.is_dir() or (folder / CONFIG_NAME).is_file()):
        return
    try:
        check_output(folder, out)
        out.mkdir(parents=True, exist_ok=True)
    except (OutputRefused, OSError):
        return
    log = RunLog()
    log.add(f"sgov {__version__} run：开始于 {datetime.now().isoformat(timespec='seconds')}")
    log.add(f"项目文件夹：{folder.resolve()}")
    log.add(f"计算日期（--as-of）：{when.isoformat()}")
    _write_failure(out, log, BatchError(str(exc)))


def _check_out_dir(folder: Path, out: Path, history: list[tuple[str, Path]]) -> None:
    """The output folder may not be an input, the sgov.toml or inside the folder (or an earlier
    year's that `history` names) outside sgov-output."""
    try:
        check_outputs(folder, out, history)
    except OutputRefused as exc:
        raise BatchError(str(exc)) from exc


def _build(folder, config, program, when, tmp: Path, progress, log: RunLog) -> BatchResult:
    started = time.perf_counter()
    log.add(f"sgov {__version__} run：开始于 {datetime.now().isoformat(timespec='seconds')}")
    log.add(f"项目文件夹：{folder.resolve()}")
    log.add(f"项目计划：{config.title}（{config.program.id}，来自 {config.source}）")
    log.add(f"计算日期（--as-of）：{when.isoformat()}")

    memo = ValidationMemo(folder)  # the clerk's next `sgov validate` shows this run's findings
    inputs = memo.inputs(config, program, when)
    # what is read and decided stays till the end of the run: out of the cycle collector's way
    # (100,000 ledger rows: ~0.4 s CPU less)
    with kept_for_the_command():
        with log.timed("读取工作簿"):
            loaded = load(folder, program, cache=True, progress=progress)
        _log_files(loaded[1], log)
        with log.timed("校验、排名与拨付核算"):
            outcome = run(folder, as_of=when, loaded=loaded, cache=True)
    if inputs is not None:
        memo.put(inputs, outcome.validation())
    outputs = Outputs(tmp, when, CopyStore(folder, kind="outputs"))
    outputs.json("validate.json", outcome.to_dict(lazy=True))
    outputs.json(RECORD_NAME, record_of(outcome))  # read back next year (sgov.toml history)
    steps: dict[str, str] = {"validate": "ok"}
    for name, write in STEPS:
        with log.timed(STEP_WORDS[name]) as step:
            state = write(outcome, outputs)
            step.skipped = state.removeprefix(SKIPPED)
        steps[name] = state or "ok"

    notes = [f"注意：{warning}"] if (warning := period_warning(outcome)) else []
    for note in notes:
        log.add(note)
    status = 1 if outcome.errors else 0
    summary = _summary(outcome, steps, status, outputs)
    outputs.json(SUMMARY_NAME, summary)
    log.add(
        f"结束：退出码 {status}（错误 {outcome.errors} 个），共用时 {time.perf_counter() - started:.2f} 秒"
    )
    outputs.text(LOG_NAME, log.text())
    if outputs.store is not None:
        outputs.store.prune()  # keeps what this run wrote or reused
    return BatchResult(status, tmp, summary, log.lines, notes)


SKIPPED = (
    "skipped: "  # summary.json's steps: "ok" or "skipped: <reason>"; run.log says 跳过（reason）
)

STEP_WORDS = {
    "validate": "校验",
    "disburse": "拨付核算",
    "rank": "排名",
    "publicity": "公示名单",
    "summary": "汇总报告",
    "annotated": "批注副本",
}


def _disburse(outcome: Outcome, outputs: Outputs) -> str:
    data = outcome.disbursement.to_dict()
    payload = outputs.json("disburse.json", data)
    # the workbook is a function of disburse.json, the date and its writer: reused when unchanged
    store = outputs.store
    key = store.output_key(writer_code(), outputs.as_of, payload) if store else None
    target = outputs.path(DISBURSE_XLSX)

    def write() -> Path:
        return write_disbursement(data, target, outputs.as_of)

    outputs.record([store.reuse(key, target, write) if store else write()])
    return ""


def _rank(outcome: Outcome, outputs: Outputs) -> str:
    """rank.json + 评审排名.xlsx for the application review; rank-final.json + 年终排名.xlsx for the
    year-end round when the folder has its scores (its places are record.json's final_rank)."""
    rounds = [(outcome.review, RANK_JSON, RANK_XLSX)]
    if outcome.final is not None:
        rounds.append((outcome.final, FINAL_RANK_JSON, FINAL_RANK_XLSX))
    written = False
    for ranking, json_name, xlsx_name in rounds:
        if not ranking.has_scores:
            continue
        data = ranking.to_dict()
        outputs.json(json_name, data)
        path = write_ranking(data, outputs.path(xlsx_name), outputs.as_of, outcome.config.title)
        outputs.record([path])
        written = True
    return "" if written else f"{SKIPPED}没有评审打分记录"


def _publicity(outcome: Outcome, outputs: Outputs) -> str:
    data = publicity_data(outcome)  # one view of the outcome, rendered in every format
    for fmt in REPORT_FORMATS:
        outputs.record(
            _report(render_publicity, outcome, outputs.root, fmt, None, outputs.store, data)
        )
    return ""


def _summary_report(outcome: Outcome, outputs: Outputs) -> str:
    data = summary_data(outcome)  # one view of the outcome, rendered in every format
    for fmt in REPORT_FORMATS:
        outputs.record(
            _report(render_summary, outcome, outputs.root, fmt, None, "review", data, outputs.store)
        )
    return ""


def _annotated(outcome: Outcome, outputs: Outputs) -> str:
    outputs.record(_report(render_annotated, outcome, outputs.root))
    return ""


def _report(render, *args) -> list[Path]:
    """A report that cannot be rendered for a set-up reason (a clerk's broken template) stops the run."""
    try:
        return list(render(*args))
    except ReportError as exc:
        raise BatchError(str(exc)) from exc


# (name, writer): each writer renders a view of the outcome into outputs.root; it returns '' or why
# it had nothing to write.
STEPS: tuple[tuple[str, Callable[[Outcome, Outputs], str]], ...] = (
    ("disburse", _disburse),
    ("rank", _rank),
    ("publicity", _publicity),
    ("summary", _summary_report),
    ("annotated", _annotated),
)


def _summary(outcome: Outcome, steps, status: int, outputs: Outputs) -> dict[str, Any]:
    counts = outcome.to_dict(lazy=True)["summary"]
    skipped = sum(1 for f in outcome.data.files if _skip_reason(f))
    return {
        "program": outcome.config.program.id,
        "program_name": outcome.config.title,
        "as_of": outcome.as_of.isoformat(),
        "status": status,
        "counts": {
            "files": counts["files"],
            "files_skipped": skipped,
            "projects": counts["projects"],
            "errors": counts["errors"],
            "warnings": counts["warnings"],
            "infos": counts["infos"],
            "ranked": len(outcome.review.entries),
            "approved": len(outcome.approved()),
        },
        "totals": outcome.disbursement.totals(),
        "steps": steps,
        "outputs": sorted([*outputs.written, SUMMARY_NAME, LOG_NAME]),
    }


_KIND_WORDS = {k.kind: k.name for k in SHEET_KINDS}  # every kind, 人工认定 included


def _skip_reason(result) -> str:
    for issue in result.issues:
        if issue.rule in ("SG001", "SG008"):
            return f"{issue.rule} {issue.message}"
    return ""


def _log_files(data, log: RunLog) -> None:
    read = skipped = 0
    for result in data.files:
        reason = _skip_reason(result)
        if reason:
            skipped += 1
            log.add(f"  跳过 {result.path}：{reason}")
        else:
            read += 1
            kinds = "、".join(_KIND_WORDS.get(k, k) for k in result.kinds)
            log.add(f"  读取 {result.path}：{kinds}")
    log.add(
        f"共 {len(data.files)} 个文件：读取 {read} 个，跳过 {skipped} 个（隐藏文件、~$ 锁文件与 {OUTPUT_DIR} 不计）"
    )


# ---------------------------------------------------------------- output files


class Outputs:
    """The files of one run, written into the temporary folder (each one atomically)."""

    def __init__(self, root: Path, as_of: date, store: CopyStore | None = None) -> None:
        self.root = root
        self.as_of = as_of
        self.store = store if store is not None and store.usable else None
        self.written: list[str] = []

    def path(self, name: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def text(self, name: str, text: str) -> Path:
        path = atomic_write(self.path(name), text)
        if name not in (LOG_NAME, SUMMARY_NAME):
            self.written.append(name)
        return path

    def json(self, name: str, payload: Any) -> Path:

        path = atomic_write(self.path(name), json_chunks(payload))
        if name not in (LOG_NAME, SUMMARY_NAME):
            self.written.append(name)
        return path

    def record(self, paths) -> list[Path]:
        """Note files a report module wrote itself (paths inside root)."""
        out = []
        for path in paths or ():
            path = Path(path)
            self.written.append(path.resolve().relative_to(self.root.resolve()).as_posix())
            out.append(path)
        return out


class RunLog:
    """run.log: what was read, skipped and why, and how long each step took."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        """One line, always: a newline in a file name cannot forge a line (report.safe.log_text).

        A traceback (several lines on purpose) is added line by line."""

        self.lines.append(log_text(line))

    def timed(self, what: str) -> _Timer:
        return _Timer(self, what)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Timer:
    """One line for a step: 完成 or 失败 with its time, or 跳过 with the reason a step set."""

    def __init__(self, log: RunLog, what: str) -> None:
        self.log, self.what = log, what
        self.skipped = ""

    def __enter__(self) -> _Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, kind, exc, tb) -> None:
        took = time.perf_counter() - self.start
        if kind is None and self.skipped:
            self.log.add(f"{self.what}：跳过（{self.skipped}）")
            return
        state = "完成" if kind is None else "失败"
        self.log.add(f"{self.what}：{state}，用时 {took:.2f} 秒")


def _write_failure(out: Path, log: RunLog, exc: BaseException) -> None:
    """DIR/run-failed.log: the log so far and the reason, for whoever looks after the schedule."""
    if isinstance(exc, KeyboardInterrupt):
        log.add("运行被中断；上次的输出保持不变")
    elif isinstance(exc, BatchError):
        log.add(f"未能完成：{exc}；上次的输出保持不变")
    else:
        log.add(f"未能完成（{type(exc).__name__}: {exc}）；上次的输出保持不变")
        for line in "".join(traceback.format_exception(exc)).rstrip().splitlines():
            log.add(line)
    try:
        atomic_write(out / FAILED_LOG, log.text())
    except OSError:
        pass


# ---------------------------------------------------------------- the atomic swap


def _swap(tmp: Path, final: Path) -> None:
    """Put the new folder in place of the old one; on failure the old one stays."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        _rename(final, old)
    try:
        _rename(tmp, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _rename(src: Path, dst: Path) -> None:
    for attempt in range(_RENAME_TRIES):
        try:
            os.rename(src, dst)
            return
        except PermissionError as exc:  # Windows: a file in it is open (Excel) or being scanned
            if attempt == _RENAME_TRIES - 1:
                raise BatchError(
                    f"无法替换输出文件夹 {src.name}：其中有文件正被占用（可能在 Excel 或 WPS 中打开），请关闭后重试"
                ) from exc
            time.sleep(0.2 * (attempt + 1))


def recover(out: Path) -> list[str]:
    """Clean what an interrupted run left in DIR: its temporary folder, or a swapped-out old one."""
    lines = []
    try:
        entries = sorted(out.iterdir())
    except OSError:
        return lines
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if not match or not entry.is_dir():
            continue
        final = out / match.group(1)
        if match.group(2) == "old" and not final.exists():
            os.rename(entry, final)
            lines.append(f"已恢复上次运行中断时换下的输出文件夹 {final.name}")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            lines.append(f"已删除上次运行中断时留下的临时文件夹 {entry.name}")
    return lines


# ---------------------------------------------------------------- the lock


@dataclass
class LockInfo:
    pid: int
    host: str
    started: datetime | None
    proc_start: str = ""  # the process's start time as the system knows it (Linux: /proc)

    def describe(self) -> str:
        when = self.started.isoformat(timespec="seconds") if self.started else "时间不明"
        return f"进程 {self.pid}，计算机 {self.host}，开始于 {when}"


class RunLock:
    """DIR/.sgov.lock, created exclusively; a stale lock (dead process, or too old) is broken."""

    def __init__(self, path: Path, stale_hours: float = STALE_HOURS) -> None:
        self.path = path
        self.stale_after = timedelta(hours=stale_hours)
        self.broke = ""  # the description of a stale lock that was broken, if any
        self._mine = ""

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        for _ in range(3):
            if self._create():
                return
            info = read_lock(self.path)
            reason = self._stale(info)
            if not reason:
                held = info.describe() if info else "另一个运行"
                raise LockHeld(
                    f"另一个 sgov run 正在写入 {self.path.parent}（{held}）：请等它结束后再运行"
                )
            if self._break(info):
                self.broke = f"{info.describe() if info else '内容不明'}；{reason}"
        raise LockHeld(f"无法取得 {self.path} 的锁：请稍后再运行")

    def _create(self) -> bool:
        """Write the lock whole into a temporary file, then link it into place (fails if one
        exists): a lock is never seen empty or half-written, so an empty one is always stale."""
        self._mine = json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": datetime.now().isoformat(timespec="seconds"),
                "proc_start": process_start(os.getpid()),
                "token": secrets.token_hex(8),
            },
            ensure_ascii=False,
        )
        tmp = self.path.with_name(f"{self.path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            tmp.write_text(self._mine, encoding="utf-8")
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                return False
            except OSError:  # a file system without hard links: exclusive create instead
                try:
                    fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                except FileExistsError:
                    return False
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(self._mine)
        except OSError as exc:
            raise BatchError(f"无法在 {self.path.parent} 建立锁文件：{os_error_text(exc)}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return True

    def _stale(self, info: LockInfo | None) -> str:
        """Why the lock is stale ('' when it is held by a live run)."""
        if info is None:  # locks are written whole (_create): empty or garbled is stale
            if not self.path.exists():
                return "锁文件已不存在"
            return "锁文件已损坏或无法读取，按过期的锁处理"
        if info.started is not None and datetime.now() - info.started > self.stale_after:
            return f"已超过 {self.stale_after.total_seconds() / 3600:g} 小时"
        if info.host == socket.gethostname():
            if not pid_alive(info.pid):
                return "该进程已不在运行"
            now = process_start(info.pid)
            if info.proc_start and now and now != info.proc_start:
                return f"进程号 {info.pid} 已被另一个程序重用"
        return ""

    def _break(self, info: LockInfo | None) -> bool:
        """Move the stale lock aside and delete it, unless another run replaced it meanwhile."""
        aside = self.path.with_name(f"{self.path.name}.stale-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return False  # someone else broke it first; try to create again
        except OSError as exc:
            raise BatchError(f"无法清除过期的锁文件 {self.path}：{os_error_text(exc)}") from exc
        if read_lock(aside) != info:  # a fresh lock of another run: put it back
            try:
                if not self.path.exists():
                    os.rename(aside, self.path)
                    return False
            except OSError:
                pass
        if aside.is_dir() and not aside.is_symlink():  # a folder named .sgov.lock
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)
        return True

    def release(self) -> None:
        try:
            if _lock_text(self.path) == self._mine:
                self.path.unlink()
        except (OSError, ValueError):
            pass


LOCK_MAX_BYTES = 65536  # a lock is one short JSON line; more than this is not a lock


def _lock_text(path: Path) -> str:
    """The lock's text, read without ever blocking or filling memory: a FIFO, a device (a link to
    /dev/zero) or a socket in its place raises ValueError (it is not a lock), and at most
    LOCK_MAX_BYTES are read. A FIFO named .sgov.lock made `sgov run` wait for ever; a link to
    /dev/zero read until memory ran out."""
    try:
        with open_regular(path) as handle:
            return handle.read(LOCK_MAX_BYTES + 1)[:LOCK_MAX_BYTES].decode("utf-8")
    except Unreadable as exc:
        raise ValueError(str(exc)) from exc


def read_lock(path: Path) -> LockInfo | None:
    try:
        raw = json.loads(_lock_text(path))
        started = datetime.fromisoformat(raw["started"]) if raw.get("started") else None
        return LockInfo(
            int(raw["pid"]), str(raw["host"]), started, str(raw.get("proc_start") or "")
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def process_start(pid: int) -> str:
    """When a process started, as the kernel counts it ('' where unknown): with the PID it names
    one process for good, so a PID reused by another program is told apart (Linux /proc)."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return data.rsplit(")", 1)[1].split()[19]  # field 22, starttime, after the command name
    except (OSError, IndexError):
        return ""


def pid_alive(pid: int) -> bool:
    """Is a process with this id running on this computer? (POSIX and Windows, no fcntl.)"""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _win_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, it is someone else's
        return True
    except OSError:
        return False
    return True


def _win_pid_alive(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return kernel32.GetLastError() == access_denied
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


__all__ = [
    "BatchError",
    "BatchResult",
    "LockHeld",
    "RunLock",
    "default_out_dir",
    "pid_alive",
    "recover",
    "run_batch",
]
