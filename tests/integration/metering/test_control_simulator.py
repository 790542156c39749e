"""Cut-off commands against simulated meters (CTL-4): a command left half-done by a crash is
verified before anything is sent, stale commands expire, a relay that acknowledges a trip but
keeps running fails the command with a 关断控制失效 alarm, and a point that keeps counting while
tripped raises the same alarm at the next read. Real database, comms engine and simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.comms.engine import CommsEngine
from app.comms.protocols.dlt645 import Function
from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve, SimMeter
from app.models import MeasurementPoint
from app.services import Services
from app.services.collector import Collector
from app.services.control import CommandRunner, ControlService, enqueue_command
from tests.fixtures.control import alarms, commands, evaluate, owe, point_state, top_up
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.simulator import FrameTrace, free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # in the past: control frames stay valid
SPEED = 60.0  # one simulated minute per second


@dataclass
class Rig:
    services: Services
    m: Metering
    sim: Simulator
    collector: Collector
    trace: FrameTrace

    def meter(self, point: int) -> SimMeter:
        return self.sim.meter(self.m.addresses[point])

    def now(self) -> datetime:
        return self.sim.clock.now()


@pytest.fixture
def rig(services: Services) -> Iterator[Rig]:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    for room in m.elec:
        top_up(services, room, 10_000, f"open-{room}")
    trace = FrameTrace()
    with Simulator(sim_site(m, port), turnaround_ms=1, speed=SPEED, start_time=START) as sim:
        for pid, address in m.addresses.items():
            load = Decimal(600) if pid in m.elec.values() else Decimal(20)  # W, L/h
            sim.meter(address).curve = ConstantCurve(START, Decimal("100.00"), load)
        engine = CommsEngine(name="test-collector", trace=trace)
        collector = Collector(services.db, engine=engine, clock=sim.clock.now)
        try:
            with collector:
                yield Rig(services, m, sim, collector, trace)
        finally:
            engine.stop()


def test_crash_leftovers_are_verified_not_replayed_and_stale_ones_expire(rig: Rig) -> None:
    services, m = rig.services, rig.m
    a, b = m.elec["A-1-01"], m.elec["A-1-02"]
    now = rig.now()
    owe(services, "A-1-01", 10_100)
    report = evaluate(services, now)
    [trip] = report.commands
    # a collector claims the trip, puts the frame on the wire and dies before recording it
    dead = CommandRunner(services.db, rig.collector._execute, owner="dead-pc:1")
    assert [j.id for j in dead.claim(now)] == [trip]
    assert rig.meter(a).command_switch(False, "remote trip")
    switches_a = len(rig.meter(a).switch_log)
    # B's relay is open (tripped long ago) and a close asked for seven hours ago never ran
    rig.meter(b).switch(False, "remote trip")
    with services.db.uow() as uow:
        enqueue_command(
            uow.session, kind="close", point_id=b, rule="manual", now=now - timedelta(hours=7)
        )
        uow.commit()
    rig.trace.clear()

    result = rig.collector.run_commands(now + timedelta(minutes=5))  # after the lease
    assert result.recovered == 1 and result.cancelled_stale == 1
    assert result.outcomes == {trip: "already"}
    # the meter was read (status word) and not commanded again
    assert Function.READ in rig.trace.sent_functions(m.addresses[a])
    assert Function.CONTROL not in rig.trace.sent_functions(m.addresses[a])
    assert len(rig.meter(a).switch_log) == switches_a
    assert point_state(services, a) == ("open", "arrears")
    with services.db.uow() as uow:
        trip_value = uow.session.scalar(
            select(MeasurementPoint.trip_value).where(MeasurementPoint.id == a)
        )
    assert trip_value == rig.meter(a).value()  # the frozen register, read back after the check
    # the stale close was cancelled without a frame; B stays as it is
    assert commands(services, b) == [("close", "cancelled", "manual")]
    assert rig.trace.sent_functions(m.addresses[b]) == []
    assert not rig.meter(b).relay_closed


def test_recovered_command_sends_the_frame_when_the_meter_did_not_switch(rig: Rig) -> None:
    services, m = rig.services, rig.m
    a = m.elec["A-1-01"]
    now = rig.now()
    owe(services, "A-1-01", 10_100)
    [trip] = evaluate(services, now).commands
    CommandRunner(services.db, rig.collector._execute, owner="dead-pc:1").claim(now)
    rig.trace.clear()  # the crash came before the frame went out: the meter still supplies

    result = rig.collector.run_commands(now + timedelta(minutes=5))
    assert result.outcomes == {trip: "confirmed"}
    sent = rig.trace.sent_functions(m.addresses[a])
    assert sent.index(Function.READ) < sent.index(Function.CONTROL)  # read first, then trip
    assert sent.count(Function.CONTROL) == 1
    assert not rig.meter(a).relay_closed


def test_stuck_relay_fails_the_trip_with_a_control_failure_alarm(rig: Rig) -> None:
    services, m = rig.services, rig.m
    a = m.elec["A-1-01"]
    rig.meter(a).faults.stuck_relay = True
    owe(services, "A-1-01", 10_100)

    report = rig.collector.control_cycle(rig.now())
    assert report.failed == 1 and report.confirmed == 0
    assert Function.CONTROL in rig.trace.sent_functions(m.addresses[a])
    assert commands(services, a) == [("trip", "failed", "arrears")]
    assert point_state(services, a) == ("closed", None)  # recorded from the read-back
    [alarm] = alarms(services, "control_failure")
    assert alarm.point_id == a and alarm.state == "active"
    assert alarm.message == (
        f"关断控制失效：表 {m.addresses[a]} 应答了拉闸命令，但回读状态仍为闭合"
    )
    assert rig.meter(a).relay_closed  # still supplying

    # no new trip every cycle while the relay is stuck (control.failed_cut_backoff_s, 6 h)
    assert rig.collector.control_cycle(rig.now()).claimed == 0
    assert commands(services, a) == [("trip", "failed", "arrears")]
    # repaired: the first cycle after the back-off trips it, confirms it and clears the alarm
    rig.meter(a).faults.stuck_relay = False
    assert rig.collector.control_cycle(rig.now() + timedelta(hours=6, minutes=1)).confirmed == 1
    assert point_state(services, a) == ("open", "arrears")
    assert [x.state for x in alarms(services, "control_failure")] == ["cleared"]


def test_consumption_while_tripped_raises_the_alarm_at_the_next_read(rig: Rig) -> None:
    services, m = rig.services, rig.m
    a = m.elec["A-1-01"]
    owe(services, "A-1-01", 10_100)
    assert rig.collector.control_cycle(rig.now()).confirmed == 1
    assert point_state(services, a) == ("open", "arrears")
    assert not rig.meter(a).relay_closed

    rig.collector.read_cycle()  # tripped and quiet: no alarm
    assert alarms(services, "control_failure") == []

    # a bypass / welded contact: the meter reports its relay open but the register moves on
    meter = rig.meter(a)
    meter.set_value(meter.value() + Decimal("1.50"))
    cycle = rig.collector.read_cycle()
    assert cycle.read_ok == cycle.points
    [alarm] = alarms(services, "control_failure")
    assert alarm.point_id == a
    assert alarm.details["status"] == "consumption_while_tripped"
    assert Decimal(str(alarm.details["consumption"])) >= Decimal("1.50")
    assert "已拉闸，但用量仍在增加" in alarm.message

    rig.collector.read_cycle()  # one alarm per condition, not one per read
    assert len(alarms(services, "control_failure")) == 1


def test_a_broken_policy_setting_does_not_stop_manual_commands(rig: Rig) -> None:
    services, m = rig.services, rig.m
    a = m.elec["A-1-01"]
    services.settings.set(
        ADMIN, "control.protected_windows", {"daily": [{"start": "25:00", "end": "08:00"}]}
    )
    ControlService(services.db).request(ADMIN, [a], "trip", "线路检修")
    report = rig.collector.control_cycle(rig.now())
    assert report.confirmed == 1
    assert len(report.errors) == 1 and report.errors[0].startswith("欠费断电策略执行失败")
    assert not rig.meter(a).relay_closed
    assert point_state(services, a) == ("open", "manual")
