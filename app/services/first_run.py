"""First run of a desk (UX-4): test the database, migrate it, create the first administrator,
optionally load the demo site, and remember the choice in the desk configuration. A PostgreSQL
password goes to the OS keyring (SEC-4); the configuration file holds nothing secret."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.config import (
    DB_PASSWORD_SECRET,
    DeskConfig,
    load_desk_config,
    save_desk_config,
)
from app.domain.first_run import Backend, FirstRunState, Probe
from app.errors import DatabaseSetupError
from app.models.db import create_db_engine, normalize_url
from app.models.migrate import current_revision
from app.models.operator import Role
from app.models.site import Site
from app.services.operators import OperatorRow, create_first_admin, has_active_admin
from app.services.secrets import SecretError, SecretStore
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` put in (for the engine only; never written anywhere)."""
    url = normalize_url(url)
    if not password:
        return url
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def _detail(exc: BaseException, password: str) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.replace(password, "***") if password else line


def _open(url: str, password: str) -> Database:
    full = with_password(url, password)
    if make_url(full).get_backend_name() == "sqlite":
        return Database(full)
    return Database(full, engine=create_db_engine(full, connect_args={"connect_timeout": 8}))


def probe_database(state: FirstRunState) -> Probe:
    """Connect with the wizard's answers and say what the database holds. An SQLite file that
    does not exist yet is fine (it is created when applying), if its folder can be written."""
    url = state.database_url()
    if state.backend is Backend.SQLITE:
        path = Path(state.sqlite_path.strip()).expanduser()
        if path.is_dir():
            raise DatabaseSetupError("bad_path", str(path))
        if not path.exists():
            folder = path.parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
                probe_file = folder / ".shuidian-write-test"
                probe_file.write_bytes(b"")
                probe_file.unlink()
            except OSError as exc:
                raise DatabaseSetupError("bad_path", f"{folder}: {exc.strerror}") from None
            return Probe(None, False, False)
    password = state.pg_password if state.backend is Backend.POSTGRESQL else ""
    try:
        db = _open(url, password)
    except (SQLAlchemyError, ValueError) as exc:
        raise DatabaseSetupError("bad_url", _detail(exc, password)) from None
    try:
        revision = current_revision(db.engine)
        if revision is None:
            return Probe(None, False, False)
        with db.uow() as uow:
            has_site = uow.session.execute(select(Site.id).limit(1)).first() is not None
        return Probe(revision, has_site, has_active_admin(db))
    except SQLAlchemyError as exc:
        raise DatabaseSetupError("connect", _detail(exc, password)) from None
    finally:
        db.dispose()


@dataclass(frozen=True)
class FirstRunResult:
    db_url: str  # without the password
    admin: OperatorRow | None  # None: the database already had an administrator
    demo_loaded: bool
    password_in_keyring: bool  # False for PostgreSQL: the desk will ask for it at start


def apply_first_run(
    state: FirstRunState,
    *,
    secrets: SecretStore | None = None,
    progress: Progress | None = None,
) -> FirstRunResult:
    """Migrate, load the demo site (if asked, on an empty database), create the first
    administrator (if the database has none), store the PostgreSQL password in the keyring and
    save the desk configuration."""
    say = progress or (lambda _m: None)
    url = state.database_url()
    password = state.pg_password if state.backend is Backend.POSTGRESQL else ""
    db = _open(url, password)
    try:
        say("migrate")
        try:
            db.upgrade()
        except SQLAlchemyError as exc:
            raise DatabaseSetupError("migrate", _detail(exc, password)) from None
        demo = False
        if state.load_demo:
            with db.uow() as uow:
                s = uow.session
                if (
                    s.execute(select(Site.id).limit(1)).first() is not None
                    or s.execute(select(Role.id).limit(1)).first() is not None
                ):
                    raise DatabaseSetupError("not_empty_for_demo")
            from app.services.demo import build_demo_database

            say("demo")
            build_demo_database(db, progress=lambda m: say(f"demo:{m}"))
            demo = True
        admin = None
        if state.needs_admin or not has_active_admin(db):
            say("admin")
            admin = create_first_admin(db, state.admin_login, state.admin_name, state.password)
    finally:
        db.dispose()
    in_keyring = False
    secret_name = ""
    if password:
        secret_name = DB_PASSWORD_SECRET
        try:
            (secrets or SecretStore()).set(DB_PASSWORD_SECRET, password)
            in_keyring = True
        except SecretError:
            logger.warning("no keyring: the database password will be asked at every start")
    say("config")
    save_desk_config(DeskConfig(normalize_url(url), secret_name))
    return FirstRunResult(normalize_url(url), admin, demo, in_keyring)


def desk_db_url(
    secrets: SecretStore | None = None, prompt: Callable[[str], str | None] | None = None
) -> str | None:
    """The configured database URL with its password from the keyring (or ``prompt``) put in;
    ``None`` when the desk has not been set up (no configuration file)."""
    config = load_desk_config()
    if config is None:
        return None
    if not config.db_password_secret:
        return config.db_url
    store = secrets or SecretStore(prompt=prompt)
    password = store.get(config.db_password_secret)  # SecretError when nowhere to be found
    return with_password(config.db_url, password)
