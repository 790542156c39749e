"""Modbus-RTU codec built on pymodbus' I/O-free framer and PDU classes (pymodbus 3.16.1).

RTU frame (Modbus over serial line V1.02, clause 2.5.1)::

    unit  function  data ...  CRC-lo CRC-hi
    1..247 (0 = broadcast request); CRC-16/MODBUS over unit..data, sent low byte first

    read holding / input registers (0x03 / 0x04):
        request : unit fc reg-hi reg-lo count-hi count-lo CRC      (8 bytes)
        response: unit fc byte-count (2 x count) reg-values... CRC
    write single register (0x06): request and response are identical (echo)
    write multiple registers (0x10): unit fc reg count byte-count values CRC;
        response: unit fc reg count CRC
    exception: unit fc|0x80 exception-code CRC (5 bytes)

RTU has no start marker: the decoder hunts for an offset where a plausible unit id and
function code give a frame size (pymodbus ``lookupPduClass`` / ``calculateRtuFrameSize``) and the
CRC (pymodbus ``FramerRTU.compute_CRC``) checks. pymodbus' own ``FramerRTU.decode`` is not used
for the hunt because it swallows the whole buffer, which would lose a frame glued behind.

Register values become quantities through a profile's :class:`RegisterPoint` list
(:func:`decode_points`): 16/32-bit, signed or not, either word order, a Decimal scale, or IEEE-754
float32 converted to Decimal exactly (no binary float is ever created).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadHoldingRegistersResponse,
    ReadInputRegistersRequest,
    ReadInputRegistersResponse,
    WriteMultipleRegistersRequest,
    WriteMultipleRegistersResponse,
    WriteSingleRegisterRequest,
    WriteSingleRegisterResponse,
)

from app.comms.protocols.base import (
    ChecksumError,
    DecodeFailure,
    DecodeResult,
    EncodeError,
    FrameError,
    LengthError,
    ModbusExceptionError,
    ProtocolError,
    Value,
    Values,
    decode_one,
    direction_of,
    internal_failure,
    jsonable,
)

PROTOCOL = "modbus"
Role = Literal["request", "response", "any"]

READ_HOLDING = 0x03
READ_INPUT = 0x04
WRITE_REGISTER = 0x06
WRITE_REGISTERS = 0x10
# Function codes the hunter accepts as a frame start (bit and register access).
FUNCTIONS = frozenset({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0F, 0x10})
MAX_UNIT = 247
MAX_READ_COUNT = 125  # Modbus application protocol V1.1b3, 6.3: 1..125 registers
MAX_WRITE_COUNT = 123  # 6.12

EXCEPTION_NAMES = {
    0x01: "illegal function",
    0x02: "illegal data address",
    0x03: "illegal data value",
    0x04: "server device failure",
    0x05: "acknowledge",
    0x06: "server device busy",
    0x08: "memory parity error",
    0x0A: "gateway path unavailable",
    0x0B: "gateway target device failed to respond",
}

_CLIENT_DECODER = DecodePDU(is_server=False)  # decodes responses
_SERVER_DECODER = DecodePDU(is_server=True)  # decodes requests
_FRAMER = FramerRTU(_CLIENT_DECODER)


def crc16(data: bytes) -> bytes:
    """CRC-16/MODBUS of ``data`` as the two bytes sent on the wire (low byte first)."""
    return FramerRTU.compute_CRC(data).to_bytes(2, "big")


@dataclass(frozen=True)
class ModbusFrame:
    """A CRC-verified Modbus-RTU frame.

    Layout::

        unit fc data... CRC(2)
        0x03/0x04 request : reg(2) count(2)        response: byte-count values(2 x n)
        0x06 req/resp     : reg(2) value(2)
        0x10 request      : reg(2) count(2) byte-count values   response: reg(2) count(2)
        exception         : fc | 0x80, exception code (1)

    ``register`` / ``count`` come from requests (and write answers); ``registers`` are the
    register values a read answer or write request carries.
    """

    unit: int
    function: int
    pdu: bytes
    is_response: bool
    register: int | None = None
    count: int | None = None
    registers: tuple[int, ...] = ()
    exception_code: int | None = None
    values: Values = field(default_factory=dict, hash=False)
    raw: bytes = field(default=b"", repr=False, compare=False)

    @property
    def protocol(self) -> str:
        return PROTOCOL

    @property
    def address(self) -> str:
        return str(self.unit)

    @property
    def abnormal(self) -> bool:
        return bool(self.function & 0x80)

    @property
    def error(self) -> ModbusExceptionError | None:
        if not self.abnormal or self.exception_code is None:
            return None
        name = EXCEPTION_NAMES.get(self.exception_code, "unknown exception")
        return ModbusExceptionError(self.function, self.exception_code, name)

    def describe(self) -> dict[str, object]:
        err = self.error
        return {
            "protocol": PROTOCOL,
            "valid": True,
            "direction": direction_of(self.is_response),
            "control": self.function,
            "address": self.address,
            "meter_type": None,
            "data_id": None if self.register is None else f"{self.register:04X}",
            "abnormal": self.abnormal,
            "error": None if err is None else str(err),
            "values": jsonable(self.values),
        }


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------


def _plausible(buf: bytes, i: int, role: str) -> bool:
    unit = buf[i]
    function = buf[i + 1]
    if unit > MAX_UNIT:
        return False
    if function & 0x80:
        # Exceptions only come from a server, never to the broadcast address.
        return role == "response" and unit != 0 and function & 0x7F in FUNCTIONS
    if unit == 0 and role == "response":
        return False
    return function in FUNCTIONS


def _frame_size(buf: bytes, i: int, role: str) -> int | None:
    """Frame size at ``i`` for ``role``; 0 = need more bytes; None = not a frame start."""
    if not _plausible(buf, i, role):
        return None
    decoder = _CLIENT_DECODER if role == "response" else _SERVER_DECODER
    try:
        pdu_class = decoder.lookupPduClass(buf[i:])
        if pdu_class is None:
            return None
        size = pdu_class.calculateRtuFrameSize(buf[i:])
    except Exception:  # pymodbus raises for classes without an RTU size rule
        return None
    if size and role == "response" and buf[i + 1] in (READ_HOLDING, READ_INPUT):
        byte_count = buf[i + 2]
        if byte_count == 0 or byte_count % 2 or byte_count > 2 * MAX_READ_COUNT:
            return None
    return int(size)


def _build_frame(raw: bytes, role: str) -> ModbusFrame:
    """Turn CRC-checked bytes into a frame using pymodbus' PDU decoders."""
    unit = raw[0]
    function = raw[1]
    pdu_bytes = raw[1:-2]
    common: dict[str, Any] = {"unit": unit, "function": function, "pdu": pdu_bytes, "raw": raw}
    if function & 0x80:
        code = raw[2]
        return ModbusFrame(
            **common,
            is_response=True,
            exception_code=code,
            values={"exception": EXCEPTION_NAMES.get(code, "unknown exception")},
        )
    decoder = _CLIENT_DECODER if role == "response" else _SERVER_DECODER
    pdu: ModbusPDU | None = decoder.decode(pdu_bytes)
    if pdu is None:
        raise FrameError(f"function 0x{function:02X}: data do not decode")
    response = role == "response"
    values: dict[str, Value] = {}
    register: int | None = None
    count: int | None = None
    registers: tuple[int, ...] = ()
    if function in (READ_HOLDING, READ_INPUT):
        if response:
            registers = tuple(int(r) for r in pdu.registers)
            values["registers"] = registers
        else:
            register, count = pdu.address, pdu.count
            if not 1 <= count <= MAX_READ_COUNT:
                raise LengthError(f"read of {count} registers (allowed 1..{MAX_READ_COUNT})")
            values.update(register=register, count=count)
    elif function == WRITE_REGISTER:
        register = pdu.address
        registers = (int(pdu.registers[0]),)
        values.update(register=register, value=registers[0])
    elif function == WRITE_REGISTERS:
        register, count = pdu.address, pdu.count
        values.update(register=register, count=count)
        if not response:
            registers = tuple(int(r) for r in pdu.registers)
            if len(registers) != count or raw[6] != 2 * count:
                raise LengthError(
                    f"write of {count} registers carries {raw[6]} bytes", declared=raw[6]
                )
            values["registers"] = registers
    return ModbusFrame(
        **common,
        is_response=response,
        register=register,
        count=count,
        registers=registers,
        values=values,
    )


