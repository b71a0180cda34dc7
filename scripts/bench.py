"""make bench: how fast is sgov next to the cost of just reading the files?

Generates (deterministically, cached under bench/data/) a program folder of N application
workbooks (申报表 + 预算明细 + 项目成员, contract-conformant) and ledgers totalling M rows, then
times, as median of several rounds in one run (every item once a round, so that a ratio compares
runs made on the same machine state):

- floor: a bare python-calamine read of every sheet of every file (one process, no parsing);
- `sgov validate` cold (no cache), and with a cold cache being filled;
- `sgov validate` warm (cache filled, folder unchanged: the stored validation is shown, each
  file costing a stat), and warm after changing ONE workbook (validated again through the cache);
- `sgov run` (every output, annotated copies included) cold (empty cache), warm (folder
  unchanged), and warm after changing ONE workbook (an application's 项目简介 edited: that file is
  read again, everything across files is computed again);
- `sgov --help` and `sgov rules`.

Peak memory is the largest resident set of the run's process tree (sampled from /proc) and the
child's own ru_maxrss. Results go to bench/results.md with the machine's details.

    python scripts/bench.py                 # 1,000 applications, 100,000 ledger rows
    python scripts/bench.py --city          # 10,000 applications, 1,000,000 ledger rows
    python scripts/bench.py -n 200 -m 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.md"
GENERATOR_VERSION = 4  # bump when the generated folder changes shape
LEDGER_ROWS_PER_FILE = 5_000
NEIGHBORHOODS = [f"浦兴{i}居" for i in range(1, 41)]
CATEGORIES = ("怡家", "悦家", "和家", "安家", "靓家", "其他")
# expense category, share of the budget, payee role
BUDGET_SPLIT = (
    ("工作经费", "0.45"),
    ("社会组织服务", "0.30"),
    ("志愿者补贴", "0.20"),
    ("管理费", "0.05"),
)
LEDGER_HEADER = (
    "日期",
    "项目编号",
    "支出类别",
    "摘要",
    "金额",
    "发票号",
    "收款方",
    "收款方身份",
    "负责人签字",
    "备注",
)
FIXED_TIME = datetime(2023, 1, 1)
START, END = date(2023, 4, 1), date(2023, 12, 31)


# -- the generated folder ----------------------------------------------------------------------


def project_id(i: int) -> str:
    return f"PX-2023-{i + 1:05d}"


def project_name(i: int) -> str:
    return f"{NEIGHBORHOODS[i % len(NEIGHBORHOODS)]}楼道微更新第{i + 1}期"


def _amount(i: int) -> int:
    return 20_000 + (i * 7919) % 30_001 // 100 * 100  # 20,000–50,000 in hundreds


def _save(wb, path: Path) -> None:
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "sgov-bench"
    wb.save(path)


def write_application(folder: Path, i: int, edited: bool = False) -> Path:
    """One project's workbook: form (two label/value pairs a row), budget, members."""
    from decimal import Decimal

    from openpyxl import Workbook

    rng = random.Random(i)
    pid = project_id(i)
    amount = _amount(i)
    neighborhood = NEIGHBORHOODS[i % len(NEIGHBORHOODS)]
    name = project_name(i)
    fields = [
        ("项目编号", pid),
        ("项目名称", name),
        ("项目类别", CATEGORIES[i % len(CATEGORIES)]),
        ("居民区", neighborhood),
        ("申报主体", f"{neighborhood}居民委员会"),
        ("项目负责人", f"负责人{i % 97}"),
        ("负责人是否本居民区居民", "是"),
        ("联系电话", f"138{i:08d}"),
        ("申请金额", amount),
        ("开始日期", START),
        ("结束日期", END),
        ("申报日期", date(2023, 3, 20)),
        ("是否延续项目", "否"),
        ("是否培育新团队", "是" if i % 3 == 0 else "否"),
        ("征询居民人数", 40 + i % 60),
        ("听证会日期", date(2023, 3, 10)),
        ("受益人数", 100 + i % 400),
        ("项目简介", "组织居民开展楼道美化与邻里互助活动，提升社区凝聚力。"),
    ]
    if edited:  # the one workbook a clerk corrects between two runs (bench: warm run after a fix)
        fields[-1] = ("项目简介", "组织居民开展楼道美化、绿化与邻里互助活动，提升社区凝聚力。")
    if i % 100 == 7:  # a few realistic mistakes: a missing hearing, a text amount
        fields[15] = ("听证会日期", None)
    if i % 100 == 42:
        fields[8] = ("申请金额", "三万元")
    wb = Workbook(write_only=True)
    form = wb.create_sheet("申报表")
    form.append(["上海市浦东新区浦兴路街道 2023 年自治金项目申报表"])
    for k in range(0, len(fields), 2):
        row = []
        for label, value in fields[k : k + 2]:
            row += [label, value]
        form.append(row)
    budget = wb.create_sheet("预算明细")
    budget.append(["支出类别", "明细", "单价", "数量", "金额", "备注"])
    left = amount
    for n, (category, share) in enumerate(BUDGET_SPLIT):
        part = left if n == len(BUDGET_SPLIT) - 1 else int(Decimal(amount) * Decimal(share))
        left -= part
        budget.append([category, f"{category}明细", part, 1, part, None])
    budget.append(["合计", None, None, None, amount, None])
    members = wb.create_sheet("项目成员")
    members.append(["姓名", "角色", "是否居民", "是否社工"])
    members.append([f"负责人{i % 97}", "负责人", "是", "否"])
    for k in range(rng.randint(3, 8)):
        members.append([f"成员{k}", "成员", "是", "否"])
    members.append(["社工甲", "社工联络员", "否", "是"])
    sub = folder / "applications" / neighborhood
    sub.mkdir(parents=True, exist_ok=True)
    _save(wb, sub / f"{pid}.xlsx")
    return sub / f"{pid}.xlsx"


