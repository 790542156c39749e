"""Account use cases: open an account for a tenant in a room, search, summary, ledger pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import aliased

from app.domain.enums import AccountState
from app.domain.permissions import Perm
from app.errors import AccountNotFoundError, NotFoundError, ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.command import Command
from app.models.ledger import LedgerEntry, Receipt
from app.models.meter import MeasurementPoint
from app.models.operator import Operator
from app.models.site import Building, Floor, Occupancy, Room, Tenant
from app.services import audit
from app.services.context import Actor
from app.services.control import SWITCH_KINDS
from app.services.dto import (
    AccountDetails,
    AccountSummary,
    LedgerEntryDTO,
    LedgerPage,
    SupplyPoint,
)
from app.services.unit_of_work import Database

MAX_NAME = 128


def name_initials(name: str) -> str:
    """Pinyin initials for search (王小明 → wxm); non-Chinese characters are kept lower-cased."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()


def _summary_query() -> Any:
    return (
        select(
            Account.account_no,
            Account.state,
            Room.code,
            Room.name,
            Building.code,
            Building.name,
            Floor.number,
            Tenant.name,
            Tenant.phone,
            Account.cash_fen,
            Account.subsidy_fen,
            Account.overdraft_limit_fen,
            Account.warn_threshold_fen,
            Account.urgent_threshold_fen,
            Account.opened_at,
            Tenant.name_initials,
        )
        .join(Room, Room.id == Account.room_id)
        .join(Floor, Floor.id == Room.floor_id)
        .join(Building, Building.id == Room.building_id)
        .join(Tenant, Tenant.id == Account.tenant_id)
    )


def _scoped(stmt: Any, actor: Actor) -> Any:
    if actor.building_ids is not None:
        stmt = stmt.where(Room.building_id.in_(sorted(actor.building_ids)))
    return stmt


