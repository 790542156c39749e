"""``payments`` commands: import WeChat Pay / Alipay merchant statements, issue payment orders."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_url_option
from app.domain.money import format_fen, parse_yuan
from app.errors import (
    InvalidAmountError,
    NotFoundError,
    PermissionDeniedError,
    ShuidianError,
    StatementFormatError,
    ValidationError,
)

if TYPE_CHECKING:
    from app.services import Services


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "payments", help="online payments: statement import, payment orders (在线支付)"
    )
    psub = p.add_subparsers(dest="payments_command", metavar="ACTION", required=True)

    i = psub.add_parser(
        "import", help="import a WeChat Pay 交易账单 or Alipay 业务明细/账务明细 CSV file"
    )
    i.add_argument("file", type=Path, help="the downloaded statement (.csv)")
    i.add_argument("--channel", required=True, choices=("wechat", "alipay"))
    add_url_option(i)
    i.set_defaults(func=_import)

    o = psub.add_parser("order", help="issue a payment order number for an account's QR code")
    o.add_argument("account", help="account number, e.g. A-1-01/1")
    o.add_argument("--amount", help="fixed amount in yuan (default: any amount)")
    o.add_argument("--channel", choices=("wechat", "alipay"), help="default: either")
    add_url_option(o)
    o.set_defaults(func=_order)


def _run(
    fn: Callable[[argparse.Namespace, Services], int],
) -> Callable[[argparse.Namespace], int]:
    from app.cli.report import _services

    def inner(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import DBAPIError

        try:
            return int(fn(args, _services(args)))
        except CliError:
            raise
        except StatementFormatError as exc:
            raise CliError(f"对账单格式错误，未入账任何一笔：{exc}", code=1) from exc
        except NotFoundError as exc:
            raise CliError(f"找不到 {exc.key} (not found)", code=1) from exc
        except PermissionDeniedError as exc:
            raise CliError(f"没有权限 (permission denied): {exc}", code=1) from exc
        except ValidationError as exc:
            raise CliError(f"输入无效 (invalid {exc.field}): {exc.message}") from exc
        except ShuidianError as exc:
            raise CliError(str(exc), code=1) from exc
        except DBAPIError as exc:
            raise CliError(
                f"数据库无法读取，是否已运行 db upgrade？(database error): {exc.orig}", code=1
            ) from exc

    return inner


@_run
def _import(args: argparse.Namespace, services: Services) -> int:
    from app.services.context import Actor
    from app.services.payments import CHANNEL_LABELS

    if not args.file.is_file():
        raise CliError(f"文件不存在 (no such file): {args.file}")
    r = services.payments.import_statement(Actor.system("cli"), args.file, args.channel)
    print(
        f"{CHANNEL_LABELS[r.channel]}对账单 {r.file_name}（{r.encoding.upper()}）："
        f"{r.lines} 笔明细；"
        f"新入账 {len(r.booked)} 笔，共 {format_fen(r.booked_fen)}；"
        f"此前已入账 {len(r.already_booked)} 笔；待核对 {len(r.mismatches)} 笔"
        + (f"；非充值流水 {r.ignored} 笔未处理" if r.ignored else "")
    )
    for b in r.booked:
        print(
            f"  入账 {b.account_no} {format_fen(b.amount_fen)} 交易号 {b.transaction_id} "
            f"订单 {b.order_no} 凭条 {b.receipt_no}"
        )
    for m in r.mismatches:
        who = f" 账户 {m.account_no}" if m.account_no else ""
        print(
            f"  待核对[{m.label}] 第 {m.line_no} 行 交易号 {m.transaction_id} 订单 {m.order_no}"
            f"{who} {format_fen(m.amount_fen)}：{m.detail}"
        )
    return 0


@_run
def _order(args: argparse.Namespace, services: Services) -> int:
    from app.services.context import Actor

    amount = None
    if args.amount is not None:
        try:
            amount = parse_yuan(args.amount)
        except InvalidAmountError as exc:
            raise CliError(f"金额无效 (bad amount {args.amount!r})") from exc
    o = services.payments.issue_order(
        Actor.system("cli"), args.account, channel=args.channel, amount_fen=amount
    )
    fixed = format_fen(o.amount_fen) if o.amount_fen is not None else "不限金额"
    print(f"支付订单 {o.order_no}：账户 {o.account_no}，{fixed}")
    return 0
