"""Built-in programs and program files (`--program my-street.toml` with `extends`)."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.io.schema import EXPENSE_NAMES, expense_code
from selfgov_cli.io.toml_text import decode_toml, toml_mistake
from selfgov_cli.io.values import did_you_mean
from selfgov_cli.os_errors import os_error_text
from selfgov_cli.programs import chengdu, gonghexinlu, puxing, xinjing
from selfgov_cli.programs.base import (
    COMMON_SETTINGS,
    GATE_LABELS,
    Program,
    ProgramError,
    Setting,
    Tranche,
)

BUILTIN_MODULES = (puxing, xinjing, chengdu, gonghexinlu)


def builtin() -> dict[str, Program]:
    """The built-in programs by id."""
    return {m.PROGRAM.id: m.PROGRAM for m in BUILTIN_MODULES}


def get_program(ref: str, base_dir: Path | None = None) -> Program:
    """A built-in id, or a path to a program file (TOML). ProgramError when neither works."""
    programs = builtin()
    if ref in programs:
        return programs[ref]
    path = Path(ref)
    if not path.is_absolute() and base_dir is not None and not path.exists():
        path = base_dir / path
    if path.suffix.lower() == ".toml" and path.is_file():
        return load_program_file(path)
    known = "、".join(programs)
    hint = did_you_mean(ref, programs)
    raise ProgramError(
        f"未知的项目计划 {ref!r}（{hint}内置：{known}；或给出 .toml 计划文件的路径）"
    )


def load_program_file(path: Path) -> Program:
    """A clerk's own program: starts from a built-in one (extends) and changes what it names."""
    try:
        text = decode_toml(path.read_bytes())
    except OSError as exc:
        raise ProgramError(f"无法读取计划文件 {path}：{os_error_text(exc, reading=True)}") from exc
    if text is None:  # pragma: no cover - gb18030 decodes nearly any bytes
        raise ProgramError(f"计划文件 {path} 的编码无法识别：请用记事本另存为“UTF-8”编码")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(toml_mistake(path.name, text, exc)) from exc
    where = path.name
    base_id = raw.pop("extends", None)
    if not isinstance(base_id, str) or base_id not in builtin():
        raise ProgramError(f"{where} 必须用 extends 指定一个内置计划（{'、'.join(builtin())}）")
    base = builtin()[base_id]
    changes: dict[str, Any] = {"family": base.family, "id": path.stem}
    text_keys = {
        "id": "id",
        "name": "name",
        "short": "short",
        "document": "document",
        "issued": "issued",
    }
    for key, attr in text_keys.items():
        if key in raw:
            value = raw.pop(key)
            if not isinstance(value, str) or not value.strip():
                raise ProgramError(f"{where} 中的 {key} 应为文本")
            changes[attr] = value
    if "categories" in raw:
        changes["categories"] = _str_list(raw.pop("categories"), "categories", where)
    if "intents" in raw:
        intents = raw.pop("intents")
        if not isinstance(intents, dict):
            raise ProgramError(f"{where} 中的 intents 应为 类别 = [意向…] 的表")
        categories = changes.get("categories", base.categories)
        stray = [k for k in intents if k not in categories]
        if stray:
            raise ProgramError(f"{where} 中 intents 的类别不在 categories 中：{'、'.join(stray)}")
        merged = {k: v for k, v in base.intents.items() if k in categories}
        merged.update({k: _str_list(v, f"intents.{k}", where) for k, v in intents.items()})
        changes["intents"] = merged
    if "expense_caps" in raw:
        caps = raw.pop("expense_caps")
        if not isinstance(caps, dict):
            raise ProgramError(f"{where} 中的 expense_caps 应为 支出类别代码 = 比例 的表")
        parsed = dict(base.expense_caps)  # caps the file does not name stay as they are
        for key, value in caps.items():
            code = expense_code(key)  # a code (volunteer) or the category's name (志愿者补贴)
            if code is None:
                known = "、".join(f"{c}（{n}）" for c, n in EXPENSE_NAMES.items())
                raise ProgramError(f"{where} 中 expense_caps.{key} 不是支出类别：应为 {known}")
            parsed[code] = Setting(code, "rate", None, "").convert(value, f"{where} expense_caps")
        changes["expense_caps"] = parsed
    if "tranches" in raw:
        source = changes.get("document") or f"计划文件 {where}"
        changes["tranches"] = _tranches(raw.pop("tranches"), where, source)
    if "disabled_rules" in raw:
        changes["disabled_rules"] = _rule_ids(raw.pop("disabled_rules"), where)
    program = replace(base, **changes)
    settings = raw.pop("settings", {})
    if not isinstance(settings, dict):
        raise ProgramError(f"{where} 中的 [settings] 应为表")
    resolved = program.resolve_settings(settings, where)
    if resolved:
        merged = []
        for spec in program.all_settings():
            merged.append(
                replace(spec, default=resolved[spec.name], source=f"{where}")
                if spec.name in resolved
                else spec
            )
        program = replace(program, settings=tuple(s for s in merged if s not in COMMON_SETTINGS))
    if raw:
        raise ProgramError(f"{where} 中有未知的键：{'、'.join(_unknown(key) for key in raw)}")
    return program


