"""Cut-off and restore (CTL-1…3, CTL-5), and the durable command queue (CTL-4).

``evaluate_accounts`` applies the pure policy (``app/domain/cut_policy.py``) to every account and
turns its decisions into queued commands and low-balance messages. ``CommandRunner`` executes the
queue through the comms engine: commands run before routine reads (engine priority CONTROL),
every relay/valve command is confirmed by reading the state back, a meter that acknowledges but
does not switch raises the 关断控制失效 alarm, and a command found half-done after a crash is
never replayed blindly — the meter's state is read first.

Switch state on a point (``relay_state``) is kept in the policy's terms: ``closed`` = supplying
(relay closed / valve open), ``open`` = cut (relay tripped / valve shut).
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from app.domain.calendar import local_date, local_midnight_utc, parse_protected_windows
from app.domain.cut_policy import (
    AccountSnapshot,
    Action,
    AlertLevel,
    AlertThresholds,
    CutPolicy,
    Decision,
    PointSnapshot,
    Reason,
    RelayState,
    TripCause,
    decide,
)
from app.domain.enums import AccountState, Category, EntryKind
from app.domain.permissions import Perm
from app.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.models.account import Account
from app.models.command import Command
from app.models.gateway import Bus, Gateway
from app.models.ledger import LedgerEntry
from app.models.meter import MeasurementPoint, Meter
from app.models.settlement import Notification
from app.models.site import Room
from app.services import audit
from app.services.alarms import AlarmKind, clear_alarms, raise_alarm
from app.services.context import Actor
from app.services.notifications import queue_tenant_message
from app.services.readings import previous_values
from app.services.settings import read_settings
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

OPEN_COMMAND_STATES = ("pending", "sent")
SWITCH_KINDS = ("trip", "close", "valve-close", "valve-open")
# command kind → the point's switch state once it is confirmed
TARGET_STATE = {"trip": "open", "valve-close": "open", "close": "closed", "valve-open": "closed"}
OPPOSITE = {
    "trip": "close",
    "close": "trip",
    "valve-close": "valve-open",
    "valve-open": "valve-close",
}


CUT_KINDS = frozenset({"trip", "valve-close"})
RESTORE_KINDS = frozenset({"close", "valve-open"})


def cut_kind(utility: str) -> str:
    return "trip" if utility == "electricity" else "valve-close"


def restore_kind(utility: str) -> str:
    return "close" if utility == "electricity" else "valve-open"


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- queueing --------------------------------------------------------------------------------


def enqueue_command(
    session: Session,
    *,
    kind: str,
    point_id: int,
    rule: str,
    reason: str = "",
    requested_by: int | None = None,
    priority: int = 0,
    payload: dict[str, object] | None = None,
    now: datetime | None = None,
) -> int | None:
    """Queue a command for a point in the caller's transaction.

    - An open command of the same kind makes this a no-op (``None``) — except that an operator's
      request (rule ``manual``) adopts an open policy command of the same kind as manual and
      returns its id, so that what the operator tripped is never closed by the policy (CTL-5).
    - An open opposite command that is still pending is cancelled (superseded) — except that the
      arrears policy never supersedes an operator: with an open opposite manual command the
      policy's request is dropped (``None``).
    """
    now = now or datetime.now(UTC)
    row = session.execute(
        select(MeasurementPoint.meter_id, Bus.gateway_id)
        .join(Meter, Meter.id == MeasurementPoint.meter_id)
        .join(Bus, Bus.id == Meter.bus_id)
        .where(MeasurementPoint.id == point_id)
    ).first()
    if row is None:
        raise NotFoundError("measurement point", point_id)
    open_cmds = session.execute(
        select(Command.id, Command.kind, Command.state, Command.rule)
        .where(Command.point_id == point_id, Command.state.in_(OPEN_COMMAND_STATES))
        .order_by(Command.id)
    ).all()
    manual = rule == TripCause.MANUAL
    opposite = OPPOSITE.get(kind)
    if not manual and any(k == opposite and r == TripCause.MANUAL for _i, k, _s, r in open_cmds):
        return None  # only an operator undoes what an operator asked for
    for cmd_id, cmd_kind, _state, cmd_rule in open_cmds:
        if cmd_kind != kind:
            continue
        if manual and cmd_rule != TripCause.MANUAL:
            session.execute(
                update(Command)
                .where(Command.id == cmd_id, Command.state.in_(OPEN_COMMAND_STATES))
                .values(rule=TripCause.MANUAL, reason=reason, requested_by_id=requested_by)
            )
            return int(cmd_id)
        return None
    for cmd_id, cmd_kind, state, _rule in open_cmds:
        if cmd_kind == opposite and state == "pending":
            session.execute(
                update(Command)
                .where(Command.id == cmd_id, Command.state == "pending")
                .values(state="cancelled", finished_at=now, result="被后续相反命令取代")
            )
    cmd = Command(
        kind=kind,
        point_id=point_id,
        meter_id=row[0],
        gateway_id=row[1],
        priority=priority,
        requested_by_id=requested_by,
        rule=rule,
        reason=reason,
        state="pending",
        payload=dict(payload or {}),
        created_at=now,
    )
    session.add(cmd)
    session.flush()
    return cmd.id


# --- the policy ------------------------------------------------------------------------------


def policy_from_settings(settings: dict[str, Any]) -> CutPolicy:
    windows = settings.get("control.protected_windows") or {}
    tz = str(settings.get("site.timezone", "Asia/Shanghai"))
    return CutPolicy(
        cut_threshold_fen=int(settings.get("billing.cut_threshold_fen", 0)),
        restore_threshold_fen=int(settings.get("billing.restore_threshold_fen", 0)),
        cut_water=bool(settings.get("control.cut_water", False)),
        property_fee_linkage=bool(settings.get("billing.property_fee_linkage", False)),
        # windows are in the site's time zone unless their own configuration names one
        protected=parse_protected_windows({"tz": tz, **windows}) if windows else None,
        tz=tz,
    )


@dataclass(frozen=True)
class EvaluateReport:
    accounts: int = 0
    trips: int = 0
    closes: int = 0
    alerts: int = 0
    commands: tuple[int, ...] = ()
    cancelled: int = 0  # pending policy commands the new decision overtook
    backed_off: int = 0  # cuts not queued: the point's last automatic cut failed recently


def _days(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def evaluate_accounts(
    session: Session,
    *,
    now: datetime | None = None,
    account_ids: Iterable[int] | None = None,
) -> EvaluateReport:
    """Decide cut / restore / alerts for accounts (all open ones by default) and queue the
    resulting commands and messages, in the caller's transaction."""
    now = now or datetime.now(UTC)
    settings = read_settings(session)
    policy = policy_from_settings(settings)
    q = select(Account).where(Account.state != AccountState.CLOSED)
    if account_ids is not None:
        ids = sorted(set(account_ids))
        if not ids:
            return EvaluateReport()
        q = q.where(Account.id.in_(ids))
    accounts = list(session.scalars(q))
    if not accounts:
        return EvaluateReport()
    acc_ids = [a.id for a in accounts]
    room_to_acc = {a.room_id: a.id for a in accounts}
    points: dict[int, list[PointSnapshot]] = defaultdict(list)
    point_utility: dict[int, str] = {}
    for pid, room_id, utility, has_relay, relay, cause, keep in session.execute(
        select(
            MeasurementPoint.id,
            MeasurementPoint.room_id,
            MeasurementPoint.utility,
            Meter.has_relay,
            MeasurementPoint.relay_state,
            MeasurementPoint.trip_cause,
            MeasurementPoint.keep_power,
        )
        .join(Meter, Meter.id == MeasurementPoint.meter_id)
        .where(
            MeasurementPoint.room_id.in_(list(room_to_acc)),
            MeasurementPoint.status == "active",
            Meter.status == "active",
        )
    ):
        if room_id is None:
            continue
        point_utility[pid] = utility
        points[room_to_acc[room_id]].append(
            PointSnapshot(
                pid,
                utility,
                bool(has_relay),
                RelayState(relay) if relay in ("open", "closed") else RelayState.UNKNOWN,
                TripCause(cause) if cause in {c.value for c in TripCause} else None,
                bool(keep),
            )
        )
    fees = unpaid_property_fees(session, [a.id for a in accounts if a.balance_fen < 0])
    # low-balance messages already queued today, per account
    today = local_date(now, policy.tz)
    since = local_midnight_utc(today, policy.tz)
    sent: dict[int, set[tuple[AlertLevel, date]]] = defaultdict(set)
    for notified, kind in session.execute(
        select(Notification.account_id, Notification.kind).where(
            Notification.account_id.in_(acc_ids),
            Notification.kind.in_(("low_balance_warning", "low_balance_urgent")),
            Notification.created_at >= since,
        )
    ):
        level = AlertLevel.URGENT if kind == "low_balance_urgent" else AlertLevel.WARNING
        if notified is not None:
            sent[notified].add((level, today))
    warn_days = _days(settings.get("alerts.warn_days"))
    urgent_days = _days(settings.get("alerts.urgent_days"))
    spend: dict[int, int] = {}
    if warn_days is not None or urgent_days is not None:
        week_ago = now - timedelta(days=7)
        for acc, total in session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen))
            .where(
                LedgerEntry.account_id.in_(acc_ids),
                LedgerEntry.kind.in_((EntryKind.ELECTRICITY_CHARGE, EntryKind.WATER_CHARGE)),
                LedgerEntry.created_at >= week_ago,
            )
            .group_by(LedgerEntry.account_id)
        ):
            if total:
                spend[acc] = max(1, -int(total) // 7)
    # policy commands still waiting to run, per account (a meter offline, a retry pending)
    pending: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    acc_of_point = {p.point_id: acc for acc, pts in points.items() for p in pts}
    for cmd_id, cmd_point, cmd_kind in session.execute(
        select(Command.id, Command.point_id, Command.kind).where(
            Command.state == "pending", Command.rule == TripCause.ARREARS
        )
    ):  # few rows: only commands not yet carried out
        if cmd_point in acc_of_point:
            pending[acc_of_point[cmd_point]].append((cmd_id, cmd_point, cmd_kind))
    backoff = _failed_cut_backoff(session, settings, set(acc_of_point), now)
    trips = closes = alerts = cancelled = backed_off = 0
    commands: list[int] = []
    for a in accounts:
        snapshot = AccountSnapshot(
            account_id=a.id,
            cash_fen=a.cash_fen,
            subsidy_fen=a.subsidy_fen,
            state=AccountState(a.state),
            overdraft_limit_fen=a.overdraft_limit_fen,
            special_power_from=a.special_power_from,
            special_power_until=a.special_power_until,
            unpaid_property_fee_fen=fees.get(a.id, 0),
            alerts=AlertThresholds(
                warning_fen=a.warn_threshold_fen,
                urgent_fen=a.urgent_threshold_fen,
                warning_days=warn_days,
                urgent_days=urgent_days,
            ),
            daily_spend_fen=spend.get(a.id),
        )
        decision = decide(snapshot, points.get(a.id, ()), policy, now, alerts_sent=sent[a.id])
        cancelled += _cancel_overtaken(session, decision, pending.get(a.id, ()), now)
        for pid in decision.trip_point_ids:
            if pid in backoff:
                backed_off += 1
                continue
            cid = enqueue_command(
                session,
                kind=cut_kind(point_utility[pid]),
                point_id=pid,
                rule=TripCause.ARREARS,
                reason=f"欠费：可用余额 {decision.effective_fen / 100:.2f} 元",
                now=now,
            )
            if cid is not None:
                trips += 1
                commands.append(cid)
        for pid in decision.close_point_ids:
            cid = enqueue_command(
                session,
                kind=restore_kind(point_utility[pid]),
                point_id=pid,
                rule=TripCause.ARREARS,
                reason="余额已恢复",
                now=now,
            )
            if cid is not None:
                closes += 1
                commands.append(cid)
        for alert in decision.alerts:
            kind = (
                "low_balance_urgent" if alert.level is AlertLevel.URGENT else "low_balance_warning"
            )
            threshold = (
                a.urgent_threshold_fen
                if alert.level is AlertLevel.URGENT
                else (a.warn_threshold_fen)
            )
            params: dict[str, object] = {
                "balance_fen": alert.balance_fen,
                "threshold_fen": threshold,
            }
            if alert.days_left is not None:
                params["days_left"] = str(alert.days_left)
            if queue_tenant_message(
                session,
                kind=kind,
                account_id=a.id,
                dedup_key=f"{kind}:{a.id}:{alert.local_day.isoformat()}",
                params=params,
                now=now,
            ):
                alerts += 1
    return EvaluateReport(
        len(accounts), trips, closes, alerts, tuple(commands), cancelled, backed_off
    )


def _failed_cut_backoff(
    session: Session, settings: dict[str, Any], point_ids: set[int], now: datetime
) -> set[int]:
    """Points whose latest automatic (arrears) cut command failed less than
    ``control.failed_cut_backoff_s`` ago: a relay that acknowledges but does not switch would
    otherwise get a new, equally failing command — and the same alarm — every control cycle.
    The control-failure alarm is already up for a person to act on; the policy tries again
    after the back-off, or at once after a later cut of the point succeeded."""
    try:
        seconds = int(settings.get("control.failed_cut_backoff_s") or 0)
    except (TypeError, ValueError):
        seconds = 0
    if seconds <= 0 or not point_ids:
        return set()
    since = now - timedelta(seconds=seconds)
    failed: dict[int, int] = {}
    for cmd_id, pid in session.execute(
        select(Command.id, Command.point_id).where(
            Command.state == "failed",
            Command.rule == TripCause.ARREARS,
            Command.kind.in_(CUT_KINDS),
            Command.finished_at >= since,
        )
    ):  # few rows: failures of the back-off window
        if pid in point_ids:
            failed[pid] = max(failed.get(pid, 0), int(cmd_id))
    if not failed:
        return set()
    latest = dict(
        session.execute(
            select(Command.point_id, func.max(Command.id))
            .where(
                Command.point_id.in_(sorted(failed)),
                Command.rule == TripCause.ARREARS,
                Command.kind.in_(CUT_KINDS),
            )
            .group_by(Command.point_id)
        ).all()
    )
    return {pid for pid, cmd_id in failed.items() if latest.get(pid) == cmd_id}


# a point decision with one of these reasons means "do not cut this point now"
_NO_CUT_NOW = frozenset(
    {
        Reason.RESTORE,
        Reason.SPECIAL_POWER,
        Reason.PROTECTED_WINDOW,
        Reason.KEEP_POWER,
        Reason.UTILITY_NOT_CUT,
        Reason.NO_SWITCH,
    }
)


def _cancel_overtaken(
    session: Session,
    decision: Decision,
    pending: Sequence[tuple[int, int, str]],
    now: datetime,
) -> int:
    """Cancel policy commands still pending that the decision of ``now`` contradicts (CTL-4): a
    restore for an account that has run out again, a cut for an account that has been topped up,
    is in special power, or has entered a protected window (CTL-1) — they were decided on an
    older state and must not be replayed (the meter may have been offline since)."""
    if not pending:
        return 0
    by_point = {p.point_id: p for p in decision.points}
    cancelled = 0
    for cmd_id, pid, kind in pending:
        pd = by_point.get(pid)
        if pd is None or pd.action is not Action.NONE:
            continue  # a new command for this point supersedes the pending one itself
        if kind in RESTORE_KINDS and decision.owed and Reason.SPECIAL_POWER not in pd.reasons:
            result = "账户已再次欠费，取消恢复供电"
        elif kind in CUT_KINDS and _NO_CUT_NOW.intersection(pd.reasons):
            result = "已不需要断电（余额已恢复、特殊用电、保护时段或保电）"
        else:
            continue
        done = session.execute(
            update(Command)
            .where(Command.id == cmd_id, Command.state == "pending")
            .values(state="cancelled", finished_at=now, result=result)
        )
        cancelled += int(getattr(done, "rowcount", 0) or 0)
    return cancelled


def unpaid_property_fees(session: Session, account_ids: Sequence[int]) -> dict[int, int]:
    """Property fee not yet covered, per account in debt (BILL-4): the property fees (net of their
    reversals) booked since the balance was last ≥ 0. A top-up is taken to pay utilities first,
    so with property-fee linkage off only the utility part of a debt cuts power (物业联动 off):
    ¥50 left, an ¥80 fee → balance −¥30, unpaid fee ¥80, the utilities still have ¥50."""
    out: dict[int, int] = {}
    ids = sorted(set(account_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        last_paid_up = (
            select(LedgerEntry.account_id, func.max(LedgerEntry.id).label("entry_id"))
            .where(LedgerEntry.account_id.in_(chunk), LedgerEntry.balance_after_fen >= 0)
            .group_by(LedgerEntry.account_id)
            .subquery()
        )
        for acc, total in session.execute(
            select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_fen))
            .outerjoin(last_paid_up, last_paid_up.c.account_id == LedgerEntry.account_id)
            .where(
                LedgerEntry.account_id.in_(chunk),
                LedgerEntry.category == Category.PROPERTY,
                LedgerEntry.id > func.coalesce(last_paid_up.c.entry_id, 0),
            )
            .group_by(LedgerEntry.account_id)
        ):
            if total is not None and int(total) < 0:
                out[int(acc)] = -int(total)
    return out


# --- execution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommandJob:
    id: int
    kind: str
    point_id: int
    rule: str | None
    attempts: int
    max_attempts: int
    verify_first: bool
    gateway_code: str
    bus_number: int
    protocol: str
    address: str
    meter_type: int | None
    profile: str
    meter_kind: str
    account_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunReport:
    claimed: int = 0
    confirmed: int = 0
    failed: int = 0
    retried: int = 0
    recovered: int = 0
    cancelled_stale: int = 0
    outcomes: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # e.g. the policy could not be evaluated


@dataclass(frozen=True)
class ExecResult:
    outcome: str  # confirmed | already (found in the target state, nothing sent)
    state: str  # the switch state read back
    register: Decimal | None = None  # main register right after the switch (for CTL-4 checks)
    live: dict[str, str] | None = None  # live values of a read-now (DEV-5), kept on the command


# how the runner reaches meters: (job) -> ExecResult, or raises NotExecuted / a comms error
Executor = Callable[[CommandJob], ExecResult]


class NotExecuted(Exception):
    """The meter acknowledged but its switch is not in the commanded state (CTL-4)."""

    def __init__(self, actual: str) -> None:
        super().__init__(actual)
        self.actual = actual


_RUNNER_SEQ = itertools.count(1)


class CommandRunner:
    """Claims due commands (leases; ``SKIP LOCKED`` on PostgreSQL), executes them outside any
    database transaction and records the outcome."""

    def __init__(
        self,
        db: Database,
        executor: Executor,
        *,
        owner: str | None = None,
        lease_s: float = 120.0,
        retry_delay_s: float = 30.0,
        stale_after: timedelta = timedelta(hours=6),
        batch: int = 200,
    ) -> None:
        self.db = db
        self.executor = executor
        # unique per runner (lease_owner is 64 characters): leases tell runners apart, also two
        # in one process
        self.owner = owner or f"{socket.gethostname()[:40]}:{os.getpid()}:{next(_RUNNER_SEQ)}"
        self.lease_s = lease_s
        self.retry_delay_s = retry_delay_s
        self.stale_after = stale_after
        self.batch = batch

    def recover(self, now: datetime) -> tuple[int, int]:
        """Commands left ``sent`` by a process that died: back to pending with ``verify_first``
        (read the meter before sending anything). Pending commands older than ``stale_after``
        are cancelled rather than executed long after they were asked for.

        On PostgreSQL the rows are locked (``SKIP LOCKED``) before they change: two runners
        recovering at once would otherwise both reset a command that one of them has already
        claimed again, and both would execute it."""
        with self.db.uow() as uow:
            s = uow.session
            # leases run out, and leases of this PC's own processes that are gone (a collector
            # killed and restarted need not wait for its own lease)
            dead = [
                o
                for (o,) in s.execute(
                    select(Command.lease_owner)
                    .where(Command.state == "sent", Command.lease_until >= now)
                    .distinct()
                )
                if _owner_dead(o)
            ]
            lost = (
                select(Command)
                .where(
                    Command.state == "sent",
                    (Command.lease_until < now)
                    | Command.lease_until.is_(None)
                    | Command.lease_owner.in_(dead),
                )
                .order_by(Command.id)
            )
            stale_q = (
                select(Command.id)
                .where(Command.state == "pending", Command.created_at < now - self.stale_after)
                .order_by(Command.id)
            )
            if not self.db.is_sqlite:
                lost = lost.with_for_update(skip_locked=True)
                stale_q = stale_q.with_for_update(skip_locked=True)
            recovered = 0
            for cmd in s.scalars(lost):
                cmd.state = "pending"
                cmd.payload = {**(cmd.payload or {}), "verify_first": True}
                cmd.lease_owner = None
                cmd.lease_until = None
                recovered += 1
            stale = list(s.scalars(stale_q))
            if stale:
                s.execute(
                    update(Command)
                    .where(Command.id.in_(stale), Command.state == "pending")
                    .values(
                        state="cancelled", finished_at=now, result="已过期，未执行（防止盲目重放）"
                    )
                )
            uow.commit()
            return recovered, len(stale)

    def claim(self, now: datetime, limit: int = 200) -> list[CommandJob]:
        with self.db.uow() as uow:
            s = uow.session
            q = (
                select(Command.id)
                .where(
                    Command.state == "pending",
                    (Command.lease_until.is_(None)) | (Command.lease_until < now),
                )
                .order_by(Command.priority, Command.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                q = q.with_for_update(skip_locked=True)
            ids = list(s.scalars(q))
            if not ids:
                return []
            until = now + timedelta(seconds=self.lease_s)
            s.execute(
                update(Command)
                .where(Command.id.in_(ids))
                .values(
                    state="sent",
                    lease_owner=self.owner,
                    lease_until=until,
                    attempts=Command.attempts + 1,
                    sent_at=now,
                )
            )
            rows = s.execute(
                select(
                    Command.id,
                    Command.kind,
                    Command.point_id,
                    Command.rule,
                    Command.attempts,
                    Command.max_attempts,
                    Command.payload,
                    Gateway.code,
                    Bus.number,
                    Meter.protocol,
                    Meter.address,
                    Meter.meter_type,
                    Meter.profile,
                    Meter.kind,
                    MeasurementPoint.room_id,
                )
                .join(Meter, Meter.id == Command.meter_id)
                .join(Bus, Bus.id == Meter.bus_id)
                .join(Gateway, Gateway.id == Bus.gateway_id)
                .join(MeasurementPoint, MeasurementPoint.id == Command.point_id)
                .where(Command.id.in_(ids))
                .order_by(Command.priority, Command.id)
            ).all()
            accounts = dict(
                s.execute(
                    select(Account.room_id, Account.id).where(
                        Account.room_id.in_([r[14] for r in rows if r[14] is not None]),
                        Account.state != AccountState.CLOSED,
                    )
                ).all()
            )
            uow.commit()
        return [
            CommandJob(
                r[0],
                r[1],
                int(r[2] or 0),
                r[3],
                r[4],
                r[5],
                bool((r[6] or {}).get("verify_first")),
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                accounts.get(r[14]),
                dict(r[6] or {}),
            )
            for r in rows
        ]

    def run_due(self, now: datetime | None = None) -> RunReport:
        now = now or datetime.now(UTC)
        report = RunReport()
        report.recovered, report.cancelled_stale = self.recover(now)
        jobs = self.claim(now, self.batch)
        report.claimed = len(jobs)
        started = time.monotonic()
        for job in jobs:
            # The batch shares one lease; renew this job's before running it, so that a slow
            # batch is not taken over by another runner's recovery half-way through.
            elapsed = timedelta(seconds=time.monotonic() - started)
            if not self._renew(job, now + elapsed):
                report.outcomes[job.id] = "lost"
                continue
            try:
                result = self.executor(job)
            except NotExecuted as exc:
                done = self._finish_failed(job, now, exc.actual, control_failure=True)
                report.failed += done
                report.outcomes[job.id] = "failed" if done else "lost"
                continue
            except Exception as exc:
                if job.attempts < job.max_attempts:
                    done = self._retry(job, now, str(exc))
                    report.retried += done
                    report.outcomes[job.id] = "retry" if done else "lost"
                else:
                    done = self._finish_failed(job, now, str(exc), control_failure=False)
                    report.failed += done
                    report.outcomes[job.id] = "failed" if done else "lost"
                continue
            done = self._finish_confirmed(job, now, result)
            report.confirmed += done
            report.outcomes[job.id] = result.outcome if done else "lost"
        return report

    def _mine(self, job: CommandJob) -> ColumnElement[bool]:
        """The command is still ours: claimed by this runner and not recovered by another."""
        return (
            (Command.id == job.id) & (Command.state == "sent") & (Command.lease_owner == self.owner)
        )

    def _renew(self, job: CommandJob, now: datetime) -> bool:
        with self.db.uow() as uow:
            done = uow.session.execute(
                update(Command)
                .where(self._mine(job))
                .values(lease_until=now + timedelta(seconds=self.lease_s))
            )
            uow.commit()
        if not getattr(done, "rowcount", 0):
            logger.warning("command %s was taken over before it ran; skipped", job.id)
            return False
        return True

    def _retry(self, job: CommandJob, now: datetime, error: str) -> bool:
        with self.db.uow() as uow:
            done = uow.session.execute(
                update(Command)
                .where(self._mine(job))
                .values(
                    state="pending",
                    lease_owner=None,
                    lease_until=now + timedelta(seconds=self.retry_delay_s * job.attempts),
                    result=f"第 {job.attempts} 次执行失败：{error}"[:2000],
                )
            )
            uow.commit()
        return bool(getattr(done, "rowcount", 0))

    def _finish_confirmed(self, job: CommandJob, now: datetime, result: ExecResult) -> bool:
        """Record the outcome unless the command was taken over meanwhile (its lease ran out and
        another runner recovered it: that runner reads the meter again and records it)."""
        target = TARGET_STATE.get(job.kind)
        with self.db.uow() as uow:
            s = uow.session
            confirmed: dict[str, object] = {
                "state": "confirmed",
                "finished_at": now,
                "lease_until": None,
                "result": "已确认",
            }
            if result.live is not None:
                confirmed["payload"] = {**job.payload, "live": result.live}
            done = s.execute(update(Command).where(self._mine(job)).values(**confirmed))
            if not getattr(done, "rowcount", 0):
                logger.warning("command %s was taken over; its outcome is not recorded", job.id)
                return False
            # the rule as it is now: an operator may have adopted the policy's command (CTL-5)
            rule = s.scalar(select(Command.rule).where(Command.id == job.id))
            if target is not None:
                values: dict[str, object] = {"relay_state": target}
                if target == "open":
                    values["trip_cause"] = rule or TripCause.MANUAL
                    values["tripped_at"] = now
                    if result.register is not None:
                        values["trip_value"] = result.register
                    else:
                        at_trip = previous_values(s, job.point_id).get("total")
                        values["trip_value"] = None if at_trip is None else at_trip.value
                else:
                    values["trip_cause"] = None
                    values["tripped_at"] = None
                    values["trip_value"] = None
                s.execute(
                    update(MeasurementPoint)
                    .where(MeasurementPoint.id == job.point_id)
                    .values(**values)
                )
                clear_alarms(s, f"control_failure:{job.point_id}", now)
                if rule == TripCause.ARREARS and job.account_id is not None:
                    kind = "cut" if target == "open" else "restored"
                    queue_tenant_message(
                        s,
                        kind=kind,
                        account_id=job.account_id,
                        dedup_key=f"{kind}:{job.point_id}:cmd{job.id}",
                        params={"time": now},
                        now=now,
                    )
            uow.commit()
        return True

    def _finish_failed(
        self, job: CommandJob, now: datetime, detail: str, *, control_failure: bool
    ) -> bool:
        with self.db.uow() as uow:
            s = uow.session
            done = s.execute(
                update(Command)
                .where(self._mine(job))
                .values(state="failed", finished_at=now, lease_until=None, result=detail[:2000])
            )
            if not getattr(done, "rowcount", 0):
                logger.warning("command %s was taken over; its failure is not recorded", job.id)
                return False
            if job.kind == "read":
                pass  # a read-now that failed: its row says so; 通讯中断 covers a silent meter
            elif job.kind == "set_params":
                raise_alarm(
                    s,
                    AlarmKind.COMMAND_FAILED,
                    f"params_failed:{job.point_id}",
                    f"参数下发失败：表 {job.address}，{detail}"[:500],
                    point_id=job.point_id,
                    details={"command_id": job.id, "error": detail[:500]},
                    now=now,
                )
            elif control_failure:
                if detail in ("open", "closed"):
                    s.execute(
                        update(MeasurementPoint)
                        .where(MeasurementPoint.id == job.point_id)
                        .values(relay_state=_policy_state(job, detail))
                    )
                raise_alarm(
                    s,
                    AlarmKind.CONTROL_FAILURE,
                    f"control_failure:{job.point_id}",
                    f"关断控制失效：表 {job.address} 应答了"
                    f"{_KIND_NAMES.get(job.kind, job.kind)}命令，"
                    f"但回读状态仍为{_state_name(job, detail)}",
                    point_id=job.point_id,
                    details={"command_id": job.id, "kind": job.kind, "read_back": detail},
                    now=now,
                )
            else:
                raise_alarm(
                    s,
                    AlarmKind.COMMAND_FAILED,
                    f"command_failed:{job.point_id}",
                    f"命令执行失败：表 {job.address} {_KIND_NAMES.get(job.kind, job.kind)}，"
                    f"重试 {job.attempts} 次仍无应答",
                    point_id=job.point_id,
                    details={"command_id": job.id, "error": detail[:500]},
                    now=now,
                )
            uow.commit()
        return True


def _owner_dead(owner: str | None) -> bool:
    """A lease held by a process of this host that no longer runs (a collector killed and
    restarted on the same PC need not wait for its own lease to expire)."""
    if not owner or ":" not in owner:
        return False
    parts = owner.split(":")
    if len(parts) < 2:
        return False
    host, pid_text = parts[0], parts[1]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


_KIND_NAMES = {
    "trip": "拉闸",
    "close": "合闸",
    "valve-close": "关阀",
    "valve-open": "开阀",
    "set_params": "参数下发",
    "read": "抄读",
}
_STATE_NAMES = {"open": "断开", "closed": "闭合", "abnormal": "异常"}
_VALVE_STATE_NAMES = {"open": "开启", "closed": "关闭", "abnormal": "异常"}


def _state_name(job: CommandJob, meter_state: str) -> str:
    """The meter's state word in Chinese: a relay is 断开/闭合, a valve 开启/关闭."""
    names = _VALVE_STATE_NAMES if job.protocol == "cjt188" else _STATE_NAMES
    return names.get(meter_state, meter_state)


def _policy_state(job: CommandJob, meter_state: str) -> str:
    """The meter's own state word → the point's switch state in policy terms."""
    if job.protocol == "cjt188":  # valve: "open" = water flows = supplying
        return "closed" if meter_state == "open" else "open"
    return meter_state


def meter_state_expected(kind: str) -> str:
    """What ``meter_ops.read_switch_state`` reports once ``kind`` took effect."""
    return {"trip": "open", "close": "closed", "valve-close": "closed", "valve-open": "open"}[kind]


# --- manual control (CTL-5) ------------------------------------------------------------------

READ_KIND = "read"  # read now (MON-2): the collector reads the point and stores the reading
READ_PRIORITY = 5  # after control commands, before parameter downloads


def _require_scope(session: Session, actor: Actor, point: MeasurementPoint) -> None:
    """An operator acts only on the buildings given to them (SEC-2)."""
    if actor.building_ids is None:
        return
    building = (
        None
        if point.room_id is None
        else session.scalar(select(Room.building_id).where(Room.id == point.room_id))
    )
    if building is None or not actor.may_see_building(building):
        raise PermissionDeniedError(actor.login, "building scope")


class ControlService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def request(
        self,
        actor: Actor,
        point_ids: Sequence[int],
        action: str,
        reason: str,
        *,
        keep_power: bool | None = None,
    ) -> list[int]:
        """Queue a trip/close on points by a person, with a reason (CTL-5). A manual trip is
        never closed by the arrears policy; ``keep_power`` sets or clears 保电. ``read``
        queues a read-now command (MON-2) that the collector runs before routine reads."""
        actor.require(Perm.DEVICE_CONTROL)
        if action not in ("trip", "close", "read"):
            raise ValidationError("action", f"未知操作 {action!r}")
        if not reason.strip():
            raise ValidationError("reason", "请填写操作原因")
        now = datetime.now(UTC)
        ids: list[int] = []
        with self.db.uow() as uow:
            s = uow.session
            for pid in point_ids:
                point = s.get(MeasurementPoint, pid)
                if point is None:
                    raise NotFoundError("measurement point", pid)
                _require_scope(s, actor, point)
                if action == "read":
                    kind = READ_KIND
                elif action == "trip":
                    kind = cut_kind(point.utility)
                else:
                    kind = restore_kind(point.utility)
                cid = enqueue_command(
                    s,
                    kind=kind,
                    point_id=pid,
                    rule=TripCause.MANUAL,
                    reason=reason,
                    requested_by=actor.operator_id,
                    priority=READ_PRIORITY if action == "read" else 0,
                    now=now,
                )
                if keep_power is not None:
                    point.keep_power = keep_power
                audit.record(
                    s,
                    actor,
                    f"control.{action}",
                    "point",
                    pid,
                    None,
                    {"command_id": cid, "reason": reason, "keep_power": keep_power},
                )
                if cid is not None:
                    ids.append(cid)
            uow.commit()
        return ids

    def set_keep_power(
        self, actor: Actor, point_ids: Sequence[int], keep_power: bool, reason: str
    ) -> int:
        """Set or clear 保电 on points without switching them (CTL-5); returns how many
        points changed."""
        actor.require(Perm.DEVICE_CONTROL)
        if not reason.strip():
            raise ValidationError("reason", "请填写操作原因")
        changed = 0
        with self.db.uow() as uow:
            s = uow.session
            for pid in point_ids:
                point = s.get(MeasurementPoint, pid)
                if point is None:
                    raise NotFoundError("measurement point", pid)
                _require_scope(s, actor, point)
                if bool(point.keep_power) == keep_power:
                    continue
                before = {"keep_power": bool(point.keep_power)}
                point.keep_power = keep_power
                audit.record(
                    s,
                    actor,
                    "control.keep_power",
                    "point",
                    pid,
                    before,
                    {"keep_power": keep_power, "reason": reason},
                )
                changed += 1
            uow.commit()
        return changed

    def command_states(self, ids: Sequence[int]) -> dict[int, str]:
        with self.db.uow() as uow:
            rows = uow.session.execute(select(Command.id, Command.state).where(Command.id.in_(ids)))
            return {cmd_id: state for cmd_id, state in rows}
