"""Run every sgov command over every sample folder and write tests/golden/<program-id>/….

    python scripts/make_goldens.py [--check]

Commands that print JSON (`--format json`) are stored as that JSON, exactly (`validate.json`…).
Commands that write files (report, run, init) are stored as `<name>.json`: each output file by its
path, text files as their lines, JSON files parsed, xlsx workbooks as the lines of every sheet's
cell values (`## sheet` then one `A1=value` list per row), other files as their sha256; run.log holds
wall-clock times and is only required to exist. Exit codes and argument lists go to `_commands.json`.
tests/cli/test_samples.py runs the same table and compares. Goldens are the contract: read the diff
before committing a regenerated one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_workbooks"
GOLDEN = ROOT / "tests" / "golden"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The fixed --as-of of each sample: chosen so money has released, withheld and pending tranches.
AS_OF = {
    "puxing-2023": "2023-12-31",
    "xinjing-2021": "2021-12-31",
    "chengdu-2023": "2023-12-31",
    "gonghexinlu-2023": "2023-12-31",
}
# The project `sgov explain` shows in each sample (浦兴's continues a project of the 2022 record).
EXPLAIN_ID = {
    "puxing-2023": "PX-2023-002",
    "xinjing-2021": "XJ-2021-001",
    "chengdu-2023": "CD-2023-001",
    "gonghexinlu-2023": "GH-2023-001",
}
VOLATILE = {"run.log"}  # wall-clock start time and durations: existence only


def samples() -> list[str]:
    return sorted(p.name for p in SAMPLES.iterdir() if (p / "sgov.toml").is_file())


def command_names() -> list[str]:
    from selfgov_cli.cli.app import COMMANDS

    return [name for name, _, _ in COMMANDS]


# name -> (command, function (folder, program id, as-of, out dir) -> argv, writes files?)
Case = tuple[str, Callable[[str, str, str, str], list[str]], bool]
CASES: dict[str, Case] = {
    "validate": (
        "validate",
        lambda f, p, d, o: ["validate", f, "--format", "json", "--as-of", d],
        False,
    ),
    "disburse": (
        "disburse",
        lambda f, p, d, o: ["disburse", f, "--format", "json", "--as-of", d],
        False,
    ),
    "rank": ("rank", lambda f, p, d, o: ["rank", f, "--format", "json", "--as-of", d], False),
    "rank-final": (
        "rank",
        lambda f, p, d, o: ["rank", f, "--stage", "final", "--format", "json", "--as-of", d],
        False,
    ),
    "report-publicity": (
        "report",
        lambda f, p, d, o: [
            "report",
            f,
            "--kind",
            "publicity",
            "--format",
            "md",
            "-o",
            o,
            "--as-of",
            d,
        ],
        True,
    ),
    "report-summary": (
        "report",
        lambda f, p, d, o: [
            "report",
            f,
            "--kind",
            "summary",
            "--format",
            "md",
            "-o",
            o,
            "--as-of",
            d,
        ],
        True,
    ),
    "report-annotated": (
        "report",
        lambda f, p, d, o: ["report", f, "--kind", "annotated", "-o", o, "--as-of", d],
        True,
    ),
    "run": ("run", lambda f, p, d, o: ["run", f, "-o", o, "--as-of", d, "--quiet"], True),
    "explain": (
        "explain",
        lambda f, p, d, o: ["explain", EXPLAIN_ID[p], f, "--format", "json", "--as-of", d],
        False,
    ),
    "init": ("init", lambda f, p, d, o: ["init", o, "--program", p], True),
    "export": (
        "export",
        lambda f, p, d, o: ["export", f, "-o", o, "--as-of", d, "--quiet"],
        True,
    ),
    "programs": ("programs", lambda f, p, d, o: ["programs", p, "--format", "json"], False),
    "rules": ("rules", lambda f, p, d, o: ["rules", "--format", "json"], False),
}


def cases() -> list[str]:
    """The golden cases for the commands that exist now (every command must have one)."""
    names = command_names()
    missing = sorted(set(names) - {command for command, _, _ in CASES.values()})
    if missing:
        raise SystemExit(
            f"make_goldens: no golden case for command(s) {', '.join(missing)}: add one to CASES"
        )
    return [case for case, (command, _, _) in CASES.items() if command in names]


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """Run sgov in-process; (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from selfgov_cli.cli.app import app

    result = CliRunner().invoke(app, argv, catch_exceptions=True)
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        return 99, result.stdout, result.stderr + "\nTraceback (in-process)\n" + trace
    return code, result.stdout, result.stderr


def snapshot(out: Path) -> dict[str, Any]:
    """Every file under out: JSON parsed, text and xlsx as lines, other bytes as sha256."""
    files: dict[str, Any] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if path.name in VOLATILE:
            files[rel] = "(volatile)"
        elif path.suffix == ".json":
            files[rel] = json.loads(data.decode("utf-8"))
        elif path.suffix in (".md", ".html", ".csv", ".toml", ".txt", ".log"):
            files[rel] = data.decode("utf-8").splitlines()
        elif path.suffix == ".xlsx":
            files[rel] = xlsx_lines(path)
        else:
            files[rel] = "sha256:" + hashlib.sha256(data).hexdigest()
    return files


def xlsx_lines(path: Path) -> list[str]:
    """A workbook as readable text: per sheet `## name`, then each non-empty row as
    `A1=value | B1=value` (dates ISO, numbers as Python writes them)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    lines: list[str] = []
    for ws in wb.worksheets:
        lines.append(f"## {ws.title}")
        for row in ws.iter_rows():
            cells = [
                f"{c.coordinate}={c.value.isoformat() if hasattr(c.value, 'isoformat') else c.value}"
                for c in row
                if c.value is not None and c.value != ""
            ]
            if cells:
                lines.append(" | ".join(cells))
    return lines


def produce(sample: str, case: str) -> tuple[int, Any, str]:
    """(exit code, golden payload, stdout+stderr) of one case over one sample."""
    _, argv_for, writes = CASES[case]
    folder = str(SAMPLES / sample)
    with tempfile.TemporaryDirectory(prefix="sgov-golden-") as tmp:
        out = Path(tmp) / "out"
        argv = argv_for(folder, sample, AS_OF[sample], str(out))
        code, stdout, stderr = invoke(argv)
        if writes:
            payload: Any = snapshot(out) if out.exists() else {}
        else:
            try:
                payload = json.loads(stdout)
            except json.JSONDecodeError:
                payload = {"stdout_not_json": stdout.splitlines()}
    return code, payload, stdout + stderr


def argv_shown(sample: str, case: str) -> list[str]:
    _, argv_for, _ = CASES[case]
    return argv_for(f"sample_workbooks/{sample}", sample, AS_OF[sample], "OUT")


def dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write (or --check) the golden outputs of every sample."
    )
    parser.add_argument(
        "--check", action="store_true", help="compare only; exit 1 on any difference"
    )
    args = parser.parse_args(argv)
    different = 0
    for sample in samples():
        folder = GOLDEN / sample
        manifest: dict[str, Any] = {}
        for case in cases():
            code, payload, text = produce(sample, case)
            if "Traceback" in text:
                print(f"{sample} {case}: TRACEBACK\n{text}", file=sys.stderr)
                different += 1
            manifest[case] = {"argv": argv_shown(sample, case), "exit": code}
            target = folder / f"{case}.json"
            new = dump(payload)
            old = target.read_text(encoding="utf-8") if target.exists() else None
            if old != new:
                different += 1
                print(
                    f"{'differs' if args.check else 'wrote'}: {target.relative_to(ROOT)} (exit {code})"
                )
                if not args.check:
                    folder.mkdir(parents=True, exist_ok=True)
                    target.write_text(new, encoding="utf-8")
        target = folder / "_commands.json"
        new = dump(manifest)
        if not target.exists() or target.read_text(encoding="utf-8") != new:
            different += 1
            print(f"{'differs' if args.check else 'wrote'}: {target.relative_to(ROOT)}")
            if not args.check:
                folder.mkdir(parents=True, exist_ok=True)
                target.write_text(new, encoding="utf-8")
    if args.check:
        return 1 if different else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