def _crc_ok(frame: bytes) -> bool:
    return crc16(frame[:-2]) == frame[-2:]


def _scan(buf: bytes, roles: tuple[str, ...]) -> tuple[int, bytes | ProtocolError | None, str]:
    n = len(buf)
    pending: int | None = None
    bad: tuple[int, int, ChecksumError] | None = None
    for i in range(n):
        if n - i < 2:
            pending = i if pending is None else pending
            break
        for role in roles:
            size = _frame_size(buf, i, role)
            if size is None:
                continue
            if size == 0 or n - i < size:
                pending = i if pending is None else pending
                continue
            frame = buf[i : i + size]
            if _crc_ok(frame):
                if (
                    bad is not None
                    and i >= bad[0] + bad[1]
                    and (pending is None or pending > bad[0])
                ):
                    # A damaged frame came first and ended before this one: report it.
                    return bad[0] + bad[1], bad[2], role
                return i + size, frame, role
            if bad is None:
                expected = FramerRTU.compute_CRC(frame[:-2])
                actual = frame[-2] << 8 | frame[-1]
                bad = (i, size, ChecksumError(expected, actual, kind="CRC"))
    # A candidate still arriving at (or before) the damaged one may be the real frame (a
    # request and a response read differently from the same offset): wait for it.
    if bad is not None and (pending is None or pending > bad[0]):
        return bad[0] + bad[1], bad[2], roles[0]
    if pending is not None:
        return pending, None, roles[0]
    return n, None, roles[0]


