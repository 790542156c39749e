"""DTU server transport over real sockets: registration formats, heartbeats, replacement."""

from __future__ import annotations

import asyncio

import pytest

from app.comms.transport import GatewayDisconnectedError, GatewayUnreachableError
from app.comms.transport.tcp_server import DtuServer, RegistrationFormat
from tests.integration.comms.conftest import WAIT_S, free_port_block


async def _dial(port: int, packet: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(packet)
    await writer.drain()
    return reader, writer


def _run(coro: object) -> None:
    asyncio.run(asyncio.wait_for(coro, WAIT_S))  # type: ignore[arg-type]


def test_text_registration_heartbeat_and_data() -> None:
    port = free_port_block(1)

    async def scenario() -> None:
        server = DtuServer(port, "127.0.0.1", registration=RegistrationFormat(gap_s=0.05))
        await server.start()
        try:
            reader, writer = await _dial(port, b"DTU00007\r\n")
            link = await server.wait_registered("DTU00007", 5)
            writer.write(b"HB")  # heartbeat while idle: dropped
            await writer.drain()
            await asyncio.sleep(0.1)
            await link.write(b"\x01\x02")
            assert await reader.readexactly(2) == b"\x01\x02"
            writer.write(b"\x68\x16")
            await writer.drain()
            assert await link.read(2) == b"\x68\x16"
            assert link.last_heartbeat_monotonic is not None
            writer.close()
        finally:
            await server.close()

    _run(scenario())


@pytest.mark.parametrize(
    ("fmt", "packet", "link_id"),
    [
        ("imei", b"866123456789012", "866123456789012"),
        ("fixed:4", b"\x00\x01\x02\x03", "00010203"),
        ("fixed:3", b"ABC", "ABC"),
    ],
)
def test_other_registration_formats(fmt: str, packet: bytes, link_id: str) -> None:
    port = free_port_block(1)

    async def scenario() -> None:
        server = DtuServer(port, "127.0.0.1", registration=RegistrationFormat.parse(fmt))
        await server.start()
        try:
            _reader, writer = await _dial(port, packet + b"\x68")
            link = await server.wait_registered(link_id, 5)
            assert await link.read(2) == b"\x68"  # bytes after the packet are bus data
            writer.close()
        finally:
            await server.close()

    _run(scenario())


def test_reconnecting_dtu_replaces_its_old_connection() -> None:
    port = free_port_block(1)

    async def scenario() -> None:
        server = DtuServer(port, "127.0.0.1", registration=RegistrationFormat(gap_s=0.05))
        await server.start()
        try:
            old_reader, _old_writer = await _dial(port, b"DTU9")
            link = await server.wait_registered("DTU9", 5)
            waiting = asyncio.create_task(link.read(5))  # a request waits on the old socket
            await asyncio.sleep(0.05)
            new_reader, new_writer = await _dial(port, b"DTU9")
            with pytest.raises(GatewayDisconnectedError):
                await waiting
            assert await old_reader.read() == b""  # the old socket was closed
            for _ in range(100):
                if link.is_open:
                    break
                await asyncio.sleep(0.02)
            await link.write(b"\xaa")
            assert await new_reader.readexactly(1) == b"\xaa"
            new_writer.close()
        finally:
            await server.close()

    _run(scenario())


def test_unregistered_dtu_is_unreachable_quickly() -> None:
    port = free_port_block(1)

    async def scenario() -> None:
        server = DtuServer(port, "127.0.0.1")
        try:
            with pytest.raises(GatewayUnreachableError, match="has not registered"):
                await server.link("NOPE").open()
            with pytest.raises(GatewayUnreachableError, match=r"in 0\.2 s"):
                await server.wait_registered("NOPE", 0.2)
        finally:
            await server.close()

    _run(scenario())


def test_bad_registration_format_text() -> None:
    with pytest.raises(ValueError, match="unknown DTU registration format"):
        RegistrationFormat.parse("fixed:abc")
