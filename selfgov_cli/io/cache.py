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

An entry cannot run code or lie:
- it is data, never a pickle: JSON with tagged values (Decimal, date, tuple …) and only the
  model's own record classes rebuilt from it; a ledger is stored column by column (fast);
- a checksum (blake2b) covers the whole entry, header included: an edited entry ("22000" made
  "92000") is a miss, and the file is read again;
- the cache folders must be the user's own and not writable by others (POSIX: owner and mode
  checked, folders made 0700); otherwise the cache is off for the run, with a warning.
Only regular files are ever hashed (a FIFO or /dev/zero would block or never end).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import json
import logging
import operator
import os
import stat as stat_mod
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from datetime import time as clock
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any

from selfgov_cli.io.records import FAST_RECORDS, make_expense, make_location
from selfgov_cli.io.tables import NO_BAD, LedgerColumns, RowCells
from selfgov_cli.io.workbook import open_regular
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
    record_maker,
)
from selfgov_cli.version import __version__

_log = logging.getLogger("sgov.cache")

CACHE_ENV = "SGOV_CACHE_DIR"
_MAGIC = b"sgov-cache 4\n"
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


def code_digest(sources: list[Path], extra: str, size: int = 10) -> str:
    """A digest of sgov's version, Python's, `extra` and the given source files: whatever is
    stored with it is stale as soon as any of that changes (the cache, the annotated copies)."""
    digest = hashlib.blake2b(digest_size=size)
    digest.update(f"{__version__} {sys.version_info[:3]} {extra}".encode())
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """sgov version, Python version and the reading code: any change gives a new cache."""
    package = Path(__file__).resolve().parent.parent
    sources = sorted((package / "io").glob("*.py")) + [package / "model.py", package / "money.py"]
    return code_digest(sources, repr(_MAGIC))


def library_stamp(name: str, version_file: str) -> str:
    """A library's version, for the keys of what it writes, without importing it (openpyxl takes
    0.3–0.4 s with the numpy it pulls in, jinja2 about 0.1 s: a warm run that reuses every output
    needs neither). The bytes of the file holding its ``__version__``, found but not run."""
    try:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is None:
            return f"{name} ?"
        stamp = hashlib.blake2b(Path(origin).with_name(version_file).read_bytes())
        return f"{name} {stamp.hexdigest()[:16]}"
    except (OSError, ImportError, ValueError):
        return f"{name} ?"


def distribution_stamp(module: str, distribution: str) -> str:
    """An installed library's version from the name of its dist-info folder, beside the module
    (python-calamine's __init__.py is the same in every version; the version is in the folder)."""
    try:
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        if origin is None:
            return f"{module} ?"
        found = sorted(
            p.name for p in Path(origin).parent.parent.glob(f"{distribution}-*.dist-info")
        )
        return f"{module} {' '.join(found) or '?'}"
    except (OSError, ImportError, ValueError):
        return f"{module} ?"


