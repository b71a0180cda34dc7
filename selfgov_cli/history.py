"""Earlier years (cli.md "Year over year"): the records `history` in sgov.toml lists, and which of this
year's projects continue which of last year's.

A record is what `sgov run` wrote as `record.json` (selfgov_cli/record.py). A project continues last
year's when its 项目编号 matches; else when its 居民区 and its normalised 项目名称 match (spaces and
punctuation stripped, a leading year such as 2023年 dropped). Reading a folder entry (an earlier
program folder computed as of its year's end) is the pipeline's business; this module only reads
and links records.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from selfgov_cli.model import Project

SCHEMA = 1
BY_ID = "项目编号"
BY_NAME = "居民区和项目名称"
_LEADING_YEAR = re.compile(r"^(19|20)\d{2}\s*年度?")
_NOT_WORD = re.compile(r"[\W_]+")


def name_key(text: Any) -> str:
    """项目名称 for matching: full-width folded, a leading year (2023年, 2023年度) dropped, spaces and
    punctuation stripped, lower case."""
    folded = unicodedata.normalize("NFKC", str(text or "")).strip()
    folded = _LEADING_YEAR.sub("", folded, count=1)
    return _NOT_WORD.sub("", folded).lower()


def place_key(text: Any) -> str:
    """居民区 for matching: full-width folded, spaces and punctuation stripped."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()


class RecordError(ValueError):
    """A record that cannot be read; the message says what is wrong, in Chinese."""


@dataclass(frozen=True)
class RecordedProject:
    """One project of an earlier year's record (amounts and rates as Decimal; None when unknown)."""

    project_id: str
    name: str
    neighborhood: str
    category: str
    approved: Decimal | None  # the approved amount; None: not approved that year
    released: Decimal | None
    eligible_spent: Decimal | None
    usage_rate: Decimal | None
    execution_rate: Decimal | None
    final_rank: int | None
    flags: tuple[str, ...] = ()
    midterm: str | None = None
    final: str | None = None
    top10_place: int | None = None  # the 十佳 place as recorded (records before it: None)

    @property
    def place(self) -> int | None:
        """Its 十佳 place: `top10_place` as recorded, else (a record written before that key) its
        year-end place. The two differ when projects above it had errors (rules.md 浦兴: only the
        projects without errors count), so the place is never read from `final_rank` when known."""
        return self.top10_place if self.top10_place is not None else self.final_rank

    @property
    def top10(self) -> bool:
        """十佳: placed 1–10 among the eligible in the year-end 评选 and flagged top10."""
        return self.place is not None and 1 <= self.place <= 10 and "top10" in self.flags

    @property
    def top5(self) -> bool:
        return self.top10 and self.place <= 5 and "top5" in self.flags


@dataclass(frozen=True)
class YearRecord:
    program: str
    year: int
    as_of: date
    projects: tuple[RecordedProject, ...]
    source: str  # the history entry as written in sgov.toml

    @property
    def ranked(self) -> bool:
        """Does the record know the year-end ranking (any final rank)?"""
        return any(p.final_rank is not None for p in self.projects)

    @property
    def label(self) -> str:
        """How findings and explain cite it: `2022 年记录 history/record-2022.json`, saying when it
        was computed before its year's end (a record.json from a mid-year run: its 执行率 and ranks
        are that day's, not the year's)."""
        text = f"{self.year} 年记录 {self.source}"
        if self.as_of < date(self.year, 12, 31):
            text += f"（计算日期 {self.as_of.isoformat()}，不是年终的记录）"
        return text


def parse_record(data: Any, source: str) -> YearRecord:
    """A record.json's parsed JSON as a YearRecord, else RecordError naming what is wrong."""
    if not isinstance(data, dict):
        raise RecordError("不是 record.json 的格式（应为一个 JSON 对象）")
    if data.get("schema") != SCHEMA:
        raise RecordError(f"schema 应为 {SCHEMA}，现为 {data.get('schema')!r}")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise RecordError(f"year 应为整数年份，现为 {year!r}")
    try:
        as_of = date.fromisoformat(str(data.get("as_of")))
    except ValueError as exc:
        raise RecordError(f"as_of 应为日期，现为 {data.get('as_of')!r}") from exc
    items = data.get("projects")
    if not isinstance(items, list):
        raise RecordError("projects 应为列表")
    projects = tuple(_project(item, n) for n, item in enumerate(items, 1))
    return YearRecord(str(data.get("program") or ""), year, as_of, projects, source)


