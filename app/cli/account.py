"""``account`` commands: search, show, top-up, refund, adjust, reverse (cashier from a shell)."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_operator_option, add_url_option, cli_actor, print_json, resolve_url
from app.domain.money import format_fen, parse_yuan
from app.errors import ShuidianError

if TYPE_CHECKING:
    from app.services import Services


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("account", help="find accounts and book top-ups, refunds, corrections")
    asub = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)

    s = asub.add_parser("search", help="search by room code, tenant name, phone, initials")
    s.add_argument("text")
    s.set_defaults(func=_search)

    sh = asub.add_parser("show", help="summary and last ledger entries of an account")
    sh.add_argument("account_no")
    sh.set_defaults(func=_show)

    t = asub.add_parser("top-up", help="book a top-up (prints the receipt number)")
    t.add_argument("account_no")
    t.add_argument("amount", help="yuan, e.g. 120 or 120.50")
    t.add_argument(
        "--channel", default="cash", choices=["cash", "wechat", "alipay", "card", "bank"]
    )
    t.add_argument("--key", help="idempotency key (default: a new random key)")
    t.set_defaults(func=_top_up)

    r = asub.add_parser("refund", help="pay back cash")
    r.add_argument("account_no")
    r.add_argument("amount")
    r.add_argument("--reason", required=True)
    r.set_defaults(func=_refund)

    a = asub.add_parser("adjust", help="signed correction with a reason")
    a.add_argument("account_no")
    a.add_argument("amount", help="signed yuan, e.g. -5.00")
    a.add_argument("--reason", required=True)
    a.set_defaults(func=_adjust)

    v = asub.add_parser("reverse", help="reverse a ledger entry")
    v.add_argument("entry_id", type=int)
    v.add_argument("--reason", required=True)
    v.set_defaults(func=_reverse)

    for parser in (s, sh, t, r, a, v):
        add_url_option(parser)
        add_operator_option(parser)


def _services(args: argparse.Namespace) -> Services:
    from app.services import Services

    return Services.for_url(resolve_url(args))


def _amount(text: str) -> int:
    try:
        return parse_yuan(text)
    except ShuidianError as exc:
        raise CliError(f"bad amount {text!r}: {exc}") from exc


def _wrap(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def inner(args: argparse.Namespace) -> int:
        try:
            return int(fn(args))
        except ShuidianError as exc:
            raise CliError(str(exc), code=1) from exc

    return inner


@_wrap
def _search(args: argparse.Namespace) -> int:
    svc = _services(args)
    for a in svc.accounts.search(cli_actor(args, svc), args.text):
        print(
            f"{a.account_no}\t{a.room_code}\t{a.tenant_name}\t{a.tenant_phone or ''}\t"
            f"{a.state}\t{format_fen(a.balance_fen)}"
        )
    return 0


@_wrap
def _show(args: argparse.Namespace) -> int:
    svc = _services(args)
    actor = cli_actor(args, svc)
    a = svc.accounts.summary(actor, args.account_no)
    page = svc.accounts.ledger_page(actor, args.account_no, limit=10)
    print_json(
        {
            "account_no": a.account_no,
            "state": a.state,
            "room": a.room_code,
            "tenant": a.tenant_name,
            "cash_fen": a.cash_fen,
            "subsidy_fen": a.subsidy_fen,
            "balance": format_fen(a.balance_fen),
            "entries": page.total,
            "last": [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "amount_fen": e.amount_fen,
                    "balance_after_fen": e.balance_after_fen,
                    "at": e.created_at.isoformat(),
                }
                for e in page.entries
            ],
        }
    )
    return 0


@_wrap
def _top_up(args: argparse.Namespace) -> int:
    key = args.key or f"cli-{uuid.uuid4()}"
    svc = _services(args)
    r = svc.cashier.top_up(
        cli_actor(args, svc), args.account_no, _amount(args.amount), args.channel, key
    )
    print(
        f"receipt {r.receipt_no}: {format_fen(r.amount_fen)} → balance "
        f"{format_fen(r.balance_after_fen)}{' (already booked)' if r.replayed else ''}"
    )
    return 0


@_wrap
def _refund(args: argparse.Namespace) -> int:
    svc = _services(args)
    r = svc.cashier.refund(cli_actor(args, svc), args.account_no, _amount(args.amount), args.reason)
    print(f"refund entry {r.entry_id}: balance {format_fen(r.balance_after_fen)}")
    return 0


@_wrap
def _adjust(args: argparse.Namespace) -> int:
    svc = _services(args)
    r = svc.cashier.adjust(cli_actor(args, svc), args.account_no, _amount(args.amount), args.reason)
    print(f"adjustment entry {r.entry_id}: balance {format_fen(r.balance_after_fen)}")
    return 0


@_wrap
def _reverse(args: argparse.Namespace) -> int:
    svc = _services(args)
    r = svc.cashier.reverse(cli_actor(args, svc), args.entry_id, args.reason)
    print(f"reversal entry {r.entry_id}: balance {format_fen(r.balance_after_fen)}")
    return 0
