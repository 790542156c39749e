"""Business settings (site name, receipt header, thresholds, policy, channels …) kept in the
``settings`` table as JSON values, with defaults in code. Secrets never live here (SEC-4): a
setting may name a keyring entry, never hold its value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.permissions import Perm
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
