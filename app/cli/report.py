"""``report`` commands: the monthly Excel report (月报) and receipt PDFs (存款凭条, 补打)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import CliError
from app.cli.common import add_operator_option, add_url_option, cli_actor, resolve_url
from app.domain.money import format_fen
from app.errors import NotFoundError, PermissionDeniedError, ShuidianError, ValidationError

if TYPE_CHECKING:
    from app.services import Services

LAYOUTS = ("thermal80", "a5", "dot241")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="monthly Excel report and receipt PDFs (月报、存款凭条)")
    rsub = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    m = rsub.add_parser("monthly", help="monthly report per building and for the site (.xlsx)")
    m.add_argument("--month", required=True, help="YYYY-MM on the site's calendar, e.g. 2026-10")
    m.add_argument("--out", required=True, type=Path, help="the .xlsx file to write")
    add_url_option(m)
    add_operator_option(m)
    m.set_defaults(func=_monthly)

    r = rsub.add_parser(
        "receipt", help="print a receipt to PDF (from the second print on it is marked 补打)"
    )
    r.add_argument("number", nargs="?", help="receipt number, e.g. 2026-000123")
    r.add_argument("--entry", type=int, help="the top-up's ledger entry id instead of a number")
    r.add_argument("--layout", choices=LAYOUTS, default="thermal80", help="paper size")
    r.add_argument("--out", required=True, type=Path, help="the .pdf file to write")
    add_url_option(r)
    add_operator_option(r)
    r.set_defaults(func=_receipt)


def _services(args: argparse.Namespace) -> Services:
    from sqlalchemy.engine import make_url

    from app.models.db import normalize_url
    from app.services import Services

    url = resolve_url(args)
    try:
        u = make_url(normalize_url(url))
    except Exception as exc:
        raise CliError(f"数据库地址无效 (bad database URL): {url}") from exc
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        if not Path(u.database).is_file():
            raise CliError(f"数据库文件不存在 (no database file): {u.database}")
    return Services.for_url(url)


def _check_out(path: Path) -> Path:
    from app.reports.output import check_writable

    try:
        return check_writable(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CliError(f"无法写入 {path} (cannot write): {reason}") from exc


def _wrap(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def inner(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import DBAPIError

        try:
            return int(fn(args))
        except CliError:
            raise
        except NotFoundError as exc:
            what = "凭条" if "receipt" in exc.what else exc.what
            raise CliError(f"找不到{what} {exc.key} (not found)", code=1) from exc
        except PermissionDeniedError as exc:
            raise CliError(f"没有权限 (permission denied): {exc}", code=1) from exc
        except ValidationError as exc:
            raise CliError(f"输入无效 (invalid {exc.field}): {exc.message}") from exc
        except ShuidianError as exc:
            raise CliError(str(exc), code=1) from exc
        except OSError as exc:
            raise CliError(f"无法写入文件 (cannot write): {exc}", code=1) from exc
        except DBAPIError as exc:
            raise CliError(
                f"数据库无法读取，是否已运行 db upgrade？(database error): {exc.orig}", code=1
            ) from exc

    return inner


@_wrap
def _monthly(args: argparse.Namespace) -> int:
    from app.services.reports import parse_month

    try:
        year, month = parse_month(args.month)
    except ValidationError as exc:
        raise CliError(
            f"月份无效，应为 YYYY-MM，例如 2026-10 (bad month {args.month!r}): {exc.message}"
        ) from exc
    out = _check_out(args.out)
    svc = _services(args)
    done = svc.reports.export_monthly(cli_actor(args, svc), year, month, out)
    report = done.report
    t = report.totals
    print(
        f"月报 {year}-{month:02d} 已写入 {done.path}：{len(report.buildings)} 个楼栋，"
        f"{t.accounts} 个账户；期初 {format_fen(t.opening_fen)}，本月变动 "
        f"{format_fen(t.total_movement_fen)}，期末 {format_fen(t.closing_fen)}"
    )
    if not report.reconciled:
        print(
            f"警告：报表与台账不一致 (does not reconcile): 台账期初 "
            f"{format_fen(report.ledger.opening_fen)}，台账本月变动 "
            f"{format_fen(report.ledger.movement_fen)}",
            file=sys.stderr,
        )
        return 1
    print("与台账核对一致（精确到分）")
    return 0


@_wrap
def _receipt(args: argparse.Namespace) -> int:

    if (args.number is None) == (args.entry is None):
        raise CliError("请给出凭条号（如 2026-000123）或 --entry 账目编号，二者选一")
    out = _check_out(args.out)
    svc = _services(args)
    printed = svc.receipts.print_receipt(
        cli_actor(args, svc),
        args.layout,
        receipt_no=args.number,
        entry_id=args.entry,
        copies=(out,),
    )
    kind = f"补打，第 {printed.print_no} 次打印" if printed.reprint else "原件"
    print(f"凭条 {printed.receipt_no}（{args.layout}，{kind}）已写入 {printed.copies[0]}")
    print(f"存档 {printed.archive_path}")
    return 0
