"""A simulated RS485 bus: request framing, addressing, wire timing and answer faults.

One bus is one serial line, so requests are served one at a time in arrival order (an asyncio
lock, FIFO). Each exchange takes the time the real line would: the request's bytes at 11 bits per
byte at the bus baud, the meter's turnaround, then the answer's bytes — the answer is written to
the client when its last byte would have left the wire (split answers: each part when its last
byte would have). Requests nobody answers keep the line busy for the request's wire time only.

Request framing is done here, independently of the master's codecs: DL/T 645 (``68 A0..A5 68``)
and CJ/T 188 (``68 T A0..A6``) by length and byte-sum checksum, Modbus RTU by function code and
CRC. The addressed meter then decodes the frame with its own protocol codec, as a real meter does.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from app.comms.simulator.faults import GatewayFaults
from app.comms.simulator.meters import SimMeter

logger = logging.getLogger(__name__)

BITS_PER_BYTE = 11
BROADCAST_645 = "999999999999"

Responder = Callable[[SimMeter, bytes], "bytes | None"]


def modbus_crc(data: bytes) -> int:
    """Modbus RTU CRC-16 (polynomial 0xA001 reflected, init 0xFFFF)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _sum8(data: bytes) -> int:
    return sum(data) & 0xFF


@dataclass(frozen=True)
class Request:
    kind: str  # "dlt645" | "cjt188" | "modbus"
    raw: bytes  # the frame without wake-up bytes
    wire_len: int  # bytes the line carried for it (wake-up bytes and noise included)


def split_requests(buf: bytes, modbus_ids: frozenset[int]) -> tuple[int, list[Request]]:
    """Extract complete request frames; returns (bytes consumed, requests)."""
    requests: list[Request] = []
    pos = 0
    start = 0  # where the bytes of the next request began (wake-up bytes count as its wire)
    n = len(buf)
    while pos < n:
        b = buf[pos]
        if b == 0x68:
            if n - pos < 11:
                break
            frame = None
            incomplete = False
            if buf[pos + 7] == 0x68:
                total = 12 + buf[pos + 9]
                if n - pos < total:
                    incomplete = True
                else:
                    cand = buf[pos : pos + total]
                    if cand[-1] == 0x16 and _sum8(cand[:-2]) == cand[-2]:
                        frame = Request("dlt645", bytes(cand), pos + total - start)
            if frame is None:
                total = 13 + buf[pos + 10]
                if n - pos < total:
                    incomplete = True
                else:
                    cand = buf[pos : pos + total]
                    if cand[-1] == 0x16 and _sum8(cand[:-2]) == cand[-2]:
                        frame = Request("cjt188", bytes(cand), pos + total - start)
                        incomplete = False
            if frame is not None:
                requests.append(frame)
                pos += len(frame.raw)
                start = pos
                continue
            if incomplete:
                break
            pos += 1  # damaged: a real meter ignores it
            continue
        if b in modbus_ids or (b == 0 and modbus_ids):
            if n - pos < 8:
                break
            function = buf[pos + 1]
            if function in (1, 2, 3, 4, 5, 6):
                total = 8
            elif function in (15, 16):
                if n - pos < 7:
                    break
                total = 9 + buf[pos + 6]
            else:
                pos += 1
                continue
            if n - pos < total:
                break
            cand = buf[pos : pos + total]
            if modbus_crc(cand[:-2]) == int.from_bytes(cand[-2:], "little"):
                requests.append(Request("modbus", bytes(cand), pos + total - start))
                pos += total
                start = pos
                continue
            pos += 1
            continue
        pos += 1  # wake-up byte or noise
    if pos >= n:
        tail = buf[start:]
        # Keep wake-up bytes whose frame has not arrived yet: they are part of its wire time.
        return (start if tail and tail.count(0xFE) == len(tail) else n), requests
    return start, requests


class Link:
    """Where answers go: a TCP connection, a DTU link, a pty."""

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        raise NotImplementedError


