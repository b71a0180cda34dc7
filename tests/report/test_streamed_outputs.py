"""Issue 17, `sgov run` on a million-row ledger: the per-row outputs are streamed.

拨付核算.xlsx is written from a disbursement whose per-row lists are privacy.Lazy (each row's dict
built when reached), its sheets' rows built when written and the XML compressed into the zip as it
is made; the annotated copy keeps only the notes it shows and patches a big sheet without copying
it. Each is held to the old output, exactly, and to a memory bound the old code went over."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from selfgov_cli.disburse import Counted, CountedRows, Disbursement
from selfgov_cli.model import Expense, Location
from selfgov_cli.privacy import Lazy
from selfgov_cli.report import annotate
from selfgov_cli.report.annotate import placed, render_annotated, shown
from selfgov_cli.report.disburse_xlsx import disbursement_workbook, write_disbursement
from selfgov_cli.report.safe import json_text, safe_cell, save_workbook
from selfgov_cli.validate import validate
from tests import hostile_files as H
from tests.report.test_xlsx_fast import _snapshot

AS_OF = date(2023, 12, 31)
ROOT = Path(__file__).resolve().parents[2]
WHY = "项目编号“{}”没有对应的申报：请核对项目编号"
TEXTS = (
    "购买物资",
    '=HYPERLINK("http://x")',  # formula-like: stays text, quote prefix
    "  前后有空格 & <尖括号>  ",
    "第一行\n第二行",
    "联系电话 13812345678",  # masked
    "很长的摘要" * 20,  # wrapped
    "",
)


def _unmatched(rows: int) -> CountedRows:
    """`rows` ledger rows of no known project, as the money step counts them (wholly ineligible,
    SG005), each a real Expense with its place and amount cell."""
    items = []
    for i in range(rows):
        r = i + 2
        pid = f"PX-2099-{i % 100:03d}"
        expense = Expense(
            loc=Location("台账.xlsx", "经费台账", f"A{r}", r),
            cells={"amount": f"E{r}"},
            date=date(2023, 4, 1) + timedelta(days=i % 270) if i % 11 else None,
            project_id=pid,
            category=("work", "org_service", "volunteer")[i % 3],
            description=TEXTS[i % len(TEXTS)],
            amount=Decimal(10 + i % 7) + Decimal(i % 100) / 100,
        )
        items.append(Counted(expense, expense.amount, Decimal(0), (("SG005", WHY.format(pid)),)))
    return CountedRows(items)


def _disbursement(rows: int) -> Disbursement:
    return Disbursement("puxing-2023", "浦兴路街道自治金", AS_OF, unmatched=_unmatched(rows))


def test_the_disbursement_rows_are_built_one_at_a_time_with_the_same_json():
    money = _disbursement(300)
    payload = money.to_dict()
    assert isinstance(payload["unmatched"], Lazy) and len(payload["unmatched"]) == 300
    listed = {**payload, "unmatched": list(payload["unmatched"])}
    assert payload == listed  # tests and views that compare dicts see the same rows
    assert json_text(payload) == json_text(listed)
    first = listed["unmatched"][0]
    assert first["cell"] == "E2" and first["excluded"] == first["amount"] == "10.00"
    assert first["reasons"] == [{"rule": "SG005", "message": WHY.format("PX-2099-000")}]


def test_streamed_workbook_reads_back_as_the_openpyxl_one_with_tricky_rows(tmp_path):
    """Every cell (value, type, format, bold, wrap, quote prefix), width and print set-up of the
    streamed 未匹配台账 sheet as openpyxl writes it, for text that must be quoted, masked, wrapped,
    kept with its spaces, or is empty."""
    payload = _disbursement(700).to_dict()
    fast = write_disbursement(payload, tmp_path / "fast.xlsx", AS_OF)
    slow = save_workbook(disbursement_workbook(payload), tmp_path / "slow.xlsx", AS_OF)
    assert _snapshot(fast) == _snapshot(slow)
    ws = openpyxl.load_workbook(fast)["未匹配台账"]
    assert ws["G3"].value == '=HYPERLINK("http://x")' and ws["G3"].quotePrefix
    assert ws["G6"].value == "联系电话 ***" and ws["G5"].alignment.wrap_text
    assert ws.max_row == 702 and ws["A702"].value == "合计"
    names = zipfile.ZipFile(fast).namelist()
    assert names.index("xl/styles.xml") > names.index("xl/worksheets/sheet6.xml")  # see xlsx_fast


def _peak_mb(write) -> float:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


_CHILD = """
import sys
from pathlib import Path
from tests.report.test_streamed_outputs import AS_OF, _disbursement, _status
from selfgov_cli.report.disburse_xlsx import write_disbursement

