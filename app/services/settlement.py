"""Settlement (BILL-2, BILL-3): readings → charges on the tenant's unified account.

For each point the charge-to-date of the current tier period is computed from the readings
(``app/domain/billing.py``) and only the difference to what the period has already been charged
is booked, subsidy pocket first (ACC-2). The ledger entries carry
``reference = settle:<point>:<account>:<period>``, so what a period has been charged is always
recoverable from the ledger; ``settlement_states`` caches it together with the compact reading
basis (``app/domain/settle_basis.py``) and is written in the same transaction as the entries.
A crash at any point rolls back both; the next run computes the same charge-to-date and books
only what is missing — every unit exactly once.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.billing import allocate_charge, charge_total
from app.domain.enums import Category, EntryKind, Pocket
from app.domain.errors_billing import BillingError
from app.domain.settle_basis import (
    Basis,
    PointReading,
    Tail,
    advance,
    decode,
    encode_text,
    extend,
    start_basis,
    tail_of,
)
from app.domain.tariffs import BillingPeriod, Tariff, parse_tariff
from app.models.ledger import LedgerEntry
from app.models.meter import Tariff as TariffRow
from app.models.meter import TariffVersion as TariffVersionRow
from app.models.reading import Reading
from app.models.settlement import SettlementState
from app.services import ledger
from app.services.rawsql import RawStatement, db_scaled, driver_time, is_sqlite
from app.services.readings import ACCEPTED, IngestOutcome, RawRead, ingest
from app.services.unit_of_work import Database

_SETTLED_KINDS = {
    "electricity": (EntryKind.ELECTRICITY_CHARGE, Category.ELECTRICITY),
    "water": (EntryKind.WATER_CHARGE, Category.WATER),
    "hot_water": (EntryKind.WATER_CHARGE, Category.WATER),
}

_INSERT_STATE = RawStatement(
    "INSERT INTO settlement_states (account_id, period_start, period_end, period_label, "
    "charged_fen, quantity, basis, last_reading_at, tariff_stamp, updated_at, point_id) "
    "VALUES (:aid, :ps, :pe, :label, :charged, :qty, :basis, :last, :stamp, :now, :pid)"
)
_UPDATE_STATE = RawStatement(
    "UPDATE settlement_states SET account_id = :aid, period_start = :ps, period_end = :pe, "
    "period_label = :label, charged_fen = :charged, quantity = :qty, basis = :basis, "
    "last_reading_at = :last, tariff_stamp = :stamp, updated_at = :now WHERE point_id = :pid"
)
# Points and their settlement states, and the open accounts of their rooms: a few statements per
# run instead of ORM loads (one list parameter: json_each on SQLite, an array on PostgreSQL).
_POINTS_COLS = (
    "SELECT mp.id, mp.room_id, mp.utility, mp.tariff_id, mp.billing_hold, s.account_id, "
    "s.period_start, s.charged_fen, s.quantity, {basis}, s.last_reading_at, s.tariff_stamp "
    "FROM measurement_points mp LEFT JOIN settlement_states s ON s.point_id = mp.id WHERE mp.id "
)
_ACCOUNTS_COLS = (
    "SELECT a.room_id, a.id, o.move_in FROM accounts a JOIN occupancies o "
    "ON o.id = a.occupancy_id WHERE a.state <> 'closed' AND o.active = TRUE AND a.room_id "
)
_SQLITE_IDS = "IN (SELECT value FROM json_each(:ids))"
_PG_IDS = "= ANY(CAST(:ids AS BIGINT[]))"
_LOAD_POINTS = {
    True: RawStatement(_POINTS_COLS.format(basis="s.basis") + _SQLITE_IDS),
    False: RawStatement(_POINTS_COLS.format(basis="CAST(s.basis AS TEXT)") + _PG_IDS),
}
_LOAD_ACCOUNTS = {
    True: RawStatement(_ACCOUNTS_COLS + _SQLITE_IDS + " ORDER BY a.id"),
    False: RawStatement(_ACCOUNTS_COLS + _PG_IDS + " ORDER BY a.id"),
}
_CHUNK = 10_000


def id_list(sqlite: bool, ids: Sequence[int]) -> object:
    """The ``:ids`` parameter of the statements above."""
    return json.dumps(list(ids)) if sqlite else list(ids)


def _from_db_time(value: object) -> datetime:
    """A ``UtcDateTime`` column read through the driver: text on SQLite, naive on PostgreSQL."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Decoded bases of the last run, per point, with the JSON text they were decoded from (or
