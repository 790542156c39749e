"""``meter``: read, control and time-sync a real (or simulated) meter through a gateway.

    main.py meter read --via tcp://10.0.0.5:8001 --protocol dlt645-2007 --address 000000000123
    main.py meter read --via dtu://21000/DTU00059 --protocol cjt188 --address 00000000000642 \\
        --item water
    main.py meter read --via "serial:///dev/ttyUSB0?baud=2400&parity=E" --protocol modbus \\
        --address 1 --profile modbus-three-phase --item all
    main.py meter control --via tcp://10.0.0.5:8001 --protocol dlt645-2007 \\
        --address 000000000123 trip
    main.py meter time-sync --via tcp://10.0.0.5:8001
    main.py meter swap E-A-1-01 --final 1234.56 --new-address 000000000777 --initial 0.30 \\
        --note "旧表黑屏，人工抄读" [--slip slip.pdf] [--url URL]

Results are JSON on stdout. Every failure is one line on stderr, e.g. ``error: no answer from
000000000123 on tcp://10.0.0.5:8001 bus 1 after 3 tries``; exit status 1 for a communication
failure, 3 when a meter acknowledged a control command but did not switch.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from app.cli import CliError

T = TypeVar("T")

EXIT_COMM = 1
EXIT_NOT_EXECUTED = 3


def add_via_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that talks to a bus."""
    parser.add_argument(
        "--via",
        required=True,
        metavar="URL",
        help="tcp://HOST:PORT | dtu://LISTEN_PORT/ID[?bus=N] | "
        "serial:///dev/ttyUSB0?baud=2400&parity=E | socket://HOST:PORT | rfc2217://HOST:PORT",
    )
    parser.add_argument(
        "--bus", type=int, default=None, help="bus number, for messages (default 1, or ?bus=N)"
    )
    parser.add_argument(
        "--baud", type=int, default=None, help="bus baud rate for wire timing (default 2400)"
    )
    parser.add_argument(
        "--timeout", type=float, default=2.0, metavar="S", help="response timeout (default 2 s)"
    )
    parser.add_argument("--retries", type=int, default=2, help="extra tries (default 2)")
    parser.add_argument(
        "--connect-timeout",
        type=float,
        default=None,
        metavar="S",
        help="TCP connect timeout (default 10 s); for dtu:// how long to wait for the DTU to "
        "dial in (default 60 s)",
    )
    parser.add_argument("--trace", action="store_true", help="print every frame to stderr (hex)")


