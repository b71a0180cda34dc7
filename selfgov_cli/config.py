"""sgov.toml at the folder root: the program, the year, local settings, the office."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfgov_cli.programs import get_program
from selfgov_cli.programs.base import Program, ProgramError

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
    program = get_program(ref, folder)
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
        **texts,
    )
