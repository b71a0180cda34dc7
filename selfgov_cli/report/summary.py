"""The summary report (汇总报告) for the 街道 leadership: totals, tables, charts, ranking, findings.

An internal report: no leaders' names, no phone or identity numbers (text from cells is scrubbed).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.money import ZERO, fmt_yuan
from selfgov_cli.report.common import (
    FLAG_LABELS,
    approved_amounts,
    cn_date,
    natural_key,
    passing,
    score_text,
    to_decimal,
    year_of,
)
from selfgov_cli.report.safe import atomic_write, scrub

FILE_STEM = "汇总报告"
NO_NEIGHBORHOOD = "（未填居民区）"
NO_CATEGORY = "（未填类别）"
USAGE_BUCKETS = (
    ("低于 30%", Decimal(0), Decimal("0.3")),
    ("30%–50%", Decimal("0.3"), Decimal("0.5")),
    ("50%–80%", Decimal("0.5"), Decimal("0.8")),
    ("80%–100%", Decimal("0.8"), Decimal(1)),
    ("100% 及以上", Decimal(1), None),
)


def pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def _d(text: Any) -> Decimal:
    return to_decimal(text) or ZERO


def summary_data(
    validation, ranking: dict | None, disbursement: dict | None, as_of: date
) -> dict[str, Any]:
    """Everything the summary templates and the xlsx writer show (amounts as Decimal and as text)."""
    from selfgov_cli.rules.engine import REGISTRY, summarize

    config = validation.config
    program = config.program
    projects = validation.data.project_map()
    approved = approved_amounts(validation)
    passed = {pid for pid, _, _ in passing(validation, ranking)}
    money = {p["project_id"]: p for p in (disbursement or {}).get("projects", [])}
    has_money = bool(money)

    hoods: dict[str, dict[str, Any]] = {}
    cats: dict[str, dict[str, Any]] = {}
    for pid in sorted(projects, key=natural_key):
        project = projects[pid]
        requested = project.requested or ZERO
        amount = approved.get(pid, requested)
        item = money.get(pid, {})
        for table, key in (
            (hoods, project.get("neighborhood") or NO_NEIGHBORHOOD),
            (cats, project.get("category") or NO_CATEGORY),
        ):
            row = table.setdefault(scrub(key), _blank_row(scrub(key)))
            row["projects"] += 1
            row["requested"] += requested
            if pid in passed:
                row["passing"] += 1
                row["approved"] += _d(item.get("approved")) if item else amount
            row["released"] += _d(item.get("released"))
            row["spent"] += _d(item.get("spent"))
            row["eligible_spent"] += _d(item.get("eligible_spent"))
            row["recoverable"] += _d(item.get("recoverable"))
    # 居民区 in sgov.toml order, then as first met by 项目编号; categories in the program's order.
    hood_order = {name: i for i, name in enumerate(config.neighborhoods)}
    by_hood = [
        _finish(hoods[k]) for k in sorted(hoods, key=lambda k: hood_order.get(k, len(hood_order)))
    ]
    cat_order = {name: i for i, name in enumerate(program.categories)}
    by_cat = [
        _finish(cats[k]) for k in sorted(cats, key=lambda k: cat_order.get(k, len(cat_order)))
    ]
    total = _finish(_sum_rows(by_hood, "合计"))

    spending: dict[str, Decimal] = {}
    for item in money.values():
        for line in item.get("by_category") or []:
            spending[line["name"]] = spending.get(line["name"], ZERO) + _d(line.get("spent"))
    spending_rows = [
        {"name": k, "spent": v, "spent_text": fmt_yuan(v)} for k, v in spending.items() if v > 0
    ]

    usage_counts = Counter()
    for item in money.values():
        if _d(item.get("released")) > 0:
            rate = _d(item.get("usage_rate"))
            for label, low, high in USAGE_BUCKETS:
                if rate >= low and (high is None or rate < high):
                    usage_counts[label] += 1
    usage = [{"label": label, "count": usage_counts[label]} for label, _, _ in USAGE_BUCKETS]

    ranking_rows = []
    for entry in (ranking or {}).get("ranking") or []:
        project = projects.get(entry["project_id"])
        ranking_rows.append(
            {
                "rank": entry.get("rank"),
                "project_id": scrub(entry["project_id"]),
                "name": scrub(project.name if project else entry.get("name") or ""),
                "neighborhood": scrub(
                    project.get("neighborhood") if project else entry.get("neighborhood") or ""
                ),
                "reviewers": entry.get("reviewers"),
                "score": score_text(entry.get("score")),
                "adjusted_score": score_text(entry.get("adjusted_score")),
                "adjustments": "；".join(
                    scrub(f"{a.get('points')} {a.get('reason', '')}".strip())
                    for a in entry.get("adjustments") or []
                ),
                "flags": "、".join(FLAG_LABELS.get(f, f) for f in entry.get("flags") or []),
            }
        )

    by_rule: dict[str, dict[str, Any]] = {}
    for finding in validation.findings:
        row = by_rule.setdefault(
            finding.rule,
            {
                "rule": finding.rule,
                "severity": finding.severity.value,
                "severity_label": finding.severity.label,
                "title": REGISTRY[finding.rule].title if finding.rule in REGISTRY else "",
                "clause": finding.clause,
                "count": 0,
                "projects": set(),
            },
        )
        row["count"] += 1
        if finding.project_id:
            row["projects"].add(finding.project_id)
    severity_order = {"error": 0, "warning": 1, "info": 2}
    findings_rows = [
        {**row, "projects": len(row["projects"])}
        for row in sorted(
            by_rule.values(), key=lambda r: (severity_order[r["severity"]], r["rule"])
        )
    ]
    counts = summarize(validation.findings)

    year = year_of(validation)
    year_text = "" if str(year) in program.name else f"{year}年"

    def line(
        label: str, text: str, value: Any = None, number_format: str | None = None
    ) -> dict[str, Any]:
        return {"label": label, "text": text, "value": value, "format": number_format}

    def yuan(label: str, value: Decimal) -> dict[str, Any]:
        return line(label, f"{fmt_yuan(value)} 元", value, "#,##0.00")

    headline = [
        line("申报项目", f"{len(projects)} 个", len(projects)),
        line("通过项目", f"{len(passed)} 个", len(passed)),
        yuan("申请金额", total["requested"]),
        yuan("核定金额（通过项目）", total["approved"]),
    ]
    if has_money:
        headline += [
            yuan("已拨付", total["released"]),
            yuan("已支出", total["spent"]),
            line("执行率", pct(total["usage_rate"]), total["usage_rate"], "0.0%"),
            yuan("可收回", total["recoverable"]),
        ]
    headline.append(
        line(
            "问题",
            f"错误 {counts['errors']} 个，警告 {counts['warnings']} 个，提示 {counts['infos']} 个",
        )
    )
    return {
        "title": f"{year_text}{program.name}汇总报告",
        "office": config.office.strip(),
        "program": {"id": program.id, "name": program.name, "document": program.document},
        "year": year,
        "as_of": as_of.isoformat(),
        "date_text": cn_date(as_of),
        "headline": headline,
        "has_money": has_money,
        "by_neighborhood": by_hood,
        "by_category": by_cat,
        "total": total,
        "spending": spending_rows,
        "usage": usage,
        "ranked": bool(ranking_rows),
        "ranking": ranking_rows,
        "findings": findings_rows,
        "counts": counts,
    }


_SUM_KEYS = ("requested", "approved", "released", "spent", "eligible_spent", "recoverable")


def _blank_row(name: str) -> dict[str, Any]:
    return {"name": name, "projects": 0, "passing": 0, **{k: ZERO for k in _SUM_KEYS}}


def _sum_rows(rows: list[dict[str, Any]], name: str) -> dict[str, Any]:
    out = _blank_row(name)
    for row in rows:
        for key in ("projects", "passing", *_SUM_KEYS):
            out[key] += row[key]
    return out


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    rate = row["eligible_spent"] / row["released"] if row["released"] else None
    row["usage_rate"] = rate.quantize(Decimal("0.0001")) if rate is not None else None
    row["usage_text"] = pct(row["usage_rate"])
    for key in _SUM_KEYS:
        row[f"{key}_text"] = fmt_yuan(row[key])
    return row


def charts(data: dict[str, Any]) -> dict[str, str]:
    """The three inline SVG charts of the HTML summary (empty when there is nothing to draw)."""
    from markupsafe import Markup

    from selfgov_cli.report.charts import bar_chart

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
                "执行率分布（项目数）",
                [r["label"] for r in data["usage"]],
                [("项目数", [Decimal(r["count"]) for r in data["usage"]])],
                lambda v: f"{v} 个",
            )
        )
    return out


def render_summary(
    validation,
    ranking: dict | None,
    disbursement: dict | None,
    out_dir: Path | str,
    fmt: str,
    as_of: date,
    templates: Path | str | None = None,
) -> list[Path]:
    """Write the summary report in one format (html, md or xlsx); returns the written paths."""
    data = summary_data(validation, ranking, disbursement, as_of)
    target = Path(out_dir) / f"{FILE_STEM}.{fmt}"
    if fmt == "xlsx":
        from selfgov_cli.report.safe import save_workbook
        from selfgov_cli.report.summary_xlsx import summary_workbook

        return [save_workbook(summary_workbook(data), target, as_of)]
    from selfgov_cli.report.env import render_template

    data["charts"] = charts(data) if fmt == "html" else {}
    text = render_template(f"summary.{fmt}.j2", data, templates, validation.config.folder)
    return [atomic_write(target, text)]
