"""The technician CLI (meter read/control/time-sync, bus scan, simulate) against the simulator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run
from app.comms.simulator import Simulator
from app.domain.demo_site import DemoSite
from tests.integration.comms.conftest import FAST_BAUD, free_port_block, small_site

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def cli_site() -> DemoSite:
    return small_site(free_port_block(3))


@pytest.fixture
def cli_sim(cli_site: DemoSite):  # type: ignore[no-untyped-def]
    with Simulator(cli_site, baud=FAST_BAUD, turnaround_ms=1) as sim:
        yield sim


def via(site: DemoSite, bus: int = 1) -> str:
    return f"tcp://127.0.0.1:{site.gateways[0].buses[bus - 1].port}"


def test_meter_read_prints_json(
    cli_site: DemoSite, cli_sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "meter",
            "read",
            "--via",
            via(cli_site),
            "--protocol",
            "dlt645-2007",
            "--address",
            "000000000001",
            "--item",
            "all",
            "--baud",
            str(FAST_BAUD),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["values"]["relay"] == "closed"
    assert float(out["values"]["energy_kwh"]) >= 0  # JSON carries the exact decimal text
    assert "." in out["values"]["energy_kwh"]


def test_meter_read_water_and_modbus(
    cli_site: DemoSite, cli_sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            [
                "meter",
                "read",
                "--via",
                via(cli_site, 2),
                "--protocol",
                "cjt188",
                "--address",
                "00000000000011",
                "--item",
                "water",
            ]
        )
        == 0
    )
    assert "volume_m3" in json.loads(capsys.readouterr().out)["values"]
    assert (
        run(
            [
                "meter",
                "read",
                "--via",
                via(cli_site),
                "--protocol",
                "modbus",
                "--address",
                "5",
                "--profile",
                "modbus-three-phase",
                "--item",
                "energy",
            ]
        )
        == 0
    )
    assert "energy_kwh" in json.loads(capsys.readouterr().out)["values"]


def test_meter_control_confirms_and_reports_a_stuck_relay(
    cli_site: DemoSite, cli_sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "meter",
        "control",
        "--via",
        via(cli_site),
        "--protocol",
        "dlt645-2007",
        "--address",
        "000000000001",
        "trip",
    ]
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "open"
    assert cli_sim.meter("000000000001").relay_closed is False
    cli_sim.meter("000000000002").faults.stuck_relay = True
    code = run(
        [
            "meter",
            "control",
            "--via",
            via(cli_site),
            "--protocol",
            "dlt645-2007",
            "--address",
            "000000000002",
            "trip",
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert "000000000002 acknowledged trip but its relay is still closed" in err


def test_no_answer_message_and_exit_status(
    cli_site: DemoSite, cli_sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(
        [
            "meter",
            "read",
            "--via",
            via(cli_site),
            "--protocol",
            "dlt645-2007",
            "--address",
            "000000000123",
            "--timeout",
            "0.2",
            "--bus",
            "2",
        ]
    )
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        f"error: no answer from 000000000123 on {via(cli_site)} bus 2 after 3 tries"
    )


def test_bad_arguments_are_one_line_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            [
                "meter",
                "read",
                "--via",
                "tcp://nohost",
                "--protocol",
                "dlt645-2007",
                "--address",
                "1",
            ]
        )
        == 2
    )
    assert "needs host and port" in capsys.readouterr().err
    assert (
        run(["meter", "read", "--via", "tcp://127.0.0.1:1", "--protocol", "xyz", "--address", "1"])
        == 2
    )
    assert "unknown protocol" in capsys.readouterr().err


def test_bus_scan_and_time_sync(
    cli_site: DemoSite, cli_sim: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["bus", "scan", "--via", via(cli_site), "--range", "000000000001-000000000003"]) == 0
    assert json.loads(capsys.readouterr().out)["addresses"] == ["000000000001", "000000000002"]
    cli_sim.meter("000000000001").faults.clock_offset_s = 600
    assert run(["meter", "time-sync", "--via", via(cli_site)]) == 0
    assert "broadcast_time" in json.loads(capsys.readouterr().out)
    assert (
        run(
            [
                "meter",
                "read",
                "--via",
                via(cli_site),
                "--protocol",
                "dlt645-2007",
                "--address",
                "000000000001",
                "--item",
                "time",
            ]
        )
        == 0
    )
    assert abs(json.loads(capsys.readouterr().out)["values"]["clock_drift_s"]) <= 2


def test_simulate_command_serves_the_demo_site_and_stops(tmp_path: Path) -> None:
    base = free_port_block(130)
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "simulate",
            "--base-port",
            str(base),
            "--dtu-port",
            str(base + 125),
            "--duration",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"SHUIDIAN_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"GW001 tcp: bus 1 tcp://127.0.0.1:{base} ")
    assert sum(1 for line in lines if line.startswith("GW")) == 61
    assert "1283 meters" in lines[-1]
