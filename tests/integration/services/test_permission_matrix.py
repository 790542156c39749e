"""SEC-2 in the service layer, table-driven: every role × every sensitive action, on SQLite and
PostgreSQL. An action the role lacks raises PermissionDeniedError and writes nothing; an action it
holds goes through. Building scopes: a cashier of building A neither sees nor tops up building B.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from app.domain.permissions import ROLES, Perm
from app.errors import AccountNotFoundError, PermissionDeniedError
from app.models import LedgerEntry, Room
from app.models.audit import AuditEntry
from app.models.command import Command
from app.models.gateway import Gateway
from app.models.operator import Operator
from app.services import Services
from app.services.audit_check import verify_audit_log
from app.services.context import Actor
from app.services.devices import GatewayInput
from app.services.operators import ensure_roles
from tests.fixtures.metering import add_metering
from tests.fixtures.site import ADMIN, build_small_site


@dataclass
class World:
    services: Services
    accounts: dict[str, str]
    building_ids: dict[str, int]
    point_id: int
    entry_id: int  # a top-up the actor may reverse
    out: Path


def _counts(services: Services) -> dict[str, int]:
    renamed = int(services.settings.get("site.name") == "改名后的小区")
    with services.db.uow() as uow:
        s = uow.session
        return {
            name: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in (
                ("ledger", LedgerEntry),
                ("commands", Command),
                ("gateways", Gateway),
                ("operators", Operator),
                ("audit", AuditEntry),
            )
        } | {"site_name": renamed}


# action → (permission it needs, the call, what a success changes)
Action = Callable[[World, Actor], object]
ACTIONS: dict[str, tuple[str, Action, str | None]] = {
    "view account": (
        Perm.ACCOUNT_VIEW,
        lambda w, a: w.services.accounts.summary(a, w.accounts["A-1-01"]),
        None,
    ),
    "open account": (
        Perm.ACCOUNT_OPEN,
        lambda w, a: w.services.accounts.open_account(a, "A-1-09", "新商户", "13900000009"),
        "audit",
    ),
    "top up": (
        Perm.TOP_UP,
        lambda w, a: w.services.cashier.top_up(a, w.accounts["A-1-01"], 500, "cash", "matrix-1"),
        "ledger",
    ),
    "refund": (
        Perm.REFUND,
        lambda w, a: w.services.cashier.refund(a, w.accounts["A-1-01"], 100, "退租退款"),
        "ledger",
    ),
    "adjust": (
        Perm.ADJUST,
        lambda w, a: w.services.cashier.adjust(a, w.accounts["A-1-01"], -100, "抄表差错更正"),
        "ledger",
    ),
    "reverse": (
        Perm.REVERSE,
        lambda w, a: w.services.cashier.reverse(a, w.entry_id, "误充冲正"),
        "ledger",
    ),
    "trip a relay": (
        Perm.DEVICE_CONTROL,
        lambda w, a: w.services.control.request(a, [w.point_id], "trip", "线路检修"),
        "commands",
    ),
    "add a gateway": (
        Perm.DEVICE_MANAGE,
        lambda w, a: w.services.devices.save_gateway(
            a, GatewayInput(code="GX9", name="新网关", transport="tcp", host="10.0.0.9")
        ),
        "gateways",
    ),
    "export the monthly report": (
        Perm.REPORT_EXPORT,
        lambda w, a: w.services.reports.export_monthly(a, 2026, 10, w.out / "月报.xlsx"),
        None,
    ),
    "change settings": (
        Perm.SETTINGS,
        lambda w, a: w.services.settings.set(a, "site.name", "改名后的小区"),
        "site_name",
    ),
    "add an operator": (
        Perm.OPERATORS,
        lambda w, a: w.services.operators.create(a, "newop", "新操作员", "cashier", "Passw0rd-9"),
        "operators",
    ),
    "verify the audit log": (
        Perm.AUDIT_VIEW,
        lambda w, a: verify_audit_log(w.services.db, a),
        None,
    ),
}


@pytest.fixture
def world(services: Services, tmp_path: Path) -> World:
    site = build_small_site(services)
    m = add_metering(services)
    with services.db.uow() as uow:
        s = uow.session
        ensure_roles(s)
        floor_of_a = s.scalar(select(Room.floor_id).where(Room.code == "A-1-01"))
        s.execute(
            insert(Room).values(
                building_id=site.building_ids["A"],
                floor_id=floor_of_a,
                code="A-1-09",
                name="A栋109室",
                room_type="shop",
                area_m2=Decimal("20.00"),
                occupants=1,
                notes="",
            )
        )
        uow.commit()
    booked = services.cashier.top_up(ADMIN, site.accounts["A-1-01"], 10_000, "cash", "seed-1")
    return World(
        services, site.accounts, site.building_ids, m.elec["A-1-01"], booked.entry_id, tmp_path
    )


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_role_against_every_sensitive_action(world: World, role: str) -> None:
    permissions = ROLES[role][1]
    actor = Actor(None, f"{role}-1", frozenset(permissions), None)
    outcomes: dict[str, str] = {}
    for name, (_permission, call, effect) in ACTIONS.items():
        before = _counts(world.services)
        try:
            call(world, actor)
        except PermissionDeniedError:
            outcomes[name] = "denied"
            assert _counts(world.services) == before, f"{role} {name}: denied but wrote"
            continue
        outcomes[name] = "allowed"
        if effect is not None:
            assert _counts(world.services)[effect] > before[effect], f"{role} {name}: no effect"
    expected = {
        name: "allowed" if permission in permissions else "denied"
        for name, (permission, _call, _effect) in ACTIONS.items()
    }
    assert outcomes == expected


def test_building_scope_hides_and_refuses_other_buildings(world: World) -> None:
    cashier_perms = ROLES["cashier"][1]
    scoped = Actor(
        None, "cashier-a", frozenset(cashier_perms), frozenset({world.building_ids["A"]})
    )
    s = world.services
    seen = {a.account_no for a in s.accounts.list_accounts(scoped)}
    assert seen and all(no.startswith("A-") for no in seen)
    assert all(a.account_no.startswith("A-") for a in s.accounts.search(scoped, "1"))
    before = _counts(s)
    hidden = (PermissionDeniedError, AccountNotFoundError)  # not even its existence shows
    with pytest.raises(hidden):
        s.accounts.summary(scoped, world.accounts["B-1-01"])
    with pytest.raises(hidden):
        s.cashier.top_up(scoped, world.accounts["B-1-01"], 500, "cash", "scope-1")
    with pytest.raises(hidden):
        s.cashier.refund(scoped, world.accounts["B-1-01"], 100, "退租退款")
    assert _counts(s) == before
    done = s.cashier.top_up(scoped, world.accounts["A-1-01"], 500, "cash", "scope-2")
    assert done.balance_after_fen == 10_500
