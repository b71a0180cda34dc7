"""sgov.toml at the folder root: the program, the year, local settings, the office."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfgov_cli.io.loader import has_spreadsheet
from selfgov_cli.io.toml_text import decode_toml, toml_mistake
from selfgov_cli.io.values import did_you_mean
from selfgov_cli.os_errors import os_error_text
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
        return program_title(self.program, self.program_year)


def program_title(program: Program, year: int | None) -> str:
    """The program's name in its program year: `2027年浦兴路街道“自治金”项目` for puxing-2023 moved
    to 2027 (every header, JSON `program_name` and report title; never the built-in 2023年…)."""
    if year is None:
        return program.name
    return f"{year}年{_YEAR_PREFIX.sub('', program.name, count=1)}"


_YEAR_PREFIX = re.compile(r"^\s*\d{4}\s*年(度)?")
_ID_YEAR = re.compile(r"(19|20)\d{2}")


def program_id_year(program: Program) -> int:
    """The year in a built-in program's id (puxing-2023 → 2023), else its name's, else 2023."""
    for text in (program.family, program.id, program.name):
        found = _ID_YEAR.search(text or "")
        if found:
            return int(found.group(0))
    return 2023


def read_config_text(path: Path) -> str:
    """sgov.toml as text: UTF-8, UTF-8 with BOM, or GBK (Windows Notepad's "ANSI")."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"无法读取 {CONFIG_NAME}：{os_error_text(exc, reading=True)}") from exc
    text = decode_toml(data)
    if text is None:  # pragma: no cover - gb18030 decodes nearly any bytes
        raise ConfigError(f"{CONFIG_NAME} 的编码无法识别：请用记事本打开，另存为“UTF-8”编码")
    return text


def parse_config_text(text: str) -> dict[str, Any]:
    """TOML to a dict; a mistake is a Chinese message naming the line (and any full-width sign)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_mistake(CONFIG_NAME, text, exc)) from exc


def load_config(folder: Path, program_ref: str | None = None) -> Config:
    """Read FOLDER/sgov.toml (optional) and resolve the program and settings.

    A folder with no spreadsheet at all is no program folder (ConfigError: exit 2), once
    sgov.toml itself is known to be right (its mistakes are the more useful message)."""
    if not folder.exists():
        raise ConfigError(f"文件夹不存在：{folder}")
    if not folder.is_dir():
        raise ConfigError(f"不是文件夹：{folder}")
    path = folder / CONFIG_NAME
    raw: dict[str, Any] = {}
    text = ""
    if path.is_file():
        text = read_config_text(path)
        raw = parse_config_text(text)
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        key = unknown[0]
        raise ConfigError(
            f"{_place(text, key)}未知的键 {key}（{did_you_mean(key, sorted(_KNOWN_KEYS))}"
            f"可用：{'、'.join(sorted(_KNOWN_KEYS))}）"
        )
    ref = program_ref or raw.get("program") or DEFAULT_PROGRAM
    if not isinstance(ref, str):
        raise ConfigError(
            f"{_place(text, 'program')}program 应为文本（内置计划 id 或计划文件路径）"
        )
    source = "--program" if program_ref else (CONFIG_NAME if "program" in raw else "默认")
    try:
        program = check_program(get_program(ref, folder))
    except ConfigError:
        raise
    except ProgramError as exc:
        if program_ref or "program" not in raw:
            raise
        raise ConfigError(f"{_place(text, 'program')}{exc}") from exc
    settings_raw = raw.get("settings", {})
    if not isinstance(settings_raw, dict):
        raise ConfigError(f"{_place(text, 'settings')}[settings] 应为表")
    settings = _settings(program, settings_raw, text)
    year = _year(raw.get("year"), text)
    hoods = raw.get("neighborhoods", [])
    if isinstance(hoods, str):  # one text as a clerk types a list: 金桥湾居民区，长岛居民区
        hoods = re.split(r"[,，、;；\s]+", hoods)
    if not isinstance(hoods, list) or not all(isinstance(x, str) for x in hoods):
        raise ConfigError(
            f"{_place(text, 'neighborhoods')}neighborhoods 应为居民区名称列表，"
            '如 neighborhoods = ["金桥湾居民区", "长岛居民区"]'
        )
    history = _history(folder, raw.get("history", []))
    texts = {}
    for key in ("office", "office_phone", "office_address"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{_place(text, key)}{key} 应为文本")
        texts[key] = value
    if not has_spreadsheet(folder):
        raise ConfigError(
            f"{folder} 中没有任何电子表格（.xlsx、.xls、.ods、.csv）：多半是给错了文件夹，"
            "请指定存放申报表、预算明细、经费台账等文件的项目文件夹（新建项目文件夹可运行 sgov init）"
        )
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


def _key_line(text: str, key: str, section: str | None = None) -> int | None:
    """The line (from 1) where `key =` is set in `section` (None: the top level) of sgov.toml."""
    current: str | None = None
    assign = re.compile(rf"^[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header[1].strip("\"' ")
            if section is None and current == key:
                return number
        elif current == section and assign.match(stripped):
            return number
    return None


def _place(text: str, key: str, section: str | None = None) -> str:
    """`sgov.toml 第 N 行：` for the line that sets `key` (`sgov.toml：` when it cannot be found)."""
    number = _key_line(text, key, section)
    return f"{CONFIG_NAME} 第 {number} 行：" if number else f"{CONFIG_NAME}："


def _settings(program: Program, raw: dict[str, Any], text: str) -> dict[str, Any]:
    """[settings] typed by the program; an unknown or ill-typed one names its line."""
    out: dict[str, Any] = {}
    names = [s.name for s in program.all_settings()]
    for key, value in raw.items():
        place = _place(text, key, "settings")
        if program.setting_spec(key) is None:
            raise ConfigError(
                f"{place}未知的设置 {key}（{did_you_mean(key, sorted(names))}可用：{'、'.join(names)}）"
            )
        try:
            out.update(program.resolve_settings({key: value}, CONFIG_NAME))
        except ProgramError as exc:
            message = str(exc).removeprefix(f"{CONFIG_NAME} 中的")
            raise ConfigError(f"{place}{message}") from exc
    return out


FIRST_YEAR, LAST_YEAR = 1990, 2099  # the program years sgov takes (sgov.toml, init --year)


def is_program_year(year: Any) -> bool:
    """A whole number of four digits within FIRST_YEAR … LAST_YEAR."""
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR


def _year(year: Any, text: str) -> int | None:
    """`year = 2027`: a four-digit whole number (a text such as "2027年" or a short 27 is named)."""
    if year is None:
        return None
    if is_program_year(year):
        return year
    found = re.search(r"(19|20)\d{2}", str(year))
    if found:
        example = found.group(0)
    elif isinstance(year, int) and not isinstance(year, bool) and 0 <= year < 100:
        example = str(2000 + year)
    else:
        example = "2023"
    raise ConfigError(
        f"{_place(text, 'year')}year 应为四位数的年份，如 year = {example}"
        f"（不加引号、不写“年”），现为 {year!r}"
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
