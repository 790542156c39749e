"""Simulator pieces without sockets: fault specs, request framing, meter accumulation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.comms.protocols import cjt188, dlt645, modbus
from app.comms.simulator import ConstantCurve, FaultPlan, FaultSpecError, SimClock, SimMeter
from app.comms.simulator.bus import split_requests
from app.comms.simulator.faults import MeterFaults, Trigger
from app.comms.simulator.responders import respond_dlt645_2007


def test_fault_plan_parsing() -> None:
    plan = FaultPlan.parse("meter:000000000001=no_answer:2,split; gateway:GW1=down ;*=garbage:0.5")
    assert [(i.target_kind, i.target, i.name, i.arg) for i in plan.items] == [
        ("meter", "000000000001", "no_answer", "2"),
        ("meter", "000000000001", "split", None),
        ("gateway", "GW1", "down", None),
        ("all", "*", "garbage", "0.5"),
    ]
    for bad in ("meter:1", "meter:1=fly", "gateway:G=stuck_relay", "meter:1=garbage:-1", "x=dead"):
        with pytest.raises(FaultSpecError):
            FaultPlan.parse(bad)


def test_counted_trigger_fires_exactly_n_times() -> None:
    import random

    trigger = Trigger.parse("2", "t")
    rng = random.Random(1)
    assert [trigger.fire(rng) for _ in range(4)] == [True, True, False, False]
    faults = MeterFaults()
    faults.apply("clock_drift", "-30", "t")
    assert faults.clock_drift_s_per_day == -30.0


def test_split_requests_handles_every_protocol_and_partial_frames() -> None:
    d = b"\xfe\xfe" + dlt645.build_read("000000000001", 0x00010000)
    c = cjt188.build_read("00000000000011")
    m = modbus.build_read(5, 3, 0x10, 2)
    buf = d + c + m
    used, reqs = split_requests(buf, frozenset({5}))
    assert [r.kind for r in reqs] == ["dlt645", "cjt188", "modbus"]
    assert reqs[0].wire_len == len(d) and used == len(buf)
    used, reqs = split_requests(d[:-3], frozenset())
    assert reqs == [] and used == 0  # incomplete: keep everything (wake-up bytes included)


def test_open_relay_stops_accumulation_and_close_resumes() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = SimClock(speed=1.0, start=start)
    meter = SimMeter(
        "000000000001",
        "dlt645-2007",
        clock=clock,
        curve=ConstantCurve(start, Decimal("100.00"), Decimal(1000)),
    )
    t1 = start + timedelta(hours=2)
    assert meter.value(t1) == Decimal("102.00")
    meter.switch(False, "test", t1)
    assert meter.value(t1 + timedelta(hours=5)) == Decimal("102.00")
    meter.switch(True, "test", t1 + timedelta(hours=5))
    assert meter.value(t1 + timedelta(hours=6)) == Decimal("103.00")
    meter.set_value(Decimal("500.00"), t1 + timedelta(hours=6))
    assert meter.value(t1 + timedelta(hours=7)) == Decimal("501.00")


def test_responder_answers_reads_controls_and_ignores_other_addresses() -> None:
    start = datetime.now(UTC)
    meter = SimMeter(
        "000000000001",
        "dlt645-2007",
        clock=SimClock(start=start),
        curve=ConstantCurve(start, Decimal("7.00"), Decimal(0)),
    )
    answer = respond_dlt645_2007(meter, dlt645.build_read("000000000001", 0x00010000))
    assert answer is not None
    assert dlt645.decode_frame(answer).values["energy_kwh"] == Decimal("7.00")
    assert respond_dlt645_2007(meter, dlt645.build_read("000000000002", 0x00010000)) is None
    unknown = respond_dlt645_2007(meter, dlt645.build_read("000000000001", 0x12345678))
    assert unknown is not None and dlt645.decode_frame(unknown).abnormal
    trip = dlt645.build_control(
        "000000000001", "trip", valid_until=datetime.now() + timedelta(minutes=5)
    )
    assert respond_dlt645_2007(meter, trip) is not None
    assert meter.relay_closed is False


def test_site_file_builds_a_site_and_names_bad_entries(tmp_path: object) -> None:
    from pathlib import Path

    from app.comms.simulator.site_file import SiteFileError, load_site_file

    folder = Path(str(tmp_path))
    good = folder / "site.toml"
    good.write_text(
        'dtu_listen_port = 21500\n[[gateways]]\ncode = "G"\ntransport = "dtu"\ndtu_id = "D1"\n'
        'buses = [{ number = 1, port = 0 }]\n[[meters]]\nprotocol = "cjt188"\n'
        'address = "00000000000001"\ngateway_code = "G"\n',
        encoding="utf-8",
    )
    site = load_site_file(good)
    assert site.dtu_listen_port == 21500
    assert site.meters[0].kind == "water" and site.meters[0].meter_type == 0x10
    bad = folder / "bad.json"
    bad.write_text(
        '{"gateways": [], "meters": [{"protocol": "cjt188", "address": "1", '
        '"gateway_code": "NOPE"}]}',
        encoding="utf-8",
    )
    with pytest.raises(SiteFileError, match=r"meters\[0\]: unknown gateway 'NOPE'"):
        load_site_file(bad)
