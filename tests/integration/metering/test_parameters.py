"""Parameter templates downloaded to meters and confirmed by read-back (CTL-6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.comms.simulator import Simulator
from app.errors import ValidationError
from app.services import Services
from app.services.collector import Collector
from app.services.parameters import ParameterService
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site
from tests.integration.metering.test_end_to_end import free_port, sim_site


def test_template_download_confirmed_by_read_back(services: Services) -> None:
    build_small_site(services)
    port = free_port()
    m = add_metering(services, port=port)
    params = ParameterService(services.db)
    with pytest.raises(ValidationError):
        params.save_template(ADMIN, "P1", "空模板", {})
    assert (
        params.save_template(
            ADMIN, "P1", "宿舍限功率", {"overload_power_limit": {"power_limit_kw": "3"}}
        )
        == 1
    )
    assert (
        params.save_template(
            ADMIN, "P1", "宿舍限功率", {"overload_power_limit": {"power_limit_kw": "2.5"}}
        )
        == 2
    )
    points = [m.elec["B-1-01"], m.elec["B-1-02"], m.water["B-1-01"]]
    result = params.apply(ADMIN, "P1", points)
    assert sorted(result.queued) == sorted(points[:2])
    assert "不支持参数" in result.skipped[m.water["B-1-01"]]
    assert params.apply(ADMIN, "P1", points[:1]).skipped == {points[0]: "已有未完成的参数下发命令"}
    with Simulator(sim_site(m, port), turnaround_ms=1) as sim:
        collector = Collector(services.db)
        collector.sync_on_reconnect = False
        with collector:
            report = collector.run_commands()
        assert report.confirmed == 2
        for pid in points[:2]:
            assert sim.meter(m.addresses[pid]).overload_limit_w == Decimal("2500")
        assert sim.meter(m.addresses[m.elec["A-1-01"]]).overload_limit_w != Decimal("2500")
    status = params.status("P1")
    assert [(s.point_id, s.state) for s in status] == [(p, "confirmed") for p in points[:2]]
