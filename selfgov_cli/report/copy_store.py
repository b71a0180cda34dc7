"""Annotated copies kept from one run to the next, so a warm `sgov run` does not patch them again.

An annotated copy is a function of the source file's bytes, its findings (with where each note
goes), the date (`--as-of`, written into the zip) and the writing code; it is byte-identical for
the same four (tested). So a copy is stored under a key hashing exactly those: blake2b of the
source's bytes and name suffix, every note (rule, severity, project, file, sheet, cell, row,
message, clause, fix, and the sheet/cell the note goes to), the date, sgov's version, the Python
and openpyxl versions and the source of annotate.py, xlsx_patch.py, safe.py and privacy.py. A copy
whose key is stored is copied instead of written again; any change in one of those gives a new key.

Where: ``<cache root>/copies/<program folder hash>/`` (the cache root of ``io/cache.py``, folders
the user's own, 0700, else no reuse). Each entry is ``<key>.xlsx`` with ``<key>.sum``, the blake2b
of the copy: an entry whose bytes do not match (edited, damaged) is a miss and deleted. After a run
only the entries that run used are kept, so the store holds one run's copies per program folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from selfgov_cli.io.cache import (
    cache_root,
    code_digest,
    file_digest,
    folder_problem,
    library_stamp,
)
from selfgov_cli.report.safe import atomic_write


@functools.cache
def openpyxl_stamp() -> str:
    return library_stamp("openpyxl", "_constants.py")


def reuse_output(store: CopyStore | None, code: str, as_of: date, data: Any, target: Path, write):
    """The output at target, made by `code` from `data` on `as_of`: copied from the store when the
    same three made it before, else write() (which returns the path it wrote), then stored. No
    store (not `sgov run`, or no usable cache folder): write()."""
    if store is None:
        return Path(write())
    content = json.dumps(data, ensure_ascii=False, sort_keys=True, default=repr)
    return store.reuse(store.content_key(code, as_of, content), target, write)


@functools.cache
def writer_digest(extra: str, *sources: str) -> str:
    """The digest of the code that writes a stored output: `sources` are paths inside the
    selfgov_cli package, `extra` what else the bytes depend on (a library's version). A stored
    output of other code is never reused."""
    package = Path(__file__).resolve().parent.parent
    return code_digest([package / source for source in sources], extra, size=16)


def _code() -> str:
    """The code that writes annotated copies."""
    return writer_digest(
        openpyxl_stamp(),
        "report/annotate.py",
        "report/xlsx_patch.py",
        "report/safe.py",
        "privacy.py",
    )


class CopyStore:
    """The stored copies of one program folder (``usable`` False: no reuse, nothing stored).

    kind: "copies" for the annotated copies; "outputs" for whole output files of `sgov run` that
    are a function of a payload already written (拨付核算.xlsx of disburse.json, see `reuse`)."""

    def __init__(self, folder: Path, root: Path | None = None, kind: str = "copies") -> None:

        base = root or cache_root()
        name = hashlib.blake2b(
            os.path.abspath(folder).encode("utf-8", "surrogatepass"), digest_size=10
        ).hexdigest()
        self.dir = base / kind / name
        self.used: set[str] = set()
        self.reused = 0
        self.usable = True
        try:
            for path in (base, self.dir.parent, self.dir):
                try:
                    path.mkdir(mode=0o700, parents=True)
                except FileExistsError:
                    pass
                if folder_problem(path):
                    self.usable = False
                    return
        except OSError:
            self.usable = False

    def key(self, source: Path, notes: list, as_of: date) -> str | None:
        """The key of the copy of `source` with these notes on this date (None: unreadable)."""

        try:
            digest = file_digest(source)
        except OSError:
            return None
        listed = [
            [finding.to_dict(), sheet, cell] for finding, sheet, cell in notes
        ]  # the order matters: it is the order the notes are written in
        more = getattr(notes, "more", 0)  # annotate.Shown: the notes left off, counted in the copy
        text = json.dumps(
            [_code(), as_of.isoformat(), source.suffix.lower(), digest, listed, more],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def output_key(self, code: str, as_of: date, payload: Path) -> str | None:
        """The key of an output made by `code` on `as_of` from the file `payload` (None when it
        cannot be read: then nothing is reused)."""
        try:
            digest = file_digest(payload)
        except OSError:
            return None
        return self.content_key(code, as_of, digest)

    @staticmethod
    def content_key(code: str, as_of: date, content: str) -> str:
        """The key of an output made by `code` on `as_of` from `content` (its text or digest)."""
        text = f"{code} {as_of.isoformat()} {content}"
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def reuse(self, key: str | None, target: Path, write) -> Path:
        """The output at target: the stored one under key when there is one, else write() (which
        returns the path it wrote), then stored."""
        data = self.get(key) if key else None
        if data is not None:
            return atomic_write(target, data)
        path = Path(write())
        if key:
            self.put(key, path)
        return path

    def get(self, key: str) -> bytes | None:
        """The stored copy, or None (absent, or its checksum does not match: then it is deleted)."""
        if not self.usable:
            return None
        entry = self.dir / f"{key}.xlsx"
        try:
            data = entry.read_bytes()
            expected = (self.dir / f"{key}.sum").read_text("ascii").strip()
        except (OSError, ValueError):
            return None
        if hashlib.blake2b(data, digest_size=20).hexdigest() != expected:
            self._drop(key)
            return None
        self.used.add(key)
        self.reused += 1
        return data

    def put(self, key: str, copy: Path) -> None:
        """Keep the copy just written (a failure to store is only a lost chance to reuse)."""
        if not self.usable:
            return

        try:
            data = copy.read_bytes()
            atomic_write(self.dir / f"{key}.xlsx", data)
            atomic_write(self.dir / f"{key}.sum", hashlib.blake2b(data, digest_size=20).hexdigest())
            self.used.add(key)
        except OSError:
            pass

    def prune(self) -> None:
        """Delete every entry this run did not use."""
        if not self.usable:
            return
        try:
            for entry in self.dir.iterdir():
                if entry.name.split(".", 1)[0] not in self.used:
                    entry.unlink()
        except OSError:
            pass

    def _drop(self, key: str) -> None:
        for suffix in (".xlsx", ".sum"):
            try:
                (self.dir / f"{key}{suffix}").unlink()
            except OSError:
                pass