class AccountService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open_account(
        self,
        actor: Actor,
        room_code: str,
        tenant_name: str,
        phone: str | None = None,
        *,
        id_number: str | None = None,
        move_in: datetime | None = None,
    ) -> AccountSummary:
        """Move a tenant into a vacant room and open the unified account (ACC-1)."""
        actor.require(Perm.ACCOUNT_OPEN)
        tenant_name = (tenant_name or "").strip()
        if not tenant_name or len(tenant_name) > MAX_NAME:
            raise ValidationError("tenant_name", f"required, at most {MAX_NAME} characters")
        if phone is not None:
            phone = phone.strip() or None
            if phone is not None and (not phone.replace("-", "").isdigit() or len(phone) > 20):
                raise ValidationError("phone", "digits only, at most 20")
        when = move_in or utcnow()
        with self.db.uow() as uow:
            s = uow.session
            room = s.execute(select(Room).where(Room.code == room_code)).scalar_one_or_none()
            if room is None:
                raise NotFoundError("room", room_code)
            if not actor.may_see_building(room.building_id):
                from app.errors import PermissionDeniedError

                raise PermissionDeniedError(actor.login, f"building:{room.building_id}")
            busy = s.execute(
                select(Occupancy.id).where(Occupancy.room_id == room.id, Occupancy.active)
            ).first()
            if busy is not None:
                raise ValidationError("room", f"room {room_code} is occupied")
            tenant = Tenant(
                name=tenant_name,
                phone=phone,
                id_number=id_number,
                name_initials=name_initials(tenant_name),
                created_at=when,
            )
            s.add(tenant)
            s.flush()
            occ = Occupancy(room_id=room.id, tenant_id=tenant.id, move_in=when, active=True)
            s.add(occ)
            s.flush()
            n = s.execute(
                select(func.count()).select_from(Occupancy).where(Occupancy.room_id == room.id)
            ).scalar_one()
            account_no = f"{room.code}/{n}"
            s.execute(
                insert(Account).values(
                    account_no=account_no,
                    occupancy_id=occ.id,
                    room_id=room.id,
                    tenant_id=tenant.id,
                    state=AccountState.ACTIVE,
                    opened_at=when,
                )
            )
            audit.record(
                s,
                actor,
                "open_account",
                "account",
                account_no,
                after={"room": room_code, "tenant": tenant_name},
                at=when,
            )
            uow.commit()
        return self.summary(actor, account_no)

    def summary(self, actor: Actor, account_no: str) -> AccountSummary:
        actor.require(Perm.ACCOUNT_VIEW)
        with self.db.uow() as uow:
            row = uow.session.execute(
                _scoped(_summary_query().where(Account.account_no == account_no), actor)
            ).first()
        if row is None:
            raise AccountNotFoundError(account_no)
        return AccountSummary(*row)

    def search(
        self, actor: Actor, text: str, *, limit: int = 50, include_closed: bool = False
    ) -> list[AccountSummary]:
        """Find accounts by room code, tenant name, phone or pinyin initials (PAY-1)."""
        actor.require(Perm.ACCOUNT_VIEW)
        text = (text or "").strip()
        stmt = _scoped(_summary_query(), actor)
        if not include_closed:
            stmt = stmt.where(Account.state != AccountState.CLOSED)
        if text:
            like = f"%{text.replace('%', '').replace('_', '')}%"
            conds = [
                Room.code.ilike(like),
                Room.name.ilike(like),
                Tenant.name.ilike(like),
                Account.account_no.ilike(like),
            ]
            if text.isdigit():
                conds.append(Tenant.phone.like(like))
            if text.isascii() and text.isalpha():
                conds.append(Tenant.name_initials.like(f"{text.lower()}%"))
            stmt = stmt.where(or_(*conds))
        stmt = stmt.order_by(Room.code).limit(max(1, min(limit, 100_000)))
        with self.db.uow() as uow:
            return [AccountSummary(*row) for row in uow.session.execute(stmt)]

    def list_accounts(self, actor: Actor, *, include_closed: bool = False) -> list[AccountSummary]:
        return self.search(actor, "", limit=100_000, include_closed=include_closed)

    def ledger_page(
        self,
        actor: Actor,
        account_no: str,
        *,
        offset: int = 0,
        limit: int = 50,
        kinds: tuple[str, ...] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> LedgerPage:
        """Entries of one account, newest first; ``kinds`` and the half-open time range
        [``since``, ``until``) narrow them (the rooms page's ledger filters)."""
        actor.require(Perm.ACCOUNT_VIEW)
        self.summary(actor, account_no)  # existence and scope
        op = aliased(Operator)
        with self.db.uow() as uow:
            s = uow.session
            base = (
                select(LedgerEntry, op.login, Receipt.year, Receipt.number)
                .join(Account, Account.id == LedgerEntry.account_id)
                .outerjoin(op, op.id == LedgerEntry.operator_id)
                .outerjoin(Receipt, Receipt.ledger_entry_id == LedgerEntry.id)
                .where(Account.account_no == account_no)
            )
            count_stmt = (
                select(func.count())
                .select_from(LedgerEntry)
                .join(Account, Account.id == LedgerEntry.account_id)
                .where(Account.account_no == account_no)
            )
            if kinds:
                base = base.where(LedgerEntry.kind.in_(kinds))
                count_stmt = count_stmt.where(LedgerEntry.kind.in_(kinds))
            if since is not None:
                base = base.where(LedgerEntry.created_at >= since)
                count_stmt = count_stmt.where(LedgerEntry.created_at >= since)
            if until is not None:
                base = base.where(LedgerEntry.created_at < until)
                count_stmt = count_stmt.where(LedgerEntry.created_at < until)
            total = s.execute(count_stmt).scalar_one()
            rows = s.execute(
                base.order_by(LedgerEntry.id.desc()).offset(max(0, offset)).limit(limit)
            ).all()
            entries = tuple(
                LedgerEntryDTO(
                    id=e.id,
                    account_no=account_no,
                    kind=e.kind,
                    category=e.category,
                    pocket=e.pocket,
                    amount_fen=e.amount_fen,
                    balance_after_fen=e.balance_after_fen,
                    channel=e.channel,
                    reference=e.reference,
                    reason=e.reason,
                    operator_login=login if e.operator_id is not None else "system",
                    receipt_no=f"{year}-{number:06d}" if year is not None else None,
                    reverses_entry_id=e.reverses_entry_id,
                    quantity=e.quantity,
                    created_at=e.created_at,
                )
                for e, login, year, number in rows
            )
        return LedgerPage(account_no, entries, int(total), offset)

    def details(self, actor: Actor, account_no: str) -> AccountDetails:
        """The account with its room's type, area and occupants and the tenancy's dates."""
        summary = self.summary(actor, account_no)  # permission, existence and scope
        with self.db.uow() as uow:
            row = uow.session.execute(
                select(
                    Room.room_type,
                    Room.area_m2,
                    Room.occupants,
                    Occupancy.move_in,
                    Occupancy.move_out,
                )
                .join(Account, Account.room_id == Room.id)
                .join(Occupancy, Occupancy.id == Account.occupancy_id)
                .where(Account.account_no == account_no)
            ).one()
        room_type, area_m2, occupants, move_in, move_out = row
        return AccountDetails(summary, room_type, area_m2, int(occupants), move_in, move_out)

    def supply_status(self, actor: Actor, account_no: str) -> tuple[SupplyPoint, ...]:
        """The active metering points of the account's room with their switch state and latest
        switch command: what the cashier tells a tenant whose power was cut (PAY-1, CTL-4)."""
        self.summary(actor, account_no)  # permission, existence and scope
        with self.db.uow() as uow:
            s = uow.session
            points = s.execute(
                select(
                    MeasurementPoint.id,
                    MeasurementPoint.code,
                    MeasurementPoint.name,
                    MeasurementPoint.utility,
                    MeasurementPoint.relay_state,
                    MeasurementPoint.trip_cause,
                    MeasurementPoint.keep_power,
                )
                .join(Account, Account.room_id == MeasurementPoint.room_id)
                .where(Account.account_no == account_no, MeasurementPoint.status == "active")
                .order_by(MeasurementPoint.utility, MeasurementPoint.code)
            ).all()
            ids = [p[0] for p in points]
            latest: dict[int, tuple[int, str, str]] = {}
            if ids:
                newest = (
                    select(Command.point_id, func.max(Command.id).label("id"))
                    .where(Command.point_id.in_(ids), Command.kind.in_(SWITCH_KINDS))
                    .group_by(Command.point_id)
                    .subquery()
                )
                for point_id, cmd_id, kind, state in s.execute(
                    select(newest.c.point_id, Command.id, Command.kind, Command.state).join(
                        Command, Command.id == newest.c.id
                    )
                ):
                    latest[int(point_id)] = (int(cmd_id), kind, state)
        result = []
        for pid, code, name, utility, relay, cause, keep in points:
            cmd = latest.get(pid)
            result.append(
                SupplyPoint(
                    point_id=pid,
                    code=code,
                    name=name,
                    utility=utility,
                    relay_state=relay,
                    trip_cause=cause,
                    keep_power=bool(keep),
                    command_id=cmd[0] if cmd else None,
                    command_kind=cmd[1] if cmd else None,
                    command_state=cmd[2] if cmd else None,
                )
            )
        return tuple(result)
