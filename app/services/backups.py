"""Backups and restore (DATA-2): on demand and scheduled, verified, kept N days, copied off-site.

A backup is one file plus a ``.sha256`` file beside it:

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
  while the desks keep writing; the copy is switched to a single-file journal so it opens alone.
- PostgreSQL: ``pg_dump`` in custom format. The password comes from the URL or the keyring
  (SEC-4) and reaches ``pg_dump`` through ``PGPASSWORD`` in its environment only, never on the
  command line or in a log line.

Crash safety: the file is written under a hidden temporary name, checked (opened, ledger and
audit log verified), its checksum file written, and only then renamed to its final name, so a
file with a final name is always a complete, verified backup. The copy in the second folder is
made the same way. Backups older than ``backup.keep_days`` are deleted (never the newest).

Restore runs the same checks on the backup *before* anything is replaced, makes a safety backup
of the current database, then replaces it (SQLite: backup API into the live file, so open
connections see the restored data; PostgreSQL: ``pg_restore --clean`` in one transaction).
Every operation is written to the audit log.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from app.config import DB_PASSWORD_SECRET, data_dir
from app.domain.permissions import Perm
from app.errors import BackupError
from app.models.site import Site
from app.services import audit
from app.services.audit_check import AuditReport, verify_audit_log
from app.services.context import Actor
from app.services.dto import LedgerReport
from app.services.ledger_check import verify_ledger
from app.services.settings import DEFAULTS, read_settings
from app.services.unit_of_work import Database

logger = logging.getLogger(__name__)

SQLITE_EXT = ".sqlite3"
PG_EXT = ".pgdump"
CHECKSUM_EXT = ".sha256"
PARTIAL_SUFFIX = ".partial"
PREFIX = "shuidian"
LABEL_SAFETY = "pre-restore"
_NAME_RE = re.compile(
    r"^shuidian_(?P<site>.+)_(?P<ts>\d{8}-\d{6})(?:_(?P<label>[a-z-]+))?(?:-(?P<n>\d+))?"
    r"(?P<ext>\.sqlite3|\.pgdump)$"
)
_STALE_PARTIAL_S = 6 * 3600
SCRATCH_PREFIX = "shuidian_verify_"
_TOOL_TIMEOUT_S = 3600

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class BackupConfig:
    folder: Path
    second_folder: Path | None
    keep_days: int
    time_of_day: str
    enabled: bool


@dataclass(frozen=True)
class BackupFile:
    path: Path
    name: str
    kind: str  # "sqlite" | "postgresql"
    site: str
    created_at: datetime  # local time of the site, from the file name
    label: str  # "" or "pre-restore"
    size: int
    has_checksum: bool


@dataclass(frozen=True)
class BackupCheck:
    """The verdict on one backup file: checksum, opens, ledger invariant, audit hash chain."""

    path: Path
    checksum_ok: bool
    ledger: LedgerReport | None
    audit: AuditReport | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def accounts(self) -> int:
        return self.ledger.accounts_checked if self.ledger else 0

    @property
    def ledger_entries(self) -> int:
        return self.ledger.entries_checked if self.ledger else 0

    @property
    def audit_entries(self) -> int:
        return self.audit.entries if self.audit else 0


@dataclass(frozen=True)
class BackupResult:
    file: BackupFile
    check: BackupCheck
    copies: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None
    check: BackupCheck  # the restored database, checked after the replacement
    warnings: tuple[str, ...] = field(default_factory=tuple)


# -- helpers ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKSUM_EXT)


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_text_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _partial_name(folder: Path, final_name: str) -> Path:
    return folder / f".{final_name}.{os.getpid()}.{uuid.uuid4().hex[:8]}{PARTIAL_SUFFIX}"


def _safe_site(name: str) -> str:
    cleaned = re.sub(r"[^\w-]+", "-", name, flags=re.UNICODE).strip("-_")
    return (cleaned or "site")[:40]


def parse_backup_name(path: Path) -> BackupFile | None:
    m = _NAME_RE.match(path.name)
    if m is None:
        return None
    try:
        created = datetime.strptime(m["ts"], "%Y%m%d-%H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupFile(
        path=path,
        name=path.name,
        kind="sqlite" if m["ext"] == SQLITE_EXT else "postgresql",
        site=m["site"],
        created_at=created,
        label=m["label"] or "",
        size=size,
        has_checksum=checksum_path(path).is_file(),
    )


def list_backups(folder: Path) -> list[BackupFile]:
    """Backups in ``folder`` (finished files only; temporary ones are skipped), newest first."""
    if not folder.is_dir():
        return []
    out = [b for p in folder.iterdir() if p.is_file() and (b := parse_backup_name(p)) is not None]
    out.sort(key=lambda b: (b.created_at, b.name), reverse=True)
    return out


def _kind_of(path: Path) -> str:
    if path.name.endswith(PG_EXT):
        return "postgresql"
    if path.name.endswith(SQLITE_EXT):
        return "sqlite"
    with contextlib.suppress(OSError), path.open("rb") as f:
        head = f.read(16)
        if head.startswith(b"SQLite format 3"):
            return "sqlite"
        if head.startswith(b"PGDMP"):
            return "postgresql"
    return "unknown"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("bad_folder", "内存数据库无法备份。")
    return Path(database)


def find_tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore`` on PATH (or in ``$SHUIDIAN_PG_BIN``)."""
    extra = os.environ.get("SHUIDIAN_PG_BIN")
    found = shutil.which(name, path=extra) if extra else None
    found = found or shutil.which(name)
    if not found:
        raise BackupError(
            "tool_missing",
            f"找不到 PostgreSQL 工具 {name}：请安装 PostgreSQL 客户端工具"
            "（与服务器版本相同或更新），并把它所在的文件夹加入 PATH"
            "（或设置环境变量 SHUIDIAN_PG_BIN）。",
        )
    return found


