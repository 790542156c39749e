"""``audit verify`` as an administrator runs it: a separate process, exit status and summary."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

from app.models import AuditEntry
from app.services import Services
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=ROOT,
    )


def _site(url: str) -> list[int]:
    db = Database(url)
    db.upgrade()
    services = Services(db)
    acc = build_small_site(services).accounts["A-1-01"]
    for i in range(3):
        services.cashier.top_up(ADMIN, acc, 100, "cash", f"cli-{i}")
    with db.uow() as uow:
        ids = list(uow.session.scalars(text("SELECT id FROM audit_entries ORDER BY id")))
    db.dispose()
    return ids


def _sql(url: str, statement: str, **params: object) -> None:
    db = Database(url)
    with db.uow() as uow:
        uow.session.execute(text(statement), params)
        uow.commit()
    db.dispose()


def test_intact_log_exits_0_with_a_summary(db_url: str) -> None:
    ids = _site(db_url)
    out = run("audit", "verify", "--url", db_url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"OK — {len(ids)} entries" in out.stdout and "完好" in out.stdout


def test_edited_entry_exits_1_naming_it(db_url: str) -> None:
    ids = _site(db_url)
    _sql(db_url, "UPDATE audit_entries SET operator_login = 'x' WHERE id = :id", id=ids[6])
    out = run("audit", "verify", "--url", db_url)
    assert out.returncode == 1
    assert f"first bad entry #{ids[6]} (" in out.stdout and "top_up)" in out.stdout
    assert "失败" in out.stdout


def test_deleted_last_entry_exits_1(db_url: str) -> None:
    ids = _site(db_url)
    _sql(db_url, "DELETE FROM audit_entries WHERE id = :id", id=ids[-1])
    out = run("audit", "verify", "--url", db_url)
    assert out.returncode == 1
    assert f"first bad entry #{ids[-1]} (deleted)" in out.stdout


def test_legacy_log_exits_3_until_sealed(db_url: str) -> None:
    db = Database(db_url)
    db.upgrade()
    with db.uow() as uow:
        uow.session.execute(
            insert(AuditEntry).values(
                at=datetime(2025, 6, 1, tzinfo=UTC),
                operator_login="old",
                action="login",
                target_type="operator",
                target_id="old",
            )
        )
        uow.commit()
    db.dispose()
    out = run("audit", "verify", "--url", db_url)
    assert out.returncode == 3 and "NOT SEALED" in out.stdout
    out = run("audit", "verify", "--seal-legacy", "--url", db_url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "sealed 1 legacy entries" in out.stdout and "OK — 2 entries" in out.stdout


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    out = run("audit", "verify", "--url", f"sqlite:///{tmp_path / 'none' / 'x.db'}")
    assert out.returncode == 2
    assert out.stderr.startswith("error: cannot read the audit log")
