"""BCD, address and data-format helpers shared by the DL/T 645 and CJ/T 188 codecs.

Both standards transmit multi-byte values least significant byte first (DL/T 645-2007 clause
4.3 / DL/T 645-1997 clause 3.3 "先传低字节，后传高字节"; CJ/T 188-2004 clause 6.2) and describe the
format of each item most significant digit first, e.g. ``XXXXXX.XX`` (kWh, 4 bytes) or
``YYMMDDhhmmss``. :func:`decode_field` and :func:`encode_field` turn such a format string into
bytes and back, so the data-identifier tables and the meter profiles can say ``"XXX.XXX"`` the way
the standards' appendices do.

Format strings understood (``X`` and ``N`` are decimal digits, two per byte):

* ``XXXXXX.XX``, ``XXX.X``, ``XXXX`` - a quantity: unsigned BCD number as Decimal with that
  many decimals. ``NNNN`` - a count or number: int. With ``signed=True`` the top bit of the
  most significant byte is the sign (DL/T 645-2007 appendix A: current, power, power factor,
  combined energy).
* ``YYMMDD``, ``YYMMDDhhmm``, ``YYMMDDhhmmss``, ``YYYYMMDDhhmmss``, ``hhmmss``, ``hhmm``,
  ``MMDDhhmm``, ``WW`` - calendar fields, BCD; give date / datetime / time / int.
* ``ADDR`` followed by the digit count (``ADDR12``) - an address / serial number string in
  nameplate order (digits A-F allowed, e.g. the AA wildcard).
* ``BIN8``, ``BIN16``, ``BIN32`` - a binary word (status words), little-endian int.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from app.comms.protocols.base import BcdError, EncodeError, LengthError, ProtocolError, Value

_NUMBER = re.compile(r"^[XN]+(\.[XN]+)?$")
_CALENDAR = {
    "YYMMDD",
    "YYMMDDhhmm",
    "YYMMDDhhmmss",
    "YYYYMMDDhhmmss",
    "hhmmss",
    "hhmm",
    "MMDDhhmm",
    "WW",
}


class DataValueError(ProtocolError):
    """BCD digits that are well formed but not a valid value (month 13, hour 25...)."""


def add_33(data: bytes) -> bytes:
    """DL/T 645 data field on the wire: each byte plus 0x33 (2007 clause 4.2.5, 1997 3.2.5)."""
    return bytes((b + 0x33) & 0xFF for b in data)


def sub_33(data: bytes) -> bytes:
    """Undo :func:`add_33` on received data-field bytes."""
    return bytes((b - 0x33) & 0xFF for b in data)


def is_bcd(data: bytes) -> bool:
    return all((b >> 4) <= 9 and (b & 0x0F) <= 9 for b in data)


def bcd_to_int(raw: bytes, field_name: str = "value") -> int:
    """Little-endian packed BCD to int; :class:`BcdError` on a nibble above 9."""
    if not is_bcd(raw):
        raise BcdError(field_name, raw)
    result = 0
    for byte in reversed(raw):
        result = result * 100 + (byte >> 4) * 10 + (byte & 0x0F)
    return result


def int_to_bcd(value: int, size: int) -> bytes:
    """Non-negative int to ``size`` bytes of little-endian packed BCD."""
    if value < 0 or value >= 100**size:
        raise EncodeError(f"{value} does not fit in {size} BCD bytes")
    out = bytearray()
    for _ in range(size):
        value, pair = divmod(value, 100)
        out.append(((pair // 10) << 4) | (pair % 10))
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Addresses (shown to people in nameplate order, sent least significant byte first)
# --------------------------------------------------------------------------------------------


def address_to_wire(address: str, size: int) -> bytes:
    """Nameplate-order address text to wire bytes (reversed byte order).

    Accepts 0-9 and A-F digits (``AA`` is the DL/T 645 / CJ/T 188 wildcard, ``99`` the DL/T 645
    broadcast); a shorter address is padded with leading zeros (DL/T 645-2007 clause 4.2.2).
    """
    text = address.strip().replace(" ", "").upper()
    if not text or len(text) > size * 2 or any(c not in "0123456789ABCDEF" for c in text):
        raise EncodeError(f"address {address!r} must be up to {size * 2} hex/BCD digits")
    text = text.rjust(size * 2, "0")
    return bytes.fromhex(text)[::-1]


def address_from_wire(raw: bytes) -> str:
    """Wire address bytes to nameplate-order text (uppercase, A-F kept for wildcards)."""
    return raw[::-1].hex().upper()


def address_matches(pattern: str, address: str) -> bool:
    """True when ``address`` fits ``pattern``; a byte ``AA`` in the pattern matches anything.

    DL/T 645-2007 clause 4.2.2 allows wildcard (AAH) bytes in the high-order address bytes.
    """
    if len(pattern) != len(address):
        return False
    for i in range(0, len(pattern), 2):
        byte = pattern[i : i + 2]
        if byte != "AA" and byte != address[i : i + 2]:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Format strings
# --------------------------------------------------------------------------------------------


def field_size(fmt: str) -> int:
    """Bytes a field of this format occupies on the wire."""
    if fmt.startswith("BIN"):
        bits = int(fmt[3:])
        if bits not in (8, 16, 32):
            raise ValueError(f"unsupported binary format {fmt}")
        return bits // 8
    if fmt.startswith("ADDR"):
        digits = int(fmt[4:])
    elif fmt in _CALENDAR:
        digits = len(fmt)
    elif _NUMBER.match(fmt):
        digits = len(fmt.replace(".", ""))
    else:
        raise ValueError(f"unknown data format {fmt!r}")
    if digits % 2:
        raise ValueError(f"format {fmt!r} has an odd number of digits")
    return digits // 2


def check_format(fmt: str) -> None:
    """Raise ValueError for a format string this module does not understand."""
    field_size(fmt)


def _decimals(fmt: str) -> int:
    return len(fmt.split(".", 1)[1]) if "." in fmt else 0


def _calendar_digits(fmt: str, raw: bytes, field_name: str) -> dict[str, int]:
    if not is_bcd(raw):
        raise BcdError(field_name, raw)
    text = raw[::-1].hex()
    parts: dict[str, int] = {}
    pos = 0
    # Walk the format in two-letter groups (YYYY is the only four-letter group).
    i = 0
    while i < len(fmt):
        if fmt.startswith("YYYY", i):
            parts["Y"] = int(text[pos : pos + 4])
            pos += 4
            i += 4
            continue
        key = fmt[i]
        parts[key] = int(text[pos : pos + 2])
        pos += 2
        i += 2
    return parts


def _make_date(parts: dict[str, int], field_name: str, four_digit_year: bool) -> dt.date:
    year = parts["Y"] if four_digit_year else 2000 + parts["Y"]
    try:
        return dt.date(year, parts["M"], parts["D"])
    except ValueError as exc:
        raise DataValueError(f"invalid date in {field_name}: {exc}") from None


def _make_time(parts: dict[str, int], field_name: str) -> dt.time:
    try:
        return dt.time(parts["h"], parts["m"], parts.get("s", 0))
    except ValueError as exc:
        raise DataValueError(f"invalid time in {field_name}: {exc}") from None


def decode_field(fmt: str, raw: bytes, field_name: str, *, signed: bool = False) -> Value:
    """Decode one field (wire bytes, least significant first) according to ``fmt``.

    Raises :class:`BcdError`, :class:`DataValueError` or :class:`LengthError`; never returns a
    value from bytes that fail a check.
    """
    size = field_size(fmt)
    if len(raw) != size:
        raise LengthError(f"{field_name}: expected {size} bytes for {fmt}, got {len(raw)}")
    if fmt.startswith("BIN"):
        return int.from_bytes(raw, "little")
    if fmt.startswith("ADDR"):
        return address_from_wire(raw)
    if fmt in _CALENDAR:
        if fmt == "WW":
            weekday = bcd_to_int(raw, field_name)
            if weekday > 6:
                raise DataValueError(f"invalid weekday {weekday} in {field_name}")
            return weekday
        parts = _calendar_digits(fmt, raw, field_name)
        if fmt in ("hhmmss", "hhmm"):
            return _make_time(parts, field_name)
        if fmt == "YYMMDD":
            return _make_date(parts, field_name, False)
        if fmt == "MMDDhhmm":
            # No year on the wire: report as text, the caller knows the year.
            _make_time(parts, field_name)
            if not (1 <= parts["M"] <= 12 and 1 <= parts["D"] <= 31):
                raise DataValueError(f"invalid month/day in {field_name}")
            return f"{parts['M']:02d}-{parts['D']:02d} {parts['h']:02d}:{parts['m']:02d}"
        date = _make_date(parts, field_name, fmt.startswith("YYYY"))
        return dt.datetime.combine(date, _make_time(parts, field_name))
    # Plain number.
    negative = False
    body = raw
    if signed:
        negative = bool(raw[-1] & 0x80)
        body = raw[:-1] + bytes([raw[-1] & 0x7F])
    magnitude = bcd_to_int(body, field_name)
    negative = negative and magnitude != 0
    if fmt[0] == "N":
        # N digits are counts and numbers (DL/T 645 "NNNN"); X digits are quantities.
        return -magnitude if negative else magnitude
    value = Decimal(magnitude).scaleb(-_decimals(fmt))
    return -value if negative else value


def encode_field(fmt: str, value: Value, *, signed: bool = False) -> bytes:
    """Encode ``value`` to wire bytes for ``fmt`` (inverse of :func:`decode_field`)."""
    size = field_size(fmt)
    if fmt.startswith("BIN"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EncodeError(f"{fmt} needs a non-negative int, got {value!r}")
        if value >= 1 << (8 * size):
            raise EncodeError(f"{value} does not fit in {fmt}")
        return value.to_bytes(size, "little")
    if fmt.startswith("ADDR"):
        if not isinstance(value, str):
            raise EncodeError(f"{fmt} needs a string, got {value!r}")
        return address_to_wire(value, size)
    if fmt in _CALENDAR:
        return _encode_calendar(fmt, value)
    decimals = _decimals(fmt)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise EncodeError(f"{fmt} needs a number, got {value!r}")
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise EncodeError(f"not a number: {value!r}") from None
    scaled = number.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise EncodeError(f"{value} has more than {decimals} decimals for {fmt}")
    magnitude = abs(int(scaled))
    negative = scaled < 0
    if negative and not signed:
        raise EncodeError(f"{fmt} is unsigned, got {value}")
    out = bytearray(int_to_bcd(magnitude, size))
    if signed:
        if out[-1] & 0x80:
            raise EncodeError(f"{value} does not fit in signed {fmt}")
        if negative:
            out[-1] |= 0x80
    return bytes(out)


def _encode_calendar(fmt: str, value: Value) -> bytes:
    if fmt == "WW":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 6:
            raise EncodeError(f"weekday must be 0..6, got {value!r}")
        return int_to_bcd(value, 1)
    if fmt in ("hhmmss", "hhmm"):
        if isinstance(value, dt.datetime):
            value = value.time()
        if not isinstance(value, dt.time):
            raise EncodeError(f"{fmt} needs a time, got {value!r}")
        text = f"{value.hour:02d}{value.minute:02d}"
        if fmt == "hhmmss":
            text += f"{value.second:02d}"
        return bytes.fromhex(text)[::-1]
    if fmt == "YYMMDD":
        if not isinstance(value, dt.date):
            raise EncodeError(f"{fmt} needs a date, got {value!r}")
        _check_year(value.year, fmt)
        return bytes.fromhex(f"{value.year % 100:02d}{value.month:02d}{value.day:02d}")[::-1]
    if fmt == "MMDDhhmm":
        raise EncodeError("MMDDhhmm cannot be encoded from a value without a year")
    if not isinstance(value, dt.datetime):
        raise EncodeError(f"{fmt} needs a datetime, got {value!r}")
    year = f"{value.year:04d}" if fmt.startswith("YYYY") else f"{value.year % 100:02d}"
    if not fmt.startswith("YYYY"):
        _check_year(value.year, fmt)
    text = f"{year}{value.month:02d}{value.day:02d}{value.hour:02d}{value.minute:02d}"
    if fmt.endswith("ss"):
        text += f"{value.second:02d}"
    return bytes.fromhex(text)[::-1]


def _check_year(year: int, fmt: str) -> None:
    # Two-digit years on the wire are read back as 20YY (meters of this century).
    if not 2000 <= year <= 2099:
        raise EncodeError(f"{fmt} carries a two-digit year: {year} is outside 2000..2099")
