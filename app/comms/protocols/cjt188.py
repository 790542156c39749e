"""CJ/T 188-2004 (household meter data transmission: water, heat, gas) codec.

Frame (CJ/T 188-2004 clause 6)::

    [FE ...] 68  T  A0 A1 A2 A3 A4 A5 A6  C  L  DI0 DI1 SER  data...  CS  16
             |   |  address, A0 = lowest  |  |  '-- L bytes (data field) --'  |   end
             |   meter type               |  data length   sum of 68 .. data, mod 256
             start                        control

There is one start byte only (unlike DL/T 645) and the data field is sent as is (no 0x33).
Meter type T (clause 6.2.2): 10H-19H water (10 cold, 11 hot, 12 drinking, 13 reclaimed),
20H-29H heat (20 heat, 21 cooling), 30H-39H gas, 40H-49H other; AAH wildcard.
Control C: D7 direction, D6 abnormal answer, D5..D0 function (01 read data, 03 read address,
04 write data, 09 read key version, 15 write address, 16 write meter-sync data).

The two DI bytes appear in either order depending on the vendor / edition (2004 texts send
``90 1F``, CJ/T 188-2018 sends ``1F 90``): decoding accepts both for known identifiers, and
builders take ``di_order="901f"`` (wire ``90 1F``) or ``"1f90"`` (wire ``1F 90``).

Status word ST (2 bytes, clause 6.x table): ST1 D0-D1 valve (00 open, 01 closed, 11 abnormal),
D2 battery low; the other bits are vendor-defined, so where a meter reports a sensor
(photo-electric reader) fault is a :class:`StatusLayout` setting taken from the meter profile.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Any, Literal

from app.comms.protocols.base import (
    START,
    AbnormalResponseError,
    DecodeFailure,
    DecodeResult,
    EncodeError,
    FrameError,
    LengthError,
    ProtocolError,
    SumFrameLayout,
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
    DataValueError,
    address_from_wire,
    address_matches,
    address_to_wire,
    decode_field,
    encode_field,
)

PROTOCOL = "cjt188"
MAX_DATA_LEN = 100
WILDCARD_ADDRESS = "AAAAAAAAAAAAAA"
WILDCARD_TYPE = 0xAA
WAKE_UP_PREFIX = b"\xfe\xfe\xfe\xfe"

DiOrder = Literal["901f", "1f90"]

_DIR = 0x80
_ABNORMAL = 0x40
_FUNCTION_MASK = 0x3F


class Function(IntEnum):
    """CJ/T 188-2004 control-code functions (C & 0x3F)."""

    READ = 0x01
    READ_ADDRESS = 0x03
    WRITE = 0x04
    READ_KEY_VERSION = 0x09
    WRITE_ADDRESS = 0x15
    WRITE_SYNC = 0x16


class MeterType(IntEnum):
    COLD_WATER = 0x10
    HOT_WATER = 0x11
    DRINKING_WATER = 0x12
    RECLAIMED_WATER = 0x13
    HEAT = 0x20
    COOLING = 0x21
    GAS = 0x30
    OTHER = 0x40


# Data identifiers (written most significant byte first, as in the standard's tables).
DI_METERING_DATA = 0x901F  # read 0x01: metering data
DI_VALVE = 0xA017  # write 0x04: valve control, one byte 55H open / 99H close
DI_WRITE_ADDRESS = 0xA018  # write address 0x15
DI_READ_ADDRESS = 0x810A  # read address 0x03
DI_KEY_VERSION = 0x8106  # read key version 0x09
KNOWN_DIS = frozenset(
    {DI_METERING_DATA, DI_VALVE, DI_WRITE_ADDRESS, DI_READ_ADDRESS, DI_KEY_VERSION}
)

VALVE_OPEN = 0x55
VALVE_CLOSE = 0x99

# Unit codes (CJ/T 188-2004 appendix, 单位代号): code -> (family, canonical unit, factor).
# The factor converts the transmitted number to the canonical unit exactly.
UNITS: dict[int, tuple[str, str, Decimal]] = {
    0x02: ("energy", "kwh", Decimal("0.001")),  # Wh
    0x05: ("energy", "kwh", Decimal(1)),  # kWh
    0x08: ("energy", "kwh", Decimal(1000)),  # MWh
    0x0A: ("energy", "kwh", Decimal(100000)),  # MWh x 100
    0x01: ("energy_j", "gj", Decimal("0.000000001")),  # J
    0x0B: ("energy_j", "gj", Decimal("0.000001")),  # kJ
    0x0E: ("energy_j", "gj", Decimal("0.001")),  # MJ
    0x11: ("energy_j", "gj", Decimal(1)),  # GJ
    0x13: ("energy_j", "gj", Decimal(100)),  # GJ x 100
    0x14: ("power", "kw", Decimal("0.001")),  # W
    0x17: ("power", "kw", Decimal(1)),  # kW
    0x1A: ("power", "kw", Decimal(1000)),  # MW
    0x29: ("volume", "m3", Decimal("0.001")),  # L
    0x2C: ("volume", "m3", Decimal(1)),  # m3
    0x32: ("flow", "m3h", Decimal("0.001")),  # L/h
    0x35: ("flow", "m3h", Decimal(1)),  # m3/h
}
UNIT_M3 = 0x2C
UNIT_KWH = 0x05


@dataclass(frozen=True)
class StatusLayout:
    """Where the status word ST (ST1 | ST2 << 8) keeps each flag.

    The valve field (2 bits at ``valve_shift``) and battery bit are from the standard; the
    sensor-fault bit is vendor-defined (set it from the meter profile; ``None`` = not reported).
    """

    valve_shift: int = 0
    battery_bit: int = 2
    sensor_fault_bit: int | None = 3

    def decode(self, status: int) -> dict[str, Value]:
        valve_bits = status >> self.valve_shift & 0b11
        valve = {0b00: "open", 0b01: "closed"}.get(valve_bits, "abnormal")
        values: dict[str, Value] = {
            "status_word": status,
            "valve": valve,
            "battery_low": bool(status >> self.battery_bit & 1),
        }
        if self.sensor_fault_bit is not None:
            values["sensor_fault"] = bool(status >> self.sensor_fault_bit & 1)
        return values

    def encode(
        self,
        *,
        valve: str = "open",
        battery_low: bool = False,
        sensor_fault: bool = False,
        extra: int = 0,
    ) -> int:
        codes = {"open": 0b00, "closed": 0b01, "abnormal": 0b11}
        if valve not in codes:
            raise EncodeError(f"valve state must be open, closed or abnormal, not {valve!r}")
        status = extra & 0xFFFF & ~(0b11 << self.valve_shift) & ~(1 << self.battery_bit)
        status |= codes[valve] << self.valve_shift
        if battery_low:
            status |= 1 << self.battery_bit
        if self.sensor_fault_bit is not None:
            status &= ~(1 << self.sensor_fault_bit)
            if sensor_fault:
                status |= 1 << self.sensor_fault_bit
        return status


DEFAULT_LAYOUT = StatusLayout()


def _type_ok(meter_type: int) -> bool:
    return meter_type == WILDCARD_TYPE or (1 <= meter_type >> 4 <= 4 and meter_type & 0x0F <= 9)


def _header_ok(buf: bytes, j: int) -> bool | None:
    return _type_ok(buf[j + 1])


LAYOUT = SumFrameLayout(
    header_ok=_header_ok, header_size=2, length_index=10, overhead=13, max_len=MAX_DATA_LEN
)


@dataclass(frozen=True)
class Cjt188Frame:
    """A verified CJ/T 188-2004 frame.

    Layout::

        68 T A0..A6 C L DI0 DI1 SER data CS 16     (data field not offset)
        read 0x01 DI 901F            ; answer 0x81, water/gas (L=0x16):
            current volume XXXXXX.XX + unit | settlement-day volume + unit |
            time ss mm hh DD MM YYYY (7) | ST1 ST2
        valve 0x04 DI A017 + 55H/99H ; answer 0x84: DI SER [ST1 ST2]
        read address 0x03 DI 810A    ; answer 0x83: DI SER (address in the header)
        abnormal answer C | 0x40     : SER ST1 ST2  (or DI SER ST1 ST2)

    ``data_id`` is written most significant byte first (``0x901F``) whatever the wire order;
    ``di_order`` records the order seen (``"901f"``: wire 90 1F).
    """

    meter_type: int
    address: str
    control: int
    data: bytes
    data_id: int | None = None
    di_order: DiOrder | None = None
    seq: int | None = None
    payload: bytes = b""
    values: Values = field(default_factory=dict, hash=False)
    status: int | None = None
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
    def data_id_hex(self) -> str | None:
        return None if self.data_id is None else f"{self.data_id:04X}"

    @property
    def error(self) -> AbnormalResponseError | None:
        if not self.abnormal:
            return None
        status = self.status or 0
        reasons = []
        state = DEFAULT_LAYOUT.decode(status)
        if state["valve"] == "abnormal":
            reasons.append("valve abnormal")
        if state["battery_low"]:
            reasons.append("battery low")
        return AbnormalResponseError(self.control, status, tuple(reasons))

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
            "meter_type": f"{self.meter_type:02X}",
            "data_id": self.data_id_hex,
            "di_order": self.di_order,
            "abnormal": self.abnormal,
            "error": None if err is None else str(err),
            "values": jsonable(self.values),
        }


def _require_len(data: bytes, ok: bool, what: str) -> None:
    if not ok:
        raise LengthError(f"{what}: unexpected data length {len(data)}", declared=len(data))


def _read_di(data: bytes, default_order: DiOrder) -> tuple[int, DiOrder]:
    big = data[0] << 8 | data[1]
    little = data[1] << 8 | data[0]
    if big in KNOWN_DIS:
        return big, "901f"
    if little in KNOWN_DIS:
        return little, "1f90"
    return (big, "901f") if default_order == "901f" else (little, "1f90")


def _quantity(raw: bytes, unit: int, name: str, family: str) -> tuple[str, Decimal]:
    number = decode_field("XXXXXX.XX", raw, name)
    assert isinstance(number, Decimal)
    spec = UNITS.get(unit)
    if spec is None or spec[0] != family:
        raise DataValueError(f"{name}: unit code 0x{unit:02X} is not a {family} unit")
    return f"{name}_{spec[1]}", number * spec[2]


def _decode_metering(meter_type: int, payload: bytes, layout: StatusLayout) -> dict[str, Value]:
    """Values of a DI 901F answer (water/gas 19 bytes, heat 43 bytes after DI and SER)."""
    values: dict[str, Value] = {}
    if 0x20 <= meter_type <= 0x29:
        _require_len(payload, len(payload) == 43, "heat meter metering data")
        pos = 0
        for name, family in (
            ("settlement_heat", "energy"),
            ("heat", "energy"),
            ("heat_power", "power"),
            ("flow", "flow"),
            ("volume", "volume"),
        ):
            family_here = family
            if family == "energy" and UNITS.get(payload[pos + 4], ("",))[0] == "energy_j":
                family_here = "energy_j"
            key, value = _quantity(payload[pos : pos + 4], payload[pos + 4], name, family_here)
            values[key] = value
            pos += 5
        values["supply_temperature_c"] = decode_field("XXXX.XX", payload[25:28], "supply temp")
        values["return_temperature_c"] = decode_field("XXXX.XX", payload[28:31], "return temp")
        values["working_hours"] = decode_field("NNNNNN", payload[31:34], "working hours")
        rest = payload[34:]
    else:
        _require_len(payload, len(payload) == 19, "metering data")
        key, value = _quantity(payload[0:4], payload[4], "volume", "volume")
        values[key] = value
        key, value = _quantity(payload[5:9], payload[9], "settlement_volume", "volume")
        values[key] = value
        rest = payload[10:]
    values["meter_time"] = decode_field("YYYYMMDDhhmmss", rest[0:7], "meter time")
    values.update(layout.decode(rest[7] | rest[8] << 8))
    return values


def _parse(frame: bytes, layout: StatusLayout, default_order: DiOrder) -> Cjt188Frame:
    meter_type = frame[1]
    address = address_from_wire(frame[2:9])
    control = frame[9]
    data = frame[11:-2]
    function = control & _FUNCTION_MASK
    if function not in Function._value2member_map_:
        raise FrameError(
            f"control code 0x{control:02X}: function 0x{function:02X} "
            "is not defined by CJ/T 188-2004"
        )
    response = bool(control & _DIR)

    def make(**kw: Any) -> Cjt188Frame:
        return Cjt188Frame(
            meter_type=meter_type, address=address, control=control, data=data, raw=frame, **kw
        )

    if control & _ABNORMAL:
        if not response:
            raise FrameError(f"control code 0x{control:02X}: abnormal flag on a request")
        if len(data) == 3:
            return make(seq=data[0], status=data[1] | data[2] << 8)
        _require_len(data, len(data) == 5, "abnormal answer")
        data_id, order = _read_di(data, default_order)
        return make(data_id=data_id, di_order=order, seq=data[2], status=data[3] | data[4] << 8)
    _require_len(data, len(data) >= 3, "data field (DI0 DI1 SER)")
    data_id, order = _read_di(data, default_order)
    seq = data[2]
    payload = data[3:]
    values: dict[str, Value] = {}
    status: int | None = None
    if function == Function.READ and data_id == DI_METERING_DATA:
        if response:
            values = _decode_metering(meter_type, payload, layout)
            status_value = values["status_word"]
            assert isinstance(status_value, int)
            status = status_value
        else:
            _require_len(data, len(data) == 3, "read request")
    elif function == Function.WRITE and data_id == DI_VALVE:
        if response:
            _require_len(data, len(payload) in (0, 2), "valve answer")
            if payload:
                status = payload[0] | payload[1] << 8
                values = layout.decode(status)
        else:
            _require_len(data, len(payload) == 1, "valve request")
            command = {VALVE_OPEN: "open", VALVE_CLOSE: "close"}.get(payload[0])
            if command is None:
                raise DataValueError(
                    f"valve command byte 0x{payload[0]:02X} (expected 55H open or 99H close)"
                )
            values["valve_command"] = command
    elif function == Function.READ_ADDRESS:
        _require_len(data, len(payload) == 0, "read-address frame")
        if response:
            values["meter_address"] = address
    elif function == Function.WRITE_ADDRESS and not response:
        _require_len(data, len(payload) == 7, "write-address request")
        values["meter_address"] = address_from_wire(payload)
    return make(
        data_id=data_id, di_order=order, seq=seq, payload=payload, values=values, status=status
    )


def decode(
    buf: bytes, *, layout: StatusLayout = DEFAULT_LAYOUT, di_order: DiOrder = "901f"
) -> DecodeResult:
    """Incremental decoder (contract in :mod:`app.comms.protocols.base`).

    ``layout`` places the vendor-defined status flags; ``di_order`` is only used for an
    identifier this module does not know (known ones are recognised in either order).
    """
    try:
        used, found = scan_sum_frames(buf, LAYOUT)
        if found is None:
            return used, None
        if isinstance(found, ProtocolError):
            return used, DecodeFailure(found, buf[:used], PROTOCOL)
        try:
            return used, _parse(found, layout, di_order)
        except ProtocolError as exc:
            return used, DecodeFailure(exc, found, PROTOCOL)
    except Exception as exc:  # the contract: never raise on input
        return internal_failure(buf, exc, PROTOCOL)


def decode_frame(
    frame: bytes, *, layout: StatusLayout = DEFAULT_LAYOUT, di_order: DiOrder = "901f"
) -> Cjt188Frame:
    """Decode exactly one frame; raise its :class:`ProtocolError`."""
    found = decode_one(lambda b: decode(b, layout=layout, di_order=di_order), frame)
    if not isinstance(found, Cjt188Frame):
        raise FrameError("not a CJ/T 188 frame")
    return found


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------


def encode_frame(meter_type: int, address: str, control: int, data: bytes) -> bytes:
    """Wrap a data field into ``68 T A0..A6 C L data CS 16``."""
    if not 0 <= meter_type <= 0xFF or not _type_ok(meter_type):
        raise EncodeError(f"meter type 0x{meter_type:02X} is not a CJ/T 188 type")
    if not 0 <= control <= 0xFF:
        raise EncodeError("control code must be one byte")
    if len(data) > MAX_DATA_LEN:
        raise EncodeError(f"data field of {len(data)} bytes exceeds {MAX_DATA_LEN}")
    body = bytes([START, meter_type]) + address_to_wire(address, 7) + bytes([control, len(data)])
    body += data
    return body + bytes([sum_checksum(body), 0x16])


def di_bytes(data_id: int, di_order: DiOrder = "901f") -> bytes:
    """The two DI bytes in the vendor's wire order."""
    if not 0 <= data_id <= 0xFFFF:
        raise EncodeError("CJ/T 188 data identifiers are 2 bytes")
    if di_order == "901f":
        return data_id.to_bytes(2, "big")
    if di_order == "1f90":
        return data_id.to_bytes(2, "little")
    raise EncodeError(f"di_order must be '901f' or '1f90', not {di_order!r}")


