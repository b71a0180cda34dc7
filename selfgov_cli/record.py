"""`record.json`: the year's final outcome per project, written by `sgov run` and read back next year
(cli.md "Year over year"). A view of the Outcome; no personal data (no leaders, phones or members).

`approved` is the approved amount as in the disburse JSON ("50000.00"), null when the project was
not approved; `flags` are the decision's plus the year-end ranking's top10/top5; `final_rank` is the
place in the year-end round (null when that round has no scores); `top10_place` is the 十佳 place
(1–10) the year-end 评选 gave it, counted among the projects without errors (rules.md 浦兴), so it
may be smaller than `final_rank`; null when not 十佳.
"""

from __future__ import annotations

from typing import Any

from selfgov_cli.money import fmt_amount, fmt_rate
from selfgov_cli.outcome import Outcome, ProjectOutcome
from selfgov_cli.privacy import scrub

RECORD_NAME = "record.json"
SCHEMA = 1
# the year-end ranking's flags a record keeps beside the decision's (十佳 and 前五 for next year)
YEAR_END_FLAGS = ("top10", "top5")


def record_of(outcome: Outcome) -> dict[str, Any]:
    """The record of one year: `{"schema", "program", "year", "as_of", "projects": [...]}`."""
    return {
        "schema": SCHEMA,
        "program": outcome.config.program.id,
        "year": outcome.config.program_year,
        "as_of": outcome.as_of.isoformat(),
        "projects": [_project(item) for item in outcome.by_id()],
    }


def _project(item: ProjectOutcome) -> dict[str, Any]:
    project, money = item.project, item.money
    evaluation = money.plan.evaluation
    final = item.final_entry
    flags = list(item.flags)
    if final is not None:
        flags += [f for f in final.flags if f in YEAR_END_FLAGS and f not in flags]
    return {
        "project_id": item.project_id,
        "name": scrub(project.name),
        "neighborhood": scrub(project.get("neighborhood") or ""),
        "category": scrub(item.category),
        "approved": fmt_amount(item.amount) if item.approved else None,
        "released": fmt_amount(money.released),
        "eligible_spent": fmt_amount(money.eligible_spent),
        "usage_rate": fmt_rate(money.usage_rate),
        "execution_rate": fmt_rate(money.execution_rate),
        "final_rank": final.rank if final is not None else None,
        "top10_place": final.top10_place if final is not None else None,
        "flags": flags,
        "midterm": (evaluation.midterm if evaluation is not None else "") or None,
        "final": (evaluation.final if evaluation is not None else "") or None,
    }


__all__ = ["RECORD_NAME", "SCHEMA", "record_of"]
