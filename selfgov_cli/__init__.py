"""sgov: resident self-governance fund programs, checked from the clerk's own spreadsheets.

Public library API (the CLI is a thin layer over these):
    load(folder, program=None) -> (Config, Dataset)
    run(folder, program=None, as_of=None, stage="review", pool=None) -> Outcome
        the one pass: findings, rankings, money and one decision per project
    validate = run (the outcome's findings are the validation)
    render(kind, outcome, out_dir, fmt="html") -> [paths]
    frames(outcome) -> {name: pandas.DataFrame}   (see selfgov_cli/export.py, when present)

Nothing is imported until used, so `sgov --help` stays fast.
"""

from __future__ import annotations

from selfgov_cli.version import __version__


def load(folder, program=None):
    # start-up: `import selfgov_cli` (every command) must not load the library
    from selfgov_cli.pipeline import load as _load

    return _load(folder, program)


def run(folder, program=None, as_of=None, stage="review", pool=None):
    # start-up: `import selfgov_cli` (every command) must not load the library
    from selfgov_cli.pipeline import run as _run

    return _run(folder, program, as_of, stage=stage, pool=pool)


validate = run


def render(kind, outcome, out_dir, fmt="html", templates=None, stage="review"):
    # start-up: `import selfgov_cli` (every command) must not load the library
    from selfgov_cli.report import render as _render

    return _render(kind, outcome, out_dir, fmt, templates, stage)


__all__ = ["__version__", "load", "render", "run", "validate"]
