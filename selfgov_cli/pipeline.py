"""One pass: load → rules → rank (when the folder has score sheets) → money → one decision per
project. `run()` returns the typed `Outcome` every command and report reads.

`rank` and `disburse` are siblings: each takes the rule findings, neither imports the other; the
decision of which projects are approved is taken here once and handed to the money step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from selfgov_cli.config import Config, load_config, program_id_year
from selfgov_cli.disburse import disburse
from selfgov_cli.io.loader import Progress, load_folder
from selfgov_cli.model import Dataset
from selfgov_cli.outcome import (
    APPROVED,
    GREEN_CHANNEL,
    NEEDS_FIX,
    NOT_REVIEWED,
    Outcome,
    ProjectOutcome,
)
from selfgov_cli.rank import Ranking, check_settings, rank, round_has_scores
from selfgov_cli.rules.engine import Context, Finding, run_rules
from selfgov_cli.rules.faults import Faults, sort_faults
from selfgov_cli.rules.registry import REGISTRY

_LEFT_OUT = {
    "below_line": "评审得分低于入围分，未入围",
    "over_quota": "超出所属区县的初审名额",
    "unfunded": "在资金池的资金线外，未获资助",
}


@dataclass
class Counters:
    """How often each step ran (tests check that one run ranks once a round and plans once)."""

    rank: int = 0
    disburse: int = 0


COUNTERS = Counters()


def load(
    folder: Path | str,
    program: str | None = None,
    cache: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[Config, Dataset]:
    """The folder's configuration and everything read from its workbooks.

    cache: reuse workbooks parsed by an earlier run when unchanged (io/cache.py); workers: see
    io.loader.load_folder (None = in parallel when it pays); progress(done, total, file).
    """
    folder = Path(folder)
    config = load_config(folder, program)
    return config, load_folder(folder, workers=workers, cache=cache, progress=progress)


def make_context(config: Config, data: Dataset, as_of: date) -> Context:
    return Context(
        data=data,
        program=config.program,
        as_of=as_of,
        settings=config.settings,
        neighborhoods=config.neighborhoods,
        year=config.program_year,
        year_shift=config.program_year - program_id_year(config.program),
    )


def run(
    folder: Path | str = ".",
    program: str | None = None,
    as_of: date | None = None,
    loaded: tuple[Config, Dataset] | None = None,
    stage: str = "review",
    pool: Decimal | None = None,
) -> Outcome:
    """Everything sgov decides about a folder as of a date, computed once."""
    config, data = loaded or load(folder, program)
    when = as_of or date.today()
    ctx = make_context(config, data, when)
    check_settings(ctx, stage)
    findings = run_rules(ctx)
    faults = sort_faults(ctx, findings)
    review = _rank(ctx, findings, "review", pool, faults)
    wanted = stage == "final" or round_has_scores(data.scores, "final")
    final = _rank(ctx, findings, "final", pool, faults) if wanted else None
    decisions = decide(ctx, faults, review)
    not_approved = {pid: reason for pid, (ok, _, reason) in decisions.items() if not ok}
    COUNTERS.disburse += 1
    money = disburse(ctx, findings, not_approved, faults)
    everything = sorted(set(findings) | set(money.findings), key=Finding.sort_key)
    outcome = Outcome(config, data, when, ctx, everything, money, review, final)
    for item in money.projects:
        pid = item.project_id
        ok, status, reason = decisions[pid]
        entry = review.entry(pid) if review else None
        final_entry = final.entry(pid) if final else None
        flags = list(entry.flags) if entry else []
        for extra in (NEEDS_FIX, GREEN_CHANNEL):
            if (
                status == extra
                or (extra == GREEN_CHANNEL and ctx.program.policy.green_channel(item.plan.project))
            ) and extra not in flags:
                flags.append(extra)
        outcome.projects[pid] = ProjectOutcome(
            project=item.plan.project,
            approved=ok,
            status=status,
            reason=reason,
            approval=item.plan.approval,
            money=item,
            entry=entry,
            final_entry=final_entry,
            errors=len(faults.application.get(pid, [])),
            flags=flags,
        )
    return outcome


def _rank(ctx: Context, findings, stage: str, pool, faults: Faults) -> Ranking:
    """The ranking of one round (empty, without ranking anything, when the round has no scores)."""
    if round_has_scores(ctx.data.scores, stage):
        COUNTERS.rank += 1
    return rank(ctx, findings, stage, pool, faults)


def decide(ctx: Context, faults: Faults, review: Ranking) -> dict[str, tuple[bool, str, str]]:
    """项目编号 → (approved, status, reason): the one decision of every project (cli.md "What the
    publicity list holds"). With review scores: the ranked projects not below the line, over the
    quota, unfunded or 待改正, plus green-channel projects; otherwise every application with no
    error on it."""
    policy = ctx.program.policy
    out: dict[str, tuple[bool, str, str]] = {}
    for pid, project in ctx.projects.items():
        errors = faults.application.get(pid, [])
        green = policy.green_channel(project)
        entry = review.entry(pid) if review.has_scores else None
        if errors:
            out[pid] = (False, NEEDS_FIX, f"申报材料有 {len(errors)} 个错误，待改正后方可立项")
        elif green:
            out[pid] = (True, GREEN_CHANNEL, green)
        elif not review.has_scores:
            out[pid] = (True, APPROVED, "")
        elif entry is None:
            out[pid] = (
                False,
                NOT_REVIEWED,
                "评审打分表中没有该项目的有效评分：未经评审，不予立项拨付（详见 sgov rank）",
            )
        else:
            flag = next((f for f in _LEFT_OUT if f in entry.flags), None)
            if flag:
                out[pid] = (
                    False,
                    flag,
                    f"评审排名第 {entry.rank} 名，{_LEFT_OUT[flag]}：不予立项拨付（详见 sgov rank）",
                )
            else:
                out[pid] = (True, APPROVED, "")
    return out


__all__ = ["COUNTERS", "REGISTRY", "decide", "load", "make_context", "run"]
