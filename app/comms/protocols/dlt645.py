"""DL/T 645-2007 (multi-function watt-hour meter protocol) codec: bytes in, typed frames out.

Link layer (DL/T 645-2007 clause 4, shared with DL/T 645-1997 clause 3)::

    [FE ...]  68  A0 A1 A2 A3 A4 A5  68  C  L  DATA(L bytes)  CS  16
    wake-up   |   address, A0 =       |  |  |  each byte        |   end
    (0..n)    |   lowest BCD pair     |  |  |  + 0x33 on wire   sum of bytes 68 .. DATA, mod 256
              start                   start  control / data length (<= 200)

Control code C (clause 4.2.4): D7 direction (0 master->meter, 1 meter->master), D6 abnormal
answer, D5 follow-up frame exists, D4..D0 function. Addresses are written by people in nameplate
order (``000000000001``) and sent least significant byte first (``01 00 00 00 00 00``); ``AA``
bytes are wildcards, ``999999999999`` is the broadcast address.

This module also holds the link-layer scanner and frame builder shared with
:mod:`app.comms.protocols.dlt645_1997` (:func:`scan_link`, :func:`encode_link`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from app.comms.protocols.base import (
    END,
    START,
    AbnormalResponseError,
    DecodeFailure,
    DecodeResult,
    EncodeError,
    FrameError,
    LengthError,
    ProtocolError,
    SumFrameLayout,
    UnknownDataIdError,
    Value,
    Values,
    decode_one,
    direction_of,
    internal_failure,
    jsonable,
    scan_sum_frames,
    sum_checksum,
)
from app.comms.protocols.bcd import (
    add_33,
    address_from_wire,
    address_matches,
    address_to_wire,
    decode_field,
    encode_field,
    sub_33,
)
from app.comms.protocols.dataids import DLT645_2007_TABLE, DataItem, ItemTable

PROTOCOL = "dlt645"
MAX_DATA_LEN = 200  # clause 4.2.5: L <= 200 (read), <= 50 (write)
BROADCAST_ADDRESS = "999999999999"
WILDCARD_ADDRESS = "AAAAAAAAAAAA"
WAKE_UP_PREFIX = b"\xfe\xfe\xfe\xfe"  # clause 4.3: up to four 0xFE before a frame
DEFAULT_PASSWORD = "02000000"  # password level 02, password 000000 (plain-text level)
DEFAULT_OPERATOR = "00000000"

_DIR = 0x80
_ABNORMAL = 0x40
_FOLLOW_UP = 0x20
_FUNCTION_MASK = 0x1F


class Function(IntEnum):
    """DL/T 645-2007 clause 4.2.4 function codes (C & 0x1F)."""

    SECURITY = 0x03
    BROADCAST_TIME = 0x08
    READ = 0x11
    READ_FOLLOW_UP = 0x12
    READ_ADDRESS = 0x13
    WRITE = 0x14
    WRITE_ADDRESS = 0x15
    FREEZE = 0x16
    CHANGE_BAUD = 0x17
    CHANGE_PASSWORD = 0x18
    CLEAR_DEMAND = 0x19
    CLEAR_METER = 0x1A
    CLEAR_EVENTS = 0x1B
    CONTROL = 0x1C
    OUTPUT_CONTROL = 0x1D


class ControlAction(IntEnum):
    """Byte N1 of the 0x1C control command (DL/T 645-2007 clause 7.x, 费控 amendment)."""

    TRIP = 0x1A  # 跳闸
    CLOSE_ALLOWED = 0x1B  # 合闸允许 (tenant closes by hand)
    CLOSE = 0x1C  # 直接合闸
    ALARM = 0x2A  # 报警
    ALARM_OFF = 0x2B  # 报警解除
    KEEP_POWER = 0x3A  # 保电
    KEEP_POWER_OFF = 0x3B  # 保电解除


ACTION_NAMES: dict[str, ControlAction] = {
    "trip": ControlAction.TRIP,
    "close-allowed": ControlAction.CLOSE_ALLOWED,
    "close": ControlAction.CLOSE,
    "alarm": ControlAction.ALARM,
    "alarm-off": ControlAction.ALARM_OFF,
    "keep-power": ControlAction.KEEP_POWER,
    "keep-power-off": ControlAction.KEEP_POWER_OFF,
}
_ACTION_BY_CODE: dict[int, str] = {int(code): name for name, code in ACTION_NAMES.items()}

# Clause 7.x "错误信息字 ERR" (1 byte, abnormal answers).
ERROR_BITS: tuple[tuple[int, str], ...] = (
    (0, "other error"),
    (1, "no requested data"),
    (2, "wrong password or unauthorised"),
    (3, "baud rate cannot be changed"),
    (4, "too many annual time zones"),
    (5, "too many daily time periods"),
    (6, "too many tariffs"),
)


def error_reasons(
    error_bits: int, table: tuple[tuple[int, str], ...] = ERROR_BITS
) -> tuple[str, ...]:
    """Names of the set bits of an ERR byte (unknown bits are named ``bit N``)."""
    known = dict(table)
    return tuple(known.get(bit, f"bit {bit}") for bit in range(8) if error_bits >> bit & 1)


# --------------------------------------------------------------------------------------------
# Link layer (shared with DL/T 645-1997)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkFrame:
    """A frame whose structure, length, checksum and end byte are verified (data still +0x33)."""

    address_raw: bytes
    control: int
    data_wire: bytes
    raw: bytes


def _header_ok(buf: bytes, j: int) -> bool | None:
    # Clause 4.1: a second start byte follows the six address bytes.
    return buf[j + 7] == START


LAYOUT = SumFrameLayout(
    header_ok=_header_ok, header_size=8, length_index=9, overhead=12, max_len=MAX_DATA_LEN
)


def scan_link(buf: bytes) -> tuple[int, LinkFrame | ProtocolError | None]:
    """Find the next DL/T 645 link frame in ``buf`` (contract of :func:`base.scan_sum_frames`)."""
    used, found = scan_sum_frames(buf, LAYOUT)
    if isinstance(found, bytes):
        return used, LinkFrame(found[1:7], found[8], found[10:-2], found)
    return used, found


def encode_link(address: str, control: int, data: bytes) -> bytes:
    """Build a DL/T 645 frame from the data field as the standard lists it (adds 0x33)."""
    if not 0 <= control <= 0xFF:
        raise EncodeError(f"control code {control} out of range")
    if len(data) > MAX_DATA_LEN:
        raise EncodeError(f"data field of {len(data)} bytes exceeds {MAX_DATA_LEN}")
    body = (
        bytes([START])
        + address_to_wire(address, 6)
        + bytes([START, control, len(data)])
        + add_33(data)
    )
    return body + bytes([sum_checksum(body), END])


# --------------------------------------------------------------------------------------------
# Application layer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dlt645Frame:
    """A verified DL/T 645-2007 frame (clause 4 link layer, clause 7 application layer).

    Layout::

        68 A0..A5 68 C L DATA CS 16        DATA on the wire = each byte + 0x33
        read 0x11       : DI0 DI1 DI2 DI3 [N [mm hh DD MM YY]]
        answer 0x91/B1  : DI0..DI3 value-bytes             (B1: follow-up frames exist)
        follow-up 0x12  : DI0..DI3 SEQ;  answer 0x92/B2: DI0..DI3 value-bytes SEQ
        read addr 0x13  : (none), address AA..AA;  answer 0x93: A0..A5
        write 0x14      : DI0..DI3 PA P0 P1 P2 C0 C1 C2 C3 value-bytes;  answer 0x94: (none)
        bcast time 0x08 : ss mm hh DD MM YY, address 99..99, no answer
        control 0x1C    : PA P0 P1 P2 C0..C3 N1 N2 N3..N8 (N1 action, N3..N8 valid-until
                          ss mm hh DD MM YY);  answer 0x9C: (none)
        abnormal answer : C | 0x40 (0xD1, 0xD4, 0xDC ...): ERR (1 byte, error bits)

    ``data`` is the data field with 0x33 removed; ``data_id`` is the DI as an int written
    most significant byte first (``0x00010000``); ``payload`` is the value bytes after the DI;
    ``values`` the decoded quantities (empty for an identifier the table does not know).
    """

    address: str
    control: int
    data: bytes
    data_id: int | None = None
    payload: bytes = b""
    values: Values = field(default_factory=dict, hash=False)
    error_bits: int | None = None
    seq: int | None = None
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
        """D5: the meter has more frames for this identifier (read them with 0x12)."""
        return bool(self.control & _FOLLOW_UP)

    @property
    def data_id_hex(self) -> str | None:
        return None if self.data_id is None else f"{self.data_id:08X}"

    @property
    def error(self) -> AbnormalResponseError | None:
        if not self.abnormal or self.error_bits is None:
            return None
        return AbnormalResponseError(self.control, self.error_bits, error_reasons(self.error_bits))

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


def _di(data: bytes) -> int:
    return int.from_bytes(data[0:4], "little")


def _password_text(data: bytes) -> str:
    """PA P0 P1 P2 on the wire -> ``LLPPPPPP`` (level, then password most significant first)."""
    return f"{data[0]:02X}" + data[1:4][::-1].hex().upper()


def _operator_text(data: bytes) -> str:
    return data[0:4][::-1].hex().upper()


def _require_len(data: bytes, ok: bool, what: str) -> None:
    if not ok:
        raise LengthError(f"{what}: unexpected data length {len(data)}", declared=len(data))


def _parse(link: LinkFrame, table: ItemTable) -> Dlt645Frame:
    control = link.control
    function = control & _FUNCTION_MASK
    if function not in Function._value2member_map_:
        raise FrameError(
            f"control code 0x{control:02X}: function 0x{function:02X} "
            "is not defined by DL/T 645-2007"
        )
    address = address_from_wire(link.address_raw)
    data = sub_33(link.data_wire)
    response = bool(control & _DIR)

    def make(**kw: Any) -> Dlt645Frame:
        return Dlt645Frame(address=address, control=control, data=data, raw=link.raw, **kw)

    if control & _ABNORMAL:
        if not response:
            raise FrameError(f"control code 0x{control:02X}: abnormal flag on a request")
        _require_len(data, len(data) == 1, "abnormal answer (ERR byte)")
        return make(error_bits=data[0])
    values: dict[str, Value] = {}
    if function == Function.READ:
        if not response:
            _require_len(data, len(data) in (4, 5, 10), "read request")
            if len(data) >= 5:
                values["blocks"] = data[4]
            return make(data_id=_di(data), values=values)
        _require_len(data, len(data) >= 4, "read answer")
        data_id = _di(data)
        payload = data[4:]
        item = table.get(data_id)
        if item is not None:
            values = item.decode(payload)
        return make(data_id=data_id, payload=payload, values=values)
    if function == Function.READ_FOLLOW_UP:
        if not response:
            _require_len(data, len(data) == 5, "read follow-up request")
            return make(data_id=_di(data), seq=data[4])
        _require_len(data, len(data) >= 5, "read follow-up answer")
        return make(
            data_id=_di(data),
            payload=data[4:-1],
            seq=data[-1],
        )
    if function == Function.READ_ADDRESS:
        if not response:
            _require_len(data, len(data) == 0, "read-address request")
            return make()
        _require_len(data, len(data) == 6, "read-address answer")
        values["meter_address"] = address_from_wire(data)
        return make(values=values)
    if function == Function.WRITE:
        if response:
            _require_len(data, len(data) == 0, "write answer")
            return make()
        _require_len(data, len(data) >= 12, "write request")
        data_id = _di(data)
        payload = data[12:]
        values["password"] = _password_text(data[4:8])
        values["operator"] = _operator_text(data[8:12])
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
    if function == Function.CONTROL:
        if response:
            _require_len(data, len(data) == 0, "control answer")
            return make()
        _require_len(data, len(data) == 16, "control request")
        code = data[8]
        values["password"] = _password_text(data[0:4])
        values["operator"] = _operator_text(data[4:8])
        values["action"] = _ACTION_BY_CODE.get(code, f"0x{code:02X}")
        values["action_code"] = code
        # Some masters send N3..N8 = 00 (no expiry); keep that as None instead of a bad date.
        until = data[10:16]
        values["valid_until"] = (
            None if until == bytes(6) else decode_field("YYMMDDhhmmss", until, "valid-until time")
        )
        return make(values=values)
    # Other functions (freeze, baud rate, password, clear...): structure verified, no values.
    return make()


def decode(buf: bytes, *, table: ItemTable = DLT645_2007_TABLE) -> DecodeResult:
    """Incremental decoder (contract in :mod:`app.comms.protocols.base`).

    ``table`` may be extended with a profile's identifiers (``DLT645_2007_TABLE.extended``).
    """
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


def decode_frame(frame: bytes, *, table: ItemTable = DLT645_2007_TABLE) -> Dlt645Frame:
    """Decode exactly one frame (wake-up bytes allowed); raise its :class:`ProtocolError`."""
    found = decode_one(lambda b: decode(b, table=table), frame)
    if not isinstance(found, Dlt645Frame):
        raise FrameError("not a DL/T 645-2007 frame")
    return found


def values_of(
    frame: Dlt645Frame, item: DataItem | None = None, *, table: ItemTable = DLT645_2007_TABLE
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
# Builders (requests and, for the simulator, responses)
# --------------------------------------------------------------------------------------------


def _di_bytes(data_id: int) -> bytes:
    if not 0 <= data_id <= 0xFFFFFFFF:
        raise EncodeError(f"data identifier {data_id:#x} out of range")
    return data_id.to_bytes(4, "little")


def resolve_item(item: int | str | DataItem, table: ItemTable = DLT645_2007_TABLE) -> int:
    """A data identifier from an int, a table key (``energy``) or 8 hex digits."""
    if isinstance(item, DataItem):
        return item.data_id
    if isinstance(item, int):
        return item
    text = item.strip()
    if text in table.by_key:
        return table.by_key[text].data_id
    if len(text) == 8:
        try:
            return int(text, 16)
        except ValueError:
            pass
    raise EncodeError(f"unknown data item {item!r} (a key like 'energy' or 8 hex digits)")


def _password_bytes(password: str) -> bytes:
    text = password.strip()
    if len(text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise EncodeError("password must be 8 hex digits: level (2) + password (6), e.g. 02000000")
    raw = bytes.fromhex(text)
    return raw[0:1] + raw[1:4][::-1]


def _operator_bytes(operator: str) -> bytes:
    text = operator.strip()
    if len(text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise EncodeError("operator code must be 8 hex digits, e.g. 00000000")
    return bytes.fromhex(text)[::-1]


def _value_bytes(
    data_id: int, data: bytes | Mapping[str, Value], item: DataItem | None, table: ItemTable
) -> bytes:
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    spec = item or table.get(data_id)
    if spec is None:
        raise EncodeError(f"no layout known for data identifier {data_id:08X}; pass bytes")
    return spec.encode(data)


def build_read(address: str, data_id: int | str | DataItem) -> bytes:
    """Read request 0x11 (clause 7.3.1) for one data identifier."""
    return encode_link(address, Function.READ, _di_bytes(resolve_item(data_id)))


def build_read_follow_up(address: str, data_id: int | str | DataItem, seq: int) -> bytes:
    """Read follow-up request 0x12 (clause 7.3.2) with frame sequence number ``seq``."""
    if not 0 <= seq <= 0xFF:
        raise EncodeError("seq must be 0..255")
    return encode_link(
        address, Function.READ_FOLLOW_UP, _di_bytes(resolve_item(data_id)) + bytes([seq])
    )


def build_read_address(address: str = WILDCARD_ADDRESS) -> bytes:
    """Read communication address 0x13 (clause 7.4), normally to the AA..AA wildcard."""
    return encode_link(address, Function.READ_ADDRESS, b"")


def build_write(
    address: str,
    data_id: int | str | DataItem,
    data: bytes | Mapping[str, Value],
    *,
    password: str = DEFAULT_PASSWORD,
    operator: str = DEFAULT_OPERATOR,
    item: DataItem | None = None,
    table: ItemTable = DLT645_2007_TABLE,
) -> bytes:
    """Write request 0x14 (clause 7.5): DI, password (``LLPPPPPP``), operator code, value.

    ``data`` is the value bytes, or named values encoded with ``item`` / the table's layout.
    """
    di = resolve_item(data_id, table)
    if isinstance(data_id, DataItem):
        item = item or data_id
    value = _value_bytes(di, data, item, table)
    body = _di_bytes(di) + _password_bytes(password) + _operator_bytes(operator) + value
    return encode_link(address, Function.WRITE, body)


def build_broadcast_time(at: dt.datetime) -> bytes:
    """Broadcast time 0x08 (clause 7.6) to 999999999999; meters do not answer."""
    return encode_link(BROADCAST_ADDRESS, Function.BROADCAST_TIME, encode_field("YYMMDDhhmmss", at))


def build_control(
    address: str,
    action: ControlAction | int | str,
    *,
    valid_until: dt.datetime,
    password: str = DEFAULT_PASSWORD,
    operator: str = DEFAULT_OPERATOR,
) -> bytes:
    """Control 0x1C (trip / close / alarm / keep-power; clause 7.x 费控 amendment).

    ``action`` is a :class:`ControlAction`, its code, or a name from :data:`ACTION_NAMES`.
    ``valid_until``: the meter ignores the command after this time.
    """
    if isinstance(action, str):
        if action not in ACTION_NAMES:
            raise EncodeError(f"unknown action {action!r}; one of {', '.join(ACTION_NAMES)}")
        code = int(ACTION_NAMES[action])
    else:
        code = int(action)
    if not 0 <= code <= 0xFF:
        raise EncodeError("action code must be one byte")
    body = (
        _password_bytes(password)
        + _operator_bytes(operator)
        + bytes([code, 0x00])
        + encode_field("YYMMDDhhmmss", valid_until)
    )
    return encode_link(address, Function.CONTROL, body)


def build_read_response(
    address: str,
    data_id: int | str | DataItem,
    data: bytes | Mapping[str, Value],
    *,
    follow_up: bool = False,
    item: DataItem | None = None,
    table: ItemTable = DLT645_2007_TABLE,
) -> bytes:
    """Normal read answer 0x91 (0xB1 when ``follow_up``): DI + value bytes."""
    di = resolve_item(data_id, table)
    if isinstance(data_id, DataItem):
        item = item or data_id
    control = _DIR | Function.READ | (_FOLLOW_UP if follow_up else 0)
    return encode_link(address, control, _di_bytes(di) + _value_bytes(di, data, item, table))


def build_read_follow_up_response(
    address: str, data_id: int | str | DataItem, data: bytes, seq: int, *, follow_up: bool = False
) -> bytes:
    """Follow-up answer 0x92 (0xB2 when more follow): DI + value bytes + SEQ."""
    control = _DIR | Function.READ_FOLLOW_UP | (_FOLLOW_UP if follow_up else 0)
    return encode_link(
        address, control, _di_bytes(resolve_item(data_id)) + bytes(data) + bytes([seq & 0xFF])
    )


def build_read_address_response(address: str) -> bytes:
    """Read-address answer 0x93: the meter's own address in the header and the data field."""
    return encode_link(address, _DIR | Function.READ_ADDRESS, address_to_wire(address, 6))


