"""Clock check and time sync (CTL-7): a drifted meter raises 时钟偏差, the broadcast sets it right,
the next check clears the alarm."""

from __future__ import annotations

from sqlalchemy import select

from app.comms.simulator import Simulator
from app.models import Alarm
from app.services import Services
from app.services.collector import Collector
from tests.fixtures.metering import add_metering
from tests.fixtures.site import build_small_site
from tests.integration.metering.test_end_to_end import free_port, sim_site


def test_drift_alarm_sync_and_clear(services: Services) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    drifted = m.elec["A-1-02"]
    with Simulator(sim_site(m, port), turnaround_ms=1) as sim:
        sim.meter(m.addresses[drifted]).faults.clock_offset_s = 900.0  # 15 minutes fast
        collector = Collector(services.db)
        collector.sync_on_reconnect = False  # the test decides when clocks are set
        with collector:
            first = collector.time_sync(max_drift_s=300)
            assert first["checked"] == len(m.elec)
            assert first["drifted"] == 1 and first["buses_synced"] == 1
            with services.db.uow() as uow:
                alarms = uow.session.execute(
                    select(Alarm.kind, Alarm.point_id, Alarm.state, Alarm.message)
                ).all()
            assert [(a[0], a[1], a[2]) for a in alarms] == [("clock_drift", drifted, "active")]
            assert "时钟偏差" in alarms[0][3]
            assert (
                abs(
                    (
                        sim.meter(m.addresses[drifted]).meter_time()
                        - sim.meter(m.addresses[m.elec["A-1-01"]]).meter_time()
                    ).total_seconds()
                )
                < 5
            )
            second = collector.time_sync(max_drift_s=300)
            assert second["drifted"] == 0
    with services.db.uow() as uow:
        assert uow.session.scalars(select(Alarm.state)).all() == ["cleared"]
