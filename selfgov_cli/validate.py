"""`validate()`: the library entry point of `sgov validate` — the one pipeline's outcome, whose
findings are the validation (kept under this name for the public API)."""

from __future__ import annotations

from selfgov_cli.outcome import Outcome as Validation
from selfgov_cli.pipeline import load, make_context, run

validate = run

__all__ = ["Validation", "load", "make_context", "validate"]