def _seq(seq: int) -> bytes:
    if not 0 <= seq <= 0xFF:
        raise EncodeError("SER must be 0..255")
    return bytes([seq])


def build_read(
    address: str,
    *,
    meter_type: int = MeterType.COLD_WATER,
    di_order: DiOrder = "901f",
    seq: int = 0,
    data_id: int = DI_METERING_DATA,
) -> bytes:
    """Read data 0x01 (default DI 901F, metering data)."""
    return encode_frame(meter_type, address, Function.READ, di_bytes(data_id, di_order) + _seq(seq))


def build_valve(
    address: str,
    action: str,
    *,
    meter_type: int = MeterType.COLD_WATER,
    di_order: DiOrder = "901f",
    seq: int = 0,
) -> bytes:
    """Write data 0x04, DI A017: valve ``open`` (55H) or ``close`` (99H)."""
    codes = {"open": VALVE_OPEN, "close": VALVE_CLOSE}
    if action not in codes:
        raise EncodeError(f"valve action must be open or close, not {action!r}")
    data = di_bytes(DI_VALVE, di_order) + _seq(seq) + bytes([codes[action]])
    return encode_frame(meter_type, address, Function.WRITE, data)


def build_read_address(
    address: str = WILDCARD_ADDRESS,
    *,
    meter_type: int = WILDCARD_TYPE,
    di_order: DiOrder = "901f",
    seq: int = 0,
) -> bytes:
    """Read address 0x03, DI 810A, normally to the AA wildcard type and address."""
    data = di_bytes(DI_READ_ADDRESS, di_order) + _seq(seq)
    return encode_frame(meter_type, address, Function.READ_ADDRESS, data)


