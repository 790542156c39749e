"""The audit log viewer's service (SEC-3): filters, Excel export, chain check, permission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.errors import PermissionDeniedError
from app.services import Services
from app.services.audit_log import AuditFilter
from app.services.context import Actor
from tests.fixtures.site import ADMIN, build_small_site

CASHIER = Actor(None, "li", frozenset({"cashier.top_up", "account.view"}))
SUPERVISOR = Actor(None, "sup", frozenset({"audit.view", "account.view"}))


@pytest.fixture
def logged(services: Services) -> dict[str, str]:
    """A small site and a few audited actions (the supervisor and cashier are actors with just
    those permissions: no operator rows needed)."""
    accounts = build_small_site(services).accounts
    services.cashier.top_up(ADMIN, accounts["A-1-01"], 1000, "cash", "t1")
    services.cashier.top_up(ADMIN, accounts["B-1-01"], 2000, "cash", "t2")
    services.settings.set(ADMIN, "site.name", "阳光花园")
    return accounts


def test_filters_by_action_operator_time_and_target(
    services: Services, logged: dict[str, str]
) -> None:
    log = services.audit_log
    everything = log.search(SUPERVISOR, AuditFilter())
    assert everything.total == len(everything.rows) > 0
    ids = [r.id for r in everything.rows]
    assert ids == sorted(ids, reverse=True)  # newest first
    choices = log.choices(SUPERVISOR)
    assert {"top_up", "settings.set", "open_account"} <= set(choices.actions)
    assert "admin-test" in choices.operators
    top_ups = log.search(SUPERVISOR, AuditFilter(action="top_up"))
    assert top_ups.total == 2 and {r.action for r in top_ups.rows} == {"top_up"}
    one = log.search(SUPERVISOR, AuditFilter(action="top_up", text=logged["B-1-01"]))
    assert [r.target_id for r in one.rows] == [logged["B-1-01"]]
    assert log.search(SUPERVISOR, AuditFilter(operator="nobody")).total == 0
    now = datetime.now(UTC)
    assert log.search(SUPERVISOR, AuditFilter(since=now + timedelta(hours=1))).total == 0
    assert (
        log.search(
            SUPERVISOR, AuditFilter(since=now - timedelta(hours=1), until=now + timedelta(hours=1))
        ).total
        == everything.total
    )
    limited = log.search(SUPERVISOR, AuditFilter(), limit=2)
    assert limited.truncated and len(limited.rows) == 2 and limited.total == everything.total


def test_only_audit_viewers_read_the_log(services: Services, logged: dict[str, str]) -> None:
    with pytest.raises(PermissionDeniedError):
        services.audit_log.search(CASHIER, AuditFilter())
    with pytest.raises(PermissionDeniedError):
        services.audit_log.verify(CASHIER)


def test_export_writes_the_filtered_entries_in_chinese_and_is_audited(
    services: Services, logged: dict[str, str], tmp_path: Path
) -> None:
    out = services.audit_log.export_xlsx(
        SUPERVISOR, AuditFilter(action="top_up"), tmp_path / "log.xlsx"
    )
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "操作员", "动作")
    assert [r[3] for r in rows[1:]] == ["充值", "充值"]
    assert {r[6] for r in rows[1:]} == {logged["A-1-01"], logged["B-1-01"]}
    last = services.audit_log.search(SUPERVISOR, AuditFilter()).rows[0]
    assert (last.action, last.operator_login, last.target_id) == ("audit.export", "sup", "log.xlsx")


def test_verify_names_the_first_edited_entry(services: Services, logged: dict[str, str]) -> None:
    assert services.audit_log.verify(SUPERVISOR).status == "ok"
    rows = services.audit_log.search(SUPERVISOR, AuditFilter(action="top_up")).rows
    victim = rows[-1].id
    with services.db.uow() as uow:
        uow.session.execute(
            text("UPDATE audit_entries SET target_id = 'X' WHERE id = :i"), {"i": victim}
        )
        uow.commit()
    report = services.audit_log.verify(SUPERVISOR)
    assert report.status == "tampered"
    assert report.problems[0].entry_id == victim
