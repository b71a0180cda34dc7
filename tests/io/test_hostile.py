"""Hostile and odd files: each is one located finding, and the good workbook beside it is still read.

Every test builds a folder with `good.xlsx` (a clean 浦兴 application, no findings) next to the
odd file, validates the whole folder, and asserts the exact findings about the odd file.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.io import loader, workbook
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_form, write_table

AS_OF = date(2023, 12, 31)
FORM = {
    "项目编号": "PX-1",
    "项目名称": "楼道微更新",
    "项目类别": "悦家",
    "居民区": "浦兴一居",
    "申报主体": "浦兴一居委",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "是",
    "申请金额": "10000",
    "开始日期": "2023-03-01",
    "结束日期": "2023-12-31",
    "征询居民人数": 45,
    "听证会日期": "2023-02-15",
}
REMARK = "自治金项目 楼道微更新"
ROOT = Path(__file__).resolve().parents[2]


def good(folder: Path) -> None:
    write_form(folder / "good.xlsx", FORM)


def findings(folder: Path) -> list[tuple]:
    """Findings about anything but good.xlsx, after checking good.xlsx was read cleanly."""
    result = validate(folder, program="puxing-2023", as_of=AS_OF)
    assert "PX-1" in {p.project_id for p in result.data.projects}
    assert [f for f in result.findings if f.file == "good.xlsx"] == []
    return [
        (f.rule, f.file, f.sheet, f.cell, f.message)
        for f in result.findings
        if f.file != "good.xlsx"
    ]


def sg001(file: str, message: str) -> tuple:
    return ("SG001", file, None, None, f"无法读取：{message}")


# -- hand-built xlsx: for what openpyxl will not write (bombs, error values, 1M rows) ----------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


class Err(str):
    """An error cell: its shown value (#DIV/0!) and optionally the formula that produced it."""

    formula = ""


def _col(c: int) -> str:
    return openpyxl.utils.get_column_letter(c + 1)


def _cell(r: int, c: int, value) -> str:
    ref = f"{_col(c)}{r + 1}"
    if isinstance(value, Err):
        formula = f"<f>{value.formula}</f>" if value.formula else ""
        return f'<c r="{ref}" t="e">{formula}<v>{value}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def raw_xlsx(path: Path, sheet: str, body: bytes | None = None, rows=None, chunks=None) -> Path:
    """An xlsx with one sheet: from rows of values, or a raw sheetData body, or streamed chunks."""
    workbook_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    if rows is not None:
        body = "".join(
            f'<row r="{r + 1}">'
            + "".join(_cell(r, c, v) for c, v in enumerate(row) if v is not None)
            + "</row>"
            for r, row in enumerate(rows)
        ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", workbook_xml)
        archive.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        if chunks is None:
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                _SHEET_HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>",
            )
        else:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
                for chunk in chunks:
                    handle.write(chunk)
    return path


def _bomb_chunks(megabytes: int):
    yield _SHEET_HEAD + b"<sheetData>"
    filler = b" " * (1 << 20)
    for _ in range(megabytes):
        yield filler
    yield b"</sheetData></worksheet>"


def _lie_about_size(path: Path, entry: str, size: int) -> None:
    """Rewrite the local and central headers of one entry to claim a small uncompressed size."""
    data = bytearray(path.read_bytes())
    name = entry.encode()
    local = data.find(b"PK\x03\x04" + b"\x00" * 0, 0)
    while local >= 0:
        name_len = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, size)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, size)
            extra_len = struct.unpack_from("<H", data, central + 30)[0]
            extra_at = central + 46 + name_len
            extra = data[extra_at : extra_at + extra_len]
            if extra[:2] == b"\x01\x00":  # zip64 extra: 8-byte sizes, uncompressed first
                struct.pack_into("<Q", data, extra_at + 4, size)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