money = _disbursement(int(sys.argv[1]))
payload = money.to_dict()
before = _status()["VmRSS"]
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # the peak (VmHWM) from here on
write_disbursement(payload, Path(sys.argv[2]), AS_OF)
print(_status()["VmHWM"] - before)
"""


def _status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) // 1024
    return out


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_100000_unmatched_rows_are_written_in_bounded_memory_and_read_back_exactly(tmp_path):
    """The old writer held every row's cells and the sheet's XML as one string, besides the
    payload's 100,000 row dicts: its peak rose 342 MB over the payload; streamed, 5 MB."""
    rows = 100_000
    target = tmp_path / "拨付核算.xlsx"
    command = [sys.executable, "-c", _CHILD, str(rows), str(target)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    grown = int(done.stdout.strip())
    print(f"\n拨付核算.xlsx with {rows:,} unmatched rows: peak {grown} MB over the payload")
    assert grown < 40
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("未匹配台账").to_python()
    assert len(sheet) == rows + 2
    want = _disbursement(rows).to_dict()["unmatched"]
    for line, row in zip(sheet[1:-1], want, strict=True):
        assert line[0] == row["project_id"] and line[3] == row["row"]
        assert line[4] == (date.fromisoformat(row["date"]) if row["date"] else "")
        assert Decimal(str(line[7])) == Decimal(row["amount"])
        assert line[8] == 0 and Decimal(str(line[9])) == Decimal(row["amount"])  # 计入, 不计入
        assert line[10] == "SG005" and line[11] == row["reasons"][0]["message"]
    total = sum((Decimal(r["amount"]) for r in want), Decimal(0))
    assert sheet[-1][0] == "合计" and Decimal(str(sheet[-1][7])).quantize(Decimal("0.01")) == total


# ---------------------------------------------------------------- annotated copies


@pytest.fixture(scope="module")
def ledger_outcome(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ledger")
    (folder / "sgov.toml").write_text('program = "puxing-2023"\n', encoding="utf-8")
    H.million_row_ledger(folder / "台账.xlsx", rows=3_000)  # two findings a row
    return validate(folder, as_of=AS_OF)


def test_shown_keeps_the_notes_a_copy_shows_and_counts_the_rest(ledger_outcome, monkeypatch):
    monkeypatch.setattr(annotate, "MAX_NOTES", 700)  # gathered in several rounds of selection
    every = placed(ledger_outcome)["台账.xlsx"]
    cut = shown(ledger_outcome)["台账.xlsx"]
    first, more = annotate._first_notes(list(every))
    assert len(every) == 6_000 and len(cut) == 700
    assert list(cut) == first and cut.more == more == 5_300


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_run_copy_of_cut_notes_is_the_copy_of_every_note(ledger_outcome, tmp_path, monkeypatch):
    monkeypatch.setenv("SGOV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(annotate, "MAX_NOTES", 500)
    (written,) = render_annotated(ledger_outcome, tmp_path / "out", AS_OF, workers=1)
    source = Path(ledger_outcome.config.folder) / "台账.xlsx"
    every = placed(ledger_outcome)["台账.xlsx"]
    assert written.read_bytes() == annotate.patched_copy(source, every, AS_OF)
    listed = openpyxl.load_workbook(written, read_only=True)["问题清单"]
    last = list(listed.iter_rows(min_row=502, values_only=True))
    assert last[0][6] == "另有 5,500 个问题未在此列出，完整清单见 validate.json"


def test_a_big_sheet_is_patched_without_copying_it(ledger_outcome, tmp_path):
    """The worksheet is inflated into a buffer of its size (``ZipFile.read`` holds it about twice),
    patched as pieces that are views of it and deflated into the copy 1 MB at a time. The old
    patcher held about five times the part: 61 MB for this 12 MB sheet; now about 16 MB."""
    source = H.million_row_ledger(tmp_path / "台账.xlsx", rows=40_000)

    def read() -> None:
        with zipfile.ZipFile(source) as archive:
            archive.read("xl/worksheets/sheet1.xml")

    reading = _peak_mb(read)
    notes = shown(ledger_outcome)["台账.xlsx"][:100]  # rows 2 to 51 of the same ledger
    peak = _peak_mb(lambda: annotate.patched_copy(source, notes, AS_OF))
    with zipfile.ZipFile(source) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml").file_size / 2**20
    print(f"\npatched copy of a {sheet:.1f} MB sheet: traced peak {peak:.1f} MB")
    assert peak < 1.5 * sheet < reading


@pytest.mark.parametrize("lie", [1, -1, 1000])
def test_a_big_sheet_whose_zip_lies_about_its_size_is_not_patched(ledger_outcome, tmp_path, lie):
    """The buffer is sized from the zip's directory: a size that is not the sheet's is a damaged
    file, left to the caller's fallback (None), never a traceback or a half-read sheet."""
    data = bytearray(H.million_row_ledger(tmp_path / "台账.xlsx", rows=20_000).read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")  # the central directory's entries
    while data[at + 46 : at + 46 + int.from_bytes(data[at + 28 : at + 30], "little")] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    size = int.from_bytes(data[at + 24 : at + 28], "little")
    assert size > 4 << 20  # read into a buffer of that size
    data[at + 24 : at + 28] = (size + lie).to_bytes(4, "little")
    source = tmp_path / "坏.xlsx"
    source.write_bytes(data)
    notes = shown(ledger_outcome)["台账.xlsx"][:10]
    assert annotate.patched_copy(source, notes, AS_OF) is None


@pytest.mark.parametrize(
    "value",
    ["&&&&", "<>\r\r", "😀" * 10, "中文" * 50, " x ", "a\nb", "=" + "&" * 40, "#N/A"]
    + [Decimal("-123456789.123456"), 12345678901234567, date(2023, 1, 1), True, None],
)
def test_the_size_that_decides_zip64_is_the_cells_xml_exactly(value):
    """A worksheet entry is Zip64 only when its XML reaches 2 GB: the one pass over the rows counts
    the bytes of the cells' XML it spools, so the count must be exact for the costliest cells too
    (text that escapes, 4-byte characters, CJK, text like a formula, numbers, dates), and the
    spool must give those bytes back."""
    from selfgov_cli.report.xlsx_fast import Cell as C
    from selfgov_cli.report.xlsx_fast import _Styles, _Survey

    cell = C(safe_cell(value), "#,##0.00", True, isinstance(value, str))
    rows = [[cell] * 30 for _ in range(1_000)]
    survey = _Survey(rows, _Styles())
    xml = b"".join(survey.chunks())
    assert survey.supported and (survey.rows, survey.cols) == (1_000, 30)
    assert len(xml) == survey.size
    assert xml.startswith(b'<row r="1"><c r="A1"') and xml.endswith(b"</row>")
    assert xml.count(b"<row ") == 1_000 and xml.count(b"<c r=") == 30_000


def test_a_view_past_excels_rows_is_cut_there_with_a_note_and_the_total_of_every_row(
    tmp_path, monkeypatch
):
    """Two ledgers of 600,000 unmatched rows would make a 未匹配台账 sheet of 1,200,000 rows,
    which Excel cannot open whole ("发现不可读取的内容"): the sheet stops at Excel's last row, says
    how many rows it leaves out and where they are, and 合计 still adds every row."""
    from selfgov_cli.report import disburse_xlsx

    monkeypatch.setattr(disburse_xlsx, "EXCEL_ROWS", 8)  # 5 rows listed, the note, 合计
    payload = _disbursement(9).to_dict()
    every = sum(Decimal(r["amount"]) for r in payload["unmatched"])
    fast = write_disbursement(payload, tmp_path / "fast.xlsx", AS_OF)
    slow = save_workbook(disbursement_workbook(payload), tmp_path / "slow.xlsx", AS_OF)
    assert _snapshot(fast) == _snapshot(slow)
    ws = openpyxl.load_workbook(fast)["未匹配台账"]
    assert ws.max_row == 8
    assert [ws.cell(r, 4).value for r in range(2, 7)] == [2, 3, 4, 5, 6]
    assert ws["A7"].value == (
        "另有 4 行未列出：超过 Excel 一张工作表 8 行的上限，全部见 disburse.json（合计含这些行）"
    )
    assert ws["A8"].value == "合计" and Decimal(str(ws["H8"].value)) == every == Decimal("112.36")