def file_digest(path: Path) -> str:
    """blake2b of a regular file's bytes (OSError for a FIFO, device or socket: never blocks)."""
    digest = hashlib.blake2b(digest_size=20)
    try:
        handle = open_regular(path)
    except OSError:
        raise
    except Exception as exc:  # Unreadable: not a regular file
        raise OSError(str(exc)) from exc
    with handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stat_key(path: Path) -> tuple[int, int, int, int] | None:
    """(size, mtime_ns, ctime_ns, inode): what says a file is untouched without reading it."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    if not stat_mod.S_ISREG(info.st_mode):
        return None
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


@dataclasses.dataclass(frozen=True, slots=True)
class Stamp:
    """What a cache entry knows about the file it was parsed from."""

    stat: tuple[int, int, int, int]
    digest: str
    recorded_ns: int

    def settled(self, now: tuple[int, int, int, int] | None) -> bool:
        """The file is known unchanged without reading it: its stat is the recorded one and it
        was last modified well before the record was made (the "racy" case, as git does)."""
        return now == self.stat and now[1] + _RACY_NS <= self.recorded_ns


def write_framed(target: Path, magic: bytes, body: bytes) -> None:
    """Write `magic`, a checksum of body, then body, atomically (a temporary file beside the
    target, then rename): the framing every cache entry has. OSError when it cannot be written."""
    checksum = hashlib.blake2b(body, digest_size=20).hexdigest().encode()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(magic + checksum + b"\n")
            handle.write(body)
        os.replace(tmp, target)
    except BaseException:
        _remove(Path(tmp))
        raise


def read_framed(data: bytes, magic: bytes) -> bytes:
    """The body of what write_framed wrote; ValueError when it is not one or its checksum does
    not match (an edited or damaged entry)."""
    if not data.startswith(magic):
        raise ValueError("not a cache entry")
    end = data.index(b"\n", len(magic))
    checksum, body = data[len(magic) : end], data[end + 1 :]
    if hashlib.blake2b(body, digest_size=20).hexdigest().encode() != checksum:
        raise ValueError("checksum mismatch")
    return body


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
        self.root = root or cache_root()
        self.dir = self.base / code_fingerprint()
        self.hits = 0
        self.rehashed = 0
        self.rejected = 0  # entries whose checksum did not match (edited or damaged)
        self.warning = ""
        self.usable = self._safe_folders()

    def _safe_folders(self) -> bool:
        """Make (0700) and check the cache folders: the user's own, writable by nobody else."""
        chain = [self.root, self.root / "folders", self.base, self.dir]
        try:
            for folder in chain:
                try:
                    folder.mkdir(mode=0o700, parents=True)
                except FileExistsError:
                    pass
                problem = folder_problem(folder)
                if problem:
                    self.warning = (
                        f"缓存文件夹 {folder} {problem}，本次不使用缓存（结果不受影响）；"
                        "请删除该文件夹或设置 SGOV_CACHE_DIR 为自己的文件夹"
                    )
                    _log.warning("%s", self.warning)
                    return False
        except OSError:
            return False  # a read-only or full disk: carry on without the cache
        return True

    def _entry(self, rel: str) -> Path:
        return self.dir / (
            hashlib.blake2b(rel.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            + ".json"
        )

    def get(self, rel: str) -> FileResult | None:
        """The cached result for the file, or None (a miss) when it may have changed."""
        if not self.usable:
            return None
        entry = self._entry(rel)
        try:
            with open_regular(entry) as handle:
                data = handle.read()
        except Exception:
            return None
        try:
            saved_rel, saved, payload = _split(data)
        except Exception:  # a corrupt, edited or foreign entry is only a miss
            self.rejected += 1
            _remove(entry)
            return None
        if saved_rel != rel:
            return None
        now = stat_key(self.folder / rel)
        if now is None:
            return None
        if not saved.settled(now):
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
            head = json.dumps(
                {
                    "rel": rel,
                    "stat": list(mark.stat),
                    "digest": mark.digest,
                    "recorded_ns": mark.recorded_ns,
                },
                ensure_ascii=False,
            ).encode("utf-8", "surrogatepass")
            write_framed(self._entry(rel), _MAGIC, head + b"\n" + payload)
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


def folder_problem(folder: Path) -> str:
    """Why a cache folder cannot be trusted ('' when it is fine): not ours, or writable by others."""
    info = os.lstat(folder)
    if stat_mod.S_ISLNK(info.st_mode) or not stat_mod.S_ISDIR(info.st_mode):
        return "不是文件夹（可能是快捷方式）"
    if sys.platform == "win32" or not hasattr(os, "geteuid"):  # pragma: no cover - POSIX only
        return ""
    if info.st_uid != os.geteuid():
        return "不属于当前用户"
    if info.st_mode & 0o022:
        return "其他用户可写"
    return ""


def _split(data: bytes) -> tuple[str, Stamp, bytes]:
    """(rel, stamp, payload) of an entry whose checksum matches; ValueError otherwise."""
    body = read_framed(data, _MAGIC)
    head_end = body.index(b"\n")
    head = json.loads(body[:head_end])
    size, mtime, ctime, inode = (int(v) for v in head["stat"])
    mark = Stamp((size, mtime, ctime, inode), str(head["digest"]), int(head["recorded_ns"]))
    rel = head["rel"]
    if not isinstance(rel, str):
        raise ValueError("not a cache entry")
    return rel, mark, body[head_end + 1 :]


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
# JSON, with tagged values for what JSON lacks: {"d": "12.50"} Decimal, {"D": "2023-01-02"} date,
# {"T": …} datetime, {"t": …} time, {"f": "0.1"} float, {"u": [...]} tuple, {"z": [...]}
# frozenset, {"m": [[k, v], ...]} dict, {"R": [letters, row]} RowCells and {"c": "Expense",
# "v": [...]} a model record (only the classes named in _CLASSES, rebuilt field by field).
# Ledger rows of the usual shape (a RowCells at the row of their Location, in the result's own
# file) are stored as columns of plain values and rebuilt with record_maker; any other row sends
# the whole ledger through the general encoding, so the encoding never loses anything.

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

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
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
    )
}


