"""The simulator as one object: a site's gateways and meters served from a background thread.

    with Simulator(build_demo_site(), baud=9600, speed=60) as sim:
        sim.meter("000000000001").faults.stuck_relay = True
        ...  # talk to tcp://127.0.0.1:<bus port> or let DTUs dial in

Every gateway of the site is served as its spec says: ``tcp`` gateways listen on one TCP port
per bus (``bus.port``), ``dtu`` gateways dial ``site.dtu_listen_port`` (one link per bus,
registration ``dtu_link_id(dtu_id, bus)``), ``serial`` gateways get a pty per bus (or the device
paths given). Meters start from the site's consumption curve at the current (simulated) time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import random
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from app.comms.simulator.bus import Responder, SimBus
from app.comms.simulator.faults import FaultPlan, GatewayFaults, MeterFaults
from app.comms.simulator.gateways import DtuGateway, SerialGateway, SimGateway, TcpGateway
from app.comms.simulator.meters import SimClock, SimMeter, meter_from_spec
from app.comms.simulator.responders import (
    respond_cjt188,
    respond_dlt645_1997,
    respond_dlt645_2007,
)
from app.comms.transport.tcp_server import DEFAULT_HEARTBEAT
from app.domain.demo_site import DemoSite

logger = logging.getLogger(__name__)

T = TypeVar("T")


def default_responders() -> dict[str, Responder]:
    responders: dict[str, Responder] = {
        "dlt645-2007": respond_dlt645_2007,
        "dlt645-1997": respond_dlt645_1997,
        "cjt188": respond_cjt188,
    }
    try:
        from app.comms.simulator.modbus_meter import respond_modbus
    except ImportError:  # pragma: no cover - the Modbus codec is optional for the simulator
        logger.warning("Modbus meters are not simulated (no Modbus codec)")
    else:
        responders["modbus"] = respond_modbus
    return responders


class Simulator:
    """Simulated gateways and meters of ``site``, running in their own thread and loop."""

    def __init__(
        self,
        site: DemoSite,
        *,
        host: str = "127.0.0.1",
        baud: int | None = None,
        turnaround_ms: float = 20.0,
        speed: float = 1.0,
        faults: str | FaultPlan | None = None,
        dtu_host: str = "127.0.0.1",
        dtu_port: int | None = None,
        heartbeat_s: float = 30.0,
        heartbeat: bytes = DEFAULT_HEARTBEAT,
        dtu_redial_s: float = 1.0,
        serial_devices: dict[tuple[str, int], str] | None = None,
        start_time: datetime | None = None,
        wake_up: bytes = b"\xfe\xfe\xfe\xfe",
        seed: int = 0,
    ) -> None:
        self.site = site
        self.host = host
        self.baud = baud
        self.turnaround_s = turnaround_ms / 1000
        self.clock = SimClock(speed, start_time)
        self.dtu_host = dtu_host
        self.dtu_port = dtu_port if dtu_port is not None else site.dtu_listen_port
        self.heartbeat_s = heartbeat_s
        self.heartbeat = heartbeat
        self.dtu_redial_s = dtu_redial_s
        self.serial_devices = dict(serial_devices or {})
        self.wake_up = wake_up
        self.rng = random.Random(seed)
        self.responders = default_responders()
        self.gateways: dict[str, SimGateway] = {}
        self.buses: dict[tuple[str, int], SimBus] = {}
        self._meters: dict[tuple[str, int, str], SimMeter] = {}
        self._by_address: dict[str, list[SimMeter]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._plan = faults if isinstance(faults, FaultPlan) else FaultPlan.parse(faults)
        self._build()
        self.apply_faults(self._plan)

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        specs_by_bus: dict[tuple[str, int], list[Any]] = {}
        for spec in self.site.meters:
            specs_by_bus.setdefault((spec.gateway_code, spec.bus_number), []).append(spec)
        for gw in self.site.gateways:
            gw_faults = GatewayFaults()
            buses: list[SimBus] = []
            for bus_spec in gw.buses:
                bus = SimBus(
                    gw.code,
                    bus_spec.number,
                    baud=self.baud or bus_spec.baud,
                    turnaround_s=self.turnaround_s,
                    gateway_faults=gw_faults,
                    responders=self.responders,
                    wake_up=self.wake_up,
                    rng=random.Random(f"{gw.code}/{bus_spec.number}/{self.rng.random()}"),
                )
                for spec in specs_by_bus.get((gw.code, bus_spec.number), []):
                    meter = meter_from_spec(spec, self.site, self.clock, faults=MeterFaults())
                    bus.add(meter)
                    self._meters[(gw.code, bus_spec.number, spec.address)] = meter
                    self._by_address.setdefault(spec.address, []).append(meter)
                buses.append(bus)
                self.buses[(gw.code, bus_spec.number)] = bus
            gateway: SimGateway
            if gw.transport == "dtu":
                gateway = DtuGateway(
                    gw.code,
                    buses,
                    gw_faults,
                    gw.dtu_id or gw.code,
                    self.dtu_host,
                    self.dtu_port,
                    heartbeat_s=self.heartbeat_s,
                    heartbeat=self.heartbeat,
                    redial_s=self.dtu_redial_s,
                )
            elif gw.transport == "serial":
                devices = {
                    n: path for (code, n), path in self.serial_devices.items() if code == gw.code
                }
                gateway = SerialGateway(gw.code, buses, gw_faults, devices)
            else:
                gateway = TcpGateway(
                    gw.code, buses, gw_faults, self.host, [b.port for b in gw.buses]
                )
            self.gateways[gw.code] = gateway

    # -- access ---------------------------------------------------------------------------

    @property
    def meters(self) -> list[SimMeter]:
        return list(self._meters.values())

    def meter(self, address: str, gateway_code: str | None = None) -> SimMeter:
        """The simulated meter with ``address`` (give the gateway when addresses repeat)."""
        found = self._by_address.get(address, [])
        if gateway_code is not None:
            found = [
                m for (gw, _n, a), m in self._meters.items() if a == address and gw == gateway_code
            ]
        if not found:
            raise KeyError(f"no simulated meter {address!r}")
        if len(found) > 1:
            raise KeyError(f"address {address!r} is on several gateways; name the gateway")
        return found[0]

    def gateway(self, code: str) -> SimGateway:
        return self.gateways[code]

    def describe(self) -> list[str]:
        """One line per gateway: how to reach it and how many meters it has."""
        return [gw.describe() for gw in self.gateways.values()]

    def serial_path(self, gateway_code: str, bus_number: int) -> str:
        gw = self.gateways[gateway_code]
        if not isinstance(gw, SerialGateway):
            raise KeyError(f"{gateway_code} is not a serial gateway")
        return gw.paths[bus_number]

    # -- faults ---------------------------------------------------------------------------

    def apply_faults(self, plan: str | FaultPlan) -> None:
        """Add the faults of a ``--faults`` text (see :mod:`.faults`)."""
        if isinstance(plan, str):
            plan = FaultPlan.parse(plan)
        changed_gateways: set[str] = set()
        for item in plan.items:
            where = f"{item.target_kind}:{item.target}"
            if item.target_kind == "gateway":
                gw = self.gateways.get(item.target)
                if gw is None:
                    raise KeyError(f"{where}: no such simulated gateway")
                gw.faults.apply(item.name, item.arg, where)
                changed_gateways.add(item.target)
            elif item.target_kind == "all":
                for meter in self._meters.values():
                    meter.faults.apply(item.name, item.arg, where)
            else:
                self.meter(item.target).faults.apply(item.name, item.arg, where)
        if self._loop is not None:
            for code in changed_gateways:
                self.run(self.gateways[code].apply_down())

    def clear_faults(self) -> None:
        for meter in self._meters.values():
            meter.faults.clear()
        for gw in self.gateways.values():
            was_down = gw.faults.down
            gw.faults.clear()
            if was_down and self._loop is not None:
                self.run(gw.apply_down())

    def set_gateway_down(self, code: str, down: bool = True) -> None:
        """Take a gateway off the network (stop listening / stop dialling) or back."""
        gw = self.gateways[code]
        gw.faults.down = down
        if self._loop is not None:
            self.run(gw.apply_down())

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> Simulator:
        if self._thread is not None:
            return self
        self._ready.clear()
        self._thread = threading.Thread(target=self._main, name="simulator", daemon=True)
        self._thread.start()
        self._ready.wait(60)
        if self._start_error is not None:
            self._thread.join(5)
            self._thread = None
            raise self._start_error
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start_all())
        except BaseException as exc:
            self._start_error = exc
            with contextlib.suppress(Exception):
                loop.run_until_complete(self._stop_all())
            loop.close()
            self._ready.set()
            return
        self._loop = loop
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(self._stop_all())
            loop.close()

    async def _start_all(self) -> None:
        for gw in self.gateways.values():
            await gw.start()

    async def _stop_all(self) -> None:
        for gw in self.gateways.values():
            with contextlib.suppress(Exception):
                await gw.stop()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        self._loop = None
        self._thread = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def run(self, coro: Coroutine[Any, Any, T], timeout_s: float = 30.0) -> T:
        """Run ``coro`` on the simulator's loop and wait for it."""
        if self._loop is None:
            raise RuntimeError("the simulator is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout_s)

    def call(self, fn: Callable[[], T], timeout_s: float = 30.0) -> T:
        """Run ``fn`` on the simulator's thread (safe mutation of meter state)."""
        if self._loop is None:
            return fn()
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()

        def runner() -> None:
            try:
                fut.set_result(fn())
            except BaseException as exc:
                fut.set_exception(exc)

        self._loop.call_soon_threadsafe(runner)
        return fut.result(timeout_s)
