"""The summary report (汇总报告) for the 街道 leadership: totals, tables, charts, ranking, findings.

An internal report: no leaders' names, no phone or identity numbers (text from cells is scrubbed).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.disburse import NO_NEIGHBORHOOD, Totals
from selfgov_cli.history import place_key
from selfgov_cli.money import ZERO, fmt_pct, fmt_yuan, round_rate
from selfgov_cli.outcome import NO_CATEGORY, Outcome
from selfgov_cli.rank import FLAG_NAMES, fmt_adjustment, pool_summary
from selfgov_cli.report.charts import bar_chart
from selfgov_cli.report.common import cn_date, score_text
from selfgov_cli.report.copy_store import CopyStore, openpyxl_stamp, reuse_output, writer_digest
from selfgov_cli.report.env import render_template, template_code
from selfgov_cli.report.safe import atomic_write, save_workbook, scrub
from selfgov_cli.report.summary_xlsx import summary_workbook
from selfgov_cli.rules.engine import kind_tally
from selfgov_cli.rules.registry import REGISTRY

FILE_STEM = "汇总报告"
USAGE_BUCKETS = (
    ("低于 30%", Decimal(0), Decimal("0.3")),
    ("30%–50%", Decimal("0.3"), Decimal("0.5")),
    ("50%–80%", Decimal("0.5"), Decimal("0.8")),
    ("80%–100%", Decimal("0.8"), Decimal(1)),
    ("100% 及以上", Decimal(1), None),
)
DEFINITIONS = (
    ("核定金额", "评估结果表中最新的核定金额；没有核定金额的项目为申请金额。通过项目才计入。"),
    ("已拨付", "截至核算日已拨付的各笔资金之和。"),
    ("已支出", "截至核算日台账中的全部支出。"),
    ("合规支出", "已支出中没有错误、可以报销的部分（超出上限或超出已拨付资金的部分不计）。"),
    ("使用率", "合规支出 ÷ 已拨付。"),
    ("执行率", "合规支出 ÷ 核定金额。"),
    ("可收回", "项目结束后，已拨付中未合规使用的部分（已拨付 − 合规支出，不小于 0）。"),
)


def summary_data(outcome: Outcome, stage: str = "review") -> dict[str, Any]:
    """Everything the summary templates and the xlsx writer show: a view of the outcome (amounts as
    Decimal and as text, nothing recomputed but sums of the outcome's own figures)."""
    config = outcome.config
    program = config.program
    as_of = outcome.as_of
    has_money = bool(outcome.projects)

    by_hood = [_row(name, t) for name, t in outcome.disbursement.neighborhood_totals()]
    by_cat = [_row(name, t) for name, t in outcome.category_totals()]
    total = _row("合计", outcome.disbursement.total())

    spending_rows = [
        {"name": k, "spent": v, "spent_text": fmt_yuan(v)}
        for k, v in outcome.disbursement.spending_by_category()
        if v > 0
    ]

    usage_counts = Counter()
    for item in outcome.by_id():
        if item.money.released > 0:
            rate = item.money.usage_rate
            for label, low, high in USAGE_BUCKETS:
                if rate >= low and (high is None or rate < high):
                    usage_counts[label] += 1
    usage = [{"label": label, "count": usage_counts[label]} for label, _, _ in USAGE_BUCKETS]

    ranking = outcome.ranking(stage)
    ranking_rows = []
    for entry in ranking.entries if ranking else []:
        project = entry.project
        ranking_rows.append(
            {
                "rank": entry.rank,
                "project_id": scrub(entry.project_id),
                "name": scrub(project.name),
                "neighborhood": scrub(project.get("neighborhood") or ""),
                "reviewers": len(entry.totals),
                "score": score_text(entry.score),
                "adjusted_score": score_text(entry.adjusted),
                "adjustments": "；".join(
                    scrub(fmt_adjustment(a.points, a.reason)) for a in entry.adjustments
                ),
                "flags": "、".join(FLAG_NAMES.get(f, f) for f in entry.flags),
            }
        )
    not_approved = [
        {
            "project_id": scrub(item.project_id),
            "name": scrub(item.project.name),
            "neighborhood": scrub(item.project.get("neighborhood") or ""),
            "status": item.status_label,
            "reason": scrub(item.reason),
        }
        for item in outcome.by_id()
        if not item.approved
    ]

    # by rule and severity: counted by the findings' shared Kind (2,000,000 findings: 8 s -> <1 s)
    by_rule: dict[tuple[str, str], dict[str, Any]] = {}
    for kind, (count, projects) in kind_tally(outcome.findings).items():
        row = by_rule.setdefault(
            (kind.rule, kind.severity.value),
            {
                "rule": kind.rule,
                "severity": kind.severity.value,
                "severity_label": kind.severity.label,
                "title": REGISTRY[kind.rule].title if kind.rule in REGISTRY else "",
                "clause": kind.clause,
                "count": 0,
                "projects": set(),
            },
        )
        row["count"] += count
        row["projects"] |= projects
    severity_order = {"error": 0, "warning": 1, "info": 2}
    findings_rows = [
        {**row, "projects": len(row["projects"])}
        for row in sorted(
            by_rule.values(), key=lambda r: (severity_order[r["severity"]], r["rule"])
        )
    ]
    counts = outcome.validation().counts
    passed = outcome.approved()

    def line(
        label: str, text: str, value: Any = None, number_format: str | None = None
    ) -> dict[str, Any]:
        return {"label": label, "text": text, "value": value, "format": number_format}

    def yuan(label: str, value: Decimal) -> dict[str, Any]:
        return line(label, f"{fmt_yuan(value)} 元", value, "#,##0.00")

    headline = [
        line("申报项目", f"{len(outcome.projects)} 个", len(outcome.projects)),
        line("通过项目", f"{len(passed)} 个", len(passed)),
        yuan("申请金额", total["requested"]),
        yuan("核定金额（通过项目）", total["approved"]),
    ]
    if has_money:
        headline += [
            yuan("已拨付", total["released"]),
            yuan("已支出", total["spent"]),
            yuan("合规支出", total["eligible_spent"]),
            line(
                "使用率（合规支出 ÷ 已拨付）",
                fmt_pct(total["usage_rate"]),
                total["usage_rate"],
                "0.00%",
            ),
            line(
                "执行率（合规支出 ÷ 核定金额）",
                fmt_pct(total["execution_rate"]),
                total["execution_rate"],
                "0.00%",
            ),
            yuan("可收回", total["recoverable"]),
        ]
    if ranking is not None and ranking.pool:  # 共和新路 七: how the 资金池 was spent
        headline.append(line("资金池", pool_summary(ranking.pool)))
    headline.append(
        line(
            "问题",
            f"错误 {counts['errors']} 个，警告 {counts['warnings']} 个，提示 {counts['infos']} 个",
        )
    )
    return {
        "title": f"{config.title}汇总报告",
        "office": config.office.strip(),
        "program": {"id": program.id, "name": program.name, "document": program.document},
        "year": config.year or as_of.year,
        "as_of": as_of.isoformat(),
        "date_text": cn_date(as_of),
        "headline": headline,
        "has_money": has_money,
        "by_neighborhood": by_hood,
        "by_category": [{**row, "name": program.category_label(row["name"])} for row in by_cat],
        "total": total,
        "spending": spending_rows,
        "usage": usage,
        "ranked": bool(ranking_rows),
        "ranking": ranking_rows,
        "ranking_round": ranking.method["round"] if ranking is not None else "",
        "findings": findings_rows,
        "counts": counts,
        "not_approved": not_approved,
        "decisions": [
            {
                "project_id": scrub(d.project_id),
                "kind": d.kind,
                "what": scrub(d.what()),
                "reason": scrub(d.reason),
                "by": scrub(d.by),
                "on": d.on.isoformat(),
                "on_text": cn_date(d.on),
                "document": scrub(d.document),
                "in_force": outcome.decision_in_force(d),
                "status": outcome.decision_status(d),
            }
            for d in sorted(outcome.decisions, key=lambda d: d.sort_key())
        ],
        "definitions": [{"term": t, "text": d} for t, d in DEFINITIONS],
        "years": _labelled(_years(outcome, by_hood, by_cat), program.category_label),
    }


def _years(outcome: Outcome, by_hood: list[dict], by_cat: list[dict]) -> dict[str, Any] | None:
    """Last year against this year, per 居民区 and per category (only with `history`): projects,
    approved (number and amount), eligible spent and 执行率 — last year's from its record."""
    history = outcome.ctx.history
    if history is None:
        return None
    record = history.record
    return {
        "last": record.year,
        "this": outcome.config.program_year,
        "source": scrub(record.source),
        "by_neighborhood": _compare(
            record.projects, lambda item: item.neighborhood or NO_NEIGHBORHOOD, by_hood
        ),
        "by_category": _compare(record.projects, lambda item: item.category or NO_CATEGORY, by_cat),
    }


def _labelled(years: dict[str, Any] | None, label) -> dict[str, Any] | None:
    """The comparison with its categories named as the report names them (matched by name
    first: last year's record keeps the names)."""
    if years is None:
        return None
    rows = [{**row, "name": label(row["name"])} for row in years["by_category"]]
    return {**years, "by_category": rows}


def _compare(last: list, name_of, this: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per name: this year's order, then names only last year had (in record order). A
    name is matched as history matches a 居民区 (place_key: full-width folded, spaces and
    punctuation stripped), so `浦兴 一居` this year is last year's `浦兴一居`, shown as this year's."""
    before: dict[str, tuple[str, list]] = {}
    for item in last:
        name = scrub(name_of(item))
        before.setdefault(place_key(name), (name, []))[1].append(item)
    pairs = [(before.pop(place_key(row["name"]), None), row) for row in this]
    pairs += [(group, None) for group in before.values()]
    rows = []
    for old, new in pairs:
        name = new["name"] if new else old[0]
        last_row = _row(name, _record_totals(old[1]) if old else Totals.none())
        rows.append(
            {"name": name, "last": _side(last_row), "this": _side(new or _row(name, Totals.none()))}
        )
    return rows


def _record_totals(items: list) -> Totals:
    """Last year's projects in one row, from its record (which keeps 核定金额 and 合规支出)."""
    approved = [item.approved for item in items if item.approved is not None]
    return replace(
        Totals.none(),
        projects=len(items),
        approved_projects=len(approved),
        approved=sum(approved, ZERO),
        eligible_spent=sum((item.eligible_spent or ZERO for item in items), ZERO),
    )


def _side(row: dict[str, Any]) -> dict[str, Any]:
    """One year's half of a comparison row."""
    keys = ("projects", "passing", "approved", "approved_text", "eligible_spent")
    return {
        **{key: row[key] for key in keys},
        "eligible_spent_text": row["eligible_spent_text"],
        "execution_rate": row["execution_rate"],
        "execution_text": row["execution_text"],
    }


_SUM_KEYS = ("requested", "approved", "released", "spent", "eligible_spent", "recoverable")


def _row(name: str, totals: Totals) -> dict[str, Any]:
    """A table row of the report: the Totals' figures as Decimal and as text (rates to four
    places, rounded half up as in every output)."""
    row: dict[str, Any] = {
        "name": name,
        "projects": totals.projects,
        "passing": totals.approved_projects,
    }
    for key in _SUM_KEYS:
        row[key] = getattr(totals, key)
        row[f"{key}_text"] = fmt_yuan(row[key])
    for key, text in (("usage_rate", "usage_text"), ("execution_rate", "execution_text")):
        rate = getattr(totals, key)
        row[key] = round_rate(rate) if rate is not None else None
        row[text] = fmt_pct(row[key])
    return row


def charts(data: dict[str, Any]) -> dict[str, str]:
    """The inline SVG charts of the HTML summary (empty when there is nothing to draw): three, and
    two more comparing the years when there is history."""
    from markupsafe import Markup

    out: dict[str, str] = {}
    if data["has_money"]:
        rows = data["by_neighborhood"]
        out["released_spent"] = Markup(
            bar_chart(
                "各居民区已拨付与已支出（元）",
                [r["name"] for r in rows],
                [("已拨付", [r["released"] for r in rows]), ("已支出", [r["spent"] for r in rows])],
                fmt_yuan,
            )
        )
        if data["spending"]:
            out["spending"] = Markup(
                bar_chart(
                    "按支出类别的支出（元）",
                    [r["name"] for r in data["spending"]],
                    [("已支出", [r["spent"] for r in data["spending"]])],
                    fmt_yuan,
                )
            )
        out["usage"] = Markup(
            bar_chart(
                "使用率分布（项目数）",
                [r["label"] for r in data["usage"]],
                [("项目数", [Decimal(r["count"]) for r in data["usage"]])],
                lambda v: f"{v} 个",
            )
        )
    years = data.get("years")
    if years:
        for key, what in (("by_neighborhood", "各居民区"), ("by_category", "各类别")):
            rows = years[key]
            out[f"years_{key}"] = Markup(
                bar_chart(
                    f"{what}合规支出：{years['last']} 年与 {years['this']} 年（元）",
                    [r["name"] for r in rows],
                    [
                        (f"{years['last']} 年", [r["last"]["eligible_spent"] for r in rows]),
                        (f"{years['this']} 年", [r["this"]["eligible_spent"] for r in rows]),
                    ],
                    fmt_yuan,
                )
            )
    return out


def render_summary(
    outcome: Outcome,
    out_dir: Path | str,
    fmt: str,
    templates: Path | str | None = None,
    stage: str = "review",
    data: dict[str, Any] | None = None,
    store: CopyStore | None = None,
) -> list[Path]:
    """Write the summary report in one format (html, md or xlsx); returns the written paths.

    data: summary_data(outcome, stage) when the caller writes several formats (built once).
    store: `sgov run`'s store of outputs: a report made before from the same data, date and code
    (the writer, or every template on the search path) is copied from it (report/copy_store.py)."""
    as_of = outcome.as_of
    data = dict(data) if data is not None else summary_data(outcome, stage)
    target = Path(out_dir) / f"{FILE_STEM}.{fmt}"
    if fmt == "xlsx":
        code = _writer_code()

        def write() -> Path:
            return save_workbook(summary_workbook(data), target, as_of)

    else:
        name, folder = f"summary.{fmt}.j2", outcome.config.folder
        # the html's charts are drawn here from the data (charts, report/charts.py)
        charting = writer_digest("summary charts", "report/summary.py", "report/charts.py")
        code = f"{template_code(name, templates, folder)} {charting}"

        def write() -> Path:
            shown = {**data, "charts": charts(data) if fmt == "html" else {}}
            return atomic_write(target, render_template(name, shown, templates, folder))

    return [reuse_output(store, code, as_of, data, target, write)]


def _writer_code() -> str:
    """The code that writes 汇总报告.xlsx from its data."""
    return writer_digest(
        f"summary {openpyxl_stamp()}",
        "report/summary_xlsx.py",
        "report/xlsx_layout.py",
        "report/safe.py",
        "privacy.py",
    )
