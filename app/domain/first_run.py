"""The first-run flow (UX-4) without any Qt: what the wizard asks, in which order, and what makes
each answer acceptable. The Qt wizard (``app.ui.wizards.first_run``) is a skin over this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain.passwords import PasswordProblem, password_problem

LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,31}$")


class Step(StrEnum):
    DATABASE = "database"  # SQLite file or PostgreSQL URL, tested
    ADMIN = "admin"  # the first administrator (skipped when the database has one)
    DEMO = "demo"  # offer the demo site (only on an empty database)
    APPLY = "apply"  # migrate, create, load; then the login dialog


class Backend(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


class Problem(StrEnum):
    NO_PATH = "no_path"
    BAD_URL = "bad_url"
    URL_HAS_PASSWORD = "url_has_password"
    NOT_TESTED = "not_tested"
    BAD_LOGIN = "bad_login"
    NO_NAME = "no_name"


@dataclass(frozen=True)
class Probe:
    """What a connection test found in the database."""

    revision: str | None  # Alembic revision; None = empty database
    has_site: bool
    has_admin: bool


@dataclass
class FirstRunState:
    backend: Backend = Backend.SQLITE
    sqlite_path: str = ""
    pg_url: str = ""  # postgresql://user@host:5432/dbname — the password is asked apart
    pg_password: str = ""
    probe: Probe | None = None  # set by a successful connection test of the current answers
    admin_login: str = "admin"
    admin_name: str = ""
    password: str = ""
    password2: str = ""
    load_demo: bool = False

    # -- the database step --------------------------------------------------------------------

    def database_url(self) -> str:
        """The URL to open (without the PostgreSQL password, which goes in apart)."""
        if self.backend is Backend.SQLITE:
            return f"sqlite:///{self.sqlite_path.strip()}"
        return self.pg_url.strip()

    def database_problem(self, *, tested: bool = True) -> Problem | None:
        if self.backend is Backend.SQLITE:
            if not self.sqlite_path.strip():
                return Problem.NO_PATH
        else:
            url = self.pg_url.strip()
            try:
                parts = urlsplit(url)
                bad = parts.scheme.split("+")[0] not in ("postgresql", "postgres") or not (
                    parts.hostname and parts.path.strip("/")
                )
                has_password = parts.password is not None
            except ValueError:
                bad, has_password = True, False
            if bad:
                return Problem.BAD_URL
            if has_password:
                return Problem.URL_HAS_PASSWORD
        if tested and self.probe is None:
            return Problem.NOT_TESTED
        return None

    def database_changed(self) -> None:
        """Any edit of the database answers invalidates the last connection test."""
        self.probe = None

    # -- the administrator step -------------------------------------------------------------

    @property
    def needs_admin(self) -> bool:
        return self.probe is None or not self.probe.has_admin

    @property
    def may_load_demo(self) -> bool:
        """Only into a brand-new database: the demo site brings its own roles and operators."""
        return self.probe is not None and self.probe.revision is None

    def admin_problem(self) -> Problem | PasswordProblem | None:
        if not LOGIN_RE.match(self.admin_login.strip()):
            return Problem.BAD_LOGIN
        if not self.admin_name.strip():
            return Problem.NO_NAME
        return password_problem(self.password, self.admin_login, self.password2)

    # -- order ------------------------------------------------------------------------------

    def next_step(self, step: Step) -> Step | None:
        order = [Step.DATABASE]
        if self.needs_admin:
            order.append(Step.ADMIN)
        if self.may_load_demo:
            order.append(Step.DEMO)
        order.append(Step.APPLY)
        if step not in order:
            return None
        i = order.index(step)
        return order[i + 1] if i + 1 < len(order) else None

    def problem(self, step: Step) -> object | None:
        """Why ``step`` cannot be left yet (``None``: it can)."""
        if step is Step.DATABASE:
            return self.database_problem()
        if step is Step.ADMIN:
            return self.admin_problem()
        return None
