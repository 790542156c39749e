"""Business settings (site name, receipt header, thresholds, policy, channels …) kept in the
``settings`` table as JSON values, with defaults in code. Secrets never live here (SEC-4): a
setting may name a keyring entry, never hold its value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.permissions import Perm
from app.errors import SettingValueError, ValidationError
from app.models.base import utcnow
from app.models.operator import Setting
from app.services import audit
from app.services.context import Actor
from app.services.unit_of_work import Database

DEFAULTS: dict[str, object] = {
    "site.name": "水电统一收费监管平台",
    "site.timezone": "Asia/Shanghai",
    "receipt.header": "存款凭条",
    "billing.cut_threshold_fen": 0,
    "billing.restore_threshold_fen": 0,
    "billing.property_fee_linkage": False,
    # Property fee (BILL-4, docs/BILLING.md §3): mode "off" | "area" (rate 元/m², text, ≤ 4
    # decimals) | "fixed" (fixed_fen); deduct_day 1–28; start_month "YYYY-MM" or None.
    "billing.property_fee": {
        "mode": "off",
        "rate": "0.0000",
        "fixed_fen": 0,
        "deduct_day": 1,
        "start_month": None,
    },
    "control.cut_water": False,
    "control.protected_windows": {},
    # A point whose last automatic cut failed (a stuck relay: the control-failure alarm is up)
    # gets no new automatic cut for this long; 0 retries every control cycle.
    "control.failed_cut_backoff_s": 6 * 3600,
    "alerts.warn_fen": 5000,
    "alerts.urgent_fen": 1000,
    "alerts.warn_days": None,
    "alerts.urgent_days": None,
    "collector.read_interval_s": 900,
    "collector.dtu_listen_port": 21000,
    "collector.max_clock_drift_s": 300,
    "collector.time_sync_at": "03:10",
    "collector.reading_retention_days": 400,
    # minutes without keyboard or mouse input before the desk locks itself (0 = never)
    "ui.idle_lock_minutes": 10,
    # Notifications (NOTE-1, docs/NOTIFICATIONS.md). Channels: "webhook" | "sms" | "email".
    # Every *_secret key names a keyring entry (service "shuidian"), never the secret itself.
    "notify.tenant_channels": [],
    "notify.staff_channels": [],
    "notify.staff_phones": [],
    "notify.staff_emails": [],
    "notify.templates": {},
    "notify.max_attempts": 6,
    "notify.backoff_base_s": 60,
    "notify.backoff_max_s": 3600,
    "notify.claim_timeout_s": 300,
    "notify.batch_size": 20,
    "notify.webhook.url": "",
    "notify.webhook.key_secret": "",
    "notify.webhook.mention_tenant": True,
    "notify.webhook.timeout_s": 10,
    "notify.sms.url": "",
    "notify.sms.method": "POST",
    "notify.sms.headers": {"Content-Type": "application/json; charset=utf-8"},
    "notify.sms.body": '{"mobile": "{phone}", "content": "{sign}{text}", "apikey": "{api_key}"}',
    "notify.sms.sign": "",
    "notify.sms.api_key_secret": "",
    "notify.sms.api_secret_secret": "",
    "notify.sms.success_field": "",
    "notify.sms.success_value": "",
    "notify.sms.timeout_s": 10,
    "notify.email.host": "",
    "notify.email.port": None,
    "notify.email.security": "starttls",
    "notify.email.user": "",
    "notify.email.password_secret": "",
    "notify.email.from": "",
    "notify.email.ca_file": "",
    "notify.email.timeout_s": 15,
    # Online payments (PAY-3, docs/PAYMENTS.md): the signed local endpoint for a self-service
    # backend, off by default; the HMAC secret lives in the keyring entry named here.
    "payments.http_enabled": False,
    "payments.http_bind": "127.0.0.1",
    "payments.http_port": 21080,
    "payments.http_secret": "payments.http",
    "payments.http_max_age_s": 300,
    # Backups (DATA-2, app/services/backups.py): "" folder = <data dir>/backups; the second
    # folder (e.g. a network drive) gets a verified copy of every backup; "" = none.
    "backup.enabled": True,
    "backup.folder": "",
    "backup.second_folder": "",
    "backup.keep_days": 30,
    "backup.time": "02:30",
}


def read_settings(session: Session, keys: Mapping[str, object] | None = None) -> dict[str, Any]:
    """Every setting (defaults overlaid with stored values) inside the caller's transaction."""
    out: dict[str, Any] = dict(DEFAULTS if keys is None else keys)
    for key, value in session.execute(select(Setting.key, Setting.value)):
        out[key] = value
    return out


