"""Overview service (MON-1) on real databases: exact figures from the overview fixture."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event

from app.errors import PermissionDeniedError, ValidationError
from app.services import Services
from app.services.context import Actor
from app.services.overview import RoomState
from tests.fixtures.overview import NOW, build_overview_site
from tests.fixtures.site import ADMIN


def _actor(building_ids: frozenset[int] | None, perms: frozenset[str]) -> Actor:
    return Actor(7, "scoped", perms, building_ids)


def test_snapshot_figures(services: Services) -> None:
    build_overview_site(services)
    snap = services.overview.snapshot(ADMIN, now=NOW)
    assert (snap.today, snap.timezone) == (date(2026, 11, 24), "Asia/Shanghai")
    assert (snap.gateways_total, snap.gateways_online) == (2, 1)
    assert (snap.meters_total, snap.meters_online) == (10, 9)
    assert (snap.top_ups_today, snap.top_ups_today_fen) == (2, 25000)
    assert (snap.electricity_kwh_today, snap.electricity_fen_today) == (Decimal("15.5"), 1054)
    assert (snap.water_m3_today, snap.water_fen_today) == (Decimal(2), 840)
    assert snap.accounts_total == 5
    assert snap.accounts_by_state == {
        "normal": 1,
        "warning": 1,
        "urgent": 1,
        "arrears": 1,
        "cut": 1,
    }
    assert (snap.rooms_total, snap.rooms_offline, snap.rooms_not_opened) == (6, 1, 1)
    assert (snap.alarms_open, snap.alarms_unacknowledged) == (2, 1)


def test_room_states_one_tile_per_room(services: Services) -> None:
    built = build_overview_site(services)
    tiles = services.overview.room_states(ADMIN, now=NOW)
    assert [(t.room_code, t.state) for t in tiles] == [
        ("A-1-01", RoomState.NORMAL),
        ("A-1-02", RoomState.WARNING),
        ("A-1-03", RoomState.OFFLINE),
        ("B-1-01", RoomState.ARREARS),
        ("B-1-02", RoomState.CUT),
        ("B-1-03", RoomState.NOT_OPENED),
    ]
    a3 = tiles[2]
    assert a3.account_state == RoomState.URGENT
    assert (a3.balance_fen, a3.points, a3.points_offline, a3.tenant_name) == (500, 2, 1, "张伟理发")
    assert a3.account_no == built.site.accounts["A-1-03"]
    vacant = tiles[5]
    assert (vacant.account_no, vacant.balance_fen, vacant.points) == (None, None, 0)
    assert tiles[4].points_cut == 1 and tiles[4].balance_fen == 8000
    b_tiles = services.overview.room_states(ADMIN, built.site.building_ids["B"], now=NOW)
    assert [t.room_code for t in b_tiles] == ["B-1-01", "B-1-02", "B-1-03"]
    floor_b = b_tiles[0].floor_id
    assert len(services.overview.room_states(ADMIN, floor_id=floor_b, now=NOW)) == 3
    # an hour later every point is stale: each room with an account and points is offline,
    # except those in arrears or cut, which stay what they are
    later = services.overview.room_states(ADMIN, now=NOW.replace(hour=6))
    assert [t.state for t in later] == [
        RoomState.OFFLINE,
        RoomState.OFFLINE,
        RoomState.OFFLINE,
        RoomState.ARREARS,
        RoomState.CUT,
        RoomState.NOT_OPENED,
    ]


def test_daily_consumption_by_local_day(services: Services) -> None:
    build_overview_site(services)
    days = services.overview.daily_consumption(ADMIN, days=3, now=NOW)
    assert [
        (d.day, d.electricity_kwh, d.electricity_fen, d.water_m3, d.water_fen) for d in days
    ] == [
        (date(2026, 11, 22), Decimal(20), 1360, Decimal(0), 0),
        (date(2026, 11, 23), Decimal(3), 204, Decimal(0), 0),
        (date(2026, 11, 24), Decimal("15.5"), 1054, Decimal(2), 840),
    ]
    month = services.overview.daily_consumption(ADMIN, now=NOW)
    assert len(month) == 30 and month[0].day == date(2026, 10, 26)
    assert sum(d.electricity_fen for d in month) == 1360 + 204 + 1054
    with pytest.raises(ValidationError):
        services.overview.daily_consumption(ADMIN, days=0, now=NOW)


def test_building_scope(services: Services) -> None:
    built = build_overview_site(services)
    b = built.site.building_ids["B"]
    actor = _actor(frozenset({b}), frozenset({"account.view"}))
    snap = services.overview.snapshot(actor, now=NOW)
    assert (snap.gateways_total, snap.gateways_online) == (1, 1)
    assert (snap.meters_total, snap.meters_online) == (4, 4)
    assert (snap.top_ups_today, snap.top_ups_today_fen) == (1, 5000)
    assert (snap.electricity_kwh_today, snap.water_m3_today) == (Decimal("5.5"), Decimal(0))
    assert snap.accounts_total == 2 and snap.accounts_arrears == 1 and snap.accounts_cut == 1
    assert (snap.alarms_open, snap.alarms_unacknowledged) == (1, 0)
    assert [t.room_code for t in services.overview.room_states(actor, now=NOW)] == [
        "B-1-01",
        "B-1-02",
        "B-1-03",
    ]
    assert [x.code for x in services.overview.buildings(actor)] == ["B"]
    days = services.overview.daily_consumption(actor, days=3, now=NOW)
    assert [d.electricity_fen for d in days] == [1360, 0, 374]
    nobody = _actor(None, frozenset())
    with pytest.raises(PermissionDeniedError):
        services.overview.snapshot(nobody, now=NOW)
    with pytest.raises(PermissionDeniedError):
        services.overview.room_states(nobody, now=NOW)


def test_buildings_with_floors(services: Services) -> None:
    build_overview_site(services)
    tree = services.overview.buildings(ADMIN)
    assert [(b.code, b.name, [f.name for f in b.floors]) for b in tree] == [
        ("A", "A栋", ["1层"]),
        ("B", "B栋", ["1层"]),
    ]


def test_a_few_queries_whatever_the_number_of_rooms(services: Services) -> None:
    build_overview_site(services)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(services.db.engine, "before_cursor_execute", count)
    try:
        services.overview.snapshot(ADMIN, now=NOW)
        services.overview.room_states(ADMIN, now=NOW)
        services.overview.daily_consumption(ADMIN, now=NOW)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 14, selects
