"""Arrears cut-off, restore and low-balance alerts for one account at one moment (CTL-1…3, CTL-5,
ACC-5): a pure function from balances, points and settings to a :class:`Decision` with reasons.

The control service turns ``Decision.trip_point_ids`` / ``close_point_ids`` into durable commands
(CTL-4), sends ``Decision.alerts`` and runs the policy again at ``Decision.recheck_at`` (e.g. when
a protected window ends, so a cut still owed happens then).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from app.domain.calendar import DEFAULT_TZ, ProtectedWindows, local_date, require_utc, site_zone
from app.domain.enums import AccountState
from app.errors import ValidationError

ELECTRICITY = "electricity"
WATER_UTILITIES = frozenset({"water", "hot_water"})  # valves: cut only if the site enables it


class RelayState(StrEnum):
    """Relay (electricity) or valve (water) state as last read back from the meter."""

    CLOSED = "closed"  # power on / valve open to flow
    OPEN = "open"  # tripped / valve shut
    UNKNOWN = "unknown"


class TripCause(StrEnum):
    """Why an open relay is open; only ARREARS trips are closed by the policy (CTL-2, CTL-5)."""

    ARREARS = "arrears"  # this policy tripped it
    MANUAL = "manual"  # an operator tripped it with a reason (CTL-5)
    METER = "meter"  # the meter's own protection (overload, malicious load, CTL-6)


class Action(StrEnum):
    NONE = "none"
    TRIP = "trip"
    CLOSE = "close"


class Reason(StrEnum):
    """Machine-readable explanation codes; ``ui/messages.py`` turns them into sentences."""

    # account level
    ACCOUNT_NOT_ACTIVE = "account_not_active"
    OWED = "owed"  # available balance ≤ cut threshold
    ABOVE_RESTORE_THRESHOLD = "above_restore_threshold"
    HYSTERESIS = "hysteresis"  # between the two thresholds: keep the current state
    SPECIAL_POWER = "special_power"
    PROTECTED_WINDOW = "protected_window"
    PROPERTY_FEE_ONLY = "property_fee_only"  # owed only by property fees, linkage off
    # point level
    CUT = "cut"
    RESTORE = "restore"
    KEEP_POWER = "keep_power"
    UTILITY_NOT_CUT = "utility_not_cut"  # water (by default), gas, heat
    NO_SWITCH = "no_switch"  # no relay / valve
    ALREADY_OPEN = "already_open"
    MANUAL_TRIP = "manual_trip"
    METER_TRIP = "meter_trip"
    RELAY_STATE_UNKNOWN = "relay_state_unknown"


class AlertLevel(StrEnum):
    WARNING = "warning"
    URGENT = "urgent"


@dataclass(frozen=True)
class AlertThresholds:
    """Low-balance thresholds (CTL-3): alert when the balance ≤ ``*_fen`` or the estimated days
    left ≤ ``*_days``; either, both or neither of each level."""

    warning_fen: int | None = 5000
    urgent_fen: int | None = 1000
    warning_days: Decimal | None = None
    urgent_days: Decimal | None = None


@dataclass(frozen=True)
class CutPolicy:
    """Site settings of the arrears rules (CTL-1, CTL-2, BILL-4).

    Cut when ``balance + overdraft <= cut_threshold_fen``; restore when it is
    ``> restore_threshold_fen``; in between nothing changes (hysteresis, so a top-up of one fen
    does not make the relay chatter). ``cut_water``: valves too (default: 欠费停电不停水).
    ``property_fee_linkage``: property-fee arrears may cut power (物业联动, default off).
    """

    cut_threshold_fen: int = 0
    restore_threshold_fen: int = 0
    cut_water: bool = False
    property_fee_linkage: bool = False
    protected: ProtectedWindows | None = None
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        if self.restore_threshold_fen < self.cut_threshold_fen:
            raise ValidationError(
                "restore_threshold_fen", "the restore threshold must be ≥ the cut threshold"
            )
        site_zone(self.tz)


@dataclass(frozen=True)
class AccountSnapshot:
    """What the policy needs of one account (ACC-2, ACC-5). ``unpaid_property_fee_fen`` is the
    part of the debt that is property fee not yet covered by payments (BILL-4);
    ``daily_spend_fen`` the recent average daily charge (:func:`estimate_daily_spend_fen`)."""

    account_id: int
    cash_fen: int
    subsidy_fen: int = 0
    state: AccountState = AccountState.ACTIVE
    overdraft_limit_fen: int = 0
    special_power_from: datetime | None = None
    special_power_until: datetime | None = None
    unpaid_property_fee_fen: int = 0
    alerts: AlertThresholds = field(default_factory=AlertThresholds)
    daily_spend_fen: int | None = None

    @property
    def balance_fen(self) -> int:
        return self.cash_fen + self.subsidy_fen

    @property
    def available_fen(self) -> int:
        return self.balance_fen + self.overdraft_limit_fen

    def special_power_at(self, moment: datetime) -> bool:
        """Special power (特殊用电) covers ``from <= t < until``; a missing end is open-ended."""
        if self.special_power_from is None and self.special_power_until is None:
            return False
        t = require_utc(moment)
        if self.special_power_from is not None and t < require_utc(self.special_power_from):
            return False
        return self.special_power_until is None or t < require_utc(self.special_power_until)


@dataclass(frozen=True)
class PointSnapshot:
    """One measurement point of the account (DEV-3) with its switch state (CTL-4, CTL-5)."""

    point_id: int
    utility: str  # electricity | water | hot_water | gas | heat
    has_switch: bool = True
    relay_state: RelayState = RelayState.UNKNOWN
    trip_cause: TripCause | None = None  # why it is open, when it is
    keep_power: bool = False  # 保电: never cut


@dataclass(frozen=True)
class PointDecision:
    point_id: int
    action: Action
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Alert:
    """A low-balance message to send (CTL-3); the sender records ``(level, local_day)``."""

    level: AlertLevel
    local_day: date
    balance_fen: int
    days_left: Decimal | None


@dataclass(frozen=True)
class Decision:
    account_id: int
    at: datetime
    balance_fen: int
    available_fen: int  # balance + overdraft
    effective_fen: int  # what the thresholds were compared with (see property_fee_linkage)
    owed: bool
    points: tuple[PointDecision, ...]
    reasons: tuple[Reason, ...]
    recheck_at: datetime | None = None
    alerts: tuple[Alert, ...] = ()

    @property
    def trip_point_ids(self) -> tuple[int, ...]:
        return tuple(p.point_id for p in self.points if p.action is Action.TRIP)

    @property
    def close_point_ids(self) -> tuple[int, ...]:
        return tuple(p.point_id for p in self.points if p.action is Action.CLOSE)


def _in_scope(point: PointSnapshot, policy: CutPolicy) -> bool:
    if point.utility == ELECTRICITY:
        return True
    return policy.cut_water and point.utility in WATER_UTILITIES


def _decide_point(
    point: PointSnapshot,
    policy: CutPolicy,
    *,
    owed: bool,
    restore: bool,
    special: bool,
    protected: bool,
) -> PointDecision:
    def none(*reasons: Reason) -> PointDecision:
        return PointDecision(point.point_id, Action.NONE, reasons)

    if not point.has_switch:
        return none(Reason.NO_SWITCH)
    is_open = point.relay_state is RelayState.OPEN
    if is_open and point.trip_cause is TripCause.MANUAL:
        return none(Reason.MANUAL_TRIP)  # only an operator closes what an operator tripped
    if is_open and point.trip_cause is TripCause.METER:
        return none(Reason.METER_TRIP)
    if point.keep_power:
        if is_open and point.trip_cause is TripCause.ARREARS:
            return PointDecision(point.point_id, Action.CLOSE, (Reason.KEEP_POWER,))
        return none(Reason.KEEP_POWER)
    if restore or special:
        if is_open and point.trip_cause is TripCause.ARREARS:
            why = Reason.SPECIAL_POWER if special and not restore else Reason.RESTORE
            return PointDecision(point.point_id, Action.CLOSE, (why,))
        return none(Reason.SPECIAL_POWER if special and not restore else Reason.RESTORE)
    if not owed:
        return none(Reason.HYSTERESIS)
    if not _in_scope(point, policy):
        return none(Reason.UTILITY_NOT_CUT)
    if protected:
        return none(Reason.PROTECTED_WINDOW)
    if is_open:
        return none(Reason.ALREADY_OPEN)
    if point.relay_state is RelayState.UNKNOWN:
        return PointDecision(point.point_id, Action.TRIP, (Reason.CUT, Reason.RELAY_STATE_UNKNOWN))
    return PointDecision(point.point_id, Action.TRIP, (Reason.CUT,))


def decide(
    account: AccountSnapshot,
    points: Sequence[PointSnapshot],
    policy: CutPolicy,
    now: datetime,
    *,
    alerts_sent: Collection[tuple[AlertLevel, date]] = (),
) -> Decision:
    """Decide trips, restores and low-balance alerts for one account at ``now`` (CTL-1…3).

    - Suspended and closed accounts: nothing (no charges run on them either).
    - Effective balance = balance + overdraft; with property-fee linkage off, the unpaid property
      fee is added back, so a debt made only of property fees cuts nothing (BILL-4).
    - Owed (effective ≤ cut threshold): trip the electricity points (and valves if the site
      enables it) that are not keep-power and not already open — unless special power is in
      force (ACC-5) or ``now`` is in a protected window; then ``recheck_at`` says when to look
      again (the window's end, or the end of the special-power range).
    - Effective > restore threshold, or special power: close the points this policy tripped.
      Points tripped by an operator or by the meter's own protection are never touched.
    """
    t = require_utc(now)
    balance = account.balance_fen
    available = account.available_fen
    if account.state is not AccountState.ACTIVE:
        return Decision(
            account_id=account.account_id,
            at=t,
            balance_fen=balance,
            available_fen=available,
            effective_fen=available,
            owed=False,
            points=tuple(
                PointDecision(p.point_id, Action.NONE, (Reason.ACCOUNT_NOT_ACTIVE,)) for p in points
            ),
            reasons=(Reason.ACCOUNT_NOT_ACTIVE,),
        )

    reasons: list[Reason] = []
    effective = available
    owed_with_property = available <= policy.cut_threshold_fen
    if not policy.property_fee_linkage:
        effective = available + max(account.unpaid_property_fee_fen, 0)
    owed = effective <= policy.cut_threshold_fen
    restore = effective > policy.restore_threshold_fen
    if owed:
        reasons.append(Reason.OWED)
    elif owed_with_property:
        reasons.append(Reason.PROPERTY_FEE_ONLY)
    if restore:
        reasons.append(Reason.ABOVE_RESTORE_THRESHOLD)
    elif not owed:
        reasons.append(Reason.HYSTERESIS)

    special = account.special_power_at(t)
    recheck: list[datetime] = []
    if owed and special:
        reasons.append(Reason.SPECIAL_POWER)
        if account.special_power_until is not None:
            recheck.append(require_utc(account.special_power_until))
    protected_until = (
        policy.protected.protected_until(t) if owed and not special and policy.protected else None
    )
    if protected_until is not None:
        reasons.append(Reason.PROTECTED_WINDOW)
        recheck.append(protected_until)

    decisions = tuple(
        _decide_point(
            p,
            policy,
            owed=owed,
            restore=restore,
            special=special,
            protected=protected_until is not None,
        )
        for p in points
    )
    if protected_until is not None and not any(
        Reason.PROTECTED_WINDOW in d.reasons for d in decisions
    ):
        recheck.remove(protected_until)  # nothing was held back by the window
        reasons.remove(Reason.PROTECTED_WINDOW)
    return Decision(
        account_id=account.account_id,
        at=t,
        balance_fen=balance,
        available_fen=available,
        effective_fen=effective,
        owed=owed,
        points=decisions,
        reasons=tuple(reasons),
        recheck_at=min(recheck) if recheck else None,
        alerts=low_balance_alerts(account, policy, t, alerts_sent=alerts_sent),
    )


# --- low-balance alerts (CTL-3) ---------------------------------------------------------------


def estimate_daily_spend_fen(daily_charges_fen: Sequence[int]) -> int | None:
    """Average daily charge over the given recent days (half-up to the fen); ``None`` when there
    is no history or nothing was spent (days left cannot be estimated)."""
    if not daily_charges_fen:
        return None
    total = sum(max(c, 0) for c in daily_charges_fen)
    if total <= 0:
        return None
    q, r = divmod(total, len(daily_charges_fen))
    return q + (1 if 2 * r >= len(daily_charges_fen) else 0)


def days_left(account: AccountSnapshot, policy: CutPolicy) -> Decimal | None:
    """Estimated days until the cut threshold at the recent daily spend, to 0.1 day (rounded
    down, never negative); ``None`` without a spend estimate."""
    spend = account.daily_spend_fen
    if spend is None or spend <= 0:
        return None
    headroom = account.available_fen - policy.cut_threshold_fen
    if headroom <= 0:
        return Decimal("0.0")
    return (Decimal(headroom) / Decimal(spend)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def low_balance_alerts(
    account: AccountSnapshot,
    policy: CutPolicy,
    now: datetime,
    *,
    alerts_sent: Collection[tuple[AlertLevel, date]] = (),
) -> tuple[Alert, ...]:
    """The low-balance messages to send now (CTL-3): the most severe level whose money or
    days-left threshold is reached, unless that level was already sent on this local day. When
    the urgent level holds the warning is not sent as well, so a tenant gets at most one
    message per level per day and never a warning after an urgent one."""
    if account.state is not AccountState.ACTIVE:
        return ()
    th = account.alerts
    left = days_left(account, policy)
    balance = account.balance_fen

    def reached(fen: int | None, days: Decimal | None) -> bool:
        by_money = fen is not None and balance <= fen
        by_days = days is not None and left is not None and left <= days
        return by_money or by_days

    level: AlertLevel | None = None
    if reached(th.urgent_fen, th.urgent_days):
        level = AlertLevel.URGENT
    elif reached(th.warning_fen, th.warning_days):
        level = AlertLevel.WARNING
    if level is None:
        return ()
    today = local_date(now, policy.tz)
    if (level, today) in set(alerts_sent):
        return ()
    return (Alert(level=level, local_day=today, balance_fen=balance, days_left=left),)
