"""The cold read's fast paths give exactly what the plain way gives: table columns read in bulk
(tables._bulk_text, _bulk_amount) as cell by cell (Decimal to the digit, the same blanks and
reasons); a file's path checked part by part (loader._inside_rel) as resolved in full."""

from __future__ import annotations

from decimal import Decimal

import pytest

from selfgov_cli.io import tables
from selfgov_cli.io.loader import parse_file
from selfgov_cli.io.values import parse_cell_amount, parse_text
from tests import hostile_files as H
from tests.helpers import write_book
from tests.hostile_files import LEDGER

TEXTS = [
    "海报",
    "  海报 ",
    "海\u3000报",
    "\u3000海报\u3000",
    "   ",
    "\u3000",
    "",
    "#REF!",
    " #div/0! ",
    "#N/A",
    "#话题",
    "a#b",
    "海报",
    "\t票\n",
]
AMOUNTS = [
    1.0,
    0.125,
    2.675,
    -5.5,
    1e-05,
    1234.5,
    99999999.99,
    99999999.995,
    99999999.999,
    1.0,
]
TOO_BIG = [100000000.0, 100000000.01, 13900063352.0, 1e15, float("inf"), float("nan")]


def _strict(found):
    values, empty, failed = found
    return [(type(v).__name__, str(v)) for v in values], empty, failed


@pytest.mark.parametrize(
    ("raws", "parse"),
    [
        (TEXTS, parse_text),
        ([None, *TEXTS, None], parse_text),
        (["#REF!", "   "], parse_text),
        (["#REF!", "海报", "#话题"], parse_text),
        (["无井号", "也无"], parse_text),
        (AMOUNTS, parse_cell_amount),
        ([None, *AMOUNTS], parse_cell_amount),
        *[([*AMOUNTS, big], parse_cell_amount) for big in TOO_BIG],
    ],
)
def test_a_column_in_bulk_reads_as_cell_by_cell(raws, parse):
    kind = {type(raw) for raw in raws} - {type(None)}
    assert tables._BULK.get((parse, kind.pop())) is not None  # the bulk path is taken
    assert _strict(tables._parse_column(raws, parse)) == _strict(tables._parse_mixed(raws, parse))


def test_a_ledger_of_odd_texts_and_amounts_reads_as_cell_by_cell(tmp_path, monkeypatch):
    header = ["日期", "项目编号", "支出类别", "摘要", "金额", "发票号", "收款方"]
    rows = [
        ["2023-04-01", "PX-1", "工作经费", text, amount, f"F{i}", "店"]
        for i, (text, amount) in enumerate(zip(TEXTS, AMOUNTS * 2, strict=False))
    ]
    rows += [["2023-04-02", "PX-1", "工作经费", "大额", big, "F", "店"] for big in TOO_BIG[:4]]
    write_book(tmp_path / "台账.xlsx", {"经费台账": [header, *rows]})
    bulk = parse_file(tmp_path, "台账.xlsx")
    monkeypatch.setattr(tables, "_BULK", {})
    one_by_one = parse_file(tmp_path, "台账.xlsx")
    assert len(bulk.ledger) == len(rows) and len(bulk.issues) == 9
    assert repr(bulk) == repr(one_by_one)
    assert [e.description for e in bulk.ledger[:4]] == ["海报", "海报", "海 报", "海报"]
    assert [str(e.amount) for e in bulk.ledger[:4]] == ["1.00", "0.13", "2.68", "-5.50"]


def test_a_file_reached_through_a_linked_folder_is_inside_only_if_the_folder_is(tmp_path):
    outside = tmp_path / "外面"
    folder = tmp_path / "项目"
    for where in (outside, folder / "真"):
        write_book(where / "台账.xlsx", {"经费台账": [["日期", "金额"], ["2023-04-01", 5]]})
    (folder / "出去").symlink_to(outside, target_is_directory=True)
    (folder / "进来").symlink_to(folder / "真", target_is_directory=True)
    refused = "无法读取：文件是指向项目文件夹之外的快捷方式（符号链接），已跳过；请把文件本身放进项目文件夹"
    for rel in ("出去/台账.xlsx", "真/../../外面/台账.xlsx", "./出去/台账.xlsx"):
        assert [i.message for i in parse_file(folder, rel).issues] == [refused], rel
    for rel in ("真/台账.xlsx", "进来/台账.xlsx", "真/../进来/台账.xlsx"):
        assert [e.amount for e in parse_file(folder, rel).ledger] == [Decimal("5.00")], rel


def test_an_error_cell_written_with_single_quotes_is_found(tmp_path):
    """The sheet scan's one regex finds t='e' as the two searches it replaced did."""

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    header = "".join(text(f"{c}1", v) for c, v in zip("ABCDE", LEDGER[:5], strict=True))
    row = (
        text("A2", "2023-05-01")
        + text("B2", "PX-1")
        + text("C2", "工作经费")
        + text("D2", "物资")
        + "<c r=\"E2\" t='e'><v>#DIV/0!</v></c>"
    )
    H.raw_xlsx(
        tmp_path / "台账.xlsx",
        "经费台账",
        [f'<row r="1">{header}</row>', f'<row r="2">{row}</row>'],
        [],
    )
    result = parse_file(tmp_path, "台账.xlsx")
    issues = [(i.rule, i.loc.cell, i.message) for i in result.issues if i.rule == "SG003"]
    assert issues == [
        (
            "SG003",
            "E2",
            "“金额”应填金额，单元格显示错误值 #DIV/0!（公式出错或引用失效），请修正公式或改填数值：请改正",
        )
    ]
