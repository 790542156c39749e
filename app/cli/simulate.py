"""``simulate``: serve the demo site's (or a site file's) gateways and meters until Ctrl-C.

    main.py simulate                                  # demo site on ports 20000.., DTUs -> 21000
    main.py simulate --base-port 30000 --speed 60     # one simulated minute per second
    main.py simulate --faults "meter:000000000005=stuck_relay;gateway:GW003=down"
    main.py simulate --site bench.toml --baud 9600

Prints one line per gateway (how to reach it), then serves until interrupted; Ctrl-C (or
SIGTERM) stops cleanly. The fault syntax is in docs/COMMS.md.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from app.cli import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("simulate", help="run simulated gateways and meters (demo, tests)")
    parser.add_argument("--site", default="demo", help="demo (default) or a TOML/JSON site file")
    parser.add_argument("--base-port", type=int, default=None, help="demo site base TCP port")
    parser.add_argument("--seed", type=int, default=None, help="demo site seed")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--dtu-host", default="127.0.0.1", help="where DTU gateways dial in")
    parser.add_argument("--dtu-port", type=int, default=None, help="override the DTU port")
    parser.add_argument(
        "--baud", type=int, default=None, help="override every bus's baud rate (wire timing)"
    )
    parser.add_argument("--turnaround-ms", type=float, default=20.0, help="meter turnaround")
    parser.add_argument("--faults", default=None, metavar="SPEC", help="faults to inject")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated time per wall time (default 1)"
    )
    parser.add_argument("--heartbeat", type=float, default=30.0, help="DTU heartbeat period, s")
    parser.add_argument(
        "--duration", type=float, default=None, help="stop after this many seconds (scripts)"
    )
    parser.set_defaults(func=_simulate)


def _load_site(args: argparse.Namespace) -> Any:
    from app.domain.demo_site import DEFAULT_BASE_PORT, DEFAULT_SEED, build_demo_site

    if args.site == "demo":
        return build_demo_site(
            args.seed if args.seed is not None else DEFAULT_SEED,
            args.base_port if args.base_port is not None else DEFAULT_BASE_PORT,
        )
    from app.comms.simulator.site_file import SiteFileError, load_site_file

    try:
        return load_site_file(args.site)
    except SiteFileError as exc:
        raise CliError(str(exc)) from None


def _simulate(args: argparse.Namespace) -> int:
    from app.comms.simulator import FaultSpecError, Simulator

    if args.speed <= 0:
        raise CliError("--speed must be positive")
    if args.baud is not None and not 300 <= args.baud <= 4_000_000:
        raise CliError("--baud must be 300..4000000")
    site = _load_site(args)
    try:
        sim = Simulator(
            site,
            host=args.host,
            baud=args.baud,
            turnaround_ms=args.turnaround_ms,
            speed=args.speed,
            faults=args.faults,
            dtu_host=args.dtu_host,
            dtu_port=args.dtu_port,
            heartbeat_s=args.heartbeat,
        )
    except (FaultSpecError, KeyError) as exc:
        raise CliError(f"--faults: {exc}") from None
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        try:
            sim.start()
        except OSError as exc:
            raise CliError(f"cannot start the simulator: {exc}") from None
        for line in sim.describe():
            print(line)
        print(
            f"simulating {len(site.gateways)} gateways, {len(site.meters)} meters "
            f"(speed x{args.speed:g}); Ctrl-C to stop",
            flush=True,
        )
        try:
            stop.wait(args.duration)
        except KeyboardInterrupt:
            pass
    finally:
        sim.stop()
        signal.signal(signal.SIGTERM, previous)
    print("simulator stopped", file=sys.stderr)
    return 0
