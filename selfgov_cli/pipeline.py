"""One pass: load → rules → rank (when the folder has score sheets) → money → one decision per
project. `run()` returns the typed `Outcome` every command and report reads.

`rank` and `disburse` are siblings: each takes the rule findings, neither imports the other; the
decision of which projects are approved is taken here once and handed to the money step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import selfgov_cli.decisions as recorded
from selfgov_cli.config import CONFIG_NAME, Config, ConfigError, load_config, program_id_year
from selfgov_cli.decisions import ParsedDecision
from selfgov_cli.disburse import Disbursement, disburse
from selfgov_cli.history import RecordError, YearRecord, link, parse_record
from selfgov_cli.io.loader import Progress, load_folder
from selfgov_cli.model import Dataset, ledger_order
from selfgov_cli.os_errors import os_error_text
from selfgov_cli.outcome import (
    APPROVED,
    CANCELLED,
    GREEN_CHANNEL,
    NEEDS_FIX,
    NOT_REVIEWED,
    Outcome,
    ProjectOutcome,
)
from selfgov_cli.programs.base import ProgramError
from selfgov_cli.rank import Ranking, check_settings, rank, round_has_scores
from selfgov_cli.record import record_of
from selfgov_cli.rules.engine import (
    Context,
    Finding,
    Severity,
    findings_of,
    in_order,
    rules_for,
    run_rules,
)
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


def make_context(
    config: Config,
    data: Dataset,
    as_of: date,
    known: list[ParsedDecision] | None = None,
    history: list[YearRecord] | None = None,
    decision_problems: list | None = None,
) -> Context:
    """What the rules see; `known`: the 人工认定 decisions in force at as_of; `history`: the records
    of earlier years (history_records), linked here to this year's projects; `decision_problems`:
    what reading the 人工认定 sheets found (SG025 reports it; the sheets are read once)."""
    known = known or []
    linked = link(history, data.project_map(), config.program_year) if history else None
    changes = {
        pid: {target: (d.amount, d.loc, d.note(), d.on) for target, d in items.items()}
        for pid, items in recorded.budget_adjustments(known, as_of).items()
    }
    return Context(
        data=data,
        program=config.program,
        as_of=as_of,
        settings=config.settings,
        neighborhoods=config.neighborhoods,
        year=config.program_year,
        year_shift=config.program_year - program_id_year(config.program),
        invoice_owners=recorded.invoice_owners(known, as_of),
        budget_changes=changes,
        history=linked,
        decision_problems=decision_problems,
    )


def history_records(config: Config, cache: bool = False) -> list[YearRecord]:
    """The records `history` in sgov.toml lists: a record.json as written, an earlier program folder
    computed as of 31 December of its program year (its own history is not followed). A record that
    cannot be read, or no record earlier than this year, is ConfigError naming the entry (exit 2).
    cache: read an earlier folder's workbooks through the cache too (as this year's are), so a
    year-two folder does not read all of last year's again on every command."""
    out = []
    for entry, path in config.history_paths():
        try:
            if path.is_dir():
                out.append(_folder_record(path, entry, cache))
            else:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
                out.append(parse_record(data, entry))
        except OSError as exc:
            raise ConfigError(
                f"{CONFIG_NAME} 中的 history 路径 {entry} 无法读取：{os_error_text(exc, reading=True)}"
            ) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{CONFIG_NAME} 中的 history 路径 {entry} 无法读取：不是 UTF-8 编码的文本"
                "（应为 sgov run 写出的 record.json）"
            ) from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{CONFIG_NAME} 中的 history 路径 {entry} 不是有效的 JSON（第 {exc.lineno} 行）："
                "应为 sgov run 写出的 record.json，或上年的项目文件夹"
            ) from exc
        except (RecordError, ProgramError) as exc:
            raise ConfigError(f"{CONFIG_NAME} 中的 history 路径 {entry} 无法使用：{exc}") from exc
    year = config.program_year
    if out and not any(r.year < year for r in out):
        years = "、".join(str(r.year) for r in out)
        raise ConfigError(
            f"{CONFIG_NAME} 中的 history 没有早于 {year} 年的记录（现有：{years} 年）：请列出上年的记录"
        )
    return out


