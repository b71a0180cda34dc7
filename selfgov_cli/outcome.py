"""The one outcome of a run: for every project, one record of what sgov decided.

Every output (validate JSON, the disburse and rank views, the publicity list, the summary, the
annotated copies, `explain`) is a view of an `Outcome`; none recomputes a figure. `to_dict()` is
called only at the JSON / Jinja edge.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from selfgov_cli.config import Config
from selfgov_cli.decisions import ParsedDecision
from selfgov_cli.disburse import Disbursement, ProjectMoney, Totals
from selfgov_cli.model import Dataset, Project, natural_key
from selfgov_cli.money import ZERO
from selfgov_cli.privacy import Lazy, scrub
from selfgov_cli.rank import Entry, Ranking
from selfgov_cli.rules.engine import Approval, Context, Finding, summarize

NO_CATEGORY = "（未填类别）"  # the name of the projects whose 项目类别 is empty

# Why a project is or is not approved: the status of its decision record.
APPROVED = "approved"
GREEN_CHANNEL = "green_channel"
NEEDS_FIX = "needs_fix"
NOT_REVIEWED = "not_reviewed"
CANCELLED = "cancelled"
STATUS_LABELS = {
    APPROVED: "通过",
    GREEN_CHANNEL: "免审（上年十佳）",
    NEEDS_FIX: "待改正",
    NOT_REVIEWED: "未经评审",
    "below_line": "未达入围分",
    "over_quota": "超出名额",
    "unfunded": "资金线外",
    CANCELLED: "异议成立",
}


@dataclass
class ValidationView:
    """What `sgov validate` shows: the findings, and how many files and projects were read. Made
    from an Outcome, or the stored one of an unchanged folder (validation_memo)."""

    config: Config
    findings: list[Finding]
    files: int
    projects: int

    @cached_property
    def counts(self) -> dict[str, int]:
        """{"errors": n, "warnings": n, "infos": n} (the findings never change once made)."""
        return summarize(self.findings)

    @property
    def errors(self) -> int:
        return self.counts["errors"]

    @property
    def warnings(self) -> int:
        return self.counts["warnings"]

    def to_dict(self, lazy: bool = False) -> dict[str, Any]:
        """The `validate --format json` shape (cli.md). lazy: the findings as a privacy.Lazy list,
        each made a dict only when written (report.safe.json_chunks)."""
        return {
            "program": self.config.program.id,
            "findings": Lazy(self.findings, Finding.to_dict)
            if lazy
            else [f.to_dict() for f in self.findings],
            "summary": {"files": self.files, "projects": self.projects, **self.counts},
        }


@dataclass
class ProjectOutcome:
    """What sgov decided about one project."""

    project: Project
    approved: bool
    status: str  # a key of STATUS_LABELS
    reason: str  # why, in Chinese ('' when simply approved)
    approval: Approval  # the one approved amount and where it came from
    money: ProjectMoney
    entry: Entry | None = None  # its place in the review ranking, if ranked
    final_entry: Entry | None = None  # its place in the year-end ranking, if ranked
    errors: int = 0  # error findings on its application (待改正)
    flags: list[str] = field(default_factory=list)
    decisions: list[ParsedDecision] = field(default_factory=list)  # 人工认定 in force on it
    category: str = ""  # the program's name for its 项目类别 (Program.category_name)

    @property
    def project_id(self) -> str:
        return self.project.project_id or ""

    @property
    def amount(self) -> Decimal:
        """The approved amount (核定金额, else 申请金额); 0 when it cannot be read."""
        return self.money.approved

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class Outcome:
    config: Config
    data: Dataset
    as_of: date
    ctx: Context
    findings: list[Finding]
    disbursement: Disbursement
    review: Ranking  # the 立项评审 round (empty when it has no scores)
    final: Ranking | None = None  # the 年终评审 round, when it has scores or was asked for
    projects: dict[str, ProjectOutcome] = field(default_factory=dict)
    decisions: list[ParsedDecision] = field(default_factory=list)  # every 人工认定 read
    # the `order` of each decision that takes effect on as_of: known, not replaced by a later one
    # on the same thing (decisions.in_force), not stale (SG025)
    decisions_in_force: set[int] = field(default_factory=set)
    stale_decisions: set[int] = field(default_factory=set)  # known but matching nothing (SG025)
    _validation: ValidationView | None = field(default=None, repr=False, compare=False)

    def decision_in_force(self, decision: ParsedDecision) -> bool:
        return decision.order in self.decisions_in_force

    def decision_status(self, decision: ParsedDecision) -> str:
        """Whether a decision took effect, in Chinese (the summary's 状态 column)."""
        if decision.order in self.decisions_in_force:
            return "已生效"
        if decision.on > self.as_of:
            return "核算日后生效"
        if decision.order in self.stale_decisions:
            return "未起作用（见 SG025）"
        return "已被后一条认定取代"

    # ---- validate's view
    def validation(self) -> ValidationView:
        """The view `validate` shows, made once (its counts are taken once)."""
        if self._validation is None or self._validation.findings is not self.findings:
            self._validation = ValidationView(
                self.config, self.findings, len(self.data.files), len(self.ctx.projects)
            )
        return self._validation

    @property
    def errors(self) -> int:
        return self.validation().errors

    @property
    def warnings(self) -> int:
        return self.validation().warnings

    def to_dict(self, lazy: bool = False) -> dict[str, Any]:
        """The `validate --format json` shape (cli.md); see ValidationView.to_dict."""
        return self.validation().to_dict(lazy)

    def context(self) -> Context:
        return self.ctx

    def ranking(self, stage: str = "review") -> Ranking | None:
        return self.final if stage == "final" else self.review

    # ---- money added up
    def category_totals(self) -> list[tuple[str, Totals]]:
        """Each 项目类别's Totals (by the program's name for it), in the program's order of
        categories, then as first met by 项目编号."""
        groups: dict[str, list[ProjectMoney]] = {}
        for item in self.by_id():
            groups.setdefault(scrub(item.category or NO_CATEGORY), []).append(item.money)
        order = {name: i for i, name in enumerate(self.config.program.categories)}
        names = sorted(groups, key=lambda name: order.get(name, len(order)))
        return [(name, Totals.of(groups[name])) for name in names]

    # ---- the decisions
    @property
    def ranked(self) -> bool:
        """Was the approval decided by a review ranking?"""
        return self.review.has_scores

    def approved(self) -> list[ProjectOutcome]:
        """The approved projects in list order: the review ranking's order, then green-channel
        projects; without a ranking, by 项目编号."""
        chosen = [p for p in self.projects.values() if p.approved]
        if not self.ranked:
            return sorted(chosen, key=lambda p: natural_key(p.project_id))
        ranked = sorted((p for p in chosen if p.entry), key=lambda p: p.entry.rank)
        rest = sorted((p for p in chosen if not p.entry), key=lambda p: natural_key(p.project_id))
        return ranked + rest

    def not_approved(self) -> list[ProjectOutcome]:
        return [p for p in self.projects.values() if not p.approved]

    def by_id(self) -> Iterator[ProjectOutcome]:
        for pid in sorted(self.projects, key=natural_key):
            yield self.projects[pid]

    def approved_total(self) -> Decimal:
        return sum((p.amount for p in self.approved()), ZERO)


__all__ = ["Outcome", "ProjectOutcome", "STATUS_LABELS"]
