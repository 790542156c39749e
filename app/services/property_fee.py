"""Monthly property fee (物业费, BILL-4): area × rate or a fixed amount per room, booked once per
account and month from the account's move-in, on the configured day, catching up the months
missed while the office PC was off.

The settings key ``billing.property_fee`` (docs/BILLING.md §3)::

    {"mode": "area", "rate": "2.3456", "deduct_day": 1, "start_month": "2026-07"}
    {"mode": "fixed", "fixed_fen": 8000, "deduct_day": 1}
    {"mode": "off"}                                           (default: no property fee)

Each month's fee is one ledger entry (kind ``property_fee``, category ``property``) drawn from the
cash pocket only: the subsidy pocket (补助) is for consumption (SPEC ACC-2: "Consumption draws the
subsidy pocket first"; a kWh/m³ subsidy is valued at a utility price, BILLING.md §3), and the
property fee is not consumption. Its idempotency key ``pfee:{account_id}:{YYYY-MM}`` (unique in
the ledger) and the account lock make a month chargeable exactly once, however often and however
concurrently the job runs. The fee may take the balance below zero; whether that cuts power is
the arrears policy's business (物业联动, ``billing.property_fee_linkage``).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.billing import PropertyFeeRule, parse_property_fee_rule
from app.domain.calendar import local_date, require_utc
from app.domain.enums import AccountState, Category, EntryKind, Pocket
from app.domain.permissions import Perm
from app.errors import ValidationError
from app.models.account import Account
from app.models.ledger import LedgerEntry
from app.models.site import Occupancy, Room
from app.services import audit
from app.services.context import Actor
from app.services.ledger import LockedAccount, lock_account, post
from app.services.settings import read_settings
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

SETTING_KEY = "billing.property_fee"
KEY_PREFIX = "pfee:"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_SYSTEM = Actor.system("property-fee")


@dataclass(frozen=True)
class PropertyFeeConfig:
    rule: PropertyFeeRule
    start_month: date | None  # no month before this one is charged (enabling on a live site)


@dataclass(frozen=True)
class PropertyFeeCharge:
    account_id: int
    account_no: str
    month: str  # YYYY-MM
    amount_fen: int  # the fee (positive); the ledger entry is its negative
    entry_id: int


@dataclass(frozen=True)
class PropertyFeeReport:
    enabled: bool
    accounts: int = 0  # active accounts looked at
    charges: tuple[PropertyFeeCharge, ...] = ()
    missing_area: tuple[str, ...] = ()  # account numbers whose room has no area: nothing booked

    @property
    def booked_fen(self) -> int:
        return sum(c.amount_fen for c in self.charges)


def _month_text(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _parse_month(value: object) -> date | None:
    if value in (None, ""):
        return None
    m = _MONTH.match(str(value).strip())
    if m is None:
        raise ValidationError("start_month", f"{value!r} 不是有效的月份（应为 YYYY-MM）")
    return date(int(m.group(1)), int(m.group(2)), 1)


def parse_property_fee_config(value: object) -> PropertyFeeConfig | None:
    """The ``billing.property_fee`` setting → the rule, or ``None`` when no fee is charged."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValidationError(SETTING_KEY, "物业费设置应为一个对象")
    mode = value.get("mode", "off")
    day = value.get("deduct_day", 1)
    if mode in (None, "", "off"):
        return None
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise ValidationError("deduct_day", "扣费日应为每月 1–28 日")
    if mode == "area":
        rate = value.get("rate")
        if rate in (None, ""):
            raise ValidationError("rate", "请设置物业费单价（元/平方米）")
        if isinstance(rate, float):
            raise ValidationError("rate", '单价请以文本填写（如 "2.3456"），避免浮点误差')
        config: dict[str, object] = {"rate_yuan_per_m2": str(rate), "deduct_day": day}
    elif mode == "fixed":
        fixed = value.get("fixed_fen")
        if isinstance(fixed, bool) or not isinstance(fixed, int) or fixed < 0:
            raise ValidationError("fixed_fen", "固定物业费应为不小于 0 的整数（分）")
        config = {"fixed_fen": fixed, "deduct_day": day}
    else:
        raise ValidationError("mode", f"未知的物业费计费方式 {mode!r}（area、fixed 或 off）")
    try:
        rule = parse_property_fee_rule(config)
    except ValidationError as exc:
        raise ValidationError(exc.field, "物业费单价应为不小于 0、最多 4 位小数的数") from exc
    return PropertyFeeConfig(rule, _parse_month(value.get("start_month")))


def first_chargeable_month(move_in: datetime, deduct_day: int, tz: str) -> date:
    """A month is charged when the tenant has moved in by its deduct day (local calendar)."""
    if move_in.tzinfo is None:  # stored as UTC
        move_in = move_in.replace(tzinfo=UTC)
    day = local_date(move_in, tz)
    month = day.replace(day=1)
    if day.day <= deduct_day:
        return month
    return date(month.year + 1, 1, 1) if month.month == 12 else month.replace(month=month.month + 1)


