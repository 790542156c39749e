"""``main.py meter swap`` as a user runs it: a separate process on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.models import MeasurementPoint, Meter
from app.services import Services
from app.services.readings import RawRead
from app.services.settlement import SettlementService
from app.services.unit_of_work import Database
from tests.fixtures.metering import add_metering
from tests.fixtures.site import build_small_site

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ),
        cwd=ROOT,
    )


def test_meter_swap_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'swap.db'}"
    db = Database(url)
    db.upgrade()
    services = Services(db)
    build_small_site(services)
    m = add_metering(services)
    p = m.elec["A-1-01"]
    at = datetime.now(UTC) - timedelta(hours=2)
    SettlementService(db).record([RawRead(p, m.meters[p], at, {"total": "100.00"})], now=at)
    db.dispose()

    bad = run("meter", "swap", "E-A-1-01", "--final", "99", "--new-address", "000000000777",
              "--initial", "0", "--note", "x", "--url", url)  # fmt: skip
    assert bad.returncode == 1 and "final_below_last" in bad.stderr

    slip = tmp_path / "slip.pdf"
    out = run("meter", "swap", "E-A-1-01", "--final", "101.50", "--new-address", "000000000777",
              "--initial", "0.20", "--note", "旧表黑屏", "--slip", str(slip),
              "--url", url)  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["final"] == {"total": "101.50"} and data["new_meter"]["address"] == "000000000777"
    assert data["billed_fen"] == 102  # 1.50 kWh × 0.68
    assert slip.read_bytes().startswith(b"%PDF")
    db = Database(url)
    with db.uow() as uow:
        s = uow.session
        mid = s.scalar(select(MeasurementPoint.meter_id).where(MeasurementPoint.id == p))
        meter = s.get(Meter, mid)
        assert meter is not None and meter.address == "000000000777"
    db.dispose()
    again = tmp_path / "again.pdf"
    reprint = run("meter", "swap-slip", "E-A-1-01", "--out", str(again), "--url", url)
    assert reprint.returncode == 0, reprint.stderr
    assert again.read_bytes().startswith(b"%PDF") and data["slip_no"] in reprint.stdout
    verify = run("ledger", "verify", "--url", url)
    assert verify.returncode == 0 and "ledger verify: OK" in verify.stdout
