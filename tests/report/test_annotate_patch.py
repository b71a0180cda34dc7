"""Annotated copies by zip patching (report/xlsx_patch.py) == the openpyxl copies, values untouched;
in worker processes == in this one."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from selfgov_cli.report import annotate
from selfgov_cli.report.annotate import FILLS, placed, render_annotated
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_table
from tests.report.folders import AS_OF, puxing_folder

SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"


def _rows(n: int, blank_signature_every: int = 7) -> list[tuple]:
    return [
        (
            "2023-04-01",
            f"PX-2023-00{1 + i % 2}",
            "工作经费",
            f"物资{i}",
            100 + i,
            f"F{i:05d}",
            "店",
            "商户",
            "" if i % blank_signature_every == 3 else "是",
            "自治金项目 楼道微更新" if i % 5 else "",
        )
        for i in range(n)
    ]


def _same_look(patched: Path, reference: Path) -> None:
    """Every cell of the openpyxl copy has the same value, type, fill, comment, font, link and
    format in the patched copy; same sheets, same active and selected tabs."""
    a = openpyxl.load_workbook(patched, rich_text=True)
    b = openpyxl.load_workbook(reference, rich_text=True)
    assert a.sheetnames == b.sheetnames
    assert a.active.title == b.active.title
    assert [bool(w.sheet_view.tabSelected) for w in a.worksheets] == [
        bool(w.sheet_view.tabSelected) for w in b.worksheets
    ]
    for wb_sheet in b.worksheets:
        pa = a[wb_sheet.title]
        assert pa.freeze_panes == wb_sheet.freeze_panes
        for row in wb_sheet.iter_rows():
            for cell in row:
                other = pa[cell.coordinate]
                where = (wb_sheet.title, cell.coordinate)
                assert (other.value, other.data_type) == (cell.value, cell.data_type), where
                assert other.number_format == cell.number_format, where
                if cell.fill.fill_type:
                    assert other.fill.fgColor.rgb == cell.fill.fgColor.rgb, where
                assert (other.comment.text if other.comment else None) == (
                    cell.comment.text if cell.comment else None
                ), where
                assert bool(other.font.b) == bool(cell.font.b), where
                assert (other.hyperlink.location if other.hyperlink else None) == (
                    cell.hyperlink.location if cell.hyperlink else None
                ), where


def _as_openpyxl_copy(data: bytes, source: Path, notes: list, tmp_path: Path) -> Path:
    """The patched copy written out and checked to read as the openpyxl copy of the same notes."""
    patched = tmp_path / "patched.xlsx"
    patched.write_bytes(data)
    reference = tmp_path / "reference.xlsx"
    wb = annotate._copy(source)
    annotate.annotate_workbook(wb, notes)
    annotate.save_workbook(wb, reference, AS_OF)
    _same_look(patched, reference)
    return patched


@pytest.mark.parametrize("sample", ["puxing-2023", "chengdu-2023", "xinjing-2021"])
def test_patched_copies_match_openpyxl_copies_on_the_samples(sample, tmp_path):
    folder = SAMPLES / sample
    result = validate(folder, as_of=AS_OF)
    done = 0
    for rel, notes in sorted(placed(result).items()):
        source = folder.resolve() / rel
        if source.suffix.lower() != ".xlsx":
            continue
        data = annotate.patched_copy(source, notes, AS_OF)
        if data is None:  # declined (e.g. a workbook with pictures): openpyxl writes it
            continue
        _as_openpyxl_copy(data, source, notes, tmp_path)
        done += 1
    assert done >= 3


def _cells_xml(data: bytes, sheet_part: str) -> dict[str, bytes]:
    """Each cell's XML element with its style attribute removed, by address."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
        xml = archive.read(sheet_part)
    out = {}
    for m in re.finditer(rb"<c\b[^>]*?(?:/>|>.*?</c>)", xml, re.S):
        ref = re.search(rb'\br="([A-Z]+\d+)"', m.group(0)).group(1).decode()
        out[ref] = re.sub(rb'\ss="\d+"', b"", m.group(0))
    return out


def test_big_ledger_is_patched_byte_faithful(tmp_path, monkeypatch):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    source = write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, _rows(300))
    monkeypatch.setattr(annotate, "PATCH_MIN_BYTES", 0)
    result = validate(folder, as_of=AS_OF)
    notes = placed(result)["台账.xlsx"]
    assert len(notes) > 40
    data = annotate.patched_copy(source, notes, AS_OF)
    assert data is not None
    # every original cell is the same XML but for its style index; shared strings untouched
    original = source.read_bytes()
    before = _cells_xml(original, "xl/worksheets/sheet1.xml")
    after = _cells_xml(data, "xl/worksheets/sheet1.xml")
    assert {ref: after[ref] for ref in before} == before
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(__import__("io").BytesIO(data)) as b:
        for name in a.namelist():
            if name not in (
                "xl/worksheets/sheet1.xml",
                "xl/workbook.xml",
                "xl/styles.xml",
                "[Content_Types].xml",
                "xl/_rels/workbook.xml.rels",
                "xl/worksheets/_rels/sheet1.xml.rels",
            ):
                assert a.read(name) == b.read(name), name
    # and it reads as the openpyxl copy does
    patched = _as_openpyxl_copy(data, source, notes, tmp_path)
    sheet = openpyxl.load_workbook(patched)["经费台账"]
    assert sheet["I5"].value is None  # row 5: i == 3, no signature
    assert sheet["I5"].fill.fgColor.rgb == "00" + FILLS["error"]
    assert sheet["I5"].comment.text.startswith("[PX011 错误]")


