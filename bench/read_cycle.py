"""Read-cycle bench: one read of every meter's main register through the comms engine.

The site runs on the simulator in a separate process (as a real site runs on separate
hardware), with wire timing at the bus baud (11 bits per byte) plus the meter turnaround. The
engine reads every meter once, all buses in parallel. Printed: the measured wall time, the
physical bound (the busiest bus's total wire time of the actual request and response bytes plus
one turnaround per exchange) and their ratio; the last line holds ``ratio`` and the number.

    .venv/bin/python bench/read_cycle.py             # demo site: 61 gateways, 1,283 meters
    .venv/bin/python bench/read_cycle.py --campus    # 300 gateways, 20,000 meters
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.comms import meter_ops
from app.comms.channel import BusSettings, wire_time_s
from app.comms.engine import CommsEngine, GatewayConfig, LineConfig
from app.comms.transport import dtu_link_id
from app.domain.demo_site import (
    BusSpec,
    DemoSite,
    GatewaySpec,
    MeterSpec,
    build_demo_site,
)


def build_campus_site(base_port: int, gateways: int = 300, meters: int = 20_000) -> DemoSite:
    """A synthetic campus: ``gateways`` x 2 buses, electricity on bus 1, water on bus 2."""
    demo = build_demo_site()
    gws: list[GatewaySpec] = []
    for g in range(gateways):
        dtu = g >= gateways - 10  # the last ten dial in over 4G
        gws.append(
            GatewaySpec(
                code=f"CG{g + 1:04d}",
                name=f"campus gateway {g + 1}",
                location="campus",
                transport="dtu" if dtu else "tcp",
                host="127.0.0.1",
                buses=tuple(BusSpec(bus, 2400, "E", base_port + g * 2 + bus - 1) for bus in (1, 2)),
                dtu_id=f"CDTU{g + 1:05d}" if dtu else None,
            )
        )
    specs: list[MeterSpec] = []
    half = meters // 2
    for i in range(meters):
        serial = i + 1
        water = i >= half
        idx = i - half if water else i
        gw = gws[idx * gateways // half]
        if water:
            specs.append(
                MeterSpec(
                    serial,
                    "water",
                    "cjt188",
                    "cjt188-water",
                    f"{serial:014d}",
                    0x10,
                    gw.code,
                    2,
                    None,
                    False,
                    1,
                    False,
                    False,
                    20,
                    serial % 24,
                )
            )
        else:
            proto = "dlt645-1997" if serial % 15 == 0 else "dlt645-2007"
            three = serial % 4 == 0
            specs.append(
                MeterSpec(
                    serial,
                    "three_phase" if three else "single_phase",
                    proto,
                    "dlt645-2007-3p" if three else "dlt645-2007-1p",
                    f"{serial:012d}",
                    None,
                    gw.code,
                    1,
                    None,
                    three and serial % 3 == 0,
                    1,
                    True,
                    False,
                    2000 if three else 500,
                    serial % 24,
                )
            )
    return DemoSite(
        seed=0,
        base_port=base_port,
        site_name="campus",
        buildings=demo.buildings,
        rooms=(),
        gateways=tuple(gws),
        meters=tuple(specs),
        dtu_listen_port=base_port + 1000,
    )


def make_site(campus: bool, base_port: int) -> DemoSite:
    return build_campus_site(base_port) if campus else build_demo_site(base_port=base_port)


def _serve(campus: bool, base_port: int, turnaround_ms: float, ready: Any, stop: Any) -> None:
    from app.comms.simulator import Simulator

    site = make_site(campus, base_port)
    with Simulator(site, turnaround_ms=turnaround_ms, heartbeat_s=60):
        ready.set()
        stop.wait()


def main_register_op(meter: MeterSpec) -> Callable[[Any], Any]:
    ref = meter_ops.MeterRef.from_spec(meter)

    async def op(channel: Any) -> Any:
        return await meter_ops.read_energy(channel, ref)

    return op


def run(campus: bool, base_port: int, turnaround_ms: float, timeout_s: float) -> float:
    site = make_site(campus, base_port)
    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_serve, args=(campus, base_port, turnaround_ms, ready, stop))
    proc.start()
    try:
        deadline = time.monotonic() + 120
        while not ready.wait(0.2):
            if not proc.is_alive() or time.monotonic() > deadline:
                raise SystemExit("simulator did not start (ports in use?)")
        return _cycle(site, turnaround_ms, timeout_s)
    finally:
        stop.set()
        proc.join(30)
        if proc.is_alive():
            proc.terminate()


def _cycle(site: DemoSite, turnaround_ms: float, timeout_s: float) -> float:
    engine = CommsEngine(dtu_host="127.0.0.1")
    engine.start()
    try:
        configs = []
        bauds: dict[tuple[str, int], int] = {}
        for gw in site.gateways:
            lines = []
            for bus in gw.buses:
                if gw.transport == "dtu":
                    assert gw.dtu_id is not None
                    url = f"dtu://{site.dtu_listen_port}/{dtu_link_id(gw.dtu_id, bus.number)}"
                else:
                    url = f"tcp://{gw.host}:{bus.port}"
                settings = BusSettings(baud=bus.baud, timeout_s=timeout_s, retries=2)
                lines.append(LineConfig(bus.number, url, settings))
                bauds[(gw.code, bus.number)] = bus.baud
            configs.append(GatewayConfig(gw.code, tuple(lines)))
        engine.configure(configs)
        engine.submit(engine.start_dtu_servers()).result(10)
        n_dtu_links = sum(len(g.buses) for g in site.gateways if g.transport == "dtu")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(engine.registered_dtu_links(site.dtu_listen_port)) >= n_dtu_links:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("DTUs did not register")
        for channel in engine.channels.values():
            channel.stats.keep_frames = True

        t0 = time.perf_counter()
        futures = [
            engine.call(m.gateway_code, m.bus_number, main_register_op(m), address=m.address)
            for m in site.meters
        ]
        failures = 0
        for fut in futures:
            try:
                fut.result(600)
            except Exception as exc:
                failures += 1
                if failures <= 5:
                    print(f"  failed: {exc}")
        wall_s = time.perf_counter() - t0

        turnaround_s = turnaround_ms / 1000
        bound_s = 0.0
        busiest = ""
        exchanges = 0
        for key, channel in engine.channels.items():
            baud = bauds[key]
            frames = channel.stats.frames
            exchanges += len(frames)
            bus_s = sum(wire_time_s(tx + rx, baud) + turnaround_s for tx, rx in frames)
            if bus_s > bound_s:
                bound_s, busiest = bus_s, f"{key[0]} bus {key[1]} ({len(frames)} exchanges)"
    finally:
        engine.stop()

    meters = len(site.meters)
    print(
        f"site: {len(site.gateways)} gateways, {meters} meters, {exchanges} answered reads, "
        f"{failures} failed"
    )
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(f"measured wall time: {wall_s:.3f} s")
    print(f"physical bound: {bound_s:.3f} s (busiest bus {busiest})")
    ratio = wall_s / bound_s if bound_s else float("inf")
    print(f"ratio {ratio:.3f}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--campus", action="store_true", help="300 gateways, 20,000 meters")
    parser.add_argument("--base-port", type=int, default=None)
    parser.add_argument("--turnaround-ms", type=float, default=20.0)
    parser.add_argument("--timeout", type=float, default=1.0, help="response timeout, s")
    args = parser.parse_args(argv)
    # Below the Linux ephemeral range (32768-60999), so client sockets never hold these ports.
    base_port = args.base_port or (24000 if args.campus else 22000)
    run(args.campus, base_port, args.turnaround_ms, args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
