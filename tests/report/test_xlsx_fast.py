"""拨付核算.xlsx written as XML directly reads back exactly as the openpyxl workbook it replaced."""

from __future__ import annotations

import copy
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.report.disburse_xlsx import disbursement_workbook, write_disbursement
from selfgov_cli.report.safe import save_workbook
from selfgov_cli.validate import validate

SAMPLE = Path(__file__).resolve().parents[2] / "sample_workbooks" / "puxing-2023"
AS_OF = date(2023, 12, 31)


def _snapshot(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    sheets = {}
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (
                c.value,
                c.data_type,
                c.number_format,
                bool(c.font.b),
                bool(c.alignment.wrap_text),
                c.alignment.vertical,
                bool(c.quotePrefix),
            )
            for row in ws.iter_rows()
            for c in row
        }
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
        setup = (
            ws.freeze_panes,
            ws.print_title_rows,
            int(ws.page_setup.paperSize),
            ws.page_setup.orientation,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
            ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.oddFooter.center.text,
            ws.dimensions,
        )
        sheets[ws.title] = (cells, widths, setup)
    return {"order": wb.sheetnames, "active": wb.active.title, "sheets": sheets}


@pytest.fixture(scope="module")
def payload():
    return validate(SAMPLE, as_of=AS_OF).disbursement.to_dict()


def _tricky(payload: dict) -> dict:
    """Formula-like, multi-line, very long, padded and masked text, and an empty sheet."""
    data = copy.deepcopy(payload)
    first = data["projects"][0]
    first["name"] = '=HYPERLINK("http://x")'
    data["projects"][1]["name"] = "  前后有空格 & <尖括号>  "
    data["projects"][2]["name"] = "第一行\n第二行" + "很长的名字" * 20
    data["projects"][3]["name"] = "联系电话 13812345678"
    data["unmatched"] = []
    return data


@pytest.mark.parametrize("tricky", [False, True])
def test_direct_xml_reads_back_as_the_openpyxl_workbook(payload, tmp_path, tricky):
    data = _tricky(payload) if tricky else payload
    fast = write_disbursement(data, tmp_path / "fast.xlsx", AS_OF)
    slow = save_workbook(disbursement_workbook(data), tmp_path / "slow.xlsx", AS_OF)
    got, want = _snapshot(fast), _snapshot(slow)
    assert got["order"] == want["order"] and got["active"] == want["active"]
    for title in want["order"]:
        assert got["sheets"][title][1] == want["sheets"][title][1], title  # widths
        assert got["sheets"][title][2] == want["sheets"][title][2], title  # print set-up
        assert got["sheets"][title][0] == want["sheets"][title][0], title  # every cell
    if tricky:
        ws = openpyxl.load_workbook(fast)["项目拨付"]
        assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
        assert ws["B2"].quotePrefix
        assert ws["B3"].value == "  前后有空格 & <尖括号>  "
        assert ws["B4"].alignment.wrap_text
        assert "13812345678" not in ws["B5"].value


def test_direct_xml_is_deterministic(payload, tmp_path):
    one = write_disbursement(payload, tmp_path / "a.xlsx", AS_OF).read_bytes()
    two = write_disbursement(payload, tmp_path / "b.xlsx", AS_OF).read_bytes()
    assert one == two


def test_each_sheets_rows_are_read_once_and_a_long_text_still_wraps(tmp_path):
    """save_xlsx reads a sheet's rows once (a 拨付核算 row costs more to build than to write): a
    one-shot generator is enough. Widths and the used range come from the same pass, and text
    wider than the widest column allowed (60) wraps, as xlsx_layout lays it out."""
    from selfgov_cli.report.xlsx_fast import Cell, Sheet, save_xlsx

    built: list[int] = []

    def rows():
        yield [Cell("项目编号", None, True), Cell("说明", None, True)]
        for i in range(3):
            built.append(i)
            yield [Cell(f"PX-{i}"), Cell("长" * (10 + 30 * i)), None]

    path = save_xlsx([Sheet("表", rows())], tmp_path / "a.xlsx", AS_OF)
    assert built == [0, 1, 2]
    with zipfile.ZipFile(path) as archive:
        assert '<dimension ref="A1:C4"/>' in archive.read("xl/worksheets/sheet1.xml").decode()
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.value for c in ws["B"]] == ["说明", "长" * 10, "长" * 40, "长" * 70]
    assert [bool(c.alignment.wrap_text) for c in ws["B"]] == [False, False, True, True]
    assert (ws.column_dimensions["A"].width, ws.column_dimensions["B"].width) == (10, 60)


