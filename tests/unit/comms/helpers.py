"""Shared test helpers: independent frame-validity oracles and hypothesis strategies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from app.comms.protocols import cjt188, dlt645, dlt645_1997, modbus
from app.comms.protocols.base import DecodeFailure, Decoder, decode_all

DECODERS: dict[str, Decoder] = {
    "dlt645": dlt645.decode,
    "dlt645-1997": dlt645_1997.decode,
    "cjt188": cjt188.decode,
    "modbus": modbus.decode,
}


def sum_frame_ok(raw: bytes, length_index: int, overhead: int) -> bool:
    """Oracle written independently of the codecs: 68 ... L ... CS 16 is self-consistent."""
    if len(raw) < overhead or raw[0] != 0x68 or raw[-1] != 0x16:
        return False
    if len(raw) != overhead + raw[length_index]:
        return False
    total = 0
    for byte in raw[:-2]:
        total = (total + byte) % 256
    return total == raw[-2]


def crc16_modbus(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def modbus_frame_ok(raw: bytes) -> bool:
    if len(raw) < 4:
        return False
    crc = crc16_modbus(raw[:-2])
    return raw[-2] == crc & 0xFF and raw[-1] == crc >> 8


def frame_ok(protocol: str, raw: bytes) -> bool:
    if protocol in ("dlt645", "dlt645-1997"):
        return sum_frame_ok(raw, 9, 12) and raw[7] == 0x68
    if protocol == "cjt188":
        return sum_frame_ok(raw, 10, 13)
    return modbus_frame_ok(raw)


def frames_and_failures(protocol: str, data: bytes) -> tuple[list[object], list[DecodeFailure]]:
    found, _rest = decode_all(DECODERS[protocol], data)
    frames = [f for f in found if not isinstance(f, DecodeFailure)]
    failures = [f for f in found if isinstance(f, DecodeFailure)]
    return frames, failures


def feed_bytewise(protocol: str, data: bytes) -> list[object]:
    from app.comms.protocols.base import StreamDecoder

    stream = StreamDecoder(DECODERS[protocol])
    out: list[object] = []
    for i in range(len(data)):
        out.extend(stream.feed(data[i : i + 1]))
    return out


# --- strategies -----------------------------------------------------------------------------

bcd_address_12 = st.integers(0, 999_999_999_998).map(lambda n: f"{n:012d}")
bcd_address_14 = st.integers(0, 10**14 - 1).map(lambda n: f"{n:014d}")
datetimes = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
energy = st.integers(0, 99_999_999).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def dlt645_frames(draw: st.DrawFn) -> tuple[bytes, dict[str, object]]:
    """A valid DL/T 645-2007 frame from the builders and what decoding must give back."""
    address = draw(bcd_address_12)
    kind = draw(
        st.sampled_from(["read", "read_resp", "voltage_resp", "control", "time", "abn", "addr"])
    )
    if kind == "read":
        di = draw(st.sampled_from([0x00010000, 0x02010100, 0x04000503, 0x0001FF00]))
        return dlt645.build_read(address, di), {"data_id": di, "is_response": False}
    if kind == "read_resp":
        value = draw(energy)
        raw = dlt645.build_read_response(address, 0x00010000, {"energy_kwh": value})
        return raw, {"data_id": 0x00010000, "values": {"energy_kwh": value}}
    if kind == "voltage_resp":
        volts = [Decimal(draw(st.integers(0, 9999))).scaleb(-1) for _ in range(3)]
        values = {"voltage_a_v": volts[0], "voltage_b_v": volts[1], "voltage_c_v": volts[2]}
        return dlt645.build_read_response(address, 0x0201FF00, values), {"values": values}
    if kind == "control":
        action = draw(st.sampled_from(sorted(dlt645.ACTION_NAMES)))
        until = draw(datetimes)
        raw = dlt645.build_control(address, action, valid_until=until)
        return raw, {"values": {"action": action, "valid_until": until}}
    if kind == "time":
        at = draw(datetimes)
        return dlt645.build_broadcast_time(at), {"values": {"datetime": at}}
    if kind == "abn":
        bits = draw(st.integers(0, 255))
        raw = dlt645.build_abnormal_response(address, dlt645.Function.READ, bits)
        return raw, {"error_bits": bits}
    return dlt645.build_read_address_response(address), {"values": {"meter_address": address}}


@st.composite
def dlt645_1997_frames(draw: st.DrawFn) -> tuple[bytes, dict[str, object]]:
    address = draw(bcd_address_12)
    kind = draw(st.sampled_from(["read", "resp", "time"]))
    if kind == "read":
        di = draw(st.sampled_from([0x9010, 0xB611, 0xC032]))
        return dlt645_1997.build_read(address, di), {"data_id": di}
    if kind == "resp":
        value = draw(energy)
        raw = dlt645_1997.build_read_response(address, 0x9010, {"energy_kwh": value})
        return raw, {"values": {"energy_kwh": value}}
    at = draw(datetimes)
    return dlt645_1997.build_broadcast_time(at), {"values": {"datetime": at}}


@st.composite
def cjt188_frames(draw: st.DrawFn) -> tuple[bytes, dict[str, object]]:
    address = draw(bcd_address_14)
    order = draw(st.sampled_from(["901f", "1f90"]))
    seq = draw(st.integers(0, 255))
    kind = draw(st.sampled_from(["read", "resp", "valve", "valve_resp"]))
    if kind == "read":
        return cjt188.build_read(address, di_order=order, seq=seq), {"data_id": 0x901F}
    if kind == "resp":
        volume = draw(energy)
        at = draw(datetimes)
        valve = draw(st.sampled_from(["open", "closed", "abnormal"]))
        battery = draw(st.booleans())
        fault = draw(st.booleans())
        raw = cjt188.build_read_response(
            address,
            volume_m3=volume,
            meter_time=at,
            valve=valve,
            battery_low=battery,
            sensor_fault=fault,
            seq=seq,
            di_order=order,
        )
        values = {
            "volume_m3": volume,
            "meter_time": at,
            "valve": valve,
            "battery_low": battery,
            "sensor_fault": fault,
        }
        return raw, {"values": values, "di_order": order}
    if kind == "valve":
        action = draw(st.sampled_from(["open", "close"]))
        raw = cjt188.build_valve(address, action, di_order=order, seq=seq)
        return raw, {"values": {"valve_command": action}}
    valve = draw(st.sampled_from(["open", "closed"]))
    return cjt188.build_valve_response(address, valve=valve, seq=seq), {"values": {"valve": valve}}


@st.composite
def modbus_frames(draw: st.DrawFn) -> tuple[bytes, dict[str, object]]:
    unit = draw(st.integers(1, 247))
    kind = draw(st.sampled_from(["read", "resp", "write", "writes", "exc"]))
    if kind == "read":
        fc = draw(st.sampled_from([3, 4]))
        reg = draw(st.integers(0, 0xFF00))
        count = draw(st.integers(1, 125))
        return modbus.build_read(unit, fc, reg, count), {"register": reg, "count": count}
    if kind == "resp":
        regs = tuple(draw(st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=20)))
        return modbus.build_read_response(unit, 3, regs), {"registers": regs, "role": "response"}
    if kind == "write":
        reg = draw(st.integers(0, 0xFFFF))
        value = draw(st.integers(0, 0xFFFF))
        return modbus.build_write_register(unit, reg, value), {
            "register": reg,
            "registers": (value,),
        }
    if kind == "writes":
        reg = draw(st.integers(0, 0xFF00))
        regs = tuple(draw(st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=20)))
        return modbus.build_write_registers(unit, reg, regs), {"register": reg, "registers": regs}
    code = draw(st.sampled_from([1, 2, 3, 4]))
    return modbus.build_exception_response(unit, 3, code), {
        "exception_code": code,
        "role": "response",
    }


STRATEGIES = {
    "dlt645": dlt645_frames(),
    "dlt645-1997": dlt645_1997_frames(),
    "cjt188": cjt188_frames(),
    "modbus": modbus_frames(),
}
