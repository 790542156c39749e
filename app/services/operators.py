"""Operators: password hashing (argon2), login with lockout, and operator management (SEC-1,
SEC-2)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.passwords import password_problem
from app.domain.permissions import ALL_PERMISSIONS, ROLES, Perm
from app.errors import (
    AuthenticationError,
    NotFoundError,
    OperatorError,
    PermissionDeniedError,
    WeakPasswordError,
)
from app.models.base import utcnow
from app.models.operator import Operator, Role, operator_buildings
from app.models.site import Building
from app.services import audit
from app.services.context import Actor
from app.services.unit_of_work import Database

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,31}$")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError):
        return False


@dataclass(frozen=True)
class OperatorInfo:
    id: int
    login: str
    name: str
    role_code: str
    role_name: str


@dataclass(frozen=True)
class RoleInfo:
    code: str
    name: str
    permissions: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return Perm.OPERATORS in self.permissions


@dataclass(frozen=True)
class BuildingChoice:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class OperatorRow:
    """One operator as the 操作员 page lists it (never the password hash)."""

    id: int
    login: str
    name: str
    role_code: str
    role_name: str
    is_admin: bool
    all_buildings: bool
    building_ids: tuple[int, ...]
    building_names: tuple[str, ...]
    active: bool
    failed_logins: int
    locked_until: datetime | None  # set only while the lockout lasts
    created_at: datetime


def check_new_password(password: str, login: str = "", repeated: str | None = None) -> None:
    problem = password_problem(password, login, repeated)
    if problem is not None:
        raise WeakPasswordError(problem.value)


def ensure_roles(session: Session) -> dict[str, int]:
    """Insert the roles of the permission matrix that the database lacks; code → role id."""
    existing = dict(session.execute(select(Role.code, Role.id)).all())
    for code, (name, perms) in ROLES.items():
        if code not in existing:
            role = Role(code=code, name=name, permissions=sorted(perms))
            session.add(role)
            session.flush()
            existing[code] = role.id
    return existing


def _admin_role_ids(session: Session) -> set[int]:
    return {
        rid
        for rid, perms in session.execute(select(Role.id, Role.permissions)).all()
        if Perm.OPERATORS in (perms or [])
    }


def _clean_login(login: str) -> str:
    login = login.strip()
    if not _LOGIN_RE.match(login):
        raise OperatorError("bad_login", login)
    return login


def _clean_name(name: str, login: str) -> str:
    name = name.strip()
    if not name or len(name) > 64:
        raise OperatorError("empty_name", login)
    return name


class OperatorService:
    """Operator management (SEC-1, SEC-2): list, add, edit role and building scope, reset a
    password, release a lockout, (de)activate; and "change my password" for everyone. Every
    change is one transaction with an audit entry; passwords follow the password rule; the last
    active administrator can be neither deactivated nor given another role."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def has_operators(self) -> bool:
        """Whether any active operator exists (then every front end must log in)."""
        with self.db.uow() as uow:
            found = uow.session.execute(
                select(Operator.id).where(Operator.active.is_(True)).limit(1)
            ).first()
            return found is not None

    def login(self, login: str, password: str) -> tuple[Actor, OperatorInfo]:
        """Check the password; lock the operator out after repeated failures."""
        now = utcnow()
        with self.db.uow() as uow:
            s = uow.session
            row = s.execute(
                select(Operator, Role)
                .join(Role, Role.id == Operator.role_id)
                .where(Operator.login == login)
            ).first()
            if row is None or not row[0].active:
                raise AuthenticationError(login)
            op, role = row
            if op.locked_until is not None and op.locked_until > now:
                raise AuthenticationError(
                    login, "locked after repeated failures; try later", locked=True
                )
            if not check_password(op.password_hash, password):
                op.failed_logins += 1
                locked = op.failed_logins >= MAX_FAILED_LOGINS
                if locked:
                    op.locked_until = now + LOCKOUT
                    op.failed_logins = 0
                uow.commit()
                raise AuthenticationError(login, locked=locked)
            op.failed_logins = 0
            op.locked_until = None
            buildings = None
            if not op.all_buildings:
                buildings = frozenset(
                    b
                    for (b,) in s.execute(
                        select(operator_buildings.c.building_id).where(
                            operator_buildings.c.operator_id == op.id
                        )
                    )
                )
            actor = Actor(op.id, op.login, frozenset(role.permissions), buildings)
            audit.record(s, actor, "login", "operator", op.login, at=now)
            uow.commit()
            return actor, OperatorInfo(op.id, op.login, op.name, role.code, role.name)

    # -- reading ------------------------------------------------------------------------------

    def roles(self, actor: Actor) -> list[RoleInfo]:
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            rows = uow.session.execute(select(Role).order_by(Role.id)).scalars()
            return [RoleInfo(r.code, r.name, frozenset(r.permissions or [])) for r in rows]

    def buildings(self, actor: Actor) -> list[BuildingChoice]:
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            rows = uow.session.execute(
                select(Building.id, Building.code, Building.name).order_by(
                    Building.sort_order, Building.code
                )
            ).all()
            return [BuildingChoice(i, c, n) for i, c, n in rows if actor.may_see_building(i)]

    def list_operators(self, actor: Actor) -> list[OperatorRow]:
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            return self._rows(uow.session)

    def _rows(self, session: Session, operator_id: int | None = None) -> list[OperatorRow]:
        now = utcnow()
        names = dict(session.execute(select(Building.id, Building.name)).all())
        scopes: dict[int, list[int]] = {}
        for op_id, b_id in session.execute(
            select(operator_buildings.c.operator_id, operator_buildings.c.building_id)
        ).all():
            scopes.setdefault(op_id, []).append(b_id)
        stmt = select(Operator, Role).join(Role, Role.id == Operator.role_id).order_by(Operator.id)
        if operator_id is not None:
            stmt = stmt.where(Operator.id == operator_id)
        out = []
        for op, role in session.execute(stmt).all():
            ids = tuple(sorted(scopes.get(op.id, []))) if not op.all_buildings else ()
            locked = op.locked_until if op.locked_until and op.locked_until > now else None
            out.append(
                OperatorRow(
                    op.id,
                    op.login,
                    op.name,
                    role.code,
                    role.name,
                    Perm.OPERATORS in (role.permissions or []),
                    op.all_buildings,
                    ids,
                    tuple(names.get(i, str(i)) for i in ids),
                    op.active,
                    op.failed_logins,
                    locked,
                    op.created_at,
                )
            )
        return out

    # -- writing ------------------------------------------------------------------------------

    def _role(self, session: Session, code: str) -> Role:
        role = session.execute(select(Role).where(Role.code == code)).scalar_one_or_none()
        if role is None:
            raise OperatorError("unknown_role", code)
        return role

    def _scope(
        self, session: Session, actor: Actor, building_ids: Iterable[int] | None, login: str
    ) -> list[int] | None:
        if building_ids is None:
            if actor.building_ids is not None:
                raise PermissionDeniedError(actor.login, Perm.OPERATORS)
            return None
        ids = sorted(set(building_ids))
        if not ids:
            raise OperatorError("empty_scope", login)
        known = set(session.execute(select(Building.id).where(Building.id.in_(ids))).scalars())
        if known != set(ids):
            raise OperatorError("unknown_building", login)
        if not all(actor.may_see_building(i) for i in ids):
            raise PermissionDeniedError(actor.login, Perm.OPERATORS)
        return ids

    def _set_scope(self, session: Session, op: Operator, ids: list[int] | None) -> None:
        session.execute(delete(operator_buildings).where(operator_buildings.c.operator_id == op.id))
        op.all_buildings = ids is None
        if ids:
            session.execute(
                insert(operator_buildings),
                [{"operator_id": op.id, "building_id": b} for b in ids],
            )

    def _load(self, session: Session, operator_id: int, *, lock: bool) -> Operator:
        stmt = select(Operator).where(Operator.id == operator_id)
        if lock and not self.db.is_sqlite:
            stmt = stmt.with_for_update()
        op = session.execute(stmt).scalar_one_or_none()
        if op is None:
            raise NotFoundError("operator", operator_id)
        return op

    def _other_active_admins(self, session: Session, op: Operator) -> int:
        """Active administrators other than ``op``, their rows locked on PostgreSQL so that two
        desks cannot each remove one of the last two."""
        admin_roles = _admin_role_ids(session)
        stmt = select(Operator.id).where(
            Operator.role_id.in_(admin_roles), Operator.active.is_(True), Operator.id != op.id
        )
        if not self.db.is_sqlite:
            stmt = stmt.with_for_update()
        return len(list(session.execute(stmt).scalars()))

    @staticmethod
    def _snapshot(op: Operator, role_code: str, scope: list[int] | None) -> dict[str, object]:
        return {
            "name": op.name,
            "role": role_code,
            "buildings": "all" if scope is None else scope,
            "active": op.active,
        }

    def create(
        self,
        actor: Actor,
        login: str,
        name: str,
        role_code: str,
        password: str,
        *,
        building_ids: Iterable[int] | None = None,
        repeated: str | None = None,
    ) -> OperatorRow:
        """Add an operator; ``building_ids`` ``None`` = every building."""
        actor.require(Perm.OPERATORS)
        login = _clean_login(login)
        name = _clean_name(name, login)
        check_new_password(password, login, repeated)
        password_hash = hash_password(password)  # slow: before the transaction
        with self.db.uow() as uow:
            s = uow.session
            if s.execute(select(Operator.id).where(Operator.login == login)).first():
                raise OperatorError("duplicate_login", login)
            role = self._role(s, role_code)
            scope = self._scope(s, actor, building_ids, login)
            op = Operator(
                login=login,
                name=name,
                password_hash=password_hash,
                role_id=role.id,
                all_buildings=True,
                active=True,
                failed_logins=0,
                created_at=utcnow(),
            )
            s.add(op)
            try:
                s.flush()
            except IntegrityError:
                raise OperatorError("duplicate_login", login) from None
            self._set_scope(s, op, scope)
            audit.record(
                s,
                actor,
                "operator.create",
                "operator",
                login,
                None,
                self._snapshot(op, role.code, scope),
            )
            s.flush()
            row = self._rows(s, op.id)[0]
            uow.commit()
            return row

    def update(
        self,
        actor: Actor,
        operator_id: int,
        *,
        name: str,
        role_code: str,
        building_ids: Iterable[int] | None = None,
    ) -> OperatorRow:
        """Change the name, role and building scope of an operator."""
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            s = uow.session
            op = self._load(s, operator_id, lock=True)
            name = _clean_name(name, op.login)
            old_role = s.get(Role, op.role_id)
            assert old_role is not None
            old_scope: list[int] | None = None
            if not op.all_buildings:
                old_scope = sorted(
                    s.execute(
                        select(operator_buildings.c.building_id).where(
                            operator_buildings.c.operator_id == op.id
                        )
                    ).scalars()
                )
            before = self._snapshot(op, old_role.code, old_scope)
            role = self._role(s, role_code)
            scope = self._scope(s, actor, building_ids, op.login)
            was_admin = Perm.OPERATORS in (old_role.permissions or [])
            stays_admin = Perm.OPERATORS in (role.permissions or [])
            if op.active and was_admin and not stays_admin:
                if self._other_active_admins(s, op) == 0:
                    raise OperatorError("last_admin", op.login)
            op.name = name
            op.role_id = role.id
            self._set_scope(s, op, scope)
            audit.record(
                s,
                actor,
                "operator.update",
                "operator",
                op.login,
                before,
                self._snapshot(op, role.code, scope),
            )
            s.flush()
            row = self._rows(s, op.id)[0]
            uow.commit()
            return row

    def reset_password(
        self, actor: Actor, operator_id: int, password: str, *, repeated: str | None = None
    ) -> None:
        """Set a new password chosen by the administrator; releases a lockout too."""
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            login = self._load(uow.session, operator_id, lock=False).login
        check_new_password(password, login, repeated)
        password_hash = hash_password(password)
        with self.db.uow() as uow:
            s = uow.session
            op = self._load(s, operator_id, lock=True)
            op.password_hash = password_hash
            op.failed_logins = 0
            op.locked_until = None
            audit.record(s, actor, "operator.reset_password", "operator", op.login)
            uow.commit()

    def release_lockout(self, actor: Actor, operator_id: int) -> None:
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            s = uow.session
            op = self._load(s, operator_id, lock=True)
            before = {
                "failed_logins": op.failed_logins,
                "locked_until": None if op.locked_until is None else op.locked_until.isoformat(),
            }
            op.failed_logins = 0
            op.locked_until = None
            audit.record(
                s,
                actor,
                "operator.release_lockout",
                "operator",
                op.login,
                before,
                {"failed_logins": 0, "locked_until": None},
            )
            uow.commit()

    def set_active(self, actor: Actor, operator_id: int, active: bool) -> OperatorRow:
        """Deactivate (no more logins; history kept) or reactivate an operator."""
        actor.require(Perm.OPERATORS)
        with self.db.uow() as uow:
            s = uow.session
            op = self._load(s, operator_id, lock=True)
            if op.active == active:
                return self._rows(s, op.id)[0]
            if not active:
                if op.id == actor.operator_id:
                    raise OperatorError("self_deactivate", op.login)
                if op.role_id in _admin_role_ids(s) and self._other_active_admins(s, op) == 0:
                    raise OperatorError("last_admin", op.login)
            op.active = active
            audit.record(
                s,
                actor,
                "operator.activate" if active else "operator.deactivate",
                "operator",
                op.login,
                {"active": not active},
                {"active": active},
            )
            s.flush()
            row = self._rows(s, op.id)[0]
            uow.commit()
            return row

    def change_own_password(
        self, actor: Actor, current: str, new: str, *, repeated: str | None = None
    ) -> None:
        """Every operator may change their own password, knowing the current one."""
        if actor.operator_id is None:
            raise OperatorError("no_operator", actor.login)
        with self.db.uow() as uow:
            op = self._load(uow.session, actor.operator_id, lock=False)
            login, old_hash = op.login, op.password_hash
        if not check_password(old_hash, current):
            raise OperatorError("wrong_current_password", login)
        check_new_password(new, login, repeated)
        if new == current:
            raise WeakPasswordError("same_as_current")
        password_hash = hash_password(new)
        with self.db.uow() as uow:
            s = uow.session
            op = self._load(s, actor.operator_id, lock=True)
            if op.password_hash != old_hash:  # changed meanwhile by another desk
                raise OperatorError("wrong_current_password", login)
            op.password_hash = password_hash
            audit.record(s, actor, "operator.change_password", "operator", login)
            uow.commit()


