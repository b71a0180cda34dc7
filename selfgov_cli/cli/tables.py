"""Terminal tables that never cut an id, an amount, a rate or a date, at any width of 80 or more.

A column is either *fixed* (ids, amounts, rates, dates, scores, short codes: shown whole on one
line, never wrapped or cut) or *text* (names, places, reasons: wrapped to the width left over).
When the columns cannot all fit the terminal, the table is printed in parts, each repeating the
key columns (项目编号) so every row can still be read across.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

_EDGE = 1  # the table's left border
_PER_COLUMN = 3  # one space of padding each side and one border


@dataclass(frozen=True)
class Col:
    """One column: ``text`` columns wrap (down to ``min_width`` cells); the others never do."""

    name: str
    justify: str = "left"
    text: bool = False
    min_width: int = 10


def _width(cell: str) -> int:
    """The widest line of a cell as shown (markup removed, CJK counted double)."""
    from rich.cells import cell_len
    from rich.text import Text

    plain = Text.from_markup(cell).plain if "[" in cell else cell
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def _need(col: Col, widest: int) -> int:
    return min(col.min_width, widest) if col.text else widest


def parts(columns: list[Col], rows: list[list[str]], width: int, keep: int = 1) -> list[list[int]]:
    """Column indexes of each part: the first ``keep`` columns in every part, the rest in order."""
    widest = [max([_width(c.name), *(_width(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    cost = [_need(c, w) + _PER_COLUMN for c, w in zip(columns, widest, strict=True)]
    head = list(range(min(keep, len(columns))))
    base = _EDGE + sum(cost[i] for i in head)
    groups: list[list[int]] = []
    current: list[int] = []
    used = base
    for i in range(len(head), len(columns)):
        if current and used + cost[i] > width:
            groups.append(head + current)
            current, used = [], base
        current.append(i)
        used += cost[i]
    if current or not groups:
        groups.append(head + current)
    return groups


def print_table(
    out: Console,
    title: str,
    columns: list[Col],
    rows: list[list[str]],
    keep: int = 1,
    show_lines: bool = False,
) -> None:
    """Print rows (rich markup, already escaped) under columns, split into parts if too wide."""
    from rich import box
    from rich.table import Table

    groups = parts(columns, rows, out.width, keep)
    for n, group in enumerate(groups):
        name = title if n == 0 else f"{title}（续 {n + 1}/{len(groups)}）"
        if len(groups) > 1 and n == 0:
            name = f"{title}（分 {len(groups)} 段显示，每段重复左侧的编号列）"
        table = Table(
            title=name,
            title_justify="left",
            show_lines=show_lines,
            box=box.HEAVY_HEAD,
            expand=False,
        )
        for i in group:
            col = columns[i]
            if col.text:
                table.add_column(col.name, justify=col.justify, overflow="fold")
            else:
                table.add_column(col.name, justify=col.justify, no_wrap=True, overflow="ignore")
        for row in rows:
            table.add_row(*(row[i] for i in group))
        out.print(table)


def grid_text(title: str, headers: list[str], rows: list[list[str]], width: int) -> str:
    """A plain-text table (no markup) in the look of rich's default table, drawn directly: rich
    takes about 3 ms a row to measure and wrap cells, which made `sgov rules` (64 rows) wait
    0.2 s. Cells are shown whole; when the table is wider than ``width`` the widest columns are
    narrowed (down to 10 cells) and their cells folded onto more lines."""
    from rich.cells import cell_len, chop_cells

    widths = [max([cell_len(h), *(cell_len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    while _EDGE + sum(w + _PER_COLUMN for w in widths) > width:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= 10:
            break
        widths[widest] -= 1

    def lines(cells: list[str], left: str, mid: str, right: str) -> list[str]:
        folded = [chop_cells(c, w) or [""] for c, w in zip(cells, widths, strict=True)]
        out = []
        for n in range(max(len(f) for f in folded)):
            parts_ = [
                (f[n] if n < len(f) else "") + " " * (w - cell_len(f[n] if n < len(f) else ""))
                for f, w in zip(folded, widths, strict=True)
            ]
            out.append(f"{left} " + f" {mid} ".join(parts_) + f" {right}")
        return out

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (w + 2) for w in widths) + right

    out = [title, rule("┏", "━", "┳", "┓"), *lines(headers, "┃", "┃", "┃")]
    out.append(rule("┡", "━", "╇", "┩"))
    for row in rows:
        out.extend(lines(row, "│", "│", "│"))
    out.append(rule("└", "─", "┴", "┘"))
    return "\n".join(out)