def write_setting(session: Session, actor: Actor, key: str, value: object) -> None:
    row = session.get(Setting, key)
    before = None if row is None else row.value
    if row is None:
        session.add(Setting(key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor, "settings.set", "setting", key, {"value": before}, {"value": value}
    )


# -- validation ----------------------------------------------------------------------------------

MAX_FEN = 100_000_000_00  # ¥100,000,000.00: far above any threshold a site would set
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?\d{5,15}$")
_SECRET_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CHANNELS = ("webhook", "sms", "email")


def _int(key: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise SettingValueError(key, "not_integer")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise SettingValueError(key, "not_integer") from None
    if not isinstance(value, int):
        raise SettingValueError(key, "not_integer")
    if not low <= value <= high:
        raise SettingValueError(key, "out_of_range", f"{low}..{high}")
    return value


def _text(key: str, value: object, max_len: int, *, required: bool) -> str:
    if not isinstance(value, str):
        raise SettingValueError(key, "empty")
    value = value.strip()
    if required and not value:
        raise SettingValueError(key, "empty")
    if len(value) > max_len:
        raise SettingValueError(key, "too_long", str(max_len))
    return value


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise SettingValueError(key, "bad_choice")
    return value


def _choice(key: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SettingValueError(key, "bad_choice", "|".join(choices))
    return str(value)


def _url(key: str, value: object) -> str:
    text = _text(key, value, 500, required=False)
    if text and not _URL_RE.match(text):
        raise SettingValueError(key, "bad_url")
    return text


def _secret_name(key: str, value: object) -> str:
    text = _text(key, value, 64, required=False)
    if text and not _SECRET_NAME_RE.match(text):
        raise SettingValueError(key, "bad_secret_name")
    return text


def _str_list(key: str, value: object, pattern: re.Pattern[str], reason: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise SettingValueError(key, "bad_list")
    out = [v.strip() for v in value if v.strip()]
    for v in out:
        if not pattern.match(v):
            raise SettingValueError(key, reason, v)
    return out


def _channels(key: str, value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(v in CHANNELS for v in value):
        raise SettingValueError(key, "bad_choice", "|".join(CHANNELS))
    return [c for c in CHANNELS if c in value]


def _optional_days(key: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    return _int(key, value, 1, 365)


def _time(key: str, value: object) -> str:
    if not isinstance(value, str) or not _TIME_RE.match(value.strip()):
        raise SettingValueError(key, "bad_time")
    return value.strip()


def _property_fee(key: str, value: object) -> object:
    from app.services.property_fee import parse_property_fee_config

    try:
        parse_property_fee_config(value)
    except ValidationError as exc:
        raise SettingValueError(key, "bad_property_fee", exc.message) from None
    return value


def _port(key: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    return _int(key, value, 1, 65535)


def _email_or_empty(key: str, value: object) -> str:
    text = _text(key, value, 200, required=False)
    if text and not _EMAIL_RE.match(text):
        raise SettingValueError(key, "bad_email", text)
    return text


Validator = Callable[[str, object], object]

VALIDATORS: dict[str, Validator] = {
    "site.name": lambda k, v: _text(k, v, 64, required=True),
    "receipt.header": lambda k, v: _text(k, v, 64, required=True),
    "alerts.warn_fen": lambda k, v: _int(k, v, 0, MAX_FEN),
    "alerts.urgent_fen": lambda k, v: _int(k, v, 0, MAX_FEN),
    "alerts.warn_days": _optional_days,
    "alerts.urgent_days": _optional_days,
    "billing.cut_threshold_fen": lambda k, v: _int(k, v, -MAX_FEN, MAX_FEN),
    "billing.restore_threshold_fen": lambda k, v: _int(k, v, -MAX_FEN, MAX_FEN),
    "billing.property_fee_linkage": _bool,
    "billing.property_fee": _property_fee,
    "control.cut_water": _bool,
    "control.failed_cut_backoff_s": lambda k, v: _int(k, v, 0, 7 * 86_400),
    "collector.read_interval_s": lambda k, v: _int(k, v, 60, 86_400),
    "collector.time_sync_at": _time,
    "collector.max_clock_drift_s": lambda k, v: _int(k, v, 5, 86_400),
    "ui.idle_lock_minutes": lambda k, v: _int(k, v, 0, 240),
    "notify.tenant_channels": _channels,
    "notify.staff_channels": _channels,
    "notify.staff_phones": lambda k, v: _str_list(k, v, _PHONE_RE, "bad_phone"),
    "notify.staff_emails": lambda k, v: _str_list(k, v, _EMAIL_RE, "bad_email"),
    "notify.webhook.url": _url,
    "notify.webhook.key_secret": _secret_name,
    "notify.webhook.mention_tenant": _bool,
    "notify.sms.url": _url,
    "notify.sms.sign": lambda k, v: _text(k, v, 32, required=False),
    "notify.sms.api_key_secret": _secret_name,
    "notify.sms.api_secret_secret": _secret_name,
    "notify.email.host": lambda k, v: _text(k, v, 200, required=False),
    "notify.email.port": _port,
    "notify.email.security": lambda k, v: _choice(k, v, ("starttls", "tls", "none")),
    "notify.email.user": lambda k, v: _text(k, v, 200, required=False),
    "notify.email.password_secret": _secret_name,
    "notify.email.from": _email_or_empty,
    "payments.http_enabled": _bool,
    "payments.http_bind": lambda k, v: _text(k, v, 64, required=True),
    "payments.http_port": lambda k, v: _int(k, v, 1, 65535),
    "payments.http_secret": _secret_name,
    "payments.http_max_age_s": lambda k, v: _int(k, v, 30, 3600),
    "backup.enabled": _bool,
    "backup.folder": lambda k, v: _text(k, v, 500, required=False),
    "backup.second_folder": lambda k, v: _text(k, v, 500, required=False),
    "backup.keep_days": lambda k, v: _int(k, v, 1, 3650),
    "backup.time": _time,
}


def validate_settings(changes: Mapping[str, object], current: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise ``changes`` (key → new value) against the rules above and against
    each other (with ``current`` for keys not being changed). Raises ``SettingValueError``."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in DEFAULTS:
            raise SettingValueError(key, "unknown_key")
        validator = VALIDATORS.get(key)
        out[key] = validator(key, value) if validator is not None else value
    merged = {**current, **out}

    def pair(low_key: str, high_key: str) -> None:
        low, high = merged.get(low_key), merged.get(high_key)
        if isinstance(low, int) and isinstance(high, int) and low > high:
            raise SettingValueError(high_key if high_key in out else low_key, "order")

    pair("alerts.urgent_fen", "alerts.warn_fen")
    pair("billing.cut_threshold_fen", "billing.restore_threshold_fen")
    return out


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self) -> dict[str, Any]:
        with self.db.uow() as uow:
            return read_settings(uow.session)

    def get(self, key: str, default: object = None) -> Any:
        return self.all().get(key, DEFAULTS.get(key, default))

    def set(self, actor: Actor, key: str, value: object) -> None:
        actor.require(Perm.SETTINGS)
        with self.db.uow() as uow:
            write_setting(uow.session, actor, key, value)
            uow.commit()

    def update(self, actor: Actor, changes: Mapping[str, object]) -> dict[str, Any]:
        """Validate and store several settings in one transaction (each change audited); values
        equal to the stored ones are skipped. Returns every setting afterwards."""
        actor.require(Perm.SETTINGS)
        with self.db.uow() as uow:
            s = uow.session
            current = read_settings(s)
            clean = validate_settings(changes, current)
            for key, value in clean.items():
                if current.get(key) != value:
                    write_setting(s, actor, key, value)
            uow.commit()
            return {**current, **clean}

    def store_secret(self, actor: Actor, name: str, value: str) -> None:
        """Put a notification key into the OS keyring (SEC-4): the setting names the entry, the
        value never reaches the database, a config file or the log. Audited without the value."""
        from app.services.secrets import SecretStore

        actor.require(Perm.SETTINGS)
        SecretStore().set(name, value)
        with self.db.uow() as uow:
            audit.record(uow.session, actor, "settings.secret_set", "secret", name)
            uow.commit()
