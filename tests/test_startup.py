"""Start-up stays quick: `sgov --help`, `sgov rules` and friends import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import write_form

HEAVY = ("pandas", "openpyxl", "numpy", "jinja2", "python_calamine", "chinese_calendar")
PROBE = """
import json, sys
from selfgov_cli.cli.app import main
sys.argv = ["sgov", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stdout.flush()
sys.stderr.write(json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""


def _imported(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], {name.split(".")[0] for name in report["modules"]}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("rules",),
        ("rules", "SG010"),
        ("programs",),
        ("validate", "--help"),
        ("export", "--help"),
        ("--version",),
    ],
)
def test_no_heavy_imports(args):
    code, modules = _imported(*args)
    assert code == 0
    assert sorted(set(HEAVY) & modules) == []


def test_the_probe_sees_imports(tmp_path):
    """The check above can fail: reading a workbook does pull calamine in."""
    write_form(tmp_path / "a.xlsx", {"项目编号": "P1"})
    code, modules = _imported("validate", str(tmp_path), "--no-cache", "--format", "json")
    assert code == 1
    assert "python_calamine" in modules


def test_importtime_of_help_lists_no_heavy_module():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "selfgov_cli.cli.app", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    names = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in lines}
    assert "selfgov_cli" in names and "typer" in names
    assert sorted(set(HEAVY) & names) == []


@pytest.mark.parametrize("args", [("rules",), ("rules", "SG010"), ("rules", "-f", "json")])
def test_rules_reads_the_stored_catalog_without_loading_the_rule_packs(args):
    """`sgov rules` (≤ 0.3 s, issue 18) lists the stored catalog: no rule pack, program or report
    writer is imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0
    loaded = set(report["modules"])
    for name in (
        "pydantic",  # typer's value coercion; zh.PlainValue takes text and flags as they are
        "typer._adapters",
        "selfgov_cli.io.workbook",
        "selfgov_cli.rules.registry",
        "selfgov_cli.programs",
        "selfgov_cli.outcome",
        "selfgov_cli.io.loader",  # report.safe is on the start-up path; it loads the reader lazily
    ):
        assert name not in loaded, name


@pytest.mark.parametrize(
    "args", [("rules", "sg010", "-q"), ("programs",), ("rules", "-p", "puxing-2023")]
)
def test_text_and_flag_values_need_no_pydantic(args):
    """typer >= 0.29 builds a pydantic TypeAdapter per value (~0.1 s to import); a command whose
    values are all text and flags does without it (issue 18)."""
    code, modules = _imported(*args)
    assert code == 0
    assert "pydantic" not in modules


def test_the_probe_sees_pydantic_where_a_number_is_given(tmp_path):
    """The check above can fail: --workers is an int, coerced by typer's adapter."""
    write_form(tmp_path / "a.xlsx", {"项目编号": "P1"})
    code, modules = _imported("validate", str(tmp_path), "--workers", "2", "--format", "json")
    assert code == 1
    assert "pydantic" in modules


def test_plain_value_hands_anything_else_to_typer():
    """A value that is not already of the parameter's type goes through typer's own coercion."""
    from typer.main import get_command

    from selfgov_cli.cli.app import app
    from selfgov_cli.cli.zh import PlainValue

    command = get_command(app).commands["rules"]
    params = {param.name: param for param in command.params}
    fmt, quiet = params["fmt"], params["quiet"]
    assert isinstance(fmt.get_runtime_param(), PlainValue)
    assert isinstance(quiet.get_runtime_param(), PlainValue)
    with command.make_context("rules", []) as ctx:
        assert fmt.process_value(ctx, "json") == "json"
        assert fmt.process_value(ctx, 7) == "7"
        assert fmt.process_value(ctx, None) is None
        assert quiet.process_value(ctx, True) is True
        assert quiet.process_value(ctx, "yes") is True
        assert quiet.process_value(ctx, "0") is False
