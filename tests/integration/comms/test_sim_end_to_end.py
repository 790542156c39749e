"""End to end over real loopback sockets: engine -> TCP/DTU -> simulated gateways and meters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from app.comms import meter_ops
from app.comms.channel import BadAnswerError, NoAnswerError
from app.comms.engine import CommsEngine, Priority
from app.comms.events import DtuRegistered, MeterOffline, MeterOnline
from app.comms.simulator import Simulator
from app.comms.transport import GatewayDisconnectedError, GatewayUnreachableError, TransportError
from app.domain.demo_site import DemoSite, MeterSpec
from tests.integration.comms.conftest import WAIT_S, dtu_registered, wait_for


def spec(site: DemoSite, address: str) -> MeterSpec:
    return next(m for m in site.meters if m.address == address)


def run(engine: CommsEngine, site: DemoSite, address: str, op: Any, **kw: Any) -> Any:
    m = spec(site, address)
    ref = meter_ops.MeterRef.from_spec(m)
    fut = engine.call(m.gateway_code, m.bus_number, lambda ch: op(ch, ref), address=address, **kw)
    return fut.result(WAIT_S)


def read(engine: CommsEngine, site: DemoSite, address: str, item: str = "energy") -> Any:
    return run(engine, site, address, lambda ch, ref: meter_ops.read(ch, ref, item))


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("000000000001", "energy_kwh"),  # DL/T 645-2007 single phase
        ("000000000002", "energy_kwh"),  # DL/T 645-2007 three phase TOU
        ("000000000003", "energy_kwh"),  # DL/T 645-1997
        ("5", "energy_kwh"),  # Modbus-RTU (float32 live values, scaled energy)
        ("00000000000011", "volume_m3"),  # CJ/T 188 water
    ],
)
def test_main_register_read_matches_the_simulated_meter(
    engine: CommsEngine, sim: Simulator, site: DemoSite, address: str, key: str
) -> None:
    before = sim.meter(address).value()
    values = read(engine, site, address, "water" if key == "volume_m3" else "energy")
    after = sim.meter(address).value()
    assert isinstance(values[key], Decimal)
    # Registers only grow; water is sent with 2 decimals (CJ/T 188 XXXXXX.XX m³).
    step = Decimal("0.01")
    assert before - step <= values[key] <= after


def test_read_all_items_of_every_protocol(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    tou = read(engine, site, "000000000002", "tou")
    parts = [tou[f"t{i}_energy_kwh"] for i in range(1, 5)]
    assert sum(parts) == tou["energy_kwh"]
    everything = read(engine, site, "000000000002", "all")
    assert {"voltage_a_v", "current_c_a", "power_kw", "relay", "meter_time"} <= set(everything)
    assert everything["relay"] == "closed"
    modbus_all = read(engine, site, "5", "all")
    assert modbus_all["relay"] == "closed" and modbus_all["voltage_b_v"] > 200
    water = read(engine, site, "00000000000011", "all")
    assert water["valve"] == "open" and water["sensor_fault"] is False
    old = read(engine, site, "000000000003", "all")
    assert old["relay"] == "closed" and "voltage_v" in old


def test_trip_and_close_confirmed_and_accumulation_stops(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    meter = sim.meter("000000000001")
    result = run(
        engine,
        site,
        "000000000001",
        lambda ch, ref: meter_ops.control(ch, ref, "trip"),
        priority=Priority.CONTROL,
    )
    assert result.confirmed and result.state == "open"
    assert meter.relay_closed is False
    frozen = read(engine, site, "000000000001")["energy_kwh"]
    assert read(engine, site, "000000000001", "status")["relay"] == "open"
    assert read(engine, site, "000000000001")["energy_kwh"] == frozen
    assert read(engine, site, "000000000001", "power")["power_kw"] == 0
    result = run(engine, site, "000000000001", lambda ch, ref: meter_ops.control(ch, ref, "close"))
    assert result.confirmed and result.state == "closed" and meter.relay_closed


def test_meter_that_acks_a_trip_but_stays_closed_is_detected(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.meter("000000000002").faults.stuck_relay = True
    with pytest.raises(meter_ops.ControlNotExecutedError) as info:
        run(
            engine,
            site,
            "000000000002",
            lambda ch, ref: meter_ops.control(ch, ref, "trip", confirm_interval_s=0.05),
        )
    assert "acknowledged trip" in str(info.value) and "still closed" in str(info.value)
    assert sim.meter("000000000002").relay_closed


def test_modbus_relay_trip_and_close(engine: CommsEngine, site: DemoSite, sim: Simulator) -> None:
    result = run(engine, site, "5", lambda ch, ref: meter_ops.control(ch, ref, "trip"))
    assert result.confirmed and not sim.meter("5").relay_closed
    result = run(engine, site, "5", lambda ch, ref: meter_ops.control(ch, ref, "close"))
    assert result.confirmed and sim.meter("5").relay_closed


def test_valve_close_and_open(engine: CommsEngine, site: DemoSite, sim: Simulator) -> None:
    address = "00000000000011"
    result = run(engine, site, address, lambda ch, ref: meter_ops.control(ch, ref, "valve-close"))
    assert result.confirmed and result.state == "closed"
    assert sim.meter(address).relay_closed is False
    assert read(engine, site, address, "water")["valve"] == "closed"
    result = run(engine, site, address, lambda ch, ref: meter_ops.control(ch, ref, "valve-open"))
    assert result.state == "open" and sim.meter(address).relay_closed


def test_valve_command_to_a_meter_without_valve_is_rejected(
    engine: CommsEngine, site: DemoSite
) -> None:
    with pytest.raises(meter_ops.MeterRejectedError):
        run(
            engine,
            site,
            "00000000000012",
            lambda ch, ref: meter_ops.control(ch, ref, "valve-close"),
        )


def test_time_sync_fixes_a_drifted_clock(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.meter("000000000001").faults.clock_offset_s = 3600
    sim.meter("000000000003").faults.clock_offset_s = -900
    drift = read(engine, site, "000000000001", "time")["clock_drift_s"]
    assert 3500 < drift < 3700
    sent = engine.call("GW1", 1, meter_ops.sync_time, priority=Priority.COMMAND).result(WAIT_S)
    assert isinstance(sent, dt.datetime)
    assert abs(read(engine, site, "000000000001", "time")["clock_drift_s"]) <= 2
    assert abs(read(engine, site, "000000000003", "time")["clock_drift_s"]) <= 2


def test_photo_sensor_fault_is_reported_and_stops_the_register(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.apply_faults("meter:00000000000011=photo_sensor")
    values = read(engine, site, "00000000000011", "water")
    assert values["sensor_fault"] is True


def test_scan_single_meter_with_wildcard_and_range_probe(
    engine: CommsEngine, site: DemoSite
) -> None:
    # GW2 bus 1 holds one DL/T 645-2007 meter, bus 2 one water meter: the wildcard works.
    assert engine.call("GW2", 1, lambda ch: meter_ops.scan(ch, "dlt645-2007")).result(WAIT_S) == [
        "000000000021"
    ]
    assert engine.call("GW2", 2, lambda ch: meter_ops.scan(ch, "cjt188")).result(WAIT_S) == [
        "00000000000022"
    ]
    # GW1 bus 1 has several: the wildcard collides, a range probe finds them.
    with pytest.raises(BadAnswerError) as info:
        engine.call("GW1", 2, lambda ch: meter_ops.scan(ch, "cjt188")).result(WAIT_S)
    assert "several meters" in str(info.value)
    candidates = meter_ops.parse_range("000000000001-000000000004", "dlt645-2007")
    found = engine.call(
        "GW1",
        1,
        lambda ch: meter_ops.scan(ch, "dlt645-2007", candidates=candidates, timeout_s=0.2),
    ).result(WAIT_S)
    assert found == ["000000000001", "000000000002"]  # 000000000003 speaks DL/T 645-1997


def test_dtu_registers_and_a_reconnect_replaces_the_old_connection(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    events: list[DtuRegistered] = []
    engine.events.subscribe(events.append, DtuRegistered)
    wait_for(lambda: dtu_registered(engine, site, "DTU00002"))
    wait_for(lambda: dtu_registered(engine, site, "DTU00002-2"))
    assert read(engine, site, "000000000021")["energy_kwh"] > 0
    assert "volume_m3" in read(engine, site, "00000000000022", "water")
    gateway = sim.gateway("GW2")
    before = gateway.registrations  # type: ignore[attr-defined]
    sim.call(gateway.reconnect)  # type: ignore[attr-defined]
    wait_for(lambda: gateway.registrations >= before + 2)  # type: ignore[attr-defined]
    wait_for(lambda: dtu_registered(engine, site, "DTU00002"))
    assert read(engine, site, "000000000021")["energy_kwh"] > 0
    assert any(e.connected and e.link_id == "DTU00002" for e in events)


def test_engine_marks_meters_offline_and_back_online(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    seen: list[object] = []
    engine.events.subscribe(seen.append, MeterOnline, MeterOffline)
    sim.meter("000000000001").faults.dead = True
    for _ in range(engine.offline_after):
        with pytest.raises(NoAnswerError):
            run(
                engine,
                site,
                "000000000001",
                lambda ch, ref: meter_ops.read(ch, ref, "energy", timeout_s=0.1, retries=0),
            )
    assert engine.meter_online("GW1", 1, "000000000001") is False
    sim.meter("000000000001").faults.dead = False
    read(engine, site, "000000000001")
    assert engine.meter_online("GW1", 1, "000000000001") is True
    kinds = [type(e).__name__ for e in seen if getattr(e, "address", "") == "000000000001"]
    assert kinds[-2:] == ["MeterOffline", "MeterOnline"]


def test_gateway_dropping_the_connection_mid_request_gives_a_clear_error(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.apply_faults("gateway:GW1=disconnect")
    with pytest.raises(TransportError) as info:
        read(engine, site, "000000000001")
    assert isinstance(info.value, GatewayDisconnectedError | GatewayUnreachableError)
    assert "tcp://127.0.0.1:" in str(info.value)
    sim.clear_faults()
    engine.channel("GW1", 1).transport.reset_backoff()  # type: ignore[attr-defined]
    assert read(engine, site, "000000000001")["energy_kwh"] > 0


def test_gateway_going_down_is_unreachable_not_a_hang(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    read(engine, site, "000000000001")
    sim.set_gateway_down("GW1")
    with pytest.raises(TransportError) as info:
        read(engine, site, "000000000001")
    assert "tcp://127.0.0.1:" in str(info.value)
    # Within the backoff window further jobs fail at once instead of queueing connect attempts.
    with pytest.raises(GatewayUnreachableError):
        read(engine, site, "000000000002")
    sim.set_gateway_down("GW1", False)
    engine.channel("GW1", 1).transport.reset_backoff()  # type: ignore[attr-defined]
    assert read(engine, site, "000000000001")["energy_kwh"] > 0


@pytest.mark.parametrize(
    "fault",
    ["split", "garbage:1", "bad_checksum:2", "no_answer:1", "slow:0.7"],
)
def test_transient_faults_are_retried_to_success(
    engine: CommsEngine, site: DemoSite, sim: Simulator, fault: str
) -> None:
    sim.apply_faults(f"meter:000000000001={fault};meter:00000000000011={fault}")
    assert read(engine, site, "000000000001")["energy_kwh"] > 0
    assert "volume_m3" in read(engine, site, "00000000000011", "water")


def test_permanent_faults_give_clear_errors(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.apply_faults("meter:000000000001=bad_checksum;meter:000000000002=no_answer")
    with pytest.raises(BadAnswerError) as bad:
        read(engine, site, "000000000001")
    assert "checksum" in str(bad.value) and "after 3 tries" in str(bad.value)
    with pytest.raises(NoAnswerError) as silent:
        read(engine, site, "000000000002")
    port = spec(site, "000000000002")
    assert str(silent.value) == (
        f"no answer from 000000000002 on tcp://127.0.0.1:{site.gateways[0].buses[0].port} "
        "bus 1 after 3 tries"
    )
    assert port.bus_number == 1


def test_overload_parameter_trips_the_relay(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    from app.comms.protocols import dlt645

    profile = meter_ops.resolve_profile("dlt645-2007-three-phase-tou")
    item = profile.parameters["overload_power_limit"].item

    async def write_limit(channel: Any) -> Any:
        request = dlt645.build_write(
            "000000000002", item.data_id, {"power_limit_kw": Decimal("0.0500")}, item=item
        )
        return await meter_ops._exchange(
            channel, request, dlt645.decode, dlt645.frame_matches, "000000000002", "write"
        )

    engine.call("GW1", 1, write_limit).result(WAIT_S)
    assert sim.meter("000000000002").overload_limit_w == Decimal("50.0000")
    assert read(engine, site, "000000000002", "status")["relay"] == "open"
    assert sim.meter("000000000002").trip_reason == "overload"


def test_a_late_answer_is_never_taken_for_another_meters(
    engine: CommsEngine, site: DemoSite, sim: Simulator
) -> None:
    sim.meter("000000000001").faults.slow_s = 0.6
    with pytest.raises(NoAnswerError):
        run(
            engine,
            site,
            "000000000001",
            lambda ch, ref: meter_ops.read(ch, ref, "energy", timeout_s=0.1, retries=0),
        )
    # The slow answer arrives while the next request waits: it must be skipped, not returned.
    before = sim.meter("000000000002").value()
    value = read(engine, site, "000000000002")["energy_kwh"]
    assert before <= value <= sim.meter("000000000002").value()
