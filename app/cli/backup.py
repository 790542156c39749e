"""``backup create|list|verify|restore`` (DATA-2): verified backups of the database and restore
with the same checks before anything is replaced. Exit status: 0 done, 1 the backup failed its
checks (or the restore was refused), 2 usage or environment errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_url_option, resolve_url

if TYPE_CHECKING:
    from app.services.backups import BackupCheck

EXIT_CHECK_FAILED = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="backups: create, list, verify, restore (备份恢复)")
    bsub = p.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    c = bsub.add_parser("create", help="write a verified backup now (and copy it, prune old ones)")
    add_url_option(c)
    c.add_argument("--to", type=Path, default=None, help="folder (default: the backup setting)")
    c.set_defaults(func=_create)
    ls = bsub.add_parser("list", help="list the backups in the backup folder")
    add_url_option(ls)
    ls.add_argument("--dir", type=Path, default=None, help="folder (default: the backup setting)")
    ls.set_defaults(func=_list)
    v = bsub.add_parser("verify", help="check a backup: checksum, opens, ledger and audit log")
    v.add_argument("file", type=Path)
    add_url_option(v)
    v.set_defaults(func=_verify)
    r = bsub.add_parser(
        "restore",
        help="replace the database with a backup (checked first; a safety backup is made)",
    )
    r.add_argument("file", type=Path)
    add_url_option(r)
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.set_defaults(func=_restore)


def _service(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.services.backups import BackupService
    from app.services.unit_of_work import Database

    return BackupService(Database(resolve_url(args)))


def _fail(exc: Exception) -> CliError:
    from app.errors import BackupError

    if isinstance(exc, BackupError):
        code = EXIT_CHECK_FAILED if exc.reason in {"ledger", "audit", "checksum_mismatch"} else 2
        return CliError(exc.message, code=code)
    return CliError(f"{exc.__class__.__name__}: {exc}", code=2)


def _print_check(check: BackupCheck) -> None:
    audit_text = check.audit.status if check.audit else "?"
    print(
        f"  checksum {'OK' if check.checksum_ok else '-'}; ledger: {check.accounts} accounts, "
        f"{check.ledger_entries} entries; audit log: {check.audit_entries} entries ({audit_text})"
    )
    for problem in check.problems:
        print(f"  FAIL {problem}")


def _create(args: argparse.Namespace) -> int:
    from app.errors import BackupError
    from app.services.context import Actor

    svc = _service(args)
    try:
        result = svc.create(Actor.system("cli"), to=args.to)
    except BackupError as exc:
        raise _fail(exc) from exc
    finally:
        svc.db.dispose()
    print(f"backup written / 备份完成: {result.file.path} ({result.file.size} bytes)")
    _print_check(result.check)
    for copy in result.copies:
        print(f"  copy / 副本: {copy}")
    for removed in result.removed:
        print(f"  removed (older than the retention) / 已删除过期备份: {removed.name}")
    for warning in result.warnings:
        print(f"  warning / 警告: {warning}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.services.context import Actor

    svc = _service(args)
    try:
        folder = args.dir or svc.config().folder
        backups = svc.list(Actor.system("cli"), folder)
    finally:
        svc.db.dispose()
    print(f"{folder}: {len(backups)} backup(s)")
    for b in backups:
        flag = "" if b.has_checksum else "  (no checksum file / 缺少校验文件)"
        label = f" [{b.label}]" if b.label else ""
        print(f"{b.created_at:%Y-%m-%d %H:%M:%S}  {b.size:>12}  {b.name}{label}{flag}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from app.errors import BackupError
    from app.services.context import Actor

    svc = _service(args)
    try:
        check = svc.verify(Actor.system("cli"), args.file)
    except BackupError as exc:
        raise _fail(exc) from exc
    finally:
        svc.db.dispose()
    print(f"backup verify: {'OK' if check.ok else 'FAILED'} — {args.file}")
    _print_check(check)
    if not check.ok:
        print("备份校验失败：不可用于恢复", file=sys.stderr)
        return EXIT_CHECK_FAILED
    print("备份校验通过")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.errors import BackupError
    from app.services.context import Actor

    if not args.yes and sys.stdin.isatty():
        answer = input(
            f"用备份 {args.file} 替换当前数据库？当前数据会先另存一份安全备份。输入 yes 继续: "
        )
        if answer.strip().lower() != "yes":
            print("cancelled / 已取消")
            return 2
    svc = _service(args)
    try:
        result = svc.restore(Actor.system("cli"), args.file)
    except BackupError as exc:
        raise _fail(exc) from exc
    finally:
        svc.db.dispose()
    print(f"restored from / 已从备份恢复: {result.restored_from}")
    if result.safety_backup:
        print(
            f"  safety backup of the replaced database / 恢复前的安全备份: {result.safety_backup}"
        )
    _print_check(result.check)
    for warning in result.warnings:
        print(f"  warning / 警告: {warning}", file=sys.stderr)
    return 0 if result.check.ok else EXIT_CHECK_FAILED
