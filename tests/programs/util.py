"""What the program tests share: run validate on a folder and keep the findings of some rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from selfgov_cli.validate import validate

AS_OF = date(2023, 12, 31)


def hits(folder: Path, program: str | None, prefix: str = "", as_of: date = AS_OF) -> list[tuple]:
    """(rule, project, file, sheet, cell) of every finding whose rule id starts with prefix, in order."""
    found = validate(folder, program=program, as_of=as_of).findings
    return [
        (f.rule, f.project_id, f.file, f.sheet, f.cell) for f in found if f.rule.startswith(prefix)
    ]


def messages(folder: Path, program: str | None, rule_id: str) -> list[str]:
    return [
        f.message
        for f in validate(folder, program=program, as_of=AS_OF).findings
        if f.rule == rule_id
    ]
