"""``backup create|list|verify|restore`` (DATA-2): verified backups of the database and restore
with the same checks before anything is replaced. Exit status: 0 done, 1 the backup failed its
checks (or the restore was refused), 2 usage or environment errors.

Once the database has operators, the commands log in (``--operator``): backing up, listing and
verifying need ``settings.manage``, a restore also ``operators.manage`` (administrators)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_operator_option, add_url_option, cli_actor, resolve_url

if TYPE_CHECKING:
    from app.services.backups import BackupCheck, BackupService
    from app.services.context import Actor

EXIT_CHECK_FAILED = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="backups: create, list, verify, restore (备份恢复)")
    bsub = p.add_subparsers(dest="backup_command", metavar="ACTION", required=True)
    c = bsub.add_parser("create", help="write a verified backup now (and copy it, prune old ones)")
    add_url_option(c)
    add_operator_option(c)
    c.add_argument("--to", type=Path, default=None, help="folder (default: the backup setting)")
    c.set_defaults(func=_create)
    ls = bsub.add_parser("list", help="list the backups in the backup folder")
    add_url_option(ls)
    add_operator_option(ls)
    ls.add_argument("--dir", type=Path, default=None, help="folder (default: the backup setting)")
    ls.set_defaults(func=_list)
    v = bsub.add_parser("verify", help="check a backup: checksum, opens, ledger and audit log")
    v.add_argument("file", type=Path)
    add_url_option(v)
    add_operator_option(v)
    v.set_defaults(func=_verify)
    r = bsub.add_parser(
        "restore",
        help="replace the database with a backup (checked first; a safety backup is made)",
    )
    r.add_argument("file", type=Path)
    add_url_option(r)
    add_operator_option(r)
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.set_defaults(func=_restore)


def _service(args: argparse.Namespace) -> tuple[BackupService, Actor]:
    """The service for the database of ``--url`` and who is acting. A database without any
    tables yet (wiped, or a new file to restore into) has no operators to log in as."""
    from sqlalchemy import inspect

    from app.services import Services
    from app.services.context import Actor
    from app.services.unit_of_work import Database

    services = Services(Database(resolve_url(args)))
    if "operators" not in inspect(services.db.engine).get_table_names():
        return services.backups, Actor.system("cli")
    try:
        return services.backups, cli_actor(args, services)
    except BaseException:
        services.db.dispose()
        raise


def _fail(exc: Exception) -> CliError:
    from app.errors import BackupError, PermissionDeniedError

    if isinstance(exc, BackupError):
        code = EXIT_CHECK_FAILED if exc.reason in {"ledger", "audit", "checksum_mismatch"} else 2
        return CliError(exc.message, code=code)
    if isinstance(exc, PermissionDeniedError):
        return CliError(f"没有权限 (permission denied): {exc}", code=2)
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
    from app.errors import ShuidianError

    svc, actor = _service(args)
    try:
        result = svc.create(actor, to=args.to)
    except (ShuidianError, OSError) as exc:
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
    from app.errors import ShuidianError

    svc, actor = _service(args)
    try:
        folder = args.dir or svc.config().folder
        backups = svc.list(actor, folder)
    except ShuidianError as exc:
        raise _fail(exc) from exc
    finally:
        svc.db.dispose()
    print(f"{folder}: {len(backups)} backup(s)")
    for b in backups:
        flag = "" if b.has_checksum else "  (no checksum file / 缺少校验文件)"
        label = f" [{b.label}]" if b.label else ""
        print(f"{b.created_at:%Y-%m-%d %H:%M:%S}  {b.size:>12}  {b.name}{label}{flag}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from app.errors import ShuidianError

    svc, actor = _service(args)
    try:
        check = svc.verify(actor, args.file)
    except (ShuidianError, OSError) as exc:
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
    from app.errors import ShuidianError

    if not args.yes and sys.stdin.isatty():
        answer = input(
            f"用备份 {args.file} 替换当前数据库？当前数据会先另存一份安全备份。输入 yes 继续: "
        )
        if answer.strip().lower() != "yes":
            print("cancelled / 已取消")
            return 2
    svc, actor = _service(args)
    try:
        result = svc.restore(actor, args.file)
    except (ShuidianError, OSError) as exc:
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
