"""The incremental cache: same results with and without it; changes are seen; junk is a miss."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.io import cache as cache_mod
from selfgov_cli.io.cache import FileCache, decode, encode
from selfgov_cli.io.loader import load_folder, parse_file
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table
from tests.io.test_parallel import _mixed_folder, dump

pytestmark = pytest.mark.usefixtures("cache_dir")  # a cache folder of the test's own


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return _mixed_folder(tmp_path / "folder")


def _parsed(monkeypatch) -> list[str]:
    """Record which files get parsed (a cache miss) from now on."""
    seen: list[str] = []
    real = parse_file

    def spy(root, rel):
        seen.append(rel)
        return real(root, rel)

    monkeypatch.setattr("selfgov_cli.io.loader.parse_file", spy)
    return seen


def test_cached_equals_uncached(folder: Path, monkeypatch):
    fresh = load_folder(folder, workers=1)
    first = load_folder(folder, workers=1, cache=True)  # fills the cache
    parsed = _parsed(monkeypatch)
    second = load_folder(folder, workers=1, cache=True)
    assert parsed == ["坏文件.xlsx"]  # everything else came from the cache; SG001 is never cached
    assert dump(first) == dump(fresh)
    assert dump(second) == dump(fresh)


def test_cache_filled_by_workers_equals_uncached(folder: Path, monkeypatch):
    fresh = load_folder(folder, workers=1)
    load_folder(folder, workers=2, cache=True)
    parsed = _parsed(monkeypatch)
    assert dump(load_folder(folder, workers=1, cache=True)) == dump(fresh)
    assert parsed == ["坏文件.xlsx"]


def test_ledger_encoding_round_trips_exactly(folder: Path):
    for rel in ("台账/台账A.xlsx", "台账/合并.xlsx", "经费台账.csv", "申报/00.xlsx"):
        result = parse_file(folder, rel)
        again = decode(encode(result))
        assert again == result
        assert [dict(e.cells) for e in again.ledger] == [dict(e.cells) for e in result.ledger]
        assert [e.bad for e in again.ledger] == [e.bad for e in result.ledger]
        assert [type(e.amount) for e in again.ledger] == [type(e.amount) for e in result.ledger]
    assert (
        cache_mod._pack_ledger(parse_file(folder, "台账/台账A.xlsx")) is not None
    )  # the fast path ran
    assert (
        cache_mod._pack_ledger(parse_file(folder, "台账/合并.xlsx")) is None
    )  # merged: plain pickle


def test_changed_file_is_read_again(folder: Path, monkeypatch):
    load_folder(folder, workers=1, cache=True)
    target = folder / "台账/台账B.xlsx"
    write_table(
        target,
        "经费台账",
        LEDGER_HEADER,
        [
            (
                date(2023, 5, 2),
                "P1",
                "工作经费",
                "新摘要",
                99,
                "NEW1",
                "店",
                "商户",
                "是",
                "自治金项目",
            )
        ],
    )
    parsed = _parsed(monkeypatch)
    data = load_folder(folder, workers=1, cache=True)
    assert sorted(parsed) == ["台账/台账B.xlsx", "坏文件.xlsx"]
    assert [e.description for e in data.ledger if e.loc.file == "台账/台账B.xlsx"] == ["新摘要"]
    assert dump(data) == dump(load_folder(folder, workers=1))


def test_same_size_same_mtime_change_is_seen(folder: Path, monkeypatch):
    """A file rewritten in place with the same size and its old mtime put back: hashed, re-read."""
    target = folder / "经费台账.csv"
    load_folder(folder, workers=1, cache=True)
    before = target.stat()
    target.write_text(target.read_text(encoding="utf-8").replace("C1", "C2"), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    parsed = _parsed(monkeypatch)
    data = load_folder(folder, workers=1, cache=True)
    assert "经费台账.csv" in parsed
    assert [e.invoice_no for e in data.ledger if e.loc.file == "经费台账.csv"] == ["C2"]


def test_touched_but_identical_file_is_not_parsed(folder: Path, monkeypatch):
    load_folder(folder, workers=1, cache=True)
    target = folder / "台账/台账A.xlsx"
    target.write_bytes(target.read_bytes())  # new mtime and ctime, same bytes
    os.utime(target, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    parsed = _parsed(monkeypatch)
    load_folder(folder, workers=1, cache=True)
    assert parsed == ["坏文件.xlsx"]
    store = FileCache(folder)
    assert store.get("台账/台账A.xlsx") is not None and store.rehashed == 0  # new stat remembered


def test_deleted_file_is_dropped(folder: Path, cache_dir: Path):
    load_folder(folder, workers=1, cache=True)
    store = FileCache(folder)
    entries = sorted(p.name for p in store.dir.iterdir())
    assert len(entries) == 11  # 12 files, the unreadable one not cached
    (folder / "台账/台账B.xlsx").unlink()
    data = load_folder(folder, workers=1, cache=True)
    assert "台账/台账B.xlsx" not in [r.path for r in data.files]
    after = sorted(p.name for p in store.dir.iterdir())
    assert set(after) == set(entries) - {store._entry("台账/台账B.xlsx").name}


@pytest.mark.parametrize(
    "junk", [b"", b"garbage", cache_mod._MAGIC + b"\x05\x00\x00\x00trunc", None]
)
def test_corrupt_entry_is_a_miss(folder: Path, monkeypatch, junk):
    expected = dump(load_folder(folder, workers=1))
    load_folder(folder, workers=1, cache=True)
    store = FileCache(folder)
    entry = store._entry("台账/台账A.xlsx")
    if junk is None:  # a valid header whose payload is damaged
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) - 40] + b"\x00" * 40)
    else:
        entry.write_bytes(junk)
    parsed = _parsed(monkeypatch)
    assert dump(load_folder(folder, workers=1, cache=True)) == expected
    assert "台账/台账A.xlsx" in parsed


def test_code_change_starts_a_new_cache(folder: Path, monkeypatch):
    load_folder(folder, workers=1, cache=True)
    old = FileCache(folder).dir
    monkeypatch.setattr(cache_mod, "code_fingerprint", lambda: "another-version")
    parsed = _parsed(monkeypatch)
    load_folder(folder, workers=1, cache=True)
    assert len(parsed) == 12
    assert not old.exists()  # the old reader's entries are pruned


def test_read_only_cache_dir_is_ignored(folder: Path, cache_dir: Path):
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.write_text("a file where the cache folder should be")
    assert dump(load_folder(folder, workers=1, cache=True)) == dump(load_folder(folder, workers=1))


def test_input_files_are_not_written(folder: Path):
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    load_folder(folder, workers=2, cache=True)
    load_folder(folder, workers=1, cache=True)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}
    assert after == before


def _cli(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, json.loads(result.stdout)


def test_cli_no_cache_and_workers(tmp_path: Path, cache_dir: Path):
    folder = tmp_path / "p"
    write_config(folder, "puxing-2023")
    write_form(
        folder / "a.xlsx",
        {"项目编号": "P1", "项目名称": "x", "申请金额": "abc"},
        budget=[("工作经费", "物资", 100)],
    )
    args = ["validate", str(folder), "--format", "json", "--as-of", "2023-12-31"]
    code, uncached = _cli(*args, "--no-cache")
    assert not cache_dir.exists()  # --no-cache writes nothing
    code2, filled = _cli(*args)
    assert cache_dir.exists()
    code3, warm = _cli(*args, "--workers", "2")
    assert code == code2 == code3 == 1
    assert uncached == filled == warm
    assert any(f["rule"] == "SG003" and f["cell"] == "B3" for f in warm["findings"])
    bad = CliRunner().invoke(app, [*args, "--workers", "0"])
    assert bad.exit_code == 2


def test_a_ledger_column_of_repeated_texts_is_stored_once_and_read_back_shared(tmp_path):
    """A ledger's repeated texts (项目编号, 支出类别, 收款方) are stored once with an index a row;
    decoded, equal texts are one object; a mostly distinct column (发票号) is stored as it is; an
    index that points nowhere is not a cache entry (a miss, never a wrong row)."""
    from selfgov_cli.io.loader import parse_file

    rows = [
        (
            date(2023, 4, 1 + i % 28),
            f"PX-{i % 3}",
            "工作经费",
            "物资",
            10 + i,
            f"F{i}",
            "商店",
            "商户",
            "是",
            "",
        )
        for i in range(60)
    ]
    write_table(tmp_path / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    result = parse_file(tmp_path, "台账.xlsx")
    payload = encode(result)
    head, tail = payload.split(b"\n", 1)  # the tagged result, then the packed ledger
    packed = json.loads(tail)
    texts = packed[-1]
    assert texts["project_id"] == {"k": ["PX-0", "PX-1", "PX-2"], "i": [i % 3 for i in range(60)]}
    assert texts["invoice_no"] == [f"F{i}" for i in range(60)]
    back = decode(payload)
    assert [e.project_id for e in back.ledger] == [e.project_id for e in result.ledger]
    assert back.ledger[0].project_id is back.ledger[3].project_id
    assert [e.invoice_no for e in back.ledger] == [f"F{i}" for i in range(60)]
    texts["project_id"]["i"][5] = 3  # no fourth 项目编号
    with pytest.raises(ValueError, match="ledger column"):
        decode(head + b"\n" + json.dumps(packed, ensure_ascii=False).encode())
