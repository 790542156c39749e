"""Simulated Modbus-RTU meter: serves the register map of its profile (or the default map)."""

from __future__ import annotations

from decimal import Decimal

from app.comms.meter_ops import DEFAULT_PROFILES, resolve_profile
from app.comms.protocols import modbus
from app.comms.protocols.base import ProtocolError
from app.comms.simulator.meters import SimMeter

ILLEGAL_FUNCTION = 0x01
ILLEGAL_ADDRESS = 0x02
ILLEGAL_VALUE = 0x03


def register_map(meter: SimMeter) -> modbus.RegisterMap:
    """The meter's profile map, or the generic single-phase map."""
    for name in (meter.profile, DEFAULT_PROFILES["modbus"]):
        try:
            found = getattr(resolve_profile(name), "modbus_map", None)
        except KeyError:
            continue
        if isinstance(found, modbus.RegisterMap):
            return found
    raise LookupError("no Modbus register map")


def _values(meter: SimMeter, rmap: modbus.RegisterMap) -> dict[str, Decimal]:
    now = meter.clock.now()
    power_w = meter.power_w(now)
    current = meter.current_a(now)
    voltage = meter.voltage_v()
    values = {
        "voltage_v": voltage,
        "voltage_a_v": voltage,
        "voltage_b_v": voltage,
        "voltage_c_v": voltage,
        "current_a": current.quantize(Decimal("0.01")),
        "current_a_a": current,
        "current_b_a": current,
        "current_c_a": current,
        "power_kw": (power_w / 1000).quantize(Decimal("0.0001")),
        "power_factor": meter.power_factor(),
        "energy_kwh": meter.value(now),
        "relay_state": Decimal(
            rmap.relay_closed_value if meter.relay_closed else rmap.relay_open_value
        ),
    }
    return values


def respond_modbus(meter: SimMeter, raw: bytes) -> bytes | None:
    _used, frame = modbus.decode_request(raw)
    if not isinstance(frame, modbus.ModbusFrame) or frame.is_response:
        return None
    unit = int(meter.address)
    if frame.unit == 0:
        return None  # broadcast: no answer
    rmap = register_map(meter)
    if frame.function in (modbus.READ_HOLDING, modbus.READ_INPUT):
        if frame.function != rmap.function:
            return modbus.build_exception_response(unit, frame.function, ILLEGAL_FUNCTION)
        start, count = frame.register or 0, frame.count or 0
        known = any(
            p.register < start + count and p.register + p.words > start for p in rmap.points
        )
        if not known:
            return modbus.build_exception_response(unit, frame.function, ILLEGAL_ADDRESS)
        try:
            block = modbus.encode_points(rmap.points, start, count, _values(meter, rmap))
        except ProtocolError:
            return modbus.build_exception_response(unit, frame.function, ILLEGAL_VALUE)
        return modbus.build_read_response(unit, frame.function, block)
    if frame.function == modbus.WRITE_REGISTER and frame.register is not None:
        value = frame.registers[0] if frame.registers else 0
        if frame.register == rmap.relay_register and meter.has_relay:
            if value not in (rmap.relay_closed_value, rmap.relay_open_value):
                return modbus.build_exception_response(unit, frame.function, ILLEGAL_VALUE)
            closed = value == rmap.relay_closed_value
            meter.command_switch(closed, "remote close" if closed else "remote trip")
        elif frame.register == rmap.relay_register:
            return modbus.build_exception_response(unit, frame.function, ILLEGAL_ADDRESS)
        else:
            meter.params[frame.register] = value.to_bytes(2, "big")
        return modbus.build_write_register_response(unit, frame.register, value)
    return modbus.build_exception_response(unit, frame.function & 0x7F, ILLEGAL_FUNCTION)
