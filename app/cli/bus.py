"""``bus scan``: find the meter addresses on one RS485 bus.

    main.py bus scan --via tcp://10.0.0.5:8001                      (one DL/T 645 meter: 0x13)
    main.py bus scan --via tcp://10.0.0.5:8002 --protocol cjt188    (one water meter: 0x03)
    main.py bus scan --via tcp://10.0.0.5:8001 --range 000000000001-000000000040
    main.py bus scan --via "serial:///dev/ttyUSB0?baud=9600&parity=N" --protocol modbus \\
        --range 1-10

Without ``--range`` the read-address command goes to the AA wildcard, which works when one
meter is on the bus (new-meter installation, meter swap); with several meters they answer at
once and collide, so give a range to probe (one short read per address).
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import CliError
from app.cli.meter import add_via_options, print_result, run_on_bus


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("bus", help="RS485 bus tools (address scan)")
    bus_sub = parser.add_subparsers(dest="bus_command", metavar="ACTION", required=True)
    scan = bus_sub.add_parser("scan", help="find meter addresses on a bus (JSON)")
    add_via_options(scan)
    scan.add_argument("--protocol", default="dlt645-2007")
    scan.add_argument(
        "--range",
        default=None,
        metavar="A-B[,C]",
        help="addresses to probe, e.g. 000000000001-000000000040 or 1-10",
    )
    scan.add_argument("--profile", default=None, help="meter profile id (Modbus register map)")
    scan.set_defaults(func=_scan, timeout=None)


def _scan(args: argparse.Namespace) -> int:
    from app.comms import meter_ops

    try:
        protocol = meter_ops.normalize_protocol(args.protocol)
        candidates = meter_ops.parse_range(args.range, protocol) if args.range else None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.timeout is None:
        # Probing: a present meter answers within a few hundred ms; keep a scan short.
        args.timeout = 0.5 if candidates else 2.0
    try:
        profile = meter_ops.resolve_profile(args.profile or meter_ops.DEFAULT_PROFILES[protocol])
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None

    async def op(channel: Any) -> list[str]:
        try:
            return await meter_ops.scan(
                channel,
                protocol,
                candidates=candidates,
                timeout_s=args.timeout,
                profile=profile,
            )
        except meter_ops.UnsupportedOperationError as exc:
            raise CliError(str(exc)) from None

    found = run_on_bus(args, op)
    print_result({"via": args.via, "protocol": protocol, "addresses": found})
    return 0
