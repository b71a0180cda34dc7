"""Goldens: every report kind and format over every sample folder, compared whole.

Regenerate after a reviewed change with SGOV_UPDATE_GOLDENS=1 (files in golden/samples/).
xlsx files are compared by their cell values, number formats, fills and comments (tests/report/goldens.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from selfgov_cli.report import render
from selfgov_cli.validate import validate
from tests.report.goldens import check_golden, xlsx_dump

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"
AS_OF = {
    "puxing-2023": date(2023, 12, 31),
    "xinjing-2021": date(2021, 12, 31),
    "chengdu-2023": date(2023, 12, 31),
    "gonghexinlu-2023": date(2023, 12, 31),
}
CASES = [(s, k, f) for s in AS_OF for k in ("publicity", "summary") for f in ("html", "md", "xlsx")]
CASES += [(s, "annotated", "xlsx") for s in AS_OF]


def annotated_dump(out: Path) -> str:
    """Each copy: its 问题清单 rows and every filled or commented cell with fill colour and comment."""
    import openpyxl

    lines = []
    for path in sorted(out.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        lines.append(f"# {path.relative_to(out).as_posix()} sheets={wb.sheetnames}")
        for row in wb.worksheets[0].iter_rows(values_only=True):
            lines.append(" | ".join("" if v is None else str(v) for v in row))
        for ws in wb.worksheets[1:]:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.comment is not None or cell.fill.fill_type == "solid":
                        note = cell.comment.text.replace("\n", " / ") if cell.comment else ""
                        lines.append(f"{ws.title}!{cell.coordinate} {cell.fill.fgColor.rgb} {note}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("sample", "kind", "fmt"), CASES)
def test_sample_reports(sample, kind, fmt, tmp_path):
    folder = SAMPLES / sample
    if not folder.is_dir():
        pytest.skip(f"sample folder {sample} not built (make samples)")
    result = validate(folder, as_of=AS_OF[sample])
    written = render(kind, result, tmp_path, fmt)
    assert written
    name = f"samples/{sample}.{kind}.{fmt}"
    if kind == "annotated":
        check_golden(name + ".txt", annotated_dump(tmp_path / "annotated"))
    elif fmt == "xlsx":
        (path,) = written
        check_golden(name + ".txt", xlsx_dump(path))
    else:
        (path,) = written
        check_golden(name, path.read_text(encoding="utf-8"))
