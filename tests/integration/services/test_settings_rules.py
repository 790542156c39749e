"""Settings (site, receipt, thresholds, schedules, channels) are validated before they are
stored; one transaction per save, each change audited; a secret never reaches the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import PermissionDeniedError, SettingValueError
from app.models.audit import AuditEntry
from app.services import Services
from app.services.context import Actor
from tests.fixtures.site import ADMIN

CASHIER = Actor(7, "li", frozenset({"account.view", "cashier.top_up"}))


def test_valid_changes_are_stored_and_audited(services: Services) -> None:
    after = services.settings.update(
        ADMIN,
        {
            "site.name": " 阳光小区 ",
            "alerts.warn_fen": "8000",
            "alerts.urgent_fen": 2000,
            "collector.time_sync_at": "04:30",
            "notify.tenant_channels": ["sms", "webhook"],
            "ui.idle_lock_minutes": 5,
        },
    )
    assert after["site.name"] == "阳光小区" and after["alerts.warn_fen"] == 8000
    assert after["notify.tenant_channels"] == ["webhook", "sms"]
    assert services.settings.get("collector.time_sync_at") == "04:30"
    with services.db.uow() as uow:
        keys = set(
            uow.session.execute(
                select(AuditEntry.target_id).where(AuditEntry.action == "settings.set")
            ).scalars()
        )
    assert {"site.name", "alerts.warn_fen", "ui.idle_lock_minutes"} <= keys


@pytest.mark.parametrize(
    ("changes", "key", "reason"),
    [
        ({"site.name": "  "}, "site.name", "empty"),
        ({"alerts.warn_fen": "abc"}, "alerts.warn_fen", "not_integer"),
        ({"alerts.warn_fen": -1}, "alerts.warn_fen", "out_of_range"),
        ({"alerts.warn_fen": 100, "alerts.urgent_fen": 500}, "alerts.warn_fen", "order"),
        ({"collector.read_interval_s": 5}, "collector.read_interval_s", "out_of_range"),
        ({"collector.time_sync_at": "25:00"}, "collector.time_sync_at", "bad_time"),
        ({"notify.webhook.url": "ftp://x"}, "notify.webhook.url", "bad_url"),
        ({"notify.staff_emails": ["not-mail"]}, "notify.staff_emails", "bad_email"),
        ({"notify.tenant_channels": ["fax"]}, "notify.tenant_channels", "bad_choice"),
        (
            {"billing.property_fee": {"mode": "fixed", "fixed_fen": 100, "deduct_day": 31}},
            "billing.property_fee",
            "bad_property_fee",
        ),
        ({"no.such.key": 1}, "no.such.key", "unknown_key"),
        ({"control.failed_cut_backoff_s": -1}, "control.failed_cut_backoff_s", "out_of_range"),
    ],
)
def test_invalid_values_are_refused(
    services: Services, changes: dict[str, object], key: str, reason: str
) -> None:
    before = services.settings.all()
    with pytest.raises(SettingValueError) as err:
        services.settings.update(
            ADMIN, {"site.name": "改了", **changes} if key != "site.name" else changes
        )
    assert (err.value.key, err.value.reason) == (key, reason)
    assert services.settings.all() == before  # nothing of the save was kept


def test_cashier_may_not_change_settings(services: Services) -> None:
    with pytest.raises(PermissionDeniedError):
        services.settings.update(CASHIER, {"site.name": "x"})
