"""Clause texts quoted from the policy documents (shared/policies), keyed as rules cite them."""

from __future__ import annotations

CLAUSES: dict[str, str] = {}
