"""Tenant and staff notifications through the ``notifications`` outbox (NOTE-1, CTL-3, MON-3).

Producers (settlement, cut-off, cashier, alarms) call :func:`queue_tenant_message` or
:func:`queue_staff_alarm` inside their own transaction: the message row commits or rolls back with
the change it reports. A :class:`NotificationDispatcher` (called by the scheduler or the
collector, never on the GUI thread) claims due rows in a short transaction, sends them with no
transaction open, and records each result in another short transaction.

Delivery is at-least-once: a claim is a lease (``next_attempt_at`` pushed ``claim_timeout_s``
ahead, ``attempts`` + 1); a process that dies after claiming leaves rows that come due again when
the lease runs out. Rate limit: ``dedup_key`` is unique, so queueing the same key twice (e.g.
``low_balance_warning:{account_id}:{local_date}``) stores one message.
"""

from __future__ import annotations

import logging
import re
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.calendar import require_utc, site_zone
from app.domain.money import format_fen
from app.domain.permissions import Perm
from app.errors import NotFoundError, ValidationError
from app.models.account import Account
from app.models.base import utcnow
from app.models.settlement import Notification
from app.models.site import Room, Tenant
from app.services import audit
from app.services.context import Actor
from app.services.notify_channels import (
    CHANNEL_NAMES,
    DeliveryError,
    NotificationChannel,
    OutgoingMessage,
    build_channels,
    channel_configured,
)
from app.services.secrets import SecretError, SecretStore
from app.services.settings import read_settings
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

TENANT_KINDS = ("low_balance_warning", "low_balance_urgent", "cut", "restored", "top_up")

KIND_LABELS: dict[str, str] = {
    "low_balance_warning": "余额不足提醒",
    "low_balance_urgent": "余额紧急提醒",
    "cut": "欠费停电通知",
    "restored": "恢复供电通知",
    "top_up": "充值到账通知",
}

# Staff alarm kinds (MON-3, app/services/alarms.py AlarmKind) and their Chinese names.
ALARM_LABELS: dict[str, str] = {
    "comm_offline": "通讯中断",
    "control_failure": "关断控制失效",
    "reading_anomaly": "读数异常",
    "overload_trip": "过载/恶性负载跳闸",
    "temperature": "温度超限",
    "clock_drift": "时钟偏差",
    "low_balance": "余额不足",
    "arrears_cut": "欠费断电",
    "meter_fault": "表计故障",
    "tamper": "窃电/开盖告警",
    "command_failed": "命令执行失败",
}

# Placeholders: {site} {tenant} {room} {room_name} {account_no} {balance} {amount} {threshold}
# {days} {time} and the optional fragments {threshold_text} {days_text} {receipt_text}, which are
# empty when the caller did not give the value. Overridable per kind in "notify.templates".
DEFAULT_TEMPLATES: dict[str, str] = {
    "low_balance_warning": (
        "【{site}】{tenant}您好，{room}账户余额{balance}{threshold_text}{days_text}，"
        "请及时充值，以免影响正常用电。"
    ),
    "low_balance_urgent": (
        "【{site}】{tenant}您好，{room}账户余额仅剩{balance}{days_text}，即将欠费停电，"
        "请尽快到收费处或线上充值。"
    ),
    "cut": (
        "【{site}】{tenant}您好，{room}账户已欠费（余额{balance}），已于{time}停止供电。"
        "充值后将自动恢复供电。"
    ),
    "restored": "【{site}】{tenant}您好，{room}已于{time}恢复供电，当前余额{balance}。",
    "top_up": (
        "【{site}】{tenant}您好，{room}于{time}充值{amount}已到账{receipt_text}，当前余额{balance}。"
    ),
}
STAFF_TEMPLATE = "【{site}】{label}：{message}（{time}）"
TENANT_SUBJECT = "【{site}】{label}"
STAFF_SUBJECT = "【{site}】告警：{label}"

