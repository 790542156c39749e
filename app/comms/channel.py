"""One RS485 bus: exactly one request in flight, wire timing, retries, reassembly, tracing.

The channel is protocol-agnostic. A caller hands it the request bytes, the codec's incremental
decoder (``decode(buf) -> (consumed, Frame | DecodeFailure | None)``) and a matcher that says
whether a decoded frame is the answer to this request. The channel

* holds an asyncio lock for the whole exchange, so a bus never has two requests in flight
  (DL/T 645, CJ/T 188 and Modbus meters can share one bus: the decoder is chosen per request);
* keeps the inter-frame gap (silence) before each request and drops stale bytes (a late answer
  to a previous, timed-out request must never be taken for this one);
* reassembles frames split across reads and separates glued frames; skips noise and frames that
  do not match (another meter's late answer);
* times out ``timeout_s`` after the request has left the wire (its wire time at the bus baud is
  added), retries ``retries`` times, and raises a typed error with a technician-readable message:
  ``no answer from 000000000123 on tcp://10.0.0.5:8001 bus 2 after 3 tries``;
* passes every frame in and out to a trace hook and the ``app.comms.trace`` logger (hex).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.comms.transport.base import (
    BufferedTransport,
    CommError,
    GatewayDisconnectedError,
)

logger = logging.getLogger(__name__)
trace_logger = logging.getLogger("app.comms.trace")

# Decoder contract of app.comms.protocols (kept structural here so the channel stays generic).
Decoder = Callable[[bytes], tuple[int, Any]]
Matcher = Callable[[Any], bool]

BITS_PER_BYTE_8E1 = 11  # start + 8 data + parity + stop
WAKE_UP_BYTE = 0xFE


def wire_time_s(n_bytes: int, baud: int, bits_per_byte: int = BITS_PER_BYTE_8E1) -> float:
    """Seconds ``n_bytes`` take on a serial line at ``baud``."""
    return n_bytes * bits_per_byte / baud


@dataclass(frozen=True)
class BusSettings:
    """Per-bus line and timing parameters (DEV-1)."""

    baud: int = 2400
    parity: str = "E"
    timeout_s: float = 1.0  # response timeout, counted from the end of the request on the wire
    retries: int = 2  # extra tries after the first
    frame_gap_ms: int = 0  # extra bus silence before a request (inter-frame gap)
    inter_byte_timeout_s: float = 0.25  # wait for the rest of a started frame
    bits_per_byte: int = BITS_PER_BYTE_8E1

    def wire_time_s(self, n_bytes: int) -> float:
        return wire_time_s(n_bytes, self.baud, self.bits_per_byte)


@dataclass(frozen=True)
class TraceRecord:
    """One frame (or stray bytes) seen on a bus."""

    direction: str  # "tx" | "rx" | "rx-stale" | "rx-bad" | "rx-other"
    data: bytes
    url: str
    bus_number: int
    gateway_code: str
    address: str
    at: datetime
    note: str = ""

    @property
    def hex(self) -> str:
        return self.data.hex(" ").upper()

    def format(self) -> str:
        who = f"{self.gateway_code} " if self.gateway_code else ""
        note = f" ({self.note})" if self.note else ""
        return (
            f"{who}{self.url} bus {self.bus_number} {self.direction:<8} {self.address}: "
            f"{self.hex}{note}"
        )


TraceHook = Callable[[TraceRecord], None]


class MeterCommError(CommError):
    """A request to one meter failed after all tries."""

    def __init__(self, message: str, *, address: str, where: str, tries: int) -> None:
        super().__init__(message)
        self.address = address
        self.where = where
        self.tries = tries


class NoAnswerError(MeterCommError):
    """The meter stayed silent (or answered too late) on every try."""

    def __init__(self, address: str, where: str, tries: int) -> None:
        plural = "try" if tries == 1 else "tries"
        super().__init__(
            f"no answer from {address} on {where} after {tries} {plural}",
            address=address,
            where=where,
            tries=tries,
        )


class BadAnswerError(MeterCommError):
    """Answers arrived but every one was damaged (checksum, length, garbage)."""

    def __init__(self, address: str, where: str, tries: int, error: Exception) -> None:
        plural = "try" if tries == 1 else "tries"
        super().__init__(
            f"damaged answer from {address} on {where} after {tries} {plural}: {error}",
            address=address,
            where=where,
            tries=tries,
        )
        self.error = error


@dataclass
class ChannelStats:
    """Counters for monitoring and the read-cycle bench."""

    requests: int = 0
    tries: int = 0
    answered: int = 0
    timeouts: int = 0
    bad_frames: int = 0
    stale_bytes: int = 0
    bytes_tx: int = 0
    bytes_rx: int = 0
    frames: list[tuple[int, int]] = field(default_factory=list)  # answered: (tx, rx) bytes
    keep_frames: bool = False


class BusChannel:
    """One RS485 line reached through ``transport``."""

    def __init__(
        self,
        transport: BufferedTransport,
        settings: BusSettings | None = None,
        *,
        gateway_code: str = "",
        bus_number: int = 1,
        trace: TraceHook | None = None,
    ) -> None:
        self.transport = transport
        self.settings = settings or BusSettings()
        self.gateway_code = gateway_code
        self.bus_number = bus_number
        self.trace_hooks: list[TraceHook] = [trace] if trace else []
        self.stats = ChannelStats()
        self._lock: asyncio.Lock | None = None
        self._quiet_at = 0.0  # monotonic time from which the bus is silent
        self._holder: asyncio.Task[Any] | None = None

    @property
    def where(self) -> str:
        return f"{self.transport.url} bus {self.bus_number}"

    @property
    def lock(self) -> asyncio.Lock:
        """Held for one exchange; hold it yourself to keep the bus for several exchanges."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    # -- tracing --------------------------------------------------------------------------

    def _trace(self, direction: str, data: bytes, address: str, note: str = "") -> None:
        if not self.trace_hooks and not trace_logger.isEnabledFor(logging.DEBUG):
            return
        record = TraceRecord(
            direction,
            bytes(data),
            self.transport.url,
            self.bus_number,
            self.gateway_code,
            address,
            datetime.now(UTC),
            note,
        )
        if trace_logger.isEnabledFor(logging.DEBUG):
            # the record rides along for in-process listeners (the technician's frame log)
            trace_logger.debug("%s", record.format(), extra={"trace": record})
        for hook in list(self.trace_hooks):
            try:
                hook(record)
            except Exception:
                logger.exception("trace hook failed")

    # -- exchanges ------------------------------------------------------------------------

    async def exchange(
        self,
        request: bytes,
        decode: Decoder,
        match: Matcher | None = None,
        *,
        address: str = "?",
        timeout_s: float | None = None,
        retries: int | None = None,
    ) -> Any:
        """Send ``request`` and return the first decoded frame ``match`` accepts.

        Raises :class:`NoAnswerError`, :class:`BadAnswerError`, or a transport error
        (:class:`GatewayUnreachableError`, :class:`GatewayDisconnectedError`).
        """
        async with self.reserved():
            return await self._exchange_locked(request, decode, match, address, timeout_s, retries)

    async def send(self, request: bytes, *, address: str = "broadcast") -> None:
        """Send a frame nobody answers (broadcast); the bus stays reserved for its wire time."""
        async with self.reserved():
            await self._send_locked(request, address)

    @contextlib.asynccontextmanager
    async def reserved(self) -> AsyncIterator[BusChannel]:
        """Hold the bus for several exchanges (a trip and its read-back). Re-entrant per task."""
        task = asyncio.current_task()
        if self._holder is not None and self._holder is task:
            yield self
            return
        async with self.lock:
            self._holder = task
            try:
                yield self
            finally:
                self._holder = None

    async def _send_locked(self, request: bytes, address: str) -> None:
        await self.transport.ensure_open()
        await self._wait_gap()
        self._drop_stale(address)
        self._trace("tx", request, address)
        await self.transport.write(request)
        self.stats.bytes_tx += len(request)
        wire_s = self.settings.wire_time_s(len(request))
        self._quiet_at = time.monotonic() + wire_s
        await asyncio.sleep(wire_s)

    async def _wait_gap(self) -> None:
        gap_s = self.settings.frame_gap_ms / 1000
        wait_s = self._quiet_at + gap_s - time.monotonic()
        if wait_s > 0:
            await asyncio.sleep(wait_s)

    def _drop_stale(self, address: str) -> None:
        stale = self.transport.discard_input()
        if stale:
            self.stats.stale_bytes += len(stale)
            self._trace("rx-stale", stale, address, "dropped before request")

    async def _exchange_locked(
        self,
        request: bytes,
        decode: Decoder,
        match: Matcher | None,
        address: str,
        timeout_s: float | None,
        retries: int | None,
    ) -> Any:
        s = self.settings
        tries = 1 + max(0, s.retries if retries is None else retries)
        timeout = s.timeout_s if timeout_s is None else timeout_s
        self.stats.requests += 1
        last_error: Exception | None = None
        for attempt in range(1, tries + 1):
            await self.transport.ensure_open()
            await self._wait_gap()
            self._drop_stale(address)
            self._trace("tx", request, address, f"try {attempt}/{tries}" if attempt > 1 else "")
            self.stats.tries += 1
            try:
                await self.transport.write(request)
            except GatewayDisconnectedError:
                if attempt == tries:
                    raise
                continue
            self.stats.bytes_tx += len(request)
            rx_before = self.stats.bytes_rx
            sent_at = time.monotonic()
            deadline = sent_at + s.wire_time_s(len(request)) + timeout
            try:
                frame, error = await self._receive(decode, match, address, deadline)
            except GatewayDisconnectedError as exc:
                if attempt == tries:
                    raise GatewayDisconnectedError(
                        exc.url,
                        f"{exc.reason} while waiting for the answer of {address} "
                        f"on bus {self.bus_number}",
                    ) from None
                continue
            self._quiet_at = time.monotonic()
            if frame is not None:
                self.stats.answered += 1
                if self.stats.keep_frames:
                    self.stats.frames.append((len(request), self.stats.bytes_rx - rx_before))
                return frame
            if error is not None:
                last_error = error
            else:
                self.stats.timeouts += 1
        if last_error is not None:
            raise BadAnswerError(address, self.where, tries, last_error)
        raise NoAnswerError(address, self.where, tries)

    async def _receive(
        self, decode: Decoder, match: Matcher | None, address: str, deadline: float
    ) -> tuple[Any, Exception | None]:
        """Read until a matching frame, the deadline, or a damaged answer that nothing follows."""
        buf = b""
        error: Exception | None = None
        inter_byte_s = self.settings.inter_byte_timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if buf:
                    self._trace("rx-bad", buf, address, "incomplete frame at timeout")
                return None, error
            try:
                data = await self.transport.read(remaining)
            except TimeoutError:
                continue
            self.stats.bytes_rx += len(data)
            buf += data
            while buf:
                used, item = decode(buf)
                if used <= 0:
                    break
                chunk, buf = buf[:used], buf[used:]
                if item is None:
                    if any(b != WAKE_UP_BYTE for b in chunk):
                        self._trace("rx-bad", chunk, address, "noise skipped")
                    continue
                if not hasattr(item, "is_response"):  # a DecodeFailure
                    error = getattr(item, "error", None) or ValueError("damaged frame")
                    self.stats.bad_frames += 1
                    self._trace("rx-bad", chunk, address, str(error))
                    # The meter will not repeat itself: wait only briefly for a good frame.
                    deadline = min(deadline, time.monotonic() + inter_byte_s)
                    continue
                if match is not None and not match(item):
                    self._trace("rx-other", chunk, address, "not the answer to this request")
                    continue
                self._trace("rx", chunk, address)
                return item, None
            if buf:
                # A frame has started: give its remaining bytes time to arrive.
                deadline = max(deadline, time.monotonic() + inter_byte_s)
