"""make fuzz: mutate the sample workbooks (bytes and cells) and run `sgov validate` on each.

Deterministic for a seed: case i mutates one workbook of one sample folder with random.Random(seed, i),
copies the folder with the mutant into a temporary folder and runs the real command line on it.
A case passes when sgov exits 0 or 1, prints no traceback and its JSON parses. Failing folders are
kept under build/fuzz-failures/ with the command to replay them.

    python scripts/fuzz.py [--count 300] [--seed 20231231] [--jobs 4] [--samples sample_workbooks]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SGOV = [sys.executable, "-m", "selfgov_cli.cli.app"]
HOSTILE_TEXT = [
    "#DIV/0!",
    "#REF!",
    "#N/A",
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-1",
    "@SUM(A1)",
    "",
    " ",
    "　",
    "9" * 40,
    "1e308",
    "-0",
    "NaN",
    "inf",
    "5万万",
    "¥-50,000",
    "2023-02-30",
    "2023年13月1日",
    "99999999",
    "0.0000001",
    "是否",
    "√×",
    "合计",
    "申报表",
    "项目编号",
    "PX-2023-001",
    "张" * 5000,
    "<script>alert(1)</script>",
    "\u202e\u0000\ufeff",
    "13812345678",
    "310101199001011234",
    "50%%",
    "１２３４５",
]
# Amounts in Chinese numerals (exact, vague and malformed) and 发票号 placeholders
CHINESE_AND_PLACEHOLDERS = [
    "伍万元整",
    "人民币壹万贰仟叁佰元伍角",
    "壹拾万元整",
    "一万二千元",
    "叁佰元零伍分",
    "伍万多元",
    "一万二",
    "零零元",
    "壹亿亿元",
    "十" * 300,
    "伍角伍角",
    "人民币（大写）：",
    "申请金额（大写）",
    "无",
    "暂无",
    "空",
    "/",
    "-",
    "—",
    "N/A",
    "小计",
    "编制人：王某",
]
HOSTILE_TEXT += CHINESE_AND_PLACEHOLDERS
HOSTILE_NUMBERS = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "4.9e-324",
    "99999999999999999999",
    "2958466",
    "45047.5",
    "NaN",
]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    how = rng.choice(["flip", "truncate", "splice", "zero"])
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif how == "truncate":
        del buf[rng.randrange(1, len(buf)) :]
    elif how == "splice":
        at, size = rng.randrange(len(buf)), rng.randint(1, 4096)
        start = rng.randrange(len(buf))
        buf[at:at] = buf[start : start + size]
    else:
        at = rng.randrange(len(buf))
        buf[at : at + rng.randint(1, 512)] = b"\x00" * rng.randint(1, 512)
    return bytes(buf)


_V = re.compile(rb"<v>[^<]*</v>")
_T = re.compile(rb'\bt="[a-zA-Z]+"')
_ROW = re.compile(rb'<row r="\d+"')
_TEXT = re.compile(rb"<t(?: [^>]*)?>[^<]*</t>")


def _mutate_xml(data: bytes, rng: random.Random) -> bytes:
    """Valid-zip, odd-content mutations of one sheet or shared-strings XML."""
    for _ in range(rng.randint(1, 8)):
        how = rng.choice(["value", "type", "row", "text", "cut", "dimension"])
        if how == "value" and (hits := list(_V.finditer(data))):
            m = rng.choice(hits)
            new = rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT[:20]).encode()
            data = data[: m.start()] + b"<v>" + _xml_escape(new) + b"</v>" + data[m.end() :]
        elif how == "type" and (hits := list(_T.finditer(data))):
            m = rng.choice(hits)
            data = (
                data[: m.start()]
                + rng.choice([b't="e"', b't="s"', b't="str"', b't="b"', b't="n"', b't="d"'])
                + data[m.end() :]
            )
        elif how == "row" and (hits := list(_ROW.finditer(data))):
            m = rng.choice(hits)
            data = (
                data[: m.start()]
                + b'<row r="%d"' % rng.choice([0, 1, 2, 70000, 1048576])
                + data[m.end() :]
            )
        elif how == "text" and (hits := list(_TEXT.finditer(data))):
            m = rng.choice(hits)
            new = _xml_escape(rng.choice(HOSTILE_TEXT).encode())
            data = data[: m.start()] + b"<t>" + new + b"</t>" + data[m.end() :]
        elif how == "cut" and len(data) > 10:
            at = rng.randrange(len(data))
            data = data[:at] + data[at + rng.randint(1, 64) :]
        elif how == "dimension":
            data = re.sub(
                rb'<dimension ref="[^"]*"',
                b'<dimension ref="A1:XFD%d"' % rng.choice([1, 1048576, 2000000]),
                data,
                count=1,
            )
    return data


def _xml_escape(text: bytes) -> bytes:
    return (
        text.replace(b"&", b"&amp;")
        .replace(b"<", b"&lt;")
        .replace(b">", b"&gt;")
        .replace(b"\x00", b"")
    )


def _mutate_zip(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    targets = [
        n for n in names if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"
    ] or names
    chosen = set(rng.sample(targets, k=min(len(targets), rng.randint(1, 2))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            body = source.read(name)
            target.writestr(name, _mutate_xml(body, rng) if name in chosen else body)
    return out.getvalue()


def _mutate_cells(path: Path, rng: random.Random) -> None:
    """Write hostile values into random cells of the used range with openpyxl."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for _ in range(rng.randint(1, 12)):
        ws = rng.choice(wb.worksheets)
        row, col = rng.randint(1, max(ws.max_row, 1) + 2), rng.randint(1, max(ws.max_column, 1) + 1)
        value = rng.choice(
            [
                rng.choice(HOSTILE_TEXT),
                rng.uniform(-1e12, 1e12),
                rng.randint(-(10**15), 10**15),
                None,
                True,
                float("nan"),
            ]
        )
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula
    if rng.random() < 0.2 and len(wb.worksheets) > 1:
        rng.choice(wb.worksheets).sheet_state = rng.choice(["hidden", "veryHidden"])
    if rng.random() < 0.2:
        ws = rng.choice(wb.worksheets)
        ws.title = rng.choice(
            ["申报表", "经费台账", "预算明细", "评审打分", "Sheet9", "评估结果", "经费台帐"]
        ) + str(rng.randint(0, 9)) * rng.randint(0, 1)
    wb.save(path)


