"""The overview (系统总览, MON-1): online rates, today's money and consumption, account states,
open alarms, consumption per day, and one state per room for the room grid.

Every figure comes from a handful of aggregate queries over the whole (visible) site, never one
query per room: the 640-room demo site costs the same few round trips as a five-room test site.
"Today" and the days of the chart are calendar days on the site's wall clock
(``site.timezone``); the database stores UTC.

Online state comes from what the collector keeps: a point is *online* when it was read within
``offline_after`` (three read intervals, at least 30 minutes); a meter when one of its points
is; a gateway when a meter on it is (or it was seen within that time), unless the comms layer
marked it offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, String, case, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.calendar import local_date, local_midnight_utc
from app.domain.enums import AccountState, EntryKind
from app.domain.online import offline_after
from app.domain.permissions import Perm
from app.errors import ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.command import Alarm
from app.models.gateway import Bus, Gateway
from app.models.ledger import LedgerEntry
from app.models.meter import MeasurementPoint, Meter
from app.models.site import Building, Floor, Room, Tenant
from app.services.alarms import OPEN_STATES, alarm_scope
from app.services.context import Actor
from app.services.settings import read_settings
from app.services.unit_of_work import Database

MAX_CHART_DAYS = 366


class RoomState(StrEnum):
    """The colour of a room's tile, most pressing first (a cut or an account in arrears says more
    than a meter that has not answered; an offline meter more than a low balance)."""

    CUT = "cut"  # a relay/valve of the room is open (断电/停水)
    ARREARS = "arrears"  # balance below zero
    OFFLINE = "offline"  # a point of the room was not read recently
    URGENT = "urgent"  # balance at or below the urgent threshold
    WARNING = "warning"  # balance at or below the warning threshold
    NORMAL = "normal"
    NOT_OPENED = "not_opened"  # no account in the room (vacant)


ACCOUNT_STATES = (
    RoomState.NORMAL,
    RoomState.WARNING,
    RoomState.URGENT,
    RoomState.ARREARS,
    RoomState.CUT,
)


def account_state(
    balance_fen: int, warn_fen: int, urgent_fen: int, cut: bool
) -> RoomState:  # pure: the rules the overview and the grid share
    if cut:
        return RoomState.CUT
    if balance_fen < 0:
        return RoomState.ARREARS
    if balance_fen <= urgent_fen:
        return RoomState.URGENT
    if balance_fen <= warn_fen:
        return RoomState.WARNING
    return RoomState.NORMAL


def room_state(account: RoomState | None, offline: bool) -> RoomState:
    if account is None:
        return RoomState.NOT_OPENED
    if account in (RoomState.CUT, RoomState.ARREARS):
        return account
    if offline:
        return RoomState.OFFLINE
    return account


@dataclass(frozen=True)
class RoomTile:
    room_id: int
    room_code: str
    room_name: str
    building_id: int
    building_name: str
    floor_id: int
    floor_number: int
    state: RoomState
    account_state: RoomState | None  # None: no account
    account_no: str | None
    tenant_name: str | None
    tenant_phone: str | None
    balance_fen: int | None
    warn_threshold_fen: int | None
    urgent_threshold_fen: int | None
    points: int
    points_offline: int
    points_cut: int
    last_read_at: datetime | None


@dataclass(frozen=True)
class FloorRef:
    id: int
    number: int
    name: str


@dataclass(frozen=True)
class BuildingRef:
    id: int
    code: str
    name: str
    floors: tuple[FloorRef, ...]


@dataclass(frozen=True)
class DayConsumption:
    day: date
    electricity_kwh: Decimal
    water_m3: Decimal
    electricity_fen: int  # charged (positive)
    water_fen: int


@dataclass(frozen=True)
class OverviewSnapshot:
    as_of: datetime
    today: date
    timezone: str  # the site's (site.timezone): times on screen are on its wall clock
    gateways_total: int
    gateways_online: int
    meters_total: int
    meters_online: int
    top_ups_today: int
    top_ups_today_fen: int
    electricity_kwh_today: Decimal
    water_m3_today: Decimal
    electricity_fen_today: int  # charged today (positive)
    water_fen_today: int
    accounts_total: int
    accounts_by_state: dict[str, int] = field(default_factory=dict)  # RoomState value → count
    rooms_total: int = 0
    rooms_offline: int = 0
    rooms_not_opened: int = 0
    alarms_open: int = 0
    alarms_unacknowledged: int = 0

    @property
    def accounts_warning(self) -> int:
        return self.accounts_by_state.get(RoomState.WARNING, 0)

    @property
    def accounts_urgent(self) -> int:
        return self.accounts_by_state.get(RoomState.URGENT, 0)

    @property
    def accounts_arrears(self) -> int:
        return self.accounts_by_state.get(RoomState.ARREARS, 0)

    @property
    def accounts_cut(self) -> int:
        return self.accounts_by_state.get(RoomState.CUT, 0)


def _at_or_after(column: Any, moment: datetime, is_sqlite: bool) -> ColumnElement[bool]:
    """``column >= moment`` for a UTC time column. On SQLite times are text, and a time written
    on a whole second may lack the ``.000000`` (see ``reports._Period``); the boundary is bound
    in the short form, which sorts right against both."""
    if is_sqlite:
        moment = moment.astimezone(UTC).replace(microsecond=0)
        return type_coerce(column, String) >= moment.strftime("%Y-%m-%d %H:%M:%S")
    result: ColumnElement[bool] = column >= moment
    return result


class OverviewService:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock  # "now" when a call gives none (tests pin it)

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _settings(session: Session) -> tuple[str, timedelta]:
        settings = read_settings(session)
        tz = str(settings.get("site.timezone") or "Asia/Shanghai")
        interval = int(settings.get("collector.read_interval_s") or 900)
        return tz, offline_after(interval)

    @staticmethod
    def _scope_rooms(stmt: Any, actor: Actor) -> Any:
        if actor.building_ids is not None:
            stmt = stmt.where(Room.building_id.in_(sorted(actor.building_ids)))
        return stmt

    def _tiles(
        self,
        session: Session,
        actor: Actor,
        cutoff: datetime,
        building_id: int | None = None,
        floor_id: int | None = None,
    ) -> list[RoomTile]:
        def filtered(stmt: Any) -> Any:
            stmt = self._scope_rooms(stmt, actor)
            if building_id is not None:
                stmt = stmt.where(Room.building_id == building_id)
            if floor_id is not None:
                stmt = stmt.where(Room.floor_id == floor_id)
            return stmt

        # one row per active point of the visible rooms (~2 per room)
        points: dict[int, list[tuple[datetime | None, str | None]]] = defaultdict(list)
        point_q = filtered(
            select(
                MeasurementPoint.room_id,
                MeasurementPoint.last_read_at,
                MeasurementPoint.relay_state,
            )
            .join(Room, Room.id == MeasurementPoint.room_id)
            .join(Meter, Meter.id == MeasurementPoint.meter_id)
            .where(MeasurementPoint.status == "active", Meter.status == "active")
        )
        for room_id, last_read, relay in session.execute(point_q):
            points[room_id].append((last_read, relay))
        room_q = filtered(
            select(
                Room.id,
                Room.code,
                Room.name,
                Building.id,
                Building.name,
                Floor.id,
                Floor.number,
                Account.account_no,
                Tenant.name,
                Tenant.phone,
                Account.cash_fen + Account.subsidy_fen,
                Account.warn_threshold_fen,
                Account.urgent_threshold_fen,
            )
            .join(Building, Building.id == Room.building_id)
            .join(Floor, Floor.id == Room.floor_id)
            .outerjoin(
                Account,
                (Account.room_id == Room.id) & (Account.state != AccountState.CLOSED),
            )
            .outerjoin(Tenant, Tenant.id == Account.tenant_id)
            .order_by(Building.sort_order, Building.code, Floor.number, Room.code)
        )
        tiles: list[RoomTile] = []
        for r in session.execute(room_q):
            pts = points.get(r[0], [])
            offline = sum(1 for at, _ in pts if at is None or at < cutoff)
            cut = sum(1 for _, relay in pts if relay == "open")
            reads = [at for at, _ in pts if at is not None]
            acc = None
            if r[7] is not None:
                acc = account_state(int(r[10]), int(r[11]), int(r[12]), cut > 0)
            tiles.append(
                RoomTile(
                    room_id=r[0],
                    room_code=r[1],
                    room_name=r[2],
                    building_id=r[3],
                    building_name=r[4],
                    floor_id=r[5],
                    floor_number=r[6],
                    state=room_state(acc, offline > 0),
                    account_state=acc,
                    account_no=r[7],
                    tenant_name=r[8],
                    tenant_phone=r[9],
                    balance_fen=None if r[7] is None else int(r[10]),
                    warn_threshold_fen=None if r[7] is None else int(r[11]),
                    urgent_threshold_fen=None if r[7] is None else int(r[12]),
                    points=len(pts),
                    points_offline=offline,
                    points_cut=cut,
                    last_read_at=max(reads) if reads else None,
                )
            )
        return tiles

    def _online(self, session: Session, actor: Actor, cutoff: datetime) -> tuple[int, ...]:
        """(gateways total, online, meters total, online) of the visible site."""
        q = (
            select(
                Gateway.id,
                Gateway.online,
                Gateway.last_seen_at,
                Meter.id,
                Meter.online,
                func.max(MeasurementPoint.last_read_at),
            )
            .join(Bus, Bus.id == Meter.bus_id)
            .join(Gateway, Gateway.id == Bus.gateway_id)
            .join(MeasurementPoint, MeasurementPoint.meter_id == Meter.id)
            .join(Room, Room.id == MeasurementPoint.room_id, isouter=actor.building_ids is None)
            .where(
                Meter.status == "active",
                Gateway.status == "active",
                MeasurementPoint.status == "active",
            )
            .group_by(Gateway.id, Gateway.online, Gateway.last_seen_at, Meter.id, Meter.online)
        )
        gateways: dict[int, bool] = {}
        meters_total = meters_online = 0
        for gw_id, gw_online, gw_seen, _m_id, m_online, last_read in session.execute(
            self._scope_rooms(q, actor)
        ):
            meter_up = m_online is not False and last_read is not None and last_read >= cutoff
            meters_total += 1
            meters_online += meter_up
            seen = gw_seen is not None and gw_seen >= cutoff
            up = gw_online is not False and (meter_up or seen or gw_online is True)
            gateways[gw_id] = gateways.get(gw_id, False) or up
        if actor.building_ids is None:
            # gateways with no meter yet still count (as offline unless the comms layer saw them)
            for gw_id, gw_online, gw_seen in session.execute(
                select(Gateway.id, Gateway.online, Gateway.last_seen_at).where(
                    Gateway.status == "active"
                )
            ):
                if gw_id not in gateways:
                    seen = gw_seen is not None and gw_seen >= cutoff
                    gateways[gw_id] = gw_online is True or (gw_online is None and seen)
        return len(gateways), sum(gateways.values()), meters_total, meters_online

    def _ledger_today(
        self, session: Session, actor: Actor, start: datetime
    ) -> dict[str, tuple[int, int, Decimal]]:
        """kind → (entries, sum of amount_fen, sum of quantity) since ``start``."""
        q = (
            select(
                LedgerEntry.kind,
                func.count(),
                func.coalesce(func.sum(LedgerEntry.amount_fen), 0),
                func.sum(LedgerEntry.quantity),
            )
            .where(
                LedgerEntry.kind.in_(
                    [EntryKind.TOP_UP, EntryKind.ELECTRICITY_CHARGE, EntryKind.WATER_CHARGE]
                ),
                _at_or_after(LedgerEntry.created_at, start, self.db.is_sqlite),
            )
            .group_by(LedgerEntry.kind)
        )
        if actor.building_ids is not None:
            q = self._scope_rooms(
                q.join(Account, Account.id == LedgerEntry.account_id).join(
                    Room, Room.id == Account.room_id
                ),
                actor,
            )
        return {
            str(kind): (int(n), int(fen), qty if qty is not None else Decimal(0))
            for kind, n, fen, qty in session.execute(q)
        }

    # -- use cases ---------------------------------------------------------------------------

    def snapshot(self, actor: Actor, *, now: datetime | None = None) -> OverviewSnapshot:
        """The overview figures of the buildings the operator may see."""
        actor.require(Perm.ACCOUNT_VIEW)
        now = now or self.clock()
        with self.db.uow() as uow:
            s = uow.session
            tz, offline_after = self._settings(s)
            cutoff = now - offline_after
            today = local_date(now, tz)
            tiles = self._tiles(s, actor, cutoff)
            gw_total, gw_online, m_total, m_online = self._online(s, actor, cutoff)
            sums = self._ledger_today(s, actor, local_midnight_utc(today, tz))
            alarms_q = (
                select(Alarm.state, func.count())
                .where(Alarm.state.in_(OPEN_STATES))
                .group_by(Alarm.state)
            )
            scope = alarm_scope(actor)
            if scope is not None:
                alarms_q = alarms_q.where(scope)
            alarms = {str(state): int(n) for state, n in s.execute(alarms_q)}
        by_state: dict[str, int] = {str(st): 0 for st in ACCOUNT_STATES}
        for t in tiles:
            if t.account_state is not None:
                by_state[t.account_state] += 1
        zero: tuple[int, int, Decimal] = (0, 0, Decimal(0))
        top_up = sums.get(EntryKind.TOP_UP, zero)
        elec = sums.get(EntryKind.ELECTRICITY_CHARGE, zero)
        water = sums.get(EntryKind.WATER_CHARGE, zero)
        return OverviewSnapshot(
            as_of=now,
            today=today,
            timezone=tz,
            gateways_total=gw_total,
            gateways_online=gw_online,
            meters_total=m_total,
            meters_online=m_online,
            top_ups_today=top_up[0],
            top_ups_today_fen=top_up[1],
            electricity_kwh_today=elec[2],
            water_m3_today=water[2],
            electricity_fen_today=-elec[1],
            water_fen_today=-water[1],
            accounts_total=sum(by_state.values()),
            accounts_by_state=by_state,
            rooms_total=len(tiles),
            rooms_offline=sum(1 for t in tiles if t.points_offline),
            rooms_not_opened=sum(1 for t in tiles if t.account_state is None),
            alarms_open=sum(alarms.values()),
            alarms_unacknowledged=alarms.get("active", 0),
        )

    def room_states(
        self,
        actor: Actor,
        building_id: int | None = None,
        floor_id: int | None = None,
        *,
        now: datetime | None = None,
    ) -> list[RoomTile]:
        """One tile per visible room (of one building / floor), ordered building, floor, room."""
        actor.require(Perm.ACCOUNT_VIEW)
        now = now or self.clock()
        with self.db.uow() as uow:
            _tz, offline_after = self._settings(uow.session)
            return self._tiles(uow.session, actor, now - offline_after, building_id, floor_id)

    def buildings(self, actor: Actor) -> list[BuildingRef]:
        """The buildings the operator may see with their floors (for the grid's filters)."""
        actor.require(Perm.ACCOUNT_VIEW)
        with self.db.uow() as uow:
            q = (
                select(
                    Building.id, Building.code, Building.name, Floor.id, Floor.number, Floor.name
                )
                .outerjoin(Floor, Floor.building_id == Building.id)
                .order_by(Building.sort_order, Building.code, Floor.number)
            )
            if actor.building_ids is not None:
                q = q.where(Building.id.in_(sorted(actor.building_ids)))
            rows = uow.session.execute(q).all()
        out: dict[int, tuple[str, str, list[FloorRef]]] = {}
        for b_id, b_code, b_name, f_id, f_number, f_name in rows:
            entry = out.setdefault(b_id, (b_code, b_name, []))
            if f_id is not None:
                entry[2].append(FloorRef(f_id, f_number, f_name))
        return [BuildingRef(b, c, n, tuple(f)) for b, (c, n, f) in out.items()]

    def daily_consumption(
        self, actor: Actor, days: int = 30, *, now: datetime | None = None
    ) -> list[DayConsumption]:
        """Electricity and water charged per site-local day, the last ``days`` days up to today
        (days without charges included, as zero)."""
        actor.require(Perm.ACCOUNT_VIEW)
        if not 1 <= days <= MAX_CHART_DAYS:
            raise ValidationError("days", f"must be 1..{MAX_CHART_DAYS}")
        now = now or self.clock()
        with self.db.uow() as uow:
            s = uow.session
            tz, _offline_after = self._settings(s)
            today = local_date(now, tz)
            day_list = [today - timedelta(days=days - 1 - i) for i in range(days)]
            bounds = [local_midnight_utc(d, tz) for d in day_list]
            # the day index of each entry: a CASE over the local midnights (exact for any zone,
            # daylight saving included), grouped in an outer query so PostgreSQL sees one
            # expression
            created = LedgerEntry.created_at
            bucket = case(
                *[
                    (_at_or_after(created, bounds[i], self.db.is_sqlite), i)
                    for i in range(days - 1, 0, -1)
                ],
                else_=0,
            ).label("bucket")
            inner = select(
                bucket, LedgerEntry.kind, LedgerEntry.amount_fen, LedgerEntry.quantity
            ).where(
                LedgerEntry.kind.in_([EntryKind.ELECTRICITY_CHARGE, EntryKind.WATER_CHARGE]),
                _at_or_after(created, bounds[0], self.db.is_sqlite),
            )
            if actor.building_ids is not None:
                inner = self._scope_rooms(
                    inner.join(Account, Account.id == LedgerEntry.account_id).join(
                        Room, Room.id == Account.room_id
                    ),
                    actor,
                )
            sub = inner.subquery()
            q = select(
                sub.c.bucket,
                sub.c.kind,
                func.coalesce(func.sum(sub.c.amount_fen), 0),
                func.sum(sub.c.quantity),
            ).group_by(sub.c.bucket, sub.c.kind)
            rows = s.execute(q).all()
        fen: dict[tuple[int, str], int] = {}
        qty: dict[tuple[int, str], Decimal] = {}
        for b, kind, amount, quantity in rows:
            fen[(int(b), str(kind))] = -int(amount)
            qty[(int(b), str(kind))] = quantity if quantity is not None else Decimal(0)
        e, w = str(EntryKind.ELECTRICITY_CHARGE), str(EntryKind.WATER_CHARGE)
        return [
            DayConsumption(
                day=d,
                electricity_kwh=qty.get((i, e), Decimal(0)),
                water_m3=qty.get((i, w), Decimal(0)),
                electricity_fen=fen.get((i, e), 0),
                water_fen=fen.get((i, w), 0),
            )
            for i, d in enumerate(day_list)
        ]
