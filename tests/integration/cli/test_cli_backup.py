"""``backup create|list|verify|restore`` as an administrator runs them (separate processes), and
crash safety: a backup killed at a random point never leaves a final-named file that fails."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.services import Services
from app.services.backups import BackupService, checksum_path, list_backups
from app.services.operators import create_first_admin
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site

ROOT = Path(__file__).resolve().parents[3]


def _cmd(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(*args),
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def _site(url: str) -> dict[str, str]:
    db = Database(url)
    db.upgrade()
    services = Services(db)
    accounts = build_small_site(services).accounts
    for i, no in enumerate(accounts.values()):
        services.cashier.top_up(ADMIN, no, 1000 + i, "cash", f"cli-{i}")
    db.dispose()
    return accounts


def _balances(url: str) -> dict[str, int]:
    db = Database(url)
    with db.uow() as uow:
        rows = uow.session.execute(text("SELECT account_no, cash_fen FROM accounts")).all()
    db.dispose()
    return {r[0]: int(r[1]) for r in rows}


def test_create_list_verify_restore_and_a_bad_file(db_url: str, tmp_path: Path) -> None:
    accounts = _site(db_url)
    folder = tmp_path / "bk"
    out = run("backup", "create", "--url", db_url, "--to", str(folder))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "备份完成" in out.stdout
    [backup] = list_backups(folder)
    assert backup.has_checksum
    expected = _balances(db_url)

    out = run("backup", "list", "--url", db_url, "--dir", str(folder))
    assert out.returncode == 0 and backup.name in out.stdout

    out = run("backup", "verify", str(backup.path), "--url", db_url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "OK" in out.stdout and "备份校验通过" in out.stdout

    # money moves after the backup; the restore brings back the balances of the backup
    db = Database(db_url)
    Services(db).cashier.top_up(ADMIN, accounts["A-1-01"], 999, "cash", "later")
    db.dispose()
    assert _balances(db_url) != expected
    out = run("backup", "restore", str(backup.path), "--url", db_url, "--yes")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "已从备份恢复" in out.stdout and "安全备份" in out.stdout
    assert _balances(db_url) == expected

    # a file that does not exist, a damaged one, something that is not a backup
    out = run("backup", "verify", str(tmp_path / "missing.sqlite3"), "--url", db_url)
    assert out.returncode == 2 and "备份文件不存在" in out.stderr
    data = bytearray(backup.path.read_bytes())
    data[-100] ^= 0xFF
    backup.path.write_bytes(bytes(data))
    out = run("backup", "restore", str(backup.path), "--url", db_url, "--yes")
    assert out.returncode == 1 and "校验值" in out.stderr and "Traceback" not in out.stderr
    assert _balances(db_url) == expected
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    out = run("backup", "verify", str(junk), "--url", db_url)
    assert out.returncode == 2 and "缺少校验文件" in out.stderr


@pytest.mark.slow
def test_backup_killed_at_random_points_never_leaves_a_bad_final_file(
    db_url: str, tmp_path: Path
) -> None:
    _site(db_url)
    scratch_before = _scratch_databases(db_url)
    folder = tmp_path / "bk"
    args = _cmd("backup", "create", "--url", db_url, "--to", str(folder))
    started = time.monotonic()
    assert subprocess.run(args, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(8)
    killed = 0
    for _ in range(20):
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: pg_dump dies with it, as in a power cut
        )
        time.sleep(rng.uniform(0.3, 1.05) * duration)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait(60)
    assert killed >= 5  # most runs were cut short somewhere
    db = Database(db_url)
    svc = BackupService(db)
    try:
        backups = list_backups(folder)
        assert backups  # the finished ones
        for b in backups:
            assert checksum_path(b.path).is_file(), b.name
            check = svc.verify(ADMIN, b.path)
            assert check.ok, (b.name, check.problems)
        # leftovers carry temporary names only, never listed as backups
        names = {b.name for b in backups}
        for p in folder.iterdir():
            temporary = p.name.startswith(".") and ".partial" in p.name  # incl. its journal
            assert p.name in names or p.name.endswith(".sha256") or temporary, p.name
        # and the next backup goes ahead normally
        assert svc.create(ADMIN, to=folder).check.ok
    finally:
        db.dispose()
        _drop_scratch(db_url, _scratch_databases(db_url) - scratch_before)


def _scratch_databases(url: str) -> set[str]:
    """PostgreSQL: the temporary databases of verifications (a killed one leaves its own)."""
    if url.startswith("sqlite"):
        return set()
    db = Database(url)
    with db.engine.connect() as conn:
        names = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE 'shuidian\\_verify\\_%'")
        ).scalars()
        out = set(names)
    db.dispose()
    return out


def _drop_scratch(url: str, names: set[str]) -> None:
    if not names:
        return
    db = Database(url)
    with db.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    db.dispose()


def _as(url: str, login: str, password: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(*args, "--url", url),
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SHUIDIAN_OPERATOR": login, "SHUIDIAN_PASSWORD": password},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
    )


def test_cli_logs_in_and_only_administrators_restore(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    _site(url)
    db = Database(url)
    services = Services(db)
    create_first_admin(db, "root", "系统管理员", "Admin-2026")
    admin, _ = services.operators.login("root", "Admin-2026")
    services.operators.create(admin, "sup", "主管", "supervisor", "Super-2026")
    services.operators.create(admin, "li", "收费员", "cashier", "Cash-2026")
    db.dispose()
    folder = tmp_path / "bk"
    # without logging in: refused
    out = run("backup", "create", "--url", url, "--to", str(folder))
    assert out.returncode == 2 and "--operator" in out.stderr
    out = _as(url, "li", "Cash-2026", "backup", "create", "--to", str(folder))
    assert out.returncode == 2 and "没有权限" in out.stderr
    assert list_backups(folder) == []
    out = _as(url, "sup", "Super-2026", "backup", "create", "--to", str(folder))
    assert out.returncode == 0, out.stderr
    [made] = list_backups(folder)
    out = _as(url, "sup", "Super-2026", "backup", "restore", str(made.path), "--yes")
    assert out.returncode == 2 and "没有权限" in out.stderr
    out = _as(url, "root", "Admin-2026", "backup", "restore", str(made.path), "--yes")
    assert out.returncode == 0, out.stderr
    db = Database(url)
    with db.uow() as uow:
        who = uow.session.execute(
            text(
                "SELECT a.action, o.login FROM audit_entries a JOIN operators o "
                "ON o.id = a.operator_id WHERE a.target_type = 'backup' ORDER BY a.id"
            )
        ).all()
    db.dispose()
    # the log restored from the backup holds the backup itself; the restore is the root's
    assert [tuple(r) for r in who][-1] == ("backup.restore", "root")


def test_restore_into_a_wiped_database(db_url: str, tmp_path: Path) -> None:
    _site(db_url)
    folder = tmp_path / "bk"
    assert run("backup", "create", "--url", db_url, "--to", str(folder)).returncode == 0
    [made] = list_backups(folder)
    expected = _balances(db_url)
    db = Database(db_url)
    if db.is_sqlite:
        db.dispose()
        live = Path(db.url.removeprefix("sqlite:///"))
        for p in live.parent.glob(live.name + "*"):
            p.unlink()  # the database file and its -wal/-shm: gone
    else:
        with db.engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db.dispose()
    out = run("backup", "restore", str(made.path), "--url", db_url, "--yes")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "安全备份" not in out.stdout  # nothing was left to keep
    assert _balances(db_url) == expected
    out = run("ledger", "verify", "--url", db_url)
    assert out.returncode == 0, out.stdout
    out = run("audit", "verify", "--url", db_url)
    assert out.returncode == 0, out.stdout