class SimBus:
    """One RS485 line with its meters."""

    def __init__(
        self,
        gateway_code: str,
        number: int,
        *,
        baud: int = 2400,
        turnaround_s: float = 0.020,
        gateway_faults: GatewayFaults | None = None,
        responders: dict[str, Responder] | None = None,
        wake_up: bytes = b"\xfe\xfe\xfe\xfe",
        rng: random.Random | None = None,
    ) -> None:
        self.gateway_code = gateway_code
        self.number = number
        self.baud = baud
        self.turnaround_s = turnaround_s
        self.gateway_faults = gateway_faults or GatewayFaults()
        self.responders = responders or {}
        self.wake_up = wake_up
        self.rng = rng or random.Random(f"{gateway_code}/{number}")
        self.meters: list[SimMeter] = []
        self._by_address: dict[str, list[SimMeter]] = {}
        self.modbus_ids: frozenset[int] = frozenset()
        self._lock: asyncio.Lock | None = None
        self.requests = 0
        self.answers = 0
        self.busy_s = 0.0

    def add(self, meter: SimMeter) -> None:
        self.meters.append(meter)
        self._by_address.setdefault(meter.address, []).append(meter)
        if meter.protocol == "modbus":
            self.modbus_ids = self.modbus_ids | {int(meter.address)}

    def wire_s(self, n_bytes: int) -> float:
        return n_bytes * BITS_PER_BYTE / self.baud

    # -- addressing -----------------------------------------------------------------------

    def _targets(self, req: Request) -> tuple[list[SimMeter], bool]:
        """Meters that hear and process ``req``; second item: addressed by a wildcard."""
        raw = req.raw
        if req.kind == "dlt645":
            addr = raw[1:7][::-1].hex().upper()
            family = [m for m in self.meters if m.protocol.startswith("dlt645")]
            if addr == BROADCAST_645:
                return family, True
            if "A" in addr:
                return [m for m in family if _matches(addr, m.address)], True
            return [
                m for m in self._by_address.get(addr, []) if m.protocol.startswith("dlt645")
            ], False
        if req.kind == "cjt188":
            addr = raw[2:9][::-1].hex().upper()
            meter_type = raw[1]
            family = [m for m in self.meters if m.protocol == "cjt188"]
            hits = [
                m
                for m in family
                if _matches(addr, m.address.rjust(14, "0"))
                and (meter_type == 0xAA or m.meter_type in (None, meter_type))
            ]
            return hits, "A" in addr or meter_type == 0xAA
        unit = raw[0]
        if unit == 0:
            return [m for m in self.meters if m.protocol == "modbus"], True
        return [m for m in self._by_address.get(str(unit), []) if m.protocol == "modbus"], False

    # -- serving --------------------------------------------------------------------------

    async def transact(self, link: Link, req: Request) -> None:
        """Serve one request from ``link`` with the line's timing and the meters' faults."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            loop = asyncio.get_running_loop()
            t0 = loop.time()
            self.requests += 1
            t_req_end = t0 + self.wire_s(req.wire_len)
            answer, split, slow_s = self._answer(req)
            if answer is None or self.gateway_faults.mute:
                await _sleep_until(loop, t_req_end)
                self.busy_s += loop.time() - t0
                return
            delay = self.turnaround_s + self.gateway_faults.slow_s + slow_s
            t_start = t_req_end + delay
            parts = [answer]
            if split:
                cut = sorted(self.rng.sample(range(1, len(answer)), k=min(2, len(answer) - 1)))
                parts = [answer[i:j] for i, j in zip([0, *cut], [*cut, len(answer)], strict=True)]
            sent = 0
            for i, part in enumerate(parts):
                sent += len(part)
                # Split parts are also separated by a pause, as a gateway's packing timer does.
                await _sleep_until(loop, t_start + self.wire_s(sent) + (0.03 * i if split else 0))
                if link.closed:
                    break
                link.write(part)
            self.answers += 1
            self.busy_s += loop.time() - t0

    def _answer(self, req: Request) -> tuple[bytes | None, bool, float]:
        targets, _wildcard = self._targets(req)
        slow_s = max((m.faults.slow_s for m in targets), default=0.0)
        answers: list[bytes] = []
        split = False
        for meter in targets:
            meter.requests += 1
            f = meter.faults
            if f.dead or (f.no_answer is not None and f.no_answer.fire(self.rng)):
                continue
            responder = self.responders.get(meter.protocol)
            if responder is None:
                continue
            meter.check_overload(meter.clock.now())
            try:
                answer = responder(meter, req.raw)
            except Exception:
                logger.exception("simulated meter %s failed on %s", meter.address, req.raw.hex())
                continue
            if answer is None:
                continue
            if f.bad_checksum is not None and f.bad_checksum.fire(self.rng):
                answer = _break_checksum(answer, req.kind)
            if f.garbage is not None and f.garbage.fire(self.rng):
                answer = bytes(self.rng.randrange(256) for _ in range(len(answer)))
            if f.split is not None and f.split.fire(self.rng):
                split = True
            if req.kind != "modbus" and self.wake_up:
                answer = self.wake_up + answer
            answers.append(answer)
        if not answers:
            return None, False, 0.0
        if len(answers) > 1:
            # Several meters answering a wildcard at once collide on the line: noise.
            length = max(len(a) for a in answers)
            noise = bytearray(length)
            for a in answers:
                for i, b in enumerate(a):
                    noise[i] |= b
            return bytes(noise), False, slow_s
        return answers[0], split, slow_s


def _break_checksum(answer: bytes, kind: str) -> bytes:
    data = bytearray(answer)
    index = -1 if kind == "modbus" else -2
    data[index] ^= 0x5A
    return bytes(data)


def _matches(pattern: str, address: str) -> bool:
    if len(pattern) != len(address):
        return False
    return all(
        pattern[i : i + 2] == "AA" or pattern[i : i + 2] == address[i : i + 2]
        for i in range(0, len(pattern), 2)
    )


async def _sleep_until(loop: asyncio.AbstractEventLoop, when: float) -> None:
    delay = when - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)


class LineEndpoint:
    """Frames the byte stream from one client link and queues requests on the bus."""

    def __init__(
        self,
        bus: SimBus,
        link: Link,
        on_request: Callable[[], bool] | None = None,
    ) -> None:
        self.bus = bus
        self.link = link
        self.on_request = on_request  # returns False to drop the connection (gateway fault)
        self._buf = b""
        self._tasks: set[asyncio.Task[None]] = set()
        self.last_activity = 0.0

    def feed(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        self.last_activity = loop.time()
        self._buf += data
        used, requests = split_requests(self._buf, self.bus.modbus_ids)
        self._buf = self._buf[used:]
        if len(self._buf) > 4096:
            self._buf = self._buf[-512:]
        for req in requests:
            if self.on_request is not None and not self.on_request():
                self.link.close()
                return
            task = loop.create_task(self.bus.transact(self.link, req))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
