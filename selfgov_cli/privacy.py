"""Personal data: one detector, used wherever sgov writes text that leaves the office.

``find(text)`` gives the spans of personal data; ``scrub(text)`` replaces each by ``***``.
Found, in any mix of half- and full-width characters (``１３８１２３４５６７２``, ``138－1234－5673``):

- mobile numbers: ``13812345678``, ``+86 138 1234 5678``, ``138-1234-5678``, ``138.1234.5678``, also
  right beside letters (``Tel13812345678``);
- landlines with an area code: ``021-58881234``, ``(021)5888-1234``, ``（021）5888-1234``,
  ``021 5888 1234``, ``02158881234`` (eleven digits), with an extension ``-123``;
- identity numbers: 18 digits (last may be ``X``) or the old 15, with a real birth date, spaced or
  not (``310101 19900101 1250``);
- e-mail addresses;
- bank-card numbers: 16 to 19 digits, grouped by four or not (``6222 0212 3456 7890``).

Groups may be separated by a space, dot, dash, slash or middle dot, with spaces around it
(``138 - 1234 - 5678``, ``138·1234·5678``); ``0086`` counts as ``+86``, and a landline may carry
it (``+86-21-5888-1234``). Invisible characters (zero-width spaces, bidi controls such as U+202E,
soft hyphens, DEL and the C1 controls) are taken as separators by ``find`` and removed by
``scrub``: they could hide a number from the detector (``138\u200b1234\u200b5678``), reorder
what a reader sees, or reach a terminal through a JSON output (U+009B is CSI).

Left alone on purpose: amounts (``22000``, ``1,234.50``), dates (``2023-10-12``, ``2023.10.12``),
项目编号 (``PX-2023-004``), invoice numbers of 8 to 12 digits (``03100190``, ``031001900104``
— a 发票代码 is 10 or 12 digits, so a bare landline is only ever 11), 20-digit 全电发票 numbers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

MASK = "***"

# One character for one character, so spans found in the folded text are spans of the original.
_FOLD = {0xFF10 + i: ord("0") + i for i in range(10)}
_FOLD.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FOLD.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FOLD.update(
    {
        ord(ch): ord(to)
        for ch, to in zip(
            "－‐‑‒–—―−﹣．。·・／（）＋＠\u3000\xa0\u2002\u2003\u2009",
            "---------..../()+@     ",
            strict=True,
        )
    }
)
# Invisible characters: zero-width spaces and joiners, word joiner, BOM, soft hyphen, Arabic letter
# mark, the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), and DEL and
# the C1 controls (U+007F-U+009F: U+009B is a terminal's CSI, U+009D its OSC, which JSON does not
# escape). Output text never needs them; they can split a number so that no pattern sees it, make
# a line read backwards (``PX-2023-007\u202e000,02``) or drive the terminal that shows a JSON
# output. find() reads each as a space; scrub() removes them.
INVISIBLE = "\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
_FOLD.update(
    {code: ord(" ") for code in (*range(0x7F, 0xA0), 0xAD, 0x61C, 0x180E, 0xFEFF)}
    | {code: ord(" ") for code in range(0x200B, 0x2010)}
    | {code: ord(" ") for code in range(0x202A, 0x202F)}
    | {code: ord(" ") for code in range(0x2060, 0x2065)}
    | {code: ord(" ") for code in range(0x2066, 0x206A)}
)

# one separator between groups: a space, or a dot, dash or slash with spaces around it or not
_SEP = r"(?: ?[.\-/] ?| )?"
_CC = r"(?:\+|00)86"  # the country code: +86 or 0086
_BIRTH = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_PATTERN = re.compile(
    r"(?<!\d)(?:"
    # identity number: 6-digit area, birth date, 3-digit order and a check digit (or X)
    rf"\d{{6}}{_SEP}{_BIRTH}{_SEP}\d{{3}}[\dXx]"
    # old 15-digit identity number: 6-digit area, yymmdd, 3-digit order
    r"|\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    # bank card: 16-19 digits, or groups of four
    r"|\d{4}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?"
    r"|\d{16,19}"
    # mobile, with or without +86 / 0086 / 86
    rf"|(?:(?:{_CC}|86){_SEP})?1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
    # landline after the country code, the area code's 0 dropped: +86-21-5888-1234
    rf"|{_CC}[ \-]?(?:\(0?\d{{2,3}}\)|0?\d{{2,3}})[ \-]?\d{{3,4}}[ \-]?\d{{4}}(?:-\d{{1,5}})?"
    # landline: bracketed or separated area code, or eleven bare digits; optional extension
    r"|(?:\(0\d{2,3}\) ?|0\d{2,3}[ \-])\d{3,4}[ \-]?\d{4}(?:-\d{1,5})?"
    r"|0\d{10}"
    r")(?!\d)"
    # e-mail (no digit boundary needed)
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
)
_QUICK = re.compile(r"[0-9\uff10-\uff19@\uff20]")  # no digit and no @: nothing to find
# Every number _PATTERN knows has at least ten digits with nothing between them but its separators
# (space . - / ( ) +, once folded): a text without such a run and without an @ holds none. One
# quick search instead of the whole pattern for most texts (amounts and dates: 1,234.00 元，2023-05-01),
# made on the text as written: the separators are those characters and every one folding into them
# (fold turns no other character into a digit or a separator, and no digit into anything else).
_SEPARATORS = {chr(c) for c, to in _FOLD.items() if chr(to) in " ./()+-"} | set(" ./()+-")
_TEN_DIGITS = re.compile(r"\d(?:[" + re.escape("".join(sorted(_SEPARATORS))) + r"]*\d){9}")
_ATS = ("@", *(chr(c) for c, to in _FOLD.items() if to == ord("@")))  # what folds into an @


class Public(str):
    """Text published on purpose — the office's own phone number for objections: never masked."""

    __slots__ = ()


