"""Account views for the desk: details, supply state with the latest switch command, ledger
filtered by a time range (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from app.domain.permissions import Perm
from app.errors import PermissionDeniedError
from app.models import MeasurementPoint
from app.services import Services
from app.services.context import Actor
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site


def test_details_carry_room_and_tenancy(services: Services) -> None:
    site = build_small_site(services)
    d = services.accounts.details(ADMIN, site.accounts["A-1-02"])
    assert d.summary.tenant_name == "李芳餐馆"
    assert (d.room_type, d.area_m2, d.occupants) == ("shop", Decimal("35.50"), 2)
    assert d.move_in is not None and d.move_out is None


def test_supply_status_shows_cut_points_and_their_latest_command(services: Services) -> None:
    site = build_small_site(services)
    metering = add_metering(services)
    account = site.accounts["A-1-01"]
    elec, water = metering.elec["A-1-01"], metering.water["A-1-01"]
    before = services.accounts.supply_status(ADMIN, account)
    assert [(p.point_id, p.utility, p.command_id) for p in before] == [
        (elec, "electricity", None),
        (water, "water", None),
    ]
    with services.db.uow() as uow:
        uow.session.execute(
            update(MeasurementPoint)
            .where(MeasurementPoint.id == elec)
            .values(relay_state="open", trip_cause="manual")
        )
        uow.commit()
    services.control.request(ADMIN, [elec], "trip", "测试")
    [cmd] = services.control.request(ADMIN, [elec], "close", "测试恢复")
    now = {p.point_id: p for p in services.accounts.supply_status(ADMIN, account)}
    assert now[elec].relay_state == "open" and now[elec].trip_cause == "manual"
    assert (now[elec].command_id, now[elec].command_kind, now[elec].command_state) == (
        cmd,
        "close",
        "pending",
    )
    assert now[water].command_id is None


def test_supply_status_needs_the_view_permission(services: Services) -> None:
    site = build_small_site(services)
    nobody = Actor(9, "x", frozenset({Perm.TOP_UP}))
    with pytest.raises(PermissionDeniedError):
        services.accounts.supply_status(nobody, site.accounts["A-1-01"])


def test_ledger_page_time_range(services: Services) -> None:
    site = build_small_site(services)
    account = site.accounts["B-1-01"]
    t0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    for day in range(5):
        services.cashier.top_up(
            ADMIN, account, 100 * (day + 1), "cash", f"d{day}", at=t0 + timedelta(days=day)
        )
    page = services.accounts.ledger_page(
        ADMIN, account, since=t0 + timedelta(days=1), until=t0 + timedelta(days=3)
    )
    assert [e.amount_fen for e in page.entries] == [300, 200]
    assert page.total == 2
    page = services.accounts.ledger_page(
        ADMIN, account, since=t0 + timedelta(days=3), kinds=("top_up",), limit=1
    )
    assert [e.amount_fen for e in page.entries] == [500] and page.total == 2