class NotEncodable(TypeError):
    """A value the cache's data format has no tag for (the result is then not cached)."""


def encode(result: FileResult, ledgers: Sequence[LedgerColumns] = ()) -> bytes:
    """Two JSON documents on two lines: the result in the tagged encoding (its ledger left out
    when packed), then the packed ledger or null. JSON text holds no raw newline, so the first
    one ends the first document; each is parsed on its own (decode).

    ledgers: the result's ledger sheets still as columns (a worker's parse, whose result has no
    ledger records): packed straight from the columns, the same bytes as from the records."""
    if ledgers:
        packed = _pack_columns(result.path, ledgers)
        if packed is None:  # not the usual shape: the records go the general way
            rows = tuple(row for sheet in ledgers for row in sheet.records())
            return encode(dataclasses.replace(result, ledger=rows))
        return _join(_enc(result), packed)
    packed = _pack_ledger(result) if result.ledger else None
    rest = dataclasses.replace(result, ledger=()) if packed is not None else result
    return _join(_enc(rest), packed)


def _join(rest: Any, packed: list | None) -> bytes:
    return b"\n".join(
        json.dumps(part, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
            "utf-8", "surrogatepass"
        )
        for part in (rest, packed)
    )


def _enc(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is Decimal:
        return {"d": str(value)}
    if kind is date:
        return {"D": value.isoformat()}
    if kind is tuple:
        return {"u": [_enc(v) for v in value]}
    if kind is frozenset:
        return {"z": [_enc(v) for v in value]}
    if kind is list:
        return [_enc(v) for v in value]
    if kind is dict:
        return {"m": [[_enc(k), _enc(v)] for k, v in value.items()]}
    if kind is RowCells:
        return {"R": [_enc(value.letters_by_key), value.row]}
    if kind is datetime:
        return {"T": value.isoformat()}
    if kind is clock:
        return {"t": value.isoformat()}
    if kind is float:
        return {"f": repr(value)}
    name = kind.__name__
    if _CLASSES.get(name) is kind:
        return {"c": name, "v": [_enc(getattr(value, f)) for f in _field_names(kind)]}
    raise NotEncodable(f"cannot cache a {kind.__name__}")


_DECODERS: dict[str, Any] = {
    "d": Decimal,
    "D": date.fromisoformat,
    "T": datetime.fromisoformat,
    "t": clock.fromisoformat,
    "f": float,
}


_SHORT = 48  # texts up to this long are made one object a process (sys.intern)
_FROZEN: dict[frozenset, frozenset] = {}  # equal sets of field names, shared


def _text(value: str) -> str:
    """One object for equal short texts: every record repeats its file, sheet, field names and
    cell addresses, and each decoded copy would cost memory (10,000 applications: ~250 MB)."""
    return sys.intern(value) if len(value) <= _SHORT else value


def _shared(values: list | tuple) -> list:
    """The items of a decoded list, short texts made one object (_text)."""
    intern, short = sys.intern, _SHORT
    return [intern(v) if type(v) is str and len(v) <= short else v for v in values]


def _hook(value: dict) -> Any:
    """json.loads' object_hook for the tagged encoding: each tagged object made into the value
    _enc was given. JSON calls it innermost first, so what a tag holds is decoded already (the
    old decoder walked every list and value again in Python: 1,000 applications 0.41 -> 0.2 s)."""
    if len(value) == 1:
        ((tag, inner),) = value.items()
        decoder = _DECODERS.get(tag)
        if decoder is not None:
            if type(inner) is not str:
                raise ValueError("not a cache value")
            return decoder(inner)
        if type(inner) is not list:
            raise ValueError("not a cache value")
        if tag == "u":
            return tuple(_shared(inner))
        if tag == "z":
            made = frozenset(_shared(inner))
            return _FROZEN.setdefault(made, made) if len(_FROZEN) < 10_000 else made
        if tag == "m":
            keys, values = zip(*inner, strict=True) if inner else ((), ())
            return dict(zip(_shared(keys), _shared(values), strict=True))
        if tag == "R":
            letters, row = inner
            if type(letters) is not dict or type(row) is not int:
                raise ValueError("not a cache value")
            return RowCells(letters, row)
        raise ValueError("not a cache value")
    if len(value) == 2 and "c" in value and "v" in value:
        cls = _CLASSES.get(value["c"])
        values = value["v"]
        if cls is None or type(values) is not list or len(values) != len(_field_names(cls)):
            raise ValueError("record fields do not match")
        return _rebuild(cls, _shared(values))
    raise ValueError("not a cache value")


def _refuse(text: str) -> Any:
    raise ValueError(f"not a cache value: {text}")  # _enc writes no bare float, NaN or Infinity


_MAKERS: dict[type, Any] = {}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _rebuild(cls: type, values: list) -> Any:
    """A model record straight into its slots (no __init__ run; field count checked by _dec)."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = record_maker(cls, _field_names(cls)) or cls
    return make(*values)


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def decode(payload: bytes) -> FileResult:
    head, newline, tail = payload.partition(b"\n")
    if not newline:
        raise ValueError("not a cache entry")
    rest = json.loads(head, object_hook=_hook, parse_float=_refuse, parse_constant=_refuse)
    if type(rest) is not FileResult:
        raise ValueError("not a cache entry")
    packed = json.loads(tail, parse_float=_refuse, parse_constant=_refuse)
    if packed is None:
        return rest
    if type(packed) is not list or len(packed) != 8:
        raise ValueError("not a cache entry")
    return dataclasses.replace(rest, ledger=tuple(_unpack_ledger(rest.path, packed)))


def _pack_ledger(result: FileResult) -> list | None:
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
    texts = {name: list(map(getter, ledger)) for name, getter in _TEXT_GETTERS.items()}
    columns = (list(map(_DATE, ledger)), list(map(_AMOUNT, ledger)), list(map(_SIGNED, ledger)))
    return _packed(group_list, group_of, rows, bad, *columns, texts)


def _pack_columns(path: str, sheets: Sequence[LedgerColumns]) -> list | None:
    """_pack_ledger's form straight from the ledger sheets as columns (each sheet one group, as
    its rows share their letters and fields), or None when any is not of the usual shape."""
    sheets = [sheet for sheet in sheets if len(sheet)]
    if not FAST_RECORDS or not sheets:
        return None
    if any(sheet.letters is None or sheet.file != path for sheet in sheets):
        return None
    rows = [r for sheet in sheets for r in sheet.rows]
    if _types(rows) != {int} or _types([sheet.sheet for sheet in sheets]) != {str}:
        return None
    group_list = [(sheet.sheet, dict(sheet.letters), sorted(sheet.columns)) for sheet in sheets]
    group_of = (
        [0] * len(rows)
        if len(sheets) == 1
        else [g for g, sheet in enumerate(sheets) for _ in sheet.rows]
    )
    bads = [b for sheet in sheets for b in (sheet.bads or repeat(NO_BAD, len(sheet)))]
    bad = [(i, sorted(b)) for i, b in enumerate(bads) if b]

    def column(name: str) -> list:
        return [value for sheet in sheets for value in sheet.values[name]]

    texts = {name: column(name) for name in _LEDGER_TEXT}
    return _packed(
        group_list,
        group_of,
        rows,
        bad,
        column("date"),
        column("amount"),
        column("leader_signed"),
        texts,
    )


def _packed(group_list, group_of, rows, bad, dates, amounts, signed, texts) -> list | None:
    """The packed ledger from its columns, or None when a value is not of a packed type."""
    if not _types(dates) <= {date, type(None)} or not _types(amounts) <= {Decimal, type(None)}:
        return None
    if not _types(signed) <= {bool, type(None)}:
        return None
    if any(not _types(values) <= {str, type(None)} for values in texts.values()):
        return None
    ordinals = [None if day is None else day.toordinal() for day in dates]
    amount_text = [None if amount is None else str(amount) for amount in amounts]
    texts = {name: _dictionary(values) for name, values in texts.items()}
    return [group_list, group_of, rows, bad, ordinals, amount_text, signed, texts]


def _dictionary(values: list) -> list | dict:
    """A text column as written: its distinct texts once and an index a row ({"k": …, "i": …})
    when it repeats them (项目编号, 支出类别, 收款方), else as it is (发票号, 摘要). Decoding then
    indexes a list instead of hashing every row's text to share the repeats (_unshare)."""
    index: dict = dict.fromkeys(values)
    if len(index) * 2 > len(values):
        return values
    for i, key in enumerate(index):
        index[key] = i
    return {"k": list(index), "i": list(map(index.__getitem__, values))}


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


