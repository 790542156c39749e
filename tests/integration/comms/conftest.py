"""Fixtures for end-to-end comms tests: small simulated sites on real loopback sockets."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.comms.channel import BusSettings
from app.comms.engine import CommsEngine, GatewayConfig, LineConfig
from app.comms.simulator import Simulator
from app.comms.simulator.site_file import site_from_dict
from app.comms.transport import dtu_link_id
from app.domain.demo_site import DemoSite

# Every future in these tests is awaited with this bound: a hang fails, it never blocks CI.
WAIT_S = 30.0
FAST_BAUD = 115200


def free_port_block(n: int) -> int:
    """A base port with ``n`` consecutive free ports, below the ephemeral range."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(26000, 32000 - n)
        socks = []
        try:
            for port in range(base, base + n):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(s)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port block")


def small_site(base: int, *, dtu: bool = False) -> DemoSite:
    """GW1 (tcp): bus 1 = every electricity protocol, bus 2 = two water meters.
    GW2 (dtu, optional): one 2007 meter on bus 1, one water meter on bus 2."""
    gateways: list[dict[str, Any]] = [
        {
            "code": "GW1",
            "transport": "tcp",
            "buses": [{"number": 1, "port": base}, {"number": 2, "port": base + 1}],
        }
    ]
    meters: list[dict[str, Any]] = [
        {
            "protocol": "dlt645-2007",
            "address": "000000000001",
            "gateway_code": "GW1",
            "profile": "dlt645-2007-single-phase",
            "base_load_w": 800,
        },
        {
            "protocol": "dlt645-2007",
            "address": "000000000002",
            "gateway_code": "GW1",
            "kind": "three_phase",
            "tou": True,
            "profile": "dlt645-2007-three-phase-tou",
            "base_load_w": 3000,
        },
        {
            "protocol": "dlt645-1997",
            "address": "000000000003",
            "gateway_code": "GW1",
            "profile": "dlt645-1997-single-phase",
            "has_relay": False,
            "base_load_w": 400,
        },
        {
            "protocol": "modbus",
            "address": "5",
            "gateway_code": "GW1",
            "kind": "three_phase",
            "profile": "modbus-three-phase",
            "base_load_w": 5000,
        },
        {
            "protocol": "cjt188",
            "address": "00000000000011",
            "gateway_code": "GW1",
            "bus_number": 2,
            "profile": "cjt188-cold-water",
            "has_relay": True,
            "base_load_w": 30,
        },
        {
            "protocol": "cjt188",
            "address": "00000000000012",
            "gateway_code": "GW1",
            "bus_number": 2,
            "profile": "cjt188-cold-water",
            "has_relay": False,
            "base_load_w": 20,
        },
    ]
    if dtu:
        gateways.append(
            {
                "code": "GW2",
                "transport": "dtu",
                "dtu_id": "DTU00002",
                "buses": [{"number": 1, "port": 0}, {"number": 2, "port": 0}],
            }
        )
        meters += [
            {
                "protocol": "dlt645-2007",
                "address": "000000000021",
                "gateway_code": "GW2",
                "profile": "dlt645-2007-single-phase",
            },
            {
                "protocol": "cjt188",
                "address": "00000000000022",
                "gateway_code": "GW2",
                "bus_number": 2,
                "profile": "cjt188-cold-water",
            },
        ]
    return site_from_dict(
        {"gateways": gateways, "meters": meters, "dtu_listen_port": base + 2}, "test site"
    )


def engine_configs(site: DemoSite, settings: BusSettings) -> list[GatewayConfig]:
    configs = []
    for gw in site.gateways:
        lines = []
        for bus in gw.buses:
            if gw.transport == "dtu":
                assert gw.dtu_id is not None
                url = f"dtu://{site.dtu_listen_port}/{dtu_link_id(gw.dtu_id, bus.number)}"
            else:
                url = f"tcp://127.0.0.1:{bus.port}"
            lines.append(LineConfig(bus.number, url, settings))
        configs.append(GatewayConfig(gw.code, tuple(lines)))
    return configs


FAST = BusSettings(baud=FAST_BAUD, timeout_s=0.5, retries=2)


@pytest.fixture
def site() -> DemoSite:
    return small_site(free_port_block(3), dtu=True)


@pytest.fixture
def sim(site: DemoSite) -> Iterator[Simulator]:
    with Simulator(
        site, baud=FAST_BAUD, turnaround_ms=1, heartbeat_s=0.5, dtu_redial_s=0.1
    ) as simulator:
        yield simulator


@pytest.fixture
def engine(site: DemoSite, sim: Simulator) -> Iterator[CommsEngine]:
    eng = CommsEngine(dtu_host="127.0.0.1")
    eng.start()
    eng.configure(engine_configs(site, FAST))
    eng.submit(eng.start_dtu_servers()).result(WAIT_S)
    links = [
        dtu_link_id(gw.dtu_id, bus.number) for gw in site.gateways if gw.dtu_id for bus in gw.buses
    ]
    wait_for(lambda: all(dtu_registered(eng, site, link) for link in links))
    try:
        yield eng
    finally:
        eng.stop()


def wait_for(predicate: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    """Poll ``predicate`` (bounded); fail the test if it never holds."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def dtu_registered(engine: CommsEngine, site: DemoSite, link_id: str) -> bool:
    return link_id in engine.registered_dtu_links(site.dtu_listen_port)
