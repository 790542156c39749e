"""How a simulated meter answers a request, per protocol (built with the pure codecs).

Each responder takes the meter and the raw request frame as it arrived on the bus and returns
the answer bytes, or None when a real meter would stay silent (not addressed, broadcast,
a frame its protocol does not understand). Faults that change the answer bytes (garbage, bad
checksum) are applied by the bus, which sees every protocol the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.comms.meter_ops import resolve_profile
from app.comms.protocols import cjt188, dlt645, dlt645_1997
from app.comms.protocols.base import DecodeFailure, Value
from app.comms.protocols.bcd import address_matches
from app.comms.simulator.meters import SimMeter, quantize_down

WAKE_UP = b"\xfe\xfe\xfe\xfe"

# DL/T 645-2007 ERR bits (clause 7, error word).
ERR_OTHER = 0x01
ERR_NO_DATA = 0x02
ERR_PASSWORD = 0x04

# Status word 3 bits (DL/T 645-2007 appendix A.6).
SW3_RELAY_OPEN = 1 << 4
SW3_RELAY_COMMAND_TRIP = 1 << 6


def status_word_3(meter: SimMeter) -> int:
    word = 0
    if not meter.relay_closed:
        word |= SW3_RELAY_OPEN
    if meter.relay_command_trip:
        word |= SW3_RELAY_COMMAND_TRIP
    word |= 0b01 << 8  # meter type: energy prepaid
    return word


def _dlt645_2007_values(meter: SimMeter, data_id: int) -> Mapping[str, Value] | bytes | None:
    """Values for a read of ``data_id``; None = the meter has no such data."""
    now = meter.clock.now()
    if data_id in (0x00010000, 0x00000000):
        total = meter.value(now)
        key = "energy_kwh" if data_id == 0x00010000 else "combined_energy_kwh"
        return {key: total}
    if data_id in (0x00010100, 0x00010200, 0x00010300, 0x00010400):
        if not meter.tou:
            return None
        idx = (data_id >> 8 & 0xFF) - 1
        return {f"t{idx + 1}_energy_kwh": meter.tou_values(now)[idx]}
    if data_id == 0x0001FF00:
        total = meter.value(now)
        values: dict[str, Value] = {"energy_kwh": total}
        if meter.tou:
            for i, v in enumerate(meter.tou_values(now), start=1):
                values[f"t{i}_energy_kwh"] = v
        return values
    if data_id == 0x00020000:
        return {"reverse_energy_kwh": Decimal("0.00")}
    three = meter.kind == "three_phase"
    if data_id == 0x02010100:
        return {"voltage_v": meter.voltage_v()}
    if data_id in (0x02010200, 0x02010300) and three:
        suffix = "b" if data_id == 0x02010200 else "c"
        return {f"voltage_{suffix}_v": meter.voltage_v()}
    if data_id == 0x0201FF00 and three:
        return {f"voltage_{p}_v": meter.voltage_v() for p in "abc"}
    if data_id == 0x02020100:
        return {"current_a": meter.current_a(now)}
    if data_id in (0x02020200, 0x02020300) and three:
        suffix = "b" if data_id == 0x02020200 else "c"
        return {f"current_{suffix}_a": meter.current_a(now)}
    if data_id == 0x0202FF00 and three:
        return {f"current_{p}_a": meter.current_a(now) for p in "abc"}
    if data_id == 0x02030000:
        return {"power_kw": (meter.power_w(now) / 1000).quantize(Decimal("0.0001"))}
    if data_id == 0x0203FF00 and three:
        total = (meter.power_w(now) / 1000).quantize(Decimal("0.0001"))
        per = (total / 3).quantize(Decimal("0.0001"))
        return {"power_kw": total, "power_a_kw": per, "power_b_kw": per, "power_c_kw": per}
    if data_id == 0x02060000:
        return {"power_factor": meter.power_factor()}
    if data_id == 0x0206FF00 and three:
        pf = meter.power_factor()
        return {"power_factor": pf, **{f"power_factor_{p}": pf for p in "abc"}}
    if data_id == 0x02800002:
        return {"frequency_hz": Decimal("50.00")}
    if data_id == 0x02800007:
        return {"temperature_c": meter.temperature_c()}
    if data_id == 0x04000101:
        t = meter.meter_time()
        return {"weekday": t.isoweekday() % 7, "date": t.date()}
    if data_id == 0x04000102:
        return {"time": meter.meter_time().time()}
    if data_id == 0x04000401:
        return {"meter_address": meter.address}
    if data_id == 0x04000503:
        return {"status_word_3": status_word_3(meter)}
    if data_id in meter.params:
        return meter.params[data_id]
    return None


_PROFILES: dict[str, Any] = {}


def profile_of(meter: SimMeter) -> Any:
    """The meter's profile (resolved once per name), or None when it has none or is unknown."""
    name = meter.profile
    if name not in _PROFILES:
        try:
            _PROFILES[name] = resolve_profile(name)
        except (KeyError, ValueError):
            _PROFILES[name] = None
    return _PROFILES[name]