def build_write_address(
    address: str,
    new_address: str,
    *,
    meter_type: int = MeterType.COLD_WATER,
    di_order: DiOrder = "901f",
    seq: int = 0,
) -> bytes:
    """Write address 0x15, DI A018 + the new 7-byte address."""
    data = di_bytes(DI_WRITE_ADDRESS, di_order) + _seq(seq) + address_to_wire(new_address, 7)
    return encode_frame(meter_type, address, Function.WRITE_ADDRESS, data)


def _volume_bytes(value: Decimal | int | str, unit: int) -> bytes:
    spec = UNITS.get(unit)
    if spec is None:
        raise EncodeError(f"unknown unit code 0x{unit:02X}")
    number = Decimal(value) / spec[2]
    return encode_field("XXXXXX.XX", number) + bytes([unit])


def build_read_response(
    address: str,
    *,
    volume_m3: Decimal | int | str,
    meter_time: dt.datetime,
    settlement_volume_m3: Decimal | int | str | None = None,
    meter_type: int = MeterType.COLD_WATER,
    valve: str = "open",
    battery_low: bool = False,
    sensor_fault: bool = False,
    status_extra: int = 0,
    seq: int = 0,
    di_order: DiOrder = "901f",
    unit: int = UNIT_M3,
    layout: StatusLayout = DEFAULT_LAYOUT,
) -> bytes:
    """Answer 0x81 to a DI 901F read of a water/gas meter (L = 0x16)."""
    if 0x20 <= meter_type <= 0x29:
        raise EncodeError("heat-meter answers are not built by this helper")
    settlement = volume_m3 if settlement_volume_m3 is None else settlement_volume_m3
    status = layout.encode(
        valve=valve, battery_low=battery_low, sensor_fault=sensor_fault, extra=status_extra
    )
    data = (
        di_bytes(DI_METERING_DATA, di_order)
        + _seq(seq)
        + _volume_bytes(volume_m3, unit)
        + _volume_bytes(settlement, unit)
        + encode_field("YYYYMMDDhhmmss", meter_time)
        + status.to_bytes(2, "little")
    )
    return encode_frame(meter_type, address, _DIR | Function.READ, data)


