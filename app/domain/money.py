"""Money in integer fen: parsing, formatting, price × quantity with half-up rounding."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.errors import InvalidAmountError

FEN_PER_YUAN = 100
PRICE_PLACES = Decimal("0.0001")  # prices have up to 4 decimals (元/kWh)
# An absurd amount for a single cashier operation: ¥10,000,000.00. Larger sums are typos.
MAX_SINGLE_AMOUNT_FEN = 1_000_000_000

_YUAN_RE = re.compile(r"^\s*([+-]?)(\d{1,12})(?:\.(\d{1,2}))?\s*$")


def parse_yuan(text: str) -> int:
    """Parse a yuan amount typed by a person ("120", "120.5", "120.50") into fen.

    Rejects more than two decimals (fractions of a fen), thousands separators, exponents and
    anything else that is not a plain decimal number.
    """
    if not isinstance(text, str):
        raise InvalidAmountError(text, "is not text")
    cleaned = text.replace("¥", "").replace("￥", "").strip()
    m = _YUAN_RE.match(cleaned)
    if not m:
        if re.match(r"^\s*[+-]?\d+\.\d{3,}\s*$", cleaned):
            raise InvalidAmountError(text, "has fractions of a fen (at most 2 decimals)")
        raise InvalidAmountError(text, "is not a number")
    sign, whole, frac = m.groups()
    fen = int(whole) * FEN_PER_YUAN + int((frac or "").ljust(2, "0"))
    return -fen if sign == "-" else fen


def yuan_to_fen(value: Decimal | int | str) -> int:
    """Convert an exact yuan value to fen; fractions of a fen are an error, never rounded."""
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmountError(value, "must be an exact decimal, not a float")
    try:
        d = Decimal(value) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise InvalidAmountError(value, "is not a number") from exc
    if not d.is_finite():
        raise InvalidAmountError(value, "is not finite")
    fen = d * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise InvalidAmountError(value, "has fractions of a fen (at most 2 decimals)")
    return int(fen)


def check_amount_fen(amount_fen: object, *, allow_zero: bool = False) -> int:
    """Validate a positive fen amount for a single operation; returns it as int."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise InvalidAmountError(amount_fen, "must be a whole number of fen")
    if amount_fen < 0 or (amount_fen == 0 and not allow_zero):
        raise InvalidAmountError(amount_fen, "must be positive")
    if amount_fen > MAX_SINGLE_AMOUNT_FEN:
        raise InvalidAmountError(amount_fen, "exceeds the single-operation limit")
    return amount_fen


def round_half_up_fen(yuan: Decimal) -> int:
    """Round an exact yuan Decimal to whole fen, half-up (BILL-2)."""
    return int((yuan * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def charge_fen(price_yuan: Decimal, quantity: Decimal) -> int:
    """Price (元/unit, ≤ 4 decimals) × quantity (exact Decimal), rounded half-up to the fen."""
    if isinstance(price_yuan, float) or isinstance(quantity, float):
        raise TypeError("price and quantity must be Decimal, never float")
    if price_yuan != price_yuan.quantize(PRICE_PLACES):
        raise InvalidAmountError(price_yuan, "price has more than 4 decimals")
    return round_half_up_fen(price_yuan * quantity)


def format_fen(amount_fen: int, *, symbol: bool = True) -> str:
    """¥1,234.56 (negative as -¥1,234.56)."""
    sign = "-" if amount_fen < 0 else ""
    yuan, fen = divmod(abs(amount_fen), FEN_PER_YUAN)
    return f"{sign}{'¥' if symbol else ''}{yuan:,}.{fen:02d}"


def fen_to_decimal(amount_fen: int) -> Decimal:
    return (Decimal(amount_fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))