def _decode(buf: bytes, roles: tuple[str, ...]) -> DecodeResult:
    try:
        used, found, role = _scan(buf, roles)
        if found is None:
            return used, None
        if isinstance(found, ProtocolError):
            return used, DecodeFailure(found, buf[:used], PROTOCOL)
        try:
            return used, _build_frame(found, role)
        except ProtocolError as exc:
            return used, DecodeFailure(exc, found, PROTOCOL)
    except Exception as exc:  # the contract: never raise on input
        return internal_failure(buf, exc, PROTOCOL)


def decode_response(buf: bytes) -> DecodeResult:
    """Incremental decoder for what a server (meter) sends: responses and exceptions."""
    return _decode(buf, ("response",))


def decode_request(buf: bytes) -> DecodeResult:
    """Incremental decoder for what a client (the app) sends: requests (simulator side)."""
    return _decode(buf, ("request",))


def decode(buf: bytes) -> DecodeResult:
    """Incremental decoder accepting requests and responses (technician tools, detection).

    Where a frame reads both ways (write-single-register echo), it is reported as a request.
    """
    return _decode(buf, ("request", "response"))


def decode_frame(frame: bytes, *, role: Role = "any") -> ModbusFrame:
    """Decode exactly one frame; raise its :class:`ProtocolError`."""
    decoder = {"any": decode, "request": decode_request, "response": decode_response}[role]
    found = decode_one(decoder, frame)
    if not isinstance(found, ModbusFrame):
        raise FrameError("not a Modbus-RTU frame")
    return found


# --------------------------------------------------------------------------------------------
# Builders (requests; responses for the simulator)
# --------------------------------------------------------------------------------------------


def _check_unit(unit: int, *, allow_broadcast: bool = False) -> None:
    low = 0 if allow_broadcast else 1
    if not low <= unit <= MAX_UNIT:
        raise EncodeError(f"unit id must be {low}..{MAX_UNIT}, not {unit}")


def _check_register(register: int) -> None:
    if not 0 <= register <= 0xFFFF:
        raise EncodeError(f"register address must be 0..65535, not {register}")


def _check_values(values: Sequence[int]) -> list[int]:
    out = [int(v) for v in values]
    if any(not 0 <= v <= 0xFFFF for v in out):
        raise EncodeError("register values must be 0..65535")
    return out


def _build(pdu: ModbusPDU) -> bytes:
    return _FRAMER.buildFrame(pdu)


def build_read(unit: int, function: int, register: int, count: int) -> bytes:
    """Read holding (3) or input (4) registers."""
    _check_unit(unit)
    _check_register(register)
    if not 1 <= count <= MAX_READ_COUNT or register + count > 0x10000:
        raise EncodeError(f"count must be 1..{MAX_READ_COUNT} within the register space")
    if function == READ_HOLDING:
        return _build(ReadHoldingRegistersRequest(dev_id=unit, address=register, count=count))
    if function == READ_INPUT:
        return _build(ReadInputRegistersRequest(dev_id=unit, address=register, count=count))
    raise EncodeError(f"read function must be 3 or 4, not {function}")


def build_write_register(unit: int, register: int, value: int) -> bytes:
    """Write single register (6)."""
    _check_unit(unit, allow_broadcast=True)
    _check_register(register)
    regs = _check_values([value])
    return _build(WriteSingleRegisterRequest(dev_id=unit, address=register, registers=regs))


