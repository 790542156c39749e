"""What the 参数管理 page lists (CTL-6): every template version, the editable parameters of the
profile, and per point the newest download with its template version and state."""

from __future__ import annotations

from app.services import Services
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site


def test_templates_fields_and_downloads(services: Services) -> None:
    build_small_site(services)
    m = add_metering(services)
    params = services.parameters
    fields = params.parameter_fields()
    assert fields["overload_power_limit"] == ("power_limit_kw",)
    assert "p4_power_limit_kw" in fields["time_period_power_limits"]
    params.save_template(
        ADMIN, "P1", "宿舍限功率", {"overload_power_limit": {"power_limit_kw": "3"}}
    )
    params.save_template(
        ADMIN, "P1", "宿舍限功率", {"overload_power_limit": {"power_limit_kw": "2.5"}}
    )
    params.save_template(
        ADMIN, "T1", "温度保护", {"temperature_limit": {"temperature_limit_c": "70"}}
    )
    listed = [(t.code, t.version, t.params) for t in params.templates(ADMIN)]
    assert listed == [
        ("P1", 2, {"overload_power_limit": {"power_limit_kw": "2.5"}}),
        ("P1", 1, {"overload_power_limit": {"power_limit_kw": "3"}}),
        ("T1", 1, {"temperature_limit": {"temperature_limit_c": "70"}}),
    ]
    a1, b1 = m.elec["A-1-01"], m.elec["B-1-01"]
    params.apply(ADMIN, "P1", [a1, b1], version=1)
    # one download at a time per meter: T1 waits until P1 is done
    assert set(params.apply(ADMIN, "T1", [a1]).skipped) == {a1}
    rows = {d.point_id: d for d in params.downloads(ADMIN)}
    assert set(rows) == {a1, b1}
    assert (rows[a1].template, rows[a1].version, rows[a1].state) == ("P1", 1, "pending")
    assert (rows[b1].template, rows[b1].version, rows[b1].room_code) == ("P1", 1, "B-1-01")