def fold(text: str) -> str:
    """Full-width digits, letters and separators as their ASCII twins (same length)."""
    return text.translate(_FOLD)


def find(text: str) -> list[tuple[int, int]]:
    """(start, end) of every piece of personal data in the text."""
    if not text or not _QUICK.search(text):
        return []
    if not _TEN_DIGITS.search(text) and not any(at in text for at in _ATS):
        return []  # no number and no e-mail address: nothing to fold and search
    return [match.span() for match in _PATTERN.finditer(fold(text))]


def has_personal(text: Any) -> bool:
    return bool(find(str(text))) if text is not None else False


def scrub(text: Any) -> str:
    """Text with every piece of personal data replaced by ``***``."""
    if text is None:
        return ""
    if isinstance(text, Public):
        return text
    text = str(text)
    if len(text) < _SHORTEST and "@" not in text and "＠" not in text:
        # a cell, a rule id, a date: too short for any number find() knows
        return text if text.isascii() else _visible(text)
    return _scrub_text(text)


def _visible(text: str) -> str:
    """The text without its invisible characters (searched first: most text has none), and with
    the bytes of a file name that is not UTF-8 made readable (``readable``)."""
    if not _ODD.search(text):  # one search: most text has neither
        return text
    return _INVISIBLE.sub("", readable(text))


_SURROGATE = re.compile("[\ud800-\udfff]")
_ODD = re.compile(f"[{INVISIBLE}\ud800-\udfff]")
# a run of non-ASCII characters holding an escaped byte: a GBK name's bytes, some of which may have
# passed for UTF-8 (``\xdd\xb6`` is U+0776); ASCII (``/``, ``.``, a space) ends the run
_ESCAPED_RUN = re.compile("[^\x00-\x7f]*[\udc80-\udcff][^\x00-\x7f]*")


def readable(text: str) -> str:
    """Text that can be written as UTF-8. A file name that is not UTF-8 (a zip made on a Chinese
    Windows, unpacked on Linux or a Mac, names its files in GBK) reaches Python with each byte as
    a lone surrogate (U+DC80-U+DCFF), which no UTF-8 file, terminal or XML can hold: every output
    naming the file failed whole ("内部错误", UnicodeEncodeError). Each run of such bytes is read
    as GB18030 (which GBK is part of), its bytes as the name had them, else each escaped byte is
    shown as U+FFFD; any other lone surrogate as U+FFFD.
    The file itself is still opened by its real name (the loader keeps it)."""
    if not _SURROGATE.search(text):
        return text

    def decode(match: re.Match) -> str:
        try:
            return match.group().encode("utf-8", "surrogateescape").decode("gb18030")
        except UnicodeError:
            return _SURROGATE.sub("\ufffd", match.group())

    return _SURROGATE.sub("\ufffd", _ESCAPED_RUN.sub(decode, text))


# The shortest number find() knows is 11 characters (13812345678, 021-5881234, 02158881234); only
# an e-mail address can be shorter, and it has an @.
_SHORTEST = 11


@lru_cache(maxsize=1 << 17)
def _scrub_text(text: str) -> str:
    """scrub of a plain text, memoised: outputs repeat their 项目编号, amounts, dates and names
    (279,000 strings, far fewer distinct, in the bench run's JSON and workbooks)."""
    if not text.isascii():
        text = _visible(text)
    spans = find(text)
    if not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(MASK)
        last = end
    out.append(text[last:])
    return "".join(out)


def scrub_value(value: Any) -> Any:
    """A cell value with personal data masked; a number that is such a number becomes ``***``."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -_SHORT < value < _SHORT and find(str(value)):
        return MASK
    if isinstance(value, float) and value.is_integer() and _SHORT <= abs(value) < 1e20:
        if find(str(int(value))):
            return MASK
    return value


# Every number find() knows has at least 11 digits (a mobile or a bare landline): a shorter
# whole number (an amount, a row) is never one, so it is not searched.
_SHORT = 10**10


class Lazy(list):
    """A list for JSON output whose items are built one at a time as the encoder reaches them
    (report.safe.json_chunks): a million findings are never held as dicts or as one string.

    Only iteration and len are meant for it; `list(lazy)` gives the items."""

    def __init__(self, items, build) -> None:
        super().__init__()
        self.items = items
        self.build = build

    def __iter__(self):
        build = self.build
        return (build(item) for item in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.build(item) for item in self.items[index]]
        return self.build(self.items[index])

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, list) else NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"Lazy({len(self.items)} items)"


def scrub_data(value: Any) -> Any:
    """A JSON-like tree (dicts, lists, strings, numbers) with every string scrubbed (a Lazy list
    stays lazy: each item is scrubbed when it is built)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Lazy):
        build = value.build
        return Lazy(value.items, lambda item: scrub_data(build(item)))
    if isinstance(value, dict):
        return {key: scrub_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub_data(item) for item in value]
    return value