@dataclass(frozen=True)
class _PgTarget:
    """Connection parameters for the PostgreSQL tools, the password only in ``env``."""

    url: URL
    schema: str | None  # from options=-csearch_path=X (tests, or a site in its own schema)

    def env(self, password: str | None, database: str | None = None) -> dict[str, str]:
        env = dict(os.environ)
        for key in ("PGPASSWORD", "PGSERVICE", "PGOPTIONS"):
            env.pop(key, None)
        if self.url.host:
            env["PGHOST"] = str(self.url.host)
        if self.url.port:
            env["PGPORT"] = str(self.url.port)
        if self.url.username:
            env["PGUSER"] = str(self.url.username)
        env["PGDATABASE"] = str(database or self.url.database or "")
        if password:
            env["PGPASSWORD"] = password
        return env


def _pg_target(url: str) -> _PgTarget:
    u = make_url(url)
    schema = None
    options = u.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    if options:
        m = re.search(r"-c\s*search_path\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", unquote(options))
        if m:
            schema = m.group(1)
    return _PgTarget(u, schema)


def _pg_password(target: _PgTarget, secrets: Any) -> str | None:
    if target.url.password:
        return str(target.url.password)
    from app.services.secrets import SecretError, SecretStore

    store = secrets if secrets is not None else SecretStore()
    try:
        return str(store.get(DB_PASSWORD_SECRET))
    except SecretError:
        return None  # trust/peer authentication, or ~/.pgpass


def _run_tool(args: list[str], env: Mapping[str, str], what: str) -> str:
    logger.info("running %s", " ".join(args))  # no password: it is only in env
    try:
        proc = subprocess.run(
            args,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=_TOOL_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError("tool_failed", f"{what}失败：{exc}") from exc
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()
        tail = "；".join(detail[-3:]) if detail else f"退出码 {proc.returncode}"
        raise BackupError("tool_failed", f"{what}失败：{tail}")
    return proc.stdout


def _drop_stale_scratch(conn: Any) -> None:
    """Drop the scratch databases of verifications killed half-way (hours old and unused)."""
    names = conn.execute(
        text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
        {"p": SCRATCH_PREFIX.replace("_", r"\_") + "%"},
    ).scalars()
    for name in list(names):
        m = re.fullmatch(re.escape(SCRATCH_PREFIX) + r"(\d+)_[0-9a-f]{8}", name)
        if m is None or time.time() - int(m.group(1)) < _STALE_PARTIAL_S:
            continue
        try:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))  # refused while in use
        except Exception as exc:
            logger.info("scratch database %s not dropped: %s", name, exc.__class__.__name__)


# -- checks on an open database ---------------------------------------------------------------