def test_marked_cells_missing_from_the_sheet_are_added(tmp_path):
    """A finding on an empty cell (no <c> in the XML) or an empty row still gets its fill."""
    from selfgov_cli.rules.engine import Finding, Severity

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["B2"] = "x"
    ws["D2"] = 5
    ws["A4"] = "y"
    wb.save(path)

    def finding(cell, row, severity=Severity.ERROR):
        return (
            Finding("SG002", severity, None, "book.xlsx", "表", cell, row, "缺", "依据", "改正"),
            "表",
            cell,
        )

    notes = [
        finding("A2", 2),  # before the row's first cell
        finding("C2", 2, Severity.WARNING),  # between two cells
        finding("E2", 2),  # after the last
        finding("A1", 1, Severity.INFO),  # a row before the first
        finding("B3", 3),  # a row between two
        finding("C9", 9),  # a row after the last
        finding("D2", 2),  # an existing cell
    ]
    data = annotate.patched_copy(path, notes, AS_OF)
    assert data is not None
    out = tmp_path / "out.xlsx"
    out.write_bytes(data)
    book = openpyxl.load_workbook(out)
    sheet = book["表"]
    looks = {ref: sheet[ref].fill.fgColor.rgb for ref in ("A1", "A2", "C2", "E2", "B3", "C9", "D2")}
    assert looks == {
        "A1": "00" + FILLS["info"],
        "A2": "00" + FILLS["error"],
        "C2": "00" + FILLS["warning"],
        "E2": "00" + FILLS["error"],
        "B3": "00" + FILLS["error"],
        "C9": "00" + FILLS["error"],
        "D2": "00" + FILLS["error"],
    }
    assert (sheet["B2"].value, sheet["D2"].value, sheet["A4"].value) == ("x", 5, "y")
    assert sheet["B2"].fill.fill_type is None
    assert [r[0].row for r in sheet.iter_rows(min_col=1, max_col=1)] == list(range(1, 10))
    listed = book["问题清单"]
    assert [c.value for c in listed["F"]][1:] == ["A1", "A2", "C2", "D2", "E2", "B3", "C9"]


def test_defined_names_follow_their_sheet(tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    from selfgov_cli.rules.engine import Finding, Severity

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "一"
    wb.create_sheet("二")["A1"] = 1
    wb["二"].defined_names["范围"] = DefinedName("范围", attr_text="'二'!$A$1")
    wb.save(path)
    finding = Finding("SG002", Severity.ERROR, None, "book.xlsx", "二", "A1", 1, "m", "c", "f")
    data = annotate.patched_copy(path, [(finding, "二", "A1")], AS_OF)
    out = tmp_path / "out.xlsx"
    out.write_bytes(data)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["问题清单", "一", "二"]
    assert "范围" in book["二"].defined_names
    assert book["二"]["A1"].value == 1


def test_parallel_copies_equal_serial_ones(tmp_path, monkeypatch):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, _rows(200))
    write_table(folder / "台账二.xlsx", "经费台账", LEDGER_HEADER, _rows(150, 5))
    monkeypatch.setattr(annotate, "PATCH_MIN_BYTES", 20_000)  # the ledgers patched, forms not
    result = validate(folder, as_of=AS_OF)
    serial = render_annotated(result, tmp_path / "one", AS_OF, workers=1)
    parallel = render_annotated(result, tmp_path / "two", AS_OF, workers=2)
    assert [p.relative_to(tmp_path / "one") for p in serial] == [
        p.relative_to(tmp_path / "two") for p in parallel
    ]
    assert len(serial) >= 3
    assert [p.read_bytes() for p in serial] == [p.read_bytes() for p in parallel]


def test_patched_copy_marks_at_most_max_notes_like_the_openpyxl_copy(tmp_path, monkeypatch):
    """Issue 17: a ledger with 200,000 findings had every one marked and listed in the patched copy
    (36 s, 1.7 GB), though copies mark at most MAX_NOTES; now both kinds of copy keep the first
    MAX_NOTES in 问题清单 order and say how many more validate.json has."""
    folder = puxing_folder(tmp_path / "p", ledger=False)
    rows = [tuple(v if v != "" else "无" for v in row) for row in _rows(120)]  # no empty cell:
    # openpyxl drops an unmarked empty text cell the patcher keeps, so they would not compare
    source = write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    monkeypatch.setattr(annotate, "MAX_NOTES", 30)
    notes = placed(validate(folder, as_of=AS_OF))["台账.xlsx"]
    assert len(notes) > 40
    data = annotate.patched_copy(source, notes, AS_OF)
    assert data is not None
    patched = _as_openpyxl_copy(data, source, notes, tmp_path)
    book = openpyxl.load_workbook(patched)
    listed = book["问题清单"]
    assert listed.max_row == 32 and listed["A31"].value == 30 and listed["A32"].value is None
    assert (
        listed["G32"].value
        == f"另有 {len(notes) - 30:,} 个问题未在此列出，完整清单见 validate.json"
    )
    marked = [c for row in book["经费台账"].iter_rows() for c in row if c.comment]
    first = sorted(notes, key=annotate._list_order)[:30]
    assert {c.coordinate for c in marked} == {cell for _, _, cell in first}
