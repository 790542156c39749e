"""Transport contract (a byte pipe to one RS485 line) and the comms error hierarchy.

A transport moves raw bytes between the office PC and one serial line: a transparent TCP serial
server port, a DTU link that dialled in, a local serial port, or an in-memory loopback. It knows
nothing about frames; the bus channel (``app.comms.channel``) does the framing and timing.

All methods run on the comms event loop. ``read`` returns whatever bytes have arrived (at least
one) and raises :class:`TimeoutError` when none arrived in time, or
:class:`GatewayDisconnectedError` when the line went away.
"""

from __future__ import annotations

import abc
import asyncio
import time


class CommError(Exception):
    """Base of every field-communication failure; ``str(err)`` is a one-line message."""


class TransportError(CommError):
    """The line to the gateway is not usable."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class GatewayUnreachableError(TransportError):
    """Connecting to the gateway failed (refused, timed out, DTU not registered, no such port)."""


class GatewayDisconnectedError(TransportError):
    """The connection dropped (or was never there) while a request needed it."""


class BufferedTransport(abc.ABC):
    """Base for transports fed by a callback: received bytes collect in a buffer.

    Subclasses call :meth:`_feed` with received data and :meth:`_feed_eof` when the line is
    gone; :meth:`read` hands the buffer out. The buffer is bounded so a chattering line cannot
    grow memory.
    """

    max_buffer = 65536

    def __init__(self, url: str) -> None:
        self.url = url
        self._rx = bytearray()
        self._waiter: asyncio.Future[None] | None = None
        self._lost_reason: str | None = "not connected"
        self.last_rx_monotonic = 0.0
        # The connection currently feeding this transport; callbacks from an older, replaced
        # connection (a DTU that re-dialled, a reconnect) must not touch the new one's state.
        self._current: object | None = None
        self._generation = 0

    # -- to implement -----------------------------------------------------------------------

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect if not connected; raise :class:`GatewayUnreachableError` on failure."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Drop the connection (idempotent)."""

    @abc.abstractmethod
    async def write(self, data: bytes) -> None:
        """Send ``data``; raise :class:`GatewayDisconnectedError` when not connected."""

    # -- shared ------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._lost_reason is None

    async def ensure_open(self) -> None:
        if not self.is_open:
            await self.open()

    def _mark_open(self) -> None:
        self._lost_reason = None
        self._rx.clear()
        self._generation += 1

    def _feed(self, data: bytes) -> None:
        if not data:
            return
        self._rx += data
        if len(self._rx) > self.max_buffer:
            del self._rx[: len(self._rx) - self.max_buffer]
        self.last_rx_monotonic = time.monotonic()
        self._wake()

    def _feed_eof(self, reason: str) -> None:
        if self._lost_reason is None:
            self._lost_reason = reason
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def discard_input(self) -> bytes:
        """Drop (and return) bytes received but not read: late answers, line noise."""
        data = bytes(self._rx)
        self._rx.clear()
        return data

    async def read(self, timeout_s: float) -> bytes:
        """Return the bytes received so far (at least one), waiting up to ``timeout_s``."""
        if not self._rx:
            if self._lost_reason is not None:
                raise GatewayDisconnectedError(self.url, self._lost_reason)
            generation = self._generation
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiter = waiter
            handle = loop.call_later(max(timeout_s, 0.0), _expire, waiter)
            try:
                await waiter
            finally:
                handle.cancel()
                self._waiter = None
            if self._generation != generation:
                raise GatewayDisconnectedError(self.url, "connection replaced while waiting")
            if not self._rx:
                if self._lost_reason is not None:
                    raise GatewayDisconnectedError(self.url, self._lost_reason)
                raise TimeoutError(f"{self.url}: nothing received in {timeout_s:.3g} s")
        data = bytes(self._rx)
        self._rx.clear()
        return data

    def __repr__(self) -> str:
        state = "open" if self.is_open else f"closed ({self._lost_reason})"
        return f"<{type(self).__name__} {self.url} {state}>"


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


class StreamProtocol(asyncio.Protocol):
    """asyncio protocol that forwards a socket's bytes into a :class:`BufferedTransport`."""

    def __init__(self, owner: BufferedTransport) -> None:
        self.owner = owner
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.owner._current is self:
            self.owner._feed(data)

    def eof_received(self) -> bool:
        if self.owner._current is self:
            self.owner._feed_eof("connection closed by the gateway")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if self.owner._current is self:
            reason = f"connection lost ({exc})" if exc else "connection closed by the gateway"
            self.owner._feed_eof(reason)