def build_write_response(address: str) -> bytes:
    """Normal write answer 0x94 (no data)."""
    return encode_link(address, _DIR | Function.WRITE, b"")


def build_control_response(address: str) -> bytes:
    """Normal control answer 0x9C (no data)."""
    return encode_link(address, _DIR | Function.CONTROL, b"")


def build_abnormal_response(address: str, function: int, error_bits: int) -> bytes:
    """Abnormal answer (0xD1, 0xD4, 0xDC ...): one ERR byte (:data:`ERROR_BITS`)."""
    if not 0 <= error_bits <= 0xFF:
        raise EncodeError("error bits must fit one byte")
    return encode_link(address, _DIR | _ABNORMAL | (function & _FUNCTION_MASK), bytes([error_bits]))


def frame_matches(request: object, response: object) -> bool:
    """True when ``response`` answers ``request`` (both decoded :class:`Dlt645Frame`).

    Same function, the response's address fits the request's (AA wildcard bytes match any),
    and for reads/writes a normal answer carries the requested data identifier (and SEQ for
    follow-ups). An abnormal answer with the same function and address matches too. Broadcast
    requests never match (meters do not answer them).
    """
    if not isinstance(request, Dlt645Frame) or not isinstance(response, Dlt645Frame):
        return False
    if request.is_response or not response.is_response:
        return False
    if request.function != response.function or request.function == Function.BROADCAST_TIME:
        return False
    if request.address == BROADCAST_ADDRESS:
        return False
    if not address_matches(request.address, response.address):
        return False
    if response.abnormal:
        return True
    if request.function == Function.READ:
        return request.data_id == response.data_id
    if request.function == Function.READ_FOLLOW_UP:
        return request.data_id == response.data_id and request.seq == response.seq
    return True