def respond_dlt645_2007(meter: SimMeter, raw: bytes) -> bytes | None:
    table = getattr(profile_of(meter), "dlt645_table", None)
    _used, frame = dlt645.decode(raw) if table is None else dlt645.decode(raw, table=table)
    if not isinstance(frame, dlt645.Dlt645Frame) or frame.is_response:
        return None
    F = dlt645.Function
    addr = meter.address
    if frame.function == F.BROADCAST_TIME:
        value = frame.values.get("datetime")
        if isinstance(value, dt.datetime):
            meter.set_meter_time(value)
        return None
    if frame.function == F.READ_ADDRESS:
        if not address_matches(frame.address, addr):
            return None
        return dlt645.build_read_address_response(addr)
    if frame.address != addr:
        return None
    if frame.function == F.READ:
        assert frame.data_id is not None
        values = _dlt645_2007_values(meter, frame.data_id)
        if values is None:
            return dlt645.build_abnormal_response(addr, F.READ, ERR_NO_DATA)
        return dlt645.build_read_response(addr, frame.data_id, values)
    if frame.function == F.WRITE:
        assert frame.data_id is not None
        if not _password_ok(meter, str(frame.values.get("password", ""))):
            return dlt645.build_abnormal_response(addr, F.WRITE, ERR_PASSWORD)
        apply_parameter(meter, frame.data_id, frame.payload, frame.values)
        return dlt645.build_write_response(addr)
    if frame.function == F.CONTROL:
        if not meter.has_relay:
            return dlt645.build_abnormal_response(addr, F.CONTROL, ERR_OTHER)
        if not _password_ok(meter, str(frame.values.get("password", ""))):
            return dlt645.build_abnormal_response(addr, F.CONTROL, ERR_PASSWORD)
        until = frame.values.get("valid_until")
        if isinstance(until, dt.datetime) and until < meter.meter_time():
            return dlt645.build_abnormal_response(addr, F.CONTROL, ERR_OTHER)
        action = frame.values.get("action")
        if action == "trip":
            meter.command_switch(False, "remote trip")
        elif action in ("close", "close-allowed"):
            meter.command_switch(True, "remote close")
        elif action == "keep-power":
            meter.keep_power = True
        elif action == "keep-power-off":
            meter.keep_power = False
        elif action not in ("alarm", "alarm-off"):
            return dlt645.build_abnormal_response(addr, F.CONTROL, ERR_OTHER)
        return dlt645.build_control_response(addr)
    return dlt645.build_abnormal_response(addr, frame.function, ERR_OTHER)


def _password_ok(meter: SimMeter, password: str) -> bool:
    return meter.password is None or password.upper() == meter.password.upper()


def apply_parameter(
    meter: SimMeter, data_id: int, payload: bytes, values: Mapping[str, Value]
) -> None:
    """Store a written parameter; the overload limit takes effect at once."""
    meter.params[data_id] = bytes(payload)
    spec = getattr(profile_of(meter), "parameters", {}).get("overload_power_limit")
    item = getattr(spec, "item", None)
    if item is not None and item.data_id == data_id:
        for key, value in values.items():
            if isinstance(value, Decimal) and key.endswith(("_kw", "_w")):
                meter.overload_limit_w = value * (1000 if key.endswith("_kw") else 1)
    if data_id == 0x04000102:
        t = values.get("time")
        if isinstance(t, dt.time):
            meter.set_meter_time(dt.datetime.combine(meter.meter_time().date(), t))


# -- DL/T 645-1997 --------------------------------------------------------------------------