# encoded to): the routine cycle finds the text it wrote itself and skips the decoding. A pure
# memo — an entry is used only when the stored text is identical — so a rolled-back run, another
# process or another database sharing point ids can never make it wrong, only miss.
_BASES: dict[int, tuple[str, Basis | None, Tail | None]] = {}  # basis or tail (or both)
_BASES_MAX = 250_000


def _remember(point_id: int, text: str, basis: Basis | None, tail: Tail | None) -> None:
    if len(_BASES) >= _BASES_MAX and point_id not in _BASES:
        _BASES.clear()
    _BASES[point_id] = (text, basis, tail)


def memo_snapshot() -> dict[int, object]:
    """The memo of bases as it stands (for benchmarks: every timed run from the same state)."""
    return dict(_BASES)


def restore_memo(snapshot: Mapping[int, object] | None) -> None:
    """Put back a :func:`memo_snapshot`; ``None`` empties the memo, as after a restart."""
    _BASES.clear()
    if snapshot:
        _BASES.update(snapshot)  # type: ignore[arg-type]


# One object per distinct tariff content, across runs: a memo entry's Tail is bound to the very
# tariff object it was priced with (load_tariffs parses afresh on every run).
_CANONICAL: dict[tuple[object, ...], Tariff] = {}


def reference(point_id: int, account_id: int, period: BillingPeriod) -> str:
    return f"settle:{point_id}:{account_id}:{period.label}"


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class SettleReport:
    points: int = 0  # points whose charge-to-date was computed
    booked_fen: int = 0  # sum of the charges booked (positive = charged)
    entries: int = 0
    rebuilt: int = 0  # points recomputed from the stored readings
    skipped: int = 0  # no account, no tariff, on hold
    errors: tuple[str, ...] = ()
    accounts: frozenset[int] = frozenset()  # accounts whose balance changed


@dataclass(slots=True)
class _Point:
    id: int
    utility: str
    tariff_id: int | None
    billing_hold: bool
    account_id: int | None = None
    move_in: datetime | None = None


@dataclass(slots=True)
class _State:
    account_id: int | None
    period_start: datetime
    charged_fen: int
    quantity: Decimal
    basis: str  # the JSON text of settlement_states.basis
    last_reading_at: datetime | None
    tariff_stamp: str
    exists: bool = True
    period: BillingPeriod | None = None  # set on the states a run writes

    def moment_inside(self) -> datetime:
        """A meter time inside the stored period (its start itself belongs to the previous
        period: periods cover ``start < t <= end``)."""
        return self.period_start + timedelta(seconds=1)


@dataclass(slots=True)
class _Posting:
    account_id: int
    point_id: int
    kind: str
    category: str
    amount_fen: int  # positive: a charge
    quantity: Decimal
    reference: str