def build_write_registers(unit: int, register: int, values: Sequence[int]) -> bytes:
    """Write multiple registers (16)."""
    _check_unit(unit, allow_broadcast=True)
    _check_register(register)
    regs = _check_values(values)
    if not 1 <= len(regs) <= MAX_WRITE_COUNT:
        raise EncodeError(f"write 1..{MAX_WRITE_COUNT} registers at once")
    return _build(WriteMultipleRegistersRequest(dev_id=unit, address=register, registers=regs))


def build_read_response(unit: int, function: int, registers: Sequence[int]) -> bytes:
    """Answer to a read of holding (3) or input (4) registers."""
    _check_unit(unit)
    regs = _check_values(registers)
    if not 1 <= len(regs) <= MAX_READ_COUNT:
        raise EncodeError(f"answer 1..{MAX_READ_COUNT} registers")
    if function == READ_HOLDING:
        return _build(ReadHoldingRegistersResponse(dev_id=unit, registers=regs))
    if function == READ_INPUT:
        return _build(ReadInputRegistersResponse(dev_id=unit, registers=regs))
    raise EncodeError(f"read function must be 3 or 4, not {function}")


def build_write_register_response(unit: int, register: int, value: int) -> bytes:
    """Answer to write single register: the request echoed."""
    _check_unit(unit)
    _check_register(register)
    regs = _check_values([value])
    return _build(WriteSingleRegisterResponse(dev_id=unit, address=register, registers=regs))


def build_write_registers_response(unit: int, register: int, count: int) -> bytes:
    """Answer to write multiple registers: start address and count."""
    _check_unit(unit)
    _check_register(register)
    return _build(WriteMultipleRegistersResponse(dev_id=unit, address=register, count=count))


def build_exception_response(unit: int, function: int, code: int) -> bytes:
    """Exception answer: function | 0x80 and one exception code (:data:`EXCEPTION_NAMES`)."""
    _check_unit(unit)
    if not 0 <= code <= 0xFF or not 1 <= function & 0x7F <= 0x7F:
        raise EncodeError("bad function or exception code")
    return _build(ExceptionResponse(function & 0x7F, code, device_id=unit))


def frame_matches(request: object, response: object) -> bool:
    """True when ``response`` answers ``request`` (both :class:`ModbusFrame`).

    Same unit and function (or its exception); a read answer carries 2 x count bytes; a write
    answer echoes the address (and value / count).
    """
    if not isinstance(request, ModbusFrame) or not isinstance(response, ModbusFrame):
        return False
    if request.unit == 0 or request.unit != response.unit:
        return False
    if response.abnormal:
        return response.function & 0x7F == request.function
    if request.function != response.function:
        return False
    if request.function in (READ_HOLDING, READ_INPUT):
        return len(response.registers) == request.count
    if request.function == WRITE_REGISTER:
        return response.register == request.register and response.registers == request.registers
    if request.function == WRITE_REGISTERS:
        return response.register == request.register and response.count == request.count
    return True


# --------------------------------------------------------------------------------------------
# Register profiles: register values -> Decimal quantities
# --------------------------------------------------------------------------------------------

RegisterType = Literal["u16", "s16", "u32", "s32", "f32"]
_WORDS = {"u16": 1, "s16": 1, "u32": 2, "s32": 2, "f32": 2}


@dataclass(frozen=True)
class RegisterPoint:
    """One quantity in a register map.

    ``value = raw * scale`` (raw from ``words`` registers, high word first when
    ``word_order == "big"``); for ``f32`` the IEEE-754 value is converted exactly and rounded to
    ``decimals`` places. ``name`` carries the unit (``energy_kwh``).
    """

    name: str
    register: int
    type: RegisterType = "u16"
    scale: Decimal = Decimal(1)
    word_order: Literal["big", "little"] = "big"
    decimals: int | None = None
    writable: bool = False

    @property
    def words(self) -> int:
        return _WORDS[self.type]


