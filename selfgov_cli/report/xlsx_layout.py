"""Layout every xlsx output shares: columns as wide as their content, long text wrapped, printable.

``lay_out(wb)`` is called by each writer just before saving. For every sheet it
- sets each column to the width of its widest cell (CJK characters count double), between
  ``MIN_WIDTH`` and ``MAX_WIDTH``; merged cells (titles, notices) do not widen a column;
- wraps every text cell that holds a line break or is wider than its column;
- prints on A4, fitted to the page width, with the header row repeated on every page
  (the row above the frozen panes), landscape when the columns are too wide for portrait.
Settings a writer made itself (an orientation, title rows) are kept.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

MIN_WIDTH = 6
MAX_WIDTH = 60
PADDING = 2
PORTRAIT_WIDTH = 100  # total column width (characters) that still prints well on portrait A4


def text_width(value: Any) -> int:
    """Display width of a value as Excel shows it: the widest line, CJK and full-width doubled."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float, Decimal)):  # as shown with "#,##0.00" (enough for scores too)
        return len(f"{Decimal(str(value)):,.2f}")
    if isinstance(value, (date, datetime)):
        return 10
    return _str_width(str(value))


@lru_cache(maxsize=1 << 16)
def _str_width(text: str) -> int:
    """Display width of a text (memoised: an output repeats its 项目编号, names, categories)."""
    if text.isascii():
        return max((len(line) for line in text.split("\n")), default=0)
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def _filled(ws):
    """The sheet's cells that exist, in no particular order (ws.iter_rows would create every
    empty cell of the used range first: a cost on 100,000-cell sheets, and nothing to lay out)."""
    return list(ws._cells.values())  # noqa: SLF001 - openpyxl's own store of a sheet's cells


def _merged(ws) -> set[tuple[int, int]]:
    cells = set()
    for rng in ws.merged_cells.ranges:
        for row in range(rng.min_row, rng.max_row + 1):
            for col in range(rng.min_col, rng.max_col + 1):
                cells.add((row, col))
    return cells


def fit_columns(ws) -> dict[int, float]:
    """Column widths from content, capped; returns {column index: width}."""
    from openpyxl.utils import get_column_letter

    merged = _merged(ws)
    widest: dict[int, int] = {}
    for cell in _filled(ws):
        value = cell._value  # noqa: SLF001 - the stored value, without the property's overhead
        if value is None or (merged and (cell.row, cell.column) in merged):
            continue
        width = text_width(value)
        if width > widest.get(cell.column, -1):
            widest[cell.column] = width
    widths = {}
    for col, width in widest.items():
        widths[col] = float(min(MAX_WIDTH, max(MIN_WIDTH, width + PADDING)))
        ws.column_dimensions[get_column_letter(col)].width = widths[col]
    return widths


def wrap_long_text(ws, widths: dict[int, float]) -> None:
    """Wrap text cells with a line break or wider than their column (keeping their alignment)."""
    from copy import copy

    for cell in _filled(ws):
        value = cell._value  # noqa: SLF001 - see fit_columns
        if value is None or isinstance(value, (int, float, Decimal, date, datetime)):
            continue
        text = str(value)
        room = widths.get(cell.column, MAX_WIDTH) - PADDING
        if "\n" in text or _str_width(text) > room:
            alignment = copy(cell.alignment)
            alignment.wrap_text = True
            if alignment.vertical is None:
                alignment.vertical = "top"
            cell.alignment = alignment


def _header_row(ws) -> int | None:
    """The header row: the one just above the frozen panes, if the sheet freezes rows."""
    from openpyxl.utils.cell import coordinate_from_string

    if not ws.freeze_panes:
        return None
    _, row = coordinate_from_string(ws.freeze_panes)
    return row - 1 if row > 1 else None


def print_setup(ws, total_width: float) -> None:
    """A4, fit to one page wide, header row repeated, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if ws.page_setup.orientation is None:
        ws.page_setup.orientation = "landscape" if total_width > PORTRAIT_WIDTH else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    header = _header_row(ws)
    if header and not ws.print_title_rows:
        ws.print_title_rows = f"{header}:{header}"
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def lay_out(wb) -> Any:
    """Fit, wrap and set up printing on every sheet of an openpyxl workbook; returns it."""
    for ws in wb.worksheets:
        widths = fit_columns(ws)
        wrap_long_text(ws, widths)
        print_setup(ws, sum(widths.values()))
    return wb