def create_first_admin(db: Database, login: str, name: str, password: str) -> OperatorRow:
    """First run (UX-4): the roles of the permission matrix and the first administrator, in one
    transaction. An operator of that login already there (e.g. the demo site's ``admin``) becomes
    this administrator with the new name and password."""
    login = _clean_login(login)
    name = _clean_name(name, login)
    check_new_password(password, login)
    password_hash = hash_password(password)
    with db.uow() as uow:
        s = uow.session
        role_ids = ensure_roles(s)
        op = s.execute(select(Operator).where(Operator.login == login)).scalar_one_or_none()
        if op is None:
            op = Operator(login=login, created_at=utcnow(), all_buildings=True, failed_logins=0)
            s.add(op)
        op.name = name
        op.password_hash = password_hash
        op.role_id = role_ids["admin"]
        op.all_buildings = True
        op.active = True
        op.failed_logins = 0
        op.locked_until = None
        s.flush()
        s.execute(delete(operator_buildings).where(operator_buildings.c.operator_id == op.id))
        actor = Actor(op.id, login, ALL_PERMISSIONS, None)
        audit.record(
            s,
            actor,
            "operator.first_admin",
            "operator",
            login,
            None,
            {"name": name, "role": "admin", "buildings": "all", "active": True},
        )
        s.flush()
        row = OperatorService(db)._rows(s, op.id)[0]
        uow.commit()
        return row


def has_active_admin(db: Database) -> bool:
    with db.uow() as uow:
        s = uow.session
        admin_roles = _admin_role_ids(s)
        if not admin_roles:
            return False
        return (
            s.execute(
                select(Operator.id).where(
                    Operator.role_id.in_(admin_roles), Operator.active.is_(True)
                )
            ).first()
            is not None
        )
