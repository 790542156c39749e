"""Serial transport via pyserial: a USB-RS485 adapter, a pty, or pyserial's URL handlers.

URLs: ``serial:///dev/ttyUSB0?baud=2400&parity=E&stopbits=1&bytesize=8`` (``serial://COM3?...``
on Windows), and pyserial's own ``socket://host:port``, ``rfc2217://host:port`` and ``loop://``
(the query options apply to them as well). pyserial is blocking, so a reader thread per port
pushes received bytes into the event loop; writes run in the default executor so a slow line
never stalls the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import serial

from app.comms.transport.base import (
    BufferedTransport,
    GatewayDisconnectedError,
    GatewayUnreachableError,
)

logger = logging.getLogger(__name__)

_PARITIES = {"E": serial.PARITY_EVEN, "N": serial.PARITY_NONE, "O": serial.PARITY_ODD}
_STOPBITS = {
    "1": serial.STOPBITS_ONE,
    "1.5": serial.STOPBITS_ONE_POINT_FIVE,
    "2": serial.STOPBITS_TWO,
}


@dataclass(frozen=True)
class SerialSettings:
    """Where and how to open a serial line."""

    port: str  # device path or a pyserial URL (socket://, rfc2217://, loop://)
    baud: int = 2400
    parity: str = "E"
    stop_bits: str = "1"
    byte_size: int = 8

    @property
    def url(self) -> str:
        base = self.port if "://" in self.port else f"serial://{self.port}"
        return f"{base}?baud={self.baud}&parity={self.parity}"

    @classmethod
    def from_url(cls, url: str) -> SerialSettings:
        """Parse ``serial:///dev/ttyUSB0?baud=2400&parity=E`` or a pyserial URL."""
        parts = urlsplit(url)
        query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.scheme == "serial":
            port = parts.path if not parts.netloc else parts.netloc + parts.path
            if not port:
                raise ValueError(f"serial URL without a port: {url!r}")
        elif parts.scheme in ("socket", "rfc2217", "loop"):
            port = f"{parts.scheme}://{parts.netloc}{parts.path}"
        else:
            raise ValueError(f"not a serial URL: {url!r}")
        parity = query.get("parity", "E").upper()[:1]
        if parity not in _PARITIES:
            raise ValueError(f"parity must be E, N or O, not {parity!r}")
        stop_bits = query.get("stopbits", query.get("stop_bits", "1"))
        if stop_bits not in _STOPBITS:
            raise ValueError(f"stop bits must be 1, 1.5 or 2, not {stop_bits!r}")
        try:
            baud = int(query.get("baud", query.get("baudrate", "2400")))
            byte_size = int(query.get("bytesize", "8"))
        except ValueError:
            raise ValueError(f"baud and bytesize must be numbers in {url!r}") from None
        if not 50 <= baud <= 4_000_000:
            raise ValueError(f"baud rate out of range: {baud}")
        return cls(port, baud, parity, stop_bits, byte_size)


class SerialTransport(BufferedTransport):
    """One serial line opened with pyserial."""

    def __init__(self, settings: SerialSettings) -> None:
        super().__init__(settings.url)
        self.settings = settings
        self._port: serial.SerialBase | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @classmethod
    def from_url(cls, url: str) -> SerialTransport:
        return cls(SerialSettings.from_url(url))

    async def open(self) -> None:
        if self.is_open:
            return
        s = self.settings
        try:
            port = await asyncio.to_thread(
                serial.serial_for_url,
                s.port,
                baudrate=s.baud,
                parity=_PARITIES[s.parity],
                stopbits=_STOPBITS[s.stop_bits],
                bytesize=s.byte_size,
                timeout=0.05,
                write_timeout=5.0,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise GatewayUnreachableError(self.url, f"cannot open serial port ({exc})") from None
        self._port = port
        self._stop.clear()
        self._mark_open()
        loop = asyncio.get_running_loop()
        token = object()
        self._current = token
        self._thread = threading.Thread(
            target=self._reader, args=(port, loop, token), name=f"serial-rx {s.port}", daemon=True
        )
        self._thread.start()
        logger.debug("opened %s", self.url)

    def _reader(
        self, port: serial.SerialBase, loop: asyncio.AbstractEventLoop, token: object
    ) -> None:
        def deliver(data: bytes) -> None:
            if self._current is token:
                self._feed(data)

        def lost(reason: str) -> None:
            if self._current is token:
                self._feed_eof(reason)

        while not self._stop.is_set():
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                if not self._stop.is_set():
                    with contextlib.suppress(RuntimeError):
                        loop.call_soon_threadsafe(lost, f"serial port failed ({exc})")
                return
            if data:
                try:
                    loop.call_soon_threadsafe(deliver, data)
                except RuntimeError:  # loop closed
                    return

    async def write(self, data: bytes) -> None:
        port = self._port
        if not self.is_open or port is None:
            raise GatewayDisconnectedError(self.url, self._lost_reason or "port not open")
        try:
            await asyncio.to_thread(port.write, data)
        except (serial.SerialException, OSError) as exc:
            self._feed_eof(f"write failed ({exc})")
            raise GatewayDisconnectedError(self.url, f"write failed ({exc})") from None

    async def close(self) -> None:
        port, self._port = self._port, None
        thread, self._thread = self._thread, None
        self._current = None
        self._stop.set()
        self._feed_eof("closed")
        if thread is not None:
            await asyncio.to_thread(thread.join, 2.0)
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()
