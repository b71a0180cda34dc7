"""Inline SVG bar charts for the HTML reports: no script, no external assets, escaped text.

Horizontal bars (one row per label, one bar per series) read well with long Chinese labels
and print cleanly in black and white thanks to the value printed at the end of every bar.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759")
WIDTH = 640
LABEL_W = 150
VALUE_W = 90
BAR_H = 14
GAP = 10


def _num(value: float) -> str:
    return f"{value:.1f}"


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[Decimal]]], fmt=str
) -> str:
    """An SVG document fragment: ``series`` is [(name, values per label)], ``fmt`` formats a value."""
    rows = max(len(labels), 1)
    legend_h = 22 if len(series) > 1 else 0
    group_h = BAR_H * len(series) + GAP
    height = legend_h + rows * group_h + GAP
    plot_w = WIDTH - LABEL_W - VALUE_W
    top = max((v for _, values in series for v in values), default=Decimal(0))
    scale = float(plot_w) / float(top) if top > 0 else 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    if legend_h:
        x = LABEL_W
        for i, (name, _) in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[i % len(COLORS)]}"/>'
            )
            parts.append(f'<text x="{x + 16}" y="14">{escape(name)}</text>')
            x += 16 + 14 * len(name) + 20
    if not labels:
        parts.append(f'<text x="{LABEL_W}" y="{legend_h + 16}">（无数据）</text>')
    for row, label in enumerate(labels):
        y0 = legend_h + row * group_h + GAP // 2
        mid = y0 + BAR_H * len(series) / 2 + 4
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{_num(mid)}" text-anchor="end">{escape(_clip(label))}</text>'
        )
        for i, (_, values) in enumerate(series):
            value = values[row]
            y = y0 + i * BAR_H
            w = max(float(value) * scale, 0.0)
            color = COLORS[i % len(COLORS)]
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{_num(w)}" height="{BAR_H - 2}" fill="{color}"/>'
            )
            parts.append(
                f'<text x="{_num(LABEL_W + w + 4)}" y="{y + BAR_H - 4}">{escape(fmt(value))}</text>'
            )
    parts.append(
        f'<line x1="{LABEL_W}" y1="{legend_h}" x2="{LABEL_W}" y2="{height - GAP // 2}" stroke="#000" stroke-width="0.5"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _clip(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
