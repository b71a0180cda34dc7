"""Reports: the publicity list, the summary report and annotated workbooks.

Library API (the CLI and ``sgov run`` call these; each returns the paths it wrote):
    render_publicity(validation, ranking, out_dir, fmt, as_of, templates=None)
    render_summary(validation, ranking, disbursement, out_dir, fmt, as_of, templates=None)
    render_annotated(validation, out_dir, as_of)
    render(kind, validation, out_dir, fmt="html", as_of=None, templates=None, stage="review")
``ranking`` and ``disbursement`` are the ``to_dict()`` of ``rank.rank`` and ``disburse.disburse``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from selfgov_cli.report.env import ReportError

KINDS = ("publicity", "summary", "annotated")
FORMATS = ("html", "xlsx", "md")


def render_publicity(validation, ranking, out_dir, fmt, as_of, templates=None) -> list[Path]:
    from selfgov_cli.report.publicity import render_publicity as _render

    return _render(validation, ranking, out_dir, fmt, as_of, templates)


def render_summary(
    validation, ranking, disbursement, out_dir, fmt, as_of, templates=None
) -> list[Path]:
    from selfgov_cli.report.summary import render_summary as _render

    return _render(validation, ranking, disbursement, out_dir, fmt, as_of, templates)


def render_annotated(validation, out_dir, as_of) -> list[Path]:
    from selfgov_cli.report.annotate import render_annotated as _render

    return _render(validation, out_dir, as_of)


def ranking_of(validation, stage: str = "review") -> dict:
    """The ranking dict of the folder (empty ranking when it has no score sheets)."""
    from selfgov_cli.rank import rank

    return rank(validation, stage).to_dict()


def disbursement_of(validation, as_of: date) -> dict:
    from selfgov_cli.disburse import disburse

    return disburse(validation, as_of).to_dict()


def render(
    kind: str,
    validation,
    out_dir: Path | str,
    fmt: str = "html",
    as_of: date | None = None,
    templates: Path | str | None = None,
    stage: str = "review",
) -> list[Path]:
    """One report of ``kind`` in format ``fmt`` (ignored for annotated copies, always xlsx)."""
    when = as_of or validation.as_of
    if kind not in KINDS:
        raise ReportError(f"--kind 只能是 {'、'.join(KINDS)}（现为 {kind!r}）")
    if fmt not in FORMATS:
        raise ReportError(f"--format 只能是 {'、'.join(FORMATS)}（现为 {fmt!r}）")
    if kind == "annotated":
        return render_annotated(validation, out_dir, when)
    ranking = ranking_of(validation, stage)
    if kind == "publicity":
        return render_publicity(validation, ranking, out_dir, fmt, when, templates)
    return render_summary(
        validation, ranking, disbursement_of(validation, when), out_dir, fmt, when, templates
    )


__all__ = [
    "KINDS",
    "FORMATS",
    "ReportError",
    "render",
    "render_publicity",
    "render_summary",
    "render_annotated",
]
