"""sgov.toml at the folder root: the program, the year, local settings, the office."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfgov_cli.programs import get_program
from selfgov_cli.programs.base import Program, ProgramError
from selfgov_cli.rules.registry import check_program

CONFIG_NAME = "sgov.toml"
DEFAULT_PROGRAM = "puxing-2023"
_KNOWN_KEYS = {
    "program",
    "year",
    "neighborhoods",
    "settings",
    "office",
    "office_phone",
    "office_address",
    "history",
}


class ConfigError(ProgramError):
    """sgov.toml cannot be used; the message names the file and the key (exit 2)."""


@dataclass(frozen=True)
class Config:
    folder: Path
    program: Program
    settings: dict[str, Any] = field(default_factory=dict)
    year: int | None = None
    neighborhoods: tuple[str, ...] = ()
    office: str = ""
    office_phone: str = ""
    office_address: str = ""
    source: str = ""  # where the program came from: sgov.toml, --program or the default
    # earlier years (cli.md "Year over year"): record.json files or program folders, as written
    # in sgov.toml (relative to the folder); each checked to exist
    history: tuple[str, ...] = ()

    def history_paths(self) -> list[tuple[str, Path]]:
        """(as written, resolved path) of every `history` entry."""
        return [(entry, (self.folder / entry)) for entry in self.history]

    @property
    def program_year(self) -> int:
        """The program year: sgov.toml `year`, else the year in the program id (workbooks.md)."""
        return self.year or program_id_year(self.program)

    @property
    def title(self) -> str:
        """`{year}年` + the program's name without a year of its own (never 2024年2023年…)."""
        return f"{self.program_year}年{_YEAR_PREFIX.sub('', self.program.name, count=1)}"


_YEAR_PREFIX = re.compile(r"^\s*\d{4}\s*年(度)?")
_ID_YEAR = re.compile(r"(19|20)\d{2}")


def program_id_year(program: Program) -> int:
    """The year in a built-in program's id (puxing-2023 → 2023), else its name's, else 2023."""
    for text in (program.family, program.id, program.name):
        found = _ID_YEAR.search(text or "")
        if found:
            return int(found.group(0))
    return 2023


def load_config(folder: Path, program_ref: str | None = None) -> Config:
    """Read FOLDER/sgov.toml (optional) and resolve the program and settings."""
    if not folder.exists():
        raise ConfigError(f"文件夹不存在：{folder}")
    if not folder.is_dir():
        raise ConfigError(f"不是文件夹：{folder}")
    path = folder / CONFIG_NAME
    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"无法读取 {CONFIG_NAME}：{exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{CONFIG_NAME} 格式有误：{exc}") from exc
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{CONFIG_NAME} 中有未知的键：{'、'.join(unknown)}（可用：{'、'.join(sorted(_KNOWN_KEYS))}）"
        )
    ref = program_ref or raw.get("program") or DEFAULT_PROGRAM
    if not isinstance(ref, str):
        raise ConfigError(f"{CONFIG_NAME} 中的 program 应为文本（内置计划 id 或计划文件路径）")
    source = "--program" if program_ref else (CONFIG_NAME if "program" in raw else "默认")
    program = check_program(get_program(ref, folder))
    settings_raw = raw.get("settings", {})
    if not isinstance(settings_raw, dict):
        raise ConfigError(f"{CONFIG_NAME} 中的 [settings] 应为表")
    settings = program.resolve_settings(settings_raw, CONFIG_NAME)
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise ConfigError(f"{CONFIG_NAME} 中的 year 应为整数，如 2023")
    hoods = raw.get("neighborhoods", [])
    if not isinstance(hoods, list) or not all(isinstance(x, str) for x in hoods):
        raise ConfigError(f"{CONFIG_NAME} 中的 neighborhoods 应为居民区名称列表")
    history = _history(folder, raw.get("history", []))
    texts = {}
    for key in ("office", "office_phone", "office_address"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{CONFIG_NAME} 中的 {key} 应为文本")
        texts[key] = value
    return Config(
        folder=folder,
        program=program,
        settings=settings,
        year=year,
        neighborhoods=tuple(h.strip() for h in hoods if h.strip()),
        source=source,
        history=history,
        **texts,
    )


def _history(folder: Path, raw: Any) -> tuple[str, ...]:
    """`history = [...]`: paths relative to the folder, each an existing record file or folder."""
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        raise ConfigError(
            f'{CONFIG_NAME} 中的 history 应为路径列表，如 ["../2022/sgov-output/2022-12-31/record.json"]'
        )
    for entry in raw:
        path = folder / entry.strip()
        if not path.exists():
            raise ConfigError(
                f"{CONFIG_NAME} 中的 history 路径 {entry} 不存在（{path}）：请改为上年的 record.json 或上年的项目文件夹"
            )
        if not (path.is_dir() or path.is_file()):
            raise ConfigError(f"{CONFIG_NAME} 中的 history 路径 {entry} 既不是文件也不是文件夹")
    return tuple(entry.strip() for entry in raw)
