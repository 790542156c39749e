"""Read now (MON-2): a durable ``read`` command that the collector's command runner executes
against the meter (simulator), storing and settling the reading like a routine read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.comms.engine import CommsEngine
from app.comms.simulator import Simulator
from app.comms.simulator.meters import ConstantCurve
from app.services import Services
from app.services.collector import Collector
from tests.fixtures.control import top_up
from tests.fixtures.metering import add_metering
from tests.fixtures.simulator import free_port, sim_site
from tests.fixtures.site import ADMIN, build_small_site

START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)


def test_read_now_is_run_by_the_collector_and_stored(services: Services) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    for room in m.elec:
        top_up(services, room, 10_000, f"open-{room}")
    with Simulator(sim_site(m, port), turnaround_ms=1, speed=60.0, start_time=START) as sim:
        for address in m.addresses.values():
            sim.meter(address).curve = ConstantCurve(START, Decimal("100.00"), Decimal(600))
        engine = CommsEngine(name="test-read-now")
        collector = Collector(services.db, engine=engine, clock=sim.clock.now)
        try:
            with collector:
                elec, water = m.elec["A-1-01"], m.water["A-1-01"]
                ids = services.control.request(ADMIN, [elec, water], "read", "现场核对读数")
                assert len(ids) == 2
                # asking again while the first is on its way does not queue a second read
                assert services.control.request(ADMIN, [elec], "read", "再读一次") == []
                report = collector.run_commands(sim.clock.now())
                assert report.confirmed == 2, report
        finally:
            engine.stop()
    progress = services.monitoring.command_progress(ADMIN, [elec, water])
    assert {p.state for p in progress.values()} == {"confirmed"}
    rows = {r.point_id: r for r in services.monitoring.points(ADMIN, "electricity")}
    assert rows[elec].last_value is not None and rows[elec].last_value >= Decimal("100.00")
    assert rows[elec].last_read_at is not None
    water_row = {r.point_id: r for r in services.monitoring.points(ADMIN, "water")}[water]
    assert water_row.last_value is not None
    # the live values the DL/T 645 meter offers come with it (DEV-5); a water meter has none
    assert set(rows[elec].live) >= {"voltage_v", "current_a", "power_kw"}
    assert Decimal(rows[elec].live["power_kw"]) == Decimal("0.6")  # the simulated 600 W load
    assert rows[elec].live_at is not None and water_row.live == {}
    # a read does not touch the switch state
    assert rows[elec].relay_state == "closed" and rows[elec].trip_cause is None


def test_a_read_now_that_cannot_run_fails_without_a_control_alarm(services: Services) -> None:
    from app.models import Alarm
    from app.services.control import CommandJob, CommandRunner, NotExecuted

    build_small_site(services)
    m = add_metering(services)
    point = m.elec["A-1-01"]
    [cmd] = services.control.request(ADMIN, [point], "read", "核对")

    def executor(job: CommandJob) -> object:
        raise NotExecuted("计量点已停用，无法抄读")

    report = CommandRunner(services.db, executor, owner="t").run_due()  # type: ignore[arg-type]
    assert report.outcomes == {cmd: "failed"}
    progress = services.monitoring.command_progress(ADMIN, [point])[point]
    assert (progress.state, progress.result) == ("failed", "计量点已停用，无法抄读")
    with services.db.uow() as uow:
        assert uow.session.query(Alarm).count() == 0
