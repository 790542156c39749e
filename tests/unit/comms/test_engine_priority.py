"""Engine: priority per bus, parallel buses, futures from any thread, events."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from app.comms.channel import BusChannel, NoAnswerError
from app.comms.engine import BusJob, CommsEngine, EngineError, GatewayConfig, LineConfig, Priority
from app.comms.events import CommErrorEvent, EventBus, GatewayOffline, MeterOffline
from app.comms.transport import TransportError

WAIT_S = 30.0


@pytest.fixture
def engine() -> Any:
    eng = CommsEngine()
    eng.start()
    eng.configure(
        [
            GatewayConfig("G1", (LineConfig(1, "loop://g1b1"), LineConfig(2, "loop://g1b2"))),
            GatewayConfig("G2", (LineConfig(1, "tcp://127.0.0.1:9"),)),
        ]
    )
    yield eng
    eng.stop()


def test_control_jumps_ahead_of_queued_reads(engine: CommsEngine) -> None:
    order: list[str] = []
    gate = threading.Event()

    async def blocker(channel: BusChannel) -> None:
        while not gate.is_set():
            await asyncio.sleep(0.01)

    def op(name: str) -> Any:
        async def run(channel: BusChannel) -> str:
            order.append(name)
            return name

        return run

    first = engine.call("G1", 1, blocker)
    reads = [engine.call("G1", 1, op(f"read{i}")) for i in range(3)]
    control = engine.call("G1", 1, op("trip"), priority=Priority.CONTROL)
    command = engine.call("G1", 1, op("sync"), priority=Priority.COMMAND)
    gate.set()
    for fut in [first, *reads, control, command]:
        fut.result(WAIT_S)
    assert order == ["trip", "sync", "read0", "read1", "read2"]


def test_buses_run_in_parallel(engine: CommsEngine) -> None:
    both = threading.Barrier(2, timeout=WAIT_S)

    async def meet(channel: BusChannel) -> int:
        await asyncio.to_thread(both.wait)
        return channel.bus_number

    futs = [engine.call("G1", 1, meet), engine.call("G1", 2, meet)]
    assert sorted(f.result(WAIT_S) for f in futs) == [1, 2]


def test_submit_coroutine_and_unknown_bus(engine: CommsEngine) -> None:
    async def answer() -> int:
        return 42

    assert engine.submit(answer()).result(WAIT_S) == 42
    with pytest.raises(EngineError, match="unknown bus 9"):
        engine.submit(BusJob("G1", 9, answer)).result(WAIT_S)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.submit(object())  # type: ignore[arg-type]


def test_failures_publish_events_and_mark_offline(engine: CommsEngine) -> None:
    seen: list[object] = []
    engine.events.subscribe(seen.append)

    async def silent(channel: BusChannel) -> None:
        raise NoAnswerError("000000000001", channel.where, 3)

    for _ in range(3):
        with pytest.raises(NoAnswerError):
            engine.call("G1", 1, silent, address="000000000001").result(WAIT_S)
    assert engine.meter_online("G1", 1, "000000000001") is False
    assert sum(isinstance(e, CommErrorEvent) for e in seen) == 3
    assert sum(isinstance(e, MeterOffline) for e in seen) == 1

    async def connect(channel: BusChannel) -> None:
        await channel.transport.ensure_open()

    with pytest.raises(TransportError, match=r"tcp://127\.0\.0\.1:9"):
        engine.call("G2", 1, connect).result(WAIT_S)
    assert any(isinstance(e, GatewayOffline) and e.gateway_code == "G2" for e in seen)


def test_event_bus_isolates_failing_subscribers() -> None:
    bus = EventBus()
    got: list[object] = []

    def broken(event: object) -> None:
        raise RuntimeError("boom")

    bus.subscribe(broken)
    unsubscribe = bus.subscribe(got.append, int)
    bus.publish("text")
    bus.publish(7)
    unsubscribe()
    bus.publish(8)
    assert got == [7]
