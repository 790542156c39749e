"""Simulated gateways: transparent TCP serial servers, 4G DTUs that dial in, serial ptys.

* :class:`TcpGateway` listens on one TCP port per bus (a transparent serial server).
* :class:`DtuGateway` dials the app's listening port once per bus, sends its registration
  packet (``dtu_link_id(dtu_id, bus)``), sends heartbeats while idle, and re-dials with backoff
  when the connection drops or is refused.
* :class:`SerialGateway` serves a bus on a pseudo-terminal it creates (``os.openpty``; the
  client opens :attr:`SerialGateway.paths`) or on a device path opened with pyserial (one end
  of a ``socat`` pty pair, a USB-RS485 adapter).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
from functools import partial

from app.comms.simulator.bus import LineEndpoint, Link, SimBus
from app.comms.simulator.faults import GatewayFaults
from app.comms.transport.tcp_server import DEFAULT_HEARTBEAT, dtu_link_id

logger = logging.getLogger(__name__)


class _TransportLink(Link):
    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport

    def write(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        self.transport.close()

    @property
    def closed(self) -> bool:
        return self.transport.is_closing()


class _BusProtocol(asyncio.Protocol):
    """One TCP connection carrying one bus's traffic."""

    def __init__(self, gateway: SimGateway, bus: SimBus) -> None:
        self.gateway = gateway
        self.bus = bus
        self.endpoint: LineEndpoint | None = None
        self.transport: asyncio.Transport | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.endpoint = LineEndpoint(self.bus, _TransportLink(transport), self.gateway.on_request)
        self.gateway.connections.add(self)

    def data_received(self, data: bytes) -> None:
        if self.endpoint is not None and not self.gateway.faults.down:
            self.endpoint.feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.gateway.connections.discard(self)
        if self.endpoint is not None:
            self.endpoint.cancel()
        if not self.lost.done():
            self.lost.set_result(None)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class SimGateway:
    """Base: a gateway code, its buses and its faults."""

    def __init__(self, code: str, buses: list[SimBus], faults: GatewayFaults) -> None:
        self.code = code
        self.buses = buses
        self.faults = faults
        self.connections: set[_BusProtocol] = set()
        self.rng = random.Random(code)

    def on_request(self) -> bool:
        """Called per request; False makes the gateway drop that connection."""
        trigger = self.faults.disconnect
        return not (trigger is not None and trigger.fire(self.rng))

    def drop_connections(self) -> None:
        for conn in list(self.connections):
            conn.close()

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        self.drop_connections()

    async def apply_down(self) -> None:
        """Bring the gateway down or up after :attr:`faults.down` changed."""

    def describe(self) -> str:
        raise NotImplementedError


class TcpGateway(SimGateway):
    """A transparent serial server: one listening TCP port per bus."""

    def __init__(
        self,
        code: str,
        buses: list[SimBus],
        faults: GatewayFaults,
        host: str,
        ports: list[int],
    ) -> None:
        super().__init__(code, buses, faults)
        self.host = host
        self.ports = ports
        self._servers: list[asyncio.Server] = []

    async def start(self) -> None:
        if self._servers or self.faults.down:
            return
        loop = asyncio.get_running_loop()
        for bus, port in zip(self.buses, self.ports, strict=True):
            server = await loop.create_server(
                partial(_BusProtocol, self, bus), self.host, port, reuse_address=True
            )
            self._servers.append(server)

    async def stop(self) -> None:
        servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        self.drop_connections()
        for server in servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()

    async def apply_down(self) -> None:
        if self.faults.down:
            await self.stop()
        else:
            await self.start()

    def describe(self) -> str:
        lines = ", ".join(
            f"bus {b.number} tcp://{self.host}:{p} ({len(b.meters)} meters)"
            for b, p in zip(self.buses, self.ports, strict=True)
        )
        return f"{self.code} tcp: {lines}"


