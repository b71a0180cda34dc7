"""Phone and identity numbers: found and masked wherever sgov writes text that leaves the office."""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
_PHONE_ID = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    r"\d{17}[\dXx]"  # 18-digit identity number
    r"|\d{15}"  # old 15-digit identity number
    r"|(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}"  # mobile, also 138-1234-5678
    r"|(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[\s-]?)\d{7,8}(?:-\d{1,5})?"  # landline with area code
    r")(?![0-9A-Za-z])"
)


def scrub(text: Any) -> str:
    """Text with phone numbers and identity numbers replaced by ``***``."""
    if text is None:
        return ""
    return _PHONE_ID.sub(MASK, str(text))


def scrub_value(value: Any) -> Any:
    """A cell value with phone and identity numbers masked; numbers that are such numbers become ***."""
    if isinstance(value, str):
        return scrub(value) if _PHONE_ID.search(value) else value
    if isinstance(value, int) and not isinstance(value, bool) and _PHONE_ID.search(str(value)):
        return MASK
    if isinstance(value, float) and value.is_integer() and _PHONE_ID.search(str(int(value))):
        return MASK
    return value
