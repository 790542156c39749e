"""Operators: password hashing (argon2) and login (SEC-1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError, VerifyMismatchError
from sqlalchemy import select

from app.errors import AuthenticationError
from app.models.base import utcnow
from app.models.operator import Operator, Role, operator_buildings
from app.services import audit
from app.services.context import Actor
from app.services.unit_of_work import Database

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)


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


class OperatorService:
    def __init__(self, db: Database) -> None:
        self.db = db

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