_PEAK_MB = """
def peak_mb():
    # VmHWM is this program's own peak; ru_maxrss also keeps the RSS of the process it was forked
    # from (the pytest worker), which made the bound below fail when the worker had grown
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _peak_mb_reading(folder: Path, rel: str) -> tuple[list, float]:
    """Read one file in a fresh interpreter: its issues and the peak memory (MB) of doing so."""
    code = _PEAK_MB + (
        "import json, sys; from pathlib import Path; from selfgov_cli.io.loader import parse_file;"
        f"r = parse_file(Path({str(folder)!r}), {rel!r});"
        "print(json.dumps([[i.rule, i.message] for i in r.issues], ensure_ascii=False));"
        "print(peak_mb())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    issues, peak = done.stdout.strip().splitlines()
    return json.loads(issues), float(peak)


# -- zip bombs --------------------------------------------------------------------------------


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path):
    good(tmp_path)
    raw_xlsx(tmp_path / "bomb.xlsx", "经费台账", chunks=_bomb_chunks(210))
    assert (tmp_path / "bomb.xlsx").stat().st_size < 1_000_000
    assert findings(tmp_path) == [sg001("bomb.xlsx", workbook.ZIP_BOMB)]


def test_zip_bomb_whose_header_lies_is_stopped_within_bounded_memory(tmp_path):
    good(tmp_path)
    path = raw_xlsx(tmp_path / "liar.xlsx", "经费台账", chunks=_bomb_chunks(230))
    _lie_about_size(path, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(path) as archive:  # the header now claims a tiny sheet
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert findings(tmp_path) == [sg001("liar.xlsx", workbook.ZIP_BOMB)]
    issues, peak = _peak_mb_reading(tmp_path, "liar.xlsx")
    assert issues == [["SG001", f"无法读取：{workbook.ZIP_BOMB}"]]
    assert peak < 150, f"reading a 230 MB bomb peaked at {peak:.0f} MB"


# -- encrypted, old Excel, ODS ------------------------------------------------------------------


def test_password_protected_xlsx(tmp_path):
    import msoffcrypto.format.ooxml

    good(tmp_path)
    plain = tmp_path.parent / f"{tmp_path.name}-plain.xlsx"
    write_form(plain, FORM | {"项目编号": "PX-2"})
    with plain.open("rb") as source, (tmp_path / "加密.xlsx").open("wb") as target:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("123456", target)
    assert (tmp_path / "加密.xlsx").read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert findings(tmp_path) == [sg001("加密.xlsx", "文件已加密，请去除密码后重新提交")]


def test_xls_from_old_excel_is_read(tmp_path):
    import xlwt

    good(tmp_path)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("申报表")
    for r, (label, value) in enumerate((FORM | {"项目编号": "PX-2", "申请金额": 8000.5}).items()):
        sheet.write(r, 0, label)
        sheet.write(r, 1, value)
    book.save(str(tmp_path / "旧版.xls"))
    assert findings(tmp_path) == []
    data = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data
    project = next(p for p in data.projects if p.project_id == "PX-2")
    assert (project.requested, project.start, project.loc.file) == (
        Decimal("8000.50"),
        date(2023, 3, 1),
        "旧版.xls",
    )


def _ods(path: Path, sheets: dict[str, list[list]]) -> Path:
    cells = []
    for name, rows in sheets.items():
        cells.append(f'<table:table table:name="{name}">')
        for row in rows:
            cells.append("<table:table-row>")
            for value in row:
                if isinstance(value, int | float):
                    cells.append(
                        f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
                    )
                else:
                    cells.append(
                        f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
                    )
            cells.append("</table:table-row>")
        cells.append("</table:table>")
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(cells)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_ods_is_read(tmp_path):
    good(tmp_path)
    form = FORM | {"项目编号": "PX-3", "申请金额": 12000}
    _ods(tmp_path / "wps.ods", {"申报表": [[label, value] for label, value in form.items()]})
    assert findings(tmp_path) == []
    data = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data
    project = next(p for p in data.projects if p.project_id == "PX-3")
    assert (project.requested, project.end, project.cell("requested_amount").cell) == (
        Decimal("12000.00"),
        date(2023, 12, 31),
        "B8",
    )


# -- CSV encodings -------------------------------------------------------------------------------

CSV_TEXT = (
    "日期,项目编号,支出类别,摘要,金额,发票号,收款方,负责人签字,备注\r\n"
    "2023-05-01,PX-1,工作经费,购买䶮字牌,120.50,F001,浦东五金店,是,自治金项目 楼道微更新\r\n"
)


@pytest.mark.parametrize(
    "encoding, prefix",
    [("gb18030", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe")],
    ids=["gb18030", "utf8", "utf8-bom", "utf16-bom"],
)
def test_csv_encodings_are_detected(tmp_path, encoding, prefix):
    good(tmp_path)
    (tmp_path / "经费台账.csv").write_bytes(prefix + CSV_TEXT.encode(encoding))
    assert findings(tmp_path) == []
    (expense,) = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data.ledger
    assert (expense.description, expense.payee, expense.amount) == (
        "购买䶮字牌",
        "浦东五金店",
        Decimal("120.50"),
    )


def test_csv_in_gbk_is_not_mistaken_for_utf8(tmp_path):
    """GBK bytes of common words; a wrong guess (latin-1, cp1252) would give mojibake, not an error."""
    good(tmp_path)
    text = CSV_TEXT.replace("䶮字牌", "办公用品")
    (tmp_path / "经费台账.csv").write_bytes(text.encode("gbk"))
    assert findings(tmp_path) == []
    (expense,) = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data.ledger
    assert (expense.description, expense.payee) == ("购买办公用品", "浦东五金店")


def test_csv_in_an_unknown_encoding(tmp_path):
    good(tmp_path)
    (tmp_path / "经费台账.csv").write_bytes(b"\x81\x30\x81\xff,\xff\xfe\xfd\n")
    assert findings(tmp_path) == [
        sg001(
            "经费台账.csv",
            "无法识别 CSV 文件的编码（不是 UTF-8 也不是 GBK/GB18030）；请另存为 UTF-8 或 .xlsx",
        )
    ]


# -- renamed files ---------------------------------------------------------------------------------


def test_html_export_renamed_to_xlsx(tmp_path):
    good(tmp_path)
    (tmp_path / "系统导出.xlsx").write_text(
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>项目编号</td></tr></table></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "系统导出2.xls").write_bytes(
        "\ufeff<table><tr><td>项目编号</td></tr></table>".encode()
    )
    message = "文件其实是网页（HTML）导出，不是 Excel 文件；请用 Excel 或 WPS 打开后另存为 .xlsx"
    assert findings(tmp_path) == [sg001("系统导出.xlsx", message), sg001("系统导出2.xls", message)]


def test_spreadsheets_of_formats_sgov_does_not_read_are_findings_not_skipped(tmp_path):
    """A ledger saved by WPS as .et (or Excel's .xlsb, a template, Numbers) was skipped in silence:
    its money simply missing. Each is SG001 saying how to convert it; the run goes on, and -o may
    not write over one (it is an input)."""
    good(tmp_path)
    wb = openpyxl.Workbook()
    wb.active.append(["日期", "项目编号", "金额"])
    wb.save(tmp_path / "台账.xlsb")  # whatever the bytes: the format is named by the suffix
    (tmp_path / "2023年经费台账.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (tmp_path / "汇总.numbers").write_bytes(b"PK\x03\x04")
    (tmp_path / "~$2023年经费台账.et").write_bytes(b"lock")  # WPS's lock file: ignored
    tail = "，sgov 只能读取 .xlsx、.xlsm、.xls、.ods 和 .csv：请用 WPS 或 Excel 打开后另存为 .xlsx，并把原文件移出项目文件夹"
    assert findings(tmp_path) == [
        sg001("2023年经费台账.et", "这是WPS 表格文件（.et）" + tail),
        sg001("台账.xlsb", "这是Excel 二进制工作簿（.xlsb）" + tail),
        sg001("汇总.numbers", "这是Numbers 表格（.numbers）" + tail),
    ]
    out = CliRunner().invoke(
        app, ["disburse", str(tmp_path), "--format", "json", "-o", str(tmp_path / "台账.xlsb")]
    )
    assert out.exit_code == 2 and "是项目文件夹中的输入文件" in out.output


def test_csv_renamed_to_xlsx(tmp_path):
    good(tmp_path)
    (tmp_path / "台账.xlsx").write_bytes(CSV_TEXT.replace("䶮", "").encode("gbk"))
    assert findings(tmp_path) == [
        sg001(
            "台账.xlsx",
            "文件其实是文本（可能是 CSV 导出），不是 Excel 文件；请另存为 .xlsx 或改名为 .csv",
        )
    ]


def test_empty_and_random_bytes(tmp_path):
    good(tmp_path)
    (tmp_path / "a空.xlsx").write_bytes(b"")
    (tmp_path / "b乱码.xlsx").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "c截断.xlsx").write_bytes((tmp_path / "good.xlsx").read_bytes()[:3000])
    assert findings(tmp_path) == [
        sg001("a空.xlsx", "文件是空的（0 字节）；请重新保存后提交"),
        sg001("b乱码.xlsx", "文件不是电子表格，无法读取；请确认提交的是 Excel 或 WPS 表格文件"),
        sg001("c截断.xlsx", workbook.CORRUPT),
    ]


# -- size limits -------------------------------------------------------------------------------


def _row_chunks(count: int, dimension: bool):
    head = (
        _SHEET_HEAD
        + (f'<dimension ref="A1:A{count}"/>'.encode() if dimension else b"")
        + b"<sheetData>"
    )
    yield head
    step = 50_000
    for start in range(1, count + 1, step):
        yield b"".join(
            b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)
            for r in range(start, min(start + step, count + 1))
        )
    yield b"</sheetData></worksheet>"


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
def test_sheet_over_a_million_rows_is_refused_before_expansion(tmp_path, dimension):
    good(tmp_path)
    raw_xlsx(tmp_path / "大表.xlsx", "经费台账", chunks=_row_chunks(1_000_001, dimension))
    message = (
        "工作表“经费台账”有 1,000,001 行，超过 1,000,000 行的上限，已拒绝读取；请拆分后重新提交"
    )
    assert findings(tmp_path) == [sg001("大表.xlsx", message)]


def test_one_far_away_cell_is_not_a_million_empty_rows(tmp_path):
    good(tmp_path)
    raw_xlsx(
        tmp_path / "远处.xlsx",
        "经费台账",
        b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    )
    message = (
        "工作表“经费台账”有 1,048,576 行，超过 1,000,000 行的上限，已拒绝读取；请拆分后重新提交"
    )
    assert findings(tmp_path) == [sg001("远处.xlsx", message)]


def test_wide_sparse_sheet_is_refused_by_cell_count(tmp_path):
    """5,000 rows with a cell in column XFD would be 82 million Python cells: refused, tiny memory."""
    good(tmp_path)
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>1</v></c></row>' % (r, r, r)
        for r in range(1, 5001)
    )
    raw_xlsx(tmp_path / "宽表.xlsx", "经费台账", body)
    message = (
        "工作表“经费台账”的使用区域有 5,000 行 × 16,384 列，超过 20,000,000 个单元格的上限，"
        "已拒绝读取；请删除远处的多余内容后重新保存"
    )
    assert findings(tmp_path) == [sg001("宽表.xlsx", message)]
    issues, peak = _peak_mb_reading(tmp_path, "宽表.xlsx")
    assert issues == [["SG001", f"无法读取：{message}"]]
    assert peak < 150


# -- the file system -------------------------------------------------------------------------------


def test_permission_denied(tmp_path, monkeypatch):
    good(tmp_path)
    locked = tmp_path / "锁定.xlsx"
    write_form(locked, FORM | {"项目编号": "PX-2"})
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the OS answer as it would for a clerk
        real_open = Path.open

        def deny(self, *args, **kwargs):
            if self.name == "锁定.xlsx":
                raise PermissionError(13, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", deny)
    try:
        assert findings(tmp_path) == [sg001("锁定.xlsx", workbook.DENIED)]
    finally:
        locked.chmod(0o644)


def test_file_deleted_during_the_run(tmp_path, monkeypatch):
    good(tmp_path)
    write_form(tmp_path / "将删除.xlsx", FORM | {"项目编号": "PX-2"})
    listed = loader.discover

    def discover_then_delete(root, unlisted=None):
        paths = listed(root, unlisted)
        (Path(root) / "将删除.xlsx").unlink()
        return paths

    monkeypatch.setattr(loader, "discover", discover_then_delete)
    assert findings(tmp_path) == [sg001("将删除.xlsx", workbook.GONE)]


def test_file_deleted_between_sniffing_and_reading(tmp_path, monkeypatch):
    good(tmp_path)
    write_form(tmp_path / "将删除.xlsx", FORM | {"项目编号": "PX-2"})
    real_check = workbook._check_zip

    def check_then_delete(path):
        found = real_check(path)
        if path.name == "将删除.xlsx":
            path.unlink()
        return found

    monkeypatch.setattr(workbook, "_check_zip", check_then_delete)
    assert findings(tmp_path) == [sg001("将删除.xlsx", workbook.GONE)]


def test_symlink_loops(tmp_path):
    good(tmp_path)
    sub = tmp_path / "子目录"
    write_form(sub / "second.xlsx", FORM | {"项目编号": "PX-2"})
    os.symlink(tmp_path, sub / "回到上层")  # a directory loop
    os.symlink("自己.xlsx", tmp_path / "自己.xlsx")  # a file that points at itself
    assert loader.discover(tmp_path) == ["good.xlsx", "子目录/second.xlsx", "自己.xlsx"]
    assert findings(tmp_path) == [
        sg001("自己.xlsx", "文件是循环的快捷方式（符号链接指向自己），无法读取；请换成真正的文件")
    ]


def test_a_folder_named_like_a_workbook_is_walked_not_read(tmp_path):
    good(tmp_path)
    write_form(tmp_path / "材料.xlsx" / "inner.xlsx", FORM | {"项目编号": "PX-2"})
    assert loader.discover(tmp_path) == ["good.xlsx", "材料.xlsx/inner.xlsx"]
    assert findings(tmp_path) == []


# -- what is inside a workbook ---------------------------------------------------------------------


def test_hidden_and_very_hidden_sheets_are_read(tmp_path):
    good(tmp_path)
    path = tmp_path / "隐藏.xlsx"
    write_form(
        path, FORM | {"项目编号": "PX-2", "申请金额": "3000"}, budget=[("工作经费", "物资", 3000)]
    )
    write_table(
        path,
        "经费台账",
        LEDGER_HEADER,
        [("2023-05-01", "PX-2", "工作经费", "物资", 100, "F9", "商店", "", "是", REMARK)],
    )
    wb = openpyxl.load_workbook(path)
    wb["预算明细"].sheet_state = "hidden"
    wb["经费台账"].sheet_state = "veryHidden"
    wb.create_sheet("下拉列表").sheet_state = "veryHidden"  # a template's list sheet: not an SG008
    wb.save(path)
    assert findings(tmp_path) == []
    data = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data
    assert [(b.project_id, b.amount) for b in data.budget] == [("PX-2", Decimal("3000.00"))]
    assert [(e.project_id, e.amount, e.loc.sheet) for e in data.ledger] == [
        ("PX-2", Decimal("100.00"), "经费台账")
    ]


# -- numbers calamine cannot turn into dates -------------------------------------------------


def _dated_numbers(path: Path, start, end, project: str = "PX-2") -> Path:
    """A form whose 开始日期 and 结束日期 hold numbers in cells formatted 'yyyy-mm-dd'."""
    cells = write_form(path, {**FORM, "项目编号": project, "开始日期": start, "结束日期": end})
    wb = openpyxl.load_workbook(path)
    for label in ("开始日期", "结束日期"):
        wb["申报表"][cells[label]].number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


PANIC_WORDS = ("panicked", "backtrace", "RUST", "TimeDelta", "chrono")


def test_a_number_no_date_can_hold_is_one_sg001_and_nothing_on_stderr(tmp_path, capfd, caplog):
    """calamine (Rust) panics turning -1e20 into a date and prints the panic on fd 2 itself."""
    good(tmp_path)
    _dated_numbers(tmp_path / "huge.xlsx", -1e20, -1e12)
    with caplog.at_level("DEBUG", logger="sgov.io"):
        got = findings(tmp_path)
    assert got == [
        sg001(
            "huge.xlsx",
            "工作表“申报表”中有设为日期格式的单元格，数值超出日期范围（可能是金额或号码被设成了日期格式），"
            "整张表无法读取；请把这些单元格改为“常规”格式或改正数值后重新保存",
        )
    ]
    out, err = capfd.readouterr()
    assert [word for word in PANIC_WORDS if word in out + err] == []
    assert "panicked" in caplog.text  # kept for the debug log
    os.write(2, b"fd 2 is back\n")  # the terminal's stderr is restored after the read
    assert capfd.readouterr().err == "fd 2 is back\n"


def test_huge_positive_numbers_in_date_cells_are_located_date_errors(tmp_path):
    """calamine keeps a number past 9999-12-31 as a number: each is an SG003 in its cell."""
    good(tmp_path)
    _dated_numbers(tmp_path / "big.xlsx", 99999999999, 1e20)
    assert findings(tmp_path) == [
        ("SG003", "big.xlsx", "申报表", "B9", "“开始日期”应填日期，“99999999999”不是日期：请改正"),
        ("SG003", "big.xlsx", "申报表", "B10", "“结束日期”应填日期，“1e+20”不是日期：请改正"),
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sgov_validate_prints_no_rust_panic(tmp_path, workers):
    """The clerk's terminal: run as a program, RUST_BACKTRACE set, read alone or by workers."""
    good(tmp_path)
    _dated_numbers(tmp_path / "huge.xlsx", -1e20, 1)
    for i in range(3):  # more files, so two workers have something to share
        _dated_numbers(tmp_path / f"ok{i}.xlsx", 45000, 45100, project=f"PX-{i + 3}")
    done = subprocess.run(
        [sys.executable, "-m", "selfgov_cli", "validate", str(tmp_path), "-f", "json"]
        + ["--as-of", "2023-12-31", "--no-cache", "--workers", workers],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "RUST_BACKTRACE": "1"},
        timeout=120,
    )
    assert done.returncode == 1
    assert [word for word in PANIC_WORDS if word in done.stderr] == []
    assert "Traceback" not in done.stderr
    payload = json.loads(done.stdout)
    assert [
        (f["rule"], f["file"], f["sheet"], f["cell"], f["message"]) for f in payload["findings"]
    ] == [
        (
            "SG001",
            "huge.xlsx",
            None,
            None,
            "无法读取：工作表“申报表”中有设为日期格式的单元格，数值超出日期范围（可能是金额或号码被设成了日期格式），"
            "整张表无法读取；请把这些单元格改为“常规”格式或改正数值后重新保存",
        )
    ]
    assert payload["summary"]["projects"] == 4  # the run went on: PX-1, PX-3, PX-4, PX-5


