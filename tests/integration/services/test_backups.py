"""Backups and restore (DATA-2) on SQLite and PostgreSQL: consistent while the desks write,
verified after writing, copied, kept N days, and restored only after the same checks."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app.errors import BackupError, PermissionDeniedError
from app.services import Services
from app.services.audit_check import verify_audit_log
from app.services.backups import (
    BackupService,
    _pg_password,
    _pg_target,
    checksum_path,
    find_tool,
    list_backups,
    sha256_of,
)
from app.services.context import Actor
from app.services.ledger_check import verify_ledger
from app.services.unit_of_work import Database
from tests.fixtures.site import ADMIN, build_small_site

CASHIER = Actor(None, "cashier-1", frozenset({"cashier.top_up", "account.view"}))


def _balances(services: Services) -> dict[str, tuple[int, int]]:
    with services.db.uow() as uow:
        rows = uow.session.execute(
            text("SELECT account_no, cash_fen, subsidy_fen FROM accounts ORDER BY account_no")
        ).all()
    return {r[0]: (int(r[1]), int(r[2])) for r in rows}


def _ledger_total(services: Services) -> int:
    with services.db.uow() as uow:
        return int(
            uow.session.execute(
                text("SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_entries")
            ).scalar_one()
        )


def _configure(services: Services, tmp_path: Path, keep_days: int = 30) -> tuple[Path, Path]:
    first, second = tmp_path / "backups", tmp_path / "offsite"
    services.settings.update(
        ADMIN,
        {
            "backup.folder": str(first),
            "backup.second_folder": str(second),
            "backup.keep_days": keep_days,
        },
    )
    return first, second


@pytest.fixture
def site(services: Services) -> dict[str, str]:
    accounts = build_small_site(services).accounts
    for i, (room, no) in enumerate(sorted(accounts.items())):
        services.cashier.top_up(ADMIN, no, 10_000 + i * 137, "cash", f"seed-{room}")
    return accounts


def test_backup_is_verified_copied_and_audited(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    first, second = _configure(services, tmp_path)
    result = services.backups.create(ADMIN)
    path = result.file.path
    assert path.parent == first and path.is_file()
    assert "测试小区" in path.name  # site name in the file name
    assert result.check.ok and result.check.accounts == len(site)
    assert checksum_path(path).read_text().split()[0] == sha256_of(path)
    # the copy in the second folder, with its own checksum file
    copy = second / path.name
    assert result.copies == (copy,)
    assert copy.read_bytes() == path.read_bytes()
    assert checksum_path(copy).is_file()
    # nothing temporary left behind
    assert sorted(p.name for p in first.iterdir()) == sorted([path.name, path.name + ".sha256"])
    assert services.backups.verify(ADMIN, copy).ok
    with services.db.uow() as uow:
        actions = [
            r[0]
            for r in uow.session.execute(
                text("SELECT action FROM audit_entries WHERE target_type = 'backup' ORDER BY id")
            )
        ]
    assert actions == ["backup.create", "backup.verify"]
    assert verify_audit_log(services.db).ok


def test_only_administrators_restore_and_only_settings_managers_back_up(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    _configure(services, tmp_path)
    with pytest.raises(PermissionDeniedError):
        services.backups.create(CASHIER)
    supervisor = Actor(None, "sup", frozenset({"settings.manage", "audit.view"}))
    path = services.backups.create(supervisor).file.path
    with pytest.raises(PermissionDeniedError):
        services.backups.restore(supervisor, path)


def test_backup_while_desks_write_is_consistent(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    _configure(services, tmp_path)
    stop = threading.Event()
    errors: list[BaseException] = []
    done = [0]

    def writer(account_no: str) -> None:
        try:
            while not stop.is_set():
                services.cashier.top_up(ADMIN, account_no, 101, "cash", uuid.uuid4().hex)
                done[0] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(no,)) for no in list(site.values())[:2]]
    for t in threads:
        t.start()
    try:
        results = [services.backups.create(ADMIN) for _ in range(3)]
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors
    assert done[0] > 0
    for r in results:
        check = services.backups.verify(ADMIN, r.file.path)
        assert check.ok, check.problems
        assert check.ledger is not None and check.ledger.ok


def _tamper_ledger_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE ledger_entries SET amount_fen = amount_fen + 100 WHERE id = 1")
    conn.commit()
    conn.close()


def test_verify_detects_a_flipped_byte_and_a_missing_file(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    _configure(services, tmp_path)
    path = services.backups.create(ADMIN).file.path
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.raises(BackupError) as err:
        services.backups.verify(ADMIN, path)
    assert err.value.reason == "checksum_mismatch"
    assert "校验值" in err.value.message
    with pytest.raises(BackupError) as err:
        services.backups.verify(ADMIN, tmp_path / "nope.sqlite3")
    assert err.value.reason == "missing_file"
    with pytest.raises(BackupError) as err:
        services.backups.restore(ADMIN, path)
    assert err.value.reason == "checksum_mismatch"


def test_verify_detects_a_tampered_ledger_row_and_restore_refuses_it(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    _configure(services, tmp_path)
    before = _balances(services)
    path = services.backups.create(ADMIN).file.path
    if services.db.is_sqlite:
        _tamper_ledger_sqlite(path)
    else:
        _tamper_pg_dump(services, path, tmp_path)
    # the checksum file rewritten to match: only the ledger check can tell
    checksum_path(path).write_text(f"{sha256_of(path)}  {path.name}\n")
    check = services.backups.verify(ADMIN, path)
    assert not check.ok
    assert check.ledger is not None and not check.ledger.ok
    assert any("账本校验失败" in p for p in check.problems)
    with pytest.raises(BackupError) as err:
        services.backups.restore(ADMIN, path)
    assert err.value.reason == "ledger"
    assert "拒绝恢复" in err.value.message
    assert _balances(services) == before  # nothing replaced


def _tamper_pg_dump(services: Services, path: Path, tmp_path: Path) -> None:
    """Restore the dump into a scratch schema set, edit a ledger row, dump it again."""
    svc = services.backups
    target = _pg_target(services.db.url)
    with svc._scratch_database(target, None) as (name, url):
        subprocess.run(
            [find_tool("pg_restore"), "--no-owner", f"--dbname={name}", str(path)],
            env=target.env(None, database=name),
            check=True,
            capture_output=True,
        )
        scratch = Database(url)
        with scratch.engine.begin() as conn:
            conn.execute(text("UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE id = 1"))
        scratch.dispose()
        out = tmp_path / "tampered.pgdump"
        args = [find_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out}"]
        if target.schema:
            args.append(f"--schema={target.schema}")
        subprocess.run(args, env=target.env(None, database=name), check=True, capture_output=True)
        path.write_bytes(out.read_bytes())


def test_audit_tampering_inside_a_backup_is_detected(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("the ledger case covers the PostgreSQL path; editing a dump is the same")
    _configure(services, tmp_path)
    path = services.backups.create(ADMIN).file.path
    conn = sqlite3.connect(path)
    conn.execute("UPDATE audit_entries SET action = 'x.y' WHERE id = 2")
    conn.commit()
    conn.close()
    checksum_path(path).write_text(f"{sha256_of(path)}  {path.name}\n")
    check = services.backups.verify(ADMIN, path)
    assert not check.ok
    assert any("审计日志校验失败" in p for p in check.problems)
    with pytest.raises(BackupError) as err:
        services.backups.restore(ADMIN, path)
    assert err.value.reason == "audit"


def test_backup_wipe_restore_gives_identical_balances(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    first, _second = _configure(services, tmp_path)
    path = services.backups.create(ADMIN).file.path
    expected, total = _balances(services), _ledger_total(services)
    # after the backup: more money moves, then the data is wiped
    no = next(iter(site.values()))
    services.cashier.top_up(ADMIN, no, 55_500, "cash", "after-backup")
    assert _balances(services) != expected
    with services.db.uow() as uow:
        uow.session.execute(text("DELETE FROM receipts"))
        uow.session.execute(text("DELETE FROM ledger_entries"))
        uow.session.execute(text("UPDATE accounts SET cash_fen = 0, subsidy_fen = 0"))
        uow.commit()
    result = services.backups.restore(ADMIN, path)
    assert result.check.ok, result.check.problems
    assert _balances(services) == expected
    assert _ledger_total(services) == total
    assert verify_ledger(services.db).ok
    assert verify_audit_log(services.db).ok
    # the replaced state was kept first, and the restore is in the log
    assert result.safety_backup is not None and result.safety_backup.is_file()
    assert "pre-restore" in result.safety_backup.name
    assert result.safety_backup.parent == first
    with services.db.uow() as uow:
        last = uow.session.execute(
            text("SELECT action, target_id FROM audit_entries ORDER BY id DESC LIMIT 1")
        ).one()
    assert tuple(last) == ("backup.restore", path.name)


def test_retention_keeps_n_days_and_never_the_newest(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    first, second = _configure(services, tmp_path, keep_days=3)
    now = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)
    made: list[str] = []
    for days_ago in (10, 5, 2, 1):
        svc = BackupService(services.db, clock=lambda d=days_ago: now - timedelta(days=d))
        made.append(svc.create(ADMIN).file.name)
    # the run 1 day ago pruned everything older than 3 days, in both folders
    for folder in (first, second):
        names = [b.name for b in list_backups(folder)]
        assert names == [made[3], made[2]]
        assert not any(p.name.startswith(made[0]) for p in folder.iterdir())
    # after a long pause, the newest backup is kept even though it is old
    late = BackupService(services.db, clock=lambda: now + timedelta(days=30))
    late_name = late.create(ADMIN).file.name
    assert [b.name for b in list_backups(first)] == [late_name]
    late._prune(first, 3, late._site_and_tz()[1])
    assert [b.name for b in list_backups(first)] == [late_name]


def test_missing_pg_dump_is_a_clear_error(
    services: Services, site: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if services.db.is_sqlite:
        pytest.skip("pg_dump is only needed for PostgreSQL")
    _configure(services, tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BackupError) as err:
        services.backups.create(ADMIN)
    assert err.value.reason == "tool_missing"
    assert "pg_dump" in err.value.message and "PATH" in err.value.message
    assert list_backups(tmp_path / "backups") == []


def test_pg_password_reaches_pg_dump_by_environment_only(
    services: Services,
    site: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    _configure(services, tmp_path)
    secret = "kr-S3cret-pw"
    asked: list[str] = []

    class Keyring:
        def get(self, name: str) -> str:
            asked.append(name)
            return secret

    seen: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kw: object) -> object:
        seen.append(([str(a) for a in args], dict(kw.get("env") or {})))  # type: ignore[call-overload]
        return real_run(args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "run", spy)
    caplog.set_level(logging.DEBUG)
    result = BackupService(services.db, secrets=Keyring()).create(ADMIN)
    assert result.check.ok
    assert asked and set(asked) == {"db.password"}  # the keyring entry of the database password
    tools = {Path(args[0]).name for args, _env in seen}
    assert {"pg_dump", "pg_restore"} <= tools
    for args, env in seen:
        assert not any(secret in a for a in args)
        assert env["PGPASSWORD"] == secret
    assert secret not in caplog.text
    with services.db.uow() as uow:
        logged = uow.session.execute(text("SELECT after FROM audit_entries")).scalars().all()
    assert not any(secret in str(a) for a in logged)


def test_the_password_of_the_url_is_used_before_the_keyring() -> None:
    target = _pg_target(
        "postgresql+psycopg://desk:p%40ss@db.local:5433/site?options=-csearch_path%3Dx"
    )
    assert _pg_password(target, object()) == "p@ss"
    env = target.env("p@ss")
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.local",
        "5433",
        "desk",
        "site",
    )
    assert target.schema == "x"


def test_scratch_databases_left_by_killed_verifications_are_dropped(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL only")
    _configure(services, tmp_path)
    stale = "shuidian_verify_1000_abcdef12"  # made in 1970: long dead
    admin = services.db.engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{stale}"'))
        conn.execute(text(f'CREATE DATABASE "{stale}"'))
    services.backups.create(ADMIN)
    with admin.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": stale}
        ).scalar_one()
    assert left == 0


def test_daily_job_runs_at_the_configured_time_only_when_switched_on(
    services: Services, site: dict[str, str], tmp_path: Path
) -> None:
    if not services.db.is_sqlite:
        pytest.skip("the schedule does not depend on the database kind")
    from app.services.collector import Collector
    from app.services.scheduler import CollectorScheduler

    first, _second = _configure(services, tmp_path)
    services.settings.update(ADMIN, {"backup.time": "01:45"})
    collector = Collector(services.db)
    try:
        scheduler = CollectorScheduler(collector)
        job = scheduler.scheduler.get_job("backup")
        assert job is not None
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("1", "45")
        job.func()  # what the scheduler calls at 01:45
        assert len(list_backups(first)) == 1
        services.settings.update(ADMIN, {"backup.enabled": False})
        job.func()
        assert len(list_backups(first)) == 1  # switched off: nothing more
        assert services.backups.run_scheduled() is None
    finally:
        collector.stop()
