"""Reports: the publicity list, the summary report and annotated workbooks — views of one Outcome.

Library API (the CLI and ``sgov run`` call these; each returns the paths it wrote):
    render_publicity(outcome, out_dir, fmt, templates=None)
    render_summary(outcome, out_dir, fmt, templates=None, stage="review")
    render_annotated(outcome, out_dir)
    render(kind, outcome, out_dir, fmt="html", templates=None, stage="review")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # start-up: for type checkers only, never imported when sgov runs
    from selfgov_cli.outcome import Outcome
    from selfgov_cli.report.annotate import render_annotated
    from selfgov_cli.report.env import ReportError
    from selfgov_cli.report.publicity import render_publicity
    from selfgov_cli.report.summary import render_summary

# Imported on first use: the CLI's light helpers (report.safe: terminal text, JSON chunks) live in
# this package, and `sgov rules` must not pay for the report writers (issue 18, start-up).
_LAZY = {
    "render_annotated": "selfgov_cli.report.annotate",
    "ReportError": "selfgov_cli.report.env",
    "render_publicity": "selfgov_cli.report.publicity",
    "render_summary": "selfgov_cli.report.summary",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


KINDS = ("publicity", "summary", "annotated")
FORMATS = ("html", "xlsx", "md")


def render(
    kind: str,
    outcome: Outcome,
    out_dir: Path | str,
    fmt: str = "html",
    templates: Path | str | None = None,
    stage: str = "review",
) -> list[Path]:
    """One report of ``kind`` in format ``fmt`` (ignored for annotated copies, always xlsx)."""
    # start-up: the writers (openpyxl, jinja2) load only when a report is rendered (all four)
    from selfgov_cli.report.annotate import render_annotated
    from selfgov_cli.report.env import ReportError  # start-up: as above
    from selfgov_cli.report.publicity import render_publicity  # start-up: as above
    from selfgov_cli.report.summary import render_summary  # start-up: as above

    if kind not in KINDS:
        raise ReportError(f"--kind 只能是 {'、'.join(KINDS)}（现为 {kind!r}）")
    if fmt not in FORMATS:
        raise ReportError(f"--format 只能是 {'、'.join(FORMATS)}（现为 {fmt!r}）")
    if kind == "annotated":
        return render_annotated(outcome, out_dir)
    if kind == "publicity":
        return render_publicity(outcome, out_dir, fmt, templates)
    return render_summary(outcome, out_dir, fmt, templates, stage)


__all__ = [
    "KINDS",
    "FORMATS",
    "ReportError",
    "render",
    "render_publicity",
    "render_summary",
    "render_annotated",
]