def load_tariffs(session: Session, tz: str = "Asia/Shanghai") -> dict[int, tuple[Tariff, str]]:
    """Every tariff parsed, with a stamp that changes whenever a version is added or edited."""
    out: dict[int, tuple[Tariff, str]] = {}
    versions: dict[int, list[Any]] = defaultdict(list)
    for v in session.scalars(select(TariffVersionRow).order_by(TariffVersionRow.id)):
        versions[v.tariff_id].append(v)
    for t in session.scalars(select(TariffRow)):
        rows = versions.get(t.id)
        if not rows:
            continue
        tariff = parse_tariff(
            t.kind,
            [(_aware(v.effective_from), v.params, v.monthly_fixed_fen) for v in rows],
            tz=tz,
            code=t.code,
        )
        stamp_src = json.dumps(
            [[v.id, v.effective_from.isoformat(), v.params, v.monthly_fixed_fen] for v in rows],
            sort_keys=True,
            default=str,
        )
        stamp = hashlib.sha256(stamp_src.encode()).hexdigest()[:32]
        key = (t.id, t.kind, t.code, tz, stamp)
        known = _CANONICAL.get(key)
        if known is not None and known == tariff:
            tariff = known
        else:
            if len(_CANONICAL) > 10_000:
                _CANONICAL.clear()
            _CANONICAL[key] = tariff
        out[t.id] = (tariff, stamp)
    return out


def _load(
    session: Session, point_ids: Sequence[int]
) -> tuple[dict[int, _Point], dict[int, _State]]:
    """The points, their accounts (the open account of the point's room with an active
    occupancy) and their settlement states, straight through the driver."""
    sqlite = is_sqlite(session)
    points: dict[int, _Point] = {}
    states: dict[int, _State] = {}
    room_of: dict[int, int] = {}
    load = _LOAD_POINTS[sqlite]
    times: dict[object, datetime] = {}  # a cycle's times repeat (to the second, period starts)

    def when(raw: object) -> datetime:
        t = times.get(raw)
        if t is None:
            t = times[raw] = _from_db_time(raw)
        return t

    for i in range(0, len(point_ids), _CHUNK):
        chunk = point_ids[i : i + _CHUNK]
        for (
            pid,
            room_id,
            utility,
            tariff_id,
            hold,
            s_account,
            s_start,
            s_charged,
            s_qty,
            s_basis,
            s_last,
            s_stamp,
        ) in load.all(session, {"ids": id_list(sqlite, chunk)}):
            points[pid] = _Point(pid, utility, tariff_id, bool(hold))
            if room_id is not None:
                room_of[pid] = room_id
            if s_start is not None:
                states[pid] = _State(
                    s_account,
                    when(s_start),
                    int(s_charged),
                    Decimal(int(s_qty or 0)).scaleb(-4),
                    s_basis if isinstance(s_basis, str) else json.dumps(s_basis),
                    None if s_last is None else when(s_last),
                    s_stamp,
                )
    rooms = sorted(set(room_of.values()))
    account_of_room: dict[int, tuple[int, object]] = {}
    accounts = _LOAD_ACCOUNTS[sqlite]
    for i in range(0, len(rooms), _CHUNK):
        for room_id, acc_id, move_in in accounts.all(
            session, {"ids": id_list(sqlite, rooms[i : i + _CHUNK])}
        ):
            account_of_room[room_id] = (acc_id, move_in)  # the last (highest id) wins
    for pid, room_id in room_of.items():
        found = account_of_room.get(room_id)
        if found is not None:
            points[pid].account_id, points[pid].move_in = found[0], when(found[1])
    return points, states


def _readings_after(session: Session, point_id: int, after: datetime | None) -> list[PointReading]:
    """Accepted reads of a point (all registers of one meter time together), oldest first; with
    ``after``: the last one at or before it, then every later one."""
    q = select(
        Reading.meter_time,
        Reading.meter_id,
        Reading.register,
        Reading.value,
        Reading.status,
        Reading.source,
    ).where(Reading.point_id == point_id, Reading.status.in_(ACCEPTED))
    if after is not None:
        opening_time = session.scalar(
            select(func.max(Reading.meter_time)).where(
                Reading.point_id == point_id,
                Reading.status.in_(ACCEPTED),
                Reading.meter_time <= after,
            )
        )
        if opening_time is not None:
            q = q.where(Reading.meter_time >= opening_time)
        else:
            q = q.where(Reading.meter_time > after)
    grouped: dict[datetime, tuple[int, dict[str, Decimal], bool]] = {}
    for t, meter_id, register, value, status, source in session.execute(
        q.order_by(Reading.meter_time)
    ):
        entry = grouped.setdefault(t, (meter_id, {}, False))
        entry[1][register] = value
        if status == "reset" or source == "swap_initial":
            grouped[t] = (entry[0], entry[1], True)
    return [
        PointReading(_aware(t), meter_id, values, starts)
        for t, (meter_id, values, starts) in sorted(grouped.items())
    ]


