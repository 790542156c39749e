"""The foundation CLI as a user runs it: separate processes, real files, real PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.demo_site import build_demo_site
from app.services.demo import build_demo_database
from app.services.unit_of_work import Database

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in ("db", "ledger", "demo-db", "account"):
        assert command in out.stdout


def test_db_upgrade_creates_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = run("db", "upgrade", "--url", url)
    assert first.returncode == 0, first.stderr
    assert "revision 0002" in first.stdout
    assert run("db", "upgrade", "--url", url).returncode == 0
    assert run("db", "current", "--url", url).returncode == 0


def test_db_url_from_environment(tmp_path: Path) -> None:
    db_file = tmp_path / "env.db"
    out = run("db", "upgrade", env={"SHUIDIAN_DB_URL": f"sqlite:///{db_file}"})
    assert out.returncode == 0, out.stderr
    assert db_file.exists()


@pytest.mark.postgres
def test_db_upgrade_on_postgres(pg_schema_url: str) -> None:
    out = run("db", "upgrade", "--url", pg_schema_url)
    assert out.returncode == 0, out.stderr
    assert run("db", "current", "--url", pg_schema_url).returncode == 0


def test_demo_db_verify_and_tamper(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    built = run("demo-db", str(path), "--days", "4")
    assert built.returncode == 0, built.stderr
    assert "accounts" in built.stdout
    url = f"sqlite:///{path}"
    ok = run("ledger", "verify", "--url", url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "ledger verify: OK" in ok.stdout

    conn = sqlite3.connect(path)
    account_no = conn.execute(
        "SELECT a.account_no FROM ledger_entries e JOIN accounts a ON a.id = e.account_id "
        "WHERE e.kind = 'electricity_charge' ORDER BY e.id LIMIT 1 OFFSET 17"
    ).fetchone()[0]
    conn.execute(
        "UPDATE ledger_entries SET amount_fen = amount_fen - 1 WHERE id = (SELECT e.id FROM "
        "ledger_entries e JOIN accounts a ON a.id = e.account_id WHERE a.account_no = ? "
        "ORDER BY e.id LIMIT 1 OFFSET 1)",
        (account_no,),
    )
    conn.commit()
    conn.close()
    bad = run("ledger", "verify", "--url", url)
    assert bad.returncode == 1
    assert f"FAIL {account_no}" in bad.stdout


def test_receipt_gap_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert run("demo-db", str(path), "--days", "2").returncode == 0
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM receipts WHERE number = 3")
    conn.commit()
    conn.close()
    bad = run("ledger", "verify", "--url", f"sqlite:///{path}")
    assert bad.returncode == 1
    assert "gaps" in bad.stdout


def test_demo_is_deterministic_and_matches_site_definition(tmp_path: Path) -> None:
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    balances = []
    for name in ("one.db", "two.db"):
        db = Database(f"sqlite:///{tmp_path / name}")
        db.upgrade()
        counts = build_demo_database(db, now=now, history_days=3)
        db.dispose()
        conn = sqlite3.connect(tmp_path / name)
        balances.append(
            conn.execute("SELECT account_no, cash_fen FROM accounts ORDER BY account_no").fetchall()
        )
        meters = conn.execute(
            "SELECT m.address, m.protocol, g.code, b.port FROM meters m JOIN buses b ON "
            "b.id = m.bus_id JOIN gateways g ON g.id = b.gateway_id WHERE m.status = 'active'"
        ).fetchall()
        conn.close()
    assert balances[0] == balances[1]
    site = build_demo_site()
    assert counts["gateways"] == 61 and counts["points"] == 1283
    ports = {g.code: {b.number: b.port for b in g.buses} for g in site.gateways}
    expected = {
        (m.address, m.protocol, m.gateway_code, ports[m.gateway_code][m.bus_number])
        for m in site.meters
    }
    assert set(meters) == expected


def test_account_cli_top_up_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert run("demo-db", str(path), "--days", "1").returncode == 0
    url = f"sqlite:///{path}"
    # the demo database has operators: the CLI acts only as a logged-in one
    anonymous = run("account", "top-up", "A-1-01/1", "120.50", "--url", url)
    assert anonymous.returncode == 2 and "--operator" in anonymous.stderr
    wrong = run(
        "account", "top-up", "A-1-01/1", "120.50", "--operator", "cashier1", "--url", url,
        env={"SHUIDIAN_PASSWORD": "nope"},
    )  # fmt: skip
    assert wrong.returncode == 2 and "login as 'cashier1' failed" in wrong.stderr
    cashier = {"SHUIDIAN_OPERATOR": "cashier1", "SHUIDIAN_PASSWORD": "cashier123"}
    out = run("account", "top-up", "A-1-01/1", "120.50", "--key", "k-1", "--url", url, env=cashier)
    assert out.returncode == 0, out.stderr
    assert "¥120.50" in out.stdout
    again = run(
        "account", "top-up", "A-1-01/1", "120.50", "--key", "k-1", "--url", url, env=cashier
    )
    assert "already booked" in again.stdout
    frac = run("account", "top-up", "A-1-01/1", "1.005", "--url", url, env=cashier)
    assert frac.returncode == 2 and "fractions of a fen" in frac.stderr
    unknown = run("account", "top-up", "NOPE/1", "10", "--url", url, env=cashier)
    assert unknown.returncode == 1 and "not found" in unknown.stderr
    assert run("ledger", "verify", "--url", url).returncode == 0
