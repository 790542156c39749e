"""Alarm list for the alarms page (MON-3): places, building filter and scope, ack and clear."""

from __future__ import annotations

import pytest

from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.services import Services
from app.services.context import Actor
from tests.fixtures.overview import build_overview_site
from tests.fixtures.site import ADMIN


def test_list_names_room_point_and_who_acknowledged(services: Services) -> None:
    built = build_overview_site(services)
    open_alarms = services.alarms.list(open_only=True, actor=ADMIN)
    assert [(a.kind, a.state, a.room_code, a.point_code) for a in open_alarms] == [
        ("arrears_cut", "acknowledged", "B-1-02", None),
        ("comm_offline", "active", "A-1-03", "E-A-1-03"),
    ]
    assert open_alarms[1].meter_address == built.metering.addresses[built.metering.elec["A-1-03"]]
    everything = services.alarms.list(open_only=False, actor=ADMIN)
    assert [a.kind for a in everything] == ["reading_anomaly", "arrears_cut", "comm_offline"]
    assert services.alarms.list(open_only=False, kind="reading_anomaly")[0].room_code == "A-1-01"
    b = built.site.building_ids["B"]
    assert [a.kind for a in services.alarms.list(open_only=False, building_id=b)] == ["arrears_cut"]
    assert services.alarms.count_open(ADMIN) == 2
    services.alarms.acknowledge(ADMIN, built.alarm_ids["offline"])
    acked = services.alarms.list(kind="comm_offline")[0]
    assert acked.state == "acknowledged" and acked.acked_at is not None
    services.alarms.clear(ADMIN, built.alarm_ids["offline"])
    assert services.alarms.count_open(ADMIN) == 1
    with pytest.raises(ValidationError):
        services.alarms.acknowledge(ADMIN, built.alarm_ids["offline"])


def test_scoped_operator_sees_and_handles_only_their_buildings(services: Services) -> None:
    built = build_overview_site(services)
    b = built.site.building_ids["B"]
    actor = Actor(None, "b-only", frozenset({"account.view", "device.manage"}), frozenset({b}))
    assert [a.room_code for a in services.alarms.list(open_only=False, actor=actor)] == ["B-1-02"]
    assert services.alarms.count_open(actor) == 1
    with pytest.raises(NotFoundError):
        services.alarms.acknowledge(actor, built.alarm_ids["offline"])
    with pytest.raises(NotFoundError):
        services.alarms.clear(actor, built.alarm_ids["offline"])
    services.alarms.clear(actor, built.alarm_ids["cut"])
    assert services.alarms.count_open(ADMIN) == 1
    viewer = Actor(None, "cashier", frozenset({"account.view"}), None)
    with pytest.raises(PermissionDeniedError):
        services.alarms.acknowledge(viewer, built.alarm_ids["offline"])
    with pytest.raises(PermissionDeniedError):
        services.alarms.list(actor=Actor(None, "nobody", frozenset(), None))