def _unshare(column: Any, n: int) -> list:
    """A text column of n rows from _dictionary's form: repeated texts are one object (a ledger
    repeats its categories, payees and 项目编号 on every row, and a decoded copy each would cost
    memory: 1,000,000 rows, ~0.5 GB), short ones shared with the other files too (_text)."""
    if type(column) is list:  # mostly distinct (发票号, 摘要): one object each already
        if len(column) != n or not _types(column) <= {str, type(None)}:
            raise ValueError("ledger column does not match")
        return column
    if type(column) is not dict or set(column) != {"k", "i"}:
        raise ValueError("ledger column does not match")
    keys, rows = column["k"], column["i"]
    if type(keys) is not list or type(rows) is not list or len(rows) != n:
        raise ValueError("ledger column does not match")
    if not _types(keys) <= {str, type(None)} or not _types(rows) <= {int}:
        raise ValueError("ledger column does not match")
    if rows and (min(rows) < 0 or max(rows) >= len(keys)):
        raise ValueError("ledger column does not match")
    texts = [key if key is None else _text(key) for key in keys]
    return list(map(texts.__getitem__, rows))


def _unpack_ledger(file: str, packed: list) -> list[Expense]:
    group_list, group_of, rows, bad_rows, ordinals, amounts, signed, texts = packed
    n = len(rows)
    columns_ok = (
        all(type(r) is int for r in rows)
        and all(len(values) == n for values in (ordinals, amounts, signed))
        and set(texts) == set(_LEDGER_TEXT)
        and (len(group_list) == 1 or len(group_of) == n)
    )
    if not columns_ok:
        raise ValueError("ledger columns do not match")
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
    texts = {name: _unshare(column, n) for name, column in texts.items()}
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
