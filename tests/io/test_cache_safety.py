"""Issue 17: a cache that cannot run code or lie, and reading that never hangs."""

from __future__ import annotations

import os
import pickle
import stat
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.io import cache as cache_mod
from selfgov_cli.io.cache import FileCache, decode, encode
from selfgov_cli.io.loader import discover, load_folder, parse_file
from tests.helpers import LEDGER_HEADER, write_config, write_table

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes, FIFOs and symlinks")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache_mod.CACHE_ENV, str(where))
    return where


def _ledger_folder(root: Path, amount=22000) -> Path:
    write_config(root, "puxing-2023")
    write_table(
        root / "经费台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            (
                date(2023, 5, 2),
                "P1",
                "工作经费",
                "物资",
                amount,
                "03100190",
                "某店",
                "商户",
                "是",
                "",
            )
        ],
    )
    return root


def _amounts(data) -> list[Decimal]:
    return [e.amount for e in data.ledger]


def test_entries_are_json_with_a_checksum_not_pickle(tmp_path, cache_dir):
    folder = _ledger_folder(tmp_path / "f")
    load_folder(folder, workers=1, cache=True)
    entries = list(cache_dir.rglob("*.json"))
    assert len(entries) == 1
    data = entries[0].read_bytes()
    assert data.startswith(b"sgov-cache 4\n")
    assert b"\x80\x04" not in data and b"\x80\x05" not in data  # no pickle protocol header
    assert b'"22000' in data


def test_edited_entry_is_ignored_and_the_file_read_again(tmp_path, cache_dir, monkeypatch):
    folder = _ledger_folder(tmp_path / "f")
    assert _amounts(load_folder(folder, workers=1, cache=True)) == [Decimal("22000")]
    (entry,) = cache_dir.rglob("*.json")
    data = entry.read_bytes()
    assert data.count(b"22000") == 1
    entry.write_bytes(data.replace(b"22000", b"92000"))
    store = FileCache(folder)
    assert store.get("经费台账.xlsx") is None
    assert store.rejected == 1
    assert _amounts(load_folder(folder, workers=1, cache=True)) == [Decimal("22000")]


def test_planted_pickle_never_runs(tmp_path, cache_dir):
    folder = _ledger_folder(tmp_path / "f")
    load_folder(folder, workers=1, cache=True)
    (entry,) = cache_dir.rglob("*.json")
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    entry.write_bytes(cache_mod._MAGIC + pickle.dumps(Boom()))
    assert _amounts(load_folder(folder, workers=1, cache=True)) == [Decimal("22000")]
    assert not marker.exists()
    with pytest.raises(ValueError):
        decode(pickle.dumps(Boom()))
    assert not marker.exists()


def test_decode_builds_only_model_records():
    with pytest.raises((KeyError, ValueError)):
        decode(b'[{"c":"Popen","v":[]},null]')
    with pytest.raises(ValueError):
        decode(b'[{"c":"Location","v":["a"]},null]')  # wrong field count


def test_round_trip(tmp_path):
    folder = _ledger_folder(tmp_path / "f")
    result = parse_file(folder, "经费台账.xlsx")
    assert decode(encode(result)) == result


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757])
def test_folder_writable_by_others_turns_the_cache_off(tmp_path, cache_dir, mode, caplog):
    folder = _ledger_folder(tmp_path / "f")
    cache_dir.mkdir()
    os.chmod(cache_dir, mode)
    store = FileCache(folder)
    assert not store.usable
    assert "其他用户可写" in store.warning
    assert "本次不使用缓存" in caplog.text
    assert _amounts(load_folder(folder, workers=1, cache=True)) == [Decimal("22000")]
    assert list(cache_dir.rglob("*.json")) == []


def test_cache_folder_that_is_a_symlink_is_refused(tmp_path, cache_dir):
    folder = _ledger_folder(tmp_path / "f")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_dir.symlink_to(elsewhere)
    assert not FileCache(folder).usable


def test_new_cache_folders_are_private(tmp_path, cache_dir):
    folder = _ledger_folder(tmp_path / "f")
    store = FileCache(folder)
    assert store.usable
    for path in (cache_dir, store.base, store.dir):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


# -- no hangs ---------------------------------------------------------------------------------


def _run_with_timeout(func, seconds=20):
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("value", func()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading the folder blocked"
    return out["value"]


@pytest.mark.parametrize("cache", [True, False])
def test_fifo_named_like_a_workbook_is_sg001_not_a_hang(tmp_path, cache_dir, cache):
    folder = _ledger_folder(tmp_path / "f")
    os.mkfifo(folder / "pipe.xlsx")
    data = _run_with_timeout(lambda: load_folder(folder, workers=1, cache=cache))
    sg001 = [(i.loc.file, i.message) for i in data.issues if i.rule == "SG001"]
    assert sg001 == [
        ("pipe.xlsx", "无法读取：不是普通文件（可能是文件夹、管道、设备或套接字），已跳过")
    ]
    assert _amounts(data) == [Decimal("22000")]


@pytest.mark.parametrize("cache", [True, False])
def test_symlink_to_dev_zero_is_not_read(tmp_path, cache_dir, cache):
    folder = _ledger_folder(tmp_path / "f")
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    data = _run_with_timeout(lambda: load_folder(folder, workers=1, cache=cache))
    assert [i.loc.file for i in data.issues if i.rule == "SG001"] == ["zero.xlsx"]


def test_symlinks_leaving_the_folder_are_not_followed(tmp_path, cache_dir):
    outside = _ledger_folder(tmp_path / "outside")
    folder = _ledger_folder(tmp_path / "f")
    (folder / "外面.xlsx").symlink_to(outside / "经费台账.xlsx")
    (folder / "外面的文件夹").symlink_to(outside, target_is_directory=True)
    (folder / "子").mkdir()
    (folder / "子" / "里面.xlsx").symlink_to(folder / "经费台账.xlsx")  # inside: fine
    assert discover(folder) == ["外面.xlsx", "子/里面.xlsx", "经费台账.xlsx"]
    data = load_folder(folder, workers=1, cache=True)
    issues = [(i.loc.file, i.message) for i in data.issues if i.rule == "SG001"]
    assert issues == [
        (
            "外面.xlsx",
            "无法读取：文件是指向项目文件夹之外的快捷方式（符号链接），已跳过；请把文件本身放进项目文件夹",
        )
    ]
    assert len(data.ledger) == 2
