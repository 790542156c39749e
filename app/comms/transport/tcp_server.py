"""TCP server transport for 4G DTUs: they dial in, register, send heartbeats, carry bus traffic.

A DTU opens a TCP connection to the app's listening port and sends a registration packet first
(its id, its IMEI, or a fixed number of leading bytes — :class:`RegistrationFormat`). After that
the connection is a transparent pipe to the DTU's RS485 line, interleaved with heartbeat packets
while the line is idle. A DTU with several serial ports opens one link per port; by convention
the link id of port ``n > 1`` is ``"<dtu id>-<n>"`` (:func:`dtu_link_id`).

One :class:`DtuServer` per listening port serves any number of DTUs; each link id has a
:class:`DtuLinkTransport` (created when the engine asks for it or when the DTU registers). A DTU
that reconnects replaces its old connection: the old socket is closed and a request waiting on it
fails with :class:`GatewayDisconnectedError`, the next request uses the new connection.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.comms.transport.base import (
    BufferedTransport,
    GatewayDisconnectedError,
    GatewayUnreachableError,
    StreamProtocol,
)

logger = logging.getLogger(__name__)

DEFAULT_HEARTBEAT = b"HB"


def dtu_link_id(dtu_id: str, bus_number: int = 1) -> str:
    """The registration id of a DTU's serial port ``bus_number`` (1-based)."""
    return dtu_id if bus_number == 1 else f"{dtu_id}-{bus_number}"


@dataclass(frozen=True)
class RegistrationFormat:
    """How a DTU identifies itself on connect, and what its heartbeat looks like.

    ``kind``:
      * ``"text"``  - ASCII id, optionally ended by CR/LF; the packet ends at the line end or when
        the DTU pauses ``gap_s`` (the usual "custom registration packet" of DTU setups);
      * ``"imei"``  - exactly 15 ASCII digits;
      * ``"fixed"`` - the first ``length`` bytes; the id is their ASCII text when printable,
        else their hex.
    ``heartbeat`` packets (exact bytes) received while the line is idle are dropped.
    """

    kind: str = "text"
    length: int = 0
    heartbeat: bytes = DEFAULT_HEARTBEAT
    gap_s: float = 0.2
    max_length: int = 64

    @classmethod
    def parse(cls, text: str, heartbeat: bytes = DEFAULT_HEARTBEAT) -> RegistrationFormat:
        """``"text"``, ``"imei"`` or ``"fixed:N"``."""
        text = text.strip().lower()
        if text == "text":
            return cls("text", heartbeat=heartbeat)
        if text == "imei":
            return cls("imei", 15, heartbeat=heartbeat)
        m = re.fullmatch(r"fixed:(\d+)", text)
        if m and 0 < int(m.group(1)) <= 64:
            return cls("fixed", int(m.group(1)), heartbeat=heartbeat)
        raise ValueError(f"unknown DTU registration format {text!r} (text, imei or fixed:N)")

    def extract(self, buf: bytes, *, idle: bool) -> tuple[str, bytes] | None:
        """The id and the bytes after the packet, or None while the packet is incomplete.

        Raises ValueError when the bytes can never be a valid registration.
        """
        if self.kind in ("imei", "fixed"):
            if len(buf) < self.length:
                return None
            head, rest = buf[: self.length], buf[self.length :]
            if self.kind == "imei":
                if not head.isdigit():
                    raise ValueError(f"IMEI registration is not 15 digits: {head!r}")
                return head.decode("ascii"), rest
            printable = all(0x21 <= b < 0x7F for b in head)
            return (head.decode("ascii") if printable else head.hex().upper()), rest
        for i, b in enumerate(buf):
            if b in (0x0D, 0x0A):
                ident = buf[:i]
                rest = buf[i:].lstrip(b"\r\n")
                return self._text_id(ident), rest
        if len(buf) > self.max_length:
            raise ValueError("registration packet too long")
        if idle and buf:
            return self._text_id(buf), b""
        return None

    @staticmethod
    def _text_id(raw: bytes) -> str:
        try:
            text = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            raise ValueError(f"registration packet is not ASCII: {raw.hex(' ')}") from None
        if not text or not text.isprintable():
            raise ValueError(f"registration packet is not a printable id: {raw!r}")
        return text


