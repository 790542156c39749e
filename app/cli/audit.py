"""``audit verify``: check the hash-chained audit log (SEC-3); exit 0 only when it is intact."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_url_option, resolve_url

if TYPE_CHECKING:
    from app.services.audit_check import AuditProblem

EXIT_TAMPERED = 1
EXIT_NOT_SEALED = 3
MAX_LISTED = 20


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="audit log checks (操作日志)")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser(
        "verify",
        help="check that no audit entry was edited, deleted or reordered",
        description=(
            "Recompute the hash chain of the audit log. Exit status: 0 intact, "
            f"{EXIT_TAMPERED} edited/deleted/reordered entries (the first one is named), "
            f"{EXIT_NOT_SEALED} entries from before the chain existed and not sealed yet."
        ),
    )
    v.add_argument(
        "--seal-legacy",
        action="store_true",
        help="first seal entries written before the chain existed (else the next write does)",
    )
    add_url_option(v)
    v.set_defaults(func=_verify)


def _where(p: AuditProblem) -> str:
    if p.entry_id is None:
        return "chain head"
    if p.deleted:
        return f"#{p.entry_id} (deleted)"
    when = f"{p.at:%Y-%m-%d %H:%M:%S} UTC" if p.at is not None else "time unreadable"
    return f"#{p.entry_id} ({when}, {p.action})"


def _verify(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from app.services.audit_check import seal_legacy_entries, verify_audit_log
    from app.services.unit_of_work import Database

    db = Database(resolve_url(args))
    try:
        if args.seal_legacy:
            n = seal_legacy_entries(db)
            print(f"sealed {n} legacy entries / 已封存 {n} 条旧日志" if n else "nothing to seal")
        report = verify_audit_log(db)
    except SQLAlchemyError as exc:
        raise CliError(f"cannot read the audit log: {exc.__class__.__name__}: {exc}") from exc
    finally:
        db.dispose()
    head = report.head
    head_text = f"head #{head.last_id} {head.last_hash[:16]}…" if head else "no head"
    if report.status == "ok":
        print(
            f"audit verify: OK — {report.entries} entries, hash chain intact ({head_text})\n"
            f"审计日志校验：完好 — 共 {report.entries} 条，哈希链完整"
        )
        return 0
    if report.status == "not_sealed":
        print(
            f"audit verify: NOT SEALED — {report.legacy_unsealed} entries predate the hash "
            "chain; they are sealed at the next write, or now with --seal-legacy\n"
            f"审计日志校验：未封存 — {report.legacy_unsealed} 条旧日志尚未纳入哈希链"
        )
        return EXIT_NOT_SEALED
    for p in report.problems[:MAX_LISTED]:
        print(f"FAIL {_where(p)}: {p.message}")
    if len(report.problems) > MAX_LISTED:
        print(f"… and {len(report.problems) - MAX_LISTED} more")
    first = report.problems[0]
    print(
        f"audit verify: FAILED — {len(report.problems)} problem(s) in {report.entries} entries; "
        f"first bad entry {_where(first)}\n"
        f"审计日志校验：失败 — 日志被改动、删除或调换；第一个异常条目 {_where(first)}"
    )
    return EXIT_TAMPERED
