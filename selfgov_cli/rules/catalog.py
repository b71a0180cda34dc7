"""The rule catalog as data, for `sgov rules` and the docs."""

from __future__ import annotations

from typing import Any

from selfgov_cli.rules.clauses import CLAUSES
from selfgov_cli.rules.registry import REGISTRY


def clause_text(clause: str) -> str:
    """The policy text of a clause, where the package carries it."""
    return CLAUSES.get(clause, "")


def rule_info(rule_id: str) -> dict[str, Any] | None:
    item = REGISTRY.get(rule_id)
    if item is None:
        return None
    return {
        "id": item.id,
        "severity": item.severity.value,
        "severity_label": item.severity.label,
        "program": item.program,
        "clause": item.clause,
        "title": item.title,
        "fix": item.fix,
        "doc": item.doc,
        "clause_text": clause_text(item.clause),
    }


def rule_list() -> list[dict[str, Any]]:
    return [rule_info(rule_id) for rule_id in sorted(REGISTRY)]
