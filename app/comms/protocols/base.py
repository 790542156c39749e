"""Shared vocabulary of the pure protocol codecs: typed errors, decode results, stream splitting.

Every codec module (``dlt645``, ``dlt645_1997``, ``cjt188``, ``modbus``) exposes the same
incremental decoder contract::

    decode(buf: bytes) -> tuple[int, Frame | DecodeFailure | None]

* ``(0, None)``            - the buffer holds (the start of) a frame that is not complete yet:
  keep the buffer, read more bytes, call again.
* ``(n, None)`` with n > 0 - the first ``n`` bytes are wake-up bytes (0xFE) or noise that can never
  start a frame: drop them and call again (the rest of the buffer may hold a frame).
* ``(n, frame)``           - a complete frame whose length, checksum and end byte are right, and
  whose values all parsed, was found; ``n`` counts it and everything before it.
* ``(n, DecodeFailure)``   - something that looked like a frame start was damaged; ``failure.error``
  is a typed :class:`ProtocolError`. Drop ``n`` bytes and call again: the decoder resynchronises
  on the next frame start, so a good frame glued behind a damaged one is still found.

A decoder never raises on any input and never builds a frame (or a value) from bytes that failed
a check. :class:`StreamDecoder` wraps the loop for callers that receive bytes in chunks.

Abnormal responses (DL/T 645 0xD1/0xC1, CJ/T 188 with D6 set, Modbus exceptions) are *valid*
frames: they decode to a frame whose ``abnormal`` is true and whose ``error`` property returns an
:class:`AbnormalResponseError` carrying the error bits, so a request/response matcher can pair them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypeAlias, runtime_checkable

# A decoded quantity. Quantities are Decimal (never float) with the unit in the key
# (``energy_kwh``, ``voltage_v``); flags are bool; counters and raw words are int.
Value: TypeAlias = (
    Decimal | int | str | bool | dt.date | dt.time | dt.datetime | tuple[int, ...] | None
)
Values: TypeAlias = Mapping[str, Value]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """Base of every error a codec reports; ``str(err)`` is a precise one-line message."""


class FrameError(ProtocolError):
    """The bytes do not form a well-structured frame (bad header, control code, structure)."""


class ChecksumError(ProtocolError):
    """The checksum (DL/T 645 / CJ/T 188 byte sum) or CRC (Modbus) does not match."""

    def __init__(self, expected: int, actual: int, *, kind: str = "checksum") -> None:
        width = 4 if kind == "CRC" else 2
        super().__init__(
            f"{kind} mismatch: frame carries 0x{actual:0{width}X}, computed 0x{expected:0{width}X}"
        )
        self.expected = expected
        self.actual = actual


class EndByteError(ProtocolError):
    """The byte where the end marker (0x16) must be holds something else."""

    def __init__(self, actual: int, offset: int) -> None:
        super().__init__(f"end byte at offset {offset} is 0x{actual:02X}, expected 0x16")
        self.actual = actual
        self.offset = offset


class LengthError(ProtocolError):
    """A length field is out of range or does not fit the command / data identifier."""

    def __init__(self, message: str, *, declared: int | None = None) -> None:
        super().__init__(message)
        self.declared = declared


class BcdError(ProtocolError):
    """A field that must be BCD holds a nibble above 9."""

    def __init__(self, field_name: str, raw: bytes) -> None:
        super().__init__(f"non-BCD digits in {field_name}: {raw.hex(' ').upper()}")
        self.field_name = field_name
        self.raw = raw


class UnknownDataIdError(ProtocolError):
    """The data identifier is not in the codec's table (nor in the caller's extra items)."""

    def __init__(self, data_id: str) -> None:
        super().__init__(f"unknown data identifier {data_id}")
        self.data_id = data_id


class AbnormalResponseError(ProtocolError):
    """The device answered with an abnormal (error) response.

    ``error_bits`` is the raw error word (DL/T 645 ERR byte, CJ/T 188 status, Modbus exception
    code); ``reasons`` names each set bit / the code as the standard does.
    """

    def __init__(self, control: int, error_bits: int, reasons: tuple[str, ...]) -> None:
        text = ", ".join(reasons) if reasons else "no reason given"
        super().__init__(
            f"abnormal response (control 0x{control:02X}): error 0x{error_bits:02X} ({text})"
        )
        self.control = control
        self.error_bits = error_bits
        self.reasons = reasons


class ModbusExceptionError(AbnormalResponseError):
    """Modbus exception response: function code with bit 7 set plus one exception code."""

    def __init__(self, function: int, exception_code: int, reason: str) -> None:
        super().__init__(function | 0x80, exception_code, (reason,))
        self.function = function & 0x7F
        self.exception_code = exception_code


class EncodeError(ProtocolError, ValueError):
    """A builder was given an argument it cannot put on the wire (bad address, out of range)."""


# --------------------------------------------------------------------------------------------
# Frames and decode results
# --------------------------------------------------------------------------------------------


@runtime_checkable
class Frame(Protocol):
    """What every decoded frame offers (each protocol's frozen dataclass satisfies this)."""

    @property
    def protocol(self) -> str:
        """``"dlt645"``, ``"dlt645-1997"``, ``"cjt188"`` or ``"modbus"``."""
        ...

    @property
    def raw(self) -> bytes:
        """The exact wire bytes of the frame (without wake-up bytes)."""
        ...

    @property
    def is_response(self) -> bool: ...

    @property
    def abnormal(self) -> bool: ...

    @property
    def error(self) -> AbnormalResponseError | None:
        """The abnormal-response error, or None for a normal frame."""
        ...

    @property
    def values(self) -> Values: ...

    def describe(self) -> dict[str, object]:
        """JSON-ready summary (keys of ``frame decode``): protocol, valid, direction, ..."""
        ...


@dataclass(frozen=True)
class DecodeFailure:
    """A damaged frame candidate: the typed error and the bytes it was found in."""

    error: ProtocolError
    raw: bytes
    protocol: str

    def describe(self) -> dict[str, object]:
        return {
            "protocol": self.protocol,
            "valid": False,
            "direction": None,
            "control": None,
            "address": None,
            "meter_type": None,
            "data_id": None,
            "abnormal": False,
            "error": str(self.error),
            "error_type": type(self.error).__name__,
            "values": {},
        }


DecodeResult: TypeAlias = tuple[int, "Frame | DecodeFailure | None"]
Decoder: TypeAlias = Callable[[bytes], DecodeResult]


def decode_all(decode: Decoder, buf: bytes) -> tuple[list[Frame | DecodeFailure], bytes]:
    """Run ``decode`` over ``buf`` until it needs more data.

    Returns every frame and failure found, in order, and the unconsumed tail (an incomplete
    frame, to be kept until more bytes arrive).
    """
    found: list[Frame | DecodeFailure] = []
    while buf:
        used, item = decode(buf)
        if used <= 0:
            break
        buf = buf[used:]
        if item is not None:
            found.append(item)
    return found, buf


def decode_one(decode: Decoder, buf: bytes) -> Frame:
    """Decode a buffer that must hold exactly one frame (wake-up bytes and noise allowed).

    Raises the frame's :class:`ProtocolError` (the first failure found), a
    :class:`LengthError` for an incomplete frame, or :class:`FrameError` when no frame or more
    than one frame is present.
    """
    found, rest = decode_all(decode, buf)
    for item in found:
        if isinstance(item, DecodeFailure):
            raise item.error
    if rest:
        raise LengthError(f"incomplete frame: {len(rest)} bytes are waiting for more data")
    frames = [f for f in found if not isinstance(f, DecodeFailure)]
    if not frames:
        raise FrameError("no frame found in the given bytes")
    if len(frames) > 1:
        raise FrameError(f"{len(frames)} frames found, expected one")
    return frames[0]


class StreamDecoder:
    """Accumulates chunks of a byte stream and returns the frames/failures completed by each.

    Pure (no I/O): a transport calls :meth:`feed` with whatever it read.
    ``max_buffer`` bounds the pending tail so a stream of garbage cannot grow memory.
    """

    def __init__(self, decode: Decoder, *, max_buffer: int = 1024) -> None:
        self._decode = decode
        self._buf = b""
        self._max = max_buffer

    def feed(self, data: bytes) -> list[Frame | DecodeFailure]:
        found, self._buf = decode_all(self._decode, self._buf + data)
        if len(self._buf) > self._max:
            self._buf = self._buf[-self._max :]
        return found

    @property
    def pending(self) -> bytes:
        """Bytes kept for a frame that is not complete yet."""
        return self._buf

    def clear(self) -> None:
        self._buf = b""


# --------------------------------------------------------------------------------------------
# Helpers shared by the byte-sum protocols (DL/T 645 and CJ/T 188)
# --------------------------------------------------------------------------------------------

WAKE_UP = 0xFE
START = 0x68
END = 0x16


def sum_checksum(data: bytes) -> int:
    """DL/T 645 and CJ/T 188 check code: arithmetic sum of the bytes modulo 256."""
    return sum(data) & 0xFF


@dataclass(frozen=True)
class SumFrameLayout:
    """Where a byte-sum protocol keeps its length byte: enough to find frames in a stream.

    ``header_ok(buf, j)`` says whether a start byte at ``j`` begins a plausible header
    (``None`` = not enough bytes yet to tell); ``length_index`` is the offset of the data-length
    byte L from the start; a frame is ``overhead + L`` bytes long and ends ``CS 16``.
    """

    header_ok: Callable[[bytes, int], bool | None]
    header_size: int
    length_index: int
    overhead: int
    max_len: int


def _sum_frame_end(buf: bytes, j: int, layout: SumFrameLayout) -> int | None:
    """End index when a complete, checksum-valid frame starts at ``j``; else None."""
    n = len(buf)
    if buf[j] != START or n - j <= layout.length_index or not layout.header_ok(buf, j):
        return None
    length = buf[j + layout.length_index]
    if length > layout.max_len:
        return None
    end = j + layout.overhead + length
    if end > n or buf[end - 1] != END or sum_checksum(buf[j : end - 2]) != buf[end - 2]:
        return None
    return end


def _next_valid_start(buf: bytes, start: int, layout: SumFrameLayout) -> int | None:
    k = buf.find(START, start)
    while k >= 0:
        if _sum_frame_end(buf, k, layout) is not None:
            return k
        k = buf.find(START, k + 1)
    return None


def scan_sum_frames(buf: bytes, layout: SumFrameLayout) -> tuple[int, bytes | ProtocolError | None]:
    """Find the next ``68 ... L ... CS 16`` frame in ``buf`` (DL/T 645, CJ/T 188).

    Returns ``(used, frame_bytes)`` for a frame whose end byte and checksum are right,
    ``(used, error)`` for a damaged candidate, ``(used, None)`` for noise / need-more (see the
    module contract). Wake-up bytes (0xFE) and noise before a plausible header are dropped. On a
    damaged candidate the scanner resynchronises: it skips to the next complete valid frame when
    one is already in the buffer, else drops the candidate's declared length (checksum error:
    the end byte confirmed the length) or just its start byte (length / end-byte error).
    """
    n = len(buf)
    i = 0
    while True:
        j = buf.find(START, i)
        if j < 0:
            return n, None
        plausible = layout.header_ok(buf, j) if n - j >= layout.header_size else None
        if plausible is None or n - j <= layout.length_index:
            return j, None
        if not plausible:
            i = j + 1
            continue
        length = buf[j + layout.length_index]
        if length > layout.max_len:
            k = _next_valid_start(buf, j + 1, layout)
            return (k if k is not None else j + 1), LengthError(
                f"data length L={length} exceeds the maximum {layout.max_len}", declared=length
            )
        total = layout.overhead + length
        if n - j < total:
            k = _next_valid_start(buf, j + 1, layout)
            if k is not None:
                return k, LengthError(
                    f"frame truncated: L={length} announces {total} bytes, "
                    f"only {k - j} arrived before the next frame",
                    declared=length,
                )
            return j, None
        frame = buf[j : j + total]
        if frame[-1] != END:
            k = _next_valid_start(buf, j + 1, layout)
            return (k if k is not None else j + 1), EndByteError(frame[-1], total - 1)
        expected = sum_checksum(frame[:-2])
        if expected != frame[-2]:
            k = _next_valid_start(buf, j + 1, layout)
            consumed = j + total if k is None or k >= j + total else k
            return consumed, ChecksumError(expected, frame[-2])
        return j + total, frame


class InternalDecodeError(FrameError):
    """A bug in a decoder turned into a failure instead of an exception (tests assert never)."""


def internal_failure(buf: bytes, exc: Exception, protocol: str) -> DecodeResult:
    """Last-resort result when a decoder hits an unexpected exception: drop one byte."""
    if not buf:
        return 0, None
    return 1, DecodeFailure(InternalDecodeError(f"cannot decode: {exc!r}"), buf[:1], protocol)


def parse_hex(text: str) -> bytes:
    """Hex text to bytes; accepts spaces, ``0x`` prefixes, commas and colons.

    Raises :class:`ValueError` with a clear message on odd length or a non-hex character.
    """
    cleaned = text.strip().replace("0x", "").replace("0X", "")
    for sep in (" ", "\t", ",", ":", "-", "\n", "\r"):
        cleaned = cleaned.replace(sep, "")
    if len(cleaned) % 2:
        raise ValueError(f"odd number of hex digits ({len(cleaned)})")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        bad = next((c for c in cleaned if c not in "0123456789abcdefABCDEF"), "?")
        raise ValueError(f"not a hex digit: {bad!r}") from None


def to_hex(data: bytes) -> str:
    """Bytes as spaced uppercase hex (``68 AA AA ... 16``), the form technicians read."""
    return data.hex(" ").upper()


def jsonable(value: object) -> object:
    """A decoded value in JSON form: Decimal as its exact string, dates in ISO form."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def direction_of(is_response: bool) -> str:
    return "response" if is_response else "request"