class DtuLinkTransport(BufferedTransport):
    """The transport for one registered DTU link (``dtu://PORT/ID``)."""

    def __init__(self, server: DtuServer, link_id: str, *, register_wait_s: float = 0.0) -> None:
        super().__init__(f"dtu://{server.port}/{link_id}")
        self.server = server
        self.link_id = link_id
        self.register_wait_s = register_wait_s
        self.registered_at: float | None = None
        self.last_heartbeat_monotonic: float | None = None
        self.peer: str | None = None
        self._sock_transport: asyncio.Transport | None = None
        self._registered = asyncio.Event()

    def attach(self, proto: _DtuConnection, initial: bytes) -> None:
        """Bind a freshly registered connection, replacing (closing) the previous one."""
        old = self._sock_transport
        if old is not None and not old.is_closing():
            logger.info(
                "DTU %s re-registered from %s; closing old connection", self.link_id, proto.peer
            )
            self._feed_eof("replaced by a new connection from the DTU")
            old.close()
        self._current = proto
        assert proto.transport is not None
        self._sock_transport = proto.transport
        self.peer = proto.peer
        self._mark_open()
        self.registered_at = time.monotonic()
        self._registered.set()
        if initial:
            proto.data_received(initial)

    def detach(self, proto: _DtuConnection, reason: str) -> None:
        if self._current is proto:
            self._sock_transport = None
            self._registered.clear()
            self._feed_eof(reason)

    def _feed(self, data: bytes) -> None:
        hb = self.server.registration.heartbeat
        # DTUs send heartbeats only while the line is idle, so they arrive as packets of their
        # own at the start of a read; anything else is bus data (even if it contains the bytes).
        if hb and not self._rx:
            stripped = False
            while data.startswith(hb):
                data = data[len(hb) :]
                stripped = True
            if stripped:
                self.last_heartbeat_monotonic = time.monotonic()
        super()._feed(data)

    async def open(self) -> None:
        if self.is_open:
            return
        await self.server.start()
        if self.register_wait_s > 0:
            try:
                async with asyncio.timeout(self.register_wait_s):
                    await self._registered.wait()
            except TimeoutError:
                pass
        if not self.is_open:
            raise GatewayUnreachableError(
                self.url, f"DTU {self.link_id} has not registered on port {self.server.port}"
            )

    async def write(self, data: bytes) -> None:
        transport = self._sock_transport
        if not self.is_open or transport is None or transport.is_closing():
            raise GatewayDisconnectedError(self.url, self._lost_reason or "DTU not connected")
        transport.write(data)

    async def close(self) -> None:
        """Drop the current connection; the DTU will dial in again."""
        transport = self._sock_transport
        self._sock_transport = None
        self._current = None
        self._registered.clear()
        self._feed_eof("closed")
        if transport is not None:
            transport.close()


