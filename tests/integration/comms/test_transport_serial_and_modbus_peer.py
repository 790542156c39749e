"""Serial lines (a socat pty pair and os.openpty) and pymodbus's own server as a Modbus peer."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from app.comms import meter_ops
from app.comms.channel import BusChannel, BusSettings, NoAnswerError
from app.comms.protocols import modbus
from app.comms.simulator import Simulator
from app.comms.simulator.site_file import site_from_dict
from app.comms.transport.serial import SerialTransport
from app.comms.transport.tcp_client import TcpClientTransport
from tests.integration.comms.conftest import WAIT_S, free_port_block

SERIAL = BusSettings(baud=115200, timeout_s=1.0, retries=2)


def serial_site() -> object:
    return site_from_dict(
        {
            "gateways": [{"code": "SER", "transport": "serial", "buses": [{"number": 1}]}],
            "meters": [
                {
                    "protocol": "dlt645-2007",
                    "address": "000000000007",
                    "gateway_code": "SER",
                    "profile": "dlt645-2007-single-phase",
                },
                {
                    "protocol": "modbus",
                    "address": "3",
                    "gateway_code": "SER",
                    "profile": "modbus-single-phase",
                },
            ],
        }
    )


async def _read_and_trip(url: str) -> tuple[dict[str, object], dict[str, object], object]:
    transport = SerialTransport.from_url(url)
    channel = BusChannel(transport, SERIAL)
    try:
        energy = await meter_ops.read(
            channel, meter_ops.MeterRef("dlt645-2007", "000000000007"), "all"
        )
        ref = meter_ops.MeterRef("modbus", "3", profile="modbus-single-phase")
        modbus_values = await meter_ops.read(channel, ref, "all")
        trip = await meter_ops.control(channel, ref, "trip")
        return energy, modbus_values, trip
    finally:
        await transport.close()


def test_simulator_on_os_openpty() -> None:
    with Simulator(serial_site(), baud=115200, turnaround_ms=1) as sim:  # type: ignore[arg-type]
        path = sim.serial_path("SER", 1)
        energy, values, trip = asyncio.run(
            asyncio.wait_for(_read_and_trip(f"serial://{path}?baud=115200"), WAIT_S)
        )
        assert energy["relay"] == "closed" and isinstance(energy["energy_kwh"], Decimal)
        assert isinstance(values["energy_kwh"], Decimal)
        assert trip.confirmed and not sim.meter("3").relay_closed  # type: ignore[attr-defined]


@pytest.fixture
def socat_pair(tmp_path: Path) -> Iterator[tuple[str, str]]:
    if shutil.which("socat") is None:
        pytest.skip("socat is not installed (apt-get install socat)")
    a, b = tmp_path / "ttyA", tmp_path / "ttyB"
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not (a.exists() and b.exists()):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("socat did not create the pty pair")
            time.sleep(0.05)
        yield str(a), str(b)
    finally:
        proc.terminate()
        proc.wait(10)


def test_simulator_behind_a_socat_pty_pair(socat_pair: tuple[str, str]) -> None:
    sim_end, app_end = socat_pair
    with Simulator(
        serial_site(),  # type: ignore[arg-type]
        baud=115200,
        turnaround_ms=1,
        serial_devices={("SER", 1): sim_end},
    ) as sim:
        energy, values, trip = asyncio.run(
            asyncio.wait_for(_read_and_trip(f"serial://{app_end}?baud=115200&parity=E"), WAIT_S)
        )
        assert energy["relay"] == "closed"
        assert values["relay"] == "closed"
        assert trip.state == "open" and not sim.meter("3").relay_closed  # type: ignore[attr-defined]


# -- pymodbus as the independent Modbus peer -------------------------------------------------


def test_modbus_against_pymodbus_server() -> None:
    from pymodbus.framer import FramerType
    from pymodbus.server import ModbusTcpServer
    from pymodbus.simulator import DataType, SimData, SimDevice

    profile = meter_ops.resolve_profile("modbus-single-phase")
    rmap = profile.modbus_map
    registers = modbus.encode_points(
        rmap.points,
        0,
        0x30,
        {
            "voltage_v": Decimal("230.1"),
            "current_a": Decimal("1.23"),
            "power_kw": Decimal("0.2800"),
            "power_factor": Decimal("0.950"),
            "energy_kwh": Decimal("1234.56"),
            "relay_state": Decimal(1),
        },
    )
    port = free_port_block(1)

    async def scenario() -> None:
        device = SimDevice(
            id=7, simdata=[SimData(0, count=0x30, values=registers, datatype=DataType.REGISTERS)]
        )
        server = ModbusTcpServer(device, framer=FramerType.RTU, address=("127.0.0.1", port))
        task = asyncio.create_task(server.serve_forever())
        try:
            channel = BusChannel(TcpClientTransport("127.0.0.1", port), SERIAL)
            for _ in range(100):  # the server needs a moment to listen
                try:
                    await channel.transport.ensure_open()
                    break
                except Exception:
                    channel.transport.reset_backoff()  # type: ignore[attr-defined]
                    await asyncio.sleep(0.05)
            ref = meter_ops.MeterRef("modbus", "7", profile=profile)
            values = await meter_ops.read(channel, ref, "all")
            assert values["energy_kwh"] == Decimal("1234.56")
            assert values["voltage_v"] == Decimal("230.1")
            assert values["relay"] == "closed"
            result = await meter_ops.control(channel, ref, "trip")
            assert result.confirmed and result.state == "open"
            assert (await meter_ops.read(channel, ref, "status"))["relay"] == "open"
            # A unit id nobody serves: pymodbus answers with an exception (not silence).
            with pytest.raises((meter_ops.MeterRejectedError, NoAnswerError)):
                await meter_ops.read(channel, meter_ops.MeterRef("modbus", "9", profile=profile))
            await channel.transport.close()
        finally:
            await server.shutdown()
            task.cancel()

    asyncio.run(asyncio.wait_for(scenario(), WAIT_S))
