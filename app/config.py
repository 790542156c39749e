"""Machine-local configuration: data directories, default database URL, logging."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from app import APP_NAME

DB_URL_ENV = "SHUIDIAN_DB_URL"
DATA_DIR_ENV = "SHUIDIAN_DATA_DIR"
CONFIG_DIR_ENV = "SHUIDIAN_CONFIG_DIR"
CONFIG_FILE_NAME = "desk.json"
DB_PASSWORD_SECRET = "db.password"
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


def config_dir() -> Path:
    """Where this PC's desk configuration lives: ``$SHUIDIAN_CONFIG_DIR``; else the data directory
    when ``$SHUIDIAN_DATA_DIR`` is set (tests, portable installs); else the user config dir."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        path = Path(override)
    elif os.environ.get(DATA_DIR_ENV):
        path = data_dir()
    else:
        path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_file() -> Path:
    return config_dir() / CONFIG_FILE_NAME


@dataclass(frozen=True)
class DeskConfig:
    """Which database this desk opens. Nothing secret: a PostgreSQL password lives in the
    keyring under the entry ``db_password_secret`` (SEC-4), never in this file."""

    db_url: str
    db_password_secret: str = ""


def url_has_password(url: str) -> bool:
    try:
        return urlsplit(url).password is not None
    except ValueError:
        return False


def load_desk_config() -> DeskConfig | None:
    """The saved configuration, or ``None`` on a first run (no file, or an unreadable one)."""
    path = config_file()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        url = str(data["database"]["url"])
        secret = str(data["database"].get("password_secret") or "")
    except (OSError, ValueError, KeyError, TypeError):
        logging.getLogger(__name__).warning("the desk configuration %s is unreadable", path)
        return None
    return DeskConfig(url, secret) if url else None


def save_desk_config(config: DeskConfig) -> Path:
    if url_has_password(config.db_url):
        raise ValueError("a database password never goes into the configuration file")
    path = config_file()
    data = {"database": {"url": config.db_url, "password_secret": config.db_password_secret}}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def configured_db_url() -> str | None:
    """``$SHUIDIAN_DB_URL``, else the saved configuration's URL (without any password), else
    ``None``: the desk has not been set up yet (the first-run wizard opens)."""
    env = os.environ.get(DB_URL_ENV)
    if env:
        return env
    config = load_desk_config()
    return config.db_url if config is not None else None


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