def _folder_record(folder: Path, entry: str, cache: bool = False) -> YearRecord:
    """An earlier program folder's record, computed as of its year's end."""
    config, data = load(folder, cache=cache)
    if not data.projects:
        raise RecordError("这个文件夹中没有读到任何申报（应为上年的项目文件夹）")
    config = replace(config, history=())
    outcome = run(folder, as_of=date(config.program_year, 12, 31), loaded=(config, data))
    return parse_record(record_of(outcome), entry)


def recount_running_sums(
    ctx: Context, raw: list[Finding], known: list[ParsedDecision]
) -> list[Finding]:
    """The rules that walk a project's spending in date order against a limit (a cap of 四.4(1),
    with its excess; SG013 against a budget line) run once more without the ledger rows an error
    finding excludes whole (a duplicate invoice, a date outside the period, a forbidden expense…,
    unless waived): a row that counts nothing fills no cap and no budget line, so a legitimate
    row is never cut for it. Fewer rows never cross a limit more: only the rules that found such
    a crossing run again."""
    rerun = {f.rule for f in raw if f.excess is not None or f.rule == "SG013"}
    if not rerun:
        return raw
    keys = {
        (f.file, f.sheet, f.row)
        for f in waive(raw, known, ctx.data)
        if f.severity is Severity.ERROR and f.excess is None and f.row is not None
    }
    key_rows = {row for _, _, row in keys}  # a look-up in ints first: no tuple for most rows
    rows = [
        e
        for e in ctx.data.ledger
        if e.loc.row in key_rows and (e.loc.file, e.loc.sheet, e.loc.row) in keys
    ]
    # only a project with both a crossing and a barred row can come out differently
    affected = frozenset(f.project_id for f in raw if f.rule in rerun) & frozenset(
        e.project_id for e in rows
    )
    if not affected:
        return raw
    ctx.barred, ctx.recount = frozenset(map(id, rows)), affected
    try:
        again = [f for f in run_rules(ctx, only=rerun) if f.project_id in affected]
    finally:
        ctx.recount = None
    kept = (f for f in raw if f.rule not in rerun or f.project_id not in affected)
    return in_order([*kept, *again])


def waive(
    findings: list[Finding], known: list[ParsedDecision], data: Dataset | None = None
) -> list[Finding]:
    """Findings a 豁免 decision covers stay in the output as info, with the decision's note; so does
    SG010 on the owner's row of an invoice a 发票归属 decision assigns (that row counts)."""
    waivers = [d for d in known if d.kind == recorded.WAIVER]
    # the owner an earlier 发票归属 named is replaced by a later one: its row counts no more
    owners = [d for d in recorded.in_force(known, None) if d.kind == recorded.INVOICE]
    if not waivers and not owners:
        return findings
    invoice_at = _owners_rows(owners, data.ledger if data is not None else ())
    out = []
    for finding in findings:
        decision = next((d for d in waivers if recorded.waives(d, finding)), None) or next(
            (d for d in owners if _owned(d, finding, invoice_at)), None
        )
        if decision is None:
            out.append(finding)
        else:
            out.append(
                finding.replace(
                    severity=Severity.INFO,
                    message=f"{finding.message}（{'已豁免' if decision.kind == recorded.WAIVER else '已认定'}——{decision.note()}）",
                    excess=None,
                )
            )
    return out


def _owners_rows(owners: list[ParsedDecision], ledger) -> dict[tuple, str]:
    """(file, sheet, row) → invoice key of the owner's first row (by 日期, then folder order) of
    each invoice a 发票归属 assigns: that row counts; a later row of the same invoice in the owner's
    own ledger is still a double claim (SG010 within one project)."""
    if not owners:
        return {}
    wanted = {(recorded.invoice_key(d.invoice or ""), d.project_id) for d in owners}
    first: dict[tuple, Any] = {}
    for e in ledger:
        pair = (recorded.invoice_key(e.invoice_no), e.project_id)
        if pair in wanted and (pair not in first or ledger_order(e) < ledger_order(first[pair])):
            first[pair] = e
    return {(e.loc.file, e.loc.sheet, e.loc.row): key for (key, _), e in first.items()}