def _check_database(db: Database, path: Path, checksum_ok: bool) -> BackupCheck:
    problems: list[str] = []
    ledger: LedgerReport | None = None
    report: AuditReport | None = None
    try:
        ledger = verify_ledger(db)
    except Exception as exc:  # the file opened but is not a readable database of ours
        problems.append(f"无法读取备份中的账本：{exc.__class__.__name__}: {exc}")
    else:
        if not ledger.ok:
            first = ledger.problems[0]
            problems.append(
                f"账本校验失败（{len(ledger.problems)} 处）：{first.account_no} {first.message}"
            )
    try:
        report = verify_audit_log(db)
    except Exception as exc:
        problems.append(f"无法读取备份中的审计日志：{exc.__class__.__name__}: {exc}")
    else:
        if report.status == "tampered":
            first_p = report.problems[0]
            where = f"#{first_p.entry_id}" if first_p.entry_id is not None else "链头"
            problems.append(f"审计日志校验失败：第一个异常条目 {where}：{first_p.message}")
    return BackupCheck(path, checksum_ok, ledger, report, tuple(problems))


def _readonly_sqlite_db(path: Path) -> Database:
    """The backup file opened read-only (nothing, not even a journal, is written)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA query_only=ON")

    return Database(f"sqlite:///{path}", engine=engine)


def _checksum_state(path: Path, *, require: bool) -> bool:
    cpath = checksum_path(path)
    if not cpath.is_file():
        if require:
            raise BackupError(
                "no_checksum",
                f"备份文件“{path.name}”旁边缺少校验文件 {cpath.name}：无法确认备份完整，拒绝使用。",
                str(path),
            )
        return False
    try:
        expected = cpath.read_text(encoding="utf-8").split()[0].lower()
    except (OSError, IndexError, UnicodeDecodeError) as exc:
        raise BackupError(
            "no_checksum", f"校验文件 {cpath.name} 无法读取或内容为空。", str(path)
        ) from exc
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(
            "checksum_mismatch",
            f"备份文件“{path.name}”的校验值与校验文件不符：文件已损坏或被改动，拒绝使用。",
            str(path),
        )
    return True


# -- the service ------------------------------------------------------------------------------


class BackupService:
    """Backups of the database this service object was built for (``db``)."""

    def __init__(
        self,
        db: Database,
        *,
        secrets: Any = None,
        clock: Clock | None = None,
    ) -> None:
        self.db = db
        self._secrets = secrets
        self._clock = clock or (lambda: datetime.now(UTC))

    # configuration ----------------------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        """The settings; the defaults when the database has none to read (an empty or damaged
        database about to be replaced by a restore)."""
        try:
            with self.db.uow() as uow:
                return read_settings(uow.session)
        except SQLAlchemyError:
            logger.warning("backup: settings unreadable, using the defaults", exc_info=True)
            return dict(DEFAULTS)

    def config(self) -> BackupConfig:
        s = self._settings()
        folder = str(s.get("backup.folder") or "").strip()
        second = str(s.get("backup.second_folder") or "").strip()
        return BackupConfig(
            folder=Path(folder) if folder else data_dir() / "backups",
            second_folder=Path(second) if second else None,
            keep_days=int(s.get("backup.keep_days") or 30),
            time_of_day=str(s.get("backup.time") or "02:30"),
            enabled=bool(s.get("backup.enabled", True)),
        )

    def _site_and_tz(self) -> tuple[str, ZoneInfo]:
        s = self._settings()
        try:
            with self.db.uow() as uow:
                site_name = uow.session.execute(
                    select(Site.name).order_by(Site.id).limit(1)
                ).scalar()
        except SQLAlchemyError:
            site_name = None
        tz_name = str(s.get("site.timezone") or "Asia/Shanghai")
        try:
            tz = ZoneInfo(tz_name)
        except Exception:
            tz = ZoneInfo("Asia/Shanghai")
        return _safe_site(site_name or str(s.get("site.name") or "site")), tz

    # create ------------------------------------------------------------------------------

    def create(
        self,
        actor: Actor,
        *,
        to: Path | None = None,
        label: str = "",
        strict: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> BackupResult:
        """Write, verify and copy one backup; then apply the retention. ``strict``: a backup
        whose ledger or audit check fails is not kept (the safety backup before a restore is
        kept anyway: it is the state being replaced)."""
        actor.require(Perm.SETTINGS)
        say = progress or (lambda _m: None)
        cfg = self.config()
        folder = Path(to) if to is not None else cfg.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BackupError(
                "bad_folder",
                f"无法创建或写入备份文件夹 {folder}：{exc.strerror or exc}",
                str(folder),
            ) from exc
        self._clean_partials(folder)
        site, tz = self._site_and_tz()
        stamp = self._clock().astimezone(tz).strftime("%Y%m%d-%H%M%S")
        ext = SQLITE_EXT if self.db.is_sqlite else PG_EXT
        base = f"{PREFIX}_{site}_{stamp}" + (f"_{label}" if label else "")
        final = folder / f"{base}{ext}"
        n = 1
        while final.exists() or checksum_path(final).exists():
            n += 1
            final = folder / f"{base}-{n}{ext}"
        tmp = _partial_name(folder, final.name)
        try:
            say("dump")
            if self.db.is_sqlite:
                self._sqlite_dump(tmp)
            else:
                self._pg_dump(tmp)
            _fsync_file(tmp)
            say("verify")
            try:
                check = self._check_file(tmp, checksum_ok=False)
            except BackupError as exc:
                if strict:
                    raise
                # the safety copy of a damaged database is kept all the same
                check = BackupCheck(tmp, False, None, None, (exc.message,))
            if strict and not check.ok:
                self._audit(
                    actor,
                    "backup.create_failed",
                    final.name,
                    {"folder": str(folder), "problems": list(check.problems)},
                )
                raise BackupError(
                    "ledger" if check.ledger is None or not check.ledger.ok else "audit",
                    "备份写入后校验未通过，已丢弃：" + "；".join(check.problems),
                    str(final),
                    "；".join(check.problems),
                )
            digest = sha256_of(tmp)
            _write_text_atomic(checksum_path(final), f"{digest}  {final.name}\n")
            os.replace(tmp, final)
            _fsync_dir(folder)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        check = BackupCheck(final, True, check.ledger, check.audit, check.problems)
        warnings: list[str] = list(check.problems)
        copies: list[Path] = []
        if cfg.second_folder is not None and to is None:
            say("copy")
            try:
                copies.append(self._copy_to(final, digest, cfg.second_folder))
            except (OSError, BackupError) as exc:
                msg = exc.message if isinstance(exc, BackupError) else str(exc)
                warnings.append(f"复制到第二备份文件夹 {cfg.second_folder} 失败：{msg}")
                logger.warning("backup copy to %s failed: %s", cfg.second_folder, msg)
        removed: list[Path] = []
        say("prune")
        for f in [folder] + ([cfg.second_folder] if cfg.second_folder and to is None else []):
            removed.extend(self._prune(f, cfg.keep_days, tz))
        info = parse_backup_name(final)
        assert info is not None
        self._audit(
            actor,
            "backup.create",
            final.name,
            {
                "folder": str(folder),
                "size": info.size,
                "sha256": digest,
                "label": label,
                "copies": [str(c) for c in copies],
                "removed": [p.name for p in removed],
                "accounts": check.accounts,
                "ledger_entries": check.ledger_entries,
                "audit_entries": check.audit_entries,
                "warnings": warnings,
            },
        )
        logger.info("backup written: %s (%d bytes)", final, info.size)
        return BackupResult(info, check, tuple(copies), tuple(removed), tuple(warnings))

    def run_scheduled(self) -> BackupResult | None:
        """The daily job: a backup when backups are switched on."""
        if not self.config().enabled:
            return None
        return self.create(Actor.system("backup-scheduler"))

    def _sqlite_dump(self, tmp: Path) -> None:
        live = _sqlite_path(self.db.url)
        if not live.is_file():
            raise BackupError("missing_file", f"数据库文件 {live} 不存在。", str(live))
        src = sqlite3.connect(str(live), timeout=60)
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                # one step (pages=-1): the whole database as of one read snapshot; WAL lets the
                # desks keep writing meanwhile
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # a single file that opens alone
                dst.commit()
            finally:
                dst.close()
        finally:
            src.close()

    def _pg_dump(self, tmp: Path) -> None:
        target = _pg_target(self.db.url)
        pg_dump = find_tool("pg_dump")
        args = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}"]
        if target.schema:
            args.append(f"--schema={target.schema}")
        env = target.env(_pg_password(target, self._secrets))
        _run_tool(args, env, "pg_dump 备份")

    def _copy_to(self, final: Path, digest: str, second: Path) -> Path:
        second.mkdir(parents=True, exist_ok=True)
        self._clean_partials(second)
        dest = second / final.name
        tmp = _partial_name(second, final.name)
        try:
            shutil.copyfile(final, tmp)
            _fsync_file(tmp)
            if sha256_of(tmp) != digest:
                raise BackupError("checksum_mismatch", f"复制到 {second} 的备份校验值不符。")
            _write_text_atomic(checksum_path(dest), f"{digest}  {dest.name}\n")
            os.replace(tmp, dest)
            _fsync_dir(second)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return dest

    def _prune(self, folder: Path, keep_days: int, tz: ZoneInfo) -> list[Path]:
        """Delete backups older than ``keep_days`` (by the time in their name), never the newest."""
        backups = list_backups(folder)
        if len(backups) <= 1:
            return []
        cutoff = self._clock().astimezone(tz).replace(tzinfo=None) - timedelta(days=keep_days)
        removed: list[Path] = []
        for b in backups[1:]:
            if b.created_at < cutoff:
                try:
                    b.path.unlink()
                    checksum_path(b.path).unlink(missing_ok=True)
                except OSError as exc:
                    logger.warning("could not delete old backup %s: %s", b.path, exc)
                    continue
                removed.append(b.path)
        return removed

    @staticmethod
    def _clean_partials(folder: Path) -> None:
        """Remove temporary files left by a backup that was killed half-way (old ones only: a
        backup running in another process right now keeps its own)."""
        now = time.time()
        # the partial file and what SQLite keeps beside it (-journal, -wal, -shm)
        for p in folder.glob(f".*{PARTIAL_SUFFIX}*"):
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > _STALE_PARTIAL_S:
                    p.unlink()

    # list / verify ---------------------------------------------------------------------------

    def list(self, actor: Actor, folder: Path | None = None) -> list[BackupFile]:
        actor.require(Perm.SETTINGS)
        return list_backups(folder if folder is not None else self.config().folder)

    def verify(self, actor: Actor, path: Path) -> BackupCheck:
        """Checksum, open, ledger and audit checks of one backup file (changes nothing but the
        audit log of the current database)."""
        actor.require(Perm.SETTINGS)
        try:
            check = self._verify_file(Path(path))
        except BackupError as exc:
            self._audit(actor, "backup.verify", Path(path).name, {"ok": False, "error": exc.reason})
            raise
        self._audit(
            actor,
            "backup.verify",
            Path(path).name,
            {"ok": check.ok, "problems": list(check.problems)},
        )
        return check

    def _verify_file(self, path: Path) -> BackupCheck:
        if not path.is_file():
            raise BackupError("missing_file", f"备份文件不存在：{path}", str(path))
        checksum_ok = _checksum_state(path, require=True)
        return self._check_file(path, checksum_ok=checksum_ok)

    def _check_file(self, path: Path, *, checksum_ok: bool) -> BackupCheck:
        kind = _kind_of(path)
        if kind == "sqlite":
            return self._check_sqlite_file(path, checksum_ok)
        if kind == "postgresql":
            return self._check_pg_file(path, checksum_ok)
        raise BackupError("unreadable", f"“{path.name}”不是本系统的备份文件。", str(path))

    def _check_sqlite_file(self, path: Path, checksum_ok: bool) -> BackupCheck:
        db = _readonly_sqlite_db(path)
        try:
            try:
                with db.engine.connect() as conn:
                    result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
            except Exception as exc:
                raise BackupError(
                    "unreadable",
                    f"备份文件“{path.name}”无法作为数据库打开：{exc}",
                    str(path),
                ) from exc
            if result != "ok":
                raise BackupError("unreadable", f"备份文件“{path.name}”已损坏：{result}", str(path))
            return _check_database(db, path, checksum_ok)
        finally:
            db.dispose()

    def _check_pg_file(self, path: Path, checksum_ok: bool) -> BackupCheck:
        if self.db.is_sqlite:
            raise BackupError(
                "wrong_kind",
                "这是 PostgreSQL 备份：请用 --url 指定一个 PostgreSQL 服务器来验证或恢复它。",
                str(path),
            )
        target = _pg_target(self.db.url)
        password = _pg_password(target, self._secrets)
        pg_restore = find_tool("pg_restore")
        _run_tool([pg_restore, "--list", str(path)], target.env(password), "读取备份目录")
        with self._scratch_database(target, password) as (name, url):
            _run_tool(
                [
                    pg_restore,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    f"--dbname={name}",
                    str(path),
                ],
                target.env(password, database=name),
                "还原到临时数据库",
            )
            scratch = Database(url)
            try:
                return _check_database(scratch, path, checksum_ok)
            finally:
                scratch.dispose()

    @contextlib.contextmanager
    def _scratch_database(
        self, target: _PgTarget, password: str | None
    ) -> Iterator[tuple[str, str]]:
        name = f"{SCRATCH_PREFIX}{int(time.time())}_{uuid.uuid4().hex[:8]}"
        admin_url = target.url.set(password=password) if password else target.url
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            try:
                with admin.connect() as conn:
                    _drop_stale_scratch(conn)
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as exc:
                raise BackupError(
                    "scratch_db",
                    "验证 PostgreSQL 备份需要创建一个临时数据库，但当前数据库用户没有这个权限"
                    f"（CREATEDB）：{exc.__class__.__name__}",
                ) from exc
            try:
                url = admin_url.set(database=name).render_as_string(hide_password=False)
                yield name, url
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()

    # restore ---------------------------------------------------------------------------------

    def restore(
        self,
        actor: Actor,
        path: Path,
        *,
        progress: Callable[[str], None] | None = None,
    ) -> RestoreResult:
        """Check ``path`` (checksum, opens, ledger, audit), back up the current database, then
        replace it with the backup. Refuses when any check of the backup fails."""
        actor.require(Perm.SETTINGS)
        actor.require(Perm.OPERATORS)  # replacing the whole database: administrators only
        say = progress or (lambda _m: None)
        path = Path(path)
        say("verify")
        kind = _kind_of(path) if path.is_file() else "unknown"
        expected = "sqlite" if self.db.is_sqlite else "postgresql"
        if path.is_file() and kind != expected:
            raise BackupError(
                "wrong_kind",
                f"备份“{path.name}”是 {kind} 数据库的备份，不能恢复到当前的 {expected} 数据库。",
                str(path),
            )
        check = self._verify_file(path)
        if not check.ok:
            self._audit(
                actor,
                "backup.restore_refused",
                path.name,
                {"problems": list(check.problems)},
            )
            reason = "ledger" if check.ledger is None or not check.ledger.ok else "audit"
            raise BackupError(
                reason,
                "备份未通过校验，拒绝恢复：" + "；".join(check.problems),
                str(path),
                "；".join(check.problems),
            )
        say("safety")
        safety: Path | None = None
        warnings: list[str] = []
        if self._current_exists():
            try:
                safety = self.create(actor, label=LABEL_SAFETY, strict=False).file.path
            except BackupError as exc:
                raise BackupError(
                    "restore_failed",
                    f"恢复前无法先备份当前数据库，未做任何改动：{exc.message}",
                    str(path),
                ) from exc
        say("restore")
        self.db.dispose()  # our pooled connections must not hold locks during the replacement
        if self.db.is_sqlite:
            self._sqlite_restore(path)
        else:
            self._pg_restore(path)
        self.db.dispose()
        say("check")
        after = _check_database(self.db, path, True)
        if not after.ok:
            warnings.extend(after.problems)
        self._audit(
            actor,
            "backup.restore",
            path.name,
            {
                "sha256": sha256_of(path),
                "safety_backup": str(safety) if safety else None,
                "accounts": after.accounts,
                "ledger_entries": after.ledger_entries,
                "ok": after.ok,
            },
        )
        logger.info("database restored from %s (safety backup %s)", path, safety)
        return RestoreResult(path, safety, after, tuple(warnings))

    def _current_exists(self) -> bool:
        """Whether there is anything to keep before a restore replaces it."""
        if self.db.is_sqlite and not _sqlite_path(self.db.url).is_file():
            return False
        try:
            return bool(inspect(self.db.engine).get_table_names())
        except SQLAlchemyError:
            return True  # unreadable: keep it anyway before it is replaced

    def _sqlite_restore(self, path: Path) -> None:
        live = _sqlite_path(self.db.url)
        live.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(str(live), timeout=60)
            try:
                dst.execute("PRAGMA busy_timeout=60000")
                # the backup API writes the whole file under the write lock: connections the
                # desks hold open see the restored database at their next transaction
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise BackupError(
                "restore_failed", f"写入数据库文件 {live} 失败：{exc}", str(path)
            ) from exc
        finally:
            src.close()

    def _pg_restore(self, path: Path) -> None:
        target = _pg_target(self.db.url)
        password = _pg_password(target, self._secrets)
        pg_restore = find_tool("pg_restore")
        _run_tool(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={target.url.database}",
                str(path),
            ],
            target.env(password),
            "pg_restore 恢复",
        )

    # audit -----------------------------------------------------------------------------------

    def _audit(self, actor: Actor, action: str, name: str, after: dict[str, object]) -> None:
        try:
            with self.db.uow() as uow:
                audit.record(uow.session, actor, action, "backup", name, None, after)
                uow.commit()
        except Exception:  # the database being backed up may itself be unusable
            logger.exception("could not write audit entry %s for %s", action, name)