def _dlt645_1997_values(meter: SimMeter, data_id: int) -> Mapping[str, Value] | bytes | None:
    now = meter.clock.now()
    if data_id == 0x9010:
        return {"energy_kwh": meter.value(now)}
    if data_id in (0x9011, 0x9012, 0x9013, 0x9014):
        if not meter.tou:
            return None
        return {f"t{data_id - 0x9010}_energy_kwh": meter.tou_values(now)[data_id - 0x9011]}
    if data_id == 0x901F:
        values: dict[str, Value] = {"energy_kwh": meter.value(now)}
        if meter.tou:
            for i, v in enumerate(meter.tou_values(now), start=1):
                values[f"t{i}_energy_kwh"] = v
        return values
    if data_id == 0xB611:
        return {"voltage_v": meter.voltage_v().to_integral_value()}
    if data_id == 0xB621:
        return {"current_a": meter.current_a(now).quantize(Decimal("0.01"))}
    if data_id == 0xB630:
        return {"power_kw": (meter.power_w(now) / 1000).quantize(Decimal("0.0001"))}
    if data_id == 0xB650:
        return {"power_factor": meter.power_factor()}
    if data_id == 0xC010:
        t = meter.meter_time()
        return {"weekday": t.isoweekday() % 7, "date": t.date()}
    if data_id == 0xC011:
        return {"time": meter.meter_time().time()}
    if data_id == 0xC032:
        return {"meter_address": meter.address}
    if data_id == 0xC020:
        bit = getattr(profile_of(meter), "dlt645_1997_relay_bit", 6)
        return {"status_word": 0 if meter.relay_closed else 1 << bit}
    if data_id in meter.params:
        return meter.params[data_id]
    return None


def respond_dlt645_1997(meter: SimMeter, raw: bytes) -> bytes | None:
    _used, frame = dlt645_1997.decode(raw)
    if isinstance(frame, DecodeFailure) or frame is None:
        return None
    if not isinstance(frame, dlt645_1997.Dlt645_1997Frame) or frame.is_response:
        return None
    F = dlt645_1997.Function
    addr = meter.address
    if frame.function == F.BROADCAST_TIME:
        value = frame.values.get("datetime")
        if isinstance(value, dt.datetime):
            meter.set_meter_time(value)
        return None
    if frame.address != addr:
        return None
    if frame.function == F.READ:
        assert frame.data_id is not None
        values = _dlt645_1997_values(meter, frame.data_id)
        if values is None:
            return dlt645_1997.build_abnormal_response(addr, F.READ, 0x02)
        return dlt645_1997.build_read_response(addr, frame.data_id, values)
    if frame.function == F.WRITE:
        assert frame.data_id is not None
        relay = getattr(profile_of(meter), "dlt645_1997_relay", None)
        if relay is not None and frame.data_id == relay[0]:
            command = frame.payload
            if command not in (relay[1], relay[2]):
                return dlt645_1997.build_abnormal_response(addr, F.WRITE, 0x01)
            closed = command == relay[2]
            meter.command_switch(closed, "remote close" if closed else "remote trip")
            return dlt645_1997.build_write_response(addr)
        apply_parameter(meter, frame.data_id, frame.payload, frame.values)
        return dlt645_1997.build_write_response(addr)
    return dlt645_1997.build_abnormal_response(addr, frame.function, 0x01)


# -- CJ/T 188-2004 --------------------------------------------------------------------------


def respond_cjt188(meter: SimMeter, raw: bytes) -> bytes | None:
    _used, frame = cjt188.decode(raw)
    if not isinstance(frame, cjt188.Cjt188Frame) or frame.is_response:
        return None
    F = cjt188.Function
    meter_type = meter.meter_type or cjt188.MeterType.COLD_WATER
    addr = meter.address.rjust(14, "0")
    seq = frame.seq or 0
    order = frame.di_order or "901f"
    valve = "open" if meter.relay_closed else "closed"
    if frame.function == F.READ_ADDRESS:
        return cjt188.build_read_address_response(
            addr, meter_type=meter_type, seq=seq, di_order=order
        )
    if frame.address != addr:
        return None
    if frame.function == F.READ and frame.data_id == cjt188.DI_METERING_DATA:
        volume = quantize_down(meter.value(), Decimal("0.01"))
        return cjt188.build_read_response(
            addr,
            volume_m3=volume,
            meter_time=meter.meter_time(),
            meter_type=meter_type,
            valve=valve if meter.has_relay else "open",
            battery_low=meter.battery_low,
            sensor_fault=meter.faults.photo_sensor,
            seq=seq,
            di_order=order,
        )
    if frame.function == F.WRITE and frame.data_id == cjt188.DI_VALVE:
        if not meter.has_relay:
            status = cjt188.DEFAULT_LAYOUT.encode(valve="abnormal")
            return cjt188.build_abnormal_response(
                addr, F.WRITE, status, meter_type=meter_type, seq=seq
            )
        command = frame.values.get("valve_command")
        meter.command_switch(command == "open", f"remote valve {command}")
        return cjt188.build_valve_response(
            addr,
            valve="open" if meter.relay_closed else "closed",
            meter_type=meter_type,
            battery_low=meter.battery_low,
            sensor_fault=meter.faults.photo_sensor,
            seq=seq,
            di_order=order,
        )
    return cjt188.build_abnormal_response(addr, frame.function, 0, meter_type=meter_type, seq=seq)
