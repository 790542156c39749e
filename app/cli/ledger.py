"""``ledger verify``: balance = sum of entries for every account; receipts without gaps (ACC-3)."""

from __future__ import annotations

import argparse

from app.cli.common import add_url_option, resolve_url


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ledger", help="ledger checks")
    lsub = p.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    v = lsub.add_parser("verify", help="check balance = sum of entries and receipt numbering")
    add_url_option(v)
    v.set_defaults(func=_verify)


def _verify(args: argparse.Namespace) -> int:
    from app.services.ledger_check import verify_ledger
    from app.services.unit_of_work import Database

    report = verify_ledger(Database(resolve_url(args)))
    for problem in report.problems:
        print(f"FAIL {problem.account_no}: {problem.message}")
    status = "OK" if report.ok else f"{len(report.problems)} problem(s)"
    print(
        f"ledger verify: {status} — {report.accounts_checked} accounts, "
        f"{report.entries_checked} entries, {report.receipts_checked} receipts checked"
    )
    return 0 if report.ok else 1
