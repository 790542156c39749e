"""First run (UX-4): test the database, migrate, create the administrator, optionally the demo
site; the desk configuration keeps nothing secret and the PostgreSQL password is in the
keyring."""

from __future__ import annotations

import json
from pathlib import Path

import keyring.backends.fail
import pytest

from app.config import config_file, configured_db_url, load_desk_config
from app.domain.first_run import Backend, FirstRunState, Step
from app.errors import DatabaseSetupError
from app.services import Services
from app.services.first_run import apply_first_run, desk_db_url, probe_database
from app.services.secrets import SecretStore
from app.services.unit_of_work import Database
from tests.fixtures.notify import MemoryKeyring


def test_sqlite_first_run_then_login(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "desk.db"
    assert configured_db_url() is None
    state = FirstRunState(sqlite_path=str(path))
    state.probe = probe_database(state)
    assert state.probe.revision is None and not path.exists()
    assert state.next_step(Step.DATABASE) is Step.ADMIN
    state.admin_login, state.admin_name = "boss", "站长"
    state.password = state.password2 = "Boss-2026"
    steps: list[str] = []
    result = apply_first_run(state, progress=steps.append)
    assert steps == ["migrate", "admin", "config"]
    assert result.admin is not None and result.admin.login == "boss" and not result.demo_loaded
    assert configured_db_url() == f"sqlite:///{path}"
    # the CLI opens the configured database too
    import argparse

    from app.cli.common import resolve_url

    assert resolve_url(argparse.Namespace(url=None)) == f"sqlite:///{path}"
    db = Database(f"sqlite:///{path}")
    try:
        actor, info = Services(db).operators.login("boss", "Boss-2026")
        assert info.role_code == "admin" and actor.building_ids is None
    finally:
        db.dispose()
    # a second probe sees the administrator: nothing more to ask
    again = FirstRunState(sqlite_path=str(path))
    again.probe = probe_database(again)
    assert again.probe.has_admin and again.next_step(Step.DATABASE) is Step.APPLY


def test_a_folder_is_not_a_database_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseSetupError) as err:
        probe_database(FirstRunState(sqlite_path=str(tmp_path)))
    assert err.value.reason == "bad_path"


def test_unreachable_postgresql_is_a_clear_error() -> None:
    state = FirstRunState(
        backend=Backend.POSTGRESQL,
        pg_url="postgresql://nobody@127.0.0.1:1/nodb",
        pg_password="Very-Secret-9",
    )
    with pytest.raises(DatabaseSetupError) as err:
        probe_database(state)
    assert err.value.reason == "connect"
    assert "Very-Secret-9" not in str(err.value)


def test_postgresql_password_goes_to_the_keyring(pg_schema_url: str) -> None:
    from sqlalchemy.engine import make_url

    u = make_url(pg_schema_url)
    password = u.password or "pw-for-trust-auth"
    bare = u.set(password=None).render_as_string(hide_password=False)
    keyring_backend = MemoryKeyring()
    state = FirstRunState(backend=Backend.POSTGRESQL, pg_url=bare, pg_password=password)
    state.probe = probe_database(state)
    assert state.probe.revision is None
    state.admin_login, state.admin_name = "root", "管理员"
    state.password = state.password2 = "Root-2026"
    secrets = SecretStore(backend=keyring_backend, environ={})
    result = apply_first_run(state, secrets=secrets)
    assert result.password_in_keyring
    assert keyring_backend.entries[("shuidian", "db.password")] == password
    saved = config_file().read_text(encoding="utf-8")
    assert password not in saved
    assert json.loads(saved)["database"]["password_secret"] == "db.password"
    full = desk_db_url(secrets=secrets)
    assert full is not None
    db = Database(full)
    try:
        assert Services(db).operators.login("root", "Root-2026")[1].role_code == "admin"
    finally:
        db.dispose()


def test_without_keyring_the_password_is_asked_at_start(tmp_path: Path) -> None:
    """No keyring backend: the configuration still holds no password; the start asks."""
    from app.config import DeskConfig, save_desk_config

    save_desk_config(DeskConfig("postgresql+psycopg://u@db.local/shuidian", "db.password"))
    store = SecretStore(
        backend=keyring.backends.fail.Keyring(), environ={}, prompt=lambda _n: "typed-pw"
    )
    assert desk_db_url(secrets=store) == "postgresql+psycopg://u:typed-pw@db.local/shuidian"
    config = load_desk_config()
    assert config is not None and "typed-pw" not in config.db_url
    with pytest.raises(ValueError):
        save_desk_config(DeskConfig("postgresql://u:pw@h/db"))