def _charged_in_ledger(session: Session, ref: str) -> tuple[int, Decimal]:
    row = session.execute(
        select(
            func.coalesce(func.sum(LedgerEntry.amount_fen), 0),
            func.sum(LedgerEntry.quantity),
        ).where(LedgerEntry.reference == ref)
    ).one()
    qty = row[1] if isinstance(row[1], Decimal) else Decimal(row[1] or 0).scaleb(-4)
    return -int(row[0]), qty


class SettlementEngine:
    """One settlement run inside the caller's transaction."""

    def __init__(self, session: Session, tariffs: Mapping[int, tuple[Tariff, str]]) -> None:
        self.session = session
        self.tariffs = tariffs
        self.postings: list[_Posting] = []
        self.rebuilt = 0
        self.skipped = 0
        self.errors: list[str] = []
        self.computed = 0
        self._periods: dict[tuple[int, datetime], BillingPeriod] = {}
        self._labels: dict[BillingPeriod, str] = {}

    def _rebuild_period(
        self, point: _Point, tariff: Tariff, period: BillingPeriod, account_id: int
    ) -> tuple[Basis, int, Decimal]:
        window_start = period.start
        if point.move_in is not None and point.move_in > window_start:
            window_start = point.move_in
        reads = _readings_after(self.session, point.id, window_start)
        opening = reads[0] if reads and reads[0].meter_time <= window_start else None
        basis = start_basis(period, window_start, opening)
        for r in reads[1:] if opening is not None else reads:
            if r.meter_time > period.end:
                break
            basis = extend(basis, tariff, r)
        charged, qty = _charged_in_ledger(self.session, reference(point.id, account_id, period))
        return basis, charged, qty

    def _book(
        self,
        point: _Point,
        tariff: Tariff,
        basis: Basis,
        charged: int,
        qty: Decimal,
        account_id: int,
    ) -> tuple[int, Decimal]:
        total_fen, total_qty = charge_total(tariff, basis.segments, basis.period)
        self._post_delta(point, basis.period, account_id, total_fen, total_qty, charged, qty)
        return total_fen, total_qty

    def _post_delta(
        self,
        point: _Point,
        period: BillingPeriod,
        account_id: int,
        total_fen: int,
        total_qty: Decimal,
        charged: int,
        qty: Decimal,
    ) -> None:
        """Book what the period's charge-to-date adds to what it has been charged."""
        self.computed += 1
        delta = total_fen - charged
        if delta:
            kind, category = _SETTLED_KINDS.get(
                point.utility, (EntryKind.ELECTRICITY_CHARGE, Category.ELECTRICITY)
            )
            label = self._labels.get(period)
            if label is None:
                label = self._labels[period] = period.label
            self.postings.append(
                _Posting(
                    account_id,
                    point.id,
                    kind,
                    category,
                    delta,
                    total_qty - qty,
                    f"settle:{point.id}:{account_id}:{label}",
                )
            )

    def _period_of(self, tariff_id: int, tariff: Tariff, state: _State) -> BillingPeriod:
        key = (tariff_id, state.period_start)
        period = self._periods.get(key)
        if period is None:
            period = self._periods[key] = tariff.period_containing(state.moment_inside())
        return period

    def _stored_basis(self, point_id: int, period: BillingPeriod, text: str) -> Basis | None:
        """The state's basis, from the memo when its text is the one last seen for the point;
        ``None`` when the document is damaged (the caller rebuilds)."""
        known = _BASES.get(point_id)
        if known is not None and known[0] == text:
            basis = known[1] if known[1] is not None else known[2].basis if known[2] else None
            if basis is not None and basis.period == period:
                return basis
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise ValueError("not an object")
            return decode(period, doc)
        except ValueError:
            return None

    def _routine(
        self, point: _Point, tariff: Tariff, state: _State, reading: PointReading
    ) -> _State | None:
        """One new reading on a memoised basis (the read cycle of a running collector):
        :func:`advance` prices only the step that changes. ``None``: not routine."""
        known = _BASES.get(point.id)
        tail = known[2] if known is not None and known[0] == state.basis else None
        if tail is not None and tail.head.period.start != state.period_start:
            tail = None
        if tail is None:  # not settled by this process yet (a restart): decode the stored basis
            assert point.tariff_id is not None
            period = self._period_of(point.tariff_id, tariff, state)
            basis = self._stored_basis(point.id, period, state.basis)
            tail = None if basis is None else tail_of(basis, tariff, state.basis)
            if tail is None:
                return None
        step = advance(tail, tariff, reading)
        if step is None:
            return None
        tail, total_fen, quantity = step
        period = tail.head.period
        account_id = state.account_id
        assert account_id is not None
        self._post_delta(
            point, period, account_id, total_fen, quantity, state.charged_fen, state.quantity
        )
        text = tail.text
        _remember(point.id, text, None, tail)
        return _State(
            account_id,
            period.start,
            total_fen,
            quantity,
            text,
            reading.meter_time,
            state.tariff_stamp,
            period=period,
        )

    def settle_point(
        self,
        point: _Point,
        state: _State | None,
        new: Sequence[PointReading] | None,
    ) -> _State | None:
        """The point's new state (``None``: nothing to keep). ``new``: readings just accepted
        (the fast path); ``None``: recompute from the stored readings."""
        if point.billing_hold or point.account_id is None or point.tariff_id is None:
            self.skipped += 1
            return None
        entry = self.tariffs.get(point.tariff_id)
        if entry is None:
            self.skipped += 1
            return None
        tariff, stamp = entry
        account_id = point.account_id
        basis: Basis | None = None
        charged, qty = 0, Decimal(0)
        # the routine cycle: the stored basis is current (same tariff versions, same account)
        # and every new read is later than what it holds — extend it with the new reads only
        fast = (
            new is not None
            and state is not None
            and state.tariff_stamp == stamp
            and state.account_id == account_id
            and state.last_reading_at is not None
            and all(r.meter_time > state.last_reading_at for r in new)
        )
        if fast and state is not None and new is not None:
            if len(new) == 1:
                routine = self._routine(point, tariff, state, new[0])
                if routine is not None:
                    return routine
            basis = self._stored_basis(
                point.id, self._period_of(point.tariff_id, tariff, state), state.basis
            )
            if basis is not None:
                charged, qty = state.charged_fen, state.quantity
                for r in sorted(new, key=lambda x: x.meter_time) if len(new) > 1 else new:
                    if not basis.period.contains(r.meter_time):
                        # the closing period is complete: book what its own reads of this batch
                        # added before the basis moves on
                        settled_until = state.last_reading_at
                        last = basis.last
                        if last is not None and (
                            settled_until is None or last.meter_time > settled_until
                        ):
                            self._book(point, tariff, basis, charged, qty, account_id)
                        period = tariff.period_containing(r.meter_time)
                        basis = start_basis(period, period.start, basis.last)
                        charged, qty = 0, Decimal(0)
                    basis = extend(basis, tariff, r)
        if basis is None:
            self.rebuilt += 1
            latest = self.session.scalar(
                select(func.max(Reading.meter_time)).where(
                    Reading.point_id == point.id,
                    Reading.status.in_(ACCEPTED),
                )
            )
            if latest is None:
                return None
            latest_t = _aware(latest)
            current = tariff.period_containing(latest_t)
            # late readings may change an earlier period: settle those first
            if new:
                for period in sorted(
                    {tariff.period_containing(r.meter_time) for r in new} - {current},
                    key=lambda p: p.start,
                ):
                    b, c, q = self._rebuild_period(point, tariff, period, account_id)
                    if b.last is not None:
                        self._book(point, tariff, b, c, q, account_id)
            basis, charged, qty = self._rebuild_period(point, tariff, current, account_id)
        if basis.last is None:
            return None
        total_fen, total_qty = self._book(point, tariff, basis, charged, qty, account_id)
        text = encode_text(basis)
        _remember(point.id, text, basis, tail_of(basis, tariff, text))
        return _State(
            account_id,
            basis.period.start,
            total_fen,
            total_qty,
            text,
            basis.last.meter_time,
            stamp,
            exists=state is not None,
            period=basis.period,
        )


