"""Operator management (SEC-1, SEC-2) on SQLite and PostgreSQL: permission-checked, audited,
password rule, lockout release, and the last administrator always stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.errors import (
    AuthenticationError,
    NotFoundError,
    OperatorError,
    PermissionDeniedError,
    WeakPasswordError,
)
from app.models.audit import AuditEntry
from app.models.base import utcnow
from app.models.operator import Operator
from app.services import Services
from app.services.context import Actor
from app.services.operators import MAX_FAILED_LOGINS, create_first_admin
from tests.fixtures.site import build_small_site

ADMIN_PW = "Admin-2026"


@pytest.fixture
def admin(services: Services) -> Actor:
    create_first_admin(services.db, "root", "系统管理员", ADMIN_PW)
    actor, _info = services.operators.login("root", ADMIN_PW)
    return actor


def _audit_actions(services: Services) -> list[tuple[str, str, str]]:
    with services.db.uow() as uow:
        return [
            (a, t, o)
            for a, t, o in uow.session.execute(
                select(AuditEntry.action, AuditEntry.target_id, AuditEntry.operator_login).order_by(
                    AuditEntry.id
                )
            ).all()
        ]


def test_add_edit_and_scope(services: Services, admin: Actor) -> None:
    site = build_small_site(services)
    ops = services.operators
    row = ops.create(
        admin,
        "li",
        "收费员小李",
        "cashier",
        "Cash-1234",
        building_ids=[site.building_ids["A"]],
        repeated="Cash-1234",
    )
    assert (row.role_code, row.all_buildings, row.building_names) == ("cashier", False, ("A栋",))
    actor, info = ops.login("li", "Cash-1234")
    assert actor.building_ids == frozenset({site.building_ids["A"]})
    assert info.role_name == "收费员"
    # the scope is enforced by the services: building B's accounts are not listed
    rooms = {a.room_code for a in services.accounts.list_accounts(actor)}
    assert rooms == {"A-1-01", "A-1-02", "A-1-03"}

    edited = ops.update(admin, row.id, name="电管员小李", role_code="electrician")
    assert (edited.name, edited.role_code, edited.all_buildings) == (
        "电管员小李",
        "electrician",
        True,
    )
    listed = {r.login: r for r in ops.list_operators(admin)}
    assert set(listed) == {"root", "li"} and listed["li"].role_code == "electrician"
    actions = [a for a, _t, _o in _audit_actions(services)]
    assert "operator.create" in actions and "operator.update" in actions
    # no password hash ever reaches the audit log
    with services.db.uow() as uow:
        texts = uow.session.execute(select(AuditEntry.before, AuditEntry.after)).all()
    assert "argon2" not in repr(texts)


def test_password_rule_and_duplicates(services: Services, admin: Actor) -> None:
    ops = services.operators
    for bad, problem in (
        ("short1", "too_short"),
        ("onlyletters", "needs_letter_and_digit"),
        ("12345678", "needs_letter_and_digit"),
    ):
        with pytest.raises(WeakPasswordError) as err:
            ops.create(admin, "wang", "王", "cashier", bad)
        assert err.value.problem == problem
    with pytest.raises(WeakPasswordError) as err:
        ops.create(admin, "wang", "王", "cashier", "Good-1234", repeated="Good-1235")
    assert err.value.problem == "mismatch"
    with pytest.raises(WeakPasswordError):
        ops.create(admin, "wang2024", "王", "cashier", "WANG2024")
    ops.create(admin, "wang", "王", "cashier", "Good-1234")
    with pytest.raises(OperatorError) as dup:
        ops.create(admin, "wang", "王二", "cashier", "Good-1234")
    assert dup.value.reason == "duplicate_login"
    with pytest.raises(OperatorError) as bad_role:
        ops.create(admin, "zhao", "赵", "nobody", "Good-1234")
    assert bad_role.value.reason == "unknown_role"


def test_cashier_is_refused(services: Services, admin: Actor) -> None:
    ops = services.operators
    row = ops.create(admin, "li", "小李", "cashier", "Cash-1234")
    cashier, _ = ops.login("li", "Cash-1234")
    for call in (
        lambda: ops.list_operators(cashier),
        lambda: ops.create(cashier, "x1", "X", "admin", "Evil-1234"),
        lambda: ops.update(cashier, row.id, name="X", role_code="admin"),
        lambda: ops.reset_password(cashier, row.id, "Evil-1234"),
        lambda: ops.release_lockout(cashier, row.id),
        lambda: ops.set_active(cashier, admin.operator_id or 0, False),
        lambda: ops.roles(cashier),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    # but everyone may change their own password
    with pytest.raises(OperatorError) as wrong:
        ops.change_own_password(cashier, "not-it-1", "Newer-1234")
    assert wrong.value.reason == "wrong_current_password"
    ops.change_own_password(cashier, "Cash-1234", "Newer-1234", repeated="Newer-1234")
    with pytest.raises(AuthenticationError):
        ops.login("li", "Cash-1234")
    assert ops.login("li", "Newer-1234")[0].login == "li"
    assert ("operator.change_password", "li", "li") in _audit_actions(services)


def test_lockout_is_released_by_admin_and_by_reset(services: Services, admin: Actor) -> None:
    ops = services.operators
    row = ops.create(admin, "li", "小李", "cashier", "Cash-1234")
    for i in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError) as err:
            ops.login("li", "wrong")
        assert err.value.locked == (i == MAX_FAILED_LOGINS - 1)
    with pytest.raises(AuthenticationError) as locked:
        ops.login("li", "Cash-1234")
    assert locked.value.locked
    listed = {r.login: r for r in ops.list_operators(admin)}["li"]
    assert listed.locked_until is not None and listed.locked_until > utcnow()
    ops.release_lockout(admin, row.id)
    assert {r.login: r for r in ops.list_operators(admin)}["li"].locked_until is None
    assert ops.login("li", "Cash-1234")[0].login == "li"
    # lock again, then a password reset both sets the password and releases the lock
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            ops.login("li", "wrong")
    ops.reset_password(admin, row.id, "Reset-5678", repeated="Reset-5678")
    assert ops.login("li", "Reset-5678")[0].login == "li"
    actions = [a for a, _t, _o in _audit_actions(services)]
    assert "operator.release_lockout" in actions and "operator.reset_password" in actions


def test_expired_lockout_is_not_listed(services: Services, admin: Actor) -> None:
    ops = services.operators
    ops.create(admin, "li", "小李", "cashier", "Cash-1234")
    with services.db.uow() as uow:
        uow.session.execute(
            update(Operator)
            .where(Operator.login == "li")
            .values(locked_until=utcnow() - timedelta(minutes=1))
        )
        uow.commit()
    assert {r.login: r for r in ops.list_operators(admin)}["li"].locked_until is None


def test_last_administrator_stays(services: Services, admin: Actor) -> None:
    ops = services.operators
    assert admin.operator_id is not None
    with pytest.raises(OperatorError) as self_off:
        ops.set_active(admin, admin.operator_id, False)
    assert self_off.value.reason == "self_deactivate"
    with pytest.raises(OperatorError) as demote:
        ops.update(admin, admin.operator_id, name="根", role_code="cashier")
    assert demote.value.reason == "last_admin"
    second = ops.create(admin, "boss", "第二管理员", "admin", "Boss-1234")
    boss, _ = ops.login("boss", "Boss-1234")
    # with two administrators one may go; then the remaining one may not be deactivated
    deactivated = ops.set_active(boss, admin.operator_id, False)
    assert deactivated.active is False
    with pytest.raises(AuthenticationError):
        ops.login("root", ADMIN_PW)
    with pytest.raises(OperatorError) as last:
        ops.update(boss, second.id, name="第二管理员", role_code="supervisor")
    assert last.value.reason == "last_admin"
    ops.set_active(boss, admin.operator_id, True)
    assert ops.login("root", ADMIN_PW)[0].login == "root"
    with pytest.raises(NotFoundError):
        ops.release_lockout(boss, 99_999)


def test_first_admin_takes_over_the_demo_login(services: Services) -> None:
    create_first_admin(services.db, "admin", "管理员甲", "First-1234")
    row = create_first_admin(services.db, "admin", "管理员乙", "Second-1234")
    assert row.name == "管理员乙" and row.is_admin
    with pytest.raises(AuthenticationError):
        services.operators.login("admin", "First-1234")
    actor, info = services.operators.login("admin", "Second-1234")
    assert info.role_code == "admin" and actor.building_ids is None
