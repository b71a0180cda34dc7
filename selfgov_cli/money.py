"""Money is Decimal yuan to the fen, end to end."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")


def fen(value: Decimal | int | str) -> Decimal:
    """Round half-up to the fen."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def fmt_amount(value: Decimal | None) -> str | None:
    """The JSON form of an amount: exactly two decimals, no grouping."""
    if value is None:
        return None
    if not value:  # 0 and -0 are equal keys but not the same text
        return "-0.00" if value.is_signed() else "0.00"
    text = _AMOUNT_TEXTS.get(value)
    if text is None:
        text = f"{fen(value):.2f}"
        if len(_AMOUNT_TEXTS) >= 65536:
            _AMOUNT_TEXTS.clear()
        _AMOUNT_TEXTS[value] = text
    return text


# amount -> its text: outputs write the same amounts on many rows (a million-row ledger's)
_AMOUNT_TEXTS: dict[Decimal, str] = {}


def round_rate(value: Decimal) -> Decimal:
    """A rate to four decimals, rounded half up (28.57% of 100%: 0.2857), as every output shows it."""
    return Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def fmt_rate(value: Decimal | None) -> str | None:
    """The JSON form of a rate: exactly four decimals."""
    if value is None:
        return None
    return f"{round_rate(value):.4f}"


def fmt_yuan(value: Decimal | None) -> str:
    """Human form: 50,000.00."""
    if value is None:
        return "—"
    return f"{fen(value):,.2f}"


def ratio(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole, 0 when whole is 0; exact enough for comparisons, rounded only on output."""
    if not whole:
        return Decimal(0)
    return part / whole


def split(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """Split total into tranches: each rounded half-up to the fen, the last takes the remainder."""
    total = fen(total)
    parts: list[Decimal] = []
    for share in shares[:-1]:  # never past what is left: a few-fen total must not go negative
        parts.append(min(fen(total * share), total - sum(parts, ZERO)))
    parts.append(total - sum(parts, ZERO))
    return parts


def fmt_pct(rate: Decimal | None, up: bool = False) -> str:
    """A rate shown to people: a percentage with two decimals, rounded half-up (28.57%); `up`:
    rounded up, for a share reported as over a cap (25.001% is 25.01%, never "25.00%, over 25%")."""
    if rate is None:
        return "—"
    rounding = ROUND_UP if up else ROUND_HALF_UP
    return f"{(Decimal(rate) * 100).quantize(FEN, rounding=rounding):.2f}%"


def fmt_points(value: Decimal) -> str:
    """Points or a plain number as a clerk writes them: 85, 85.5, -5 (no exponent, no trailing zeros)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0.0") else text
