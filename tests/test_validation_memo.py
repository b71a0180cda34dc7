"""`sgov validate` of an unchanged folder reuses the stored validation (validation_memo): the same
bytes as validating afresh, no workbook read; anything it depends on changed is validated again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli import pipeline, validation_memo
from selfgov_cli.cli.app import app
from tests.cli.test_validate_cli import _form
from tests.helpers import LEDGER_HEADER, write_table
from tests.test_history import _last_year_folder, form, this_year

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_workbooks" / "puxing-2023"
DAY = "2023-12-31"


pytestmark = pytest.mark.usefixtures("cache_dir")  # a cache folder of the test's own


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """The folders whose workbooks are read (not reused whole) from now on."""
    seen: list[str] = []
    real = pipeline.load_folder

    def spy(root, *args, **kwargs):
        seen.append(Path(root).name)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_folder", spy)
    return seen


def _validate(folder: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["validate", str(folder), "--format", "json", "--as-of", DAY, "-q", *extra]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


def _fresh(folder: Path, *extra: str) -> tuple[int, str]:
    return _validate(folder, "--no-cache", *extra)


def _sample(tmp_path: Path) -> Path:
    folder = tmp_path / "puxing"
    shutil.copytree(SAMPLE, folder)
    return folder


def _entry(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob(validation_memo._ENTRY))


def test_an_unchanged_folder_is_shown_from_the_memo_byte_for_byte(tmp_path, cache_dir, loads):
    folder = _sample(tmp_path)
    fresh = _fresh(folder)
    assert loads == ["puxing"]
    assert _validate(folder) == fresh  # fills the file cache and the memo
    assert loads == ["puxing", "puxing"]
    assert len(_entry(cache_dir)) == 1
    again = _validate(folder)
    assert loads == ["puxing", "puxing"]  # nothing read
    assert again == fresh
    assert json.loads(fresh[1])["summary"]["errors"] > 0  # the sample has findings to show
    table = CliRunner().invoke(app, ["validate", str(folder), "--as-of", DAY, "-q"])
    plain = CliRunner().invoke(app, ["validate", str(folder), "--as-of", DAY, "-q", "--no-cache"])
    assert (table.exit_code, table.stdout) == (plain.exit_code, plain.stdout)
    assert loads == ["puxing", "puxing", "puxing"]  # only the --no-cache run read


def test_an_edited_workbook_is_validated_again(tmp_path, loads):
    _form(tmp_path / "a.xlsx")
    _form(tmp_path / "b.xlsx", 项目编号="PX-2")
    assert _validate(tmp_path) == (0, _fresh(tmp_path)[1])
    _form(tmp_path / "b.xlsx", 项目编号="PX-2", 申请金额="一万多")
    code, shown = _validate(tmp_path)
    assert (code, shown) == _fresh(tmp_path)
    assert code == 1
    assert [(f["rule"], f["project_id"], f["cell"]) for f in json.loads(shown)["findings"]] == [
        ("SG003", "PX-2", "B9")
    ]
    assert loads == [tmp_path.name] * 4


def test_a_touched_but_identical_workbook_is_reused_after_hashing(tmp_path, loads):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    first = _validate(tmp_path)
    stat = (tmp_path / "a.xlsx").stat()
    os.utime(tmp_path / "a.xlsx", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000_000))
    assert _validate(tmp_path) == first
    assert loads == [tmp_path.name]


@pytest.mark.parametrize("change", ["add", "remove", "config", "as_of", "program", "history"])
def test_whatever_the_validation_depends_on_is_in_the_key(tmp_path, loads, change):
    folder = _sample(tmp_path)
    extra: tuple[str, ...] = ()
    _validate(folder)
    if change == "add":
        _form(folder / "申报" / "新申报.xlsx", 项目编号="PX-2023-999", 申请金额="一万多")
    elif change == "remove":
        next(iter(sorted((folder / "申报").glob("*.xlsx")))).unlink()
    elif change == "config":
        toml = folder / "sgov.toml"
        toml.write_text(
            toml.read_text(encoding="utf-8").replace("midterm_date = 2023-07-31", ""),
            encoding="utf-8",
        )
    elif change == "as_of":
        extra = ("--as-of", "2023-06-30")
    elif change == "program":
        extra = ("--program", "puxing-2023")
    else:
        record = folder / "history" / "record-2022.json"
        data = json.loads(record.read_text(encoding="utf-8"))
        data["projects"] = []
        record.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _validate(folder, *extra) == _fresh(folder, *extra)
    assert loads == ["puxing", "puxing", "puxing"]  # the second run read the folder again


def test_a_tampered_memo_is_not_believed(tmp_path, cache_dir, loads):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    first = _validate(tmp_path)
    (entry,) = _entry(cache_dir)
    text = entry.read_bytes()
    assert "一万多".encode() in text
    entry.write_bytes(text.replace("一万多".encode(), "两万多".encode()))
    assert _validate(tmp_path) == first
    assert loads == [tmp_path.name] * 2


def test_no_cache_neither_reads_nor_writes_the_memo(tmp_path, cache_dir):
    _form(tmp_path / "a.xlsx")
    _fresh(tmp_path)
    assert _entry(cache_dir) == []


def test_nothing_is_stored_when_the_folder_has_what_sgov_cannot_hash(tmp_path, cache_dir, loads):
    _form(tmp_path / "a.xlsx")
    os.mkfifo(tmp_path / "管道.xlsx")  # SG001: not a regular file (never opened, never hashed)
    first = _validate(tmp_path)
    assert json.loads(first[1])["findings"][0]["rule"] == "SG001"
    assert _validate(tmp_path) == first
    assert _entry(cache_dir) == []
    assert loads == [tmp_path.name] * 2


def test_a_validation_with_too_many_findings_is_not_stored(tmp_path, cache_dir, monkeypatch):
    monkeypatch.setattr(validation_memo, "MAX_FINDINGS", 0)
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    _validate(tmp_path)
    assert _entry(cache_dir) == []


def test_a_cache_folder_others_may_write_is_not_used_for_the_memo(tmp_path, cache_dir, loads):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    first = _validate(tmp_path)
    (entry,) = _entry(cache_dir)
    os.chmod(entry.parent, 0o777)
    assert _validate(tmp_path) == first
    assert loads == [tmp_path.name] * 2


def test_an_edit_in_last_years_folder_that_history_names_is_seen(tmp_path, loads):
    """A year-two folder: last year's workbooks are inputs of this year's validation (SG026
    compares this year's 上年执行率 with last year's record, computed from its folder)."""
    last = _last_year_folder(tmp_path / "2022")
    folder = this_year(
        tmp_path / "2023", [form("PX-1", "楼道微美化", continuing="是", rate="40%")], ["../2022"]
    )
    first = _validate(folder)
    assert _validate(folder) == first == _fresh(folder)
    assert "SG026" not in first[1]
    write_table(
        last / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            (
                "2022-05-01",
                "PX-A",
                "工作经费",
                "活动物资",
                9000,
                "F1",
                "某店",
                "商户",
                "是",
                "自治金项目 楼道微美化",
            )
        ],
    )
    again = _validate(folder)
    assert again == _fresh(folder)
    assert "上年执行率填 40.00%，但记录" in again[1]
    assert loads.count("2023") == 4 and loads.count("2022") == 4  # the memo's second run read none


def test_a_fifo_in_place_of_the_memo_never_blocks(tmp_path, cache_dir):
    _form(tmp_path / "a.xlsx", 申请金额="一万多")
    first = _validate(tmp_path)
    (entry,) = _entry(cache_dir)
    entry.unlink()
    os.mkfifo(entry)
    assert _validate(tmp_path) == first  # read through the cache; the FIFO is no entry


def test_the_nightly_run_leaves_its_validation_for_the_next_validate(tmp_path, loads):
    folder = _sample(tmp_path)
    done = CliRunner().invoke(
        app, ["run", str(folder), "-o", str(tmp_path / "out"), "--as-of", DAY, "-q"]
    )
    assert done.exit_code == 1, done.output
    assert loads == ["puxing"]
    assert _validate(folder) == _fresh(folder)
    assert loads == ["puxing", "puxing"]  # validate read nothing; only --no-cache did
    shown = json.loads((tmp_path / "out" / DAY / "validate.json").read_text(encoding="utf-8"))
    assert shown == json.loads(_validate(folder)[1])


def test_a_workbook_that_came_during_the_run_keeps_the_validation_from_being_stored(
    tmp_path, cache_dir, monkeypatch
):
    """The key is made before reading; a workbook added while the folder is read is in the
    findings but not in the key: nothing is stored (else removing it again would bring back
    findings of a file that is gone)."""
    _form(tmp_path / "a.xlsx")
    real = pipeline.load_folder

    def slow_clerk(root, *args, **kwargs):
        _form(Path(root) / "b.xlsx", 项目编号="PX-2", 申请金额="一万多")
        return real(root, *args, **kwargs)

    monkeypatch.setattr(pipeline, "load_folder", slow_clerk)
    code, shown = _validate(tmp_path)
    assert code == 1 and "一万多" in shown
    assert _entry(cache_dir) == []
