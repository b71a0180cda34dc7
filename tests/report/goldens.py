"""Golden files: compare a whole output with tests/report/golden/NAME; SGOV_UPDATE_GOLDENS=1 rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SGOV_UPDATE_GOLDENS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), (
        f"golden file {name} missing: run with SGOV_UPDATE_GOLDENS=1 once and review it"
    )
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden/{name}"


def xlsx_dump(path: Path) -> str:
    """Every sheet's cell values (with number formats for numbers), merged ranges and print titles."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    lines = []
    for ws in wb.worksheets:
        lines.append(
            f"## {ws.title} merged={sorted(str(r) for r in ws.merged_cells.ranges)} titles={ws.print_title_rows}"
        )
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                fmt = f" [{cell.number_format}]" if cell.data_type == "n" else ""
                lines.append(f"{cell.coordinate} {cell.data_type} {cell.value!r}{fmt}")
    return "\n".join(lines) + "\n"