def _owned(decision: ParsedDecision, finding: Finding, invoice_at: dict) -> bool:
    """SG010 on the first row of the project a 发票归属 decision names as the invoice's owner."""
    return (
        finding.rule == "SG010"
        and finding.project_id == decision.project_id
        and invoice_at.get((finding.file, finding.sheet, finding.row))
        == recorded.invoice_key(decision.invoice or "")
    )


def stale_findings(
    ctx: Context, known: list[ParsedDecision], raw: list[Finding]
) -> tuple[list[Finding], set[int]]:
    """SG025 for decisions that match nothing any more (the malformed half is the rule's own), and
    the `order` of each such decision (it took no effect, whether or not SG025 is shown)."""
    pairs = recorded.stale_decisions(known, raw, ctx.data, len(ctx.program.tranches))
    orders = {d.order for d, _ in pairs}
    if "SG025" in ctx.program.disabled_rules:
        return [], orders
    return list(findings_of(REGISTRY["SG025"], [p for _, p in pairs])), orders


def late_hold_findings(
    ctx: Context, money: Disbursement, known: list[ParsedDecision]
) -> tuple[list[Finding], set[int]]:
    """SG025 for a 拨付 暂缓 recorded after the rules had paid the tranche (it cannot unpay it, so
    it takes no effect), and the `order` of each such decision."""
    late = {(item.project_id, n) for item in money.projects for n in item.plan.late_holds}
    if not late:
        return [], set()
    pairs = [
        (d, n)
        for pid, items in recorded.tranche_overrides(known, ctx.as_of).items()
        for n, d in items.items()
        if (pid, n) in late
    ]
    problems = [
        recorded.Problem(
            d.record.cell("kind"),
            d.project_id,
            f"第{n}笔资金在这条暂缓认定（{d.on.isoformat()}）之前已经拨付，暂缓不起作用："
            "如需收回已拨付的资金，请另行办理，并删除或改正这条认定",
        )
        for d, n in pairs
    ]
    orders = {d.order for d, _ in pairs}
    if "SG025" in ctx.program.disabled_rules:
        return [], orders
    return list(findings_of(REGISTRY["SG025"], problems)), orders


