"""frame_matches pairs a request with its answer (and nothing else)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.comms.protocols import cjt188, dlt645, dlt645_1997, modbus

A = "000000000123"


def test_dlt645_read_and_abnormal() -> None:
    req = dlt645.decode_frame(dlt645.build_read(A, "energy"))
    good = dlt645.decode_frame(dlt645.build_read_response(A, "energy", {"energy_kwh": Decimal(1)}))
    other_di = dlt645.decode_frame(
        dlt645.build_read_response(A, "voltage", {"voltage_v": Decimal(1)})
    )
    other_meter = dlt645.decode_frame(
        dlt645.build_read_response("000000000124", "energy", {"energy_kwh": Decimal(1)})
    )
    abnormal = dlt645.decode_frame(dlt645.build_abnormal_response(A, dlt645.Function.READ, 2))
    assert dlt645.frame_matches(req, good)
    assert dlt645.frame_matches(req, abnormal)
    assert not dlt645.frame_matches(req, other_di)
    assert not dlt645.frame_matches(req, other_meter)
    assert not dlt645.frame_matches(good, req)
    assert not dlt645.frame_matches(req, req)


def test_dlt645_wildcard_control_and_broadcast() -> None:
    req = dlt645.decode_frame(dlt645.build_read_address())
    assert dlt645.frame_matches(req, dlt645.decode_frame(dlt645.build_read_address_response(A)))
    ctl = dlt645.decode_frame(dlt645.build_control(A, "close", valid_until=dt.datetime(2026, 1, 1)))
    assert dlt645.frame_matches(ctl, dlt645.decode_frame(dlt645.build_control_response(A)))
    assert not dlt645.frame_matches(ctl, dlt645.decode_frame(dlt645.build_write_response(A)))
    bcast = dlt645.decode_frame(dlt645.build_broadcast_time(dt.datetime(2026, 1, 1)))
    assert not dlt645.frame_matches(bcast, dlt645.decode_frame(dlt645.build_control_response(A)))


def test_1997() -> None:
    req = dlt645_1997.decode_frame(dlt645_1997.build_read(A, 0x9010))
    resp = dlt645_1997.decode_frame(
        dlt645_1997.build_read_response(A, 0x9010, {"energy_kwh": Decimal("1.5")})
    )
    assert dlt645_1997.frame_matches(req, resp)
    assert not dlt645.frame_matches(req, resp)  # other protocol's frames never match


def test_cjt188_seq_type_and_di_order() -> None:
    addr = "00000000000123"
    req = cjt188.decode_frame(cjt188.build_read(addr, seq=5, di_order="1f90"))
    resp = cjt188.decode_frame(
        cjt188.build_read_response(
            addr, volume_m3=Decimal(2), meter_time=dt.datetime(2026, 1, 1), seq=5, di_order="901f"
        )
    )
    assert cjt188.frame_matches(req, resp)  # the DI order may differ, the identifier may not
    wrong_seq = cjt188.decode_frame(
        cjt188.build_read_response(
            addr, volume_m3=Decimal(2), meter_time=dt.datetime(2026, 1, 1), seq=6
        )
    )
    assert not cjt188.frame_matches(req, wrong_seq)
    valve = cjt188.decode_frame(cjt188.build_valve(addr, "close"))
    assert cjt188.frame_matches(
        valve, cjt188.decode_frame(cjt188.build_valve_response(addr, valve="closed"))
    )
    assert not cjt188.frame_matches(valve, resp)
    wildcard = cjt188.decode_frame(cjt188.build_read_address())
    assert cjt188.frame_matches(
        wildcard, cjt188.decode_frame(cjt188.build_read_address_response(addr))
    )


def test_modbus() -> None:
    req = modbus.decode_frame(modbus.build_read(7, 3, 0x10, 2), role="request")
    resp = modbus.decode_frame(modbus.build_read_response(7, 3, [1, 2]), role="response")
    short = modbus.decode_frame(modbus.build_read_response(7, 3, [1]), role="response")
    exc = modbus.decode_frame(modbus.build_exception_response(7, 3, 2), role="response")
    other = modbus.decode_frame(modbus.build_read_response(8, 3, [1, 2]), role="response")
    assert modbus.frame_matches(req, resp) and modbus.frame_matches(req, exc)
    assert not modbus.frame_matches(req, short) and not modbus.frame_matches(req, other)
    w = modbus.decode_frame(modbus.build_write_register(7, 0x20, 0), role="request")
    echo = modbus.decode_frame(modbus.build_write_register_response(7, 0x20, 0), role="response")
    assert modbus.frame_matches(w, echo)
    ws = modbus.decode_frame(modbus.build_write_registers(7, 0x20, [1, 2]), role="request")
    ack = modbus.decode_frame(modbus.build_write_registers_response(7, 0x20, 2), role="response")
    assert modbus.frame_matches(ws, ack)