def write_ledger(folder: Path, n_projects: int, index: int, rows: int) -> None:
    """One ledger workbook of `rows` rows over all projects (unique invoice numbers)."""
    from openpyxl import Workbook

    rng = random.Random(10_000 + index)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("经费台账")
    ws.append(list(LEDGER_HEADER))
    categories = [c for c, _ in BUDGET_SPLIT]
    weights = [45, 30, 20, 5]
    span = (END - START).days
    for r in range(rows):
        p = rng.randrange(n_projects)
        category = rng.choices(categories, weights)[0]
        day = START + timedelta(days=rng.randrange(span))
        amount = rng.randrange(2_000, 30_000) / 100
        invoice = f"{index:04d}{r:07d}" if category != "志愿者补贴" else None
        row = [
            day,
            project_id(p),
            category,
            f"{category}支出",
            amount,
            invoice,
            f"收款方{p % 50}",
            "志愿者" if category == "志愿者补贴" else "商户",
            "是",
            f"自治金项目 {project_name(p)}",
        ]
        if r % 1000 == 999:  # a few mistakes: a date outside the period, a duplicate invoice
            row[0] = date(2024, 2, 1)
        if r % 1000 == 500 and r:
            row[5] = f"{index:04d}{r - 1:07d}"
        ws.append(row)
    target = folder / "ledgers"
    target.mkdir(parents=True, exist_ok=True)
    _save(wb, target / f"经费台账-{index + 1:03d}.xlsx")


def _task(args: tuple) -> None:
    kind, folder, *rest = args
    if kind == "app":
        write_application(Path(folder), *rest)
    else:
        write_ledger(Path(folder), *rest)


def generate(n: int, m: int) -> Path:
    """The folder for (n, m), generated once and reused (bench/data is gitignored)."""
    folder = DATA / f"v{GENERATOR_VERSION}-n{n}-m{m}"
    if (folder / ".complete").exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "sgov.toml").write_text('program = "puxing-2023"\nyear = 2023\n', encoding="utf-8")
    tasks: list[tuple] = [("app", str(folder), i) for i in range(n)]
    files = max(1, -(-m // LEDGER_ROWS_PER_FILE))
    for k in range(files):
        rows = min(LEDGER_ROWS_PER_FILE, m - k * LEDGER_ROWS_PER_FILE)
        tasks.append(("ledger", str(folder), n, k, rows))
    started = time.perf_counter()
    print(f"生成测试文件夹 {folder.name}：{n} 份申报、{m} 行台账 …", flush=True)
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_task, tasks, chunksize=16))
    (folder / ".complete").write_text("ok\n")
    print(f"  用时 {time.perf_counter() - started:.1f} s", flush=True)
    return folder


# -- measuring -----------------------------------------------------------------------------------

