"""Monitoring rows (MON-2) and manual control requests (CTL-5) on SQLite and PostgreSQL: every
point of a utility with room, meter, last reading, switch and online state in a few queries;
building scopes; read-now, trip and keep-power requests with their progress."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, insert, select, update

from app.domain.permissions import Perm
from app.errors import PermissionDeniedError, ValidationError
from app.models import AuditEntry, MeasurementPoint, Reading
from app.services import Services
from app.services.context import Actor
from tests.fixtures.metering import Metering, add_metering
from tests.fixtures.site import ADMIN, build_small_site

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def site(services: Services) -> tuple[Services, Metering, dict[str, int]]:
    small = build_small_site(services)
    m = add_metering(services)
    with services.db.uow() as uow:
        s = uow.session
        # A-1-01 read 10 minutes ago, A-1-02 two days ago, the rest never
        for room, at, value in (
            ("A-1-01", NOW - timedelta(minutes=10), Decimal("123.45")),
            ("A-1-02", NOW - timedelta(days=2), Decimal("7.5")),
        ):
            pid = m.elec[room]
            s.execute(
                insert(Reading).values(
                    point_id=pid,
                    meter_id=m.meters[pid],
                    register="total",
                    value=value,
                    meter_time=at,
                    received_at=at,
                    source="auto",
                    status="ok",
                )
            )
            s.execute(
                update(MeasurementPoint).where(MeasurementPoint.id == pid).values(last_read_at=at)
            )
        s.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id == m.elec["B-1-01"])
            .values(relay_state="open", trip_cause="arrears", tripped_at=NOW - timedelta(hours=1))
        )
        uow.commit()
    return services, m, small.building_ids


@contextmanager
def count_queries(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(*args: object) -> None:
        seen.append(str(args[2]))

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def test_every_point_with_reading_switch_and_online_state(
    site: tuple[Services, Metering, dict[str, int]],
) -> None:
    services, m, _ = site
    rows = services.monitoring.points(ADMIN, "electricity", now=NOW)
    by_room = {r.room_code: r for r in rows}
    assert sorted(by_room) == ["A-1-01", "A-1-02", "A-1-03", "B-1-01", "B-1-02"]
    a1 = by_room["A-1-01"]
    assert a1.last_value == Decimal("123.45")
    assert a1.last_read_at == NOW - timedelta(minutes=10)
    assert a1.online == "online"
    assert a1.meter_address == m.addresses[m.elec["A-1-01"]]
    assert a1.building_name == "A栋" and a1.room_name == "A栋101室"
    assert by_room["A-1-02"].online == "offline"  # two days without a reading
    assert by_room["A-1-03"].online == "never" and by_room["A-1-03"].last_value is None
    b1 = by_room["B-1-01"]
    assert (b1.relay_state, b1.trip_cause) == ("open", "arrears")
    assert a1.relay_state == "closed" and a1.has_switch
    water = services.monitoring.points(ADMIN, "water", now=NOW)
    assert {r.point_id for r in water} == set(m.water.values())
    assert all(r.utility == "water" for r in water)
    with pytest.raises(ValidationError):
        services.monitoring.points(ADMIN, "gas")


def test_filters_and_building_scope(site: tuple[Services, Metering, dict[str, int]]) -> None:
    services, _m, buildings = site
    only_b = services.monitoring.points(ADMIN, "electricity", building_id=buildings["B"])
    assert [r.room_code for r in only_b] == ["B-1-01", "B-1-02"]
    by_text = services.monitoring.points(ADMIN, "electricity", text="a栋102")
    assert [r.room_code for r in by_text] == ["A-1-02"]
    scoped = Actor(
        7, "el-a", frozenset({Perm.ACCOUNT_VIEW, Perm.DEVICE_CONTROL}), frozenset({buildings["A"]})
    )
    assert [r.room_code for r in services.monitoring.points(scoped, "electricity")] == [
        "A-1-01",
        "A-1-02",
        "A-1-03",
    ]
    assert [b.code for b in services.monitoring.buildings(scoped)] == ["A"]
    outside = services.monitoring.points(ADMIN, "electricity", building_id=buildings["B"])[0]
    with pytest.raises(PermissionDeniedError):
        services.control.request(scoped, [outside.point_id], "trip", "越权")
    nobody = Actor(8, "guest", frozenset())
    with pytest.raises(PermissionDeniedError):
        services.monitoring.points(nobody, "electricity")


def test_a_whole_site_in_a_few_queries(site: tuple[Services, Metering, dict[str, int]]) -> None:
    services, m, _ = site
    services.control.request(ADMIN, list(m.elec.values()), "read", "抄读测试")
    with count_queries(services) as seen:
        rows = services.monitoring.points(ADMIN, "electricity", now=NOW)
    selects = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
    assert len(rows) == 5
    assert len(selects) <= 4, selects  # settings, points, newest commands — not one per point


def test_requests_and_their_progress(site: tuple[Services, Metering, dict[str, int]]) -> None:
    services, m, _ = site
    a1, a2 = m.elec["A-1-01"], m.elec["A-1-02"]
    [read_id] = services.control.request(ADMIN, [a1], "read", "现场核对")
    trip_ids = services.control.request(ADMIN, [a2], "trip", "配合检修")
    progress = services.monitoring.command_progress(ADMIN, [a1, a2])
    assert (progress[a1].command_id, progress[a1].kind, progress[a1].state) == (
        read_id,
        "read",
        "pending",
    )
    assert (progress[a2].kind, progress[a2].state, progress[a2].final) == ("trip", "pending", False)
    assert [progress[a2].command_id] == trip_ids
    row = {r.point_id: r for r in services.monitoring.points(ADMIN, "electricity")}[a2]
    assert row.last_command is not None and row.last_command.kind == "trip"
    with pytest.raises(ValidationError):
        services.control.request(ADMIN, [a1], "read", "  ")
    # water points are cut by closing the valve
    [valve] = services.control.request(ADMIN, [m.water["A-1-01"]], "trip", "漏水")
    assert (
        services.monitoring.command_progress(ADMIN, [m.water["A-1-01"]])[m.water["A-1-01"]].kind
        == "valve-close"
    )
    assert valve > 0


def test_keep_power_on_and_off_is_audited(site: tuple[Services, Metering, dict[str, int]]) -> None:
    services, m, _ = site
    pump = m.elec["A-1-03"]
    assert services.control.set_keep_power(ADMIN, [pump], True, "消防水泵") == 1
    assert services.control.set_keep_power(ADMIN, [pump], True, "消防水泵") == 0
    row = {r.point_id: r for r in services.monitoring.points(ADMIN, "electricity")}[pump]
    assert row.keep_power
    assert services.control.set_keep_power(ADMIN, [pump], False, "水泵已拆除") == 1
    with services.db.uow() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEntry.action).where(AuditEntry.action == "control.keep_power")
            )
        )
    assert len(actions) == 2
    viewer = Actor(9, "viewer", frozenset({Perm.ACCOUNT_VIEW}))
    with pytest.raises(PermissionDeniedError):
        services.control.set_keep_power(viewer, [pump], True, "x")
