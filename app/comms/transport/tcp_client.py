"""TCP client transport: a transparent serial server (the gateway) listening at host:port.

Reconnects on demand with exponential backoff: after a failed connect, further attempts inside
the backoff window fail at once (the collector does not hammer a dead gateway, and a queue of
reads for an unreachable gateway drains in milliseconds instead of one connect timeout each).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time

from app.comms.transport.base import (
    BufferedTransport,
    GatewayDisconnectedError,
    GatewayUnreachableError,
    StreamProtocol,
)

logger = logging.getLogger(__name__)


class TcpClientTransport(BufferedTransport):
    """Connects to ``host:port``; one instance per gateway port (one RS485 line)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        connect_timeout_s: float = 5.0,
        backoff_initial_s: float = 1.0,
        backoff_max_s: float = 60.0,
    ) -> None:
        super().__init__(f"tcp://{host}:{port}")
        self.host = host
        self.port = port
        self.connect_timeout_s = connect_timeout_s
        self.backoff_initial_s = backoff_initial_s
        self.backoff_max_s = backoff_max_s
        self._backoff_s = 0.0
        self._next_attempt = 0.0
        self._last_failure = ""
        self._sock_transport: asyncio.Transport | None = None
        self._connect_lock: asyncio.Lock | None = None

    def reset_backoff(self) -> None:
        """Allow the next :meth:`open` to try at once (a technician pressed "retry")."""
        self._next_attempt = 0.0
        self._backoff_s = 0.0

    async def open(self) -> None:
        if self.is_open:
            return
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if self.is_open:
                return
            now = time.monotonic()
            if now < self._next_attempt:
                wait_s = self._next_attempt - now
                raise GatewayUnreachableError(
                    self.url, f"{self._last_failure}; next connect attempt in {wait_s:.0f} s"
                )
            loop = asyncio.get_running_loop()
            proto = StreamProtocol(self)
            self._current = proto
            try:
                async with asyncio.timeout(self.connect_timeout_s):
                    transport, _ = await loop.create_connection(lambda: proto, self.host, self.port)
            except (OSError, TimeoutError) as exc:
                self._current = None
                reason = (
                    f"connect timed out after {self.connect_timeout_s:g} s"
                    if isinstance(exc, TimeoutError)
                    else f"cannot connect ({exc.strerror or exc})"
                )
                self._last_failure = reason
                self._backoff_s = min(
                    max(self._backoff_s * 2, self.backoff_initial_s), self.backoff_max_s
                )
                self._next_attempt = time.monotonic() + self._backoff_s
                raise GatewayUnreachableError(self.url, reason) from None
            sock = transport.get_extra_info("socket")
            if sock is not None:
                # Small frames must leave now, not wait for Nagle's delayed-ACK dance.
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            assert isinstance(transport, asyncio.Transport)
            self._sock_transport = transport
            self._mark_open()
            self._backoff_s = 0.0
            self._next_attempt = 0.0
            logger.debug("connected to %s", self.url)

    async def write(self, data: bytes) -> None:
        transport = self._sock_transport
        if not self.is_open or transport is None or transport.is_closing():
            raise GatewayDisconnectedError(self.url, self._lost_reason or "not connected")
        transport.write(data)

    async def close(self) -> None:
        transport = self._sock_transport
        self._sock_transport = None
        self._current = None
        self._feed_eof("closed")
        if transport is not None:
            transport.close()
