"""Shared CLI helpers: the database URL option and JSON output."""

from __future__ import annotations

import argparse
import json
import os
from typing import TYPE_CHECKING, Any

from app.config import DB_URL_ENV

if TYPE_CHECKING:
    from app.services import Services
    from app.services.context import Actor


def add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        default=None,
        help=(
            f"database URL (default: ${DB_URL_ENV}, else the desk's configured database, else "
            "the SQLite file in the user data directory)"
        ),
    )


def resolve_url(args: argparse.Namespace) -> str:
    from app.cli import CliError
    from app.config import default_db_url
    from app.services.first_run import desk_db_url
    from app.services.secrets import SecretError

    url: str | None = getattr(args, "url", None) or os.environ.get(DB_URL_ENV)
    if url:
        return url
    try:
        # the database chosen in the first-run wizard (its password from the keyring)
        url = desk_db_url()
    except SecretError as exc:
        raise CliError(str(exc), code=1) from exc
    return url or default_db_url()


OPERATOR_ENV = "SHUIDIAN_OPERATOR"
PASSWORD_ENV = "SHUIDIAN_PASSWORD"


def add_operator_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator",
        default=None,
        metavar="LOGIN",
        help=(
            f"act as this operator (default: ${OPERATOR_ENV}); the password comes from "
            f"${PASSWORD_ENV} or is asked for. Required once the database has operators: the "
            "command then has exactly that operator's permissions and building scope"
        ),
    )


def cli_actor(args: argparse.Namespace, services: Services) -> Actor:
    """Who runs this command (SEC-2): the operator logged in with ``--operator``; without one,
    the built-in system actor — only while the database has no operators at all (a fresh
    installation before its first administrator)."""
    import getpass

    from app.cli import CliError
    from app.errors import AuthenticationError
    from app.services.context import Actor

    login = getattr(args, "operator", None) or os.environ.get(OPERATOR_ENV)
    if not login:
        if services.operators.has_operators():
            raise CliError(
                "this database has operators: log in with --operator LOGIN "
                f"(password from ${PASSWORD_ENV}, or typed when asked)",
                code=2,
            )
        return Actor.system("cli")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"password for {login}: ")
    try:
        actor, _info = services.operators.login(login, password)
    except AuthenticationError as exc:
        reason = "locked after repeated failures; try later" if exc.locked else exc.reason
        raise CliError(f"login as {login!r} failed: {reason}", code=2) from exc
    return actor


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=False, default=str))
