"""Byte transports to RS485 lines: TCP client, DTU server links, serial ports, loopback.

:func:`open_url` maps a gateway URL to a transport:

* ``tcp://HOST:PORT``                      - transparent serial server (TCP client)
* ``dtu://LISTEN_PORT/ID``                 - a DTU that dials in to our listening port
  (``?bus=N`` selects the DTU's serial port N, link id ``ID-N``)
* ``serial:///dev/ttyUSB0?baud=2400&parity=E``, ``socket://…``, ``rfc2217://…``, ``loop://``
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from app.comms.transport.base import (
    BufferedTransport,
    CommError,
    GatewayDisconnectedError,
    GatewayUnreachableError,
    TransportError,
)
from app.comms.transport.tcp_server import DtuServer, RegistrationFormat, dtu_link_id

Transport = BufferedTransport

__all__ = [
    "BufferedTransport",
    "CommError",
    "DtuServer",
    "GatewayDisconnectedError",
    "GatewayUnreachableError",
    "RegistrationFormat",
    "Transport",
    "TransportError",
    "dtu_link_id",
    "open_url",
    "parse_dtu_url",
]


def parse_dtu_url(url: str) -> tuple[str, int, str]:
    """``dtu://[HOST:]PORT/ID[?bus=N]`` -> (listen host, listen port, link id)."""
    parts = urlsplit(url)
    if parts.scheme != "dtu":
        raise ValueError(f"not a DTU URL: {url!r}")
    link = parts.path.strip("/")
    if parts.netloc.isdigit():  # dtu://21000/ID: listen on every interface
        host, port = "0.0.0.0", int(parts.netloc)
    else:
        host, port = parts.hostname or "0.0.0.0", parts.port  # type: ignore[assignment]
    if not link or port is None:
        raise ValueError(f"DTU URL needs a port and an id (dtu://21000/DTU00001): {url!r}")
    query = parse_qs(parts.query)
    bus = int(query["bus"][-1]) if "bus" in query else 1
    return host, port, dtu_link_id(link, bus)


def open_url(
    url: str,
    *,
    dtu_server: Callable[[str, int], DtuServer] | None = None,
    connect_timeout_s: float = 5.0,
    register_wait_s: float = 0.0,
) -> BufferedTransport:
    """Build (not yet open) the transport for ``url``.

    ``dtu_server(host, port)`` returns the shared listening server for DTU URLs (the engine keeps
    one per port); without it a private server is created.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        if not parts.hostname or parts.port is None:
            raise ValueError(f"TCP URL needs host and port (tcp://10.0.0.5:8001): {url!r}")
        from app.comms.transport.tcp_client import TcpClientTransport

        return TcpClientTransport(parts.hostname, parts.port, connect_timeout_s=connect_timeout_s)
    if scheme == "dtu":
        host, port, link_id = parse_dtu_url(url)
        server = dtu_server(host, port) if dtu_server is not None else DtuServer(port, host)
        return server.link(link_id, register_wait_s=register_wait_s)
    if scheme in ("serial", "socket", "rfc2217", "loop"):
        from app.comms.transport.serial import SerialTransport

        return SerialTransport.from_url(url)
    raise ValueError(f"unknown transport {scheme!r} in {url!r} (tcp, dtu, serial, socket, rfc2217)")
