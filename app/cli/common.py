"""Shared CLI helpers: the database URL option and JSON output."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from app.config import DB_URL_ENV


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


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=False, default=str))