class _DtuConnection(StreamProtocol):
    """One accepted socket: collects the registration packet, then feeds its link."""

    def __init__(self, server: DtuServer) -> None:
        self.server = server
        self._pending = b""
        self._link: DtuLinkTransport | None = None
        self._gap_handle: asyncio.TimerHandle | None = None
        self._deadline_handle: asyncio.TimerHandle | None = None
        self.peer = "?"
        self.transport = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.server._connections.add(self)
        loop = asyncio.get_running_loop()
        self._deadline_handle = loop.call_later(
            self.server.registration_timeout_s, self._reject, "no registration packet in time"
        )

    def data_received(self, data: bytes) -> None:
        if self._link is not None:
            if self._link._current is self:
                self._link._feed(data)
            return
        self._pending += data
        self._try_register(idle=False)
        if self._link is None and self._pending and self.transport is not None:
            if self._gap_handle is not None:
                self._gap_handle.cancel()
            loop = asyncio.get_running_loop()
            self._gap_handle = loop.call_later(
                self.server.registration.gap_s, self._try_register, True
            )

    def _try_register(self, idle: bool) -> None:
        if self._link is not None or self.transport is None:
            return
        try:
            got = self.server.registration.extract(self._pending, idle=idle)
        except ValueError as exc:
            self._reject(str(exc))
            return
        if got is None:
            return
        link_id, rest = got
        for handle in (self._gap_handle, self._deadline_handle):
            if handle is not None:
                handle.cancel()
        self._pending = b""
        link = self.server.link(link_id)
        self._link = link
        link.attach(self, rest)
        logger.info("DTU %s registered from %s on port %d", link_id, self.peer, self.server.port)
        self.server._notify(link_id, True, self.peer)

    def _reject(self, reason: str) -> None:
        if self._link is None and self.transport is not None:
            logger.warning("DTU connection from %s rejected: %s", self.peer, reason)
            self.transport.close()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        for handle in (self._gap_handle, self._deadline_handle):
            if handle is not None:
                handle.cancel()
        link = self._link
        if link is not None and link._current is self:
            link.detach(self, f"DTU connection lost ({exc})" if exc else "DTU disconnected")
            self.server._notify(link.link_id, False, self.peer)


class DtuServer:
    """Listens on one port for DTU connections; hands out a transport per link id."""

    def __init__(
        self,
        port: int,
        host: str = "0.0.0.0",
        *,
        registration: RegistrationFormat | None = None,
        registration_timeout_s: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.registration = registration or RegistrationFormat()
        self.registration_timeout_s = registration_timeout_s
        self._links: dict[str, DtuLinkTransport] = {}
        self._connections: set[_DtuConnection] = set()
        self._server: asyncio.Server | None = None
        self._start_lock: asyncio.Lock | None = None
        self._listeners: list[Callable[[str, bool, str], None]] = []

    @property
    def is_serving(self) -> bool:
        return self._server is not None

    def add_listener(self, callback: Callable[[str, bool, str], None]) -> None:
        """``callback(link_id, connected, peer)`` on every registration and disconnect."""
        self._listeners.append(callback)

    def _notify(self, link_id: str, connected: bool, peer: str) -> None:
        for cb in list(self._listeners):
            try:
                cb(link_id, connected, peer)
            except Exception:
                logger.exception("DTU listener failed")

    def link(self, link_id: str, *, register_wait_s: float | None = None) -> DtuLinkTransport:
        """The transport of ``link_id`` (created unregistered when the DTU has not called yet)."""
        link = self._links.get(link_id)
        if link is None:
            link = DtuLinkTransport(self, link_id, register_wait_s=register_wait_s or 0.0)
            self._links[link_id] = link
        elif register_wait_s is not None:
            link.register_wait_s = register_wait_s
        return link

    @property
    def registered(self) -> dict[str, DtuLinkTransport]:
        return {k: v for k, v in self._links.items() if v.is_open}

    async def start(self) -> None:
        if self._server is not None:
            return
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
        async with self._start_lock:
            if self._server is not None:
                return
            loop = asyncio.get_running_loop()
            try:
                self._server = await loop.create_server(
                    lambda: _DtuConnection(self), self.host, self.port, reuse_address=True
                )
            except OSError as exc:
                raise GatewayUnreachableError(
                    f"dtu://{self.port}", f"cannot listen on port {self.port} ({exc.strerror})"
                ) from None
            logger.info("listening for DTUs on %s:%d", self.host, self.port)

    async def wait_registered(self, link_id: str, timeout_s: float) -> DtuLinkTransport:
        """Wait until ``link_id`` is registered; raise GatewayUnreachableError on timeout."""
        await self.start()
        link = self.link(link_id)
        try:
            async with asyncio.timeout(timeout_s):
                await link._registered.wait()
        except TimeoutError:
            raise GatewayUnreachableError(
                link.url, f"DTU {link_id} has not registered in {timeout_s:g} s"
            ) from None
        return link

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for conn in list(self._connections):
            if conn.transport is not None:
                conn.transport.close()
        for link in self._links.values():
            await link.close()
        if server is not None:
            await server.wait_closed()
