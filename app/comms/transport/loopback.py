"""In-memory transport pair (a null modem) for tests and in-process simulation.

``a, b = loopback_pair()``: bytes written to ``a`` arrive at ``b`` on the next loop iteration,
and back. ``b.disconnect()`` makes ``a`` see the line go away, like a gateway unplugged.
"""

from __future__ import annotations

import asyncio

from app.comms.transport.base import BufferedTransport, GatewayDisconnectedError


class LoopbackTransport(BufferedTransport):
    """One end of an in-memory line."""

    def __init__(self, url: str = "loop://") -> None:
        super().__init__(url)
        self.peer: LoopbackTransport | None = None
        self.written: list[bytes] = []  # everything this end sent, for assertions
        self.connectable = True

    async def open(self) -> None:
        if self.is_open:
            return
        if not self.connectable:
            from app.comms.transport.base import GatewayUnreachableError

            raise GatewayUnreachableError(self.url, "loopback peer refuses connections")
        self._mark_open()
        if self.peer is not None and not self.peer.is_open:
            self.peer._mark_open()

    async def write(self, data: bytes) -> None:
        if not self.is_open or self.peer is None:
            raise GatewayDisconnectedError(self.url, self._lost_reason or "no peer")
        self.written.append(bytes(data))
        peer = self.peer
        asyncio.get_running_loop().call_soon(peer._feed, bytes(data))

    async def close(self) -> None:
        self._feed_eof("closed")

    def disconnect(self, reason: str = "peer hung up") -> None:
        """Drop the line on both ends."""
        self._feed_eof(reason)
        if self.peer is not None:
            self.peer._feed_eof(reason)

    def inject(self, data: bytes) -> None:
        """Make ``data`` arrive at this end as if the peer had sent it."""
        self._feed(data)


def loopback_pair(
    url_a: str = "loop://a", url_b: str = "loop://b"
) -> tuple[LoopbackTransport, LoopbackTransport]:
    """Two connected, open ends."""
    a, b = LoopbackTransport(url_a), LoopbackTransport(url_b)
    a.peer, b.peer = b, a
    a._mark_open()
    b._mark_open()
    return a, b
