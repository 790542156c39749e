"""Shared fixtures: real SQLite files per test, and the same tests on a real PostgreSQL when
TEST_DATABASE_URL is set (each test in a schema of its own, dropped afterwards)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Qt's QSettings (window geometry, language, column layouts) and other per-user configuration
# go to a directory of this test run, never the user's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="shuidian-test-config-")

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def _isolated_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logs and default databases go to a temporary directory, never the user's."""
    monkeypatch.setenv("SHUIDIAN_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("SHUIDIAN_DB_URL", raising=False)


def _pg_url() -> str:
    from app.models.db import normalize_url

    assert PG_URL is not None
    return normalize_url(PG_URL)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema; the URL puts it first on the search path."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in _pg_url() else "?"
    try:
        yield f"{_pg_url()}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: an SQLite file, and (when configured) PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def database(db_url: str) -> Iterator[object]:
    from app.services.unit_of_work import Database

    db = Database(db_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def services(database: object) -> object:
    from app.services import Services

    return Services(database)  # type: ignore[arg-type]
