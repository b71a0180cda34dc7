"""Parallel reading gives exactly what a serial read gives, in the same order."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.io import loader
from selfgov_cli.io.cache import decode, encode
from selfgov_cli.io.loader import discover, load_folder, parse_file, worker_count
from selfgov_cli.io.tables import RowCells
from selfgov_cli.validate import validate
from tests.helpers import LEDGER_HEADER, write_book, write_config, write_form, write_table


def dump(data) -> list:
    """Everything a Dataset holds, as plain values, cells and issues included (== on records
    ignores cells, values and bad, so compare this instead)."""

    def record(rec) -> tuple:
        fields = []
        for name in rec.__slots__:
            value = getattr(rec, name)
            if name == "cells":
                value = dict(value)
            elif name in ("bad", "present", "columns"):
                value = sorted(value)
            elif name == "values":
                value = sorted(value.items())
            fields.append((name, value))
        return (type(rec).__name__, tuple(fields))

    out = []
    for res in data.files:
        out.append(("file", res.path, res.kinds))
        for group in (
            res.projects,
            res.budget,
            res.members,
            res.ledger,
            res.scores,
            res.evaluations,
            res.decisions,
        ):
            out.extend(record(rec) for rec in group)
        out.extend(("issue", i.rule, i.message, i.loc, i.project_id) for i in res.issues)
    return out


def _mixed_folder(root: Path) -> Path:
    """Forms, ledgers with mistakes, a merged header, an unreadable file, a csv, a skipped book."""
    write_config(root, "puxing-2023")
    for i in range(6):
        write_form(
            root / f"申报/{i:02d}.xlsx",
            {
                "项目编号": f"P{i}",
                "项目名称": f"项目{i}",
                "项目类别": "怡家",
                "居民区": "一居",
                "申报主体": "一居居委会",
                "项目负责人": "张三",
                "申请金额": 10000 + i,
                "开始日期": date(2023, 4, 1),
                "结束日期": "2023年12月31日" if i % 2 else date(2023, 12, 31),
            },
            budget=[("工作经费", "物资", 10000 + i), ("合计", None, 10000 + i)],
            members=[("张三", "负责人", "是", "否")],
        )
    rows = []
    for r in range(300):
        amount = [12.5, "１２０元", "x", None, -0.0, 0, 3.0][r % 7]
        rows.append(
            (
                date(2023, 5, 1 + r % 28),
                f"P{r % 7}",
                ["工作经费", "管理费", "奖励"][r % 3],
                "买物资",
                amount,
                f"INV{r % 250}",
                "商店",
                "商户",
                ["是", "否", None][r % 3],
                "自治金项目",
            )
        )
    write_table(root / "台账/台账A.xlsx", "经费台账", LEDGER_HEADER, rows)
    write_table(root / "台账/台账B.xlsx", "经费台账", LEDGER_HEADER, rows[::-1])
    write_book(
        root / "台账/合并.xlsx",
        {
            "经费台账": [
                list(LEDGER_HEADER),
                [date(2023, 6, 1), "P1", "工作经费", "茶水", 50, "Z1", "店", None, "是", ""],
            ]
        },
    )
    from openpyxl import load_workbook

    wb = load_workbook(root / "台账/合并.xlsx")
    wb["经费台账"].merge_cells("D2:E2")
    wb.save(root / "台账/合并.xlsx")
    (root / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "经费台账.csv").write_text(
        "日期,项目编号,支出类别,摘要,金额,发票号,收款方\n2023-05-01,P2,工作经费,纸,10,C1,店\n",
        encoding="utf-8",
    )
    write_book(root / "其他/签到表.xlsx", {"签到": [["姓名"], ["李四"]]})
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return _mixed_folder(tmp_path / "folder")


def test_parallel_equals_serial(folder: Path, caplog):
    serial = load_folder(folder, workers=1)
    with caplog.at_level(logging.DEBUG, logger="sgov.io"):
        parallel = load_folder(folder, workers=2)
    assert [r.path for r in parallel.files] == [r.path for r in serial.files]
    assert dump(parallel) == dump(serial)
    assert "并行读取" in caplog.text and "2 个进程" in caplog.text  # it really ran in workers
    assert "改为逐个读取" not in caplog.text
    # the mixed folder is a real test: every kind of content is there
    rules = {issue.rule for issue in serial.issues}
    assert {"SG001", "SG003", "SG008"} <= rules
    assert len(serial.ledger) == 602
    assert serial.ledger[0].cells == {
        "date": "A2",
        "project_id": "B2",
        "category": "C2",
        "description": "D2",
        "amount": "E2",
        "invoice_no": "F2",
        "payee": "G2",
        "payee_role": "H2",
        "leader_signed": "I2",
        "remark": "J2",
    }
    merged = [e for e in serial.ledger if e.loc.file == "台账/合并.xlsx"]
    assert [(e.description, e.amount, e.cells["amount"]) for e in merged] == [("茶水", None, "D2")]


def test_parallel_validation_is_byte_identical(folder: Path):
    as_of = date(2023, 12, 31)
    serial = validate(folder, as_of=as_of, loaded=None)
    from selfgov_cli.validate import load

    parallel = validate(folder, as_of=as_of, loaded=load(folder, workers=3))
    assert parallel.to_dict() == serial.to_dict()
    assert serial.errors > 0


def test_values_memoised_per_column_keep_types_apart(tmp_path: Path):
    """1, 1.0, True and -0.0 / 0.0 are equal in Python; a memo must not mix their readings."""
    rows = [
        (date(2023, 5, 1), "P1", "工作经费", "a", 0.0, "A", "店", None, True, ""),
        (date(2023, 5, 1), "P1", "工作经费", "b", -0.0, "B", "店", None, 1, ""),
        (date(2023, 5, 1), "P1", "工作经费", "c", True, "C", "店", None, 1.0, ""),
        (date(2023, 5, 1), "P1", "工作经费", "d", 1, "D", "店", None, "1", ""),
    ]
    write_table(tmp_path / "l.xlsx", "经费台账", LEDGER_HEADER, rows)
    data = load_folder(tmp_path, workers=1)
    assert [str(e.amount) for e in data.ledger] == ["0.00", "-0.00", "None", "1.00"]
    assert [e.leader_signed for e in data.ledger] == [True, True, True, True]
    assert [i.loc.cell for i in data.issues] == ["E4"]  # TRUE is not an amount


def test_row_cells_is_a_read_only_mapping():
    cells = RowCells({"date": "A", "amount": "E"}, 7)
    assert cells == {"date": "A7", "amount": "E7"}
    assert cells.get("amount") == "E7" and cells.get("x") is None and cells.get("x", "Z") == "Z"
    assert (
        "date" in cells
        and "x" not in cells
        and len(cells) == 2
        and list(cells) == ["date", "amount"]
    )
    with pytest.raises(KeyError):
        cells["x"]


def test_this_process_reads_too_and_workers_read_the_rest(folder: Path, monkeypatch):
    """With N readers, N - 1 workers take the biggest chunks and this process the smallest
    (its files need no encoding to come back); together they read each file once."""
    monkeypatch.setattr(loader, "_CHUNK_FILES", 1)  # a chunk a file
    here: list[str] = []
    parse_here = loader._parse_and_store
    monkeypatch.setattr(
        loader,
        "_parse_and_store",
        lambda root, rel, store: here.append(rel) or parse_here(root, rel, store),
    )
    found = list(loader._parse_parallel(folder, loader.discover(folder), 2, None))
    read = [rel for rel, _ in found]
    assert sorted(read) == loader.discover(folder)  # each file once
    assert here and len(here) < len(read)  # this process read some, the worker the others
    serial = {rel: loader.parse_file(folder, rel) for rel in read}
    assert all(dump_file(result) == dump_file(serial[rel]) for rel, result in found)


def dump_file(result) -> list:
    from selfgov_cli.model import Dataset

    return dump(Dataset.assemble("x", [result]))


def test_worker_count(tmp_path: Path, monkeypatch):
    for i in range(10):
        (tmp_path / f"{i}.xlsx").write_bytes(b"x" * 100)
    todo = [f"{i}.xlsx" for i in range(10)]
    monkeypatch.setattr(loader, "_cores", lambda: 4)
    assert worker_count(tmp_path, todo, 1) == 1
    assert worker_count(tmp_path, todo, 3) == 3
    assert worker_count(tmp_path, todo[:2], 8) == 2
    assert worker_count(tmp_path, todo, None) == 1  # 1 KB in all: not worth a process
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 500)
    assert worker_count(tmp_path, todo, None) == 4
    assert worker_count(tmp_path, todo[:3], None) == 1  # too few files


def test_broken_pool_falls_back_to_serial(folder: Path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("no processes allowed here")
        yield  # pragma: no cover

    monkeypatch.setattr(loader, "_parse_parallel", broken)
    with caplog.at_level(logging.WARNING, logger="sgov.io"):
        data = load_folder(folder, workers=2)
    assert dump(data) == dump(load_folder(folder, workers=1))
    assert "改为逐个读取" in caplog.text


def test_amounts_stay_decimal(folder: Path):
    data = load_folder(folder, workers=2)
    amounts = [e.amount for e in data.ledger if e.amount is not None]
    assert amounts and all(type(a) is Decimal for a in amounts)
    assert Decimal("12.50") in amounts and Decimal("120.00") in amounts


def test_formula_without_saved_value_is_found_in_every_path(tmp_path: Path):
    """openpyxl saves formulas without a value: SG003 at that cell, serial, parallel and cached."""
    from openpyxl import Workbook

    rows = [
        (date(2023, 5, 1), "P1", "工作经费", "a", 10, "A1", "店", None, "是", ""),
        (date(2023, 5, 2), "P1", "工作经费", "b", None, "A2", "店", None, "是", ""),
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "经费台账"
    for row in (LEDGER_HEADER, *rows):
        ws.append(row)
    ws["E3"] = "=E2*2"  # a real formula, saved without its value
    assert ws["E3"].data_type == "f"
    wb.save(tmp_path / "f.xlsx")
    write_table(tmp_path / "g.xlsx", "经费台账", LEDGER_HEADER, rows[:1])  # no formula at all
    expected = [("SG003", "f.xlsx", "E3", "P1")]
    for data in (load_folder(tmp_path, workers=1), load_folder(tmp_path, workers=2)):
        assert [(i.rule, i.loc.file, i.loc.cell, i.project_id) for i in data.issues] == expected
        assert "公式" in data.issues[0].message
        assert [e.amount for e in data.ledger] == [Decimal("10.00"), None, Decimal("10.00")]
        assert [sorted(e.bad) for e in data.ledger] == [[], ["amount"], []]


def test_a_workers_ledger_columns_are_sent_as_the_same_bytes_as_its_records(folder: Path):
    """A worker packs a ledger straight from its columns (never making the rows records, which
    the main process makes again): the same payload, byte for byte, as packing the records, for
    every file: merged cells and a csv included, and a book with two ledger sheets."""
    rows = [
        (date(2023, 5, 2), "P1", "工作经费", "纸", 5 + r, f"T{r}", "店", "商户", "是", "")
        for r in range(4)
    ]
    write_book(
        folder / "台账/两张.xlsx",
        {
            "经费台账": [list(LEDGER_HEADER), *map(list, rows)],
            "台账二": [list(LEDGER_HEADER), *map(list, rows[:2])],
        },
    )
    packed_from_columns = 0
    for rel in discover(folder):
        ledgers: list = []
        deferred = loader._parse_file(folder, rel, ledgers)
        assert deferred.ledger == ()
        assert encode(deferred, ledgers) == encode(parse_file(folder, rel)), rel
        if ledgers and encode(deferred, ledgers).split(b"\n")[1] != b"null":
            packed_from_columns += 1
    assert packed_from_columns == 4  # 台账A, 台账B, 经费台账.csv, 两张 (合并 goes the general way)
    two = decode(encode(*_deferred(folder, "台账/两张.xlsx")))
    assert [(e.loc.sheet, e.loc.row, e.invoice_no) for e in two.ledger] == [
        *(("经费台账", r + 2, f"T{r}") for r in range(4)),
        *(("台账二", r + 2, f"T{r}") for r in range(2)),
    ]


def _deferred(folder: Path, rel: str) -> tuple:
    ledgers: list = []
    return loader._parse_file(folder, rel, ledgers), ledgers