def settle(
    session: Session,
    *,
    new_readings: Mapping[int, Sequence[PointReading]] | None = None,
    point_ids: Iterable[int] | None = None,
    tariffs: Mapping[int, tuple[Tariff, str]] | None = None,
    now: datetime | None = None,
) -> SettleReport:
    """Settle points in the caller's transaction.

    ``new_readings``: point → reads accepted by ingestion in this transaction (fast path).
    ``point_ids``: points to bring up to date from their stored readings (catch-up after a
    restart, a resolved hold, a tariff change); both may be given.
    """
    # A read cycle allocates a few objects per point and frees hardly any until the end: the
    # collector would walk the whole heap several times for nothing. Paused for the batch only.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _settle(session, new_readings, point_ids, tariffs, now or datetime.now(UTC))
    finally:
        if collecting:
            gc.enable()


def _settle(
    session: Session,
    new_readings: Mapping[int, Sequence[PointReading]] | None,
    point_ids: Iterable[int] | None,
    tariffs: Mapping[int, tuple[Tariff, str]] | None,
    now: datetime,
) -> SettleReport:
    tariffs = tariffs if tariffs is not None else load_tariffs(session)
    new_readings = new_readings or {}
    wanted = sorted(set(new_readings) | set(point_ids or ()))
    points, states = _load(session, wanted)
    engine = SettlementEngine(session, tariffs)
    new_states: list[tuple[int, _State]] = []
    errors: list[str] = []
    for pid in wanted:
        point = points.get(pid)
        if point is None:
            continue
        try:
            result = engine.settle_point(point, states.get(pid), new_readings.get(pid))
        except BillingError as exc:
            errors.append(f"计量点 {pid}: {exc}")
            continue
        if result is not None:
            new_states.append((pid, result))
    booked, entries, accounts = _post(session, engine.postings, now)
    at = driver_time(session, now)
    db_times: dict[datetime, object] = {}
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    ends: dict[BillingPeriod, tuple[object, object, str]] = {}
    for pid, st in new_states:
        period = st.period
        assert period is not None and st.last_reading_at is not None
        times = ends.get(period)
        if times is None:
            times = ends[period] = (
                driver_time(session, period.start),
                driver_time(session, period.end),
                period.label,
            )
        (updates if st.exists else inserts).append(
            (
                st.account_id,
                times[0],
                times[1],
                times[2],
                st.charged_fen,
                db_scaled(st.quantity),
                st.basis,
                db_times.get(st.last_reading_at)
                or db_times.setdefault(
                    st.last_reading_at, driver_time(session, st.last_reading_at)
                ),
                st.tariff_stamp,
                at,
                pid,
            )
        )
    _UPDATE_STATE.many(session, updates)
    _INSERT_STATE.many(session, inserts)
    return SettleReport(
        points=engine.computed,
        booked_fen=booked,
        entries=entries,
        rebuilt=engine.rebuilt,
        skipped=engine.skipped,
        errors=tuple(errors),
        accounts=frozenset(accounts),
    )