def build_valve_response(
    address: str,
    *,
    valve: str,
    meter_type: int = MeterType.COLD_WATER,
    battery_low: bool = False,
    sensor_fault: bool = False,
    seq: int = 0,
    di_order: DiOrder = "901f",
    with_status: bool = True,
    layout: StatusLayout = DEFAULT_LAYOUT,
) -> bytes:
    """Answer 0x84 to a valve command: DI A017, SER and (by default) the status word."""
    data = di_bytes(DI_VALVE, di_order) + _seq(seq)
    if with_status:
        status = layout.encode(valve=valve, battery_low=battery_low, sensor_fault=sensor_fault)
        data += status.to_bytes(2, "little")
    return encode_frame(meter_type, address, _DIR | Function.WRITE, data)


def build_read_address_response(
    address: str,
    *,
    meter_type: int = MeterType.COLD_WATER,
    seq: int = 0,
    di_order: DiOrder = "901f",
) -> bytes:
    """Answer 0x83 to read address: DI 810A and SER; the address travels in the header."""
    data = di_bytes(DI_READ_ADDRESS, di_order) + _seq(seq)
    return encode_frame(meter_type, address, _DIR | Function.READ_ADDRESS, data)


def build_abnormal_response(
    address: str,
    function: int,
    status: int,
    *,
    meter_type: int = MeterType.COLD_WATER,
    seq: int = 0,
) -> bytes:
    """Abnormal answer (C | 0xC0): SER and the status word."""
    if not 0 <= status <= 0xFFFF:
        raise EncodeError("status must fit 2 bytes")
    control = _DIR | _ABNORMAL | (function & _FUNCTION_MASK)
    return encode_frame(meter_type, address, control, _seq(seq) + status.to_bytes(2, "little"))


def frame_matches(request: object, response: object) -> bool:
    """True when ``response`` answers ``request`` (both decoded :class:`Cjt188Frame`).

    Same function; type and address fit the request's (AA = wildcard); a normal answer
    carries the requested DI; SER must agree when both frames carry one.
    """
    if not isinstance(request, Cjt188Frame) or not isinstance(response, Cjt188Frame):
        return False
    if request.is_response or not response.is_response:
        return False
    if request.function != response.function:
        return False
    if request.meter_type not in (WILDCARD_TYPE, response.meter_type):
        return False
    if not address_matches(request.address, response.address):
        return False
    if request.seq is not None and response.seq is not None and request.seq != response.seq:
        return False
    if response.abnormal:
        return True
    return request.data_id == response.data_id
