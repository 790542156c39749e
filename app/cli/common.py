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
        help=f"database URL (default: ${DB_URL_ENV} or the SQLite file in the user data directory)",
    )


def resolve_url(args: argparse.Namespace) -> str:
    from app.config import default_db_url

    url: str | None = getattr(args, "url", None) or os.environ.get(DB_URL_ENV)
    return url or default_db_url()


def print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, sort_keys=False, default=str))