def float32_to_decimal(bits: int) -> Decimal:
    """IEEE-754 single precision bits to the exact Decimal value (no binary float used)."""
    sign = -1 if bits >> 31 else 1
    exponent = bits >> 23 & 0xFF
    mantissa = bits & 0x7FFFFF
    if exponent == 0xFF:
        raise FrameError("float32 register holds NaN or infinity")
    if exponent == 0:
        significand, power = mantissa, -149
    else:
        significand, power = mantissa | 0x800000, exponent - 150
    if power >= 0:
        value = Decimal(significand << power)
    else:
        # significand / 2**k == significand * 5**k / 10**k: build the Decimal from its digits so
        # no context rounding can occur.
        digits = tuple(int(d) for d in str(significand * 5**-power))
        value = Decimal((0, digits, power))
    return -value if sign < 0 else value


def decimal_to_float32(value: Decimal) -> int:
    """Nearest IEEE-754 single precision bits for ``value`` (simulator side)."""
    if value == 0:
        return 0
    sign = 0x80000000 if value < 0 else 0
    magnitude = abs(value)
    exponent = 0
    while magnitude >= 2**24:
        magnitude /= 2
        exponent += 1
    while magnitude < 2**23:
        magnitude *= 2
        exponent -= 1
    mantissa = int(magnitude.to_integral_value())
    if mantissa == 2**24:
        mantissa //= 2
        exponent += 1
    biased = exponent + 150
    if not 1 <= biased <= 254:
        raise EncodeError(f"{value} is out of float32 range")
    return sign | biased << 23 | (mantissa & 0x7FFFFF)


def decode_points(
    points: Sequence[RegisterPoint], start: int, registers: Sequence[int]
) -> dict[str, Decimal]:
    """Quantities from a block of ``registers`` read from address ``start``.

    Points outside the block are skipped; a point partly inside raises :class:`LengthError`.
    """
    values: dict[str, Decimal] = {}
    end = start + len(registers)
    for point in points:
        if point.register + point.words <= start or point.register >= end:
            continue
        if point.register < start or point.register + point.words > end:
            raise LengthError(f"{point.name}: register block {start}..{end - 1} cuts it")
        words = list(registers[point.register - start : point.register - start + point.words])
        if point.word_order == "little":
            words.reverse()
        raw = 0
        for word in words:
            raw = raw << 16 | word
        if point.type == "f32":
            value = float32_to_decimal(raw)
            if point.decimals is not None:
                value = value.quantize(Decimal(1).scaleb(-point.decimals))
            values[point.name] = value * point.scale if point.scale != 1 else value
            continue
        bits = 16 * point.words
        if point.type in ("s16", "s32") and raw >> (bits - 1):
            raw -= 1 << bits
        values[point.name] = Decimal(raw) * point.scale
    return values


def encode_points(
    points: Sequence[RegisterPoint], start: int, count: int, values: Mapping[str, Decimal]
) -> list[int]:
    """Register block ``start .. start+count-1`` holding ``values`` (zeros elsewhere)."""
    block = [0] * count
    for point in points:
        if point.name not in values:
            continue
        offset = point.register - start
        if offset < 0 or offset + point.words > count:
            continue
        value = Decimal(values[point.name])
        if point.type == "f32":
            raw = decimal_to_float32(value / point.scale)
        else:
            scaled = value / point.scale
            if scaled != scaled.to_integral_value():
                raise EncodeError(f"{point.name}: {value} is not a multiple of {point.scale}")
            raw = int(scaled)
            bits = 16 * point.words
            low = -(1 << (bits - 1)) if point.type in ("s16", "s32") else 0
            high = (1 << (bits - 1)) - 1 if point.type in ("s16", "s32") else (1 << bits) - 1
            if not low <= raw <= high:
                raise EncodeError(f"{point.name}: {value} does not fit {point.type}")
            raw &= (1 << bits) - 1
        words = [raw >> 16 & 0xFFFF, raw & 0xFFFF] if point.words == 2 else [raw & 0xFFFF]
        if point.word_order == "little":
            words.reverse()
        block[offset : offset + point.words] = words
    return block


@dataclass(frozen=True)
class RegisterMap:
    """A Modbus meter model's register map (from its profile).

    ``blocks`` names the register ranges the collector reads per item (``"energy": (0x10, 2)``);
    the relay is a holding register written with ``relay_open_value`` (trip) or
    ``relay_closed_value`` (close) and read back through the point named ``relay_state``.
    """

    function: int
    points: tuple[RegisterPoint, ...]
    blocks: Mapping[str, tuple[int, int]] = field(default_factory=dict, hash=False)
    relay_register: int | None = None
    relay_closed_value: int = 1
    relay_open_value: int = 0

    def point(self, name: str) -> RegisterPoint | None:
        return next((p for p in self.points if p.name == name), None)
