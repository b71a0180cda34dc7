"""sgov: resident self-governance fund programs, checked from the clerk's own spreadsheets.

Public library API (the CLI is a thin layer over these):
    load(folder, program=None) -> (Config, Dataset)
    validate(folder, program=None, as_of=None) -> Validation
"""

from __future__ import annotations

__version__ = "0.1.0"


def load(folder, program=None):
    from selfgov_cli.validate import load as _load

    return _load(folder, program)


def validate(folder, program=None, as_of=None):
    from selfgov_cli.validate import validate as _validate

    return _validate(folder, program, as_of)


__all__ = ["__version__", "load", "validate"]
