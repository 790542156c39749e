"""Bus channel over an in-memory line: reassembly, matching, retries, errors, tracing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from app.comms.channel import (
    BadAnswerError,
    BusChannel,
    BusSettings,
    NoAnswerError,
    TraceRecord,
)
from app.comms.protocols import dlt645
from app.comms.transport import GatewayDisconnectedError
from app.comms.transport.loopback import LoopbackTransport, loopback_pair

ADDRESS = "000000000123"
REQUEST = dlt645.build_read(ADDRESS, 0x00010000)
ANSWER = dlt645.build_read_response(ADDRESS, 0x00010000, {"energy_kwh": "12.34"})
OTHER = dlt645.build_read_response("000000000999", 0x00010000, {"energy_kwh": "99.00"})
SETTINGS = BusSettings(baud=115200, timeout_s=0.2, retries=2, inter_byte_timeout_s=0.1)


def _match(response: object) -> bool:
    return dlt645.frame_matches(dlt645.decode_frame(REQUEST), response)


Peer = Callable[[LoopbackTransport, int], Awaitable[None]]


async def _exchange(peer: Peer, **kw: object) -> tuple[object, list[TraceRecord]]:
    a, b = loopback_pair("loop://gw", "loop://meter")
    records: list[TraceRecord] = []
    channel = BusChannel(a, SETTINGS, bus_number=2, trace=records.append)

    async def serve() -> None:
        n = 0
        while True:
            await b.read(10)
            n += 1
            await peer(b, n)

    task = asyncio.create_task(serve())
    try:
        frame = await channel.exchange(
            REQUEST,
            dlt645.decode,
            _match,
            address=ADDRESS,
            **kw,  # type: ignore[arg-type]
        )
    finally:
        task.cancel()
    return frame, records


def run(coro: Awaitable[tuple[object, list[TraceRecord]]]) -> tuple[object, list[TraceRecord]]:
    return asyncio.run(asyncio.wait_for(coro, 10))  # type: ignore[arg-type]


def test_answer_split_into_single_bytes_with_wake_up_is_reassembled() -> None:
    async def peer(b: LoopbackTransport, n: int) -> None:
        for byte in b"\xfe\xfe" + ANSWER:
            await b.write(bytes([byte]))
            await asyncio.sleep(0)

    frame, records = run(_exchange(peer))
    assert frame.values["energy_kwh"] == dlt645.decode_frame(ANSWER).values["energy_kwh"]
    assert [r.direction for r in records] == ["tx", "rx"]
    assert records[0].hex.startswith("68 23 01")


def test_other_meters_frame_glued_before_the_answer_is_skipped() -> None:
    async def peer(b: LoopbackTransport, n: int) -> None:
        await b.write(OTHER + b"\x00\x13" + ANSWER)

    frame, records = run(_exchange(peer))
    assert frame.address == ADDRESS
    assert "rx-other" in [r.direction for r in records]


def test_bad_checksum_then_good_answer_on_retry() -> None:
    damaged = ANSWER[:-2] + bytes([(ANSWER[-2] + 1) & 0xFF]) + ANSWER[-1:]

    async def peer(b: LoopbackTransport, n: int) -> None:
        await b.write(damaged if n == 1 else ANSWER)

    frame, records = run(_exchange(peer))
    assert frame.raw == ANSWER
    assert [r.direction for r in records].count("tx") == 2
    assert any(r.direction == "rx-bad" and "checksum" in r.note for r in records)


def test_silence_gives_no_answer_error_with_location() -> None:
    async def peer(b: LoopbackTransport, n: int) -> None:
        return None

    with pytest.raises(NoAnswerError) as info:
        run(_exchange(peer))
    assert str(info.value) == f"no answer from {ADDRESS} on loop://gw bus 2 after 3 tries"
    assert info.value.tries == 3


def test_always_damaged_gives_bad_answer_error() -> None:
    async def peer(b: LoopbackTransport, n: int) -> None:
        await b.write(ANSWER[:-1] + b"\x00")

    with pytest.raises(BadAnswerError, match="end byte"):
        run(_exchange(peer, retries=1))


def test_line_dropping_mid_request_is_a_disconnect_error_not_a_hang() -> None:
    async def peer(b: LoopbackTransport, n: int) -> None:
        b.disconnect("gateway powered off")

    with pytest.raises(GatewayDisconnectedError, match="gateway powered off"):
        run(_exchange(peer, retries=0))


def test_stale_bytes_are_dropped_before_the_request() -> None:
    async def scenario() -> tuple[object, int]:
        a, b = loopback_pair()
        channel = BusChannel(a, SETTINGS)
        a.inject(ANSWER)  # a late answer to an earlier request sits in the buffer

        async def serve() -> None:
            await b.read(10)
            await b.write(OTHER)
            await asyncio.sleep(0.01)
            await b.write(ANSWER)

        task = asyncio.create_task(serve())
        frame = await channel.exchange(REQUEST, dlt645.decode, _match, address=ADDRESS)
        await task
        return frame, channel.stats.stale_bytes

    frame, stale = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert frame.raw == ANSWER  # type: ignore[attr-defined]
    assert stale == len(ANSWER)


def test_one_request_in_flight_per_bus() -> None:
    async def scenario() -> int:
        a, b = loopback_pair()
        channel = BusChannel(a, SETTINGS)
        in_flight = 0
        peak = 0

        async def serve() -> None:
            nonlocal in_flight, peak
            while True:
                await b.read(10)
                in_flight += 1
                peak = max(peak, in_flight)
                await asyncio.sleep(0.01)
                in_flight -= 1
                await b.write(ANSWER)

        task = asyncio.create_task(serve())
        await asyncio.gather(
            *(channel.exchange(REQUEST, dlt645.decode, _match, address=ADDRESS) for _ in range(5))
        )
        task.cancel()
        return peak

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) == 1


def test_trace_logger_writes_hex(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    async def peer(b: LoopbackTransport, n: int) -> None:
        await b.write(ANSWER)

    with caplog.at_level(logging.DEBUG, logger="app.comms.trace"):
        run(_exchange(peer))
    lines = [r.getMessage() for r in caplog.records if r.name == "app.comms.trace"]
    assert any(" tx " in line and REQUEST.hex(" ").upper() in line for line in lines)
    assert any(" rx " in line and ANSWER.hex(" ").upper() in line for line in lines)
