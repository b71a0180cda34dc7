"""`sgov validate` of an unchanged folder: the whole validation reused, each file costing a stat.

The validation (findings, files and projects counted) depends on nothing but: the bytes of every
workbook discover() finds, sgov.toml, the records and folders `history` names, `--program`, the
as-of date, and sgov's code and reading libraries. All of it is the memo's key; when the key is
the one stored, the stored validation is shown and no workbook is read. When anything differs
(one workbook edited, a file added or removed, another date) the folder is validated as always,
through the per-file cache (io/cache.py), and the memo is stored anew.

A file is known unchanged by its stat (size, mtime_ns, ctime_ns, inode) as in io/cache.py: when
the stat differs, or the file was modified within a few seconds of being recorded (the "racy"
case), its bytes are hashed and the hash is what the key holds. Nothing is reused when the folder
has anything sgov cannot read as a regular file (a sub-folder it cannot list, a FIFO, a file it
may not open): such a finding depends on more than the bytes.

The memo is one file per program folder in the cache folder, guarded as the cache is: JSON (no
pickle), a checksum over the whole entry, folders the user's own and not writable by others, and
`--no-cache` never reads or writes it. A validation of over MAX_FINDINGS findings is not stored
(reading it back would cost about what validating does).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from selfgov_cli.config import CONFIG_NAME, Config
from selfgov_cli.io.cache import (
    FileCache,
    Stamp,
    code_digest,
    distribution_stamp,
    library_stamp,
    read_framed,
    stamp,
    stat_key,
    write_framed,
)
from selfgov_cli.io.loader import discover
from selfgov_cli.io.workbook import open_regular
from selfgov_cli.outcome import ValidationView
from selfgov_cli.rules.engine import Finding, Severity

_MAGIC = b"sgov-validation 1\n"
MAX_FINDINGS = 200_000
_ENTRY = "validation.json"


@dataclass
class Inputs:
    """Everything a validation depends on, as found now: the key, and each file's Stamp."""

    key: str
    files: dict[str, Stamp]  # absolute path → Stamp
    found: list[str]  # the workbooks discover() found in the folder

    def unchanged(self, folder: Path) -> bool:
        """True when the folder holds the same workbooks and every file still has the stat it
        had when the key was made: what was validated is what the key names (a workbook added
        and removed again during the run would otherwise leave its findings under the key)."""
        if discover(folder) != self.found:
            return False
        return all(stat_key(Path(path)) == seen.stat for path, seen in self.files.items())