def test_a_value_the_writer_does_not_know_writes_nothing(tmp_path, monkeypatch):
    """A value save_xlsx cannot write (a datetime) in a later sheet: None, no file, and every
    spool made for the earlier sheets closed (the caller then uses openpyxl)."""
    from datetime import datetime

    from selfgov_cli.report import xlsx_fast
    from selfgov_cli.report.xlsx_fast import Cell, Sheet, save_xlsx

    made = []
    real = xlsx_fast._Survey

    class Spy(real):
        __slots__ = ()

        def __init__(self, rows, styles):
            super().__init__(rows, styles)
            made.append(self)

    monkeypatch.setattr(xlsx_fast, "_Survey", Spy)
    sheets = [
        Sheet("一", [[Cell("a")], [Cell(1)]]),
        Sheet("二", [[Cell("b")], [Cell(datetime(2023, 1, 1, 8))], [Cell("never reached")]]),
    ]
    assert save_xlsx(sheets, tmp_path / "a.xlsx", AS_OF) is None
    assert list(tmp_path.iterdir()) == []
    assert [(s.supported, s.rows, s._spool.closed) for s in made] == [
        (True, 2, True),
        (False, 2, True),
    ]


def test_a_full_disk_on_a_later_sheet_closes_every_spool(tmp_path, monkeypatch):
    import io
    import tempfile

    from selfgov_cli.report import xlsx_fast
    from selfgov_cli.report.xlsx_fast import Cell, Sheet, save_xlsx

    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(28, "No space left on device")

    made = []
    real = tempfile.TemporaryFile

    def spool():
        made.append(real() if not made else Full())
        return made[-1]

    monkeypatch.setattr(xlsx_fast.tempfile, "TemporaryFile", spool)
    sheets = [Sheet("一", [[Cell("a")]]), Sheet("二", [[Cell("b")]])]
    with pytest.raises(OSError, match="No space"):
        save_xlsx(sheets, tmp_path / "a.xlsx", AS_OF)
    assert [s.closed for s in made] == [True, True]
    assert list(tmp_path.iterdir()) == []


def _rankings() -> list:
    from selfgov_cli.pipeline import run

    samples = SAMPLE.parent
    out = []
    for folder in sorted(p for p in samples.iterdir() if (p / "sgov.toml").is_file()):
        outcome = run(folder, as_of=AS_OF)
        for stage in ("review", "final"):
            ranking = outcome.ranking(stage)
            if ranking is not None and ranking.to_dict()["ranking"]:
                out.append(pytest.param(ranking.to_dict(), id=f"{folder.name}-{stage}"))
    return out


@pytest.mark.parametrize("ranking", _rankings())
def test_the_ranking_written_directly_reads_back_as_its_openpyxl_workbook(ranking, tmp_path):
    """评审排名.xlsx is written as XML directly (300 projects: 0.6 s a round through openpyxl);
    every cell, width and print setting reads back as the openpyxl workbook's, tricky names too."""
    from selfgov_cli.report.rank_xlsx import ranking_workbook, write_ranking

    data = copy.deepcopy(ranking)
    data["ranking"][0]["name"] = '=HYPERLINK("http://x")'
    data["ranking"][-1]["name"] = "联系电话 13812345678\n第二行" + "很长" * 40
    fast = write_ranking(data, tmp_path / "fast.xlsx", AS_OF, "计划")
    slow = save_workbook(ranking_workbook(data, "计划"), tmp_path / "slow.xlsx", AS_OF)
    got, want = _snapshot(fast), _snapshot(slow)
    assert got == want
    ws = openpyxl.load_workbook(fast)["评审排名"]
    assert ws["C2"].value == '=HYPERLINK("http://x")' and ws["C2"].data_type == "s"
    assert ws["C2"].quotePrefix
    assert "13812345678" not in str(ws.cell(ws.max_row, 3).value)


def test_the_theme_written_is_openpyxls_and_writing_needs_no_openpyxl(tmp_path):
    """The direct writer carries openpyxl's own theme part, read from a file of sgov's (importing
    openpyxl for it cost 0.3–0.4 s of runs that needed nothing else of it)."""
    import subprocess
    import sys

    from openpyxl.writer.theme import theme_xml

    from selfgov_cli.report.xlsx_fast import THEME

    assert THEME.read_text(encoding="utf-8") == theme_xml
    probe = (
        "import sys, datetime\n"
        "from selfgov_cli.report.xlsx_fast import Sheet, cell_of, write_sheets\n"
        "rows = [[cell_of('项目', None, True)], [cell_of('=HYPERLINK(\"x\")')], [cell_of(3)]]\n"
        f"write_sheets([Sheet('表', rows)], {str(tmp_path / 'a.xlsx')!r}, datetime.date(2023, 12, 31))\n"
        "print('openpyxl' in sys.modules, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert z.read("xl/theme/theme1.xml").decode("utf-8") == theme_xml
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["表"]
    assert (
        ws["A2"].value == '=HYPERLINK("x")' and ws["A2"].data_type == "s" and ws["A2"].quotePrefix
    )
