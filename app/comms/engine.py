"""The comms engine: one asyncio loop in a dedicated thread driving every gateway and bus.

Any thread hands work in with :meth:`CommsEngine.submit` and gets a
:class:`concurrent.futures.Future` back:

* a coroutine runs on the engine's loop as is (e.g. a DTU server wait, a site-wide broadcast);
* a :class:`BusJob` is queued on its bus. Every bus has a priority queue and one worker task, so
  a bus has exactly one job in flight (the job holds the bus for all its exchanges: a trip and
  its read-back are not interleaved with reads) while all buses of all gateways run in parallel.
  Control commands (:attr:`Priority.CONTROL`) jump ahead of queued reads.

The engine tracks line and meter health and publishes :mod:`app.comms.events`: gateway online /
offline, meter online / offline after ``offline_after`` failed jobs in a row, one
:class:`CommErrorEvent` per failed job, DTU registrations.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from app.comms.channel import BusChannel, BusSettings, MeterCommError, TraceHook
from app.comms.events import (
    CommErrorEvent,
    DtuRegistered,
    EventBus,
    GatewayOffline,
    GatewayOnline,
    MeterOffline,
    MeterOnline,
)
from app.comms.transport import open_url, parse_dtu_url
from app.comms.transport.base import BufferedTransport, CommError, TransportError
from app.comms.transport.tcp_server import DtuServer, RegistrationFormat

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Priority(enum.IntEnum):
    """Lower runs first."""

    CONTROL = 0  # trip / close / valve: CTL-4 "control commands run before routine reads"
    COMMAND = 10  # time sync, parameter download, read-now
    READ = 20  # scheduled reads
    SCAN = 30  # address scans and other bulk maintenance


class EngineError(CommError):
    """Misuse of the engine (unknown gateway/bus, engine stopped)."""


@dataclass(frozen=True)
class LineConfig:
    """One RS485 bus of a gateway and how to reach it."""

    number: int
    url: str  # tcp://host:port | dtu://port/id[?bus=n] | serial:///dev/ttyUSB0?baud=2400 ...
    settings: BusSettings = field(default_factory=BusSettings)


@dataclass(frozen=True)
class GatewayConfig:
    code: str
    buses: tuple[LineConfig, ...]


@dataclass
class BusJob(Generic[T]):
    """Work for one bus: ``run(channel)`` holds the bus until it returns."""

    gateway_code: str
    bus_number: int
    run: Callable[[BusChannel], Awaitable[T]]
    priority: int = Priority.READ
    address: str = ""  # the meter concerned (for online tracking); "" = none / broadcast
    label: str = ""  # what the job does, for messages and events


@dataclass
class _Line:
    gateway_code: str
    config: LineConfig
    channel: BusChannel
    queue: asyncio.PriorityQueue[tuple[int, int, BusJob[Any], concurrent.futures.Future[Any]]]
    worker: asyncio.Task[None] | None = None
    online: bool | None = None


class CommsEngine:
    """Owns the comms thread, its loop, the transports, the bus workers and the events."""

    def __init__(
        self,
        *,
        events: EventBus | None = None,
        offline_after: int = 3,
        trace: TraceHook | None = None,
        dtu_host: str = "0.0.0.0",
        dtu_registration: RegistrationFormat | None = None,
        connect_timeout_s: float = 5.0,
        name: str = "comms",
    ) -> None:
        self.events = events or EventBus()
        self.offline_after = offline_after
        self.trace = trace
        self.dtu_host = dtu_host
        self.dtu_registration = dtu_registration or RegistrationFormat()
        self.connect_timeout_s = connect_timeout_s
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._gateways: dict[str, GatewayConfig] = {}
        self._lines: dict[tuple[str, int], _Line] = {}
        self._channels: dict[str, BusChannel] = {}  # by URL: buses sharing a port share a channel
        self._dtu_servers: dict[int, DtuServer] = {}
        self._meter_failures: dict[tuple[str, int, str], int] = {}
        self._meter_online: dict[tuple[str, int, str], bool] = {}
        self._seq = itertools.count()
        self._stopping = False

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise EngineError("the comms engine is not running")
        return self._loop

    @property
    def running(self) -> bool:
        return self._loop is not None and self._thread is not None and self._thread.is_alive()

    def start(self) -> CommsEngine:
        if self.running:
            return self
        self._stopping = False
        self._started.clear()
        self._thread = threading.Thread(target=self._run_loop, name=self.name, daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise EngineError("the comms thread did not start")
        return self

    def _run_loop(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        loop.call_soon(self._started.set)
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Cancel queued jobs, close every line and DTU server, end the thread."""
        loop = self._loop
        if loop is None or not self.running:
            return
        self._stopping = True
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        with contextlib.suppress(Exception):
            fut.result(timeout_s)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout_s)
        self._loop = None
        self._thread = None

    async def _shutdown(self) -> None:
        for line in list(self._lines.values()):
            await self._drop_line(line, "engine stopped")
        self._lines.clear()
        for channel in list(self._channels.values()):
            with contextlib.suppress(Exception):
                await channel.transport.close()
        self._channels.clear()
        for server in list(self._dtu_servers.values()):
            with contextlib.suppress(Exception):
                await server.close()
        self._dtu_servers.clear()

    def __enter__(self) -> CommsEngine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- submitting work ------------------------------------------------------------------

    def submit(self, item: Coroutine[Any, Any, T] | BusJob[T]) -> concurrent.futures.Future[T]:
        """Run a coroutine on the engine loop, or queue a bus job; usable from any thread."""
        loop = self.loop
        if isinstance(item, BusJob):
            fut: concurrent.futures.Future[T] = concurrent.futures.Future()
            loop.call_soon_threadsafe(self._enqueue, item, fut)
            return fut
        if asyncio.iscoroutine(item):
            return asyncio.run_coroutine_threadsafe(item, loop)
        raise TypeError(f"submit() takes a coroutine or a BusJob, not {type(item).__name__}")

    def call(
        self,
        gateway_code: str,
        bus_number: int,
        run: Callable[[BusChannel], Awaitable[T]],
        *,
        priority: int = Priority.READ,
        address: str = "",
        label: str = "",
    ) -> concurrent.futures.Future[T]:
        """Shorthand for ``submit(BusJob(...))``."""
        return self.submit(BusJob(gateway_code, bus_number, run, priority, address, label))

    async def run_job(self, job: BusJob[T]) -> T:
        """Queue ``job`` from code already running on the engine loop and await its result."""
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._enqueue(job, fut)
        return await asyncio.wrap_future(fut)

    def _enqueue(self, job: BusJob[Any], fut: concurrent.futures.Future[Any]) -> None:
        line = self._lines.get((job.gateway_code, job.bus_number))
        if line is None:
            if not fut.cancelled():
                fut.set_exception(
                    EngineError(f"unknown bus {job.bus_number} of gateway {job.gateway_code!r}")
                )
            return
        if self._stopping:
            fut.cancel()
            return
        line.queue.put_nowait((int(job.priority), next(self._seq), job, fut))

    # -- configuration --------------------------------------------------------------------

    def configure(self, gateways: list[GatewayConfig]) -> None:
        """Add or replace gateways (blocking until applied)."""
        self.submit(self._configure(gateways)).result(30)

    def remove_gateway(self, code: str) -> None:
        self.submit(self._remove(code)).result(30)

    async def _configure(self, gateways: list[GatewayConfig]) -> None:
        for gw in gateways:
            if gw.code in self._gateways:
                await self._remove(gw.code)
            self._gateways[gw.code] = gw
            for bus in gw.buses:
                channel = self._channels.get(bus.url)
                if channel is None:
                    transport = self._make_transport(bus.url)
                    channel = BusChannel(
                        transport,
                        bus.settings,
                        gateway_code=gw.code,
                        bus_number=bus.number,
                        trace=self.trace,
                    )
                    self._channels[bus.url] = channel
                line = _Line(gw.code, bus, channel, asyncio.PriorityQueue())
                line.worker = asyncio.get_running_loop().create_task(
                    self._worker(line), name=f"bus {gw.code}/{bus.number}"
                )
                self._lines[(gw.code, bus.number)] = line

    async def _remove(self, code: str) -> None:
        gw = self._gateways.pop(code, None)
        if gw is None:
            return
        for bus in gw.buses:
            line = self._lines.pop((code, bus.number), None)
            if line is not None:
                await self._drop_line(line, f"gateway {code} removed")
            if not any(ln.config.url == bus.url for ln in self._lines.values()):
                channel = self._channels.pop(bus.url, None)
                if channel is not None:
                    await channel.transport.close()

    async def _drop_line(self, line: _Line, reason: str) -> None:
        if line.worker is not None:
            line.worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await line.worker
        while not line.queue.empty():
            *_, fut = line.queue.get_nowait()
            if not fut.done():
                fut.set_exception(EngineError(f"job cancelled: {reason}"))

    def _make_transport(self, url: str) -> BufferedTransport:
        # a DTU link not registered yet is waited for as long as a TCP connect would be
        return open_url(
            url,
            dtu_server=self._dtu_server,
            connect_timeout_s=self.connect_timeout_s,
            register_wait_s=self.connect_timeout_s,
        )

    def _dtu_server(self, host: str, port: int) -> DtuServer:
        server = self._dtu_servers.get(port)
        if server is None:
            server = DtuServer(port, self.dtu_host, registration=self.dtu_registration)
            server.add_listener(partial(self._on_dtu, port))
            self._dtu_servers[port] = server
        return server

    async def listen_dtu(self, port: int) -> DtuServer:
        """Start (idempotent) the DTU listening server on ``port``."""
        server = self._dtu_server(self.dtu_host, port)
        await server.start()
        return server

    async def start_dtu_servers(self) -> None:
        """Listen on every DTU port the configured gateways use."""
        for url in list(self._channels):
            if url.startswith("dtu://"):
                _host, port, _link = parse_dtu_url(url)
                await self.listen_dtu(port)

    def registered_dtu_links(self, port: int) -> list[str]:
        """Link ids currently registered on the DTU listening ``port``."""
        server = self._dtu_servers.get(port)
        return sorted(server.registered) if server is not None else []

    def _on_dtu(self, port: int, link_id: str, connected: bool, peer: str) -> None:
        self.events.publish(DtuRegistered(link_id, port, peer, connected))
        for line in self._lines.values():
            url = line.config.url
            if not url.startswith("dtu://"):
                continue
            _h, p, lid = parse_dtu_url(url)
            if p == port and lid == link_id:
                if connected:
                    self._set_line_online(line)
                else:
                    self._set_line_offline(line, f"DTU {link_id} disconnected")

    # -- inspection (engine thread or after configure) ------------------------------------

    def channel(self, gateway_code: str, bus_number: int) -> BusChannel:
        line = self._lines.get((gateway_code, bus_number))
        if line is None:
            raise EngineError(f"unknown bus {bus_number} of gateway {gateway_code!r}")
        return line.channel

    @property
    def channels(self) -> dict[tuple[str, int], BusChannel]:
        return {key: line.channel for key, line in self._lines.items()}

    def queue_depth(self, gateway_code: str, bus_number: int) -> int:
        line = self._lines.get((gateway_code, bus_number))
        return 0 if line is None else line.queue.qsize()

    def meter_online(self, gateway_code: str, bus_number: int, address: str) -> bool | None:
        return self._meter_online.get((gateway_code, bus_number, address))

    # -- the bus worker -------------------------------------------------------------------

    async def _worker(self, line: _Line) -> None:
        while True:
            _prio, _seq, job, fut = await line.queue.get()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                async with line.channel.reserved():
                    result = await job.run(line.channel)
            except asyncio.CancelledError:
                if not fut.done():
                    fut.set_exception(EngineError("job cancelled: engine stopped"))
                raise
            except BaseException as exc:
                self._after_failure(line, job, exc)
                if not fut.done():
                    fut.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                self._after_success(line, job)
                if not fut.done():
                    fut.set_result(result)

    def _after_success(self, line: _Line, job: BusJob[Any]) -> None:
        self._set_line_online(line)
        if not job.address:
            return
        key = (line.gateway_code, job.bus_number, job.address)
        self._meter_failures[key] = 0
        if self._meter_online.get(key) is not True:
            self._meter_online[key] = True
            self.events.publish(MeterOnline(line.gateway_code, job.bus_number, job.address))

    def _after_failure(self, line: _Line, job: BusJob[Any], exc: BaseException) -> None:
        if isinstance(exc, TransportError):
            self._set_line_offline(line, str(exc))
        elif isinstance(exc, MeterCommError):
            self._set_line_online(line)  # the line carried the request; the meter was silent
        self.events.publish(
            CommErrorEvent(
                line.gateway_code,
                job.bus_number,
                job.address,
                job.label,
                type(exc).__name__,
                str(exc),
            )
        )
        if not job.address or not isinstance(exc, CommError):
            return
        key = (line.gateway_code, job.bus_number, job.address)
        failures = self._meter_failures.get(key, 0) + 1
        self._meter_failures[key] = failures
        if failures >= self.offline_after and self._meter_online.get(key) is not False:
            self._meter_online[key] = False
            self.events.publish(
                MeterOffline(line.gateway_code, job.bus_number, job.address, failures, str(exc))
            )

    def _gateway_lines(self, code: str) -> list[_Line]:
        return [ln for (gw, _n), ln in self._lines.items() if gw == code]

    def _set_line_online(self, line: _Line) -> None:
        if line.online is True:
            return
        was_online = any(ln.online for ln in self._gateway_lines(line.gateway_code))
        line.online = True
        if not was_online:
            self.events.publish(
                GatewayOnline(line.gateway_code, line.config.number, line.config.url)
            )

    def _set_line_offline(self, line: _Line, reason: str) -> None:
        if line.online is False:
            return
        line.online = False
        if not any(ln.online for ln in self._gateway_lines(line.gateway_code)):
            self.events.publish(
                GatewayOffline(line.gateway_code, line.config.number, line.config.url, reason)
            )


def run_blocking(engine: CommsEngine, coro: Coroutine[Any, Any, T], timeout_s: float) -> T:
    """Run ``coro`` on the engine and wait (for the CLI and tests)."""
    return engine.submit(coro).result(timeout_s)
