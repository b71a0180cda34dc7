"""Start-up stays quick: `sgov --help`, `sgov rules` and friends import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize(
    "command", ["validate", "disburse", "rank", "report", "explain", "export", "run"]
)
def test_a_folder_and_an_output_folder_need_no_pydantic(tmp_path, command):
    """Every command that reads a folder took ~0.15–0.2 s importing pydantic only to make the
    folder argument a Path (typer's TypeAdapter); zh.PlainValue makes it one itself, with typer's
    own path checks (issue 18)."""
    write_form(tmp_path / "f" / "a.xlsx", {"项目编号": "P1"})
    folder, out = str(tmp_path / "f"), str(tmp_path / "out")
    args = {
        "explain": ("explain", "P1", folder),
        "run": ("run", folder, "-o", out, "-q"),
        "export": ("export", folder, "-o", out, "-q"),
        "report": ("report", folder, "-o", out, "-q"),
    }.get(command, (command, folder, "--format", "json", "-o", out))
    code, modules = _imported(*args, "--as-of", "2023-12-31")
    assert code in (0, 1)
    assert "pydantic" not in modules


def test_a_path_value_is_what_typer_makes_of_it(tmp_path):
    """PlainValue's Path is typer's: text made a Path, a Path kept, typer's path checks applied
    (here: a folder argument that must exist, as a program might declare)."""
    from typer.main import get_command

    from selfgov_cli.cli.app import app
    from selfgov_cli.cli.zh import PlainValue

    command = get_command(app).commands["validate"]
    folder = {param.name: param for param in command.params}["folder"]
    assert isinstance(folder.get_runtime_param(), PlainValue)
    with command.make_context("validate", []) as ctx:
        assert folder.process_value(ctx, str(tmp_path)) == tmp_path
        assert type(folder.process_value(ctx, str(tmp_path))) is type(tmp_path)
        assert folder.process_value(ctx, tmp_path) is tmp_path
        assert folder.process_value(ctx, "没有的文件夹") == Path("没有的文件夹")
        strict = PlainValue(
            parameter_info=type(folder.type_descriptor.parameter_info)(exists=True),
            annotation=Path,
        )
        with pytest.raises(Exception, match="does not exist"):
            strict._coerce_value("没有的文件夹", folder, ctx)