def run(
    folder: Path | str = ".",
    program: str | None = None,
    as_of: date | None = None,
    loaded: tuple[Config, Dataset] | None = None,
    stage: str = "review",
    pool: Decimal | None = None,
    cache: bool = False,
) -> Outcome:
    """Everything sgov decides about a folder as of a date, computed once. cache: an earlier year's
    folder named in `history` is read through the cache (this year's is read by `load`)."""
    config, data = loaded or load(folder, program)
    when = as_of or date.today()
    parsed, problems = recorded.parse(data, {item.id for item in rules_for(config.program)})
    known = recorded.known_at(parsed, when)
    ctx = make_context(config, data, when, known, history_records(config, cache), problems)
    check_settings(ctx, stage)
    raw = recount_running_sums(ctx, run_rules(ctx), known)
    waived, (stale, stale_orders) = waive(raw, known, data), stale_findings(ctx, known, raw)
    findings = raw if waived is raw and not stale else in_order([*waived, *stale])
    faults = sort_faults(ctx, findings)
    cancelled = recorded.cancelled(known, when)
    notes = {pid: decision.note() for pid, decision in cancelled.items()}
    review = _rank(ctx, findings, "review", pool, faults, cancelled=notes)
    decisions = decide(ctx, faults, review, cancelled)
    not_approved = {pid: reason for pid, (ok, _, reason) in decisions.items() if not ok}
    overrides = {
        pid: {n: (d.release, d.note(), d.on) for n, d in items.items()}
        for pid, items in recorded.tranche_overrides(known, when).items()
    }
    shown = recorded.by_project(known)
    COUNTERS.disburse += 1
    money = disburse(ctx, findings, not_approved, faults, overrides, shown)
    late, late_orders = late_hold_findings(ctx, money, known)
    stale_orders |= late_orders
    extra = [*money.findings, *late]
    everything = in_order([*findings, *extra]) if extra else findings
    wanted = stage == "final" or round_has_scores(data.scores, "final")
    # the year-end 评选 knows this year's decision (a project not approved is no 十佳) and every
    # ledger error, the money step's SG014 included
    final_faults = faults.with_money_errors(money.findings)
    final = _rank(ctx, everything, "final", pool, final_faults, not_approved) if wanted else None
    outcome = Outcome(config, data, when, ctx, everything, money, review, final)
    outcome.decisions = parsed
    outcome.decisions_in_force = {
        d.order for d in recorded.in_force(known, None) if d.order not in stale_orders
    }
    outcome.stale_decisions = stale_orders
    for item in money.projects:
        pid = item.project_id
        ok, status, reason = decisions[pid]
        entry = review.entry(pid) if review else None
        final_entry = final.entry(pid) if final else None
        flags = list(entry.flags) if entry else []
        if status == CANCELLED and CANCELLED not in flags:  # the ranking entry may say so already
            flags.append(CANCELLED)
        for extra in (NEEDS_FIX, GREEN_CHANNEL):
            if (
                status == extra
                or (
                    extra == GREEN_CHANNEL
                    and ctx.program.policy.green_channel(item.plan.project, ctx.history)
                )
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
            decisions=shown.get(pid, []),
            category=ctx.program.category_name(item.plan.project.get("category")),
        )
    return outcome


def _rank(
    ctx: Context, findings, stage: str, pool, faults: Faults, not_approved=None, cancelled=None
) -> Ranking:
    """The ranking of one round (empty, without ranking anything, when the round has no scores)."""
    if round_has_scores(ctx.data.scores, stage):
        COUNTERS.rank += 1
    return rank(ctx, findings, stage, pool, faults, not_approved, cancelled)


def decide(
    ctx: Context,
    faults: Faults,
    review: Ranking,
    cancelled: dict[str, ParsedDecision] | None = None,
) -> dict[str, tuple[bool, str, str]]:
    """项目编号 → (approved, status, reason): the one decision of every project (cli.md "What the
    publicity list holds"). With review scores: the ranked projects not below the line, over the
    quota, unfunded or 待改正, plus green-channel projects; otherwise every application with no
    error on it; minus upheld objections (CANCELLED: only a project that was on the list)."""
    policy = ctx.program.policy
    cancelled = cancelled or {}
    out: dict[str, tuple[bool, str, str]] = {}
    for pid, project in ctx.projects.items():
        errors = faults.application.get(pid, [])
        green = policy.green_channel(project, ctx.history)
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
                "评审打分表中没有该项目的有效评分：未经评审，不予立项拨付",
            )
        else:
            flag = next((f for f in _LEFT_OUT if f in entry.flags), None)
            if flag:
                out[pid] = (
                    False,
                    flag,
                    f"评审排名第 {entry.rank} 名，{_LEFT_OUT[flag]}：不予立项拨付",
                )
            else:
                out[pid] = (True, APPROVED, "")
        if pid in cancelled:  # an upheld objection takes a project off the list it was on
            note = cancelled[pid].note()
            approved, status, reason = out[pid]
            if approved:
                out[pid] = (False, CANCELLED, f"公示期间异议成立，取消立项（{note}）")
            else:  # never on the list: it keeps its own status, and the objection is noted
                out[pid] = (False, status, f"{reason}；公示期间异议成立（{note}）")
    return out


__all__ = ["COUNTERS", "REGISTRY", "decide", "load", "make_context", "run"]