def _project(item: Any, n: int) -> RecordedProject:
    if not isinstance(item, dict) or not str(item.get("project_id") or "").strip():
        raise RecordError(f"projects 第 {n} 项没有 project_id")
    rank, place = _whole(item, "final_rank", n), _whole(item, "top10_place", n)
    flags = item.get("flags") or []
    if not isinstance(flags, list):
        raise RecordError(f"projects 第 {n} 项的 flags 应为列表")
    return RecordedProject(
        project_id=str(item["project_id"]).strip(),
        name=str(item.get("name") or ""),
        neighborhood=str(item.get("neighborhood") or ""),
        category=str(item.get("category") or ""),
        approved=_decimal(item, "approved", n),
        released=_decimal(item, "released", n),
        eligible_spent=_decimal(item, "eligible_spent", n),
        usage_rate=_decimal(item, "usage_rate", n),
        execution_rate=_decimal(item, "execution_rate", n),
        final_rank=rank,
        flags=tuple(str(f) for f in flags),
        midterm=item.get("midterm") or None,
        final=item.get("final") or None,
        top10_place=place,
    )


def _whole(item: dict, key: str, n: int) -> int | None:
    value = item.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise RecordError(f"projects 第 {n} 项的 {key} 应为整数或 null，现为 {value!r}")
    return value


def _decimal(item: dict, key: str, n: int) -> Decimal | None:
    value = item.get(key)
    if value is None or isinstance(value, bool):  # approved: false in a hand-written record
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise RecordError(f"projects 第 {n} 项的 {key} 应为数字文本，现为 {value!r}") from exc


@dataclass(frozen=True)
class Prior:
    """The record a project of this year continues, and how it was matched."""

    record: RecordedProject
    matched_by: str  # BY_ID or BY_NAME
    year: int
    source: str
    ranked: bool  # the year's record knows its year-end ranking
    label: str  # YearRecord.label

    def where(self) -> str:
        """`2022 年记录 history/record-2022.json 的 PX-2022-007，按居民区和项目名称对应`."""
        return f"{self.label} 的 {self.record.project_id}，按{self.matched_by}对应"


@dataclass
class LastYear:
    """Last year's record linked to this year's projects (Context.history)."""

    record: YearRecord
    priors: dict[str, Prior] = field(default_factory=dict)  # this year's 项目编号 → its prior
    earlier: tuple[YearRecord, ...] = ()  # every record history listed, oldest first

    @property
    def year(self) -> int:
        return self.record.year

    @property
    def source(self) -> str:
        return self.record.source

    @property
    def label(self) -> str:
        return self.record.label

    def prior(self, project: Project | None) -> Prior | None:
        """The record this year's project continues (None: no record of it last year)."""
        if project is None:
            return None
        return self.priors.get(project.project_id or "")


def last_year(records: list[YearRecord], year: int) -> YearRecord | None:
    """The latest record before `year` (None when every record is of this year or later)."""
    earlier = [r for r in records if r.year < year]
    return max(earlier, key=lambda r: r.year) if earlier else None


def link(records: list[YearRecord], projects: dict[str, Project], year: int) -> LastYear | None:
    """This year's projects (项目编号 → project) matched to last year's record."""
    record = last_year(records, year)
    if record is None:
        return None
    by_id = {p.project_id: p for p in record.projects}
    by_name: dict[tuple[str, str], RecordedProject] = {}
    for item in record.projects:
        by_name.setdefault((place_key(item.neighborhood), name_key(item.name)), item)
    out = LastYear(record, earlier=tuple(sorted(records, key=lambda r: r.year)))
    for pid, project in projects.items():
        found = by_id.get(pid)
        how = BY_ID
        if found is None:
            key = (place_key(project.get("neighborhood")), name_key(project.name))
            found = by_name.get(key) if key[1] else None
            how = BY_NAME
        if found is not None:
            out.priors[pid] = Prior(
                found, how, record.year, record.source, record.ranked, record.label
            )
    return out


__all__ = [
    "BY_ID",
    "BY_NAME",
    "LastYear",
    "Prior",
    "RecordError",
    "RecordedProject",
    "YearRecord",
    "last_year",
    "link",
    "name_key",
    "parse_record",
    "place_key",
]
