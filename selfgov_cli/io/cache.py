"""Incremental cache of parsed workbooks, so a nightly run over an unchanged folder is quick.

One entry per workbook, in the user's cache folder (never in the clerk's folder, which may be
read-only or shared): ``$SGOV_CACHE_DIR``, else ``%LOCALAPPDATA%\\sgov\\cache`` on Windows,
``~/Library/Caches/sgov`` on macOS, ``$XDG_CACHE_HOME/sgov`` or ``~/.cache/sgov`` elsewhere;
then one sub-folder per program folder (by its absolute path) and per reader version.

An entry is used when:
- the reader is the same: sgov's version, the Python version and a hash of the reading code
  (``io/*.py``, ``model.py``, ``money.py``) name the sub-folder, so any code change starts afresh;
- the file is the same: its size, mtime_ns, ctime_ns and inode are unchanged and it was last
  modified well before it was cached (the "racy" case, as git does); otherwise its bytes are
  hashed (blake2b) and compared with the hash recorded when it was parsed, so a touched or
  re-copied but identical file is not parsed again and a changed file always is.
Entries for files no longer in the folder are deleted. Entries are written atomically
(temporary file, then rename) and read defensively: anything wrong with one is a miss.

Entries are pickles, except that a ledger's rows are stored column by column (marshal) and
rebuilt without dataclass ``__init__``/``__setstate__``: unpickling 100,000 frozen records one
attribute at a time costs as much as parsing the workbook again.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import marshal
import operator
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any

from selfgov_cli.io.loader import FAST_RECORDS, make_expense, make_location
from selfgov_cli.io.tables import NO_BAD, RowCells, record_maker
from selfgov_cli.model import (
    BudgetLine,
    Decision,
    Evaluation,
    Expense,
    FileResult,
    Issue,
    Location,
    Member,
    Project,
    Score,
)

CACHE_ENV = "SGOV_CACHE_DIR"
_MAGIC = b"sgov-cache 1\n"
_RACY_NS = 3_000_000_000  # files modified this close to their caching are always re-hashed
_CHUNK = 1 << 20


def cache_root() -> Path:
    """The user cache folder for sgov (see the module's doc)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "sgov" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "sgov"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sgov"


_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """sgov version, Python version and the reading code: any change gives a new cache."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from selfgov_cli.version import __version__

        package = Path(__file__).resolve().parent.parent
        digest = hashlib.blake2b(digest_size=10)
        digest.update(f"{__version__} {sys.version_info[:3]} {pickle.HIGHEST_PROTOCOL}".encode())
        sources = sorted((package / "io").glob("*.py")) + [
            package / "model.py",
            package / "money.py",
        ]
        for source in sources:
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
        _FINGERPRINT = digest.hexdigest()
    return _FINGERPRINT


def file_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stat_key(path: Path) -> tuple[int, int, int, int] | None:
    """(size, mtime_ns, ctime_ns, inode): what says a file is untouched without reading it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


@dataclasses.dataclass(frozen=True, slots=True)
class Stamp:
    """What a cache entry knows about the file it was parsed from."""

    stat: tuple[int, int, int, int]
    digest: str
    recorded_ns: int


def stamp(path: Path) -> Stamp | None:
    """Stat and hash a file before it is parsed; None when it cannot be read."""
    before = stat_key(path)
    if before is None:
        return None
    try:
        digest = file_digest(path)
    except OSError:
        return None
    return Stamp(before, digest, time.time_ns())


class FileCache:
    """Parsed workbooks of one program folder, by relative path."""

    def __init__(self, folder: Path, root: Path | None = None):
        self.folder = Path(folder)
        absolute = os.path.abspath(self.folder)
        name = hashlib.blake2b(
            absolute.encode("utf-8", "surrogatepass"), digest_size=10
        ).hexdigest()
        self.base = (root or cache_root()) / "folders" / name
        self.dir = self.base / code_fingerprint()
        self.usable = True
        self.hits = 0
        self.rehashed = 0

    def _entry(self, rel: str) -> Path:
        return self.dir / (
            hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            + ".pkl"
        )

    def get(self, rel: str) -> FileResult | None:
        """The cached result for the file, or None (a miss) when it may have changed."""
        entry = self._entry(rel)
        try:
            data = entry.read_bytes()
        except OSError:
            return None
        try:
            saved_rel, saved, payload = _split(data)
        except Exception:  # a corrupt or foreign entry is only a miss
            _remove(entry)
            return None
        if saved_rel != rel:
            return None
        now = stat_key(self.folder / rel)
        if now is None:
            return None
        if now != saved.stat or now[1] + _RACY_NS > saved.recorded_ns:
            try:
                digest = file_digest(self.folder / rel)
            except OSError:
                return None
            if digest != saved.digest:
                return None
            self.rehashed += 1
            payload_result = _decode_or_none(payload)
            if payload_result is not None:  # the same bytes: remember the new stat
                self._write(rel, Stamp(now, digest, time.time_ns()), payload)
            return payload_result
        result = _decode_or_none(payload)
        if result is None:
            _remove(entry)
        else:
            self.hits += 1
        return result

    def put(self, rel: str, mark: Stamp | None, payload: bytes) -> None:
        """Store an encoded result, if the file did not change while it was being parsed."""
        if mark is None or not self.usable:
            return
        if stat_key(self.folder / rel) != mark.stat:
            return
        self._write(rel, mark, payload)

    def _write(self, rel: str, mark: Stamp, payload: bytes) -> None:
        if not self.usable:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            head = pickle.dumps((rel, mark), protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=".pkl")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(_MAGIC)
                    handle.write(len(head).to_bytes(4, "little"))
                    handle.write(head)
                    handle.write(payload)
                os.replace(tmp, self._entry(rel))
            except BaseException:
                _remove(Path(tmp))
                raise
        except OSError:
            self.usable = False  # a read-only or full disk: carry on without the cache

    def prune(self, keep: Iterable[str]) -> None:
        """Drop entries of files no longer in the folder, and caches of older reader versions."""
        if not self.usable:
            return
        wanted = {self._entry(rel).name for rel in keep}
        try:
            for entry in self.dir.iterdir():
                if entry.name not in wanted:
                    _remove(entry)
            for other in self.base.iterdir():
                if other.is_dir() and other.name != self.dir.name:
                    _remove_tree(other)
        except OSError:
            pass


def _split(data: bytes) -> tuple[str, Stamp, bytes]:
    if not data.startswith(_MAGIC):
        raise ValueError("not a cache entry")
    start = len(_MAGIC)
    size = int.from_bytes(data[start : start + 4], "little")
    rel, mark = pickle.loads(data[start + 4 : start + 4 + size])
    if not isinstance(rel, str) or not isinstance(mark, Stamp):
        raise ValueError("not a cache entry")
    return rel, mark, data[start + 4 + size :]


def _decode_or_none(payload: bytes) -> FileResult | None:
    try:
        result = decode(payload)
    except Exception:
        return None
    return result if isinstance(result, FileResult) else None


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# -- encoding a FileResult ---------------------------------------------------------------------
#
# Everything but the ledger is pickled as is. Ledger rows whose shape is the usual one (a
# RowCells at the row of their Location, in the result's own file) are stored as columns of
# plain values with marshal and rebuilt with record_maker; any other row makes the whole
# ledger go through pickle, so the encoding never loses anything.

_LEDGER_TEXT = (
    "project_id",
    "category",
    "category_text",
    "description",
    "invoice_no",
    "payee",
    "payee_role",
    "remark",
)


def encode(result: FileResult) -> bytes:
    packed = _pack_ledger(result) if result.ledger else None
    rest = dataclasses.replace(result, ledger=()) if packed is not None else result
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH  # this pickler only: records rebuilt by record_maker
    pickler.dump((rest, packed))
    return buffer.getvalue()


_MAKERS: dict[type, Any] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _rebuild(cls: type, values: tuple) -> Any:
    """Unpickle a model record: straight into its slots (dataclasses' __setstate__ is slow)."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = record_maker(cls, _field_names(cls)) or cls
    return make(*values)


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _reduce_record(obj: Any) -> tuple:
    cls = type(obj)
    return _rebuild, (cls, tuple(getattr(obj, name) for name in _field_names(cls)))


_DISPATCH = copyreg.dispatch_table.copy()
for _cls in (
    Location,
    Issue,
    Project,
    BudgetLine,
    Member,
    Expense,
    Score,
    Evaluation,
    Decision,
    FileResult,
):
    _DISPATCH[_cls] = _reduce_record


def decode(payload: bytes) -> FileResult:
    rest, packed = pickle.loads(payload)
    if packed is None:
        return rest
    return dataclasses.replace(rest, ledger=tuple(_unpack_ledger(rest.path, packed)))


def _pack_ledger(result: FileResult) -> bytes | None:
    """The ledger as columns of plain values, or None when any row is not of the usual shape."""
    if not FAST_RECORDS:
        return None
    ledger = result.ledger
    locs = list(map(_LOC, ledger))
    cells = list(map(_CELLS, ledger))
    if (
        _types(ledger) != {Expense}
        or _types(locs) != {Location}
        or _types(cells) != {RowCells}
        or set(map(_FILE, locs)) != {result.path}
        or set(map(_CELL, locs)) != {None}
    ):
        return None
    rows = list(map(_ROW, locs))
    sheets = list(map(_SHEET, locs))
    if _types(rows) != {int} or _types(sheets) != {str} or rows != list(map(_ROW, cells)):
        return None
    letters = list(map(_LETTERS, cells))
    columns = list(map(_COLUMNS, ledger))
    keys = list(zip(map(id, letters), map(id, columns), sheets, strict=True))
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    groups = {key: n for n, key in enumerate(first)}
    group_list = [(sheets[i], dict(letters[i]), sorted(columns[i])) for i in first.values()]
    group_of = [0] * len(keys) if len(groups) == 1 else list(map(groups.__getitem__, keys))
    bad = [(i, sorted(e.bad)) for i, e in enumerate(ledger) if e.bad]
    dates = list(map(_DATE, ledger))
    amounts = list(map(_AMOUNT, ledger))
    signed = list(map(_SIGNED, ledger))
    if not _types(dates) <= {date, type(None)} or not _types(amounts) <= {Decimal, type(None)}:
        return None
    if not _types(signed) <= {bool, type(None)}:
        return None
    texts = {name: list(map(getter, ledger)) for name, getter in _TEXT_GETTERS.items()}
    if any(not _types(values) <= {str, type(None)} for values in texts.values()):
        return None
    ordinals = [None if day is None else day.toordinal() for day in dates]
    amount_text = [None if amount is None else str(amount) for amount in amounts]
    return marshal.dumps((group_list, group_of, rows, bad, ordinals, amount_text, signed, texts))


def _types(values: list) -> set[type]:
    return set(map(type, values))


_LOC, _CELLS, _DATE, _AMOUNT, _SIGNED, _COLUMNS = (
    operator.attrgetter(name)
    for name in ("loc", "cells", "date", "amount", "leader_signed", "columns")
)
_FILE, _CELL, _ROW, _SHEET, _LETTERS = (
    operator.attrgetter(name) for name in ("file", "cell", "row", "sheet", "letters_by_key")
)
_TEXT_GETTERS = {name: operator.attrgetter(name) for name in _LEDGER_TEXT}


def _unpack_ledger(file: str, packed: bytes) -> list[Expense]:
    group_list, group_of, rows, bad_rows, ordinals, amounts, signed, texts = marshal.loads(packed)
    n = len(rows)
    groups = [(sheet, letters, frozenset(columns)) for sheet, letters, columns in group_list]
    if len(groups) == 1:
        sheet, letters, columns = groups[0]
        sheets, letter_maps, column_sets = repeat(sheet, n), repeat(letters, n), repeat(columns, n)
    else:
        sheets = [groups[g][0] for g in group_of]
        letter_maps = [groups[g][1] for g in group_of]
        column_sets = [groups[g][2] for g in group_of]
    bad = {i: frozenset(keys) for i, keys in bad_rows}
    bads = [bad.get(i, NO_BAD) for i in range(n)] if bad else repeat(NO_BAD, n)
    days = {o: date.fromordinal(o) for o in set(ordinals) if o is not None}
    values = {a: Decimal(a) for a in set(amounts) if a is not None}
    locs = map(make_location, repeat(file, n), sheets, repeat(None, n), rows)
    return list(
        map(
            make_expense,
            locs,
            map(RowCells, letter_maps, rows),
            bads,
            map(days.get, ordinals),
            *(texts[name] for name in _LEDGER_TEXT[:4]),  # project_id … description
            map(values.get, amounts),
            *(texts[name] for name in _LEDGER_TEXT[4:7]),  # invoice_no, payee, payee_role
            signed,
            texts["remark"],
            column_sets,
        )
    )