FLOOR = """
import sys, os
import python_calamine as pc
root = sys.argv[1]
cells = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "sgov-output")
    for name in sorted(filenames):
        if name.endswith(".xlsx"):
            book = pc.CalamineWorkbook.from_path(os.path.join(dirpath, name))
            for sheet_name in book.sheet_names:
                rows = book.get_sheet_by_name(sheet_name).to_python()
                cells += sum(len(r) for r in rows)
print(cells)
"""


def _tree_rss(pid: int) -> int:
    """Resident set (bytes) of a process and all its descendants."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


def run(cmd: list[str]) -> tuple[float, int, int, int, float]:
    """(wall s, exit code, child ru_maxrss bytes, sampled peak tree RSS bytes, CPU s incl. workers)."""
    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"命令失败（{proc.returncode}）：{' '.join(cmd)}\n{err}")
    return wall, proc.returncode, usage.ru_maxrss * 1024, peak, usage.ru_utime + usage.ru_stime


def in_rounds(items: list[tuple[str, list[str], object]], repeat: int) -> list[dict]:
    """Run every item (label, command, preparation or None) once a round, `repeat` rounds; each
    item's medians over its runs, printed as they are known."""
    runs: list[list[tuple]] = [[] for _ in items]
    for _ in range(repeat):
        for i, (_, cmd, before) in enumerate(items):
            if before:
                before()
            runs[i].append(run(cmd))
    results = []
    for (label, _, _), done in zip(items, runs, strict=True):
        walls = [r[0] for r in done]
        result = {
            "label": label,
            "median": statistics.median(walls),
            "walls": walls,
            "maxrss": max(r[2] for r in done),
            "peak": max(r[3] for r in done),
            "cpu": statistics.median(r[4] for r in done),
        }
        print(
            f"  {label:<34} {result['median']:8.3f} s   (runs: {', '.join(f'{w:.3f}' for w in walls)})"
            f"   cpu {result['cpu']:.2f} s   peak {result['peak'] / 2**20:,.0f} MB",
            flush=True,
        )
        results.append(result)
    return results


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GB"
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "CPU": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "python-calamine": version("python-calamine"),
        "bytecode": "compiled once before timing (as pip installs a package)",
    }


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*.xlsx") if "sgov-output" not in p.parts]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--applications", type=int, default=1_000)
    parser.add_argument("-m", "--ledger-rows", type=int, default=100_000)
    parser.add_argument(
        "--city", action="store_true", help="10,000 applications, 1,000,000 ledger rows"
    )
    parser.add_argument("--repeat", type=int, default=0, help="repetitions (default 5, city 3)")
    parser.add_argument(
        "--workers", type=int, default=None, help="passed to sgov validate --workers"
    )
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    args = parser.parse_args(argv)
    if args.city:
        args.applications, args.ledger_rows = 10_000, 1_000_000
    repeat = args.repeat or (3 if args.city else 5)
    folder = generate(args.applications, args.ledger_rows)
    files, size = folder_size(folder)
    python = sys.executable
    sgov = [python, "-m", "selfgov_cli.cli.app"]
    extra = ["--workers", str(args.workers)] if args.workers else []
    validate = [*sgov, "validate", str(folder), "--format", "json", "--as-of", "2023-12-31", *extra]
    cache_dir = DATA / "cache"  # the bench's own cache folder, not the user's
    os.environ["SGOV_CACHE_DIR"] = str(cache_dir)

    def drop_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    run_out = DATA / "run-output"  # outside the folder: sgov run's outputs
    run_cmd = [*sgov, "run", str(folder), "-o", str(run_out), "--as-of", "2023-12-31"]
    # the workbook changed between two warm runs: application 0, alternately edited and original
    changed = write_application(folder, 0)
    original = changed.read_bytes()
    with tempfile.TemporaryDirectory() as scratch:
        edited = write_application(Path(scratch), 0, edited=True).read_bytes()
    flips = iter(range(1_000_000))

    def fresh_run() -> None:
        drop_cache()
        shutil.rmtree(run_out, ignore_errors=True)

    def change_one() -> None:
        changed.write_bytes(edited if next(flips) % 2 == 0 else original)

    # as installed: pip compiles a package's modules once, so a clerk's sgov never compiles its
    # source at start-up; with PYTHONDONTWRITEBYTECODE set (some shells and CI images set it)
    # every timed run compiled ~60 modules again, about 0.3 s each
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [python, "-m", "compileall", "-q", str(ROOT / "selfgov_cli")],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    print(f"{files} 个文件，{size / 2**20:.1f} MB；{repeat} 轮，每轮每项一次，取中位数", flush=True)
    subprocess.run(
        [python, "-c", FLOOR, str(folder)], stdout=subprocess.DEVNULL, check=True
    )  # warm the OS cache
    # every item once a round, the rounds repeated: the machine's speed drifts (by a third within
    # minutes on a shared machine), and a ratio of two items is fair only when both met the same
    # machine. Each item's preparation (an empty cache, one workbook edited) runs before it; a
    # warm item follows the one that warmed it.
    items = [
        ("floor: bare python-calamine read", [python, "-c", FLOOR, str(folder)], None),
        ("sgov validate --no-cache", [*validate, "--no-cache"], None),
        ("sgov validate (cold cache)", validate, drop_cache),
        ("sgov validate (warm cache)", validate, None),
        ("sgov validate (warm, 1 workbook changed)", validate, change_one),
        ("sgov --help", [*sgov, "--help"], None),
        ("sgov rules", [*sgov, "rules"], None),
        ("sgov run (cold cache)", run_cmd, fresh_run),
        ("sgov run (warm cache)", run_cmd, None),
        ("sgov run (warm, 1 workbook changed)", run_cmd, change_one),
    ]
    try:
        measured = in_rounds(items, repeat)
    finally:
        changed.write_bytes(original)
    floor, cold, filling, warm, warm_changed, helps, rules, run_cold, run_warm, run_changed = (
        measured
    )
    ratios = {
        "cold / floor": cold["median"] / floor["median"],
        "cold cache / floor": filling["median"] / floor["median"],
        "warm / cold": warm["median"] / cold["median"],
        "warm / cold cache": warm["median"] / filling["median"],
        "warm, 1 changed / cold": warm_changed["median"] / cold["median"],
        "CPU: cold / floor": cold["cpu"] / floor["cpu"],
        "CPU: warm / cold": warm["cpu"] / cold["cpu"],
        "run cold / validate cold": run_cold["median"] / cold["median"],
        "run cold / validate cold cache": run_cold["median"] / filling["median"],
        "run warm / run cold": run_warm["median"] / run_cold["median"],
        "run warm, 1 changed / run cold": run_changed["median"] / run_cold["median"],
    }
    for name, value in ratios.items():
        print(f"  {name:<34} {value:8.2f}")
    if not args.no_write:
        write_results(
            args,
            folder,
            files,
            size,
            repeat,
            [
                floor,
                cold,
                filling,
                warm,
                warm_changed,
                helps,
                rules,
                run_cold,
                run_warm,
                run_changed,
            ],
            ratios,
        )
    return 0


