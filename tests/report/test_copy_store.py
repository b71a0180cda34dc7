"""Annotated copies reused from the store only when source, findings, date and code are the same."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from selfgov_cli.report.annotate import placed, render_annotated
from selfgov_cli.report.copy_store import CopyStore
from selfgov_cli.validate import validate
from tests.report.folders import AS_OF, puxing_folder


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SGOV_CACHE_DIR", str(tmp_path / "cache"))
    return puxing_folder(tmp_path / "puxing")


def _written(paths: list[Path], out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}


def _fresh(result, out: Path, as_of: date, monkeypatch) -> dict[str, bytes]:
    """The copies written without the store (what a first run writes)."""
    with monkeypatch.context() as m:
        m.setattr(CopyStore, "get", lambda self, key: None)
        m.setattr(CopyStore, "put", lambda self, key, copy: None)
        return _written(render_annotated(result, out, as_of), out)


def test_second_run_reuses_every_copy_byte_for_byte(folder, tmp_path, monkeypatch):
    result = validate(folder, as_of=AS_OF)
    first = _written(render_annotated(result, tmp_path / "a", AS_OF), tmp_path / "a")
    reused = []
    real_get = CopyStore.get
    monkeypatch.setattr(
        CopyStore, "get", lambda self, key: reused.append(key) or real_get(self, key)
    )
    second = _written(render_annotated(result, tmp_path / "b", AS_OF), tmp_path / "b")
    assert first and second == first
    assert len(reused) == len(first)
    monkeypatch.undo()
    assert second == _fresh(result, tmp_path / "c", AS_OF, monkeypatch)


def test_changed_source_findings_or_date_are_written_again(folder, tmp_path, monkeypatch):
    result = validate(folder, as_of=AS_OF)
    render_annotated(result, tmp_path / "a", AS_OF)
    store = CopyStore(folder)
    keys = {store.key(folder / rel, notes, AS_OF) for rel, notes in placed(result).items()}
    # another date: every key differs, and the copies are those of that date
    later = date(AS_OF.year + 1, 1, 5)
    got = _written(render_annotated(result, tmp_path / "b", later), tmp_path / "b")
    assert got == _fresh(result, tmp_path / "c", later, monkeypatch)
    # a finding less on one file: that file's key changes
    rel, notes = next(iter(placed(result).items()))
    assert store.key(folder / rel, notes[1:], AS_OF) not in keys
    # the source edited: its key changes
    with (folder / rel).open("ab") as handle:
        handle.write(b"\0")
    assert store.key(folder / rel, notes, AS_OF) not in keys


def test_a_tampered_stored_copy_is_not_used(folder, tmp_path, monkeypatch):
    result = validate(folder, as_of=AS_OF)
    first = _written(render_annotated(result, tmp_path / "a", AS_OF), tmp_path / "a")
    store = CopyStore(folder)
    entries = sorted(store.dir.glob("*.xlsx"))
    assert len(entries) == len(first)
    for entry in entries:
        entry.write_bytes(b"PK" + entry.read_bytes()[2:-1])
    again = _written(render_annotated(result, tmp_path / "b", AS_OF), tmp_path / "b")
    assert again == first
    assert all(
        e.read_bytes()[:2] == b"PK" and len(e.read_bytes()) > 100 for e in store.dir.glob("*.xlsx")
    )


def test_entries_not_used_by_the_last_run_are_deleted(folder, tmp_path):
    result = validate(folder, as_of=AS_OF)
    render_annotated(result, tmp_path / "a", AS_OF)
    render_annotated(result, tmp_path / "b", date(AS_OF.year + 1, 1, 5))
    store = CopyStore(folder)
    n = len(list(store.dir.glob("*.xlsx")))
    assert n == len(list((tmp_path / "b").rglob("*.xlsx")))


def test_run_reuses_the_disbursement_workbook_only_while_disburse_json_is_unchanged(
    folder, tmp_path, monkeypatch
):
    """拨付核算.xlsx is a function of disburse.json, the date and its writer: a second `sgov run`
    copies the stored workbook (same bytes as writing it), and a change to the money writes anew."""
    from selfgov_cli import batch
    from selfgov_cli.report import disburse_xlsx

    writes = []
    real = disburse_xlsx.write_disbursement

    def counting(*args, **kwargs):
        writes.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "write_disbursement", counting)
    first = batch.run_batch(folder, tmp_path / "a", AS_OF).out_dir / "拨付核算.xlsx"
    second = batch.run_batch(folder, tmp_path / "b", AS_OF).out_dir / "拨付核算.xlsx"
    assert len(writes) == 1  # the second run wrote nothing: it copied the stored workbook
    assert second.read_bytes() == first.read_bytes()
    # another date changes disburse.json (and the workbook's date): written again
    later = date(AS_OF.year + 1, 1, 5)
    third = batch.run_batch(folder, tmp_path / "c", later).out_dir / "拨付核算.xlsx"
    assert len(writes) == 2
    fresh = tmp_path / "fresh.xlsx"
    real(
        __import__("json").loads((third.parent / "disburse.json").read_text("utf-8")),
        fresh,
        later,
    )
    assert third.read_bytes() == fresh.read_bytes()


def test_run_reuses_the_publicity_workbook_only_while_its_data_is_unchanged(
    folder, tmp_path, monkeypatch
):
    """公示名单.xlsx is a function of the list's data, the date and its writer: a second run
    copies the stored workbook (same bytes), a changed list is written again."""
    from selfgov_cli import batch
    from selfgov_cli.report import publicity

    built = []
    real = publicity.publicity_workbook

    def counting(data):
        built.append(data["count"])
        return real(data)

    monkeypatch.setattr(publicity, "publicity_workbook", counting)
    first = batch.run_batch(folder, tmp_path / "a", AS_OF).out_dir / "公示名单.xlsx"
    second = batch.run_batch(folder, tmp_path / "b", AS_OF).out_dir / "公示名单.xlsx"
    assert len(built) == 1 and second.read_bytes() == first.read_bytes()
    # the store holds what a fresh write gives
    with monkeypatch.context() as m:
        m.setattr(publicity.CopyStore, "get", lambda self, key: None)
        third = batch.run_batch(folder, tmp_path / "c", AS_OF).out_dir / "公示名单.xlsx"
    assert len(built) == 2 and third.read_bytes() == first.read_bytes()
    # the same data again: reused (the fresh write above was stored under the same key)
    batch.run_batch(folder, tmp_path / "e", AS_OF)
    assert len(built) == 2
    # another title on the list (its data changed, the date the same): written again
    real_data = publicity.publicity_data

    def retitled(outcome):
        data = real_data(outcome)
        return {**data, "title": data["title"] + "（更正）"}

    monkeypatch.setattr(batch, "publicity_data", retitled)
    fourth = batch.run_batch(folder, tmp_path / "d", AS_OF).out_dir / "公示名单.xlsx"
    assert len(built) == 3 and fourth.read_bytes() != first.read_bytes()


def test_copies_written_by_worker_processes_are_the_ones_written_here(folder, tmp_path, capfd):
    """Two worker processes receive the findings pickled: each copy is the one written in this
    process, and nothing reaches the terminal (an unpicklable Finding once killed the workers,
    printing their traceback, and the copies were written here after all)."""
    result = validate(folder, as_of=AS_OF)
    here = _written(render_annotated(result, tmp_path / "a", AS_OF, workers=1), tmp_path / "a")
    CopyStore(folder).prune()  # a store that used nothing keeps nothing: the workers write all
    there = _written(render_annotated(result, tmp_path / "b", AS_OF, workers=2), tmp_path / "b")
    assert len(here) >= 2 and there == here
    assert "Traceback" not in capfd.readouterr().err