def test_the_stderr_guard_costs_microseconds(tmp_path):
    """Pointing fd 2 at the temporary file and back, per workbook read."""
    import time

    path = tmp_path / "x.xlsx"
    with workbook.native_stderr_to_log(path):
        pass  # the temporary file is opened once per process
    start = time.perf_counter()
    for _ in range(1000):
        with workbook.native_stderr_to_log(path):
            pass
    assert (time.perf_counter() - start) / 1000 < 0.001  # measured: about 5 µs


# -- numbers that are no amount -------------------------------------------------------------


def test_a_phone_number_in_an_amount_cell_is_sg003_and_never_money(tmp_path):
    """The spec sets no bound; the local default: over 1亿元, or a mobile number, is SG003."""
    good(tmp_path)
    budget = [("工作经费", "物资", 13800000000), ("工作经费", "场地", 3000)]
    cells = write_form(
        tmp_path / "phone.xlsx", {**FORM, "项目编号": "PX-2", "申请金额": 13900063352}, budget
    )
    rows = [
        ("2023-05-01", "PX-1", "工作经费", "物资", 250_000_000, "F1", "商店", "", "是", REMARK),
        ("2023-05-02", "PX-1", "工作经费", "物资", "18612345678", "F2", "商店", "", "是", REMARK),
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    phone = "填的像是手机号码（11 位数字），不是金额"
    assert findings(tmp_path) == [
        (
            "SG003",
            "phone.xlsx",
            "申报表",
            cells["申请金额"],
            f"“申请金额”应填金额，{phone}：请改正",
        ),
        ("SG003", "phone.xlsx", "预算明细", "C2", f"“金额”应填金额，{phone}：请改正"),
        (
            "SG003",
            "台账.xlsx",
            "经费台账",
            "E2",
            "“金额”应填金额，“250000000”超过 1 亿元，不是这类项目可能的金额（是否多打了位数？）：请改正",
        ),
        ("SG003", "台账.xlsx", "经费台账", "E3", f"“金额”应填金额，{phone}：请改正"),
    ]
    data = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data
    project = {p.project_id: p for p in data.projects}["PX-2"]
    assert project.requested is None
    assert [line.amount for line in data.budget if line.project_id == "PX-2"] == [
        None,
        Decimal("3000.00"),
    ]
    assert [e.amount for e in data.ledger] == [None, None]


def test_error_cells_are_reported_where_they_are(tmp_path):
    good(tmp_path)
    div = Err("#DIV/0!")
    div.formula = "E5/0"
    header = [*LEDGER_HEADER[:7], "负责人签字", "备注"]
    raw_xlsx(
        tmp_path / "错误值.xlsx",
        "经费台账",
        rows=[
            header,
            ["2023-05-01", "PX-1", "工作经费", "物资", div, "F1", "商店", "是", REMARK],
            [Err("#REF!"), "PX-1", "工作经费", "物资", 50, "F2", "商店", "是", REMARK],
            ["2023-05-03", "PX-1", "工作经费", "物资", 60, "F3", "商店", Err("#N/A"), REMARK],
        ],
    )
    explain = "（公式出错或引用失效），请修正公式或改填数值：请改正"
    assert findings(tmp_path) == [
        (
            "SG003",
            "错误值.xlsx",
            "经费台账",
            "E2",
            f"“金额”应填金额，单元格显示错误值 #DIV/0!{explain}",
        ),
        (
            "SG003",
            "错误值.xlsx",
            "经费台账",
            "A3",
            f"“日期”应填日期，单元格显示错误值 #REF!{explain}",
        ),
        (
            "SG003",
            "错误值.xlsx",
            "经费台账",
            "H4",
            f"“负责人签字”应填是/否，单元格显示错误值 #N/A{explain}",
        ),
    ]


DATE_FORMS = [
    "2023-05-01",
    "2023/5/1",
    "2023.5.1",
    "2023年5月1日",
    "2023年05月01日",
    "2023年5月1号",
    "2023 年 5 月 1 日",
    "20230501",
    "2023-05-01 00:00:00",
    "2023/05/01 9:30",
    "２０２３－０５－０１",
    " 2023-5-1 ",
    "45047",
    "2023-05-01T00:00:00",
]


def test_dates_stored_as_text_in_a_dozen_forms(tmp_path):
    good(tmp_path)
    rows = [
        (text, "PX-1", "工作经费", "物资", 10, f"F{i}", "商店", "", "是", REMARK)
        for i, text in enumerate(DATE_FORMS)
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    assert findings(tmp_path) == []
    ledger = validate(tmp_path, program="puxing-2023", as_of=AS_OF).data.ledger
    assert [e.date for e in ledger] == [date(2023, 5, 1)] * len(DATE_FORMS)


def test_ambiguous_dates_are_refused_not_guessed(tmp_path):
    good(tmp_path)
    rows = [
        (text, "PX-1", "工作经费", "物资", 10, f"F{i}", "商店", "", "是", REMARK)
        for i, text in enumerate(["5/1/2023", "23-5-1", "2023年5月", "2023-02-30"])
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    got = [(rule, cell) for rule, _, _, cell, _ in findings(tmp_path)]
    assert got == [("SG003", "A2"), ("SG003", "A3"), ("SG003", "A4"), ("SG003", "A5")]


# -- every hostile folder through the command line: exit 0/1, JSON, never a traceback ------------

HOSTILE = {
    "bomb": lambda d: raw_xlsx(d / "bomb.xlsx", "经费台账", chunks=_bomb_chunks(210)),
    "html": lambda d: (d / "x.xlsx").write_text("<html><table><tr><td>1</td></tr></table></html>"),
    "text": lambda d: (d / "x.xlsx").write_text("a,b\n1,2\n"),
    "empty": lambda d: (d / "x.xlsx").write_bytes(b""),
    "ole-junk": lambda d: (d / "x.xls").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    ),
    "zip-junk": lambda d: (d / "x.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 600),
    "wide": lambda d: raw_xlsx(
        d / "w.xlsx", "经费台账", b'<row r="1"><c r="XFD1"><v>1</v></c></row>'
    ),
    "errors": lambda d: raw_xlsx(
        d / "e.xlsx", "申报表", rows=[["项目编号", Err("#REF!")], [Err("#NAME?"), 1]]
    ),
    "bad-csv": lambda d: (d / "经费台账.csv").write_bytes(b'"unterminated\n\x00\xff'),
    "self-link": lambda d: os.symlink("l.xlsx", d / "l.xlsx"),
    "dir-loop": lambda d: os.symlink(d, d / "loop"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_cli_survives_every_hostile_folder(tmp_path, name):
    good(tmp_path)
    HOSTILE[name](tmp_path)
    result = CliRunner().invoke(
        app, ["validate", str(tmp_path), "--format", "json", "--as-of", "2023-12-31"]
    )
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    payload = json.loads(result.stdout)
    assert payload["summary"]["projects"] >= 1
    assert not [f for f in payload["findings"] if f["file"] == "good.xlsx"]


def _ods_raw(path: Path, rows_xml: str) -> Path:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    _ods(path, {"经费台账": [["日期"]]})
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    content = parts["content.xml"].decode()
    content = content.replace("</table:table>", rows_xml + "</table:table>")
    assert ns in content
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, content if name == "content.xml" else data, zipfile.ZIP_DEFLATED)
    return path


def test_ods_repeated_values_are_refused_but_empty_repeats_are_fine(tmp_path):
    good(tmp_path)
    cell = '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="10000"/>'
    _ods_raw(
        tmp_path / "a重复.ods",
        f'<table:table-row table:number-rows-repeated="5000">{cell}</table:table-row>',
    )
    empty = '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    _ods_raw(tmp_path / "b空行.ods", empty)
    message = "工作表“经费台账”的使用区域有 5,001 行 × 10,000 列，超过 20,000,000 个单元格的上限，已拒绝读取；请删除远处的多余内容后重新保存"
    no_header = "工作表“经费台账”找不到表头（应有列：日期、项目编号、支出类别、摘要、金额、收款方）：请按模板填写表头"
    assert findings(tmp_path) == [
        sg001("a重复.ods", message),
        ("SG002", "b空行.ods", "经费台账", None, no_header),
    ]
    issues, peak = _peak_mb_reading(tmp_path, "a重复.ods")
    assert (issues, peak < 150) == ([["SG001", f"无法读取：{message}"]], True)


def test_a_sub_folder_that_cannot_be_listed_is_a_finding_not_skipped(tmp_path, monkeypatch):
    """A folder sgov may not list (chmod 000, another user's) vanished in silence: its
    evaluations or ledgers missing from the money with no finding. It is SG001 naming it; the
    rest of the folder is read. (Simulated: the tests run as root, who may list anything.)"""
    good(tmp_path)
    write_form(tmp_path / "评估" / "x.xlsx", {"项目编号": "PX-9"})
    real = os.scandir

    def scandir(path="."):
        if Path(path).name == "评估":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert findings(tmp_path) == [
        sg001(
            "评估", "文件夹打不开（没有读取权限），其中的工作簿都没有读到；请检查这个文件夹的权限"
        )
    ]
