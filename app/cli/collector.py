"""``collector``: read every meter, settle, cut/restore, notify — headless (COMM-3, BILL-2, CTL-4).

    main.py collector --once [--url URL]     one whole cycle, then exit (0 = no errors)
    main.py collector [--url URL]            run the scheduled jobs until Ctrl-C

``reading``: the review of held readings (DEV-8).

    main.py reading holds [--url URL]
    main.py reading resolve POINT_CODE accept|reset|reject|correct [--value V] --note TEXT
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from decimal import Decimal, InvalidOperation
from typing import Any

from app.cli import CliError
from app.cli.common import add_operator_option, add_url_option, cli_actor, resolve_url

logger = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("collector", help="read meters, settle, cut/restore, notify (headless)")
    add_url_option(p)
    p.add_argument("--once", action="store_true", help="one whole cycle, then exit")
    p.add_argument("--no-notify", action="store_true", help="queue messages but do not send them")
    p.add_argument(
        "--read-interval",
        type=int,
        default=None,
        metavar="S",
        help="seconds between read cycles (default: setting collector.read_interval_s)",
    )
    p.set_defaults(func=_collector)

    r = sub.add_parser("reading", help="held readings: list and resolve (DEV-8)")
    rsub = r.add_subparsers(dest="reading_command", metavar="ACTION", required=True)
    h = rsub.add_parser("holds", help="points whose billing is on hold, with the held reading")
    add_url_option(h)
    h.set_defaults(func=_holds)
    v = rsub.add_parser("resolve", help="accept, reset, reject or correct a held reading")
    add_url_option(v)
    add_operator_option(v)
    v.add_argument("point", help="measurement point code, e.g. E-A-1-01")
    v.add_argument("action", choices=("accept", "reset", "reject", "correct"))
    v.add_argument("--value", help="the corrected reading (with correct)")
    v.add_argument("--note", required=True, help="why (recorded in the audit log)")
    v.set_defaults(func=_resolve)


def _services(args: argparse.Namespace) -> Any:
    from app.services import Services

    return Services.for_url(resolve_url(args))


def _dispatcher(db: Any, enabled: bool) -> Any:
    if not enabled:
        return None
    from app.services.notifications import NotificationDispatcher

    return NotificationDispatcher(db)


def _print_cycle(result: dict[str, Any]) -> int:
    cycle = result["cycle"]
    before, after = result["commands_before"], result["commands_after"]
    catch_up = result["catch_up"]
    print(
        f"读表 {cycle.read_ok}/{cycle.points} 成功，失败 {cycle.read_failed}；"
        f"入库 {cycle.stored}，重复 {cycle.duplicates}，异常暂停计费 {cycle.held}"
    )
    print(
        f"结算 {cycle.settled_points + catch_up.points} 个计量点，"
        f"扣费 ¥{(cycle.booked_fen + catch_up.booked_fen) / 100:,.2f}"
    )
    print(
        f"命令：确认 {before.confirmed + after.confirmed}，失败 {before.failed + after.failed}，"
        f"待重试 {before.retried + after.retried}"
    )
    errors = list(cycle.errors) + list(catch_up.errors)
    for e in errors:
        print(f"错误：{e}")
    dispatched = result.get("dispatched")
    if dispatched is not None:
        print(
            f"通知：发送 {dispatched.sent}，待重试 {dispatched.retrying}，"
            f"失败 {dispatched.failed}，未配置通道 {dispatched.skipped}"
        )
    return 1 if errors else 0


def _collector(args: argparse.Namespace) -> int:
    from app.services.collector import Collector

    services = _services(args)
    db = services.db
    collector = Collector(db, dispatcher=_dispatcher(db, not args.no_notify))
    try:
        collector.start()
    except Exception as exc:
        raise CliError(f"无法启动采集：{exc}") from exc
    try:
        if args.once:
            return _print_cycle(collector.run_once())
        return _run_forever(collector, services, args.read_interval)
    finally:
        collector.stop()


def _run_forever(collector: Any, services: Any, read_interval: int | None) -> int:
    from app.services.scheduler import CollectorScheduler

    stop = threading.Event()
    jobs = CollectorScheduler(collector, read_interval_s=read_interval)

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print(f"采集已启动：每 {jobs.read_interval_s} 秒一轮读表，Ctrl-C 停止")
    jobs.start(run_now=True)
    try:
        while not stop.wait(1.0):
            pass
    finally:
        jobs.stop()
    print("采集已停止")
    return 0


def _holds(args: argparse.Namespace) -> int:
    services = _services(args)
    holds = services.readings.holds()
    if not holds:
        print("没有暂停计费的计量点")
        return 0
    for h in holds:
        values = ", ".join(f"{k}={v}" for k, v in sorted(h.values.items()))
        prev = ", ".join(f"{k}={v}" for k, v in sorted(h.previous.items()))
        print(f"{h.point_code}  {h.meter_time.isoformat()}  读数 {values}  上次 {prev or '-'}")
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.errors import ShuidianError
    from app.models.meter import MeasurementPoint

    services = _services(args)
    value = None
    if args.value is not None:
        try:
            value = Decimal(args.value)
        except InvalidOperation as exc:
            raise CliError(f"读数不是数字：{args.value!r}") from exc
    with services.db.uow() as uow:
        pid = uow.session.scalar(
            select(MeasurementPoint.id).where(MeasurementPoint.code == args.point)
        )
    if pid is None:
        raise CliError(f"没有计量点 {args.point}")
    try:
        state = services.readings.resolve(
            cli_actor(args, services), pid, args.action, value=value, note=args.note
        )
    except ShuidianError as exc:
        raise CliError(str(exc)) from exc
    services.settlement.settle_pending()
    print(f"{args.point}: {'恢复计费' if state == 'billing' else '仍有异常读数待处理'}")
    return 0
