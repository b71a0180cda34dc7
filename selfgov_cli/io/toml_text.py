"""TOML files a clerk edits (sgov.toml, program files): their text as Notepad saves it (UTF-8,
with or without BOM, or GBK), and their mistakes told in Chinese: the line, and the full-width
signs a Chinese input method slipped in, never tomllib's English."""

from __future__ import annotations

import re
import tomllib

# Full-width punctuation an input method slips in where TOML needs ASCII: what to type instead.
_FULLWIDTH_HINTS = {
    "＝": "=",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "＂": '"',
    "［": "[",
    "］": "]",
    "，": ",",
    "｛": "{",
    "｝": "}",
    "＃": "#",
    "：": "=",
}


def decode_toml(data: bytes) -> str | None:
    """The text of a TOML file: UTF-8, UTF-8 with BOM, or GBK (GB18030, Windows Notepad's "ANSI");
    None when it is none of them."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None  # pragma: no cover - gb18030 decodes nearly any bytes


_AT_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_mistake(name: str, text: str, exc: tomllib.TOMLDecodeError) -> str:
    """A TOML mistake in Chinese, naming the file, the line and any full-width sign typed there."""
    found = _AT_LINE.search(str(exc))
    lines = text.splitlines()
    if found:
        number = int(found[1])
    elif "(at end of document)" in str(exc):  # cut short: the last line written is unfinished
        number = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)
    else:
        number = 0
    if not number:
        return f"{name} 格式有误：请对照 sgov init 生成的样例检查（{exc}）"
    line = lines[number - 1] if 0 < number <= len(lines) else ""
    signs = [ch for ch in dict.fromkeys(line) if ch in _FULLWIDTH_HINTS]
    shown = line.strip()[:60]
    if signs:
        fixes = "、".join(f"“{ch}”改为 {_FULLWIDTH_HINTS[ch]}" for ch in signs)
        return (
            f"{name} 第 {number} 行有全角（中文）符号：{shown}\n"
            f"请切换到英文输入法，把{fixes}（等号、引号、括号都要用半角）"
        )
    return (
        f"{name} 第 {number} 行格式有误：{shown}\n"
        '请按“名称 = 值”书写：文字加半角双引号（如 program = "puxing-2023"），数字和日期不加引号'
    )


__all__ = ["toml_mistake"]