def _post(
    session: Session, postings: Sequence[_Posting], now: datetime
) -> tuple[int, int, set[int]]:
    """Book the postings, subsidy pocket first (ACC-2): the entries in one ``executemany``, one
    balance update per account, the accounts locked in id order (PostgreSQL)."""
    by_account: dict[int, list[_Posting]] = defaultdict(list)
    for p in postings:
        by_account[p.account_id].append(p)
    batch = ledger.Batch(session, at=now, channel="system")
    batch.lock(by_account)
    booked = 0
    for account_id in sorted(by_account):
        for p in by_account[account_id]:
            if p.amount_fen > 0:
                split = allocate_charge(p.amount_fen, batch.subsidy_fen(account_id))
                first = True
                if split.subsidy_fen:
                    batch.post(
                        account_id,
                        kind=p.kind,
                        category=p.category,
                        pocket=Pocket.SUBSIDY,
                        amount_fen=-split.subsidy_fen,
                        reference=p.reference,
                        point_id=p.point_id,
                        quantity=p.quantity,
                    )
                    first = False
                if split.cash_fen:
                    batch.post(
                        account_id,
                        kind=p.kind,
                        category=p.category,
                        pocket=Pocket.CASH,
                        amount_fen=-split.cash_fen,
                        reference=p.reference,
                        point_id=p.point_id,
                        quantity=p.quantity if first else None,
                    )
            else:  # a late reading moved a price split point: the correction goes back to cash
                batch.post(
                    account_id,
                    kind=p.kind,
                    category=p.category,
                    pocket=Pocket.CASH,
                    amount_fen=-p.amount_fen,
                    reference=p.reference,
                    point_id=p.point_id,
                    quantity=p.quantity,
                )
            booked += p.amount_fen
    entries = batch.flush()
    return booked, entries, set(by_account)