class DtuGateway(SimGateway):
    """A 4G DTU: dials ``host:port`` per bus, registers, heartbeats, re-dials."""

    def __init__(
        self,
        code: str,
        buses: list[SimBus],
        faults: GatewayFaults,
        dtu_id: str,
        host: str,
        port: int,
        *,
        heartbeat_s: float = 30.0,
        heartbeat: bytes = DEFAULT_HEARTBEAT,
        redial_s: float = 1.0,
        redial_max_s: float = 5.0,
    ) -> None:
        super().__init__(code, buses, faults)
        self.dtu_id = dtu_id
        self.host = host
        self.port = port
        self.heartbeat_s = heartbeat_s
        self.heartbeat = heartbeat
        self.redial_s = redial_s
        self.redial_max_s = redial_max_s
        self.registrations = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._reconnect = asyncio.Event()

    async def start(self) -> None:
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._dial_loop(bus), name=f"dtu {self.code}/{bus.number}")
            for bus in self.buses
        ]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.drop_connections()

    async def apply_down(self) -> None:
        if self.faults.down:
            self.drop_connections()

    def reconnect(self) -> None:
        """Drop and re-dial every link (as a DTU does after a 4G cell change)."""
        self.drop_connections()

    async def _dial_loop(self, bus: SimBus) -> None:
        loop = asyncio.get_running_loop()
        backoff = self.redial_s
        link_id = dtu_link_id(self.dtu_id, bus.number)
        while True:
            if self.faults.down:
                await asyncio.sleep(self.redial_s)
                continue
            try:
                _t, proto = await loop.create_connection(
                    lambda: _BusProtocol(self, bus), self.host, self.port
                )
            except OSError:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.redial_max_s)
                continue
            backoff = self.redial_s
            assert proto.transport is not None
            proto.transport.write(link_id.encode("ascii"))
            self.registrations += 1
            hb = loop.create_task(self._heartbeats(proto))
            try:
                await proto.lost
            finally:
                hb.cancel()
            await asyncio.sleep(self.redial_s)

    async def _heartbeats(self, proto: _BusProtocol) -> None:
        loop = asyncio.get_running_loop()
        while proto.transport is not None and not proto.transport.is_closing():
            await asyncio.sleep(self.heartbeat_s)
            endpoint = proto.endpoint
            idle = endpoint is None or (
                not endpoint.busy and loop.time() - endpoint.last_activity >= self.heartbeat_s / 2
            )
            if idle and proto.transport is not None and not proto.transport.is_closing():
                proto.transport.write(self.heartbeat)

    def describe(self) -> str:
        links = ", ".join(
            f"bus {b.number} as {dtu_link_id(self.dtu_id, b.number)} ({len(b.meters)} meters)"
            for b in self.buses
        )
        return f"{self.code} dtu -> {self.host}:{self.port}: {links}"


class _FdLink(Link):
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._closed = False

    def write(self, data: bytes) -> None:
        if self._closed:
            return
        try:
            os.write(self.fd, data)
        except OSError:
            logger.debug("pty write failed", exc_info=True)

    def close(self) -> None:
        pass  # a serial line cannot be "closed" by the gateway

    @property
    def closed(self) -> bool:
        return self._closed


class _SerialTransportLink(Link):
    def __init__(self, transport: object) -> None:
        self.transport = transport
        self.pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        from app.comms.transport.serial import SerialTransport

        assert isinstance(self.transport, SerialTransport)
        asyncio.get_running_loop().create_task(self.transport.write(data))

    def close(self) -> None:
        pass

    @property
    def closed(self) -> bool:
        from app.comms.transport.serial import SerialTransport

        assert isinstance(self.transport, SerialTransport)
        return not self.transport.is_open


class SerialGateway(SimGateway):
    """Buses on serial lines: a pty created here, or a device path opened with pyserial."""

    def __init__(
        self,
        code: str,
        buses: list[SimBus],
        faults: GatewayFaults,
        device_paths: dict[int, str] | None = None,
    ) -> None:
        super().__init__(code, buses, faults)
        self.device_paths = dict(device_paths or {})
        self.paths: dict[int, str] = {}  # bus number -> path the client opens
        self._fds: list[int] = []
        self._readers: list[int] = []
        self._serial: list[object] = []
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        import tty

        loop = asyncio.get_running_loop()
        for bus in self.buses:
            device = self.device_paths.get(bus.number)
            if device is None:
                master, slave = os.openpty()
                tty.setraw(slave)
                os.set_blocking(master, False)
                self._fds += [master, slave]  # keep the slave open: no EIO when clients close
                self.paths[bus.number] = os.ttyname(slave)
                endpoint = LineEndpoint(bus, _FdLink(master), self.on_request)
                loop.add_reader(master, self._read_fd, master, endpoint)
                self._readers.append(master)
            else:
                from app.comms.transport.serial import SerialTransport

                transport = SerialTransport.from_url(f"serial://{device}?baud={bus.baud}&parity=E")
                await transport.open()
                self._serial.append(transport)
                self.paths[bus.number] = device
                endpoint = LineEndpoint(bus, _SerialTransportLink(transport), self.on_request)
                self._tasks.append(loop.create_task(self._pump(transport, endpoint)))

    @staticmethod
    def _read_fd(fd: int, endpoint: LineEndpoint) -> None:
        try:
            data = os.read(fd, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if data:
            endpoint.feed(data)

    @staticmethod
    async def _pump(transport: object, endpoint: LineEndpoint) -> None:
        from app.comms.transport.serial import SerialTransport

        assert isinstance(transport, SerialTransport)
        while True:
            try:
                data = await transport.read(3600)
            except TimeoutError:
                continue
            endpoint.feed(data)

    async def stop(self) -> None:
        loop = asyncio.get_running_loop()
        for fd in self._readers:
            loop.remove_reader(fd)
        self._readers.clear()
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        for transport in self._serial:
            from app.comms.transport.serial import SerialTransport

            assert isinstance(transport, SerialTransport)
            await transport.close()
        self._serial.clear()

    def describe(self) -> str:
        lines = ", ".join(
            f"bus {b.number} serial {self.paths.get(b.number, '?')} ({len(b.meters)} meters)"
            for b in self.buses
        )
        return f"{self.code} serial: {lines}"