def mutate(path: Path, rng: random.Random) -> str:
    """Mutate one workbook in place; returns the kind of mutation."""
    data = path.read_bytes()
    kind = rng.choice(["bytes", "xml", "xml", "cells"]) if data[:2] == b"PK" else "bytes"
    try:
        if kind == "bytes":
            path.write_bytes(_mutate_bytes(data, rng))
        elif kind == "xml":
            path.write_bytes(_mutate_zip(data, rng))
        else:
            _mutate_cells(path, rng)
    except Exception:  # openpyxl refused an earlier odd value: fall back to raw bytes
        kind = "bytes"
        path.write_bytes(_mutate_bytes(data, rng))
    return kind


def run_case(index: int, seed: int, folders: list[Path], keep: Path) -> tuple[int, str, str | None]:
    rng = random.Random(f"{seed}:{index}")
    folder = rng.choice(folders)
    books = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
    )
    with tempfile.TemporaryDirectory(prefix="sgov-fuzz-") as tmp:
        work = Path(tmp) / folder.name
        shutil.copytree(folder, work)
        victim = work / rng.choice(books).relative_to(folder)
        kind = mutate(victim, rng)
        command = [*SGOV, "validate", str(work), "--format", "json", "--as-of", "2023-12-31"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
        problem = None
        if done.returncode not in (0, 1):
            problem = f"exit code {done.returncode}"
        elif "Traceback" in done.stderr or "Traceback" in done.stdout:
            problem = "traceback"
        else:
            try:
                json.loads(done.stdout)
            except json.JSONDecodeError:
                problem = "stdout is not JSON"
        if problem:
            saved = keep / f"case-{index}"
            shutil.rmtree(saved, ignore_errors=True)
            shutil.copytree(work, saved)
            (saved.parent / f"case-{index}.txt").write_text(
                f"{problem}\nmutated: {victim.relative_to(work)} ({kind})\n"
                f"replay: sgov validate {saved} --format json\n\n{done.stderr[-4000:]}",
                encoding="utf-8",
            )
            problem = f"{problem} ({victim.relative_to(work)}, {kind}) -> {saved}"
        return index, kind, problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--samples", type=Path, default=ROOT / "sample_workbooks")
    args = parser.parse_args(argv)
    folders = (
        sorted(p for p in args.samples.iterdir() if p.is_dir()) if args.samples.is_dir() else []
    )
    if not folders:
        print(
            f"fuzz: no sample folders in {args.samples}; run `make samples` first", file=sys.stderr
        )
        return 2
    keep = ROOT / "build" / "fuzz-failures"
    keep.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, int] = {}
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for index, kind, problem in pool.map(
            lambda i: run_case(i, args.seed, folders, keep), range(args.count)
        ):
            kinds[kind] = kinds.get(kind, 0) + 1
            if problem:
                failures.append(problem)
                print(f"case {index}: {problem}", file=sys.stderr)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    print(f"fuzz: {args.count} cases (seed {args.seed}; {mix}): {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
