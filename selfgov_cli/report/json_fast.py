"""Indented JSON written in pieces, with every string masked as it is written.

The text is exactly ``json.dumps(scrub_data(payload), ensure_ascii=False, indent=indent)``: the
standard library's indented encoder is pure Python and yields every token through nested
generators (0.7 s for the bench run's disburse.json); here a container is one generator and its
scalars are appended to a shared buffer, and strings are masked on the way instead of copying the
whole tree first. A ``privacy.Lazy`` list is walked as it builds its items, so a million findings
never exist at once. Tested against ``json.dumps`` (tests/report/test_json_fast.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from selfgov_cli.privacy import scrub

_FLUSH = 4096  # pieces gathered before a chunk is handed to the writer


def json_pieces(payload: Any, indent: int = 2) -> Iterator[str]:
    """The JSON text of payload in chunks (each several KB), then a final newline."""
    buf: list[str] = []
    pad = " " * indent
    if _is_container(payload):
        for _ in _container(payload, 0, buf, pad):
            if len(buf) >= _FLUSH:
                yield "".join(buf)
                buf.clear()
    else:
        buf.append(_scalar(payload))
    buf.append("\n")
    yield "".join(buf)


def _is_container(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict))


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _str_text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


_CONTAINERS = frozenset({list, tuple, dict})
_KEYS: dict[str, str] = {}  # the encoded text of each str key seen (our own field names), with ": "


def _key(key: Any) -> str:
    if isinstance(key, str):
        text = encode_basestring(key) + ": "  # keys are ours, never masked (as scrub_data)
        if type(key) is str and len(_KEYS) < 4096:
            _KEYS[key] = text
        return text
    if key is None or isinstance(key, (int, float)):  # bool is an int: "true", as json does
        return encode_basestring(_scalar(key)) + ": "
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _container(value: Any, level: int, buf: list[str], pad: str) -> Iterator[None]:
    """Append value's text to buf; yields between items so the caller can flush."""
    add = buf.append
    inner = "\n" + pad * (level + 1)
    if isinstance(value, dict):
        if not value:
            add("{}")
            return
        lead, comma = "{" + inner, "," + inner
        keys = _KEYS
        for key, item in value.items():
            add(lead)
            lead = comma
            add(keys.get(key) or _key(key))
            kind = type(item)
            if kind is str:  # most values: inline
                add(_str_text(item))
            elif kind in _CONTAINERS or isinstance(item, (list, tuple, dict)):
                yield from _container(item, level + 1, buf, pad)
            else:
                add(_scalar(item))
        add("\n" + pad * level + "}")
        return
    if not value:
        add("[]")
        return
    lead, comma = "[" + inner, "," + inner
    names: tuple | None = None  # the keys of the list's flat records, once a template is made
    template = ""
    for item in value:
        add(lead)
        lead = comma
        if type(item) is dict:
            if names is None:
                names, template = _record_template(item, level + 1, pad)
            if template and tuple(item) == names:
                try:
                    add(
                        template
                        % tuple(
                            [
                                _str_text(v) if type(v) is str else _flat_text(v)
                                for v in item.values()
                            ]
                        )
                    )
                    yield
                    continue
                except KeyError:  # a value that is not a plain scalar: the general way
                    pass
        if isinstance(item, (list, tuple, dict)):
            yield from _container(item, level + 1, buf, pad)
        else:
            add(_scalar(item))
        yield
    add("\n" + pad * level + "]")


# Lists of flat records (findings, ledger rows) are written through one %-template a list: each
# record costs one format of its values' texts instead of a generator walk of its keys.
_TEXTS: dict[str, str] = {}  # str -> its masked JSON text, for the texts records repeat


def _str_text(value: str) -> str:
    """A string's masked JSON text (a `Public` one unmasked, and never remembered: it equals the
    plain string of the same text, which is masked)."""
    if type(value) is not str:
        return encode_basestring(scrub(value))
    text = _TEXTS.get(value)
    if text is None:
        text = encode_basestring(scrub(value))
        if len(value) <= 256:  # long texts seldom repeat; kept, they could hold 100s of MB
            if len(_TEXTS) >= 100_000:
                _TEXTS.clear()
            _TEXTS[value] = text
    return text


_FLAT_TEXT = {
    str: _str_text,
    type(None): lambda v: "null",
    bool: lambda v: "true" if v else "false",
    int: int.__repr__,
    float: _float,
}


def _flat_text(value: Any) -> str:
    return _FLAT_TEXT[type(value)](value)  # KeyError: not a plain scalar (Public, list, ...)


def _record_template(item: dict, level: int, pad: str) -> tuple[tuple, str]:
    """(keys, template) of a record of str keys and plain scalar values at `level`, or
    (keys, "") when it is not such a record (then its list is written the general way)."""
    names = tuple(item)
    if not names or not all(type(v) in _FLAT_TEXT for v in item.values()):
        return names, ""
    made = _TEMPLATES.get((names, level, pad))
    if made is None:
        if not all(type(k) is str for k in names):
            return names, ""
        inner = "\n" + pad * (level + 1)
        fields = [(inner + encode_basestring(k) + ": ").replace("%", "%%") + "%s" for k in names]
        made = "{" + ",".join(fields) + "\n" + pad * level + "}"
        if len(_TEMPLATES) < 1024:
            _TEMPLATES[names, level, pad] = made
    return names, made


# (keys, level, indent) -> template: small lists (a row's reasons) share the one made before
_TEMPLATES: dict[tuple, str] = {}


__all__ = ["json_pieces"]
