"""The rule catalog as data, for `sgov rules` and the docs.

`sgov rules` must start in a blink (cli.md), and importing every rule pack (programs, config, the
money step …) costs about 0.3 s. So the catalog is also kept as a JSON file next to this module,
`catalog.json`, written from the live registry by `write_catalog()` (`make catalog`); a test checks
that it equals the registry, so a rule added without refreshing it fails the suite. Reading it
falls back to the registry when the file is missing or damaged.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).with_name("catalog.json")


def clause_text(clause: str) -> str:
    """The policy text of a clause, where the package carries it."""
    # start-up: `sgov rules` reads the stored catalog; the packs load only to rebuild it
    from selfgov_cli.rules.clauses import CLAUSES

    return CLAUSES.get(clause, "")


def live_catalog() -> dict[str, dict[str, Any]]:
    """Every registered rule as catalog data, by id (imports every rule pack)."""
    # start-up: `sgov rules` reads the stored catalog; the packs load only to rebuild it
    from selfgov_cli.rules.registry import REGISTRY

    return {
        rule_id: {
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
        for rule_id, item in sorted(REGISTRY.items())
    }


@cache
def _catalog() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(CATALOG.read_text(encoding="utf-8"))
        if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
            return data
    except (OSError, ValueError):
        pass
    return live_catalog()


def write_catalog(path: Path = CATALOG) -> None:
    """Write catalog.json from the live registry."""
    text = json.dumps(live_catalog(), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def rule_info(rule_id: str) -> dict[str, Any] | None:
    item = _catalog().get(rule_id)
    return dict(item) if item is not None else None


def rule_list() -> list[dict[str, Any]]:
    return [dict(item) for _, item in sorted(_catalog().items())]


if __name__ == "__main__":
    write_catalog()