def _charged_months(session: Session, account_ids: list[int]) -> dict[int, set[date]]:
    out: dict[int, set[date]] = defaultdict(set)
    for i in range(0, len(account_ids), 500):
        for acc_id, key in session.execute(
            select(LedgerEntry.account_id, LedgerEntry.idempotency_key).where(
                LedgerEntry.account_id.in_(account_ids[i : i + 500]),
                LedgerEntry.kind == EntryKind.PROPERTY_FEE,
                LedgerEntry.idempotency_key.like(f"{KEY_PREFIX}%"),
            )
        ):
            month = _parse_month(str(key).rsplit(":", 1)[-1])
            if month is not None:
                out[acc_id].add(month)
    return out


def charge_property_fees(
    session: Session, now: datetime, *, actor: Actor | None = None
) -> PropertyFeeReport:
    """Book every due month's property fee of every active account, in the caller's
    transaction (commit once for the whole run). Months are counted from the account's move-in
    (and not before ``start_month``); a month is due from its local deduct day on; a month
    already booked is never booked again. Suspended accounts are not charged (ACC-5).
    """
    now = require_utc(now, "now")
    actor = actor or _SYSTEM
    settings = read_settings(session)
    config = parse_property_fee_config(settings.get(SETTING_KEY))
    if config is None:
        return PropertyFeeReport(enabled=False)
    rule = config.rule
    tz = str(settings.get("site.timezone", "Asia/Shanghai"))
    rows = session.execute(
        select(Account.id, Account.account_no, Occupancy.move_in, Room.area_m2)
        .join(Occupancy, Occupancy.id == Account.occupancy_id)
        .join(Room, Room.id == Account.room_id)
        .where(Account.state == AccountState.ACTIVE)
        .order_by(Account.id)  # one lock order for every writer
    ).all()
    charged = _charged_months(session, [r[0] for r in rows])
    for_update = session.get_bind().dialect.name != "sqlite"
    charges: list[PropertyFeeCharge] = []
    missing_area: list[str] = []
    for acc_id, account_no, move_in, area in rows:
        first = first_chargeable_month(move_in, rule.deduct_day, tz)
        if config.start_month is not None and first < config.start_month:
            first = config.start_month
        if not rule.months_due(now, first_month=first, charged=charged[acc_id], tz=tz):
            continue
        fee = rule.monthly_fee_fen(area)
        if fee == 0:
            if rule.fixed_fen is None:
                missing_area.append(account_no)  # caught up once the room has its area
            continue
        # Under the account lock, look again: a concurrent run may have booked the month while
        # this one waited (PostgreSQL READ COMMITTED sees it now; SQLite queued the whole run).
        account = lock_account(session, account_id=acc_id, for_update=for_update)
        if account.state != AccountState.ACTIVE:
            continue  # suspended or closed meanwhile
        done = _charged_months(session, [acc_id])[acc_id]
        for month in rule.months_due(now, first_month=first, charged=done, tz=tz):
            posted = post(
                session,
                account,
                kind=EntryKind.PROPERTY_FEE,
                category=Category.PROPERTY,
                pocket=Pocket.CASH,
                amount_fen=-fee,
                operator_id=actor.operator_id,
                channel="system",
                reference=f"{KEY_PREFIX}{_month_text(month)}",
                reason=f"{month.year}年{month.month}月物业费",
                idempotency_key=f"{KEY_PREFIX}{acc_id}:{_month_text(month)}",
                request_fingerprint=f"property_fee:{fee}",
                at=now,
            )
            account = LockedAccount(
                account.id,
                account.account_no,
                account.state,
                posted.cash_fen,
                posted.subsidy_fen,
                account.top_up_cap_fen,
                account.overdraft_limit_fen,
            )
            charges.append(
                PropertyFeeCharge(acc_id, account_no, _month_text(month), fee, posted.entry_id)
            )
    if charges:
        audit.record(
            session,
            actor,
            "property_fee.charge",
            "property_fee",
            _month_text(local_date(now, tz)),
            None,
            {
                "entries": len(charges),
                "accounts": len({c.account_id for c in charges}),
                "total_fen": sum(c.amount_fen for c in charges),
                "months": sorted({c.month for c in charges}),
            },
            at=now,
        )
    if missing_area:
        logger.warning("property fee: rooms without an area: %s", ", ".join(missing_area))
    return PropertyFeeReport(
        enabled=True,
        accounts=len(rows),
        charges=tuple(charges),
        missing_area=tuple(missing_area),
    )


class PropertyFeeService:
    """The property-fee job as one unit of work (for the scheduler and a "charge now" button)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def charge_due(self, actor: Actor, now: datetime | None = None) -> PropertyFeeReport:
        actor.require(Perm.ADJUST)
        now = now or datetime.now(UTC)
        for attempt in (1, 2):
            try:
                with self.db.uow() as uow:
                    report = charge_property_fees(uow.session, now, actor=actor)
                    uow.commit()
                    return report
            except IntegrityError:
                # another writer booked one of the months first (its key is unique): run again,
                # the months it booked are then skipped
                if attempt == 2:
                    raise
                logger.info("property fee run repeated after a concurrent booking")
        raise AssertionError("unreachable")  # pragma: no cover