def add_meter_options(parser: argparse.ArgumentParser) -> None:
    from app.comms.meter_ops import PROTOCOLS

    parser.add_argument("--protocol", required=True, help=f"meter protocol: {', '.join(PROTOCOLS)}")
    parser.add_argument(
        "--address",
        required=True,
        help="12 digits (DL/T 645), 14 digits (CJ/T 188) or a unit id (Modbus)",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="meter profile id (resources/meter_profiles); default: the protocol's generic one",
    )
    parser.add_argument(
        "--meter-type", default=None, help="CJ/T 188 meter type in hex (default 10, cold water)"
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("meter", help="read, control or time-sync a meter through a gateway")
    meter_sub = parser.add_subparsers(dest="meter_command", metavar="ACTION", required=True)

    from app.comms.meter_ops import ACTIONS, ITEMS

    read = meter_sub.add_parser("read", help="read values from a meter (JSON)")
    add_via_options(read)
    add_meter_options(read)
    read.add_argument("--item", choices=ITEMS, default="energy")
    read.set_defaults(func=_read)

    control = meter_sub.add_parser(
        "control", help="trip/close a relay or open/close a valve, confirmed by reading back"
    )
    add_via_options(control)
    add_meter_options(control)
    control.add_argument("action", choices=ACTIONS)
    control.add_argument("--password", default=None, help="DL/T 645 password LLPPPPPP")
    control.add_argument("--operator", default=None, help="DL/T 645 operator code (8 hex)")
    control.set_defaults(func=_control)

    sync = meter_sub.add_parser("time-sync", help="broadcast the PC's time on the bus (DL/T 645)")
    add_via_options(sync)
    sync.add_argument(
        "--at", default=None, help="time to send, 'YYYY-MM-DD HH:MM:SS' (default: now)"
    )
    sync.set_defaults(func=_time_sync)

    from app.cli.common import add_url_option

    swap = meter_sub.add_parser(
        "swap",
        help="replace the meter of a point (换表) with values read off the meters by a person",
    )
    swap.add_argument("point", metavar="POINT", help="measurement point code, e.g. E-A-1-01")
    swap.add_argument("--final", required=True, metavar="VALUE", help="old meter's final value")
    swap.add_argument("--new-address", required=True, metavar="ADDR", help="new meter's address")
    swap.add_argument("--initial", required=True, metavar="VALUE", help="new meter's initial value")
    swap.add_argument("--note", required=True, metavar="TEXT", help="why the values were typed")
    swap.add_argument("--slip", default=None, metavar="FILE.pdf", help="write the swap slip PDF")
    add_url_option(swap)
    swap.set_defaults(func=_swap)

    reprint = meter_sub.add_parser("swap-slip", help="write the slip of a point's latest swap")
    reprint.add_argument("point", metavar="POINT", help="measurement point code")
    reprint.add_argument("--out", required=True, metavar="FILE.pdf")
    add_url_option(reprint)
    reprint.set_defaults(func=_swap_slip)


# -- running an operation on a bus ------------------------------------------------------------


def _baud_of(args: argparse.Namespace) -> int:
    if args.baud:
        return int(args.baud)
    query = parse_qs(urlsplit(args.via).query)
    for key in ("baud", "baudrate"):
        if key in query:
            try:
                return int(query[key][-1])
            except ValueError:
                break
    return 2400


def _bus_of(args: argparse.Namespace) -> int:
    if args.bus:
        return int(args.bus)
    query = parse_qs(urlsplit(args.via).query)
    try:
        return int(query.get("bus", ["1"])[-1])
    except ValueError:
        return 1


def run_on_bus(args: argparse.Namespace, op: Callable[[Any], Awaitable[T]]) -> T:
    """Open the ``--via`` line, run ``op(channel)``, close; comm errors become CliError."""
    from app.comms.channel import BusChannel, BusSettings, TraceRecord
    from app.comms.transport import CommError, open_url

    if args.timeout <= 0 or args.retries < 0:
        raise CliError("--timeout must be positive and --retries not negative")
    settings = BusSettings(baud=_baud_of(args), timeout_s=args.timeout, retries=args.retries)

    def trace(record: TraceRecord) -> None:
        print(f"{record.direction:<8} {record.hex}", file=sys.stderr)

    connect_timeout_s = args.connect_timeout or (60.0 if args.via.startswith("dtu:") else 10.0)

    async def main() -> T:
        try:
            transport = open_url(
                args.via,
                connect_timeout_s=connect_timeout_s,
                register_wait_s=connect_timeout_s,
            )
        except ValueError as exc:
            raise CliError(str(exc)) from None
        channel = BusChannel(
            transport, settings, bus_number=_bus_of(args), trace=trace if args.trace else None
        )
        try:
            return await op(channel)
        finally:
            await transport.close()
            server = getattr(transport, "server", None)
            if server is not None:
                await server.close()

    try:
        return asyncio.run(main())
    except CliError:
        raise
    except CommError as exc:
        from app.comms.meter_ops import ControlNotExecutedError

        code = EXIT_NOT_EXECUTED if isinstance(exc, ControlNotExecutedError) else EXIT_COMM
        raise CliError(str(exc), code=code) from None
    except ValueError as exc:  # bad address, bad password format ...
        raise CliError(str(exc)) from None


def meter_ref(args: argparse.Namespace) -> Any:
    from app.comms.meter_ops import DEFAULT_PROFILES, MeterRef, normalize_protocol

    try:
        protocol = normalize_protocol(args.protocol)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    meter_type = None
    if getattr(args, "meter_type", None):
        try:
            meter_type = int(args.meter_type, 16)
        except ValueError:
            raise CliError(f"--meter-type must be hex, e.g. 10: {args.meter_type!r}") from None
    try:
        return MeterRef(
            protocol,
            args.address,
            meter_type=meter_type,
            profile=args.profile or DEFAULT_PROFILES[protocol],
        )
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None


def print_result(obj: Any) -> None:
    from app.comms.protocols.base import jsonable

    print(json.dumps(jsonable(obj), ensure_ascii=False))


# -- handlers -----------------------------------------------------------------------------------


def _read(args: argparse.Namespace) -> int:
    from app.comms import meter_ops

    ref = meter_ref(args)

    async def op(channel: Any) -> dict[str, Any]:
        try:
            return await meter_ops.read(channel, ref, args.item)
        except meter_ops.UnsupportedOperationError as exc:
            raise CliError(str(exc)) from None

    values = run_on_bus(args, op)
    print_result(
        {"address": ref.address, "protocol": ref.protocol, "item": args.item, "values": values}
    )
    return 0


def _control(args: argparse.Namespace) -> int:
    from app.comms import meter_ops

    ref = meter_ref(args)

    async def op(channel: Any) -> meter_ops.ControlResult:
        try:
            return await meter_ops.control(
                channel, ref, args.action, password=args.password, operator=args.operator
            )
        except meter_ops.UnsupportedOperationError as exc:
            raise CliError(str(exc)) from None

    if args.operator:
        logging.getLogger(__name__).info(
            "meter control %s by operator %s", args.action, args.operator
        )
    result = run_on_bus(args, op)
    print_result(
        {
            "address": result.address,
            "action": result.action,
            "state": result.state,
            "confirmed": result.confirmed,
            "reads": result.attempts,
        }
    )
    return 0


def _time_sync(args: argparse.Namespace) -> int:
    import datetime as dt

    from app.comms import meter_ops

    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            raise CliError(f"--at must be 'YYYY-MM-DD HH:MM:SS', not {args.at!r}") from None

    async def op(channel: Any) -> dt.datetime:
        return await meter_ops.sync_time(channel, at)

    sent = run_on_bus(args, op)
    print_result({"broadcast_time": sent, "via": args.via})
    return 0


def _swap(args: argparse.Namespace) -> int:
    """``meter swap``: the whole swap in one transaction; prints the slip's data as JSON."""
    from pathlib import Path

    from app.cli.common import print_json, resolve_url
    from app.domain.meter_swap import parse_value
    from app.errors import ShuidianError
    from app.reports.output import atomic_write, check_writable
    from app.services import Services
    from app.services.context import Actor

    services = Services.for_url(resolve_url(args))
    slip_path = None
    try:
        if args.slip:
            slip_path = check_writable(Path(args.slip))
        slip = services.meter_swap.swap_typed(
            Actor.system("cli"),
            args.point,
            final=parse_value(args.final),
            new_address=args.new_address,
            initial=parse_value(args.initial),
            note=args.note,
        )
    except ShuidianError as exc:
        raise CliError(str(exc), code=1) from exc
    except OSError as exc:
        raise CliError(f"cannot write {args.slip}: {exc.strerror or exc}") from exc
    if slip_path is not None:
        atomic_write(slip_path, services.meter_swap.slip_pdf(slip))
    print_json(
        {
            "slip_no": slip.slip_no,
            "point": slip.point_code,
            "old_meter": {"id": slip.old_meter_id, "address": slip.old_address},
            "final": {k: str(v) for k, v in slip.final_values.items()},
            "new_meter": {"id": slip.new_meter_id, "address": slip.new_address},
            "initial": {k: str(v) for k, v in slip.initial_values.items()},
            "billed_fen": slip.billed_fen,
            "params_command": slip.params_command_id,
            "slip": None if slip_path is None else str(slip_path),
        }
    )
    return 0


def _swap_slip(args: argparse.Namespace) -> int:
    from pathlib import Path

    from app.cli.common import resolve_url
    from app.errors import ShuidianError
    from app.reports.output import atomic_write, check_writable
    from app.services import Services
    from app.services.context import Actor

    services = Services.for_url(resolve_url(args))
    try:
        target = check_writable(Path(args.out))
        slip = services.meter_swap.last_slip(Actor.system("cli"), args.point)
    except ShuidianError as exc:
        raise CliError(str(exc), code=1) from exc
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    atomic_write(target, services.meter_swap.slip_pdf(slip))
    print(f"swap slip {slip.slip_no} written to {target}")
    return 0