class ValidationMemo:
    """The stored validation of one program folder (see the module's doc)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        cache = FileCache(self.folder)
        self.usable = cache.usable
        self.path = cache.base / _ENTRY
        self._stored: tuple[str, dict[str, Stamp], dict | None] | None = None

    def stored(self) -> tuple[str, dict[str, Stamp], dict | None]:
        """(key, inputs, body) of the stored entry, read once; ("", {}, None) when there is none
        or it does not check out."""
        if self._stored is None:
            self._stored = _read(self.path)
        return self._stored

    def inputs(self, config: Config, program: str | None, as_of: date) -> Inputs | None:
        """The key of validating the folder now, or None when it cannot be reused or stored."""
        if not self.usable:
            return None
        unlisted: list = []
        rels = discover(self.folder, unlisted)
        if unlisted:
            return None
        named = [(rel, self.folder / rel) for rel in rels]
        toml = self.folder / CONFIG_NAME
        if toml.exists():
            named.append((CONFIG_NAME, toml))
        for entry, path in config.history_paths():
            for label, file in _history_files(entry, path):
                named.append((label, file))
        previous = self.stored()[1]
        seen: dict[str, Stamp] = {}
        parts = []
        for label, path in named:
            item = _see(path, previous.get(str(path)))
            if item is None:
                return None
            seen[str(path)] = item
            parts.append((label, item.digest))
        key = hashlib.blake2b(
            json.dumps(
                [
                    _code(),
                    os.path.abspath(self.folder),
                    program,
                    as_of.isoformat(),
                    parts,
                ],
                ensure_ascii=False,
            ).encode("utf-8", "surrogatepass"),
            digest_size=20,
        ).hexdigest()
        return Inputs(key, seen, rels)

    def get(self, inputs: Inputs, config: Config) -> ValidationView | None:
        """The stored validation when it was made from exactly these inputs."""
        stored, _, body = self.stored()
        if stored != inputs.key or body is None:
            return None
        try:
            return _view(config, body)
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, inputs: Inputs, view: ValidationView) -> None:
        """Store the validation made from `inputs`, if nothing changed while it was made."""
        if len(view.findings) > MAX_FINDINGS or not inputs.unchanged(self.folder):
            return
        files = {
            path: [*seen.stat, seen.digest, seen.recorded_ns] for path, seen in inputs.files.items()
        }
        body = json.dumps(
            {
                "key": inputs.key,
                "inputs": files,
                "files": view.files,
                "projects": view.projects,
                "findings": [_finding_row(f) for f in view.findings],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8", "surrogatepass")
        try:
            write_framed(self.path, _MAGIC, body)
        except OSError:
            pass  # a full or read-only disk: the next run validates again


def _read(path: Path) -> tuple[str, dict[str, Stamp], dict | None]:
    """(key, inputs, body) of the entry at path; ("", {}, None) when there is none, or it is not
    one, or its checksum does not match (edited or damaged)."""
    try:
        with open_regular(path) as handle:  # a FIFO planted there would block a plain read
            data = handle.read()
    except Exception:  # missing, not a regular file, unreadable: no entry
        return "", {}, None
    try:
        body = read_framed(data, _MAGIC)
    except ValueError:
        return "", {}, None
    try:
        parsed = json.loads(body)
        seen = {
            str(name): Stamp(tuple(int(v) for v in row[:4]), str(row[4]), int(row[5]))
            for name, row in parsed["inputs"].items()
        }
        return str(parsed["key"]), seen, parsed
    except (KeyError, TypeError, ValueError, IndexError):
        return "", {}, None


def _see(path: Path, before: Stamp | None) -> Stamp | None:
    """The file as it is now: as recorded when it is settled (Stamp.settled), else stat and hash
    anew (io.cache.stamp); None when it is not a regular file sgov may read."""
    if before is not None and before.settled(stat_key(path)):
        return before
    return stamp(path)


def _history_files(entry: str, path: Path) -> list[tuple[str, Path]]:
    """The files an entry of `history` is made from: a record, or an earlier folder's workbooks
    and its sgov.toml (a missing entry makes no key: the run reports it)."""
    if not path.is_dir():
        return [(f"history:{entry}", path)]
    rels = discover(path)
    named = [(f"history:{entry}/{rel}", path / rel) for rel in rels]
    if (path / CONFIG_NAME).exists():
        named.append((f"history:{entry}/{CONFIG_NAME}", path / CONFIG_NAME))
    return named


@functools.cache
def _code() -> str:
    """sgov's code (every file of the package), Python's version and the reading libraries."""
    package = Path(__file__).resolve().parent
    sources = sorted(
        p
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    libraries = " ".join(
        (
            distribution_stamp("python_calamine", "python_calamine"),
            library_stamp("openpyxl", "_constants.py"),
        )
    )
    return code_digest(sources, f"{_MAGIC!r} {sys.version} {libraries}")


def _finding_row(finding: Finding) -> list:
    excess = None if finding.excess is None else str(finding.excess)
    return [
        finding.rule,
        finding.severity.value,
        finding.project_id,
        finding.file,
        finding.sheet,
        finding.cell,
        finding.row,
        finding.message,
        finding.clause,
        finding.fix,
        excess,
    ]


def _view(config: Config, body: dict) -> ValidationView:
    intern = sys.intern
    findings = []
    for row in body["findings"]:
        rule, severity, project_id, file, sheet, cell, line, message, clause, fix, excess = row
        findings.append(
            Finding(
                intern(rule),
                Severity(severity),
                project_id,
                None if file is None else intern(file),
                None if sheet is None else intern(sheet),
                cell,
                line,
                message,
                clause,
                fix,
                None if excess is None else Decimal(excess),
            )
        )
    return ValidationView(config, findings, int(body["files"]), int(body["projects"]))
