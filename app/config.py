"""Machine-local configuration: data directories, default database URL, logging."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from app import APP_NAME

DB_URL_ENV = "SHUIDIAN_DB_URL"
DATA_DIR_ENV = "SHUIDIAN_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent
RESOURCES_DIR = REPO_ROOT / "resources"


def data_dir() -> Path:
    """The per-user data directory (database, logs, receipts, backups)."""
    override = os.environ.get(DATA_DIR_ENV)
    path = (
        Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'shuidian.db'}"


def setup_logging(verbose: bool = False) -> Path:
    """Log to a rotating file in the data directory (and to stderr when verbose)."""
    log_dir = data_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "shuidian.log"
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
        )
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if verbose:
        stream = logging.StreamHandler()
        stream.setLevel(logging.DEBUG)
        root.addHandler(stream)
    return log_file


def cjk_font_path() -> Path | None:
    """The CJK font the product ships (or the system's WenQuanYi Micro Hei)."""
    for candidate in (
        RESOURCES_DIR / "fonts" / "wqy-microhei.ttc",
        Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ):
        if candidate.is_file():
            return candidate
    return None
