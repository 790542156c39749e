"""DL/T 645-1997 (multi-function watt-hour meter protocol, 1997 edition) codec.

Same link layer as DL/T 645-2007 (clause 3; scanner shared with :mod:`dlt645`)::

    [FE ...] 68 A0..A5 68 C L DATA CS 16       DATA bytes + 0x33 on the wire, L <= 200

What differs is the application layer (clause 4): 2-byte data identifiers (DI0 DI1, sent low
byte first, written ``9010`` in the tables), other function codes, no operator code::

    read 0x01          : DI0 DI1;            answer 0x81 (0xA1 follow-up): DI0 DI1 value-bytes
    read follow-up 0x02: DI0 DI1;            answer 0x82 / 0xA2: DI0 DI1 value-bytes
    write 0x04         : DI0 DI1 PA P0 P1 P2 value-bytes;  answer 0x84 (no data)
    broadcast time 0x08: ss mm hh DD MM YY to 999999999999, no answer
    write address 0x0A : A0..A5 (new address)
    abnormal answer    : C | 0x40 (0xC1, 0xC4): ERR byte (clause 4.x error word)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from app.comms.protocols.base import (
    AbnormalResponseError,
    DecodeFailure,
    DecodeResult,
    EncodeError,
    FrameError,
    LengthError,
    ProtocolError,
    UnknownDataIdError,
    Value,
    Values,
    decode_one,
    direction_of,
    internal_failure,
    jsonable,
)
from app.comms.protocols.bcd import (
    address_from_wire,
    address_matches,
    decode_field,
    encode_field,
    sub_33,
)
from app.comms.protocols.dataids import DLT645_1997_TABLE, DataItem, ItemTable
from app.comms.protocols.dlt645 import (
    BROADCAST_ADDRESS,
    LinkFrame,
    encode_link,
    error_reasons,
    scan_link,
)

PROTOCOL = "dlt645-1997"
DEFAULT_PASSWORD = "00000000"  # level 00 + password 000000 (factory default on most meters)

_DIR = 0x80
_ABNORMAL = 0x40
_FOLLOW_UP = 0x20
_FUNCTION_MASK = 0x1F


class Function(IntEnum):
    """DL/T 645-1997 clause 3.2.4 function codes (C & 0x1F)."""

    READ = 0x01
    READ_FOLLOW_UP = 0x02
    REREAD = 0x03
    WRITE = 0x04
    BROADCAST_TIME = 0x08
    WRITE_ADDRESS = 0x0A
    CHANGE_BAUD = 0x0C
    CHANGE_PASSWORD = 0x0F
    CLEAR_DEMAND = 0x10


# DL/T 645-1997 error word (abnormal answers).
ERROR_BITS: tuple[tuple[int, str], ...] = (
    (0, "illegal data"),
    (1, "wrong data identifier"),
    (2, "wrong password"),
    (4, "too many annual time zones"),
    (5, "too many daily time periods"),
    (6, "too many tariffs"),
)


@dataclass(frozen=True)
class Dlt645_1997Frame:
    """A verified DL/T 645-1997 frame.

    Layout::

        68 A0..A5 68 C L DATA CS 16          DATA on the wire = each byte + 0x33
        read 0x01 / answer 0x81|A1 : DI0 DI1 [value-bytes]
        write 0x04                 : DI0 DI1 PA P0 P1 P2 value-bytes;  answer 0x84: (none)
        broadcast time 0x08        : ss mm hh DD MM YY (address 99..99)
        abnormal 0xC1 / 0xC4       : ERR

    ``data_id`` is the 2-byte identifier as an int (``0x9010``); ``values`` the decoded
    quantities (``energy_kwh`` ...), empty when the identifier is unknown.
    """

    address: str
    control: int
    data: bytes
    data_id: int | None = None
    payload: bytes = b""
    values: Values = field(default_factory=dict, hash=False)
    error_bits: int | None = None
    raw: bytes = field(default=b"", repr=False, compare=False)

    @property
    def protocol(self) -> str:
        return PROTOCOL

    @property
    def function(self) -> int:
        return self.control & _FUNCTION_MASK

    @property
    def is_response(self) -> bool:
        return bool(self.control & _DIR)

    @property
    def abnormal(self) -> bool:
        return bool(self.control & _ABNORMAL)

    @property
    def has_follow_up(self) -> bool:
        return bool(self.control & _FOLLOW_UP)

    @property
    def data_id_hex(self) -> str | None:
        return None if self.data_id is None else f"{self.data_id:04X}"

    @property
    def error(self) -> AbnormalResponseError | None:
        if not self.abnormal or self.error_bits is None:
            return None
        return AbnormalResponseError(
            self.control, self.error_bits, error_reasons(self.error_bits, ERROR_BITS)
        )

    def describe(self) -> dict[str, object]:
        err = self.error
        try:
            function_name: str | None = Function(self.function).name.lower()
        except ValueError:
            function_name = None
        return {
            "protocol": PROTOCOL,
            "valid": True,
            "direction": direction_of(self.is_response),
            "control": self.control,
            "function": function_name,
            "address": self.address,
            "meter_type": None,
            "data_id": self.data_id_hex,
            "abnormal": self.abnormal,
            "error": None if err is None else str(err),
            "values": jsonable(self.values),
        }


def _require_len(data: bytes, ok: bool, what: str) -> None:
    if not ok:
        raise LengthError(f"{what}: unexpected data length {len(data)}", declared=len(data))


def _di(data: bytes) -> int:
    return int.from_bytes(data[0:2], "little")


def _parse(link: LinkFrame, table: ItemTable) -> Dlt645_1997Frame:
    control = link.control
    function = control & _FUNCTION_MASK
    if function not in Function._value2member_map_:
        raise FrameError(
            f"control code 0x{control:02X}: function 0x{function:02X} "
            "is not defined by DL/T 645-1997"
        )
    address = address_from_wire(link.address_raw)
    data = sub_33(link.data_wire)
    response = bool(control & _DIR)

    def make(**kw: Any) -> Dlt645_1997Frame:
        return Dlt645_1997Frame(address=address, control=control, data=data, raw=link.raw, **kw)

    if control & _ABNORMAL:
        if not response:
            raise FrameError(f"control code 0x{control:02X}: abnormal flag on a request")
        _require_len(data, len(data) == 1, "abnormal answer (ERR byte)")
        return make(error_bits=data[0])
    values: dict[str, Value] = {}
    if function in (Function.READ, Function.READ_FOLLOW_UP):
        if not response:
            _require_len(data, len(data) == 2, "read request")
            return make(data_id=_di(data))
        _require_len(data, len(data) >= 2, "read answer")
        data_id = _di(data)
        payload = data[2:]
        item = table.get(data_id)
        if item is not None and function == Function.READ:
            values = item.decode(payload)
        return make(data_id=data_id, payload=payload, values=values)
    if function == Function.WRITE:
        if response:
            _require_len(data, len(data) == 0, "write answer")
            return make()
        _require_len(data, len(data) >= 6, "write request")
        data_id = _di(data)
        payload = data[6:]
        values["password"] = f"{data[2]:02X}" + data[3:6][::-1].hex().upper()
        item = table.get(data_id)
        if item is not None:
            values.update(item.decode(payload))
        return make(data_id=data_id, payload=payload, values=values)
    if function == Function.BROADCAST_TIME:
        if response:
            raise FrameError("broadcast time (0x08) has no answer")
        _require_len(data, len(data) == 6, "broadcast time")
        values["datetime"] = decode_field("YYMMDDhhmmss", data, "broadcast time")
        return make(values=values)
    if function == Function.WRITE_ADDRESS and not response:
        _require_len(data, len(data) == 6, "write-address request")
        values["meter_address"] = address_from_wire(data)
        return make(values=values)
    return make()


def decode(buf: bytes, *, table: ItemTable = DLT645_1997_TABLE) -> DecodeResult:
    """Incremental decoder (contract in :mod:`app.comms.protocols.base`)."""
    try:
        used, found = scan_link(buf)
        if found is None:
            return used, None
        if isinstance(found, ProtocolError):
            return used, DecodeFailure(found, buf[:used], PROTOCOL)
        try:
            return used, _parse(found, table)
        except ProtocolError as exc:
            return used, DecodeFailure(exc, found.raw, PROTOCOL)
    except Exception as exc:  # the contract: never raise on input
        return internal_failure(buf, exc, PROTOCOL)


def decode_frame(frame: bytes, *, table: ItemTable = DLT645_1997_TABLE) -> Dlt645_1997Frame:
    """Decode exactly one frame; raise its :class:`ProtocolError`."""
    found = decode_one(lambda b: decode(b, table=table), frame)
    if not isinstance(found, Dlt645_1997Frame):
        raise FrameError("not a DL/T 645-1997 frame")
    return found


def values_of(
    frame: Dlt645_1997Frame, item: DataItem | None = None, *, table: ItemTable = DLT645_1997_TABLE
) -> dict[str, Value]:
    """Decode a frame's value bytes with ``item`` (e.g. a profile identifier) or the table.

    Raises :class:`UnknownDataIdError` when no layout is known for the frame's identifier,
    :class:`BcdError` / :class:`LengthError` when the bytes do not fit it.
    """
    if frame.data_id is None:
        raise FrameError("frame carries no data identifier")
    spec = item or table.get(frame.data_id)
    if spec is None or spec.data_id != frame.data_id:
        raise UnknownDataIdError(frame.data_id_hex or "")
    return spec.decode(frame.payload)


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def resolve_item(item: int | str | DataItem, table: ItemTable = DLT645_1997_TABLE) -> int:
    """A 2-byte identifier from an int, a table key (``energy``) or 4 hex digits."""
    if isinstance(item, DataItem):
        return item.data_id
    if isinstance(item, int):
        return item
    text = item.strip()
    if text in table.by_key:
        return table.by_key[text].data_id
    if len(text) == 4:
        try:
            return int(text, 16)
        except ValueError:
            pass
    raise EncodeError(f"unknown data item {item!r} (a key like 'energy' or 4 hex digits)")


def _di_bytes(data_id: int) -> bytes:
    if not 0 <= data_id <= 0xFFFF:
        raise EncodeError(f"DL/T 645-1997 data identifier {data_id:#x} must be 2 bytes")
    return data_id.to_bytes(2, "little")


def _value_bytes(
    data_id: int, data: bytes | Mapping[str, Value], item: DataItem | None, table: ItemTable
) -> bytes:
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    spec = item or table.get(data_id)
    if spec is None:
        raise EncodeError(f"no layout known for data identifier {data_id:04X}; pass bytes")
    return spec.encode(data)


def _password_bytes(password: str) -> bytes:
    text = password.strip()
    if len(text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise EncodeError("password must be 8 hex digits: level (2) + password (6)")
    raw = bytes.fromhex(text)
    return raw[0:1] + raw[1:4][::-1]


def build_read(address: str, data_id: int | str | DataItem) -> bytes:
    """Read request 0x01 for one 2-byte identifier (e.g. ``0x9010``)."""
    return encode_link(address, Function.READ, _di_bytes(resolve_item(data_id)))


def build_read_follow_up(address: str, data_id: int | str | DataItem) -> bytes:
    """Read follow-up request 0x02."""
    return encode_link(address, Function.READ_FOLLOW_UP, _di_bytes(resolve_item(data_id)))


def build_write(
    address: str,
    data_id: int | str | DataItem,
    data: bytes | Mapping[str, Value],
    *,
    password: str = DEFAULT_PASSWORD,
    item: DataItem | None = None,
    table: ItemTable = DLT645_1997_TABLE,
) -> bytes:
    """Write request 0x04: DI, password (``LLPPPPPP``), value bytes."""
    di = resolve_item(data_id, table)
    if isinstance(data_id, DataItem):
        item = item or data_id
    body = _di_bytes(di) + _password_bytes(password) + _value_bytes(di, data, item, table)
    return encode_link(address, Function.WRITE, body)


def build_broadcast_time(at: dt.datetime) -> bytes:
    """Broadcast time 0x08 to 999999999999 (no answer)."""
    return encode_link(BROADCAST_ADDRESS, Function.BROADCAST_TIME, encode_field("YYMMDDhhmmss", at))


def build_read_response(
    address: str,
    data_id: int | str | DataItem,
    data: bytes | Mapping[str, Value],
    *,
    follow_up: bool = False,
    item: DataItem | None = None,
    table: ItemTable = DLT645_1997_TABLE,
) -> bytes:
    """Normal read answer 0x81 (0xA1 when ``follow_up``)."""
    di = resolve_item(data_id, table)
    if isinstance(data_id, DataItem):
        item = item or data_id
    control = _DIR | Function.READ | (_FOLLOW_UP if follow_up else 0)
    return encode_link(address, control, _di_bytes(di) + _value_bytes(di, data, item, table))


def build_write_response(address: str) -> bytes:
    """Normal write answer 0x84."""
    return encode_link(address, _DIR | Function.WRITE, b"")


def build_abnormal_response(address: str, function: int, error_bits: int) -> bytes:
    """Abnormal answer (0xC1, 0xC4): ERR byte (:data:`ERROR_BITS`)."""
    if not 0 <= error_bits <= 0xFF:
        raise EncodeError("error bits must fit one byte")
    return encode_link(address, _DIR | _ABNORMAL | (function & _FUNCTION_MASK), bytes([error_bits]))


def frame_matches(request: object, response: object) -> bool:
    """True when ``response`` answers ``request`` (same rules as :func:`dlt645.frame_matches`)."""
    if not isinstance(request, Dlt645_1997Frame) or not isinstance(response, Dlt645_1997Frame):
        return False
    if request.is_response or not response.is_response:
        return False
    if request.function != response.function or request.function == Function.BROADCAST_TIME:
        return False
    if request.address == BROADCAST_ADDRESS and request.function != Function.READ:
        return False
    if not address_matches(request.address, response.address) and not (
        request.address == BROADCAST_ADDRESS
    ):
        return False
    if response.abnormal:
        return True
    if request.function in (Function.READ, Function.READ_FOLLOW_UP):
        return request.data_id == response.data_id
    return True