_FILE_KEYS = ("extends", "id", "name", "short", "document", "issued", "categories", "intents")
_FILE_KEYS += ("expense_caps", "tranches", "disabled_rules", "settings")
# sgov.toml's own keys (config._KNOWN_KEYS; config imports this module)
_FOLDER_KEYS = ("year", "neighborhoods", "office", "office_phone", "office_address", "history")


def _unknown(key: str) -> str:
    """An unknown key of a program file, with where it belongs or the key it was close to."""
    if key in _FOLDER_KEYS:
        return f"{key}（应写在项目文件夹的 sgov.toml 中，不在计划文件中）"
    if key == "program":
        return f"{key}（计划文件用 extends 指定所基于的内置计划）"
    hint = did_you_mean(key, _FILE_KEYS)
    return f"{key}（{hint}）" if hint else key


def _str_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(x, str) and x.strip() for x in value)
    ):
        raise ProgramError(f"{where} 中的 {key} 应为非空文本列表")
    return tuple(x.strip() for x in value)


def _rule_ids(value: Any, where: str) -> tuple[str, ...]:
    """Rule ids as written (upper case); rules/registry.check_program rejects unknown ones."""
    return tuple(x.upper() for x in _str_list(value, "disabled_rules", where))


# a gate as a clerk writes it in Chinese, and the order tranches are paid in
_GATE_NAMES = {
    "approval": "approval",
    "立项": "approval",
    "立项时": "approval",
    "签约": "approval",
    "midterm": "midterm",
    "中期": "midterm",
    "中期评估": "midterm",
    "final": "final",
    "末期": "final",
    "末期评估": "final",
    "结项": "final",
    "终期": "final",
    "终期评估": "final",
}
_GATE_ORDER = {gate: n for n, gate in enumerate(GATE_LABELS)}


def _tranches(value: Any, where: str, source: str) -> tuple[Tranche, ...]:
    """[[tranches]] of a program file: gates in English or Chinese (立项、中期、末期/结项), paid in
    that order, shares adding up to 1; a tranche without `clause` cites `source` (the file's
    document, else the file)."""
    if not isinstance(value, list) or not value:
        raise ProgramError(f"{where} 中的 tranches 应为 [[tranches]] 列表，每项有 share 与 gate")
    out: list[Tranche] = []
    for index, item in enumerate(value, 1):
        gate = item.get("gate") if isinstance(item, dict) else None
        gate = _GATE_NAMES.get(gate.strip()) if isinstance(gate, str) else None
        if gate is None:
            raise ProgramError(
                f"{where} 第 {index} 个 tranche 的 gate 应为 approval（立项）、midterm（中期）"
                "或 final（末期、结项）"
            )
        if out and _GATE_ORDER[gate] < _GATE_ORDER[out[-1].gate]:
            raise ProgramError(
                f"{where} 第 {index} 个 tranche（{GATE_LABELS[gate]}）排在"
                f"{GATE_LABELS[out[-1].gate]}之后：拨付批次应按 立项、中期评估、末期评估 的先后排列"
            )
        share = Setting("share", "rate", None, "").convert(
            item.get("share"), f"{where} tranches[{index}]"
        )
        clause = item.get("clause")
        clause = clause.strip() if isinstance(clause, str) and clause.strip() else source
        out.append(Tranche(share, gate, clause))
    total = sum((t.share for t in out), Decimal(0))
    if total != 1:
        raise ProgramError(
            f"{where} 中各 tranche 的 share 之和应为 1（100%），现为 {total:f}"
            f"（{'、'.join(f'{t.share:f}' for t in out)}）"
        )
    return tuple(out)


__all__ = [
    "Program",
    "ProgramError",
    "Setting",
    "Tranche",
    "builtin",
    "get_program",
]