def write_results(
    args, folder: Path, files: int, size: int, repeat: int, rows: list[dict], ratios: dict
) -> None:
    size_name = (
        "city"
        if args.city
        else ("default" if (args.applications, args.ledger_rows) == (1000, 100_000) else "custom")
    )
    lines = [
        f"## {size_name}: {args.applications:,} applications, {args.ledger_rows:,} ledger rows",
        "",
        f"{files:,} files, {size / 2**20:.1f} MB, generated by `scripts/bench.py` (generator v{GENERATOR_VERSION}); "
        f"median of {repeat} rounds (every item once a round); workers: {args.workers or 'auto'}.",
        "",
        "| what | median wall s | runs s | median CPU s (incl. workers) | peak RSS of process tree | ru_maxrss |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['median']:.3f} | {', '.join(f'{w:.3f}' for w in row['walls'])} | "
            f"{row['cpu']:.2f} | {row['peak'] / 2**20:,.0f} MB | {row['maxrss'] / 2**20:,.0f} MB |"
        )
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in ratios.items()]
    section = "\n".join(lines) + "\n"
    header = (
        "# sgov benchmark results\n\nMachine: "
        + ", ".join(f"{k} {v}" for k, v in machine().items())
        + "\n\n"
    )
    sections: dict[str, str] = {}
    if RESULTS.exists():
        text = RESULTS.read_text(encoding="utf-8")
        for part in text.split("\n## ")[1:]:
            sections[part.split(":", 1)[0]] = "## " + part.rstrip("\n") + "\n"
    sections[size_name] = section
    order = sorted(sections, key=lambda k: {"default": 0, "city": 1}.get(k, 2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(header + "\n".join(sections[k] for k in order), encoding="utf-8")
    tmp.replace(RESULTS)
    print(f"已写入 {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
