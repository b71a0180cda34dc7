"""From a program folder to a Dataset: find the files, read each once, assemble in path order."""

from __future__ import annotations

import os
from pathlib import Path

from selfgov_cli.io.forms import parse_form
from selfgov_cli.io.grid import Grid
from selfgov_cli.io.schema import SHEET_KINDS, expense_code, sheet_kind
from selfgov_cli.io.tables import Table, open_table, read_number, rows
from selfgov_cli.io.values import clean_text, normalize_label
from selfgov_cli.io.workbook import SPREADSHEET_SUFFIXES, RawBook, Unreadable, open_book
from selfgov_cli.model import (
    BudgetLine,
    Dataset,
    Evaluation,
    Expense,
    FileResult,
    Issue,
    Location,
    Member,
    Project,
    Score,
)

OUTPUT_DIR = "sgov-output"
_PASS = {"合格", "通过", "是", "优秀", "良好"}
_FAIL = {"不合格", "未通过", "不通过", "否"}


def discover(root: Path) -> list[str]:
    """Spreadsheet files under root (relative POSIX paths, sorted); no lock, hidden or output files."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=lambda e: None):
        try:
            stat = os.stat(dirpath)
            key = (stat.st_dev, stat.st_ino)
        except OSError:
            dirnames[:] = []
            continue
        if key in seen:  # a symlink loop or a second way into the same folder
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith((".", "~$")) and d != OUTPUT_DIR and d != "__pycache__"
        )
        for name in filenames:
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in SPREADSHEET_SUFFIXES:
                found.append(Path(dirpath, name).relative_to(root).as_posix())
    return sorted(found)


def load_folder(root: Path, workers: int | None = None) -> Dataset:
    """Read every spreadsheet of the folder once and assemble the dataset."""
    paths = discover(root)
    results = [parse_file(root, rel) for rel in paths]
    return Dataset.assemble(str(root), results)


def parse_file(root: Path, rel: str) -> FileResult:
    """One file to a FileResult. Never raises: an unreadable file is an SG001 issue."""
    try:
        book = open_book(root / rel)
    except Unreadable as exc:
        return FileResult(rel, issues=(Issue("SG001", f"无法读取：{exc}", Location(rel)),))
    except Exception as exc:  # anything unforeseen in a hostile file is still only a finding
        message = f"无法读取：文件无法解析（{type(exc).__name__}）；请用 Excel 或 WPS 打开后重新保存"
        return FileResult(rel, issues=(Issue("SG001", message, Location(rel)),))
    try:
        return _parse_book(book, rel)
    except Exception as exc:  # pragma: no cover - a last guard; the parsers themselves do not raise
        message = f"无法读取：文件内容无法解析（{type(exc).__name__}）；请检查文件后重新提交"
        return FileResult(rel, issues=(Issue("SG001", message, Location(rel)),))


def _parse_book(book: RawBook, rel: str) -> FileResult:
    is_csv = rel.lower().endswith(".csv")
    kinds = []
    for sheet in book.sheets:
        kind = sheet_kind(sheet.name)
        if kind and not (is_csv and kind.kind == "application"):
            kinds.append((sheet, kind))
    if not kinds:
        message = "工作簿中没有可识别的工作表（如 申报表、预算明细、经费台账），已跳过；如有需要请按模板重命名工作表"
        if is_csv:
            message = "CSV 文件名不是可识别的表名（如 经费台账.csv、评审打分.csv），已跳过"
        return FileResult(rel, issues=(Issue("SG008", message, Location(rel)),))

    projects: list[Project] = []
    issues: list[Issue] = []
    out: dict[str, list] = {"budget": [], "members": [], "ledger": [], "scores": [], "evaluations": []}
    forms = [(s, k) for s, k in kinds if k.kind == "application"]
    for sheet, _ in forms:
        project, found = parse_form(Grid(book, sheet, rel))
        projects.append(project)
        issues.extend(found)
    form_id = projects[0].project_id if len(forms) == 1 else None
    keyed = len(forms) != 1
    for sheet, kind in kinds:
        if kind.kind == "application":
            continue
        grid = Grid(book, sheet, rel)
        if kind.kind == "projects":
            table = open_table(grid, kind, False)
            projects.extend(_projects(table))
        elif kind.kind in ("budget", "members"):
            table = open_table(grid, kind, keyed)
            builder = _budget if kind.kind == "budget" else _members
            out[kind.kind].extend(builder(table, form_id))
        else:
            table = open_table(grid, kind, False)
            builder = {"ledger": _ledger, "scores": _scores, "evaluations": _evaluations}[kind.kind]
            out[kind.kind].extend(builder(table))
        issues.extend(table.issues)
    return FileResult(
        rel,
        kinds=tuple(sorted({k.kind for _, k in kinds})),
        projects=tuple(projects),
        budget=tuple(out["budget"]),
        members=tuple(out["members"]),
        ledger=tuple(out["ledger"]),
        scores=tuple(out["scores"]),
        evaluations=tuple(out["evaluations"]),
        issues=tuple(issues),
    )


def _row_loc(table: Table, index: int) -> Location:
    return table.grid.loc(index)


def _projects(table: Table) -> list[Project]:
    found = []
    for row in rows(table, stop_at_blank=False):
        loc = _row_loc(table, row.index).at(row.cells.get("project_id"))
        present = frozenset(table.columns)
        found.append(Project(loc=loc, cells=row.cells, bad=row.bad, values=row.values, present=present))
    return found


def _budget(table: Table, form_id: str | None) -> list[BudgetLine]:
    lines = []
    for row in rows(table, stop_at_blank=True):
        v = row.values
        text = v.get("category") or ""
        lines.append(
            BudgetLine(
                loc=_row_loc(table, row.index),
                cells=row.cells,
                bad=row.bad,
                project_id=v.get("project_id") or form_id,
                category=expense_code(text),
                category_text=text,
                item=v.get("item") or "",
                unit_price=v.get("unit_price"),
                quantity=v.get("quantity"),
                amount=v.get("amount"),
                note=v.get("note") or "",
            )
        )
    return lines


def _members(table: Table, form_id: str | None) -> list[Member]:
    found = []
    for row in rows(table, stop_at_blank=False):
        v = row.values
        found.append(
            Member(
                loc=_row_loc(table, row.index),
                cells=row.cells,
                bad=row.bad,
                project_id=v.get("project_id") or form_id,
                name=v.get("name") or "",
                role=normalize_label(v.get("role") or ""),
                is_resident=v.get("is_resident"),
                is_social_worker=v.get("is_social_worker"),
            )
        )
    return found


def _ledger(table: Table) -> list[Expense]:
    found = []
    columns = frozenset(table.columns)
    for row in rows(table, stop_at_blank=False):
        v = row.values
        text = v.get("category") or ""
        found.append(
            Expense(
                loc=_row_loc(table, row.index),
                cells=row.cells,
                bad=row.bad,
                date=v.get("date"),
                project_id=v.get("project_id"),
                category=expense_code(text),
                category_text=text,
                description=v.get("description") or "",
                amount=v.get("amount"),
                invoice_no=v.get("invoice_no") or "",
                payee=v.get("payee") or "",
                payee_role=v.get("payee_role") or "",
                leader_signed=v.get("leader_signed"),
                remark=v.get("remark") or "",
                columns=columns,
            )
        )
    return found


def _criteria(table: Table, data_rows: list) -> list[str]:
    """Unknown columns whose filled values are mostly numbers are criteria."""
    from selfgov_cli.io.values import parse_decimal

    names = []
    for name in table.extra:
        filled = [r.extra[name] for r in data_rows if clean_text(r.extra.get(name))]
        numeric = sum(1 for raw in filled if parse_decimal(raw)[1] is None)
        if filled and numeric * 2 > len(filled):
            names.append(name)
    return names


def _scores(table: Table) -> list[Score]:
    data_rows = list(rows(table, stop_at_blank=False))
    criteria = _criteria(table, data_rows)
    if table.header_row >= 0 and "total" not in table.columns and not criteria:
        table.issues.append(
            Issue("SG002", "评审打分表既没有“总分”列，也没有评分项列：请加上总分或各评分项", table.grid.loc(table.header_row))
        )
    found = []
    for row in data_rows:
        v = row.values
        pid = v.get("project_id")
        scored = tuple((name, read_number(table, row, name, pid)) for name in criteria)
        cells = dict(row.cells)
        cells.update({name: row.extra_cells[name] for name in criteria})
        found.append(
            Score(
                loc=_row_loc(table, row.index),
                cells=cells,
                bad=row.bad,
                project_id=pid,
                reviewer=v.get("reviewer") or "",
                group=v.get("group") or "",
                total=v.get("total"),
                criteria=scored,
            )
        )
    return found


def _verdict(table: Table, row, key: str, label: str) -> str:
    raw = row.values.get(key) or ""
    text = normalize_label(raw)
    if not text:
        return ""
    if text in _PASS:
        return "合格"
    if text in _FAIL:
        return "不合格"
    table.issues.append(
        Issue(
            "SG003",
            f"{label}应填“合格”或“不合格”（未评估则留空），现为“{raw}”",
            table.grid.loc(row.index).at(row.cells.get(key)),
            row.values.get("project_id"),
        )
    )
    return ""


def _evaluations(table: Table) -> list[Evaluation]:
    found = []
    for row in rows(table, stop_at_blank=False):
        v = row.values
        found.append(
            Evaluation(
                loc=_row_loc(table, row.index),
                cells=row.cells,
                bad=row.bad,
                project_id=v.get("project_id"),
                midterm=_verdict(table, row, "midterm", "中期评估"),
                midterm_date=v.get("midterm_date"),
                final=_verdict(table, row, "final", "末期评估"),
                approved_amount=v.get("approved_amount"),
                approved_on=v.get("approved_on"),
                satisfaction=v.get("satisfaction"),
            )
        )
    return found


__all__ = ["discover", "load_folder", "parse_file", "SHEET_KINDS"]