class SettlementService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def settle_pending(self, now: datetime | None = None) -> SettleReport:
        """Bring every point whose latest accepted reading is not yet settled up to date (the
        catch-up after a restart, a resolved hold or a tariff change)."""
        with self.db.uow() as uow:
            s = uow.session
            latest = (
                select(Reading.point_id, func.max(Reading.meter_time).label("t"))
                .where(Reading.status.in_(ACCEPTED))
                .group_by(Reading.point_id)
                .subquery()
            )
            rows = s.execute(
                select(latest.c.point_id)
                .outerjoin(SettlementState, SettlementState.point_id == latest.c.point_id)
                .where(
                    (SettlementState.point_id.is_(None))
                    | (SettlementState.last_reading_at < latest.c.t)
                )
            ).all()
            report = settle(s, point_ids=[r[0] for r in rows], now=now)
            uow.commit()
            return report

    def record(
        self, reads: Sequence[RawRead], now: datetime | None = None
    ) -> tuple[list[IngestOutcome], SettleReport]:
        """Ingest and settle one batch of reads in one transaction."""
        with self.db.uow() as uow:
            result = ingest_and_settle(uow.session, reads, now=now)
            uow.commit()
            return result


def ingest_and_settle(
    session: Session,
    reads: Sequence[RawRead],
    *,
    now: datetime | None = None,
    tariffs: Mapping[int, tuple[Tariff, str]] | None = None,
) -> tuple[list[IngestOutcome], SettleReport]:
    """Store a batch of reads and settle the points they moved, in the caller's transaction
    (so a crash leaves either both or neither)."""
    now = now or datetime.now(UTC)
    outcomes = ingest(session, reads, now)
    accepted: dict[int, list[PointReading]] = defaultdict(list)
    for o in outcomes:
        if o.accepted is not None and o.status == "ok":
            accepted[o.point_id].append(o.accepted)
    first_points = [o.point_id for o in outcomes if o.status == "first"]
    report = settle(
        session, new_readings=accepted, point_ids=first_points, tariffs=tariffs, now=now
    )
    return outcomes, report