NO_CHANNEL = "none"  # channel of the row stored when nothing is configured (state skipped)
MAX_DEDUP_KEY = 120  # leaves room for the "#channel:n" suffixes inside the 160-char column
# A claim lasts at least this many times the slowest channel timeout; a message is sent only
# while at least SEND_BUDGET_PER_TIMEOUT timeouts of its lease remain (else it is released).
LEASE_PER_TIMEOUT = 4
SEND_BUDGET_PER_TIMEOUT = 2
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_FALLBACK_ZONE = timezone(timedelta(hours=8), "CST")


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _zone(settings: Mapping[str, Any]) -> ZoneInfo | timezone:
    try:
        return site_zone(str(settings.get("site.timezone") or "Asia/Shanghai"))
    except ValidationError:
        # a PC without tz data (Windows without the tzdata package): China has no DST
        return _FALLBACK_ZONE


def format_local_time(moment: datetime, settings: Mapping[str, Any]) -> str:
    """2026-11-24 14:05 on the site's wall clock (UX-1)."""
    return require_utc(moment).astimezone(_zone(settings)).strftime("%Y-%m-%d %H:%M")


def _fen(params: Mapping[str, object], key: str) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"params[{key!r}] must be integer fen, got {value!r}")
    return value


def _days_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ValueError(f"params['days_left'] must be a number, got {value!r}")
    try:
        days = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"params['days_left'] must be a number, got {value!r}") from None
    if days < 1:
        return "，预计可用不足1天"
    return f"，预计还可使用约{int(days)}天"


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Replace the known ``{name}`` placeholders; unknown ones stay visible (a typo in a custom
    template shows up in the text instead of failing the producer's transaction)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _template(settings: Mapping[str, Any], kind: str) -> str:
    custom = settings.get("notify.templates")
    if isinstance(custom, Mapping):
        text = custom.get(kind)
        if isinstance(text, str) and text.strip():
            return text
    return DEFAULT_TEMPLATES[kind]


@dataclass(frozen=True)
class _TenantInfo:
    account_no: str
    room_code: str
    room_name: str
    tenant_name: str
    phone: str
    messaging_id: str
    balance_fen: int


def _tenant_info(session: Session, account_id: int) -> _TenantInfo:
    row = session.execute(
        select(
            Account.account_no,
            Room.code,
            Room.name,
            Tenant.name,
            Tenant.phone,
            Tenant.messaging_id,
            Account.cash_fen + Account.subsidy_fen,
        )
        .join(Room, Room.id == Account.room_id)
        .join(Tenant, Tenant.id == Account.tenant_id)
        .where(Account.id == account_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError("account id", account_id)
    account_no, room_code, room_name, tenant_name, phone, messaging_id, balance = row
    return _TenantInfo(
        account_no,
        room_code,
        room_name,
        tenant_name,
        (phone or "").strip(),
        (messaging_id or "").strip(),
        int(balance),
    )


def render_tenant_message(
    settings: Mapping[str, Any],
    kind: str,
    info: _TenantInfo,
    params: Mapping[str, object],
    now: datetime,
) -> tuple[str, str]:
    """(subject, body) of a tenant message."""
    balance = _fen(params, "balance_fen")
    amount = _fen(params, "amount_fen")
    threshold = _fen(params, "threshold_fen")
    moment = params.get("time")
    if moment is not None and not isinstance(moment, datetime):
        raise ValueError(f"params['time'] must be a datetime, got {moment!r}")
    receipt = params.get("receipt_no")
    site = str(settings.get("site.name") or "")
    values = {
        "site": site,
        "tenant": info.tenant_name,
        "room": str(params.get("room_code") or info.room_code),
        "room_name": info.room_name,
        "account_no": info.account_no,
        "balance": format_fen(info.balance_fen if balance is None else balance),
        "amount": "" if amount is None else format_fen(amount),
        "threshold": "" if threshold is None else format_fen(threshold),
        "threshold_text": "" if threshold is None else f"，低于提醒金额{format_fen(threshold)}",
        "days": "" if params.get("days_left") is None else str(params.get("days_left")),
        "days_text": _days_text(params.get("days_left")),
        "time": format_local_time(moment or now, settings),
        "receipt_text": f"（凭条号{receipt}）" if receipt else "",
    }
    body = render_template(_template(settings, kind), values)
    subject = render_template(TENANT_SUBJECT, {"site": site, "label": KIND_LABELS[kind]})
    return subject, body


# --------------------------------------------------------------------------------------------
# Queueing (inside the caller's transaction)
# --------------------------------------------------------------------------------------------


def _channel_list(settings: Mapping[str, Any], key: str) -> list[str]:
    raw = settings.get(key) or []
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.split(",")]
    out: list[str] = []
    for name in raw:
        name = str(name).strip().lower()
        if name in CHANNEL_NAMES and name not in out:
            out.append(name)
    return out


def _str_list(settings: Mapping[str, Any], key: str) -> list[str]:
    raw = settings.get(key) or []
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    return [str(v).strip() for v in raw if str(v).strip()]


def _check_key(dedup_key: str) -> None:
    if not dedup_key or len(dedup_key) > MAX_DEDUP_KEY:
        raise ValueError(f"dedup_key must be 1..{MAX_DEDUP_KEY} characters, got {dedup_key!r}")


def _insert_ignore(session: Session, values: Mapping[str, object]) -> int | None:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING id: a duplicate is no error, so the
    caller's transaction (and on PostgreSQL its snapshot) stays intact."""
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        stmt: Any = pg_insert(Notification)
    elif dialect == "sqlite":
        stmt = sqlite_insert(Notification)
    else:  # pragma: no cover - the product supports SQLite and PostgreSQL only
        raise NotImplementedError(f"notifications on {dialect}")
    stmt = (
        stmt.values(**values)
        .on_conflict_do_nothing(index_elements=[Notification.dedup_key])
        .returning(Notification.id)
    )
    result: int | None = session.execute(stmt).scalar_one_or_none()
    return result


@dataclass(frozen=True)
class _Row:
    channel: str
    recipient: str
    state: str  # pending | skipped
    note: str | None  # why skipped


def _store(
    session: Session,
    rows: Sequence[_Row],
    *,
    dedup_key: str,
    common: Mapping[str, object],
    now: datetime,
) -> int | None:
    """Insert the rows of one message; the first carries the caller's key, the others the key
    with a ``#channel`` (``#channel:n``) suffix. A duplicate first key means "already queued"."""
    first_id: int | None = None
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        n = seen.get(row.channel, 0)
        seen[row.channel] = n + 1
        key = dedup_key if index == 0 else f"{dedup_key}#{row.channel}" + (f":{n}" if n else "")
        values = {
            **common,
            "channel": row.channel,
            "recipient": row.recipient[:256],
            "dedup_key": key,
            "state": row.state,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": row.note,
            "created_at": now,
            "sent_at": None,
        }
        new_id = _insert_ignore(session, values)
        if index == 0:
            if new_id is None:
                return None
            first_id = new_id
    return first_id


def _tenant_rows(settings: Mapping[str, Any], info: _TenantInfo) -> list[_Row]:
    rows: list[_Row] = []
    for name in _channel_list(settings, "notify.tenant_channels"):
        if not channel_configured(settings, name):
            continue
        if name == "sms":
            if info.phone:
                rows.append(_Row("sms", info.phone, "pending", None))
            else:
                rows.append(_Row("sms", "", "skipped", "租户未登记手机号"))
        elif name == "email":
            if "@" in info.messaging_id:
                rows.append(_Row("email", info.messaging_id, "pending", None))
            else:
                rows.append(_Row("email", "", "skipped", "租户未登记邮箱（消息标识）"))
        elif name == "webhook":
            mention = info.phone if settings.get("notify.webhook.mention_tenant", True) else ""
            rows.append(_Row("webhook", mention, "pending", None))
    if not rows:
        rows.append(_Row(NO_CHANNEL, "", "skipped", "未配置租户通知渠道"))
    return rows


def _staff_rows(settings: Mapping[str, Any]) -> list[_Row]:
    rows: list[_Row] = []
    for name in _channel_list(settings, "notify.staff_channels"):
        if not channel_configured(settings, name):
            continue
        if name == "webhook":
            rows.append(_Row("webhook", "", "pending", None))
        elif name == "sms":
            phones = _str_list(settings, "notify.staff_phones")
            rows.extend(_Row("sms", p, "pending", None) for p in phones)
            if not phones:
                rows.append(_Row("sms", "", "skipped", "未配置值班手机号（notify.staff_phones）"))
        elif name == "email":
            emails = ", ".join(_str_list(settings, "notify.staff_emails"))
            if emails:
                rows.append(_Row("email", emails, "pending", None))
            else:
                rows.append(_Row("email", "", "skipped", "未配置值班邮箱（notify.staff_emails）"))
    if not rows:
        rows.append(_Row(NO_CHANNEL, "", "skipped", "未配置值班通知渠道"))
    return rows


def queue_tenant_message(
    session: Session,
    *,
    kind: str,
    account_id: int,
    dedup_key: str,
    params: Mapping[str, object],
    now: datetime,
) -> int | None:
    """Queue a message to the tenant of ``account_id`` in the caller's transaction.

    ``kind``: low_balance_warning | low_balance_urgent | cut | restored | top_up. ``params``
    (all optional): ``balance_fen`` (default: the account's balance now), ``amount_fen``,
    ``threshold_fen``, ``days_left``, ``time`` (aware datetime, default ``now``), ``receipt_no``.
    One row per configured tenant channel; none configured → one row in state ``skipped``.
    Returns the id of the first row, or ``None`` when ``dedup_key`` was queued before (nothing is
    written then). Never commits.
    """
    if kind not in TENANT_KINDS:
        raise ValueError(f"unknown tenant message kind {kind!r}")
    _check_key(dedup_key)
    now = require_utc(now, "now")
    settings = read_settings(session)
    info = _tenant_info(session, account_id)
    subject, body = render_tenant_message(settings, kind, info, params, now)
    common = {
        "kind": kind,
        "audience": "tenant",
        "account_id": account_id,
        "alarm_id": None,
        "subject": subject[:200],
        "body": body,
    }
    new_id = _store(
        session, _tenant_rows(settings, info), dedup_key=dedup_key, common=common, now=now
    )
    if new_id is None:
        logger.debug("tenant message %s already queued", dedup_key)
    return new_id


def queue_staff_alarm(
    session: Session,
    *,
    alarm_id: int,
    kind: str,
    message: str,
    dedup_key: str,
    now: datetime,
) -> int | None:
    """Queue an alarm message to the staff channels in the caller's transaction.

    Webhook: one row to the group; SMS: one row per ``notify.staff_phones`` entry; e-mail: one row
    to all ``notify.staff_emails``. Same ``dedup_key`` rule and return value as
    :func:`queue_tenant_message`.
    """
    _check_key(dedup_key)
    now = require_utc(now, "now")
    settings = read_settings(session)
    site = str(settings.get("site.name") or "")
    label = ALARM_LABELS.get(kind, kind)
    values = {
        "site": site,
        "label": label,
        "message": message,
        "time": format_local_time(now, settings),
    }
    common = {
        "kind": kind[:24],
        "audience": "staff",
        "account_id": None,
        "alarm_id": alarm_id,
        "subject": render_template(STAFF_SUBJECT, values)[:200],
        "body": render_template(STAFF_TEMPLATE, values),
    }
    return _store(session, _staff_rows(settings), dedup_key=dedup_key, common=common, now=now)


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base_s: int = 60
    backoff_max_s: int = 3600
    claim_timeout_s: int = 300
    batch_size: int = 20

    @staticmethod
    def from_settings(settings: Mapping[str, Any]) -> RetryPolicy:
        def num(key: str, default: int, low: int) -> int:
            try:
                return max(low, int(settings.get(key) or default))
            except (TypeError, ValueError):
                return default

        return RetryPolicy(
            max_attempts=num("notify.max_attempts", 6, 1),
            backoff_base_s=num("notify.backoff_base_s", 60, 1),
            backoff_max_s=num("notify.backoff_max_s", 3600, 1),
            claim_timeout_s=num("notify.claim_timeout_s", 300, 30),
            batch_size=num("notify.batch_size", 20, 1),
        )

    def backoff(self, attempts: int) -> timedelta:
        """Delay after the ``attempts``-th failed try: base, 2×base, 4×base … capped."""
        exponent = min(max(attempts - 1, 0), 30)
        return timedelta(seconds=min(self.backoff_base_s * 2**exponent, self.backoff_max_s))


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    kind: str
    audience: str
    channel: str
    recipient: str
    subject: str
    body: str
    attempts: int  # including this try: the claim token


@dataclass(frozen=True)
class DeliveryResult:
    notification_id: int
    channel: str
    state: str  # sent | pending (will retry) | failed | skipped | released
    attempts: int
    detail: str
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    results: tuple[DeliveryResult, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        return (
            f"认领 {self.claimed} 条：已发送 {self.sent}，待重试 {self.retrying}，"
            f"失败 {self.failed}，跳过 {self.skipped}，退回 {self.released}"
        )


def mask_recipient(recipient: str) -> str:
    """138****0001 / w***@example.com for logs (the full value stays in the outbox row)."""
    if not recipient:
        return "-"
    parts = []
    for item in recipient.split(","):
        item = item.strip()
        if "@" in item:
            local, _, domain = item.partition("@")
            parts.append(f"{local[:1]}***@{domain}")
        elif len(item) >= 7:
            parts.append(f"{item[:3]}****{item[-4:]}")
        else:
            parts.append("***")
    return ",".join(parts)


class NotificationDispatcher:
    """Sends due outbox rows. ``dispatch_due`` is a plain blocking call for the scheduler or the
    collector thread; several dispatchers (desks, collectors) may run at once on PostgreSQL."""

    def __init__(
        self,
        db: Database,
        *,
        secrets: SecretStore | None = None,
        channels: Mapping[str, NotificationChannel] | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.db = db
        self.secrets = secrets or SecretStore()
        self._channels = channels
        self._ssl_context = ssl_context

    # -- claim ---------------------------------------------------------------------------------

    def _claim(self, session: Session, now: datetime, policy: RetryPolicy) -> list[ClaimedMessage]:
        due = (
            select(Notification.id)
            .where(Notification.state == "pending", Notification.next_attempt_at <= now)
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(policy.batch_size)
        )
        if not self.db.is_sqlite:
            # two collectors never pick the same row; each takes the next unlocked ones
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if not ids:
            return []
        lease_until = now + timedelta(seconds=policy.claim_timeout_s)
        # The conditional UPDATE is the claim itself (SQLite: under BEGIN IMMEDIATE; PostgreSQL:
        # rows already locked): only rows still pending and due are taken.
        rows = session.execute(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.state == "pending",
                Notification.next_attempt_at <= now,
            )
            .values(attempts=Notification.attempts + 1, next_attempt_at=lease_until)
            .returning(
                Notification.id,
                Notification.kind,
                Notification.audience,
                Notification.channel,
                Notification.recipient,
                Notification.subject,
                Notification.body,
                Notification.attempts,
            )
            .execution_options(synchronize_session=False)
        ).all()
        claimed = [
            ClaimedMessage(
                id=r.id,
                kind=r.kind,
                audience=r.audience,
                channel=r.channel,
                recipient=r.recipient,
                subject=r.subject,
                body=r.body,
                attempts=r.attempts,
            )
            for r in rows
        ]
        claimed.sort(key=lambda m: m.id)
        return claimed

    def claim(self, now: datetime, policy: RetryPolicy | None = None) -> list[ClaimedMessage]:
        """Claim due rows in their own transaction (public for tests and tools)."""
        now = require_utc(now, "now")
        with self.db.uow() as uow:
            if policy is None:
                policy = RetryPolicy.from_settings(read_settings(uow.session))
            claimed = self._claim(uow.session, now, policy)
            uow.commit()
        return claimed

    # -- send ----------------------------------------------------------------------------------

    def dispatch_due(self, now: datetime | None = None) -> DispatchReport:
        """One pass: claim due messages, send each (no transaction open), record the results."""
        now = require_utc(now or utcnow(), "now")
        with self.db.uow() as uow:
            settings = read_settings(uow.session)
            channels = (
                self._channels
                if self._channels is not None
                else build_channels(settings, self.secrets, ssl_context=self._ssl_context)
            )
            policy = RetryPolicy.from_settings(settings)
            # the lease must outlast the slowest channel's timeout several times over
            slowest = max((c.timeout_s for c in channels.values()), default=0.0)
            lease_s = max(policy.claim_timeout_s, int(slowest * LEASE_PER_TIMEOUT) + 1)
            policy = replace(policy, claim_timeout_s=lease_s)
            started = time.monotonic()
            claimed = self._claim(uow.session, now, policy)
            uow.commit()
        if not claimed:
            return DispatchReport()
        results: list[DeliveryResult] = []
        for message in claimed:
            channel = channels.get(message.channel)
            # Stop before a send could outlive the lease: another dispatcher may then take the
            # row, and the message would go out twice.
            budget = policy.claim_timeout_s - (time.monotonic() - started)
            if channel is not None and budget <= channel.timeout_s * SEND_BUDGET_PER_TIMEOUT:
                results.append(
                    DeliveryResult(message.id, message.channel, "released", message.attempts, "")
                )
                continue
            results.append(self._deliver(message, channel, now, policy))
        self._record(results, now)
        report = DispatchReport(
            claimed=len(claimed),
            sent=sum(r.state == "sent" for r in results),
            retrying=sum(r.state == "pending" for r in results),
            failed=sum(r.state == "failed" for r in results),
            skipped=sum(r.state == "skipped" for r in results),
            released=sum(r.state == "released" for r in results),
            results=tuple(results),
        )
        logger.info("notification dispatch: %s", report.summary())
        return report

    def _deliver(
        self,
        message: ClaimedMessage,
        channel: NotificationChannel | None,
        now: datetime,
        policy: RetryPolicy,
    ) -> DeliveryResult:
        who = f"notification {message.id} {message.kind} via {message.channel}"
        to = mask_recipient(message.recipient)
        if channel is None:
            detail = f"渠道 {message.channel} 当前未配置，未发送"
            logger.warning("%s → %s: skipped (channel not configured)", who, to)
            return DeliveryResult(message.id, message.channel, "skipped", message.attempts, detail)
        outgoing = OutgoingMessage(
            message.channel, message.recipient, message.subject, message.body
        )
        try:
            detail = channel.send(outgoing)
        except DeliveryError as exc:
            detail, retryable = channel.scrub(exc.message), exc.retryable
        except Exception as exc:  # a bug in a channel must not lose the rest of the batch
            # only the type: the text of an unexpected error may quote part of a secret
            detail, retryable = f"内部错误：{type(exc).__name__}", True
        else:
            logger.info("%s → %s: sent (%s), attempt %d", who, to, detail, message.attempts)
            return DeliveryResult(message.id, message.channel, "sent", message.attempts, detail)
        if retryable and message.attempts < policy.max_attempts:
            at = now + policy.backoff(message.attempts)
            logger.warning(
                "%s → %s: attempt %d failed, retry at %s: %s",
                who,
                to,
                message.attempts,
                at.isoformat(),
                detail,
            )
            return DeliveryResult(
                message.id, message.channel, "pending", message.attempts, detail, at
            )
        logger.error(
            "%s → %s: failed after attempt %d (%s): %s",
            who,
            to,
            message.attempts,
            "retryable, attempts exhausted" if retryable else "permanent",
            detail,
        )
        return DeliveryResult(message.id, message.channel, "failed", message.attempts, detail)

    def _record(self, results: Sequence[DeliveryResult], now: datetime) -> None:
        """Write the outcomes; each update is conditional on the claim token (attempts), so a row
        that another dispatcher re-claimed after our lease ran out is left to it."""
        with self.db.uow() as uow:
            for r in results:
                token = (
                    Notification.id == r.notification_id,
                    Notification.state == "pending",
                    Notification.attempts == r.attempts,
                )
                values: dict[str, object]
                if r.state == "sent":
                    values = {"state": "sent", "sent_at": now, "last_error": None}
                elif r.state == "pending":
                    values = {"next_attempt_at": r.next_attempt_at, "last_error": r.detail}
                elif r.state in ("failed", "skipped"):
                    values = {"state": r.state, "last_error": r.detail}
                else:  # released: give the try back, due at once
                    values = {"attempts": r.attempts - 1, "next_attempt_at": now}
                result = cast(
                    "CursorResult[Any]",
                    uow.session.execute(
                        update(Notification)
                        .where(*token)
                        .values(**values)
                        .execution_options(synchronize_session=False)
                    ),
                )
                changed = result.rowcount
                if not changed:
                    logger.warning(
                        "notification %s: claim lost before its result (%s) was recorded",
                        r.notification_id,
                        r.state,
                    )
            uow.commit()


# --------------------------------------------------------------------------------------------
# Read side for the UI and the CLI
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    kind_label: str
    audience: str
    channel: str
    recipient: str
    account_id: int | None
    alarm_id: int | None
    subject: str
    body: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _view(n: Notification) -> NotificationView:
    label = KIND_LABELS.get(n.kind) or ALARM_LABELS.get(n.kind, n.kind)
    return NotificationView(
        n.id,
        n.kind,
        label,
        n.audience,
        n.channel,
        n.recipient,
        n.account_id,
        n.alarm_id,
        n.subject,
        n.body,
        n.state,
        n.attempts,
        n.next_attempt_at,
        n.last_error,
        n.created_at,
        n.sent_at,
    )


class NotificationService:
    """The outbox as the UI and CLI see it: recent messages, counts per state, re-queue."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def recent(
        self,
        actor: Actor,
        *,
        state: str | None = None,
        account_id: int | None = None,
        limit: int = 200,
    ) -> list[NotificationView]:
        actor.require(Perm.ACCOUNT_VIEW)
        stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
        if state is not None:
            stmt = stmt.where(Notification.state == state)
        if account_id is not None:
            stmt = stmt.where(Notification.account_id == account_id)
        with self.db.uow() as uow:
            return [_view(n) for n in uow.session.scalars(stmt)]

    def counts(self, actor: Actor) -> dict[str, int]:
        actor.require(Perm.ACCOUNT_VIEW)
        with self.db.uow() as uow:
            rows = uow.session.execute(
                select(Notification.state, func.count()).group_by(Notification.state)
            ).all()
        return {state: int(count) for state, count in rows}

    def requeue(self, actor: Actor, notification_id: int, *, now: datetime | None = None) -> None:
        """Send a failed message again (e.g. after fixing a channel's settings)."""
        actor.require(Perm.SETTINGS)
        now = require_utc(now or datetime.now(UTC), "now")
        with self.db.uow() as uow:
            n = uow.session.get(Notification, notification_id)
            if n is None:
                raise NotFoundError("notification", notification_id)
            if n.state not in ("failed", "skipped") or n.channel == NO_CHANNEL:
                raise ValidationError("state", f"notification {notification_id} is {n.state}")
            before = {"state": n.state, "attempts": n.attempts}
            n.state, n.attempts, n.next_attempt_at, n.last_error = "pending", 0, now, None
            uow.session.flush()
            audit.record(
                uow.session,
                actor,
                "notification.requeue",
                "notification",
                notification_id,
                before,
                {"state": "pending"},
            )
            uow.commit()

    def send_test(
        self,
        actor: Actor,
        channel: str,
        to: str = "",
        *,
        secrets: SecretStore | None = None,
    ) -> str:
        """Send one test message through ``channel`` now (the settings page's "send test
        message", like ``notify test``); returns the channel's delivery detail. Raises
        ``NotifyTestError`` when the channel is not configured or the delivery fails."""
        from app.errors import NotifyTestError
        from app.services.notify_channels import build_channel

        actor.require(Perm.SETTINGS)
        with self.db.uow() as uow:
            settings = read_settings(uow.session)
        if not channel_configured(settings, channel):
            raise NotifyTestError(channel, "not_configured")
        if channel in ("sms", "email") and not to.strip():
            raise NotifyTestError(channel, "no_recipient")
        site = str(settings.get("site.name") or "")
        now = format_local_time(datetime.now(UTC), settings)
        text = f"【{site}】这是一条测试消息，通知渠道工作正常（{now}）。"
        sender = build_channel(channel, settings, secrets or SecretStore())
        try:
            return sender.send(OutgoingMessage(channel, to.strip(), f"【{site}】测试消息", text))
        except DeliveryError as exc:
            raise NotifyTestError(channel, "failed", exc.message) from None
        except SecretError as exc:
            raise NotifyTestError(channel, "secret", str(exc)) from None
