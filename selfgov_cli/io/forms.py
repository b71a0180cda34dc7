"""The 申报表 form: labels anywhere, each value to the right of its label (or below it)."""

from __future__ import annotations

from dataclasses import replace

from selfgov_cli.io.grid import Grid, Reader
from selfgov_cli.io.schema import APPLICATION, APPLICATION_LABELS, Column
from selfgov_cli.io.values import clean_text, is_empty, normalize_label
from selfgov_cli.model import Issue, Project
from selfgov_cli.money import fmt_yuan

# An amount may be given twice: in figures (申请金额, 申请金额（小写）) and in words (申请金额（大写）).
_FIGURES: dict[str, Column] = {}
_WORDS: dict[str, Column] = {}
for _column in APPLICATION:
    if _column.kind == "amount":
        for _mark in ("(小写)", "小写"):
            _FIGURES[normalize_label(_column.label + _mark)] = _column
        for _mark in ("(大写)", "大写"):
            _WORDS[normalize_label(_column.label + _mark)] = replace(
                _column, label=f"{_column.label}（大写）"
            )
_FORM_LABELS = {**APPLICATION_LABELS, **_FIGURES}


Places = dict[str, tuple[Column, int, int]]


def _find_labels(grid: Grid) -> tuple[Places, Places]:
    """First place of each known label, in figures and in words: key -> (column, row, col).
    One pass over the sheet for both."""
    figures: Places = {}
    words: Places = {}
    for r, line in enumerate(grid.rows):
        for c, raw in enumerate(line):
            if not isinstance(raw, str) or not raw or len(raw) > 40:
                continue
            text = normalize_label(raw)
            column = _FORM_LABELS.get(text)
            if column and column.key not in figures and grid.anchor(r, c) == (r, c):
                figures[column.key] = (column, r, c)
            column = _WORDS.get(text)
            if column and column.key not in words and grid.anchor(r, c) == (r, c):
                words[column.key] = (column, r, c)
    return figures, words


def _is_label(raw: object) -> bool:
    if not isinstance(raw, str):
        return False
    text = normalize_label(raw)
    return text in _FORM_LABELS or text in _WORDS


def _value_cell(grid: Grid, row: int, col: int) -> tuple[int, int] | None:
    """The cell holding a label's value, or None when the value is missing."""
    r1, c1, r2, c2 = grid.span(row, col)
    line = grid.rows[r1] if r1 < len(grid.rows) else []
    c = c2 + 1
    while c < len(line):
        ar, ac = grid.anchor(r1, c)
        raw = grid.sheet.value(ar, ac)
        if not is_empty(raw):
            return None if _is_label(raw) else (ar, ac)
        if grid.blank_formula(ar, ac):
            return ar, ac
        c += 1
    below = r2 + 1
    raw = grid.get(below, c1)
    if is_empty(raw) or _is_label(raw):
        # an empty value: point at the cell right of the label, where it belongs
        right = c2 + 1
        if grid.blank_formula(*grid.anchor(r1, right)):
            return grid.anchor(r1, right)
        return None
    return grid.anchor(below, c1)


def parse_form(grid: Grid) -> tuple[Project, list]:
    """One 申报表 sheet -> one Project plus reading issues."""
    reader = Reader(grid)
    labels, in_words = _find_labels(grid)
    values: dict[str, object] = {}
    cells: dict[str, str] = {}
    bad: set[str] = set()
    # the project id first, so every later issue can name the project
    order = sorted(labels.values(), key=lambda item: item[0].key != "project_id")
    project_id = None
    for column, r, c in order:
        target = _value_cell(grid, r, c)
        if target is None:
            cells[column.key] = grid.loc(r, grid.span(r, c)[3] + 1).cell
            continue
        value, is_bad = reader.read(column, target[0], target[1], project_id)
        cells[column.key] = grid.loc(*target).cell
        if is_bad:
            bad.add(column.key)
        elif value is not None:
            values[column.key] = value
        if column.key == "project_id":
            project_id = values.get("project_id")
    for key, (column, r, c) in in_words.items():
        target = _value_cell(grid, r, c)
        if target is None:
            continue
        words, is_bad = reader.read(column, target[0], target[1], project_id)
        if is_bad or words is None or key in bad:
            continue
        figures = values.get(key)
        if figures is None:  # given in words only: the words are the amount
            values[key] = words
            cells[key] = grid.loc(*target).cell
        elif figures != words:
            where = grid.loc(*target)
            raw = clean_text(grid.get(*target))
            reader.issues.append(
                Issue(
                    "SG023",
                    f"{column.label}“{raw}”是 {fmt_yuan(words)} 元，与小写金额 {fmt_yuan(figures)} 元"
                    f"（{cells[key]}）不一致：请核对后把两处改成同一个数",
                    where,
                    project_id,
                )
            )
    for issue_index, issue in enumerate(reader.issues):
        if issue.project_id is None and project_id:
            reader.issues[issue_index] = type(issue)(
                issue.rule, issue.message, issue.loc, project_id
            )
    loc = grid.loc(0).at(cells.get("project_id"), None)
    project = Project(
        loc=loc,
        cells=cells,
        bad=frozenset(bad),
        values=values,
        present=frozenset(labels),
    )
    return project, reader.issues
