"""Device management (DEV-1…3) on SQLite and PostgreSQL: add/edit/retire gateways, buses, meters
and points with validation; "test connection" against the simulator and a dead port, bounded;
the frame log sees the frames of the test."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from app.comms.simulator import Simulator
from app.domain.permissions import Perm
from app.errors import DeviceConfigError, PermissionDeniedError
from app.services import Services
from app.services.context import Actor
from app.services.devices import BusInput, GatewayInput, MeterInput, PointInput, frame_log
from tests.fixtures.metering import add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site


def _problem(exc: pytest.ExceptionInfo[DeviceConfigError]) -> str:
    return exc.value.problem


def test_add_edit_and_retire_with_validation(services: Services) -> None:
    build_small_site(services)
    devices = services.devices
    with pytest.raises(DeviceConfigError) as e:
        devices.save_gateway(ADMIN, GatewayInput("GW9", "九号网关", "tcp"))
    assert _problem(e) == "host_required"
    gw = devices.save_gateway(ADMIN, GatewayInput("GW9", "九号网关", "tcp", host="10.0.0.9"))
    with pytest.raises(DeviceConfigError) as e:
        devices.save_gateway(ADMIN, GatewayInput("GW9", "重复", "tcp", host="10.0.0.8"))
    assert _problem(e) == "code_taken"
    for bad, problem in (
        (BusInput(gw, 7, port=8001), "bus_number"),
        (BusInput(gw, 1), "port_required"),
        (BusInput(gw, 1, port=70000), "port_range"),
        (BusInput(gw, 1, port=8001, baud=3000), "baud"),
        (BusInput(gw, 1, port=8001, timeout_ms=50), "timeout"),
    ):
        with pytest.raises(DeviceConfigError) as e:
            devices.save_bus(ADMIN, bad)
        assert _problem(e) == problem
    bus = devices.save_bus(ADMIN, BusInput(gw, 1, port=8001))
    with pytest.raises(DeviceConfigError) as e:
        devices.save_bus(ADMIN, BusInput(gw, 1, port=8002))
    assert _problem(e) == "bus_taken"
    with pytest.raises(DeviceConfigError) as e:
        devices.save_bus(ADMIN, BusInput(gw, 2, port=8001))
    assert _problem(e) == "port_taken"
    for bad, problem in (
        (MeterInput(bus, "single_phase", "dlt645-2007", "12345"), "address_bcd"),
        (MeterInput(bus, "single_phase", "dlt645-2007", "00000000001A"), "address_bcd"),
        (MeterInput(bus, "water", "cjt188", "000000000001"), "address_bcd"),
        (MeterInput(bus, "water", "dlt645-2007", "000000000001"), "protocol_kind"),
        (MeterInput(bus, "single_phase", "modbus", "300"), "address_modbus"),
        (MeterInput(bus, "single_phase", "dlt645-2007", "000000000001", circuits=2), "circuits"),
    ):
        with pytest.raises(DeviceConfigError) as e:
            devices.save_meter(ADMIN, bad)
        assert _problem(e) == problem
    elec = devices.save_meter(ADMIN, MeterInput(bus, "single_phase", "dlt645-2007", "000000000101"))
    module = devices.save_meter(
        ADMIN, MeterInput(bus, "multi_circuit", "dlt645-2007", "000000000102", circuits=3)
    )
    with pytest.raises(DeviceConfigError) as e:
        devices.save_meter(ADMIN, MeterInput(bus, "single_phase", "dlt645-2007", "000000000101"))
    assert _problem(e) == "address_taken"

    [tree_gw] = [g for g in devices.tree(ADMIN) if g.code == "GW9"]
    [tree_bus] = tree_gw.buses
    meters = {m.address: m for m in tree_bus.meters}
    assert meters["000000000101"].profile == "dlt645-2007-single-phase"
    assert [p.code for p in meters["000000000101"].points] == ["E-000000000101"]
    assert [p.circuit for p in meters["000000000102"].points] == [1, 2, 3]
    point = meters["000000000101"].points[0]
    with pytest.raises(DeviceConfigError) as e:
        devices.save_point(ADMIN, point.id, PointInput(room_code="Z-9-99"))
    assert _problem(e) == "room_not_found"
    devices.save_point(ADMIN, point.id, PointInput(room_code="A-1-01", name="照明"))
    rows = services.monitoring.points(ADMIN, "electricity")
    assert {r.room_code for r in rows if r.point_id == point.id} == {"A-1-01"}

    with pytest.raises(DeviceConfigError) as e:
        devices.retire_gateway(ADMIN, gw)
    assert _problem(e) == "gateway_has_meters"
    devices.retire_meter(ADMIN, elec, "表计损坏")
    devices.retire_meter(ADMIN, module, "拆除")
    assert all(r.point_id != point.id for r in services.monitoring.points(ADMIN, "electricity"))
    # a retired meter's address can be used again on the bus (a replacement)
    devices.save_meter(ADMIN, MeterInput(bus, "single_phase", "dlt645-2007", "000000000101"))
    history = next(g for g in devices.tree(ADMIN, include_retired=True) if g.code == "GW9")
    assert sorted(m.status for m in history.buses[0].meters) == ["active", "retired", "retired"]
    technician = Actor(3, "tech", frozenset({Perm.ACCOUNT_VIEW}))
    with pytest.raises(PermissionDeniedError):
        devices.tree(technician)


def test_connection_test_reads_a_meter_and_the_frame_log_sees_it(services: Services) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    log = frame_log()
    log.start()
    try:
        with Simulator(sim_site(m, port), turnaround_ms=1) as _sim:
            result = services.devices.test_gateway(ADMIN, m.gateway_id, timeout_s=2.0)
    finally:
        log.stop()
    assert result.ok, result
    [bus] = result.buses
    assert bus.address == min(m.addresses.values()) and Decimal(bus.value) >= 0
    frames = log.drain()
    assert {f.direction for f in frames} >= {"tx", "rx"}
    assert all(f.gateway_code == "G1" and f.hex for f in frames)
    assert log.drain() == []  # handed over once


def test_connection_test_of_a_dead_gateway_is_bounded(services: Services) -> None:
    build_small_site(services)
    m = add_metering(services, port=free_port())  # nothing listens there
    started = time.monotonic()
    result = services.devices.test_gateway(ADMIN, m.gateway_id, timeout_s=1.0)
    assert time.monotonic() - started < 10
    assert not result.ok
    assert result.buses[0].detail


def test_frame_log_leaves_the_trace_logger_as_it_found_it() -> None:
    import logging

    trace = logging.getLogger("app.comms.trace")
    before = (trace.level, trace.propagate)
    log = frame_log(capacity=2)
    log.start()
    assert trace.isEnabledFor(logging.DEBUG) and not trace.propagate  # not into the log file
    for n in range(3):
        trace.debug("frame %s", n, extra={"trace": _record(n)})
    trace.debug("no record attached")  # ignored
    log.stop()
    assert (trace.level, trace.propagate) == before
    assert [f.hex for f in log.drain()] == ["01", "02"]  # bounded: the oldest went first


def _record(n: int) -> object:
    from datetime import UTC, datetime

    from app.comms.channel import TraceRecord

    return TraceRecord("tx", bytes([n]), "tcp://x:1", 1, "G1", "000000000001", datetime.now(UTC))
