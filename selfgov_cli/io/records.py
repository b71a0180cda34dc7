"""Fast record makers for the two records built 100,000 times: ledger rows and their locations.

Shared by the loader (which builds them from sheets) and the cache (which rebuilds them from an
entry), so neither imports the other.
"""

from __future__ import annotations

from selfgov_cli.model import Expense, Location, record_maker

LOCATION_FIELDS = ("file", "sheet", "cell", "row")
EXPENSE_FIELDS = (
    "loc",
    "cells",
    "bad",
    "date",
    "project_id",
    "category",
    "category_text",
    "description",
    "amount",
    "invoice_no",
    "payee",
    "payee_role",
    "leader_signed",
    "remark",
    "columns",
)
_FAST_EXPENSE = record_maker(Expense, EXPENSE_FIELDS)
_FAST_LOCATION = record_maker(Location, LOCATION_FIELDS)
FAST_RECORDS = _FAST_EXPENSE is not None and _FAST_LOCATION is not None


def _by_name(cls: type, names: tuple[str, ...]):
    """The ordinary constructor, by field name (if the model changed, never by position)."""
    return lambda *values: cls(**dict(zip(names, values, strict=True)))


make_expense = _FAST_EXPENSE or _by_name(Expense, EXPENSE_FIELDS)
make_location = _FAST_LOCATION or _by_name(Location, LOCATION_FIELDS)
